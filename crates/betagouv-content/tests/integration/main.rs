//! Integration tests of betagouv-content (one test binary).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod bad_input;
mod check;
mod docs;
mod eras;
mod lossless;
mod mutants;
mod prop_round_trip;
mod real_data;
mod round_trip;
mod serde_round_trip;

use std::path::{Path, PathBuf};

/// Runs the independent Python counter on `dir` at `at`, when python3 and PyYAML are there.
pub(crate) fn python_count(dir: &Path, at: &str, vocabulary: &str) -> Option<serde_json::Value> {
    if !betagouv_tests::require_tool("python3", &["-c", "import yaml"]) {
        return None;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/count_snapshot.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(dir)
        .arg(at)
        .arg(vocabulary)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the counter prints JSON"))
}
