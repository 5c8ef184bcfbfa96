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

/// The letters of the longest label.
pub(crate) static MAX_LABEL_LETTERS: LazyLock<usize> = LazyLock::new(|| {
    LABELS
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
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

/// Endings of unit names (`区司法局`, `各街道办事处`, `市级各有关部门`): what a
/// name found without a label must end with.
const UNIT_ENDS: &[&str] = &[
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
const JURISDICTIONS: &[char] = &['省', '市', '县', '区', '州', '旗', '镇', '乡', '地'];

/// `各市`, `各县`, `各地`: every unit of one level, a group of its own.
fn is_jurisdiction_group(name: &str) -> bool {
    let mut cs = name.chars();
    cs.next() == Some('各')
        && cs.next().is_some_and(|c| JURISDICTIONS.contains(&c))
        && cs.next().is_none()
}

/// A bare level (`市`, `县〔市、区〕`): a part of `各县、市、区政府`, which
/// shares the last part's ending.
fn is_bare_jurisdiction(part: &str) -> bool {
    let core = part
        .find(['(', '（', '〔'])
        .filter(|_| part.ends_with([')', '）', '〕']))
        .map_or(part, |at| &part[..at]);
    let mut cs = core.chars();
    cs.next().is_some_and(|c| JURISDICTIONS.contains(&c)) && cs.next().is_none()
}

/// `各县、市` so far: `各` and bare levels, still waiting for their ending.
fn is_open_jurisdiction_list(s: &str) -> bool {
    s.strip_prefix('各')
        .is_some_and(|rest| rest.split('、').all(is_bare_jurisdiction))
}

/// The last part of `各县、市、区政府`: a bare level, or one with the body
/// every level has (`区政府`, `县〔市、区〕人民政府`). `市发改委` after `各区`
/// is a unit of its own.
fn ends_jurisdiction_list(part: &str) -> bool {
    let level = ["人民政府", "政府", "党委"]
        .iter()
        .find_map(|body| part.strip_suffix(body))
        .unwrap_or(part);
    is_bare_jurisdiction(level)
}

/// `牵头单位`, `责任部门`, `省直配合单位`…: a role word, never a unit of its own.
fn is_label_word(name: &str) -> bool {
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
    static TIME_START = r"(?:\d{4}\s*年|\d{1,2}\s*月|\d{4}\s*[-—~～至]\s*\d{4}|^(?:年底|年内|年中|月底|上半年|下半年|每年|每季度|每月|长期|持续|常态|即时|立即|及时|定期|逐步|全年|本年|今年|明年|近期|适时))";
}

/// Splits a trailing time expression off a list item: (`区司法局`,
/// `2023年底前完成`), or ("", the item) when the item is all time.
fn split_time(item: &str) -> (&str, Option<&str>) {
    split_time_marked(item, item.bytes().any(|b| b.is_ascii_digit()))
}

/// [`split_time`] with whether `item` holds a digit already known.
fn split_time_marked(item: &str, digit: bool) -> (&str, Option<&str>) {
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
fn starts_independently(s: &str) -> bool {
    s.starts_with(['区', '县', '市', '省', '州', '旗', '镇', '乡', '各', '团'])
        || s.starts_with("街道")
        || s.starts_with("中共")
}

/// The part of `s` before its next `及` / `和` that leaves a unit on both
/// sides, or all of it.
fn first_of_conjunction(s: &str) -> &str {
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

/// Where a list item holds the letters [`read_list`] splits at, found in one
/// pass over its bytes (first byte offsets), instead of one search per
/// letter and word and one conjunction split per part. It replaces the
/// standard library's searches, not a crate or a regex: with the one-letter
/// fast path it took `read_list` from 0.88 G to 0.43 G instructions of
/// `planpress check` at 1,000 plans (BENCHMARKS.md, "The grammar's second
/// round").
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Marks {
    /// An ASCII digit: the item may hold a time.
    digit: bool,
    /// The first `及` or `和`.
    conjunction: Option<usize>,
    /// The first `等`.
    deng: Option<usize>,
    /// The first `会同`.
    jointly: Option<usize>,
}

impl Marks {
    fn of(item: &str) -> Marks {
        let b = item.as_bytes();
        let mut marks = Marks::default();
        for (i, &lead) in b.iter().enumerate() {
            // Three-byte letters are compared whole at their lead byte
            // (`E4`, `E5`, `E7` never continue a letter).
            let next = || b.get(i + 1..i + 3);
            match lead {
                b'0'..=b'9' => marks.digit = true,
                // 及 E5 8F 8A, 和 E5 92 8C.
                0xe5 if matches!(next(), Some([0x8f, 0x8a] | [0x92, 0x8c])) => {
                    marks.conjunction.get_or_insert(i);
                }
                // 等 E7 AD 89.
                0xe7 if next() == Some(&[0xad, 0x89]) => {
                    marks.deng.get_or_insert(i);
                }
                // 会同 E4 BC 9A E5 90 8C.
                0xe4 if marks.jointly.is_none() && b[i..].starts_with(JOINTLY.as_bytes()) => {
                    marks.jointly = Some(i);
                }
                _ => {}
            }
        }
        marks
    }
}

/// What one list says, each name with its role.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Listed {
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub participating: Vec<String>,
    /// Time words found among the names (`6月底完成`).
    pub schedule: Vec<String>,
}

impl Listed {
    fn push(&mut self, role: Role, names: Vec<String>) {
        match role {
            Role::Lead => self.lead.extend(names),
            Role::Responsible => self.responsible.extend(names),
            Role::Participating => self.participating.extend(names),
        }
    }
}

/// One name of a list, with the verb written after it.
pub(crate) struct Piece<'a> {
    pub(crate) text: Cow<'a, str>,
    /// The separator written before the name (`None` for the first).
    pub(crate) sep: Option<char>,
    /// A registry name kept whole.
    pub(crate) known: bool,
    pub(crate) verb: Option<Verb>,
}

/// Reads a list of names with their verbs. `default` is the role of names
/// without a verb (a label's role); without one (a clause found in running
/// text) every name must look like a unit and be followed by a verb, or the
/// list is not an annotation (`None`).
pub(crate) fn read_list<'a>(
    items: Vec<super::annotations::Written<'a>>,
    default: Option<Role>,
) -> Option<Listed> {
    let strict = default.is_none();
    let mut out = Listed::default();
    let mut pieces: Vec<Piece<'a>> = Vec::with_capacity(items.len());
    let mut any_verb = false;
    for (k, item) in items.into_iter().enumerate() {
        // Prose fails at its first words: no need to read the rest.
        if strict && k == 1 && pieces.first().is_some_and(|p| !looks_like_unit(&p.text)) {
            return None;
        }
        any_verb |= read_item(item, k == 0, &mut pieces, &mut out.schedule);
    }
    let pieces = join_groups(pieces);
    if strict && (!any_verb || pieces.iter().any(|p| !p.known && !looks_like_unit(&p.text))) {
        return None;
    }
    assign_roles(pieces, default, out)
}

/// Reads one item of a list (the first when `first_item`) into `pieces`,
/// its names each with the verb that closes it, and a time written in it
/// into `schedule`. True when the item holds a role verb.
fn read_item<'a>(
    item: super::annotations::Written<'a>,
    first_item: bool,
    pieces: &mut Vec<Piece<'a>>,
    schedule: &mut Vec<String>,
) -> bool {
    let text = super::annotations::clean_item(item.text);
    if text.is_empty() {
        return false;
    }
    if item.known {
        pieces.push(Piece {
            text: text.into(),
            sep: item.sep,
            known: true,
            verb: None,
        });
        return false;
    }
    let marks = Marks::of(text);
    let (core, time) = split_time_marked(text, marks.digit);
    if let Some(t) = time {
        schedule.push(t.trim_end_matches(['。', '.', '．']).to_string());
    }
    let (mut core, verb) = strip_verb(core);
    let mut any_verb = verb.is_some();
    // `core` is a prefix of `text` here, and later a part of it ending at
    // the same byte: a letter marked past that end is not in it.
    let end = core.len();
    let before_end = |at: Option<usize>, len: usize| at.filter(|&a| a + len <= end);
    let mut jointly = before_end(marks.jointly, JOINTLY.len());
    // `由X牵头`, `此项工作由X牵头`, `由X会同Y负责`: the names follow `由`.
    if (verb.is_some() || jointly.is_some())
        && first_item
        && let Some(at) = core.rfind('由')
        && core[..at].chars().count() <= 8
        && jointly.is_none_or(|j| at < j)
    {
        let after = core[at + '由'.len_utf8()..].trim_matches(is_blank);
        // `会同` lies after `由`: it moves with the names' start.
        jointly = jointly.map(|j| j - (core.len() - after.len()));
        core = after;
    }
    // `X会同Y、Z负责`: X leads, the names after `会同` share the verb.
    if let Some(at) = jointly {
        let left = core[..at].trim_matches(is_blank);
        if looks_like_unit(left) {
            pieces.push(Piece {
                text: left.into(),
                sep: item.sep,
                known: false,
                verb: Some(Verb::Lead),
            });
            any_verb = true;
            core = core[at + JOINTLY.len()..].trim_matches(is_blank);
        }
    }
    if core.is_empty() {
        // `各负其责` alone, or a time: the verb closes what came before.
        if let (Some(v), Some(last)) = (verb, pieces.last_mut())
            && last.verb.is_none()
        {
            last.verb = Some(v);
        }
        return any_verb;
    }
    // A first mark before `core`'s start may hide a later one in it: such
    // items take the general way.
    let conjunction = before_end(marks.conjunction, '及'.len_utf8()).is_some();
    let deng = before_end(marks.deng, '等'.len_utf8()).is_some();
    push_names(pieces, core, item.sep, conjunction, deng);
    // The verb closes the item's last name.
    if let Some(last) = pieces.last_mut() {
        last.verb = verb;
    }
    any_verb
}

/// Pushes the names of `core`, split at conjunctions (`及`, `和`) and `等`
/// when it holds them: the first with the item's separator `sep`, the
/// others with `及`.
fn push_names<'a>(
    pieces: &mut Vec<Piece<'a>>,
    core: &'a str,
    sep: Option<char>,
    conjunction: bool,
    deng: bool,
) {
    let first = pieces.len();
    let mut push = |name: &'a str| {
        let sep = if pieces.len() == first {
            sep
        } else {
            Some('及')
        };
        pieces.push(Piece {
            text: name.into(),
            sep,
            known: false,
            verb: None,
        });
    };
    match (conjunction, deng) {
        // Most items are one name: nothing to split.
        (false, false) => push(core),
        (false, true) => {
            let (head, tail) = super::annotations::split_deng(core);
            push(head);
            tail.into_iter().for_each(&mut push);
        }
        // `X等省直有关部门和各市人民政府`: `等` is read in each part.
        (true, _) => {
            for part in split_conjunctions(core) {
                let (head, tail) = super::annotations::split_deng(part);
                split_conjunctions(head).into_iter().for_each(&mut push);
                tail.into_iter().for_each(&mut push);
            }
        }
    }
}

/// Gives the names their roles: a verb closes the names since the last
/// one; names no verb closes take `default` (none: the list is not read).
fn assign_roles(pieces: Vec<Piece<'_>>, default: Option<Role>, mut out: Listed) -> Option<Listed> {
    let explicit_lead = pieces.iter().any(|p| p.verb == Some(Verb::Lead));
    let mut pending: Vec<String> = Vec::new();
    for p in pieces {
        pending.push(p.text.into_owned());
        let Some(verb) = p.verb else { continue };
        let role = match (verb, default) {
            (Verb::Lead, _) => Role::Lead,
            (Verb::Assist, _) => Role::Participating,
            (_, Some(role)) => role,
            (Verb::Scoped, None) => Role::Responsible,
            (Verb::Duty, None) if explicit_lead => Role::Responsible,
            (Verb::Duty, None) => Role::Lead,
        };
        out.push(role, std::mem::take(&mut pending));
    }
    if !pending.is_empty() {
        out.push(default?, pending);
    }
    Some(out)
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

// ---- 繁→简 folding ----

/// Traditional forms of the grammar's own letters (labels, verbs, scope
/// words, unit endings, time words), from OpenCC's STCharacters table: a
/// paragraph without any of them holds no traditional annotation and is not
/// folded. A test checks that each folds back into the grammar's words.
const TRADITIONAL_TRIGGERS: &str = "侷係個內別動務區協參單團堅婦實導廳彆態據時會極爲牽積箇節糰組結縣總繫續聯職與蔘處衕認負責辦進鄉鎮長門間閤關隊領頭館體點黨";

/// [`TRADITIONAL_TRIGGERS`] as a bit set over the CJK block.
static TRIGGER_BITS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; CJK_LEN.div_ceil(64)];
    for c in TRADITIONAL_TRIGGERS.chars() {
        if let Some(i) = (c as usize).checked_sub(CJK_FIRST).filter(|&i| i < CJK_LEN) {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    bits
});

const CJK_FIRST: usize = 0x4e00;
const CJK_LEN: usize = 0x9fff - 0x4e00 + 1;

/// Whether `text` holds a traditional form of a grammar letter.
pub(crate) fn needs_folding(text: &str) -> bool {
    // The CJK block is three bytes led by E4..E9, bytes that never continue
    // a letter: those are decoded by hand, every other byte is stepped over
    // (faster than decoding every letter, or than a multi-pattern search).
    let bits = &*TRIGGER_BITS;
    let b = text.as_bytes();
    let mut i = 0;
    while i + 2 < b.len() {
        let lead = b[i];
        if (0xe4..=0xe9).contains(&lead) {
            let c = (usize::from(lead & 0x0f) << 12)
                | (usize::from(b[i + 1] & 0x3f) << 6)
                | usize::from(b[i + 2] & 0x3f);
            if let Some(k) = c.checked_sub(CJK_FIRST)
                && k < CJK_LEN
                && bits[k / 64] >> (k % 64) & 1 == 1
            {
                return true;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    false
}

/// `text` in simplified characters when it holds traditional ones (OpenCC
/// and MediaWiki tables, through `zhconv`), borrowed as it is otherwise.
pub fn fold(text: &str) -> Cow<'_, str> {
    if !needs_folding(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(zhconv::zhconv(text, zhconv::Variant::ZhHans))
}

/// Whether byte offsets of `a` are byte offsets of `b` (same letters' sizes
/// in the same places), so that what is cut from one can be cut from the
/// other.
pub(crate) fn aligned(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.chars()
            .zip(b.chars())
            .all(|(x, y)| x.len_utf8() == y.len_utf8())
}

#[cfg(test)]
mod tests;
