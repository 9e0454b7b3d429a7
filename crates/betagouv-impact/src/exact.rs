//! Boschloo's unconditional exact test of two independent binomial samples.
//!
//! Fisher's exact test conditions on both margins of the 2×2 table; two cohorts of
//! fixed sizes only fix the row totals, and the unconditional test that uses Fisher's
//! p-value as its statistic (Boschloo 1970) is exact for that design and uniformly more
//! powerful than Fisher's. The one-sided p-value is the largest, over the common success
//! rate `π` (the nuisance parameter), of the probability of the tables whose one-sided
//! Fisher p-value is at most the observed one:
//!
//! `p(π) = Σ_{tables T with F(T) ≤ F(obs)} C(n_t, x_t)·C(n_c, x_c)·π^s·(1 − π)^(N − s)`,
//! `s = x_t + x_c`, `N = n_t + n_c`.
//!
//! The two-sided p-value is twice the smaller one-sided p-value (capped at 1), as scipy
//! `boschloo_exact(..., alternative="two-sided")` defines it; the statistic is the
//! one-sided Fisher p-value of that side.
//!
//! Computation: the tables of one total `s` are a hypergeometric family whose one-sided
//! Fisher p-value is its cumulative distribution, increasing in `x_t`: the tables counted
//! are a prefix, summed once per `s` (`O(n_t·n_c)` work), so that `p(π)` is a sum of `N + 1`
//! terms. Its maximum is found on a grid uniform in `asin √π` (`64 + 16·√N` points, several
//! per width of a peak) and refined by golden-section search around the best local maxima.
//! Tables count as tied with the observed one up to a relative 1e-7 (the tolerance of the
//! crate's Fisher test; scipy uses 1e-13). Computed for `N` at most
//! [`BOSCHLOO_MAX_N`](crate::limits::BOSCHLOO_MAX_N).

use serde::{Deserialize, Serialize};

use crate::compare::Arms;
use crate::limits::BOSCHLOO_MAX_N;
use crate::proportion::Counts;
use crate::special::ln_gamma;

/// Boschloo's exact test, two-sided.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoschlooResult {
    /// The statistic: the one-sided Fisher p-value of the side whose Boschloo p-value
    /// is the smaller.
    pub statistic: f64,
    /// Two-sided p-value: twice the smaller one-sided p-value, at most 1.
    pub p_value: f64,
}

/// Relative tolerance under which a table's Fisher p-value counts as equal to the
/// observed one.
const TIE_TOLERANCE: f64 = 1e-7;

/// Local maxima of the grid refined by golden-section search (the largest ones).
const MAX_REFINED: usize = 32;

/// Golden-section steps per refinement: the bracket shrinks by 0.618^80 (about 2e-17).
const GOLDEN_STEPS: usize = 80;

/// Boschloo's exact test of `p_t = p_c`, two-sided (scipy's definition: twice the smaller
/// one-sided p-value). `None` when the two arms total more than
/// [`BOSCHLOO_MAX_N`](crate::limits::BOSCHLOO_MAX_N) people (use Fisher's exact test,
/// [`crate::fisher_exact`], there).
///
/// Cost: `O(n_t·n_c)` to sum the tables, then `O(N^1.5)` for the search of the maximum.
///
/// ```
/// use betagouv_impact::{Arms, Counts, boschloo_exact};
/// // 12/12 users against 7/10 non-users: scipy.stats.boschloo_exact gives 0.0628.
/// let arms = Arms { treated: Counts::new("users", 12, 12)?, control: Counts::new("others", 7, 10)? };
/// let b = boschloo_exact(arms).ok_or("computable")?;
/// assert!((b.p_value - 0.062_794_970_859_377_67).abs() < 1e-9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn boschloo_exact(arms: Arms<Counts>) -> Option<BoschlooResult> {
    let Arms { treated, control } = arms;
    if treated.n().saturating_add(control.n()) > BOSCHLOO_MAX_N {
        return None;
    }
    // At most BOSCHLOO_MAX_N: every count fits a usize and an f64 exactly.
    let (nt, nc) = (usize_of(treated.n())?, usize_of(control.n())?);
    let (xt, xc) = (
        usize_of(treated.successes())?,
        usize_of(control.successes())?,
    );
    let less = one_sided(nt, nc, xt, xc);
    let greater = one_sided(nc, nt, xc, xt);
    // scipy keeps the "greater" side on a tie.
    let best = if less.p_value < greater.p_value {
        less
    } else {
        greater
    };
    Some(BoschlooResult {
        statistic: best.statistic,
        p_value: (2.0 * best.p_value).clamp(0.0, 1.0),
    })
}

fn usize_of(x: u64) -> Option<usize> {
    usize::try_from(x).ok()
}

/// `ln C(n, k)` for `k <= n`.
fn ln_choose(n: usize, k: usize) -> f64 {
    let (n, k) = (n as f64, k as f64);
    ln_gamma(n + 1.0) - ln_gamma(k + 1.0) - ln_gamma(n - k + 1.0)
}

/// The one-sided ("less": `p_1 < p_2`) test of sample 1 (`x1` of `n1`) against
/// sample 2 (`x2` of `n2`): statistic and p-value.
fn one_sided(n1: usize, n2: usize, x1: usize, x2: usize) -> BoschlooResult {
    let total = n1 + n2;
    // Fisher's one-sided p-value of the observed table.
    let mut weights = Vec::with_capacity(n1 + 1);
    let observed = {
        let s = x1 + x2;
        let lo = s.saturating_sub(n2);
        hypergeometric(n1, n2, s, &mut weights);
        let all: f64 = weights.iter().sum();
        let below: f64 = weights.iter().take(x1 - lo + 1).sum();
        (below / all).min(1.0)
    };
    let threshold = observed * (1.0 + TIE_TOLERANCE);
    // ln W_s: the log of the sum of C(n1, k)·C(n2, s − k) over the tables of total s
    // whose one-sided p-value is at most the observed one (None when there is none).
    let ln_w: Vec<Option<f64>> = (0..=total)
        .map(|s| {
            let ln_scale = hypergeometric(n1, n2, s, &mut weights);
            let all: f64 = weights.iter().sum();
            let mut cumulative = 0.0;
            let mut kept = None;
            for w in &weights {
                cumulative += w;
                if cumulative / all <= threshold {
                    kept = Some(cumulative);
                } else {
                    break;
                }
            }
            kept.map(|c| ln_scale + c.ln())
        })
        .collect();
    BoschlooResult {
        statistic: observed,
        p_value: maximise(&ln_w).clamp(0.0, 1.0),
    }
}

/// The weights `C(n1, k)·C(n2, s − k)` of the tables of total `s`, `k` from
/// `max(0, s − n2)` to `min(n1, s)`, scaled by their largest; returns the log of the
/// scale.
fn hypergeometric(n1: usize, n2: usize, s: usize, weights: &mut Vec<f64>) -> f64 {
    let lo = s.saturating_sub(n2);
    let hi = n1.min(s);
    weights.clear();
    // ln w(k) − ln w(lo), by the exact ratio w(k+1)/w(k).
    let mut lw = 0.0_f64;
    let mut max = 0.0_f64;
    for k in lo..=hi {
        if k > lo {
            let j = (k - 1) as f64;
            let ratio =
                ((n1 as f64 - j) * (s as f64 - j)) / ((j + 1.0) * ((n2 + k) as f64 - s as f64));
            lw += ratio.ln();
        }
        max = max.max(lw);
        weights.push(lw);
    }
    for w in weights.iter_mut() {
        *w = (*w - max).exp();
    }
    ln_choose(n1, lo) + ln_choose(n2, s - lo) + max
}

/// `p(π) = Σ_s W_s π^s (1 − π)^(N − s)`, with `N = ln_w.len() − 1`.
fn p_of(ln_w: &[Option<f64>], pi: f64) -> f64 {
    let n = ln_w.len().saturating_sub(1);
    if pi <= 0.0 {
        return ln_w.first().copied().flatten().map_or(0.0, f64::exp);
    }
    if pi >= 1.0 {
        return ln_w.last().copied().flatten().map_or(0.0, f64::exp);
    }
    let (lp, lq) = (pi.ln(), (-pi).ln_1p());
    ln_w.iter()
        .enumerate()
        .filter_map(|(s, w)| w.map(|w| (w + s as f64 * lp + (n - s) as f64 * lq).exp()))
        .sum()
}

/// The supremum over `π` in [0, 1] of [`p_of`]: a grid in `θ = asin √π`, then a
/// golden-section search in the brackets of the largest local maxima.
fn maximise(ln_w: &[Option<f64>]) -> f64 {
    let n = ln_w.len().saturating_sub(1) as f64;
    let points = 64 + (16.0 * n.sqrt()) as usize;
    let half_pi = std::f64::consts::FRAC_PI_2;
    let theta = |i: usize| half_pi * i as f64 / points as f64;
    let at = |t: f64| p_of(ln_w, t.sin().powi(2));
    let values: Vec<f64> = (0..=points).map(|i| at(theta(i))).collect();
    let mut best = values.iter().copied().fold(0.0, f64::max);
    let mut peaks: Vec<usize> = (1..points)
        .filter(|&i| values[i] >= values[i - 1] && values[i] >= values[i + 1])
        .collect();
    peaks.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    for &i in peaks.iter().take(MAX_REFINED) {
        let (mut a, mut b) = (theta(i - 1), theta(i + 1));
        let g = (5.0_f64.sqrt() - 1.0) / 2.0;
        for _ in 0..GOLDEN_STEPS {
            let (c, d) = (b - g * (b - a), a + g * (b - a));
            if at(c) < at(d) {
                a = c;
            } else {
                b = d;
            }
        }
        best = best.max(at(0.5 * (a + b)));
    }
    best
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Two arms of `x_t/n_t` and `x_c/n_c` (valid counts).
    pub(crate) fn arms(xt: u64, nt: u64, xc: u64, nc: u64) -> Arms<Counts> {
        Arms {
            treated: Counts::new("t", xt, nt).expect("valid"),
            control: Counts::new("c", xc, nc).expect("valid"),
        }
    }

    #[test]
    fn scipy_values() {
        // scipy.stats.boschloo_exact([[x_t, x_c], [n_t − x_t, n_c − x_c]]) (scipy 1.17).
        for (a, p) in [
            (arms(12, 12, 7, 10), 0.062_794_970_859_377_67),
            (arms(3, 4, 1, 4), 0.289_062_500_000_000_17),
            (arms(8, 10, 1, 6), 0.017_569_219_285_683_654),
            (arms(0, 10, 3, 12), 0.150_051_164_931_685_02),
        ] {
            let got = boschloo_exact(a).expect("small").p_value;
            assert!((got - p).abs() < 1e-9 * p, "{got} {p}");
        }
        assert_eq!(
            boschloo_exact(arms(0, 5, 0, 7)).map(|b| b.p_value),
            Some(1.0)
        );
        assert_eq!(
            boschloo_exact(arms(2, 3, 2, 3)).map(|b| b.p_value),
            Some(1.0)
        );
    }

    #[test]
    fn bounded() {
        let half = BOSCHLOO_MAX_N / 2;
        assert!(boschloo_exact(arms(1, half + 1, 0, half)).is_none());
        assert!(boschloo_exact(arms(1, 3, 0, 1)).is_some());
    }
}
