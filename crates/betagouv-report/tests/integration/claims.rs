//! The claims check on the built-in 2016 dataset at 2016-12-31 (issue 7's table).

use betagouv_report::claims::IntervalVerdict;
use betagouv_report::{Lang, Verdict};

use crate::common::report_2016;

#[track_caller]
fn check(key: &str, published: &str, computed: &str, verdict: Verdict) {
    let r = report_2016(Lang::En);
    let c = r
        .claim(key)
        .unwrap_or_else(|| panic!("claim {key} is checked"));
    assert_eq!(
        (c.published.as_str(), c.computed.as_deref(), c.verdict),
        (published, Some(computed), verdict),
        "{key}: {}",
        c.note
    );
}

#[test]
fn services() {
    check("services", "33", "27", Verdict::Differs);
}

#[test]
fn taken_over() {
    check("taken_over", "8", "1", Verdict::Differs);
}

#[test]
fn in_handover() {
    check("in_handover", "3", "1", Verdict::Differs);
}

#[test]
fn people() {
    check("people", "54", "27", Verdict::Differs);
}

#[test]
fn partners() {
    check("partners", "15", "14", Verdict::Differs);
}

#[test]
fn la_bonne_boite_points_match_at_the_published_precision() {
    check("lbb_points", "+2", "+2.1", Verdict::Matches);
}

#[test]
fn la_bonne_boite_relative_differs() {
    check("lbb_relative", "+12", "+10.5", Verdict::Differs);
}

#[test]
fn budget_total_is_consistent() {
    check("budget_total", "2084035", "2084035", Verdict::Consistent);
}

#[test]
fn every_published_claim_is_checked_in_json() {
    let r = report_2016(Lang::Fr);
    let json: serde_json::Value =
        serde_json::from_str(&betagouv_report::render::json(&r).expect("json")).expect("valid");
    let claims = json["claims"].as_array().expect("claims array");
    assert_eq!(
        claims.len(),
        betagouv_portfolio::builtin::published_2016().len()
    );
    for c in claims {
        for k in ["claim", "published", "computed", "verdict", "note"] {
            assert!(c.get(k).is_some(), "{k} in {c}");
        }
    }
}

#[test]
fn without_budget_or_impact_the_sections_say_why() {
    let d = crate::common::data();
    let inputs = betagouv_report::Inputs::new(&d.portfolio, "t")
        .with_published(betagouv_portfolio::builtin::published_2016());
    let r = betagouv_report::Report::compute(&inputs, &Default::default()).expect("computes");
    for key in ["budget_total", "lbb_points", "lbb_relative"] {
        let c = r.claim(key).expect("checked");
        assert_eq!(
            (c.verdict, c.computed.as_deref()),
            (Verdict::NotComputable, None)
        );
        assert!(!c.note.is_empty());
    }
    assert!(r.budget.computed().is_none() && r.impact.computed().is_none());
}

#[test]
fn la_bonne_boite_relative_is_inside_the_interval() {
    // "+12 %" differs from the computed +10.5 % but lies in its 95 % interval
    // [+8.6 %, +12.4 %]: the statistical verdict beside the arithmetic one.
    let r = report_2016(Lang::En);
    for (key, lower, upper) in [
        ("lbb_relative", "8.64", "12.39"),
        ("lbb_points", "1.74", "2.46"),
    ] {
        let c = r.claim(key).expect("checked");
        let s = c.statistical.as_ref().expect("an interval");
        assert_eq!(
            (s.lower.as_str(), s.upper.as_str(), s.verdict),
            (lower, upper, IntervalVerdict::Inside),
            "{key}"
        );
    }
    assert!(r.claim("people").is_some_and(|c| c.statistical.is_none()));
    let json = betagouv_report::render::json(&r).expect("json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid");
    let relative = v["claims"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["claim"] == "lbb_relative"))
        .expect("the claim");
    assert_eq!(relative["statistical"]["verdict"], "inside");
}
