//! `dfworx sync`: re-render the workspace from its manifest and templates (`crate::operations`).
//! `--check` is the same plan, printed instead of applied.

use std::path::Path;

use crate::cli::SyncArgs;
use crate::interrupt::Interrupt;
use crate::lockfile::Mode;
use crate::operations::{self, OnConflict, Request, Show};
use crate::printer::Printer;
use crate::reconcile;
use crate::relpath::RelPath;
use crate::render::Secrets;
use crate::workspace::Workspace;

pub fn run(args: &SyncArgs, directory: Option<&Path>, printer: &Printer, interrupt: &Interrupt) -> anyhow::Result<u8> {
    let mode = if args.check || args.dry_run { Mode::Shared } else { Mode::Exclusive };
    let workspace = Workspace::open(directory, mode, printer)?;
    let options = reconcile::Options { restore: args.restore, delete_obsolete: false };
    let flag = match &args.templates {
        Some(dir) => {
            let cwd = std::env::current_dir()?;
            Some(RelPath::inside(&workspace.root, &cwd.join(dir), "--templates")?)
        }
        None => None,
    };
    let templates = operations::template_set(&workspace.disk, &workspace.manifest, flag.as_ref())?;
    let previous = operations::saved_state(&workspace, printer)?;
    let mut plan = operations::plan(&Request {
        disk: &workspace.disk,
        manifest: &workspace.manifest,
        manifest_text: None,
        templates: &templates,
        previous: Some(&previous),
        options,
        secrets: &Secrets::random()?,
    })?;
    operations::bump_version(&workspace, &mut plan)?;
    let show = Show { check: args.check, diff: args.diff, dry_run: args.dry_run, json: args.json, every_file: false };
    operations::report_and_apply(&workspace.disk, &plan, show, OnConflict::Report, printer, interrupt)
}
