//! Read, check, write and upgrade beta.gouv.fr content folders of every era.
//!
//! The beta.gouv.fr content repository keeps its portfolio as Markdown files with
//! a YAML front matter, in layouts and vocabularies that changed since 2016. This
//! crate reads any of them into [`betagouv_portfolio`] types ([`read::read_folder`]),
//! checks them against the repository's own rules of their era plus ours
//! ([`check::check_folder`]), writes a portfolio back in the current layout
//! ([`write::write_portfolio`], or [`write::write_import`] to keep each file's key
//! order) and upgrades old folders ([`upgrade::upgrade`]).
//!
//! Reading never stops on a bad file: every file is either a record or an error
//! of the import report ([`read::Import`]), and every problem is a located
//! [`Diagnostic`](betagouv_portfolio::Diagnostic) with a stable rule id.
//! Unknown keys are kept, in order, with their values and types
//! ([`betagouv_portfolio::Extra`]), on records and inside phase, mission and event
//! items.
//!
//! ```
//! use betagouv_content::read::{ReadOptions, read_folder};
//! use betagouv_content::write::{WriteOptions, write_portfolio};
//!
//! let dir = tempfile::tempdir()?;
//! let startups = dir.path().join("content/_startups");
//! std::fs::create_dir_all(&startups)?;
//! std::fs::write(
//!     startups.join("la-bonne-boite.md"),
//!     "---\ntitle: La Bonne Boîte\nmission: Trouver une entreprise qui recrute\n\
//!      incubator: dinum\nphases:\n  - name: construction\n    start: 2015-06-01\n\
//!      impact_url: https://example.org\n---\nLe service.\n",
//! )?;
//! let import = read_folder(dir.path(), &ReadOptions::default())?;
//! let s = &import.portfolio.startups[0];
//! assert_eq!(s.name, "La Bonne Boîte");
//! assert_eq!(s.phases[0].name, "construction");
//! assert!(import.diagnostics.is_empty());
//!
//! // Write it back and read it again: the same records.
//! let out = tempfile::tempdir()?;
//! write_portfolio(&import.portfolio, out.path(), &WriteOptions::default())?;
//! let again = read_folder(out.path(), &ReadOptions::default())?;
//! assert_eq!(again.portfolio, import.portfolio);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Format notes, including our `vocabulary` front-matter key, are in the
//! [`mod@format`] module. The YAML loader is the `granit-parser` event parser that
//! `serde-saphyr` ships, with our own limits (nesting depth, alias expansion
//! budget, file size) and our own emitter for writing.
#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` and shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod check;
pub mod error;
mod fast;
pub mod format;
pub mod layout;
mod position;
pub mod read;
pub mod record;
pub mod rules;
mod scalar;
mod split;
pub mod upgrade;
pub mod write;
mod yaml;

pub use betagouv_output::{IfExists, Progress};
/// The portfolio crate, in the version our signatures use (records, diagnostics,
/// vocabularies).
pub use betagouv_portfolio;
pub use error::{Error, Result};
pub use read::{Import, ReadOptions, YamlLimits, read_folder};

// The crate README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
