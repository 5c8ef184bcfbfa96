//! The import rules of docs/architecture.md, checked on the source text:
//!
//! 1. Only `build` and `serve` use the HTML renderer (`render::html`,
//!    `Renderer`); everything else reads the model, the indexes, the views
//!    and `urls`.
//! 2. No import cycle among `config`, `model` and the modules of
//!    `content/`. A folder's `mod.rs` may use its own children (it declares
//!    them); every other use is an edge.
//! 3. No function outside tests is over [`MAX_FUNCTION_LINES`] lines
//!    (issue 19 item 5), but the few of [`LONG_FUNCTIONS`].
//! 4. fuzz/Cargo.toml's dev profile is Cargo.toml's: CI's fuzz build reuses
//!    the dependencies `cargo test` built only when their profiles agree (a
//!    difference does not fail anything, it only rebuilds them: minutes of CI).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as (path relative to `src/`, text).
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(src()).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            out.push((rel, std::fs::read_to_string(path).unwrap()));
        }
    }
    out
}

/// A module's unit tests in a file of their own (`x/tests.rs`, declared
/// by `x.rs` as `#[cfg(test)] mod tests;`).
fn is_test_file(rel: &str) -> bool {
    rel.ends_with("/tests.rs") || rel.ends_with("_tests.rs")
}

/// The code of a file: no comment lines (doc examples included), no
/// `mod x;` declarations.
fn code(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("//") || t.starts_with("mod ") || t.starts_with("pub mod "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The code before the file's unit tests.
fn non_test_code(text: &str) -> String {
    let code = code(text);
    match code.find("#[cfg(test)]\nmod tests") {
        Some(i) => code[..i].to_string(),
        None => code,
    }
}

/// Words of `text` that name the HTML renderer.
fn renderer_uses(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for needle in [
        "render::html",
        "super::html",
        "render::pages",
        "super::pages",
        "Renderer",
    ] {
        for (i, _) in text.match_indices(needle) {
            let before = text[..i].chars().next_back();
            let after = text[i + needle.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if !word(before) && !word(after) {
                found.push(needle.to_string());
            }
        }
    }
    found
}

fn may_use_renderer(rel: &str) -> bool {
    rel == "build.rs" || rel == "render/html.rs" || rel.starts_with("serve/")
}

#[test]
fn only_build_and_serve_use_the_html_renderer() {
    let mut offenders = Vec::new();
    let mut allowed_users = 0;
    for (rel, text) in sources(&src()) {
        let uses = renderer_uses(&code(&text));
        if may_use_renderer(&rel) {
            allowed_users += usize::from(!uses.is_empty());
        } else if !uses.is_empty() {
            offenders.push(format!("src/{rel}: {}", uses.join(", ")));
        }
    }
    // The check reads what it should: build and serve do use the renderer.
    assert!(allowed_users >= 3, "the renderer's users were not found");
    assert!(
        offenders.is_empty(),
        "only build and serve may use the HTML renderer (docs/architecture.md); \
         take paths from `urls` and data from `render::Input`:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_rule_sees_a_renderer_import() {
    assert!(!renderer_uses("use crate::render::html::Renderer;").is_empty());
    assert!(!renderer_uses("use super::super::html::{self};").is_empty());
    assert!(renderer_uses("let renderers = 1; use crate::render::views::Views;").is_empty());
}

/// The modules of the rule: `config`, `model`, `content` and
/// `content::x` for each file of `src/content/`, with their non-test code.
fn modules() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for name in ["config", "model"] {
        let text = std::fs::read_to_string(src().join(format!("{name}.rs"))).unwrap();
        out.insert(name.to_string(), non_test_code(&text));
    }
    for (rel, text) in sources(&src().join("content")) {
        if is_test_file(&rel) {
            continue;
        }
        let name = rel.trim_start_matches("content/").trim_end_matches(".rs");
        // A module's own children (`annotations/labels.rs`) are parts of it.
        let name = name.split('/').next().unwrap_or(name);
        let module = match name {
            "mod" => "content".to_string(),
            child => format!("content::{child}"),
        };
        let code: &mut String = out.entry(module).or_default();
        code.push_str(&non_test_code(&text));
        code.push('\n');
    }
    out
}

/// The identifiers right after `prefix`: `prefix::name` or each name of
/// `prefix::{a, b::c}` (first segments only).
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, _) in text.match_indices(prefix) {
        let rest = &text[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut at_segment_start = true;
            let mut word = String::new();
            for c in group.chars() {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                    continue;
                }
                if !word.is_empty() && at_segment_start && depth == 1 {
                    names.insert(std::mem::take(&mut word));
                }
                word.clear();
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' => at_segment_start = true,
                    ':' => at_segment_start = false,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        } else {
            let word: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !word.is_empty() {
                names.insert(word);
            }
        }
    }
    names
}

/// Edges `module -> module it uses`, by the rule above.
fn edges(modules: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let children: BTreeSet<String> = modules
        .keys()
        .filter_map(|m| m.strip_prefix("content::").map(str::to_string))
        .collect();
    let in_content = |name: &str| match children.contains(name) {
        true => format!("content::{name}"),
        false => "content".to_string(),
    };
    let mut out = BTreeMap::new();
    for (module, text) in modules {
        let mut uses = BTreeSet::new();
        for name in names_after(text, "crate::") {
            if name == "config" || name == "model" {
                uses.insert(name);
            }
        }
        // `crate::content::x`: the child `x`, or an item of content/mod.rs.
        for name in names_after(text, "crate::content::") {
            uses.insert(in_content(&name));
        }
        let bare = text
            .match_indices("crate::content")
            .any(|(i, m)| !text[i + m.len()..].starts_with("::"));
        if bare {
            uses.insert("content".to_string());
        }
        if module.starts_with("content::") {
            for name in names_after(text, "super::") {
                uses.insert(in_content(&name));
            }
        }
        // A folder's mod.rs may use its children: they are its parts.
        if module == "content" {
            uses.retain(|u| !u.starts_with("content::"));
        }
        uses.remove(module);
        out.insert(module.clone(), uses);
    }
    out
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct State<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<BTreeSet<String>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.graph.contains_key(w) {
                continue;
            }
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = BTreeSet::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// Cycles inside `content/` that predate the rule (each a group of modules
/// that reach each other), to be removed by moving what they share into
/// one of them or a new leaf module: the test fails when another appears,
/// and when one of these changes or is gone (then update it here).
const KNOWN_CYCLES: &[&[&str]] = &[
    &["content::annotations", "content::grammar"],
    &["content::markdown", "content::units", "content::yaml"],
];

#[test]
fn config_model_and_content_have_no_import_cycle() {
    let graph = edges(&modules());
    // The reading works: edges that must be there are.
    for (from, to) in [("content::markdown", "model"), ("content", "config")] {
        assert!(
            graph[from].contains(to),
            "{from} -> {to} not seen: {graph:?}"
        );
    }
    // The three parts, each folder taken whole: content uses config and
    // model, model uses config, config uses neither.
    let mut whole: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let top = |m: &str| m.split("::").next().unwrap_or(m).to_string();
    for (from, to) in &graph {
        let entry = whole.entry(top(from)).or_default();
        entry.extend(to.iter().map(|t| top(t)).filter(|t| *t != top(from)));
    }
    assert_eq!(
        cycles(&whole),
        Vec::<BTreeSet<String>>::new(),
        "config, model and content use each other in a circle: {whole:?}"
    );
    let known: BTreeSet<BTreeSet<String>> = KNOWN_CYCLES
        .iter()
        .map(|c| c.iter().map(|m| m.to_string()).collect())
        .collect();
    let found: BTreeSet<BTreeSet<String>> = cycles(&graph).into_iter().collect();
    let new: Vec<_> = found.difference(&known).collect();
    assert!(
        new.is_empty(),
        "import cycles among the modules of content/, config and model \
         (docs/architecture.md): {new:?}\nedges: {graph:#?}"
    );
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "these cycles are gone: remove them from KNOWN_CYCLES: {gone:?}"
    );
}

#[test]
fn the_cycle_finder_finds_cycles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    let found = cycles(&graph);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].len(), 3);
    let names = names_after(
        "use crate::{config::SiteConfig, model::{Site, Ids}};",
        "crate::",
    );
    assert_eq!(names, ["config", "model"].map(String::from).into());
}

/// The longest a function of `src/` may be, signature to closing brace.
const MAX_FUNCTION_LINES: usize = 80;

/// Functions allowed to be longer, as `file: name`, each with why.
/// None today: a function that must stay long is named here with a reason.
const LONG_FUNCTIONS: &[&str] = &[];

/// The functions of a rustfmt-formatted file outside its tests, as (name,
/// first line, lines): a function ends at the first `}` at its own
/// indentation. Tests are a `#[cfg(test)]` module, a `tests.rs` file or a
/// `#[cfg(test)]` function.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut test_attribute = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            test_attribute = true;
            i += 1;
            continue;
        }
        let after_test = std::mem::take(&mut test_attribute);
        if after_test && t.starts_with("mod tests {") {
            break;
        }
        let Some(name) = fn_name(t) else {
            if t.starts_with("#[") {
                test_attribute = after_test;
            }
            i += 1;
            continue;
        };
        let indent = &line[..line.len() - t.len()];
        let close = format!("{indent}}}");
        // A declaration without a body ends with `;` before any `{`.
        let body = lines[i..]
            .iter()
            .position(|l| l.contains('{') || l.trim_end().ends_with(';'));
        let has_body = body.is_some_and(|b| lines[i + b].contains('{'));
        let end = lines[i..]
            .iter()
            .position(|l| l.trim_end() == close || (l.trim_end().ends_with('}') && *l == line));
        match (has_body, end) {
            (true, Some(len)) => {
                if !after_test {
                    found.push((name, i + 1, len + 1));
                }
                // Nested functions are measured too: carry on inside.
                i += 1;
            }
            _ => i += 1,
        }
    }
    found
}

/// The name of the function a line declares, if it does.
fn fn_name(t: &str) -> Option<String> {
    let mut rest = t;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
        "extern \"C\" ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn no_function_is_over_80_lines() {
    let mut long = Vec::new();
    for (rel, text) in sources(&src()) {
        if is_test_file(&rel) {
            continue;
        }
        for (name, line, len) in functions(&text) {
            let key = format!("{rel}: {name}");
            if len > MAX_FUNCTION_LINES && !LONG_FUNCTIONS.contains(&key.as_str()) {
                long.push(format!("{key} (line {line}) is {len} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_FUNCTION_LINES} lines (issue 19 item 5): split them \
         by what they do, or justify them in LONG_FUNCTIONS:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_function_measure_finds_functions_and_skips_tests() {
    let text = "fn a() {\n    1\n}\n\npub(crate) fn b(\n    x: u8,\n) -> u8 {\n    x\n}\n\
                trait T {\n    fn c(&self);\n    fn d(&self) {}\n}\n\
                #[cfg(test)]\nfn helper() {\n}\n\
                #[cfg(test)]\nmod tests {\n    fn e() {\n    }\n}\n";
    let found = functions(text);
    let found: Vec<_> = found.iter().map(|(n, _, l)| (n.as_str(), *l)).collect();
    assert_eq!(found, [("a", 3), ("b", 5), ("d", 1)]);
}

/// The `[profile.dev…]` sections of a manifest, each with its settings
/// (comments and blank lines left out).
fn dev_profiles(manifest: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            current = line.starts_with("[profile.dev").then(|| line.to_string());
            if let Some(name) = &current {
                out.insert(name.clone(), Vec::new());
            }
            continue;
        }
        let Some(name) = &current else { continue };
        if !line.is_empty() && !line.starts_with('#') {
            out.get_mut(name).unwrap().push(line.to_string());
        }
    }
    out
}

#[test]
fn the_fuzz_crates_dev_profile_mirrors_the_main_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
    let main = dev_profiles(&read("Cargo.toml"));
    let fuzz = dev_profiles(&read("fuzz/Cargo.toml"));
    assert!(main.len() >= 5, "the parser found no profiles: {main:?}");
    for (name, settings) in &main {
        assert_eq!(
            fuzz.get(name),
            Some(settings),
            "fuzz/Cargo.toml's {name} differs from Cargo.toml's: make them the same"
        );
    }
    // The fuzz crate may add sections for its own packages only.
    for name in fuzz.keys().filter(|n| !main.contains_key(*n)) {
        assert!(
            name.starts_with("[profile.dev.package.planpress"),
            "fuzz/Cargo.toml has {name}, which Cargo.toml does not"
        );
    }
}
