//! Starting a site: `planpress init` (site.yaml, an example plan, a unit
//! registry and the JSON Schemas editors check them with), `planpress new
//! plan` (a plan skeleton) and `planpress theme eject` (the built-in theme,
//! copied out for editing). Nothing existing is ever replaced unless asked.

use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::content::fields::is_valid_slug;
use crate::diagnostics::Diagnostic;
use crate::render::theme::{DEFAULT_THEME, built_in_files};

/// The files `init` writes, by path inside the new site. The YAML ones
/// name their schema in a `yaml-language-server` comment, so that editors
/// complete and check them.
const SITE_FILES: &[(&str, &str)] = &[
    ("site.yaml", include_str!("../defaults/init/site.yaml")),
    (
        "content/example-plan.md",
        include_str!("../defaults/init/example-plan.md"),
    ),
    (
        "content/units.yaml",
        include_str!("../defaults/init/units.yaml"),
    ),
    (
        "schemas/site.schema.json",
        include_str!("../schemas/site.schema.json"),
    ),
    (
        "schemas/content.schema.json",
        include_str!("../schemas/content.schema.json"),
    ),
    (
        "schemas/front-matter.schema.json",
        include_str!("../schemas/front-matter.schema.json"),
    ),
    (
        "schemas/units.schema.json",
        include_str!("../schemas/units.schema.json"),
    ),
];

/// The skeleton `new plan` writes; `{jurisdiction}` is filled in.
const PLAN_SKELETON: &str = include_str!("../defaults/init/plan.md");

/// Starts a site in `dir` (made if missing); returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let files: Vec<(PathBuf, &[u8])> = SITE_FILES
        .iter()
        .map(|(rel, text)| (PathBuf::from(rel), text.as_bytes()))
        .collect();
    refuse_existing(
        dir,
        &files,
        "planpress init writes a new site only; run it in an empty folder, or move these files away",
    )?;
    write_all(dir, &files)
}

/// Copies the built-in theme to `root/themes/portal/`, where each file
/// overrides the built-in one; refuses to replace a file unless `force`.
pub fn eject_theme(root: &Path, force: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let base = Path::new("themes").join(DEFAULT_THEME);
    let files: Vec<(PathBuf, std::borrow::Cow<'static, [u8]>)> = built_in_files()
        .map(|(path, bytes)| (base.join(path), bytes))
        .collect();
    let files: Vec<(PathBuf, &[u8])> = files.iter().map(|(p, b)| (p.clone(), &b[..])).collect();
    if !force {
        refuse_existing(
            root,
            &files,
            "they may hold your edits: move them away, or pass --force to replace them",
        )?;
    }
    write_all(root, &files)
}

/// Writes `content/SLUG.md`, a plan skeleton, in the site at `root`.
pub fn new_plan(
    root: &Path,
    slug: &str,
    jurisdiction: Option<&str>,
) -> Result<PathBuf, Diagnostic> {
    if !root.join("site.yaml").is_file() {
        return Err(SiteConfig::missing(root));
    }
    if !is_valid_slug(slug) {
        let suggestion = crate::slug::slugify(slug);
        return Err(
            Diagnostic::error(slug, 0, format!("`{slug}` is not a valid slug")).with_hint(format!(
                "a slug is the plan's URL name: a-z, 0-9 and inner `-` only, e.g. `{suggestion}`"
            )),
        );
    }
    let jurisdiction = match jurisdiction {
        Some(j) => j.to_string(),
        None => only_jurisdiction(root).unwrap_or_default(),
    };
    let text = PLAN_SKELETON.replace("{jurisdiction}", &jurisdiction.replace('"', "\\\""));
    let rel = Path::new("content").join(format!("{slug}.md"));
    let files = [(rel.clone(), text.as_bytes())];
    refuse_existing(
        root,
        &files,
        "choose another slug, or edit the file that is there",
    )?;
    write_all(root, &files)?;
    Ok(rel)
}

/// The jurisdiction of the site's registry when it has exactly one.
fn only_jurisdiction(root: &Path) -> Option<String> {
    let registry = crate::content::load_registry(root, &mut Vec::new());
    let mut names = registry.jurisdictions.keys();
    match (names.next(), names.next()) {
        (Some(one), None) => Some(one.clone()),
        _ => None,
    }
}

/// An error naming the files that exist already, when any does.
fn refuse_existing<B>(dir: &Path, files: &[(PathBuf, B)], hint: &str) -> Result<(), Diagnostic> {
    let existing: Vec<&Path> = files
        .iter()
        .map(|(rel, _)| rel.as_path())
        .filter(|rel| std::fs::symlink_metadata(dir.join(rel)).is_ok())
        .collect();
    let Some(first) = existing.first() else {
        return Ok(());
    };
    let listed: Vec<String> = existing
        .iter()
        .take(5)
        .map(|p| p.display().to_string())
        .collect();
    let more = match existing.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    Err(Diagnostic::error(
        dir.join(first),
        0,
        format!(
            "not replacing what is there: {}{more}; nothing was written",
            listed.join(", ")
        ),
    )
    .with_hint(hint))
}

fn write_all(dir: &Path, files: &[(PathBuf, &[u8])]) -> Result<Vec<PathBuf>, Diagnostic> {
    for (rel, bytes) in files {
        let path = dir.join(rel);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, bytes));
        if let Err(e) = written {
            return Err(Diagnostic::error(&path, 0, format!("cannot write: {e}"))
                .with_hint("check that the folder exists and may be written"));
        }
    }
    Ok(files.iter().map(|(rel, _)| rel.clone()).collect())
}
