//! Calendar events, written by the icalendar crate. A task's events are
//! written once and copied into the calendar of each of its units, so a
//! calendar is written in three parts: its beginning, the events, its end.
//!
//! A hand-written writer saved less than 5 % of a whole 1,000-plan build
//! (BENCHMARKS.md, "Calendars and open data"): the crate writes.

use std::fmt::Write as _;

use chrono::NaiveDate;
use icalendar::{Component, EventLike};

use crate::diagnostics::Diagnostic;

/// One all-day event, of one day or more (a span, docs/deadlines.md).
pub(super) struct Event<'a> {
    pub description: &'a str,
    /// The first day of the event and the day after its last (RFC 5545,
    /// 3.6.1: an all-day event ends the next day).
    pub first: NaiveDate,
    pub end: NaiveDate,
    /// `DTSTAMP`: midnight UTC of this day.
    pub stamp: NaiveDate,
    pub summary: &'a str,
    pub uid: &'a str,
    /// The task's address; calendars allow only absolute ones (RFC 5545,
    /// 3.8.4.6), so none without an absolute base URL.
    pub url: Option<&'a str>,
}

/// What ends a calendar, after its events.
pub(super) const CALENDAR_END: &str = "END:VCALENDAR\r\n";

fn ics_error(what: &str) -> Diagnostic {
    Diagnostic::error("data", 0, format!("cannot write a calendar: {what}"))
}

/// What begins a calendar named `name`, before its events: the crate's
/// calendar without events, less its end.
pub(super) fn begin_calendar(name: &str) -> Result<String, Diagnostic> {
    let mut calendar = icalendar::Calendar::new();
    calendar.name(name);
    let mut text = calendar.done().to_string();
    let Some(head) = text.len().checked_sub(CALENDAR_END.len()) else {
        return Err(ics_error("the calendar is shorter than its end"));
    };
    if text.get(head..) != Some(CALENDAR_END) {
        return Err(ics_error("the calendar does not end with END:VCALENDAR"));
    }
    text.truncate(head);
    Ok(text)
}

/// Appends the event to `out`.
pub(super) fn push(e: &Event, out: &mut String) -> Result<(), Diagnostic> {
    // Midnight is a valid time of every day.
    let stamp = e.stamp.and_time(chrono::NaiveTime::MIN).and_utc();
    let mut event = icalendar::Event::new();
    event
        .uid(e.uid)
        .timestamp(stamp)
        .summary(e.summary)
        .description(e.description)
        .starts(e.first)
        .ends(e.end);
    if let Some(url) = e.url {
        event.url(url);
    }
    event
        .done()
        .fmt_write(out)
        .map_err(|_| ics_error("formatting failed"))
}

/// Appends `parts` to `out`, cleared first: the parts of a value.
pub(super) fn joined<'a>(out: &'a mut String, parts: &[&str]) -> &'a str {
    out.clear();
    for part in parts {
        // Writing to a String cannot fail.
        let _ = out.write_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::{CALENDAR_END, Event};

    /// A calendar of the crate, checked by another parser (the `ical`
    /// crate): one event, its dates and its text as given.
    #[test]
    fn a_calendar_reads_back_with_another_parser() {
        let day = |d| NaiveDate::from_ymd_opt(2025, 6, d).unwrap();
        let text = "加强宪法实施，完善备案审查制度；a,b;c\\d\n第二行".repeat(4);
        let event = Event {
            description: "《规划》 2025年6月底前",
            first: day(29),
            end: day(30),
            stamp: day(1),
            summary: &text,
            uid: "x-task-1-0@example.org",
            url: Some("https://example.org/plans/x/#task-1"),
        };
        let mut ics = super::begin_calendar("下陆区 区司法局 任务期限").unwrap();
        super::push(&event, &mut ics).unwrap();
        ics.push_str(CALENDAR_END);
        let mut calendars = ical::IcalParser::new(ics.as_bytes());
        let calendar = calendars.next().unwrap().unwrap();
        assert!(calendars.next().is_none());
        let [event] = &calendar.events[..] else {
            panic!("one event: {ics}");
        };
        let value = |name: &str| {
            let p = event.properties.iter().find(|p| p.name == name).unwrap();
            p.value.clone().unwrap()
        };
        assert_eq!(value("DTSTART"), "20250629");
        assert_eq!(value("DTEND"), "20250630");
        assert_eq!(value("DTSTAMP"), "20250601T000000Z");
        let unescaped = value("SUMMARY")
            .replace("\\n", "\n")
            .replace("\\,", ",")
            .replace("\\;", ";")
            .replace("\\\\", "\\");
        assert_eq!(unescaped, text);
        assert_eq!(value("UID"), "x-task-1-0@example.org");
    }
}
