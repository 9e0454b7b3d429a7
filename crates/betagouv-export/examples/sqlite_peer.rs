//! Runner: our SQLite export against its Python peer (pandas `to_sql`) on the same tables.
//!
//! Reads the 2025 snapshot (`BETAGOUV_SHARED_DATA`, else the built-in 2016 dataset),
//! times `export(.., ExportFormat::Sqlite, ..)` (tables built from the model, written, vacuumed;
//! median of the runs), writes the CSV export the peer reads, runs
//! `benches/sqlite_peer.py` (pandas `to_sql` of the same tables, median of the runs) and
//! prints both times and the ratio.
//!
//! ```sh
//! BETAGOUV_SHARED_DATA=/abs/shared/data cargo run --release -p betagouv-export --all-features --example sqlite_peer -- 7
//! ```
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use betagouv_export::{Dataset, ExportFormat, ExportOptions, export};
use betagouv_portfolio::builtin;
use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(7);
    let snapshot = std::env::var_os("BETAGOUV_SHARED_DATA")
        .map(|d| PathBuf::from(d).join("betagouv-content/2025-12-31"))
        .filter(|d| d.exists());
    let (portfolio, at, label) = match &snapshot {
        Some(d) => (
            betagouv_content::read::read_folder(
                d,
                &betagouv_content::read::ReadOptions::default(),
            )?
            .portfolio,
            NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default(),
            "2025 snapshot",
        ),
        None => (
            builtin::portfolio_2016(),
            builtin::as_of_2016(),
            "built-in 2016",
        ),
    };
    let dataset = Dataset::new(&portfolio);
    let options = ExportOptions::new(at, "sqlite_peer");
    let tmp = tempfile::tempdir()?;
    let mut ours = Vec::with_capacity(runs);
    let mut rows = 0;
    for i in 0..runs {
        let out = tmp.path().join(format!("ours-{i}.db"));
        let start = Instant::now();
        let report = export(&dataset, ExportFormat::Sqlite, &out, &options)?;
        ours.push(start.elapsed().as_secs_f64());
        rows = report.rows.values().sum::<usize>();
    }
    ours.sort_by(f64::total_cmp);
    let ours_median = ours[ours.len() / 2];
    let csv_dir = tmp.path().join("csv");
    export(&dataset, ExportFormat::Csv, &csv_dir, &options)?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/sqlite_peer.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(&csv_dir)
        .arg(runs.to_string())
        .output()?;
    if !out.status.success() {
        return Err(format!("peer failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let peer: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let peer_median = peer["median_s"].as_f64().unwrap_or(f64::NAN);
    println!("SQLite export of the {label}: {rows} rows, median of {runs} runs");
    println!(
        "  betagouv-export (build tables + write + VACUUM): {:.1} ms",
        ours_median * 1e3
    );
    println!(
        "  pandas {} DataFrame.to_sql (same tables, already in memory): {:.1} ms",
        peer["pandas"].as_str().unwrap_or("?"),
        peer_median * 1e3
    );
    println!("  ratio (peer / ours): {:.1}x", peer_median / ours_median);
    Ok(())
}
