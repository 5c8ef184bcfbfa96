//! Every page of the site: which pages exist, what each one's context holds,
//! and rendering them in parallel.
//!
//! Views of tasks, plans and units are built once ([`Views`]) and borrowed by
//! every page context that shows them.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::{Block, DocMeta, Ids, Site, TaskRef, UnitId};

use super::theme::{LAYOUT, Theme, template_error};
use super::views::*;
use super::{Sink, markdown, qr};

/// Marks where the link prefix (`root`) goes in task fragments rendered once
/// for both versions of a page: the standard one puts the base path there,
/// the elder one the base path plus `elder/`. Content cannot contain it (the
/// loader takes control characters out), so it never collides with text.
pub const ROOT_MARK: &str = "\u{0}";

/// Where the layout prints a page's content (rendered once for both
/// versions); like [`ROOT_MARK`], content cannot contain it.
pub const CONTENT_MARK: &str = "\u{1}";

/// Shared link values (cheap to clone into any number of task views).
pub struct Links {
    pub units: Vec<tera::Value>,
    pub topics: Vec<tera::Value>,
    pub plans: Vec<tera::Value>,
    /// Each plan's [`PlanSummary`], for the listing pages that show it.
    pub plan_summaries: Vec<tera::Value>,
}

/// Views shared by all pages.
pub struct Views {
    pub plans: Vec<PlanSummary>,
    /// Each task as a row for unit and topic pages (`partials/task-row.html`,
    /// links prefixed with [`ROOT_MARK`]), by plan: rendered once, whatever
    /// the number of pages that list the task.
    pub rows: Vec<PlanRows>,
    /// Each task's text without Markdown, where it differs from the text
    /// itself (most tasks have no syntax: `None`), by plan. See [`Views::plain`].
    pub plain: Vec<Vec<Option<Box<str>>>>,
    pub links: Links,
    pub units: Vec<UnitSummary>,
    pub unit_paths: Vec<String>,
    pub jurisdictions: Vec<JurisdictionSummary>,
    pub topics: Vec<TopicSummary>,
}

/// The rows of one plan's tasks, in task order, one after the other in one
/// string: a big site holds hundreds of thousands of rows for the whole
/// pages phase, and one allocation per plan keeps them compact.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PlanRows {
    html: String,
    /// Where each task's row ends in `html`.
    ends: Vec<u32>,
}

impl PlanRows {
    /// The row of the plan's task `t`.
    pub fn get(&self, t: usize) -> &str {
        let start = match t {
            0 => 0,
            _ => self.ends.get(t - 1).map_or(0, |&e| e as usize),
        };
        let end = self.ends.get(t).map_or(start, |&e| e as usize);
        self.html.get(start..end).unwrap_or_default()
    }

    fn push(&mut self, row: &str) {
        self.html.push_str(row);
        // A plan's rows are a few hundred bytes each, far from 4 GB.
        self.ends
            .push(u32::try_from(self.html.len()).unwrap_or(u32::MAX));
    }
}

pub fn plan_path(slug: &str) -> String {
    format!("plans/{slug}/")
}
pub fn notice_path(slug: &str) -> String {
    format!("notices/{slug}/")
}
pub fn topic_path(slug: &str) -> String {
    format!("topics/{slug}/")
}
pub fn jurisdiction_path(slug: &str) -> String {
    format!("jurisdictions/{slug}/")
}
pub fn unit_path(site: &Site, u: UnitId) -> String {
    let unit = &site.units[u];
    format!(
        "units/{}/{}/",
        site.jurisdictions[unit.jurisdiction].slug, unit.slug
    )
}

fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl Views {
    pub fn build(site: &Site, index: &Index, theme: &Theme) -> Result<Views, Diagnostic> {
        Self::build_reusing(site, index, theme, Vec::new())
    }

    /// Like [`Views::build`], but a plan whose entry in `reuse` is `Some`
    /// keeps those rows instead of rendering them again. Rows are most of the
    /// cost of this function; `serve` passes the rows of the plans an edit
    /// did not touch, when no unit, topic or jurisdiction changed name or path.
    pub fn build_reusing(
        site: &Site,
        index: &Index,
        theme: &Theme,
        mut reuse: Vec<Option<PlanRows>>,
    ) -> Result<Views, Diagnostic> {
        reuse.resize_with(site.plans.len(), || None);
        let unit_paths: Vec<String> = (0..site.units.len()).map(|u| unit_path(site, u)).collect();
        let jurisdiction_links: Vec<NamedPath> = site
            .jurisdictions
            .iter()
            .map(|j| NamedPath {
                name: j.name.clone(),
                path: jurisdiction_path(&j.slug),
            })
            .collect();
        let plans: Vec<PlanSummary> = site
            .plans
            .iter()
            .map(|p| PlanSummary {
                title: p.meta.title.clone(),
                path: plan_path(&p.slug),
                kind: p.kind.label().to_string(),
                jurisdiction: jurisdiction_links[p.jurisdiction].clone(),
                doc_number: p.meta.doc_number.clone(),
                date_published: date(p.meta.date_published),
                date_signed: date(p.meta.date_signed),
                period: p.period.map(|x| {
                    if x.start == x.end {
                        x.start.to_string()
                    } else {
                        format!("{}-{}", x.start, x.end)
                    }
                }),
                task_count: p.tasks.len(),
            })
            .collect();
        let links = Links {
            units: site
                .units
                .iter()
                .zip(&unit_paths)
                .map(|(u, path)| {
                    tera::Value::from_serializable(&UnitLink {
                        name: u.name.clone(),
                        kind: u.kind,
                        path: path.clone(),
                    })
                })
                .collect(),
            topics: site
                .topics
                .iter()
                .map(|t| {
                    tera::Value::from_serializable(&NamedPath {
                        name: t.name.clone(),
                        path: topic_path(&t.slug),
                    })
                })
                .collect(),
            plans: plans
                .iter()
                .map(|p| {
                    tera::Value::from_serializable(&NamedPath {
                        name: p.title.clone(),
                        path: p.path.clone(),
                    })
                })
                .collect(),
            plan_summaries: plans.iter().map(tera::Value::from_serializable).collect(),
        };
        let plain: Vec<Vec<Option<Box<str>>>> = site
            .plans
            .par_iter()
            .map(|plan| {
                plan.tasks
                    .iter()
                    .map(|t| match markdown::to_plain_cow(&t.text) {
                        std::borrow::Cow::Borrowed(_) => None,
                        std::borrow::Cow::Owned(s) => Some(s.into_boxed_str()),
                    })
                    .collect()
            })
            .collect();
        let rows: Vec<PlanRows> = (0..site.plans.len())
            .into_par_iter()
            .zip(reuse)
            .map(|(p, reused)| match reused {
                Some(rows) => Ok(rows),
                None => task_rows(site, p, &plain[p], &links, theme),
            })
            .collect::<Result<_, Diagnostic>>()?;
        let units = site
            .units
            .iter()
            .enumerate()
            .map(|(u, unit)| {
                let t = &index.units[u];
                UnitSummary {
                    name: unit.name.clone(),
                    other_names: unit.other_names.clone(),
                    path: unit_paths[u].clone(),
                    kind: unit.kind,
                    led: t.led.len(),
                    shared: t.shared.len(),
                    total: t.total(),
                    calendar: super::data::has_calendar(site, t),
                }
            })
            .collect();
        let jurisdictions = site
            .jurisdictions
            .iter()
            .enumerate()
            .map(|(j, jur)| {
                let ji = &index.jurisdictions[j];
                JurisdictionSummary {
                    name: jur.name.clone(),
                    path: jurisdiction_links[j].path.clone(),
                    plan_count: ji.plans.len(),
                    unit_count: ji.departments.len() + ji.groups.len(),
                    task_count: ji.task_count,
                }
            })
            .collect();
        let topics = site
            .topics
            .iter()
            .enumerate()
            .map(|(t, topic)| {
                let refs = &index.topics[t];
                let mut plan_ids: Vec<usize> = refs.iter().map(|r| r.plan()).collect();
                plan_ids.dedup();
                plan_ids.sort_unstable();
                plan_ids.dedup();
                TopicSummary {
                    name: topic.name.clone(),
                    path: topic_path(&topic.slug),
                    task_count: refs.len(),
                    plan_count: plan_ids.len(),
                }
            })
            .collect();
        Ok(Views {
            plans,
            rows,
            plain,
            links,
            units,
            unit_paths,
            jurisdictions,
            topics,
        })
    }

    fn row(&self, r: TaskRef) -> tera::Value {
        let row = self
            .rows
            .get(r.plan())
            .map_or("", |rows| rows.get(r.task()));
        tera::Value::safe_string(row)
    }

    /// The task's text without Markdown: for data files, summaries, search.
    pub fn plain<'s>(&'s self, site: &'s Site, r: TaskRef) -> &'s str {
        match &self.plain[r.plan()][r.task()] {
            Some(plain) => plain,
            None => &site.plans[r.plan()].tasks[r.task()].text,
        }
    }
}

/// The view of task `t` of plan `p` (plan fragments and unit/topic rows both
/// show the whole text, `html`).
pub fn task_view(
    site: &Site,
    p: usize,
    t: usize,
    plain: &[Option<Box<str>>],
    links: &Links,
) -> TaskView {
    let plan = &site.plans[p];
    let task = &plan.tasks[t];
    let plain_text = plain[t].as_deref().unwrap_or(&task.text);
    let pick = |ids: Ids| ids.iter().map(|u| links.units[u].clone()).collect();
    TaskView {
        number: task.number.to_string(),
        anchor: task.anchor().to_string(),
        html: match &plain[t] {
            // No syntax: the text is its own HTML (see markdown::to_html).
            None => format!("<p>{}</p>\n", task.text),
            Some(_) => markdown::to_html(&task.text),
        },
        summary: summary(plain_text),
        lead: pick(task.lead()),
        responsible: pick(task.responsible()),
        participating: pick(task.participating()),
        officials: task.officials.iter().map(|o| o.to_string()).collect(),
        schedule: task.schedule.as_deref().map(str::to_string),
        deadlines: task
            .deadlines
            .iter()
            .map(|d| DeadlineView {
                text: d.text.clone(),
                // The day the words name first: a limit's due day, the
                // first day of a start or a span (docs/deadlines.md).
                date: date(d.due().or(d.first_day())),
                kind: d.kind(),
            })
            .collect(),
        priority: task.priority.as_deref().map(str::to_string),
        topics: task
            .topics()
            .iter()
            .map(|x| links.topics[x].clone())
            .collect(),
        plan: links.plans[p].clone(),
        path: format!("{}#{}", plan_path(&plan.slug), task.anchor()),
        section: task.section.as_deref().map(str::to_string),
    }
}

/// Units in the order a reader looks them up: by the pinyin of their names
/// (区司法局 `qu1 si1 fa3 ju2`), syllable by syllable, then by the name itself
/// so that the order is total and the same on every run.
fn by_pinyin<'a>(units: impl Iterator<Item = &'a UnitSummary>) -> Vec<&'a UnitSummary> {
    let mut list: Vec<&UnitSummary> = units.collect();
    list.sort_by_cached_key(|u| (pinyin_key(&u.name), u.name.clone()));
    list
}

/// `区司法局` -> `qu1 si1 fa3 ju2 `: each character's pinyin with its tone
/// (characters without one as themselves), a space after each syllable so
/// that `an` sorts before `ang`.
fn pinyin_key(name: &str) -> String {
    use pinyin::ToPinyin;
    let mut key = String::with_capacity(name.len() * 2);
    for c in name.chars() {
        match c.to_pinyin() {
            Some(p) => key.push_str(p.with_tone_num_end()),
            None => key.push(c),
        }
        key.push(' ');
    }
    key
}

/// At most this many characters of a task's first sentence show in lists.
const SUMMARY_CHARS: usize = 60;

/// The first sentence of `plain` (to `。`, `；` or a line break), cut to
/// [`SUMMARY_CHARS`] with `…` when longer.
fn summary(plain: &str) -> String {
    let end = plain
        .char_indices()
        .find(|&(_, c)| matches!(c, '。' | '；' | ';' | '\n'))
        .map(|(i, c)| if c == '\n' { i } else { i + c.len_utf8() })
        .unwrap_or(plain.len());
    let sentence = &plain[..end];
    match sentence.char_indices().nth(SUMMARY_CHARS) {
        Some((cut, _)) => format!("{}…", &sentence[..cut]),
        None => sentence.to_string(),
    }
}

/// The rows of plan `p`'s tasks, rendered once with [`ROOT_MARK`] as `root`.
fn task_rows(
    site: &Site,
    p: usize,
    plain: &[Option<Box<str>>],
    links: &Links,
    theme: &Theme,
) -> Result<PlanRows, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("root", ROOT_MARK);
    let tasks = site.plans[p].tasks.len();
    let mut rows = PlanRows {
        html: String::new(),
        ends: Vec::with_capacity(tasks),
    };
    for t in 0..tasks {
        // The whole text: a unit page exists to say what the unit must do.
        ctx.insert("task", &task_view(site, p, t, plain, links));
        let html = theme
            .tera
            .render("partials/task-row.html", &ctx)
            .map_err(|e| template_error(&e, &theme.sources))?;
        rows.push(&html);
    }
    // A copy of the exact size: the rows are kept for the whole pages phase.
    rows.html = rows.html.as_str().into();
    Ok(rows)
}

/// Appends `html` to `out` with `root` where it holds [`ROOT_MARK`].
fn resolve_root_append(html: &[u8], root: &str, out: &mut Vec<u8>) {
    let mut at = 0;
    for i in memchr::memchr_iter(ROOT_MARK.as_bytes()[0], html) {
        out.extend_from_slice(&html[at..i]);
        out.extend_from_slice(root.as_bytes());
        at = i + 1;
    }
    out.extend_from_slice(&html[at..]);
}

/// One page to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Page {
    Home,
    Plans,
    Plan(usize),
    Notice(usize),
    Units,
    /// A unit's tasks, page `n` (from 1) of them.
    Unit(usize, usize),
    Topics,
    /// A topic's tasks, page `n` (from 1) of them.
    Topic(usize, usize),
    Jurisdictions,
    Jurisdiction(usize),
    Search,
    NotFound,
}

impl Page {
    /// Every page of the site. Unit and topic pages are split into pages of
    /// `per_page` tasks: a group such as 区直各部门 or a topic on a provincial
    /// site gathers thousands of tasks, too many for one page to be usable.
    pub fn all(site: &Site, index: &Index, per_page: usize) -> Vec<Page> {
        let mut pages = vec![
            Page::Home,
            Page::Plans,
            Page::Units,
            Page::Topics,
            Page::Jurisdictions,
            Page::Search,
            Page::NotFound,
        ];
        pages.extend((0..site.plans.len()).map(Page::Plan));
        pages.extend((0..site.notices.len()).map(Page::Notice));
        for (u, t) in index.units.iter().enumerate() {
            pages.extend((1..=page_count(t.total(), per_page)).map(|n| Page::Unit(u, n)));
        }
        for (t, refs) in index.topics.iter().enumerate() {
            pages.extend((1..=page_count(refs.len(), per_page)).map(|n| Page::Topic(t, n)));
        }
        pages.extend((0..site.jurisdictions.len()).map(Page::Jurisdiction));
        pages
    }

    pub fn template(self) -> &'static str {
        match self {
            Page::Home => "home.html",
            Page::Plans => "plans.html",
            Page::Plan(_) => "plan.html",
            Page::Notice(_) => "notice.html",
            Page::Units => "units.html",
            Page::Unit(..) => "unit.html",
            Page::Topics => "topics.html",
            Page::Topic(..) => "topic.html",
            Page::Jurisdictions => "jurisdictions.html",
            Page::Jurisdiction(_) => "jurisdiction.html",
            Page::Search => "search.html",
            Page::NotFound => "404.html",
        }
    }
}

fn page_count(items: usize, per_page: usize) -> usize {
    items.div_ceil(per_page.max(1)).max(1)
}

/// Page `n` of a listing lives under `page/n/` of its first page.
fn paged(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{n}/")
    }
}

/// A page number in a pagination bar.
#[derive(Serialize)]
struct PageLink {
    number: usize,
    path: String,
    current: bool,
}

/// Where a page stands in a listing split over several pages.
#[derive(Serialize)]
struct Pagination {
    current: usize,
    total_pages: usize,
    total_items: usize,
    per_page: usize,
    /// Number of the first item on this page (from 1).
    first_item: usize,
    prev: Option<String>,
    next: Option<String>,
    /// The first, the last and the pages near the current one.
    pages: Vec<PageLink>,
}

/// Renders pages with shared views.
pub struct Renderer<'a> {
    pub site: &'a Site,
    pub index: &'a Index,
    pub views: &'a Views,
    pub theme: &'a Theme,
    /// The base path (`/`, `/fzjs/`).
    pub base: String,
    /// The base URL with scheme when the site has one, else the base path.
    pub base_url: String,
    /// `site`, `static` and `labels`, the same on every page: made once.
    every_page: Context,
}

/// Site-wide values every template gets.
#[derive(Serialize)]
struct SiteVars<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base: &'a str,
    base_url: &'a str,
    language: &'a str,
    identity: &'a crate::config::Identity,
}

impl<'a> Renderer<'a> {
    pub fn new(site: &'a Site, index: &'a Index, views: &'a Views, theme: &'a Theme) -> Self {
        let base = site.config.base_path();
        let base_url = if site.config.base_url.contains("://") {
            let b = site.config.base_url.trim_end_matches('/');
            format!("{b}/")
        } else {
            base.clone()
        };
        let mut every_page = Context::new();
        every_page.insert(
            "site",
            &SiteVars {
                title: &site.config.title,
                description: site.config.description.as_deref(),
                base: &base,
                base_url: &base_url,
                language: &site.config.language,
                identity: &site.config.identity,
            },
        );
        every_page.insert("static", &format!("{base}static/"));
        every_page.insert("labels", &theme.strings.labels);
        Renderer {
            site,
            index,
            views,
            theme,
            base,
            base_url,
            every_page,
        }
    }

    /// Every page of the site.
    pub fn pages(&self) -> Vec<Page> {
        Page::all(self.site, self.index, self.site.config.page_size)
    }

    fn slice<'r>(&self, refs: &'r [TaskRef], n: usize) -> &'r [TaskRef] {
        let per = self.site.config.page_size.max(1);
        let start = (n.saturating_sub(1) * per).min(refs.len());
        &refs[start..(start + per).min(refs.len())]
    }

    fn pagination(&self, first: &str, total_items: usize, current: usize) -> Pagination {
        let per_page = self.site.config.page_size.max(1);
        let total_pages = page_count(total_items, per_page);
        let pages = (1..=total_pages)
            .filter(|&k| k == 1 || k == total_pages || k.abs_diff(current) <= 3)
            .map(|k| PageLink {
                number: k,
                path: paged(first, k),
                current: k == current,
            })
            .collect();
        Pagination {
            current,
            total_pages,
            total_items,
            per_page,
            first_item: (current - 1) * per_page + 1,
            prev: (current > 1).then(|| paged(first, current - 1)),
            next: (current < total_pages).then(|| paged(first, current + 1)),
            pages,
        }
    }

    /// A UI label from the theme (`theme.yaml`), or the key itself.
    fn label(&self, key: &str) -> String {
        self.theme.strings.label(key)
    }

    /// The output file of a page (`plans/x/index.html`), elder under `elder/`.
    pub fn output_path(&self, page: Page, elder: bool) -> String {
        let prefix = if elder { "elder/" } else { "" };
        match page {
            Page::NotFound => format!("{prefix}404.html"),
            _ => format!("{prefix}{}index.html", self.page_path(page)),
        }
    }

    /// The page's path relative to the root (`` for home).
    pub fn page_path(&self, page: Page) -> String {
        let site = self.site;
        match page {
            Page::Home | Page::NotFound => String::new(),
            Page::Plans => "plans/".into(),
            Page::Plan(p) => plan_path(&site.plans[p].slug),
            Page::Notice(n) => notice_path(&site.notices[n].slug),
            Page::Units => "units/".into(),
            Page::Unit(u, n) => paged(&self.views.unit_paths[u], n),
            Page::Topics => "topics/".into(),
            Page::Topic(t, n) => paged(&topic_path(&site.topics[t].slug), n),
            Page::Jurisdictions => "jurisdictions/".into(),
            Page::Jurisdiction(j) => jurisdiction_path(&site.jurisdictions[j].slug),
            Page::Search => "search/".into(),
        }
    }

    /// Renders every page, standard and elder, into `sink`. Errors are
    /// returned sorted, so the first one is the same on every run.
    pub fn render_all(
        &self,
        sink: &dyn Sink,
        progress: &(dyn Fn() + Sync),
    ) -> Result<usize, Vec<Diagnostic>> {
        let pages = self.pages();
        let mut errors: Vec<Diagnostic> = pages
            .par_iter()
            .filter_map(|&page| {
                let r = self.write_pair(page, sink);
                progress();
                progress();
                r.err()
            })
            .collect();
        if errors.is_empty() {
            Ok(pages.len() * 2)
        } else {
            crate::diagnostics::sort(&mut errors);
            errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
            Err(errors)
        }
    }

    /// Renders one page to HTML.
    pub fn render_page(&self, page: Page, elder: bool) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.common_context(page);
        self.page_context(page, &mut ctx)?;
        let mut content = Vec::new();
        self.page_content(page, &mut ctx, &mut content)?;
        let (mut layout, mut out) = (Vec::new(), Vec::new());
        self.render_version(page, &mut ctx, elder, &content, &mut layout, &mut out)?;
        Ok(out)
    }

    /// Renders the page's own template (its content) once, for both
    /// versions, into `out`, with [`ROOT_MARK`] as `root` (no `elder` or
    /// `twin`: only the layout differs between versions); `ctx` gets
    /// [`CONTENT_MARK`] as `content`, for the layout to print. A big site's
    /// pages are mostly content, so rendering it once instead of twice saves
    /// most of what the 长者版 would cost.
    fn page_content(
        &self,
        page: Page,
        ctx: &mut Context,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        ctx.insert("root", ROOT_MARK);
        out.clear();
        self.theme
            .tera
            .render_to(page.template(), ctx, &mut *out)
            .map_err(|e| template_error(&e, &self.theme.sources))?;
        ctx.insert_value("content", tera::Value::safe_string(CONTENT_MARK));
        Ok(())
    }

    /// Renders both versions of a page into `sink`. Each thread renders
    /// into the same buffers page after page: a fresh buffer per page
    /// costs more in allocation and page faults than the template itself.
    fn write_pair(&self, page: Page, sink: &dyn Sink) -> Result<(), Diagnostic> {
        thread_local! {
            static BUFFERS: std::cell::RefCell<[Vec<u8>; 3]> =
                const { std::cell::RefCell::new([Vec::new(), Vec::new(), Vec::new()]) };
        }
        let mut ctx = self.common_context(page);
        self.page_context(page, &mut ctx)?;
        BUFFERS.with_borrow_mut(|[content, layout, html]| {
            self.page_content(page, &mut ctx, content)?;
            for elder in [false, true] {
                self.render_version(page, &mut ctx, elder, content, layout, html)?;
                let path = self.output_path(page, elder);
                sink.put_slice(&path, html)
                    .map_err(|e| Diagnostic::error(path, 0, format!("cannot write: {e}")))?;
            }
            Ok(())
        })
    }

    /// Renders `page`'s layout (standard or elder) into `layout`, then the
    /// page into `out`: the layout with `content` where it prints
    /// [`CONTENT_MARK`], and the version's link prefix where the content
    /// holds [`ROOT_MARK`].
    fn render_version(
        &self,
        page: Page,
        ctx: &mut Context,
        elder: bool,
        content: &[u8],
        layout: &mut Vec<u8>,
        out: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        let (root, twin_root) = if elder {
            (format!("{}elder/", self.base), self.base.clone())
        } else {
            (self.base.clone(), format!("{}elder/", self.base))
        };
        let twin = match page {
            Page::NotFound => twin_root,
            _ => format!("{twin_root}{}", self.page_path(page)),
        };
        ctx.insert("root", &root);
        ctx.insert("elder", &elder);
        ctx.insert("twin", &twin);
        layout.clear();
        self.theme
            .tera
            .render_to(LAYOUT, ctx, &mut *layout)
            .map_err(|e| template_error(&e, &self.theme.sources))?;
        let mark = CONTENT_MARK.as_bytes()[0];
        let mut parts = layout.split(|&b| b == mark);
        out.clear();
        out.extend_from_slice(parts.next().unwrap_or_default());
        let mut printed = false;
        for rest in parts {
            resolve_root_append(content, &root, out);
            out.extend_from_slice(rest);
            printed = true;
        }
        if !printed {
            let file = self
                .theme
                .sources
                .get(LAYOUT)
                .cloned()
                .unwrap_or_else(|| LAYOUT.into());
            return Err(
                Diagnostic::error(file, 0, "the layout does not print the page's content")
                    .with_hint("put `{{ content | safe }}` where pages go, inside <main>"),
            );
        }
        Ok(())
    }

    /// Renders a non-page template (`sitemap.xml`, `feed.xml`) with `vars`.
    pub fn render_extra(&self, template: &str, vars: Context) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.common_context(Page::Home);
        ctx.insert("root", &self.base);
        ctx.insert("elder", &false);
        ctx.insert("twin", &format!("{}elder/", self.base));
        ctx.extend(vars);
        let mut out = Vec::new();
        self.theme
            .tera
            .render_to(template, &ctx, &mut out)
            .map_err(|e| template_error(&e, &self.theme.sources))?;
        Ok(out)
    }

    /// What both versions of a page share (all but `root`, `elder`, `twin`).
    fn common_context(&self, page: Page) -> Context {
        let mut ctx = self.every_page.clone();
        ctx.insert("page", &self.page_info(page, self.page_path(page)));
        ctx
    }

    fn page_info(&self, page: Page, path: String) -> PageInfo {
        let site = self.site;
        let crumb = |title: &str, path: &str| Crumb {
            title: title.to_string(),
            path: path.to_string(),
        };
        let home = crumb(&site.config.title, "");
        let (kind, title, mut crumbs, data): (&str, String, Vec<Crumb>, Vec<DataLink>) = match page
        {
            Page::Home => (
                "home",
                site.config.title.clone(),
                vec![],
                vec![
                    DataLink {
                        format: "json".into(),
                        path: "data/plans.json".into(),
                    },
                    DataLink {
                        format: "csv".into(),
                        path: "data/tasks.csv".into(),
                    },
                    DataLink {
                        format: "atom".into(),
                        path: "feed.xml".into(),
                    },
                ],
            ),
            Page::Plans => (
                "plans",
                self.label("plans"),
                vec![],
                vec![
                    DataLink {
                        format: "json".into(),
                        path: "data/plans.json".into(),
                    },
                    DataLink {
                        format: "atom".into(),
                        path: "feed.xml".into(),
                    },
                ],
            ),
            Page::Plan(p) => {
                let plan = &site.plans[p];
                let j = &self.views.jurisdictions[plan.jurisdiction];
                (
                    "plan",
                    plan.meta.title.clone(),
                    vec![
                        crumb(&self.label("plans"), "plans/"),
                        crumb(&j.name, &j.path),
                    ],
                    vec![DataLink {
                        format: "json".into(),
                        path: format!("data/plans/{}.json", plan.slug),
                    }],
                )
            }
            Page::Notice(n) => {
                let notice = &site.notices[n];
                let j = &self.views.jurisdictions[notice.jurisdiction];
                (
                    "notice",
                    notice.meta.title.clone(),
                    vec![
                        crumb(&self.label("plans"), "plans/"),
                        crumb(&j.name, &j.path),
                    ],
                    vec![],
                )
            }
            Page::Units => ("units", self.label("units"), vec![], vec![]),
            Page::Unit(u, _) => {
                let unit = &site.units[u];
                let j = &self.views.jurisdictions[unit.jurisdiction];
                let dir = &self.views.unit_paths[u];
                (
                    "unit",
                    unit.name.clone(),
                    vec![
                        crumb(&self.label("units"), "units/"),
                        crumb(&j.name, &j.path),
                    ],
                    vec![
                        DataLink {
                            format: "csv".into(),
                            path: format!("{dir}tasks.csv"),
                        },
                        DataLink {
                            format: "ics".into(),
                            path: format!("{dir}deadlines.ics"),
                        },
                    ],
                )
            }
            Page::Topics => ("topics", self.label("topics"), vec![], vec![]),
            Page::Topic(t, _) => (
                "topic",
                site.topics[t].name.clone(),
                vec![crumb(&self.label("topics"), "topics/")],
                vec![],
            ),
            Page::Jurisdictions => ("jurisdictions", self.label("jurisdictions"), vec![], vec![]),
            Page::Jurisdiction(j) => (
                "jurisdiction",
                site.jurisdictions[j].name.clone(),
                vec![crumb(&self.label("jurisdictions"), "jurisdictions/")],
                vec![],
            ),
            Page::Search => ("search", self.label("search"), vec![], vec![]),
            Page::NotFound => ("not_found", self.label("not_found"), vec![], vec![]),
        };
        crumbs.insert(0, home);
        if page != Page::Home {
            crumbs.push(crumb(&title, &path));
        }
        let url = format!("{}{}", self.base_url, path);
        PageInfo {
            kind,
            title,
            path,
            crumbs,
            data,
            url,
        }
    }

    fn page_context(&self, page: Page, ctx: &mut Context) -> Result<(), Diagnostic> {
        let (site, views, index) = (self.site, self.views, self.index);
        match page {
            Page::Home => {
                let latest: Vec<&PlanSummary> = index
                    .plans_by_date
                    .iter()
                    .take(site.config.home_latest)
                    .map(|&p| &views.plans[p])
                    .collect();
                ctx.insert("latest", &latest);
                ctx.insert("jurisdictions", &views.jurisdictions);
                ctx.insert("topics", &views.topics);
                let tasks: usize = site.plans.iter().map(|p| p.tasks.len()).sum();
                let mut stats = BTreeMap::new();
                stats.insert("plans", site.plans.len());
                stats.insert("tasks", tasks);
                stats.insert("units", site.units.len());
                stats.insert("jurisdictions", site.jurisdictions.len());
                ctx.insert("stats", &stats);
            }
            Page::Plans => {
                let plans: Vec<&PlanSummary> = index
                    .plans_by_date
                    .iter()
                    .map(|&p| &views.plans[p])
                    .collect();
                ctx.insert("plans", &plans);
            }
            Page::Plan(p) => self.plan_context(p, ctx)?,
            Page::Notice(n) => self.notice_context(n, ctx),
            Page::Units => {
                #[derive(Serialize)]
                struct J<'a> {
                    name: &'a str,
                    path: &'a str,
                    departments: Vec<&'a UnitSummary>,
                    groups: Vec<&'a UnitSummary>,
                }
                let list: Vec<J> = views
                    .jurisdictions
                    .iter()
                    .zip(&index.jurisdictions)
                    .map(|(j, ji)| J {
                        name: &j.name,
                        path: &j.path,
                        departments: by_pinyin(ji.departments.iter().map(|&u| &views.units[u])),
                        groups: by_pinyin(ji.groups.iter().map(|&u| &views.units[u])),
                    })
                    .collect();
                ctx.insert("jurisdictions", &list);
            }
            Page::Unit(u, n) => {
                let unit = &site.units[u];
                #[derive(Serialize)]
                struct U<'a> {
                    #[serde(flatten)]
                    summary: &'a UnitSummary,
                    jurisdiction: NamedPath,
                }
                let j = &views.jurisdictions[unit.jurisdiction];
                ctx.insert(
                    "unit",
                    &U {
                        summary: &views.units[u],
                        jurisdiction: NamedPath {
                            name: j.name.clone(),
                            path: j.path.clone(),
                        },
                    },
                );
                let t = &index.units[u];
                let per = site.config.page_size.max(1);
                // Merged page by page rather than kept whole: a few hundred
                // thousand references for the whole pages phase.
                let page = t.in_order().skip(n.saturating_sub(1) * per).take(per);
                ctx.insert("groups", &self.groups(page));
                ctx.insert(
                    "pagination",
                    &self.pagination(&self.views.unit_paths[u], t.total(), n),
                );
            }
            Page::Topics => ctx.insert("topics", &views.topics),
            Page::Topic(t, n) => {
                ctx.insert("topic", &views.topics[t]);
                let refs = &index.topics[t];
                let page = self.slice(refs, n).iter().map(|&r| (r, false));
                ctx.insert("groups", &self.groups(page));
                let first = topic_path(&site.topics[t].slug);
                ctx.insert("pagination", &self.pagination(&first, refs.len(), n));
            }
            Page::Jurisdictions => ctx.insert("jurisdictions", &views.jurisdictions),
            Page::Jurisdiction(j) => {
                let ji = &index.jurisdictions[j];
                ctx.insert("jurisdiction", &views.jurisdictions[j]);
                let plans: Vec<&PlanSummary> = index
                    .plans_by_date
                    .iter()
                    .filter(|&&p| site.plans[p].jurisdiction == j)
                    .map(|&p| &views.plans[p])
                    .collect();
                ctx.insert("plans", &plans);
                let notices: Vec<NamedPath> = ji
                    .notices
                    .iter()
                    .map(|&n| NamedPath {
                        name: site.notices[n].meta.title.clone(),
                        path: notice_path(&site.notices[n].slug),
                    })
                    .collect();
                ctx.insert("notices", &notices);
                let units =
                    |ids: &[UnitId]| ids.iter().map(|&u| &views.units[u]).collect::<Vec<_>>();
                ctx.insert("departments", &units(&ji.departments));
                ctx.insert("groups", &units(&ji.groups));
            }
            Page::Search | Page::NotFound => {}
        }
        Ok(())
    }

    /// Task rows grouped by plan, in plan order, each group's rows in
    /// document order. `tasks` come in document order, each with whether
    /// it is one the page's unit leads (else one it shares).
    fn groups(&self, tasks: impl Iterator<Item = (TaskRef, bool)>) -> Vec<PlanGroup> {
        let views = self.views;
        let mut by_plan: BTreeMap<usize, PlanGroup> = BTreeMap::new();
        for (r, leads) in tasks {
            let group = by_plan.entry(r.plan()).or_insert_with(|| PlanGroup {
                plan: views.links.plan_summaries[r.plan()].clone(),
                led: Vec::new(),
                shared: Vec::new(),
                tasks: Vec::new(),
            });
            // Made once, shared by the role's list and the list of all.
            let row = views.row(r);
            let role = if leads {
                &mut group.led
            } else {
                &mut group.shared
            };
            role.push(row.clone());
            group.tasks.push(row);
        }
        by_plan.into_values().collect()
    }

    fn plan_context(&self, p: usize, ctx: &mut Context) -> Result<(), Diagnostic> {
        let site = self.site;
        let plan = &site.plans[p];
        let mut body = Vec::new();
        let mut toc = Vec::new();
        flatten(&plan.body, 0, &mut body, &mut toc);
        // Each task becomes a template value once: the fragment below and the
        // page's `tasks` share it (values are reference-counted).
        let tasks: Vec<tera::Value> = (0..plan.tasks.len())
            .map(|t| {
                let view = task_view(site, p, t, &self.views.plain[p], &self.views.links);
                tera::Value::from_serializable(&view)
            })
            .collect();
        // Each task is rendered once here, for both versions of the page.
        let mut fragment = Context::new();
        fragment.insert("root", ROOT_MARK);
        fragment.insert("mode", "plan");
        fragment.insert("here", "");
        for item in &mut body {
            if let BodyItem::Task { index, h, html } = item {
                fragment.insert("hl", h);
                fragment.insert_value("task", tasks[*index].clone());
                let out = self
                    .theme
                    .tera
                    .render("partials/task.html", &fragment)
                    .map_err(|e| template_error(&e, &self.theme.sources))?;
                *html = tera::Value::safe_string(&out);
            }
        }
        #[derive(Serialize)]
        struct PlanVars<'a> {
            summary: &'a PlanSummary,
            meta: MetaView,
            topics: Vec<NamedPath>,
            notice: Option<NamedPath>,
            body: Vec<BodyItem>,
            toc: Vec<TocEntry>,
            phases: Vec<PhaseView>,
            qr_svg: String,
        }
        let summary = &self.views.plans[p];
        let url = format!("{}{}", self.base_url, summary.path);
        ctx.insert(
            "plan",
            &PlanVars {
                summary,
                meta: meta_view(&plan.meta),
                topics: plan
                    .topics
                    .iter()
                    .map(|&t| NamedPath {
                        name: site.topics[t].name.clone(),
                        path: topic_path(&site.topics[t].slug),
                    })
                    .collect(),
                notice: plan.notice.map(|n| NamedPath {
                    name: site.notices[n].meta.title.clone(),
                    path: notice_path(&site.notices[n].slug),
                }),
                body,
                toc,
                phases: plan
                    .phases
                    .iter()
                    .map(|ph| PhaseView {
                        name: ph.name.clone(),
                        text: ph.text.clone(),
                        html: markdown::to_html(&ph.body),
                    })
                    .collect(),
                qr_svg: qr::svg_for(&url, &format!("{} {}", plan.meta.title, self.label("qr"))),
            },
        );
        ctx.insert_value("tasks", tasks.into());
        Ok(())
    }

    fn notice_context(&self, n: usize, ctx: &mut Context) {
        let site = self.site;
        let notice = &site.notices[n];
        #[derive(Serialize)]
        struct NoticeVars<'a> {
            meta: MetaView,
            jurisdiction: NamedPath,
            recipients: Option<&'a str>,
            html: String,
            signature: Option<&'a str>,
            plans: Vec<&'a PlanSummary>,
            qr_svg: String,
        }
        let j = &self.views.jurisdictions[notice.jurisdiction];
        let url = format!("{}{}", self.base_url, notice_path(&notice.slug));
        ctx.insert(
            "notice",
            &NoticeVars {
                meta: meta_view(&notice.meta),
                jurisdiction: NamedPath {
                    name: j.name.clone(),
                    path: j.path.clone(),
                },
                recipients: notice.recipients.as_deref(),
                html: markdown::to_html(&notice.body),
                signature: notice.signature.as_deref(),
                plans: notice.plans.iter().map(|&p| &self.views.plans[p]).collect(),
                qr_svg: qr::svg_for(&url, &format!("{} {}", notice.meta.title, self.label("qr"))),
            },
        );
    }
}

fn meta_view(m: &DocMeta) -> MetaView {
    let link = |l: &crate::model::Link| LinkView {
        title: l.title.clone(),
        url: safe_url(&l.url),
    };
    MetaView {
        index_number: m.index_number.clone(),
        category: m.category.clone(),
        issuer: m.issuer.clone(),
        date_signed: date(m.date_signed),
        title: m.title.clone(),
        doc_number: m.doc_number.clone(),
        date_published: date(m.date_published),
        validity: m.validity.clone(),
        disclosure: m.disclosure.clone(),
        editor: m.editor.clone(),
        source: m.source.as_ref().map(link),
        attachments: m.attachments.iter().map(link).collect(),
        links: m.links.iter().map(link).collect(),
    }
}

/// Only http(s), mailto and relative URLs reach a page; anything else
/// (`javascript:`, `data:`) becomes `#`.
pub fn safe_url(url: &str) -> String {
    let trimmed = url.trim();
    let lower: String = trimmed
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let first_delim = lower.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, first_delim) {
        (Some(c), Some(d)) => c < d,
        (Some(_), None) => true,
        _ => false,
    };
    if !has_scheme
        || lower.starts_with("http:")
        || lower.starts_with("https:")
        || lower.starts_with("mailto:")
    {
        trimmed.to_string()
    } else {
        "#".to_string()
    }
}

/// Flattens the section tree into body items and a table of contents.
fn flatten(blocks: &[Block], depth: usize, body: &mut Vec<BodyItem>, toc: &mut Vec<TocEntry>) {
    for block in blocks {
        match block {
            Block::Text(t) => body.push(BodyItem::Text {
                html: markdown::to_html(t),
            }),
            Block::Task(i) => body.push(BodyItem::Task {
                index: *i,
                h: (depth + 2).min(6) as u8,
                html: tera::Value::none(),
            }),
            Block::Section(s) => {
                body.push(BodyItem::Heading {
                    number: s.number.clone(),
                    title: s.title.clone(),
                    anchor: s.anchor.clone(),
                    level: s.level,
                    h: (depth + 2).min(6) as u8,
                });
                toc.push(TocEntry {
                    number: s.number.clone(),
                    title: s.title.clone(),
                    anchor: s.anchor.clone(),
                    depth,
                });
                flatten(&s.blocks, depth + 1, body, toc);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{pinyin_key, safe_url};

    #[test]
    fn units_sort_by_pinyin_syllable_by_syllable() {
        let mut names = vec!["区司法局", "区财政局", "安全生产委员会", "区公安分局", "昂"];
        names.sort_by_key(|n| pinyin_key(n));
        assert_eq!(
            names,
            ["安全生产委员会", "昂", "区财政局", "区公安分局", "区司法局"]
        );
    }

    #[test]
    fn only_web_and_mail_urls_pass() {
        for ok in [
            "https://www.gov.cn/a",
            "http://x",
            "mailto:a@b.cn",
            "/files/a.pdf",
            "a.pdf",
            "#top",
        ] {
            assert_eq!(safe_url(ok), ok);
        }
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:x",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert_eq!(safe_url(bad), "#", "{bad}");
        }
    }
}
