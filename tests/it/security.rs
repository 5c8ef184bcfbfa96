//! Hostile content through the whole pipeline (issue 9, parts 2 and 3).
//!
//! Every field of every content type (site.yaml, units.yaml, YAML plans and
//! notices, Markdown plans and notices) carries a corpus of hostile strings:
//! script tags, event handlers, `javascript:` URLs written every way a
//! browser still reads them, broken-out attributes, SVG and MathML payloads,
//! CSS `expression`, `<style>`/`<iframe>`/`<object>`, template syntax, control
//! characters and text-direction overrides. `planpress build` must succeed,
//! and no output file may carry anything executable: every HTML page is
//! parsed and searched, and the XML, JSON, CSV and iCalendar files must stay
//! well-formed. Then paths: slugs, file names, unit names and symbolic links
//! that try to leave the output folder or the site.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;
use scraper::{Html, Selector};

/// The hostile strings, each tagged with the field it was put in (`F`), so
/// that a failure says where the payload came from.
fn payloads(f: &str) -> Vec<String> {
    vec![
        format!("<script>alert('{f}')</script>"),
        format!("<img src=x onerror=alert('{f}')>"),
        format!("\"><svg onload=alert('{f}')>"),
        format!("'><svg/onload=alert('{f}')>"),
        format!("<a href=\"javascript:alert('{f}')\">a</a>"),
        format!("<a href=\"&#106;avascript:alert('{f}')\">b</a>"),
        format!("<a href=\" JaVa&#x09;ScRiPt:alert('{f}')\">c</a>"),
        format!("[md](javascript:alert('{f}')) <javascript:alert('{f}')>"),
        format!("![i](data:image/svg+xml,<svg/onload=alert('{f}')>)"),
        format!("[ref][r{f}]\n\n[r{f}]: javascript:alert('{f}')\n"),
        format!(
            "<iframe src=\"javascript:alert('{f}')\"></iframe><object data=\"x.swf\"></object><embed src=\"x.swf\">"
        ),
        format!("<style>body{{background:url(\"javascript:alert('{f}')\")}}</style>"),
        format!("<div style=\"width:expression(alert('{f}'))\">css</div>"),
        format!(
            "<svg><script>alert('{f}')</script><animate attributeName=href values=javascript:alert('{f}')></svg>"
        ),
        format!("<math><mtext><table><mglyph><style><img src=x onerror=alert('{f}')>"),
        format!("</title></textarea></style></script><script>alert('{f}')</script>"),
        format!("]]><!--<script>alert('{f}')</script>-->"),
        format!(
            "<form action=\"javascript:alert('{f}')\"><button formaction=\"javascript:alert('{f}')\">x</button></form>"
        ),
        format!(
            "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert('{f}')\"><base href=\"javascript:alert('{f}')//\">"
        ),
        format!(
            "<a href=\"vbscript:msgbox('{f}')\">v</a><a href=\"data:text/html,<script>alert('{f}')</script>\">d</a>"
        ),
        "{{ 6*7 }}{% raw %}{# x #}".to_string(),
        "\u{202e}fdp.exe\u{202c}\u{2066}\u{1}\u{b}\u{7f}\u{fffe}".to_string(),
        "\r\nX-INJECTED:1\r\nBEGIN:VEVENT".to_string(),
        "=HYPERLINK(\"http://evil.example\",\"x\")".to_string(),
    ]
}

/// All payloads in one line (a name, a title).
fn hostile(f: &str) -> String {
    payloads(f).join(" ").replace(['\n', '\r'], " ")
}

/// All payloads with their line breaks (a Markdown body).
fn hostile_text(f: &str) -> String {
    payloads(f).join("\n\n")
}

/// A YAML double-quoted string: `"`, `\` and every character YAML does not
/// take raw (controls, non-characters, direction marks) escaped.
fn yq(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || matches!(c, '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}')
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c) =>
            {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const BAD_URLS: &[&str] = &[
    "javascript:alert('url')",
    " JaVaScRiPt:alert('url')",
    "java\tscript:alert('url')",
    "java\nscript:alert('url')",
    "\u{1}javascript:alert('url')",
    "javascript\u{0}:alert('url')",
    "JAVASCRIPT:alert('url')",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox('url')",
    "file:///etc/passwd",
    "ftp://example.gov.cn/a.pdf",
    "tel:12345",
];

const GOOD_URLS: &[&str] = &[
    "https://www.gov.cn/zhengce/a.pdf",
    "http://example.gov.cn/b.doc",
    "mailto:office@example.gov.cn",
    "/files/c.pdf",
    "d.pdf",
    "#top",
    "&#106;avascript:alert('relative')",
];

fn links_yaml(indent: &str, prefix: &str) -> String {
    let mut out = String::new();
    for (i, u) in BAD_URLS.iter().enumerate() {
        out += &format!(
            "{indent}- {{title: {}, url: {}}}\n",
            yq(&format!("{prefix}bad-{i}")),
            yq(u)
        );
    }
    for (i, u) in GOOD_URLS.iter().enumerate() {
        out += &format!(
            "{indent}- {{title: {}, url: {}}}\n",
            yq(&format!("{prefix}good-{i}")),
            yq(u)
        );
    }
    out += &format!(
        "{indent}- {{title: {}, url: {}}}\n",
        yq(&hostile(&format!("{prefix}link-title"))),
        yq(&format!(
            "https://x.example/\"><script>alert('{prefix}url')</script>"
        ))
    );
    out
}

/// Every document field but the body, as YAML lines at `indent`.
fn meta_yaml(indent: &str, tag: &str) -> String {
    let mut out = String::new();
    for field in [
        "issuer",
        "doc_number",
        "index_number",
        "category",
        "validity",
        "disclosure",
        "editor",
    ] {
        out += &format!(
            "{indent}{field}: {}\n",
            yq(&hostile(&format!("{tag}-{field}")))
        );
    }
    out += &format!("{indent}date_signed: 2023-06-22\n");
    out += &format!(
        "{indent}source: {{title: {}, url: {}}}\n",
        yq(&hostile(&format!("{tag}-source"))),
        yq("javascript:alert('source')")
    );
    out += &format!(
        "{indent}attachments:\n{}",
        links_yaml(&format!("{indent}  "), &format!("{tag}-att-"))
    );
    out += &format!(
        "{indent}links:\n{}",
        links_yaml(&format!("{indent}  "), &format!("{tag}-link-"))
    );
    out
}

const JURISDICTION: &str =
    "恶意市<script>alert('jurisdiction')</script>\"><svg onload=alert('j')>区";

fn task_yaml(indent: &str, number: &str, tag: &str) -> String {
    let h = |f: &str| yq(&hostile(&format!("{tag}-{f}")));
    format!(
        "{indent}- number: {}\n{indent}  text: {}\n{indent}  lead: [{}, 区司法局]\n{indent}  responsible: {}\n{indent}  participating: [{}]\n{indent}  officials: [{}]\n{indent}  schedule: {}\n{indent}  priority: {}\n{indent}  topics: [{}]\n",
        yq(number),
        yq(&hostile_text(&format!("{tag}-text"))),
        h("lead"),
        h("responsible"),
        h("participating"),
        h("officials"),
        yq(&format!(
            "2025年6月底前 {}",
            hostile(&format!("{tag}-schedule"))
        )),
        h("priority"),
        h("topic"),
    )
}

/// Writes the hostile site into a copy of the example.
fn hostile_site() -> tempfile::TempDir {
    let site = copy_example();
    let root = site.path();
    let h = |f: &str| yq(&hostile(f));

    // site.yaml: title, description, identity, topics.
    let mut config = format!(
        "title: {}\ndescription: {}\nbase_url: /\ntheme: portal\nidentity:\n",
        h("site-title"),
        h("site-description")
    );
    for field in [
        "owner",
        "operator",
        "phone",
        "email",
        "address",
        "icp",
        "police_record",
        "site_code",
    ] {
        config += &format!("  {field}: {}\n", h(&format!("identity-{field}")));
    }
    config += &format!(
        "topics:\n  - name: {}\n    keywords: [依法, {}]\n  - name: 法治政府\n    keywords: [政府]\n",
        h("config-topic"),
        h("config-keyword")
    );
    std::fs::write(root.join("site.yaml"), config).unwrap();

    // units.yaml: a jurisdiction, units, aliases and groups.
    let mut units = read(&root.join("content/units.yaml"));
    units += &format!(
        "\n- jurisdiction: {}\n  units:\n    - name: {}\n      aliases: [{}]\n    - name: {}\n  groups: [{}]\n",
        yq(JURISDICTION),
        h("registry-unit"),
        h("registry-alias"),
        yq("区委组织部〈<script>alert('merged')</script>〉"),
        yq(&format!("各{}", hostile("registry-group"))),
    );
    std::fs::write(root.join("content/units.yaml"), units).unwrap();

    // A YAML notice with two plans: every field, nested sections, phases.
    let mut y = format!(
        "notice:\n  title: {}\n  kind: 通知\n  jurisdiction: {}\n{}  recipients: {}\n  signature: {}\n  body: {}\n  transmits: [hostile-md]\nplans:\n",
        h("notice-title"),
        yq(JURISDICTION),
        meta_yaml("  ", "notice"),
        h("notice-recipients"),
        h("notice-signature"),
        yq(&hostile_text("notice-body")),
    );
    y += &format!(
        "  - slug: hostile-yaml\n    title: {}\n    kind: 规划\n    jurisdiction: {}\n{}    period: {}\n    topics: [{}]\n    phases:\n      - name: {}\n        period: {}\n        body: {}\n    preamble: {}\n    tasks:\n{}    sections:\n      - number: {}\n        title: {}\n        text: {}\n        tasks:\n{}        sections:\n          - number: \"(一)\"\n            title: {}\n            tasks:\n{}",
        h("plan-title"),
        yq(JURISDICTION),
        meta_yaml("    ", "plan"),
        yq("2021-2025<script>alert('period')</script>"),
        h("plan-topic"),
        h("phase-name"),
        yq("2021年-2022年<script>alert('phase-period')</script>"),
        yq(&hostile_text("phase-body")),
        yq(&hostile_text("preamble")),
        task_yaml("      ", "0", "loose-task"),
        yq("一<script>alert('section-number')</script>"),
        h("section-title"),
        yq(&hostile_text("section-text")),
        task_yaml("          ", "1<script>alert('number')</script>", "task"),
        h("subsection-title"),
        task_yaml("              ", "2", "subtask"),
    );
    y += &format!(
        "  - slug: hostile-yaml-2\n    title: {}\n    kind: 分工方案\n    jurisdiction: 黄石市下陆区\n    tasks:\n{}",
        h("plan2-title"),
        task_yaml("      ", "1", "plan2-task"),
    );
    std::fs::write(root.join("content/hostile.yaml"), y).unwrap();

    // A Markdown plan: front matter, headings of both kinds, tasks with
    // annotations in every form, continuation lines, raw HTML.
    let md = format!(
        "---\ntitle: {}\nkind: 实施方案\njurisdiction: {}\n{}period: 2021-2025\ntopics: [{}]\nphases:\n  - name: {}\n    body: {}\n---\n\n{}\n\n## 一、{}\n\n### (一){}\n\n1.{}。牵头单位:{}、区司法局。\n\n进度安排:2024年底前,{}。\n\n近期重点突破的工作:{}。\n\n2.加强监督(牵头区领导:{},牵头单位:{},参与单位:{})\n\n3、完善制度(责任单位:{}、区法院。排名第一的单位为牵头单位。下同)\n\n# {}\n\n{}\n",
        h("md-title"),
        yq(JURISDICTION),
        meta_yaml("", "md"),
        h("md-topic"),
        h("md-phase-name"),
        yq(&hostile_text("md-phase-body")),
        hostile_text("md-preamble"),
        hostile("md-heading"),
        hostile("md-subheading"),
        hostile("md-task"),
        hostile("md-lead"),
        hostile("md-schedule"),
        hostile("md-priority"),
        hostile("md-officials"),
        hostile("md-paren-lead"),
        hostile("md-participating"),
        hostile("md-responsible"),
        hostile("md-hash-heading"),
        hostile_text("md-prose"),
    );
    std::fs::write(root.join("content/hostile-md.md"), md).unwrap();

    // A Markdown notice.
    let notice = format!(
        "---\ntitle: {}\nkind: 通知\njurisdiction: {}\n{}recipients: {}\nsignature: {}\ntransmits: [hostile-yaml-2]\n---\n\n{}\n",
        h("md-notice-title"),
        yq(JURISDICTION),
        meta_yaml("", "md-notice"),
        h("md-notice-recipients"),
        h("md-notice-signature"),
        hostile_text("md-notice-body"),
    );
    std::fs::write(root.join("content/hostile-notice.md"), notice).unwrap();

    // Cells a spreadsheet would run as formulas, first in their field.
    std::fs::write(
        root.join("content/formula.yaml"),
        format!(
            "plan:\n  title: {}\n  kind: 方案\n  jurisdiction: 黄石市下陆区\n  tasks:\n    - number: \"-1\"\n      text: {}\n      lead: [{}, {}]\n      responsible: {}\n      officials: [{}]\n      schedule: {}\n      topics: [{}]\n",
            yq("@SUM(1+1)*cmd|' /C calc'!A0"),
            yq("=HYPERLINK(\"http://evil.example\",\"点此\")"),
            yq("=cmd|' /C calc'!A0"),
            yq("+1+1"),
            yq("-2+3、\t=1、\r=2"),
            yq("@张三"),
            yq("=NOW() 2025年底前"),
            yq("=主题"),
        ),
    )
    .unwrap();
    site
}

/// Scripts, handlers, URLs and elements that content must never produce.
/// Returns one line per problem found.
fn scan_html(file: &Path, html: &str, out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let name = file.strip_prefix(out).unwrap_or(file).display().to_string();
    let doc = Html::parse_document(html);
    let any = Selector::parse("*").unwrap();
    for e in doc.select(&any) {
        let el = e.value();
        let tag = el.name();
        let text: String = e.text().collect();
        match tag {
            "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "base" | "math"
            | "style" | "template" | "animate" | "set" | "foreignobject" | "use" => {
                problems.push(format!("{name}: <{tag}> element"));
            }
            "script" => match el.attr("src") {
                Some(src) => {
                    // The theme links its static files with ?v=FINGERPRINT.
                    let local = src
                        .strip_prefix("/static/")
                        .map(|rest| rest.split_once("?v=").map_or(rest, |(file, _)| file))
                        .is_some_and(|rest| out.join("static").join(rest).is_file());
                    if !local || !text.trim().is_empty() {
                        problems.push(format!("{name}: <script src={src:?}> not the theme's"));
                    }
                }
                // An inline script of the theme may exist; one carrying
                // content may not.
                None if text.contains("alert") || text.contains("msgbox") => {
                    problems.push(format!("{name}: inline script with content: {text:.80}"));
                }
                None => {}
            },
            "meta"
                if el
                    .attr("http-equiv")
                    .is_some_and(|v| v.eq_ignore_ascii_case("refresh")) =>
            {
                problems.push(format!("{name}: <meta http-equiv=refresh>"));
            }
            _ => {}
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                problems.push(format!("{name}: <{tag} {attr}={value:.60?}>"));
            }
            if attr == "srcdoc" {
                problems.push(format!("{name}: <{tag} srcdoc>"));
            }
            if attr == "style" {
                let v = value.to_ascii_lowercase();
                if v.contains("expression") || v.contains("javascript") || v.contains("url(") {
                    problems.push(format!("{name}: <{tag} style={value:.60?}>"));
                }
            }
            let url_attr = matches!(
                attr.as_str(),
                "href"
                    | "src"
                    | "action"
                    | "formaction"
                    | "xlink:href"
                    | "poster"
                    | "background"
                    | "srcset"
                    | "cite"
                    | "data"
                    | "longdesc"
                    | "manifest"
                    | "ping"
            );
            if url_attr
                && let Some(s) = scheme(value)
                && !matches!(s.as_str(), "http" | "https" | "mailto" | "tel")
            {
                problems.push(format!("{name}: <{tag} {attr}={value:.60?}> ({s}:)"));
            }
        }
    }
    problems
}

/// The scheme a browser reads in a URL attribute (WHATWG URL: leading and
/// trailing C0 controls and spaces stripped, tabs and newlines removed
/// anywhere; a scheme is an ASCII letter then letters, digits, `+-.`).
fn scheme(value: &str) -> Option<String> {
    let v: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let (s, _) = v.split_once(':')?;
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| s.to_ascii_lowercase())
}

/// Characters no output file may carry: controls other than tab and line
/// breaks, non-characters, direction overrides.
fn bad_chars(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{fffe}' | '\u{ffff}')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

/// iCalendar: after unfolding, every line is a known property, and events
/// open and close in pairs (a line break in content must not start one).
fn scan_ics(name: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let known = [
        "BEGIN",
        "END",
        "VERSION",
        "PRODID",
        "CALSCALE",
        "NAME",
        "X-WR-CALNAME",
        "UID",
        "DTSTAMP",
        "SUMMARY",
        "DESCRIPTION",
        "URL",
        "DTSTART",
        "DTEND",
    ];
    let (mut begins, mut ends) = (0, 0);
    for line in unfolded.split("\r\n").filter(|l| !l.is_empty()) {
        let prop = line.split([':', ';']).next().unwrap_or_default();
        if !known.contains(&prop) {
            problems.push(format!("{name}: unexpected line {line:.80?}"));
        }
        begins += usize::from(line == "BEGIN:VEVENT");
        ends += usize::from(line == "END:VEVENT");
    }
    if begins != ends {
        problems.push(format!("{name}: {begins} BEGIN:VEVENT, {ends} END:VEVENT"));
    }
    if !unfolded.starts_with("BEGIN:VCALENDAR\r\n")
        || !unfolded.trim_end().ends_with("END:VCALENDAR")
    {
        problems.push(format!("{name}: not one VCALENDAR"));
    }
    problems
}

/// Every problem of every output file.
fn scan_site(out: &Path) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = path.strip_prefix(out).unwrap().display().to_string();
        // .planpress/ is the build's own data (parse cache, state, search
        // keys), never served (deploy/ denies it, the package leaves it out).
        if rel.starts_with("static/") || rel.starts_with(".planpress/") {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(path).unwrap();
        // The search index's posting packs are numbers only (varints and
        // bitmaps), served as application/octet-stream: no text to scan.
        if rel.starts_with("search/p/") && rel.ends_with(".bin") {
            continue;
        }
        let Ok(text) = String::from_utf8(bytes) else {
            problems.push(format!("{rel}: not UTF-8"));
            continue;
        };
        if let Some(c) = bad_chars(&text) {
            problems.push(format!("{rel}: carries U+{:04X}", c as u32));
        }
        match path.extension().and_then(|e| e.to_str()) {
            Some("html") => problems.extend(scan_html(path, &text, out)),
            Some("xml") => {
                if let Err(e) = roxmltree::Document::parse(&text) {
                    problems.push(format!("{rel}: not well-formed XML: {e}"));
                }
            }
            Some("json") => {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(&text) {
                    problems.push(format!("{rel}: not JSON: {e}"));
                }
            }
            Some("csv") => {
                let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
                let mut reader = csv::ReaderBuilder::new().from_reader(body.as_bytes());
                for record in reader.records() {
                    match record {
                        Err(e) => problems.push(format!("{rel}: bad CSV: {e}")),
                        Ok(r) => {
                            // A cell a spreadsheet would run as a formula.
                            for cell in r.iter() {
                                if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                                    problems.push(format!("{rel}: formula cell {cell:.60?}"));
                                }
                            }
                        }
                    }
                }
            }
            Some("ics") => problems.extend(scan_ics(&rel, &text)),
            _ => {}
        }
    }
    (problems, files)
}

fn report(problems: &[String]) -> String {
    let unique: BTreeSet<&String> = problems.iter().collect();
    format!(
        "{} problems, e.g.:\n{}",
        problems.len(),
        unique
            .iter()
            .take(40)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    )
}

#[test]
fn hostile_content_in_every_field_produces_nothing_executable() {
    let site = hostile_site();
    let out = site.path().join("public");
    let check = planpress(&["check", "--root", site.path().to_str().unwrap()]);
    assert!(check.status.success(), "check failed:\n{}", stderr(&check));
    build(site.path(), &out, &[]);

    // The hostile documents were rendered (so the scan below saw them).
    for page in [
        "plans/hostile-yaml/index.html",
        "plans/hostile-yaml-2/index.html",
        "plans/hostile-md/index.html",
        "notices/hostile/index.html",
        "notices/hostile-notice/index.html",
        "elder/plans/hostile-md/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
    let plan = read(&out.join("plans/hostile-yaml/index.html"));
    // Plain fields are escaped, not dropped: the reader sees the text.
    let h1: String = Html::parse_document(&plan)
        .select(&Selector::parse("h1").unwrap())
        .flat_map(|h| h.text())
        .collect();
    assert!(
        h1.contains("<script>alert('plan-title')</script>"),
        "title text not shown: {h1:.200}"
    );
    // Template syntax in content is text, not evaluated.
    assert!(
        plan.contains("{{ 6*7 }}"),
        "template syntax in content was not kept as text"
    );

    let (problems, files) = scan_site(&out);
    assert!(files > 300, "only {files} files scanned");
    assert!(problems.is_empty(), "{}", report(&problems));
}

/// The hrefs of the `<a>` elements whose text is `title`.
fn hrefs_of(html: &str, title: &str) -> Vec<Option<String>> {
    let doc = Html::parse_document(html);
    let a = Selector::parse("a").unwrap();
    doc.select(&a)
        .filter(|e| e.text().collect::<String>().trim() == title)
        .map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

#[test]
fn attachment_and_link_urls_are_only_web_mail_or_relative() {
    let site = copy_example();
    let root = site.path();
    let meta = meta_yaml("  ", "p");
    std::fs::write(
        root.join("content/urls.yaml"),
        format!("plan:\n  title: 链接\n  kind: 方案\n  jurisdiction: 黄石市下陆区\n{meta}  tasks:\n    - number: 1\n      text: 任务。\n"),
    )
    .unwrap();
    let out = root.join("public");
    build(root, &out, &[]);
    let page = read(&out.join("plans/urls/index.html"));
    for kind in ["att", "link"] {
        for (i, url) in BAD_URLS.iter().enumerate() {
            let hrefs = hrefs_of(&page, &format!("p-{kind}-bad-{i}"));
            assert!(!hrefs.is_empty(), "p-{kind}-bad-{i} not shown");
            for h in hrefs {
                assert!(
                    h.as_deref().is_none_or(|h| h == "#"),
                    "{url:?} became href {h:?}"
                );
            }
        }
        for (i, url) in GOOD_URLS.iter().enumerate() {
            let hrefs = hrefs_of(&page, &format!("p-{kind}-good-{i}"));
            assert!(!hrefs.is_empty(), "p-{kind}-good-{i} not shown");
            for h in hrefs {
                assert_eq!(h.as_deref(), Some(*url), "{url:?} was changed");
            }
        }
    }
}

fn with_raw_html(root: &Path) {
    std::fs::write(
        root.join("content/raw.md"),
        "---\ntitle: 原始HTML\nkind: 方案\njurisdiction: 黄石市下陆区\n---\n\n前言<b>加粗</b>。\n\n## 一、任务\n\n1.建立制度<span onclick=\"alert(1)\">。</span>牵头单位:区司法局。\n\n<div>\n<script>alert(1)</script>\n</div>\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/raw-yaml.yaml"),
        "plan:\n  title: 原始HTML二\n  kind: 方案\n  jurisdiction: 黄石市下陆区\n  preamble: |\n    第一行。\n    第二行<i>斜体</i>。\n  tasks:\n    - number: 1\n      text: 纯文本任务。\n    - number: 2\n      text: 任务<img src=x onerror=alert(1)>。\n",
    )
    .unwrap();
}

#[test]
fn raw_html_is_sanitised_by_default() {
    let site = copy_example();
    with_raw_html(site.path());
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    let page = read(&out.join("plans/raw/index.html"));
    // The allow-list keeps harmless markup and drops the rest.
    assert!(page.contains("<b>加粗</b>"), "allowed markup dropped");
    let (problems, _) = scan_site(&out);
    assert!(problems.is_empty(), "{}", report(&problems));
}

#[test]
fn raw_html_reject_is_an_error_with_file_and_line() {
    let site = copy_example();
    let root = site.path();
    let config = read(&root.join("site.yaml")) + "raw_html: reject\n";
    std::fs::write(root.join("site.yaml"), config).unwrap();
    // The example site itself has no raw HTML: it still builds.
    let out = root.join("public");
    build(root, &out, &[]);

    with_raw_html(root);
    let o = planpress(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &stderr(&o);
    for at in [
        "content/raw.md:7:",
        "content/raw.md:11:",
        "content/raw.md:13:",
        "content/raw-yaml.yaml:7:",
        "content/raw-yaml.yaml:12:",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(at) && l.contains("raw HTML")),
            "no raw HTML error at {at}:\n{text}"
        );
    }
    assert_eq!(text.matches("error: raw HTML").count(), 5, "{text}");
    // A failed build leaves the previous site as it was.
    let before = snapshot(&out);
    let o = planpress(&[
        "build",
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(snapshot(&out) == before, "failed build changed the site");
}

// ---------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------

/// Files of `dir` and its parent, so that a test can tell nothing was
/// written beside or above the output.
fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .collect()
}

#[test]
fn bad_slugs_are_errors_and_nothing_is_written() {
    let long = "a".repeat(10_000);
    let bad = [
        "../escape",
        "../../../../tmp/planpress-escape",
        "/etc/planpress-escape",
        "a/b",
        "a\\\\b",
        "C:\\\\x",
        "a\\0b",
        "..",
        ".",
        "-a",
        "Ａ",
        "a b",
        long.as_str(),
    ];
    for slug in bad {
        let site = copy_example();
        let root = site.path();
        std::fs::write(
            root.join("content/bad.md"),
            format!("---\ntitle: 坏\nkind: 方案\njurisdiction: 黄石市下陆区\nslug: \"{slug}\"\n---\n\n1.任务。\n"),
        )
        .unwrap();
        let before = tree(root);
        let o = planpress(&[
            "build",
            "--quiet",
            "--root",
            root.to_str().unwrap(),
            "--out",
            root.join("public").to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "slug {slug:.40?} accepted");
        assert!(stderr(&o).contains("content/bad.md:"), "{}", stderr(&o));
        assert_eq!(tree(root), before, "slug {slug:.40?}: files written");
    }
    assert!(!Path::new("/etc/planpress-escape").exists());
    assert!(!Path::new("/tmp/planpress-escape").exists());
}

#[test]
fn hostile_names_stay_inside_the_output() {
    // The site in a folder of its own, so that anything written beside or
    // above it shows.
    let top = common::tempdir();
    let root = &top.path().join("site");
    std::fs::create_dir_all(root).unwrap();
    std::fs::copy(repo().join("site.yaml"), root.join("site.yaml")).unwrap();
    for sub in ["content", "themes"] {
        copy_dir(&repo().join(sub), &root.join(sub));
    }
    let names = [
        "../../../../tmp/planpress-unit-escape".to_string(),
        "/etc/planpress-unit".to_string(),
        "..\\..\\windows".to_string(),
        "C:\\x".to_string(),
        "a\0b".to_string(),
        "..".to_string(),
        ".".to_string(),
        "长".repeat(10_000),
        "%2e%2e%2f".to_string(),
    ];
    let lead: Vec<String> = names.iter().map(|n| yq(n)).collect();
    std::fs::write(
        root.join("content/names.yaml"),
        format!(
            "plan:\n  title: 名称\n  kind: 方案\n  jurisdiction: \"../../../tmp/区\"\n  topics: [\"../../topic\", \"/abs\"]\n  tasks:\n    - number: \"../1\"\n      text: 任务。\n      lead: [{}]\n      topics: [\"..\\\\..\\\\t\"]\n",
            lead.join(", ")
        ),
    )
    .unwrap();
    // A file name that is not a slug: the slug is made from it.
    std::fs::write(
        root.join(format!("content/{}.md", "长".repeat(80))),
        "---\ntitle: 长文件名\nkind: 方案\njurisdiction: 黄石市下陆区\n---\n\n1.任务。\n",
    )
    .unwrap();
    let out = root.join("public");
    build(root, &out, &[]);
    let beside: Vec<PathBuf> = tree(top.path())
        .into_iter()
        .filter(|p| p != top.path() && !p.starts_with(root))
        .collect();
    assert!(beside.is_empty(), "written outside the site: {beside:?}");
    assert!(!Path::new("/tmp/planpress-unit-escape").exists());
    assert!(!Path::new("/etc/planpress-unit").exists());
    // Every output path is plain: `a-z0-9-` folders and known file names.
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(&out)
            .unwrap()
            .to_string_lossy()
            .to_string();
        if rel.starts_with("static") {
            continue;
        }
        assert!(
            rel.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_./".contains(c)),
            "odd output path {rel:?}"
        );
        assert!(rel.len() < 400, "output path of {} bytes", rel.len());
    }
    // The 10,000-character unit has its page.
    let units = read(&out.join("units/index.html"));
    assert!(units.contains(&"长".repeat(100)));
}

#[test]
fn names_that_collide_get_their_own_pages_or_an_error() {
    let site = copy_example();
    let root = site.path();
    // Names that differ only by Unicode normalisation (NFC é / NFD e + ◌́),
    // by a compatibility ideograph, or only in what slugs drop.
    let pairs = [
        ("区Café局", "区Cafe\u{301}局"),
        ("区\u{8c48}局", "区\u{f900}局"),
        ("区司法局!", "区司法局?"),
    ];
    let mut lead = Vec::new();
    let mut topics = Vec::new();
    for (a, b) in pairs {
        lead.push(yq(a));
        lead.push(yq(b));
        topics.push(yq(&format!("主题{a}")));
        topics.push(yq(&format!("主题{b}")));
    }
    std::fs::write(
        root.join("content/collide.yaml"),
        format!(
            "plan:\n  title: 碰撞\n  kind: 方案\n  jurisdiction: 黄石市下陆区\n  tasks:\n    - number: 1\n      text: 任务。\n      lead: [{}]\n      topics: [{}]\n",
            lead.join(", "),
            topics.join(", ")
        ),
    )
    .unwrap();
    // Jurisdictions whose slugs collide.
    for (i, j) in ["测试区!", "测试区?", "Cafe\u{301}区", "Café区"]
        .iter()
        .enumerate()
    {
        std::fs::write(
            root.join(format!("content/j{i}.md")),
            format!("---\ntitle: 区{i}\nkind: 方案\njurisdiction: {}\n---\n\n1.任务。牵头单位:区司法局。\n", yq(j)),
        )
        .unwrap();
    }
    let out = root.join("public");
    build(root, &out, &[]);
    // Each name is on a page of its own: no page overwrote another.
    let units = read(&out.join("units/index.html"));
    let doc = Html::parse_document(&units);
    let a = Selector::parse("a").unwrap();
    let mut targets: Vec<(String, String)> = doc
        .select(&a)
        .filter_map(|e| {
            Some((
                e.text().collect::<String>(),
                e.value().attr("href")?.to_string(),
            ))
        })
        .filter(|(_, h)| h.contains("units/"))
        .filter(|(t, _)| t.contains(['!', '?', '\u{8c48}', '\u{f900}']) || t.contains("Caf"))
        .collect();
    targets.sort();
    targets.dedup();
    let hrefs: BTreeSet<&String> = targets.iter().map(|(_, h)| h).collect();
    let names: BTreeSet<&String> = targets.iter().map(|(n, _)| n).collect();
    assert_eq!(
        hrefs.len(),
        names.len(),
        "two names share a page: {targets:?}"
    );
    for (name, href) in &targets {
        // Links are relative to the page they are on (units/).
        let page = read(&out.join("units").join(href).join("index.html"));
        let title = Html::parse_document(&page)
            .select(&Selector::parse("h1").unwrap())
            .next()
            .map(|h| h.text().collect::<String>())
            .unwrap_or_default();
        assert!(
            title.contains(name.trim()),
            "{href} shows {title:?}, not {name:?}"
        );
    }
    // The example's three, the four above, and index.html.
    let entries = std::fs::read_dir(out.join("jurisdictions"))
        .unwrap()
        .count();
    assert_eq!(entries, 3 + 4 + 1, "jurisdictions/ has {entries} entries");
}

#[test]
fn two_plans_with_one_slug_are_an_error_not_an_overwrite() {
    let site = copy_example();
    let root = site.path();
    for dir in ["a", "b"] {
        std::fs::create_dir_all(root.join("content").join(dir)).unwrap();
        std::fs::write(
            root.join(format!("content/{dir}/same.md")),
            format!("---\ntitle: {dir}\nkind: 方案\njurisdiction: 黄石市下陆区\n---\n\n1.任务。\n"),
        )
        .unwrap();
    }
    // NFC and NFD spellings of one file name.
    std::fs::write(
        root.join("content/Café.md"),
        "---\ntitle: nfc\nkind: 方案\njurisdiction: 黄石市下陆区\nslug: cafe\n---\n\n1.任务。\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/Cafe\u{301}.md"),
        "---\ntitle: nfd\nkind: 方案\njurisdiction: 黄石市下陆区\nslug: cafe\n---\n\n1.任务。\n",
    )
    .unwrap();
    let o = planpress(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let text = stderr(&o) + &String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("duplicate slug `same`"), "{text}");
    assert!(text.contains("duplicate slug `cafe`"), "{text}");
}

#[test]
fn symbolic_links_out_of_the_site_are_not_followed() {
    let outside = common::tempdir();
    let o = outside.path();
    std::fs::write(
        o.join("secret.md"),
        "---\ntitle: OUTSIDE-SECRET\nkind: 方案\njurisdiction: 黄石市下陆区\n---\n\n1.任务。\n",
    )
    .unwrap();
    std::fs::create_dir_all(o.join("dir")).unwrap();
    std::fs::copy(o.join("secret.md"), o.join("dir/secret2.md")).unwrap();
    std::fs::write(o.join("units.yaml"), "- jurisdiction: 黄石市下陆区\n  units:\n    - name: OUTSIDE-UNIT\n      aliases: [区司法局]\n").unwrap();
    std::fs::write(o.join("plan.html"), "OUTSIDE-TEMPLATE").unwrap();
    std::fs::write(o.join("secret.txt"), "OUTSIDE-STATIC").unwrap();

    let site = copy_example();
    let root = site.path();
    let link = |target: &Path, at: &Path| std::os::unix::fs::symlink(target, at).unwrap();
    link(&o.join("secret.md"), &root.join("content/linked.md"));
    link(&o.join("dir"), &root.join("content/linked-dir"));
    std::fs::remove_file(root.join("content/units.yaml")).unwrap();
    link(&o.join("units.yaml"), &root.join("content/units.yaml"));
    std::fs::create_dir_all(root.join("templates")).unwrap();
    link(&o.join("plan.html"), &root.join("templates/plan.html"));
    std::fs::create_dir_all(root.join("static")).unwrap();
    link(&o.join("secret.txt"), &root.join("static/secret.txt"));

    let check = planpress(&["check", "--root", root.to_str().unwrap()]);
    let text = stderr(&check) + &String::from_utf8_lossy(&check.stdout);
    for link in [
        "content/linked.md",
        "content/linked-dir",
        "content/units.yaml",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(link) && l.contains("warning: a symbolic link")),
            "no warning for {link}:\n{text}"
        );
    }
    let out = root.join("public");
    build(root, &out, &[]);
    for (file, bytes) in snapshot(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("OUTSIDE-"),
            "{} has content from outside the site",
            file.display()
        );
    }
    assert!(!out.join("static/secret.txt").exists());
}

#[test]
fn a_content_folder_linked_out_of_the_site_is_refused() {
    let outside = common::tempdir();
    let site = copy_example();
    let root = site.path();
    std::fs::rename(root.join("content"), outside.path().join("content")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("content"), root.join("content")).unwrap();
    let o = planpress(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("outside the site"), "{}", stderr(&o));
    // A link to a folder inside the site is fine.
    std::fs::remove_file(root.join("content")).unwrap();
    std::fs::rename(outside.path().join("content"), root.join("real-content")).unwrap();
    std::os::unix::fs::symlink(root.join("real-content"), root.join("content")).unwrap();
    let o = planpress(&["check", "--root", root.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn theme_names_cannot_leave_themes() {
    for theme in ["../content", "/etc", "..", "portal/../../x"] {
        let site = small_example();
        let root = site.path();
        let config =
            read(&root.join("site.yaml")).replace("theme: portal", &format!("theme: \"{theme}\""));
        std::fs::write(root.join("site.yaml"), config).unwrap();
        let o = planpress(&[
            "build",
            "--quiet",
            "--root",
            root.to_str().unwrap(),
            "--out",
            root.join("public").to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "theme {theme:?} accepted");
        assert!(stderr(&o).contains("no theme"), "{}", stderr(&o));
    }
}

#[test]
fn a_static_folder_linked_out_of_the_site_is_not_published() {
    let outside = common::tempdir();
    std::fs::write(outside.path().join("secret.txt"), "OUTSIDE-STATIC").unwrap();
    let site = small_example();
    let root = site.path();
    std::os::unix::fs::symlink(outside.path(), root.join("static")).unwrap();
    let out = root.join("public");
    build(root, &out, &[]);
    assert!(!out.join("static/secret.txt").exists());
    // The theme's own static files are still there.
    assert!(out.join("static/a11y.js").is_file());
}

#[test]
fn templates_cannot_include_files_outside_the_site() {
    let site = small_example();
    let root = site.path();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/404.html"),
        "{% include \"../../../../../../etc/hostname\" %}{% include \"/etc/passwd\" %}",
    )
    .unwrap();
    let o = planpress(&[
        "build",
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--out",
        root.join("public").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("templates/404.html"), "{}", stderr(&o));
    assert!(!root.join("public").exists());
}

#[test]
fn a_templates_folder_linked_out_of_the_site_is_not_read() {
    let outside = common::tempdir();
    let plan = format!(
        "OUTSIDE-TEMPLATE{}",
        read(&repo().join("themes/portal/templates/plan.html"))
    );
    std::fs::write(outside.path().join("plan.html"), plan).unwrap();
    let site = small_example();
    let root = site.path();
    std::os::unix::fs::symlink(outside.path(), root.join("templates")).unwrap();
    let out = root.join("public");
    build(root, &out, &[]);
    for (file, bytes) in snapshot(&out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("OUTSIDE-TEMPLATE"),
            "{} uses a template from outside the site",
            file.display()
        );
    }
}
