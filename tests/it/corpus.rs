//! The reading corpus's scorer (tests/corpus/README.md): every document
//! with a truth file is imported into a fresh site (a site.yaml and nothing
//! else: no registry, no `--jurisdiction`) and also read as Markdown content
//! (its lines as paragraphs under a minimal front matter); for both, each
//! truth task is found among the loaded tasks by its first words and scored
//! right when its lead units and its other units are exactly the truth's.
//!
//! Run `cargo test --test corpus -- --nocapture` to see the per-file table.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{bare_site, planpress, repo, stderr};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// Issue 16's goal for the importer: 97 % of tasks with exactly the right
/// lead and other units (reached 2026-12-06: 447/456).
const IMPORTER_GOAL: f64 = 0.97;
/// The importer's share of right tasks over the whole corpus, at least: the
/// figure measured when the corpus landed (2026-12-06), so that no change
/// reads fewer plans right. Raise it with every gain, up to the goal.
const IMPORTER_FLOOR: f64 = 0.98;
/// The Markdown reader's share (each line of the document as a paragraph
/// under a front matter), at least, measured the same day.
const MARKDOWN_FLOOR: f64 = 0.91;
/// Documents that must be read perfectly by the importer.
const ORIGINAL: &[&str] = &[
    "daoli-2017-fazhi-shijian-fangan",
    "xialu-2023-fengong-fangan",
    "zhuzhou-2015-fazhi-shishi-yijian",
];

#[derive(Deserialize)]
struct Truth {
    jurisdiction: Option<String>,
    title: Option<String>,
    #[serde(default)]
    tasks: Vec<TruthTask>,
}

#[derive(Deserialize)]
struct TruthTask {
    #[serde(default)]
    text: String,
    #[serde(default)]
    lead: Vec<String>,
    #[serde(default)]
    others: Vec<String>,
}

/// A task as planpress loaded it.
struct Got {
    key: String,
    lead: BTreeSet<String>,
    others: BTreeSet<String>,
}

/// Full-width forms folded (NFKC), traditional characters folded to simplified
/// (a unit written 區司法局 is the unit 区司法局), spaces and Markdown escapes gone.
/// Every name is converted whole: the grammar's `fold` leaves a name alone when it holds
/// none of the grammar's own letters (`國土資源部`), while the paragraph it
/// was read from was folded.
fn norm(s: &str) -> String {
    zhconv::zhconv(s, zhconv::Variant::ZhHans)
        .nfkc()
        .filter(|c| !c.is_whitespace() && *c != '\\')
        .collect()
}

/// The words of a text for alignment: letters and digits only, converted
/// whole to simplified characters as [`norm`] converts names (a text may come
/// back folded when its annotations were cut from the folded form).
fn key(s: &str) -> String {
    zhconv::zhconv(s, zhconv::Variant::ZhHans)
        .nfkc()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

fn names(list: &[String]) -> BTreeSet<String> {
    list.iter()
        .map(|n| norm(n))
        .filter(|n| !n.is_empty())
        .collect()
}

/// Loads the site at `root` as `check` does; `Err` when it does not load
/// or has errors. `check --json` is run too, so its exit status is checked.
fn loaded_tasks(root: &Path) -> Result<Vec<Got>, String> {
    let o = planpress(&["check", "--json", "--root", root.to_str().unwrap_or(".")]);
    let result = planpress::content::load_site(root);
    let errors: Vec<String> = result
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}:{}: {}", d.file.display(), d.line, d.message))
        .collect();
    if !o.status.success() || !errors.is_empty() {
        return Err(format!("check failed: {}", errors.join("; ")));
    }
    let Some(site) = result.site else {
        return Err("no site".into());
    };
    let unit = |u: usize| norm(&site.units[u].name);
    let mut out = Vec::new();
    for plan in &site.plans {
        for t in &plan.tasks {
            let lead: BTreeSet<String> = t.lead().iter().map(unit).collect();
            let others = t
                .named_units()
                .map(unit)
                .filter(|n| !lead.contains(n))
                .collect();
            out.push(Got {
                key: key(&t.text),
                lead,
                others,
            });
        }
    }
    Ok(out)
}

/// Truth tasks right, and lines saying what went wrong (a few).
fn score(truth: &Truth, got: &[Got]) -> (usize, Vec<String>) {
    let mut used = vec![false; got.len()];
    let mut next = 0usize;
    let mut right = 0;
    let mut wrong = Vec::new();
    for t in &truth.tasks {
        let want: String = key(&t.text).chars().take(16).collect();
        // The truth's first words, at the start of the loaded text (a
        // leftover number such as `一是` may stand before them).
        let fits = |g: &Got| !want.is_empty() && g.key.find(&want).is_some_and(|p| p <= 12);
        let found = (next..got.len())
            .chain(0..next)
            .find(|&i| !used[i] && fits(&got[i]));
        let Some(i) = found else {
            wrong.push(format!("  not found: {}", t.text));
            continue;
        };
        used[i] = true;
        next = i + 1;
        let (lead, others) = (names(&t.lead), names(&t.others));
        if got[i].lead == lead && got[i].others == others {
            right += 1;
        } else {
            wrong.push(format!(
                "  {}: lead {:?} others {:?}, want {:?} {:?}",
                t.text, got[i].lead, got[i].others, lead, others
            ));
        }
    }
    (right, wrong)
}

fn via_importer(doc: &Path) -> Result<Vec<Got>, String> {
    let site = bare_site();
    let out = site.path().join("content");
    let o = planpress(&[
        "import",
        doc.to_str().unwrap_or(""),
        "--out",
        out.to_str().unwrap_or(""),
    ]);
    if !o.status.success() {
        return Err(format!("import failed: {}", stderr(&o).trim()));
    }
    loaded_tasks(site.path())
}

/// The document's text: as it is, or a page's text without its markup.
fn plain_text(doc: &Path) -> Option<String> {
    let bytes = std::fs::read(doc).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    match doc.extension().and_then(|e| e.to_str()) {
        Some("txt" | "md") => Some(text),
        Some("html" | "htm" | "shtml") => {
            let html = scraper::Html::parse_document(&text);
            let mut out = String::new();
            for node in html.root_element().descendants() {
                if let Some(t) = node.value().as_text() {
                    out.push_str(t);
                } else if let Some(e) = node.value().as_element()
                    && matches!(
                        e.name(),
                        "p" | "div" | "br" | "tr" | "td" | "li" | "h1" | "h2" | "h3"
                    )
                {
                    out.push('\n');
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The document written by a web team as Markdown: its lines as
/// paragraphs, under the truth's title and jurisdiction.
fn via_markdown(doc: &Path, truth: &Truth, id: &str) -> Option<Result<Vec<Got>, String>> {
    let text = plain_text(doc)?;
    let site = bare_site();
    let mut fm = serde_yaml::Mapping::new();
    let title = truth.title.clone().unwrap_or_else(|| id.to_string());
    let jurisdiction = truth.jurisdiction.clone().unwrap_or_else(|| "某地".into());
    fm.insert("title".into(), title.into());
    fm.insert("kind".into(), "方案".into());
    fm.insert("jurisdiction".into(), jurisdiction.into());
    let fm = serde_yaml::to_string(&fm).unwrap_or_default();
    let body: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let md = format!("---\n{fm}---\n\n{}\n", body.join("\n\n"));
    std::fs::write(site.path().join("content").join(format!("{id}.md")), md).unwrap();
    Some(loaded_tasks(site.path()))
}

fn documents() -> Vec<(String, PathBuf, PathBuf)> {
    let dir = repo().join("tests/corpus");
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    files.sort();
    for truth in &files {
        let name = truth.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(id) = name.strip_suffix(".truth.yaml") else {
            continue;
        };
        let doc = files.iter().find(|f| {
            let n = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.strip_prefix(id)
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|ext| !ext.contains('.') && ext != "yaml")
        });
        match doc {
            Some(doc) => out.push((id.to_string(), doc.clone(), truth.clone())),
            None => println!("{id}: truth file without a document, skipped"),
        }
    }
    out
}

#[derive(Default)]
struct Tally {
    right: usize,
    total: usize,
}

impl Tally {
    fn share(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.right as f64 / self.total as f64
        }
    }
}

fn show(r: &Result<(usize, Vec<String>), String>, total: usize) -> String {
    match r {
        Ok((right, _)) => format!(
            "{right:>4}/{total:<4} {:>5.1}%",
            100.0 * *right as f64 / total.max(1) as f64
        ),
        Err(_) => format!("{:>10} {:>6}", "FAILED", "-"),
    }
}

#[test]
fn corpus_scores() {
    let docs = documents();
    let mut imp = Tally::default();
    let mut md = Tally::default();
    let mut failures = Vec::new();
    let mut imperfect = Vec::new();
    println!("{:<48} {:>17} {:>17}", "document", "importer", "markdown");
    for (id, doc, truth_path) in &docs {
        let text = std::fs::read_to_string(truth_path).unwrap();
        let truth: Truth = match serde_yaml::from_str(&text) {
            Ok(t) => t,
            Err(e) => panic!("{}: {e}", truth_path.display()),
        };
        let n = truth.tasks.len();
        let by_importer = via_importer(doc).map(|got| score(&truth, &got));
        let by_markdown = via_markdown(doc, &truth, id).map(|r| r.map(|got| score(&truth, &got)));
        imp.total += n;
        match &by_importer {
            Ok((right, wrong)) => {
                imp.right += right;
                if ORIGINAL.contains(&id.as_str()) && *right < n {
                    imperfect.push(id.clone());
                }
                if !wrong.is_empty() {
                    println!("{id}: importer misses");
                    for w in wrong.iter().take(8) {
                        println!("{w}");
                    }
                }
            }
            Err(e) => failures.push(format!("{id}: {e}")),
        }
        let md_shown = match &by_markdown {
            Some(r) => {
                md.total += n;
                if let Ok((right, _)) = r {
                    md.right += right;
                }
                show(r, n)
            }
            None => format!("{:>17}", "n/a"),
        };
        println!("{id:<48} {} {md_shown}", show(&by_importer, n));
    }
    println!(
        "{:<48} {:>4}/{:<4} {:>5.1}% {:>4}/{:<4} {:>5.1}%",
        format!("TOTAL ({} documents)", docs.len()),
        imp.right,
        imp.total,
        100.0 * imp.share(),
        md.right,
        md.total,
        100.0 * md.share()
    );
    if imp.share() < IMPORTER_GOAL {
        println!(
            "importer below issue 16's goal of {:.0} %: {} more tasks to read right",
            100.0 * IMPORTER_GOAL,
            (IMPORTER_GOAL * imp.total as f64).ceil() as usize - imp.right
        );
    }
    assert!(failures.is_empty(), "documents that fail: {failures:#?}");
    assert!(
        imperfect.is_empty(),
        "the original corpus documents must be read perfectly: {imperfect:?}"
    );
    assert!(
        imp.share() >= IMPORTER_FLOOR,
        "importer: {}/{} tasks right, below {IMPORTER_FLOOR}",
        imp.right,
        imp.total
    );
    assert!(
        md.share() >= MARKDOWN_FLOOR,
        "Markdown reader: {}/{} tasks right, below {MARKDOWN_FLOOR}",
        md.right,
        md.total
    );
}

#[test]
fn alignment_and_names_ignore_width_and_spaces() {
    let truth = Truth {
        jurisdiction: None,
        title: None,
        tasks: vec![TruthTask {
            text: "深化行政审批制度改革".into(),
            lead: vec!["区政务服务局".into()],
            others: vec!["区发改局".into(), "区 司法局".into()],
        }],
    };
    let got = |lead: &[&str], others: &[&str]| Got {
        key: key("一是深化行政审批制度改革，推进“一网通办”。"),
        lead: lead.iter().map(|s| norm(s)).collect(),
        others: others.iter().map(|s| norm(s)).collect(),
    };
    let right = [got(&["区政务服务局"], &["区司法局", "区发改局"])];
    assert_eq!(score(&truth, &right).0, 1);
    let wrong = [got(&["区政务服务局", "区司法局"], &["区发改局"])];
    assert_eq!(score(&truth, &wrong).0, 0);
    assert_eq!(norm("（一）区司法局："), "(一)区司法局:");
}
