//! One error vocabulary for every stage: a [`Diagnostic`] names the file, the
//! line and column, what is wrong and what to do about it.
//!
//! Every failure a user sees is one: content and theme errors, and those of
//! `import`, `serve` and publishing the output. A failure that concerns no
//! file (a port that is taken) is a [`Diagnostic::general`] one.

use std::io::Write;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, DisplayStyle};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A problem found in the site's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path as the user should see it (relative to the site root where possible).
    pub file: PathBuf,
    /// 1-based; 0 when the problem is about the file as a whole.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub severity: Severity,
    pub message: String,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file.into(), line, message.into())
    }

    pub fn warning(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file.into(), line, message.into())
    }

    /// An error about no file in particular (the network, a port, the
    /// system), shown as `error: message`.
    pub fn general(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, PathBuf::new(), 0, message.into())
    }

    fn new(severity: Severity, file: PathBuf, line: usize, message: String) -> Self {
        Diagnostic {
            file,
            line,
            column: 1,
            severity,
            message,
            hint: None,
        }
    }

    pub fn at_column(mut self, column: usize) -> Self {
        self.column = column.max(1);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether it names a file (see [`Diagnostic::general`]).
    pub fn has_file(&self) -> bool {
        !self.file.as_os_str().is_empty()
    }
}

impl std::error::Error for Diagnostic {}

impl std::fmt::Display for Diagnostic {
    /// `file:line:col: error: message`, the line rustc and most editors understand.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.has_file() {
            write!(
                f,
                "{}:{}:{}: ",
                self.file.display(),
                self.line.max(1),
                self.column
            )?;
        }
        write!(f, "{severity}: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, line and column so that output is deterministic
/// whatever order the parallel loaders finished in.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.severity, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
    });
}

/// Prints diagnostics in rustc's condensed form (`file:line:col: error: message`
/// and `= hint: …`), in colour on a terminal.
///
/// `root` is where the files are read from to place the column; a file that
/// cannot be read is printed without a source position check.
pub fn emit(diagnostics: &[Diagnostic], root: &Path, color: bool) {
    let choice = if color {
        term::termcolor::ColorChoice::Auto
    } else {
        term::termcolor::ColorChoice::Never
    };
    let writer = term::termcolor::StandardStream::stderr(choice);
    let config = Config {
        display_style: DisplayStyle::Medium,
        ..Config::default()
    };
    // One file's text is held at a time: a big site can have thousands of
    // warnings in thousands of files. Diagnostics come sorted by file, so
    // each file is read once (more often only if they are not).
    let mut current: Option<(&Path, SimpleFile<String, String>)> = None;
    let mut lock = writer.lock();
    for d in diagnostics {
        if !d.has_file() {
            let _ = writeln!(lock, "{d}");
            continue;
        }
        let file = match &mut current {
            Some((path, file)) if *path == d.file.as_path() => &*file,
            slot => {
                let source = std::fs::read_to_string(root.join(&d.file)).unwrap_or_default();
                let name = d.file.display().to_string();
                &slot
                    .insert((d.file.as_path(), SimpleFile::new(name, source)))
                    .1
            }
        };
        let source = file.source().as_str();
        let Some(offset) = byte_offset(source, d.line, d.column) else {
            // The position is not in the file (it changed, or is unreadable):
            // print the plain form rather than a wrong snippet.
            let _ = writeln!(lock, "{d}");
            continue;
        };
        let severity = match d.severity {
            Severity::Error => codespan_reporting::diagnostic::Severity::Error,
            Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        };
        let diagnostic = CsDiagnostic::new(severity)
            .with_message(&d.message)
            .with_labels(vec![Label::primary((), offset..offset)])
            .with_notes(d.hint.iter().map(|h| format!("hint: {h}")).collect());
        if term::emit_to_write_style(&mut lock, &config, file, &diagnostic).is_err() {
            let _ = writeln!(lock, "{d}");
        }
    }
}

/// Byte offset of a 1-based line and character column, if the file has them.
fn byte_offset(source: &str, line: usize, column: usize) -> Option<usize> {
    let line = line.max(1);
    let mut start = 0;
    for _ in 1..line {
        start += source[start..].find('\n')? + 1;
    }
    let rest = &source[start..];
    let line_text = rest.split('\n').next().unwrap_or("");
    let col_bytes = line_text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map(|(i, _)| i)
        .unwrap_or(line_text.len());
    Some(start + col_bytes)
}

/// Turns a serde_yaml error into a diagnostic; `line_offset` is added to the
/// line (for front matter that starts below the top of its file).
pub fn yaml_error(
    file: impl Into<PathBuf>,
    e: &serde_yaml::Error,
    line_offset: usize,
) -> Diagnostic {
    let (line, column) = e
        .location()
        .map(|l| (l.line() + line_offset, l.column()))
        .unwrap_or((line_offset.max(1), 1));
    let message = e.to_string();
    // serde_yaml appends " at line L column C"; the position is in the header.
    let message = match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    let hint = if message.contains("unknown field") {
        "check the spelling: the accepted fields are listed in README.md (Content format)"
    } else if message.contains("premature end of input")
        || message.contains("input contains invalid characters")
    {
        "dates are written YYYY-MM-DD, e.g. 2017-07-19"
    } else if message.contains("recursion limit exceeded") {
        "the YAML nests too deeply: sections nest at most five levels; check the indentation and brackets"
    } else if message.contains("missing field") {
        "add the field; README.md (Content format) lists what each document needs"
    } else {
        "fix the YAML syntax here (indentation, a missing `:`, or a value that needs quotes)"
    };
    Diagnostic::error(file, line, message)
        .at_column(column)
        .with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_file_line_col_severity_message() {
        let d = Diagnostic::error("content/a.md", 12, "task 3 is numbered twice")
            .at_column(4)
            .with_hint("renumber one of them");
        assert_eq!(
            d.to_string(),
            "content/a.md:12:4: error: task 3 is numbered twice\n  = hint: renumber one of them"
        );
    }

    #[test]
    fn a_general_error_names_no_position() {
        let d = Diagnostic::general("ports 8000 to 8020 are all taken").with_hint("choose another");
        assert_eq!(
            d.to_string(),
            "error: ports 8000 to 8020 are all taken\n  = hint: choose another"
        );
    }

    #[test]
    fn byte_offset_counts_characters_not_bytes() {
        let src = "第一行\n第二行内容\n";
        assert_eq!(byte_offset(src, 2, 3), Some("第一行\n第二".len()));
        assert_eq!(byte_offset(src, 9, 1), None);
    }
}
