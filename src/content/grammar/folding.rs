//! 繁→简 folding: a text with a traditional letter of the grammar's words
//! is read in simplified letters (through `zhconv`).

use super::*;

/// Traditional forms of the grammar's own letters (labels, verbs, scope
/// words, unit endings, time words), from OpenCC's STCharacters table: a
/// paragraph without any of them holds no traditional annotation and is not
/// folded. A test checks that each folds back into the grammar's words.
pub(super) const TRADITIONAL_TRIGGERS: &str = "侷係個內別動務區協參單團堅婦實導廳彆態據時會極爲牽積箇節糰組結縣總繫續聯職與蔘處衕認負責辦進鄉鎮長門間閤關隊領頭館體點黨";

/// [`TRADITIONAL_TRIGGERS`] as a bit set over the CJK block.
pub(super) static TRIGGER_BITS: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut bits = vec![0u64; CJK_LEN.div_ceil(64)];
    for c in TRADITIONAL_TRIGGERS.chars() {
        if let Some(i) = (c as usize).checked_sub(CJK_FIRST).filter(|&i| i < CJK_LEN) {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    bits
});

pub(super) const CJK_FIRST: usize = 0x4e00;
pub(super) const CJK_LEN: usize = 0x9fff - 0x4e00 + 1;

/// Whether `text` holds a traditional form of a grammar letter.
pub(crate) fn needs_folding(text: &str) -> bool {
    // The CJK block is three bytes led by E4..E9, bytes that never continue
    // a letter: those are decoded by hand, every other byte is stepped over
    // (faster than decoding every letter, or than a multi-pattern search).
    let bits = &*TRIGGER_BITS;
    let b = text.as_bytes();
    let mut i = 0;
    while i + 2 < b.len() {
        let lead = b[i];
        if (0xe4..=0xe9).contains(&lead) {
            let c = (usize::from(lead & 0x0f) << 12)
                | (usize::from(b[i + 1] & 0x3f) << 6)
                | usize::from(b[i + 2] & 0x3f);
            if let Some(k) = c.checked_sub(CJK_FIRST)
                && k < CJK_LEN
                && bits[k / 64] >> (k % 64) & 1 == 1
            {
                return true;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    false
}

/// `text` in simplified characters when it holds traditional ones (OpenCC
/// and MediaWiki tables, through `zhconv`), borrowed as it is otherwise.
pub fn fold(text: &str) -> Cow<'_, str> {
    if !needs_folding(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(zhconv::zhconv(text, zhconv::Variant::ZhHans))
}

/// Whether byte offsets of `a` are byte offsets of `b` (same letters' sizes
/// in the same places), so that what is cut from one can be cut from the
/// other.
pub(crate) fn aligned(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.chars()
            .zip(b.chars())
            .all(|(x, y)| x.len_utf8() == y.len_utf8())
}
