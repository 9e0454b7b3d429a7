//! The HTML report in a real browser (Debian's chromium): PNG and PDF.
