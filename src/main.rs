//! The `rudder` binary: parses the command line, runs the command, prints errors.

mod allocator;
mod cli;
mod cmd;
mod overflow;

use clap::Parser;
use rudder::present::{EXIT_ERROR, EXIT_OK};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: allocator::Budgeted = allocator::Budgeted;

fn main() -> ExitCode {
    overflow::install();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // Usage errors exit 1, not clap's 2: 2 means "changes found" for `rudder diff`.
            let _ = error.print();
            let code = if error.use_stderr() { EXIT_ERROR } else { EXIT_OK };
            return ExitCode::from(code);
        }
    };
    let pinned = match std::env::var(rudder::limits::ENVIRONMENT_VARIABLE) {
        Ok(specs) => rudder::limits::pin(&specs),
        Err(_) => Ok(()),
    };
    let limits = pinned.and_then(|()| cli.limits.iter().try_for_each(|spec| rudder::limits::set_spec(spec)));
    rudder::limits::apply_memory();
    let result = limits.and_then(|()| cmd::run(cli.command));
    match result {
        Ok(code) => code,
        Err(error) if is_broken_pipe(&error) => ExitCode::from(EXIT_OK),
        Err(error) => {
            eprintln!("{}", rudder::present::terminal_safe(&cmd::describe(&error)));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
