//! The documents of the index (each plan, task and section) and the terms
//! they weigh, one plan at a time on any thread.

use std::borrow::Cow;

use crate::model::{Block, Ids, Plan, Section, Site, UnitId};
use crate::render::markdown::to_plain;

use super::postings::raw_weight;
use super::segment::{ClauseCache, Interner};

/// Text kept for a section's or plan's excerpt, in characters.
const EXCERPT_CHARS: usize = 400;

/// Field weights: what a term weighs in a document for being in a field
/// (see the module documentation of [`super`]). A leading unit outweighs a
/// sharing one by more than the text can add (at most `k + 1` = 2.2), and a
/// sharing one outweighs any mention in the text, so that a unit's name
/// ranks the tasks it leads, then those it shares, then those naming it.
pub(super) const W_LEAD: u32 = 6;
pub(super) const W_UNIT: u32 = 3;
const W_OFFICIAL: u32 = 3;
const W_TITLE: u32 = 5;
const W_DOC_NUMBER: u32 = 3;
const W_ISSUER: u32 = 2;
const W_CONTEXT: u32 = 1;
/// Occurrences of a term counted per field.
const MAX_TF: u32 = 3;

/// Document kinds, as the fragments give them.
pub(super) const KIND_TASK: u8 = 0;
pub(super) const KIND_SECTION: u8 = 1;
pub(super) const KIND_PLAN: u8 = 2;

/// What a result shows of one document.
pub(super) struct DocOut<'a> {
    pub kind: u8,
    /// The task's number, the section's number and title, the plan's title.
    pub label: Cow<'a, str>,
    /// Anchor on the plan page (`task-5`, `sec-3`), empty for a plan.
    pub anchor: Cow<'a, str>,
    pub text: String,
    pub lead: Option<Ids<'a>>,
}

impl<'a> PlanOut<'a> {
    /// Adds a document: `shown()`, or a blank one of its kind when results
    /// will not show this plan's documents (its files are linked).
    fn push(&mut self, kind: u8, shown: impl FnOnce() -> DocOut<'a>) {
        let doc = match self.texts {
            true => shown(),
            false => DocOut {
                kind,
                label: Cow::Borrowed(""),
                anchor: Cow::Borrowed(""),
                text: String::new(),
                lead: None,
            },
        };
        self.docs.push(doc);
    }
}

/// One plan's documents and their (term, document within the plan, weight)
/// entries.
pub(super) struct PlanOut<'a> {
    pub plan: usize,
    /// Whether `docs` hold what results show ([`plan_docs`]).
    texts: bool,
    pub docs: Vec<DocOut<'a>>,
    /// Per document, the number of terms of its text (for length
    /// normalisation).
    pub lengths: Vec<u32>,
    /// `term << 32 | document << 8 | raw weight` ([`raw_weight`]), in
    /// document order (so each term's documents come in order).
    pub entries: Vec<u64>,
    /// (unit, document within the plan, weight) for each task that names a
    /// unit with aliases: the aliases' terms are posted from these once
    /// the index is complete, not entered per task (see [`Names`]).
    pub unit_docs: Vec<(UnitId, u32, u8)>,
    /// The terms of the plan's and its sections' titles (they get pinyin).
    pub title_terms: Vec<u32>,
}

/// Terms of whole things, made once per build.
pub(super) struct Names {
    /// The terms of each unit's name…
    pub units: Vec<Box<[u32]>>,
    /// …and those only its other names have. A unit may have thousands of
    /// aliases and name thousands of tasks: entering the aliases' terms per
    /// task held tasks × terms entries at once (2.9 GB for 10,000 aliases
    /// and 8,000 tasks), so each alias term gets the unit's documents once,
    /// when its list is packed (`AliasPostings`).
    pub unit_aliases: Vec<Box<[u32]>>,
    pub topics: Vec<Box<[u32]>>,
    pub jurisdictions: Vec<Box<[u32]>>,
}

/// Where a text's terms count.
#[derive(Clone, Copy)]
enum Field {
    /// The document's own text: occurrences count, normalised by its length.
    Body,
    /// A title, number or name: a fixed weight per occurrence.
    Boost(u32),
}

/// Sums one document's term weights, in a table indexed by term (one per
/// thread, reused for every document): no sorting, no hashing.
#[derive(Default)]
struct DocAcc {
    slots: Vec<Slot>,
    /// The current document's terms, as first seen.
    terms: Vec<u32>,
    doc: u32,
    field: u32,
    /// Terms of the current document's body text, counted.
    len: u32,
    scratch: Vec<u32>,
    titles: Vec<u32>,
}

/// A term's state in [`DocAcc`].
#[derive(Clone, Copy)]
struct Slot {
    /// The document and the text field that last saw the term…
    doc: u32,
    field: u32,
    /// …how often that field had it, its fixed weight and its occurrences
    /// in the body.
    count: u32,
    fixed: u32,
    tf: u32,
}

const EMPTY: Slot = Slot {
    doc: u32::MAX,
    field: u32::MAX,
    count: 0,
    fixed: 0,
    tf: 0,
};

impl DocAcc {
    fn slot(&mut self, t: u32) -> &mut Slot {
        let i = t as usize;
        if i >= self.slots.len() {
            let n = (i + 1).max(self.slots.len() * 2);
            self.slots.resize(n, EMPTY);
        }
        let slot = &mut self.slots[i];
        if slot.doc != self.doc {
            *slot = Slot {
                doc: self.doc,
                ..EMPTY
            };
            self.terms.push(t);
        }
        &mut self.slots[i]
    }

    /// A text field: each term counts once per occurrence, up to
    /// [`MAX_TF`] times.
    fn text(&mut self, cache: &mut ClauseCache, interner: &Interner, text: &str, field: Field) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        cache.text_terms(interner, text, &mut scratch);
        self.field = self.field.wrapping_add(1);
        let current = self.field;
        if let Field::Body = field {
            self.len += scratch.len() as u32;
        }
        for &t in &scratch {
            let slot = self.slot(t);
            if slot.field != current {
                slot.field = current;
                slot.count = 0;
            }
            if slot.count >= MAX_TF {
                continue;
            }
            slot.count += 1;
            match field {
                Field::Body => slot.tf += 1,
                Field::Boost(w) => slot.fixed += w,
            }
        }
        self.scratch = scratch;
    }

    /// A title: a boosted field whose terms get pinyin.
    fn title(&mut self, cache: &mut ClauseCache, interner: &Interner, text: &str) {
        self.text(cache, interner, text, Field::Boost(W_TITLE));
        self.titles.extend_from_slice(&self.scratch);
    }

    fn names(&mut self, ids: &[u32], w: u32) {
        for &t in ids {
            self.slot(t).fixed += w;
        }
    }

    /// Ends the document: its entries go to `out`, its length to
    /// `out.lengths`.
    fn finish(&mut self, doc: u32, out: &mut PlanOut) {
        for &t in &self.terms {
            let s = self.slots[t as usize];
            let w = raw_weight(s.fixed, s.tf);
            out.entries
                .push((u64::from(t) << 32) | (u64::from(doc) << 8) | u64::from(w));
        }
        out.lengths.push(self.len);
        self.len = 0;
        self.terms.clear();
        self.doc = self.doc.wrapping_add(1);
    }
}

/// What each thread keeps while the index is built.
#[derive(Default)]
pub(super) struct Worker {
    pub cache: ClauseCache,
    acc: DocAcc,
}

fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// What the documents of one plan are made with.
pub(super) struct Ctx<'a> {
    pub site: &'a Site,
    pub interner: &'a Interner,
    pub names: &'a Names,
}

/// The documents of one plan: the plan, its tasks, its sections; without
/// what results show of them (label, anchor, text, units) unless `texts`.
pub(super) fn plan_docs<'a>(
    ctx: &Ctx<'a>,
    p: usize,
    texts: bool,
    worker: &mut Worker,
) -> PlanOut<'a> {
    let plan: &Plan = &ctx.site.plans[p];
    let mut out = PlanOut {
        plan: p,
        texts,
        docs: Vec::with_capacity(plan.tasks.len() + 8),
        lengths: Vec::new(),
        entries: Vec::new(),
        unit_docs: Vec::new(),
        title_terms: Vec::new(),
    };
    plan_doc(ctx, plan, worker, &mut out);
    for task in &plan.tasks {
        task_doc(ctx, plan, task, worker, &mut out);
    }
    let mut sections = Vec::new();
    collect_sections(&plan.body, &mut sections);
    for s in sections {
        section_doc(ctx, plan, s, worker, &mut out);
    }
    out.title_terms = std::mem::take(&mut worker.acc.titles);
    out.title_terms.sort_unstable();
    out.title_terms.dedup();
    out
}

/// The plan itself: title, metadata and preamble.
fn plan_doc<'a>(ctx: &Ctx<'a>, plan: &'a Plan, worker: &mut Worker, out: &mut PlanOut<'a>) {
    let Worker { cache, acc } = worker;
    let i = ctx.interner;
    acc.title(cache, i, &plan.meta.title);
    for (field, w) in [
        (&plan.meta.doc_number, W_DOC_NUMBER),
        (&plan.meta.issuer, W_ISSUER),
        (&plan.meta.category, W_CONTEXT),
    ] {
        if let Some(v) = field {
            acc.text(cache, i, v, Field::Boost(w));
        }
    }
    acc.text(cache, i, plan.kind.label(), Field::Boost(W_CONTEXT));
    acc.names(&ctx.names.jurisdictions[plan.jurisdiction], W_CONTEXT);
    for &t in &plan.topics {
        acc.names(&ctx.names.topics[t], W_CONTEXT);
    }
    let mut preamble = String::new();
    for block in &plan.body {
        if let Block::Text(md) = block {
            let plain = to_plain(md);
            acc.text(cache, i, &plain, Field::Body);
            if !out.texts {
                continue;
            }
            if !preamble.is_empty() {
                preamble.push('\n');
            }
            preamble.push_str(&plain);
        }
    }
    acc.finish(0, out);
    out.push(KIND_PLAN, || DocOut {
        kind: KIND_PLAN,
        label: Cow::Borrowed(&plan.meta.title),
        anchor: Cow::Borrowed(""),
        text: excerpt(&preamble),
        lead: None,
    });
}

/// A task: its text, units, officials, topics.
fn task_doc<'a>(
    ctx: &Ctx<'a>,
    plan: &'a Plan,
    task: &'a crate::model::Task,
    worker: &mut Worker,
    out: &mut PlanOut<'a>,
) {
    let Worker { cache, acc } = worker;
    let i = ctx.interner;
    let plain = to_plain(&task.text);
    acc.text(cache, i, &plain, Field::Body);
    for v in [task.schedule(), task.priority()].into_iter().flatten() {
        acc.text(cache, i, v, Field::Body);
    }
    let doc = out.docs.len() as u32;
    let roles = task.lead().into_iter().map(|u| (u, W_LEAD));
    for (u, w) in roles.chain(task.shared_units().map(|u| (u, W_UNIT))) {
        acc.names(&ctx.names.units[u], w);
        if !ctx.names.unit_aliases[u].is_empty() {
            out.unit_docs.push((u, doc, w as u8));
        }
    }
    for o in task.officials().iter() {
        acc.names(cache.name_terms(i, o), W_OFFICIAL);
    }
    for t in task.topics() {
        acc.names(&ctx.names.topics[t], W_CONTEXT);
    }
    acc.names(&ctx.names.jurisdictions[plan.jurisdiction], W_CONTEXT);
    acc.finish(doc, out);
    out.push(KIND_TASK, || DocOut {
        kind: KIND_TASK,
        label: Cow::Borrowed(task.number()),
        anchor: Cow::Owned(task.anchor().to_string()),
        text: plain,
        lead: Some(task.lead()),
    });
}

/// Every section, in document order.
fn collect_sections<'s>(blocks: &'s [Block], out: &mut Vec<&'s Section>) {
    for block in blocks {
        if let Block::Section(s) = block {
            out.push(s);
            collect_sections(&s.blocks, out);
        }
    }
}

/// A section: its title and its own prose.
fn section_doc<'a>(
    ctx: &Ctx<'a>,
    plan: &'a Plan,
    s: &'a Section,
    worker: &mut Worker,
    out: &mut PlanOut<'a>,
) {
    let Worker { cache, acc } = worker;
    let i = ctx.interner;
    let prose: Vec<String> = s
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Text(md) => Some(to_plain(md)),
            _ => None,
        })
        .collect();
    acc.title(cache, i, &s.title);
    for text in &prose {
        acc.text(cache, i, text, Field::Body);
    }
    acc.names(&ctx.names.jurisdictions[plan.jurisdiction], W_CONTEXT);
    acc.finish(out.docs.len() as u32, out);
    out.push(KIND_SECTION, || DocOut {
        kind: KIND_SECTION,
        label: match &s.number {
            Some(n) => Cow::Owned(format!("{n} {}", s.title)),
            None => Cow::Borrowed(s.title.as_str()),
        },
        anchor: Cow::Borrowed(&s.anchor),
        text: excerpt(&prose.join("\n")),
        lead: None,
    });
}

/// The terms of each of `list`'s entries (all its names), sorted.
fn name_list(
    cache: &mut ClauseCache,
    interner: &Interner,
    list: Vec<Vec<&str>>,
) -> Vec<Box<[u32]>> {
    list.into_iter()
        .map(|names| {
            let mut ids: Vec<u32> = names
                .iter()
                .flat_map(|n| cache.name_terms(interner, n).to_vec())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids.into()
        })
        .collect()
}

/// The terms of units' names (and of their aliases, apart), topics and
/// jurisdictions.
pub(super) fn unit_names(site: &Site, cache: &mut ClauseCache, interner: &Interner) -> Names {
    let units = name_list(
        cache,
        interner,
        site.units.iter().map(|u| vec![u.name.as_str()]).collect(),
    );
    let aliases = site
        .units
        .iter()
        .map(|u| u.other_names.iter().map(String::as_str).collect())
        .collect();
    let unit_aliases = name_list(cache, interner, aliases)
        .into_iter()
        .zip(&units)
        .map(|(aliases, own)| {
            aliases
                .iter()
                .copied()
                .filter(|t| own.binary_search(t).is_err())
                .collect()
        })
        .collect();
    let topics = site.topics.iter().map(|t| vec![t.name.as_str()]).collect();
    let jurisdictions = site
        .jurisdictions
        .iter()
        .map(|j| vec![j.name.as_str()])
        .collect();
    Names {
        units,
        unit_aliases,
        topics: name_list(cache, interner, topics),
        jurisdictions: name_list(cache, interner, jurisdictions),
    }
}
