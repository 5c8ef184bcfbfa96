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
            c.to_pinyin().map(|p| p.plain().to_string())
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
    if out.is_empty() { "x".to_string() } else { out }
}

/// Makes slugs unique by adding `-2`, `-3`… to later ones. `items` must be in
/// a fixed order so the result is deterministic.
pub fn dedupe(slugs: &mut [String]) {
    let mut seen = std::collections::HashSet::new();
    for slug in slugs.iter_mut() {
        if seen.insert(slug.clone()) {
            continue;
        }
        let mut n = 2;
        while !seen.insert(format!("{slug}-{n}")) {
            n += 1;
        }
        *slug = format!("{slug}-{n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_slugs() {
        assert_eq!(slugify("区司法局"), "qusifaju");
        assert_eq!(slugify("哈尔滨市道里区"), "haerbinshidaoliqu");
        assert_eq!(slugify("区委组织部〈区编办〉"), "quweizuzhibu-qubianban");
        assert_eq!(slugify("12345热线"), "12345rexian");
        assert_eq!(slugify("../../etc"), "etc");
        assert_eq!(slugify("〈〉"), "x");
        assert!(slugify(&"长".repeat(10_000)).len() <= 90);
    }

    #[test]
    fn duplicates_get_numbers() {
        let mut s = vec!["a".to_string(), "a".into(), "a-2".into(), "b".into()];
        dedupe(&mut s);
        assert_eq!(s, vec!["a", "a-2", "a-2-2", "b"]);
    }
}
