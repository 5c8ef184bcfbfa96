//! The importer on arbitrary bytes: the first byte picks how the input is
//! named (.txt, .html, .docx, no extension), the rest is the file. Whatever
//! it writes must be file names inside the output folder.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use planpress::import::{Context, Options, convert};
use planpress::output::checked_relative;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = ["plan.txt", "page.html", "doc.docx", "noext"][usize::from(pick % 4)];
    let opts = Options {
        out: PathBuf::from("/nonexistent/planpress-fuzz/content"),
        format: None,
        jurisdiction: (pick & 4 != 0).then(|| "黄石市下陆区".to_string()),
        force: false,
        review: None,
    };
    let mut ctx = Context::default();
    if let Ok(imported) = convert(name, bytes, &opts, &mut ctx) {
        for (file, _) in &imported.files {
            assert!(checked_relative(file).is_ok(), "unsafe file name {file:?}");
            assert!(!file.contains('/'), "{file:?}");
        }
    }
});
