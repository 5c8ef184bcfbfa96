//! Traditional characters folded to simplified ones, so that `憲法` finds
//! what `宪法` finds.
//!
//! The rule, the same at index and query time: a character is replaced by
//! the one character `zhconv` turns it into when converted alone (to
//! `zh-Hans`). Folding letter by letter rather than by phrases keeps every
//! character's place, and lets the page fold a query with a table: the index
//! ships only the pairs whose simplified side occurs in its terms or its
//! stop words (`search/fold.json`, [`table`]), since folding any other
//! character could not make a query match.

use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

/// The blocks that hold traditional characters: CJK Extension A and the
/// unified ideographs (compatibility ideographs become unified ones under
/// NFKC, before folding).
const RANGES: [std::ops::RangeInclusive<u32>; 2] = [0x3400..=0x4DBF, 0x4E00..=0x9FFF];

/// Every traditional character and its simplified form (built once per
/// process, about 27,000 single-character conversions).
static FOLD: LazyLock<FxHashMap<char, char>> = LazyLock::new(|| {
    let mut map = FxHashMap::default();
    let mut buf = [0u8; 4];
    for c in RANGES.into_iter().flatten().filter_map(char::from_u32) {
        let s = zhconv::zhconv(c.encode_utf8(&mut buf), zhconv::Variant::ZhHans);
        let mut chars = s.chars();
        if let (Some(to), None) = (chars.next(), chars.next())
            && to != c
        {
            map.insert(c, to);
        }
    }
    map
});

/// Builds the table now (a build starts this on another thread).
pub fn warm_up() {
    LazyLock::force(&FOLD);
}

/// The simplified form of `c` ([`FOLD`]), or `c`.
pub fn fold_char(c: char) -> char {
    if (c as u32) < 0x3400 {
        return c;
    }
    FOLD.get(&c).copied().unwrap_or(c)
}

/// `text` with every character folded.
pub fn fold(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().all(|c| fold_char(c) == c) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(fold_char).collect())
}

/// The pairs the page needs, as one string of `traditional simplified`
/// character pairs in code point order: those whose simplified character
/// occurs in `terms` or in `stop`.
pub fn table<'a>(terms: impl Iterator<Item = &'a str>, stop: &str) -> String {
    let used: FxHashSet<char> = terms.flat_map(str::chars).chain(stop.chars()).collect();
    let mut pairs: Vec<(char, char)> = FOLD
        .iter()
        .filter(|(_, to)| used.contains(to))
        .map(|(&from, &to)| (from, to))
        .collect();
    pairs.sort_unstable();
    pairs.into_iter().flat_map(|(a, b)| [a, b]).collect()
}

/// A table of [`table`] as a map.
pub fn parse_table(pairs: &str) -> FxHashMap<char, char> {
    let chars: Vec<char> = pairs.chars().collect();
    chars.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traditional_characters_fold_and_simplified_ones_stay() {
        assert_eq!(fold("憲法宣誓"), "宪法宣誓");
        assert_eq!(fold("區司法局"), "区司法局");
        assert_eq!(fold("依法治國"), "依法治国");
        for s in ["宪法", "区司法局", "法治建设规划", "abc 12"] {
            assert!(matches!(fold(s), std::borrow::Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn the_table_holds_only_what_the_terms_need() {
        let t = parse_table(&table(["宪法"].into_iter(), "与"));
        assert_eq!(t.get(&'憲'), Some(&'宪'));
        assert_eq!(t.get(&'與'), Some(&'与'), "stop words fold too");
        assert_eq!(t.get(&'國'), None, "国 is in no term");
    }
}
