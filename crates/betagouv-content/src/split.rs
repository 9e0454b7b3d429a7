//! The front-matter splitter: bytes to text, then front matter and body.
//!
//! A content file is UTF-8 text that starts with a `---` line, then YAML, then a
//! closing `---` (or `...`) line, then a Markdown body. [`decode`] turns bytes into
//! text (BOM stripped, CRLF normalised to LF, both reported); [`split`] cuts the text
//! into front matter and body, tolerating blank lines before the opening fence (the
//! site generator would then see no front matter, so they are reported).
//!
//! Internal: the reader ([`crate::read`]) turns its results into
//! [`SourceInfo`](crate::read::SourceInfo) flags and located diagnostics.

use std::borrow::Cow;

/// Text decoded from a file's bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded<'a> {
    /// The text, BOM removed, CRLF replaced by LF.
    pub(crate) text: Cow<'a, str>,
    /// Whether a UTF-8 byte-order mark was removed.
    pub(crate) bom: bool,
    /// The first line (1-based) that ended with CRLF, when any did.
    pub(crate) crlf_line: Option<usize>,
}

/// Bytes that are not UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid UTF-8 at line {line}, column {column}")]
pub(crate) struct Utf8Error {
    /// Line of the first invalid byte (1-based).
    pub(crate) line: usize,
    /// Column of the first invalid byte (1-based, in characters).
    pub(crate) column: usize,
}

/// Decodes `bytes` as UTF-8, removes a BOM and normalises CRLF to LF.
///
/// # Errors
///
/// [`Utf8Error`] at the first invalid byte.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded<'_>, Utf8Error> {
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or_default();
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(Utf8Error { line, column });
        }
    };
    // Looking for a `\r` first is a memchr; most files have none.
    let crlf = if text.contains('\r') {
        text.find("\r\n")
    } else {
        None
    };
    match crlf {
        None => Ok(Decoded {
            text: Cow::Borrowed(text),
            bom,
            crlf_line: None,
        }),
        Some(i) => Ok(Decoded {
            crlf_line: Some(text[..i].matches('\n').count() + 1),
            text: Cow::Owned(text.replace("\r\n", "\n")),
            bom,
        }),
    }
}

/// A file cut into front matter and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Envelope<'a> {
    /// The YAML between the fences (each line with its `\n`).
    pub(crate) yaml: &'a str,
    /// The line of the file (1-based) where `yaml` starts: add it minus 1 to YAML line numbers.
    pub(crate) yaml_line: usize,
    /// The Markdown body after the closing fence line (may be empty).
    pub(crate) body: &'a str,
    /// Blank lines before the opening fence (0 in a well-formed file).
    pub(crate) blank_lines_before: usize,
    /// Whether the closing fence was `...` rather than `---`.
    pub(crate) dots_close: bool,
}

/// Why a text has no front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum EnvelopeError {
    /// The first non-blank line is not `---`.
    #[error("line {line}: the file does not start with a `---` line, so it has no front matter")]
    Missing {
        /// The first non-blank line (1-based), or 1 for an empty file.
        line: usize,
    },
    /// No closing `---` or `...` line after the opening one.
    #[error("line {line}: the front matter opened here is never closed by a `---` line")]
    Unterminated {
        /// The opening fence line (1-based).
        line: usize,
    },
}

fn is_fence(line: &str, fence: &str) -> bool {
    line.strip_prefix(fence)
        .is_some_and(|rest| rest.trim_end_matches([' ', '\t', '\r']).is_empty())
}

/// Cuts `text` (already decoded) into front matter and body.
///
/// # Errors
///
/// [`EnvelopeError`] when there is no opening fence or no closing one.
pub(crate) fn split(text: &str) -> Result<Envelope<'_>, EnvelopeError> {
    let mut pos = 0;
    let mut line_no = 0;
    let mut blank = 0;
    // Opening fence, after blank lines.
    loop {
        if pos >= text.len() {
            return Err(EnvelopeError::Missing {
                line: line_no.max(1),
            });
        }
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        line_no += 1;
        let content = line.strip_suffix('\n').unwrap_or(line);
        if content.trim().is_empty() {
            blank += 1;
            pos = end;
            continue;
        }
        if !is_fence(content, "---") {
            return Err(EnvelopeError::Missing { line: line_no });
        }
        if end == text.len() && !line.ends_with('\n') {
            return Err(EnvelopeError::Unterminated { line: line_no });
        }
        pos = end;
        break;
    }
    let open_line = line_no;
    let yaml_start = pos;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        let content = line.strip_suffix('\n').unwrap_or(line);
        let dashes = is_fence(content, "---");
        if dashes || is_fence(content, "...") {
            return Ok(Envelope {
                yaml: &text[yaml_start..pos],
                yaml_line: open_line + 1,
                body: &text[end..],
                blank_lines_before: blank,
                dots_close: !dashes,
            });
        }
        pos = end;
    }
    Err(EnvelopeError::Unterminated { line: open_line })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_reported_then_the_text_is_cut() {
        let d = decode(b"\xEF\xBB\xBF---\r\ntitle: A\r\n---\r\nBody\r\n").unwrap();
        assert!(d.bom);
        assert_eq!(d.crlf_line, Some(1));
        let e = split(&d.text).unwrap();
        assert_eq!((e.yaml, e.yaml_line, e.body), ("title: A\n", 2, "Body\n"));
    }

    #[test]
    fn cases() {
        let e = split("---\na: 1\n---").unwrap();
        assert_eq!((e.yaml, e.body), ("a: 1\n", ""));
        let e = split("\n\n---\n---\nx").unwrap();
        assert_eq!(
            (e.yaml, e.yaml_line, e.body, e.blank_lines_before),
            ("", 4, "x", 2)
        );
        let e = split("---\na: 1\n...\nbody\n---\n").unwrap();
        assert!(e.dots_close);
        assert_eq!(e.body, "body\n---\n");
        assert_eq!(split("title: x\n"), Err(EnvelopeError::Missing { line: 1 }));
        assert_eq!(split(""), Err(EnvelopeError::Missing { line: 1 }));
        assert_eq!(
            split("---\na: 1\n"),
            Err(EnvelopeError::Unterminated { line: 1 })
        );
        assert_eq!(split("---"), Err(EnvelopeError::Unterminated { line: 1 }));
        assert!(decode(b"ok\n\xff").is_err_and(|e| e.line == 2 && e.column == 1));
        assert!(decode(b"ab\xc3").is_err_and(|e| e.line == 1 && e.column == 3));
    }

    proptest::proptest! {
        #[test]
        fn lengths_add_up(s in "(---\n|\\.\\.\\.\n|a: b\n|\n| |x)*") {
            if let Ok(e) = split(&s) {
                // yaml and body are slices of the text, in order.
                let y = e.yaml.as_ptr() as usize - s.as_ptr() as usize;
                let b = e.body.as_ptr() as usize - s.as_ptr() as usize;
                proptest::prop_assert!(y + e.yaml.len() <= b);
                proptest::prop_assert_eq!(b + e.body.len(), s.len());
            }
        }
    }
}
