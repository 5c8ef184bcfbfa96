//! Incremental `build` (issue 20): after random sequences of edits,
//! additions, deletions and renames of plan files, a build into the previous
//! output writes exactly what a clean build writes (every file, byte for
//! byte, and no other), and takes unchanged files from the previous output
//! by hard link; from the second incremental build on, over the spare (the
//! site before the previous one, kept beside the output).

use crate::common;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use fastrand::Rng;
use planpress::build::{BuildOptions, BuildReport};
use planpress::output::Wait;
use planpress::publish::PublishOptions;

fn build(root: &Path, out: &Path, full: bool) -> BuildReport {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        base_url: None,
        wait: Wait::No,
        publish: PublishOptions::default(),
        full,
    };
    planpress::build::build(&opts, &|_, _| {}).unwrap_or_else(|e| panic!("the build fails: {e:#?}"))
}

/// The spare beside the output `out`.
fn spare(out: &Path) -> PathBuf {
    let name = out.file_name().unwrap().to_string_lossy();
    out.with_file_name(format!(".{name}.spare"))
}

fn inode(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.ino())
}

/// Builds incrementally into `out`: whether the build took the spare as its
/// staging folder (the spare's folder is the output's now).
fn build_over_spare(root: &Path, out: &Path) -> (BuildReport, bool) {
    let before = inode(&spare(out));
    let report = build(root, out, false);
    (report, before.is_some() && before == inode(out))
}

/// Asserts that `a` and `b` hold the same files with the same bytes, but
/// for the parse caches ([`common::snapshot`] leaves them out).
fn same_files(a: &Path, b: &Path, said: &str) {
    let (a, b) = (common::snapshot(a), common::snapshot(b));
    let paths = |s: &BTreeMap<PathBuf, Vec<u8>>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(paths(&a), paths(&b), "the same files\n{said}");
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs\n{said}", path.display());
    }
}

/// Each file's inode, by relative path.
fn inodes(dir: &Path) -> BTreeMap<PathBuf, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            (rel, e.metadata().unwrap().ino())
        })
        .collect()
}

/// The plan files the sequence may change: the example's two Markdown
/// plans (the one its notice transmits is only edited) and copies made on
/// the way.
struct Plans {
    root: PathBuf,
    files: Vec<String>,
    made: usize,
}

const TRANSMITTED: &str = "content/daoli-2017-shijian-fangan.md";
/// Never touched: its page must come from the previous build every time.
const UNTOUCHED: &str = "plans/xialu-2023-fazhi-xialu-guihua-fengong/index.html";

impl Plans {
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.root.join(rel), text).unwrap();
    }

    fn pick(&self, rng: &mut Rng, movable: bool) -> Option<String> {
        let choices: Vec<&String> = self
            .files
            .iter()
            .filter(|f| !movable || f.as_str() != TRANSMITTED)
            .collect();
        (!choices.is_empty()).then(|| choices[rng.usize(..choices.len())].clone())
    }

    fn new_name(&mut self, what: &str) -> String {
        self.made += 1;
        format!("content/{what}-{}.md", self.made)
    }

    /// One random change of kind `kind`; says what it did.
    fn change(&mut self, kind: usize, rng: &mut Rng) -> String {
        match kind {
            0 => {
                let rel = self.pick(rng, false).unwrap();
                let text = self.read(&rel);
                let body = text.find("\n---\n").unwrap() + 5;
                let stops: Vec<usize> = text[body..]
                    .match_indices('。')
                    .map(|(i, _)| body + i)
                    .collect();
                let at = stops[rng.usize(..stops.len())];
                self.write(&rel, &format!("{}（试行）{}", &text[..at], &text[at..]));
                format!("edited the text of {rel} at byte {at}")
            }
            1 => {
                let rel = self.pick(rng, false).unwrap();
                let text = self.read(&rel);
                let lists: Vec<usize> = ["牵头单位:", "牵头部门:", "责任单位:"]
                    .iter()
                    .flat_map(|m| text.match_indices(m).map(|(i, m)| i + m.len()))
                    .collect();
                let at = lists[rng.usize(..lists.len())];
                let unit = ["区司法局", "区教育局", "县司法局", "区委宣传部"][rng.usize(..4)];
                self.write(&rel, &format!("{}{unit}、{}", &text[..at], &text[at..]));
                format!("named {unit} in {rel} at byte {at}")
            }
            2 => {
                let from = self.pick(rng, false).unwrap();
                let to = self.new_name("copy");
                self.write(&to, &self.read(&from));
                self.files.push(to.clone());
                format!("added {to}, a copy of {from}")
            }
            3 => match self.pick(rng, true) {
                Some(rel) => {
                    std::fs::remove_file(self.root.join(&rel)).unwrap();
                    self.files.retain(|f| *f != rel);
                    format!("deleted {rel}")
                }
                None => self.change(2, rng),
            },
            _ => match self.pick(rng, true) {
                Some(rel) => {
                    let to = self.new_name("renamed");
                    std::fs::rename(self.root.join(&rel), self.root.join(&to)).unwrap();
                    self.files.retain(|f| *f != rel);
                    self.files.push(to.clone());
                    format!("renamed {rel} to {to}")
                }
                None => self.change(2, rng),
            },
        }
    }
}

#[test]
fn random_changes_build_what_a_clean_build_writes_linking_the_rest() {
    let site = common::copy_example();
    let root = site.path();
    let outs = common::tempdir();
    let (inc, clean) = (outs.path().join("inc"), outs.path().join("clean"));
    assert!(build(root, &inc, false).kept.is_none(), "no previous build");
    // A clean build keeps no parse cache; the next one does.
    let cache = |out: &Path| out.join(planpress::content::cache::DIR).join("index");
    assert!(!cache(&inc).exists(), "a clean build keeps no parse cache");
    let second = build(root, &inc, false);
    assert_eq!(second.parses.cached, 0, "{:?}", second.parses);
    assert!(cache(&inc).is_file(), "the second build keeps its parses");
    let mut plans = Plans {
        root: root.to_path_buf(),
        files: vec![
            TRANSMITTED.into(),
            "content/zhuzhou-2015-fazhi-shishi-yijian.md".into(),
        ],
        made: 0,
    };
    let mut log = Vec::new();
    // Two sequences of two kinds of change in a random order (a debug
    // build of the example takes a second or two: two builds a step);
    // these seeds give a rename, a unit named, an addition and a deletion.
    let mut done = Vec::new();
    let mut over_spare = 0;
    for seed in [17, 3] {
        // Seeded: the sequences are the same on every run.
        let mut rng = Rng::with_seed(seed);
        let mut kinds = vec![0, 1, 2, 3, 4];
        rng.shuffle(&mut kinds);
        log.push(format!("seed {seed}:"));
        for kind in kinds.into_iter().take(2) {
            done.push(kind);
            log.push(plans.change(kind, &mut rng));
            let said = log.join("\n");
            let before = inodes(&inc);
            let (report, took) = build_over_spare(root, &inc);
            over_spare += usize::from(took);
            assert!(
                spare(&inc).is_dir(),
                "an incremental build keeps a spare\n{said}"
            );
            let kept = report
                .kept
                .unwrap_or_else(|| panic!("a full build:\n{said}"));
            assert!(kept.linked > 0 && kept.files_linked > 0, "{kept:?}\n{said}");
            // Every change touches at most one file: the others' parses
            // come from the previous build's cache.
            assert!(report.parses.parsed <= 1, "{:?}\n{said}", report.parses);
            assert!(report.parses.cached >= 2, "{:?}\n{said}", report.parses);
            let after = inodes(&inc);
            assert_eq!(
                before.get(Path::new(UNTOUCHED)),
                after.get(Path::new(UNTOUCHED)),
                "an untouched plan's page is the previous build's file\n{said}"
            );
            let full = build(root, &clean, true);
            assert!(!spare(&clean).exists(), "a full build keeps no spare");
            assert_eq!(full.parses.cached, 0, "--full parses every file");
            assert!(!cache(&clean).exists(), "--full keeps no parse cache");
            same_files(&inc, &clean, &said);
        }
    }
    done.sort();
    assert_eq!(done, [1, 2, 3, 4], "the seeds cover every kind of change");
    // Four incremental builds, all over the spare that the second build
    // (the first incremental one, over a fresh folder) kept: each with the
    // parse cache it wrote into the staging folder during load.
    assert_eq!(over_spare, 4, "builds over the spare");
}

/// A damaged parse cache costs parsing again and a warning, never another
/// site; a changed units.yaml leaves the cached parses unused.
#[test]
fn a_damaged_or_stale_parse_cache_is_parsed_again() {
    let site = common::copy_example();
    let root = site.path();
    let outs = common::tempdir();
    let (out, clean) = (outs.path().join("out"), outs.path().join("clean"));
    let cache = out.join(planpress::content::cache::DIR);
    // The second build writes the cache.
    build(root, &out, false);
    build(root, &out, false);
    build(root, &clean, true);
    // A byte changed inside the parses: caught by its entry's checksum.
    let segment = cache.join("segment-0");
    let mut bytes = std::fs::read(&segment).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&segment, bytes).unwrap();
    let report = build(root, &out, false);
    assert_eq!(report.parses.parsed, 1, "{:?}", report.parses);
    let warned = |r: &BuildReport, what: &str| r.warnings.iter().any(|w| w.message.contains(what));
    assert!(warned(&report, "damaged"), "{:?}", report.warnings);
    same_files(&out, &clean, "a damaged parse");
    // An index cut short: no cache at all.
    let index = cache.join("index");
    let bytes = std::fs::read(&index).unwrap();
    std::fs::write(&index, &bytes[..bytes.len() - 3]).unwrap();
    let report = build(root, &out, false);
    assert_eq!(report.parses.cached, 0, "{:?}", report.parses);
    assert!(warned(&report, "parse cache"), "{:?}", report.warnings);
    same_files(&out, &clean, "a truncated index");
    // The registry changes what a parse holds (units recognised).
    assert!(
        build(root, &out, false).parses.cached > 0,
        "the cache is whole again"
    );
    let units = root.join("content/units.yaml");
    let mut text = std::fs::read_to_string(&units).unwrap();
    text.push_str("\n# edited\n");
    std::fs::write(&units, text).unwrap();
    assert_eq!(
        build(root, &out, false).parses.cached,
        0,
        "units.yaml changed"
    );
}

/// A changed theme file, or `--full`, renders everything again. The theme
/// is a symbolic link to a folder elsewhere, as in bench/run.sh's sites.
#[test]
fn a_changed_theme_or_full_builds_everything() {
    let site = common::copy_example();
    let root = site.path();
    let outs = common::tempdir();
    let out = outs.path().join("out");
    let theme = outs.path().join("themes");
    common::copy_dir(&root.join("themes"), &theme);
    std::fs::remove_dir_all(root.join("themes")).unwrap();
    std::os::unix::fs::symlink(&theme, root.join("themes")).unwrap();
    build(root, &out, false);
    let report = build(root, &out, false);
    assert!(report.kept.is_some(), "nothing changed: incremental");
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(spare(&out).is_dir(), "an incremental build keeps a spare");
    assert!(build(root, &out, true).kept.is_none(), "--full");
    assert!(!spare(&out).exists(), "--full removes the spare");
    let css = theme.join("portal/static");
    let any = walkdir::WalkDir::new(&css)
        .into_iter()
        .map(|e| e.unwrap())
        .find(|e| e.file_type().is_file())
        .unwrap();
    let mut bytes = std::fs::read(any.path()).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(any.path(), bytes).unwrap();
    assert!(
        build(root, &out, false).kept.is_none(),
        "a theme file changed"
    );
    std::fs::write(root.join("content/notes.txt"), "not a plan").unwrap();
    assert!(
        build(root, &out, false).kept.is_none(),
        "a content file that is no plan's changed"
    );
}

/// Builds `root` into `inc` (incrementally) and a clean build into `clean`,
/// and asserts that both hold the same bytes. Returns the listings (unit
/// and topic folders) of which the incremental build linked some pages
/// from its previous output and wrote others again.
fn split_listings_after(root: &Path, inc: &Path, clean: &Path, said: &str) -> Vec<PathBuf> {
    let before = inodes(inc);
    let report = build(root, inc, false);
    assert!(report.kept.is_some(), "a full build: {said}");
    build(root, clean, true);
    let (a, b) = (common::snapshot(inc), common::snapshot(clean));
    let paths = |s: &BTreeMap<PathBuf, Vec<u8>>| s.keys().cloned().collect::<Vec<_>>();
    assert_eq!(paths(&a), paths(&b), "the same files: {said}");
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs: {said}", path.display());
    }
    // `units/j/u/page/2/index.html` and `units/j/u/index.html`: `units/j/u`.
    let listing = |p: &Path| {
        let s = p.to_str()?;
        let listed = s.starts_with("units/") || s.starts_with("topics/");
        let folder = s.strip_suffix("index.html")?;
        let folder = folder.split("page/").next()?;
        listed.then(|| PathBuf::from(folder))
    };
    let mut seen: BTreeMap<PathBuf, (bool, bool)> = BTreeMap::new();
    for (path, ino) in inodes(inc) {
        if let Some(l) = listing(&path) {
            let (linked, written) = seen.entry(l).or_default();
            match before.get(&path) == Some(&ino) {
                true => *linked = true,
                false => *written = true,
            }
        }
    }
    seen.into_iter()
        .filter(|(_, (linked, written))| *linked && *written)
        .map(|(l, _)| l)
        .collect()
}

/// Outputs for an incremental and a clean build, the first built once,
/// and the site's plans.
fn built_once(root: &Path) -> (tempfile::TempDir, PathBuf, PathBuf, Plans) {
    let outs = common::tempdir();
    let (inc, clean) = (outs.path().join("inc"), outs.path().join("clean"));
    build(root, &inc, false);
    let plans = Plans {
        root: root.to_path_buf(),
        files: Vec::new(),
        made: 0,
    };
    (outs, inc, clean, plans)
}

/// With three tasks a page, units and topics have many pages, each of
/// which is its own: an edit renders the pages that show what it changed
/// and links the others, and the result is what a clean build writes, when
/// a task's text changes, when a named unit moves a unit's tasks from page
/// to page, when a plan's title (in the lists) changes, and when a plan is
/// added at the end of its topics.
#[test]
fn unit_and_topic_pages_change_page_by_page() {
    let site = common::copy_example();
    let root = site.path();
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(root.join("site.yaml"), format!("{yaml}\npage_size: 3\n")).unwrap();
    let (_outs, inc, clean, plans) = built_once(root);
    let edit = |from: &str, to: &str| {
        let text = plans.read(TRANSMITTED);
        assert!(text.contains(from), "{from}");
        plans.write(TRANSMITTED, &text.replacen(from, to, 1));
    };
    edit("牵头单位:区委宣传部", "（试行）牵头单位:区委宣传部");
    let split = split_listings_after(root, &inc, &clean, "a task's text edited");
    assert!(!split.is_empty(), "no listing kept some of its pages");

    edit(
        "牵头单位:区委依法治区办",
        "牵头单位:区教育局、区委依法治区办",
    );
    split_listings_after(root, &inc, &clean, "a unit named on a first task");

    let other = "content/zhuzhou-2015-fazhi-shishi-yijian.md";
    let text = plans.read(other);
    plans.write(other, &text.replacen("title: 关于", "title: 关于进一步", 1));
    split_listings_after(root, &inc, &clean, "a plan's title changed");

    plans.write("content/zz-added.md", &plans.read(TRANSMITTED));
    split_listings_after(root, &inc, &clean, "a plan added last");
}

/// A spare that is in doubt (its record damaged, the live site's state not
/// the one it names, the spare gone) is not taken: the build links every
/// unchanged file afresh, writes what a clean build writes, and keeps a
/// new spare that the next build takes.
#[test]
fn a_spare_in_doubt_is_not_taken() {
    let site = common::copy_example();
    let root = site.path();
    let (_outs, inc, clean, plans) = built_once(root);
    let mut n = 0;
    let mut edit = || {
        n += 1;
        let text = plans.read(TRANSMITTED);
        let at = text.find("\n---\n").unwrap() + 5;
        let at = at + text[at..].find('。').unwrap();
        plans.write(
            TRANSMITTED,
            &format!("{}（第{n}次）{}", &text[..at], &text[at..]),
        );
    };
    edit();
    assert!(!build_over_spare(root, &inc).1, "no spare yet");
    let record = spare(&inc).join(".planpress/spare.json");
    assert!(record.is_file(), "the spare holds its record");
    assert!(
        !inc.join(".planpress/spare.json").exists(),
        "never published"
    );
    let damages: [(&str, &dyn Fn()); 3] = [
        ("a damaged record", &|| {
            std::fs::write(&record, "{").unwrap()
        }),
        ("the live state rewritten", &|| {
            let state = inc.join(".planpress/build-state.bin");
            // A new file with the same bytes, made while the old exists.
            let copy = state.with_extension("copy");
            std::fs::copy(&state, &copy).unwrap();
            std::fs::rename(&copy, &state).unwrap();
        }),
        ("the spare removed", &|| {
            std::fs::remove_dir_all(spare(&inc)).unwrap()
        }),
    ];
    for (said, damage) in damages {
        damage();
        edit();
        let (report, took) = build_over_spare(root, &inc);
        assert!(
            report.kept.is_some() && !took,
            "{said}: the spare was taken"
        );
        build(root, &clean, true);
        same_files(&inc, &clean, said);
        edit();
        let (report, took) = build_over_spare(root, &inc);
        assert!(
            report.kept.is_some() && took,
            "after {said}: the new spare was not taken"
        );
        build(root, &clean, true);
        same_files(&inc, &clean, &format!("after {said}"));
    }
}

/// The files of all tasks copy the rows of unchanged plans from the
/// previous build's files (found by the lengths its state keeps), and make
/// the rest: after an edit, a rename and an addition, with an untouched
/// plan between them, they are what a clean build writes.
#[test]
fn unchanged_plans_rows_are_copied_into_the_files_of_all_tasks() {
    let site = common::copy_example();
    let root = site.path();
    // A clean build's state keeps the lengths too.
    let (_outs, inc, clean, plans) = built_once(root);
    // A mark of the same length in the untouched plan's rows of the
    // previous files: only a copy carries it into the new ones.
    let files = ["data/tasks.json", "data/tasks.csv"];
    let (real, marked) = ("/plans/xialu-2023", "/plant/xialu-2023");
    let swap = |from: &str, to: &str| {
        for f in files {
            let text = std::fs::read_to_string(inc.join(f)).unwrap();
            assert!(text.contains(from), "{f} has {from}");
            std::fs::write(inc.join(f), text.replace(from, to)).unwrap();
        }
    };
    swap(real, marked);
    let text = plans.read(TRANSMITTED);
    let task = "牵头单位:区委宣传部";
    assert!(text.contains(task), "a task names {task}");
    plans.write(
        TRANSMITTED,
        &text.replacen(task, &format!("（试行）{task}"), 1),
    );
    plans.write("content/aa-added.md", &text);
    let other = "content/zhuzhou-2015-fazhi-shishi-yijian.md";
    std::fs::rename(root.join(other), root.join("content/zz-renamed.md")).unwrap();
    let report = build(root, &inc, false);
    assert!(report.kept.is_some(), "an incremental build");
    for f in files {
        let text = std::fs::read_to_string(inc.join(f)).unwrap();
        assert!(
            text.contains(marked),
            "{f}: the untouched plan's rows copied"
        );
        assert!(
            text.contains("（试行）"),
            "{f}: the edited plan's rows made"
        );
    }
    swap(marked, real);
    build(root, &clean, true);
    for f in files {
        let (a, b) = (inc.join(f), clean.join(f));
        let same = std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap();
        assert!(same, "{f} is what a clean build writes");
    }
}

/// A file of the whole site that a build linked from the previous output
/// (a fragment of the search index) is removed when a later build no
/// longer makes it, as a clean build would not have it.
#[test]
fn whole_site_files_linked_then_no_longer_made_are_removed() {
    let site = common::small_example();
    let root = site.path();
    let big = root.join("content/big.md");
    let tasks: String = (1..=80)
        .map(|i| format!("{i}.推进第{i}项法治工作。牵头单位:区司法局。\n\n"))
        .collect();
    let front = "---\ntitle: 大型方案\nkind: 方案\njurisdiction: 哈尔滨市道里区\n---\n\n";
    std::fs::write(&big, format!("{front}{tasks}")).unwrap();
    let outs = common::tempdir();
    let (inc, clean) = (outs.path().join("inc"), outs.path().join("clean"));
    build(root, &inc, false);
    // Nothing changed: every fragment is linked from the first build.
    build(root, &inc, false);
    let fragments = |out: &Path| std::fs::read_dir(out.join("search/f")).unwrap().count();
    let before = fragments(&inc);
    std::fs::remove_file(&big).unwrap();
    build(root, &inc, false);
    build(root, &clean, true);
    assert!(
        fragments(&clean) < before,
        "the deletion leaves fewer fragment files ({before} before)"
    );
    same_files(
        &inc,
        &clean,
        "a large plan deleted after a build that linked every fragment",
    );
}
