//! Replays a repository's whole first-parent history and prints one snapshot line
//! per `every`-th commit and the time taken: `cargo run --release -p
//! betagouv-history --example replay -- REPO [EVERY]`.
#![allow(clippy::print_stdout)] // an example prints its result

use betagouv_history::{Replay, Repository};
use betagouv_portfolio::SnapshotOptions;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: replay REPO [EVERY]")?;
    let every: usize = args.next().map_or(Ok(2000), |s| s.parse())?;
    let started = std::time::Instant::now();
    let repo = Repository::open(&path)?;
    let head = repo.resolve("HEAD")?;
    let mut chain = repo.first_parent_chain(&head.id)?.commits;
    chain.reverse();
    let walked = started.elapsed();
    let mut replay = Replay::new(&repo, &Default::default());
    let o = SnapshotOptions::default();
    let mut total = 0;
    for (i, commit) in chain.iter().enumerate() {
        if i % 64 == 0 {
            replay.prefetch(chain.get(i..(i + 64).min(chain.len())).unwrap_or_default());
        }
        replay.advance(commit)?;
        let s = replay.snapshot(commit.committed_date(), &o);
        total += s.startups.total;
        if i % every == 0 {
            println!(
                "{} {} start-ups {} members active {} problems {:?}",
                commit.id.short(),
                commit.committed_date(),
                s.startups.total,
                s.members.active,
                s.problems
            );
        }
    }
    println!(
        "{} commits, chain {:?}, total {:?}, {} blobs read, checksum {total}",
        chain.len(),
        walked,
        started.elapsed(),
        replay.blobs_read()
    );
    Ok(())
}
