//! What a unit's name looks like, and the words around names in a list:
//! jurisdictions, time words, conjunctions.

use super::*;

/// Endings of unit names (`区司法局`, `各街道办事处`, `市级各有关部门`): what a
/// name found without a label must end with.
pub(super) const UNIT_ENDS: &[&str] = &[
    "局",
    "委",
    "办",
    "院",
    "部",
    "厅",
    "室",
    "中心",
    "政府",
    "街道",
    "镇",
    "乡",
    "单位",
    "部门",
    "处",
    "科",
    "所",
    "站",
    "队",
    "组",
    "会",
    "人大",
    "政协",
    "党委",
    "党组",
    "工会",
    "妇联",
    "团委",
    "街办",
    "公司",
    "集团",
    "学校",
    "银行",
    "分行",
    "支行",
    "社区",
    "园区",
    "新区",
    // A district, city or county named as a unit (`岳麓区`, `银川市`).
    "区",
    "市",
    "县",
    "开发区",
    "县市区",
    "乡镇",
    "街镇",
    "镇街",
    "各区",
    "各县",
    "各市",
    "馆",
    "所",
    "台",
    "社",
    "署",
    "法庭",
    "监狱",
];

/// Whether `name` reads as a unit or a group of units: short, without
/// sentence punctuation, and ending as unit names end (a bracketed second
/// name, `区委组织部(区编办)`, aside).
pub(crate) fn looks_like_unit(name: &str) -> bool {
    let n = name.chars().count();
    if !(2..=32).contains(&n)
        || name.contains(['。', '，', ',', ':', '：', '；', ';', '“', '”', '《', '》'])
        || is_label_word(name)
    {
        return false;
    }
    if is_jurisdiction_group(name) {
        return true;
    }
    // `全市`, `本县`, `我区`: a place in prose, not a body.
    if n == 2 && name.starts_with(['全', '本', '我', '该']) {
        return false;
    }
    let mut core = name;
    if let Some(stripped) = core.strip_suffix([')', '）', '〉'])
        && let Some(open) = stripped.rfind(['(', '（', '〈'])
    {
        core = &stripped[..open];
    }
    UNIT_ENDS
        .iter()
        .any(|e| core.ends_with(e) && core.len() > e.len())
}

/// Letters that name a level of jurisdiction.
pub(super) const JURISDICTIONS: &[char] = &['省', '市', '县', '区', '州', '旗', '镇', '乡', '地'];

/// `各市`, `各县`, `各地`: every unit of one level, a group of its own.
pub(super) fn is_jurisdiction_group(name: &str) -> bool {
    let mut cs = name.chars();
    cs.next() == Some('各')
        && cs.next().is_some_and(|c| JURISDICTIONS.contains(&c))
        && cs.next().is_none()
}

/// A bare level (`市`, `县〔市、区〕`): a part of `各县、市、区政府`, which
/// shares the last part's ending.
pub(super) fn is_bare_jurisdiction(part: &str) -> bool {
    let core = part
        .find(['(', '（', '〔'])
        .filter(|_| part.ends_with([')', '）', '〕']))
        .map_or(part, |at| &part[..at]);
    let mut cs = core.chars();
    cs.next().is_some_and(|c| JURISDICTIONS.contains(&c)) && cs.next().is_none()
}

/// `各县、市` so far: `各` and bare levels, still waiting for their ending.
pub(super) fn is_open_jurisdiction_list(s: &str) -> bool {
    s.strip_prefix('各')
        .is_some_and(|rest| rest.split('、').all(is_bare_jurisdiction))
}

/// The last part of `各县、市、区政府`: a bare level, or one with the body
/// every level has (`区政府`, `县〔市、区〕人民政府`). `市发改委` after `各区`
/// is a unit of its own.
pub(super) fn ends_jurisdiction_list(part: &str) -> bool {
    let level = ["人民政府", "政府", "党委"]
        .iter()
        .find_map(|body| part.strip_suffix(body))
        .unwrap_or(part);
    is_bare_jurisdiction(level)
}

/// `牵头单位`, `责任部门`, `省直配合单位`…: a role word, never a unit of its own.
pub(super) fn is_label_word(name: &str) -> bool {
    let mut letters = name.chars();
    let unlevelled = match (letters.next(), letters.next()) {
        (Some(place), Some(kind)) if is_unit_level(place, kind) => Some(letters.as_str()),
        _ => None,
    };
    LABELS
        .iter()
        .any(|(l, f)| l == name || (f.takes_level() && unlevelled.is_some_and(|u| u == l.as_str())))
}

crate::patterns::patterns! {
    /// The start of a time expression: a year, a month, or a word of timing.
    pub(super) static TIME_START = r"(?:\d{4}\s*年|\d{1,2}\s*月|\d{4}\s*[-—~～至]\s*\d{4}|^(?:年底|年内|年中|月底|上半年|下半年|每年|每季度|每月|长期|持续|常态|即时|立即|及时|定期|逐步|全年|本年|今年|明年|近期|适时))";
}

/// Splits a trailing time expression off a list item: (`区司法局`,
/// `2023年底前完成`), or ("", the item) when the item is all time.
pub(super) fn split_time(item: &str) -> (&str, Option<&str>) {
    split_time_marked(item, item.bytes().any(|b| b.is_ascii_digit()))
}

/// [`split_time`] with whether `item` holds a digit already known.
pub(super) fn split_time_marked(item: &str, digit: bool) -> (&str, Option<&str>) {
    // Every time expression holds a digit or starts with one of these
    // letters.
    let starts_timed = item
        .chars()
        .next()
        .is_some_and(|c| "年月长持常即立及定逐全本今明近适每上下".contains(c));
    if !starts_timed && !digit {
        return (item, None);
    }
    match TIME_START.find(item) {
        Some(m) if m.start() == 0 => ("", Some(item)),
        Some(m) if looks_like_unit(item[..m.start()].trim_matches(is_blank)) => (
            item[..m.start()].trim_matches(is_blank),
            Some(&item[m.start()..]),
        ),
        _ => (item, None),
    }
}

/// Splits `市级各有关部门及各县市区政府` at `及` / `和` where both sides read
/// as units; `区人力资源和社会保障局` and `县人大及其常委会` stay whole.
pub(crate) fn split_conjunctions(item: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = item;
    'outer: loop {
        for (at, c) in rest.char_indices() {
            if c != '及' && c != '和' {
                continue;
            }
            let (left, right) = (&rest[..at], &rest[at + c.len_utf8()..]);
            if looks_like_unit(left)
                && starts_independently(right)
                && looks_like_unit(first_of_conjunction(right))
            {
                out.push(left);
                rest = right;
                continue 'outer;
            }
        }
        out.push(rest);
        return out;
    }
}

/// Whether a name after `及` / `和` stands on its own: it names its
/// jurisdiction or is a group (`区检察院`, `各县市区政府`), where
/// `区人大和监察司法委员会` or `县人大及其常委会` name a body of the first.
pub(super) fn starts_independently(s: &str) -> bool {
    s.starts_with(['区', '县', '市', '省', '州', '旗', '镇', '乡', '各', '团'])
        || s.starts_with("街道")
        || s.starts_with("中共")
}

/// The part of `s` before its next `及` / `和` that leaves a unit on both
/// sides, or all of it.
pub(super) fn first_of_conjunction(s: &str) -> &str {
    for (at, c) in s.char_indices() {
        if (c == '及' || c == '和')
            && looks_like_unit(&s[..at])
            && looks_like_unit(&s[at + c.len_utf8()..])
        {
            return &s[..at];
        }
    }
    s
}
