//! Annotations written once for several items, given to each of them before
//! the plan is written, so that every task carries its own units:
//! - a heading that names who leads what follows (`(三)省编办牵头的工作`,
//!   `一、县示范区管委会牵头工作(8项)`) gives that lead to each numbered item
//!   under it that names none;
//! - a line of units after a run of numbered items that name none
//!   (`(1)…` `(2)…` `(3)…` then `(责任单位:市直各有关单位)`, or `1.…` `2.…`
//!   then `责任单位:市市场监督管理局`) belongs to every item of the run.

use crate::content::annotations::{Extractor, starts_with_annotation_label};

use super::clean::item_number_len;
use super::structure::{Piece, names_units};

/// The pieces of a prose plan with shared annotations written into each
/// item they cover.
pub(super) fn spread(pieces: Vec<Piece>, known: &[String]) -> Vec<Piece> {
    let pieces = fields_under_items(pieces, known);
    let pieces = measures_under_headings(pieces, known);
    let pieces = heading_leads(pieces, known);
    shared_unit_lines(pieces, known)
}

/// `工作成果:…`: a line that starts with a short label of its own.
fn field_line(text: &str) -> bool {
    let Some(colon) = text.find([':', '：']) else {
        return false;
    };
    let label = &text[..colon];
    (2..=6).contains(&label.chars().count())
        && label
            .chars()
            .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Lines of fields under a numbered item (`工作成果:…` then `责任单位:…`)
/// belong to it when they end with a line of units: joined to the item, so
/// that a field the grammar does not know does not cut the units off.
fn fields_under_items(pieces: Vec<Piece>, known: &[String]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut pieces = pieces.into_iter().peekable();
    while let Some(p) = pieces.next() {
        let Piece::Para(mut text, line) = p else {
            out.push(p);
            continue;
        };
        // `1、在兰州设立综合配套改革试验区事宜` over `由…负责,市发改委牵头,…`:
        // the title of a measure, and the measure with its units.
        if numbering_style(&text).is_some()
            && let Some(Piece::Para(next, _)) = pieces.peek()
            && next.starts_with('由')
            && names_units(next, known)
            && !names_units(&text, known)
        {
            if let Some(Piece::Para(next, _)) = pieces.next() {
                text.push('\n');
                text.push_str(&next);
            }
            out.push(Piece::Para(text, line));
            continue;
        }
        if numbering_style(&text).is_some() {
            // The field lines that follow, up to the first line of units.
            let mut fields: Vec<String> = Vec::new();
            let mut ends_with_units = false;
            while let Some(Piece::Para(next, _)) = pieces.peek() {
                if !field_line(next) || numbering_style(next).is_some() {
                    break;
                }
                let units = starts_with_annotation_label(next) && names_units(next, known);
                if let Some(Piece::Para(next, _)) = pieces.next() {
                    fields.push(next);
                }
                if units {
                    ends_with_units = true;
                    break;
                }
            }
            if ends_with_units && fields.len() > 1 {
                for f in &fields {
                    text.push('\n');
                    text.push_str(f);
                }
                out.push(Piece::Para(text, line));
            } else {
                out.push(Piece::Para(text, line));
                out.extend(fields.into_iter().map(|f| Piece::Para(f, line)));
            }
            continue;
        }
        out.push(Piece::Para(text, line));
    }
    out
}

/// A heading whose whole content is prose that ends naming its units
/// (`一、推进重大项目建设` over `建立健全…。(省发展改革委、财政厅牵头;…配合)`)
/// is a measure, as a numbered paragraph with units is: written as one item.
fn measures_under_headings(pieces: Vec<Piece>, known: &[String]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut pieces = pieces.into_iter().peekable();
    while let Some(p) = pieces.next() {
        let Piece::Heading(n, title, level, line) = p else {
            out.push(p);
            continue;
        };
        // 第一章 and 第一节 number no measure.
        if n.ends_with(['章', '节']) {
            out.push(Piece::Heading(n, title, level, line));
            continue;
        }
        let mut body: Vec<(String, usize)> = Vec::new();
        while let Some(Piece::Para(t, _)) = pieces.peek() {
            if numbering_style(t).is_some() {
                break;
            }
            if let Some(Piece::Para(t, l)) = pieces.next() {
                body.push((t, l));
            }
        }
        let ends_section = match pieces.peek() {
            None => true,
            Some(Piece::Heading(_, _, next, _)) => *next <= level,
            Some(Piece::Para(..)) => false,
        };
        let measure = ends_section
            && body
                .last()
                .is_some_and(|(t, _)| names_units(t, known) && !units_only(t, known));
        // `(一)省监察厅牵头的工作` over prose alone: that prose is the
        // measure, and the heading says who leads it.
        let led = (ends_section && !body.is_empty())
            .then(|| heading_lead(&title, known))
            .flatten();
        if let Some(lead) = led {
            let text: Vec<&str> = body.iter().map(|(t, _)| t.as_str()).collect();
            let text = format!("{n}{}\n(牵头单位:{})", text.join("\n"), lead.join("、"));
            out.push(Piece::Para(text, line));
        } else if measure {
            let mut text = format!("{n}{title}");
            for (t, _) in &body {
                text.push('\n');
                text.push_str(t);
            }
            out.push(Piece::Para(text, line));
        } else {
            out.push(Piece::Heading(n, title, level, line));
            out.extend(body.into_iter().map(|(t, l)| Piece::Para(t, l)));
        }
    }
    out
}

/// The lead a heading names for what follows it: `省编办牵头的工作` →
/// `省编办`; `None` for any other heading.
fn heading_lead(title: &str, known: &[String]) -> Option<Vec<String>> {
    // `(8项)`: a count, not part of the clause.
    let mut core = title.trim();
    if let Some(open) = core.rfind(['(', '（'])
        && core.ends_with([')', '）'])
        && core[open..].contains('项')
    {
        core = core[..open].trim_end();
    }
    let core = ["工作", "任务", "事项"]
        .iter()
        .find_map(|w| core.strip_suffix(w))?;
    let core = core.strip_suffix('的').unwrap_or(core);
    if !core.ends_with("牵头") && !core.ends_with("负责") {
        return None;
    }
    let a = Extractor::with_known(known.to_vec()).extract(core);
    (a.text.is_empty() && !a.lead.is_empty() && a.responsible.is_empty()).then_some(a.lead)
}

/// Numbered items under a heading that names the lead get it, unless they
/// name a lead of their own.
fn heading_leads(pieces: Vec<Piece>, known: &[String]) -> Vec<Piece> {
    // The lead in force at each heading level (a heading ends those below).
    let mut leads: Vec<(u8, Vec<String>)> = Vec::new();
    let mut out = Vec::with_capacity(pieces.len());
    for p in pieces {
        match p {
            Piece::Heading(n, title, level, line) => {
                leads.retain(|(l, _)| *l < level);
                if let Some(lead) = heading_lead(&title, known) {
                    leads.push((level, lead));
                }
                out.push(Piece::Heading(n, title, level, line));
            }
            Piece::Para(text, line) => {
                let lead = leads.last().map(|(_, lead)| lead);
                let text = match lead {
                    Some(lead)
                        if item_number_len(&text).is_some()
                            && Extractor::with_known(known.to_vec())
                                .extract(&text)
                                .lead
                                .is_empty() =>
                    {
                        format!("{text}\n(牵头单位:{})", lead.join("、"))
                    }
                    _ => text,
                };
                out.push(Piece::Para(text, line));
            }
        }
    }
    out
}

/// A line of units after a run of numbered items none of which names a
/// unit is written into each item of the run (and dropped as a line). Items
/// read as headings count when nothing stands between them (`(1)加强应急预案
/// 管理,…` is an empty "section" only until its units follow): they become
/// items.
fn shared_unit_lines(pieces: Vec<Piece>, known: &[String]) -> Vec<Piece> {
    let extractor = Extractor::with_known(known.to_vec());
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    // Indices in `out` of the numbered items since the last break, and how
    // they are numbered.
    let mut run: Vec<usize> = Vec::new();
    let mut run_kind = None;
    for p in pieces {
        let (text, line) = match p {
            Piece::Heading(n, title, level, line) => {
                let kind = Some(Run::Headings(level));
                let follows = run.last().is_some_and(|&i| i + 1 == out.len());
                if run_kind != kind || !follows {
                    run.clear();
                }
                run_kind = kind;
                run.push(out.len());
                out.push(Piece::Heading(n, title, level, line));
                continue;
            }
            Piece::Para(text, line) => (text, line),
        };
        let units_only = units_only_with(&extractor, &text, known);
        // One `1.` item and its units need nothing: the unit line continues
        // the task. `(一)…` is a task only once its units are in it.
        let spreads = match run_kind {
            Some(Run::Items(Style::Digits)) => run.len() > 1,
            _ => !run.is_empty(),
        };
        if units_only && spreads {
            for &i in &run {
                let item = match std::mem::replace(&mut out[i], Piece::Para(String::new(), 0)) {
                    Piece::Heading(n, title, _, line) => (format!("{n}{title}"), line),
                    Piece::Para(t, line) => (t, line),
                };
                out[i] = Piece::Para(format!("{}\n{text}", item.0), item.1);
            }
            title_over(&mut out, run[0], known);
            run.clear();
            continue;
        }
        let kind = numbering_style(&text).map(Run::Items);
        if units_only || kind.is_none() || names_units(&text, known) {
            run.clear();
        } else {
            // `1.完善应急预案体系` over `(1)…` `(2)…`: a run is one numbering.
            if run_kind != kind {
                run.clear();
            }
            run_kind = kind;
            run.push(out.len());
        }
        out.push(Piece::Para(text, line));
    }
    out
}

/// Whether a paragraph is nothing but a line of units (`责任单位:…`,
/// `(区司法局牵头)`).
pub(super) fn units_only(text: &str, known: &[String]) -> bool {
    units_only_with(&Extractor::with_known(known.to_vec()), text, known)
}

fn units_only_with(extractor: &Extractor, text: &str, known: &[String]) -> bool {
    (starts_with_annotation_label(text) || extractor.is_annotation_only(text))
        && names_units(text, known)
}

/// `1.完善应急预案体系` right above items `(1)…` `(2)…` that became tasks
/// is their title, not a task of its own (the two would share a number):
/// made a heading when it reads as one (short, no sentence inside).
fn title_over(out: &mut [Piece], first: usize, known: &[String]) {
    let Some(at) = first.checked_sub(1) else {
        return;
    };
    let Piece::Para(text, line) = &out[at] else {
        return;
    };
    let (Some(Style::Digits), Some(next)) = (numbering_style(text), out.get(first)) else {
        return;
    };
    let next = match next {
        Piece::Para(t, _) => t.as_str(),
        Piece::Heading(n, _, _, _) => n.as_str(),
    };
    let Some(len) = item_number_len(text) else {
        return;
    };
    let title = text[len..].trim();
    let heading_like = !title.is_empty()
        && title.chars().count() <= 30
        && !title.trim_end_matches('。').contains(['。', '\n'])
        && !names_units(text, known);
    if heading_like && numbering_style(next) != Some(Style::Digits) {
        let number = text[..len].to_string();
        out[at] = Piece::Heading(number, title.to_string(), 5, *line);
    }
}

/// What a run of items is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Items(Style),
    /// Headings of one level with nothing between them.
    Headings(u8),
}

/// How an item is numbered (`1.`, `(1)`, `(一)`, `一、`), when it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Digits,
    BracketedDigits,
    BracketedNumerals,
    Numerals,
}

fn numbering_style(text: &str) -> Option<Style> {
    item_number_len(text)?;
    let mut cs = text.chars();
    Some(match cs.next()? {
        c if c.is_ascii_digit() => Style::Digits,
        '(' | '（' if cs.next().is_some_and(|c| c.is_ascii_digit()) => Style::BracketedDigits,
        '(' | '（' => Style::BracketedNumerals,
        _ => Style::Numerals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(texts: &[&str]) -> Vec<Piece> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Piece::Para(t.to_string(), i + 1))
            .collect()
    }

    fn texts(pieces: &[Piece]) -> Vec<String> {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Heading(n, t, _, _) => format!("{n}{t}"),
                Piece::Para(t, _) => t.clone(),
            })
            .collect()
    }

    #[test]
    fn fields_under_an_item_keep_its_units() {
        // 海东市 2020 重点任务清单.
        let pieces = paras(&[
            "1.做好“十四五”规划、国土空间规划的有效衔接。",
            "工作成果:坚持规划先行,推动规划的有序衔接。",
            "责任单位:海东市、兰州市、临夏州发展改革部门",
            "人:三市州发展改革部门主要负责同志",
        ]);
        let out = texts(&spread(pieces, &[]));
        assert_eq!(out.len(), 2);
        assert!(out[0].ends_with("\n责任单位:海东市、兰州市、临夏州发展改革部门"));
        // Without a line of units, fields stay lines of their own.
        let pieces = paras(&["1.做好规划衔接。", "工作成果:坚持规划先行。"]);
        assert_eq!(texts(&spread(pieces, &[])).len(), 2);
    }

    #[test]
    fn a_heading_over_prose_with_units_is_a_measure() {
        // 云南省 2017 稳增长意见.
        let mut pieces = vec![Piece::Heading(
            "一、".into(),
            "推进重大项目建设".into(),
            3,
            1,
        )];
        pieces.extend(paras(&[
            "建立健全领导联系重点项目制度。(省发展改革委、财政厅牵头;水利厅配合)",
        ]));
        pieces.push(Piece::Heading("二、".into(), "扩大有效投资".into(), 3, 3));
        pieces.extend(paras(&["加快推进。", "1.推进项目。"]));
        let out = texts(&spread(pieces, &[]));
        assert_eq!(
            out[0],
            "一、推进重大项目建设\n建立健全领导联系重点项目制度。(省发展改革委、财政厅牵头;水利厅配合)"
        );
        // Prose without units, or items below: the heading stays.
        assert_eq!(out[1], "二、扩大有效投资");
        // 晋政发[2008]8号: the heading names the lead of the prose below.
        let mut pieces = vec![Piece::Heading(
            "(二)".into(),
            "省审计厅牵头的工作".into(),
            4,
            1,
        )];
        pieces.extend(paras(&[
            "全面加强审计工作。",
            "协同单位:省直各部门和各市人民政府。",
        ]));
        assert_eq!(
            texts(&spread(pieces, &[])),
            ["(二)全面加强审计工作。\n协同单位:省直各部门和各市人民政府。\n(牵头单位:省审计厅)"]
        );
    }

    #[test]
    fn headings_that_name_the_lead() {
        assert_eq!(
            heading_lead("省编办牵头的工作", &[]),
            Some(vec!["省编办".to_string()])
        );
        assert_eq!(
            heading_lead("县示范区管委会牵头工作(8项)", &[]),
            Some(vec!["县示范区管委会".to_string()])
        );
        assert_eq!(heading_lead("孟学农省长负责的工作", &[]), None);
        assert_eq!(heading_lead("主要任务", &[]), None);
        // 晋政发[2008]8号.
        let mut pieces = vec![Piece::Heading(
            "(三)".into(),
            "省编办牵头的工作".into(),
            4,
            1,
        )];
        pieces.extend(paras(&["1.深化行政管理体制改革,优化政府机构设置。"]));
        pieces.push(Piece::Heading("二、".into(), "其他工作".into(), 3, 3));
        pieces.extend(paras(&["1.加强政府自身建设。"]));
        let out = texts(&spread(pieces, &[]));
        assert_eq!(
            out[1],
            "1.深化行政管理体制改革,优化政府机构设置。\n(牵头单位:省编办)"
        );
        assert_eq!(out[3], "1.加强政府自身建设。");
    }

    #[test]
    fn a_unit_line_after_a_run_belongs_to_the_run() {
        // 运城市 2017: four sub-items, then their units.
        let pieces = paras(&[
            "1.完善应急预案体系",
            "(1)加强应急预案管理,规范应急预案编制。",
            "(2)加强应急预案演练,完善演练管理制度。",
            "(责任单位:市直各有关单位、各开发区管委会)",
            "加强应急培训。",
        ]);
        let out = texts(&spread(pieces, &[]));
        assert_eq!(out.len(), 4);
        // Their title is a heading now (`1.` and `(1)` would both be task 1).
        assert!(
            matches!(&spread(paras(&["1.完善应急预案体系", "(1)加强管理。", "(2)加强演练。", "(责任单位:市直各有关单位)"]), &[])[0], Piece::Heading(n, t, _, _) if n == "1." && t == "完善应急预案体系")
        );
        assert!(out[1].ends_with("\n(责任单位:市直各有关单位、各开发区管委会)"));
        assert!(out[2].ends_with("\n(责任单位:市直各有关单位、各开发区管委会)"));
        // The same items read as headings (short, no full stop inside).
        let pieces = vec![
            Piece::Heading("(1)".into(), "加强应急预案管理".into(), 5, 1),
            Piece::Heading("(2)".into(), "加强应急预案演练".into(), 5, 2),
            Piece::Para("(责任单位:市直各有关单位)".into(), 3),
        ];
        assert_eq!(
            texts(&spread(pieces, &[])),
            [
                "(1)加强应急预案管理\n(责任单位:市直各有关单位)",
                "(2)加强应急预案演练\n(责任单位:市直各有关单位)"
            ]
        );
        // 西平县 2020: one `(一)` measure, then its units.
        let pieces = paras(&[
            "(一)为推动经济高质量发展提供法治保障。坚持稳中快进工作总基调。",
            "责任单位:县政府办公室、县司法局,乡镇人民政府按职责分工分别负责。",
        ]);
        assert_eq!(texts(&spread(pieces, &[])).len(), 1);
        // A unit line after one item is that item's own: left as written.
        let pieces = paras(&["1.推进乡镇机构改革。", "协同单位:省财政厅"]);
        assert_eq!(texts(&spread(pieces, &[])).len(), 2);
        // Items that name their units break the run.
        let pieces = paras(&[
            "1.开展培育活动。(责任单位:市市场监督管理局)",
            "2.纳入考核。",
            "责任单位:市商务局",
        ]);
        assert_eq!(texts(&spread(pieces, &[])).len(), 3);
    }
}
