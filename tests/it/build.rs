//! `planpress build` on the example site, checked as a reader meets the
//! output: pages exist, links resolve, unit pages list the right tasks, data
//! files hold every task, failures keep the old site, and output is
//! byte-identical whatever the thread count.

use crate::common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use common::*;
use serde_json::Value;

/// The example built once for the tests that only read it.
fn built_example() -> &'static Path {
    shared_example(&[])
}

#[test]
fn every_page_type_exists_and_links_resolve() {
    let out = built_example();
    for page in [
        "index.html",
        "404.html",
        "plans/index.html",
        "plans/daoli-2017-shijian-fangan/index.html",
        "notices/daoli-2017-tongzhi/index.html",
        "units/index.html",
        "units/haerbinshidaoliqu/qusifaju/index.html",
        "units/haerbinshidaoliqu/qusifaju/tasks.csv",
        "units/huangshishixialuqu/qusifaju/deadlines.ics",
        "topics/index.html",
        "jurisdictions/index.html",
        "jurisdictions/haerbinshidaoliqu/index.html",
        "search/index.html",
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "data/plans.json",
        "data/tasks.json",
        "data/tasks.csv",
        "elder/index.html",
        "elder/plans/daoli-2017-shijian-fangan/index.html",
        "elder/404.html",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    assert!(out.join("topics").read_dir().unwrap().count() > 5);
    let checked = check_links(out, "/");
    assert!(checked > 5000, "only {checked} links checked");
}

#[test]
fn links_work_under_a_sub_path() {
    // Only read: shared with schemas.rs (the same arguments).
    let out = shared_example(&["--base-url", SUB_PATH_BASE]);
    check_links(out, "/fzjs/");
    let plan = read(&out.join("plans/daoli-2017-shijian-fangan/index.html"));
    assert!(
        plan.contains("href=\"../../units/"),
        "unit links are relative to the page"
    );
    for absolute in [
        "href=\"/fzjs/elder/plans/daoli-2017-shijian-fangan/\"",
        "href=\"/fzjs/data/plans/daoli-2017-shijian-fangan.json\"",
        "href=\"/fzjs/static/favicon.svg?v=",
    ] {
        assert!(
            plan.contains(absolute),
            "{absolute}: shared files carry the sub-path"
        );
    }
    let not_found = read(&out.join("elder/404.html"));
    assert!(not_found.contains("href=\"/fzjs/elder/static/portal.css?v="));
    assert!(not_found.contains("href=\"/fzjs/elder/plans/\""));
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(
        sitemap.contains("<loc>https://example.gov.cn/fzjs/plans/daoli-2017-shijian-fangan/</loc>")
    );
}

#[test]
fn each_elder_page_is_its_standard_page_but_not_found() {
    use std::os::unix::fs::MetadataExt;
    let out = built_example();
    let elder = out.join("elder");
    let mut pages = 0;
    for file in html_files(&elder) {
        let rel = file.strip_prefix(&elder).unwrap();
        let (a, b) = (
            std::fs::metadata(&file).unwrap(),
            std::fs::metadata(out.join(rel)).unwrap(),
        );
        let same = (a.dev(), a.ino()) == (b.dev(), b.ino());
        if rel == Path::new("404.html") {
            assert!(!same, "the 404 pages keep a file each");
            assert_ne!(read(&file), read(&out.join(rel)));
            continue;
        }
        assert!(
            same,
            "elder/{} is not its standard page's file",
            rel.display()
        );
        pages += 1;
    }
    assert!(pages > 150, "only {pages} 长者版 pages");
    // What tells them apart: the stylesheet each address finds.
    let standard = read(&out.join("static/portal.css"));
    let elder_css = read(&elder.join("static/portal.css"));
    assert!(standard.contains(".only-elder { display: none !important; }"));
    assert!(elder_css.contains(".only-standard { display: none !important; }"));
    assert!(elder_css.contains("html:root .masthead--elder") && !elder_css.contains("html.elder"));
    assert!(
        elder_css.starts_with(&standard[..standard.find("/* planpress: the standard").unwrap()])
    );
}

#[test]
fn relative_links_stay_in_the_version_they_start_from() {
    let out = built_example();
    let mut checked = 0;
    for file in html_files(out) {
        let rel = file
            .strip_prefix(out)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        if rel.ends_with("404.html") {
            continue;
        }
        let dir: Vec<&str> = rel.split('/').collect();
        let dir = &dir[..dir.len() - 1];
        let html = read(&file);
        for link in links(&html) {
            if link.starts_with(['/', '#']) || link.contains(':') {
                continue;
            }
            // The link resolved lexically, as a browser does from this address.
            let mut at: Vec<&str> = dir.to_vec();
            for part in link.split(['#', '?']).next().unwrap().split('/') {
                match part {
                    ".." => assert!(at.pop().is_some(), "{rel}: {link} leaves the site"),
                    "." | "" => {}
                    p => at.push(p),
                }
            }
            assert_eq!(
                at.first() == Some(&"elder"),
                rel.starts_with("elder/"),
                "{rel}: {link} leaves its version"
            );
            assert_eq!(
                at.first() == Some(&"hant"),
                rel.starts_with("hant/"),
                "{rel}: {link} leaves its edition"
            );
            checked += 1;
        }
    }
    assert!(checked > 10_000, "only {checked} relative links");
}

/// Task numbers of the tasks a unit page links to, in one plan.
fn linked_tasks(html: &str, plan_slug: &str) -> BTreeSet<String> {
    let needle = format!("plans/{plan_slug}/#task-");
    links(html)
        .iter()
        .filter_map(|l| l.split_once(&needle).map(|(_, n)| n.to_string()))
        .collect()
}

#[test]
fn daoli_sifaju_page_lists_exactly_its_tasks() {
    let out = built_example();
    let html = read(&out.join("units/haerbinshidaoliqu/qusifaju/index.html"));
    let tasks = linked_tasks(&html, "daoli-2017-shijian-fangan");
    // The document names 区司法局 as lead of these tasks; task 11 mentions it
    // in its text only (its lead is 区委政法委) and must not be listed.
    let expected: BTreeSet<String> = ["2", "4", "5", "6", "15", "16", "17"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(tasks, expected);
    // 下陆区's 区司法局 is another unit with another page.
    let xialu = read(&out.join("units/huangshishixialuqu/qusifaju/index.html"));
    assert!(linked_tasks(&xialu, "daoli-2017-shijian-fangan").is_empty());
    assert!(!linked_tasks(&xialu, "xialu-2023-fazhi-xialu-guihua-fengong").is_empty());
}

#[test]
fn data_and_unit_pages_agree_with_the_content() {
    let out = built_example();
    let tasks: Vec<Value> = serde_json::from_str(&read(&out.join("data/tasks.json"))).unwrap();
    assert_eq!(tasks.len(), 233);
    for t in &tasks {
        assert!(t["url"].as_str().unwrap().contains("#task-"));
        assert!(!t["text"].as_str().unwrap().is_empty());
    }
    // Count, per (jurisdiction, unit), the tasks that name it.
    let mut named: HashMap<(String, String), usize> = HashMap::new();
    for t in &tasks {
        let roles = ["lead_units", "responsible_units", "participating_units"];
        // A unit named in two roles (lead and participating) counts once.
        let units: BTreeSet<&str> = roles
            .iter()
            .flat_map(|r| t[r].as_array().unwrap())
            .map(|u| u.as_str().unwrap())
            .collect();
        for u in units {
            *named
                .entry((
                    t["jurisdiction"].as_str().unwrap().to_string(),
                    u.to_string(),
                ))
                .or_default() += 1;
        }
    }
    let check: Value = serde_json::from_slice(
        &planpress(&["check", "--json", "--root", repo().to_str().unwrap()]).stdout,
    )
    .unwrap();
    let jurisdiction_slugs: HashMap<String, String> = [
        ("哈尔滨市道里区", "haerbinshidaoliqu"),
        ("株洲市株洲县", "zhuzhoushizhuzhouxian"),
        ("黄石市下陆区", "huangshishixialuqu"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    let units = check["units"].as_array().unwrap();
    assert_eq!(units.len(), named.len());
    let mut roles: HashMap<String, usize> = HashMap::new();
    let mut unit_rows = 0;
    for u in units {
        let key = (
            u["jurisdiction"].as_str().unwrap().to_string(),
            u["name"].as_str().unwrap().to_string(),
        );
        let dir = out
            .join("units")
            .join(&jurisdiction_slugs[&key.0])
            .join(u["slug"].as_str().unwrap());
        let html = read(&dir.join("index.html"));
        let on_page: BTreeSet<String> = links(&html)
            .into_iter()
            .filter(|l| l.contains("#task-") && l.contains("/plans/"))
            .collect();
        assert_eq!(on_page.len(), named[&key], "{key:?}");
        // The unit's CSV has a header and one row per task.
        let csv = std::fs::read(dir.join("tasks.csv")).unwrap();
        assert!(
            csv.starts_with(&[0xEF, 0xBB, 0xBF]),
            "CSV starts with a BOM"
        );
        let mut rows = csv::Reader::from_reader(&csv[3..]);
        assert_eq!(rows.headers().unwrap().get(12), Some("本单位角色"));
        for row in rows.records() {
            *roles.entry(row.unwrap()[12].to_string()).or_default() += 1;
            unit_rows += 1;
        }
    }
    // Each unit's role is the document's (the example names no 参与单位:
    // see `a_units_three_roles_are_kept_apart`).
    assert_eq!(
        roles.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        BTreeSet::from(["牵头", "责任"]),
        "{roles:?}"
    );
    assert_eq!(unit_rows, named.values().sum::<usize>());
    // The site's CSV: the theme's Chinese column names, a row per task of
    // tasks.json, its `plan` the same title.
    let all_csv = std::fs::read(out.join("data/tasks.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(&all_csv[3..]);
    let headers: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        headers,
        [
            "序号",
            "任务",
            "牵头单位",
            "责任单位",
            "参与单位",
            "牵头领导",
            "完成时限",
            "进度安排",
            "主题",
            "规划",
            "行政区划",
            "网址"
        ]
    );
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), tasks.len());
    for (row, t) in rows.iter().zip(&tasks) {
        assert_eq!(&row[9], t["plan"].as_str().unwrap());
        assert_eq!(&row[11], t["url"].as_str().unwrap());
        for (cell, role) in [
            (2, "lead_units"),
            (3, "responsible_units"),
            (4, "participating_units"),
        ] {
            let names: Vec<&str> = t[role]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n.as_str().unwrap())
                .collect();
            assert_eq!(row[cell], names.join("、"), "{role} of {}", &row[11]);
        }
    }
}

/// 牵头单位, 责任单位 and 参与单位 of a task stay apart in tasks.json, in
/// tasks.csv and in each unit's CSV (its role).
#[test]
fn a_units_three_roles_are_kept_apart() {
    let site = copy_example();
    let md = site
        .path()
        .join("content/zhuzhou-2015-fazhi-shishi-yijian.md");
    let units = "(责任单位:县政府法制办、县编办、县人民法院、县司法局、县人社局、县规划局、县国土资源局、拆违大队等行政强制执行相关单位)";
    let text = read(&md);
    assert!(text.contains(units));
    let text = text.replace(
        units,
        "(牵头单位:县政府法制办;责任单位:县编办;参与单位:县司法局)",
    );
    std::fs::write(&md, text).unwrap();
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    let tasks: Vec<Value> = serde_json::from_str(&read(&out.join("data/tasks.json"))).unwrap();
    let url = "/plans/zhuzhou-2015-fazhi-shishi-yijian/#task-15";
    let t = tasks
        .iter()
        .find(|t| t["url"].as_str().is_some_and(|u| u.ends_with(url)))
        .unwrap();
    assert_eq!(t["lead_units"], serde_json::json!(["县政府法制办"]));
    assert_eq!(t["responsible_units"], serde_json::json!(["县编办"]));
    assert_eq!(t["participating_units"], serde_json::json!(["县司法局"]));
    let all = read(&out.join("data/tasks.csv"));
    let row = all.lines().find(|l| l.ends_with(url)).unwrap();
    assert!(row.contains(",县政府法制办,县编办,县司法局,"), "{row}");
    let dir = out.join("units/zhuzhoushizhuzhouxian");
    for (unit, role) in [
        ("xianzhengfufazhiban", "牵头"),
        ("xianbianban", "责任"),
        ("xiansifaju", "参与"),
    ] {
        let csv = read(&dir.join(unit).join("tasks.csv"));
        let row = csv.lines().find(|l| l.contains(url)).unwrap();
        assert!(row.ends_with(&format!("{url},{role}")), "{unit}: {row}");
    }
}

/// Every calendar reads with a parser other than the writer's (the `ical`
/// crate), holds events of whole days that end after they start, and is
/// linked from its unit's page; a unit without dated tasks has neither.
#[test]
fn every_calendar_parses_and_has_events() {
    let out = built_example();
    let (mut calendars, mut without) = (0, 0);
    for entry in walkdir::WalkDir::new(out.join("units"))
        .min_depth(2)
        .max_depth(2)
    {
        let dir = entry.unwrap().into_path();
        let ics = dir.join("deadlines.ics");
        let page = read(&dir.join("index.html"));
        let linked = page.contains("deadlines.ics\"");
        assert_eq!(linked, ics.exists(), "{}", dir.display());
        if !ics.exists() {
            without += 1;
            continue;
        }
        calendars += 1;
        let bytes = std::fs::read(&ics).unwrap();
        let mut parsed = ical::IcalParser::new(&bytes[..]);
        let calendar = parsed.next().unwrap().unwrap();
        assert!(parsed.next().is_none());
        assert!(
            !calendar.events.is_empty(),
            "{} has no event",
            ics.display()
        );
        for event in &calendar.events {
            let prop = |name: &str| {
                let p = event.properties.iter().find(|p| p.name == name);
                p.unwrap_or_else(|| panic!("{name} in {}", ics.display()))
            };
            let date = |name: &str| {
                let p = prop(name);
                let params = p.params.as_ref().unwrap();
                assert!(params.contains(&("VALUE".into(), vec!["DATE".into()])));
                let value = p.value.clone().unwrap();
                chrono::NaiveDate::parse_from_str(&value, "%Y%m%d").unwrap()
            };
            assert!(date("DTEND") > date("DTSTART"), "{}", ics.display());
            let stamp = prop("DTSTAMP").value.clone().unwrap();
            assert!(stamp.ends_with("T000000Z"), "{stamp}");
            assert!(
                prop("UID")
                    .value
                    .as_ref()
                    .unwrap()
                    .ends_with("@fazhi.example.org"),
                "UIDs end with the host of site.yaml's base_url"
            );
            // The example's base_url is absolute, so events link their task.
            let link = prop("URL").value.clone().unwrap();
            assert!(
                link.starts_with("https://fazhi.example.org/plans/") && link.contains("#task-"),
                "{link}"
            );
            // A title that fits a day's box: the task's number and its first
            // clause; the whole text is on the page the URL opens.
            let title = prop("SUMMARY").value.clone().unwrap();
            let (number, clause) = title.split_once(' ').unwrap();
            assert!(!number.is_empty(), "{title}");
            let n = clause.chars().count();
            assert!((2..=33).contains(&n), "{title}");
        }
    }
    assert!(calendars > 10 && without > 10, "{calendars} / {without}");
}

#[test]
fn plan_page_has_portal_furniture() {
    let out = built_example();
    let html = read(&out.join("plans/daoli-2017-shijian-fangan/index.html"));
    for needle in [
        "哈里治区委发〔2017〕2号",
        "<svg",
        "task-18",
        "lang=\"zh-CN\"",
        "/elder/plans/daoli-2017-shijian-fangan/",
    ] {
        assert!(html.contains(needle), "plan page lacks {needle}");
    }
    assert!(
        !html.contains("live-reload"),
        "published pages carry no reload script"
    );
    // Empty metadata is omitted: the 道里 plan has no 索引号.
    assert!(!html.contains("索引号"));
    let zz = read(&out.join("plans/zhuzhou-2015-fazhi-shishi-yijian/index.html"));
    assert!(zz.contains("104/2016-00001"));
    let ics = read(&out.join("units/huangshishixialuqu/qusifaju/deadlines.ics"));
    assert!(ics.starts_with("BEGIN:VCALENDAR"));
}

#[test]
fn the_toolbar_says_words_from_a_file_of_its_language_not_from_each_page() {
    let out = built_example();
    for (page, lang) in [
        ("plans/daoli-2017-shijian-fangan/index.html", "zh-CN"),
        ("hant/plans/daoli-2017-shijian-fangan/index.html", "zh-Hant"),
    ] {
        let html = read(&out.join(page));
        assert!(html.contains("id=\"a11y-toolbar\"") && html.contains("static/a11y.js?v="));
        assert!(
            !html.contains("data-msg-"),
            "{page}: the messages are not in the page"
        );
        let script = read(&out.join(format!("static/a11y.{lang}.js")));
        assert!(
            script.contains("window.planpressToolbarWords = {"),
            "{script}"
        );
        assert!(
            script.contains("\"said_size\":\"文字大小 {n}%\""),
            "{script}"
        );
    }
}

fn build_result(root: &Path, out: &Path) -> std::process::Output {
    planpress(&[
        "build",
        "--quiet",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

#[test]
fn failed_builds_leave_the_previous_site_untouched() {
    let site = copy_example();
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    let before = snapshot(&out);

    // A template error: a site-local override of plan.html only.
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/plan.html"),
        "<main>\n<p>{{ plan.nope.deeper }}</p>\n</main>\n",
    )
    .unwrap();
    let o = build_result(site.path(), &out);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(err.contains("templates/plan.html:2:"), "{err}");
    assert_eq!(
        snapshot(&out),
        before,
        "a template error changed the output"
    );
    std::fs::remove_dir_all(site.path().join("templates")).unwrap();

    // A content error.
    std::fs::write(
        site.path().join("content/broken.yaml"),
        "plan:\n  title: [\n",
    )
    .unwrap();
    let o = build_result(site.path(), &out);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("content/broken.yaml:"),
        "{}",
        stderr(&o)
    );
    assert_eq!(snapshot(&out), before, "a content error changed the output");
    assert!(
        !site.path().join(".public.staging").exists(),
        "no staging left behind"
    );
}

#[test]
fn site_templates_override_single_theme_templates() {
    let site = copy_example();
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/plan.html"),
        "<p>自定义 {{ plan.summary.title }}</p>",
    )
    .unwrap();
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    for page in ["plans", "elder/plans"] {
        let html = read(&out.join(format!("{page}/daoli-2017-shijian-fangan/index.html")));
        assert!(
            html.contains("<div class=\"container\">")
                && html.contains("<p>自定义 道里区法治建设系列实践活动方案</p>"),
            "the site's plan.html gives the content, the theme's base.html the page around it: {html}"
        );
        assert!(
            !html.contains("doc-kicker"),
            "the theme's plan.html is not used"
        );
    }
    assert!(
        read(&out.join("units/index.html")).contains("class=\"block-link\""),
        "other templates still come from the theme"
    );
}

/// Writes the site-local template `name`, builds, and checks that the build
/// fails, writes nothing, and says each of `expected`.
fn expect_template_error(site: &Path, name: &str, text: &str, expected: &[&str]) {
    let out = site.join("public");
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(site.join("templates").join(name), text).unwrap();
    let o = build_result(site, &out);
    assert!(!o.status.success());
    let err = stderr(&o);
    for e in expected {
        assert!(err.contains(e), "no `{e}` in: {err}");
    }
    assert!(!out.exists());
    std::fs::remove_file(site.join("templates").join(name)).unwrap();
}

#[test]
fn page_templates_that_extend_the_layout_or_read_elder_are_explained() {
    let site = copy_example();
    // The layout prints a page's content itself: a page template that
    // extends it (the common Tera habit) is told what to write instead.
    expect_template_error(
        site.path(),
        "topic.html",
        "{#- a topic -#}\n{% extends \"base.html\" %}\n{% block content %}<h1>x</h1>{% endblock content %}\n",
        &["templates/topic.html:2:", "{{ content | safe }}"],
    );
    // Content is rendered once for both versions: `elder` is the layout's.
    expect_template_error(
        site.path(),
        "topic.html",
        "<h1>{{ topic.name }}</h1>\n{% if elder %}长者{% endif %}\n",
        &["templates/topic.html:2:", "html.elder"],
    );
    // A layout that forgets the content.
    expect_template_error(
        site.path(),
        "base.html",
        "<!DOCTYPE html><html lang=\"zh-CN\"><body><main></main></body></html>\n",
        &["templates/base.html", "{{ content | safe }}"],
    );
}

#[test]
fn a_word_missing_from_the_theme_stops_the_build_naming_file_and_key() {
    let site = copy_example();
    // A template reads a word the words file lacks.
    expect_template_error(
        site.path(),
        "topic.html",
        "<h1>{{ topic.name }}</h1>\n<p>{{ w.topic.no_such_word }}</p>\n",
        &[
            "themes/portal/words/zh-CN.yaml",
            "`topic.no_such_word`",
            "templates/topic.html reads it on line 2",
        ],
    );
    // The words file lacks a word planpress writes (a page title).
    let words = site.path().join("themes/portal/words/zh-CN.yaml");
    let text = read(&words);
    std::fs::write(&words, text.replacen("  plans: 规划方案\n", "", 1)).unwrap();
    let out = site.path().join("public");
    let o = build_result(site.path(), &out);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("themes/portal/words/zh-CN.yaml") && err.contains("`titles.plans`"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = common::tempdir();
    let a = dir.path().join("a");
    let one = std::process::Command::new(env!("CARGO_BIN_EXE_planpress"))
        .args([
            "build",
            "--quiet",
            "--root",
            repo().to_str().unwrap(),
            "--out",
            a.to_str().unwrap(),
        ])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    assert!(one.status.success(), "{}", stderr(&one));
    // The other side: the shared build, with as many threads as there are
    // cores.
    let (sa, sb) = (snapshot(&a), snapshot(built_example()));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (k, v) in &sa {
        assert!(v == &sb[k], "{} differs between thread counts", k.display());
    }
}

/// The `?v=` every page links the theme's static files with (docs/deploy.md).
fn static_versions(out: &Path) -> BTreeSet<String> {
    html_files(out)
        .iter()
        .flat_map(|f| links(&read(f)))
        .filter(|l| l.starts_with("/static/"))
        .map(|l| match l.split_once("?v=") {
            Some((_, v)) => v.to_string(),
            None => format!("none: {l}"),
        })
        .collect()
}

/// A web server keeps static files linked with `?v=` for a year
/// (deploy/planpress-http.conf), so the fingerprint must change with any
/// static file, and only then.
#[test]
fn static_files_are_linked_with_a_fingerprint_that_follows_their_bytes() {
    // The first build is the shared build of the example; the copy's build
    // has the same files.
    let first = static_versions(built_example());
    assert_eq!(first.len(), 1, "one fingerprint on every page: {first:?}");
    let v = first.iter().next().unwrap().clone();
    assert!(
        v.len() == 12 && v.bytes().all(|b| b.is_ascii_hexdigit()),
        "{v}"
    );
    assert!(built_example().join("static/portal.css").is_file());

    let site = copy_example();
    let out = site.path().join("public");
    build(site.path(), &out, &[]);
    assert_eq!(static_versions(&out), first, "same files, same fingerprint");

    // A site's own document under static/ is not linked with ?v=: not hashed.
    std::fs::create_dir_all(site.path().join("static/docs")).unwrap();
    std::fs::write(site.path().join("static/docs/report.txt"), "报告\n").unwrap();
    build(site.path(), &out, &[]);
    assert!(out.join("static/docs/report.txt").is_file());
    assert_eq!(
        static_versions(&out),
        first,
        "a site document leaves ?v= as it was"
    );

    // The site's own copy of a theme file replaces it: that counts.
    std::fs::write(
        site.path().join("static/favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    build(site.path(), &out, &[]);
    let replaced = static_versions(&out);
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert_ne!(
        replaced, first,
        "a site file replacing the theme's changes ?v="
    );

    let css = site.path().join("themes/portal/static/plain.css");
    let mut text = read(&css);
    text.push_str("\nbody { letter-spacing: .01em; }\n");
    std::fs::write(&css, text).unwrap();
    build(site.path(), &out, &[]);
    let after = static_versions(&out);
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(
        after != first && after != replaced,
        "a changed theme file changes every ?v="
    );
}
