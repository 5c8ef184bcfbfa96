//! Templates: a site's own `templates/` folder overrides single templates of
//! its theme (`themes/NAME/templates/`); static files come from the theme's
//! `static/` and the site's `static/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Tera};
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;

/// The compiled templates of a site and where each came from.
pub struct Theme {
    pub tera: Tera,
    /// Template name -> file, relative to the site root (for error messages).
    pub sources: BTreeMap<String, PathBuf>,
    /// Static folders, lowest priority first.
    pub static_dirs: Vec<PathBuf>,
    pub strings: ThemeStrings,
}

/// Strings the theme gives for output that is not a template (CSV column
/// names, the calendar name): UI text belongs to the theme.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeStrings {
    pub csv_headers: Vec<String>,
    pub role_lead: String,
    pub role_shared: String,
    pub calendar_suffix: String,
    /// Page and breadcrumb titles made by planpress (`plans`, `units`,
    /// `topics`, `jurisdictions`, `search`, `not_found`, `qr`); also passed
    /// to templates as `labels`.
    pub labels: BTreeMap<String, String>,
}

impl ThemeStrings {
    pub fn label(&self, key: &str) -> String {
        self.labels
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
}

impl Default for ThemeStrings {
    fn default() -> Self {
        ThemeStrings {
            csv_headers: [
                "plan",
                "number",
                "text",
                "lead_units",
                "responsible_units",
                "participating_units",
                "officials",
                "schedule",
                "deadlines",
                "topics",
                "jurisdiction",
                "url",
                "role",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            role_lead: "lead".into(),
            role_shared: "shared".into(),
            calendar_suffix: String::new(),
            labels: BTreeMap::new(),
        }
    }
}

/// The templates every theme must have besides its page templates
/// (docs/templates.md).
pub const REQUIRED: &[&str] = &["sitemap.xml", "feed.xml", LAYOUT];

/// The page shell (header, navigation, footer) every page is rendered in,
/// once per version; it prints the page's `content`, which the page's own
/// template renders once for both versions (docs/templates.md).
pub const LAYOUT: &str = "base.html";

/// Page templates (the pages' own templates, not partials or the layout),
/// which every theme has.
pub const PAGE_TEMPLATES: &[&str] = &[
    "home.html",
    "plans.html",
    "plan.html",
    "notice.html",
    "units.html",
    "unit.html",
    "topics.html",
    "topic.html",
    "jurisdictions.html",
    "jurisdiction.html",
    "search.html",
    "404.html",
];

/// The line of an `{% extends %}` in a page template: page templates give
/// only the page's content, which the layout prints.
fn extends_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let t = line.trim_start();
            (t.starts_with("{%") || t.starts_with("{%-"))
                && t.trim_start_matches(['{', '%', '-', ' '])
                    .starts_with("extends")
        })
        .map(|i| i + 1)
}

/// Variables that exist only in the layout, since they differ between the
/// two versions of a page.
const LAYOUT_ONLY: &[&str] = &["elder", "twin"];

/// An error for each page template that reads a layout-only variable, itself
/// or in a template it includes: a page's content is rendered once for both
/// versions, so it would silently show the standard version's choice on both.
fn layout_variables_in_pages(
    tera: &Tera,
    contents: &[(String, String)],
    sources: &BTreeMap<String, PathBuf>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for page in PAGE_TEMPLATES {
        let Ok(vars) = tera.get_template_variables(page) else {
            continue;
        };
        for var in LAYOUT_ONLY.iter().filter(|v| vars.contains(**v)) {
            let text = contents
                .iter()
                .find(|(n, _)| n == page)
                .map(|(_, t)| t.as_str());
            let line = text
                .and_then(|t| t.lines().position(|l| l.contains(var)))
                .map_or(0, |i| i + 1);
            diagnostics.push(
                Diagnostic::error(
                    sources.get(*page).cloned().unwrap_or_else(|| PathBuf::from(page)),
                    line,
                    format!("`{var}` is read in a page's content (here or in a template it includes), which is the same on both versions of the page"),
                )
                .with_hint("a page's template is rendered once for the standard and the 长者版 page: `elder` and `twin` exist only in base.html; style the 长者版 with `html.elder` in CSS"),
            );
        }
    }
    diagnostics
}

impl Theme {
    pub fn load(root: &Path, config: &SiteConfig) -> Result<Theme, Vec<Diagnostic>> {
        let theme_dir = theme_dir(root, &config.theme)?;
        let mut sources: BTreeMap<String, PathBuf> = BTreeMap::new();
        collect_templates(root, &theme_dir.join("templates"), &mut sources);
        // Site-local templates replace the theme's of the same name.
        collect_templates(root, &root.join("templates"), &mut sources);
        let mut diagnostics = Vec::new();
        let mut contents = Vec::new();
        for (name, rel) in &sources {
            match crate::content::read_text(&root.join(rel)) {
                Ok(text) => contents.push((name.clone(), text)),
                Err((m, h)) => diagnostics.push(Diagnostic::error(rel, 0, m).with_hint(h)),
            }
        }
        for required in PAGE_TEMPLATES.iter().chain(REQUIRED) {
            if !sources.contains_key(*required) {
                diagnostics.push(
                    Diagnostic::error(
                        theme_dir
                            .join("templates")
                            .strip_prefix(root)
                            .unwrap_or(&theme_dir),
                        0,
                        format!("the theme has no template `{required}`"),
                    )
                    .with_hint("every theme provides the templates listed in docs/templates.md"),
                );
            }
        }
        for (name, text) in &contents {
            if !PAGE_TEMPLATES.contains(&name.as_str()) {
                continue;
            }
            if let Some(line) = extends_line(text) {
                diagnostics.push(
                    Diagnostic::error(&sources[name], line, "a page template gives only the page's content and extends nothing")
                        .with_hint("remove the `{% extends %}` and the `{% block content %}` around the content: base.html prints it as `{{ content | safe }}`, once per version (docs/templates.md)"),
                );
            }
        }
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        if let Err(e) = tera.add_raw_templates(contents.clone()) {
            return Err(vec![template_error(&e, &sources)]);
        }
        let layout_only = layout_variables_in_pages(&tera, &contents, &sources);
        if !layout_only.is_empty() {
            return Err(layout_only);
        }
        let strings = load_strings(root, &theme_dir)?;
        let mut static_dirs = vec![theme_dir.join("static")];
        static_dirs.push(root.join("static"));
        Ok(Theme {
            tera,
            sources,
            static_dirs,
            strings,
        })
    }
}

fn theme_dir(root: &Path, name: &str) -> Result<PathBuf, Vec<Diagnostic>> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let dir = root.join("themes").join(name);
    if !valid || !dir.is_dir() {
        return Err(vec![
            Diagnostic::error("site.yaml", 0, format!("no theme `{name}` in themes/"))
                .with_hint("set `theme:` to the name of a folder under themes/ (default: portal)"),
        ]);
    }
    Ok(dir)
}

fn collect_templates(root: &Path, dir: &Path, out: &mut BTreeMap<String, PathBuf>) {
    if !dir.is_dir() {
        return;
    }
    // Symlinks are not followed: templates must come from inside the site.
    for entry in WalkDir::new(dir)
        .follow_root_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(name) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let name = name.to_string_lossy().replace('\\', "/");
        if name.starts_with('.') || name.contains("/.") {
            continue;
        }
        let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
        out.insert(name, rel.to_path_buf());
    }
}

fn load_strings(root: &Path, theme_dir: &Path) -> Result<ThemeStrings, Vec<Diagnostic>> {
    let path = theme_dir.join("theme.yaml");
    if !path.is_file() {
        return Ok(ThemeStrings::default());
    }
    let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
    let text = crate::content::read_text(&path)
        .map_err(|(m, h)| vec![Diagnostic::error(&rel, 0, m).with_hint(h)])?;
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        #[serde(default)]
        strings: ThemeStrings,
    }
    serde_yaml::from_str::<File>(&text)
        .map(|f| f.strings)
        .map_err(|e| vec![crate::content::yaml_error(&rel, &e, 0)])
}

/// `--> plan.html:2:10` in a Tera report: (template, line, column).
fn located(report: &str) -> Option<(String, usize, usize)> {
    let rest = report.split("--> ").nth(1)?;
    let loc = rest.lines().next()?.trim();
    let mut parts = loc.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), line, col))
}

/// A Tera error as a diagnostic naming the template file and line.
pub fn template_error(e: &tera::Error, sources: &BTreeMap<String, PathBuf>) -> Diagnostic {
    let file_of = |name: &str| {
        sources
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => Diagnostic::error(
            file_of(r.filename()),
            r.span().start_line,
            r.message().to_string(),
        )
        .at_column(r.span().start_col + 1)
        .with_hint(
            "fix the template here; docs/templates.md lists the variables each template gets",
        ),
        ErrorKind::TemplateNotFound(name) => {
            Diagnostic::error(file_of(name), 0, format!("template `{name}` not found"))
                .with_hint("add it to the theme's templates/ or fix the include/extends name")
        }
        _ => {
            let mut message = e.to_string();
            // Errors found while linking templates (a missing block, a
            // circular extends) carry their position only in the text.
            if let Some((name, line, col)) = located(&message) {
                let first = message
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("error: ")
                    .to_string();
                return Diagnostic::error(file_of(&name), line, first)
                    .at_column(col)
                    .with_hint("fix the template here; docs/templates.md lists the templates and their blocks");
            }
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            Diagnostic::error("templates", 0, message)
        }
    }
}
