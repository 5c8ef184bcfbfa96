//! Each unit's tasks as CSV (with its role in each) and its deadlines as
//! iCalendar. A task is listed by every unit it names, three or four on
//! average, so its CSV record and its events are made once and copied into
//! each unit's files. Units are done one jurisdiction at a time, their CSV
//! files then their calendars: a task's units are those of its plan's
//! jurisdiction, so only that jurisdiction's records, or its events, are
//! held at once. (Were a task to name units of two jurisdictions, it would
//! be made once in each: the files are the same.)

use std::io::{self, Write};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::{TaskRef, UnitId};
use crate::urls::{UNIT_CSV, UNIT_ICS};

use super::super::Input;
use super::Stream;
use super::ics::{self, CALENDAR_END};
use super::rows::{self, Records, RowMaker};

/// Stores one file: the path and its bytes.
pub(super) type Put<'a> = dyn Fn(&str, &[u8]) -> Result<(), Diagnostic> + Sync + 'a;

/// The two files of a unit.
#[derive(Clone, Copy)]
enum Kind {
    /// `tasks.csv`
    Csv,
    /// `deadlines.ics`
    Ics,
}

/// A unit whose file (of one kind) was asked for, and the file's path.
struct Wanted {
    unit: UnitId,
    path: String,
}

/// What every unit's files share.
struct Shared<'r> {
    r: &'r Input<'r>,
    records: &'r Records,
    /// Byte-order mark and column names.
    csv_head: Vec<u8>,
    /// The role cells that end a row, record terminator included.
    lead: Vec<u8>,
    responsible: Vec<u8>,
    participating: Vec<u8>,
    host: String,
}

/// Tasks are made this many at a time, into one buffer each: few
/// allocations.
const CHUNK: usize = 256;

/// One jurisdiction's tasks, each made once (as a CSV record or as
/// events), in order.
struct Made {
    /// Where each task is among them.
    slots: Slots,
    chunks: Vec<Chunk>,
}

/// A place for each task of the site: looking a task up costs no search.
struct Slots {
    /// By plan, the place of its first task.
    first: Vec<usize>,
    /// By place, the task's position among those made, or [`Slots::NONE`].
    at: Vec<u32>,
}

impl Slots {
    const NONE: u32 = u32::MAX;

    fn new(r: &Input) -> Slots {
        let mut first = Vec::with_capacity(r.site.plans.len());
        let mut total = 0;
        for plan in &r.site.plans {
            first.push(total);
            total += plan.tasks.len();
        }
        Slots {
            first,
            at: vec![Slots::NONE; total],
        }
    }

    fn place(&self, tr: TaskRef) -> Option<usize> {
        Some(self.first.get(tr.plan())? + tr.task())
    }

    /// Takes each of `refs` once and gives them back in document order,
    /// each recorded at its position among them: marked first, then found
    /// by walking the places, which needs no sort.
    fn take(&mut self, refs: impl Iterator<Item = TaskRef>) -> Vec<TaskRef> {
        let (mut lo, mut hi) = (usize::MAX, 0);
        for tr in refs {
            if let Some(k) = self.place(tr).filter(|&k| k < self.at.len()) {
                // Any position: the walk below numbers them.
                self.at[k] = 0;
                (lo, hi) = (lo.min(k), hi.max(k + 1));
            }
        }
        let mut taken = Vec::new();
        // The plan that holds `lo` is the last to start at or before it.
        let from = self.first.partition_point(|&f| f <= lo).saturating_sub(1);
        for (p, &start) in self.first.iter().enumerate().skip(from) {
            if start >= hi {
                break;
            }
            let end = self.first.get(p + 1).copied().unwrap_or(self.at.len());
            let slots = self.at.get_mut(start..end).unwrap_or_default();
            for (t, slot) in slots.iter_mut().enumerate() {
                if *slot != Slots::NONE {
                    *slot = u32::try_from(taken.len()).unwrap_or(Slots::NONE);
                    taken.push(TaskRef::new(p, t));
                }
            }
        }
        taken
    }

    /// Forgets the positions of `tasks`.
    fn clear(&mut self, tasks: &[TaskRef]) {
        for &tr in tasks {
            if let Some(slot) = self.place(tr).and_then(|k| self.at.get_mut(k)) {
                *slot = Slots::NONE;
            }
        }
    }

    fn get(&self, tr: TaskRef) -> Option<usize> {
        let i = *self.at.get(self.place(tr)?)?;
        (i != Slots::NONE).then_some(i as usize)
    }
}

/// Tasks' CSV records (without the role, terminator included) or events,
/// one after the other, with where each ends. Allocated at its size: the
/// allocator would keep a shrunk buffer's memory.
struct Chunk {
    text: Box<[u8]>,
    ends: Box<[usize]>,
}

/// Buffers that a chunk is made in, reused from chunk to chunk.
#[derive(Default)]
struct Scratch {
    rows: Vec<u8>,
    events: String,
    ends: Vec<usize>,
    url: String,
}

impl Made {
    /// The task's CSV record or events.
    fn get(&self, tr: TaskRef) -> Result<&[u8], Diagnostic> {
        let missing = || Diagnostic::error("data", 0, "a unit's task was not prepared");
        let i = self.slots.get(tr).ok_or_else(missing)?;
        let (c, j) = (self.chunks.get(i / CHUNK).ok_or_else(missing)?, i % CHUNK);
        let start = if j == 0 {
            Some(0)
        } else {
            c.ends.get(j - 1).copied()
        };
        let span = start.zip(c.ends.get(j).copied());
        span.and_then(|(a, b)| c.text.get(a..b)).ok_or_else(missing)
    }
}

/// Writes the files of every unit that `want` asks for, each streamed to
/// the sink: a group's files run to megabytes, and one per thread would be
/// held at the build's peak.
pub(super) fn write(
    r: &Input,
    want: &(dyn Fn(&str) -> bool + Sync),
    stream: &Stream,
) -> Result<(), Diagnostic> {
    let records = Records::new()?;
    let shared = shared(r, &records)?;
    let mut by_jurisdiction = vec![Vec::new(); r.site.jurisdictions.len()];
    for (u, unit) in r.site.units.iter().enumerate() {
        by_jurisdiction[unit.jurisdiction].push(u);
    }
    let mut slots = Slots::new(r);
    for units in by_jurisdiction {
        let (mut csv, mut ics) = (Vec::new(), Vec::new());
        for u in units {
            let dir = &r.views.unit_paths[u];
            let calendar = super::has_calendar(r.site, &r.index.units[u]);
            for (files, name, has) in [(&mut csv, UNIT_CSV, true), (&mut ics, UNIT_ICS, calendar)] {
                let path = format!("{dir}{name}");
                if has && want(&path) {
                    files.push(Wanted { unit: u, path });
                }
            }
        }
        for (kind, wanted) in [(Kind::Csv, csv), (Kind::Ics, ics)] {
            slots = write_kind(&shared, kind, &wanted, slots, stream)?;
        }
    }
    Ok(())
}

/// Writes the `wanted` files of one kind; gives back `slots` cleared.
fn write_kind(
    s: &Shared,
    kind: Kind,
    wanted: &[Wanted],
    slots: Slots,
    stream: &Stream,
) -> Result<Slots, Diagnostic> {
    if wanted.is_empty() {
        return Ok(slots);
    }
    let (tasks, made) = make(s, kind, wanted, slots)?;
    wanted.par_iter().try_for_each(|w| {
        stream(&w.path, &mut |out| match kind {
            Kind::Csv => unit_csv(s, &made, w.unit, out),
            Kind::Ics => unit_ics(s, &made, w.unit, out),
        })
    })?;
    let mut slots = made.slots;
    slots.clear(&tasks);
    Ok(slots)
}

fn shared<'r>(r: &'r Input<'r>, records: &'r Records) -> Result<Shared<'r>, Diagnostic> {
    let strings = &r.theme.strings;
    let mut csv_head = vec![0xEF, 0xBB, 0xBF];
    let names: Vec<&str> = strings
        .csv_headers
        .iter()
        .take(rows::COLUMNS + 1)
        .map(String::as_str)
        .collect();
    records.write(&names, false, &mut csv_head)?;
    Ok(Shared {
        r,
        records,
        csv_head,
        lead: records.last_cell(&strings.role_lead)?,
        responsible: records.last_cell(&strings.role_responsible)?,
        participating: records.last_cell(&strings.role_participating)?,
        host: rows::calendar_host(r),
    })
}

/// Makes the CSV records or the events of the tasks of the `wanted`
/// units. Returns the tasks, in order, and what was made of them.
fn make(
    s: &Shared,
    kind: Kind,
    wanted: &[Wanted],
    mut slots: Slots,
) -> Result<(Vec<TaskRef>, Made), Diagnostic> {
    let r = s.r;
    let tasks = slots.take(wanted.iter().flat_map(|w| {
        let t = &r.index.units[w.unit];
        t.led.iter().chain(&t.shared).copied()
    }));
    let chunks = tasks
        .par_chunks(CHUNK)
        .map_init(Scratch::default, |b, tasks| make_chunk(s, kind, tasks, b))
        .collect::<Result<_, Diagnostic>>()?;
    Ok((tasks, Made { slots, chunks }))
}

fn make_chunk(
    s: &Shared,
    kind: Kind,
    tasks: &[TaskRef],
    b: &mut Scratch,
) -> Result<Chunk, Diagnostic> {
    let r = s.r;
    b.rows.clear();
    b.events.clear();
    b.ends.clear();
    let mut maker = RowMaker::new(r);
    let mut w = s.records.writer(&mut b.rows);
    for &tr in tasks {
        b.url.clear();
        rows::push_url(r, tr, &mut b.url);
        match kind {
            Kind::Csv => {
                maker.row(tr, &b.url, &mut w)?;
                w.flush().map_err(rows::csv_error)?;
                b.ends.push(w.get_ref().len());
            }
            Kind::Ics => {
                rows::push_events(r, tr, &s.host, &b.url, &mut b.events)?;
                b.ends.push(b.events.len());
            }
        }
    }
    drop(w);
    let text = match kind {
        Kind::Csv => b.rows.as_slice(),
        Kind::Ics => b.events.as_bytes(),
    };
    Ok(Chunk {
        text: text.into(),
        ends: b.ends.as_slice().into(),
    })
}

fn unit_csv(s: &Shared, made: &Made, u: UnitId, out: &mut dyn Write) -> io::Result<()> {
    if s.r.index.units[u].total() > 0 {
        super::check_columns(&s.r.theme.strings.csv_headers, rows::COLUMNS + 1)
            .map_err(io_error)?;
    }
    out.write_all(&s.csv_head)?;
    for (tr, led) in s.r.index.units[u].in_order() {
        out.write_all(s.records.open(made.get(tr).map_err(io_error)?))?;
        out.write_all(role(s, tr, u, led))?;
    }
    Ok(())
}

/// The unit's role in the task, as the cell that ends its row: the three
/// roles of the documents are kept apart (a unit that shares a task is
/// either responsible for it or takes part).
fn role<'s>(s: &'s Shared, tr: TaskRef, u: UnitId, led: bool) -> &'s [u8] {
    let task = &s.r.site.plans[tr.plan()].tasks[tr.task()];
    if led {
        &s.lead
    } else if task.responsible().iter().any(|x| x == u) {
        &s.responsible
    } else {
        &s.participating
    }
}

/// The unit's calendar, named after it, holding its tasks' events.
fn unit_ics(s: &Shared, made: &Made, u: UnitId, out: &mut dyn Write) -> io::Result<()> {
    let site = s.r.site;
    let unit = &site.units[u];
    let name = format!(
        "{} {}{}",
        site.jurisdictions[unit.jurisdiction].name, unit.name, s.r.theme.strings.calendar_suffix
    );
    let head = ics::begin_calendar(&name).map_err(io_error)?;
    out.write_all(head.as_bytes())?;
    for (tr, _) in s.r.index.units[u].in_order() {
        out.write_all(made.get(tr).map_err(io_error)?)?;
    }
    out.write_all(CALENDAR_END.as_bytes())
}

/// A diagnostic carried through a writer.
fn io_error(d: Diagnostic) -> io::Error {
    io::Error::other(d.message)
}
