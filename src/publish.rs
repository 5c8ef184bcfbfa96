//! The deploy package of `build --compress / --changes / --changes-archive`:
//! precompressed `X.br` and `X.gz` beside every text file, a manifest of
//! every published file, and what changed since the previous build.
//!
//! [`package`] runs on the staging folder, before the swap, so the
//! compressed files and the manifest are published atomically with the
//! site (a failed build leaves the previous ones). It writes the list of
//! changes (and their archive) then too, while the previous output is
//! still there to compare with; they describe a published site only when
//! the build succeeds, which its exit status says.
//!
//! The manifest is `.planpress/manifest.tsv` inside the output. Inside,
//! because it must describe exactly the site beside it: it is swapped in
//! with it, and a build killed at any step cannot leave a manifest of
//! another site (which would make the next build reuse wrong compressed
//! files). It says nothing that is not public already (paths, sizes and
//! hashes of published files); a server may still hide it (docs/deploy.md),
//! and it is in no sitemap, list of changes or archive.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;

/// The manifest's path inside the output.
pub const MANIFEST: &str = ".planpress/manifest.tsv";

/// Brotli quality 6. On a plan page of the 1,000-plan benchmark (176 KB)
/// qualities 5, 6, 9, 10 and 11 gave 12.5, 12.3, 11.9, 11.6 and 11.2 KB:
/// 11 saves 9 % of 6's bytes at about fifty times its time, 10 6 % at ten
/// times, 9 3 % at four times. A 1,000-plan site is 1.9 GB of text, so the
/// time counts (BENCHMARKS.md, "build --compress").
const BROTLI_QUALITY: i32 = 6;
/// 4 MiB, brotli's default window: the biggest data files fit in it whole.
const BROTLI_WINDOW: i32 = 22;
/// gzip 6: over a whole 1,000-plan site, level 9 saved 0.2 % of the bytes
/// for more than twice the time (BENCHMARKS.md, "gzip level"); gzip is what
/// a browser gets over plain HTTP (brotli needs HTTPS).
const GZIP_LEVEL: u32 = 6;

/// The first line of a manifest: its format and the compression levels,
/// so that compressed files of another version are not reused.
fn header() -> String {
    format!("# planpress manifest 1\tbr {BROTLI_QUALITY}/{BROTLI_WINDOW}\tgz {GZIP_LEVEL}")
}

/// The files that get a `.br` and a `.gz`, by extension: the site's text
/// (pages, styles, scripts, data files, calendars, feeds, images in SVG).
/// Fonts, pictures and archives are compressed already.
const TEXT: &[&str] = &[
    "html",
    "css",
    "js",
    "xml",
    "json",
    "csv",
    "txt",
    "svg",
    "ics",
    "webmanifest",
];

/// What the deploy package of a build holds: which of its parts were asked for.
#[derive(Debug, Default, Clone)]
pub struct PublishOptions {
    /// Write `X.br` and `X.gz` beside every text file.
    pub compress: bool,
    /// Write the paths added, changed and removed since the previous build here.
    pub changes: Option<PathBuf>,
    /// Write the added and changed files into this tar archive.
    pub changes_archive: Option<PathBuf>,
}

impl PublishOptions {
    /// Whether any part was asked for (a build without one hashes nothing).
    pub fn any(&self) -> bool {
        self.compress || self.changes.is_some() || self.changes_archive.is_some()
    }
}

/// One published file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative, `/`-separated.
    pub path: String,
    pub size: u64,
    pub sha256: [u8; 32],
}

/// How a path differs from the previous build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Added,
    Modified,
    Deleted,
}

impl Change {
    fn marker(self) -> char {
        match self {
            Change::Added => 'A',
            Change::Modified => 'M',
            Change::Deleted => 'D',
        }
    }
}

/// What [`package`] did, for the build report and [`deliver`].
#[derive(Debug, Default)]
pub struct Packaged {
    /// Every published file, sorted by path.
    pub entries: Vec<Entry>,
    /// Text files compressed by this build.
    pub compressed: usize,
    /// Text files whose compressed files came unchanged from the previous build.
    pub reused: usize,
    /// Changed paths, sorted.
    pub changes: Vec<(Change, String)>,
}

impl Packaged {
    /// One line for the build's summary.
    pub fn summary(&self) -> String {
        let count = |c: Change| self.changes.iter().filter(|x| x.0 == c).count();
        format!(
            "{} files in the manifest; {} compressed, {} unchanged kept; {} added, {} changed, {} removed since the previous build",
            self.entries.len(),
            self.compressed,
            self.reused,
            count(Change::Added),
            count(Change::Modified),
            count(Change::Deleted)
        )
    }
}

/// The previous build's manifest, when it is there and readable.
struct Previous {
    /// Whether its compressed files were made with this version's levels.
    same_levels: bool,
    files: BTreeMap<String, Entry>,
}

/// Reads `DIR/.planpress/manifest.tsv`; `None` when there is none. A
/// manifest that does not parse counts as none: every file is then new.
fn read_previous(dir: &Path) -> Option<Previous> {
    let text = fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let mut lines = text.lines();
    let same_levels = lines.next()? == header();
    let files = lines
        .map(|line| {
            let mut f = line.split('\t');
            let (path, size, hash) = (f.next()?, f.next()?, f.next()?);
            let mut sha256 = [0u8; 32];
            hex::decode_to_slice(hash, &mut sha256).ok()?;
            let entry = Entry {
                path: path.to_string(),
                size: size.parse().ok()?,
                sha256,
            };
            Some((entry.path.clone(), entry))
        })
        .collect::<Option<BTreeMap<_, _>>>()?;
    Some(Previous { same_levels, files })
}

/// Hashes every file of the staging folder `staging`, compresses its text
/// files (or takes their compressed files from the previous build in
/// `previous`, the output still in place, when the file is unchanged) and
/// writes the manifest into it; then the list of changes and their
/// archive, where asked for.
pub fn package(
    staging: &Path,
    previous: &Path,
    opts: &PublishOptions,
) -> Result<Packaged, Diagnostic> {
    let fail = |e: io::Error| {
        Diagnostic::error(
            previous,
            0,
            format!("cannot make the deploy package: {e}"),
        )
        .with_hint("check that the disk is not full and that this user may write the output folder's parent")
    };
    for file in [&opts.changes, &opts.changes_archive].into_iter().flatten() {
        refuse_inside(file, previous)?;
    }
    let old = read_previous(previous);
    let (files, twins) = same_files(staging, list_files(staging).map_err(fail)?).map_err(fail)?;
    let mut done = files
        .par_iter()
        .map(|path| package_one(staging, previous, old.as_ref(), path, opts.compress))
        .collect::<io::Result<Vec<_>>>()
        .map_err(fail)?;
    let twins = package_twins(staging, &files, &done, &twins).map_err(fail)?;
    done.extend(twins);
    let mut packaged = Packaged::default();
    for one in done {
        match one.compressed {
            Some(Fresh::Made) => packaged.compressed += 1,
            Some(Fresh::Reused) => packaged.reused += 1,
            None => {}
        }
        packaged.entries.extend(one.entries);
    }
    packaged.entries.sort_by(|a, b| a.path.cmp(&b.path));
    write_manifest(staging, &packaged.entries).map_err(fail)?;
    packaged.changes = changes(old.as_ref(), &packaged.entries);
    deliver(&packaged, staging, opts)?;
    Ok(packaged)
}

/// Refuses a changes file inside the output: the swap would remove it
/// with the old site (compared as written, before any link is followed).
fn refuse_inside(file: &Path, out: &Path) -> Result<(), Diagnostic> {
    let absolute = |p: &Path| {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or(p.into())
    };
    if absolute(file).starts_with(absolute(out)) {
        return Err(Diagnostic::error(
            file,
            0,
            format!(
                "{} is inside the output folder {}, which a build replaces whole",
                file.display(),
                out.display()
            ),
        )
        .with_hint("write the list of changes and the archive outside the output folder"));
    }
    Ok(())
}

/// Every file under `dir` (not the manifest's folder), as relative paths.
fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).follow_links(false) {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).map_err(io::Error::other)?;
        let rel = rel.to_str().ok_or_else(|| {
            io::Error::other(format!("file name is not UTF-8: {}", rel.display()))
        })?;
        if rel.starts_with(".planpress/") {
            continue;
        }
        // The manifest is tab- and line-separated; the site's slugs never
        // hold either, so such a name is a theme file to rename.
        if rel.contains(['\t', '\n', '\r']) {
            return Err(io::Error::other(format!(
                "file name holds a tab or line break: {rel:?}; rename it"
            )));
        }
        files.push(rel.to_string());
    }
    Ok(files)
}

/// Another path of a file, and the path it is packaged under.
type Twin = (String, String);

/// `files` split into one path of each file (a 长者版 page is its
/// standard page's file, hard-linked) and the other paths of a file with
/// several, each with the one path of its file.
fn same_files(dir: &Path, files: Vec<String>) -> io::Result<(Vec<String>, Vec<Twin>)> {
    use std::os::unix::fs::MetadataExt;
    let mut first: std::collections::HashMap<(u64, u64), String> = Default::default();
    let (mut ones, mut twins) = (Vec::with_capacity(files.len()), Vec::new());
    for path in files {
        let m = fs::symlink_metadata(dir.join(&path))?;
        if m.nlink() < 2 {
            ones.push(path);
            continue;
        }
        match first.entry((m.dev(), m.ino())) {
            std::collections::hash_map::Entry::Occupied(o) => twins.push((path, o.get().clone())),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(path.clone());
                ones.push(path);
            }
        }
    }
    Ok((ones, twins))
}

/// The other paths of a packaged file: the same entry under each, and
/// the compressed files of the first path linked (not made again) beside
/// each. `done` is what packaging made of each of `files`.
fn package_twins(
    staging: &Path,
    files: &[String],
    done: &[One],
    twins: &[Twin],
) -> io::Result<Vec<One>> {
    let of: std::collections::HashMap<&str, &One> =
        files.iter().map(String::as_str).zip(done).collect();
    let mut out = Vec::with_capacity(twins.len());
    for (path, like) in twins {
        let Some(one) = of.get(like.as_str()) else {
            continue;
        };
        let mut entries = Vec::with_capacity(one.entries.len());
        for e in &one.entries {
            let name = format!("{path}{}", &e.path[like.len()..]);
            if e.path != *like {
                link_or_copy(&staging.join(&e.path), &staging.join(&name))?;
            }
            entries.push(Entry {
                path: name,
                ..e.clone()
            });
        }
        out.push(One {
            entries,
            compressed: one.compressed.clone(),
        });
    }
    Ok(out)
}

/// How a text file's `.br` and `.gz` came to be.
#[derive(Clone)]
enum Fresh {
    Made,
    Reused,
}

struct One {
    entries: Vec<Entry>,
    compressed: Option<Fresh>,
}

fn is_text(path: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| TEXT.contains(&ext))
}

fn package_one(
    staging: &Path,
    previous: &Path,
    old: Option<&Previous>,
    path: &str,
    compress: bool,
) -> io::Result<One> {
    let bytes = fs::read(staging.join(path))?;
    let entry = Entry {
        path: path.to_string(),
        size: bytes.len() as u64,
        sha256: Sha256::digest(&bytes).into(),
    };
    if !compress || !is_text(path) {
        return Ok(One {
            entries: vec![entry],
            compressed: None,
        });
    }
    let names = [format!("{path}.br"), format!("{path}.gz")];
    if let Some(reused) = reuse(staging, previous, old, &entry, &names)? {
        let mut entries = vec![entry];
        entries.extend(reused);
        return Ok(One {
            entries,
            compressed: Some(Fresh::Reused),
        });
    }
    let made = [brotli(&bytes)?, gzip(&bytes)?];
    let mut entries = vec![entry];
    for (name, data) in names.iter().zip(made) {
        create_new(&staging.join(name))?.write_all(&data)?;
        entries.push(Entry {
            path: name.clone(),
            size: data.len() as u64,
            sha256: Sha256::digest(&data).into(),
        });
    }
    Ok(One {
        entries,
        compressed: Some(Fresh::Made),
    })
}

/// The previous build's compressed files of an unchanged file, linked (or
/// copied) into the staging folder; `None` when they cannot be reused.
fn reuse(
    staging: &Path,
    previous: &Path,
    old: Option<&Previous>,
    entry: &Entry,
    names: &[String; 2],
) -> io::Result<Option<Vec<Entry>>> {
    let Some(old) = old.filter(|o| o.same_levels) else {
        return Ok(None);
    };
    if old.files.get(&entry.path) != Some(entry) {
        return Ok(None);
    }
    let Some(listed) = names
        .iter()
        .map(|n| old.files.get(n).cloned())
        .collect::<Option<Vec<_>>>()
    else {
        return Ok(None);
    };
    for name in names {
        match link_or_copy(&previous.join(name), &staging.join(name)) {
            Ok(()) => {}
            // Gone since the manifest was written: made again.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                for n in names {
                    let _ = fs::remove_file(staging.join(n));
                }
                return Ok(None);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Some(listed))
}

/// Puts `from` at `to` by a hard link, which shares the bytes (the old
/// output's files are never written again, only removed after the swap),
/// or by a copy where there is no link (another file system).
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    match fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(clash(to)),
        Err(_) => {
            let mut source = fs::File::open(from)?;
            io::copy(&mut source, &mut create_new(to)?).map(|_| ())
        }
    }
}

fn clash(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{} is both a site file and the compressed copy of another; rename the site file",
            path.display()
        ),
    )
}

/// Creates a file that must not exist yet: a site file named like a
/// compressed one (`X.br`) is a clash, never a silent overwrite.
fn create_new(path: &Path) -> io::Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                clash(path)
            } else {
                e
            }
        })
}

fn brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW,
        size_hint: bytes.len(),
        mode: brotli::enc::backward_references::BrotliEncoderMode::BROTLI_MODE_TEXT,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 4);
    brotli::enc::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    // No file name and a zero time in the header: the same bytes give the
    // same file, whenever and wherever they are built.
    let mut encoder = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Writes `.planpress/manifest.tsv` into the staging folder: the header,
/// then `path TAB size TAB sha256` a line, sorted by path.
fn write_manifest(staging: &Path, entries: &[Entry]) -> io::Result<()> {
    let mut text = header();
    text.push('\n');
    for e in entries {
        text.push_str(&format!(
            "{}\t{}\t{}\n",
            e.path,
            e.size,
            hex::encode(e.sha256)
        ));
    }
    let path = staging.join(MANIFEST);
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    create_new(&path)?.write_all(text.as_bytes())
}

/// The paths added, changed and removed since `old`, sorted by path (every
/// path is added when there is no previous manifest).
fn changes(old: Option<&Previous>, new: &[Entry]) -> Vec<(Change, String)> {
    let empty = BTreeMap::new();
    let old = old.map_or(&empty, |o| &o.files);
    let mut found: Vec<(Change, String)> = new
        .iter()
        .filter_map(|e| match old.get(&e.path) {
            None => Some((Change::Added, e.path.clone())),
            Some(o) if o != e => Some((Change::Modified, e.path.clone())),
            Some(_) => None,
        })
        .collect();
    let paths: std::collections::HashSet<&str> = new.iter().map(|e| e.path.as_str()).collect();
    found.extend(
        old.keys()
            .filter(|p| !paths.contains(p.as_str()))
            .map(|p| (Change::Deleted, p.clone())),
    );
    found.sort_by(|a, b| a.1.cmp(&b.1));
    found
}

/// Writes the list of changes (`A`/`M`/`D`, a tab, the path, a line each)
/// and the archive of added and changed files, read from the staging
/// folder `staging`.
fn deliver(packaged: &Packaged, staging: &Path, opts: &PublishOptions) -> Result<(), Diagnostic> {
    if let Some(file) = &opts.changes {
        let mut text = String::new();
        for (change, path) in &packaged.changes {
            text.push(change.marker());
            text.push('\t');
            text.push_str(path);
            text.push('\n');
        }
        fs::write(file, text).map_err(|e| cannot_write(file, e))?;
    }
    if let Some(file) = &opts.changes_archive {
        archive(packaged, staging, file).map_err(|e| cannot_write(file, e))?;
    }
    Ok(())
}

fn cannot_write(file: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::error(file, 0, format!("cannot write {}: {e}", file.display()))
        .with_hint("choose a file in a folder this user may write (outside the output folder)")
}

/// A tar archive of the added and changed files, by their published paths,
/// with fixed owners and times (the same files give the same archive).
fn archive(packaged: &Packaged, staging: &Path, file: &Path) -> io::Result<()> {
    let mut tar = tar::Builder::new(io::BufWriter::new(fs::File::create(file)?));
    tar.mode(tar::HeaderMode::Deterministic);
    tar.follow_symlinks(false);
    for (change, path) in &packaged.changes {
        if *change != Change::Deleted {
            tar.append_path_with_name(staging.join(path), path)?;
        }
    }
    tar.into_inner()?.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn text_files_are_chosen_by_extension() {
        for text in [
            "index.html",
            "a/b.css",
            "data/tasks.csv",
            "site.webmanifest",
        ] {
            assert!(is_text(text), "{text}");
        }
        for other in ["logo.png", "font.woff2", "html", "a.html.br", "x.gz"] {
            assert!(!is_text(other), "{other}");
        }
    }

    #[test]
    fn compressed_bytes_decode_to_the_original() {
        let text = "<p>到2025年，法治政府基本建成。</p>\n".repeat(200);
        let br = brotli(text.as_bytes()).unwrap();
        let gz = gzip(text.as_bytes()).unwrap();
        assert!(br.len() < text.len() / 5 && gz.len() < text.len() / 5);
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text.as_bytes());
        back.clear();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, text.as_bytes());
    }

    fn entry(path: &str, byte: u8) -> Entry {
        Entry {
            path: path.into(),
            size: 1,
            sha256: [byte; 32],
        }
    }

    #[test]
    fn changes_are_added_modified_and_deleted_by_path() {
        let old = Previous {
            same_levels: true,
            files: [entry("a", 1), entry("b", 1), entry("c", 1)]
                .into_iter()
                .map(|e| (e.path.clone(), e))
                .collect(),
        };
        let new = [entry("a", 1), entry("b", 2), entry("d", 1)];
        assert_eq!(
            changes(Some(&old), &new),
            vec![
                (Change::Modified, "b".to_string()),
                (Change::Deleted, "c".to_string()),
                (Change::Added, "d".to_string()),
            ]
        );
        assert!(changes(None, &new).iter().all(|c| c.0 == Change::Added));
    }

    #[test]
    fn a_changes_file_inside_the_output_is_refused() {
        assert!(refuse_inside(Path::new("public/changes.txt"), Path::new("public")).is_err());
        assert!(refuse_inside(Path::new("changes.txt"), Path::new("public")).is_ok());
        assert!(refuse_inside(Path::new("public-changes.txt"), Path::new("public")).is_ok());
    }

    #[test]
    fn a_manifest_reads_back_and_a_damaged_one_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let entries = [entry("a b/index.html", 7), entry("x.css", 9)];
        write_manifest(dir.path(), &entries).unwrap();
        let back = read_previous(dir.path()).unwrap();
        assert!(back.same_levels);
        assert_eq!(back.files.into_values().collect::<Vec<_>>(), entries);
        fs::write(
            dir.path().join(MANIFEST),
            format!("{}\nx\t1\tzz\n", header()),
        )
        .unwrap();
        assert!(read_previous(dir.path()).is_none());
    }
}
