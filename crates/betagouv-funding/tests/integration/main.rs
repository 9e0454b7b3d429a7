//! Integration tests of betagouv-funding: invariants by property tests, the
//! budget file, reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod invariants;
mod partner_money;
mod reports;
mod service_fait;
mod year_change;
