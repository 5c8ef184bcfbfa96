//! What the importer reports about the files it wrote: documents, tasks
//! without a lead, new units, and whether `check` reads them back whole.

use std::path::Path;

use crate::config::DEFAULT_GROUP_MARKERS;
use crate::content::fields::NOTICE_KIND;
use crate::content::{markdown as md_loader, units, yaml as yaml_loader};
use crate::import::report::{DocSummary, NewUnit, Report};
use crate::import::structure::{Analysis, PlanBody, PlanDoc};
use crate::import::{Context, Format, Options};
use crate::model::PlanKind;

/// A task's units and position, whatever the plan's shape.
struct TaskView {
    number: String,
    line: usize,
    lead: Vec<String>,
    others: Vec<String>,
}

impl TaskView {
    fn new(
        number: &str,
        line: usize,
        lead: &[String],
        responsible: &[String],
        participating: &[String],
    ) -> TaskView {
        TaskView {
            number: number.to_string(),
            line,
            lead: lead.to_vec(),
            others: responsible.iter().chain(participating).cloned().collect(),
        }
    }
}

fn task_views(plan: &PlanDoc) -> Vec<TaskView> {
    match &plan.body {
        PlanBody::Prose(p) => p
            .parsed
            .tasks
            .iter()
            .map(|t| {
                let line = p.input_line(t.line);
                TaskView::new(&t.number, line, &t.lead, &t.responsible, &t.participating)
            })
            .collect(),
        PlanBody::Table(tp) => tp
            .all_tasks()
            .into_iter()
            .map(|t| TaskView::new(&t.number, t.line, &t.lead, &t.responsible, &t.participating))
            .collect(),
    }
}

fn section_count(plan: &PlanDoc) -> usize {
    match &plan.body {
        PlanBody::Prose(p) => crate::import::structure::count_sections(&p.parsed.blocks),
        PlanBody::Table(t) => t.section_count(),
    }
}

/// Fills the report: documents, tasks without a lead, new units.
pub(super) fn summarise(
    a: &Analysis,
    files: &[(String, String)],
    format: Format,
    opts: &Options,
    ctx: &mut Context,
    report: &mut Report,
) {
    let shown = |file: &str| opts.out.join(file).display().to_string();
    let plan_file = |i: usize| -> String {
        match format {
            Format::Yaml => files.first().map(|f| shown(&f.0)).unwrap_or_default(),
            Format::Md => {
                let offset = usize::from(a.notice.is_some());
                files
                    .get(i + offset)
                    .map(|f| shown(&f.0))
                    .unwrap_or_default()
            }
        }
    };
    if let Some(n) = &a.notice {
        report.documents.push(DocSummary {
            kind: NOTICE_KIND.into(),
            title: n.meta.title.clone().unwrap_or_default(),
            file: files.first().map(|f| shown(&f.0)).unwrap_or_default(),
            ..DocSummary::default()
        });
    }
    for (i, plan) in a.plans.iter().enumerate() {
        let views = task_views(plan);
        let title = plan.meta.title.clone().unwrap_or_default();
        report.documents.push(DocSummary {
            kind: plan.kind.label().to_string(),
            title: title.clone(),
            file: plan_file(i),
            sections: section_count(plan),
            tasks: views.len(),
            numbers: views
                .first()
                .zip(views.last())
                .map(|(f, l)| (f.number.clone(), l.number.clone())),
        });
        let names_units = views
            .iter()
            .any(|t| !t.lead.is_empty() || !t.others.is_empty());
        for t in &views {
            if t.lead.is_empty() && names_units && plan.kind != PlanKind::MultiYearPlan {
                report.no_lead.push(crate::import::report::Note {
                    line: t.line,
                    text: format!("{title}: task {}", t.number),
                });
            }
            for name in t.lead.iter().chain(&t.others) {
                let registered = ctx
                    .registry
                    .get(&a.jurisdiction)
                    .and_then(|jr| jr.lookup(name))
                    .is_some();
                if !registered && ctx.first_sighting(&a.jurisdiction, name) {
                    // The default markers label the report's new units;
                    // the site's `group_markers` decide when it is built.
                    let markers: Vec<String> = DEFAULT_GROUP_MARKERS
                        .iter()
                        .map(|s| s.to_string())
                        .collect();
                    report.new_units.push(NewUnit {
                        name: name.clone(),
                        jurisdiction: a.jurisdiction.clone(),
                        line: t.line,
                        group: units::looks_like_group(name, &markers),
                    });
                }
            }
        }
    }
}

/// Reads the files back as `check` would and reports what it rejects.
pub(super) fn validate(
    files: &[(String, String)],
    a: &Analysis,
    ctx: &Context,
    report: &mut Report,
) {
    let mut tasks_read = 0usize;
    for (file, text) in files {
        let rel = Path::new("content").join(file);
        let loaded = if file.ends_with(".md") {
            md_loader::load(&rel, text, &ctx.registry)
        } else {
            yaml_loader::load(&rel, text, &ctx.registry)
        };
        tasks_read += loaded.plans.iter().map(|p| p.tasks.len()).sum::<usize>();
        for d in loaded.diagnostics.iter().filter(|d| d.is_error()) {
            report.error(
                0,
                format!(
                    "{file}:{}: {} (planpress check would fail)",
                    d.line, d.message
                ),
            );
        }
    }
    let expected: usize = a.plans.iter().map(|p| task_views(p).len()).sum();
    if tasks_read != expected {
        report.error(
            0,
            format!("the written files hold {tasks_read} tasks, but {expected} were found"),
        );
    }
}
