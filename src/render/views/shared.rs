//! The views every page shares, built once per build: plan, unit, topic and
//! jurisdiction summaries, link values, and each task's row for unit and
//! topic pages (rendered once with [`ROOT_MARK`], whatever the number of
//! pages that list the task).

use std::sync::Arc;

use rayon::prelude::*;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::{Block, Ids, Site, TaskRef};
use crate::render::markdown;
use crate::render::theme::{Theme, template_error};
use crate::urls::{ROOT_MARK, jurisdiction_path, plan_path, topic_path, unit_path};

use super::*;

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
    pub plain: Vec<PlainTexts>,
    pub links: Links,
    pub units: Vec<UnitSummary>,
    pub unit_paths: Vec<String>,
    pub jurisdictions: Vec<JurisdictionSummary>,
    pub topics: Vec<TopicSummary>,
}

/// The rows of one plan's tasks, in task order, one after the other in one
/// string: a big site holds hundreds of thousands of rows for the whole
/// pages phase, and one allocation per plan keeps them compact. Shared, not
/// copied, when `serve` keeps a plan's rows for its next state.
///
/// A row holds [`TEXT_MARK`] where its task's text goes, when the task has
/// no Markdown and the theme's row prints `task.html` as it is (see
/// [`RowText`]): the text is in the model already, and held twice it was
/// 163 MiB of a 5,000-plan build's peak. Likewise [`PATH_MARK`] for the
/// task's address (a sixth of a row, 15 MiB of the pages phase at 5,000).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PlanRows {
    html: Arc<str>,
    /// Where each task's row ends in `html`.
    ends: Arc<[u32]>,
}

/// The plain texts of one plan's tasks (see [`Views::plain`]), shared like
/// its [`PlanRows`].
pub type PlainTexts = Arc<[Option<Box<str>>]>;

/// What the views of a plan that did not change keep for the next state
/// of the site (`serve`): its rows and plain texts, shared.
#[derive(Debug, Clone)]
pub struct KeptPlan {
    rows: PlanRows,
    /// `None`: made again (the data files read every plan's plain texts).
    plain: Option<PlainTexts>,
}

impl KeptPlan {
    /// No rows for a plan that no page to be rendered lists (an
    /// incremental build links those pages): rows are most of what the
    /// views cost.
    pub fn rows_unneeded() -> KeptPlan {
        KeptPlan {
            rows: PlanRows::default(),
            plain: None,
        }
    }
}

/// Where a row holds its task's text: the text itself comes from the model
/// when the row is shown ([`Views::row`]). Content cannot contain it (the
/// loader takes control characters out).
pub const TEXT_MARK: &str = "\u{2}";
/// Where a row holds its task's address ([`task_path`]), as [`TEXT_MARK`].
pub const PATH_MARK: &str = "\u{3}";

/// How a theme's row shows a task's text and address: in place of
/// [`TEXT_MARK`] and [`PATH_MARK`], or rendered into every row (a row
/// template that does more with `task.html` or `task.path` than print them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowText {
    Marked,
    Rendered,
}

/// [`PlanRows`] being rendered.
struct RowsBuilder {
    html: String,
    ends: Vec<u32>,
}

impl RowsBuilder {
    fn push(&mut self, row: &str) {
        self.html.push_str(row);
        // A plan's rows are a few hundred bytes each, far from 4 GB.
        self.ends
            .push(u32::try_from(self.html.len()).unwrap_or(u32::MAX));
    }

    /// The rows, in allocations of their exact size: they are kept for the
    /// whole pages phase.
    fn finish(self) -> PlanRows {
        PlanRows {
            html: self.html.into(),
            ends: self.ends.into(),
        }
    }
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
}

/// An ISO date, as views show dates.
pub fn date(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

impl Views {
    pub fn build(site: &Site, index: &Index, theme: &Theme) -> Result<Views, Diagnostic> {
        Self::build_reusing(site, index, theme, Vec::new())
    }

    /// Like [`Views::build`], but a plan whose entry in `reuse` is `Some`
    /// keeps those rows and plain texts instead of making them again. Rows
    /// are most of the cost of this function; `serve` passes what
    /// [`Views::kept`] gives for the plans an edit did not touch, when no
    /// unit, topic or jurisdiction changed name or path.
    pub fn build_reusing(
        site: &Site,
        index: &Index,
        theme: &Theme,
        reuse: Vec<Option<KeptPlan>>,
    ) -> Result<Views, Diagnostic> {
        Self::build_labelled(site, index, theme, reuse, &|k| k.label().to_string())
    }

    /// Like [`Views::build_reusing`], with plan kinds named by `kind_label`
    /// (an edition writes 实施方案 in its own letters).
    pub fn build_labelled(
        site: &Site,
        index: &Index,
        theme: &Theme,
        mut reuse: Vec<Option<KeptPlan>>,
        kind_label: &dyn Fn(crate::model::PlanKind) -> String,
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
        let plans = plan_summaries(site, &jurisdiction_links, kind_label);
        let links = links(site, &unit_paths, &plans);
        let text = row_text(site, &links, theme)?;
        let (rows, plain): (Vec<PlanRows>, Vec<PlainTexts>) = (0..site.plans.len())
            .into_par_iter()
            .zip(reuse)
            .map(|(p, reused)| match reused {
                Some(kept) => {
                    let plain = kept.plain.unwrap_or_else(|| plain_texts(&site.plans[p]));
                    Ok((kept.rows, plain))
                }
                None => {
                    let plain = plain_texts(&site.plans[p]);
                    let rows = task_rows(site, (p, &plain), (&links, text), theme)?;
                    Ok((rows, plain))
                }
            })
            .collect::<Result<Vec<_>, Diagnostic>>()?
            .into_iter()
            .unzip();
        Ok(Views {
            plans,
            rows,
            plain,
            links,
            units: unit_summaries(site, index, &unit_paths),
            unit_paths,
            jurisdictions: jurisdiction_summaries(site, index, jurisdiction_links),
            topics: topic_summaries(site, index),
        })
    }

    /// What plan `p`'s views keep for the next state of the site, when
    /// the plan stays as it is.
    pub fn kept(&self, p: usize) -> Option<KeptPlan> {
        Some(KeptPlan {
            rows: self.rows.get(p)?.clone(),
            plain: Some(self.plain.get(p)?.clone()),
        })
    }

    /// The row of a task, as a template value.
    /// `site` is the model the views were made from (it holds the text).
    pub fn row(&self, site: &Site, r: TaskRef) -> tera::Value {
        let row = self
            .rows
            .get(r.plan())
            .map_or("", |rows| rows.get(r.task()));
        let plan = &site.plans[r.plan()];
        let task = &plan.tasks[r.task()];
        match put_marks(row, &task.text, &|| task_path(plan, task)) {
            Some(html) => tera::Value::safe_string(&html),
            None => tera::Value::safe_string(row),
        }
    }

    /// The task as a [`TaskItem`]: its number, address and first sentence.
    pub fn item(&self, site: &Site, r: TaskRef) -> TaskItem {
        let task = &site.plans[r.plan()].tasks[r.task()];
        TaskItem {
            number: task.number().to_string(),
            path: format!("{}#{}", self.plans[r.plan()].path, task.anchor()),
            summary: summary(self.plain(site, r)),
        }
    }

    /// The task's text without Markdown: for data files, summaries, search.
    pub fn plain<'s>(&'s self, site: &'s Site, r: TaskRef) -> &'s str {
        match plain_of(&self.plain[r.plan()], r.task()) {
            Some(plain) => plain,
            None => &site.plans[r.plan()].tasks[r.task()].text,
        }
    }
}

fn plan_summaries(
    site: &Site,
    jurisdiction_links: &[NamedPath],
    kind_label: &dyn Fn(crate::model::PlanKind) -> String,
) -> Vec<PlanSummary> {
    site.plans
        .iter()
        .map(|p| PlanSummary {
            title: p.meta.title.clone(),
            path: plan_path(&p.slug),
            kind: kind_label(p.kind),
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
        .collect()
}

fn links(site: &Site, unit_paths: &[String], plans: &[PlanSummary]) -> Links {
    Links {
        units: site
            .units
            .iter()
            .zip(unit_paths)
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
    }
}

/// Each task's text without Markdown, where it differs from the text;
/// none at all when no task has Markdown (most plans: 16 bytes a task,
/// 6 MiB of the pages phase at 5,000 plans). See [`plain_of`].
fn plain_texts(plan: &crate::model::Plan) -> PlainTexts {
    let plain: Vec<Option<Box<str>>> = plan
        .tasks
        .iter()
        .map(|t| match markdown::to_plain_cow(&t.text) {
            std::borrow::Cow::Borrowed(_) => None,
            std::borrow::Cow::Owned(s) => Some(s.into_boxed_str()),
        })
        .collect();
    match plain.iter().all(Option::is_none) {
        true => Arc::from([]),
        false => plain.into(),
    }
}

/// Task `t`'s plain text in a plan's [`PlainTexts`], if it differs from
/// the text.
fn plain_of(plain: &[Option<Box<str>>], t: usize) -> Option<&str> {
    plain.get(t).and_then(Option::as_deref)
}

fn unit_summaries(site: &Site, index: &Index, unit_paths: &[String]) -> Vec<UnitSummary> {
    site.units
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
                calendar: crate::render::data::has_calendar(site, t),
            }
        })
        .collect()
}

fn jurisdiction_summaries(
    site: &Site,
    index: &Index,
    links: Vec<NamedPath>,
) -> Vec<JurisdictionSummary> {
    site.jurisdictions
        .iter()
        .zip(links)
        .enumerate()
        .map(|(j, (jur, link))| {
            let ji = &index.jurisdictions[j];
            JurisdictionSummary {
                name: jur.name.clone(),
                path: link.path,
                plan_count: ji.plans.len(),
                unit_count: ji.departments.len() + ji.groups.len(),
                task_count: ji.task_count,
            }
        })
        .collect()
}

fn topic_summaries(site: &Site, index: &Index) -> Vec<TopicSummary> {
    site.topics
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
        .collect()
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
    let plain_text = plain_of(plain, t).unwrap_or(&task.text);
    let pick = |ids: Ids| ids.iter().map(|u| links.units[u].clone()).collect();
    TaskView {
        number: task.number().to_string(),
        anchor: task.anchor().to_string(),
        html: match plain_of(plain, t) {
            None => plain_html(&task.text),
            Some(_) => markdown::to_html(&task.text),
        },
        summary: summary(plain_text),
        lead: pick(task.lead()),
        responsible: pick(task.responsible()),
        participating: pick(task.participating()),
        officials: task.officials().iter().map(str::to_string).collect(),
        schedule: task.schedule().map(str::to_string),
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
        priority: task.priority().map(str::to_string),
        topics: task
            .topics()
            .iter()
            .map(|x| links.topics[x].clone())
            .collect(),
        plan: links.plans[p].clone(),
        path: task_path(plan, task),
        section: task.section.as_deref().map(str::to_string),
    }
}

/// A task's address from the site's root: its plan page and anchor.
fn task_path(plan: &crate::model::Plan, task: &crate::model::Task) -> String {
    format!("{}#{}", plan_path(&plan.slug), task.anchor())
}

/// The HTML of a text without Markdown syntax: the text is its own HTML
/// (see markdown::to_html).
fn plain_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 8);
    push_paragraph(&mut html, text);
    html.push('\n');
    html
}

fn push_paragraph(html: &mut String, text: &str) {
    html.push_str("<p>");
    html.push_str(text);
    html.push_str("</p>");
}

/// `row` with its task's `text` (as [`plain_html`] makes it, less the line
/// break that [`marked_html`] keeps) where it holds [`TEXT_MARK`], and its
/// `path` where it holds [`PATH_MARK`]; `None` when it holds neither.
fn put_marks(row: &str, text: &str, path: &dyn Fn() -> String) -> Option<String> {
    let marks = [TEXT_MARK, PATH_MARK].map(|m| m.chars().next().unwrap_or_default());
    if !row.contains(marks) {
        return None;
    }
    let mut html = String::with_capacity(row.len() + text.len() + 64);
    for piece in row.split_inclusive(marks) {
        match piece.strip_suffix(TEXT_MARK) {
            Some(before) => {
                html.push_str(before);
                push_paragraph(&mut html, text);
            }
            None => match piece.strip_suffix(PATH_MARK) {
                Some(before) => {
                    html.push_str(before);
                    html.push_str(&path());
                }
                None => html.push_str(piece),
            },
        }
    }
    Some(html)
}

/// At most this many characters of a task's first sentence show in lists.
const SUMMARY_CHARS: usize = 60;

/// The first sentence of `plain` (to `。`, `；` or a line break), cut to
/// [`SUMMARY_CHARS`] with `…` when longer.
fn summary(plain: &str) -> String {
    first_part(plain, &['。', '；', ';'], SUMMARY_CHARS)
}

/// The first clause of `plain` (to `，`, `。`, `；`, `：` or a line break, the
/// mark kept), cut to `chars` characters and `…` when longer: what names a
/// task where its whole text does not fit (a calendar's event title).
pub fn first_clause(plain: &str, chars: usize) -> String {
    first_part(plain, &['，', ',', '。', '；', ';', '：'], chars)
}

/// `plain` up to the first of `marks` (kept) or line break, cut to `chars`
/// characters and `…` when longer.
fn first_part(plain: &str, marks: &[char], chars: usize) -> String {
    let end = plain
        .char_indices()
        .find(|&(_, c)| c == '\n' || marks.contains(&c))
        .map(|(i, c)| if c == '\n' { i } else { i + c.len_utf8() })
        .unwrap_or(plain.len());
    let part = &plain[..end];
    match part.char_indices().nth(chars) {
        Some((cut, _)) => format!("{}…", &part[..cut]),
        None => part.to_string(),
    }
}

/// The rows of plan `p`'s tasks, rendered once with [`ROOT_MARK`] as `root`.
fn task_rows(
    site: &Site,
    (p, plain): (usize, &[Option<Box<str>>]),
    (links, text): (&Links, RowText),
    theme: &Theme,
) -> Result<PlanRows, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("root", ROOT_MARK);
    let tasks = site.plans[p].tasks.len();
    let mut rows = RowsBuilder {
        html: String::new(),
        ends: Vec::with_capacity(tasks),
    };
    for t in 0..tasks {
        // The whole text: a unit page exists to say what the unit must do.
        let mut view = task_view(site, p, t, plain, links);
        if text == RowText::Marked {
            mark(&mut view, plain_of(plain, t).is_none());
        }
        rows.push(&render_row(&mut ctx, &view, theme)?);
    }
    Ok(rows.finish())
}

fn render_row(ctx: &mut Context, view: &TaskView, theme: &Theme) -> Result<String, Diagnostic> {
    ctx.insert("task", view);
    theme
        .tera
        .render("partials/task-row.html", ctx)
        .map_err(|e| template_error(&e, &theme.sources))
}

/// Marks the view's address, and its text when `text`, to be put in later
/// ([`put_marks`]); not an address that HTML escaping would change.
fn mark(view: &mut TaskView, text: bool) {
    if text {
        view.html = marked_html();
    }
    if !view.path.contains(['&', '<', '>', '"', '\'']) {
        view.path = PATH_MARK.to_string();
    }
}

/// What a row's `task.html` is when the text goes in later: [`TEXT_MARK`]
/// with the line break that ends [`plain_html`], so that a row that trims
/// it trims the same as the text's.
fn marked_html() -> String {
    format!("{TEXT_MARK}\n")
}

/// Whether the theme's row can hold [`TEXT_MARK`] for the text: it can
/// when, for the first task without Markdown, the row with the mark and the
/// text put in its place is the row rendered with the text.
fn row_text(site: &Site, links: &Links, theme: &Theme) -> Result<RowText, Diagnostic> {
    let first = site.plans.iter().enumerate().find_map(|(p, plan)| {
        let plain = plain_texts(plan);
        let t = (0..plan.tasks.len()).find(|&t| plain_of(&plain, t).is_none())?;
        Some((p, t, plain))
    });
    let Some((p, t, plain)) = first else {
        return Ok(RowText::Rendered);
    };
    let mut ctx = Context::new();
    ctx.insert("root", ROOT_MARK);
    let mut view = task_view(site, p, t, &plain, links);
    let whole = render_row(&mut ctx, &view, theme)?;
    let path = view.path.clone();
    mark(&mut view, true);
    let marked = render_row(&mut ctx, &view, theme)?;
    let once = marked.matches(TEXT_MARK).count() == 1;
    let put_in = put_marks(&marked, &site.plans[p].tasks[t].text, &|| path.clone());
    Ok(match once && put_in.as_deref() == Some(whole.as_str()) {
        true => RowText::Marked,
        false => RowText::Rendered,
    })
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
pub fn flatten(blocks: &[Block], depth: usize, body: &mut Vec<BodyItem>, toc: &mut Vec<TocEntry>) {
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
    use super::{PATH_MARK, first_clause, marked_html, plain_html, put_marks, safe_url, summary};

    fn put_text(row: &str, text: &str) -> Option<String> {
        put_marks(row, text, &|| "plans/p/#task-1".to_string())
    }

    #[test]
    fn a_marked_row_gets_the_text_as_a_rendered_row_has_it() {
        let text = "加强宪法实施，完善备案审查制度。";
        let row = |html: &str| format!("<a>第1项</a><div>{html}</div>\n<p>牵头单位：区司法局</p>");
        // As printed, and trimmed (`task.html | trim`), as the portal's row does.
        assert_eq!(
            put_text(&row(&marked_html()), text).as_deref(),
            Some(row(&plain_html(text)).as_str())
        );
        assert_eq!(
            put_text(&row(marked_html().trim()), text).as_deref(),
            Some(row(plain_html(text).trim()).as_str())
        );
        assert_eq!(put_text(&row("<p>x</p>"), text), None);
    }

    #[test]
    fn a_marked_row_gets_its_address_wherever_it_is_marked() {
        let row = format!("<a href=\"/{PATH_MARK}\">1</a><div>x</div><a href=\"{PATH_MARK}\">");
        let put = put_text(&row, "t");
        let want = r#"<a href="/plans/p/#task-1">1</a><div>x</div><a href="plans/p/#task-1">"#;
        assert_eq!(put.as_deref(), Some(want));
    }

    #[test]
    fn a_clause_ends_at_the_first_mark_and_is_cut_when_long() {
        let text = "加强宪法实施，完善备案审查制度。推进合宪性审查";
        assert_eq!(first_clause(text, 32), "加强宪法实施，");
        assert_eq!(first_clause(text, 4), "加强宪法…");
        assert_eq!(first_clause("一行\n二行", 32), "一行");
        assert_eq!(first_clause("无标点", 32), "无标点");
        assert_eq!(summary(text), "加强宪法实施，完善备案审查制度。");
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
