//! A portal page saved from a browser: its paragraphs in reading order,
//! real tables as rows, links marked (menus and lists of other articles are
//! links and nothing else), and the metadata the page carries in `<meta>`
//! tags (`ArticleTitle`, `PubDate`, `ContentSource`: the tags Chinese
//! government sites use) and in the browser's `saved from url` comment.
//!
//! The walk over the tree is iterative and every table is measured once, so
//! time stays linear in the page's size whatever its nesting.

use std::collections::HashSet;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Html, Node};

use super::{Block, Meta};

/// What a page gave.
pub struct Page {
    pub blocks: Vec<Block>,
    pub meta: Meta,
}

/// Elements whose content is never the document.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "nav", "select", "option", "button",
    "iframe", "svg", "object", "embed", "textarea", "input", "map", "canvas", "audio", "video",
];

/// Elements that start a new paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "form",
    "center",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "hr",
    "address",
    "figure",
    "figcaption",
    "fieldset",
    "legend",
    "body",
    "html",
];

crate::patterns::patterns! {
    static SAVED_FROM = r"saved from url=\(\d+\)(https?://[^\s>]+)";
}

/// Nesting deeper than this is not a real page; the HTML parser's scope
/// checks cost time in proportion to depth, so such input is read as text.
const MAX_DEPTH: usize = 400;

/// Reads a page.
pub fn extract(source: &str) -> Page {
    if rough_depth(source) > MAX_DEPTH {
        return Page {
            blocks: strip_tags(source),
            meta: Meta::default(),
        };
    }
    let doc = Html::parse_document(source);
    let mut meta = Meta::default();
    read_meta(&doc, source, &mut meta);
    let nested = tables_with_tables(&doc);
    let mut w = Walker::default();
    let mut skip_until: Option<NodeId> = None;
    let mut link_depth = 0usize;
    let mut href_stack: Vec<Option<String>> = Vec::new();
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(node) => {
                if skip_until.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => {
                        w.text(t, link_depth > 0, href_stack.last().cloned().flatten())
                    }
                    Node::Element(e) => {
                        let name = e.name();
                        if SKIPPED.contains(&name) {
                            skip_until = Some(node.id());
                            continue;
                        }
                        if name == "table"
                            && !nested.contains(&node.id())
                            && let Some(el) = ElementRef::wrap(node)
                            && let Some(rows) = data_rows(el)
                        {
                            w.table(rows);
                            skip_until = Some(node.id());
                            continue;
                        }
                        if name == "br" || BLOCKS.contains(&name) {
                            w.flush();
                        }
                        if name == "a" {
                            link_depth += 1;
                            href_stack.push(e.attr("href").map(str::to_string));
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skip_until {
                    if id == node.id() {
                        skip_until = None;
                    }
                    continue;
                }
                if let Node::Element(e) = node.value() {
                    let name = e.name();
                    if name == "a" {
                        link_depth = link_depth.saturating_sub(1);
                        href_stack.pop();
                    }
                    if BLOCKS.contains(&name) {
                        w.flush();
                    }
                }
            }
        }
    }
    w.flush();
    let mut blocks = w.blocks;
    locate_lines(source, &mut blocks);
    Page { blocks, meta }
}

#[derive(Default)]
struct Walker {
    blocks: Vec<Block>,
    cur: String,
    /// Whether every visible character of the paragraph so far is link text.
    all_link: bool,
    any_text: bool,
    href: Option<String>,
    tables: usize,
}

impl Walker {
    /// A data table: a block for each row.
    fn table(&mut self, rows: Vec<Vec<String>>) {
        self.flush();
        let id = self.tables;
        self.tables += 1;
        for cells in rows {
            self.blocks.push(Block {
                line: 0,
                text: cells.join(" "),
                cells: Some(cells),
                table: Some(id),
                link: None,
            });
        }
    }

    fn text(&mut self, t: &str, in_link: bool, href: Option<String>) {
        let collapsed = collapse(t);
        if collapsed.trim().is_empty() {
            if !self.cur.ends_with(' ') && !self.cur.is_empty() {
                self.cur.push(' ');
            }
            return;
        }
        if !self.any_text {
            self.all_link = true;
        }
        self.any_text = true;
        if in_link {
            if self.href.is_none() {
                self.href = href;
            }
        } else {
            self.all_link = false;
        }
        self.cur.push_str(&collapsed);
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.cur);
        let text = text.trim();
        if !text.is_empty() {
            let link = if self.all_link {
                Some(self.href.clone().unwrap_or_default())
            } else {
                None
            };
            self.blocks.push(Block {
                line: 0,
                text: text.to_string(),
                cells: None,
                table: None,
                link,
            });
        }
        self.any_text = false;
        self.all_link = false;
        self.href = None;
    }
}

/// HTML whitespace: runs of ASCII spaces and newlines are one space
/// (non-breaking spaces stay, the cleaner deals with them).
fn collapse(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if matches!(c, ' ' | '\n' | '\r' | '\t' | '\u{c}') {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

fn read_meta(doc: &Html, source: &str, meta: &mut Meta) {
    for node in doc.tree.root().descendants() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        if e.name() == "meta" {
            let key = e
                .attr("name")
                .or_else(|| e.attr("property"))
                .unwrap_or("")
                .to_ascii_lowercase();
            let Some(content) = e.attr("content").map(str::trim).filter(|c| !c.is_empty()) else {
                continue;
            };
            match key.as_str() {
                "articletitle" => meta.title = Some(content.to_string()),
                "pubdate" | "firstpublishedtime" => {
                    meta.date_published = super::structure::parse_date(content)
                }
                "contentsource" => meta.source_name = Some(content.to_string()),
                "og:url" => meta.source_url = Some(content.to_string()),
                _ => {}
            }
        } else if e.name() == "link"
            && e.attr("rel")
                .is_some_and(|r| r.eq_ignore_ascii_case("canonical"))
            && let Some(href) = e.attr("href")
            && href.starts_with("http")
        {
            meta.source_url.get_or_insert_with(|| href.to_string());
        }
    }
    if meta.source_url.is_none()
        && let Some(c) = SAVED_FROM.captures(source)
        && let Some(url) = c.get(1)
    {
        meta.source_url = Some(url.as_str().to_string());
    }
}

/// Tables that contain another table: layout, not data.
fn tables_with_tables(doc: &Html) -> HashSet<NodeId> {
    let mut out = HashSet::new();
    let mut open: Vec<NodeId> = Vec::new();
    for edge in doc.tree.root().traverse() {
        match edge {
            Edge::Open(n) => {
                if let Node::Element(e) = n.value()
                    && e.name() == "table"
                {
                    if let Some(parent) = open.last() {
                        out.insert(*parent);
                    }
                    open.push(n.id());
                }
            }
            Edge::Close(n) => {
                if let Node::Element(e) = n.value()
                    && e.name() == "table"
                {
                    open.pop();
                }
            }
        }
    }
    out
}

/// The rows of a data table (no nested tables, two rows of two cells or
/// more), with `rowspan`/`colspan` spread so that cells line up with
/// columns: a merged cell is repeated down its rows and left empty across.
fn data_rows(table: ElementRef) -> Option<Vec<Vec<String>>> {
    let mut rows: Vec<Vec<String>> = Vec::new();
    // Per column: (rows still covered, text).
    let mut spans: Vec<(usize, String)> = Vec::new();
    for node in table.descendants() {
        let Some(tr) = ElementRef::wrap(node) else {
            continue;
        };
        if tr.value().name() != "tr" {
            continue;
        }
        let mut row: Vec<String> = Vec::new();
        let mut col = 0usize;
        let take_spans =
            |row: &mut Vec<String>, col: &mut usize, spans: &mut Vec<(usize, String)>| {
                while let Some(s) = spans.get_mut(*col)
                    && s.0 > 0
                {
                    s.0 -= 1;
                    row.push(s.1.clone());
                    *col += 1;
                }
            };
        for cell in tr.children().filter_map(ElementRef::wrap) {
            if !matches!(cell.value().name(), "td" | "th") {
                continue;
            }
            take_spans(&mut row, &mut col, &mut spans);
            let text = cell_text(cell);
            let attr = |a: &str| {
                cell.value()
                    .attr(a)
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 1000)
            };
            let (rowspan, colspan) = (attr("rowspan"), attr("colspan"));
            for k in 0..colspan {
                let value = if k == 0 { text.clone() } else { String::new() };
                if spans.len() <= col {
                    spans.resize(col + 1, (0, String::new()));
                }
                spans[col] = (rowspan - 1, value.clone());
                row.push(value);
                col += 1;
            }
        }
        take_spans(&mut row, &mut col, &mut spans);
        rows.push(row);
        if rows.len() > 100_000 {
            break;
        }
    }
    let full = rows
        .iter()
        .filter(|r| r.iter().filter(|c| !c.trim().is_empty()).count() >= 2)
        .count();
    (full >= 2).then_some(rows)
}

/// A cell's text, paragraphs on lines of their own.
fn cell_text(cell: ElementRef) -> String {
    let mut out = String::new();
    for edge in cell.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Text(t) => out.push_str(&collapse(t)),
                Node::Element(e) if e.name() == "br" => out.push('\n'),
                _ => {}
            },
            Edge::Close(n) => {
                if let Node::Element(e) = n.value()
                    && matches!(e.name(), "p" | "div" | "li")
                {
                    out.push('\n');
                }
            }
        }
    }
    out.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Gives each block the source line where its text first appears,
/// searching forward from the previous block within a bounded window.
fn locate_lines(source: &str, blocks: &mut [Block]) {
    const WINDOW: usize = 256 * 1024;
    let mut pos = 0usize;
    let mut line = 1usize;
    for b in blocks.iter_mut() {
        let probe: String = b
            .text
            .chars()
            .skip_while(|c| !super::clean::is_cjk(*c) || c.is_ascii())
            .take_while(|c| super::clean::is_cjk(*c) && !c.is_whitespace())
            .take(6)
            .collect();
        if probe.chars().count() >= 2 {
            let mut end = (pos + WINDOW).min(source.len());
            while !source.is_char_boundary(end) {
                end -= 1;
            }
            if let Some(found) = source[pos..end].find(&probe) {
                line += source[pos..pos + found].matches('\n').count();
                pos += found;
            }
        }
        b.line = line;
    }
}

/// The deepest tag nesting, counted roughly in one pass (void elements
/// and self-closing tags do not nest).
fn rough_depth(source: &str) -> usize {
    const VOID: &[&str] = &[
        "br", "img", "meta", "link", "input", "hr", "area", "base", "col", "embed", "source",
        "track", "wbr", "param",
    ];
    let bytes = source.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'<' {
            if bytes[i + 1] == b'/' {
                depth = depth.saturating_sub(1);
            } else if bytes[i + 1].is_ascii_alphabetic() {
                let name: String = source[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .take(12)
                    .collect::<String>()
                    .to_ascii_lowercase();
                let end = source[i..].find('>').map_or(source.len(), |e| i + e);
                let self_closing = end > 0 && bytes.get(end - 1) == Some(&b'/');
                if !VOID.contains(&name.as_str()) && !self_closing {
                    depth += 1;
                    max = max.max(depth);
                }
            }
        }
        i += 1;
    }
    max
}

/// The page as text, tags removed (block tags end lines): the fallback for
/// pages the parser would take too long over.
fn strip_tags(source: &str) -> Vec<Block> {
    let mut text = String::with_capacity(source.len() / 2);
    let mut in_tag = false;
    let mut tag = String::new();
    for c in source.chars() {
        if in_tag {
            if c == '>' {
                in_tag = false;
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if name == "br" || BLOCKS.contains(&name.as_str()) {
                    text.push('\n');
                }
                tag.clear();
            } else if tag.len() < 16 {
                tag.push(c);
            }
        } else if c == '<' {
            in_tag = true;
        } else {
            text.push(c);
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| Block::para(i + 1, l.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_links_tables_and_meta() {
        let page = "<!-- saved from url=(0030)http://www.example.gov.cn/a -->\n<html><head><meta name=\"ArticleTitle\" content=\"关于印发《甲方案》的通知\"><script>var x='设为首页';</script></head>\n<body><nav><a href=\"/\">首页</a></nav>\n<div class=\"crumb\">当前位置：<a href=\"/\">首页</a> &gt; 政务公开</div>\n<table><tr><td>索 引 号：</td><td>001/2023-1</td></tr><tr><td>发文字号：</td><td>区发〔2023〕1号</td></tr></table>\n<p>各街道：</p>\n<p>现将《甲方案》印发给你们。<br>请认真执行。</p>\n<ul><li><a href=\"/f/1.docx\">甲方案分工表.docx</a></li><li><a href=\"/n/2\">另一篇文章</a> 2023-01-02</li></ul>\n<table><tr><th rowspan=2>一、总体</th><td>1.任务甲。</td><td>区司法局</td></tr><tr><td>2.任务乙。</td><td>区法院</td></tr></table></body></html>";
        let p = extract(page);
        assert_eq!(p.meta.title.as_deref(), Some("关于印发《甲方案》的通知"));
        assert_eq!(
            p.meta.source_url.as_deref(),
            Some("http://www.example.gov.cn/a")
        );
        let texts: Vec<&str> = p.blocks.iter().map(|b| b.text.as_str()).collect();
        assert!(!texts.iter().any(|t| t.contains("设为首页")));
        assert!(texts.contains(&"现将《甲方案》印发给你们。"));
        assert!(texts.contains(&"请认真执行。"));
        let attachment = p.blocks.iter().find(|b| b.text == "甲方案分工表.docx");
        assert_eq!(
            attachment.and_then(|b| b.link.as_deref()),
            Some("/f/1.docx")
        );
        let rows: Vec<&Vec<String>> = p.blocks.iter().filter_map(|b| b.cells.as_ref()).collect();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows[3],
            &vec!["一、总体".to_string(), "2.任务乙。".into(), "区法院".into()]
        );
        let para = p.blocks.iter().find(|b| b.text == "各街道：");
        assert_eq!(para.map(|b| b.line), Some(6));
    }

    #[test]
    fn deep_nesting_and_junk_stay_bounded() {
        let deep = "<div>".repeat(50_000) + "文字" + &"</div>".repeat(50_000);
        let p = extract(&deep);
        assert_eq!(p.blocks.len(), 1);
        let tables = "<table><tr><td>".repeat(2000) + "x";
        let _ = extract(&tables);
        let _ = extract("<<<>>>&&&;;<p");
    }
}
