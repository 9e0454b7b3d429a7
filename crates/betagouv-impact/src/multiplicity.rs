//! Several tests of one evaluation: Holm and Benjamini-Hochberg adjusted p-values.
//!
//! An evaluation that looks at several outcomes, horizons or arms runs several tests; the
//! smallest raw p-value of many is small by chance. Holm's (1979) step-down procedure
//! controls the family-wise error rate (the chance of any false rejection) under any
//! dependence; Benjamini and Hochberg's (1995) step-up procedure controls the false
//! discovery rate (the expected share of false rejections among the rejections) for
//! independent or positively dependent tests, and rejects more. Both return adjusted
//! p-values to compare with the level itself, as statsmodels `multipletests` (`"holm"`,
//! `"fdr_bh"`) and R `p.adjust` (`"holm"`, `"BH"`) do:
//!
//! - Holm: with the raw p-values sorted, `p_(1) <= ... <= p_(m)`,
//!   `adj_(i) = max_{j <= i} min(1, (m − j + 1)·p_(j))`;
//! - Benjamini-Hochberg: `adj_(i) = min_{j >= i} min(1, m/j·p_(j))`.
//!
//! Each adjusted p-value is at least its raw p-value and at most 1; they keep the raw
//! p-values' order; Benjamini-Hochberg's are never above Holm's.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A multiplicity adjustment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Adjustment {
    /// Holm's step-down procedure (family-wise error rate).
    Holm,
    /// Benjamini and Hochberg's step-up procedure (false discovery rate).
    BenjaminiHochberg,
}

/// The adjusted p-values of one family of tests, in the order given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjusted {
    /// Holm's adjusted p-values.
    pub holm: Vec<f64>,
    /// Benjamini-Hochberg's adjusted p-values.
    pub benjamini_hochberg: Vec<f64>,
}

/// Adjusts the p-values of one family of tests, returned in the order given.
///
/// # Errors
/// [`Error::InvalidParameter`] (`p_value`) for a p-value that is not in [0, 1] (NaN
/// included).
///
/// ```
/// use betagouv_impact::{Adjustment, adjust_p_values};
/// let p = [0.01, 0.04, 0.03];
/// let holm = adjust_p_values(&p, Adjustment::Holm)?;
/// for (got, want) in holm.iter().zip([0.03, 0.06, 0.06]) {
///     assert!((got - want).abs() < 1e-15);
/// }
/// let bh = adjust_p_values(&p, Adjustment::BenjaminiHochberg)?;
/// assert!((bh[1] - 0.04).abs() < 1e-15 && (bh[0] - 0.03).abs() < 1e-15);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn adjust_p_values(p: &[f64], method: Adjustment) -> Result<Vec<f64>> {
    for &x in p {
        if !(0.0..=1.0).contains(&x) {
            return Err(Error::InvalidParameter {
                name: "p_value",
                expected: "in [0, 1]",
                value: x,
            });
        }
    }
    let m = p.len();
    // Indices sorted by p-value (ties in the given order: the adjusted values of tied
    // p-values are equal whatever their order).
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut out = vec![0.0; m];
    let mf = m as f64;
    match method {
        Adjustment::Holm => {
            let mut running = 0.0_f64;
            for (rank, &i) in order.iter().enumerate() {
                let factor = mf - rank as f64;
                running = running.max((factor * p[i]).min(1.0));
                out[i] = running;
            }
        }
        Adjustment::BenjaminiHochberg => {
            let mut running = 1.0_f64;
            for (rank, &i) in order.iter().enumerate().rev() {
                let factor = mf / (rank as f64 + 1.0);
                running = running.min((factor * p[i]).min(1.0));
                out[i] = running;
            }
        }
    }
    Ok(out)
}

/// Both adjustments of one family of tests ([`adjust_p_values`]).
///
/// # Errors
/// As [`adjust_p_values`].
pub fn adjust_family(p: &[f64]) -> Result<Adjusted> {
    Ok(Adjusted {
        holm: adjust_p_values(p, Adjustment::Holm)?,
        benjamini_hochberg: adjust_p_values(p, Adjustment::BenjaminiHochberg)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_families() {
        // statsmodels multipletests([0.01, 0.02, 0.03, 0.04, 0.05], method="holm")
        // -> [0.05, 0.08, 0.09, 0.09, 0.09]; "fdr_bh" -> all 0.05.
        let p = [0.01, 0.02, 0.03, 0.04, 0.05];
        let holm = adjust_p_values(&p, Adjustment::Holm).expect("valid");
        for (got, want) in holm.iter().zip([0.05, 0.08, 0.09, 0.09, 0.09]) {
            assert!((got - want).abs() < 1e-15, "{got} {want}");
        }
        let bh = adjust_p_values(&p, Adjustment::BenjaminiHochberg).expect("valid");
        assert!(bh.iter().all(|x| (x - 0.05).abs() < 1e-15), "{bh:?}");
    }

    #[test]
    fn edge_cases() {
        assert_eq!(adjust_p_values(&[], Adjustment::Holm).ok(), Some(vec![]));
        assert_eq!(
            adjust_p_values(&[0.2], Adjustment::Holm).ok(),
            Some(vec![0.2])
        );
        assert_eq!(
            adjust_p_values(&[0.6, 0.9], Adjustment::Holm).ok(),
            Some(vec![1.0, 1.0])
        );
        for bad in [f64::NAN, -0.1, 1.5, f64::INFINITY] {
            let e = adjust_p_values(&[0.1, bad], Adjustment::BenjaminiHochberg).err();
            assert!(e.is_some_and(|e| e.to_string().starts_with("p_value must be in [0, 1]")));
        }
    }
}
