//! Reading who answers for a task out of the task's own words.
//!
//! Real documents name units in (at least) these ways, with half- and
//! full-width punctuation alike:
//! 1. a trailing sentence: `…纳入年度目标考核。牵头单位:区委依法治区办、区司法局。`
//!    (also `牵头部门:`);
//! 2. a parenthesis listing all units, with a rule stated once that applies to
//!    every later task: `(责任单位:县人大常委会办公室、县委办公室。排名第一的单位为牵头单位。下同)`;
//! 3. a parenthesis with leaders, leads and participants, plus schedule lines:
//!    `(牵头区领导:张三、李四,牵头单位:区检察院、区公安分局,参与单位:区法院)`,
//!    `进度安排:2015年6月底前,…。` and `近期重点突破的工作:…`;
//! 4. table cells (handled by the loaders, which call [`split_units`]);
//! 5. nothing at all.
//!
//! Everything hangs on labels (`牵头单位`, `责任单位`, `进度安排`…) followed by a
//! colon: prose never puts a colon right after those words, so a label is a
//! safe anchor, while a parenthesis without a label (`(以下简称“实践活动”)`,
//! `(试行)`, `村(居)`) is ordinary text and stays. The work is done in two
//! passes: first annotation parentheses are cut out, then labels left in the
//! running text (trailing sentences, schedule lines) are read up to the end of
//! their sentence or line.
//!
//! The words themselves (labels, role verbs, scope words, what a unit name
//! looks like, time words, 繁→简 folding) are the grammar of
//! [`super::grammar`]; this module finds where annotations are. A third pass
//! reads a clause without a label (`(区政务服务局牵头,区发改局配合)`,
//! `…,由区司法局牵头。`), but only at the end of the task's text (a trailing
//! bracket or the last sentence) and only when every name in it reads as a
//! unit, so that prose mentioning a unit invents none.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::patterns::patterns;

use super::grammar::{self, Field, LABELS, Listed, MAX_LABEL_LETTERS, Role, is_blank};

/// What [`Extractor::extract`] found in one task's text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    /// The measure's text with every recognised annotation removed (trimmed).
    pub text: String,
    /// 牵头单位 / 牵头部门, as written (not yet resolved against a registry).
    pub lead: Vec<String>,
    /// 责任单位 / 责任部门
    pub responsible: Vec<String>,
    /// 参与单位 / 配合单位 / 协办单位 / 协助
    pub participating: Vec<String>,
    /// 牵头区领导 / 牵头领导 / 责任领导: people.
    pub officials: Vec<String>,
    /// 进度安排 / 完成时限 / 时间节点, the words after the label, and time
    /// words written among the units (`(区司法局牵头,6月底完成)`).
    pub schedule: Option<String>,
    /// 近期重点突破的工作, the words after the label.
    pub priority: Option<String>,
}

/// Extracts annotations task by task, carrying rules such as
/// `排名第一的单位为牵头单位。下同` from one task to the next.
#[derive(Debug, Default)]
pub struct Extractor {
    first_listed_is_lead: bool,
    /// Unit names that contain a separator (`各街道、镇`) and must not be
    /// split, as [`multi_part`] prepares them.
    known: Vec<String>,
    /// Units a standing note (`以下均需各县政府落实,不再列出`) adds to this
    /// and every later task.
    standing: Vec<String>,
}

impl Extractor {
    pub fn new() -> Self {
        Self::default()
    }

    /// An extractor that keeps the registry's multi-part names (`各街道、镇`)
    /// whole when splitting unit lists (see [`split_units`]).
    pub fn with_known(known: Vec<String>) -> Self {
        Self {
            known: multi_part(&known),
            ..Self::default()
        }
    }

    /// Reads one task's text (which may span several lines): the units,
    /// officials, schedule and priority it names, and the text without them.
    /// A lead rule stated with `下同` stays in force for every later call.
    ///
    /// Traditional characters are read folded to simplified ones, while the
    /// text keeps them as written; names come back folded, so that `區司法局`
    /// is the unit `区司法局`.
    pub fn extract(&mut self, text: &str) -> Annotations {
        let (found, rest) = self.read(text);
        if found.rule && found.rule_carries {
            self.first_listed_is_lead = true;
        }
        if !found.standing.is_empty() {
            self.standing = found.standing.clone();
        }
        let mut lead = dedup(found.lead);
        let mut responsible = dedup(found.responsible);
        if (found.rule || self.first_listed_is_lead) && lead.is_empty() && !responsible.is_empty() {
            lead.push(responsible.remove(0));
        }
        Annotations {
            text: rest,
            lead,
            responsible,
            participating: dedup(
                found
                    .participating
                    .into_iter()
                    .chain(self.standing.iter().cloned())
                    .collect(),
            ),
            officials: dedup(found.officials),
            schedule: join(found.schedule),
            priority: join(found.priority),
        }
    }

    /// Whether `text` carries a responsibility annotation (units or
    /// officials, labelled or in a trailing clause), without changing the
    /// extractor's state: what makes a numbered paragraph a task whatever its
    /// numbering.
    pub fn carries_annotation(&self, text: &str) -> bool {
        self.read(text).0.names_any()
    }

    /// Whether `text` is nothing but annotations (`区司法局牵头,区法院配合。`,
    /// `进度安排:…`), without changing the extractor's state: a paragraph
    /// that belongs to the task above it.
    pub fn is_annotation_only(&self, text: &str) -> bool {
        if !grammar::may_be_clause(text) && !has_colon(text) {
            return false;
        }
        let (found, rest) = self.read(text);
        rest.is_empty() && found.names_any()
    }

    /// Reads one table cell of units (a 牵头单位 or 责任单位 column) with
    /// the grammar: `role` for names without a verb, verbs (`X牵头,Y配合`),
    /// scope words, `及`/`和` between units and time words as in running
    /// text. Only the roles and schedule of the result are filled.
    pub fn read_cell(&self, cell: &str, role: Role) -> Annotations {
        let folded = grammar::fold(cell);
        let mut found = Found::default();
        if let Some(listed) = grammar::read_list(raw_items(&folded, &self.known), Some(role)) {
            found.take(listed);
        }
        Annotations {
            text: String::new(),
            lead: dedup(found.lead),
            responsible: dedup(found.responsible),
            participating: dedup(found.participating),
            officials: Vec::new(),
            schedule: join(found.schedule),
            priority: None,
        }
    }

    /// What [`Extractor::extract`] reads, before the lead rule: folds the
    /// text when it must, reads the folded text and cuts the same ranges out
    /// of the text as written when the two line up byte for byte (nearly
    /// always: a letter and its folded form are both three bytes).
    fn read(&self, text: &str) -> (Found, String) {
        match grammar::fold(text) {
            Cow::Borrowed(_) => self.read_folded(text, None),
            Cow::Owned(folded) => {
                let shown = grammar::aligned(text, &folded).then_some(text);
                self.read_folded(&folded, shown)
            }
        }
    }

    /// The three passes over `parse`; `shown`, aligned with it, gets the
    /// same cuts and becomes the text (the folded text does when it is
    /// `None` or stops lining up).
    fn read_folded(&self, parse: &str, shown: Option<&str>) -> (Found, String) {
        let mut found = Found::default();

        // Pass 0: a standing note, cut out so that what surrounds it reads
        // as the clause it is.
        let standing = self.read_standing(parse, &mut found);
        let parse_owned;
        let parse = match standing {
            Some(range) => {
                parse_owned = remove_ranges(parse, &[range]);
                parse_owned.as_str()
            }
            None => parse,
        };
        let shown = shown.and_then(|s| match standing {
            Some(range) => {
                let s = remove_ranges(s, &[range]);
                grammar::aligned(&s, parse).then_some(s)
            }
            None => Some(s.to_string()),
        });

        // Pass 1: annotation brackets.
        let mut cuts = Vec::new();
        for (open, end, inner) in annotation_parens(parse) {
            found.read_fields(&parse[inner.0..inner.1], &self.known);
            cuts.push((open, end));
        }
        let mut text = remove_ranges(parse, &cuts);
        let mut shown = shown.map(|s| remove_ranges(&s, &cuts));

        // Pass 2: labels in the running text.
        let cuts = found.read_running_text(&text, &self.known);
        let cut = |text: &mut String, shown: &mut Option<String>, cuts: &[(usize, usize)]| {
            if cuts.is_empty() {
                return;
            }
            *shown = shown
                .as_deref()
                .filter(|s| grammar::aligned(s, text))
                .map(|s| remove_ranges(s, cuts));
            *text = remove_ranges(text, cuts);
        };
        cut(&mut text, &mut shown, &cuts);

        // Pass 3: clauses without a label at the end of the text.
        for _ in 0..MAX_TRAILING_CLAUSES {
            let Some(range) = found.read_trailing_clause(&text, &self.known) else {
                break;
            };
            cut(&mut text, &mut shown, &[range]);
        }
        // Pass 4: a clause that opens a line (`由X牵头,Y配合,尽快完成…`).
        if let Some(range) = found.read_leading_clause(&text) {
            cut(&mut text, &mut shown, &[range]);
        }
        let shown = shown.filter(|s| grammar::aligned(s, &text));
        (found, shown.unwrap_or(text))
    }
}

impl Extractor {
    /// Reads `(以下)均需X落实,(以下)不再列出` into `found.standing`; returns
    /// the note's range (with the separator before it).
    fn read_standing(&self, parse: &str, found: &mut Found) -> Option<(usize, usize)> {
        if !parse.contains("不再列出") {
            return None;
        }
        let caps = STANDING_RE.captures(parse)?;
        let (whole, units) = (caps.get(0)?, caps.get(1)?);
        let listed = grammar::read_list(
            raw_items(units.as_str(), &self.known),
            Some(Role::Participating),
        )?;
        found.standing = listed
            .lead
            .into_iter()
            .chain(listed.responsible)
            .chain(listed.participating)
            .collect();
        Some((whole.start(), whole.end()))
    }
}

patterns! {
    /// A standing note: the units every task from here on needs, listed once
    /// (`以下均需各县(市)区政府落实,不再列出`, `各项政策措施均需各市政府落实,以下不再列出`).
    static STANDING_RE = r"[,，;；。]?[ \t\x{a0}\x{3000}]*(?:以下|各项政策措施|各项措施|各项任务)?均需([^。,，;；]{2,60}?)(?:负责)?落实[^。]{0,80}?不再列出";
}

/// The longest clause read without a label (about 200 letters).
const MAX_CLAUSE_BYTES: usize = 600;

/// Trailing clauses read from one text (`…。(区司法局牵头)(2023年底前完成)`).
const MAX_TRAILING_CLAUSES: usize = 3;

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
fn multi_part(known: &[String]) -> Vec<String> {
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
fn split_prepared(list: &str, known_multi: &[String]) -> Vec<String> {
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

fn is_list_separator(c: char) -> bool {
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

/// Spaces that copying may leave inside a label (`牵头 单位`) or before its colon.
const GAP: &str = r"[ \t\x{a0}\x{3000}]*";

/// The labels as one regex alternation (capture group 1), longer labels first
/// so that `近期重点突破的工作` wins over `近期重点`, then the colon.
fn label_pattern() -> String {
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
    static LABEL_RE = label_pattern();

    /// A label at the very start (after blanks): anchored, so that testing a
    /// parenthesis never scans the rest of the text.
    static LABEL_START_RE = format!(r"^[\s\x{{200b}}\x{{feff}}]*{}", label_pattern());

    /// `排名第一的单位为牵头单位` and its variants: the first unit listed leads.
    static RULE_RE = {
        let s = r"[ \t\x{a0}\x{3000}]*";
        format!(
            "(?:(?:排名|排在|排序|名列|位列|列在|列){s}(?:第一|第1|首位){s}(?:位|个|名)?{s}(?:的|者)?{s}(?:单位|部门)?{s}(?:为|是|作为)?{s}牵头\
             |(?:第一|第1|首位){s}(?:位|个|名)?{s}(?:的|者)?{s}(?:单位|部门){s}(?:为|是|作为){s}牵头)\
             (?:或{s}\\p{{Han}}{{1,4}}?(?:单位|部门)|单位|部门)?"
        )
    };

    /// `下同`: the rule goes on for every later task.
    static CARRY_RE = "(?:以下|下)同";
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
fn find_labels(s: &str) -> (Vec<(usize, usize, Field)>, Protected) {
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
fn colons(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
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
fn label_ending(before: &str) -> Option<(usize, Field)> {
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
static LABELS_BY_LAST: LazyLock<Vec<(char, Vec<Backwards>)>> = LazyLock::new(|| {
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
const LETTERS_READ: usize = 16;

/// The characters [`GAP`] allows inside and after a label.
fn is_gap(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

fn has_colon(s: &str) -> bool {
    s.contains(':') || s.contains('：')
}

/// The field of a [`LABEL_RE`] match: the label with its blanks and colon
/// left out.
#[cfg(test)]
fn field_of(matched: &str) -> Option<Field> {
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

/// Everything found in one task, before the lead rule is applied.
#[derive(Default)]
pub(crate) struct Found {
    lead: Vec<String>,
    responsible: Vec<String>,
    participating: Vec<String>,
    officials: Vec<String>,
    schedule: Vec<String>,
    priority: Vec<String>,
    /// `排名第一的单位为牵头单位` was stated in this task.
    rule: bool,
    /// `下同` was stated in this task.
    rule_carries: bool,
    /// Units of a standing note stated in this task.
    standing: Vec<String>,
}

impl Found {
    /// Reads the inside of an annotation parenthesis: one or more
    /// `label:value` fields, each value running to the next label (a `,`
    /// inside a value separates units, not fields), or a rule alone.
    fn read_fields(&mut self, content: &str, known: &[String]) {
        let (labels, _) = find_labels(content);
        if labels.is_empty() {
            self.note_rule(content);
            return;
        }
        for (k, &(_, value_start, field)) in labels.iter().enumerate() {
            let value_end = labels.get(k + 1).map_or(content.len(), |l| l.0);
            self.add(field, &content[value_start..value_end], known);
        }
    }

    /// Reads labels left in the running text and returns the byte ranges to
    /// cut: a unit list runs to the end of its sentence (then any rule
    /// sentences right after it go too), a schedule or priority to the end of
    /// its line; both stop at the next label.
    fn read_running_text(&mut self, text: &str, known: &[String]) -> Vec<(usize, usize)> {
        let (labels, protected) = find_labels(text);
        let mut cuts = Vec::new();
        let mut consumed = 0;
        for (k, &(start, value_start, field)) in labels.iter().enumerate() {
            if start < consumed {
                continue;
            }
            let next_label = labels.get(k + 1).map_or(text.len(), |l| l.0);
            let limit = text[value_start..next_label]
                .find('\n')
                .map_or(next_label, |p| value_start + p);
            let mut cut_end = limit;
            let mut value_end = limit;
            let sentence_end = || {
                text[value_start..limit]
                    .char_indices()
                    .find(|&(p, c)| is_sentence_end(c) && !protected.contains(value_start + p))
            };
            if field.is_list()
                && let Some((p, c)) = sentence_end()
            {
                value_end = value_start + p;
                cut_end = value_end + c.len_utf8();
                // Rule sentences right after the list belong to it.
                loop {
                    let rest = &text[cut_end..limit];
                    let sentence_len = rest
                        .char_indices()
                        .find(|&(_, c)| is_sentence_end(c))
                        .map_or(rest.len(), |(p, c)| p + c.len_utf8());
                    let sentence = &rest[..sentence_len];
                    if sentence.trim_matches(is_blank).is_empty() || !self.note_rule(sentence) {
                        break;
                    }
                    cut_end += sentence_len;
                }
            }
            self.add(field, &text[value_start..value_end], known);
            cuts.push((start, cut_end));
            consumed = cut_end;
        }
        cuts
    }

    /// Whether any unit or official was named.
    fn names_any(&self) -> bool {
        !(self.lead.is_empty()
            && self.responsible.is_empty()
            && self.participating.is_empty()
            && self.officials.is_empty())
    }

    /// Adds what a list named.
    fn take(&mut self, listed: Listed) {
        self.lead.extend(listed.lead);
        self.responsible.extend(listed.responsible);
        self.participating.extend(listed.participating);
        self.schedule.extend(listed.schedule);
    }

    /// Reads a clause without a label at the very end of `text` (blanks and
    /// closing punctuation aside): a trailing bracket, or the last sentence,
    /// or its part after a comma (`…,由区司法局牵头。`). Returns the range
    /// to cut when one was read.
    fn read_trailing_clause(&mut self, text: &str, known: &[String]) -> Option<(usize, usize)> {
        let body = text.trim_end_matches(|c: char| {
            is_blank(c) || matches!(c, '。' | '.' | '．' | ';' | '；' | ',' | '，')
        });
        if body.is_empty() {
            return None;
        }
        let clause_like = grammar::may_end_clause(body) && grammar::may_be_clause(body);
        // A trailing bracket of any kind.
        let bracket = body
            .ends_with([')', '）', ']', '】', '〕'])
            .then(|| trailing_bracket(body))
            .flatten();
        if let Some((open, inner)) = bracket {
            // `(区司法局牵头,区法院配合)`, or names alone: `(监狱管理局)`,
            // `(市发展改革委、市财政局)` are the units that carry it out.
            let listed = clause_like
                .then(|| grammar::read_list(raw_items(inner, known), None))
                .flatten()
                .or_else(|| grammar::read_bare_list(raw_items(inner, known)))?;
            self.take(listed);
            // What closes the text after the bracket (`。`) stays.
            return Some((open, body.len()));
        }
        if !clause_like {
            return None;
        }
        // The last sentence, or what follows one of its commas.
        let protected = Protected::of(body);
        let mut starts = vec![0];
        for (at, c) in body.char_indices() {
            if protected.contains(at) {
                continue;
            }
            if is_sentence_end(c) || c == '\n' {
                starts.clear();
                starts.push(at + c.len_utf8());
            } else if matches!(c, ',' | '，' | ';' | '；') {
                starts.push(at + c.len_utf8());
            }
        }
        // Only a short tail can be a clause: a long sentence is prose, and
        // reading every comma of one would be quadratic.
        for start in starts
            .into_iter()
            .filter(|&s| body.len() - s <= MAX_CLAUSE_BYTES)
        {
            let clause = &body[start..];
            if clause.trim_matches(is_blank).is_empty() || !grammar::may_be_clause(clause) {
                continue;
            }
            if let Some(listed) = grammar::read_list(raw_items(clause, known), None) {
                self.take(listed);
                return Some((start, text.len()));
            }
        }
        None
    }

    /// Reads the first clause that opens a line with `由` and names units
    /// (see [`grammar::leading_clause`]); returns the range to cut.
    fn read_leading_clause(&mut self, text: &str) -> Option<(usize, usize)> {
        if !text.contains('由') {
            return None;
        }
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(p, _)| p + 1));
        for start in starts {
            let line = text[start..].trim_start_matches(is_blank);
            let start = text.len() - line.len();
            let Some((end, listed, officials)) = grammar::leading_clause(line) else {
                continue;
            };
            self.take(listed);
            self.officials.extend(officials);
            return Some((start, start + end));
        }
        None
    }

    /// Records a rule when `s` is nothing but a rule and/or `下同`; returns
    /// whether it was.
    fn note_rule(&mut self, s: &str) -> bool {
        let rule = has_rule(s);
        let carries = has_carry(s);
        if !rule && !carries {
            // The common case, without building the leftover.
            return false;
        }
        let leftover = CARRY_RE
            .replace_all(&RULE_RE.replace_all(s, ""), "")
            .to_string();
        let only_rule = leftover
            .chars()
            .all(|c| is_blank(c) || is_sentence_end(c) || is_list_separator(c));
        if only_rule && (rule || carries) {
            self.rule |= rule;
            self.rule_carries |= carries;
            true
        } else {
            false
        }
    }

    /// Adds one field's value. A rule stated inside the value
    /// (`县政府法制办。排名第一的单位为牵头单位。下同`) is taken out first.
    fn add(&mut self, field: Field, value: &str, known: &[String]) {
        let rule_at = [find_rule(value), find_carry(value)]
            .into_iter()
            .flatten()
            .min();
        let value = match rule_at {
            Some(at) => {
                let tail = &value[at..];
                self.rule |= has_rule(tail);
                self.rule_carries |= has_carry(tail);
                // `工商联(列第一位者为牵头单位,下同)`: the rule's bracket
                // opens on the last name.
                value[..at].trim_end_matches(|c: char| {
                    is_blank(c) || matches!(c, '(' | '（' | '[' | '【' | '〔')
                })
            }
            None => value,
        };
        if field.is_list() {
            // Inside a parenthesis the list ends with its first sentence
            // (most values hold none: their brackets are not looked for).
            let end = if value.contains('。') {
                let protected = Protected::of(value);
                value
                    .match_indices('。')
                    .find(|&(p, _)| !protected.contains(p))
                    .map_or(value.len(), |(p, _)| p)
            } else {
                value.len()
            };
            let list = &value[..end];
            let role = match field {
                Field::Lead => Role::Lead,
                Field::Responsible | Field::Assignment => Role::Responsible,
                Field::Participating => Role::Participating,
                _ => {
                    self.officials.extend(split_prepared(list, known));
                    return;
                }
            };
            if let Some(listed) = grammar::read_list(raw_items(list, known), Some(role)) {
                self.take(listed);
            }
        } else {
            let prose = value.trim_matches(is_blank).trim_end_matches(|c: char| {
                is_blank(c) || is_sentence_end(c) || is_list_separator(c)
            });
            if !prose.is_empty() {
                let target = if field == Field::Schedule {
                    &mut self.schedule
                } else {
                    &mut self.priority
                };
                target.push(prose.to_string());
            }
        }
    }
}

/// [`RULE_RE`] and [`CARRY_RE`] behind a memchr for a word every match holds
/// (`牵头`, `同`): few texts state a rule, and the regexes cost more to start.
fn has_rule(s: &str) -> bool {
    has_lead_word(s) && RULE_RE.is_match(s)
}

/// `牵头`, searched with a finder built once (`str::contains` builds one per
/// call, which cost more than the search on these short values).
fn has_lead_word(s: &str) -> bool {
    static LEAD_WORD: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("牵头"));
    LEAD_WORD.find(s.as_bytes()).is_some()
}

fn has_carry(s: &str) -> bool {
    s.contains('同') && CARRY_RE.is_match(s)
}

fn find_rule(s: &str) -> Option<usize> {
    has_lead_word(s)
        .then(|| RULE_RE.find(s).map(|m| m.start()))
        .flatten()
}

fn find_carry(s: &str) -> Option<usize> {
    s.contains('同')
        .then(|| CARRY_RE.find(s).map(|m| m.start()))
        .flatten()
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '.' | '．')
}

/// The bracket families (of [`brackets`]) that can hold an annotation:
/// `()（）`, `【】`, `〔〕`, `[]`.
const ANNOTATION_FAMILIES: [usize; 4] = [0, 4, 5, 6];

/// The bracket that ends `body`, when it is one of [`ANNOTATION_FAMILIES`]:
/// where it opens and its content.
fn trailing_bracket(body: &str) -> Option<(usize, &str)> {
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
fn without_stray_closer(inner: &str) -> &str {
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
fn annotation_parens(text: &str) -> Vec<(usize, usize, (usize, usize))> {
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
    // The end of the line is looked up once per line, not once per opener.
    let mut line_end = 0;
    for open in unclosed {
        let inner_start = open + text[open..].chars().next().map_or(1, char::len_utf8);
        if line_end < inner_start {
            line_end = text[inner_start..]
                .find('\n')
                .map_or(text.len(), |p| inner_start + p);
        }
        let end = line_end;
        if starts_with_label(&text[inner_start..end]) {
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
fn is_rule_only(s: &str) -> bool {
    let mut probe = Found::default();
    probe.note_rule(s) && probe.rule
}

fn starts_with_label(s: &str) -> bool {
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
struct Protected {
    /// Sorted, disjoint, each from an opening bracket to past its closing one.
    spans: Vec<(usize, usize)>,
}

impl Protected {
    fn of(s: &str) -> Protected {
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
    fn contains(&self, pos: usize) -> bool {
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
fn brackets(s: &str) -> impl Iterator<Item = (usize, usize, bool, usize)> + '_ {
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
static MAY_START_BRACKET: [bool; 256] = {
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
fn bracket3(lead: u8, second: u8, third: u8) -> Option<(usize, bool)> {
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
fn remove_ranges(text: &str, ranges: &[(usize, usize)]) -> String {
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
fn merged_spans(ranges: &[(usize, usize)], len: usize) -> Vec<(usize, usize)> {
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
fn push_kept(
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

/// Keeps the first of equal names, in order. Lists are short, so a scan
/// beats hashing; a long one (a pasted table) gets a set.
fn dedup(names: Vec<String>) -> Vec<String> {
    if names.len() <= 16 {
        let mut out: Vec<String> = Vec::with_capacity(names.len());
        for n in names {
            if !out.contains(&n) {
                out.push(n);
            }
        }
        return out;
    }
    let mut seen = rustc_hash::FxHashSet::default();
    let keep: Vec<bool> = names.iter().map(|n| seen.insert(n.as_str())).collect();
    names
        .into_iter()
        .zip(keep)
        .filter_map(|(n, k)| k.then_some(n))
        .collect()
}

fn join(parts: Vec<String>) -> Option<String> {
    (!parts.is_empty()).then(|| parts.join("\n"))
}

#[cfg(test)]
mod tests;
