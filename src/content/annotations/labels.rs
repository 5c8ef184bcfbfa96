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
    /// Any label followed by a colon.
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
/// A reader by hand (each colon read backwards against the labels) saved
/// 1.0 G instructions of a 1,000-plan build (2.9 %, BENCHMARKS.md, "Readers
/// by hand against their regexes"): under the 5 % that would keep one.
///
/// The brackets of `s` come back too, for reading the values: computed only
/// when there is a label, since most texts have none left once their
/// parentheses are cut.
pub(super) fn find_labels(s: &str) -> (Vec<(usize, usize, Field)>, Protected) {
    // Every label ends at a colon: most texts have none, and looking for
    // one costs a fraction of running the regex over them (7 % of a load).
    if !has_colon(s) {
        return (Vec::new(), Protected { spans: Vec::new() });
    }
    let mut labels: Vec<(usize, usize, Field)> = LABEL_RE
        .find_iter(s)
        .filter_map(|m| Some((m.start(), m.end(), field_of(m.as_str())?)))
        .collect();
    if labels.is_empty() {
        return (labels, Protected { spans: Vec::new() });
    }
    let protected = Protected::of(s);
    labels.retain(|&(start, _, _)| !protected.contains(start));
    (labels, protected)
}

pub(super) fn has_colon(s: &str) -> bool {
    s.contains(':') || s.contains('：')
}

/// The field of a [`LABEL_RE`] match: the label with its blanks and colon
/// left out.
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
