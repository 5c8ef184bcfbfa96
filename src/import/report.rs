//! What an import found, for the person who reviews the files it wrote:
//! counts, tasks without a lead unit, units the registry does not know yet,
//! and every line that was dropped or read with doubt, by input position.

use std::fmt::Write as _;

/// One remark tied to a place in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Line (text, HTML) or paragraph (.docx) of the input; 0 when unknown.
    pub line: usize,
    pub text: String,
}

/// A document written, summarised.
#[derive(Debug, Clone, Default)]
pub struct DocSummary {
    /// `通知`, `方案`, `分工方案`…
    pub kind: String,
    pub title: String,
    /// The file it went to, as shown to the user.
    pub file: String,
    pub sections: usize,
    pub tasks: usize,
    /// First and last task numbers, as written.
    pub numbers: Option<(String, String)>,
}

/// A unit name not yet in `units.yaml`.
#[derive(Debug, Clone)]
pub struct NewUnit {
    pub name: String,
    pub jurisdiction: String,
    pub line: usize,
    pub group: bool,
}

#[derive(Debug, Default)]
pub struct Report {
    /// The input file as named on the command line.
    pub source: String,
    /// `text, GBK/GB18030, 132 lines`.
    pub input: String,
    /// What positions are: `line` or `paragraph`.
    pub position: &'static str,
    pub documents: Vec<DocSummary>,
    /// Tasks with no lead unit, as `plan title: task N`.
    pub no_lead: Vec<Note>,
    pub new_units: Vec<NewUnit>,
    pub dropped: Vec<Note>,
    pub unsure: Vec<Note>,
    /// Problems that made the output unusable (check would fail).
    pub errors: Vec<Note>,
}

/// How many notes of one kind are printed before the rest are counted.
const MAX_NOTES: usize = 300;

impl Report {
    pub fn dropped(&mut self, line: usize, text: impl Into<String>) {
        self.dropped.push(Note {
            line,
            text: text.into(),
        });
    }

    pub fn unsure(&mut self, line: usize, text: impl Into<String>) {
        self.unsure.push(Note {
            line,
            text: text.into(),
        });
    }

    pub fn error(&mut self, line: usize, text: impl Into<String>) {
        self.errors.push(Note {
            line,
            text: text.into(),
        });
    }

    pub fn unsure_count(&self) -> usize {
        self.unsure.len()
    }

    /// The report as printed after an import.
    pub fn render(&self) -> String {
        let pos = if self.position.is_empty() {
            "line"
        } else {
            self.position
        };
        let at = |line: usize| {
            if line == 0 {
                String::from("-")
            } else {
                format!("{pos} {line}")
            }
        };
        let mut out = String::new();
        let _ = writeln!(out, "import {} ({})", self.source, self.input);
        let plans = self.documents.iter().filter(|d| d.kind != "通知").count();
        let sections: usize = self.documents.iter().map(|d| d.sections).sum();
        let tasks: usize = self.documents.iter().map(|d| d.tasks).sum();
        let _ = writeln!(
            out,
            "  found: {plans} plan(s), {sections} section(s), {tasks} task(s)"
        );
        for d in &self.documents {
            if d.kind == "通知" {
                let _ = writeln!(out, "  {} {} -> {}", d.kind, d.title, d.file);
            } else {
                let numbers = d
                    .numbers
                    .as_ref()
                    .map(|(a, b)| format!(", numbered {a}–{b}"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  {} {} -> {}: {} section(s), {} task(s){numbers}",
                    d.kind, d.title, d.file, d.sections, d.tasks
                );
            }
        }
        if self.no_lead.is_empty() {
            let _ = writeln!(out, "  tasks with no lead unit: none");
        } else {
            let _ = writeln!(out, "  tasks with no lead unit: {}", self.no_lead.len());
            for n in self.no_lead.iter().take(MAX_NOTES) {
                let _ = writeln!(out, "    {}: {}", at(n.line), n.text);
            }
        }
        if self.new_units.is_empty() {
            let _ = writeln!(out, "  units new to units.yaml: none");
        } else {
            let _ = writeln!(out, "  units new to units.yaml: {}", self.new_units.len());
            for u in self.new_units.iter().take(MAX_NOTES) {
                let group = if u.group { " (group)" } else { "" };
                let _ = writeln!(
                    out,
                    "    {}: {}{group} [{}]",
                    at(u.line),
                    u.name,
                    u.jurisdiction
                );
            }
        }
        for (label, notes) in [
            ("dropped", &self.dropped),
            ("unsure", &self.unsure),
            ("errors", &self.errors),
        ] {
            if notes.is_empty() {
                let _ = writeln!(out, "  {label}: none");
                continue;
            }
            let _ = writeln!(out, "  {label}: {}", notes.len());
            for n in notes.iter().take(MAX_NOTES) {
                let _ = writeln!(out, "    {}: {}", at(n.line), n.text);
            }
            if notes.len() > MAX_NOTES {
                let _ = writeln!(out, "    … {} more", notes.len() - MAX_NOTES);
            }
        }
        if !self.errors.is_empty() {
            let _ = writeln!(
                out,
                "error: {}: the files written would fail `planpress check`; fix the errors above",
                self.source
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_notes() {
        let mut r = Report {
            source: "a.txt".into(),
            input: "text, UTF-8, 3 lines".into(),
            position: "line",
            ..Report::default()
        };
        r.documents.push(DocSummary {
            kind: "方案".into(),
            title: "甲方案".into(),
            file: "content/a.md".into(),
            sections: 2,
            tasks: 3,
            numbers: Some(("1".into(), "3".into())),
        });
        r.dropped(1, "portal chrome: 设为首页");
        r.unsure(7, "heading (二) seems missing");
        let s = r.render();
        assert!(s.contains("1 plan(s), 2 section(s), 3 task(s)"), "{s}");
        assert!(s.contains("line 1: portal chrome"), "{s}");
        assert!(s.contains("line 7: heading"), "{s}");
    }
}
