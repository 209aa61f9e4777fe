//! `dfworx add app|service|package <name>` and `dfworx remove …`: validate, change the manifest, then
//! the same plan/apply as `sync`, so every managed file that lists units is re-rendered, not patched.

use std::path::Path;

use crate::cli::{AddArgs, RemoveArgs};
use crate::disk::Entry;
use crate::error::{UserError, exit};
use crate::interrupt::Interrupt;
use crate::lockfile::Mode;
use crate::manifest::edit::{self, Edit};
use crate::manifest::{self, Lang, Manifest, Package, PortedUnit};
use crate::names::{self, NameRole, UnitKind};
use crate::operations::{self, OnConflict, Request, Show};
use crate::printer::Printer;
use crate::reconcile;
use crate::relpath::RelPath;
use crate::render::Secrets;
use crate::units::Units;
use crate::workspace::Workspace;

fn lock_mode(dry_run: bool) -> Mode {
    if dry_run { Mode::Shared } else { Mode::Exclusive }
}

pub fn add(args: &AddArgs, directory: Option<&Path>, printer: &Printer, interrupt: &Interrupt) -> anyhow::Result<u8> {
    let workspace = Workspace::open(directory, lock_mode(args.dry_run), printer)?;
    let kind = UnitKind::from(args.kind);
    let name = args.name.as_str();
    let normalised = names::suggest(name);
    if normalised != name
        && let Some((other_kind, other, _)) = workspace.manifest.entries().find(|(_, other, _)| *other == normalised)
    {
        return Err(UserError::new(format!(
            "\"{}\" is the same name as the existing {} \"{other}\" once normalised",
            names::shown(name),
            other_kind.noun()
        ))
        .hint("npm, Python and PostgreSQL would see one name; choose a different one")
        .into());
    }
    names::validate(NameRole::Unit(kind), name)?;
    check_free(&workspace, kind, name, args)?;

    let mut manifest = workspace.manifest.clone();
    manifest.dfworx = env!("CARGO_PKG_VERSION").to_string();
    let mut fields = vec![("name", edit::scalar(name))];
    let list = match kind {
        UnitKind::App | UnitKind::Service => {
            let (units, first) = if kind == UnitKind::App {
                (&mut manifest.apps, manifest::FIRST_APP_PORT)
            } else {
                (&mut manifest.services, manifest::FIRST_SERVICE_PORT)
            };
            let port = args.port.map_or_else(|| free_port(&workspace.manifest, first), Ok)?;
            let mut unit = PortedUnit::new(name, port);
            fields.push(("port", port.to_string()));
            // Written only when given: the defaults stay implicit, as in a manifest from `dfworx new`.
            if let Some(framework) = args.framework {
                unit.framework = Some(framework);
                fields.push(("framework", framework.label().to_string()));
            }
            if let Some(starter) = &args.starter {
                unit.starter = Some(starter.clone());
                fields.push(("starter", edit::scalar(starter)));
            }
            units.push(unit);
            if kind == UnitKind::App { "apps" } else { "services" }
        }
        UnitKind::Package => {
            let lang = args.lang.unwrap_or_default();
            manifest.packages.push(Package { name: name.to_string(), lang });
            fields.push(("lang", lang.label().to_string()));
            "packages"
        }
    };
    manifest.check()?;
    describe(&manifest, kind, name, printer);
    let edits = [Edit::Append { list, fields }, version_edit()];
    let what = format!("add {} {name}", kind.noun());
    let text = edit::rewrite(&workspace.manifest_text, &manifest, &edits, &what)?;
    let show = Show { diff: args.dry_run && !args.json, dry_run: args.dry_run, json: args.json, ..Show::default() };
    let code = change(&workspace, &manifest, text, show, reconcile::Options::default(), printer, interrupt)?;
    if code == exit::OK && !args.dry_run {
        let nestjs = (args.framework == Some(crate::stack::Framework::Nestjs)).then_some(name);
        lockfiles_note(kind, nestjs, printer);
    }
    Ok(code)
}

/// The workspace's package list changed, so its lockfiles are behind; CI installs from them frozen.
/// An app also changes the auth service's API (its projects endpoints), so the generated client is stale.
fn lockfiles_note(kind: UnitKind, nestjs: Option<&str>, printer: &Printer) {
    printer.note("Next: `pnpm install && uv sync` brings pnpm-lock.yaml and uv.lock up to date; commit them with");
    printer.note("this change, as CI installs from the lockfiles only.");
    if kind == UnitKind::App {
        printer.note("The auth service's API changed with the apps: `pnpm --filter ./packages/api-client generate`");
        printer.note("updates the typed client (openapi.json, src/schema.ts); commit it too, CI checks it.");
    }
    if let Some(name) = nestjs {
        printer
            .note(&format!("Then `pnpm --filter ./services/{name} client` generates {name}'s typed client from the"));
        printer.note("OpenAPI document it serves (openapi.json, src/client/schema.ts); commit it too, CI checks it.");
    }
}

fn version_edit() -> Edit<'static> {
    Edit::Set { key: "dfworx", value: env!("CARGO_PKG_VERSION").to_string() }
}

pub fn remove(
    args: &RemoveArgs,
    directory: Option<&Path>,
    printer: &Printer,
    interrupt: &Interrupt,
) -> anyhow::Result<u8> {
    let workspace = Workspace::open(directory, lock_mode(args.dry_run), printer)?;
    let kind = UnitKind::from(args.kind);
    let name = args.name.as_str();
    let mut manifest = workspace.manifest.clone();
    manifest.dfworx = env!("CARGO_PKG_VERSION").to_string();
    let before = manifest.entries().count();
    match kind {
        UnitKind::App => manifest.apps.retain(|u| u.name != name),
        UnitKind::Service => manifest.services.retain(|u| u.name != name),
        UnitKind::Package => manifest.packages.retain(|p| p.name != name),
    }
    if manifest.entries().count() == before {
        let known: Vec<&str> = workspace.manifest.entries().filter(|(k, _, _)| *k == kind).map(|(_, n, _)| n).collect();
        return Err(UserError::new(format!("this workspace has no {} named \"{}\"", kind.noun(), names::shown(name)))
            .hint(format!("its {}s: {}", kind.noun(), if known.is_empty() { "none".into() } else { known.join(", ") }))
            .into());
    }
    let options = reconcile::Options { restore: false, delete_obsolete: args.delete_files };
    let list = match kind {
        UnitKind::App => "apps",
        UnitKind::Service => "services",
        UnitKind::Package => "packages",
    };
    let what = format!("remove {} {name}", kind.noun());
    let text =
        edit::rewrite(&workspace.manifest_text, &manifest, &[Edit::Remove { list, name }, version_edit()], &what)?;
    let show = Show { diff: args.dry_run && !args.json, dry_run: args.dry_run, json: args.json, ..Show::default() };
    let code = change(&workspace, &manifest, text, show, options, printer, interrupt)?;
    if code == exit::OK && !args.dry_run {
        lockfiles_note(kind, None, printer);
    }
    let dir = format!("{list}/{name}");
    let left =
        RelPath::parse(&dir, "dfworx").is_ok_and(|d| workspace.disk.entry(&d).is_ok_and(|e| e != Entry::Missing));
    if !args.delete_files && left && !args.dry_run {
        printer.note(&format!(
            "{dir}/ was left in place (pass --delete-files to remove it); it is no longer listed in the workspace's managed files."
        ));
    }
    if kind == UnitKind::App {
        let schema = format!("app_{}", names::snake(name));
        printer.note(
            "Its migrations stay in supabase/migrations (they are history). To drop its data, review and run yourself:",
        );
        printer.data(&format!("drop schema if exists {schema} cascade;"))?;
    }
    Ok(code)
}

/// The unit's name must be new to the workspace, and its directory free.
fn check_free(workspace: &Workspace, kind: UnitKind, name: &str, args: &AddArgs) -> anyhow::Result<()> {
    if args.lang.is_some() && kind != UnitKind::Package {
        return Err(UserError::new("--lang applies to packages only").hint("drop --lang").into());
    }
    if args.framework.is_some() && kind != UnitKind::Service {
        return Err(UserError::new("--framework applies to services only").hint("drop --framework").into());
    }
    if args.starter.is_some() && kind == UnitKind::Package {
        return Err(UserError::new("--starter applies to apps and services only").hint("drop --starter").into());
    }
    let snake = names::snake(name);
    if let Some((other_kind, other, _)) =
        workspace.manifest.entries().find(|(_, other, _)| *other == name || names::snake(other) == snake)
    {
        return Err(UserError::new(format!("the workspace already has {} \"{other}\"", other_kind.noun()))
            .hint("names share one namespace (directories, compose services, schemas); choose another name")
            .into());
    }
    let dir = RelPath::parse(
        &format!(
            "{}/{name}",
            match kind {
                UnitKind::App => "apps",
                UnitKind::Service => "services",
                UnitKind::Package => "packages",
            }
        ),
        "dfworx",
    )?;
    if workspace.disk.entry(&dir)? != Entry::Missing {
        return Err(UserError::new(format!("{} already exists", dir.under(&workspace.root).display()))
            .hint("move it away or choose another name; dfworx never writes over a directory it did not create")
            .into());
    }
    Ok(())
}

/// The lowest port from `first` that no app or service uses.
fn free_port(manifest: &Manifest, first: u16) -> anyhow::Result<u16> {
    let used: Vec<u16> = manifest.entries().filter_map(|(_, _, port)| port).collect();
    (first..=u16::MAX).find(|p| !used.contains(p)).ok_or_else(|| {
        UserError::new(format!("no free port from {first} up"))
            .hint("pass --port with a port no other app or service uses")
            .into()
    })
}

/// Prints every identifier the new unit derives from its name.
fn describe(manifest: &Manifest, kind: UnitKind, name: &str, printer: &Printer) {
    let units = Units::of(manifest);
    let Some(unit) =
        units.apps.iter().chain(&units.services).chain(&units.packages).find(|u| u.kind == kind && u.name == name)
    else {
        return;
    };
    printer.status("Adding", &format!("{} {}", kind.noun(), unit.name));
    printer.note(&format!("{:>14} {}", "directory", unit.dir));
    if let Some(npm) = &unit.npm_name {
        printer.note(&format!("{:>14} {npm}", "npm package"));
    }
    if kind == UnitKind::Service || unit.lang == Some(Lang::Python) {
        printer.note(&format!("{:>14} {} (module {})", "python", unit.name, unit.snake));
    }
    if let Some(schema) = &unit.schema {
        printer.note(&format!("{:>14} {schema}", "schema"));
    }
    if kind != UnitKind::Package {
        printer.note(&format!("{:>14} {}", "compose", unit.name));
        printer.note(&format!("{:>14} {}_", "env prefix", unit.env_prefix));
    }
    if let Some(port) = unit.port {
        printer.note(&format!("{:>14} {port}", "port"));
    }
}

/// Re-renders the workspace with the changed manifest (whose new text is `text`); refuses (changing
/// nothing) on any conflict.
fn change(
    workspace: &Workspace,
    manifest: &Manifest,
    text: String,
    show: Show,
    options: reconcile::Options,
    printer: &Printer,
    interrupt: &Interrupt,
) -> anyhow::Result<u8> {
    let templates = operations::template_set(&workspace.disk, manifest, None)?;
    let previous = operations::saved_state(workspace, printer)?;
    let plan = operations::plan(&Request {
        disk: &workspace.disk,
        manifest,
        manifest_text: Some(text),
        templates: &templates,
        previous: Some(&previous),
        options,
        secrets: &Secrets::random()?,
    })?;
    operations::report_and_apply(&workspace.disk, &plan, show, OnConflict::Refuse, printer, interrupt)
}
