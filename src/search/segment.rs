//! Words for the index: jieba's search-mode segmentation (no HMM), run once
//! per distinct clause, plus the whole names of units, topics, officials and
//! jurisdictions as terms of their own.
//!
//! The browser segments a query with the index's own terms (forward maximum
//! matching over the dictionary shards), so every rule here that changes a
//! term (normalisation, 繁→简 folding, stop words, length limit) has its twin
//! in `themes/portal/static/search.js` and in [`super::query`].

use std::borrow::Cow;
use std::sync::{Arc, Mutex, RwLock};

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

use super::fold::fold;

/// Words of rule-of-law plans added to jieba's dictionary (`words.txt`).
const DOMAIN_WORDS: &str = include_str!("words.txt");

/// The segmenter: jieba's default dictionary and [`DOMAIN_WORDS`]; made
/// once (about 0.2 s) and kept, so `serve` pays it once, until a build
/// [`release`]s it (it is about 50 MiB).
static JIEBA: RwLock<Option<Arc<Jieba>>> = RwLock::new(None);

fn make_jieba() -> Jieba {
    let mut jieba = Jieba::new();
    for word in DOMAIN_WORDS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        jieba.add_word(word, None, None);
    }
    jieba
}

/// The segmenter, made if need be.
fn jieba() -> Arc<Jieba> {
    let held = JIEBA.read().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(jieba) = held {
        return jieba;
    }
    let mut slot = JIEBA.write().unwrap_or_else(|e| e.into_inner());
    slot.get_or_insert_with(|| Arc::new(make_jieba())).clone()
}

/// Loads the dictionary now (a build starts this on another thread while
/// pages render).
pub fn warm_up() {
    jieba();
}

/// Frees the dictionary once a build has segmented all it needs; a later
/// segmentation makes it again.
pub fn release() {
    *JIEBA.write().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Single characters that are function words: as terms they would be in
/// nearly every task and find nothing a reader wants. Dropped from the
/// index and from queries alike (the manifest carries this list).
pub const STOP: &str = "的了和与及等或在对为并将把被由以之其是也而于";

/// Longer terms (runs of Latin letters or digits, mostly) are not indexed.
pub const MAX_TERM_CHARS: usize = 24;

/// What a query is normalised to before it is matched: NFKC (full-width
/// letters, digits and punctuation become ASCII) and lower case.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let nfkc = !matches!(is_nfkc_quick(text.chars()), IsNormalized::Yes);
    let upper = text.chars().any(char::is_uppercase);
    match (nfkc, upper) {
        (false, false) => Cow::Borrowed(text),
        (true, _) => Cow::Owned(text.nfkc().collect::<String>().to_lowercase()),
        (false, true) => Cow::Owned(text.to_lowercase()),
    }
}

/// Characters that can be part of a word. jieba splits text at every other
/// character before it looks words up, so clauses split here segment exactly
/// as the whole text would.
#[inline]
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || matches!(c, '+' | '#' | '&' | '.' | '_' | '%' | '-')
    } else {
        // The common blocks first: `is_alphanumeric` searches a table.
        match c {
            '\u{4E00}'..='\u{9FFF}' => true,
            // CJK punctuation (、。「」〈〉《》【】〔〕…)
            '\u{3000}'..='\u{3004}' | '\u{3008}'..='\u{3020}' => false,
            // Full-width forms: ，：；（）！？ are not word characters, ０-９ Ａ-Ｚ ａ-ｚ are.
            '\u{FF00}'..='\u{FFEF}' => {
                matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
                    || (!matches!(c, '\u{FF00}'..='\u{FF65}') && c.is_alphanumeric())
            }
            // General punctuation (“”‘’—…)
            '\u{2000}'..='\u{206F}' => false,
            _ => c.is_alphanumeric(),
        }
    }
}

/// The clauses of a (normalised) text: maximal runs of word characters.
pub fn clauses(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|s| !s.is_empty())
}

/// Whether a token is worth a term: it has a letter or digit, is not a stop
/// word and is not too long.
fn keep(token: &str) -> bool {
    let mut chars = token.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if chars.next().is_none() {
        return first.is_alphanumeric() && !STOP.contains(first);
    }
    token.chars().any(char::is_alphanumeric) && token.chars().count() <= MAX_TERM_CHARS
}

/// The terms of one clause: jieba's search-mode words, plus the dictionary
/// words of four or more characters inside longer words (search mode itself
/// adds only those of two and three), each once, in a fixed order.
pub fn segment(clause: &str) -> Vec<&str> {
    let jieba = jieba();
    let mut out: Vec<&str> = Vec::new();
    for token in jieba.cut_for_search(clause, false) {
        let word = token.word;
        if !keep(word) {
            continue;
        }
        let n = token.end - token.start;
        if n >= 5 {
            let offsets: Vec<usize> = word
                .char_indices()
                .map(|(i, _)| i)
                .chain([word.len()])
                .collect();
            for len in 4..n {
                for i in 0..=n - len {
                    let gram = &word[offsets[i]..offsets[i + len]];
                    if jieba.has_word(gram) {
                        out.push(gram);
                    }
                }
            }
        }
        out.push(word);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The parts of an administrative name that readers search by:
/// `黄石市下陆区` gives `黄石市` and `下陆区`; `株洲县` gives nothing more.
pub fn admin_parts(name: &str) -> Vec<&str> {
    const SUFFIXES: &[&str] = &[
        "特别行政区",
        "自治区",
        "自治州",
        "自治县",
        "街道",
        "省",
        "市",
        "州",
        "盟",
        "县",
        "区",
        "旗",
        "镇",
        "乡",
    ];
    let mut parts = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < name.len() {
        let rest = &name[i..];
        if let Some(s) = SUFFIXES.iter().find(|s| rest.starts_with(**s)) {
            let end = i + s.len();
            // A suffix must end a name of two characters or more.
            if name[start..end].chars().count() >= 2 {
                parts.push(&name[start..end]);
                start = end;
            }
            i = end;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    if parts.len() < 2 {
        return Vec::new();
    }
    parts
}

/// Terms interned to numbers while a build runs. The numbers depend on
/// which thread saw a term first; the output never shows them (terms are
/// written in sorted order).
#[derive(Default)]
pub struct Interner {
    inner: Mutex<Terms>,
}

/// Terms to numbers, and numbers to terms.
type Terms = (FxHashMap<Box<str>, u32>, Vec<Box<str>>);

impl Interner {
    pub fn id(&self, term: &str) -> u32 {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (map, list) = &mut *guard;
        if let Some(&id) = map.get(term) {
            return id;
        }
        let id = list.len() as u32;
        list.push(term.into());
        map.insert(term.into(), id);
        id
    }

    /// Every term, by number.
    pub fn into_terms(self) -> Vec<Box<str>> {
        let (_, list) = self.inner.into_inner().unwrap_or_else(|e| e.into_inner());
        list
    }
}

/// One thread's memory of clauses already segmented: real documents repeat
/// clauses (unit lists, set phrases), generated ones much more.
#[derive(Default)]
pub struct ClauseCache {
    clauses: FxHashMap<Box<str>, Box<[u32]>>,
    /// Whole names (units, officials…) to their terms.
    names: FxHashMap<Box<str>, Box<[u32]>>,
}

impl ClauseCache {
    /// Appends the term numbers of a text, once per occurrence.
    pub fn text_terms(&mut self, interner: &Interner, text: &str, out: &mut Vec<u32>) {
        // Clauses of the text as written are the cache's keys: only a
        // clause not seen before is normalised (which may split it further)
        // and segmented.
        for clause in clauses(text) {
            if let Some(ids) = self.clauses.get(clause) {
                out.extend_from_slice(ids);
                continue;
            }
            let norm = normalize(clause);
            let norm = fold(&norm);
            let mut ids: Vec<u32> = Vec::new();
            for part in clauses(&norm) {
                ids.extend(segment(part).into_iter().map(|t| interner.id(t)));
            }
            out.extend_from_slice(&ids);
            self.clauses.insert(clause.into(), ids.into());
        }
    }

    /// The terms of a name: its words, the whole name and, for an
    /// administrative name, its parts.
    pub fn name_terms(&mut self, interner: &Interner, name: &str) -> &[u32] {
        if self.names.contains_key(name) {
            return &self.names[name];
        }
        let mut ids = Vec::new();
        self.text_terms(interner, name, &mut ids);
        let norm = normalize(name);
        let norm = fold(&norm);
        let whole: String = norm.chars().filter(|&c| is_word_char(c)).collect();
        if keep(&whole) {
            ids.push(interner.id(&whole));
        }
        for part in admin_parts(&whole) {
            ids.push(interner.id(part));
        }
        ids.sort_unstable();
        ids.dedup();
        self.names.entry(name.into()).or_insert(ids.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_mode_gives_the_parts_of_long_words() {
        let words = segment("全面推行政府法律顾问制度和公职律师制度");
        for w in [
            "法律顾问",
            "法律",
            "顾问",
            "制度",
            "公职律师",
            "公职",
            "律师",
            "政府",
        ] {
            assert!(words.contains(&w), "{w} in {words:?}");
        }
        assert!(!words.contains(&"和"), "stop words are dropped");
    }

    #[test]
    fn the_fast_paths_agree_with_the_unicode_tables() {
        let ranges = [
            0x2000..0x2070u32,
            0x3000..0x3040,
            0xFF00..0xFFF0,
            0x4E00..0x4E10,
        ];
        for c in ranges.into_iter().flatten().filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn clauses_split_at_punctuation() {
        let v: Vec<&str> = clauses("加强宪法实施。任何组织、单位 及个人,abc-1").collect();
        assert_eq!(v, ["加强宪法实施", "任何组织", "单位", "及个人", "abc-1"]);
    }

    #[test]
    fn normalisation_folds_width_and_case() {
        assert_eq!(normalize("ＡＢＣ１２３，区"), "abc123,区");
        assert!(matches!(normalize("区司法局"), Cow::Borrowed(_)));
    }

    #[test]
    fn administrative_names_split_into_their_levels() {
        assert_eq!(admin_parts("黄石市下陆区"), ["黄石市", "下陆区"]);
        assert_eq!(admin_parts("哈尔滨市道里区"), ["哈尔滨市", "道里区"]);
        assert!(admin_parts("株洲县").is_empty());
        assert_eq!(
            admin_parts("湖南省株洲市株洲县"),
            ["湖南省", "株洲市", "株洲县"]
        );
    }
}
