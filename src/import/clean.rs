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

/// `1。在以习近平同志…`: a task number typed with a full stop, read as
/// `1.` (a number of one to three digits at the start of a paragraph, then
/// text).
pub fn number_full_stop(line: &str) -> Option<String> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = line[digits..].strip_prefix('。')?;
    let starts_text = rest
        .chars()
        .next()
        .is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace() && c != '。');
    ((1..=3).contains(&digits) && starts_text).then(|| format!("{}.{rest}", &line[..digits]))
}

/// Chinese numerals as items are numbered with them.
const CN_NUMERALS: &str = "一二三四五六七八九十";

/// The byte length of an item number at the start of `s` (`1.` `12、`
/// `(一)` `（3）` `二、`), not of a decimal (`2.5亿`) or a year.
pub fn item_number_len(s: &str) -> Option<usize> {
    let mut cs = s.char_indices().peekable();
    let (_, first) = cs.next()?;
    let end = if first.is_ascii_digit() {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &s[digits..];
        let sep = rest
            .chars()
            .next()
            .filter(|c| matches!(c, '.' | '．' | '、'))?;
        let after = &rest[sep.len_utf8()..];
        if digits > 3 || after.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        digits + sep.len_utf8()
    } else if matches!(first, '(' | '（') {
        let inner = &s[first.len_utf8()..];
        let n = inner
            .chars()
            .take_while(|c| c.is_ascii_digit() || CN_NUMERALS.contains(*c))
            .map(char::len_utf8)
            .sum::<usize>();
        let close = inner[n..]
            .chars()
            .next()
            .filter(|c| matches!(c, ')' | '）'))?;
        if n == 0 || n > 9 {
            return None;
        }
        first.len_utf8() + n + close.len_utf8()
    } else if CN_NUMERALS.contains(first) {
        let n = s
            .chars()
            .take_while(|c| CN_NUMERALS.contains(*c))
            .map(char::len_utf8)
            .sum::<usize>();
        s[n..].starts_with('、').then_some(n + '、'.len_utf8())?
    } else {
        return None;
    };
    // A number alone at the end of a line numbers nothing.
    (end < s.len()).then_some(end)
}

/// Splits a line that holds several numbered paragraphs, as copying a page
/// leaves them when its paragraph breaks are lost: an item number (`1.`
/// `(二)` `三、`) starts a paragraph of its own when a space stands before it
/// (`…确保完成。 一、加快提振市场信心 (一)全面促进消费增长。 1.把…`) or when it
/// follows a closing bracket or a full stop (`…(省发改委负责)(二)公共财政…`,
/// `…协办)2.重点抓好…`). Numbers inside a sentence (`包括:(一)…;(二)…`,
/// `第一、二季度`) are left alone.
pub fn split_glued_items(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut spaced = false;
    for (i, c) in line.char_indices() {
        if c == ' ' {
            spaced = prev.is_some();
            continue;
        }
        let splits = i > start
            && (c.is_ascii_digit() || matches!(c, '(' | '（') || CN_NUMERALS.contains(c))
            && (spaced && prev.is_some_and(|p| !p.is_ascii_alphanumeric())
                || prev.is_some_and(|p| matches!(p, ')' | '）' | '。')))
            && item_number_len(&line[i..]).is_some();
        if splits {
            out.push(line[start..i].trim_end());
            start = i;
        }
        prev = Some(c);
        spaced = false;
    }
    out.push(line[start..].trim_end());
    out
}

crate::patterns::patterns! {
    /// A page-break marker that copying from a PDF or a paged page leaves in
    /// the text, in any bracket: `[接上页]` `（续上页）` `(上接第一版)` say the
    /// text goes on from the page before; `[接下页]` `(下转第2版)` that it
    /// goes on on the next. Group 1 is the words.
    static PAGE_BREAK = {
        let n = r"第?\s*[一二三四五六七八九十\d]+\s*[版页]";
        format!(
            r"[\[［【(（〔]\s*((?:接|续|转)\s*[上下]\s*页|[上下]\s*(?:接|转)\s*{n}|(?:接|转)\s*{n})\s*[\]］】)）〕]"
        )
    };
}

/// A line without its page-break markers, and whether it goes on from
/// the line before or on the next.
#[derive(Debug, PartialEq, Eq)]
pub struct PageBreaks {
    pub text: String,
    /// A "from the page before" marker opened the line.
    pub joins_previous: bool,
    /// A "to the next page" marker closed the line.
    pub joins_next: bool,
}

/// The line without its page-break markers ([`PAGE_BREAK`]), or `None`
/// when it has none. A marker inside the line is only removed: the text
/// around it is already one.
pub fn strip_page_breaks(line: &str) -> Option<PageBreaks> {
    if !line.contains('页') && !line.contains('版') {
        return None;
    }
    let mut out = PageBreaks {
        text: String::with_capacity(line.len()),
        joins_previous: false,
        joins_next: false,
    };
    let mut last = 0;
    for c in PAGE_BREAK.captures_iter(line) {
        let (Some(whole), Some(words)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let words = words.as_str();
        let from_before = !(words.contains('下') || words.starts_with('转'));
        if line[..whole.start()].trim().is_empty() && from_before {
            out.joins_previous = true;
        }
        if line[whole.end()..].trim().is_empty() && !from_before {
            out.joins_next = true;
        }
        out.text.push_str(&line[last..whole.start()]);
        last = whole.end();
    }
    if last == 0 {
        return None;
    }
    out.text.push_str(&line[last..]);
    out.text = out.text.trim().to_string();
    Some(out)
}

/// Whether a paragraph ends its last sentence (`。` `;` `:`, a closing quote
/// or bracket after one): a page break after it is a paragraph break too.
pub fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['”', '’', '"', ')', '）', '】', ']'])
        .ends_with(['。', '！', '？', '!', '?', '；', ';', '：', ':', '…'])
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
    fn glued_items_split() {
        // 豫政〔2023〕5号, its paragraph breaks lost in copying.
        assert_eq!(
            split_glued_items(
                "确保完成。 一、加快提振市场信心 (一)全面促进消费增长。 1.把恢复和扩大消费摆在优先位置。(省商务厅负责) 2.落实好提振市场信心90条措施。"
            ),
            [
                "确保完成。",
                "一、加快提振市场信心",
                "(一)全面促进消费增长。",
                "1.把恢复和扩大消费摆在优先位置。(省商务厅负责)",
                "2.落实好提振市场信心90条措施。"
            ]
        );
        // 黑龙江省 2013: annotations glued to the next item.
        assert_eq!(
            split_glued_items(
                "(一)地区生产总值增长11%左右。(省发改委负责)(二)公共财政收入增长13%左右。"
            ),
            [
                "(一)地区生产总值增长11%左右。(省发改委负责)",
                "(二)公共财政收入增长13%左右。"
            ]
        );
        for whole in [
            "包括:(一)行政许可;(二)行政处罚。",
            "第一、二季度完成。",
            "增长2.5%。3.5亿元",
            "投资(亿元)2025年底前",
            "1.加强领导。",
            "见附件 1",
        ] {
            assert_eq!(split_glued_items(whole), [whole]);
        }
    }

    #[test]
    fn a_number_typed_with_a_full_stop() {
        // 天津市 2020 国务院《政府工作报告》任务分工.
        assert_eq!(
            number_full_stop("1。在以习近平同志为核心的党中央坚强领导下").as_deref(),
            Some("1.在以习近平同志为核心的党中央坚强领导下")
        );
        for other in ["2020。全年", "1。", "1。5万元", "第1。", "加强领导。"] {
            assert_eq!(number_full_stop(other), None, "{other}");
        }
    }

    #[test]
    fn redactions() {
        assert!(has_redaction("对***进行处理"));
        assert!(!has_redaction("对*进行处理"));
    }

    #[test]
    fn page_break_markers() {
        // 厦漳泉大都市区同城化 (法宝 page 3): the page opens with `[接上页]`.
        let p = strip_page_breaks("[接上页] (2)培育打造一批重点产业集群(基地)。").unwrap();
        assert_eq!(p.text, "(2)培育打造一批重点产业集群(基地)。");
        assert!(p.joins_previous && !p.joins_next);
        // 辽宁日报: `(上接第一版)` alone on its line.
        let p = strip_page_breaks("(上接第一版)").unwrap();
        assert_eq!((p.text.as_str(), p.joins_previous), ("", true));
        let p = strip_page_breaks("加强行政执法人员资格管理[接下页]").unwrap();
        assert_eq!(p.text, "加强行政执法人员资格管理");
        assert!(p.joins_next && !p.joins_previous);
        let p =
            strip_page_breaks("推进严格规范公正文明执法（续上页）,落实行政执法责任制。").unwrap();
        assert_eq!(p.text, "推进严格规范公正文明执法,落实行政执法责任制。");
        assert!(!p.joins_previous && !p.joins_next);
        assert_eq!(strip_page_breaks("(一)加强页面管理,每版更新。"), None);
        assert_eq!(strip_page_breaks("详见第3页"), None);
        assert!(ends_sentence("落实行政执法责任制。”"));
        assert!(!ends_sentence("加强行政执法人员资格"));
    }
}
