//! The static search index: every plan, section and task, segmented into
//! Chinese words at build time and written as small files under `search/`
//! that the search page (`static/search.js`) downloads only as a query
//! needs them.
//!
//! Files (all paths under `search/`):
//!
//! - `meta.json`, the manifest (a few KB): version, document count, the
//!   first character of each dictionary shard, the stop words, per plan its
//!   number of documents and its jurisdiction (documents are numbered plan by
//!   plan, so this tells each document's jurisdiction), the jurisdictions,
//!   and the topics with where their task lists are.
//! - `d/N.json`, dictionary shards: every term, sorted, cut into shards at
//!   first-character boundaries, so that all terms beginning with one
//!   character are in one shard. A query is segmented against them (forward
//!   maximum matching), then needs only its terms' postings. Each term has
//!   its document frequency and the place of its postings: pack, offset,
//!   length.
//! - `p/N.bin`, posting packs: posting lists of terms (and of the topic and
//!   unit filters) packed into files of about 16 KB; a long list gets a pack
//!   of its own. A list is a run of LEB128 varints `delta << 1 | w`, where
//!   `delta` is the document number minus the previous one (the first is
//!   the number itself) and `w` says a weight byte follows (else the weight
//!   is 1). A list that would be longer than a bitmap of all documents
//!   (a term in most of them) is that bitmap instead, bit `d % 8` of byte
//!   `d / 8` for document `d`, every weight 1; the dictionary gives it a
//!   negative length. Weights add up where a term occurs: text 1 per occurrence (at
//!   most 3), lead unit 4, other unit 2, official 3, title 5, document
//!   number 3, issuer 2, topic and jurisdiction 1.
//! - `f/N.json`, fragments: what a result shows, for documents
//!   `N*K .. N*K+K-1` (`K` in the manifest): kind, plan, number or title,
//!   anchor, text, lead units.
//! - `u/J.json`, the units of jurisdiction `J` with where their task lists
//!   are, for the unit filter.
//!
//! All is sorted and built from the model alone, so the files are the same
//! whatever the number of threads; the manifest's version (a hash of all the
//! other files) is added to every other URL the page fetches, so a browser
//! never mixes files of two builds.
//!
//! [`query`] is the reference implementation of what the page does with
//! these files; the tests use it.

pub mod query;
pub mod segment;

use std::borrow::Cow;
use std::hash::Hasher;

use rayon::prelude::*;
use rustc_hash::FxHasher;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::{Block, Ids, Plan, Site, UnitId};
use crate::render::Sink;
use crate::render::markdown::to_plain;
use crate::urls::{jurisdiction_path, plan_path, topic_path, unit_path};

use segment::{ClauseCache, Interner};

/// Where the index lives in the output.
pub const DIR: &str = "search/";
/// Documents per fragment file.
pub const CHUNK: usize = 32;
/// Posting packs are cut at about this size…
const PACK_TARGET: usize = 16 * 1024;
/// …and a list at least this long gets a pack of its own.
const PACK_ALONE: usize = 8 * 1024;
/// Dictionary shards are cut, at a first-character boundary, once they
/// hold about this many bytes.
const SHARD_TARGET: usize = 6 * 1024;
/// Plans segmented between two merges (bounds the memory held).
const BATCH: usize = 64;
/// Text kept for a section's or plan's excerpt, in characters.
const EXCERPT_CHARS: usize = 400;

/// Field weights (see the module documentation).
const W_TEXT: u32 = 1;
const W_TEXT_MAX_TF: u32 = 3;
const W_LEAD: u32 = 4;
const W_UNIT: u32 = 2;
const W_OFFICIAL: u32 = 3;
const W_TITLE: u32 = 5;
const W_DOC_NUMBER: u32 = 3;
const W_ISSUER: u32 = 2;
const W_CONTEXT: u32 = 1;

/// Whether `path` (relative to the output) is a file of the index, as
/// opposed to the search page itself.
pub fn is_index_file(path: &str) -> bool {
    path.strip_prefix(DIR)
        .is_some_and(|rest| rest.contains('.') && !rest.ends_with(".html"))
}

/// Starts loading the segmenter's dictionary on another thread, so that it
/// is ready when the index is built.
pub fn prepare() {
    let _ = std::thread::Builder::new()
        .name("planpress-jieba".into())
        .spawn(segment::warm_up);
}

/// Builds the index and writes it into `sink` as it is made, so that its
/// result fragments (most of its bytes) are never all in memory at once.
/// Returns the number of files.
pub fn write_all(site: &Site, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    build_into(site, &|path, bytes| {
        sink.put(&path, bytes)
            .map_err(|e| Diagnostic::error(&path, 0, format!("cannot write: {e}")))
    })
}

/// Receives each file of the index (path, bytes) as it is made, from any thread.
pub type Emit<'a> = &'a (dyn Fn(String, Vec<u8>) -> Result<(), Diagnostic> + Sync);

/// The files of the index, sorted by path.
pub fn build(site: &Site) -> Vec<(String, Vec<u8>)> {
    let files = std::sync::Mutex::new(Vec::new());
    let collected = build_into(site, &|path, bytes| {
        files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, bytes));
        Ok(())
    });
    debug_assert!(collected.is_ok(), "collecting cannot fail");
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Document kinds, as the fragments give them.
const KIND_TASK: u8 = 0;
const KIND_SECTION: u8 = 1;
const KIND_PLAN: u8 = 2;

/// What a result shows of one document.
struct DocOut<'a> {
    kind: u8,
    /// The task's number, the section's number and title, the plan's title.
    label: Cow<'a, str>,
    /// Anchor on the plan page (`task-5`, `sec-3`), empty for a plan.
    anchor: Cow<'a, str>,
    text: String,
    lead: Option<Ids<'a>>,
}

/// One plan's documents and their (term, document within the plan, weight)
/// entries.
struct PlanOut<'a> {
    plan: usize,
    docs: Vec<DocOut<'a>>,
    /// `term << 32 | document << 8 | weight`, in document order (so each
    /// term's documents come in order).
    entries: Vec<u64>,
    /// (unit, document within the plan, weight) for each task that names a
    /// unit with aliases: the aliases' terms are posted from these once
    /// the index is complete, not entered per task (see [`Names`]).
    unit_docs: Vec<(UnitId, u32, u8)>,
}

/// Terms of whole things, made once per build.
struct Names {
    /// The terms of each unit's name…
    units: Vec<Box<[u32]>>,
    /// …and those only its other names have. A unit may have thousands of
    /// aliases and name thousands of tasks: entering the aliases' terms per
    /// task held tasks × terms entries at once (2.9 GB for 10,000 aliases
    /// and 8,000 tasks), so each alias term gets the unit's documents once,
    /// when its list is packed ([`AliasPostings`]).
    unit_aliases: Vec<Box<[u32]>>,
    topics: Vec<Box<[u32]>>,
    jurisdictions: Vec<Box<[u32]>>,
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
    scratch: Vec<u32>,
}

/// A term's state in [`DocAcc`].
#[derive(Clone, Copy)]
struct Slot {
    /// The document and the text field that last saw the term…
    doc: u32,
    field: u32,
    /// …how often that field had it, and its weight in the document.
    count: u32,
    weight: u32,
}

impl DocAcc {
    fn add(&mut self, t: u32, w: u32, text: bool) {
        let i = t as usize;
        if i >= self.slots.len() {
            let n = (i + 1).max(self.slots.len() * 2);
            let empty = Slot {
                doc: u32::MAX,
                field: u32::MAX,
                count: 0,
                weight: 0,
            };
            self.slots.resize(n, empty);
        }
        let slot = &mut self.slots[i];
        if slot.doc != self.doc {
            slot.doc = self.doc;
            slot.weight = 0;
            self.terms.push(t);
        }
        if text {
            if slot.field != self.field {
                slot.field = self.field;
                slot.count = 0;
            }
            if slot.count >= W_TEXT_MAX_TF {
                return;
            }
            slot.count += 1;
        }
        slot.weight += w;
    }

    /// A text field: each term weighs `w` per occurrence, counted up to
    /// [`W_TEXT_MAX_TF`] times.
    fn text(&mut self, cache: &mut ClauseCache, interner: &Interner, text: &str, w: u32) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        cache.text_terms(interner, text, &mut scratch);
        self.field = self.field.wrapping_add(1);
        for &t in &scratch {
            self.add(t, w, true);
        }
        self.scratch = scratch;
    }

    fn names(&mut self, ids: &[u32], w: u32) {
        for &t in ids {
            self.add(t, w, false);
        }
    }

    /// Ends the document: its entries go to `entries` as
    /// `term << 32 | doc << 8 | weight`.
    fn finish(&mut self, doc: u32, entries: &mut Vec<u64>) {
        for &t in &self.terms {
            let w = self.slots[t as usize].weight.clamp(1, 255);
            entries.push((u64::from(t) << 32) | (u64::from(doc) << 8) | u64::from(w));
        }
        self.terms.clear();
        self.doc = self.doc.wrapping_add(1);
    }
}

/// What each thread keeps while the index is built.
#[derive(Default)]
struct Worker {
    cache: ClauseCache,
    acc: DocAcc,
}

fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// The documents of one plan: the plan, its tasks, its sections.
fn plan_docs<'a>(
    site: &'a Site,
    p: usize,
    worker: &mut Worker,
    interner: &Interner,
    names: &Names,
) -> PlanOut<'a> {
    let plan: &Plan = &site.plans[p];
    let jur = &names.jurisdictions[plan.jurisdiction];
    let mut docs = Vec::with_capacity(plan.tasks.len() + 8);
    let mut entries = Vec::new();
    let mut unit_docs = Vec::new();
    let Worker { cache, acc } = worker;

    // The plan itself.
    acc.text(cache, interner, &plan.meta.title, W_TITLE);
    for (field, w) in [
        (&plan.meta.doc_number, W_DOC_NUMBER),
        (&plan.meta.issuer, W_ISSUER),
        (&plan.meta.category, W_CONTEXT),
    ] {
        if let Some(v) = field {
            acc.text(cache, interner, v, w);
        }
    }
    acc.text(cache, interner, plan.kind.label(), W_CONTEXT);
    acc.names(jur, W_CONTEXT);
    for &t in &plan.topics {
        acc.names(&names.topics[t], W_CONTEXT);
    }
    let mut preamble = String::new();
    for block in &plan.body {
        if let Block::Text(md) = block {
            let plain = to_plain(md);
            acc.text(cache, interner, &plain, W_TEXT);
            if !preamble.is_empty() {
                preamble.push('\n');
            }
            preamble.push_str(&plain);
        }
    }
    acc.finish(0, &mut entries);
    docs.push(DocOut {
        kind: KIND_PLAN,
        label: Cow::Borrowed(&plan.meta.title),
        anchor: Cow::Borrowed(""),
        text: excerpt(&preamble),
        lead: None,
    });

    // Tasks, in order.
    for task in &plan.tasks {
        let plain = to_plain(&task.text);
        acc.text(cache, interner, &plain, W_TEXT);
        for v in [&task.schedule, &task.priority].into_iter().flatten() {
            acc.text(cache, interner, v, W_TEXT);
        }
        let doc = docs.len() as u32;
        let mut unit = |u: UnitId, w: u32| {
            acc.names(&names.units[u], w);
            if !names.unit_aliases[u].is_empty() {
                unit_docs.push((u, doc, w as u8));
            }
        };
        for u in task.lead() {
            unit(u, W_LEAD);
        }
        for u in task.shared_units() {
            unit(u, W_UNIT);
        }
        for o in &task.officials {
            acc.names(cache.name_terms(interner, o), W_OFFICIAL);
        }
        for t in task.topics() {
            acc.names(&names.topics[t], W_CONTEXT);
        }
        acc.names(jur, W_CONTEXT);
        acc.finish(docs.len() as u32, &mut entries);
        docs.push(DocOut {
            kind: KIND_TASK,
            label: Cow::Borrowed(&task.number),
            anchor: Cow::Owned(task.anchor().to_string()),
            text: plain,
            lead: Some(task.lead()),
        });
    }

    // Sections, in document order: title and their own prose.
    fn walk<'s>(blocks: &'s [Block], f: &mut dyn FnMut(&'s crate::model::Section, Vec<String>)) {
        for block in blocks {
            if let Block::Section(s) = block {
                let prose = s
                    .blocks
                    .iter()
                    .filter_map(|b| match b {
                        Block::Text(md) => Some(to_plain(md)),
                        _ => None,
                    })
                    .collect();
                f(s, prose);
                walk(&s.blocks, f);
            }
        }
    }
    walk(&plan.body, &mut |s, prose| {
        acc.text(cache, interner, &s.title, W_TITLE);
        for text in &prose {
            acc.text(cache, interner, text, W_TEXT);
        }
        acc.names(jur, W_CONTEXT);
        acc.finish(docs.len() as u32, &mut entries);
        let label = match &s.number {
            Some(n) => Cow::Owned(format!("{n} {}", s.title)),
            None => Cow::Borrowed(s.title.as_str()),
        };
        docs.push(DocOut {
            kind: KIND_SECTION,
            label,
            anchor: Cow::Borrowed(&s.anchor),
            text: excerpt(&prose.join("\n")),
            lead: None,
        });
    });
    PlanOut {
        plan: p,
        docs,
        entries,
        unit_docs,
    }
}

/// The documents of units with aliases, posted under the aliases' terms
/// once the index is complete: per alias term one merge of its units'
/// document lists into its list, instead of one entry per task and term.
#[derive(Default)]
struct AliasPostings {
    /// Per unit: (document, weight) of each task naming it, in order.
    docs: Vec<Vec<(u32, u8)>>,
    /// Alias term -> the units (with documents) it is an alias term of.
    units_of: rustc_hash::FxHashMap<u32, Vec<UnitId>>,
}

impl AliasPostings {
    fn invert(&mut self, unit_aliases: &[Box<[u32]>]) {
        for (u, terms) in unit_aliases.iter().enumerate() {
            if self.docs[u].is_empty() {
                continue;
            }
            for &t in terms.iter() {
                self.units_of.entry(t).or_default().push(u);
            }
        }
    }

    fn has(&self, term: u32) -> bool {
        self.units_of.contains_key(&term)
    }

    /// `list` (a term's postings from the documents' own fields) with the
    /// documents of the units the term names added, weights summed as if
    /// the units' names had been entered per document.
    fn merge(&self, term: u32, list: &[u8]) -> Postings {
        let mut all = query::decode(list);
        for &u in &self.units_of[&term] {
            all.extend(self.docs[u].iter().map(|&(d, w)| (d, u32::from(w))));
        }
        // Mostly in order already (one unit's documents are).
        all.sort_by_key(|&(d, _)| d);
        let mut merged = Postings::default();
        // Entries for one document (its own text, a unit both leading and
        // sharing the task, two units) add up, as they would per document.
        for run in all.chunk_by(|x, y| x.0 == y.0) {
            let w: u32 = run.iter().map(|&(_, w)| w).sum();
            merged.push(run[0].0, w.clamp(1, 255) as u8);
        }
        merged
    }
}

/// A posting list being written.
#[derive(Default)]
struct Postings {
    bytes: Vec<u8>,
    last: u32,
    df: u32,
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Postings {
    fn push(&mut self, doc: u32, w: u8) {
        // Grow by an eighth rather than double: all lists are held until the
        // last document, and doubling left a third of their bytes unused
        // (most terms of real text are rare: their lists start small).
        const MAX_ENTRY: usize = 11;
        if self.bytes.capacity() - self.bytes.len() < MAX_ENTRY {
            self.bytes.reserve_exact((self.bytes.len() / 8).max(16));
        }
        let delta = if self.df == 0 { doc } else { doc - self.last };
        varint(&mut self.bytes, (u64::from(delta) << 1) | u64::from(w != 1));
        if w != 1 {
            self.bytes.push(w);
        }
        self.last = doc;
        self.df += 1;
    }
}

/// Where a posting list is: pack, byte offset, length.
#[derive(Debug, Clone, Copy, Serialize)]
struct Loc(u32, u32, u32);

/// Packs posting lists into files, handing each pack to `out` as soon as
/// nothing more goes into it: the packs are never all in memory beside the
/// lists they are made of.
struct Packer<'o> {
    /// The number of packs made so far.
    count: u32,
    /// The pack being filled, and its number.
    open: Option<(u32, Vec<u8>)>,
    out: Emit<'o>,
}

impl<'o> Packer<'o> {
    fn new(out: Emit<'o>) -> Self {
        Packer {
            count: 0,
            open: None,
            out,
        }
    }

    fn emit(&self, pack: u32, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        (self.out)(format!("{DIR}p/{pack}.bin"), bytes)
    }

    fn add(&mut self, bytes: &[u8]) -> Result<Loc, Diagnostic> {
        let len = bytes.len() as u32;
        if bytes.len() >= PACK_ALONE {
            let pack = self.count;
            self.count += 1;
            self.emit(pack, bytes.to_vec())?;
            return Ok(Loc(pack, 0, len));
        }
        if let Some((_, open)) = &self.open
            && open.len() + bytes.len() > PACK_TARGET
        {
            self.finish()?;
        }
        let (pack, open) = self.open.get_or_insert_with(|| {
            let pack = self.count;
            self.count += 1;
            (pack, Vec::with_capacity(PACK_TARGET))
        });
        let off = open.len() as u32;
        open.extend_from_slice(bytes);
        Ok(Loc(*pack, off, len))
    }

    /// Hands over the pack being filled, if any.
    fn finish(&mut self) -> Result<(), Diagnostic> {
        match self.open.take() {
            Some((pack, bytes)) => self.emit(pack, bytes),
            None => Ok(()),
        }
    }
}

/// A document in a fragment file.
type FragmentDoc<'a> = (
    u8,
    usize,
    &'a str,
    &'a str,
    &'a str,
    Vec<(&'a str, &'a str)>,
);

/// A fragment file: the plans its documents belong to, then the documents.
#[derive(Serialize)]
struct Fragment<'a> {
    /// `[title, path, jurisdiction, kind]`
    p: Vec<(&'a str, String, usize, &'static str)>,
    /// `[kind, plan (index into p), label, anchor, text, [[unit, path]…]]`
    d: Vec<FragmentDoc<'a>>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    /// Version: a hash of every other file of the index.
    v: String,
    /// Number of documents.
    n: usize,
    /// Documents per fragment file.
    k: usize,
    /// First character of each dictionary shard.
    s: Vec<String>,
    stop: &'static str,
    /// Per plan: number of documents…
    pd: Vec<usize>,
    /// …and jurisdiction (index into `j`).
    pj: Vec<usize>,
    /// Jurisdictions: `[name, path, units file has units]`.
    j: Vec<(&'a str, String, usize)>,
    /// Topics: `[name, path, [pack, offset, length], tasks]`.
    t: Vec<(&'a str, String, Loc, u32)>,
}

#[derive(Serialize)]
struct Shard<'a> {
    /// Terms, sorted.
    t: Vec<&'a str>,
    /// Per term: pack, offset, length (negative for a bitmap), document
    /// frequency.
    r: Vec<i64>,
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    // Plain data of strings and numbers: serialising cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

fn fx(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// The terms of units' names (and of their aliases, apart), topics and
/// jurisdictions.
fn unit_names(site: &Site, cache: &mut ClauseCache, interner: &Interner) -> Names {
    let mut name_list = |list: Vec<Vec<&str>>| -> Vec<Box<[u32]>> {
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
    };
    let units = name_list(site.units.iter().map(|u| vec![u.name.as_str()]).collect());
    let unit_aliases = name_list(
        site.units
            .iter()
            .map(|u| u.other_names.iter().map(String::as_str).collect())
            .collect(),
    )
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
    Names {
        units,
        unit_aliases,
        topics: name_list(site.topics.iter().map(|t| vec![t.name.as_str()]).collect()),
        jurisdictions: name_list(
            site.jurisdictions
                .iter()
                .map(|j| vec![j.name.as_str()])
                .collect(),
        ),
    }
}

/// Builds every file of the index, sorted by path.
/// Makes the index, handing every file to `emit`; the manifest comes last,
/// since its version is a hash of all the others. Returns the number of files.
pub fn build_into(site: &Site, emit: Emit) -> Result<usize, Diagnostic> {
    // Each file's hash, for the version: a fold over the hashes in path
    // order, so the version does not depend on the order files are made in.
    let hashes: std::sync::Mutex<Vec<(String, u64)>> = Default::default();
    let out = |path: String, bytes: Vec<u8>| -> Result<(), Diagnostic> {
        let h = fx(path.as_bytes()) ^ fx(&bytes).rotate_left(17);
        hashes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.clone(), h));
        emit(path, bytes)
    };
    let interner = Interner::default();
    let threads = rayon::current_num_threads().max(1);
    let caches: Vec<std::sync::Mutex<Worker>> =
        (0..threads + 1).map(|_| Default::default()).collect();
    let cache_of = || {
        let i = rayon::current_thread_index().map_or(threads, |i| i.min(threads));
        caches[i].lock().unwrap_or_else(|e| e.into_inner())
    };

    let unit_paths: Vec<String> = (0..site.units.len()).map(|u| unit_path(site, u)).collect();
    let names = unit_names(site, &mut cache_of().cache, &interner);

    let mut lists: Vec<Postings> = Vec::new();
    let mut aliases = AliasPostings {
        docs: vec![Vec::new(); site.units.len()],
        ..AliasPostings::default()
    };
    let mut plan_docs_count: Vec<usize> = Vec::with_capacity(site.plans.len());
    let mut pending: Vec<(usize, DocOut)> = Vec::new();
    let mut next_chunk = 0usize;
    let mut base = 0u32;
    let mut emit_chunks = |pending: &mut Vec<(usize, DocOut)>, all: bool| {
        let full = if all {
            pending.len()
        } else {
            pending.len() / CHUNK * CHUNK
        };
        if full == 0 {
            return Ok(());
        }
        let ready: Vec<(usize, DocOut)> = pending.drain(..full).collect();
        let first = next_chunk;
        next_chunk += ready.len().div_ceil(CHUNK);
        ready
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(i, docs)| {
                let mut frag = Fragment {
                    p: Vec::new(),
                    d: Vec::with_capacity(docs.len()),
                };
                let mut last_plan = usize::MAX;
                for (p, doc) in docs {
                    if *p != last_plan {
                        let plan = &site.plans[*p];
                        frag.p.push((
                            &plan.meta.title,
                            plan_path(&plan.slug),
                            plan.jurisdiction,
                            plan.kind.label(),
                        ));
                        last_plan = *p;
                    }
                    frag.d.push((
                        doc.kind,
                        frag.p.len() - 1,
                        &doc.label,
                        &doc.anchor,
                        &doc.text,
                        doc.lead
                            .into_iter()
                            .flatten()
                            .map(|u| (site.units[u].name.as_str(), unit_paths[u].as_str()))
                            .collect(),
                    ));
                }
                let mut bytes = Vec::with_capacity(docs.len() * 640);
                // Plain data of strings and numbers: cannot fail.
                let _ = serde_json::to_writer(&mut bytes, &frag);
                (format!("{DIR}f/{}.json", first + i), bytes)
            })
            .try_for_each(|(path, bytes)| out(path, bytes))
    };
    for batch in (0..site.plans.len()).collect::<Vec<_>>().chunks(BATCH) {
        let outs: Vec<PlanOut> = batch
            .par_iter()
            .map(|&p| plan_docs(site, p, &mut cache_of(), &interner, &names))
            .collect();
        for out in outs {
            let max = out.entries.iter().map(|e| e >> 32).max().unwrap_or(0) as usize;
            if lists.len() <= max {
                lists.resize_with(max + 1, Postings::default);
            }
            for &e in &out.entries {
                let (t, d, w) = (e >> 32, (e >> 8) as u32 & 0xff_ffff, e as u8);
                lists[t as usize].push(base + d, w);
            }
            for &(u, d, w) in &out.unit_docs {
                aliases.docs[u].push((base + d, w));
            }
            base += out.docs.len() as u32;
            plan_docs_count.push(out.docs.len());
            pending.extend(out.docs.into_iter().map(|d| (out.plan, d)));
        }
        emit_chunks(&mut pending, false)?;
    }
    emit_chunks(&mut pending, true)?;
    let n_docs = base as usize;

    // Terms, sorted; their postings packed in that order.
    let terms = interner.into_terms();
    aliases.invert(&names.unit_aliases);
    if lists.len() < terms.len() {
        lists.resize_with(terms.len(), Postings::default);
    }
    let mut order: Vec<usize> = (0..lists.len())
        .filter(|&i| lists[i].df > 0 || aliases.has(i as u32))
        .collect();
    order.sort_unstable_by(|&a, &b| terms[a].cmp(&terms[b]));
    let mut packer = Packer::new(&out);
    // A list longer than a bitmap of all documents is written as that
    // bitmap (its weights dropped: such a term is in most documents and
    // weighs next to nothing in a score). Its length is then negative.
    let bitmap_len = base.div_ceil(8) as usize;
    // Each list is freed once packed, so lists and packs are not all held twice.
    let locs: Vec<(Loc, bool)> = order
        .iter()
        .map(|&i| {
            if aliases.has(i as u32) {
                lists[i] = aliases.merge(i as u32, &lists[i].bytes);
            }
            let bytes = std::mem::take(&mut lists[i].bytes);
            if bytes.len() <= bitmap_len {
                return Ok((packer.add(&bytes)?, false));
            }
            let mut bits = vec![0u8; bitmap_len];
            for (d, _) in query::decode(&bytes) {
                bits[d as usize / 8] |= 1 << (d % 8);
            }
            Ok((packer.add(&bits)?, true))
        })
        .collect::<Result<_, Diagnostic>>()?;

    // Dictionary shards, cut at first-character boundaries.
    let first_char = |t: &str| t.chars().next().unwrap_or('\0');
    let mut shard_starts: Vec<String> = Vec::new();
    let mut shard = Shard {
        t: Vec::new(),
        r: Vec::new(),
    };
    let mut size = 0usize;
    let mut shards: Vec<Vec<u8>> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        let term: &str = &terms[i];
        let c = first_char(term);
        let new_char = shard.t.last().is_none_or(|prev| first_char(prev) != c);
        if new_char && size >= SHARD_TARGET {
            shards.push(json(&shard));
            shard.t.clear();
            shard.r.clear();
            size = 0;
        }
        if shard.t.is_empty() {
            shard_starts.push(c.to_string());
        }
        let (Loc(pack, off, len), bitmap) = locs[k];
        let len = if bitmap {
            -i64::from(len)
        } else {
            i64::from(len)
        };
        shard.t.push(term);
        shard
            .r
            .extend([i64::from(pack), i64::from(off), len, i64::from(lists[i].df)]);
        size += term.len() + 16;
    }
    if !shard.t.is_empty() {
        shards.push(json(&shard));
    }
    for (i, bytes) in shards.into_iter().enumerate() {
        out(format!("{DIR}d/{i}.json"), bytes)?;
    }

    // Filters: topics' and units' task lists.
    let mut topic_lists: Vec<Postings> = (0..site.topics.len())
        .map(|_| Postings::default())
        .collect();
    let mut unit_lists: Vec<Postings> =
        (0..site.units.len()).map(|_| Postings::default()).collect();
    let mut doc = 0u32;
    for (p, plan) in site.plans.iter().enumerate() {
        // Document 0 of a plan is the plan; its tasks follow.
        for &t in &plan.topics {
            topic_lists[t].push(doc, 1);
        }
        for (i, task) in plan.tasks.iter().enumerate() {
            let d = doc + 1 + i as u32;
            for t in task.topics() {
                if topic_lists[t].df == 0 || topic_lists[t].last < d {
                    topic_lists[t].push(d, 1);
                }
            }
            for u in task.named_units() {
                unit_lists[u].push(d, 1);
            }
        }
        doc += plan_docs_count[p] as u32;
    }
    let topics: Vec<(&str, String, Loc, u32)> = site
        .topics
        .iter()
        .zip(&topic_lists)
        .map(|(t, l)| {
            Ok((
                t.name.as_str(),
                topic_path(&t.slug),
                packer.add(&l.bytes)?,
                l.df,
            ))
        })
        .collect::<Result<_, Diagnostic>>()?;
    let mut units_by_j: Vec<Vec<UnitId>> = vec![Vec::new(); site.jurisdictions.len()];
    for (u, unit) in site.units.iter().enumerate() {
        if unit_lists[u].df > 0 {
            units_by_j[unit.jurisdiction].push(u);
        }
    }
    let mut jurisdictions = Vec::new();
    for (j, mut units) in units_by_j.into_iter().enumerate() {
        units.sort_by(|&a, &b| {
            let (x, y) = (&site.units[a], &site.units[b]);
            (x.kind, &x.slug, &x.name).cmp(&(y.kind, &y.slug, &y.name))
        });
        let list: Vec<(&str, &str, Loc, u32)> = units
            .iter()
            .map(|&u| {
                Ok((
                    site.units[u].name.as_str(),
                    unit_paths[u].as_str(),
                    packer.add(&unit_lists[u].bytes)?,
                    unit_lists[u].df,
                ))
            })
            .collect::<Result<_, Diagnostic>>()?;
        let jur = &site.jurisdictions[j];
        jurisdictions.push((jur.name.as_str(), jurisdiction_path(&jur.slug), list.len()));
        out(format!("{DIR}u/{j}.json"), json(&list))?;
    }
    packer.finish()?;

    let mut hashes = hashes.into_inner().unwrap_or_else(|e| e.into_inner());
    hashes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let version = hashes
        .iter()
        .map(|&(_, h)| h)
        .fold(0xcbf2_9ce4_8422_2325u64, |h, x| {
            (h ^ x).wrapping_mul(0x0000_0100_0000_01b3)
        });
    let manifest = Manifest {
        v: format!("{version:016x}"),
        n: n_docs,
        k: CHUNK,
        s: shard_starts,
        stop: segment::STOP,
        pd: plan_docs_count,
        pj: site.plans.iter().map(|p| p.jurisdiction).collect(),
        j: jurisdictions,
        t: topics,
    };
    emit(format!("{DIR}meta.json"), json(&manifest))?;
    Ok(hashes.len() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site of one plan whose `tasks` tasks are led by one unit that has
    /// `aliases` aliases (each of its own words).
    fn alias_site(aliases: usize, tasks: usize) -> (tempfile::TempDir, Site) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.yaml"), "title: 测试\n").unwrap();
        let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
        let mut units = String::from(
            "- jurisdiction: 测试市测试区\n  units:\n    - name: 区司法局\n      aliases:\n",
        );
        for a in 0..aliases {
            let word: String = format!("{a:04}")
                .bytes()
                .map(|b| digits[usize::from(b - b'0')])
                .collect();
            units.push_str(&format!("        - 别称{word}办\n"));
        }
        std::fs::write(root.join("content/units.yaml"), units).unwrap();
        let mut plan =
            String::from("---\ntitle: 方案\nkind: 方案\njurisdiction: 测试市测试区\n---\n\n");
        for t in 1..=tasks {
            plan.push_str(&format!("{t}.完善制度。牵头单位:区司法局。\n\n"));
        }
        std::fs::write(root.join("content/plan.md"), plan).unwrap();
        let site = crate::content::load_site(root)
            .site
            .expect("the site loads");
        (dir, site)
    }

    /// The entries one plan holds at once while the index is built.
    fn plan_entries(site: &Site) -> usize {
        let interner = Interner::default();
        let mut worker = Worker::default();
        let names = unit_names(site, &mut worker.cache, &interner);
        plan_docs(site, 0, &mut worker, &interner, &names)
            .entries
            .len()
    }

    #[test]
    fn aliases_are_entered_once_per_unit_not_per_task() {
        let (_a, few) = alias_site(2, 50);
        let (_b, many) = alias_site(300, 50);
        let (few, many) = (plan_entries(&few), plan_entries(&many));
        // 300 aliases more may not add an entry per task and alias term
        // (50 x 300 and more); they add none.
        assert_eq!(many, few, "{few} entries with 2 aliases, {many} with 300");
    }

    #[test]
    fn an_alias_finds_the_tasks_of_its_unit_ranked_as_its_name_does() {
        let (_d, site) = alias_site(30, 12);
        let files: std::collections::HashMap<String, Vec<u8>> = build(&site).into_iter().collect();
        let fetch = |p: &str| files.get(p).cloned();
        let hits = |q: &str| {
            query::search(&fetch, q, &query::Filters::default(), usize::MAX)
                .unwrap()
                .hits
                .into_iter()
                .filter(|h| h.kind == "task")
                .map(|h| (h.label, h.score))
                .collect::<Vec<_>>()
        };
        let by_alias = hits("别称零零二九办");
        assert_eq!(by_alias.len(), 12, "{by_alias:?}");
        assert_eq!(hits("别称零零零三办"), by_alias);
        assert_eq!(hits("区司法局").len(), 12);
    }
}
