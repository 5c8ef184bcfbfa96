//! `content/units.yaml` for a site that has none: the units an import found,
//! by jurisdiction, so that the next import matches its jurisdictions to
//! these (`下陆区` → the site's `黄石市下陆区`) and `check --units` starts
//! from a list the reviewer only corrects. A registry written by hand is
//! never touched; one written by import is extended.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::report::NewUnit;
use crate::diagnostics::{Diagnostic, yaml_error};

/// The first line of a registry that import wrote and may extend.
pub const MARKER: &str = "# Written by `planpress import` from the units it found; delete this line to keep import from changing the file.";

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
struct Entry {
    jurisdiction: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    units: Vec<UnitEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    groups: Vec<String>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct UnitEntry {
    name: String,
}

/// The registry's text with `found` added, or `None` when there is nothing
/// to add or the existing file is not import's own. `existing`: the text
/// of the file at `path`, if there is one.
pub fn extended(
    path: &Path,
    existing: Option<&str>,
    found: &[NewUnit],
) -> Result<Option<String>, Diagnostic> {
    let mut entries: Vec<Entry> = match existing {
        None => Vec::new(),
        Some(text) if text.starts_with(MARKER) => serde_yaml::from_str::<Option<Vec<Entry>>>(text)
            .map_err(|e| {
                let d = yaml_error(path, &e, 0);
                Diagnostic {
                    message: format!("cannot extend units.yaml: {}", d.message),
                    ..d
                }
            })?
            .unwrap_or_default(),
        Some(_) => return Ok(None),
    };
    let mut added = false;
    for u in found {
        // Placeholders are no place; merged names (`区委组织部〈区编办〉`)
        // are left for the reviewer, who knows which name is canonical.
        if u.jurisdiction.contains(crate::content::fields::PLACEHOLDER)
            || u.name.contains(['〈', '<', '＜'])
            || u.name.trim().is_empty()
        {
            continue;
        }
        let entry = match entries
            .iter()
            .position(|e| e.jurisdiction == u.jurisdiction)
        {
            Some(i) => &mut entries[i],
            None => {
                entries.push(Entry {
                    jurisdiction: u.jurisdiction.clone(),
                    ..Entry::default()
                });
                let last = entries.len() - 1;
                &mut entries[last]
            }
        };
        let known = entry.units.iter().any(|x| x.name == u.name) || entry.groups.contains(&u.name);
        if known {
            continue;
        }
        if u.group {
            entry.groups.push(u.name.clone());
        } else {
            entry.units.push(UnitEntry {
                name: u.name.clone(),
            });
        }
        added = true;
    }
    if !added {
        return Ok(None);
    }
    let body = serde_yaml::to_string(&entries).map_err(|e| {
        Diagnostic::error(path, 0, format!("cannot write the units found: {e}")).with_hint(
            "this is a fault of planpress import: report it; the content files were written",
        )
    })?;
    Ok(Some(format!("{MARKER}\n{body}")))
}

/// Writes or extends `out/units.yaml` with `found`; the path when written.
pub fn update(out: &Path, found: &[NewUnit]) -> Result<Option<PathBuf>, Diagnostic> {
    let path = out.join(crate::content::UNITS_FILE);
    let existing = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(super::io_error(&path, &e)),
    };
    let Some(text) = extended(&path, existing.as_deref(), found)? else {
        return Ok(None);
    };
    let tmp = path.with_extension("import-tmp");
    std::fs::write(&tmp, text)
        .and_then(|_| std::fs::rename(&tmp, &path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            super::io_error(&path, &e)
        })?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, jurisdiction: &str, group: bool) -> NewUnit {
        NewUnit {
            name: name.into(),
            jurisdiction: jurisdiction.into(),
            line: 1,
            group,
        }
    }

    #[test]
    fn writes_then_extends_its_own_file_and_leaves_a_hand_written_one() {
        let first = [
            unit("区司法局", "某省甲市乙区", false),
            unit("各街道", "某省甲市乙区", true),
            unit("区委组织部〈区编办〉", "某省甲市乙区", false),
        ];
        let text = extended(Path::new("units.yaml"), None, &first)
            .unwrap()
            .unwrap();
        assert!(text.starts_with(MARKER));
        assert!(
            text.contains("- name: 区司法局") && text.contains("- 各街道"),
            "{text}"
        );
        assert!(
            !text.contains("区编办"),
            "merged names are left to the reviewer"
        );
        let more = [
            unit("区司法局", "某省甲市乙区", false),
            unit("县财政局", "丙县", false),
        ];
        let text2 = extended(Path::new("units.yaml"), Some(&text), &more)
            .unwrap()
            .unwrap();
        assert_eq!(text2.matches("区司法局").count(), 1, "{text2}");
        assert!(text2.contains("jurisdiction: 丙县"), "{text2}");
        assert_eq!(
            extended(Path::new("units.yaml"), Some(&text2), &more).unwrap(),
            None,
            "nothing new"
        );
        assert_eq!(
            extended(
                Path::new("units.yaml"),
                Some("- jurisdiction: 丙县\n"),
                &more
            )
            .unwrap(),
            None
        );
        let placeholder = [unit("区司法局", crate::content::fields::PLACEHOLDER, false)];
        assert_eq!(
            extended(Path::new("units.yaml"), None, &placeholder).unwrap(),
            None
        );
    }

    #[test]
    fn a_broken_registry_of_its_own_is_a_diagnostic_at_its_line() {
        let path = Path::new("content/units.yaml");
        let text = format!("{MARKER}\n- jurisdiction: 丙县\n  units: [\n");
        let d = extended(path, Some(&text), &[unit("县财政局", "丙县", false)]).unwrap_err();
        assert_eq!(d.file, path);
        assert!(d.line >= 3, "{d}");
        assert!(d.message.starts_with("cannot extend units.yaml"), "{d}");
        assert!(d.hint.is_some(), "{d}");
    }

    #[test]
    fn what_it_writes_loads_as_a_registry() {
        let dir = tempfile::tempdir().unwrap();
        let found = [
            unit("区司法局", "某省甲市乙区", false),
            unit("区直各部门", "某省甲市乙区", true),
        ];
        let path = update(dir.path(), &found).unwrap().unwrap();
        let reg = crate::content::units::Registry::load(dir.path(), &path).unwrap();
        let jr = reg.get("某省甲市乙区").unwrap();
        assert!(jr.lookup("区司法局").is_some() && jr.lookup("区直各部门").is_some());
    }
}
