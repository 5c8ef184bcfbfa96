//! Labels (`牵头单位:`, `进度安排:`…) found at their colons, and the
//! patterns of the rules written beside them (`排名第一的单位为牵头单位`,
//! `下同`).

use super::*;

/// Spaces that copying may leave inside a label (`牵头 单位`) or before its colon.
pub(super) const GAP: &str = r"[ \t\x{a0}\x{3000}]*";

/// The labels as one regex alternation (capture group 1), longer labels first
/// so that `近期重点突破的工作` wins over `近期重点`, then the colon.
pub(super) fn label_pattern() -> String {
    // LABELS are longest first already.
    let alts = |levelled: bool| -> String {
        LABELS
            .iter()
            .filter(|(_, f)| f.takes_level() == levelled)
            .map(|(l, _)| {
                l.chars()
                    .map(|c| regex::escape(&c.to_string()))
                    .collect::<Vec<_>>()
                    .join(GAP)
            })
            .collect::<Vec<_>>()
            .join("|")
    };
    // No unit label ends with another label, nor the reverse: the two
    // groups never compete for one colon.
    format!(
        "((?:{})?(?:{})|{}){GAP}[:：]",
        grammar::unit_level_pattern(GAP),
        alts(true),
        alts(false)
    )
}

patterns! {
    /// Any label followed by a colon: what [`find_labels`] finds, as one regex
    /// (the tests compare the two).
    #[cfg(test)]
    pub(super) static LABEL_RE = label_pattern();

    /// A label at the very start (after blanks): anchored, so that testing a
    /// parenthesis never scans the rest of the text.
    pub(super) static LABEL_START_RE = format!(r"^[\s\x{{200b}}\x{{feff}}]*{}", label_pattern());

    /// `排名第一的单位为牵头单位` and its variants: the first unit listed leads.
    pub(super) static RULE_RE = {
        let s = r"[ \t\x{a0}\x{3000}]*";
        format!(
            "(?:(?:排名|排在|排序|名列|位列|列在|列){s}(?:第一|第1|首位){s}(?:位|个|名)?{s}(?:的|者)?{s}(?:单位|部门)?{s}(?:为|是|作为)?{s}牵头\
             |(?:第一|第1|首位){s}(?:位|个|名)?{s}(?:的|者)?{s}(?:单位|部门){s}(?:为|是|作为){s}牵头)\
             (?:或{s}\\p{{Han}}{{1,4}}?(?:单位|部门)|单位|部门)?"
        )
    };

    /// `下同`: the rule goes on for every later task.
    pub(super) static CARRY_RE = "(?:以下|下)同";
}

/// Labels outside brackets, as (label start, value start, field).
///
/// Every label ends at a colon and holds none, so each colon ends at most one
/// label, right before it: each colon is read backwards, letter by letter,
/// against the labels, longest first, which finds what a regex search of the
/// whole text finds (the longest label ending there) without running a regex
/// over the text.
///
/// The brackets of `s` come back too, for reading the values: computed only
/// when there is a label to test, since most texts have none left once
/// their parentheses are cut.
pub(super) fn find_labels(s: &str) -> (Vec<(usize, usize, Field)>, Protected) {
    let mut labels = Vec::new();
    let mut floor = 0;
    for (colon, colon_end) in colons(s) {
        if let Some((start, field)) = label_ending(&s[floor..colon]) {
            labels.push((floor + start, colon_end, field));
        }
        floor = colon_end;
    }
    if labels.is_empty() {
        return (labels, Protected { spans: Vec::new() });
    }
    let protected = Protected::of(s);
    labels.retain(|&(start, _, _)| !protected.contains(start));
    (labels, protected)
}

/// Byte ranges of the colons (`:` `：`) of `s`, in order. `：` is `EF BC 9A`.
pub(super) fn colons(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = s.as_bytes();
    memchr::memchr2_iter(b':', 0xef, b).filter_map(move |at| {
        if b[at] == b':' {
            Some((at, at + 1))
        } else {
            (b.get(at + 1..at + 3) == Some(&[0xbc, 0x9a][..])).then_some((at, at + 3))
        }
    })
}

/// The label `before` ends with, blanks ([`GAP`]) allowed between its letters
/// and after it: where it starts and its field.
pub(super) fn label_ending(before: &str) -> Option<(usize, Field)> {
    // The last letters, last first, with where each starts: decoded once,
    // then compared with each label.
    let mut letters = [('\0', 0); LETTERS_READ];
    // Two more for a unit label's level (`省直`).
    let max = (*MAX_LABEL_LETTERS + 2).min(LETTERS_READ);
    let mut n = 0;
    for (at, c) in before.char_indices().rev() {
        if is_gap(c) {
            continue;
        }
        if n == max {
            break;
        }
        letters[n] = (c, at);
        n += 1;
    }
    let letters = &letters[..n];
    // Most colons follow words that end no label.
    let last = letters.first()?.0;
    let (_, labels) = LABELS_BY_LAST.iter().find(|(c, _)| *c == last)?;
    labels.iter().find_map(|(backwards, field)| {
        let field = *field;
        let k = backwards.len();
        if !letters
            .get(..k)?
            .iter()
            .map(|l| l.0)
            .eq(backwards.iter().copied())
        {
            return None;
        }
        if field.takes_level()
            && let (Some(&(kind, _)), Some(&(place, at))) = (letters.get(k), letters.get(k + 1))
            && grammar::is_unit_level(place, kind)
        {
            return Some((at, field));
        }
        Some((letters.get(k.checked_sub(1)?)?.1, field))
    })
}

/// A label spelled backwards, with its field.
type Backwards = (Vec<char>, Field);

/// [`LABELS`] grouped by their last letter, each spelled backwards, in the
/// order of `LABELS` (longest first): a colon is compared only with the
/// labels its last letter can end, without decoding each label again (this
/// runs on every colon of every task).
pub(super) static LABELS_BY_LAST: LazyLock<Vec<(char, Vec<Backwards>)>> = LazyLock::new(|| {
    let mut groups: Vec<(char, Vec<Backwards>)> = Vec::new();
    for (label, field) in LABELS.iter() {
        let backwards: Vec<char> = label.chars().rev().collect();
        let Some(&last) = backwards.first() else {
            continue;
        };
        match groups.iter_mut().find(|(c, _)| *c == last) {
            Some((_, group)) => group.push((backwards, *field)),
            None => groups.push((last, vec![(backwards, *field)])),
        }
    }
    groups
});

/// Room for the letters of the longest label ([`MAX_LABEL_LETTERS`]).
pub(super) const LETTERS_READ: usize = 16;

/// The characters [`GAP`] allows inside and after a label.
pub(super) fn is_gap(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

pub(super) fn has_colon(s: &str) -> bool {
    s.contains(':') || s.contains('：')
}

/// The field of a [`LABEL_RE`] match: the label with its blanks and colon
/// left out.
#[cfg(test)]
pub(super) fn field_of(matched: &str) -> Option<Field> {
    let label = matched.trim_end_matches([':', '：']);
    let letters: Vec<char> = label.chars().filter(|c| !is_blank(*c)).collect();
    let find = |letters: &[char]| {
        LABELS
            .iter()
            .find(|(l, _)| l.chars().eq(letters.iter().copied()))
            .map(|(_, f)| *f)
    };
    find(&letters).or_else(|| match letters.as_slice() {
        [place, kind, rest @ ..] if grammar::is_unit_level(*place, *kind) => {
            find(rest).filter(|f| f.takes_level())
        }
        _ => None,
    })
}
