//! `planpress build`: load -> index -> render -> write, with timing per phase.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::affects::page_owner;
use crate::content::{cache, load_site, load_site_cached};
use crate::diagnostics::Diagnostic;
use crate::incremental::{Inputs, Kept, Linker, Recorder, Reuse, STATE, State};
use crate::index::Index;
use crate::model::Site;
use crate::output::{Staging, Wait};
use crate::publish::{Packaged, PublishOptions};
use crate::render::data::Rows;
use crate::render::editions::{
    Edition, EditionSite, Editions, Hant, Source, TranslatedEdition, hant_position,
};
use crate::render::html::Renderer;
use crate::render::theme::Theme;
use crate::render::views::{KeptPlan, Views};
use crate::render::{Input, Sink};

pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// What to do when another build is writing `out`.
    pub wait: Wait,
    /// Compressed files, manifest and changes (`--compress`, `--changes`).
    pub publish: PublishOptions,
    /// Render every file again, whatever the previous build left (`--full`).
    pub full: bool,
}

/// What a build did, for the summary line and `--verbose` timing.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub timings: Timings,
    /// The deploy package, when one was asked for.
    pub packaged: Option<Packaged>,
    /// How much an incremental build took from the previous one; `None`
    /// for a full build.
    pub kept: Option<Kept>,
    /// Content files parsed, and taken from the previous build's parses.
    pub parses: Parses,
}

/// How a build read its content files.
#[derive(Debug, Default, Clone, Copy)]
pub struct Parses {
    pub parsed: usize,
    pub cached: usize,
}

/// Called as pages are rendered: (done, total).
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Loads the site; errors and warnings alike come back as diagnostics.
pub fn load(
    root: &Path,
    base_url: Option<&str>,
) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut result = load_site(root);
    if let (Some(site), Some(url)) = (result.site.as_mut(), base_url) {
        site.config.set_base_url(url);
    }
    match result.site {
        Some(site) => Ok((site, result.diagnostics)),
        None => Err(result.diagnostics),
    }
}

/// Loads the site for a build: with the previous build's parse cache, and
/// writing the next one into the staging folder, when there is one already
/// (the previous output left its state and the build is not `--full`; a
/// clean build keeps no cache: [`cache`]). Also what this build read, for its
/// state (`None` when the site-wide inputs cannot be hashed: then no state
/// and no cache, which only costs the next build its head start).
fn load_for_build(opts: &BuildOptions, staging: Option<&Path>) -> Result<Loaded, Vec<Diagnostic>> {
    let mut notes = Vec::new();
    let site_wide = Inputs::site_wide(&opts.root, opts.base_url.as_deref())
        .map_err(|e| notes.push(format!("cannot hash the site's files ({e})")))
        .ok();
    let key = site_wide
        .as_ref()
        .map(|s| s.parse)
        .filter(|_| staging.is_some());
    let previous = key.and_then(|key| {
        cache::Previous::open(&opts.out, key)
            .map_err(|note| {
                notes.push(format!(
                    "the previous build's parse cache is unusable: {note}"
                ))
            })
            .ok()
            .flatten()
    });
    let segment = key.zip(staging).and_then(|(_, staging)| {
        cache::NewSegment::create(staging)
            .map_err(|e| notes.push(format!("cannot write the parse cache ({e})")))
            .ok()
    });
    let (mut result, cached) = load_site_cached(&opts.root, previous.as_ref(), segment);
    if cached.damaged > 0 {
        notes.push(format!(
            "{} parses in the previous build's cache are damaged; those files were parsed again",
            cached.damaged
        ));
    }
    let counts = Parses::of(&cached.records);
    let inputs = site_wide.and_then(|s| {
        let inputs = Inputs::new(s, &opts.root, &cached.records)
            .map_err(|e| notes.push(format!("cannot hash the content files ({e})")))
            .ok()?;
        Some(inputs)
    });
    if let (Some(key), Some(staging), Some(_), Some(_)) = (key, staging, &inputs, &result.site) {
        let parses = cache::Parses {
            key,
            previous: Some(opts.out.join(cache::DIR)),
            started: cached.started,
            records: cached.records,
            segment: cached.segment,
        };
        // Before the swap, the previous cache's segments are still there.
        drop(previous);
        if let Err(e) = parses.write(staging) {
            notes.push(format!(
                "cannot keep the parses for the next build ({e}): it will parse every file again"
            ));
        }
    }
    if let (Some(site), Some(url)) = (result.site.as_mut(), opts.base_url.as_deref()) {
        site.config.set_base_url(url);
    }
    let mut diagnostics = result.diagnostics;
    let hint = "the site is built as it should be; only this build or the next is slower";
    diagnostics.extend(
        notes
            .into_iter()
            .map(|n| Diagnostic::warning(&opts.out, 0, n).with_hint(hint)),
    );
    match result.site {
        Some(site) => Ok((site, diagnostics, inputs, counts)),
        None => Err(diagnostics),
    }
}

/// A loaded site, its warnings, what the build read, and how.
type Loaded = (Site, Vec<Diagnostic>, Option<Inputs>, Parses);

impl Parses {
    fn of(records: &[cache::Record]) -> Parses {
        let cached = records.iter().filter(|r| r.is_cached()).count();
        Parses {
            parsed: records.len() - cached,
            cached,
        }
    }
}

/// One phase of a build: its name, how long it took, and the process's
/// resident memory at its end and at its highest so far (MiB; Linux only),
/// so that `--verbose` shows where both time and memory go.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub name: &'static str,
    pub time: Duration,
    pub memory: Option<Memory>,
}

/// Resident memory of the process, in MiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub now: u64,
    pub peak: u64,
}

impl Memory {
    /// `VmRSS` and `VmHWM` of `/proc/self/status`. The peak is never reset
    /// (that would also reset what `time -v` reports for the whole run).
    fn read() -> Option<Memory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| -> Option<u64> {
            let kib: u64 = status
                .lines()
                .find_map(|l| l.strip_prefix(name))?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(kib / 1024)
        };
        Some(Memory {
            now: field("VmRSS:")?,
            peak: field("VmHWM:")?,
        })
    }
}

/// Hands the memory that a phase freed back to the system, in every thread.
///
/// The binary allocates with mimalloc, which keeps freed pages resident in
/// the heap of the thread that used them, so a phase's garbage would stay
/// resident under the next phase's allocations (at 5,000 plans: 80 MiB
/// after the pages, 130 MiB after the data files). Purging on every free
/// instead (`MIMALLOC_PURGE_DELAY=0`) cost about 5 % more CPU.
fn release_free_memory() {
    // SAFETY: mi_collect takes no pointers and only purges mimalloc's own
    // free pages; it is harmless when mimalloc is not the global allocator.
    let collect = || unsafe { libmimalloc_sys::mi_collect(true) };
    rayon::broadcast(|_| collect());
    collect();
}

/// mimalloc's `mi_option_purge_delay`, which libmimalloc-sys does not name:
/// 15 in the option enum of both `mimalloc.h` it bundles (v2 and v3, the
/// one built).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Runs `f` with freed memory handed back at once rather than 10 ms later.
/// For the search phase, the clean build's highest: its posting lists grow
/// and are freed while the segmenter's dictionary is held, and pages kept
/// for those 10 ms were under its peak. Not for the whole build: purging on
/// every free cost about 5 % more CPU (see [`release_free_memory`]).
fn purging_at_once<T>(f: impl FnOnce() -> T) -> T {
    // SAFETY: mimalloc's options are plain integers, read on every purge;
    // setting one is harmless when mimalloc is not the global allocator.
    let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    let out = f();
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay) };
    out
}

/// Frees the segmenter's dictionary and the memory segmenting left, before
/// the search index's postings are weighed and packed.
fn release_segmenter() {
    crate::search::release_segmenter();
    release_free_memory();
}

/// The phases of a build, in order.
#[derive(Debug, Default)]
pub struct Timings(pub Vec<Phase>);

impl Timings {
    /// Ends a phase begun at `start`.
    fn end(&mut self, name: &'static str, start: Instant) {
        self.0.push(Phase {
            name,
            time: start.elapsed(),
            memory: Memory::read(),
        });
    }
}

/// What [`render`] produced: pages, other files, and timings.
pub struct Rendered {
    pub pages: usize,
    pub files: usize,
    pub timings: Timings,
    /// The indexes the pages were made with, for the build's state (made
    /// once per build, not again for it).
    pub index: Option<Index>,
    /// Each plan's rows in the files of all tasks, for the build's state.
    pub rows: Option<Rows>,
}

/// Renders a loaded site into any sink (a staging folder, or memory for
/// serve): each edition's pages, then the data files and the search index,
/// which all editions share.
pub fn render(
    site: &Site,
    theme: &Theme,
    editions: &Editions,
    sink: &dyn Sink,
    progress: Progress,
) -> Result<Rendered, Vec<Diagnostic>> {
    let mut timings = Timings::default();
    // What loading left unused goes back first: the views come on top of
    // the model for the whole pages phase, the build's highest.
    release_free_memory();
    let t = Instant::now();
    let index = Index::build(site);
    let mut views = Views::build(site, &index, theme).map_err(|d| vec![d])?;
    release_free_memory();
    timings.end("index and views", t);
    let list = &editions.list;
    let renderer = Renderer::new(site, &index, &views, theme).with_edition(list, 0);
    // Every edition has the same pages, in one or two versions.
    let versions: usize = list.iter().map(|e| 1 + usize::from(e.elder)).sum();
    let total = renderer.pages().len() * versions;
    let done = AtomicUsize::new(0);
    let tick = || {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(n, total);
    };
    let t = Instant::now();
    let mut pages = renderer.render_all(sink, &tick)?;
    timings.end("pages", t);
    // The data files do not need the task rows of unit and topic pages:
    // they go before the data phase (the renderer, which borrows them,
    // first), so that its memory does not come on top of theirs.
    drop(renderer);
    views.rows = Vec::new();
    release_free_memory();
    if let Some((hant, hant_theme)) = &editions.hant {
        let t = Instant::now();
        pages += render_converted(site, &index, hant, hant_theme, list, sink, &tick)?;
        timings.end("hant pages", t);
        release_free_memory();
    }
    for edition in &editions.translated {
        let t = Instant::now();
        pages += render_translated(site, &index, edition, list, sink, &tick)?;
        timings.end("translated pages", t);
        release_free_memory();
    }
    let input = Input::new(site, &index, &views, theme).with_edition(list, 0);
    let t = Instant::now();
    let (mut files, rows) =
        crate::render::data::write_spliced(&input, sink, &|_| true, None).map_err(|d| vec![d])?;
    timings.end("data", t);
    // The search index reads only the site model: the pages' shared values
    // go first, which lowers the build's peak memory.
    drop(input);
    drop(views);
    release_free_memory();
    // The segmenter's dictionary (about 40 MiB) loads only now, so that it is
    // not held beside the pages' and data files' memory.
    crate::search::prepare();
    // The indexes are made again for the build's state (in milliseconds),
    // rather than held beside the search index's memory.
    drop(index);
    let t = Instant::now();
    files += purging_at_once(|| crate::search::write_all(site, sink, &release_segmenter, None))
        .map_err(|d| vec![d])?;
    // What the search index freed goes back: kept resident, the digest's
    // and the state's memory came on top of it (527 MiB at 5,000 plans,
    // then the build's highest).
    release_free_memory();
    timings.end("search", t);
    Ok(Rendered {
        pages,
        files,
        timings,
        index: None,
        rows: complete(site, rows),
    })
}

/// The rows' lengths, when both files of all tasks were written.
fn complete(site: &Site, rows: Rows) -> Option<Rows> {
    rows.covers(site.plans.len()).then_some(rows)
}

/// The 繁體 edition's pages: the model converted once, its views made with
/// the edition's words, the pages rendered under its prefix.
fn render_converted(
    site: &Site,
    index: &Index,
    hant: &Hant,
    theme: &Theme,
    list: &[Edition],
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let edition =
        EditionSite::make(site, index, Source::Converted(hant), theme).map_err(|d| vec![d])?;
    Renderer::of_edition(&edition, index, theme, list, hant_position(list)).render_all(sink, tick)
}

/// A translated edition's pages, made like the 繁體 edition's from a copy
/// of the model with the translations in place, the Chinese left marked.
fn render_translated(
    site: &Site,
    index: &Index,
    edition: &TranslatedEdition,
    list: &[Edition],
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
) -> Result<usize, Vec<Diagnostic>> {
    let theme = &edition.theme;
    let made = EditionSite::make(
        site,
        index,
        Source::Translated(&edition.translations),
        theme,
    )
    .map_err(|d| vec![d])?;
    Renderer::of_edition(&made, index, theme, list, edition.position).render_all(sink, tick)
}

/// Builds the site into `out`, atomically: only what changed since the
/// previous build when it left its state ([`crate::incremental`]).
pub fn build(opts: &BuildOptions, progress: Progress) -> Result<BuildReport, Vec<Diagnostic>> {
    let t = Instant::now();
    // A build that keeps a parse cache makes its staging folder first: the
    // cache is written into it as the files are read (on error it is
    // dropped, which removes it). A clean build touches nothing before its
    // content loads.
    let keeps_cache = !opts.full && opts.out.join(STATE).is_file();
    let early = keeps_cache
        .then(|| Staging::new(&opts.out, opts.wait))
        .transpose()
        .map_err(|d| vec![d])?;
    let (site, mut warnings, inputs, parses) =
        load_for_build(opts, early.as_ref().map(|s| s.dir.as_path()))?;
    warnings.extend(crate::urls::base_url_warning(&site.config));
    let mut timings = Timings::default();
    timings.end("load", t);
    let t = Instant::now();
    let theme = Theme::load(&opts.root, &site.config)?;
    let editions = Editions::load(&opts.root, &site, &theme)?;
    timings.end("templates", t);
    let mut staging = match early {
        Some(staging) => staging,
        None => Staging::new(&opts.out, opts.wait).map_err(|d| vec![d])?,
    };
    if opts.publish.any() {
        // The package walks and links the staging folder on its own.
        staging.without_spare();
    }
    // On error the staging folder is dropped, which removes it.
    let (rendered, kept, state) = stage(
        opts,
        (&site, &theme, &editions),
        (&staging, inputs),
        progress,
    )?;
    let roots = crate::render::editions::version_roots(&site.config, &editions.list);
    let statics = theme.write_static(&staging, &roots).map_err(|e| {
        vec![Diagnostic::error(
            "static",
            0,
            format!("cannot copy static files: {e}"),
        )]
    })?;
    timings.0.extend(rendered.timings.0);
    // Neither the state's encoding nor publishing reads the model: it goes
    // first (at 5,000 plans both came to the pages phase's height on top
    // of it).
    drop((site, theme, editions));
    release_free_memory();
    if let Some(state) = state {
        let start = state.write(&staging, &opts.out)?;
        timings.end("state", start);
    }
    let (packaged, notes) = publish(opts, staging, &mut timings)?;
    warnings.extend(
        notes
            .into_iter()
            .map(|n| Diagnostic::warning(&opts.out, 0, n)),
    );
    Ok(BuildReport {
        pages: rendered.pages,
        files: rendered.pages + rendered.files + statics,
        warnings,
        timings,
        packaged,
        kept,
        parses,
    })
}

/// This build's state for the next one, made but not yet written (see
/// [`build`]), and when its phase began.
struct Pending {
    inputs: Inputs,
    digest: crate::affects::Digest,
    outputs: Vec<(String, crate::affects::Owner)>,
    rows: Option<Rows>,
    start: Instant,
}

impl Pending {
    fn write(self, staging: &Staging, out: &Path) -> Result<Instant, Vec<Diagnostic>> {
        State::write(staging, self.inputs, self.digest, self.outputs, self.rows).map_err(|e| {
            vec![Diagnostic::error(
                out,
                0,
                format!("cannot write the build's state for the next build: {e}"),
            )]
        })?;
        Ok(self.start)
    }
}

/// Renders the site into the staging folder: only what changed when the
/// previous output's state allows, else everything; and makes this
/// build's state, which [`build`] writes beside it for the next one.
fn stage(
    opts: &BuildOptions,
    (site, theme, editions): (&Site, &Theme, &Editions),
    (staging, inputs): (&Staging, Option<Inputs>),
    progress: Progress,
) -> Result<(Rendered, Option<Kept>, Option<Pending>), Vec<Diagnostic>> {
    let t = Instant::now();
    let previous = match (&inputs, opts.full) {
        (Some(inputs), false) => State::previous(&opts.out, inputs),
        _ => None,
    };
    let mut timings = Timings::default();
    timings.end("previous build", t);
    let recorder = Recorder::new(staging);
    let incremental = previous.zip(inputs.as_ref()).and_then(|(state, inputs)| {
        let reuse = Reuse {
            out: &opts.out,
            staging,
            state,
            inputs,
        };
        render_changed(site, theme, editions, &reuse, &recorder, &mut timings)
    });
    let (mut rendered, kept, digest) = match incremental.transpose()? {
        Some(Changed {
            kept,
            digest,
            rows,
            index,
        }) => {
            let rendered = Rendered {
                pages: kept.rendered + kept.linked,
                files: kept.files + kept.files_linked,
                timings: Timings::default(),
                index: Some(index),
                rows: complete(site, rows),
            };
            (rendered, Some(kept), Some(digest))
        }
        None => (
            render(site, theme, editions, &recorder, progress)?,
            None,
            None,
        ),
    };
    let state = inputs.map(|inputs| {
        let t = Instant::now();
        let index = rendered.index.take().unwrap_or_else(|| Index::build(site));
        let digest = digest.unwrap_or_else(|| crate::affects::Digest::of(site, &index));
        rendered.timings.end("digest", t);
        let start = Instant::now();
        let outputs = recorder.owned(site, &index, editions);
        // Only the outputs' owners needed the indexes.
        drop(index);
        Pending {
            inputs,
            digest,
            outputs,
            rows: rendered.rows.take(),
            start,
        }
    });
    timings.0.append(&mut rendered.timings.0);
    rendered.timings = timings;
    Ok((rendered, kept, state))
}

/// Adds the deploy package (when asked for), flushes the staging folder
/// and swaps it in: the package and what the swap could not clean up.
fn publish(
    opts: &BuildOptions,
    mut staging: Staging,
    timings: &mut Timings,
) -> Result<(Option<Packaged>, Vec<String>), Vec<Diagnostic>> {
    let t = Instant::now();
    let packaged = opts
        .publish
        .any()
        .then(|| crate::publish::package(&staging.dir, &opts.out, &opts.publish))
        .transpose()
        .map_err(|d| vec![d])?;
    timings.end("package", t);
    let t = Instant::now();
    staging.sync().map_err(|e| {
        vec![Diagnostic::error(
            &opts.out,
            0,
            format!("cannot flush the new site to disk: {e}"),
        )]
    })?;
    timings.end("flush", t);
    let t = Instant::now();
    let notes = staging.commit().map_err(|e| {
        vec![Diagnostic::error(
            &opts.out,
            0,
            format!("cannot replace the output folder: {e}"),
        )]
    })?;
    timings.end("swap", t);
    Ok((packaged, notes))
}

/// Renders what changed since the previous build into `sink` (a
/// [`Recorder`] over the staging folder) and links the rest from the
/// previous output; `None` when the changes call for a full build.
fn render_changed(
    site: &Site,
    theme: &Theme,
    editions: &Editions,
    reuse: &Reuse,
    sink: &Recorder,
    timings: &mut Timings,
) -> Option<Result<Changed, Vec<Diagnostic>>> {
    let t = Instant::now();
    let index = Index::build(site);
    let linker = Linker::new(reuse, sink, site, &index)?;
    timings.end("what changed", t);
    let kept = render_linked(site, theme, editions, (&index, &linker), sink, timings);
    let digest = linker.into_digest();
    Some(kept.map(|(kept, rows)| Changed {
        kept,
        digest,
        rows,
        index,
    }))
}

/// What an incremental render did, and what the build's state is made of:
/// the new model's digest and indexes (made once), the rows' lengths.
struct Changed {
    kept: Kept,
    digest: crate::affects::Digest,
    rows: Rows,
    index: Index,
}

fn render_linked(
    site: &Site,
    theme: &Theme,
    editions: &Editions,
    (index, linker): (&Index, &Linker),
    sink: &Recorder,
    timings: &mut Timings,
) -> Result<(Kept, Rows), Vec<Diagnostic>> {
    // The segmenter loads while pages render: an edit build holds less
    // than a clean one, and the search phase no longer waits for it.
    crate::search::prepare();
    let t = Instant::now();
    let reuse = rows_not_shown(linker);
    let views = Views::build_reusing(site, index, theme, reuse.clone()).map_err(|d| vec![d])?;
    let list = &editions.list;
    let mut kept = Kept::default();
    let base = Renderer::new(site, index, &views, theme).with_edition(list, 0);
    kept.add(render_pages(&base, sink, linker)?);
    drop(base);
    timings.end("views and pages", t);
    let t = Instant::now();
    kept.add(render_editions(
        site,
        (index, reuse),
        editions,
        sink,
        linker,
    )?);
    timings.end("editions' pages", t);
    let t = Instant::now();
    let input = Input::new(site, index, &views, theme).with_edition(list, 0);
    let (files, linked, rows) = write_data(&input, sink, linker)?;
    drop(input);
    drop(views);
    timings.end("data", t);
    let t = Instant::now();
    // Search hook: unchanged result fragments are linked from the previous output.
    let link = |path: &str| linker.link_unchanged(path);
    let previous = crate::search::Previous {
        state: linker.previous_file(crate::search::STATE),
        link: &link,
    };
    let search = crate::search::write_all(site, sink, &release_segmenter, Some(&previous))
        .map_err(|d| vec![d])?;
    release_free_memory();
    timings.end("search", t);
    kept.files = files + search;
    kept.files_linked = linked;
    Ok((kept, rows))
}

/// Empty task rows for each plan whose tasks are on no unit or topic page
/// that changed (the only pages that show rows, and the only ones of those
/// rendered, page by page): rows are most of what the views cost.
fn rows_not_shown(linker: &Linker) -> Vec<Option<KeptPlan>> {
    linker
        .plans_on_changed_pages()
        .into_iter()
        .map(|s| (!s).then(KeptPlan::rows_unneeded))
        .collect()
}

/// The 繁體 and translated editions' pages whose owner changed, made as
/// [`render_converted`] and [`render_translated`] make all of them.
fn render_editions(
    site: &Site,
    (index, reuse): (&Index, Vec<Option<KeptPlan>>),
    editions: &Editions,
    sink: &dyn Sink,
    linker: &Linker,
) -> Result<(usize, usize), Vec<Diagnostic>> {
    let list = &editions.list;
    let mut done = (0, 0);
    let mut add = |(r, l): (usize, usize)| {
        done.0 += r;
        done.1 += l;
    };
    if let Some((hant, theme)) = &editions.hant {
        let made =
            EditionSite::make_reusing(site, index, Source::Converted(hant), theme, reuse.clone())
                .map_err(|d| vec![d])?;
        let renderer = Renderer::of_edition(&made, index, theme, list, hant_position(list));
        add(render_pages(&renderer, sink, linker)?);
    }
    for edition in &editions.translated {
        let theme = &edition.theme;
        let source = Source::Translated(&edition.translations);
        let made = EditionSite::make_reusing(site, index, source, theme, reuse.clone())
            .map_err(|d| vec![d])?;
        let renderer = Renderer::of_edition(&made, index, theme, list, edition.position);
        add(render_pages(&renderer, sink, linker)?);
    }
    Ok(done)
}

/// The data files whose owner changed, written; the others linked, and
/// the rows of unchanged plans copied: (written, linked, rows' lengths).
fn write_data(
    input: &Input,
    sink: &dyn Sink,
    linker: &Linker,
) -> Result<(usize, usize, Rows), Vec<Diagnostic>> {
    let owners = crate::affects::DataOwners::new(input.site, &input.views.unit_paths);
    let failed = std::sync::Mutex::new(None);
    let linked = AtomicUsize::new(0);
    let previous = linker.previous_rows();
    let keep = |path: &str| match linker.keep(path, owners.of(path)) {
        Ok(true) => {
            linked.fetch_add(1, Ordering::Relaxed);
            false
        }
        Ok(false) => true,
        Err(d) => {
            *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(d);
            false
        }
    };
    let (written, rows) = crate::render::data::write_spliced(input, sink, &keep, previous.as_ref())
        .map_err(|d| vec![d])?;
    match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(d) => Err(vec![d]),
        None => Ok((written, linked.into_inner(), rows)),
    }
}

/// The pages of one edition whose owner changed, rendered; the others
/// linked: (rendered, linked).
fn render_pages(
    renderer: &Renderer,
    sink: &dyn Sink,
    linker: &Linker,
) -> Result<(usize, usize), Vec<Diagnostic>> {
    let done: Vec<Result<(usize, usize), Diagnostic>> = renderer
        .pages()
        .par_iter()
        .map(|&page| renderer.write_page(page, sink, &|path| linker.keep(path, page_owner(page))))
        .collect();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let (mut rendered, mut linked) = (0, 0);
    for d in done {
        match d {
            Ok((r, l)) => (rendered, linked) = (rendered + r, linked + l),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        return Ok((rendered, linked));
    }
    crate::diagnostics::sort(&mut errors);
    errors.dedup();
    Err(errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purge_delay() -> std::ffi::c_long {
        // SAFETY: reads one of mimalloc's integer options.
        unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) }
    }

    #[test]
    fn purging_at_once_sets_the_delay_for_its_call_only() {
        let before = purge_delay();
        assert_eq!(purging_at_once(purge_delay), 0);
        assert_eq!(purge_delay(), before);
    }
}
