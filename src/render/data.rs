//! Open data for 政务公开: every plan and task as JSON and CSV, each unit's
//! tasks as CSV and its deadlines as iCalendar, plus the sitemap, the Atom
//! feed and robots.txt.

mod dates;
mod ics;
mod rows;
mod splice;
mod units;

pub use splice::{Previous, Rows};

use std::io::{self, Write};

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Serialize, Serializer};
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::index::UnitTasks;
use crate::model::{Deadline, Ids, Site, Task, TaskRef};

use super::{Input, Sink};
use crate::urls::{self, Page};
use rows::{Records, RowMaker};

/// Whether a task has a calendar event: a deadline with a day
/// (docs/deadlines.md).
pub(crate) fn has_events(task: &Task) -> bool {
    task.deadlines
        .iter()
        .any(|d| dates::event_days(d).is_some())
}

/// Whether a unit has a calendar (`deadlines.ics`): one of its tasks has
/// an event. RFC 5545 wants at least one event in a calendar, so a unit
/// without dated tasks has none, and its page links to none.
pub(crate) fn has_calendar(site: &Site, tasks: &UnitTasks) -> bool {
    let task = |tr: &TaskRef| &site.plans[tr.plan()].tasks[tr.task()];
    tasks
        .led
        .iter()
        .chain(&tasks.shared)
        .any(|tr| has_events(task(tr)))
}

/// A task in `data/tasks.json` (schemas/tasks.schema.json): the facts of
/// `check --json` ([`crate::check::TaskReport`]) with each unit in its
/// role, plus where the task is. The lists are written straight from the
/// model rather than gathered first.
#[derive(Serialize)]
struct TaskRecord<'a> {
    /// The plan's title, as in the CSV files; `plan_slug` is its `slug`
    /// in `data/plans.json`.
    plan: &'a str,
    plan_slug: &'a str,
    number: &'a str,
    /// 牵头单位, 责任单位 and 参与单位: each unit in its role only.
    lead_units: Names<'a>,
    responsible_units: Names<'a>,
    participating_units: Names<'a>,
    officials: crate::model::Officials<'a>,
    deadlines: Dates<'a>,
    starts: Starts<'a>,
    spans: Spans<'a>,
    topics: Names<'a>,
    text: &'a str,
    jurisdiction: &'a str,
    url: &'a str,
}

impl<'a> TaskRecord<'a> {
    /// The task's record; `url` is its full address, from
    /// [`rows::push_url`].
    fn new(r: &'a Input, tr: TaskRef, url: &'a str) -> TaskRecord<'a> {
        let site = r.site;
        let plan = &site.plans[tr.plan()];
        let task = &plan.tasks[tr.task()];
        TaskRecord {
            plan: &plan.meta.title,
            plan_slug: &plan.slug,
            number: task.number(),
            lead_units: Names::Units(site, task.lead()),
            responsible_units: Names::Units(site, task.responsible()),
            participating_units: Names::Units(site, task.participating()),
            officials: task.officials(),
            deadlines: Dates(&task.deadlines),
            starts: Starts(&task.deadlines),
            spans: Spans(&task.deadlines),
            topics: Names::Topics(site, task.topics()),
            text: r.views.plain(site, tr),
            jurisdiction: &site.jurisdictions[plan.jurisdiction].name,
            url,
        }
    }
}

/// Unit or topic names, by id.
enum Names<'a> {
    Units(&'a Site, Ids<'a>),
    Topics(&'a Site, Ids<'a>),
}

impl Serialize for Names<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Names::Units(site, ids) => s.collect_seq(ids.iter().map(|u| &site.units[u].name)),
            Names::Topics(site, ids) => s.collect_seq(ids.iter().map(|t| &site.topics[t].name)),
        }
    }
}

/// The due dates of the limits, as ISO dates (docs/deadlines.md).
struct Dates<'a>(&'a [Deadline]);

impl Serialize for Dates<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().filter_map(|d| d.due().map(IsoDate)))
    }
}

/// The first days of the starts (`从2015年起`), as ISO dates.
struct Starts<'a>(&'a [Deadline]);

impl Serialize for Starts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().filter_map(|d| d.start().map(IsoDate)))
    }
}

/// The spans, as `[first day, last day]` (ISO, or null where unreadable).
struct Spans<'a>(&'a [Deadline]);

impl Serialize for Spans<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let spans = self.0.iter().filter_map(Deadline::span);
        s.collect_seq(spans.map(|days| days.map(|x| x.map(IsoDate))))
    }
}

struct IsoDate(NaiveDate);

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

#[derive(Serialize)]
struct PlanRecord<'a> {
    slug: &'a str,
    title: &'a str,
    kind: &'static str,
    jurisdiction: &'a str,
    issuer: Option<&'a str>,
    doc_number: Option<&'a str>,
    index_number: Option<&'a str>,
    date_signed: Option<String>,
    date_published: Option<String>,
    period: Option<String>,
    topics: Vec<&'a str>,
    task_count: usize,
    url: String,
}

impl<'a> PlanRecord<'a> {
    fn new(r: &'a Input, p: usize) -> PlanRecord<'a> {
        let site = r.site;
        let plan = &site.plans[p];
        PlanRecord {
            slug: &plan.slug,
            title: &plan.meta.title,
            kind: plan.kind.label(),
            jurisdiction: &site.jurisdictions[plan.jurisdiction].name,
            issuer: plan.meta.issuer.as_deref(),
            doc_number: plan.meta.doc_number.as_deref(),
            index_number: plan.meta.index_number.as_deref(),
            date_signed: plan.meta.date_signed.map(|d| d.to_string()),
            date_published: plan.meta.date_published.map(|d| d.to_string()),
            period: r.views.plans[p].period.clone(),
            topics: plan
                .topics
                .iter()
                .map(|&t| site.topics[t].name.as_str())
                .collect(),
            task_count: plan.tasks.len(),
            url: r.urls.url(&r.views.plans[p].path),
        }
    }
}

/// A plan's file: the plan and its tasks, made with no tasks, which
/// [`plan_json`] then puts in.
#[derive(Serialize)]
struct PlanFile<'a> {
    #[serde(flatten)]
    plan: &'a PlanRecord<'a>,
    tasks: [(); 0],
}

fn write_error(path: &str, e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(path, 0, format!("cannot write: {e}"))
}

fn json_error(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error("data", 0, format!("cannot write JSON: {e}"))
}

/// `value` as JSON and a newline, in `out`.
fn json_into<T: Serialize>(value: &T, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
    out.clear();
    serde_json::to_writer(&mut *out, value).map_err(json_error)?;
    out.push(b'\n');
    Ok(())
}

/// Writes every data file. Returns how many files were written.
pub fn write_all(r: &Input, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    write_selected(r, sink, &|_| true)
}

/// Writes the data files whose path `want` accepts; `want` is asked once
/// for each data file of the site. `serve` renders one file at a time on
/// request, and lists the files by accepting none, so both use the code
/// that `build` uses. Returns how many files were written.
pub fn write_selected(
    r: &Input,
    sink: &dyn Sink,
    want: &(dyn Fn(&str) -> bool + Sync),
) -> Result<usize, Diagnostic> {
    write_spliced(r, sink, want, None).map(|(count, _)| count)
}

/// [`write_selected`], copying the rows of unchanged plans in the files of
/// all tasks from the `previous` build's. Returns how many files were
/// written and the length of each plan's rows in those files, for the next
/// build (complete only when both files were written).
pub fn write_spliced(
    r: &Input,
    sink: &dyn Sink,
    want: &(dyn Fn(&str) -> bool + Sync),
    previous: Option<&Previous>,
) -> Result<(usize, Rows), Diagnostic> {
    let count = std::sync::atomic::AtomicUsize::new(0);
    let put = |path: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sink.put_slice(path, bytes)
            .map_err(|e| write_error(path, e))
    };
    // The two files of all tasks are the biggest of the site: streamed to
    // the sink, never whole in memory.
    let stream = |path: &str, write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>| {
        if !want(path) {
            return Ok(());
        }
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        sink.put_with(path, write).map_err(|e| write_error(path, e))
    };
    let mut rows = Rows::default();
    let (json_rows, csv_rows) = (&mut rows.json, &mut rows.csv);
    let csv_head = &mut rows.csv_head;
    let csv_from = previous.and_then(|p| p.csv.as_ref());
    let json_from = previous.and_then(|p| p.json.as_ref());
    let tasks_csv = || {
        stream(urls::TASKS_CSV, &mut |out| {
            csv_rows.clear();
            *csv_head =
                tasks_csv(r, out, csv_from, csv_rows).map_err(|d| io::Error::other(d.message))?;
            Ok(())
        })
    };
    // Each of the two streams is written by one thread; they and the many
    // small files run side by side.
    let (json_done, (csv_done, rest_done)) = rayon::join(
        || json_files(r, want, &put, &stream, (json_from, json_rows)),
        || {
            rayon::join(tasks_csv, || -> Result<(), Diagnostic> {
                units::write(r, want, &stream)?;
                // Both list absolute URLs only: without an absolute base
                // URL they are not written (`urls::base_url_warning`).
                let absolute = r.urls.absolute().is_some();
                if absolute && want(urls::SITEMAP) {
                    put(urls::SITEMAP, &sitemap(r)?)?;
                }
                if absolute && want(urls::FEED) {
                    put(urls::FEED, &feed(r)?)?;
                }
                if want(urls::ROBOTS) {
                    put(urls::ROBOTS, robots(r).as_bytes())?;
                }
                for (path, schema) in SCHEMAS {
                    if want(path) {
                        put(path, schema.as_bytes())?;
                    }
                }
                Ok(())
            })
        },
    );
    json_done?;
    csv_done?;
    rest_done?;
    Ok((count.into_inner(), rows))
}

/// The JSON Schemas of the open data, published beside it so that a
/// reader of the files can check them.
const SCHEMAS: [(&str, &str); 2] = [
    (
        "data/tasks.schema.json",
        include_str!("../../schemas/tasks.schema.json"),
    ),
    (
        "data/plans.schema.json",
        include_str!("../../schemas/plans.schema.json"),
    ),
];

/// Streams a file to the sink (`put_with`) if it was asked for.
type Stream<'a> = dyn Fn(&str, &mut dyn FnMut(&mut dyn Write) -> io::Result<()>) -> Result<(), Diagnostic>
    + Sync
    + 'a;

/// Plans are serialized this many at a time, side by side, before their
/// tasks go to `data/tasks.json` in order.
const PLAN_WINDOW: usize = 64;

/// Where the rows of unchanged plans come from, and where each plan's
/// length goes.
type Splice<'s> = (Option<&'s splice::Source>, &'s mut Vec<u64>);

/// `data/plans.json`, one JSON file per plan with its tasks (linked from
/// the plan page) and `data/tasks.json`, every task in plan order. Each
/// task is serialized once, for its plan's file and for the file of all.
fn json_files(
    r: &Input,
    want: &(dyn Fn(&str) -> bool + Sync),
    put: &units::Put,
    stream: &Stream,
    (from, rows): Splice,
) -> Result<(), Diagnostic> {
    let plans: Vec<PlanRecord> = (0..r.site.plans.len())
        .map(|p| PlanRecord::new(r, p))
        .collect();
    if want(urls::PLANS_JSON) {
        let mut buf = Vec::new();
        json_into(&plans, &mut buf)?;
        put(urls::PLANS_JSON, &buf)?;
    }
    let path = urls::TASKS_JSON;
    if !want(path) {
        return each_plan_json(r, &plans, want, put, None);
    }
    // The stream wants an I/O error: a diagnostic is kept aside for it.
    let mut failed = None;
    let streamed = stream(path, &mut |out| {
        rows.clear();
        let all = All { out, from, rows };
        each_plan_json(r, &plans, want, put, Some(all)).map_err(|d| {
            let e = io::Error::other(d.message.clone());
            failed = Some(d);
            e
        })
    });
    failed.map_or(streamed, Err)
}

/// The file of every task being written, where its unchanged plans' rows
/// come from, and each plan's length in it.
struct All<'a> {
    out: &'a mut dyn Write,
    from: Option<&'a splice::Source>,
    rows: &'a mut Vec<u64>,
}

/// A plan's tasks for the file of all: made, or to be copied.
enum Items {
    Made(Vec<u8>),
    Copied(u64),
}

/// Writes the plan files `want` asks for and, into `all`, every task.
fn each_plan_json(
    r: &Input,
    plans: &[PlanRecord],
    want: &(dyn Fn(&str) -> bool + Sync),
    put: &units::Put,
    mut all: Option<All>,
) -> Result<(), Diagnostic> {
    let io_err = |e: io::Error| write_error(urls::TASKS_JSON, e);
    let streamed = all.is_some();
    let from = all.as_ref().and_then(|a| a.from);
    write_to(&mut all, b"[").map_err(io_err)?;
    let mut first = true;
    let mut runs = from.map(splice::Runs::new);
    for start in (0..plans.len()).step_by(PLAN_WINDOW) {
        let window = start..(start + PLAN_WINDOW).min(plans.len());
        let items: Vec<Items> = window
            .clone()
            .into_par_iter()
            .map_init(JsonScratch::default, |b, p| {
                let path = urls::plan_data_path(plans[p].slug);
                let file = want(&path).then_some(path);
                if file.is_none() {
                    // An unchanged plan's file is linked, and its rows copied.
                    match from.and_then(|f| f.len(p)) {
                        Some(len) if streamed => return Ok(Items::Copied(len)),
                        _ if !streamed => return Ok(Items::Made(Vec::new())),
                        _ => {}
                    }
                }
                plan_json(r, p, &plans[p], file.as_deref(), streamed, put, b).map(Items::Made)
            })
            .collect::<Result<_, Diagnostic>>()?;
        let Some(a) = all.as_mut() else {
            continue;
        };
        for (p, item) in window.zip(items) {
            let len = match &item {
                Items::Made(t) => t.len() as u64,
                Items::Copied(len) => *len,
            };
            a.rows.push(len);
            if len == 0 {
                continue;
            }
            let comma: &[u8] = match std::mem::take(&mut first) {
                true => b"",
                false => b",",
            };
            match (item, runs.as_mut()) {
                (Items::Copied(_), Some(runs)) => {
                    // In the previous file, a comma before it when it follows.
                    let gap = comma.len() as u64;
                    if runs.add(p, (gap, comma), a.out).map_err(io_err)?.is_none() {
                        return Err(json_error("no previous rows to copy"));
                    }
                }
                (Items::Made(t), runs) => {
                    if let Some(runs) = runs {
                        runs.flush(a.out).map_err(io_err)?;
                    }
                    a.out.write_all(comma).map_err(io_err)?;
                    a.out.write_all(&t).map_err(io_err)?;
                }
                (Items::Copied(_), None) => return Err(json_error("no previous rows to copy")),
            }
        }
    }
    if let (Some(runs), Some(a)) = (runs.as_mut(), all.as_mut()) {
        runs.flush(a.out).map_err(io_err)?;
    }
    write_to(&mut all, b"]\n").map_err(io_err)
}

/// Writes `bytes` to the file of all tasks, if it is written.
fn write_to(all: &mut Option<All>, bytes: &[u8]) -> io::Result<()> {
    all.as_mut().map_or(Ok(()), |a| a.out.write_all(bytes))
}

/// Buffers that a plan's JSON is made in, reused from plan to plan.
#[derive(Default)]
struct JsonScratch {
    file: Vec<u8>,
    url: String,
}

/// Writes the plan's file at `path`, if given; returns the plan's tasks as
/// JSON array items, comma-separated (nothing for a plan without tasks),
/// if `all` (the file of every task) wants them. The tasks are serialized
/// into the plan's file, where they go, and copied out once.
fn plan_json(
    r: &Input,
    p: usize,
    plan: &PlanRecord,
    path: Option<&str>,
    all: bool,
    put: &units::Put,
    b: &mut JsonScratch,
) -> Result<Vec<u8>, Diagnostic> {
    let file = &mut b.file;
    file.clear();
    if path.is_some() {
        json_into(&PlanFile { plan, tasks: [] }, file)?;
        // `…"tasks":[]}\n`: the tasks go between the brackets.
        let at = file.len().saturating_sub(3);
        if file.get(at..) != Some(b"]}\n") {
            return Err(json_error("a plan file does not end with its tasks"));
        }
        file.truncate(at);
    }
    let start = file.len();
    for t in 0..r.site.plans[p].tasks.len() {
        if t > 0 {
            file.push(b',');
        }
        let tr = TaskRef::new(p, t);
        b.url.clear();
        rows::push_url(r, tr, &mut b.url);
        let record = TaskRecord::new(r, tr, &b.url);
        serde_json::to_writer(&mut *file, &record).map_err(json_error)?;
    }
    let tasks = match all {
        true => file.get(start..).unwrap_or_default().to_vec(),
        false => Vec::new(),
    };
    if let Some(path) = path {
        file.extend_from_slice(b"]}\n");
        put(path, file)?;
    }
    Ok(tasks)
}

/// A CSV file with more columns than the theme names cannot be written.
fn check_columns(headers: &[String], columns: usize) -> Result<(), Diagnostic> {
    if headers.len() >= columns {
        return Ok(());
    }
    Err(rows_error(format!(
        "found record with {columns} fields, but the previous record has {} fields",
        headers.len()
    )))
}

fn rows_error(message: String) -> Diagnostic {
    Diagnostic::error("data", 0, format!("cannot write CSV: {message}"))
}

/// Every task as CSV, UTF-8 with a byte-order mark so that Excel reads it
/// right; unchanged plans' records copied `from` the previous file. Pushes
/// each plan's length to `rows`; returns the head's.
fn tasks_csv(
    r: &Input,
    out: &mut dyn Write,
    from: Option<&splice::Source>,
    rows: &mut Vec<u64>,
) -> Result<u64, Diagnostic> {
    let counter = splice::Counter::new(out);
    (&counter)
        .write_all(&[0xEF, 0xBB, 0xBF])
        .map_err(rows::csv_error)?;
    let mut w = Records::new()?.writer(&counter);
    let headers = &r.theme.strings.csv_headers;
    let names: Vec<&str> = headers
        .iter()
        .take(rows::COLUMNS)
        .map(String::as_str)
        .collect();
    rows::write_record(&mut w, &names, false)?;
    w.flush().map_err(rows::csv_error)?;
    let head = counter.count();
    let mut maker = RowMaker::new(r);
    let mut url = String::new();
    let mut runs = from.map(splice::Runs::new);
    for (p, plan) in r.site.plans.iter().enumerate() {
        if let Some(runs) = runs.as_mut() {
            // Counted as the run is written: the previous build's length.
            let copied = runs.add(p, (0, b""), &mut &counter);
            if let Some(len) = copied.map_err(rows::csv_error)? {
                rows.push(len);
                continue;
            }
            runs.flush(&mut &counter).map_err(rows::csv_error)?;
        }
        let before = counter.count();
        for t in 0..plan.tasks.len() {
            let tr = TaskRef::new(p, t);
            url.clear();
            rows::push_url(r, tr, &mut url);
            maker.row(tr, &url, &mut w)?;
        }
        // Into the counter (not the file): the plan's length is known.
        w.flush().map_err(rows::csv_error)?;
        rows.push(counter.count() - before);
    }
    if let Some(runs) = runs.as_mut() {
        runs.flush(&mut &counter).map_err(rows::csv_error)?;
    }
    w.flush().map_err(rows::csv_error)?;
    drop(w);
    counter.flush_inner().map_err(rows::csv_error)?;
    Ok(head)
}

fn sitemap(r: &Input) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct Url {
        loc: String,
        lastmod: Option<String>,
        /// The page in every edition (`xhtml:link`), on standard versions.
        alternates: Vec<super::editions::Alternate>,
    }
    // Each edition's folder and whether it has a 长者版.
    let editions: Vec<(&str, bool)> = match r.editions {
        [] => vec![("", r.site.config.has_elder())],
        list => list.iter().map(|e| (e.prefix.as_str(), e.elder)).collect(),
    };
    let mut urls = Vec::new();
    for page in r.pages() {
        if page == Page::NotFound {
            continue;
        }
        let lastmod = match page {
            Page::Plan(p) => {
                let m = &r.site.plans[p].meta;
                m.date_published.or(m.date_signed).map(|d| d.to_string())
            }
            _ => None,
        };
        let path = page.path(r.site);
        let alternates = r.alternates(page);
        for &(prefix, elder) in &editions {
            urls.push(Url {
                loc: r.urls.url(&format!("{prefix}{path}")),
                lastmod: lastmod.clone(),
                alternates: alternates.clone(),
            });
            if elder {
                urls.push(Url {
                    loc: r.urls.url(&format!("{prefix}{}{path}", urls::ELDER)),
                    lastmod: lastmod.clone(),
                    alternates: Vec::new(),
                });
            }
        }
    }
    let mut ctx = Context::new();
    ctx.insert("urls", &urls);
    ctx.insert("editions", &(r.editions.len() > 1));
    r.render_extra("sitemap.xml", ctx)
}

fn feed(r: &Input) -> Result<Vec<u8>, Diagnostic> {
    #[derive(Serialize)]
    struct Entry {
        title: String,
        url: String,
        updated: String,
        summary: String,
    }
    let site: &Site = r.site;
    let stamp = |d: Option<NaiveDate>| {
        d.map(|d| format!("{d}T00:00:00+08:00"))
            .unwrap_or_else(|| "1970-01-01T00:00:00+08:00".to_string())
    };
    let entries: Vec<Entry> = r
        .index
        .plans_by_date
        .iter()
        .map(|&p| {
            let plan = &site.plans[p];
            let summary = &r.views.plans[p];
            Entry {
                title: plan.meta.title.clone(),
                url: r.urls.url(&summary.path),
                updated: stamp(plan.meta.date_published.or(plan.meta.date_signed)),
                summary: format!(
                    "{} {} {}",
                    summary.jurisdiction.name,
                    summary.kind,
                    summary.doc_number.clone().unwrap_or_default()
                )
                .trim()
                .to_string(),
            }
        })
        .collect();
    let updated = entries
        .iter()
        .map(|e| e.updated.clone())
        .max()
        .unwrap_or_else(|| stamp(None));
    let mut ctx = Context::new();
    ctx.insert("entries", &entries);
    ctx.insert("updated", &updated);
    r.render_extra("feed.xml", ctx)
}

/// robots.txt; its `Sitemap:` line must be an absolute URL, and names
/// the sitemap only when there is one.
fn robots(r: &Input) -> String {
    let mut text = "User-agent: *\nAllow: /\n".to_string();
    if let Some(sitemap) = r.urls.absolute_url(urls::SITEMAP) {
        text.push_str(&format!("Sitemap: {sitemap}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde_json::{Value, json};

    use super::{Input, TaskRecord, TaskRef};
    use crate::index::Index;
    use crate::render::theme::Theme;
    use crate::render::views::Views;

    /// Each task's record has the facts `check --json` gives it, each unit
    /// in its role, and where the task is.
    #[test]
    fn task_records_have_the_facts_of_check() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (site, _) = crate::build::load(root, Some("https://example.org/fz")).unwrap();
        let theme = Theme::load(root, &site.config).unwrap();
        let index = Index::build(&site);
        let views = Views::build(&site, &index, &theme).unwrap();
        let r = Input::new(&site, &index, &views, &theme);
        let mut tasks = 0;
        let mut roles = [0; 3];
        for (p, plan) in site.plans.iter().enumerate() {
            for (t, task) in plan.tasks.iter().enumerate() {
                let tr = TaskRef::new(p, t);
                let mut url = String::new();
                super::rows::push_url(&r, tr, &mut url);
                let record = serde_json::to_value(TaskRecord::new(&r, tr, &url)).unwrap();
                let mut facts =
                    serde_json::to_value(crate::check::TaskReport::new(&site, task)).unwrap();
                let all = facts["units"].take();
                let mut named = Vec::new();
                for (n, role) in ["lead_units", "responsible_units", "participating_units"]
                    .iter()
                    .enumerate()
                {
                    let units = record[role].as_array().unwrap();
                    roles[n] += units.len();
                    // A unit named in two roles is one of the task's units.
                    for u in units {
                        if !named.contains(u) {
                            named.push(u.clone());
                        }
                    }
                }
                assert_eq!(Value::Array(named), all, "{url}");
                for (key, value) in facts.as_object().unwrap() {
                    if key != "units" {
                        assert_eq!(&record[key], value, "{key} of {url}");
                    }
                }
                assert_eq!(record["plan"], json!(plan.meta.title));
                assert_eq!(record["plan_slug"], json!(plan.slug));
                assert_eq!(record["text"], json!(r.views.plain(&site, tr)));
                let expected = format!(
                    "https://example.org/fz/plans/{}/#{}",
                    plan.slug,
                    task.anchor()
                );
                assert_eq!(record["url"], json!(expected));
                tasks += 1;
            }
        }
        assert!(tasks > 100);
        // The example site names no 参与单位 (tests/it/build.rs adds one).
        assert!(roles[0] > 10 && roles[1] > 10, "{roles:?}");
    }
}
