//! Writes a deterministic synthetic budget file (TOML) to standard output.
//!
//! ```sh
//! cargo run --release -p betagouv-funding --example budget_file -- 64000 > /tmp/budget-50mb.toml
//! ```
//!
//! Arguments: number of purchase orders (about 800 bytes each: 64,000 make
//! 50 MB), then an optional seed (default 42).

use std::io::Write as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let orders: usize = args.next().as_deref().unwrap_or("1000").parse()?;
    let seed: u64 = args.next().as_deref().unwrap_or("42").parse()?;
    let text = betagouv_funding::synthetic::budget_toml(orders, seed);
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
