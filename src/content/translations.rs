//! Translations the web team writes for a translated edition (site.yaml:
//! `- translated: {lang: ug, dir: rtl}`), under `translations/LANG/` beside
//! `content/`, so the content loader never takes one for a plan:
//!
//! - one file per translated plan (any name ending `.yaml`), naming the
//!   plan by its `slug`, with its `title`, its section titles (keyed by the
//!   Chinese title) and its tasks (keyed by their number as the plan shows
//!   it);
//! - `names.yaml`: the Chinese name of a unit, topic, jurisdiction, plan
//!   kind, issuer or the site's title and description -> its translation.
//!
//! What is not translated stays Chinese (the edition marks it). A key that
//! names no plan, task, section or name of the site is an error with its
//! file and line: a misspelt key would silently leave its text Chinese.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::model::{Block, PlanKind, Site};
use crate::yaml_lines::Locator;

/// The file of translated names in a language's folder.
pub const NAMES_FILE: &str = "names.yaml";

/// One plan's translation, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTranslation {
    /// The plan's slug (its address): which plan this translates.
    pub slug: String,
    #[serde(default)]
    pub title: Option<String>,
    /// Chinese section title -> translated title.
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    /// Task number (`1`, `（三）`) -> translated text.
    #[serde(default)]
    pub tasks: BTreeMap<String, String>,
}

/// A language's translations: plans by slug, and names.
#[derive(Debug, Clone, Default)]
pub struct Translations {
    pub plans: HashMap<String, PlanTranslation>,
    pub names: HashMap<String, String>,
}

impl Translations {
    /// The translation of a name, if the web team wrote one.
    pub fn name(&self, chinese: &str) -> Option<&str> {
        self.names.get(chinese).map(String::as_str)
    }

    /// Reads `translations/LANG/` under `root` and checks every key against
    /// `site`. No folder: no translations (every text stays Chinese).
    pub fn load(root: &Path, lang: &str, site: &Site) -> Result<Translations, Vec<Diagnostic>> {
        let dir = Path::new("translations").join(lang);
        let mut files: Vec<PathBuf> = match std::fs::read_dir(root.join(&dir)) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .filter_map(|p| p.file_name().map(|n| dir.join(n)))
                .collect(),
            Err(_) => return Ok(Translations::default()),
        };
        files.sort();
        let mut out = Translations::default();
        let mut errors = Vec::new();
        let known = KnownNames::of(site);
        for rel in files {
            let read = crate::content::read_text(&root.join(&rel), &rel)
                .map_err(|d| vec![d])
                .and_then(
                    |text| match rel.file_name().is_some_and(|n| n == NAMES_FILE) {
                        true => read_names(&rel, &text, &known).map(|n| out.names.extend(n)),
                        false => read_plan(&rel, &text, site, &out.plans).map(|p| {
                            out.plans.insert(p.slug.clone(), p);
                        }),
                    },
                );
            if let Err(e) = read {
                errors.extend(e);
            }
        }
        match errors.is_empty() {
            true => Ok(out),
            false => Err(errors),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(rel: &Path, text: &str) -> Result<T, Vec<Diagnostic>> {
    serde_yaml::from_str(text).map_err(|e| {
        vec![
            crate::diagnostics::yaml_error(rel, &e, 0)
                .with_hint("docs/configuration.md (Editions) shows a translation file"),
        ]
    })
}

fn read_plan(
    rel: &Path,
    text: &str,
    site: &Site,
    done: &HashMap<String, PlanTranslation>,
) -> Result<PlanTranslation, Vec<Diagnostic>> {
    let t: PlanTranslation = parse(rel, text)?;
    let lines = Locator::read(text);
    let Some(plan) = site.plans.iter().find(|p| p.slug == t.slug) else {
        return Err(vec![
            Diagnostic::error(rel, lines.line("slug"), format!("no plan has the slug `{}`", t.slug))
                .with_hint("write the slug of a plan under content/ (the folder name in its address, /plans/SLUG/)"),
        ]);
    };
    if done.contains_key(&t.slug) {
        return Err(vec![
            Diagnostic::error(
                rel,
                lines.line("slug"),
                format!("a second translation of `{}`", t.slug),
            )
            .with_hint("keep one file per plan and language: merge the two"),
        ]);
    }
    let mut errors = Vec::new();
    for number in t.tasks.keys() {
        if !plan
            .tasks
            .iter()
            .any(|task| &*task.number == number.as_str())
        {
            errors.push(
                Diagnostic::error(
                    rel,
                    lines.line(&format!("tasks.{number}")),
                    format!("the plan `{}` has no task numbered `{number}`", t.slug),
                )
                .with_hint("key each task by its number as the plan shows it (第1项任务: `1`)"),
            );
        }
    }
    let mut titles = HashSet::new();
    section_titles(&plan.body, &mut titles);
    for title in t.sections.keys() {
        if !titles.contains(title.as_str()) {
            errors.push(
                Diagnostic::error(rel, lines.line(&format!("sections.{title}")), format!("the plan `{}` has no section titled `{title}`", t.slug))
                    .with_hint("copy the section's Chinese title exactly as the plan writes it, without its number"),
            );
        }
    }
    match errors.is_empty() {
        true => Ok(t),
        false => Err(errors),
    }
}

fn section_titles<'a>(blocks: &'a [Block], out: &mut HashSet<&'a str>) {
    for b in blocks {
        if let Block::Section(s) = b {
            out.insert(s.title.as_str());
            section_titles(&s.blocks, out);
        }
    }
}

/// Every name `names.yaml` may translate.
struct KnownNames(HashSet<String>);

impl KnownNames {
    fn of(site: &Site) -> KnownNames {
        let mut names: HashSet<String> = HashSet::new();
        names.insert(site.config.title.clone());
        names.extend(site.config.description.clone());
        names.extend(site.units.iter().map(|u| u.name.clone()));
        names.extend(site.topics.iter().map(|t| t.name.clone()));
        names.extend(site.jurisdictions.iter().map(|j| j.name.clone()));
        names.extend(PlanKind::ALL.iter().map(|k| k.label().to_string()));
        for plan in &site.plans {
            let mut meta = plan.meta.clone();
            meta.each_text(&mut |t| {
                names.insert(t.clone());
            });
        }
        KnownNames(names)
    }
}

fn read_names(
    rel: &Path,
    text: &str,
    known: &KnownNames,
) -> Result<HashMap<String, String>, Vec<Diagnostic>> {
    let names: BTreeMap<String, String> = parse(rel, text)?;
    let lines = Locator::read(text);
    let errors: Vec<Diagnostic> = names
        .keys()
        .filter(|k| !known.0.contains(k.as_str()))
        .map(|k| {
            Diagnostic::error(rel, lines.line(k), format!("the site has no unit, topic, jurisdiction or document field named `{k}`"))
                .with_hint("copy the Chinese name exactly as the site shows it (a unit's name as in content/units.yaml)")
        })
        .collect();
    match errors.is_empty() {
        true => Ok(names.into_iter().collect()),
        false => Err(errors),
    }
}
