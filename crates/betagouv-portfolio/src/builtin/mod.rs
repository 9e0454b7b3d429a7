//! The built-in 2016 dataset.
//!
//! The 27 start-ups and 50 members of the beta.gouv.fr content repository at its
//! last 2016 commit (`9017b4a3`, 2016-12-22), transcribed by the project as
//! facts (ids, names, status, start date, owner, links, member pseudonyms with
//! mission dates and statuses; pitches in our own words), and the figures the
//! 2016 annual report published, recorded as [`PublishedClaim`]s.
//!
//! ```
//! use betagouv_portfolio::builtin;
//! let p = builtin::portfolio_2016();
//! assert_eq!((p.startups.len(), p.members.len()), (27, 50));
//! let people = builtin::published_2016().iter().find(|c| c.key == "people").map(|c| c.value);
//! assert_eq!(people, Some("54"));
//! ```

mod data_2016;
mod rows;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::RecordDate;
use crate::id::{MemberId, StartupId};
use crate::member::{Member, MemberShape, Mission};
use crate::phase::{Phase, PhaseField, Vocabulary};
use crate::portfolio::Portfolio;
use crate::startup::{Links, Startup};
use crate::value::Extra;

/// The date the built-in dataset describes: 2016-12-31.
#[must_use]
pub fn as_of_2016() -> NaiveDate {
    NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or_default()
}

fn text(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn date(s: &str) -> Option<RecordDate> {
    (!s.is_empty()).then(|| RecordDate::parse(s))
}

/// The 2016 portfolio: 27 start-ups (`status` records, 2016 vocabulary) and 50 members.
///
/// Rows whose id would be invalid are skipped (none is: a unit test checks it).
#[must_use]
pub fn portfolio_2016() -> Portfolio {
    let mut p = Portfolio::new(Vocabulary::V2016);
    for r in data_2016::STARTUPS {
        let Ok(id) = StartupId::new(r.id) else {
            continue;
        };
        let mut s = Startup::new(id, r.title);
        s.pitch = r.pitch.to_owned();
        s.phase_field = PhaseField::Status;
        s.phases = vec![Phase {
            name: r.status.to_owned(),
            start: date(r.start),
            end: None,
            comment: None,
            extra: Extra::default(),
        }];
        s.owner = text(r.owner);
        s.links = Links {
            site: text(r.link),
            repository: text(r.repository),
            ..Links::default()
        };
        p.startups.push(s);
    }
    for r in data_2016::MEMBERS {
        let Ok(id) = MemberId::new(r.id) else {
            continue;
        };
        let mut m = Member::new(id, r.fullname);
        m.role = r.role.to_owned();
        m.shape = MemberShape::Flat;
        if !(r.start.is_empty() && r.end.is_empty() && r.employer.is_empty()) {
            let (status, employer) = match r.employer.split_once('/') {
                Some((s, e)) => (text(s.trim()), text(e.trim())),
                None => (text(r.employer.trim()), None),
            };
            m.missions.push(Mission {
                start: date(r.start),
                end: date(r.end),
                status,
                employer,
                startups: Vec::new(),
                extra: Extra::default(),
            });
        }
        p.members.push(m);
    }
    p
}

/// The unit of a published figure: the one unit type of the workspace, used by the
/// figures of the annual report below, by the claims of a budget file
/// (`betagouv-funding`) and by the report's claims check (`betagouv-report`).
/// JSON and TOML: the [key](ClaimUnit::key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimUnit {
    /// A count (people, services, partners).
    Count,
    /// Euros.
    Euros,
    /// Percentage points (a difference of two percentages).
    Points,
    /// Percent (a share, or a relative change).
    Percent,
}

impl ClaimUnit {
    /// The stable key: `count`, `euros`, `points` or `percent`.
    ///
    /// ```
    /// use betagouv_portfolio::builtin::ClaimUnit;
    /// assert_eq!(ClaimUnit::Euros.key(), "euros");
    /// ```
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            ClaimUnit::Count => "count",
            ClaimUnit::Euros => "euros",
            ClaimUnit::Points => "points",
            ClaimUnit::Percent => "percent",
        }
    }
}

/// A figure as the annual report published it. Serialised, not deserialised: the
/// figures are a static table ([`published_2016`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PublishedClaim {
    /// Stable key (`people`, `budget_total`, `services`, ...).
    pub key: &'static str,
    /// The published wording (French).
    pub label_fr: &'static str,
    /// The same in English.
    pub label_en: &'static str,
    /// The value as published, digits only with an optional sign (`54`, `2084035`, `+12`).
    pub value: &'static str,
    /// Its unit.
    pub unit: ClaimUnit,
    /// The start-up it is about, for service figures.
    pub startup: Option<&'static str>,
}

/// The date the 2016 annual report was published: 2017-04-26, when the pull request
/// that added it to the site was merged (corrected on 27 April). It was written from
/// the content repository as it stood on 20 April 2017; read as known at either date,
/// as of 2016-12-31, the repository gives its 33 services, 8 taken over and 3 in
/// hand-over.
///
/// ```
/// assert_eq!(betagouv_portfolio::builtin::published_at_2016().to_string(), "2017-04-26");
/// ```
#[must_use]
pub fn published_at_2016() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 4, 26).unwrap_or_default()
}

/// Every figure of the 2016 annual report that the records can be checked against.
#[must_use]
pub fn published_2016() -> &'static [PublishedClaim] {
    const fn c(
        key: &'static str,
        label_fr: &'static str,
        label_en: &'static str,
        value: &'static str,
        unit: ClaimUnit,
    ) -> PublishedClaim {
        PublishedClaim {
            key,
            label_fr,
            label_en,
            value,
            unit,
            startup: None,
        }
    }
    const CLAIMS: &[PublishedClaim] = &[
        c(
            "people",
            "personnes impliquées dans la communauté de l'incubateur",
            "people involved in the incubator's community",
            "54",
            ClaimUnit::Count,
        ),
        c(
            "budget_total",
            "budget 2016",
            "2016 budget",
            "2084035",
            ClaimUnit::Euros,
        ),
        c(
            "budget_partners",
            "dont financement des administrations partenaires",
            "of which financed by partner administrations",
            "1151920",
            ClaimUnit::Euros,
        ),
        c(
            "services",
            "services dans le portefeuille",
            "services in the portfolio",
            "33",
            ClaimUnit::Count,
        ),
        c(
            "taken_over",
            "dont services repris",
            "of which taken over",
            "8",
            ClaimUnit::Count,
        ),
        c(
            "in_handover",
            "dont services en passation",
            "of which in hand-over",
            "3",
            ClaimUnit::Count,
        ),
        c(
            "partners",
            "partenaires ayant fait confiance à l'incubateur en 2016",
            "partners that trusted the incubator in 2016",
            "15",
            ClaimUnit::Count,
        ),
        PublishedClaim {
            startup: Some("labonneboite"),
            ..c(
                "lbb_points",
                "La Bonne Boîte : taux de retour à l'emploi supérieur de 2 points",
                "La Bonne Boîte: return-to-work rate 2 points higher",
                "+2",
                ClaimUnit::Points,
            )
        },
        PublishedClaim {
            startup: Some("labonneboite"),
            ..c(
                "lbb_relative",
                "La Bonne Boîte : soit +12 %",
                "La Bonne Boîte: that is +12 %",
                "+12",
                ClaimUnit::Percent,
            )
        },
    ];
    CLAIMS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_kept() {
        let p = portfolio_2016();
        assert_eq!(p.startups.len(), data_2016::STARTUPS.len());
        assert_eq!(p.members.len(), data_2016::MEMBERS.len());
        assert_eq!(p.detect_vocabulary(), Vocabulary::V2016);
    }

    #[test]
    fn unit_keys_are_the_json_spelling() {
        for u in [
            ClaimUnit::Count,
            ClaimUnit::Euros,
            ClaimUnit::Points,
            ClaimUnit::Percent,
        ] {
            let json = serde_json::to_value(u).unwrap();
            assert_eq!(json, u.key());
            assert_eq!(serde_json::from_value::<ClaimUnit>(json).unwrap(), u);
        }
    }

    #[test]
    fn employer_prefix_is_the_status() {
        let p = portfolio_2016();
        let statuses: std::collections::BTreeSet<_> = p
            .members
            .iter()
            .flat_map(|m| m.missions.iter().filter_map(|mi| mi.status.as_deref()))
            .collect();
        assert_eq!(
            statuses.into_iter().collect::<Vec<_>>(),
            ["admin", "dinsic", "independent", "service"]
        );
    }
}
