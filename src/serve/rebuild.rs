//! Reads the changes the watcher reports and updates the live site: one
//! saved plan patched in place ([`incremental`]), anything else assembled
//! again; the theme probed on a page of every kind before it is used; the
//! incremental updates checked against a full assembly when idle.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::affects;
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::render::editions::{Edition, EditionThemes, Editions};
use crate::render::html::Renderer;
use crate::render::theme::Theme;
use crate::render::views::Views;
use crate::urls::{self, Page};

use super::editions;
use super::incremental;
use super::memory::{self, Generation, Live, Output, Owner, Tell};
use super::watch::{Batch, Message, Next, Watcher};
use super::workspace::{FileChange, Workspace};

/// After an incremental update, how long the server must be idle before it
/// checks the update against a full assembly.
const VERIFY_WHEN_IDLE: Duration = Duration::from_millis(400);

/// Reads changes and updates the live site; runs on its own thread.
pub(super) struct Rebuilder {
    ws: Workspace,
    live: Arc<Live>,
    color: bool,
    /// The live state was made from exactly the files in `ws` (false after
    /// a change that failed): only then can one file's edit be patched in.
    in_sync: bool,
    /// The last theme that compiled and rendered every kind of page.
    good_theme: Option<Arc<Theme>>,
    /// The editions' themes loaded with `good_theme`.
    good_editions: Option<Arc<EditionThemes>>,
    /// The translated editions' files.
    translations: editions::Translations,
    /// The problems of the translations last shown in the terminal.
    translation_problems: Vec<Diagnostic>,
    /// `good_theme` has rendered a page of every kind of the live content.
    theme_probed: bool,
    /// Plans updated incrementally and not yet checked against a full
    /// assembly.
    unchecked: BTreeSet<usize>,
    /// A check is running on another thread.
    checking: bool,
    /// Counts changes to the files read; `live_version` is the count the
    /// live state was made from. A check of an older count is dropped.
    version: u64,
    live_version: u64,
    /// Why the last content change was not applied incrementally.
    full_because: Option<&'static str>,
    /// The warnings of the last assembly.
    warnings: Vec<Diagnostic>,
}

impl Rebuilder {
    pub(super) fn new(root: &Path, base_url: &str, live: Arc<Live>) -> Rebuilder {
        Rebuilder {
            ws: Workspace::open(root, base_url),
            live,
            color: std::io::stderr().is_terminal(),
            in_sync: false,
            good_theme: None,
            good_editions: None,
            translations: editions::Translations::new(root),
            translation_problems: Vec::new(),
            theme_probed: false,
            unchecked: BTreeSet::new(),
            checking: false,
            version: 0,
            live_version: 0,
            full_because: None,
            warnings: Vec::new(),
        }
    }

    fn emit(&self, diagnostics: &[Diagnostic]) {
        crate::diagnostics::emit(diagnostics, &self.ws.root, self.color);
    }

    /// The first full load; prints every diagnostic, as `build` does.
    pub(super) fn start(&mut self) {
        self.live.set_statics(self.ws.read_statics());
        self.check_theme(false);
        if let Some(warnings) = self.rebuild_all() {
            self.emit(&warnings);
        }
    }

    pub(super) fn run(mut self, mut watcher: Watcher<Check>) {
        loop {
            let idle = (!self.unchecked.is_empty() && !self.checking).then_some(VERIFY_WHEN_IDLE);
            match watcher.next(idle) {
                Next::Changes(batch) => {
                    self.apply(batch);
                }
                Next::Idle => self.start_check(&watcher),
                Next::Done(check) => self.finish_check(check),
                Next::Closed => return,
            }
        }
    }

    /// Applies one batch of changes; says how (`None`: not applied).
    pub(super) fn apply(&mut self, batch: Batch) -> Option<String> {
        let t = Instant::now();
        let mut sorted = Sorted::of(&batch, &self.ws);
        if sorted.translations || sorted.config {
            self.translations.forget();
        }
        let (changed, single) = if sorted.config {
            self.ws.reload_config();
            sorted.theme = true;
            self.live.set_statics(self.ws.read_statics());
            (self.ws.files.keys().cloned().collect(), None)
        } else if sorted.registry {
            self.ws.reload_registry();
            (self.ws.files.keys().cloned().collect(), None)
        } else {
            self.reread_content(&sorted.content)
        };
        if sorted.theme && !sorted.config {
            self.ws.reload_theme();
        }
        if !sorted.config {
            for key in &sorted.statics {
                self.live.set_static(key.clone(), self.ws.read_static(key));
            }
        }
        let what = describe(&sorted.touched);
        if changed.is_empty()
            && !sorted.theme
            && sorted.statics.is_empty()
            && !sorted.config
            && !sorted.translations
        {
            return None;
        }
        let content_changed = !changed.is_empty() || sorted.config || sorted.registry;
        if content_changed {
            self.version += 1;
        }
        // With content changing too, the rebuild below tells open pages.
        let theme_ok = !sorted.theme || self.check_theme(!content_changed);
        self.full_because = None;
        let how = if content_changed {
            // Only content changed, and the live state is of the files as
            // they were: what the edit did not touch can be kept.
            let keep = self.in_sync && !sorted.theme && !sorted.config && !sorted.registry;
            let patch = single.filter(|_| keep);
            match self.show_content(&changed, keep, patch.as_deref()) {
                Some(how) => how,
                None => {
                    println!("{what}: not updated, the errors above must be fixed first");
                    return None;
                }
            }
        } else if sorted.theme {
            if !theme_ok {
                println!("{what}: templates not updated, the errors above must be fixed first");
                return None;
            }
            "templates".to_string()
        } else if sorted.translations {
            self.show_translations()?;
            "translations".to_string()
        } else {
            // Static files only: nothing rendered depends on them.
            self.live.report(Tell::Reload, |p| p.render.clear());
            "static".to_string()
        };
        println!("{what}: updated in {} ms ({how})", t.elapsed().as_millis());
        Some(how)
    }

    /// Reads the content files of a batch again: the files whose content
    /// changed, and the one file when it is the only one and was only
    /// modified (what can be patched in).
    fn reread_content(&mut self, content: &[PathBuf]) -> (Vec<PathBuf>, Option<PathBuf>) {
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut single: Option<PathBuf> = None;
        let unknown = content
            .iter()
            .any(|rel| !self.ws.files.contains_key(rel) && !self.ws.root.join(rel).is_file());
        if unknown {
            // A folder moved in or out, or a file that is not content:
            // list content/ again (reading only new files).
            changed = self.ws.rescan_content(false);
        }
        for rel in content {
            match self.ws.update_file(rel) {
                FileChange::Unchanged => {}
                FileChange::Modified if !unknown => {
                    changed.push(rel.clone());
                    single = Some(rel.clone());
                }
                _ => changed.push(rel.clone()),
            }
        }
        changed.sort();
        changed.dedup();
        if changed.len() != 1 {
            single = None;
        }
        (changed, single)
    }

    /// Shows changed content: `patch` patched in when it can be, else the
    /// whole site assembled again, keeping what the edit did not touch when
    /// `keep` (only content files changed). Says how, or `None` when there
    /// were errors.
    fn show_content(
        &mut self,
        changed: &[PathBuf],
        keep: bool,
        patch: Option<&Path>,
    ) -> Option<String> {
        if let Some(rel) = patch
            && self.try_patch(rel)
        {
            self.emit(&self.ws.warnings_of(rel));
            return Some("incremental".into());
        }
        let kept = keep.then_some(changed);
        let how = match self.rebuild(kept)? {
            Rebuilt::Full => "full".to_string(),
            Rebuilt::Kept(changes) => {
                let (plans, units, topics) = changes.counts();
                format!(
                    "incremental, site reassembled: {}; {plans} plans, {units} units, {topics} topics changed",
                    self.full_because
                        .unwrap_or("a file was added or removed, or several changed")
                )
            }
        };
        for rel in changed {
            self.emit(&self.ws.warnings_of(rel));
        }
        Some(how)
    }

    /// Compiles the theme and renders one page of every kind with it. On
    /// success it becomes the theme of the live site; on failure the
    /// errors are shown and the last good theme stays.
    fn check_theme(&mut self, notify: bool) -> bool {
        let theme = match &self.ws.theme {
            Ok(t) => t.clone(),
            Err(errors) => {
                if !errors.is_empty() {
                    self.emit(errors);
                }
                self.live
                    .report(Tell::Problems, |p| p.theme = errors.clone());
                return false;
            }
        };
        let edition_themes = match self.load_edition_themes(&theme) {
            Ok(t) => t,
            Err(errors) => {
                self.emit(&errors);
                self.live.report(Tell::Problems, |p| p.theme = errors);
                return false;
            }
        };
        // Probe against the live content; at the very start there is none
        // yet, and the first full rebuild probes instead.
        let translations = &mut self.translations;
        let probed = self.live.read(|g| {
            let (editions, problems) = translations.editions(&edition_themes, &g.site);
            let rendered = probe(g, &theme, &editions.1.list);
            (rendered, editions, problems)
        });
        match probed {
            Some((Err(errors), ..)) => {
                self.emit(&errors);
                self.live.report(Tell::Problems, |p| p.theme = errors);
                false
            }
            Some((Ok(rendered), editions, problems)) => {
                let mut guard = self.live.write();
                if let Some(g) = guard.as_mut() {
                    g.theme = theme.clone();
                    // Every file is rendered again: which editions are
                    // stale does not matter.
                    if let Err(e) = g.set_editions(editions) {
                        self.live.report(Tell::Nothing, |p| p.render = vec![e]);
                    }
                    g.reset_edition_sites();
                }
                self.live.invalidate(|_, _| false);
                for (path, bytes, owner) in rendered {
                    self.live.insert(&path, bytes.into(), owner);
                }
                drop(guard);
                self.good_theme = Some(theme);
                self.good_editions = Some(edition_themes);
                self.theme_probed = true;
                self.note_translations(&problems);
                let tell = if notify { Tell::Reload } else { Tell::Nothing };
                self.live.report(tell, |p| {
                    p.theme.clear();
                    p.render.clear();
                    p.translations = problems;
                });
                true
            }
            None => {
                // No site yet to try it on: the next full rebuild probes it.
                self.good_theme = Some(theme);
                self.good_editions = Some(edition_themes);
                self.theme_probed = false;
                true
            }
        }
    }

    /// The editions' themes of site.yaml, with the site's `theme`.
    fn load_edition_themes(&self, theme: &Theme) -> Result<Arc<EditionThemes>, Vec<Diagnostic>> {
        let config = self.ws.config.as_ref().map_err(|d| vec![d.clone()])?;
        EditionThemes::load(&self.ws.root, config, theme).map(Arc::new)
    }

    /// Prints the translations' problems when they are not the ones
    /// printed last (every content change checks them again).
    fn note_translations(&mut self, problems: &[Diagnostic]) {
        if problems != self.translation_problems.as_slice() {
            self.emit(problems);
            self.translation_problems = problems.to_vec();
        }
    }

    /// Shows the translations as read again: the editions whose
    /// translations changed are rendered again on request. `None` when
    /// there is no site to show them on.
    fn show_translations(&mut self) -> Option<()> {
        let mut guard = self.live.write();
        let g = guard.as_mut()?;
        let (editions, problems) = self.translations.editions(&g.edition_themes, &g.site);
        let stale = match g.set_editions(editions) {
            Ok(stale) => stale,
            Err(e) => {
                drop(guard);
                self.fail(vec![e]);
                return None;
            }
        };
        self.live
            .invalidate(|path, _| !in_editions(g, path, &stale));
        drop(guard);
        self.note_translations(&problems);
        self.live.report(Tell::Reload, |p| {
            p.render.clear();
            p.translations = problems;
        });
        Some(())
    }

    /// Assembles the whole site and shows it. Returns the warnings, or
    /// `None` when there were errors (shown in the terminal and browser).
    fn rebuild_all(&mut self) -> Option<Vec<Diagnostic>> {
        self.rebuild(None)?;
        Some(std::mem::take(&mut self.warnings))
    }

    /// Assembles the whole site and shows it. With the content files that
    /// changed since the live state (`changed`), what the edit did not
    /// touch is kept: task rows of unchanged plans, and rendered files whose
    /// owner is unchanged ([`affects::Changes`]). `None` when there were
    /// errors; the warnings are left in `self.warnings`.
    fn rebuild(&mut self, changed: Option<&[PathBuf]>) -> Option<Rebuilt> {
        self.unchecked.clear();
        let site = self.assemble()?;
        let theme = self.theme_to_render()?;
        let (editions, problems, stale) = self.editions_of(&theme, &site)?;
        let edition_themes = editions.0.clone();
        let kept = match changed {
            Some(changed) if self.theme_probed => self
                .live
                .read(|old| kept_parts(old, &site, changed, &theme))
                .flatten(),
            _ => None,
        };
        let (generation, changes) = match made(site, &theme, editions, kept) {
            Ok(g) => g,
            Err(d) => {
                self.fail(vec![d]);
                return None;
            }
        };
        // A theme not yet tried on real content (at the start) is probed
        // here, so template errors show at once; after that, content edits
        // only render what is asked for.
        let probed = if self.theme_probed {
            Ok(Vec::new())
        } else {
            probe(&generation, &theme, &generation.editions.list)
        };
        let old = {
            let mut guard = self.live.write();
            let old = guard.take();
            let generation = guard.insert(generation);
            match (&changes, changed) {
                (Some(changes), Some(changed)) => {
                    self.live.invalidate(|path, owner| {
                        changes.keeps(owner, generation.outputs.get(path).map(|&(_, o)| o))
                            && !in_editions(generation, path, &stale)
                    });
                    let edited = (0..generation.site.plans.len())
                        .filter(|&p| changed.contains(&generation.site.plans[p].source.path));
                    prerender_plans(&self.live, generation, edited);
                }
                _ => self.live.invalidate(|_, _| false),
            }
            match probed {
                Ok(rendered) => {
                    for (path, bytes, owner) in rendered {
                        self.live.insert(&path, bytes.into(), owner);
                    }
                    self.good_theme = Some(theme);
                    self.good_editions = Some(edition_themes);
                    self.theme_probed = true;
                }
                Err(errors) => {
                    drop(guard);
                    self.emit(&errors);
                    self.live.report(Tell::Nothing, |p| p.theme = errors);
                }
            }
            old
        };
        self.in_sync = true;
        self.live_version = self.version;
        self.note_translations(&problems);
        self.live.report(Tell::Reload, |p| {
            p.content.clear();
            p.render.clear();
            p.translations = problems;
        });
        // Freeing a big site's model takes tens of milliseconds: not before
        // the reload.
        drop(old);
        Some(match changes {
            Some(changes) => Rebuilt::Kept(changes),
            None => Rebuilt::Full,
        })
    }

    /// The last good theme, else the one read; `None` when there is none
    /// (its errors are already shown and in the overlay).
    fn theme_to_render(&mut self) -> Option<Arc<Theme>> {
        match (&self.good_theme, &self.ws.theme) {
            (Some(t), _) => Some(t.clone()),
            (None, Ok(t)) => Some(t.clone()),
            (None, Err(_)) => {
                self.in_sync = false;
                None
            }
        }
    }

    /// The editions of `site` with `theme`, the problems of their
    /// translations, and the editions whose pages are all stale (their
    /// translations changed: edited, or no longer naming what the site
    /// has). `None` (errors shown) when the editions' themes do not load.
    fn editions_of(
        &mut self,
        theme: &Theme,
        site: &crate::model::Site,
    ) -> Option<(EditionsOf, Vec<Diagnostic>, Vec<usize>)> {
        let edition_themes = match &self.good_editions {
            Some(e) if self.good_theme.is_some() => e.clone(),
            _ => match self.load_edition_themes(theme) {
                Ok(e) => e,
                Err(errors) => {
                    self.emit(&errors);
                    self.live.report(Tell::Problems, |p| p.theme = errors);
                    self.in_sync = false;
                    return None;
                }
            },
        };
        let (editions, problems) = self.translations.editions(&edition_themes, site);
        let stale = self
            .live
            .read(|old| memory::stale_editions(&old.editions, &editions.1))
            .unwrap_or_default();
        Some((editions, problems, stale))
    }

    /// The model of the files as read, its warnings left in
    /// `self.warnings`; `None` (errors shown) when it has errors.
    fn assemble(&mut self) -> Option<crate::model::Site> {
        let errors = self.ws.parse_errors();
        if !errors.is_empty() {
            self.fail(errors);
            return None;
        }
        let result = match self.ws.assemble() {
            Ok(r) => r,
            Err(d) => {
                self.fail(vec![d]);
                return None;
            }
        };
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = result
            .diagnostics
            .into_iter()
            .partition(Diagnostic::is_error);
        match result.site {
            Some(site) => {
                self.warnings = warnings;
                Some(site)
            }
            None => {
                self.fail(errors);
                None
            }
        }
    }

    fn fail(&mut self, errors: Vec<Diagnostic>) {
        self.in_sync = false;
        self.emit(&errors);
        self.live.report(Tell::Problems, |p| p.content = errors);
    }

    /// The fast path for one saved content file; false when it does not apply.
    fn try_patch(&mut self, rel: &Path) -> bool {
        let mut guard = self.live.write();
        let Some(generation) = guard.as_mut() else {
            return false;
        };
        let patch = match incremental::patch_for(&self.ws, generation, rel) {
            Ok(p) => p,
            Err(why) => {
                self.full_because = Some(why);
                return false;
            }
        };
        let applied = incremental::apply(generation, &patch).and_then(|()| {
            // The translations are checked against the edited site.
            let themes = generation.edition_themes.clone();
            let (editions, problems) = self.translations.editions(&themes, &generation.site);
            generation
                .set_editions(editions)
                .map(|stale| (stale, problems))
        });
        let (stale, problems) = match applied {
            Ok(applied) => applied,
            Err(_) => {
                // The model is half-updated: start over from the files.
                drop(guard);
                return self.rebuild_all().is_some();
            }
        };
        generation.plans_changed(patch.plans.iter().map(|&(k, _)| k));
        let changes = patch.changes(&generation.site);
        self.live.invalidate(|path, owner| {
            changes.keeps(owner, generation.outputs.get(path).map(|&(_, o)| o))
                && !in_editions(generation, path, &stale)
        });
        // The edited plans' pages are the ones about to be reloaded.
        prerender_plans(&self.live, generation, patch.plans.iter().map(|&(k, _)| k));
        drop(guard);
        self.unchecked.extend(patch.plans.iter().map(|(k, _)| *k));
        self.live_version = self.version;
        self.note_translations(&problems);
        self.live.report(Tell::Reload, |p| {
            p.content.clear();
            p.render.clear();
            p.translations = problems;
        });
        true
    }

    /// Assembles the whole site on another thread, to check the incremental
    /// updates since the last full assembly (see [`incremental`]).
    fn start_check(&mut self, watcher: &Watcher<Check>) {
        let Ok(snapshot) = self.ws.snapshot() else {
            self.unchecked.clear();
            return;
        };
        let plans = self.unchecked.clone();
        let version = self.version;
        let tx = watcher.sender();
        self.checking = true;
        let spawned = std::thread::Builder::new()
            .name("planpress-check".into())
            .spawn(move || {
                let site = snapshot.assemble().site;
                let fingerprint = site.map(|s| incremental::fingerprint(&s, &plans));
                let _ = tx.send(Message::Done(Check {
                    version,
                    plans,
                    fingerprint,
                }));
            });
        if spawned.is_err() {
            self.checking = false;
            self.unchecked.clear();
        }
    }

    /// Compares a full assembly with the live state; on a difference (a bug
    /// in the incremental path), shows the full one.
    fn finish_check(&mut self, check: Check) {
        self.checking = false;
        if check.version != self.live_version {
            // Files changed since: check again when idle.
            return;
        }
        for p in &check.plans {
            self.unchecked.remove(p);
        }
        let Some(full) = check.fingerprint else {
            // A build would fail where the incremental path did not: show
            // the errors.
            self.rebuild_all();
            return;
        };
        let live = self
            .live
            .read(|g| incremental::fingerprint(&g.site, &check.plans));
        if live.as_ref() == Some(&full) {
            return;
        }
        eprintln!(
            "note: an incremental update differed from a full rebuild; showing the full rebuild"
        );
        self.rebuild_all();
    }
}

/// How [`Rebuilder::rebuild`] showed the site.
enum Rebuilt {
    /// Everything is rendered again.
    Full,
    /// What the changes did not touch was kept.
    Kept(affects::Changes),
}

/// The index and views of a newly assembled `site` that keep what `old`
/// has and an edit of the files `changed` did not touch, and the changes;
/// `None` when `old` has another theme.
fn kept_parts(
    old: &Generation,
    site: &crate::model::Site,
    changed: &[PathBuf],
    theme: &Arc<Theme>,
) -> Option<Kept> {
    if !Arc::ptr_eq(&old.theme, theme) {
        return None;
    }
    let index = Index::build(site);
    let (was, now) = rayon::join(|| old.digest(), || affects::Digest::of(site, &index));
    let changes =
        affects::Changes::of_digests(&was, &now, &|path| changed.iter().any(|c| c == path));
    // Shared: the old state is served until the new one is ready.
    let reuse = changes
        .plans_kept()
        .iter()
        .map(|was| was.and_then(|q| old.views.kept(q)))
        .collect();
    let views = Views::build_reusing(site, &index, theme, reuse).ok()?;
    Some((index, views, changes, now))
}

/// What a reassembly keeps: the new model's index and views (reusing the
/// previous state's rows), the changes, and the new model's digest.
type Kept = (Index, Views, affects::Changes, affects::Digest);

/// The generation of `site` with `editions`, from the parts kept when
/// there are some.
fn made(
    site: crate::model::Site,
    theme: &Arc<Theme>,
    editions: EditionsOf,
    kept: Option<Kept>,
) -> Result<(Generation, Option<affects::Changes>), Diagnostic> {
    match kept {
        Some((index, views, changes, digest)) => {
            let g = Generation::from_parts(site, index, views, theme.clone(), editions)?;
            let _ = g.digest.set(Arc::new(digest));
            Ok((g, Some(changes)))
        }
        None => Generation::with_editions(site, theme.clone(), editions).map(|g| (g, None)),
    }
}

/// A generation's editions: their themes, and the editions they make
/// with the translations checked against its site.
type EditionsOf = (Arc<EditionThemes>, Arc<Editions>);

/// Whether `path` is a page of one of the editions `stale`.
fn in_editions(g: &Generation, path: &str, stale: &[usize]) -> bool {
    !stale.is_empty()
        && matches!(g.outputs.get(path), Some((Output::Page { edition, .. }, _)) if stale.contains(edition))
}

/// Renders the pages of plans `plans` (standard and elder) into the cache,
/// in parallel: they are the ones about to be reloaded after their edit.
fn prerender_plans(live: &Live, generation: &Generation, plans: impl Iterator<Item = usize>) {
    let site = &generation.site;
    let pages: Vec<(String, usize)> = plans
        .flat_map(|k| [false, true].map(|elder| (Page::Plan(k).output_path(site, elder), k)))
        .collect();
    let rendered: Vec<(String, usize, Vec<u8>)> = pages
        .into_par_iter()
        .filter_map(|(path, k)| {
            let &(output, _) = generation.outputs.get(&path)?;
            let bytes = generation.render(&path, output).ok()?;
            Some((path, k, bytes))
        })
        .collect();
    for (path, k, bytes) in rendered {
        live.insert(&path, bytes.into(), Owner::Plan(k));
    }
}

/// The files of a batch that matter, by what they change.
struct Sorted {
    /// site.yaml, or a change the watcher could not follow (all is read again).
    config: bool,
    /// The units registry.
    registry: bool,
    /// Templates or theme files.
    theme: bool,
    /// Files of the translated editions (`translations/`).
    translations: bool,
    content: Vec<PathBuf>,
    /// The static files', by key.
    statics: Vec<String>,
    /// All of them, to name in the terminal.
    touched: Vec<String>,
}

impl Sorted {
    fn of(batch: &Batch, ws: &Workspace) -> Sorted {
        let mut sorted = Sorted {
            config: batch.rescan,
            registry: false,
            theme: false,
            translations: false,
            content: Vec::new(),
            statics: Vec::new(),
            touched: Vec::new(),
        };
        let units_file = Path::new("content").join(crate::content::UNITS_FILE);
        for rel in &batch.paths {
            let abs = ws.root.join(rel);
            if rel == Path::new("site.yaml") {
                sorted.config = true;
            } else if rel == &units_file {
                sorted.registry = true;
            } else if let Some(key) = ws.static_key_of(&abs) {
                sorted.statics.push(key);
            } else if rel.starts_with("content") {
                sorted.content.push(rel.clone());
            } else if rel.starts_with("templates") || rel.starts_with("themes") {
                sorted.theme = true;
            } else if editions::is_translation(rel) {
                sorted.translations = true;
            } else {
                continue;
            }
            sorted.touched.push(rel.display().to_string());
        }
        sorted
    }
}

/// The result of checking incremental updates against a full assembly.
pub struct Check {
    version: u64,
    plans: BTreeSet<usize>,
    /// `None` when the full assembly failed (reported on the next change).
    fingerprint: Option<incremental::Fingerprint>,
}

/// A file rendered ahead of a request: its path, bytes and owner.
type Rendered = (String, Vec<u8>, Owner);

/// Renders one page of every kind (the smallest of each), standard and
/// elder, and the templated data files, with `theme` and the editions
/// `list`: template errors that only show when rendering are found before
/// the theme is used.
fn probe(
    g: &Generation,
    theme: &Theme,
    list: &[Edition],
) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let site = &g.site;
    let smallest = |n: usize, size: &dyn Fn(usize) -> usize| (0..n).min_by_key(|&i| size(i));
    let mut pages = Page::SITE_WIDE.to_vec();
    if let Some(p) = smallest(site.plans.len(), &|p| site.plans[p].tasks.len()) {
        pages.push(Page::Plan(p));
    }
    if let Some(n) = smallest(site.notices.len(), &|n| site.notices[n].body.len()) {
        pages.push(Page::Notice(n));
    }
    if let Some(u) = smallest(site.units.len(), &|u| g.index.units[u].total()) {
        pages.push(Page::Unit(u, 1));
    }
    if let Some(t) = smallest(site.topics.len(), &|t| g.index.topics[t].len()) {
        pages.push(Page::Topic(t, 1));
    }
    if let Some(j) = smallest(site.jurisdictions.len(), &|j| {
        g.index.jurisdictions[j].task_count
    }) {
        pages.push(Page::Jurisdiction(j));
    }
    let r = Renderer::new(site, &g.index, &g.views, theme).with_edition(list, 0);
    let jobs: Vec<(Page, bool, Owner)> = pages
        .iter()
        .flat_map(|&p| [false, true].map(|elder| (p, elder, affects::page_owner(p))))
        .collect();
    let results: Vec<Result<Rendered, Diagnostic>> = jobs
        .par_iter()
        .map(|&(page, elder, owner)| {
            r.render_page(page, elder)
                .map(|b| (page.output_path(site, elder), b, owner))
        })
        .collect();
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(x) => ok.push(x),
            Err(e) => errors.push(e),
        }
    }
    let sink = memory::MemorySink::default();
    let templated = |p: &str| p == urls::SITEMAP || p == urls::FEED;
    if let Err(e) = crate::render::data::write_selected(&r.input, &sink, &templated) {
        errors.push(e);
    }
    for (path, bytes) in sink.into_files() {
        ok.push((path, bytes, Owner::Site));
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        crate::diagnostics::sort(&mut errors);
        errors.dedup();
        Err(errors)
    }
}

/// `content/a.md`, or `content/a.md and 2 more`.
fn describe(touched: &[String]) -> String {
    match touched {
        [] => "the site folder".into(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
    }
}
