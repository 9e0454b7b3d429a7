//! The beta.gouv.fr content repository read straight from git objects, at any
//! commit: the portfolio as the repository knew it.
//!
//! Every figure has two dates: the date it describes (**as of**) and the state of the
//! records it comes from (**known at**). A content folder only has the second date
//! of its checkout; a git repository has all of them. This crate opens a repository
//! (bare or not, loose or packed objects; no checkout, no `git` process) with
//! gitoxide, names commits ([`Revision`]: a revision, or what was known at the end
//! of a date in Europe/Paris) and reads a commit's collections of any era through
//! betagouv-content's reader into the same [`Import`](betagouv_content::Import) as a
//! folder read.
//!
//! ```no_run
//! use betagouv_history::{Repository, Revision};
//! use betagouv_portfolio::{Snapshot, SnapshotOptions};
//! let repo = Repository::open("content-history.git")?;
//! // The repository as it stood when the 2016 annual report was written...
//! let commit = repo.revision(&Revision::KnownAt { date: "2017-04-20".parse()?, from: None })?;
//! let import = repo.read_commit(&commit.id, &Default::default())?;
//! // ... describing the end of 2016.
//! let s = Snapshot::compute(&import.portfolio, "2016-12-31".parse()?, &SnapshotOptions::default());
//! println!("{} services, {} taken over", s.startups.total, s.startups.taken_over);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` and shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod blame;
pub mod commit;
pub mod dashboard;
mod dated;
pub mod error;
pub mod replay;
mod repo;
pub mod series;
mod tree;

/// The content crate, in the version our signatures use.
pub use betagouv_content;
/// The portfolio crate, in the version our signatures use.
pub use betagouv_portfolio;
pub use blame::{Blame, BlamedProblem, FixedProblem, ProblemKey, Seen};
pub use commit::{CommitId, CommitInfo, Revision};
pub use dashboard::{DashboardPoint, DashboardSeries, dashboard_series};
pub use error::{Error, Result};
pub use replay::{Replay, Step};
pub use repo::{Chain, Repository};
pub use series::{Every, KnownAt, Point, Series, SeriesOptions, View, series};

// The crate README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
