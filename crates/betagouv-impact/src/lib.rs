//! Impact statistics for public digital services: comparisons of two
//! cohorts, power and sample size, encouragement designs, return-to-work
//! curves, streaming aggregation of individual data and usage KPIs.
//!
//! The methods, formulas and reference conventions (statsmodels, scipy,
//! lifelines) are those of the project's impact-statistics note; golden
//! tests check agreement to 1e-9 relative on closed forms and 1e-8 on tail
//! probabilities. Undefined results are `None`, never NaN.
//!
//! Main entry points:
//! - [`Counts`] and [`proportion_ci`]: one proportion (Wilson, Clopper-Pearson,
//!   Agresti-Coull, Jeffreys, Wald);
//! - [`compare`] of [`Arms`]: two cohorts ([`Comparison`]: difference, lift and its
//!   interval, risk and odds ratios, Cohen's h, z / chi-square / Fisher tests);
//!   [`boschloo_exact`]: Boschloo's unconditional exact test; [`choose_test`]: the one
//!   test a report shows ([`ChosenTest`]: pooled z, or exact under an expected count of
//!   5, and whether it agrees with the interval);
//! - [`adjust_p_values`]: Holm and Benjamini-Hochberg adjustments of several tests of one
//!   evaluation;
//! - [`power`], [`sample_size`], [`mde`]: planning, for individual or cluster
//!   randomisation ([`Design::with_clusters`]: the design effect);
//! - [`cluster_difference`]: two cluster-randomised arms from per-cluster
//!   counts, with CR1 and CR2 cluster-robust standard errors;
//! - [`stratified`]: blocked randomisation, per-stratum 2×2 counts merged by the
//!   Cochran-Mantel-Haenszel test, the pooled odds ratio and the
//!   stratum-weighted difference; the counts per stratum (or cluster) come from
//!   counts rows ([`stratum_stats_from_counts`]) or from individual rows
//!   (`aggregate_strata_csv`, `aggregate_strata_parquet`, `postgres_stratum_stats`
//!   with their features);
//! - [`lin_adjusted`] of [`CovariateRows`]: Lin's covariate-adjusted difference
//!   on individual rows, with HC2 standard errors;
//! - [`encouragement`]: the ITT effect of the encouragement, the first stage
//!   and its F (weak below 10), the CACE with its Wald interval and its
//!   Anderson-Rubin [`ConfidenceSet`], the compliers' mean outcomes;
//!   [`mde_users`]: the minimum detectable effect on the users;
//! - [`SurvivalTable`], [`KaplanMeier`], [`logrank`]: return-to-work curves;
//!   [`survival_at_horizons`]: the share returned by a horizon with its interval, the
//!   difference between groups there, the restricted mean survival time and the
//!   log-rank test's direction;
//! - [`CohortStats`] (and, with the `csv` feature, `aggregate_cohort_csv`):
//!   mergeable sufficient statistics; [`cohort_stats_from_counts`] and
//!   [`survival_tables_from_counts`] (with `csv`, `read_cohort_counts_csv` and
//!   `read_survival_counts_csv`): the same from counts computed by any engine;
//! - [`sql`]: the counting queries of a SQL engine (shown by `--print-sql`) and
//!   their rows as statistics; with the `postgres` feature, run in a server;
//! - [`Rate`], [`growth_rate`]: usage KPIs;
//! - [`ImpactFile`] (read from TOML with the `toml` feature: `ImpactFile::parse`,
//!   `builtin_2016`): the impact file;
//! - [`limits`]: the accepted range of every parameter and the size bound of
//!   every algorithm and reader.
//!
//! ```
//! use betagouv_impact::{Arms, Counts, compare};
//!
//! // La Bonne Boîte, 2016: two cohorts of 100,000 job seekers.
//! let treated: Counts = "22100/100000".parse()?;
//! let control = Counts::new("control", 20_000, 100_000)?;
//! let c = compare(Arms { treated, control }, 0.05)?;
//! // +2.1 points, i.e. +10.5 % relative to the control rate (not +12 %).
//! assert!((c.difference.estimate - 0.021).abs() < 1e-12);
//! assert!((c.relative_lift.unwrap_or(f64::NAN) - 0.105).abs() < 1e-12);
//! let newcombe = c.difference.ci.newcombe;
//! assert!(newcombe.lower > 0.017 && newcombe.upper < 0.025);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! No input format is enabled by default: the statistics are the crate's
//! core, and its only dependencies are serde and thiserror.
//!
//! | feature | adds |
//! | --- | --- |
//! | `csv` | the streaming CSV readers `aggregate_cohort_csv`, `read_survival_csv` (and `_with` forms taking `CsvOptions`, `_file` forms reading a file), `aggregate_strata_csv` (`_file`: per stratum or cluster and group), a fast path for unquoted lines proven equal to the csv crate's reading; the readers of pre-aggregated counts `read_cohort_counts_csv`, `read_survival_counts_csv` |
//! | `parallel` | the `_file` CSV readers count line-aligned ranges of the file in parallel (std threads, no dependency; unix) |
//! | `parquet` | the Parquet readers `aggregate_cohort_parquet`, `aggregate_strata_parquet`, `read_survival_parquet` (`ParquetOptions`, `ParquetSummary`): column projection, row groups in parallel, string groups read as dictionaries |
//! | `toml` | `ImpactFile::parse`, `ImpactFile::parse_at` and `builtin_2016`, the TOML impact file |
//! | `postgres` | `postgres_cohort_stats`, `postgres_stratum_stats`, `postgres_survival_tables` and `PgOptions`: the counting queries of [`sql`] run in a PostgreSQL server (sync `postgres` client brought by the caller) |
#![deny(missing_docs)]
// docs.rs builds with `--cfg docsrs` and shows which feature each gated item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod choice;
mod cluster;
mod cohort;
mod compare;
mod counts_input;
#[cfg(feature = "csv")]
mod csv_input;
mod encouragement;
mod error;
mod exact;
mod horizon;
mod impact_file;
mod kpi;
pub mod limits;
mod lin;
mod multiplicity;
#[cfg(feature = "parquet")]
mod parquet_input;
#[cfg(feature = "postgres")]
mod pg;
mod power;
mod proportion;
mod special;
pub mod sql;
mod strata;
mod survival;

pub use choice::{
    ChosenTest, MIN_EXPECTED_COUNT, TestKind, TestReason, choose_test, min_expected_count,
};
pub use cluster::{ClusterDifference, cluster_arms, cluster_difference};
pub use cohort::{CohortCounts, CohortStats};
pub use compare::{
    ArmSummary, Arms, Comparison, Continuity, Difference, DifferenceCis, FISHER_NOT_COMPUTED,
    FisherResult, OddsRatio, RiskRatio, TestResult, Tests, chi_square, compare, fisher_exact,
    z_pooled,
};
// Pre-aggregated counts from any engine (issue 16, `--counts`).
pub use counts_input::{
    ClusterCountsRow, CohortCountsRow, StratumCountsRow, SurvivalCountsRow,
    cluster_stats_from_counts, cohort_stats_from_counts, stratum_stats_from_counts,
    survival_tables_from_counts,
};
#[cfg(feature = "csv")]
pub use counts_input::{
    read_cluster_counts_csv, read_cohort_counts_csv, read_stratum_counts_csv,
    read_survival_counts_csv,
};
#[cfg(feature = "csv")]
pub use csv_input::{
    CsvOptions, aggregate_cohort_csv, aggregate_cohort_csv_file, aggregate_cohort_csv_with,
    aggregate_strata_csv, aggregate_strata_csv_file, read_survival_csv, read_survival_csv_file,
    read_survival_csv_with,
};
pub use encouragement::{
    Compliers, ConfidenceSet, Encouragement, EncouragementArm, Estimate, FirstStage,
    WEAK_FIRST_STAGE_F, encouragement, mde_users,
};
pub use error::{Error, ParseCountsError, ParseIntervalError, Result};
pub use exact::{BoschlooResult, boschloo_exact};
pub use horizon::{
    AdjustedTest, AtHorizon, Contrast, HorizonDifference, HorizonSummary, survival_at_horizons,
};
#[cfg(feature = "toml")]
pub use impact_file::builtin_2016;
pub use impact_file::{
    Arm, BUILTIN_2016_TOML, Bound, Evaluation, EvaluationDesign, ImpactFile, Kpi, StartupImpact,
};
pub use kpi::{Period, Rate, compound_growth_rate, growth_rate, growth_rates};
#[cfg(feature = "csv")]
pub use lin::{CovariateColumns, read_covariate_rows_csv};
pub use lin::{CovariateRows, LIN_MAX_COVARIATES, LinAdjusted, lin_adjusted};
pub use multiplicity::{Adjusted, Adjustment, adjust_family, adjust_p_values};
#[cfg(feature = "parquet")]
pub use parquet_input::{
    ParquetOptions, ParquetSummary, aggregate_cohort_parquet, aggregate_strata_parquet,
    read_survival_parquet,
};
#[cfg(feature = "postgres")]
pub use pg::{PgOptions, postgres_cohort_stats, postgres_stratum_stats, postgres_survival_tables};
pub use power::{Design, PowerMethod, SampleSize, mde, power, sample_size};
pub use proportion::{Counts, Interval, ProportionCiMethod, ProportionCis, proportion_ci};
pub use strata::{PooledOddsRatio, Stratified, WeightedDifference, strata_arms, stratified};
pub use survival::{
    AtPoint, GroupSurvival, KaplanMeier, LOGRANK_NOT_COMPUTED, ObservedExpected, SurvivalSummary,
    SurvivalTable, TimeRow, logrank, logrank_observed_expected, summarize_survival,
};

/// The crate's name, as published.
pub const CRATE_NAME: &str = "betagouv-impact";

// The crate README's examples are doctests too.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
