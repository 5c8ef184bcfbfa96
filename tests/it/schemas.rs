//! The JSON Schemas in schemas/ (for editors) agree with `planpress check`:
//! they accept the example site and the site `planpress init` writes, and
//! reject what check rejects for the same reason.

use crate::common;

use std::path::{Path, PathBuf};

use boon::{Compiler, SchemaIndex, Schemas};
use planpress::content::units::Registry;
use serde_json::Value;

fn schemas_dir() -> PathBuf {
    common::repo().join("schemas")
}

/// A schema of schemas/, compiled (its `$ref`s to the others are read from
/// there, as an editor does beside the file).
struct Validator {
    schemas: Schemas,
    index: SchemaIndex,
}

fn validator(name: &str) -> Validator {
    let path = schemas_dir().join(name);
    let mut schemas = Schemas::new();
    let index = Compiler::new()
        .compile(path.to_str().unwrap(), &mut schemas)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    Validator { schemas, index }
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

/// The front matter of a Markdown content file.
fn front_matter(text: &str) -> &str {
    let rest = text.strip_prefix("---\n").expect("front matter");
    &rest[..rest.find("\n---\n").expect("closed")]
}

/// What the schema finds wrong in `value`: one error (with its causes) or none.
fn errors(v: &Validator, value: &Value) -> Vec<String> {
    match v.schemas.validate(value, v.index) {
        Ok(()) => Vec::new(),
        Err(e) => vec![e.to_string()],
    }
}

fn assert_valid(v: &Validator, value: &Value, what: &Path) {
    let e = errors(v, value);
    assert!(e.is_empty(), "{} rejected: {e:?}", what.display());
}

/// Every content file of a site, by kind.
fn site_files(root: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut yaml_files = Vec::new();
    let mut md_files = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("content")) {
        let path = entry.unwrap().into_path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("md") => md_files.push(path),
            Some("yaml") if !path.ends_with("units.yaml") => yaml_files.push(path),
            _ => {}
        }
    }
    (yaml_files, md_files)
}

#[test]
fn the_schemas_accept_the_example_site_and_a_new_one() {
    let new = common::tempdir();
    let o = common::planpress(&["init", new.path().to_str().unwrap()]);
    assert!(o.status.success());
    let (site, content, front, units) = (
        validator("site.schema.json"),
        validator("content.schema.json"),
        validator("front-matter.schema.json"),
        validator("units.schema.json"),
    );
    for root in [common::repo(), new.path()] {
        let read = |p: &Path| std::fs::read_to_string(p).unwrap();
        let site_yaml = root.join("site.yaml");
        assert_valid(&site, &yaml(&read(&site_yaml)), &site_yaml);
        let units_yaml = root.join("content/units.yaml");
        assert_valid(&units, &yaml(&read(&units_yaml)), &units_yaml);
        let (yaml_files, md_files) = site_files(root);
        assert!(!md_files.is_empty());
        for f in &yaml_files {
            assert_valid(&content, &yaml(&read(f)), f);
        }
        for f in &md_files {
            assert_valid(&front, &yaml(front_matter(&read(f))), f);
        }
    }
    // The copy init wrote is the repository's.
    assert_eq!(
        std::fs::read(new.path().join("schemas/content.schema.json")).unwrap(),
        std::fs::read(schemas_dir().join("content.schema.json")).unwrap()
    );
}

/// The front matter of a valid plan, with `change` applied.
fn plan_front(change: (&str, &str)) -> String {
    let base = "title: 示例方案\nkind: 实施方案\njurisdiction: 示例市示例区\ndate_signed: 2026-01-05\nperiod: 2026-2027\n";
    assert!(base.contains(change.0), "{}", change.0);
    base.replacen(change.0, change.1, 1)
}

/// Whether `check` finds an error in a Markdown plan with this front matter.
fn check_rejects_front(front: &str) -> bool {
    let text = format!("---\n{front}---\n\n1.示例任务。牵头单位:区司法局。\n");
    let loaded = planpress::content::markdown::load(Path::new("p.md"), &text, &Registry::default());
    loaded.diagnostics.iter().any(|d| d.is_error())
}

#[test]
fn the_schemas_reject_what_check_rejects() {
    let front = validator("front-matter.schema.json");
    assert!(!check_rejects_front(&plan_front(("", ""))));
    assert!(errors(&front, &yaml(&plan_front(("", "")))).is_empty());
    for change in [
        ("date_signed: 2026-01-05", "date_signed: 2026-13-45"),
        ("date_signed: 2026-01-05", "date_signed: 2026/01/05"),
        ("kind: 实施方案", "kind: 计划"),
        ("title: 示例方案\n", "lead_unit: 区司法局\n"),
        ("title: 示例方案", "titel: 示例方案"),
        (
            "jurisdiction: 示例市示例区\n",
            "slug: Bad_Slug\njurisdiction: 示例市示例区\n",
        ),
        ("period: 2026-2027", "period: 明年"),
    ] {
        let text = plan_front(change);
        assert!(check_rejects_front(&text), "check accepts {change:?}");
        assert!(
            !errors(&front, &yaml(&text)).is_empty(),
            "the schema accepts {change:?}"
        );
    }

    let site = validator("site.schema.json");
    for bad in [
        "title: 示例\ntheem: portal\n",
        "title: 示例\nraw_html: allow\n",
        "title: 示例\nidentity:\n  owner: x\n  fax: y\n",
        "title: 示例\npage_size: many\n",
        "description: 没有标题\n",
    ] {
        assert!(
            planpress::config::SiteConfig::parse(bad).is_err(),
            "check accepts {bad}"
        );
        assert!(
            !errors(&site, &yaml(bad)).is_empty(),
            "the schema accepts {bad}"
        );
    }

    let content = validator("content.schema.json");
    for bad in [
        "plan:\n  title: 示例\n  kind: 方案\n  jurisdiction: 示例区\n  tasks:\n    - text: 任务\n      lead_unit: 区司法局\n",
        "plan:\n  title: 示例\n  kind: 通知\n  jurisdiction: 示例区\n",
        "plans:\n  - title: 示例\n    kind: 方案\n    jurisdiction: 示例区\n",
        "notice:\n  title: 示例\n  kind: 方案\n  jurisdiction: 示例区\n",
        "plan:\n  title: 示例\n  kind: 方案\n  jurisdiction: 示例区\n  date_published: 2026-02-30x\n",
        "title: 示例\n",
    ] {
        let loaded = planpress::content::yaml::load(Path::new("p.yaml"), bad, &Registry::default());
        assert!(
            loaded.diagnostics.iter().any(|d| d.is_error()),
            "check accepts {bad}"
        );
        assert!(
            !errors(&content, &yaml(bad)).is_empty(),
            "the schema accepts {bad}"
        );
    }

    let units = validator("units.schema.json");
    for bad in [
        "- jurisdiction: 示例区\n  units:\n    - name: 区司法局\n      alias: [司法局]\n",
        "- units:\n    - name: 区司法局\n",
    ] {
        let dir = common::tempdir();
        let path = dir.path().join("units.yaml");
        std::fs::write(&path, bad).unwrap();
        assert!(
            Registry::load(dir.path(), &path).is_err(),
            "check accepts {bad}"
        );
        assert!(
            !errors(&units, &yaml(bad)).is_empty(),
            "the schema accepts {bad}"
        );
    }
}

/// The open data of the example site, built with an absolute base URL, has
/// the shape its schemas publish: data/tasks.json, data/plans.json and each
/// plan's file (a plan with its tasks).
#[test]
fn the_example_sites_open_data_follows_its_schemas() {
    // Only read: shared with build.rs's sub-path test (the same arguments).
    let out = common::shared_example(&["--base-url", common::SUB_PATH_BASE]);
    let json =
        |rel: &str| -> Value { serde_json::from_str(&common::read(&out.join(rel))).unwrap() };
    let (tasks, plans) = (
        validator("tasks.schema.json"),
        validator("plans.schema.json"),
    );
    let all_tasks = json("data/tasks.json");
    assert_valid(&tasks, &all_tasks, Path::new("data/tasks.json"));
    let all_plans = json("data/plans.json");
    assert_valid(&plans, &all_plans, Path::new("data/plans.json"));
    let (all_tasks, all_plans) = (all_tasks.as_array().unwrap(), all_plans.as_array().unwrap());
    assert_eq!(all_tasks.len(), 233);
    for record in all_tasks.iter().chain(all_plans) {
        let url = record["url"].as_str().unwrap();
        assert!(
            url.starts_with(common::SUB_PATH_BASE),
            "an absolute address: {url}"
        );
    }
    for plan in all_plans {
        let slug = plan["slug"].as_str().unwrap();
        let mut file = json(&format!("data/plans/{slug}.json"));
        let its_tasks = file["tasks"].take();
        file.as_object_mut().unwrap().remove("tasks");
        assert_eq!(&file, plan, "{slug}");
        assert_valid(&tasks, &its_tasks, Path::new(slug));
        assert_eq!(its_tasks.as_array().unwrap().len(), plan["task_count"]);
    }
    // The schemas are published beside the data.
    for name in ["tasks.schema.json", "plans.schema.json"] {
        assert_eq!(
            std::fs::read(out.join("data").join(name)).unwrap(),
            std::fs::read(schemas_dir().join(name)).unwrap()
        );
    }
    // The schemas say something: the merged unit list of old is refused.
    let mut old = all_tasks[0].clone();
    old["units"] = serde_json::json!(["区司法局"]);
    assert!(!errors(&tasks, &Value::Array(vec![old])).is_empty());
}
