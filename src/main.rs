//! dfworx: create and keep alive a polyglot monorepo.

mod cli;
mod commands;
mod error;
mod git;
mod install;
mod manifest;
mod migrate;
mod names;
mod plan;
mod printer;
mod prompt;
mod reconcile;
mod render;
mod staging;
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
    let result = match &cli.command {
        Command::New(args) => commands::new::run(args, &printer, &staging::Interrupt::install()),
        Command::Add(args) => commands::add::add(args, dir, &printer, &staging::Interrupt::install()),
        Command::Remove(args) => commands::add::remove(args, dir, &printer, &staging::Interrupt::install()),
        Command::Sync(args) => commands::sync::run(args, dir, &printer, &staging::Interrupt::install()),
        Command::Templates(cli::TemplatesCommand::Export { dir }) => {
            commands::templates::export(dir, &printer, &staging::Interrupt::install())
        }
        Command::Doctor => Ok(commands::doctor::run(&printer)),
        Command::Migrate(args) => commands::migrate::run(args, cli.global.directory.as_deref(), &printer),
        Command::Completions { shell } => {
            commands::completions::run(*shell);
            Ok(error::exit::OK)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => ExitCode::from(error::report(&err, &printer)),
    }
}
