//! One task as a CSV record and as calendar events, made once however many
//! files list it. The csv crate writes every byte of a record; events are
//! written as the icalendar crate writes them (see [`super::ics`]).

use std::io;
use std::ops::Range;

use chrono::NaiveDate;

use crate::diagnostics::Diagnostic;
use crate::model::{Ids, Site, TaskRef};
use crate::render::views::first_clause;

use super::super::Input;
use super::dates;
use super::ics::{self, Event};

/// At most this many characters of a task's first clause make an event's
/// title (`SUMMARY`), after the task's number.
const SUMMARY_CHARS: usize = 32;

/// Writes CSV records with one configuration, so that records written
/// apart can be joined into one file.
pub(super) struct Records {
    builder: csv::WriterBuilder,
    /// What ends each record (`\n`).
    terminator: Vec<u8>,
}

pub(super) fn csv_error(e: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error("data", 0, format!("cannot write CSV: {e}"))
}

impl Records {
    pub fn new() -> Result<Records, Diagnostic> {
        let mut records = Records {
            builder: csv::WriterBuilder::new(),
            terminator: Vec::new(),
        };
        let mut one = Vec::new();
        records.write(&["x"], false, &mut one)?;
        records.terminator = one.split_off(1);
        Ok(records)
    }

    pub fn writer<W: io::Write>(&self, out: W) -> csv::Writer<W> {
        self.builder.from_writer(out)
    }

    /// Appends `cells` to `out` as one record, terminator included.
    pub fn write(&self, cells: &[&str], safe: bool, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
        let mut w = self.writer(&mut *out);
        write_record(&mut w, cells, safe)?;
        w.flush().map_err(csv_error)
    }

    /// `record` without its terminator, to be followed by more cells.
    pub fn open<'b>(&self, record: &'b [u8]) -> &'b [u8] {
        &record[..record.len().saturating_sub(self.terminator.len())]
    }

    /// The last cell of a record that [`Records::open`] left open: a
    /// delimiter, the cell and the terminator.
    pub fn last_cell(&self, cell: &str) -> Result<Vec<u8>, Diagnostic> {
        let mut out = Vec::new();
        self.write(&["", cell], true, &mut out)?;
        Ok(out)
    }
}

/// Writes `cells` as one record; `safe` writes each cell [`formula_safe`].
pub(super) fn write_record<W: io::Write>(
    w: &mut csv::Writer<W>,
    cells: &[&str],
    safe: bool,
) -> Result<(), Diagnostic> {
    for &cell in cells {
        let cell = if safe {
            formula_safe(cell)
        } else {
            cell.into()
        };
        w.write_field(cell.as_bytes()).map_err(csv_error)?;
    }
    w.write_record(None::<&[u8]>).map_err(csv_error)
}

/// A cell that a spreadsheet would run as a formula (`=HYPERLINK(…)`,
/// `+cmd|…`, `@SUM(…)`, DDE) is written with a leading `'`, which makes
/// Excel and WPS read it as text (OWASP's advice on CSV injection).
pub(super) fn formula_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    // The marks are ASCII: the first byte tells.
    let first = cell.as_bytes().first();
    if first.is_some_and(|b| matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// The cells of a task's record; a unit's file adds its role.
pub(super) const COLUMNS: usize = 12;

/// The task's full address (base URL, plan page, anchor), appended to `out`.
pub(super) fn push_url(r: &Input, tr: TaskRef, out: &mut String) {
    let anchor = r.site.plans[tr.plan()].tasks[tr.task()].anchor();
    r.urls
        .push_task_url(&r.views.plans[tr.plan()].path, anchor, out);
}

/// Makes tasks' CSV records, reusing its text buffer from task to task.
pub(super) struct RowMaker<'r> {
    r: &'r Input<'r>,
    text: String,
}

impl<'r> RowMaker<'r> {
    pub fn new(r: &'r Input<'r>) -> Self {
        RowMaker {
            r,
            text: String::new(),
        }
    }

    /// Writes the task's record of [`COLUMNS`] cells (without the role); `url`
    /// is the task's, from [`push_url`].
    pub fn row<W: io::Write>(
        &mut self,
        tr: TaskRef,
        url: &str,
        w: &mut csv::Writer<W>,
    ) -> Result<(), Diagnostic> {
        let (r, site) = (self.r, self.r.site);
        let plan = &site.plans[tr.plan()];
        let task = &plan.tasks[tr.task()];
        // The cells made of several values are written one after the other
        // into one buffer, then cut out of it.
        let s = &mut self.text;
        s.clear();
        let lead = push_names(s, site, task.lead());
        let responsible = push_names(s, site, task.responsible());
        let participating = push_names(s, site, task.participating());
        let officials = push_joined(s, task.officials().iter(), "、");
        let start = s.len();
        for d in task.deadlines.iter() {
            let before = s.len();
            if before > start {
                s.push(' ');
            }
            if !dates::push_deadline(s, d) {
                s.truncate(before);
            }
        }
        let deadlines = start..s.len();
        let topic_names = task.topics().iter().map(|t| site.topics[t].name.as_str());
        let topics = push_joined(s, topic_names, "、");
        let s = &*s;
        // In the order of the theme's `csv_headers`.
        let cells: [&str; COLUMNS] = [
            task.number(),
            r.views.plain(site, tr),
            &s[lead],
            &s[responsible],
            &s[participating],
            &s[officials],
            &s[deadlines],
            task.schedule().unwrap_or_default(),
            &s[topics],
            &plan.meta.title,
            &site.jurisdictions[plan.jurisdiction].name,
            url,
        ];
        write_record(w, &cells, true)
    }
}

fn push_names(s: &mut String, site: &Site, ids: Ids) -> Range<usize> {
    push_joined(s, ids.iter().map(|u| site.units[u].name.as_str()), "、")
}

/// Appends `parts` joined by `sep`; returns where they are in `s`.
fn push_joined<'a>(
    s: &mut String,
    parts: impl Iterator<Item = &'a str>,
    sep: &str,
) -> Range<usize> {
    let start = s.len();
    for (i, part) in parts.enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(part);
    }
    start..s.len()
}

/// The host that makes event UIDs unique across sites.
pub(super) fn calendar_host(r: &Input) -> String {
    r.urls.host().unwrap_or("planpress.local").to_string()
}

/// Appends the task's events to `out`: one all-day event per dated
/// deadline; `url` is the task's, from [`push_url`].
pub(super) fn push_events(
    r: &Input,
    tr: TaskRef,
    host: &str,
    url: &str,
    out: &mut String,
) -> Result<(), Diagnostic> {
    let site = r.site;
    let plan = &site.plans[tr.plan()];
    let task = &plan.tasks[tr.task()];
    if !super::has_events(task) {
        return Ok(());
    }
    // A calendar shows a title in a day's box: the task's number and its
    // first clause; the whole text is on the page the event's URL opens.
    let clause = first_clause(r.views.plain(site, tr), SUMMARY_CHARS);
    let summary = format!("{} {clause}", task.number());
    let mut anchor = String::new();
    task.anchor().push_to(&mut anchor);
    let (mut description, mut uid) = (String::new(), String::new());
    for (i, d) in task.deadlines.iter().enumerate() {
        let Some((first, end)) = dates::event_days(d) else {
            continue;
        };
        let i = i.to_string();
        let event = Event {
            description: ics::joined(&mut description, &[&plan.meta.title, " ", &d.text]),
            first,
            end,
            stamp: stamp(plan),
            summary: &summary,
            // Stable from build to build: the plan, the task and which of
            // its deadlines, on this site.
            uid: ics::joined(&mut uid, &[&plan.slug, "-", &anchor, "-", &i, "@", host]),
            url: r.urls.absolute().is_some().then_some(url),
        };
        ics::push(&event, out)?;
    }
    Ok(())
}

/// `DTSTAMP` of a plan's events: taken from the plan (its publication or
/// signing day), never the clock, so that the files are byte-identical
/// from build to build; the Unix epoch for a plan without dates, as in
/// the feed.
fn stamp(plan: &crate::model::Plan) -> NaiveDate {
    plan.meta
        .date_published
        .or(plan.meta.date_signed)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{Records, formula_safe};

    #[test]
    fn formula_cells_are_written_as_text() {
        for bad in [
            "=1+1",
            "+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(formula_safe(bad), format!("'{bad}"));
        }
        for ok in ["区司法局", "2025-06-30", "1", "《规划》", ""] {
            assert_eq!(formula_safe(ok), ok);
        }
    }

    /// A record cut open and closed with another cell is the record the
    /// crate writes with all the cells at once.
    #[test]
    fn a_record_takes_one_more_cell() {
        let records = Records::new().unwrap();
        let cells = ["a,b", "say \"hi\"", "", "two\nlines", "=1", " x "];
        for last in ["lead", "", "a\"b", "-1", "x,y"] {
            let mut whole = Vec::new();
            let mut all = cells.to_vec();
            all.push(last);
            records.write(&all, true, &mut whole).unwrap();
            let mut open = Vec::new();
            records.write(&cells, true, &mut open).unwrap();
            let mut joined = records.open(&open).to_vec();
            joined.extend(records.last_cell(last).unwrap());
            assert_eq!(joined, whole, "{last:?}");
        }
    }
}
