//! Reads a content folder, computes its snapshot and prints what was read and every problem.
//!
//! `read DIR [YYYY-MM-DD] [--time N]`: with `--time N`, reads N times and prints the
//! best wall time in seconds (used by `benches/compare.sh`).
#![allow(clippy::print_stdout)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use betagouv_content::read::{ReadOptions, read_folder};
use betagouv_portfolio::{Snapshot, SnapshotOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .ok_or("usage: read DIR [YYYY-MM-DD] [--time N]")?;
    let at: chrono::NaiveDate = args
        .get(2)
        .filter(|a| !a.starts_with("--"))
        .map_or("2025-12-31", String::as_str)
        .parse()?;
    let times: usize = match args.iter().position(|a| a == "--time") {
        Some(i) => args.get(i + 1).ok_or("--time N")?.parse()?,
        None => 0,
    };
    let run = || -> Result<_, Box<dyn std::error::Error>> {
        // BETAGOUV_NO_POSITIONS=1: read without the positions of keys and values.
        let positions = std::env::var_os("BETAGOUV_NO_POSITIONS").is_none();
        let options = ReadOptions::default().with_positions(positions);
        let import = read_folder(std::path::Path::new(dir), &options)?;
        let snap = Snapshot::compute(&import.portfolio, at, &SnapshotOptions::default());
        Ok((import, snap))
    };
    if times > 0 {
        let mut best = f64::MAX;
        for _ in 0..times {
            let t = std::time::Instant::now();
            let r = run()?;
            best = best.min(t.elapsed().as_secs_f64());
            drop(r);
        }
        println!("{best:.4}");
        return Ok(());
    }
    let (import, snap) = run()?;
    let p = &import.portfolio;
    println!(
        "{:?}: {} files, {} start-ups, {} members, {} incubators, {} organisations; vocabulary {}",
        import.layout.kind,
        import.files.len(),
        p.startups.len(),
        p.members.len(),
        p.incubators.len(),
        p.organisations.len(),
        p.vocabulary,
    );
    println!("{}", serde_json::to_string(&snap)?);
    for d in &import.diagnostics {
        println!("{d}");
    }
    Ok(())
}
