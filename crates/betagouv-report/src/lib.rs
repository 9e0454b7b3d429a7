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
//! let inputs = Inputs {
//!     published: builtin::published_2016(),
//!     ..Inputs::new(&portfolio, "built-in 2016 dataset")
//! };
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

pub mod budget;
pub mod claims;
mod error;
pub mod impact;
pub mod lang;
pub mod model;
pub mod num;
pub mod render;

pub use claims::{ClaimCheck, Verdict};
pub use error::{Error, Result};
pub use lang::Lang;
pub use model::{Inputs, KeyFigure, Quantity, Report, ReportOptions, Section};
pub use render::{Format, RenderOptions, render};

// The crate README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
