//! `planpress check`: load the site, report every problem, summarise.

use serde::Serialize;

use crate::content::LoadResult;
use crate::diagnostics::Diagnostic;
use crate::model::Site;

/// The `--json` document: every plan with its tasks, and every diagnostic.
#[derive(Serialize)]
pub struct Report<'a> {
    pub plans: Vec<PlanReport<'a>>,
    pub notices: Vec<NoticeReport<'a>>,
    pub units: Vec<UnitReport<'a>>,
    pub diagnostics: Vec<&'a Diagnostic>,
}

#[derive(Serialize)]
pub struct PlanReport<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub jurisdiction: &'a str,
    pub kind: &'static str,
    pub tasks: Vec<TaskReport<'a>>,
}

#[derive(Serialize)]
pub struct TaskReport<'a> {
    pub number: &'a str,
    /// Canonical names of the lead units.
    pub lead_units: Vec<&'a str>,
    /// Canonical names of every unit the task names, in any role.
    pub units: Vec<&'a str>,
    pub officials: crate::model::Officials<'a>,
    /// Due dates of the limits (`2015年底前`), ISO; starts and spans are
    /// not due dates (docs/deadlines.md).
    pub deadlines: Vec<String>,
    /// First days of the starts (`从2015年起`), ISO.
    pub starts: Vec<String>,
    /// First and last days of the spans (`2021年-2022年`), ISO.
    pub spans: Vec<[Option<String>; 2]>,
    pub topics: Vec<&'a str>,
}

impl<'a> TaskReport<'a> {
    /// The task's facts by name: what `check --json` and `data/tasks.json` share.
    pub fn new(site: &'a Site, t: &'a crate::model::Task) -> TaskReport<'a> {
        let unit_name = |u: usize| site.units[u].name.as_str();
        TaskReport {
            number: t.number(),
            lead_units: t.lead().iter().map(unit_name).collect(),
            units: t.named_units().map(unit_name).collect(),
            officials: t.officials(),
            deadlines: t
                .deadlines
                .iter()
                .filter_map(|d| d.due().map(|x| x.to_string()))
                .collect(),
            starts: t
                .deadlines
                .iter()
                .filter_map(|d| d.start().map(|x| x.to_string()))
                .collect(),
            spans: t
                .deadlines
                .iter()
                .filter_map(|d| d.span())
                .map(|days| days.map(|x| x.map(|x| x.to_string())))
                .collect(),
            topics: t
                .topics()
                .iter()
                .map(|x| site.topics[x].name.as_str())
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct NoticeReport<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub jurisdiction: &'a str,
    pub plans: Vec<&'a str>,
}

/// Units keyed by jurisdiction: the same name in two jurisdictions is two entries.
#[derive(Serialize)]
pub struct UnitReport<'a> {
    pub name: &'a str,
    pub jurisdiction: &'a str,
    pub kind: crate::model::UnitKind,
    pub slug: &'a str,
    pub registered: bool,
}

impl<'a> Report<'a> {
    pub fn new(site: Option<&'a Site>, diagnostics: &'a [Diagnostic]) -> Report<'a> {
        let Some(site) = site else {
            return Report {
                plans: Vec::new(),
                notices: Vec::new(),
                units: Vec::new(),
                diagnostics: diagnostics.iter().collect(),
            };
        };
        let plans = site
            .plans
            .iter()
            .map(|p| PlanReport {
                slug: &p.slug,
                title: &p.meta.title,
                jurisdiction: &site.jurisdictions[p.jurisdiction].name,
                kind: p.kind.label(),
                tasks: p.tasks.iter().map(|t| TaskReport::new(site, t)).collect(),
            })
            .collect();
        let notices = site
            .notices
            .iter()
            .map(|n| NoticeReport {
                slug: &n.slug,
                title: &n.meta.title,
                jurisdiction: &site.jurisdictions[n.jurisdiction].name,
                plans: n
                    .plans
                    .iter()
                    .map(|&p| site.plans[p].slug.as_str())
                    .collect(),
            })
            .collect();
        let units = site
            .units
            .iter()
            .map(|u| UnitReport {
                name: &u.name,
                jurisdiction: &site.jurisdictions[u.jurisdiction].name,
                kind: u.kind,
                slug: &u.slug,
                registered: u.registered,
            })
            .collect();
        Report {
            plans,
            notices,
            units,
            diagnostics: diagnostics.iter().collect(),
        }
    }
}

/// `N plans, M tasks, K units, E errors, W warnings`, counting what was
/// read even when some files failed, and then how many files have errors.
pub fn summary(result: &LoadResult, diagnostics: &[Diagnostic]) -> String {
    let c = result.read;
    let errors: Vec<&Diagnostic> = diagnostics.iter().filter(|d| d.is_error()).collect();
    let warnings = diagnostics.len() - errors.len();
    let mut line = format!(
        "{} plans, {} tasks, {} units, {} errors, {warnings} warnings",
        c.plans,
        c.tasks,
        c.units,
        errors.len()
    );
    let files: std::collections::BTreeSet<&std::path::Path> =
        errors.iter().map(|d| d.file.as_path()).collect();
    match files.len() {
        0 => {}
        1 => line.push_str("; 1 file has errors"),
        n => line.push_str(&format!("; {n} files have errors")),
    }
    line
}

/// The translated editions' files (`translations/LANG/`), read as a build
/// reads them: a translation naming a plan, task, section or name the site
/// lacks fails `check` as it fails the build.
pub fn translation_problems(root: &std::path::Path, site: &Site) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for entry in site.config.editions.iter().flatten() {
        if let crate::config::EditionConfig::Translated(settings) = entry
            && let Err(mut found) =
                crate::content::translations::Translations::load(root, &settings.lang, site)
        {
            problems.append(&mut found);
        }
    }
    problems
}
