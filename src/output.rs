//! Writing the site: into a staging folder beside the output, swapped in only
//! when the whole build succeeded, so a failed or killed build leaves the
//! previous site as it was.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::render::Sink;

/// Writes files under a staging folder.
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
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
    /// A fresh staging folder for `target` (`public/` -> `.public.staging`),
    /// removing one left behind by a killed build.
    pub fn new(target: &Path) -> io::Result<Staging> {
        let target = absolute(target)?;
        check_replaceable(&target)?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        fs::create_dir_all(&parent)?;
        let dir = parent.join(format!(".{name}.staging"));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        // A build killed between the two renames of `commit` (systems
        // without an atomic exchange) left the old site aside: put it back.
        let old = dir.with_extension("old");
        if !target.exists() && old.is_dir() {
            fs::rename(&old, &target)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging { dir, target })
    }

    /// Replaces the target with the staging folder in one step where the
    /// system allows (an atomic exchange), and removes the old site.
    pub fn commit(self) -> io::Result<()> {
        if !self.target.exists() {
            return fs::rename(&self.dir, &self.target);
        }
        if exchange(&self.dir, &self.target).is_ok() {
            // The old site is now in the staging path.
            return fs::remove_dir_all(&self.dir);
        }
        // No atomic exchange here: two renames, the old site kept until the
        // new one is in place.
        let old = self.dir.with_extension("old");
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        fs::rename(&self.target, &old)?;
        fs::rename(&self.dir, &self.target)?;
        fs::remove_dir_all(&old)
    }

    /// Drops a failed build's files.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }

    /// Copies static folders (later ones win) to `static/` in the output.
    pub fn copy_static(&self, dirs: &[PathBuf]) -> io::Result<usize> {
        let mut count = 0;
        for dir in dirs {
            if !dir.is_dir() {
                continue;
            }
            // Links are not followed, a linked `static/` folder included:
            // nothing from outside the site is published.
            let walk = walkdir::WalkDir::new(dir)
                .follow_root_links(false)
                .sort_by_file_name();
            for entry in walk {
                let entry = entry.map_err(io::Error::other)?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
                let dest = self.dir.join("static").join(rel);
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::copy(entry.path(), &dest)?;
                count += 1;
            }
        }
        Ok(count)
    }
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
            let e = Staging::new(&bad).err().expect("refused");
            assert_eq!(e.kind(), io::ErrorKind::AlreadyExists, "{e}");
        }
        assert!(root.join("content/a.md").is_file());
        // A file, and a symbolic link, are refused too.
        fs::write(root.join("file"), "x").unwrap();
        assert!(Staging::new(&root.join("file")).is_err());
        std::os::unix::fs::symlink(root.join("content"), root.join("link")).unwrap();
        assert!(Staging::new(&root.join("link")).is_err());
        // New, empty, and earlier builds are fine.
        Staging::new(&root.join("new")).unwrap().abandon();
        fs::create_dir_all(root.join("empty")).unwrap();
        Staging::new(&root.join("empty")).unwrap().abandon();
        fs::create_dir_all(root.join("public")).unwrap();
        fs::write(root.join("public/index.html"), "old").unwrap();
        Staging::new(&root.join("public")).unwrap().abandon();
    }

    #[test]
    fn an_old_site_set_aside_is_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let old = dir.path().join(".public.old");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("index.html"), "old").unwrap();
        Staging::new(&target).unwrap().abandon();
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
        let s = Staging::new(&target).unwrap();
        s.put("index.html", b"new".to_vec()).unwrap();
        assert!(s.put("index.html", b"again".to_vec()).is_err());
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "new"
        );
        assert!(!target.join("old").exists());
        assert!(!dir.path().join(".public.staging").exists());
    }
}
