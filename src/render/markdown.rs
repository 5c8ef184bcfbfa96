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

/// Renders Markdown to sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4);
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    html::push_html(&mut out, parser);
    // pulldown-cmark escapes all text itself; only raw HTML (`<`) and link
    // targets (`](`, reference links `]:`) can carry markup it passes through.
    if markdown.contains(['<', ']']) {
        SANITIZER.clean(&out).to_string()
    } else {
        out
    }
}

/// The text without Markdown syntax, for data files and search.
pub fn to_plain(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn plain_text_is_escaped() {
        assert_eq!(to_html("a & b < c"), "<p>a &amp; b &lt; c</p>\n");
        assert_eq!(to_plain("**加强**领导。"), "加强领导。");
    }
}
