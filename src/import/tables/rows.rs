//! Table rows rebuilt from text: rows drawn with pipes or bars, or cells
//! set apart by runs of spaces.

use super::*;

/// Tables copied as text with `|` between cells. A line with inner bars is
/// a row of cells when its run of such lines has a header row; a bar at
/// one end of a line that has no other (one cell a line) is dropped, and
/// so is a line of bars alone (an empty cell, which leaves no trace).
pub fn pipe_rows(blocks: Vec<Block>) -> Vec<Block> {
    let inner = |t: &str| {
        let t = t.trim().trim_matches(['|', '｜']).trim();
        (t.contains(['|', '｜'])).then(|| {
            t.split(['|', '｜'])
                .map(|c| compact_spaces(c.trim()))
                .collect::<Vec<String>>()
        })
    };
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut i = 0;
    let mut tables = 10_000usize;
    while i < blocks.len() {
        let run_end = (i..blocks.len())
            .find(|&k| blocks[k].cells.is_some() || inner(&blocks[k].text).is_none())
            .unwrap_or(blocks.len());
        let header = blocks[i..run_end]
            .iter()
            .position(|b| inner(&b.text).is_some_and(|c| header_row(&c).is_some()));
        if let Some(h) = header {
            // Bars before the header (a menu, a metadata line) are not the table.
            out.extend(blocks[i..i + h].iter().cloned());
            // Columns that also name a person (`牵头单位及主要负责人`).
            let person_cols: Vec<bool> = inner(&blocks[i + h].text)
                .unwrap_or_default()
                .iter()
                .map(|c| c.contains("负责人") || c.contains("责任人"))
                .collect();
            for b in &blocks[i + h..run_end] {
                let mut row = b.clone();
                row.cells = raw_cells(&b.text).map(|cells| {
                    // A short row lacks its leading cells (merged with the row above).
                    let shift = person_cols.len().saturating_sub(cells.len());
                    cells
                        .iter()
                        .enumerate()
                        .map(|(k, c)| {
                            let person = person_cols.get(k + shift).copied().unwrap_or(false);
                            cell_text(c, person)
                        })
                        .collect()
                });
                row.table = Some(tables);
                out.push(row);
            }
            tables += 1;
            i = run_end;
            continue;
        }
        let end = run_end.max(i + 1);
        for b in &blocks[i..end] {
            let t = b.text.trim();
            if b.cells.is_some() || inner(t).is_some() || !t.contains(['|', '｜']) {
                out.push(b.clone());
                continue;
            }
            let cell = cell_text(t.trim_matches(['|', '｜']).trim(), false);
            if !cell.is_empty() {
                out.push(Block::para(b.line, cell));
            }
        }
        i = end;
    }
    out
}

/// Tables copied one cell a line, each cell but the first behind a bar and
/// a bar alone closing the row:
///
/// ```text
/// 牵头单位
/// | 目 标 任 务
/// | 责 任 单 位
/// |
/// 市政
/// 府办
/// 公厅
/// | 强化行政监督…
/// | 市直各单位、各区县市
/// |
/// ```
///
/// The rows are put back on one line each (`市政府办公厅 | 强化… | 市直各单位`),
/// the first cell's lines joined (a narrow column breaks a name anywhere),
/// for [`pipe_rows`] to read. Only from a header row on; anything else is
/// left as it is.
pub fn bar_line_rows(blocks: Vec<Block>) -> Vec<Block> {
    let bar = |b: &Block| b.cells.is_none() && matches!(b.text.trim(), "|" | "｜");
    let cell = |b: &Block| {
        let t = b.text.trim();
        b.cells.is_none()
            && t.starts_with(['|', '｜'])
            && !t[1..].contains(['|', '｜'])
            && !t[1..].trim().is_empty()
    };
    // Cheap test first: most documents have no bar alone on a line.
    let Some(first_cell) = blocks.iter().position(cell) else {
        return blocks;
    };
    if first_cell == 0 || !blocks.iter().any(bar) {
        return blocks;
    }
    let cell_text = |b: &Block| b.text.trim()[1..].trim().to_string();
    // The header: the line before the first cell, then cells up to a bar.
    let header_start = first_cell - 1;
    let mut header = vec![blocks[header_start].text.trim().to_string()];
    let mut k = first_cell;
    while k < blocks.len() && cell(&blocks[k]) {
        header.push(cell_text(&blocks[k]));
        k += 1;
    }
    if k >= blocks.len() || !bar(&blocks[k]) {
        return blocks;
    }
    let header: Vec<String> = header.iter().map(|c| compact_spaces(c)).collect();
    if header_row(&header).is_none() {
        return blocks;
    }
    let mut out: Vec<Block> = blocks[..header_start].to_vec();
    out.push(Block::para(blocks[header_start].line, header.join(" | ")));
    // Lines since the last row closed: a first cell, then cells.
    let mut first: Vec<&Block> = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    for b in &blocks[k + 1..] {
        if bar(b) {
            if cells.is_empty() {
                out.extend(first.drain(..).cloned());
                continue;
            }
            let line = first.first().map_or(b.line, |f| f.line);
            let lead: String = first.drain(..).map(|f| f.text.trim()).collect();
            let mut row: Vec<String> = Vec::with_capacity(cells.len() + 1);
            row.extend((!lead.is_empty()).then_some(lead));
            row.append(&mut cells);
            out.push(Block::para(line, row.join(" | ")));
        } else if cell(b) {
            cells.push(cell_text(b));
        } else if let Some(last) = cells.last_mut() {
            // A cell's text broken over lines.
            last.push_str(b.text.trim());
        } else {
            first.push(b);
        }
    }
    out.extend(first.into_iter().cloned());
    if !cells.is_empty() {
        out.extend(cells.into_iter().map(|c| Block::para(0, c)));
    }
    out
}

/// Tables copied as text with spaces between cells (`序号 目标任务 责任单位`):
/// from a line whose space-separated words make a header row, every line is
/// split at its spaces into one paragraph a cell, the flattened form the
/// table reader knows. Runs before spaces inside Chinese words are joined,
/// which would glue the cells together.
pub fn space_rows(blocks: Vec<Block>) -> Vec<Block> {
    let words = |t: &str| -> Vec<String> { t.split_whitespace().map(str::to_string).collect() };
    let spaced_header = |b: &Block| {
        b.cells.is_none()
            && !b.text.contains(['|', '｜'])
            && words(&b.text).len() >= 3
            && header_row(&words(&b.text)).is_some()
    };
    let Some(start) = blocks.iter().position(spaced_header) else {
        return blocks;
    };
    let mut out = Vec::with_capacity(blocks.len() * 2);
    for (i, b) in blocks.into_iter().enumerate() {
        if i < start || b.cells.is_some() {
            out.push(b);
            continue;
        }
        out.extend(words(&b.text).into_iter().map(|w| Block::para(b.line, w)));
    }
    out
}

/// A row's cells as written, spaces kept.
pub(super) fn raw_cells(text: &str) -> Option<Vec<String>> {
    let t = text.trim().trim_matches(['|', '｜']).trim();
    t.contains(['|', '｜'])
        .then(|| t.split(['|', '｜']).map(|c| c.trim().to_string()).collect())
}

/// A cell's text with its spaces read: a space between two units of the same
/// place (`县司法局 县信访局`) separates them; in a column that also names a
/// person, a short name after the units (`市民政局 伍泽国`) is that person and
/// is left out (people are not units); any other space is inside a word.
pub(super) fn cell_text(cell: &str, person_col: bool) -> String {
    let mut words: Vec<&str> = cell.split_whitespace().collect();
    if person_col
        && words.len() >= 2
        && words.last().is_some_and(|w| person_name(w))
        && unit_like(&compact_spaces(&words[..words.len() - 1].join(" ")))
    {
        words.pop();
    }
    let mut groups: Vec<String> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for w in words {
        let so_far = compact_spaces(&current.join(" "));
        let place = so_far.chars().next().filter(|c| "省市县区".contains(*c));
        if place.is_some() && place == w.chars().next() && unit_like(&so_far) && unit_like(w) {
            groups.push(so_far);
            current.clear();
        }
        current.push(w);
    }
    groups.push(compact_spaces(&current.join(" ")));
    groups.retain(|g| !g.is_empty());
    groups.join("、")
}

/// A person's name: two to four Chinese characters that name no unit.
pub(super) fn person_name(w: &str) -> bool {
    let n = w.chars().count();
    (2..=4).contains(&n)
        && w.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !unit_like(w)
        && column_by_role_word(w).is_none()
}

/// `分管 领导` → `分管领导`: spaces inside a cell's Chinese words.
pub(super) fn compact_spaces(cell: &str) -> String {
    crate::import::clean::join_cjk_spaces(cell).0
}
