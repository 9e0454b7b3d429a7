//! Integration tests of betagouv-impact: golden cases generated with
//! statsmodels / scipy / lifelines / linearmodels (scripts/golden.py),
//! properties, and the impact file.

mod golden;
mod properties;
mod robustness;
