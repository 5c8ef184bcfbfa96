//! The site's source files as `serve` last read them: site.yaml, the unit
//! registry, each content file's parse, the theme and the static files.
//!
//! Each content file's parse is kept, with the topics site.yaml's keywords
//! find in its tasks, so a change re-reads only the files that changed;
//! assembling goes through [`crate::content::assemble_parsed`], the
//! assembly a build uses, reading the kept parses where they are (only what
//! the model keeps as written is copied), so the model is the one a build
//! would make.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::assemble::{Keywords, PlanTopics, keyword_topics};
use crate::content::{self, LoadResult, Loaded, units::Registry};
use crate::diagnostics::Diagnostic;
use crate::render::theme::Theme;

/// One content file: its parse, the topics the keywords find in its plans'
/// tasks (they depend only on the file and site.yaml, so an assembly does
/// not look for them again), and a hash of its bytes (a save that changes
/// nothing, or a `touch`, rebuilds nothing).
/// Shared: an assembly (on another thread too) reads them where they are.
pub struct FileState {
    pub loaded: Arc<Loaded>,
    topics: Arc<[PlanTopics]>,
    hash: u64,
}

/// What reading one content file again found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    Unchanged,
    Modified,
    Added,
    Removed,
}

pub struct Workspace {
    pub root: PathBuf,
    /// The server's own address: links must work locally.
    pub base_url: String,
    pub config: Result<SiteConfig, Diagnostic>,
    /// The keywords of site.yaml's topics.
    keywords: Keywords,
    pub registry: Arc<Registry>,
    registry_errors: Vec<Diagnostic>,
    listing_errors: Vec<Diagnostic>,
    pub files: BTreeMap<PathBuf, FileState>,
    pub theme: Result<Arc<Theme>, Vec<Diagnostic>>,
}

fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl Workspace {
    /// Reads everything.
    pub fn open(root: &Path, base_url: &str) -> Workspace {
        let mut ws = Workspace {
            root: root.to_path_buf(),
            base_url: base_url.to_string(),
            config: Err(Diagnostic::error("site.yaml", 0, "not read yet")),
            keywords: Keywords::none(),
            registry: Arc::default(),
            registry_errors: Vec::new(),
            listing_errors: Vec::new(),
            files: BTreeMap::new(),
            theme: Err(Vec::new()),
        };
        ws.reload_config();
        ws
    }

    /// Reads site.yaml, then everything that depends on it: the registry,
    /// every content file and the theme.
    pub fn reload_config(&mut self) {
        self.config = SiteConfig::load(&self.root).map(|mut c| {
            c.base_url = self.base_url.clone();
            c
        });
        if let Ok(config) = &self.config {
            self.keywords = Keywords::of(config);
        }
        self.reload_registry();
        self.reload_theme();
    }

    /// Reads units.yaml and, since parsing uses it, every content file.
    pub fn reload_registry(&mut self) {
        self.registry_errors.clear();
        self.registry = Arc::new(content::load_registry(
            &self.root,
            &mut self.registry_errors,
        ));
        self.rescan_content(true);
    }

    /// Lists content/ again: new files are read, removed ones dropped, and
    /// with `all` every file is read again. Returns the files that changed.
    pub fn rescan_content(&mut self, all: bool) -> Vec<PathBuf> {
        let (files, errors) = content::content_files(&self.root, &self.root.join("content"));
        self.listing_errors = errors;
        let mut changed: Vec<PathBuf> = self
            .files
            .keys()
            .filter(|p| !files.contains(p))
            .cloned()
            .collect();
        for gone in &changed {
            self.files.remove(gone);
        }
        let to_read: Vec<PathBuf> = files
            .into_iter()
            .filter(|f| all || !self.files.contains_key(f))
            .collect();
        let read: Vec<(PathBuf, FileState)> = to_read
            .par_iter()
            .map(|rel| (rel.clone(), self.read_file(rel)))
            .collect();
        for (rel, state) in read {
            let same = self
                .files
                .get(&rel)
                .is_some_and(|old| old.hash == state.hash);
            if !same {
                changed.push(rel.clone());
            }
            self.files.insert(rel, state);
        }
        changed.sort();
        changed
    }

    fn read_file(&self, rel: &Path) -> FileState {
        let hash = std::fs::read(self.root.join(rel))
            .map(|b| hash_bytes(&b))
            .unwrap_or(0);
        let loaded = content::load_file(&self.root, rel, &self.registry);
        FileState {
            topics: keyword_topics(&loaded.plans, &self.keywords).into(),
            loaded: Arc::new(loaded),
            hash,
        }
    }

    /// Whether `rel` is a file `build` would read as content: the rules of
    /// `content::content_files` (extension, hidden names, the registry)
    /// applied to one path.
    pub fn is_content_file(&self, rel: &Path) -> bool {
        let Some(name) = rel.file_name().and_then(|n| n.to_str()) else {
            return false;
        };
        rel.starts_with("content")
            && !name.starts_with('.')
            && rel != Path::new("content").join(content::UNITS_FILE)
            && matches!(
                rel.extension().and_then(|e| e.to_str()),
                Some("md" | "markdown" | "yaml" | "yml")
            )
    }

    /// Reads one content file again.
    pub fn update_file(&mut self, rel: &Path) -> FileChange {
        let full = self.root.join(rel);
        // Symlinks are not followed by the listing, so neither here.
        let is_file = std::fs::symlink_metadata(&full)
            .map(|m| m.file_type().is_file())
            .unwrap_or(false);
        if !is_file || !self.is_content_file(rel) {
            return if self.files.remove(rel).is_some() {
                FileChange::Removed
            } else {
                FileChange::Unchanged
            };
        }
        let state = self.read_file(rel);
        match self.files.insert(rel.to_path_buf(), state) {
            None => FileChange::Added,
            Some(old) if old.hash == self.files[rel].hash => FileChange::Unchanged,
            Some(_) => FileChange::Modified,
        }
    }

    /// Compiles the templates again.
    pub fn reload_theme(&mut self) {
        self.theme = match &self.config {
            Ok(config) => Theme::load(&self.root, config).map(Arc::new),
            Err(_) => Err(Vec::new()),
        };
    }

    /// Problems found before assembling: site.yaml, units.yaml, the listing
    /// and each file's parse.
    pub fn parse_errors(&self) -> Vec<Diagnostic> {
        let mut errors: Vec<Diagnostic> = self.config.as_ref().err().into_iter().cloned().collect();
        errors.extend(self.registry_errors.iter().cloned());
        errors.extend(self.listing_errors.iter().cloned());
        for f in self.files.values() {
            errors.extend(
                f.loaded
                    .diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .cloned(),
            );
        }
        errors
    }

    /// Assembles the whole site from the kept parses, as a build would.
    pub fn assemble(&self) -> Result<LoadResult, Diagnostic> {
        Ok(self.snapshot()?.assemble())
    }

    /// Everything assembling needs, to assemble on another thread: the
    /// files' parses are shared, not copied.
    pub fn snapshot(&self) -> Result<Snapshot, Diagnostic> {
        let config = self.config.clone()?;
        let files = self
            .files
            .values()
            .map(|f| (f.loaded.clone(), f.topics.clone()))
            .collect();
        let mut diagnostics = self.listing_errors.clone();
        diagnostics.extend(self.registry_errors.iter().cloned());
        Ok(Snapshot {
            config,
            files,
            registry: self.registry.clone(),
            diagnostics,
        })
    }

    /// The static folders, lowest priority first (the theme's, then the
    /// site's), as `build` copies them.
    pub fn static_dirs(&self) -> Vec<PathBuf> {
        match &self.theme {
            Ok(theme) => theme.static_dirs.clone(),
            Err(_) => Vec::new(),
        }
    }

    /// Every static file, by site path (`static/portal.css`), as `build`
    /// publishes them ([`Theme::static_files`]: no symlinks followed, no
    /// dotfiles unless site.yaml lists them).
    pub fn read_statics(&self) -> BTreeMap<String, Arc<[u8]>> {
        let Ok(theme) = &self.theme else {
            return BTreeMap::new();
        };
        theme
            .static_files()
            .into_iter()
            .filter_map(|(rel, file)| Some((format!("static/{rel}"), Arc::from(file.read().ok()?))))
            .collect()
    }

    /// The current bytes of one static file (`static/x.css`) after a
    /// change: the highest-priority layer holding it wins, as in a build.
    pub fn read_static(&self, key: &str) -> Option<Arc<[u8]>> {
        let rel = key.strip_prefix("static/")?;
        let theme = self.theme.as_ref().ok()?;
        let file = theme.static_files().remove(rel)?;
        file.read().ok().map(Arc::from)
    }

    /// The site path of a changed file under a static folder, if it is one.
    pub fn static_key_of(&self, abs: &Path) -> Option<String> {
        self.static_dirs()
            .iter()
            .find_map(|dir| static_key(dir, abs))
    }

    /// Each content file's warnings, for the terminal after a change.
    pub fn warnings_of(&self, rel: &Path) -> Vec<Diagnostic> {
        self.files
            .get(rel)
            .map(|f| {
                f.loaded
                    .diagnostics
                    .iter()
                    .filter(|d| !d.is_error())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Raw documents by source (path, line), for the incremental path.
    pub fn raw_notices(&self) -> HashMap<(PathBuf, usize), &content::RawNotice> {
        self.files
            .values()
            .flat_map(|f| &f.loaded.notices)
            .map(|n| ((n.source.path.clone(), n.source.line), n))
            .collect()
    }
}

/// The inputs of a full assembly.
pub struct Snapshot {
    config: SiteConfig,
    /// Each file's parse and the topics the keywords find in its plans, in
    /// file order.
    files: Vec<(Arc<Loaded>, Arc<[PlanTopics]>)>,
    registry: Arc<Registry>,
    diagnostics: Vec<Diagnostic>,
}

impl Snapshot {
    pub fn assemble(self) -> LoadResult {
        let files: Vec<(&Loaded, &[PlanTopics])> =
            self.files.iter().map(|(l, t)| (&**l, &**t)).collect();
        content::assemble_parsed(self.config, &files, &self.registry, self.diagnostics)
    }
}

fn static_key(dir: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(dir).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let parts = parts?;
    if parts.is_empty() {
        return None;
    }
    Some(format!("static/{}", parts.join("/")))
}
