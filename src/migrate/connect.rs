//! One dedicated connection per run, and the one-or-two-line errors for every way of not getting it.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgSslMode};
use sqlx::{Connection as _, PgConnection};

use super::lock;
use super::url::{Target, connection_error};
use crate::printer::Printer;

/// A connection, and whether it holds the migration lock (released again by [`Session::close`]).
pub struct Session {
    pub conn: PgConnection,
    pub locked: bool,
}

impl Session {
    pub async fn open(target: &Target, timeout: Duration, printer: &Printer) -> anyhow::Result<Self> {
        if let Some(warning) = target.pooler_warning() {
            printer.warn(&warning);
        }
        printer.detail("Connecting", &shown(target));
        Ok(Self { conn: connect(target, timeout).await?, locked: false })
    }

    /// Replaces the connection with a new one to the same database (see `ledger::read_rows_at_once`).
    pub async fn reconnect(&mut self, target: &Target, timeout: Duration) -> anyhow::Result<()> {
        let fresh = connect(target, timeout).await?;
        let old = std::mem::replace(&mut self.conn, fresh);
        let _ = old.close().await;
        Ok(())
    }

    pub fn server_version(&self) -> u32 {
        self.conn.server_version_num().unwrap_or(150_000)
    }

    /// Ends any open transaction, releases the lock, closes the connection. Runs on every path.
    pub async fn close(mut self) {
        if self.locked {
            let _ = sqlx::raw_sql("ROLLBACK").execute(&mut self.conn).await;
            let _ = lock::release(&mut self.conn).await;
        }
        let _ = self.conn.close().await;
    }
}

fn shown(target: &Target) -> String {
    format!("{} (from {})", target.display(), target.source)
}

/// Opens the connection: plaintext first on loopback (see [`loopback_without_ssl_mode`]), every failure
/// turned into a one-or-two-line error.
pub(super) async fn connect(target: &Target, timeout: Duration) -> anyhow::Result<PgConnection> {
    let shown = shown(target);
    let scheme = target.url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("postgres" | "postgresql")) {
        return Err(connection_error(
            format!("the database URL {shown} is not a postgresql:// URL"),
            "expected postgresql://user@host:5432/database (a password goes after the user, separated by a colon)",
        )
        .into());
    }
    let mut options = PgConnectOptions::from_str(&target.url).map_err(|e| {
        connection_error(
            target.redactor.apply(&format!("the database URL {shown} is not valid: {}", plain(&e))),
            "expected postgresql://user@host:5432/database (a password goes after the user, separated by a colon)",
        )
    })?;
    if options.get_application_name().is_none() {
        options = options.application_name("dfworx migrate");
    }
    let plaintext_first = loopback_without_ssl_mode(&options, &target.url, std::env::var_os("PGSSLMODE").is_some());
    let attempt = |options: PgConnectOptions| {
        tokio::time::timeout(
            timeout,
            async move { PgConnection::connect_with(&options).await.map_err(|e| (e, options)) },
        )
    };
    let first = if plaintext_first { options.clone().ssl_mode(PgSslMode::Disable) } else { options.clone() };
    let mut result = attempt(first).await;
    if plaintext_first
        && matches!(&result, Ok(Err((sqlx::Error::Database(db), _))) if db.code().as_deref() == Some("28000"))
    {
        // The server wants TLS even on loopback (a hostssl line in pg_hba.conf): what sslmode=prefer does.
        result = attempt(options).await;
    }
    match result {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err((e, options))) => Err(describe(&e, &shown, &options, target).into()),
        Err(_) => Err(connection_error(
            format!("cannot connect to {shown}: no answer within {}", super::duration::show(timeout)),
            "check the host and port, and that PostgreSQL accepts connections from this machine",
        )
        .into()),
    }
}

/// Whether to try a plaintext connection before TLS: the host is this machine and nothing asks for an
/// sslmode (not PGSSLMODE, not any `ssl…` parameter in the URL), so libpq's default, `prefer`, would
/// start a TLS handshake. TLS protects nothing on loopback, and sqlx 0.9.0 leaves Nagle's algorithm on
/// (sqlx issue #4335, fixed upstream but unreleased): the handshake stalls twice on delayed ACKs, about
/// 100 ms here, most of a no-op run. A server that insists on TLS refuses the plaintext attempt and gets
/// the TLS one (libpq's `sslmode=allow`).
fn loopback_without_ssl_mode(options: &PgConnectOptions, url: &str, pgsslmode_set: bool) -> bool {
    let asked = pgsslmode_set
        || ::url::Url::parse(url).map_or(true, |url| {
            url.query_pairs().any(|(key, _)| key.get(..3).is_some_and(|k| k.eq_ignore_ascii_case("ssl")))
        });
    let host = options.get_host().trim_start_matches('[').trim_end_matches(']');
    let loopback =
        host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    !asked && options.get_socket().is_none() && loopback
}

/// sqlx's own text for an error, without its generic prefixes.
fn plain(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Configuration(inner) | sqlx::Error::Tls(inner) => inner.to_string(),
        sqlx::Error::Database(db) => db.message().to_string(),
        sqlx::Error::Io(io) => io.to_string(),
        other => other.to_string(),
    }
}

fn describe(e: &sqlx::Error, shown: &str, options: &PgConnectOptions, target: &Target) -> crate::error::UserError {
    let user = options.get_username().to_string();
    let database = options.get_database().unwrap_or(&user).to_string();
    let (what, hint) = match e {
        sqlx::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionRefused => (
                "connection refused".to_string(),
                format!("is PostgreSQL running and listening on {}:{}?", options.get_host(), options.get_port()),
            ),
            _ if io.to_string().contains("lookup") || io.to_string().contains("resolve") => {
                (format!("cannot resolve host {}", options.get_host()), "check the host name in the database URL".to_string())
            }
            _ => (io.to_string(), "check the host and port in the database URL".to_string()),
        },
        sqlx::Error::Database(db) => {
            let code = db.code().map(std::borrow::Cow::into_owned).unwrap_or_default();
            let hint = match code.as_str() {
                "28P01" => format!("check the password for user {user} in the database URL"),
                "28000" => "the server refused this user or client address (pg_hba.conf)".to_string(),
                "3D000" => format!("create it first, e.g. `createdb {database}`, or fix the database name in the URL"),
                "57P03" => "the server is starting up or shutting down; try again in a moment".to_string(),
                "53300" => "the server has no free connection slots".to_string(),
                _ => "check the database URL".to_string(),
            };
            (db.message().to_string(), hint)
        }
        sqlx::Error::Tls(inner) => (
            format!("TLS failed: {inner}"),
            "check sslmode in the database URL (e.g. ?sslmode=require for hosted Supabase, ?sslmode=disable for a local server without TLS)"
                .to_string(),
        ),
        sqlx::Error::Protocol(inner) => (
            format!("the server at {}:{} does not answer like PostgreSQL ({inner})", options.get_host(), options.get_port()),
            "check the host and port in the database URL".to_string(),
        ),
        other => (plain(other), "check the database URL".to_string()),
    };
    connection_error(target.redactor.apply(&format!("cannot connect to {shown}: {what}")), target.redactor.apply(&hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plaintext_is_tried_first_only_on_loopback_when_nothing_asks_for_tls() {
        let first =
            |url: &str, env: bool| loopback_without_ssl_mode(&PgConnectOptions::from_str(url).unwrap(), url, env);
        assert!(first("postgresql://postgres@127.0.0.1:5432/db", false));
        assert!(first("postgresql://postgres@localhost/db", false));
        assert!(first("postgresql://postgres@[::1]:5432/db", false));
        assert!(!first("postgresql://postgres@127.0.0.1:5432/db", true), "PGSSLMODE set");
        assert!(!first("postgresql://postgres@127.0.0.1/db?sslmode=require", false));
        assert!(!first("postgresql://postgres@localhost/db?sslrootcert=ca.pem", false));
        assert!(!first("postgresql://u:p@db.abc.supabase.co:5432/postgres", false));
        assert!(!first("postgresql://u@10.0.0.5/db", false));
    }
}
