//! `planpress import`: the corpus documents (as text, GBK text and .docx)
//! import to content that `check` accepts with the same tasks and units as
//! the hand-made example site, task by task; variants written the way other
//! districts write show that nothing is tuned to those three files.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use common::{bare_site, planpress, repo, stderr};
use serde_json::Value;

fn corpus(name: &str) -> PathBuf {
    repo().join("tests/corpus").join(name)
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/import").join(name)
}

const DAOLI: &str = "daoli-2017-fazhi-shijian-fangan.txt";
const XIALU: &str = "xialu-2023-fengong-fangan.txt";
const ZHUZHOU: &str = "zhuzhou-2015-fazhi-shishi-yijian.txt";

/// The example site's plans of each corpus document, in document order.
const EXAMPLE_PLANS: &[(&str, &[&str])] = &[
    (DAOLI, &["daoli-2017-shijian-fangan"]),
    (
        XIALU,
        &[
            "xialu-2023-fazhi-xialu-guihua-fengong",
            "xialu-2023-fazhi-zhengfu-fangan-fengong",
            "xialu-2023-fazhi-shehui-fangan-fengong",
        ],
    ),
    (ZHUZHOU, &["zhuzhou-2015-fazhi-shishi-yijian"]),
];

/// An empty site with the example's configuration and unit registry.
fn empty_site() -> tempfile::TempDir {
    let dir = common::tempdir();
    std::fs::copy(repo().join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::copy(
        repo().join("content/units.yaml"),
        dir.path().join("content/units.yaml"),
    )
    .unwrap();
    dir
}

/// Imports `path` into a site with no registry and returns the site and its
/// `check --json`, after asserting that both the import and the check passed.
fn import_into_bare_site(path: &Path) -> (tempfile::TempDir, Value) {
    let site = bare_site();
    let o = import(site.path(), &[path], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (v, ok) = check_json(site.path());
    assert!(ok, "{}", v["diagnostics"]);
    (site, v)
}

fn import(site: &Path, files: &[&Path], extra: &[&str]) -> Output {
    let out = site.join("content");
    let mut args: Vec<&str> = vec!["import"];
    for f in files {
        args.push(f.to_str().unwrap());
    }
    args.extend_from_slice(&["--out", out.to_str().unwrap()]);
    args.extend_from_slice(extra);
    planpress(&args)
}

fn check_json(root: &Path) -> (Value, bool) {
    let o = planpress(&["check", "--json", "--root", root.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("check --json output");
    (v, o.status.success())
}

/// Plans by slug.
fn plans(v: &Value) -> BTreeMap<String, Value> {
    v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["slug"].as_str().unwrap().to_string(), p.clone()))
        .collect()
}

/// Imported plans of one input, in document order (check lists plans by
/// file, then by position in the file).
fn imported_plans(v: &Value, base: &str) -> Vec<Value> {
    v["plans"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            let slug = p["slug"].as_str().unwrap();
            slug == base || slug.starts_with(&format!("{base}-"))
        })
        .cloned()
        .collect()
}

fn sorted(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

/// Compares imported plans with the example's, task by task: same number,
/// same lead units, same units in any role.
fn assert_same_tasks(example: &[Value], imported: &[Value], what: &str) {
    assert_eq!(example.len(), imported.len(), "{what}: plan count");
    for (e, i) in example.iter().zip(imported) {
        assert_eq!(e["jurisdiction"], i["jurisdiction"], "{what}: jurisdiction");
        assert_eq!(e["kind"], i["kind"], "{what}: kind of {}", e["slug"]);
        let (et, it) = (
            e["tasks"].as_array().unwrap(),
            i["tasks"].as_array().unwrap(),
        );
        assert_eq!(et.len(), it.len(), "{what}: task count of {}", e["slug"]);
        for (a, b) in et.iter().zip(it) {
            assert_eq!(
                a["number"], b["number"],
                "{what}: task order in {}",
                e["slug"]
            );
            assert_eq!(
                a["lead_units"], b["lead_units"],
                "{what}: lead units of task {} in {}",
                a["number"], e["slug"]
            );
            assert_eq!(
                sorted(&a["units"]),
                sorted(&b["units"]),
                "{what}: units of task {} in {}",
                a["number"],
                e["slug"]
            );
        }
    }
}

fn base_of(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().to_string()
}

/// The example site's plans by slug, as `check --json` gives them: read once
/// for the tests that compare imports with them.
fn example_plans() -> &'static BTreeMap<String, Value> {
    static PLANS: std::sync::OnceLock<BTreeMap<String, Value>> = std::sync::OnceLock::new();
    PLANS.get_or_init(|| plans(&check_json(repo()).0))
}

/// Imports `inputs` (one per corpus document, in EXAMPLE_PLANS order) into an
/// empty site and compares it with the example site.
fn assert_matches_example(inputs: &[PathBuf], what: &str) {
    let site = empty_site();
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    let o = import(site.path(), &refs, &[]);
    assert!(o.status.success(), "{what}: import failed:\n{}", stderr(&o));
    let (imported, ok) = check_json(site.path());
    assert!(
        ok,
        "{what}: check fails on the imported site: {}",
        imported["diagnostics"]
    );
    let example_plans = example_plans();
    let counts: Vec<usize> = imported["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tasks"].as_array().unwrap().len())
        .collect();
    let mut total = 0;
    for ((_, slugs), input) in EXAMPLE_PLANS.iter().zip(inputs) {
        let e: Vec<Value> = slugs.iter().map(|s| example_plans[*s].clone()).collect();
        let i = imported_plans(&imported, &base_of(input));
        assert_same_tasks(&e, &i, &format!("{what} {}", input.display()));
        total += i.len();
    }
    assert_eq!(total, 5, "{what}: plans {counts:?}");
}

#[test]
fn corpus_text_imports_like_the_example_site() {
    let inputs: Vec<PathBuf> = EXAMPLE_PLANS.iter().map(|(f, _)| corpus(f)).collect();
    assert_matches_example(&inputs, "text");
}

#[test]
fn corpus_task_counts() {
    let site = empty_site();
    for (file, counts) in [
        (DAOLI, vec![18]),
        (XIALU, vec![50, 32, 56]),
        (ZHUZHOU, vec![77]),
    ] {
        let o = import(site.path(), &[&corpus(file)], &[]);
        assert!(o.status.success(), "{}", stderr(&o));
        let (v, ok) = check_json(site.path());
        assert!(ok);
        let got: Vec<usize> = imported_plans(&v, &base_of(Path::new(file)))
            .iter()
            .map(|p| p["tasks"].as_array().unwrap().len())
            .collect();
        assert_eq!(got, counts, "{file}");
    }
}

/// The text in GBK: characters GBK lacks (the corpus has no-break and en
/// spaces) become plain spaces, as a GBK editor would save them.
fn to_gbk(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4];
    for c in text.chars() {
        let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        if unmappable {
            out.push(b' ');
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

fn legacy_copies(encode: fn(&str) -> Vec<u8>) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = common::tempdir();
    let mut inputs = Vec::new();
    for (file, _) in EXAMPLE_PLANS {
        let text = std::fs::read_to_string(corpus(file)).unwrap();
        let bytes = encode(&text);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the bytes must not be UTF-8"
        );
        let path = dir.path().join(file);
        std::fs::write(&path, &bytes).unwrap();
        inputs.push(path);
    }
    (dir, inputs)
}

#[test]
fn corpus_in_gbk_imports_to_the_same_files() {
    let gb18030 = |t: &str| encoding_rs::GB18030.encode(t).0.into_owned();
    for (what, encode) in [("GBK", to_gbk as fn(&str) -> Vec<u8>), ("GB18030", gb18030)] {
        let (_dir, inputs) = legacy_copies(encode);
        assert_matches_example(&inputs, what);
        let utf8 = empty_site();
        let legacy = empty_site();
        for ((file, _), g) in EXAMPLE_PLANS.iter().zip(&inputs) {
            assert!(import(utf8.path(), &[&corpus(file)], &[]).status.success());
            let o = import(legacy.path(), &[g], &[]);
            assert!(o.status.success());
            assert!(stderr(&o).contains("GBK/GB18030"), "{}", stderr(&o));
        }
        assert_eq!(
            common::snapshot(&utf8.path().join("content")),
            common::snapshot(&legacy.path().join("content")),
            "{what} and UTF-8 text must give the same files"
        );
    }
}

#[test]
fn corpus_as_docx_imports_like_the_example_site() {
    // Made by tests/fixtures/make_docx.sh with LibreOffice; xialu's tables
    // are real Word tables with merged 项目 cells.
    let inputs: Vec<PathBuf> = ["daoli-2017.docx", "xialu-2023.docx", "zhuzhou-2015.docx"]
        .iter()
        .map(|f| fixture(f))
        .collect();
    for f in &inputs {
        let len = std::fs::metadata(f).unwrap().len();
        assert!(len < 100_000, "{} is {len} bytes", f.display());
    }
    assert_matches_example(&inputs, "docx");
}

#[test]
fn existing_files_are_kept_without_force() {
    let site = empty_site();
    let input = corpus(DAOLI);
    assert!(import(site.path(), &[&input], &[]).status.success());
    let notice = site
        .path()
        .join("content/daoli-2017-fazhi-shijian-fangan-tongzhi.md");
    std::fs::write(&notice, "edited by hand").unwrap();
    let o = import(site.path(), &[&input], &[]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("exists already") && err.contains("daoli-2017-fazhi-shijian-fangan"),
        "{err}"
    );
    assert!(
        err.contains(".md:1:1: error: exists already"),
        "the file comes first, as in check's messages: {err}"
    );
    assert!(err.contains("hint: use --force"), "{err}");
    assert_eq!(std::fs::read_to_string(&notice).unwrap(), "edited by hand");
    let o = import(site.path(), &[&input], &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&notice).unwrap().starts_with("---"));
}

#[test]
fn both_formats_load_with_the_same_tasks() {
    for file in [DAOLI, XIALU, ZHUZHOU] {
        let mut results = Vec::new();
        for format in ["md", "yaml"] {
            let site = empty_site();
            let o = import(site.path(), &[&corpus(file)], &["--format", format]);
            assert!(o.status.success(), "{file} {format}: {}", stderr(&o));
            let written: Vec<String> = std::fs::read_dir(site.path().join("content"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .filter(|n| n != "units.yaml")
                .collect();
            assert!(written.iter().all(|n| n.ends_with(format)), "{written:?}");
            let (v, ok) = check_json(site.path());
            assert!(ok, "{file} {format}: {}", v["diagnostics"]);
            results.push(imported_plans(&v, &base_of(Path::new(file))));
        }
        assert_same_tasks(&results[0], &results[1], &format!("{file} md vs yaml"));
    }
}

/// Tasks of the one imported site: (number, lead, all units).
fn tasks_of(v: &Value, slug: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let p = plans(v)[slug].clone();
    p["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["number"].as_str().unwrap().to_string(),
                sorted(&t["lead_units"]),
                sorted(&t["units"]),
            )
        })
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    out.sort();
    out
}

#[test]
fn full_width_punctuation_one_parenthesis_and_numbering_with_dun() {
    let site = bare_site();
    let o = import(site.path(), &[&fixture("linhe-2024-fullwidth.txt")], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stderr(&o);
    let (v, ok) = check_json(site.path());
    assert!(ok, "{}", v["diagnostics"]);
    let tasks = tasks_of(&v, "linhe-2024-fullwidth");
    assert_eq!(tasks.len(), 5);
    assert_eq!(tasks[0].1, strings(&["区委编办"]));
    assert_eq!(
        tasks[0].2,
        strings(&["区委编办", "区司法局", "区财政局", "各街道办事处"])
    );
    assert_eq!(tasks[1].1, strings(&["区司法局"]));
    assert_eq!(tasks[2].1, strings(&["区检察院", "区公安分局"]));
    assert!(tasks[2].2.contains(&"区法院".to_string()));
    // 排名第一的单位为牵头单位。下同: the first unit leads, here and after.
    assert_eq!(tasks[3].1, strings(&["区政府办公室"]));
    assert_eq!(tasks[4].1, strings(&["区发改局"]));
    let p = &plans(&v)["linhe-2024-fullwidth"];
    assert_eq!(p["kind"], "工作方案");
    assert_eq!(p["jurisdiction"], "江北市临河区");
    let t3 = &p["tasks"][2];
    assert_eq!(t3["officials"], serde_json::json!(["王明", "李华"]));
    assert_eq!(
        t3["deadlines"],
        serde_json::json!(["2024-06-30", "2024-12-31"])
    );
    let notice = &v["notices"][0];
    assert_eq!(
        notice["title"],
        "关于印发《临河区2024年法治政府建设工作方案》的通知"
    );
    assert_eq!(notice["plans"], serde_json::json!(["linhe-2024-fullwidth"]));
    let text = std::fs::read_to_string(site.path().join("content/linhe-2024-fullwidth-tongzhi.md"))
        .unwrap();
    for want in [
        "doc_number: 临法办发〔2024〕3号",
        "date_signed: 2024-03-01",
        "date_published: 2024-03-05",
        "recipients: 各街道办事处，区直各部门",
        "signature: 中共江北市临河区委全面依法治区委员会办公室",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    let plan =
        std::fs::read_to_string(site.path().join("content/linhe-2024-fullwidth.md")).unwrap();
    assert!(plan.contains("重大风险"), "stray space joined");
    assert!(
        plan.contains(r"\*\*\*案件"),
        "redaction kept (escaped for Markdown)"
    );
    for chrome in [
        "设为首页",
        "当前位置",
        "点击量",
        "扫一扫",
        "相关链接",
        "服务热线",
        "字体",
    ] {
        assert!(
            !plan.contains(chrome) && !text.contains(chrome),
            "{chrome} left in"
        );
    }
    // The report: counts, new units with lines, redaction and chrome noted.
    assert!(
        report.contains("1 plan(s)") && report.contains("5 task(s)"),
        "{report}"
    );
    assert!(report.contains("line 18: 区委编办"), "{report}");
    assert!(
        report.contains("line 21: redaction kept as written"),
        "{report}"
    );
    assert!(report.contains("line 3: breadcrumb"), "{report}");
    assert!(
        report.contains("line 30: everything from here on"),
        "{report}"
    );
}

#[test]
fn multi_year_plan_with_chapters_and_no_units() {
    let site = bare_site();
    let o = import(site.path(), &[&fixture("qinghe-2021-guihua.txt")], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stderr(&o);
    assert!(report.contains("7 section(s), 6 task(s)"), "{report}");
    assert!(report.contains("tasks with no lead unit: none"), "{report}");
    let (v, ok) = check_json(site.path());
    assert!(ok);
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| !d.to_string().contains("no lead unit")),
        "{}",
        v["diagnostics"]
    );
    let p = &plans(&v)["qinghe-2021-guihua"];
    assert_eq!(p["kind"], "规划");
    assert_eq!(p["jurisdiction"], "清河县");
    assert_eq!(p["tasks"].as_array().unwrap().len(), 6);
    let text = std::fs::read_to_string(site.path().join("content/qinghe-2021-guihua.md")).unwrap();
    assert!(text.contains("period: 2021-2025"), "{text}");
    assert!(
        text.contains("## 第一章 总体要求") && text.contains("### 第二节 主要目标"),
        "{text}"
    );
    assert!(text.contains("date_signed: 2021-12-20"), "{text}");
}

#[test]
fn saved_portal_page_with_a_metadata_block() {
    let site = bare_site();
    let o = import(site.path(), &[&fixture("linhe-2023-portal.html")], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (v, ok) = check_json(site.path());
    assert!(ok, "{}", v["diagnostics"]);
    let tasks = tasks_of(&v, "linhe-2023-portal");
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[0].1, strings(&["区委宣传部", "区司法局"]));
    assert_eq!(tasks[1].1, strings(&["区司法局"]));
    assert_eq!(tasks[1].2, strings(&["区司法局", "区教育局", "团区委"]));
    let notice =
        std::fs::read_to_string(site.path().join("content/linhe-2023-portal-tongzhi.md")).unwrap();
    for want in [
        "index_number: 11420200MB1234567X/2023-00012",
        "doc_number: 临法委发〔2023〕5号",
        "issuer: 中共江北市临河区委全面依法治区委员会",
        "date_signed: 2023-05-08",
        "date_published: 2023-05-10",
        "category: 司法",
        "validity: 有效",
        "disclosure: 主动公开",
        "url: http://www.linhe.gov.cn/zwgk/zcwj/202305/t20230510.html",
        "url: /file/2023/fenjie.docx",
        "recipients: 各街道党工委、办事处，区直各单位",
    ] {
        assert!(notice.contains(want), "{want} missing from:\n{notice}");
    }
    let all = notice
        + &std::fs::read_to_string(site.path().join("content/linhe-2023-portal.md")).unwrap();
    for chrome in [
        "设为首页",
        "长者版",
        "当前位置",
        "浏览次数",
        "扫一扫",
        "普法工作要点",
        "网站标识码",
        "服务热线",
    ] {
        assert!(!all.contains(chrome), "{chrome} left in:\n{all}");
    }
}

#[test]
fn portal_page_in_gbk_with_its_charset_declared() {
    let html = std::fs::read_to_string(fixture("linhe-2023-portal.html"))
        .unwrap()
        .replace(
            "<meta charset=\"utf-8\">",
            "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">",
        );
    let (bytes, _, _) = encoding_rs::GBK.encode(&html);
    let dir = common::tempdir();
    let path = dir.path().join("linhe-2023-portal.htm");
    std::fs::write(&path, &bytes).unwrap();
    let (a, b) = (bare_site(), bare_site());
    assert!(
        import(a.path(), &[&fixture("linhe-2023-portal.html")], &[])
            .status
            .success()
    );
    let o = import(b.path(), &[&path], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        common::snapshot(&a.path().join("content")),
        common::snapshot(&b.path().join("content"))
    );
}

#[test]
fn numbering_per_section_and_lost_headings() {
    let dir = common::tempdir();
    let path = dir.path().join("hexi-2022-yaodian.txt");
    std::fs::write(
        &path,
        "河西区2022年法治建设工作要点\n一、加强党的领导\n1.落实第一责任人职责。牵头单位:区委依法治区办。\n2.开展述法工作。牵头单位:区委组织部。\n二、推进依法行政\n(一)规范执法\n1.推行三项制度。牵头单位:区司法局。\n(三)强化监督\n2.加强复议监督。牵头单位:区司法局。\n3.落实执法责任制。\n",
    )
    .unwrap();
    let site = bare_site();
    let o = import(site.path(), &[&path], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = stderr(&o);
    assert!(report.contains("start again"), "{report}");
    assert!(
        report.contains("heading (三)") && report.contains("line 8"),
        "{report}"
    );
    assert!(
        report.contains("tasks with no lead unit: 1") && report.contains("line 10"),
        "{report}"
    );
    // Numbers restart per section: YAML with numbers qualified by section.
    assert!(site.path().join("content/hexi-2022-yaodian.yaml").is_file());
    let (v, ok) = check_json(site.path());
    assert!(ok, "{}", v["diagnostics"]);
    let numbers: Vec<String> = tasks_of(&v, "hexi-2022-yaodian")
        .into_iter()
        .map(|t| t.0)
        .collect();
    assert_eq!(
        numbers,
        ["一-1", "一-2", "二(一)-1", "二(三)-2", "二(三)-3"]
    );
}

#[test]
fn flattened_table_without_a_header() {
    let dir = common::tempdir();
    let path = dir.path().join("hexi-2022-fengong.txt");
    std::fs::write(
        &path,
        "河西区法治政府建设重点任务分工\n一、依法履职\n1.编制权责清单。\n区委编办\n区直各部门\n2.推进政务公开。\n区政府办公室\n各街道、区直有关部门\n3.加强行政复议。\n区司法局\n",
    )
    .unwrap();
    let site = bare_site();
    let o = import(site.path(), &[&path], &["--jurisdiction", "某某市河西区"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (v, ok) = check_json(site.path());
    assert!(ok, "{}", v["diagnostics"]);
    let p = &plans(&v)["hexi-2022-fengong"];
    assert_eq!(p["kind"], "分工方案");
    assert_eq!(p["jurisdiction"], "某某市河西区");
    let tasks = tasks_of(&v, "hexi-2022-fengong");
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[1].1, strings(&["区政府办公室"]));
    assert_eq!(tasks[2].2, strings(&["区司法局"]));
}

/// Imports `file` into `site` (jurisdiction 某某县) and says how long it
/// took: its CPU time (read from /proc while it runs), or its wall time
/// where there is no /proc. A loaded CI machine stretches the wall clock
/// several times over, not the work; a hang still fails, after 10 minutes.
fn import_timed(site: &Path, file: &Path) -> (Output, Duration) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let out = site.join("content");
    let mut child = Command::new(env!("CARGO_BIN_EXE_planpress"))
        .arg("import")
        .arg(file)
        .arg("--out")
        .arg(&out)
        .args(["--jurisdiction", "某某县"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read on other threads, so that the import never blocks on a full pipe.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let stat = PathBuf::from(format!("/proc/{}/stat", child.id()));
    let start = Instant::now();
    let mut cpu = None;
    let status = loop {
        // Read before the wait: an ended import's figures stay until then.
        cpu = cpu_time(&stat).or(cpu);
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let hung = start.elapsed() > Duration::from_secs(600);
        assert!(!hung, "{} still running", file.display());
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    (output, cpu.unwrap_or_else(|| start.elapsed()))
}

/// User and system time of a process and of the children it waited for,
/// from its /proc/PID/stat.
fn cpu_time(stat: &Path) -> Option<Duration> {
    let text = std::fs::read_to_string(stat).ok()?;
    // After the command name (in parentheses, which may hold anything):
    // the state is field 3; utime, stime, cutime and cstime are 14 to 17.
    let fields: Vec<&str> = text.rsplit_once(") ")?.1.split_whitespace().collect();
    let ticks = fields.get(11..15)?.iter().map(|f| f.parse::<u64>().ok());
    let ticks: u64 = ticks.sum::<Option<u64>>()?;
    // Clock ticks are 1/100 s on Linux (USER_HZ).
    Some(Duration::from_millis(ticks * 10))
}

#[test]
fn odd_inputs_fail_cleanly_and_quickly() {
    let dir = common::tempdir();
    let site = bare_site();
    let mut junk = vec![0u8; 200_000];
    fastrand::Rng::with_seed(0x2545_f491).fill(&mut junk);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.txt", Vec::new()),
        ("junk.txt", junk.clone()),
        ("junk.docx", junk.clone()),
        ("fake.docx", b"PK\x03\x04not really".to_vec()),
        ("old.doc", b"\xD0\xCF\x11\xE0rest".to_vec()),
        ("page.html", b"<html><body><table><tr><td>".repeat(5000)),
        (
            "long.txt",
            "关于印发某某方案的通知。".repeat(400_000).into_bytes(),
        ),
        ("numbers.txt", "1.\n".repeat(100_000).into_bytes()),
        ("parens.txt", "1.任务(牵头单位:".repeat(20_000).into_bytes()),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let (o, took) = import_timed(site.path(), &path);
        let err = stderr(&o);
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(took < Duration::from_secs(60), "{name} took {took:?}");
        if !o.status.success() {
            assert!(err.contains("error:"), "{name}: {err}");
        }
    }
}

/// A refused input is a diagnostic like `check`'s: the file first, then what
/// is wrong, then what to do (issue 19: one error type).
#[test]
fn refusals_name_the_file_and_what_to_do() {
    let dir = common::tempdir();
    let site = bare_site();
    let cases: [(&str, &[u8], &str, &str); 3] = [
        (
            "empty.txt",
            b"",
            "error: no text found",
            "hint: a scan or an image",
        ),
        (
            "fake.docx",
            b"PK\x03\x04not really",
            "error: not a readable .docx",
            "hint: open it in Word or WPS",
        ),
        (
            "fake.pdf",
            b"not a pdf",
            "error: not a valid PDF",
            "hint: open it in a PDF reader",
        ),
    ];
    for (name, bytes, message, hint) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let o = import(site.path(), &[&path], &[]);
        assert!(!o.status.success(), "{name}");
        let err = stderr(&o);
        assert!(
            err.contains(&format!("{}:1:1: {message}", path.display())),
            "{name}: {err}"
        );
        assert!(err.contains(hint), "{name}: {err}");
    }
}

#[test]
fn an_excerpt_without_title_or_jurisdiction_imports_with_placeholders() {
    let dir = common::tempdir();
    let path = dir.path().join("excerpt.txt");
    // A page from the middle of a template: no title, no issuer, `某某市`.
    std::fs::write(
        &path,
        "(二)加强执法监督\n5.推行行政执法公示制度。牵头单位:某某市司法局。\n6.完善执法案卷评查。牵头单位:某某市司法局。\n",
    )
    .unwrap();
    let site = bare_site();
    let o = import(site.path(), &[&path], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("【待填写】"), "{}", stderr(&o));
    let (v, ok) = check_json(site.path());
    assert!(ok, "placeholders are warnings: {}", v["diagnostics"]);
    let placeholders: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"].as_str().unwrap_or("").contains("placeholder"))
        .collect();
    assert_eq!(placeholders.len(), 2, "{}", v["diagnostics"]);
    assert!(
        placeholders
            .iter()
            .all(|d| d["severity"] == "warning" && d["line"].as_u64() > Some(0))
    );
    assert_eq!(tasks_of(&v, "excerpt").len(), 2);
}

#[test]
fn jurisdiction_from_the_units_made_whole_and_a_registry_written() {
    let dir = common::tempdir();
    let path = dir.path().join("beishan-2024-yaodian.txt");
    // No issuer, a title without a place; units carry their county's name,
    // and the text names the county whole once.
    std::fs::write(
        &path,
        "2024年法治政府建设工作要点\n为落实南江市北山县法治政府建设规划,制定本要点。\n1.推进严格规范公正文明执法。牵头单位:北山县司法局;责任单位:北山县公安局、各乡镇人民政府。\n2.深化政务公开。牵头单位:北山县政府办公室。\n",
    )
    .unwrap();
    let (site, v) = import_into_bare_site(&path);
    assert_eq!(
        plans(&v)["beishan-2024-yaodian"]["jurisdiction"],
        "南江市北山县"
    );
    let units = std::fs::read_to_string(site.path().join("content/units.yaml")).unwrap();
    assert!(
        units.contains("jurisdiction: 南江市北山县") && units.contains("北山县司法局"),
        "{units}"
    );
    // Registered now: check lists no unit as new.
    let o = planpress(&["check", "--units", "--root", site.path().to_str().unwrap()]);
    assert!(!stderr(&o).contains("北山县司法局"), "{}", stderr(&o));
    // A registry written by hand is left alone.
    let hand = bare_site();
    std::fs::write(
        hand.path().join("content/units.yaml"),
        "- jurisdiction: 南江市北山县\n",
    )
    .unwrap();
    assert!(import(hand.path(), &[&path], &[]).status.success());
    let kept = std::fs::read_to_string(hand.path().join("content/units.yaml")).unwrap();
    assert_eq!(kept, "- jurisdiction: 南江市北山县\n");
}

#[test]
fn a_five_year_plan_by_number_with_its_phases() {
    let dir = common::tempdir();
    let path = dir.path().join("nanhe-guihua.txt");
    std::fs::write(
        &path,
        "南河县“十四五”法治政府建设规划\n一、主要任务\n1.完善依法决策机制。\n2.深化政务公开。\n二、实施步骤\n(一)全面推进阶段(2021年-2022年)。制定配套制度,全面部署。\n(二)巩固提升阶段(2023年-2025年)。查漏补缺,总结评估。\n",
    )
    .unwrap();
    let site = bare_site();
    let o = import(site.path(), &[&path], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(site.path().join("content/nanhe-guihua.md")).unwrap();
    assert!(text.contains("period: 2021-2025"), "{text}");
    assert!(
        text.contains("name: 全面推进阶段") && text.contains("period: 2021年-2022年"),
        "{text}"
    );
    let (v, ok) = check_json(site.path());
    assert!(ok, "{}", v["diagnostics"]);
    assert_eq!(plans(&v)["nanhe-guihua"]["kind"], "规划");
}

#[test]
fn pdf_with_a_text_layer_imports_a_scanned_one_says_why_not() {
    let site = bare_site();
    let o = import(site.path(), &[&fixture("hexi-2024-pufa.pdf")], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (v, ok) = check_json(site.path());
    assert!(ok, "{}", v["diagnostics"]);
    let tasks = tasks_of(&v, "hexi-2024-pufa");
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0].1, strings(&["区委宣传部", "区司法局"]));
    assert_eq!(tasks[1].2, strings(&["区司法局", "区直各部门"]));
    let o = import(site.path(), &[&fixture("scanned.pdf")], &[]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no text layer"), "{}", stderr(&o));
}

#[test]
fn a_notice_transmitting_two_plans_named_without_brackets() {
    let dir = common::tempdir();
    let path = dir.path().join("beihe-2024.txt");
    std::fs::write(
        &path,
        "关于印发北河区法治政府建设实施方案和北河区普法工作要点的通知\n各街道办事处,区直各部门:\n现将两个文件印发给你们,请认真贯彻执行。\n中共北河区委全面依法治区委员会办公室\n2024年3月1日\n北河区法治政府建设\n实施方案\n1.推进严格规范公正文明执法。牵头单位:区司法局。\n2.深化政务公开。牵头单位:区政府办公室。\n北河区普法工作要点\n1.学习宣传宪法。牵头单位:区委宣传部。\n",
    )
    .unwrap();
    let (_site, v) = import_into_bare_site(&path);
    let titles: Vec<String> = imported_plans(&v, "beihe-2024")
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["北河区法治政府建设实施方案", "北河区普法工作要点"]);
    assert_eq!(v["notices"][0]["plans"].as_array().unwrap().len(), 2);
}
