//! Markdown to safe HTML. Content comes from many hands (a plan pasted from a
//! Word file, an imported page), so raw HTML and link targets are sanitised
//! with an allow-list before anything reaches a page.

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"));
    b
});

/// The Markdown dialect of content: CommonMark with tables and strikethrough.
const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// Bytes that may be Markdown syntax or need escaping anywhere in a line.
static SYNTAX: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b"\\`*_[]<>!#&|~\"'\n\r\t";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether `markdown` is a single line that Markdown reads as one paragraph
/// of literal text, printed as is: no character that could start syntax or
/// need escaping, no leading or trailing space. Most task texts are; they
/// skip the parser (tests check both ways agree).
fn is_literal_line(markdown: &str) -> bool {
    let (Some(first), Some(last)) = (markdown.chars().next(), markdown.chars().last()) else {
        return false;
    };
    // List markers, thematic breaks and setext underlines only count at the
    // start of a line.
    if first.is_ascii_digit()
        || first.is_ascii_whitespace()
        || last.is_ascii_whitespace()
        || matches!(first, '-' | '+' | '=')
    {
        return false;
    }
    !markdown.bytes().any(|b| SYNTAX[b as usize])
}

/// Renders Markdown to sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    if is_literal_line(markdown) {
        return format!("<p>{markdown}</p>\n");
    }
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4);
    let parser = Parser::new_ext(markdown, OPTIONS);
    html::push_html(&mut out, parser);
    // pulldown-cmark escapes all text itself; only raw HTML (`<`) and link
    // targets (`](`, reference links `]:`) can carry markup it passes through.
    if !markdown.contains(['<', ']']) {
        return out;
    }
    // The HTML parser under the sanitiser takes time in proportion to how
    // deep elements nest, for every element: 20,000 nested `<div>` or `>`
    // quotes took seconds, a megabyte of them hours. No document nests that
    // deep; such a text is shown as plain text instead.
    if nesting_depth(&out) > MAX_NESTING {
        return format!("<p>{}</p>\n", super::escape(markdown));
    }
    SANITIZER.clean(&out).to_string()
}

/// Deeper than this, HTML is not parsed (see [`to_html`]).
const MAX_NESTING: usize = 64;

/// How deep the elements of `html` nest, as far as a tag scan tells: void
/// elements and those the parser closes by itself (`p`, `li`, `td`…) do not
/// count, so the estimate errs on the shallow side only for odd markup.
fn nesting_depth(html: &str) -> usize {
    const FLAT: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "p", "li", "dt", "dd", "td", "th", "tr", "option", "rb", "rt", "rp",
    ];
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .take(12)
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        if FLAT.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

/// Byte offsets where raw HTML (a block or an inline tag, a comment…)
/// starts in `markdown`, read as [`to_html`] reads it: for the site setting
/// `raw_html: reject`.
pub fn raw_html_offsets(markdown: &str) -> Vec<usize> {
    use pulldown_cmark::{Event, Tag};
    if !markdown.contains('<') {
        return Vec::new();
    }
    let mut out: Vec<usize> = Parser::new_ext(markdown, OPTIONS)
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_)))
        .map(|(_, range)| range.start)
        .collect();
    out.dedup();
    out
}

/// [`to_plain`], borrowing the text when it has no syntax (most tasks).
pub fn to_plain_cow(markdown: &str) -> std::borrow::Cow<'_, str> {
    if is_literal_line(markdown) {
        markdown.into()
    } else {
        to_plain(markdown).into()
    }
}

/// The text without Markdown syntax, for data files and search. A block of
/// raw HTML gives the text inside it, sanitised as pages show it (a task
/// written `1.<div>…</div>` is found by its words).
pub fn to_plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    if is_literal_line(markdown) {
        return markdown.to_string();
    }
    let mut out = String::with_capacity(markdown.len());
    let mut block = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::Html(t) => block.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph) => out.push('\n'),
            Event::End(TagEnd::HtmlBlock) => {
                out.push_str(html_text(&std::mem::take(&mut block)).trim());
                out.push('\n');
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Removes every tag (and the content of scripts and styles).
static TEXT_ONLY: LazyLock<ammonia::Builder<'static>> = LazyLock::new(ammonia::Builder::empty);

/// The text of an HTML fragment, as a reader sees it: tags, scripts and
/// comments gone, entities decoded. Too deep a fragment (see [`to_html`])
/// gives nothing.
fn html_text(html: &str) -> String {
    if nesting_depth(html) > MAX_NESTING {
        return String::new();
    }
    let clean = TEXT_ONLY.clean(html).to_string();
    scraper::Html::parse_fragment(&clean)
        .root_element()
        .text()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parser's own output, without the literal-line shortcut.
    fn parsed(markdown: &str) -> (String, String) {
        let mut html = String::new();
        html::push_html(&mut html, Parser::new_ext(markdown, OPTIONS));
        let mut plain = String::new();
        for event in Parser::new(markdown) {
            match event {
                pulldown_cmark::Event::Text(t) => plain.push_str(&t),
                pulldown_cmark::Event::End(pulldown_cmark::TagEnd::Paragraph) => plain.push('\n'),
                _ => {}
            }
        }
        (html, plain.trim().to_string())
    }

    #[test]
    fn html_blocks_give_their_text() {
        assert_eq!(
            to_plain("<div>深化<b>行政</b>审批&amp;改革<script>x()</script></div>"),
            "深化行政审批&改革"
        );
        assert_eq!(to_plain("甲<b>乙</b>丙"), "甲乙丙");
        assert_eq!(to_plain("<div>甲</div>\n\n乙"), "甲\n乙");
    }

    #[test]
    fn literal_lines_render_as_the_parser_renders_them() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::content::load_site(repo).site.unwrap();
        let mut lines: Vec<String> = site
            .plans
            .iter()
            .flat_map(|p| p.tasks.iter().map(|t| t.text.to_string()))
            .collect();
        lines.extend(
            [
                "加强（一）领导，推进法治。",
                "a.b c",
                "全面依法治区/2025年",
                "％＊＃",
                "（1）甲",
                "甲：乙-丙+丁=戊 http://www.gov.cn",
            ]
            .map(String::from),
        );
        let mut literal = 0;
        for line in &lines {
            if is_literal_line(line) {
                literal += 1;
                let (html, plain) = parsed(line);
                assert_eq!(to_html(line), html, "{line}");
                assert_eq!(to_plain(line), plain, "{line}");
            }
        }
        assert!(
            literal > 100,
            "the shortcut applies to ordinary lines ({literal})"
        );
        for syntax in [
            "- 甲",
            "1. 乙",
            "# 丙",
            "甲*乙*",
            "甲<b>乙</b>",
            "甲&amp;",
            " 甲",
            "甲\n乙",
        ] {
            assert!(!is_literal_line(syntax), "{syntax}");
        }
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let html = to_html("甲<script>alert(1)</script><img src=x onerror=alert(1)>乙");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(html.contains('甲') && html.contains('乙'));
    }

    #[test]
    fn javascript_links_are_removed() {
        let html = to_html("[点我](javascript:alert(1)) [官网](https://www.gov.cn/)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("https://www.gov.cn/"));
    }

    #[test]
    fn raw_html_is_found_where_it_starts() {
        assert!(raw_html_offsets("a < b, 3<5, <https://www.gov.cn/>").is_empty());
        assert!(raw_html_offsets("`<b>` in code").is_empty());
        assert_eq!(raw_html_offsets("甲<b>乙</b>"), vec![3, 9]);
        assert_eq!(raw_html_offsets("x\n\n<div>\ny\n</div>\n"), vec![3]);
        assert_eq!(raw_html_offsets("<!-- c -->"), vec![0]);
    }

    #[test]
    fn deep_nesting_is_plain_text_in_bounded_time() {
        // Found by the limit tests: each took seconds at 20,000 and grew
        // with the square of the depth.
        for deep in [
            format!("甲{}乙", "<div>".repeat(20_000)),
            format!("{} x]", ">".repeat(20_000)),
            format!("{}x]", "- ".repeat(20_000)),
            format!("{}<script>alert(1)</script>", "<b>".repeat(20_000)),
        ] {
            let t = std::time::Instant::now();
            let html = to_html(&deep);
            assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
            assert!(
                !html.contains("<div") && !html.contains("<script"),
                "{html:.200}"
            );
            assert!(!html.contains("<blockquote"), "{html:.200}");
        }
        // Tables and lists as documents have them are still HTML.
        let table = format!("<table>{}</table>", "<tr><td>a<td>b</tr>".repeat(2000));
        assert!(to_html(&table).contains("<td>a</td>"));
        assert_eq!(nesting_depth("<ul><li><ul><li>x</li></ul></li></ul>"), 2);
    }

    #[test]
    fn plain_text_is_escaped() {
        assert_eq!(to_html("a & b < c"), "<p>a &amp; b &lt; c</p>\n");
        assert_eq!(to_plain("**加强**领导。"), "加强领导。");
    }
}
