//! The unit registry (`content/units.yaml`) and the rules for names that are
//! not in it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::model::UnitKind;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    jurisdiction: String,
    #[serde(default)]
    units: Vec<UnitEntry>,
    #[serde(default)]
    groups: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitEntry {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
}

/// A unit as the registry defines it.
#[derive(Debug, Clone)]
pub struct UnitDef {
    pub name: String,
    pub other_names: Vec<String>,
    pub kind: UnitKind,
}

/// One jurisdiction's registry.
#[derive(Debug, Default)]
pub struct JurisdictionRegistry {
    pub defs: Vec<UnitDef>,
    /// Any name (canonical, alias, second name), normalised -> index in `defs`.
    names: HashMap<String, usize>,
    /// Line of the entry in units.yaml.
    pub line: usize,
}

/// The whole registry, by jurisdiction name.
#[derive(Debug, Default)]
pub struct Registry {
    pub jurisdictions: HashMap<String, JurisdictionRegistry>,
    /// Path of units.yaml relative to the site root.
    pub file: std::path::PathBuf,
}

impl Registry {
    pub fn load(root: &Path, path: &Path) -> Result<Registry, Diagnostic> {
        let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        let text =
            super::read_text(path).map_err(|(m, h)| Diagnostic::error(&rel, 0, m).with_hint(h))?;
        super::yaml::guard(&rel, &text, 0)?;
        let entries: Vec<Entry> = if text.trim().is_empty() {
            Vec::new()
        } else {
            serde_yaml::from_str(&text).map_err(|e| super::yaml_error(&rel, &e, 0))?
        };
        let lines = super::yaml::Locator::read(&text);
        let mut registry = Registry {
            file: rel,
            ..Registry::default()
        };
        for (i, mut entry) in entries.into_iter().enumerate() {
            // The same characters go as from content (see `text`), so that
            // names still match.
            super::text::clean(&mut entry.jurisdiction);
            for u in &mut entry.units {
                super::text::clean(&mut u.name);
                u.aliases.iter_mut().for_each(|a| {
                    super::text::clean(a);
                });
            }
            entry.groups.iter_mut().for_each(|g| {
                super::text::clean(g);
            });
            let jr = registry
                .jurisdictions
                .entry(entry.jurisdiction.trim().to_string())
                .or_default();
            jr.line = lines.line(&i.to_string());
            for u in entry.units {
                let (name, mut other_names) = split_merged(&u.name);
                other_names.extend(u.aliases.iter().map(|a| a.trim().to_string()));
                jr.add(UnitDef {
                    name,
                    other_names,
                    kind: UnitKind::Department,
                });
            }
            for g in entry.groups {
                jr.add(UnitDef {
                    name: g.trim().to_string(),
                    other_names: Vec::new(),
                    kind: UnitKind::Group,
                });
            }
        }
        Ok(registry)
    }

    /// Registered names of a jurisdiction that contain a list separator
    /// (`各街道、镇`), which must not be split.
    pub fn multi_part_names(&self, jurisdiction: &str) -> Vec<String> {
        let Some(jr) = self.jurisdictions.get(jurisdiction) else {
            return Vec::new();
        };
        let mut names: Vec<String> = jr
            .defs
            .iter()
            .flat_map(|d| std::iter::once(&d.name).chain(&d.other_names))
            .filter(|n| n.contains(['、', ',', '，', ';', '；', '及']))
            .cloned()
            .collect();
        names.sort();
        names
    }

    pub fn get(&self, jurisdiction: &str) -> Option<&JurisdictionRegistry> {
        self.jurisdictions.get(jurisdiction)
    }
}

impl JurisdictionRegistry {
    fn add(&mut self, def: UnitDef) {
        let idx = self.defs.len();
        for n in std::iter::once(&def.name).chain(&def.other_names) {
            self.names.entry(normalize(n)).or_insert(idx);
        }
        self.defs.push(def);
    }

    pub fn lookup(&self, name: &str) -> Option<&UnitDef> {
        self.names
            .get(normalized(name).as_ref())
            .map(|&i| &self.defs[i])
    }
}

/// Names compare equal whatever the width of their brackets and spaces.
pub fn normalize(name: &str) -> String {
    normalized(name).into_owned()
}

/// [`normalize`], borrowing the name when it is normalised already, as
/// nearly every name is: names are looked up once per mention, and a
/// lookup need not copy them.
pub fn normalized(name: &str) -> Cow<'_, str> {
    if !name
        .chars()
        .any(|c| c.is_whitespace() || normal_form(c) != c)
    {
        return Cow::Borrowed(name);
    }
    Cow::Owned(
        name.chars()
            .filter(|c| !c.is_whitespace())
            .map(normal_form)
            .collect(),
    )
}

/// One bracket in the form names are compared in.
fn normal_form(c: char) -> char {
    match c {
        '（' => '(',
        '）' => ')',
        '<' | '＜' => '〈',
        '>' | '＞' => '〉',
        c => c,
    }
}

/// `区委组织部〈区编办〉` is one organ with two names: (`区委组织部`, [`区编办`]).
pub fn split_merged(name: &str) -> (String, Vec<String>) {
    let name = normalized(name);
    let (first, second) = merged_parts(&name);
    (
        first.to_string(),
        second.map(str::to_string).into_iter().collect(),
    )
}

/// [`split_merged`] of a name already normalised, as slices of it.
pub fn merged_parts(name: &str) -> (&str, Option<&str>) {
    if let Some(open) = name.find('〈')
        && let Some(close) = name.rfind('〉')
        && open > 0
        && close > open
        && close + '〉'.len_utf8() == name.len()
    {
        let first = &name[..open];
        let second = &name[open + '〈'.len_utf8()..close];
        if !second.is_empty() {
            return (first, Some(second));
        }
    }
    (name, None)
}

/// Whether an unregistered name reads as a collective (区直各部门, 各街办,
/// 相关单位) rather than one body.
pub fn looks_like_group(name: &str, markers: &[String]) -> bool {
    name.starts_with('各')
        || name.starts_with("及各")
        || markers
            .iter()
            .any(|m| !m.is_empty() && name.contains(m.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_organs() {
        assert_eq!(
            split_merged("区委组织部〈区编办〉"),
            ("区委组织部".to_string(), vec!["区编办".to_string()])
        );
        assert_eq!(split_merged("区司法局"), ("区司法局".to_string(), vec![]));
        assert_eq!(split_merged("〈x〉"), ("〈x〉".to_string(), vec![]));
        assert_eq!(
            split_merged(" 区委组织部＜区编办> "),
            ("区委组织部".to_string(), vec!["区编办".to_string()])
        );
        assert_eq!(split_merged("区委〈〉"), ("区委〈〉".to_string(), vec![]));
        assert!(matches!(normalized("区司法局"), Cow::Borrowed(_)));
        assert_eq!(
            normalized("各单位党委（党组）\u{3000}办"),
            "各单位党委(党组)办"
        );
    }

    #[test]
    fn groups_by_shape() {
        let markers = vec!["有关部门".to_string(), "相关单位".to_string()];
        assert!(looks_like_group("区直有关部门", &markers));
        assert!(looks_like_group("各街办", &markers));
        assert!(looks_like_group("行政执法相关单位", &markers));
        assert!(!looks_like_group("区司法局", &markers));
    }

    #[test]
    fn registry_resolves_aliases_and_brackets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("units.yaml");
        std::fs::write(
            &path,
            "- jurisdiction: 黄石市下陆区\n  units:\n    - name: 区发改局\n      aliases: [区发改委]\n    - name: 区委组织部〈区编办〉\n  groups: [各单位党委(党组), 各街道、镇]\n",
        )
        .unwrap();
        let r = Registry::load(dir.path(), &path).unwrap();
        let jr = r.get("黄石市下陆区").unwrap();
        assert_eq!(jr.lookup("区发改委").unwrap().name, "区发改局");
        assert_eq!(jr.lookup("区编办").unwrap().name, "区委组织部");
        assert_eq!(
            jr.lookup("各单位党委（党组）").unwrap().kind,
            UnitKind::Group
        );
        assert_eq!(r.multi_part_names("黄石市下陆区"), vec!["各街道、镇"]);
        assert!(r.get("哈尔滨市道里区").is_none());
    }
}
