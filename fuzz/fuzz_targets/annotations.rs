//! The task and unit extractor: `Extractor::extract` on a run of tasks (so
//! that a `下同` rule carries from one to the next) and `split_units` on the
//! whole input. The first line lists registry names (`|`-separated) that must
//! stay whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planpress::content::annotations::{Extractor, split_units};

fn check_names(names: &[String]) {
    let mut seen = std::collections::HashSet::new();
    for n in names {
        assert!(!n.is_empty(), "an empty unit name");
        assert!(seen.insert(n), "`{n}` listed twice");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (known, body) = text.split_once('\n').unwrap_or(("", text));
    let known: Vec<String> = known.split('|').map(str::to_string).collect();
    let mut extractor = Extractor::with_known(known.clone());
    for task in body.split("\n\n") {
        let a = extractor.extract(task);
        check_names(&a.lead);
        check_names(&a.responsible);
        check_names(&a.participating);
        check_names(&a.officials);
        // Cutting annotations out never makes the text longer than the
        // task (a dangling `,` may become `。`, three bytes for one).
        assert!(a.text.len() <= task.len() * 3 + 3);
    }
    check_names(&split_units(body, &known));
});
