//! The deadline parser (`2015年6月底前`, `2021年-2022年`…) and the plan
//! period reader, on arbitrary UTF-8.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planpress::content::deadline::parse_deadlines;
use planpress::content::fields::{deadlines_for, parse_period};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let found = parse_deadlines(text);
    for d in &found {
        // The words are quoted from the text, never made up.
        assert!(
            text.contains(d.text.as_str()),
            "{:?} not in the text",
            d.text
        );
        assert!(!d.text.is_empty());
    }
    // Phrases are found left to right and do not overlap.
    assert!(found.len() <= text.len() / 4 + 1);
    let _ = deadlines_for(None, text);
    let _ = deadlines_for(Some(text), "");
    if let Some(p) = parse_period(text) {
        assert!(p.start <= p.end);
    }
});
