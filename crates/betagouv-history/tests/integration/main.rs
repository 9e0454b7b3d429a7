//! Integration tests of betagouv-history (one test binary).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod bad_repos;
mod blame;
mod bundle;
mod dashboard;
mod prop_replay;
mod schema_2026;
mod series;
