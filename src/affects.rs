//! Which outputs an input change affects: given the previous model and the
//! new one, which pages and data files of the site change. The one place
//! that knows it: `serve` uses it to keep what it has rendered, and an
//! incremental `build` (issue 20) is to use it to write only what changed.
//!
//! Every output has an [`Owner`], what it shows ([`page_owner`],
//! [`DataOwners`]). [`Changes`] says, for each owner of the new model,
//! whether it is unchanged and what it was called in the previous model: a
//! file whose owner is unchanged, and was the same owner before, has the
//! same bytes ([`Changes::keeps`]). [`Owner::Site`] (home, lists, sitemap,
//! feed, the search index) changes with every content change.
//!
//! Ids are positions, numbered in the order plans first name things, so one
//! edit can renumber the whole site without changing what any page shows.
//! [`Changes::between`] therefore matches the two models by keys that do not
//! depend on order (plans and notices by slug, units by jurisdiction and
//! name, topics and jurisdictions by name) and compares through that
//! matching:
//!
//! - a plan changes when it is new, its file changed, or anything it shows of
//!   other entities changed: the units and topics it names (which ones, their
//!   names, paths and kinds, and the order of a task's topics), its
//!   jurisdiction's link, its notice;
//! - a unit or topic changes when it is new or renamed, or its tasks are not
//!   the same tasks of unchanged plans in the same order;
//! - a notice when it is new, its file changed, or one of its plans changed;
//! - a jurisdiction when its link or any plan, notice or unit of it changed.
//!
//! [`Changes::in_place`] is the same rule for an update that keeps every id
//! (`serve`'s fast path for one saved plan, `crate::serve::incremental`).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::index::Index;
use crate::model::{JurisdictionId, NoticeId, Plan, PlanId, Site, TaskRef, TopicId, UnitId};
use crate::urls::{self, Page};

/// What an output shows, for deciding which outputs a change makes stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Plan(PlanId),
    Notice(NoticeId),
    Unit(UnitId),
    Topic(TopicId),
    Jurisdiction(JurisdictionId),
    /// Lists, feeds and anything else that may show any document: changed
    /// by every content change.
    Site,
}

/// The owner of a page.
pub fn page_owner(page: Page) -> Owner {
    match page {
        Page::Plan(p) => Owner::Plan(p),
        Page::Notice(n) => Owner::Notice(n),
        Page::Unit(u, _) => Owner::Unit(u),
        Page::Topic(t, _) => Owner::Topic(t),
        Page::Jurisdiction(j) => Owner::Jurisdiction(j),
        Page::Home
        | Page::Plans
        | Page::Units
        | Page::Topics
        | Page::Jurisdictions
        | Page::Search
        | Page::NotFound => Owner::Site,
    }
}

/// The owners of data files: a unit's files are in its folder, a plan's
/// file is named after its slug, the rest show the whole site.
pub struct DataOwners {
    unit_dirs: HashMap<String, UnitId>,
    plan_files: HashMap<String, PlanId>,
}

impl DataOwners {
    /// `unit_paths`: each unit's folder, by unit id.
    pub fn new(site: &Site, unit_paths: &[String]) -> DataOwners {
        DataOwners {
            unit_dirs: unit_paths
                .iter()
                .enumerate()
                .map(|(u, p)| (p.clone(), u))
                .collect(),
            plan_files: site
                .plans
                .iter()
                .enumerate()
                .map(|(p, plan)| (urls::plan_data_path(&plan.slug), p))
                .collect(),
        }
    }

    pub fn of(&self, path: &str) -> Owner {
        let dir = path.rfind('/').map(|i| &path[..=i]).unwrap_or("");
        if let Some(&u) = self.unit_dirs.get(dir) {
            Owner::Unit(u)
        } else if let Some(&p) = self.plan_files.get(path) {
            Owner::Plan(p)
        } else {
            Owner::Site
        }
    }
}

/// Units and topics a plan names: its tasks' units, its own and its tasks'
/// topics. A plan's change affects their pages.
pub fn names_of(plan: &Plan) -> (BTreeSet<UnitId>, BTreeSet<TopicId>) {
    let mut units = BTreeSet::new();
    let mut topics: BTreeSet<TopicId> = plan.topics.iter().copied().collect();
    for task in &plan.tasks {
        units.extend(task.named_units());
        topics.extend(task.topics());
    }
    (units, topics)
}

/// For each entity of the new model, its id in the previous model when it
/// is unchanged (`None`: new or changed).
#[derive(Debug, Default)]
pub struct Changes {
    plans: Vec<Option<PlanId>>,
    notices: Vec<Option<NoticeId>>,
    units: Vec<Option<UnitId>>,
    topics: Vec<Option<TopicId>>,
    jurisdictions: Vec<Option<JurisdictionId>>,
}

/// Each new id's counterpart in the previous model, by key, and back.
struct Matching {
    was: Vec<Option<usize>>,
    now: Vec<Option<usize>>,
}

impl Matching {
    fn by_key<K: std::hash::Hash + Eq>(
        old: impl Iterator<Item = K>,
        new: impl Iterator<Item = K>,
    ) -> Matching {
        let old: HashMap<K, usize> = old.enumerate().map(|(i, k)| (k, i)).collect();
        let was: Vec<Option<usize>> = new.map(|k| old.get(&k).copied()).collect();
        let mut now = vec![None; old.len()];
        for (i, w) in was.iter().enumerate() {
            if let Some(w) = *w {
                now[w] = Some(i);
            }
        }
        Matching { was, now }
    }

    /// The new ids of old ones, in order; `None` if one has no counterpart.
    fn map(&self, old: impl Iterator<Item = usize>) -> Option<Vec<usize>> {
        old.map(|o| self.now.get(o).copied().flatten()).collect()
    }
}

impl Changes {
    /// Compares the previous model with the new one. `file_changed` says
    /// whether a source file (as in [`crate::model::SourceFile::path`]) is
    /// not what the previous model was read from.
    pub fn between(
        old: (&Site, &Index),
        new: (&Site, &Index),
        file_changed: &dyn Fn(&Path) -> bool,
    ) -> Changes {
        let m = Matchings::of(old.0, new.0);
        let links = m.links(old.0, new.0, file_changed);
        let plans = m.plans(old.0, new.0, &links, file_changed);
        links.listings(old, new, plans)
    }

    /// The changes of an update that keeps every id: `plans` were replaced,
    /// and before and after they named `units` and `topics`, belonged to
    /// `jurisdictions` and were transmitted by `notices`.
    pub fn in_place(site: &Site, changed: &Changed) -> Changes {
        let same = |len: usize, set: &BTreeSet<usize>| {
            (0..len).map(|i| (!set.contains(&i)).then_some(i)).collect()
        };
        Changes {
            plans: same(site.plans.len(), &changed.plans),
            notices: same(site.notices.len(), &changed.notices),
            units: same(site.units.len(), &changed.units),
            topics: same(site.topics.len(), &changed.topics),
            jurisdictions: same(site.jurisdictions.len(), &changed.jurisdictions),
        }
    }

    /// The owner (in the previous model) of an owner of the new model, when
    /// what it shows is unchanged.
    pub fn was(&self, owner: Owner) -> Option<Owner> {
        let at = |v: &[Option<usize>], i: usize| v.get(i).copied().flatten();
        match owner {
            Owner::Plan(i) => at(&self.plans, i).map(Owner::Plan),
            Owner::Notice(i) => at(&self.notices, i).map(Owner::Notice),
            Owner::Unit(i) => at(&self.units, i).map(Owner::Unit),
            Owner::Topic(i) => at(&self.topics, i).map(Owner::Topic),
            Owner::Jurisdiction(i) => at(&self.jurisdictions, i).map(Owner::Jurisdiction),
            Owner::Site => None,
        }
    }

    /// Whether an output made for `old` (in the previous model), whose path
    /// now belongs to `new` (or to nothing), still has the right bytes.
    pub fn keeps(&self, old: Owner, new: Option<Owner>) -> bool {
        new.and_then(|o| self.was(o)) == Some(old)
    }

    /// The previous id of each plan of the new model that is unchanged.
    pub fn plans_kept(&self) -> &[Option<PlanId>] {
        &self.plans
    }

    /// How many entities of each kind changed (plans, units, topics), to say.
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |v: &[Option<usize>]| v.iter().filter(|x| x.is_none()).count();
        (n(&self.plans), n(&self.units), n(&self.topics))
    }
}

/// The entities an update that keeps ids touched (see [`Changes::in_place`]).
#[derive(Debug, Default)]
pub struct Changed {
    pub plans: BTreeSet<PlanId>,
    pub units: BTreeSet<UnitId>,
    pub topics: BTreeSet<TopicId>,
    pub notices: BTreeSet<NoticeId>,
    pub jurisdictions: BTreeSet<JurisdictionId>,
}

impl Changed {
    /// Notes that plan `k`, as `plan`, changed: what it names and where it
    /// belongs change with it. Called with the plan before and after.
    pub fn plan(&mut self, k: PlanId, plan: &Plan) {
        let (units, topics) = names_of(plan);
        self.plans.insert(k);
        self.units.extend(units);
        self.topics.extend(topics);
        self.notices.extend(plan.notice);
        self.jurisdictions.insert(plan.jurisdiction);
    }
}

/// Each entity of the new model's counterpart in the previous one.
struct Matchings {
    j: Matching,
    u: Matching,
    t: Matching,
    p: Matching,
    n: Matching,
}

/// Each entity whose link (what other pages show of it) is unchanged, with
/// its previous id.
struct Links {
    j: Vec<Option<JurisdictionId>>,
    u: Vec<Option<UnitId>>,
    t: Vec<Option<TopicId>>,
    n: Vec<Option<NoticeId>>,
}

impl Matchings {
    fn of(os: &Site, ns: &Site) -> Matchings {
        let jname = |s: &Site, id: JurisdictionId| s.jurisdictions[id].name.clone();
        Matchings {
            j: Matching::by_key(
                os.jurisdictions.iter().map(|j| j.name.as_str()),
                ns.jurisdictions.iter().map(|j| j.name.as_str()),
            ),
            u: Matching::by_key(
                os.units
                    .iter()
                    .map(|u| (jname(os, u.jurisdiction), u.name.clone())),
                ns.units
                    .iter()
                    .map(|u| (jname(ns, u.jurisdiction), u.name.clone())),
            ),
            t: Matching::by_key(
                os.topics.iter().map(|t| t.name.as_str()),
                ns.topics.iter().map(|t| t.name.as_str()),
            ),
            p: Matching::by_key(
                os.plans.iter().map(|p| p.slug.as_str()),
                ns.plans.iter().map(|p| p.slug.as_str()),
            ),
            n: Matching::by_key(
                os.notices.iter().map(|n| n.slug.as_str()),
                ns.notices.iter().map(|n| n.slug.as_str()),
            ),
        }
    }

    /// Links: a unit's name, other names, kind, path and jurisdiction, a
    /// topic's path, a jurisdiction's name and path; a notice is compared
    /// whole (its file and the plans it transmits).
    fn links(&self, os: &Site, ns: &Site, file_changed: &dyn Fn(&Path) -> bool) -> Links {
        let j = keep_if(&self.j.was, |new, was| {
            os.jurisdictions[was] == ns.jurisdictions[new]
        });
        let u = keep_if(&self.u.was, |new, was| {
            let (a, b) = (&os.units[was], &ns.units[new]);
            (&a.name, &a.other_names, a.kind, &a.slug, a.registered)
                == (&b.name, &b.other_names, b.kind, &b.slug, b.registered)
                && j[b.jurisdiction] == Some(a.jurisdiction)
        });
        let t = keep_if(&self.t.was, |new, was| {
            os.topics[was].slug == ns.topics[new].slug
        });
        let n = keep_if(&self.n.was, |new, was| {
            let (a, b) = (&os.notices[was], &ns.notices[new]);
            !file_changed(&b.source.path)
                && a.source == b.source
                && j[b.jurisdiction] == Some(a.jurisdiction)
                && self.p.map(a.plans.iter().copied()).as_ref() == Some(&b.plans)
        });
        Links { j, u, t, n }
    }

    /// The plans that show as they did.
    fn plans(
        &self,
        os: &Site,
        ns: &Site,
        links: &Links,
        file_changed: &dyn Fn(&Path) -> bool,
    ) -> Vec<Option<PlanId>> {
        let ids = Ids {
            u: &self.u,
            t: &self.t,
            u_same: &links.u,
            t_same: &links.t,
        };
        keep_if(&self.p.was, |new, was| {
            let (a, b) = (&os.plans[was], &ns.plans[new]);
            let notice_kept = match (a.notice, b.notice) {
                (None, None) => true,
                (Some(x), Some(y)) => links.n[y] == Some(x),
                _ => false,
            };
            !file_changed(&b.source.path)
                && a.source == b.source
                && links.j[b.jurisdiction] == Some(a.jurisdiction)
                && notice_kept
                && ids.same_plan(a, b)
        })
    }
}

impl Links {
    /// The changes, from the plans that show as they did: pages that list
    /// tasks show their rows and their plans' summaries, a jurisdiction's
    /// page its plans, notices and units.
    fn listings(
        self,
        (_, oi): (&Site, &Index),
        (ns, ni): (&Site, &Index),
        plans: Vec<Option<PlanId>>,
    ) -> Changes {
        let refs_same = |old: &[TaskRef], new: &[TaskRef]| {
            old.len() == new.len()
                && old
                    .iter()
                    .zip(new)
                    .all(|(a, b)| a.task() == b.task() && plans[b.plan()] == Some(a.plan()))
        };
        let units = keep_if(&self.u, |new, was| {
            let (a, b) = (&oi.units[was], &ni.units[new]);
            refs_same(&a.led, &b.led) && refs_same(&a.shared, &b.shared)
        });
        let topics = keep_if(&self.t, |new, was| {
            refs_same(&oi.topics[was], &ni.topics[new])
        });
        let notices = keep_if(&self.n, |new, _| {
            ns.notices[new].plans.iter().all(|&q| plans[q].is_some())
        });
        let all_kept = |ids: &[usize], kept: &[Option<usize>], old: &[usize]| {
            ids.len() == old.len() && ids.iter().zip(old).all(|(&i, &o)| kept[i] == Some(o))
        };
        let jurisdictions = keep_if(&self.j, |new, was| {
            let (a, b) = (&oi.jurisdictions[was], &ni.jurisdictions[new]);
            a.task_count == b.task_count
                && all_kept(&b.plans, &plans, &a.plans)
                && all_kept(&b.notices, &notices, &a.notices)
                && all_kept(&b.departments, &units, &a.departments)
                && all_kept(&b.groups, &units, &a.groups)
        });
        Changes {
            plans,
            notices,
            units,
            topics,
            jurisdictions,
        }
    }
}

/// `was` where `same(new, was)` holds, else `None`.
fn keep_if(was: &[Option<usize>], same: impl Fn(usize, usize) -> bool) -> Vec<Option<usize>> {
    was.iter()
        .enumerate()
        .map(|(new, w)| w.filter(|&w| same(new, w)))
        .collect()
}

/// Unit and topic matchings, to compare what two versions of a plan name.
struct Ids<'m> {
    u: &'m Matching,
    t: &'m Matching,
    u_same: &'m [Option<UnitId>],
    t_same: &'m [Option<TopicId>],
}

impl Ids<'_> {
    /// The plan names the same units and topics, in the same order, and
    /// each shows as it did.
    fn same_plan(&self, a: &Plan, b: &Plan) -> bool {
        let units = |old: crate::model::Ids, new: crate::model::Ids| {
            old.len() == new.len()
                && self
                    .u
                    .map(old.iter())
                    .is_some_and(|m| m.iter().copied().eq(new.iter()))
                && new
                    .iter()
                    .all(|x| self.u_same.get(x).copied().flatten().is_some())
        };
        let topics = |old: &mut dyn Iterator<Item = usize>, new: &[usize]| {
            self.t.map(old).is_some_and(|m| m == new)
                && new
                    .iter()
                    .all(|&x| self.t_same.get(x).copied().flatten().is_some())
        };
        a.tasks.len() == b.tasks.len()
            && topics(&mut a.topics.iter().copied(), &b.topics)
            && a.tasks.iter().zip(&b.tasks).all(|(x, y)| {
                units(x.lead(), y.lead())
                    && units(x.responsible(), y.responsible())
                    && units(x.participating(), y.participating())
                    && topics(
                        &mut x.topics().iter(),
                        &y.topics().iter().collect::<Vec<_>>(),
                    )
            })
    }
}
