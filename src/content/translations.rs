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
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq)]
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
        let (out, errors) = TranslationFiles::read(root, lang).check(site);
        match errors.is_empty() {
            true => Ok(out),
            false => Err(errors),
        }
    }
}

/// A language's translation files read and parsed, not yet checked against
/// a site: `serve` keeps them between edits, so that a content edit checks
/// them again without reading them.
#[derive(Debug, Default)]
pub struct TranslationFiles {
    files: Vec<(PathBuf, Result<Parsed, Vec<Diagnostic>>)>,
}

#[derive(Debug)]
enum Parsed {
    Names(BTreeMap<String, String>, Locator),
    Plan(PlanTranslation, Locator),
}

impl TranslationFiles {
    /// Reads and parses `translations/LANG/` under `root` (nothing when
    /// there is no such folder).
    pub fn read(root: &Path, lang: &str) -> TranslationFiles {
        let dir = Path::new("translations").join(lang);
        let mut files: Vec<PathBuf> = match std::fs::read_dir(root.join(&dir)) {
            Ok(entries) => entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .filter_map(|p| p.file_name().map(|n| dir.join(n)))
                .collect(),
            Err(_) => Vec::new(),
        };
        files.sort();
        let files = files
            .into_iter()
            .map(|rel| {
                let parsed = crate::content::read_text(&root.join(&rel), &rel)
                    .map_err(|d| vec![d])
                    .and_then(|text| {
                        let lines = Locator::read(&text);
                        match rel.file_name().is_some_and(|n| n == NAMES_FILE) {
                            true => parse(&rel, &text).map(|n| Parsed::Names(n, lines)),
                            false => parse(&rel, &text).map(|p| Parsed::Plan(p, lines)),
                        }
                    });
                (rel, parsed)
            })
            .collect();
        TranslationFiles { files }
    }

    /// The translations whose every key names something `site` has, and
    /// the problems of the others (their file and line), in file order.
    pub fn check(&self, site: &Site) -> (Translations, Vec<Diagnostic>) {
        let mut out = Translations::default();
        let mut errors = Vec::new();
        let known = KnownNames::of(site);
        for (rel, parsed) in &self.files {
            let checked = match parsed {
                Err(e) => Err(e.clone()),
                Ok(Parsed::Names(names, lines)) => {
                    check_names(rel, names, lines, &known).map(|()| {
                        out.names
                            .extend(names.iter().map(|(k, v)| (k.clone(), v.clone())))
                    })
                }
                Ok(Parsed::Plan(t, lines)) => {
                    check_plan(rel, t, lines, site, &out.plans).map(|()| {
                        out.plans.insert(t.slug.clone(), t.clone());
                    })
                }
            };
            if let Err(e) = checked {
                errors.extend(e);
            }
        }
        (out, errors)
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

fn check_plan(
    rel: &Path,
    t: &PlanTranslation,
    lines: &Locator,
    site: &Site,
    done: &HashMap<String, PlanTranslation>,
) -> Result<(), Vec<Diagnostic>> {
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
            .any(|task| task.number() == number.as_str())
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
        true => Ok(()),
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

fn check_names(
    rel: &Path,
    names: &BTreeMap<String, String>,
    lines: &Locator,
    known: &KnownNames,
) -> Result<(), Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = names
        .keys()
        .filter(|k| !known.0.contains(k.as_str()))
        .map(|k| {
            Diagnostic::error(rel, lines.line(k), format!("the site has no unit, topic, jurisdiction or document field named `{k}`"))
                .with_hint("copy the Chinese name exactly as the site shows it (a unit's name as in content/units.yaml)")
        })
        .collect();
    match errors.is_empty() {
        true => Ok(()),
        false => Err(errors),
    }
}
