//! Command-line arguments. Each command's `after_help` carries an example.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "dfworx",
    version,
    about = "Create and keep alive a polyglot monorepo: Next.js + FastAPI + Supabase-style PostgreSQL",
    after_help = "Examples:\n  dfworx new acme --yes          create ./acme with the default app and service\n  dfworx doctor                  check which tools this machine has",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print every step
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Run as if started in <DIR> (commands that work on a workspace look for dfworx.yaml from there up)
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new workspace
    #[command(
        after_help = "Examples:\n  dfworx new acme\n  dfworx new acme --yes --app web --app admin --service auth-service --no-git\n  dfworx new acme --dry-run\n  dfworx new acme --preset booking --dry-run    show the choices a preset makes, as flags"
    )]
    New(NewArgs),
    /// Add an app, a service or a package to the workspace
    #[command(
        after_help = "Examples:\n  dfworx add app admin\n  dfworx add service billing --dry-run\n  dfworx add service api --framework nestjs\n  dfworx add package shared-utils --lang python"
    )]
    Add(AddArgs),
    /// Remove an app, a service or a package from the workspace's manifest and managed files
    #[command(
        after_help = "Examples:\n  dfworx remove app admin                 keeps apps/admin/ and its migrations\n  dfworx remove app admin --delete-files  also deletes apps/admin/"
    )]
    Remove(RemoveArgs),
    /// Re-render the workspace from dfworx.yaml and the templates, keeping your edits
    #[command(
        after_help = "Examples:\n  dfworx sync --check            exit 1 if generated files drifted (for CI)\n  dfworx sync --diff --dry-run   show what would change\n  dfworx sync                    apply it"
    )]
    Sync(SyncArgs),
    /// Work with the template set
    #[command(subcommand, after_help = "Example:\n  dfworx templates export my-templates")]
    Templates(TemplatesCommand),
    /// Show which tools this machine has, and what a workspace needs
    #[command(after_help = "Example:\n  dfworx doctor")]
    Doctor,
    /// Apply supabase/migrations to PostgreSQL (default), show their status, or create a new one
    #[command(
        after_help = "Examples:\n  dfworx migrate                        apply pending migrations (URL: --database-url, MIGRATION_DATABASE_URL or DATABASE_URL, .env)\n  dfworx migrate --dry-run              list what would run\n  dfworx migrate status --json\n  dfworx migrate new add_invoices\n\nTransactions: each file runs in one transaction together with its ledger row. A file with its own BEGIN; ... COMMIT; runs as written, as the Supabase CLI runs it, with its ledger row inside its last block. A file holding a statement that cannot run in a transaction (CREATE INDEX CONCURRENTLY, ...) runs statement by statement.\n\nExit codes:\n  0  done (or nothing to do)\n  1  usage or input error (broken manifest, a .sql file that breaks the naming rule)\n  2  unexpected error (a bug in dfworx: please report it)\n  3  migrations are pending (status --exit-code only)\n  4  drift: an applied file was edited or deleted, or a pending one is older than the newest applied\n  5  another run held the migration lock past --lock-timeout\n  6  cannot connect (bad URL, refused, unknown host, wrong password, no such database)\n  7  a migration failed and was rolled back (a file's own COMMITs stay; the error names them)"
    )]
    Migrate(MigrateArgs),
    /// Print a shell completion script
    #[command(after_help = "Example:\n  dfworx completions bash > ~/.local/share/bash-completion/completions/dfworx")]
    Completions {
        /// The shell to generate completions for
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// Directory to create the workspace in (created if missing; must be empty unless --force)
    pub dir: PathBuf,
    /// Workspace name, also the npm scope (@name/…); defaults to the directory's name
    #[arg(long)]
    pub name: Option<String>,
    /// A Next.js app to create (repeatable); default: web
    #[arg(long = "app", value_name = "NAME")]
    pub apps: Vec<String>,
    /// A service to create (repeatable), optionally with its framework: `api:nestjs`; default:
    /// auth-service (FastAPI)
    #[arg(long = "service", value_name = "NAME[:FRAMEWORK]")]
    pub services: Vec<String>,
    /// Fill in the stack choices below for a known kind of system (the flags given win)
    #[arg(long, value_enum)]
    pub preset: Option<crate::stack::Preset>,
    /// How tenants' rows are kept apart, fixed once created [default: org]
    #[arg(long, value_enum)]
    pub tenancy: Option<crate::stack::Tenancy>,
    /// Extra services beside PostgreSQL and Redis (repeatable or comma-separated)
    #[arg(long = "with", value_enum, value_name = "SERVICE", value_delimiter = ',')]
    pub with: Vec<crate::stack::Extra>,
    /// The domain slice an app or service starts with (repeatable): `web=projects`; default:
    /// projects with `--tenancy org`, blank (sign-up and sign-in only) otherwise
    #[arg(long = "starter", value_name = "UNIT=STARTER")]
    pub starters: Vec<String>,
    /// Never prompt: take defaults for everything not given
    #[arg(short, long)]
    pub yes: bool,
    /// Print the files that would be written, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Write into a non-empty directory (never deletes, never overwrites a differing file)
    #[arg(long)]
    pub force: bool,
    /// Do not run `git init` and make a first commit
    #[arg(long)]
    pub no_git: bool,
    /// Run `pnpm install` and `uv sync` after writing
    #[arg(long, conflicts_with = "no_install")]
    pub install: bool,
    /// Do not install (and do not ask)
    #[arg(long)]
    pub no_install: bool,
    /// Print the plan as JSON on stdout (with --dry-run: and write nothing)
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Change nothing; exit 1 if applying the plan would change anything or a conflict is pending
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Also print unified diffs of every change (stdout)
    #[arg(long)]
    pub diff: bool,
    /// Print the plan and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the plan as JSON (path, owner, action) on stdout
    #[arg(long)]
    pub json: bool,
    /// Bring back generated files you deleted
    #[arg(long)]
    pub restore: bool,
    /// Render from this template directory instead of the embedded templates
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum TemplatesCommand {
    /// Write the embedded templates to a directory, to customise them
    #[command(
        after_help = "Example:\n  dfworx templates export my-templates\n  # then in dfworx.yaml:  templates: my-templates"
    )]
    Export {
        /// A new or empty directory
        dir: PathBuf,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A Next.js app in apps/<name>, with its own app_<name> schema
    App,
    /// A FastAPI service in services/<name>
    Service,
    /// A TypeScript or Python package in packages/<name>
    Package,
}

impl From<Kind> for crate::names::UnitKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::App => Self::App,
            Kind::Service => Self::Service,
            Kind::Package => Self::Package,
        }
    }
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// What to add
    pub kind: Kind,
    /// Its name: lowercase letters, digits and hyphens
    pub name: String,
    /// Language of a package
    #[arg(long, value_enum)]
    pub lang: Option<crate::manifest::Lang>,
    /// Host port of an app or service (default: the next free one)
    #[arg(long)]
    pub port: Option<u16>,
    /// Framework of a service [default: fastapi]
    #[arg(long, value_enum)]
    pub framework: Option<crate::stack::Framework>,
    /// The domain slice an app or service starts with [default: projects with `tenancy: org`,
    /// blank otherwise]
    #[arg(long)]
    pub starter: Option<String>,
    /// Print the plan with diffs and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the plan as JSON on stdout (with --dry-run: and write nothing)
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RemoveArgs {
    /// What to remove
    pub kind: Kind,
    /// Its name
    pub name: String,
    /// Also delete the unit's own files (apps/<name>/ …); its migrations always stay
    #[arg(long)]
    pub delete_files: bool,
    /// Print the plan with diffs and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the plan as JSON on stdout (with --dry-run: and write nothing)
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MigrateArgs {
    #[command(subcommand)]
    pub command: Option<MigrateCommand>,
    #[command(flatten)]
    pub up: MigrateUpArgs,
}

#[derive(Subcommand, Debug)]
pub enum MigrateCommand {
    /// Apply the pending migrations (what `dfworx migrate` does)
    #[command(
        after_help = "Examples:\n  dfworx migrate up\n  dfworx migrate up --rehearse --database-url postgresql://postgres@127.0.0.1:5432/staging"
    )]
    Up(MigrateUpArgs),
    /// Show every migration: applied, pending, partial, drifted or missing
    #[command(after_help = "Examples:\n  dfworx migrate status\n  dfworx migrate status --json --exit-code")]
    Status(MigrateStatusArgs),
    /// Create supabase/migrations/<UTC timestamp>_<name>.sql
    #[command(after_help = "Examples:\n  dfworx migrate new add_invoices\n  dfworx migrate new --tenant add_notes")]
    New {
        /// Lowercase letters, digits and underscores
        name: String,
        /// A tenant migration (`tenancy: schema`): its statements run in every tenant's schema
        #[arg(long)]
        tenant: bool,
    },
}

#[derive(Args, Debug)]
pub struct DatabaseArgs {
    /// PostgreSQL URL [default: `MIGRATION_DATABASE_URL`, else `DATABASE_URL`, from the environment, else from the workspace's .env]
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// Give up connecting after this long
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = crate::migrate::duration::parse)]
    pub connect_timeout: std::time::Duration,
}

#[derive(Args, Debug)]
pub struct MigrateUpArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// List what would run, and touch nothing
    #[arg(long, conflicts_with = "rehearse")]
    pub dry_run: bool,
    /// Run the pending migrations in one transaction on the target and roll back: reports what would fail
    #[arg(long)]
    pub rehearse: bool,
    /// Also apply pending migrations older than the newest applied one
    #[arg(long)]
    pub include_all: bool,
    /// How long to wait for another run's migration lock
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = crate::migrate::duration::parse)]
    pub lock_timeout: std::time::Duration,
    /// Connections that bring tenants' schemas up to date at once (`tenancy: schema`)
    #[arg(long, value_name = "N", default_value_t = crate::migrate::tenants::DEFAULT_JOBS, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}

#[derive(Args, Debug)]
pub struct MigrateStatusArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Print JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Exit with 3 when migrations are pending (drift exits with 4 either way)
    #[arg(long)]
    pub exit_code: bool,
}

/// The command line as typed (`dfworx add app admin`), control characters escaped: what a journal
/// records so a later recovery can say what it undid.
pub fn command_line() -> String {
    let args: Vec<String> = std::env::args_os()
        .enumerate()
        .map(|(i, arg)| if i == 0 { "dfworx".to_string() } else { crate::names::shown(&arg.to_string_lossy()) })
        .collect();
    args.join(" ")
}
