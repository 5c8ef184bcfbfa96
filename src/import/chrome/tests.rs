use super::*;

fn block(line: usize, text: &str) -> Block {
    Block {
        line,
        text: text.to_string(),
        ..Block::default()
    }
}

#[test]
fn corpus_chrome_and_metadata() {
    let lines = [
        "• 设为首页",
        "  • 长者版",
        "欢迎访问株洲县政府门户网站!",
        "县委| 县人大| 县政协",
        "当前位置: 首页 > 政务公开 > 信息公开目录",
        "索 引 号:104/2016-00001",
        "发文机关:",
        "发布时间:2017-07-19         责任编辑:管理员         点击量:1237",
        "株洲县政府门户网站 www.zzx.gov.cn更新时间:2015-03-02作者:字体[ ]",
        "状 态:",
        "关于全面推进法治渌湘建设的实施意见",
        "扫一扫在手机打开当前页",
    ];
    let blocks = lines
        .iter()
        .enumerate()
        .map(|(i, l)| block(i + 1, l))
        .collect();
    let mut meta = Meta::default();
    let mut report = Report::default();
    let kept = strip(blocks, &mut meta, &mut report);
    let texts: Vec<&str> = kept.iter().map(|b| b.text.as_str()).collect();
    assert_eq!(texts, vec!["关于全面推进法治渌湘建设的实施意见"]);
    assert_eq!(meta.index_number.as_deref(), Some("104/2016-00001"));
    assert_eq!(meta.editor.as_deref(), Some("管理员"));
    assert_eq!(
        meta.date_published.map(|d| d.to_string()).as_deref(),
        Some("2017-07-19")
    );
    assert!(meta.issuer.is_none());
}

#[test]
fn tail_after_the_document_is_dropped() {
    let body = "为深入贯彻落实全面依法治国基本方略,区委依法治区工作委员会决定开展活动。";
    let blocks = vec![
        block(1, body),
        block(2, "附件下载>>"),
        block(3, "分工表.docx"),
        block(4, "相关链接>>"),
        block(5, "区政府关于加强某某工作的通知"),
        block(6, "服务热线:12345678"),
    ];
    let mut meta = Meta::default();
    let mut report = Report::default();
    let kept = strip(blocks, &mut meta, &mut report);
    assert_eq!(kept.len(), 1);
    assert_eq!(report.unsure_count(), 1);
}

#[test]
fn sentences_with_colons_stay() {
    let blocks = vec![
        block(
            1,
            "为深入贯彻落实全面依法治国基本方略,区委依法治区工作委员会决定开展活动。",
        ),
        block(2, "完成时间:2017年6月底前。"),
        block(3, "主题:法治宣传"),
    ];
    let mut meta = Meta::default();
    let mut report = Report::default();
    let kept = strip(blocks, &mut meta, &mut report);
    assert_eq!(kept.len(), 3);
}

#[test]
fn furniture_by_its_shape() {
    assert!(path_like("网站首页>信息公开>政策文件>区政府文件"));
    assert!(path_like("您在这里»通知公告»正文"));
    assert!(!path_like("2023/06/01"));
    assert!(!path_like("推进“放管服”改革,优化营商环境。"));
    assert_eq!(
        chrome_reason(
            "序号 | 工作任务 | 牵头单位 | 责任单位",
            "序号|工作任务|牵头单位|责任单位"
        ),
        None,
        "a table header is not a navigation bar"
    );
    assert_eq!(
        chrome_reason("本网站所载内容仅供参考", "本网站所载内容仅供参考"),
        Some("portal notice")
    );
    let page: Vec<Block> = [
        "1.推进执法公示。牵头单位:区司法局。",
        "某县召开安全生产工作会议",
        "我区举办法治宣传进社区活动",
        "关于做好春节期间值班工作的通知",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| Block::para(i + 1, *t))
    .collect();
    assert_eq!(trailing_article_list(&page), 3);
    // A table's last cells are not a list of articles.
    let table: Vec<Block> = ["1.推进执法公示。", "区司法局", "区直各部门", "2024年底前"]
        .iter()
        .enumerate()
        .map(|(i, t)| Block::para(i + 1, *t))
        .collect();
    assert_eq!(trailing_article_list(&table), 0);
}

#[test]
fn a_related_news_link_before_the_document_does_not_end_it() {
    let page: Vec<Block> = [
        "日前,某市政府网站公布了2022年政府工作报告目标任务责任分解方案,明确了牵头单位和责任单位。",
        "相关新闻>>",
        "2022年政府工作报告目标任务责任分解方案",
        "一、主要目标",
        "1.地区生产总值增长7%左右。(牵头单位:市发改委)",
        "2.一般公共预算收入增长6%。(牵头单位:市财政局)",
        "相关新闻>>",
        "某市召开工作会议 2022-01-05",
    ]
    .iter()
    .enumerate()
    .map(|(i, t)| Block::para(i + 1, *t))
    .collect();
    let kept = strip(page, &mut Meta::default(), &mut Report::default());
    let texts: Vec<&str> = kept.iter().map(|b| b.text.as_str()).collect();
    assert!(
        texts.contains(&"2.一般公共预算收入增长6%。(牵头单位:市财政局)"),
        "{texts:?}"
    );
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("相关新闻") || t.contains("工作会议")),
        "{texts:?}"
    );
}
