//! The site model: what a plan, a task and a unit *are*, independent of how they
//! were written (YAML or Markdown) and of how they are rendered.
//!
//! Everything here is plain owned data with indices (`PlanId`, `UnitId`, ...)
//! into the vectors of [`Site`], so that cross-reference indexes and renderers
//! hold references, never copies.

use std::path::PathBuf;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::config::SiteConfig;

/// Index of a plan in [`Site::plans`].
pub type PlanId = usize;
/// Index of a notice in [`Site::notices`].
pub type NoticeId = usize;
/// Index of a unit in [`Site::units`].
pub type UnitId = usize;
/// Index of a jurisdiction in [`Site::jurisdictions`].
pub type JurisdictionId = usize;
/// Index of a topic in [`Site::topics`].
pub type TopicId = usize;

/// A task is addressed by its plan and its position in that plan's task list.
/// Stored as two `u32`: the indexes hold millions of references on a big
/// site, and neither count comes near four billion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TaskRef {
    plan: u32,
    task: u32,
}

impl TaskRef {
    pub fn new(plan: PlanId, task: usize) -> Self {
        // Sites hold thousands of plans of at most a few hundred tasks.
        let narrow = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        TaskRef {
            plan: narrow(plan),
            task: narrow(task),
        }
    }

    pub fn plan(self) -> PlanId {
        self.plan as usize
    }

    pub fn task(self) -> usize {
        self.task as usize
    }
}

/// The whole loaded site: configuration, documents and the entities they name.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub jurisdictions: Vec<Jurisdiction>,
    pub units: Vec<Unit>,
    pub topics: Vec<Topic>,
    pub notices: Vec<Notice>,
    pub plans: Vec<Plan>,
}

/// 行政区划: the administrative area a document and its units belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Jurisdiction {
    /// Full name as written, e.g. `哈尔滨市道里区`.
    pub name: String,
    pub slug: String,
}

/// Whether a named responsible party is one body or a collective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// One department or organ (区司法局).
    Department,
    /// A collective such as 区直各部门 or 各街道、镇: never shown as one body.
    Group,
}

/// 单位: a department or group of one jurisdiction. The same name in two
/// jurisdictions is two units.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Canonical name (the registry's, or the first spelling seen).
    pub name: String,
    /// Other names of the same organ (aliases, the second name of a merged organ).
    pub other_names: Vec<String>,
    pub jurisdiction: JurisdictionId,
    pub kind: UnitKind,
    pub slug: String,
    /// False when the unit was found in content but is not in `units.yaml`.
    pub registered: bool,
}

/// 主题: a theme that groups tasks across plans.
#[derive(Debug, Clone)]
pub struct Topic {
    pub name: String,
    pub slug: String,
}

pub use crate::vocabulary::Link;

macro_rules! declare_doc_meta {
    (
        facts { $($(#[$fdoc:meta])* $fact:ident: $fty:ty,)* }
        links { $($(#[$ldoc:meta])* $link:ident: $lty:ty,)* }
    ) => {
        /// The metadata a portal shows above a policy document, its fields
        /// declared in [`crate::vocabulary`]. Empty fields are `None` and are
        /// omitted from the page, never shown blank.
        #[derive(Debug, Clone, Default, Serialize, Deserialize)]
        pub struct DocMeta {
            /// 标题
            pub title: String,
            $($(#[$fdoc])* pub $fact: $fty,)*
            $($(#[$ldoc])* pub $link: $lty,)*
        }

        impl DocMeta {
            /// Takes each fact this document does not give from `from`: a plan
            /// published with its notice shares the notice's 发文字号, dates…
            pub fn inherit_facts(&mut self, from: &DocMeta) {
                $(if self.$fact.is_none() {
                    self.$fact.clone_from(&from.$fact);
                })*
            }

            /// Calls `f` on every piece of text, the title first.
            pub fn each_text(&mut self, f: &mut dyn FnMut(&mut String)) {
                use crate::vocabulary::Value;
                f(&mut self.title);
                $(self.$fact.each_text(f);)*
                $(self.$link.each_text(f);)*
            }
        }
    };
}
crate::vocabulary::doc_meta!(declare_doc_meta);

/// 通知: the cover letter that transmits one or more plans.
#[derive(Debug, Clone)]
pub struct Notice {
    pub slug: String,
    pub meta: DocMeta,
    pub jurisdiction: JurisdictionId,
    /// 主送: the addressees, as written.
    pub recipients: Option<String>,
    /// Body text (Markdown).
    pub body: String,
    /// 落款: the signing body, as written under the text.
    pub signature: Option<String>,
    pub plans: Vec<PlanId>,
    pub source: SourceFile,
}

/// The kind of a plan document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlanKind {
    Plan,
    ImplementationPlan,
    WorkPlan,
    ImplementingOpinions,
    Opinions,
    MultiYearPlan,
    DivisionOfLabour,
}

impl PlanKind {
    pub const ALL: [PlanKind; 7] = [
        PlanKind::Plan,
        PlanKind::ImplementationPlan,
        PlanKind::WorkPlan,
        PlanKind::ImplementingOpinions,
        PlanKind::Opinions,
        PlanKind::MultiYearPlan,
        PlanKind::DivisionOfLabour,
    ];

    /// Reads the Chinese name used in content files.
    pub fn from_label(label: &str) -> Option<PlanKind> {
        Self::ALL.into_iter().find(|k| k.label() == label)
    }

    /// The Chinese name, as written in documents and shown on pages.
    pub fn label(self) -> &'static str {
        match self {
            PlanKind::Plan => "方案",
            PlanKind::ImplementationPlan => "实施方案",
            PlanKind::WorkPlan => "工作方案",
            PlanKind::ImplementingOpinions => "实施意见",
            PlanKind::Opinions => "意见",
            PlanKind::MultiYearPlan => "规划",
            PlanKind::DivisionOfLabour => "分工方案",
        }
    }
}

/// A plan period such as 2021-2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub start: i32,
    pub end: i32,
}

/// A phase of a 规划-style plan, e.g. 全面推进阶段 (2021年-2022年).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Phase {
    pub name: String,
    /// The period as written.
    pub text: Option<String>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// What the phase is about (Markdown).
    pub body: String,
}

/// Where a document came from, for diagnostics and rebuilds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    /// Path relative to the site root.
    pub path: PathBuf,
    /// 1-based line where the document starts in that file.
    pub line: usize,
}

/// A plan: 方案, 实施意见, 规划, 分工方案...
#[derive(Debug, Clone)]
pub struct Plan {
    pub slug: String,
    pub kind: PlanKind,
    pub meta: DocMeta,
    pub jurisdiction: JurisdictionId,
    pub period: Option<Period>,
    /// Topics given for the whole plan (front matter).
    pub topics: Vec<TopicId>,
    /// The document's body in order: preamble text, tasks outside any
    /// section, and sections.
    pub body: Vec<Block>,
    /// Every task of the plan in document order; sections refer to them by index.
    pub tasks: Vec<Task>,
    pub phases: Vec<Phase>,
    pub notice: Option<NoticeId>,
    pub source: SourceFile,
}

/// A heading level: 第一章 > 第一节 > 一、 > (一) > numbered items.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    /// The number as written (`一`, `(一)`, `第一章`), if any.
    pub number: Option<String>,
    pub title: String,
    /// 1 (chapter) to 5.
    pub level: u8,
    /// Stable anchor within the plan page.
    pub anchor: String,
    pub blocks: Vec<Block>,
}

/// What a section holds, in document order.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Block {
    /// Prose (Markdown).
    Text(String),
    /// Index into [`Plan::tasks`].
    Task(usize),
    /// Boxed: most blocks are tasks, which should not take a section's size.
    Section(Box<Section>),
}

/// 任务 / 举措 / 具体项目: one numbered measure and who answers for it.
///
/// Kept compact (boxed strings and slices, the units of the three roles, the
/// topics and where each official's name ends in one list of `u32`, the
/// short texts in one string): a provincial site holds hundreds of thousands
/// for the whole build (at 5,000 plans, one allocation per short text and a
/// pointer for each were about 40 MiB of the build's peak).
#[derive(Debug, Clone)]
pub struct Task {
    /// The measure's text without its unit annotations (Markdown).
    pub text: Box<str>,
    /// The number, the anchor's name when it is not the number itself,
    /// the schedule, the priority and the officials, one after the other
    /// (see [`Task::number`] and the others).
    words: Box<str>,
    /// Lead, responsible and participating units, then topics (ids of a
    /// site's few thousand units and topics), then where each official's
    /// name ends in `words`.
    ids: Box<[u32]>,
    pub deadlines: Box<[Deadline]>,
    /// Title of the innermost section that holds the task, shared by the
    /// tasks of that section.
    pub section: Option<std::sync::Arc<str>>,
    lead_end: u32,
    responsible_end: u32,
    units_end: u32,
    topics_end: u32,
    /// Where the number, the anchor's name, the schedule and the priority
    /// end in `words`.
    number_end: u32,
    anchor_end: u32,
    schedule_end: u32,
    priority_end: u32,
    /// 1-based line of the task in its source file.
    line: u32,
    /// Whether the task has a schedule ([`HAS_SCHEDULE`]) and a priority
    /// ([`HAS_PRIORITY`]): an empty one is not none.
    has: u8,
}

const HAS_SCHEDULE: u8 = 1;
const HAS_PRIORITY: u8 = 2;

/// A task's short texts, as [`Task::words`] packs them.
struct Words<'a> {
    number: &'a str,
    anchor_name: Option<&'a str>,
    schedule: Option<&'a str>,
    priority: Option<&'a str>,
    officials: &'a [&'a str],
}

/// [`Words`] packed: the string, the ends of its parts, each official's
/// end, and which optional parts are there.
struct Packed {
    words: Box<str>,
    ends: [u32; 4],
    officials: Vec<u32>,
    has: u8,
}

impl Words<'_> {
    fn pack(&self) -> Packed {
        // A task's short texts are far from 4 GB.
        let narrow = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut words = String::with_capacity(self.len());
        let mut end = |s: &str| {
            words.push_str(s);
            narrow(words.len())
        };
        let ends = [
            end(self.number),
            end(self.anchor_name.unwrap_or_default()),
            end(self.schedule.unwrap_or_default()),
            end(self.priority.unwrap_or_default()),
        ];
        let officials = self.officials.iter().map(|o| end(o)).collect();
        let has = if self.schedule.is_some() {
            HAS_SCHEDULE
        } else {
            0
        } | if self.priority.is_some() {
            HAS_PRIORITY
        } else {
            0
        };
        Packed {
            words: words.into_boxed_str(),
            ends,
            officials,
            has,
        }
    }

    fn len(&self) -> usize {
        let opt = |s: Option<&str>| s.map_or(0, str::len);
        self.number.len()
            + opt(self.anchor_name)
            + opt(self.schedule)
            + opt(self.priority)
            + self.officials.iter().map(|o| o.len()).sum::<usize>()
    }
}

/// What a [`Task`] is made of; [`Task::new`] packs it.
#[derive(Debug, Clone, Default)]
pub struct TaskParts {
    pub number: String,
    pub text: String,
    /// 牵头单位
    pub lead: Vec<UnitId>,
    /// 责任单位
    pub responsible: Vec<UnitId>,
    /// 参与单位 / 配合单位
    pub participating: Vec<UnitId>,
    pub officials: Vec<String>,
    pub schedule: Option<String>,
    pub deadlines: Vec<Deadline>,
    pub priority: Option<String>,
    pub topics: Vec<TopicId>,
    pub section: Option<std::sync::Arc<str>>,
    pub line: usize,
}

impl Task {
    pub fn new(p: TaskParts) -> Task {
        let slug = crate::slug::slugify(&p.number);
        let anchor_name = (slug != p.number).then_some(slug.as_str());
        let officials: Vec<&str> = p.officials.iter().map(String::as_str).collect();
        let packed = Words {
            number: &p.number,
            anchor_name,
            schedule: p.schedule.as_deref(),
            priority: p.priority.as_deref(),
            officials: &officials,
        }
        .pack();
        let mut task = Task {
            // The text is copied, not moved: the parser's strings have spare
            // capacity and live among its temporaries, and a copy of its exact
            // size made here keeps the model compact (about 20 MiB less
            // resident at 5,000 plans).
            text: p.text.as_str().into(),
            words: Box::default(),
            ids: Box::default(),
            deadlines: p.deadlines.into_boxed_slice(),
            section: p.section,
            lead_end: 0,
            responsible_end: 0,
            units_end: 0,
            topics_end: 0,
            number_end: 0,
            anchor_end: 0,
            schedule_end: 0,
            priority_end: 0,
            // Lines of a content file are far fewer than four billion.
            line: u32::try_from(p.line).unwrap_or(u32::MAX),
            has: 0,
        };
        task.set_packed(
            [&p.lead, &p.responsible, &p.participating, &p.topics],
            packed,
        );
        task
    }

    /// Sets the ids and the short texts.
    fn set_packed(&mut self, ids: [&[usize]; 4], packed: Packed) {
        // Ids and counts come from vectors of a site's units and topics,
        // far below four billion.
        let narrow = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let [lead, responsible, participating, topics] = ids;
        self.ids = ids
            .into_iter()
            .flatten()
            .map(|&id| narrow(id))
            .chain(packed.officials)
            .collect();
        self.lead_end = narrow(lead.len());
        self.responsible_end = self.lead_end + narrow(responsible.len());
        self.units_end = self.responsible_end + narrow(participating.len());
        self.topics_end = self.units_end + narrow(topics.len());
        self.words = packed.words;
        [
            self.number_end,
            self.anchor_end,
            self.schedule_end,
            self.priority_end,
        ] = packed.ends;
        self.has = packed.has;
    }

    /// The number as written (`11`), unique within its plan.
    pub fn number(&self) -> &str {
        self.word(0, self.number_end)
    }

    /// 进度安排, as written.
    pub fn schedule(&self) -> Option<&str> {
        (self.has & HAS_SCHEDULE != 0).then(|| self.word(self.anchor_end, self.schedule_end))
    }

    /// 近期重点突破的工作
    pub fn priority(&self) -> Option<&str> {
        (self.has & HAS_PRIORITY != 0).then(|| self.word(self.schedule_end, self.priority_end))
    }

    /// 牵头领导: people, by name.
    pub fn officials(&self) -> Officials<'_> {
        Officials {
            words: &self.words,
            start: self.priority_end,
            ends: self.ids.get(self.topics_end as usize..).unwrap_or_default(),
        }
    }

    /// 1-based line of the task in its source file.
    pub fn line(&self) -> usize {
        self.line as usize
    }

    /// Replaces the schedule, the priority and the officials with what `f`
    /// makes of each (an edition converts them).
    pub fn map_words(&mut self, f: &mut dyn FnMut(&str) -> String) {
        let schedule = self.schedule().map(&mut *f);
        let priority = self.priority().map(&mut *f);
        let officials: Vec<String> = self.officials().iter().map(&mut *f).collect();
        let officials: Vec<&str> = officials.iter().map(String::as_str).collect();
        let packed = Words {
            number: self.number(),
            anchor_name: self.anchor_name(),
            schedule: schedule.as_deref(),
            priority: priority.as_deref(),
            officials: &officials,
        }
        .pack();
        let ids = self.id_lists();
        self.set_packed(ids.each_ref().map(Vec::as_slice), packed);
    }

    fn word(&self, from: u32, to: u32) -> &str {
        self.words
            .get(from as usize..to as usize)
            .unwrap_or_default()
    }

    fn anchor_name(&self) -> Option<&str> {
        (self.anchor_end > self.number_end).then(|| self.word(self.number_end, self.anchor_end))
    }

    /// The unit and topic ids, list by list, and the packed short texts.
    fn id_lists(&self) -> [Vec<usize>; 4] {
        let list = |ids: Ids| ids.iter().collect();
        [
            list(self.lead()),
            list(self.responsible()),
            list(self.participating()),
            list(self.topics()),
        ]
    }

    fn span(&self, from: u32, to: u32) -> Ids<'_> {
        Ids(self.ids.get(from as usize..to as usize).unwrap_or_default())
    }

    /// 牵头单位
    pub fn lead(&self) -> Ids<'_> {
        self.span(0, self.lead_end)
    }

    /// 责任单位
    pub fn responsible(&self) -> Ids<'_> {
        self.span(self.lead_end, self.responsible_end)
    }

    /// 参与单位 / 配合单位
    pub fn participating(&self) -> Ids<'_> {
        self.span(self.responsible_end, self.units_end)
    }

    /// The task's topics (主题).
    pub fn topics(&self) -> Ids<'_> {
        self.span(self.units_end, self.topics_end)
    }

    /// Replaces the task's units and topics (serve renumbers them after an edit).
    pub fn set_ids(
        &mut self,
        lead: Vec<UnitId>,
        responsible: Vec<UnitId>,
        participating: Vec<UnitId>,
        topics: Vec<TopicId>,
    ) {
        let officials: Vec<&str> = self.officials().iter().collect();
        let packed = Words {
            number: self.number(),
            anchor_name: self.anchor_name(),
            schedule: self.schedule(),
            priority: self.priority(),
            officials: &officials,
        }
        .pack();
        self.set_packed([&lead, &responsible, &participating, &topics], packed);
    }

    /// Stable anchor on the plan page, e.g. `task-11`.
    pub fn anchor(&self) -> Anchor<'_> {
        Anchor(self.anchor_name().unwrap_or(self.number()))
    }

    /// The units the task names besides its leads (责任/参与), each once, in
    /// role order; no allocation, for loops over hundreds of thousands of tasks.
    pub fn shared_units(&self) -> impl Iterator<Item = UnitId> + '_ {
        let lead = self.lead();
        let others = self.span(self.lead_end, self.units_end);
        (0..others.len())
            .filter(move |&i| {
                let u = others.0[i];
                !lead.0.contains(&u) && !others.0[..i].contains(&u)
            })
            .map(move |i| others.0[i] as usize)
    }

    /// Every unit named by the task, in role order (lead, responsible,
    /// participating), each once.
    pub fn all_units(&self) -> Vec<UnitId> {
        self.named_units().collect()
    }

    /// Every unit named by the task, each once, in role order.
    pub fn named_units(&self) -> impl Iterator<Item = UnitId> + '_ {
        self.lead().iter().chain(self.shared_units())
    }
}

/// Unit or topic ids of a task (see [`Task::lead`], [`Task::topics`]).
#[derive(Debug, Clone, Copy)]
pub struct Ids<'a>(&'a [u32]);

impl<'a> Ids<'a> {
    pub fn iter(self) -> impl DoubleEndedIterator<Item = usize> + ExactSizeIterator + 'a {
        self.0.iter().map(|&id| id as usize)
    }

    pub fn len(self) -> usize {
        self.0.len()
    }

    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(self, id: usize) -> bool {
        self.iter().any(|x| x == id)
    }
}

impl<'a> IntoIterator for Ids<'a> {
    type Item = usize;
    type IntoIter = std::iter::Map<std::slice::Iter<'a, u32>, fn(&u32) -> usize>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|&id| id as usize)
    }
}

/// A task's officials (see [`Task::officials`]); serializes as a list of names.
#[derive(Debug, Clone, Copy)]
pub struct Officials<'a> {
    words: &'a str,
    /// Where the first name starts in `words`.
    start: u32,
    /// Where each name ends.
    ends: &'a [u32],
}

impl<'a> Officials<'a> {
    pub fn iter(self) -> impl ExactSizeIterator<Item = &'a str> + Clone + 'a {
        (0..self.ends.len()).map(move |i| {
            let from = match i {
                0 => self.start,
                _ => self.ends[i - 1],
            };
            self.words
                .get(from as usize..self.ends[i] as usize)
                .unwrap_or_default()
        })
    }

    pub fn len(self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(self) -> bool {
        self.ends.is_empty()
    }
}

impl Serialize for Officials<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// A task's anchor (`task-` and its number as a slug); displays as such.
#[derive(Debug, Clone, Copy)]
pub struct Anchor<'a>(&'a str);

impl std::fmt::Display for Anchor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("task-")?;
        f.write_str(self.0)
    }
}

impl Anchor<'_> {
    /// Appends the anchor to `out`.
    pub fn push_to(self, out: &mut String) {
        out.push_str("task-");
        out.push_str(self.0);
    }
}

/// What a deadline phrase says about time (docs/deadlines.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// `2015年6月底前`, `到2020年`: done by the end of the period.
    By,
    /// `从2015年起`: starting then, ongoing.
    From,
    /// `2021年-2022年`: a span.
    Span,
}

/// The dates a deadline phrase means, each `None` when it names a day that
/// cannot exist (`2015年13月`). A start is never a due date: only a limit
/// has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum When {
    /// `2015年6月底前`, `到2020年`, `2024年前`: due by the last day of the
    /// named period.
    By { due: Option<NaiveDate> },
    /// `从2015年起`, `2015年以来`: from the first day of the named period on,
    /// with no end.
    From { start: Option<NaiveDate> },
    /// `2021年-2022年`: from the first day of the first period to the last
    /// day of the second.
    Span {
        start: Option<NaiveDate>,
        end: Option<NaiveDate>,
    },
}

/// A deadline as written, with the dates it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// The original words, shown to readers.
    pub text: String,
    pub when: When,
}

impl Deadline {
    pub fn kind(&self) -> DeadlineKind {
        match self.when {
            When::By { .. } => DeadlineKind::By,
            When::From { .. } => DeadlineKind::From,
            When::Span { .. } => DeadlineKind::Span,
        }
    }

    /// The due date of a limit (`By`); a start or a span has none.
    pub fn due(&self) -> Option<NaiveDate> {
        match self.when {
            When::By { due } => due,
            _ => None,
        }
    }

    /// The first day of a start (`From`); a limit or a span has none.
    pub fn start(&self) -> Option<NaiveDate> {
        match self.when {
            When::From { start } => start,
            _ => None,
        }
    }

    /// The first and the last day of a span.
    pub fn span(&self) -> Option<[Option<NaiveDate>; 2]> {
        match self.when {
            When::Span { start, end } => Some([start, end]),
            _ => None,
        }
    }

    /// The first day of a start or a span.
    pub fn first_day(&self) -> Option<NaiveDate> {
        match self.when {
            When::From { start } | When::Span { start, .. } => start,
            When::By { .. } => None,
        }
    }

    /// The last day of a limit or a span; a start has no end.
    pub fn last_day(&self) -> Option<NaiveDate> {
        match self.when {
            When::By { due: end } | When::Span { end, .. } => end,
            When::From { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(schedule: Option<&str>, priority: Option<&str>, officials: &[&str]) -> Task {
        Task::new(TaskParts {
            number: "（一）".into(),
            text: "健全制度。".into(),
            lead: vec![3],
            responsible: vec![5, 3],
            participating: vec![7],
            officials: officials.iter().map(|o| o.to_string()).collect(),
            schedule: schedule.map(str::to_string),
            priority: priority.map(str::to_string),
            topics: vec![2],
            line: 12,
            ..TaskParts::default()
        })
    }

    fn words(t: &Task) -> (&str, String, Option<&str>, Option<&str>, Vec<&str>) {
        let officials = t.officials().iter().collect();
        (
            t.number(),
            t.anchor().to_string(),
            t.schedule(),
            t.priority(),
            officials,
        )
    }

    #[test]
    fn packed_words_read_back_as_given() {
        let t = task(Some("2022年底前完成。"), None, &["张三", "", "李四"]);
        let anchor = format!("task-{}", crate::slug::slugify("（一）"));
        let expected = (
            "（一）",
            anchor.clone(),
            Some("2022年底前完成。"),
            None,
            vec!["张三", "", "李四"],
        );
        assert_eq!(words(&t), expected);
        assert_eq!(t.line(), 12);
        assert_eq!(t.topics().iter().collect::<Vec<_>>(), [2]);
        // An empty schedule is not none; no officials is an empty list.
        let t = task(None, Some(""), &[]);
        assert_eq!(words(&t), ("（一）", anchor, None, Some(""), vec![]));
        assert_eq!(
            serde_json::to_string(&t.officials()).ok().as_deref(),
            Some("[]")
        );
    }

    #[test]
    fn new_ids_and_converted_words_keep_the_rest() {
        let mut t = task(Some("年底前"), Some("试点"), &["张三"]);
        t.set_ids(vec![1], vec![], vec![4, 6], vec![8, 9]);
        assert_eq!(words(&t).4, ["张三"]);
        assert_eq!(t.schedule(), Some("年底前"));
        assert_eq!(t.participating().iter().collect::<Vec<_>>(), [4, 6]);
        assert_eq!(t.topics().iter().collect::<Vec<_>>(), [8, 9]);
        t.map_words(&mut |s| format!("<{s}>"));
        assert_eq!(t.officials().iter().collect::<Vec<_>>(), ["<张三>"]);
        assert_eq!(
            (t.schedule(), t.priority()),
            (Some("<年底前>"), Some("<试点>"))
        );
        assert_eq!((t.number(), &*t.text), ("（一）", "健全制度。"));
        assert_eq!(t.lead().iter().collect::<Vec<_>>(), [1]);
        assert_eq!(t.topics().iter().collect::<Vec<_>>(), [8, 9]);
    }
}
