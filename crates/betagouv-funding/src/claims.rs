//! Published figures checked against the records: one [`Verdict`] per figure.
//!
//! This is the workspace's one claims check. A published figure is compared with
//! the figure computed from the records, exactly:
//!
//! | [`Verdict`] | JSON | meaning |
//! |---|---|---|
//! | [`Matches`](Verdict::Matches) | `matches` | equal to the computed figure, and records prove the computed figure |
//! | [`Differs`](Verdict::Differs) | `differs` | not equal; both figures are given |
//! | [`Consistent`](Verdict::Consistent) | `consistent` | equal to a figure computed from resources that only restate published figures: the published figures agree with each other (they add up), but no record proves them |
//! | [`NotComputable`](Verdict::NotComputable) | `not_computable` | nothing to compute the figure from; the note says why |
//!
//! The budget figures (`budget_total`, `budget_partners`, `budget_own` in euros,
//! `partner_share` in percent) are computed by [`ResourceFigures::figure`], and
//! [`ResourceFigures::verdict`] gives the verdict: [`crate::report::report`] checks the
//! claims of a budget file with them, and `betagouv-report` checks the annual report's
//! budget figures with the same two functions. Whether records prove the resources
//! of a year is decided by [`records_prove_resources`].
//!
//! ```
//! use betagouv_funding::claims::{ResourceFigures, ResourceProof, Verdict};
//! use betagouv_funding::model::ClaimUnit;
//! use rust_decimal::Decimal;
//!
//! let figures = ResourceFigures {
//!     own: Decimal::new(932_115, 0),
//!     partners: Decimal::new(1_151_920, 0),
//!     total: Decimal::new(2_084_035, 0),
//!     proof: ResourceProof::PublishedTotals,
//! };
//! let share = figures.figure("partner_share", ClaimUnit::Percent);
//! assert_eq!(share, Some(Decimal::new(5527, 2)));
//! assert_eq!(figures.verdict(Decimal::new(5527, 2), share), Verdict::Consistent);
//! assert_eq!(figures.verdict(Decimal::new(55, 0), share), Verdict::Differs);
//! assert_eq!(Verdict::NotComputable.key(), "not_computable");
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::{Budget, ClaimUnit, FiscalYear, Role};
use crate::money::round_ratio;

/// The verdict on one published figure, against the figure computed from the
/// records. JSON: the [key](Verdict::key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
// Closed, so exhaustive: the outcomes of comparing two exact figures (equal and
// proven, equal and unproven, different, nothing to compare); renderers match on it.
pub enum Verdict {
    /// Equal to the computed figure (at the published precision, for figures
    /// published rounded), and records prove the computed figure.
    Matches,
    /// Different from the computed figure; both are given.
    Differs,
    /// Equal to a figure computed from resources that only restate published
    /// figures: the published figures agree with each other (they add up), but no
    /// record proves them.
    Consistent,
    /// Nothing to compute the figure from (no data, or no rule for it); the note
    /// says why.
    NotComputable,
}

impl Verdict {
    /// Every verdict, in the order above.
    pub const ALL: [Verdict; 4] = [
        Verdict::Matches,
        Verdict::Differs,
        Verdict::Consistent,
        Verdict::NotComputable,
    ];

    /// The stable key, also the JSON spelling: `matches`, `differs`, `consistent`,
    /// `not_computable`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Matches => "matches",
            Verdict::Differs => "differs",
            Verdict::Consistent => "consistent",
            Verdict::NotComputable => "not_computable",
        }
    }
}

/// A published figure of a budget file beside the computed one. JSON keys are a
/// contract: `key`, `published`, `computed`, `verdict`, `note`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimCheck {
    /// Claim key.
    pub key: String,
    /// Published value.
    pub published: Decimal,
    /// Computed value.
    pub computed: Option<Decimal>,
    /// The verdict.
    pub verdict: Verdict,
    /// What the comparison can and cannot say.
    pub note: String,
}

/// The resources of one year that published budget figures are checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceFigures {
    /// The incubator's own credits.
    pub own: Decimal,
    /// Partner funds.
    pub partners: Decimal,
    /// All resources.
    pub total: Decimal,
    /// Whether records prove these resources (see [`records_prove_resources`]):
    /// when they do not, an equal figure is [`Verdict::Consistent`], not
    /// [`Verdict::Matches`].
    pub proof: ResourceProof,
}

/// What the resources of a year rest on, for [`ResourceFigures::verdict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResourceProof {
    /// Records prove them (payments of the year, or partner agreements).
    Records,
    /// They only restate published totals: equal figures are
    /// [`Verdict::Consistent`], not [`Verdict::Matches`].
    PublishedTotals,
}

impl ResourceProof {
    /// [`ResourceProof::Records`] when records prove the resources of `year`
    /// ([`records_prove_resources`]), else [`ResourceProof::PublishedTotals`].
    #[must_use]
    pub fn of(budget: &Budget, year: FiscalYear) -> Self {
        if records_prove_resources(budget, year) {
            Self::Records
        } else {
            Self::PublishedTotals
        }
    }
}

impl ResourceFigures {
    /// The figure that the published figure `key` in `unit` is compared with:
    /// `budget_total`, `budget_partners` and `budget_own` in euros, `partner_share`
    /// in percent (partner funds over the total, 2 decimals, half away from zero;
    /// `None` when the total is zero). `None` for any other key or unit.
    #[must_use]
    pub fn figure(&self, key: &str, unit: ClaimUnit) -> Option<Decimal> {
        match (key, unit) {
            ("budget_total", ClaimUnit::Euros) => Some(self.total),
            ("budget_partners", ClaimUnit::Euros) => Some(self.partners),
            ("budget_own", ClaimUnit::Euros) => Some(self.own),
            ("partner_share", ClaimUnit::Percent) if !self.total.is_zero() => self
                .partners
                .checked_mul(Decimal::ONE_HUNDRED)
                .and_then(|x| x.checked_div(self.total))
                .map(|x| round_ratio(x, 2)),
            _ => None,
        }
    }

    /// The verdict on `published` against `computed` (exact comparison):
    /// [`Verdict::NotComputable`] without a computed figure, [`Verdict::Differs`]
    /// when they differ, else [`Verdict::Matches`] or, when records do not prove
    /// the resources, [`Verdict::Consistent`].
    #[must_use]
    pub fn verdict(&self, published: Decimal, computed: Option<Decimal>) -> Verdict {
        match computed {
            None => Verdict::NotComputable,
            Some(c) if c != published => Verdict::Differs,
            Some(_) if self.proof == ResourceProof::Records => Verdict::Matches,
            Some(_) => Verdict::Consistent,
        }
    }
}

/// Whether records prove the resources of `year`: the year has payments, or the
/// budget records partner agreements. Otherwise its resources only restate
/// published totals (the built-in 2016 budget).
#[must_use]
pub fn records_prove_resources(budget: &Budget, year: FiscalYear) -> bool {
    budget.payments.iter().any(|p| year.contains(p.paid_on)) || !budget.agreements.is_empty()
}

/// Checks the claims of `year` in `budget` against `figures`, in file order, then
/// `budget_own_implied` (published total minus published partner funds, against the
/// recorded own credits) when both are published. A `partners` count is compared
/// with the organisations of role partner.
pub(crate) fn check(
    budget: &Budget,
    year: FiscalYear,
    figures: &ResourceFigures,
) -> Vec<ClaimCheck> {
    let partner_orgs = budget
        .organisations
        .iter()
        .filter(|o| o.role == Role::Partner)
        .count();
    let basis = if figures.proof == ResourceProof::Records {
        "computed from the recorded resources of the year"
    } else {
        "computed from the recorded resources of the year; no spending records exist, so the figures are consistent with each other but not proven by records"
    };
    let check =
        |key: &str, published: Decimal, computed: Option<Decimal>, note: String| ClaimCheck {
            key: key.to_owned(),
            published,
            computed,
            verdict: figures.verdict(published, computed),
            note,
        };
    let of_year = || budget.claims.iter().filter(|c| c.year == year);
    let mut out: Vec<ClaimCheck> = of_year()
        .map(|c| match (c.key.as_str(), c.unit) {
            ("partners", unit) => check(
                &c.key,
                c.value,
                (unit == ClaimUnit::Count).then(|| Decimal::from(partner_orgs)),
                format!("{partner_orgs} partner organisations are recorded by name"),
            ),
            (key, unit) => check(key, c.value, figures.figure(key, unit), basis.to_owned()),
        })
        .collect();
    let published = |key: &str| of_year().find(|c| c.key == key).map(|c| c.value);
    let implied = published("budget_total").zip(published("budget_partners"));
    if let Some(own_published) = implied.and_then(|(t, p)| t.checked_sub(p)) {
        out.push(check(
            "budget_own_implied",
            own_published,
            Some(figures.own),
            "published total minus published partner funds, against the recorded own credits"
                .to_owned(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(on_records: bool) -> ResourceFigures {
        ResourceFigures {
            own: Decimal::new(40, 0),
            partners: Decimal::new(60, 0),
            total: Decimal::new(100, 0),
            proof: if on_records {
                ResourceProof::Records
            } else {
                ResourceProof::PublishedTotals
            },
        }
    }

    #[test]
    fn claim_checks_and_figures_round_trip_through_json() {
        let check = ClaimCheck {
            key: "budget_total".into(),
            published: Decimal::new(2_084_035, 0),
            computed: None,
            verdict: Verdict::NotComputable,
            note: "n".into(),
        };
        let back: ClaimCheck =
            serde_json::from_str(&serde_json::to_string(&check).unwrap()).unwrap();
        assert_eq!(back, check);
        for f in [figures(true), figures(false)] {
            let back: ResourceFigures =
                serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
            assert_eq!(back, f);
        }
    }

    #[test]
    fn keys_are_the_json_spelling() {
        for v in Verdict::ALL {
            let json = serde_json::to_value(v).unwrap();
            assert_eq!(json, v.key());
            assert_eq!(serde_json::from_value::<Verdict>(json).unwrap(), v);
        }
    }

    #[test]
    fn equal_figures_match_only_when_records_prove_them() {
        let total = Some(Decimal::new(100, 0));
        let published = Decimal::new(10_000, 2);
        assert_eq!(figures(true).verdict(published, total), Verdict::Matches);
        assert_eq!(
            figures(false).verdict(published, total),
            Verdict::Consistent
        );
        assert_eq!(figures(true).verdict(Decimal::ONE, total), Verdict::Differs);
        assert_eq!(
            figures(false).verdict(published, None),
            Verdict::NotComputable
        );
    }

    #[test]
    fn figures_by_key_and_unit() {
        let f = figures(true);
        assert_eq!(
            f.figure("budget_own", ClaimUnit::Euros),
            Some(Decimal::new(40, 0))
        );
        assert_eq!(
            f.figure("partner_share", ClaimUnit::Percent),
            Some(Decimal::new(6000, 2))
        );
        assert_eq!(f.figure("budget_total", ClaimUnit::Count), None);
        assert_eq!(f.figure("people", ClaimUnit::Count), None);
        let empty = ResourceFigures {
            total: Decimal::ZERO,
            ..f
        };
        assert_eq!(empty.figure("partner_share", ClaimUnit::Percent), None);
    }
}
