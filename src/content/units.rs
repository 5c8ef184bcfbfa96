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
    /// Any name (canonical, alias, second name), normalised -> index in
    /// `defs`, what the name is there, and its line.
    names: HashMap<String, (usize, Role, usize)>,
    /// Line of the entry in units.yaml.
    pub line: usize,
}

/// The whole registry, by jurisdiction name.
#[derive(Debug, Default)]
pub struct Registry {
    pub jurisdictions: HashMap<String, JurisdictionRegistry>,
    /// Path of units.yaml relative to the site root.
    pub file: std::path::PathBuf,
    /// Contradictions found (a name given to two units, a unit or a
    /// jurisdiction listed twice): errors, each at its line. The first
    /// mention of a name holds.
    pub problems: Vec<Diagnostic>,
}

/// What a name is in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Unit,
    Alias,
    Group,
}

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::Unit => "a unit",
            Role::Alias => "an alias",
            Role::Group => "a group",
        }
    }
}

impl Registry {
    pub fn load(root: &Path, path: &Path) -> Result<Registry, Diagnostic> {
        let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
        let text = super::read_text(path, &rel)?;
        super::yaml::guard(&rel, &text, 0)?;
        let entries: Vec<Entry> = if text.trim().is_empty() {
            Vec::new()
        } else {
            serde_yaml::from_str(&text).map_err(|e| super::yaml_error(&rel, &e, 0))?
        };
        let lines = crate::yaml_lines::Locator::read(&text);
        let mut registry = Registry {
            file: rel,
            ..Registry::default()
        };
        // Where each jurisdiction was first listed.
        let mut first_listed: HashMap<String, usize> = HashMap::new();
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
            let jurisdiction = entry.jurisdiction.trim().to_string();
            let line = lines.line(&i.to_string());
            if let Some(first) = first_listed.get(&jurisdiction) {
                registry.problems.push(
                    Diagnostic::error(
                        &registry.file,
                        line,
                        format!("the jurisdiction {jurisdiction} is listed twice (first on line {first})"),
                    )
                    .with_hint("list each jurisdiction once, with all its units and groups"),
                );
                continue;
            }
            first_listed.insert(jurisdiction.clone(), line);
            let jr = registry.jurisdictions.entry(jurisdiction).or_default();
            jr.line = line;
            for (k, u) in entry.units.into_iter().enumerate() {
                let at = |path: &str| lines.line(&format!("{i}.units.{k}{path}"));
                let (name, second) = split_merged(&u.name);
                let mut names = vec![(name.clone(), Role::Unit, at(""))];
                names.extend(second.into_iter().map(|n| (n, Role::Alias, at(""))));
                names.extend(u.aliases.iter().enumerate().map(|(m, a)| {
                    (
                        a.trim().to_string(),
                        Role::Alias,
                        at(&format!(".aliases.{m}")),
                    )
                }));
                jr.add(
                    name,
                    names,
                    UnitKind::Department,
                    &registry.file,
                    &mut registry.problems,
                );
            }
            for (g, group) in entry.groups.into_iter().enumerate() {
                let name = group.trim().to_string();
                let line = lines.line(&format!("{i}.groups.{g}"));
                let names = vec![(name.clone(), Role::Group, line)];
                jr.add(
                    name,
                    names,
                    UnitKind::Group,
                    &registry.file,
                    &mut registry.problems,
                );
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
    /// Adds a unit or group under `name` with all its names (name, role,
    /// line); a name that another entry has already is reported and left
    /// to that entry.
    fn add(
        &mut self,
        name: String,
        names: Vec<(String, Role, usize)>,
        kind: UnitKind,
        file: &Path,
        problems: &mut Vec<Diagnostic>,
    ) {
        let idx = self.defs.len();
        let mut other_names = Vec::new();
        for (n, role, line) in names {
            match self.names.get(normalized(&n).as_ref()) {
                Some(&(i, _, _)) if i == idx => {}
                Some(&(i, first_role, first_line)) => {
                    let owner = &self.defs[i].name;
                    let first = if first_role == Role::Unit || first_role == Role::Group {
                        format!("{} on line {first_line}", first_role.label())
                    } else {
                        format!("an alias of {owner} on line {first_line}")
                    };
                    let here = match role {
                        Role::Alias => format!("an alias of {name}"),
                        r => r.label().to_string(),
                    };
                    problems.push(
                        Diagnostic::error(
                            file,
                            line,
                            format!("{n} is {here} here, and already {first}"),
                        )
                        .with_hint(
                            "a name may stand for one body only: keep one entry for it, and list another name as an alias of exactly one unit",
                        ),
                    );
                    continue;
                }
                None => {
                    self.names.insert(normalize(&n), (idx, role, line));
                }
            }
            if role == Role::Alias {
                other_names.push(n);
            }
        }
        self.defs.push(UnitDef {
            name,
            other_names,
            kind,
        });
    }

    pub fn lookup(&self, name: &str) -> Option<&UnitDef> {
        self.names
            .get(normalized(name).as_ref())
            .map(|&(i, _, _)| &self.defs[i])
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
