//! Where `impact cohort`, `impact survival`, `impact strata` and `impact clusters`
//! find their rows: a CSV file (or
//! standard input), a Parquet file, a PostgreSQL table or query (the counting runs
//! in the server), or counts computed elsewhere (`--counts`).
//!
//! Every source ends in the same mergeable sufficient statistics
//! ([`CohortStats`], per stratum or cluster for the designs; one [`SurvivalTable`]
//! per group), so the statistics printed
//! do not depend on where the counting ran.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use betagouv_impact::{CohortStats, CsvOptions, SurvivalTable};
use clap::{Args, ValueEnum};

use super::{BoxError, counts, in_file, parquet, pg};

/// The input of `impact cohort|survival|strata|clusters`: exactly one of a file
/// of rows (`FILE`, `-` for standard input), `--postgres` or `--counts`.
#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("rows")
        .required(true)
        .args(["file", "postgres", "counts"])
))]
pub(crate) struct RowsSource {
    /// File of individual rows with a header: CSV, or Parquet (by its `.parquet` /
    /// `.parq` extension or `--input-format parquet`); `-` reads CSV from standard input.
    pub(super) file: Option<PathBuf>,
    /// Format of FILE, whatever its extension.
    #[arg(long, value_enum, value_name = "FORMAT", requires = "file")]
    pub(super) input_format: Option<InputFormat>,
    /// Skip rows whose stratum, cluster, group, outcome, duration or event is null
    /// (Parquet, PostgreSQL)
    /// and say how many were skipped; without it a null is an error naming its row.
    #[arg(long)]
    pub(super) skip_null: bool,
    /// Worker threads for a file (0 = one per core).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub(super) threads: usize,
    /// Count in a PostgreSQL server: a libpq connection string or URI
    /// (`host=/run/postgresql dbname=eval`, `postgresql://user@host/db`); PGHOST,
    /// PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSERVICE and the password file
    /// complete it, so no password needs to be on the command line.
    #[arg(long, value_name = "CONNINFO")]
    pub(super) postgres: Option<String>,
    /// Table (or view) holding the rows, as `name` or `schema.name`.
    #[arg(
        long,
        value_name = "TABLE",
        requires = "postgres",
        conflicts_with = "query"
    )]
    pub(super) table: Option<String>,
    /// A query returning the rows (one SELECT, run as a sub-query).
    #[arg(long, value_name = "SQL", requires = "postgres")]
    pub(super) query: Option<String>,
    /// Print the SQL sent to the server and stop (nothing is connected).
    #[arg(long, requires = "postgres")]
    pub(super) print_sql: bool,
    /// Longest run of the counting query in the server, in seconds.
    #[arg(
        long,
        default_value_t = 300,
        value_name = "SECONDS",
        requires = "postgres"
    )]
    pub(super) statement_timeout: u64,
    /// Pre-aggregated counts computed by any engine (CSV or JSON by extension):
    /// `group,n,successes` for `cohort`, `group,time,events,censored` for `survival`,
    /// `stratum,group,n,successes` for `strata`, `cluster,group,n,successes` for
    /// `clusters` (rows of one key are summed).
    #[arg(long, value_name = "FILE")]
    pub(super) counts: Option<PathBuf>,
}

/// Format of a file of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum InputFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// Apache Parquet.
    Parquet,
}

/// Per group, its survival table.
pub(super) type SurvivalTables = BTreeMap<String, SurvivalTable>;

/// Per stratum (or cluster), the counts of its groups.
pub(super) type Nested = BTreeMap<String, CohortStats>;

impl RowsSource {
    /// What the error messages call this source (a path, `<stdin>`, the table).
    pub(super) fn name(&self) -> String {
        if let Some(file) = &self.file {
            if is_stdin(file) {
                return "<stdin>".to_owned();
            }
            return file.display().to_string();
        }
        if let Some(c) = &self.counts {
            return c.display().to_string();
        }
        match (&self.table, &self.query) {
            (Some(t), _) => format!("table {t}"),
            _ => "the query".to_owned(),
        }
    }

    /// The format of `--file`: `--input-format`, else the extension, else CSV.
    pub(super) fn format(&self, file: &Path) -> InputFormat {
        if let Some(f) = self.input_format {
            return f;
        }
        match file.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("parq") => {
                InputFormat::Parquet
            }
            _ => InputFormat::Csv,
        }
    }

    /// The cohort counts of this source; `None` when `--print-sql` printed the
    /// query instead.
    pub(super) fn cohort_stats(
        &self,
        group: &str,
        outcome: &str,
    ) -> Result<Option<CohortStats>, BoxError> {
        if let Some(conninfo) = &self.postgres {
            return pg::cohort(self, conninfo, group, outcome);
        }
        if let Some(path) = &self.counts {
            self.no_nulls_in("--counts")?;
            return counts::cohort(path).map(Some);
        }
        let Some(file) = &self.file else {
            return Err("give a FILE, --postgres or --counts".into());
        };
        if self.format(file) == InputFormat::Csv {
            self.no_nulls_in("a CSV file")?;
        }
        match self.format(file) {
            InputFormat::Parquet => parquet::cohort(self, file, group, outcome).map(Some),
            InputFormat::Csv => csv_cohort(self, file, group, outcome).map(Some),
        }
    }

    /// The survival tables of this source; `None` when `--print-sql` printed the
    /// query instead.
    pub(super) fn survival_tables(
        &self,
        group: &str,
        duration: &str,
        event: &str,
    ) -> Result<Option<SurvivalTables>, BoxError> {
        if let Some(conninfo) = &self.postgres {
            return pg::survival(self, conninfo, group, duration, event);
        }
        if let Some(path) = &self.counts {
            self.no_nulls_in("--counts")?;
            return counts::survival(path).map(Some);
        }
        let Some(file) = &self.file else {
            return Err("give a FILE, --postgres or --counts".into());
        };
        if self.format(file) == InputFormat::Csv {
            self.no_nulls_in("a CSV file")?;
        }
        match self.format(file) {
            InputFormat::Parquet => parquet::survival(self, file, group, duration, event).map(Some),
            InputFormat::Csv => csv_survival(self, file, group, duration, event).map(Some),
        }
    }
}

impl RowsSource {
    /// The counts per stratum (or cluster) and group of this source: `--counts`
    /// read by `from_counts`, or the rows' `columns` (stratum or cluster, group,
    /// outcome) counted; `None` when `--print-sql` printed the query instead.
    pub(super) fn stratum_stats(
        &self,
        columns: [&str; 3],
        from_counts: fn(&Path) -> Result<Nested, BoxError>,
    ) -> Result<Option<Nested>, BoxError> {
        if let Some(path) = &self.counts {
            self.no_nulls_in("--counts")?;
            return from_counts(path).map(Some);
        }
        if let Some(conninfo) = &self.postgres {
            return pg::strata(self, conninfo, columns);
        }
        let Some(file) = &self.file else {
            return Err("give a FILE, --postgres or --counts".into());
        };
        match self.format(file) {
            InputFormat::Parquet => parquet::strata(self, file, columns).map(Some),
            InputFormat::Csv => {
                self.no_nulls_in("a CSV file")?;
                csv_strata(self, file, columns).map(Some)
            }
        }
    }
}

impl RowsSource {
    /// `--skip-null` where there is no null to skip: refused rather than ignored.
    fn no_nulls_in(&self, what: &str) -> Result<(), BoxError> {
        if self.skip_null {
            return Err(format!(
                "--skip-null applies to Parquet and --postgres: {what} has no nulls (an empty cell is refused with its line)"
            )
            .into());
        }
        Ok(())
    }
}

/// `-` is standard input.
pub(super) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn csv_cohort(
    source: &RowsSource,
    file: &Path,
    group: &str,
    outcome: &str,
) -> Result<CohortStats, BoxError> {
    if is_stdin(file) {
        let stdin = std::io::stdin().lock();
        return betagouv_impact::aggregate_cohort_csv(stdin, group, outcome)
            .map_err(|e| in_file(Path::new("<stdin>"), e));
    }
    betagouv_impact::aggregate_cohort_csv_file(&open(file)?, group, outcome, csv_options(source))
        .map_err(|e| in_file(file, e))
}

fn csv_survival(
    source: &RowsSource,
    file: &Path,
    group: &str,
    duration: &str,
    event: &str,
) -> Result<SurvivalTables, BoxError> {
    if is_stdin(file) {
        let stdin = std::io::stdin().lock();
        return betagouv_impact::read_survival_csv(stdin, group, duration, event)
            .map_err(|e| in_file(Path::new("<stdin>"), e));
    }
    let options = csv_options(source);
    betagouv_impact::read_survival_csv_file(&open(file)?, group, duration, event, options)
        .map_err(|e| in_file(file, e))
}

fn csv_strata(
    source: &RowsSource,
    file: &Path,
    [stratum, group, outcome]: [&str; 3],
) -> Result<Nested, BoxError> {
    if is_stdin(file) {
        let stdin = std::io::stdin().lock();
        return betagouv_impact::aggregate_strata_csv(stdin, stratum, group, outcome)
            .map_err(|e| in_file(Path::new("<stdin>"), e));
    }
    let options = csv_options(source);
    betagouv_impact::aggregate_strata_csv_file(&open(file)?, stratum, group, outcome, options)
        .map_err(|e| in_file(file, e))
}

/// The CSV readers' options: `--threads` workers over the file's ranges.
fn csv_options(source: &RowsSource) -> CsvOptions {
    CsvOptions::default().with_threads(source.threads)
}

fn open(path: &Path) -> Result<File, BoxError> {
    File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()).into())
}
