//! Integration tests of betagouv-impact: golden cases generated with
//! statsmodels / scipy / lifelines / linearmodels (scripts/golden.py),
//! properties, and the impact file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod golden;
#[cfg(all(feature = "parquet", feature = "csv"))]
mod parquet;
mod properties;
mod robustness;
mod serde_roundtrip;
