use super::*;

#[test]
fn one_cell_a_line_behind_bars() {
    // 长沙市目标任务表: the lead cell spans rows, its name broken.
    let lines = [
        "牵头单位",
        "| 目 标 任 务",
        "| 责 任 单 位",
        "|",
        "市政",
        "府办",
        "公厅",
        "| 强化行政监督",
        "| 市直各单位、各区县市",
        "|",
        "推进国家安全工作发展",
        "| 市直各单位、各区县市",
        "|",
    ];
    let blocks: Vec<Block> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| Block::para(i + 1, *l))
        .collect();
    let rows: Vec<String> = bar_line_rows(blocks).into_iter().map(|b| b.text).collect();
    assert_eq!(
        rows,
        [
            "牵头单位 | 目标任务 | 责任单位",
            "市政府办公厅 | 强化行政监督 | 市直各单位、各区县市",
            "推进国家安全工作发展 | 市直各单位、各区县市"
        ]
    );
    // No header: left as written.
    let plain = vec![
        Block::para(1, "首页"),
        Block::para(2, "| 新闻"),
        Block::para(3, "|"),
    ];
    assert_eq!(bar_line_rows(plain).len(), 3);
}

#[test]
fn a_table_with_spaces_between_cells_is_flattened() {
    let blocks = space_rows(paras(&[
        "某某表",
        "序号 工作任务 责任单位 进展情况",
        "1 建成 风 险 台账。 区财政局 已完成。",
        "区税务局",
    ]));
    let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "某某表",
            "序号",
            "工作任务",
            "责任单位",
            "进展情况",
            "1",
            "建成",
            "风",
            "险",
            "台账。",
            "区财政局",
            "已完成。",
            "区税务局"
        ]
    );
    // Spaced words that are no header stay as they are.
    let kept = space_rows(paras(&["风 险 评估 工作", "1.建立台账。"]));
    assert_eq!(kept[0].text, "风 险 评估 工作");
}

#[test]
fn spaces_in_a_cell_between_units_and_before_a_person() {
    assert_eq!(cell_text("市财政局 市税务局", false), "市财政局、市税务局");
    assert_eq!(cell_text("县委 宣传部", false), "县委宣传部");
    assert_eq!(cell_text("分管 领导", false), "分管领导");
    assert_eq!(cell_text("区商务局 张三", true), "区商务局");
    assert_eq!(cell_text("区商务局 张三", false), "区商务局张三");
    assert_eq!(cell_text("区商务局 牵头", true), "区商务局牵头");
    let rows = pipe_rows(paras(&[
        "序号 | 工作任务 | 牵头单位及 主要负责人 |",
        "1 | 建立台账。 | 市民政局 李四 |",
    ]));
    assert_eq!(
        rows[1].cells.as_deref(),
        Some(
            &[
                "1".to_string(),
                "建立台账。".to_string(),
                "市民政局".to_string()
            ][..]
        )
    );
    // One cell a line, the bar after it.
    let rows = pipe_rows(paras(&["县司法局 县信访局 |"]));
    assert_eq!(rows[0].text, "县司法局、县信访局");
}

#[test]
fn a_starred_unit_leads() {
    let (lead, others) = starred_leads(vec![
        "★市商务局".to_string(),
        "海关".to_string(),
        "税务局".to_string(),
    ]);
    assert_eq!(lead, ["市商务局"]);
    assert_eq!(others, ["海关", "税务局"]);
    let (lead, others) = starred_leads(vec!["市商务局".to_string()]);
    assert!(lead.is_empty());
    assert_eq!(others, ["市商务局"]);
}

fn paras(lines: &[&str]) -> Vec<Block> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| Block::para(i + 1, *l))
        .collect()
}

#[test]
fn cells_and_prose() {
    assert!(cell_like("区人大常委会、区司法局"));
    assert!(cell_like("区司法局、各单位党委(党组)"));
    assert!(cell_like(
        "各街办、区直各部门,区委政法委、区人大常委会办公室"
    ));
    assert!(cell_like("下陆公安分局"));
    assert!(cell_like("★市商务局、某某海关"));
    assert!(!cell_like("加快推进法律服务队伍发展。"));
    assert!(!cell_like("风险评估"));
    assert!(people_like("张三、李四"));
}

#[test]
fn flattened_table_with_a_missing_cell() {
    let region = paras(&[
        "项目",
        "具体项目",
        "牵头单位",
        "责任单位",
        "一、全面贯彻实施宪法",
        "1.坚持宪法法律至上。",
        "区人大常委会、区司法局",
        "区直有关部门",
        "2.加快推进法律服务队伍发展。",
        "区司法局",
        "二、坚持依法行政",
        "11.深入推进简政放权。",
        "区发改局、、区司法局",
        "各街办、区直各部门",
    ]);
    assert!(is_table(&region));
    let mut report = Report::default();
    let plan = parse(&region, &[], &mut report);
    let tasks = plan.all_tasks();
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[0].lead, vec!["区人大常委会", "区司法局"]);
    assert_eq!(tasks[0].responsible, vec!["区直有关部门"]);
    assert_eq!(tasks[1].lead, vec!["区司法局"]);
    assert!(tasks[1].responsible.is_empty());
    assert_eq!(tasks[2].lead_cell.as_deref(), Some("区发改局、、区司法局"));
    assert_eq!(plan.sections.len(), 2);
    assert_eq!(report.unsure_count(), 1);
}

#[test]
fn real_rows_with_merged_section_cells() {
    let row = |cells: &[&str]| Block {
        line: 1,
        text: cells.join(" "),
        cells: Some(cells.iter().map(|c| c.to_string()).collect()),
        table: Some(0),
        link: None,
    };
    let region = vec![
        row(&["项目", "具体项目", "牵头单位", "责任单位"]),
        row(&[
            "一、健全政府机构职能体系",
            "1.推进机构改革。",
            "区委编办",
            "区直各部门",
        ]),
        row(&["", "2.深化改革。", "区司法局", ""]),
        row(&["二、健全制度体系", "3.加强立法。", "区司法局", "区人大"]),
    ];
    let mut report = Report::default();
    let plan = parse(&region, &[], &mut report);
    assert_eq!(plan.sections.len(), 2);
    assert_eq!(plan.sections[0].tasks.len(), 2);
    assert_eq!(plan.sections[0].tasks[1].lead, vec!["区司法局"]);
    assert!(plan.sections[0].tasks[1].responsible.is_empty());
    assert_eq!(plan.sections[1].tasks[0].number, "3");
}

#[test]
fn header_labels_by_their_role_words() {
    assert_eq!(column_of("责任科室"), Some(Col::Responsible));
    assert_eq!(column_of("分管 市领导"), Some(Col::Officials));
    assert_eq!(column_of("牵头单位及主要负责人"), Some(Col::Lead));
    assert_eq!(column_of("时限要求"), Some(Col::Schedule));
    assert_eq!(column_of("| 目 标 任 务"), Some(Col::Measure));
    assert_eq!(column_of("1-10月推进情况"), Some(Col::Other));
    assert_eq!(column_of("责任主体与协同单位"), Some(Col::Participating));
    assert_eq!(column_of("市政府分管领导"), Some(Col::Officials));
    let broken = paras(&["序号", "重点工作", "市政府", "分管领导", "牵头单位", "备注"]);
    assert_eq!(
        header_run(&broken),
        Some((
            vec![
                Col::Number,
                Col::Measure,
                Col::Officials,
                Col::Lead,
                Col::Other
            ],
            6
        ))
    );
    // Names, labelled values and sentences are not header labels.
    for not_header in [
        "区直各部门",
        "牵头单位:区司法局",
        "各有关单位",
        "推进依法行政工作。",
    ] {
        assert_eq!(column_of(not_header), None, "{not_header}");
    }
}

#[test]
fn cells_joined_by_bars_one_a_line_or_a_row_a_line() {
    let one_a_line = pipe_rows(paras(&[
        "序号 |",
        "重点任务 |",
        "牵头单位 |",
        "|",
        "||",
        "| 配合单位",
    ]));
    let texts: Vec<&str> = one_a_line.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(texts, ["序号", "重点任务", "牵头单位", "配合单位"]);
    let rows = pipe_rows(paras(&[
        "设为首页 | 加入收藏",
        "类别 | 序号 | 工作任务 | 牵头单位 |",
        "甲类 | 1 | 推进执法公示。 | 区司法局 |",
    ]));
    assert!(
        rows[0].cells.is_none(),
        "no header in its run: left as text"
    );
    assert_eq!(rows[1].cells.as_ref().map(Vec::len), Some(4));
    assert_eq!(rows[2].table, rows[1].table);
}

#[test]
fn cells_spanning_rows_are_taken_from_the_row_above() {
    let blocks = pipe_rows(paras(&[
        "类别 | 序号 | 工作任务 | 牵头单位",
        "一、依法行政 | 1 | 推进执法公示。 | 区司法局",
        "2 | 规范行政复议。 | 区政府办公室",
    ]));
    let plan = parse(&blocks, &[], &mut Report::default());
    let tasks = plan.all_tasks();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[1].number, "2");
    assert_eq!(tasks[1].lead, ["区政府办公室"]);
    assert_eq!(plan.sections.len(), 1, "the spanning section opened once");
}

#[test]
fn flattened_rows_numbered_by_their_own_cell_and_notes_dropped() {
    let blocks = paras(&[
        "附件:1. 甲表",
        "2. 乙表",
        "序号",
        "主要任务",
        "牵头单位",
        "配合单位",
        "推进情况",
        "1",
        "优化背街小巷交通组织。",
        "区城管局",
        "区市政局、相关街道",
        "已完成60%。",
        "2",
        "分项",
        "2.新增达标小区20个。",
        "区住建局",
    ]);
    let mut report = Report::default();
    let plan = parse(&blocks, &[], &mut report);
    let tasks = plan.all_tasks();
    assert_eq!(tasks.len(), 2, "{:?}", plan.preamble);
    assert_eq!(tasks[0].number, "1");
    assert_eq!(tasks[0].text, "优化背街小巷交通组织。");
    assert_eq!(tasks[0].lead, ["区城管局"]);
    assert_eq!(tasks[0].participating, ["区市政局", "相关街道"]);
    assert_eq!(tasks[1].text, "新增达标小区20个。");
    assert!(
        plan.preamble.iter().any(|p| p.contains("乙表")),
        "before the header: preamble"
    );
    assert!(report.dropped.iter().any(|n| n.text.contains("已完成60%")));
}
