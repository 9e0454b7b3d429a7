//! `betagouv impact ...`: cohort comparisons, power, encouragement designs, survival.
//!
//! With `--json`, each subcommand prints one JSON object on one line whose keys are
//! a contract (see docs/impact.md), `schema_version` first; without it, a short human
//! summary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod counts;
mod designs;
mod parquet;
mod pg;
mod pgconn;
mod source;

pub(crate) use source::RowsSource;

use super::BoxError;
use super::contract::{self, Layout, Versioned};
use crate::out::outln;
use betagouv_impact::{
    Arms, Comparison, Counts, Design, EncouragementArm, HorizonSummary, Interval, PowerMethod,
    SurvivalSummary, choose_test, compare, encouragement, mde, mde_users, power, sample_size,
    summarize_survival, survival_at_horizons,
};
use clap::{Args, Subcommand};

/// Impact subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum ImpactCommand {
    /// Compare two cohorts given as SUCCESSES/N (intervals, lift, ratios, tests).
    Compare(CompareArgs),
    /// Power of the two-sided test, or the arm sizes reaching a target power.
    Power(PowerArgs),
    /// Minimum detectable increase of the proportion.
    Mde(MdeArgs),
    /// Encouragement design: the ITT effect of the encouragement, the first stage and its F,
    /// the CACE (complier effect) with its Anderson-Rubin set, the compliers' means.
    Encouragement(EncouragementArgs),
    /// Blocked (stratified) randomisation from individual rows (CSV, Parquet, PostgreSQL)
    /// or counts per stratum: CMH test, pooled odds ratio, stratum-weighted difference.
    Strata(designs::StrataArgs),
    /// Cluster randomisation from individual rows (CSV, Parquet, PostgreSQL) or counts per
    /// cluster: the difference with cluster-robust (CR1, CR2) standard errors.
    Clusters(designs::ClustersArgs),
    /// Covariate adjustment (Lin 2013) of individual rows: the adjusted difference with
    /// its HC2 standard error.
    Adjust(designs::AdjustArgs),
    /// Kaplan-Meier curves per group from a CSV of durations, and the log-rank test.
    Survival(SurvivalArgs),
    /// Stream individual rows of a CSV into two cohorts, then compare them.
    Cohort(CohortArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// Treated (encouraged) cohort as SUCCESSES/N, e.g. 22100/100000.
    #[arg(long, value_name = "SUCCESSES/N")]
    treated: String,
    /// Control cohort as SUCCESSES/N.
    #[arg(long, value_name = "SUCCESSES/N")]
    control: String,
    /// Two-sided level (0.05 for 95 % intervals).
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Print the JSON contract.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("goal").required(true).args(["n_per_arm", "power"])))]
pub(crate) struct PowerArgs {
    /// Expected control rate (a fraction).
    #[arg(long)]
    control_rate: f64,
    /// Expected treated rate (a fraction).
    #[arg(long)]
    treated_rate: f64,
    /// Treated arm size: print the power.
    #[arg(long)]
    n_per_arm: Option<f64>,
    /// Target power: print the smallest arm sizes reaching it.
    #[arg(long)]
    power: Option<f64>,
    /// Control size over treated size.
    #[arg(long, default_value_t = 1.0)]
    ratio: f64,
    /// Two-sided level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    #[command(flatten)]
    clusters: ClusterDesign,
    /// Print the JSON contract.
    #[arg(long)]
    json: bool,
}

/// Cluster randomisation in planning: the design effect 1 + (m − 1)·ICC.
#[derive(Debug, Args)]
struct ClusterDesign {
    /// Intra-cluster correlation of the outcome, for a design randomising clusters
    /// (agencies): sizes are divided by the design effect 1 + (m − 1)·ICC.
    #[arg(long, default_value_t = 0.0)]
    icc: f64,
    /// Mean cluster size m (people per randomised cluster).
    #[arg(long, default_value_t = 1.0)]
    cluster_size: f64,
}

impl ClusterDesign {
    fn apply(&self, design: Design) -> Design {
        design.with_clusters(self.icc, self.cluster_size)
    }
}

#[derive(Debug, Args)]
pub(crate) struct MdeArgs {
    /// Expected control rate (a fraction).
    #[arg(long)]
    control_rate: f64,
    /// Treated arm size.
    #[arg(long)]
    n_per_arm: f64,
    /// Target power.
    #[arg(long)]
    power: f64,
    /// Control size over treated size.
    #[arg(long, default_value_t = 1.0)]
    ratio: f64,
    /// Two-sided level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    #[command(flatten)]
    clusters: ClusterDesign,
    /// Expected first stage of an encouragement design (the take-up difference the
    /// encouragement causes, a fraction): also print the MDE on the users (the ITT's
    /// MDE over the first stage).
    #[arg(long)]
    first_stage: Option<f64>,
    /// Print the JSON contract.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct EncouragementArgs {
    /// Encouraged arm as N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS.
    #[arg(long, value_name = "N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS")]
    treated: String,
    /// Control arm, same format.
    #[arg(long, value_name = "N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS")]
    control: String,
    /// Two-sided level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Print the JSON contract.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SurvivalArgs {
    /// Where the rows are (a CSV or Parquet file, standard input, a PostgreSQL
    /// table or query) or their counts (`--counts`).
    #[command(flatten)]
    source: RowsSource,
    /// Column holding the group (cohort) name.
    #[arg(long)]
    group_column: String,
    /// Column holding the duration (e.g. days).
    #[arg(long)]
    duration_column: String,
    /// Column holding the event flag (1 = returned to work, 0 = censored).
    #[arg(long)]
    event_column: String,
    /// Horizons at which to report the curves, in the duration's unit, e.g. 30,90,150.
    #[arg(long, alias = "at", value_delimiter = ',', value_name = "T1,T2,...")]
    horizons: Vec<f64>,
    /// Group name of the control arm, the reference of the differences at the
    /// horizons (default: the first group in name order).
    #[arg(long)]
    control: Option<String>,
    /// Two-sided level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Print the JSON contract.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CohortArgs {
    /// Where the rows are (a CSV or Parquet file, standard input, a PostgreSQL
    /// table or query) or their counts (`--counts`).
    #[command(flatten)]
    source: RowsSource,
    /// Column holding the cohort name.
    #[arg(long)]
    group_column: String,
    /// Column holding the 0/1 outcome.
    #[arg(long)]
    outcome_column: String,
    /// Cohort name of the treated (encouraged) arm.
    #[arg(long)]
    treated: String,
    /// Cohort name of the control arm.
    #[arg(long)]
    control: String,
    /// Two-sided level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Print the JSON contract.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(command: ImpactCommand) -> Result<ExitCode, BoxError> {
    match command {
        ImpactCommand::Compare(a) => run_compare(&a)?,
        ImpactCommand::Cohort(a) => run_cohort(&a)?,
        ImpactCommand::Power(a) => run_power(&a)?,
        ImpactCommand::Mde(a) => run_mde(&a)?,
        ImpactCommand::Encouragement(a) => run_encouragement(&a)?,
        ImpactCommand::Strata(a) => designs::run_strata(&a)?,
        ImpactCommand::Clusters(a) => designs::run_clusters(&a)?,
        ImpactCommand::Adjust(a) => designs::run_adjust(&a)?,
        ImpactCommand::Survival(a) => run_survival(&a)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn run_compare(a: &CompareArgs) -> Result<(), BoxError> {
    let treated = parse_arm::<Counts>("--treated", &a.treated)?;
    let control = parse_arm::<Counts>("--control", &a.control)?;
    let c = compare(Arms { treated, control }, a.alpha).map_err(flag)?;
    print_comparison(&c, a.alpha, a.json)
}

fn run_cohort(a: &CohortArgs) -> Result<(), BoxError> {
    let Some(stats) = a.source.cohort_stats(&a.group_column, &a.outcome_column)? else {
        // `--print-sql`: the query was printed, nothing was computed.
        return Ok(());
    };
    let arm = |name: &str, flag: &str| -> Result<Counts, BoxError> {
        let c = stats.get(name).ok_or_else(|| {
            format!(
                "{}: no row has {:?} = {name:?} ({flag})",
                a.source.name(),
                a.group_column
            )
        })?;
        Ok(c.to_counts(name)?)
    };
    let (treated, control) = (arm(&a.treated, "--treated")?, arm(&a.control, "--control")?);
    let c = compare(Arms { treated, control }, a.alpha).map_err(flag)?;
    print_comparison(&c, a.alpha, a.json)
}

/// Counts given on the command line (`SUCCESSES/N`, or an encouragement arm),
/// read with their `FromStr`; the error names the option, as `--treated: ...`.
fn parse_arm<T>(option: &str, text: &str) -> Result<T, BoxError>
where
    T: std::str::FromStr<Err = betagouv_impact::ParseCountsError>,
{
    text.parse().map_err(|e| format!("{option}: {e}").into())
}

fn run_mde(a: &MdeArgs) -> Result<(), BoxError> {
    let design = a.clusters.apply(
        Design::new(a.control_rate)
            .with_ratio(a.ratio)
            .with_alpha(a.alpha),
    );
    let n = mde(&design, a.n_per_arm, a.power, PowerMethod::NormalPooled).map_err(flag)?;
    let s = mde(&design, a.n_per_arm, a.power, PowerMethod::Arcsine).map_err(flag)?;
    let users = match a.first_stage {
        Some(fs) => Some(ByMethod {
            arcsine: mde_users(&design, a.n_per_arm, a.power, PowerMethod::Arcsine, fs)
                .map_err(flag)?,
            normal_pooled: mde_users(&design, a.n_per_arm, a.power, PowerMethod::NormalPooled, fs)
                .map_err(flag)?,
        }),
        None => None,
    };
    if a.json {
        /// The JSON of `impact mde --json` (after `schema_version`).
        #[derive(serde::Serialize)]
        struct MdeJson {
            mde: ByMethod<Option<f64>>,
            /// With `--first-stage`: the MDE on the users.
            #[serde(skip_serializing_if = "Option::is_none")]
            mde_users: Option<ByMethod<Option<f64>>>,
        }
        let body = MdeJson {
            mde: ByMethod {
                arcsine: s,
                normal_pooled: n,
            },
            mde_users: users,
        };
        return print_json(&body);
    }
    let show = |m: Option<f64>| {
        m.map_or_else(
            || "not reachable".to_owned(),
            |m| {
                format!(
                    "+{:.3} pts ({:+.2} % relative)",
                    100.0 * m,
                    100.0 * m / a.control_rate
                )
            },
        )
    };
    outln!(
        "Minimum detectable increase over {:.2} % with n = {} treated (ratio {}), power {}, two-sided level {}:",
        100.0 * a.control_rate,
        a.n_per_arm,
        a.ratio,
        a.power,
        a.alpha
    )?;
    print_design_effect(&design)?;
    outln!("  normal (pooled H0 variance): {}", show(n))?;
    outln!("  arcsine (Cohen's h):         {}", show(s))?;
    if let (Some(u), Some(fs)) = (users, a.first_stage) {
        outln!(
            "On the users (compliers), the ITT's MDE over a first stage of {:.2} pts:",
            100.0 * fs
        )?;
        outln!("  normal (pooled H0 variance): {}", show(u.normal_pooled))?;
        outln!("  arcsine (Cohen's h):         {}", show(u.arcsine))?;
    }
    Ok(())
}

/// The design effect line of a cluster design (nothing for individual randomisation).
fn print_design_effect(design: &Design) -> Result<(), BoxError> {
    if design.icc != 0.0 && design.cluster_size != 1.0 {
        outln!(
            "  cluster randomisation: ICC {}, mean cluster size {}, design effect {:.4} (sizes are people)",
            design.icc,
            design.cluster_size,
            design.design_effect()
        )?;
    }
    Ok(())
}

fn run_encouragement(a: &EncouragementArgs) -> Result<(), BoxError> {
    let treated = parse_arm::<EncouragementArm>("--treated", &a.treated)?;
    let control = parse_arm::<EncouragementArm>("--control", &a.control)?;
    let e = encouragement(Arms { treated, control }, a.alpha).map_err(flag)?;
    if a.json {
        return print_json(&e);
    }
    outln!(
        "ITT effect (of the encouragement, not of the service): {:+.3} pts, SE {:.3}, CI {}",
        100.0 * e.itt.estimate,
        100.0 * e.itt.se,
        pts(e.itt.ci)
    )?;
    let fs = e.first_stage;
    outln!(
        "First stage (extra take-up): {:+.3} pts, SE {:.3}, F = {}",
        100.0 * fs.estimate,
        100.0 * fs.se,
        opt(fs.f_statistic, |f| format!("{f:.2}"))
    )?;
    if fs.weak {
        outln!(
            "WARNING: weak first stage (F below {}): the CACE's Wald interval is unreliable; read the Anderson-Rubin set, and test for an effect on the ITT",
            betagouv_impact::WEAK_FIRST_STAGE_F
        )?;
    }
    match e.cace {
        Some(c) => outln!(
            "CACE (effect on compliers): {:+.3} pts, SE {:.3}, Wald CI {}",
            100.0 * c.estimate,
            100.0 * c.se,
            pts(c.ci)
        )?,
        None => outln!("CACE: undefined (the first stage is 0)")?,
    }
    outln!(
        "Anderson-Rubin set of the CACE: {}",
        ar_set(e.anderson_rubin)
    )?;
    if let Some(c) = e.compliers {
        outln!(
            "Compliers' mean outcome: {} with the service (CI {}), {} without (CI {})",
            pct(c.with_service.estimate),
            percents(c.with_service.ci),
            pct(c.without_service.estimate),
            percents(c.without_service.ci)
        )?;
        outln!(
            "Relative CACE (over the compliers' mean without the service): {}",
            opt(c.relative_cace, |r| format!("{:+.2} %", 100.0 * r))
        )?;
    }
    Ok(())
}

/// A confidence set in points: `[a, b]`, `(-inf, a] U [b, +inf)`, ...
fn ar_set(set: betagouv_impact::ConfidenceSet) -> String {
    use betagouv_impact::ConfidenceSet as S;
    let p = |x: f64| format!("{:+.3}", 100.0 * x);
    match set {
        S::Interval { lower, upper } => format!("[{}, {}] pts", p(lower), p(upper)),
        S::TwoHalfLines { below, above } => {
            format!(
                "(-inf, {}] U [{}, +inf) pts (unbounded)",
                p(below),
                p(above)
            )
        }
        S::AtLeast { lower } => format!("[{}, +inf) pts (unbounded)", p(lower)),
        S::AtMost { upper } => format!("(-inf, {}] pts (unbounded)", p(upper)),
        S::WholeLine => "every value (the data do not restrict the CACE)".to_owned(),
        _ => "empty".to_owned(),
    }
}

fn run_survival(a: &SurvivalArgs) -> Result<(), BoxError> {
    let Some(groups) =
        a.source
            .survival_tables(&a.group_column, &a.duration_column, &a.event_column)?
    else {
        return Ok(());
    };
    let summary = summarize_survival(&groups, &a.horizons, a.alpha).map_err(flag)?;
    // The reference of the differences: `--control`, else the first group by name.
    let reference = a
        .control
        .as_deref()
        .or(groups.keys().next().map(String::as_str));
    let horizons = reference
        .map(|r| survival_at_horizons(&groups, r, &a.horizons, a.alpha))
        .transpose()
        .map_err(flag)?;
    if a.json {
        /// The JSON of `impact survival --json`: the summary's keys, then `horizons`.
        #[derive(serde::Serialize)]
        struct SurvivalJson<'a> {
            #[serde(flatten)]
            summary: &'a SurvivalSummary,
            horizons: Option<&'a HorizonSummary>,
        }
        return print_json(&SurvivalJson {
            summary: &summary,
            horizons: horizons.as_ref(),
        });
    }
    print_survival(&summary, horizons.as_ref())
}

/// The human summary of `impact survival`: each curve at the horizons, the log-rank
/// test and its direction, then the differences with the reference group.
fn print_survival(
    summary: &SurvivalSummary,
    horizons: Option<&HorizonSummary>,
) -> Result<(), BoxError> {
    let interval = |ci: Option<Interval>, scale: f64, dp: usize| {
        ci.map_or_else(
            || "undefined".to_owned(),
            |c| format!("[{:.dp$}, {:.dp$}]", scale * c.lower, scale * c.upper),
        )
    };
    for (name, g) in &summary.groups {
        let median = g
            .median
            .map_or_else(|| "not reached".to_owned(), |m| m.to_string());
        outln!(
            "{name}: n = {}, events = {}, median = {median}",
            g.n,
            g.events
        )?;
        let at = horizons.and_then(|h| h.groups.get(name));
        for (i, p) in g.at.iter().enumerate() {
            let extra = at
                .and_then(|points| points.get(i))
                .map_or_else(String::new, |h| {
                    format!(
                        " (CI {} %), restricted mean time searching by t = {:.2} (SE {})",
                        interval(h.returned_ci, 100.0, 2),
                        h.rmst,
                        opt(h.rmst_se, |se| format!("{se:.2}"))
                    )
                });
            outln!(
                "  t = {}: S = {:.4} (CI {}), returned by t = {:.2} %{extra}",
                p.t,
                p.survival,
                interval(p.ci, 1.0, 4),
                100.0 * p.cumulative_incidence
            )?;
        }
    }
    match (summary.logrank, summary.logrank_not_computed) {
        (Some(t), _) => outln!("log-rank: X² = {:.4}, p = {:.4e}", t.statistic, t.p_value)?,
        (None, Some(why)) => outln!("log-rank: not computed ({why})")?,
        (None, None) => outln!("log-rank: undefined")?,
    }
    match horizons {
        Some(h) => print_horizons(h),
        None => Ok(()),
    }
}

/// The log-rank test's direction and the differences with the reference at each horizon.
fn print_horizons(h: &HorizonSummary) -> Result<(), BoxError> {
    if let Some(oe) = &h.logrank_observed_expected {
        let groups: Vec<String> = oe
            .iter()
            .map(|(name, x)| {
                let more = if x.more_than_expected() {
                    "more"
                } else {
                    "fewer"
                };
                format!(
                    "{name} {more} ({:.1} observed, {:.1} expected)",
                    x.observed, x.expected
                )
            })
            .collect();
        outln!(
            "  returns to work against equal curves: {}",
            groups.join("; ")
        )?;
    }
    if h.differences.is_empty() {
        return Ok(());
    }
    outln!(
        "differences with {} (z-tests; p adjusted over the horizons and groups: Holm, Benjamini-Hochberg):",
        h.reference
    )?;
    let test = |t: Option<betagouv_impact::AdjustedTest>| {
        t.map_or_else(
            || "no test".to_owned(),
            |t| {
                format!(
                    "p = {} (Holm {}, BH {})",
                    p_text(t.p_value),
                    p_text(t.p_holm),
                    p_text(t.p_benjamini_hochberg)
                )
            },
        )
    };
    for d in &h.differences {
        outln!(
            "  {} at t = {}: returned {:+.2} pts (CI {}), {}; restricted mean {:+.2} (CI {}), {}",
            d.group,
            d.t,
            100.0 * d.returned.estimate,
            opt_interval(d.returned.ci, 100.0),
            test(d.returned.test),
            d.rmst.estimate,
            opt_interval(d.rmst.ci, 1.0),
            test(d.rmst.test)
        )?;
    }
    Ok(())
}

/// A p-value for people: four decimals, or scientific notation below 1e-4.
fn p_text(p: f64) -> String {
    if p < 1e-4 {
        format!("{p:.3e}")
    } else {
        format!("{p:.4}")
    }
}

fn opt_interval(ci: Option<Interval>, scale: f64) -> String {
    ci.map_or_else(
        || "undefined".to_owned(),
        |c| format!("[{:+.2}, {:+.2}]", scale * c.lower, scale * c.upper),
    )
}

/// A figure by power method, keys in this order (as the JSON contract had them).
#[derive(Debug, serde::Serialize)]
struct ByMethod<T> {
    arcsine: T,
    normal_pooled: T,
}

/// The JSON of `impact power --json` (after `schema_version`): the power for
/// `--n-per-arm`, or the arm sizes for `--power`.
#[derive(Debug, serde::Serialize)]
#[serde(untagged)]
enum PowerJson {
    Power {
        power: ByMethod<f64>,
    },
    SampleSize {
        n_control: ByMethod<Option<u64>>,
        n_per_arm: ByMethod<Option<u64>>,
    },
}

fn run_power(a: &PowerArgs) -> Result<(), BoxError> {
    let design = a.clusters.apply(
        Design::new(a.control_rate)
            .with_ratio(a.ratio)
            .with_alpha(a.alpha),
    );
    let v = if let Some(n) = a.n_per_arm {
        let normal = power(&design, a.treated_rate, n, PowerMethod::NormalPooled).map_err(flag)?;
        let arcsine = power(&design, a.treated_rate, n, PowerMethod::Arcsine).map_err(flag)?;
        PowerJson::Power {
            power: ByMethod {
                arcsine,
                normal_pooled: normal,
            },
        }
    } else {
        let target = a.power.unwrap_or(0.8);
        let normal = sample_size(&design, a.treated_rate, target, PowerMethod::NormalPooled)
            .map_err(flag)?;
        let arcsine =
            sample_size(&design, a.treated_rate, target, PowerMethod::Arcsine).map_err(flag)?;
        PowerJson::SampleSize {
            n_control: ByMethod {
                arcsine: arcsine.map(|s| s.n_control),
                normal_pooled: normal.map(|s| s.n_control),
            },
            n_per_arm: ByMethod {
                arcsine: arcsine.map(|s| s.n_treated),
                normal_pooled: normal.map(|s| s.n_treated),
            },
        }
    };
    if a.json {
        print_json(&v)
    } else {
        print_power_text(&v)?;
        print_design_effect(&design)
    }
}

/// The human summary of `impact power` (figures written as in the JSON).
fn print_power_text(v: &PowerJson) -> Result<(), BoxError> {
    use serde_json::to_string as text;
    match v {
        PowerJson::Power { power } => {
            outln!("Power of the two-sided test (both tails):")?;
            outln!(
                "  normal (pooled H0 variance): {}",
                text(&power.normal_pooled)?
            )?;
            outln!("  arcsine (Cohen's h):         {}", text(&power.arcsine)?)?;
        }
        PowerJson::SampleSize {
            n_control,
            n_per_arm,
        } => {
            outln!("Smallest arm sizes reaching the target power (treated / control):")?;
            outln!(
                "  normal_pooled: {} / {}",
                text(&n_per_arm.normal_pooled)?,
                text(&n_control.normal_pooled)?
            )?;
            outln!(
                "  arcsine: {} / {}",
                text(&n_per_arm.arcsine)?,
                text(&n_control.arcsine)?
            )?;
        }
    }
    Ok(())
}

/// `body` as the one-line JSON contract of the impact commands, `schema_version`
/// first.
fn print_json(body: &impl serde::Serialize) -> Result<(), BoxError> {
    contract::print(&Versioned::new(contract::IMPACT, body), Layout::Line)
}

/// A reader's error, prefixed with the file it is about (`file.csv: line 3, ...`);
/// its cause (an I/O error) stays in the chain the binary prints.
#[derive(Debug)]
struct InFile {
    path: PathBuf,
    error: betagouv_impact::Error,
}

impl std::fmt::Display for InFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for InFile {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.error)
    }
}

fn in_file(path: &Path, error: betagouv_impact::Error) -> BoxError {
    Box::new(InFile {
        path: path.to_path_buf(),
        error,
    })
}

/// A library error about a parameter, prefixed with the option that gave it
/// (`--alpha`, `--at`, `--n-per-arm`, ...).
fn flag(e: betagouv_impact::Error) -> BoxError {
    let option = match &e {
        betagouv_impact::Error::InvalidAlpha { .. } => Some("alpha".to_owned()),
        // The survival horizons: the library calls them `at`, the option's older spelling.
        betagouv_impact::Error::InvalidParameter { name, .. } if *name == "at" => {
            Some("horizons/--at".to_owned())
        }
        betagouv_impact::Error::InvalidParameter { name, .. } => Some(name.replace('_', "-")),
        betagouv_impact::Error::UnknownGroup { .. } => Some("control".to_owned()),
        _ => None,
    };
    match option {
        Some(o) => format!("--{o}: {e}").into(),
        None => e.into(),
    }
}

fn pct(x: f64) -> String {
    format!("{:.2} %", 100.0 * x)
}

fn percents(ci: Interval) -> String {
    format!("[{}, {}]", pct(ci.lower), pct(ci.upper))
}

fn pts(ci: Interval) -> String {
    format!("[{:+.3}, {:+.3}] pts", 100.0 * ci.lower, 100.0 * ci.upper)
}

fn opt(x: Option<f64>, f: impl Fn(f64) -> String) -> String {
    x.map_or_else(|| "undefined".to_owned(), f)
}

fn print_comparison(c: &Comparison, alpha: f64, json_out: bool) -> Result<(), BoxError> {
    if json_out {
        return print_json(c);
    }
    let level = format!("{:.4}", 100.0 * (1.0 - alpha))
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned();
    for (name, arm) in [("treated", &c.treated), ("control", &c.control)] {
        let w = arm.ci.wilson;
        outln!(
            "{name}: {}/{} = {} (Wilson {level} % CI [{}, {}])",
            arm.successes,
            arm.n,
            pct(arm.proportion),
            pct(w.lower),
            pct(w.upper)
        )?;
    }
    let d = c.difference.estimate;
    let lift_ci = c.relative_lift_ci().map_or_else(String::new, |ci| {
        format!(
            " (Katz {level} % CI [{:+.2} %, {:+.2} %])",
            100.0 * ci.lower,
            100.0 * ci.upper
        )
    });
    outln!(
        "difference: {:+.3} pts (Newcombe {level} % CI {}), i.e. {}{lift_ci} relative to the control rate of {}",
        100.0 * d,
        pts(c.difference.ci.newcombe),
        opt(c.relative_lift, |l| format!("{:+.2} %", 100.0 * l)),
        pct(c.control.proportion)
    )?;
    outln!(
        "risk ratio: {} ; odds ratio: {} ; Cohen's h: {:.4}",
        opt(c.risk_ratio.estimate, |r| format!("{r:.4}")),
        opt(c.odds_ratio.estimate, |r| format!("{r:.4}")),
        c.cohen_h
    )?;
    let test = |t: Option<betagouv_impact::TestResult>| {
        t.map_or_else(
            || "undefined".to_owned(),
            |t| format!("{:.4} (p = {:.3e})", t.statistic, t.p_value),
        )
    };
    outln!("pooled z: {}", test(c.tests.z_pooled))?;
    outln!(
        "chi-square: {} ; with Yates: {}",
        test(c.tests.chi2),
        test(c.tests.chi2_yates)
    )?;
    match (c.tests.fisher_exact, c.tests.fisher_exact_not_computed) {
        (Some(f), _) => outln!("Fisher exact: p = {:.3e}", f.p_value)?,
        (None, why) => outln!(
            "Fisher exact: not computed ({})",
            why.unwrap_or("undefined")
        )?,
    }
    print_reported_test(c, alpha)
}

/// The one test a report shows for these counts, and why (`choose_test`).
fn print_reported_test(c: &Comparison, alpha: f64) -> Result<(), BoxError> {
    let arms = Arms {
        treated: Counts::new("treated", c.treated.successes, c.treated.n)?,
        control: Counts::new("control", c.control.successes, c.control.n)?,
    };
    let t = choose_test(arms, alpha).map_err(flag)?;
    outln!(
        "reported test: {} ({}; smallest expected count {:.2}): p = {}",
        t.test.name(),
        t.reason.description(),
        t.min_expected_count,
        opt(t.p_value, p_text)
    )?;
    if t.agrees_with_interval == Some(false) {
        outln!("  the test and the Newcombe interval disagree: read the difference with caution")?;
    }
    Ok(())
}
