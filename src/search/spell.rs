//! Pinyin spellings of the words of titles and unit names, so that `xianfa`
//! finds what `宪法` finds and `sfj` what `司法局` finds.
//!
//! Only the terms of plan and section titles and of units' names get
//! spellings (not every word of the text): readers type pinyin for the names
//! of things, and each spelling costs a dictionary entry. A spelling is not
//! a term with postings of its own: its dictionary entry lists the terms it
//! stands for, and a query uses it as it uses a character that expands to
//! several terms (the best-scoring one counts).

use pinyin::ToPinyin;

/// Terms of at least this many characters get their full spelling
/// (`xianfa`)…
const MIN_FULL: usize = 2;
/// …and of at least this many their initials too (`sfj`): two initials
/// stand for too many words.
const MIN_INITIALS: usize = 3;

/// The spellings of `term`: its full pinyin without tones and, when long
/// enough, its initials. None for a term with a character that has no
/// pinyin (Latin letters, digits).
pub fn spellings(term: &str) -> Vec<String> {
    let n = term.chars().count();
    if n < MIN_FULL {
        return Vec::new();
    }
    let mut full = String::new();
    let mut initials = String::new();
    for c in term.chars() {
        let Some(p) = c.to_pinyin() else {
            return Vec::new();
        };
        // `ü` is typed `v`, as on pinyin keyboards.
        full.extend(p.plain().chars().map(|c| if c == 'ü' { 'v' } else { c }));
        initials.push_str(p.first_letter());
    }
    let mut out = vec![full];
    if n >= MIN_INITIALS {
        out.push(initials);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_spelt_in_full_and_long_ones_by_initials() {
        assert_eq!(spellings("宪法"), ["xianfa"]);
        assert_eq!(spellings("司法局"), ["sifaju", "sfj"]);
        assert_eq!(spellings("律师"), ["lvshi"]);
        assert!(spellings("区").is_empty());
        assert!(spellings("12345").is_empty());
    }
}
