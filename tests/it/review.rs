//! `planpress import --review`: the review page shows every task of a
//! corpus document with the lead units that went into the content files,
//! escapes whatever the document holds, is never read as content, and is
//! never replaced without `--force`.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{planpress, repo, stderr};
use regex::Regex;
use serde_json::Value;

const DAOLI: &str = "daoli-2017-fazhi-shijian-fangan";
const XIALU: &str = "xialu-2023-fengong-fangan";

fn corpus(base: &str) -> PathBuf {
    repo().join("tests/corpus").join(format!("{base}.txt"))
}

/// A site with the example's configuration and theme, and no content.
fn bare_site() -> tempfile::TempDir {
    let dir = common::tempdir();
    std::fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    common::copy_dir(&repo().join("themes"), &dir.path().join("themes"));
    dir
}

fn import(site: &Path, files: &[&Path], extra: &[&str]) -> Output {
    let out = site.join("content");
    let mut args: Vec<&str> = vec!["import", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    planpress(&args)
}

fn page_of(site: &Path, base: &str) -> PathBuf {
    site.join("content").join(format!("{base}.review.html"))
}

/// Task number -> lead units, as `check` reads the written files.
fn checked_leads(site: &Path) -> BTreeMap<String, Vec<String>> {
    let o = planpress(&["check", "--json", "--root", site.to_str().unwrap()]);
    assert!(o.status.success(), "check failed:\n{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut out = BTreeMap::new();
    for plan in v["plans"].as_array().unwrap() {
        for t in plan["tasks"].as_array().unwrap() {
            let lead = t["lead_units"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_string())
                .collect();
            out.insert(t["number"].as_str().unwrap().to_string(), lead);
        }
    }
    out
}

/// Task number -> lead units, as the review page shows them.
fn shown_leads(html: &str) -> BTreeMap<String, Vec<String>> {
    let task =
        Regex::new(r#"(?s)<span class="tag">任务 ([^<]+)</span>.*?<dt>牵头</dt><dd>(.*?)</dd>"#)
            .unwrap();
    let unit = Regex::new(r#"<span class="unit">([^<]*)</span>"#).unwrap();
    task.captures_iter(html)
        .map(|c| {
            let lead = unit
                .captures_iter(&c[2])
                .map(|u| u[1].to_string())
                .collect();
            (c[1].to_string(), lead)
        })
        .collect()
}

#[test]
fn the_page_lists_every_task_with_its_lead_units() {
    let site = bare_site();
    let o = import(site.path(), &[&corpus(DAOLI)], &["--review"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = page_of(site.path(), DAOLI);
    assert!(
        stderr(&o).contains(&format!("review page: {}", page.display())),
        "{}",
        stderr(&o)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    let mut checked = checked_leads(site.path());
    for lead in checked.values_mut() {
        lead.sort();
    }
    let mut shown = shown_leads(&html);
    for lead in shown.values_mut() {
        lead.sort();
    }
    assert_eq!(checked.len(), 18);
    assert_eq!(shown, checked);
    // The source line stands beside what it became.
    assert!(html.contains(r#"<tr id="L75" class=" is-task">"#), "{html}");
    assert!(html.contains("<td class=\"src\"><p>11.推进司法公开工作。"));
    // Metadata, headings and the page's furniture are named as such.
    assert!(html.contains("哈里治区委发〔2017〕2号</p></td>\n<td class=\"got\"><p><span class=\"tag\">元数据</span>发文字号"));
    assert!(html.contains("<span class=\"tag\">章节标题</span>(一)建立健全依法治理运行管理机制"));
}

#[test]
fn furniture_table_cells_and_doubts_are_shown() {
    let site = bare_site();
    let o = import(site.path(), &[&corpus(XIALU)], &["--review"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(page_of(site.path(), XIALU)).unwrap();
    let row = |line: usize| -> String {
        let start = html.find(&format!("<tr id=\"L{line}\"")).unwrap();
        let end = html[start..].find("</tr>").unwrap();
        html[start..start + end].to_string()
    };
    assert!(row(1).contains("is-dropped") && row(1).contains("portal chrome"));
    assert!(row(31).contains("属于任务 1"), "{}", row(31));
    // The report's doubt is at its line and in the list at the top.
    assert!(row(317).contains("is-unsure") && row(317).contains("measure 52"));
    assert!(html.contains("<a href=\"#L317\">第 317 行</a>"));
    assert_eq!(shown_leads(&html).len(), checked_leads(site.path()).len());
}

#[test]
fn hostile_text_is_escaped_and_the_page_holds_no_script() {
    let site = bare_site();
    let input = site.path().join("hostile.txt");
    std::fs::write(
        &input,
        "关于<script>alert(1)</script>的实施方案\n\n\
         一、主要任务\n\n\
         1.防范\"注入\"&攻击<img src=x onerror=alert(2)>。牵头单位:区司法局<b>;责任单位:区公安分局\n\n\
         2.第二项任务</td></tr></table><script>alert(3)</script>。牵头单位:区政府办\n",
    )
    .unwrap();
    let o = import(
        site.path(),
        &[&input],
        &["--review", "--jurisdiction", "某某市某某区"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(page_of(site.path(), "hostile")).unwrap();
    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    assert!(!lower.contains("<img"), "{html}");
    assert!(!lower.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{html}");
    assert!(
        html.contains("&lt;/table&gt;&lt;script&gt;alert(3)"),
        "{html}"
    );
    // Self-contained: nothing loaded from elsewhere.
    for outside in ["<link", "<iframe", "<object", "url(", "@import", "http"] {
        assert!(!lower.contains(outside), "{outside}: {html}");
    }
    assert_eq!(shown_leads(&html).len(), 2);
}

#[test]
fn the_page_is_not_content_and_is_kept_without_force() {
    let site = bare_site();
    let input = corpus(DAOLI);
    assert!(import(site.path(), &[&input], &[]).status.success());
    assert!(
        !page_of(site.path(), DAOLI).exists(),
        "written without --review"
    );
    let plain = checked_leads(site.path());

    // The page alone blocks a new import, like any other output.
    let page = page_of(site.path(), DAOLI);
    std::fs::write(&page, "notes by hand").unwrap();
    let o = import(site.path(), &[&input], &["--review", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(std::fs::read_to_string(&page).unwrap(), "notes by hand");
    std::fs::write(&page, "notes by hand").unwrap();
    for f in std::fs::read_dir(site.path().join("content")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "md") {
            std::fs::remove_file(f).unwrap();
        }
    }
    let o = import(site.path(), &[&input], &["--review"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("exists already"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), "notes by hand");
    assert!(
        import(site.path(), &[&input], &["--review", "--force"])
            .status
            .success()
    );

    // `check` and `build` do not see it.
    assert_eq!(checked_leads(site.path()), plain);
    let out = site.path().join("public");
    common::build(site.path(), &out, &[]);
    let built: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("review"))
        .collect();
    assert!(built.is_empty(), "{built:?}");
}

#[test]
fn review_paths() {
    let site = bare_site();
    let daoli = corpus(DAOLI);
    let xialu = corpus(XIALU);
    // A folder: one page per input.
    let dir = site.path().join("pages");
    let arg = format!("--review={}/", dir.display());
    let o = import(site.path(), &[&daoli, &xialu], &[&arg]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.join(format!("{DAOLI}.review.html")).is_file());
    assert!(dir.join(format!("{XIALU}.review.html")).is_file());
    // A file: .html only, and for one input.
    let md = format!("--review={}", site.path().join("content/x.md").display());
    let o = import(site.path(), &[&daoli], &[&md, "--force"]);
    assert!(
        !o.status.success() && stderr(&o).contains(".html"),
        "{}",
        stderr(&o)
    );
    let file = format!("--review={}", site.path().join("check.html").display());
    let o = import(site.path(), &[&daoli, &xialu], &[&file, "--force"]);
    assert!(
        !o.status.success() && stderr(&o).contains("one input"),
        "{}",
        stderr(&o)
    );
    let o = import(site.path(), &[&daoli], &[&file, "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.path().join("check.html").is_file());
    // Never the input itself, even with --force.
    let saved = site.path().join("saved.html");
    let page = "<html><body><p>某某区普法工作方案</p><p>1.开展普法宣传。牵头单位:区司法局</p></body></html>";
    std::fs::write(&saved, page).unwrap();
    let same = format!("--review={}", saved.display());
    let o = import(
        site.path(),
        &[&saved],
        &[&same, "--force", "--jurisdiction", "某某区"],
    );
    assert!(
        !o.status.success() && stderr(&o).contains("is the input"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), page);
}
