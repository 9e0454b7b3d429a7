//! `betagouv impact ...`: JSON contract and errors.

use std::io::Write;

use serde_json::Value;

use super::{betagouv, json};

/// The one-line JSON contract of an impact command (schema version 2).
fn run(args: &[&str]) -> Value {
    let out = super::stdout_bytes(args);
    let text = String::from_utf8_lossy(&out);
    assert_eq!(text.lines().count(), 1, "one line: {text}");
    super::versioned(&out, 2)
}

fn fails(args: &[&str]) -> String {
    let out = betagouv().args(args).output().expect("runs");
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
    assert!(e.contains("line 3, column 3 (\"returned\")"), "{e}");
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
    assert!(
        e.contains("line 2, column 2 (\"days\"): missing value"),
        "{e}"
    );
}

fn survival_args(path: &str) -> Vec<&str> {
    vec![
        "impact",
        "survival",
        path,
        "--group-column",
        "g",
        "--duration-column",
        "days",
        "--event-column",
        "e",
    ]
}

#[test]
fn out_of_range_parameters_name_their_option() {
    // A tiny alpha used to reach an unwrap inside statrs (exit 101).
    let e = fails(&[
        "impact",
        "compare",
        "--treated",
        "1/2",
        "--control",
        "1/2",
        "--alpha",
        "1e-300",
    ]);
    assert!(
        e.contains("--alpha: alpha must be in [1e-10, 0.5], got 1e-300"),
        "{e}"
    );
    let e = fails(&[
        "impact",
        "power",
        "--control-rate",
        "0.2",
        "--treated-rate",
        "NaN",
        "--power",
        "0.8",
    ]);
    assert!(e.contains("--treated-rate: treated_rate must be in"), "{e}");
    let e = fails(&[
        "impact",
        "mde",
        "--control-rate",
        "0.2",
        "--n-per-arm",
        "inf",
        "--power",
        "0.8",
    ]);
    assert!(
        e.contains("--n-per-arm: n_per_arm must be in [1, 1e15]"),
        "{e}"
    );
    let e = fails(&[
        "impact",
        "encouragement",
        "--treated",
        "10,2,9,1",
        "--control",
        "10,2,9",
    ]);
    assert!(
        e.contains("--control: expected N,USERS,SUCCESSES,SUCCESSES_AMONG_USERS"),
        "{e}"
    );
}

#[test]
fn huge_counts_finish_without_fisher() {
    // Counts near 10^19 used to run Fisher's exact test for minutes.
    let args = [
        "impact",
        "compare",
        "--treated",
        "5000000000000000000/10000000000000000000",
        "--control",
        "4000000000000000000/10000000000000000000",
    ];
    let mut json = args.to_vec();
    json.push("--json");
    let v = run(&json);
    assert_eq!(v["tests"]["fisher_exact"], Value::Null);
    let why = v["tests"]["fisher_exact_not_computed"]
        .as_str()
        .unwrap_or("");
    assert!(why.contains("chi-square"), "{why}");
    assert!(v["tests"]["chi2"]["p_value"].as_f64().is_some());
    assert_eq!(v["treated"]["ci"]["clopper_pearson"], Value::Null);
    let out = betagouv().args(args).output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Fisher exact: not computed"), "{text}");
    // Below the bound it is computed, and the reason key is absent.
    let v = run(&[
        "impact",
        "compare",
        "--treated",
        "3/4",
        "--control",
        "1/4",
        "--json",
    ]);
    assert!(v["tests"]["fisher_exact"]["p_value"].as_f64().is_some());
    assert!(v["tests"].get("fisher_exact_not_computed").is_none());
}

#[test]
fn survival_refuses_bad_horizons_and_empty_files() {
    let path = temp_csv("surv-at.csv", "g,days,e\na,10,1\na,20,0\n");
    let p = path.to_str().expect("utf-8 path");
    for bad in ["NaN", "inf", "-1"] {
        let mut args = survival_args(p);
        let at = format!("--at={bad}");
        args.push(&at);
        let e = fails(&args);
        assert!(e.contains("--at: at must be finite and >= 0"), "{bad}: {e}");
    }
    // Header only: refused, as `impact cohort` refuses it.
    let path = temp_csv("surv-empty.csv", "g,days,e\n");
    let p = path.to_str().expect("utf-8 path");
    let e = fails(&survival_args(p));
    assert!(e.contains("no data row after the header (line 1)"), "{e}");
    assert!(e.contains("surv-empty.csv"), "{e}");
    let path = temp_csv("cohort-empty.csv", "cohort,returned\n");
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
    assert!(e.contains("no data row after the header (line 1)"), "{e}");
}

#[test]
fn csv_errors_are_located_and_explained() {
    let path = temp_csv("dup.csv", "g,days,e,days\na,10,1,3\n");
    let p = path.to_str().expect("utf-8 path");
    let e = fails(&survival_args(p));
    assert!(
        e.contains(
            "dup.csv: line 1: column \"days\" appears twice in the header (columns 2 and 4)"
        ),
        "{e}"
    );
    let path = temp_csv("ragged.csv", "g,days,e\na,10,1\nb,20\n");
    let p = path.to_str().expect("utf-8 path");
    let e = fails(&survival_args(p));
    assert!(
        e.contains("ragged.csv: line 3, column 3: expected 3 fields as in the header, found 2"),
        "{e}"
    );
    // A 2 MiB record without a newline: refused at the 1 MiB limit.
    let long = format!("g,days,e\na,10,1\nb,{}", "9".repeat(2 << 20));
    let path = temp_csv("long.csv", &long);
    let p = path.to_str().expect("utf-8 path");
    let e = fails(&survival_args(p));
    assert!(
        e.contains("long.csv: line 3: the record is larger than 1048576 bytes"),
        "{e}"
    );
}

#[test]
fn impact_files_with_bad_values_or_duplicate_ids_are_refused() {
    let evaluation = |id: &str| {
        format!(
            "[[startup.evaluation]]\nid = \"{id}\"\ndesign = \"randomized\"\noutcome = \"o\"\n\
             source = \"s\"\ntreated = {{ n = 100, successes = 30 }}\ncontrol = {{ n = 100, successes = 20 }}\n"
        )
    };
    let nan =
        "[[startup]]\nid = \"x\"\n[[startup.kpi]]\nmetric = \"m\"\nsource = \"s\"\nvalue = nan\n";
    let path = temp_csv("nan.toml", nan);
    let p = path.to_str().expect("utf-8 path");
    let e = fails(&["report", "--impact", p, "--format", "json"]);
    assert!(
        e.contains("nan.toml:6:9: value must be a finite number in [0, 1e15], got NaN"),
        "{e}"
    );
    let dup = format!(
        "[[startup]]\nid = \"x\"\n{}{}",
        evaluation("a"),
        evaluation("a")
    );
    let path = temp_csv("dup.toml", &dup);
    let p = path.to_str().expect("utf-8 path");
    let e = fails(&["report", "--impact", p, "--format", "json"]);
    assert!(
        e.contains("dup.toml:11:6: duplicate evaluation id \"a\" in start-up \"x\" (first given at line 4, column 6)"),
        "{e}"
    );
    // The output's folder exists: the export gets past its output check and reads the file.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let e = fails(&[
        "export",
        "--impact",
        p,
        "--format",
        "json",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(e.contains("dup.toml:11:6: duplicate evaluation id"), "{e}");
    // An evaluation of i64::MAX people: the report finishes (no Fisher walk).
    let huge = "[[startup]]\nid = \"x\"\n[[startup.evaluation]]\nid = \"a\"\ndesign = \"randomized\"\n\
                outcome = \"o\"\nsource = \"s\"\n\
                treated = { n = 9223372036854775807, successes = 4611686018427387903 }\n\
                control = { n = 9223372036854775807, successes = 3000000000000000000 }\n";
    let path = temp_csv("huge.toml", huge);
    let p = path.to_str().expect("utf-8 path");
    let v = json(&["report", "--impact", p, "--format", "json"]);
    assert!(v.is_object());
}

#[test]
fn survival_horizons_and_the_older_at_spelling_agree() {
    let path = temp_csv("surv-horizons.csv", "g,days,e\na,10,1\na,20,0\nb,5,1\n");
    let p = path.to_str().expect("utf-8 path");
    let with = |flag: &str| {
        let mut args = survival_args(p);
        args.extend([flag, "5,15", "--json"]);
        run(&args)
    };
    let v = with("--horizons");
    assert_eq!(v["groups"]["a"]["at"][1]["t"].as_f64(), Some(15.0), "{v}");
    assert_eq!(v, with("--at"));
    let e = fails(&{
        let mut args = survival_args(p);
        args.push("--horizons=-1");
        args
    });
    assert!(
        e.contains("--horizons/--at: at must be finite and >= 0"),
        "{e}"
    );
    let help = betagouv()
        .args(["impact", "survival", "--help"])
        .output()
        .expect("runs");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--horizons <T1,T2,...>"), "{help}");
    assert!(!help.contains("--at"), "{help}");
}
