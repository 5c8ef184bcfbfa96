//! The first ten minutes: `planpress init`, `build` and `serve` with the
//! binary alone (the default theme is built in), `new plan`, `theme eject`
//! and a theme's files overridden one by one, and what a folder that is not
//! a site is told. Also: dotfiles in static folders are never published
//! unless site.yaml lists them (issue 17, item 8).

use crate::common;

use std::path::Path;

use common::{Server, new_site, planpress, run, stderr};

fn build(root: &Path) -> tempfile::TempDir {
    let out = common::tempdir();
    common::build(root, &out.path().join("public"), &[]);
    out
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn init_then_build_with_the_binary_alone() {
    let site = new_site();
    let root = site.path();
    // No theme was copied: the binary carries it.
    assert!(!root.join("themes").exists());
    for f in [
        "site.yaml",
        "content/example-plan.md",
        "content/units.yaml",
        "schemas/site.schema.json",
    ] {
        assert!(root.join(f).is_file(), "{f} missing");
    }
    let site_yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    assert!(site_yaml.starts_with("# yaml-language-server: $schema=schemas/site.schema.json"));
    let plan = std::fs::read_to_string(root.join("content/example-plan.md")).unwrap();
    assert!(plan.contains("示例"), "the example is marked as one");

    let (ok, stdout, err) = run(&["check", "--root", root.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(
        stdout.contains("1 plans, 3 tasks, 4 units, 0 errors, 0 warnings"),
        "{stdout}{err}"
    );
    let out = build(root);
    let public = out.path().join("public");
    let page = std::fs::read_to_string(public.join("plans/example-plan/index.html")).unwrap();
    assert!(page.contains("示例区法治宣传教育工作方案（示例）"));
    for f in ["static/portal.css", "static/search.js", "static/a11y.js"] {
        assert!(public.join(f).is_file(), "{f} not published");
    }
}

#[test]
fn serve_shows_the_example_plan() {
    let site = new_site();
    let server = Server::start(site.path(), &[]);
    let (status, page) = server.get("/plans/example-plan/");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("示例区法治宣传教育工作方案（示例）"));
    let (status, _) = server.get("/static/portal.css");
    assert_eq!(status, 200);
}

#[test]
fn init_replaces_nothing() {
    let site = new_site();
    let root = site.path();
    write(&root.join("site.yaml"), "title: 我的站点\n");
    std::fs::remove_file(root.join("content/units.yaml")).unwrap();
    let (ok, _, err) = run(&["init", root.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("not replacing") && err.contains("site.yaml"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("site.yaml")).unwrap(),
        "title: 我的站点\n"
    );
    // Refused whole: not even the missing file was written.
    assert!(!root.join("content/units.yaml").exists());
}

#[test]
fn a_folder_that_is_not_a_site_is_told_to_run_init() {
    let dir = common::tempdir();
    let root = dir.path().to_str().unwrap();
    for cmd in ["check", "build", "serve"] {
        let (ok, _, err) = run(&[cmd, "--root", root]);
        assert!(!ok, "{cmd} succeeded");
        assert_eq!(err.matches("error:").count(), 1, "{cmd}: {err}");
        assert!(
            err.contains("no site.yaml") && err.contains("planpress init"),
            "{cmd}: {err}"
        );
    }
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}

#[test]
fn new_plan_writes_a_skeleton_and_refuses_what_it_cannot() {
    let site = new_site();
    let root = site.path().to_str().unwrap();
    let (ok, stdout, err) = run(&["new", "plan", "fazhi-2026", "--root", root]);
    assert!(ok, "{err}");
    assert!(stdout.contains("content/fazhi-2026.md"), "{stdout}");
    let text = std::fs::read_to_string(site.path().join("content/fazhi-2026.md")).unwrap();
    // The registry has one jurisdiction: the skeleton takes it.
    assert!(text.contains("jurisdiction: \"示例市示例区\""), "{text}");
    // The skeleton is not a finished plan: check asks for its title.
    let (ok, _, err) = run(&["check", "--root", root]);
    assert!(!ok);
    assert!(
        err.contains("content/fazhi-2026.md") && err.contains("missing field `title`"),
        "{err}"
    );

    let (ok, _, err) = run(&["new", "plan", "fazhi-2026", "--root", root]);
    assert!(!ok);
    assert!(err.contains("not replacing"), "{err}");

    let (ok, _, err) = run(&["new", "plan", "法治方案", "--root", root]);
    assert!(!ok);
    assert!(
        err.contains("not a valid slug") && err.contains("`fazhifangan`"),
        "{err}"
    );
    assert!(!site.path().join("content/法治方案.md").exists());
}

#[test]
fn eject_copies_the_theme_and_a_site_overrides_it_file_by_file() {
    let site = new_site();
    let root = site.path();
    let r = root.to_str().unwrap();
    let (ok, _, err) = run(&["theme", "eject", "--root", r]);
    assert!(ok, "{err}");
    let css = root.join("themes/portal/static/portal.css");
    assert_eq!(
        std::fs::read(&css).unwrap(),
        std::fs::read(common::repo().join("themes/portal/static/portal.css")).unwrap()
    );
    assert!(root.join("themes/portal/templates/base.html").is_file());
    assert!(root.join("themes/portal/theme.yaml").is_file());

    // An edit is never replaced without --force.
    write(&css, "/* mine */\n");
    let (ok, _, err) = run(&["theme", "eject", "--root", r]);
    assert!(!ok);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&css).unwrap(), "/* mine */\n");

    // A partial copy: only the edited files stay, the rest is built in.
    std::fs::remove_dir_all(root.join("themes")).unwrap();
    write(&css, "/* mine */\n");
    write(
        &root.join("templates/partials/footer.html"),
        "<footer>本站页脚</footer>\n",
    );
    let out = build(root);
    let public = out.path().join("public");
    // The site's stylesheet, then what hides the 长者版's parts of the page.
    let built = std::fs::read_to_string(public.join("static/portal.css")).unwrap();
    assert!(
        built.starts_with("/* mine */\n") && built.contains(".only-elder { display: none"),
        "{built}"
    );
    assert!(public.join("static/search.js").is_file());
    let home = std::fs::read_to_string(public.join("index.html")).unwrap();
    assert!(
        home.contains("<footer>本站页脚</footer>"),
        "footer not overridden"
    );

    let (ok, _, err) = run(&["theme", "eject", "--force", "--root", r]);
    assert!(ok, "{err}");
    assert_ne!(std::fs::read_to_string(&css).unwrap(), "/* mine */\n");
}

#[test]
fn a_theme_that_is_not_built_in_must_exist() {
    let site = new_site();
    let root = site.path();
    let yaml = std::fs::read_to_string(root.join("site.yaml"))
        .unwrap()
        .replace("theme: portal", "theme: mine");
    write(&root.join("site.yaml"), &yaml);
    let out = common::tempdir();
    let o = planpress(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.path().join("public").to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("no theme `mine`") && err.contains("built into planpress"),
        "{err}"
    );
}

/// Issue 17, item 8: on main before this change the build copied every
/// file of the static folders and serve served them (this test failed
/// there: `static/.env` was published).
#[test]
fn dotfiles_in_static_folders_are_published_only_when_listed() {
    let site = new_site();
    let root = site.path();
    write(&root.join("static/.env"), "SECRET=1\n");
    write(&root.join("static/.git/config"), "[core]\n");
    write(&root.join("static/docs/.htpasswd"), "admin:x\n");
    write(&root.join("themes/portal/static/.theme-secret"), "x\n");
    write(
        &root.join("static/.well-known/security.txt"),
        "Contact: x\n",
    );
    write(&root.join("static/.well-known/.hidden"), "x\n");
    write(&root.join("static/visible.txt"), "ok\n");
    let yaml = std::fs::read_to_string(root.join("site.yaml"))
        .unwrap()
        .replace("publish_dotfiles: []", "publish_dotfiles: [.well-known]");
    write(&root.join("site.yaml"), &yaml);

    let out = build(root);
    let s = out.path().join("public/static");
    for hidden in [
        ".env",
        ".git",
        "docs/.htpasswd",
        ".theme-secret",
        ".well-known/.hidden",
    ] {
        assert!(!s.join(hidden).exists(), "{hidden} was published");
    }
    assert!(s.join(".well-known/security.txt").is_file());
    assert!(s.join("visible.txt").is_file());

    let server = Server::start(root, &[]);
    for hidden in [
        "/static/.env",
        "/static/.git/config",
        "/static/.theme-secret",
    ] {
        let (status, body) = server.get(hidden);
        assert_eq!(status, 404, "{hidden} served");
        assert!(!body.contains("SECRET"));
    }
    assert_eq!(server.get("/static/.well-known/security.txt").0, 200);
    assert_eq!(server.get("/static/visible.txt").0, 200);
}
