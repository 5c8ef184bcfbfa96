//! From raw documents to the model: jurisdictions, units and topics get their
//! identities here, in document order, so numbering is deterministic.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::model::{
    Block, Jurisdiction, JurisdictionId, Notice, Plan, PlanKind, Site, Task, TaskParts, Topic,
    TopicId, Unit, UnitId, UnitKind,
};
use crate::slug;

use super::units::{Registry, looks_like_group, merged_parts, normalize, normalized};
use super::{RawNotice, RawPlan, RawTask};

pub struct Assembled {
    pub site: Site,
    pub diagnostics: Vec<Diagnostic>,
    /// Units not in the registry, by jurisdiction name, with their first mention.
    pub unregistered: Vec<(String, Diagnostic)>,
}

/// Raw plans in, model plans out, a batch at a time: a build hands over one
/// batch of files' plans before it reads the next, so that raw documents
/// (unit names as written, each task's section path) are never all in
/// memory beside the model. Batches come in file order, each sorted by
/// source file and line, so that ids are numbered the same however they are cut.
pub struct Assembly<'r> {
    a: Assembler<'r>,
    keywords: Keywords,
    plans: Vec<Plan>,
    /// Slugs of plans whose files failed (see [`super::Loaded::failed`]).
    failed: FxHashSet<String>,
}

impl<'r> Assembly<'r> {
    pub fn new(config: &SiteConfig, registry: &'r Registry) -> Self {
        let mut a = Assembler {
            registry,
            group_markers: config.group_markers.clone(),
            jurisdictions: Vec::new(),
            units: Vec::new(),
            unit_names: Vec::new(),
            topics: Vec::new(),
            topic_names: FxHashMap::default(),
            topic_slugs: slug::Unique::default(),
            jurisdiction_names: FxHashMap::default(),
            jurisdiction_slugs: slug::Unique::default(),
            diagnostics: Vec::new(),
            unregistered: Vec::new(),
        };
        let keywords = a.config_topics(config);
        Assembly {
            a,
            keywords,
            plans: Vec::new(),
            failed: FxHashSet::default(),
        }
    }

    /// Notes the slugs of files that yielded no document.
    pub fn add_failed(&mut self, slugs: Vec<String>) {
        self.failed.extend(slugs);
    }

    /// Adds the next plans, sorted by source file and line.
    pub fn add_plans(&mut self, plans: Vec<RawPlan>) {
        let hits = keyword_topics(&plans, &self.keywords);
        self.add_plans_with(plans, hits);
    }

    /// Like [`Assembly::add_plans`], with the topics the keywords find in
    /// each plan's tasks already known ([`keyword_topics`] with the
    /// [`Keywords`] of the same site.yaml).
    pub fn add_plans_with(&mut self, plans: Vec<RawPlan>, hits: Vec<PlanTopics>) {
        let refs: Vec<(&RawPlan, &PlanTopics)> = plans.iter().zip(&hits).collect();
        let resolved = self.a.resolve_all(&refs);
        let built: Vec<Plan> = plans
            .into_par_iter()
            .zip(resolved)
            .map(|(mut p, r)| {
                let kept = Kept::take(&mut p);
                build_plan(&p, kept, r)
            })
            .collect();
        self.plans.extend(built);
    }

    /// Like [`Assembly::add_plans_with`], for plans that stay where they are
    /// (`serve` keeps each file's parse, and the topics the keywords find
    /// in it, for the next assembly): what the model keeps of them as
    /// written is copied, in parallel.
    pub fn add_shared_plans(&mut self, plans: &[(&RawPlan, &PlanTopics)]) {
        let resolved = self.a.resolve_all(plans);
        let built: Vec<Plan> = plans
            .par_iter()
            .zip(resolved)
            .map(|(&(p, _), r)| build_plan(p, Kept::copy(p), r))
            .collect();
        self.plans.extend(built);
    }

    /// The site, once every plan is in; `notices` sorted like the plans.
    pub fn finish(self, config: SiteConfig, notices: Vec<RawNotice>) -> Assembled {
        finish(self.a, self.plans, config, notices, &self.failed)
    }
}

fn finish(
    mut a: Assembler,
    mut model_plans: Vec<Plan>,
    config: SiteConfig,
    notices: Vec<RawNotice>,
    failed: &FxHashSet<String>,
) -> Assembled {
    check_slugs(&model_plans, &notices, &mut a.diagnostics);
    let plan_ids: FxHashMap<String, usize> = model_plans
        .iter()
        .enumerate()
        .map(|(i, p)| (p.slug.clone(), i))
        .collect();
    let mut model_notices = Vec::new();
    for n in notices {
        let id = model_notices.len();
        let mut transmitted = Vec::new();
        for s in &n.transmits {
            match plan_ids.get(s.as_str()) {
                Some(&p) => transmitted.push(p),
                // The plan's own file has the error: the notice is not to blame.
                None if failed.contains(s) => {}
                None => a.diagnostics.push(
                    Diagnostic::error(
                        &n.source.path,
                        n.source.line,
                        format!("the notice transmits `{s}`, but no plan has that slug"),
                    )
                    .with_hint("use the `slug` of a plan (by default its file name without .md)"),
                ),
            }
        }
        let jurisdiction = a.jurisdiction(&n.jurisdiction);
        model_notices.push(Notice {
            slug: n.slug,
            meta: n.meta,
            jurisdiction,
            recipients: n.recipients,
            body: n.body,
            signature: n.signature,
            plans: transmitted,
            source: n.source,
        });
        for &p in &model_notices[id].plans {
            model_plans[p].notice = Some(id);
            // Portals show the notice's document facts on the plan's page
            // too, since the two are one publication.
            let notice = &model_notices[id].meta;
            model_plans[p].meta.inherit_facts(notice);
        }
    }
    a.assign_unit_slugs();
    let mut unregistered = std::mem::take(&mut a.unregistered);
    unregistered.sort_by(|a, b| {
        (&a.1.file, a.1.line, &a.1.message).cmp(&(&b.1.file, b.1.line, &b.1.message))
    });
    a.diagnostics
        .extend(unregistered_summary(&unregistered, a.registry));
    Assembled {
        site: Site {
            config,
            jurisdictions: a.jurisdictions,
            units: a.units,
            topics: a.topics,
            notices: model_notices,
            plans: model_plans,
        },
        diagnostics: a.diagnostics,
        unregistered,
    }
}

/// One warning per jurisdiction whose content names units its registry entry
/// does not know, at that entry; `check --units` lists them one by one.
fn unregistered_summary(
    unregistered: &[(String, Diagnostic)],
    registry: &Registry,
) -> Vec<Diagnostic> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    // A jurisdiction without an entry is not a registry's gap: `check
    // --units` lists its units all the same.
    for (j, _) in unregistered
        .iter()
        .filter(|(j, _)| registry.get(j).is_some())
    {
        *counts.entry(j.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(j, n)| {
            let line = registry.get(j).map(|r| r.line).unwrap_or(1);
            Diagnostic::warning(&registry.file, line, format!("{n} units of {j} named in content are not in the registry"))
                .with_hint("they still work; run `planpress check --units` to list each with where it is named")
        })
        .collect()
}

/// Two documents with one slug would write one page: an error, not an overwrite.
fn check_slugs(plans: &[Plan], notices: &[RawNotice], diagnostics: &mut Vec<Diagnostic>) {
    let mut seen: FxHashMap<&str, &crate::model::SourceFile> = FxHashMap::default();
    let docs = plans
        .iter()
        .map(|p| (p.slug.as_str(), &p.source))
        .chain(notices.iter().map(|n| (n.slug.as_str(), &n.source)));
    for (slug, source) in docs {
        if let Some(first) = seen.get(slug) {
            diagnostics.push(
                Diagnostic::error(
                    &source.path,
                    source.line,
                    format!("duplicate slug `{slug}`"),
                )
                .with_hint(format!(
                    "{}:{} already uses it; give one of them another `slug:`",
                    first.path.display(),
                    first.line
                )),
            );
        } else {
            seen.insert(slug, source);
        }
    }
}

/// The topics' keywords (site.yaml), found in a text in one pass: a big site
/// has hundreds of thousands of tasks and dozens of keywords.
pub struct Keywords {
    matcher: Option<DFA>,
    /// The topic of each keyword, by pattern index.
    topics: Vec<TopicId>,
    /// How much one occurrence of each keyword says, by pattern index: its
    /// length in letters, since a long keyword (行政复议) is more specific
    /// than a short one (监督).
    weights: Vec<u32>,
}

/// A task belongs to at most this many topics found by keywords: the ones
/// it is about, not every one it mentions in passing. Without a limit a task
/// of a big synthetic site carried up to nine topics and appeared in full on
/// each topic page (issue 20).
const MAX_KEYWORD_TOPICS: usize = 3;
/// A topic found by keywords is kept when its score is at least this share
/// (in percent) of the best topic's. Chosen on the hand-labelled sample
/// (tests/fixtures/topics-labelled.yaml, tests/it/topics.rs).
const KEEP_SHARE_PERCENT: u32 = 50;
/// Keywords in the headings above a task count this many times less than in
/// its own text: a heading covers many tasks, each about part of it.
const HEADING_DISCOUNT: u32 = 2;

impl Keywords {
    /// No keywords: no topic is found in any text.
    pub fn none() -> Keywords {
        Keywords {
            matcher: None,
            topics: Vec::new(),
            weights: Vec::new(),
        }
    }

    /// The keywords of the topics of `config` (cleaned as assembling cleans
    /// it, [`super::text::clean_config`]), with the ids assembling gives
    /// those topics: site.yaml's topics are numbered first, in its order.
    pub fn of(config: &SiteConfig) -> Keywords {
        let mut config = config.clone();
        super::text::clean_config(&mut config);
        let registry = Registry::default();
        Assembly::new(&config, &registry).keywords
    }

    /// Adds the pattern index of every keyword occurrence in `text`,
    /// overlapping ones too (`法治` inside `法治政府` counts for both topics).
    ///
    /// The automaton is stepped byte by byte here rather than through the
    /// crate's overlapping iterator, which costs several times more per byte:
    /// with standard match semantics each match state lists every keyword
    /// that ends there, which is what the iterator reports.
    fn hits_in(&self, text: &str, out: &mut Vec<usize>) {
        let Some(dfa) = &self.matcher else {
            return;
        };
        let Ok(mut sid) = dfa.start_state(Anchored::No) else {
            return;
        };
        Self::add_matches(dfa, sid, out);
        for &byte in text.as_bytes() {
            sid = dfa.next_state(Anchored::No, sid, byte);
            if dfa.is_special(sid) {
                if dfa.is_dead(sid) {
                    return;
                }
                Self::add_matches(dfa, sid, out);
            }
        }
    }

    /// The keywords that end in state `sid`.
    fn add_matches(dfa: &DFA, sid: StateID, out: &mut Vec<usize>) {
        if dfa.is_match(sid) {
            out.extend((0..dfa.match_len(sid)).map(|i| dfa.match_pattern(sid, i).as_usize()));
        }
    }

    /// Adds each hit's weight (times `factor`) to its topic's score.
    fn score(&self, hits: &[usize], factor: u32, scores: &mut Vec<(TopicId, u32)>) {
        for &p in hits {
            let (Some(&topic), Some(&weight)) = (self.topics.get(p), self.weights.get(p)) else {
                continue;
            };
            match scores.iter_mut().find(|(t, _)| *t == topic) {
                Some((_, s)) => *s = s.saturating_add(weight * factor),
                None => scores.push((topic, weight * factor)),
            }
        }
    }
}

/// The topics a task is about, from its topics' scores: the best one and
/// those close to it, at most [`MAX_KEYWORD_TOPICS`], sorted by id.
fn best_topics(mut scores: Vec<(TopicId, u32)>) -> Vec<TopicId> {
    // Highest score first; equal scores in topic order, so the choice does
    // not depend on the order hits were found in.
    scores.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let Some(&(_, top)) = scores.first() else {
        return Vec::new();
    };
    let mut topics: Vec<TopicId> = scores
        .iter()
        .take_while(|(_, s)| s * 100 >= top * KEEP_SHARE_PERCENT)
        .take(MAX_KEYWORD_TOPICS)
        .map(|(t, _)| *t)
        .collect();
    topics.sort_unstable();
    topics
}

/// The topics the keywords find in each task of a plan, in task order.
pub type PlanTopics = Vec<Vec<TopicId>>;

/// The topics the keywords say each task of every plan is about, from the
/// headings above it and its text (see [`best_topics`]). Pure, so done in
/// parallel ahead of the serial assembly; consecutive tasks under the same
/// headings share one search of them.
pub fn keyword_topics(plans: &[RawPlan], keywords: &Keywords) -> Vec<PlanTopics> {
    plans
        .par_iter()
        .map(|p| {
            let mut headings: Option<(&[String], Vec<usize>)> = None;
            let mut hits = Vec::new();
            p.tasks
                .iter()
                .map(|t| {
                    let above = match &headings {
                        Some((path, _)) if *path == t.section_path.as_slice() => headings.as_ref(),
                        _ => {
                            let mut found = Vec::new();
                            keywords.hits_in(&t.section_path.join(" "), &mut found);
                            headings = Some((&t.section_path, found));
                            headings.as_ref()
                        }
                    };
                    let mut scores = Vec::new();
                    if let Some((_, above)) = above {
                        keywords.score(above, 1, &mut scores);
                    }
                    hits.clear();
                    keywords.hits_in(&t.text, &mut hits);
                    keywords.score(&hits, HEADING_DISCOUNT, &mut scores);
                    best_topics(scores)
                })
                .collect()
        })
        .collect()
}

/// What of a raw plan becomes part of the model as written: taken out of
/// the raw plans of a build, which are dropped once assembled, copied from
/// those `serve` keeps. What it names (its jurisdiction, units, topics and
/// sections) is read from the raw plan.
struct Kept {
    slug: String,
    meta: crate::model::DocMeta,
    body: Vec<Block>,
    phases: Vec<crate::model::Phase>,
    source: crate::model::SourceFile,
    /// Each task's parts as written; units and topics still empty.
    tasks: Vec<TaskParts>,
}

impl Kept {
    fn take(p: &mut RawPlan) -> Kept {
        use std::mem::take;
        Kept {
            slug: take(&mut p.slug),
            meta: take(&mut p.meta),
            body: take(&mut p.body),
            phases: take(&mut p.phases),
            source: crate::model::SourceFile {
                path: take(&mut p.source.path),
                line: p.source.line,
            },
            tasks: p
                .tasks
                .iter_mut()
                .map(|t| TaskParts {
                    number: take(&mut t.number),
                    text: take(&mut t.text),
                    officials: take(&mut t.officials),
                    schedule: t.schedule.take(),
                    deadlines: take(&mut t.deadlines),
                    priority: t.priority.take(),
                    line: t.line,
                    ..TaskParts::default()
                })
                .collect(),
        }
    }

    fn copy(p: &RawPlan) -> Kept {
        Kept {
            slug: p.slug.clone(),
            meta: p.meta.clone(),
            body: p.body.clone(),
            phases: p.phases.clone(),
            source: p.source.clone(),
            tasks: p
                .tasks
                .iter()
                .map(|t| TaskParts {
                    number: t.number.clone(),
                    text: t.text.clone(),
                    officials: t.officials.clone(),
                    schedule: t.schedule.clone(),
                    deadlines: t.deadlines.clone(),
                    priority: t.priority.clone(),
                    line: t.line,
                    ..TaskParts::default()
                })
                .collect(),
        }
    }
}

/// The unit names a plan writes, each once, in the order first written,
/// and each task's names in its three roles as indexes into them.
struct Mentions<'p> {
    /// A name as written, with the line of the task that first writes it.
    names: Vec<(&'p str, usize)>,
    roles: Vec<[Vec<u32>; 3]>,
}

impl<'p> Mentions<'p> {
    fn of(p: &'p RawPlan) -> Mentions<'p> {
        let mut names: Vec<(&'p str, usize)> = Vec::new();
        let mut seen: FxHashMap<&'p str, u32> = FxHashMap::default();
        let roles = p
            .tasks
            .iter()
            .map(|t| {
                [&t.lead, &t.responsible, &t.participating].map(|written| {
                    written
                        .iter()
                        .map(|n| {
                            *seen.entry(n.as_str()).or_insert_with(|| {
                                names.push((n.as_str(), t.line));
                                // A plan names far fewer than 4 billion units.
                                u32::try_from(names.len() - 1).unwrap_or(u32::MAX)
                            })
                        })
                        .collect()
                })
            })
            .collect();
        Mentions { names, roles }
    }
}

/// What assembling resolved of a plan (see [`Assembler::resolve`]).
struct Resolved {
    jurisdiction: JurisdictionId,
    topics: Vec<TopicId>,
    /// The unit of each of [`Mentions::names`].
    units: Vec<Option<UnitId>>,
    /// [`Mentions::roles`].
    roles: Vec<[Vec<u32>; 3]>,
    /// Each task's topics.
    tasks: Vec<Vec<TopicId>>,
}

/// The model of plan `p`: `kept` (its parts taken or copied from `p`) with
/// what it names, resolved. Needs nothing else, so plans are built in
/// parallel.
fn build_plan(p: &RawPlan, kept: Kept, resolved: Resolved) -> Plan {
    let Kept {
        slug,
        meta,
        mut body,
        phases,
        source,
        tasks: parts,
    } = kept;
    // Consecutive tasks of a section share one title.
    let mut last_section: Option<std::sync::Arc<str>> = None;
    // A new list of the right size: collecting in place would keep the raw
    // tasks' buffer, more than twice the size the tasks need.
    let mut tasks: Vec<Task> = Vec::with_capacity(parts.len());
    let units = &resolved.units;
    let ids = |names: &[u32]| -> Vec<UnitId> {
        unique(
            names
                .iter()
                .filter_map(|&i| units.get(i as usize).copied().flatten()),
        )
    };
    let tasks_ids = resolved.roles.iter().zip(resolved.tasks);
    for ((t, mut parts), ([lead, responsible, participating], topics)) in
        p.tasks.iter().zip(parts).zip(tasks_ids)
    {
        parts.lead = ids(lead);
        parts.responsible = ids(responsible);
        parts.participating = ids(participating);
        parts.topics = topics;
        parts.section = t.section_path.last().map(|title| match &last_section {
            Some(last) if **last == **title => last.clone(),
            _ => {
                let shared: std::sync::Arc<str> = title.as_str().into();
                last_section = Some(shared.clone());
                shared
            }
        });
        tasks.push(Task::new(parts));
    }
    shrink_blocks(&mut body);
    Plan {
        slug,
        kind: p.kind,
        meta,
        jurisdiction: resolved.jurisdiction,
        period: p.period,
        topics: resolved.topics,
        body,
        tasks,
        phases,
        notice: None,
        source,
    }
}

struct Assembler<'r> {
    registry: &'r Registry,
    group_markers: Vec<String>,
    jurisdictions: Vec<Jurisdiction>,
    units: Vec<Unit>,
    /// By jurisdiction: normalised name -> unit; every name of a unit is a key.
    unit_names: Vec<FxHashMap<String, UnitId>>,
    topics: Vec<Topic>,
    topic_names: FxHashMap<String, TopicId>,
    topic_slugs: slug::Unique,
    jurisdiction_names: FxHashMap<String, JurisdictionId>,
    jurisdiction_slugs: slug::Unique,
    diagnostics: Vec<Diagnostic>,
    unregistered: Vec<(String, Diagnostic)>,
}

impl Assembler<'_> {
    fn jurisdiction(&mut self, name: &str) -> JurisdictionId {
        if let Some(&i) = self.jurisdiction_names.get(name) {
            return i;
        }
        // In order of first mention, as `slug::dedupe` would number them.
        let slug = self.jurisdiction_slugs.claim(slug::slugify(name));
        self.jurisdictions.push(Jurisdiction {
            name: name.to_string(),
            slug,
        });
        self.unit_names.push(FxHashMap::default());
        let id = self.jurisdictions.len() - 1;
        self.jurisdiction_names.insert(name.to_string(), id);
        id
    }

    fn topic(&mut self, name: &str, slug_hint: Option<&str>) -> TopicId {
        let name = name.trim();
        if let Some(&id) = self.topic_names.get(name) {
            return id;
        }
        let slug = slug_hint
            .filter(|s| super::fields::is_valid_slug(s))
            .map(str::to_string)
            .unwrap_or_else(|| slug::slugify(name));
        let slug = self.topic_slugs.claim(slug);
        self.topics.push(Topic {
            name: name.to_string(),
            slug,
        });
        self.topic_names
            .insert(name.to_string(), self.topics.len() - 1);
        self.topics.len() - 1
    }

    /// Topics of site.yaml, in its order, with their keywords.
    fn config_topics(&mut self, config: &SiteConfig) -> Keywords {
        let mut words = Vec::new();
        let mut topics = Vec::new();
        let mut weights = Vec::new();
        for t in &config.topics {
            let id = self.topic(&t.name, t.slug.as_deref());
            for w in t.keywords.iter().chain(std::iter::once(&t.name)) {
                if !w.trim().is_empty() {
                    weights.push(
                        u32::try_from(w.chars().count())
                            .unwrap_or(u32::MAX / 4)
                            .min(64),
                    );
                    words.push(w.clone());
                    topics.push(id);
                }
            }
        }
        Keywords {
            // Plain strings cannot make a bad automaton; None only if the
            // list is empty or absurdly large, and then no topic matches.
            // A DFA: overlapping search steps through every byte, and a
            // DFA's step is the cheapest.
            matcher: DFA::builder().build(&words).ok(),
            topics,
            weights,
        }
    }

    /// What plan `p` names, resolved: its jurisdiction, and the units and
    /// topics of the plan and of each task (`hits`: the topics the keywords
    /// find in each task). Serial, in plan order: ids are numbered in the
    /// order things are first named.
    fn resolve(&mut self, p: &RawPlan, hits: &[Vec<TopicId>], mentions: Mentions) -> Resolved {
        let jurisdiction = self.jurisdiction(&p.jurisdiction);
        // Each name once, in the order first named, as naming them one
        // mention at a time would: a name means the same unit at each
        // mention (names are only ever added), so the ids are the same.
        let units: Vec<Option<UnitId>> = mentions
            .names
            .iter()
            .map(|&(name, line)| self.unit(jurisdiction, name, &p.source.path, line))
            .collect();
        let topics: Vec<TopicId> = p.topics.iter().map(|t| self.topic(t, None)).collect();
        let names_units = p
            .tasks
            .iter()
            .any(|t| !t.lead.is_empty() || !t.responsible.is_empty());
        let no_hits = Vec::new();
        let mut tasks = Vec::with_capacity(p.tasks.len());
        for (i, t) in p.tasks.iter().enumerate() {
            if t.lead.is_empty() && p.kind != PlanKind::MultiYearPlan && names_units {
                self.diagnostics.push(
                    Diagnostic::warning(&p.source.path, t.line, format!("task {} has no lead unit", t.number))
                        .with_hint("name the 牵头单位 (e.g. `牵头单位:区司法局。`), or state that the first listed unit leads"),
                );
            }
            let hits = hits.get(i).unwrap_or(&no_hits);
            tasks.push(self.task_topics(t, &topics, hits));
        }
        Resolved {
            jurisdiction,
            topics,
            units,
            roles: mentions.roles,
            tasks,
        }
    }

    /// [`Assembler::resolve`] for each plan, in order, the names of each
    /// plan listed first, in parallel.
    fn resolve_all(&mut self, plans: &[(&RawPlan, &PlanTopics)]) -> Vec<Resolved> {
        let mentions: Vec<Mentions> = plans.par_iter().map(|(p, _)| Mentions::of(p)).collect();
        plans
            .iter()
            .zip(mentions)
            .map(|(&(p, hits), m)| self.resolve(p, hits, m))
            .collect()
    }

    /// The topics of task `t`.
    fn task_topics(
        &mut self,
        t: &RawTask,
        plan_topics: &[TopicId],
        keyword_hits: &[TopicId],
    ) -> Vec<TopicId> {
        // The task's own topics and those its words are about; the plan's
        // only when these say nothing (a plan's topics name what it is about
        // as a whole, not what each of its tasks is about).
        let mut topics: Vec<TopicId> = t.topics.iter().map(|name| self.topic(name, None)).collect();
        topics.extend_from_slice(keyword_hits);
        if topics.is_empty() {
            topics.extend_from_slice(plan_topics);
        }
        topics.sort_unstable();
        topics.dedup();
        topics
    }

    /// The unit a name means in a jurisdiction: the registry's when it knows
    /// the name, one made from the name otherwise.
    fn unit(
        &mut self,
        jurisdiction: JurisdictionId,
        written: &str,
        file: &std::path::Path,
        line: usize,
    ) -> Option<UnitId> {
        // Both parts come out normalised (and `normalize` changes nothing
        // normalised), so they are keys as they are. Borrowed: most names
        // are met before, and only a new unit needs them owned.
        let normal = normalized(written);
        let (name, second) = merged_parts(&normal);
        if name.is_empty() {
            return None;
        }
        for n in std::iter::once(name).chain(second) {
            if let Some(id) = self.unit_id(jurisdiction, n) {
                return Some(id);
            }
        }
        let (name, second): (String, Vec<String>) = (
            name.to_string(),
            second.map(str::to_string).into_iter().collect(),
        );
        let jname = self.jurisdictions[jurisdiction].name.clone();
        let registered = self.registry.get(&jname).and_then(|r| {
            r.lookup(&name)
                .or_else(|| second.iter().find_map(|s| r.lookup(s)))
        });
        let (name, other_names, kind, is_registered) = match registered {
            Some(def) => (def.name.clone(), def.other_names.clone(), def.kind, true),
            None => {
                let kind = if looks_like_group(&name, &self.group_markers) {
                    UnitKind::Group
                } else {
                    UnitKind::Department
                };
                (name, second, kind, false)
            }
        };
        // The registry's canonical name may already be a unit (met by another alias).
        if let Some(id) = self.unit_id(jurisdiction, &normalize(&name)) {
            self.names_of(jurisdiction).insert(normalize(written), id);
            return Some(id);
        }
        let id = self.units.len();
        for n in std::iter::once(&name).chain(&other_names) {
            self.names_of(jurisdiction)
                .entry(normalize(n))
                .or_insert(id);
        }
        if !is_registered {
            let d = self.unregistered_unit(&name, &jname, file, line);
            self.unregistered.push((jname.clone(), d));
        }
        self.units.push(Unit {
            name,
            other_names,
            jurisdiction,
            kind,
            slug: String::new(),
            registered: is_registered,
        });
        Some(id)
    }

    /// The unit a normalised name already means in a jurisdiction.
    fn unit_id(&self, jurisdiction: JurisdictionId, normalized: &str) -> Option<UnitId> {
        self.unit_names.get(jurisdiction)?.get(normalized).copied()
    }

    fn names_of(&mut self, jurisdiction: JurisdictionId) -> &mut FxHashMap<String, UnitId> {
        if self.unit_names.len() <= jurisdiction {
            self.unit_names
                .resize_with(jurisdiction + 1, FxHashMap::default);
        }
        &mut self.unit_names[jurisdiction]
    }

    /// Unit slugs are unique within their jurisdiction's folder; the order
    /// they are deduplicated in is by name, not by discovery.
    fn assign_unit_slugs(&mut self) {
        for j in 0..self.jurisdictions.len() {
            let mut ids: Vec<UnitId> = (0..self.units.len())
                .filter(|&u| self.units[u].jurisdiction == j)
                .collect();
            ids.sort_by(|&a, &b| self.units[a].name.cmp(&self.units[b].name));
            let mut slugs: Vec<String> = ids
                .iter()
                .map(|&u| slug::slugify(&self.units[u].name))
                .collect();
            slug::dedupe(&mut slugs);
            for (u, s) in ids.into_iter().zip(slugs) {
                self.units[u].slug = s;
            }
        }
    }
}

/// Gives back the spare capacity that parsing left in a plan's body (its
/// blocks grow one push at a time), for the whole build.
fn shrink_blocks(blocks: &mut Vec<Block>) {
    blocks.shrink_to_fit();
    for block in blocks {
        if let Block::Section(s) = block {
            shrink_blocks(&mut s.blocks);
        }
    }
}

/// The ids in order, each once. Tasks name a few units, so a scan beats
/// hashing; a long list gets a set.
fn unique(ids: impl Iterator<Item = UnitId>) -> Vec<UnitId> {
    let ids: Vec<UnitId> = ids.collect();
    if ids.len() <= 16 {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if !out.contains(&id) {
                out.push(id);
            }
        }
        return out;
    }
    let mut seen = FxHashSet::default();
    ids.into_iter().filter(|id| seen.insert(*id)).collect()
}

impl Assembler<'_> {
    /// A unit not in the registry, with where it is named, for `check
    /// --units`; said differently when the jurisdiction has no registry
    /// entry, or there is no registry at all.
    fn unregistered_unit(
        &self,
        name: &str,
        jname: &str,
        file: &std::path::Path,
        line: usize,
    ) -> Diagnostic {
        let registry = &self.registry.file;
        let (why, hint) = if registry.as_os_str().is_empty() {
            (
                "there is no unit registry".to_string(),
                format!(
                    "it still works; to give a unit its other names and groups, create content/{} (docs/configuration.md)",
                    super::UNITS_FILE
                ),
            )
        } else if self.registry.get(jname).is_none() {
            (
                format!("{} has no entry for {jname}", registry.display()),
                format!(
                    "add `- jurisdiction: {jname}` with its units to {}",
                    registry.display()
                ),
            )
        } else {
            (
                "it is not in the registry".to_string(),
                format!(
                    "add it to {} under {jname}, as a unit, an alias of one, or a group",
                    registry.display()
                ),
            )
        };
        Diagnostic::warning(file, line, format!("unit `{name}` ({jname}): {why}")).with_hint(hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_stepped_by_hand_find_what_overlapping_search_finds() {
        let words = [
            "法治",
            "法治政府",
            "网络",
            "网络安全",
            "检察",
            "检察官",
            "监督",
            "人民监督员",
            "党组",
            "党委(党组)",
            "互联网+",
            "法",
            "政府",
        ];
        let topics: Vec<TopicId> = (0..words.len()).map(|i| i % 5).collect();
        let keywords = Keywords {
            matcher: DFA::builder().build(words).ok(),
            topics: topics.clone(),
            weights: vec![1; words.len()],
        };
        let reference = aho_corasick::AhoCorasick::new(words).unwrap();
        for text in [
            "",
            "法治政府建设，网络安全与人民监督员制度。",
            "各单位党委(党组)、检察官、互联网+政务服务",
            "法法法治治政政府府",
            "无关的文字",
        ] {
            let mut hits = Vec::new();
            keywords.hits_in(text, &mut hits);
            let mut ours: Vec<TopicId> = hits.iter().map(|&p| topics[p]).collect();
            let mut expected: Vec<TopicId> = reference
                .find_overlapping_iter(text)
                .map(|m| topics[m.pattern().as_usize()])
                .collect();
            ours.sort_unstable();
            expected.sort_unstable();
            assert_eq!(ours, expected, "{text}");
        }
    }
}
