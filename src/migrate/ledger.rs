//! The two ledger tables: the Supabase CLI's `supabase_migrations.schema_migrations` (written exactly as
//! the CLI writes it) and dfworx's own `supabase_migrations.dfworx_migrations` beside it.
//!
//! Everything here goes over the simple-query protocol (no prepared statements), so values are inlined
//! as escape-string literals rather than bound.

use std::collections::HashMap;

use sha2::Digest as _;
use sqlx::{AssertSqlSafe, PgConnection, Row as _};

use super::copy;
use super::source::{self, Migration};
use crate::error::UserError;

/// The bookkeeping tables' DDL, run only when one of them is missing.
pub const BOOKKEEPING_SQL: &str = include_str!("../../migrations/0001_ledger_tables.sql");

/// One row of the Supabase CLI's ledger (its version is the key it is stored under).
#[derive(Clone, Debug)]
pub struct LedgerRow {
    pub name: Option<String>,
    pub statements: Recorded,
}

/// What is known of a ledger row's statements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Not fetched: dfworx applied this version from a file whose checksum equals the file on disk now,
    /// and wrote the row's statements from that file in the same transaction, so they match it.
    Vouched,
    /// The row holds no statements (written by `supabase migration repair`, or for an empty file).
    Nothing,
    Statements(Vec<String>),
}

/// One row of dfworx's own table.
#[derive(Clone, Debug)]
pub struct DfworxRow {
    pub checksum: String,
    /// State `applied`; otherwise `partial` (a no-transaction file part-way through).
    pub applied: bool,
    pub statements_done: usize,
    pub statements_total: usize,
    pub progress_checksum: Option<String>,
    pub applied_at: Option<String>,
    pub duration_ms: Option<i64>,
}

#[derive(Debug, Default)]
pub struct Ledger {
    pub has_ledger_table: bool,
    pub has_dfworx_table: bool,
    /// By version (lookups only: nothing depends on their order).
    pub rows: HashMap<String, LedgerRow>,
    pub dfworx: HashMap<String, DfworxRow>,
}

impl Ledger {
    pub fn tables_exist(&self) -> bool {
        self.has_ledger_table && self.has_dfworx_table
    }
}

const COPY_LEDGER: &str = "COPY supabase_migrations.schema_migrations (version, name) TO STDOUT";
const COPY_DFWORX: &str = "COPY supabase_migrations.dfworx_migrations \
     (version, checksum, state, statements_done, statements_total, progress_checksum) TO STDOUT";
/// The same, with when and how long (for `status`: a query, so the time comes out in one fixed format).
const COPY_DFWORX_TIMES: &str = "COPY (SELECT version, checksum, state, statements_done, statements_total, progress_checksum, \
     to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), duration_ms \
     FROM supabase_migrations.dfworx_migrations) TO STDOUT";
const PROBE: &str = "SELECT (to_regclass('supabase_migrations.schema_migrations') IS NOT NULL)::text, \
     (to_regclass('supabase_migrations.dfworx_migrations') IS NOT NULL)::text";

/// Reads the ledger's rows, then the statements of the applied files that dfworx cannot vouch for by
/// checksum (applied by the Supabase CLI, or changed since): a no-op run over hundreds of migrations
/// neither transfers nor splits them. Reads only: never creates anything.
pub async fn read(conn: &mut PgConnection, migrations: &[Migration], times: bool) -> anyhow::Result<Ledger> {
    let mut ledger = read_rows(conn, times).await?;
    fetch_unvouched(conn, &mut ledger, migrations).await?;
    Ok(ledger)
}

/// The first half of [`read`], which needs no files: it runs while they are still being read. Finds out
/// which of the two tables exist, then copies those.
pub async fn read_rows(conn: &mut PgConnection, times: bool) -> anyhow::Result<Ledger> {
    let rows = sqlx::raw_sql(PROBE).fetch_all(&mut *conn).await.map_err(read_error)?;
    let row = rows.first().ok_or_else(|| anyhow::anyhow!("the catalog probe returned no row"))?;
    let has_ledger = row.try_get::<String, _>(0).map_err(read_error)? == "true";
    let has_dfworx = row.try_get::<String, _>(1).map_err(read_error)? == "true";
    read_tables(conn, has_ledger, has_dfworx, times).await.map_err(read_error)
}

/// [`read_rows`] without asking first which tables exist: one round trip fewer for a database that
/// dfworx has migrated before, the case of every no-op run. `None` when a table is missing; the
/// connection is then unusable (see [`copy::read`]) and [`read_rows`] must run on a new one.
pub async fn read_rows_at_once(conn: &mut PgConnection, times: bool) -> anyhow::Result<Option<Ledger>> {
    match read_tables(conn, true, true, times).await {
        Ok(ledger) => Ok(Some(ledger)),
        // 42P01: no such table; 3F000: no such schema.
        Err(e) if matches!(sqlstate(&e).as_deref(), Some("42P01" | "3F000")) => Ok(None),
        Err(e) => Err(read_error(e)),
    }
}

/// The second half of [`read`]: the statements of every applied file dfworx cannot vouch for.
pub async fn fetch_unvouched(
    conn: &mut PgConnection,
    ledger: &mut Ledger,
    migrations: &[Migration],
) -> anyhow::Result<()> {
    let unvouched: Vec<String> = migrations
        .iter()
        .filter(|m| ledger.rows.contains_key(&m.version))
        .filter(|m| !ledger.dfworx.get(&m.version).is_some_and(|d| d.applied && d.checksum == m.checksum()))
        .map(|m| literal(&m.version))
        .collect();
    if !unvouched.is_empty() {
        let sql = format!(
            "SELECT version, to_json(statements)::text FROM supabase_migrations.schema_migrations WHERE version IN ({})",
            unvouched.join(",")
        );
        for row in sqlx::raw_sql(AssertSqlSafe(sql)).fetch_all(&mut *conn).await.map_err(read_error)? {
            let version: String = row.try_get(0).map_err(read_error)?;
            let json: Option<String> = row.try_get(1).map_err(read_error)?;
            if let Some(entry) = ledger.rows.get_mut(&version) {
                entry.statements = statements_from_json(json.as_deref()).map_err(read_error)?;
            }
        }
    }
    Ok(())
}

fn statements_from_json(json: Option<&str>) -> Result<Recorded, sqlx::Error> {
    let Some(json) = json else { return Ok(Recorded::Nothing) };
    let items: Option<Vec<Option<String>>> =
        serde_json::from_str(json).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(match items {
        Some(items) if !items.is_empty() => {
            Recorded::Statements(items.into_iter().map(Option::unwrap_or_default).collect())
        }
        _ => Recorded::Nothing,
    })
}

// Taken by value to read `map_err(read_error)`.
#[allow(clippy::needless_pass_by_value)]
fn read_error(e: sqlx::Error) -> anyhow::Error {
    if sqlstate(&e).as_deref() == Some("42703") {
        return UserError::new(format!("supabase_migrations.schema_migrations lacks a column dfworx reads: {}", db_message(&e)))
            .hint("it was created by an old Supabase CLI; `supabase migration list` upgrades it (adds the statements and name columns)")
            .into();
    }
    super::db_error(&e, "cannot read the migration ledger")
}

async fn read_tables(conn: &mut PgConnection, ledger: bool, dfworx: bool, times: bool) -> Result<Ledger, sqlx::Error> {
    let mut out = Ledger { has_ledger_table: ledger, has_dfworx_table: dfworx, ..Ledger::default() };
    if ledger {
        let data = copy::read(conn, COPY_LEDGER).await?;
        out.rows.reserve(copy::count(&data));
        for mut row in copy::rows(&data) {
            let version = row.string()?.ok_or_else(|| shape_error("schema_migrations"))?;
            // Stays `Vouched` unless `fetch_unvouched` fetches the statements.
            out.rows.insert(version, LedgerRow { name: row.string()?, statements: Recorded::Vouched });
        }
    }
    if dfworx {
        let data = copy::read(conn, if times { COPY_DFWORX_TIMES } else { COPY_DFWORX }).await?;
        out.dfworx.reserve(copy::count(&data));
        for mut row in copy::rows(&data) {
            let version = row.string()?.ok_or_else(|| shape_error("dfworx_migrations"))?;
            let checksum = row.string()?.unwrap_or_default();
            let applied = row.field()?.as_deref() == Some("applied");
            let (done, total) = (row.number()?, row.number()?);
            let progress_checksum = row.string()?;
            let (applied_at, duration_ms) = if times { (row.string()?, row.number()?) } else { (None, None) };
            out.dfworx.insert(
                version,
                DfworxRow {
                    checksum,
                    applied,
                    statements_done: done.unwrap_or(0).try_into().unwrap_or(0),
                    statements_total: total.unwrap_or(0).try_into().unwrap_or(0),
                    progress_checksum,
                    applied_at,
                    duration_ms,
                },
            );
        }
    }
    Ok(out)
}

fn shape_error(table: &str) -> sqlx::Error {
    sqlx::Error::Protocol(format!("supabase_migrations.{table}: a row did not have the columns dfworx asked for"))
}

/// The SQLSTATE of a database error.
pub fn sqlstate(e: &sqlx::Error) -> Option<String> {
    match e {
        sqlx::Error::Database(db) => db.code().map(std::borrow::Cow::into_owned),
        _ => None,
    }
}

fn db_message(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => other.to_string(),
    }
}

/// An escape-string literal: safe whatever `standard_conforming_strings` says.
pub fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    out.push_str("E'");
    for c in s.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `ARRAY[…]::text[]`, or NULL for no statements (the Supabase CLI stores a nil slice as NULL).
fn text_array(items: &[&str]) -> String {
    if items.is_empty() {
        return "NULL::text[]".to_string();
    }
    let mut out = String::from("ARRAY[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&literal(item));
    }
    out.push_str("]::text[]");
    out
}

/// The Supabase CLI's ledger row for a file: version, name and its statements.
pub fn insert_ledger_row(m: &Migration) -> String {
    format!(
        "INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES ({}, {}, {})",
        literal(&m.version),
        literal(&m.name),
        text_array(&m.statement_texts())
    )
}

/// How long a file took, as SQL: measured by the server inside a one-message batch (from the moment the
/// message arrived to now), or by dfworx for files that ran statement by statement.
pub enum Duration {
    SinceMessage,
    Millis(u128),
}

/// dfworx's row for a file: `applied`, or `partial` with its progress.
pub fn upsert_dfworx_row(m: &Migration, done: usize, duration: &Duration) -> String {
    let total = m.statements().len();
    let state = if done >= total { "applied" } else { "partial" };
    let progress = if done >= total { "NULL".to_string() } else { literal(&progress_checksum(m, done)) };
    let duration = match duration {
        Duration::SinceMessage => {
            "(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000)::bigint".to_string()
        }
        Duration::Millis(ms) => ms.to_string(),
    };
    format!(
        "INSERT INTO supabase_migrations.dfworx_migrations \
         (version, name, checksum, state, statements_done, statements_total, progress_checksum, applied_at, duration_ms, dfworx_version) \
         VALUES ({}, {}, {}, '{state}', {done}, {total}, {progress}, now(), {duration}, {}) \
         ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, state = EXCLUDED.state, \
         statements_done = EXCLUDED.statements_done, statements_total = EXCLUDED.statements_total, \
         progress_checksum = EXCLUDED.progress_checksum, applied_at = EXCLUDED.applied_at, \
         duration_ms = EXCLUDED.duration_ms, dfworx_version = EXCLUDED.dfworx_version",
        literal(&m.version),
        literal(&m.name),
        literal(m.checksum()),
        literal(env!("CARGO_PKG_VERSION")),
    )
}

/// SHA-256 of the first `done` statements (normalised), so a resumed file is known to start the same.
pub fn progress_checksum(m: &Migration, done: usize) -> String {
    let mut hasher = sha2::Sha256::new();
    for s in m.statements().iter().take(done) {
        hasher.update(source::normalize(&s.text).as_bytes());
        hasher.update([0u8]);
    }
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_and_backslashes() {
        assert_eq!(literal(r"it's a \ path"), r"E'it''s a \\ path'");
        assert_eq!(text_array(&[]), "NULL::text[]");
        assert_eq!(text_array(&["a", "b'"]), "ARRAY[E'a',E'b''']::text[]");
    }
}
