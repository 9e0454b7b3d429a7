//! Exact money: [`Money`], [`Currency`], rounding to the cent half away from
//! zero, VAT by date.
//!
//! ```
//! use betagouv_funding::money::{Money, Currency, round_cents, vat_rate_on, document_vat};
//! use rust_decimal::Decimal;
//! use chrono::NaiveDate;
//!
//! // Half away from zero, never banker's rounding.
//! assert_eq!(round_cents("0.125".parse()?).to_string(), "0.13");
//! assert_eq!(round_cents("-0.125".parse()?).to_string(), "-0.13");
//!
//! // VAT is computed once per rate on the sum of the rounded line nets.
//! let line = Money::parse("333.33", Currency::Eur)?;
//! let rate = vat_rate_on(NaiveDate::from_ymd_opt(2016, 4, 1).ok_or("date")?).ok_or("rate")?;
//! assert_eq!(document_vat(&[line, line, line], rate)?.to_string(), "200.00 EUR");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// A currency. Only the euro is supported today; combining two currencies is an error.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[non_exhaustive]
pub enum Currency {
    /// The euro (`EUR`).
    #[default]
    #[serde(rename = "EUR")]
    Eur,
}

impl Currency {
    /// The ISO 4217 code (`EUR`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "EUR" => Ok(Currency::Eur),
            other => Err(Error::UnsupportedCurrency(other.to_owned())),
        }
    }
}

/// Rounds to the cent, half away from zero (0.125 → 0.13, −0.125 → −0.13).
///
/// This is the crate's only rounding to the cent. The result has scale 2.
#[must_use]
pub fn round_cents(x: Decimal) -> Decimal {
    let mut r = x.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// Rounds a ratio for display to `dp` decimals, half away from zero, keeping `dp` decimals.
#[must_use]
pub fn round_ratio(x: Decimal, dp: u32) -> Decimal {
    let mut r = x.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(dp);
    r
}

/// Largest absolute amount kept in a [`Money`]: 10^15 (so cents fit an `i64` and
/// sums of many amounts cannot overflow a `Decimal`).
pub const MAX_UNITS: i64 = 1_000_000_000_000_000;

/// An exact amount of money: at most 2 decimals, an explicit currency.
///
/// Invariants: the amount has scale exactly 2 and its absolute value is at
/// most [`MAX_UNITS`]. There is no `Add` operator: use [`Money::checked_add`],
/// which refuses a currency mismatch and out-of-range totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// `amount` in `currency`.
    ///
    /// # Errors
    /// [`Error::SubCent`] when `amount` has a non-zero third decimal,
    /// [`Error::OutOfRange`] beyond ±[`MAX_UNITS`].
    pub fn new(amount: Decimal, currency: Currency) -> Result<Self> {
        if amount.abs() > Decimal::from(MAX_UNITS) {
            return Err(Error::OutOfRange(amount));
        }
        if amount.normalize().scale() > 2 {
            return Err(Error::SubCent(amount));
        }
        let mut a = amount;
        a.rescale(2);
        Ok(Self {
            amount: a,
            currency,
        })
    }

    /// `amount` euros. Same errors as [`Money::new`].
    ///
    /// # Errors
    /// See [`Money::new`].
    pub fn eur(amount: Decimal) -> Result<Self> {
        Self::new(amount, Currency::Eur)
    }

    /// Zero in `currency`.
    #[must_use]
    pub fn zero(currency: Currency) -> Self {
        Self {
            amount: Decimal::new(0, 2),
            currency,
        }
    }

    /// `cents` hundredths of `currency`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] beyond ±[`MAX_UNITS`].
    pub fn from_cents(cents: i64, currency: Currency) -> Result<Self> {
        Self::new(Decimal::new(cents, 2), currency)
    }

    /// `amount` rounded to the cent (half away from zero) in `currency`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] beyond ±[`MAX_UNITS`].
    pub fn rounded(amount: Decimal, currency: Currency) -> Result<Self> {
        Self::new(round_cents(amount), currency)
    }

    /// Parses `1234.50`, `-12`, `+3.1` (at most 2 decimals, no exponent, no separators).
    ///
    /// # Errors
    /// [`Error::InvalidAmount`], [`Error::SubCent`], [`Error::OutOfRange`].
    pub fn parse(text: &str, currency: Currency) -> Result<Self> {
        let t = text.trim();
        let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
        let ok_shape = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
            && digits.matches('.').count() <= 1
            && !digits.starts_with('.')
            && !digits.ends_with('.');
        if !ok_shape || digits.len() > 40 {
            return Err(Error::InvalidAmount(text.to_owned()));
        }
        let d = Decimal::from_str_exact(t).map_err(|_| Error::InvalidAmount(text.to_owned()))?;
        Self::new(d, currency)
    }

    /// The same amount in `currency` (no conversion: for amounts read bare from
    /// a document that states its currency once).
    pub(crate) fn in_currency(self, currency: Currency) -> Self {
        Self {
            amount: self.amount,
            currency,
        }
    }

    /// The amount (scale 2).
    #[must_use]
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The amount in cents (exact: the scale is 2 and the range fits an `i64`).
    #[must_use]
    pub fn cents(&self) -> i64 {
        // Invariant: scale 2 and |amount| <= 10^15, so the mantissa is within ±10^17.
        i64::try_from(self.amount.mantissa()).unwrap_or(0)
    }

    /// Whether the amount is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// Whether the amount is below zero.
    #[must_use]
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    /// The opposite amount.
    #[must_use]
    pub fn negated(self) -> Self {
        let mut a = -self.amount;
        a.rescale(2);
        Self {
            amount: a,
            currency: self.currency,
        }
    }

    fn same_currency(self, other: Self) -> Result<()> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(Error::CurrencyMismatch {
                left: self.currency.to_string(),
                right: other.currency.to_string(),
            })
        }
    }

    /// `self + other`.
    ///
    /// # Errors
    /// [`Error::CurrencyMismatch`], [`Error::OutOfRange`].
    pub fn checked_add(self, other: Self) -> Result<Self> {
        self.same_currency(other)?;
        let s = self
            .amount
            .checked_add(other.amount)
            .ok_or(Error::Overflow("addition"))?;
        Self::new(s, self.currency)
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`Error::CurrencyMismatch`], [`Error::OutOfRange`].
    pub fn checked_sub(self, other: Self) -> Result<Self> {
        self.checked_add(other.negated())
    }

    /// `self × factor`, rounded to the cent half away from zero (days × daily rate, VAT).
    ///
    /// # Errors
    /// [`Error::Overflow`], [`Error::OutOfRange`].
    pub fn mul_rounded(self, factor: Decimal) -> Result<Self> {
        let p = self
            .amount
            .checked_mul(factor)
            .ok_or(Error::Overflow("multiplication"))?;
        Self::rounded(p, self.currency)
    }

    /// The exact sum of `items` in `currency` (zero when empty).
    ///
    /// # Errors
    /// [`Error::CurrencyMismatch`], [`Error::OutOfRange`].
    pub fn sum<'a>(items: impl IntoIterator<Item = &'a Money>, currency: Currency) -> Result<Self> {
        items
            .into_iter()
            .try_fold(Self::zero(currency), |acc, m| acc.checked_add(*m))
    }
}

impl fmt::Display for Money {
    /// `-12000.00 EUR`: two decimals, `.` as decimal mark, sign first, commodity after a space.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl FromStr for Money {
    type Err = ParseMoneyError;

    /// Parses what [`Display`](fmt::Display) writes: an amount as
    /// [`Money::parse`] reads it (`1234.56`, `-12`, `+3.1`: at most 2 decimals,
    /// no exponent, no separators), one space, a currency code (`EUR`).
    /// The currency is never assumed.
    ///
    /// ```
    /// use betagouv_funding::{Currency, Money, ParseMoneyError};
    /// let m: Money = "1234.5 EUR".parse()?;
    /// assert_eq!((m.cents(), m.currency()), (123_450, Currency::Eur));
    /// assert_eq!(m.to_string(), "1234.50 EUR");
    /// assert!(matches!("1234.50".parse::<Money>(), Err(ParseMoneyError::Shape(_))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn from_str(text: &str) -> std::result::Result<Self, ParseMoneyError> {
        let shape = || ParseMoneyError::Shape(text.to_owned());
        let (amount, code) = text.trim().split_once(' ').ok_or_else(shape)?;
        if code.contains(char::is_whitespace) || amount.is_empty() {
            return Err(shape());
        }
        let invalid = |source| ParseMoneyError::Invalid {
            text: text.to_owned(),
            source,
        };
        let currency: Currency = code.parse().map_err(invalid)?;
        Money::parse(amount, currency).map_err(invalid)
    }
}

/// Why a text is not a [`Money`] (`1234.56 EUR`).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ParseMoneyError {
    /// Not an amount, one space and a currency code.
    #[error("{0:?} is not an amount followed by a currency code, as `1234.56 EUR`")]
    Shape(String),
    /// The amount or the currency is invalid (the cause says which).
    #[error("invalid money {text:?}")]
    Invalid {
        /// The text.
        text: String,
        /// [`Error::InvalidAmount`], [`Error::SubCent`], [`Error::OutOfRange`]
        /// or [`Error::UnsupportedCurrency`].
        #[source]
        source: Error,
    },
}

impl Serialize for Money {
    /// As its [`Display`](fmt::Display) text, with the currency: `"2084035.00 EUR"`.
    /// (Documents that state their currency once, as
    /// [`crate::report::YearReport`], write bare amounts with [`amount`].)
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    /// From its [`FromStr`] text, which names the currency (`"1.10 EUR"`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde of a [`Money`] as a bare amount (`"2084035.00"`), for documents that
/// state their currency once (`#[serde(with = "betagouv_funding::money::amount")]`):
/// the amount is read back in [`Currency::default`], and the document sets its
/// currency afterwards (as [`crate::report::YearReport`] does).
pub mod amount {
    use super::{Currency, Money};
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the amount only (two decimals).
    ///
    /// # Errors
    /// Those of the serializer.
    pub fn serialize<S: Serializer>(m: &Money, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&m.amount())
    }

    /// Reads an amount (at most two decimals) in [`Currency::default`].
    ///
    /// # Errors
    /// A text that is not an amount.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Money::parse(&s, Currency::default()).map_err(serde::de::Error::custom)
    }
}

/// The standard French VAT rate on `date`: 20 % since 2014-01-01, 19.6 % from
/// 2000-04-01 to 2013-12-31; `None` before (not modelled).
#[must_use]
pub fn vat_rate_on(date: NaiveDate) -> Option<Decimal> {
    let since_2014 = NaiveDate::from_ymd_opt(2014, 1, 1)?;
    let since_2000 = NaiveDate::from_ymd_opt(2000, 4, 1)?;
    if date >= since_2014 {
        Some(Decimal::new(20, 2))
    } else if date >= since_2000 {
        Some(Decimal::new(196, 3))
    } else {
        None
    }
}

/// VAT of a document at one rate: `round(Σ line nets × rate)` (never per line).
///
/// # Errors
/// Currency mismatch or overflow of the sum; zero when `nets` is empty.
pub fn document_vat(nets: &[Money], rate: Decimal) -> Result<Money> {
    let currency = nets.first().map_or(Currency::Eur, Money::currency);
    Money::sum(nets, currency)?.mul_rounded(rate)
}

/// Net, VAT and gross of a document; `gross = net + vat` exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Excluding VAT (HT).
    pub net: Money,
    /// VAT (TVA).
    pub vat: Money,
    /// Including VAT (TTC).
    pub gross: Money,
}

impl Totals {
    /// Totals of a document whose line nets are `nets`, at VAT `rate`.
    ///
    /// # Errors
    /// Currency mismatch or overflow.
    pub fn of(nets: &[Money], rate: Decimal, currency: Currency) -> Result<Self> {
        let net = Money::sum(nets, currency)?;
        let vat = net.mul_rounded(rate)?;
        let gross = net.checked_add(vat)?;
        Ok(Self { net, vat, gross })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap_or_default()
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        for (x, r) in [
            ("0.125", "0.13"),
            ("-0.125", "-0.13"),
            ("0.135", "0.14"),
            ("0.145", "0.15"),
            ("2.5", "2.50"),
            ("0.124", "0.12"),
        ] {
            assert_eq!(round_cents(d(x)).to_string(), r, "{x}");
        }
    }

    #[test]
    fn parse_rules() {
        let eur = Currency::Eur;
        assert_eq!(
            Money::parse("12", eur).map(|m| m.to_string()).ok(),
            Some("12.00 EUR".into())
        );
        assert_eq!(Money::parse("-0.5", eur).map(|m| m.cents()).ok(), Some(-50));
        assert!(matches!(Money::parse("1.001", eur), Err(Error::SubCent(_))));
        assert_eq!(
            Money::parse("1.100", eur).map(|m| m.cents()).ok(),
            Some(110)
        );
        for bad in ["", "1,5", "1e3", ".5", "5.", "--1", "1.2.3", "abc", "1 000"] {
            assert!(Money::parse(bad, eur).is_err(), "{bad}");
        }
        assert!(matches!(
            Money::parse("1000000000000001", eur),
            Err(Error::OutOfRange(_))
        ));
    }

    #[test]
    fn vat_is_per_document_not_per_line() {
        let line = Money::parse("333.33", Currency::Eur).unwrap_or(Money::zero(Currency::Eur));
        let t = Totals::of(&[line, line, line], d("0.20"), Currency::Eur);
        let t = t.unwrap_or_else(|_| unreachable!());
        assert_eq!(
            (t.net.cents(), t.vat.cents(), t.gross.cents()),
            (99_999, 20_000, 119_999)
        );
        // Per line it would be 3 × 66.67 = 200.01.
        assert_eq!(
            line.mul_rounded(d("0.20")).map(|v| v.cents()).ok(),
            Some(6_667)
        );
    }

    #[test]
    fn vat_rate_by_date() {
        let day = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
        assert_eq!(vat_rate_on(day(2016, 1, 1)), Some(d("0.20")));
        assert_eq!(vat_rate_on(day(2013, 12, 31)), Some(d("0.196")));
        assert_eq!(vat_rate_on(day(1999, 1, 1)), None);
    }

    #[test]
    fn serde_names_the_currency() {
        let m = Money::parse("1.10", Currency::Eur).unwrap_or(Money::zero(Currency::Eur));
        assert_eq!(
            serde_json::to_string(&m).ok(),
            Some("\"1.10 EUR\"".to_owned())
        );
        let back: Option<Money> = serde_json::from_str("\"1.10 EUR\"").ok();
        assert_eq!(back, Some(m));
        // A bare amount does not say its currency: refused, never read as euros.
        assert!(serde_json::from_str::<Money>("\"1.10\"").is_err());
        let t = Totals::of(&[m, m], Decimal::new(20, 2), Currency::Eur).unwrap();
        let back: Totals = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn from_str_rules() {
        let ok = |t: &str| t.parse::<Money>().map(|m| m.to_string()).ok();
        assert_eq!(ok("1234.5 EUR").as_deref(), Some("1234.50 EUR"));
        assert_eq!(ok(" -12 EUR ").as_deref(), Some("-12.00 EUR"));
        assert_eq!(ok("+3.1 EUR").as_deref(), Some("3.10 EUR"));
        for bad in [
            "", "EUR", "12", "12 ", " EUR", "12  EUR", "12 EUR x", "12 eur",
        ] {
            assert!(
                matches!(
                    bad.parse::<Money>(),
                    Err(ParseMoneyError::Shape(_) | ParseMoneyError::Invalid { .. })
                ),
                "{bad:?}"
            );
        }
        let e = "1.001 EUR".parse::<Money>().unwrap_err();
        assert_eq!(e.to_string(), "invalid money \"1.001 EUR\"");
        let cause = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(
            cause.as_deref(),
            Some("amount 1.001 has more than 2 decimals")
        );
        assert!(matches!(
            "1 USD".parse::<Money>(),
            Err(ParseMoneyError::Invalid {
                source: Error::UnsupportedCurrency(_),
                ..
            })
        ));
    }

    proptest::proptest! {
        #[test]
        fn display_and_from_str_round_trip(cents in -100_000_000_000_000_000i64..=100_000_000_000_000_000) {
            let m = Money::from_cents(cents, Currency::Eur).unwrap();
            let text = m.to_string();
            proptest::prop_assert_eq!(text.parse::<Money>().unwrap(), m);
            let json = serde_json::to_string(&m).unwrap();
            proptest::prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        }
    }
}
