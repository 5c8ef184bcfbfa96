use super::*;

#[test]
fn dates() {
    assert_eq!(
        parse_date("2017-07-19").map(|d| d.to_string()).as_deref(),
        Some("2017-07-19")
    );
    assert_eq!(
        parse_date("2015年3月2日").map(|d| d.to_string()).as_deref(),
        Some("2015-03-02")
    );
    assert_eq!(
        parse_date("二〇一七年七月十九日")
            .map(|d| d.to_string())
            .as_deref(),
        Some("2017-07-19")
    );
    assert_eq!(
        date_line("        2023年6月22日")
            .map(|d| d.to_string())
            .as_deref(),
        Some("2023-06-22")
    );
    assert!(date_line("2023年6月22日前完成全部工作任务").is_none());
    assert!(parse_date("2023-13-45").is_none());
}

#[test]
fn numbers_titles_places() {
    assert_eq!(cn_number("十二"), Some(12));
    assert_eq!(cn_number("二十三"), Some(23));
    assert_eq!(
        doc_number("哈里治区委发〔2017〕2号").as_deref(),
        Some("哈里治区委发〔2017〕2号")
    );
    assert_eq!(
        doc_number("株县发[2015]1号").as_deref(),
        Some("株县发〔2015〕1号")
    );
    assert_eq!(
        period_of("《法治下陆建设规划(2021-2025年)》").as_deref(),
        Some("2021-2025")
    );
    assert_eq!(
        period_of("实施方案(2021—2025)").as_deref(),
        Some("2021-2025")
    );
    assert_eq!(
        kind_of("法治下陆建设规划(2021-2025年)"),
        Some(PlanKind::MultiYearPlan)
    );
    assert_eq!(
        kind_of("《法治下陆建设规划(2021-2025年)》重要举措分工方案"),
        Some(PlanKind::DivisionOfLabour)
    );
    assert_eq!(
        kind_of("关于全面推进法治渌湘建设的实施意见"),
        Some(PlanKind::ImplementingOpinions)
    );
    assert_eq!(
        place_of("中共哈尔滨市道里区委依法治区工作委员会").as_deref(),
        Some("哈尔滨市道里区")
    );
    assert_eq!(place_of("中共株洲县委").as_deref(), Some("株洲县"));
    assert_eq!(
        place_of("中共下陆区委全面依法治区委员会办公室").as_deref(),
        Some("下陆区")
    );
    assert_eq!(place_of("区委办公室"), None);
    assert_eq!(place_of("关于全面推进法治渌湘建设的实施意见"), None);
    assert_eq!(
        transmitted_names("关于印发《A规划(2021-2025年)》《B方案》重要举措分工方案的通知"),
        vec!["A规划(2021-2025年)", "B方案"]
    );
    assert_eq!(
        transmitted_names("关于印发法治宣传工作要点的通知"),
        vec!["法治宣传工作要点"]
    );
    assert_eq!(
        transmitted_names("关于印发甲区法治政府建设实施方案和甲区普法工作要点的通知"),
        ["甲区法治政府建设实施方案", "甲区普法工作要点"]
    );
    assert_eq!(
        transmitted_names("关于印发行政执法和刑事司法衔接工作办法的通知"),
        ["行政执法和刑事司法衔接工作办法"]
    );
}

#[test]
fn headings() {
    assert_eq!(heading("一、指导思想").map(|h| h.2), Some(3));
    assert_eq!(heading("（二）监督").map(|h| h.2), Some(4));
    assert_eq!(heading("第一章 总体要求").map(|h| h.2), Some(1));
    assert!(heading("(一)加强领导。实践活动作为“一把手”工程,要建立党委领导,整体联动。").is_none());
    let h = inline_heading("(一)指导思想。以马克思列宁主义为指导。").map(|h| (h.1, h.3));
    assert_eq!(
        h,
        Some((
            "指导思想".to_string(),
            "以马克思列宁主义为指导。".to_string()
        ))
    );
}

#[test]
fn places_from_units_whole_names_and_templates() {
    let blocks = [
        Block::para(1, "为落实甲乙市丙丁区法治建设规划,贯彻丙丁市精神。"),
        Block::para(
            2,
            "1.任务。牵头单位:丙丁区司法局、丙丁区公安分局;责任单位:戊己县财政局。",
        ),
    ];
    assert_eq!(unit_places(&blocks), ["丙丁区", "戊己县"]);
    assert_eq!(
        whole_place("丙丁区", &blocks).as_deref(),
        Some("甲乙市丙丁区")
    );
    // Already whole, or named nowhere whole: nothing to add.
    assert_eq!(whole_place("甲乙市丙丁区", &blocks), None);
    assert_eq!(whole_place("戊己县", &blocks), None);
    // `全市丙丁区`, `本市、丙丁区`: words before a place are not a city.
    let words = [Block::para(1, "全市丙丁区等地;本市、丙丁区")];
    assert_eq!(whole_place("丙丁区", &words), None);
    assert!(template_place("某某市") && template_place("XX县") && !template_place("清河县"));
    let template = [Block::para(1, "牵头单位:某某市司法局")];
    assert!(unit_places(&template).is_empty());
}

#[test]
fn no_clue_gives_the_placeholder_and_a_note() {
    let mut report = Report::default();
    let opts = Options {
        out: std::path::PathBuf::from("content"),
        format: None,
        jurisdiction: None,
        force: false,
        review: None,
    };
    let blocks = [Block::para(1, "1.推进执法公示。牵头单位:司法局。")];
    let j = jurisdiction(&opts, &Context::default(), &[], &[], &blocks, &mut report);
    assert_eq!(j, crate::content::fields::PLACEHOLDER);
    assert!(
        report
            .unsure
            .iter()
            .any(|n| n.text.contains("--jurisdiction"))
    );
    // The site's name is a clue when the document gives none.
    let site = ["丙丁区人民政府门户网站".to_string()];
    assert_eq!(
        jurisdiction(&opts, &Context::default(), &[], &site, &blocks, &mut report),
        "丙丁区"
    );
    assert!(placeholder_title(&blocks).starts_with(crate::content::fields::PLACEHOLDER));
}

#[test]
fn numbered_like_a_heading_but_naming_units_is_not_a_heading() {
    let region = [
        Block::para(1, "一、加强执法监督"),
        Block::para(
            2,
            "(一)推行执法公示制度。(牵头单位:区司法局;责任单位:区直各部门)",
        ),
        Block::para(3, "(二)规范执法。严格执行执法程序。"),
    ];
    let plan = prose(&region, &[], &mut Report::default());
    assert!(
        plan.markdown.contains("\n(一)推行执法公示制度。(牵头单位"),
        "{}",
        plan.markdown
    );
    // Without units it is a heading run into its paragraph, as before.
    assert!(
        plan.markdown.contains("### (二)规范执法"),
        "{}",
        plan.markdown
    );
}

#[test]
fn five_year_plans_by_number_and_phases() {
    assert_eq!(
        period_of("某县“十四五”法治建设规划").as_deref(),
        Some("2021-2025")
    );
    assert_eq!(
        period_of("十三五时期普法规划").as_deref(),
        Some("2016-2020")
    );
    assert_eq!(
        period_of("第十一个五年规划纲要").as_deref(),
        Some("2006-2010")
    );
    assert_eq!(period_of("第十五次会议纪要"), None);
    let p = phases_in("第一阶段:全面推进阶段(2021年-2022年)。完善制度,补齐短板。").remove(0);
    assert_eq!(p.name, "全面推进阶段");
    assert_eq!(p.period.as_deref(), Some("2021年-2022年"));
    assert_eq!(p.body, "完善制度,补齐短板。");
    let p = phases_in("(二)巩固提升阶段(2023年)").remove(0);
    assert_eq!((p.name.as_str(), p.body.as_str()), ("巩固提升阶段", ""));
    assert_eq!(
        phases_in("第二阶段(2023年-2024年):查漏补缺。")[0].name,
        "第二阶段"
    );
    assert!(phases_in("到2025年(2025年底),基本建成法治政府。").is_empty());
    let row = phases_in(
        "全面推进阶段（2021年—2022年），重点突破阶段（2023年—2024年），总结提升阶段（2025年）。",
    );
    let names: Vec<&str> = row.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["全面推进阶段", "重点突破阶段", "总结提升阶段"]);
    assert_eq!(row[2].period.as_deref(), Some("2025年"));
    let region = [
        Block::para(1, "(一)动员部署阶段(2021年)"),
        Block::para(2, "制定方案,广泛动员。"),
    ];
    assert_eq!(phases_of(&region)[0].body, "制定方案,广泛动员。");
}

#[test]
fn a_table_header_is_not_a_title() {
    assert!(!title_like("牵头单位"));
    assert!(!title_like("| 目 标 任 务"));
    assert!(title_like("某县法治政府建设工作方案"));
}

#[test]
fn an_excerpt_starting_with_its_tasks_keeps_them() {
    let blocks = [
        Block::para(1, "【推进措施】"),
        Block::para(2, "1.开展放心消费培育活动。"),
        Block::para(3, "责任单位:市市场监督管理局"),
    ];
    let head = read_head(&blocks, &mut Meta::default(), &mut Report::default());
    assert!(head.title.is_empty() && head.body == 0, "{}", head.title);
}
