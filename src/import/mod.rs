//! `planpress import`: from the original document (plain text, a saved
//! portal page, a Word `.docx`) to content files that `planpress check`
//! accepts and a person only needs to review.
//!
//! The work goes in stages, each in its own module, so that every input
//! format meets the same recognisers:
//! 1. [`decode`], [`html`], [`docx`]: bytes to [`Block`]s (paragraphs and
//!    table rows) with their input positions;
//! 2. [`clean`]: copy-and-paste noise (odd spaces, broken words);
//! 3. [`chrome`]: the portal's page furniture dropped, its metadata kept;
//! 4. [`structure`]: title, notice, the plans it transmits, headings and
//!    tasks (prose goes through planpress's own Markdown reader, so what is
//!    reported is what `check` will see); [`tables`]: division-of-labour
//!    tables, real or flattened to one cell per line; [`spread`]:
//!    annotations written once for several items;
//! 5. [`write`]: Markdown or YAML files, re-read with the content loaders
//!    before anything is written; [`report`]: what a reviewer should look at.

pub mod chrome;
pub mod clean;
pub mod decode;
pub mod docx;
pub mod html;
pub mod pdf;
pub mod registry;
pub mod report;
pub mod review;
pub mod spread;
pub mod structure;
pub mod tables;
pub mod write;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::content::units::Registry;
use crate::diagnostics::Diagnostic;
use report::Report;

/// Inputs larger than this are refused: no plan is that long, and it keeps
/// memory and time bounded on whatever file is passed.
pub const MAX_INPUT_BYTES: usize = 64 << 20;

/// One paragraph of the input, or one row of a real table.
#[derive(Debug, Clone, Default)]
pub struct Block {
    /// Where it starts: the line (text, HTML) or paragraph (.docx), from 1.
    pub line: usize,
    /// The text; for a table row, its cells joined by spaces.
    pub text: String,
    /// The cells of a real table row (.docx, HTML).
    pub cells: Option<Vec<String>>,
    /// Which table a row belongs to, counted from 0 in document order.
    pub table: Option<usize>,
    /// HTML: the block is one link and nothing else (menus, article lists,
    /// attachments), with its target.
    pub link: Option<String>,
}

impl Block {
    pub fn para(line: usize, text: impl Into<String>) -> Block {
        Block {
            line,
            text: text.into(),
            ..Block::default()
        }
    }
}

macro_rules! declare_found_meta {
    (
        facts { $($(#[$fdoc:meta])* $fact:ident: $fty:ty,)* }
        links { $($link:tt)* }
    ) => {
        /// Document metadata as found on the page or in the document's head:
        /// the facts of [`crate::vocabulary`], and the links in the shape a
        /// page gives them (the writer makes them the content file's links).
        #[derive(Debug, Clone, Default)]
        pub struct Meta {
            pub title: Option<String>,
            $($(#[$fdoc])* pub $fact: $fty,)*
            /// 来源 as the page names it.
            pub source_name: Option<String>,
            /// Where the page was saved from.
            pub source_url: Option<String>,
            /// (title, url)
            pub attachments: Vec<(String, String)>,
            pub links: Vec<(String, String)>,
        }
    };
}
crate::vocabulary::doc_meta!(declare_found_meta);

/// The content file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Md,
}

/// What `planpress import` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The folder the files go to (the site's `content/`).
    pub out: PathBuf,
    /// `None`: Markdown for prose plans, YAML for division-of-labour tables.
    pub format: Option<Format>,
    /// The 行政区划, when the document does not make it clear.
    pub jurisdiction: Option<String>,
    /// Replace existing files.
    pub force: bool,
    /// Also write the review page (`--review`), and where.
    pub review: Option<review::Target>,
}

/// What the target site already knows: its unit registry and the
/// jurisdictions its content uses, so that `下陆区` found in a document
/// becomes the site's `黄石市下陆区`, and only units the registry lacks are
/// reported as new.
#[derive(Debug, Default)]
pub struct Context {
    pub registry: Registry,
    pub jurisdictions: Vec<String>,
    /// Units already reported in this run, by (jurisdiction, name).
    seen: HashSet<(String, String)>,
    /// The target site's name (`site.yaml`'s `title`), a clue to the
    /// jurisdiction of a document that names none.
    pub site_title: Option<String>,
}

impl Context {
    /// Reads `units.yaml` and the jurisdictions of the content files in
    /// `out`; a missing folder is an empty site. A registry that does not
    /// load is its diagnostic, with its path as given (`out/units.yaml`).
    pub fn for_dir(out: &Path) -> Result<Context, Diagnostic> {
        let mut ctx = Context::default();
        let registry_path = out.join(crate::content::UNITS_FILE);
        if registry_path.is_file() {
            let root = out.parent().unwrap_or(out);
            ctx.registry = Registry::load(root, &registry_path).map_err(|d| Diagnostic {
                file: registry_path.clone(),
                ..d
            })?;
        }
        ctx.site_title = site_title(out.parent().unwrap_or(out));
        let mut names: Vec<String> = ctx.registry.jurisdictions.keys().cloned().collect();
        if out.is_dir() {
            for entry in walkdir::WalkDir::new(out)
                .max_depth(4)
                .into_iter()
                .flatten()
            {
                let path = entry.path();
                let is_content = matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("md" | "yaml" | "yml")
                );
                if !entry.file_type().is_file() || !is_content {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(path) else {
                    continue;
                };
                for line in text.lines().take(20_000) {
                    if let Some(v) = line.trim_start().strip_prefix("jurisdiction:") {
                        let v = v.trim().trim_matches(['"', '\'']).trim();
                        if !v.is_empty() {
                            names.push(v.to_string());
                        }
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        ctx.jurisdictions = names;
        Ok(ctx)
    }
}

/// `title:` of the `site.yaml` in `root`, if any.
fn site_title(root: &Path) -> Option<String> {
    let text = std::fs::read_to_string(root.join("site.yaml")).ok()?;
    let value: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
    value.get("title")?.as_str().map(str::to_string)
}

/// The files one input becomes, and the report.
#[derive(Debug)]
pub struct Imported {
    /// (file name inside the output folder, contents)
    pub files: Vec<(String, String)>,
    pub report: Report,
}

/// The kinds of input the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Text,
    Html,
    Docx,
    /// A PDF with a text layer (a scanned one is refused when read).
    Pdf,
}

/// Tells the input's kind from its name and first bytes.
pub fn input_kind(name: &str, bytes: &[u8]) -> Result<InputKind, Diagnostic> {
    let refuse = |message: String| Diagnostic::error(name, 0, message);
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if bytes.starts_with(b"PK\x03\x04") {
        return if ext == "docx" || ext.is_empty() || ext == "zip" {
            Ok(InputKind::Docx)
        } else {
            Err(refuse(format!(
                "a zip archive that is not a .docx (.{ext} files cannot be imported)"
            ))
            .with_hint(IMPORTABLE))
        };
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || matches!(ext.as_str(), "doc" | "wps") {
        return Err(refuse(format!(
            "an old binary Word file; save it as .docx first (soffice --headless --convert-to docx {name})"
        )));
    }
    if bytes.starts_with(b"%PDF") {
        return Ok(InputKind::Pdf);
    }
    if ext == "pdf" {
        return Err(
            refuse("not a valid PDF (it does not start with %PDF)".into()).with_hint(
                "open it in a PDF reader: a file that does not open there is damaged or another kind of file",
            ),
        );
    }
    if ext == "docx" {
        return Err(refuse("not a valid .docx (not a zip archive)".into())
            .with_hint("open it in Word or WPS and save it again as .docx"));
    }
    // Text has no NUL bytes, unless it is UTF-16 with its byte-order mark
    // (Notepad's "Unicode"), which `decode` reads.
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16 && bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(refuse(
            "a binary file (an image, an archive…), not a document; import .txt, .html or .docx files".into(),
        ));
    }
    if matches!(
        ext.as_str(),
        "htm" | "html" | "shtml" | "xhtml" | "jsp" | "asp" | "aspx" | "php"
    ) {
        return Ok(InputKind::Html);
    }
    let head: Vec<u8> = bytes
        .iter()
        .take(2048)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let head = String::from_utf8_lossy(&head);
    let trimmed = head.trim_start_matches(['\u{feff}', ' ', '\n', '\r', '\t']);
    if trimmed.starts_with("<!doctype html")
        || trimmed.starts_with("<html")
        || head.contains("<body")
    {
        return Ok(InputKind::Html);
    }
    Ok(InputKind::Text)
}

/// What `import` reads, for the advice of a refusal.
const IMPORTABLE: &str = "import .txt, saved .html pages, .docx or PDFs with a text layer; save other documents as .docx first";

/// Refuses an input larger than [`MAX_INPUT_BYTES`].
fn too_large(name: &str, bytes: u64) -> Diagnostic {
    Diagnostic::error(
        name,
        0,
        format!(
            "{} MB is larger than any plan; refusing to import",
            bytes >> 20
        ),
    )
    .with_hint("check that this is the plan's document; a plan with many images: save it as .txt")
}

/// Converts one input (named `name`, for its kind and the output file
/// names) into content files, without touching the disk.
pub fn convert(
    name: &str,
    bytes: &[u8],
    opts: &Options,
    ctx: &mut Context,
) -> Result<Imported, Diagnostic> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_large(name, bytes.len() as u64));
    }
    let kind = input_kind(name, bytes)?;
    let mut report = Report {
        source: name.to_string(),
        ..Report::default()
    };
    let mut meta = Meta::default();
    let blocks = match kind {
        InputKind::Text => {
            let d = decode::decode(bytes, false);
            if d.had_errors {
                report.unsure(
                    0,
                    format!("some bytes are not valid {}; they show as �", d.encoding),
                );
            }
            let lines = d.text.lines().count();
            report.input = format!("text, {}, {lines} lines", d.encoding);
            report.position = "line";
            d.text
                .lines()
                .enumerate()
                .map(|(i, l)| Block::para(i + 1, l))
                .collect::<Vec<_>>()
        }
        InputKind::Html => {
            let d = decode::decode(bytes, true);
            let page = html::extract(&d.text);
            meta = page.meta;
            report.input = format!(
                "HTML page, {}, {} lines",
                d.encoding,
                d.text.lines().count()
            );
            report.position = "line";
            page.blocks
        }
        InputKind::Pdf => {
            let blocks = pdf::extract(name, bytes)?;
            report.input = format!("PDF, {} lines of its text layer", blocks.len());
            report.position = "line";
            blocks
        }
        InputKind::Docx => {
            let blocks = docx::extract(name, bytes)?;
            report.input = format!("Word .docx, {} paragraphs and table rows", blocks.len());
            report.position = "paragraph";
            blocks
        }
    };
    if blocks.iter().all(|b| b.text.trim().is_empty()) {
        return Err(Diagnostic::error(name, 0, "no text found").with_hint(
            "a scan or an image holds no text: copy the text into a .txt file and import that",
        ));
    }
    let blocks = normalize(blocks, &mut report);
    let blocks = join_page_breaks(blocks, &mut report);
    let blocks = split_glued(blocks);
    // Before the chrome goes: a bar alone on a line closes a table row.
    let blocks = tables::bar_line_rows(blocks);
    report.read(&blocks);
    let blocks = chrome::strip(blocks, &mut meta, &mut report);
    report.survived(&blocks);
    // Tables first: a space between cells is not a space inside a word.
    let blocks = tables::space_rows(blocks);
    let blocks = tables::pipe_rows(blocks);
    let blocks = join_spaces(blocks, &mut report);
    let analysis = structure::analyse(&blocks, meta, opts, ctx, &mut report)?;
    review::trace(&analysis, &mut report);
    let files = write::render(name, &analysis, opts, ctx, &mut report)?;
    Ok(Imported { files, report })
}

/// Why an import failed: the diagnostic, and the report when the document
/// was read (so that a refused overwrite still shows what was found).
#[derive(Debug)]
pub struct ImportError {
    pub diagnostic: Diagnostic,
    pub report: Option<Box<Report>>,
}

impl From<Diagnostic> for ImportError {
    fn from(diagnostic: Diagnostic) -> Self {
        ImportError {
            diagnostic,
            report: None,
        }
    }
}

/// A file that cannot be read or written, as a diagnostic.
pub(crate) fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    let hint = match e.kind() {
        std::io::ErrorKind::NotFound => "check the path",
        std::io::ErrorKind::PermissionDenied => "check the file's permissions",
        _ => "check the file and the disk (space, permissions)",
    };
    Diagnostic::error(path, 0, e.to_string()).with_hint(hint)
}

/// Reads `path`, converts it, and writes its files into `opts.out` unless
/// one of them exists already (and `--force` was not given). On success
/// returns the report; on failure the diagnostic and the report so far.
pub fn import_file(path: &Path, opts: &Options, ctx: &mut Context) -> Result<Report, ImportError> {
    let name = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.len() as usize > MAX_INPUT_BYTES {
        return Err(too_large(&name, meta.len()).into());
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    let imported = convert(&name, &bytes, opts, ctx)?;
    let targets: Vec<PathBuf> = imported
        .files
        .iter()
        .map(|(file, _)| opts.out.join(file))
        .collect();
    let review = review::planned(path, opts, &targets, &imported.report)?;
    if !opts.force
        && let Some(existing) = targets
            .iter()
            .chain(review.as_ref().map(|r| &r.0))
            .find(|t| t.exists())
    {
        return Err(ImportError {
            diagnostic: Diagnostic::error(
                existing,
                0,
                format!("exists already; nothing was written for {name}"),
            )
            .with_hint("use --force to replace it"),
            report: Some(Box::new(imported.report)),
        });
    }
    std::fs::create_dir_all(&opts.out).map_err(|e| io_error(&opts.out, &e))?;
    for (target, (_, text)) in targets.iter().zip(&imported.files) {
        // Written beside the target and renamed, so that a failure never
        // leaves half a file in content/.
        let tmp = target.with_extension("import-tmp");
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, target))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                io_error(target, &e)
            })?;
    }
    let mut report = imported.report;
    match registry::update(&opts.out, &report.new_units) {
        Ok(Some(path)) => report.dropped(
            0,
            format!(
                "units new to the site written to {}: review them",
                path.display()
            ),
        ),
        Ok(None) => {}
        Err(d) => report.unsure(0, d.to_string()),
    }
    if let Some((page, html)) = review {
        report.review_page = Some(review::write(&page, &html)?);
    }
    Ok(report)
}

/// Normalises every block's text and cells (see [`clean::normalize_line`]).
fn normalize(blocks: Vec<Block>, report: &mut Report) -> Vec<Block> {
    let mut nbsp = 0usize;
    let out = blocks
        .into_iter()
        .map(|mut b| {
            if b.text
                .contains(['\u{a0}', '\u{3000}', '\u{200b}', '\u{feff}'])
            {
                nbsp += 1;
            }
            b.text = clean::normalize_line(&b.text);
            if let Some(cells) = &mut b.cells {
                for c in cells.iter_mut() {
                    *c = c
                        .split('\n')
                        .map(clean::normalize_line)
                        .filter(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n");
                }
            }
            b
        })
        .filter(|b| !b.text.is_empty() || b.cells.is_some())
        .collect();
    if nbsp > 0 {
        report.dropped(
            0,
            format!("non-breaking, ideographic or zero-width spaces on {nbsp} line(s)"),
        );
    }
    out
}

/// Page-break markers (`[接上页]`, `(下转第2版)`) removed, and a paragraph
/// that a page break cut (its first part ends no sentence) joined again.
fn join_page_breaks(blocks: Vec<Block>, report: &mut Report) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut marked = Vec::new();
    // The block before said that the next one goes on from it.
    let mut pending = false;
    for mut b in blocks {
        if b.cells.is_some() || b.link.is_some() {
            pending = false;
            out.push(b);
            continue;
        }
        let mut joins_previous = std::mem::take(&mut pending);
        if let Some(p) = clean::strip_page_breaks(&b.text) {
            marked.push(b.line);
            b.text = p.text;
            joins_previous |= p.joins_previous;
            pending = p.joins_next;
        }
        if b.text.is_empty() {
            // A marker alone on its line: the lines around it are one.
            pending |= joins_previous;
            continue;
        }
        match out.last_mut() {
            Some(prev)
                if joins_previous
                    && prev.cells.is_none()
                    && prev.link.is_none()
                    && !clean::ends_sentence(&prev.text) =>
            {
                prev.text.push_str(&b.text);
            }
            _ => out.push(b),
        }
    }
    if let Some(&first) = marked.first() {
        report.dropped(
            first,
            format!(
                "page-break markers ([接上页], [接下页]) on {} line(s), removed; paragraphs cut by them joined",
                marked.len()
            ),
        );
    }
    out
}

/// Paragraphs glued into one line by copying, split again (see
/// [`clean::split_glued_items`]), and task numbers typed with a full stop
/// read as numbers ([`clean::number_full_stop`]); table rows are left as
/// they are.
fn split_glued(blocks: Vec<Block>) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for b in blocks {
        if b.cells.is_some() || b.link.is_some() {
            out.push(b);
            continue;
        }
        let parts = clean::split_glued_items(&b.text);
        if parts.len() == 1 {
            let mut b = b;
            if let Some(fixed) = clean::number_full_stop(&b.text) {
                b.text = fixed;
            }
            out.push(b);
            continue;
        }
        for part in parts {
            let mut piece = b.clone();
            piece.text = clean::number_full_stop(part).unwrap_or_else(|| part.to_string());
            out.push(piece);
        }
    }
    out
}

/// Joins words broken by spaces, and flags redactions.
fn join_spaces(blocks: Vec<Block>, report: &mut Report) -> Vec<Block> {
    let mut joined_lines = Vec::new();
    let out = blocks
        .into_iter()
        .map(|mut b| {
            let (text, n) = clean::join_cjk_spaces(&b.text);
            if n > 0 && b.cells.is_none() {
                joined_lines.push(b.line);
            }
            b.text = text;
            if let Some(cells) = &mut b.cells {
                for c in cells.iter_mut() {
                    *c = c
                        .split('\n')
                        .map(|l| clean::join_cjk_spaces(l).0)
                        .collect::<Vec<_>>()
                        .join("\n");
                }
            }
            if clean::has_redaction(&b.text) {
                report.unsure(
                    b.line,
                    format!("redaction kept as written: {}", chrome::shorten(&b.text)),
                );
            }
            b
        })
        .collect();
    if !joined_lines.is_empty() {
        let shown: Vec<String> = joined_lines
            .iter()
            .take(12)
            .map(|l| l.to_string())
            .collect();
        let more = if joined_lines.len() > 12 { ", …" } else { "" };
        report.dropped(
            *joined_lines.first().unwrap_or(&0),
            format!(
                "spaces inside Chinese text (`风 险`) on {} line(s): {}{more}",
                joined_lines.len(),
                shown.join(", ")
            ),
        );
    }
    out
}

impl Context {
    /// Marks a unit as seen; true the first time in this run, so that a
    /// unit is reported as new once per run, not once per file.
    pub fn first_sighting(&mut self, jurisdiction: &str, name: &str) -> bool {
        self.seen
            .insert((jurisdiction.to_string(), name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_files_are_refused_utf16_text_is_not() {
        // Found by the limit tests: a PNG was imported as a plan titled `IHDR`.
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10";
        let e = input_kind("image.png", png).unwrap_err();
        assert!(e.message.contains("binary file"), "{e}");
        assert_eq!(e.file, Path::new("image.png"));
        assert!(input_kind("a.txt", b"abc\0def").is_err());
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "测试方案\n1.任务。".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        assert_eq!(input_kind("a.txt", &utf16), Ok(InputKind::Text));
    }

    #[test]
    fn paragraphs_cut_by_a_page_break_are_joined() {
        let block = |line: usize, text: &str| Block {
            line,
            text: text.to_string(),
            ..Block::default()
        };
        let blocks = vec![
            block(
                1,
                "(一)严格落实行政执法公示制度。各级行政执法单位要进一步规范",
            ),
            block(2, "[接上页]"),
            block(3, "行政执法公示程序和公示内容。"),
            block(4, "一是强化事前公开。[接下页]"),
            block(5, "二是规范事中公示。"),
        ];
        let mut report = Report::default();
        let texts: Vec<String> = join_page_breaks(blocks, &mut report)
            .into_iter()
            .map(|b| b.text)
            .collect();
        assert_eq!(
            texts,
            [
                "(一)严格落实行政执法公示制度。各级行政执法单位要进一步规范行政执法公示程序和公示内容。",
                "一是强化事前公开。",
                "二是规范事中公示。",
            ]
        );
        assert_eq!(report.dropped.len(), 1);
    }
}
