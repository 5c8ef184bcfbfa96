//! A query against the index files, step by step as the search page
//! (`themes/portal/static/search.js`) runs it; the tests use it to check the
//! index without a browser. This is the rule both follow, stated once
//! (`tests/search-ranking.json` holds the cases that `tests/it/ranking.rs` runs
//! here and `tests/browser/ranking.spec.mjs` in the page, so a change to one
//! side that the other lacks fails a test):
//!
//! 1. The query is normalised (NFKC, lower case), then folded to simplified
//!    characters with the pairs of `fold.json` (fetched only for a query
//!    with a Chinese character), and split at white space into parts; a
//!    part is split at punctuation into clauses.
//! 2. Each clause is segmented by forward maximum matching against the
//!    dictionary shard of the character at hand: the longest term or pinyin
//!    spelling of the index that starts there (a spelling stands for its
//!    terms). A character that starts neither is looked up as a prefix (the
//!    [`MAX_EXPANSION`] most frequent terms beginning with it); stop words
//!    are skipped.
//! 3. A part matches the documents that have all its items (an item being
//!    one of its terms). A document's score is the sum over the items of the
//!    best of `idf × weight / WEIGHT_SCALE`, with `idf = ln(1 + (N − df +
//!    0.5) / (df + 0.5))`: the weights already hold the fields and the
//!    length normalisation.
//! 4. Documents matching more parts come first, then by score, then in
//!    document order. Filters (jurisdiction, topic, unit) keep only the
//!    documents in their lists.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::diagnostics::Diagnostic;

use super::fold::parse_table;
use super::segment::{STOP, clauses, normalize};

/// A posting without a weight byte weighs this much, and a weight is a
/// term's weight in a document times this.
pub const WEIGHT_SCALE: u32 = 4;

/// Reads a file of the site by its path (`search/meta.json`).
pub type Fetch<'a> = &'a dyn Fn(&str) -> Option<Vec<u8>>;

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub doc: u32,
    /// `task`, `section` or `plan`.
    pub kind: &'static str,
    /// The task's number, the section's heading, the plan's title.
    pub label: String,
    pub plan: String,
    /// From the site's root: `plans/x/#task-5`.
    pub path: String,
    pub text: String,
    pub lead: Vec<String>,
    pub jurisdiction: String,
    /// How many parts of the query it matches.
    pub parts: usize,
    pub score: f64,
}

/// What to keep: a jurisdiction and topic by name, a unit by name within
/// the jurisdiction.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub jurisdiction: Option<String>,
    pub topic: Option<String>,
    pub unit: Option<String>,
}

/// The outcome of a query.
#[derive(Debug, Default)]
pub struct Results {
    /// The terms each part was segmented into.
    pub terms: Vec<Vec<String>>,
    pub hits: Vec<Hit>,
    /// Every file read, with its size: what a browser would download.
    pub fetched: BTreeMap<String, usize>,
}

/// An index file missing or not as the query reads it: a site built by
/// another version, or not whole.
fn damaged(path: &str, line: usize, message: String) -> Diagnostic {
    Diagnostic::error(path, line, message)
        .with_hint("build the site again (planpress build): its search index is incomplete or from another version")
}

struct Reader<'a> {
    fetch: Fetch<'a>,
    /// The number of documents (a bitmap has a bit for each).
    n: usize,
    cache: HashMap<String, Value>,
    packs: HashMap<String, Vec<u8>>,
    fetched: BTreeMap<String, usize>,
}

impl Reader<'_> {
    fn bytes(&mut self, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let bytes = (self.fetch)(path)
            .ok_or_else(|| damaged(path, 0, format!("missing index file {path}")))?;
        self.fetched.insert(path.to_string(), bytes.len());
        Ok(bytes)
    }

    fn json(&mut self, path: &str) -> Result<&Value, Diagnostic> {
        if !self.cache.contains_key(path) {
            let bytes = self.bytes(path)?;
            let v: Value = serde_json::from_slice(&bytes)
                .map_err(|e| damaged(path, e.line(), e.to_string()))?;
            self.cache.insert(path.to_string(), v);
        }
        Ok(&self.cache[path])
    }

    /// Postings at `[pack, offset, length]`: (document, weight) pairs. A
    /// negative length is a bitmap's.
    fn postings(&mut self, pack: u64, off: u64, len: i64) -> Result<Vec<(u32, u32)>, Diagnostic> {
        let path = format!("{}p/{pack}.bin", super::DIR);
        if !self.packs.contains_key(&path) {
            let b = self.bytes(&path)?;
            self.packs.insert(path.clone(), b);
        }
        let b = &self.packs[&path];
        let range = off as usize..off as usize + len.unsigned_abs() as usize;
        let slice = b
            .get(range)
            .ok_or_else(|| damaged(&path, 0, "bad range".into()))?;
        if len < 0 {
            return Ok(decode_bitmap(slice, self.n));
        }
        Ok(decode(slice, WEIGHT_SCALE))
    }

    /// The postings of the entry called `name` in a list of `[name, _,
    /// [pack, offset, length]]` (the manifest's topics, a jurisdiction's
    /// units); none when no entry has that name.
    fn named_postings(
        &mut self,
        list: &[Value],
        name: &str,
    ) -> Result<Vec<(u32, u32)>, Diagnostic> {
        let Some(entry) = list.iter().find(|e| e[0].as_str() == Some(name)) else {
            return Ok(Vec::new());
        };
        let l = &entry[2];
        self.postings(
            l[0].as_u64().unwrap_or(0),
            l[1].as_u64().unwrap_or(0),
            l[2].as_i64().unwrap_or(0),
        )
    }
}

/// Decodes a posting list; a posting without a weight byte weighs `default`.
pub fn decode(bytes: &[u8], default: u32) -> Vec<(u32, u32)> {
    // An entry takes one byte or more.
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let mut doc = 0u32;
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
    while i < bytes.len() {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = byte(i);
            i += 1;
            v |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b < 0x80 || shift > 63 {
                break;
            }
        }
        let delta = (v >> 1) as u32;
        doc = if out.is_empty() { delta } else { doc + delta };
        let w = if v & 1 == 1 {
            i += 1;
            u32::from(byte(i - 1))
        } else {
            default
        };
        out.push((doc, w));
    }
    out
}

/// Decodes a bitmap of `n` documents followed by their weights (or by
/// nothing: each weighs [`WEIGHT_SCALE`]).
pub fn decode_bitmap(bytes: &[u8], n: usize) -> Vec<(u32, u32)> {
    let (bits, weights) = bytes.split_at(n.div_ceil(8).min(bytes.len()));
    let docs = bits.iter().enumerate().flat_map(|(i, &byte)| {
        (0..8u32)
            .filter(move |bit| byte & (1 << bit) != 0)
            .map(move |bit| i as u32 * 8 + bit)
    });
    let mut weights = weights.iter();
    docs.map(|d| (d, weights.next().map_or(WEIGHT_SCALE, |&w| u32::from(w))))
        .collect()
}

/// A term of the dictionary: where its postings are and how many
/// documents have it.
#[derive(Debug, Clone)]
struct Term {
    text: String,
    loc: (u64, u64, i64),
    df: u64,
}

/// The dictionary shard that holds terms beginning with `c`.
fn shard_of(starts: &[Value], c: char) -> Option<usize> {
    let key = c.to_string();
    let n = starts.partition_point(|s| s.as_str().is_some_and(|s| s <= key.as_str()));
    n.checked_sub(1)
}

/// A dictionary shard: its terms, and its pinyin spellings with the terms
/// each stands for.
struct Shard {
    terms: Vec<Term>,
    spelt: HashMap<String, Vec<Term>>,
}

fn shard(r: &mut Reader, i: usize) -> Result<Shard, Diagnostic> {
    let v = r.json(&format!("{}d/{i}.json", super::DIR))?;
    let t = v["t"].as_array().cloned().unwrap_or_default();
    let refs = v["r"].as_array().cloned().unwrap_or_default();
    let n = |a: &[Value], j: usize| a.get(j).and_then(Value::as_i64).unwrap_or(0);
    let term = |text: &Value, row: &[Value]| Term {
        text: text.as_str().unwrap_or("").to_string(),
        loc: (n(row, 0) as u64, n(row, 1) as u64, n(row, 2)),
        df: n(row, 3) as u64,
    };
    let terms = t
        .iter()
        .enumerate()
        .map(|(k, s)| term(s, refs.get(4 * k..4 * k + 4).unwrap_or(&[])))
        .collect();
    let mut spelt = HashMap::new();
    for entry in v["y"].as_array().into_iter().flatten() {
        let alts = entry[1].as_array().into_iter().flatten();
        let alts = alts
            .filter_map(Value::as_array)
            .map(|a| term(&a[0], a.get(1..).unwrap_or(&[])))
            .collect();
        spelt.insert(entry[0].as_str().unwrap_or("").to_string(), alts);
    }
    Ok(Shard { terms, spelt })
}

/// Segments one clause: each item is a term, or the terms a spelling or a
/// missing character expands to (an empty list when none).
fn segment(r: &mut Reader, starts: &[Value], clause: &str) -> Result<Vec<Vec<Term>>, Diagnostic> {
    let chars: Vec<char> = clause.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(shard_no) = shard_of(starts, chars[i]) else {
            out.push(Vec::new());
            i += 1;
            continue;
        };
        let shard = shard(r, shard_no)?;
        let by_text: HashMap<&str, &Term> =
            shard.terms.iter().map(|t| (t.text.as_str(), t)).collect();
        let longest = shard
            .terms
            .iter()
            .map(|t| t.text.chars().count())
            .chain(shard.spelt.keys().map(|k| k.chars().count()))
            .max()
            .unwrap_or(1);
        let mut found = None;
        for len in (1..=longest.min(chars.len() - i)).rev() {
            let s: String = chars[i..i + len].iter().collect();
            let mut alts: Vec<Term> = by_text
                .get(s.as_str())
                .map(|t| (*t).clone())
                .into_iter()
                .collect();
            for t in shard.spelt.get(&s).into_iter().flatten() {
                if !alts.iter().any(|a| a.text == t.text) {
                    alts.push(t.clone());
                }
            }
            if !alts.is_empty() {
                found = Some((alts, len));
                break;
            }
        }
        match found {
            Some((alts, len)) => {
                out.push(alts);
                i += len;
            }
            None => {
                let c = chars[i];
                if !STOP.contains(c) {
                    // A prefix: the most frequent terms beginning with it.
                    let prefix = c.to_string();
                    let mut ex: Vec<Term> = shard
                        .terms
                        .iter()
                        .filter(|t| t.text.starts_with(&prefix))
                        .cloned()
                        .collect();
                    ex.sort_by(|a, b| b.df.cmp(&a.df).then(a.text.cmp(&b.text)));
                    ex.truncate(MAX_EXPANSION);
                    out.push(ex);
                }
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A normalised query folded to simplified characters with the index's
/// table, fetched only when the query has a Chinese character.
fn fold_query(r: &mut Reader, q: &str) -> Result<String, Diagnostic> {
    if !q.chars().any(|c| c >= '\u{3400}') {
        return Ok(q.to_string());
    }
    let table = r.json(&format!("{}fold.json", super::DIR))?;
    let table = parse_table(table.as_str().unwrap_or(""));
    Ok(q.chars()
        .map(|c| table.get(&c).copied().unwrap_or(c))
        .collect())
}

/// At most this many terms stand for a character (or a spelling).
pub const MAX_EXPANSION: usize = 20;

/// Runs a query; `limit` results get their fragments loaded.
pub fn search(
    fetch: Fetch,
    q: &str,
    filters: &Filters,
    limit: usize,
) -> Result<Results, Diagnostic> {
    let mut r = Reader {
        fetch,
        n: 0,
        cache: HashMap::new(),
        packs: HashMap::new(),
        fetched: BTreeMap::new(),
    };
    let meta = r.json(&format!("{}meta.json", super::DIR))?.clone();
    r.n = meta["n"].as_u64().unwrap_or(0) as usize;
    let q = fold_query(&mut r, &normalize(q))?;
    let mut results = Results::default();
    let docs = score(&mut r, &meta, &q, &mut results.terms)?;
    let plans = Plans::of(&meta);
    let keep = filter(&mut r, &meta, filters)?;
    let want_j = filters
        .jurisdiction
        .as_ref()
        .map(|name| plans.jurisdiction(&meta, name));
    let mut ranked: Vec<(u32, usize, f64)> = docs
        .into_iter()
        .filter(|(d, _)| keep.as_ref().is_none_or(|k| k.contains(d)))
        .filter(|(d, _)| want_j.is_none_or(|j| plans.jurisdiction_of(*d) == Some(j)))
        .map(|(d, (p, s))| (d, p, s))
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.2.partial_cmp(&a.2).unwrap_or(std::cmp::Ordering::Equal))
            .then(a.0.cmp(&b.0))
    });
    for (i, &(doc, parts, score)) in ranked.iter().enumerate() {
        let j = plans.jurisdiction_of(doc).unwrap_or(0) as usize;
        let mut hit = Hit {
            doc,
            kind: "task",
            label: String::new(),
            plan: String::new(),
            path: String::new(),
            text: String::new(),
            lead: Vec::new(),
            jurisdiction: meta["j"][j][0].as_str().unwrap_or("").to_string(),
            parts,
            score,
        };
        if i < limit {
            show(&mut r, &meta, &mut hit)?;
        }
        results.hits.push(hit);
    }
    results.fetched = r.fetched;
    Ok(results)
}

/// Per document: the number of parts of `q` it matches, and its score.
/// Each part's terms (alternatives joined by `|`) go to `terms`.
fn score(
    r: &mut Reader,
    meta: &Value,
    q: &str,
    terms: &mut Vec<Vec<String>>,
) -> Result<HashMap<u32, (usize, f64)>, Diagnostic> {
    let starts = meta["s"].as_array().cloned().unwrap_or_default();
    let mut docs: HashMap<u32, (usize, f64)> = HashMap::new();
    for part in q.split_whitespace() {
        let mut items: Vec<Vec<Term>> = Vec::new();
        for clause in clauses(part) {
            items.extend(segment(r, &starts, clause)?);
        }
        if items.is_empty() {
            continue;
        }
        terms.push(
            items
                .iter()
                .map(|ts| {
                    ts.iter()
                        .map(|t| t.text.as_str())
                        .collect::<Vec<_>>()
                        .join("|")
                })
                .collect(),
        );
        for (d, s) in part_docs(r, &items)? {
            let e = docs.entry(d).or_insert((0, 0.0));
            e.0 += 1;
            e.1 += s;
        }
    }
    Ok(docs)
}

/// The documents with every item of a part, and their scores.
fn part_docs(r: &mut Reader, items: &[Vec<Term>]) -> Result<HashMap<u32, f64>, Diagnostic> {
    // An item that is no term of the index: the part matches nothing, and
    // nothing more needs downloading.
    if items.iter().any(Vec::is_empty) {
        return Ok(HashMap::new());
    }
    let n = r.n as f64;
    let mut part_docs: Option<HashMap<u32, f64>> = None;
    for alts in items {
        let mut union: HashMap<u32, f64> = HashMap::new();
        for t in alts {
            let idf = (1.0 + (n - t.df as f64 + 0.5) / (t.df as f64 + 0.5)).ln();
            for (d, w) in r.postings(t.loc.0, t.loc.1, t.loc.2)? {
                let s = idf * f64::from(w) / f64::from(WEIGHT_SCALE);
                let e = union.entry(d).or_insert(0.0);
                *e = e.max(s);
            }
        }
        part_docs = Some(match part_docs {
            None => union,
            Some(prev) => prev
                .into_iter()
                .filter_map(|(d, s)| union.get(&d).map(|s2| (d, s + s2)))
                .collect(),
        });
    }
    Ok(part_docs.unwrap_or_default())
}

/// Where each plan's documents start, and its jurisdiction.
struct Plans {
    start: Vec<u64>,
    jurisdiction: Vec<u64>,
}

impl Plans {
    fn of(meta: &Value) -> Self {
        let numbers = |key: &str| -> Vec<u64> {
            meta[key]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_u64).collect())
                .unwrap_or_default()
        };
        let mut acc = 0u64;
        let start = numbers("pd")
            .into_iter()
            .map(|d| {
                acc += d;
                acc - d
            })
            .collect();
        Plans {
            start,
            jurisdiction: numbers("pj"),
        }
    }

    fn jurisdiction_of(&self, doc: u32) -> Option<u64> {
        let p = self.start.partition_point(|&s| s <= u64::from(doc));
        self.jurisdiction.get(p.checked_sub(1)?).copied()
    }

    /// The number of the jurisdiction called `name` (none matches `u64::MAX`).
    fn jurisdiction(&self, meta: &Value, name: &str) -> u64 {
        let all = meta["j"].as_array().cloned().unwrap_or_default();
        all.iter()
            .position(|v| v[0].as_str() == Some(name))
            .unwrap_or(usize::MAX) as u64
    }
}

/// The documents the topic and unit filters keep (none: no such filter).
fn filter(
    r: &mut Reader,
    meta: &Value,
    filters: &Filters,
) -> Result<Option<std::collections::HashSet<u32>>, Diagnostic> {
    let mut keep: Option<std::collections::HashSet<u32>> = None;
    let mut restrict = |set: Vec<(u32, u32)>| {
        let set: std::collections::HashSet<u32> = set.into_iter().map(|(d, _)| d).collect();
        keep = Some(match keep.take() {
            None => set,
            Some(k) => k.intersection(&set).copied().collect(),
        });
    };
    if let Some(name) = &filters.topic {
        let topics = meta["t"].as_array().cloned().unwrap_or_default();
        restrict(r.named_postings(&topics, name)?);
    }
    if let Some(name) = &filters.unit {
        let jur = filters.jurisdiction.as_deref();
        let jur = jur.ok_or_else(|| {
            Diagnostic::general("a unit filter needs a jurisdiction")
                .with_hint("filter by the unit's jurisdiction too")
        })?;
        let j = Plans::of(meta).jurisdiction(meta, jur);
        let units = r.json(&format!("{}u/{j}.json", super::DIR))?.clone();
        let units = units.as_array().cloned().unwrap_or_default();
        restrict(r.named_postings(&units, name)?);
    }
    Ok(keep)
}

/// Fills in what a result shows, from its fragment file.
fn show(r: &mut Reader, meta: &Value, hit: &mut Hit) -> Result<(), Diagnostic> {
    let k = meta["k"].as_u64().unwrap_or(1).max(1);
    let doc = u64::from(hit.doc);
    let frag = r.json(&super::fragment_path((doc / k) as usize))?;
    let d = &frag["d"][(doc % k) as usize];
    let p = &frag["p"][d[1].as_u64().unwrap_or(0) as usize];
    hit.kind = match d[0].as_u64() {
        Some(0) => "task",
        Some(1) => "section",
        _ => "plan",
    };
    hit.label = d[2].as_str().unwrap_or("").to_string();
    hit.plan = p[0].as_str().unwrap_or("").to_string();
    let anchor = d[3].as_str().unwrap_or("");
    let path = p[1].as_str().unwrap_or("");
    hit.path = if anchor.is_empty() {
        path.to_string()
    } else {
        format!("{path}#{anchor}")
    };
    hit.text = d[4].as_str().unwrap_or("").to_string();
    hit.lead = d[5]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u[0].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Ok(())
}
