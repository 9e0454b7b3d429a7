//! Agreement of the evaluation designs of issue 18 with the reference
//! libraries, on the JSON cases of scripts/golden_designs.py.

// The golden tests report their worst relative error (shown with --nocapture).
#![allow(clippy::print_stderr)]

use betagouv_impact::{
    Arms, Counts, CovariateRows, Design, EncouragementArm, PowerMethod, cluster_difference,
    encouragement, lin_adjusted, mde, power, sample_size, stratified,
};
use serde_json::{Value, json};

use crate::golden::{TAIL, check, f, u};

/// The cases of a golden file, under `cases` or `cases.<part>`.
fn cases(text: &str, part: Option<&str>) -> Vec<Value> {
    let v: Value = serde_json::from_str(text).expect("golden JSON parses");
    let cases = match part {
        Some(p) => &v["cases"][p],
        None => &v["cases"],
    };
    cases.as_array().expect("cases").clone()
}

/// Checks `compute(case)` against every case's `expected` and prints the worst
/// relative errors.
#[track_caller]
fn check_all(name: &str, cases: &[Value], at_least: usize, compute: impl Fn(&Value) -> Value) {
    assert!(cases.len() >= at_least, "{name}: {} cases", cases.len());
    let mut worst = [0.0; 2];
    for case in cases {
        check(name, &compute(case), &case["expected"], TAIL, &mut worst);
    }
    eprintln!(
        "{name}: worst relative error (closed forms, p-values) {:e} {:e}",
        worst[0], worst[1]
    );
}

fn to_json(v: impl serde::Serialize) -> Value {
    serde_json::to_value(v).expect("json")
}

#[test]
fn encouragement_diagnostics_match_linearmodels() {
    let iv = cases(include_str!("../golden/iv.json"), None);
    check_all("iv", &iv, 8, |case| {
        let arm = |v: &Value, what| {
            EncouragementArm::new(what, u(&v[0]), u(&v[1]), u(&v[2]), u(&v[3])).expect("valid")
        };
        let arms = Arms {
            treated: arm(&case["treated"], "treated"),
            control: arm(&case["control"], "control"),
        };
        to_json(encouragement(arms, f(&case["alpha"])).expect("encouragement"))
    });
}

fn cluster_counts(v: &Value) -> Vec<Counts> {
    v.as_array()
        .expect("clusters")
        .iter()
        .map(|c| Counts::new("cluster", u(&c[0]), u(&c[1])).expect("valid"))
        .collect()
}

#[test]
fn cluster_robust_difference_matches_statsmodels() {
    let difference = cases(include_str!("../golden/cluster.json"), Some("difference"));
    check_all("cluster", &difference, 5, |case| {
        let (treated, control) = (
            cluster_counts(&case["treated"]),
            cluster_counts(&case["control"]),
        );
        let arms = Arms {
            treated: &treated[..],
            control: &control[..],
        };
        to_json(cluster_difference(arms, f(&case["alpha"])).expect("cluster difference"))
    });
}

#[test]
fn cluster_power_matches_statsmodels_at_the_effective_size() {
    let planning = cases(include_str!("../golden/cluster.json"), Some("power"));
    check_all("cluster power", &planning, 3, |case| {
        let design = Design::new(f(&case["control_rate"]))
            .with_ratio(f(&case["ratio"]))
            .with_alpha(f(&case["alpha"]))
            .with_clusters(f(&case["icc"]), f(&case["cluster_size"]));
        let (pt, n, target) = (
            f(&case["treated_rate"]),
            f(&case["n_per_arm"]),
            f(&case["target_power"]),
        );
        let mut got = json!({"design_effect": design.design_effect(), "power": {}, "n_per_arm": {}, "mde": {}});
        for (key, m) in [
            ("normal_pooled", PowerMethod::NormalPooled),
            ("arcsine", PowerMethod::Arcsine),
        ] {
            got["power"][key] = json!(power(&design, pt, n, m).expect("power"));
            let s = sample_size(&design, pt, target, m)
                .expect("size")
                .expect("reachable");
            got["n_per_arm"][key] = json!(s.n_treated);
            got["mde"][key] = json!(mde(&design, n, target, m).expect("mde"));
        }
        got
    });
}

#[test]
fn strata_match_statsmodels_stratified_table_and_hc2() {
    let strata = cases(include_str!("../golden/strata.json"), None);
    check_all("strata", &strata, 5, |case| {
        let strata: Vec<Arms<Counts>> = case["strata"]
            .as_array()
            .expect("strata")
            .iter()
            .map(|k| Arms {
                treated: Counts::new("t", u(&k[0]), u(&k[1])).expect("valid"),
                control: Counts::new("c", u(&k[2]), u(&k[3])).expect("valid"),
            })
            .collect();
        to_json(stratified(&strata, f(&case["alpha"])).expect("stratified"))
    });
}

#[test]
fn lin_matches_statsmodels_hc2() {
    let lin = cases(include_str!("../golden/lin.json"), None);
    check_all("lin", &lin, 4, |case| {
        let names: Vec<String> = case["covariates"]
            .as_array()
            .expect("names")
            .iter()
            .map(|v| v.as_str().expect("name").to_owned())
            .collect();
        let mut rows = CovariateRows::new(names).expect("few covariates");
        for r in case["rows"].as_array().expect("rows") {
            let r: Vec<f64> = r.as_array().expect("row").iter().map(f).collect();
            rows.push(r[0], r[1] == 1.0, &r[2..]).expect("valid row");
        }
        to_json(lin_adjusted(&rows, f(&case["alpha"])).expect("lin"))
    });
}
