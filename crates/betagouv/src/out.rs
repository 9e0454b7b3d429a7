//! The one way the command writes to the terminal.
//!
//! Every byte for standard output goes through [`outln!`] / [`out!`], which return a
//! [`StdoutError`] on failure instead of panicking as `println!` does. `main` turns it
//! into the exit status:
//!
//! - a closed pipe (`betagouv ... --json | head`) ends the command silently with
//!   status 0, as ripgrep does: the reader has what it wanted;
//! - any other failure (a full disk, `> /dev/full`) prints
//!   `error: cannot write to standard output: ...` and exits with status 2.
//!
//! Messages for standard error go through [`errln!`], which never fails (there is
//! nowhere left to report a failure to write an error) and escapes control
//! characters, so that a file name holding terminal escape codes cannot drive the
//! terminal.
//!
//! A standard output or standard error that is `/dev/null` is written to like any
//! other: output asked for with `> /dev/null`, Python's `subprocess.DEVNULL` or
//! systemd's `StandardOutput=null` is discarded, as the caller asked. A stream closed
//! at start-up (`>&-`) ends the same way: the Rust runtime reopens a closed standard
//! descriptor on `/dev/null` before `main`, so no file the command opens can take its
//! number. The two cannot be told apart (both are `/dev/null` opened read-write), and
//! refusing both, as versions before issue 19 did, broke the common case to catch the
//! rare one.

use std::fmt;
use std::io::{self, Write};

/// A failure to write to standard output.
#[derive(Debug)]
pub(crate) struct StdoutError(pub(crate) io::Error);

impl fmt::Display for StdoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write to standard output: {}", self.0)
    }
}

impl std::error::Error for StdoutError {}

impl StdoutError {
    /// True when the reader went away (`| head`): not a failure of ours.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        self.0.kind() == io::ErrorKind::BrokenPipe
    }
}

/// Writes formatted text to standard output.
pub(crate) fn write_fmt(args: fmt::Arguments<'_>) -> Result<(), StdoutError> {
    io::stdout().lock().write_fmt(args).map_err(StdoutError)
}

/// Writes text to standard output.
pub(crate) fn write_str(text: &str) -> Result<(), StdoutError> {
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(StdoutError)
}

/// Flushes standard output; called once by `main` before it exits.
pub(crate) fn flush() -> Result<(), StdoutError> {
    io::stdout().lock().flush().map_err(StdoutError)
}

/// Writes a line to standard error, control characters escaped; never fails.
pub(crate) fn err_line(args: fmt::Arguments<'_>) {
    let text = escape_controls(&args.to_string());
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Replaces control characters other than newline and tab by their `\u{..}` escape,
/// so that text from files (names, values) cannot move the cursor, change colours or
/// set the terminal's title.
pub(crate) fn escape_controls(text: &str) -> String {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// `println!` that returns `Result<(), StdoutError>` instead of panicking.
macro_rules! outln {
    () => {
        $crate::out::write_str("\n")
    };
    ($($arg:tt)*) => {
        $crate::out::write_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that returns `Result<(), StdoutError>` instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::out::write_fmt(format_args!($($arg)*))
    };
}

/// `eprintln!` that never fails and escapes control characters.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::out::err_line(format_args!($($arg)*))
    };
}

pub(crate) use {errln, out, outln};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_but_text_is_kept() {
        assert_eq!(escape_controls("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape_controls("x\ry\u{7}"), "x\\u{d}y\\u{7}");
        assert_eq!(escape_controls("é\tà\nü"), "é\tà\nü");
        assert_eq!(escape_controls("\u{9b}2J"), "\\u{9b}2J");
    }
}
