//! Dates written as chrono writes them, without its formatting machinery:
//! the data files hold hundreds of thousands of them.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::model::{Deadline, When};

/// The date's digits, `YYYYMMDD` in ASCII, for a year from 0 to 9999
/// (every plan's is); none for other years, which chrono writes with a
/// sign.
fn digits(date: NaiveDate) -> Option<[u8; 8]> {
    let year = u32::try_from(date.year()).ok().filter(|&y| y <= 9999)?;
    let mut rest = year * 10_000 + date.month() * 100 + date.day();
    let mut digits = [b'0'; 8];
    for d in digits.iter_mut().rev() {
        // A digit: below 10.
        *d += (rest % 10) as u8;
        rest /= 10;
    }
    Some(digits)
}

/// Appends the date as chrono's `%Y%m%d` writes it (`20250630`).
pub(super) fn push_basic(out: &mut String, date: NaiveDate) {
    match digits(date) {
        Some(d) => out.push_str(std::str::from_utf8(&d).unwrap_or_default()),
        // Writing to a String cannot fail.
        None => drop(write!(out, "{}", date.format("%Y%m%d"))),
    }
}

/// Appends the date as chrono's `Display` writes it (`2025-06-30`).
pub(super) fn push_iso(out: &mut String, date: NaiveDate) {
    match digits(date) {
        Some([y0, y1, y2, y3, m0, m1, d0, d1]) => {
            let iso = [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1];
            out.push_str(std::str::from_utf8(&iso).unwrap_or_default());
        }
        None => drop(write!(out, "{date}")),
    }
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

#[cfg(test)]
mod tests {
    use chrono::{Datelike, Days, NaiveDate};

    #[test]
    fn dates_are_written_as_chrono_writes_them() {
        let mut dates = vec![NaiveDate::MIN, NaiveDate::MAX];
        for (y, m, d) in [
            (0, 1, 1),
            (1, 2, 3),
            (999, 12, 31),
            (9999, 12, 31),
            (10000, 1, 1),
        ] {
            dates.push(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        }
        dates.push(NaiveDate::from_ymd_opt(-1, 6, 30).unwrap());
        let mut day = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap();
        while day.year() < 2031 {
            dates.push(day);
            day = day.checked_add_days(Days::new(1)).unwrap();
        }
        for date in dates {
            let (mut basic, mut iso) = (String::new(), String::new());
            super::push_basic(&mut basic, date);
            super::push_iso(&mut iso, date);
            assert_eq!(basic, date.format("%Y%m%d").to_string());
            assert_eq!(iso, date.to_string());
        }
    }
}
