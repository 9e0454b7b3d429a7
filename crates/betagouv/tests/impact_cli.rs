//! `betagouv impact ...`: JSON contract and errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use std::io::Write;

use assert_cmd::Command;
use serde_json::Value;

fn run(args: &[&str]) -> Value {
    let out = Command::cargo_bin("betagouv")
        .expect("binary")
        .args(args)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("strict JSON")
}

fn fails(args: &[&str]) -> String {
    let out = Command::cargo_bin("betagouv")
        .expect("binary")
        .args(args)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temp_csv(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("betagouv-impact-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write");
    path
}

#[test]
fn compare_contract() {
    let v = run(&[
        "impact",
        "compare",
        "--treated",
        "22100/100000",
        "--control",
        "20000/100000",
        "--json",
    ]);
    for key in [
        "treated",
        "control",
        "difference",
        "relative_lift",
        "risk_ratio",
        "odds_ratio",
        "cohen_h",
        "tests",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    for m in [
        "wilson",
        "clopper_pearson",
        "agresti_coull",
        "jeffreys",
        "wald",
    ] {
        assert_eq!(v["treated"]["ci"][m].as_array().map(Vec::len), Some(2));
    }
    for m in ["wald", "newcombe", "agresti_caffo"] {
        assert_eq!(v["difference"]["ci"][m].as_array().map(Vec::len), Some(2));
    }
    assert!((v["difference"]["estimate"].as_f64().unwrap_or(0.0) - 0.021).abs() < 1e-12);
    assert!((v["relative_lift"].as_f64().unwrap_or(0.0) - 0.105).abs() < 1e-12);
    assert!(v["tests"]["fisher_exact"]["p_value"].as_f64().is_some());
    assert!(v["risk_ratio"]["ci_katz"].is_array() && v["odds_ratio"]["ci_woolf"].is_array());
    // Undefined values stay present as null.
    let v = run(&[
        "impact",
        "compare",
        "--treated",
        "0/10",
        "--control",
        "0/12",
        "--json",
    ]);
    assert!(
        v["tests"]["z_pooled"].is_null()
            && v["tests"]["chi2"].is_null()
            && v["relative_lift"].is_null()
    );
    assert!(v["risk_ratio"]["estimate"].is_null() && v["odds_ratio"]["ci_woolf"].is_null());
}

#[test]
fn power_mde_encouragement_contracts() {
    let v = run(&[
        "impact",
        "power",
        "--control-rate",
        "0.2",
        "--treated-rate",
        "0.221",
        "--power",
        "0.8",
        "--json",
    ]);
    assert_eq!(v["n_per_arm"]["normal_pooled"].as_u64(), Some(5915));
    assert_eq!(v["n_control"]["arcsine"].as_u64(), Some(5913));
    let v = run(&[
        "impact",
        "power",
        "--control-rate",
        "0.2",
        "--treated-rate",
        "0.221",
        "--n-per-arm",
        "5000",
        "--json",
    ]);
    assert!(
        v["power"]["normal_pooled"].as_f64().is_some() && v["power"]["arcsine"].as_f64().is_some()
    );
    let v = run(&[
        "impact",
        "mde",
        "--control-rate",
        "0.2",
        "--n-per-arm",
        "100000",
        "--power",
        "0.8",
        "--json",
    ]);
    assert!(
        v["mde"]["normal_pooled"]
            .as_f64()
            .is_some_and(|m| m > 0.005 && m < 0.0051)
    );
    let v = run(&[
        "impact",
        "encouragement",
        "--treated",
        "1000,300,250,90",
        "--control",
        "1000,100,200,25",
        "--json",
    ]);
    assert!((v["cace"]["estimate"].as_f64().unwrap_or(0.0) - 0.25).abs() < 1e-12);
    assert_eq!(v["itt"]["ci"].as_array().map(Vec::len), Some(2));
    let v = run(&[
        "impact",
        "encouragement",
        "--treated",
        "100,10,20,5",
        "--control",
        "100,10,20,5",
        "--json",
    ]);
    assert!(v["cace"].is_null());
}

#[test]
fn cohort_and_survival_from_csv() {
    let path = temp_csv(
        "cohort.csv",
        "id,cohort,returned\n1,a,1\n2,b,0\n3,a,0\n4,b,1\n5,b,0\n",
    );
    let p = path.to_str().expect("utf-8 path");
    let v = run(&[
        "impact",
        "cohort",
        p,
        "--group-column",
        "cohort",
        "--outcome-column",
        "returned",
        "--treated",
        "a",
        "--control",
        "b",
        "--json",
    ]);
    assert_eq!(v["treated"]["n"].as_u64(), Some(2));
    assert_eq!(v["control"]["successes"].as_u64(), Some(1));
    let path = temp_csv(
        "surv.csv",
        "g,days,e\na,10,1\na,20,0\na,30,1\nb,5,1\nb,15,1\nb,40,0\n",
    );
    let p = path.to_str().expect("utf-8 path");
    let v = run(&[
        "impact",
        "survival",
        p,
        "--group-column",
        "g",
        "--duration-column",
        "days",
        "--event-column",
        "e",
        "--at",
        "0,15,150",
        "--json",
    ]);
    assert_eq!(v["groups"]["a"]["n"].as_u64(), Some(3));
    assert_eq!(v["groups"]["a"]["at"][0]["ci"], Value::Null);
    assert!(v["logrank"]["p_value"].as_f64().is_some());
    assert!(v["groups"]["a"]["median"].as_f64().is_some());
}

#[test]
fn bad_input_is_named() {
    let e = fails(&["impact", "compare", "--treated", "5/3", "--control", "1/2"]);
    assert!(
        e.contains("successes (5) exceed the sample size (3)"),
        "{e}"
    );
    let e = fails(&["impact", "compare", "--treated", "1/0", "--control", "1/2"]);
    assert!(e.contains("sample size is 0"), "{e}");
    let e = fails(&[
        "impact",
        "compare",
        "--treated",
        "1/3",
        "--control",
        "1/2",
        "--alpha",
        "1.5",
    ]);
    assert!(e.contains("alpha"), "{e}");
    let path = temp_csv("bad.csv", "id,cohort,returned\n1,a,1\n2,b,yes\n");
    let p = path.to_str().expect("utf-8 path");
    let e = fails(&[
        "impact",
        "cohort",
        p,
        "--group-column",
        "cohort",
        "--outcome-column",
        "returned",
        "--treated",
        "a",
        "--control",
        "b",
    ]);
    assert!(e.contains("row 3, column \"returned\""), "{e}");
    let path = temp_csv("bad-surv.csv", "g,days,e\na,,1\n");
    let p = path.to_str().expect("utf-8 path");
    let e = fails(&[
        "impact",
        "survival",
        p,
        "--group-column",
        "g",
        "--duration-column",
        "days",
        "--event-column",
        "e",
    ]);
    assert!(e.contains("row 2, column \"days\": missing value"), "{e}");
}
