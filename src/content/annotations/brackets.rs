//! Brackets: which parentheses are annotations, the brackets that protect
//! what they hold, and the text with annotations cut out.

use super::*;

/// The bracket families (of [`brackets`]) that can hold an annotation:
/// `()（）`, `【】`, `〔〕`, `[]`.
pub(super) const ANNOTATION_FAMILIES: [usize; 4] = [0, 4, 5, 6];

/// The bracket that ends `body`, when it is one of [`ANNOTATION_FAMILIES`]:
/// where it opens and its content.
pub(super) fn trailing_bracket(body: &str) -> Option<(usize, &str)> {
    let (close, family, _, len) = brackets(body).last().filter(|b| !b.2)?;
    if close + len != body.len() || !ANNOTATION_FAMILIES.contains(&family) {
        return None;
    }
    let mut stack: Vec<usize> = Vec::new();
    let mut last = None;
    for (i, _, is_open, _) in brackets(body).filter(|b| b.1 == family) {
        if is_open {
            stack.push(i);
        } else if let Some(open) = stack.pop() {
            last = Some((open, i));
        }
    }
    let (open, end) = last.filter(|&(_, end)| end == close)?;
    let inner_start = open + body[open..].chars().next().map_or(1, char::len_utf8);
    Some((open, without_stray_closer(body.get(inner_start..end)?)))
}

/// `X负责落实)` inside `[…)]`: a closing parenthesis that closes nothing
/// (a copying slip) is not part of the last name.
pub(super) fn without_stray_closer(inner: &str) -> &str {
    let opens = inner.matches(['(', '（']).count();
    let closes = inner.matches([')', '）']).count();
    if closes > opens {
        inner.trim_end_matches([')', '）'])
    } else {
        inner
    }
}

/// Brackets that hold an annotation: `(outer start, outer end, (inner start,
/// inner end))`, outermost only, in order. A bracket counts when its
/// content starts with a label or is nothing but the lead rule. Half- and
/// full-width parentheses pair with each other (copied text mixes them); an
/// annotation left unclosed runs to the end of its line.
pub(super) fn annotation_parens(text: &str) -> Vec<(usize, usize, (usize, usize))> {
    let mut pairs: Vec<(usize, usize, (usize, usize))> = Vec::new();
    // Openers by family, each paired with the next closer of its family.
    let mut stacks: [Vec<usize>; 8] = Default::default();
    for (i, family, is_open, len) in brackets(text) {
        if !ANNOTATION_FAMILIES.contains(&family) {
            continue;
        }
        if is_open {
            stacks[family].push(i);
        } else if let Some(open) = stacks[family].pop() {
            let inner = (
                open + text[open..].chars().next().map_or(1, char::len_utf8),
                i,
            );
            pairs.push((open, i + len, inner));
        }
    }
    let mut unclosed: Vec<usize> = stacks.into_iter().flatten().collect();
    unclosed.sort_unstable();
    // The end of the line and its last colon are looked up once per line,
    // not once per opener: a line of thousands of `(` stays linear.
    let mut line_end = 0;
    let mut last_colon = None;
    for open in unclosed {
        let inner_start = open + text[open..].chars().next().map_or(1, char::len_utf8);
        if line_end < inner_start {
            line_end = text[inner_start..]
                .find('\n')
                .map_or(text.len(), |p| inner_start + p);
            last_colon = text[inner_start..line_end]
                .rfind([':', '：'])
                .map(|p| inner_start + p);
        }
        let end = line_end;
        // `has_colon` of the rest of the line, without scanning it again.
        let colon_after = last_colon.is_some_and(|c| c >= inner_start);
        if colon_after && LABEL_START_RE.is_match(&text[inner_start..end]) {
            pairs.push((open, end, (inner_start, end)));
        }
    }
    pairs.sort_by_key(|p| p.0);
    let mut out: Vec<(usize, usize, (usize, usize))> = Vec::new();
    let mut covered = 0;
    for p in pairs {
        if p.0 < covered {
            continue;
        }
        covered = p.1;
        let inner = &text[p.2.0..p.2.1];
        if starts_with_label(inner) || is_rule_only(inner) {
            out.push(p);
        }
    }
    out
}

/// A parenthesis such as `(排名第一的单位为牵头单位,下同)`. A bare `(下同)`
/// is not one: documents use it after defined terms too.
pub(super) fn is_rule_only(s: &str) -> bool {
    let mut probe = Found::default();
    probe.note_rule(s) && probe.rule
}

pub(super) fn starts_with_label(s: &str) -> bool {
    has_colon(s) && LABEL_START_RE.is_match(s)
}

/// Whether a line starts with a label (`责任单位:`, `【牵头单位:`, `(时间节点：`),
/// blanks and an opening bracket aside: a line of annotations written under
/// its task.
pub fn starts_with_annotation_label(line: &str) -> bool {
    let line = line.trim_start_matches(is_blank);
    let line = line
        .strip_prefix(['(', '（', '[', '【', '〔'])
        .unwrap_or(line);
    starts_with_label(line)
}

/// The byte ranges of a string that lie inside a matched pair of brackets
/// (`()` `（）` `〈〉` `《》` `【】` `〔〕` `[]` `“”`), where separators and labels
/// are not what they seem. Unmatched brackets protect nothing, so a stray `(`
/// cannot swallow the rest of a list. Ranges, not a flag per byte: most texts
/// have a handful of brackets, and this is built for every text and value.
pub(super) struct Protected {
    /// Sorted, disjoint, each from an opening bracket to past its closing one.
    pub(super) spans: Vec<(usize, usize)>,
}

impl Protected {
    pub(super) fn of(s: &str) -> Protected {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        let mut stack: Vec<(usize, usize)> = Vec::new();
        let mut open_count = [0usize; 8];
        for (i, k, is_open, len) in brackets(s) {
            if is_open {
                stack.push((k, i));
                open_count[k] += 1;
            } else if open_count[k] > 0 {
                // Pop down to the matching opener, dropping unmatched ones.
                while let Some((top, at)) = stack.pop() {
                    open_count[top] -= 1;
                    if top == k {
                        spans.push((at, i + len));
                        break;
                    }
                }
            }
        }
        // Pairs close inner first; keep the outermost, in text order.
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if start < last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Protected { spans: merged }
    }

    /// Whether byte `pos` lies inside brackets.
    pub(super) fn contains(&self, pos: usize) -> bool {
        let i = self.spans.partition_point(|&(_, end)| end <= pos);
        self.spans.get(i).is_some_and(|&(start, _)| start <= pos)
    }
}

/// The brackets of `s` as (byte offset, family, whether it opens, byte
/// length); half- and full-width parentheses are one family. Read from the
/// bytes, not the characters: this runs on every text, value and list, and
/// every bracket is ASCII or a three-byte character led by `E2`, `E3` or `EF`,
/// bytes that never continue a character, so a table of lead bytes settles
/// most bytes without decoding.
pub(super) fn brackets(s: &str) -> impl Iterator<Item = (usize, usize, bool, usize)> + '_ {
    let b = s.as_bytes();
    b.iter()
        .enumerate()
        .filter(|&(_, &lead)| MAY_START_BRACKET[usize::from(lead)])
        .filter_map(move |(i, &lead)| {
            let (k, is_open) = match lead {
                b'(' => (0, true),
                b')' => (0, false),
                b'[' => (6, true),
                b']' => (6, false),
                _ => bracket3(lead, *b.get(i + 1)?, *b.get(i + 2)?)?,
            };
            Some((i, k, is_open, if lead < 0x80 { 1 } else { 3 }))
        })
}

/// The bytes a bracket can start with (see [`brackets`]).
pub(super) static MAY_START_BRACKET: [bool; 256] = {
    let mut table = [false; 256];
    let mut k = 0;
    let leads = [b'(', b')', b'[', b']', 0xe2, 0xe3, 0xef];
    while k < leads.len() {
        table[leads[k] as usize] = true;
        k += 1;
    }
    table
};

/// The family of a three-byte bracket and whether it opens: `（）` (with
/// `()`), `〈〉`, `《》`, `【】`, `〔〕`, `“”`.
pub(super) fn bracket3(lead: u8, second: u8, third: u8) -> Option<(usize, bool)> {
    Some(match (lead, second, third) {
        (0xef, 0xbc, 0x88) => (0, true),
        (0xef, 0xbc, 0x89) => (0, false),
        (0xe3, 0x80, 0x88) => (2, true),
        (0xe3, 0x80, 0x89) => (2, false),
        (0xe3, 0x80, 0x8a) => (3, true),
        (0xe3, 0x80, 0x8b) => (3, false),
        (0xe3, 0x80, 0x90) => (4, true),
        (0xe3, 0x80, 0x91) => (4, false),
        (0xe3, 0x80, 0x94) => (5, true),
        (0xe3, 0x80, 0x95) => (5, false),
        (0xe2, 0x80, 0x9c) => (7, true),
        (0xe2, 0x80, 0x9d) => (7, false),
        _ => return None,
    })
}

/// Cuts the byte ranges out of `text`. A line emptied by a cut is dropped; a
/// line whose end was cut loses a dangling `,`/`;` (turned into `。`), so that
/// `…考核,牵头单位:区司法局。` reads `…考核。`. Lines without cuts are kept as
/// they are.
pub(super) fn remove_ranges(text: &str, ranges: &[(usize, usize)]) -> String {
    let spans = merged_spans(ranges, text.len());
    if spans.is_empty() {
        return text.trim_matches(is_blank).to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut any_line = false;
    // The first span that may still reach the current line or a later one.
    let mut next = 0;
    let mut line_start = 0;
    for line in text.split('\n') {
        let (ls, le) = (line_start, line_start + line.len());
        line_start = le + 1;
        while spans.get(next).is_some_and(|&(_, b)| b <= ls) {
            next += 1;
        }
        // A cut of the line's own line break counts as a cut of the line.
        let reach = (le + 1).min(text.len());
        if spans.get(next).is_none_or(|&(a, _)| a >= reach) {
            if any_line {
                out.push('\n');
            }
            out.push_str(line);
            any_line = true;
            continue;
        }
        let mark = out.len();
        if any_line {
            out.push('\n');
        }
        let body = out.len();
        let cut_at_end = push_kept(&mut out, text, (ls, le), &spans[next..]);
        let kept_len = out[body..].trim_end_matches(is_blank).len();
        out.truncate(body + kept_len);
        if out[body..].trim_matches(is_blank).is_empty() {
            out.truncate(mark);
            continue;
        }
        any_line = true;
        if cut_at_end && out.ends_with(is_list_separator) {
            out.pop();
            out.push('。');
        }
    }
    let end = out.trim_end_matches(is_blank).len();
    out.truncate(end);
    let start = out.len() - out.trim_start_matches(is_blank).len();
    out.drain(..start);
    out
}

/// The ranges clipped to `len`, without empty ones, sorted and merged.
pub(super) fn merged_spans(ranges: &[(usize, usize)], len: usize) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = ranges
        .iter()
        .map(|&(a, b)| (a, b.min(len)))
        .filter(|&(a, b)| a < b)
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Appends what the spans leave of the line `text[ls..le]`; returns whether
/// the last thing on the line, blanks aside, was cut.
pub(super) fn push_kept(
    out: &mut String,
    text: &str,
    (ls, le): (usize, usize),
    spans: &[(usize, usize)],
) -> bool {
    let mut cut_at_end = false;
    let keep = |out: &mut String, piece: &str, cut_at_end: &mut bool| {
        out.push_str(piece);
        if piece.chars().any(|c| !is_blank(c)) {
            *cut_at_end = false;
        }
    };
    let mut pos = ls;
    for &(a, b) in spans {
        if a >= le {
            break;
        }
        let (a, b) = (a.max(pos), b.min(le));
        if a > pos {
            keep(out, text.get(pos..a).unwrap_or(""), &mut cut_at_end);
        }
        if b > a {
            cut_at_end = true;
        }
        pos = pos.max(b);
    }
    if pos < le {
        keep(out, text.get(pos..le).unwrap_or(""), &mut cut_at_end);
    }
    cut_at_end
}
