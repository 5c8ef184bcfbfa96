//! Loading content files (YAML and Markdown) into the model.
//!
//! Each file is read and parsed on its own, in parallel, into raw documents
//! whose units are still names as written; [`assemble`] then resolves names
//! into jurisdictions, units and topics in a fixed order, so that the model is
//! the same whatever the thread count.

pub mod annotations;
pub mod assemble;
pub mod cache;
pub mod deadline;
pub mod fields;
pub mod grammar;
pub mod markdown;
pub mod text;
pub mod translations;
pub mod units;
pub mod yaml;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use walkdir::WalkDir;

use crate::config::{RawHtml, SiteConfig};
use crate::diagnostics::Diagnostic;
use crate::model::{Block, Deadline, DocMeta, Period, Phase, PlanKind, Site, SourceFile};

/// The registry's file name inside `content/`.
pub const UNITS_FILE: &str = "units.yaml";

/// A plan as read from one file, before names are resolved.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RawPlan {
    pub slug: String,
    pub kind: PlanKind,
    pub meta: DocMeta,
    pub jurisdiction: String,
    pub period: Option<Period>,
    pub topics: Vec<String>,
    pub body: Vec<Block>,
    pub tasks: Vec<RawTask>,
    pub phases: Vec<Phase>,
    pub source: SourceFile,
    /// Lines where raw HTML is written in the plan's Markdown (preamble,
    /// prose, tasks, phases), for `raw_html: reject`.
    pub raw_html: Vec<usize>,
}

/// A task as read, with units still names as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RawTask {
    pub number: String,
    pub text: String,
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub participating: Vec<String>,
    pub officials: Vec<String>,
    pub schedule: Option<String>,
    pub deadlines: Vec<Deadline>,
    pub priority: Option<String>,
    pub topics: Vec<String>,
    pub section_path: Vec<String>,
    pub line: usize,
}

impl RawTask {
    /// Whether the task names a unit in any role.
    pub fn names_units(&self) -> bool {
        !(self.lead.is_empty() && self.responsible.is_empty() && self.participating.is_empty())
    }
}

/// A notice as read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RawNotice {
    pub slug: String,
    pub meta: DocMeta,
    pub jurisdiction: String,
    pub recipients: Option<String>,
    pub body: String,
    pub signature: Option<String>,
    pub transmits: Vec<String>,
    pub source: SourceFile,
    /// Lines where raw HTML is written in the notice's body.
    pub raw_html: Vec<usize>,
}

/// What one content file holds.
#[derive(Debug, Default)]
pub struct Loaded {
    pub plans: Vec<RawPlan>,
    pub notices: Vec<RawNotice>,
    pub diagnostics: Vec<Diagnostic>,
    /// The slugs a file that yielded no document (its errors say why) may
    /// have meant, so that a notice transmitting one is not blamed too.
    pub failed: Vec<String>,
}

impl Loaded {
    pub fn merge(&mut self, other: Loaded) {
        self.plans.extend(other.plans);
        self.notices.extend(other.notices);
        self.diagnostics.extend(other.diagnostics);
        self.failed.extend(other.failed);
    }
}

/// The result of loading a site: the model when there were no errors, and
/// every diagnostic either way.
pub struct LoadResult {
    pub site: Option<Site>,
    pub diagnostics: Vec<Diagnostic>,
    /// Unregistered units with their first mention, for `check --units`.
    pub unregistered: Vec<Diagnostic>,
    /// What was read, whether or not the site had errors: a file with an
    /// error does not make the others' plans uncounted.
    pub read: Counts,
}

/// Documents, tasks and units read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub plans: usize,
    pub tasks: usize,
    pub units: usize,
}

impl Counts {
    pub fn of(site: &Site) -> Counts {
        Counts {
            plans: site.plans.len(),
            tasks: site.plans.iter().map(|p| p.tasks.len()).sum(),
            units: site.units.len(),
        }
    }
}

impl LoadResult {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
}

/// Loads `site.yaml` and everything under `content/`.
pub fn load_site(root: &Path) -> LoadResult {
    let config = match SiteConfig::load(root) {
        Ok(c) => c,
        Err(d) => {
            return LoadResult {
                site: None,
                diagnostics: vec![d],
                unregistered: Vec::new(),
                read: Counts::default(),
            };
        }
    };
    load_site_with(root, config)
}

/// Files read and parsed together before their plans are assembled: enough
/// for the threads to share, few enough that the raw documents of a batch
/// (unit names as written, a section path per task) stay small beside the
/// model of thousands of plans.
const LOAD_BATCH: usize = 128;

/// Loads the content of `root` with a given configuration.
pub fn load_site_with(root: &Path, config: SiteConfig) -> LoadResult {
    let plain = |rel: &Path, registry: &units::Registry, keywords: &assemble::Keywords| {
        let loaded = load_file(root, rel, registry);
        let topics = assemble::keyword_topics(&loaded.plans, keywords);
        (loaded, topics, None)
    };
    load_batched(root, config, &plain, None).0
}

/// What a build's loading gives the next build's parse cache: a record of
/// each content file it read, and how many cached parses were damaged.
#[derive(Default)]
pub struct Cached {
    /// When the loading started, before any file was looked at.
    pub started: i128,
    pub records: Vec<cache::Record>,
    pub damaged: usize,
    /// Where the new parses go as each batch is read.
    pub segment: Option<cache::NewSegment>,
}

/// Loads `site.yaml` and everything under `content/` for a build: each
/// file's parse taken from `previous` (the previous build's cache) when it
/// holds one for the same bytes, else parsed, and written to `segment` (the
/// next cache's) when there is one.
pub fn load_site_cached(
    root: &Path,
    previous: Option<&cache::Previous>,
    segment: Option<cache::NewSegment>,
) -> (LoadResult, Cached) {
    let started = cache::now();
    let config = match SiteConfig::load(root) {
        Ok(c) => c,
        Err(d) => {
            let result = LoadResult {
                site: None,
                diagnostics: vec![d],
                unregistered: Vec::new(),
                read: Counts::default(),
            };
            return (result, Cached::default());
        }
    };
    // New parses are encoded only when they go somewhere: a build that
    // keeps no cache pays nothing for it.
    let keep = segment.is_some();
    let read = |rel: &Path, registry: &units::Registry, keywords: &assemble::Keywords| {
        let file = File {
            root,
            rel,
            registry,
            keywords,
        };
        let (loaded, topics, record, damaged) = load_file_cached(&file, previous, keep);
        (loaded, topics, record.map(|r| (r, damaged)))
    };
    let (result, cached) = load_batched(root, config, &read, segment);
    (result, Cached { started, ..cached })
}

/// How one file is read: its parse, the topics the keywords find in its
/// plans' tasks, and what the parse cache keeps of it (with whether the
/// cached parse was damaged).
type ReadFile<'a> = dyn Fn(&Path, &units::Registry, &assemble::Keywords) -> FileRead + Sync + 'a;

/// What [`ReadFile`] gives.
type FileRead = (
    Loaded,
    Vec<assemble::PlanTopics>,
    Option<(cache::Record, bool)>,
);

/// Files go in batches: one batch is read and parsed in parallel while the
/// previous one is assembled, in file order, so the result is the same as
/// assembling everything at once ([`assemble_loaded`]).
fn load_batched(
    root: &Path,
    mut config: SiteConfig,
    read: &ReadFile,
    segment: Option<cache::NewSegment>,
) -> (LoadResult, Cached) {
    let content_dir = root.join("content");
    let (mut files, mut diagnostics) = content_files(root, &content_dir);
    // The order plans are assembled in (see `sort_loaded`), so batches
    // concatenate to it.
    files.sort();
    let registry = load_registry(root, &mut diagnostics);
    text::clean_config(&mut config);
    let mut assembly = assemble::Assembly::new(&config, &registry);
    // The keywords' topics are found as files are read (or taken from
    // their cached parses), in parallel, rather than as they are assembled.
    let keywords = assemble::Keywords::of(&config);
    let mut notices = Vec::new();
    let mut cached = Cached {
        segment,
        ..Cached::default()
    };
    let mut pending: Option<(Loaded, Vec<assemble::PlanTopics>)> = None;
    for batch in files.chunks(LOAD_BATCH) {
        let (loaded, ()) = rayon::join(
            || load_files(batch, (&registry, &keywords), read, &mut cached),
            || {
                if let Some((done, topics)) = pending.take() {
                    let batch_notices =
                        absorb(&config, &mut assembly, done, Some(topics), &mut diagnostics);
                    notices.extend(batch_notices);
                }
            },
        );
        pending = Some(loaded);
    }
    if let Some((last, topics)) = pending {
        notices.extend(absorb(
            &config,
            &mut assembly,
            last,
            Some(topics),
            &mut diagnostics,
        ));
    }
    // Notices are sorted within each batch, and batches are in file order.
    let assembled = assembly.finish(config, notices);
    (assembled_result(diagnostics, assembled), cached)
}

/// Hands what a batch of files held to the assembly: its problems (and its
/// raw HTML, when the site rejects it) to `diagnostics`, its plans to the
/// assembly, in file order, with the topics the keywords find in their
/// tasks when known (one entry per plan). Returns its notices, in file order.
fn absorb(
    config: &SiteConfig,
    assembly: &mut assemble::Assembly,
    mut loaded: Loaded,
    topics: Option<Vec<assemble::PlanTopics>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RawNotice> {
    diagnostics.append(&mut loaded.diagnostics);
    if config.raw_html == RawHtml::Reject {
        diagnostics.extend(raw_html_errors(&loaded));
    }
    loaded
        .notices
        .sort_by(|a, b| source_order(&a.source, &b.source));
    match topics {
        Some(topics) => {
            let mut plans: Vec<_> = std::mem::take(&mut loaded.plans)
                .into_iter()
                .zip(topics)
                .collect();
            plans.sort_by(|(a, _), (b, _)| source_order(&a.source, &b.source));
            let (plans, topics) = plans.into_iter().unzip();
            assembly.add_plans_with(plans, topics);
        }
        None => {
            sort_plans(&mut loaded.plans);
            assembly.add_plans(std::mem::take(&mut loaded.plans));
        }
    }
    assembly.add_failed(loaded.failed);
    loaded.notices
}

/// Reads and parses files in parallel; what the cache keeps of them goes
/// to `cached`.
fn load_files(
    files: &[PathBuf],
    (registry, keywords): (&units::Registry, &assemble::Keywords),
    read: &ReadFile,
    cached: &mut Cached,
) -> (Loaded, Vec<assemble::PlanTopics>) {
    let read: Vec<_> = files
        .par_iter()
        .map(|rel| read(rel, registry, keywords))
        .collect();
    let mut all = Loaded::default();
    let mut all_topics = Vec::new();
    for (loaded, topics, record) in read {
        all.merge(loaded);
        all_topics.extend(topics);
        if let Some((mut record, damaged)) = record {
            cache::NewSegment::take(&mut cached.segment, &mut record);
            cached.records.push(record);
            cached.damaged += usize::from(damaged);
        }
    }
    (all, all_topics)
}

/// Plans in the order of their source file and line.
fn sort_plans(plans: &mut [RawPlan]) {
    // Parallel reduction keeps order in rayon, but sort anyway: the model's
    // numbering must not depend on how the work was split.
    plans.sort_by(|a, b| source_order(&a.source, &b.source));
}

/// Documents by source file, then line.
fn source_order(a: &SourceFile, b: &SourceFile) -> std::cmp::Ordering {
    (&a.path, a.line).cmp(&(&b.path, b.line))
}

/// Reads `content/units.yaml` when there is one; a broken registry is
/// reported and an empty one used, so that the content is still checked.
pub fn load_registry(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> units::Registry {
    let registry_path = root.join("content").join(UNITS_FILE);
    // Not `is_file`, which follows a symbolic link out of the site.
    let is_link =
        std::fs::symlink_metadata(&registry_path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        diagnostics.push(symlink_warning(&relative(root, &registry_path)));
        return units::Registry::default();
    }
    if registry_path.is_file() {
        match units::Registry::load(root, &registry_path) {
            Ok(mut r) => {
                diagnostics.append(&mut r.problems);
                r
            }
            Err(d) => {
                diagnostics.push(d);
                units::Registry::default()
            }
        }
    } else {
        units::Registry::default()
    }
}

/// Turns the documents read from every content file into the site. Split
/// from [`load_site_with`] so that `serve` can keep each file's parse and
/// re-read only the file that changed, yet assemble exactly as a build does.
pub fn assemble_loaded(
    mut config: SiteConfig,
    loaded: Loaded,
    registry: &units::Registry,
    mut diagnostics: Vec<Diagnostic>,
) -> LoadResult {
    text::clean_config(&mut config);
    let mut assembly = assemble::Assembly::new(&config, registry);
    let notices = absorb(&config, &mut assembly, loaded, None, &mut diagnostics);
    assembled_result(diagnostics, assembly.finish(config, notices))
}

/// Like [`assemble_loaded`], from parses that stay where they are (`serve`
/// keeps each file's for the next assembly), each with the topics the
/// keywords find in its plans' tasks (see [`assemble::keyword_topics`], with
/// the [`assemble::Keywords`] of the same `config`), in file order. Only what
/// the model keeps as written is copied. The result is the one
/// [`assemble_loaded`] gives for the files' plans.
pub fn assemble_parsed(
    mut config: SiteConfig,
    files: &[(&Loaded, &[assemble::PlanTopics])],
    registry: &units::Registry,
    mut diagnostics: Vec<Diagnostic>,
) -> LoadResult {
    text::clean_config(&mut config);
    let mut assembly = assemble::Assembly::new(&config, registry);
    let mut plans = Vec::new();
    let mut notices = Vec::new();
    let mut failed = Vec::new();
    for &(loaded, topics) in files {
        diagnostics.extend(loaded.diagnostics.iter().cloned());
        if config.raw_html == RawHtml::Reject {
            diagnostics.extend(raw_html_errors(loaded));
        }
        plans.extend(loaded.plans.iter().zip(topics));
        notices.extend(loaded.notices.iter().cloned());
        failed.extend(loaded.failed.iter().cloned());
    }
    plans.sort_by(|(a, _), (b, _)| source_order(&a.source, &b.source));
    notices.sort_by(|a, b| source_order(&a.source, &b.source));
    assembly.add_shared_plans(&plans);
    assembly.add_failed(failed);
    assembled_result(diagnostics, assembly.finish(config, notices))
}

fn assembled_result(
    mut diagnostics: Vec<Diagnostic>,
    assembled: assemble::Assembled,
) -> LoadResult {
    diagnostics.extend(assembled.diagnostics);
    crate::diagnostics::sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    LoadResult {
        read: Counts::of(&assembled.site),
        site: (!has_errors).then_some(assembled.site),
        diagnostics,
        unregistered: assembled.unregistered.into_iter().map(|(_, d)| d).collect(),
    }
}

/// One error per place where content writes raw HTML, when the site says
/// `raw_html: reject`.
fn raw_html_errors(loaded: &Loaded) -> Vec<Diagnostic> {
    let plans = loaded.plans.iter().map(|p| (&p.source, &p.raw_html));
    let notices = loaded.notices.iter().map(|n| (&n.source, &n.raw_html));
    plans
        .chain(notices)
        .flat_map(|(source, lines)| {
            lines.iter().map(|&line| {
                Diagnostic::error(&source.path, line, "raw HTML in content")
                    .with_hint("site.yaml says `raw_html: reject`: write it as Markdown (`**bold**`, `[text](url)`), or set `raw_html: sanitize`")
            })
        })
        .collect()
}

/// Lines where raw HTML starts in the Markdown `text`, whose first line is
/// `first_line` of its file.
pub fn raw_html_lines(text: &str, first_line: usize) -> Vec<usize> {
    let mut lines = Vec::new();
    let (mut line, mut at) = (first_line, 0);
    for offset in crate::render::markdown::raw_html_offsets(text) {
        line += text.get(at..offset).map_or(0, |s| s.matches('\n').count());
        at = offset;
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    }
    lines
}

/// Content files under `content/`, relative to `root`, in a fixed order.
pub fn content_files(root: &Path, content_dir: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error("content", 0, "no content folder")
                .with_hint("create content/ with plan files (.md or .yaml)"),
        );
        return (files, diagnostics);
    }
    // Symlinks are not followed: content must not reach outside the site.
    // `content/` itself may be a link only to a folder inside the site.
    let inside = |p: &Path| matches!((p.canonicalize(), root.canonicalize()), (Ok(p), Ok(r)) if p.starts_with(&r));
    if content_dir.is_symlink() && !inside(content_dir) {
        diagnostics.push(
            Diagnostic::error(
                "content",
                0,
                "content/ is a link to a folder outside the site",
            )
            .with_hint("planpress reads nothing outside the site folder; move the content into it"),
        );
        return (files, diagnostics);
    }
    for entry in WalkDir::new(content_dir).sort_by_file_name() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| relative(root, p)).unwrap_or_default();
                diagnostics.push(Diagnostic::error(path, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        // The registry is read (and a link refused) by `load_registry`.
        if entry.file_type().is_symlink() && entry.path() != content_dir.join(UNITS_FILE) {
            diagnostics.push(symlink_warning(&relative(root, entry.path())));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || path == content_dir.join(UNITS_FILE) {
            continue;
        }
        if let Some("md" | "markdown" | "yaml" | "yml") = path.extension().and_then(|e| e.to_str())
        {
            files.push(relative(root, path));
        }
    }
    (files, diagnostics)
}

fn symlink_warning(rel: &Path) -> Diagnostic {
    Diagnostic::warning(rel, 0, "a symbolic link, not followed")
        .with_hint("planpress reads only files inside the site folder; copy the file here instead of linking it")
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Reads and parses one content file.
pub fn load_file(root: &Path, rel: &Path, registry: &units::Registry) -> Loaded {
    match read_bytes(&root.join(rel), rel) {
        Ok(bytes) => parse_bytes(rel, bytes, registry),
        Err(diagnostic) => unreadable(diagnostic),
    }
}

fn unreadable(diagnostic: Diagnostic) -> Loaded {
    Loaded {
        diagnostics: vec![diagnostic],
        ..Loaded::default()
    }
}

/// A content file to read, and what its parse and topics depend on.
struct File<'a> {
    root: &'a Path,
    rel: &'a Path,
    registry: &'a units::Registry,
    keywords: &'a assemble::Keywords,
}

/// [`load_file_cached`]'s answer: the parse, its plans' topics, the record
/// and whether the cached parse was damaged.
type CachedRead = (
    Loaded,
    Vec<assemble::PlanTopics>,
    Option<cache::Record>,
    bool,
);

/// Reads one content file for a build: its parse from `previous` when that
/// holds one for the same bytes (not even read when its stat says it is
/// the file the previous build hashed), else parsed (and encoded for the
/// next cache when `keep`); with its plans' topics, its record (its hash is
/// the build state's; none when the file cannot be read), and whether
/// `previous` held a damaged parse of it.
fn load_file_cached(file: &File, previous: Option<&cache::Previous>, keep: bool) -> CachedRead {
    let path = file.root.join(file.rel);
    // Before reading: a write after this shows in the next build's stat.
    let stat = std::fs::metadata(&path)
        .ok()
        .and_then(|m| cache::Stat::of(&m));
    let record = |hash, kept| cache::Record {
        path: file.rel.to_path_buf(),
        hash,
        stat,
        kept,
    };
    let recorded = previous.zip(stat.as_ref()).and_then(|(p, s)| {
        let hash = p.recorded_hash(file.rel, s)?;
        Some((p.get(file.rel, &hash), hash))
    });
    // A damaged parse is read again below, and counted there.
    if let Some((cache::Lookup::Hit(hit), hash)) = recorded {
        let (loaded, topics, kept) = *hit;
        return (loaded, topics, Some(record(hash, Some(kept))), false);
    }
    let bytes = match read_bytes(&path, file.rel) {
        Ok(b) => b,
        Err(diagnostic) => return (unreadable(diagnostic), Vec::new(), None, false),
    };
    let hash: cache::Hash = sha2::Sha256::digest(&bytes).into();
    let lookup = previous.map_or(cache::Lookup::Miss, |p| p.get(file.rel, &hash));
    let damaged = match lookup {
        cache::Lookup::Hit(hit) => {
            let (loaded, topics, kept) = *hit;
            return (loaded, topics, Some(record(hash, Some(kept))), false);
        }
        cache::Lookup::Damaged => true,
        cache::Lookup::Miss => false,
    };
    let loaded = parse_bytes(file.rel, bytes, file.registry);
    let topics = assemble::keyword_topics(&loaded.plans, file.keywords);
    let kept = keep
        .then(|| cache::encode(&loaded, &topics).map(cache::Kept::Bytes))
        .flatten();
    (loaded, topics, Some(record(hash, kept)), damaged)
}

/// Parses the bytes of the content file `rel`.
fn parse_bytes(rel: &Path, bytes: Vec<u8>, registry: &units::Registry) -> Loaded {
    let text = match decode_text(bytes, rel) {
        Ok(t) => t,
        Err(diagnostic) => return unreadable(diagnostic),
    };
    let mut loaded = match rel.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => yaml::load(rel, &text, registry),
        _ => markdown::load(rel, &text, registry),
    };
    if text::may_need_cleaning(&text) {
        text::clean_loaded(&mut loaded);
    }
    let yielded = !loaded.plans.is_empty() || !loaded.notices.is_empty();
    if !yielded && loaded.diagnostics.iter().any(Diagnostic::is_error) {
        loaded.failed = meant_slugs(rel, &text);
    }
    loaded
}

/// The slugs a file's documents may have had: its name's, and each
/// `slug:` written in it (read as text: the file failed to parse).
fn meant_slugs(rel: &Path, text: &str) -> Vec<String> {
    let written = text.lines().filter_map(|line| {
        let value = line.trim_start().strip_prefix("slug:")?;
        Some(value.trim().trim_matches(['"', '\'']).to_string())
    });
    std::iter::once(fields::slug_from_file(rel))
        .chain(written)
        .collect()
}

/// Content files larger than this are refused: the longest plan is a few
/// hundred kilobytes, and reading stays bounded in time and memory whatever
/// file lands in content/.
pub const MAX_FILE_BYTES: u64 = 10 << 20;

/// Reads a file as UTF-8 text; when it is not, an error about `shown` (the
/// path as the user knows it) with what to do.
pub fn read_text(path: &Path, shown: &Path) -> Result<String, Diagnostic> {
    decode_text(read_bytes(path, shown)?, shown)
}

fn fail(shown: &Path, message: String, hint: String) -> Diagnostic {
    Diagnostic::error(shown, 0, message).with_hint(hint)
}

/// A content file's bytes, unless it is too large to read.
fn read_bytes(path: &Path, shown: &Path) -> Result<Vec<u8>, Diagnostic> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(fail(
            shown,
            format!(
                "this file is {} MB; files larger than {} MB are not read",
                size >> 20,
                MAX_FILE_BYTES >> 20
            ),
            "a plan is at most a few hundred KB: check that this is the right file, or split it into one file per plan".into(),
        ));
    }
    std::fs::read(path).map_err(|e| {
        fail(
            shown,
            format!("cannot read file: {e}"),
            "check the file's permissions".to_string(),
        )
    })
}

/// A content file's bytes as text, when they are UTF-8 (a byte-order mark
/// dropped).
fn decode_text(bytes: Vec<u8>, shown: &Path) -> Result<String, Diagnostic> {
    if bytes.contains(&0) {
        return Err(fail(
            shown,
            "this is a binary file, not a text content file".into(),
            "content files are UTF-8 text (.md or .yaml); move other files out of content/".into(),
        ));
    }
    let mut text = utf8(bytes).map_err(|e| {
        fail(
            shown,
            format!("not valid UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
            "save the file as UTF-8; files in GBK can be converted with `planpress import`".into(),
        )
    })?;
    // A byte-order mark from Windows editors is not content.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// `bytes` as a string, when they are UTF-8. encoding_rs checks Chinese text
/// many times faster than `String::from_utf8` does (a tenth of the load went
/// there), and copying what it checked costs less than the difference; the
/// standard library reports where the bytes go wrong.
fn utf8(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    match encoding_rs::UTF_8.decode_without_bom_handling_and_without_replacement(&bytes) {
        Some(text) => Ok(text.into_owned()),
        None => String::from_utf8(bytes),
    }
}

// Where `site.yaml` and content files alike turn YAML errors into diagnostics
// (in `diagnostics`, so that `config` need not depend on `content`).
pub use crate::diagnostics::yaml_error;

/// Random texts for the tests that compare a reader's fast path with the
/// plain reading it stands for.
#[cfg(test)]
pub(crate) mod testing {
    /// `count` texts, each of fewer than `max` pieces picked from `pieces`:
    /// a fixed pseudo-random sequence from `seed`, so the same texts on
    /// every run.
    pub fn random_texts<'a>(
        pieces: &'a [&'a str],
        mut seed: u64,
        count: usize,
        max: usize,
    ) -> impl Iterator<Item = String> + 'a {
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            // The high bits: the low bits of this generator repeat, and a
            // length taken from them could stick at 0.
            (seed >> 33) as usize
        };
        (0..count).map(move |_| {
            let mut text = String::new();
            for _ in 0..next() % max {
                text.push_str(pieces[next() % pieces.len()]);
            }
            text
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan whose tasks name units in an order that depends on `i`, so
    /// that unit numbering depends on the order plans are assembled in.
    fn plan_file(i: usize) -> String {
        let unit = |k: usize| format!("区第{}局", (i * 7 + k * 3) % 23);
        let mut text = format!(
            "---\ntitle: 第{i}号方案\nkind: 实施方案\njurisdiction: 测试市{}区\ntopics: [专题{}]\n---\n\n## 一、任务\n\n",
            i % 3,
            i % 5
        );
        for t in 1..=3 {
            text.push_str(&format!(
                "{t}.推进第{i}项工作。(牵头单位:{},参与单位:{}、{})\n\n",
                unit(t),
                unit(t + 1),
                unit(t + 2)
            ));
        }
        text
    }

    #[test]
    fn utf8_agrees_with_the_standard_library() {
        let cases: [&[u8]; 12] = [
            b"",
            "牵头单位:区司法局。".as_bytes(),
            "\u{feff}abc🎉".as_bytes(),
            b"\xed\xa0\x80",
            b"\xc0\x80",
            b"\xf4\x90\x80\x80",
            b"\xe4\xb8",
            b"abc\xff",
            b"\xef\xbf\xbf",
            b"\xf0\x9f\x8e",
            b"\xe0\x80\xaf",
            "司法局".as_bytes(),
        ];
        for bytes in cases {
            let ours = utf8(bytes.to_vec()).map_err(|e| e.utf8_error().valid_up_to());
            let std = String::from_utf8(bytes.to_vec()).map_err(|e| e.utf8_error().valid_up_to());
            assert_eq!(ours, std, "{bytes:?}");
        }
    }

    #[test]
    fn loading_in_batches_assembles_as_all_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site.yaml"), "title: 测试\n").unwrap();
        // A folder and a file beside it named alike (`a/` and `a.md`), and
        // more files than one batch holds.
        for i in 0..(LOAD_BATCH * 2 + 17) {
            let rel = match i % 3 {
                0 => format!("content/a/p{i:04}.md"),
                1 => format!("content/a{i:04}.md"),
                _ => format!("content/b/c/p{i:04}.md"),
            };
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, plan_file(i)).unwrap();
        }
        std::fs::write(root.join("content/a.md"), plan_file(9999)).unwrap();

        let batched = load_site(root).site.expect("the site loads");
        let config = SiteConfig::load(root).unwrap();
        let (files, diagnostics) = content_files(root, &root.join("content"));
        let registry = load_registry(root, &mut Vec::new());
        let mut all = Loaded::default();
        for rel in &files {
            all.merge(load_file(root, rel, &registry));
        }
        let at_once = assemble_loaded(config, all, &registry, diagnostics)
            .site
            .expect("the site loads");

        assert_eq!(batched.plans.len(), LOAD_BATCH * 2 + 18);
        let show = |s: &Site| {
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}",
                s.plans, s.units, s.topics, s.jurisdictions
            )
        };
        assert_eq!(show(&batched), show(&at_once));
    }
}
