//! The theme's words: every word a reader sees, one file per language
//! (`words/LANG.yaml` in the theme; site.yaml's `language` picks it).
//! Templates read them as `w` (`{{ w.nav.home }}`); planpress reads those it
//! writes itself (page titles, CSV column names, the calendar's name) into
//! [`ThemeStrings`] through the same keys. A key that a template or
//! planpress uses and the file lacks is an error when the theme is loaded,
//! naming the file and the key: a page never shows an empty word.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// The variable templates read the words from.
pub const VARIABLE: &str = "w";

/// The words of one language.
pub struct Words {
    /// The file, as messages name it.
    pub file: PathBuf,
    /// The whole file, as templates see it.
    pub value: tera::Value,
    /// Every key, groups too (`nav` and `nav.home`).
    keys: BTreeMap<String, Word>,
}

/// What a key holds.
#[derive(Debug)]
enum Word {
    Group,
    Text(String),
    /// Words in order (the CSV column names).
    List(Vec<String>),
}

impl Words {
    /// Reads a words file: groups of keys whose words are text or lists of
    /// text.
    pub fn parse(file: PathBuf, text: &str) -> Result<Words, Diagnostic> {
        let yaml: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| crate::diagnostics::yaml_error(&file, &e, 0))?;
        let mut keys = BTreeMap::new();
        match &yaml {
            serde_yaml::Value::Mapping(map) => {
                collect(map, "", &mut keys).map_err(|key| not_text(&file, text, &key))?
            }
            serde_yaml::Value::Null => {}
            _ => {
                return Err(Diagnostic::error(&file, 1, "a words file is a list of `key: word` lines")
                    .with_hint("group keys under names (`nav:` then `  home: 首页`), as the built-in theme's words/zh-CN.yaml does"));
            }
        }
        Ok(Words {
            value: tera::Value::from_serializable(&yaml),
            file,
            keys,
        })
    }

    /// The text at `key` (`titles.plans`).
    pub fn text(&self, key: &str) -> Result<&str, Diagnostic> {
        match self.keys.get(key) {
            Some(Word::Text(t)) => Ok(t),
            _ => Err(self.missing(key, "planpress writes it into the site", "text")),
        }
    }

    /// The list at `key`.
    pub fn list(&self, key: &str) -> Result<&[String], Diagnostic> {
        match self.keys.get(key) {
            Some(Word::List(l)) => Ok(l),
            _ => Err(self.missing(key, "planpress writes it into the site", "a list")),
        }
    }

    /// The edition's name in its own words, for the switcher between
    /// editions: read only when the site has more than one.
    pub fn edition_name(&self) -> Result<&str, Diagnostic> {
        self.text("edition.name")
    }

    /// The `toolbar` group as a script that `static/a11y.js` loads:
    /// `window.planpressToolbarWords = {"said_on": "…", …};`, keys in order.
    pub fn toolbar_script(&self) -> Vec<u8> {
        let words: BTreeMap<&str, &str> = self
            .keys
            .iter()
            .filter_map(|(key, word)| match word {
                Word::Text(t) => Some((key.strip_prefix("toolbar.")?, t.as_str())),
                _ => None,
            })
            .collect();
        // A map of strings always serializes.
        let json = serde_json::to_string(&words).unwrap_or_else(|_| "{}".to_string());
        format!(
            "/* made by planpress from the theme's words/{}: what a11y.js says */\nwindow.planpressToolbarWords = {json};\n",
            self.file_name()
        )
        .into_bytes()
    }

    /// Whether the file has `key`, a word or a group.
    pub fn has(&self, key: &str) -> bool {
        self.keys.contains_key(key)
    }

    /// Every key that holds a word (not a group), in order.
    pub fn word_keys(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .filter(|(_, w)| !matches!(w, Word::Group))
            .map(|(k, _)| k.as_str())
    }

    fn missing(&self, key: &str, used: &str, what: &str) -> Diagnostic {
        let name = self.file_name();
        Diagnostic::error(&self.file, 0, format!("no word `{key}` in {name}: {used}"))
            .with_hint(format!("add `{key}` ({what}) to {name}; every language file of the theme has the keys of the built-in theme's words/zh-CN.yaml"))
    }

    fn file_name(&self) -> String {
        self.file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// An error for each word a template reads (`w.nav.home`) that the file
    /// lacks, naming the key and where the template reads it.
    pub fn check_templates(
        &self,
        templates: &[(String, String)],
        sources: &BTreeMap<String, PathBuf>,
    ) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (name, text) in templates {
            for (key, line) in template_keys(text) {
                if !self.has(&key) {
                    let at = sources.get(name).map_or(Path::new(name), |p| p.as_path());
                    let used = format!("{} reads it on line {line}", at.display());
                    out.push(self.missing(&key, &used, "text"));
                }
            }
        }
        out
    }
}

impl Words {
    /// `text` with each plain `{{ w.key }}` replaced by its word (escaped
    /// when the template's output is), as if the template had it written
    /// out: a page prints a hundred words, twice, and a lookup costs a walk
    /// through the template's scopes and two maps (a fifth of a 300-plan
    /// build's instructions). Words in expressions (`w.x | replace(…)`)
    /// stay lookups: components that use them declare `@w`.
    pub fn inline<'t>(&self, text: &'t str, escape: bool) -> Cow<'t, str> {
        PLAIN.replace_all(text, |c: &regex::Captures| {
            let whole = c.get(0).map_or("", |m| m.as_str());
            let word = c
                .get(1)
                .and_then(|key| match self.keys.get(&key.as_str()[1..]) {
                    Some(Word::Text(t)) => Some(t),
                    _ => None,
                })
                .map(|t| if escape { super::escape(t) } else { t.clone() });
            word.unwrap_or_else(|| whole.to_string())
        })
    }
}

/// Collects the keys of `map` under `prefix`; a key whose value is not text,
/// a list of text or a group is returned as the error.
fn collect(
    map: &serde_yaml::Mapping,
    prefix: &str,
    keys: &mut BTreeMap<String, Word>,
) -> Result<(), String> {
    for (k, v) in map {
        let name = match k {
            serde_yaml::Value::String(s) => s.clone(),
            other => serde_yaml::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        let key = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}.{name}")
        };
        let word = match v {
            serde_yaml::Value::String(s) if !reads_as_template(s) => Word::Text(s.clone()),
            serde_yaml::Value::Mapping(m) => {
                collect(m, &key, keys)?;
                Word::Group
            }
            serde_yaml::Value::Sequence(items) => Word::List(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string).ok_or_else(|| key.clone()))
                    .collect::<Result<_, _>>()?,
            ),
            _ => return Err(key),
        };
        keys.insert(key, word);
    }
    Ok(())
}

/// Whether a word holds what templates read as a tag (`{{`, `{%`, `{#`):
/// words are written into the templates (see [`Words::inline`]).
fn reads_as_template(word: &str) -> bool {
    ["{{", "{%", "{#"].iter().any(|s| word.contains(s))
}

fn not_text(file: &Path, text: &str, key: &str) -> Diagnostic {
    let last = key.rsplit('.').next().unwrap_or(key);
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with(&format!("{last}:")))
        .map_or(0, |i| i + 1);
    Diagnostic::error(file, line, format!("the word `{key}` is not text"))
        .with_hint("put it in quotes (`site_code: \"0000\"`): a word is text, a list of text, or a group of keys; it holds no `{{`, `{%` or `{#`, which templates read as tags")
}

crate::patterns::patterns! {
    /// A Tera tag, `{{ … }}` or `{% … %}`.
    static TAG = r"(?s)\{[{%].*?[}%]\}";
    /// A word's key inside a tag: `w.group.key`.
    static KEY = r"(?:^|[^\w.])w((?:\.\w+)+)";
    /// A plain word printed by a template, `{{ w.group.key }}`.
    static PLAIN = r"\{\{ w((?:\.\w+)+) \}\}";
}

/// The words a template reads, `w.group.key`, with the line of each: only
/// inside `{{ }}` and `{% %}` tags, so that text like `www.gov.cn` is not one.
pub fn template_keys(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for tag in TAG.find_iter(text) {
        for m in KEY.captures_iter(tag.as_str()) {
            let Some(path) = m.get(1) else { continue };
            let at = tag.start() + path.start();
            let line = text[..at].matches('\n').count() + 1;
            out.push((path.as_str()[1..].to_string(), line));
        }
    }
    out
}

/// Words planpress writes itself, read once when the theme is loaded.
#[derive(Debug, Clone)]
pub struct ThemeStrings {
    /// The CSV files' column names.
    pub csv_headers: Vec<String>,
    /// A unit's role in a task, in its CSV file: 牵头, 责任, 参与.
    pub role_lead: String,
    pub role_responsible: String,
    pub role_participating: String,
    /// After a unit's name: its calendar's name.
    pub calendar_suffix: String,
    /// After a document's title: its QR code's label.
    pub qr_label: String,
    pub titles: Titles,
}

/// The titles of the pages that planpress names (in the title and the
/// breadcrumbs).
#[derive(Debug, Clone)]
pub struct Titles {
    pub plans: String,
    pub units: String,
    pub topics: String,
    pub jurisdictions: String,
    pub search: String,
    pub not_found: String,
}

impl ThemeStrings {
    /// Reads the words planpress writes; an error for each one missing.
    pub fn from_words(words: &Words) -> Result<ThemeStrings, Vec<Diagnostic>> {
        let mut errors = Vec::new();
        let mut text = |key: &str| {
            words.text(key).map(str::to_string).unwrap_or_else(|e| {
                errors.push(e);
                String::new()
            })
        };
        let titles = Titles {
            plans: text("titles.plans"),
            units: text("titles.units"),
            topics: text("titles.topics"),
            jurisdictions: text("titles.jurisdictions"),
            search: text("titles.search"),
            not_found: text("titles.not_found"),
        };
        let mut strings = ThemeStrings {
            csv_headers: Vec::new(),
            role_lead: text("data_files.role_lead"),
            role_responsible: text("data_files.role_responsible"),
            role_participating: text("data_files.role_participating"),
            calendar_suffix: text("data_files.calendar_suffix"),
            qr_label: text("data_files.qr_label"),
            titles,
        };
        match words.list("data_files.csv_headers") {
            Ok(list) => strings.csv_headers = list.to_vec(),
            Err(e) => errors.push(e),
        }
        if errors.is_empty() {
            Ok(strings)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_inside_tags_only() {
        let text = "<a href=\"http://www.gov.cn\">w.nav.home</a>\n{{ w.nav.home }}{% if x %}{{ <c a={w.punct.colon ~ y.w.z} /> }}{% endif %}";
        let keys = template_keys(text);
        assert_eq!(
            keys,
            [("nav.home".to_string(), 2), ("punct.colon".to_string(), 2)]
        );
    }

    /// The built-in theme's words and the keys its templates read.
    fn built_in() -> (Words, Vec<(String, String)>) {
        let mut words = None;
        let mut templates = Vec::new();
        for (path, data) in crate::render::theme::built_in_files() {
            let text = String::from_utf8_lossy(&data).into_owned();
            if path == "words/zh-CN.yaml" {
                words = Some(Words::parse(path.into(), &text).unwrap());
            } else if let Some(name) = path.strip_prefix("templates/") {
                templates.push((name.to_string(), text));
            }
        }
        (words.unwrap(), templates)
    }

    #[test]
    fn the_built_in_words_have_every_key_the_theme_and_planpress_use() {
        let (words, templates) = built_in();
        let missing = words.check_templates(&templates, &BTreeMap::new());
        assert!(missing.is_empty(), "{missing:?}");
        assert!(ThemeStrings::from_words(&words).is_ok());
    }

    #[test]
    fn every_built_in_word_is_used() {
        let (words, templates) = built_in();
        let used: std::collections::BTreeSet<String> = templates
            .iter()
            .flat_map(|(_, t)| template_keys(t))
            .map(|(k, _)| k)
            .collect();
        // What planpress reads, it reads by these literal keys.
        let rust = include_str!("words.rs");
        // What static/a11y.js says, it reads from static/a11y.LANG.js (the `toolbar`
        // group) by name: `toolbar.said_size_reset` as 'size-reset'.
        let script = crate::render::theme::built_in_files()
            .find(|(path, _)| path == "static/a11y.js")
            .map(|(_, data)| String::from_utf8_lossy(&data).into_owned())
            .unwrap();
        let said = |k: &str| {
            k.strip_prefix("toolbar.")
                .map(|n| n.strip_prefix("said_").unwrap_or(n).replace('_', "-"))
                .is_some_and(|n| script.contains(&format!("'{n}'")))
        };
        let unused: Vec<&str> = words
            .word_keys()
            .filter(|k| !used.contains(*k) && !said(k))
            .filter(|k| !rust.contains(&format!("text(\"{k}\")")))
            .filter(|k| *k != "data_files.csv_headers")
            .collect();
        assert!(
            unused.is_empty(),
            "words no template or planpress reads: {unused:?}"
        );
    }

    #[test]
    fn the_toolbar_script_holds_the_toolbar_group_as_json() {
        let (words, _) = built_in();
        let script = String::from_utf8(words.toolbar_script()).unwrap();
        let json = script
            .split_once("window.planpressToolbarWords = ")
            .and_then(|(_, rest)| rest.strip_suffix(";\n"))
            .unwrap();
        let map: BTreeMap<String, String> = serde_json::from_str(json).unwrap();
        assert_eq!(map["said_size"], "文字大小 {n}%");
        assert_eq!(map["no_voice"], words.text("toolbar.no_voice").unwrap());
        assert!(!map.contains_key("home"), "only the toolbar group: {map:?}");
    }

    #[test]
    fn a_missing_word_names_the_file_the_key_and_the_template() {
        let words =
            Words::parse("themes/x/words/zh-CN.yaml".into(), "nav:\n  home: 首页\n").unwrap();
        let templates = [(
            "base.html".to_string(),
            "<a>{{ w.nav.home }}</a>\n<p>{{ w.footer.home }}</p>\n".to_string(),
        )];
        let mut sources = BTreeMap::new();
        sources.insert(
            "base.html".to_string(),
            PathBuf::from("themes/x/templates/base.html"),
        );
        let errors = words.check_templates(&templates, &sources);
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert_eq!(e.file, PathBuf::from("themes/x/words/zh-CN.yaml"));
        assert!(e.message.contains("`footer.home`"), "{}", e.message);
        assert!(
            e.message
                .contains("themes/x/templates/base.html reads it on line 2"),
            "{}",
            e.message
        );
        // The words planpress writes: each missing one is an error, never an
        // empty string.
        let errors = ThemeStrings::from_words(&words).err().unwrap_or_default();
        assert_eq!(errors.len(), 12);
        assert!(errors.iter().any(|e| e.message.contains("`titles.plans`")));
    }

    #[test]
    fn plain_words_are_written_into_the_templates() {
        let words = Words::parse("w.yaml".into(), "a:\n  b: 甲<乙>\n  n: 共 {n} 项\n").unwrap();
        let text =
            "{{ w.a.b }}|{{ w.a.c }}|{{ w.a.n | replace(from=\"{n}\", to=\"1\") }}|{{- w.a.b }}";
        assert_eq!(
            words.inline(text, true),
            "甲&lt;乙&gt;|{{ w.a.c }}|{{ w.a.n | replace(from=\"{n}\", to=\"1\") }}|{{- w.a.b }}"
        );
        assert_eq!(words.inline("{{ w.a.b }}", false), "甲<乙>");
    }

    #[test]
    fn a_word_that_is_not_text_names_its_key() {
        let e = Words::parse("w.yaml".into(), "footer:\n  code: 12\n")
            .err()
            .map(|d| (d.message, d.line));
        assert_eq!(
            e,
            Some(("the word `footer.code` is not text".to_string(), 2))
        );
    }
}
