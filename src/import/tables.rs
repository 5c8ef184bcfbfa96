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

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Number,
    Section,
    Measure,
    Lead,
    Responsible,
    Participating,
    Officials,
    Schedule,
    Other,
}

/// Header words and their columns.
const HEADERS: &[(&[&str], Col)] = &[
    (&["序号", "编号"], Col::Number),
    (
        &[
            "项目",
            "类别",
            "领域",
            "重点领域",
            "工作类别",
            "任务类别",
            "板块",
            "方面",
            "工作领域",
        ],
        Col::Section,
    ),
    (
        &[
            "具体项目",
            "工作任务",
            "主要任务",
            "重点任务",
            "任务",
            "具体任务",
            "任务内容",
            "重要举措",
            "主要举措",
            "工作举措",
            "具体举措",
            "工作措施",
            "具体措施",
            "主要措施",
            "工作内容",
            "改革举措",
            "改革任务",
            "措施",
            "举措",
            "内容",
            "工作事项",
            "事项",
            "任务举措",
            "重点工作",
            "工作要点",
            "目标任务",
        ],
        Col::Measure,
    ),
    (
        &[
            "牵头单位",
            "牵头部门",
            "责任牵头单位",
            "主责单位",
            "牵头",
            "主办单位",
        ],
        Col::Lead,
    ),
    (&["责任单位", "责任部门"], Col::Responsible),
    (
        &[
            "配合单位",
            "参与单位",
            "协办单位",
            "配合部门",
            "参与部门",
            "协同单位",
            "协作单位",
        ],
        Col::Participating,
    ),
    (
        &[
            "牵头领导",
            "责任领导",
            "牵头区领导",
            "牵头县领导",
            "牵头市领导",
            "分管领导",
            "责任人",
        ],
        Col::Officials,
    ),
    (
        &[
            "完成时限",
            "完成时间",
            "时间进度",
            "进度安排",
            "时间安排",
            "时限",
            "时间节点",
            "完成期限",
        ],
        Col::Schedule,
    ),
    (&["备注"], Col::Other),
];

/// The column a header cell names: one of the usual header words, or a
/// short label built on a role word (`责任科室`, `分管市领导`,
/// `牵头单位及主要负责人`, `时限要求`, `1-10月推进情况`).
pub fn column_of(cell: &str) -> Option<Col> {
    let c = compact(cell);
    let c = c.trim_matches(['|', '｜']).trim_end_matches([':', '：']);
    HEADERS
        .iter()
        .find(|(words, _)| words.contains(&c))
        .map(|(_, col)| *col)
        .or_else(|| column_by_role_word(c))
}

/// Role words, tried in order: a leader's column before a lead unit's
/// (`牵头领导`), a lead before the others (`责任牵头单位`).
const ROLE_WORDS: &[(&[&str], Col)] = &[
    (&["序号", "编号"], Col::Number),
    (&["领导", "责任人", "联系人"], Col::Officials),
    (&["时限", "期限", "时间", "节点", "进度安排"], Col::Schedule),
    (&["牵头", "主责", "主办"], Col::Lead),
    (
        &["配合", "协同", "协办", "参与", "协作", "协助"],
        Col::Participating,
    ),
    (&["责任", "承办", "实施主体", "落实单位"], Col::Responsible),
    (
        &[
            "情况", "进展", "说明", "成效", "备注", "是否", "完成", "评价",
        ],
        Col::Other,
    ),
    (
        &[
            "任务", "举措", "措施", "内容", "事项", "要求", "目标", "工作",
        ],
        Col::Measure,
    ),
    (
        &["类别", "大类", "领域", "板块", "方面", "项目"],
        Col::Section,
    ),
];

fn column_by_role_word(c: &str) -> Option<Col> {
    let n = c.chars().count();
    // A header label is short, no sentence, no list.
    if !(2..=12).contains(&n)
        || c.contains([
            '、', ',', '，', '。', ';', '；', '(', '（', ':', '：', '%', '《', '“',
        ])
        || super::structure::kind_of(c).is_some()
    {
        return None;
    }
    let col = ROLE_WORDS
        .iter()
        .find(|(words, _)| words.iter().any(|w| c.contains(w)))
        .map(|(_, col)| *col)?;
    // `区直各部门`, `市直相关单位` are names, not labels; `市政府分管领导` is one.
    let names_units = matches!(
        col,
        Col::Lead | Col::Responsible | Col::Participating | Col::Measure | Col::Section
    );
    let place_first = c.starts_with(['区', '市', '县', '省', '各', '镇', '乡']);
    (!(names_units && place_first)).then_some(col)
}

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
fn raw_cells(text: &str) -> Option<Vec<String>> {
    let t = text.trim().trim_matches(['|', '｜']).trim();
    t.contains(['|', '｜'])
        .then(|| t.split(['|', '｜']).map(|c| c.trim().to_string()).collect())
}

/// A cell's text with its spaces read: a space between two units of the same
/// place (`县司法局 县信访局`) separates them; in a column that also names a
/// person, a short name after the units (`市民政局 伍泽国`) is that person and
/// is left out (people are not units); any other space is inside a word.
fn cell_text(cell: &str, person_col: bool) -> String {
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
fn person_name(w: &str) -> bool {
    let n = w.chars().count();
    (2..=4).contains(&n)
        && w.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !unit_like(w)
        && column_by_role_word(w).is_none()
}

/// `分管 领导` → `分管领导`: spaces inside a cell's Chinese words.
fn compact_spaces(cell: &str) -> String {
    super::clean::join_cjk_spaces(cell).0
}

fn is_header(cols: &[Col]) -> bool {
    let has = |c: Col| cols.contains(&c);
    cols.len() >= 2
        && (has(Col::Lead) || has(Col::Responsible))
        && (has(Col::Measure)
            || has(Col::Section)
            || has(Col::Number)
            || (has(Col::Lead) && has(Col::Responsible)))
}

/// A table's header row: every non-empty cell a header word.
pub fn header_row(cells: &[String]) -> Option<Vec<Col>> {
    let cols: Vec<Col> = cells
        .iter()
        .map(|c| column_of(c).unwrap_or(Col::Other))
        .collect();
    let named = cells.iter().filter(|c| column_of(c).is_some()).count();
    let filled = cells.iter().filter(|c| !c.trim().is_empty()).count();
    (named == filled && is_header(&cols)).then_some(cols)
}

/// A header flattened to one cell per paragraph: the columns and how many
/// paragraphs it takes.
pub fn header_run(blocks: &[Block]) -> Option<(Vec<Col>, usize)> {
    let mut cols = Vec::new();
    let mut i = 0;
    while i < blocks.len().min(16) && blocks[i].cells.is_none() {
        if let Some(col) = column_of(&blocks[i].text) {
            cols.push(col);
            i += 1;
            continue;
        }
        // A label broken over two lines (`市政府` / `分管领导`).
        let joined = blocks
            .get(i + 1)
            .filter(|next| next.cells.is_none() && !cols.is_empty())
            .and_then(|next| column_of(&format!("{}{}", blocks[i].text, next.text)));
        match joined {
            Some(col) => {
                cols.push(col);
                i += 2;
            }
            None => break,
        }
    }
    is_header(&cols).then_some((cols, i))
}

/// Endings of unit names (`区司法局`, `团区委`, `各街办`, `区直有关部门`).
const UNIT_ENDINGS: &[&str] = &[
    "局",
    "委",
    "办",
    "院",
    "部",
    "室",
    "会",
    "厅",
    "处",
    "科",
    "所",
    "站",
    "队",
    "中心",
    "部门",
    "单位",
    "街办",
    "政府",
    "党委",
    "党组",
    "组",
    "团",
    "校",
    "馆",
    "社",
    "联",
    "协",
    "行",
    "司",
    "公司",
    "人大",
    "政协",
    "庭",
    "镇",
    "街道",
    "乡",
    "机关",
    "监狱",
    "海关",
    "台",
    "集团",
    "企业",
    "社区",
    "村",
    "军分区",
    "办事处",
    "分局",
    "大队",
    "支队",
    "中队",
    "片区",
];

/// Whether a name reads like a unit or a group of units.
fn unit_like(name: &str) -> bool {
    let mut n = name.trim();
    // `各单位党委(党组)`, `区委组织部〈区编办〉`: look before the brackets.
    while let Some(stripped) = n
        .strip_suffix([')', '）', '〉'])
        .and_then(|s| s.rfind(['(', '（', '〈']).map(|p| &s[..p]))
    {
        if stripped.is_empty() {
            break;
        }
        n = stripped;
    }
    n.starts_with('各')
        || n.starts_with("相关")
        || n.starts_with("有关")
        || n.contains("部门")
        || n.contains("单位")
        || UNIT_ENDINGS.iter().any(|e| n.ends_with(e))
}

/// Whether a paragraph is a cell of unit names rather than prose.
pub fn cell_like(text: &str) -> bool {
    let n = text.chars().count();
    if n == 0
        || n > 300
        || text.contains(['。', ':', '：', '“', '”', '《'])
        || heading(text).is_some()
        || task_number(text).is_some()
    {
        return false;
    }
    let items = split_units(text, &[]);
    if items.is_empty() || items.iter().any(|i| i.chars().count() > 30) {
        return false;
    }
    let units = items.iter().filter(|i| unit_like(i)).count();
    units * 10 >= items.len() * 6 && units >= 1
}

/// Names of people (`张三、李四`), for a 牵头领导 column.
fn people_like(text: &str) -> bool {
    let items = split_units(text, &[]);
    !items.is_empty()
        && items.iter().all(|i| {
            let n = i.chars().count();
            (2..=4).contains(&n) && !unit_like(i)
        })
}

/// A schedule cell (`2021年底前`, `长期坚持`).
fn schedule_like(text: &str) -> bool {
    text.chars().count() <= 60
        && ["年", "月", "底前", "长期", "持续", "季度", "每年", "常态"]
            .iter()
            .any(|w| text.contains(w))
}

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
        let (mut number, mut text) = match task_number(&measure) {
            Some((n, rest)) => (Some(n), rest),
            None => (None, measure.clone()),
        };
        if let Some(n) = get(Col::Number) {
            let n = n.trim_end_matches(['.', '．', '、']).to_string();
            if number.is_none() && !n.is_empty() {
                number = Some(n);
            } else if number.is_none() {
                text = measure.clone();
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
        let mut cells_by_col: Vec<(Col, String)> = Vec::new();
        for col in [
            Col::Lead,
            Col::Responsible,
            Col::Participating,
            Col::Officials,
            Col::Schedule,
        ] {
            if let Some(v) = get(col) {
                cells_by_col.push((col, v));
            }
        }
        self.emit(number, text, line, cells_by_col, report);
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
