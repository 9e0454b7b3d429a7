//! Issue 18: what the report prints for an evaluation, beyond the 2016 one: the design
//! (an observational difference is not an effect), the test chosen by the counts, the
//! relative lift's interval and the p-values adjusted over a service's evaluations.

use betagouv_impact::{ImpactFile, TestKind};
use betagouv_portfolio::builtin;
use betagouv_report::impact::{ImpactOptions, ImpactSection, section};
use betagouv_report::{Format, Inputs, Lang, RenderOptions, Report, ReportOptions, render};

/// A pilot of 12 users against 10 non-users (the issue's example), observational, and a
/// service with two randomised evaluations (two horizons of one outcome).
const IMPACT: &str = r#"
[[startup]]
id = "pilot"
name = "Pilot service"

[[startup.evaluation]]
id = "users"
design = "observational"
outcome = "returned to work within 3 months"
source = "pilot data"
treated = { label = "users", n = 12, successes = 12 }
control = { label = "non-users", n = 10, successes = 7 }

[[startup]]
id = "twice"
name = "Twice evaluated"

[[startup.evaluation]]
id = "at-3-months"
design = "randomized"
outcome = "returned to work within 3 months"
source = "trial"
treated = { n = 1000, successes = 230 }
control = { n = 1000, successes = 200 }

[[startup.evaluation]]
id = "at-6-months"
design = "randomized"
outcome = "returned to work within 6 months"
source = "trial"
treated = { n = 1000, successes = 380 }
control = { n = 1000, successes = 350 }
"#;

fn impact() -> ImpactSection {
    let file = ImpactFile::parse(IMPACT).expect("valid impact file");
    section(&file, None, "test impact file", ImpactOptions::default()).expect("compares")
}

fn text(lang: Lang) -> String {
    let portfolio = builtin::portfolio_2016();
    let impact = impact();
    let inputs = Inputs::new(&portfolio, "built-in").with_impact(Some(&impact));
    let report =
        Report::compute(&inputs, &ReportOptions::default().with_lang(lang)).expect("computes");
    render(&report, Format::Text, RenderOptions::default()).expect("renders")
}

#[test]
fn the_pilot_gets_an_exact_test_and_no_causal_wording() {
    let s = impact();
    let pilot = &s.evaluations[0];
    assert_eq!(pilot.test, TestKind::Boschloo);
    let p = pilot.p_value.expect("defined");
    assert!((p - 0.0628).abs() < 5e-5, "{p}");
    assert_eq!(pilot.test_agrees_with_interval, Some(true));
    assert!(
        pilot.adjusted.is_none(),
        "one evaluation: nothing to adjust"
    );
    let fr = text(Lang::Fr);
    assert!(fr.contains("valeur p: 0,0628"), "{fr}");
    assert!(!fr.contains("0,0412"), "{fr}");
    assert!(
        fr.contains("test exact de Boschloo, bilatéral (un effectif attendu est inférieur à 5)")
    );
    assert!(fr.contains("n'est pas un effet du service"));
    let en = text(Lang::En);
    assert!(en.contains("two-sided Boschloo exact test (an expected count is under 5)"));
    assert!(en.contains("is not an effect of the service"));
    assert!(en.contains("minimum detectable effect (80 % power, 5 % two-sided level)"));
}

#[test]
fn a_services_evaluations_are_adjusted_together() {
    let s = impact();
    let (a, b) = (&s.evaluations[1], &s.evaluations[2]);
    let (pa, pb) = (a.p_value.expect("defined"), b.p_value.expect("defined"));
    let (ha, hb) = (a.adjusted.expect("family"), b.adjusted.expect("family"));
    assert_eq!((ha.family_size, hb.family_size), (2, 2));
    // Holm: the smaller p-value doubled, the larger one at least that.
    let (small, large) = if pa < pb { (ha, hb) } else { (hb, ha) };
    assert!((small.holm - 2.0 * pa.min(pb)).abs() < 1e-12);
    assert!(large.holm >= small.holm && large.holm >= pa.max(pb));
    assert!(small.benjamini_hochberg <= small.holm);
    assert_eq!(a.test, TestKind::PooledZ);
    let fr = text(Lang::Fr);
    assert!(
        fr.contains("valeur p ajustée (Holm ; Benjamini-Hochberg): "),
        "{fr}"
    );
    assert!(fr.contains("(2 évaluations du service)"));
    let json = betagouv_report::render::json(
        &Report::compute(
            &Inputs::new(&builtin::portfolio_2016(), "built-in").with_impact(Some(&s)),
            &ReportOptions::default(),
        )
        .expect("computes"),
    )
    .expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid");
    let rows = &v["impact"]["evaluations"];
    assert_eq!(rows[0]["test"], "boschloo");
    assert_eq!(rows[0]["test_reason"], "small_expected_count");
    assert!(rows[0]["adjusted"].is_null());
    assert_eq!(rows[1]["adjusted"]["family_size"], 2);
}
