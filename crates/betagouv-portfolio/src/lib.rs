//! The portfolio of a State start-up incubator, and what it looked like on any date.
//!
//! beta.gouv.fr-style incubators build public digital services ("start-ups
//! d'État") that go through phases (investigation, construction, acceleration,
//! consolidation, hand-over or stop). This crate is the domain model the other
//! `betagouv-*` crates build on: [`Startup`]s with their [`Phase`]s, [`Member`]s
//! with their [`Mission`]s, [`Incubator`]s and [`Organisation`]s, all held by a
//! [`Portfolio`]. It does no I/O: readers live in `betagouv-content`.
//!
//! Phase names are kept as written, with their [`Vocabulary`] era, and
//! classified into a [`Stage`] (see the [`phase`] module for the table).
//! [`Snapshot`] gives the portfolio at a date; [`Portfolio::validate`] reports
//! every problem as a [`Diagnostic`]; [`builtin`] holds the 2016 dataset.
//!
//! ```
//! use betagouv_portfolio::{builtin, Snapshot, SnapshotOptions, Stage};
//!
//! let portfolio = builtin::portfolio_2016();
//! let snap = Snapshot::compute(&portfolio, builtin::as_of_2016(), &SnapshotOptions::default());
//! assert_eq!(snap.startups.total, 27);
//! assert_eq!(snap.startups.by_stage.get(Stage::Incubating), 25);
//! assert_eq!(snap.members.active, 27);
//! println!("{}", serde_json::to_string_pretty(&snap)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Time travel rules (current phase, active member) and the site's historical
//! rules ([`PhaseRule::LastListed`], [`PhaseRule::LatestStart`]) are documented
//! on [`Startup::phase_at`] and [`Member::status_at`]; which start-ups are active,
//! by our stage table or by the site's own list, on [`ActiveRule`].
//!
//! # Features
//!
//! - `validate` (default): `validator::Validate` for the records, see
//!   the module `validate`. Everything else, [`Portfolio::validate`] included,
//!   works without it.
#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` and shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The `chrono` our signatures use (dates are [`chrono::NaiveDate`]): use it to build
/// dates that match our version.
pub use chrono;
/// The `validator` our [`Validate`](validator::Validate) impls use (feature `validate`).
#[cfg(feature = "validate")]
#[cfg_attr(docsrs, doc(cfg(feature = "validate")))]
pub use validator;

pub mod active;
pub mod builtin;
pub mod dashboard;
pub mod date;
pub mod diagnostic;
pub mod id;
pub mod member;
pub mod org;
pub mod paris;
pub mod phase;
pub mod portfolio;
pub mod rules;
pub mod snapshot;
pub mod startup;
#[cfg(feature = "validate")]
#[cfg_attr(docsrs, doc(cfg(feature = "validate")))]
pub mod validate;
pub mod value;

pub use active::{ActiveRule, Activity};
pub use dashboard::{Dashboard, DashboardOptions};
pub use date::RecordDate;
pub use diagnostic::{Diagnostic, ImportSummary, Location, ProblemCounts, RecordKind, Severity};
pub use id::{IdError, IncubatorId, MemberId, OrganisationId, StartupId};
pub use member::{Member, MemberShape, Mission};
pub use org::{Incubator, Organisation};
pub use phase::{
    ParseKeyError, Phase, PhaseField, PhaseRule, Stage, Vocabulary, VocabularyEvidence,
};
pub use portfolio::Portfolio;
pub use snapshot::{Snapshot, SnapshotOptions};
pub use startup::{EVENT_NAMES, Event, Links, Sponsor, Startup};
pub use value::{Extra, Value};

// The crate README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
