//! Big and odd inputs (issue 9, part 5): each gets a clear message or
//! works, within bounded time and memory. Times are generous for a debug
//! build on one core; they bound CPU time (user + system), and memory, as
//! `/usr/bin/time` measures them where the system has it: wall time on a
//! loaded machine says more about the load than about the input.
//!
//! The pathological cases at the end are the inputs that were quadratic (or
//! worse) before issue 9's fixes, at sizes where the old code took from ten
//! seconds to hours; they fail again if a fix is undone.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::*;

/// A run of planpress with its wall time and, where `/usr/bin/time` exists,
/// its CPU time and peak memory in MB.
struct Run {
    out: Output,
    time: Duration,
    cpu: Option<Duration>,
    rss_mb: Option<u64>,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.out.stdout).to_string() + &stderr(&self.out)
    }

    fn ok(&self) -> bool {
        self.out.status.success()
    }
}

fn run(args: &[&str]) -> Run {
    let bin = env!("CARGO_BIN_EXE_planpress");
    let timer = Path::new("/usr/bin/time");
    let t = Instant::now();
    let out = if timer.is_file() {
        Command::new(timer)
            .args(["-f", "planpress-max-rss-kb=%M planpress-cpu-s=%U+%S", bin])
            .args(args)
            .output()
    } else {
        Command::new(bin).args(args).output()
    }
    .expect("run planpress");
    let time = t.elapsed();
    let figures = stderr(&out)
        .lines()
        .find_map(|l| l.strip_prefix("planpress-max-rss-kb="))
        .map(str::to_string);
    let (kb, cpu) = figures
        .as_deref()
        .and_then(|f| f.split_once(" planpress-cpu-s="))
        .unzip();
    let rss_mb = kb
        .and_then(|kb| kb.trim().parse::<u64>().ok())
        .map(|kb| kb / 1024);
    let cpu = cpu.and_then(|c| {
        let (user, sys) = c.trim().split_once('+')?;
        let secs = user.parse::<f64>().ok()? + sys.parse::<f64>().ok()?;
        Some(Duration::from_secs_f64(secs))
    });
    Run {
        out,
        time,
        cpu,
        rss_mb,
    }
}

fn check(root: &Path) -> Run {
    run(&["check", "--root", root.to_str().unwrap()])
}

fn build_run(root: &Path) -> Run {
    let out = root.join("public");
    run(&[
        "build",
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// Asserts a run took at most `secs` of CPU (of wall time where CPU time is
/// unknown) and `mb`.
fn bounded(r: &Run, what: &str, secs: u64, mb: u64) {
    eprintln!(
        "{what}: {:.2} s wall, {} s CPU, {} MB",
        r.time.as_secs_f64(),
        r.cpu
            .map_or("?".to_string(), |c| format!("{:.2}", c.as_secs_f64())),
        r.rss_mb.map_or("?".to_string(), |m| m.to_string())
    );
    let (time, kind) = r.cpu.map_or((r.time, "wall"), |c| (c, "CPU"));
    assert!(
        time < Duration::from_secs(secs),
        "{what} took {time:?} of {kind} time (limit {secs} s)"
    );
    if let Some(m) = r.rss_mb {
        assert!(m < mb, "{what} used {m} MB (limit {mb} MB)");
    }
}

/// A site with only `site.yaml` and the theme, for inputs of its own.
fn bare_site() -> tempfile::TempDir {
    let dir = common::tempdir();
    std::fs::write(dir.path().join("site.yaml"), "title: 测试站点\n").unwrap();
    copy_dir(&repo().join("themes"), &dir.path().join("themes"));
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    dir
}

const FRONT: &str = "---\ntitle: 测试方案\nkind: 方案\njurisdiction: 测试市测试区\n---\n\n";

fn write(root: &Path, name: &str, text: impl AsRef<[u8]>) {
    std::fs::write(root.join("content").join(name), text).unwrap();
}

/// `check`'s message about one file: its first error line.
fn error_for(r: &Run, file: &str) -> String {
    r.text()
        .lines()
        .find(|l| l.starts_with(&format!("content/{file}:")) && l.contains("error"))
        .unwrap_or_else(|| panic!("no error for {file}:\n{}", r.text()))
        .to_string()
}

#[test]
fn a_fifty_megabyte_content_file_is_refused_with_a_message() {
    let site = bare_site();
    let root = site.path();
    let mut text = String::from(FRONT);
    let mut n = 0;
    while text.len() < 50 << 20 {
        n += 1;
        text += &format!(
            "{n}.加强第{n}项工作,2025年6月底前完成。牵头单位:区单位{}、区司法局。\n\n",
            n % 300
        );
    }
    write(root, "huge.md", &text);
    write(root, "small.md", format!("{FRONT}1.任务。\n"));
    let r = check(root);
    bounded(&r, "check, 50 MB file", 30, 200);
    assert_eq!(r.out.status.code(), Some(1), "{}", r.text());
    let e = error_for(&r, "huge.md");
    assert!(
        e.contains("50 MB") && e.contains("larger than 10 MB"),
        "{e}"
    );
    // Only that file is in error: the rest of the site is still checked.
    assert!(r.text().contains("1 errors"), "{}", r.text());
}

#[test]
fn a_plan_with_ten_thousand_tasks_builds() {
    let site = bare_site();
    let root = site.path();
    let mut md = String::from(FRONT);
    let mut yaml = String::from(
        "plan:\n  title: 万项分工\n  kind: 分工方案\n  jurisdiction: 测试市测试区\n  sections:\n",
    );
    let mut n = 0;
    for s in 0..10 {
        md += &format!(
            "## {}、第{s}部分\n\n",
            ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"][s]
        );
        yaml += &format!("    - title: 第{s}部分\n      tasks:\n");
        for _ in 0..1000 {
            n += 1;
            // A Markdown task number has at most four digits (a longer
            // number starts prose, like a year): 9,999 tasks there.
            if n == 10_000 {
                yaml += "        - number: 10000\n          text: 最后一项。\n          lead: 区司法局\n";
                continue;
            }
            md += &format!(
                "{n}.加强第{n}项工作,2025年6月底前完成。牵头单位:区单位{}、区司法局。\n\n",
                n % 300
            );
            yaml += &format!(
                "        - number: {n}\n          text: 落实第{n}项措施。\n          lead: 区单位{}\n          schedule: 2026年底前\n",
                n % 300
            );
        }
    }
    write(root, "wan.md", &md);
    write(root, "wan2.yaml", &yaml);
    let r = build_run(root);
    bounded(&r, "build, 2 × 10,000 tasks", 120, 1500);
    assert!(r.ok(), "{}", r.text());
    let out = root.join("public");
    let page = read(&out.join("plans/wan/index.html"));
    let ids = ids(&page);
    assert!((1..=9_999).all(|n| ids.contains(&format!("task-{n}"))));
    let ids = common::ids(&read(&out.join("plans/wan2/index.html")));
    assert!((1..=10_000).all(|n| ids.contains(&format!("task-{n}"))));
    let tasks: serde_json::Value =
        serde_json::from_str(&read(&out.join("data/tasks.json"))).unwrap();
    assert_eq!(tasks.as_array().map(Vec::len), Some(19_999));
    // 区司法局 leads 10,000 tasks: its page is split into pages.
    let unit = out.join("units/ceshishiceshiqu/qusifaju");
    assert!(unit.join("page/2/index.html").is_file());
}

#[test]
fn a_unit_named_by_ten_thousand_characters_works() {
    let site = bare_site();
    let root = site.path();
    let long = "长".repeat(10_000);
    let registered = "局".repeat(10_000);
    write(
        root,
        "units.yaml",
        format!(
            "- jurisdiction: 测试市测试区\n  units:\n    - name: {registered}\n      aliases: [简称]\n"
        ),
    );
    write(
        root,
        "long.md",
        format!("{FRONT}1.任务甲。牵头单位:{long}、区司法局。\n\n2.任务乙。牵头单位:简称。\n"),
    );
    let r = build_run(root);
    bounded(&r, "build, 10,000-character units", 60, 500);
    assert!(r.ok(), "{}", r.text());
    let units = root.join("public/units/ceshishiceshiqu");
    let dirs: Vec<String> = std::fs::read_dir(&units)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    assert!(dirs.iter().all(|d| d.len() <= 100), "{dirs:?}");
    let long_page = dirs
        .iter()
        .map(|d| read(&units.join(d).join("index.html")))
        .find(|p| p.contains(&long))
        .expect("a page for the long unit");
    assert!(long_page.contains("任务甲"));
    // The registered long name is found by its alias.
    let reg = dirs
        .iter()
        .map(|d| read(&units.join(d).join("index.html")))
        .find(|p| p.contains(&registered))
        .expect("a page for the registered long unit");
    assert!(reg.contains("任务乙"));
}

#[test]
fn deep_nesting_works_or_is_a_clear_error() {
    let site = bare_site();
    let root = site.path();
    // 100 headings, each one level below the last as far as levels go,
    // quotes 100 and 10,000 deep, and lists 100 deep.
    let mut md = String::from(FRONT);
    for i in 0..100 {
        md += &format!(
            "{} 标题{i}\n\n{}.任务{i}。\n\n",
            "#".repeat(i % 6 + 1),
            i + 1
        );
    }
    md += &format!("{} 引用]\n\n", ">".repeat(100));
    md += &format!("{} 深引用]\n\n", ">".repeat(10_000));
    md += &format!("{}列表]\n\n", "- ".repeat(100));
    write(root, "deep.md", &md);
    let r = build_run(root);
    bounded(&r, "build, Markdown 100 and 10,000 deep", 30, 500);
    assert!(r.ok(), "{}", r.text());

    // YAML sections: five levels are the limit; 10, 60, 100 and 1,000 deep
    // are errors that say so.
    for (depth, expect) in [
        (10, "sections nest at most five levels deep"),
        (60, "nest"),
        (100, "nest"),
        (1000, "nests more than"),
    ] {
        let site = bare_site();
        let root = site.path();
        let mut y = String::from(
            "plan:\n  title: 深\n  kind: 方案\n  jurisdiction: 测试市测试区\n  sections:\n",
        );
        let mut indent = String::from("    ");
        for i in 0..depth {
            y += &format!("{indent}- title: 第{i}层\n{indent}  sections:\n");
            indent += "    ";
        }
        y += &format!("{indent}- title: 底\n");
        write(root, "deep.yaml", &y);
        let r = check(root);
        bounded(&r, &format!("check, YAML sections {depth} deep"), 30, 500);
        assert_eq!(r.out.status.code(), Some(1), "{}", r.text());
        let e = error_for(&r, "deep.yaml");
        assert!(e.contains(expect), "{depth} deep: {e}");
    }
    // Flow collections 100,000 deep: refused before the YAML parser, whose
    // time grows with the square of the depth (a minute here before).
    let site = bare_site();
    let root = site.path();
    write(
        root,
        "flow.yaml",
        format!("plan: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    write(
        root,
        "flow.md",
        format!(
            "---\ntitle: {}{}\n---\n",
            "{a: ".repeat(50_000),
            "}".repeat(50_000)
        ),
    );
    let r = check(root);
    bounded(&r, "check, flow YAML 100,000 deep", 10, 300);
    assert!(error_for(&r, "flow.yaml").contains("nests more than 200 levels"));
    assert!(error_for(&r, "flow.md").contains("nests more than 200 levels"));
}

#[test]
fn empty_binary_and_gbk_files_get_clear_messages() {
    let site = bare_site();
    let root = site.path();
    write(root, "empty.md", "");
    write(root, "empty.yaml", "");
    write(root, "bom.md", "\u{feff}");
    write(root, "image.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    write(root, "latin1.yaml", b"plan:\n  title: caf\xe9\n");
    let text = format!("{FRONT}1.任务。牵头单位:区司法局。\n");
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    write(root, "gbk.md", &gbk);
    let r = check(root);
    bounded(&r, "check, odd files", 10, 200);
    assert_eq!(r.out.status.code(), Some(1));
    for (file, says) in [
        ("empty.md", "no front matter"),
        ("empty.yaml", "no document in this file"),
        ("bom.md", "no front matter"),
        ("image.md", "binary file"),
        ("latin1.yaml", "not valid UTF-8"),
        ("gbk.md", "not valid UTF-8"),
    ] {
        let e = error_for(&r, file);
        assert!(e.contains(says), "{file}: {e}");
    }
    // The GBK file's hint says what to do.
    assert!(r.text().contains("planpress import"), "{}", r.text());
    // An empty registry is no registry.
    write(root, "units.yaml", "");
    for f in [
        "empty.md",
        "empty.yaml",
        "bom.md",
        "image.md",
        "latin1.yaml",
        "gbk.md",
    ] {
        std::fs::remove_file(root.join("content").join(f)).unwrap();
    }
    write(root, "ok.md", format!("{FRONT}1.任务。\n"));
    let r = check(root);
    assert!(r.ok(), "{}", r.text());
}

#[test]
fn the_importer_bounds_what_it_reads() {
    let dir = common::tempdir();
    let d = dir.path();
    // Over the importer's limit (64 MB): refused before it is read.
    let huge = d.join("huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    // Empty, binary, an old Word file, deeply nested HTML.
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(d.join("image.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(d.join("old.doc"), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0").unwrap();
    std::fs::write(
        d.join("deep.html"),
        format!(
            "<html><body><h1>测试区法治建设实施方案</h1>{}1.任务。{}</body></html>",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        ),
    )
    .unwrap();
    let out = d.join("content");
    for (file, says) in [
        ("huge.txt", "larger than any plan"),
        ("empty.txt", "no text"),
        ("image.png", "binary file"),
        ("old.doc", "save it as .docx"),
        ("deep.html", "1 task(s)"),
    ] {
        let path = d.join(file);
        let r = run(&[
            "import",
            path.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--jurisdiction",
            "测试市测试区",
        ]);
        bounded(&r, &format!("import {file}"), 30, 300);
        if file != "deep.html" {
            assert!(!r.ok(), "{file} imported");
        }
        assert!(r.text().contains(says), "{file}: {}", r.text());
    }
    // A 2 MB line of prose is read in bounded time.
    let line = d.join("line.txt");
    std::fs::write(
        &line,
        format!(
            "测试区法治建设实施方案\n\n一、主要任务\n\n1.{}\n",
            "很长的一句话,".repeat(100_000)
        ),
    )
    .unwrap();
    let r = run(&[
        "import",
        line.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jurisdiction",
        "测试市测试区",
    ]);
    bounded(&r, "import, a 2 MB line", 60, 500);
    assert!(r.ok(), "{}", r.text());
}

// ---------------------------------------------------------------------
// Inputs that were quadratic or worse before issue 9.
// ---------------------------------------------------------------------

#[test]
fn a_task_with_twenty_thousand_continuation_lines() {
    // Deadlines were read again after every line: 4,000 lines took 40 s.
    let site = bare_site();
    let root = site.path();
    let mut md = format!("{FRONT}1.任务。\n\n");
    for i in 0..20_000 {
        md += &format!(
            "牵头单位:区单位{i}。2025年{}月底前完成第{i}步。\n\n",
            i % 12 + 1
        );
    }
    write(root, "cont.md", &md);
    let r = check(root);
    bounded(&r, "check, 20,000 continuation lines", 30, 500);
    assert!(r.ok(), "{}", r.text());
    assert!(
        r.text().contains("1 plans, 1 tasks, 20000 units"),
        "{}",
        r.text()
    );
}

#[test]
fn many_names_with_one_slug_and_many_topics_and_jurisdictions() {
    // Slug deduplication, topic slugs and jurisdiction slugs were quadratic:
    // 8,000 of each took 13 s, 10 s and 83 s.
    let site = bare_site();
    let root = site.path();
    // Units whose names have no pinyin: every slug is `x` before numbering.
    let names: Vec<String> = (0..8_000)
        .map(|i| {
            format!(
                "〈{}〉",
                char::from_u32(0x3041 + i % 80)
                    .unwrap()
                    .to_string()
                    .repeat(1 + i as usize / 80)
            )
        })
        .collect();
    write(
        root,
        "x.md",
        format!("{FRONT}1.任务。牵头单位:{}。\n", names.join("、")),
    );
    let topics: Vec<String> = (0..8_000).map(|i| format!("主题{i}")).collect();
    write(
        root,
        "t.yaml",
        format!(
            "plan:\n  title: t\n  kind: 方案\n  jurisdiction: 测试市测试区\n  tasks:\n    - number: 1\n      text: x\n      topics: [{}]\n",
            topics.join(", ")
        ),
    );
    for i in 0..3_000 {
        write(
            root,
            &format!("j{i}.md"),
            format!("---\ntitle: 方案{i}\nkind: 方案\njurisdiction: 测试{i}区\n---\n\n1.任务。\n"),
        );
    }
    let r = check(root);
    bounded(
        &r,
        "check, 8,000 `x` units, 8,000 topics, 3,000 jurisdictions",
        40,
        800,
    );
    assert!(r.ok(), "{}", r.text());
    assert!(r.text().contains("3002 plans"), "{}", r.text());
}

#[test]
fn deeply_nested_markup_in_prose_renders_in_bounded_time() {
    // The HTML sanitiser's parser took seconds for 20,000 nested elements.
    let site = bare_site();
    let root = site.path();
    write(
        root,
        "nest.md",
        format!(
            "{FRONT}前言{}正文。\n\n{} 引用]\n\n{}列表]\n\n1.任务{}。\n",
            "<div>".repeat(50_000),
            ">".repeat(50_000),
            "- ".repeat(50_000),
            "<b>".repeat(50_000)
        ),
    );
    let r = build_run(root);
    bounded(&r, "build, 50,000 nested elements", 30, 500);
    assert!(r.ok(), "{}", r.text());
}

#[test]
fn a_yaml_alias_bomb_is_refused() {
    // 1,000 aliases of a 300 KB string took 600 MB; 10,000 never finished.
    let site = bare_site();
    let root = site.path();
    let big = "长".repeat(100_000);
    write(
        root,
        "bomb.yaml",
        format!(
            "plan:\n  title: t\n  kind: 方案\n  jurisdiction: 区\n  topics: [&s \"{big}\"{}]\n",
            ", *s".repeat(10_000)
        ),
    );
    let r = check(root);
    bounded(&r, "check, alias bomb", 10, 200);
    assert!(
        error_for(&r, "bomb.yaml").contains("aliases"),
        "{}",
        r.text()
    );
}
