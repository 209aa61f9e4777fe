//! dfworx: create and keep alive a polyglot monorepo.

mod cli;
mod commands;
#[cfg(test)]
mod compose_check;
mod disk;
mod error;
mod fault;
mod fresh;
mod git;
mod install;
mod interrupt;
mod journal;
mod lockfile;
mod manifest;
mod migrate;
mod names;
mod operations;
mod plan;
mod printer;
mod prompt;
mod reconcile;
mod relpath;
mod render;
mod roots;
#[cfg(test)]
mod session_lint;
mod stack;
mod state;
mod templates;
mod units;
mod workspace;

use std::process::ExitCode;

use clap::Parser as _;

use crate::cli::{Cli, Command};
use crate::printer::{Printer, Verbosity};

fn main() -> ExitCode {
    // clap would exit 2 on a usage error; dfworx keeps 2 for its own bugs (see `error::exit`).
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // A help text cut short by a closed pipe is nothing to report.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { error::exit::USER } else { error::exit::OK });
        }
    };
    let verbosity = if cli.global.quiet {
        Verbosity::Quiet
    } else if cli.global.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let printer = Printer::new(verbosity);
    let dir = cli.global.directory.as_deref();
    // SIGINT, SIGTERM and SIGHUP set a flag that every step checks: a change is rolled back, not cut.
    let interrupt = interrupt::Interrupt::install();
    let result = match &cli.command {
        Command::New(args) => commands::new::run(args, &printer, &interrupt),
        Command::Add(args) => commands::add::add(args, dir, &printer, &interrupt),
        Command::Remove(args) => commands::add::remove(args, dir, &printer, &interrupt),
        Command::Sync(args) => commands::sync::run(args, dir, &printer, &interrupt),
        Command::Templates(cli::TemplatesCommand::Export { dir }) => {
            commands::templates::export(dir, &printer, &interrupt)
        }
        Command::Doctor => commands::doctor::run(&printer),
        Command::Migrate(args) => commands::migrate::run(args, dir, &printer, &interrupt),
        Command::Completions { shell } => commands::completions::run(*shell, &printer),
    };
    let code = match result {
        Ok(code) => code,
        Err(err) => error::report(&err, &printer),
    };
    ExitCode::from(if interrupt.is_set() && code != error::exit::OK { error::exit::INTERRUPTED } else { code })
}
