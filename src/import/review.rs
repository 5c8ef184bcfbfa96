//! The review page of an import (`planpress import --review`): one
//! self-contained HTML file showing each input line beside what it became
//! (title, metadata, heading, task with its units by role, notice or plan
//! text, dropped as page furniture) and the report's doubts, so that a
//! reviewer checks a long plan line by line in minutes.
//!
//! What a line became is read from the analysis itself (the tasks and
//! headings `check` will see), plus the few traces the importer records
//! where it keeps a line as metadata ([`Report::trace`]). The page's words
//! are in `defaults/review.html`, not here.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Options;
use super::clean::compact;
use super::report::{Field, Note, Outcome, Report, TaskTrace};
use super::structure::{Analysis, PlanBody, ProsePlan, date_line};
use super::tables::{TSection, TTask, TablePlan};
use crate::content::RawTask;
use crate::diagnostics::Diagnostic;
use crate::model::Block as MdBlock;

/// The page's template: its words and styles live there, not in Rust.
const TEMPLATE: &str = include_str!("../../defaults/review.html");

/// How many characters of a task's text the page repeats.
const TEXT_START: usize = 40;

/// The review page's file name ends so, so that the content loader (which
/// reads `.md` and `.yaml` only) never takes it for content.
pub const SUFFIX: &str = ".review.html";

/// Where the review page goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `<out>/<base>.review.html`, beside the content files.
    Beside,
    /// `<dir>/<base>.review.html`.
    Dir(PathBuf),
    /// This file (one input only).
    File(PathBuf),
}

impl Target {
    /// `--review` without a value is [`Target::Beside`]; a value that is a
    /// folder (or ends with `/`) is [`Target::Dir`]; else a file, which must
    /// end in `.html`.
    pub fn parse(value: Option<&Path>) -> Result<Target, Diagnostic> {
        let Some(path) = value.filter(|p| !p.as_os_str().is_empty()) else {
            return Ok(Target::Beside);
        };
        let text = path.to_string_lossy();
        if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
            return Ok(Target::Dir(path.to_path_buf()));
        }
        let html = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        if !html {
            return Err(Diagnostic::general(format!(
                "--review={text}: the review page's name must end in .html (so that it is never read as content)"
            )));
        }
        Ok(Target::File(path.to_path_buf()))
    }

    /// The page's path for an input whose files are named after `base`.
    pub fn path(&self, out: &Path, base: &str) -> PathBuf {
        match self {
            Target::Beside => out.join(format!("{base}{SUFFIX}")),
            Target::Dir(dir) => dir.join(format!("{base}{SUFFIX}")),
            Target::File(file) => file.clone(),
        }
    }
}

/// The review page to write for `input`, if one was asked for: its path
/// and its HTML. Refused when the path is the input itself or one of the
/// content files.
pub fn planned(
    input: &Path,
    opts: &Options,
    targets: &[PathBuf],
    report: &Report,
) -> Result<Option<(PathBuf, String)>, Diagnostic> {
    let Some(target) = &opts.review else {
        return Ok(None);
    };
    let base = super::write::base_slug(&input.display().to_string());
    let page = target.path(&opts.out, &base);
    let same = |other: &Path| {
        other == page
            || std::fs::canonicalize(other)
                .ok()
                .zip(std::fs::canonicalize(&page).ok())
                .is_some_and(|(a, b)| a == b)
    };
    if same(input) || targets.iter().any(|t| same(t)) {
        return Err(Diagnostic::general(format!(
            "--review: {} is the input or one of its content files; give the page another path",
            page.display()
        )));
    }
    Ok(Some((page, render(report)?)))
}

/// Writes the page (beside its target, then renamed, as content files are)
/// and returns its path as shown to the user.
pub fn write(page: &Path, html: &str) -> Result<String, Diagnostic> {
    let shown = page.display().to_string();
    if let Some(dir) = page.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| super::io_error(dir, &e))?;
    }
    let tmp = page.with_extension("import-tmp");
    std::fs::write(&tmp, html)
        .and_then(|_| std::fs::rename(&tmp, page))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            super::io_error(page, &e)
        })?;
    Ok(shown)
}

/// Records what each line of the analysed input became: titles, headings
/// and tasks from the analysis, then every other line left after the page
/// furniture by where it stands.
pub fn trace(a: &Analysis, report: &mut Report) {
    let mut found: Vec<(usize, Outcome)> = Vec::new();
    let mut texts: HashSet<String> = HashSet::new();
    if let Some(n) = &a.notice {
        let title = n.meta.title.clone().unwrap_or_default();
        found.push((n.line, Outcome::Title { title }));
    }
    for plan in &a.plans {
        let title = plan.meta.title.clone().unwrap_or_default();
        found.push((plan.line, Outcome::Title { title }));
        match &plan.body {
            PlanBody::Prose(p) => prose(p, &mut found, &mut texts),
            PlanBody::Table(t) => table(t, &mut found, &mut texts),
        }
    }
    report.traces.extend(found);
    let rest = untraced(a, report, &texts);
    report.traces.extend(rest);
}

fn prose(p: &ProsePlan, found: &mut Vec<(usize, Outcome)>, texts: &mut HashSet<String>) {
    let mut headings = HashSet::new();
    for (i, line) in p.markdown.lines().enumerate() {
        let Some(rest) = line.strip_prefix('#') else {
            // `(一)加强领导。实践活动…`: the text run into a heading.
            if !line.trim().is_empty() && headings.contains(&p.input_line(i + 1)) {
                found.push((p.input_line(i + 1), Outcome::Text));
            }
            continue;
        };
        headings.insert(p.input_line(i + 1));
        let rest = rest.trim_start_matches('#').trim().replace('\\', "");
        let (number, title) = match super::structure::heading(&rest) {
            Some((n, t, _)) => (n, t),
            None => (String::new(), rest),
        };
        found.push((p.input_line(i + 1), Outcome::Heading { number, title }));
    }
    for t in &p.parsed.tasks {
        found.push((p.input_line(t.line), Outcome::Task(raw_task(t))));
    }
    collect_texts(&p.parsed.blocks, texts);
}

fn collect_texts(blocks: &[MdBlock], texts: &mut HashSet<String>) {
    for b in blocks {
        match b {
            MdBlock::Text(t) => add_text(t, texts),
            MdBlock::Section(s) => collect_texts(&s.blocks, texts),
            MdBlock::Task(_) => {}
        }
    }
}

fn raw_task(t: &RawTask) -> TaskTrace {
    let mut deadlines: Vec<String> = t.deadlines.iter().map(|d| d.text.clone()).collect();
    if deadlines.is_empty() {
        deadlines.extend(t.schedule.clone());
    }
    task_trace(
        &t.number,
        &t.text,
        [&t.lead, &t.responsible, &t.participating],
        deadlines,
    )
}

/// A task's trace from its units by role: lead, responsible, participating.
fn task_trace(
    number: &str,
    text: &str,
    units: [&[String]; 3],
    deadlines: Vec<String>,
) -> TaskTrace {
    let [lead, responsible, participating] = units.map(<[String]>::to_vec);
    TaskTrace {
        number: number.to_string(),
        text: text_start(text),
        lead,
        responsible,
        participating,
        deadlines,
    }
}

fn table(t: &TablePlan, found: &mut Vec<(usize, Outcome)>, texts: &mut HashSet<String>) {
    for text in &t.preamble {
        add_text(text, texts);
    }
    for task in &t.tasks {
        found.push((task.line, Outcome::Task(table_task(task))));
    }
    for s in &t.sections {
        section(s, found, texts);
    }
}

fn section(s: &TSection, found: &mut Vec<(usize, Outcome)>, texts: &mut HashSet<String>) {
    found.push((
        s.line,
        Outcome::Heading {
            number: s.number.clone().unwrap_or_default(),
            title: s.title.clone(),
        },
    ));
    for text in &s.text {
        add_text(text, texts);
    }
    for task in &s.tasks {
        found.push((task.line, Outcome::Task(table_task(task))));
    }
    for c in &s.sections {
        section(c, found, texts);
    }
}

fn table_task(t: &TTask) -> TaskTrace {
    let deadlines = t.schedule.iter().cloned().collect();
    task_trace(
        &t.number,
        &t.text,
        [&t.lead, &t.responsible, &t.participating],
        deadlines,
    )
}

/// Plan text as looked up: whole, and line by line (a cell's lines).
fn add_text(text: &str, texts: &mut HashSet<String>) {
    texts.insert(key(text));
    texts.extend(text.lines().map(key));
}

/// A text as compared: no Markdown escapes, no spaces.
fn key(text: &str) -> String {
    compact(&text.replace('\\', ""))
}

fn text_start(text: &str) -> String {
    let text = text.replace('\\', "");
    let mut start: String = text.chars().take(TEXT_START).collect();
    if start.len() < text.len() {
        start.push('…');
    }
    start
}

/// Lines kept but not yet traced: in a notice, its addressees, signature,
/// date or text; in a plan, the rest of a broken title, plan text, or a
/// line read with the task above it (a label line, a cell).
fn untraced(a: &Analysis, report: &Report, texts: &HashSet<String>) -> Vec<(usize, Outcome)> {
    let mut traced: BTreeMap<usize, Vec<&Outcome>> = BTreeMap::new();
    for (line, o) in &report.traces {
        traced.entry(*line).or_default().push(o);
    }
    let dropped: HashSet<usize> = report.dropped.iter().map(|n| n.line).collect();
    let kept: HashSet<usize> = report.kept.iter().copied().collect();
    let notice_title = a.notice.as_ref().map(|n| n.line);
    let mut out = Vec::new();
    let mut in_notice = false;
    let mut title: Option<String> = None;
    let mut task: Option<String> = None;
    let mut seen = HashSet::new();
    for (line, text) in &report.lines {
        if !seen.insert(*line) {
            continue;
        }
        if let Some(outcomes) = traced.get(line) {
            for o in outcomes {
                match o {
                    Outcome::Title { title: t } => {
                        in_notice = Some(*line) == notice_title;
                        title = Some(compact(t));
                        task = None;
                    }
                    Outcome::Heading { .. } => {
                        title = None;
                        task = None;
                    }
                    Outcome::Task(t) => {
                        title = None;
                        task = Some(t.number.clone());
                    }
                    _ => {}
                }
            }
            continue;
        }
        if dropped.contains(line) || !kept.contains(line) {
            continue;
        }
        let k = key(text);
        let outcome = if !k.is_empty() && title.as_deref().is_some_and(|t| t.contains(&k)) {
            Outcome::Title {
                title: title.clone().unwrap_or_default(),
            }
        } else if in_notice {
            title = None;
            notice_line(a, text)
        } else {
            title = None;
            match &task {
                _ if texts.contains(&k) => Outcome::Text,
                Some(number) => Outcome::TaskPart {
                    number: number.clone(),
                },
                None => Outcome::Unused,
            }
        };
        out.push((*line, outcome));
    }
    out
}

fn notice_line(a: &Analysis, text: &str) -> Outcome {
    let n = a.notice.as_ref();
    let k = compact(text);
    let recipients = n
        .and_then(|n| n.recipients.as_deref())
        .is_some_and(|r| k.starts_with(&compact(r)));
    let signature = n
        .and_then(|n| n.signature.as_deref())
        .is_some_and(|s| compact(s) == k);
    let field = if recipients {
        Field::Recipients
    } else if signature {
        Field::Signature
    } else if date_line(text).is_some() {
        Field::DateSigned
    } else {
        return Outcome::Notice;
    };
    Outcome::Meta { field }
}

/// One row of the page: an input position, its text, and what it became.
#[derive(Serialize)]
struct Row<'a> {
    line: usize,
    texts: Vec<&'a str>,
    outcomes: Vec<&'a Outcome>,
    /// Why it was dropped, when it was.
    dropped: Vec<&'a str>,
    unsure: Vec<&'a str>,
}

/// A note for the list at the top of the page.
#[derive(Serialize)]
struct Check<'a> {
    line: usize,
    /// The row exists to link to.
    linked: bool,
    /// `unsure`, `no_lead` or `error`.
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct Doc<'a> {
    kind: &'a str,
    title: &'a str,
    file: &'a str,
    sections: usize,
    tasks: usize,
}

#[derive(Serialize)]
struct Page<'a> {
    source: &'a str,
    input: &'a str,
    position: &'a str,
    documents: Vec<Doc<'a>>,
    tasks: usize,
    dropped: usize,
    checks: Vec<Check<'a>>,
    /// Notes on the whole input (no line).
    general: Vec<&'a str>,
    rows: Vec<Row<'a>>,
}

/// The review page of an import.
pub fn render(report: &Report) -> Result<String, Diagnostic> {
    // The template is built in: a failure is planpress's, not the input's.
    let failed = |e: tera::Error| {
        Diagnostic::error("defaults/review.html", 0, e.to_string()).with_hint(
            "this is a fault of planpress import: report it; import without --review meanwhile",
        )
    };
    let page = page(report);
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html"]);
    tera.add_raw_template("review.html", TEMPLATE)
        .map_err(failed)?;
    let ctx = tera::Context::from_serialize(&page).map_err(failed)?;
    tera.render("review.html", &ctx).map_err(failed)
}

fn by_line(notes: &[Note]) -> BTreeMap<usize, Vec<&str>> {
    let mut m: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for n in notes {
        m.entry(n.line).or_default().push(n.text.as_str());
    }
    m
}

fn page(report: &Report) -> Page<'_> {
    let mut outcomes: BTreeMap<usize, Vec<&Outcome>> = BTreeMap::new();
    for (line, o) in &report.traces {
        let list = outcomes.entry(*line).or_default();
        if !list.contains(&o) {
            list.push(o);
        }
    }
    let dropped = by_line(&report.dropped);
    let unsure = by_line(&report.unsure);
    let mut rows: Vec<Row> = Vec::new();
    for (line, text) in &report.lines {
        if let Some(row) = rows.last_mut().filter(|r| r.line == *line) {
            row.texts.push(text);
            continue;
        }
        rows.push(Row {
            line: *line,
            texts: vec![text],
            outcomes: outcomes.get(line).cloned().unwrap_or_default(),
            dropped: dropped.get(line).cloned().unwrap_or_default(),
            unsure: unsure.get(line).cloned().unwrap_or_default(),
        });
    }
    // A line kept as something says why only when it shares its position
    // with dropped text (an HTML line holding several blocks).
    for row in rows.iter_mut() {
        if !row.outcomes.is_empty() && row.texts.len() == 1 {
            row.dropped.clear();
        }
    }
    let lines: HashSet<usize> = rows.iter().map(|r| r.line).collect();
    let mut checks: Vec<Check> = Vec::new();
    for (kind, list) in [
        ("error", &report.errors),
        ("unsure", &report.unsure),
        ("no_lead", &report.no_lead),
    ] {
        checks.extend(list.iter().filter(|n| n.line > 0).map(|n| Check {
            line: n.line,
            linked: lines.contains(&n.line),
            kind,
            text: &n.text,
        }));
    }
    checks.sort_by_key(|c| c.line);
    let general = report
        .errors
        .iter()
        .chain(&report.unsure)
        .chain(&report.dropped)
        .filter(|n| n.line == 0)
        .map(|n| n.text.as_str())
        .collect();
    Page {
        source: &report.source,
        input: &report.input,
        position: if report.position.is_empty() {
            "line"
        } else {
            report.position
        },
        documents: report
            .documents
            .iter()
            .map(|d| Doc {
                kind: &d.kind,
                title: &d.title,
                file: &d.file,
                sections: d.sections,
                tasks: d.tasks,
            })
            .collect(),
        tasks: report.documents.iter().map(|d| d.tasks).sum(),
        dropped: rows.iter().filter(|r| r.outcomes.is_empty()).count(),
        checks,
        general,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(Target::parse(None), Ok(Target::Beside));
        assert_eq!(
            Target::parse(Some(Path::new("pages/"))),
            Ok(Target::Dir(PathBuf::from("pages/")))
        );
        assert_eq!(
            Target::parse(Some(Path::new("a/check.HTML"))),
            Ok(Target::File(PathBuf::from("a/check.HTML")))
        );
        // A content file name would be read as content.
        assert!(Target::parse(Some(Path::new("content/x.md"))).is_err());
        assert_eq!(
            Target::Beside.path(Path::new("content"), "plan"),
            PathBuf::from("content/plan.review.html")
        );
    }

    #[test]
    fn an_empty_report_renders() {
        let html = render(&Report::default());
        assert!(html.is_ok_and(|h| h.contains("<html lang=\"zh-CN\">")));
    }
}
