//! What templates see. Each view is small, built once per entity and shared
//! by every page that shows it (a task's HTML is made once, whether it appears
//! on its plan page, three unit pages and two topic pages).
//!
//! Paths (`path`) are relative to the site's root and end with `/` for pages
//! (`plans/daoli-2017/`): templates prefix them with `root` (the base path, plus
//! `elder/` on elder pages) so one view serves both versions of a page. Every
//! field is always present; absent values are `null`, so templates test them
//! with `{% if … %}`. docs/templates.md documents this for theme authors.

use serde::Serialize;

mod shared;

pub use shared::{
    KeptPlan, Links, PlainTexts, PlanRows, Views, date, first_clause, flatten, safe_url, task_view,
};

/// A link to a unit, with its role-independent facts.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLink {
    pub name: String,
    /// `department` or `group`.
    pub kind: crate::model::UnitKind,
    pub path: String,
}

/// A named link inside the site.
#[derive(Debug, Clone, Serialize)]
pub struct NamedPath {
    pub name: String,
    pub path: String,
}

/// A deadline: the words as written and the ISO date they mean, if any.
#[derive(Debug, Clone, Serialize)]
pub struct DeadlineView {
    pub text: String,
    pub date: Option<String>,
    /// `by`, `from` or `span`.
    pub kind: crate::model::DeadlineKind,
}

/// One task, as its plan page shows it (`partials/task.html`) and as lists
/// show it (`partials/task-row.html`). Each is rendered once per task.
///
/// Links to units, topics and the plan are `tera::Value`s made once per site
/// and shared (cheap to clone), not strings copied into every task.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub number: String,
    pub anchor: String,
    /// The task's text as sanitised HTML (safe to print with `| safe`).
    pub html: String,
    /// The first sentence of the text, without markup, shortened to about
    /// 60 characters (for themes that want a short list; the portal's rows
    /// show `html`, the whole text).
    pub summary: String,
    /// [`UnitLink`]s.
    pub lead: Vec<tera::Value>,
    pub responsible: Vec<tera::Value>,
    pub participating: Vec<tera::Value>,
    pub officials: Vec<String>,
    pub schedule: Option<String>,
    pub deadlines: Vec<DeadlineView>,
    pub priority: Option<String>,
    /// [`NamedPath`]s.
    pub topics: Vec<tera::Value>,
    /// The plan the task belongs to: a [`NamedPath`] (title and path).
    pub plan: tera::Value,
    /// `plans/slug/#task-11`: the task's address on the site.
    pub path: String,
    pub section: Option<String>,
}

/// A plan in lists (home, jurisdiction, topic and unit pages).
#[derive(Debug, Clone, Serialize)]
pub struct PlanSummary {
    pub title: String,
    pub path: String,
    pub kind: String,
    pub jurisdiction: NamedPath,
    pub doc_number: Option<String>,
    pub date_published: Option<String>,
    pub date_signed: Option<String>,
    pub period: Option<String>,
    pub task_count: usize,
}

/// A link in a document's metadata (附件, 相关链接, 来源).
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

macro_rules! declare_meta_view {
    (
        facts { $($(#[$fdoc:meta])* $fact:ident: $fty:ty,)* }
        links { $($(#[$ldoc:meta])* $link:ident: $lty:ty,)* }
    ) => {
        /// The portal's metadata table, its fields those of
        /// [`crate::vocabulary`]: dates written `2017-03-02`, links' URLs made
        /// safe. Empty fields are `null` and must be omitted.
        #[derive(Debug, Clone, Serialize)]
        pub struct MetaView {
            /// 标题
            pub title: String,
            $($(#[$fdoc])* pub $fact: <$fty as Shown>::View,)*
            $($(#[$ldoc])* pub $link: <$lty as Shown>::View,)*
        }

        pub fn meta_view(m: &crate::model::DocMeta) -> MetaView {
            MetaView {
                title: m.title.clone(),
                $($fact: m.$fact.shown(),)*
                $($link: m.$link.shown(),)*
            }
        }
    };
}
crate::vocabulary::doc_meta!(declare_meta_view);

/// A metadata field's value as templates see it.
pub trait Shown {
    type View: Serialize;
    fn shown(&self) -> Self::View;
}

impl Shown for Option<String> {
    type View = Option<String>;
    fn shown(&self) -> Self::View {
        self.clone()
    }
}

impl Shown for Option<chrono::NaiveDate> {
    type View = Option<String>;
    fn shown(&self) -> Self::View {
        date(*self)
    }
}

impl Shown for crate::model::Link {
    type View = LinkView;
    fn shown(&self) -> LinkView {
        LinkView {
            title: self.title.clone(),
            url: safe_url(&self.url),
        }
    }
}

impl Shown for Option<crate::model::Link> {
    type View = Option<LinkView>;
    fn shown(&self) -> Self::View {
        self.as_ref().map(Shown::shown)
    }
}

impl Shown for Vec<crate::model::Link> {
    type View = Vec<LinkView>;
    fn shown(&self) -> Self::View {
        self.iter().map(Shown::shown).collect()
    }
}

/// One item of a plan's body, flattened in document order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BodyItem {
    /// A section heading: `h` is the HTML heading level to use (2 to 6).
    Heading {
        number: Option<String>,
        title: String,
        anchor: String,
        level: u8,
        h: u8,
    },
    /// Prose, as sanitised HTML.
    Text { html: String },
    /// A task: `index` into the page's `tasks`; `h`, the heading level
    /// (2 to 6) of its number, one below its section's; `html`, the task
    /// rendered with `partials/task.html` (safe HTML).
    Task {
        index: usize,
        h: u8,
        html: tera::Value,
    },
}

/// A table-of-contents entry.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub number: Option<String>,
    pub title: String,
    pub anchor: String,
    /// Nesting depth, 0 for the outermost sections.
    pub depth: usize,
}

/// A phase of a 规划.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseView {
    pub name: String,
    pub text: Option<String>,
    pub html: String,
}

/// A unit in the units index and on jurisdiction pages.
#[derive(Debug, Clone, Serialize)]
pub struct UnitSummary {
    pub name: String,
    pub other_names: Vec<String>,
    pub path: String,
    pub kind: crate::model::UnitKind,
    pub led: usize,
    pub shared: usize,
    pub total: usize,
    /// Whether the unit has a calendar of its deadlines (some of its tasks
    /// are dated): its page links to the file only then.
    pub calendar: bool,
}

/// Tasks of one plan on a unit or topic page, as rendered rows
/// (`partials/task-row.html`, safe HTML).
#[derive(Debug, Clone, Serialize)]
pub struct PlanGroup {
    /// A [`PlanSummary`], made once per plan.
    pub plan: tera::Value,
    pub led: Vec<tera::Value>,
    pub shared: Vec<tera::Value>,
    /// All tasks of the plan on this page.
    pub tasks: Vec<tera::Value>,
    /// Topic pages: the same tasks, each by its number, address and first
    /// sentence (a topic page finds tasks; their whole text is on the plan
    /// page and on their units' pages). Empty on unit pages.
    pub items: Vec<TaskItem>,
}

/// A task named in a list that does not show its whole text.
#[derive(Debug, Clone, Serialize)]
pub struct TaskItem {
    pub number: String,
    /// `plans/slug/#task-11`.
    pub path: String,
    /// The first sentence, plain (a task view's `summary`).
    pub summary: String,
}

/// A jurisdiction in lists.
#[derive(Debug, Clone, Serialize)]
pub struct JurisdictionSummary {
    pub name: String,
    pub path: String,
    pub plan_count: usize,
    pub unit_count: usize,
    pub task_count: usize,
}

/// A topic in lists.
#[derive(Debug, Clone, Serialize)]
pub struct TopicSummary {
    pub name: String,
    pub path: String,
    pub task_count: usize,
    pub plan_count: usize,
}

/// A breadcrumb step (当前位置). The last one is the page itself.
#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub title: String,
    pub path: String,
}

/// A data file a page offers (CSV, iCalendar, JSON).
#[derive(Debug, Clone, Serialize)]
pub struct DataLink {
    /// `csv`, `ics`, `json`, `atom`.
    pub format: String,
    pub path: String,
}

/// What every page has.
#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    /// `home`, `plan`, `notice`, `plans`, `units`, `unit`, `topics`, `topic`,
    /// `jurisdictions`, `jurisdiction`, `search`, `not_found`.
    pub kind: &'static str,
    pub title: String,
    /// This page's path, relative to the root (`plans/x/`; `` for the home page).
    pub path: String,
    pub crumbs: Vec<Crumb>,
    pub data: Vec<DataLink>,
    /// The page's full address (base URL + path), for the QR code and `canonical`.
    pub url: String,
}
