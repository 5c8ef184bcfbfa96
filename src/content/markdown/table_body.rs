//! A body that is a division-of-labour table: read by the importer's table
//! reader and given to the builder as sections and tasks.

use super::*;

/// Words that a table's unit columns are headed with.
pub(super) const UNIT_HEADER_WORDS: [&str; 6] = ["单位", "部门", "科室", "牵头", "责任", "主体"];

/// Whether a line heads a column of units (`牵头单位`, `| 序号 | 任务 |
/// 责任单位 |`, `序号 目标任务 责任单位`): a body without one has no table
/// that names units, and is read as prose without looking further. Most
/// lines are settled by their length or words, without allocating.
pub(super) fn unit_column_header(line: &str) -> bool {
    use crate::import::tables::{Col, column_of, header_row};
    let line = line.trim().trim_start_matches('#').trim();
    if line.len() > 240 || !UNIT_HEADER_WORDS.iter().any(|w| line.contains(w)) {
        return false;
    }
    let units =
        |c: Option<Col>| matches!(c, Some(Col::Lead | Col::Responsible | Col::Participating));
    let cell = line.trim_matches(['|', '｜', ' ', '\u{3000}']);
    if cell.chars().count() <= 16 && units(column_of(cell)) {
        return true;
    }
    let cells: Vec<String> = if cell.contains(['|', '｜']) {
        cell.split(['|', '｜'])
            .map(|c| c.trim().to_string())
            .collect()
    } else {
        cell.split_whitespace().map(str::to_string).collect()
    };
    cells.len() >= 2
        && header_row(&cells).is_some_and(|cols| cols.into_iter().any(|c| units(Some(c))))
}

/// A division-of-labour table pasted as text (one cell a line, cells between
/// bars or spaces, or a Markdown table), read by the importer's table reader
/// ([`crate::import::tables`]), so that the same text gives the same tasks
/// either way. `None` when the body has no table header or the table gives
/// no task: it is then read as prose.
pub(super) fn table_body(
    rel: &Path,
    body: &str,
    first_line: usize,
    known: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ParsedBody> {
    use crate::import::{Block as Cell, tables};
    if !body.lines().any(unit_column_header) {
        return None;
    }
    let mut blocks = Vec::new();
    for (i, raw) in body.lines().enumerate() {
        let text = raw.trim().trim_start_matches('#').trim();
        // A Markdown table's delimiter row (`|---|:--:|`) is no cell.
        let delimiter = text.contains('-') && text.chars().all(|c| "|｜-:: ".contains(c));
        if !text.is_empty() && !delimiter {
            blocks.push(Cell::para(first_line + i, text));
        }
    }
    let blocks = tables::pipe_rows(tables::space_rows(blocks));
    let headers: Vec<usize> = (0..blocks.len())
        .filter(|&i| {
            let row = blocks[i].cells.as_deref();
            row.is_some_and(|c| tables::header_row(c).is_some())
                || (row.is_none() && tables::header_run(&blocks[i..]).is_some())
        })
        .collect();
    let first = *headers.first()?;
    // Each table starts at its title (`《…》分工方案`) when it has one: a
    // notice can carry several, and a title is no cell of the table before.
    let mut starts = vec![0];
    for &h in headers.iter().skip(1) {
        let titled = h > first
            && blocks[h - 1].cells.is_none()
            && crate::import::structure::kind_of(&blocks[h - 1].text).is_some();
        if titled {
            starts.push(h - 1);
        }
    }
    starts.push(blocks.len());
    let mut report = crate::import::report::Report::default();
    let plans: Vec<_> = starts
        .windows(2)
        .map(|w| tables::parse(&blocks[w[0]..w[1]], known, &mut report))
        .collect();
    if plans.iter().all(|p| p.all_tasks().is_empty()) {
        return None;
    }
    let mut builder = Builder {
        known: known.to_vec(),
        ..Builder::default()
    };
    for plan in plans {
        builder.close_all();
        for text in plan.preamble {
            builder.add_text(text);
        }
        for t in plan.tasks {
            builder.add_task(table_task(t));
        }
        for s in plan.sections {
            table_section(&mut builder, s);
        }
    }
    let mut parsed = builder.finish_checked(rel, diagnostics);
    parsed.raw_html = blocks
        .iter()
        .flat_map(|b| crate::content::raw_html_lines(&b.text, b.line))
        .collect();
    Some(parsed)
}

pub(super) fn table_section(builder: &mut Builder, s: crate::import::tables::TSection) {
    builder.open_section(s.number, s.title, s.level);
    for text in s.text {
        builder.add_text(text);
    }
    for t in s.tasks {
        builder.add_task(table_task(t));
    }
    for c in s.sections {
        table_section(builder, c);
    }
}

pub(super) fn table_task(t: crate::import::tables::TTask) -> RawTask {
    RawTask {
        deadlines: crate::content::fields::deadlines_for(t.schedule.as_deref(), &t.text),
        number: t.number,
        text: t.text,
        lead: t.lead,
        responsible: t.responsible,
        participating: t.participating,
        officials: t.officials,
        schedule: t.schedule,
        priority: t.priority,
        topics: Vec::new(),
        section_path: Vec::new(),
        line: t.line,
    }
}
