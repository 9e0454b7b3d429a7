//! `impact strata`, `impact clusters`, `impact adjust`: the evaluation designs of
//! blocked and cluster randomisation (from individual rows, counted where they are
//! as for `impact cohort`, or from counts) and covariate adjustment (from
//! individual rows).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use betagouv_impact::{
    Arms, CovariateColumns, cluster_arms, cluster_difference, lin_adjusted,
    read_covariate_rows_csv, strata_arms, stratified,
};
use clap::Args;

use super::source::Nested;
use super::{BoxError, RowsSource, flag, in_file, opt, pct, print_json, pts};
use crate::out::outln;

/// The arguments of `impact strata`: the rows (or their counts per stratum) and the
/// stratum's column.
#[derive(Debug, Args)]
pub(crate) struct StrataArgs {
    /// Column holding each row's stratum (block of the randomisation), e.g. the
    /// agency; not with `--counts` (its rows name the stratum).
    #[arg(
        long,
        alias = "stratum",
        value_name = "COLUMN",
        required_unless_present = "counts",
        conflicts_with = "counts"
    )]
    stratum_column: Option<String>,
    #[command(flatten)]
    rows: DesignRows,
}

/// The arguments of `impact clusters`: the rows (or their counts per cluster) and
/// the cluster's column.
#[derive(Debug, Args)]
pub(crate) struct ClustersArgs {
    /// Column holding each row's cluster (the unit randomised whole), e.g. the
    /// agency; not with `--counts` (its rows name the cluster).
    #[arg(
        long,
        alias = "cluster",
        value_name = "COLUMN",
        required_unless_present = "counts",
        conflicts_with = "counts"
    )]
    cluster_column: Option<String>,
    #[command(flatten)]
    rows: DesignRows,
}

/// Where the rows of a design are, their group and outcome columns, the arms.
#[derive(Debug, Args)]
pub(crate) struct DesignRows {
    /// Where the rows are (a CSV or Parquet file, standard input, a PostgreSQL
    /// table or query) or their counts per stratum or cluster (`--counts`: CSV or
    /// JSON, rows of one key and group summed).
    #[command(flatten)]
    source: RowsSource,
    /// Column holding the group (arm) name; not with `--counts`.
    #[arg(
        long,
        value_name = "COLUMN",
        required_unless_present = "counts",
        conflicts_with = "counts"
    )]
    group_column: Option<String>,
    /// Column holding the 0/1 outcome; not with `--counts`.
    #[arg(
        long,
        value_name = "COLUMN",
        required_unless_present = "counts",
        conflicts_with = "counts"
    )]
    outcome_column: Option<String>,
    #[command(flatten)]
    arms: ArmsAndLevel,
}

impl DesignRows {
    /// The counts per `key` column (stratum or cluster) and group; `None` when
    /// `--print-sql` printed the query instead.
    fn counts(
        &self,
        key: Option<&str>,
        from_counts: fn(&Path) -> Result<Nested, BoxError>,
    ) -> Result<Option<Nested>, BoxError> {
        let columns = match (key, &self.group_column, &self.outcome_column) {
            (Some(k), Some(g), Some(y)) => [k, g.as_str(), y.as_str()],
            // Only `--counts` goes without the columns (clap checks it).
            _ => ["", "", ""],
        };
        self.source.stratum_stats(columns, from_counts)
    }

    /// What error messages call the source (a path, `<stdin>`, the table).
    fn name(&self) -> PathBuf {
        PathBuf::from(self.source.name())
    }
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

pub(super) fn run_strata(a: &StrataArgs) -> Result<(), BoxError> {
    let r = &a.rows;
    let Some(by_stratum) = r.counts(a.stratum_column.as_deref(), super::counts::strata)? else {
        // `--print-sql`: the query was printed, nothing was computed.
        return Ok(());
    };
    let (path, arms) = (r.name(), &r.arms);
    let strata =
        strata_arms(&by_stratum, &arms.treated, &arms.control).map_err(|e| in_file(&path, e))?;
    let s = stratified(&strata, arms.alpha).map_err(flag)?;
    if arms.json {
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

pub(super) fn run_clusters(a: &ClustersArgs) -> Result<(), BoxError> {
    let r = &a.rows;
    let Some(by_cluster) = r.counts(a.cluster_column.as_deref(), super::counts::clusters)? else {
        return Ok(());
    };
    let (path, arms) = (r.name(), &r.arms);
    let split =
        cluster_arms(&by_cluster, &arms.treated, &arms.control).map_err(|e| in_file(&path, e))?;
    let d = cluster_difference(
        Arms {
            treated: &split.treated,
            control: &split.control,
        },
        arms.alpha,
    )
    .map_err(|e| problem(&path, e))?;
    if arms.json {
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
