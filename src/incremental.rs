//! Incremental `build` (issue 20): what a build keeps beside its output, and
//! the rendering of only what an edit changed.
//!
//! A build writes [`STATE`] into its output (inside `.planpress/`, swapped in
//! with the site, so it always describes the site beside it): a hash of
//! everything but content that every page depends on ([`Inputs::key`]), a
//! hash of each content file, the model's [`Digest`], and the owner of every
//! output that is not the whole site's. The next build reads it back; when
//! the key is the same, [`crate::affects::Changes`] says which owners
//! changed, and every page and data file of an unchanged owner (that was
//! that owner's before) goes into the staging folder by hard link from the
//! previous output (over the spare, only where the spare's file is not the
//! previous output's already: see [`crate::output`]). The rest is rendered,
//! and so are the files of the whole
//! site (home, lists, sitemap, feed, the search index) and the theme's
//! static files, every time.
//!
//! Beside the state, the parse cache ([`crate::content::cache`]) lets the
//! load parse only the content files that changed; the content files'
//! hashes are made as they are loaded ([`Inputs::new`]).
//!
//! A full build instead, whenever the state is missing or unreadable, or
//! any of these changed: the planpress binary ([`build_id`]), `--base-url`,
//! site.yaml, content/units.yaml, `themes/`, `templates/`, `static/`,
//! `words/`, `translations/`, or a content file that is not a plan's or a
//! notice's.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::affects::{Changes, DataOwners, Digest, Owner, page_owner};
use crate::content::cache::{ParseKey, Record};
use crate::diagnostics::Diagnostic;
use crate::index::Index;
use crate::model::Site;
use crate::output::Staging;
use crate::render::Sink;
use crate::render::data::{Previous, Rows};
use crate::render::editions::Editions;
use crate::urls::{self, Page};

/// Where the state is kept, inside the output: [`State`] sealed under
/// [`MAGIC`] ([`crate::sealed`]). Not JSON: at 5,000 plans the
/// state is 15 MB of JSON, which cost ~100 ms to read and as much to write
/// in every build.
pub const STATE: &str = ".planpress/build-state.bin";

/// The first bytes of [`STATE`].
const MAGIC: &[u8; 8] = b"PPSTATE1";

/// Bumped whenever the state's meaning changes.
const FORMAT: u32 = 6;

/// Folders and files under the site root that every page may depend on.
const SITE_WIDE: &[&str] = &[
    "site.yaml",
    "content/units.yaml",
    "themes",
    "templates",
    "static",
    "words",
    "translations",
];

/// What a build read besides the model: the key of everything site-wide,
/// and the hash of each content file.
pub struct Inputs {
    key: String,
    files: BTreeMap<PathBuf, String>,
}

/// The hashes of what a build reads besides content, made before loading:
/// the key of everything site-wide, and the key of the parse cache.
pub struct SiteWide {
    key: String,
    /// What a content file's parse depends on besides the file.
    pub parse: ParseKey,
}

impl Inputs {
    /// Hashes the site-wide inputs under `root`; `base_url` is the command
    /// line's, if any.
    pub fn site_wide(root: &Path, base_url: Option<&str>) -> io::Result<SiteWide> {
        let mut key = Sha256::new();
        // A rebuilt binary renders differently: its build id stands for its
        // code and its embedded theme.
        key.update(format!("{FORMAT}\0{}\0{base_url:?}\0", build_id()));
        let mut parse = Sha256::new();
        parse.update(format!("{FORMAT}\0{}\0", build_id()));
        // Through symbolic links, as the theme is read.
        let site_wide: Vec<PathBuf> = SITE_WIDE
            .iter()
            .flat_map(|p| files_under(&root.join(p), true))
            .collect();
        for (path, hash) in hash_files(root, &site_wide)? {
            let line = format!("{}\0{hash}\0", path.display());
            key.update(&line);
            // Parsing reads the registry; site.yaml only to be safe.
            if PARSE_INPUTS.iter().any(|p| path == Path::new(p)) {
                parse.update(&line);
            }
        }
        Ok(SiteWide {
            key: hex::encode(key.finalize()),
            parse: ParseKey(parse.finalize().into()),
        })
    }

    /// The inputs of a build whose loading hashed the content files it read
    /// (`read`); any other file under content/ is hashed here.
    pub fn new(site_wide: SiteWide, root: &Path, read: &[Record]) -> io::Result<Inputs> {
        let mut files: BTreeMap<PathBuf, String> = read
            .iter()
            .map(|r| (r.path.clone(), hex::encode(r.hash)))
            .collect();
        let units = root.join("content").join(crate::content::UNITS_FILE);
        // Not through links: content does not load linked files.
        let others: Vec<PathBuf> = files_under(&root.join("content"), false)
            .into_iter()
            .filter(|p| *p != units && !p.strip_prefix(root).is_ok_and(|r| files.contains_key(r)))
            .collect();
        files.extend(hash_files(root, &others)?);
        Ok(Inputs {
            key: site_wide.key,
            files,
        })
    }
}

/// What this binary was built from: a hash made when it was compiled, of
/// its sources, theme, dependencies, compiler and profile (see build.rs),
/// so that two binaries with one id render the same bytes. A copy of the
/// binary has its id; hashing the binary's own bytes instead cost 85-288
/// ms of every build.
pub fn build_id() -> &'static str {
    env!("PLANPRESS_BUILD_ID")
}

/// The site-wide files a parse may depend on.
const PARSE_INPUTS: &[&str] = &["site.yaml", "content/units.yaml"];

/// Every file under `path` (or `path` itself), sorted; nothing when absent.
fn files_under(path: &Path, follow_links: bool) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(path)
        .follow_links(follow_links)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// Each file's path relative to `root` and the SHA-256 of its bytes.
fn hash_files(root: &Path, files: &[PathBuf]) -> io::Result<Vec<(PathBuf, String)>> {
    files
        .par_iter()
        .map(|path| {
            let bytes = fs::read(path)?;
            let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            Ok((rel, hex::encode(Sha256::digest(&bytes))))
        })
        .collect()
}

/// What a build leaves for the next one.
#[derive(Serialize, Deserialize)]
pub struct State {
    format: u32,
    key: String,
    files: BTreeMap<PathBuf, String>,
    digest: Digest,
    /// Every output not owned by [`Owner::Site`], with its owner, and the
    /// whole site's files that a build may link from the previous output
    /// (the search index's fragments): a next build that no longer makes
    /// one must know to remove it.
    outputs: Vec<(String, Owner)>,
    /// Each plan's rows in the files of all tasks, which the next build
    /// copies where the plan is unchanged.
    rows: Option<Rows>,
}

impl State {
    /// The previous build's state in `out`, when it is there, readable and
    /// made from the same site-wide inputs as `inputs`.
    pub fn previous(out: &Path, inputs: &Inputs) -> Option<State> {
        let bytes = fs::read(out.join(STATE)).ok()?;
        let state = State::decode(&bytes)?;
        (state.format == FORMAT && state.key == inputs.key).then_some(state)
    }

    /// Writes the state of a build (its model's digest and outputs) into
    /// the staging folder.
    pub fn write(
        staging: &dyn Sink,
        inputs: Inputs,
        digest: Digest,
        outputs: Vec<(String, Owner)>,
        rows: Option<Rows>,
    ) -> io::Result<()> {
        let state = State {
            format: FORMAT,
            key: inputs.key,
            files: inputs.files,
            digest,
            outputs,
            rows,
        };
        // Through the sink, as every file of the site: a new file each
        // build (see `crate::output`'s spare).
        staging.put(STATE, state.encode()?)
    }

    /// The state's bytes (see [`STATE`]).
    fn encode(&self) -> io::Result<Vec<u8>> {
        crate::sealed::seal(MAGIC, self)
    }

    /// The state in `bytes`; `None` when they are not one, or damaged.
    fn decode(bytes: &[u8]) -> Option<State> {
        crate::sealed::open(MAGIC, bytes)
    }
}

/// A [`Sink`] that notes every path written through it.
pub struct Recorder<'s> {
    sink: &'s dyn Sink,
    paths: Mutex<Paths>,
}

/// Paths one after the other in one string, with where each ends: held
/// from the first page to the build's state, a string each was twice the
/// memory (8 MiB more at 5,000 plans).
#[derive(Default)]
struct Paths {
    text: String,
    ends: Vec<usize>,
}

impl Paths {
    fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(&self.ends)
            .map(|(start, &end)| &self.text[start..end])
    }
}

impl<'s> Recorder<'s> {
    pub fn new(sink: &'s dyn Sink) -> Recorder<'s> {
        Recorder {
            sink,
            paths: Mutex::default(),
        }
    }

    fn note(&self, path: &str) {
        let mut paths = self.paths.lock().unwrap_or_else(|e| e.into_inner());
        paths.text.push_str(path);
        let end = paths.text.len();
        paths.ends.push(end);
    }

    /// Each path written (or linked), with its owner, except those of the
    /// whole site that no build links: the outputs a next build may keep,
    /// and those it may link (written or linked alike, so that the state
    /// is the same after an incremental build as after a clean one).
    pub fn owned(self, site: &Site, index: &Index, editions: &Editions) -> Vec<(String, Owner)> {
        let mut pages: HashMap<String, Owner> = HashMap::new();
        for page in Page::all(site, index) {
            let owner = page_owner(page);
            if owner == Owner::Site {
                continue;
            }
            for edition in editions_or_own(editions) {
                for elder in [false, true] {
                    pages.insert(page.output_path_in(edition, site, elder), owner);
                }
            }
        }
        let unit_paths: Vec<String> = (0..site.units.len())
            .map(|u| urls::unit_path(site, u))
            .collect();
        let data = DataOwners::new(site, &unit_paths);
        let recorded = self.paths.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut paths: Vec<&str> = recorded.iter().collect();
        paths.sort_unstable();
        paths
            .into_iter()
            .filter_map(|path| {
                let owner = pages.get(path).copied().unwrap_or_else(|| data.of(path));
                let keep = owner != Owner::Site || crate::search::linkable(path);
                keep.then(|| (path.to_string(), owner))
            })
            .collect()
    }
}

/// The prefixes of the site's editions (`` alone when it has none).
fn editions_or_own(editions: &Editions) -> Vec<&str> {
    if editions.list.is_empty() {
        vec![""]
    } else {
        editions.list.iter().map(|e| e.prefix.as_str()).collect()
    }
}

impl Sink for Recorder<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> io::Result<()> {
        self.note(path);
        self.sink.put(path, bytes)
    }

    fn put_slice(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.note(path);
        self.sink.put_slice(path, bytes)
    }

    fn put_twin(&self, path: &str, like: &str, bytes: &[u8]) -> io::Result<()> {
        self.note(path);
        self.sink.put_twin(path, like, bytes)
    }

    fn put_with(
        &self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.note(path);
        self.sink.put_with(path, write)
    }
}

/// What an incremental render did.
#[derive(Debug, Default)]
pub struct Kept {
    /// Pages rendered and pages linked.
    pub rendered: usize,
    pub linked: usize,
    /// Data files rendered (the search index's included) and linked.
    pub files: usize,
    pub files_linked: usize,
}

/// Where the previous output is and what it holds, for one build.
pub struct Reuse<'a> {
    /// The previous output (still in place until the swap).
    pub out: &'a Path,
    /// The staging folder the new site is written to.
    pub staging: &'a Staging,
    pub state: State,
    pub inputs: &'a Inputs,
}

impl Reuse<'_> {
    /// Whether a content file is not what the previous build read.
    fn file_changed(&self, path: &Path) -> bool {
        self.state.files.get(path) != self.inputs.files.get(path)
    }

    /// The changes since the previous build, or `None` when a content file
    /// that is no plan's or notice's changed (a full build is due).
    fn changes(&self, digest: &Digest) -> Option<Changes> {
        let sources: std::collections::HashSet<&Path> = self
            .state
            .digest
            .sources()
            .chain(digest.sources())
            .collect();
        // Hashed, not sorted: thousands of paths compared part by part.
        let all: std::collections::HashSet<&PathBuf> = self
            .state
            .files
            .keys()
            .chain(self.inputs.files.keys())
            .collect();
        let unknown = all
            .into_iter()
            .any(|p| self.file_changed(p) && !sources.contains(p.as_path()));
        (!unknown)
            .then(|| Changes::of_digests(&self.state.digest, digest, &|p| self.file_changed(p)))
    }
}

/// Decides, for each output of the new model, whether the previous output's
/// file is still right, and then links it into the staging folder.
pub struct Linker<'a> {
    reuse: &'a Reuse<'a>,
    sink: &'a Recorder<'a>,
    changes: Changes,
    before: HashMap<&'a str, Owner>,
    digest: Digest,
}

impl<'a> Linker<'a> {
    /// The linker for a build of `site`, or `None` when the changes call
    /// for a full build.
    pub fn new(
        reuse: &'a Reuse<'a>,
        sink: &'a Recorder<'a>,
        site: &Site,
        index: &Index,
    ) -> Option<Self> {
        let digest = Digest::of(site, index);
        let changes = reuse.changes(&digest)?;
        let before: HashMap<&str, Owner> = reuse
            .state
            .outputs
            .iter()
            .map(|(p, o)| (p.as_str(), *o))
            .collect();
        reuse.staging.reuse_previous(before.keys().copied());
        Some(Linker {
            reuse,
            sink,
            changes,
            before,
            digest,
        })
    }

    /// The new model's digest, for this build's state.
    pub fn into_digest(self) -> Digest {
        self.digest
    }

    /// Links `path` from the previous output when it was the same owner's
    /// and that owner is unchanged; false when it is to be rendered.
    pub fn keep(&self, path: &str, owner: Owner) -> Result<bool, Diagnostic> {
        let same = owner != Owner::Site
            && self
                .before
                .get(path)
                .is_some_and(|&old| self.changes.keeps(old, Some(owner)));
        if !same {
            return Ok(false);
        }
        // A file of an unchanged owner is never rendered again (unit and
        // topic pages are rendered without the rows of unchanged plans).
        match self.reuse.staging.link(self.reuse.out, path) {
            Ok(true) => {
                self.sink.note(path);
                Ok(true)
            }
            Ok(false) => Err(cannot_link(
                path,
                io::Error::other("the previous output lacks it, though its build state lists it"),
            )),
            Err(e) => Err(cannot_link(path, e)),
        }
    }

    /// For each plan, whether a unit or topic page that changed lists one
    /// of its tasks ([`Digest::plans_on_changed_pages`]).
    pub fn plans_on_changed_pages(&self) -> Vec<bool> {
        self.digest.plans_on_changed_pages(&self.changes)
    }

    /// The previous build's files of all tasks, to copy unchanged plans'
    /// rows from; `None` when its state has no lengths for its plans.
    pub fn previous_rows(&self) -> Option<Previous> {
        let state = &self.reuse.state;
        let rows = state.rows.as_ref()?;
        rows.covers(state.digest.plan_count())
            .then(|| Previous::open(self.reuse.out, rows, self.changes.plans_kept()))
    }

    /// The previous output's file at `path` (for the search index's reuse).
    pub fn previous_file(&self, path: &str) -> Option<Vec<u8>> {
        fs::read(self.reuse.out.join(path)).ok()
    }

    /// Links `path`, a file of the whole site that its maker knows to be
    /// the previous output's (the search index's result fragments), from
    /// the previous output; false when that lacks it.
    pub fn link_unchanged(&self, path: &str) -> Result<bool, Diagnostic> {
        let linked = self
            .reuse
            .staging
            .link(self.reuse.out, path)
            .map_err(|e| cannot_link(path, e))?;
        if linked {
            self.sink.note(path);
        }
        Ok(linked)
    }

    /// Whether what `owner` shows changed since the previous build.
    pub fn changed(&self, owner: Owner) -> bool {
        self.changes.was(owner).is_none()
    }
}

impl Kept {
    pub fn add(&mut self, (rendered, linked): (usize, usize)) {
        self.rendered += rendered;
        self.linked += linked;
    }
}

pub fn cannot_link(path: &str, e: io::Error) -> Diagnostic {
    Diagnostic::error(
        path,
        0,
        format!("cannot take this file from the previous build: {e}"),
    )
    .with_hint("run `planpress build --full` to build every file again")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Component, Path, PathBuf};

    /// The state reads back as written, and a damaged one (a byte changed,
    /// cut short, another file's bytes) is no state: the build renders
    /// everything rather than link outputs by a wrong digest.
    #[test]
    fn a_damaged_state_is_not_read() {
        let state = State {
            format: FORMAT,
            key: "key".into(),
            files: BTreeMap::from([(PathBuf::from("content/a.md"), "00".into())]),
            digest: Digest::default(),
            outputs: vec![("plans/a/index.html".into(), Owner::Site)],
            rows: Some(Rows::default()),
        };
        let bytes = state.encode().unwrap();
        let back = State::decode(&bytes).expect("read back");
        assert_eq!(
            (back.key, back.files, back.outputs),
            (state.key, state.files, state.outputs)
        );
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(State::decode(&flipped).is_none(), "a changed byte");
        assert!(
            State::decode(&bytes[..bytes.len() - 1]).is_none(),
            "cut short"
        );
        assert!(State::decode(b"{\"format\":5}").is_none(), "not a state");
    }

    /// Every file the binary includes from the crate (`include_str!`,
    /// `include_bytes!`, rust-embed's `folder`) is under one of the inputs
    /// build.rs hashes into [`super::build_id`]: else editing it would
    /// leave the id, and the previous build's output, as they were.
    #[test]
    fn the_build_id_covers_every_file_compiled_in() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let hashed: Vec<&str> = env!("PLANPRESS_BUILD_INPUTS").split(',').collect();
        let mut found = 0;
        let mut outside = Vec::new();
        for entry in walkdir::WalkDir::new(root.join("src"))
            .into_iter()
            .flatten()
        {
            let path = entry.path();
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let dir = path.parent().unwrap_or(root);
            for (marker, base) in [
                ("include_str!(\"", dir),
                ("include_bytes!(\"", dir),
                ("#[folder = \"", root),
            ] {
                for (at, _) in text.match_indices(marker) {
                    let rest = &text[at + marker.len()..];
                    let rel = &rest[..rest.find('"').unwrap_or(0)];
                    let file = normal(&base.join(rel));
                    let first = file.strip_prefix(root).ok().and_then(|f| f.iter().next());
                    found += 1;
                    if !first.is_some_and(|c| hashed.iter().any(|h| c == *h)) {
                        outside.push(format!("{}: {rel}", path.display()));
                    }
                }
            }
        }
        assert!(found >= 10, "the scan finds the includes ({found})");
        assert!(
            outside.is_empty(),
            "add their folders to INPUTS in build.rs: {outside:?}"
        );
    }

    /// `path` with `..` and `.` resolved, without touching the disk.
    fn normal(path: &Path) -> PathBuf {
        let mut out = PathBuf::new();
        for c in path.components() {
            match c {
                Component::ParentDir => {
                    out.pop();
                }
                Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    }

    /// The parse cache's key follows site.yaml and units.yaml, which parsing
    /// reads, and not the theme, which it does not.
    #[test]
    fn the_parse_key_follows_what_parsing_reads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("content")).unwrap();
        fs::create_dir_all(root.join("themes/t")).unwrap();
        fs::write(root.join("site.yaml"), "title: a\n").unwrap();
        fs::write(root.join("content/units.yaml"), "units: []\n").unwrap();
        let key = || Inputs::site_wide(root, None).unwrap().parse;
        let first = key();
        assert_eq!(key(), first, "the same inputs, the same key");
        fs::write(root.join("themes/t/page.html"), "x").unwrap();
        assert_eq!(key(), first, "the theme is not read by parsing");
        fs::write(root.join("content/units.yaml"), "units: [a]\n").unwrap();
        let second = key();
        assert_ne!(second, first, "units.yaml changed");
        fs::write(root.join("site.yaml"), "title: b\n").unwrap();
        assert_ne!(key(), second, "site.yaml changed");
    }
}
