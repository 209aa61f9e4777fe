//! Where `dfworx migrate` connects (`--database-url` > `DATABASE_URL` > `.env` at the workspace root),
//! and keeping the password out of everything it prints.

use std::path::Path;

use crate::error::{UserError, exit};

/// The database URL and where it came from, plus every secret that must never be printed.
#[derive(Clone, Debug)]
pub struct Target {
    pub url: String,
    pub source: String,
    pub redactor: Redactor,
}

impl Target {
    /// `--database-url` > `DATABASE_URL` in the environment > `DATABASE_URL` in `<root>/.env`.
    pub fn resolve(flag: Option<&str>, env: Option<String>, root: &Path) -> anyhow::Result<Self> {
        let (url, source) = if let Some(url) = flag.filter(|u| !u.trim().is_empty()) {
            (url.trim().to_string(), "--database-url".to_string())
        } else if let Some(url) = env.filter(|u| !u.trim().is_empty()) {
            (url.trim().to_string(), "DATABASE_URL".to_string())
        } else {
            let path = root.join(".env");
            let from_file = match std::fs::read_to_string(&path) {
                Ok(text) => dotenv_value(&text, "DATABASE_URL"),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
            };
            match from_file.filter(|u| !u.trim().is_empty()) {
                Some(url) => (url.trim().to_string(), "DATABASE_URL in .env".to_string()),
                None => {
                    return Err(UserError::new("no database to migrate: no --database-url, no DATABASE_URL in the environment or in .env")
                        .hint("pass --database-url postgresql://user@host:5432/db, or set DATABASE_URL (the workspace's .env is read too)")
                        .into());
                }
            }
        };
        let redactor = Redactor::for_url(&url);
        Ok(Self { url, source, redactor })
    }

    /// The URL with its password replaced by `***`.
    pub fn display(&self) -> String {
        self.redactor.apply(&redact_url(&self.url))
    }

    /// A warning when the URL looks like a transaction-mode pooler (Supabase's port 6543, PgBouncer).
    pub fn pooler_warning(&self) -> Option<String> {
        let lower = self.url.to_ascii_lowercase();
        let port_6543 = authority(&lower).is_some_and(|a| a.rsplit_once(':').is_some_and(|(_, port)| port == "6543"));
        let pgbouncer = lower.contains("pgbouncer=true");
        (port_6543 || pgbouncer).then(|| {
            "the database URL looks like a transaction-mode pooler (port 6543 or pgbouncer=true): a session advisory lock \
             does not hold across transactions there, so concurrent runs are not kept apart; use the direct connection \
             or the session pooler (port 5432) for migrations"
                .to_string()
        })
    }
}

/// Removes every known secret from text bound for the screen.
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub fn for_url(url: &str) -> Self {
        let mut secrets = Vec::new();
        if let Some(password) = url_password(url) {
            secrets.push(percent_decode(&password));
            secrets.push(password);
        }
        for (key, value) in query_pairs(url) {
            if key.eq_ignore_ascii_case("password") {
                secrets.push(percent_decode(value));
                secrets.push(value.to_string());
            }
        }
        // Not a URL: a libpq keyword/value string.
        if !url.contains("://") {
            secrets.extend(keyword_password(url));
        }
        if let Ok(password) = std::env::var("PGPASSWORD") {
            secrets.push(password);
        }
        secrets.retain(|s| !s.is_empty() && s != "***");
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    /// Passwords in URLs and `password=` pairs, then every other occurrence of a known secret that
    /// stands as a word of its own: a password such as `postgres` is hidden wherever it shows alone
    /// (a user name equal to it too), but `postgresql://` stays readable.
    pub fn apply(&self, text: &str) -> String {
        let mut text = redact_url_like(text);
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = replace_standalone(&text, secret);
            }
        }
        text
    }
}

fn replace_standalone(text: &str, secret: &str) -> String {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let glued_before = word(secret.chars().next());
    let glued_after = word(secret.chars().next_back());
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(secret) {
        let (before, after) = (&rest[..at], &rest[at + secret.len()..]);
        let inside = (glued_before && word(before.chars().next_back())) || (glued_after && word(after.chars().next()));
        out.push_str(before);
        out.push_str(if inside { secret } else { "***" });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The `user:password@host:port` part of a URL, if it has one.
fn authority(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end])
}

fn url_password(url: &str) -> Option<String> {
    let authority = authority(url)?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    Some(password.to_string())
}

fn query_pairs(url: &str) -> impl Iterator<Item = (&str, &str)> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let query = query.split_once('#').map_or(query, |(q, _)| q);
    query.split('&').filter_map(|pair| pair.split_once('='))
}

fn keyword_password(dsn: &str) -> Option<String> {
    let at = dsn.to_ascii_lowercase().find("password")?;
    let rest = dsn[at + "password".len()..].trim_start().strip_prefix('=')?.trim_start();
    let value = if let Some(quoted) = rest.strip_prefix('\'') {
        quoted.split('\'').next().unwrap_or("")
    } else {
        rest.split_whitespace().next().unwrap_or("")
    };
    Some(value.to_string())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `postgresql://user:secret@host/db?password=x` → `postgresql://user:***@host/db?password=***`.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return match keyword_password(url) {
            Some(p) if !p.is_empty() => url.replace(&p, "***"),
            _ => url.to_string(),
        };
    };
    let rest_start = scheme_end + 3;
    let rest = &url[rest_start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let mut out = url[..rest_start].to_string();
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => out.push_str(&format!("{user}:***@{host}")),
            None => out.push_str(authority),
        },
        None => out.push_str(authority),
    }
    let tail = &rest[end..];
    match tail.split_once('?') {
        Some((path, query)) => {
            out.push_str(path);
            out.push('?');
            let redacted: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => pair.to_string(),
                })
                .collect();
            out.push_str(&redacted.join("&"));
        }
        None => out.push_str(tail),
    }
    out
}

/// Redacts anything in free text that looks like a postgres URL with a password.
fn redact_url_like(text: &str) -> String {
    if !text.contains("://") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("postgres") {
        out.push_str(&rest[..at]);
        let candidate = &rest[at..];
        let end = candidate
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .unwrap_or(candidate.len());
        let token = &candidate[..end];
        if token.starts_with("postgres://") || token.starts_with("postgresql://") {
            out.push_str(&redact_url(token));
        } else {
            out.push_str(token);
        }
        rest = &candidate[end..];
        if end == 0 {
            // Never loop without progress.
            let c = rest.chars().next().map_or(0, char::len_utf8);
            out.push_str(&rest[..c]);
            rest = &rest[c..];
        }
    }
    out.push_str(rest);
    out
}

/// The value of `key` in a `.env` file: `KEY=value`, `export KEY=value`, quoted or not, `#` comments.
/// The last assignment wins, as with docker compose and python-dotenv.
pub fn dotenv_value(text: &str, key: &str) -> Option<String> {
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((k, v)) = line.split_once('=') else { continue };
        if k.trim() != key {
            continue;
        }
        let v = v.trim();
        let value = if let Some(inner) = v.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => value.push('\n'),
                        Some(other) => value.push(other),
                        None => {}
                    },
                    c => value.push(c),
                }
            }
            value
        } else if let Some(inner) = v.strip_prefix('\'') {
            inner.split('\'').next().unwrap_or("").to_string()
        } else {
            let cut = v.find(" #").unwrap_or(v.len());
            v[..cut].trim().to_string()
        };
        found = Some(value);
    }
    found
}

/// A failure to reach the database: exit code for connection problems.
pub fn connection_error(message: String, hint: impl Into<String>) -> UserError {
    UserError { message, hint: Some(hint.into()), code: exit::MIGRATE_CONNECTION }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_in_urls_and_free_text() {
        assert_eq!(
            redact_url("postgresql://postgres:s3cr%40t@db.example.com:5432/app"),
            "postgresql://postgres:***@db.example.com:5432/app"
        );
        assert_eq!(
            redact_url("postgres://u@h/db?sslmode=require&password=x1"),
            "postgres://u@h/db?sslmode=require&password=***"
        );
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
        assert_eq!(redact_url("host=h password=hunter2 dbname=x"), "host=h password=*** dbname=x");
        let r = Redactor::for_url("postgresql://postgres:s3cr%40t@db:5432/app");
        assert_eq!(r.apply("auth failed for s3cr@t and s3cr%40t"), "auth failed for *** and ***");
        assert_eq!(r.apply("see postgresql://other:pw@x/y now"), "see postgresql://other:***@x/y now");
        let r = Redactor::for_url("postgresql://postgres:postgres@localhost:5432/acme");
        assert_eq!(
            r.apply("cannot connect to postgresql://postgres:postgres@localhost:5432/acme: postgres said no"),
            "cannot connect to postgresql://***:***@localhost:5432/acme: *** said no"
        );
    }

    #[test]
    fn the_dotenv_reader_handles_quotes_exports_and_comments() {
        let env = "# c\nexport DATABASE_URL=\"postgres://a:b@h/d\"\nOTHER=1\n";
        assert_eq!(dotenv_value(env, "DATABASE_URL").as_deref(), Some("postgres://a:b@h/d"));
        assert_eq!(
            dotenv_value("DATABASE_URL=postgres://h/d # local\n", "DATABASE_URL").as_deref(),
            Some("postgres://h/d")
        );
        assert_eq!(dotenv_value("DATABASE_URL='x'\nDATABASE_URL=y\n", "DATABASE_URL").as_deref(), Some("y"));
        assert_eq!(dotenv_value("DATABASE_URLX=1\n", "DATABASE_URL"), None);
    }

    #[test]
    fn a_transaction_pooler_url_is_recognised() {
        let t = |url: &str| Target { url: url.into(), source: String::new(), redactor: Redactor::default() };
        assert!(t("postgres://u:p@aws-0-eu.pooler.supabase.com:6543/postgres").pooler_warning().is_some());
        assert!(t("postgres://u@h:5432/db?pgbouncer=true").pooler_warning().is_some());
        assert!(t("postgres://u@h:5432/db").pooler_warning().is_none());
    }
}
