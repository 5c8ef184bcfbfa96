#!/usr/bin/env bash
# The browser suite (issue 4): builds the example site, serves it on 127.0.0.1
# and runs every tests/browser/*.spec.mjs with Node, in sorted order, against
# Debian's headless Chromium (axe-core, the Nu HTML checker, the 长者版 sizes,
# keyboard, the 无障碍 toolbar, no JavaScript, reflow, screenshots, the
# review page of `planpress import --review`, and the addresses, feed, sitemap,
# QR code, calendars and open data that are read away from the site); then,
# last, the same sites behind nginx with deploy/'s configuration (nginx.sh).
#
#   tests/browser/run.sh                 all specs
#   SPECS="elder toolbar" tests/browser/run.sh   only these ("nginx": the nginx test)
#   SCREENSHOT_DIR=DIR                   where screenshots go (default /tmp/planpress-shots)
#   AXE_PAGES=all                        axe on every page (default: a quarter of the unit pages)
#   VERBOSE=1                            print every passing check too
#
# Installs what it needs when missing: Debian's chromium, a headless JRE, xmllint
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
cleanup() {
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

# ---- the specs
passed=0
failed=0
failed_specs=()
for spec in $(ls "$here"/*.spec.mjs | sort); do
  name=$(basename "$spec" .spec.mjs)
  if [ -n "${SPECS:-}" ] && [[ " $SPECS " != *" $name "* ]]; then continue; fi
  echo "== browser: $name"
  start=$(date +%s)
  if timeout 900 node "$spec" 2>&1 | tee "$work/$name.log"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_specs+=("$name")
  fi
  echo "   ($name took $(($(date +%s) - start))s)"
done

# The same sites behind nginx with deploy/'s configuration (nginx.sh): last,
# as it adds the precompressed files beside theirs.
if [ -z "${SPECS:-}" ] || [[ " $SPECS " == *" nginx "* ]]; then
  echo "== browser: nginx (deploy/ in Debian's nginx)"
  start=$(date +%s)
  if timeout 900 "$here/nginx.sh" 2>&1 | tee "$work/nginx.log"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_specs+=("nginx")
  fi
  echo "   (nginx took $(($(date +%s) - start))s)"
fi

echo "== browser suite summary"
grep -h '^  => ' "$work"/*.log 2>/dev/null | sed 's/^  => /   /' || true
echo "browser suite: screenshots in $SCREENSHOT_DIR; $(($(date +%s) - suite_start))s in all"
if [ $failed -gt 0 ]; then echo "browser suite: failed: ${failed_specs[*]}"; fi
echo "browser specs: $passed passed, $failed failed"
[ $failed -eq 0 ] && [ $passed -gt 0 ]
