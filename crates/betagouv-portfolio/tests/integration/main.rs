//! Integration tests of betagouv-portfolio: property tests of the time-travel and
//! snapshot invariants, the dashboard's, and the built-in dataset's figures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod builtin;
mod dashboard;
mod invariants;
