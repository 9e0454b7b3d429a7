//! The `betagouv` command line.
//!
//! Exit codes: 0 success (also when the reader of standard output goes away, as in
//! `betagouv ... | head`); 1 the job ran and found errors (e.g. `content check` with
//! errors left); 2 bad usage, input that could not be processed, or an output that
//! could not be written (a full disk, an output refused by
//! the output policy of betagouv-output); 130 interrupted by Ctrl-C or SIGTERM (the
//! temporaries of outputs being written are removed first, so that every output is
//! left as it was or complete).
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod out;

mod cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::out::{StdoutError, errln};

fn main() -> ExitCode {
    // Ctrl-C, SIGTERM, SIGHUP: remove the temporaries of outputs being written, then
    // exit 130. A failure to install the handler only loses that clean-up.
    let _ = ctrlc::set_handler(|| {
        betagouv_output::remove_temporaries();
        std::process::exit(130);
    });
    let cli = cmd::Cli::parse();
    let result = cmd::run(cli);
    let flushed = out::flush();
    match result {
        Ok(code) => match flushed {
            Ok(()) => code,
            Err(e) => report(&e),
        },
        Err(e) => report(&*e),
    }
}

/// Prints `e` and its causes on standard error and gives the exit status.
fn report(e: &(dyn std::error::Error + 'static)) -> ExitCode {
    if e.downcast_ref::<StdoutError>()
        .is_some_and(StdoutError::is_broken_pipe)
    {
        return ExitCode::SUCCESS;
    }
    errln!("error: {e}");
    let mut source = e.source();
    while let Some(s) = source {
        errln!("  caused by: {s}");
        source = s.source();
    }
    ExitCode::from(2)
}
