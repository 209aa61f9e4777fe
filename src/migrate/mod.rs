//! `dfworx migrate`: apply `supabase/migrations` to PostgreSQL on the Supabase CLI's own ledger, with a
//! lock, drift detection and one transaction per file.
//!
//! - [`source`]: the files and their naming rules; [`split`]: the Supabase CLI's statement split;
//!   [`classify`]: statements that cannot run in a transaction, and those that manage one; [`blocks`]:
//!   files with a `BEGIN`/`COMMIT` of their own; [`effect`]: whether a statement run outside a
//!   transaction already took effect; [`extensions`]: what to install for a missing extension.
//! - [`url`]: which database (and never printing its password); [`connect`]: the session.
//! - [`ledger`]: the two ledger tables; [`lock`]: the advisory lock; [`status`] and [`diff`]: files
//!   against the ledger; [`runner`]: applying.

// PostgreSQL, PgBouncer: product names in prose, which clippy's `doc_markdown` takes for code.

pub mod blocks;
pub mod classify;
pub mod connect;
pub mod copy;
pub mod diff;
pub mod duration;
pub mod effect;
pub mod extensions;
pub mod ledger;
pub mod lock;
pub mod runner;
pub mod source;
pub mod split;
pub mod status;
pub mod tenants;
pub mod url;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::exit;
use crate::printer::Printer;

pub use runner::UpOptions;

/// Where to connect, as given on the command line.
pub struct Connection<'a> {
    pub database_url: Option<&'a str>,
    pub connect_timeout: Duration,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    // One connection, one task: a current-thread runtime starts in microseconds.
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

fn target(root: &Path, connection: &Connection<'_>) -> anyhow::Result<url::Target> {
    url::Target::resolve(connection.database_url, |key| std::env::var(key).ok(), root)
}

/// `dfworx migrate [up]`.
pub fn up(root: &Path, connection: &Connection<'_>, opts: &UpOptions, printer: &Printer) -> anyhow::Result<u8> {
    let target = target(root, connection)?;
    let result = with_session(root, &target, connection, false, printer, async |session, migrations, ledger| {
        let code = runner::up(session, migrations, ledger, opts, printer).await?;
        // A rehearsal rolled the files back: tenant migrations they register do not exist.
        if code != exit::OK || opts.rehearse {
            return Ok(code);
        }
        let tenant_opts =
            tenants::TenantOptions { jobs: opts.jobs, dry_run: opts.dry_run, lock_timeout: opts.lock_timeout };
        tenants::up(session, &target, connection.connect_timeout, &tenant_opts, printer).await
    });
    redact(result, &target.redactor)
}

/// Opens the session and reads the ledger while another thread reads the migration files (a no-op run
/// costs the slower of the two, not their sum), then runs `work` and closes the session on every path.
/// A file that breaks the naming rules is reported before any connection problem.
fn with_session<T>(
    root: &Path,
    target: &url::Target,
    connection: &Connection<'_>,
    times: bool,
    printer: &Printer,
    work: impl AsyncFnOnce(&mut connect::Session, &[source::Migration], ledger::Ledger) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let runtime = runtime()?;
    std::thread::scope(|scope| {
        let loading = scope.spawn(|| source::load(root));
        let opened = runtime.block_on(async {
            let mut session = connect::Session::open(target, connection.connect_timeout, printer).await?;
            match read_ledger_rows(&mut session, target, connection.connect_timeout, times).await {
                Ok(ledger) => Ok((session, ledger)),
                Err(e) => {
                    session.close().await;
                    Err(e)
                }
            }
        });
        let migrations = loading.join().map_err(|_| anyhow::anyhow!("reading the migration files panicked"))?;
        let (migrations, mut session, ledger) = match (migrations, opened) {
            (Ok(migrations), Ok((session, ledger))) => (migrations, session, ledger),
            (Err(e), Ok((session, _))) => {
                runtime.block_on(session.close());
                return Err(e);
            }
            (Err(e), Err(_)) | (Ok(_), Err(e)) => return Err(e),
        };
        runtime.block_on(async {
            let result = work(&mut session, &migrations, ledger).await;
            session.close().await;
            result
        })
    })
}

/// The ledger's rows, copied straight away; on a database dfworx has not migrated yet (a table is
/// missing), read again on a fresh connection after asking which tables exist.
async fn read_ledger_rows(
    session: &mut connect::Session,
    target: &url::Target,
    timeout: Duration,
    times: bool,
) -> anyhow::Result<ledger::Ledger> {
    if let Some(ledger) = ledger::read_rows_at_once(&mut session.conn, times).await? {
        return Ok(ledger);
    }
    session.reconnect(target, timeout).await?;
    ledger::read_rows(&mut session.conn, times).await
}

/// `dfworx migrate status`.
pub fn status(
    root: &Path,
    connection: &Connection<'_>,
    json: bool,
    exit_code: bool,
    printer: &Printer,
) -> anyhow::Result<u8> {
    let target = target(root, connection)?;
    let result = with_session(root, &target, connection, true, printer, async |session, migrations, mut ledger| {
        ledger::fetch_unvouched(&mut session.conn, &mut ledger, migrations).await?;
        let status = status::compute(migrations, &ledger);
        let tenants = tenants::summary(&mut session.conn).await?;
        show_status(&status, tenants.as_ref(), &target, json, printer)?;
        let drifted = status.count(status::State::Drifted) + status.count(status::State::Missing) > 0;
        let pending = !status.pending().is_empty() || tenants.as_ref().is_some_and(|t| !t.behind.is_empty());
        Ok(if drifted {
            exit::MIGRATE_DRIFT
        } else if pending && exit_code {
            exit::MIGRATE_PENDING
        } else {
            exit::OK
        })
    });
    redact(result, &target.redactor)
}

fn show_status(
    status: &status::Status<'_>,
    tenants: Option<&tenants::Summary>,
    target: &url::Target,
    json: bool,
    printer: &Printer,
) -> anyhow::Result<()> {
    if json {
        let mut value = serde_json::json!({
            "database": target.display(),
            "migrations": status.entries,
            "counts": {
                "applied": status.count(status::State::Applied),
                "pending": status.count(status::State::Pending),
                "partial": status.count(status::State::Partial),
                "drifted": status.count(status::State::Drifted),
                "missing": status.count(status::State::Missing),
            },
        });
        if let Some(tenants) = tenants {
            value["tenants"] = tenants.json();
        }
        printer.data(&target.redactor.apply(&serde_json::to_string_pretty(&value)?))?;
    } else {
        printer.data(&status.table())?;
        for e in &status.entries {
            if let Some(diff) = &e.diff {
                printer.data("")?;
                printer.data(diff)?;
            }
        }
        if let Some(tenants) = tenants {
            printer.data(&tenants.line())?;
        }
        printer.note(&format!("{} ({})", status.summary(), target.display()));
    }
    Ok(())
}

/// `dfworx migrate new <name>`: prints the new file's path on stdout.
/// Written like every other change to the workspace (all or nothing, never through a symlink); the
/// caller holds the workspace lock.
pub fn new(
    disk: &crate::disk::Disk,
    name: &str,
    tenant: bool,
    printer: &Printer,
    interrupt: &crate::interrupt::Interrupt,
) -> anyhow::Result<PathBuf> {
    let (file, body) = source::new_file(disk.root(), name, tenant, jiff::Timestamp::now())?;
    let rel = crate::relpath::RelPath::parse(&file, "dfworx migrate new")?;
    if disk.entry(&rel)? != crate::disk::Entry::Missing {
        return Err(crate::error::UserError::new(format!("{file} already exists"))
            .hint("run the command again in a second, or choose another name")
            .into());
    }
    let change = crate::journal::Change { path: rel.clone(), contents: Some(body.into_bytes()), executable: false };
    crate::journal::apply(disk, &[change], &crate::cli::command_line(), interrupt)?;
    printer.status("Created", &file);
    let path = rel.under(disk.root());
    printer.data(&path.display().to_string())?;
    Ok(path)
}

/// A database error where dfworx talks to the server for its own bookkeeping: the server's words and
/// SQLSTATE (exit code for a failed migration), or a lost connection (exit code for connection problems).
pub(crate) fn db_error(e: &sqlx::Error, what: &str) -> anyhow::Error {
    match e {
        sqlx::Error::Database(db) => crate::error::UserError {
            message: format!("{what}: {} (SQLSTATE {})", db.message(), db.code().unwrap_or_default()),
            hint: Some("check that the role in the database URL may use schema supabase_migrations".into()),
            code: exit::MIGRATE_FAILED,
        }
        .into(),
        _ => url::connection_error(
            format!("{what}: {e}"),
            "check that the database is reachable, then run `dfworx migrate` again",
        )
        .into(),
    }
}

/// The last line of defence for secrets: every message of a failed run, redacted again, with its exit
/// code and hint kept.
fn redact<T>(result: anyhow::Result<T>, redactor: &url::Redactor) -> anyhow::Result<T> {
    let err = match result {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let mut code = None;
    let mut hint = None;
    for cause in err.chain() {
        if let Some(user) = cause.downcast_ref::<crate::error::UserError>() {
            code.get_or_insert(user.code);
            if hint.is_none() {
                hint.clone_from(&user.hint);
            }
        }
    }
    let mut messages: Vec<String> = err.chain().map(|c| redactor.apply(&c.to_string())).collect();
    let head = messages.remove(0);
    let rest = messages.join("\n");
    let hint = hint.map(|h| redactor.apply(&h));
    let inner = match code {
        Some(code) => crate::error::UserError { message: rest, hint, code },
        None => crate::error::UserError { message: rest, hint, code: exit::UNEXPECTED },
    };
    if inner.message.is_empty() {
        Err(crate::error::UserError { message: head, ..inner }.into())
    } else {
        Err(anyhow::Error::new(inner).context(head))
    }
}
