//! Templates: a site's own `templates/` folder overrides single templates of
//! its theme (`themes/NAME/templates/`); static files come from the theme's
//! `static/` and the site's `static/`.
//!
//! The default theme, `portal`, is built into planpress, so a site needs no
//! copy of it: a site's own `themes/portal/` overrides it file by file
//! (`planpress theme eject` copies it out for editing).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tera::{ErrorKind, Tera};
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::render::Sink;
use crate::render::words::{self, ThemeStrings, Words};

/// The default theme, `themes/portal/` as it was when planpress was built.
#[derive(rust_embed::Embed)]
#[folder = "themes/portal/"]
struct BuiltIn;

/// The theme built into planpress.
pub const DEFAULT_THEME: &str = "portal";

/// How files of the built-in theme are named in messages: they are not in
/// the site folder.
const BUILT_IN_LABEL: &str = "(built-in theme portal)";

/// Where one file of a theme comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeFile {
    /// Built into planpress: its path inside the default theme.
    BuiltIn(String),
    /// A file of the site.
    Site(PathBuf),
    /// Made from the theme's words ([`toolbar_scripts`]).
    Words(Vec<u8>),
}

impl ThemeFile {
    pub fn read(&self) -> io::Result<Cow<'static, [u8]>> {
        match self {
            ThemeFile::BuiltIn(path) => BuiltIn::get(path).map(|f| f.data).ok_or_else(|| {
                io::Error::new(io::ErrorKind::NotFound, format!("no built-in `{path}`"))
            }),
            ThemeFile::Site(path) => std::fs::read(path).map(Cow::Owned),
            ThemeFile::Words(bytes) => Ok(Cow::Owned(bytes.clone())),
        }
    }
}

/// Every file of the built-in theme, by its path inside it (`templates/base.html`).
pub fn built_in_files() -> impl Iterator<Item = (String, Cow<'static, [u8]>)> {
    BuiltIn::iter().filter_map(|path| BuiltIn::get(&path).map(|f| (path.into_owned(), f.data)))
}

/// The compiled templates of a site and where each came from.
pub struct Theme {
    pub tera: Tera,
    /// Template name -> file, relative to the site root (for error messages).
    pub sources: BTreeMap<String, PathBuf>,
    /// The site's static folders, lowest priority first (the theme's, then
    /// the site's own); the built-in theme's static files come before them.
    pub static_dirs: Vec<PathBuf>,
    /// Whether the built-in theme's static files are the lowest layer.
    built_in_static: bool,
    /// The static files made from the theme's words, by path under `static/`
    /// ([`toolbar_scripts`]): above the built-in theme's, below the folders'.
    word_files: BTreeMap<String, Vec<u8>>,
    /// Static paths starting with `.` that site.yaml publishes.
    dotfiles: Vec<String>,
    /// The words in the site's language (`words/LANG.yaml`).
    pub words: Words,
    /// The words planpress writes itself, from `words`.
    pub strings: ThemeStrings,
    /// The site's language: site.yaml's, else the theme's default.
    pub language: String,
}

/// The templates whose output Tera escapes.
const AUTOESCAPED: [&str; 2] = [".html", ".xml"];

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

/// Variables that no longer exist: the standard page and its 长者版 are
/// one file, so nothing tells a template which version it renders.
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
                    format!("`{var}` is read in a page's content (here or in a template it includes), but the standard page and its 长者版 are one file"),
                )
                .with_hint("give what only one version shows the class `only-elder` or `only-standard`, link the other version with `versions.elder` and `versions.standard`, and style the 长者版 in elder.css (`html.elder`)"),
            );
        }
    }
    diagnostics
}

impl Theme {
    pub fn load(root: &Path, config: &SiteConfig) -> Result<Theme, Vec<Diagnostic>> {
        Self::load_in(root, config, None)
    }

    /// The theme with the words of `language` (an edition's, such as
    /// `zh-Hant`), else of the site's language.
    pub fn load_in(
        root: &Path,
        config: &SiteConfig,
        language: Option<&str>,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let theme_dir = theme_dir(root, &config.theme)?;
        let built_in = config.theme == DEFAULT_THEME;
        let (sources, files) = template_files(root, &theme_dir, built_in);
        let contents = read_templates(root, &theme_dir, &sources, &files)?;
        let settings = load_settings(root, &theme_dir, built_in)?;
        let language = language
            .map(str::to_string)
            .or_else(|| config.language.clone())
            .unwrap_or(settings.default_language);
        let words = load_words(root, &theme_dir, &language)?;
        let missing = words.check_templates(&contents, &sources);
        if !missing.is_empty() {
            return Err(missing);
        }
        let tera = compile(&contents, &sources, &words)?;
        let strings = ThemeStrings::from_words(&words)?;
        Ok(Theme {
            tera,
            sources,
            static_dirs: vec![theme_dir.join("static"), root.join("static")],
            built_in_static: built_in,
            word_files: toolbar_scripts(root, &theme_dir),
            dotfiles: config.publish_dotfiles.clone(),
            words,
            strings,
            language,
        })
    }

    /// Every static file to publish, by its path under `static/`: the
    /// built-in theme's, then the site's theme folder's, then the site's
    /// own, a later one replacing an earlier one of the same path. Files
    /// and folders whose name starts with `.` (`.env`, `.git/`) are left
    /// out unless site.yaml lists them in `publish_dotfiles`; symbolic
    /// links are not followed, so nothing outside the site is published.
    pub fn static_files(&self) -> BTreeMap<String, ThemeFile> {
        let mut out = BTreeMap::new();
        if self.built_in_static {
            for path in BuiltIn::iter() {
                if let Some(rel) = path.strip_prefix("static/") {
                    out.insert(rel.to_string(), ThemeFile::BuiltIn(path.to_string()));
                }
            }
        }
        for (rel, bytes) in &self.word_files {
            out.insert(rel.clone(), ThemeFile::Words(bytes.clone()));
        }
        for dir in &self.static_dirs {
            for (rel, abs) in collect_files(dir) {
                out.insert(rel, ThemeFile::Site(abs));
            }
        }
        out.retain(|rel, _| publishable(rel, &self.dotfiles));
        out
    }

    /// A short hash of the theme's static files, path and bytes (a site's
    /// own file of the same path replacing the theme's counts). The theme
    /// adds it to the URLs of its static files (`portal.css?v=…`), so a web
    /// server may let browsers keep them for a year (docs/deploy.md): a
    /// change to any of them changes every such URL. A site's other files
    /// under `static/` (its documents, maybe large) are not linked so and
    /// not read.
    pub fn static_fingerprint(&self) -> String {
        let themed = self.theme_static_paths();
        let mut hasher = Sha256::new();
        for (rel, file) in self.static_files() {
            if !themed.contains(&rel) {
                continue;
            }
            hasher.update(rel.as_bytes());
            // An unreadable file fails the build in `write_static`, named.
            if let Ok(bytes) = file.read() {
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
            }
        }
        hasher.finalize()[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The paths under `static/` that the theme has: the built-in theme's
    /// and the theme folder's, not the site's own `static/` (the last layer).
    fn theme_static_paths(&self) -> BTreeSet<String> {
        let mut out: BTreeSet<String> = self.word_files.keys().cloned().collect();
        if self.built_in_static {
            out.extend(
                BuiltIn::iter().filter_map(|p| Some(p.strip_prefix("static/")?.to_string())),
            );
        }
        if let Some((_site, theme_dirs)) = self.static_dirs.split_last() {
            for dir in theme_dirs {
                out.extend(collect_files(dir).into_iter().map(|(rel, _)| rel));
            }
        }
        out
    }

    /// Writes every static file to `static/` in `sink`, and the version
    /// stylesheet under each version root of `roots` but the site's own
    /// (`elder/static/portal.css`, `hant/static/portal.css`: see
    /// [`version_stylesheet`]); returns how many files.
    pub fn write_static(&self, sink: &dyn Sink, roots: &[(String, bool)]) -> io::Result<usize> {
        let files = self.static_files();
        let (mut standard, mut elder_css) = (None, None);
        for (rel, file) in &files {
            let bytes = file.read()?;
            match rel.as_str() {
                STYLESHEET => standard = Some(bytes),
                ELDER_STYLESHEET => {
                    sink.put_slice(&format!("static/{rel}"), &bytes)?;
                    elder_css = Some(bytes);
                }
                _ => sink.put_slice(&format!("static/{rel}"), &bytes)?,
            }
        }
        let Some(portal) = standard else {
            return Ok(files.len());
        };
        let mut written = files.len() - 1;
        // The first root of each version is written, the others link it.
        let mut first: [Option<(String, Vec<u8>)>; 2] = [None, None];
        let mut done = BTreeSet::new();
        let own = [(String::new(), false)];
        for (root, elder) in own.iter().chain(roots) {
            let path = format!("{root}static/{STYLESHEET}");
            if !done.insert(path.clone()) {
                continue;
            }
            match &first[usize::from(*elder)] {
                Some((like, css)) => sink.put_twin(&path, like, css)?,
                None => {
                    let css = version_stylesheet(&portal, elder_css.as_deref(), *elder);
                    sink.put_slice(&path, &css)?;
                    first[usize::from(*elder)] = Some((path, css));
                }
            }
            written += 1;
        }
        Ok(written)
    }
}

/// The stylesheet pages link relative to their version's root
/// (`{{ root }}static/portal.css`): the standard pages' and the 长者版's
/// are the same file at two addresses, and this stylesheet alone tells
/// them apart.
pub const STYLESHEET: &str = "portal.css";
/// The theme's 长者版 rules, written for `html.elder`.
pub const ELDER_STYLESHEET: &str = "elder.css";

/// What the standard version adds to [`STYLESHEET`]: the 长者版's parts of
/// the frame hidden (from assistive technology too).
const STANDARD_RULES: &str =
    "\n/* planpress: the standard version */\n.only-elder { display: none !important; }\n";
/// What the 长者版 adds: the standard parts hidden, and `--elder` for
/// scripts (a11y.js marks `html.elder` from it).
const ELDER_RULES: &str = "\n/* planpress: the 长者版 */\n:root { --elder: 1; }\n.only-standard { display: none !important; }\n";

/// A version's [`STYLESHEET`]: the theme's, and for the 长者版 the rules of
/// [`ELDER_STYLESHEET`] made unconditional (`html.elder` read as
/// `html:root`, which weighs the same in the cascade), then what shows one
/// version's parts of the frame. `serve` makes it so as `build` does.
pub fn version_stylesheet(portal: &[u8], elder_css: Option<&[u8]>, elder: bool) -> Vec<u8> {
    let mut out = portal.to_vec();
    if !elder {
        out.extend_from_slice(STANDARD_RULES.as_bytes());
        return out;
    }
    if let Some(css) = elder_css {
        out.push(b'\n');
        let css = String::from_utf8_lossy(css).replace("html.elder", "html:root");
        out.extend_from_slice(css.as_bytes());
    }
    out.extend_from_slice(ELDER_RULES.as_bytes());
    out
}

/// A theme's templates by name: the built-in theme's, then the site's copy
/// of the theme's, then the site's own, a later one replacing an earlier one
/// of the same name; and where each comes from, for messages.
fn template_files(
    root: &Path,
    theme_dir: &Path,
    built_in: bool,
) -> (BTreeMap<String, PathBuf>, BTreeMap<String, ThemeFile>) {
    let mut sources: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut files: BTreeMap<String, ThemeFile> = BTreeMap::new();
    if built_in {
        for path in BuiltIn::iter() {
            if let Some(name) = path.strip_prefix("templates/") {
                sources.insert(
                    name.to_string(),
                    Path::new(BUILT_IN_LABEL).join(path.as_ref()),
                );
                files.insert(name.to_string(), ThemeFile::BuiltIn(path.to_string()));
            }
        }
    }
    for dir in [theme_dir.join("templates"), root.join("templates")] {
        for (name, abs) in collect_files(&dir) {
            if hidden(&name) {
                continue;
            }
            let rel = abs.strip_prefix(root).unwrap_or(&abs).to_path_buf();
            sources.insert(name.clone(), rel);
            files.insert(name, ThemeFile::Site(abs));
        }
    }
    (sources, files)
}

/// The text of every template, checked: each required template is there,
/// and page templates extend nothing.
fn read_templates(
    root: &Path,
    theme_dir: &Path,
    sources: &BTreeMap<String, PathBuf>,
    files: &BTreeMap<String, ThemeFile>,
) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut contents = Vec::new();
    for (name, file) in files {
        let text = match file {
            ThemeFile::Site(abs) => crate::content::read_text(abs, &sources[name]),
            ThemeFile::BuiltIn(_) | ThemeFile::Words(_) => file
                .read()
                .map_err(|e| Diagnostic::error(&sources[name], 0, e.to_string()))
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
        };
        match text {
            Ok(text) => contents.push((name.clone(), text)),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    for required in PAGE_TEMPLATES.iter().chain(REQUIRED) {
        if !sources.contains_key(*required) {
            diagnostics.push(
                Diagnostic::error(
                    theme_dir
                        .join("templates")
                        .strip_prefix(root)
                        .unwrap_or(theme_dir),
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
    match diagnostics.is_empty() {
        true => Ok(contents),
        false => Err(diagnostics),
    }
}

/// The templates compiled, with the plain words written in, and the words
/// as `w` for the rest.
fn compile(
    contents: &[(String, String)],
    sources: &BTreeMap<String, PathBuf>,
    words: &Words,
) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(AUTOESCAPED);
    let compiled = contents.iter().map(|(name, text)| {
        let escaped = AUTOESCAPED.iter().any(|s| name.ends_with(s));
        (name.as_str(), words.inline(text, escaped))
    });
    if let Err(e) = tera.add_raw_templates(compiled) {
        return Err(vec![template_error(&e, sources)]);
    }
    let layout_only = layout_variables_in_pages(&tera, contents, sources);
    if !layout_only.is_empty() {
        return Err(layout_only);
    }
    tera.global_context()
        .insert_value(words::VARIABLE, words.value.clone());
    Ok(tera)
}

/// Whether a static file may be published: each part of its path that
/// starts with `.` must be listed, as the path up to that part
/// (`.well-known`, `.well-known/.hidden`), in `allowed`.
pub fn publishable(rel: &str, allowed: &[String]) -> bool {
    let listed = |prefix: &str| allowed.iter().any(|a| a.trim_matches('/') == prefix);
    let mut end = 0;
    rel.split('/').all(|part| {
        end += part.len();
        let ok = !part.starts_with('.') || listed(&rel[..end]);
        end += 1;
        ok
    })
}

/// A path with a part starting with `.`: editors' and tools' files
/// (`.swp`, `.DS_Store`, `.git/`), never a template.
fn hidden(rel: &str) -> bool {
    rel.split('/').any(|part| part.starts_with('.'))
}

/// The site's folder for theme `name`, which need not exist for the
/// built-in theme.
fn theme_dir(root: &Path, name: &str) -> Result<PathBuf, Vec<Diagnostic>> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let dir = root.join("themes").join(name);
    if !valid || (name != DEFAULT_THEME && !dir.is_dir()) {
        return Err(vec![
            Diagnostic::error("site.yaml", 0, format!("no theme `{name}` in themes/"))
                .with_hint(format!("set `theme:` to the name of a folder under themes/, or remove it to use the theme built into planpress (`{DEFAULT_THEME}`; `planpress theme eject` copies it out for editing)")),
        ]);
    }
    Ok(dir)
}

/// The regular files under `dir` by their `/`-separated path inside it, in
/// name order. Symlinks are not followed: a theme's files come from inside
/// the site. Names starting with `.` are kept; callers decide.
fn collect_files(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in WalkDir::new(dir)
        .follow_root_links(false)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else {
            continue;
        };
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        if let Some(parts) = parts {
            out.push((parts.join("/"), entry.path().to_path_buf()));
        }
    }
    out
}

/// A theme's `theme.yaml`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// The language of the words a site gets when its site.yaml names none.
    #[serde(default = "default_language")]
    default_language: String,
    /// Where the words were before they had files of their own.
    #[serde(default)]
    strings: Option<serde_yaml::Value>,
}

fn default_language() -> String {
    "zh-CN".to_string()
}

/// A file of the theme: the site's copy (`themes/NAME/PATH`), else the
/// built-in theme's, as messages name it and its text.
fn theme_text(
    root: &Path,
    theme_dir: &Path,
    path: &str,
) -> Result<Option<(PathBuf, String)>, Vec<Diagnostic>> {
    let abs = theme_dir.join(path);
    if abs.is_file() {
        let rel = abs.strip_prefix(root).unwrap_or(&abs).to_path_buf();
        let text = crate::content::read_text(&abs, &rel).map_err(|d| vec![d])?;
        return Ok(Some((rel, text)));
    }
    Ok(BuiltIn::get(path).map(|file| {
        (
            Path::new(BUILT_IN_LABEL).join(path),
            String::from_utf8_lossy(&file.data).into_owned(),
        )
    }))
}

/// The theme's `theme.yaml`: the site's copy, else the built-in one (for
/// the built-in theme).
fn load_settings(
    root: &Path,
    theme_dir: &Path,
    built_in: bool,
) -> Result<Settings, Vec<Diagnostic>> {
    let file = match theme_text(root, theme_dir, "theme.yaml")? {
        Some((rel, _)) if !built_in && rel.starts_with(BUILT_IN_LABEL) => None,
        found => found,
    };
    let Some((rel, text)) = file else {
        return Ok(Settings {
            default_language: default_language(),
            strings: None,
        });
    };
    let settings: Settings = serde_yaml::from_str(&text)
        .map_err(|e| vec![crate::diagnostics::yaml_error(&rel, &e, 0)])?;
    if settings.strings.is_some() {
        return Err(vec![
            Diagnostic::error(&rel, 0, "`strings` in theme.yaml: the theme's words are in words/LANG.yaml now")
                .with_hint("move them to the theme's words/zh-CN.yaml (`planpress theme eject` writes the built-in one; docs/templates.md, \"Words\") and remove `strings`"),
        ]);
    }
    Ok(settings)
}

/// The theme's words in `language`: the site's theme folder's
/// `words/LANG.yaml`, else the built-in theme's (a theme of its own may
/// use the built-in words).
fn load_words(root: &Path, theme_dir: &Path, language: &str) -> Result<Words, Vec<Diagnostic>> {
    let valid = !language.is_empty()
        && language
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let path = format!("words/{language}.yaml");
    match valid
        .then(|| theme_text(root, theme_dir, &path))
        .transpose()?
        .flatten()
    {
        Some((rel, text)) => Words::parse(rel, &text).map_err(|d| vec![d]),
        None => {
            let rel = theme_dir.join(&path);
            let rel = rel.strip_prefix(root).unwrap_or(&rel).to_path_buf();
            Err(vec![
                Diagnostic::error("site.yaml", 0, format!("the theme has no words for the language `{language}` ({})", rel.display()))
                    .with_hint("set `language:` to one the theme has (the built-in theme has zh-CN), or add the file: a copy of the built-in theme's words/zh-CN.yaml (`planpress theme eject`) with every word translated"),
            ])
        }
    }
}

/// The words `static/a11y.js` says (the toolbar's status messages), one
/// script a language: `static/a11y.LANG.js` for each words file the theme
/// has, from its `toolbar` group, so that pages need not carry them (a
/// site's editions each have a language; a language file that does not
/// load is one no edition uses, else the build has failed on it already).
fn toolbar_scripts(root: &Path, theme_dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let language = |rel: &str| {
        let name = rel.strip_suffix(".yaml")?;
        (!name.contains('/')).then(|| name.to_string())
    };
    let mut languages: BTreeSet<String> = BuiltIn::iter()
        .filter_map(|p| language(p.strip_prefix("words/")?))
        .collect();
    languages.extend(
        collect_files(&theme_dir.join("words"))
            .iter()
            .filter_map(|(rel, _)| language(rel)),
    );
    languages
        .into_iter()
        .filter_map(|lang| {
            let words = load_words(root, theme_dir, &lang).ok()?;
            Some((format!("a11y.{lang}.js"), words.toolbar_script()))
        })
        .collect()
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
