#!/usr/bin/env python3
"""Where the bytes of a built site are (issue 20 item 2).

    python3 bench/bytes.py OUT [--plans N]

Prints, for the output folder OUT of `planpress build`:
- the bytes per folder (the top folders, and those under elder/ and hant/);
- the bytes per kind of file (unit page, unit CSV, calendar, plan page, ...);
- for listing pages (unit and topic pages, standard and 长者版): per task row, the
  bytes of the task's text (its words, tags removed) against the bytes of the markup
  around it, and the bytes of a page outside its task rows (the page's frame).
With --plans N, MiB per plan as well. Apparent sizes, in MiB (as `du -s --apparent-size -m`),
each file once: a 长者版 page is its standard page's file (a hard link), counted where it is
first met and listed as linked elsewhere; the total of every path (what an upload of each
path would send) is printed too.
"""

import argparse
import os
import re
from collections import defaultdict

LIST = re.compile(rb'<ul class="task-rows".*?</ul>(?=\s*(?:</section>|<h3))', re.S)
TAG = re.compile(rb"<[^>]*>")
# A row's text: the <div> of partials/task-row.html (before 2026-12-07: `class="tr-text"`).
TEXT = re.compile(rb'<div(?: class="tr-text")?>(.*?)</div>', re.S)
# A row: an <li> that starts with the unit's role (a <span>) or the task's number (an <a>),
# not an <li> of a task's text.
ROW = re.compile(rb'<li(?: class="[^"]*")?><(?:span|a)[ >]')


def kind(rel):
    """The kind of a file, from its path relative to the output folder."""
    parts = rel.split("/")
    edition = ""
    if parts[0] in ("elder", "hant"):
        edition, parts = parts[0] + "/", parts[1:]
    top = parts[0] if len(parts) > 1 else "(root)"
    name = parts[-1]
    if name.endswith(".gz") or name.endswith(".br"):
        return edition + "compressed " + name.rsplit(".", 1)[1]
    if top == "units" and len(parts) >= 4:
        if name == "tasks.csv":
            return edition + "unit tasks.csv"
        if name == "deadlines.ics":
            return edition + "unit deadlines.ics"
        return edition + "unit page"
    if top == "topics" and len(parts) >= 3:
        return edition + "topic page"
    if top == "plans" and len(parts) >= 3:
        return edition + "plan page"
    if top == "jurisdictions" and len(parts) >= 3:
        return edition + "jurisdiction page"
    if top == "data":
        if name in ("tasks.json", "tasks.csv", "plans.json"):
            return "data/" + name
        if parts[1] == "plans":
            return "data/plans/*" + os.path.splitext(name)[1]
        return "data/other"
    if top == "search":
        return "search/"
    return edition + top + " (other)"


def rows_of(page):
    """(task rows, bytes of their text, bytes of their markup, bytes outside them)."""
    lists = LIST.findall(page)
    n = sum(len(ROW.findall(x)) for x in lists)
    text = sum(len(TAG.sub(b"", t)) for x in lists for t in TEXT.findall(x))
    tags = sum(len(t) for x in lists for t in TAG.findall(x))
    words = sum(len(x) for x in lists) - tags - text
    main = page.find(b"<main"), page.find(b"</main>")
    chrome = len(page) - (main[1] - main[0]) if min(main) >= 0 else 0
    heads = len(page) - chrome - text - tags - words
    return n, text, words, tags, heads, chrome


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--plans", type=int, default=0)
    a = ap.parse_args()
    folders, kinds, counts = defaultdict(int), defaultdict(int), defaultdict(int)
    # pages, rows, task text, other words in rows, tags in rows, main outside rows, page outside main
    listing = defaultdict(lambda: [0] * 7)
    total = every_path = linked = 0
    seen = set()
    paths = [os.path.join(d, f) for d, _, files in os.walk(a.out) for f in files]
    # A standard page before its 长者版: the linked file counts where readers first meet it.
    paths.sort(key=lambda p: ("/elder/" in "/" + os.path.relpath(p, a.out), p))
    for path in paths:
        f = os.path.basename(path)
        st = os.lstat(path)
        every_path += st.st_size
        if st.st_nlink > 1:
            if (st.st_dev, st.st_ino) in seen:
                linked += 1
                continue
            seen.add((st.st_dev, st.st_ino))
        size = st.st_size
        rel = os.path.relpath(path, a.out)
        total += size
        parts = rel.split("/")
        folder = parts[0] if len(parts) > 1 else "(root files)"
        if parts[0] in ("elder", "hant") and len(parts) > 2:
            folder = parts[0] + "/" + parts[1]
        folders[folder + "/"] += size
        k = kind(rel)
        kinds[k] += size
        counts[k] += 1
        if k.endswith(("unit page", "topic page")) and f.endswith(".html"):
            with open(path, "rb") as fh:
                page = fh.read()
            s = listing[k]
            for i, v in enumerate((1, *rows_of(page))):
                s[i] += v
    mb = lambda b: f"{b / 2**20:,.1f}"
    per = f" = {total / 2**20 / a.plans:.2f} MiB/plan" if a.plans else ""
    print(f"total {mb(total)} MiB{per} on disk (each file once)")
    every = f" = {every_path / 2**20 / a.plans:.2f} MiB/plan" if a.plans else ""
    print(f"every path {mb(every_path)} MiB{every} ({linked:,} paths are links of a file counted)\n")
    print("| folder | MiB |\n|---|---:|")
    for k, v in sorted(folders.items(), key=lambda kv: -kv[1]):
        print(f"| {k} | {mb(v)} |")
    print("\n| kind of file | files | MiB |\n|---|---:|---:|")
    for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"| {k} | {counts[k]:,} | {mb(v)} |")
    print("\nListing pages: per task row, the task's text, the other words of the row (number,")
    print("role, units, deadline) and its tags; per page, the rest of <main> (headings of the")
    print("groups, stats, pager) and the page outside <main> (header, toolbar, footer).\n")
    print("| listing pages | pages | task rows | task text B/row | other words B/row | tags B/row "
          "| rest of main B/page | outside main B/page | MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k, (p, n, text, words, tags, heads, chrome) in sorted(listing.items()):
        n1, p1 = max(n, 1), max(p, 1)
        size = mb(text + words + tags + heads + chrome)
        print(f"| {k} | {p:,} | {n:,} | {text // n1} | {words // n1} | {tags // n1} "
              f"| {heads // p1:,} | {chrome // p1:,} | {size} |")


if __name__ == "__main__":
    main()
