//! Markdown content files: YAML front matter for the metadata, and a body
//! written the way the documents are written.
//!
//! Headings come from `#` lines or from the document's own numbering on a line
//! of its own (第一章, 第一节, 一、, (一)); a paragraph that starts with a number
//! (`1.`, `1．`, `1、`) is a task, whose units are read from its words by
//! [`annotations::Extractor`]. A paragraph numbered otherwise (`(1)` `（一）`
//! `一是` `一、`, articles `第二条`) is a task too when it carries a responsibility annotation,
//! whatever its length; without one it is a heading or prose as before.
//! Lines of annotations under a task (`责任单位:…`, `(区司法局牵头)`),
//! with or without a blank line between, belong to the task. Task numbers
//! may start again in each section (`1.` under every `一、`): the plan's
//! tasks are then numbered by their sections too. A body with a
//! division-of-labour table (a header naming unit columns, as a Markdown
//! table, cells between bars or spaces, or one cell a line as pasted from a
//! portal) is read by the importer's table reader instead.

use std::path::Path;

use regex::Regex;

use crate::diagnostics::Diagnostic;
use crate::model::{Block, Section, SourceFile};
use crate::patterns::{patterns, regex};

use super::annotations::{Extractor, starts_with_annotation_label};
use super::fields::{DocFields, DocKind};
use super::units::Registry;
use super::{Loaded, RawNotice, RawPlan, RawTask, yaml_error};

mod builder;
mod paragraphs;
mod table_body;

use builder::*;
pub use paragraphs::*;
use table_body::*;

patterns! {
    /// A heading's numbering and the level it implies.
    static SECTION_NUMBER: Vec<(Regex, u8)> = {
        let cn = "[一二三四五六七八九十百零〇两]+";
        [
            (format!(r"^(第{cn}章)\s*(.*)$"), 1),
            (format!(r"^(第{cn}节)\s*(.*)$"), 2),
            (format!(r"^({cn}[、.．﹒﹑])\s*(.*)$"), 3),
            (format!(r"^([(（﹙]{cn}[)）﹚])\s*(.*)$"), 4),
            (r"^([(（﹙]\d{1,3}[)）﹚])\s*(.*)$".to_string(), 5),
        ]
        .into_iter()
        .map(|(re, level)| (regex(&re), level))
        .collect()
    };

    /// `1.` `1．` `1、` at the start of a paragraph, not `2.5亿` or `2015年`;
    /// the small forms `1﹒` `1﹑` (a font's look) too.
    /// A task number and its separator (`11.`, `3、`); see [`task_start`].
    static TASK_NUMBER = r"^(\d{1,9})\s*[.．﹒、﹑]";

    /// Numberings that make a task only with an annotation: `(1)` `（一）`
    /// `一是` `一、`, and the articles of a 规定 or 办法 (`第二条`, `第12条`).
    /// Group 1, 2 or 3 is the number.
    static OTHER_NUMBER = {
        let cn = "[一二三四五六七八九十百零〇两]+";
        format!(
            r"^(?:[(（﹙]\s*(\d{{1,9}}|{cn})\s*[)）﹚]|({cn})\s*(?:是|[、.．﹒﹑])|(第\s*(?:\d{{1,4}}|{cn})\s*条))\s*"
        )
    };

    /// A heading that names the lead of every task under it:
    /// `(一)省监察厅牵头的工作`, `一、县示范区管委会牵头工作(8项)`.
    static LEAD_HEADING = r"^(\S{2,40}?)牵头(?:的)?(?:工作|任务|事项)(?:\s*[(（][^()（）]*[)）])?[。.]?$";
}

/// The units a heading names as the lead of the tasks under it.
fn heading_lead(title: &str, known: &[String]) -> Vec<String> {
    if !title.contains("牵头") && !title.contains("牽頭") {
        return Vec::new();
    }
    let folded = super::grammar::fold(title);
    LEAD_HEADING
        .captures(&folded)
        .and_then(|c| c.get(1))
        .map(|m| super::annotations::split_units(m.as_str(), known))
        .unwrap_or_default()
}

/// A heading written as a paragraph must be short and not a sentence.
const MAX_HEADING_CHARS: usize = 60;

/// Loads one Markdown file.
pub fn load(rel: &Path, text: &str, registry: &Registry) -> Loaded {
    let mut out = Loaded::default();
    let Some((front, body, body_line)) = split_front_matter(text) else {
        out.diagnostics.push(no_front_matter(rel, text));
        return out;
    };
    // Front matter starts on line 2.
    if let Err(d) = super::yaml::guard(rel, front, 1) {
        out.diagnostics.push(d);
        return out;
    }
    let fields: DocFields = match serde_yaml::from_str(front) {
        Ok(f) => f,
        Err(e) => {
            out.diagnostics.push(yaml_error(rel, &e, 1));
            return out;
        }
    };
    let source = SourceFile {
        path: rel.to_path_buf(),
        line: 1,
    };
    let Some(common) = super::fields::common_fields(rel, 1, &fields, true, &mut out.diagnostics)
    else {
        return out;
    };
    let slug = common.slug.clone();
    let front_lines = crate::yaml_lines::Locator::read(front);
    let phase_html = super::yaml::phases_html_lines(&front_lines, "", &fields, 1);
    match common.kind {
        DocKind::Notice => out.notices.push(RawNotice {
            slug,
            meta: fields.meta(),
            jurisdiction: common.jurisdiction,
            recipients: fields.recipients.clone(),
            body: body.trim().to_string(),
            signature: fields.signature.clone(),
            transmits: fields.transmits.clone(),
            source,
            raw_html: {
                let lead = &body[..body.len() - body.trim_start().len()];
                super::raw_html_lines(body.trim(), body_line + lead.matches('\n').count())
            },
        }),
        DocKind::Plan(kind) => {
            let known = registry.multi_part_names(&common.jurisdiction);
            let mut parsed = table_body(rel, body, body_line, &known, &mut out.diagnostics)
                .unwrap_or_else(|| parse_body(rel, body, body_line, &known, &mut out.diagnostics));
            if parsed.restarts {
                parsed.qualify_numbers();
            }
            let mut raw_html = parsed.raw_html;
            raw_html.extend(phase_html);
            out.plans.push(RawPlan {
                slug,
                kind,
                meta: fields.meta(),
                jurisdiction: common.jurisdiction,
                period: common.period,
                topics: fields.topics.clone(),
                body: parsed.blocks,
                tasks: parsed.tasks,
                phases: fields.phases(),
                source,
                raw_html,
            });
        }
    }
    out
}

/// Splits `---\nfront\n---\nbody` into front matter, body and the body's first line number.
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            // Line 1 is the opening `---`, the front matter starts on line 2.
            return Some((front, body, i + 3));
        }
        offset += line.len();
    }
    None
}

/// Why [`split_front_matter`] found none: never opened, or opened and
/// never closed.
fn no_front_matter(rel: &Path, text: &str) -> Diagnostic {
    let opened = text.lines().next().is_some_and(|l| l.trim_end() == "---");
    if opened {
        Diagnostic::error(rel, 1, "the front matter opened here is never closed")
            .with_hint("end the metadata with a line of just `---`, before the document's text")
    } else {
        Diagnostic::error(rel, 1, "no front matter")
            .with_hint("start the file with a `---` line, the metadata (title, kind, jurisdiction…), and another `---` line")
    }
}

/// The body's structure.
pub struct ParsedBody {
    pub blocks: Vec<Block>,
    pub tasks: Vec<RawTask>,
    /// Lines where raw HTML is written in prose or tasks.
    pub raw_html: Vec<usize>,
    /// Task numbers start again in a later section (`1.` under each
    /// `一、`): tasks are numbered as written, and
    /// [`ParsedBody::qualify_numbers`] makes them unique.
    pub restarts: bool,
}

impl ParsedBody {
    /// Numbers every task by its sections as well, as the importer does
    /// (`1.` under `一、` under `第二章` is `第二章一-1`), so that numbers
    /// that start again in each section stay unique in the plan. A number
    /// still taken (two parts of one document, both with a `一、`) gets the
    /// count of its use (`一-1-2`).
    pub fn qualify_numbers(&mut self) {
        let mut prefixes = vec![String::new(); self.tasks.len()];
        section_prefixes(&self.blocks, &mut String::new(), &mut prefixes);
        let mut seen: rustc_hash::FxHashMap<String, usize> = Default::default();
        for (task, prefix) in self.tasks.iter_mut().zip(prefixes) {
            let mut number = if prefix.is_empty() {
                task.number.clone()
            } else {
                format!("{prefix}-{}", task.number)
            };
            while let Some(uses) = seen.get_mut(&number) {
                *uses += 1;
                number = format!("{number}-{uses}");
            }
            seen.insert(number.clone(), 1);
            task.number = number;
        }
    }
}

/// The numbers of the sections around each task, joined (`第二章一(三)`);
/// a section without a number counts by its title.
fn section_prefixes(blocks: &[Block], path: &mut String, out: &mut [String]) {
    for block in blocks {
        match block {
            Block::Task(i) => {
                if let Some(p) = out.get_mut(*i) {
                    p.clone_from(path);
                }
            }
            Block::Section(s) => {
                let len = path.len();
                let own = s.number.as_deref().unwrap_or(&s.title);
                path.push_str(own.trim_end_matches(['、', '.', '．', '﹒', '﹑']));
                section_prefixes(&s.blocks, path, out);
                path.truncate(len);
            }
            Block::Text(_) => {}
        }
    }
}

/// One paragraph (or heading line) with the line it starts on.
struct Paragraph {
    line: usize,
    text: String,
    heading: Option<usize>,
}

/// Reads the body: sections by heading, tasks by number, prose in between.
///
/// A body where nothing is a task (no `1.` item, no numbered item naming a
/// unit: a 规划 or 意见 that assigns nothing) has its measures as its
/// deepest numbered items: the `(一)` under each `一、`, or the `一是`
/// paragraphs under a heading. They are read again as tasks without units,
/// unless that gives two tasks one number in a section.
pub fn parse_body(
    rel: &Path,
    body: &str,
    first_line: usize,
    known_units: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> ParsedBody {
    let mut found = Vec::new();
    let parsed = parse_body_at(rel, body, first_line, known_units, None, &mut found);
    if parsed.tasks.is_empty()
        && let Some(level) = deepest_numbering(body, first_line)
    {
        let mut again = Vec::new();
        let measures = parse_body_at(rel, body, first_line, known_units, Some(level), &mut again);
        if again.iter().all(|d| !d.is_error()) {
            diagnostics.extend(again);
            return measures;
        }
    }
    diagnostics.extend(found);
    parsed
}

/// How deep a numbering goes: 第X章 1, 第X节 2, `一、` 3, `(一)` 4, `(1)` 5,
/// and below every heading `一是` and articles (`第二条`), 6.
fn numbering_depth(number: &str) -> u8 {
    if number.ends_with('条') {
        return 6;
    }
    let bracketed = number.starts_with(['(', '（', '﹙']);
    let digits = number.chars().any(|c| c.is_ascii_digit());
    match (bracketed, digits) {
        (true, true) => 5,
        (true, false) => 4,
        _ => 3,
    }
}

/// The deepest numbering of a body's headings and numbered paragraphs
/// ([`numbering_depth`]) outside its framing part ([`framing_title`]), or
/// `None` when nothing there is numbered.
fn deepest_numbering(body: &str, first_line: usize) -> Option<u8> {
    // The open headings: their level and whether they frame.
    let mut open: Vec<(u8, bool)> = Vec::new();
    let mut deepest = None;
    for para in paragraphs(body, first_line) {
        let heading = match para.heading {
            Some(hashes) => Some(heading_parts(&para.text, hashes)),
            None => paragraph_heading(&para.text).map(|(n, t, l)| (Some(n), t, l)),
        };
        let measure = measure_number(&para, None);
        // A numbered item closes the headings at its depth and below.
        let depth = heading
            .as_ref()
            .map(|h| h.2)
            .or(measure.as_ref().map(|m| m.2));
        if let Some(depth) = depth {
            while open.last().is_some_and(|&(l, _)| l >= depth) {
                open.pop();
            }
        }
        if let Some((_, text, depth)) = measure
            && !open.iter().any(|&(_, f)| f)
            && !framing_title(&text)
        {
            deepest = deepest.max(Some(depth));
        }
        if let Some((_, title, level)) = heading {
            open.push((level, framing_title(&title)));
        }
    }
    deepest
}

/// Titles of a plan's framing part (`一、总体要求`, `(二)基本原则`,
/// `指导思想`, `背景`): the numbered items under them are principles, not
/// measures.
fn framing_title(title: &str) -> bool {
    const FRAMING: [&str; 5] = ["指导思想", "原则", "总体要求", "总体思路", "背景"];
    let head: String = title.chars().take(12).collect();
    FRAMING.iter().any(|w| head.contains(w))
}

/// A numbered heading or paragraph, as a measure: its number (without
/// brackets or separator), its text and its depth; at `depth` only, when
/// one is given.
fn measure_number(para: &Paragraph, depth: Option<u8>) -> Option<(String, String, u8)> {
    let bare = |n: &str| {
        n.trim_matches([
            '(', '（', '﹙', ')', '）', '﹚', '、', '.', '．', '﹒', '﹑',
        ])
        .trim()
        .to_string()
    };
    let found = match para.heading {
        Some(hashes) => match heading_parts(&para.text, hashes) {
            (Some(number), title, level) if !number.ends_with(['章', '节']) => {
                Some((bare(&number), title, level))
            }
            _ => None,
        },
        None => match paragraph_heading(&para.text) {
            Some((number, title, level)) => (level > 2).then(|| (bare(&number), title, level)),
            None => other_numbered(&para.text).map(|(number, rest)| {
                let written = &para.text[..para.text.len() - rest.len()];
                let depth = if written.trim_end().ends_with('是') {
                    6
                } else {
                    numbering_depth(written.trim_end())
                };
                (number.to_string(), rest.to_string(), depth)
            }),
        },
    };
    found.filter(|(_, _, d)| depth.is_none_or(|want| want == *d))
}

/// [`parse_body`], with the numbered items at `measures` depth read as
/// tasks when given.
fn parse_body_at(
    rel: &Path,
    body: &str,
    first_line: usize,
    known_units: &[String],
    measures: Option<u8>,
    diagnostics: &mut Vec<Diagnostic>,
) -> ParsedBody {
    let mut reader = BodyReader::new(known_units);
    let mut raw_html = Vec::new();
    for para in paragraphs(body, first_line) {
        if para.heading.is_none() {
            raw_html.extend(super::raw_html_lines(&para.text, para.line));
        }
        reader.read(para, measures);
    }
    let mut parsed = reader.finish(rel, diagnostics);
    parsed.raw_html = raw_html;
    parsed
}

/// A body read paragraph by paragraph into sections, tasks and text.
struct BodyReader {
    builder: Builder,
    extractor: Extractor,
    last: Last,
    /// The lines of the run of numbered prose paragraphs just read.
    prose_lines: Vec<usize>,
    /// The first task of the run of tasks just read (no prose or heading
    /// between them).
    run_start: usize,
    /// Tasks whose deadlines are read again once all their lines are in:
    /// once per task, not once per line (a task with thousands of
    /// continuation lines would be quadratic).
    continued: Vec<usize>,
}

impl BodyReader {
    fn new(known_units: &[String]) -> BodyReader {
        BodyReader {
            builder: Builder {
                known: known_units.to_vec(),
                ..Builder::default()
            },
            extractor: Extractor::with_known(known_units.to_vec()),
            last: Last::Other,
            prose_lines: Vec::new(),
            run_start: 0,
            continued: Vec::new(),
        }
    }

    /// Reads one paragraph (the numbered items at `measures` depth are
    /// tasks when given).
    fn read(&mut self, para: Paragraph, measures: Option<u8>) {
        let task = match self.task_or_heading(&para, measures) {
            Some(task) => task,
            None if self.last != Last::Other && is_continuation(&para.text, &self.extractor) => {
                return self.continuation(para);
            }
            None => return self.text(para),
        };
        match task {
            Some(t) => {
                if self.last != Last::Task {
                    self.run_start = self.builder.tasks.len();
                }
                self.builder.add_task(t);
                self.last = Last::Task;
            }
            None => self.last = Last::Other,
        }
    }

    /// The task a paragraph starts, or `Some(None)` for a heading (opened
    /// here); `None` when it is neither.
    fn task_or_heading(
        &mut self,
        para: &Paragraph,
        measures: Option<u8>,
    ) -> Option<Option<RawTask>> {
        let measure = measures.and_then(|depth| measure_number(para, Some(depth)));
        if let Some((_, _, depth)) = measure {
            self.builder.close_to(depth);
        }
        let framed = self
            .builder
            .stack
            .iter()
            .any(|(s, _)| framing_title(&s.title));
        let measure = measure.filter(|(_, text, _)| !framed && !framing_title(text));
        let extractor = &mut self.extractor;
        if let Some((number, text, _)) = measure {
            return Some(Some(task_from(number, para.line, extractor.extract(&text))));
        }
        if let Some(hashes) = para.heading {
            let (number, title, level) = heading_parts(&para.text, hashes);
            self.builder.open_section(number, title, level);
            return Some(None);
        }
        if let Some((number, rest)) = annotated_numbered(&para.text, extractor) {
            let a = extractor.extract(rest);
            return Some(Some(task_from(number.to_string(), para.line, a)));
        }
        if let Some((number, title, level)) = paragraph_heading(&para.text) {
            self.builder.open_section(Some(number), title, level);
            return Some(None);
        }
        let (number, rest) = task_start(&para.text)?;
        let a = extractor.extract(rest);
        Some(Some(task_from(number.to_string(), para.line, a)))
    }

    /// A paragraph that goes on with the last task (`责任单位:…` on a line
    /// of its own).
    fn continuation(&mut self, para: Paragraph) {
        if self.last == Last::NumberedProse {
            // `(一)…。` then `责任单位:…` on a line of its own: the
            // numbered paragraphs were tasks after all.
            match self
                .builder
                .tasks_from_prose(&self.prose_lines, &mut self.extractor)
            {
                Some(first) => self.run_start = first,
                None => {
                    self.builder.add_text(para.text);
                    self.last = Last::Other;
                    self.prose_lines.clear();
                    return;
                }
            }
            self.prose_lines.clear();
        }
        let Some(task) = self.builder.tasks.last_mut() else {
            return;
        };
        let bare = !task.names_units();
        merge_continuation(task, self.extractor.extract(&para.text));
        let i = self.builder.tasks.len() - 1;
        self.continued.push(i);
        if bare {
            self.builder.share_units_back(self.run_start, i);
        }
        self.last = Last::Task;
    }

    /// A paragraph of text; a numbered one may turn out to be a task.
    fn text(&mut self, para: Paragraph) {
        if other_numbered(&para.text).is_some() {
            if self.last != Last::NumberedProse {
                self.prose_lines.clear();
            }
            self.prose_lines.push(para.line);
            self.last = Last::NumberedProse;
        } else {
            self.last = Last::Other;
        }
        self.builder.add_text(para.text);
    }

    fn finish(mut self, rel: &Path, diagnostics: &mut Vec<Diagnostic>) -> ParsedBody {
        self.continued.dedup();
        for i in self.continued {
            if let Some(task) = self.builder.tasks.get_mut(i) {
                task.deadlines = super::fields::deadlines_for(task.schedule.as_deref(), &task.text);
            }
        }
        self.builder.finish_checked(rel, diagnostics)
    }
}

fn task_from(number: String, line: usize, a: super::annotations::Annotations) -> RawTask {
    let deadlines = super::fields::deadlines_for(a.schedule.as_deref(), &a.text);
    RawTask {
        number,
        text: a.text,
        lead: a.lead,
        responsible: a.responsible,
        participating: a.participating,
        officials: a.officials,
        schedule: a.schedule,
        deadlines,
        priority: a.priority,
        topics: Vec::new(),
        section_path: Vec::new(),
        line,
    }
}

/// Adds a paragraph such as `进度安排:…` to the task above it (its deadlines
/// are read again by the caller).
fn merge_continuation(task: &mut RawTask, a: super::annotations::Annotations) {
    task.lead.extend(a.lead);
    task.responsible.extend(a.responsible);
    task.participating.extend(a.participating);
    task.officials.extend(a.officials);
    if a.schedule.is_some() {
        task.schedule = a.schedule;
    }
    if a.priority.is_some() {
        task.priority = a.priority;
    }
    if !a.text.is_empty() {
        task.text.push('\n');
        task.text.push_str(&a.text);
    }
}

/// Gives every section an anchor from its position (`sec-3-1`), stable as long
/// as the document's structure is.
pub fn assign_anchors(blocks: &mut [Block], prefix: &str) {
    let mut n = 0;
    for block in blocks {
        if let Block::Section(s) = block {
            n += 1;
            s.anchor = format!("{prefix}-{n}");
            let child = s.anchor.clone();
            assign_anchors(&mut s.blocks, &child);
        }
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod grammar_tests;
