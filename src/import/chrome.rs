//! The portal's page around the document: headers, breadcrumbs, metadata
//! lines, share and QR-code text, attachment and related-link lists,
//! hotlines, footers and lists of other articles.
//!
//! Metadata lines (`发布时间:… 责任编辑:… 点击量:…`, the `索 引 号:` block) are
//! read before they are dropped, so that their values reach the content
//! file. Everything dropped is noted with its line for the report.

use crate::patterns::patterns;

use super::clean::compact;
use super::report::Report;
use super::{Block, Meta};

/// Metadata keys as portals write them, longest first so that `主题分类`
/// wins over `主题`, with the field each one fills.
const KEYS: &[(&str, Key)] = &[
    ("索引号", Key::IndexNumber),
    ("发文机关", Key::Issuer),
    ("发布机构", Key::Issuer),
    ("发布机关", Key::Issuer),
    ("发文单位", Key::Issuer),
    ("制发机关", Key::Issuer),
    ("发文字号", Key::DocNumber),
    ("发文编号", Key::DocNumber),
    ("文号", Key::DocNumber),
    ("成文日期", Key::DateSigned),
    ("成文时间", Key::DateSigned),
    ("发文日期", Key::DateSigned),
    ("印发日期", Key::DateSigned),
    ("发布日期", Key::DatePublished),
    ("发布时间", Key::DatePublished),
    ("公开日期", Key::DatePublished),
    ("公开时间", Key::DatePublished),
    ("更新时间", Key::DatePublished),
    ("主题分类", Key::Category),
    ("所属主题", Key::Category),
    ("信息分类", Key::Category),
    ("主题", Key::Category),
    ("有效性", Key::Validity),
    ("时效性", Key::Validity),
    ("效力状态", Key::Validity),
    ("公开方式", Key::Disclosure),
    ("公开形式", Key::Disclosure),
    ("责任编辑", Key::Editor),
    ("编辑", Key::Editor),
    ("信息来源", Key::Source),
    ("文章来源", Key::Source),
    ("来源", Key::Source),
    ("标题", Key::Title),
    ("名称", Key::Title),
    ("点击量", Key::Ignored),
    ("点击数", Key::Ignored),
    ("浏览次数", Key::Ignored),
    ("浏览量", Key::Ignored),
    ("访问量", Key::Ignored),
    ("阅读量", Key::Ignored),
    ("有效时间", Key::Ignored),
    ("公开对象", Key::Ignored),
    ("发文类型", Key::Ignored),
    ("公开部门", Key::Ignored),
    ("公开范围", Key::Ignored),
    ("体裁分类", Key::Ignored),
    ("组配分类", Key::Ignored),
    ("主题词", Key::Ignored),
    ("关键词", Key::Ignored),
    ("作者", Key::Ignored),
    ("状态", Key::Ignored),
    ("字体", Key::Ignored),
    ("字号", Key::Ignored),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    IndexNumber,
    Issuer,
    DocNumber,
    DateSigned,
    DatePublished,
    Category,
    Validity,
    Disclosure,
    Editor,
    Source,
    Title,
    Ignored,
}

patterns! {
    /// A key, letters possibly broken by spaces (`索 引 号`), then a colon.
    static KEY_RE = {
        let mut keys: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
        keys.sort_by_key(|k| std::cmp::Reverse(k.chars().count()));
        let alts: Vec<String> = keys
            .iter()
            .map(|k| {
                k.chars()
                    .map(|c| regex::escape(&c.to_string()))
                    .collect::<Vec<_>>()
                    .join(r"\s*")
            })
            .collect();
        format!(r"({})\s*[:：]", alts.join("|"))
    };
}

/// Words that make up the portal's furniture; a line made of nothing else
/// (and separators) is chrome.
const CHROME_WORDS: &[&str] = &[
    "设为首页",
    "加入收藏",
    "收藏本站",
    "无障碍阅读",
    "无障碍浏览",
    "无障碍",
    "长者版",
    "关怀版",
    "适老化",
    "老年版",
    "简体版",
    "繁体版",
    "简体",
    "繁體",
    "繁体",
    "English",
    "网站地图",
    "返回首页",
    "返回顶部",
    "首页",
    "登录",
    "注册",
    "打印本页",
    "打印",
    "关闭窗口",
    "关闭本页",
    "关闭",
    "分享到",
    "分享",
    "扫一扫在手机打开当前页",
    "扫一扫在手机上查看当前页面",
    "扫一扫",
    "手机扫码",
    "手机版",
    "微信",
    "微博",
    "大中小",
    "字体",
    "字号",
    "默认",
    "收藏",
    "保存",
    "读屏",
    "智能问答",
    "搜索",
    "附件下载",
    "相关附件",
    "相关链接",
    "相关文章",
    "相关阅读",
    "相关新闻",
    "相关信息",
    "相关文件",
    "相关稿件",
    "上一篇",
    "下一篇",
];

/// Markers after which the rest of the page is not the document.
const TAIL_MARKERS: &[&str] = &[
    "相关链接",
    "相关文章",
    "相关阅读",
    "相关新闻",
    "相关信息",
    "相关稿件",
    "上一篇",
    "下一篇",
    "打印本页",
    "关闭窗口",
    "热点推荐",
    "猜你喜欢",
];

/// Footer lines: site identity and contact.
const FOOTER_WORDS: &[&str] = &[
    "主办单位:",
    "主办单位：",
    "承办单位:",
    "承办单位：",
    "主办:",
    "主办：",
    "版权所有",
    "Copyright",
    "copyright",
    "©",
    "ICP备",
    "网站标识码",
    "公网安备",
    "技术支持",
    "网站维护",
    "建议使用",
    "分辨率",
    "联系我们",
    "网站纠错",
    "政府网站找错",
];

const HOTLINE_WORDS: &[&str] = &[
    "热线",
    "服务电话",
    "联系电话",
    "咨询电话",
    "投诉电话",
    "电话:",
    "电话：",
    "传真",
    "邮编",
];

patterns! {
    static BREADCRUMB_RE = r"^(当前位置|您现在的位置|您的位置|现在位置|所在位置|当前的位置|位置)\s*[:：]?";

    /// A title followed by a date, as article lists show them.
    static LISTED_ARTICLE_RE = r"^.{4,80}?[\s\[【(（]*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}[\]】)）]?$";

    static ATTACHMENT_RE = r"(?i)\.(docx?|pdf|xlsx?|wps|ofd|zip|rar|et|txt)\s*$";
}

/// Drops the page furniture, filling `meta` from metadata lines.
pub fn strip(blocks: Vec<Block>, meta: &mut Meta, report: &mut Report) -> Vec<Block> {
    let mut kept: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut strip = Strip {
        structure_after: structure_after(&blocks),
        body_started: false,
        tail_from: None,
        in_attachments: false,
    };
    for (i, b) in blocks.into_iter().enumerate() {
        if strip.keeps(i, &b, meta, report) {
            kept.push(b);
        }
    }
    let listed = trailing_article_list(&kept);
    for b in kept.drain(kept.len() - listed..) {
        report.dropped(
            b.line,
            format!("listed article (after the document): {}", shorten(&b.text)),
        );
    }
    kept
}

/// How many headings and numbered tasks follow each block: a "related
/// news" marker with the document's own structure after it is a link
/// inside the page, not the document's end.
fn structure_after(blocks: &[Block]) -> Vec<usize> {
    let mut after = vec![0usize; blocks.len() + 1];
    for (i, b) in blocks.iter().enumerate().rev() {
        let own = super::structure::heading(&b.text).is_some()
            || super::structure::task_number(&b.text).is_some();
        after[i] = after[i + 1] + usize::from(own);
    }
    after
}

/// Where [`strip`] is in the page.
struct Strip {
    /// See [`structure_after`].
    structure_after: Vec<usize>,
    /// A sentence of the document has been read.
    body_started: bool,
    /// The line after which everything is the page's, not the document's.
    tail_from: Option<usize>,
    /// In a list of attachments.
    in_attachments: bool,
}

impl Strip {
    /// Whether block `i` is the document's; what is not is reported, and
    /// metadata and attachments go into `meta`.
    fn keeps(&mut self, i: usize, b: &Block, meta: &mut Meta, report: &mut Report) -> bool {
        if self.tail_from.is_some() {
            if let Some(href) = &b.link
                && is_attachment(&b.text, href)
            {
                meta.attachments.push((b.text.clone(), href.clone()));
            }
            return false;
        }
        let text = b.text.as_str();
        let c = compact(text);
        if c.is_empty() || self.portal_line(b, meta, report) {
            return false;
        }
        if self.body_started && TAIL_MARKERS.iter().any(|m| c.starts_with(m)) {
            if self.structure_after[i + 1] >= 3 {
                report.dropped(
                    b.line,
                    format!("portal chrome (the document follows): {}", shorten(text)),
                );
            } else {
                report.dropped(
                    b.line,
                    format!(
                        "everything from here on: after the document ({})",
                        shorten(text)
                    ),
                );
                self.tail_from = Some(b.line);
            }
            return false;
        }
        if c.starts_with("附件下载") || c.starts_with("相关附件") {
            self.in_attachments = true;
            report.dropped(b.line, format!("portal chrome: {}", shorten(text)));
            return false;
        }
        if self.in_attachments {
            if ATTACHMENT_RE.is_match(text) {
                report.unsure(
                    b.line,
                    format!(
                        "attachment listed without a link, not kept: {}",
                        shorten(text)
                    ),
                );
                return false;
            }
            self.in_attachments = false;
        }
        if b.cells.is_none()
            && let Some(reason) = chrome_reason(text, &c)
        {
            report.dropped(b.line, format!("{reason}: {}", shorten(text)));
            return false;
        }
        if self.body_started
            && b.cells.is_none()
            && LISTED_ARTICLE_RE.is_match(&c)
            && !c.contains('。')
        {
            report.dropped(b.line, format!("listed article: {}", shorten(text)));
            return false;
        }
        if c.chars().count() >= 30 && (c.contains('。') || c.contains('，') || c.contains(',')) {
            self.body_started = true;
        }
        true
    }

    /// Reads a metadata line or a link of the portal into `meta`; false
    /// when `b` is neither.
    fn portal_line(&self, b: &Block, meta: &mut Meta, report: &mut Report) -> bool {
        let text = b.text.as_str();
        // Metadata lines are read wherever they are; a line with keys at
        // its start or with two keys is metadata (a sentence rarely is).
        if (b.cells.is_none() || looks_like_meta_row(b))
            && let Some(pairs) = metadata_pairs(text, self.body_started)
        {
            for (key, value) in &pairs {
                apply(meta, *key, value);
            }
            report.dropped(b.line, format!("portal metadata: {}", shorten(text)));
            report.kept_as(b.line, super::report::Field::Portal);
            return true;
        }
        let Some(href) = &b.link else {
            return false;
        };
        if is_attachment(text, href) {
            meta.attachments.push((text.to_string(), href.clone()));
            report.dropped(b.line, format!("attachment link: {}", shorten(text)));
            report.kept_as(b.line, super::report::Field::Attachment);
        } else {
            report.dropped(b.line, format!("link: {}", shorten(text)));
        }
        true
    }
}

/// Why a line is page furniture, if it is.
fn chrome_reason(text: &str, c: &str) -> Option<&'static str> {
    if text.is_empty() {
        return None;
    }
    if BREADCRUMB_RE.is_match(c) {
        return Some("breadcrumb");
    }
    if (c.starts_with("首页>") || c.starts_with("首页»") || c.starts_with("首页/"))
        && c.chars().count() < 120
    {
        return Some("breadcrumb");
    }
    if (c.starts_with("欢迎访问") || c.starts_with("欢迎光临") || c.starts_with("欢迎您"))
        && c.chars().count() < 60
    {
        return Some("portal header");
    }
    let n = c.chars().count();
    if n <= 30
        && ["门户网站", "政府网站", "政府网", "门户网", "官方网站"]
            .iter()
            .any(|w| c.ends_with(w))
    {
        return Some("portal header");
    }
    if n <= 80 && FOOTER_WORDS.iter().any(|w| c.contains(w)) {
        return Some("portal footer");
    }
    if n <= 60
        && HOTLINE_WORDS.iter().any(|w| c.contains(w))
        && c.chars().filter(|ch| ch.is_ascii_digit()).count() >= 5
    {
        return Some("hotline");
    }
    if is_navigation_bar(text) {
        return Some("navigation bar");
    }
    if path_like(c) {
        return Some("breadcrumb");
    }
    // The site speaking of itself (`本网站…`, `本站…`): a notice or disclaimer.
    if n <= 120 && (c.starts_with("本网") || c.starts_with("本站") || c.contains("免责声明"))
    {
        return Some("portal notice");
    }
    if n <= 60 && only_furniture(c) {
        return Some("portal chrome");
    }
    None
}

/// Navigation bars: `县委| 县人大| 县政协` (short parts, not a table's
/// header).
fn is_navigation_bar(text: &str) -> bool {
    let parts: Vec<&str> = text
        .split(['|', '｜'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let header_words = || {
        let cells: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        super::tables::header_row(&cells).is_some()
    };
    parts.len() >= 2
        && text.matches(['|', '｜']).count() >= 2
        && parts.iter().all(|p| p.chars().count() <= 10)
        && !header_words()
}

/// What separates furniture words in a line of them.
const FURNITURE_SEPARATORS: &[char] = &[
    '•', '·', '|', '｜', '【', '】', '[', ']', '>', '<', '»', '«', '/', ':', '：', '-', '(', ')',
    '（', '）', '+', '*', '、', '●', '■', '◆', '▪', '→', '＞',
];

/// A line made only of furniture words and separators.
fn only_furniture(c: &str) -> bool {
    let mut rest = c.to_string();
    for w in CHROME_WORDS {
        rest = rest.replace(w, "");
    }
    rest.chars().all(|ch| FURNITURE_SEPARATORS.contains(&ch))
}

/// A breadcrumb by its shape: short names joined by `>` `»` `→` `/`, at
/// least two steps, whatever its first word.
fn path_like(c: &str) -> bool {
    let steps: Vec<&str> = c
        .split(['>', '»', '→', '＞', '/', '›'])
        .map(str::trim)
        .collect();
    steps.len() >= 3
        && c.chars().count() <= 100
        && steps[1..]
            .iter()
            .all(|s| (1..=16).contains(&s.chars().count()))
        && steps
            .iter()
            .all(|s| s.chars().any(|ch| !ch.is_ascii_digit()))
        && !c.contains(['。', '，', ','])
}

/// Trailing lines that are other articles' titles, listed without a date
/// or a marker: a run of at least three short lines at the very end, none
/// a sentence, a number, a heading or a cell of unit names.
fn trailing_article_list(kept: &[Block]) -> usize {
    let listed = |b: &Block| {
        let t = b.text.trim();
        let n = t.chars().count();
        b.cells.is_none()
            && (6..=60).contains(&n)
            && !t.contains(['。', '；', ';', ':', '：'])
            && super::structure::heading(t).is_none()
            && super::structure::task_number(t).is_none()
            && super::structure::date_line(t).is_none()
            && !super::tables::cell_like(t)
            && !t.starts_with(['(', '（', '附'])
    };
    let run = kept.iter().rev().take_while(|b| listed(b)).count();
    if run >= 3 && run < kept.len() { run } else { 0 }
}

/// Rows of a real table that are a portal's metadata table (`索引号：` cells)
/// rather than the document's.
fn looks_like_meta_row(b: &Block) -> bool {
    b.cells.as_ref().is_some_and(|cells| {
        cells.iter().any(|cell| {
            let c = compact(cell);
            KEY_RE.find(&c).is_some_and(|m| m.start() == 0)
                && !matches!(c.as_str(), "牵头单位" | "责任单位")
        })
    })
}

/// The `key: value` pairs of a metadata line, or `None` when the line is
/// not one. Before the body starts, one key at the start is enough; later,
/// two keys are needed.
fn metadata_pairs(text: &str, body_started: bool) -> Option<Vec<(Key, String)>> {
    let found: Vec<(usize, usize, Key)> = KEY_RE
        .captures_iter(text)
        .filter_map(|cap| {
            let m = cap.get(0)?;
            let key = key_of(cap.get(1)?.as_str())?;
            Some((m.start(), m.end(), key))
        })
        .collect();
    let first = found.first()?;
    let lead = text[..first.0].trim_matches(|c: char| c.is_whitespace() || "•·【[".contains(c));
    let at_start = lead.is_empty();
    let enough = if body_started {
        found.len() >= 2
    } else {
        at_start || found.len() >= 2
    };
    if !enough {
        return None;
    }
    // A sentence with a colon is not a metadata line.
    let total: usize = text.chars().count();
    if found.len() == 1 && total > 80 {
        return None;
    }
    let mut pairs = Vec::new();
    for (i, &(_, value_start, key)) in found.iter().enumerate() {
        let end = found.get(i + 1).map_or(text.len(), |n| n.0);
        let value = clean_value(&text[value_start..end]);
        pairs.push((key, value));
    }
    Some(pairs)
}

fn key_of(written: &str) -> Option<Key> {
    let k = compact(written);
    KEYS.iter()
        .find(|(name, _)| *name == k)
        .map(|(_, key)| *key)
}

/// A value without the furniture that follows it on the same line.
fn clean_value(v: &str) -> String {
    let mut v = v.trim().to_string();
    for tail in ["字体[", "字体【", "【大", "[大", "字号", "【打印", "分享到"] {
        if let Some(p) = v.find(tail) {
            v.truncate(p);
        }
    }
    v.trim()
        .trim_matches(|c: char| c.is_whitespace() || "[]【】".contains(c))
        .to_string()
}

fn apply(meta: &mut Meta, key: Key, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    let set = |slot: &mut Option<String>, v: &str| {
        if slot.is_none() {
            *slot = Some(v.to_string());
        }
    };
    match key {
        Key::IndexNumber => set(&mut meta.index_number, &compact(value)),
        Key::Issuer => set(&mut meta.issuer, &compact(value)),
        Key::DocNumber => set(&mut meta.doc_number, &compact(value)),
        Key::DateSigned => {
            if meta.date_signed.is_none() {
                meta.date_signed = super::structure::parse_date(value);
            }
        }
        Key::DatePublished => {
            if meta.date_published.is_none() {
                meta.date_published = super::structure::parse_date(value);
            }
        }
        Key::Category => set(&mut meta.category, value),
        Key::Validity => set(&mut meta.validity, value),
        Key::Disclosure => set(&mut meta.disclosure, value),
        Key::Editor => set(&mut meta.editor, value),
        Key::Source => set(&mut meta.source_name, value),
        Key::Title => set(&mut meta.title, &compact(value)),
        Key::Ignored => {}
    }
}

fn is_attachment(text: &str, href: &str) -> bool {
    ATTACHMENT_RE.is_match(href.split(['?', '#']).next().unwrap_or(href))
        || ATTACHMENT_RE.is_match(text)
}

/// A line cut short for the report.
pub fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests;
