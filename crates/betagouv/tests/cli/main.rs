//! Tests of the `betagouv` command line, one module per subcommand, in one test
//! binary (one link instead of six on two cores).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use serde_json::Value;

mod a11y;
mod blame;
mod budget;
mod content;
mod content_ci;
mod dashboard;
mod export;
mod git;
mod history;
mod impact;
mod impact_counts;
mod impact_csv;
mod impact_design_rows;
mod impact_designs;
mod impact_parquet;
mod impact_postgres;
mod manual;
mod portfolio;
mod readme;
mod report;

/// The `betagouv` binary under test: the one way every module runs it.
fn betagouv() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("betagouv").expect("the betagouv binary is built")
}

/// The bytes on standard output of a successful run (the test fails with standard
/// error otherwise).
fn stdout_bytes(args: &[&str]) -> Vec<u8> {
    let out = betagouv().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Standard output of a successful run (the test fails with standard error otherwise).
fn stdout(args: &[&str]) -> String {
    String::from_utf8(stdout_bytes(args)).unwrap()
}

/// The JSON on standard output of a successful run.
fn json(args: &[&str]) -> Value {
    serde_json::from_slice(&stdout_bytes(args)).expect("strict JSON on stdout")
}

/// The JSON on standard output of a successful run, checked to be a contract of
/// `version`: an object whose first key is `schema_version`, equal to `version`.
fn contract(args: &[&str], version: u64) -> Value {
    versioned(&stdout_bytes(args), version)
}

/// `stdout` as JSON, checked to be a contract of `version` (see [`contract`]).
fn versioned(stdout: &[u8], version: u64) -> Value {
    let text = std::str::from_utf8(stdout).expect("UTF-8 on stdout");
    let body = text.trim_start().strip_prefix('{').expect("a JSON object");
    assert!(
        body.trim_start().starts_with("\"schema_version\""),
        "schema_version is the first key: {}",
        text.chars().take(120).collect::<String>()
    );
    let v: Value = serde_json::from_str(text).expect("strict JSON on stdout");
    assert_eq!(v["schema_version"], version, "schema_version");
    v
}
