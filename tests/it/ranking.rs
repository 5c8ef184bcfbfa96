//! Search ranking against hand-made expectations: the cases of
//! `tests/search-ranking.json`, which `tests/browser/ranking.spec.mjs` runs
//! against the search page too, so the Rust query (`search::query`) and
//! `search.js` are held to the same table.

use crate::common;

use std::collections::BTreeSet;

use common::{example_index, repo};
use planpress::search::query::{Filters, search};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    query: String,
    why: String,
    /// The first results, in any order.
    #[serde(default)]
    top: Vec<String>,
    /// Pairs `[higher, lower]`.
    #[serde(default)]
    above: Vec<(String, String)>,
    /// Another query whose results, in order, these must be.
    same_as: Option<String>,
    known_failure: Option<String>,
}

fn fixture() -> Fixture {
    let path = repo().join("tests/search-ranking.json");
    let text = std::fs::read_to_string(&path).expect("tests/search-ranking.json");
    serde_json::from_str(&text).expect("tests/search-ranking.json is a fixture")
}

/// What of `case` does not hold of `ranked` (result paths, best first).
fn unmet(case: &Case, ranked: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let at = |p: &str| ranked.iter().position(|r| r == p);
    if !case.top.is_empty() {
        let want: BTreeSet<&str> = case.top.iter().map(String::as_str).collect();
        let got: BTreeSet<&str> = ranked.iter().take(want.len()).map(String::as_str).collect();
        if want != got {
            out.push(format!("top {}: {got:?}, expected {want:?}", want.len()));
        }
    }
    for (hi, lo) in &case.above {
        match (at(hi), at(lo)) {
            (Some(h), Some(l)) if h < l => {}
            (h, l) => out.push(format!("{hi} (at {h:?}) above {lo} (at {l:?})")),
        }
    }
    out
}

#[test]
fn ranking_meets_the_hand_made_expectations() {
    let fixture = fixture();
    assert!(fixture.cases.len() >= 6, "the fixture has its cases");
    let (site, files) = example_index();
    // Every task the fixture names exists, so no expectation is vacuous.
    let tasks: BTreeSet<String> = site
        .plans
        .iter()
        .flat_map(|p| {
            p.tasks
                .iter()
                .map(move |t| format!("plans/{}/#{}", p.slug, t.anchor()))
        })
        .collect();
    let fetch = |p: &str| files.get(p).cloned();
    let mut problems = Vec::new();
    for case in &fixture.cases {
        assert!(!case.why.is_empty(), "{}: says why", case.query);
        assert!(
            !case.top.is_empty() || !case.above.is_empty() || case.same_as.is_some(),
            "{}: expects something",
            case.query
        );
        let named = case
            .top
            .iter()
            .chain(case.above.iter().flat_map(|(a, b)| [a, b]));
        for p in named {
            assert!(
                tasks.contains(p),
                "{}: {p} is a task of the site",
                case.query
            );
        }
        let r = search(&fetch, &case.query, &Filters::default(), usize::MAX)
            .unwrap_or_else(|e| panic!("{}: {e}", case.query));
        let ranked: Vec<String> = r.hits.iter().map(|h| h.path.clone()).collect();
        let mut unmet = unmet(case, &ranked);
        if let Some(other) = &case.same_as {
            let r = search(&fetch, other, &Filters::default(), usize::MAX)
                .unwrap_or_else(|e| panic!("{other}: {e}"));
            let theirs: Vec<String> = r.hits.iter().map(|h| h.path.clone()).collect();
            if theirs != ranked || ranked.is_empty() {
                unmet.push(format!(
                    "not the results of {other}: {ranked:?} / {theirs:?}"
                ));
            }
        }
        match (&case.known_failure, unmet.is_empty()) {
            (None, false) => problems.push(format!("{}: {}", case.query, unmet.join("; "))),
            (Some(known), true) => problems.push(format!(
                "{}: marked as a known failure ({known}) but holds now: remove the mark",
                case.query
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_top_and_an_above_can_fail() {
    let case = Case {
        query: String::new(),
        why: String::new(),
        top: vec!["a".into(), "b".into()],
        above: vec![("b".into(), "c".into())],
        same_as: None,
        known_failure: None,
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(unmet(&case, &s(&["b", "a", "c"])).is_empty());
    assert_eq!(unmet(&case, &s(&["a", "c", "b"])).len(), 2);
    assert_eq!(unmet(&case, &s(&["a", "b"])).len(), 1, "a missing lower");
}
