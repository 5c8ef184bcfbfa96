//! The site `serve` shows, held in memory: the loaded model of the last good
//! state (a [`Generation`]), every file a build would write (its
//! [`Output`]s), and the bytes of the files rendered so far.
//!
//! Files are rendered on first request, with the same functions `build`
//! uses, and kept until a change makes them stale. Rendering lazily is what
//! keeps a save on a large site fast: one plan of a 1,000-plan site is shown
//! on hundreds of unit and topic pages and in data files of tens of
//! megabytes, so an edit must not wait for every file it touches, only for
//! the ones a reader opens.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io;
use std::sync::{Arc, Mutex, OnceLock, RwLock, RwLockWriteGuard};

use crate::affects;
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::{PlanId, Site};
use crate::output::checked_relative;
use crate::render::editions::{EditionSite, EditionThemes, Editions, Source};
use crate::render::html::Renderer;
use crate::render::theme::{ELDER_STYLESHEET, STYLESHEET, Theme, version_stylesheet};
use crate::render::views::Views;
use crate::render::{Input, Sink};
use crate::urls::{self, Page};

/// A [`Sink`] that keeps files in memory, for rendering without a disk.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemorySink {
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        checked_relative(path)?;
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        // As on disk: two items writing one path is a slug collision, never
        // a silent overwrite.
        if files.contains_key(path) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("two pages would be written to `{path}`"),
            ));
        }
        files.insert(path.to_string(), bytes);
        Ok(())
    }
}

/// How a file of the site is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A page of the edition at `edition` in the list (0: the site's own),
    /// `elder` for its 长者版 twin.
    Page {
        page: Page,
        elder: bool,
        edition: usize,
    },
    /// A data file (JSON, CSV, iCalendar, sitemap, feed, robots.txt).
    Data,
}

/// What a file shows: [`crate::affects`] decides which files an edit makes
/// stale.
pub use crate::affects::Owner;

/// For each unit and non-configured topic, the first plan that names it.
/// Units and topics are numbered in the order plans first name them, so an
/// edit of plan `k` keeps every number only if all it names was named before.
#[derive(Debug, Default, Clone)]
pub struct FirstUse {
    pub units: Vec<PlanId>,
    /// `None` for topics of site.yaml, which exist whatever the plans say.
    pub topics: Vec<Option<PlanId>>,
}

impl FirstUse {
    fn of(site: &Site, index: &Index) -> FirstUse {
        let units = index
            .units
            .iter()
            .map(|t| {
                let led = t.led.first().map(|r| r.plan());
                let shared = t.shared.first().map(|r| r.plan());
                led.into_iter().chain(shared).min().unwrap_or(usize::MAX)
            })
            .collect();
        let configured: std::collections::HashSet<&str> =
            site.config.topics.iter().map(|t| t.name.trim()).collect();
        let mut topics: Vec<Option<PlanId>> = site
            .topics
            .iter()
            .zip(&index.topics)
            .map(|(topic, refs)| {
                if configured.contains(topic.name.as_str()) {
                    None
                } else {
                    Some(refs.first().map(|r| r.plan()).unwrap_or(usize::MAX))
                }
            })
            .collect();
        for (p, plan) in site.plans.iter().enumerate() {
            for &t in &plan.topics {
                if let Some(Some(first)) = topics.get_mut(t) {
                    *first = (*first).min(p);
                }
            }
        }
        FirstUse { units, topics }
    }
}

/// One consistent state of the site: the model, its indexes and views, the
/// theme and the editions, with the list of files a build of it writes.
pub struct Generation {
    pub site: Site,
    pub index: Index,
    pub views: Views,
    pub theme: Arc<Theme>,
    /// Every page, as the renderer lists them.
    pub pages: Vec<Page>,
    /// Every file `build` would write except static files, by path.
    pub outputs: HashMap<String, (Output, Owner)>,
    pub first_use: FirstUse,
    /// The files of the search index (`search/…`), all made on the first
    /// request for one of them, so that a save never waits for the index.
    /// An edit replaces it with an empty one.
    pub search: OnceLock<HashMap<String, Arc<[u8]>>>,
    /// What [`affects::Changes`] compares of this state, made by the
    /// reassembly that made it or on the next one's request, so that a
    /// reassembly digests only its own model. An edit in place empties it.
    pub digest: OnceLock<Arc<affects::Digest>>,
    /// The editions' list and themes, loaded with the theme.
    pub edition_themes: Arc<EditionThemes>,
    /// The editions of `site`: `edition_themes` with the translations
    /// checked against it.
    pub editions: Arc<Editions>,
    /// Each edition's model, by place in the list (the site's own, first,
    /// has none), made on the first request for one of its pages: a save
    /// never waits for the editions.
    edition_sites: Box<[EditionSlot]>,
}

/// An edition's model, made on the first request for one of its pages
/// after a change: from the model before the change when only plans
/// changed since, else from the start.
#[derive(Default)]
struct EditionSlot {
    made: OnceLock<Result<EditionSite, Diagnostic>>,
    /// The last model made, and the plans changed since.
    before: Mutex<Option<(EditionSite, BTreeSet<PlanId>)>>,
}

impl Generation {
    /// The generation of `site`, its own pages only (no other editions).
    pub fn new(site: Site, theme: Arc<Theme>) -> Result<Generation, Diagnostic> {
        let themes = Arc::new(EditionThemes::own(&site.config, &theme));
        let editions = Arc::new(Editions::of(&themes, Vec::new()));
        Self::with_editions(site, theme, (themes, editions))
    }

    /// The generation of `site` with `editions` (made for it from the
    /// edition themes beside them).
    pub fn with_editions(
        site: Site,
        theme: Arc<Theme>,
        editions: (Arc<EditionThemes>, Arc<Editions>),
    ) -> Result<Generation, Diagnostic> {
        let index = Index::build(&site);
        let views = Views::build(&site, &index, &theme)?;
        Self::from_parts(site, index, views, theme, editions)
    }

    /// A generation from a model whose index and views are already made.
    pub fn from_parts(
        site: Site,
        index: Index,
        views: Views,
        theme: Arc<Theme>,
        (edition_themes, editions): (Arc<EditionThemes>, Arc<Editions>),
    ) -> Result<Generation, Diagnostic> {
        let first_use = FirstUse::of(&site, &index);
        let mut generation = Generation {
            site,
            index,
            views,
            theme,
            pages: Vec::new(),
            outputs: HashMap::new(),
            first_use,
            search: OnceLock::new(),
            digest: OnceLock::new(),
            edition_sites: unmade(editions.list.len()),
            edition_themes,
            editions,
        };
        generation.outputs = generation.list_outputs()?;
        Ok(generation)
    }

    /// The renderer of the site's own pages.
    /// This state's [`affects::Digest`].
    pub fn digest(&self) -> Arc<affects::Digest> {
        self.digest
            .get_or_init(|| Arc::new(affects::Digest::of(&self.site, &self.index)))
            .clone()
    }

    pub fn renderer(&self) -> Renderer<'_> {
        Renderer::new(&self.site, &self.index, &self.views, &self.theme)
            .with_edition(&self.editions.list, 0)
    }

    /// What the data files are made from.
    pub fn input(&self) -> Input<'_> {
        Input::new(&self.site, &self.index, &self.views, &self.theme)
            .with_edition(&self.editions.list, 0)
    }

    /// Gives the generation other editions (new themes, or translations
    /// read or checked again), listing its files again when their paths
    /// changed. Returns the places in the list of the editions whose pages
    /// are all stale ([`stale_editions`]).
    pub fn set_editions(
        &mut self,
        (edition_themes, editions): (Arc<EditionThemes>, Arc<Editions>),
    ) -> Result<Vec<usize>, Diagnostic> {
        let stale = stale_editions(&self.editions, &editions);
        let paths = |e: &Editions| -> Vec<(String, bool)> {
            e.list.iter().map(|e| (e.prefix.clone(), e.elder)).collect()
        };
        let relist = paths(&editions) != paths(&self.editions);
        if editions.list.len() != self.edition_sites.len() {
            self.edition_sites = unmade(editions.list.len());
        }
        for &p in &stale {
            if let Some(slot) = self.edition_sites.get_mut(p) {
                *slot = EditionSlot::default();
            }
        }
        self.edition_themes = edition_themes;
        self.editions = editions;
        if relist {
            self.outputs = self.list_outputs()?;
        }
        Ok(stale)
    }

    /// Forgets the editions' models, after a change of the site: they are
    /// made again on request.
    pub fn reset_edition_sites(&mut self) {
        self.edition_sites = unmade(self.editions.list.len());
    }

    /// After the plans `changed` were patched in (and nothing else
    /// changed): each edition's model is patched on its next request.
    pub fn plans_changed(&mut self, changed: impl IntoIterator<Item = PlanId> + Clone) {
        for slot in self.edition_sites.iter_mut() {
            let before = slot.before.get_mut().unwrap_or_else(|e| e.into_inner());
            let before = match (slot.made.take(), before) {
                (Some(Ok(made)), _) => Some((made, changed.clone().into_iter().collect())),
                (None, before) => before.take().map(|(made, mut plans)| {
                    plans.extend(changed.clone());
                    (made, plans)
                }),
                (Some(Err(_)), _) => None,
            };
            *slot = EditionSlot {
                made: OnceLock::new(),
                before: Mutex::new(before),
            };
        }
    }

    /// The model of the edition at `position` in the list, made now if it
    /// is not yet.
    fn edition_site(&self, position: usize) -> Result<(&EditionSite, &Theme), Diagnostic> {
        let unknown = || Diagnostic::general(format!("the site has no edition {position}"));
        let (source, theme) = self.editions.source(position).ok_or_else(unknown)?;
        let slot = self.edition_sites.get(position).ok_or_else(unknown)?;
        let made = slot.made.get_or_init(|| match lock(&slot.before).take() {
            Some((before, changed)) => {
                before.patched(&self.site, &self.index, source, theme, &changed)
            }
            None => EditionSite::make(&self.site, &self.index, source, theme),
        });
        match made {
            Ok(site) => Ok((site, theme)),
            Err(e) => Err(e.clone()),
        }
    }

    /// A file of the search index, the whole index being made on the first
    /// request (as `build` makes it).
    pub fn search_file(&self, path: &str) -> Option<Arc<[u8]>> {
        self.search
            .get_or_init(|| {
                crate::search::build(&self.site)
                    .into_iter()
                    .map(|(p, b)| (p, b.into()))
                    .collect()
            })
            .get(path)
            .cloned()
    }

    /// Every page and data file, found by asking the renderer and the data
    /// writer themselves, so the list cannot drift from what `build` writes.
    /// Also sets [`Generation::pages`].
    pub fn list_outputs(&mut self) -> Result<HashMap<String, (Output, Owner)>, Diagnostic> {
        self.pages = self.input().pages();
        let r = self.input();
        let mut outputs = HashMap::new();
        // An edition's page shows what the site's own does, in other
        // words: the same owner.
        for (edition, e) in self.editions.list.iter().enumerate() {
            let versions: &[bool] = if e.elder { &[false, true] } else { &[false] };
            for &page in &self.pages {
                let owner = affects::page_owner(page);
                for &elder in versions {
                    let page_output = Output::Page {
                        page,
                        elder,
                        edition,
                    };
                    let path = page.output_path_in(&e.prefix, &self.site, elder);
                    outputs.insert(path, (page_output, owner));
                }
            }
        }
        let names = Mutex::new(Vec::new());
        crate::render::data::write_selected(&r, &MemorySink::default(), &|path| {
            names
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(path.to_string());
            false
        })?;
        let owners = affects::DataOwners::new(&self.site, &self.views.unit_paths);
        for path in names.into_inner().unwrap_or_else(|e| e.into_inner()) {
            let owner = owners.of(&path);
            outputs.insert(path, (Output::Data, owner));
        }
        Ok(outputs)
    }

    /// Renders one file of the site.
    pub fn render(&self, path: &str, output: Output) -> Result<Vec<u8>, Diagnostic> {
        match output {
            Output::Page {
                page,
                elder,
                edition: 0,
            } => self.renderer().render_page(page, elder),
            Output::Page {
                page,
                elder,
                edition,
            } => {
                let (made, theme) = self.edition_site(edition)?;
                Renderer::of_edition(made, &self.index, theme, &self.editions.list, edition)
                    .render_page(page, elder)
            }
            Output::Data => {
                let sink = MemorySink::default();
                crate::render::data::write_selected(&self.input(), &sink, &|p| p == path)?;
                sink.into_files().remove(path).ok_or_else(|| {
                    Diagnostic::error(path, 0, "the data writer did not produce this file")
                })
            }
        }
    }
}

/// The places of the editions of `new` whose pages `old`'s would not show
/// the same: every one when the list changed (the switcher shows it), else
/// those made otherwise.
pub fn stale_editions(old: &Editions, new: &Editions) -> Vec<usize> {
    if old.list != new.list {
        return (0..new.list.len().max(old.list.len())).collect();
    }
    (1..new.list.len())
        .filter(|&p| !same_source(old, new, p))
        .collect()
}

/// `position` is made the same way in both: the same converter, or the
/// same translations (a theme change replaces every page anyway).
fn same_source(a: &Editions, b: &Editions, position: usize) -> bool {
    match (a.source(position), b.source(position)) {
        (Some((Source::Converted(_), _)), Some((Source::Converted(_), _))) => true,
        (Some((Source::Translated(x), _)), Some((Source::Translated(y), _))) => x == y,
        _ => false,
    }
}

fn unmade(n: usize) -> Box<[EditionSlot]> {
    (0..n).map(|_| EditionSlot::default()).collect()
}

/// What open pages are told: the build number (it changes whenever what
/// the server shows changed) and the current problems, if any.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub build: u64,
    pub errors: Arc<Vec<Diagnostic>>,
}

/// Problems by where they came from; the overlay shows all of them.
#[derive(Debug, Default)]
pub struct Problems {
    /// Content, site.yaml or units.yaml does not load.
    pub content: Vec<Diagnostic>,
    /// Templates do not compile or fail on a probe page.
    pub theme: Vec<Diagnostic>,
    /// A page failed to render on request (cleared by the next change).
    pub render: Vec<Diagnostic>,
    /// The translations of a translated edition name what the site lacks
    /// (checked again at every change of the content or translations).
    pub translations: Vec<Diagnostic>,
}

/// What open pages are told after problems change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tell {
    /// Nothing yet: another message follows.
    Nothing,
    /// The problems (the overlay is shown, changed or hidden).
    Problems,
    /// A new build: pages reload.
    Reload,
}

/// The result of looking up a request path.
pub enum Found {
    /// A file, with its path in the site (which gives its type).
    File(String, Arc<[u8]>),
    /// A folder asked for without its `/`.
    Redirect(String),
    /// No such file: the site's 404 page, when it has one.
    NotFound(Option<Arc<[u8]>>),
    /// The file exists but cannot be rendered and no earlier version is kept.
    Failed,
    /// Nothing loaded yet: the content or theme had errors from the start.
    NoSite,
}

/// Rendered bytes, with their total size so memory stays bounded.
#[derive(Default)]
struct Cache {
    files: HashMap<String, (Arc<[u8]>, Owner)>,
    bytes: usize,
}

/// Beyond this many bytes of rendered files, the cache starts over: topic
/// pages of very large sites are tens of megabytes each.
const CACHE_LIMIT: usize = 1 << 30;

/// The served site, shared by the HTTP handlers and the rebuild thread.
pub struct Live {
    root: std::path::PathBuf,
    generation: RwLock<Option<Generation>>,
    cache: Mutex<Cache>,
    /// The last good bytes of files made stale, served with the error
    /// overlay when their new version fails to render.
    stale: Mutex<HashMap<String, Arc<[u8]>>>,
    /// Static files by site path (`static/portal.css`).
    statics: RwLock<BTreeMap<String, Arc<[u8]>>>,
    problems: Mutex<Problems>,
    status: tokio::sync::watch::Sender<Status>,
}

impl Live {
    /// An empty site for the folder `root` (used to show diagnostics).
    pub fn new(root: &std::path::Path) -> Live {
        Live {
            root: root.to_path_buf(),
            generation: RwLock::new(None),
            cache: Mutex::default(),
            stale: Mutex::default(),
            statics: RwLock::default(),
            problems: Mutex::default(),
            status: tokio::sync::watch::Sender::new(Status::default()),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic in another thread leaves the data as it was between two
    // complete operations; serving on is better than stopping.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Live {
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<Status> {
        self.status.subscribe()
    }

    pub fn status(&self) -> Status {
        self.status.borrow().clone()
    }

    pub fn has_site(&self) -> bool {
        self.generation
            .read()
            .map(|g| g.is_some())
            .unwrap_or_else(|e| e.into_inner().is_some())
    }

    /// Exclusive access to the generation, for the rebuild thread. Waits
    /// for renders in progress: they hold the read side until their bytes
    /// are in the cache, so no stale render can land after an invalidation.
    pub fn write(&self) -> RwLockWriteGuard<'_, Option<Generation>> {
        self.generation.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `f` on the current generation, if there is one.
    pub fn read<R>(&self, f: impl FnOnce(&Generation) -> R) -> Option<R> {
        let guard = self.generation.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().map(f)
    }

    /// Drops cached files for which `keep` says no, keeping their bytes as
    /// the fallback for a failed render. Call with the write guard held.
    pub fn invalidate(&self, keep: impl Fn(&str, Owner) -> bool) {
        let mut cache = lock(&self.cache);
        let mut stale = lock(&self.stale);
        let files = std::mem::take(&mut cache.files);
        cache.bytes = 0;
        for (path, (bytes, owner)) in files {
            if keep(&path, owner) {
                cache.bytes += bytes.len();
                cache.files.insert(path, (bytes, owner));
            } else {
                stale.insert(path, bytes);
            }
        }
        let stale_bytes: usize = stale.values().map(|b| b.len()).sum();
        if stale_bytes > CACHE_LIMIT {
            stale.clear();
        }
    }

    /// Replaces the static files.
    pub fn set_statics(&self, statics: BTreeMap<String, Arc<[u8]>>) {
        *self.statics.write().unwrap_or_else(|e| e.into_inner()) = statics;
    }

    /// Sets or removes one static file.
    pub fn set_static(&self, path: String, bytes: Option<Arc<[u8]>>) {
        let mut statics = self.statics.write().unwrap_or_else(|e| e.into_inner());
        match bytes {
            Some(b) => statics.insert(path, b),
            None => statics.remove(&path),
        };
    }

    /// Changes the recorded problems and tells open pages, in one message
    /// (so a page never sees its overlay go away before it reloads).
    pub fn report(&self, tell: Tell, change: impl FnOnce(&mut Problems)) {
        change(&mut lock(&self.problems));
        match tell {
            Tell::Nothing => {}
            Tell::Problems => self.publish(false),
            Tell::Reload => self.publish(true),
        }
    }

    fn publish(&self, new_build: bool) {
        let errors: Vec<Diagnostic> = {
            let p = lock(&self.problems);
            p.content
                .iter()
                .chain(&p.translations)
                .chain(&p.theme)
                .chain(&p.render)
                .cloned()
                .collect()
        };
        // Only a real change is sent: every message makes open pages act.
        self.status.send_if_modified(|s| {
            if new_build {
                s.build += 1;
            } else if *s.errors == errors {
                return false;
            }
            s.errors = Arc::new(errors);
            true
        });
    }

    /// Looks up a site path (`` for the home page, `plans/x/`, `feed.xml`),
    /// rendering the file if it is not cached.
    pub fn get(&self, rel: &str) -> Found {
        let wanted = urls::file_of(rel);
        let guard = self.generation.read().unwrap_or_else(|e| e.into_inner());
        if let Some(bytes) = self.version_stylesheet(&wanted, guard.as_ref()) {
            return Found::File(wanted, bytes);
        }
        if let Some(bytes) = self.static_file(&wanted) {
            return Found::File(wanted, bytes);
        }
        let Some(generation) = guard.as_ref() else {
            return Found::NoSite;
        };
        if let Some(&(output, owner)) = generation.outputs.get(&wanted) {
            return match self.bytes(generation, &wanted, output, owner) {
                Some(bytes) => Found::File(wanted, bytes),
                None => Found::Failed,
            };
        }
        if crate::search::is_index_file(&wanted)
            && let Some(bytes) = generation.search_file(&wanted)
        {
            return Found::File(wanted, bytes);
        }
        let folder = urls::file_of(&format!("{rel}/"));
        if !rel.is_empty() && !rel.ends_with('/') && generation.outputs.contains_key(&folder) {
            return Found::Redirect(format!("{rel}/"));
        }
        // The 404 page of the edition asked for, as a server would have it
        // answer under the edition's folder.
        let edition = generation
            .editions
            .list
            .iter()
            .filter(|e| !e.prefix.is_empty() && wanted.starts_with(&e.prefix))
            .map(|e| format!("{}{}", e.prefix, urls::NOT_FOUND_FILE))
            .find(|p| generation.outputs.contains_key(p));
        let page = edition.unwrap_or_else(|| urls::NOT_FOUND_FILE.to_string());
        let not_found = generation
            .outputs
            .get(&page)
            .and_then(|&(output, owner)| self.bytes(generation, &page, output, owner));
        Found::NotFound(not_found)
    }

    /// A version's stylesheet (`static/portal.css`, `elder/static/portal.css`,
    /// `hant/static/portal.css`), made from the theme's as `build` writes it;
    /// `None` for another path, or a folder that is no version's root (one
    /// without a home page).
    fn version_stylesheet(
        &self,
        wanted: &str,
        generation: Option<&Generation>,
    ) -> Option<Arc<[u8]>> {
        let root = wanted.strip_suffix(STYLESHEET)?.strip_suffix("static/")?;
        let home = format!("{root}{}", urls::INDEX_FILE);
        if !root.is_empty() && !generation?.outputs.contains_key(&home) {
            return None;
        }
        let portal = self.static_file(&format!("static/{STYLESHEET}"))?;
        let elder_css = self.static_file(&format!("static/{ELDER_STYLESHEET}"));
        let elder = root == urls::ELDER || root.ends_with(&format!("/{}", urls::ELDER));
        Some(Arc::from(version_stylesheet(
            &portal,
            elder_css.as_deref(),
            elder,
        )))
    }

    fn static_file(&self, path: &str) -> Option<Arc<[u8]>> {
        let statics = self.statics.read().unwrap_or_else(|e| e.into_inner());
        statics.get(path).cloned()
    }

    /// Cached bytes, or rendered now; on failure the last good bytes, if
    /// any, with the error recorded for the overlay.
    fn bytes(
        &self,
        generation: &Generation,
        path: &str,
        output: Output,
        owner: Owner,
    ) -> Option<Arc<[u8]>> {
        if let Some((bytes, _)) = lock(&self.cache).files.get(path) {
            return Some(bytes.clone());
        }
        match generation.render(path, output) {
            Ok(bytes) => {
                let bytes: Arc<[u8]> = bytes.into();
                self.insert(path, bytes.clone(), owner);
                lock(&self.stale).remove(path);
                Some(bytes)
            }
            Err(e) => {
                self.render_failed(e);
                lock(&self.stale).get(path).cloned()
            }
        }
    }

    /// Puts rendered bytes in the cache (the rebuild thread pre-renders the
    /// pages an edit is most likely to be looked at on).
    pub fn insert(&self, path: &str, bytes: Arc<[u8]>, owner: Owner) {
        let mut cache = lock(&self.cache);
        if cache.bytes + bytes.len() > CACHE_LIMIT {
            cache.files.clear();
            cache.bytes = 0;
        }
        cache.bytes += bytes.len();
        if let Some((old, _)) = cache.files.insert(path.to_string(), (bytes, owner)) {
            cache.bytes -= old.len();
        }
    }

    /// Renders `path` into the cache now, with the generation given (the
    /// rebuild thread holds the write guard). Returns the error, if any.
    pub fn prerender(&self, generation: &Generation, path: &str) -> Result<(), Diagnostic> {
        let Some(&(output, owner)) = generation.outputs.get(path) else {
            return Ok(());
        };
        let bytes = generation.render(path, output)?;
        self.insert(path, bytes.into(), owner);
        Ok(())
    }

    fn render_failed(&self, e: Diagnostic) {
        let known = {
            let mut p = lock(&self.problems);
            let known = p.render.contains(&e);
            if !known {
                p.render.push(e.clone());
            }
            known
        };
        if !known {
            crate::diagnostics::emit(
                &[e],
                &self.root,
                std::io::IsTerminal::is_terminal(&std::io::stderr()),
            );
            self.publish(false);
        }
    }

    /// Number of cached files (for tests and the terminal).
    pub fn cached(&self) -> usize {
        lock(&self.cache).files.len()
    }
}
