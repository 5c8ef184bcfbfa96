#!/usr/bin/env bash
# The browser suite (issue 4): builds the example site, serves it on 127.0.0.1
# and runs every tests/browser/*.spec.mjs with Node (BROWSER_JOBS at a time), against
# Debian's headless Chromium (axe-core, the Nu HTML checker, the 长者版 sizes,
# keyboard, the 无障碍 toolbar, no JavaScript, reflow, screenshots, the
# review page of `planpress import --review`, and the addresses, feed, sitemap,
# QR code, calendars and open data that are read away from the site), and the
# same sites behind nginx with deploy/'s configuration (nginx.sh).
#
#   tests/browser/run.sh                 all specs
#   SPECS="elder toolbar" tests/browser/run.sh   only these ("nginx": the nginx test)
#   SCREENSHOT_DIR=DIR                   where screenshots go (default /tmp/planpress-shots)
#   AXE_PAGES=all                        axe on every page (default: a quarter of the unit pages)
#   VERBOSE=1                            print every passing check too
#   BROWSER_JOBS=N                       specs run at once (default 1: one after another)
#   BROWSER_CPU=1                        each spec's CPU time after its "took" line
#
# links, search, elder and toolbar run once, through nginx (nginx.sh), when the
# nginx test is selected (always in a whole suite); without it, directly.
#
# Installs what it needs when missing: Debian's chromium (and its headless
# shell, which the specs drive), a headless JRE, xmllint
# (libxml2-utils: the feed's and sitemap's schemas) and CJK fonts (apt), and the
# pinned npm packages of package-lock.json (npm ci, no install scripts, no
# browser download). Each spec gets SITE_URL and SITE_DIR
# (the site at /), SUB_SITE_URL and SUB_SITE_DIR (a second build published
# under /fzjs/ with short pages, so unit and topic pages paginate),
# RTL_SITE_URL and RTL_SITE_DIR (the fixture tests/fixtures/editions-ug, with
# a right-to-left Uyghur edition, under /rtl/) and SCREENSHOT_DIR.
# Everything it writes outside the repo goes to a temporary
# folder that is removed at the end, except the screenshots.
set -euo pipefail
cd "$(dirname "$0")/../.."
suite_start=$(date +%s)
here=tests/browser

# ---- system packages
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium fonts-liberation)
# The specs' browser (lib.mjs): the same Chromium without the desktop browser.
[ -x /usr/lib/chromium/chromium-headless-shell ] || need+=(chromium-headless-shell)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
  need+=(fonts-noto-cjk fontconfig)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "browser suite: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# ---- npm packages (pinned by package-lock.json; vnu-jar ships its jar)
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.planpress-lock" 2>/dev/null; then
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$here/node_modules/.planpress-lock"
fi

# ---- the sites
work=$(mktemp -d "${TMPDIR:-/tmp}/planpress-browser.XXXXXX")
server=""
lanes=()
cleanup() {
  # The lanes and what they run, when the suite is cut short.
  for pid in "${lanes[@]}"; do
    pkill -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export SITE_DIR="$work/site"
export SUB_SITE_DIR="$work/site-fzjs"
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-/tmp/planpress-shots}"
mkdir -p "$SCREENSHOT_DIR"

# PLANPRESS: a planpress binary to test (CI passes the one its tests ran);
# by default a release build of this checkout.
if [ -n "${PLANPRESS:-}" ]; then
  if [ ! -x "$PLANPRESS" ]; then
    echo "browser suite: PLANPRESS=$PLANPRESS is not an executable" >&2
    exit 1
  fi
else
  echo "browser suite: cargo build --release"
  cargo build -q --release
  PLANPRESS="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/release/planpress"
fi
# Specs that run planpress themselves (review.spec.mjs) use it too.
export PLANPRESS

echo "browser suite: building the example site"
# A planpress with `build --compress` writes the .br and .gz files that nginx
# serves; the other specs see them beside the pages.
compress=(--compress)
"$PLANPRESS" build --quiet "${compress[@]}" --out "$SITE_DIR"

# The same site under a sub-path, with short pages so that listings paginate.
mkdir -p "$work/root"
cp -R site.yaml content themes "$work/root/"
if [ -d templates ]; then cp -R templates "$work/root/"; fi
if grep -q '^page_size:' "$work/root/site.yaml"; then
  sed -i 's/^page_size:.*/page_size: 20/' "$work/root/site.yaml"
else
  printf '\npage_size: 20\n' >>"$work/root/site.yaml"
fi
"$PLANPRESS" build --quiet "${compress[@]}" --root "$work/root" --base-url /fzjs/ --out "$SUB_SITE_DIR"

# The fixture site with a right-to-left Uyghur edition (ug/), under /rtl/.
export RTL_SITE_DIR="$work/site-rtl"
"$PLANPRESS" build --quiet --root tests/fixtures/editions-ug --base-url /rtl/ --out "$RTL_SITE_DIR"

# ---- the server
node "$here/server.mjs" / "$SITE_DIR" /fzjs/ "$SUB_SITE_DIR" /rtl/ "$RTL_SITE_DIR" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  grep -q '^listening ' "$work/server.log" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log"; echo "browser suite: the server did not start"; exit 1; }
  sleep 0.1
done
SITE_URL=$(awk '/^listening /{print $2; exit}' "$work/server.log")
[ -n "$SITE_URL" ] || { echo "browser suite: the server did not start"; exit 1; }
export SITE_URL
export SUB_SITE_URL="${SITE_URL}fzjs/"
export RTL_SITE_URL="${SITE_URL}rtl/"
echo "browser suite: serving $SITE_URL (and ${SUB_SITE_URL}, ${RTL_SITE_URL})"

# ---- the specs, BROWSER_JOBS (default 1) at once. Each writes its own log;
# the logs are printed in the usual order (sorted, nginx last) as soon as a
# spec and the ones before it are done. Two at once was slower on CI's two
# vCPUs (clean-clone CI, quiet machine: 381 s against 305 one after another;
# a11y alone 176 s against 50): the browsers compete for the same core.
# Longest first, so that lanes end together when there are several.
longest=(a11y nginx toolbar zoom keyboard readers screenshots elder html reflow ranking review nojs search addresses links)
selected=()
for spec in $(ls "$here"/*.spec.mjs | sort); do
  name=$(basename "$spec" .spec.mjs)
  if [ -n "${SPECS:-}" ] && [[ " $SPECS " != *" $name "* ]]; then continue; fi
  selected+=("$name")
done
# The specs that nginx.sh runs through nginx, with every check of theirs: with
# the nginx test selected they run there only (the same files, served by nginx
# with deploy/'s Content-Security-Policy), not twice.
export NGINX_SPECS="links search elder toolbar"
if [ -z "${SPECS:-}" ] || [[ " $SPECS " == *" nginx "* ]]; then
  direct=()
  for name in "${selected[@]}"; do
    [[ " $NGINX_SPECS " == *" $name "* ]] || direct+=("$name")
  done
  selected=("${direct[@]}" nginx)
fi
order=()
for name in "${longest[@]}" "${selected[@]}"; do
  if [[ " ${selected[*]} " == *" $name "* ]] && [[ " ${order[*]} " != *" $name "* ]]; then order+=("$name"); fi
done
# nginx.sh gzips and brotlis the sites when the build did not (no .html.gz):
# then it runs alone, after the specs that read those folders.
late=""
for dir in "$SITE_DIR" "$SUB_SITE_DIR"; do
  [ -n "$(find "$dir" -name '*.html.gz' -print -quit)" ] || late=nginx
done

run_one() {
  if [ "$1" = nginx ]; then
    timeout 900 "$here/nginx.sh"
  else
    timeout 900 node "$here/$1.spec.mjs"
  fi
}
# BROWSER_CPU=1: each spec's CPU time (user+sys of what it waited for) in its log.
# Chromium's renderers are not among those (its zygote forks them): a spec's
# whole CPU is about twice this; a cpuacct cgroup around the spec measures it.
timed() {
  if [ -n "${BROWSER_CPU:-}" ]; then
    /usr/bin/time -f "   ($1: %U s user %S s sys CPU, %e s wall)" -o "$work/$1.cpu" bash -c "$(declare -f run_one); here=$here; run_one $1"
  else
    run_one "$1"
  fi
}
# A lane takes the next spec nobody has taken (mkdir is atomic).
lane() {
  local name s rc
  for name in "$@"; do
    mkdir "$work/taken-$name" 2>/dev/null || continue
    s=$(date +%s)
    if timed "$name" >"$work/$name.log" 2>&1; then rc=0; else rc=1; fi
    echo $(($(date +%s) - s)) >"$work/$name.secs"
    echo $rc >"$work/$name.rc"
  done
}
lanes=()
pool() {
  local i
  for i in $(seq 1 "${BROWSER_JOBS:-1}"); do
    lane "$@" &
    lanes+=($!)
  done
}
first=()
for name in "${order[@]}"; do [ "$name" = "$late" ] || first+=("$name"); done
pool "${first[@]}"

passed=0
failed=0
failed_specs=()
for name in "${selected[@]}"; do
  if [ "$name" = "$late" ]; then
    wait "${lanes[@]}" || true
    pool "$name"
  fi
  while [ ! -e "$work/$name.rc" ]; do
    alive=0
    for pid in "${lanes[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    if [ $alive = 0 ] && [ ! -e "$work/$name.rc" ]; then echo 1 >"$work/$name.rc" && echo "?" >"$work/$name.secs" && touch "$work/$name.log"; fi
    sleep 0.5
  done
  if [ "$name" = nginx ]; then echo "== browser: nginx (deploy/ in Debian's nginx)"; else echo "== browser: $name"; fi
  cat "$work/$name.log"
  if [ "$(cat "$work/$name.rc")" = 0 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_specs+=("$name")
  fi
  echo "   ($name took $(cat "$work/$name.secs")s)"
  if [ -e "$work/$name.cpu" ]; then cat "$work/$name.cpu"; fi
done
wait "${lanes[@]}" || true

echo "== browser suite summary"
grep -h '^  => ' "$work"/*.log 2>/dev/null | sed 's/^  => /   /' || true
echo "browser suite: screenshots in $SCREENSHOT_DIR; $(($(date +%s) - suite_start))s in all"
if [ $failed -gt 0 ]; then echo "browser suite: failed: ${failed_specs[*]}"; fi
echo "browser specs: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
