//! Prose plans written as Markdown (headings and paragraphs, with the
//! input line of each line written) and read back with the Markdown body
//! reader, as `check` will read them.

use super::*;

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
pub(super) fn year_after_number(text: &str) -> String {
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
pub(in crate::import) enum Piece {
    Heading(String, String, u8, usize),
    Para(String, usize),
}

/// A prose plan: headings recognised by their numbering (also when run
/// into their first paragraph), then read back as Markdown.
pub(super) fn prose(region: &[Block], known: &[String], report: &mut Report) -> ProsePlan {
    let pieces = prose_pieces(region, known);
    check_heading_numbers(&pieces, report);
    let pieces = crate::import::spread::spread(pieces, known);
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
pub(super) fn prose_pieces(region: &[Block], known: &[String]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for (k, b) in region.iter().enumerate() {
        let texts: Vec<String> = match &b.cells {
            Some(cells) => cells.iter().filter(|c| !c.is_empty()).cloned().collect(),
            None => vec![b.text.clone()],
        };
        // `(一)为推动…提供法治保障。坚持…` over `责任单位:…`: a measure, not a
        // heading run into its first paragraph.
        let units_follow = || {
            region.get(k + 1).is_some_and(|n| {
                n.cells.is_none() && crate::import::spread::units_only(&n.text, known)
            })
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
pub(super) fn prose_markdown(pieces: &[Piece]) -> (String, Vec<usize>) {
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
pub(super) fn check_task_numbers(plan: &ProsePlan, report: &mut Report) {
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
pub(in crate::import) fn names_units(text: &str, known: &[String]) -> bool {
    let a = crate::content::annotations::Extractor::with_known(known.to_vec()).extract(text);
    !(a.lead.is_empty() && a.responsible.is_empty() && a.participating.is_empty())
}

/// Notes headings whose numbering skips (`(一)` then `(三)`): a heading was
/// probably lost in copying.
pub(super) fn check_heading_numbers(pieces: &[Piece], report: &mut Report) {
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
