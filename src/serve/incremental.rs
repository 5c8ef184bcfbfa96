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
//! Which files an edit makes stale is decided in [`crate::affects`], the
//! one place that knows it: the patch lists what the edited plans touch
//! ([`Changed`]), and [`Changes::in_place`] turns that into the owners
//! whose files stay.
//!
//! When any condition does not hold, the caller assembles the whole site,
//! as a build does, and keeps what [`Changes::between`] says the edit did
//! not touch (the path of a new, deleted or renamed plan file, a notice, or
//! a unit or topic no plan named before). After a fast update the server
//! also assembles the whole site when it is idle and compares
//! ([`fingerprint`]); a difference (which would be a bug here) replaces the
//! patched state with the full one.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hasher;
use std::path::Path;

use crate::affects::{Changed, Changes, names_of};
use crate::config::SiteConfig;
use crate::content::units::normalize;
use crate::content::{Loaded, RawNotice, RawPlan};
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::{
    Ids, JurisdictionId, NoticeId, Plan, PlanId, Site, TaskRef, Topic, TopicId, Unit, UnitId,
};
use crate::render::views::{KeptPlan, Views};

use super::memory::{FirstUse, Generation};
use super::workspace::Workspace;

/// What a fast update changes.
#[derive(Debug)]
pub struct Patch {
    /// The new plans, with the site's numbers, by the plan they replace.
    pub plans: Vec<(PlanId, Plan)>,
    /// What the edited plans touch, before and after the edit.
    pub changed: Changed,
}

impl Patch {
    /// What the patch changes, for [`Changes::keeps`].
    pub fn changes(&self, site: &Site) -> Changes {
        Changes::in_place(site, &self.changed)
    }
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
    let (old_ids, new_plans) = plans_of_file(ws, site, rel)?;
    let keys = Keys {
        topics: site
            .topics
            .iter()
            .enumerate()
            .map(|(t, topic)| (topic.name.as_str(), t))
            .collect(),
        units: unit_keys(site),
    };
    let raw_notices = ws.raw_notices();
    let mut patch = Patch {
        plans: Vec::new(),
        changed: Changed::default(),
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
        let (notice_ids, notices) = transmitting(site, &raw_notices, k, &raw.slug)?;
        let (mut plan, mini_site) = assemble_alone(ws, config, raw, notices)?;
        let numbers = keys.numbers(&mini_site.topics, &mini_site.units, old.jurisdiction);
        numbers.renumber(&mut plan)?;
        plan.jurisdiction = old.jurisdiction;
        plan.notice = match plan.notice {
            Some(local) => Some(*notice_ids.get(local).ok_or("a notice changed")?),
            None => None,
        };
        if plan.notice != old.notice {
            return Err("a notice changed");
        }
        let now =
            Creations::of_mini_site(first, k, &mini_site.units, &numbers.units, &numbers.topics)?;
        if now != created {
            return Err("the plan now names new units or topics, or no longer names some");
        }
        same_units(site, &mini_site.units, &numbers.units, &created.units)?;
        patch.changed.plan(k, old);
        patch.changed.plan(k, &plan);
        patch.plans.push((k, plan));
    }
    Ok(patch)
}

/// The notices that transmit plan `k`, and each as it was read, reduced to
/// transmitting the plan (now `slug`) alone.
fn transmitting(
    site: &Site,
    raw_notices: &HashMap<(std::path::PathBuf, usize), &RawNotice>,
    k: PlanId,
    slug: &str,
) -> Result<(Vec<NoticeId>, Vec<RawNotice>), &'static str> {
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
        notice.transmits = vec![slug.to_string()];
        notices.push(notice);
    }
    Ok((notice_ids, notices))
}

/// A plan assembled on its own, with the notices that transmit it, through
/// the function a build uses, so every check it makes on assembled content
/// applies here too: the plan, and the one-plan site without it.
fn assemble_alone(
    ws: &Workspace,
    config: &SiteConfig,
    raw: &RawPlan,
    notices: Vec<RawNotice>,
) -> Result<(Plan, Site), &'static str> {
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
    let mut mini_site = mini.site.ok_or("the plan has errors")?;
    let plans = std::mem::take(&mut mini_site.plans);
    let plan = plans
        .into_iter()
        .next()
        .ok_or("the plan was not assembled")?;
    Ok((plan, mini_site))
}

/// The site's plans read from `rel` and the file's plans as read again, in
/// the same order, when the file can be patched in.
fn plans_of_file<'w>(
    ws: &'w Workspace,
    site: &Site,
    rel: &Path,
) -> Result<(Vec<PlanId>, Vec<&'w RawPlan>), &'static str> {
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
    Ok((old_ids, new_plans))
}

/// The site's topics and units by name, to find a one-plan site's in.
struct Keys<'s> {
    topics: HashMap<&'s str, TopicId>,
    units: HashMap<(JurisdictionId, String), UnitId>,
}

impl Keys<'_> {
    /// The site's numbers of a one-plan site's topics and units (of
    /// `jurisdiction`): `None` for a name the site does not have.
    fn numbers(
        &self,
        mini_topics: &[Topic],
        mini_units: &[Unit],
        jurisdiction: JurisdictionId,
    ) -> Numbers {
        Numbers {
            topics: mini_topics
                .iter()
                .map(|t| self.topics.get(t.name.as_str()).copied())
                .collect(),
            units: mini_units
                .iter()
                .map(|u| {
                    std::iter::once(&u.name)
                        .chain(&u.other_names)
                        .find_map(|n| self.units.get(&(jurisdiction, normalize(n))).copied())
                })
                .collect(),
        }
    }
}

/// A one-plan site's numbers of topics and units mapped to the site's.
struct Numbers {
    topics: Vec<Option<TopicId>>,
    units: Vec<Option<UnitId>>,
}

const NEW_UNIT: &str = "the plan now names a new unit";
const NEW_TOPIC: &str = "the plan now names a new topic";

impl Numbers {
    fn topic(&self, t: TopicId) -> Result<TopicId, &'static str> {
        self.topics.get(t).copied().flatten().ok_or(NEW_TOPIC)
    }

    /// The site's numbers of `ids`, each once, in order.
    fn units(&self, ids: Ids) -> Result<Vec<UnitId>, &'static str> {
        let mut out: Vec<UnitId> = Vec::with_capacity(ids.len());
        for u in ids {
            let g = self.units.get(u).copied().flatten().ok_or(NEW_UNIT)?;
            if !out.contains(&g) {
                out.push(g);
            }
        }
        Ok(out)
    }

    /// Gives the plan and its tasks the site's numbers.
    fn renumber(&self, plan: &mut Plan) -> Result<(), &'static str> {
        plan.topics = plan
            .topics
            .iter()
            .map(|&t| self.topic(t))
            .collect::<Result<Vec<_>, _>>()?;
        for task in &mut plan.tasks {
            let lead = self.units(task.lead())?;
            let responsible = self.units(task.responsible())?;
            let participating = self.units(task.participating())?;
            let mut topics = task
                .topics()
                .iter()
                .map(|t| self.topic(t))
                .collect::<Result<Vec<_>, _>>()?;
            topics.sort_unstable();
            topics.dedup();
            task.set_ids(lead, responsible, participating, topics);
        }
        Ok(())
    }
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
    generation.digest = std::sync::OnceLock::new();
    let mut reuse: Vec<Option<KeptPlan>> = (0..generation.site.plans.len())
        .map(|q| generation.views.kept(q))
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
    let changed = &patch.changed.plans;
    for &u in &patch.changed.units {
        if let Some(t) = index.units.get_mut(u) {
            t.led.retain(|r| !changed.contains(&r.plan()));
            t.shared.retain(|r| !changed.contains(&r.plan()));
        }
    }
    for &t in &patch.changed.topics {
        if let Some(refs) = index.topics.get_mut(t) {
            refs.retain(|r| !changed.contains(&r.plan()));
        }
    }
    fn insert(refs: &mut Vec<TaskRef>, r: TaskRef) {
        let at = refs.partition_point(|x| *x < r);
        refs.insert(at, r);
    }
    for &k in changed {
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
    for &j in &patch.changed.jurisdictions {
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
mod tests;
