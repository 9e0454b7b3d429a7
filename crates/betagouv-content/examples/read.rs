//! Reads a content folder and prints what was read and every problem.
#![allow(clippy::print_stdout)]

use betagouv_content::read::{ReadOptions, read_folder};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: read DIR")?;
    let t = std::time::Instant::now();
    let import = read_folder(std::path::Path::new(&dir), &ReadOptions::default())?;
    let el = t.elapsed();
    let p = &import.portfolio;
    println!(
        "{:?} {} files: {} start-ups, {} members, {} incubators, {} organisations; vocabulary {} ({:?}) in {el:?}",
        import.layout.kind,
        import.files.len(),
        p.startups.len(),
        p.members.len(),
        p.incubators.len(),
        p.organisations.len(),
        p.vocabulary,
        import.vocabulary_source
    );
    for d in &import.diagnostics {
        println!("{d}");
    }
    Ok(())
}
