//! The fast path for the most common edit: one plan file saved, its plans
//! keeping their slugs and jurisdiction.
//!
//! Assembling a site numbers units and topics in the order plans first name
//! them, so one edit could in principle renumber everything. It cannot when
//! every unit and topic the plan names, before and after the edit, was
//! already named by an earlier plan: then the edited plan is assembled on its
//! own (a one-plan site, with the notices that transmit it), its local
//! numbers are mapped to the site's, and it replaces the old plan in place.
//! Only the task views of the edited plans are rendered again; the pages
//! that show other plans, units and topics stay cached.
//!
//! When any condition does not hold, the caller assembles the whole site,
//! as a build does. After a fast update the server also assembles the whole
//! site when it is idle and compares ([`fingerprint`]); a difference (which
//! would be a bug here) replaces the patched state with the full one.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hasher;
use std::path::Path;

use crate::content::assemble::assemble;
use crate::content::units::normalize;
use crate::content::{RawNotice, RawPlan};
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::{JurisdictionId, NoticeId, Plan, PlanId, Site, TopicId, UnitId};
use crate::render::pages::Views;

use super::memory::{Generation, Owner};
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
        units.extend(task.all_units());
        topics.extend(task.topics.iter().copied());
    }
    (units, topics)
}

/// Tries the fast path for the content file `rel`, which was read again
/// into `ws`. `None` means: assemble the whole site.
pub fn patch_for(ws: &Workspace, generation: &Generation, rel: &Path) -> Option<Patch> {
    let site = &generation.site;
    let config = ws.config.as_ref().ok()?;
    let file = ws.files.get(rel)?;
    let new = &file.loaded;
    if new.diagnostics.iter().any(Diagnostic::is_error) || !new.notices.is_empty() {
        return None;
    }
    if site.notices.iter().any(|n| n.source.path == rel) {
        return None;
    }
    let old_ids: Vec<PlanId> = (0..site.plans.len())
        .filter(|&p| site.plans[p].source.path == rel)
        .collect();
    let mut new_plans: Vec<&RawPlan> = new.plans.iter().collect();
    new_plans.sort_by_key(|p| p.source.line);
    if old_ids.is_empty() || old_ids.len() != new_plans.len() {
        return None;
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
    let named_before = |k: PlanId, units: &BTreeSet<UnitId>, topics: &BTreeSet<TopicId>| {
        units
            .iter()
            .all(|&u| first.units.get(u).is_some_and(|&f| f < k))
            && topics.iter().all(|&t| match first.topics.get(t) {
                Some(None) => true,
                Some(Some(f)) => *f < k,
                None => false,
            })
    };
    for (&k, raw) in old_ids.iter().zip(new_plans) {
        let old = &site.plans[k];
        let jurisdiction = &site.jurisdictions[old.jurisdiction];
        if raw.slug != old.slug || raw.jurisdiction != jurisdiction.name {
            return None;
        }
        let (old_units, old_topics) = names_of(old);
        if !named_before(k, &old_units, &old_topics) {
            return None;
        }
        // The notices that transmit this plan, as they were read, each
        // reduced to transmitting this plan alone.
        let notice_ids: Vec<NoticeId> = (0..site.notices.len())
            .filter(|&n| site.notices[n].plans.contains(&k))
            .collect();
        let mut notices: Vec<RawNotice> = Vec::new();
        for &n in &notice_ids {
            let source = &site.notices[n].source;
            let mut notice = (*raw_notices.get(&(source.path.clone(), source.line))?).clone();
            notice.transmits = vec![raw.slug.clone()];
            notices.push(notice);
        }
        let mini = assemble(config.clone(), vec![raw.clone()], notices, &ws.registry);
        if mini.diagnostics.iter().any(Diagnostic::is_error) {
            return None;
        }
        let mini_site = mini.site;
        let mut plan = mini_site.plans.into_iter().next()?;
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
        let map_units = |ids: &[UnitId]| -> Option<Vec<UnitId>> {
            let mut out: Vec<UnitId> = Vec::with_capacity(ids.len());
            for &u in ids {
                let g = unit_map.get(u).copied().flatten()?;
                if !out.contains(&g) {
                    out.push(g);
                }
            }
            Some(out)
        };
        plan.jurisdiction = old.jurisdiction;
        plan.topics = plan
            .topics
            .iter()
            .map(|&t| map_topic(t))
            .collect::<Option<Vec<_>>>()?;
        for task in &mut plan.tasks {
            task.lead = map_units(&task.lead)?;
            task.responsible = map_units(&task.responsible)?;
            task.participating = map_units(&task.participating)?;
            let mut topics = task
                .topics
                .iter()
                .map(|&t| map_topic(t))
                .collect::<Option<Vec<_>>>()?;
            topics.sort_unstable();
            topics.dedup();
            task.topics = topics;
        }
        plan.notice = match plan.notice {
            Some(local) => Some(*notice_ids.get(local)?),
            None => None,
        };
        if plan.notice != old.notice {
            return None;
        }
        let (new_units, new_topics) = names_of(&plan);
        if !named_before(k, &new_units, &new_topics) {
            return None;
        }
        patch.units.extend(old_units.into_iter().chain(new_units));
        patch.topics.extend(old_topics.into_iter().chain(new_topics));
        patch.notices.extend(notice_ids);
        patch.jurisdictions.insert(old.jurisdiction);
        patch.plans.push((k, plan));
    }
    Some(patch)
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

/// Applies a patch: the plans are replaced, the index is built again (it is
/// cheap), and the task views of all other plans are kept. The list of
/// files is made again too: a unit's or topic's pages are split by task
/// count, so an edit can add or remove one of them.
pub fn apply(generation: &mut Generation, patch: &Patch) -> Result<(), Diagnostic> {
    for (k, plan) in &patch.plans {
        generation.site.plans[*k] = plan.clone();
    }
    generation.index = Index::build(&generation.site);
    let mut reuse: Vec<Option<Vec<crate::render::views::TaskView>>> =
        std::mem::take(&mut generation.views.tasks)
            .into_iter()
            .map(Some)
            .collect();
    for (k, _) in &patch.plans {
        if let Some(slot) = reuse.get_mut(*k) {
            *slot = None;
        }
    }
    generation.views = Views::build_reusing(&generation.site, &generation.index, reuse);
    generation.outputs = generation.list_outputs()?;
    Ok(())
}

/// A hash of everything in the model, to compare a patched site with a
/// fully assembled one without holding two copies of its text.
pub fn fingerprint(site: &Site) -> u64 {
    struct HashWriter(std::collections::hash_map::DefaultHasher);
    impl std::fmt::Write for HashWriter {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.write(s.as_bytes());
            Ok(())
        }
    }
    let mut w = HashWriter(std::collections::hash_map::DefaultHasher::new());
    // Debug output covers every field; writing into a hasher cannot fail.
    let _ = std::fmt::write(&mut w, format_args!("{site:?}"));
    w.0.finish()
}
