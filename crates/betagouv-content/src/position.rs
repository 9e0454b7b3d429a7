//! Where every key and value of a front matter is written, for locating problems.
//!
//! The reader keeps, for each file, the position of every key and value of its front
//! matter (top-level keys, list items, mapping keys and values, to any depth) in
//! [`SourceInfo::positions`](crate::read::SourceInfo::positions), as one flat table
//! per file (two allocations, whatever the number of nodes).
//! [`SourceInfo::locate`](crate::read::SourceInfo::locate) turns a path such as
//! `phases[1].end` (a [`Diagnostic::path`](betagouv_portfolio::Diagnostic::path)) into
//! a line and column.
//!
//! The convention of `content check` (see [`crate::check`]): a problem of a value is
//! located at the value; an empty or null value at its key; a missing field of a list
//! item at the item; a missing top-level key, a file name or a missing file is a
//! problem of the whole file, located at the file alone (no line).

use crate::yaml::{Entry, Kind, Node};

/// A position in a file: 1-based line and column (the column counts characters).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

/// Where every key and value of one front matter is written: see
/// [`Positions::locate`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Positions {
    /// Every key or value, breadth first: the top-level entries first, then the
    /// children of each node in a row.
    nodes: Vec<Spot>,
    /// The mapping keys, one after the other (each node names its range).
    keys: String,
    /// How many top-level entries (the first nodes).
    top: usize,
}

/// One mapping entry or list item: its key (empty for an item), where the key and
/// the value are, and its children.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Spot {
    /// The key's range in [`Positions::keys`].
    key: (u32, u32),
    /// The key's line and column (for an item, its list's value).
    key_at: (u32, u32),
    /// The value's line and column; for an empty or null value, its key's.
    at: (u32, u32),
    /// Whether the value is a mapping.
    mapping: bool,
    /// The value's entries or items: their first node and their number.
    children: (u32, u32),
}

/// `n` as a table index or position (front matters are far below 4 billion nodes,
/// lines or characters; a larger one is clamped).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `n` back as a `usize`.
fn wide(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The lists whose items the reader turns into record items only when they are
/// mappings: a path's index in them counts mapping items.
const ITEM_LISTS: [&str; 4] = ["phases", "events", "missions", "contracts"];

impl Positions {
    /// A table with no position (a file that gave no front matter).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            nodes: Vec::new(),
            keys: String::new(),
            top: 0,
        }
    }

    /// The positions of the top-level `entries`, YAML lines moved by `offset` to
    /// file lines.
    pub(crate) fn of(entries: &[Entry<'_>], offset: usize) -> Self {
        // A front matter has a few nodes per top-level key: sized so that most files
        // need no reallocation.
        let mut p = Self {
            nodes: Vec::with_capacity(entries.len() * 4),
            keys: String::with_capacity(entries.len() * 12),
            top: 0,
        };
        let mut values: Vec<&Node<'_>> = Vec::with_capacity(entries.len() * 4);
        for e in entries {
            p.push_entry(e, offset);
            values.push(&e.value);
        }
        p.top = p.nodes.len();
        let mut i = 0;
        while let Some(n) = values.get(i).copied() {
            let first = p.nodes.len();
            let parent_at = p.nodes.get(i).map_or((0, 0), |s| s.at);
            match &n.kind {
                Kind::Scalar(..) => {}
                Kind::Seq(items) => {
                    for item in items {
                        // An item has no key: an empty one is located where written.
                        let at = if item.line == 0 {
                            parent_at
                        } else {
                            (small(item.line + offset), small(item.col))
                        };
                        p.nodes.push(Spot {
                            key: (0, 0),
                            key_at: parent_at,
                            at,
                            mapping: matches!(item.kind, Kind::Map(_)),
                            children: (0, 0),
                        });
                        values.push(item);
                    }
                }
                Kind::Map(entries) => {
                    for e in entries {
                        p.push_entry(e, offset);
                        values.push(&e.value);
                    }
                }
            }
            let count = p.nodes.len() - first;
            if let Some(s) = p.nodes.get_mut(i) {
                s.children = (small(first), small(count));
            }
            i += 1;
        }
        p
    }

    /// Adds mapping entry `e` (its children come later).
    fn push_entry(&mut self, e: &Entry<'_>, offset: usize) {
        let start = self.keys.len();
        self.keys.push_str(&e.key);
        let key_at = (small(e.line + offset), small(e.col));
        self.nodes.push(Spot {
            key: (small(start), small(self.keys.len() - start)),
            key_at,
            at: node_at(&e.value, key_at, offset),
            mapping: matches!(e.value.kind, Kind::Map(_)),
            children: (0, 0),
        });
    }

    /// Whether the table holds no position.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The key of node `s`.
    fn key_of(&self, s: &Spot) -> &str {
        let (start, len) = (wide(s.key.0), wide(s.key.1));
        self.keys.get(start..start + len).unwrap_or("")
    }

    /// The children of node `s`.
    fn children(&self, s: &Spot) -> &[Spot] {
        let (first, len) = (wide(s.children.0), wide(s.children.1));
        self.nodes.get(first..first + len).unwrap_or(&[])
    }

    /// The top-level entry of key `key`.
    fn top_entry(&self, key: &str) -> Option<&Spot> {
        let top = self.nodes.get(..self.top).unwrap_or(&[]);
        top.iter().find(|s| self.key_of(s) == key)
    }

    /// Where top-level key `key` is written, when present.
    #[must_use]
    pub fn key(&self, key: &str) -> Option<Position> {
        self.top_entry(key).map(|s| position(s.key_at))
    }

    /// Where the value at `path` is written: `path` is a top-level key, then list
    /// indexes and mapping keys (`contact`, `phases[1].end`, `missions[0].startups[2]`).
    /// An index of `phases`, `events`, `missions` or `contracts` counts the list's
    /// mapping items (the record's items). An empty or null value is located at its
    /// key; a path that goes below what the file has, at the deepest value written on
    /// the way (a phase without `start`: the phase). `None` when the top-level key is
    /// missing (a problem of the whole file) or the path cannot be read.
    #[must_use]
    pub fn locate(&self, path: &str) -> Option<Position> {
        let steps = steps(path)?;
        let (first, rest) = steps.split_first()?;
        let Step::Key(key) = *first else {
            return None;
        };
        let mut here = self.top_entry(key)?;
        let mut list = key;
        for step in rest {
            let children = self.children(here);
            let next = match *step {
                Step::Key(k) => {
                    list = k;
                    children.iter().find(|c| self.key_of(c) == k)
                }
                Step::Index(n) if ITEM_LISTS.contains(&list) => {
                    children.iter().filter(|c| c.mapping).nth(n)
                }
                Step::Index(n) => children.get(n),
            };
            match next {
                Some(s) => here = s,
                None => break,
            }
        }
        Some(position(here.at))
    }
}

/// The position `at` as a [`Position`].
fn position(at: (u32, u32)) -> Position {
    Position {
        line: wide(at.0),
        column: wide(at.1),
    }
}

/// Where node `n` is (YAML lines moved by `offset`); an empty or null value, or one
/// without a position, is located at `key_at`.
fn node_at(n: &Node<'_>, key_at: (u32, u32), offset: usize) -> (u32, u32) {
    if n.is_absent() || n.line == 0 {
        key_at
    } else {
        (small(n.line + offset), small(n.col))
    }
}

/// One step of a path: a mapping key or a list index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step<'p> {
    Key(&'p str),
    Index(usize),
}

/// The steps of `path` (`phases[1].end`, `missions[0].startups[2]`, `contact`), or
/// `None` when it is not one.
pub(crate) fn steps(path: &str) -> Option<Vec<Step<'_>>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if key.is_empty() {
            return None;
        }
        out.push(Step::Key(key));
        while !rest.is_empty() {
            let (n, after) = rest.split_once(']')?;
            out.push(Step::Index(n.parse().ok()?));
            rest = after.strip_prefix('[').unwrap_or(after);
            if !after.is_empty() && !after.starts_with('[') {
                return None;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_read_into_steps() {
        assert_eq!(
            steps("missions[0].startups[2]"),
            Some(vec![
                Step::Key("missions"),
                Step::Index(0),
                Step::Key("startups"),
                Step::Index(2)
            ])
        );
        assert_eq!(steps("contact"), Some(vec![Step::Key("contact")]));
        assert_eq!(
            steps("a[1][2]"),
            Some(vec![Step::Key("a"), Step::Index(1), Step::Index(2)])
        );
        for bad in ["", "a[x]", "a[1", ".a", "a[1]b"] {
            assert_eq!(steps(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_node_is_located_breadth_first() {
        let yaml = "a: 1\nb:\n  - x\n  - k: v\n    l: [p, q]\n  - ''\nc:\n";
        let parsed = crate::yaml::parse(yaml, crate::YamlLimits::default()).unwrap();
        let p = Positions::of(&parsed.entries, 10);
        let at = |path: &str| p.locate(path).map(|p| (p.line, p.column));
        assert_eq!(at("a"), Some((11, 4)));
        assert_eq!(at("b[0]"), Some((13, 5)));
        assert_eq!(at("b[1].k"), Some((14, 8)));
        assert_eq!(at("b[1].l[1]"), Some((15, 12)));
        assert_eq!(at("b[1].zz"), Some((14, 5)), "a missing field: the item");
        assert_eq!(at("b[2]"), Some((16, 5)));
        assert_eq!(at("c"), Some((17, 1)), "a null value: its key");
        assert_eq!(at("d"), None);
        assert_eq!(p.key("b").map(|p| p.line), Some(12));
        assert!(!p.is_empty() && Positions::new().is_empty());
    }
}
