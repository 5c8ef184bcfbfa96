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

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::Sink;

/// Writes files under a staging folder that belongs to this build. Dropped
/// without [`Staging::commit`] (a failed build), the folder is removed.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
    /// What went wrong that did not stop the build (an old staging folder
    /// that could not be removed), for the build's warnings.
    pub notes: Vec<String>,
    /// Held until the staging folder is gone: dropped after [`Drop::drop`].
    _lock: OutputLock,
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
            notes,
            _lock: lock,
        })
    }

    /// Flushes the new site to disk (files, then folders), before
    /// [`Staging::commit`] may publish it.
    pub fn sync(&self) -> io::Result<()> {
        step("staged");
        sync_tree(&self.dir)?;
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
        // The old site is now in the staging path: removing it is cleaning
        // up, and a failure does not undo the publishing.
        if self.dir.exists()
            && let Err(e) = remove_tree(&self.dir)
        {
            self.notes.push(format!(
                "the new site is published, but the old one could not be removed from {}: {e}",
                self.dir.display()
            ));
        }
        step("cleaned");
        Ok(std::mem::take(&mut self.notes))
    }

    /// Drops a failed build's files.
    pub fn abandon(self) {}
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        self.put_slice(path, &bytes)
    }

    fn put_slice(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        io::Write::write_all(&mut self.create(path)?, bytes)
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
        file.map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(e.kind(), format!("two pages would be written to `{path}`"))
            } else {
                e
            }
        })
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
