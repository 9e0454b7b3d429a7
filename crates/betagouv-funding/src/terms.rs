//! Payment terms of public procurement that the checks apply: the cap on
//! advances and when they must be recovered, the payment delay, the
//! late-payment interest and the flat recovery fee. Each is a parameter of
//! [`PaymentTerms`] with its legal default (code de la commande publique).
//!
//! ```
//! use betagouv_funding::terms::PaymentTerms;
//! use betagouv_funding::{Currency, Money};
//! use betagouv_funding::rust_decimal::Decimal;
//!
//! // ECB main refinancing rate 0.25 %: interest at 8.25 % a year.
//! let terms = PaymentTerms::default().with_ecb_rate(Decimal::new(25, 4));
//! let gross = Money::parse("12000.00", Currency::Eur)?;
//! // 12,000.00 × 8.25 % × 10 / 365 = 27.123... → 27.12
//! assert_eq!(terms.late_interest(gross, 10)?.amount().to_string(), "27.12");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::money::Money;

/// The parameters of the service-fait, advance and late-payment rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentTerms {
    /// Largest share of an order's TTC amount paid as advances. Default 0.30:
    /// the top of the 5 % to 30 % range of R2191-7 (an advance above 30 %
    /// needs a first-demand guarantee, R2191-8).
    pub advance_cap: Decimal,
    /// Share of an order's TTC amount certified (service fait) at which its
    /// advances must be recovered in full. Default 0.80 (R2191-19, for an
    /// order of a framework contract without a minimum).
    pub recovery_threshold: Decimal,
    /// Days the State has to pay (R2192-10). Default 30.
    pub payment_delay_days: u32,
    /// ECB main refinancing rate in force on the first day of the half-year
    /// in which the interest starts (R2192-31). Default 0 (its value from
    /// 16 March 2016 to 26 July 2022).
    pub ecb_rate: Decimal,
    /// Points added to the ECB rate (R2192-31). Default 0.08.
    pub interest_margin: Decimal,
    /// Flat recovery fee per late payment, in the budget's currency
    /// (D2192-35). Default 40.
    pub flat_fee: Decimal,
}

impl Default for PaymentTerms {
    fn default() -> Self {
        Self {
            advance_cap: Decimal::new(30, 2),
            recovery_threshold: Decimal::new(80, 2),
            payment_delay_days: 30,
            ecb_rate: Decimal::ZERO,
            interest_margin: Decimal::new(8, 2),
            flat_fee: Decimal::new(40, 0),
        }
    }
}

impl PaymentTerms {
    /// The same terms with `advance_cap` as the largest share of an order paid as advances.
    #[must_use]
    pub fn with_advance_cap(mut self, advance_cap: Decimal) -> Self {
        self.advance_cap = advance_cap;
        self
    }

    /// The same terms with `recovery_threshold` as the share of an order certified at which advances are recovered.
    #[must_use]
    pub fn with_recovery_threshold(mut self, recovery_threshold: Decimal) -> Self {
        self.recovery_threshold = recovery_threshold;
        self
    }

    /// The same terms with `payment_delay_days` as the payment delay in days.
    #[must_use]
    pub fn with_payment_delay_days(mut self, payment_delay_days: u32) -> Self {
        self.payment_delay_days = payment_delay_days;
        self
    }

    /// The same terms with `ecb_rate` as the ECB main refinancing rate.
    #[must_use]
    pub fn with_ecb_rate(mut self, ecb_rate: Decimal) -> Self {
        self.ecb_rate = ecb_rate;
        self
    }

    /// The same terms with `interest_margin` as the points added to the ECB rate.
    #[must_use]
    pub fn with_interest_margin(mut self, interest_margin: Decimal) -> Self {
        self.interest_margin = interest_margin;
        self
    }

    /// The same terms with `flat_fee` as the flat recovery fee.
    #[must_use]
    pub fn with_flat_fee(mut self, flat_fee: Decimal) -> Self {
        self.flat_fee = flat_fee;
        self
    }

    /// Yearly late-payment interest rate: ECB rate + margin.
    #[must_use]
    pub fn interest_rate(&self) -> Decimal {
        self.ecb_rate.saturating_add(self.interest_margin)
    }

    /// Last day to pay an invoice received on `received_on` for a service done
    /// on `service_on`: the delay runs from the receipt, or from the service
    /// when it is later (R2192-12, R2192-13). `None` past the calendar.
    #[must_use]
    pub fn due_on(&self, received_on: NaiveDate, service_on: NaiveDate) -> Option<NaiveDate> {
        received_on
            .max(service_on)
            .checked_add_days(Days::new(u64::from(self.payment_delay_days)))
    }

    /// Days a payment on `paid_on` is late (0 when on time).
    #[must_use]
    pub fn days_late(
        &self,
        received_on: NaiveDate,
        service_on: NaiveDate,
        paid_on: NaiveDate,
    ) -> u32 {
        self.due_on(received_on, service_on).map_or(0, |due| {
            u32::try_from((paid_on - due).num_days().max(0)).unwrap_or(u32::MAX)
        })
    }

    /// Late-payment interest: `gross × rate × days / 365`, rounded to the cent
    /// half away from zero.
    ///
    /// # Errors
    /// [`Error::Overflow`] when the product does not fit.
    pub fn late_interest(&self, gross: Money, days_late: u32) -> Result<Money> {
        let exact = gross
            .amount()
            .checked_mul(self.interest_rate())
            .and_then(|x| x.checked_mul(Decimal::from(days_late)))
            .and_then(|x| x.checked_div(Decimal::from(365)))
            .ok_or(Error::Overflow("late-payment interest"))?;
        Money::rounded(exact, gross.currency())
    }
}

/// Where an order's payments stand at a date: what the settlements paid, what
/// the advances paid, how much of the advances the service fait has absorbed
/// (recovered) and how much is still ahead of it (outstanding).
///
/// Recovery is by netting: the service fait certified and not yet paid by
/// settlements recovers the advances, up to their amount. So
/// `settled + recovered + outstanding = settled + advanced` (the money paid),
/// and `settled + recovered <= certified` whenever `settled <= certified`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdvancePosition {
    /// Paid by settlements.
    pub settled: Money,
    /// Paid as advances.
    pub advanced: Money,
    /// Advances covered by service fait.
    pub recovered: Money,
    /// Advances not yet covered by service fait.
    pub outstanding: Money,
}

impl AdvancePosition {
    /// The position of `settled` and `advanced` against `certified` service fait.
    ///
    /// # Errors
    /// Overflow or currency mismatch.
    pub fn of(settled: Money, advanced: Money, certified: Money) -> Result<Self> {
        let uncovered = certified.checked_sub(settled)?;
        let recovered = if uncovered.amount() <= Decimal::ZERO || advanced.is_negative() {
            Money::zero(advanced.currency())
        } else if uncovered.amount() < advanced.amount() {
            uncovered
        } else {
            advanced
        };
        let outstanding = advanced.checked_sub(recovered)?;
        Ok(Self {
            settled,
            advanced,
            recovered,
            outstanding,
        })
    }

    /// Everything paid: settlements and advances.
    ///
    /// # Errors
    /// Overflow.
    pub fn paid(&self) -> Result<Money> {
        self.settled.checked_add(self.advanced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn eur(s: &str) -> Money {
        Money::parse(s, Currency::Eur).unwrap()
    }
    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn interest_by_hand() {
        // 8.00 %: 6,000.00 × 0.08 × 12 / 365 = 15.7808... → 15.78
        let t = PaymentTerms::default();
        assert_eq!(t.late_interest(eur("6000.00"), 12).unwrap(), eur("15.78"));
        // 8.00 %: 1,000.00 × 0.08 × 1 / 365 = 0.21917... → 0.22
        assert_eq!(t.late_interest(eur("1000.00"), 1).unwrap(), eur("0.22"));
        // 10.15 % (ECB 2.15 %): 2,400.00 × 0.1015 × 45 / 365 = 30.0328... → 30.03
        let t = PaymentTerms {
            ecb_rate: Decimal::new(215, 4),
            ..PaymentTerms::default()
        };
        assert_eq!(t.late_interest(eur("2400.00"), 45).unwrap(), eur("30.03"));
        // Half a cent is rounded away from zero: 73 points (a made-up rate)
        let t = PaymentTerms {
            ecb_rate: Decimal::ZERO,
            interest_margin: Decimal::new(73, 2),
            ..PaymentTerms::default()
        };
        // 0.73 × 2.50 × 1 / 365 = 0.005 → 0.01 (half away from zero, not 0.00)
        assert_eq!(t.late_interest(eur("2.50"), 1).unwrap(), eur("0.01"));
        assert_eq!(t.late_interest(eur("-2.50"), 1).unwrap(), eur("-0.01"));
        assert_eq!(t.late_interest(eur("6000.00"), 0).unwrap(), eur("0.00"));
    }

    #[test]
    fn delay_runs_from_the_later_of_receipt_and_service() {
        let t = PaymentTerms::default();
        assert_eq!(
            t.due_on(day("2016-03-01"), day("2016-02-29")),
            Some(day("2016-03-31"))
        );
        assert_eq!(
            t.due_on(day("2016-03-01"), day("2016-03-15")),
            Some(day("2016-04-14"))
        );
        assert_eq!(
            t.days_late(day("2016-03-01"), day("2016-02-29"), day("2016-03-31")),
            0
        );
        assert_eq!(
            t.days_late(day("2016-03-01"), day("2016-02-29"), day("2016-04-12")),
            12
        );
        assert_eq!(
            t.days_late(day("2016-03-01"), day("2016-02-29"), day("2016-01-12")),
            0
        );
    }

    proptest::proptest! {
        #[test]
        fn advances_are_never_created_or_lost(
            settled in 0i64..10_000_000,
            advanced in 0i64..10_000_000,
            certified in 0i64..20_000_000,
        ) {
            let c = Currency::Eur;
            let s = Money::from_cents(settled, c).unwrap();
            let a = Money::from_cents(advanced, c).unwrap();
            let cert = Money::from_cents(certified, c).unwrap();
            let p = AdvancePosition::of(s, a, cert).unwrap();
            proptest::prop_assert_eq!(
                p.settled.cents() + p.recovered.cents() + p.outstanding.cents(),
                p.paid().unwrap().cents()
            );
            proptest::prop_assert!(p.recovered.cents() >= 0 && p.outstanding.cents() >= 0);
            proptest::prop_assert!(p.recovered.cents() <= advanced);
            if settled <= certified {
                proptest::prop_assert!(settled + p.recovered.cents() <= certified);
                // Paid beyond the service fait only by what the advances still hold.
                proptest::prop_assert!(settled + advanced <= certified + p.outstanding.cents());
            }
        }

        #[test]
        fn interest_is_exact_to_the_cent(gross in 0i64..100_000_000, days in 0u32..400) {
            let t = PaymentTerms::default();
            let m = t.late_interest(Money::from_cents(gross, Currency::Eur).unwrap(), days).unwrap();
            // |m × 365 − gross × 8 % × days| ≤ half a cent × 365.
            let exact = Decimal::new(gross, 2) * Decimal::new(8, 2) * Decimal::from(days);
            let diff = (m.amount() * Decimal::from(365) - exact).abs();
            proptest::prop_assert!(diff <= Decimal::new(5, 3) * Decimal::from(365));
        }
    }
}
