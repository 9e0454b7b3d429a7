//! `betagouv impact cohort|survival --counts FILE`: pre-aggregated counts (CSV,
//! JSON, JSON lines) give the same statistics as the rows they count, including
//! counts produced by DuckDB's SQL of docs/impact.md (external: skipped with a
//! note without python3 and its duckdb package, fails then with
//! `BETAGOUV_REQUIRE_EXTERNAL`).

use std::path::{Path, PathBuf};

use super::{betagouv, stdout_bytes};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "betagouv-impact-counts-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The `impact cohort` arguments after the source.
const COHORT: [&str; 9] = [
    "--group-column",
    "cohort",
    "--outcome-column",
    "returned",
    "--treated",
    "encouraged",
    "--control",
    "control",
    "--json",
];

/// The `impact survival` arguments after the source.
const SURVIVAL: [&str; 9] = [
    "--group-column",
    "cohort",
    "--duration-column",
    "days",
    "--event-column",
    "returned",
    "--horizons",
    "10,30,45.5",
    "--json",
];

fn cohort_json(source: &[&str]) -> Vec<u8> {
    let mut args = vec!["impact", "cohort"];
    args.extend_from_slice(source);
    args.extend_from_slice(&COHORT);
    stdout_bytes(&args)
}

fn survival_json(source: &[&str]) -> Vec<u8> {
    let mut args = vec!["impact", "survival"];
    args.extend_from_slice(source);
    args.extend_from_slice(&SURVIVAL);
    stdout_bytes(&args)
}

fn fails(args: &[&str]) -> String {
    let out = betagouv().args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn cohort_fails(counts: &Path) -> String {
    let mut args = vec!["impact", "cohort", "--counts", s(counts)];
    args.extend_from_slice(&COHORT);
    fails(&args)
}

fn survival_fails(counts: &Path) -> String {
    let mut args = vec!["impact", "survival", "--counts", s(counts)];
    args.extend_from_slice(&SURVIVAL);
    fails(&args)
}

/// Rows of people: `id,cohort,returned,days` (a deterministic generator), with a
/// third cohort whose name needs quoting.
fn rows_csv(n: u64) -> String {
    let mut out = String::from("id,cohort,returned,days\n");
    let mut x: u64 = 2016;
    for id in 0..n {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let r = x >> 33;
        let cohort = ["encouraged", "control", "\"contrôle, bis\""][(r % 3) as usize];
        let returned = u64::from((r >> 2) % 10 < 3);
        // Whole days, and a few half days.
        let days = (r >> 6) % 60;
        let days = if (r >> 12).is_multiple_of(7) {
            format!("{days}.5")
        } else {
            days.to_string()
        };
        out.push_str(&format!("{id},{cohort},{returned},{days}\n"));
    }
    out
}

#[test]
fn cohort_counts_in_csv_json_and_json_lines_equal_the_rows() {
    let dir = temp_dir("cohort");
    let rows = write(
        &dir,
        "rows.csv",
        "cohort,returned\nencouraged,1\ncontrol,0\nencouraged,0\ncontrol,1\nencouraged,1\ncontrol,0\nother,1\n",
    );
    let expected = cohort_json(&[s(&rows)]);
    // Repeated groups (two partitions) are summed; columns in any order.
    let csv = write(
        &dir,
        "counts.csv",
        "successes,group,n\n1,encouraged,2\n1,control,3\n1,encouraged,1\n1,other,1\n",
    );
    assert_eq!(cohort_json(&["--counts", s(&csv)]), expected);
    let json = write(
        &dir,
        "counts.json",
        r#"[{"group": "encouraged", "n": 3, "successes": 2},
            {"group": "control", "n": "3", "successes": "1"}]"#,
    );
    assert_eq!(cohort_json(&["--counts", s(&json)]), expected);
    let lines = write(
        &dir,
        "counts.jsonl",
        "{\"group\":\"control\",\"n\":3,\"successes\":1}\n{\"group\":\"encouraged\",\"n\":1,\"successes\":1}\n{\"group\":\"encouraged\",\"n\":2,\"successes\":1}\n",
    );
    assert_eq!(cohort_json(&["--counts", s(&lines)]), expected);
}

#[test]
fn survival_counts_in_csv_and_json_equal_the_rows() {
    let dir = temp_dir("survival");
    let text = rows_csv(500);
    let rows = write(&dir, "rows.csv", &text);
    let expected = survival_json(&[s(&rows)]);
    // Our own counting, written as counts rows one per person: every row repeated.
    let mut csv = String::from("group,time,events,censored\n");
    let mut json = Vec::new();
    for line in text.lines().skip(1) {
        let (_, rest) = line.split_once(',').unwrap();
        let (group, rest) = match rest.strip_prefix('"') {
            Some(q) => {
                let (g, r) = q.split_once("\",").unwrap();
                (format!("\"{g}\""), r)
            }
            None => {
                let (g, r) = rest.split_once(',').unwrap();
                (g.to_owned(), r)
            }
        };
        let (returned, days) = rest.split_once(',').unwrap();
        let (e, c) = if returned == "1" { (1, 0) } else { (0, 1) };
        csv.push_str(&format!("{group},{days},{e},{c}\n"));
        json.push(serde_json::json!({
            "group": group.trim_matches('"'), "time": days.parse::<f64>().unwrap(),
            "events": e, "censored": c,
        }));
    }
    let c = write(&dir, "counts.csv", &csv);
    assert_eq!(survival_json(&["--counts", s(&c)]), expected);
    let j = write(&dir, "counts.json", &serde_json::to_string(&json).unwrap());
    assert_eq!(survival_json(&["--counts", s(&j)]), expected);
}

#[test]
fn counts_errors_name_the_place() {
    let dir = temp_dir("errors");
    let bad = write(
        &dir,
        "bad.csv",
        "group,n,successes\nencouraged,3,1\ncontrol,3,5\n",
    );
    let e = cohort_fails(&bad);
    assert!(
        e.contains("bad.csv: line 3, column 3 (\"successes\"): successes exceed n (value \"5\")"),
        "{e}"
    );
    let neg = write(&dir, "neg.csv", "group,n,successes\ncontrol,-3,0\n");
    let e = cohort_fails(&neg);
    assert!(
        e.contains("neg.csv: line 2, column 2 (\"n\"): expected an integer >= 0 (value \"-3\")"),
        "{e}"
    );
    let missing = write(&dir, "missing.csv", "cohort,n,successes\ncontrol,3,0\n");
    assert!(cohort_fails(&missing).contains("missing column \"group\""));
    // A column left in the query (a month) would be summed over: refused.
    let month = write(
        &dir,
        "month.csv",
        "group,month,n,successes\ncontrol,1,3,0\n",
    );
    assert!(
        cohort_fails(&month).contains("month.csv: line 1, column 2: unexpected column \"month\""),
        "month"
    );
    let month = write(
        &dir,
        "month.jsonl",
        "{\"group\":\"a\",\"month\":1,\"n\":1,\"successes\":0}\n",
    );
    let e = cohort_fails(&month);
    assert!(
        e.contains("month.jsonl: line 1, column ") && e.contains("unknown field `month`"),
        "{e}"
    );
    let empty = write(&dir, "empty.csv", "group,n,successes\n");
    assert!(cohort_fails(&empty).contains("empty.csv: no data row after the header"));
    let json = write(
        &dir,
        "bad.json",
        "[\n  {\"group\": \"control\", \"n\": 3, \"successes\": 1},\n  {\"group\": \"encouraged\", \"n\": 3, \"successes\": 5},\n  {\"group\": \"other\", \"n\": 3, \"successes\": 1}\n]\n",
    );
    let e = cohort_fails(&json);
    assert!(
        e.contains("bad.json: counts row 2 (group \"encouraged\"): successes exceed n"),
        "{e}"
    );
    let syntax = write(
        &dir,
        "syntax.json",
        "[{\"group\": \"a\", \"n\": 1.5, \"successes\": 0}]",
    );
    let e = cohort_fails(&syntax);
    assert!(
        e.contains(
            "syntax.json: line 1, column 24: invalid type: floating point `1.5`, expected a count"
        ),
        "{e}"
    );
    let none = write(&dir, "none.json", "[]");
    assert!(cohort_fails(&none).contains("none.json: no counts row"));
    let time = write(&dir, "time.csv", "group,time,events,censored\na,-1,1,0\n");
    let e = survival_fails(&time);
    assert!(
        e.contains("time.csv: line 2, column 2 (\"time\"): expected a finite number >= 0"),
        "{e}"
    );
    let time = write(
        &dir,
        "time.jsonl",
        "{\"group\":\"a\",\"time\":1,\"events\":1,\"censored\":0}\n{\"group\":\"a\",\"time\":-1,\"events\":1,\"censored\":0}\n",
    );
    let e = survival_fails(&time);
    assert!(
        e.contains("time.jsonl: counts row 2 (group \"a\"): the time must be a finite number >= 0"),
        "{e}"
    );
}

/// The counting SQL of docs/impact.md for DuckDB (the test checks the document
/// holds these exact queries).
const DUCKDB_COHORT: &str = r#"SELECT cohort AS "group",
       COUNT(*) AS n,
       COUNT(*) FILTER (WHERE returned = 1) AS successes
FROM read_csv('rows.csv')
WHERE cohort IS NOT NULL AND returned IN (0, 1)
GROUP BY cohort"#;

const DUCKDB_SURVIVAL: &str = r#"SELECT cohort AS "group",
       days AS time,
       COUNT(*) FILTER (WHERE returned = 1) AS events,
       COUNT(*) FILTER (WHERE returned = 0) AS censored
FROM read_csv('rows.csv')
WHERE cohort IS NOT NULL AND days >= 0 AND returned IN (0, 1)
GROUP BY cohort, days"#;

#[test]
fn duckdb_counts_equal_our_counting() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/impact.md"))
            .unwrap();
    assert!(
        doc.contains(DUCKDB_COHORT),
        "docs/impact.md holds the DuckDB cohort query"
    );
    assert!(
        doc.contains(DUCKDB_SURVIVAL),
        "docs/impact.md holds the DuckDB survival query"
    );
    if !betagouv_tests::require_tool("python3", &["-c", "import duckdb"]) {
        return;
    }
    let dir = temp_dir("duckdb");
    let rows = write(&dir, "rows.csv", &rows_csv(4000));
    for (query, out) in [
        (DUCKDB_COHORT, "cohort.csv"),
        (DUCKDB_SURVIVAL, "survival.csv"),
    ] {
        let sql = format!("COPY ({query}) TO '{out}' (HEADER)");
        let status = std::process::Command::new("python3")
            .args(["-c", "import duckdb, sys; duckdb.sql(sys.argv[1])", &sql])
            .current_dir(&dir)
            .status()
            .unwrap();
        assert!(status.success(), "duckdb: {sql}");
    }
    let counts = dir.join("cohort.csv");
    assert_eq!(
        cohort_json(&["--counts", s(&counts)]),
        cohort_json(&[s(&rows)])
    );
    let counts = dir.join("survival.csv");
    assert_eq!(
        survival_json(&["--counts", s(&counts)]),
        survival_json(&[s(&rows)])
    );
}
