//! The responsibility grammar: clauses without a label, every label in any
//! bracket, traditional characters and table cells. The input is read as
//! tasks separated by blank lines; each must give non-empty names, each
//! once, and the probes (`carries_annotation`, `is_annotation_only`) must
//! agree with what `extract` finds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planpress::content::annotations::Extractor;
use planpress::content::grammar::{Role, fold};

fn check_names(names: &[String]) {
    let mut seen = std::collections::HashSet::new();
    for n in names {
        assert!(!n.trim().is_empty(), "an empty unit name");
        assert!(seen.insert(n), "`{n}` listed twice");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut extractor = Extractor::new();
    for task in text.split("\n\n") {
        let carries = extractor.carries_annotation(task);
        let only = extractor.is_annotation_only(task);
        assert!(
            !only || carries,
            "annotation only but none carried: {task:?}"
        );
        let a = extractor.extract(task);
        for names in [&a.lead, &a.responsible, &a.participating, &a.officials] {
            check_names(names);
        }
        let named = !(a.lead.is_empty()
            && a.responsible.is_empty()
            && a.participating.is_empty()
            && a.officials.is_empty());
        // The lead rule only moves names between roles.
        assert_eq!(carries, named, "{task:?}");
        assert!(a.text.len() <= task.len() * 3 + 3);
        // Folding never loses the text's line structure.
        assert_eq!(fold(task).lines().count(), task.lines().count());
        let cell = extractor.read_cell(task, Role::Responsible);
        check_names(&cell.lead);
        check_names(&cell.responsible);
        check_names(&cell.participating);
    }
});
