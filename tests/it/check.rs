//! `planpress check` on the example site and on broken sites, as a web team
//! meets it: exit codes, `file:line:col` diagnostics and the JSON report.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn planpress(args: &[&str], root: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planpress"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("run planpress");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn example_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn example_json() -> Value {
    let (code, stdout, stderr) = planpress(&["check", "--json"], example_root());
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str(&stdout).expect("valid JSON")
}

fn plan<'a>(report: &'a Value, slug_prefix: &str) -> &'a Value {
    report["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["slug"].as_str().unwrap().starts_with(slug_prefix))
        .unwrap_or_else(|| panic!("no plan {slug_prefix}"))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

#[test]
fn example_site_checks_clean_with_all_tasks() {
    let (code, stdout, stderr) = planpress(&["check"], example_root());
    assert_eq!(code, 0, "{stderr}");
    let summary = stdout.lines().last().unwrap();
    assert!(summary.starts_with("5 plans, 233 tasks, "), "{summary}");
    assert!(summary.ends_with(", 0 errors, 0 warnings"), "{summary}");
    let report = example_json();
    let counts: Vec<usize> = [
        "daoli",
        "zhuzhou",
        "xialu-2023-fazhi-xialu",
        "xialu-2023-fazhi-zhengfu",
        "xialu-2023-fazhi-shehui",
    ]
    .iter()
    .map(|s| plan(&report, s)["tasks"].as_array().unwrap().len())
    .collect();
    assert_eq!(counts, vec![18, 77, 50, 32, 56]);
    assert_eq!(report["notices"].as_array().unwrap().len(), 2);
}

#[test]
fn daoli_tasks_all_have_lead_units() {
    let report = example_json();
    let daoli = plan(&report, "daoli");
    for t in daoli["tasks"].as_array().unwrap() {
        assert!(
            !t["lead_units"].as_array().unwrap().is_empty(),
            "task {} has no lead",
            t["number"]
        );
    }
    let t5 = &daoli["tasks"][4];
    assert_eq!(
        strings(&t5["lead_units"]),
        vec![
            "区委办公室",
            "区政府办公室",
            "区司法局",
            "区国资委",
            "各镇党委、政府"
        ]
    );
}

#[test]
fn zhuzhou_lead_is_the_first_listed_unit() {
    let report = example_json();
    let zz = plan(&report, "zhuzhou");
    let corpus = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content/zhuzhou-2015-fazhi-shishi-yijian.md"),
    )
    .unwrap();
    // The first unit of each task's (责任单位:…) in the document itself,
    // not in what planpress read from it.
    let source = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/corpus/zhuzhou-2015-fazhi-shishi-yijian.txt"),
    )
    .unwrap();
    let first_listed: std::collections::BTreeMap<String, String> = source
        .lines()
        .filter_map(|line| {
            let (number, rest) = line.split_once('.')?;
            number.chars().all(|c| c.is_ascii_digit()).then_some(())?;
            let units = rest.split("责任单位:").nth(1)?;
            let first = units.split(['、', '。', ')']).next()?;
            // As written, but for a scope word (task 67: 县司法局等相关单位)
            // and the one short name (task 11: 县政府办, declared as an
            // alias in content/units.yaml).
            let first = match first.trim_end_matches("等相关单位") {
                "县政府办" => "县政府办公室",
                name => name,
            };
            Some((number.to_string(), first.to_string()))
        })
        .collect();
    let tasks = zz["tasks"].as_array().unwrap();
    assert_eq!(
        first_listed.len(),
        tasks.len(),
        "every task names its units"
    );
    for t in tasks {
        let number = t["number"].as_str().unwrap();
        let leads = strings(&t["lead_units"]);
        assert_eq!(leads.len(), 1, "task {number}");
        assert_eq!(
            Some(leads[0]),
            first_listed.get(number).map(String::as_str),
            "task {number}: the first unit the document lists leads"
        );
    }
    // Task 15 as written: (责任单位:县政府法制办、县编办、…)
    assert!(corpus.contains("15.理顺行政强制执行体制"));
    assert_eq!(
        strings(&zz["tasks"][14]["lead_units"]),
        vec!["县政府法制办"]
    );
    // Task 1 states the rule (下同) and names twelve units.
    assert_eq!(zz["tasks"][0]["units"].as_array().unwrap().len(), 12);
}

#[test]
fn units_are_keyed_by_jurisdiction() {
    let report = example_json();
    let sifa: Vec<&str> = report["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["name"] == "区司法局")
        .map(|u| u["jurisdiction"].as_str().unwrap())
        .collect();
    assert_eq!(sifa.len(), 2, "{sifa:?}");
    assert!(sifa.contains(&"哈尔滨市道里区") && sifa.contains(&"黄石市下陆区"));
    let group = report["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "区直各部门")
        .unwrap();
    assert_eq!(group["kind"], "group");
}

#[test]
fn xialu_numbering_jumps_as_the_document_does() {
    let report = example_json();
    let t = plan(&report, "xialu-2023-fazhi-xialu")["tasks"]
        .as_array()
        .unwrap()
        .clone();
    let numbers: Vec<&str> = t
        .iter()
        .take(7)
        .map(|x| x["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, vec!["1", "2", "3", "4", "5", "11", "12"]);
}

/// A site folder with one content file, for the broken-input cases.
fn site_with(file: &str, content: &str) -> tempfile::TempDir {
    let dir = crate::common::tempdir();
    std::fs::write(dir.path().join("site.yaml"), "title: 测试站点\n").unwrap();
    std::fs::create_dir(dir.path().join("content")).unwrap();
    std::fs::write(dir.path().join("content").join(file), content).unwrap();
    dir
}

/// Checks that `check` fails with a diagnostic at `file:line`, without panicking.
fn assert_error_at(dir: &Path, file: &str, line: usize, needle: &str) {
    let (code, stdout, stderr) = planpress(&["check"], dir);
    assert_eq!(code, 1, "stdout: {stdout}\nstderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let expected = format!("content/{file}:{line}:");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains(&expected) && l.contains("error") && l.contains(needle)),
        "expected `{expected} … error … {needle}` in:\n{stderr}"
    );
    let (_, json, _) = planpress(&["check", "--json"], dir);
    let v: Value = serde_json::from_str(&json).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["file"], format!("content/{file}"));
    assert_eq!(d["line"], line);
    assert_eq!(d["severity"], "error");
}

#[test]
fn broken_yaml_names_file_and_line() {
    let dir = site_with(
        "a.yaml",
        "plan:\n  title: 甲\n  kind: 方案\n  jurisdiction: [未闭合\n",
    );
    let (code, _, stderr) = planpress(&["check"], dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("content/a.yaml:"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn unknown_field_is_an_error() {
    let dir = site_with(
        "a.yaml",
        "plan:\n  title: 甲\n  kind: 方案\n  jurisdiction: 某区\n  tasks:\n    - number: 1\n      text: 做好工作。\n      lead_unit: 区司法局\n",
    );
    assert_error_at(dir.path(), "a.yaml", 8, "lead_unit");
}

#[test]
fn unknown_front_matter_field_is_an_error() {
    let dir = site_with(
        "a.md",
        "---\ntitle: 甲\nkind: 方案\njurisdiction: 某区\ntopcis: [法治政府]\n---\n\n1.做好工作。牵头单位:区司法局。\n",
    );
    assert_error_at(dir.path(), "a.md", 5, "topcis");
}

#[test]
fn duplicate_task_number_in_markdown() {
    let dir = site_with(
        "a.md",
        "---\ntitle: 甲\nkind: 方案\njurisdiction: 某区\n---\n\n1.做好工作。牵头单位:区司法局。\n\n1.再做工作。牵头单位:区司法局。\n",
    );
    assert_error_at(dir.path(), "a.md", 9, "task number 1");
}

#[test]
fn duplicate_task_number_in_yaml() {
    let dir = site_with(
        "a.yaml",
        "plan:\n  title: 甲\n  kind: 方案\n  jurisdiction: 某区\n  sections:\n    - title: 任务\n      tasks:\n        - number: 3\n          text: 甲。\n          lead: 区司法局\n        - number: 3\n          text: 乙。\n          lead: 区司法局\n",
    );
    assert_error_at(dir.path(), "a.yaml", 11, "task number 3");
}

#[test]
fn plan_without_title() {
    let dir = site_with(
        "a.md",
        "---\nkind: 方案\njurisdiction: 某区\n---\n\n1.做好工作。牵头单位:区司法局。\n",
    );
    assert_error_at(dir.path(), "a.md", 1, "title");
}

#[test]
fn task_without_lead_is_a_warning_and_exit_zero() {
    let dir = site_with(
        "a.md",
        "---\ntitle: 甲\nkind: 方案\njurisdiction: 某区\n---\n\n1.做好工作。牵头单位:区司法局。\n\n2.再做工作。\n",
    );
    let (code, stdout, stderr) = planpress(&["check"], dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("content/a.md:9:1: warning: task 2 has no lead unit"),
        "{stderr}"
    );
    assert!(
        stdout.contains("1 plans, 2 tasks, 1 units, 0 errors, 1 warnings"),
        "{stdout}"
    );
}

#[test]
fn bad_date_and_binary_file() {
    let dir = site_with(
        "a.md",
        "---\ntitle: 甲\nkind: 方案\njurisdiction: 某区\ndate_signed: 2017年7月19日\n---\n",
    );
    assert_error_at(dir.path(), "a.md", 5, "");
    let dir = site_with("b.md", "");
    std::fs::write(dir.path().join("content/b.md"), [0u8, 159, 146, 150]).unwrap();
    let (code, _, stderr) = planpress(&["check"], dir.path());
    assert_eq!(code, 1);
    assert!(
        stderr.contains("content/b.md") && stderr.contains("binary"),
        "{stderr}"
    );
}

#[test]
fn gbk_file_is_rejected_with_a_hint() {
    // "道里区" in GBK.
    let dir = site_with("a.md", "");
    std::fs::write(
        dir.path().join("content/a.md"),
        [0xB5, 0xC0, 0xC0, 0xEF, 0xC7, 0xF8],
    )
    .unwrap();
    let (code, _, stderr) = planpress(&["check"], dir.path());
    assert_eq!(code, 1);
    assert!(stderr.contains("UTF-8"), "{stderr}");
}
