//! Writing the site: into a staging folder beside the output, swapped in only
//! when the whole build succeeded, so a failed or killed build leaves the
//! previous site as it was.
//!
//! Publishing, step by step (each step named for the test seam, see `step`):
//!
//! 1. `locked`: an advisory lock on `.OUT.lock` beside the output is taken,
//!    so builds into one output run one at a time; staging folders of dead
//!    builds are removed (under the lock no other build is writing).
//! 2. `staged`: every file is written into `.OUT.staging-PID`, this build's own.
//! 3. `synced`: the files, then the folders, are flushed to disk, so a power
//!    loss after the swap cannot publish empty files.
//! 4. `swapped`: the staging folder and the output are exchanged in one
//!    step (or renamed in two where there is no exchange).
//! 5. `cleaned`: the old site is removed, then the lock is released.
//!
//! After an incremental build the old site is not removed but kept as the
//! spare, `.OUT.spare` beside the output (see "The spare" below):
//! it shares every file the build linked with the new site, and the next
//! incremental build brings it up to date and swaps it in, instead of
//! linking every unchanged file into a fresh staging folder.
//!
//! # The spare
//!
//! The spare holds `.planpress/spare.json` ([`Record`]): the file identity
//! of the live site's build state (so a spare of another site, or of an
//! earlier one, is never used), the paths the build that made the live site
//! wrote (new files there) and the paths that were gone from it. Outside
//! those, a path of the spare is the live site's file (the same inode), or
//! neither has it. An incremental build renames the spare into its staging
//! folder (a killed build's is removed as any staging folder is), replaces
//! each file it writes by a new file (never writing into a shared one),
//! links from the live site what it keeps and the spare may lack, and
//! removes what the new site has not; then it flushes only what it wrote.
//! A full build removes the spare; so does a build that makes a deploy
//! package (it walks and links the staging folder on its own).

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::content::cache::DIR as CACHE_DIR;
use crate::diagnostics::Diagnostic;
use crate::render::Sink;

/// Writes files under a staging folder that belongs to this build. Dropped
/// without [`Staging::commit`] (a failed build), the folder is removed.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    /// Where the spare is kept: `.OUT.spare` beside the output.
    spare_dir: PathBuf,
    /// What went wrong that did not stop the build (an old staging folder
    /// that could not be removed), for the build's warnings.
    pub notes: Vec<String>,
    /// What this build wrote and linked, and what it does with a spare.
    spare: SpareUse,
    /// Held until the staging folder is gone: dropped after [`Drop::drop`].
    _lock: OutputLock,
}

/// A spare taken as this build's staging folder: where it may differ from
/// the live site, and what the live site holds.
struct Adopted {
    /// Paths the spare may have otherwise than the live site (written by
    /// the build that made the live site, or gone from it).
    differs: HashSet<String>,
    /// Every path of the live site: its state's outputs and what its build
    /// wrote (every file that is no output's is written each build).
    live: Vec<String>,
    /// Paths the spare may have that the live site has not.
    gone: Vec<String>,
}

/// Where a spare comes in: the paths this build wrote and linked, whether
/// it reuses the previous site at all, and over a spare or a fresh folder.
#[derive(Default)]
struct SpareUse {
    /// False when something else writes into the staging folder (a deploy
    /// package): no spare is taken or kept.
    allowed: bool,
    /// Set when the build turns out incremental: `Some` over a spare.
    reusing: OnceLock<Option<Adopted>>,
    written: Mutex<Vec<String>>,
    kept: Mutex<Vec<String>>,
    /// Paths of the live site this build's site has not: worked out with
    /// the removals before the flush, for the next spare's record.
    gone: Option<Vec<String>>,
}

/// What a spare holds beside the old site, written after the swap (see
/// the module's documentation).
#[derive(Serialize, Deserialize)]
struct Record {
    format: u32,
    live: FileId,
    written: Vec<String>,
    gone: Vec<String>,
}

const RECORD: &str = ".planpress/spare.json";
const RECORD_FORMAT: u32 = 1;
/// The live site's file whose identity a record names: every build writes
/// it anew.
const LIVE_MARK: &str = crate::incremental::STATE;

/// A file's identity: a new file never has an earlier one's while that one
/// exists, and its time and size tell a reused inode number apart.
#[derive(Serialize, Deserialize, PartialEq, Eq, Debug)]
struct FileId {
    dev: u64,
    ino: u64,
    mtime_ns: i64,
    size: u64,
}

impl FileId {
    fn of(path: &Path) -> io::Result<FileId> {
        use std::os::unix::fs::MetadataExt;
        let m = fs::symlink_metadata(path)?;
        Ok(FileId {
            dev: m.dev(),
            ino: m.ino(),
            mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec(),
            size: m.size(),
        })
    }
}

/// Whether a build that finds another one writing its output waits for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    No,
    Yes,
}

/// The test seam of issue 24: with `PLANPRESS_TEST_PAUSE_DIR=D`, the build
/// creates `D/STEP` at each step of publishing and waits until the file is
/// removed, so that a test can look at the output (or kill the build)
/// between any two steps. Without the variable it does nothing.
fn step(name: &str) {
    let Some(dir) = std::env::var_os("PLANPRESS_TEST_PAUSE_DIR") else {
        return;
    };
    let marker = Path::new(&dir).join(name);
    if fs::write(&marker, std::process::id().to_string()).is_err() {
        return;
    }
    while marker.exists() {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// An exclusive advisory lock on a file beside the output, holding the pid
/// of the build that has it (for the message of the one that does not).
/// The file is never removed: removing a lock file lets two builds lock two
/// different files.
struct OutputLock {
    _file: fs::File,
}

impl OutputLock {
    fn acquire(path: &Path, target: &Path, wait: Wait) -> Result<OutputLock, Diagnostic> {
        let cannot = |e: io::Error| {
            Diagnostic::error(path, 0, format!("cannot lock {}: {e}", path.display())).with_hint(
                "this user must be able to create and write files in the output folder's parent; or choose another --out",
            )
        };
        // Another user's lock file can still be locked (read only), and
        // then the checks that follow say what this user cannot do.
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map(|f| (f, true))
            .or_else(|e| match e.kind() {
                io::ErrorKind::PermissionDenied => fs::File::open(path).map(|f| (f, false)),
                _ => Err(e),
            });
        let (mut file, writable) = file.map_err(cannot)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) if wait == Wait::Yes => {
                file.lock().map_err(cannot)?;
            }
            Err(fs::TryLockError::WouldBlock) => {
                let pid = fs::read_to_string(path).unwrap_or_default();
                let pid = pid.trim();
                let who = if pid.is_empty() {
                    String::new()
                } else {
                    format!(" (pid {pid})")
                };
                return Err(Diagnostic::error(
                    target,
                    0,
                    format!(
                        "another build is writing {}{who}; run this one when it has finished, or pass --wait to wait for it",
                        target.display()
                    ),
                ));
            }
            Err(fs::TryLockError::Error(e)) => return Err(cannot(e)),
        }
        // The pid is written only under the lock; a reader may see it
        // half-written, which costs only the message's accuracy.
        let write = |file: &mut fs::File| -> io::Result<()> {
            file.set_len(0)?;
            io::Write::write_all(file, std::process::id().to_string().as_bytes())
        };
        if writable {
            write(&mut file).map_err(cannot)?;
        }
        Ok(OutputLock { _file: file })
    }
}

/// Names beside the output `NAME`: its lock, the staging folders, and the
/// old site set aside by a two-rename swap.
struct Beside {
    parent: PathBuf,
    name: String,
}

impl Beside {
    fn lock(&self) -> PathBuf {
        self.parent.join(format!(".{}.lock", self.name))
    }

    fn staging(&self) -> PathBuf {
        self.parent
            .join(format!(".{}.staging-{}", self.name, std::process::id()))
    }

    fn old(&self) -> PathBuf {
        self.parent.join(format!(".{}.old", self.name))
    }

    fn spare(&self) -> PathBuf {
        self.parent.join(format!(".{}.spare", self.name))
    }

    /// Staging folders of earlier builds (and of versions that named them
    /// without a pid).
    fn stale_staging(&self) -> Vec<PathBuf> {
        let plain = format!(".{}.staging", self.name);
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        let mut found: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n == plain.as_str()
                    || n.strip_prefix(plain.as_str())
                        .and_then(|rest| rest.strip_prefix('-'))
                        .is_some_and(|pid| pid.bytes().all(|b| b.is_ascii_digit()))
            })
            .map(|e| e.path())
            .collect();
        found.sort();
        found
    }
}

/// Checks that an output path stays inside the output folder: relative,
/// `/`-separated, no `..`, no empty or hidden-dot tricks, no NUL.
pub fn checked_relative(path: &str) -> io::Result<&Path> {
    let bad = || {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unsafe output path `{path}`"),
        )
    };
    if path.is_empty() || path.contains(['\0', '\\', ':']) || path.starts_with('/') {
        return Err(bad());
    }
    // Segments are checked as written: `Path::components` would quietly
    // drop a `.` in the middle.
    if path
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err(bad());
    }
    let p = Path::new(path);
    if !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(bad());
    }
    Ok(p)
}

impl Staging {
    /// A staging folder of this build's own for `target`, once no other
    /// build writes it (waiting for one or refusing, per `wait`). Refuses
    /// up front what could not be published whole: a mount point, and an
    /// output this user cannot write. The diagnostic names `target` as
    /// given.
    pub fn new(target: &Path, wait: Wait) -> Result<Staging, Diagnostic> {
        let given = target;
        let io_error = |e: io::Error| {
            Diagnostic::error(given, 0, format!("cannot create the output folder: {e}")).with_hint(
                "check that this user may write the folder's parent and that the disk is not full; or choose another --out",
            )
        };
        let target = absolute(target).map_err(io_error)?;
        check_replaceable(&target).map_err(|e| match e.kind() {
            // A refusal: its message says what to do.
            io::ErrorKind::AlreadyExists => Diagnostic::error(given, 0, e.to_string()),
            _ => io_error(e),
        })?;
        let beside = Beside {
            name: target
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| "public".into()),
            parent: target
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("/")),
        };
        fs::create_dir_all(&beside.parent).map_err(io_error)?;
        check_not_mount_point(&target)?;
        let lock = OutputLock::acquire(&beside.lock(), &target, wait)?;
        step("locked");
        check_writable(&target)?;
        let mut notes = Vec::new();
        // A build killed between the two renames of `commit` (systems
        // without an atomic exchange) left the old site aside: put it back.
        let old = beside.old();
        if !target.exists() && old.is_dir() {
            fs::rename(&old, &target).map_err(io_error)?;
        }
        // Under the lock, every other staging folder is a dead build's.
        for stale in beside.stale_staging().into_iter().chain([old]) {
            if stale.exists()
                && let Err(e) = fs::remove_dir_all(&stale)
            {
                notes.push(format!(
                    "cannot remove {}, left by an earlier build: {e}",
                    stale.display()
                ));
            }
        }
        let dir = beside.staging();
        // A pid can come again after a reboot: its folder, if still there
        // and not removable above, is not ours to write into.
        fs::create_dir(&dir).map_err(io_error)?;
        Ok(Staging {
            dir,
            target,
            spare_dir: beside.spare(),
            notes,
            spare: SpareUse {
                allowed: true,
                ..SpareUse::default()
            },
            _lock: lock,
        })
    }

    /// Neither takes nor keeps a spare: something besides the [`Sink`]
    /// writes into the staging folder (a deploy package).
    pub fn without_spare(&mut self) {
        self.spare.allowed = false;
    }

    /// Says that this build reuses the previous site (`live_owned`: the
    /// paths of its state's outputs), before anything is written: the
    /// spare becomes the staging folder when its record is the live
    /// site's; otherwise the staging folder stays fresh.
    pub fn reuse_previous<'p>(&self, live_owned: impl Iterator<Item = &'p str>) {
        let adopted = self
            .spare
            .allowed
            .then(|| self.adopt_spare(live_owned))
            .flatten();
        let _ = self.spare.reusing.set(adopted);
    }

    fn adopt_spare<'p>(&self, live_owned: impl Iterator<Item = &'p str>) -> Option<Adopted> {
        let record: Record =
            serde_json::from_slice(&fs::read(self.spare_dir.join(RECORD)).ok()?).ok()?;
        let live = FileId::of(&self.target.join(LIVE_MARK)).ok()?;
        if record.format != RECORD_FORMAT || record.live != live {
            return None;
        }
        // The staging folder holds at most the parse cache this build is
        // writing (made before load): it goes into the spare, whose own
        // cache is two builds old; then the spare takes the staging
        // folder's place, and from now on is this build's (removed if it
        // fails or dies).
        hand_over_cache(&self.dir, &self.spare_dir).ok()?;
        fs::rename(&self.spare_dir, &self.dir).ok()?;
        if fs::remove_file(self.dir.join(RECORD)).is_err() {
            // In doubt: a fresh staging folder after all.
            let _ = remove_tree(&self.dir);
            let _ = fs::create_dir(&self.dir);
            return None;
        }
        let differs = record.written.iter().chain(&record.gone).cloned().collect();
        let mut live: Vec<String> = live_owned.map(str::to_string).collect();
        live.extend(record.written);
        Some(Adopted {
            differs,
            live,
            gone: record.gone,
        })
    }

    fn adopted(&self) -> Option<&Adopted> {
        self.spare.reusing.get().and_then(Option::as_ref)
    }

    /// Puts the previous output `out`'s `path` into the staging folder by a
    /// hard link (a copy where links fail; over a spare, nothing when the
    /// spare has it already); false when `out` lacks it.
    pub fn link(&self, out: &Path, path: &str) -> io::Result<bool> {
        let rel = checked_relative(path)?;
        let (from, to) = (out.join(rel), self.dir.join(rel));
        if let Some(adopted) = self.adopted() {
            if !adopted.differs.contains(path) {
                push(&self.spare.kept, path);
                return Ok(true);
            }
            remove_if_there(&to)?;
        }
        let done = link_or_copy(&from, &to)?;
        match done {
            Linked::Shared => push(&self.spare.kept, path),
            // A copy is a file of its own, as a written one is.
            Linked::Copied => push(&self.spare.written, path),
            Linked::Missing => return Ok(false),
        }
        Ok(true)
    }

    /// Flushes the new site to disk (files, then folders), before
    /// [`Staging::commit`] may publish it.
    pub fn sync(&mut self) -> io::Result<()> {
        let Some(adopted) = self.spare.reusing.get().and_then(Option::as_ref) else {
            step("staged");
            sync_tree(&self.dir)?;
            step("synced");
            return Ok(());
        };
        let (written, kept) = (inner(&mut self.spare.written), inner(&mut self.spare.kept));
        let (gone, dirs) = bring_up_to_date(&self.dir, adopted, written, kept)?;
        step("staged");
        written
            .par_iter()
            .try_for_each(|f| sync_path(&self.dir.join(f)))?;
        dirs.par_iter().try_for_each(|d| match sync_path(d) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        })?;
        self.spare.gone = Some(gone);
        step("synced");
        Ok(())
    }

    /// Replaces the target with the staging folder (flushed by
    /// [`Staging::sync`]), in one step where the system allows (an atomic
    /// exchange), then removes the old site. On error the target is as it
    /// was and the staging folder is removed (on drop).
    pub fn commit(mut self) -> io::Result<Vec<String>> {
        if !self.target.exists() {
            fs::rename(&self.dir, &self.target)?;
        } else if exchange(&self.dir, &self.target).is_err() {
            // No atomic exchange here: two renames, the old site kept
            // until the new one is in place, and put back if it cannot be.
            let old = self.dir.with_file_name(format!(
                ".{}.old",
                self.target
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default()
            ));
            fs::rename(&self.target, &old)?;
            if let Err(e) = fs::rename(&self.dir, &self.target) {
                fs::rename(&old, &self.target)?;
                return Err(e);
            }
            // The old site now goes where the staging folder was, to be
            // removed as it would be after an exchange.
            fs::rename(&old, &self.dir)?;
        }
        // The rename itself is made durable too.
        if let Some(parent) = self.target.parent() {
            sync_path(parent)?;
        }
        step("swapped");
        // The old site is now in the staging path: keeping it as the spare
        // or removing it is cleaning up, and a failure does not undo the
        // publishing.
        let kept = match self.keep_as_spare() {
            Ok(kept) => kept,
            Err(e) => {
                self.notes.push(format!(
                    "the new site is published, but the old one could not be kept as the spare in {}: {e}",
                    self.spare_dir.display()
                ));
                false
            }
        };
        if !kept && self.spare_dir.exists() {
            // A full build's site shares no file with the spare. Its record
            // goes first: a spare half removed is never taken.
            let _ = fs::remove_file(self.spare_dir.join(RECORD));
            self.remove_old(&self.spare_dir.clone());
        }
        if !kept && self.dir.exists() {
            self.remove_old(&self.dir.clone());
        }
        step("cleaned");
        Ok(std::mem::take(&mut self.notes))
    }

    /// Drops a failed build's files.
    pub fn abandon(self) {}

    fn remove_old(&mut self, dir: &Path) {
        if let Err(e) = remove_tree(dir) {
            self.notes.push(format!(
                "the new site is published, but the old one could not be removed from {}: {e}",
                dir.display()
            ));
        }
    }

    /// Keeps the old site (in the staging path after the swap) as the
    /// spare, with its record, when this build was incremental; false when
    /// it is not to be kept.
    fn keep_as_spare(&mut self) -> io::Result<bool> {
        let Some(reusing) = self.spare.reusing.get() else {
            return Ok(false);
        };
        if !self.spare.allowed || !self.dir.is_dir() {
            return Ok(false);
        }
        let (written, kept) = (inner(&mut self.spare.written), inner(&mut self.spare.kept));
        let gone = match (reusing, self.spare.gone.take()) {
            (Some(_), Some(gone)) => gone,
            // Flushed apart from `sync`: in doubt.
            (Some(_), None) => return Ok(false),
            // Over a fresh folder: what the old site had that the new has
            // not, found by walking it (once, until the next full build).
            (None, _) => gone_from(&self.dir, written, kept)?,
        };
        written.sort_unstable();
        written.dedup();
        let record = Record {
            format: RECORD_FORMAT,
            live: FileId::of(&self.target.join(LIVE_MARK))?,
            written: std::mem::take(written),
            gone,
        };
        if self.spare_dir.exists() {
            let _ = fs::remove_file(self.spare_dir.join(RECORD));
            remove_tree(&self.spare_dir)?;
        }
        let path = self.dir.join(RECORD);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        remove_if_there(&path)?;
        let file = io::BufWriter::new(fs::File::create(&path)?);
        serde_json::to_writer(file, &record).map_err(io::Error::other)?;
        fs::rename(&self.dir, &self.spare_dir)?;
        Ok(true)
    }
}

/// A shared list, once the threads are done with it.
fn inner(list: &mut Mutex<Vec<String>>) -> &mut Vec<String> {
    list.get_mut().unwrap_or_else(|e| e.into_inner())
}

/// Appends `path` to a list that threads share.
fn push(list: &Mutex<Vec<String>>, path: &str) {
    list.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(path.to_string());
}

/// Removes the file `path`, if there is one: a spare's file is replaced by
/// a new one, never written into (it may be the live site's too).
fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// What [`link_or_copy`] did.
enum Linked {
    Shared,
    Copied,
    Missing,
}

/// Hard-links `from` to `to` (making `to`'s folders when missing), or
/// copies it on a file system without links.
fn link_or_copy(from: &Path, to: &Path) -> io::Result<Linked> {
    // Most files go into a folder an earlier one needed: the link is
    // tried first, the folders made only when they are missing.
    let result = match fs::hard_link(from, to) {
        Err(e) if e.kind() == io::ErrorKind::NotFound && from.exists() => {
            if let Some(dir) = to.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::hard_link(from, to)
        }
        other => other,
    };
    match result {
        Ok(()) => Ok(Linked::Shared),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Linked::Missing),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => fs::copy(from, to).map(|_| Linked::Copied),
    }
}

/// Makes the spare in `dir` (already holding what this build wrote and
/// linked) the new site: refuses a path written twice, removes every path
/// of the live site or the spare that the new site has not, and the
/// folders that leaves empty. Returns the live site's paths that are gone
/// (for the next record) and the folders to flush.
fn bring_up_to_date(
    dir: &Path,
    adopted: &Adopted,
    written: &mut [String],
    kept: &[String],
) -> io::Result<(Vec<String>, Vec<PathBuf>)> {
    written.sort_unstable();
    if let Some(twice) = written.windows(2).find(|w| w[0] == w[1]) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("two pages would be written to `{}`", twice[0]),
        ));
    }
    let new: HashSet<&str> = written.iter().chain(kept).map(String::as_str).collect();
    let gone: BTreeSet<&str> = adopted
        .live
        .iter()
        .map(String::as_str)
        .filter(|p| !new.contains(p))
        .collect();
    let remove: BTreeSet<&str> = adopted
        .gone
        .iter()
        .map(String::as_str)
        .filter(|p| !new.contains(p))
        .chain(gone.iter().copied())
        .collect();
    remove
        .par_iter()
        .try_for_each(|p| remove_if_there(&dir.join(checked_relative(p)?)))?;
    // Folders left empty go too, deepest first (a clean build has none).
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for p in remove.iter() {
        let mut at = Path::new(p).parent();
        while let Some(d) = at.filter(|d| !d.as_os_str().is_empty()) {
            dirs.insert(d.to_path_buf());
            at = d.parent();
        }
    }
    let mut deepest: Vec<&PathBuf> = dirs.iter().collect();
    deepest.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in deepest {
        let _ = fs::remove_dir(dir.join(d));
    }
    // Every folder whose entries changed, and those above it.
    for p in written.iter().chain(&adopted.differs) {
        let mut at = Path::new(p.as_str()).parent();
        while let Some(d) = at.filter(|d| !d.as_os_str().is_empty()) {
            if !dirs.insert(d.to_path_buf()) {
                break;
            }
            at = d.parent();
        }
    }
    let mut sync: Vec<PathBuf> = dirs.into_iter().map(|d| dir.join(d)).collect();
    sync.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    sync.push(dir.to_path_buf());
    Ok((gone.into_iter().map(str::to_string).collect(), sync))
}

/// Moves the parse cache folder the staging folder `dir` may hold into
/// `spare` (replacing the spare's), leaving `dir` empty; an error when
/// `dir` holds anything else, so the spare is not taken.
fn hand_over_cache(dir: &Path, spare: &Path) -> io::Result<()> {
    let cache = Path::new(CACHE_DIR);
    let (from, to) = (dir.join(cache), spare.join(cache));
    if to.exists() {
        remove_tree(&to)?;
    }
    if from.exists() {
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::rename(&from, &to)?;
    }
    // Empty folders only: anything else in the way fails here.
    for d in cache.ancestors().filter(|d| !d.as_os_str().is_empty()) {
        match fs::remove_dir(dir.join(d)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(())
}

/// The files under `dir` (the old site) that are neither `written` nor
/// `kept` by this build, as relative paths. The parse cache is not the
/// site's: its segments are the cache's to keep or drop.
fn gone_from(dir: &Path, written: &[String], kept: &[String]) -> io::Result<Vec<String>> {
    let new: HashSet<&str> = written.iter().chain(kept).map(String::as_str).collect();
    let mut gone = Vec::new();
    let walk = walkdir::WalkDir::new(dir).follow_links(false).into_iter();
    for entry in walk.filter_entry(|e| !e.path().ends_with(CACHE_DIR)) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
        let rel = rel
            .to_str()
            .ok_or_else(|| io::Error::other("a file name that is not UTF-8"))?;
        if !new.contains(rel) {
            gone.push(rel.to_string());
        }
    }
    gone.sort_unstable();
    Ok(gone)
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        self.put_slice(path, &bytes)
    }

    fn put_slice(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        io::Write::write_all(&mut self.create(path)?, bytes)
    }

    /// A hard link of the file this build wrote at `like` (a copy where
    /// the file system has no links): a new file of the site, as written.
    fn put_twin(&self, path: &str, like: &str, bytes: &[u8]) -> io::Result<()> {
        let dest = self.dir.join(checked_relative(path)?);
        if self.adopted().is_some() {
            remove_if_there(&dest)?;
        }
        match link_or_copy(&self.dir.join(checked_relative(like)?), &dest) {
            Ok(Linked::Shared | Linked::Copied) => {
                push(&self.spare.written, path);
                Ok(())
            }
            Ok(Linked::Missing) => self.put_slice(path, bytes),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(io::Error::new(
                e.kind(),
                format!("two pages would be written to `{path}`"),
            )),
            Err(e) => Err(e),
        }
    }

    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut out = io::BufWriter::with_capacity(256 * 1024, self.create(path)?);
        write(&mut out)?;
        io::Write::flush(&mut out)
    }
}

impl Staging {
    /// Creates the file for `path` (and its folders), refusing to replace one.
    fn create(&self, path: &str) -> io::Result<fs::File> {
        let dest = self.dir.join(checked_relative(path)?);
        if self.adopted().is_some() {
            remove_if_there(&dest)?;
        }
        // create_new: two items that would write the same path are a bug in
        // the page list or a slug collision, never a silent overwrite.
        let open = || {
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&dest)
        };
        // Most files go into a folder that an earlier file needed: try
        // first, and make the folders only when they are missing (no list
        // of a big site's tens of thousands of folders to keep).
        let file = match open() {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)?;
                }
                open()
            }
            other => other,
        };
        let file = file.map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(e.kind(), format!("two pages would be written to `{path}`"))
            } else {
                e
            }
        })?;
        push(&self.spare.written, path);
        Ok(file)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A failed build's files, or after a failed cleanup nothing more.
        if self.dir.exists() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Flushes every file under `dir`, then every folder, deepest first, so that
/// after a power loss a folder never lists a file whose bytes are lost.
/// Returns the number of files and folders under it.
pub fn sync_tree(dir: &Path) -> io::Result<(usize, usize)> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            dirs.push((entry.depth(), entry.into_path()));
        } else if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    // Independent files: flushed in parallel, which lets the disk queue them.
    // A file with another link is the previous output's, linked in by an
    // incremental build ([`crate::incremental`]): the build that wrote it
    // flushed it before its own swap (new files have one link). A stat
    // instead of an open, a flush and a close, for most of a rebuilt site.
    files.par_iter().try_for_each(|f| {
        use std::os::unix::fs::MetadataExt;
        match fs::symlink_metadata(f)?.nlink() {
            1 => sync_path(f),
            _ => Ok(()),
        }
    })?;
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    dirs.par_iter().try_for_each(|(_, d)| sync_path(d))?;
    Ok((files.len(), dirs.len()))
}

/// Removes `dir` and everything under it, as [`fs::remove_dir_all`] does,
/// its files by several threads: the old site's tens of thousands of files
/// took most of the swap one by one. Folders go deepest first, a level at a
/// time.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let mut files = Vec::new();
    let mut dirs: Vec<Vec<PathBuf>> = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            if dirs.len() <= entry.depth() {
                dirs.resize_with(entry.depth() + 1, Vec::new);
            }
            dirs[entry.depth()].push(entry.into_path());
        } else {
            files.push(entry.into_path());
        }
    }
    files.par_iter().try_for_each(fs::remove_file)?;
    for level in dirs.iter().rev() {
        level.par_iter().try_for_each(fs::remove_dir)?;
    }
    Ok(())
}

fn sync_path(path: &Path) -> io::Result<()> {
    fs::File::open(path)?.sync_all()
}

/// Refuses an output folder that is a mount point: the swap renames it,
/// which the system refuses for a mount point ("Device or resource busy").
fn check_not_mount_point(target: &Path) -> Result<(), Diagnostic> {
    if is_mount_point(target) {
        let inside = target.join("site");
        return Err(Diagnostic::error(
            target,
            0,
            format!(
                "{} is a mount point, and a build publishes by renaming a new folder in its place, which cannot be done to a mount point; build into a folder inside it (--out {}) and serve that folder",
                target.display(),
                inside.display()
            ),
        ));
    }
    Ok(())
}

/// Whether `path` is the root of a mount: by `statx` where the system says
/// (bind mounts included), else by a device that differs from its parent's.
fn is_mount_point(path: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{AtFlags, CWD, StatxAttributes, StatxFlags, statx};
        if let Ok(s) = statx(
            CWD,
            path,
            AtFlags::NO_AUTOMOUNT | AtFlags::SYMLINK_NOFOLLOW,
            StatxFlags::empty(),
        ) && s.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT)
        {
            return s.stx_attributes.contains(StatxAttributes::MOUNT_ROOT);
        }
    }
    use std::os::unix::fs::MetadataExt;
    let dev = |p: &Path| fs::symlink_metadata(p).map(|m| m.dev()).ok();
    match (dev(path), path.parent().and_then(dev)) {
        (Some(a), Some(b)) => a != b,
        _ => false,
    }
}

/// Refuses an output this user cannot replace whole: the output folder,
/// or a folder at its top, that it may not write (another user's, or on a
/// read-only file system). The old site could not be removed after the
/// swap, so nothing is swapped.
fn check_writable(target: &Path) -> Result<(), Diagnostic> {
    if !target.exists() {
        return Ok(());
    }
    // The output and its top folders only: walking all of a large site's
    // folders took seconds. A deeper folder that cannot be removed leaves
    // the old site beside the new one, which the build says in a warning.
    for entry in walkdir::WalkDir::new(target)
        .max_depth(1)
        .follow_links(false)
    {
        let entry = entry.map_err(|e| {
            Diagnostic::error(target, 0, format!("cannot read the output folder: {e}")).with_hint(
                "run the build as the user who owns the output folder, or choose another --out",
            )
        })?;
        if !entry.file_type().is_dir() {
            continue;
        }
        let access = rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK;
        if let Err(e) = rustix::fs::access(entry.path(), access) {
            use std::os::unix::fs::MetadataExt;
            let owner = fs::symlink_metadata(entry.path())
                .map(|m| format!(", owned by uid {}", m.uid()))
                .unwrap_or_default();
            return Err(Diagnostic::error(
                entry.path(),
                0,
                format!(
                    "{} cannot be written by this user ({}{owner}), so a build could not replace {}; run the build as the user who owns it, or choose another --out",
                    entry.path().display(),
                    io::Error::from(e),
                    target.display()
                ),
            ));
        }
    }
    Ok(())
}

/// Checks that `target` is a folder a build may replace whole: one that does
/// not exist yet, an empty one, or a site an earlier build wrote (it has
/// `index.html`). The site folder itself (`--out .`), its `content/`, a home
/// folder or a file are refused rather than deleted.
fn check_replaceable(target: &Path) -> io::Result<()> {
    let refuse = |why: &str| {
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} {why}; a build replaces its output folder whole, so choose an empty or new folder for --out",
                target.display()
            ),
        ))
    };
    let meta = match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(m) => m,
    };
    if meta.file_type().is_symlink() {
        return refuse("is a symbolic link (pass the folder it points to)");
    }
    if !meta.is_dir() {
        return refuse("is a file, not a folder");
    }
    if fs::read_dir(target)?.next().is_none() {
        return Ok(());
    }
    if target.join("site.yaml").exists() || target.join("content").exists() {
        return refuse("is a site folder, not a built site");
    }
    if !target.join("index.html").is_file() {
        return refuse("is not empty and is not a site planpress built (it has no index.html)");
    }
    Ok(())
}

fn absolute(p: &Path) -> io::Result<PathBuf> {
    if p.is_absolute() {
        Ok(p.to_path_buf())
    } else {
        Ok(std::env::current_dir()?.join(p))
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic exchange",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_escape() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a\\b",
            "a\0b",
            "C:/x",
            "./a",
            "a/./b",
        ] {
            assert!(checked_relative(bad).is_err(), "{bad:?}");
        }
        assert!(checked_relative("units/qu/sifa/index.html").is_ok());
    }

    #[test]
    fn only_built_sites_and_empty_folders_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // The site folder itself (`--out .`) and its content are refused.
        fs::write(root.join("site.yaml"), "title: t").unwrap();
        fs::create_dir_all(root.join("content")).unwrap();
        fs::write(root.join("content/a.md"), "x").unwrap();
        for bad in [root.to_path_buf(), root.join("content")] {
            let e = Staging::new(&bad, Wait::No).err().expect("refused");
            assert!(e.message.contains("choose an empty or new folder"), "{e}");
            assert_eq!(e.file, bad, "the diagnostic names the folder as given");
        }
        assert!(root.join("content/a.md").is_file());
        // A file, and a symbolic link, are refused too.
        fs::write(root.join("file"), "x").unwrap();
        assert!(Staging::new(&root.join("file"), Wait::No).is_err());
        std::os::unix::fs::symlink(root.join("content"), root.join("link")).unwrap();
        assert!(Staging::new(&root.join("link"), Wait::No).is_err());
        // New, empty, and earlier builds are fine.
        Staging::new(&root.join("new"), Wait::No).unwrap().abandon();
        fs::create_dir_all(root.join("empty")).unwrap();
        Staging::new(&root.join("empty"), Wait::No)
            .unwrap()
            .abandon();
        fs::create_dir_all(root.join("public")).unwrap();
        fs::write(root.join("public/index.html"), "old").unwrap();
        Staging::new(&root.join("public"), Wait::No)
            .unwrap()
            .abandon();
    }

    #[test]
    fn an_old_site_set_aside_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let old = dir.path().join(".public.old");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("index.html"), "old").unwrap();
        Staging::new(&target, Wait::No).unwrap().abandon();
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "old"
        );
        assert!(!old.exists());
    }

    #[test]
    fn commit_replaces_the_old_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::create_dir_all(target.join("old")).unwrap();
        fs::write(target.join("old/index.html"), "old").unwrap();
        fs::write(target.join("index.html"), "old").unwrap();
        let s = Staging::new(&target, Wait::No).unwrap();
        s.put("index.html", b"new".to_vec()).unwrap();
        assert!(s.put("index.html", b"again".to_vec()).is_err());
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "new"
        );
        assert!(!target.join("old").exists());
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert!(!left.iter().any(|n| n.contains("staging")), "{left:?}");
    }

    #[test]
    fn every_file_and_folder_is_flushed() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a/b")).unwrap();
        for f in ["x", "a/y", "a/b/z"] {
            fs::write(dir.path().join(f), f).unwrap();
        }
        assert_eq!(sync_tree(dir.path()).unwrap(), (3, 3));
    }

    #[test]
    fn a_failed_build_leaves_no_staging_folder() {
        let dir = tempfile::tempdir().unwrap();
        let s = Staging::new(&dir.path().join("public"), Wait::No).unwrap();
        s.put("index.html", b"new".to_vec()).unwrap();
        let staging = s.dir.clone();
        drop(s);
        assert!(!staging.exists());
        assert!(!dir.path().join("public").exists());
    }
}
