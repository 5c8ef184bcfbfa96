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

use super::grammar::{self, Field, LABELS, Listed, Role, is_blank};

mod brackets;
mod labels;
mod lists;

pub use brackets::*;
use labels::*;
pub use lists::*;

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
