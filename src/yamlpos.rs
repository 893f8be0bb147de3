//! Where each node of a YAML file starts, by YAML path.
//!
//! serde_yaml reports a location only for the first parse error. Checks that
//! run after parsing (an unknown party, a wrong total) need the line and
//! column of the value they complain about, so we index every key and value
//! once with yaml-rust2's marked event parser.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone)]
struct Entry {
    key: Option<Pos>,
    value: Pos,
    /// The text of a scalar value.
    text: Option<String>,
}

/// Positions of the keys and values in one YAML document, by path
/// (`parties[0].name`).
#[derive(Debug, Default)]
pub struct PosIndex {
    entries: HashMap<String, Entry>,
}

impl PosIndex {
    /// Builds the index. A file that does not parse gives an empty index:
    /// serde_yaml will already have reported the syntax error.
    pub fn build(src: &str) -> PosIndex {
        let mut b = Builder {
            stack: Vec::new(),
            index: PosIndex::default(),
        };
        let mut parser = Parser::new_from_str(src);
        let _ = parser.load(&mut b, false);
        b.index
    }

    /// Where the value at `path` starts, or the nearest ancestor's.
    pub fn value(&self, path: &str) -> Option<Pos> {
        self.lookup(path).map(|e| e.value)
    }

    /// Where the key of `path` is written (for "unknown field"), falling
    /// back to the value.
    pub fn key(&self, path: &str) -> Option<Pos> {
        self.lookup(path).map(|e| e.key.unwrap_or(e.value))
    }

    /// Every scalar value with its path and position, in file order.
    pub fn scalars(&self) -> Vec<(&str, Pos, &str)> {
        let mut v: Vec<(&str, Pos, &str)> = self
            .entries
            .iter()
            .filter_map(|(p, e)| e.text.as_deref().map(|t| (p.as_str(), e.value, t)))
            .collect();
        v.sort_by_key(|(_, pos, _)| (pos.line, pos.column));
        v
    }

    fn lookup(&self, path: &str) -> Option<&Entry> {
        let mut p = path;
        loop {
            if let Some(e) = self.entries.get(p) {
                return Some(e);
            }
            if p.is_empty() {
                return None;
            }
            p = parent(p);
        }
    }
}

fn parent(path: &str) -> &str {
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    &path[..cut]
}

pub fn join_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

pub fn join_index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

enum Frame {
    Map {
        path: String,
        key: Option<(String, Pos)>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

struct Builder {
    stack: Vec<Frame>,
    index: PosIndex,
}

fn pos(m: &Marker) -> Pos {
    // yaml-rust2 counts lines from 1 and columns from 0.
    Pos {
        line: m.line(),
        column: m.col() + 1,
    }
}

impl Builder {
    /// Called for every node start. Returns the node's path if it is a value
    /// (as opposed to a mapping key).
    fn node(&mut self, at: Pos, scalar: Option<&str>) -> Option<String> {
        match self.stack.last_mut() {
            None => {
                self.index.entries.insert(
                    String::new(),
                    Entry {
                        key: None,
                        value: at,
                        text: scalar.map(str::to_string),
                    },
                );
                Some(String::new())
            }
            Some(Frame::Seq { path, next }) => {
                let p = join_index(path, *next);
                *next += 1;
                self.index.entries.insert(
                    p.clone(),
                    Entry {
                        key: None,
                        value: at,
                        text: scalar.map(str::to_string),
                    },
                );
                Some(p)
            }
            Some(Frame::Map { path, key }) => match key.take() {
                None => {
                    // This node is a key.
                    *key = Some((scalar.unwrap_or("?").to_string(), at));
                    None
                }
                Some((k, kpos)) => {
                    let p = join_key(path, &k);
                    self.index.entries.insert(
                        p.clone(),
                        Entry {
                            key: Some(kpos),
                            value: at,
                            text: scalar.map(str::to_string),
                        },
                    );
                    Some(p)
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = pos(&mark);
        match ev {
            Event::Scalar(s, ..) => {
                self.node(at, Some(&s));
            }
            Event::Alias(_) => {
                self.node(at, None);
            }
            Event::MappingStart(..) => {
                // A mapping used as a key gets a throwaway frame.
                let path = self.node(at, None).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.node(at, None).unwrap_or_else(|| "?".into());
                self.stack.push(Frame::Seq { path, next: 0 });
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
    fn indexes_keys_values_and_items() {
        let src = "a: 1\nlist:\n  - x: \"q\"\n    y: 2\n  - z\n";
        let ix = PosIndex::build(src);
        assert_eq!(ix.value("a"), Some(Pos { line: 1, column: 4 }));
        assert_eq!(ix.key("a"), Some(Pos { line: 1, column: 1 }));
        assert_eq!(ix.value("list[0].x"), Some(Pos { line: 3, column: 8 }));
        assert_eq!(ix.key("list[0].y"), Some(Pos { line: 4, column: 5 }));
        assert_eq!(ix.value("list[1]"), Some(Pos { line: 5, column: 5 }));
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(ix.value("list[0].nope").map(|p| p.line), Some(3));
    }
}
