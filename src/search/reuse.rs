//! What an incremental build takes from the previous build's index: the
//! result fragments (most of the index's bytes) that are the same.
//!
//! A fragment file `f/N.json` is made from the documents `N*K .. N*K+K-1`
//! alone: their plans' titles, paths, jurisdictions and kinds, and the
//! documents' kinds, labels, anchors, texts and leading units. Its key is
//! a hash of what those are made from (every field of the model that
//! [`super::docs`] and the fragment writer read, per plan, and the names
//! and paths of the whole site's units, topics and jurisdictions, with the
//! binary's build id). A build keeps the keys in [`STATE`]; the next one
//! links each file whose key is unchanged from the previous output instead
//! of making it again. A plan that gains a task shifts the documents after
//! it, and so changes the keys of the files after it: those are made again.

use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3Default;

use crate::diagnostics::Diagnostic;
use crate::model::{Block, Plan, Site};
use crate::urls::plan_path;

use super::CHUNK;

/// Where the keys are kept, inside the output (beside the build state).
pub const STATE: &str = ".planpress/search-fragments.bin";

/// Bumped whenever a key's meaning or the fragments' format changes (the
/// build id covers the code as well; this covers a key made otherwise).
const FORMAT: u64 = 2;

/// What a build can take from the previous one's index.
pub struct Previous<'a> {
    /// The previous build's [`STATE`], if it had one.
    pub state: Option<Vec<u8>>,
    /// Links a file of the index (path relative to the output) from the
    /// previous output into this one; false when the previous output lacks it.
    pub link: &'a (dyn Fn(&str) -> Result<bool, Diagnostic> + Sync),
}

/// A hash of texts and numbers, each delimited so that no two sequences
/// of them hash alike by concatenation. XXH3's 128 bits: a cache key needs
/// no cryptographic hash, and SHA-256 of every plan took much of an edit
/// build's search phase.
struct Key(Box<Xxh3Default>);

impl Key {
    fn new() -> Self {
        // Boxed: the streaming state is over 500 bytes.
        Key(Box::default())
    }

    fn num(&mut self, n: u64) {
        self.0.update(&n.to_le_bytes());
    }

    fn text(&mut self, s: &str) {
        self.num(s.len() as u64);
        self.0.update(s.as_bytes());
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.num(u64::MAX),
        }
    }

    fn ids(&mut self, ids: impl Iterator<Item = usize>) {
        let ids: Vec<usize> = ids.collect();
        self.num(ids.len() as u64);
        for id in ids {
            self.num(id as u64);
        }
    }

    fn finish(self) -> u128 {
        self.0.digest128()
    }
}

/// The key of what every fragment shares: the build, the names of units
/// (with their other names and paths), topics and jurisdictions.
fn site_key(site: &Site, unit_paths: &[String]) -> u128 {
    let mut k = Key::new();
    k.num(FORMAT);
    k.num(CHUNK as u64);
    k.text(crate::incremental::build_id());
    k.num(site.units.len() as u64);
    for (unit, path) in site.units.iter().zip(unit_paths) {
        k.text(&unit.name);
        k.text(path);
        k.num(unit.jurisdiction as u64);
        k.num(unit.other_names.len() as u64);
        for name in &unit.other_names {
            k.text(name);
        }
    }
    k.num(site.topics.len() as u64);
    for topic in &site.topics {
        k.text(&topic.name);
    }
    k.num(site.jurisdictions.len() as u64);
    for j in &site.jurisdictions {
        k.text(&j.name);
    }
    k.finish()
}

/// The key of one plan's documents: every field they are made from.
fn plan_key(plan: &Plan) -> u128 {
    let mut k = Key::new();
    let meta = &plan.meta;
    k.text(&meta.title);
    k.text(&plan_path(&plan.slug));
    for field in [&meta.doc_number, &meta.issuer, &meta.category] {
        k.opt(field.as_deref());
    }
    k.text(plan.kind.label());
    k.num(plan.jurisdiction as u64);
    k.ids(plan.topics.iter().copied());
    blocks_key(&mut k, &plan.body);
    k.num(plan.tasks.len() as u64);
    for task in &plan.tasks {
        k.text(task.number());
        k.text(&task.anchor().to_string());
        k.text(&task.text);
        k.opt(task.schedule());
        k.opt(task.priority());
        k.ids(task.lead().into_iter());
        k.ids(task.shared_units());
        k.ids(task.topics().into_iter());
        k.num(task.officials().len() as u64);
        for o in task.officials().iter() {
            k.text(o);
        }
    }
    k.finish()
}

/// The prose and sections of a plan's body, in order (tasks are keyed
/// from the plan's list).
fn blocks_key(k: &mut Key, blocks: &[Block]) {
    k.num(blocks.len() as u64);
    for block in blocks {
        match block {
            Block::Text(md) => {
                k.num(0);
                k.text(md);
            }
            Block::Task(_) => k.num(1),
            Block::Section(s) => {
                k.num(2);
                k.opt(s.number.as_deref());
                k.text(&s.title);
                k.text(&s.anchor);
                blocks_key(k, &s.blocks);
            }
        }
    }
}

/// The number of documents of a plan: itself, its tasks, its sections.
fn doc_count(plan: &Plan) -> usize {
    fn sections(blocks: &[Block]) -> usize {
        blocks
            .iter()
            .map(|b| match b {
                Block::Section(s) => 1 + sections(&s.blocks),
                _ => 0,
            })
            .sum()
    }
    1 + plan.tasks.len() + sections(&plan.body)
}

/// The key of each fragment file of `site`'s index, in file order, and
/// each plan's number of documents.
pub(super) fn fragment_keys(site: &Site, unit_paths: &[String]) -> (Vec<u128>, Vec<usize>) {
    let site_key = site_key(site, unit_paths);
    let plans: Vec<(u128, usize)> = site
        .plans
        .par_iter()
        .map(|p| (plan_key(p), doc_count(p)))
        .collect();
    let total: usize = plans.iter().map(|p| p.1).sum();
    let mut keys = Vec::with_capacity(total.div_ceil(CHUNK));
    let mut file: Option<Key> = None;
    let mut doc = 0usize;
    for &(plan, count) in &plans {
        let mut from = 0;
        while from < count {
            // The part of this plan in the file that holds document `doc`.
            let room = CHUNK - doc % CHUNK;
            let take = room.min(count - from);
            let k = file.get_or_insert_with(|| {
                let mut k = Key::new();
                k.0.update(&site_key.to_le_bytes());
                k
            });
            k.0.update(&plan.to_le_bytes());
            k.num(from as u64);
            k.num(take as u64);
            (from, doc) = (from + take, doc + take);
            if doc.is_multiple_of(CHUNK) {
                keys.extend(file.take().map(Key::finish));
            }
        }
    }
    keys.extend(file.take().map(Key::finish));
    (keys, plans.into_iter().map(|p| p.1).collect())
}

/// The keys as kept in [`STATE`]: the format, then each key.
pub(super) fn encode(keys: &[u128]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + keys.len() * 16);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    for k in keys {
        out.extend_from_slice(&k.to_le_bytes());
    }
    out
}

/// The keys kept in `bytes`, or none when they are of another format or
/// damaged (then every file is made again).
pub(super) fn decode(bytes: &[u8]) -> Vec<u128> {
    let Some((format, rest)) = bytes.split_first_chunk::<8>() else {
        return Vec::new();
    };
    if u64::from_le_bytes(*format) != FORMAT || rest.len() % 16 != 0 {
        return Vec::new();
    }
    rest.chunks_exact(16)
        .map(|c| {
            let mut b = [0u8; 16];
            b.copy_from_slice(c);
            u128::from_le_bytes(b)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_their_encoding_and_damage_gives_none() {
        let keys = vec![1u128, u128::MAX, 42 << 70];
        let bytes = encode(&keys);
        assert_eq!(decode(&bytes), keys);
        assert!(decode(&bytes[..bytes.len() - 1]).is_empty());
        assert!(decode(&[]).is_empty());
        let mut other = bytes.clone();
        other[0] ^= 1;
        assert!(decode(&other).is_empty());
    }
}
