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
use crate::model::{Block, DocMeta, Site, TaskRef, UnitId};

use super::theme::{Theme, template_error};
use super::views::*;
use super::{Sink, markdown, qr};

/// Views shared by all pages.
pub struct Views {
    pub plans: Vec<PlanSummary>,
    /// By plan, in task order.
    pub tasks: Vec<Vec<TaskView>>,
    pub units: Vec<UnitSummary>,
    pub unit_paths: Vec<String>,
    pub jurisdictions: Vec<JurisdictionSummary>,
    pub topics: Vec<TopicSummary>,
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
    pub fn build(site: &Site, index: &Index) -> Views {
        Self::build_reusing(site, index, Vec::new())
    }

    /// Like [`Views::build`], but a plan whose entry in `reuse` is `Some`
    /// keeps those task views instead of rendering its Markdown again. Task
    /// views are most of the cost of this function; `serve` passes the views
    /// of the plans an edit did not touch, when no unit, topic or
    /// jurisdiction changed name or path.
    pub fn build_reusing(
        site: &Site,
        index: &Index,
        mut reuse: Vec<Option<Vec<TaskView>>>,
    ) -> Views {
        reuse.resize_with(site.plans.len(), || None);
        let unit_paths: Vec<String> = (0..site.units.len()).map(|u| unit_path(site, u)).collect();
        let unit_links: Vec<UnitLink> = site
            .units
            .iter()
            .zip(&unit_paths)
            .map(|(u, path)| UnitLink {
                name: u.name.clone(),
                kind: u.kind,
                path: path.clone(),
            })
            .collect();
        let topic_links: Vec<NamedPath> = site
            .topics
            .iter()
            .map(|t| NamedPath {
                name: t.name.clone(),
                path: topic_path(&t.slug),
            })
            .collect();
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
        let tasks: Vec<Vec<TaskView>> = site
            .plans
            .par_iter()
            .zip(&plans)
            .zip(reuse)
            .map(|((plan, summary), reused)| {
                if let Some(tasks) = reused {
                    return tasks;
                }
                let links = |ids: &[UnitId]| ids.iter().map(|&u| unit_links[u].clone()).collect();
                plan.tasks
                    .iter()
                    .map(|t| TaskView {
                        number: t.number.clone(),
                        anchor: t.anchor.clone(),
                        html: markdown::to_html(&t.text),
                        plain: markdown::to_plain(&t.text),
                        lead: links(&t.lead),
                        responsible: links(&t.responsible),
                        participating: links(&t.participating),
                        officials: t.officials.clone(),
                        schedule: t.schedule.clone(),
                        deadlines: t
                            .deadlines
                            .iter()
                            .map(|d| DeadlineView {
                                text: d.text.clone(),
                                date: date(d.date),
                                kind: d.kind,
                            })
                            .collect(),
                        priority: t.priority.clone(),
                        topics: t.topics.iter().map(|&x| topic_links[x].clone()).collect(),
                        plan: NamedPath {
                            name: summary.title.clone(),
                            path: summary.path.clone(),
                        },
                        path: format!("{}#{}", summary.path, t.anchor),
                        section: t.section_path.last().cloned(),
                    })
                    .collect()
            })
            .collect();
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
                let mut plan_ids: Vec<usize> = refs.iter().map(|r| r.plan).collect();
                plan_ids.dedup();
                plan_ids.sort_unstable();
                plan_ids.dedup();
                TopicSummary {
                    name: topic.name.clone(),
                    path: topic_links[t].path.clone(),
                    task_count: refs.len(),
                    plan_count: plan_ids.len(),
                }
            })
            .collect();
        Views {
            plans,
            tasks,
            units,
            unit_paths,
            jurisdictions,
            topics,
        }
    }

    fn task(&self, r: TaskRef) -> &TaskView {
        &self.tasks[r.plan][r.task]
    }
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
        Renderer {
            site,
            index,
            views,
            theme,
            base,
            base_url,
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
        let jobs: Vec<(Page, bool)> = pages
            .iter()
            .flat_map(|&p| [(p, false), (p, true)])
            .collect();
        let mut errors: Vec<Diagnostic> = jobs
            .par_iter()
            .filter_map(|&(page, elder)| {
                let r = self.render_page(page, elder).and_then(|html| {
                    sink.put(&self.output_path(page, elder), html).map_err(|e| {
                        Diagnostic::error(
                            self.output_path(page, elder),
                            0,
                            format!("cannot write: {e}"),
                        )
                    })
                });
                progress();
                r.err()
            })
            .collect();
        if errors.is_empty() {
            Ok(jobs.len())
        } else {
            crate::diagnostics::sort(&mut errors);
            errors.dedup_by(|a, b| a.file == b.file && a.line == b.line && a.message == b.message);
            Err(errors)
        }
    }

    /// Renders one page to HTML.
    pub fn render_page(&self, page: Page, elder: bool) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.common_context(page, elder);
        self.page_context(page, &mut ctx);
        let mut out = Vec::with_capacity(32 * 1024);
        self.theme
            .tera
            .render_to(page.template(), &ctx, &mut out)
            .map_err(|e| template_error(&e, &self.theme.sources))?;
        Ok(out)
    }

    /// Renders a non-page template (`sitemap.xml`, `feed.xml`) with `vars`.
    pub fn render_extra(&self, template: &str, vars: Context) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.common_context(Page::Home, false);
        ctx.extend(vars);
        let mut out = Vec::new();
        self.theme
            .tera
            .render_to(template, &ctx, &mut out)
            .map_err(|e| template_error(&e, &self.theme.sources))?;
        Ok(out)
    }

    fn common_context(&self, page: Page, elder: bool) -> Context {
        let site = self.site;
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &SiteVars {
                title: &site.config.title,
                description: site.config.description.as_deref(),
                base: &self.base,
                base_url: &self.base_url,
                language: &site.config.language,
                identity: &site.config.identity,
            },
        );
        let path = self.page_path(page);
        let root = if elder {
            format!("{}elder/", self.base)
        } else {
            self.base.clone()
        };
        let twin_root = if elder {
            self.base.clone()
        } else {
            format!("{}elder/", self.base)
        };
        let twin = match page {
            Page::NotFound => twin_root.clone(),
            _ => format!("{twin_root}{path}"),
        };
        ctx.insert("root", &root);
        ctx.insert("static", &format!("{}static/", self.base));
        ctx.insert("elder", &elder);
        ctx.insert("labels", &self.theme.strings.labels);
        ctx.insert("twin", &twin);
        ctx.insert("page", &self.page_info(page, path));
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

    fn page_context(&self, page: Page, ctx: &mut Context) {
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
            Page::Plan(p) => self.plan_context(p, ctx),
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
                        departments: ji.departments.iter().map(|&u| &views.units[u]).collect(),
                        groups: ji.groups.iter().map(|&u| &views.units[u]).collect(),
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
                let mut all: Vec<TaskRef> = t.led.iter().chain(&t.shared).copied().collect();
                all.sort_unstable();
                let slice = self.slice(&all, n);
                let (led, shared): (Vec<TaskRef>, Vec<TaskRef>) =
                    slice.iter().partition(|r| t.led.contains(r));
                ctx.insert("groups", &self.groups(&led, &shared));
                ctx.insert(
                    "pagination",
                    &self.pagination(&self.views.unit_paths[u], all.len(), n),
                );
            }
            Page::Topics => ctx.insert("topics", &views.topics),
            Page::Topic(t, n) => {
                ctx.insert("topic", &views.topics[t]);
                let refs = &index.topics[t];
                ctx.insert("groups", &self.groups(&[], self.slice(refs, n)));
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
    }

    /// Tasks grouped by plan, in plan order, each group's tasks in document order.
    fn groups(&self, led: &[TaskRef], shared: &[TaskRef]) -> Vec<PlanGroup<'a>> {
        let views: &'a Views = self.views;
        let mut by_plan: BTreeMap<usize, PlanGroup<'a>> = BTreeMap::new();
        fn entry<'m, 'v>(
            m: &'m mut BTreeMap<usize, PlanGroup<'v>>,
            views: &'v Views,
            plan: usize,
        ) -> &'m mut PlanGroup<'v> {
            m.entry(plan).or_insert_with(|| PlanGroup {
                plan: &views.plans[plan],
                led: Vec::new(),
                shared: Vec::new(),
                tasks: Vec::new(),
            })
        }
        for &r in led {
            entry(&mut by_plan, views, r.plan).led.push(views.task(r));
        }
        for &r in shared {
            entry(&mut by_plan, views, r.plan)
                .shared
                .push(views.task(r));
        }
        let mut all: Vec<TaskRef> = led.iter().chain(shared).copied().collect();
        all.sort_unstable();
        for r in all {
            entry(&mut by_plan, views, r.plan).tasks.push(views.task(r));
        }
        by_plan.into_values().collect()
    }

    fn plan_context(&self, p: usize, ctx: &mut Context) {
        let site = self.site;
        let plan = &site.plans[p];
        let mut body = Vec::new();
        let mut toc = Vec::new();
        flatten(&plan.body, 0, &mut body, &mut toc);
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
        ctx.insert("tasks", &self.views.tasks[p]);
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
            Block::Task(i) => body.push(BodyItem::Task { index: *i }),
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
    use super::safe_url;

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
