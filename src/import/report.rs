//! What an import found, for the person who reviews the files it wrote:
//! counts, tasks without a lead unit, units the registry does not know yet,
//! and every line that was dropped or read with doubt, by input position.
//! It also keeps each input line and what it became (its trace), for the
//! review page ([`super::review`]).

use std::fmt::Write as _;

use serde::Serialize;

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

/// A metadata field a line was kept as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    DocNumber,
    DateSigned,
    /// The issuer named in the document's head.
    Issuer,
    /// The signature closing a notice or plan.
    Signature,
    Recipients,
    /// A portal page's metadata block (发布时间, 索引号…).
    Portal,
    Attachment,
}

/// A task as read, for the review page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TaskTrace {
    pub number: String,
    /// The task's text (the page shows its start).
    pub text: String,
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub participating: Vec<String>,
    /// Deadlines or the schedule, as written.
    pub deadlines: Vec<String>,
}

/// What one input line became. A line that was dropped has no outcome: its
/// `dropped` note says why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// A notice's or plan's title.
    Title {
        title: String,
    },
    /// Kept as a metadata field, not as text.
    Meta {
        field: Field,
    },
    Heading {
        number: String,
        title: String,
    },
    Task(TaskTrace),
    /// Read with the task above (a label line, a cell of its row).
    TaskPart {
        number: String,
    },
    /// Text of a notice.
    Notice,
    /// Text of a plan that is neither heading nor task.
    Text,
    /// Read, yet in no file (a table header's other cells…).
    Unused,
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
    /// Each input line with text, as read: (position, text).
    pub lines: Vec<(usize, String)>,
    /// Positions of the lines left once the page furniture was dropped.
    pub kept: Vec<usize>,
    /// What lines became, in the order found.
    pub traces: Vec<(usize, Outcome)>,
    /// Where the review page was written, if it was.
    pub review_page: Option<String>,
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

    /// Notes what the line at `line` became.
    pub fn trace(&mut self, line: usize, outcome: Outcome) {
        self.traces.push((line, outcome));
    }

    /// Notes that the line at `line` was kept as a metadata field.
    pub fn kept_as(&mut self, line: usize, field: Field) {
        self.trace(line, Outcome::Meta { field });
    }

    /// Keeps the input lines as read, for the review page.
    pub fn read(&mut self, blocks: &[super::Block]) {
        self.lines = blocks.iter().map(|b| (b.line, b.text.clone())).collect();
    }

    /// Notes which lines are left once the page furniture is dropped.
    pub fn survived(&mut self, blocks: &[super::Block]) {
        self.kept = blocks.iter().map(|b| b.line).collect();
    }

    pub fn unsure_count(&self) -> usize {
        self.unsure.len()
    }

    /// The report as printed after an import.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "import {} ({})", self.source, self.input);
        self.render_documents(&mut out);
        self.render_notes(&mut out);
        match &self.review_page {
            Some(page) => {
                let _ = writeln!(out, "  review page: {page}");
            }
            None if !self.unsure.is_empty() || !self.no_lead.is_empty() => {
                let _ = writeln!(
                    out,
                    "  (--review writes a page showing each line beside what it became)"
                );
            }
            None => {}
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

    /// `line 12` (or the position's word), `-` for no line.
    fn at(&self, line: usize) -> String {
        let pos = if self.position.is_empty() {
            "line"
        } else {
            self.position
        };
        if line == 0 {
            String::from("-")
        } else {
            format!("{pos} {line}")
        }
    }

    /// What was found, document by document.
    fn render_documents(&self, out: &mut String) {
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
    }

    /// Tasks without a lead, new units, and the notes of each kind.
    fn render_notes(&self, out: &mut String) {
        let at = |line: usize| self.at(line);
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
