//! `planpress serve`: a local preview that shows what `build` would publish,
//! kept current as files change.
//!
//! - [`workspace`] keeps the source files as last read (each content file's
//!   parse on its own, so a save re-reads one file);
//! - [`memory`] holds the last good state of the site and renders its files
//!   on request, with the functions `build` uses, keeping them until an edit
//!   makes them stale;
//! - [`incremental`] updates the state in place for a saved plan, and says
//!   which rendered files that edit made stale;
//! - [`watch`] turns file events into batches (a burst is one batch);
//! - [`http`] serves the files, the live-reload events and the overlay.
//!
//! Apart from the reload script injected into HTML (between
//! [`http::INJECT_START`] and [`http::INJECT_END`]), every file is
//! byte-identical to what `build --base-url http://HOST:PORT/` writes; the
//! tests in `tests/serve.rs` compare them. A file added to the build must be
//! added to [`memory::Generation`]'s outputs too, or those tests fail (the
//! search index is the exception: [`memory::Generation::search_file`] makes
//! all of it on the first request for one of its files).

pub mod http;
pub mod incremental;
pub mod memory;
pub mod watch;
pub mod workspace;

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::html::Renderer;
use crate::render::theme::Theme;
use crate::urls::{self, Page};

use memory::{Generation, Live, Owner, Tell};
use watch::{Batch, Message, Next, Watcher};
use workspace::{FileChange, Workspace};

pub struct ServeOptions {
    pub root: PathBuf,
    /// 0 for any free port.
    pub port: u16,
    pub bind: IpAddr,
    pub open: bool,
    /// Host names (besides localhost and the bound address) that requests
    /// may name.
    pub hosts: Vec<String>,
}

/// How many ports after the one asked for are tried when it is taken.
const PORT_TRIES: u16 = 20;
/// After an incremental update, how long the server must be idle before it
/// checks the update against a full assembly.
const VERIFY_WHEN_IDLE: Duration = Duration::from_millis(400);

/// Builds the site, serves it and rebuilds on changes until Ctrl-C.
pub fn run(opts: ServeOptions) -> Result<(), Diagnostic> {
    let root = opts.root.canonicalize().map_err(|e| {
        Diagnostic::error(
            &opts.root,
            0,
            format!("cannot open the site folder {}: {e}", opts.root.display()),
        )
        .with_hint("give the site folder (the one with site.yaml) with --root")
    })?;
    let (listener, port) = bind(opts.bind, opts.port)?;
    let host = match opts.bind {
        IpAddr::V4(a) if a.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(a) if a.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        a => a,
    };
    let url = match host {
        IpAddr::V4(a) => format!("http://{a}:{port}/"),
        IpAddr::V6(a) => format!("http://[{a}]:{port}/"),
    };
    if !opts.bind.is_loopback() {
        eprintln!(
            "note: listening on {}: other computers on the network can open this preview",
            opts.bind
        );
    }
    let live = Arc::new(Live::new(&root));
    let t = Instant::now();
    let mut rebuilder = Rebuilder::new(&root, &url, live.clone());
    rebuilder.start();
    let summary = live
        .read(|g| {
            format!(
                "{} plans, {} pages",
                g.site.plans.len(),
                g.outputs
                    .values()
                    .filter(|(o, _)| matches!(o, memory::Output::Page(..)))
                    .count()
            )
        })
        .unwrap_or_else(|| "nothing to show until the errors are fixed".to_string());
    println!(
        "serving {} at {url} ({summary}; loaded in {} ms)",
        root.display(),
        t.elapsed().as_millis()
    );
    println!("watching for changes; Ctrl-C stops");
    let watcher: Watcher<Check> = Watcher::start(&root)?;
    std::thread::Builder::new()
        .name("planpress-rebuild".into())
        .spawn(move || rebuilder.run(watcher))
        .map_err(|e| {
            Diagnostic::general(format!("cannot start the rebuild thread: {e}")).with_hint(
                "the system is short of memory or threads: close other programs and try again",
            )
        })?;
    if opts.open
        && let Err(e) = opener::open_browser(&url)
    {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
    serve_http(listener, live, http::Hosts::new(opts.bind, &opts.hosts))?;
    println!("stopped");
    Ok(())
}

/// Listens on `port`, or on the next free one (saying so).
fn bind(addr: IpAddr, port: u16) -> Result<(TcpListener, u16), Diagnostic> {
    let last = if port == 0 {
        0
    } else {
        port.saturating_add(PORT_TRIES)
    };
    for p in port..=last {
        match TcpListener::bind((addr, p)) {
            Ok(l) => {
                let actual = l.local_addr().map(|a| a.port()).unwrap_or(p);
                if p != port {
                    eprintln!("port {port} is taken; using {actual}");
                }
                return Ok((l, actual));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue,
            Err(e) => {
                return Err(
                    Diagnostic::general(format!("cannot listen on {addr} port {p}: {e}"))
                        .with_hint(
                            "choose another port with --port, or another address with --bind",
                        ),
                );
            }
        }
    }
    Err(Diagnostic::general(format!(
        "ports {port} to {last} on {addr} are all taken; choose another with --port"
    )))
}

/// Runs the HTTP server until Ctrl-C (or SIGTERM).
fn serve_http(
    listener: TcpListener,
    live: Arc<Live>,
    hosts: http::Hosts,
) -> Result<(), Diagnostic> {
    let failed = |what: &str, e: std::io::Error| {
        Diagnostic::general(format!("{what}: {e}"))
            .with_hint("try again; if it keeps failing, choose another port with --port")
    };
    listener
        .set_nonblocking(true)
        .map_err(|e| failed("cannot listen", e))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed("cannot start the server", e))?;
    let result = runtime.block_on(async move {
        let listener =
            tokio::net::TcpListener::from_std(listener).map_err(|e| failed("cannot listen", e))?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let app = http::App {
            live,
            hosts: Arc::new(hosts),
            shutdown: stop_rx.clone(),
        };
        let server = axum::serve(listener, http::router(app)).with_graceful_shutdown(async move {
            stop_signal().await;
            let _ = stop_tx.send(true);
        });
        let mut stopped = stop_rx;
        tokio::select! {
            r = server => r.map_err(|e| failed("the server failed", e)),
            // A render still running must not keep Ctrl-C from stopping.
            _ = async {
                let _ = stopped.wait_for(|s| *s).await;
                tokio::time::sleep(Duration::from_secs(3)).await;
            } => Ok(()),
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Reads changes and updates the live site; runs on its own thread.
struct Rebuilder {
    ws: Workspace,
    live: Arc<Live>,
    color: bool,
    /// The live state was made from exactly the files in `ws` (false after
    /// a change that failed): only then can one file's edit be patched in.
    in_sync: bool,
    /// The last theme that compiled and rendered every kind of page.
    good_theme: Option<Arc<Theme>>,
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
}

impl Rebuilder {
    fn new(root: &Path, base_url: &str, live: Arc<Live>) -> Rebuilder {
        Rebuilder {
            ws: Workspace::open(root, base_url),
            live,
            color: std::io::stderr().is_terminal(),
            in_sync: false,
            good_theme: None,
            theme_probed: false,
            unchecked: BTreeSet::new(),
            checking: false,
            version: 0,
            live_version: 0,
            full_because: None,
        }
    }

    fn emit(&self, diagnostics: &[Diagnostic]) {
        crate::diagnostics::emit(diagnostics, &self.ws.root, self.color);
    }

    /// The first full load; prints every diagnostic, as `build` does.
    fn start(&mut self) {
        self.live.set_statics(self.ws.read_statics());
        self.check_theme(false);
        if let Some(warnings) = self.rebuild_all() {
            self.emit(&warnings);
        }
    }

    fn run(mut self, mut watcher: Watcher<Check>) {
        loop {
            let idle = (!self.unchecked.is_empty() && !self.checking).then_some(VERIFY_WHEN_IDLE);
            match watcher.next(idle) {
                Next::Changes(batch) => self.apply(batch),
                Next::Idle => self.start_check(&watcher),
                Next::Done(check) => self.finish_check(check),
                Next::Closed => return,
            }
        }
    }

    /// Applies one batch of changes.
    fn apply(&mut self, batch: Batch) {
        let t = Instant::now();
        let mut config = batch.rescan;
        let mut registry = false;
        let mut theme = false;
        let mut content: Vec<PathBuf> = Vec::new();
        let mut statics: Vec<String> = Vec::new();
        let units_file = Path::new("content").join(crate::content::UNITS_FILE);
        // The files of the batch that matter, to name in the terminal.
        let mut touched: Vec<String> = Vec::new();
        for rel in &batch.paths {
            let abs = self.ws.root.join(rel);
            if rel == Path::new("site.yaml") {
                config = true;
            } else if rel == &units_file {
                registry = true;
            } else if let Some(key) = self.ws.static_key_of(&abs) {
                statics.push(key);
            } else if rel.starts_with("content") {
                content.push(rel.clone());
            } else if rel.starts_with("templates") || rel.starts_with("themes") {
                theme = true;
            } else {
                continue;
            }
            touched.push(rel.display().to_string());
        }
        let mut changed: Vec<PathBuf> = Vec::new();
        let mut single: Option<PathBuf> = None;
        if config {
            self.ws.reload_config();
            changed = self.ws.files.keys().cloned().collect();
            theme = true;
            self.live.set_statics(self.ws.read_statics());
        } else if registry {
            self.ws.reload_registry();
            changed = self.ws.files.keys().cloned().collect();
        } else {
            let unknown = content
                .iter()
                .any(|rel| !self.ws.files.contains_key(rel) && !self.ws.root.join(rel).is_file());
            if unknown {
                // A folder moved in or out, or a file that is not content:
                // list content/ again (reading only new files).
                changed = self.ws.rescan_content(false);
            }
            for rel in &content {
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
        }
        if theme && !config {
            self.ws.reload_theme();
        }
        if !config {
            for key in &statics {
                self.live.set_static(key.clone(), self.ws.read_static(key));
            }
        }
        let what = describe(&touched);
        if changed.is_empty() && !theme && statics.is_empty() && !config {
            return;
        }
        let content_changed = !changed.is_empty() || config || registry;
        if content_changed {
            self.version += 1;
        }
        // With content changing too, the rebuild below tells open pages.
        let theme_ok = !theme || self.check_theme(!content_changed);
        let mut how = "full".to_string();
        self.full_because = None;
        if content_changed {
            let patched = match &single {
                Some(rel) if self.in_sync && !theme => self.try_patch(rel),
                _ => false,
            };
            if patched {
                how = "incremental".into();
                self.emit(
                    &self
                        .ws
                        .warnings_of(single.as_deref().unwrap_or(Path::new(""))),
                );
            } else if self.rebuild_all().is_none() {
                println!("{what}: not updated, the errors above must be fixed first");
                return;
            } else {
                for rel in &changed {
                    self.emit(&self.ws.warnings_of(rel));
                }
                if let Some(why) = self.full_because {
                    how = format!("full: {why}");
                }
            }
        } else if theme {
            if !theme_ok {
                println!("{what}: templates not updated, the errors above must be fixed first");
                return;
            }
            how = "templates".into();
        } else {
            // Static files only: nothing rendered depends on them.
            how = "static".into();
            self.live.report(Tell::Reload, |p| p.render.clear());
        }
        println!("{what}: updated in {} ms ({how})", t.elapsed().as_millis());
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
        // Probe against the live content; at the very start there is none
        // yet, and the first full rebuild probes instead.
        let probed = self.live.read(|g| probe(g, &theme));
        match probed {
            Some(Err(errors)) => {
                self.emit(&errors);
                self.live.report(Tell::Problems, |p| p.theme = errors);
                false
            }
            Some(Ok(rendered)) => {
                let mut guard = self.live.write();
                if let Some(g) = guard.as_mut() {
                    g.theme = theme.clone();
                }
                self.live.invalidate(|_, _| false);
                for (path, bytes, owner) in rendered {
                    self.live.insert(&path, bytes.into(), owner);
                }
                drop(guard);
                self.good_theme = Some(theme);
                self.theme_probed = true;
                let tell = if notify { Tell::Reload } else { Tell::Nothing };
                self.live.report(tell, |p| {
                    p.theme.clear();
                    p.render.clear();
                });
                true
            }
            None => {
                // No site yet to try it on: the next full rebuild probes it.
                self.good_theme = Some(theme);
                self.theme_probed = false;
                true
            }
        }
    }

    /// Assembles the whole site and shows it. Returns the warnings, or
    /// `None` when there were errors (shown in the terminal and browser).
    fn rebuild_all(&mut self) -> Option<Vec<Diagnostic>> {
        self.unchecked.clear();
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
        let Some(site) = result.site else {
            let errors = result
                .diagnostics
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect();
            self.fail(errors);
            return None;
        };
        let theme = match (&self.good_theme, &self.ws.theme) {
            (Some(t), _) => t.clone(),
            (None, Ok(t)) => t.clone(),
            (None, Err(_)) => {
                // The theme's errors are already shown and in the overlay.
                self.in_sync = false;
                return None;
            }
        };
        let generation = match Generation::new(site, theme.clone()) {
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
            probe(&generation, &theme)
        };
        {
            let mut guard = self.live.write();
            *guard = Some(generation);
            self.live.invalidate(|_, _| false);
            match probed {
                Ok(rendered) => {
                    for (path, bytes, owner) in rendered {
                        self.live.insert(&path, bytes.into(), owner);
                    }
                    self.good_theme = Some(theme);
                    self.theme_probed = true;
                }
                Err(errors) => {
                    drop(guard);
                    self.emit(&errors);
                    self.live.report(Tell::Nothing, |p| p.theme = errors);
                }
            }
        }
        self.in_sync = true;
        self.live_version = self.version;
        self.live.report(Tell::Reload, |p| {
            p.content.clear();
            p.render.clear();
        });
        Some(
            result
                .diagnostics
                .into_iter()
                .filter(|d| !d.is_error())
                .collect(),
        )
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
        if incremental::apply(generation, &patch).is_err() {
            // The model is half-updated: start over from the files.
            drop(guard);
            return self.rebuild_all().is_some();
        }
        self.live.invalidate(|_, owner| patch.keeps(owner));
        // The edited plans' pages are the ones about to be reloaded.
        let site = &generation.site;
        let pages: Vec<(String, usize)> = patch
            .plans
            .iter()
            .flat_map(|&(k, _)| {
                [false, true].map(|elder| (Page::Plan(k).output_path(site, elder), k))
            })
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
            self.live.insert(&path, bytes.into(), Owner::Plan(k));
        }
        drop(guard);
        self.unchecked.extend(patch.plans.iter().map(|(k, _)| *k));
        self.live_version = self.version;
        self.live.report(Tell::Reload, |p| {
            p.content.clear();
            p.render.clear();
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
/// elder, and the templated data files, with `theme`: template errors that
/// only show when rendering are found before the theme is used.
fn probe(g: &Generation, theme: &Theme) -> Result<Vec<Rendered>, Vec<Diagnostic>> {
    let site = &g.site;
    let smallest = |n: usize, size: &dyn Fn(usize) -> usize| (0..n).min_by_key(|&i| size(i));
    let mut pages = vec![
        (Page::Home, Owner::Site),
        (Page::Plans, Owner::Site),
        (Page::Units, Owner::Site),
        (Page::Topics, Owner::Site),
        (Page::Jurisdictions, Owner::Site),
        (Page::Search, Owner::Site),
        (Page::NotFound, Owner::Site),
    ];
    if let Some(p) = smallest(site.plans.len(), &|p| site.plans[p].tasks.len()) {
        pages.push((Page::Plan(p), Owner::Plan(p)));
    }
    if let Some(n) = smallest(site.notices.len(), &|n| site.notices[n].body.len()) {
        pages.push((Page::Notice(n), Owner::Notice(n)));
    }
    if let Some(u) = smallest(site.units.len(), &|u| g.index.units[u].total()) {
        pages.push((Page::Unit(u, 1), Owner::Unit(u)));
    }
    if let Some(t) = smallest(site.topics.len(), &|t| g.index.topics[t].len()) {
        pages.push((Page::Topic(t, 1), Owner::Topic(t)));
    }
    if let Some(j) = smallest(site.jurisdictions.len(), &|j| {
        g.index.jurisdictions[j].task_count
    }) {
        pages.push((Page::Jurisdiction(j), Owner::Jurisdiction(j)));
    }
    let r = Renderer::new(site, &g.index, &g.views, theme);
    let jobs: Vec<(Page, bool, Owner)> = pages
        .iter()
        .flat_map(|&(p, o)| [(p, false, o), (p, true, o)])
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
