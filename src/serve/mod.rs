//! `planpress serve`: a local preview that shows what `build` would publish,
//! kept current as files change.
//!
//! - [`workspace`] keeps the source files as last read (each content file's
//!   parse on its own, so a save re-reads one file);
//! - [`memory`] holds the last good state of the site and renders its files
//!   on request, with the functions `build` uses, keeping them until an edit
//!   makes them stale; an edition's pages (`hant/`, translated ones) are
//!   owned as the site's own, and the edition's model is made on the first
//!   request for one of them after a change;
//! - `editions` keeps the translated editions' files and checks them
//!   against the site at every change, as a build does;
//! - [`incremental`] updates the state in place for a saved plan; any
//!   other content edit assembles the site again; either way
//!   [`crate::affects`] says which rendered files the edit made stale, and
//!   only site.yaml, units.yaml and the theme render everything again;
//! - [`watch`] turns file events into batches (a burst is one batch);
//! - [`http`] serves the files, the live-reload events and the overlay.
//!
//! Apart from the reload script injected into HTML (between
//! [`http::INJECT_START`] and [`http::INJECT_END`]), every file is
//! byte-identical to what `build --base-url http://HOST:PORT/` writes; the
//! tests in `tests/it/serve.rs` compare them. A file added to the build must be
//! added to [`memory::Generation`]'s outputs too, or those tests fail (the
//! search index is the exception: [`memory::Generation::search_file`] makes
//! all of it on the first request for one of its files).

mod editions;
pub mod http;
pub mod incremental;
pub mod memory;
mod rebuild;
pub mod watch;
pub mod workspace;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;

use memory::Live;
use rebuild::{Check, Rebuilder};
use watch::Watcher;

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

/// `serve`'s updating without its server and watcher, told of changed
/// files by hand: what tests use to compare what `serve` shows after a
/// sequence of edits with a fresh build (`tests/it/serve_edits.rs`).
pub struct Session {
    rebuilder: Rebuilder,
    live: Arc<Live>,
}

impl Session {
    /// Loads the site in `root` as `serve` would, for `base_url`.
    pub fn open(root: &std::path::Path, base_url: &str) -> Session {
        let live = Arc::new(Live::new(root));
        let mut rebuilder = Rebuilder::new(root, base_url, live.clone());
        rebuilder.start();
        Session { rebuilder, live }
    }

    /// Applies files that changed (relative to the root), as one batch
    /// from the watcher; says which path it took, as `serve` prints it
    /// (`None` when nothing was shown: errors, or nothing changed).
    pub fn changed(&mut self, paths: impl IntoIterator<Item = PathBuf>) -> Option<String> {
        self.rebuilder.apply(watch::Batch {
            paths: paths.into_iter().collect(),
            rescan: false,
        })
    }

    /// The live site.
    pub fn live(&self) -> &Live {
        &self.live
    }
}

/// How many ports after the one asked for are tried when it is taken.
const PORT_TRIES: u16 = 20;

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
                    .filter(|(o, _)| matches!(o, memory::Output::Page { .. }))
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
