//! Which outputs an input change affects: given the previous model and the
//! new one, which pages and data files of the site change. The one place
//! that knows it: `serve` uses it to keep what it has rendered, and `build`
//! to write only what changed ([`crate::incremental`]).
//!
//! The models are compared through their [`Digest`]s: what the rules below
//! read of a model, with each entity's list of tasks hashed, a few megabytes
//! where the model is hundreds. `build` keeps the previous build's digest
//! beside its output; `serve` makes both from the models it holds.
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
//! - page `n` of a unit's or topic's tasks ([`Owner::UnitPage`],
//!   [`Owner::TopicPage`]) shows as it did when the unit's or topic's link
//!   is unchanged, its counts are the same (its heading and pager show
//!   them; a unit's also whether it has a calendar), and the page lists the
//!   same tasks of unchanged plans in the same order: an edit renders the
//!   pages that show the edited plan's tasks, not the whole listing;
//! - a notice when it is new, its file changed, or one of its plans changed;
//! - a jurisdiction when its link or any plan, notice or unit of it changed.
//!
//! [`Changes::in_place`] is the same rule for an update that keeps every id
//! (`serve`'s fast path for one saved plan, `crate::serve::incremental`).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3Default;

use crate::config::Paging;
use crate::index::{Index, UnitTasks};
use crate::model::{
    JurisdictionId, NoticeId, Plan, PlanId, Site, TaskRef, Topic, TopicId, Unit, UnitId, UnitKind,
};
use crate::urls::{self, Page};

/// What an output shows, for deciding which outputs a change makes stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Owner {
    Plan(PlanId),
    Notice(NoticeId),
    /// A unit's data files (its CSV and calendar).
    Unit(UnitId),
    /// Page `n` (from 1) of a unit's tasks: each page changes on its own,
    /// with what it shows (see [`Changes::between`]).
    UnitPage(UnitId, usize),
    Topic(TopicId),
    /// Page `n` (from 1) of a topic's tasks.
    TopicPage(TopicId, usize),
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
        Page::Unit(u, n) => Owner::UnitPage(u, n),
        Page::Topic(t, n) => Owner::TopicPage(t, n),
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
    let (units, topics) = named_once(plan);
    (units.into_iter().collect(), topics.into_iter().collect())
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
    /// For each unit and topic that changed, which of its pages show as
    /// they did (empty: none, or an update that keeps ids).
    unit_pages: Vec<PagesKept>,
    topic_pages: Vec<PagesKept>,
}

/// Which pages of a changed unit or topic show as they did, and its id in
/// the previous model.
#[derive(Debug, Default, Clone)]
struct PagesKept {
    was: Option<usize>,
    kept: Vec<bool>,
}

impl PagesKept {
    /// The previous id of page `n` (from 1) when it shows as it did:
    /// always when the whole listing does (`whole`).
    fn was(whole: &[Option<usize>], pages: &[PagesKept], i: usize, n: usize) -> Option<usize> {
        if let Some(w) = whole.get(i).copied().flatten() {
            return Some(w);
        }
        let p = pages.get(i)?;
        let kept = n.checked_sub(1).and_then(|k| p.kept.get(k)).copied();
        p.was.filter(|_| kept == Some(true))
    }
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
        let (old, new) = rayon::join(|| Digest::of(old.0, old.1), || Digest::of(new.0, new.1));
        Changes::of_digests(&old, &new, file_changed)
    }

    /// [`Changes::between`] the models two digests were made from.
    pub fn of_digests(old: &Digest, new: &Digest, file_changed: &dyn Fn(&Path) -> bool) -> Changes {
        let m = Matchings::of(old, new);
        let links = m.links(old, new, file_changed);
        let plans = m.plans(old, new, &links, file_changed);
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
            unit_pages: Vec::new(),
            topic_pages: Vec::new(),
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
            Owner::UnitPage(i, n) => {
                PagesKept::was(&self.units, &self.unit_pages, i, n).map(|w| Owner::UnitPage(w, n))
            }
            Owner::Topic(i) => at(&self.topics, i).map(Owner::Topic),
            Owner::TopicPage(i, n) => PagesKept::was(&self.topics, &self.topic_pages, i, n)
                .map(|w| Owner::TopicPage(w, n)),
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

/// What [`Changes::between`] compares of a model: each entity's key, what
/// other pages show of it, and what it lists, with the lists of tasks
/// hashed. A few megabytes at 5,000 plans where the model is hundreds, so
/// `build` keeps the previous build's digest beside its output
/// ([`crate::incremental`]) and `serve` keeps the live state's with it.
/// Ids are those of the model it was made from.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Digest {
    jurisdictions: Vec<JurisdictionDigest>,
    units: Vec<UnitDigest>,
    topics: Vec<TopicDigest>,
    notices: Vec<NoticeDigest>,
    plans: Vec<PlanDigest>,
}

/// A 128-bit XXH3 of what a list holds.
type Hash = [u64; 2];

#[derive(Debug, Clone, Serialize, Deserialize)]
struct JurisdictionDigest {
    name: String,
    slug: String,
    task_count: usize,
    plans: Vec<PlanId>,
    notices: Vec<NoticeId>,
    departments: Vec<UnitId>,
    groups: Vec<UnitId>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct UnitDigest {
    name: String,
    other_names: Vec<String>,
    jurisdiction: JurisdictionId,
    group: bool,
    slug: String,
    registered: bool,
    /// Its tasks led, then shared, as (plan slug, task position).
    tasks: Hash,
    /// The plans of those tasks, each once.
    plans: Vec<PlanId>,
    listing: Listing,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TopicDigest {
    name: String,
    slug: String,
    /// Its tasks, as (plan slug, task position).
    tasks: Hash,
    plans: Vec<PlanId>,
    listing: Listing,
}

/// What each page of a unit's or topic's tasks shows besides the entity's
/// link and the rows of its plans: the counts in its heading and pager
/// (`head`), and its tasks as (plan slug, task position, led).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Listing {
    head: Hash,
    pages: Vec<Hash>,
    /// The plans of each page's tasks, each once. Only the new model's are
    /// read, so the state does not keep them.
    #[serde(skip)]
    page_plans: Vec<Vec<PlanId>>,
}

impl Listing {
    /// `tasks` in the order the pages show them, split as `paging` says.
    fn of(site: &Site, head: Hash, tasks: &[(TaskRef, bool)], paging: Paging) -> Listing {
        let (pages, page_plans) = paging
            .pages(tasks)
            .map(|page| {
                let mut h = Hasher::new();
                h.number(page.len());
                for (r, led) in page {
                    h.text(&site.plans[r.plan()].slug);
                    h.number(r.task());
                    h.number(usize::from(*led));
                }
                (h.finish(), plans_of(page.iter().map(|(r, _)| r)))
            })
            .unzip();
        Listing {
            head,
            pages,
            page_plans,
        }
    }

    /// Which pages of the new listing show what the previous one's did:
    /// the same counts, the same tasks, of plans that show as they did.
    fn kept(&self, new: &Listing, plans: &[Option<PlanId>]) -> Vec<bool> {
        let same_head = self.head == new.head && self.pages.len() == new.pages.len();
        (0..new.pages.len())
            .map(|k| {
                same_head
                    && self.pages[k] == new.pages[k]
                    && new
                        .page_plans
                        .get(k)
                        .is_some_and(|ps| ps.iter().all(|&q| plans[q].is_some()))
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct NoticeDigest {
    slug: String,
    path: PathBuf,
    line: usize,
    jurisdiction: JurisdictionId,
    plans: Vec<PlanId>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PlanDigest {
    slug: String,
    path: PathBuf,
    line: usize,
    jurisdiction: JurisdictionId,
    notice: Option<NoticeId>,
    /// The units of each task's three roles and its topics, in order, and
    /// the plan's topics, by key (jurisdiction and name; name).
    names: Hash,
    /// The units and topics it names, each once ([`names_of`]).
    units: Vec<UnitId>,
    topics: Vec<TopicId>,
}

/// Feeds lengths and strings to a hash, unambiguously. XXH3, not SHA-256:
/// the digest tells a site's own edits apart, not an attacker's, and its
/// many small updates made SHA-256 most of what deciding what changed cost.
struct Hasher(Xxh3Default);

impl Hasher {
    fn new() -> Hasher {
        Hasher(Xxh3Default::new())
    }

    fn number(&mut self, n: usize) {
        self.0.update(&(n as u64).to_le_bytes());
    }

    fn text(&mut self, s: &str) {
        self.number(s.len());
        self.0.update(s.as_bytes());
    }

    fn refs(&mut self, site: &Site, refs: &[TaskRef]) {
        self.number(refs.len());
        for r in refs {
            self.text(&site.plans[r.plan()].slug);
            self.number(r.task());
        }
    }

    fn finish(self) -> Hash {
        let h = self.0.digest128();
        [h as u64, (h >> 64) as u64]
    }
}

/// Each plan of `refs`, once, in order.
fn plans_of<'r>(refs: impl Iterator<Item = &'r TaskRef>) -> Vec<PlanId> {
    let mut plans: Vec<PlanId> = refs.map(|r| r.plan()).collect();
    plans.sort_unstable();
    plans.dedup();
    plans
}

impl Digest {
    pub fn of(site: &Site, index: &Index) -> Digest {
        let paging = site.config.paging();
        let jurisdictions = site
            .jurisdictions
            .iter()
            .zip(&index.jurisdictions)
            .map(|(j, ji)| JurisdictionDigest {
                name: j.name.clone(),
                slug: j.slug.clone(),
                task_count: ji.task_count,
                plans: ji.plans.clone(),
                notices: ji.notices.clone(),
                departments: ji.departments.clone(),
                groups: ji.groups.clone(),
            })
            .collect();
        let units = site
            .units
            .par_iter()
            .zip(&index.units)
            .map(|(u, tasks)| unit_digest(site, u, tasks, paging))
            .collect();
        let topics = site
            .topics
            .par_iter()
            .zip(&index.topics)
            .map(|(t, refs)| topic_digest(site, t, refs, paging))
            .collect();
        let notices = site
            .notices
            .iter()
            .map(|n| NoticeDigest {
                slug: n.slug.clone(),
                path: n.source.path.clone(),
                line: n.source.line,
                jurisdiction: n.jurisdiction,
                plans: n.plans.clone(),
            })
            .collect();
        let plans = site
            .plans
            .par_iter()
            .map(|p| plan_digest(site, p))
            .collect();
        Digest {
            jurisdictions,
            units,
            topics,
            notices,
            plans,
        }
    }
}

fn unit_digest(site: &Site, u: &Unit, tasks: &UnitTasks, paging: Paging) -> UnitDigest {
    let mut h = Hasher::new();
    h.refs(site, &tasks.led);
    h.refs(site, &tasks.shared);
    let mut head = Hasher::new();
    head.number(tasks.led.len());
    head.number(tasks.shared.len());
    head.number(usize::from(crate::render::data::has_calendar(site, tasks)));
    let in_order: Vec<(TaskRef, bool)> = tasks.in_order().collect();
    UnitDigest {
        name: u.name.clone(),
        other_names: u.other_names.clone(),
        jurisdiction: u.jurisdiction,
        group: u.kind == UnitKind::Group,
        slug: u.slug.clone(),
        registered: u.registered,
        tasks: h.finish(),
        plans: plans_of(tasks.led.iter().chain(&tasks.shared)),
        listing: Listing::of(site, head.finish(), &in_order, paging),
    }
}

fn topic_digest(site: &Site, t: &Topic, refs: &[TaskRef], paging: Paging) -> TopicDigest {
    let mut h = Hasher::new();
    h.refs(site, refs);
    let plans = plans_of(refs.iter());
    let mut head = Hasher::new();
    head.number(refs.len());
    head.number(plans.len());
    let tasks: Vec<(TaskRef, bool)> = refs.iter().map(|&r| (r, false)).collect();
    TopicDigest {
        name: t.name.clone(),
        slug: t.slug.clone(),
        tasks: h.finish(),
        plans,
        listing: Listing::of(site, head.finish(), &tasks, paging),
    }
}

fn plan_digest(site: &Site, plan: &Plan) -> PlanDigest {
    let mut h = Hasher::new();
    let units = |h: &mut Hasher, ids: crate::model::Ids| {
        h.number(ids.len());
        for u in ids {
            let unit = &site.units[u];
            h.text(&site.jurisdictions[unit.jurisdiction].name);
            h.text(&unit.name);
        }
    };
    let topics = |h: &mut Hasher, ids: &mut dyn ExactSizeIterator<Item = TopicId>| {
        h.number(ids.len());
        for t in ids {
            h.text(&site.topics[t].name);
        }
    };
    topics(&mut h, &mut plan.topics.iter().copied());
    h.number(plan.tasks.len());
    for task in &plan.tasks {
        units(&mut h, task.lead());
        units(&mut h, task.responsible());
        units(&mut h, task.participating());
        topics(&mut h, &mut task.topics().iter());
    }
    let (named_units, named_topics) = named_once(plan);
    PlanDigest {
        slug: plan.slug.clone(),
        path: plan.source.path.clone(),
        line: plan.source.line,
        jurisdiction: plan.jurisdiction,
        notice: plan.notice,
        names: h.finish(),
        units: named_units,
        topics: named_topics,
    }
}

/// The units and topics `plan` names, each once, as sorted lists: sorting
/// once costs less than a tree's inserts, for every plan of the site.
fn named_once(plan: &Plan) -> (Vec<UnitId>, Vec<TopicId>) {
    let mut units: Vec<UnitId> = Vec::new();
    let mut topics: Vec<TopicId> = plan.topics.clone();
    for task in &plan.tasks {
        units.extend(task.named_units());
        topics.extend(task.topics().iter());
    }
    for ids in [&mut units, &mut topics] {
        ids.sort_unstable();
        ids.dedup();
    }
    (units, topics)
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
    fn of(os: &Digest, ns: &Digest) -> Matchings {
        let unit_key = |d: &Digest, u: &UnitDigest| {
            (d.jurisdictions[u.jurisdiction].name.clone(), u.name.clone())
        };
        Matchings {
            j: Matching::by_key(
                os.jurisdictions.iter().map(|j| j.name.as_str()),
                ns.jurisdictions.iter().map(|j| j.name.as_str()),
            ),
            u: Matching::by_key(
                os.units.iter().map(|u| unit_key(os, u)),
                ns.units.iter().map(|u| unit_key(ns, u)),
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
    fn links(&self, os: &Digest, ns: &Digest, file_changed: &dyn Fn(&Path) -> bool) -> Links {
        let j = keep_if(&self.j.was, |new, was| {
            let (a, b) = (&os.jurisdictions[was], &ns.jurisdictions[new]);
            (&a.name, &a.slug) == (&b.name, &b.slug)
        });
        let u = keep_if(&self.u.was, |new, was| {
            let (a, b) = (&os.units[was], &ns.units[new]);
            (&a.name, &a.other_names, a.group, &a.slug, a.registered)
                == (&b.name, &b.other_names, b.group, &b.slug, b.registered)
                && j[b.jurisdiction] == Some(a.jurisdiction)
        });
        let t = keep_if(&self.t.was, |new, was| {
            os.topics[was].slug == ns.topics[new].slug
        });
        let n = keep_if(&self.n.was, |new, was| {
            let (a, b) = (&os.notices[was], &ns.notices[new]);
            !file_changed(&b.path)
                && (&a.path, a.line) == (&b.path, b.line)
                && j[b.jurisdiction] == Some(a.jurisdiction)
                && self.p.map(a.plans.iter().copied()).as_ref() == Some(&b.plans)
        });
        Links { j, u, t, n }
    }

    /// The plans that show as they did: the same file, jurisdiction and
    /// notice, naming the same units and topics (by key, in the same
    /// order), each of which shows as it did.
    fn plans(
        &self,
        os: &Digest,
        ns: &Digest,
        links: &Links,
        file_changed: &dyn Fn(&Path) -> bool,
    ) -> Vec<Option<PlanId>> {
        let all_same = |ids: &[usize], same: &[Option<usize>]| {
            ids.iter()
                .all(|&x| same.get(x).copied().flatten().is_some())
        };
        keep_if(&self.p.was, |new, was| {
            let (a, b) = (&os.plans[was], &ns.plans[new]);
            let notice_kept = match (a.notice, b.notice) {
                (None, None) => true,
                (Some(x), Some(y)) => links.n[y] == Some(x),
                _ => false,
            };
            !file_changed(&b.path)
                && (&a.path, a.line) == (&b.path, b.line)
                && links.j[b.jurisdiction] == Some(a.jurisdiction)
                && notice_kept
                && a.names == b.names
                && all_same(&b.units, &links.u)
                && all_same(&b.topics, &links.t)
        })
    }
}

impl Links {
    /// The changes, from the plans that show as they did: pages that list
    /// tasks show their rows and their plans' summaries, a jurisdiction's
    /// page its plans, notices and units.
    fn listings(self, od: &Digest, nd: &Digest, plans: Vec<Option<PlanId>>) -> Changes {
        // The same (plan slug, task) list, of plans that show as they did.
        let tasks_same = |old: &Hash, new: &Hash, new_plans: &[PlanId]| {
            old == new && new_plans.iter().all(|&q| plans[q].is_some())
        };
        let units = keep_if(&self.u, |new, was| {
            let (a, b) = (&od.units[was], &nd.units[new]);
            tasks_same(&a.tasks, &b.tasks, &b.plans)
        });
        let topics = keep_if(&self.t, |new, was| {
            let (a, b) = (&od.topics[was], &nd.topics[new]);
            tasks_same(&a.tasks, &b.tasks, &b.plans)
        });
        let notices = keep_if(&self.n, |new, _| {
            nd.notices[new].plans.iter().all(|&q| plans[q].is_some())
        });
        let all_kept = |ids: &[usize], kept: &[Option<usize>], old: &[usize]| {
            ids.len() == old.len() && ids.iter().zip(old).all(|(&i, &o)| kept[i] == Some(o))
        };
        let jurisdictions = keep_if(&self.j, |new, was| {
            let (a, b) = (&od.jurisdictions[was], &nd.jurisdictions[new]);
            a.task_count == b.task_count
                && all_kept(&b.plans, &plans, &a.plans)
                && all_kept(&b.notices, &notices, &a.notices)
                && all_kept(&b.departments, &units, &a.departments)
                && all_kept(&b.groups, &units, &a.groups)
        });
        let unit_pages = pages_kept(
            (&self.u, &units),
            |i| &od.units[i].listing,
            |i| &nd.units[i].listing,
            &plans,
        );
        let topic_pages = pages_kept(
            (&self.t, &topics),
            |i| &od.topics[i].listing,
            |i| &nd.topics[i].listing,
            &plans,
        );
        Changes {
            plans,
            notices,
            units,
            topics,
            jurisdictions,
            unit_pages,
            topic_pages,
        }
    }
}

/// For each unit or topic whose link is unchanged (`links`) but whose
/// listing changed (not `whole`), which of its pages show as they did.
fn pages_kept<'d>(
    (links, whole): (&[Option<usize>], &[Option<usize>]),
    old: impl Fn(usize) -> &'d Listing,
    new: impl Fn(usize) -> &'d Listing,
    plans: &[Option<PlanId>],
) -> Vec<PagesKept> {
    links
        .iter()
        .zip(whole)
        .enumerate()
        .map(|(i, (&was, whole))| match (was, whole) {
            (Some(w), None) => PagesKept {
                was: Some(w),
                kept: old(w).kept(new(i), plans),
            },
            _ => PagesKept::default(),
        })
        .collect()
}

/// `was` where `same(new, was)` holds, else `None`.
fn keep_if(was: &[Option<usize>], same: impl Fn(usize, usize) -> bool) -> Vec<Option<usize>> {
    was.iter()
        .enumerate()
        .map(|(new, w)| w.filter(|&w| same(new, w)))
        .collect()
}

impl Digest {
    /// For each plan, whether one of its tasks is on a unit or topic page
    /// that changed (`changes` against the previous model): the pages that
    /// show task rows and are rendered again. Of a digest made from a model
    /// (the new one): a digest read back does not keep what pages hold.
    pub fn plans_on_changed_pages(&self, changes: &Changes) -> Vec<bool> {
        let mut shown = vec![false; self.plans.len()];
        let mut show = |listing: &Listing, page_owner: &dyn Fn(usize) -> Owner| {
            for (k, plans) in listing.page_plans.iter().enumerate() {
                if changes.was(page_owner(k + 1)).is_none() {
                    plans.iter().for_each(|&p| shown[p] = true);
                }
            }
        };
        for (u, unit) in self.units.iter().enumerate() {
            if changes.was(Owner::Unit(u)).is_none() {
                show(&unit.listing, &|n| Owner::UnitPage(u, n));
            }
        }
        for (t, topic) in self.topics.iter().enumerate() {
            if changes.was(Owner::Topic(t)).is_none() {
                show(&topic.listing, &|n| Owner::TopicPage(t, n));
            }
        }
        shown
    }

    /// How many plans the model had.
    pub fn plan_count(&self) -> usize {
        self.plans.len()
    }

    /// The files plans and notices were read from.
    pub fn sources(&self) -> impl Iterator<Item = &Path> {
        let plans = self.plans.iter().map(|p| p.path.as_path());
        plans.chain(self.notices.iter().map(|n| n.path.as_path()))
    }
}
