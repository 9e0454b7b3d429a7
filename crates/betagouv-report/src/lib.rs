//! The annual report of a State start-up incubator, computed from the records and
//! checked against what was published.
//!
//! A [`Report`] is computed once from [`Inputs`] (a portfolio from
//! `betagouv-portfolio`, optionally the year's [`budget::BudgetData`] and an
//! [`impact::ImpactSection`], and the published figures) at a date, then rendered as
//! text, Markdown, one self-contained HTML page with inline SVG charts, or JSON of the
//! whole model ([`render::render`]). Every published figure gets a
//! [`claims::Verdict`]: `matches`, `differs`, `consistent` or `not_computable`.
//!
//! Main types: [`Report`] (key figures, portfolio by stage and incubator, timeline,
//! funnel, budget, impact, claims), [`ReportOptions`] (year, date, [`Lang`]),
//! [`Format`]. Labels exist in French (default) and English.
//!
//! ```
//! use betagouv_portfolio::builtin;
//! use betagouv_report::{Format, Inputs, Report, ReportOptions, RenderOptions, Verdict};
//!
//! let portfolio = builtin::portfolio_2016();
//! let inputs = Inputs::new(&portfolio, "built-in 2016 dataset")
//!     .with_published(builtin::published_2016());
//! let report = Report::compute(&inputs, &ReportOptions::default())?;
//! let services = report.claim("services").map(|c| (c.published.as_str(), c.computed.as_deref(), c.verdict));
//! assert_eq!(services, Some(("33", Some("27"), Verdict::Differs)));
//! let html = betagouv_report::render(&report, Format::Html, RenderOptions::default())?;
//! assert!(html.starts_with("<!DOCTYPE html>") && html.contains("role=\"img\""));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The crate does no I/O and never prints: callers read files (with
//! `betagouv-content`, `betagouv-funding`, `betagouv-impact`) and write the output.
#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` and shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Chaining setters `with_<field>(mut self, v) -> Self`, one per listed field, each
/// documented as setting that field.
macro_rules! with_setters {
    ($ty:ident$(<$lt:lifetime>)? { $($name:ident($field:ident: $fty:ty);)* }) => {
        impl$(<$lt>)? $ty$(<$lt>)? {
            $(
                #[doc = concat!("Sets [`", stringify!($ty), "::", stringify!($field), "`].")]
                #[must_use]
                pub fn $name(mut self, $field: $fty) -> Self {
                    self.$field = $field;
                    self
                }
            )*
        }
    };
}

pub mod budget;
pub mod claims;
pub mod dashboard;
mod error;
pub mod history;
pub mod impact;
pub mod lang;
pub mod model;
pub mod num;
pub mod render;

pub use claims::{ClaimRow, Verdict};
pub use error::{Error, Result};
pub use lang::{Lang, ParseLangError};
pub use model::{Inputs, KeyFigure, Quantity, Report, ReportOptions, Section};
pub use render::{ColorMode, Format, ParseFormatError, RenderOptions, render};

/// The `chrono` our signatures use ([`ReportOptions::as_of`], [`Report::as_of`]).
pub use chrono;
/// The `rust_decimal` our signatures use ([`Quantity`], [`budget::BudgetData`]).
pub use rust_decimal;

/// Version of the report's JSON contract: the `schema_version` key that opens
/// `render(.., Format::Json, ..)` and [`Report::schema_version`]. A change to the JSON
/// (a key renamed, removed or changing meaning) bumps it.
///
/// Version 2 added `history` (the published figures against the repository's
/// history, [`history::ClaimsHistory`], `null` without one). Version 3 (issue 18): an
/// evaluation's `p_value` is that of the test `test` names (an exact test under an
/// expected count of 5, no longer always the pooled z-test), with `test_reason`,
/// `min_expected_count`, `test_agrees_with_interval`, the relative lift's interval
/// (`relative_ci_lower_percent`, `relative_ci_upper_percent`) and `adjusted` (Holm and
/// Benjamini-Hochberg over a service's evaluations) and, for an encouragement design
/// whose arms give their users, `encouragement` (the first stage and its F, the CACE
/// with its Anderson-Rubin set, the compliers' means, the MDE on users:
/// [`impact::EncouragementRow`]); a claim has `statistical` (the published effect
/// against the computed one's interval).
///
/// ```
/// use betagouv_portfolio::builtin;
/// use betagouv_report::{Format, Inputs, RenderOptions, Report, ReportOptions, SCHEMA_VERSION};
///
/// let portfolio = builtin::portfolio_2016();
/// let report = Report::compute(&Inputs::new(&portfolio, "built-in"), &ReportOptions::default())?;
/// let json = betagouv_report::render(&report, Format::Json, RenderOptions::default())?;
/// assert!(json.starts_with(&format!("{{\n  \"schema_version\": {SCHEMA_VERSION},")));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const SCHEMA_VERSION: u32 = 3;

// The crate README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
