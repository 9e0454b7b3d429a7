//! `impact strata`, `impact clusters`, `impact adjust`: the evaluation designs of
//! blocked and cluster randomisation (from counts) and covariate adjustment (from
//! individual rows).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use betagouv_impact::{
    Arms, CovariateColumns, cluster_arms, cluster_difference, lin_adjusted,
    read_covariate_rows_csv, strata_arms, stratified,
};
use clap::Args;

use super::{BoxError, flag, in_file, opt, pct, print_json, pts};
use crate::out::outln;

/// The arguments of `impact strata` and `impact clusters`: counts per stratum or
/// per cluster, and the two arms' group names.
#[derive(Debug, Args)]
pub(crate) struct DesignCountsArgs {
    /// Counts with the columns stratum (`strata`) or cluster (`clusters`), group, n,
    /// successes: CSV, or JSON (`.json` an array of rows, `.jsonl`/`.ndjson` one row per
    /// line); rows of one stratum or cluster and group are summed, and a cluster is in
    /// one group.
    #[arg(long, value_name = "FILE.csv|FILE.json")]
    counts: PathBuf,
    #[command(flatten)]
    arms: ArmsAndLevel,
}

/// The two arms' names in the group column, the level and the output of the design
/// commands.
#[derive(Debug, Args)]
pub(crate) struct ArmsAndLevel {
    /// Group name of the treated (encouraged) arm.
    #[arg(long)]
    treated: String,
    /// Group name of the control arm.
    #[arg(long)]
    control: String,
    /// Two-sided level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Print the JSON contract.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct AdjustArgs {
    /// CSV of individual rows.
    file: PathBuf,
    /// Column holding the cohort name.
    #[arg(long)]
    group_column: String,
    /// Column holding the outcome (0/1 for a binary outcome: a linear probability model).
    #[arg(long)]
    outcome_column: String,
    /// Covariate columns (numbers; a category as 0/1 columns), e.g. age,months_unemployed.
    #[arg(long, value_delimiter = ',', value_name = "C1,C2,...")]
    covariates: Vec<String>,
    #[command(flatten)]
    arms: ArmsAndLevel,
}

fn open(path: &Path) -> Result<BufReader<File>, BoxError> {
    let f = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    Ok(BufReader::with_capacity(1 << 16, f))
}

/// A library error: about `--alpha` (named as the option), or about the file.
fn problem(path: &Path, e: betagouv_impact::Error) -> BoxError {
    match e {
        betagouv_impact::Error::InvalidAlpha { .. } => flag(e),
        e => in_file(path, e),
    }
}

pub(super) fn run_strata(a: &DesignCountsArgs) -> Result<(), BoxError> {
    let path = &a.counts;
    let by_stratum = super::counts::strata(path)?;
    let strata =
        strata_arms(&by_stratum, &a.arms.treated, &a.arms.control).map_err(|e| in_file(path, e))?;
    let s = stratified(&strata, a.arms.alpha).map_err(flag)?;
    if a.arms.json {
        return print_json(&s);
    }
    outln!("{} strata, {} people", s.strata, s.n)?;
    let d = s.difference;
    outln!(
        "stratum-weighted difference: {:+.3} pts, SE {}, CI {}",
        100.0 * d.estimate,
        opt(d.se, |se| format!("{:.3}", 100.0 * se)),
        d.ci.map_or_else(|| "undefined".to_owned(), pts)
    )?;
    match s.odds_ratio {
        Some(or) => outln!(
            "Mantel-Haenszel odds ratio: {:.4} (CI {})",
            or.estimate,
            or.ci.map_or_else(
                || "undefined".to_owned(),
                |c| format!("[{:.4}, {:.4}]", c.lower, c.upper)
            )
        )?,
        None => outln!("Mantel-Haenszel odds ratio: undefined")?,
    }
    match s.cmh {
        Some(t) => outln!(
            "Cochran-Mantel-Haenszel: X² = {:.4}, p = {:.3e}",
            t.statistic,
            t.p_value
        )?,
        None => outln!("Cochran-Mantel-Haenszel: undefined")?,
    }
    Ok(())
}

pub(super) fn run_clusters(a: &DesignCountsArgs) -> Result<(), BoxError> {
    let path = &a.counts;
    let by_cluster = super::counts::clusters(path)?;
    let arms = cluster_arms(&by_cluster, &a.arms.treated, &a.arms.control)
        .map_err(|e| in_file(path, e))?;
    let d = cluster_difference(
        Arms {
            treated: &arms.treated,
            control: &arms.control,
        },
        a.arms.alpha,
    )
    .map_err(|e| problem(path, e))?;
    if a.arms.json {
        return print_json(&d);
    }
    outln!(
        "treated: {} clusters, {} people, {} ; control: {} clusters, {} people, {}",
        d.clusters.treated,
        d.n.treated,
        pct(d.proportion.treated),
        d.clusters.control,
        d.n.control,
        pct(d.proportion.control)
    )?;
    outln!(
        "difference: {:+.3} pts, CR1 SE {:.3}, CI {}",
        100.0 * d.cr1.estimate,
        100.0 * d.cr1.se,
        pts(d.cr1.ci)
    )?;
    match d.cr2 {
        Some(c) => outln!("  CR2 SE {:.3}, CI {}", 100.0 * c.se, pts(c.ci))?,
        None => outln!("  CR2: undefined (an arm has a single cluster)")?,
    }
    Ok(())
}

pub(super) fn run_adjust(a: &AdjustArgs) -> Result<(), BoxError> {
    let covariates: Vec<&str> = a.covariates.iter().map(String::as_str).collect();
    let columns = CovariateColumns {
        group: &a.group_column,
        treated: &a.arms.treated,
        control: &a.arms.control,
        outcome: &a.outcome_column,
        covariates: &covariates,
    };
    let rows = read_covariate_rows_csv(open(&a.file)?, columns).map_err(|e| in_file(&a.file, e))?;
    let r = lin_adjusted(&rows, a.arms.alpha).map_err(|e| problem(&a.file, e))?;
    if a.arms.json {
        return print_json(&r);
    }
    outln!(
        "{} treated, {} control rows; adjusted for {}",
        r.n_treated,
        r.n_control,
        if r.covariates.is_empty() {
            "nothing".to_owned()
        } else {
            r.covariates.join(", ")
        }
    )?;
    outln!("unadjusted difference: {:+.3} pts", 100.0 * r.unadjusted)?;
    outln!(
        "adjusted difference (Lin 2013): {:+.3} pts, HC2 SE {:.3}, CI {}",
        100.0 * r.estimate,
        100.0 * r.se,
        pts(r.ci)
    )?;
    Ok(())
}
