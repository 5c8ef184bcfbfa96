//! Copy-and-paste noise, undone line by line: odd spaces, zero-width
//! characters, full-width digits, and spaces that break words (`风 险`).
//!
//! Punctuation widths are left as written: planpress reads `(` and `（`,
//! `:` and `：` alike, and the text a reader sees should be the document's.

/// Normalises one line: every kind of space becomes an ASCII space,
/// zero-width characters go, full-width digits and Latin letters become
/// ASCII (`１．` → `1．`, so that task numbers are recognised), and the ends
/// are trimmed.
pub fn normalize_line(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => {}
            '\t' => out.push(' '),
            c if c.is_whitespace() => out.push(' '),
            '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
                out.push(char::from_u32(c as u32 - 0xfee0).unwrap_or(c))
            }
            c if c.is_control() => {}
            // Small form variants (`1﹒`, `﹙一﹚`, `﹕`): a font's look, not
            // the document's punctuation; their plain forms are read.
            '\u{fe50}'..='\u{fe6b}' => out.extend(std::iter::once(c).nfkc()),
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

/// Chinese text characters: ideographs and CJK/full-width punctuation,
/// including the quotes and dashes Chinese text uses.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303f}'     // CJK punctuation
        | '\u{3400}'..='\u{4dbf}'   // extension A
        | '\u{4e00}'..='\u{9fff}'   // unified ideographs
        | '\u{f900}'..='\u{faff}'
        | '\u{ff00}'..='\u{ffef}'   // full-width forms
        | '\u{20000}'..='\u{2ffff}'
        | '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// Removes spaces that sit between Chinese characters, or between a Chinese
/// character and punctuation or a digit: copying from a page breaks words
/// and headings there (`风 险`, `《A》 《B》`, `2017 年`). Spaces between Latin
/// words and around ASCII text (`www.gov.cn 更新`) stay. Returns the line and
/// how many spaces went.
pub fn join_cjk_spaces(s: &str) -> (String, usize) {
    if !s.contains(' ') {
        return (s.to_string(), 0);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut removed = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != ' ' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i] == ' ' {
            i += 1;
        }
        let before = start.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i).copied();
        let joins = match (before, after) {
            (Some(b), Some(a)) => {
                (is_cjk(b) && (is_cjk(a) || is_joinable_ascii(a)))
                    || (is_cjk(a) && is_joinable_ascii(b))
            }
            _ => false,
        };
        if joins {
            removed += 1;
        } else {
            out.push(' ');
        }
    }
    (out, removed)
}

/// ASCII characters that glue to Chinese text: digits and brackets and
/// punctuation, not letters (which start Latin words).
fn is_joinable_ascii(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '(' | ')' | ',' | '.' | ':' | ';' | '、' | '-' | '"')
}

/// The line without any spaces, for matching words that copying broke up.
pub fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether the text contains a redaction (`***`, `＊＊＊`, `×××`).
pub fn has_redaction(s: &str) -> bool {
    s.contains("**") || s.contains("＊＊") || s.contains("×××")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_widths() {
        assert_eq!(
            normalize_line("\u{3000}\u{a0}１．加强\u{200b}领导\u{2002} "),
            "1．加强领导"
        );
        assert_eq!(normalize_line("1﹒加强﹙一﹚"), "1.加强(一)");
        assert_eq!(join_cjk_spaces("风 险评估").0, "风险评估");
        assert_eq!(
            join_cjk_spaces("《A规划》 《B方案》 重要举措").0,
            "《A规划》《B方案》重要举措"
        );
        assert_eq!(join_cjk_spaces("2017 年 7 月").0, "2017年7月");
        assert_eq!(join_cjk_spaces("( 一 )加强").0, "(一)加强");
        let (s, n) = join_cjk_spaces("株洲县政府门户网站 www.zzx.gov.cn 更新");
        assert_eq!(s, "株洲县政府门户网站 www.zzx.gov.cn 更新");
        assert_eq!(n, 0);
        assert_eq!(join_cjk_spaces("Word 文档").0, "Word 文档");
    }

    #[test]
    fn redactions() {
        assert!(has_redaction("对***进行处理"));
        assert!(!has_redaction("对*进行处理"));
    }
}
