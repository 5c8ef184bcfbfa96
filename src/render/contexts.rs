//! What each page holds: the template, the breadcrumbs and data links, and
//! the page's own context (its plans, its tasks grouped by plan, its
//! pagination), made from the model, the indexes and the shared [`Views`].
//! The sitemap and feed templates get the same site-wide values.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::model::{TaskRef, UnitId};
use crate::urls::{self, Page, ROOT_MARK, notice_path, paged, topic_path};

use super::Input;
use super::markdown;
use super::qr;
use super::theme::template_error;
use super::views::*;

impl Page {
    /// The theme's template of the page.
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

/// Site-wide values every template gets.
#[derive(Serialize)]
struct SiteVars<'a> {
    title: &'a str,
    description: Option<&'a str>,
    base: &'a str,
    base_url: &'a str,
    language: &'a str,
    identity: &'a crate::config::Identity,
    /// Whether the site has `feed.xml` (only with an absolute `base_url`).
    feed: bool,
}

/// A jurisdiction on the units index, with its units in pinyin order.
#[derive(Serialize)]
struct UnitsOf<'a> {
    name: &'a str,
    path: &'a str,
    departments: Vec<&'a UnitSummary>,
    groups: Vec<&'a UnitSummary>,
}

/// A unit page's unit.
#[derive(Serialize)]
struct UnitVars<'a> {
    #[serde(flatten)]
    summary: &'a UnitSummary,
    jurisdiction: NamedPath,
}

/// A plan page's plan.
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

/// A notice page's notice.
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

fn crumb(title: &str, path: &str) -> Crumb {
    Crumb {
        title: title.to_string(),
        path: path.to_string(),
    }
}

fn data_link(format: &str, path: impl Into<String>) -> DataLink {
    DataLink {
        format: format.into(),
        path: path.into(),
    }
}

impl Input<'_> {
    /// `site`, `static` and `static_version`: the same on every page (the words, `w`, are in
    /// the theme's global context).
    pub fn site_context(&self) -> Context {
        let config = &self.site.config;
        let base = self.urls.base();
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &SiteVars {
                title: &config.title,
                description: config.description.as_deref(),
                base,
                base_url: self.urls.base_url(),
                language: &self.theme.language,
                identity: &config.identity,
                feed: self.urls.absolute().is_some(),
            },
        );
        ctx.insert("dir", &crate::config::Dir::Ltr);
        ctx.insert("static", &format!("{base}static/"));
        ctx.insert("static_version", &self.theme.static_fingerprint());
        ctx
    }

    /// Renders a template that is not a page (`sitemap.xml`, `feed.xml`)
    /// with the site-wide values, those of the standard home page, and `vars`.
    pub fn render_extra(&self, template: &str, vars: Context) -> Result<Vec<u8>, Diagnostic> {
        let mut ctx = self.site_context();
        ctx.insert("page", &self.page_info(Page::Home));
        ctx.insert("root", self.urls.base());
        ctx.insert("versions", &self.versions_of(Page::Home));
        ctx.insert("editions", &false);
        ctx.extend(vars);
        let mut out = Vec::new();
        self.theme
            .tera
            .render_to(template, &ctx, &mut out)
            .map_err(|e| template_error(&e, &self.theme.sources))?;
        Ok(out)
    }

    /// What every page has: kind, title, path, breadcrumbs, data files, URL.
    pub fn page_info(&self, page: Page) -> PageInfo {
        let path = page.path(self.site);
        let (kind, title) = self.kind_and_title(page);
        let mut crumbs = self.crumbs(page);
        crumbs.insert(0, crumb(&self.site.config.title, ""));
        if page != Page::Home {
            crumbs.push(crumb(&title, &path));
        }
        PageInfo {
            kind,
            title,
            data: self.data_links(page),
            url: self.urls.url(&format!("{}{path}", self.prefix())),
            path,
            crumbs,
        }
    }

    fn kind_and_title(&self, page: Page) -> (&'static str, String) {
        let site = self.site;
        let titles = &self.theme.strings.titles;
        match page {
            Page::Home => ("home", site.config.title.clone()),
            Page::Plans => ("plans", titles.plans.clone()),
            Page::Plan(p) => ("plan", site.plans[p].meta.title.clone()),
            Page::Notice(n) => ("notice", site.notices[n].meta.title.clone()),
            Page::Units => ("units", titles.units.clone()),
            Page::Unit(u, _) => ("unit", site.units[u].name.clone()),
            Page::Topics => ("topics", titles.topics.clone()),
            Page::Topic(t, _) => ("topic", site.topics[t].name.clone()),
            Page::Jurisdictions => ("jurisdictions", titles.jurisdictions.clone()),
            Page::Jurisdiction(j) => ("jurisdiction", site.jurisdictions[j].name.clone()),
            Page::Search => ("search", titles.search.clone()),
            Page::NotFound => ("not_found", titles.not_found.clone()),
        }
    }

    /// The breadcrumbs between home and the page itself.
    fn crumbs(&self, page: Page) -> Vec<Crumb> {
        let site = self.site;
        let titles = &self.theme.strings.titles;
        let in_jurisdiction = |list: &str, list_path: &str, j: usize| {
            let j = &self.views.jurisdictions[j];
            vec![crumb(list, list_path), crumb(&j.name, &j.path)]
        };
        match page {
            Page::Plan(p) => {
                in_jurisdiction(&titles.plans, urls::PLANS, site.plans[p].jurisdiction)
            }
            Page::Notice(n) => {
                in_jurisdiction(&titles.plans, urls::PLANS, site.notices[n].jurisdiction)
            }
            Page::Unit(u, _) => {
                in_jurisdiction(&titles.units, urls::UNITS, site.units[u].jurisdiction)
            }
            Page::Topic(..) => vec![crumb(&titles.topics, urls::TOPICS)],
            Page::Jurisdiction(_) => vec![crumb(&titles.jurisdictions, urls::JURISDICTIONS)],
            _ => vec![],
        }
    }

    /// The data files a page offers.
    fn data_links(&self, page: Page) -> Vec<DataLink> {
        let feed = || {
            let absolute = self.urls.absolute().is_some();
            absolute.then(|| data_link("atom", urls::FEED))
        };
        match page {
            Page::Home => [
                Some(data_link("json", urls::PLANS_JSON)),
                Some(data_link("csv", urls::TASKS_CSV)),
                // Tasks with their units by role, for programs (the CSV is
                // for spreadsheets).
                Some(data_link("json-tasks", urls::TASKS_JSON)),
                feed(),
            ]
            .into_iter()
            .flatten()
            .collect(),
            Page::Plans => [Some(data_link("json", urls::PLANS_JSON)), feed()]
                .into_iter()
                .flatten()
                .collect(),
            Page::Plan(p) => vec![data_link(
                "json",
                urls::plan_data_path(&self.site.plans[p].slug),
            )],
            Page::Unit(u, _) => {
                let dir = &self.views.unit_paths[u];
                vec![
                    data_link("csv", urls::unit_csv_path(dir)),
                    data_link("ics", urls::unit_ics_path(dir)),
                ]
            }
            _ => vec![],
        }
    }

    /// Puts the page's own values into `ctx`.
    pub fn page_context(&self, page: Page, ctx: &mut Context) -> Result<(), Diagnostic> {
        let (site, views, index) = (self.site, self.views, self.index);
        match page {
            Page::Home => self.home_context(ctx),
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
            Page::Units => self.units_context(ctx),
            Page::Unit(u, n) => self.unit_context(u, n, ctx),
            Page::Topics => ctx.insert("topics", &views.topics),
            Page::Topic(t, n) => {
                ctx.insert("topic", &views.topics[t]);
                let refs = &index.topics[t];
                let page = self.slice(refs, n).iter().map(|&r| (r, false));
                ctx.insert("groups", &self.groups(page, true));
                let first = topic_path(&site.topics[t].slug);
                ctx.insert("pagination", &self.pagination(&first, refs.len(), n));
            }
            Page::Jurisdictions => ctx.insert("jurisdictions", &views.jurisdictions),
            Page::Jurisdiction(j) => self.jurisdiction_context(j, ctx),
            Page::Search | Page::NotFound => {}
        }
        Ok(())
    }

    fn home_context(&self, ctx: &mut Context) {
        let (site, views) = (self.site, self.views);
        let latest: Vec<&PlanSummary> = self
            .index
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

    fn units_context(&self, ctx: &mut Context) {
        let views = self.views;
        let list: Vec<UnitsOf> = views
            .jurisdictions
            .iter()
            .zip(&self.index.jurisdictions)
            .map(|(j, ji)| UnitsOf {
                name: &j.name,
                path: &j.path,
                departments: by_pinyin(ji.departments.iter().map(|&u| &views.units[u])),
                groups: by_pinyin(ji.groups.iter().map(|&u| &views.units[u])),
            })
            .collect();
        ctx.insert("jurisdictions", &list);
    }

    fn unit_context(&self, u: usize, n: usize, ctx: &mut Context) {
        let j = &self.views.jurisdictions[self.site.units[u].jurisdiction];
        ctx.insert(
            "unit",
            &UnitVars {
                summary: &self.views.units[u],
                jurisdiction: NamedPath {
                    name: j.name.clone(),
                    path: j.path.clone(),
                },
            },
        );
        let t = &self.index.units[u];
        // Merged page by page rather than kept whole: a few hundred
        // thousand references for the whole pages phase.
        let page = t.page(self.site.config.paging(), n);
        ctx.insert("groups", &self.groups(page, false));
        ctx.insert(
            "pagination",
            &self.pagination(&self.views.unit_paths[u], t.total(), n),
        );
    }

    fn jurisdiction_context(&self, j: usize, ctx: &mut Context) {
        let (site, views) = (self.site, self.views);
        let ji = &self.index.jurisdictions[j];
        ctx.insert("jurisdiction", &views.jurisdictions[j]);
        let plans: Vec<&PlanSummary> = self
            .index
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
        let units = |ids: &[UnitId]| ids.iter().map(|&u| &views.units[u]).collect::<Vec<_>>();
        ctx.insert("departments", &units(&ji.departments));
        ctx.insert("groups", &units(&ji.groups));
    }

    fn slice<'r>(&self, refs: &'r [TaskRef], n: usize) -> &'r [TaskRef] {
        &refs[self.site.config.paging().range(n, refs.len())]
    }

    fn pagination(&self, first: &str, total_items: usize, current: usize) -> Pagination {
        let paging = self.site.config.paging();
        let (per_page, total_pages) = (paging.per_page(), paging.count(total_items));
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

    /// Task rows grouped by plan, in plan order, each group's rows in
    /// document order. `tasks` come in document order, each with whether
    /// it is one the page's unit leads (else one it shares); `items` adds
    /// each as a [`crate::render::views::TaskItem`] (topic pages).
    fn groups(&self, tasks: impl Iterator<Item = (TaskRef, bool)>, items: bool) -> Vec<PlanGroup> {
        let views = self.views;
        let mut by_plan: BTreeMap<usize, PlanGroup> = BTreeMap::new();
        for (r, leads) in tasks {
            let group = by_plan.entry(r.plan()).or_insert_with(|| PlanGroup {
                plan: views.links.plan_summaries[r.plan()].clone(),
                led: Vec::new(),
                shared: Vec::new(),
                tasks: Vec::new(),
                items: Vec::new(),
            });
            if items {
                group.items.push(views.item(self.site, r));
            }
            // Made once, shared by the role's list and the list of all.
            let row = views.row(self.site, r);
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
        self.render_tasks(&mut body, &tasks)?;
        let summary = &self.views.plans[p];
        let named = |t: usize| NamedPath {
            name: site.topics[t].name.clone(),
            path: topic_path(&site.topics[t].slug),
        };
        ctx.insert(
            "plan",
            &PlanVars {
                summary,
                meta: meta_view(&plan.meta),
                topics: plan.topics.iter().map(|&t| named(t)).collect(),
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
                qr_svg: self.qr(&summary.path, &plan.meta.title),
            },
        );
        ctx.insert_value("tasks", tasks.into());
        Ok(())
    }

    /// Renders each task of a plan's body once, for both versions of the
    /// page (with [`ROOT_MARK`] as `root`).
    fn render_tasks(&self, body: &mut [BodyItem], tasks: &[tera::Value]) -> Result<(), Diagnostic> {
        let mut fragment = Context::new();
        fragment.insert("root", ROOT_MARK);
        fragment.insert("mode", "plan");
        fragment.insert("here", "");
        for item in body {
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
        Ok(())
    }

    fn notice_context(&self, n: usize, ctx: &mut Context) {
        let notice = &self.site.notices[n];
        let j = &self.views.jurisdictions[notice.jurisdiction];
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
                qr_svg: self.qr(&notice_path(&notice.slug), &notice.meta.title),
            },
        );
    }

    /// The QR code of the page at `path`, titled after the document; empty
    /// without an absolute base URL (a phone cannot open a bare path).
    fn qr(&self, path: &str, title: &str) -> String {
        match self.urls.absolute_url(&format!("{}{path}", self.prefix())) {
            Some(url) => qr::svg_for(&url, &format!("{title} {}", self.theme.strings.qr_label)),
            None => String::new(),
        }
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

#[cfg(test)]
mod tests {
    use super::pinyin_key;

    #[test]
    fn units_sort_by_pinyin_syllable_by_syllable() {
        let mut names = vec!["区司法局", "区财政局", "安全生产委员会", "区公安分局", "昂"];
        names.sort_by_key(|n| pinyin_key(n));
        assert_eq!(
            names,
            ["安全生产委员会", "昂", "区财政局", "区公安分局", "区司法局"]
        );
    }
}
