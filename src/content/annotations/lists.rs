//! Lists of unit names: split at separators and conjunctions, the names
//! the registry knows kept whole.

use super::*;

/// Splits a list of unit names written as in documents: separators `、` `,` `，`
/// `;` `；`, and `及` where it starts an item (`区国资委,及各镇党委`; inside a
/// name such as `县人大及其常委会` it stays); empty items from doubled separators
/// are dropped; brackets
/// `()（）〈〉《》` are never split inside. `known` lists names that themselves
/// contain a separator (e.g. `各街道、镇`) and must stay whole.
///
/// Two more habits of real documents are undone here:
/// - `X等相关单位` names X and, separately, a group (`相关单位`); `X等单位` names
///   only X;
/// - a group written with a separator inside (`各街道、镇`, `及各镇党委、政府`)
///   is kept whole even without a registry: an item starting with `各` followed
///   by a short item that is not a unit of its own (no `区`/`县`/`市`… prefix) is
///   joined back.
///
/// Names are returned as written (trimmed, each once); telling departments from
/// groups is the registry's job.
pub fn split_units(list: &str, known: &[String]) -> Vec<String> {
    split_prepared(list, &multi_part(known))
}

/// The names of `known` that contain a separator, trimmed, longest first:
/// what [`split_prepared`] keeps whole. Prepared once per extractor, not once
/// per list.
pub(super) fn multi_part(known: &[String]) -> Vec<String> {
    let mut known_multi: Vec<&str> = known
        .iter()
        .map(|k| k.trim())
        .filter(|k| !k.is_empty() && k.chars().any(is_list_separator))
        .collect();
    known_multi.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    known_multi.dedup();
    known_multi.into_iter().map(str::to_string).collect()
}

/// [`split_units`] with `known_multi` already from [`multi_part`].
pub(super) fn split_prepared(list: &str, known_multi: &[String]) -> Vec<String> {
    let raw = raw_items(list, known_multi);

    // Clean, then split `X等相关单位`.
    let mut items: Vec<grammar::Piece> = Vec::with_capacity(raw.len());
    for item in raw {
        let text = clean_item(item.text);
        if text.is_empty() {
            continue;
        }
        let piece = |text: &str, sep| grammar::Piece {
            text: text.to_string().into(),
            sep,
            known: item.known,
            verb: None,
        };
        if item.known {
            items.push(piece(text, item.sep));
            continue;
        }
        // `审计局、财政局和市直各单位`: `及`/`和` between two units, as in
        // running text.
        for (k, part) in grammar::split_conjunctions(text).into_iter().enumerate() {
            let (head, tail) = split_deng(part);
            items.push(piece(head, if k == 0 { item.sep } else { Some('及') }));
            if let Some(tail) = tail {
                items.push(piece(tail, Some('等')));
            }
        }
    }
    let out = grammar::join_groups(items);
    dedup(out.into_iter().map(|i| i.text.into_owned()).collect())
}

/// The items of `list` as written, with the separator before each: an item
/// runs from its first character (blanks and a leading `及` skipped) to the
/// next separator outside brackets, a known name counting as one character.
pub(crate) fn raw_items<'a>(list: &'a str, known_multi: &[String]) -> Vec<Written<'a>> {
    let protected = Protected::of(list);
    let mut raw: Vec<Written> = Vec::new();
    let mut sep = None;
    let mut known = false;
    // Where the current item starts, once it has.
    let mut start: Option<usize> = None;
    let mut skip_until = 0;
    for (i, c) in list.char_indices() {
        if i < skip_until {
            continue;
        }
        if start.is_none() {
            if is_blank(c) || (c == '及' && !protected.contains(i)) {
                continue;
            }
            start = Some(i);
            if let Some(k) = known_multi
                .iter()
                .find(|k| list[i..].starts_with(k.as_str()))
            {
                known = true;
                skip_until = i + k.len();
                continue;
            }
        }
        if is_list_separator(c) && !protected.contains(i) {
            let text = start.map_or("", |s| &list[s..i]);
            raw.push(Written { text, sep, known });
            (sep, known, start) = (Some(c), false, None);
        }
    }
    let text = start.map_or("", |s| &list[s..]);
    raw.push(Written { text, sep, known });
    raw
}

/// An item as written in the list.
pub(crate) struct Written<'a> {
    pub(crate) text: &'a str,
    /// The separator written before the item (`None` for the first).
    pub(crate) sep: Option<char>,
    /// Whether the item is a name from `known` and must stay as it is.
    pub(crate) known: bool,
}

pub(super) fn is_list_separator(c: char) -> bool {
    matches!(c, '、' | ',' | '，' | ';' | '；')
}

/// Trims blanks and a trailing full stop off one unit name.
pub(crate) fn clean_item(s: &str) -> &str {
    s.trim_matches(is_blank)
        .trim_end_matches(['。', '.', '．'])
        .trim_matches(is_blank)
}

/// `县物价局等相关单位` → (`县物价局`, `相关单位`); `X等单位` → (`X`, none);
/// anything else unchanged. Only a tail that reads like a collective (ends in
/// 单位/部门/机构) counts, so that names containing 等 (`区中等职业学校`) stay.
pub(crate) fn split_deng(s: &str) -> (&str, Option<&str>) {
    let Some(p) = s.rfind('等') else {
        return (s, None);
    };
    let head = s[..p].trim_matches(is_blank);
    let tail = s[p + '等'.len_utf8()..].trim_matches(is_blank);
    if head.is_empty() {
        return (s, None);
    }
    if tail.is_empty() || matches!(tail, "单位" | "部门" | "机构") {
        return (head, None);
    }
    if tail.ends_with("单位") || tail.ends_with("部门") || tail.ends_with("机构") {
        return (head, Some(tail));
    }
    (s, None)
}
