use super::*;

fn parse(body: &str) -> (ParsedBody, Vec<Diagnostic>) {
    let mut d = Vec::new();
    let p = parse_body(Path::new("t.md"), body, 1, &[], &mut d);
    (p, d)
}

fn names(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The four tasks of issue 16, as a web team writes them.
#[test]
fn the_four_styles_of_the_issue() {
    let (p, d) = parse(
        "1. 深化行政审批制度改革。(区政务服务局牵头,区发改局、区司法局配合)\n2. 推进综合行政执法。\n   责任单位:区司法局,各街道办事处\n3. 加强行政复议。[牵头单位:区司法局;责任单位:区法院]\n4. 完善公共法律服务。(牽頭單位:區司法局;責任單位:各街道)\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let t = &p.tasks;
    assert_eq!(t.len(), 4);
    assert_eq!(t[0].text, "深化行政审批制度改革。");
    assert_eq!(names(&t[0].lead), ["区政务服务局"]);
    assert_eq!(names(&t[0].participating), ["区发改局", "区司法局"]);
    assert_eq!(t[1].text, "推进综合行政执法。");
    assert!(t[1].lead.is_empty());
    assert_eq!(names(&t[1].responsible), ["区司法局", "各街道办事处"]);
    assert_eq!(t[2].text, "加强行政复议。");
    assert_eq!(names(&t[2].lead), ["区司法局"]);
    assert_eq!(names(&t[2].responsible), ["区法院"]);
    // Parsed folded, shown as written.
    assert_eq!(t[3].text, "完善公共法律服务。");
    assert_eq!(names(&t[3].lead), ["区司法局"]);
    assert_eq!(names(&t[3].responsible), ["各街道"]);
}

#[test]
fn other_numberings_make_tasks_when_annotated() {
    let (p, d) = parse(
        "## 一、主要任务\n\n(一)加强行政复议(区司法局牵头)\n\n（二）推进综合执法。责任单位:区城管局\n\n(三)组织保障\n\n三是强化监督,由区纪委监委牵头。\n\n(1)完善制度。[牵头单位:区法院]\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let numbers: Vec<&str> = p.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["一", "二", "三", "1"]);
    assert_eq!(p.tasks[0].text, "加强行政复议");
    assert_eq!(names(&p.tasks[0].lead), ["区司法局"]);
    assert_eq!(names(&p.tasks[1].responsible), ["区城管局"]);
    assert_eq!(p.tasks[2].text, "强化监督。");
    assert_eq!(names(&p.tasks[2].lead), ["区纪委监委"]);
    // A heading without annotation stays a heading.
    let Block::Section(s) = &p.blocks[0] else {
        panic!("a section")
    };
    assert!(
        s.blocks
            .iter()
            .any(|b| matches!(b, Block::Section(x) if x.title == "组织保障"))
    );
}

#[test]
fn articles_of_a_regulation_are_tasks_when_annotated() {
    // 湘阴县进一步优化营商环境的若干规定 (2019): articles under chapters.
    let (p, d) = parse(
        "## 第一章 总则\n\n第一条  为全面提升行政效能,特制定本规定。\n\n## 第二章 推进“最多跑一次”改革高效落地\n\n第二条  推进“一件事”一窗办。对企业设立等43项“一件事”启动实施办理。(牵头责任单位:县政务服务中心;责任单位:各相关单位)\n\n第3条 推进政务服务事项网上办。\n责任单位:县政务服务中心\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let numbers: Vec<&str> = p.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["第二条", "第3条"]);
    assert!(p.tasks[0].text.starts_with("推进“一件事”一窗办"));
    assert_eq!(names(&p.tasks[0].lead), ["县政务服务中心"]);
    assert_eq!(names(&p.tasks[1].responsible), ["县政务服务中心"]);
}

#[test]
fn without_tasks_the_deepest_numbered_items_are_the_measures() {
    // 维西县卫生健康系统2021年普法工作要点解读: no unit named anywhere.
    let (p, d) = parse(
        "## 一、出台要点的背景\n\n以习近平新时代中国特色社会主义思想为指导。\n\n## 二、目标\n\n以启动实施“八五”普法规划为抓手。\n\n## 三、主要内容\n\n### (一)加强重点内容的学习宣传贯彻\n\n将学习宣传习近平法治思想作为全民普法的首要任务。\n\n### (二)紧抓各类重点普法对象,开展普法工作\n\n利用国家安全教育日等重要时间节点。\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let texts: Vec<&str> = p.tasks.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "加强重点内容的学习宣传贯彻",
            "紧抓各类重点普法对象,开展普法工作"
        ]
    );
    assert_eq!(p.tasks[0].number, "一");
    assert!(p.tasks.iter().all(|t| !t.names_units()));
    // The headings above them stay sections, the prose stays prose.
    assert_eq!(p.blocks.len(), 3);
    // 西安市…规范行政执法行为…的实施意见: `一是` paragraphs under a heading.
    let (p, _) = parse(
        "各级行政执法单位要进一步规范行政执法公示程序和公示内容。\n\n一是强化事前公开。\n\n及时更新行政执法公示平台信息。\n\n二是规范事中公示。\n\n严格要求执法人员主动出示执法证件。\n",
    );
    let numbers: Vec<&str> = p.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["一", "二"]);
    assert_eq!(p.tasks[0].text, "强化事前公开。");
}

#[test]
fn framing_items_and_plans_with_tasks_keep_their_headings() {
    // 鹤岗市关于完善“府院联动”机制的意见: 指导思想 frames, 重点任务 holds the measures.
    let (p, _) = parse(
        "## 一、指导思想\n\n### (一)坚持党的领导\n\n坚持以习近平新时代中国特色社会主义思想为指导。\n\n## 二、重点任务\n\n### (一)完善重大事项事前研判机制\n\n各级政府及其工作部门在作出重大行政决策时可邀请法院参与。\n",
    );
    let texts: Vec<&str> = p.tasks.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, ["完善重大事项事前研判机制"]);
    // 上海市…“十二五”规划纲要…工作分工的通知: principles only, no measure.
    let (p, _) = parse(
        "## 一、主要原则\n\n(一)区分政府职责和市场功能。充分体现政府与市场的不同功能。\n\n(二)突出主要目标和重点任务。围绕主要目标,分解重点任务。\n",
    );
    assert!(p.tasks.is_empty());
    // A plan with one `1.` task keeps every heading a heading.
    let (p, _) = parse(
        "## 一、主要任务\n\n### (一)推进依法行政\n\n1. 深化行政审批制度改革。\n\n### (二)加强法治宣传\n\n开展法治宣传教育。\n",
    );
    assert_eq!(p.tasks.len(), 1);
    assert_eq!(p.tasks[0].number, "1");
}

#[test]
fn annotation_lines_under_a_task() {
    let (p, _) = parse(
        "1. 推进综合行政执法。\n\n牵头单位:区司法局 责任单位:区法院\n完成时限:2024年6月底前\n\n区发改局配合。\n\n2. 下一项。\n",
    );
    assert_eq!(p.tasks.len(), 2);
    let t = &p.tasks[0];
    assert_eq!(t.text, "推进综合行政执法。");
    assert_eq!(names(&t.lead), ["区司法局"]);
    assert_eq!(names(&t.responsible), ["区法院"]);
    assert_eq!(names(&t.participating), ["区发改局"]);
    assert_eq!(t.schedule.as_deref(), Some("2024年6月底前"));
}

/// xiping-2020: a `(一)` paragraph of prose, then its label line.
#[test]
fn a_numbered_paragraph_followed_by_its_label_line_is_a_task() {
    let (p, d) = parse(
        "一、依法全面履行政府职能\n\n(一)为推动经济高质量发展提供法治保障。坚持稳中快进工作总基调,加强备案审查。\n\n责任单位:县政府办公室、县司法局\n\n(二)深化放管服改革。持续推进,不断深化。\n\n各单位要抓好落实。\n",
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(p.tasks.len(), 1);
    let t = &p.tasks[0];
    assert_eq!(t.number, "一");
    assert_eq!(t.line, 3);
    assert!(t.text.starts_with("为推动经济高质量发展提供法治保障。"));
    assert_eq!(names(&t.responsible), ["县政府办公室", "县司法局"]);
    // The numbered prose without a label stays prose.
    let Block::Section(s) = &p.blocks[0] else {
        panic!("a section")
    };
    assert_eq!(
        s.blocks
            .iter()
            .filter(|b| matches!(b, Block::Text(_)))
            .count(),
        2
    );
}

/// Sub-items `(1)` `(2)` of prose under task `1.`, then one label line:
/// each is a task with the label's units, numbered under the task.
#[test]
fn a_label_after_numbered_prose_items_makes_them_tasks() {
    let (p, d) = parse(
        "1.完善应急预案体系\n\n(1)加强应急预案管理,规范编制、审批、发布、备案、修订和评估工作,增强针对性。实用性更强。\n\n(2)推进政府及其部门应急预案精编化,及时修订完善现有应急预案。促进全覆盖。\n\n(责任单位:市直各有关单位、各开发区管委会)\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let numbers: Vec<&str> = p.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["1", "1(1)", "1(2)"]);
    assert_eq!(p.tasks[1].line, 3);
    assert!(p.tasks[1].text.starts_with("加强应急预案管理"));
    for t in &p.tasks[1..] {
        assert_eq!(names(&t.responsible), ["市直各有关单位", "各开发区管委会"]);
    }
    assert!(p.tasks[0].responsible.is_empty());
}

/// hebei-2024: one label line after two tasks answers for both; a task
/// with units of its own keeps them.
#[test]
fn a_label_after_a_run_of_tasks_answers_for_the_run() {
    let (p, _) = parse(
        "【推进措施】\n\n1.开展放心消费培育活动。\n\n2.纳入考核。\n\n责任单位:市市场监督管理局\n\n3.加强宣传。(牵头单位:市委宣传部)\n\n4.强化监督。\n\n5.严格执法。\n\n责任单位:市司法局\n",
    );
    let units: Vec<Vec<&str>> = p
        .tasks
        .iter()
        .map(|t| {
            names(&t.responsible)
                .into_iter()
                .chain(names(&t.lead))
                .collect()
        })
        .collect();
    assert_eq!(
        units,
        [
            vec!["市市场监督管理局"],
            vec!["市市场监督管理局"],
            vec!["市委宣传部"],
            vec!["市司法局"],
            vec!["市司法局"],
        ]
    );
}

#[test]
fn prose_mentioning_units_invents_none() {
    let (p, _) = parse(
        "1. 具体工作由区司法局组织实施,各部门分工负责、各司其职。\n\n2. 区法院、区检察院分别出台相关制度,努力形成部门分工负责的格局。\n",
    );
    for t in &p.tasks {
        assert!(
            t.lead.is_empty() && t.responsible.is_empty() && t.participating.is_empty(),
            "{t:?}"
        );
    }
    // A long (一) paragraph without annotation names no unit either
    // (alone in its plan, it is the plan's measure).
    let (p, _) = parse("(一)加强领导。实践活动作为“一把手”工程,要建立党委领导,整体联动。\n");
    assert!(p.tasks.iter().all(|t| !t.names_units()));
}

/// Tasks grouped under a heading that names their lead (shanxi-2008,
/// qinxian-2025): the lead is the heading's, unless a task names its own.
#[test]
fn a_heading_names_the_lead_of_its_tasks() {
    let (p, d) = parse(
        "一、县示范区管委会牵头工作(8项)\n\n1.建设产业园。\n\n2.打造基地。(牵头单位:县农业农村局)\n\n二、孟学农省长负责的工作\n\n(一)省编办牵头的工作\n\n3.推进乡镇机构改革。\n协同单位:省财政厅、省人事厅。\n\n(二)其他工作\n\n4.加强监督。\n",
    );
    assert!(d.is_empty(), "{d:?}");
    let t = &p.tasks;
    assert_eq!(names(&t[0].lead), ["县示范区管委会"]);
    assert_eq!(names(&t[1].lead), ["县农业农村局"]);
    assert_eq!(names(&t[2].lead), ["省编办"]);
    assert_eq!(names(&t[2].participating), ["省财政厅", "省人事厅"]);
    assert!(t[3].lead.is_empty(), "{:?}", t[3].lead);
    assert!(heading_lead("关于加强牵头单位管理的意见", &[]).is_empty());
}

fn table(body: &str) -> Option<ParsedBody> {
    let mut d = Vec::new();
    let p = table_body(Path::new("t.md"), body, 1, &[], &mut d);
    assert!(d.is_empty(), "{d:?}");
    p
}

#[test]
fn a_markdown_table_names_units_by_its_header() {
    let p = table(
            "| 序号 | 工作任务 | 牵头单位 | 责任单位 |\n|---|:---|---|---|\n| 1 | 深化行政审批制度改革。 | 区政务服务局 | 区发改局、区司法局 |\n| 2 | 推进综合行政执法。 |  | 区司法局 |\n",
        )
        .expect("a table");
    let t = &p.tasks;
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].text, "深化行政审批制度改革。");
    assert_eq!(names(&t[0].lead), ["区政务服务局"]);
    assert_eq!(names(&t[0].responsible), ["区发改局", "区司法局"]);
    assert!(t[1].lead.is_empty());
    assert_eq!(names(&t[1].responsible), ["区司法局"]);
}

/// A notice's two tables pasted one cell a line (xialu-2023's shape):
/// each table's title starts it, and numbers start again in each.
#[test]
fn tables_pasted_one_cell_a_line() {
    let body = "现将分工方案印发给你们。\n\n《甲规划》重要举措分工方案\n\n项目\n\n具体项目\n\n牵头单位\n\n责任单位\n\n一、加强宪法实施\n\n1.坚持宪法法律至上。\n\n区人大常委会、区司法局\n\n区直有关部门\n\n2.开展宪法学习宣传。\n\n区司法局\n\n《乙实施方案》重要举措分工方案\n\n项目\n\n具体项目\n\n牵头单位\n\n责任单位\n\n一、健全政府职能\n\n1.完善事权管理制度。\n\n区委编办\n\n区直各部门\n";
    let mut p = table(body).expect("a table");
    assert!(p.restarts);
    p.qualify_numbers();
    let t = &p.tasks;
    let numbers: Vec<&str> = t.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["一-1", "一-2", "一-1-2"]);
    assert_eq!(names(&t[0].lead), ["区人大常委会", "区司法局"]);
    assert_eq!(names(&t[0].responsible), ["区直有关部门"]);
    assert_eq!(names(&t[1].lead), ["区司法局"]);
    // The second title is no unit of the task before it.
    assert!(t[1].responsible.is_empty(), "{:?}", t[1].responsible);
    assert_eq!(names(&t[2].lead), ["区委编办"]);
    assert_eq!(names(&t[2].responsible), ["区直各部门"]);
}

#[test]
fn prose_is_no_table() {
    // Label lines and a heading with a role word are no header.
    let body = "## 三、落实责任\n\n1. 推进综合行政执法。\n责任单位:区司法局\n\n2. 加强监督。(牵头单位:区纪委)\n";
    assert!(!body.lines().any(unit_column_header));
    assert!(table(body).is_none());
    assert!(unit_column_header("牵头单位"));
    assert!(unit_column_header("序号 目标任务 责任单位"));
    assert!(!unit_column_header("区直各部门"));
}

#[test]
fn task_numbers_past_ten_thousand() {
    let body: String = (1..=10_002)
        .map(|n| format!("{n}. 任务{n}。\n\n"))
        .collect();
    let (p, d) = parse(&body);
    assert!(d.is_empty());
    assert_eq!(p.tasks.len(), 10_002);
    assert_eq!(p.tasks[10_001].number, "10002");
    assert!(task_start("1234567890. 任务").is_none());
}
