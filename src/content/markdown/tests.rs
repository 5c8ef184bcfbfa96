use super::*;

fn parse(body: &str) -> (ParsedBody, Vec<Diagnostic>) {
    let mut d = Vec::new();
    let p = parse_body(Path::new("t.md"), body, 1, &[], &mut d);
    (p, d)
}

#[test]
fn front_matter_split_reports_body_line() {
    let (front, body, line) = split_front_matter("---\ntitle: a\n---\nbody\n").unwrap();
    assert_eq!(front, "title: a\n");
    assert_eq!(body, "body\n");
    assert_eq!(line, 4);
    assert!(split_front_matter("title: a\n").is_none());
}

#[test]
fn numbering_decides_levels_and_tasks_nest_under_sections() {
    let (p, d) = parse(
        "前言。\n\n## 一、主要任务\n\n### (一)机制\n\n1.建立体系。牵头单位:区司法局。\n\n2．完善制度。\n\n（二）监督\n\n3、加强监督。\n\n二、组织领导\n\n各单位要加强领导。\n",
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(p.tasks.len(), 3);
    assert_eq!(p.tasks[0].number, "1");
    assert_eq!(p.tasks[1].number, "2");
    assert_eq!(p.tasks[2].number, "3");
    assert_eq!(p.tasks[0].section_path, vec!["主要任务", "机制"]);
    assert_eq!(p.tasks[2].section_path, vec!["主要任务", "监督"]);
    assert!(matches!(&p.blocks[0], Block::Text(t) if t == "前言。"));
    let titles: Vec<&str> = p
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Section(s) => Some(s.title.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(titles, vec!["主要任务", "组织领导"]);
    let Block::Section(first) = &p.blocks[1] else {
        panic!("expected a section")
    };
    assert_eq!(first.anchor, "sec-1");
    assert_eq!(first.number.as_deref(), Some("一、"));
}

#[test]
fn raw_html_is_found_in_prose_and_tasks_not_headings() {
    let (p, _) = parse("甲。\n\n1.任务<b>x</b>。\n\n## 标题<i>\n\n乙\n丙<!-- c -->\n");
    assert_eq!(p.raw_html, vec![3, 8]);
}

#[test]
fn duplicate_task_numbers_are_errors_with_lines() {
    let (_, d) = parse("1.甲。\n\n2.乙。\n\n2.丙。\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].line, 5);
    assert!(d[0].message.contains("task number 2"));
}

#[test]
fn numbers_that_start_again_in_each_section_are_the_structure() {
    let (mut p, d) = parse(
        "## 一、目标\n\n### (一)原则\n\n1.甲。\n\n2.乙。\n\n### (二)方法\n\n1.丙。\n\n## 二、任务\n\n1.丁。\n\n## 一、再来\n\n1.戊。\n",
    );
    assert!(d.is_empty(), "{d:?}");
    assert!(p.restarts);
    let written: Vec<&str> = p.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(written, ["1", "2", "1", "1", "1"]);
    p.qualify_numbers();
    let numbers: Vec<&str> = p.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(
        numbers,
        ["一(一)-1", "一(一)-2", "一(二)-1", "二-1", "一-1"]
    );
    // A number used twice in one section is still a mistake.
    let (p, d) = parse("## 一、目标\n\n1.甲。\n\n1.乙。\n\n## 二、任务\n\n1.丙。\n");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].line, 5);
    assert!(p.restarts);
    // Two parts of one document, each with its own `一、`.
    let (mut p, d) = parse("## 一、甲\n\n1.甲。\n\n## 一、乙\n\n1.乙。\n\n2.丙。\n");
    assert!(d.is_empty(), "{d:?}");
    p.qualify_numbers();
    let numbers: Vec<&str> = p.tasks.iter().map(|t| t.number.as_str()).collect();
    assert_eq!(numbers, ["一-1", "一-1-2", "一-2"]);
}

#[test]
fn long_numbered_paragraph_is_prose_not_heading() {
    // In a plan with tasks (a plan without any reads its numbered
    // items as measures).
    let (p, _) = parse(
        "(一)加强领导。实践活动作为“一把手”工程,要建立党委领导,整体联动。\n\n1. 建立工作台账。\n",
    );
    assert!(matches!(&p.blocks[0], Block::Text(_)));
    assert_eq!(p.tasks.len(), 1);
}

#[test]
fn first_line_as_lines_has_it() {
    for text in ["", "a", "a\nb", "a\r\nb", "a\r", "\r\n", "a\rb\n", "\n\n"] {
        assert_eq!(
            first_line(text),
            text.lines().next().unwrap_or(""),
            "{text:?}"
        );
    }
}

#[test]
fn years_and_decimals_do_not_start_tasks() {
    assert!(task_start("2015年底前完成。").is_none());
    assert!(task_start("2.5亿元").is_none());
    assert_eq!(
        task_start("1. 2019年底前完成。"),
        Some(("1", " 2019年底前完成。"))
    );
    assert_eq!(task_start("7．"), Some(("7", "")));
    // Small form variants, as pasted from some fonts.
    assert_eq!(task_start("1﹒全省生产总值"), Some(("1", "全省生产总值")));
    assert_eq!(
        paragraph_heading("﹙二﹚方法").map(|h| h.2),
        Some(4),
        "a small-form bracket"
    );
    assert_eq!(task_start("3、 加强"), Some(("3", "加强")));
    assert_eq!(task_start("12.召开会议。").map(|t| t.0), Some("12"));
    let (n, rest) = task_start("3.加强监督。\n进度安排:2024年底前。").unwrap();
    assert_eq!((n, rest), ("3", "加强监督。\n进度安排:2024年底前。"));
}
