//! Where every key and value of a front matter is written, for locating problems.
//!
//! The reader keeps, for each top-level key of a file, the position of the key, of
//! its value and of every part of that value (list items, mapping keys and values,
//! to any depth) in [`SourceInfo::key_positions`](crate::read::SourceInfo::key_positions).
//! [`SourceInfo::locate`](crate::read::SourceInfo::locate) turns a path such as
//! `phases[1].end` (a [`Diagnostic::path`](betagouv_portfolio::Diagnostic::path)) into
//! a line and column.
//!
//! The convention of `content check` (see [`crate::check`]): a problem of a value is
//! located at the value; an empty or null value at its key; a missing field of a list
//! item at the item; a missing top-level key, a file name or a missing file is a
//! problem of the whole file, located at the file alone (no line).

use std::borrow::Cow;

use crate::yaml::{Entry, Kind, Node};

/// The keys of list items and sub-mappings that most files write: held without a copy.
const ITEM_KEYS: [&str; 14] = [
    "name",
    "start",
    "end",
    "date",
    "comment",
    "status",
    "employer",
    "startups",
    "acronym",
    "type",
    "domaine_ministeriel",
    "montant",
    "promotion",
    "role",
];

/// Key `key`, borrowed when it is one of [`ITEM_KEYS`].
fn item_key(key: &str) -> Cow<'static, str> {
    ITEM_KEYS
        .iter()
        .find(|k| **k == key)
        .map_or_else(|| Cow::Owned(key.to_owned()), |k| Cow::Borrowed(*k))
}

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

/// Where a value is written and, for a list or a mapping, where its parts are.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ValuePosition {
    /// Where the value starts; for an empty or null value, where its key is.
    pub at: Position,
    /// Whether the value is a mapping (a list item that is a mapping is a phase, an
    /// event or a mission of the record; the others are not read as items).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mapping: bool,
    /// A list's items, in file order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ValuePosition>,
    /// A mapping's entries, in file order: the key and where it and its value are.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<(Cow<'static, str>, KeyPosition)>,
}

/// Where a key and its value are written.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct KeyPosition {
    /// Where the key is.
    pub key: Position,
    /// Where its value (and its parts) are.
    pub value: ValuePosition,
}

impl KeyPosition {
    /// The positions of mapping entry `e`, YAML lines moved by `offset` to file lines.
    pub(crate) fn of(e: &Entry<'_>, offset: usize) -> Self {
        let key = Position {
            line: e.line + offset,
            column: e.col,
        };
        Self {
            key,
            value: ValuePosition::of(&e.value, key, offset),
        }
    }
}

impl ValuePosition {
    /// The positions of node `n` (whose key is at `key`), YAML lines moved by `offset`.
    fn of(n: &Node<'_>, key: Position, offset: usize) -> Self {
        let at = if n.is_absent() || n.line == 0 {
            key
        } else {
            Position {
                line: n.line + offset,
                column: n.col,
            }
        };
        match &n.kind {
            Kind::Scalar(..) => Self {
                at,
                ..Self::default()
            },
            Kind::Seq(items) => Self {
                at,
                mapping: false,
                items: items.iter().map(|i| Self::of(i, at, offset)).collect(),
                entries: Vec::new(),
            },
            Kind::Map(entries) => Self {
                at,
                mapping: true,
                items: Vec::new(),
                entries: entries
                    .iter()
                    .map(|e| (item_key(&e.key), KeyPosition::of(e, offset)))
                    .collect(),
            },
        }
    }

    /// The entry of key `key`, when the value is a mapping with it.
    fn entry(&self, key: &str) -> Option<&KeyPosition> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, p)| p)
    }

    /// Item `n` of the list: the `n`-th mapping item when `mappings` (the record's
    /// `n`-th phase, event or mission), else the `n`-th item.
    fn item(&self, n: usize, mappings: bool) -> Option<&ValuePosition> {
        if mappings {
            self.items.iter().filter(|i| i.mapping).nth(n)
        } else {
            self.items.get(n)
        }
    }
}

/// The lists whose items the reader turns into record items only when they are
/// mappings: a path's index in them counts mapping items.
const ITEM_LISTS: [&str; 4] = ["phases", "events", "missions", "contracts"];

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

/// Where the value at `steps` below top-level key position `top` is: the value's
/// position, or, when the path goes below what the file has, the position of the
/// deepest value written on the way (a missing field of an item: the item).
pub(crate) fn walk(top: &KeyPosition, first_key: &str, steps: &[Step<'_>]) -> Position {
    let mut here = &top.value;
    let mut key = first_key;
    for step in steps {
        let next = match *step {
            Step::Key(k) => {
                key = k;
                here.entry(k).map(|p| &p.value)
            }
            Step::Index(n) => here.item(n, ITEM_LISTS.contains(&key)),
        };
        match next {
            Some(v) => here = v,
            None => break,
        }
    }
    here.at
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
}
