//! The body's sections and tasks built as they are read: sections opened
//! and closed by level, tasks added, units shared back over a run of tasks,
//! and the checks made when the body is done.

use super::*;

/// Builds the section tree from a flat run of headings, tasks and prose.
#[derive(Default)]
pub(super) struct Builder {
    pub(super) root: Vec<Block>,
    /// Open sections, outermost first, each with its count in the plan.
    pub(super) stack: Vec<(Section, u32)>,
    /// The lead units each open section's heading names (see
    /// [`heading_lead`]), by depth.
    pub(super) leads: Vec<Vec<String>>,
    /// Unit names with a separator inside, kept whole.
    pub(super) known: Vec<String>,
    /// The numbers of the tasks in the open section.
    pub(super) numbers_here: rustc_hash::FxHashSet<String>,
    /// Sections opened so far.
    pub(super) sections: u32,
    pub(super) tasks: Vec<RawTask>,
    /// The count of the section each task is in (0: none).
    pub(super) scopes: Vec<u32>,
}

impl Builder {
    pub(super) fn open_section(&mut self, number: Option<String>, title: String, level: u8) {
        self.close_to(level);
        self.sections += 1;
        self.numbers_here.clear();
        self.leads.push(heading_lead(&title, &self.known));
        let section = Section {
            number,
            title,
            level,
            anchor: String::new(),
            blocks: Vec::new(),
        };
        self.stack.push((section, self.sections));
    }

    /// Closes the open sections at `level` and below (a numbered item at
    /// that depth ends them).
    pub(super) fn close_to(&mut self, level: u8) {
        while self.stack.last().is_some_and(|(s, _)| s.level >= level) {
            self.close_section();
        }
    }

    pub(super) fn close_section(&mut self) {
        self.leads.pop();
        if let Some((section, _)) = self.stack.pop() {
            self.push_block(Block::Section(Box::new(section)));
        }
    }

    pub(super) fn push_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some((parent, _)) => parent.blocks.push(block),
            None => self.root.push(block),
        }
    }

    pub(super) fn add_text(&mut self, text: String) {
        self.push_block(Block::Text(text));
    }

    /// The blocks of the open section (or of the body, outside any).
    pub(super) fn open_blocks(&mut self) -> &mut Vec<Block> {
        match self.stack.last_mut() {
            Some((parent, _)) => &mut parent.blocks,
            None => &mut self.root,
        }
    }

    /// Makes tasks of the numbered prose paragraphs added last, starting on
    /// `lines`, when a label line follows them; the index of the first.
    /// Numbers taken in the section are numbered under the task before them
    /// (`(1)` under `1.` is `1(1)`); `None`, and nothing changed, when that
    /// does not make them unique.
    pub(super) fn tasks_from_prose(
        &mut self,
        lines: &[usize],
        extractor: &mut Extractor,
    ) -> Option<usize> {
        let scope = self.stack.last().map_or(0, |(_, n)| *n);
        let parent = match (self.tasks.last(), self.scopes.last()) {
            (Some(t), Some(&s)) if s == scope => Some(t.number.clone()),
            _ => None,
        };
        let blocks = match self.stack.last() {
            Some((parent, _)) => &parent.blocks,
            None => &self.root,
        };
        let at = blocks.len().checked_sub(lines.len())?;
        let mut numbered = Vec::with_capacity(lines.len());
        for block in &blocks[at..] {
            let Block::Text(text) = block else {
                return None;
            };
            let (number, rest) = other_numbered(text)?;
            numbered.push((number.to_string(), text.len() - rest.len()));
        }
        // All under the task before, or none: `1(1)` beside `2` would take
        // the next task's number.
        let taken = &self.numbers_here;
        if numbered.iter().any(|(n, _)| taken.contains(n)) {
            let parent = parent?;
            for (n, _) in &mut numbered {
                *n = format!("{parent}({n})");
            }
        }
        let mut new: rustc_hash::FxHashSet<&str> = Default::default();
        if numbered
            .iter()
            .any(|(n, _)| taken.contains(n) || !new.insert(n))
        {
            return None;
        }
        let texts: Vec<Block> = self.open_blocks().drain(at..).collect();
        let first = self.tasks.len();
        for ((block, (number, start)), &line) in texts.into_iter().zip(numbered).zip(lines) {
            if let Block::Text(text) = block {
                let a = extractor.extract(text.get(start..).unwrap_or_default());
                self.add_task(task_from(number, line, a));
            }
        }
        Some(first)
    }

    /// A label line after a run of tasks that name no unit (`1.…` `2.…`
    /// `责任单位:…`) answers for the whole run: task `last`'s units go to
    /// the tasks before it, back to `first`, until one names its own.
    pub(super) fn share_units_back(&mut self, first: usize, last: usize) {
        let Some((before, [shared, ..])) =
            self.tasks.get_mut(..=last).map(|t| t.split_at_mut(last))
        else {
            return;
        };
        for t in before.iter_mut().skip(first).rev() {
            if t.names_units() {
                break;
            }
            t.lead.clone_from(&shared.lead);
            t.responsible.clone_from(&shared.responsible);
            t.participating.clone_from(&shared.participating);
        }
    }

    pub(super) fn add_task(&mut self, mut task: RawTask) {
        task.section_path = self.stack.iter().map(|(s, _)| s.title.clone()).collect();
        if task.lead.is_empty()
            && let Some(lead) = self.leads.iter().rev().find(|l| !l.is_empty())
        {
            task.lead.clone_from(lead);
        }
        self.push_block(Block::Task(self.tasks.len()));
        self.numbers_here.insert(task.number.clone());
        self.tasks.push(task);
        self.scopes.push(self.stack.last().map_or(0, |(_, n)| *n));
    }

    /// Tasks whose number was used before in the same section, with the
    /// earlier one's line; and whether a number was used before in another
    /// section (numbering that starts again in each section).
    pub(super) fn duplicates(&self) -> (Vec<(&RawTask, usize)>, bool) {
        let mut seen: rustc_hash::FxHashMap<&str, (u32, usize)> = Default::default();
        let mut dups = Vec::new();
        let mut restarts = false;
        for (t, &scope) in self.tasks.iter().zip(&self.scopes) {
            match seen.insert(&t.number, (scope, t.line)) {
                Some((first_scope, first)) if first_scope == scope => dups.push((t, first)),
                Some(_) => restarts = true,
                None => {}
            }
        }
        (dups, restarts)
    }

    /// [`Builder::finish`], with an error for each task number used twice
    /// in one section.
    pub(super) fn finish_checked(
        self,
        rel: &Path,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> ParsedBody {
        let (duplicates, restarts) = self.duplicates();
        for (task, dup_of) in duplicates {
            diagnostics.push(
                Diagnostic::error(
                    rel,
                    task.line,
                    format!("task number {} is used twice in this plan", task.number),
                )
                .with_hint(format!(
                    "the first task {} is on line {dup_of}; renumber one of them as the document numbers it",
                    task.number
                )),
            );
        }
        let mut parsed = self.finish();
        parsed.restarts = restarts;
        parsed
    }

    pub(super) fn close_all(&mut self) {
        while !self.stack.is_empty() {
            self.close_section();
        }
        self.numbers_here.clear();
    }

    pub(super) fn finish(mut self) -> ParsedBody {
        self.close_all();
        let mut blocks = self.root;
        assign_anchors(&mut blocks, "sec");
        ParsedBody {
            blocks,
            tasks: self.tasks,
            raw_html: Vec::new(),
            restarts: false,
        }
    }
}
