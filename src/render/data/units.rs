//! Each unit's tasks as CSV (with its role in each) and its deadlines as
//! iCalendar. A task is listed by every unit it names, three or four on
//! average, so its CSV record and its events are made once and copied into
//! each unit's files. Units are done one jurisdiction at a time: a task's
//! units are those of its plan's jurisdiction, so only that jurisdiction's
//! tasks are held at once. (Were a task to name units of two
//! jurisdictions, it would be made once in each: the files are the same.)

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::{TaskRef, UnitId};

use super::super::pages::Renderer;
use super::rows::{self, Records, RowMaker};

/// Stores one file: the path and its bytes.
pub(super) type Put<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// A unit and which of its files were asked for.
struct Wanted {
    unit: UnitId,
    csv: Option<String>,
    ics: Option<String>,
}

/// What every unit's files share.
struct Shared<'r> {
    r: &'r Renderer<'r>,
    records: &'r Records,
    /// Byte-order mark and column names.
    csv_head: Vec<u8>,
    /// The role cells that end a row, record terminator included.
    lead: Vec<u8>,
    shared: Vec<u8>,
    host: String,
}

/// Tasks are made this many at a time, into one buffer each for their
/// records and their events: few allocations, little unused capacity.
const CHUNK: usize = 256;

/// One jurisdiction's tasks, each made once, in order.
struct Made {
    /// Where each task is among them.
    slots: Slots,
    chunks: Vec<Chunk>,
}

/// A place for each task of the site: looking a task up costs no search.
struct Slots {
    /// By plan, the place of its first task.
    first: Vec<usize>,
    /// By place, the task's position among those made, if it was made.
    at: Vec<Option<usize>>,
}

impl Slots {
    fn new(r: &Renderer) -> Slots {
        let mut first = Vec::with_capacity(r.site.plans.len());
        let mut total = 0;
        for plan in &r.site.plans {
            first.push(total);
            total += plan.tasks.len();
        }
        Slots {
            first,
            at: vec![None; total],
        }
    }

    fn place(&self, tr: TaskRef) -> Option<usize> {
        Some(self.first.get(tr.plan)? + tr.task)
    }

    /// Records the positions of `tasks` among those made, or with `made`
    /// false forgets them.
    fn mark(&mut self, tasks: &[TaskRef], made: bool) {
        for (i, &tr) in tasks.iter().enumerate() {
            if let Some(slot) = self.place(tr).and_then(|k| self.at.get_mut(k)) {
                *slot = made.then_some(i);
            }
        }
    }

    fn get(&self, tr: TaskRef) -> Option<usize> {
        *self.at.get(self.place(tr)?)?
    }
}

/// Tasks' CSV records (without the role, terminator included) and events,
/// one after the other, with where each ends.
#[derive(Default)]
struct Chunk {
    rows: Vec<u8>,
    row_ends: Vec<usize>,
    events: String,
    event_ends: Vec<usize>,
}

impl Made {
    /// The task's CSV record and events.
    fn get(&self, tr: TaskRef) -> Result<(&[u8], &str), Diagnostic> {
        let missing = || Diagnostic::error("data", 0, "a unit's task was not prepared");
        let i = self.slots.get(tr).ok_or_else(missing)?;
        let (c, j) = (self.chunks.get(i / CHUNK).ok_or_else(missing)?, i % CHUNK);
        let span = |ends: &[usize]| {
            let start = if j == 0 {
                Some(0)
            } else {
                ends.get(j - 1).copied()
            };
            Some(start?..*ends.get(j)?)
        };
        let row = span(&c.row_ends).and_then(|s| c.rows.get(s));
        let events = span(&c.event_ends).and_then(|s| c.events.get(s));
        row.zip(events).ok_or_else(missing)
    }
}

/// Writes the files of every unit that `want` asks for.
pub(super) fn write(
    r: &Renderer,
    want: &(dyn Fn(&str) -> bool + Sync),
    put: &Put,
) -> Result<(), Diagnostic> {
    let records = Records::new()?;
    let shared = shared(r, &records)?;
    let mut by_jurisdiction = vec![Vec::new(); r.site.jurisdictions.len()];
    for (u, unit) in r.site.units.iter().enumerate() {
        by_jurisdiction[unit.jurisdiction].push(u);
    }
    let mut slots = Slots::new(r);
    for units in by_jurisdiction {
        let wanted: Vec<Wanted> = units
            .into_iter()
            .filter_map(|u| asked(r, u, want))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let (tasks, made) = make(&shared, &wanted, slots)?;
        wanted
            .par_iter()
            .try_for_each_init(Vec::new, |buf, w| unit_files(&shared, &made, w, buf, put))?;
        slots = made.slots;
        slots.mark(&tasks, false);
    }
    Ok(())
}

fn shared<'r>(r: &'r Renderer<'r>, records: &'r Records) -> Result<Shared<'r>, Diagnostic> {
    let strings = &r.theme.strings;
    let mut csv_head = vec![0xEF, 0xBB, 0xBF];
    let names: Vec<&str> = strings
        .csv_headers
        .iter()
        .take(13)
        .map(String::as_str)
        .collect();
    records.write(&names, false, &mut csv_head)?;
    Ok(Shared {
        r,
        records,
        csv_head,
        lead: records.last_cell(&strings.role_lead)?,
        shared: records.last_cell(&strings.role_shared)?,
        host: rows::calendar_host(r),
    })
}

/// Asks `want` about each of the unit's files, once.
fn asked(r: &Renderer, u: UnitId, want: &(dyn Fn(&str) -> bool + Sync)) -> Option<Wanted> {
    let dir = &r.views.unit_paths[u];
    let csv = Some(format!("{dir}tasks.csv")).filter(|p| want(p));
    let ics = Some(format!("{dir}deadlines.ics")).filter(|p| want(p));
    (csv.is_some() || ics.is_some()).then_some(Wanted { unit: u, csv, ics })
}

/// The unit's tasks, led and shared, in document order.
fn unit_tasks(r: &Renderer, u: UnitId) -> Vec<TaskRef> {
    let t = &r.index.units[u];
    let mut refs: Vec<TaskRef> = t.led.iter().chain(&t.shared).copied().collect();
    refs.sort_unstable();
    refs
}

/// Makes the CSV records and events of the tasks of the `wanted` units,
/// each of the two only if one of those files was asked for. Returns the
/// tasks, in order, and what was made of them.
fn make(
    s: &Shared,
    wanted: &[Wanted],
    mut slots: Slots,
) -> Result<(Vec<TaskRef>, Made), Diagnostic> {
    let r = s.r;
    let mut tasks: Vec<TaskRef> = wanted
        .iter()
        .flat_map(|w| {
            let t = &r.index.units[w.unit];
            t.led.iter().chain(&t.shared).copied()
        })
        .collect();
    tasks.sort_unstable();
    tasks.dedup();
    let csv = wanted.iter().any(|w| w.csv.is_some());
    let ics = wanted.iter().any(|w| w.ics.is_some());
    let chunks = tasks
        .par_chunks(CHUNK)
        .map(|tasks| make_chunk(s, tasks, csv, ics))
        .collect::<Result<_, Diagnostic>>()?;
    slots.mark(&tasks, true);
    Ok((tasks, Made { slots, chunks }))
}

fn make_chunk(s: &Shared, tasks: &[TaskRef], csv: bool, ics: bool) -> Result<Chunk, Diagnostic> {
    let r = s.r;
    let mut maker = RowMaker::new(r);
    let mut w = s.records.writer(Vec::new());
    let mut url = String::new();
    let mut chunk = Chunk {
        row_ends: Vec::with_capacity(tasks.len()),
        event_ends: Vec::with_capacity(tasks.len()),
        ..Chunk::default()
    };
    for &tr in tasks {
        url.clear();
        rows::push_url(r, tr, &mut url);
        if csv {
            maker.row(tr, &url, &mut w)?;
            w.flush().map_err(rows::csv_error)?;
        }
        chunk.row_ends.push(w.get_ref().len());
        if ics {
            rows::push_events(r, tr, &s.host, &url, &mut chunk.events)?;
        }
        chunk.event_ends.push(chunk.events.len());
    }
    chunk.rows = w.into_inner().map_err(rows::csv_error)?;
    chunk.rows.shrink_to_fit();
    chunk.events.shrink_to_fit();
    Ok(chunk)
}

/// Writes the unit's files that were asked for, made in `buf`.
fn unit_files(
    s: &Shared,
    made: &Made,
    w: &Wanted,
    buf: &mut Vec<u8>,
    put: &Put,
) -> Result<(), Diagnostic> {
    let refs = unit_tasks(s.r, w.unit);
    if let Some(path) = &w.csv {
        unit_csv(s, made, w.unit, &refs, buf)?;
        put(path, buf)?;
    }
    if let Some(path) = &w.ics {
        unit_ics(s, made, w.unit, &refs, buf)?;
        put(path, buf)?;
    }
    Ok(())
}

fn unit_csv(
    s: &Shared,
    made: &Made,
    u: UnitId,
    refs: &[TaskRef],
    buf: &mut Vec<u8>,
) -> Result<(), Diagnostic> {
    let led = &s.r.index.units[u].led;
    if !refs.is_empty() {
        super::check_columns(&s.r.theme.strings.csv_headers, 13)?;
    }
    buf.clear();
    buf.extend_from_slice(&s.csv_head);
    for &tr in refs {
        buf.extend_from_slice(s.records.open(made.get(tr)?.0));
        let role = if led.binary_search(&tr).is_ok() {
            &s.lead
        } else {
            &s.shared
        };
        buf.extend_from_slice(role);
    }
    Ok(())
}

/// The unit's calendar, named after it, holding its tasks' events.
fn unit_ics(
    s: &Shared,
    made: &Made,
    u: UnitId,
    refs: &[TaskRef],
    buf: &mut Vec<u8>,
) -> Result<(), Diagnostic> {
    let site = s.r.site;
    let unit = &site.units[u];
    let name = format!(
        "{} {}{}",
        site.jurisdictions[unit.jurisdiction].name, unit.name, s.r.theme.strings.calendar_suffix
    );
    let (head, foot) = rows::calendar_frame(&name)?;
    buf.clear();
    buf.extend_from_slice(head.as_bytes());
    for &tr in refs {
        buf.extend_from_slice(made.get(tr)?.1.as_bytes());
    }
    buf.extend_from_slice(foot.as_bytes());
    Ok(())
}
