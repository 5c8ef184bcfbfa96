//! YAML content files: one plan (`plan:`), or a notice with the plans it
//! transmits (`notice:` and `plans:`).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use yaml_rust2::parser::{Event, Parser};

use crate::diagnostics::Diagnostic;
use crate::model::{Block, Section, SourceFile};
use crate::yaml_lines::Locator;

use super::annotations::split_units;
use super::fields::{
    DocFields, DocKind, NameList, SectionFields, TaskFields, common_fields_with, deadlines_for,
};
use super::units::Registry;
use super::{Loaded, RawNotice, RawPlan, RawTask, yaml_error};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct YamlFile {
    notice: Option<DocFields>,
    #[serde(default)]
    plans: Vec<DocFields>,
    plan: Option<DocFields>,
}

/// Loads one YAML content file.
pub fn load(rel: &Path, text: &str, registry: &Registry) -> Loaded {
    let mut out = Loaded::default();
    if let Err(d) = guard(rel, text, 0) {
        out.diagnostics.push(d);
        return out;
    }
    let file: YamlFile = match serde_yaml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            out.diagnostics.push(yaml_error(rel, &e, 0));
            return out;
        }
    };
    let lines = Locator::read(text);
    if file.plan.is_some() && !file.plans.is_empty() {
        out.diagnostics.push(
            Diagnostic::error(
                rel,
                lines.line("plan"),
                "both `plan:` and `plans:` in one file",
            )
            .with_hint("use `plan:` for a single plan, or `notice:` with `plans:`"),
        );
        return out;
    }
    if file.plan.is_none() && file.plans.is_empty() && file.notice.is_none() {
        out.diagnostics.push(
            Diagnostic::error(rel, 1, "no document in this file")
                .with_hint("a YAML content file has `plan:`, or `notice:` with `plans:`"),
        );
        return out;
    }
    let stem_slug = super::fields::slug_from_file(rel);
    let mut plan_slugs = Vec::new();
    if let Some(plan) = &file.plan {
        load_plan(
            rel,
            plan,
            "plan",
            Some(stem_slug.clone()),
            registry,
            &lines,
            &mut out,
        );
        plan_slugs.extend(out.plans.last().map(|p| p.slug.clone()));
    }
    for (i, plan) in file.plans.iter().enumerate() {
        let before = out.plans.len();
        load_plan(
            rel,
            plan,
            &format!("plans.{i}"),
            None,
            registry,
            &lines,
            &mut out,
        );
        if out.plans.len() > before {
            plan_slugs.extend(out.plans.last().map(|p| p.slug.clone()));
        }
    }
    if let Some(notice) = &file.notice {
        load_notice(rel, notice, stem_slug, plan_slugs, &lines, &mut out);
    }
    out
}

fn load_notice(
    rel: &Path,
    fields: &DocFields,
    slug: String,
    plan_slugs: Vec<String>,
    lines: &Locator,
    out: &mut Loaded,
) {
    let line = lines.line("notice");
    let Some(common) =
        common_fields_with(rel, line, fields, false, Some(slug), &mut out.diagnostics)
    else {
        return;
    };
    if !matches!(common.kind, DocKind::Notice) {
        out.diagnostics.push(
            Diagnostic::error(rel, line, "`notice:` must have `kind: 通知`")
                .with_hint("put plans under `plans:`"),
        );
        return;
    }
    let mut transmits = fields.transmits.clone();
    transmits.extend(plan_slugs);
    let mut raw_html = Vec::new();
    if let Some(body) = &fields.body {
        raw_html = value_html_lines(lines, "notice.body", body, 0);
    }
    out.notices.push(RawNotice {
        slug: common.slug,
        meta: fields.meta(),
        jurisdiction: common.jurisdiction,
        recipients: fields.recipients.clone(),
        body: fields.body.clone().unwrap_or_default().trim().to_string(),
        signature: fields.signature.clone(),
        transmits,
        source: SourceFile {
            path: rel.to_path_buf(),
            line,
        },
        raw_html,
    });
}

fn load_plan(
    rel: &Path,
    fields: &DocFields,
    path: &str,
    default_slug: Option<String>,
    registry: &Registry,
    lines: &Locator,
    out: &mut Loaded,
) {
    let line = lines.line(path);
    let Some(common) =
        common_fields_with(rel, line, fields, false, default_slug, &mut out.diagnostics)
    else {
        return;
    };
    let DocKind::Plan(kind) = common.kind else {
        out.diagnostics.push(
            Diagnostic::error(rel, line, "a plan cannot have `kind: 通知`")
                .with_hint("put the notice under `notice:` and its plans under `plans:`"),
        );
        return;
    };
    let known = registry.multi_part_names(&common.jurisdiction);
    let mut raw_html = phases_html_lines(lines, path, fields, 0);
    let mut walker = Walker {
        rel,
        lines,
        known: &known,
        tasks: Vec::new(),
        diagnostics: &mut out.diagnostics,
        raw_html: &mut raw_html,
    };
    let mut body = Vec::new();
    if let Some(p) = fields.preamble.as_deref().filter(|p| !p.trim().is_empty()) {
        walker
            .raw_html
            .extend(value_html_lines(lines, &format!("{path}.preamble"), p, 0));
        body.push(Block::Text(p.trim().to_string()));
    }
    walker.tasks_into(&fields.tasks, path, &[], &mut body);
    for (i, s) in fields.sections.iter().enumerate() {
        let section = walker.section(s, &format!("{path}.sections.{i}"), 1, &[]);
        body.push(Block::Section(Box::new(section)));
    }
    let tasks = walker.tasks;
    super::markdown::assign_anchors(&mut body, "sec");
    report_duplicates(rel, &tasks, &mut out.diagnostics);
    out.plans.push(RawPlan {
        slug: common.slug,
        kind,
        meta: fields.meta(),
        jurisdiction: common.jurisdiction,
        period: common.period,
        topics: fields.topics.clone(),
        body,
        tasks,
        phases: fields.phases(),
        source: SourceFile {
            path: rel.to_path_buf(),
            line,
        },
        raw_html,
    });
}

/// Lines where raw HTML is written in a Markdown field at `path`.
fn value_html_lines(lines: &Locator, path: &str, value: &str, line_offset: usize) -> Vec<usize> {
    let value = value.trim();
    if !value.contains('<') {
        return Vec::new();
    }
    super::raw_html_lines(value, lines.line(path) + line_offset)
}

/// Lines where raw HTML is written in the `body` of a document's phases.
pub fn phases_html_lines(
    lines: &Locator,
    path: &str,
    fields: &DocFields,
    line_offset: usize,
) -> Vec<usize> {
    let prefix = if path.is_empty() {
        String::new()
    } else {
        format!("{path}.")
    };
    fields
        .phases
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            value_html_lines(
                lines,
                &format!("{prefix}phases.{i}.body"),
                &p.body,
                line_offset,
            )
        })
        .collect()
}

fn report_duplicates(rel: &Path, tasks: &[RawTask], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for t in tasks {
        if let Some(first) = seen.get(t.number.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    rel,
                    t.line,
                    format!("task number {} is used twice in this plan", t.number),
                )
                .with_hint(format!(
                    "the first task {} is on line {first}; renumber one of them as the document numbers it",
                    t.number
                )),
            );
        } else {
            seen.insert(&t.number, t.line);
        }
    }
}

/// Walks a plan's sections, collecting its tasks in document order.
struct Walker<'a> {
    rel: &'a Path,
    lines: &'a Locator,
    known: &'a [String],
    tasks: Vec<RawTask>,
    diagnostics: &'a mut Vec<Diagnostic>,
    raw_html: &'a mut Vec<usize>,
}

impl Walker<'_> {
    fn section(&mut self, s: &SectionFields, path: &str, level: u8, outer: &[String]) -> Section {
        let mut section_path = outer.to_vec();
        section_path.push(s.title.trim().to_string());
        let mut blocks = Vec::new();
        if let Some(text) = s.text.as_deref().filter(|t| !t.trim().is_empty()) {
            self.raw_html.extend(value_html_lines(
                self.lines,
                &format!("{path}.text"),
                text,
                0,
            ));
            blocks.push(Block::Text(text.trim().to_string()));
        }
        self.tasks_into(&s.tasks, path, &section_path, &mut blocks);
        for (i, child) in s.sections.iter().enumerate() {
            if level >= 5 {
                self.diagnostics.push(
                    Diagnostic::error(
                        self.rel,
                        self.lines.line(&format!("{path}.sections.{i}")),
                        "sections nest at most five levels deep",
                    )
                    .with_hint(
                        "documents use 第一章 > 第一节 > 一、 > (一) > 1.; flatten this level",
                    ),
                );
                continue;
            }
            let child = self.section(
                child,
                &format!("{path}.sections.{i}"),
                level + 1,
                &section_path,
            );
            blocks.push(Block::Section(Box::new(child)));
        }
        Section {
            number: s.number.clone().map(|n| display_number(n.into_string())),
            title: s.title.trim().to_string(),
            level,
            anchor: String::new(),
            blocks,
        }
    }

    fn tasks_into(
        &mut self,
        tasks: &[TaskFields],
        path: &str,
        outer: &[String],
        blocks: &mut Vec<Block>,
    ) {
        for (i, t) in tasks.iter().enumerate() {
            let line = self.lines.line(&format!("{path}.tasks.{i}"));
            let number = match t.number.clone().map(|n| n.into_string()) {
                Some(n) if !n.is_empty() => n,
                _ => {
                    self.diagnostics.push(
                        Diagnostic::error(self.rel, line, "task without a `number`")
                            .with_hint("give each task its number as the document writes it, e.g. `number: 11`"),
                    );
                    continue;
                }
            };
            self.raw_html.extend(value_html_lines(
                self.lines,
                &format!("{path}.tasks.{i}.text"),
                &t.text,
                0,
            ));
            let list = |l: &Option<NameList>| names(l.as_ref(), self.known);
            let task = RawTask {
                number,
                text: t.text.trim().to_string(),
                lead: list(&t.lead),
                responsible: list(&t.responsible),
                participating: list(&t.participating),
                officials: list(&t.officials),
                schedule: t.schedule.clone().filter(|s| !s.trim().is_empty()),
                deadlines: deadlines_for(t.schedule.as_deref(), &t.text),
                priority: t.priority.clone().filter(|s| !s.trim().is_empty()),
                topics: t.topics.clone(),
                section_path: outer.to_vec(),
                line,
            };
            blocks.push(Block::Task(self.tasks.len()));
            self.tasks.push(task);
        }
    }
}

/// `一` is shown `一、`; numbers already punctuated are kept as written.
fn display_number(n: String) -> String {
    let bare_chinese = !n.is_empty()
        && n.chars()
            .all(|c| "一二三四五六七八九十百零〇两".contains(c));
    if bare_chinese { format!("{n}、") } else { n }
}

fn names(list: Option<&NameList>, known: &[String]) -> Vec<String> {
    match list {
        None => Vec::new(),
        Some(NameList::One(s)) => split_units(s, known),
        Some(NameList::Many(v)) => v
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    }
}

/// YAML nested deeper than this is refused before it is parsed: no content
/// file nests a tenth as deep, and the YAML parser under serde takes time in
/// proportion to the square of the depth of `[[[[…]]]]` (100,000 levels took
/// a minute).
const MAX_DEPTH: usize = 200;

/// Checks what would make parsing `text` take unbounded time or memory,
/// before it is parsed: nesting deeper than [`MAX_DEPTH`], and aliases
/// (`*name`) that expand to much more than the file (a 300 KB file whose
/// aliases repeat one long string 10,000 times would take gigabytes).
/// `line_offset` is added to lines (front matter below the top of a file).
pub fn guard(rel: &Path, text: &str, line_offset: usize) -> Result<(), Diagnostic> {
    let limit = (1u64 << 20).saturating_add(4 * text.len() as u64);
    let mut parser = Parser::new_from_str(text);
    let mut anchors: HashMap<usize, u64> = HashMap::new();
    // Open collections: (expanded size so far, anchor id).
    let mut open: Vec<(u64, usize)> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(e) => e,
            // This parser stops at 255 levels of `[`/`{`.
            Err(e) if e.info().contains("recursion limit") => {
                return Err(too_deep(rel, e.marker().line() + line_offset));
            }
            // A syntax error is left for serde to report, with its own message.
            Err(_) => return Ok(()),
        };
        let line = mark.line() + line_offset;
        let done = match event {
            Event::StreamEnd => return Ok(()),
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                open.push((1, anchor));
                if open.len() > MAX_DEPTH {
                    return Err(too_deep(rel, line));
                }
                None
            }
            Event::MappingEnd | Event::SequenceEnd => open.pop().map(|(size, anchor)| {
                if anchor > 0 {
                    anchors.insert(anchor, size);
                }
                size
            }),
            Event::Scalar(value, _, anchor, _) => {
                let size = value.len() as u64 + 1;
                if anchor > 0 {
                    anchors.insert(anchor, size);
                }
                Some(size)
            }
            Event::Alias(id) => Some(anchors.get(&id).copied().unwrap_or(1)),
            _ => None,
        };
        if let Some(size) = done {
            match open.last_mut() {
                Some((parent, _)) => *parent = parent.saturating_add(size),
                None => total = total.saturating_add(size),
            }
            let expanded = open
                .iter()
                .fold(total, |sum, (size, _)| sum.saturating_add(*size));
            if expanded > limit {
                return Err(Diagnostic::error(
                    rel,
                    line,
                    "YAML aliases (`*name`) here repeat more text than the file holds many times over",
                )
                .with_hint("write the values out, or repeat them fewer times"));
            }
        }
    }
}

fn too_deep(rel: &Path, line: usize) -> Diagnostic {
    Diagnostic::error(
        rel,
        line,
        format!("the YAML nests more than {MAX_DEPTH} levels deep"),
    )
    .with_hint("sections nest at most five levels; check the brackets and the indentation here")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_nesting_and_alias_bombs_are_refused_quickly() {
        let rel = Path::new("a.yaml");
        let t = std::time::Instant::now();
        let deep = format!("plan: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let e = guard(rel, &deep, 0).unwrap_err();
        assert!(e.message.contains("nests more than"), "{}", e.message);
        let big = "长".repeat(100_000);
        let bomb = format!("plan:\n  topics: [&s \"{big}\"{}]\n", ", *s".repeat(10_000));
        let e = guard(rel, &bomb, 0).unwrap_err();
        assert!(e.message.contains("aliases"), "{}", e.message);
        assert_eq!(e.line, 2);
        assert!(t.elapsed().as_secs() < 10, "{:?}", t.elapsed());
        // Ordinary files, and modest aliases, pass.
        let ok = "plan:\n  a: &u [区司法局, 区法院]\n  tasks:\n    - lead: *u\n    - lead: *u\n";
        assert!(guard(rel, ok, 0).is_ok());
        assert!(guard(rel, "plan: [unclosed", 0).is_ok());
    }

    #[test]
    fn bare_chinese_numbers_get_their_comma() {
        assert_eq!(display_number("一".into()), "一、");
        assert_eq!(display_number("(一)".into()), "(一)");
    }
}
