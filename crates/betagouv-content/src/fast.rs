//! A fast path for the plain block-YAML subset that almost every front matter uses.
//!
//! [`parse`] reads block mappings and sequences of one-line scalars (plain, single
//! quoted, double quoted without escapes), full-line and trailing comments, and
//! builds exactly the tree the full parser ([`crate::yaml`]) builds: same texts,
//! styles, lines and columns, same duplicate keys. Anything else (tabs, flow
//! collections, anchors, aliases, tags, block scalars, multi-line scalars, escapes,
//! document markers, keys that are not simple words, odd indentation, inputs near a
//! limit) makes it decline with `None`, and the caller runs the full parser. The
//! equivalence is tested on every file of the shared snapshots and by proptest.

use std::borrow::Cow;

use crate::yaml::{Duplicate, Entry, Kind, Node, Parsed, Style, YamlLimits};

/// Largest front matter the fast path reads (bytes).
const MAX_LEN: usize = 1 << 20;
/// Longest key the fast path reads (YAML caps implicit keys at 1024 characters).
const MAX_KEY: usize = 512;

/// One line with content: its number (1-based), indentation and text after it.
#[derive(Clone, Copy)]
struct Line<'a> {
    no: usize,
    indent: usize,
    text: &'a str,
}

struct Fast<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
    nodes: usize,
    depth: usize,
    max_nodes: usize,
    max_depth: usize,
    duplicates: Vec<Duplicate>,
}

/// Parses `yaml` when it is in the plain subset; `None` when the full parser must.
pub(crate) fn parse(yaml: &str, limits: YamlLimits) -> Option<Parsed<'_>> {
    if yaml.len() > MAX_LEN || !printable(yaml) {
        return None;
    }
    let mut lines = Vec::with_capacity(yaml.len() / 16);
    for (i, raw) in yaml.split('\n').enumerate() {
        let text = raw.trim_start_matches(' ');
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        lines.push(Line {
            no: i + 1,
            indent: raw.len() - text.len(),
            text,
        });
    }
    let first = lines.first()?;
    if first.indent != 0 {
        return None;
    }
    let mut f = Fast {
        lines,
        pos: 0,
        nodes: 0,
        depth: 0,
        max_nodes: limits.max_nodes / 2,
        max_depth: limits.max_depth / 2,
        duplicates: Vec::new(),
    };
    let root = f.map(0)?;
    if f.pos != f.lines.len() {
        return None;
    }
    let Kind::Map(entries) = root.kind else {
        return None;
    };
    Some(Parsed {
        entries,
        duplicates: f.duplicates,
        tab_line: None,
        complex_keys: Vec::new(),
    })
}

/// Whether every character is one the subset allows: printable YAML characters
/// other than tabs, carriage returns, NEL, line separators and byte-order marks.
fn printable(s: &str) -> bool {
    let bytes_ok = s.bytes().all(|b| b == b'\n' || (b >= 0x20 && b != 0x7F));
    bytes_ok
        && (s.is_ascii()
            || s.chars().all(|c| {
                let c = u32::from(c);
                c < 0x80
                    || (0xA0..=0xD7FF).contains(&c) && c != 0x2028 && c != 0x2029
                    || (0xE000..=0xFFFD).contains(&c) && c != 0xFEFF
                    || (0x10000..=0x10FFFF).contains(&c)
            }))
}

/// Whether a line's text starts a block sequence entry (`-` then a space or nothing).
fn is_dash(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// Splits `key: rest` (a simple word key); `None` when the text is not one.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let b = text.as_bytes();
    let first = *b.first()?;
    if !(first.is_ascii_alphanumeric() || first == b'_') {
        return None;
    }
    let n = b
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')))?;
    if b[n] != b':' || n > MAX_KEY {
        return None;
    }
    let rest = &text[n + 1..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((&text[..n], rest))
}

/// Whether what follows a quoted scalar on its line is only spaces and a comment.
fn clean_tail(tail: &str) -> bool {
    let t = tail.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < tail.len())
}

/// A one-line scalar at the start of `text` (nothing but a comment after it).
fn scalar(text: &str) -> Option<(Cow<'_, str>, Style)> {
    let b = text.as_bytes();
    match *b.first()? {
        b'\'' => {
            let body = &text[1..];
            let i = body.find('\'')?;
            if !body[i + 1..].starts_with('\'') {
                return clean_tail(&body[i + 1..])
                    .then_some((Cow::Borrowed(&body[..i]), Style::Quoted));
            }
            let mut out = String::new();
            let mut rest = body;
            loop {
                let i = rest.find('\'')?;
                out.push_str(&rest[..i]);
                rest = &rest[i + 1..];
                if let Some(r) = rest.strip_prefix('\'') {
                    out.push('\'');
                    rest = r;
                } else {
                    break;
                }
            }
            clean_tail(rest).then_some((Cow::Owned(out), Style::Quoted))
        }
        b'"' => {
            let rest = &text[1..];
            let i = rest.find(['"', '\\'])?;
            (rest.as_bytes()[i] == b'"' && clean_tail(&rest[i + 1..]))
                .then_some((Cow::Borrowed(&rest[..i]), Style::Quoted))
        }
        b'-' if b.get(1).is_none_or(|&c| c == b' ') => None,
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'%' | b'@' | b'`' => None,
        _ => {
            let value = text.find(" #").map_or(text, |i| &text[..i]);
            let value = value.trim_end_matches(' ');
            if value.ends_with(':') || value.contains(": ") {
                return None;
            }
            Some((Cow::Borrowed(value), Style::Plain))
        }
    }
}

impl<'a> Fast<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    fn count(&mut self) -> Option<()> {
        self.nodes += 1;
        (self.nodes <= self.max_nodes).then_some(())
    }

    /// A block mapping whose keys are at `indent`; the current line is its first key.
    fn map(&mut self, indent: usize) -> Option<Node<'a>> {
        let first = self.peek()?;
        self.count()?;
        self.depth += 1;
        if self.depth > self.max_depth {
            return None;
        }
        let mut entries: Vec<Entry<'a>> = Vec::new();
        while let Some(l) = self.peek() {
            if l.indent < indent {
                break;
            }
            if l.indent > indent {
                return None;
            }
            let (key, rest) = split_key(l.text)?;
            self.count()?;
            self.pos += 1;
            let colon = indent + key.len();
            let value = self.value(l.no, colon, rest, indent, true)?;
            if let Some(prev) = entries.iter_mut().find(|e| e.key == key) {
                self.duplicates.push(Duplicate {
                    key: key.to_owned(),
                    line: l.no,
                    col: indent + 1,
                    first_line: prev.line,
                });
                prev.value = value;
            } else {
                entries.push(Entry {
                    key: Cow::Borrowed(key),
                    line: l.no,
                    col: indent + 1,
                    value,
                });
            }
        }
        self.depth -= 1;
        Some(Node {
            kind: Kind::Map(entries),
            line: first.no,
            col: indent + 1,
        })
    }

    /// The value after an indicator (`:` of a key, or `-`) at 0-based column `at`
    /// of line `no`, in a block whose entries are at `indent`; `rest` follows the
    /// indicator on its line.
    fn value(
        &mut self,
        no: usize,
        at: usize,
        rest: &'a str,
        indent: usize,
        in_map: bool,
    ) -> Option<Node<'a>> {
        let text = rest.trim_start_matches(' ');
        let col = at + 1 + rest.len() - text.len() + 1;
        for (empty, kind) in [("[]", Kind::Seq(Vec::new())), ("{}", Kind::Map(Vec::new()))] {
            if let Some(tail) = text.strip_prefix(empty) {
                if !clean_tail(tail) || self.depth >= self.max_depth {
                    return None;
                }
                self.count()?;
                return Some(Node {
                    kind,
                    line: no,
                    col,
                });
            }
        }
        if !(text.is_empty() || text.starts_with('#')) {
            let (s, style) = scalar(text)?;
            self.count()?;
            return Some(Node {
                kind: Kind::Scalar(s, style),
                line: no,
                col,
            });
        }
        match self.peek() {
            Some(n) if n.indent > indent => {
                if is_dash(n.text) {
                    self.seq(n.indent)
                } else {
                    self.map(n.indent)
                }
            }
            _ if in_map => {
                self.count()?;
                Some(Node {
                    kind: Kind::Scalar(Cow::Borrowed("~"), Style::Plain),
                    line: no,
                    col: at + 1,
                })
            }
            // A null sequence item, or an indentless sequence: the full parser's
            // positions for them are quirky, leave them to it.
            _ => None,
        }
    }

    /// A block sequence whose dashes are at `indent`; the current line is its first entry.
    fn seq(&mut self, indent: usize) -> Option<Node<'a>> {
        let first = self.peek()?;
        self.count()?;
        self.depth += 1;
        if self.depth > self.max_depth {
            return None;
        }
        let mut items = Vec::new();
        while let Some(l) = self.peek() {
            if l.indent < indent || (l.indent == indent && !is_dash(l.text)) {
                break;
            }
            if l.indent > indent {
                return None;
            }
            let rest = &l.text[1..];
            let content = rest.trim_start_matches(' ');
            let col = indent + 1 + rest.len() - content.len();
            if content.starts_with('-') && is_dash(content) {
                return None;
            }
            if split_key(content).is_some() {
                // A compact mapping: its first key is on the dash line.
                if let Some(line) = self.lines.get_mut(self.pos) {
                    line.indent = col;
                    line.text = content;
                }
                items.push(self.map(col)?);
            } else {
                self.pos += 1;
                items.push(self.value(l.no, indent, rest, indent, false)?);
            }
        }
        self.depth -= 1;
        Some(Node {
            kind: Kind::Seq(items),
            line: first.no,
            col: indent + 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::split::{decode, split};
    use crate::yaml::parse_full;
    use proptest::prelude::*;

    /// Asserts that the fast path, when it accepts `yaml`, gives the full parser's tree.
    fn same(yaml: &str) -> bool {
        let limits = YamlLimits::default();
        match parse(yaml, limits) {
            Some(fast) => {
                assert_eq!(Ok(fast), parse_full(yaml, limits), "{yaml:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn accepts_the_subset_with_full_parser_positions() {
        for y in [
            "a: 1\nb:\n  - x: '2020-01-01'\n    y: 2020-01-01\n",
            "a:\nb: x\n",
            "a:\n",
            "a:   # note\nb:  \n",
            "a:\n  -   k: v\n      l:\n  - m: x\n",
            "l:\n  - x: 1\n    y:\n      - 1\n      - 2\n  -\n    z: 3\n",
            "# c\na: x # c\nb: 'it''s' # c\nc: \"q\" \n  # c\nd: é ü\n",
            "a: 1\nb: 2\na: 3\nn:\n  k: 1\n  k: 2\n",
            "a: http://x.org/a#b\nb: C# and F#\nc: -1\nd: a :b\ne: x-\n",
            "t: Foo [beta] {x}, y\nu: '' \nv: \"\"\nw: ~\n",
            "a: []\nb: {} # c\nc:\n  - []\n  - {}\n",
            "a:\n  b:\n    c:\n      - d\n",
        ] {
            assert!(same(y), "declined {y:?}");
        }
    }

    #[test]
    fn declines_the_rest() {
        for y in [
            "",
            "# only\n",
            " a: 1\n",
            "a: b: c\n",
            "a: x\n  y\n",
            "a: [1, 2]\n",
            "a: [] x\n",
            "a: []x\n",
            "a:\n- x\n",
            "a:\n  -\n  - x\n",
            "a: {b: 1}\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: |\n  x\n",
            "a: >\n  x\n",
            "a: 'x\n  y'\n",
            "a: \"x\\ty\"\n",
            "a:\tx\n",
            "a: x\r\n",
            "'a': x\n",
            "a b: x\n",
            "? a\n: b\n",
            "- a\n",
            "a:\n- - x\n",
            "a: x:\n",
            "a: @x\n",
            "a: 'x'y\n",
            "a: 'x'# c\n",
            "a:\n  b: 1\n c: 2\n",
            "a: \u{feff}x\n",
            "a: \u{85}x\n",
            "a: 1\n---\nb: 2\n",
            "a: 1\n...\n",
        ] {
            assert!(!same(y), "accepted {y:?}");
        }
    }

    /// Every file of both shared snapshots: the fast path, when it accepts, gives
    /// the full parser's tree; almost every file of the 2025 snapshot takes it.
    #[test]
    #[allow(clippy::print_stderr)]
    fn equals_the_full_parser_on_every_shared_file() {
        for (era, min_share) in [("2016-12-31", 0.0), ("2025-12-31", 0.95)] {
            let Some(dir) = betagouv_tests::shared_data(&format!("betagouv-content/{era}")) else {
                return;
            };
            let (mut fast, mut all) = (0usize, 0usize);
            let mut stack = vec![dir];
            while let Some(d) = stack.pop() {
                let Ok(entries) = std::fs::read_dir(&d) else {
                    continue;
                };
                for e in entries.flatten() {
                    let p = e.path();
                    if p.is_dir() {
                        stack.push(p);
                        continue;
                    }
                    let Ok(bytes) = std::fs::read(&p) else {
                        continue;
                    };
                    let Ok(text) = decode(&bytes) else { continue };
                    let Ok(env) = split(&text.text) else { continue };
                    all += 1;
                    fast += usize::from(same(env.yaml));
                }
            }
            eprintln!("{era}: {fast} of {all} front matters took the fast path");
            assert!(all > 0);
            #[allow(clippy::cast_precision_loss)]
            let share = fast as f64 / all as f64;
            assert!(share >= min_share, "{era}: only {fast} of {all} fast");
        }
    }

    const INDENTS: &[&str] = &["", "", "", " ", "  ", "    ", "      "];
    const LEADS: &[&str] = &["", "", "", "- ", "-", "-  ", "- - ", "? "];
    const KEYS: &[&str] = &[
        "", "a:", "b:", "a:", "c_d:", "k-1:", "x.y:", "2020:", "a :", "'q':", "a b:", "é:", "a:b",
    ];
    const SEPS: &[&str] = &["", " ", " ", "  "];
    const VALUES: &[&str] = &[
        "",
        "",
        "x",
        "1",
        "~",
        "null",
        "true",
        "2020-01-01",
        "-1",
        "-",
        "- x",
        "'it''s'",
        "''",
        "'a'b",
        "'open",
        "\"q\"",
        "\"e\\n\"",
        "\"a'b\"",
        "a: b",
        "x:",
        "a :b",
        "[1, 2]",
        "[]",
        "{}",
        "[] x",
        "[ ]",
        "{}# c",
        "{a: 1}",
        "&a x",
        "*a",
        "!!str 1",
        "|",
        ">-",
        "# c",
        "x # c",
        "x#c",
        "é ü",
        "http://x",
        "C#",
        "@x",
        "`x",
        "%x",
        "?x",
        ":x",
        ",x",
        "x\t",
        "\tx",
        "a  b",
        "---",
        "...",
        "x\r",
        "\u{feff}",
        "\u{85}",
        "'a' # c",
        "'a'# c",
        "\"a\" #c",
    ];
    const TAILS: &[&str] = &["", "", " ", "  # c", " #", "#"];

    fn line() -> impl Strategy<Value = String> {
        (
            proptest::sample::select(INDENTS),
            proptest::sample::select(LEADS),
            proptest::sample::select(KEYS),
            proptest::sample::select(SEPS),
            proptest::sample::select(VALUES),
            proptest::sample::select(TAILS),
        )
            .prop_map(|(i, l, k, s, v, t)| format!("{i}{l}{k}{s}{v}{t}"))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn fast_equals_full_whenever_it_accepts(lines in proptest::collection::vec(line(), 1..10)) {
            let mut yaml = lines.join("\n");
            yaml.push('\n');
            same(&yaml);
        }
    }
}
