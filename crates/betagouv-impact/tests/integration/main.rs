//! Integration tests of betagouv-impact: golden cases generated with
//! statsmodels / scipy / lifelines / linearmodels (scripts/golden.py),
//! properties, and the impact file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

#[cfg(feature = "csv")]
mod associativity;
mod designs;
mod golden;
mod golden_designs;
// A real PostgreSQL server (BETAGOUV_TEST_POSTGRES), compared with the CSV reader.
#[cfg(all(feature = "parquet", feature = "csv"))]
mod parquet;
#[cfg(all(feature = "postgres", feature = "csv"))]
mod postgres_pushdown;
mod properties;
// Issue 18: exact tests, the reported test, multiplicity, survival at horizons
// (scripts/golden_reporting.py), and their properties.
mod reporting;
mod robustness;
mod serde_roundtrip;
#[cfg(feature = "csv")]
mod strata_rows;
