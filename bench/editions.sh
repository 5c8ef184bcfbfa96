#!/usr/bin/env bash
# What an edition costs (issue 21): the synthetic corpus built without
# `editions:`, with the 繁體 edition and with an untranslated Uyghur edition
# (every text the Chinese fallback, every run of it marked: the worst case).
#
#   bench/editions.sh            N = 1000, 2 runs of each site, alternating
#   bench/editions.sh 300 --runs 3
#
# Prints a Markdown table: median wall and CPU (user + sys), highest peak RSS,
# files and MB of the output, and each edition's share against the site
# without editions; then the `build -v` phases of the last run of each.
# Environment: PLANPRESS (a binary to use instead of `cargo build --release`'s),
# BENCH_DIR (default /tmp/planpress-bench; the corpus is BENCH_DIR/N, made by
# bench/gen_corpus.py when missing, as bench/run.sh makes it), BENCH_OUT
# (default /dev/shm: see bench/run.sh on why tmpfs).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_DIR:-/tmp/planpress-bench}
OUT_BASE=${BENCH_OUT:-/dev/shm}
N=1000
RUNS=2
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        [0-9]*) N="$1"; shift ;;
        *) echo "editions.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ -z "${PLANPRESS:-}" ]; then
    (cd "$REPO" && cargo build --release -q)
    PLANPRESS="${CARGO_TARGET_DIR:-$REPO/target}/release/planpress"
fi
corpus="$WORK/$N"
if [ ! -d "$corpus/content" ]; then
    python3 "$REPO/bench/gen_corpus.py" --plans "$N" --out "$corpus" --seed "${BENCH_SEED:-8}"
fi

# One site per variant: the corpus's content and site.yaml, the repository's
# themes, and the variant's `editions:`.
sites="$WORK/editions-$N"
rm -rf "$sites"
declare -A EDITIONS=(
    [none]=""
    [hant]=$'editions:\n  - elder\n  - hant\n'
    [ug]=$'editions:\n  - elder\n  - translated:\n      lang: ug\n      dir: rtl\n'
)
VARIANTS=(none hant ug)
for v in "${VARIANTS[@]}"; do
    mkdir -p "$sites/$v"
    # planpress reads nothing through a link out of the site: hard links.
    cp -al "$corpus/content" "$sites/$v/content"
    cp -r "$REPO/themes" "$sites/$v/themes"
    { cat "$corpus/site.yaml"; printf '%s' "${EDITIONS[$v]}"; } > "$sites/$v/site.yaml"
done

raw="$sites/raw.tsv"
: > "$raw"
for r in $(seq 1 "$RUNS"); do
    for v in "${VARIANTS[@]}"; do
        out=$(mktemp -d "$OUT_BASE/pp-editions-XXXX")
        sync
        if ! /usr/bin/time -f "%e %U %S %M" -o "$sites/$v.time" \
            "$PLANPRESS" build -q -v --root "$sites/$v" --out "$out/site" > "$sites/$v.phases" 2>&1; then
            echo "editions.sh: the $v site failed to build:" >&2
            cat "$sites/$v.phases" >&2
            rm -rf "$out"
            exit 1
        fi
        read -r wall user sys rss < "$sites/$v.time"
        files=$(find "$out/site" -type f | wc -l)
        mb=$(du -s --apparent-size -m "$out/site" | cut -f1)
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$wall" "$(echo "$user + $sys" | bc)" "$rss" "$files" "$mb" >> "$raw"
        echo "run $r: $v ${wall}s" >&2
        rm -rf "$out"
    done
done

python3 - "$raw" "$N" <<'EOF'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
n = int(sys.argv[2])
by = {}
for v, wall, cpu, rss, files, mb in rows:
    by.setdefault(v, []).append((float(wall), float(cpu), int(rss), int(files), int(mb)))
names = {"none": "no `editions:` (the 长者版 only)", "hant": "`[elder, hant]`",
         "ug": "`[elder, translated ug]`, no translation"}
def summary(v):
    runs = by[v]
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            max(r[2] for r in runs) // 1024, runs[-1][3], runs[-1][4])
print(f"N = {n}, {len(by['none'])} runs each (median wall and CPU)\n")
print("| site | wall (s) | CPU (s) | peak RSS (MiB) | files | output (MB) | edition's share: CPU, files, MB |")
print("|---|---:|---:|---:|---:|---:|---|")
base = summary("none")
for v in ("none", "hant", "ug"):
    s = summary(v)
    share = "" if v == "none" else (
        f"+{s[1] - base[1]:.1f} s ({100 * (s[1] - base[1]) / base[1]:+.0f} %), "
        f"+{s[3] - base[3]:,} ({100 * (s[3] - base[3]) / base[3]:+.0f} %), "
        f"+{s[4] - base[4]:,} ({100 * (s[4] - base[4]) / base[4]:+.0f} %)")
    print(f"| {names[v]} | {s[0]:.1f} | {s[1]:.1f} | {s[2]} | {s[3]:,} | {s[4]:,} | {share} |")
EOF
for v in "${VARIANTS[@]}"; do
    echo
    echo "phases, $v (last run):"
    grep -v '^$' "$sites/$v.phases" | sed 's/^/    /'
done
