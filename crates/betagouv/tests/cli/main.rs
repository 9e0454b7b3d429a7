//! Tests of the `betagouv` command line, one module per subcommand, in one test
//! binary (one link instead of six on two cores).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

mod budget;
mod content;
mod export;
mod impact;
mod portfolio;
mod report;
