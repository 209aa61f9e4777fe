//! `dfworx sync`: re-render the workspace from its manifest and templates. `--check` is the same
//! plan, printed instead of applied.

use std::path::Path;

use crate::cli::SyncArgs;
use crate::commands::new::bookkeeping;
use crate::error::{UserError, exit};
use crate::interrupt::Interrupt;
use crate::journal;
use crate::lockfile::Mode;
use crate::manifest::{self, edit};
use crate::plan::Plan;
use crate::printer::Printer;
use crate::reconcile::{self, Reconciled, reconcile};
use crate::relpath::RelPath;
use crate::state::{self, State};
use crate::templates::TemplateSet;
use crate::workspace::Workspace;

pub fn run(args: &SyncArgs, directory: Option<&Path>, printer: &Printer, interrupt: &Interrupt) -> anyhow::Result<u8> {
    let mode = if args.check || args.dry_run { Mode::Shared } else { Mode::Exclusive };
    let workspace = Workspace::open(directory, mode, printer)?;
    let options = reconcile::Options { restore: args.restore, delete_obsolete: false };
    let templates = match &args.templates {
        Some(dir) => {
            let cwd = std::env::current_dir()?;
            Some(RelPath::inside(&workspace.root, &cwd.join(dir), "--templates")?)
        }
        None => None,
    };
    let mut plan = plan(&workspace, &workspace.manifest, templates.as_ref(), options, printer)?;
    bump_version(&workspace, &mut plan)?;
    report_and_apply(
        &workspace,
        &plan,
        &Output { check: args.check, diff: args.diff, dry_run: args.dry_run, json: args.json },
        printer,
        interrupt,
    )
}

/// How a plan is shown, and whether it is applied.
pub struct Output {
    pub check: bool,
    pub diff: bool,
    pub dry_run: bool,
    pub json: bool,
}

/// The plan for `manifest` over the workspace as it stands, including the state file dfworx would save.
pub fn plan(
    workspace: &Workspace,
    manifest: &manifest::Manifest,
    templates: Option<&RelPath>,
    options: reconcile::Options,
    printer: &Printer,
) -> anyhow::Result<Plan> {
    let set = template_set(workspace, manifest, templates)?;
    let previous = State::load(&workspace.disk)?.unwrap_or_else(|| {
        printer.warn(&format!(
            "{} is missing: every existing managed file that differs from its render will be reported as a conflict",
            state::FILE_PATH
        ));
        State::default()
    });
    // The secrets only feed the seeded .env, which an existing workspace never re-renders.
    let secrets = crate::render::Secrets::random()?;
    let Reconciled { mut plan, state } =
        reconcile(&workspace.disk, manifest, &set, &previous, options, crate::render::now(), &secrets)?;
    plan.files.push(bookkeeping(&workspace.disk, state::FILE_PATH, state.to_json())?);
    Ok(plan)
}

/// When the plan writes anything, `dfworx:` in the manifest becomes this dfworx's version (so an older
/// dfworx, which may not render these files the same way, refuses the workspace). A plan that writes
/// nothing leaves it alone: a new dfworx alone is not drift.
pub fn bump_version(workspace: &Workspace, plan: &mut Plan) -> anyhow::Result<()> {
    let this = env!("CARGO_PKG_VERSION");
    let manifest_path = manifest::FILE_NAME;
    let already = plan.files.iter().any(|f| f.path.as_str() == manifest_path);
    if !plan.has_changes() || already || workspace.manifest.version()? == semver::Version::parse(this)? {
        return Ok(());
    }
    let mut target = workspace.manifest.clone();
    target.dfworx = this.to_string();
    let text = edit::rewrite(
        &workspace.manifest_text,
        &target,
        &[edit::Edit::Set { key: "dfworx", value: this.to_string() }],
        "record the new dfworx version",
    )?;
    plan.files.push(bookkeeping(&workspace.disk, manifest_path, text)?);
    Ok(())
}

/// `--templates` > `templates:` in dfworx.yaml > the embedded set. Both are directories inside the
/// workspace, read without following symlinks.
fn template_set(
    workspace: &Workspace,
    manifest: &manifest::Manifest,
    flag: Option<&RelPath>,
) -> anyhow::Result<TemplateSet> {
    let dir = match flag {
        Some(dir) => Some(dir.clone()),
        None => manifest.templates_dir()?,
    };
    match dir {
        Some(dir) => TemplateSet::from_dir(&workspace.disk, &dir),
        None => TemplateSet::embedded(),
    }
}

pub fn report_and_apply(
    workspace: &Workspace,
    plan: &Plan,
    output: &Output,
    printer: &Printer,
    interrupt: &Interrupt,
) -> anyhow::Result<u8> {
    let verbose = printer.verbosity >= crate::printer::Verbosity::Verbose;
    if output.json {
        printer.data(&plan.to_json())?;
    } else if output.check || output.dry_run || verbose {
        plan.print(printer, verbose)?;
    }
    if output.diff {
        printer.data(&plan.diffs())?;
    }
    let conflicts: Vec<String> = plan.conflicts().map(|f| format!("{} ({})", f.path, f.action.label())).collect();

    if output.check {
        let only_state = plan.writes().all(|f| f.path.as_str() == state::FILE_PATH);
        if plan.has_changes() && only_state && conflicts.is_empty() {
            printer.note(&format!(
                "Files match, but only {} would change (a resolved conflict or an adopted file is recorded there): run `dfworx sync` and commit it.",
                state::FILE_PATH
            ));
            return Ok(exit::USER);
        }
        if plan.has_changes() || !conflicts.is_empty() {
            printer.note("The workspace differs from what its manifest and templates say; run `dfworx sync` (see the plan above).");
            return Ok(exit::USER);
        }
        printer.note("The workspace matches its manifest and templates.");
        return Ok(exit::OK);
    }
    if output.dry_run {
        printer.note("Dry run: nothing was written.");
        return Ok(exit::OK);
    }
    if plan.has_changes() {
        journal::apply(&workspace.disk, &plan.changes(), &crate::cli::command_line(), interrupt)?;
        for file in plan.writes() {
            printer.status(verb(file.action), file.path.as_str());
        }
    } else {
        printer.status("Unchanged", "nothing to do");
    }
    if !conflicts.is_empty() {
        return Err(UserError::new(format!("{} file(s) need your attention:\n  {}", conflicts.len(), conflicts.join("\n  ")))
            .hint("resolve the conflict markers (<<<<<<< … >>>>>>>) in each file, or move a file that is in the way, then run `dfworx sync` again")
            .into());
    }
    Ok(exit::OK)
}

fn verb(action: crate::plan::Action) -> &'static str {
    use crate::plan::Action;
    match action {
        Action::Create => "Created",
        Action::Update => "Updated",
        Action::Merge => "Merged",
        Action::Conflict => "Conflict",
        Action::Remove => "Removed",
        _ => "Unchanged",
    }
}
