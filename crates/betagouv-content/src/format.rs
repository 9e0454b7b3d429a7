//! Format notes: what the reader accepts, what the writer produces, and our
//! `vocabulary` extension.
#![doc = include_str!("format.md")]
