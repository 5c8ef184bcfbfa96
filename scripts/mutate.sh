#!/usr/bin/env bash
# Breaks the code on purpose, one mutation at a time, in a scratch copy of the
# working tree (tracked and new files, not ignored ones), and runs the tests
# that should notice (issue 24). Prints one line per mutation:
#
#   mutate: <name>: CAUGHT (<failing tests>)     a test failed: good
#   mutate: <name>: MISSED                        every test passed: a gap
#   mutate: <name>: NOT APPLIED                   the code moved: update the pattern
#
#   scripts/mutate.sh                 the Rust mutations (rank-rust swap lead-last)
#   scripts/mutate.sh rank-js         only these (names below); rank-js runs the
#                                     browser suite's ranking and search specs
#   scripts/mutate.sh --full ...      run the whole `cargo test` for each Rust
#                                     mutation instead of the tests named below
#   MUTATE_REPEAT=3 scripts/mutate.sh swap    run the tests that many times
#
# Mutations (the table of issue 24):
#   rank-rust  search score order reversed in src/search/query.rs
#   rank-js    the same in themes/portal/static/search.js
#   swap       the output swap made non-atomic in src/output.rs: `commit`
#              removes the old site, then renames the new one into place
#   lead-last  the lead rule (排名第一的单位为牵头单位) takes the last listed unit
#              (src/content/annotations.rs)
#
# Exit status: 1 when a mutation was missed or could not be applied.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}

full=0
names=()
for a in "$@"; do
  case $a in
    --full) full=1 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) names+=("$a") ;;
  esac
done
[ ${#names[@]} -gt 0 ] || names=(rank-rust swap lead-last)
repeat=${MUTATE_REPEAT:-1}

# apply NAME: edits the scratch copy (cwd); the file it changed on stdout.
apply() {
  case $1 in
    rank-rust)
      perl -0pi -e 's/\.then\(b\.2\.partial_cmp\(&a\.2\)/.then(a.2.partial_cmp(&b.2)/' src/search/query.rs
      echo src/search/query.rs ;;
    rank-js)
      perl -0pi -e 's/y\[2\] - x\[2\]/x[2] - y[2]/' themes/portal/static/search.js
      echo themes/portal/static/search.js ;;
    swap)
      # At the top of `commit`, whatever follows: remove the old site, then
      # rename (the rest of the function becomes unreachable).
      perl -0pi -e 's/(pub fn commit\((?:mut )?self\)[^{]*\{)/$1\n        if self.target.exists() { fs::remove_dir_all(&self.target)?; }\n        fs::rename(&self.dir, &self.target)?;\n        return Ok(Vec::new());/' src/output.rs
      grep -q 'return Ok(Vec::new());' src/output.rs || return 1
      echo src/output.rs ;;
    lead-last)
      perl -0pi -e 's/lead\.push\(responsible\.remove\(0\)\)/lead.push(responsible.remove(responsible.len() - 1))/' src/content/annotations.rs
      echo src/content/annotations.rs ;;
    *) echo "mutate: unknown mutation $1" >&2; return 1 ;;
  esac
}

# The tests that should notice each mutation (cargo test arguments: the
# integration tests are one binary, `it`, with a module per file).
rust_tests() {
  case $1 in
    rank-rust) echo "--test it -- ranking:: search::" ;;
    swap) echo "--test it -- crash:: safety::" ;;
    lead-last) echo "--test it -- check:: import:: $([ -f tests/it/corpus.rs ] && echo corpus::)" ;;
  esac
}

status=0
for name in "${names[@]}"; do
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/planpress-mutate.XXXXXX")
  (cd "$repo" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$scratch"
  cd "$scratch" || exit 1
  file=$(apply "$name") || { status=1; continue; }
  if cmp -s "$repo/$file" "$file"; then
    echo "mutate: $name: NOT APPLIED (no match in $file)"
    status=1
    cd "$repo" && rm -rf "$scratch"
    continue
  fi
  log="$scratch.log"
  caught=0
  for ((i = 1; i <= repeat; i++)); do
    if [ "$name" = rank-js ]; then
      SPECS="ranking search" tests/browser/run.sh >"$log" 2>&1 || caught=$((caught + 1))
      failing=$(grep -E '^  FAIL' "$log" | head -5 | sed 's/^  FAIL //' | cut -c1-60 | paste -sd';' -)
    else
      if ((full)); then args=""; else args=$(rust_tests "$name"); fi
      # shellcheck disable=SC2086
      cargo test -q --no-fail-fast $args >"$log" 2>&1 || caught=$((caught + 1))
      failing=$(grep -E '^    [a-z_0-9:]+$' "$log" | sort -u | sed 's/^ *//' | paste -sd' ' -)
    fi
  done
  if grep -qE '^error\[E[0-9]+\]|^error: could not compile' "$log"; then
    echo "mutate: $name: DOES NOT COMPILE ($(grep -m1 -E '^error' "$log")); log: $log"
    status=1
  elif ((caught == repeat)); then
    echo "mutate: $name: CAUGHT $caught/$repeat ($failing)"
  elif ((caught > 0)); then
    echo "mutate: $name: CAUGHT only $caught/$repeat ($failing); log: $log"
    status=1
  else
    echo "mutate: $name: MISSED (tests: ${args:-browser ranking search}); log: $log"
    status=1
  fi
  cd "$repo" && rm -rf "$scratch"
done
exit $status
