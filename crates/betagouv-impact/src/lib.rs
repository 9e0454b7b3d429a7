//! betagouv-impact: work in progress, see the crate README.
//!
//! ```
//! assert_eq!(betagouv_impact::CRATE_NAME, "betagouv-impact");
//! ```
#![deny(missing_docs)]

/// The crate's name, as published.
pub const CRATE_NAME: &str = "betagouv-impact";
