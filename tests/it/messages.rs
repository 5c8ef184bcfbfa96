//! Messages a new user meets (issue 22, item 4): each says what is wrong
//! where it is wrong, and what to do.

use crate::common;

use std::path::Path;

use common::{new_site, planpress, stderr};

/// `check`'s exit status, summary line (stdout) and messages (stderr).
fn check(root: &Path, extra: &[&str]) -> (bool, String, String) {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = planpress(&args);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr(&o),
    )
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_front_matter_never_closed_says_so() {
    let site = new_site();
    let plan = site.path().join("content/example-plan.md");
    let text = std::fs::read_to_string(&plan).unwrap();
    // The closing `---` forgotten: the front matter runs to the end.
    let unclosed = text.replacen("\n---\n", "\n\n", 1);
    assert_eq!(unclosed.matches("---").count(), 1);
    write(&plan, &unclosed);
    let (ok, _, err) = check(site.path(), &[]);
    assert!(!ok);
    assert!(
        err.contains(
            "content/example-plan.md:1:1: error: the front matter opened here is never closed"
        ),
        "{err}"
    );
    assert!(err.contains("line of just `---`"), "{err}");
    assert!(!err.contains("no front matter"), "{err}");

    // A file with no front matter at all is still told to start one.
    write(&plan, "1.任务。\n");
    let (_, _, err) = check(site.path(), &[]);
    assert!(
        err.contains("no front matter") && err.contains("start the file with a `---` line"),
        "{err}"
    );
}

#[test]
fn a_notice_is_not_blamed_for_a_plan_that_failed() {
    let site = new_site();
    let content = site.path().join("content");
    write(
        &content.join("example-notice.md"),
        "---\ntitle: 关于印发示例方案的通知（示例）\nkind: 通知\njurisdiction: 示例市示例区\ntransmits: [example-plan, second-plan]\n---\n\n现将方案印发给你们。\n",
    );
    // The second plan's front matter has a bad date: the file yields no plan.
    write(
        &content.join("second-plan.md"),
        "---\ntitle: 第二个示例方案（示例）\nkind: 方案\njurisdiction: 示例市示例区\ndate_signed: 2026-13-45\n---\n\n1.示例任务。牵头单位:区司法局。\n",
    );
    let (ok, _, err) = check(site.path(), &[]);
    assert!(!ok);
    assert!(err.contains("content/second-plan.md:5"), "{err}");
    assert!(
        !err.contains("example-notice.md"),
        "the notice was blamed:\n{err}"
    );

    // A slug that no file means is still the notice's error.
    let notice = std::fs::read_to_string(content.join("example-notice.md")).unwrap();
    write(
        &content.join("example-notice.md"),
        &notice.replace("second-plan]", "second-plan, no-such-plan]"),
    );
    let (_, _, err) = check(site.path(), &[]);
    assert!(
        err.contains("example-notice.md")
            && err.contains("`no-such-plan`, but no plan has that slug"),
        "{err}"
    );
}

#[test]
fn the_summary_counts_what_was_read_and_the_files_that_failed() {
    let site = new_site();
    let content = site.path().join("content");
    write(
        &content.join("broken.md"),
        "---\ntitle: 坏示例\nkind: 方案\njurisdiction: 示例市示例区\ntheem: x\n---\n\n1.任务。\n",
    );
    let (ok, stdout, _) = check(site.path(), &[]);
    assert!(!ok);
    assert_eq!(
        stdout.trim(),
        "1 plans, 3 tasks, 4 units, 1 errors, 0 warnings; 1 file has errors"
    );
    write(&content.join("broken2.yaml"), "plan: [\n");
    let (_, stdout, _) = check(site.path(), &[]);
    assert!(
        stdout
            .trim()
            .ends_with("2 errors, 0 warnings; 2 files have errors"),
        "{stdout}"
    );
}

#[test]
fn build_and_serve_help_describe_root() {
    for cmd in ["build", "serve", "check"] {
        let o = planpress(&[cmd, "--help"]);
        let help = String::from_utf8_lossy(&o.stdout);
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with("--root"))
            .unwrap_or_else(|| panic!("{cmd}: no --root in\n{help}"));
        assert!(line.contains("The site folder"), "{cmd}: {line}");
    }
}

#[test]
fn check_units_lists_every_unit_without_a_registry() {
    let site = new_site();
    std::fs::remove_file(site.path().join("content/units.yaml")).unwrap();
    let (ok, _, err) = check(site.path(), &["--units"]);
    assert!(ok, "{err}");
    for unit in ["区司法局", "区文化局", "区教育局", "各街道"] {
        let line = err
            .lines()
            .find(|l| l.contains(&format!("`{unit}`")))
            .unwrap_or_else(|| panic!("{unit} not listed:\n{err}"));
        assert!(line.contains("there is no unit registry"), "{line}");
        assert!(line.starts_with("content/example-plan.md:"), "{line}");
    }
    // Without --units, nothing is said about it.
    let (_, _, err) = check(site.path(), &[]);
    assert!(!err.contains("registry"), "{err}");

    // A registry without the jurisdiction: listed, saying so.
    write(
        &site.path().join("content/units.yaml"),
        "- jurisdiction: 另一示例区\n  units:\n    - name: 区司法局\n",
    );
    let (_, _, err) = check(site.path(), &["--units"]);
    assert!(
        err.contains(
            "unit `区司法局` (示例市示例区): content/units.yaml has no entry for 示例市示例区"
        ),
        "{err}"
    );
}

#[test]
fn a_site_yaml_typo_points_to_the_configuration_docs() {
    let site = new_site();
    write(
        &site.path().join("site.yaml"),
        "title: 示例\ntheem: portal\n",
    );
    let (ok, _, err) = check(site.path(), &[]);
    assert!(!ok);
    assert!(
        err.contains("site.yaml:2:1: error: unknown field `theem`"),
        "{err}"
    );
    assert!(err.contains("docs/configuration.md"), "{err}");
    assert!(common::repo().join("docs/configuration.md").is_file());
}
