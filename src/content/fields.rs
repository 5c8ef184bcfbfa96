//! The fields a content file may give a document, shared by Markdown front
//! matter and YAML files, and their checks.

use serde::Deserialize;

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::model::{Deadline, DocMeta, Period, Phase, PlanKind};

use super::deadline::parse_deadlines;

macro_rules! declare_doc_fields {
    (
        facts { $($(#[$fdoc:meta])* $fact:ident: $fty:ty,)* }
        links { $($(#[$ldoc:meta])* $link:ident: $lty:ty,)* }
    ) => {
        /// Every field a document may have. One struct for all document types
        /// keeps the vocabulary in one place; [`DocFields::misplaced`] rejects
        /// the fields that do not fit where they were written. The metadata
        /// comes from [`crate::vocabulary`].
        #[derive(Debug, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct DocFields {
            pub title: Option<String>,
            pub kind: Option<String>,
            pub jurisdiction: Option<String>,
            pub slug: Option<String>,
            $($(#[$fdoc])* #[serde(default)] pub $fact: $fty,)*
            $($(#[$ldoc])* #[serde(default)] pub $link: $lty,)*
            // Plans only.
            pub period: Option<String>,
            #[serde(default)]
            pub topics: Vec<String>,
            #[serde(default)]
            pub phases: Vec<PhaseFields>,
            // Notices only.
            pub recipients: Option<String>,
            pub signature: Option<String>,
            #[serde(default)]
            pub transmits: Vec<String>,
            // YAML only: the body, which Markdown files write as Markdown.
            pub body: Option<String>,
            pub preamble: Option<String>,
            #[serde(default)]
            pub sections: Vec<SectionFields>,
            #[serde(default)]
            pub tasks: Vec<TaskFields>,
        }

        impl DocFields {
            /// The portal metadata. Empty strings count as absent.
            pub fn meta(&self) -> DocMeta {
                use crate::vocabulary::Value;
                DocMeta {
                    title: self.title.tidy().unwrap_or_default(),
                    $($fact: self.$fact.tidy(),)*
                    $($link: self.$link.tidy(),)*
                }
            }
        }
    };
}
crate::vocabulary::doc_meta!(declare_doc_fields);

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseFields {
    pub name: String,
    pub period: Option<String>,
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFields {
    pub number: Option<Scalar>,
    pub title: String,
    pub text: Option<String>,
    #[serde(default)]
    pub tasks: Vec<TaskFields>,
    #[serde(default)]
    pub sections: Vec<SectionFields>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskFields {
    pub number: Option<Scalar>,
    #[serde(default)]
    pub text: String,
    pub lead: Option<NameList>,
    pub responsible: Option<NameList>,
    pub participating: Option<NameList>,
    pub officials: Option<NameList>,
    pub schedule: Option<String>,
    pub priority: Option<String>,
    #[serde(default)]
    pub topics: Vec<String>,
}

/// A number written as `1` or `"1"` or `一`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Int(u64),
    Text(String),
}

impl Scalar {
    pub fn into_string(self) -> String {
        match self {
            Scalar::Int(n) => n.to_string(),
            Scalar::Text(s) => s.trim().to_string(),
        }
    }
}

/// A list of names, either as a YAML list or as the document writes it
/// (`区法院、区检察院`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NameList {
    One(String),
    Many(Vec<String>),
}

/// What a document is, as its `kind` field says.
pub enum DocKind {
    Notice,
    Plan(PlanKind),
}

pub const NOTICE_KIND: &str = "通知";

/// Marks a value `planpress import` could not find in the document (a
/// title, a jurisdiction): the reviewer must replace it, and `check` warns
/// until then.
pub const PLACEHOLDER: &str = "【待填写】";

impl DocFields {
    /// Checks `kind`, written at `rel`'s `line`.
    pub fn doc_kind(&self, rel: &Path, line: usize) -> Result<DocKind, Diagnostic> {
        let fail =
            |message: String, hint: String| Diagnostic::error(rel, line, message).with_hint(hint);
        let accepted = || {
            let mut labels: Vec<&str> = PlanKind::ALL.iter().map(|k| k.label()).collect();
            labels.push(NOTICE_KIND);
            labels.join(" ")
        };
        match self.kind.as_deref().map(str::trim) {
            None | Some("") => Err(fail(
                "missing field `kind`".into(),
                format!("add `kind:` with one of: {}", accepted()),
            )),
            Some(NOTICE_KIND) => Ok(DocKind::Notice),
            Some(k) => PlanKind::from_label(k).map(DocKind::Plan).ok_or_else(|| {
                fail(
                    format!("unknown kind `{k}`"),
                    format!("use one of: {}", accepted()),
                )
            }),
        }
    }

    /// Fields given that do not belong to this kind of document.
    pub fn misplaced(&self, notice: bool, markdown: bool) -> Vec<&'static str> {
        let mut bad = Vec::new();
        if notice {
            if self.period.is_some() {
                bad.push("period");
            }
            if !self.topics.is_empty() {
                bad.push("topics");
            }
            if !self.phases.is_empty() {
                bad.push("phases");
            }
            if self.preamble.is_some() {
                bad.push("preamble");
            }
            if !self.sections.is_empty() {
                bad.push("sections");
            }
            if !self.tasks.is_empty() {
                bad.push("tasks");
            }
        } else {
            if self.recipients.is_some() {
                bad.push("recipients");
            }
            if self.signature.is_some() {
                bad.push("signature");
            }
            if !self.transmits.is_empty() {
                bad.push("transmits");
            }
            if self.body.is_some() {
                bad.push("body");
            }
        }
        if markdown {
            for (given, name) in [
                (self.body.is_some(), "body"),
                (self.preamble.is_some(), "preamble"),
                (!self.sections.is_empty(), "sections"),
                (!self.tasks.is_empty(), "tasks"),
            ] {
                if given && !bad.contains(&name) {
                    bad.push(name);
                }
            }
        }
        bad
    }

    pub fn phases(&self) -> Vec<Phase> {
        self.phases
            .iter()
            .map(|p| {
                let span = p.period.as_deref().map(parse_deadlines).unwrap_or_default();
                Phase {
                    name: p.name.trim().to_string(),
                    text: p.period.clone(),
                    start: span.first().and_then(|d| d.first_day().or(d.last_day())),
                    end: span.last().and_then(|d| d.last_day()),
                    body: p.body.clone(),
                }
            })
            .collect()
    }
}

/// The checked fields every document needs.
pub struct Common {
    pub kind: DocKind,
    pub jurisdiction: String,
    pub slug: String,
    pub period: Option<Period>,
}

/// Checks title, kind, jurisdiction, slug and period, and fields that do not
/// belong; `None` when the document cannot be used. `default_slug` is used when
/// the document gives none (`None`: the slug is required).
pub fn common_fields(
    rel: &Path,
    line: usize,
    fields: &DocFields,
    markdown: bool,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Common> {
    let default_slug = markdown.then(|| slug_from_file(rel));
    common_fields_with(rel, line, fields, markdown, default_slug, diagnostics)
}

pub fn common_fields_with(
    rel: &Path,
    line: usize,
    fields: &DocFields,
    markdown: bool,
    default_slug: Option<String>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Common> {
    let before = diagnostics.len();
    let mut at = At {
        rel,
        line,
        diagnostics,
    };
    let kind = match fields.doc_kind(rel, line) {
        Ok(k) => Some(k),
        Err(diagnostic) => {
            at.diagnostics.push(diagnostic);
            None
        }
    };
    if fields.title.as_deref().is_none_or(|t| t.trim().is_empty()) {
        at.error(
            "missing field `title`",
            "add `title:` with the document's title (标题)",
        );
    }
    let jurisdiction = at.jurisdiction(fields);
    let slug = at.slug(fields, default_slug);
    let period = at.period(fields);
    at.misplaced(fields, matches!(kind, Some(DocKind::Notice)), markdown);
    if at.diagnostics.len() > before {
        return None;
    }
    at.placeholders(fields);
    Some(Common {
        kind: kind?,
        jurisdiction,
        slug,
        period,
    })
}

/// Where a document's fields were written, and what is wrong with them.
struct At<'a> {
    rel: &'a Path,
    line: usize,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl At<'_> {
    fn error(&mut self, message: impl Into<String>, hint: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(self.rel, self.line, message).with_hint(hint));
    }

    /// The jurisdiction, trimmed; empty (and an error) when missing.
    fn jurisdiction(&mut self, fields: &DocFields) -> String {
        let jurisdiction = fields
            .jurisdiction
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        if jurisdiction.is_empty() {
            self.error(
                "missing field `jurisdiction`",
                "add `jurisdiction:` with the 行政区划 the document belongs to, e.g. 哈尔滨市道里区",
            );
        }
        jurisdiction
    }

    /// The slug given, else `default_slug`; empty (and an error) when there
    /// is none or it is not a valid one.
    fn slug(&mut self, fields: &DocFields, default_slug: Option<String>) -> String {
        let slug = match fields.slug.as_deref().map(str::trim) {
            Some(s) if is_valid_slug(s) => s.to_string(),
            Some(s) => {
                self.error(
                    format!("`{s}` is not a valid slug"),
                    "a slug uses only a-z, 0-9 and inner `-`, e.g. daoli-2017-fangan",
                );
                String::new()
            }
            None => match default_slug {
                Some(s) => s,
                None => {
                    self.error(
                        "missing field `slug`",
                        "each plan of a notice file needs its own `slug:` (a-z, 0-9, -)",
                    );
                    String::new()
                }
            },
        };
        if !slug.is_empty() {
            self.windows_reserved(fields, &slug);
        }
        slug
    }

    /// A slug, or the file name it came from, that Windows cannot name a
    /// folder with.
    fn windows_reserved(&mut self, fields: &DocFields, slug: &str) {
        let source = match fields.slug.as_deref() {
            Some(s) => s.trim().to_string(),
            None => self
                .rel
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default(),
        };
        if !(crate::slug::windows_reserved(slug) || crate::slug::windows_reserved(&source)) {
            return;
        }
        let what = if fields.slug.is_some() {
            format!("the slug `{slug}` is a name Windows reserves")
        } else {
            format!("the file name `{source}` (the plan's slug) is a name Windows reserves")
        };
        self.error(what, crate::slug::RESERVED_HINT);
    }

    fn period(&mut self, fields: &DocFields) -> Option<Period> {
        let p = fields.period.as_deref()?;
        let parsed = parse_period(p);
        if parsed.is_none() {
            self.error(
                format!("cannot read the period `{p}`"),
                "write the plan period as 2021-2025",
            );
        }
        parsed
    }

    fn misplaced(&mut self, fields: &DocFields, notice: bool, markdown: bool) {
        for field in fields.misplaced(notice, markdown) {
            let hint = match (field, markdown) {
                ("body" | "preamble" | "sections" | "tasks", true) => {
                    "in a Markdown file the text goes below the front matter".to_string()
                }
                _ if notice => format!("`{field}` is for plans, not notices"),
                _ => format!("`{field}` is for notices, not plans"),
            };
            self.error(format!("field `{field}` does not belong here"), hint);
        }
    }

    /// Warns of values `planpress import` could not find.
    fn placeholders(&mut self, fields: &DocFields) {
        for (field, value) in [
            ("title", &fields.title),
            ("jurisdiction", &fields.jurisdiction),
        ] {
            if value.as_deref().is_some_and(|v| v.contains(PLACEHOLDER)) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        self.rel,
                        self.line,
                        format!("`{field}` is a placeholder left by `planpress import`"),
                    )
                    .with_hint(format!("replace {PLACEHOLDER} with the document's {field}")),
                );
            }
        }
    }
}

/// A slug from a file name: the name itself when it is a valid slug,
/// otherwise its pinyin.
pub fn slug_from_file(rel: &Path) -> String {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    if is_valid_slug(&stem) {
        stem
    } else {
        crate::slug::slugify(&stem)
    }
}

/// Deadlines of a task: from its schedule when it has one, otherwise from its
/// text outside titles in 《》 (`《规划(2021-2025年)》` names a document, not a date).
pub fn deadlines_for(schedule: Option<&str>, text: &str) -> Vec<Deadline> {
    match schedule {
        Some(s) => parse_deadlines(s),
        None => parse_deadlines(&strip_titles(text)),
    }
}

fn strip_titles(text: &str) -> std::borrow::Cow<'_, str> {
    // Most tasks cite no title: no copy then.
    if !text.contains('《') && !text.contains('》') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '《' => depth += 1,
            '》' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.into()
}

/// Reads a plan period written `2021-2025`, `2021—2025年` or `2021年-2025年`.
pub fn parse_period(text: &str) -> Option<Period> {
    let years: Vec<i32> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 4)
        .filter_map(|s| s.parse().ok())
        .collect();
    match years.as_slice() {
        [start, end] if start <= end => Some(Period {
            start: *start,
            end: *end,
        }),
        [year] => Some(Period {
            start: *year,
            end: *year,
        }),
        _ => None,
    }
}

/// A slug is what a URL path segment is made of: `a-z`, `0-9` and inner `-`.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 120
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(
            parse_period("2021-2025"),
            Some(Period {
                start: 2021,
                end: 2025
            })
        );
        assert_eq!(parse_period("2021年—2025年").map(|p| p.end), Some(2025));
        assert_eq!(parse_period("近期"), None);
        assert_eq!(parse_period("2025-2021"), None);
    }

    #[test]
    fn slugs() {
        assert!(is_valid_slug("daoli-2017-fangan"));
        for bad in ["", "-a", "a-", "A", "a/b", "..", "a b", "道里"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
    }
}
