//! Integration tests of betagouv-funding: invariants by property tests, the
//! budget file, reports.

mod invariants;
mod reports;
