//! Markdown content files: front matter, fields, the body reader
//! (`parse_body`: headings, tasks, continuations) and the deadline parser it
//! calls, on arbitrary UTF-8.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use planpress::content::markdown::{load, parse_body};
use planpress::content::units::Registry;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let registry = Registry::default();
    let loaded = load(Path::new("content/f.md"), text, &registry);
    // YAML counts a lone `\r` as a line break, as old Mac files have them.
    let lines = text.split(['\n', '\r']).count().max(1) + 1;
    for d in &loaded.diagnostics {
        assert!(d.line <= lines, "diagnostic past the end: {d}");
    }
    // The body alone, as the importer feeds it, with registry names taken
    // from the first line.
    let (known, body) = text.split_once('\n').unwrap_or(("", text));
    let known: Vec<String> = known.split('|').map(str::to_string).collect();
    let mut diagnostics = Vec::new();
    let parsed = parse_body(Path::new("f.md"), body, 1, &known, &mut diagnostics);
    for t in &parsed.tasks {
        assert!(
            t.line >= 1 && t.line <= lines,
            "task line {} of {lines}",
            t.line
        );
        assert!(!t.number.is_empty());
    }
});
