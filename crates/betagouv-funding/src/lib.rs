//! betagouv-funding: work in progress, see the crate README.
//!
//! ```
//! assert_eq!(betagouv_funding::CRATE_NAME, "betagouv-funding");
//! ```
#![deny(missing_docs)]

/// The crate's name, as published.
pub const CRATE_NAME: &str = "betagouv-funding";
