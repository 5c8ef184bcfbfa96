//! The document's shape: title and head, a notice and the plans it
//! transmits, and each plan's headings and tasks.
//!
//! Prose plans are written as Markdown and read back with planpress's own
//! Markdown body reader ([`markdown::parse_body`]), so the sections and
//! tasks the importer reports are exactly those `check` will see.
//! Division-of-labour tables are read by [`super::tables`].

use std::path::Path;

use chrono::NaiveDate;

use crate::content::markdown::{self, ParsedBody};
use crate::diagnostics::Diagnostic;
use crate::model::{Block as MdBlock, PlanKind};
use crate::patterns::patterns;

use super::clean::compact;
use super::report::Report;
use super::tables::{self, TablePlan};
use super::{Block, Context, Meta, Options};

mod lines;
mod place;
mod prose_plan;

pub use lines::*;
use place::*;
use prose_plan::*;
pub(super) use prose_plan::{Piece, names_units};
pub use prose_plan::{count_sections, escape_markdown};

/// Everything found in one input.
pub struct Analysis {
    pub notice: Option<NoticeDoc>,
    pub plans: Vec<PlanDoc>,
    pub jurisdiction: String,
}

#[derive(Debug)]
pub struct NoticeDoc {
    pub meta: Meta,
    pub recipients: Option<String>,
    pub body: Vec<String>,
    pub signature: Option<String>,
    pub line: usize,
}

pub struct PlanDoc {
    pub meta: Meta,
    pub kind: PlanKind,
    pub period: Option<String>,
    /// A 规划's phases (`全面推进阶段(2021年-2022年)`), in document order.
    pub phases: Vec<Phase>,
    pub line: usize,
    pub body: PlanBody,
}

pub enum PlanBody {
    Prose(ProsePlan),
    Table(TablePlan),
}

/// A prose plan as Markdown, and that Markdown as planpress reads it.
pub struct ProsePlan {
    pub markdown: String,
    /// Input position of each Markdown line (index = Markdown line - 1).
    pub lines: Vec<usize>,
    pub parsed: ParsedBody,
    /// Task numbers start again in later sections: they must be qualified
    /// by their section to stay unique (YAML only).
    pub restarts: bool,
}

impl ProsePlan {
    /// The input position of a Markdown line.
    pub fn input_line(&self, md_line: usize) -> usize {
        md_line
            .checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .copied()
            .unwrap_or(0)
    }
}

patterns! {
    /// `附件`, `附件1`, `附件2:`: an attachment label before a plan's title.
    static ATTACHMENT_LABEL = r"^附\s*件\s*\d{0,2}\s*[:：]?\s*";
}

/// Where the document's head ends and what it held.
#[derive(Default)]
struct Head {
    title: String,
    title_line: usize,
    /// Index of the first block after the head.
    body: usize,
    issuer: Option<String>,
    date: Option<NaiveDate>,
    /// Parenthesised notes under the title (`(…全体会议通过)`), kept as text.
    notes: Vec<Block>,
}

fn read_head(blocks: &[Block], meta: &mut Meta, report: &mut Report) -> Head {
    let mut head = Head::default();
    let wanted = meta.title.as_deref().map(compact);
    let Some(mut i) = title_index(blocks, wanted.as_deref()) else {
        head.title = meta.title.clone().unwrap_or_default();
        return head;
    };
    head.title = blocks[i].text.clone();
    head.title_line = blocks[i].line;
    i += 1;
    // A title broken over lines: `关于印发《…系列` / `实践活动方案》的通知`.
    while !title_complete(&head.title)
        && let Some(b) = blocks.get(i)
        && b.cells.is_none()
        && b.text.chars().count() <= 40
        && title_like(&b.text)
        && doc_number(&b.text).is_none()
        && date_line(&b.text).is_none()
    {
        head.title.push_str(&b.text);
        i += 1;
    }
    head.title = compact(&head.title);
    if let Some(t) = &meta.title
        && compact(t) != head.title
        && wanted.is_some()
    {
        head.title = compact(t);
    }
    while i < blocks.len() {
        if !read_head_line(blocks, i, &mut head, meta, report) {
            break;
        }
        i += 1;
    }
    head.body = i;
    head
}

/// Where the title is among the first blocks: the block that reads
/// `wanted` (the title given), else the first line that is a whole title,
/// alone or with the short lines after it, else the first line that could
/// be one.
fn title_index(blocks: &[Block], wanted: Option<&str>) -> Option<usize> {
    // A title stands before the document's first heading or task: in an
    // excerpt that starts with them there is none to find.
    let limit = blocks
        .iter()
        .take(30)
        .position(|b| {
            b.cells.is_none() && (heading(&b.text).is_some() || task_number(&b.text).is_some())
        })
        .unwrap_or(blocks.len().min(30));
    if let Some(w) = wanted
        && let Some(i) = blocks[..limit]
            .iter()
            .position(|b| b.cells.is_none() && compact(&b.text) == w)
    {
        return Some(i);
    }
    let complete = |i: usize| {
        let mut t = String::new();
        for b in blocks[i..limit].iter().take(4) {
            if b.cells.is_some() || !title_like(&b.text) {
                break;
            }
            t.push_str(&b.text);
            if title_complete(&t) {
                return true;
            }
        }
        false
    };
    (0..limit)
        .find(|&i| blocks[i].cells.is_none() && title_like(&blocks[i].text) && complete(i))
        .or_else(|| {
            blocks[..limit]
                .iter()
                .position(|b| b.cells.is_none() && title_like(&b.text))
        })
}

/// Reads block `i` of the head, after the title: a document number, a
/// date, a note or a short line (an issuer, or dropped). False when the
/// head ends before it.
fn read_head_line(
    blocks: &[Block],
    i: usize,
    head: &mut Head,
    meta: &mut Meta,
    report: &mut Report,
) -> bool {
    let b = &blocks[i];
    let t = b.text.as_str();
    if b.cells.is_some() {
        return false;
    }
    if let Some(n) = doc_number(t) {
        if meta.doc_number.is_none() {
            meta.doc_number = Some(n);
        }
        report.dropped(b.line, format!("document number, kept as doc_number: {t}"));
        report.kept_as(b.line, super::report::Field::DocNumber);
        return true;
    }
    if let Some(d) = date_line(t) {
        head.date.get_or_insert(d);
        report.dropped(b.line, format!("date, kept as date_signed: {t}"));
        report.kept_as(b.line, super::report::Field::DateSigned);
        return true;
    }
    if recipients_like(t) || heading(t).is_some() || task_number(t).is_some() || prose_like(t) {
        return false;
    }
    if t.starts_with(['(', '（']) && t.ends_with([')', '）']) {
        head.notes.push(b.clone());
        return true;
    }
    if t.chars().count() <= 60 && !t.contains('。') && tables::header_run(&blocks[i..]).is_none() {
        if organ_like(t) && !t.contains("关于") {
            head.issuer.get_or_insert_with(|| compact(t));
            report.dropped(b.line, format!("issuer in the document's head: {t}"));
            report.kept_as(b.line, super::report::Field::Issuer);
        } else {
            report.dropped(
                b.line,
                format!("short line in the document's head (title repeated?): {t}"),
            );
        }
        return true;
    }
    false
}

/// The names of the documents a notice transmits: `《…》` in its title, or
/// what stands between `印发` and `的通知`.
fn transmitted_names(title: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in title.chars() {
        match c {
            '《' => {
                if depth > 0 {
                    cur.push(c);
                }
                depth += 1;
            }
            '》' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    names.push(std::mem::take(&mut cur));
                } else {
                    cur.push(c);
                }
            }
            c if depth > 0 => cur.push(c),
            _ => {}
        }
    }
    if names.is_empty() {
        let t = compact(title);
        for verb in ["印发", "转发", "下发", "发布"] {
            if let Some(p) = t.find(verb) {
                let rest = &t[p + verb.len()..];
                let rest = rest.strip_suffix("的通知").unwrap_or(rest);
                names.extend(split_names(rest));
                break;
            }
        }
    }
    names
}

/// `A实施方案和B工作要点`: several documents named without `《》`, split
/// where each part ends as a document's name does; else the whole.
fn split_names(list: &str) -> Vec<String> {
    if list.is_empty() {
        return Vec::new();
    }
    let parts: Vec<&str> = list
        .split(['、', '和', '及', '与'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let all_named = parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.chars().count() >= 4 && (kind_of(p).is_some() || title_complete(p)));
    if all_named {
        parts.iter().map(|p| p.to_string()).collect()
    } else {
        vec![list.to_string()]
    }
}

/// Names compared without brackets, years and spaces.
fn name_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"《》()（）〈〉年".contains(*c))
        .map(|c| if "—–－~～".contains(c) { '-' } else { c })
        .collect()
}

/// Whether a block starts a plan transmitted by a notice.
fn plan_title(b: &Block, names: &[String]) -> bool {
    if b.cells.is_some() || !title_like(&b.text) || b.text.chars().count() > 100 {
        return false;
    }
    let t = ATTACHMENT_LABEL.replace(&b.text, "").to_string();
    if t.is_empty() {
        return false;
    }
    let key = name_key(&t);
    names.iter().map(|n| name_key(n)).any(|n| {
        n.chars().count() >= 4 && (key.contains(&n) || n.contains(&key) && key.chars().count() >= 6)
    }) || (kind_of(&t).is_some() && t.chars().count() >= 6 && !recipients_like(&t))
}

/// Reads the whole input.
pub fn analyse(
    blocks: &[Block],
    mut meta: Meta,
    opts: &Options,
    ctx: &mut Context,
    report: &mut Report,
) -> Result<Analysis, Diagnostic> {
    let mut head = read_head(blocks, &mut meta, report);
    if head.title.is_empty() {
        head.title = placeholder_title(blocks);
        report.unsure(
            blocks.first().map_or(0, |b| b.line),
            format!(
                "no title found (an excerpt?); written as {}: replace it with the document's title",
                head.title
            ),
        );
    }
    let (notice, regions) = if head.title.ends_with("通知") {
        let (notice, regions) = read_notice(blocks, &head, &meta, report);
        (Some(notice), regions)
    } else {
        let region = (head.title.clone(), head.title_line, head.body..blocks.len());
        (None, vec![region])
    };
    let pending: Vec<Pending> = regions
        .into_iter()
        .map(|region| plan_region(blocks, region, &head, &meta, notice.as_ref(), report))
        .collect();
    if pending.is_empty() && notice.is_none() {
        return Err(
            Diagnostic::error(&report.source, 0, "no plan or notice found").with_hint(
                "import the plan itself: a title, then its text with numbered headings or tasks",
            ),
        );
    }
    let mut hints: Vec<String> = Vec::new();
    hints.extend(notice.as_ref().and_then(|n| n.meta.issuer.clone()));
    hints.extend(pending.iter().filter_map(|p| p.3.issuer.clone()));
    hints.push(head.title.clone());
    hints.extend(head.issuer.clone());
    hints.extend(pending.iter().map(|p| p.0.clone()));
    let mut weak: Vec<String> = Vec::new();
    weak.extend(meta.source_name.clone());
    weak.extend(ctx.site_title.clone());
    let jurisdiction = jurisdiction(opts, ctx, &hints, &weak, blocks, report);
    let known = ctx.registry.multi_part_names(&jurisdiction);
    let plans = pending
        .into_iter()
        .map(|p| plan_doc(p, &known, report))
        .collect();
    Ok(Analysis {
        notice,
        plans,
        jurisdiction,
    })
}

/// A plan's title, the line of its title and its blocks.
type Region = (String, usize, std::ops::Range<usize>);

/// A plan's title, the line of its title, its blocks and its metadata.
type Pending = (String, usize, Vec<Block>, Meta);

/// Reads the notice that opens `blocks` (its head read already): the
/// notice, and the regions of the plans it transmits.
fn read_notice(
    blocks: &[Block],
    head: &Head,
    meta: &Meta,
    report: &mut Report,
) -> (NoticeDoc, Vec<Region>) {
    let names = transmitted_names(&head.title);
    let mut k = head.body;
    let mut recipients = None;
    if let Some(b) = blocks.get(k)
        && b.cells.is_none()
        && recipients_like(&b.text)
    {
        recipients = Some(b.text.trim_end_matches([':', '：']).trim().to_string());
        k += 1;
    }
    let mut body: Vec<Block> = head.notes.clone();
    let mut signature = None;
    let mut notice_date = None;
    while let Some(b) = blocks.get(k) {
        if b.cells.is_some()
            || heading(&b.text).is_some()
            || task_number(&b.text).is_some()
            || tables::header_run(&blocks[k..]).is_some()
            || (plan_title(b, &names) && !body.is_empty())
        {
            break;
        }
        k += 1;
        if let Some(d) = date_line(&b.text) {
            notice_date = Some(d);
            if body.last().is_some_and(|l| organ_like(&l.text)) {
                signature = body.pop().map(|l| compact(&l.text));
            }
            break;
        }
        body.push(b.clone());
    }
    // `附件` labels between the notice and its plans.
    while let Some(b) = blocks.get(k) {
        let is_label = ATTACHMENT_LABEL.replace(&b.text, "").trim().is_empty();
        if !is_label {
            break;
        }
        report.dropped(b.line, format!("attachment label: {}", b.text));
        k += 1;
    }
    let regions = transmitted_regions(blocks, k, &names, &head.title, report);
    let mut nmeta = meta.clone();
    nmeta.title = Some(head.title.clone());
    nmeta.issuer = meta
        .issuer
        .clone()
        .or_else(|| signature.clone())
        .or_else(|| head.issuer.clone());
    nmeta.date_signed = meta.date_signed.or(notice_date).or(head.date);
    let notice = NoticeDoc {
        meta: nmeta,
        recipients,
        body: body.iter().map(|b| b.text.clone()).collect(),
        signature,
        line: head.title_line,
    };
    (notice, regions)
}

/// The regions of the plans a notice transmits, from block `k` on: each
/// starts at a title that names one of `names`.
fn transmitted_regions(
    blocks: &[Block],
    k: usize,
    names: &[String],
    notice_title: &str,
    report: &mut Report,
) -> Vec<Region> {
    let mut regions = Vec::new();
    let mut starts: Vec<usize> = (k..blocks.len())
        .filter(|&i| plan_title(&blocks[i], names))
        .collect();
    if starts.first() != Some(&k) && k < blocks.len() {
        // Text after the notice that does not start with a title: one
        // plan named after the notice's title.
        let name = names
            .first()
            .cloned()
            .unwrap_or_else(|| notice_title.to_string());
        report.unsure(
            blocks[k].line,
            format!("no plan title after the notice; the plan is named {name}"),
        );
        regions.push((
            name,
            blocks[k].line,
            k..starts.first().copied().unwrap_or(blocks.len()),
        ));
    }
    starts.dedup();
    for (n, &s) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(blocks.len());
        let mut title = ATTACHMENT_LABEL.replace(&blocks[s].text, "").to_string();
        let mut first = s + 1;
        while !title_complete(&title)
            && first < end
            && blocks[first].cells.is_none()
            && title_like(&blocks[first].text)
            && blocks[first].text.chars().count() <= 40
            && tables::header_run(&blocks[first..end]).is_none()
        {
            title.push_str(&blocks[first].text);
            first += 1;
        }
        regions.push((compact(&title), blocks[s].line, first..end));
    }
    regions
}

/// A plan's blocks and metadata: a signature and date closing the plan are
/// taken out of its text into the metadata. Plans a notice transmits have
/// the notice's issuer and date unless they are signed themselves.
fn plan_region(
    blocks: &[Block],
    (title, line, range): Region,
    head: &Head,
    meta: &Meta,
    notice: Option<&NoticeDoc>,
    report: &mut Report,
) -> Pending {
    let mut region: Vec<Block> = Vec::new();
    if notice.is_none() {
        region.extend(head.notes.iter().cloned());
    }
    region.extend(blocks[range].iter().cloned());
    // A signature and date closing the plan.
    let mut signature = None;
    let mut date = None;
    if let Some(last) = region.last()
        && let Some(d) = date_line(&last.text)
    {
        date = Some(d);
        report.dropped(
            last.line,
            format!("date, kept as date_signed: {}", last.text),
        );
        report.kept_as(last.line, super::report::Field::DateSigned);
        region.pop();
        if let Some(prev) = region.last()
            && organ_like(&prev.text)
        {
            signature = Some(compact(&prev.text));
            report.dropped(
                prev.line,
                format!("signature, kept as issuer: {}", prev.text),
            );
            report.kept_as(prev.line, super::report::Field::Signature);
            region.pop();
        }
    }
    let pmeta = match notice {
        // A plan signed itself keeps its own issuer, and its own date if
        // it has one.
        Some(notice) => Meta {
            title: Some(title.clone()),
            date_signed: match signature {
                Some(_) => date.or(notice.meta.date_signed),
                None => notice.meta.date_signed,
            },
            issuer: signature.or_else(|| notice.meta.issuer.clone()),
            date_published: meta.date_published,
            ..Meta::default()
        },
        None => {
            let mut m = meta.clone();
            m.title = Some(title.clone());
            m.issuer = meta
                .issuer
                .clone()
                .or_else(|| signature.clone())
                .or_else(|| head.issuer.clone());
            m.date_signed = meta.date_signed.or(date).or(head.date);
            m
        }
    };
    (title, line, region, pmeta)
}

/// A plan's body read as a table or as prose, and its kind.
fn plan_doc(
    (title, line, region, pmeta): Pending,
    known: &[String],
    report: &mut Report,
) -> PlanDoc {
    let body = if tables::is_table(&region) {
        PlanBody::Table(tables::parse(&region, known, report))
    } else {
        PlanBody::Prose(prose(&region, known, report))
    };
    let kind = match (&body, kind_of(&title)) {
        (PlanBody::Table(_), _) => PlanKind::DivisionOfLabour,
        (_, Some(k)) => k,
        (_, None) => {
            report.unsure(
                line,
                format!(
                    "the title does not say what kind of plan this is; written as 方案: {title}"
                ),
            );
            PlanKind::Plan
        }
    };
    let phases = if kind == PlanKind::MultiYearPlan {
        phases_of(&region)
    } else {
        Vec::new()
    };
    PlanDoc {
        phases,
        period: period_of(&title),
        meta: pmeta,
        kind,
        line,
        body,
    }
}

/// A title for a document that shows none: the placeholder and the first
/// words of its text, so that the reviewer knows which file it is.
fn placeholder_title(blocks: &[Block]) -> String {
    let first: String = blocks
        .iter()
        .find(|b| !b.text.trim().is_empty())
        .map(|b| {
            b.text
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(20)
                .collect()
        })
        .unwrap_or_default();
    format!("{}{first}", crate::content::fields::PLACEHOLDER)
}

#[cfg(test)]
mod tests;
