//! Watching the site folder for changes, in batches: an editor's
//! save-as-rename or a `git checkout` of many files is one batch, so one
//! rebuild.
//!
//! notify-debouncer-full merges each file's events and follows renames; it
//! emits a file once that file has been quiet for [`DEBOUNCE`]. A burst over
//! many files comes out over several ticks, so batches that follow each
//! other within [`SETTLE`] are merged here before anything is rebuilt.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::diagnostics::Diagnostic;

/// How long a file must be quiet before its change is reported.
pub const DEBOUNCE: Duration = Duration::from_millis(25);
/// How long to wait for more batches before rebuilding.
pub const SETTLE: Duration = Duration::from_millis(20);
/// A burst that never settles is still rebuilt after this long.
const MAX_WAIT: Duration = Duration::from_secs(2);

/// The folders of a site whose changes matter (the root itself is watched
/// without recursion, for site.yaml and for these appearing later).
pub const WATCHED_DIRS: &[&str] = &["content", "templates", "themes", "static", "translations"];

/// What the rebuild thread waits for: file events, or the result of work
/// it started on another thread (checking an incremental update).
pub enum Message<T> {
    Events(DebounceEventResult),
    Done(T),
}

/// What [`Watcher::next`] returns.
pub enum Next<T> {
    Changes(Batch),
    Done(T),
    /// Nothing happened for the idle time asked for.
    Idle,
    /// The watcher is gone.
    Closed,
}

/// Changed paths, relative to the site root.
#[derive(Debug, Default)]
pub struct Batch {
    pub paths: BTreeSet<PathBuf>,
    /// Events were lost (the system's queue overflowed): read everything.
    pub rescan: bool,
}

pub struct Watcher<T> {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    rx: Receiver<Message<T>>,
    tx: Sender<Message<T>>,
    watched: BTreeSet<PathBuf>,
    /// A result that came in while a batch was being gathered.
    held: Option<T>,
}

impl<T: Send + 'static> Watcher<T> {
    /// Watches `root` (an absolute, canonical path).
    pub fn start(root: &Path) -> Result<Watcher<T>, Diagnostic> {
        let cannot = |e: notify::Error| {
            Diagnostic::error(root, 0, format!("cannot watch {}: {e}", root.display())).with_hint(
                "on Linux, raise the watch limit (sysctl fs.inotify.max_user_watches) or close other programs that watch files",
            )
        };
        let (tx, rx) = channel();
        let events = tx.clone();
        let debouncer = new_debouncer(DEBOUNCE, None, move |r: DebounceEventResult| {
            let _ = events.send(Message::Events(r));
        })
        .map_err(cannot)?;
        let mut w = Watcher {
            root: root.to_path_buf(),
            debouncer,
            rx,
            tx,
            watched: BTreeSet::new(),
            held: None,
        };
        w.debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(cannot)?;
        w.watch_new_dirs();
        Ok(w)
    }

    /// Where another thread sends the result of work it was given.
    pub fn sender(&self) -> Sender<Message<T>> {
        self.tx.clone()
    }

    /// Starts watching the site's folders that exist and are not watched yet.
    fn watch_new_dirs(&mut self) {
        for name in WATCHED_DIRS {
            let dir = self.root.join(name);
            if self.watched.contains(&dir) {
                if !dir.is_dir() {
                    let _ = self.debouncer.unwatch(&dir);
                    self.watched.remove(&dir);
                }
                continue;
            }
            if dir.is_dir() && self.debouncer.watch(&dir, RecursiveMode::Recursive).is_ok() {
                self.watched.insert(dir);
            }
        }
    }

    /// Waits for the next batch of changes (or a result). With `idle`,
    /// gives up after that long without any and returns [`Next::Idle`].
    pub fn next(&mut self, idle: Option<Duration>) -> Next<T> {
        if let Some(done) = self.held.take() {
            return Next::Done(done);
        }
        let first = match idle {
            Some(t) => match self.rx.recv_timeout(t) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return Next::Idle,
                Err(RecvTimeoutError::Disconnected) => return Next::Closed,
            },
            None => match self.rx.recv() {
                Ok(m) => m,
                Err(_) => return Next::Closed,
            },
        };
        let first = match first {
            Message::Done(done) => return Next::Done(done),
            Message::Events(e) => e,
        };
        let mut batch = Batch::default();
        self.add(&mut batch, first);
        let started = Instant::now();
        loop {
            match self.rx.recv_timeout(SETTLE) {
                Ok(Message::Events(more)) => self.add(&mut batch, more),
                Ok(Message::Done(done)) => self.held = Some(done),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if started.elapsed() > MAX_WAIT {
                break;
            }
        }
        // A folder created or removed at the top: watch it (or stop), and
        // read everything, since its files came with it.
        if batch
            .paths
            .iter()
            .any(|p| p.components().count() == 1 && WATCHED_DIRS.iter().any(|d| p == Path::new(d)))
        {
            self.watch_new_dirs();
            batch.rescan = true;
        }
        Next::Changes(batch)
    }

    fn add(&self, batch: &mut Batch, result: DebounceEventResult) {
        match result {
            Ok(events) => {
                for event in events {
                    if event.need_rescan() {
                        batch.rescan = true;
                    }
                    // Opening a file to read it is an event too (the
                    // rebuild itself reads every file): only writes count.
                    if let EventKind::Access(kind) = event.kind
                        && kind != AccessKind::Close(AccessMode::Write)
                    {
                        continue;
                    }
                    for path in &event.paths {
                        if let Ok(rel) = path.strip_prefix(&self.root) {
                            batch.paths.insert(rel.to_path_buf());
                        }
                    }
                }
            }
            // The watcher's own errors (a watch lost): read everything.
            Err(_) => batch.rescan = true,
        }
    }
}
