//! Division-of-labour tables written as Markdown prose tasks, each with its
//! units in one parenthesis, for `import --format md`.

use crate::import::structure::{PlanBody, PlanDoc, escape_markdown};
use crate::import::tables::{TSection, TTask, TablePlan};

/// The Markdown body of a plan.
pub(super) fn markdown_body(plan: &PlanDoc) -> String {
    match &plan.body {
        PlanBody::Prose(p) => p.markdown.clone(),
        PlanBody::Table(t) => table_markdown(t),
    }
}

/// A table written as prose tasks, each with its units in one parenthesis.
fn table_markdown(t: &TablePlan) -> String {
    let mut out = String::new();
    for p in &t.preamble {
        out.push_str(&escape_markdown(p));
        out.push_str("\n\n");
    }
    for task in &t.tasks {
        task_markdown(task, &mut out);
    }
    for s in &t.sections {
        section_markdown(s, &mut out);
    }
    out
}

fn section_markdown(s: &TSection, out: &mut String) {
    let hashes = "#".repeat((s.level as usize + 1).clamp(2, 6));
    out.push_str(&format!(
        "{hashes} {}{}\n\n",
        s.number.as_deref().unwrap_or(""),
        escape_markdown(&s.title)
    ));
    for p in &s.text {
        out.push_str(&escape_markdown(p));
        out.push_str("\n\n");
    }
    for t in &s.tasks {
        task_markdown(t, out);
    }
    for c in &s.sections {
        section_markdown(c, out);
    }
}

fn task_markdown(t: &TTask, out: &mut String) {
    let mut fields = Vec::new();
    for (label, list) in [
        ("牵头领导", &t.officials),
        ("牵头单位", &t.lead),
        ("责任单位", &t.responsible),
        ("参与单位", &t.participating),
    ] {
        if !list.is_empty() {
            fields.push(format!("{label}:{}", list.join("、")));
        }
    }
    // `25. 2024年…`: see structure::year_after_number.
    let space = if t.text.starts_with(|c: char| c.is_ascii_digit()) {
        " "
    } else {
        ""
    };
    out.push_str(&format!("{}.{space}{}", t.number, escape_markdown(&t.text)));
    if !fields.is_empty() {
        out.push_str(&format!("({})", fields.join(";")));
    }
    if let Some(s) = &t.schedule {
        out.push_str(&format!("\n进度安排:{s}"));
    }
    if let Some(p) = &t.priority {
        out.push_str(&format!("\n近期重点突破的工作:{p}"));
    }
    out.push_str("\n\n");
}
