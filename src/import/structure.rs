//! The document's shape: title and head, a notice and the plans it
//! transmits, and each plan's headings and tasks.
//!
//! Prose plans are written as Markdown and read back with planpress's own
//! Markdown body reader ([`markdown::parse_body`]), so the sections and
//! tasks the importer reports are exactly those `check` will see.
//! Division-of-labour tables are read by [`super::tables`].

use std::path::Path;

use chrono::NaiveDate;

use crate::content::markdown::{self, ParsedBody};
use crate::diagnostics::Diagnostic;
use crate::model::{Block as MdBlock, PlanKind};
use crate::patterns::patterns;

use super::clean::compact;
use super::report::Report;
use super::tables::{self, TablePlan};
use super::{Block, Context, Meta, Options};

/// Everything found in one input.
pub struct Analysis {
    pub notice: Option<NoticeDoc>,
    pub plans: Vec<PlanDoc>,
    pub jurisdiction: String,
}

#[derive(Debug)]
pub struct NoticeDoc {
    pub meta: Meta,
    pub recipients: Option<String>,
    pub body: Vec<String>,
    pub signature: Option<String>,
    pub line: usize,
}

pub struct PlanDoc {
    pub meta: Meta,
    pub kind: PlanKind,
    pub period: Option<String>,
    /// A 规划's phases (`全面推进阶段(2021年-2022年)`), in document order.
    pub phases: Vec<Phase>,
    pub line: usize,
    pub body: PlanBody,
}

pub enum PlanBody {
    Prose(ProsePlan),
    Table(TablePlan),
}

/// A prose plan as Markdown, and that Markdown as planpress reads it.
pub struct ProsePlan {
    pub markdown: String,
    /// Input position of each Markdown line (index = Markdown line - 1).
    pub lines: Vec<usize>,
    pub parsed: ParsedBody,
    /// Task numbers start again in later sections: they must be qualified
    /// by their section to stay unique (YAML only).
    pub restarts: bool,
}

impl ProsePlan {
    /// The input position of a Markdown line.
    pub fn input_line(&self, md_line: usize) -> usize {
        md_line
            .checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .copied()
            .unwrap_or(0)
    }
}

const CN_DIGITS: &str = "一二三四五六七八九十百零〇两";

patterns! {
    /// Heading numberings and the level each implies, as planpress's Markdown
    /// reader ranks them: 第X章 > 第X节 > 一、 > (一) > (1).
    /// `(一)指导思想。以马克思列宁主义…`: a heading run into its first paragraph.
    static INLINE_HEADING = r"^((?:第[一二三四五六七八九十百零〇两]+[章节])|(?:[一二三四五六七八九十百零〇两]+[、.．])|(?:[(（][一二三四五六七八九十百零〇两]+[)）]))\s*([^。；;，,:：“”《》]{2,20})。(.+)$";

    /// Task numbers as planpress reads them: `1.` `1．` `1、`, not `2.5亿`; but
    /// `25.2024年前…` is measure 25 (a year follows its number).
    static TASK_NUMBER = r"^(\d{1,4})\s*[.．、]\s*((?:(?:19|20)\d{2}\s*年|[^\d]).*|)$";

    static DOC_NUMBER = r"^([\p{Han}A-Za-z]{1,24})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(第?\s*\d{1,5}\s*号)$";

    static ISO_DATE = r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})";
    static CN_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日";
    static HAN_DATE = r"([〇零一二三四五六七八九○Ｏ]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日";

    static PERIOD = r"((?:19|20)\d{2})\s*年?\s*[-—–－~～至到]+\s*((?:19|20)\d{2})";
}

/// A date anywhere in `s`: `2017-07-19`, `2017年7月19日`, `二〇一七年七月十九日`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let num = |m: Option<regex::Match>| m.and_then(|m| m.as_str().parse::<u32>().ok());
    for re in [&*ISO_DATE, &*CN_DATE] {
        if let Some(c) = re.captures(s) {
            let y = num(c.get(1))? as i32;
            return NaiveDate::from_ymd_opt(y, num(c.get(2))?, num(c.get(3))?);
        }
    }
    let c = HAN_DATE.captures(s)?;
    let year: String = c
        .get(1)?
        .as_str()
        .chars()
        .map(|ch| match ch {
            '〇' | '零' | '○' | 'Ｏ' => '0',
            c => std::char::from_digit(cn_number(&c.to_string()).unwrap_or(0), 10).unwrap_or('0'),
        })
        .collect();
    NaiveDate::from_ymd_opt(
        year.parse().ok()?,
        cn_number(c.get(2)?.as_str())?,
        cn_number(c.get(3)?.as_str())?,
    )
}

/// A line that is a date and nothing else (a signature date).
pub fn date_line(s: &str) -> Option<NaiveDate> {
    let c = compact(s);
    let n = c.chars().count();
    if !(8..=14).contains(&n)
        || !(c.ends_with('日') || c.chars().last().is_some_and(|ch| ch.is_ascii_digit()))
    {
        return None;
    }
    parse_date(&c)
}

/// `一` → 1, `十二` → 12, `二十三` → 23; up to 999.
pub fn cn_number(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".find(c).map(|i| (i / 3) as u32);
    let mut total = 0u32;
    let mut current = 0u32;
    let mut any = false;
    for c in s.chars() {
        any = true;
        match c {
            '十' => {
                total += current.max(1) * 10;
                current = 0;
            }
            '百' => {
                total += current.max(1) * 100;
                current = 0;
            }
            '两' => current = 2,
            '〇' => current = 0,
            c => current = digit(c)?,
        }
    }
    any.then_some(total + current)
}

/// A heading line: (number as written, title, level); the Markdown loader's rule.
pub use crate::content::markdown::paragraph_heading as heading;

/// A heading with its first paragraph on the same line.
fn inline_heading(text: &str) -> Option<(String, String, u8, String)> {
    let c = INLINE_HEADING.captures(text)?;
    let number = c.get(1)?.as_str().to_string();
    let title = c.get(2)?.as_str().trim().to_string();
    let rest = c.get(3)?.as_str().trim().to_string();
    let (_, _, level) = heading(&format!("{number}{title}"))?;
    (!rest.is_empty()).then_some((number, title, level, rest))
}

/// The task number and text, when a paragraph starts with one.
pub fn task_number(text: &str) -> Option<(String, String)> {
    let first = text.lines().next().unwrap_or("");
    let c = TASK_NUMBER.captures(first)?;
    Some((
        c.get(1)?.as_str().to_string(),
        c.get(2)?.as_str().to_string(),
    ))
}

/// `哈里治区委发〔2017〕2号`, also with `[ ]`, `( )` or `【 】` for 〔〕.
pub fn doc_number(text: &str) -> Option<String> {
    let c = compact(text);
    let caps = DOC_NUMBER.captures(&c)?;
    Some(format!(
        "{}〔{}〕{}",
        caps.get(1)?.as_str(),
        caps.get(2)?.as_str(),
        caps.get(3)?.as_str()
    ))
}

/// The plan period named in a title: `(2021-2025年)` → `2021-2025`, or a
/// five-year plan by its number: `“十四五”规划` → `2021-2025`.
pub fn period_of(title: &str) -> Option<String> {
    if let Some(c) = PERIOD.captures(title) {
        let (a, b) = (c.get(1)?.as_str(), c.get(2)?.as_str());
        return (a <= b).then(|| format!("{a}-{b}"));
    }
    let c = FIVE_YEAR.captures(title)?;
    let n = cn_number(c.get(1).or(c.get(2)).or(c.get(3))?.as_str())?;
    // From the third (1966-1970) on, five-year plans follow each other
    // without a gap; the first two are history, not plans to publish.
    let start = 1966 + 5 * n.checked_sub(3)?;
    Some(format!("{start}-{}", start + 4))
}

patterns! {
    /// `“十四五”`, `十三五时期`, `第十四个五年规划`.
    static FIVE_YEAR = r#"[“"‘]([三四五六七八九十]|十[一二三四五六七八九])五[”"’]|([三四五六七八九十]|十[一二三四五六七八九])五(?:规划|时期|期间|期末)|第([三四五六七八九十]|十[一二三四五六七八九])个五年"#;
}

/// One phase of a plan: its name, period as written, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phase {
    pub name: String,
    pub period: Option<String>,
    pub body: String,
}

patterns! {
    /// `(2021年-2022年)`, `(2023年)`, `(2017年7月—8月)`: a bracket that starts with a year.
    static PHASE_PERIOD = r"[(（]\s*((?:19|20)\d{2}[^)）]{0,20})[)）]";
}

/// The phases a line names: `第一阶段:全面推进阶段(2021年-2022年)。…`,
/// `(二)巩固提升阶段(2023年-2024年)`, or several in a row
/// (`全面推进阶段(2021年—2022年),重点突破阶段(2023年—2024年)。`): a name
/// ending in `阶段` and a period. The last one takes the rest as its body.
pub fn phases_in(text: &str) -> Vec<Phase> {
    let matches: Vec<regex::Captures> = PHASE_PERIOD.captures_iter(text).collect();
    let mut out = Vec::new();
    let mut from = 0;
    for (k, m) in matches.iter().enumerate() {
        let Some(whole) = m.get(0) else { continue };
        let before = text[from..whole.start()]
            .trim_start_matches([',', '，', '、', ';', '；', '。', ' '])
            .trim();
        from = whole.end();
        let body = if k + 1 == matches.len() {
            text[whole.end()..]
                .trim_start_matches([':', '：', '。', ',', '，', ' '])
                .trim()
                .to_string()
        } else {
            String::new()
        };
        if let Some(name) = phase_name(before) {
            out.push(Phase {
                name,
                period: m.get(1).map(|p| p.as_str().trim().to_string()),
                body,
            });
        }
    }
    out
}

/// `第一阶段:全面推进阶段` → `全面推进阶段`; `(二)巩固提升阶段` → `巩固提升阶段`.
fn phase_name(before: &str) -> Option<String> {
    let name = match before.rsplit_once([':', '：']) {
        Some((_, name)) if name.trim().ends_with("阶段") => name.trim(),
        Some((label, _)) => label.trim(),
        None => before,
    };
    let name = heading(name)
        .map(|(_, title, _)| title)
        .or_else(|| task_number(name).map(|(_, rest)| rest))
        .unwrap_or_else(|| name.to_string());
    let name = name.trim().to_string();
    (name.ends_with("阶段") && name.chars().count() <= 20).then_some(name)
}

/// The phases of a plan's paragraphs; a phase named on a line of its own
/// takes the next paragraph as its body.
fn phases_of(region: &[Block]) -> Vec<Phase> {
    let mut out: Vec<Phase> = Vec::new();
    for (i, b) in region.iter().enumerate() {
        if b.cells.is_some() {
            continue;
        }
        let mut phases = phases_in(&b.text);
        if let Some(last) = phases.last_mut()
            && last.body.is_empty()
            && let Some(next) = region.get(i + 1)
            && next.cells.is_none()
            && phases_in(&next.text).is_empty()
            && heading(&next.text).is_none()
        {
            last.body = next.text.clone();
        }
        out.extend(phases);
    }
    out
}

/// The kind a title names. Tables are 分工方案 whatever their title says.
pub fn kind_of(title: &str) -> Option<PlanKind> {
    // `法治下陆建设规划(2021-2025年)`: the period and brackets come off.
    let mut t = compact(title);
    loop {
        let before = t.len();
        t = t
            .trim_end_matches(['》', '”', '"', '。'])
            .trim_end_matches(|c: char| c.is_ascii_digit() || "()（）-—–年~～至".contains(c))
            .to_string();
        if t.len() == before {
            break;
        }
    }
    let t = t.trim_end_matches("(试行)").trim_end_matches("（试行）");
    let ends = |w: &str| t.ends_with(w);
    Some(
        if ends("分工方案")
            || ends("分工表")
            || ends("任务分工")
            || ends("责任分工")
            || ends("清单")
        {
            PlanKind::DivisionOfLabour
        } else if ends("实施方案") {
            PlanKind::ImplementationPlan
        } else if ends("工作方案") {
            PlanKind::WorkPlan
        } else if ends("实施意见") {
            PlanKind::ImplementingOpinions
        } else if ends("意见") {
            PlanKind::Opinions
        } else if ends("规划") || ends("纲要") {
            PlanKind::MultiYearPlan
        } else if ends("方案") || ends("计划") || ends("要点") || ends("安排") {
            PlanKind::Plan
        } else {
            return None;
        },
    )
}

/// Words a document title ends with.
const TITLE_ENDS: &[&str] = &[
    "通知",
    "方案",
    "意见",
    "规划",
    "纲要",
    "要点",
    "办法",
    "决定",
    "计划",
    "清单",
    "细则",
    "规定",
    "报告",
    "分工",
    "分工表",
    "安排",
    "措施",
    "决议",
    "通报",
    "函",
];

fn title_complete(title: &str) -> bool {
    let t = compact(title);
    let opens = t.matches('《').count();
    let closes = t.matches('》').count();
    opens == closes && (TITLE_ENDS.iter().any(|w| t.ends_with(w)) || kind_of(&t).is_some())
}

/// A line that can be a title: not a sentence, not numbered, not a
/// table's header label (`牵头单位`).
fn title_like(text: &str) -> bool {
    let n = text.chars().count();
    tables::column_of(text).is_none()
        && (4..=150).contains(&n)
        && !text.ends_with(['。', '：', ':', '，', ',', '；', ';'])
        && !text.contains('。')
        && heading(text).is_none()
        && task_number(text).is_none()
}

/// A line naming an organ (an issuer or a signature), not a sentence.
fn organ_like(text: &str) -> bool {
    let n = text.chars().count();
    (3..=40).contains(&n)
        && !text.contains(['。', '，', ',', '：', ':', '《'])
        && [
            "委",
            "委员会",
            "政府",
            "办公室",
            "办公厅",
            "局",
            "院",
            "部",
            "办",
            "厅",
            "会",
            "组",
            "中心",
            "所",
            "室",
            "处",
        ]
        .iter()
        .any(|w| text.ends_with(w))
}

/// `各街道、镇,区委依法治区各工作组、各成员单位:`: the addressees.
fn recipients_like(text: &str) -> bool {
    let n = text.chars().count();
    (2..=150).contains(&n)
        && text.ends_with([':', '：'])
        && !text.contains('。')
        && !crate::content::annotations::split_units(text, &[]).is_empty()
        && !text.starts_with("附件")
        && ![
            "牵头单位",
            "责任单位",
            "牵头部门",
            "进度安排",
            "主送",
            "抄送",
        ]
        .iter()
        .any(|l| text.starts_with(l))
}

/// A paragraph of running text.
fn prose_like(text: &str) -> bool {
    text.chars().count() >= 30 && text.contains(['。', '，', ',', '；', ';'])
}

patterns! {
    /// `附件`, `附件1`, `附件2:`: an attachment label before a plan's title.
    static ATTACHMENT_LABEL = r"^附\s*件\s*\d{0,2}\s*[:：]?\s*";
}

/// Where the document's head ends and what it held.
#[derive(Default)]
struct Head {
    title: String,
    title_line: usize,
    /// Index of the first block after the head.
    body: usize,
    issuer: Option<String>,
    date: Option<NaiveDate>,
    /// Parenthesised notes under the title (`(…全体会议通过)`), kept as text.
    notes: Vec<Block>,
}

fn read_head(blocks: &[Block], meta: &mut Meta, report: &mut Report) -> Head {
    let mut head = Head::default();
    let wanted = meta.title.as_deref().map(compact);
    let Some(mut i) = title_index(blocks, wanted.as_deref()) else {
        head.title = meta.title.clone().unwrap_or_default();
        return head;
    };
    head.title = blocks[i].text.clone();
    head.title_line = blocks[i].line;
    i += 1;
    // A title broken over lines: `关于印发《…系列` / `实践活动方案》的通知`.
    while !title_complete(&head.title)
        && let Some(b) = blocks.get(i)
        && b.cells.is_none()
        && b.text.chars().count() <= 40
        && title_like(&b.text)
        && doc_number(&b.text).is_none()
        && date_line(&b.text).is_none()
    {
        head.title.push_str(&b.text);
        i += 1;
    }
    head.title = compact(&head.title);
    if let Some(t) = &meta.title
        && compact(t) != head.title
        && wanted.is_some()
    {
        head.title = compact(t);
    }
    while i < blocks.len() {
        if !read_head_line(blocks, i, &mut head, meta, report) {
            break;
        }
        i += 1;
    }
    head.body = i;
    head
}

/// Where the title is among the first blocks: the block that reads
/// `wanted` (the title given), else the first line that is a whole title,
/// alone or with the short lines after it, else the first line that could
/// be one.
fn title_index(blocks: &[Block], wanted: Option<&str>) -> Option<usize> {
    // A title stands before the document's first heading or task: in an
    // excerpt that starts with them there is none to find.
    let limit = blocks
        .iter()
        .take(30)
        .position(|b| {
            b.cells.is_none() && (heading(&b.text).is_some() || task_number(&b.text).is_some())
        })
        .unwrap_or(blocks.len().min(30));
    if let Some(w) = wanted
        && let Some(i) = blocks[..limit]
            .iter()
            .position(|b| b.cells.is_none() && compact(&b.text) == w)
    {
        return Some(i);
    }
    let complete = |i: usize| {
        let mut t = String::new();
        for b in blocks[i..limit].iter().take(4) {
            if b.cells.is_some() || !title_like(&b.text) {
                break;
            }
            t.push_str(&b.text);
            if title_complete(&t) {
                return true;
            }
        }
        false
    };
    (0..limit)
        .find(|&i| blocks[i].cells.is_none() && title_like(&blocks[i].text) && complete(i))
        .or_else(|| {
            blocks[..limit]
                .iter()
                .position(|b| b.cells.is_none() && title_like(&b.text))
        })
}

/// Reads block `i` of the head, after the title: a document number, a
/// date, a note or a short line (an issuer, or dropped). False when the
/// head ends before it.
fn read_head_line(
    blocks: &[Block],
    i: usize,
    head: &mut Head,
    meta: &mut Meta,
    report: &mut Report,
) -> bool {
    let b = &blocks[i];
    let t = b.text.as_str();
    if b.cells.is_some() {
        return false;
    }
    if let Some(n) = doc_number(t) {
        if meta.doc_number.is_none() {
            meta.doc_number = Some(n);
        }
        report.dropped(b.line, format!("document number, kept as doc_number: {t}"));
        report.kept_as(b.line, super::report::Field::DocNumber);
        return true;
    }
    if let Some(d) = date_line(t) {
        head.date.get_or_insert(d);
        report.dropped(b.line, format!("date, kept as date_signed: {t}"));
        report.kept_as(b.line, super::report::Field::DateSigned);
        return true;
    }
    if recipients_like(t) || heading(t).is_some() || task_number(t).is_some() || prose_like(t) {
        return false;
    }
    if t.starts_with(['(', '（']) && t.ends_with([')', '）']) {
        head.notes.push(b.clone());
        return true;
    }
    if t.chars().count() <= 60 && !t.contains('。') && tables::header_run(&blocks[i..]).is_none() {
        if organ_like(t) && !t.contains("关于") {
            head.issuer.get_or_insert_with(|| compact(t));
            report.dropped(b.line, format!("issuer in the document's head: {t}"));
            report.kept_as(b.line, super::report::Field::Issuer);
        } else {
            report.dropped(
                b.line,
                format!("short line in the document's head (title repeated?): {t}"),
            );
        }
        return true;
    }
    false
}

/// The names of the documents a notice transmits: `《…》` in its title, or
/// what stands between `印发` and `的通知`.
fn transmitted_names(title: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in title.chars() {
        match c {
            '《' => {
                if depth > 0 {
                    cur.push(c);
                }
                depth += 1;
            }
            '》' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    names.push(std::mem::take(&mut cur));
                } else {
                    cur.push(c);
                }
            }
            c if depth > 0 => cur.push(c),
            _ => {}
        }
    }
    if names.is_empty() {
        let t = compact(title);
        for verb in ["印发", "转发", "下发", "发布"] {
            if let Some(p) = t.find(verb) {
                let rest = &t[p + verb.len()..];
                let rest = rest.strip_suffix("的通知").unwrap_or(rest);
                names.extend(split_names(rest));
                break;
            }
        }
    }
    names
}

/// `A实施方案和B工作要点`: several documents named without `《》`, split
/// where each part ends as a document's name does; else the whole.
fn split_names(list: &str) -> Vec<String> {
    if list.is_empty() {
        return Vec::new();
    }
    let parts: Vec<&str> = list
        .split(['、', '和', '及', '与'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let all_named = parts.len() >= 2
        && parts
            .iter()
            .all(|p| p.chars().count() >= 4 && (kind_of(p).is_some() || title_complete(p)));
    if all_named {
        parts.iter().map(|p| p.to_string()).collect()
    } else {
        vec![list.to_string()]
    }
}

/// Names compared without brackets, years and spaces.
fn name_key(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !"《》()（）〈〉年".contains(*c))
        .map(|c| if "—–－~～".contains(c) { '-' } else { c })
        .collect()
}

/// Whether a block starts a plan transmitted by a notice.
fn plan_title(b: &Block, names: &[String]) -> bool {
    if b.cells.is_some() || !title_like(&b.text) || b.text.chars().count() > 100 {
        return false;
    }
    let t = ATTACHMENT_LABEL.replace(&b.text, "").to_string();
    if t.is_empty() {
        return false;
    }
    let key = name_key(&t);
    names.iter().map(|n| name_key(n)).any(|n| {
        n.chars().count() >= 4 && (key.contains(&n) || n.contains(&key) && key.chars().count() >= 6)
    }) || (kind_of(&t).is_some() && t.chars().count() >= 6 && !recipients_like(&t))
}

/// Reads the whole input.
pub fn analyse(
    blocks: &[Block],
    mut meta: Meta,
    opts: &Options,
    ctx: &mut Context,
    report: &mut Report,
) -> Result<Analysis, Diagnostic> {
    let mut head = read_head(blocks, &mut meta, report);
    if head.title.is_empty() {
        head.title = placeholder_title(blocks);
        report.unsure(
            blocks.first().map_or(0, |b| b.line),
            format!(
                "no title found (an excerpt?); written as {}: replace it with the document's title",
                head.title
            ),
        );
    }
    let (notice, regions) = if head.title.ends_with("通知") {
        let (notice, regions) = read_notice(blocks, &head, &meta, report);
        (Some(notice), regions)
    } else {
        let region = (head.title.clone(), head.title_line, head.body..blocks.len());
        (None, vec![region])
    };
    let pending: Vec<Pending> = regions
        .into_iter()
        .map(|region| plan_region(blocks, region, &head, &meta, notice.as_ref(), report))
        .collect();
    if pending.is_empty() && notice.is_none() {
        return Err(
            Diagnostic::error(&report.source, 0, "no plan or notice found").with_hint(
                "import the plan itself: a title, then its text with numbered headings or tasks",
            ),
        );
    }
    let mut hints: Vec<String> = Vec::new();
    hints.extend(notice.as_ref().and_then(|n| n.meta.issuer.clone()));
    hints.extend(pending.iter().filter_map(|p| p.3.issuer.clone()));
    hints.push(head.title.clone());
    hints.extend(head.issuer.clone());
    hints.extend(pending.iter().map(|p| p.0.clone()));
    let mut weak: Vec<String> = Vec::new();
    weak.extend(meta.source_name.clone());
    weak.extend(ctx.site_title.clone());
    let jurisdiction = jurisdiction(opts, ctx, &hints, &weak, blocks, report);
    let known = ctx.registry.multi_part_names(&jurisdiction);
    let plans = pending
        .into_iter()
        .map(|p| plan_doc(p, &known, report))
        .collect();
    Ok(Analysis {
        notice,
        plans,
        jurisdiction,
    })
}

/// A plan's title, the line of its title and its blocks.
type Region = (String, usize, std::ops::Range<usize>);

/// A plan's title, the line of its title, its blocks and its metadata.
type Pending = (String, usize, Vec<Block>, Meta);

/// Reads the notice that opens `blocks` (its head read already): the
/// notice, and the regions of the plans it transmits.
fn read_notice(
    blocks: &[Block],
    head: &Head,
    meta: &Meta,
    report: &mut Report,
) -> (NoticeDoc, Vec<Region>) {
    let names = transmitted_names(&head.title);
    let mut k = head.body;
    let mut recipients = None;
    if let Some(b) = blocks.get(k)
        && b.cells.is_none()
        && recipients_like(&b.text)
    {
        recipients = Some(b.text.trim_end_matches([':', '：']).trim().to_string());
        k += 1;
    }
    let mut body: Vec<Block> = head.notes.clone();
    let mut signature = None;
    let mut notice_date = None;
    while let Some(b) = blocks.get(k) {
        if b.cells.is_some()
            || heading(&b.text).is_some()
            || task_number(&b.text).is_some()
            || tables::header_run(&blocks[k..]).is_some()
            || (plan_title(b, &names) && !body.is_empty())
        {
            break;
        }
        k += 1;
        if let Some(d) = date_line(&b.text) {
            notice_date = Some(d);
            if body.last().is_some_and(|l| organ_like(&l.text)) {
                signature = body.pop().map(|l| compact(&l.text));
            }
            break;
        }
        body.push(b.clone());
    }
    // `附件` labels between the notice and its plans.
    while let Some(b) = blocks.get(k) {
        let is_label = ATTACHMENT_LABEL.replace(&b.text, "").trim().is_empty();
        if !is_label {
            break;
        }
        report.dropped(b.line, format!("attachment label: {}", b.text));
        k += 1;
    }
    let regions = transmitted_regions(blocks, k, &names, &head.title, report);
    let mut nmeta = meta.clone();
    nmeta.title = Some(head.title.clone());
    nmeta.issuer = meta
        .issuer
        .clone()
        .or_else(|| signature.clone())
        .or_else(|| head.issuer.clone());
    nmeta.date_signed = meta.date_signed.or(notice_date).or(head.date);
    let notice = NoticeDoc {
        meta: nmeta,
        recipients,
        body: body.iter().map(|b| b.text.clone()).collect(),
        signature,
        line: head.title_line,
    };
    (notice, regions)
}

/// The regions of the plans a notice transmits, from block `k` on: each
/// starts at a title that names one of `names`.
fn transmitted_regions(
    blocks: &[Block],
    k: usize,
    names: &[String],
    notice_title: &str,
    report: &mut Report,
) -> Vec<Region> {
    let mut regions = Vec::new();
    let mut starts: Vec<usize> = (k..blocks.len())
        .filter(|&i| plan_title(&blocks[i], names))
        .collect();
    if starts.first() != Some(&k) && k < blocks.len() {
        // Text after the notice that does not start with a title: one
        // plan named after the notice's title.
        let name = names
            .first()
            .cloned()
            .unwrap_or_else(|| notice_title.to_string());
        report.unsure(
            blocks[k].line,
            format!("no plan title after the notice; the plan is named {name}"),
        );
        regions.push((
            name,
            blocks[k].line,
            k..starts.first().copied().unwrap_or(blocks.len()),
        ));
    }
    starts.dedup();
    for (n, &s) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(blocks.len());
        let mut title = ATTACHMENT_LABEL.replace(&blocks[s].text, "").to_string();
        let mut first = s + 1;
        while !title_complete(&title)
            && first < end
            && blocks[first].cells.is_none()
            && title_like(&blocks[first].text)
            && blocks[first].text.chars().count() <= 40
            && tables::header_run(&blocks[first..end]).is_none()
        {
            title.push_str(&blocks[first].text);
            first += 1;
        }
        regions.push((compact(&title), blocks[s].line, first..end));
    }
    regions
}

/// A plan's blocks and metadata: a signature and date closing the plan are
/// taken out of its text into the metadata. Plans a notice transmits have
/// the notice's issuer and date unless they are signed themselves.
fn plan_region(
    blocks: &[Block],
    (title, line, range): Region,
    head: &Head,
    meta: &Meta,
    notice: Option<&NoticeDoc>,
    report: &mut Report,
) -> Pending {
    let mut region: Vec<Block> = Vec::new();
    if notice.is_none() {
        region.extend(head.notes.iter().cloned());
    }
    region.extend(blocks[range].iter().cloned());
    // A signature and date closing the plan.
    let mut signature = None;
    let mut date = None;
    if let Some(last) = region.last()
        && let Some(d) = date_line(&last.text)
    {
        date = Some(d);
        report.dropped(
            last.line,
            format!("date, kept as date_signed: {}", last.text),
        );
        report.kept_as(last.line, super::report::Field::DateSigned);
        region.pop();
        if let Some(prev) = region.last()
            && organ_like(&prev.text)
        {
            signature = Some(compact(&prev.text));
            report.dropped(
                prev.line,
                format!("signature, kept as issuer: {}", prev.text),
            );
            report.kept_as(prev.line, super::report::Field::Signature);
            region.pop();
        }
    }
    let pmeta = match notice {
        // A plan signed itself keeps its own issuer, and its own date if
        // it has one.
        Some(notice) => Meta {
            title: Some(title.clone()),
            date_signed: match signature {
                Some(_) => date.or(notice.meta.date_signed),
                None => notice.meta.date_signed,
            },
            issuer: signature.or_else(|| notice.meta.issuer.clone()),
            date_published: meta.date_published,
            ..Meta::default()
        },
        None => {
            let mut m = meta.clone();
            m.title = Some(title.clone());
            m.issuer = meta
                .issuer
                .clone()
                .or_else(|| signature.clone())
                .or_else(|| head.issuer.clone());
            m.date_signed = meta.date_signed.or(date).or(head.date);
            m
        }
    };
    (title, line, region, pmeta)
}

/// A plan's body read as a table or as prose, and its kind.
fn plan_doc(
    (title, line, region, pmeta): Pending,
    known: &[String],
    report: &mut Report,
) -> PlanDoc {
    let body = if tables::is_table(&region) {
        PlanBody::Table(tables::parse(&region, known, report))
    } else {
        PlanBody::Prose(prose(&region, known, report))
    };
    let kind = match (&body, kind_of(&title)) {
        (PlanBody::Table(_), _) => PlanKind::DivisionOfLabour,
        (_, Some(k)) => k,
        (_, None) => {
            report.unsure(
                line,
                format!(
                    "the title does not say what kind of plan this is; written as 方案: {title}"
                ),
            );
            PlanKind::Plan
        }
    };
    let phases = if kind == PlanKind::MultiYearPlan {
        phases_of(&region)
    } else {
        Vec::new()
    };
    PlanDoc {
        phases,
        period: period_of(&title),
        meta: pmeta,
        kind,
        line,
        body,
    }
}

patterns! {
    /// A place name's first level: `哈尔滨市`, `道里区`.
    static PLACE = r"^(\p{Han}{2,6}?(?:省|自治区|自治州|地区|盟|市|州|自治县|县|区|旗))";
}

/// A place name at the start of an issuer or title: `中共哈尔滨市道里区委…`
/// → `哈尔滨市道里区`, `中共株洲县委` → `株洲县`.
fn place_of(text: &str) -> Option<String> {
    let mut t = compact(text);
    for prefix in ["中国共产党", "中共", "关于印发", "关于"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest.to_string();
        }
    }
    let mut out = String::new();
    let mut rest = t.as_str();
    for _ in 0..3 {
        let Some(m) = PLACE.find(rest) else { break };
        let token = m.as_str();
        let bad = token.starts_with(['区', '县', '市', '省'])
            || [
                "委", "政府", "办", "局", "部", "院", "党", "人大", "法治", "全面", "建设", "依法",
            ]
            .iter()
            .any(|w| token.contains(w));
        if bad {
            break;
        }
        out.push_str(token);
        rest = &rest[m.end()..];
        if token.ends_with(['县', '区', '旗']) {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// A place that is no place: `某某市`, `XX县` in a template.
fn template_place(place: &str) -> bool {
    place.contains(['某', 'X', 'x', '×', '○', '*', 'Ｘ'])
}

/// Places named by the units' own prefixes (`下陆区司法局`, `清河县财政局`),
/// most named first: a clue when no issuer or title names one.
fn unit_places(blocks: &[Block]) -> Vec<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for b in blocks {
        for piece in b.text.split(|c: char| "、，,;；:：()（）。 ".contains(c)) {
            if !organ_like(piece) {
                continue;
            }
            let Some(place) = place_of(piece).filter(|p| !template_place(p)) else {
                continue;
            };
            match counts.iter_mut().find(|(p, _)| *p == place) {
                Some((_, n)) => *n += 1,
                None => counts.push((place, 1)),
            }
        }
    }
    // Stable: equal counts keep document order.
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.into_iter().map(|(p, _)| p).collect()
}

/// `下陆区` named whole somewhere in the text (`黄石市下陆区`): the most
/// frequent such name, so that the jurisdiction does not come out short.
fn whole_place(place: &str, blocks: &[Block]) -> Option<String> {
    let chars = place.chars().count();
    let single_level = place.ends_with(['区', '县', '旗'])
        && !place
            .chars()
            .take(chars.saturating_sub(1))
            .any(|c| matches!(c, '市' | '州' | '盟' | '省'));
    if !single_level {
        return None;
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    for b in blocks {
        let text = compact(&b.text);
        for (at, _) in text.match_indices(place) {
            // The two characters and the `市`/`州`/`盟` just before it: most
            // upper levels' names are that long, and a longer grab would
            // take in the words before (`贯彻黄石市`).
            let before: Vec<char> = text[..at].chars().rev().take(3).collect();
            let [suffix, b2, b1] = before[..] else {
                continue;
            };
            let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
            if !matches!(suffix, '市' | '州' | '盟')
                || !is_han(b1)
                || !is_han(b2)
                || "全本各该我市县区省的和在与及、".contains(b1)
                || "市县区省".contains(b2)
            {
                continue;
            }
            let whole = format!("{b1}{b2}{suffix}{place}");
            if template_place(&whole) {
                continue;
            }
            match counts.iter_mut().find(|(w, _)| *w == whole) {
                Some((_, n)) => *n += 1,
                None => counts.push((whole, 1)),
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.into_iter().next().map(|(w, _)| w)
}

/// A title for a document that shows none: the placeholder and the first
/// words of its text, so that the reviewer knows which file it is.
fn placeholder_title(blocks: &[Block]) -> String {
    let first: String = blocks
        .iter()
        .find(|b| !b.text.trim().is_empty())
        .map(|b| {
            b.text
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(20)
                .collect()
        })
        .unwrap_or_default();
    format!("{}{first}", crate::content::fields::PLACEHOLDER)
}

/// The document's jurisdiction: `--jurisdiction`; else a place named by the
/// issuer, signature or title; else by weaker clues (the page's source, the
/// site's name, the units' own prefixes), made whole from the text and
/// matched to one the site already has. None at all: a placeholder that
/// `check` flags, and a note for the reviewer.
fn jurisdiction(
    opts: &Options,
    ctx: &Context,
    hints: &[String],
    weak: &[String],
    blocks: &[Block],
    report: &mut Report,
) -> String {
    if let Some(j) = opts
        .jurisdiction
        .as_deref()
        .map(str::trim)
        .filter(|j| !j.is_empty())
    {
        return j.to_string();
    }
    let from = |list: &[String]| {
        list.iter()
            .filter_map(|h| place_of(h))
            .find(|p| !template_place(p))
    };
    let (found, clue) = match from(hints) {
        Some(p) => (p, "the issuer or title"),
        None => match from(weak) {
            Some(p) => (p, "the page's source or the site's name"),
            None => match unit_places(blocks).into_iter().next() {
                Some(p) => (p, "the units' names"),
                None => {
                    let placeholder = crate::content::fields::PLACEHOLDER;
                    report.unsure(
                        0,
                        format!("cannot tell the jurisdiction (行政区划) from the issuer, title or units; written as {placeholder}: fill it in, or give --jurisdiction"),
                    );
                    return placeholder.to_string();
                }
            },
        },
    };
    let found = match whole_place(&found, blocks) {
        Some(whole) => {
            report.dropped(
                0,
                format!("jurisdiction {found} in the document's head, named whole as {whole} in its text"),
            );
            whole
        }
        None => found,
    };
    if ctx.jurisdictions.contains(&found) {
        return found;
    }
    on_site(ctx, found, clue, report)
}

/// The site's name for the jurisdiction `found` in the document (read from
/// `clue`): `下陆区` in the document, `黄石市下陆区` on the site.
fn on_site(ctx: &Context, found: String, clue: &str, report: &mut Report) -> String {
    let last_level = |s: &str| -> String {
        let chars: Vec<char> = s.chars().collect();
        let cut = chars
            .iter()
            .enumerate()
            .rev()
            .skip(1)
            .find(|(_, c)| matches!(c, '市' | '省' | '州' | '盟' | '区'))
            .map_or(0, |(i, _)| i + 1);
        chars[cut..].iter().collect()
    };
    let tail = last_level(&found);
    let matches: Vec<&String> = ctx
        .jurisdictions
        .iter()
        .filter(|j| j.ends_with(&tail) && tail.chars().count() >= 2)
        .collect();
    if let [one] = matches.as_slice() {
        report.dropped(
            0,
            format!("jurisdiction {found} in the document, taken as the site's {one}"),
        );
        return (*one).clone();
    }
    report.unsure(
        0,
        format!("jurisdiction taken as {found} from {clue}; give --jurisdiction to choose another"),
    );
    found
}

/// Escapes what Markdown would turn into markup in plain document text:
/// `*` (redactions such as `***` would become emphasis or a rule) and a `#`
/// or `>` at the start of a line.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.starts_with(['#', '>', '+']) || line.starts_with("- ") {
            out.push('\\');
        }
        out.push_str(&line.replace('*', "\\*"));
    }
    out
}

/// `25.2024年前…`: a space after the number, so that planpress's reader
/// (which takes `2.5亿` for a number, not a task) sees task 25.
fn year_after_number(text: &str) -> String {
    if let Some((number, rest)) = task_number(text)
        && rest.starts_with(|c: char| c.is_ascii_digit())
    {
        let sep = text[number.len()..]
            .chars()
            .find(|c| !c.is_whitespace())
            .unwrap_or('.');
        return format!("{number}{sep} {rest}");
    }
    text.to_string()
}

/// One unit of a prose plan before it is written.
pub(super) enum Piece {
    Heading(String, String, u8, usize),
    Para(String, usize),
}

/// A prose plan: headings recognised by their numbering (also when run
/// into their first paragraph), then read back as Markdown.
fn prose(region: &[Block], known: &[String], report: &mut Report) -> ProsePlan {
    let pieces = prose_pieces(region, known);
    check_heading_numbers(&pieces, report);
    let pieces = super::spread::spread(pieces, known);
    let (md, lines) = prose_markdown(&pieces);
    let mut diagnostics = Vec::new();
    let parsed = markdown::parse_body(Path::new("import.md"), &md, 1, known, &mut diagnostics);
    let restarts = !diagnostics.is_empty() || parsed.restarts;
    let plan = ProsePlan {
        markdown: md,
        lines,
        parsed,
        restarts,
    };
    check_task_numbers(&plan, report);
    plan
}

/// A region's blocks as headings and paragraphs.
fn prose_pieces(region: &[Block], known: &[String]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for (k, b) in region.iter().enumerate() {
        let texts: Vec<String> = match &b.cells {
            Some(cells) => cells.iter().filter(|c| !c.is_empty()).cloned().collect(),
            None => vec![b.text.clone()],
        };
        // `(一)为推动…提供法治保障。坚持…` over `责任单位:…`: a measure, not a
        // heading run into its first paragraph.
        let units_follow = || {
            region
                .get(k + 1)
                .is_some_and(|n| n.cells.is_none() && super::spread::units_only(&n.text, known))
        };
        for t in texts {
            if names_units(&t, known) {
                // `(一)推进执法公示。(牵头单位:区司法局)`, `(二)《监狱法》(监狱管理局)`:
                // a measure numbered like a heading is a task when it says
                // who carries it out, as the Markdown reader reads it.
                pieces.push(Piece::Para(t, b.line));
            } else if let Some((n, title, level)) = heading(&t) {
                pieces.push(Piece::Heading(n, title, level, b.line));
            } else if let Some((n, title, level, rest)) = inline_heading(&t)
                && !units_follow()
            {
                pieces.push(Piece::Heading(n, title, level, b.line));
                pieces.push(Piece::Para(rest, b.line));
            } else {
                pieces.push(Piece::Para(t, b.line));
            }
        }
    }
    pieces
}

/// Pieces written as Markdown, with the input line of each line written.
fn prose_markdown(pieces: &[Piece]) -> (String, Vec<usize>) {
    let min_level = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Heading(_, _, l, _) => Some(*l),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let mut md = String::new();
    let mut lines = Vec::new();
    for p in pieces {
        let (text, line) = match p {
            Piece::Heading(n, t, level, line) => {
                let hashes = "#".repeat((level - min_level + 2).min(6) as usize);
                let gap = if n.ends_with(['章', '节']) { " " } else { "" };
                (format!("{hashes} {n}{gap}{}", escape_markdown(t)), *line)
            }
            Piece::Para(t, line) => (year_after_number(&escape_markdown(t)), *line),
        };
        for l in text.split('\n') {
            md.push_str(l);
            md.push('\n');
            lines.push(line);
        }
        md.push('\n');
        lines.push(line);
    }
    (md, lines)
}

/// Reports task numbers that start again or skip some.
fn check_task_numbers(plan: &ProsePlan, report: &mut Report) {
    let mut last: Option<u32> = None;
    for t in &plan.parsed.tasks {
        let n: Option<u32> = t.number.parse().ok();
        if let (Some(prev), Some(n)) = (last, n) {
            if n <= prev {
                report.unsure(
                    plan.input_line(t.line),
                    format!("task numbers start again at {n} (after {prev}); tasks are numbered by section"),
                );
            } else if n > prev + 1 {
                report.unsure(
                    plan.input_line(t.line),
                    format!("task numbers jump from {prev} to {n}: tasks may be missing"),
                );
            }
        }
        last = n;
    }
}

/// Whether a paragraph names the units that carry it out, as the content
/// loader's grammar reads it.
pub(super) fn names_units(text: &str, known: &[String]) -> bool {
    let a = crate::content::annotations::Extractor::with_known(known.to_vec()).extract(text);
    !(a.lead.is_empty() && a.responsible.is_empty() && a.participating.is_empty())
}

/// Notes headings whose numbering skips (`(一)` then `(三)`): a heading was
/// probably lost in copying.
fn check_heading_numbers(pieces: &[Piece], report: &mut Report) {
    // Last number seen per level; a higher-level heading resets the levels below.
    let mut last: [Option<u32>; 6] = [None; 6];
    for p in pieces {
        let Piece::Heading(number, _, level, line) = p else {
            continue;
        };
        let level = (*level as usize).min(5);
        let digits: String = number
            .chars()
            .filter(|c| CN_DIGITS.contains(*c) || c.is_ascii_digit())
            .collect();
        let n = digits.parse::<u32>().ok().or_else(|| cn_number(&digits));
        if let (Some(n), Some(prev)) = (n, last[level])
            && n != prev + 1
        {
            report.unsure(
                *line,
                format!("heading {number} follows number {prev} at the same level: a heading may be missing or misnumbered"),
            );
        } else if let (Some(n), None) = (n, last[level])
            && n > 1
        {
            report.unsure(
                *line,
                format!(
                    "heading {number} is the first at its level: earlier headings may be missing"
                ),
            );
        }
        last[level] = n;
        for l in last.iter_mut().skip(level + 1) {
            *l = None;
        }
    }
}

/// Sections in a parsed body, counted at every level.
pub fn count_sections(blocks: &[MdBlock]) -> usize {
    blocks
        .iter()
        .map(|b| match b {
            MdBlock::Section(s) => 1 + count_sections(&s.blocks),
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests;
