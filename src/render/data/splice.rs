//! The rows of unchanged plans in the files of all tasks, copied from the
//! previous build's files instead of made again (issue 20: at 5,000 plans
//! the two files are about 600 MB, and an edit changes one plan's rows).
//!
//! A plan's rows show only what its own page and data file show: when
//! [`crate::affects`] finds the plan unchanged, they are the same bytes.
//! Each build records how long each plan's rows are ([`Rows`], kept in its
//! state); the next build finds them in the previous files from that, and
//! copies them only when each previous file is as long as the lengths say.

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::model::PlanId;
use crate::urls;

/// The length in bytes of each plan's rows in the files of all tasks, by
/// plan id: in `data/tasks.json` its task records joined by commas, in
/// `data/tasks.csv` its records.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rows {
    pub json: Vec<u64>,
    pub csv: Vec<u64>,
    /// The CSV file's byte-order mark and header.
    pub csv_head: u64,
}

impl Rows {
    /// Whether both files' lengths are there for each of `plans` plans.
    pub fn covers(&self, plans: usize) -> bool {
        self.json.len() == plans && self.csv.len() == plans
    }
}

/// The previous build's files of all tasks, where unchanged plans' rows
/// are copied from.
pub struct Previous {
    pub(super) json: Option<Source>,
    pub(super) csv: Option<Source>,
}

impl Previous {
    /// The files in the previous output `dir`, whose state recorded `rows`;
    /// `was` is, for each plan of the new model, its previous id when it is
    /// unchanged. A file that is missing or not as long as `rows` says is
    /// not copied from (its rows are all made).
    pub fn open(dir: &Path, rows: &Rows, was: &[Option<PlanId>]) -> Previous {
        let (json_at, json_len) = json_layout(&rows.json);
        let (csv_at, csv_len) = csv_layout(rows.csv_head, &rows.csv);
        Previous {
            json: Source::open(&dir.join(urls::TASKS_JSON), json_len, was, |q| {
                Some((*json_at.get(q)?, *rows.json.get(q)?))
            }),
            csv: Source::open(&dir.join(urls::TASKS_CSV), csv_len, was, |q| {
                Some((*csv_at.get(q)?, *rows.csv.get(q)?))
            }),
        }
    }
}

/// Where each old plan's items start in `[a,b,c]\n` (only plans with tasks
/// have items, and commas), and the file's length.
fn json_layout(lens: &[u64]) -> (Vec<u64>, u64) {
    let mut at = Vec::with_capacity(lens.len());
    let mut pos = 1;
    for &len in lens {
        at.push(pos);
        if len > 0 {
            pos += len + 1;
        }
    }
    // `pos` counts a comma after the last items, where `]\n` is.
    let total = if pos == 1 { 3 } else { pos + 1 };
    (at, total)
}

/// Where each old plan's records start after the head, and the file's
/// length.
fn csv_layout(head: u64, lens: &[u64]) -> (Vec<u64>, u64) {
    let mut at = Vec::with_capacity(lens.len());
    let mut pos = head;
    for &len in lens {
        at.push(pos);
        pos += len;
    }
    (at, pos)
}

/// One previous file, and where the rows of each plan of the new model are
/// in it when they can be copied.
pub(super) struct Source {
    file: File,
    at: Vec<Option<(u64, u64)>>,
}

impl Source {
    fn open(
        path: &Path,
        len: u64,
        was: &[Option<PlanId>],
        range: impl Fn(PlanId) -> Option<(u64, u64)>,
    ) -> Option<Source> {
        let file = File::open(path).ok()?;
        if file.metadata().ok()?.len() != len {
            return None;
        }
        let at = was.iter().map(|w| w.and_then(&range)).collect();
        Some(Source { file, at })
    }

    /// The length of plan `p`'s rows, when they are copied.
    pub fn len(&self, p: PlanId) -> Option<u64> {
        self.at.get(p).copied().flatten().map(|(_, len)| len)
    }

    /// Where plan `p`'s rows are in the previous file, when copied.
    fn range(&self, p: PlanId) -> Option<(u64, u64)> {
        self.at.get(p).copied().flatten()
    }

    /// Copies the bytes `run` of the previous file into `out`, through
    /// `buf`, in pieces bigger than the sink's buffer (so written straight
    /// to the file, not copied into the buffer first).
    fn copy(&self, run: (u64, u64), out: &mut dyn Write, buf: &mut Vec<u8>) -> io::Result<()> {
        const PIECE: u64 = 4 << 20;
        let (mut at, end) = run;
        while at < end {
            let n = usize::try_from((end - at).min(PIECE)).map_err(io::Error::other)?;
            buf.resize(n, 0);
            self.file.read_exact_at(buf, at)?;
            out.write_all(buf)?;
            at += n as u64;
        }
        Ok(())
    }
}

/// Copies runs of consecutive plans' rows at once: unchanged plans that
/// stay in order are one range of the previous file (their separators
/// included), whatever their number.
pub(super) struct Runs<'s> {
    from: &'s Source,
    run: Option<(u64, u64)>,
    buf: Vec<u8>,
}

impl<'s> Runs<'s> {
    pub fn new(from: &'s Source) -> Self {
        Runs {
            from,
            run: None,
            buf: Vec::new(),
        }
    }

    /// Adds plan `p`'s rows, preceded by `gap` bytes of the previous file
    /// (a JSON comma) when they follow the run there; else writes the run
    /// out, then `sep`, and starts a new one. Their length; `None` when
    /// `p` has no rows to copy.
    pub fn add(
        &mut self,
        p: PlanId,
        (gap, sep): (u64, &[u8]),
        out: &mut dyn Write,
    ) -> io::Result<Option<u64>> {
        let Some((at, len)) = self.from.range(p) else {
            return Ok(None);
        };
        match self.run {
            Some((start, end)) if end + gap == at => self.run = Some((start, at + len)),
            _ => {
                self.flush(out)?;
                out.write_all(sep)?;
                self.run = Some((at, at + len));
            }
        }
        Ok(Some(len))
    }

    /// Writes out the pending run, before anything else is written.
    pub fn flush(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.run.take() {
            Some(run) => self.from.copy(run, out, &mut self.buf),
            None => Ok(()),
        }
    }
}

/// Counts what goes through it, shared by the CSV writer and the copies
/// between its records. `flush` does not flush the file below, so that the
/// CSV writer can be flushed after every plan (to count its records)
/// without a write to the file each time.
pub(super) struct Counter<'w> {
    inner: RefCell<&'w mut dyn Write>,
    n: Cell<u64>,
}

impl<'w> Counter<'w> {
    pub fn new(inner: &'w mut dyn Write) -> Self {
        Counter {
            inner: RefCell::new(inner),
            n: Cell::new(0),
        }
    }

    /// How many bytes went through.
    pub fn count(&self) -> u64 {
        self.n.get()
    }

    /// Flushes the file below.
    pub fn flush_inner(&self) -> io::Result<()> {
        self.inner.borrow_mut().flush()
    }
}

impl Write for &Counter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.borrow_mut().write(buf)?;
        self.n.set(self.n.get() + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_layout_finds_items_between_commas() {
        // `[` a(2) `,` b(3) `]\n`, with an empty plan between them.
        let (at, total) = json_layout(&[2, 0, 3]);
        assert_eq!(at, vec![1, 4, 4]);
        assert_eq!(total, "[aa,bbb]\n".len() as u64);
        assert_eq!(json_layout(&[0, 0]).1, "[]\n".len() as u64);
        assert_eq!(json_layout(&[]).1, 3);
    }

    #[test]
    fn csv_layout_follows_the_head() {
        let (at, total) = csv_layout(10, &[5, 0, 7]);
        assert_eq!(at, vec![10, 15, 15]);
        assert_eq!(total, 22);
    }
}
