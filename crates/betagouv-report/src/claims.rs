//! The claims check: every published figure against the figure computed from the
//! records, with a [`Verdict`].
//!
//! Rules:
//! - counts (`people`, `services`, `taken_over`, `in_handover`, `partners`) are
//!   compared exactly; `services` counts every start-up record, as the published
//!   reports did (the 2016 report's 33 counted two records whose first phase starts in
//!   2017), and its note gives how many had started at the date;
//! - points and percents of a service are compared at the published precision
//!   (the number of decimals written: "+2" is compared with the computed value rounded
//!   half away from zero to an integer);
//! - euros: checked by `betagouv-funding`'s claims check
//!   ([`betagouv_funding::claims::ResourceFigures`]) against the budget section's
//!   resources: `matches` when they rest on records and are equal, `consistent` when
//!   the budget only restates published figures and they add up (own credits +
//!   partner funds = total), `differs` otherwise;
//! - anything else, or a figure whose data is missing, is `not_computable` with why;
//! - beside that arithmetic verdict, a service's effect (points or percent) gets a
//!   statistical one ([`IntervalCheck`]): whether the published figure lies in the 95 %
//!   interval of the computed effect (Newcombe's for points, Katz's for a relative
//!   figure). The 2016 report's "+12 %" differs from the computed +10.5 % but lies in
//!   its interval [+8.6 %, +12.4 %]: the cohorts cannot tell them apart.
//!
//! [`Verdict`] is the workspace's one verdict type, `betagouv-funding`'s; the unit
//! is [`ClaimUnit`], next to [`PublishedClaim`] in `betagouv-portfolio`.
//!
//! JSON: `{"claim", "label", "unit", "published", "computed", "verdict", "note",
//! "statistical"}` (`statistical`: `{"lower", "upper", "verdict"}` with `inside` or
//! `outside`, or `null`);
//! `published` is the figure as published, `computed` the computed figure in machine
//! format (decimal point) or `null`.

use betagouv_funding::claims::{ResourceFigures, ResourceProof};
use betagouv_portfolio::builtin::{ClaimUnit, PublishedClaim};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::budget::BudgetSection;
use crate::impact::{EvaluationRow, ImpactSection, loose_id};
use crate::lang::Lang;
use crate::num;

/// The verdict on one published figure (its label in a language: [`Lang::verdict`]).
pub use betagouv_funding::claims::Verdict;

/// One published figure, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRow {
    /// The claim's key (`people`, `services`, `lbb_points`, ...).
    pub claim: String,
    /// The published wording, in the report's language.
    pub label: String,
    /// The claim's unit (JSON: `count`, `euros`, `points` or `percent`, its
    /// [`ClaimUnit::key`]).
    pub unit: ClaimUnit,
    /// The value as published (`54`, `2084035`, `+2`).
    pub published: String,
    /// The computed value (machine format), when computable.
    pub computed: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// What was computed and how, or why it could not be.
    pub note: String,
    /// For a service's effect (points or percent): whether the published figure lies in
    /// the confidence interval of the computed one, a statistical verdict beside the
    /// arithmetic one; `None` for other claims or when the interval is undefined.
    pub statistical: Option<IntervalCheck>,
}

/// Whether a published effect lies in the confidence interval of the effect computed from
/// the cohorts (Newcombe's interval for points, Katz's for a relative figure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntervalCheck {
    /// Lower bound of the interval, in the claim's unit (machine format, two decimals).
    pub lower: String,
    /// Upper bound.
    pub upper: String,
    /// The verdict.
    pub verdict: IntervalVerdict,
}

/// Whether a published figure lies in an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IntervalVerdict {
    /// Inside (bounds included): the data cannot tell the published figure from the
    /// computed one.
    Inside,
    /// Outside: the data contradict the published figure at the interval's level.
    Outside,
}

/// The computed figures the claims are checked against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Facts<'a> {
    pub(crate) members: usize,
    pub(crate) services: usize,
    pub(crate) services_started: usize,
    pub(crate) taken_over: usize,
    pub(crate) in_handover: usize,
    pub(crate) partners: usize,
    pub(crate) partners_by_owner: bool,
    pub(crate) budget: Option<&'a BudgetSection>,
    pub(crate) impact: Option<&'a ImpactSection>,
}

/// The outcome of one check: the computed value, the verdict and the note.
type Outcome = (Option<String>, Verdict, String);

fn fr_en(lang: Lang, fr: String, en: String) -> String {
    match lang {
        Lang::Fr => fr,
        Lang::En => en,
    }
}

/// Decimals written in a published value (`+2` → 0, `55.27` → 2).
fn precision(published: &str) -> usize {
    published.split_once('.').map_or(0, |(_, f)| f.len())
}

fn count_claim(published: &str, computed: usize) -> (Option<String>, Verdict) {
    let verdict = match published.trim_start_matches('+').parse::<usize>() {
        Ok(p) if p == computed => Verdict::Matches,
        Ok(_) => Verdict::Differs,
        Err(_) => Verdict::NotComputable,
    };
    (Some(computed.to_string()), verdict)
}

fn real_claim(published: &str, computed: f64) -> (Option<String>, Verdict) {
    let dp = precision(published);
    let verdict = match published.parse::<f64>() {
        Ok(p) => {
            let rounded = num::round_half_away(computed, dp);
            if (rounded - p).abs() < 0.5 * 10f64.powi(-i32::try_from(dp).unwrap_or(0)) {
                Verdict::Matches
            } else {
                Verdict::Differs
            }
        }
        Err(_) => Verdict::NotComputable,
    };
    // The computed value is shown one decimal finer than published.
    let shown = num::signed(computed, dp + 1, Lang::En);
    (Some(shown), verdict)
}

fn evaluation<'a>(impact: Option<&'a ImpactSection>, startup: &str) -> Option<&'a EvaluationRow> {
    let key = loose_id(startup);
    impact?
        .evaluations
        .iter()
        .find(|e| loose_id(&e.startup) == key)
}

/// Checks every published claim against the facts.
pub(crate) fn check(published: &[PublishedClaim], f: &Facts<'_>, lang: Lang) -> Vec<ClaimRow> {
    published.iter().map(|c| check_one(c, f, lang)).collect()
}

fn check_one(c: &PublishedClaim, f: &Facts<'_>, lang: Lang) -> ClaimRow {
    let (computed, verdict, note) = match (c.key, c.unit) {
        ("people" | "services" | "taken_over" | "in_handover" | "partners", _) => {
            count_outcome(c, f, lang)
        }
        (_, ClaimUnit::Euros) => euros_claim(c, f.budget, lang),
        (_, ClaimUnit::Points | ClaimUnit::Percent) => impact_claim(c, f.impact, lang),
        _ => (
            None,
            Verdict::NotComputable,
            fr_en(
                lang,
                "aucune règle de calcul pour ce chiffre".into(),
                "no rule computes this figure".into(),
            ),
        ),
    };
    let statistical = match c.unit {
        ClaimUnit::Points | ClaimUnit::Percent => interval_check(c, f.impact),
        _ => None,
    };
    ClaimRow {
        claim: c.key.to_owned(),
        label: match lang {
            Lang::Fr => c.label_fr,
            Lang::En => c.label_en,
        }
        .to_owned(),
        unit: c.unit,
        published: c.value.to_owned(),
        computed,
        verdict,
        note,
        statistical,
    }
}

/// The published effect against the interval of the computed one.
fn interval_check(c: &PublishedClaim, impact: Option<&ImpactSection>) -> Option<IntervalCheck> {
    let e = evaluation(impact, c.startup.unwrap_or_default())?;
    let (lower, upper) = if c.unit == ClaimUnit::Points {
        (e.ci_lower_points, e.ci_upper_points)
    } else {
        (e.relative_ci_lower_percent?, e.relative_ci_upper_percent?)
    };
    let published = c.value.parse::<f64>().ok().filter(|p| p.is_finite())?;
    let verdict = if (lower..=upper).contains(&published) {
        IntervalVerdict::Inside
    } else {
        IntervalVerdict::Outside
    };
    Some(IntervalCheck {
        lower: format!("{lower:.2}"),
        upper: format!("{upper:.2}"),
        verdict,
    })
}

/// A count of the portfolio at the date (`people`, `services`, `taken_over`,
/// `in_handover`, `partners`), compared exactly, with what was counted.
fn count_outcome(c: &PublishedClaim, f: &Facts<'_>, lang: Lang) -> Outcome {
    let (n, note) = match c.key {
        "people" => (
            f.members,
            fr_en(
                lang,
                format!(
                    "{} membres actifs (une mission couvre la date) ; le rapport compte les personnes impliquées dans la communauté, sans définition",
                    f.members
                ),
                format!(
                    "{} active members (a mission covers the date); the report counts people involved in the community, without a definition",
                    f.members
                ),
            ),
        ),
        "services" => (
            f.services,
            fr_en(
                lang,
                format!(
                    "{} fiches start-up, toutes comptées comme le rapport publié les comptait ; {} commencées à la date",
                    f.services, f.services_started
                ),
                format!(
                    "{} start-up records, all counted as the published report counted them; {} started at the date",
                    f.services, f.services_started
                ),
            ),
        ),
        "partners" => (
            f.partners,
            format!("{} {}", f.partners, partners_counted(f, lang)),
        ),
        _ => {
            let n = if c.key == "taken_over" {
                f.taken_over
            } else {
                f.in_handover
            };
            let note = fr_en(
                lang,
                format!("{n} fiche(s) dont la phase en cours a cette étape à la date"),
                format!("{n} record(s) whose current phase is at this stage at the date"),
            );
            (n, note)
        }
    };
    let (v, verdict) = count_claim(c.value, n);
    (v, verdict, note)
}

/// What the partners count counts: owners, or sponsors when no record has an owner.
fn partners_counted(f: &Facts<'_>, lang: Lang) -> String {
    if f.partners_by_owner {
        fr_en(
            lang,
            "porteurs distincts (champ owner, texte libre)".into(),
            "distinct owners (owner field, free text)".into(),
        )
    } else {
        fr_en(
            lang,
            "sponsors distincts".into(),
            "distinct sponsors".into(),
        )
    }
}

/// A service's effect in points or percent, from its evaluation in the impact data.
fn impact_claim(c: &PublishedClaim, impact: Option<&ImpactSection>, lang: Lang) -> Outcome {
    let startup = c.startup.unwrap_or_default();
    let Some(e) = evaluation(impact, startup) else {
        return (
            None,
            Verdict::NotComputable,
            fr_en(
                lang,
                format!("aucune évaluation de « {startup} » dans les données d'impact"),
                format!("no evaluation of \"{startup}\" in the impact data"),
            ),
        );
    };
    let value = if c.unit == ClaimUnit::Points {
        Some(e.difference_points)
    } else {
        e.relative_percent
    };
    match value {
        None => (
            None,
            Verdict::NotComputable,
            fr_en(
                lang,
                "taux de la cohorte témoin nul".into(),
                "the control rate is zero".into(),
            ),
        ),
        Some(x) => {
            let (v, verdict) = real_claim(c.value, x);
            (v, verdict, impact_note(e, c.unit, lang))
        }
    }
}

fn impact_note(e: &EvaluationRow, unit: ClaimUnit, lang: Lang) -> String {
    let t = num::fixed(e.treated.rate_percent, 1, lang);
    let ctl = num::fixed(e.control.rate_percent, 1, lang);
    let lo = num::fixed(e.ci_lower_points, 1, lang);
    let hi = num::fixed(e.ci_upper_points, 1, lang);
    let d = num::signed(e.difference_points, 1, lang);
    match (unit, lang) {
        (ClaimUnit::Points, Lang::Fr) => format!(
            "{t} % contre {ctl} % : {d} points (IC 95 % [{lo} ; {hi}]) ; publié arrondi à l'entier"
        ),
        (ClaimUnit::Points, Lang::En) => format!(
            "{t} % against {ctl} %: {d} points (95 % CI [{lo}, {hi}]); published rounded to an integer"
        ),
        (_, Lang::Fr) => format!(
            "{d} points rapportés au taux témoin de {ctl} % ; +12 % supposerait un taux de {} %",
            num::fixed(e.control.rate_percent * 1.12, 1, lang)
        ),
        (_, Lang::En) => format!(
            "{d} points relative to the control rate of {ctl} %; +12 % would need a rate of {} %",
            num::fixed(e.control.rate_percent * 1.12, 1, lang)
        ),
    }
}

/// A budget figure in euros, checked by `betagouv-funding`'s claims check against the
/// budget section's resources.
fn euros_claim(c: &PublishedClaim, budget: Option<&BudgetSection>, lang: Lang) -> Outcome {
    let Some(b) = budget else {
        return (
            None,
            Verdict::NotComputable,
            fr_en(
                lang,
                "aucune donnée budgétaire".into(),
                "no budget data".into(),
            ),
        );
    };
    let figures = ResourceFigures {
        own: b.own,
        partners: b.partners,
        total: b.total,
        proof: if b.published_only {
            ResourceProof::PublishedTotals
        } else {
            ResourceProof::Records
        },
    };
    let Some(computed) = figures.figure(c.key, c.unit) else {
        return (
            None,
            Verdict::NotComputable,
            fr_en(
                lang,
                "aucune règle de calcul pour ce montant".into(),
                "no rule computes this amount".into(),
            ),
        );
    };
    // A published value that is not a number differs from any amount.
    let verdict = c
        .value
        .parse::<Decimal>()
        .map_or(Verdict::Differs, |p| figures.verdict(p, Some(computed)));
    let sum = format!(
        "{} + {} = {}",
        num::euros(b.own, lang),
        num::euros(b.partners, lang),
        num::euros(b.total, lang)
    );
    let note = if b.published_only {
        fr_en(
            lang,
            format!(
                "crédits propres + fonds des partenaires : {sum} ; montants repris du rapport, aucune pièce ne les prouve"
            ),
            format!(
                "own credits + partner funds: {sum}; amounts restated from the report, no records prove them"
            ),
        )
    } else {
        fr_en(
            lang,
            format!("somme des ressources enregistrées : {sum}"),
            format!("sum of the recorded resources: {sum}"),
        )
    };
    (Some(computed.normalize().to_string()), verdict, note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_of_published_values() {
        assert_eq!(precision("+2"), 0);
        assert_eq!(precision("55.27"), 2);
    }

    #[test]
    fn reals_compare_at_the_published_precision() {
        assert_eq!(real_claim("+2", 2.1).1, Verdict::Matches);
        assert_eq!(real_claim("+2", 2.5).1, Verdict::Differs);
        assert_eq!(real_claim("+12", 10.5).1, Verdict::Differs);
        assert_eq!(real_claim("+10.5", 10.5).1, Verdict::Matches);
        assert_eq!(real_claim("+2", 2.1).0.as_deref(), Some("+2.1"));
        assert_eq!(real_claim("x", 1.0).1, Verdict::NotComputable);
    }

    #[test]
    fn counts_compare_exactly() {
        assert_eq!(count_claim("54", 27).1, Verdict::Differs);
        assert_eq!(count_claim("27", 27).1, Verdict::Matches);
    }
}
