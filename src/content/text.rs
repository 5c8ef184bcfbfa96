//! Characters that content must not carry into pages and feeds.
//!
//! A plan pasted from Word brings vertical tabs (Word's manual line break)
//! and form feeds; YAML escapes (`"\x01"`, `"\uFFFE"`) can write any
//! character at all. Control characters and the non-characters U+FFFE/U+FFFF
//! are not allowed in XML, so one of them in a title would break `feed.xml`
//! and `sitemap.xml` for every reader; the bidirectional overrides and
//! isolates (U+202A–U+202E, U+2066–U+2069) reorder the text around them and
//! can make a unit's name or a link read as something else (`区司法局` + U+202E + `fdp.exe` shows as `区司法局exe.pdf`).
//! Chinese plans need none of them, so they are taken out of every string
//! as soon as a file is read, and `check` says how many were.

use crate::diagnostics::Diagnostic;
use crate::model::{Block, DocMeta};

use super::{Loaded, RawNotice, RawPlan, RawTask};

/// Whether `c` is taken out of content.
pub fn is_unwanted(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffe}' | '\u{ffff}')
}

/// Whether `s` holds a character that [`is_unwanted`], read from the UTF-8
/// bytes: every unwanted character is one to three bytes that a branch-free
/// test of each byte and the two after it recognises, which the compiler
/// vectorises. Decoding every character cost more than the rest of loading
/// a file's text.
pub fn has_unwanted(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 3 {
        return s.chars().any(is_unwanted);
    }
    let n = b.len() - 2;
    let (first, second, third) = (&b[..n], &b[1..n + 1], &b[2..]);
    let mut i = 0;
    while i < n {
        // Blocks, so that the loop inside has no early exit to vectorise around.
        let end = (i + 64).min(n);
        let mut any = false;
        for j in i..end {
            any |= unwanted_at(first[j], second[j], third[j]);
        }
        if any {
            return true;
        }
        i = end;
    }
    // The last two bytes start no three-byte character.
    unwanted_at(b[n], b[n + 1], 0) || unwanted_at(b[n + 1], 0, 0)
}

/// Whether the bytes `x0 x1 x2` start an unwanted character (see
/// [`is_unwanted`]).
fn unwanted_at(x0: u8, x1: u8, x2: u8) -> bool {
    // U+0000–U+001F but tab, line feed and carriage return; U+007F.
    ((x0 < 0x20) & (x0 != b'\t') & (x0 != b'\n') & (x0 != b'\r'))
        | (x0 == 0x7f)
        // U+0080–U+009F
        | ((x0 == 0xc2) & (0x80..=0x9f).contains(&x1))
        // U+202A–U+202E, U+2066–U+2069
        | ((x0 == 0xe2) & (x1 == 0x80) & (0xaa..=0xae).contains(&x2))
        | ((x0 == 0xe2) & (x1 == 0x81) & (0xa6..=0xa9).contains(&x2))
        // U+FFFE, U+FFFF
        | ((x0 == 0xef) & (x1 == 0xbf) & (x2 >= 0xbe))
}

/// Whether anything read from `source` (a whole content file) can need
/// cleaning: only what the file writes, or a YAML escape (`"\x01"`), can put
/// an unwanted character into a document.
pub fn may_need_cleaning(source: &str) -> bool {
    source.contains('\\') || has_unwanted(source)
}

/// Cleans one string; returns how many characters were changed. A vertical
/// tab or form feed (a line or page break in Word) becomes a line break,
/// everything else unwanted is dropped.
pub fn clean(s: &mut String) -> usize {
    if !has_unwanted(s) {
        return 0;
    }
    let mut n = 0;
    let cleaned: String = s
        .chars()
        .filter_map(|c| {
            if !is_unwanted(c) {
                return Some(c);
            }
            n += 1;
            matches!(c, '\u{b}' | '\u{c}').then_some('\n')
        })
        .collect();
    *s = cleaned;
    n
}

fn clean_opt(s: &mut Option<String>) -> usize {
    s.as_mut().map_or(0, clean)
}

fn clean_all(v: &mut [String]) -> usize {
    v.iter_mut().map(clean).sum()
}

fn clean_meta(m: &mut DocMeta) -> usize {
    let mut n = 0;
    m.each_text(&mut |s| n += clean(s));
    n
}

fn clean_blocks(blocks: &mut [Block]) -> usize {
    blocks
        .iter_mut()
        .map(|b| match b {
            Block::Text(t) => clean(t),
            Block::Task(_) => 0,
            Block::Section(s) => {
                clean_opt(&mut s.number) + clean(&mut s.title) + clean_blocks(&mut s.blocks)
            }
        })
        .sum()
}

fn clean_task(t: &mut RawTask) -> usize {
    clean(&mut t.number)
        + clean(&mut t.text)
        + clean_all(&mut t.lead)
        + clean_all(&mut t.responsible)
        + clean_all(&mut t.participating)
        + clean_all(&mut t.officials)
        + clean_opt(&mut t.schedule)
        + t.deadlines
            .iter_mut()
            .map(|d| clean(&mut d.text))
            .sum::<usize>()
        + clean_opt(&mut t.priority)
        + clean_all(&mut t.topics)
        + clean_all(&mut t.section_path)
}

fn clean_plan(p: &mut RawPlan) -> usize {
    clean_meta(&mut p.meta)
        + clean(&mut p.jurisdiction)
        + clean_all(&mut p.topics)
        + clean_blocks(&mut p.body)
        + p.tasks.iter_mut().map(clean_task).sum::<usize>()
        + p.phases
            .iter_mut()
            .map(|ph| clean(&mut ph.name) + clean_opt(&mut ph.text) + clean(&mut ph.body))
            .sum::<usize>()
}

fn clean_notice(n: &mut RawNotice) -> usize {
    clean_meta(&mut n.meta)
        + clean(&mut n.jurisdiction)
        + clean_opt(&mut n.recipients)
        + clean(&mut n.body)
        + clean_opt(&mut n.signature)
        + clean_all(&mut n.transmits)
}

/// Cleans what `site.yaml` shows on every page: the title, the description,
/// the identity and the topic names.
pub fn clean_config(c: &mut crate::config::SiteConfig) {
    clean(&mut c.title);
    clean_opt(&mut c.description);
    let i = &mut c.identity;
    for field in [
        &mut i.owner,
        &mut i.operator,
        &mut i.phone,
        &mut i.email,
        &mut i.address,
        &mut i.icp,
        &mut i.police_record,
        &mut i.site_code,
    ] {
        clean_opt(field);
    }
    for t in &mut c.topics {
        clean(&mut t.name);
        clean_all(&mut t.keywords);
    }
}

/// Cleans every document of a file, with a warning per document that had
/// anything taken out.
pub fn clean_loaded(loaded: &mut Loaded) {
    let mut warnings = Vec::new();
    let mut warn = |n: usize, source: &crate::model::SourceFile| {
        if n > 0 {
            warnings.push(
                Diagnostic::warning(
                    &source.path,
                    source.line,
                    format!("{n} control or text-direction characters were taken out of this document"),
                )
                .with_hint("they are invisible and not allowed in web pages and feeds (often pasted from Word); save the file without them"),
            );
        }
    };
    for p in &mut loaded.plans {
        warn(clean_plan(p), &p.source);
    }
    for n in &mut loaded.notices {
        warn(clean_notice(n), &n.source);
    }
    loaded.diagnostics.extend(warnings);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_direction_overrides_go_line_breaks_stay() {
        let mut s = "区司法局\u{202e}fdp.exe\u{202c}\u{1}\u{7f}\u{85}\u{fffe}".to_string();
        assert_eq!(clean(&mut s), 6);
        assert_eq!(s, "区司法局fdp.exe");
        let mut s = "一\u{b}二\u{c}三\t四\r\n五".to_string();
        assert_eq!(clean(&mut s), 2);
        assert_eq!(s, "一\n二\n三\t四\r\n五");
        let mut s = "〈区编办〉、（试行）".to_string();
        assert_eq!(clean(&mut s), 0);
    }

    #[test]
    fn byte_scan_agrees_with_is_unwanted() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for s in [
                format!("a{c}b"),
                format!("{c}"),
                format!("ab{c}"),
                format!("{c}abc"),
            ] {
                assert_eq!(has_unwanted(&s), is_unwanted(c), "{:x} in {s:?}", c as u32);
            }
        }
        assert!(!has_unwanted(""));
        assert!(has_unwanted(
            &("一".repeat(100) + "\u{202e}" + &"二".repeat(100))
        ));
        assert!(may_need_cleaning("title: \"\\x01\""));
        assert!(!may_need_cleaning("title: 区司法局（试行）“x”…"));
    }
}
