//! Operations: the one path every command that changes a workspace takes. A command (`new`, `add`,
//! `remove`, `sync`) only works out the manifest it wants and how to show the result; here that
//! manifest is planned (rendered and reconciled against the disk and the state, plus dfworx's own
//! files), reported (the listing, `--diff`, `--json`, `--check`), and applied atomically through the
//! journal. So `--dry-run`, `--check` and `--json` mean the same thing for every command.

use crate::disk::Disk;
use crate::error::{UserError, exit};
use crate::interrupt::Interrupt;
use crate::journal;
use crate::manifest::{self, Manifest, edit};
use crate::plan::{Action, FileChange, Plan};
use crate::printer::Printer;
use crate::reconcile::{self, Reconciled, reconcile};
use crate::relpath::RelPath;
use crate::render::Secrets;
use crate::state::{self, State};
use crate::templates::TemplateSet;
use crate::workspace::Workspace;

/// What a command asks for.
pub struct Request<'a> {
    pub disk: &'a Disk,
    /// The manifest the workspace should have after the operation.
    pub manifest: &'a Manifest,
    /// The manifest file's text to write, when the operation changes it.
    pub manifest_text: Option<String>,
    pub templates: &'a TemplateSet,
    /// The saved state; `None` for a workspace that does not exist yet.
    pub previous: Option<&'a State>,
    pub options: reconcile::Options,
    /// `.env`'s secrets. Only a new workspace renders them (an existing one never re-renders its
    /// seeded `.env`), so fresh random ones are right for every command.
    pub secrets: &'a Secrets,
}

/// Every file write the request implies, the state to save with them included.
pub fn plan(request: &Request) -> anyhow::Result<Plan> {
    if let Some(previous) = request.previous
        && previous.tenancy != request.manifest.tenancy
    {
        return Err(UserError::new(format!(
            "dfworx.yaml says `tenancy: {}`, but this workspace was created with `tenancy: {}` (rule tenancy-fixed)",
            request.manifest.tenancy, previous.tenancy
        ))
        .hint(format!(
            "tenancy is fixed once a workspace exists (its migrations are history): put back `tenancy: {}`, or create a new workspace with `dfworx new --tenancy {}` and move your code over",
            previous.tenancy, request.manifest.tenancy
        ))
        .into());
    }
    let empty = State::default();
    let Reconciled { mut plan, state } = reconcile(
        request.disk,
        request.manifest,
        request.templates,
        request.previous.unwrap_or(&empty),
        request.options,
        crate::render::now(),
        request.secrets,
    )?;
    plan.files.push(bookkeeping(request.disk, state::FILE_PATH, state.to_json())?);
    if let Some(text) = &request.manifest_text {
        plan.files.push(bookkeeping(request.disk, manifest::FILE_NAME, text.clone())?);
    }
    Ok(plan)
}

/// A file dfworx keeps for itself (state, manifest), classified against the disk.
pub fn bookkeeping(disk: &Disk, path: &str, contents: String) -> anyhow::Result<FileChange> {
    let path = RelPath::parse(path, "dfworx")?;
    let before = disk.read(&path)?;
    let contents = contents.into_bytes();
    let action = match &before {
        Some(existing) if *existing == contents => Action::Unchanged,
        Some(_) => Action::Update,
        None => Action::Create,
    };
    Ok(FileChange { path, action, contents, before, executable: false, owner: None })
}

/// The state saved in an existing workspace; a missing one is reported, and every existing managed
/// file that differs from its render then shows as a conflict.
pub fn saved_state(workspace: &Workspace, printer: &Printer) -> anyhow::Result<State> {
    Ok(State::load(&workspace.disk)?.unwrap_or_else(|| {
        printer.warn(&format!(
            "{} is missing: every existing managed file that differs from its render will be reported as a conflict",
            state::FILE_PATH
        ));
        State::default()
    }))
}

/// `--templates` > `templates:` in dfworx.yaml > the embedded set. Both are directories inside the
/// workspace, read without following symlinks.
pub fn template_set(disk: &Disk, manifest: &Manifest, flag: Option<&RelPath>) -> anyhow::Result<TemplateSet> {
    let dir = match flag {
        Some(dir) => Some(dir.clone()),
        None => manifest.templates_dir()?,
    };
    match dir {
        Some(dir) => TemplateSet::from_dir(disk, &dir),
        None => TemplateSet::embedded(),
    }
}

/// The manifest text with `dfworx:` set to this dfworx's version, when `plan` writes anything and
/// the manifest names another version (so an older dfworx, which may not render these files the same
/// way, refuses the workspace). A plan that writes nothing leaves it alone: a new dfworx alone is not
/// drift.
pub fn bump_version(workspace: &Workspace, plan: &mut Plan) -> anyhow::Result<()> {
    let this = env!("CARGO_PKG_VERSION");
    let already = plan.files.iter().any(|f| f.path.as_str() == manifest::FILE_NAME);
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
    plan.files.push(bookkeeping(&workspace.disk, manifest::FILE_NAME, text)?);
    Ok(())
}

/// How the plan is shown, and whether it is applied.
#[derive(Clone, Copy, Debug, Default)]
pub struct Show {
    /// Exit 1 if anything would change (`sync --check`); never applies.
    pub check: bool,
    /// Unified diffs of every write, on stdout.
    pub diff: bool,
    /// Show, never apply.
    pub dry_run: bool,
    /// The plan as JSON on stdout instead of the listing.
    pub json: bool,
    /// List every file, not only those where something happens (`new --dry-run`).
    pub every_file: bool,
}

/// What happens when the plan holds conflicts.
#[derive(Clone, Copy, Debug)]
pub enum OnConflict {
    /// Write what merges, leave conflict markers, report the rest (`sync`).
    Report,
    /// Apply nothing: a change on top of unresolved conflicts would bury them (`add`, `remove`).
    Refuse,
    /// Apply nothing if a file in the way differs from what dfworx would write (`new --force`).
    RefuseDiffering,
}

/// Shows the plan as asked, then applies it unless this is a dry run or a check; the exit code.
pub fn report_and_apply(
    disk: &Disk,
    plan: &Plan,
    show: Show,
    on_conflict: OnConflict,
    printer: &Printer,
    interrupt: &Interrupt,
) -> anyhow::Result<u8> {
    let verbose = printer.verbosity >= crate::printer::Verbosity::Verbose;
    if show.json {
        printer.data(&plan.to_json())?;
    } else if show.check || show.dry_run || verbose {
        plan.print(printer, verbose || show.every_file)?;
    }
    if show.diff {
        printer.data(&plan.diffs())?;
    }
    let conflicts: Vec<String> = plan.conflicts().map(|f| format!("{} ({})", f.path, f.action.label())).collect();

    if show.check {
        return Ok(check(plan, &conflicts, printer));
    }
    if show.dry_run {
        printer.note("Dry run: nothing was written.");
        return Ok(exit::OK);
    }
    refuse(plan, &conflicts, on_conflict, disk)?;
    if plan.has_changes() {
        journal::apply(disk, &plan.changes(), &crate::cli::command_line(), interrupt)?;
        if matches!(on_conflict, OnConflict::Report | OnConflict::Refuse) {
            for file in plan.writes() {
                printer.status(verb(file.action), file.path.as_str());
            }
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

fn check(plan: &Plan, conflicts: &[String], printer: &Printer) -> u8 {
    let only_state = plan.writes().all(|f| f.path.as_str() == state::FILE_PATH);
    if plan.has_changes() && only_state && conflicts.is_empty() {
        printer.note(&format!(
            "Files match, but only {} would change (a resolved conflict or an adopted file is recorded there): run `dfworx sync` and commit it.",
            state::FILE_PATH
        ));
        return exit::USER;
    }
    if plan.has_changes() || !conflicts.is_empty() {
        printer.note(
            "The workspace differs from what its manifest and templates say; run `dfworx sync` (see the plan above).",
        );
        return exit::USER;
    }
    printer.note("The workspace matches its manifest and templates.");
    exit::OK
}

fn refuse(plan: &Plan, conflicts: &[String], on_conflict: OnConflict, disk: &Disk) -> Result<(), UserError> {
    match on_conflict {
        OnConflict::Report => Ok(()),
        OnConflict::Refuse if conflicts.is_empty() => Ok(()),
        OnConflict::Refuse => Err(UserError::new(format!(
            "the workspace has pending conflicts, so nothing was changed:\n  {}",
            conflicts.join("\n  ")
        ))
        .hint("run `dfworx sync` and resolve them first")),
        OnConflict::RefuseDiffering => {
            let differing: Vec<&str> = plan
                .files
                .iter()
                .filter(|f| f.action.is_conflict() || (f.owner.is_none() && f.action == Action::Update))
                .map(|f| f.path.as_str())
                .collect();
            if differing.is_empty() {
                return Ok(());
            }
            Err(UserError::new(format!(
                "{} already holds files that differ from what dfworx would write:\n  {}",
                disk.root().display(),
                differing.join("\n  ")
            ))
            .hint("--force never overwrites a differing file; move those files away or choose an empty directory"))
        }
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Create => "Created",
        Action::Update => "Updated",
        Action::Merge => "Merged",
        Action::Conflict => "Conflict",
        Action::Remove => "Removed",
        _ => "Unchanged",
    }
}
