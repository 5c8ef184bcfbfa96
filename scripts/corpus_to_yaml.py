#!/usr/bin/env python3
"""Convert the xialu-2023 corpus text (a notice carrying three division-of-labour
tables, copied off the portal one table cell per paragraph) into planpress YAML.

    python3 scripts/corpus_to_yaml.py /work/shared/corpus/xialu-2023-fengong-fangan.txt \
        > content/xialu-2023-fengong-fangan.yaml

or with an output path as the second argument. Needs PyYAML.

Every text is kept as written (typos such as `区发改局、、区市场监督管理局` included);
only the portal's page furniture (设为首页, 加入收藏, …), the tables' header rows
(项目 / 具体项目 / 牵头单位 / 责任单位) and stray spaces inside the notice's title
(line breaks of the original heading) are dropped.
"""

import re
import sys

import yaml

JURISDICTION = "黄石市下陆区"
PERIOD = "2021-2025"
# One slug per table, in document order.
SLUGS = [
    "xialu-2023-fazhi-xialu-guihua-fengong",
    "xialu-2023-fazhi-zhengfu-fangan-fengong",
    "xialu-2023-fazhi-shehui-fangan-fengong",
]
# Measures per table, as the document numbers them (table 1 jumps from 5 to 11).
EXPECTED_COUNTS = [50, 32, 56]

CHROME = {"• 设为首页", "• 加入收藏", "• 无障碍阅读", "• 长者版"}
TABLE_HEADER = {"项目", "具体项目", "牵头单位", "责任单位"}
SECTION = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
MEASURE = re.compile(r"^(\d+)\.(.+)$")
DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def is_table_title(line):
    return line.startswith("《") and line.endswith("重要举措分工方案")


def paragraphs(path):
    """Non-empty lines, stripped, without the portal's page furniture."""
    with open(path, encoding="utf-8") as f:
        lines = [l.replace("\u00a0", " ").strip() for l in f]
    return [l for l in lines if l and l not in CHROME]


def parse_notice(lines):
    """The notice: title, recipients (主送), body, signature (落款) and date."""
    title = lines[0]
    assert title.startswith("关于印发") and title.endswith("的通知"), title
    # The heading was broken over lines on the portal: `》 《`, `》 重要`.
    title = re.sub(r"\s+", "", title)
    recipients = lines[1]
    assert recipients.endswith(":") or recipients.endswith(":"), recipients
    recipients = recipients[:-1]
    date_at = next(i for i, l in enumerate(lines) if DATE.match(l))
    signature = lines[date_at - 1]
    body = lines[2 : date_at - 1]
    assert body, "the notice has no text"
    y, m, d = DATE.match(lines[date_at]).groups()
    notice = {
        "title": title,
        "kind": "通知",
        "jurisdiction": JURISDICTION,
        "issuer": signature,
        "date_signed": f"{int(y):04d}-{int(m):02d}-{int(d):02d}",
        "recipients": recipients,
        "body": "\n\n".join(body) + "\n",
        "signature": signature,
    }
    return notice, lines[date_at + 1 :]


def parse_tables(lines):
    """The tables: a title line, header cells, then section rows (`一、…`) and
    measure rows (`N.…`, then the lead cell, then the responsible cell)."""
    plans = []
    section = None
    task = None
    cells = None

    def close_task():
        nonlocal task, cells
        if task is None:
            return
        assert 1 <= len(cells) <= 2, (task["number"], cells)
        task["lead"] = cells[0]
        if len(cells) == 2:
            task["responsible"] = cells[1]
        task = None
        cells = None

    for line in lines:
        if is_table_title(line):
            close_task()
            plans.append({"title": line, "sections": []})
            section = None
            continue
        assert plans, f"text before the first table: {line}"
        if line in TABLE_HEADER and section is None:
            continue
        m = SECTION.match(line)
        if m:
            close_task()
            section = {"number": m.group(1), "title": m.group(2), "tasks": []}
            plans[-1]["sections"].append(section)
            continue
        m = MEASURE.match(line)
        if m:
            close_task()
            assert section is not None, f"measure outside a section: {line}"
            task = {"number": int(m.group(1)), "text": m.group(2)}
            cells = []
            section["tasks"].append(task)
            continue
        assert task is not None, f"cell outside a measure: {line}"
        cells.append(line)
    close_task()
    return plans


def build(path):
    lines = paragraphs(path)
    notice, rest = parse_notice(lines)
    tables = parse_tables(rest)
    assert len(tables) == len(SLUGS), f"{len(tables)} tables"

    plans = []
    for slug, expected, table in zip(SLUGS, EXPECTED_COUNTS, tables):
        tasks = [t for s in table["sections"] for t in s["tasks"]]
        assert len(tasks) == expected, (slug, len(tasks), expected)
        numbers = [t["number"] for t in tasks]
        assert len(set(numbers)) == len(numbers), f"{slug}: duplicate numbers"
        assert numbers == sorted(numbers), f"{slug}: numbers out of order"
        plans.append(
            {
                "slug": slug,
                "title": table["title"],
                "kind": "分工方案",
                "jurisdiction": JURISDICTION,
                "period": PERIOD,
                "sections": table["sections"],
            }
        )

    # Spot checks against the document.
    t1 = [t["number"] for s in plans[0]["sections"] for t in s["tasks"]]
    assert t1[:6] == [1, 2, 3, 4, 5, 11], t1[:6]
    t52 = next(t for s in plans[0]["sections"] for t in s["tasks"] if t["number"] == 52)
    assert "responsible" not in t52 and t52["lead"] == "区司法局", t52
    t2 = plans[1]["sections"][0]["tasks"][1]
    assert t2["lead"] == "区政务服务和大数据局、区发改局、、区市场监督管理局、区司法局", t2
    return {"notice": notice, "plans": plans}


class Dumper(yaml.SafeDumper):
    """Block style; multi-line strings as `|` literals."""


def _str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _str)


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(f"usage: {argv[0]} CORPUS.txt [OUT.yaml]")
    data = build(argv[1])
    text = (
        "# 黄石市下陆区: 关于印发…重要举措分工方案的通知 and its three tables.\n"
        "# Generated by scripts/corpus_to_yaml.py from the corpus text; edit the\n"
        "# script rather than this file.\n"
        + yaml.dump(
            data,
            Dumper=Dumper,
            allow_unicode=True,
            sort_keys=False,
            width=1000,
            default_flow_style=False,
        )
    )
    # The output must read back as the same data.
    assert yaml.safe_load(text) == data
    if len(argv) == 3:
        with open(argv[2], "w", encoding="utf-8") as f:
            f.write(text)
        counts = ", ".join(
            f"{p['slug']}: {sum(len(s['tasks']) for s in p['sections'])}"
            for p in data["plans"]
        )
        print(f"wrote {argv[2]} ({counts})", file=sys.stderr)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv)
