//! The impact section: each evaluation with its interval, test and minimum
//! detectable effect, and the usage KPIs.
//!
//! The statistics come from `betagouv-impact`; this module only holds the figures
//! the report shows (rates and differences in percent and percentage points).

use betagouv_impact::{Bound, ConfidenceSet, EvaluationDesign, Period, TestKind, TestReason};
use serde::{Deserialize, Serialize};

/// One cohort of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmRow {
    /// The cohort's label.
    pub label: String,
    /// The cohort's label in French, when the impact file gives one.
    pub label_fr: Option<String>,
    /// Cohort size.
    pub n: u64,
    /// People with the outcome.
    pub successes: u64,
    /// Rate in percent.
    pub rate_percent: f64,
    /// Lower bound of the rate's 95 % Wilson interval, in percent.
    pub ci_lower_percent: f64,
    /// Upper bound, in percent.
    pub ci_upper_percent: f64,
}

/// One evaluation of a service, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationRow {
    /// The start-up id in the impact file.
    pub startup: String,
    /// The service's name when the portfolio knows it.
    pub startup_name: Option<String>,
    /// The evaluation id.
    pub id: String,
    /// How the cohorts were formed (JSON: `encouragement`, `randomized`, `observational`).
    pub design: EvaluationDesign,
    /// What counts as a success.
    pub outcome: String,
    /// The same in French, when the impact file gives it.
    pub outcome_fr: Option<String>,
    /// Where the figures come from.
    pub source: String,
    /// Remark of the impact file.
    pub note: Option<String>,
    /// Treated (or encouraged) cohort.
    pub treated: ArmRow,
    /// Control cohort.
    pub control: ArmRow,
    /// Difference of rates, in percentage points.
    pub difference_points: f64,
    /// Newcombe (Wilson score) interval of the difference, in points.
    pub ci_lower_points: f64,
    /// Upper bound, in points.
    pub ci_upper_points: f64,
    /// Confidence level (0.95).
    pub confidence: f64,
    /// Relative lift over the control rate, in percent; `None` when the control rate is 0.
    pub relative_percent: Option<f64>,
    /// Lower bound of the relative lift's interval (Katz's log interval of the risk ratio,
    /// minus 1), in percent; `None` when an arm has no success.
    pub relative_ci_lower_percent: Option<f64>,
    /// Upper bound, in percent.
    pub relative_ci_upper_percent: Option<f64>,
    /// The test whose p-value is shown (JSON: `pooled_z`, `boschloo`, `fisher_exact`):
    /// the pooled z-test when every expected count is at least 5, else an exact test
    /// (`betagouv_impact::choose_test`).
    pub test: TestKind,
    /// Why that test (JSON: `large_expected_counts`, `small_expected_count`, ...).
    pub test_reason: TestReason,
    /// The smallest expected count of the 2×2 table under no difference.
    pub min_expected_count: f64,
    /// Two-sided p-value of `test`; `None` when undefined.
    pub p_value: Option<f64>,
    /// Whether the p-value and the difference's interval agree (p under α exactly when the
    /// interval excludes 0); `None` without a p-value.
    pub test_agrees_with_interval: Option<bool>,
    /// The p-value adjusted for the other evaluations of the same service, when it has
    /// several (outcomes, horizons or arms of one evaluation); `None` otherwise.
    pub adjusted: Option<AdjustedP>,
    /// The smallest difference the cohort sizes detect with the given power, in points;
    /// `None` when not reachable.
    pub mde_points: Option<f64>,
    /// The same relative to the control rate, in percent.
    pub mde_relative_percent: Option<f64>,
    /// Power used for the minimum detectable effect (0.8).
    pub power: f64,
    /// The diagnostics of an encouragement design whose arms give their users (and
    /// their users' successes); absent otherwise. The difference above is then the
    /// ITT effect of the encouragement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encouragement: Option<EncouragementRow>,
}

/// The diagnostics of an encouragement design, as the report shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncouragementRow {
    /// The first stage (extra take-up caused by the encouragement), in points.
    pub first_stage_points: f64,
    /// The first-stage F; `None` when take-up is 0 or 1 in each arm.
    pub first_stage_f: Option<f64>,
    /// Whether the first stage is weak (F below 10): the CACE's Wald interval is
    /// then unreliable.
    pub weak_first_stage: bool,
    /// The CACE (effect on compliers), in points; `None` when the first stage is 0.
    pub cace_points: Option<f64>,
    /// The Anderson-Rubin confidence set of the CACE, as fractions (kept as the
    /// enum: an interval, two half-lines or the whole line).
    pub anderson_rubin: ConfidenceSet,
    /// The compliers' mean outcome with the service, in percent.
    pub compliers_with_percent: Option<f64>,
    /// The compliers' mean outcome without the service, in percent.
    pub compliers_without_percent: Option<f64>,
    /// The CACE relative to the compliers' mean without the service, in percent.
    pub relative_cace_percent: Option<f64>,
    /// The minimum detectable effect on the users (the ITT's over the first
    /// stage), in points; `None` when not reachable or the first stage is not
    /// positive.
    pub mde_users_points: Option<f64>,
}

/// A p-value adjusted for the family of a service's evaluations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdjustedP {
    /// How many tests the family holds (the service's evaluations with a p-value).
    pub family_size: usize,
    /// Holm's adjusted p-value (family-wise error rate).
    pub holm: f64,
    /// Benjamini-Hochberg's adjusted p-value (false discovery rate).
    pub benjamini_hochberg: f64,
}

/// One usage KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiRow {
    /// The start-up id in the impact file.
    pub startup: String,
    /// The service's name when the portfolio knows it.
    pub startup_name: Option<String>,
    /// What is counted.
    pub metric: String,
    /// The same in French, when the impact file gives it.
    pub metric_fr: Option<String>,
    /// The count.
    pub value: f64,
    /// Per which period, if any (JSON: `day`, `week`, `month`, `quarter`, `year`).
    pub period: Option<Period>,
    /// How the figure relates to the true value (JSON: `exact`, `more-than`, `about`).
    pub bound: Bound,
    /// Year of the figure.
    pub year: Option<i32>,
    /// Where the figure comes from.
    pub source: String,
}

/// The impact section of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImpactSection {
    /// Where the data comes from.
    pub source: String,
    /// Evaluations, in file order.
    pub evaluations: Vec<EvaluationRow>,
    /// Usage KPIs, in file order.
    pub kpis: Vec<KpiRow>,
}

/// Ids compared loosely: lowercase ASCII letters and digits only, so that
/// `la-bonne-boite` (impact file) and `labonneboite` (2016 content file) match.
#[must_use]
pub fn loose_id(id: &str) -> String {
    id.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Options of [`section`]: [`ImpactOptions::default`] (α 0.05, power 0.8), then the
/// `with_*` setters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImpactOptions {
    /// Two-sided level of intervals and tests (0.05).
    pub alpha: f64,
    /// Power of the minimum detectable effect (0.8).
    pub power: f64,
}

impl Default for ImpactOptions {
    fn default() -> Self {
        Self {
            alpha: 0.05,
            power: 0.8,
        }
    }
}

with_setters!(ImpactOptions {
    with_alpha(alpha: f64);
    with_power(power: f64);
});

/// The impact section from an impact file read by `betagouv-impact`: every evaluation
/// compared (Wilson intervals of each rate, Newcombe interval of the difference, Katz
/// interval of the relative lift, the test `choose_test` picks for the counts, minimum
/// detectable effect by the pooled normal power formula), the p-values of a service with
/// several evaluations adjusted (Holm, Benjamini-Hochberg), and every KPI. Service names come from `portfolio` when an id matches loosely.
///
/// # Errors
/// [`crate::Error::Impact`] when an evaluation cannot be compared (invalid counts or
/// options).
///
/// ```
/// use betagouv_report::impact::{section, ImpactOptions};
/// let p = betagouv_portfolio::builtin::portfolio_2016();
/// let s = section(&betagouv_impact::builtin_2016(), Some(&p), "built-in", ImpactOptions::default())?;
/// let lbb = &s.evaluations[0];
/// assert!((lbb.difference_points - 2.1).abs() < 1e-9);
/// assert_eq!(lbb.startup_name.as_deref(), Some("La Bonne Boîte"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn section(
    file: &betagouv_impact::ImpactFile,
    portfolio: Option<&betagouv_portfolio::Portfolio>,
    source: &str,
    options: ImpactOptions,
) -> crate::Result<ImpactSection> {
    let name = |id: &str| -> Option<String> {
        let key = loose_id(id);
        portfolio?
            .startups
            .iter()
            .find(|s| loose_id(s.id.as_str()) == key)
            .map(|s| s.name.clone())
    };
    let mut evaluations = Vec::new();
    let mut kpis = Vec::new();
    for s in &file.startup {
        let startup_name = name(&s.id).or_else(|| s.name.clone());
        let first = evaluations.len();
        for e in &s.evaluation {
            evaluations.push(evaluation_row(&s.id, startup_name.clone(), e, options)?);
        }
        adjust_family(&mut evaluations[first..])?;
        for k in &s.kpi {
            kpis.push(KpiRow {
                startup: s.id.clone(),
                startup_name: startup_name.clone(),
                metric: k.metric.clone(),
                metric_fr: k.metric_fr.clone(),
                value: k.value,
                period: k.period,
                bound: k.bound,
                year: k.year,
                source: k.source.clone(),
            });
        }
    }
    Ok(ImpactSection {
        source: source.to_owned(),
        evaluations,
        kpis,
    })
}

/// The Holm and Benjamini-Hochberg adjustments of the p-values of one service's
/// evaluations, when there are at least two.
fn adjust_family(rows: &mut [EvaluationRow]) -> crate::Result<()> {
    let p: Vec<f64> = rows.iter().filter_map(|r| r.p_value).collect();
    if p.len() < 2 {
        return Ok(());
    }
    let adjusted = betagouv_impact::adjust_family(&p).map_err(crate::Error::Impact)?;
    let pairs = adjusted.holm.into_iter().zip(adjusted.benjamini_hochberg);
    let with_p = rows.iter_mut().filter(|r| r.p_value.is_some());
    for (row, (holm, benjamini_hochberg)) in with_p.zip(pairs) {
        row.adjusted = Some(AdjustedP {
            family_size: p.len(),
            holm,
            benjamini_hochberg,
        });
    }
    Ok(())
}

/// One cohort's rate and Wilson interval, in percent.
fn arm_row(a: &betagouv_impact::ArmSummary, arm: &betagouv_impact::Arm, dflt: &str) -> ArmRow {
    ArmRow {
        label: arm.label.clone().unwrap_or_else(|| dflt.to_owned()),
        label_fr: arm.label_fr.clone(),
        n: a.n,
        successes: a.successes,
        rate_percent: a.proportion * 100.0,
        ci_lower_percent: a.ci.wilson.lower * 100.0,
        ci_upper_percent: a.ci.wilson.upper * 100.0,
    }
}

/// One evaluation compared: both cohorts, the difference and its interval, the test
/// and the minimum detectable effect.
fn evaluation_row(
    startup: &str,
    startup_name: Option<String>,
    e: &betagouv_impact::Evaluation,
    options: ImpactOptions,
) -> crate::Result<EvaluationRow> {
    use betagouv_impact::{Design, PowerMethod, choose_test, mde};
    let c = e.compare(options.alpha).map_err(crate::Error::Impact)?;
    let arms = e.arms().map_err(crate::Error::Impact)?;
    let test = choose_test(arms, options.alpha).map_err(crate::Error::Impact)?;
    let relative_ci = c.relative_lift_ci();
    let n_t = c.treated.n as f64;
    let design = Design::new(c.control.proportion)
        .with_ratio(c.control.n as f64 / n_t.max(1.0))
        .with_alpha(options.alpha);
    // An undefined MDE (control rate 0 or 1, ...) is shown as missing, not an error.
    let mde_points = mde(&design, n_t, options.power, PowerMethod::NormalPooled)
        .ok()
        .flatten()
        .map(|d| d * 100.0);
    let mde_relative_percent = mde_points
        .filter(|_| c.control.proportion > 0.0)
        .map(|m| m / c.control.proportion);
    Ok(EvaluationRow {
        startup: startup.to_owned(),
        startup_name,
        id: e.id.clone(),
        design: e.design,
        outcome: e.outcome.clone(),
        outcome_fr: e.outcome_fr.clone(),
        source: e.source.clone(),
        note: e.note.clone(),
        treated: arm_row(&c.treated, &e.treated, "treated"),
        control: arm_row(&c.control, &e.control, "control"),
        difference_points: c.difference.estimate * 100.0,
        ci_lower_points: c.difference.ci.newcombe.lower * 100.0,
        ci_upper_points: c.difference.ci.newcombe.upper * 100.0,
        confidence: 1.0 - options.alpha,
        relative_percent: c.relative_lift.map(|x| x * 100.0),
        relative_ci_lower_percent: relative_ci.map(|ci| ci.lower * 100.0),
        relative_ci_upper_percent: relative_ci.map(|ci| ci.upper * 100.0),
        test: test.test,
        test_reason: test.reason,
        min_expected_count: test.min_expected_count,
        p_value: test.p_value,
        test_agrees_with_interval: test.agrees_with_interval,
        adjusted: None,
        mde_points,
        mde_relative_percent,
        power: options.power,
        encouragement: encouragement_row(e, options, mde_points)?,
    })
}

/// The encouragement diagnostics of an evaluation whose arms give their users.
fn encouragement_row(
    e: &betagouv_impact::Evaluation,
    options: ImpactOptions,
    mde_points: Option<f64>,
) -> crate::Result<Option<EncouragementRow>> {
    let Some(arms) = e.encouragement_arms().map_err(crate::Error::Impact)? else {
        return Ok(None);
    };
    if e.design != EvaluationDesign::Encouragement {
        return Ok(None);
    }
    let enc = betagouv_impact::encouragement(arms, options.alpha).map_err(crate::Error::Impact)?;
    let fs = enc.first_stage;
    Ok(Some(EncouragementRow {
        first_stage_points: fs.estimate * 100.0,
        first_stage_f: fs.f_statistic,
        weak_first_stage: fs.weak,
        cace_points: enc.cace.map(|c| c.estimate * 100.0),
        anderson_rubin: enc.anderson_rubin,
        compliers_with_percent: enc.compliers.map(|c| c.with_service.estimate * 100.0),
        compliers_without_percent: enc.compliers.map(|c| c.without_service.estimate * 100.0),
        relative_cace_percent: enc
            .compliers
            .and_then(|c| c.relative_cace)
            .map(|r| r * 100.0),
        mde_users_points: mde_points
            .filter(|_| fs.estimate > 0.0)
            .map(|m| m / fs.estimate),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEAK: &str = r#"
[[startup]]
id = "service"

[[startup.evaluation]]
id = "pilot"
design = "encouragement"
outcome = "returned to work"
source = "test"
treated = { n = 5000, successes = 1080, users = 300, successes_among_users = 90 }
control = { n = 5000, successes = 1000, users = 250, successes_among_users = 50 }
"#;

    #[test]
    fn weak_encouragement_is_shown_with_its_diagnostics() {
        let file = betagouv_impact::ImpactFile::parse(WEAK).expect("valid file");
        let s = section(&file, None, "test", ImpactOptions::default()).expect("section");
        let d = s.evaluations[0]
            .encouragement
            .as_ref()
            .expect("diagnostics");
        assert!(d.weak_first_stage);
        assert!(d.first_stage_f.is_some_and(|f| (f - 4.8123).abs() < 1e-4));
        assert!(d.cace_points.is_some_and(|c| (c - 160.0).abs() < 1e-9));
        assert!(matches!(d.anderson_rubin, ConfidenceSet::Interval { .. }));
        assert_eq!(d.relative_cace_percent, None);
        let mde = s.evaluations[0].mde_points.expect("reachable");
        // A first stage of 1 point: the MDE on users is 100 times the ITT's.
        assert!(
            d.mde_users_points
                .is_some_and(|u| (u - mde * 100.0).abs() < 1e-6 * u)
        );
        for (lang, itt, warning) in [
            (
                crate::Lang::Fr,
                "effet de l'incitation (intention de traiter, ITT)",
                "attention",
            ),
            (
                crate::Lang::En,
                "ITT effect of the encouragement (intention to treat)",
                "warning",
            ),
        ] {
            let views = crate::render::evaluation_views(&s, lang);
            assert_eq!(views[0].difference_label, itt);
            assert!(views[0].diagnostics.iter().any(|(k, _)| *k == warning));
        }
        // Without users, no diagnostics; the label is still the ITT's.
        let plain = betagouv_impact::builtin_2016();
        let s = section(&plain, None, "test", ImpactOptions::default()).expect("section");
        assert!(s.evaluations[0].encouragement.is_none());
    }

    #[test]
    fn loose_ids() {
        assert_eq!(loose_id("la-bonne-boite"), loose_id("labonneboite"));
        assert_ne!(loose_id("le-taxi"), loose_id("taxi"));
    }
}
