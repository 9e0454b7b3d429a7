//! Integration tests of betagouv-report: the 2016 report, its claims, its outputs,
//! and the HTML rendered in a real browser.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod browser;
mod claims;
mod common;
mod dashboard;
mod evaluations;
mod outputs;
