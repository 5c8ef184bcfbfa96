//! Deadlines written in prose: `2015年6月底前`, `2015年底前`, `从2015年起`,
//! `到2020年`, `2021年-2022年`...
//!
//! Documents never write ISO dates: they name a period (a year, a half year, a
//! quarter, a month, a day) and say whether it is a limit (`前`, `到`), a start
//! (`从…起`) or a span (`2021年-2022年`). A deadline keeps the words exactly as
//! written, for readers, and the dates they mean ([`When`]), kept apart:
//! a limit (`2015年底前`, `到2020年`, `2024年前`) is due on the *last* day of
//! the named period, the moment by which the work must be done; a start
//! (`从2015年起`) begins on its *first* day and has no due date; a span
//! (`2021年-2022年`) runs from the first day of its first period to the last
//! day of its second. docs/deadlines.md tells readers of the data files.
//!
//! Things this deliberately does not read: years written in Chinese numerals
//! (`二〇二〇年`), relative times (`三年内`, `长期坚持`, `持续推进`), and bare
//! month names without a year.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::{CaptureLocations, Regex};

use crate::model::{Deadline, When};

/// One digit, half- or full-width (documents straight from a portal use `２０１５年`).
const D: &str = "[0-9０-９]";
/// Stray spaces inside a phrase, as text copied off the web has them (`2015 年`);
/// bounded so that every attempt to match stays short.
const S: &str = r"[ \t\x{a0}\x{3000}]{0,2}";

/// A time expression; `n` numbers the capture groups so that the first and the
/// second end of a span can live in one regex.
fn time_expr(n: u8) -> String {
    format!(
        r"(?P<y{n}>{D}{{4}}){S}(?P<nian{n}>年{S}(?:(?P<m{n}>{D}{{1,2}}){S}月{S}(?:(?P<d{n}>{D}{{1,2}}){S}[日号]|(?P<p{n}>上旬|中旬|下旬|底|末))?|(?P<h{n}>上半年|下半年)|(?P<q{n}>第?{S}[一二三四1-4１-４]{S}季度)(?:末|底)?|年底|年末|底|末|度)?)?"
    )
}

crate::patterns::patterns! {
    /// The start of a deadline: an optional `从`/`到`… and the first time
    /// expression.
    static TIME_RE = format!(
        r"(?P<pre>从|自|截至|截止到|截止|直至|直到|到|至)?{S}{}",
        time_expr(1)
    );

    /// The second half of a span, right after the first time expression:
    /// `-2022年`, `—2022年`, `至2022年`, or a month of the same year (`至12月`).
    static SPAN_RE = format!(
        r"^{S}(?:[-—–－~～]{{1,3}}|至|到){S}(?:{}|(?P<mo2>{D}{{1,2}}){S}月(?:底|末)?)",
        time_expr(2)
    );
}

/// What follows a time expression and decides its kind, in the order a
/// regex alternation would try them (see [`post_end`]).
const POSTS: [&str; 9] = [
    "之前", "以前", "前", "起", "开始", "以来", "以后", "之后", "至今",
];

/// Finds every deadline phrase in `text`, in order of appearance.
///
/// Never fails: a phrase whose date cannot exist (`2015年13月`) is kept with
/// `date: None`, so that readers still see the words.
pub fn parse_deadlines(text: &str) -> Vec<Deadline> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let Some(time) = find_time(text, pos) else {
            break;
        };
        let retry = next_char_boundary(text, time.year_start);
        if text[..time.year_start]
            .chars()
            .next_back()
            .is_some_and(is_digit)
        {
            // `12015年`: not a year.
            pos = retry;
            continue;
        }
        let first = time.expr;
        let mut end = time.end;
        let when = match span_after(text, end, &first) {
            Some((second, span_end)) => {
                end = span_end;
                end = post_end(text, end).map_or(end, |(e, _)| e);
                When::Span {
                    start: first.start_date(),
                    end: second.end_date(),
                }
            }
            None => {
                if !first.has_nian {
                    // A bare `2021` is a number, not a time.
                    pos = retry;
                    continue;
                }
                let pre = time.pre;
                let post = post_end(text, end);
                if let Some((e, _)) = post {
                    end = e;
                }
                let from = matches!(pre, Some("从" | "自"))
                    || matches!(
                        post.map(|(_, p)| p),
                        Some("起" | "开始" | "以来" | "以后" | "之后" | "至今")
                    );
                if from {
                    When::From {
                        start: first.start_date(),
                    }
                } else {
                    When::By {
                        due: first.end_date(),
                    }
                }
            }
        };
        let words = text[time.start..end].trim_matches(is_space);
        out.push(Deadline {
            text: words.to_string(),
            when,
        });
        pos = end.max(retry);
    }
    out
}

/// The second half of a span ([`SPAN_RE`]) right after the time expression
/// `first`, which ends at `end`: the second time and where the span ends.
fn span_after(text: &str, end: usize, first: &TimeExpr) -> Option<(TimeExpr, usize)> {
    let after = &text[end..];
    // Most time expressions are not spans: no regex for them.
    if !may_start_span(after) {
        return None;
    }
    let mut caps = SPAN_RE.capture_locations();
    let span_end = SPAN_RE.captures_read(&mut caps, after)?.end();
    let second = if caps.get(GROUPS_2.y).is_some() {
        TimeExpr::from_locs(&caps, after, &GROUPS_2)?
    } else {
        let month = group(&caps, after, *MONTH_2).and_then(number);
        TimeExpr {
            year: first.year,
            has_nian: first.has_nian,
            part: Part::Month(month.unwrap_or(0), SubMonth::End),
        }
    };
    let after_y2 = caps.get(GROUPS_2.y).map(|(_, y_end)| end + y_end);
    let digit_follows = after_y2
        .and_then(|i| text[i..].chars().next())
        .is_some_and(is_digit);
    let plausible = first.has_nian
        || second.has_nian
        || ((1900..=2199).contains(&first.year)
            && (1900..=2199).contains(&second.year)
            && first.year <= second.year);
    (plausible && !digit_follows).then_some((second, end + span_end))
}

/// The capture groups of one time expression ([`time_expr`]) by index,
/// looked up by name once.
struct Groups {
    y: usize,
    nian: usize,
    m: usize,
    d: usize,
    p: usize,
    h: usize,
    q: usize,
}

impl Groups {
    /// The groups numbered `n` in `re`.
    fn of(re: &Regex, n: &str) -> Groups {
        let index = |name: &str| group_index(re, &format!("{name}{n}"));
        Groups {
            y: index("y"),
            nian: index("nian"),
            m: index("m"),
            d: index("d"),
            p: index("p"),
            h: index("h"),
            q: index("q"),
        }
    }
}

/// The index of a named group; one past the last group (which matches
/// nothing) if there is none.
fn group_index(re: &Regex, name: &str) -> usize {
    re.capture_names()
        .position(|n| n == Some(name))
        .unwrap_or(re.captures_len())
}

static GROUPS_1: LazyLock<Groups> = LazyLock::new(|| Groups::of(&TIME_RE, "1"));
static GROUPS_2: LazyLock<Groups> = LazyLock::new(|| Groups::of(&SPAN_RE, "2"));
static PRE: LazyLock<usize> = LazyLock::new(|| group_index(&TIME_RE, "pre"));
static MONTH_2: LazyLock<usize> = LazyLock::new(|| group_index(&SPAN_RE, "mo2"));

/// The text of group `i` in `haystack`, when it matched.
fn group<'h>(caps: &CaptureLocations, haystack: &'h str, i: usize) -> Option<&'h str> {
    let (start, end) = caps.get(i)?;
    haystack.get(start..end)
}

/// Up to two spaces of [`S`] at the start of `s` skipped, greedily (as the
/// regex, which can only do worse with fewer: a space is never what follows).
fn skip_spaces(s: &str) -> &str {
    let mut rest = s;
    for _ in 0..2 {
        match rest.strip_prefix([' ', '\t', '\u{a0}', '\u{3000}']) {
            Some(r) => rest = r,
            None => break,
        }
    }
    rest
}

/// Whether [`SPAN_RE`] can match `s`: after its spaces comes a dash, `至` or
/// `到`. Most time expressions are not spans, and this spares them the regex.
fn may_start_span(s: &str) -> bool {
    skip_spaces(s).starts_with(['-', '—', '–', '－', '~', '～', '至', '到'])
}

/// The end of a suffix such as `前` or `起` right after `at`, and the suffix:
/// what `^{S}(之前|以前|前|…)` matches, without a regex.
fn post_end(text: &str, at: usize) -> Option<(usize, &str)> {
    let after = text.get(at..)?;
    let rest = skip_spaces(after);
    let post = POSTS.iter().find(|p| rest.starts_with(**p))?;
    let start = at + (after.len() - rest.len());
    Some((start + post.len(), &text[start..start + post.len()]))
}

/// What [`TIME_RE`] matches: where, the `pre` word, where the year starts
/// and the time expression its groups hold.
#[derive(Debug, PartialEq)]
struct TimeMatch<'t> {
    start: usize,
    end: usize,
    pre: Option<&'t str>,
    year_start: usize,
    expr: TimeExpr,
}

/// The leftmost match of [`TIME_RE`] at or after `pos`. A reader by hand
/// saved 0.34 G instructions of a 1,000-plan build (1 %, BENCHMARKS.md,
/// "Readers by hand against their regexes"): under the 5 % that would keep
/// one.
fn find_time(text: &str, pos: usize) -> Option<TimeMatch<'_>> {
    let mut caps = TIME_RE.capture_locations();
    let whole = TIME_RE.captures_read_at(&mut caps, text, pos)?;
    Some(TimeMatch {
        start: whole.start(),
        end: whole.end(),
        pre: group(&caps, text, *PRE),
        year_start: caps.get(GROUPS_1.y)?.0,
        expr: TimeExpr::from_locs(&caps, text, &GROUPS_1)?,
    })
}

fn next_char_boundary(text: &str, at: usize) -> usize {
    text[at..]
        .chars()
        .next()
        .map_or(text.len(), |c| at + c.len_utf8())
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Reads digits, half- or full-width; `None` on anything else or overflow.
fn number(s: &str) -> Option<u32> {
    let mut n: u32 = 0;
    let mut any = false;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            '一' => 1,
            '二' => 2,
            '三' => 3,
            '四' => 4,
            c if is_space(c) || c == '第' || c == '季' || c == '度' => continue,
            _ => return None,
        };
        n = n.checked_mul(10)?.checked_add(d)?;
        any = true;
    }
    any.then_some(n)
}

/// Which part of a month a phrase names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SubMonth {
    /// 上旬: by the 10th.
    Early,
    /// 中旬: by the 20th.
    Middle,
    /// The whole month, 下旬, 底, 末: by its last day.
    End,
}

/// The period a time expression names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Year,
    /// true for 上半年.
    Half(bool),
    Quarter(u32),
    Month(u32, SubMonth),
    Day(u32, u32),
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct TimeExpr {
    year: i32,
    /// Whether `年` was written (a bare four-digit number is only a year inside a span).
    has_nian: bool,
    part: Part,
}

impl TimeExpr {
    /// Reads the groups of `g` (see [`time_expr`]) matched in `haystack`.
    fn from_locs(c: &CaptureLocations, haystack: &str, g: &Groups) -> Option<Self> {
        let get = |i: usize| group(c, haystack, i);
        let year = i32::try_from(number(get(g.y)?)?).ok()?;
        let part = if let Some(m) = get(g.m) {
            let month = number(m)?;
            if let Some(d) = get(g.d) {
                Part::Day(month, number(d)?)
            } else {
                let sub = match get(g.p) {
                    Some("上旬") => SubMonth::Early,
                    Some("中旬") => SubMonth::Middle,
                    _ => SubMonth::End,
                };
                Part::Month(month, sub)
            }
        } else if let Some(h) = get(g.h) {
            Part::Half(h == "上半年")
        } else if let Some(q) = get(g.q) {
            Part::Quarter(number(q)?)
        } else {
            Part::Year
        };
        Some(TimeExpr {
            year,
            has_nian: get(g.nian).is_some(),
            part,
        })
    }

    /// The last day of the named period; `None` when it cannot exist.
    fn end_date(&self) -> Option<NaiveDate> {
        let y = self.year;
        match self.part {
            Part::Year => NaiveDate::from_ymd_opt(y, 12, 31),
            Part::Half(true) => NaiveDate::from_ymd_opt(y, 6, 30),
            Part::Half(false) => NaiveDate::from_ymd_opt(y, 12, 31),
            Part::Quarter(q) if (1..=4).contains(&q) => month_end(y, q * 3),
            Part::Quarter(_) => None,
            Part::Month(m, SubMonth::Early) => NaiveDate::from_ymd_opt(y, m, 10),
            Part::Month(m, SubMonth::Middle) => NaiveDate::from_ymd_opt(y, m, 20),
            Part::Month(m, SubMonth::End) => month_end(y, m),
            Part::Day(m, d) => NaiveDate::from_ymd_opt(y, m, d),
        }
    }

    /// The first day of the named period (for the start of a span).
    fn start_date(&self) -> Option<NaiveDate> {
        let y = self.year;
        match self.part {
            Part::Year | Part::Half(true) => NaiveDate::from_ymd_opt(y, 1, 1),
            Part::Half(false) => NaiveDate::from_ymd_opt(y, 7, 1),
            Part::Quarter(q) if (1..=4).contains(&q) => NaiveDate::from_ymd_opt(y, q * 3 - 2, 1),
            Part::Quarter(_) => None,
            Part::Month(m, _) => NaiveDate::from_ymd_opt(y, m, 1),
            Part::Day(m, d) => NaiveDate::from_ymd_opt(y, m, d),
        }
    }
}

/// The last day of a month, leap years included; `None` for month 0 or 13+.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    match month {
        1..=11 => NaiveDate::from_ymd_opt(year, month + 1, 1)?.pred_opt(),
        12 => NaiveDate::from_ymd_opt(year, 12, 31),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
