//! URL-safe names for Chinese titles: pinyin, lowercase, ASCII only.

use pinyin::ToPinyin;

/// `区司法局` -> `qusifaju`; ASCII letters and digits are kept, runs of
/// anything else become one `-`. Never empty: falls back to `x`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut pending_dash = false;
    for c in text.chars() {
        let piece: Option<String> = if c.is_ascii_alphanumeric() {
            Some(c.to_ascii_lowercase().to_string())
        } else {
            // `plain()` keeps `ü` (绿 `lü`, 女 `nü`): written `v` as pinyin
            // keyboards do, and anything else non-ASCII dropped, so that a
            // slug is always ASCII.
            c.to_pinyin()
                .map(|p| {
                    p.plain()
                        .chars()
                        .map(|c| if c == 'ü' { 'v' } else { c })
                        .filter(char::is_ascii_alphanumeric)
                        .collect::<String>()
                })
                .filter(|p| !p.is_empty())
        };
        match piece {
            Some(p) => {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push_str(&p);
            }
            None => pending_dash = true,
        }
        // Very long names (a unit named by 10,000 characters) still make a
        // short, valid file name.
        if out.len() >= 80 {
            break;
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "x".to_string()
    } else if windows_reserved(&out) {
        // A unit or topic named `AUX` still gets a folder Windows can open.
        format!("{out}-x")
    } else {
        out
    }
}

/// Whether Windows reserves `name` for a device (`con`, `prn`, `aux`, `nul`,
/// `com1`-`com9`, `lpt1`-`lpt9`, in any case and with any extension): a
/// folder or file of that name cannot be opened there, and sites are often
/// edited and previewed on Windows.
pub fn windows_reserved(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    let lower = base.to_ascii_lowercase();
    match lower.as_bytes() {
        b"con" | b"prn" | b"aux" | b"nul" => true,
        [b'c', b'o', b'm', d] | [b'l', b'p', b't', d] => (b'1'..=b'9').contains(d),
        _ => false,
    }
}

/// The hint for a reserved slug.
pub const RESERVED_HINT: &str = "Windows reserves CON, PRN, AUX, NUL, COM1-COM9 and LPT1-LPT9 (in any case, with any extension) for devices, so a folder of that name cannot be opened there; choose another slug, e.g. `con-fangan`";

/// Makes slugs unique by adding `-2`, `-3`… to later ones. `items` must be in
/// a fixed order so the result is deterministic.
pub fn dedupe(slugs: &mut [String]) {
    let mut unique = Unique::default();
    for slug in slugs.iter_mut() {
        *slug = unique.claim(std::mem::take(slug));
    }
}

/// Slugs handed out so far. A slug already taken gets the first free `-2`,
/// `-3`…; the next number to try is kept per slug, so that thousands of names
/// with one slug (names without pinyin all make `x`) cost linear time, not
/// quadratic.
#[derive(Debug, Default)]
pub struct Unique {
    taken: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

impl Unique {
    /// `slug` itself when it is free, otherwise the first free `slug-N`.
    pub fn claim(&mut self, slug: String) -> String {
        if self.taken.insert(slug.clone()) {
            return slug;
        }
        let n = self.next.entry(slug.clone()).or_insert(2);
        loop {
            let candidate = format!("{slug}-{n}");
            *n += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn windows_reserved_names() {
        for name in [
            "con",
            "CON",
            "Aux",
            "nul.txt",
            "com1",
            "LPT9",
            "prn.tar.gz",
            "con ",
        ] {
            assert!(windows_reserved(name), "{name}");
        }
        for name in [
            "conf",
            "com0",
            "com10",
            "lpt",
            "console",
            "x-con",
            "auxiliary",
            "",
        ] {
            assert!(!windows_reserved(name), "{name}");
        }
        assert_eq!(slugify("AUX"), "aux-x");
        assert_eq!(slugify("Com3"), "com3-x");
    }

    use super::*;

    #[test]
    fn pinyin_slugs() {
        assert_eq!(slugify("区司法局"), "qusifaju");
        assert_eq!(slugify("哈尔滨市道里区"), "haerbinshidaoliqu");
        assert_eq!(slugify("区委组织部〈区编办〉"), "quweizuzhibu-qubianban");
        assert_eq!(slugify("12345热线"), "12345rexian");
        assert_eq!(slugify("../../etc"), "etc");
        assert_eq!(slugify("〈〉"), "x");
        // Found by fuzzing: pinyin's `ü` made non-ASCII slugs.
        assert_eq!(slugify("区园林绿化局"), "quyuanlinlvhuaju");
        assert_eq!(slugify("女"), "nv");
        assert!(slugify(&"长".repeat(10_000)).len() <= 90);
    }

    #[test]
    fn duplicates_get_numbers() {
        let mut s = vec!["a".to_string(), "a".into(), "a-2".into(), "b".into()];
        dedupe(&mut s);
        assert_eq!(s, vec!["a", "a-2", "a-2-2", "b"]);
        let mut s = vec![
            "a-3".to_string(),
            "a".into(),
            "a".into(),
            "a".into(),
            "a".into(),
        ];
        dedupe(&mut s);
        assert_eq!(s, vec!["a-3", "a", "a-2", "a-4", "a-5"]);
    }

    #[test]
    fn many_equal_slugs_take_linear_time() {
        // Found by the limit tests: 8,000 names without pinyin took seconds.
        let mut s = vec!["x".to_string(); 50_000];
        let t = std::time::Instant::now();
        dedupe(&mut s);
        assert_eq!(s[49_999], "x-50000");
        assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
    }
}
