//! The slug maker and the output path check: every slug is a valid URL
//! segment that keeps a page inside the output folder; deduplicated slugs
//! are unique; a path that passes `checked_relative` cannot leave its base.
#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;
use planpress::content::fields::is_valid_slug;
use planpress::output::checked_relative;
use planpress::slug::{dedupe, slugify};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let s = slugify(text);
    assert!(is_valid_slug(&s), "slugify({text:?}) = {s:?}");
    assert!(s.len() <= 100, "slug of {} bytes", s.len());
    assert!(checked_relative(&format!("units/{s}/index.html")).is_ok());

    let mut slugs: Vec<String> = text.lines().take(200).map(slugify).collect();
    dedupe(&mut slugs);
    let unique: std::collections::HashSet<&String> = slugs.iter().collect();
    assert_eq!(unique.len(), slugs.len(), "{slugs:?}");

    if let Ok(p) = checked_relative(text) {
        assert!(p.components().all(|c| matches!(c, Component::Normal(_))));
        let joined = Path::new("/base/out").join(p);
        assert!(joined.starts_with("/base/out") && joined != Path::new("/base/out"));
        assert!(!text.contains('\0') && !text.contains('\\'));
    }
});
