//! What a paragraph of the body is: a heading, a task's start and number,
//! an annotated numbered item, or a continuation of the task before it.

use super::*;

/// Splits the body into paragraphs: blank lines separate them, and a heading
/// line or a numbered task line also starts a new one.
pub(super) fn paragraphs(body: &str, first_line: usize) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    let mut open = false;
    for (i, raw) in body.lines().enumerate() {
        let line = first_line + i;
        let text = raw.trim();
        if text.is_empty() {
            open = false;
            continue;
        }
        let hashes = text.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && text[hashes..].starts_with([' ', '\t']) {
            out.push(Paragraph {
                line,
                text: text[hashes..].trim().to_string(),
                heading: Some(hashes),
            });
            open = false;
            continue;
        }
        let starts_block = task_start(text).is_some()
            || paragraph_heading(text).is_some()
            || annotated_numbered(text, &Extractor::new()).is_some();
        match out.last_mut() {
            Some(p) if open && !starts_block => {
                p.text.push('\n');
                p.text.push_str(text);
            }
            _ => {
                out.push(Paragraph {
                    line,
                    text: text.to_string(),
                    heading: None,
                });
                open = true;
            }
        }
    }
    out
}

/// A `#` heading's numbering, title and level: the numbering decides the
/// level where there is one, the `#` count otherwise.
pub(super) fn heading_parts(text: &str, hashes: usize) -> (Option<String>, String, u8) {
    for (re, level) in SECTION_NUMBER.iter() {
        if let Some(c) = re.captures(text) {
            let number = c.get(1).map(|m| m.as_str().to_string());
            let title = c.get(2).map(|m| m.as_str().trim()).unwrap_or("");
            return (number, title.to_string(), *level);
        }
    }
    (None, text.to_string(), hashes.clamp(1, 5) as u8)
}

/// A paragraph that is a numbered heading on a line of its own (`二、维护宪法法律权威`):
/// (number as written, title, level). The importer uses the same rule, so that
/// what it writes reads back with the same structure.
pub fn paragraph_heading(text: &str) -> Option<(String, String, u8)> {
    // Every numbering starts with one of these: most lines are settled
    // without a regex.
    let starts_numbered = |c: char| {
        matches!(
            c,
            '第' | '('
                | '（'
                | '﹙'
                | '一'
                | '二'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '百'
                | '零'
                | '〇'
                | '两'
        )
    };
    if !text.chars().next().is_some_and(starts_numbered) {
        return None;
    }
    if text.contains('\n') || text.chars().count() > MAX_HEADING_CHARS {
        return None;
    }
    let body = text.trim_end_matches(['。', '.']);
    if body.contains('。') {
        return None;
    }
    for (re, level) in SECTION_NUMBER.iter() {
        if let Some(c) = re.captures(body) {
            let number = c.get(1)?.as_str().to_string();
            let title = c.get(2)?.as_str().trim().to_string();
            if title.is_empty() {
                return None;
            }
            return Some((number, title, *level));
        }
    }
    None
}

/// The task number and the rest, when a paragraph starts with one.
///
/// A digit right after the separator means a decimal (`1.5亿元`), not a task,
/// unless a space stands between them (`1. 2019年底前…`).
pub(super) fn task_start(text: &str) -> Option<(&str, &str)> {
    // `\d` is a decimal digit, which `is_numeric` includes.
    if !text.chars().next().is_some_and(char::is_numeric) {
        return None;
    }
    let first_line = first_line(text);
    let (number, after_separator) = task_number(first_line)?;
    // `first_line` starts `text`, so its offsets are offsets into `text`.
    let rest = &first_line[after_separator..];
    let trimmed = rest.trim_start();
    let starts_with_digit = |s: &str| s.chars().next().is_some_and(|c| c.is_numeric());
    let start = if !starts_with_digit(trimmed) {
        after_separator + (rest.len() - trimmed.len())
    } else {
        // The text starts at the last space before the digit, as it did
        // when one regex read the whole line.
        let last_space = rest[..rest.len() - trimmed.len()].chars().next_back()?;
        after_separator + (rest.len() - trimmed.len()) - last_space.len_utf8()
    };
    Some((number, text.get(start..)?))
}

/// The first line of `text`, as `text.lines().next()` has it (a `\r` goes
/// only with the `\n` after it), found with a vectorised search.
pub(super) fn first_line(text: &str) -> &str {
    match memchr::memchr(b'\n', text.as_bytes()) {
        Some(end) => {
            let line = &text[..end];
            line.strip_suffix('\r').unwrap_or(line)
        }
        None => text,
    }
}

/// What [`TASK_NUMBER`] reads at the start of `line`: the number and where
/// its separator ends. A reader by hand of ASCII numbers saved 0.25 G
/// instructions of a 1,000-plan build (0.7 %, BENCHMARKS.md, "Readers by
/// hand against their regexes"): under the 5 % that would keep one.
pub(super) fn task_number(line: &str) -> Option<(&str, usize)> {
    let c = TASK_NUMBER.captures(line)?;
    Some((c.get(1)?.as_str(), c.get(0)?.end()))
}

/// A paragraph that continues the task above it: a line of labels
/// (schedule, priority, units), or nothing but a clause (`区司法局牵头,
/// 区法院配合。`).
pub(super) fn is_continuation(text: &str, extractor: &Extractor) -> bool {
    starts_with_annotation_label(text) || extractor.is_annotation_only(text)
}

/// What the paragraph before the one being read was.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Last {
    Task,
    /// Prose numbered `(1)` `（一）` `一是` `一、`: a task if a label line
    /// follows.
    NumberedProse,
    Other,
}

/// A paragraph numbered `(1)` `（一）` `一是` `一、` that carries a
/// responsibility annotation: its number (without brackets) and the rest.
pub fn annotated_numbered<'a>(text: &'a str, extractor: &Extractor) -> Option<(&'a str, &'a str)> {
    let (number, rest) = other_numbered(text)?;
    extractor.carries_annotation(rest).then_some((number, rest))
}

/// A paragraph numbered `(1)` `（一）` `一是` `一、`: its number (without
/// brackets) and the rest, when there is a rest.
pub(super) fn other_numbered(text: &str) -> Option<(&str, &str)> {
    if !text.chars().next().is_some_and(|c| {
        matches!(c, '(' | '（' | '﹙' | '第') || "一二三四五六七八九十百零〇两".contains(c)
    }) {
        return None;
    }
    let c = OTHER_NUMBER.captures(text)?;
    let number = c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3))?.as_str();
    let rest = text.get(c.get(0)?.end()..)?;
    (!rest.is_empty()).then_some((number, rest))
}
