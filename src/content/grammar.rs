//! The grammar of responsibility: the words plans use to say who answers for
//! a task, as one grammar rather than a list of forms seen so far.
//!
//! - A **label** is a role word and a kind (`牵头` + `单位`, `责任` + `科室`,
//!   `分管` + `领导`), or a time or priority word (`完成时限`, `时间节点`),
//!   followed by a colon. [`labels`] generates every combination.
//! - A **list** is unit names joined by separators (`、` `,` `;` and, between
//!   two names that each look like a unit, `及` / `和`).
//! - A **clause** is a list followed by a role verb, itself possibly preceded
//!   by scope words: `区司法局牵头`, `区发改局、区司法局配合`,
//!   `各有关单位按职责分工负责`, `X、Y共同负责`, `由X牵头`. The verb gives
//!   the role of every name since the previous verb.
//! - **Time words** in a list (`6月底完成`, `2023年10月底前`, `持续推进`)
//!   are the task's schedule, never units.
//!
//! Labelled values are read leniently (whatever is listed is a unit, the
//! label gives the role unless a verb says otherwise); a clause without a
//! label is read strictly (every name must look like a unit and every name
//! must be followed by its verb), since it is found in running text.
//!
//! Traditional characters are read through a 繁→简 folding ([`fold`]), done
//! once per paragraph and only when the paragraph holds a traditional form
//! of one of the grammar's own letters.

use std::borrow::Cow;
use std::sync::LazyLock;

mod folding;
mod lists;
mod names;

pub use folding::*;
pub(crate) use lists::*;
pub(crate) use names::*;

/// Which role a label gives the words after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Lead,
    Responsible,
    Participating,
    Officials,
    Schedule,
    Priority,
    /// `责任分工:X牵头,Y协助`: clauses, each naming its own role.
    Assignment,
}

impl Field {
    /// Unit and people lists end at the end of their sentence; schedules and
    /// priorities are prose and run to the end of the line.
    pub(crate) fn is_list(self) -> bool {
        !matches!(self, Field::Schedule | Field::Priority)
    }
}

/// A unit's role in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Lead,
    Responsible,
    Participating,
}

/// Role words that make a unit label with [`UNIT_KINDS`] (`牵头` + `单位`).
const UNIT_ROLES: &[(&str, Field)] = &[
    ("牵头", Field::Lead),
    ("主责", Field::Lead),
    ("主办", Field::Lead),
    ("牵头责任", Field::Lead),
    ("主要责任", Field::Lead),
    ("责任", Field::Responsible),
    ("负责", Field::Responsible),
    ("承办", Field::Responsible),
    ("落实", Field::Responsible),
    ("配合", Field::Participating),
    ("协办", Field::Participating),
    ("参与", Field::Participating),
    ("协助", Field::Participating),
    ("协同", Field::Participating),
    ("协同责任", Field::Participating),
    ("协作", Field::Participating),
    ("主要协作", Field::Participating),
    ("参加", Field::Participating),
    ("数据提供", Field::Participating),
    ("配合责任", Field::Participating),
    ("其他责任", Field::Participating),
];

const UNIT_KINDS: &[&str] = &["单位", "部门", "科室", "处室"];

/// The level a unit label may name before its role (`省直配合单位`,
/// `市级牵头单位`, `县直责任单位`): a jurisdiction letter and `直` or `级`.
/// Read around [`LABELS`] (not multiplied into them), by
/// [`is_unit_level`] and [`unit_level_pattern`].
const UNIT_LEVEL_PLACES: &str = "省市州盟县区旗";
const UNIT_LEVEL_KINDS: &str = "直级";

/// Whether `place` then `kind` name a unit label's level (`省直`).
pub(crate) fn is_unit_level(place: char, kind: char) -> bool {
    UNIT_LEVEL_PLACES.contains(place) && UNIT_LEVEL_KINDS.contains(kind)
}

/// A unit label's level as a regex, `gap` allowed inside and after it.
pub(crate) fn unit_level_pattern(gap: &str) -> String {
    format!("[{UNIT_LEVEL_PLACES}]{gap}[{UNIT_LEVEL_KINDS}]{gap}")
}

impl Field {
    /// Unit labels may name a level before their role (`省直配合单位`).
    pub(crate) fn takes_level(self) -> bool {
        matches!(
            self,
            Field::Lead | Field::Responsible | Field::Participating
        )
    }
}

/// Role words that make an officials label with [`OFFICIAL_KINDS`].
const OFFICIAL_ROLES: &[&str] = &["牵头", "牵头负责", "负责", "责任", "分管", "联系"];

const OFFICIAL_KINDS: &[&str] = &[
    "领导",
    "区领导",
    "县领导",
    "市领导",
    "省领导",
    "州领导",
    "旗领导",
];

/// Labels that are words of their own.
const OTHER_LABELS: &[(&str, Field)] = &[
    ("责任人", Field::Officials),
    ("进度安排", Field::Schedule),
    ("完成时限", Field::Schedule),
    ("时间安排", Field::Schedule),
    ("完成时间", Field::Schedule),
    ("时间节点", Field::Schedule),
    ("时限要求", Field::Schedule),
    ("完成期限", Field::Schedule),
    ("时间要求", Field::Schedule),
    ("近期重点突破的工作", Field::Priority),
    ("近期重点", Field::Priority),
    ("责任分工", Field::Assignment),
    ("任务分工", Field::Assignment),
    ("职责分工", Field::Assignment),
    ("工作分工", Field::Assignment),
    ("部门分工", Field::Assignment),
];

/// Every label, longest first (so that `牵头责任单位` wins over `责任单位`).
pub(crate) static LABELS: LazyLock<Vec<(String, Field)>> = LazyLock::new(|| {
    let mut out: Vec<(String, Field)> = Vec::new();
    for &(role, field) in UNIT_ROLES {
        for kind in UNIT_KINDS {
            out.push((format!("{role}{kind}"), field));
        }
    }
    for role in OFFICIAL_ROLES {
        for kind in OFFICIAL_KINDS {
            out.push((format!("{role}{kind}"), Field::Officials));
        }
    }
    out.extend(OTHER_LABELS.iter().map(|&(l, f)| (l.to_string(), f)));
    out.sort_by(|a, b| {
        b.0.chars()
            .count()
            .cmp(&a.0.chars().count())
            .then(a.0.cmp(&b.0))
    });
    out.dedup();
    out
});

/// What a verb at the end of a list item says about the names before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Verb {
    /// `负责`, `共同负责`: the lead, unless another clause names one.
    Duty,
    /// `按职责分工负责`, `分别负责`, `各负其责`, `落实`: responsible.
    Scoped,
    /// `配合`, `协助`, `参与`: participating.
    Assist,
    /// `牵头`, `主办`: the lead.
    Lead,
}

/// Role verbs, longest first where one ends with another.
const VERBS: &[(&str, Verb)] = &[
    ("作为牵头单位", Verb::Lead),
    ("为牵头单位", Verb::Lead),
    ("为牵头部门", Verb::Lead),
    ("是牵头单位", Verb::Lead),
    ("为责任单位", Verb::Scoped),
    ("为责任部门", Verb::Scoped),
    ("为配合单位", Verb::Assist),
    ("为参与单位", Verb::Assist),
    ("为协办单位", Verb::Assist),
    ("各负其责", Verb::Scoped),
    ("负总责", Verb::Lead),
    ("牵头", Verb::Lead),
    ("主办", Verb::Lead),
    ("主责", Verb::Lead),
    ("负责", Verb::Duty),
    ("落实", Verb::Scoped),
    ("承办", Verb::Scoped),
    ("配合", Verb::Assist),
    ("协助", Verb::Assist),
    ("参与", Verb::Assist),
    ("协办", Verb::Assist),
    ("协同", Verb::Assist),
    ("参加", Verb::Assist),
    // `由X会同Y等部门研究提出落实意见`: the State Council's way of assigning.
    ("提出落实意见", Verb::Scoped),
];

/// `X会同Y负责`: X leads, with Y.
const JOINTLY: &str = "会同";

/// Words between a list and its verb: `true` when they share the work out
/// (which makes `负责` mean responsible, not lead).
const SCOPES: &[(&str, bool)] = &[
    ("按照职责分工", true),
    ("根据职责分工", true),
    ("按职责分工", true),
    ("按照职责", true),
    ("根据职责", true),
    ("按职责", true),
    ("依职责", true),
    ("按照职能", true),
    ("按职能", true),
    ("按照分工", true),
    ("按分工", true),
    ("分工", true),
    ("分别", true),
    ("各自", true),
    ("共同", false),
    ("具体", false),
    ("积极", false),
    ("切实", false),
    ("主动", false),
    ("抓好", false),
    ("认真", false),
    ("研究", false),
    ("等", false),
];

/// The last letters of a list item that end every role verb: items that end
/// otherwise are settled without trying each verb.
fn may_end_with_verb(s: &str) -> bool {
    s.chars().next_back().is_some_and(|c| {
        matches!(
            c,
            '头' | '办' | '责' | '实' | '合' | '助' | '与' | '同' | '加' | '位' | '门' | '见'
        )
    })
}

/// Splits a trailing verb (with its scope words) off a list item:
/// `各有关单位按职责分工负责` → (`各有关单位`, Scoped).
fn strip_verb(item: &str) -> (&str, Option<Verb>) {
    if !may_end_with_verb(item) {
        return (item, None);
    }
    let mut rest = item;
    let mut verb: Option<Verb> = None;
    let mut shared = false;
    loop {
        if let Some(&(w, v)) = VERBS.iter().find(|(w, _)| rest.ends_with(w)) {
            rest = &rest[..rest.len() - w.len()];
            verb = Some(verb.map_or(v, |old| old.max(v)));
            continue;
        }
        if verb.is_some()
            && let Some(&(w, s)) = SCOPES.iter().find(|(w, _)| rest.ends_with(w))
        {
            rest = &rest[..rest.len() - w.len()];
            shared |= s;
            continue;
        }
        break;
    }
    let verb = verb.map(|v| {
        if v == Verb::Duty && shared {
            Verb::Scoped
        } else {
            v
        }
    });
    (rest.trim_matches(is_blank), verb)
}

/// Words that open a bracket of prose which ends like a unit name:
/// `(含开发区)`, `(以下简称市场监管局)`, `(第一组)`.
const NOT_UNIT_STARTS: &[&str] = &[
    "含", "包括", "不含", "除", "如", "即", "简称", "以下", "下称", "指", "其中", "第", "原",
];

/// Reads a bracket that holds nothing but unit names (`(监狱管理局)`,
/// `(市发展改革委、市财政局,2023年底前)`): the responsible units, as a
/// `责任单位` label would give them. `None` unless every name looks like a
/// unit, so that `(试行)` or `(含开发区)` stay text.
pub(crate) fn read_bare_list(items: Vec<super::annotations::Written<'_>>) -> Option<Listed> {
    let unit = |name: &String| {
        looks_like_unit(name) && !NOT_UNIT_STARTS.iter().any(|w| name.starts_with(w))
    };
    let listed = read_list(items, Some(Role::Responsible))?;
    let mut names = listed
        .lead
        .iter()
        .chain(&listed.responsible)
        .chain(&listed.participating)
        .peekable();
    (names.peek().is_some() && names.all(unit)).then_some(listed)
}

/// Titles that make a name a person's (`杨志武副市长`), not a unit's.
const PERSON_TITLES: &[&str] = &[
    "市长",
    "区长",
    "县长",
    "省长",
    "州长",
    "旗长",
    "书记",
    "主任",
    "秘书长",
    "同志",
];

/// What a clause that opens a sentence says: `由杨志武副市长负责,市发改委牵头,
/// 相关部门配合,尽快完成…`. Every comma part up to the first without a role
/// verb is read; people go to `officials`, the rest must read strictly as a
/// clause. Returns where the clause ends (past its comma), what it lists
/// and the people.
pub(crate) fn leading_clause(s: &str) -> Option<(usize, Listed, Vec<String>)> {
    let mut pos = s.strip_prefix('由').map(|_| '由'.len_utf8())?;
    let mut officials = Vec::new();
    let mut units: Vec<&str> = Vec::new();
    let mut end = None;
    loop {
        let rest = &s[pos..];
        let (item, next) = match rest.find([',', '，', '\n']) {
            Some(p) if !rest[p..].starts_with('\n') => {
                let sep = if rest[p..].starts_with(',') {
                    1
                } else {
                    '，'.len_utf8()
                };
                (&rest[..p], Some(pos + p + sep))
            }
            Some(p) => (&rest[..p], None),
            None => (rest, None),
        };
        let item = item.trim_matches(is_blank);
        let (core, verb) = strip_verb(item);
        if verb.is_none() || core.is_empty() || core.chars().count() > 32 {
            break;
        }
        if PERSON_TITLES.iter().any(|t| core.ends_with(t)) {
            officials.push(core.to_string());
        } else {
            units.push(item);
        }
        end = Some(next.unwrap_or(pos + rest.len()));
        match next {
            Some(n) => pos = n,
            None => break,
        }
    }
    let end = end?;
    let list = units.join("、");
    let listed = read_list(super::annotations::raw_items(&list, &[]), None)?;
    Some((end, listed, officials))
}

/// Joins groups written with a separator inside (`各街道、镇`): an item
/// starting with `各` followed by a short item (up to five letters:
/// `各乡镇政府、街道办事处`) that is not a unit of its own (no `区`/`县`/`市`…
/// prefix).
pub(crate) fn join_groups(pieces: Vec<Piece<'_>>) -> Vec<Piece<'_>> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    for item in pieces {
        if let Some(last) = out.last_mut()
            && !last.known
            && !item.known
            && last.verb.is_none()
            && last.text.starts_with('各')
            && item.sep == Some('、')
            && (item.text.chars().count() <= 5
                && !item
                    .text
                    .starts_with(['区', '县', '市', '省', '州', '团', '各'])
                // `各县、市、区政府`: bare levels sharing the last one's ending.
                || is_open_jurisdiction_list(&last.text) && ends_jurisdiction_list(&item.text))
        {
            let joined = last.text.to_mut();
            joined.push('、');
            joined.push_str(&item.text);
            last.verb = item.verb;
            continue;
        }
        out.push(item);
    }
    out
}

/// Whether running text could hold a clause: the cheap test before
/// [`read_list`] (most sentences name no role verb).
pub(crate) fn may_be_clause(s: &str) -> bool {
    VERB_FINDER.is_match(s)
}

crate::patterns::patterns! {
    /// Every verb of [`VERBS`] in one automaton: one pass over the text
    /// instead of one substring search (and searcher) per verb. Built-in,
    /// so declared like the regexes: its test builds it.
    static VERB_FINDER: aho_corasick::AhoCorasick =
        match aho_corasick::AhoCorasick::new(VERBS.iter().map(|(w, _)| w)) {
            Ok(finder) => finder,
            Err(e) => panic!("the role verbs do not make an automaton: {e}"),
        };
}

/// Whether `s` could end with a clause: its last item (after the last
/// separator or bracket) ends with a role verb or is a time expression. The
/// cheap test on every task's end, before [`read_list`].
pub(crate) fn may_end_clause(s: &str) -> bool {
    let s = s.trim_end_matches(|c: char| {
        is_blank(c)
            || matches!(
                c,
                '。' | '.' | '．' | ';' | '；' | ',' | '，' | ')' | '）' | ']' | '】' | '〕'
            )
    });
    let start = s
        .char_indices()
        .rev()
        .find(|&(_, c)| {
            matches!(
                c,
                '、' | ',' | '，' | ';' | '；' | '。' | '(' | '（' | '[' | '【' | '〔' | '\n'
            )
        })
        .map_or(0, |(at, c)| at + c.len_utf8());
    let last = &s[start..];
    strip_verb(last).1.is_some() || split_time(last).0.is_empty() && !last.is_empty()
}

/// Whitespace as copied text has it, including no-break and ideographic
/// spaces and the invisible zero-width ones.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}')
}

#[cfg(test)]
mod tests;
