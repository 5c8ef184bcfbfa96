#!/usr/bin/env bash
# Screenshots of the example site as a reader sees it: a plan, the home, a unit
# and a topic page, standard and elder, at 1280 px and 375 px: the browser
# suite's screenshots spec alone (see run.sh, which installs what it needs).
#   tests/browser/screenshots.sh [OUT_DIR]   (default /tmp/planpress-shots)
# Pictures stay outside the repo.
set -euo pipefail
cd "$(dirname "$0")"
SCREENSHOT_DIR="${1:-${SCREENSHOT_DIR:-/tmp/planpress-shots}}" SPECS=screenshots exec ./run.sh
