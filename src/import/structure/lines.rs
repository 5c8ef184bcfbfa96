//! What one line of a document is: a date, a number (of a task, a
//! heading, a document), a period, phases, a kind of plan, or the words of
//! a title, an issuer, recipients or prose.

use super::*;

pub(super) const CN_DIGITS: &str = "一二三四五六七八九十百零〇两";

patterns! {
    /// Heading numberings and the level each implies, as planpress's Markdown
    /// reader ranks them: 第X章 > 第X节 > 一、 > (一) > (1).
    /// `(一)指导思想。以马克思列宁主义…`: a heading run into its first paragraph.
    pub(super) static INLINE_HEADING = r"^((?:第[一二三四五六七八九十百零〇两]+[章节])|(?:[一二三四五六七八九十百零〇两]+[、.．])|(?:[(（][一二三四五六七八九十百零〇两]+[)）]))\s*([^。；;，,:：“”《》]{2,20})。(.+)$";

    /// Task numbers as planpress reads them: `1.` `1．` `1、`, not `2.5亿`; but
    /// `25.2024年前…` is measure 25 (a year follows its number).
    pub(super) static TASK_NUMBER = r"^(\d{1,4})\s*[.．、]\s*((?:(?:19|20)\d{2}\s*年|[^\d]).*|)$";

    pub(super) static DOC_NUMBER = r"^([\p{Han}A-Za-z]{1,24})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*(第?\s*\d{1,5}\s*号)$";

    pub(super) static ISO_DATE = r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})";
    pub(super) static CN_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日";
    pub(super) static HAN_DATE = r"([〇零一二三四五六七八九○Ｏ]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日";

    pub(super) static PERIOD = r"((?:19|20)\d{2})\s*年?\s*[-—–－~～至到]+\s*((?:19|20)\d{2})";
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
pub(super) fn inline_heading(text: &str) -> Option<(String, String, u8, String)> {
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
    pub(super) static FIVE_YEAR = r#"[“"‘]([三四五六七八九十]|十[一二三四五六七八九])五[”"’]|([三四五六七八九十]|十[一二三四五六七八九])五(?:规划|时期|期间|期末)|第([三四五六七八九十]|十[一二三四五六七八九])个五年"#;
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
    pub(super) static PHASE_PERIOD = r"[(（]\s*((?:19|20)\d{2}[^)）]{0,20})[)）]";
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
pub(super) fn phase_name(before: &str) -> Option<String> {
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
pub(super) fn phases_of(region: &[Block]) -> Vec<Phase> {
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
pub(super) const TITLE_ENDS: &[&str] = &[
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

pub(super) fn title_complete(title: &str) -> bool {
    let t = compact(title);
    let opens = t.matches('《').count();
    let closes = t.matches('》').count();
    opens == closes && (TITLE_ENDS.iter().any(|w| t.ends_with(w)) || kind_of(&t).is_some())
}

/// A line that can be a title: not a sentence, not numbered, not a
/// table's header label (`牵头单位`).
pub(super) fn title_like(text: &str) -> bool {
    let n = text.chars().count();
    tables::column_of(text).is_none()
        && (4..=150).contains(&n)
        && !text.ends_with(['。', '：', ':', '，', ',', '；', ';'])
        && !text.contains('。')
        && heading(text).is_none()
        && task_number(text).is_none()
}

/// A line naming an organ (an issuer or a signature), not a sentence.
pub(super) fn organ_like(text: &str) -> bool {
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
pub(super) fn recipients_like(text: &str) -> bool {
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
pub(super) fn prose_like(text: &str) -> bool {
    text.chars().count() >= 30 && text.contains(['。', '，', ',', '；', ';'])
}
