//! What a table's cells and columns are: the columns a header names, and
//! cells that read as unit names, people or a schedule.

use super::*;

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
pub(super) const HEADERS: &[(&[&str], Col)] = &[
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
pub(super) const ROLE_WORDS: &[(&[&str], Col)] = &[
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

pub(super) fn column_by_role_word(c: &str) -> Option<Col> {
    let n = c.chars().count();
    // A header label is short, no sentence, no list.
    if !(2..=12).contains(&n)
        || c.contains([
            '、', ',', '，', '。', ';', '；', '(', '（', ':', '：', '%', '《', '“',
        ])
        || crate::import::structure::kind_of(c).is_some()
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

pub(super) fn is_header(cols: &[Col]) -> bool {
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
pub(super) const UNIT_ENDINGS: &[&str] = &[
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
pub(super) fn unit_like(name: &str) -> bool {
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
pub(super) fn people_like(text: &str) -> bool {
    let items = split_units(text, &[]);
    !items.is_empty()
        && items.iter().all(|i| {
            let n = i.chars().count();
            (2..=4).contains(&n) && !unit_like(i)
        })
}

/// A schedule cell (`2021年底前`, `长期坚持`).
pub(super) fn schedule_like(text: &str) -> bool {
    text.chars().count() <= 60
        && ["年", "月", "底前", "长期", "持续", "季度", "每年", "常态"]
            .iter()
            .any(|w| text.contains(w))
}
