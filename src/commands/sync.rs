//! `dfworx sync`: re-render the workspace from its manifest and templates. `--check` is the same
//! plan, printed instead of applied.

use std::path::{Path, PathBuf};

use crate::cli::SyncArgs;
use crate::commands::new::bookkeeping;
use crate::error::{UserError, exit};
use crate::plan::Plan;
use crate::printer::Printer;
use crate::reconcile::{self, Reconciled, reconcile};
use crate::staging::{self, Interrupt};
use crate::state::{self, State};
use crate::templates::TemplateSet;
use crate::workspace::Workspace;

pub fn run(args: &SyncArgs, directory: Option<&Path>, printer: &Printer, interrupt: &Interrupt) -> anyhow::Result<u8> {
    let workspace = Workspace::find(directory)?;
    let options = reconcile::Options { restore: args.restore, delete_obsolete: false };
    let plan = plan(&workspace, args.templates.as_deref(), options, printer)?;
    report_and_apply(
        &workspace.root,
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

/// The plan for a workspace as it stands, including the state file dfworx would save.
pub fn plan(
    workspace: &Workspace,
    templates: Option<&Path>,
    options: reconcile::Options,
    printer: &Printer,
) -> anyhow::Result<Plan> {
    let set = template_set(workspace, templates)?;
    let previous = match State::load(&workspace.root)? {
        Some(state) => state,
        None => {
            printer.warn(&format!(
                "{} is missing: every existing file that differs from its render will be reported as a conflict",
                state::FILE_PATH
            ));
            State::default()
        }
    };
    // The secret only feeds the seeded .env, which an existing workspace never re-renders.
    let secret = crate::render::random_secret()?;
    let Reconciled { mut plan, state } =
        reconcile(&workspace.root, &workspace.manifest, &set, &previous, options, jiff::Timestamp::now(), &secret)?;
    plan.files.push(bookkeeping(&workspace.root, state::FILE_PATH, state.to_json()));
    Ok(plan)
}

/// `--templates` > `templates:` in dfworx.yaml (relative to the workspace) > the embedded set.
fn template_set(workspace: &Workspace, flag: Option<&Path>) -> anyhow::Result<TemplateSet> {
    let dir: Option<PathBuf> = match (flag, &workspace.manifest.templates) {
        (Some(dir), _) => Some(std::env::current_dir()?.join(dir)),
        (None, Some(dir)) => Some(workspace.root.join(dir)),
        (None, None) => None,
    };
    match dir {
        Some(dir) => TemplateSet::from_dir(&dir),
        None => TemplateSet::embedded(),
    }
}

pub fn report_and_apply(
    root: &Path,
    plan: &Plan,
    output: &Output,
    printer: &Printer,
    interrupt: &Interrupt,
) -> anyhow::Result<u8> {
    let verbose = printer.verbosity >= crate::printer::Verbosity::Verbose;
    if output.json {
        printer.data(&plan.to_json());
    } else if output.check || output.dry_run || verbose {
        plan.print(printer, verbose);
    }
    if output.diff {
        printer.data(&plan.diffs());
    }
    let conflicts: Vec<String> = plan.conflicts().map(|f| format!("{} ({})", f.path, f.action.label())).collect();

    if output.check {
        let only_state = plan.writes().all(|f| f.path == state::FILE_PATH);
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
        staging::apply(root, plan, interrupt)?;
        for file in plan.writes() {
            printer.status(verb(file.action), &file.path);
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
