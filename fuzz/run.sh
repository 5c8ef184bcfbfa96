#!/usr/bin/env bash
# Short fuzz run of every target (issue 9), for .ci/run: half a minute in
# all once built on two cores (the targets run side by side, one per core).
# Longer runs: `fuzz/run.sh --seconds 600 [TARGET...]`.
#
# Each target starts from its seeds (fuzz/seeds/TARGET, kept in git) and a
# scratch corpus outside the repo; a crash, a panic, an input slower than
# --timeout seconds or one needing more than --rss MB fails the run and
# leaves the input in fuzz/artifacts/TARGET/.
#
# The targets build with stable cargo, no cargo-fuzz: the dev profile, in the
# main crate's target folder (CARGO_TARGET_DIR, else ../target), so that the
# dependencies `cargo test` built there are reused. sancov-rustc gives only
# planpress and the targets libFuzzer's coverage instrumentation; like the
# dependencies they are unoptimized (Cargo.toml says why), with debug
# assertions and overflow checks on. Run `cargo test` (or build it) first with the same
# CARGO_PROFILE_DEV_DEBUG, or the dependencies are compiled here too.
#
# FUZZ_SANITIZER=address fuzz/run.sh ... builds instead with cargo-fuzz and
# nightly (installed when missing), everything instrumented, under
# AddressSanitizer, in fuzz/target.
#
# fuzz/Cargo.lock is tracked and must not change in a run: it is checked
# first. After a dependency of planpress changes, `fuzz/run.sh --sync-lock`
# makes it again from ../Cargo.lock (the same versions) and nothing else;
# commit the result.
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = "--sync-lock" ]; then
  cp ../Cargo.lock Cargo.lock
  cargo metadata --format-version 1 >/dev/null
  echo "fuzz/Cargo.lock made from Cargo.lock; commit it"
  exit 0
fi
if ! cargo metadata --locked --format-version 1 >/dev/null 2>&1; then
  echo "fuzz: fuzz/Cargo.lock is out of date with planpress's dependencies;"
  echo "      run fuzz/run.sh --sync-lock and commit fuzz/Cargo.lock"
  exit 1
fi

seconds=5
timeout=10
rss=2048
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --rss) rss="$2"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$(basename "$0")"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(annotations grammar markdown yaml deadline slug html import)
fi

# No sanitizer by default: planpress has no unsafe code, and panics,
# overflow, hangs and memory use are what is looked for here.
sanitizer="${FUZZ_SANITIZER:-none}"

# Builds every target with cargo-fuzz and nightly; sets bin_dir.
build_cargo_fuzz() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    if ! rustup toolchain install nightly --profile minimal; then
      echo "fuzz: FAILED: no nightly toolchain can be installed here (rustup toolchain install nightly failed); cargo-fuzz needs one" >&2
      exit 1
    fi
  fi
  if ! command -v cargo-fuzz >/dev/null; then
    if ! cargo install cargo-fuzz --locked; then
      echo "fuzz: FAILED: cargo-fuzz cannot be installed here (cargo install cargo-fuzz failed)" >&2
      exit 1
    fi
  fi
  # 16 codegen units use every core for slightly slower runs.
  CARGO_TARGET_DIR="$PWD/target" cargo +nightly fuzz build -s "$sanitizer" -a -O --codegen-units 16
  bin_dir="$PWD/target/$(rustc -vV | sed -n 's/^host: //p')/release"
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_odr_violation=0"
}

# Builds every target with stable cargo beside the test build; sets bin_dir
# and says which crates it compiled (more than libfuzzer-sys, planpress and
# the targets: see the feature lists in Cargo.toml).
build_stable() {
  local target_dir="${CARGO_TARGET_DIR:-$PWD/../target}" log
  log="$(mktemp)"
  if ! CARGO_TARGET_DIR="$target_dir" RUSTC_WRAPPER="$PWD/sancov-rustc" CARGO_INCREMENTAL=0 \
      cargo build --locked --bins 2>"$log"; then
    cat "$log" >&2
    rm -f "$log"
    echo "fuzz: FAILED: the fuzz targets do not build" >&2
    exit 1
  fi
  echo "fuzz build: compiled $(sed -n 's/^ *Compiling \([^ ]*\) .*/\1/p' "$log" | tr '\n' ' ')(the rest reused)"
  rm -f "$log"
  bin_dir="$target_dir/debug"
}

if [ "$sanitizer" = none ]; then
  build_stable
else
  build_cargo_fuzz
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# One target's run; its report in $scratch/TARGET.report, "ok" or not in
# $scratch/TARGET.status.
fuzz_one() {
  local t="$1" start log
  mkdir -p "$scratch/$t"
  start=$(date +%s)
  log="$scratch/$t.log"
  mkdir -p "artifacts/$t"
  if "$bin_dir/$t" -artifact_prefix="artifacts/$t/" "$scratch/$t" "seeds/$t" \
      -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss" \
      -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    stat() { grep -Eo "stat::$1: *[0-9]+" "$log" | grep -Eo '[0-9]+$' || echo '?'; }
    echo "fuzz $t: ok, $(stat number_of_executed_units) inputs in $(( $(date +%s) - start )) s," \
      "slowest $(stat slowest_unit_time_sec) s, peak $(stat peak_rss_mb) MB," \
      "corpus $(find "$scratch/$t" -type f | wc -l) inputs" >"$scratch/$t.report"
    echo ok >"$scratch/$t.status"
  else
    { echo "fuzz $t: FAILED"; tail -40 "$log"; } >"$scratch/$t.report"
    echo failed >"$scratch/$t.status"
  fi
}

# A fuzzer uses one core: the targets run side by side, one per core, each
# still for $seconds seconds.
jobs_max="$(nproc 2>/dev/null || echo 1)"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
    wait -n || true
  done
  fuzz_one "$t" &
done
wait

status=0
for t in "${targets[@]}"; do
  cat "$scratch/$t.report"
  [ "$(cat "$scratch/$t.status" 2>/dev/null)" = ok ] || status=1
done
exit $status
