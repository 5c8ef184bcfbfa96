#!/usr/bin/env bash
# Reload latency of `planpress serve` on a synthetic site (issue 5).
#
# Generates a site of N plans (bench/gen_corpus.py), starts `planpress serve`
# on it, then saves one plan file R times and measures, for each save, the
# time from the write to the `reload` event on the live-reload stream, and to
# the reloaded plan page fully received. Prints each run, the medians, and
# the time of a full `planpress build` of the same site for comparison.
#
#   bash bench/serve_bench.sh [--plans 1000] [--runs 9] [--dir /tmp/planpress-serve-bench]
#                             [--plan first|middle|last|typical|spread]
#                             [--edit text|unit|new-unit|new-plan|deleted-plan|notice]
#                             [--no-build]
#
# The edited plan is, in the order the site is assembled in, the first plan
# of the site (which is the first to name most units of its jurisdiction),
# the middle one or the last one; by default (typical) the middle plan of the
# middle jurisdiction folder; with spread, the saves edit the first, the
# middle and the last plan in turn (the unit edits count each plan's own
# saves). A text edit changes the plan's title; a unit
# edit also adds, on odd saves, the first unit the plan names to its last
# unit list, and removes it again on even saves (the plan keeps the order in
# which it first names its units). A new-unit edit adds a unit no plan
# names to that list, another at each save. A new-plan edit writes a copy
# of the plan under a new file name (its page is the one fetched), and
# deletes it again after each measurement; a deleted-plan edit deletes the
# plan's file (the fetched page must be gone), and restores it after each
# measurement; a notice edit first adds a notice that transmits the plan,
# then changes its text at each save (its page is the one fetched), and
# removes it at the end. The server's log says which path each save took.
#
# Needs python3 (standard library only) and a release build (built here).
set -euo pipefail

PLANS=1000
RUNS=9
DIR=/tmp/planpress-serve-bench
FULL_BUILD=1
WHICH=typical
EDIT=text
while [ $# -gt 0 ]; do
  case "$1" in
    --plans) PLANS=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --no-build) FULL_BUILD=0; shift ;;
    --plan) WHICH=$2; shift 2 ;;
    --edit) EDIT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

HERE=$(cd "$(dirname "$0")/.." && pwd)
cd "$HERE"
cargo build --release --quiet
BIN="${CARGO_TARGET_DIR:-$HERE/target}/release/planpress"
SITE="$DIR/site-$PLANS"

if [ ! -f "$SITE/site.yaml" ]; then
  mkdir -p "$DIR"
  python3 bench/gen_corpus.py --plans "$PLANS" --seed 1 --out "$SITE" --hugo-out "$DIR/hugo-$PLANS" >/dev/null
  rm -rf "$DIR/hugo-$PLANS"
fi
# The site uses the repository's theme.
rm -rf "$SITE/themes" && cp -r themes "$SITE/themes"

LOG="$DIR/serve.log"
"$BIN" serve --root "$SITE" --port 0 >"$LOG" 2>"$DIR/serve.err" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT

# The machine may be shared: its load goes with the figures.
echo "load before: $(uptime)"
python3 - "$SITE" "$LOG" "$RUNS" "$WHICH" "$EDIT" <<'EOF'
import os, re, socket, statistics, sys, time

site, log, runs, which, edit = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]

# Wait for the server's address.
deadline = time.time() + 600
port = None
while time.time() < deadline and port is None:
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", open(log, encoding="utf-8").read())
    if m:
        port = int(m.group(1))
    else:
        time.sleep(0.2)
if port is None:
    sys.exit("the server did not start")
print(open(log, encoding="utf-8").read().splitlines()[0])

# Plans in the order the site assembles them (by path).
folders = sorted(
    d.path for d in os.scandir(os.path.join(site, "content")) if d.is_dir()
)
everything = sorted(
    os.path.join(d, f) for d in folders for f in os.listdir(d) if f.endswith(".md")
)
by_name = {"first": everything[0], "middle": everything[len(everything) // 2],
           "last": everything[-1]}
if which == "typical":
    folder = folders[len(folders) // 2]
    plans = [p for p in everything if os.path.dirname(p) == folder]
    paths = [plans[len(plans) // 2]]
elif which == "spread":
    # Save i edits the first, middle and last plan in turn.
    paths = [by_name["first"], by_name["middle"], by_name["last"]]
else:
    paths = [by_name[which]]


class Target:
    """One edited plan: its file, as it was, and what its edits change."""

    def __init__(self, path):
        self.path = path
        self.slug = os.path.basename(path)[:-3]
        self.original = open(path, encoding="utf-8").read()
        # A unit edit: the first unit the plan names, added to its last list of units.
        self.lists = list(re.finditer(r"单位:([^)。]*)", self.original))
        if edit != "text" and len(self.lists) < 2:
            sys.exit(f"{path} names units in fewer than two tasks")
        self.first_unit = self.lists[0].group(1).split("、")[0] if self.lists else ""
        self.jurisdiction = re.search(r"\njurisdiction: (.*)\n", self.original).group(1)
        self.folder = os.path.dirname(path)
        self.notice_path = os.path.join(self.folder, f"{self.slug}-tongzhi.md")
        self.saves = 0


targets = [Target(p) for p in paths]
for t in targets:
    print(f"editing {os.path.relpath(t.path, site)} ({edit} edits)")


def notice_text(t, marker):
    return (f"---\ntitle: 关于印发{t.slug}的通知{marker}\nkind: 通知\njurisdiction: {t.jurisdiction}\n"
            f"issuer: 办公室\ndate_signed: 2020-01-01\ntransmits: [{t.slug}]\n---\n\n"
            f"现将方案印发给你们,请遵照执行。{marker}\n")


def get(path):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    data = b""
    while True:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


events = socket.create_connection(("127.0.0.1", port), timeout=30)
events.sendall(b"GET /__planpress/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
buf = b""


def wait_for(name, timeout):
    global buf
    events.settimeout(timeout)
    needle = f"event: {name}".encode()
    while needle not in buf:
        buf += events.recv(1 << 16)
    buf = buf[buf.index(needle) + len(needle):]


wait_for("hello", 30)
for t in targets:
    get(f"/plans/{t.slug}/")  # rendered once before the edits, as a reader would have it open
if edit == "notice":
    for t in targets:
        with open(t.notice_path, "w", encoding="utf-8") as f:
            f.write(notice_text(t, ""))
        wait_for("reload", 60)
        time.sleep(4)

to_event, to_page = [], []
try:
    for i in range(runs):
        t = targets[i % len(targets)]
        t.saves += 1
        marker = f"（第{i + 1}次修改）"
        text = t.original
        if edit == "unit" and t.saves % 2 == 1:
            at = t.lists[-1].start(1)
            text = text[:at] + t.first_unit + "、" + text[at:]
        elif edit == "new-unit":
            at = t.lists[-1].start(1)
            text = text[:at] + f"新设第{i + 1}局、" + text[at:]
        text = text.replace("\ntitle: ", f"\ntitle: {marker}", 1)
        target, url, absent = t.path, f"/plans/{t.slug}/", False
        if edit == "new-plan":
            target = os.path.join(t.folder, f"zz-new-{i + 1}.md")
            url = f"/plans/zz-new-{i + 1}/"
        elif edit == "notice":
            target, text, url = t.notice_path, notice_text(t, marker), f"/notices/{t.slug}-tongzhi/"
        t0 = time.perf_counter()
        if edit == "deleted-plan":
            os.remove(t.path)
            absent = True
        else:
            with open(target, "w", encoding="utf-8") as f:
                f.write(text)
        wait_for("reload", 60)
        t1 = time.perf_counter()
        page = get(url)
        t2 = time.perf_counter()
        if absent:
            assert page.startswith(b"HTTP/1.1 404"), "the deleted plan's page is still served"
        else:
            assert marker.encode() in page, "the reloaded page does not show the edit"
        to_event.append((t1 - t0) * 1000)
        to_page.append((t2 - t0) * 1000)
        name = os.path.basename(t.path)
        print(f"run {i + 1} ({name}): reload event {to_event[-1]:.0f} ms, page received {to_page[-1]:.0f} ms")
        time.sleep(4)  # let the server check the update against a full assembly
        # Undo what would pile up: the site keeps its size for the next save.
        if edit == "new-plan":
            os.remove(target)
        elif edit == "deleted-plan":
            with open(t.path, "w", encoding="utf-8") as f:
                f.write(t.original)
        if edit in ("new-plan", "deleted-plan"):
            wait_for("reload", 60)
            time.sleep(4)
finally:
    for t in targets:
        with open(t.path, "w", encoding="utf-8") as f:
            f.write(t.original)
    leftovers = [t.notice_path for t in targets] + [
        os.path.join(t.folder, f"zz-new-{i + 1}.md") for t in targets for i in range(runs)]
    for leftover in leftovers:
        if os.path.exists(leftover):
            os.remove(leftover)

print(f"median over {runs} saves: reload event {statistics.median(to_event):.0f} ms, "
      f"page received {statistics.median(to_page):.0f} ms; worst: reload event "
      f"{max(to_event):.0f} ms, page received {max(to_page):.0f} ms")
EOF
echo "load after: $(uptime)"

echo "server log:"
grep -E "updated in" "$LOG" | sed 's/^/  /'

if [ "$FULL_BUILD" = 1 ]; then
  kill $SERVER 2>/dev/null || true
  start=$(date +%s.%N)
  "$BIN" build --quiet --root "$SITE" --out "$DIR/public"
  end=$(date +%s.%N)
  echo "full build of the same site: $(python3 -c "print(f'{($end - $start) * 1000:.0f}')") ms"
  rm -rf "$DIR/public"
fi
