//! Where things are in a YAML text: the line of each node by its path.
//!
//! serde_yaml keeps no positions of what it read well, so checks made after
//! deserialising (content fields, site.yaml's `base_url`) read the text again
//! with yaml_rust2's event parser. A leaf module: config and content both
//! use it.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Lines of YAML nodes by path (`plans.0.sections.2.tasks.3`), so that checks
/// made after deserialising can still point at the right line.
#[derive(Debug, Default)]
pub struct Locator {
    lines: HashMap<String, usize>,
}

impl Locator {
    pub fn read(text: &str) -> Locator {
        let mut recv = LocatorBuilder::default();
        // serde_yaml has parsed the same text already; if this parser
        // disagrees, positions fall back to line 1 rather than failing.
        let _ = Parser::new_from_str(text).load(&mut recv, false);
        Locator { lines: recv.lines }
    }

    /// The line of the node at `path`, or 1 when unknown. For a block
    /// scalar (`|`, `>`) it is the line its text starts on.
    pub fn line(&self, path: &str) -> usize {
        self.get(path).unwrap_or(1)
    }

    /// The line of the node at `path`, if the text has one there.
    pub fn get(&self, path: &str) -> Option<usize> {
        self.lines.get(path).copied()
    }
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, index: usize },
}

#[derive(Default)]
struct LocatorBuilder {
    stack: Vec<Frame>,
    lines: HashMap<String, usize>,
}

impl LocatorBuilder {
    /// The path of the value that is starting now, and advances the parent.
    fn next_value_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Map { path, key }) => key.take().map(|k| join(path, &k)),
            Some(Frame::Seq { path, index }) => {
                let p = join(path, &index.to_string());
                *index += 1;
                Some(p)
            }
        }
    }
}

fn join(path: &str, part: &str) -> String {
    if path.is_empty() {
        part.to_string()
    } else {
        format!("{path}.{part}")
    }
}

impl MarkedEventReceiver for LocatorBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, ..) => {
                if let Some(Frame::Map { key, .. }) = self.stack.last_mut()
                    && key.is_none()
                {
                    *key = Some(value);
                    return;
                }
                if let Some(p) = self.next_value_path() {
                    self.lines.entry(p).or_insert(mark.line());
                }
            }
            Event::Alias(_) => {
                self.next_value_path();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let path = self.next_value_path().unwrap_or_default();
                self.lines.entry(path.clone()).or_insert(mark.line());
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Map { path, key: None }
                } else {
                    Frame::Seq { path, index: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locator_finds_nested_items() {
        let text = "plans:\n  - slug: a\n    sections:\n      - title: x\n        tasks:\n          - number: 1\n            text: t\n          - number: 2\n";
        let l = Locator::read(text);
        assert_eq!(l.line("plans.0"), 2);
        assert_eq!(l.line("plans.0.sections.0.tasks.0"), 6);
        assert_eq!(l.line("plans.0.sections.0.tasks.1"), 8);
    }

    #[test]
    fn locator_finds_where_text_starts() {
        let text =
            "plan:\n  a: |\n    one\n    two\n  b: >-\n\n    three\n  c: \"x\"\n  d:\n    plain\n";
        let l = Locator::read(text);
        assert_eq!(l.line("plan.a"), 3);
        assert_eq!(l.line("plan.b"), 7);
        assert_eq!(l.line("plan.c"), 8);
        assert_eq!(l.line("plan.d"), 10);
    }
}
