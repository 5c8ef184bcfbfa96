//! Calendar events written as text, byte for byte as the icalendar crate
//! writes them (the tests below compare the two on many values). The crate
//! builds each event as a map of owned strings, formats dates with chrono's
//! strftime and escapes a value in four passes; a unit's calendar on a big
//! site holds thousands of events, each made once per jurisdiction, and
//! that work was most of the data phase. The calendar around the events
//! is written the same way, for each unit.

use chrono::NaiveDate;

use super::dates;

/// Writes events into a text, reusing one buffer for each content line.
#[derive(Default)]
pub(super) struct Events {
    line: String,
}

/// One all-day event, of one day or more (a span, docs/deadlines.md).
/// The text values are given in parts, which are escaped one after the
/// other: escaping works character by character.
pub(super) struct Event<'a> {
    pub description: &'a [&'a str],
    /// The first day of the event and the day after its last (RFC 5545,
    /// 3.6.1: an all-day event ends the next day).
    pub first: NaiveDate,
    pub end: NaiveDate,
    /// `DTSTAMP`: midnight UTC of this day.
    pub stamp: NaiveDate,
    pub summary: &'a [&'a str],
    pub uid: &'a [&'a str],
    pub url: &'a str,
}

/// What ends a calendar, after its events.
pub(super) const CALENDAR_END: &str = "END:VCALENDAR\r\n";

impl Events {
    /// Appends what begins a calendar named `name`, before its events: the
    /// crate's `Calendar::new().name(name)`.
    pub fn begin_calendar(&mut self, name: &str, out: &mut String) {
        out.push_str("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:ICALENDAR-RS\r\n");
        out.push_str("CALSCALE:GREGORIAN\r\n");
        // The crate does not know NAME (RFC 7986) as TEXT: not escaped.
        self.line.clear();
        self.line.push_str("NAME:");
        self.line.push_str(name);
        self.end_line(out);
        self.text(out, "X-WR-CALNAME", &[name]);
    }

    /// Appends the event to `out`, its properties in the crate's order (by
    /// name: it keeps them in a sorted map).
    pub fn push(&mut self, e: &Event, out: &mut String) {
        out.push_str("BEGIN:VEVENT\r\n");
        self.text(out, "DESCRIPTION", e.description);
        self.date(out, "DTEND;VALUE=DATE", e.end, "");
        self.date(out, "DTSTAMP", e.stamp, "T000000Z");
        self.date(out, "DTSTART;VALUE=DATE", e.first, "");
        self.text(out, "SUMMARY", e.summary);
        self.text(out, "UID", e.uid);
        // A URI is not escaped.
        self.line.clear();
        self.line.push_str("URL:");
        self.line.push_str(e.url);
        self.end_line(out);
        out.push_str("END:VEVENT\r\n");
    }

    /// A property of type TEXT, escaped.
    fn text(&mut self, out: &mut String, name: &str, parts: &[&str]) {
        self.line.clear();
        self.line.push_str(name);
        self.line.push(':');
        for part in parts {
            escape_into(&mut self.line, part);
        }
        self.end_line(out);
    }

    /// A date (`%Y%m%d`) and what follows it.
    fn date(&mut self, out: &mut String, name: &str, date: NaiveDate, then: &str) {
        self.line.clear();
        self.line.push_str(name);
        self.line.push(':');
        dates::push_basic(&mut self.line, date);
        self.line.push_str(then);
        self.end_line(out);
    }

    fn end_line(&self, out: &mut String) {
        fold_into(out, &self.line);
        out.push_str("\r\n");
    }
}

/// Escapes a TEXT value (RFC 5545, 3.3.11) as the crate does: a backslash,
/// a comma, a semicolon and a line feed are escaped; nothing else is.
fn escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = next_mark(rest.as_bytes()) {
        // The marks are ASCII: `i` and `i + 1` are character boundaries.
        out.push_str(rest.get(..i).unwrap_or_default());
        out.push_str(match rest.as_bytes().get(i) {
            Some(b'\n') => "\\n",
            Some(b',') => "\\,",
            Some(b';') => "\\;",
            _ => "\\\\",
        });
        rest = rest.get(i + 1..).unwrap_or_default();
    }
    out.push_str(rest);
}

/// Where the first byte to escape is. memchr looks at many bytes at once:
/// most values, Chinese text, have none.
fn next_mark(bytes: &[u8]) -> Option<usize> {
    let mark = memchr::memchr3(b'\\', b',', b';', bytes);
    match memchr::memchr(b'\n', bytes) {
        Some(n) => Some(mark.map_or(n, |m| m.min(n))),
        None => mark,
    }
}

/// Octets in a content line before it is folded.
const LIMIT: usize = 75;

/// Appends `line` folded as the crate folds it (RFC 5545, 3.1): cut before
/// 75 octets, never inside a UTF-8 character, each further part after
/// CRLF and a space. Two oddities of the crate are kept, since the output
/// must not change: it moves a cut back one octet when the character whose
/// *character* index equals the cut's byte index is whitespace, and it
/// stops cutting when no more than 75 octets remain, so that a last part
/// can take 76 octets with its leading space.
fn fold_into(out: &mut String, line: &str) {
    let mut remaining = line.len();
    if remaining <= LIMIT {
        out.push_str(line);
        return;
    }
    // Counted once: most cuts of a Chinese line lie past its last character.
    let chars = line.chars().count();
    let space_at = |i: usize| i < chars && line.chars().nth(i).is_some_and(char::is_whitespace);
    let (mut pos, mut next) = (0, LIMIT);
    while remaining > LIMIT {
        if space_at(next) {
            next -= 1;
        }
        while !line.is_char_boundary(next) {
            next -= 1;
            if space_at(next) {
                next = next.saturating_sub(1);
            }
        }
        // A cut is always some 70 octets past the last one.
        let Some(part) = line.get(pos..next) else {
            break;
        };
        out.push_str(part);
        out.push_str("\r\n ");
        remaining -= part.len();
        pos = next;
        next += LIMIT - 1;
    }
    out.push_str(line.get(pos..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use icalendar::{Component, EventLike};

    use super::{CALENDAR_END, Event, Events};

    /// The event as the icalendar crate makes it.
    fn crate_event(e: &Event) -> icalendar::Event {
        let stamp = e.stamp.and_hms_opt(0, 0, 0).unwrap().and_utc();
        let mut event = icalendar::Event::new();
        event
            .uid(&e.uid.concat())
            .timestamp(stamp)
            .summary(&e.summary.concat())
            .description(&e.description.concat())
            .url(e.url)
            .starts(e.first)
            .ends(e.end);
        event.done()
    }

    /// The event as the icalendar crate writes it.
    fn crates(e: &Event) -> String {
        let mut out = String::new();
        crate_event(e).fmt_write(&mut out).unwrap();
        out
    }

    fn ours(e: &Event) -> String {
        let mut out = String::new();
        Events::default().push(e, &mut out);
        out
    }

    /// Texts of every length up to 400 octets, mixing what escaping and
    /// folding look at: ASCII, spaces (ASCII and not), the escaped marks,
    /// and characters of two, three and four octets.
    fn texts() -> Vec<String> {
        let alphabet = [
            "a", "7", " ", "\t", ",", ";", "\\", "\n", "\r", ":", "é", "中", "文", "\u{3000}",
            "\u{a0}", "𝄞", "《", "》",
        ];
        let mut texts: Vec<String> = vec![String::new()];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in 0..400 {
            for _ in 0..6 {
                let mut s = String::new();
                // Runs of one kind, as real text has.
                while s.len() < len {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    let pick = alphabet[(seed % alphabet.len() as u64) as usize];
                    for _ in 0..=(seed >> 40) % 8 {
                        s.push_str(pick);
                    }
                }
                texts.push(s);
            }
        }
        for n in [70, 73, 74, 75, 76, 77, 148, 149, 150, 151, 152, 225, 226] {
            texts.push("x".repeat(n));
            texts.push(format!("{}中", "x".repeat(n)));
            texts.push(format!("{} {}", "x".repeat(n), "y".repeat(n)));
            texts.push("中".repeat(n / 3 + 1));
            texts.push(format!("{}{}", " ".repeat(n / 2), "中".repeat(n / 3)));
        }
        texts
    }

    /// A calendar holding `events`, as the crate writes it and as we do.
    fn calendars(name: &str, events: &[Event]) -> (String, String) {
        let mut cal = icalendar::Calendar::new();
        cal.name(name);
        for e in events {
            cal.push(crate_event(e));
        }
        let crates: String = (&cal.done()).try_into().unwrap();
        let mut writer = Events::default();
        let mut ours = String::new();
        writer.begin_calendar(name, &mut ours);
        for e in events {
            writer.push(e, &mut ours);
        }
        ours.push_str(CALENDAR_END);
        (ours, crates)
    }

    #[test]
    fn calendars_are_the_crates_byte_for_byte() {
        let date = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let texts = texts();
        let event = |text: &'static [&'static str]| Event {
            description: text,
            first: date,
            end: date.succ_opt().unwrap(),
            stamp: date,
            summary: text,
            uid: &["x-task-1-0@example.org"],
            url: "/plans/x/#task-1",
        };
        let some = [event(&["2025年6月底前"]), event(&["a,b;c\\d"])];
        for name in &texts {
            for events in [&[][..], &some[..1], &some[..]] {
                let (ours, crates) = calendars(name, events);
                assert_eq!(ours, crates, "{name:?}");
            }
        }
    }

    #[test]
    fn events_are_the_crates_byte_for_byte() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let dates = [
            date(2025, 6, 30),
            date(1, 1, 1),
            date(0, 12, 31),
            date(9999, 12, 31),
            date(10000, 1, 1),
            date(-5, 3, 4),
            NaiveDate::MIN,
            NaiveDate::MAX,
        ];
        let texts = texts();
        let url = format!("https://example.org/{}/plans/x/#task-1", "long/".repeat(20));
        for (k, t) in texts.iter().enumerate() {
            let other = &texts[(k * 7 + 3) % texts.len()];
            let event = Event {
                description: &[t, " ", other],
                first: dates[k % dates.len()],
                stamp: dates[(k / 3) % dates.len()],
                summary: &["12", " ", t],
                // Every fifth event a span: from the date to the next one.
                end: if k % 5 == 0 {
                    dates[k % dates.len()].max(dates[(k + 1) % dates.len()])
                } else {
                    dates[k % dates.len()].succ_opt().unwrap_or(NaiveDate::MAX)
                },
                uid: &[other, "-task-3-", "0", "@", "example.org"],
                url: if k % 2 == 0 { &url } else { "/plans/x/#task-1" },
            };
            assert_eq!(ours(&event), crates(&event), "{t:?} / {other:?}");
        }
    }
}
