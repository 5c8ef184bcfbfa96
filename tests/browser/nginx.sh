#!/usr/bin/env bash
# The nginx test (issue 20): the configuration in deploy/ (docs/deploy.md), in
# Debian's nginx, serving the sites that run.sh built: the example site at /
# of one port (deploy/nginx.conf) and the sub-path build at /fzjs/ of another
# (deploy/nginx-subpath.conf, its /portal/ made /fzjs/). Checks with HTTP
# (nginx-http.mjs): precompressed files, Cache-Control, revalidation, the
# security headers, the 404 pages, the sub-path; in the browser
# (nginx-csp.mjs): every page type, standard and 长者版, with no Content
# Security Policy violation; then the links, search, elder and toolbar specs
# through nginx, failing on any CSP message in the browser's console.
#
# run.sh runs it last (SPECS="nginx" for it alone); by itself it needs what
# run.sh exports: SITE_DIR, SUB_SITE_DIR (built with --base-url /fzjs/).
# Installs nginx, its brotli_static module, brotli and gzip when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=tests/browser
: "${SITE_DIR:?nginx test: SITE_DIR (the example site) is not set; run it with SPECS=nginx tests/browser/run.sh}"
: "${SUB_SITE_DIR:?nginx test: SUB_SITE_DIR (the site built with --base-url /fzjs/) is not set}"
start=$(date +%s)

# ---- system packages
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
brotli_module=/usr/lib/nginx/modules/ngx_http_brotli_static_module.so
[ -e "$brotli_module" ] || need+=(libnginx-mod-http-brotli-static)
command -v brotli >/dev/null 2>&1 || need+=(brotli)
command -v gzip >/dev/null 2>&1 || need+=(gzip)
if [ ${#need[@]} -gt 0 ]; then
  echo "nginx test: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

# ---- precompressed files: `build --compress` writes them; else gzip and brotli
# here, as a deployer without that option would.
for dir in "$SITE_DIR" "$SUB_SITE_DIR"; do
  if [ -z "$(find "$dir" -name '*.html.gz' -print -quit)" ]; then
    find "$dir" -type f \( -name '*.html' -o -name '*.css' -o -name '*.js' -o -name '*.json' -o -name '*.xml' \
      -o -name '*.svg' -o -name '*.txt' -o -name '*.csv' -o -name '*.ics' \) -print0 |
      xargs -0 -r -P 2 -n 64 sh -c 'gzip -k -f -9 "$@" && brotli -k -f -q 9 "$@"' sh
    echo "nginx test: $dir compressed with gzip and brotli ($(($(date +%s) - start))s into the test)"
  fi
done

# ---- the configuration: deploy/ as shipped, with the lines docs/deploy.md
# says to change (listen, root, the sub-path) changed.
ngx=$(mktemp -d "${TMPDIR:-/tmp}/planpress-nginx.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$ngx"
}
trap cleanup EXIT

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
port=$(free_port)
sub_port=$(free_port)
[ "$port" != "$sub_port" ] || sub_port=$(free_port)

mkdir -p "$ngx/snippets" "$ngx/www"
ln -s "$SUB_SITE_DIR" "$ngx/www/fzjs"
cp deploy/planpress.conf "$ngx/snippets/planpress.conf"
cp deploy/planpress-http.conf "$ngx/planpress-http.conf"
sed -e "s#^\(\s*\)listen 80;#\1listen 127.0.0.1:$port;#" -e '/listen \[::\]:80;/d' \
  -e "s#root /var/www/planpress;#root $SITE_DIR;#" deploy/nginx.conf >"$ngx/site.conf"
sed -e "s#^\(\s*\)listen 80;#\1listen 127.0.0.1:$sub_port;#" -e '/listen \[::\]:80;/d' \
  -e "s#root /var/www;#root $ngx/www;#" -e 's#/portal\b#/fzjs#g' deploy/nginx-subpath.conf >"$ngx/subpath.conf"
for f in site subpath; do
  grep -q "127.0.0.1:" "$ngx/$f.conf" && grep -q "root $SITE_DIR;\|root $ngx/www;" "$ngx/$f.conf" ||
    { echo "nginx test: deploy/'s listen or root line is not where this test changes it ($f.conf)"; exit 1; }
done
{
  # Workers as root only here: run.sh's folders are private (mktemp -d).
  if [ "$(id -u)" = 0 ]; then echo "user root;"; fi
  cat <<EOF
load_module $brotli_module;
worker_processes 2;
pid $ngx/nginx.pid;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    log_not_found off;
    sendfile on;
    include $ngx/planpress-http.conf;
    include $ngx/site.conf;
    include $ngx/subpath.conf;
}
EOF
} >"$ngx/nginx.conf"

"$NGINX" -t -q -p "$ngx/" -c "$ngx/nginx.conf" -e "$ngx/error.log" 2>&1 | tee "$ngx/test.log"
if [ -s "$ngx/test.log" ]; then echo "nginx test: nginx -t warns about the configuration"; exit 1; fi
"$NGINX" -p "$ngx/" -c "$ngx/nginx.conf" -e "$ngx/error.log" -g 'daemon off;' &
pid=$!
for _ in $(seq 1 100); do
  if node -e "fetch('http://127.0.0.1:$port/').then(()=>process.exit(0),()=>process.exit(1))" 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$ngx/error.log"; echo "nginx test: nginx did not start"; exit 1; }
  sleep 0.1
done

export SITE_URL="http://127.0.0.1:$port/"
export SUB_SITE_URL="http://127.0.0.1:$sub_port/fzjs/"
echo "nginx test: $("$NGINX" -v 2>&1 | sed 's/^nginx version: //') serving $SITE_URL and $SUB_SITE_URL"

# ---- the checks, then the specs through nginx; every console message about
# the Content Security Policy fails them (lib.mjs, CSP_CONSOLE). These specs
# run only here in a whole suite (run.sh, NGINX_SPECS): every check of theirs
# runs against nginx, which serves the same files as run.sh's static server
# (the same folders; nginx-http checks that each .gz and .br it may send in
# their place holds the same bytes), adding the policy. Two lanes at once (the
# toolbar spec, the longest, beside the others): each spec drives its own
# browser, and CI's time is what this step costs.
export CSP_CONSOLE=1
lane() {
  for name in "$@"; do
    spec="$here/$name.mjs"
    s=$(date +%s)
    timeout 600 node "$spec" >"$ngx/$name.log" 2>&1 && echo 0 >"$ngx/$name.rc" || echo 1 >"$ngx/$name.rc"
    echo "   ($name through nginx took $(($(date +%s) - s))s)" >>"$ngx/$name.log"
  done
}
through=()
for name in ${NGINX_SPECS:-links search elder toolbar}; do through+=("$name.spec"); done
specs=(nginx-http nginx-csp "${through[@]}")
lane_pid=""
if [[ " ${specs[*]} " == *" toolbar.spec "* ]]; then
  lane toolbar.spec &
  lane_pid=$!
fi
others=()
for name in "${specs[@]}"; do [ "$name" = toolbar.spec ] || others+=("$name"); done
lane "${others[@]}"
if [ -n "$lane_pid" ]; then wait "$lane_pid" || true; fi
failed=()
for name in "${specs[@]}"; do
  echo "== nginx: $name"
  cat "$ngx/$name.log"
  [ "$(cat "$ngx/$name.rc" 2>/dev/null)" = 0 ] || failed+=("$name")
done
if grep -v '\[notice\]' "$ngx/error.log" | grep -q .; then
  echo "nginx test: nginx's error log:"
  grep -v '\[notice\]' "$ngx/error.log" | head -20
fi
echo "  => nginx: deploy/ in $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'); $((${#specs[@]} - ${#failed[@]})) of ${#specs[@]} passed; $(($(date +%s) - start))s"
if [ ${#failed[@]} -gt 0 ]; then
  echo "nginx test: failed through nginx: ${failed[*]}"
  exit 1
fi
