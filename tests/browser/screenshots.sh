#!/usr/bin/env bash
# Screenshots of the example site as a reader sees it: home, a plan, a unit
# and a topic page, standard and elder, at 1280 px and 375 px.
#   tests/browser/screenshots.sh [OUT_DIR]   (default /tmp/planpress-shots)
# Needs Debian's chromium (installed when missing). Pictures stay outside the repo.
set -euo pipefail
cd "$(dirname "$0")/../.."
shots="${1:-/tmp/planpress-shots}"
mkdir -p "$shots"
command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }
site=$(mktemp -d)
cargo run -q --release -- build --quiet --out "$site/public"
port=$((20000 + RANDOM % 20000))
python3 -m http.server -d "$site/public" "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$site"' EXIT
sleep 1
pages=(
  "home|"
  "plan|plans/daoli-2017-shijian-fangan/"
  "unit|units/haerbinshidaoliqu/qusifaju/"
  "topic|topics/fazhizhengfu/"
)
for entry in "${pages[@]}"; do
  name=${entry%%|*}; path=${entry#*|}
  for version in standard elder; do
    prefix=""; [ "$version" = elder ] && prefix="elder/"
    for width in 1280 375; do
      chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --no-first-run --hide-scrollbars \
        --window-size="$width,2400" --screenshot="$shots/$name-$version-$width.png" \
        "http://127.0.0.1:$port/$prefix$path" >/dev/null 2>&1
    done
  done
done
ls "$shots"
