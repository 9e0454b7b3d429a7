//! `betagouv impact encouragement|strata|clusters|adjust` and the cluster and
//! encouragement options of `power` and `mde` (issue 18).

use std::io::Write;

use serde_json::Value;

use super::{betagouv, stdout_bytes};

fn json(args: &[&str]) -> Value {
    super::versioned(&stdout_bytes(args), 2)
}

fn text(args: &[&str]) -> String {
    String::from_utf8(stdout_bytes(args)).expect("UTF-8")
}

/// The standard error of a run that must fail with status 2.
pub(super) fn fails(args: &[&str]) -> String {
    let out = betagouv().args(args).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn temp_file(name: &str, content: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("betagouv-designs-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(content.as_bytes()))
        .expect("write");
    path
}

const WEAK: [&str; 6] = [
    "impact",
    "encouragement",
    "--treated",
    "5000,300,1080,90",
    "--control",
    "5000,250,1000,50",
];

#[test]
fn weak_encouragement_is_flagged() {
    let mut args = WEAK.to_vec();
    args.push("--json");
    let v = json(&args);
    let f = v["first_stage"]["f_statistic"].as_f64().expect("F");
    assert!((f - 4.8123).abs() < 1e-4, "{f}");
    assert_eq!(v["first_stage"]["weak"], true);
    assert_eq!(v["anderson_rubin"]["kind"], "interval");
    assert!(v["compliers"]["relative_cace"].is_null());
    let out = text(&WEAK);
    assert!(out.starts_with("ITT effect (of the encouragement, not of the service): +1.600 pts"));
    assert!(
        out.contains("WARNING: weak first stage (F below 10)"),
        "{out}"
    );
    assert!(
        out.contains("Anderson-Rubin set of the CACE: [+0.951, +1546.824] pts"),
        "{out}"
    );
    // Take-up 260 against 250: two half-lines.
    let out = text(&[
        "impact",
        "encouragement",
        "--treated",
        "5000,260,1080,90",
        "--control",
        "5000,250,1000,50",
    ]);
    assert!(
        out.contains("(-inf, -81.356] U [+5.184, +inf) pts (unbounded)"),
        "{out}"
    );
}

#[test]
fn cluster_planning_and_mde_on_users() {
    let base = [
        "impact",
        "mde",
        "--control-rate",
        "0.2",
        "--n-per-arm",
        "2000",
        "--power",
        "0.8",
        "--json",
    ];
    let plain = json(&base)["mde"]["normal_pooled"].as_f64().expect("mde");
    let mut clustered = base.to_vec();
    clustered.extend(["--icc", "0.05", "--cluster-size", "21"]);
    let v = json(&clustered);
    let half = json(&[
        "impact",
        "mde",
        "--control-rate",
        "0.2",
        "--n-per-arm",
        "1000",
        "--power",
        "0.8",
        "--json",
    ]);
    // Design effect 2: 2,000 people in clusters are worth 1,000.
    let m = v["mde"]["normal_pooled"].as_f64().expect("mde");
    assert!((m - half["mde"]["normal_pooled"].as_f64().expect("mde")).abs() < 1e-12);
    assert!(m > plain);
    assert!(v.get("mde_users").is_none());
    let mut users = base.to_vec();
    users.extend(["--first-stage", "0.25"]);
    let v = json(&users);
    let u = v["mde_users"]["normal_pooled"]
        .as_f64()
        .expect("mde on users");
    assert!((u - plain / 0.25).abs() < 1e-12);
    let out = text(&[
        "impact",
        "power",
        "--control-rate",
        "0.2",
        "--treated-rate",
        "0.25",
        "--power",
        "0.8",
        "--icc",
        "0.05",
        "--cluster-size",
        "21",
    ]);
    assert!(out.contains("design effect 2.0000"), "{out}");
    assert!(
        fails(&[
            "impact",
            "mde",
            "--control-rate",
            "0.2",
            "--n-per-arm",
            "10",
            "--power",
            "0.8",
            "--icc",
            "1.5",
            "--cluster-size",
            "3",
        ])
        .contains("--icc: icc must be in [0, 1], got 1.5")
    );
}

/// `impact strata|clusters --counts FILE --treated a --control b [--json]`.
fn counts_args<'a>(command: &'a str, file: &'a str, json: bool) -> Vec<&'a str> {
    let mut args = vec![
        "impact",
        command,
        "--counts",
        file,
        "--treated",
        "a",
        "--control",
        "b",
    ];
    if json {
        args.push("--json");
    }
    args
}

#[test]
fn strata_clusters_and_adjust_from_files() {
    let strata = temp_file(
        "strata.csv",
        "stratum,group,n,successes\nparis,a,100,30\nparis,b,100,20\nlyon,a,40,12\nlyon,b,40,5\n",
    );
    let s = strata.to_str().expect("utf-8");
    let v = json(&counts_args("strata", s, true));
    assert_eq!(v["strata"], 2);
    assert!((v["cmh"]["statistic"].as_f64().expect("cmh") - 5.639_530_106_289_62).abs() < 1e-9);
    assert!(
        (v["odds_ratio"]["estimate"].as_f64().expect("or") - 1.971_428_571_428_571_5).abs() < 1e-12
    );
    let out = text(&counts_args("strata", s, false));
    assert!(
        out.contains("stratum-weighted difference: +12.143 pts"),
        "{out}"
    );
    // A stratum without the control arm is named.
    let bad = temp_file(
        "strata-bad.csv",
        "stratum,group,n,successes\nparis,a,10,3\n",
    );
    let err = fails(&counts_args("strata", bad.to_str().expect("utf-8"), false));
    assert!(
        err.contains("stratum \"paris\": no person of the control group"),
        "{err}"
    );

    // The same counts as JSON lines.
    let jsonl = temp_file(
        "strata.jsonl",
        "{\"stratum\":\"paris\",\"group\":\"a\",\"n\":100,\"successes\":30}\n\
         {\"stratum\":\"paris\",\"group\":\"b\",\"n\":100,\"successes\":20}\n\
         {\"stratum\":\"lyon\",\"group\":\"a\",\"n\":40,\"successes\":12}\n\
         {\"stratum\":\"lyon\",\"group\":\"b\",\"n\":\"40\",\"successes\":5}\n",
    );
    assert_eq!(
        json(&counts_args("strata", jsonl.to_str().expect("utf-8"), true)),
        v
    );

    let clusters = temp_file(
        "clusters.csv",
        "cluster,group,n,successes\nag1,a,40,12\nag2,a,50,20\nag3,a,30,9\nag4,b,45,8\nag5,b,40,10\nag6,b,35,6\n",
    );
    let v = json(&counts_args(
        "clusters",
        clusters.to_str().expect("utf-8"),
        true,
    ));
    assert!((v["cr1"]["se"].as_f64().expect("se") - 0.039_713_990_221_288_804).abs() < 1e-12);
    assert!((v["cr2"]["se"].as_f64().expect("se") - 0.045_525_556_039_693_924).abs() < 1e-12);

    let rows = temp_file(
        "rows.csv",
        "cohort,returned,age\na,1,30\na,0,52\na,1,41\nb,0,35\nb,1,28\nb,0,60\nc,1,20\n",
    );
    let v = json(&[
        "impact",
        "adjust",
        rows.to_str().expect("utf-8"),
        "--group-column",
        "cohort",
        "--outcome-column",
        "returned",
        "--covariates",
        "age",
        "--treated",
        "a",
        "--control",
        "b",
        "--json",
    ]);
    assert_eq!(
        (v["n_treated"].as_u64(), v["n_control"].as_u64()),
        (Some(3), Some(3))
    );
    assert!((v["unadjusted"].as_f64().expect("diff") - 1.0 / 3.0).abs() < 1e-12);
    assert!(v["se"].as_f64().is_some_and(|se| se > 0.0));
}
