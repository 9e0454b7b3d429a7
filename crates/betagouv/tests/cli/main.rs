//! Tests of the `betagouv` command line, one module per subcommand, in one test
//! binary (one link instead of six on two cores).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use serde_json::Value;

mod budget;
mod content;
mod export;
mod impact;
mod portfolio;
mod report;

/// The `betagouv` binary under test: the one way every module runs it.
fn betagouv() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("betagouv").expect("the betagouv binary is built")
}

/// Standard output of a successful run (the test fails with standard error otherwise).
fn stdout(args: &[&str]) -> String {
    let out = betagouv().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSON on standard output of a successful run.
fn json(args: &[&str]) -> Value {
    let out = betagouv().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("strict JSON on stdout")
}
