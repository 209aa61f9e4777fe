//! `dfworx new <dir>`: settings → plan → atomic apply → git → install → next steps.

use std::path::{Path, PathBuf};

use crate::cli::NewArgs;
use crate::disk::Disk;
use crate::error::{UserError, exit};
use crate::fresh::{self, Claim};
use crate::interrupt::Interrupt;
use crate::manifest::Manifest;
use crate::names::{self, NameRole, UnitKind};
use crate::operations::{self, OnConflict, Request, Show};
use crate::plan::{Action, Plan};
use crate::printer::Printer;
use crate::reconcile;
use crate::render::Secrets;
use crate::stack::{Extra, Framework, Preset, PresetUnit, Tenancy};
use crate::templates::TemplateSet;
use crate::{git, install, prompt};

const DEFAULT_APP: &str = "web";
const DEFAULT_SERVICE: &str = "auth-service";

/// Everything `new` needs, resolved from flags and prompts.
struct Settings {
    target: PathBuf,
    manifest: Manifest,
    git: bool,
    install: bool,
}

pub fn run(args: &NewArgs, printer: &Printer, interrupt: &Interrupt) -> anyhow::Result<u8> {
    let target = fresh::absolute(&args.dir)?;
    fresh::repair(&target, printer)?;
    if !args.force && !fresh::is_empty(&target)? {
        return Err(fresh::not_empty(&target));
    }
    let settings = resolve(args, target)?;
    let templates = TemplateSet::embedded()?;

    if args.dry_run {
        let plan = plan(&Disk::new(&settings.target), &settings.manifest, &templates)?;
        let show = Show { dry_run: true, json: args.json, every_file: true, ..Show::default() };
        return operations::report_and_apply(
            &Disk::new(&settings.target),
            &plan,
            show,
            OnConflict::RefuseDiffering,
            printer,
            interrupt,
        );
    }
    let claim = Claim::take(&settings.target, args.force, printer)?;
    let written = write(&claim, &settings, &templates, args.json, printer, interrupt);
    let plan = match written {
        Ok(plan) => plan,
        Err(err) => {
            claim.abandon();
            return Err(err);
        }
    };
    drop(claim);
    for file in plan.writes() {
        printer.detail("Created", file.path.as_str());
    }
    printer.status(
        "Created",
        &format!(
            "workspace {} in {} ({} files)",
            printer.bold(&settings.manifest.name),
            settings.target.display(),
            plan.count(Action::Create)
        ),
    );

    // Install first, commit second: the first commit then holds pnpm-lock.yaml and uv.lock, which the
    // generated CI installs from (frozen), so the workspace passes CI as pushed.
    let installed = settings.install.then(|| install::run(&settings.target, printer));
    let committed = settings.git && commit(&settings.target, printer);
    if let Some(Err(err)) = installed {
        return Err(err);
    }
    next_steps(&settings, installed.is_some(), committed, printer);
    Ok(exit::OK)
}

/// `git init` and the first commit, unless the workspace lies in a work tree already. Whether it committed.
fn commit(target: &Path, printer: &Printer) -> bool {
    if git::inside_work_tree(target.parent().unwrap_or(target)) {
        printer.detail("Skipped", "git init (already inside a git work tree)");
        return false;
    }
    git::init_and_commit(target, printer)
}

/// Plans the workspace in the claimed directory and writes it all or nothing.
fn write(
    claim: &Claim,
    settings: &Settings,
    templates: &TemplateSet,
    json: bool,
    printer: &Printer,
    interrupt: &Interrupt,
) -> anyhow::Result<Plan> {
    let plan = plan(&claim.disk, &settings.manifest, templates)?;
    let show = Show { json, ..Show::default() };
    operations::report_and_apply(&claim.disk, &plan, show, OnConflict::RefuseDiffering, printer, interrupt)?;
    Ok(plan)
}

fn resolve(args: &NewArgs, target: PathBuf) -> anyhow::Result<Settings> {
    let dir_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let ask = prompt::allowed(args.yes);

    let name = match &args.name {
        Some(name) => name.clone(),
        None if ask => prompt::name(NameRole::Workspace, "Workspace name (npm scope)", &names::suggest(&dir_name))?,
        None => {
            names::validate(NameRole::Workspace, &dir_name).map_err(|err| {
                UserError::new(format!(
                    "the directory name \"{}\" cannot be the workspace name: {}",
                    names::shown(&dir_name),
                    err.message.split_once(": ").map_or(err.message.as_str(), |(_, why)| why)
                ))
                .hint(format!("pass a name explicitly, e.g. --name {}", names::suggest(&dir_name)))
            })?;
            dir_name
        }
    };
    names::validate(NameRole::Workspace, &name)?;

    let preset = args.preset.map(Preset::stack);
    let preset_names = |units: Option<&[PresetUnit]>| -> Vec<String> {
        units.unwrap_or_default().iter().map(|u| u.name.to_string()).collect()
    };
    let (app_flags, services_given) = (args.apps.clone(), !args.services.is_empty());
    let app_flags = if app_flags.is_empty() { preset_names(preset.as_ref().map(|p| p.apps)) } else { app_flags };
    let mut frameworks = Vec::new();
    let mut service_flags = Vec::new();
    for given in &args.services {
        let (name, framework) = service_flag(given)?;
        service_flags.push(name);
        frameworks.push(framework);
    }
    if !services_given {
        service_flags = preset_names(preset.as_ref().map(|p| p.services));
    }
    let apps = unit_list(&app_flags, ask, UnitKind::App, "Apps to create", DEFAULT_APP)?;
    let services = unit_list(&service_flags, ask, UnitKind::Service, "Services to create", DEFAULT_SERVICE)?;
    let mut manifest = Manifest::new(&name, &apps, &services);
    if let Some(preset) = &preset {
        manifest.tenancy = preset.tenancy;
        manifest.with = preset.with.to_vec();
        for (units, chosen) in [(&mut manifest.apps, preset.apps), (&mut manifest.services, preset.services)] {
            for unit in units.iter_mut() {
                if let Some(from) = chosen.iter().find(|u| u.name == unit.name) {
                    unit.framework = from.framework;
                    unit.starter = Some(from.starter.to_string());
                }
            }
        }
    }
    if let Some(tenancy) = args.tenancy {
        manifest.tenancy = tenancy;
    }
    if !args.with.is_empty() {
        manifest.with.clone_from(&args.with);
    }
    if services_given {
        for (unit, framework) in manifest.services.iter_mut().zip(frameworks) {
            if framework.is_some() {
                unit.framework = framework;
            }
        }
    }
    for given in &args.starters {
        let (unit, starter) = given.split_once('=').ok_or_else(|| {
            UserError::new(format!("--starter {} is not UNIT=STARTER", names::shown(given)))
                .hint("name the app or service and its starter, e.g. --starter web=projects")
        })?;
        let target = manifest.apps.iter_mut().chain(manifest.services.iter_mut()).find(|u| u.name == unit);
        let target = target.ok_or_else(|| {
            UserError::new(format!("--starter {given}: there is no app or service \"{}\"", names::shown(unit)))
                .hint("give the unit with --app or --service too")
        })?;
        target.starter = Some(starter.to_string());
    }
    // On a terminal, what neither a flag nor a preset said is asked (after the starters, so that
    // only tenancies that work with them are offered).
    if ask && preset.is_none() {
        if args.tenancy.is_none() {
            manifest.tenancy = ask_tenancy(&manifest)?;
        }
        if args.with.is_empty() {
            let items: Vec<String> = Extra::ALL.iter().map(|e| format!("{:<10} {}", e.label(), e.summary())).collect();
            let chosen = prompt::select_many("Extra services", &items)?;
            manifest.with = chosen.into_iter().map(|i| Extra::ALL[i]).collect();
        }
    }
    if args.dry_run {
        eprintln!("As flags: {}", reproducible_command(&args.dir, &manifest));
    }
    manifest.check()?;

    let install = if args.install {
        true
    } else if args.no_install || args.dry_run || !ask {
        false
    } else {
        prompt::confirm("Install dependencies now (pnpm install, uv sync)?", true)?
    };
    Ok(Settings { target, manifest, git: !args.no_git, install })
}

/// Asks for the tenancy among those the rules accept for these units (a tenancy without templates
/// is not offered); org first, the default.
fn ask_tenancy(manifest: &Manifest) -> anyhow::Result<Tenancy> {
    let offered: Vec<Tenancy> = Tenancy::ALL
        .into_iter()
        .filter(|&tenancy| {
            let mut trial = manifest.clone();
            trial.tenancy = tenancy;
            trial.check().is_ok()
        })
        .collect();
    if offered.len() < 2 {
        return Ok(manifest.tenancy);
    }
    let items: Vec<String> = offered.iter().map(|t| format!("{:<8} {}", t.label(), t.summary())).collect();
    let chosen = prompt::select("Tenancy (how tenants' rows are kept apart; fixed once created)", &items, 0)?;
    Ok(offered[chosen])
}

/// `api:nestjs` → (`api`, nestjs); `api` → (`api`, none given).
fn service_flag(given: &str) -> Result<(String, Option<Framework>), UserError> {
    let Some((name, framework)) = given.split_once(':') else { return Ok((given.to_string(), None)) };
    let framework = <Framework as clap::ValueEnum>::from_str(framework, true).map_err(|_| {
        let known: Vec<&str> = Framework::ALL.iter().map(|f| f.label()).collect();
        UserError::new(format!("--service {}: unknown framework \"{}\"", names::shown(given), names::shown(framework)))
            .hint(format!("write NAME or NAME:FRAMEWORK with one of: {}", known.join(", ")))
    })?;
    Ok((name.to_string(), Some(framework)))
}

/// The `dfworx new` command line that makes exactly this manifest, whatever preset and prompts led to it.
fn reproducible_command(dir: &Path, manifest: &Manifest) -> String {
    let mut words = vec!["dfworx new".to_string(), dir.display().to_string(), format!("--name {}", manifest.name)];
    words.push(format!("--tenancy {}", manifest.tenancy));
    if !manifest.with.is_empty() {
        let extras: Vec<&str> = manifest.with.iter().map(|e| e.label()).collect();
        words.push(format!("--with {}", extras.join(",")));
    }
    words.extend(manifest.apps.iter().map(|a| format!("--app {}", a.name)));
    words.extend(manifest.services.iter().map(|s| format!("--service {}:{}", s.name, s.framework())));
    for unit in manifest.apps.iter().chain(&manifest.services) {
        words.push(format!("--starter {}={}", unit.name, unit.starter(manifest.tenancy)));
    }
    words.push("--yes".into());
    words.join(" ")
}

fn unit_list(
    given: &[String],
    ask: bool,
    kind: UnitKind,
    question: &str,
    default: &str,
) -> anyhow::Result<Vec<String>> {
    let list = if !given.is_empty() {
        given.to_vec()
    } else if ask {
        prompt::names(NameRole::Unit(kind), question, default, kind == UnitKind::Service)?
    } else {
        vec![default.to_string()]
    };
    for name in &list {
        names::validate(NameRole::Unit(kind), name)?;
    }
    Ok(list)
}

/// The plan for a new workspace: the operations path against no state, the manifest saved last
/// (it is what makes the directory a workspace).
pub fn plan(disk: &Disk, manifest: &Manifest, templates: &TemplateSet) -> anyhow::Result<Plan> {
    operations::plan(&Request {
        disk,
        manifest,
        manifest_text: Some(manifest.to_yaml()),
        templates,
        previous: None,
        options: reconcile::Options::default(),
        secrets: &Secrets::random()?,
    })
}

fn next_steps(settings: &Settings, installed: bool, committed: bool, printer: &Printer) {
    let dir = std::env::current_dir()
        .ok()
        .and_then(|cwd| settings.target.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| settings.target.clone());
    let mut steps = vec![format!("cd {}", dir.display())];
    if !installed {
        steps.push("pnpm install && uv sync    # install the JS and Python dependencies: writes the lockfiles".into());
        steps.push(
            "pnpm --filter ./packages/api-client generate    # the typed API client, from the auth service's OpenAPI"
                .into(),
        );
        if settings.manifest.services.iter().any(|s| s.framework() == crate::stack::Framework::Nestjs) {
            steps.push("pnpm --recursive --if-present run client    # each NestJS service's typed client".into());
        }
        if committed {
            steps.push(
                "git add --all && git commit -m \"Add lockfiles and the API client\"    # before the first push".into(),
            );
        }
    }
    steps.push("make install               # .env, PostgreSQL + Redis in Docker, migrations (see README.md)".into());
    steps.push("make dev                   # every app and service with hot reload".into());
    steps.push(
        "make migrate               # apply supabase/migrations (dfworx migrate), let the services' role log in".into(),
    );
    printer.note("");
    if !installed {
        printer.note(
            "The lockfiles (pnpm-lock.yaml, uv.lock) and the API client (packages/api-client) are not there yet: the",
        );
        printer.note("generated CI needs them, so create them and commit them before you push (or start over with");
        printer.note("`dfworx new --install`).");
    } else if !committed {
        printer.note(
            "Commit pnpm-lock.yaml, uv.lock and packages/api-client with the workspace: the generated CI needs them.",
        );
    }
    printer.note(&printer.bold("Next steps:"));
    for step in steps {
        printer.note(&format!("  {step}"));
    }
}
