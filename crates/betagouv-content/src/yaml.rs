//! YAML front matter to a located tree, with limits, on the `granit-parser` event
//! parser that `serde-saphyr` ships.
//!
//! The tree keeps every node's line and column, each scalar's style (plain,
//! quoted, block) and mappings in file order. Duplicate keys keep the last value
//! in the first key's place and are reported. Aliases are expanded under a node
//! budget (alias bombs stop with a limit error); nesting deeper than the limit
//! stops too. Tabs after values, which some YAML scanners refuse, are retried
//! with tabs outside quotes replaced by spaces.

use std::borrow::Cow;
use std::collections::HashMap;

use betagouv_portfolio::Value;
use serde_saphyr::granit_parser::{ErrorKind, Event, Options, Parser, ScalarStyle};

use crate::scalar::resolve_plain;

/// Limits of the YAML loader, against hostile front matter (a part of
/// [`ReadOptions`](crate::ReadOptions)).
///
/// ```
/// use betagouv_content::{ReadOptions, YamlLimits};
/// let options = ReadOptions::default()
///     .with_yaml_limits(YamlLimits::default().with_max_depth(16).with_max_nodes(1_000));
/// assert_eq!(options.yaml_limits.max_depth, 16);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct YamlLimits {
    /// Deepest nesting of sequences and mappings (default 64).
    pub max_depth: usize,
    /// Most nodes in one front matter, aliases expanded (default 100,000).
    pub max_nodes: usize,
}

impl YamlLimits {
    /// With the deepest nesting of sequences and mappings set to `max_depth`.
    #[must_use]
    pub fn with_max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    /// With the most nodes of one front matter (aliases expanded) set to `max_nodes`.
    #[must_use]
    pub fn with_max_nodes(mut self, max_nodes: usize) -> Self {
        self.max_nodes = max_nodes;
        self
    }
}

impl Default for YamlLimits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_nodes: 100_000,
        }
    }
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Quoted,
    Block,
}

/// A node with its position (1-based line and column in the YAML text).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    pub(crate) kind: Kind<'a>,
    pub(crate) line: usize,
    pub(crate) col: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind<'a> {
    /// The text, borrowed from the YAML text when it is written there as is.
    Scalar(Cow<'a, str>, Style),
    Seq(Vec<Node<'a>>),
    Map(Vec<Entry<'a>>),
}

/// A mapping entry with its key's position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry<'a> {
    pub(crate) key: Cow<'a, str>,
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) value: Node<'a>,
}

impl Node<'_> {
    /// The value, with plain scalars resolved.
    pub(crate) fn to_value(&self) -> Value {
        match &self.kind {
            Kind::Scalar(s, Style::Plain) => resolve_plain(s),
            Kind::Scalar(s, _) => Value::String(s.as_ref().to_owned()),
            Kind::Seq(items) => Value::Seq(items.iter().map(Node::to_value).collect()),
            Kind::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|e| (e.key.as_ref().to_owned(), e.value.to_value()))
                    .collect(),
            ),
        }
    }

    /// Whether the node is null or the empty text (`''`): absent for optional fields.
    pub(crate) fn is_absent(&self) -> bool {
        match &self.kind {
            Kind::Scalar(s, Style::Plain) => crate::scalar::is_null(s),
            Kind::Scalar(s, Style::Quoted) => s.is_empty(),
            _ => false,
        }
    }
}

/// A key written twice in one mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    pub(crate) key: String,
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) first_line: usize,
}

/// A parsed front matter.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Parsed<'a> {
    /// Top-level entries (empty when the front matter is empty).
    pub(crate) entries: Vec<Entry<'a>>,
    pub(crate) duplicates: Vec<Duplicate>,
    /// Where a tab had to be replaced for the parser to accept the text.
    pub(crate) tab_line: Option<usize>,
    /// A mapping key that is not a scalar (kept as its YAML-like text).
    pub(crate) complex_keys: Vec<(usize, usize)>,
}

/// Why YAML could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum YamlError {
    Syntax {
        message: String,
        line: usize,
        col: usize,
    },
    Limit {
        message: String,
        line: usize,
        col: usize,
    },
    NotMapping {
        found: &'static str,
        line: usize,
        col: usize,
    },
}

/// Parses `yaml` into its top-level mapping: the fast path for the plain subset
/// ([`crate::fast`]), else the full parser.
pub(crate) fn parse(yaml: &str, limits: YamlLimits) -> Result<Parsed<'_>, YamlError> {
    match crate::fast::parse(yaml, limits) {
        Some(p) => Ok(p),
        None => parse_full(yaml, limits),
    }
}

/// Parses `yaml` with the full parser (the reference the fast path is tested against).
pub(crate) fn parse_full(yaml: &str, limits: YamlLimits) -> Result<Parsed<'_>, YamlError> {
    let mut r = parse_tabs(yaml, limits);
    if let Ok(p) = &mut r
        && p.tab_line.is_none()
        && yaml.contains('\t')
    {
        p.tab_line = replace_tabs(yaml).1;
    }
    r
}

fn parse_tabs(yaml: &str, limits: YamlLimits) -> Result<Parsed<'static>, YamlError> {
    match parse_once(yaml, limits) {
        Err(YamlError::Syntax { .. }) if yaml.contains('\t') => {
            let (fixed, first) = replace_tabs(yaml);
            match (first, parse_once(&fixed, limits)) {
                (Some(line), Ok(mut p)) => {
                    p.tab_line = Some(line);
                    Ok(p)
                }
                _ => parse_once(yaml, limits),
            }
        }
        other => other,
    }
}

/// Replaces tabs outside quoted scalars and comments by spaces; returns the text and
/// the first line where one was replaced.
fn replace_tabs(yaml: &str) -> (String, Option<usize>) {
    let mut out = String::with_capacity(yaml.len());
    let mut first = None;
    for (n, line) in yaml.split_inclusive('\n').enumerate() {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut comment = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            let mut emit = c;
            if comment {
            } else if let Some(q) = quote {
                if q == '"' && c == '\\' {
                    out.push(c);
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                    prev = 'x';
                    continue;
                }
                if c == q {
                    if q == '\'' && chars.peek() == Some(&'\'') {
                        out.push(c);
                        chars.next();
                        out.push('\'');
                        continue;
                    }
                    quote = None;
                }
            } else if (c == '\'' || c == '"')
                && matches!(prev, ' ' | '\t' | ':' | '-' | '[' | '{' | ',')
            {
                quote = Some(c);
            } else if c == '#' && matches!(prev, ' ' | '\t') {
                comment = true;
            } else if c == '\t' {
                emit = ' ';
                first.get_or_insert(n + 1);
            }
            out.push(emit);
            prev = c;
        }
    }
    (out, first)
}

enum Frame {
    Seq {
        items: Vec<Node<'static>>,
        line: usize,
        col: usize,
        anchor: usize,
    },
    Map {
        entries: Vec<Entry<'static>>,
        key: Option<(Cow<'static, str>, usize, usize)>,
        line: usize,
        col: usize,
        anchor: usize,
    },
}

fn count(node: &Node<'_>, budget: usize) -> usize {
    let mut n = 1;
    let mut stack = vec![node];
    while let Some(x) = stack.pop() {
        if n > budget {
            break;
        }
        match &x.kind {
            Kind::Scalar(..) => {}
            Kind::Seq(items) => {
                n += items.len();
                stack.extend(items);
            }
            Kind::Map(entries) => {
                n += entries.len();
                stack.extend(entries.iter().map(|e| &e.value));
            }
        }
    }
    n
}

fn parse_once(yaml: &str, limits: YamlLimits) -> Result<Parsed<'static>, YamlError> {
    let mut options = Options::default();
    options.set_emit_comments(false);
    options.block_nesting_limit = limits.max_depth.saturating_add(1);
    options.flow_nesting_limit = limits.max_depth.saturating_add(1);
    let parser = Parser::new_from_str_with_options(yaml, options);
    let mut tree = Tree::new(limits);
    for item in parser {
        let (event, span) = item.map_err(|e| parser_error(&e))?;
        let (line, col) = (span.start.line().max(1), span.start.col() + 1);
        let Some(done) = tree.event(event, line, col)? else {
            break;
        };
        tree.check_limits(line, col)?;
        if let Some((node, anchor)) = done {
            tree.attach(node, anchor);
        }
    }
    tree.finish()
}

/// A parser error as a limit error (recursion, input size) or a syntax error.
fn parser_error(e: &serde_saphyr::granit_parser::ScanError) -> YamlError {
    let m = e.marker();
    let message = e.info().to_owned();
    let (line, col) = (m.line(), m.col() + 1);
    let limit = matches!(
        e.kind(),
        ErrorKind::RecursionLimitExceeded
            | ErrorKind::InputByteLimitExceeded { .. }
            | ErrorKind::DirectiveByteLimitExceeded { .. }
    );
    if limit {
        YamlError::Limit { message, line, col }
    } else {
        YamlError::Syntax { message, line, col }
    }
}

/// A node completed by an event, with its anchor id (0 when none).
type Done = (Node<'static>, usize);

/// The tree being built from the parser's events: the open collections, the anchors
/// seen, the node count (aliases expanded) and the first document's root.
struct Tree {
    limits: YamlLimits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node<'static>, usize)>,
    parsed: Parsed<'static>,
    root: Option<Node<'static>>,
    nodes: usize,
    in_doc: bool,
    docs: usize,
}

impl Tree {
    fn new(limits: YamlLimits) -> Self {
        Self {
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            parsed: Parsed::default(),
            root: None,
            nodes: 0,
            in_doc: false,
            docs: 0,
        }
    }

    /// Takes one event: `None` to stop (a second document starts), else the node it
    /// completes, if any.
    fn event(
        &mut self,
        event: Event<'_>,
        line: usize,
        col: usize,
    ) -> Result<Option<Option<Done>>, YamlError> {
        let done = match event {
            Event::DocumentStart(..) => {
                self.docs += 1;
                if self.docs > 1 {
                    return Ok(None);
                }
                self.in_doc = true;
                None
            }
            Event::DocumentEnd => {
                self.in_doc = false;
                None
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tagged_str = tag
                    .as_ref()
                    .is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                let style = match style {
                    ScalarStyle::Plain if !tagged_str => Style::Plain,
                    ScalarStyle::Literal | ScalarStyle::Folded => Style::Block,
                    _ => Style::Quoted,
                };
                self.nodes += 1;
                let kind = Kind::Scalar(Cow::Owned(text.into_owned()), style);
                Some((Node { kind, line, col }, anchor))
            }
            Event::Alias(id) => Some(self.alias(id, line, col)?),
            Event::SequenceStart(_, anchor, _) => {
                self.open(Frame::Seq {
                    items: Vec::new(),
                    line,
                    col,
                    anchor,
                });
                None
            }
            Event::MappingStart(_, anchor, _) => {
                self.open(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    line,
                    col,
                    anchor,
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => None,
        };
        Ok(Some(done))
    }

    /// An alias: a copy of its anchor's node at the alias's place, counted in full
    /// against the node budget.
    fn alias(&mut self, id: usize, line: usize, col: usize) -> Result<Done, YamlError> {
        let Some((node, size)) = self.anchors.get(&id) else {
            return Err(YamlError::Syntax {
                message: "alias to an unknown anchor".into(),
                line,
                col,
            });
        };
        self.nodes = self.nodes.saturating_add(*size);
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError::Limit {
                message: format!(
                    "aliases expand to more than {} nodes (alias bomb?)",
                    self.limits.max_nodes
                ),
                line,
                col,
            });
        }
        let mut n = node.clone();
        n.line = line;
        n.col = col;
        Ok((n, 0))
    }

    /// A sequence or mapping starts.
    fn open(&mut self, frame: Frame) {
        self.stack.push(frame);
        self.nodes += 1;
    }

    /// The innermost sequence or mapping ends: its node.
    fn close(&mut self) -> Option<Done> {
        let (kind, line, col, anchor) = match self.stack.pop()? {
            Frame::Seq {
                items,
                line,
                col,
                anchor,
            } => (Kind::Seq(items), line, col, anchor),
            Frame::Map {
                entries,
                line,
                col,
                anchor,
                ..
            } => (Kind::Map(entries), line, col, anchor),
        };
        Some((Node { kind, line, col }, anchor))
    }

    /// The nesting and node limits, after each event.
    fn check_limits(&self, line: usize, col: usize) -> Result<(), YamlError> {
        if self.stack.len() > self.limits.max_depth {
            return Err(YamlError::Limit {
                message: format!("nesting deeper than {} levels", self.limits.max_depth),
                line,
                col,
            });
        }
        if self.nodes > self.limits.max_nodes {
            return Err(YamlError::Limit {
                message: format!("more than {} nodes", self.limits.max_nodes),
                line,
                col,
            });
        }
        Ok(())
    }

    /// A completed node: remembered under its anchor, then put in its parent (the
    /// root of the first document when there is none).
    fn attach(&mut self, node: Node<'static>, anchor: usize) {
        if anchor != 0 {
            let size = count(&node, self.limits.max_nodes.saturating_add(1));
            self.anchors.insert(anchor, (node.clone(), size));
        }
        match self.stack.last_mut() {
            None => {
                if self.in_doc || self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let text = match &node.kind {
                        Kind::Scalar(s, _) => s.clone(),
                        _ => {
                            self.parsed.complex_keys.push((node.line, node.col));
                            Cow::Owned(complex_key_text(&node))
                        }
                    };
                    *key = Some((text, node.line, node.col));
                }
                Some((k, kl, kc)) => {
                    if let Some(prev) = entries.iter_mut().find(|e| e.key == k) {
                        self.parsed.duplicates.push(Duplicate {
                            key: k.into_owned(),
                            line: kl,
                            col: kc,
                            first_line: prev.line,
                        });
                        prev.value = node;
                    } else {
                        entries.push(Entry {
                            key: k,
                            line: kl,
                            col: kc,
                            value: node,
                        });
                    }
                }
            },
        }
    }

    /// The parse: the root's entries, or an error when the root is not a mapping
    /// (nothing, null or `''` give no entries).
    fn finish(self) -> Result<Parsed<'static>, YamlError> {
        let mut parsed = self.parsed;
        match self.root {
            None => Ok(parsed),
            Some(Node {
                kind: Kind::Map(entries),
                ..
            }) => {
                parsed.entries = entries;
                Ok(parsed)
            }
            Some(n) if n.is_absent() => Ok(parsed),
            Some(n) => Err(YamlError::NotMapping {
                found: n.to_value().type_name(),
                line: n.line,
                col: n.col,
            }),
        }
    }
}

/// Longest written form kept for a mapping key that is not a text (a complex key).
///
/// The form is the key's value in debug notation, which escapes the quotes of any
/// complex key nested inside it: unbounded, each level of nesting would double its
/// length (a 434-byte file took 3 GB before this bound).
pub(crate) const COMPLEX_KEY_MAX: usize = 256;

/// The written form of a complex key, at most [`COMPLEX_KEY_MAX`] bytes plus `…`.
fn complex_key_text(node: &Node<'_>) -> String {
    use std::fmt::Write as _;

    /// Keeps the first [`COMPLEX_KEY_MAX`] bytes, then stops the formatting.
    struct Bounded(String);
    impl std::fmt::Write for Bounded {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for c in s.chars() {
                if self.0.len() + c.len_utf8() > COMPLEX_KEY_MAX {
                    return Err(std::fmt::Error);
                }
                self.0.push(c);
            }
            Ok(())
        }
    }
    let mut out = Bounded(String::new());
    if write!(out, "{:?}", node.to_value()).is_err() {
        out.0.push('…');
    }
    out.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Parsed<'_>, YamlError> {
        parse(s, YamlLimits::default())
    }

    #[test]
    fn tree_and_positions() {
        let r = p("a: 1\nb:\n  - x: '2020-01-01'\n    y: 2020-01-01\n").unwrap();
        assert_eq!(r.entries[1].line, 2);
        let v = r.entries[1].value.to_value();
        let Value::Seq(items) = v else { panic!() };
        let Value::Map(m) = &items[0] else { panic!() };
        assert_eq!(m[0].1, Value::String("2020-01-01".into()));
        assert!(matches!(m[1].1, Value::Date(_)));
    }

    #[test]
    fn duplicates_last_wins_in_place() {
        let r = p("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(r.entries.len(), 2);
        assert_eq!(r.entries[0].value.to_value(), Value::Number("3".into()));
        assert_eq!(r.duplicates[0].line, 3);
        assert_eq!(r.duplicates[0].first_line, 1);
    }

    #[test]
    fn tabs_after_values() {
        let r = p("a: x\t\nb:\tfoo\t\nc: 'q\t'\n").unwrap();
        assert_eq!(r.entries[0].value.to_value(), Value::String("x".into()));
        assert_eq!(r.entries[1].value.to_value(), Value::String("foo".into()));
        assert_eq!(r.entries[2].value.to_value(), Value::String("q\t".into()));
    }

    #[test]
    fn limits() {
        let deep = format!("a: {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(matches!(p(&deep), Err(YamlError::Limit { .. })));
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9u8 {
            let prev = (b'a' + i) as char;
            let cur = (b'b' + i) as char;
            bomb.push_str(&format!("{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(matches!(p(&bomb), Err(YamlError::Limit { .. })));
        assert!(matches!(p("- a\n"), Err(YamlError::NotMapping { .. })));
        assert!(matches!(p("github: @x\n"), Err(YamlError::Syntax { .. })));
        assert!(p("").unwrap().entries.is_empty());
    }

    #[test]
    fn nested_complex_keys_stay_bounded() {
        // Each level escapes the quotes of the key inside it: without the bound the
        // key's text doubles with every level.
        let depth = 40;
        let text = format!("a: {}x{}\n", "{".repeat(depth), ": 1}".repeat(depth));
        let r = p(&text).unwrap();
        let mut longest = 0;
        let mut todo: Vec<&Node<'_>> = r.entries.iter().map(|e| &e.value).collect();
        while let Some(n) = todo.pop() {
            match &n.kind {
                Kind::Map(entries) => {
                    for e in entries {
                        longest = longest.max(e.key.len());
                        todo.push(&e.value);
                    }
                }
                Kind::Seq(items) => todo.extend(items),
                _ => {}
            }
        }
        assert!(
            r.complex_keys.len() >= depth - 1,
            "{}",
            r.complex_keys.len()
        );
        assert!(longest <= COMPLEX_KEY_MAX + '…'.len_utf8(), "{longest}");
        assert!(longest > 100, "the written form is kept, cut: {longest}");
    }
}
