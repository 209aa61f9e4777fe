//! `dfworx migrate [up] | status | new`: find the workspace, hand over to `crate::migrate`.

use std::path::Path;

use crate::cli::{MigrateArgs, MigrateCommand, MigrateUpArgs};
use crate::interrupt::Interrupt;
use crate::lockfile::Mode;
use crate::migrate::{self, Connection, UpOptions};
use crate::printer::Printer;
use crate::reconcile::MIGRATIONS_DIR;
use crate::relpath::RelPath;
use crate::workspace::Workspace;

pub fn run(
    args: &MigrateArgs,
    directory: Option<&Path>,
    printer: &Printer,
    interrupt: &Interrupt,
) -> anyhow::Result<u8> {
    let mode = if matches!(args.command, Some(MigrateCommand::New { .. })) { Mode::Exclusive } else { Mode::Shared };
    // Opening repairs what an interrupted `dfworx add` left: a half-added migration is never applied.
    let workspace = Workspace::open(directory, mode, printer)?;
    // The migrations are read, and `migrate new` writes, only in a real directory of the workspace.
    workspace.disk.entry(&RelPath::parse(MIGRATIONS_DIR, "dfworx")?)?;
    let root = workspace.root.as_path();
    match &args.command {
        None => up(root, &args.up, printer),
        Some(MigrateCommand::Up(up_args)) => up(root, up_args, printer),
        Some(MigrateCommand::Status(status)) => {
            let connection = Connection {
                database_url: status.db.database_url.as_deref(),
                connect_timeout: status.db.connect_timeout,
            };
            migrate::status(root, &connection, status.json, status.exit_code, printer)
        }
        Some(MigrateCommand::New { name, tenant }) => {
            migrate::new(&workspace.disk, name, *tenant, printer, interrupt)?;
            Ok(crate::error::exit::OK)
        }
    }
}

fn up(root: &Path, args: &MigrateUpArgs, printer: &Printer) -> anyhow::Result<u8> {
    let connection =
        Connection { database_url: args.db.database_url.as_deref(), connect_timeout: args.db.connect_timeout };
    let opts = UpOptions {
        dry_run: args.dry_run,
        rehearse: args.rehearse,
        include_all: args.include_all,
        lock_timeout: args.lock_timeout,
        jobs: usize::from(args.jobs),
    };
    migrate::up(root, &connection, &opts, printer)
}
