//! Integration tests of betagouv-export: real clients read our exports.
//!
//! Tests that need the shared data (`BETAGOUV_SHARED_DATA`) or an external tool
//! (`frictionless`, `sqlite3`, python `jsonschema`) skip with a note unless
//! `BETAGOUV_REQUIRE_EXTERNAL` is set, as everywhere in the workspace.
#![allow(
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod api_samples;
mod api_v3;
mod api_versions;
mod clients;
mod common;
mod generated;
mod journal;
mod one_column_list;
mod snapshots;
#[cfg(feature = "xlsx")]
mod xlsx_readback;
