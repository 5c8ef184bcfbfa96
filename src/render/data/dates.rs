//! Deadlines as the data files write them: dates in ISO 8601, intervals,
//! and the days of calendar events.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::model::{Deadline, When};

/// Appends the date in ISO 8601 (`2025-06-30`), as chrono writes it.
pub(super) fn push_iso(out: &mut String, date: NaiveDate) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{date}");
}

/// Appends a deadline as the `deadlines` cell of the CSV files writes it
/// (docs/deadlines.md), in ISO 8601 notation: a limit's due date
/// (`2015-12-31`), a start as an interval without an end (`2015-01-01/..`),
/// a span as an interval (`2021-01-01/2022-12-31`). Returns false, and
/// appends nothing, when a date it needs cannot be read.
pub(super) fn push_deadline(out: &mut String, d: &Deadline) -> bool {
    match d.when {
        When::By { due: Some(due) } => push_iso(out, due),
        When::From { start: Some(start) } => {
            push_iso(out, start);
            out.push_str("/..");
        }
        When::Span {
            start: Some(start),
            end: Some(end),
        } => {
            push_iso(out, start);
            out.push('/');
            push_iso(out, end);
        }
        _ => return false,
    }
    true
}

/// The days a calendar event of a deadline covers (docs/deadlines.md): a
/// limit's due day, a start's first day, a span's whole length; as the
/// first day and the day after the last, which is how RFC 5545 ends an
/// all-day event.
pub(crate) fn event_days(d: &Deadline) -> Option<(NaiveDate, NaiveDate)> {
    let (first, last) = match d.when {
        When::By { due: Some(day) } | When::From { start: Some(day) } => (day, day),
        When::Span {
            start: Some(start),
            end: Some(end),
        } if start <= end => (start, end),
        _ => return None,
    };
    Some((first, last.succ_opt()?))
}
