//! The dictionary: every term's postings weighed and packed, and the
//! shards of terms and pinyin spellings that a query is segmented against.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::diagnostics::Diagnostic;

use super::docs::Names;
use super::postings::{Loc, Packer, Postings, weigh};
use super::{Corpus, DIR, Emit, json, query, spell};

/// Terms weighed together on all threads: at most this many, and as many
/// as hold about [`WEIGH_BYTES`] of raw postings (a slice's raw and
/// weighed lists are held together; a corpus of few terms once had all of
/// them in one slice, 60 MiB at 5,000 plans).
const WEIGH_SLICE: usize = 4096;
const WEIGH_BYTES: usize = 4 << 20;
/// Dictionary shards are cut, at a first-character boundary, once they
/// hold about this many bytes.
const SHARD_TARGET: usize = 6 * 1024;

/// A term of the dictionary as written.
pub(super) struct DictTerm {
    pub term: u32,
    loc: Loc,
    bitmap: bool,
    df: u32,
}

impl DictTerm {
    /// `[pack, offset, length, df]`, the length negative for a bitmap.
    fn row(&self) -> [i64; 4] {
        let Loc(pack, off, len) = self.loc;
        let len = if self.bitmap {
            -i64::from(len)
        } else {
            i64::from(len)
        };
        [pack.into(), off.into(), len, self.df.into()]
    }
}

/// Weighs and packs every term's postings, in term order; each list is
/// freed once packed, so lists and packs are not all held twice.
pub(super) fn pack_terms(
    corpus: &mut Corpus,
    terms: &[Box<str>],
    names: &Names,
    packer: &mut Packer,
) -> Result<Vec<DictTerm>, Diagnostic> {
    corpus.aliases.invert(&names.unit_aliases);
    if corpus.lists.len() < terms.len() {
        corpus.lists.resize_with(terms.len(), Postings::default);
    }
    let lists = &mut corpus.lists;
    let aliases = &corpus.aliases;
    let mut order: Vec<usize> = (0..lists.len())
        .filter(|&i| lists[i].df > 0 || aliases.has(i as u32))
        .collect();
    order.sort_unstable_by(|&a, &b| terms[a].cmp(&terms[b]));
    let total: u64 = corpus.lengths.iter().map(|&l| u64::from(l)).sum();
    let avg = total as f64 / corpus.lengths.len().max(1) as f64;
    let lengths = &corpus.lengths;
    let mut dict = Vec::with_capacity(order.len());
    // Weighed on all threads a slice at a time, packed in order: the raw
    // lists of a slice are freed as its lists are packed.
    for slice in slices(&order, &lists[..]) {
        let raw: Vec<(usize, Postings)> = slice
            .iter()
            .map(|&i| {
                let own = std::mem::take(&mut lists[i]).thaw()?;
                let list = match aliases.has(i as u32) {
                    true => aliases.merge(i as u32, &own.bytes),
                    false => own,
                };
                Ok((i, list))
            })
            .collect::<Result<_, Diagnostic>>()?;
        let weighed: Vec<_> = raw
            .par_iter()
            .map(|(i, l)| (*i, l.df, weigh(&l.bytes, lengths, avg)))
            .collect();
        drop(raw);
        for (i, df, list) in weighed {
            dict.push(DictTerm {
                term: i as u32,
                loc: packer.add(&list.bytes)?,
                bitmap: list.bitmap,
                df,
            });
        }
    }
    Ok(dict)
}

/// `order` cut into slices of at most [`WEIGH_SLICE`] terms and, unless a
/// term alone is more, [`WEIGH_BYTES`] of raw postings.
fn slices<'o>(order: &'o [usize], lists: &[Postings]) -> Vec<&'o [usize]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (k, &i) in order.iter().enumerate() {
        let len = lists[i].len();
        if k > start && (k - start == WEIGH_SLICE || bytes + len > WEIGH_BYTES) {
            out.push(&order[start..k]);
            (start, bytes) = (k, 0);
        }
        bytes += len;
    }
    if start < order.len() {
        out.push(&order[start..]);
    }
    out
}

/// Pinyin spellings of the terms of titles and unit names, each with the
/// terms it stands for (indices into `dict`), most frequent first.
pub(super) fn spellings(
    corpus: &Corpus,
    names: &Names,
    terms: &[Box<str>],
    dict: &[DictTerm],
) -> BTreeMap<String, Vec<usize>> {
    let at: FxHashMap<u32, usize> = dict.iter().enumerate().map(|(k, d)| (d.term, k)).collect();
    let mut wanted: Vec<u32> = names.units.iter().flat_map(|u| u.iter().copied()).collect();
    wanted.extend_from_slice(&corpus.title_terms);
    wanted.sort_unstable();
    wanted.dedup();
    let mut out: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for t in wanted {
        let Some(&k) = at.get(&t) else { continue };
        for key in spell::spellings(&terms[t as usize]) {
            out.entry(key).or_default().push(k);
        }
    }
    for alts in out.values_mut() {
        alts.sort_by(|&a, &b| dict[b].df.cmp(&dict[a].df).then(a.cmp(&b)));
        alts.truncate(query::MAX_EXPANSION);
    }
    out
}

/// Writes the dictionary shards; returns the first character of each.
pub(super) fn write_dictionary(
    terms: &[Box<str>],
    dict: &[DictTerm],
    spellings: &BTreeMap<String, Vec<usize>>,
    out: Emit,
) -> Result<Vec<String>, Diagnostic> {
    // Terms and spellings in one sorted walk (a spelling that is also a
    // term comes after it, in the same shard).
    let mut entries: Vec<(&str, Option<usize>)> = dict
        .iter()
        .enumerate()
        .map(|(k, d)| (&*terms[d.term as usize], Some(k)))
        .chain(spellings.keys().map(|s| (s.as_str(), None)))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0).then(a.1.is_none().cmp(&b.1.is_none())));
    let first_char = |t: &str| t.chars().next().unwrap_or('\0');
    let mut starts: Vec<String> = Vec::new();
    let mut shard = Shard::default();
    let mut size = 0usize;
    let mut shards: Vec<Vec<u8>> = Vec::new();
    let mut last: Option<char> = None;
    for (text, entry) in entries {
        let c = first_char(text);
        if last != Some(c) && size >= SHARD_TARGET {
            shards.push(json(&shard));
            shard = Shard::default();
            size = 0;
        }
        if size == 0 && shard.t.is_empty() && shard.y.is_empty() {
            starts.push(c.to_string());
        }
        last = Some(c);
        size += text.len() + 16;
        match entry {
            Some(k) => {
                shard.t.push(text);
                shard.r.extend(dict[k].row());
            }
            None => {
                let alts = spellings[text].iter().map(|&k| {
                    let [pack, off, len, df] = dict[k].row();
                    (&*terms[dict[k].term as usize], pack, off, len, df)
                });
                let alts: Vec<_> = alts.collect();
                size += alts.iter().map(|a| a.0.len() + 24).sum::<usize>();
                shard.y.push((text, alts));
            }
        }
    }
    if !shard.t.is_empty() || !shard.y.is_empty() {
        shards.push(json(&shard));
    }
    for (i, bytes) in shards.into_iter().enumerate() {
        out(format!("{DIR}d/{i}.json"), bytes)?;
    }
    Ok(starts)
}

/// A spelling's terms: `[term, pack, offset, length, df]`.
type Spelt<'a> = (&'a str, i64, i64, i64, i64);

#[derive(Serialize, Default)]
struct Shard<'a> {
    /// Terms, sorted.
    t: Vec<&'a str>,
    /// Per term: pack, offset, length (negative for a bitmap), document
    /// frequency.
    r: Vec<i64>,
    /// Pinyin spellings, sorted, with the terms they stand for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    y: Vec<(&'a str, Vec<Spelt<'a>>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighing_slices_hold_bounded_bytes_and_every_term_once() {
        let list = |n: usize| {
            let mut list = Postings::default();
            (list.bytes, list.df) = (vec![0; n], 1);
            list
        };
        let lists = vec![
            list(3 << 20),
            list(2 << 20),
            list(9 << 20),
            list(1),
            list(1),
        ];
        let order = [4, 0, 1, 2, 3];
        let cut = slices(&order, &lists);
        // A list over the bound is a slice of its own; small ones share.
        assert_eq!(cut, [&[4, 0][..], &[1], &[2], &[3]]);
    }
}
