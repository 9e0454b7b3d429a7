//! Shared helpers: the 2025 snapshot, exports into temporary folders.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use betagouv_export::{Dataset, ExportFormat, ExportOptions, ExportReport, export};
use betagouv_portfolio::Portfolio;
use chrono::NaiveDate;

/// Relative path of the 2025 snapshot in the shared data.
pub(crate) const SNAPSHOT_2025: &str = "betagouv-content/2025-12-31";

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The 2025 snapshot folder and its portfolio, read once; `None` (skipped) without data.
pub(crate) fn snapshot_2025() -> Option<&'static (PathBuf, Portfolio)> {
    static CELL: OnceLock<Option<(PathBuf, Portfolio)>> = OnceLock::new();
    CELL.get_or_init(|| {
        let dir = betagouv_tests::shared_data(SNAPSHOT_2025)?;
        let import = betagouv_content::read::read_folder(
            &dir,
            &betagouv_content::read::ReadOptions::default(),
        )
        .unwrap();
        Some((dir, import.portfolio))
    })
    .as_ref()
}

/// Options of the 2025 exports.
pub(crate) fn options_2025() -> ExportOptions {
    ExportOptions::new(
        date(2025, 12, 31),
        "shared/data/betagouv-content/2025-12-31",
    )
}

/// Exports `portfolio` as `format` into a new temporary folder; returns the folder
/// (kept alive by the caller), the output path and the report.
pub(crate) fn export_tmp(
    portfolio: &Portfolio,
    format: ExportFormat,
    options: &ExportOptions,
) -> (tempfile::TempDir, PathBuf, ExportReport) {
    let dir = tempfile::tempdir().unwrap();
    let name = match format {
        ExportFormat::Sqlite => "out.db",
        ExportFormat::Xlsx => "out.xlsx",
        _ => "out",
    };
    let out = dir.path().join(name);
    let report = export(&Dataset::new(portfolio), format, &out, options).unwrap();
    (dir, out, report)
}

/// Runs `program args` and returns (success, stdout, stderr).
pub(crate) fn run(program: &str, args: &[&str], cwd: Option<&Path>) -> (bool, String, String) {
    let mut cmd = std::process::Command::new(program);
    cmd.args(args);
    if let Some(c) = cwd {
        cmd.current_dir(c);
    }
    let o = cmd.output().unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
