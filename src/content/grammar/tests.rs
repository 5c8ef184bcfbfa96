use super::*;

fn names(list: &str) -> Vec<String> {
    let items = crate::content::annotations::raw_items(list, &[]);
    let listed = read_list(items, Some(Role::Participating)).unwrap_or_default();
    listed.participating
}

#[test]
fn levels_sharing_one_ending_stay_one_group() {
    assert_eq!(
        names("各县、市、区政府,市交通局"),
        ["各县、市、区政府", "市交通局"]
    );
    assert_eq!(
        names("市级有关单位和各市、县〔市、区〕政府"),
        ["市级有关单位", "各市、县〔市、区〕政府"]
    );
    assert_eq!(names("各地、各部门"), ["各地", "各部门"]);
    // `各` covers a short second body without a level of its own.
    assert_eq!(names("各乡镇政府、街道办事处"), ["各乡镇政府、街道办事处"]);
    assert_eq!(names("各乡镇政府、市财政局"), ["各乡镇政府", "市财政局"]);
    // A unit of its own after a group.
    assert_eq!(names("各区、市发改委"), ["各区", "市发改委"]);
}

#[test]
fn triggers_fold_into_the_grammar() {
    let vocabulary: String = LABELS
            .iter()
            .map(|(l, _)| l.as_str())
            .chain(VERBS.iter().map(|(w, _)| *w))
            .chain(SCOPES.iter().map(|(w, _)| *w))
            .chain(UNIT_ENDS.iter().copied())
            .chain([
                "区县市省镇乡街道各有关相关其他排名第一位列首个下同以由及和等年底前内月季度长期持续坚持推进常态化即立时定期逐步全本今明上半每",
            ])
            .collect();
    for c in TRADITIONAL_TRIGGERS.chars() {
        let folded = zhconv::zhconv(&c.to_string(), zhconv::Variant::ZhHans);
        assert_ne!(folded, c.to_string(), "{c} is not traditional");
        assert!(
            folded.chars().all(|f| vocabulary.contains(f))
                || "侷係彆蔘糰衕閤箇繫據極積結續認體點長間".contains(c),
            "{c} folds to {folded}, outside the grammar"
        );
    }
    assert!(needs_folding("牽頭單位"));
    assert!(needs_folding("a區"));
    assert!(!needs_folding("区"));
    // Every trigger, wherever it stands, is found.
    for c in TRADITIONAL_TRIGGERS.chars() {
        assert!(needs_folding(&format!("甲a{c}")), "{c}");
    }
    assert!(!needs_folding("牵头单位:区司法局"));
    assert!(!needs_folding("plain ascii"));
    assert_eq!(
        fold("牽頭單位:區司法局;責任單位:各街道"),
        "牵头单位:区司法局;责任单位:各街道"
    );
    assert!(matches!(fold("与时俱进"), Cow::Borrowed(_)));
}

#[test]
fn labels_are_generated_from_roles_and_kinds() {
    let has = |l: &str| LABELS.iter().any(|(x, _)| x == l);
    for l in [
        "牵头单位",
        "牵头部门",
        "主责单位",
        "责任单位",
        "责任部门",
        "责任科室",
        "配合单位",
        "协办单位",
        "参与单位",
        "责任领导",
        "牵头领导",
        "分管领导",
        "完成时限",
        "时间节点",
        "牵头区领导",
        "进度安排",
        "近期重点突破的工作",
    ] {
        assert!(has(l), "{l}");
    }
    // 厦漳泉大都市区同城化 (福建): `(省直配合单位:省旅游局)`.
    assert!(is_unit_level('省', '直') && is_unit_level('区', '级'));
    assert!(!is_unit_level('直', '省') && !is_unit_level('局', '直'));
}

#[test]
fn verbs_and_scopes() {
    assert_eq!(strip_verb("区司法局牵头"), ("区司法局", Some(Verb::Lead)));
    assert_eq!(
        strip_verb("各有关单位按职责分工负责"),
        ("各有关单位", Some(Verb::Scoped))
    );
    assert_eq!(
        strip_verb("区法院、区检察院共同负责"),
        ("区法院、区检察院", Some(Verb::Duty))
    );
    assert_eq!(strip_verb("区法院分别负责"), ("区法院", Some(Verb::Scoped)));
    assert_eq!(strip_verb("区法院积极配合"), ("区法院", Some(Verb::Assist)));
    assert_eq!(strip_verb("区法院牵头负责"), ("区法院", Some(Verb::Lead)));
    assert_eq!(strip_verb("各负其责"), ("", Some(Verb::Scoped)));
    assert_eq!(strip_verb("区司法局"), ("区司法局", None));
    // Scope words alone are no verb.
    assert_eq!(strip_verb("分别"), ("分别", None));
}

#[test]
fn unit_shapes() {
    for u in [
        "区司法局",
        "市审改办",
        "市级各有关部门",
        "各县市区政府",
        "各街道办事处",
        "区法院",
        "团区委",
        "区委组织部(区编办)",
        "区人力资源和社会保障局",
        "各街道",
        // 豫政〔2023〕5号, 云南省 2017: banks' branches.
        "人行郑州中心支行",
        "国家开发银行云南省分行",
        "石嘴山市",
        "岳麓区",
    ] {
        assert!(looks_like_unit(u), "{u}");
    }
    for p in [
        "牵头单位",
        "全市",
        "本县",
        "主要领导亲自",
        "部门分工",
        "各级领导干部要对此",
        "局",
        "建立健全制度。区司法局",
    ] {
        assert!(!looks_like_unit(p), "{p}");
    }
}

#[test]
fn deng_is_read_in_each_part_of_a_conjunction() {
    // 晋政发[2008]8号.
    assert_eq!(
        names("省财政厅、省农业厅等省直有关部门和各市人民政府"),
        ["省财政厅", "省农业厅", "省直有关部门", "各市人民政府"]
    );
    assert_eq!(names("县物价局等相关单位"), ["县物价局", "相关单位"]);
}

#[test]
fn conjunctions_split_between_units_only() {
    assert_eq!(
        split_conjunctions("市级各有关部门及各县市区政府"),
        vec!["市级各有关部门", "各县市区政府"]
    );
    assert_eq!(
        split_conjunctions("区人力资源和社会保障局"),
        vec!["区人力资源和社会保障局"]
    );
    assert_eq!(
        split_conjunctions("县人大及其常委会"),
        vec!["县人大及其常委会"]
    );
    assert_eq!(
        split_conjunctions("相关人民团体和社会组织"),
        vec!["相关人民团体和社会组织"]
    );
    assert_eq!(
        split_conjunctions("区法院和区检察院"),
        vec!["区法院", "区检察院"]
    );
    assert_eq!(
        split_conjunctions("区人大和监察司法委员会"),
        vec!["区人大和监察司法委员会"]
    );
}

#[test]
fn marks_agree_with_searches() {
    let pieces = [
        "及",
        "和",
        "会同",
        "会",
        "同",
        "等",
        "由",
        "区司法局",
        "2023",
        "年",
        "a",
        " ",
        "、",
    ];
    for text in crate::content::testing::random_texts(&pieces, 16, 2000, 8) {
        let marks = Marks::of(&text);
        assert_eq!(
            marks.digit,
            text.bytes().any(|b| b.is_ascii_digit()),
            "{text}"
        );
        assert_eq!(marks.conjunction, text.find(['及', '和']), "{text}");
        assert_eq!(marks.deng, text.find('等'), "{text}");
        assert_eq!(marks.jointly, text.find(JOINTLY), "{text}");
    }
}

#[test]
fn time_words() {
    assert_eq!(split_time("6月底完成"), ("", Some("6月底完成")));
    assert_eq!(split_time("2023年10月底前"), ("", Some("2023年10月底前")));
    assert_eq!(split_time("持续推进"), ("", Some("持续推进")));
    assert_eq!(split_time("长期坚持"), ("", Some("长期坚持")));
    assert_eq!(
        split_time("区司法局2023年底前完成"),
        ("区司法局", Some("2023年底前完成"))
    );
    assert_eq!(split_time("区老年大学"), ("区老年大学", None));
    assert_eq!(split_time("区司法局"), ("区司法局", None));
}
