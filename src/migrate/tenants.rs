//! Tenant migrations (`tenancy: schema`): after the files, bring every tenant's schema up to date.
//!
//! The registry is the workspace's own (docs: /work/notes/tenant-schemas-contract.md):
//! `public.tenant_migrations` holds each tenant migration's statements, `public.tenant_schema_migrations`
//! which tenant has which. One query finds every tenant lacking a registered migration; then a few
//! connections take tenants off a shared queue, each tenant in ONE simple-query message:
//! `BEGIN; set_config(search_path, '<schema>, public, extensions', true); <statements>; <its
//! bookkeeping rows>; COMMIT;` — one round trip and one WAL flush per tenant, and a tenant's rows commit
//! with its DDL or not at all. So a run stopped anywhere leaves every tenant either done or untouched,
//! and the next run does only what is left. A tenant that fails rolls back alone; the others go on.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use sqlx::postgres::{PgDatabaseError, PgErrorPosition};
use sqlx::{AssertSqlSafe, Connection as _, PgConnection, Row as _};

use super::classify::{self, Kind};
use super::connect::{self, Session};
use super::ledger::literal;
use super::runner::{BatchError, rollback, run_batch};
use super::status::plural;
use super::url::Target;
use super::{db_error, lock};
use crate::error::{UserError, exit};
use crate::printer::{Printer, Verbosity};

/// `--jobs`' default. Measured on a 2-core machine (docs/benchmarks.md), 1,000 tenants getting a table
/// and an index: 8 connections took 0.55x the time of 2 and 0.65x that of 4. A tenant's transaction
/// spends much of its time waiting (its round trip, locks on the shared catalogs, its commit's WAL
/// flush), which other tenants' transactions fill; 8 is still a small share of a server's
/// `max_connections` (100 by default).
pub const DEFAULT_JOBS: u16 = 8;

/// How many tenants behind `status` names.
const SHOWN: usize = 5;

/// Whether this database keeps tenant migrations at all (a workspace of `tenancy: schema`).
const PROBE: &str = "SELECT (to_regclass('public.tenant_migrations') IS NOT NULL \
     AND to_regclass('public.tenant_schema_migrations') IS NOT NULL \
     AND to_regclass('public.tenants') IS NOT NULL)::text";

/// Every tenant lacking a registered migration, with the versions it lacks (in order): an anti-join
/// on `tenant_schema_migrations`' primary key. Tenants oldest first, so a run's order is stable.
const BEHIND: &str = "SELECT t.id::text, t.schema_name, to_json(array_agg(m.version ORDER BY m.version))::text \
     FROM public.tenants AS t CROSS JOIN public.tenant_migrations AS m \
     WHERE NOT EXISTS (SELECT 1 FROM public.tenant_schema_migrations AS a \
                       WHERE a.tenant_id = t.id AND a.version = m.version) \
     GROUP BY t.id, t.schema_name, t.created_at ORDER BY t.created_at, t.id";

/// A tenant and the versions it lacks.
#[derive(Clone, Debug)]
pub struct Behind {
    pub id: String,
    pub schema: String,
    pub versions: Vec<String>,
}

/// A registered tenant migration.
struct TenantMigration {
    name: String,
    statements: Vec<String>,
}

/// What `status` shows: how many tenants, which are behind.
pub struct Summary {
    pub tenants: usize,
    pub behind: Vec<Behind>,
}

/// `None` where the database has no tenant registry.
pub async fn summary(conn: &mut PgConnection) -> anyhow::Result<Option<Summary>> {
    if !has_registry(conn).await? {
        return Ok(None);
    }
    let behind = behind(conn).await?;
    let rows = sqlx::raw_sql("SELECT count(*)::text FROM public.tenants")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| read_error(&e))?;
    let tenants = rows.first().and_then(|r| r.try_get::<String, _>(0).ok()).and_then(|n| n.parse().ok()).unwrap_or(0);
    Ok(Some(Summary { tenants, behind }))
}

impl Summary {
    /// `Tenants: 2 of 40 behind: tenant_… (1 migration), …`, or that all are up to date.
    pub fn line(&self) -> String {
        if self.behind.is_empty() {
            return format!("Tenants: {} up to date", plural(self.tenants, "tenant", "tenants"));
        }
        let mut named: Vec<String> = self
            .behind
            .iter()
            .take(SHOWN)
            .map(|b| format!("{} ({})", b.schema, plural(b.versions.len(), "migration", "migrations")))
            .collect();
        if self.behind.len() > SHOWN {
            named.push(format!("and {} more", self.behind.len() - SHOWN));
        }
        format!("Tenants: {} of {} behind: {}", self.behind.len(), self.tenants, named.join(", "))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "total": self.tenants,
            "behind": self.behind.len(),
            "first_behind": self.behind.iter().take(SHOWN).map(|b| serde_json::json!({
                "id": b.id, "schema": b.schema, "versions": b.versions,
            })).collect::<Vec<_>>(),
        })
    }
}

async fn has_registry(conn: &mut PgConnection) -> anyhow::Result<bool> {
    let rows = sqlx::raw_sql(PROBE).fetch_all(&mut *conn).await.map_err(|e| read_error(&e))?;
    Ok(rows.first().and_then(|r| r.try_get::<String, _>(0).ok()).as_deref() == Some("true"))
}

async fn behind(conn: &mut PgConnection) -> anyhow::Result<Vec<Behind>> {
    let rows = sqlx::raw_sql(BEHIND).fetch_all(&mut *conn).await.map_err(|e| read_error(&e))?;
    rows.iter()
        .map(|row| {
            let versions: String = row.try_get(2)?;
            Ok(Behind {
                id: row.try_get(0)?,
                schema: row.try_get(1)?,
                versions: serde_json::from_str(&versions).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(|e| read_error(&e))
}

/// The statements of the tenant migrations `behind` needs.
async fn statements(conn: &mut PgConnection, behind: &[Behind]) -> anyhow::Result<BTreeMap<String, TenantMigration>> {
    let mut versions: Vec<&str> = behind.iter().flat_map(|b| b.versions.iter().map(String::as_str)).collect();
    versions.sort_unstable();
    versions.dedup();
    let list: Vec<String> = versions.iter().map(|v| literal(v)).collect();
    let sql = format!(
        "SELECT version, name, to_json(statements)::text FROM public.tenant_migrations WHERE version IN ({})",
        list.join(",")
    );
    let rows = sqlx::raw_sql(AssertSqlSafe(sql)).fetch_all(&mut *conn).await.map_err(|e| read_error(&e))?;
    rows.iter()
        .map(|row| {
            let statements: String = row.try_get(2)?;
            let statements = serde_json::from_str(&statements).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok((row.try_get(0)?, TenantMigration { name: row.try_get(1)?, statements }))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(|e| read_error(&e))
}

/// Every statement must run inside the tenant's transaction: one that ends it (`COMMIT`) or cannot run
/// in one (`CREATE INDEX CONCURRENTLY`) would break the all-or-nothing of a tenant, so none runs.
fn check(migrations: &BTreeMap<String, TenantMigration>, server: u32) -> anyhow::Result<()> {
    for (version, m) in migrations {
        for (i, statement) in m.statements.iter().enumerate() {
            let why = match classify::classify(statement, server) {
                Kind::Ordinary => continue,
                Kind::NoTransaction(what) => format!("{what} cannot run inside a transaction"),
                Kind::TransactionControl => "it ends or starts a transaction".to_string(),
            };
            return Err(UserError {
                message: format!(
                    "tenant migration {version}_{} statement {}: {why}, and each tenant is migrated in one transaction",
                    m.name,
                    i + 1
                ),
                hint: Some("a registered tenant migration is history: register a new one without that statement (a tenant's tables are its own and small: a plain CREATE INDEX will do), and delete this one's row from public.tenant_migrations if no tenant has it yet".into()),
                code: exit::MIGRATE_FAILED,
            }
            .into());
        }
    }
    Ok(())
}

fn read_error(e: &sqlx::Error) -> anyhow::Error {
    db_error(e, "cannot read the tenant migration registry (public.tenant_migrations)")
}

pub struct TenantOptions {
    pub jobs: usize,
    pub dry_run: bool,
    pub lock_timeout: Duration,
}

/// Brings every tenant up to date (after the files were applied, on the same session).
pub async fn up(
    session: &mut Session,
    target: &Target,
    timeout: Duration,
    opts: &TenantOptions,
    printer: &Printer,
) -> anyhow::Result<u8> {
    if !has_registry(&mut session.conn).await? {
        return Ok(exit::OK);
    }
    let mut behind = behind(&mut session.conn).await?;
    if opts.dry_run {
        for b in &behind {
            printer.data(&format!("{}  {}  {}", b.id, b.schema, b.versions.join(" ")))?;
        }
        printer.note(&format!(
            "Dry run: {} would get tenant migrations registered so far (not counting those the pending files register); nothing was changed.",
            plural(behind.len(), "tenant", "tenants")
        ));
        return Ok(exit::OK);
    }
    if behind.is_empty() {
        printer.status("Up to date", "every tenant has every tenant migration");
        return Ok(exit::OK);
    }
    if !session.locked {
        lock::acquire(&mut session.conn, opts.lock_timeout, printer).await?;
        session.locked = true;
        // Another run may have done some while this one waited.
        behind = self::behind(&mut session.conn).await?;
        if behind.is_empty() {
            printer.status("Up to date", "every tenant has every tenant migration");
            return Ok(exit::OK);
        }
    }
    let migrations = statements(&mut session.conn, &behind).await?;
    check(&migrations, session.server_version())?;
    let started = Instant::now();
    let jobs = opts.jobs.clamp(1, behind.len());
    let mut extra = Vec::with_capacity(jobs - 1);
    // One after the other: a handshake is a millisecond on the server's side.
    for _ in 1..jobs {
        match connect::connect(target, timeout).await {
            Ok(conn) => extra.push(conn),
            // The session alone still gets there, only slower.
            Err(e) if extra.is_empty() => {
                printer.warn(&format!("migrating tenants over one connection: {e:#}"));
                break;
            }
            Err(_) => break,
        }
    }
    let bar = progress(printer, behind.len());
    let queue = RefCell::new(behind.iter().collect::<VecDeque<_>>());
    let failures = RefCell::new(Vec::new());
    let done = RefCell::new(0usize);
    let shared = Shared { queue, failures, done, bar: bar.as_ref(), migrations: &migrations };
    let mut workers: Vec<Pin<Box<dyn Future<Output = ()> + '_>>> = vec![Box::pin(worker(&mut session.conn, &shared))];
    for conn in &mut extra {
        workers.push(Box::pin(worker(conn, &shared)));
    }
    join_all(workers).await;
    let connections = extra.len() + 1;
    for conn in extra {
        let _ = conn.close().await;
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let done = shared.done.into_inner();
    let failures = shared.failures.into_inner();
    let left = behind.len() - done - failures.len();
    let elapsed = started.elapsed().as_millis();
    if done > 0 {
        printer.status(
            "Migrated",
            &format!(
                "{} in {elapsed} ms ({} at a time)",
                plural(done, "tenant", "tenants"),
                plural(connections, "connection", "connections")
            ),
        );
    }
    if failures.is_empty() && left == 0 {
        return Ok(exit::OK);
    }
    Err(report(&failures, done, left))
}

/// What the connections migrating tenants share: the queue, and what became of each tenant.
struct Shared<'a> {
    queue: RefCell<VecDeque<&'a Behind>>,
    failures: RefCell<Vec<Failure>>,
    done: RefCell<usize>,
    bar: Option<&'a indicatif::ProgressBar>,
    migrations: &'a BTreeMap<String, TenantMigration>,
}

/// One connection's share: tenants off the queue until it is empty.
async fn worker(conn: &mut PgConnection, shared: &Shared<'_>) {
    loop {
        let next = shared.queue.borrow_mut().pop_front();
        let Some(tenant) = next else { break };
        let batch = Batch::of(tenant, shared.migrations);
        match run_batch(conn, batch.sql.clone()).await {
            Ok(_) => *shared.done.borrow_mut() += 1,
            Err(e) => {
                rollback(conn).await;
                shared.failures.borrow_mut().push(batch.failure(tenant, shared.migrations, &e));
                if !matches!(e.error, sqlx::Error::Database(_)) {
                    // The connection is gone: leave the rest to the other connections.
                    break;
                }
            }
        }
        if let Some(bar) = shared.bar {
            bar.inc(1);
        }
    }
}

/// A progress bar on a terminal; elsewhere nothing until the summary line.
fn progress(printer: &Printer, total: usize) -> Option<indicatif::ProgressBar> {
    if printer.verbosity == Verbosity::Quiet || !printer.is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("   Migrating [{bar:30}] {pos}/{len} tenants ({eta} left)")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// Polls every future until all are done (a current-thread runtime: they interleave at each await).
async fn join_all(mut futures: Vec<Pin<Box<dyn Future<Output = ()> + '_>>>) {
    std::future::poll_fn(|cx| {
        futures.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if futures.is_empty() { Poll::Ready(()) } else { Poll::Pending }
    })
    .await;
}

/// What a tenant's message holds, in the order its commands complete.
enum Command {
    Ours,
    /// Statement `index` of tenant migration `version`.
    Statement {
        version: usize,
        index: usize,
    },
}

/// One tenant's whole transaction as one simple-query message, and where each command sits in it.
struct Batch {
    sql: String,
    /// Each command and the byte range of its text in `sql`.
    commands: Vec<(Command, std::ops::Range<usize>)>,
}

impl Batch {
    fn of(tenant: &Behind, migrations: &BTreeMap<String, TenantMigration>) -> Self {
        let mut sql = String::with_capacity(4096);
        let mut commands = Vec::new();
        let mut push = |sql: &mut String, command: Command, text: &str| {
            let start = sql.len();
            sql.push_str(text);
            commands.push((command, start..sql.len()));
            // On a line of its own: a statement may end in a `--` comment.
            sql.push_str("\n;\n");
        };
        push(&mut sql, Command::Ours, "BEGIN");
        let search_path = format!("{}, public, extensions", quote_ident(&tenant.schema));
        push(
            &mut sql,
            Command::Ours,
            &format!("SELECT pg_catalog.set_config('search_path', {}, true)", literal(&search_path)),
        );
        for (v, version) in tenant.versions.iter().enumerate() {
            let Some(m) = migrations.get(version) else { continue };
            for (index, statement) in m.statements.iter().enumerate() {
                push(&mut sql, Command::Statement { version: v, index }, statement);
            }
            push(
                &mut sql,
                Command::Ours,
                &format!(
                    "INSERT INTO public.tenant_schema_migrations (tenant_id, version) VALUES ({}::uuid, {})",
                    literal(&tenant.id),
                    literal(version)
                ),
            );
        }
        push(&mut sql, Command::Ours, "COMMIT");
        Self { sql, commands }
    }

    /// The command PostgreSQL's error is about: where its position points, else the first that did not
    /// complete (a statement holding several commands makes the count run ahead: the position then wins).
    fn failed(&self, e: &BatchError, db: Option<&PgDatabaseError>) -> Option<&Command> {
        if let Some(PgErrorPosition::Original(p)) = db.and_then(PgDatabaseError::position) {
            let at = self.sql.char_indices().nth(p.saturating_sub(1)).map(|(b, _)| b)?;
            return self.commands.iter().find(|(_, r)| r.start <= at && at <= r.end).map(|(c, _)| c);
        }
        self.commands.get(e.completed).map(|(c, _)| c)
    }

    fn failure(&self, tenant: &Behind, migrations: &BTreeMap<String, TenantMigration>, e: &BatchError) -> Failure {
        let db = e.error.as_database_error().and_then(|d| d.try_downcast_ref::<PgDatabaseError>());
        let (version, statement) = match self.failed(e, db) {
            Some(Command::Statement { version, index }) => {
                let version = &tenant.versions[*version];
                let text = migrations.get(version).map(|m| m.statements[*index].clone()).unwrap_or_default();
                (Some(version.clone()), Some((*index, text)))
            }
            _ => (None, None),
        };
        let message = match db {
            Some(db) => {
                let mut message = format!("{} (SQLSTATE {})", db.message(), db.code());
                if let Some(detail) = db.detail() {
                    let _ = write!(message, "; detail: {detail}");
                }
                message
            }
            None => format!("lost the connection to the database ({})", e.error),
        };
        Failure {
            tenant: tenant.id.clone(),
            schema: tenant.schema.clone(),
            version: version.map(|v| {
                let name = migrations.get(&v).map(|m| m.name.as_str()).unwrap_or_default();
                format!("{v}_{name}")
            }),
            statement,
            message,
        }
    }
}

/// A tenant that did not get its migrations.
struct Failure {
    tenant: String,
    schema: String,
    /// `<version>_<name>` of the migration whose statement failed.
    version: Option<String>,
    /// Its index and text.
    statement: Option<(usize, String)>,
    message: String,
}

/// How many failures the error spells out in full.
const REPORTED: usize = 5;

fn report(failures: &[Failure], done: usize, left: usize) -> anyhow::Error {
    let failed = failures.len();
    let head = format!(
        "tenant migrations failed for {} ({} brought up to date{})",
        plural(failed, "tenant", "tenants"),
        done,
        if left > 0 { format!(", {left} not reached") } else { String::new() }
    );
    let mut lines = Vec::new();
    for f in failures.iter().take(REPORTED) {
        let at = match (&f.version, &f.statement) {
            (Some(v), Some((i, _))) => format!("tenant migration {v}, statement {}", i + 1),
            _ => "its bookkeeping".to_string(),
        };
        lines.push(format!("tenant {} (schema {}): {at}: {}", f.tenant, f.schema, f.message));
        if let Some((_, text)) = &f.statement {
            let shown: Vec<&str> = text.trim().lines().collect();
            for line in shown.iter().take(6) {
                lines.push(format!("    | {line}"));
            }
            if shown.len() > 6 {
                lines.push("    | …".to_string());
            }
        }
    }
    if failed > REPORTED {
        lines.push(format!("and {} more (`dfworx migrate status` lists the tenants behind)", failed - REPORTED));
    }
    anyhow::Error::new(UserError {
        message: lines.join("\n"),
        hint: Some(
            "each failed tenant rolled back alone and has none of the migrations it lacked; fix the cause (the tenant's schema, or a new tenant migration that repairs it), then run `dfworx migrate` again: it does only what is left"
                .into(),
        ),
        code: exit::MIGRATE_FAILED,
    })
    .context(head)
}

/// An identifier in double quotes, as `quote_ident` would (always quoted: the schema names are ours).
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant() -> Behind {
        Behind { id: "0000-1".into(), schema: "tenant_0000_1".into(), versions: vec!["1".into(), "2".into()] }
    }

    fn migrations() -> BTreeMap<String, TenantMigration> {
        let m = |statements: &[&str]| TenantMigration {
            name: "x".into(),
            statements: statements.iter().map(ToString::to_string).collect(),
        };
        BTreeMap::from([
            ("1".into(), m(&["create table a (id int) -- a comment"])),
            ("2".into(), m(&["create table b ()", "select 1"])),
        ])
    }

    #[test]
    fn a_tenant_s_transaction_is_one_message_with_its_bookkeeping_inside() {
        let batch = Batch::of(&tenant(), &migrations());
        assert!(batch.sql.starts_with(
            "BEGIN\n;\nSELECT pg_catalog.set_config('search_path', E'\"tenant_0000_1\", public, extensions', true)"
        ));
        assert!(batch.sql.contains("create table a (id int) -- a comment\n;\n"), "{}", batch.sql);
        assert!(batch.sql.trim_end().ends_with("COMMIT\n;"));
        // BEGIN, set_config, a, row 1, b, select, row 2, COMMIT.
        assert_eq!(batch.commands.len(), 8);
        let row = &batch.sql[batch.commands[3].1.clone()];
        assert!(row.contains("VALUES (E'0000-1'::uuid, E'1')"), "{row}");
    }

    #[test]
    fn the_failed_statement_is_found_by_the_count_of_completed_commands() {
        let batch = Batch::of(&tenant(), &migrations());
        let e = BatchError { completed: 5, error: sqlx::Error::PoolClosed };
        assert!(matches!(batch.failed(&e, None), Some(Command::Statement { version: 1, index: 1 })));
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
