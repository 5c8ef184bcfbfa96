//! Built-in regular expressions, declared one way: with [`patterns!`].
//!
//! ```text
//! use crate::patterns::patterns;
//!
//! patterns! {
//!     /// `1.` `1、` at the start of a paragraph.
//!     static TASK_NUMBER = r"^(\d{1,9})\s*[.．、]";
//!     /// Anything built from patterns (a list, a pattern made by `format!`).
//!     static NUMBERINGS: Vec<Regex> = vec![regex(r"^第"), regex(r"^\(")];
//! }
//! ```
//!
//! Each pattern is a `LazyLock`, compiled on first use by [`regex`], which
//! panics on a pattern that does not compile. That panic can never reach a
//! user: for every pattern it declares, `patterns!` also declares a unit
//! test (`PATTERN_NAME::compiles`) that compiles it, so a broken built-in
//! pattern fails `cargo test`. A test here also fails if a regex is built
//! anywhere else in `src/` (where nothing would compile it in a test).
//! Patterns built from what a user wrote are not built-in: they would need
//! a [`crate::diagnostics::Diagnostic`], not this.

use regex::Regex;

/// Compiles a built-in pattern (see the module's documentation for why a
/// panic here is acceptable: the pattern's own test compiles it).
pub fn regex(source: &str) -> Regex {
    match Regex::new(source) {
        Ok(re) => re,
        Err(e) => panic!("the built-in pattern {source:?} does not compile: {e}"),
    }
}

/// Declares built-in patterns as `LazyLock` statics, each with a test that
/// compiles it. `static NAME = SOURCE;` is a [`Regex`] from a `&str` or
/// `String` expression; `static NAME: TYPE = INIT;` is any value built with
/// [`regex`] (a list of patterns…).
macro_rules! patterns {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident = $source:expr; $($rest:tt)*) => {
        $crate::patterns::patterns! {
            $(#[$attr])* $vis static $name: ::regex::Regex = $crate::patterns::regex(&$source);
        }
        $crate::patterns::patterns! { $($rest)* }
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $ty:ty = $init:expr; $($rest:tt)*) => {
        $(#[$attr])*
        $vis static $name: ::std::sync::LazyLock<$ty> = ::std::sync::LazyLock::new(|| $init);

        // Named after the pattern, so that its test is too.
        #[cfg(test)]
        #[allow(non_snake_case)]
        $(#[$attr])*
        mod $name {
            #[test]
            fn compiles() {
                ::std::sync::LazyLock::force(&super::$name);
            }
        }

        $crate::patterns::patterns! { $($rest)* }
    };
}

pub(crate) use patterns;

#[cfg(test)]
mod tests {
    use std::path::Path;

    patterns! {
        static PLAIN = r"^(\d+)年";
        static MADE: Vec<regex::Regex> = ["月", "日"].iter().map(|s| super::regex(s)).collect();
    }

    #[test]
    fn declared_patterns_match() {
        assert_eq!(&PLAIN.captures("2025年").unwrap()[1], "2025");
        assert_eq!(MADE.len(), 2);
    }

    #[test]
    #[should_panic(expected = "does not compile")]
    fn a_broken_pattern_panics_in_its_test() {
        super::regex(r"(unclosed");
    }

    /// Every regex in `src/` is declared with `patterns!`, so that a test
    /// compiles it: none is built by hand, none is an `Option` that would
    /// silently never match.
    #[test]
    fn no_regex_is_built_outside_patterns() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(&src).into_iter().flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("patterns.rs") {
                continue;
            }
            let text = std::fs::read_to_string(path).unwrap_or_default();
            for (i, line) in text.lines().enumerate() {
                if line.contains("Regex::new(") || line.contains("Option<Regex>") {
                    found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "declare these with crate::patterns::patterns! instead:\n{}",
            found.join("\n")
        );
    }
}
