//! Posting lists: gathered with raw weights while documents are segmented,
//! then weighed against document lengths and packed into files.

use crate::diagnostics::Diagnostic;
use crate::model::UnitId;

use super::query::{self, WEIGHT_SCALE};
use super::{DIR, Emit};

/// Posting packs are cut at about this size…
const PACK_TARGET: usize = 16 * 1024;
/// …and a list at least this long gets a pack of its own.
const PACK_ALONE: usize = 8 * 1024;

/// BM25's term-frequency saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// While the index is built, a posting's weight byte is `fixed << 2 | tf`:
/// the fixed weight of its fields (titles, names; at most 63) and its
/// occurrences in the document's text (at most 3). Raw weight 1 (one
/// occurrence, nothing else) is the commonest and takes no byte.
pub(super) fn raw_weight(fixed: u32, tf: u32) -> u8 {
    ((fixed.min(63) << 2) | tf.min(3)) as u8
}

/// Two raw weights of one document added (as if entered together).
fn add_raw(a: u32, b: u32) -> u32 {
    u32::from(raw_weight((a >> 2) + (b >> 2), (a & 3) + (b & 3)))
}

/// The weight written for a raw weight in a document of `len` text terms
/// (`avg` on average): its fixed weight plus BM25's text weight
/// `tf·(k1+1) / (tf + k1·(1 − b + b·len/avg))`, times [`WEIGHT_SCALE`].
/// A query then sums `idf × weight / WEIGHT_SCALE` and needs no lengths.
fn impact(raw: u32, len: u32, avg: f64) -> u8 {
    let fixed = f64::from(raw >> 2);
    let tf = f64::from(raw & 3);
    let text = if tf > 0.0 {
        let norm = 1.0 - B + B * f64::from(len) / avg.max(1.0);
        tf * (K1 + 1.0) / (tf + K1 * norm)
    } else {
        0.0
    };
    ((fixed + text) * f64::from(WEIGHT_SCALE))
        .round()
        .clamp(1.0, 255.0) as u8
}

/// The most bytes one entry takes (a 64-bit varint and a weight byte).
const MAX_ENTRY: usize = 11;

/// A posting list being written: varints `delta << 1 | flag`, a weight byte
/// after a set flag (see [`super`]).
#[derive(Default)]
pub(super) struct Postings {
    /// The list, or its end when `frozen` holds its beginning.
    pub bytes: Vec<u8>,
    pub last: u32,
    pub df: u32,
    /// The list's beginning, compressed a [`FREEZE`] bytes at a time
    /// ([`Postings::push_compact`]); [`Postings::thaw`] restores it.
    frozen: Vec<Box<[u8]>>,
    /// The length of what `frozen` holds, uncompressed.
    frozen_len: usize,
}

/// Raw bytes of a list compressed at a time: all raw lists are held until
/// the last document is segmented, beside the segmenter's dictionary (the
/// clean build's highest point), and compressed they take a fraction.
const FREEZE: usize = 8 * 1024;
/// zstd's fastest level: the lists are compressed while documents are
/// segmented, and are decompressed once.
const FREEZE_LEVEL: i32 = 1;
/// The first byte of a frame of [`Postings::freeze`]: compressed or not.
const ZSTD: u8 = 1;
const RAW: u8 = 0;

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

impl Postings {
    /// Adds `doc` with weight `w`; a weight equal to `default` takes no byte.
    pub fn push(&mut self, doc: u32, w: u8, default: u8) {
        // Grow by an eighth rather than double: all lists are held until the
        // last document, and doubling left a third of their bytes unused
        // (most terms of real text are rare: their lists start small).
        if self.bytes.capacity() - self.bytes.len() < MAX_ENTRY {
            self.bytes.reserve_exact((self.bytes.len() / 8).max(16));
        }
        let delta = if self.df == 0 { doc } else { doc - self.last };
        varint(
            &mut self.bytes,
            (u64::from(delta) << 1) | u64::from(w != default),
        );
        if w != default {
            self.bytes.push(w);
        }
        self.last = doc;
        self.df += 1;
    }

    /// [`Postings::push`], compressing the list's bytes each time they
    /// reach [`FREEZE`].
    pub fn push_compact(&mut self, doc: u32, w: u8, default: u8) {
        self.push(doc, w, default);
        if self.bytes.len() >= FREEZE {
            self.freeze();
        }
    }

    /// Moves the list's bytes into a frame of `frozen`: [`ZSTD`] and zstd's
    /// frame, or [`RAW`] and the bytes as they are where compressing does not
    /// shorten them. Either way `bytes` is emptied, so no byte is compressed
    /// twice (kept in `bytes`, an incompressible list was compressed again
    /// at every push).
    fn freeze(&mut self) {
        let frame = match zstd::bulk::compress(&self.bytes, FREEZE_LEVEL) {
            Ok(z) if z.len() < self.bytes.len() => [&[ZSTD][..], &z].concat(),
            _ => [&[RAW][..], &self.bytes].concat(),
        };
        self.frozen_len += self.bytes.len();
        self.frozen.push(frame.into_boxed_slice());
        self.bytes.clear();
    }

    /// The length of the list's bytes, compressed or not.
    pub fn len(&self) -> usize {
        self.frozen_len + self.bytes.len()
    }

    /// The list with all its bytes in `bytes`.
    pub fn thaw(mut self) -> Result<Postings, Diagnostic> {
        if self.frozen.is_empty() {
            return Ok(self);
        }
        let mut bytes = Vec::with_capacity(self.len());
        for frame in std::mem::take(&mut self.frozen) {
            match frame.split_first() {
                Some((&ZSTD, z)) => {
                    let part = zstd::bulk::decompress(z, FREEZE + MAX_ENTRY).map_err(|e| {
                        Diagnostic::error(DIR, 0, format!("cannot read a posting list back: {e}"))
                    })?;
                    bytes.extend_from_slice(&part);
                }
                Some((_, raw)) => bytes.extend_from_slice(raw),
                None => {}
            }
        }
        bytes.extend_from_slice(&self.bytes);
        Ok(Postings {
            bytes,
            frozen_len: 0,
            ..self
        })
    }
}

/// A list as written: its bytes, and whether they are a bitmap.
pub(super) struct Final {
    pub bytes: Vec<u8>,
    pub bitmap: bool,
}

/// A raw list weighed by document length ([`impact`]) and encoded, as a list
/// or, when shorter, as a bitmap of all documents (bit `d % 8` of byte
/// `d / 8`) followed by the weight of each document set, in order (none
/// for a term in most documents: each then weighs [`WEIGHT_SCALE`]).
pub(super) fn weigh(raw: &[u8], lengths: &[u32], avg: f64) -> Final {
    let postings = query::decode(raw, 1);
    let weights: Vec<(u32, u8)> = postings
        .iter()
        .map(|&(d, w)| (d, impact(w, lengths[d as usize], avg)))
        .collect();
    // Each entry keeps its delta and gains at most a weight byte: the list
    // is never grown by an eighth at a time, as raw lists are.
    let mut list = Postings {
        bytes: Vec::with_capacity(raw.len() + weights.len()),
        ..Postings::default()
    };
    for &(d, w) in &weights {
        list.push(d, w, WEIGHT_SCALE as u8);
    }
    let bitmap_len = lengths.len().div_ceil(8);
    // A term in most documents weighs next to nothing in a score (its idf
    // is near 0): its bitmap goes without weights, which would be most of
    // the first result's download (90 KB of 100 for 法治 at 1,000 plans).
    let dense = weights.len() * 2 > lengths.len();
    let weighed = if dense { 0 } else { weights.len() };
    if list.bytes.len() <= bitmap_len + weighed {
        return Final {
            bytes: list.bytes,
            bitmap: false,
        };
    }
    let mut bytes = vec![0u8; bitmap_len];
    for &(d, _) in &weights {
        bytes[d as usize / 8] |= 1 << (d % 8);
    }
    if !dense {
        bytes.extend(weights.iter().map(|&(_, w)| w));
    }
    Final {
        bytes,
        bitmap: true,
    }
}

/// The documents of units with aliases, posted under the aliases' terms
/// once the index is complete: per alias term one merge of its units'
/// document lists into its list, instead of one entry per task and term.
#[derive(Default)]
pub(super) struct AliasPostings {
    /// Per unit: (document, fixed weight) of each task naming it, in order.
    pub docs: Vec<Vec<(u32, u8)>>,
    /// Alias term -> the units (with documents) it is an alias term of.
    units_of: rustc_hash::FxHashMap<u32, Vec<UnitId>>,
}

impl AliasPostings {
    pub fn new(units: usize) -> Self {
        AliasPostings {
            docs: vec![Vec::new(); units],
            units_of: Default::default(),
        }
    }

    pub fn invert(&mut self, unit_aliases: &[Box<[u32]>]) {
        for (u, terms) in unit_aliases.iter().enumerate() {
            if self.docs[u].is_empty() {
                continue;
            }
            for &t in terms.iter() {
                self.units_of.entry(t).or_default().push(u);
            }
        }
    }

    pub fn has(&self, term: u32) -> bool {
        self.units_of.contains_key(&term)
    }

    /// `list` (a term's raw postings from the documents' own fields) with
    /// the documents of the units the term names added, weights summed as if
    /// the units' names had been entered per document.
    pub fn merge(&self, term: u32, list: &[u8]) -> Postings {
        let mut all = query::decode(list, 1);
        for &u in &self.units_of[&term] {
            let docs = self.docs[u].iter();
            all.extend(docs.map(|&(d, w)| (d, u32::from(raw_weight(w.into(), 0)))));
        }
        // Mostly in order already (one unit's documents are).
        all.sort_by_key(|&(d, _)| d);
        let mut merged = Postings {
            bytes: Vec::with_capacity(list.len() + 3 * all.len()),
            ..Postings::default()
        };
        // Entries for one document (its own text, a unit both leading and
        // sharing the task, two units) add up, as they would per document.
        for run in all.chunk_by(|x, y| x.0 == y.0) {
            let w = run.iter().map(|&(_, w)| w).fold(0, add_raw);
            merged.push(run[0].0, w.clamp(1, 255) as u8, 1);
        }
        merged
    }
}

/// Where a posting list is: pack, byte offset, length.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub(super) struct Loc(pub u32, pub u32, pub u32);

/// Packs posting lists into files, handing each pack to `out` as soon as
/// nothing more goes into it: the packs are never all in memory beside the
/// lists they are made of.
pub(super) struct Packer<'o> {
    /// The number of packs made so far.
    count: u32,
    /// The pack being filled, and its number.
    open: Option<(u32, Vec<u8>)>,
    out: Emit<'o>,
}

impl<'o> Packer<'o> {
    pub fn new(out: Emit<'o>) -> Self {
        Packer {
            count: 0,
            open: None,
            out,
        }
    }

    fn emit(&self, pack: u32, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        (self.out)(format!("{DIR}p/{pack}.bin"), bytes)
    }

    pub fn add(&mut self, bytes: &[u8]) -> Result<Loc, Diagnostic> {
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
    pub fn finish(&mut self) -> Result<(), Diagnostic> {
        match self.open.take() {
            Some((pack, bytes)) => self.emit(pack, bytes),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_text_weighs_more_than_a_long_one() {
        let once = u32::from(raw_weight(0, 1));
        assert!(impact(once, 5, 30.0) > impact(once, 120, 30.0));
        assert_eq!(impact(once, 30, 30.0), WEIGHT_SCALE as u8, "average: 1");
    }

    #[test]
    fn roles_outweigh_the_text() {
        let most_text = |fixed| impact(u32::from(raw_weight(fixed, 3)), 1, 30.0);
        let role = |fixed| impact(u32::from(raw_weight(fixed, 0)), 200, 30.0);
        use super::super::docs::{W_LEAD, W_UNIT};
        assert!(role(W_LEAD) > most_text(W_UNIT));
        assert!(role(W_UNIT) > most_text(0));
    }

    #[test]
    fn a_list_compressed_as_it_grows_thaws_to_the_same_bytes() {
        let (mut plain, mut compact) = (Postings::default(), Postings::default());
        for d in 0..20_000u32 {
            let w = raw_weight(d % 3, 1 + d % 2);
            plain.push(d * 3, w, 1);
            compact.push_compact(d * 3, w, 1);
        }
        assert!(!compact.frozen.is_empty(), "compressed as it grew");
        assert!(compact.bytes.len() < FREEZE);
        assert_eq!(compact.len(), plain.bytes.len());
        let thawed = compact.thaw().map_err(|d| d.to_string());
        let thawed = thawed.as_ref().map(|t| (&t.bytes[..], t.df, t.last));
        assert_eq!(thawed, Ok((&plain.bytes[..], plain.df, plain.last)));
    }

    #[test]
    fn incompressible_bytes_are_frozen_as_they_are_and_thaw_the_same() {
        let mut rng = fastrand::Rng::with_seed(7);
        let noise: Vec<u8> = std::iter::repeat_with(|| rng.u8(..))
            .take(FREEZE + 5)
            .collect();
        let mut list = Postings {
            bytes: noise.clone(),
            ..Postings::default()
        };
        list.freeze();
        assert!(list.bytes.is_empty(), "frozen, compressible or not");
        assert_eq!(list.frozen[0][0], RAW);
        list.bytes.extend_from_slice(b"tail");
        let thawed = list.thaw().map(|t| t.bytes).map_err(|d| d.to_string());
        assert_eq!(thawed, Ok([&noise[..], b"tail"].concat()));
    }

    #[test]
    fn dense_lists_become_bitmaps_with_their_weights() {
        let mut raw = Postings::default();
        let lengths = vec![10u32; 160];
        for d in 0..64 {
            raw.push(d, raw_weight(d % 5, 1), 1);
        }
        let f = weigh(&raw.bytes, &lengths, 10.0);
        assert!(f.bitmap);
        assert_eq!(f.bytes.len(), 20 + 64);
        let decoded = query::decode_bitmap(&f.bytes, 160);
        assert_eq!(decoded.len(), 64);
        assert_eq!(
            decoded[3].1,
            u32::from(impact(u32::from(raw_weight(3, 1)), 10, 10.0))
        );
    }
}
