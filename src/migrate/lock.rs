//! The migration lock: a session advisory lock taken by polling `pg_try_advisory_lock`.
//!
//! Never a blocking `pg_advisory_lock`: a session waiting in it holds a snapshot, and a
//! `CREATE INDEX CONCURRENTLY` run by the lock holder waits for every older snapshot to go away — the
//! two wait for each other forever. A poller sits idle between attempts, holding nothing.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use sqlx::{PgConnection, Row as _};

use crate::error::{UserError, exit};
use crate::printer::Printer;

/// The lock's key: "dfwxmigr" in ASCII. Advisory locks are per database, so runs against different
/// databases of one server never wait for each other. The SQL below spells it out (a test keeps them in
/// step).
#[cfg_attr(not(test), allow(dead_code))]
pub const KEY: i64 = 0x6466_7778_6d69_6772;

/// Takes the lock, or answers why not. On success the session's `application_name` gets the time it
/// took the lock, which is what a waiting run then reports as "since".
const TRY_LOCK: &str = "SELECT CASE WHEN pg_try_advisory_lock(7234601210532685682) THEN \
     set_config('application_name', left(current_setting('application_name'), 24) || ', locked ' || \
     to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', false) END";

const UNLOCK: &str = "SELECT pg_advisory_unlock(7234601210532685682)";

/// Who holds the lock: pid, application name (with the time it took the lock, for dfworx), user,
/// when it connected, what it is doing.
const HOLDER: &str = "SELECT a.pid::text, coalesce(a.application_name, ''), coalesce(a.usename::text, ''), \
     coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC', ''), coalesce(a.state, '') \
     FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
       AND l.classid = 1684436856::oid AND l.objid = 1835624306::oid \
       AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()) \
     LIMIT 1";

pub async fn acquire(conn: &mut PgConnection, timeout: Duration, printer: &Printer) -> anyhow::Result<()> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(20);
    let mut announced = false;
    loop {
        let rows = sqlx::raw_sql(TRY_LOCK)
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| super::db_error(&e, "cannot take the migration lock"))?;
        let locked = rows.first().and_then(|r| r.try_get::<Option<String>, _>(0).ok().flatten()).is_some();
        if locked {
            return Ok(());
        }
        let waited = start.elapsed();
        if waited >= timeout {
            let holder = holder(conn).await.unwrap_or(None);
            let who = holder.map_or_else(|| "by a session that has since ended".to_string(), |h| format!("by {h}"));
            let pid_hint = holder_pid(&who);
            return Err(UserError {
                message: format!("gave up after {} waiting for the migration lock, held {who}", super::duration::show(timeout)),
                hint: Some(format!(
                    "another `dfworx migrate` is applying migrations to this database: wait for it, or raise --lock-timeout; if that process is gone for good, end its session with SELECT pg_terminate_backend({pid_hint})"
                )),
                code: exit::MIGRATE_LOCK_TIMEOUT,
            }
            .into());
        }
        if !announced {
            announced = true;
            if let Ok(Some(h)) = holder(conn).await {
                printer.status("Waiting", &format!("for the migration lock, held by {h}"));
            }
        }
        // Exponential backoff with jitter, so waiting runs don't poll in step.
        let jitter = Duration::from_millis(u64::from(start.elapsed().subsec_nanos() % 17));
        tokio::time::sleep((delay + jitter).min(timeout.saturating_sub(waited))).await;
        delay = (delay * 3 / 2).min(Duration::from_millis(500));
    }
}

pub async fn release(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::raw_sql(UNLOCK).execute(&mut *conn).await.map(|_| ())
}

async fn holder(conn: &mut PgConnection) -> Result<Option<String>, sqlx::Error> {
    let rows = sqlx::raw_sql(HOLDER).fetch_all(&mut *conn).await?;
    let Some(row) = rows.first() else { return Ok(None) };
    let get = |i: usize| row.try_get::<String, _>(i).unwrap_or_default();
    let (pid, app, user, since, state) = (get(0), get(1), get(2), get(3), get(4));
    let mut out = format!("pid {pid}");
    let mut details = Vec::new();
    if !app.is_empty() {
        details.push(format!("application \"{app}\""));
    }
    if !user.is_empty() {
        details.push(format!("user {user}"));
    }
    if !since.is_empty() {
        details.push(format!("connected since {since}"));
    }
    if !state.is_empty() {
        details.push(format!("state {state}"));
    }
    if !details.is_empty() {
        let _ = write!(out, " ({})", details.join(", "));
    }
    Ok(Some(out))
}

fn holder_pid(who: &str) -> String {
    who.strip_prefix("by pid ")
        .and_then(|s| s.split_whitespace().next())
        .map_or_else(|| "<pid>".to_string(), ToString::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sql_constants_agree_with_the_key() {
        assert!(TRY_LOCK.contains(&KEY.to_string()) && UNLOCK.contains(&KEY.to_string()));
        // A bigint advisory lock shows in pg_locks as classid = high 32 bits, objid = low 32 bits.
        let (hi, lo) = (KEY >> 32, KEY & 0xffff_ffff);
        assert!(HOLDER.contains(&format!("classid = {hi}::oid")) && HOLDER.contains(&format!("objid = {lo}::oid")));
    }
}
