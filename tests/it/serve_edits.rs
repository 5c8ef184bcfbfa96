//! `serve` after random sequences of edits (fixed seeds) shows exactly what
//! a fresh build of the same files writes, and takes the full path for none
//! of them (issue 23): text edits, a unit added to a task or removed, a unit
//! and a topic no plan named before, a plan file added, deleted or renamed,
//! a notice edited. Driven in-process ([`planpress::serve::Session`]), so
//! that each step costs one assembly and one build of the small example.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use fastrand::Rng;
use planpress::serve::Session;
use planpress::serve::memory::{Found, MemorySink};

const BASE: &str = "http://127.0.0.1:8000/";
const NOTICE: &str = "content/daoli-2017-tongzhi.md";
/// Plans in Markdown; the added ones are named `content/extra-N.md`.
const PLANS: [&str; 2] = [
    "content/daoli-2017-shijian-fangan.md",
    "content/zhuzhou-2015-fazhi-shishi-yijian.md",
];
/// Where a task's unit lists start in the example's plans.
const LISTS: [&str; 3] = ["牵头单位:", "牵头部门:", "责任单位:"];

/// The site being edited and the files added so far.
struct Site {
    root: PathBuf,
    extras: Vec<String>,
    step: usize,
}

impl Site {
    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    /// The Markdown plans, the example's and the added ones.
    fn plans(&self) -> Vec<String> {
        PLANS
            .iter()
            .map(|p| p.to_string())
            .chain(self.extras.iter().cloned())
            .collect()
    }

    /// Where the unit lists of `text` start (after the colon).
    fn lists(text: &str) -> Vec<usize> {
        let mut at: Vec<usize> = LISTS
            .iter()
            .flat_map(|l| text.match_indices(l).map(|(i, _)| i + l.len()))
            .collect();
        at.sort_unstable();
        at
    }

    /// Edit number `kind` (of [`KINDS`]) at a random place; returns what it
    /// was and the files it touched.
    fn edit(&mut self, rng: &mut Rng, kind: usize) -> (&'static str, Vec<PathBuf>) {
        self.step += 1;
        let k = self.step;
        let plans = self.plans();
        let file = plans[rng.usize(..plans.len())].clone();
        let text = self.read(&file);
        let lists = Self::lists(&text);
        let list = lists[rng.usize(..lists.len())];
        let touched = vec![PathBuf::from(&file)];
        match kind {
            0 => {
                // The text of a task, before its units.
                let at = text[..list].rfind('。').unwrap_or(list);
                let text = format!("{}（修改{k}）{}", &text[..at], &text[at..]);
                self.write(&file, &text);
                ("text", touched)
            }
            1 => {
                // A unit the plan names elsewhere, added to a list.
                let other = lists[rng.usize(..lists.len())];
                let name: String = text[other..]
                    .chars()
                    .take_while(|c| !"、。,;)）".contains(*c))
                    .collect();
                let text = format!("{}{name}、{}", &text[..list], &text[list..]);
                self.write(&file, &text);
                ("unit added", touched)
            }
            2 => {
                // The first unit of a list of several removed.
                let first_end = text[list..].find(['、', '。']).map(|i| list + i);
                match first_end {
                    Some(end) if text[end..].starts_with('、') => {
                        let text = format!("{}{}", &text[..list], &text[end + '、'.len_utf8()..]);
                        self.write(&file, &text);
                    }
                    _ => return self.edit(rng, 0),
                }
                ("unit removed", touched)
            }
            3 => {
                // A unit no plan names.
                let text = format!("{}新设第{k}办公室、{}", &text[..list], &text[list..]);
                self.write(&file, &text);
                ("new unit", touched)
            }
            4 => {
                // A topic no plan names, on the plan.
                let text = text.replacen("\nkind: ", &format!("\ntopics: [专题{k}]\nkind: "), 1);
                self.write(&file, &text);
                ("new topic", touched)
            }
            5..=7 if kind == 5 || self.extras.is_empty() => {
                // A new plan file: a copy of a plan under another title.
                let rel = format!("content/extra-{k}.md");
                let text = text.replacen("\ntitle: ", &format!("\ntitle: 副本{k}"), 1);
                self.write(&rel, &text);
                self.extras.push(rel.clone());
                ("plan added", vec![PathBuf::from(rel)])
            }
            6 => {
                let rel = self.extras.remove(rng.usize(..self.extras.len()));
                std::fs::remove_file(self.path(&rel)).unwrap();
                ("plan deleted", vec![PathBuf::from(rel)])
            }
            7 => {
                let i = rng.usize(..self.extras.len());
                let to = format!("content/extra-{k}.md");
                let from = std::mem::replace(&mut self.extras[i], to.clone());
                std::fs::rename(self.path(&from), self.path(&to)).unwrap();
                ("plan renamed", vec![PathBuf::from(from), PathBuf::from(to)])
            }
            _ => {
                let text =
                    self.read(NOTICE)
                        .replacen("请遵照执行", &format!("请遵照执行（第{k}次）"), 1);
                self.write(NOTICE, &text);
                ("notice", vec![PathBuf::from(NOTICE)])
            }
        }
    }
}

/// Every file a fresh build of `root` writes, except static files and the
/// build's own data.
fn fresh_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let (site, _) = planpress::build::load(root, Some(BASE)).expect("the site loads");
    let theme = planpress::render::theme::Theme::load(root, &site.config).unwrap();
    let editions = planpress::render::editions::Editions::load(root, &site, &theme).unwrap();
    let sink = MemorySink::default();
    planpress::build::render(&site, &theme, &editions, &sink, &|_, _| {}).unwrap();
    // .planpress/ (the search index's keys for the next build) is the
    // build's own data: the session never shows it.
    let mut files = sink.into_files();
    files.retain(|path, _| !path.starts_with(".planpress/"));
    files
}

/// What the session shows is, file for file, what a fresh build writes.
fn assert_same_as_build(session: &Session, root: &Path, what: &str) {
    let built = fresh_build(root);
    let mut differ = Vec::new();
    for (path, bytes) in &built {
        match session.live().get(path) {
            Found::File(_, served) if *served == **bytes => {}
            Found::File(..) => differ.push(path.clone()),
            _ => differ.push(format!("{path} (missing)")),
        }
    }
    let extra: Vec<String> = session
        .live()
        .read(|g| {
            g.outputs
                .keys()
                .filter(|p| !built.contains_key(*p))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    assert!(
        differ.is_empty() && extra.is_empty(),
        "after {what}: {} files differ from a fresh build: {:?}; not built: {extra:?}",
        differ.len(),
        &differ[..differ.len().min(10)],
    );
}

/// Text, unit added, unit removed, new unit, new topic, plan added, deleted,
/// renamed, notice.
const KINDS: usize = 9;

fn run_seed(seed: u64) {
    let dir = copy_example();
    let root = dir.path().canonicalize().unwrap();
    let mut session = Session::open(&root, BASE);
    // Read before the edits, as a reader would have them open: what the
    // edits leave cached must still be right afterwards.
    assert_same_as_build(&session, &root, "loading");
    // Seeded, so a failing seed replays.
    let mut rng = Rng::with_seed(seed);
    // Every kind of edit once, in an order of the seed's.
    let mut kinds: Vec<usize> = (0..KINDS).collect();
    rng.shuffle(&mut kinds);
    let mut site = Site {
        root: root.clone(),
        extras: Vec::new(),
        step: 0,
    };
    for kind in kinds {
        let (what, touched) = site.edit(&mut rng, kind);
        let how = session
            .changed(touched)
            .unwrap_or_else(|| panic!("seed {seed}: {what} was not shown"));
        assert!(
            how.starts_with("incremental"),
            "seed {seed}: {what} took the path `{how}`"
        );
        assert_same_as_build(
            &session,
            &root,
            &format!("seed {seed}, step {}: {what}", site.step),
        );
    }
}

#[test]
fn random_edits_show_what_a_build_writes() {
    for seed in [0x9e37_79b9_7f4a_7c15, 2026] {
        run_seed(seed);
    }
}

const UG_PLAN: &str = "translations/ug/xialu-2023-fazhi-xialu-guihua-fengong.yaml";
const UG_NAMES: &str = "translations/ug/names.yaml";
const UG_CONTENT: &str = "content/xialu-2023-fengong-yi.yaml";

/// The problems `serve` shows in its overlay.
fn problems(session: &Session) -> Vec<String> {
    let status = session.live().status();
    status.errors.iter().map(|d| d.message.clone()).collect()
}

/// Replaces the first `from` in `rel` with `to` and tells the session.
fn change(site: &Site, session: &mut Session, rel: &str, from: &str, to: &str) -> Option<String> {
    let text = site.read(rel);
    assert!(text.contains(from), "{rel} has no `{from}`");
    site.write(rel, &text.replacen(from, to, 1));
    session.changed([PathBuf::from(rel)])
}

/// A translated edition (the Uyghur fixture): an edit of its translations
/// is shown without assembling the site again, a translation naming a task
/// the plan lacks is a problem shown until it is fixed, and a content edit
/// keeps the edition's pages right; after each, what a fresh build writes.
#[test]
fn translation_edits_show_what_a_build_writes() {
    let dir = common::tempdir();
    copy_dir(&repo().join("tests/fixtures/editions-ug"), dir.path());
    let root = dir.path().canonicalize().unwrap();
    let mut session = Session::open(&root, BASE);
    assert_same_as_build(&session, &root, "loading");
    // The search results of the Uyghur edition are marked Chinese (the
    // index is), the site's own are not.
    let search = |path: &str| match session.live().get(path) {
        Found::File(_, bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
        _ => panic!("no {path}"),
    };
    let marks = "data-text-lang=\"zh-CN\" data-text-dir=\"ltr\"";
    assert!(search("ug/search/").contains(marks));
    assert!(!search("search/").contains("data-text-lang"));
    let site = Site {
        root: root.clone(),
        extras: Vec::new(),
        step: 0,
    };
    // Task 3, untranslated so far, translated.
    let how = change(
        &site,
        &mut session,
        UG_PLAN,
        "\n  4: ",
        "\n  3: ئۈچىنچى ۋەزىپە.\n  4: ",
    );
    assert_eq!(how.as_deref(), Some("translations"));
    assert!(problems(&session).is_empty());
    assert_same_as_build(&session, &root, "task 3 translated");
    change(
        &site,
        &mut session,
        UG_NAMES,
        "区教育局: ",
        "区教育局: يېڭى ",
    );
    assert_same_as_build(&session, &root, "a unit's name");
    // A task the plan does not have: a problem, until it is undone.
    let how = change(&site, &mut session, UG_PLAN, "\n  4: ", "\n  9: ");
    assert_eq!(how.as_deref(), Some("translations"));
    let shown = problems(&session);
    assert!(
        shown.iter().any(|m| m.contains("no task numbered `9`")),
        "{shown:?}"
    );
    change(&site, &mut session, UG_PLAN, "\n  9: ", "\n  4: ");
    assert!(problems(&session).is_empty());
    assert_same_as_build(&session, &root, "the mistake undone");
    // A content edit: the edition's pages follow.
    let how = change(
        &site,
        &mut session,
        UG_CONTENT,
        "加强青少年宪法法律教育。",
        "加强青少年宪法法律教育(修改)。",
    )
    .unwrap();
    assert!(how.starts_with("incremental"), "{how}");
    assert_same_as_build(&session, &root, "a task's Chinese text");
}
