//! betagouv-report: work in progress, see the crate README.
//!
//! ```
//! assert_eq!(betagouv_report::CRATE_NAME, "betagouv-report");
//! ```
#![deny(missing_docs)]

/// The crate's name, as published.
pub const CRATE_NAME: &str = "betagouv-report";
