//! The fast path for the most common edit: one plan file saved, its plans
//! keeping their slugs and jurisdiction.
//!
//! Assembling a site numbers units and topics in the order plans first name
//! them, so one edit could in principle renumber everything. What plan `k`
//! adds to that numbering is the units and topics it is the first to name,
//! in the order it names them (its `Creations`); every other name it uses
//! finds an existing number. So when the edited plan names, before and after
//! the edit, only things named by earlier plans or the same new things in
//! the same order, with the same names, every number stays: the edited plan
//! is assembled on its own (a one-plan site, with the notices that transmit
//! it), its local numbers are mapped to the site's, and it replaces the old
//! plan in place. This holds for any plan, the first of the site included.
//! Only the task rows of the edited plans are rendered again; the pages
//! that show other plans, units and topics stay cached.
//!
//! Which files an edit makes stale is decided in one place: every output
//! has an [`Owner`] (what it shows, given by [`Generation::list_outputs`]),
//! and [`Patch::keeps`] says whether an owner is untouched by the patch. An
//! incremental `build` would use the same pair: the patch between the last
//! build's model and the new files, then write again only the outputs whose
//! owner the patch does not keep.
//!
//! When any condition does not hold, the caller assembles the whole site,
//! as a build does. After a fast update the server also assembles the whole
//! site when it is idle and compares ([`fingerprint`]); a difference (which
//! would be a bug here) replaces the patched state with the full one.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hasher;
use std::path::Path;

use crate::content::units::normalize;
use crate::content::{Loaded, RawNotice, RawPlan};
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::{Ids, JurisdictionId, NoticeId, Plan, PlanId, Site, TaskRef, TopicId, UnitId};
use crate::render::views::{PlanRows, Views};

use super::memory::{FirstUse, Generation, Owner};
use super::workspace::Workspace;

/// What a fast update changes.
#[derive(Debug)]
pub struct Patch {
    /// The new plans, with the site's numbers, by the plan they replace.
    pub plans: Vec<(PlanId, Plan)>,
    /// Units, topics and notices the edited plans name, before or after.
    pub units: BTreeSet<UnitId>,
    pub topics: BTreeSet<TopicId>,
    pub notices: BTreeSet<NoticeId>,
    pub jurisdictions: BTreeSet<JurisdictionId>,
}

impl Patch {
    /// Whether a cached file still shows the right thing after the patch.
    pub fn keeps(&self, owner: Owner) -> bool {
        match owner {
            Owner::Plan(p) => !self.plans.iter().any(|(k, _)| *k == p),
            Owner::Notice(n) => !self.notices.contains(&n),
            Owner::Unit(u) => !self.units.contains(&u),
            Owner::Topic(t) => !self.topics.contains(&t),
            Owner::Jurisdiction(j) => !self.jurisdictions.contains(&j),
            Owner::Site => false,
        }
    }
}

/// Units and topics a plan names (its tasks' units, its own and its tasks'
/// topics).
fn names_of(plan: &Plan) -> (BTreeSet<UnitId>, BTreeSet<TopicId>) {
    let mut units = BTreeSet::new();
    let mut topics: BTreeSet<TopicId> = plan.topics.iter().copied().collect();
    for task in &plan.tasks {
        units.extend(task.named_units());
        topics.extend(task.topics());
    }
    (units, topics)
}

/// Tries the fast path for the content file `rel`, which was read again
/// into `ws`. An error says why the whole site must be assembled instead.
pub fn patch_for(
    ws: &Workspace,
    generation: &Generation,
    rel: &Path,
) -> Result<Patch, &'static str> {
    let site = &generation.site;
    let config = ws.config.as_ref().map_err(|_| "site.yaml has errors")?;
    let file = ws.files.get(rel).ok_or("the file is new")?;
    let new = &file.loaded;
    if new.diagnostics.iter().any(Diagnostic::is_error) {
        return Err("the file has errors");
    }
    if !new.notices.is_empty() || site.notices.iter().any(|n| n.source.path == rel) {
        return Err("the file holds a notice");
    }
    let old_ids: Vec<PlanId> = (0..site.plans.len())
        .filter(|&p| site.plans[p].source.path == rel)
        .collect();
    let mut new_plans: Vec<&RawPlan> = new.plans.iter().collect();
    new_plans.sort_by_key(|p| p.source.line);
    if old_ids.is_empty() || old_ids.len() != new_plans.len() {
        return Err("the file's plans were added or removed");
    }
    let topic_ids: HashMap<&str, TopicId> = site
        .topics
        .iter()
        .enumerate()
        .map(|(t, topic)| (topic.name.as_str(), t))
        .collect();
    let unit_ids = unit_keys(site);
    let raw_notices = ws.raw_notices();
    let mut patch = Patch {
        plans: Vec::new(),
        units: BTreeSet::new(),
        topics: BTreeSet::new(),
        notices: BTreeSet::new(),
        jurisdictions: BTreeSet::new(),
    };
    let first = &generation.first_use;
    for (&k, raw) in old_ids.iter().zip(new_plans) {
        let old = &site.plans[k];
        let jurisdiction = &site.jurisdictions[old.jurisdiction];
        if raw.slug != old.slug || raw.jurisdiction != jurisdiction.name {
            return Err("a slug or jurisdiction changed");
        }
        let (old_units, old_topics) = names_of(old);
        let created = Creations::of_site_plan(first, k, &old_units, &old_topics);
        // The notices that transmit this plan, as they were read, each
        // reduced to transmitting this plan alone.
        let notice_ids: Vec<NoticeId> = (0..site.notices.len())
            .filter(|&n| site.notices[n].plans.contains(&k))
            .collect();
        let mut notices: Vec<RawNotice> = Vec::new();
        for &n in &notice_ids {
            let source = &site.notices[n].source;
            let mut notice = (*raw_notices
                .get(&(source.path.clone(), source.line))
                .ok_or("a notice was not found")?)
            .clone();
            notice.transmits = vec![raw.slug.clone()];
            notices.push(notice);
        }
        // Through the function a build uses, so every check it makes on
        // assembled content applies here too.
        let mini = crate::content::assemble_loaded(
            config.clone(),
            Loaded {
                plans: vec![raw.clone()],
                notices,
                diagnostics: Vec::new(),
                failed: Vec::new(),
            },
            &ws.registry,
            Vec::new(),
        );
        let mini_site = mini.site.ok_or("the plan has errors")?;
        let mut plan = mini_site
            .plans
            .into_iter()
            .next()
            .ok_or("the plan was not assembled")?;
        // Local numbers to the site's.
        let topic_map: Vec<Option<TopicId>> = mini_site
            .topics
            .iter()
            .map(|t| topic_ids.get(t.name.as_str()).copied())
            .collect();
        let unit_map: Vec<Option<UnitId>> = mini_site
            .units
            .iter()
            .map(|u| {
                std::iter::once(&u.name)
                    .chain(&u.other_names)
                    .find_map(|n| unit_ids.get(&(old.jurisdiction, normalize(n))).copied())
            })
            .collect();
        let map_topic = |t: TopicId| topic_map.get(t).copied().flatten();
        let new_unit = "the plan now names a new unit";
        let new_topic = "the plan now names a new topic";
        let map_units = |ids: Ids| -> Result<Vec<UnitId>, &'static str> {
            let mut out: Vec<UnitId> = Vec::with_capacity(ids.len());
            for u in ids {
                let g = unit_map.get(u).copied().flatten().ok_or(new_unit)?;
                if !out.contains(&g) {
                    out.push(g);
                }
            }
            Ok(out)
        };
        plan.jurisdiction = old.jurisdiction;
        plan.topics = plan
            .topics
            .iter()
            .map(|&t| map_topic(t).ok_or(new_topic))
            .collect::<Result<Vec<_>, _>>()?;
        for task in &mut plan.tasks {
            let lead = map_units(task.lead())?;
            let responsible = map_units(task.responsible())?;
            let participating = map_units(task.participating())?;
            let mut topics = task
                .topics()
                .iter()
                .map(|t| map_topic(t).ok_or(new_topic))
                .collect::<Result<Vec<_>, _>>()?;
            topics.sort_unstable();
            topics.dedup();
            task.set_ids(lead, responsible, participating, topics);
        }
        plan.notice = match plan.notice {
            Some(local) => Some(*notice_ids.get(local).ok_or("a notice changed")?),
            None => None,
        };
        if plan.notice != old.notice {
            return Err("a notice changed");
        }
        let now = Creations::of_mini_site(first, k, &mini_site.units, &unit_map, &topic_map)?;
        if now != created {
            return Err("the plan now names new units or topics, or no longer names some");
        }
        same_units(site, &mini_site.units, &unit_map, &created.units)?;
        let (new_units, new_topics) = names_of(&plan);
        patch.units.extend(old_units.into_iter().chain(new_units));
        patch
            .topics
            .extend(old_topics.into_iter().chain(new_topics));
        patch.notices.extend(notice_ids);
        patch.jurisdictions.insert(old.jurisdiction);
        patch.plans.push((k, plan));
    }
    Ok(patch)
}

/// The units and topics a plan is the first to name, in the order it names
/// them (which is the order of their numbers): all a plan contributes to the
/// site's numbering. Two versions of a plan with equal creations leave every
/// number of the site as it was.
#[derive(Debug, PartialEq, Eq)]
struct Creations {
    units: Vec<UnitId>,
    topics: Vec<TopicId>,
}

impl Creations {
    /// What plan `k` of the site creates: what it names whose first use is
    /// `k`, by number.
    fn of_site_plan(
        first: &FirstUse,
        k: PlanId,
        units: &BTreeSet<UnitId>,
        topics: &BTreeSet<TopicId>,
    ) -> Creations {
        Creations {
            units: units
                .iter()
                .copied()
                .filter(|&u| first.units.get(u) == Some(&k))
                .collect(),
            topics: topics
                .iter()
                .copied()
                .filter(|&t| first.topics.get(t) == Some(&Some(k)))
                .collect(),
        }
    }

    /// What plan `k` would create once edited, from its assembly on its
    /// own: its local numbers follow its order of first naming, so the
    /// site's numbers of its units and topics, in local order, without the
    /// ones earlier plans name, are what it creates. A unit or topic new to
    /// the site, or first named by a later plan, would renumber the site.
    fn of_mini_site(
        first: &FirstUse,
        k: PlanId,
        mini_units: &[crate::model::Unit],
        unit_map: &[Option<UnitId>],
        topic_map: &[Option<TopicId>],
    ) -> Result<Creations, &'static str> {
        let mut created = Creations {
            units: Vec::new(),
            topics: Vec::new(),
        };
        for u in 0..mini_units.len() {
            let g = unit_map
                .get(u)
                .copied()
                .flatten()
                .ok_or("the plan now names a new unit")?;
            match first.units.get(g) {
                Some(&f) if f < k => {}
                Some(&f) if f == k => {
                    if !created.units.contains(&g) {
                        created.units.push(g);
                    }
                }
                _ => return Err("the plan now names a unit a later plan names first"),
            }
        }
        for &t in topic_map {
            let t = t.ok_or("the plan now names a new topic")?;
            match first.topics.get(t) {
                Some(None) => {}
                Some(Some(f)) if *f < k => {}
                Some(Some(f)) if *f == k => {
                    if !created.topics.contains(&t) {
                        created.topics.push(t);
                    }
                }
                _ => return Err("the plan now names a topic a later plan names first"),
            }
        }
        Ok(created)
    }
}

/// The units a plan creates keep their names and kind: the first spelling
/// a plan writes of an unregistered unit is its name, so writing another
/// one first renames the unit.
fn same_units(
    site: &Site,
    mini_units: &[crate::model::Unit],
    unit_map: &[Option<UnitId>],
    created: &[UnitId],
) -> Result<(), &'static str> {
    for (mini, g) in mini_units.iter().zip(unit_map) {
        let Some(g) = g.filter(|g| created.contains(g)) else {
            continue;
        };
        let unit = &site.units[g];
        if (&mini.name, &mini.other_names, mini.kind, mini.registered)
            != (&unit.name, &unit.other_names, unit.kind, unit.registered)
        {
            return Err("a unit the plan is the first to name is now named otherwise");
        }
    }
    Ok(())
}

/// Every name of every unit, by jurisdiction, to the unit that holds it;
/// the first unit to hold a name keeps it, as in assembling.
fn unit_keys(site: &Site) -> HashMap<(JurisdictionId, String), UnitId> {
    let mut keys = HashMap::new();
    for (u, unit) in site.units.iter().enumerate() {
        for n in std::iter::once(&unit.name).chain(&unit.other_names) {
            keys.entry((unit.jurisdiction, normalize(n))).or_insert(u);
        }
    }
    keys
}

/// Applies a patch: the plans are replaced, the index is updated for them,
/// and the task rows of all other plans are kept. The list of files is
/// made again only when the list of pages changed: a unit's or topic's
/// pages are split by task count, so an edit can add or remove one.
pub fn apply(generation: &mut Generation, patch: &Patch) -> Result<(), Diagnostic> {
    for (k, plan) in &patch.plans {
        generation.site.plans[*k] = plan.clone();
    }
    patch_index(&mut generation.index, &generation.site, patch);
    generation.search = std::sync::OnceLock::new();
    let mut reuse: Vec<Option<PlanRows>> = std::mem::take(&mut generation.views.rows)
        .into_iter()
        .map(Some)
        .collect();
    for (k, _) in &patch.plans {
        if let Some(slot) = reuse.get_mut(*k) {
            *slot = None;
        }
    }
    generation.views = Views::build_reusing(
        &generation.site,
        &generation.index,
        &generation.theme,
        reuse,
    )?;
    if generation.input().pages() != generation.pages {
        generation.outputs = generation.list_outputs()?;
    }
    Ok(())
}

/// Updates the index for the patched plans: their task references leave
/// the units and topics they named and join the ones they name now, in
/// task order, as [`Index::build`] would put them.
fn patch_index(index: &mut Index, site: &Site, patch: &Patch) {
    let changed: BTreeSet<PlanId> = patch.plans.iter().map(|(k, _)| *k).collect();
    for &u in &patch.units {
        if let Some(t) = index.units.get_mut(u) {
            t.led.retain(|r| !changed.contains(&r.plan()));
            t.shared.retain(|r| !changed.contains(&r.plan()));
        }
    }
    for &t in &patch.topics {
        if let Some(refs) = index.topics.get_mut(t) {
            refs.retain(|r| !changed.contains(&r.plan()));
        }
    }
    fn insert(refs: &mut Vec<TaskRef>, r: TaskRef) {
        let at = refs.partition_point(|x| *x < r);
        refs.insert(at, r);
    }
    for &k in &changed {
        let plan = &site.plans[k];
        for (t, task) in plan.tasks.iter().enumerate() {
            let r = TaskRef::new(k, t);
            for u in task.lead() {
                insert(&mut index.units[u].led, r);
            }
            for u in task.shared_units() {
                insert(&mut index.units[u].shared, r);
            }
            for topic in task.topics() {
                insert(&mut index.topics[topic], r);
            }
        }
    }
    for &j in &patch.jurisdictions {
        if let Some(ji) = index.jurisdictions.get_mut(j) {
            ji.task_count = ji.plans.iter().map(|&p| site.plans[p].tasks.len()).sum();
        }
    }
    // Dates may have changed: the order of Index::build, newest first.
    index.plans_by_date.sort_by(|&a, &b| {
        let (pa, pb) = (&site.plans[a], &site.plans[b]);
        let da = pa.meta.date_published.or(pa.meta.date_signed);
        let db = pb.meta.date_published.or(pb.meta.date_signed);
        db.cmp(&da).then_with(|| pa.slug.cmp(&pb.slug))
    });
}

/// Hashes of what an incremental update could get wrong: the tables of
/// units, topics, jurisdictions and notices (their numbering), and the
/// updated plans. Other plans are assembled from unchanged files against
/// unchanged tables, so they are the same in both.
#[derive(Debug, PartialEq, Eq)]
pub struct Fingerprint {
    tables: u64,
    plans: Vec<(PlanId, u64)>,
}

pub fn fingerprint(site: &Site, plans: &BTreeSet<PlanId>) -> Fingerprint {
    Fingerprint {
        tables: hash_debug(&(
            &site.jurisdictions,
            &site.units,
            &site.topics,
            &site.notices,
            site.plans.len(),
        )),
        plans: plans
            .iter()
            .map(|&p| (p, site.plans.get(p).map(hash_debug).unwrap_or(0)))
            .collect(),
    }
}

/// A hash of a value's Debug text, written straight into the hasher.
fn hash_debug<T: std::fmt::Debug>(value: &T) -> u64 {
    struct HashWriter(std::collections::hash_map::DefaultHasher);
    impl std::fmt::Write for HashWriter {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut w = HashWriter(std::collections::hash_map::DefaultHasher::new());
    // Writing into a hasher cannot fail.
    let _ = std::fmt::write(&mut w, format_args!("{value:?}"));
    w.0.finish()
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
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
        assert!(!patch.keeps(Owner::Unit(unit("县司法局"))));
        assert!(!patch.keeps(Owner::Unit(unit("县公安局"))));
        assert!(!patch.keeps(Owner::Site));
        let other = full
            .site
            .plans
            .iter()
            .position(|p| p.slug == "daoli-2017-shijian-fangan")
            .unwrap();
        assert!(patch.keeps(Owner::Plan(other)));
    }

    #[test]
    fn a_new_unit_takes_the_full_path() {
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

    /// A small deterministic generator (xorshift), so a failing sequence
    /// can be replayed from its seed.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
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
                let later = 1 + rng.below(lists.len() - 1);
                let earlier = rng.below(later);
                let name = &text[lists[earlier][0].clone()];
                let at = lists[later][rng.below(lists[later].len())].start;
                let edited = format!("{}{name}、{}", &text[..at], &text[at..]);
                (edited, format!("added {name} to list {later}"))
            }
            // A unit removed from a list that names more than one.
            2 => match lists.iter().filter(|l| l.len() > 1).count() {
                0 => (text.to_string(), "nothing".into()),
                many => {
                    let i = (0..lists.len())
                        .filter(|&i| lists[i].len() > 1)
                        .nth(rng.below(many))
                        .unwrap_or(0);
                    let names = &lists[i];
                    let n = rng.below(names.len());
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
                let at = lists[rng.below(lists.len())][0].start;
                let edited = format!("{}县新设第{step}局、{}", &text[..at], &text[at..]);
                (edited, "a new unit".into())
            }
            // The text of a task (or of the plan's body).
            _ => {
                let stops: Vec<usize> = text.match_indices('。').map(|(i, _)| i).collect();
                let at = stops[rng.below(stops.len())];
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
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut incremental = 0;
        let mut log = Vec::new();
        for step in 0..7 {
            let rel = Path::new(plans[rng.below(plans.len())]);
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
                    live.invalidate(|_, owner| patch.keeps(owner));
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
}
