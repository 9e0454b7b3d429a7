//! Integration tests of betagouv-funding: invariants by property tests, the
//! budget file, reports.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod credits_at_date;
mod invariants;
mod life;
mod partner_money;
mod reports;
mod service_fait;
mod year_change;
