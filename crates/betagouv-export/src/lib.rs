//! betagouv-export: work in progress, see the crate README.
//!
//! ```
//! assert_eq!(betagouv_export::CRATE_NAME, "betagouv-export");
//! ```
#![deny(missing_docs)]

pub mod journal;

/// The crate's name, as published.
pub const CRATE_NAME: &str = "betagouv-export";
