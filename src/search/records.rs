//! What search derives from each plan (its documents' terms, weights and
//! lengths: [`PlanOut`] less the documents), kept beside the build's state
//! so that an edit build segments only the plans that changed.
//!
//! A plan's record is keyed by a hash of every field of the plan that
//! [`super::docs`] reads and of the site's names and the binary
//! ([`super::reuse`]). Plans are kept in groups, one file each, whose
//! bounds follow from the plans' keys alone ([`group_ends`]): an edit
//! changes one group's file and an addition one or two, not all those
//! after it. A group's file is named by a hash of its plans' keys; a build
//! takes the records of a group whose file the previous output has,
//! segments the others, and writes every group's file (not linked: the
//! output's machinery removes a file of the whole site that a build no
//! longer makes only if the build before wrote it), so that the output
//! holds exactly the records of its plans, the same after an edit build as
//! after a clean one. Terms are kept as text (their numbers are a build's
//! own). A file or record that does not decode is made again.

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_128;

use super::docs::PlanOut;
use super::segment::Interner;

/// Where the groups' files are, inside the output (beside the build state).
pub const DIR: &str = ".planpress/search-terms/";

/// A record's first byte: bumped whenever the layout changes.
const FORMAT: u8 = 1;

/// A group's file starts with this, then the CRC-32 of the rest (as
/// [`crate::sealed`] frames a file; not its postcard, which takes bytes
/// one at a time).
const MAGIC: &[u8; 8] = b"PPSTERM1";

/// A group ends after a plan whose key is 0 modulo this (so groups hold
/// this many plans on average)…
const GROUP_SPREAD: u128 = 32;
/// …or once it holds this many plans (bounds the memory a group holds).
const GROUP_MAX: usize = 64;

/// Where each group of plans (with keys `keys`) ends: a plan ends its group
/// when its key says so, or when the group is full.
pub(super) fn group_ends(keys: &[u128]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut start = 0;
    for (p, key) in keys.iter().enumerate() {
        if key % GROUP_SPREAD == 0 || p + 1 - start == GROUP_MAX {
            ends.push(p + 1);
            start = p + 1;
        }
    }
    if start < keys.len() {
        ends.push(keys.len());
    }
    ends
}

/// The path of the file of the group of plans whose keys are `keys`.
pub(super) fn path(keys: &[u128]) -> String {
    let bytes: Vec<u8> = keys.iter().flat_map(|k| k.to_le_bytes()).collect();
    format!("{DIR}{:032x}.bin", xxh3_128(&bytes))
}

/// A group's file: [`MAGIC`], the CRC-32 of the rest, the number of
/// records, then each record's length and bytes.
pub(super) fn seal(records: &[Vec<u8>]) -> Vec<u8> {
    let size: usize = records.iter().map(|r| r.len() + 4).sum();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + size);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[0; 4]);
    varint(&mut out, records.len() as u64);
    for r in records {
        varint(&mut out, r.len() as u64);
        out.extend_from_slice(r);
    }
    let body = MAGIC.len() + 4;
    let crc = crc32fast::hash(&out[body..]).to_le_bytes();
    out[MAGIC.len()..body].copy_from_slice(&crc);
    out
}

/// The records of a group's file of `plans` plans, if it is intact.
pub(super) fn open(bytes: &[u8], plans: usize) -> Option<Vec<&[u8]>> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let (crc, body) = rest.split_first_chunk::<4>()?;
    (crc32fast::hash(body) == u32::from_le_bytes(*crc)).then_some(())?;
    let mut r = Reader { bytes: body };
    (r.count(1)? == plans).then_some(())?;
    let records = (0..plans).map(|_| r.slice()).collect::<Option<Vec<_>>>()?;
    r.bytes.is_empty().then_some(records)
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A plan's record: its terms (as text), then its documents' lengths, its
/// entries, its units' documents and its title terms, terms by their place
/// in the record's own list.
pub(super) fn encode(plan: &PlanOut, interner: &Interner) -> Vec<u8> {
    // Terms in text order, and each document's entries in that order: a
    // term's number, and so the order a document's terms were first seen
    // in (names' terms are sorted by number), depends on the threads.
    let mut ids: Vec<u32> = plan.entries.iter().map(|&e| (e >> 32) as u32).collect();
    ids.extend_from_slice(&plan.title_terms);
    ids.sort_unstable();
    ids.dedup();
    let mut named: Vec<(Box<str>, u32)> = interner.terms(&ids).into_iter().zip(ids).collect();
    named.sort_unstable();
    let place: FxHashMap<u32, u32> = named
        .iter()
        .enumerate()
        .map(|(i, &(_, t))| (t, i as u32))
        .collect();
    let mut entries: Vec<(u32, u32, u8)> = plan
        .entries
        .iter()
        .map(|&e| {
            (
                (e >> 8) as u32 & 0xff_ffff,
                place[&((e >> 32) as u32)],
                e as u8,
            )
        })
        .collect();
    entries.sort_unstable();
    let mut titles: Vec<u32> = plan.title_terms.iter().map(|t| place[t]).collect();
    titles.sort_unstable();
    let mut out = Vec::with_capacity(64 + entries.len() * 3 + named.len() * 8);
    out.push(FORMAT);
    varint(&mut out, named.len() as u64);
    for (term, _) in &named {
        varint(&mut out, term.len() as u64);
        out.extend_from_slice(term.as_bytes());
    }
    varint(&mut out, plan.lengths.len() as u64);
    for &l in &plan.lengths {
        varint(&mut out, l.into());
    }
    varint(&mut out, entries.len() as u64);
    for (d, t, w) in entries {
        varint(&mut out, t.into());
        varint(&mut out, d.into());
        out.push(w);
    }
    varint(&mut out, plan.unit_docs.len() as u64);
    for &(u, d, w) in &plan.unit_docs {
        varint(&mut out, u as u64);
        varint(&mut out, d.into());
        out.push(w);
    }
    varint(&mut out, titles.len() as u64);
    for t in titles {
        varint(&mut out, t.into());
    }
    out
}

/// Reads a record.
struct Reader<'b> {
    bytes: &'b [u8],
}

impl<'b> Reader<'b> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.varint()?).ok()
    }

    /// A count of items each at least `min` bytes long (so a damaged count
    /// cannot ask for more memory than the record could hold).
    fn count(&mut self, min: usize) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n.saturating_mul(min) <= self.bytes.len()).then_some(n)
    }

    /// Bytes after their length.
    fn slice(&mut self) -> Option<&'b [u8]> {
        let n = self.count(1)?;
        let (s, rest) = self.bytes.split_at_checked(n)?;
        self.bytes = rest;
        Some(s)
    }

    fn text(&mut self) -> Option<&'b str> {
        std::str::from_utf8(self.slice()?).ok()
    }
}

/// Fills `plan` (made without its terms: [`super::docs::plan_docs`] in
/// documents-only mode) from its record; false when the record does not
/// decode or does not fit the plan's documents (or the site's `units`).
pub(super) fn decode(bytes: &[u8], interner: &Interner, units: usize, plan: &mut PlanOut) -> bool {
    read(bytes, interner, units, plan).is_some()
}

fn read(bytes: &[u8], interner: &Interner, units: usize, plan: &mut PlanOut) -> Option<()> {
    let mut r = Reader { bytes };
    (r.byte()? == FORMAT).then_some(())?;
    let n = r.count(2)?;
    let texts = (0..n).map(|_| r.text()).collect::<Option<Vec<&str>>>()?;
    let docs = plan.docs.len();
    (r.count(1)? == docs).then_some(())?;
    let lengths = (0..docs).map(|_| r.u32()).collect::<Option<Vec<u32>>>()?;
    let entries = (0..r.count(3)?)
        .map(|_| Some((r.u32()?, r.u32()?, r.byte()?)))
        .collect::<Option<Vec<_>>>()?;
    let unit_docs = (0..r.count(3)?)
        .map(|_| Some((usize::try_from(r.varint()?).ok()?, r.u32()?, r.byte()?)))
        .collect::<Option<Vec<_>>>()?;
    let titles = (0..r.count(1)?)
        .map(|_| r.u32())
        .collect::<Option<Vec<u32>>>()?;
    r.bytes.is_empty().then_some(())?;
    let fits = |t: u32| (t as usize) < n;
    let docs = docs as u32;
    if !entries.iter().all(|&(t, d, _)| fits(t) && d < docs)
        || !unit_docs.iter().all(|&(u, d, _)| u < units && d < docs)
        || !titles.iter().all(|&t| fits(t))
    {
        return None;
    }
    let ids = interner.ids(&texts);
    plan.lengths = lengths;
    plan.entries = entries
        .into_iter()
        .map(|(t, d, w)| (u64::from(ids[t as usize]) << 32) | (u64::from(d) << 8) | u64::from(w))
        .collect();
    plan.unit_docs = unit_docs;
    let mut titles: Vec<u32> = titles.into_iter().map(|t| ids[t as usize]).collect();
    titles.sort_unstable();
    titles.dedup();
    plan.title_terms = titles;
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_out(interner: &Interner) -> PlanOut<'static> {
        let [a, b] = [interner.id("法治"), interner.id("建设")];
        let entry = |t: u32, d: u64, w: u64| (u64::from(t) << 32) | (d << 8) | w;
        PlanOut {
            plan: 0,
            texts: false,
            docs: Vec::new(),
            lengths: vec![7, 0],
            entries: vec![entry(b, 0, 1), entry(a, 0, 9), entry(a, 1, 4)],
            unit_docs: vec![(3, 1, 6)],
            title_terms: vec![b],
        }
    }

    /// A plan's documents as `plan_docs_only` leaves them: two, no terms.
    fn documents_only() -> PlanOut<'static> {
        let doc = || super::super::docs::DocOut {
            kind: 0,
            label: "".into(),
            anchor: "".into(),
            text: String::new(),
            lead: None,
        };
        PlanOut {
            plan: 0,
            texts: false,
            docs: vec![doc(), doc()],
            lengths: Vec::new(),
            entries: Vec::new(),
            unit_docs: Vec::new(),
            title_terms: Vec::new(),
        }
    }

    #[test]
    fn a_groups_file_gives_back_its_records_and_damage_gives_none() {
        let records = vec![vec![1, 2, 3], Vec::new(), vec![7; 300]];
        let bytes = seal(&records);
        assert_eq!(
            open(&bytes, 3),
            Some(records.iter().map(|r| &r[..]).collect())
        );
        assert_eq!(open(&bytes, 2), None, "another number of plans");
        assert_eq!(open(&bytes[..bytes.len() - 1], 3), None);
        let mut flipped = bytes.clone();
        flipped[20] ^= 1;
        assert_eq!(open(&flipped, 3), None);
    }

    #[test]
    fn groups_end_where_keys_say_so_and_an_insertion_moves_no_other_bound() {
        let keys: Vec<u128> = (1..=200u128).map(|k| k * 7).collect();
        let ends = group_ends(&keys);
        assert_eq!(ends.last(), Some(&200));
        assert!(ends.windows(2).all(|w| w[1] - w[0] <= GROUP_MAX));
        assert!(ends.len() > 3, "{ends:?}");
        // A plan (not ending a group) inserted at 50: the bounds before it
        // stay, those after it move by one.
        let mut inserted = keys.clone();
        inserted.insert(50, 1);
        let moved: Vec<usize> = ends
            .iter()
            .map(|&e| if e > 50 { e + 1 } else { e })
            .collect();
        assert_eq!(group_ends(&inserted), moved);
    }

    #[test]
    fn a_record_gives_back_the_terms_under_another_builds_numbers() {
        let first = Interner::default();
        let bytes = encode(&plan_out(&first), &first);
        let other = Interner::default();
        other.id("别的");
        let mut back = documents_only();
        assert!(decode(&bytes, &other, 4, &mut back));
        let terms = other.into_terms();
        let seen: Vec<(&str, u64, u8)> = back
            .entries
            .iter()
            .map(|&e| (&*terms[(e >> 32) as usize], (e >> 8) & 0xff_ffff, e as u8))
            .collect();
        assert_eq!(seen, [("建设", 0, 1), ("法治", 0, 9), ("法治", 1, 4)]);
        assert_eq!(back.lengths, [7, 0]);
        assert_eq!(back.unit_docs, [(3, 1, 6)]);
        assert_eq!(&*terms[back.title_terms[0] as usize], "建设");
    }

    #[test]
    fn a_damaged_or_unfitting_record_is_refused() {
        let interner = Interner::default();
        let bytes = encode(&plan_out(&interner), &interner);
        let refused = |bytes: &[u8], units| !decode(bytes, &interner, units, &mut documents_only());
        assert!(refused(&bytes[..bytes.len() - 1], 4));
        assert!(refused(&[], 4));
        assert!(refused(&bytes, 3), "unit 3 of a site of 3");
        let mut other = bytes.clone();
        other[0] ^= 1;
        assert!(refused(&other, 4));
    }
}
