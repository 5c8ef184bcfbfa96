//! Division-of-labour tables (分工方案): one row per measure, with columns
//! such as 项目 / 具体项目 / 牵头单位 / 责任单位.
//!
//! Tables arrive in two shapes. From .docx and HTML they are real rows whose
//! cells line up with the header. Copied off a portal page they are
//! flattened, one cell per paragraph: the measure (`1.…`), then the lead
//! units, then the responsible units, and empty cells leave no trace. There
//! the cells are told apart by what they look like (a list of unit names is
//! not a sentence) and given to the header's columns in order.

use crate::content::annotations::{Extractor, split_units};

use super::Block;
use super::clean::compact;
use super::report::Report;
use super::structure::{heading, task_number};

mod columns;
mod rows;

pub use columns::*;
pub use rows::*;

/// Whether a plan's paragraphs are a division-of-labour table: a header
/// (real or flattened), or measures followed by cells of unit names.
pub fn is_table(region: &[Block]) -> bool {
    if region
        .iter()
        .any(|b| b.cells.as_deref().is_some_and(|c| header_row(c).is_some()))
    {
        return true;
    }
    if (0..region.len()).any(|i| header_run(&region[i..]).is_some()) {
        return true;
    }
    let mut tasks = 0;
    let mut with_cells = 0;
    for (i, b) in region.iter().enumerate() {
        if b.cells.is_none() && task_number(&b.text).is_some() {
            tasks += 1;
            if region
                .get(i + 1)
                .is_some_and(|n| n.cells.is_none() && cell_like(&n.text))
            {
                with_cells += 1;
            }
        }
    }
    tasks >= 3 && with_cells * 10 >= tasks * 6
}

#[derive(Debug, Default, Clone)]
pub struct TTask {
    pub number: String,
    pub text: String,
    pub lead: Vec<String>,
    /// The lead cell as written, when the names came from one cell only.
    pub lead_cell: Option<String>,
    pub responsible: Vec<String>,
    pub responsible_cell: Option<String>,
    pub participating: Vec<String>,
    pub participating_cell: Option<String>,
    pub officials: Vec<String>,
    pub schedule: Option<String>,
    pub priority: Option<String>,
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct TSection {
    pub number: Option<String>,
    pub title: String,
    pub level: u8,
    pub text: Vec<String>,
    pub tasks: Vec<TTask>,
    pub sections: Vec<TSection>,
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct TablePlan {
    pub preamble: Vec<String>,
    pub tasks: Vec<TTask>,
    pub sections: Vec<TSection>,
}

impl TablePlan {
    /// Every task in document order.
    pub fn all_tasks(&self) -> Vec<&TTask> {
        fn walk<'a>(s: &'a TSection, out: &mut Vec<&'a TTask>) {
            out.extend(s.tasks.iter());
            for c in &s.sections {
                walk(c, out);
            }
        }
        let mut out: Vec<&TTask> = self.tasks.iter().collect();
        for s in &self.sections {
            walk(s, &mut out);
        }
        out
    }

    pub fn section_count(&self) -> usize {
        fn count(s: &TSection) -> usize {
            1 + s.sections.iter().map(count).sum::<usize>()
        }
        self.sections.iter().map(count).sum()
    }
}

/// Builds the section tree from headings in document order.
#[derive(Default)]
struct Builder {
    plan: TablePlan,
    stack: Vec<TSection>,
}

impl Builder {
    fn open(&mut self, number: Option<String>, title: String, level: u8, line: usize) {
        while self.stack.last().is_some_and(|s| s.level >= level) {
            self.close();
        }
        self.stack.push(TSection {
            number,
            title,
            level,
            line,
            ..TSection::default()
        });
    }

    fn close(&mut self) {
        if let Some(s) = self.stack.pop() {
            match self.stack.last_mut() {
                Some(parent) => parent.sections.push(s),
                None => self.plan.sections.push(s),
            }
        }
    }

    fn task(&mut self, t: TTask) {
        match self.stack.last_mut() {
            Some(s) => s.tasks.push(t),
            None => self.plan.tasks.push(t),
        }
    }

    fn text(&mut self, t: String) {
        match self.stack.last_mut() {
            Some(s) => s.text.push(t),
            None => self.plan.preamble.push(t),
        }
    }

    fn finish(mut self) -> TablePlan {
        while !self.stack.is_empty() {
            self.close();
        }
        self.plan
    }
}

/// A measure read so far, waiting for its cells.
struct Pending {
    number: String,
    text: String,
    line: usize,
    cells: Vec<(String, usize)>,
    /// Numbered by a 序号 cell of its own, not by its text.
    bare: bool,
}

struct Reader<'a> {
    known: &'a [String],
    extractor: Extractor,
    cols: Vec<Col>,
    builder: Builder,
    pending: Option<Pending>,
    last_section_cell: Option<String>,
    /// The previous table row, for cells that span rows.
    last_row: Vec<String>,
    auto_number: usize,
    numbers_seen: std::collections::HashSet<String>,
}

/// Reads a table plan.
pub fn parse(region: &[Block], known: &[String], report: &mut Report) -> TablePlan {
    // Rows of tables without a header are ordinary paragraphs.
    let headed: std::collections::HashSet<Option<usize>> = region
        .iter()
        .filter(|b| b.cells.as_deref().is_some_and(|c| header_row(c).is_some()))
        .map(|b| b.table)
        .collect();
    let mut blocks: Vec<Block> = Vec::with_capacity(region.len());
    for b in region {
        match &b.cells {
            Some(cells) if !headed.contains(&b.table) => {
                for c in cells.iter().filter(|c| !c.is_empty()) {
                    blocks.push(Block::para(b.line, c.clone()));
                }
            }
            _ => blocks.push(b.clone()),
        }
    }
    let mut r = Reader {
        known,
        extractor: Extractor::with_known(known.to_vec()),
        cols: vec![Col::Measure, Col::Lead, Col::Responsible],
        builder: Builder::default(),
        pending: None,
        last_section_cell: None,
        last_row: Vec::new(),
        auto_number: 0,
        numbers_seen: Default::default(),
    };
    // A table's measures come after its header: numbered lines before it
    // (a notice's list of attachments, a signature) are the plan's preamble.
    let first_header = (0..blocks.len()).find(|&k| {
        blocks[k]
            .cells
            .as_deref()
            .is_some_and(|c| header_row(c).is_some())
            || header_run(&blocks[k..]).is_some()
    });
    let mut i = 0;
    if let Some(first) = first_header {
        for b in &blocks[..first] {
            r.builder.text(b.text.clone());
        }
        i = first;
    }
    while i < blocks.len() {
        let b = &blocks[i];
        if let Some(cells) = &b.cells {
            r.flush(report);
            if let Some(cols) = header_row(cells) {
                report.dropped(b.line, format!("table header: {}", cells.join(" / ")));
                r.cols = cols;
            } else {
                r.row(cells, b.line, report);
            }
            i += 1;
            continue;
        }
        if let Some((cols, n)) = header_run(&blocks[i..]) {
            r.flush(report);
            let words: Vec<&str> = blocks[i..i + n].iter().map(|b| b.text.as_str()).collect();
            report.dropped(b.line, format!("table header: {}", words.join(" / ")));
            r.cols = cols;
            i += n;
            continue;
        }
        r.paragraph(&b.text, b.line, report);
        i += 1;
    }
    r.flush(report);
    r.builder.finish()
}

impl Reader<'_> {
    fn paragraph(&mut self, text: &str, line: usize, report: &mut Report) {
        if let Some((number, title, level)) = heading(text) {
            self.flush(report);
            self.builder.open(Some(number), title, level, line);
            return;
        }
        let bare_number = self.cols.contains(&Col::Number)
            && (1..=4).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_digit());
        if bare_number {
            // A numbered column's cell, flattened: the measure follows.
            self.flush(report);
            self.pending = Some(Pending {
                number: text.to_string(),
                text: String::new(),
                line,
                cells: Vec::new(),
                bare: true,
            });
            return;
        }
        if let Some((number, rest)) = task_number(text) {
            // `1` / `主要预期目标` / `1.地区生产总值…`: the measure's own
            // number wins over the row's 序号, and what stood between was
            // the row's other cells (its section).
            if let Some(p) = self.pending.take_if(|p| p.bare && p.cells.is_empty())
                && !p.text.is_empty()
                && self.cols.contains(&Col::Section)
            {
                self.section_cell(&p.text, p.line);
            }
            self.flush(report);
            self.pending = Some(Pending {
                number,
                text: rest,
                line,
                cells: Vec::new(),
                bare: false,
            });
            return;
        }
        match &mut self.pending {
            Some(p) if p.cells.is_empty() && !cell_like(text) => {
                if !p.text.is_empty() {
                    p.text.push('\n');
                }
                p.text.push_str(text);
            }
            Some(p) => {
                if !cell_like(text) && !schedule_like(text) {
                    report.unsure(
                        line,
                        format!(
                            "read as a cell of measure {}, though it does not look like unit names: {}",
                            p.number,
                            super::chrome::shorten(text)
                        ),
                    );
                }
                p.cells.push((text.to_string(), line));
            }
            None => self.builder.text(text.to_string()),
        }
    }

    /// A real table row: cells line up with the header's columns.
    fn row(&mut self, cells: &[String], line: usize, report: &mut Report) {
        // Cells spanning several rows are written once, in the first: a
        // shorter row takes its leading cells from the row above.
        let padded: Vec<String>;
        let cells = match self.cols.len().checked_sub(cells.len()) {
            Some(missing) if missing > 0 && cells.len() >= 2 && self.last_row.len() >= missing => {
                padded = self.last_row[..missing]
                    .iter()
                    .chain(cells)
                    .cloned()
                    .collect();
                &padded[..]
            }
            _ => cells,
        };
        self.last_row = cells.to_vec();
        let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
        let cols = self.cols.clone();
        let get = |col: Col| -> Option<String> {
            cols.iter()
                .position(|c| *c == col)
                .and_then(|i| cells.get(i))
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
        };
        // A row merged across the table: a heading.
        let distinct: std::collections::HashSet<&str> = filled.iter().map(|c| c.trim()).collect();
        if distinct.len() == 1
            && let Some(only) = filled.first()
            && get(Col::Measure).is_none_or(|m| m == only.trim() && task_number(&m).is_none())
        {
            self.section_cell(only, line);
            return;
        }
        if let Some(section) = get(Col::Section) {
            self.section_cell(&section, line);
        }
        let Some(measure) = get(Col::Measure) else {
            if !filled.is_empty() {
                report.unsure(
                    line,
                    format!(
                        "table row without a measure, not kept: {}",
                        cells.join(" / ")
                    ),
                );
            }
            return;
        };
        let (number, text) = self.number_of(&measure, get(Col::Number), line, report);
        let cells_by_col: Vec<(Col, String)> = [
            Col::Lead,
            Col::Responsible,
            Col::Participating,
            Col::Officials,
            Col::Schedule,
        ]
        .into_iter()
        .filter_map(|col| Some((col, get(col)?)))
        .collect();
        self.emit(number, text, line, cells_by_col, report);
    }

    /// A measure's number and text: the number it starts with, else the
    /// number column's, else one the importer gives (and says so).
    fn number_of(
        &mut self,
        measure: &str,
        number_cell: Option<String>,
        line: usize,
        report: &mut Report,
    ) -> (String, String) {
        let (mut number, mut text) = match task_number(measure) {
            Some((n, rest)) => (Some(n), rest),
            None => (None, measure.to_string()),
        };
        if let Some(n) = number_cell {
            let n = n.trim_end_matches(['.', '．', '、']).to_string();
            if number.is_none() && !n.is_empty() {
                number = Some(n);
            } else if number.is_none() {
                text = measure.to_string();
            }
        }
        let number = number.unwrap_or_else(|| {
            self.auto_number += 1;
            report.unsure(
                line,
                format!(
                    "measure without a number, numbered {} by the importer",
                    self.auto_number
                ),
            );
            self.auto_number.to_string()
        });
        (number, text)
    }

    fn section_cell(&mut self, cell: &str, line: usize) {
        let cell = cell.trim();
        if self.last_section_cell.as_deref() == Some(cell) {
            return;
        }
        self.last_section_cell = Some(cell.to_string());
        match heading(cell) {
            Some((number, title, level)) => self.builder.open(Some(number), title, level, line),
            None => {
                let title = cell.replace('\n', "");
                self.builder.open(None, title, 3, line)
            }
        }
    }

    /// Gives the waiting measure its cells, by column.
    fn flush(&mut self, report: &mut Report) {
        let Some(p) = self.pending.take() else {
            return;
        };
        let slots: Vec<Col> = self
            .cols
            .iter()
            .copied()
            .filter(|c| {
                matches!(
                    c,
                    Col::Lead
                        | Col::Responsible
                        | Col::Participating
                        | Col::Officials
                        | Col::Schedule
                )
            })
            .collect();
        let unit_slots = slots
            .iter()
            .filter(|c| matches!(c, Col::Lead | Col::Responsible | Col::Participating))
            .count();
        let mut assigned: Vec<(Col, String)> = Vec::new();
        let mut next = 0usize;
        for (cell, line) in &p.cells {
            // Skip slots this cell cannot be: a schedule is not units.
            let mut k = next;
            while k < slots.len() {
                let fits = match slots[k] {
                    Col::Schedule => schedule_like(cell) && !cell_like(cell),
                    Col::Officials => people_like(cell),
                    _ => true,
                };
                if fits {
                    break;
                }
                k += 1;
            }
            if k < slots.len() {
                assigned.push((slots[k], cell.clone()));
                next = k + 1;
            } else if !cell_like(cell) && self.cols.contains(&Col::Other) {
                // Progress notes, remarks: the table's columns that name no one.
                report.dropped(
                    *line,
                    format!(
                        "cell of measure {} in a column that names no unit: {}",
                        p.number,
                        super::chrome::shorten(cell)
                    ),
                );
            } else {
                report.unsure(
                    *line,
                    format!("measure {} has more cells than its table has columns; added to its last unit column: {}", p.number, super::chrome::shorten(cell)),
                );
                let col = assigned.last().map_or(Col::Responsible, |a| a.0);
                assigned.push((col, cell.clone()));
            }
        }
        let unit_cells = assigned
            .iter()
            .filter(|(c, _)| matches!(c, Col::Lead | Col::Responsible | Col::Participating))
            .count();
        if unit_cells == 1 && unit_slots >= 2 {
            report.unsure(
                p.cells.first().map_or(p.line, |c| c.1),
                format!(
                    "measure {} has one unit cell: read as its first unit column (牵头单位), the other left empty",
                    p.number
                ),
            );
        }
        self.emit(p.number, p.text, p.line, assigned, report);
    }

    fn emit(
        &mut self,
        number: String,
        text: String,
        line: usize,
        cells: Vec<(Col, String)>,
        report: &mut Report,
    ) {
        let a = self.extractor.extract(&text);
        let mut t = TTask {
            number: number.clone(),
            text: a.text,
            lead: a.lead,
            responsible: a.responsible,
            participating: a.participating,
            officials: a.officials,
            schedule: a.schedule,
            priority: a.priority,
            line,
            ..TTask::default()
        };
        let from_text = (
            !t.lead.is_empty(),
            !t.responsible.is_empty(),
            !t.participating.is_empty(),
        );
        for (col, cell) in cells {
            let unit_col = matches!(col, Col::Lead | Col::Responsible | Col::Participating);
            let (starred, names) = if unit_col {
                starred_leads(split_units(&cell, self.known))
            } else {
                (Vec::new(), split_units(&cell, self.known))
            };
            let cell = if starred.is_empty() {
                cell
            } else {
                // The cell no longer reads as one list: write the names instead.
                t.lead.extend(starred);
                t.lead_cell = None;
                String::new()
            };
            let keep = |c: String| (!c.is_empty()).then_some(c);
            match col {
                Col::Lead => {
                    t.lead.extend(names);
                    t.lead_cell = (!from_text.0 && t.lead_cell.is_none())
                        .then_some(cell)
                        .and_then(keep);
                }
                Col::Responsible => {
                    t.responsible.extend(names);
                    t.responsible_cell = (!from_text.1 && t.responsible_cell.is_none())
                        .then_some(cell)
                        .and_then(keep);
                }
                Col::Participating => {
                    t.participating.extend(names);
                    t.participating_cell = (!from_text.2 && t.participating_cell.is_none())
                        .then_some(cell)
                        .and_then(keep);
                }
                Col::Officials => t.officials.extend(names),
                Col::Schedule => t.schedule = Some(cell),
                _ => {}
            }
        }
        if !self.numbers_seen.insert(number.clone()) {
            report.unsure(
                line,
                format!("measure number {number} is used twice in this table"),
            );
        }
        self.builder.task(t);
    }
}

/// Splits off the names a cell marks as leading with a star (`★区发改委、统计局`:
/// tables that have no lead column often star the lead unit in the unit cell).
fn starred_leads(names: Vec<String>) -> (Vec<String>, Vec<String>) {
    let (starred, rest): (Vec<String>, Vec<String>) =
        names.into_iter().partition(|n| n.starts_with(['★', '☆']));
    let starred = starred
        .into_iter()
        .map(|n| n.trim_start_matches(['★', '☆']).trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    (starred, rest)
}

#[cfg(test)]
mod tests;
