//! Covariate adjustment on individual rows: Lin's (2013) interacted
//! regression estimator with HC2 standard errors.
//!
//! The outcome `y` is regressed by ordinary least squares on a constant,
//! the arm `T` (1 treated, 0 control), the covariates centred at their
//! overall means `x − x̄`, and their products with the arm `T·(x − x̄)`. The
//! coefficient of `T` is the adjusted difference (the average effect); its
//! HC2 standard error (MacKinnon & White 1985) is the sandwich with each
//! squared residual divided by `1 − h_i`, `h_i` the row's leverage. Lin
//! (2013) shows that this estimator is never less precise asymptotically
//! than the difference in means, whatever the model's fit, and that HC2 is
//! conservative for it. A binary outcome is a linear probability model: the
//! estimate is a difference of proportions.
//!
//! The least squares are solved by a Cholesky factorisation of the `p × p`
//! normal equations (`p = 2 + 2k` for `k` covariates, at most
//! [`LIN_MAX_COVARIATES`]); a design whose columns are collinear (a
//! constant covariate, a covariate equal to the arm) is refused with an
//! error naming it. Memory: the rows (`k + 2` numbers each).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits::check_alpha;
use crate::proportion::Interval;
use crate::special::z_crit;

/// Largest number of covariates of [`lin_adjusted`].
pub const LIN_MAX_COVARIATES: usize = 32;

/// Individual rows for [`lin_adjusted`]: an outcome, an arm and the values
/// of named covariates, checked as they are pushed.
///
/// ```
/// use betagouv_impact::CovariateRows;
/// let mut rows = CovariateRows::new(vec!["age".into()])?;
/// rows.push(1.0, true, &[34.0])?;
/// assert!(rows.push(1.0, true, &[]).is_err());
/// assert_eq!(rows.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CovariateRows {
    names: Vec<String>,
    outcome: Vec<f64>,
    treated: Vec<bool>,
    /// Row-major, `names.len()` per row.
    covariates: Vec<f64>,
}

impl CovariateRows {
    /// No row yet, with these covariate names (possibly none).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] (named `covariates`) with more than
    /// [`LIN_MAX_COVARIATES`] names.
    pub fn new(names: Vec<String>) -> Result<Self> {
        if names.len() > LIN_MAX_COVARIATES {
            return Err(Error::InvalidParameter {
                name: "covariates",
                expected: "at most 32 columns",
                value: names.len() as f64,
            });
        }
        Ok(Self {
            names,
            ..Self::default()
        })
    }

    /// Adds a row.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the outcome or a covariate is not
    /// finite (named `outcome`, `covariates`), or when `covariates` does not
    /// have one value per name (named `covariates`, the count given).
    pub fn push(&mut self, outcome: f64, treated: bool, covariates: &[f64]) -> Result<()> {
        if covariates.len() != self.names.len() {
            return Err(Error::InvalidParameter {
                name: "covariates",
                expected: "one value per covariate name",
                value: covariates.len() as f64,
            });
        }
        if !outcome.is_finite() {
            return Err(Error::InvalidParameter {
                name: "outcome",
                expected: "a finite number",
                value: outcome,
            });
        }
        if let Some(&bad) = covariates.iter().find(|v| !v.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "covariates",
                expected: "finite numbers",
                value: bad,
            });
        }
        self.outcome.push(outcome);
        self.treated.push(treated);
        self.covariates.extend_from_slice(covariates);
        Ok(())
    }

    /// Number of rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.outcome.len()
    }

    /// Whether there is no row.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.outcome.is_empty()
    }

    /// The covariate names.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Row `i`: its outcome, arm and covariates.
    fn row(&self, i: usize) -> (f64, bool, &[f64]) {
        let k = self.names.len();
        (
            self.outcome.get(i).copied().unwrap_or_default(),
            self.treated.get(i).copied().unwrap_or_default(),
            self.covariates.get(i * k..(i + 1) * k).unwrap_or_default(),
        )
    }
}

/// The columns of a CSV of individual rows read by [`read_covariate_rows_csv`].
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
#[derive(Debug, Clone, Copy)]
pub struct CovariateColumns<'a> {
    /// The column holding the arm's (cohort's) name.
    pub group: &'a str,
    /// The name of the treated arm in it.
    pub treated: &'a str,
    /// The name of the control arm in it.
    pub control: &'a str,
    /// The outcome column (a number; 0/1 for a binary outcome).
    pub outcome: &'a str,
    /// The covariate columns (finite numbers; a category is given as 0/1
    /// columns, one fewer than its levels).
    pub covariates: &'a [&'a str],
}

/// Reads the rows of a CSV whose group is `columns.treated` or
/// `columns.control` (other groups are skipped) into [`CovariateRows`].
///
/// ```
/// use betagouv_impact::{CovariateColumns, lin_adjusted, read_covariate_rows_csv};
/// let csv = "cohort,returned,age\na,1,30\na,0,52\na,1,41\nb,0,35\nb,1,28\nb,0,60\n";
/// let columns = CovariateColumns {
///     group: "cohort", treated: "a", control: "b", outcome: "returned", covariates: &["age"],
/// };
/// let rows = read_covariate_rows_csv(csv.as_bytes(), columns)?;
/// assert_eq!(rows.len(), 6);
/// let r = lin_adjusted(&rows, 0.05)?;
/// assert!((r.unadjusted - (2.0 / 3.0 - 1.0 / 3.0)).abs() < 1e-12);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As the other CSV readers (missing or duplicate column, malformed record,
/// record above 1 MiB, no data row); [`Error::InvalidCell`] naming the line
/// and column of an outcome or covariate that is not a finite number;
/// [`Error::InvalidParameter`] for more than [`LIN_MAX_COVARIATES`]
/// covariates.
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_covariate_rows_csv<R: std::io::Read>(
    reader: R,
    columns: CovariateColumns<'_>,
) -> Result<CovariateRows> {
    use crate::csv_input::{CsvOptions, CsvSource};
    let names = columns.covariates.iter().map(|c| (*c).to_owned()).collect();
    let mut rows = CovariateRows::new(names)?;
    let mut src = CsvSource::new(reader, CsvOptions::default())?;
    let gc = src.column(columns.group)?;
    let yc = src.column(columns.outcome)?;
    let xcs = columns
        .covariates
        .iter()
        .map(|c| src.column(c))
        .collect::<Result<Vec<_>>>()?;
    let mut record = csv::ByteRecord::new();
    let mut x = Vec::with_capacity(xcs.len());
    while src.next_record(&mut record)? {
        let line = src.record_line();
        let group = gc.group(&record, line)?;
        let treated = if group == columns.treated {
            true
        } else if group == columns.control {
            false
        } else {
            continue;
        };
        let y = yc.number(&record, line)?;
        x.clear();
        for c in &xcs {
            x.push(c.number(&record, line)?);
        }
        rows.push(y, treated, &x)?;
    }
    src.finish()?;
    Ok(rows)
}

/// Result of [`lin_adjusted`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinAdjusted {
    /// The covariates adjusted for, in order.
    pub covariates: Vec<String>,
    /// Rows of the treated arm.
    pub n_treated: u64,
    /// Rows of the control arm.
    pub n_control: u64,
    /// The difference in mean outcomes without adjustment.
    pub unadjusted: f64,
    /// The adjusted difference (the coefficient of the arm).
    pub estimate: f64,
    /// Its HC2 standard error.
    pub se: f64,
    /// `estimate ± z·se`.
    pub ci: Interval,
}

/// A symmetric `p × p` matrix, row-major.
struct Square {
    p: usize,
    a: Vec<f64>,
}

impl Square {
    fn zero(p: usize) -> Self {
        Self {
            p,
            a: vec![0.0; p * p],
        }
    }

    fn at(&self, i: usize, j: usize) -> f64 {
        self.a.get(i * self.p + j).copied().unwrap_or_default()
    }

    fn set(&mut self, i: usize, j: usize, v: f64) {
        if let Some(x) = self.a.get_mut(i * self.p + j) {
            *x = v;
        }
    }

    /// `self += w·x·xᵀ`.
    fn add_outer(&mut self, x: &[f64], w: f64) {
        for (row, xi) in self.a.chunks_exact_mut(self.p).zip(x) {
            for (cell, xj) in row.iter_mut().zip(x) {
                *cell += w * xi * xj;
            }
        }
    }

    /// The inverse of a positive definite matrix by its Cholesky factor;
    /// `None` when a pivot falls below 1e-10 of its diagonal entry (the
    /// columns are collinear), with the index of that column.
    fn inverse(&self) -> std::result::Result<Self, usize> {
        let p = self.p;
        let mut l = Self::zero(p);
        for j in 0..p {
            let d = self.at(j, j) - (0..j).map(|k| l.at(j, k).powi(2)).sum::<f64>();
            if d.is_nan() || d <= 1e-10 * self.at(j, j) || !d.is_finite() {
                return Err(j);
            }
            let ljj = d.sqrt();
            l.set(j, j, ljj);
            for i in j + 1..p {
                let s = self.at(i, j) - (0..j).map(|k| l.at(i, k) * l.at(j, k)).sum::<f64>();
                l.set(i, j, s / ljj);
            }
        }
        let mut inv = Self::zero(p);
        let mut y = vec![0.0; p];
        for c in 0..p {
            // L·y = e_c, then Lᵀ·x = y.
            for i in 0..p {
                let e = if i == c { 1.0 } else { 0.0 };
                let s: f64 = (0..i)
                    .map(|k| l.at(i, k) * y.get(k).copied().unwrap_or_default())
                    .sum();
                if let Some(yi) = y.get_mut(i) {
                    *yi = (e - s) / l.at(i, i);
                }
            }
            for i in (0..p).rev() {
                let s: f64 = (i + 1..p).map(|k| l.at(k, i) * inv.at(k, c)).sum();
                let v = (y.get(i).copied().unwrap_or_default() - s) / l.at(i, i);
                inv.set(i, c, v);
            }
        }
        Ok(inv)
    }

    fn times(&self, x: &[f64]) -> Vec<f64> {
        self.a
            .chunks_exact(self.p)
            .map(|row| row.iter().zip(x).map(|(a, b)| a * b).sum())
            .collect()
    }
}

/// The design row `[1, T, x − x̄, T·(x − x̄)]`.
fn design_row(treated: bool, x: &[f64], means: &[f64], out: &mut Vec<f64>) {
    let t = if treated { 1.0 } else { 0.0 };
    out.clear();
    out.push(1.0);
    out.push(t);
    out.extend(x.iter().zip(means).map(|(v, m)| v - m));
    out.extend(x.iter().zip(means).map(|(v, m)| t * (v - m)));
}

/// The name of the design's column `j` (for the singular-design error).
fn column_name(names: &[String], j: usize) -> String {
    let k = names.len();
    match j {
        0 => "the constant".to_owned(),
        1 => "the arm".to_owned(),
        j if j < 2 + k => names.get(j - 2).cloned().unwrap_or_default(),
        j => format!(
            "arm × {}",
            names.get(j - 2 - k).cloned().unwrap_or_default()
        ),
    }
}

/// The HC2 variance of the arm's coefficient: the sandwich `M·B·M` (`M` the
/// inverse of `XᵀX`) whose meat `B = Σ e_i² / (1 − h_i) · x_i x_iᵀ`.
fn hc2_variance(rows: &CovariateRows, means: &[f64], inv: &Square, beta: &[f64]) -> Result<f64> {
    let p = inv.p;
    let mut meat = Square::zero(p);
    let mut x = Vec::with_capacity(p);
    for i in 0..rows.len() {
        let (y, t, cov) = rows.row(i);
        design_row(t, cov, means, &mut x);
        let fitted: f64 = x.iter().zip(beta).map(|(a, b)| a * b).sum();
        let e = y - fitted;
        let h: f64 = x.iter().zip(inv.times(&x)).map(|(a, b)| a * b).sum();
        let keep = 1.0 - h;
        if keep.is_nan() || keep <= 1e-10 {
            return Err(Error::SingularDesign {
                detail: format!("row {} has leverage 1, so HC2 is undefined", i + 1),
            });
        }
        meat.add_outer(&x, e * e / keep);
    }
    // Var = (M·B·M)[1][1] = r·B·r with r the arm's row of M.
    let r: Vec<f64> = (0..p).map(|j| inv.at(1, j)).collect();
    Ok(meat.times(&r).iter().zip(&r).map(|(a, b)| a * b).sum())
}

/// Lin's (2013) covariate-adjusted difference between the arms of `rows`,
/// with its HC2 standard error and Wald interval at level `1 − alpha`. With
/// no covariate it is the difference in means, with the variance
/// `s_t²/n_t + s_c²/n_c` (sample variances, divisor `n − 1`).
///
/// Cost: `O(n·p²)` for `n` rows and `p = 2 + 2k` columns.
///
/// # Errors
/// [`Error::InvalidAlpha`] unless `alpha` is in [1e-10, 0.5];
/// [`Error::EmptySample`] (naming `treated` or `control`) when an arm has no
/// row; [`Error::SingularDesign`] when the columns are collinear (a
/// covariate constant overall or within an arm, or a copy of another), or
/// when a row's leverage is 1 (HC2 undefined: an arm of one row, or a row
/// alone in its covariate pattern).
///
/// ```
/// use betagouv_impact::{CovariateRows, lin_adjusted};
/// let mut rows = CovariateRows::new(vec!["months_unemployed".into()])?;
/// for (y, t, x) in [(1.0, true, 3.0), (0.0, true, 14.0), (1.0, true, 6.0), (1.0, true, 2.0),
///                   (0.0, false, 12.0), (1.0, false, 4.0), (0.0, false, 9.0), (0.0, false, 20.0)] {
///     rows.push(y, t, &[x])?;
/// }
/// let r = lin_adjusted(&rows, 0.05)?;
/// assert!((r.unadjusted - 0.5).abs() < 1e-12);
/// assert!(r.se > 0.0 && r.ci.contains(r.estimate));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lin_adjusted(rows: &CovariateRows, alpha: f64) -> Result<LinAdjusted> {
    check_alpha(alpha)?;
    let z = z_crit(alpha);
    let (n, k) = (rows.len(), rows.names.len());
    let p = 2 + 2 * k;
    let mut means = vec![0.0; k];
    let (mut sum_t, mut sum_c, mut n_t) = (0.0, 0.0, 0usize);
    for i in 0..n {
        let (y, t, x) = rows.row(i);
        for (m, v) in means.iter_mut().zip(x) {
            *m += v / n as f64;
        }
        if t {
            sum_t += y;
            n_t += 1;
        } else {
            sum_c += y;
        }
    }
    let n_c = n - n_t;
    for (count, what) in [(n_t, "treated"), (n_c, "control")] {
        if count == 0 {
            return Err(Error::EmptySample {
                what: what.to_owned(),
            });
        }
    }
    // Normal equations.
    let (mut xtx, mut xty) = (Square::zero(p), vec![0.0; p]);
    let mut x = Vec::with_capacity(p);
    for i in 0..n {
        let (y, t, cov) = rows.row(i);
        design_row(t, cov, &means, &mut x);
        xtx.add_outer(&x, 1.0);
        for (s, xi) in xty.iter_mut().zip(&x) {
            *s += xi * y;
        }
    }
    let inv = xtx.inverse().map_err(|j| Error::SingularDesign {
        detail: format!(
            "{} is collinear with the columns before it",
            column_name(&rows.names, j)
        ),
    })?;
    let beta = inv.times(&xty);
    let var = hc2_variance(rows, &means, &inv, &beta)?;
    let estimate = beta.get(1).copied().unwrap_or_default();
    let se = var.max(0.0).sqrt();
    Ok(LinAdjusted {
        covariates: rows.names.clone(),
        n_treated: n_t as u64,
        n_control: n_c as u64,
        unadjusted: sum_t / n_t as f64 - sum_c / n_c as f64,
        estimate,
        se,
        ci: Interval {
            lower: estimate - z * se,
            upper: estimate + z * se,
        },
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn no_covariate_is_the_difference_in_means_with_hc2() {
        let mut rows = CovariateRows::new(vec![]).expect("ok");
        for (y, t) in [
            (1.0, true),
            (1.0, true),
            (0.0, true),
            (0.0, false),
            (1.0, false),
        ] {
            rows.push(y, t, &[]).expect("valid");
        }
        let r = lin_adjusted(&rows, 0.05).expect("ok");
        assert!((r.estimate - (2.0 / 3.0 - 0.5)).abs() < 1e-12);
        assert!((r.estimate - r.unadjusted).abs() < 1e-12);
        // s_t² = 1/3, s_c² = 1/2.
        let var = (1.0 / 3.0) / 3.0 + 0.5 / 2.0;
        assert!((r.se * r.se - var).abs() < 1e-12);
    }

    #[test]
    fn refusals() {
        let mut rows = CovariateRows::new(vec!["x".into()]).expect("ok");
        assert!(rows.push(f64::NAN, true, &[1.0]).is_err());
        assert!(rows.push(1.0, true, &[f64::INFINITY]).is_err());
        for (y, t) in [(1.0, true), (0.0, true), (0.0, false), (1.0, false)] {
            rows.push(y, t, &[5.0]).expect("valid");
        }
        // A constant covariate: its centred column is 0.
        let e = lin_adjusted(&rows, 0.05).err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("singular design: x is collinear with the columns before it")
        );
        let only_treated = {
            let mut r = CovariateRows::new(vec![]).expect("ok");
            r.push(1.0, true, &[]).expect("valid");
            r
        };
        assert!(matches!(
            lin_adjusted(&only_treated, 0.05),
            Err(Error::EmptySample { .. })
        ));
        let names = (0..33).map(|i| format!("x{i}")).collect();
        assert!(CovariateRows::new(names).is_err());
    }

    /// The columns `g` (arms `t` and `c`), `y` and `x` (tests of the CSV
    /// readers).
    #[cfg(feature = "csv")]
    pub(crate) const TEST_COLUMNS: CovariateColumns<'static> = CovariateColumns {
        group: "g",
        treated: "t",
        control: "c",
        outcome: "y",
        covariates: &["x"],
    };

    #[cfg(feature = "csv")]
    #[test]
    fn csv_errors_name_the_records_line() {
        let csv = "g,y,x\r\nt,1,2\r\n\r\n\"c\nd\",0,1\r\n\nc,1,nan\r\n";
        let e = read_covariate_rows_csv(csv.as_bytes(), TEST_COLUMNS).err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some("line 7, column 3 (\"x\"): expected a finite number (value \"nan\")")
        );
    }
}
