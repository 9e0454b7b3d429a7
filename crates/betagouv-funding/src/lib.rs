//! Exact money and budget accounting of a State start-up incubator.
//!
//! An incubator of "Startups d'État" runs on its own programme credits plus
//! what partner administrations put in. This crate keeps those accounts
//! exactly and answers the questions people ask of them:
//!
//! - [`money`]: [`Money`] (exact decimal, at most 2 decimals, explicit
//!   [`Currency`]), rounding to the cent half away from zero, VAT by date;
//! - [`allocation`]: largest-remainder splits that always sum to the total;
//! - [`model`]: fiscal years, budget lines and credits (AE/CP), partner
//!   agreements (conventions) and tranches, framework contracts, purchase
//!   orders (bons de commande), deliveries (service fait), payments, claims;
//! - `file` (feature `toml`, on by default): the human-editable TOML budget
//!   file, with located errors;
//! - [`availability`]: credits opened during the year by date (transferts,
//!   virements, fonds de concours received) and the orders of a délégation de
//!   gestion, left out of the incubator's credits;
//! - [`check`]: the domain invariants as [`betagouv_portfolio::Diagnostic`]s;
//! - [`ledger`] and [`post`]: a double-entry ledger built from the budget;
//! - [`report`]: resources by year and source, partner share, costs per
//!   start-up, phase and stage, burn rate and runway, AE/CP consumption;
//! - [`claims`]: published figures against the computed ones, with a
//!   [`claims::Verdict`] (the workspace's one claims check);
//! - `builtin` (feature `toml`): the 2016 budget of the annual report;
//! - `synthetic` (feature `unstable`, no semver promise): the deterministic
//!   benchmark generator.
//!
//! Without default features (`default-features = false`) the crate has no TOML
//! dependency: budgets are then built in code (or deserialised with serde).
//!
//! No floating point is used for money anywhere; functions never panic on
//! input data.
//!
//! ```
//! # #[cfg(feature = "toml")] {
//! use betagouv_funding::{builtin, check, post, report};
//! use betagouv_funding::model::FiscalYear;
//!
//! let budget = builtin::builtin_2016()?;
//! assert!(check::check(&budget, None).is_empty());
//! let (ledger, problems) = post::to_ledger(&budget, None);
//! assert!(problems.is_empty());
//! assert_eq!(ledger.transactions().len(), 2);
//!
//! let r = report::report(&budget, None, &report::YearReportOptions::new(FiscalYear(2016)));
//! assert_eq!(r.by_source.incubator.amount().to_string(), "932115.00");
//! assert_eq!(r.by_source.partners.amount().to_string(), "1151920.00");
//! assert_eq!(r.partner_share.map(|s| s.to_string()).as_deref(), Some("0.5527"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` and shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod allocation;
pub mod availability;
#[cfg(feature = "toml")]
#[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
pub mod builtin;
pub mod check;
pub mod claims;
pub mod commitments;
pub mod error;
#[cfg(feature = "toml")]
#[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
pub mod file;
pub mod flows;
pub mod ledger;
pub mod model;
pub mod money;
pub mod post;
pub mod report;
pub mod rules;
#[cfg(any(feature = "unstable", test))]
#[cfg_attr(docsrs, doc(cfg(feature = "unstable")))]
pub mod synthetic;
pub mod terms;
pub mod year_change;

/// The `chrono` our signatures use (dates of records, [`model::FiscalYear`]).
pub use chrono;
/// The `rust_decimal` our signatures use ([`Money`] amounts, rates, weights).
pub use rust_decimal;

pub use error::{Error, Result};
pub use money::{Currency, Money, ParseMoneyError};

// The crate README's examples are doctests too (they read the built-in budget, a
// budget file: the `toml` feature).
#[cfg(all(doctest, feature = "toml"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
