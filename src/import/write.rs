//! Content files from what was found: Markdown for prose plans (the
//! document's own words, which a person reviews most easily), YAML for
//! division-of-labour tables (one task per row, its units as fields).
//!
//! Every file is read back with planpress's own loaders before it is
//! written: what `check` would reject is reported as an error here.

use std::path::Path;

use serde::Serialize;

use crate::content::RawTask;
use crate::content::annotations::split_units;
use crate::content::fields::{NOTICE_KIND, is_valid_slug};
use crate::diagnostics::Diagnostic;
use crate::model::Block as MdBlock;
use crate::vocabulary::{Link, absent};

mod markdown;
mod summary;

use markdown::markdown_body;
use summary::{summarise, validate};

use super::report::Report;
use super::structure::{Analysis, PlanBody, PlanDoc, ProsePlan, escape_markdown};
use super::tables::{TSection, TTask};
use super::{Context, Format, Meta, Options};

macro_rules! declare_ydoc {
    (
        facts { $($(#[$fdoc:meta])* $fact:ident: $fty:ty,)* }
        links { $($(#[$ldoc:meta])* $link:ident: $lty:ty,)* }
    ) => {
        /// The fields of one document, in the order a person reads them; the
        /// metadata from [`crate::vocabulary`].
        #[derive(Serialize, Default, Clone)]
        struct YDoc {
            #[serde(skip_serializing_if = "Option::is_none")]
            slug: Option<String>,
            title: String,
            kind: String,
            jurisdiction: String,
            $(#[serde(skip_serializing_if = "absent")] $fact: $fty,)*
            $(#[serde(skip_serializing_if = "absent")] $link: $lty,)*
            #[serde(skip_serializing_if = "Option::is_none")]
            period: Option<String>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            phases: Vec<YPhase>,
            #[serde(skip_serializing_if = "Option::is_none")]
            recipients: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            body: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            signature: Option<String>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            transmits: Vec<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            preamble: Option<String>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            tasks: Vec<YTask>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            sections: Vec<YSection>,
        }

        impl YDoc {
            /// A document with the facts `m` found; its links are the
            /// caller's (the importer finds them in its own shape).
            fn with_facts(m: &Meta) -> YDoc {
                YDoc {
                    $($fact: m.$fact.clone(),)*
                    ..YDoc::default()
                }
            }
        }
    };
}
crate::vocabulary::doc_meta!(declare_ydoc);

#[derive(Serialize, Clone)]
struct YPhase {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    body: String,
}

#[derive(Serialize, Default, Clone)]
struct YSection {
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tasks: Vec<YTask>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sections: Vec<YSection>,
}

#[derive(Serialize, Default, Clone)]
struct YTask {
    number: String,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    lead: Option<YNames>,
    #[serde(skip_serializing_if = "Option::is_none")]
    responsible: Option<YNames>,
    #[serde(skip_serializing_if = "Option::is_none")]
    participating: Option<YNames>,
    #[serde(skip_serializing_if = "Option::is_none")]
    officials: Option<YNames>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    priority: Option<String>,
}

/// Units as the document wrote them (one cell) or as a list.
#[derive(Serialize, Clone)]
#[serde(untagged)]
enum YNames {
    One(String),
    Many(Vec<String>),
}

fn names(list: &[String], cell: Option<&String>, known: &[String]) -> Option<YNames> {
    if list.is_empty() {
        return None;
    }
    if let Some(cell) = cell
        && split_units(cell, known) == list
    {
        return Some(YNames::One(cell.clone()));
    }
    Some(YNames::Many(list.to_vec()))
}

#[derive(Serialize)]
struct YNoticeFile<'a> {
    notice: &'a YDoc,
    plans: &'a [YDoc],
}

#[derive(Serialize)]
struct YPlanFile<'a> {
    plan: &'a YDoc,
}

/// A document with the metadata `m` found: its facts, its title and its
/// links as a content file writes them.
fn doc_with_meta(m: &Meta) -> YDoc {
    let link = |(title, url): &(String, String)| Link {
        title: title.clone(),
        url: url.clone(),
    };
    YDoc {
        title: m.title.clone().unwrap_or_default(),
        source: m.source_url.clone().map(|url| Link {
            title: m
                .source_name
                .clone()
                .or_else(|| m.title.clone())
                .unwrap_or_default(),
            url,
        }),
        attachments: m.attachments.iter().map(link).collect(),
        links: m.links.iter().map(link).collect(),
        ..YDoc::with_facts(m)
    }
}

/// The slug base for an input's files: its file name when that is a valid
/// slug, otherwise the name's pinyin.
pub fn base_slug(name: &str) -> String {
    let stem = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let lower = stem.to_ascii_lowercase().replace(['_', ' ', '.'], "-");
    let base = if is_valid_slug(&lower) {
        lower
    } else {
        crate::slug::slugify(&stem)
    };
    // `units` would be the registry's file name.
    if base == "units" {
        "units-doc".into()
    } else {
        base
    }
}

/// Renders the files for one analysed input.
pub fn render(
    name: &str,
    a: &Analysis,
    opts: &Options,
    ctx: &mut Context,
    report: &mut Report,
) -> Result<Vec<(String, String)>, Diagnostic> {
    let base = base_slug(name);
    let format = choose_format(a, opts, report);
    let plan_slugs: Vec<String> = match a.plans.len() {
        1 => vec![base.clone()],
        n => (1..=n).map(|i| format!("{base}-{i}")).collect(),
    };
    let names = Names {
        input: name,
        notice_slug: format!("{base}-tongzhi"),
        plan_slugs,
    };
    let mut plan_docs = plan_docs(a, &names.plan_slugs);
    let notice_doc = notice_doc(a);
    let files = match format {
        Format::Yaml => {
            let known = ctx.registry.multi_part_names(&a.jurisdiction);
            for (plan, d) in a.plans.iter().zip(plan_docs.iter_mut()) {
                fill_yaml_body(d, plan, &known);
            }
            vec![yaml_file(&names, &base, a, notice_doc, &plan_docs)?]
        }
        Format::Md => markdown_files(&names, a, notice_doc, &plan_docs)?,
    };
    summarise(a, &files, format, opts, ctx, report);
    validate(&files, a, ctx, report);
    Ok(files)
}

/// What the files of one input are called: the input, and the slugs of
/// its notice and plans.
struct Names<'a> {
    input: &'a str,
    notice_slug: String,
    plan_slugs: Vec<String>,
}

/// YAML for tables and for numbers that start again in each section (which
/// Markdown cannot hold), Markdown for the rest, unless `--format` says.
fn choose_format(a: &Analysis, opts: &Options, report: &mut Report) -> Format {
    let has_table = a.plans.iter().any(|p| matches!(p.body, PlanBody::Table(_)));
    let restarts = a
        .plans
        .iter()
        .any(|p| matches!(&p.body, PlanBody::Prose(pp) if pp.restarts));
    let format = opts.format.unwrap_or(if has_table || restarts {
        Format::Yaml
    } else {
        Format::Md
    });
    if format == Format::Md && restarts {
        report.unsure(
            0,
            "task numbers start again in each section, which Markdown content cannot hold; written as YAML with numbers qualified by section",
        );
        return Format::Yaml;
    }
    format
}

/// The plans' fields, their bodies not yet filled.
fn plan_docs(a: &Analysis, slugs: &[String]) -> Vec<YDoc> {
    a.plans
        .iter()
        .zip(slugs)
        .map(|(plan, slug)| YDoc {
            kind: plan.kind.label().to_string(),
            jurisdiction: a.jurisdiction.clone(),
            period: plan.period.clone(),
            phases: plan
                .phases
                .iter()
                .map(|p| YPhase {
                    name: p.name.clone(),
                    period: p.period.clone(),
                    body: p.body.clone(),
                })
                .collect(),
            slug: a.notice.is_some().then(|| slug.clone()),
            ..doc_with_meta(&plan.meta)
        })
        .collect()
}

/// The notice's fields, its body not yet filled.
fn notice_doc(a: &Analysis) -> Option<YDoc> {
    a.notice.as_ref().map(|n| YDoc {
        kind: NOTICE_KIND.into(),
        jurisdiction: a.jurisdiction.clone(),
        recipients: n.recipients.clone(),
        signature: n.signature.clone(),
        ..doc_with_meta(&n.meta)
    })
}

/// The notice's body: its paragraphs as Markdown.
fn notice_body(a: &Analysis) -> Option<String> {
    a.notice.as_ref().map(|x| {
        x.body
            .iter()
            .map(|p| escape_markdown(p))
            .collect::<Vec<_>>()
            .join("\n\n")
    })
}

/// One YAML file: the notice with its plans, or the one plan.
fn yaml_file(
    names: &Names,
    base: &str,
    a: &Analysis,
    notice_doc: Option<YDoc>,
    plan_docs: &[YDoc],
) -> Result<(String, String), Diagnostic> {
    let name = names.input;
    let text = match notice_doc {
        Some(mut n) => {
            n.slug = Some(names.notice_slug.clone());
            n.body = notice_body(a).map(|b| format!("{b}\n"));
            serde_yaml::to_string(&YNoticeFile {
                notice: &n,
                plans: plan_docs,
            })
        }
        None => match plan_docs.first() {
            Some(p) => serde_yaml::to_string(&YPlanFile { plan: p }),
            None => return Err(not_written(name, "nothing to write".into())),
        },
    }
    .map_err(|e| not_written(name, format!("cannot write YAML: {e}")))?;
    Ok((format!("{base}.yaml"), header(name) + &text))
}

/// Markdown files: the notice's, then one a plan.
fn markdown_files(
    names: &Names,
    a: &Analysis,
    notice_doc: Option<YDoc>,
    plan_docs: &[YDoc],
) -> Result<Vec<(String, String)>, Diagnostic> {
    let name = names.input;
    let mut files = Vec::new();
    if let (Some(mut n), Some(body)) = (notice_doc, notice_body(a)) {
        n.transmits = names.plan_slugs.clone();
        files.push((
            format!("{}.md", names.notice_slug),
            front_matter(name, &n)? + "\n" + &body + "\n",
        ));
    }
    for ((plan, d), slug) in a.plans.iter().zip(plan_docs).zip(&names.plan_slugs) {
        let mut d = d.clone();
        d.slug = None;
        let body = markdown_body(plan);
        files.push((format!("{slug}.md"), front_matter(name, &d)? + "\n" + &body));
    }
    Ok(files)
}

fn header(name: &str) -> String {
    let file = Path::new(name)
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    format!("# Imported by `planpress import` from {file}; review before publishing.\n")
}

/// The importer could not write what it read: its own fault, not the
/// document's.
fn not_written(name: &str, message: String) -> Diagnostic {
    Diagnostic::error(name, 0, message).with_hint(
        "this is a fault of planpress import: report it with the document; meanwhile copy the text into a content file by hand",
    )
}

fn front_matter(name: &str, d: &YDoc) -> Result<String, Diagnostic> {
    let yaml = serde_yaml::to_string(d)
        .map_err(|e| not_written(name, format!("cannot write YAML: {e}")))?;
    Ok(format!("---\n{yaml}---\n"))
}

fn fill_yaml_body(d: &mut YDoc, plan: &PlanDoc, known: &[String]) {
    match &plan.body {
        PlanBody::Table(t) => {
            if !t.preamble.is_empty() {
                d.preamble = Some(
                    t.preamble
                        .iter()
                        .map(|p| escape_markdown(p))
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                );
            }
            d.tasks = t.tasks.iter().map(|x| table_task(x, known)).collect();
            d.sections = t.sections.iter().map(|s| table_section(s, known)).collect();
        }
        PlanBody::Prose(p) => {
            let mut text = Vec::new();
            let mut tasks = Vec::new();
            let mut sections = Vec::new();
            prose_blocks(
                &p.parsed.blocks,
                p,
                &[],
                &mut text,
                &mut tasks,
                &mut sections,
            );
            if !text.is_empty() {
                d.preamble = Some(text.join("\n\n"));
            }
            d.tasks = tasks;
            d.sections = sections;
        }
    }
}

fn table_task(t: &TTask, known: &[String]) -> YTask {
    YTask {
        number: t.number.clone(),
        text: escape_markdown(&t.text),
        lead: names(&t.lead, t.lead_cell.as_ref(), known),
        responsible: names(&t.responsible, t.responsible_cell.as_ref(), known),
        participating: names(&t.participating, t.participating_cell.as_ref(), known),
        officials: names(&t.officials, None, known),
        schedule: t.schedule.clone(),
        priority: t.priority.clone(),
    }
}

fn table_section(s: &TSection, known: &[String]) -> YSection {
    YSection {
        number: s.number.clone(),
        title: s.title.clone(),
        text: (!s.text.is_empty()).then(|| {
            s.text
                .iter()
                .map(|p| escape_markdown(p))
                .collect::<Vec<_>>()
                .join("\n\n")
        }),
        tasks: s.tasks.iter().map(|t| table_task(t, known)).collect(),
        sections: s.sections.iter().map(|c| table_section(c, known)).collect(),
    }
}

/// Converts a parsed Markdown body into YAML sections. Text that sits
/// between tasks moves to the section's `text` (YAML keeps text, tasks and
/// subsections apart).
fn prose_blocks(
    blocks: &[MdBlock],
    p: &ProsePlan,
    numbers: &[String],
    text: &mut Vec<String>,
    tasks: &mut Vec<YTask>,
    sections: &mut Vec<YSection>,
) {
    for b in blocks {
        match b {
            MdBlock::Text(t) => text.push(t.clone()),
            MdBlock::Task(i) => {
                if let Some(t) = p.parsed.tasks.get(*i) {
                    tasks.push(prose_task(t, p.restarts, numbers));
                }
            }
            MdBlock::Section(s) => {
                let mut inner_numbers = numbers.to_vec();
                inner_numbers.push(s.number.clone().unwrap_or_else(|| s.title.clone()));
                let mut st = Vec::new();
                let mut stasks = Vec::new();
                let mut ssections = Vec::new();
                prose_blocks(
                    &s.blocks,
                    p,
                    &inner_numbers,
                    &mut st,
                    &mut stasks,
                    &mut ssections,
                );
                sections.push(YSection {
                    number: s.number.clone(),
                    title: s.title.clone(),
                    text: (!st.is_empty()).then(|| st.join("\n\n")),
                    tasks: stasks,
                    sections: ssections,
                });
            }
        }
    }
}

fn prose_task(t: &RawTask, qualify: bool, numbers: &[String]) -> YTask {
    let number = if qualify && !numbers.is_empty() {
        let prefix: String = numbers
            .iter()
            .map(|n| n.trim_end_matches(['、', '.', '．']))
            .collect();
        format!("{prefix}-{}", t.number)
    } else {
        t.number.clone()
    };
    let list = |v: &Vec<String>| (!v.is_empty()).then(|| YNames::Many(v.clone()));
    YTask {
        number,
        text: t.text.clone(),
        lead: list(&t.lead),
        responsible: list(&t.responsible),
        participating: list(&t.participating),
        officials: list(&t.officials),
        schedule: t.schedule.clone(),
        priority: t.priority.clone(),
    }
}
