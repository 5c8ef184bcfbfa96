use std::path::Path;
use std::sync::Arc;

use fastrand::Rng;

use super::*;
use crate::affects::Owner;
use crate::render::theme::Theme;
use crate::serve::workspace::{FileChange, Workspace};

const COPY: &str = "content/zhuzhou-2015-zz-copy.md";

/// The example site plus a second plan of 株洲县 after the first.
fn example() -> tempfile::TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    for sub in ["content", "themes"] {
        for e in walkdir::WalkDir::new(repo.join(sub)) {
            let e = e.unwrap();
            let dest = dir.path().join(e.path().strip_prefix(repo).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(e.path(), &dest).unwrap();
            }
        }
    }
    let text = std::fs::read_to_string(
        dir.path()
            .join("content/zhuzhou-2015-fazhi-shishi-yijian.md"),
    )
    .unwrap();
    std::fs::write(dir.path().join(COPY), text).unwrap();
    dir
}

fn edit(root: &Path, from: &str, to: &str) {
    edit_file(root, COPY, from, to);
}

/// Replaces the first `from` in `file` (under `root`) with `to`.
fn edit_file(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

fn generation(ws: &Workspace) -> Generation {
    let site = ws.assemble().unwrap().site.unwrap();
    let theme = Theme::load(&ws.root, ws.config.as_ref().unwrap()).unwrap();
    Generation::new(site, Arc::new(theme)).unwrap()
}

/// A patched generation shows what a full assembly of the files shows.
fn assert_same(live: &Generation, full: &Generation) {
    assert_eq!(format!("{:?}", live.site), format!("{:?}", full.site));
    assert_eq!(format!("{:?}", live.index), format!("{:?}", full.index));
    assert_eq!(
        format!("{:?}", live.views.rows),
        format!("{:?}", full.views.rows)
    );
    assert_eq!(
        serde_json::to_string(&(
            &live.views.units,
            &live.views.topics,
            &live.views.jurisdictions,
            &live.views.plans
        ))
        .unwrap(),
        serde_json::to_string(&(
            &full.views.units,
            &full.views.topics,
            &full.views.jurisdictions,
            &full.views.plans
        ))
        .unwrap()
    );
    assert_eq!(live.pages, full.pages);
    let mut a: Vec<&String> = live.outputs.keys().collect();
    let mut b: Vec<&String> = full.outputs.keys().collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let all: BTreeSet<PlanId> = (0..full.site.plans.len()).collect();
    assert_eq!(fingerprint(&live.site, &all), fingerprint(&full.site, &all));
}

#[test]
fn a_patched_site_equals_a_fully_assembled_one() {
    let dir = example();
    let root = dir.path();
    let mut ws = Workspace::open(root, "http://127.0.0.1:8000/");
    let mut live = generation(&ws);
    // Another lead unit, other text, another date (the plans' order).
    edit(
        root,
        "(责任单位:县司法局、县人大常委会办公室",
        "(责任单位:县公安局、县人大常委会办公室",
    );
    edit(root, "强化宪法宣传教育。", "强化宪法宣传教育（修订）。");
    edit(
        root,
        "date_published: 2015-03-02",
        "date_published: 2019-01-01",
    );
    assert_eq!(ws.update_file(Path::new(COPY)), FileChange::Modified);
    let patch = patch_for(&ws, &live, Path::new(COPY)).expect("the fast path applies");
    apply(&mut live, &patch).unwrap();
    let full = generation(&ws);
    assert_same(&live, &full);
    // The units the edit moved a task between, and its topics, are stale.
    let unit = |name: &str| {
        full.site
            .units
            .iter()
            .position(|u| {
                u.name == name && full.site.jurisdictions[u.jurisdiction].name == "株洲市株洲县"
            })
            .unwrap()
    };
    let changes = patch.changes(&live.site);
    let keeps = |o: Owner| changes.keeps(o, Some(o));
    assert!(!keeps(Owner::Unit(unit("县司法局"))));
    assert!(!keeps(Owner::Unit(unit("县公安局"))));
    assert!(!keeps(Owner::Site));
    let other = full
        .site
        .plans
        .iter()
        .position(|p| p.slug == "daoli-2017-shijian-fangan")
        .unwrap();
    assert!(keeps(Owner::Plan(other)));
}

#[test]
fn a_new_unit_is_not_patched_in_place() {
    let dir = example();
    let root = dir.path();
    let mut ws = Workspace::open(root, "http://127.0.0.1:8000/");
    let live = generation(&ws);
    // A unit no plan names yet.
    edit(
        root,
        "(责任单位:县司法局、县人大常委会办公室",
        "(责任单位:县新设试点局、县人大常委会办公室",
    );
    ws.update_file(Path::new(COPY));
    assert!(patch_for(&ws, &live, Path::new(COPY)).is_err());
}

const ORIGINAL: &str = "content/zhuzhou-2015-fazhi-shishi-yijian.md";

fn edit_original(root: &Path, from: &str, to: &str) {
    edit_file(root, ORIGINAL, from, to);
}

#[test]
fn the_first_plan_to_name_its_units_is_patched_when_it_names_them_alike() {
    let dir = example();
    let root = dir.path();
    let mut ws = Workspace::open(root, "http://127.0.0.1:8000/");
    let mut live = generation(&ws);
    let k = live
        .site
        .plans
        .iter()
        .position(|p| p.source.path == Path::new(ORIGINAL))
        .unwrap();
    assert!(
        live.first_use.units.contains(&k),
        "the plan is the first to name some unit"
    );
    // Text and a unit named before in the plan: its units are created
    // in the same order.
    edit_original(root, "强化宪法宣传教育。", "强化宪法宣传教育（改）。");
    edit_original(
        root,
        "(责任单位:县司法局、县人大常委会办公室",
        "(责任单位:县司法局、县公安局、县人大常委会办公室",
    );
    ws.update_file(Path::new(ORIGINAL));
    let patch = patch_for(&ws, &live, Path::new(ORIGINAL)).expect("the fast path applies");
    apply(&mut live, &patch).unwrap();
    assert_same(&live, &generation(&ws));
}

#[test]
fn the_first_plan_naming_its_units_otherwise_takes_the_full_path() {
    let dir = example();
    let root = dir.path();
    let mut ws = Workspace::open(root, "http://127.0.0.1:8000/");
    let live = generation(&ws);
    // The plan's first two units swapped: the order of first naming,
    // hence the site's numbering, changes.
    edit_original(
        root,
        "(责任单位:县人大常委会办公室、县委办公室、",
        "(责任单位:县委办公室、县人大常委会办公室、",
    );
    ws.update_file(Path::new(ORIGINAL));
    let full = generation(&ws);
    assert_ne!(
        format!("{:?}", full.site.units),
        format!("{:?}", live.site.units)
    );
    assert!(patch_for(&ws, &live, Path::new(ORIGINAL)).is_err());
}

/// The lists of units a plan's text names (`责任单位:A、B`), as byte
/// ranges of the names.
fn unit_lists(text: &str) -> Vec<Vec<std::ops::Range<usize>>> {
    let mut lists = Vec::new();
    for (at, _) in text.match_indices("单位:") {
        let start = at + "单位:".len();
        let end = text[start..]
            .find([')', '。', ',', '\n'])
            .map_or(text.len(), |e| start + e);
        let mut names = Vec::new();
        let mut from = start;
        for name in text[start..end].split('、') {
            names.push(from..from + name.len());
            from += name.len() + '、'.len_utf8();
        }
        lists.push(names);
    }
    lists
}

/// One edit of a plan file's text, of the kind `step` gives, at a
/// random place; says what it did.
fn random_edit(text: &str, rng: &mut Rng, step: usize) -> (String, String) {
    let lists = unit_lists(text);
    match step % 5 {
        // A unit the plan names in an earlier list, added to a later one.
        0 if lists.len() >= 2 => {
            let later = 1 + rng.usize(..lists.len() - 1);
            let earlier = rng.usize(..later);
            let name = &text[lists[earlier][0].clone()];
            let at = lists[later][rng.usize(..lists[later].len())].start;
            let edited = format!("{}{name}、{}", &text[..at], &text[at..]);
            (edited, format!("added {name} to list {later}"))
        }
        // A unit removed from a list that names more than one.
        2 => match lists.iter().filter(|l| l.len() > 1).count() {
            0 => (text.to_string(), "nothing".into()),
            many => {
                let i = (0..lists.len())
                    .filter(|&i| lists[i].len() > 1)
                    .nth(rng.usize(..many))
                    .unwrap_or(0);
                let names = &lists[i];
                let n = rng.usize(..names.len());
                let cut = if n + 1 < names.len() {
                    names[n].start..names[n + 1].start
                } else {
                    names[n - 1].end..names[n].end
                };
                let edited = format!("{}{}", &text[..cut.start], &text[cut.end..]);
                (
                    edited,
                    format!("removed {} from list {i}", &text[names[n].clone()]),
                )
            }
        },
        // A unit no plan names.
        3 if !lists.is_empty() => {
            let at = lists[rng.usize(..lists.len())][0].start;
            let edited = format!("{}县新设第{step}局、{}", &text[..at], &text[at..]);
            (edited, "a new unit".into())
        }
        // The text of a task (or of the plan's body).
        _ => {
            let stops: Vec<usize> = text.match_indices('。').map(|(i, _)| i).collect();
            let at = stops[rng.usize(..stops.len())];
            let edited = format!("{}（第{step}次修改）{}", &text[..at], &text[at..]);
            (edited, "a text edit".into())
        }
    }
}

/// Every file of the site as `serve` returns it from `live`, against the
/// same file rendered from `full`, a generation assembled from the files.
fn assert_serves(live: &crate::serve::memory::Live, full: &Generation, what: &str) {
    use crate::serve::memory::Found;
    let served_paths = live.read(|g| {
        let mut paths: Vec<String> = g.outputs.keys().cloned().collect();
        paths.sort();
        paths
    });
    let mut paths: Vec<String> = full.outputs.keys().cloned().collect();
    paths.sort();
    assert_eq!(served_paths.as_ref(), Some(&paths), "{what}");
    let rendered = paths.iter().map(|path| {
        let (output, _) = full.outputs[path];
        (path.clone(), full.render(path, output).unwrap())
    });
    let mut differ = Vec::new();
    for (path, built) in rendered.chain(crate::search::build(&full.site)) {
        match live.get(&path) {
            Found::File(_, bytes) if *bytes == *built => {}
            _ => differ.push(path),
        }
    }
    assert!(
        differ.is_empty(),
        "{what}: {} files differ: {differ:?}",
        differ.len()
    );
}

/// Random sequences of edits (text, units added and removed, new
/// units) of the example's plans, each applied as `serve` applies it,
/// the fast path or the whole site, with the pages read before the edit
/// cached: what is served equals a site assembled from the files.
#[test]
fn random_edit_sequences_serve_what_a_clean_build_writes() {
    use crate::serve::memory::Live;
    let dir = example();
    let root = dir.path();
    let plans = ["content/daoli-2017-shijian-fangan.md", ORIGINAL, COPY];
    let mut ws = Workspace::open(root, "http://127.0.0.1:8000/");
    let live = Live::new(root);
    *live.write() = Some(generation(&ws));
    let mut rng = Rng::with_seed(0x9e37_79b9_7f4a_7c15);
    let mut incremental = 0;
    let mut log = Vec::new();
    for step in 0..7 {
        let rel = Path::new(plans[rng.usize(..plans.len())]);
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let (edited, what) = random_edit(&text, &mut rng, step);
        log.push(format!("{}: {what}", rel.display()));
        std::fs::write(root.join(rel), edited).unwrap();
        ws.update_file(rel);
        let mut guard = live.write();
        let g = guard.as_mut().unwrap();
        match patch_for(&ws, g, rel) {
            Ok(patch) => {
                apply(g, &patch).unwrap();
                let changes = patch.changes(&g.site);
                live.invalidate(|_, owner| changes.keeps(owner, Some(owner)));
                incremental += 1;
            }
            Err(why) => {
                log.push(format!("  full: {why}"));
                *g = generation(&ws);
                live.invalidate(|_, _| false);
            }
        }
        drop(guard);
        assert_serves(&live, &generation(&ws), &log.join("\n"));
    }
    assert!(incremental >= 4, "{}", log.join("\n"));
}
