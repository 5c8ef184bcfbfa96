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
//! - `fold.json`, the traditional characters a query may hold and their
//!   simplified forms, as one string of pairs ([`fold`]).
//! - `d/N.json`, dictionary shards: every term, sorted, cut into shards at
//!   first-character boundaries, so that all terms beginning with one
//!   character are in one shard. A query is segmented against them (forward
//!   maximum matching), then needs only its terms' postings. Each term has
//!   the place of its postings (pack, offset, length) and its document
//!   frequency. A shard's `y` holds pinyin spellings ([`spell`]), each with
//!   the terms it stands for and their places.
//! - `p/N.bin`, posting packs: posting lists of terms (and of the topic and
//!   unit filters) packed into files of about 16 KB; a long list gets a pack
//!   of its own. A list is a run of LEB128 varints `delta << 1 | f`, where
//!   `delta` is the document number minus the previous one (the first is
//!   the number itself) and `f` says a weight byte follows (else the weight
//!   is [`query::WEIGHT_SCALE`]). A list that would be longer than a bitmap
//!   of all documents plus a byte per document it has is that instead: bit
//!   `d % 8` of byte `d / 8` for document `d`, then the weights of the
//!   documents set, in order; the dictionary gives it a negative length. A
//!   term in more than half the documents has a bitmap without weights.
//!   A weight is a term's weight in the document times `WEIGHT_SCALE`: the
//!   fixed weights of the fields it is in (lead unit 6, other unit 3,
//!   official 3, title 5 per occurrence, document number 3, issuer 2, topic
//!   and jurisdiction 1) plus BM25's weight of its occurrences in the text,
//!   normalised by the document's length (see `postings::impact`).
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

mod dictionary;
mod docs;
pub mod fold;
mod postings;
pub mod query;
mod reuse;
pub mod segment;
pub mod spell;

use std::hash::Hasher;
use std::sync::{Mutex, MutexGuard};

use rayon::prelude::*;
use rustc_hash::FxHasher;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::{Site, UnitId};
use crate::render::Sink;
use crate::urls::{jurisdiction_path, plan_path, topic_path, unit_path};

use dictionary::{pack_terms, spellings, write_dictionary};
use docs::{Ctx, DocOut, PlanOut, Worker, plan_docs, unit_names};
use postings::{AliasPostings, Loc, Packer, Postings};
use segment::Interner;

pub use reuse::{Previous, STATE};

/// Where the index lives in the output.
pub const DIR: &str = "search/";

/// The folder of the result fragments, inside [`DIR`].
pub const FRAGMENTS: &str = "f/";

/// The path of result fragment file `n`, relative to the output.
pub(crate) fn fragment_path(n: usize) -> String {
    format!("{DIR}{FRAGMENTS}{n}.json")
}

/// Whether `path` (in any edition's folder) is a result fragment, a file
/// that an incremental build may link from the previous output.
pub fn linkable(path: &str) -> bool {
    path.rsplit_once(DIR)
        .is_some_and(|(_, rest)| rest.starts_with(FRAGMENTS))
}

/// Documents per fragment file.
pub const CHUNK: usize = 32;
/// Plans segmented between two merges (bounds the memory held).
const BATCH: usize = 64;

/// Whether `path` (relative to the output) is a file of the index, as
/// opposed to the search page itself.
pub fn is_index_file(path: &str) -> bool {
    path.strip_prefix(DIR)
        .is_some_and(|rest| rest.contains('.') && !rest.ends_with(".html"))
}

/// Starts loading the segmenter's dictionary and the folding table on
/// another thread, so that they are ready when the index is built.
pub fn prepare() {
    let _ = std::thread::Builder::new()
        .name("planpress-jieba".into())
        .spawn(segment::warm_up);
    // Both are needed from the first clause on: loaded side by side.
    let _ = std::thread::Builder::new()
        .name("planpress-fold".into())
        .spawn(fold::warm_up);
}

/// Builds the index and writes it into `sink` as it is made, so that its
/// result fragments (most of its bytes) are never all in memory at once.
/// `segmented` is called once every document is segmented, when the
/// segmenter's dictionary is no longer needed (see [`release_segmenter`]).
/// Fragment files that `previous` (the previous build's output) has as
/// they would be made are linked from it instead; the fragments' keys go
/// into [`STATE`] for the next build. Returns the number of files.
pub fn write_all(
    site: &Site,
    sink: &dyn Sink,
    segmented: &dyn Fn(),
    previous: Option<&Previous>,
) -> Result<usize, Diagnostic> {
    let emit: Emit = &|path, bytes| {
        sink.put(&path, bytes)
            .map_err(|e| Diagnostic::error(&path, 0, format!("cannot write: {e}")))
    };
    let kept = previous.map(|p| Kept {
        keys: p.state.as_deref().map(reuse::decode).unwrap_or_default(),
        link: p.link,
    });
    let (files, keys) = make(site, emit, segmented, kept.as_ref())?;
    emit(STATE.to_string(), reuse::encode(&keys))?;
    Ok(files)
}

/// The previous build's fragment keys, and how to link its files.
struct Kept<'a> {
    keys: Vec<u128>,
    link: &'a (dyn Fn(&str) -> Result<bool, Diagnostic> + Sync),
}

impl Kept<'_> {
    /// Links fragment file `n` from the previous output when its key there
    /// is `key`; false when it is to be made.
    fn link(&self, n: usize, key: u128, path: &str) -> Result<bool, Diagnostic> {
        if self.keys.get(n) != Some(&key) {
            return Ok(false);
        }
        (self.link)(path)
    }
}

/// Frees the segmenter's dictionary (about 50 MiB), which a build needs no
/// more once its index is segmented; a later segmentation loads it again.
pub fn release_segmenter() {
    segment::release();
}

/// Receives each file of the index (path, bytes) as it is made, from any thread.
pub type Emit<'a> = &'a (dyn Fn(String, Vec<u8>) -> Result<(), Diagnostic> + Sync);

/// The files of the index, sorted by path.
pub fn build(site: &Site) -> Vec<(String, Vec<u8>)> {
    let files = Mutex::new(Vec::new());
    let collected = build_into(site, &|path, bytes| {
        lock(&files).push((path, bytes));
        Ok(())
    });
    debug_assert!(collected.is_ok(), "collecting cannot fail");
    let mut files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Makes the index, handing every file to `emit`; the manifest comes last,
/// since its version is a hash of all the others. Returns the number of files.
pub fn build_into(site: &Site, emit: Emit) -> Result<usize, Diagnostic> {
    Ok(make(site, emit, &|| {}, None)?.0)
}

/// [`build_into`], calling `segmented` once every document is segmented,
/// and linking the fragment files whose keys the previous build's (`kept`)
/// has; returns the number of files and the fragments' keys.
fn make(
    site: &Site,
    emit: Emit,
    segmented: &dyn Fn(),
    kept: Option<&Kept>,
) -> Result<(usize, Vec<u128>), Diagnostic> {
    let hashed = Hashed {
        hashes: Mutex::default(),
        emit,
    };
    let out: Emit = &|path, bytes| hashed.put(path, bytes, None);
    let interner = Interner::default();
    let workers = Workers::new();
    let unit_paths: Vec<String> = (0..site.units.len()).map(|u| unit_path(site, u)).collect();
    // The fragments' keys are hashed while the segmenter is still loading.
    let ((keys, counts), names) = rayon::join(
        || reuse::fragment_keys(site, &unit_paths),
        || unit_names(site, &mut workers.get().cache, &interner),
    );
    let linked = link_fragments(&keys, kept, &hashed)?;
    let texts = plans_shown(&counts, &linked);
    let ctx = Ctx {
        site,
        interner: &interner,
        names: &names,
    };
    let mut frags = Fragments {
        site,
        unit_paths: &unit_paths,
        pending: Vec::new(),
        next: 0,
        keys: &keys,
        linked: &linked,
        hashed: &hashed,
    };
    let mut corpus = segment_plans(&ctx, &workers, &texts, &mut frags)?;
    debug_assert_eq!(frags.next, linked.len(), "a key per fragment file");
    drop(workers);
    segmented();
    let terms = interner.into_terms();
    let mut packer = Packer::new(out);
    let dict = pack_terms(&mut corpus, &terms, &names, &mut packer)?;
    let spellings = spellings(&corpus, &names, &terms, &dict);
    let starts = write_dictionary(&terms, &dict, &spellings, out)?;
    let stop = segment::STOP;
    let folds = fold::table(dict.iter().map(|d| &*terms[d.term as usize]), stop);
    out(format!("{DIR}fold.json"), json(&folds))?;
    let (topics, jurisdictions) =
        write_filters(site, &corpus.plan_docs, &unit_paths, &mut packer, out)?;
    packer.finish()?;
    let (files, version) = hashed.version();
    let manifest = Manifest {
        v: version,
        n: corpus.lengths.len(),
        k: CHUNK,
        s: starts,
        stop,
        pd: corpus.plan_docs,
        pj: site.plans.iter().map(|p| p.jurisdiction).collect(),
        j: jurisdictions,
        t: topics,
    };
    emit(format!("{DIR}meta.json"), json(&manifest))?;
    Ok((files + 1, keys))
}

/// Links each fragment file whose key the previous build's (`kept`) has
/// from its output, before any is made (see [`plans_shown`]); returns
/// which files were linked.
fn link_fragments(
    keys: &[u128],
    kept: Option<&Kept>,
    hashed: &Hashed,
) -> Result<Vec<bool>, Diagnostic> {
    let Some(kept) = kept else {
        return Ok(vec![false; keys.len()]);
    };
    keys.par_iter()
        .enumerate()
        .map(|(n, &key)| {
            let path = fragment_path(n);
            let linked = kept.link(n, key, &path)?;
            if linked {
                hashed.note(&path, fx(&key.to_le_bytes()));
            }
            Ok(linked)
        })
        .collect()
}

/// Per plan (of `counts` documents each), whether a fragment file that is
/// to be made shows one of its documents: a plan whose files are all
/// linked needs its documents' terms only, not what results show.
fn plans_shown(counts: &[usize], linked: &[bool]) -> Vec<bool> {
    let mut first = 0;
    counts
        .iter()
        .map(|&n| {
            let files = first / CHUNK..(first + n).div_ceil(CHUNK);
            first += n;
            linked
                .get(files)
                .is_none_or(|files| files.iter().any(|l| !l))
        })
        .collect()
}

/// Hands files on and keeps each one's hash, for the version.
struct Hashed<'e> {
    hashes: Mutex<Vec<(String, u64)>>,
    emit: Emit<'e>,
}

impl Hashed<'_> {
    /// Hands a file on; its hash is its `key`'s when it has one (a result
    /// fragment, whose bytes follow from its key), else its bytes'.
    fn put(&self, path: String, bytes: Vec<u8>, key: Option<u128>) -> Result<(), Diagnostic> {
        let h = match key {
            Some(key) => fx(&key.to_le_bytes()),
            None => fx(&bytes),
        };
        self.note(&path, h);
        (self.emit)(path, bytes)
    }

    /// Counts a file that is not handed on (linked from the previous
    /// build's output), by its hash.
    fn note(&self, path: &str, h: u64) {
        let h = fx(path.as_bytes()) ^ h.rotate_left(17);
        lock(&self.hashes).push((path.to_string(), h));
    }

    /// The number of files, and the version: a fold over their hashes in
    /// path order, so that it does not depend on the order files were made in.
    fn version(&self) -> (usize, String) {
        let mut hashes = std::mem::take(&mut *lock(&self.hashes));
        hashes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let v = hashes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &(_, x)| {
            (h ^ x).wrapping_mul(0x0000_0100_0000_01b3)
        });
        (hashes.len(), format!("{v:016x}"))
    }
}

/// One [`Worker`] per thread of the pool (and one for any other thread).
struct Workers {
    threads: usize,
    all: Vec<Mutex<Worker>>,
}

impl Workers {
    fn new() -> Self {
        let threads = rayon::current_num_threads().max(1);
        let all = (0..threads + 1).map(|_| Mutex::default()).collect();
        Workers { threads, all }
    }

    fn get(&self) -> MutexGuard<'_, Worker> {
        let i = rayon::current_thread_index().map_or(self.threads, |i| i.min(self.threads));
        lock(&self.all[i])
    }
}

/// What segmenting every plan leaves: the raw posting lists and what they
/// are weighed and spelt with.
struct Corpus {
    /// By term: raw postings ([`postings::raw_weight`]).
    lists: Vec<Postings>,
    aliases: AliasPostings,
    /// By document: the number of terms of its text.
    lengths: Vec<u32>,
    /// By plan: its number of documents.
    plan_docs: Vec<usize>,
    /// Terms of plans' and sections' titles.
    title_terms: Vec<u32>,
}

impl Corpus {
    /// Takes one plan's documents (numbered from `self.lengths.len()`).
    fn add(&mut self, plan: &PlanOut) {
        let base = self.lengths.len() as u32;
        let max = plan.entries.iter().map(|e| e >> 32).max().unwrap_or(0) as usize;
        if self.lists.len() <= max {
            self.lists.resize_with(max + 1, Postings::default);
        }
        for &e in &plan.entries {
            let (t, d, w) = (e >> 32, (e >> 8) as u32 & 0xff_ffff, e as u8);
            self.lists[t as usize].push_compact(base + d, w, 1);
        }
        for &(u, d, w) in &plan.unit_docs {
            self.aliases.docs[u].push((base + d, w));
        }
        self.lengths.extend_from_slice(&plan.lengths);
        self.plan_docs.push(plan.docs.len());
        self.title_terms.extend_from_slice(&plan.title_terms);
    }
}

/// Segments every plan, batch by batch on all threads, writing result
/// fragments as they fill.
fn segment_plans<'a>(
    ctx: &Ctx<'a>,
    workers: &Workers,
    texts: &[bool],
    frags: &mut Fragments<'a, '_>,
) -> Result<Corpus, Diagnostic> {
    let site = ctx.site;
    let mut corpus = Corpus {
        lists: Vec::new(),
        aliases: AliasPostings::new(site.units.len()),
        lengths: Vec::new(),
        plan_docs: Vec::with_capacity(site.plans.len()),
        title_terms: Vec::new(),
    };
    // Each batch is taken into the corpus (one thread) while the next one
    // is segmented (the others): taken after, it left all threads but one idle.
    let mut taken: Vec<PlanOut> = Vec::new();
    for batch in (0..site.plans.len()).collect::<Vec<_>>().chunks(BATCH) {
        let (outs, done) = rayon::join(
            || {
                batch
                    .par_iter()
                    .map(|&p| plan_docs(ctx, p, texts[p], &mut workers.get()))
                    .collect::<Vec<PlanOut>>()
            },
            || take(&mut corpus, frags, std::mem::take(&mut taken)),
        );
        done?;
        taken = outs;
    }
    take(&mut corpus, frags, taken)?;
    frags.write(true)?;
    corpus.title_terms.sort_unstable();
    corpus.title_terms.dedup();
    Ok(corpus)
}

/// Takes segmented plans into the corpus, in order, and writes the
/// fragment files they fill.
fn take<'a>(
    corpus: &mut Corpus,
    frags: &mut Fragments<'a, '_>,
    outs: Vec<PlanOut<'a>>,
) -> Result<(), Diagnostic> {
    if outs.is_empty() {
        return Ok(());
    }
    for plan in outs {
        corpus.add(&plan);
        frags
            .pending
            .extend(plan.docs.into_iter().map(|d| (plan.plan, d)));
    }
    frags.write(false)
}

/// Result fragments waiting to fill a file of [`CHUNK`] documents.
struct Fragments<'a, 'k> {
    site: &'a Site,
    unit_paths: &'a [String],
    pending: Vec<(usize, DocOut<'a>)>,
    /// The number of the next file.
    next: usize,
    /// Each file's key ([`reuse`]).
    keys: &'k [u128],
    /// Whether each file was linked from the previous build's output.
    linked: &'k [bool],
    hashed: &'k Hashed<'k>,
}

impl Fragments<'_, '_> {
    /// Writes the full files (all, when `all`).
    fn write(&mut self, all: bool) -> Result<(), Diagnostic> {
        let n = self.pending.len();
        let full = if all { n } else { n / CHUNK * CHUNK };
        if full == 0 {
            return Ok(());
        }
        let ready: Vec<(usize, DocOut)> = self.pending.drain(..full).collect();
        let first = self.next;
        self.next += ready.len().div_ceil(CHUNK);
        ready
            .par_chunks(CHUNK)
            .enumerate()
            .try_for_each(|(i, docs)| self.put(first + i, docs))
    }

    /// Makes file `n`, unless it was linked from the previous build's output.
    fn put(&self, n: usize, docs: &[(usize, DocOut)]) -> Result<(), Diagnostic> {
        if self.linked.get(n) == Some(&true) {
            return Ok(());
        }
        let path = fragment_path(n);
        // A key per file, by construction; without one, the bytes' hash.
        let key = self.keys.get(n).copied();
        self.hashed.put(path, self.file(docs), key)
    }

    fn file(&self, docs: &[(usize, DocOut)]) -> Vec<u8> {
        let site = self.site;
        let mut frag = Fragment {
            p: Vec::new(),
            d: Vec::with_capacity(docs.len()),
        };
        let mut last_plan = usize::MAX;
        for (p, doc) in docs {
            if *p != last_plan {
                let plan = &site.plans[*p];
                let path = plan_path(&plan.slug);
                frag.p
                    .push((&plan.meta.title, path, plan.jurisdiction, plan.kind.label()));
                last_plan = *p;
            }
            let lead = doc.lead.into_iter().flatten();
            frag.d.push((
                doc.kind,
                frag.p.len() - 1,
                &doc.label,
                &doc.anchor,
                &doc.text,
                lead.map(|u| (site.units[u].name.as_str(), self.unit_paths[u].as_str()))
                    .collect(),
            ));
        }
        let mut bytes = Vec::with_capacity(docs.len() * 640);
        // Plain data of strings and numbers: cannot fail.
        let _ = serde_json::to_writer(&mut bytes, &frag);
        bytes
    }
}

/// A topic or unit in the manifest: `[name, path, [pack, offset, length], tasks]`.
type Filter<'a> = (&'a str, String, Loc, u32);

/// Writes the topics' and units' task lists (for the filters); returns the
/// topics and the jurisdictions (`[name, path, units]`) for the manifest.
#[allow(clippy::type_complexity)]
fn write_filters<'a>(
    site: &'a Site,
    plan_docs: &[usize],
    unit_paths: &[String],
    packer: &mut Packer,
    out: Emit,
) -> Result<(Vec<Filter<'a>>, Vec<(&'a str, String, usize)>), Diagnostic> {
    let (topic_lists, unit_lists) = filter_lists(site, plan_docs);
    let topics = site
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
                let l = &unit_lists[u];
                Ok((
                    site.units[u].name.as_str(),
                    unit_paths[u].as_str(),
                    packer.add(&l.bytes)?,
                    l.df,
                ))
            })
            .collect::<Result<_, Diagnostic>>()?;
        let jur = &site.jurisdictions[j];
        jurisdictions.push((jur.name.as_str(), jurisdiction_path(&jur.slug), list.len()));
        out(format!("{DIR}u/{j}.json"), json(&list))?;
    }
    Ok((topics, jurisdictions))
}

/// Each topic's and each unit's documents (weights unused).
fn filter_lists(site: &Site, plan_docs: &[usize]) -> (Vec<Postings>, Vec<Postings>) {
    let w = query::WEIGHT_SCALE as u8;
    let mut topics: Vec<Postings> = (0..site.topics.len())
        .map(|_| Postings::default())
        .collect();
    let mut units: Vec<Postings> = (0..site.units.len()).map(|_| Postings::default()).collect();
    let mut doc = 0u32;
    for (p, plan) in site.plans.iter().enumerate() {
        // Document 0 of a plan is the plan; its tasks follow.
        for &t in &plan.topics {
            topics[t].push(doc, w, w);
        }
        for (i, task) in plan.tasks.iter().enumerate() {
            let d = doc + 1 + i as u32;
            for t in task.topics() {
                if topics[t].df == 0 || topics[t].last < d {
                    topics[t].push(d, w, w);
                }
            }
            for u in task.named_units() {
                units[u].push(d, w, w);
            }
        }
        doc += plan_docs[p] as u32;
    }
    (topics, units)
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
    t: Vec<Filter<'a>>,
}

pub(crate) fn json<T: Serialize>(value: &T) -> Vec<u8> {
    // Plain data of strings and numbers: serialising cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

fn fx(bytes: &[u8]) -> u64 {
    let mut h = FxHasher::default();
    h.write(bytes);
    h.finish()
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
        let ctx = Ctx {
            site,
            interner: &interner,
            names: &names,
        };
        plan_docs(&ctx, 0, true, &mut worker).entries.len()
    }

    #[test]
    fn a_plan_is_shown_when_a_file_holding_one_of_its_documents_is_made() {
        // Plans of 1, CHUNK and 2 documents: file 0 holds the first plan
        // and most of the second, file 1 the rest of the second and the third.
        let counts = [1, CHUNK, 2];
        assert_eq!(plans_shown(&counts, &[true, true]), [false; 3]);
        assert_eq!(plans_shown(&counts, &[true, false]), [false, true, true]);
        assert_eq!(plans_shown(&counts, &[false, true]), [true, true, false]);
        assert_eq!(plans_shown(&counts, &[]), [true; 3], "no previous build");
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
