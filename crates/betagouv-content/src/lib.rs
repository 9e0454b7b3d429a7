//! betagouv-content: work in progress, see the crate README.
//!
//! ```
//! assert_eq!(betagouv_content::CRATE_NAME, "betagouv-content");
//! ```
#![deny(missing_docs)]

/// The crate's name, as published.
pub const CRATE_NAME: &str = "betagouv-content";
