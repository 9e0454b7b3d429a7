//! Allocation of a total over weights by the largest remainder method.
//!
//! Each exact quota is floored to the cent; the leftover cents go one by one
//! to the largest fractional parts (ties: input order). A negative total is
//! allocated by absolute value and the sign restored. The parts always sum
//! exactly to the total. Arithmetic is done on integers (cents × scaled
//! weights), so remainders are compared exactly.
//!
//! ```
//! use betagouv_funding::allocation::allocate;
//! use betagouv_funding::money::{Currency, Money};
//! use rust_decimal::Decimal;
//!
//! let parts = allocate(Money::parse("100.00", Currency::Eur)?, &[Decimal::ONE; 3])?;
//! let text: Vec<String> = parts.iter().map(|m| m.amount().to_string()).collect();
//! assert_eq!(text, ["33.34", "33.33", "33.33"]);
//!
//! let months = allocate(Money::parse("2084035.00", Currency::Eur)?, &[Decimal::ONE; 12])?;
//! assert_eq!(months[3].amount().to_string(), "173669.59");
//! assert_eq!(months[4].amount().to_string(), "173669.58");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::money::Money;

/// Splits `total` over `weights` (non-negative, not all zero) by largest remainder.
///
/// Returns one part per weight, in input order; a zero weight gets zero.
///
/// # Errors
/// [`Error::InvalidWeights`] when `weights` is empty, has a negative weight or
/// sums to zero; [`Error::Overflow`] when the weights have too many digits.
pub fn allocate(total: Money, weights: &[Decimal]) -> Result<Vec<Money>> {
    if weights.is_empty() {
        return Err(Error::InvalidWeights("no weights"));
    }
    if weights.iter().any(|w| w.is_sign_negative() && !w.is_zero()) {
        return Err(Error::InvalidWeights("negative weight"));
    }
    // Bring every weight to the same scale: integer weights.
    let scale = weights.iter().map(|w| w.scale()).max().unwrap_or(0);
    let mut ints = Vec::with_capacity(weights.len());
    for w in weights {
        let mut w = *w;
        w.rescale(scale);
        if w.scale() != scale {
            return Err(Error::Overflow("allocation weights"));
        }
        ints.push(w.mantissa());
    }
    let sum_w = ints
        .iter()
        .try_fold(0i128, |acc, w| acc.checked_add(*w))
        .ok_or(Error::Overflow("allocation weights"))?;
    if sum_w == 0 {
        return Err(Error::InvalidWeights("weights sum to zero"));
    }
    let cents = i128::from(total.cents());
    let (sign, abs) = if cents < 0 { (-1, -cents) } else { (1, cents) };
    let mut floors = Vec::with_capacity(ints.len());
    let mut rems = Vec::with_capacity(ints.len());
    for w in &ints {
        let p = abs.checked_mul(*w).ok_or(Error::Overflow("allocation"))?;
        floors.push(p / sum_w);
        rems.push(p % sum_w);
    }
    let given: i128 = floors.iter().sum();
    let leftover = usize::try_from(abs - given).map_err(|_| Error::Overflow("allocation"))?;
    let mut order: Vec<usize> = (0..ints.len()).collect();
    // Largest remainder first; ties by input order (stable sort).
    order.sort_by(|a, b| rems[*b].cmp(&rems[*a]));
    for i in order.into_iter().take(leftover) {
        floors[i] += 1;
    }
    floors
        .into_iter()
        .map(|c| {
            let c = i64::try_from(sign * c).map_err(|_| Error::Overflow("allocation"))?;
            Money::from_cents(c, total.currency())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn eur(s: &str) -> Money {
        Money::parse(s, Currency::Eur).unwrap()
    }

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[track_caller]
    fn check(total: &str, weights: &[&str], expected: &[&str]) {
        let w: Vec<Decimal> = weights.iter().map(|s| d(s)).collect();
        let parts = allocate(eur(total), &w).unwrap();
        let got: Vec<String> = parts.iter().map(|m| m.amount().to_string()).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn examples() {
        check("100.00", &["1", "1", "1"], &["33.34", "33.33", "33.33"]);
        check("-100.00", &["1", "1", "1"], &["-33.34", "-33.33", "-33.33"]);
        check("0.01", &["1", "1"], &["0.01", "0.00"]);
        check("10.00", &["0", "1"], &["0.00", "10.00"]);
        check("1.00", &["0.5", "1.25", "0.25"], &["0.25", "0.63", "0.12"]);
        check("0.00", &["1", "2"], &["0.00", "0.00"]);
    }

    #[test]
    fn bad_weights() {
        assert!(allocate(eur("1"), &[]).is_err());
        assert!(allocate(eur("1"), &[d("0"), d("0")]).is_err());
        assert!(allocate(eur("1"), &[d("-1"), d("2")]).is_err());
    }
}
