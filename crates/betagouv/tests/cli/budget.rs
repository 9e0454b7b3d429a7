//! `betagouv budget ...`: the JSON contract, the journal and the checks.

use std::process::Command;

use super::betagouv;

#[test]
fn report_json_contract_on_builtin_2016() {
    let out = betagouv()
        .args(["budget", "report", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = super::versioned(&out.stdout, 3);
    assert_eq!(v["year"], 2016);
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["total"], "2084035.00");
    assert_eq!(v["by_source"]["incubator"], "932115.00");
    assert_eq!(v["by_source"]["partners"], "1151920.00");
    assert_eq!(v["partner_share"], "0.5527");
    assert_eq!(v["by_startup"], serde_json::json!({}));
    for key in [
        "incubating",
        "in_handover",
        "taken_over",
        "stopped",
        "not_started",
        "unknown",
        "unphased",
    ] {
        assert_eq!(v["by_stage"][key], "0.00", "{key}");
    }
    assert_eq!(v["by_stage"].as_object().map(|m| m.len()), Some(7));
    let year = betagouv()
        .args(["budget", "report", "--year", "2016", "--json"])
        .output()
        .unwrap();
    assert_eq!(year.stdout, out.stdout);
}

#[test]
fn report_human_output() {
    let out = betagouv().args(["budget", "report"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2084035.00") && text.contains("55.27 %"),
        "{text}"
    );
}

const FILE: &str = include_str!("../../../../tests/fixtures/budget/small.toml");

#[test]
fn report_journal_and_check_on_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.toml");
    std::fs::write(&path, FILE).unwrap();
    let out = betagouv()
        .args(["budget", "report", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], "100000.00");
    assert_eq!(v["partner_share"], "0.0000");
    assert_eq!(v["by_startup"]["mes-aides"], "6000.00");
    // mes-aides is in consolidation (incubating) in the 2016 dataset.
    assert_eq!(v["by_stage"]["incubating"], "6000.00");
    assert_eq!(v["by_stage"]["unphased"], "0.00");

    let check = betagouv()
        .args(["budget", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    let text = journal_checked_by_hledger(&path, &dir.path().join("export.journal"));
    assert!(text.contains("expenses:startups:mes-aides:consolidation:development"));
}

/// `budget journal FILE --out JOURNAL`, checked by `hledger check -s ordereddates` when
/// hledger is installed; the journal's text.
fn journal_checked_by_hledger(path: &std::path::Path, journal: &std::path::Path) -> String {
    let out = betagouv()
        .args(["budget", "journal"])
        .arg(path)
        .arg("--out")
        .arg(journal)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = std::fs::read_to_string(journal).unwrap();
    hledger_checks(journal);
    text
}

/// `hledger -f JOURNAL check -s ordereddates` passes (skipped, with a note, without
/// hledger unless BETAGOUV_REQUIRE_EXTERNAL is set).
fn hledger_checks(journal: &std::path::Path) {
    if betagouv_tests::require_tool("hledger", &["--version"]) {
        let st = Command::new("hledger")
            .arg("-f")
            .arg(journal)
            .args(["check", "-s", "ordereddates"])
            .status()
            .unwrap();
        assert!(st.success());
    }
}

/// `budget check FILE` (with `--json` when asked).
fn check(path: &std::path::Path, json: bool) -> std::process::Output {
    let mut cmd = betagouv();
    cmd.args(["budget", "check"]);
    if json {
        cmd.arg("--json");
    }
    cmd.arg(path).output().unwrap()
}

/// The small budget with a payment over its delivery (line 17).
fn overpaid() -> String {
    FILE.replace("amount_gross = \"6000.00\"", "amount_gross = \"9000.00\"")
}

/// A file that is not a budget: a float amount at line 3, column 10.
const NOT_A_BUDGET: &str = "[[resources]]\nid = \"r\"\namount = 1.5\n";

#[test]
fn check_reports_located_errors_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, overpaid()).unwrap();
    let out = check(&path, false);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[payment-exceeds-delivery]"), "{text}");
    assert!(text.contains("bad.toml:17:"), "{text}");

    std::fs::write(&path, NOT_A_BUDGET).unwrap();
    let out = check(&path, false);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.toml:3:10"), "{err}");
}

/// `budget check --json`: `{"schema_version": 2, "file", "errors", "warnings",
/// "diagnostics": [...]}`, the status as without --json; a file that is not a budget is
/// one located `parse` error.
#[test]
fn check_json_contract() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, overpaid()).unwrap();
    let out = check(&path, true);
    assert_eq!(out.status.code(), Some(1));
    let v = super::versioned(&out.stdout, 2);
    assert_eq!(v["file"], path.display().to_string());
    assert!(v["errors"].as_u64().unwrap() >= 1, "{v}");
    assert!(v["warnings"].is_u64());
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "payment-exceeds-delivery")
        .unwrap();
    assert_eq!(d["severity"], "error");
    assert_eq!(d["line"], 17);
    assert!(d["file"].as_str().unwrap().ends_with("bad.toml"));

    std::fs::write(&path, NOT_A_BUDGET).unwrap();
    let out = check(&path, true);
    assert_eq!(out.status.code(), Some(1));
    let v = super::versioned(&out.stdout, 2);
    assert_eq!(
        (v["errors"].as_u64(), v["warnings"].as_u64()),
        (Some(1), Some(0))
    );
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["rule"].as_str(), d["severity"].as_str()),
        (Some("parse"), Some("error"))
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(10))
    );
    assert!(
        d["message"].as_str().unwrap().contains("bad.toml:3:10"),
        "{d}"
    );

    let path = dir.path().join("good.toml");
    std::fs::write(&path, FILE).unwrap();
    let out = check(&path, true);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(super::versioned(&out.stdout, 2)["errors"], 0);
}

/// `budget balances --json` is `--format json`: the CSV's grid with the periods, a row
/// per account and the totals, amounts as text.
#[test]
fn balances_json_contract() {
    let v = super::contract(&["budget", "balances", "--json"], 1);
    assert_eq!(
        v,
        super::contract(&["budget", "balances", "--format", "json"], 1)
    );
    assert_eq!(
        v,
        serde_json::json!({
            "schema_version": 1,
            "every": "month",
            "periods": ["2016-12"],
            "rows": [
                {"account": "assets:cp:incubator", "amounts": ["2084035.00"]},
                {"account": "income:own-budget:credits", "amounts": ["-932115.00"]},
                {"account": "income:partners:unspecified", "amounts": ["-1151920.00"]}
            ],
            "total": ["0.00"]
        })
    );
    let v = super::contract(&["budget", "balances", "--every", "quarter", "--json"], 1);
    assert_eq!(v["every"], "quarter");
    assert_eq!(v["periods"], serde_json::json!(["2016Q4"]));
    let out = betagouv()
        .args(["budget", "balances", "--json", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "--json is --format json: {out:?}"
    );
}

// ---- Output policy (issue 10, class 3): `budget journal --out` and `bench --journal`.

fn builtin_budget_copy(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("X.toml");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../betagouv-funding/data/builtin-2016.toml"),
        &path,
    )
    .unwrap();
    path
}

fn no_temporaries(dir: &std::path::Path) {
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".betagouv-tmp"))
        .collect();
    assert!(left.is_empty(), "temporaries left: {left:?}");
}

#[test]
fn journal_out_never_overwrites_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = builtin_budget_copy(dir.path());
    let before = std::fs::read(&input).unwrap();
    for out in [
        input.clone(),
        dir.path().join("sub/../X.toml"),
        dir.path().join("./X.toml"),
    ] {
        for force in [false, true] {
            let mut cmd = betagouv();
            cmd.args(["budget", "journal"])
                .arg(&input)
                .arg("--out")
                .arg(&out);
            if force {
                cmd.arg("--force");
            }
            let o = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{stderr}");
            assert!(
                stderr.contains(&format!("refusing to write {}", out.display()))
                    && stderr.contains(&format!("the input {}", input.display())),
                "{stderr}"
            );
            assert_eq!(std::fs::read(&input).unwrap(), before, "input unchanged");
        }
    }
    no_temporaries(dir.path());
}

#[test]
fn journal_out_needs_force_and_replaces_only_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("j.journal");
    std::fs::write(&out, "mine\n").unwrap();
    let run = |force: bool, out: &std::path::Path| {
        let mut cmd = betagouv();
        cmd.args(["budget", "journal", "--out"]).arg(out);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let o = run(false, &out);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine\n");
    let o = run(true, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&out).unwrap().contains("2016"));
    // A folder is never replaced by a file, even with --force.
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("keep"), "k").unwrap();
    let o = run(true, &folder);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("it is a folder"));
    assert!(folder.join("keep").exists());
    // A missing parent folder is named.
    let deep = dir.path().join("x/y/z.journal");
    let o = run(false, &deep);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains(&format!(
            "no such folder: {} (parent of the output {})",
            dir.path().join("x/y").display(),
            deep.display()
        )),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The umask's mode, not a temporary file's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let reference = dir.path().join("reference");
        std::fs::write(&reference, "").unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&out), mode(&reference));
    }
    // The hidden bench's --journal follows the same policy.
    let o = betagouv()
        .args([
            "budget",
            "bench",
            "--postings",
            "10",
            "--runs",
            "1",
            "--journal",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    no_temporaries(dir.path());
}

#[test]
fn bench_writes_its_journal_with_out_or_the_older_journal() {
    let dir = tempfile::tempdir().unwrap();
    let mut journals = Vec::new();
    for flag in ["--out", "--journal"] {
        let path = dir.path().join(format!("bench{flag}.journal"));
        let o = betagouv()
            .args(["budget", "bench", "--postings", "10", "--runs", "1", flag])
            .arg(&path)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        journals.push(std::fs::read_to_string(&path).unwrap());
    }
    assert!(
        journals[0].contains("expenses:startups:"),
        "{}",
        journals[0]
    );
    assert_eq!(journals[0], journals[1]);
    no_temporaries(dir.path());
}

#[test]
fn report_refuses_a_year_out_of_range_or_without_records() {
    for year in ["2147483647", "-2147483648", "1899", "10000"] {
        let out = betagouv()
            .args(["budget", "report", "--json"])
            .arg(format!("--year={year}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{year}");
        assert!(out.stdout.is_empty(), "{year}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains(&format!(
                "--year {year}: outside the supported years 1900 to 9999"
            )),
            "{err}"
        );
    }
    let out = betagouv()
        .args(["budget", "report", "--year", "2030"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            "--year 2030: the budget has no record dated in 2030 (years with records: 2016)"
        ),
        "{err}"
    );
}

#[test]
fn oversized_budget_file_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    // A sparse file one byte over the 64 MiB default: refused from its size.
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(64 * 1024 * 1024 + 1).unwrap();
    drop(f);
    for cmd in ["report", "balances", "journal"] {
        let out = betagouv()
            .args(["budget", cmd])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("huge.toml: the file has 67108865 bytes, over the limit of 67108864 bytes for a budget file"),
            "{cmd}: {err}"
        );
    }
}

/// `(header, rows)` of a CSV whose fields are all quoted, amounts normalised
/// (`"-12.50 EUR"` and `"-12.5"` alike, `"0"` and `"0.00"` alike).
fn csv_table(
    text: &str,
) -> (
    Vec<String>,
    std::collections::BTreeMap<String, Vec<rust_decimal::Decimal>>,
) {
    let mut lines = text.lines().map(|l| {
        l.trim_matches('"')
            .split("\",\"")
            .map(str::to_owned)
            .collect::<Vec<_>>()
    });
    let header = lines.next().unwrap();
    let rows = lines
        .map(|mut cells| {
            let account = cells.remove(0);
            let values = cells
                .iter()
                .map(|c| {
                    c.trim_end_matches(" EUR")
                        .parse::<rust_decimal::Decimal>()
                        .unwrap()
                })
                .collect();
            (account, values)
        })
        .collect();
    (header, rows)
}

#[test]
fn balances_of_the_builtin_budget() {
    let out = betagouv()
        .args(["budget", "balances", "--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text,
        "\"account\",\"2016-12\"\n\
         \"assets:cp:incubator\",\"2084035.00\"\n\
         \"income:own-budget:credits\",\"-932115.00\"\n\
         \"income:partners:unspecified\",\"-1151920.00\"\n\
         \"total\",\"0.00\"\n"
    );
    let table = betagouv().args(["budget", "balances"]).output().unwrap();
    assert!(table.status.success());
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("2016-12") && table.contains("-1151920.00"),
        "{table}"
    );
    let yearly = betagouv()
        .args(["budget", "balances", "--every", "year", "--format", "csv"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(yearly.stdout)
            .unwrap()
            .starts_with("\"account\",\"2016\"\n")
    );
}

#[test]
fn balances_match_hledger_on_the_exported_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budget.toml");
    // Two more months with movements, one month (April) with none.
    let text = format!(
        "{FILE}\n[[deliveries]]\nid = \"SF-2\"\norder = \"BC-1\"\nperiod_start = 2016-03-01\nperiod_end = 2016-05-31\namount_net = \"-0.05\"\n\n[[payments]]\nid = \"PAY-2\"\ndeliveries = [\"SF-2\"]\npaid_on = 2016-06-01\namount_gross = \"-0.06\"\n"
    );
    std::fs::write(&path, text).unwrap();
    let ours = betagouv()
        .args(["budget", "balances", "--format", "csv"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        ours.status.success(),
        "{}",
        String::from_utf8_lossy(&ours.stderr)
    );
    let (header, rows) = csv_table(&String::from_utf8(ours.stdout).unwrap());
    assert_eq!(
        header,
        [
            "account", "2016-01", "2016-02", "2016-03", "2016-04", "2016-05", "2016-06"
        ]
    );
    assert_eq!(
        rows["assets:cp:incubator"]
            .iter()
            .sum::<rust_decimal::Decimal>()
            .to_string(),
        "94000.06"
    );
    if !betagouv_tests::require_tool("hledger", &["--version"]) {
        return;
    }
    let journal = dir.path().join("export.journal");
    let out = betagouv()
        .args(["budget", "journal"])
        .arg(&path)
        .arg("--out")
        .arg(&journal)
        .output()
        .unwrap();
    assert!(out.status.success());
    let theirs = Command::new("hledger")
        .arg("-f")
        .arg(&journal)
        .args(["bal", "-M", "-O", "csv"])
        .output()
        .unwrap();
    assert!(
        theirs.status.success(),
        "{}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    let (h_header, h_rows) = csv_table(&String::from_utf8(theirs.stdout).unwrap());
    assert_eq!(header, h_header);
    assert_eq!(rows, h_rows);
}

/// Class 5: amounts that each fit but whose sum does not are refused by the report
/// (status 2, named), and found by `budget check` (status 1), never shown as a wrong total.
#[test]
fn sums_past_the_money_range_are_refused_not_shown_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.toml");
    let mut text = String::from("currency = \"EUR\"\nincubator = \"x\"\n");
    for id in ["a", "b"] {
        text.push_str(&format!(
            "\n[[resources]]\nid = \"{id}\"\ndate = 2016-12-31\nsource = \"incubator\"\namount = \"900000000000000.00\"\n"
        ));
    }
    std::fs::write(&path, text).unwrap();
    let out = betagouv()
        .args(["budget", "report", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("big.toml") && err.contains("1800000000000000.00"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = betagouv()
        .args(["budget", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("sums-out-of-range"));
}

const SERVICE_FAIT: &str = include_str!("../../../../tests/fixtures/budget/service-fait.toml");

/// `budget check --json` on a payment 12 days late: a located warning with the
/// interest and the flat fee, exit 0; an advance not recovered: an error, exit 1.
#[test]
fn check_locates_late_payments_and_unrecovered_advances() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.toml");
    let late = SERVICE_FAIT.replace("paid_on = 2016-04-20\n", "paid_on = 2016-05-13\n");
    std::fs::write(&path, late).unwrap();
    let out = check(&path, true);
    assert!(out.status.success(), "{out:?}");
    let v = super::versioned(&out.stdout, 2);
    assert_eq!(
        (v["errors"].as_u64(), v["warnings"].as_u64()),
        (Some(0), Some(1))
    );
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["rule"].as_str(), d["severity"].as_str()),
        (Some("late-payment"), Some("warning"))
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(58), Some(1))
    );
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("interest 15.78") && message.contains("flat fee 40.00"),
        "{message}"
    );

    let unrecovered = SERVICE_FAIT.replace(
        "period_end = 2016-03-31\namount_net = \"5000.00\"",
        "period_end = 2016-03-31\namount_net = \"3000.00\"",
    );
    std::fs::write(&path, unrecovered).unwrap();
    let out = check(&path, false);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("error[advance-not-recovered]"), "{text}");
    assert!(text.contains("late.toml:58:1"), "{text}");
}

/// The payment terms from the command line: the ECB rate raises the interest of a
/// payment 12 days late (6,000.00 × (4.5 + 8) % × 12 / 365 = 24.66), a longer delay
/// makes it on time, a rate outside 0 to 100 % is refused (exit 2).
#[test]
fn check_takes_the_payment_terms_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("late.toml");
    let late = SERVICE_FAIT.replace("paid_on = 2016-04-20\n", "paid_on = 2016-05-13\n");
    std::fs::write(&path, late).unwrap();
    let run = |flags: &[&str]| {
        betagouv()
            .args(["budget", "check"])
            .args(flags)
            .arg(&path)
            .output()
            .unwrap()
    };
    let out = run(&["--ecb-rate", "4.5"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("warning[late-payment]") && text.contains("interest 24.66"),
        "{text}"
    );
    let out = run(&["--payment-delay", "60"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("0 errors, 0 warnings"), "{text}");
    let out = run(&["--ecb-rate", "120"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside 0 to 100 %"));
}

const PARTNER_MONEY: &str = include_str!("../../../../tests/fixtures/budget/partner-money.toml");

/// `budget report --year`: a fonds de concours signed in December 2016 and received in
/// February 2017 is partner money of 2017; a délégation de gestion adds nothing to the
/// resources and is shown apart.
#[test]
fn report_counts_partner_money_in_the_year_received() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partner-money.toml");
    std::fs::write(&path, PARTNER_MONEY).unwrap();
    let json = |year: &str| {
        let out = betagouv()
            .args(["budget", "report", "--json", "--year", year])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        super::versioned(&out.stdout, 3)
    };
    let v = json("2016");
    assert_eq!(v["by_source"]["partners"], "0.00");
    assert_eq!(v["total"], "50000.00");
    assert_eq!(v["delegated"], serde_json::json!([]));
    let v = json("2017");
    assert_eq!(v["by_source"]["partners"], "30000.00");
    assert_eq!(v["by_partner"]["anct"], "30000.00");
    assert_eq!(v["total"], "80000.00");
    assert_eq!(v["partner_share"], "0.3750");
    assert_eq!(v["delegated"][0]["agreement"], "dg-travail");
    for (key, amount) in [
        ("engaged", "6000.00"),
        ("delivered", "6000.00"),
        ("paid", "6000.00"),
        ("remaining", "0.00"),
    ] {
        assert_eq!(v["delegated"][0][key], amount, "{key}");
    }
    assert_eq!(v["delegated"][0]["orders"], serde_json::json!(["BC-DG"]));
    // The incubator's spending leaves the délégation de gestion's 6,000.00 out.
    assert_eq!(v["spending"]["engaged"], "12000.00");
    assert_eq!(v["spending"]["paid"], "12000.00");
    assert_eq!(v["orders"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["problems"]["errors"], 0);
    let out = betagouv()
        .args(["budget", "report", "--year", "2017"])
        .arg(&path)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("delegated management") && text.contains("dg-travail"),
        "{text}"
    );
    assert!(
        text.contains("outstanding") && text.contains("BC-DG"),
        "{text}"
    );
    let engaged = text
        .lines()
        .find(|l| l.contains("engaged (AE)") && !l.contains("delegated"))
        .unwrap_or_default();
    assert!(engaged.contains("12000.00"), "{text}");
    assert_eq!(check(&path, false).status.code(), Some(0));
    // The journal books the fonds de concours when received and the délégation de
    // gestion outside income; hledger accepts it.
    let text = journal_checked_by_hledger(&path, &dir.path().join("partner-money.journal"));
    assert!(
        text.contains("account equity:delegated:min-travail\n"),
        "{text}"
    );
    // No cash: CP accounts, the délégation de gestion's apart with its expenses.
    for account in [
        "assets:cp:incubator",
        "assets:cp:delegated:dg-travail",
        "expenses:delegated:dg-travail:shared:development",
    ] {
        assert!(text.contains(&format!("account {account}\n")), "{text}");
    }
    assert!(!text.contains("treasury"), "{text}");
    assert!(
        text.contains("2017-02-10 * Tranche 1 of fdc-anct received"),
        "{text}"
    );
}

// ---- The year change, the order's life (issue 17): located rules and the commitments journal.

/// `text` written as `name` in a new temporary folder.
fn year_fixture(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// `budget check --json` on a file that breaks exactly `order-no-line`: the rule, the
/// file, line 7 and column 1 of the order, status 1.
#[test]
fn check_locates_an_order_without_a_line() {
    let (dir, path) = year_fixture(
        "no-line.toml",
        include_str!("../../../../tests/fixtures/budget/year/order-no-line.toml"),
    );
    let out = check(&path, true);
    drop(dir);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = super::versioned(&out.stdout, 2);
    assert_eq!(
        (v["errors"].as_u64(), v["warnings"].as_u64()),
        (Some(1), Some(0))
    );
    let d = &v["diagnostics"][0];
    assert_eq!(d["rule"], "order-no-line");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(1))
    );
    assert!(d["file"].as_str().unwrap().ends_with("no-line.toml"));
}

/// `budget journal --commitments`: the AE journal (opened, engaged, released at
/// closing), no cash in it, accepted by hledger.
#[test]
fn journal_commitments_writes_the_ae_journal() {
    let (dir, path) = year_fixture(
        "release.toml",
        include_str!("../../../../tests/fixtures/budget/year/release.toml"),
    );
    let journal = dir.path().join("ae.journal");
    let out = betagouv()
        .args(["budget", "journal", "--commitments"])
        .arg(&path)
        .arg("--out")
        .arg(&journal)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(
        text.contains("2016-01-01 * AE opened p129 2016\n"),
        "{text}"
    );
    assert!(
        text.contains("2016-06-30 * Release of BC-1 at closing\n"),
        "{text}"
    );
    assert!(
        text.contains("    expenses:commitments:p129:mes-aides  -4800.00 EUR\n"),
        "{text}"
    );
    assert!(!text.contains("treasury"), "{text}");
    hledger_checks(&journal);
}
