//! Publishing safely (issue 17) and atomicity proven step by step (issue 24,
//! item 2): builds into one output exclude each other, every step of the
//! swap leaves a complete site, mount points and folders this user may not
//! write are refused up front with a true message, the unit registry's
//! contradictions are errors, serve answers only its own host names, and
//! slugs that Windows reserves are refused.
//!
//! The step-by-step tests use the build's test seam: with
//! `PLANPRESS_TEST_PAUSE_DIR=D` a build creates `D/STEP` at each step of its
//! publishing and waits until the file is removed.

use crate::common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The steps a build pauses at, in order (see `src/output.rs`).
const STEPS: [&str; 5] = ["locked", "staged", "synced", "swapped", "cleaned"];
/// How long a paused build may take to reach a step: long, since it only
/// matters when the build hangs (a build that ends is seen at once), and a
/// loaded CI machine took most of a minute to reach a step.
const WAIT: Duration = Duration::from_secs(600);

fn paused(root: &Path, out: &Path, pause: &Path) -> Child {
    build_cmd(root, out)
        .env("PLANPRESS_TEST_PAUSE_DIR", pause)
        .spawn()
        .unwrap()
}

/// Waits until a paused build reaches `step`.
fn reach(child: &mut Child, pause: &Path, step: &str) {
    let start = Instant::now();
    while !pause.join(step).exists() {
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("the build ended ({status}) before the step `{step}`:\n{err}");
        }
        assert!(start.elapsed() < WAIT, "the build never paused at `{step}`");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Lets a paused build run until it pauses at `step`.
fn run_to(child: &mut Child, pause: &Path, step: &str) {
    for earlier in STEPS.iter().take_while(|s| **s != step) {
        reach(child, pause, earlier);
        release(pause, earlier);
    }
    reach(child, pause, step);
}

fn release(pause: &Path, step: &str) {
    std::fs::remove_file(pause.join(step)).unwrap();
}

fn finish(child: Child) -> Output {
    child.wait_with_output().unwrap()
}

/// The example site in two versions: the second differs in every page
/// (the title is in every header) and in its set of files (a plan added).
struct Versions {
    _dir: tempfile::TempDir,
    v1: PathBuf,
    v2: PathBuf,
    out: PathBuf,
}

fn versions() -> Versions {
    versions_of(Site::Example)
}

/// The sites the tests build: the example, or (for the stress test, whose
/// many builds must stay quick) its settings and theme with one small plan.
#[derive(PartialEq)]
enum Site {
    Example,
    Small,
}

fn versions_of(site: Site) -> Versions {
    // In memory where there is a tmpfs (see `common::tempdir`): the stress
    // test's hundred builds measure the swap, not the disk.
    let dir = common::tempdir();
    let v1 = dir.path().join("v1");
    let v2 = dir.path().join("v2");
    let example = match site {
        Site::Example => copy_example(),
        Site::Small => small_example(),
    };
    copy_dir(example.path(), &v1);
    copy_dir(example.path(), &v2);
    let config = read(&v2.join("site.yaml"))
        .replace("法治建设规划公开平台", "法治建设规划公开平台（第二版）");
    std::fs::write(v2.join("site.yaml"), config).unwrap();
    std::fs::write(
        v2.join("content/added-in-v2.md"),
        "---\ntitle: 第二版新增方案\nkind: 方案\njurisdiction: 哈尔滨市道里区\n---\n\n1.新增任务。牵头单位:区司法局。\n",
    )
    .unwrap();
    let out = dir.path().join("public");
    Versions {
        v1,
        v2,
        out,
        _dir: dir,
    }
}

type Snapshot = BTreeMap<PathBuf, Vec<u8>>;

/// What each version builds to.
fn expected(v: &Versions) -> (Snapshot, Snapshot) {
    let scratch = common::tempdir();
    let a = scratch.path().join("a");
    let b = scratch.path().join("b");
    build(&v.v1, &a, &[]);
    build(&v.v2, &b, &[]);
    (snapshot(&a), snapshot(&b))
}

/// What the example's two versions build to, built once for the tests that
/// compare against them (two builds, not two a test): a clean build's bytes
/// do not depend on the folders it reads from and writes to.
fn expected_example() -> &'static (Snapshot, Snapshot) {
    static BUILT: std::sync::OnceLock<(Snapshot, Snapshot)> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| expected(&versions()))
}

/// Names beside the output that a build leaves only while it runs (the
/// lock and the spare of an incremental build stay).
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().to_string();
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .filter(|n| !n.ends_with(".lock") && !n.ends_with(".spare"))
        .collect()
}

#[test]
fn every_step_of_the_swap_leaves_a_complete_site() {
    let v = versions();
    let (old, new) = expected_example();
    build(&v.v1, &v.out, &[]);
    let pause = common::tempdir();
    let mut child = paused(&v.v2, &v.out, pause.path());
    let mut seen = Vec::new();
    for step in STEPS {
        reach(&mut child, pause.path(), step);
        let now = snapshot(&v.out);
        let which = if now == *old {
            "old"
        } else if now == *new {
            "new"
        } else {
            panic!("at `{step}` the output is neither the old site nor the new one");
        };
        seen.push((step, which));
        release(pause.path(), step);
    }
    let o = finish(child);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        seen,
        [
            ("locked", "old"),
            ("staged", "old"),
            ("synced", "old"),
            ("swapped", "new"),
            ("cleaned", "new")
        ]
    );
    assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));
}

#[test]
fn a_build_killed_at_any_step_leaves_a_complete_site_and_the_next_recovers() {
    let v = versions();
    let (old, new) = expected_example();
    build(&v.v1, &v.out, &[]);
    for step in STEPS {
        let pause = common::tempdir();
        let mut child = paused(&v.v2, &v.out, pause.path());
        run_to(&mut child, pause.path(), step);
        child.kill().unwrap();
        child.wait().unwrap();
        let now = snapshot(&v.out);
        assert!(
            now == *old || now == *new,
            "killed at `{step}`: a mixed site"
        );
        // The next build (of the old version) finishes and leaves nothing.
        build(&v.v1, &v.out, &[]);
        assert!(snapshot(&v.out) == *old, "after a kill at `{step}`");
        assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));
    }
}

#[test]
fn a_second_build_into_the_same_output_waits_or_says_who_is_writing() {
    let v = versions();
    let (_, new) = expected_example();
    build(&v.v1, &v.out, &[]);
    let pause = common::tempdir();
    let mut first = paused(&v.v2, &v.out, pause.path());
    run_to(&mut first, pause.path(), "staged");
    // The staging folder is this build's own.
    let own = format!(".public.staging-{}", first.id());
    assert!(leftovers(&v.out).contains(&own), "{:?}", leftovers(&v.out));

    let o = build_cmd(&v.v1, &v.out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let message = stderr(&o);
    assert!(
        message.contains("another build is writing")
            && message.contains(&format!("pid {}", first.id())),
        "{message}"
    );
    // With --wait, the second build waits for the first and then runs.
    let waiting = build_cmd(&v.v2, &v.out).arg("--wait").spawn().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    release(pause.path(), "staged");
    for step in &STEPS[2..] {
        reach(&mut first, pause.path(), step);
        release(pause.path(), step);
    }
    let o = finish(first);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = finish(waiting);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(snapshot(&v.out) == *new);
    assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));
}

#[test]
fn staging_folders_of_dead_builds_are_removed() {
    let v = versions();
    build(&v.v1, &v.out, &[]);
    let parent = v.out.parent().unwrap();
    for stale in [".public.staging", ".public.staging-4000000", ".public.old"] {
        std::fs::create_dir_all(parent.join(stale).join("plans")).unwrap();
        std::fs::write(parent.join(stale).join("plans/junk.html"), "junk").unwrap();
    }
    build(&v.v2, &v.out, &[]);
    assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));
}

#[test]
fn a_failed_build_says_what_became_of_the_output() {
    let site = copy_example();
    let root = site.path();
    std::fs::write(root.join("content/broken.md"), "---\ntitle: 坏\n---\n").unwrap();
    let out = root.join("public");
    let o = build_cmd(root, &out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let message = stderr(&o);
    assert!(!message.contains("was left as it was"), "{message}");
    assert!(message.contains("nothing was written"), "{message}");
    assert!(!out.exists());
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("index.html"), "old").unwrap();
    let o = build_cmd(root, &out).output().unwrap();
    assert!(stderr(&o).contains("was left as it was"), "{}", stderr(&o));
    assert_eq!(read(&out.join("index.html")), "old");
}

/// Unmounts on drop, so that a failing test leaves no mount behind.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mount(args: &[&str], at: &Path) -> Option<Mount> {
    let ok = Command::new("mount")
        .args(args)
        .arg(at)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(Mount(at.to_path_buf()))
    } else {
        eprintln!("cannot mount here (not root?): the mount test is skipped");
        None
    }
}

#[test]
fn an_output_folder_that_is_a_mount_point_is_refused_up_front() {
    let v = versions();
    std::fs::create_dir_all(&v.out).unwrap();
    let Some(_tmpfs) = mount(&["-t", "tmpfs", "planpress-test"], &v.out) else {
        return;
    };
    std::fs::write(v.out.join("index.html"), "old").unwrap();
    let o = build_cmd(&v.v1, &v.out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let message = stderr(&o);
    assert!(message.contains("mount point"), "{message}");
    assert!(message.contains("--out"), "{message}");
    assert_eq!(read(&v.out.join("index.html")), "old");
    assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));

    // A bind mount (same device as its parent) is found too.
    let bound = v.out.parent().unwrap().join("bound");
    std::fs::create_dir_all(&bound).unwrap();
    std::fs::write(bound.join("index.html"), "old").unwrap();
    let Some(_bind) = mount(&["--bind", bound.to_str().unwrap()], &bound) else {
        return;
    };
    let o = build_cmd(&v.v1, &bound).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("mount point"), "{}", stderr(&o));
    assert!(leftovers(&bound).is_empty(), "{:?}", leftovers(&bound));
}

/// Runs a build as the unprivileged user `nobody`, when this test runs as
/// root (else `None`: permissions cannot be tested).
fn build_as_nobody(root: &Path, out: &Path, binary: &Path) -> Option<Output> {
    let me = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&me.stdout).trim() != "0" {
        eprintln!("not root: the permission test is skipped");
        return None;
    }
    let o = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(binary)
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(out)
        .output()
        .ok()?;
    Some(o)
}

fn chown(path: &Path, uid: u32) {
    std::os::unix::fs::chown(path, Some(uid), Some(uid)).unwrap();
}

#[test]
fn an_output_folder_this_user_cannot_write_is_left_as_it_was() {
    use std::os::unix::fs::PermissionsExt;
    let v = versions();
    let (old, new) = expected_example();
    let parent = v.out.parent().unwrap().to_path_buf();
    // Everything readable by anyone, the parent writable by anyone.
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o777)).unwrap();
    let binary = parent.join("planpress");
    std::fs::copy(env!("CARGO_BIN_EXE_planpress"), &binary).unwrap();
    build(&v.v1, &v.out, &[]);

    // The whole output belongs to root; then only one folder inside it.
    for case in ["the output", "a folder inside it"] {
        if case == "a folder inside it" {
            for e in walkdir::WalkDir::new(&v.out) {
                chown(e.unwrap().path(), 65534);
            }
            chown(&v.out.join("plans"), 0);
        }
        for attempt in 0..2 {
            let Some(o) = build_as_nobody(&v.v2, &v.out, &binary) else {
                return;
            };
            let message = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{case}: {message}");
            assert!(message.contains("cannot be written"), "{case}: {message}");
            assert!(message.contains("was left as it was"), "{case}: {message}");
            assert!(
                snapshot(&v.out) == *old,
                "{case}, attempt {attempt}: changed"
            );
            assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));
        }
    }
    // A folder deeper inside that this user cannot empty: the new site is
    // published, and the build says that the old one is left beside it.
    for e in walkdir::WalkDir::new(&v.out) {
        chown(e.unwrap().path(), 65534);
    }
    let deep = std::fs::read_dir(v.out.join("plans"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    chown(&deep, 0);
    let Some(o) = build_as_nobody(&v.v2, &v.out, &binary) else {
        return;
    };
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("could not be removed"),
        "{}",
        stderr(&o)
    );
    assert!(snapshot(&v.out) == *new);
    // Its owner builds as always, and removes what was left.
    build(&v.v2, &v.out, &[]);
    assert!(snapshot(&v.out) == *new);
    assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));
}

fn check_units(extra: &str) -> (Output, usize) {
    let site = copy_example();
    let path = site.path().join("content/units.yaml");
    let mut text = read(&path);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let first = text.lines().count() + 1;
    text.push_str(extra);
    std::fs::write(&path, text).unwrap();
    let o = planpress(&["check", "--root", site.path().to_str().unwrap()]);
    (o, first)
}

#[test]
fn contradictions_in_the_unit_registry_are_errors_with_their_line() {
    // (entries appended to the example's registry, the line (counted from
    // the first appended line) of the second mention, which the error must
    // name, and a word of the message)
    let cases = [
        (
            "- jurisdiction: 测试市测试区\n  units:\n    - name: 甲局\n      aliases: [乙局]\n    - name: 乙局\n      aliases: [甲局]\n",
            5,
            "乙局",
        ),
        (
            "- jurisdiction: 测试市测试区\n  units:\n    - name: 甲局\n      aliases: [丙办]\n    - name: 乙局\n      aliases: [丙办]\n",
            6,
            "丙办",
        ),
        (
            "- jurisdiction: 测试市测试区\n  units:\n    - name: 甲局\n    - name: 甲局\n",
            4,
            "甲局",
        ),
        (
            "- jurisdiction: 测试市测试区\n  units:\n    - name: 甲局\n- jurisdiction: 测试市测试区\n  units:\n    - name: 乙局\n",
            4,
            "测试市测试区",
        ),
        (
            "- jurisdiction: 测试市测试区\n  units:\n    - name: 甲局\n    - name: 乙局\n      aliases: [甲局]\n",
            5,
            "甲局",
        ),
        (
            "- jurisdiction: 测试市测试区\n  units:\n    - name: 甲局\n  groups: [甲局]\n",
            4,
            "甲局",
        ),
    ];
    for (extra, line, word) in cases {
        let (o, first) = check_units(extra);
        let message = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{extra}\n{message}");
        let at = format!("units.yaml:{}:", first + line - 1);
        assert!(
            message.lines().any(|l| l.contains(&at)) && message.contains(word),
            "{extra}: no error at {at} naming {word}:\n{message}"
        );
    }
    // The example's own registry has none.
    let (o, _) = check_units("");
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn slugs_that_windows_reserves_are_refused() {
    for (file, front) in [
        ("con.md", ""),
        ("x1.md", "slug: aux\n"),
        ("x2.md", "slug: nul\n"),
        ("x3.md", "slug: com1\n"),
        ("x4.md", "slug: lpt9\n"),
        ("PRN.md", ""),
    ] {
        let site = copy_example();
        std::fs::write(
            site.path().join("content").join(file),
            format!("---\ntitle: 保留名\nkind: 方案\njurisdiction: 哈尔滨市道里区\n{front}---\n\n1.任务。牵头单位:区司法局。\n"),
        )
        .unwrap();
        let o = planpress(&["check", "--root", site.path().to_str().unwrap()]);
        let message = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{file} {front}: {message}");
        assert!(message.contains("Windows"), "{file}: {message}");
    }
}

#[test]
fn serve_answers_only_its_own_host_names() {
    let site = copy_example();
    let server = Server::start(site.path(), &["--host", "preview.example.gov.cn"]);
    let port = server.port;
    for host in [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_string(),
        format!("localhost:{port}"),
        "LOCALHOST".to_string(),
        format!("[::1]:{port}"),
        format!("preview.example.gov.cn:{port}"),
    ] {
        assert_eq!(server.get_as("/", &host).0, 200, "{host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "attacker.localhost.evil.example".to_string(),
        format!("127.0.0.2:{port}"),
        "".to_string(),
    ] {
        let status = server.get_as("/", &host).0;
        assert!(status == 403 || status == 421, "{host}: {status}");
    }
}

/// 20 pairs of overlapping builds into one output and 30 kills at random
/// moments (`PLANPRESS_STRESS=1`: 100 pairs and 200 kills); each leaves
/// exactly the old site or the new one, and each build either publishes or
/// says that another build is writing.
#[test]
fn stress_overlapping_and_killed_builds() {
    let long = std::env::var("PLANPRESS_STRESS").is_ok_and(|v| v == "1");
    let (pairs, kills) = if long { (100, 200) } else { (20, 30) };
    let v = versions_of(Site::Small);
    let (old, new) = expected(&v);
    let t = Instant::now();
    build(&v.v1, &v.out, &[]);
    let full = t.elapsed();
    // Seeded per run and said (`PLANPRESS_STRESS_SEED` replays a seed's
    // choices; the moments they fall on depend on the machine).
    let seed = std::env::var("PLANPRESS_STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("stress seed {seed}, one build {:.2} s", full.as_secs_f64());
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut random = move |n: u64| rng.u64(..n.max(1));
    let root = |i: u64| if i == 0 { &v.v1 } else { &v.v2 };
    let complete = |when: &str| {
        let now = snapshot(&v.out);
        assert!(
            now == old || now == new,
            "{when}: the output is neither site"
        );
    };
    // Second builds start, and kills land, anywhere within one build's time.
    let span = full.as_millis() as u64;
    let mut refused = 0;
    for pair in 0..pairs {
        let a = build_cmd(root(random(2)), &v.out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(random(span)));
        let b = build_cmd(root(random(2)), &v.out).spawn().unwrap();
        for o in [finish(a), finish(b)] {
            if !o.status.success() {
                assert!(
                    stderr(&o).contains("another build is writing"),
                    "pair {pair}: {}",
                    stderr(&o)
                );
                refused += 1;
            }
        }
        complete(&format!("pair {pair}"));
        assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));
    }
    for kill in 0..kills {
        let mut child = build_cmd(root(random(2)), &v.out).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(random(span)));
        let _ = child.kill();
        child.wait().unwrap();
        complete(&format!("kill {kill}"));
    }
    build(&v.v2, &v.out, &[]);
    assert!(snapshot(&v.out) == new);
    assert!(leftovers(&v.out).is_empty(), "{:?}", leftovers(&v.out));
    eprintln!(
        "{pairs} pairs ({refused} builds refused), {kills} kills in {:.1} s",
        t.elapsed().as_secs_f64()
    );
}
