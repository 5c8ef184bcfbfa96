use super::*;

fn v(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn split(list: &str) -> Vec<String> {
    split_units(list, &[])
}

// ---- clauses found in real plans ----

#[test]
fn bare_bracket_of_units_names_the_responsible() {
    // 上海市司法局普法责任清单: a law to publicise, and who does it.
    let a = Extractor::new().extract("《中华人民共和国禁毒法》《戒毒条例》(戒毒管理局)");
    assert_eq!(a.responsible, v(&["戒毒管理局"]));
    assert_eq!(a.text, "《中华人民共和国禁毒法》《戒毒条例》");
    let a = Extractor::new().extract("《中华人民共和国宪法》(全系统各单位、各部门)");
    assert_eq!(a.responsible, v(&["全系统各单位", "各部门"]));
    // Brackets of prose stay text.
    for text in [
        "推进综合执法(试行)",
        "覆盖全区(含开发区)",
        "成立领导小组(以下简称领导小组)",
        "开展评选(第一组)",
    ] {
        let a = Extractor::new().extract(text);
        assert!(a.responsible.is_empty(), "{text}: {a:?}");
        assert_eq!(a.text, text);
    }
}

#[test]
fn a_clause_that_opens_a_line() {
    // 兰州市 国家部委对接事项.
    let a = Extractor::new().extract(
            "在兰州设立综合配套改革试验区事宜\n由杨志武副市长负责,市发改委牵头,相关部门配合,尽快完成实施方案。",
        );
    assert_eq!(a.lead, v(&["市发改委"]));
    assert_eq!(a.participating, v(&["相关部门"]));
    assert_eq!(a.officials, v(&["杨志武副市长"]));
    assert_eq!(
        a.text,
        "在兰州设立综合配套改革试验区事宜\n尽快完成实施方案。"
    );
    // `由` opening prose names nobody.
    let a = Extractor::new().extract("由于资金不足,项目推迟。");
    assert!(a.lead.is_empty() && a.officials.is_empty());
    assert_eq!(a.text, "由于资金不足,项目推迟。");
}

#[test]
fn jointly_makes_the_first_unit_lead() {
    // 国办函〔2014〕31号.
    let a = Extractor::new().extract(
        "关于“严守耕地保护红线,划定永久基本农田”的问题,由国土资源部会同农业部等部门负责落实。",
    );
    assert_eq!(a.lead, v(&["国土资源部"]));
    assert_eq!(a.responsible, v(&["农业部"]));
    let a = Extractor::new().extract(
        "关于“粮食安全战略”的问题,由发展改革委会同中央农办、农业部、粮食局等部门研究提出落实意见。",
    );
    assert_eq!(a.lead, v(&["发展改革委"]));
    assert_eq!(a.responsible, v(&["中央农办", "农业部", "粮食局"]));
}

// ---- split_units ----

#[test]
fn table_cells_split_at_and_between_units() {
    // 长沙市目标任务表.
    assert_eq!(
        split("审计局、财政局和市直各单位、各区县市"),
        v(&["审计局", "财政局", "市直各单位", "各区县市"])
    );
    assert_eq!(
        split("工信委、岳麓区和市直相关单位"),
        v(&["工信委", "岳麓区", "市直相关单位"])
    );
    assert_eq!(
        split("区人力资源和社会保障局"),
        v(&["区人力资源和社会保障局"])
    );
}

#[test]
fn splits_on_every_separator() {
    assert_eq!(
        split("区法院、区检察院,区公安分局，区司法局;区人大；区政协"),
        v(&[
            "区法院",
            "区检察院",
            "区公安分局",
            "区司法局",
            "区人大",
            "区政协"
        ])
    );
}

#[test]
fn drops_empty_items_and_trims_blanks() {
    assert_eq!(
        split("区发改局、、区市场监督管理局"),
        v(&["区发改局", "区市场监督管理局"])
    );
    assert_eq!(
        split(" 区法院\u{a0}、\u{3000}区检察院 ,, ;\u{200b}"),
        v(&["区法院", "区检察院"])
    );
    assert_eq!(split(""), Vec::<String>::new());
    assert_eq!(split("、,;"), Vec::<String>::new());
    assert_eq!(split("区司法局。"), v(&["区司法局"]));
    assert_eq!(split("区司法局、区法院."), v(&["区司法局", "区法院"]));
}

#[test]
fn ji_at_item_start_and_groups_with_separators() {
    assert_eq!(
        split("区委办公室、区政府办公室、区司法局、区国资委,及各镇党委、政府"),
        v(&[
            "区委办公室",
            "区政府办公室",
            "区司法局",
            "区国资委",
            "各镇党委、政府"
        ])
    );
    assert_eq!(split("各街道、镇"), v(&["各街道、镇"]));
    assert_eq!(split("及区法院"), v(&["区法院"]));
    // A unit of its own after a group is not joined.
    assert_eq!(split("各街办、区直各部门"), v(&["各街办", "区直各部门"]));
    assert_eq!(split("各街办、团区委"), v(&["各街办", "团区委"]));
    assert_eq!(split("各街道、各镇"), v(&["各街道", "各镇"]));
    // Only `、` joins: `,` is a list boundary.
    assert_eq!(split("各街道,镇"), v(&["各街道", "镇"]));
    // Long items are units of their own.
    assert_eq!(
        split("各街道、综合执法大队"),
        v(&["各街道", "综合执法大队"])
    );
    // 及 inside a name is not a separator.
    assert_eq!(split("县人大及其常委会"), v(&["县人大及其常委会"]));
}

#[test]
fn known_names_stay_whole() {
    let known = v(&["各街道、镇", "区委、区政府督查室"]);
    assert_eq!(
        split_units("区委、区政府督查室、各街道、镇、区司法局", &known),
        v(&["区委、区政府督查室", "各街道、镇", "区司法局"])
    );
    // Known names are not joined to what follows.
    assert_eq!(
        split_units("各街道、镇、村", &v(&["各街道、镇"])),
        v(&["各街道、镇", "村"])
    );
    // Longest known name wins.
    let known = v(&["各街道、镇", "各街道、镇、村"]);
    assert_eq!(
        split_units("各街道、镇、村", &known),
        v(&["各街道、镇、村"])
    );
    // Names without separators in `known` change nothing.
    assert_eq!(
        split_units("区司法局、区法院", &v(&["区司法局", ""])),
        v(&["区司法局", "区法院"])
    );
}

#[test]
fn never_splits_inside_brackets() {
    assert_eq!(
        split("区司法局、各单位党委(党组)、区委组织部〈区编办〉"),
        v(&["区司法局", "各单位党委(党组)", "区委组织部〈区编办〉"])
    );
    assert_eq!(
        split("区委组织部（区编办、区委老干部局）、区纪委〈监察局〉"),
        v(&["区委组织部（区编办、区委老干部局）", "区纪委〈监察局〉"])
    );
    assert_eq!(
        split("《规划、方案》编制组、区法院"),
        v(&["《规划、方案》编制组", "区法院"])
    );
    // Unbalanced brackets protect nothing.
    assert_eq!(split("区委(党组、区法院"), v(&["区委(党组", "区法院"]));
    assert_eq!(split("区委)党组、区法院"), v(&["区委)党组", "区法院"]));
}

#[test]
fn deng_tails() {
    assert_eq!(
        split("县政务服务中心、县财政局、县物价局等相关单位"),
        v(&["县政务服务中心", "县财政局", "县物价局", "相关单位"])
    );
    assert_eq!(split("县司法局等有关单位"), v(&["县司法局", "有关单位"]));
    assert_eq!(split("县司法局等单位"), v(&["县司法局"]));
    assert_eq!(split("县司法局等"), v(&["县司法局"]));
    assert_eq!(
        split("县国土资源局、拆违大队等行政强制执行相关单位"),
        v(&["县国土资源局", "拆违大队", "行政强制执行相关单位"])
    );
    assert_eq!(split("区中等职业学校"), v(&["区中等职业学校"]));
    assert_eq!(split("等有关单位"), v(&["等有关单位"]));
    assert_eq!(
        split("各街道、镇等相关单位"),
        v(&["各街道、镇", "相关单位"])
    );
}

#[test]
fn duplicates_kept_once() {
    assert_eq!(
        split("区法院、区法院、区检察院"),
        v(&["区法院", "区检察院"])
    );
}

// ---- Extractor: form a, trailing label sentence (daoli-2017) ----

#[test]
fn daoli_task_1_trailing_lead_sentence() {
    let a = Extractor::new().extract(
            "建立健全依法治区目标考核体系。将全年重点工作任务量化分解到依法治区各成员单位,督导各部门推进完成。对各单位工作完成情况及时通报并纳入年度目标考核。牵头单位:区委依法治区办、区委依法治区各工作组。",
        );
    assert_eq!(
        a.text,
        "建立健全依法治区目标考核体系。将全年重点工作任务量化分解到依法治区各成员单位,督导各部门推进完成。对各单位工作完成情况及时通报并纳入年度目标考核。"
    );
    assert_eq!(a.lead, v(&["区委依法治区办", "区委依法治区各工作组"]));
    assert!(a.responsible.is_empty() && a.participating.is_empty());
    assert_eq!((a.schedule, a.priority), (None, None));
}

#[test]
fn daoli_task_5_ji_and_group() {
    let a = Extractor::new().extract(
            "全面推行法律顾问制度和公职律师公司律师制度。按照省委办公厅、省政府办公厅《贯彻落实〈关于推行法律顾问制度和公职律师公司律师制度的意见〉的实施意见》的要求,制定我区《推进法律顾问制度和公职律师公司律师制度建设工作总体方案》及相关规范性文件,事业单位探索建立法律顾问制度的目标任务。牵头单位:区委办公室、区政府办公室、区司法局、区国资委,及各镇党委、政府。",
        );
    assert!(a.text.ends_with("事业单位探索建立法律顾问制度的目标任务。"));
    assert!(
        a.text
            .contains("《贯彻落实〈关于推行法律顾问制度和公职律师公司律师制度的意见〉的实施意见》")
    );
    assert_eq!(
        a.lead,
        v(&[
            "区委办公室",
            "区政府办公室",
            "区司法局",
            "区国资委",
            "各镇党委、政府"
        ])
    );
}

#[test]
fn daoli_task_11_lead_department() {
    let a = Extractor::new().extract(
            "推进司法公开工作。建设“审判公开、检务公开、警务公开、狱务公开”平台。区法院、区检察院、区公安分局、区司法局分别出台或修订本系统司法公开相关制度。牵头部门:区委政法委。",
        );
    assert_eq!(
        a.text,
        "推进司法公开工作。建设“审判公开、检务公开、警务公开、狱务公开”平台。区法院、区检察院、区公安分局、区司法局分别出台或修订本系统司法公开相关制度。"
    );
    assert_eq!(a.lead, v(&["区委政法委"]));
    assert!(a.responsible.is_empty());
}

#[test]
fn daoli_non_annotation_parentheses_stay() {
    let text = "健全完善党委(党组)中心组学法制度。推进法治进乡(街)村(居)活动,开展法治建设系列实践活动(以下简称“实践活动”)。贯彻落实《实施细则(试行)》。牵头部门:区司法局、区农林畜牧兽医局。";
    let a = Extractor::new().extract(text);
    assert_eq!(
        a.text,
        "健全完善党委(党组)中心组学法制度。推进法治进乡(街)村(居)活动,开展法治建设系列实践活动(以下简称“实践活动”)。贯彻落实《实施细则(试行)》。"
    );
    assert_eq!(a.lead, v(&["区司法局", "区农林畜牧兽医局"]));
}

#[test]
fn trailing_sentence_full_width_and_dangling_comma() {
    let a = Extractor::new().extract("纳入年度目标考核，牵头部门：区司法局。");
    assert_eq!(a.text, "纳入年度目标考核。");
    assert_eq!(a.lead, v(&["区司法局"]));
    let a = Extractor::new()
        .extract("纳入年度目标考核。牵头单位：区委办；责任单位：区法院，区检察院。");
    assert_eq!(a.text, "纳入年度目标考核。");
    assert_eq!(a.lead, v(&["区委办"]));
    assert_eq!(a.responsible, v(&["区法院", "区检察院"]));
}

#[test]
fn trailing_sentence_followed_by_prose_keeps_the_prose() {
    let a = Extractor::new().extract("建立制度。牵头部门:区司法局。其他单位要积极配合。");
    assert_eq!(a.text, "建立制度。其他单位要积极配合。");
    assert_eq!(a.lead, v(&["区司法局"]));
}

// ---- form b: parenthesis with the rule (zhuzhou-2015) ----

const ZHUZHOU_1: &str = "加强宪法实施。任何组织、单位及个人都必须以宪法为根本活动准则,维护宪法尊严。实行宪法宣誓制度,从2015年起,凡经县人大及其常委会选举或者决定任命的国家工作人员正式就职时公开向宪法宣誓。(责任单位:县人大常委会办公室、县委办公室、县委组织部、县委政法委、县法院、县检察院、县人大内司委、县政府办公室、县人社局、县公安局、县司法局、县政府法制办。排名第一的单位为牵头单位。下同)";
const ZHUZHOU_2: &str = "落实规范性文件备案审查。健全规范性文件备案审查工作机构,完善和落实备案审查的报备、审查、协调等制度。(责任单位:县人大各专门委员会、县委办公室、县政府办公室、县政府法制办)";
const ZHUZHOU_7: &str = "推进政府事权规范化、法制化。杜绝利用“红头文件”设立非行政许可审批和行政收费事项。(责任单位:县编办、县政府法制办、县政务服务中心、县财政局、县物价局等相关单位)";
const ZHUZHOU_15: &str = "理顺行政强制执行体制。按照《行政强制法》等法律规定,梳理行政机关、人民法院强制执行的范围和权限。(责任单位:县政府法制办、县编办、县人民法院、县司法局、县人社局、县规划局、县国土资源局、拆违大队等行政强制执行相关单位)";
const ZHUZHOU_55: &str = "推进社会治安综合治理。健全安全生产法规制度和安全预防控制体系。(责任单位:县综治办、县综治委成员单位)";
const ZHUZHOU_57: &str = "发挥人民团体和社会组织在法治建设中的积极作用。建立健全人民团体和社会组织参与社会事务的工作机制。(责任单位:县综治办、县民政局、县委统战部、县公安局、县司法局、相关人民团体和社会组织)";

#[test]
fn zhuzhou_task_1_states_the_rule() {
    let mut ex = Extractor::new();
    let a = ex.extract(ZHUZHOU_1);
    assert_eq!(
        a.text,
        "加强宪法实施。任何组织、单位及个人都必须以宪法为根本活动准则,维护宪法尊严。实行宪法宣誓制度,从2015年起,凡经县人大及其常委会选举或者决定任命的国家工作人员正式就职时公开向宪法宣誓。"
    );
    assert_eq!(a.lead, v(&["县人大常委会办公室"]));
    assert_eq!(
        a.responsible,
        v(&[
            "县委办公室",
            "县委组织部",
            "县委政法委",
            "县法院",
            "县检察院",
            "县人大内司委",
            "县政府办公室",
            "县人社局",
            "县公安局",
            "县司法局",
            "县政府法制办"
        ])
    );
}

#[test]
fn zhuzhou_later_tasks_inherit_the_rule() {
    let mut ex = Extractor::new();
    ex.extract(ZHUZHOU_1);

    let a = ex.extract(ZHUZHOU_2);
    assert_eq!(
        a.text,
        "落实规范性文件备案审查。健全规范性文件备案审查工作机构,完善和落实备案审查的报备、审查、协调等制度。"
    );
    assert_eq!(a.lead, v(&["县人大各专门委员会"]));
    assert_eq!(
        a.responsible,
        v(&["县委办公室", "县政府办公室", "县政府法制办"])
    );

    let a = ex.extract(ZHUZHOU_7);
    assert!(a.text.ends_with("行政收费事项。"));
    assert_eq!(a.lead, v(&["县编办"]));
    assert_eq!(
        a.responsible,
        v(&[
            "县政府法制办",
            "县政务服务中心",
            "县财政局",
            "县物价局",
            "相关单位"
        ])
    );

    let a = ex.extract(ZHUZHOU_15);
    assert!(a.text.contains("《行政强制法》等法律规定"));
    assert_eq!(a.lead, v(&["县政府法制办"]));
    assert_eq!(
        a.responsible,
        v(&[
            "县编办",
            "县人民法院",
            "县司法局",
            "县人社局",
            "县规划局",
            "县国土资源局",
            "拆违大队",
            "行政强制执行相关单位"
        ])
    );

    let a = ex.extract(ZHUZHOU_55);
    assert_eq!(a.lead, v(&["县综治办"]));
    assert_eq!(a.responsible, v(&["县综治委成员单位"]));

    let a = ex.extract(ZHUZHOU_57);
    assert_eq!(a.lead, v(&["县综治办"]));
    assert_eq!(
        a.responsible,
        v(&[
            "县民政局",
            "县委统战部",
            "县公安局",
            "县司法局",
            "相关人民团体和社会组织"
        ])
    );

    let a = ex.extract("依法处理民族宗教事务。(责任单位:县委统战部)");
    assert_eq!(a.lead, v(&["县委统战部"]));
    assert!(a.responsible.is_empty());
}

#[test]
fn without_the_rule_nothing_is_inferred() {
    let a = Extractor::new().extract(ZHUZHOU_2);
    assert!(a.lead.is_empty());
    assert_eq!(a.responsible.len(), 4);
}

#[test]
fn rule_without_xia_tong_applies_to_its_task_only() {
    let mut ex = Extractor::new();
    let a = ex.extract("任务一。(责任单位:县司法局、县法院。排名第一的单位为牵头单位)");
    assert_eq!(a.lead, v(&["县司法局"]));
    assert_eq!(a.responsible, v(&["县法院"]));
    let a = ex.extract("任务二。(责任单位:县法院、县司法局)");
    assert!(a.lead.is_empty());
    assert_eq!(a.responsible, v(&["县法院", "县司法局"]));
}

#[test]
fn rule_full_width_and_variants() {
    let mut ex = Extractor::new();
    let a = ex.extract("任务一。（责任单位：县司法局、县法院，排名第一的为牵头单位，下同）");
    assert_eq!(a.text, "任务一。");
    assert_eq!(a.lead, v(&["县司法局"]));
    assert_eq!(a.responsible, v(&["县法院"]));
    let a = ex.extract("任务二。（责任单位：县法院、县司法局）");
    assert_eq!(a.lead, v(&["县法院"]));

    // A rule alone in its own parenthesis.
    let mut ex = Extractor::new();
    let a = ex.extract("任务一。(责任单位:县司法局、县法院)(排在第一位的单位为牵头单位,下同)");
    assert_eq!(a.text, "任务一。");
    assert_eq!(a.lead, v(&["县司法局"]));
    let a = ex.extract("任务二。(责任单位:县法院、县司法局)");
    assert_eq!(a.lead, v(&["县法院"]));

    // The rule written as sentences after a trailing label.
    let mut ex = Extractor::new();
    let a = ex.extract("任务一。责任单位:县司法局、县法院。排名第一的单位为牵头单位。下同。");
    assert_eq!(a.text, "任务一。");
    assert_eq!(a.lead, v(&["县司法局"]));
    assert_eq!(a.responsible, v(&["县法院"]));
    assert_eq!(ex.extract("任务二。责任单位:县法院。").lead, v(&["县法院"]));
}

#[test]
fn rule_in_a_bracket_on_the_last_name() {
    let mut ex = Extractor::new();
    let a = ex.extract(
        "任务一。\n责任单位:区财政局、区发改局、区工商联(列第一位者为牵头或汇总单位,下同)",
    );
    assert_eq!(a.lead, v(&["区财政局"]));
    assert_eq!(a.responsible, v(&["区发改局", "区工商联"]));
    let a = ex.extract("任务二。\n责任单位:区发改局、区税务局");
    assert_eq!(a.lead, v(&["区发改局"]));
    assert_eq!(a.responsible, v(&["区税务局"]));
}

#[test]
fn officials_and_assignment_lines_under_a_task() {
    let a = Extractor::new().extract(
            "任务。\n牵头负责领导:张三。\n牵头责任单位:省发改委。\n协同责任单位:省政府各部门、各直属机构。",
        );
    assert_eq!(a.lead, v(&["省发改委"]));
    assert_eq!(a.participating, v(&["省政府各部门", "各直属机构"]));
    let a = Extractor::new()
        .extract("任务。\n分管省领导:李四\n部门分工:省商务厅牵头,各地、各部门配合。");
    assert_eq!(a.lead, v(&["省商务厅"]));
    assert_eq!(a.participating, v(&["各地", "各部门"]));
}

#[test]
fn standing_note_adds_units_to_every_later_task() {
    let mut ex = Extractor::new();
    let a = ex.extract("任务一。(区发改局牵头,区财政局配合。以下均需各街道(镇)政府落实,不再列出)");
    assert_eq!(a.text, "任务一。");
    assert_eq!(a.lead, v(&["区发改局"]));
    assert_eq!(a.participating, v(&["区财政局", "各街道(镇)政府"]));
    let a = ex.extract("任务二。(区司法局负责)");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.participating, v(&["各街道(镇)政府"]));

    let mut ex = Extractor::new();
    let a = ex.extract(
            "任务一。(区发改局、区司法局等有关部门按职责分工负责,各项政策措施均需各街道办事处落实,以下不再列出)",
        );
    assert_eq!(a.responsible, v(&["区发改局", "区司法局", "有关部门"]));
    assert_eq!(a.participating, v(&["各街道办事处"]));
    // Prose that merely says something is not listed is no note.
    let a = Extractor::new().extract("任务。各项经费均需审计,此处不再列出。");
    assert!(a.participating.is_empty());
}

#[test]
fn stray_closer_in_a_trailing_bracket() {
    let a = Extractor::new().extract("任务。[市水利局牵头,市工信委配合,各县(市)区政府负责落实)]");
    assert_eq!(a.text, "任务。");
    assert_eq!(a.lead, v(&["市水利局"]));
    assert_eq!(a.participating, v(&["市工信委"]));
    assert_eq!(a.responsible, v(&["各县(市)区政府"]));
}

#[test]
fn more_role_words_make_labels() {
    let a = Extractor::new()
        .extract("任务。(牵头单位:市发改委,数据提供单位:市统计局;参加单位:市财政局)");
    assert_eq!(a.lead, v(&["市发改委"]));
    assert_eq!(a.participating, v(&["市统计局", "市财政局"]));
    let a = Extractor::new()
        .extract("任务。\n牵头责任单位:县卫健委\n主要协作单位:县民政局、各乡镇人民政府");
    assert_eq!(a.lead, v(&["县卫健委"]));
    assert_eq!(a.participating, v(&["县民政局", "各乡镇人民政府"]));
}

#[test]
fn a_level_before_the_role_makes_a_label() {
    // 厦漳泉大都市区同城化 (福建): partners only, no lead.
    let a = Extractor::new().extract(
        "大力拓展旅游合作。整合厦漳泉大都市区内旅游资源,串点成线。(省直配合单位:省旅游局)",
    );
    assert!(a.lead.is_empty());
    assert_eq!(a.participating, v(&["省旅游局"]));
    assert_eq!(
        a.text,
        "大力拓展旅游合作。整合厦漳泉大都市区内旅游资源,串点成线。"
    );
    let a = Extractor::new()
        .extract("任务。\n市直牵头单位:市发改委\n县直责任单位:县财政局、县自然资源局");
    assert_eq!(a.lead, v(&["市发改委"]));
    assert_eq!(a.responsible, v(&["县财政局", "县自然资源局"]));
}

#[test]
fn explicit_lead_wins_over_the_carried_rule() {
    let mut ex = Extractor::new();
    ex.extract(ZHUZHOU_1);
    let a = ex.extract("任务。(牵头单位:县司法局;责任单位:县法院、县检察院)");
    assert_eq!(a.lead, v(&["县司法局"]));
    assert_eq!(a.responsible, v(&["县法院", "县检察院"]));
}

// ---- form c: several labelled fields in one parenthesis ----

#[test]
fn fields_with_officials_lead_and_participants() {
    let a = Extractor::new().extract(
        "深化司法体制改革。(牵头区领导:张三、李四,牵头单位:区检察院、区公安分局,参与单位:区法院)",
    );
    assert_eq!(a.text, "深化司法体制改革。");
    assert_eq!(a.officials, v(&["张三", "李四"]));
    assert_eq!(a.lead, v(&["区检察院", "区公安分局"]));
    assert_eq!(a.participating, v(&["区法院"]));
    assert!(a.responsible.is_empty());
}

#[test]
fn fields_full_width_and_semicolons() {
    let a = Extractor::new().extract(
            "深化司法体制改革（牵头县领导：张三，牵头单位：县检察院、县公安局；责任单位：县法院，县司法局；配合单位：县财政局、县人社局），确保落到实处。",
        );
    assert_eq!(a.text, "深化司法体制改革，确保落到实处。");
    assert_eq!(a.officials, v(&["张三"]));
    assert_eq!(a.lead, v(&["县检察院", "县公安局"]));
    assert_eq!(a.responsible, v(&["县法院", "县司法局"]));
    assert_eq!(a.participating, v(&["县财政局", "县人社局"]));
}

#[test]
fn every_label_is_known() {
    let a = Extractor::new().extract(
            "任务。(牵头部门:甲局;责任部门:乙局;协办单位:丙局;配合单位:丁局;牵头领导:王五;责任领导:赵六;牵头市领导:钱七;完成时限:2016年底前)",
        );
    assert_eq!(a.text, "任务。");
    assert_eq!(a.lead, v(&["甲局"]));
    assert_eq!(a.responsible, v(&["乙局"]));
    assert_eq!(a.participating, v(&["丙局", "丁局"]));
    assert_eq!(a.officials, v(&["王五", "赵六", "钱七"]));
    assert_eq!(a.schedule.as_deref(), Some("2016年底前"));
}

// ---- form d: schedule and priority ----

#[test]
fn schedule_and_priority_on_following_lines() {
    let a = Extractor::new().extract(
            "推进以审判为中心的诉讼制度改革。(牵头区领导:张三,牵头单位:区法院,参与单位:区检察院、区公安分局)\n进度安排:2015年6月底前,完成制度建设;2015年底前,全面推开。\n近期重点突破的工作:建立证人出庭作证制度。",
        );
    assert_eq!(a.text, "推进以审判为中心的诉讼制度改革。");
    assert_eq!(
        a.schedule.as_deref(),
        Some("2015年6月底前,完成制度建设;2015年底前,全面推开")
    );
    assert_eq!(a.priority.as_deref(), Some("建立证人出庭作证制度"));
    assert_eq!(a.officials, v(&["张三"]));
    assert_eq!(a.lead, v(&["区法院"]));
    assert_eq!(a.participating, v(&["区检察院", "区公安分局"]));
}

#[test]
fn schedule_and_priority_in_the_same_paragraph() {
    let a = Extractor::new()
        .extract("建立制度。进度安排：2015年6月底前，完成……。近期重点突破的工作：出台办法。");
    assert_eq!(a.text, "建立制度。");
    assert_eq!(a.schedule.as_deref(), Some("2015年6月底前，完成……"));
    assert_eq!(a.priority.as_deref(), Some("出台办法"));
}

#[test]
fn a_paragraph_of_annotations_only_leaves_no_text() {
    let a = Extractor::new().extract("进度安排:2016年底前完成。\n近期重点:出台办法。");
    assert_eq!(a.text, "");
    assert_eq!(a.schedule.as_deref(), Some("2016年底前完成"));
    assert_eq!(a.priority.as_deref(), Some("出台办法"));
    let a = Extractor::new().extract("时间安排:长期坚持");
    assert_eq!(a.schedule.as_deref(), Some("长期坚持"));
    let a = Extractor::new().extract("完成时间：2017年6月底前。");
    assert_eq!(a.schedule.as_deref(), Some("2017年6月底前"));
}

#[test]
fn schedule_label_before_units_on_one_line() {
    let a = Extractor::new().extract("建立制度。完成时限:2016年底前。牵头单位:区司法局。");
    assert_eq!(a.text, "建立制度。");
    assert_eq!(a.schedule.as_deref(), Some("2016年底前"));
    assert_eq!(a.lead, v(&["区司法局"]));
}

// ---- form e and odd input ----

#[test]
fn no_annotation_leaves_text_alone() {
    let text = "  坚持宪法法律至上,一切法规、规章和规范性文件都不得同宪法法律相抵触(试行)。\n第二行(以下简称“实践活动”)。 ";
    let a = Extractor::new().extract(text);
    assert_eq!(a.text, text.trim());
    assert_eq!(
        Annotations {
            text: String::new(),
            ..a
        },
        Annotations::default()
    );
}

#[test]
fn parentheses_that_only_mention_labels_stay() {
    let text = "明确分工(由牵头单位负责协调)。";
    let a = Extractor::new().extract(text);
    assert_eq!(a.text, text);
    assert!(a.lead.is_empty());
    // `下同` in an ordinary parenthesis is not a rule.
    let mut ex = Extractor::new();
    let a = ex.extract("法治建设(以下简称“建设”,下同)。");
    assert_eq!(a.text, "法治建设(以下简称“建设”,下同)。");
    let a = ex.extract("所称单位(下同)包括街办。");
    assert_eq!(a.text, "所称单位(下同)包括街办。");
    assert!(
        ex.extract("任务。(责任单位:县法院、县司法局)")
            .lead
            .is_empty()
    );
}

#[test]
fn nested_brackets_inside_an_annotation() {
    let a = Extractor::new()
        .extract("任务。(责任单位:区司法局、各单位党委(党组)、区委组织部〈区编办〉)");
    assert_eq!(a.text, "任务。");
    assert_eq!(
        a.responsible,
        v(&["区司法局", "各单位党委(党组)", "区委组织部〈区编办〉"])
    );
}

#[test]
fn mixed_width_and_unclosed_parentheses() {
    let a = Extractor::new().extract("任务。(责任单位:县司法局、县法院）");
    assert_eq!(a.text, "任务。");
    assert_eq!(a.responsible, v(&["县司法局", "县法院"]));
    let a = Extractor::new().extract("任务。(责任单位:县司法局、县法院\n第二行。");
    assert_eq!(a.text, "任务。\n第二行。");
    assert_eq!(a.responsible, v(&["县司法局", "县法院"]));
    let a = Extractor::new().extract("任务)。(牵头单位:县司法局");
    assert_eq!(a.text, "任务)。");
    assert_eq!(a.lead, v(&["县司法局"]));
}

#[test]
fn spaces_inside_labels() {
    let a = Extractor::new().extract("任务。牵头 单位 ：区司法局 、 区法院 。");
    assert_eq!(a.text, "任务。");
    assert_eq!(a.lead, v(&["区司法局", "区法院"]));
}

#[test]
fn multi_line_text_keeps_its_lines() {
    let a = Extractor::new()
        .extract("第一段。\n\n第二段。牵头部门:区司法局。\n进度安排:2016年底前。\n第三段。");
    assert_eq!(a.text, "第一段。\n\n第二段。\n第三段。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.schedule.as_deref(), Some("2016年底前"));
}

#[test]
fn known_units_reach_the_splitter() {
    let mut ex = Extractor::with_known(v(&["区委、区政府督查室"]));
    let a = ex.extract("任务。牵头单位:区委、区政府督查室、区司法局。");
    assert_eq!(a.lead, v(&["区委、区政府督查室", "区司法局"]));
}

// ---- the grammar: every role label, any bracket, clauses ----

#[test]
fn every_role_label_in_any_bracket() {
    for (open, close) in [
        ("(", ")"),
        ("（", "）"),
        ("[", "]"),
        ("【", "】"),
        ("〔", "〕"),
    ] {
        let a = Extractor::new().extract(&format!(
                "任务。{open}主责单位:区司法局;责任科室:法制科;协办单位:区法院;分管领导:王五;时间节点:2024年底前{close}"
            ));
        assert_eq!(a.text, "任务。", "{open}");
        assert_eq!(a.lead, v(&["区司法局"]));
        assert_eq!(a.responsible, v(&["法制科"]));
        assert_eq!(a.participating, v(&["区法院"]));
        assert_eq!(a.officials, v(&["王五"]));
        assert_eq!(a.schedule.as_deref(), Some("2024年底前"));
    }
    let a = Extractor::new().extract("任务。牵头部门:区司法局。配合单位:区法院。责任领导:张三。");
    assert_eq!(a.text, "任务。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.participating, v(&["区法院"]));
    assert_eq!(a.officials, v(&["张三"]));
    // Several labels on one line, blanks between.
    let a = Extractor::new().extract("任务。\n牵头单位:区司法局 责任单位:区法院 完成时限:6月底");
    assert_eq!(a.text, "任务。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.responsible, v(&["区法院"]));
    assert_eq!(a.schedule.as_deref(), Some("6月底"));
}

#[test]
fn clauses_in_a_trailing_bracket() {
    let a =
        Extractor::new().extract("深化行政审批制度改革。(区政务服务局牵头,区发改局、区司法局配合)");
    assert_eq!(a.text, "深化行政审批制度改革。");
    assert_eq!(a.lead, v(&["区政务服务局"]));
    assert_eq!(a.participating, v(&["区发改局", "区司法局"]));
    let a = Extractor::new().extract(
        "推进简政放权。（市政府办公室、市审改办牵头，市级各有关部门及各县市区政府按职责分工负责）",
    );
    assert_eq!(a.text, "推进简政放权。");
    assert_eq!(a.lead, v(&["市政府办公室", "市审改办"]));
    assert_eq!(a.responsible, v(&["市级各有关部门", "各县市区政府"]));
    // Before the full stop, and with time words.
    let a = Extractor::new().extract("建立制度(区司法局牵头,区法院协助,2023年10月底前完成)。");
    assert_eq!(a.text, "建立制度。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.participating, v(&["区法院"]));
    assert_eq!(a.schedule.as_deref(), Some("2023年10月底前完成"));
    let a = Extractor::new().extract("建立制度。【区司法局负责,持续推进】");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.schedule.as_deref(), Some("持续推进"));
}

#[test]
fn clauses_as_the_last_sentence() {
    let a = Extractor::new().extract("加强行政复议。由区司法局牵头,区法院配合。");
    assert_eq!(a.text, "加强行政复议。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.participating, v(&["区法院"]));
    let a = Extractor::new().extract("加强行政复议,区司法局负责。");
    assert_eq!(a.text, "加强行政复议。");
    assert_eq!(a.lead, v(&["区司法局"]));
    // Co-leads.
    let a = Extractor::new().extract("加强行政复议。区法院、区检察院共同负责。");
    assert_eq!(a.lead, v(&["区法院", "区检察院"]));
    // 负责 beside a lead means responsible.
    let a = Extractor::new().extract("加强行政复议。区司法局牵头,区法院负责,各负其责。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.responsible, v(&["区法院"]));
    let a = Extractor::new().extract("加强行政复议。各有关单位按职责分工负责。");
    assert_eq!(a.text, "加强行政复议。");
    assert!(a.lead.is_empty());
    assert_eq!(a.responsible, v(&["各有关单位"]));
    // A sentence after the clause: the clause is not at the end.
    let text = "加强行政复议。区法院、区检察院分别负责。长期坚持。";
    let a = Extractor::new().extract(text);
    assert_eq!(a.text, text);
    assert!(a.responsible.is_empty());
    let a = Extractor::new().extract("加强行政复议。区法院、区检察院分别负责,长期坚持。");
    assert_eq!(a.text, "加强行政复议。");
    assert_eq!(a.schedule.as_deref(), Some("长期坚持"));
}

#[test]
fn division_label() {
    let a = Extractor::new().extract("加强行政复议。责任分工:区司法局牵头,区法院协助。");
    assert_eq!(a.text, "加强行政复议。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.participating, v(&["区法院"]));
}

#[test]
fn scope_words_and_time_words_in_labelled_lists() {
    let a = Extractor::new()
        .extract("任务。(牵头单位:区司法局;责任单位:各有关单位按职责分工负责,6月底完成)");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.responsible, v(&["各有关单位"]));
    assert_eq!(a.schedule.as_deref(), Some("6月底完成"));
    let a = Extractor::new().extract("任务。责任单位:区法院和区检察院、区人力资源和社会保障局。");
    assert_eq!(
        a.responsible,
        v(&["区法院", "区检察院", "区人力资源和社会保障局"])
    );
    let a = Extractor::new().extract("任务。配合单位:区法院等单位配合。");
    assert_eq!(a.participating, v(&["区法院"]));
}

#[test]
fn traditional_characters_fold() {
    let a = Extractor::new().extract("完善公共法律服務。(牽頭單位:區司法局;責任單位:各街道)");
    assert_eq!(a.text, "完善公共法律服務。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.responsible, v(&["各街道"]));
    let a = Extractor::new().extract("推進法治。（區司法局牽頭，區法院配合）");
    assert_eq!(a.text, "推進法治。");
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.participating, v(&["区法院"]));
    let a = Extractor::new().extract("推進法治。\n責任單位：區司法局");
    assert_eq!(a.text, "推進法治。");
    assert_eq!(a.responsible, v(&["区司法局"]));
}

#[test]
fn prose_is_not_a_clause() {
    for text in [
        "明确分工(由牵头单位负责)。",
        "具体工作由区司法局组织实施。",
        "区法院、区检察院、区公安分局、区司法局分别出台或修订本系统司法公开相关制度。",
        "努力形成部门分工负责、各司其职、齐抓共管的普法工作格局。",
        "各级领导干部要对此负责。",
        "由区司法局牵头的工作组要定期开会。",
        "开展实践活动(以下简称“实践活动”)。",
        "贯彻落实《实施细则(试行)》。",
        "推进法治进乡(街)村(居)活动。",
        "本办法自2024年1月1日起施行。",
        "注意事项:区司法局牵头组织。",
        "工作要求:各单位要积极配合。",
    ] {
        let a = Extractor::new().extract(text);
        assert_eq!(a.text, text, "{text}");
        assert!(
            a.lead.is_empty() && a.responsible.is_empty() && a.participating.is_empty(),
            "{text}: {a:?}"
        );
        assert_eq!(a.schedule, None, "{text}");
    }
    // A clause counts only at the end of the text.
    let text = "区司法局牵头,区法院配合。建立联席会议制度。";
    assert_eq!(Extractor::new().extract(text).text, text);
}

#[test]
fn annotation_only_and_carried_annotations() {
    let ex = Extractor::new();
    assert!(ex.is_annotation_only("区司法局牵头,区法院配合。"));
    assert!(ex.is_annotation_only("责任单位:区法院"));
    assert!(!ex.is_annotation_only("建立制度。区司法局牵头。"));
    assert!(ex.carries_annotation("建立制度。区司法局牵头。"));
    assert!(!ex.carries_annotation("建立制度。"));
    let a = ex.read_cell(
        "区司法局牵头,区法院及区检察院配合,2024年底前",
        Role::Responsible,
    );
    assert_eq!(a.lead, v(&["区司法局"]));
    assert_eq!(a.participating, v(&["区法院", "区检察院"]));
    assert_eq!(a.schedule.as_deref(), Some("2024年底前"));
    let a = ex.read_cell("區司法局、各街道", Role::Lead);
    assert_eq!(a.lead, v(&["区司法局", "各街道"]));
}

#[test]
fn longer_labels_come_first() {
    // Where one label ends with another, the longer comes first.
    for (i, (a, _)) in LABELS.iter().enumerate() {
        for (b, _) in &LABELS[..i] {
            assert!(!a.ends_with(b.as_str()), "{b} before {a}");
        }
    }
}

#[test]
fn bracket_bytes_agree_with_bracket_characters() {
    // (character, family, opens), as the documents' brackets pair.
    let families = [
        ('(', 0, true),
        ('（', 0, true),
        (')', 0, false),
        ('）', 0, false),
        ('〈', 2, true),
        ('〉', 2, false),
        ('《', 3, true),
        ('》', 3, false),
        ('【', 4, true),
        ('】', 4, false),
        ('〔', 5, true),
        ('〕', 5, false),
        ('[', 6, true),
        (']', 6, false),
        ('“', 7, true),
        ('”', 7, false),
    ];
    let text = "甲(乙（丙）丁)、〈〉《》【】〔〕[]“”‘’「」。，：—…€ⅰ㈠ｆ\u{3000}";
    let expected: Vec<(usize, usize, bool, usize)> = text
        .char_indices()
        .filter_map(|(i, c)| {
            let &(_, k, is_open) = families.iter().find(|f| f.0 == c)?;
            Some((i, k, is_open, c.len_utf8()))
        })
        .collect();
    assert_eq!(brackets(text).collect::<Vec<_>>(), expected);
    assert_eq!(expected.len(), 16);
}

#[test]
fn never_panics_on_odd_input() {
    let samples = [
        "",
        "(",
        ")",
        "（",
        "）",
        "((((",
        "))))",
        "(责任单位:",
        "(责任单位:)",
        "牵头单位:",
        "牵头单位:。",
        "牵头单位：\n",
        "进度安排:",
        "(排名第一的单位为牵头单位。下同)",
        "下同",
        "《(》)",
        "“牵头单位:区法院”",
        "牵头单位:区法院(",
        "\u{0}\u{feff}\u{200b}",
        "🎉牵头单位:🎉、🎉。",
        "a(b(c)d(e",
        "\r\n牵头单位:区法院\r\n",
        "及",
        "等",
        "、、、及及及等等等",
        "牵头单位:等相关单位",
    ];
    for s in samples {
        let _ = Extractor::new().extract(s);
        let _ = split_units(s, &v(&["", "、", "(", "各街道、镇"]));
    }
    // Linear-ish: large inputs finish quickly.
    let long = "(责任单位:区法院、区检察院)牵头单位:区司法局。(试行".repeat(3000);
    let a = Extractor::new().extract(&long);
    assert_eq!(a.lead.len(), 1);
    let opens = "(".repeat(50_000) + &")".repeat(50_000);
    let _ = Extractor::new().extract(&opens);
    let unclosed = "(牵头".repeat(50_000) + "\n" + &"(".repeat(50_000);
    let _ = Extractor::new().extract(&unclosed);
    let labels = "牵头单位:".repeat(20_000);
    let _ = Extractor::new().extract(&labels);
    let rules = "责任单位:区法院。".repeat(10_000) + &"排名第一的单位为牵头单位。".repeat(10_000);
    let _ = Extractor::new().extract(&rules);
    let _ = split_units(&"《(〈".repeat(20_000), &[]);
    let _ = split_units(&"、".repeat(50_000), &[]);
}
