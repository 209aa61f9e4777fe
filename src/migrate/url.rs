//! Where `dfworx migrate` connects (`--database-url` > `MIGRATION_DATABASE_URL` / `DATABASE_URL` in the
//! environment > the same in `.env` at the workspace root),
//! and keeping the password out of everything it prints.

use std::path::Path;

use ::url::{Position, Url};

use crate::error::{UserError, exit};

/// The variables naming the database to migrate, the first one set winning.
const ENV_KEYS: [&str; 2] = ["MIGRATION_DATABASE_URL", "DATABASE_URL"];

/// The database URL and where it came from, plus every secret that must never be printed.
#[derive(Clone, Debug)]
pub struct Target {
    pub url: String,
    pub source: String,
    pub redactor: Redactor,
}

impl Target {
    /// `--database-url` > `MIGRATION_DATABASE_URL`, then `DATABASE_URL`, in the environment > the same
    /// two in `<root>/.env`. `env` reads the environment (a parameter so tests can give their own).
    ///
    /// A workspace's services connect as a role that row level security applies to, through
    /// `DATABASE_URL`; migrations must run as the owner of the schema, which the workspace names
    /// `MIGRATION_DATABASE_URL`. Where only `DATABASE_URL` is set (CI, older workspaces), that is the one.
    pub fn resolve(flag: Option<&str>, env: impl Fn(&str) -> Option<String>, root: &Path) -> anyhow::Result<Self> {
        let given = |value: Option<String>| value.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
        let (url, source) = if let Some(url) = given(flag.map(str::to_string)) {
            (url, "--database-url".to_string())
        } else if let Some((key, url)) = ENV_KEYS.iter().find_map(|key| given(env(key)).map(|url| (key, url))) {
            (url, (*key).to_string())
        } else {
            let found = dotenv_first(&root.join(".env"), &ENV_KEYS)?;
            found.map(|(key, url)| (url.trim().to_string(), format!("{key} in .env"))).ok_or_else(|| {
                UserError::new(
                    "no database to migrate: no --database-url, no MIGRATION_DATABASE_URL or DATABASE_URL in the environment or in .env",
                )
                .hint("pass --database-url postgresql://user@host:5432/db, or set DATABASE_URL (the workspace's .env is read too)")
            })?
        };
        let redactor = Redactor::for_url(&url);
        Ok(Self { url, source, redactor })
    }

    /// The URL with its password replaced by `***`.
    pub fn display(&self) -> String {
        self.redactor.apply(&redact_url(&self.url))
    }

    /// A warning when the URL looks like a transaction-mode pooler (Supabase's port 6543, `PgBouncer`).
    pub fn pooler_warning(&self) -> Option<String> {
        let url = Url::parse(&self.url).ok()?;
        let pgbouncer =
            url.query_pairs().any(|(k, v)| k.eq_ignore_ascii_case("pgbouncer") && v.eq_ignore_ascii_case("true"));
        (url.port() == Some(6543) || pgbouncer).then(|| {
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
        if let Some(parsed) = parse_lenient(url) {
            if let Some(password) = parsed.url.password() {
                // As the server gets it, and as `url` writes it (which is how it shows in a URL).
                secrets.push(percent_encoding::percent_decode_str(password).decode_utf8_lossy().into_owned());
                secrets.push(password.to_string());
            }
            secrets.extend(parsed.url.query_pairs().filter(|(k, _)| is_password(k)).map(|(_, v)| v.into_owned()));
        } else if !url.contains("://") {
            // Not a URL: a libpq keyword/value string.
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

fn is_password(key: &str) -> bool {
    key.eq_ignore_ascii_case("password")
}

/// A URL as `url` parses it, with the host and port it could not parse set aside.
struct Parsed<'a> {
    url: Url,
    /// The text of the authority's host and port when `url` rejected them; `url` then holds a stand-in.
    unparsed_host: Option<&'a str>,
}

impl Parsed<'_> {
    fn to_text(&self) -> String {
        match self.unparsed_host {
            None => self.url.to_string(),
            Some(host) => {
                format!("{}{host}{}", &self.url[..Position::BeforeHost], &self.url[Position::AfterPort..])
            }
        }
    }
}

/// `url` refuses some URLs a user can still type or paste: a port that is no number, libpq's
/// `h1:5432,h2:5432` host lists, a password with an `@` left unencoded after an empty host. Their
/// passwords must be hidden all the same, and `url` never refuses the parts that hold one (user
/// information and query), only the host and port: those are swapped for a stand-in, and put back
/// when the URL is shown. Where the host ends is `url`'s own rule: at the authority's last `@`, and
/// the authority at the first `/`, `?` or `#`.
fn parse_lenient(text: &str) -> Option<Parsed<'_>> {
    // A libpq keyword/value string (`host=h password=x`) is no URL, whatever `url` makes of it.
    if !text.contains("://") {
        return None;
    }
    if let Ok(url) = Url::parse(text) {
        return Some(Parsed { url, unparsed_host: None });
    }
    let authority_start = text.find("://")? + 3;
    let authority_end = text[authority_start..].find(['/', '?', '#']).map_or(text.len(), |i| authority_start + i);
    let host_start =
        text[authority_start..authority_end].rfind('@').map_or(authority_start, |at| authority_start + at + 1);
    let stand_in = format!("{}stand-in{}", &text[..host_start], &text[authority_end..]);
    let url = Url::parse(&stand_in).ok()?;
    Some(Parsed { url, unparsed_host: Some(&text[host_start..authority_end]) })
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

/// `postgresql://user:secret@host/db?password=x` → `postgresql://user:***@host/db?password=***`.
pub fn redact_url(text: &str) -> String {
    let Some(mut parsed) = parse_lenient(text) else {
        return match keyword_password(text) {
            Some(p) if !p.is_empty() => text.replace(&p, "***"),
            _ => text.to_string(),
        };
    };
    let url = &mut parsed.url;
    if url.password().is_some() {
        // Cannot fail: a URL with a password has a host (a stand-in one at least).
        let _ = url.set_password(Some("***"));
    }
    if url.query_pairs().any(|(k, _)| is_password(&k)) {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let v = if is_password(&k) { "***".to_string() } else { v.into_owned() };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_text()
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

/// The value of the first of `keys` that a `.env` file sets, read by dotenvy: `KEY=value`,
/// `export KEY=value`, quotes, `#` comments, `${OTHER}` taken from the environment or an earlier line
/// (single quotes keep a `$` as it is). The last assignment of a key wins, as when a shell sources the
/// file, or docker compose reads it; an empty value counts as unset. A line dotenvy cannot read is an
/// error naming the line, never its text (it may hold a password).
fn dotenv_first(path: &Path, keys: &[&str]) -> anyhow::Result<Option<(String, String)>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
    };
    // dotenvy's iterator leaves a byte order mark in front of the first key.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut found: Vec<Option<String>> = vec![None; keys.len()];
    for entry in dotenvy::from_read_iter(text.as_bytes()) {
        let Ok((k, v)) = entry else {
            let line = unreadable_line(text);
            return Err(UserError::new(format!(
                "cannot read {} from {}: line {line} is malformed",
                keys.join(" or "),
                path.display()
            ))
            .hint(format!(
                "fix line {line} of .env (KEY=value; a value with spaces needs quotes, KEY=\"a b\", and every quote a closing one), or pass --database-url"
            ))
            .into());
        };
        if let Some(index) = keys.iter().position(|key| *key == k) {
            found[index] = Some(v);
        }
    }
    Ok(keys
        .iter()
        .zip(found)
        .find_map(|(key, value)| value.filter(|v| !v.trim().is_empty()).map(|v| ((*key).to_string(), v))))
}

/// Which line dotenvy stumbles on: dotenvy says what it could not read, not where, and a quoted value
/// may run over several lines. The lines before it are the longest start of the file dotenvy reads
/// cleanly (a .env is short, and this runs only once it failed).
fn unreadable_line(text: &str) -> usize {
    let reads = |prefix: &str| dotenvy::from_read_iter(prefix.as_bytes()).all(|entry| entry.is_ok());
    let mut end = 0;
    let mut clean = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        end += line.len();
        if reads(&text[..end]) {
            clean = n + 1;
        }
    }
    clean + 1
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
    fn ipv6_hosts_unencoded_characters_and_query_passwords_are_handled() {
        assert_eq!(redact_url("postgresql://u:pw@[2001:db8::1]:5432/db"), "postgresql://u:***@[2001:db8::1]:5432/db");
        // An `@` or `:` left unencoded in the password: the host starts after the last `@`.
        assert_eq!(redact_url("postgresql://u:p@s:s@h/db"), "postgresql://u:***@h/db");
        let r = Redactor::for_url("postgresql://u:p@s:s@h/db");
        assert_eq!(r.apply("the password was p@s:s"), "the password was ***");
        let r = Redactor::for_url("postgresql://u@h/db?password=a%20b%26c&sslmode=disable");
        assert_eq!(r.apply("got a b&c"), "got ***");
        assert_eq!(
            redact_url("postgresql://u@h/db?PASSWORD=x&sslmode=disable"),
            "postgresql://u@h/db?PASSWORD=***&sslmode=disable"
        );
    }

    #[test]
    fn a_url_the_parser_rejects_still_has_its_password_hidden() {
        for (url, shown) in [
            ("postgresql://u:pw@127.0.0.1:notaport/x", "postgresql://u:***@127.0.0.1:notaport/x"),
            ("postgresql://u:pw@h1:5432,h2:5433/db?password=x", "postgresql://u:***@h1:5432,h2:5433/db?password=***"),
            ("postgresql://u:pw@[::1/db", "postgresql://u:***@[::1/db"),
        ] {
            assert_eq!(redact_url(url), shown);
            assert_eq!(Redactor::for_url(url).apply(&format!("{url} said pw")), format!("{shown} said ***"));
        }
        // Followed by punctuation in a message.
        let r = Redactor::default();
        assert_eq!(r.apply("at postgresql://u:pw@h:5432, then"), "at postgresql://u:***@h:5432, then");
    }

    fn dotenv(text: &str) -> anyhow::Result<Option<String>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        std::fs::write(&path, text).unwrap();
        Ok(dotenv_first(&path, &["DATABASE_URL"])?.map(|(_, value)| value))
    }

    #[test]
    fn the_migration_url_wins_over_the_services_url_and_the_environment_over_dot_env() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(".env"),
            "DATABASE_URL=postgres://api@h/file\nMIGRATION_DATABASE_URL=postgres://owner@h/file\n",
        )
        .unwrap();
        let resolve = |env: &[(&str, &str)]| {
            let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
            let target =
                Target::resolve(None, |key| env.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()), dir.path())
                    .unwrap();
            (target.url, target.source)
        };
        assert_eq!(resolve(&[]), ("postgres://owner@h/file".into(), "MIGRATION_DATABASE_URL in .env".into()));
        assert_eq!(
            resolve(&[("DATABASE_URL", "postgres://h/env")]),
            ("postgres://h/env".into(), "DATABASE_URL".into())
        );
        assert_eq!(
            resolve(&[("DATABASE_URL", "postgres://h/env"), ("MIGRATION_DATABASE_URL", " postgres://o@h/env ")]),
            ("postgres://o@h/env".into(), "MIGRATION_DATABASE_URL".into())
        );
        assert_eq!(
            resolve(&[("MIGRATION_DATABASE_URL", "")]),
            ("postgres://owner@h/file".into(), "MIGRATION_DATABASE_URL in .env".into())
        );
    }

    #[test]
    fn the_dotenv_reader_handles_quotes_exports_and_comments() {
        let value = |text: &str| dotenv(text).unwrap();
        let env = "# c\nexport DATABASE_URL=\"postgres://a:b@h/d\"\nOTHER=1\n";
        assert_eq!(value(env).as_deref(), Some("postgres://a:b@h/d"));
        assert_eq!(value("\u{feff}DATABASE_URL=postgres://h/d # local\n").as_deref(), Some("postgres://h/d"));
        assert_eq!(value("DATABASE_URL=postgres://h/d\r\n").as_deref(), Some("postgres://h/d"));
        assert_eq!(value("DATABASE_URLX=1\n"), None);
        assert_eq!(value("OTHER=1\n"), None);
    }

    #[test]
    fn in_dotenv_the_last_assignment_wins_and_single_quotes_keep_a_dollar_sign() {
        let value = |text: &str| dotenv(text).unwrap();
        assert_eq!(value("DATABASE_URL='x'\nexport DATABASE_URL=y\n").as_deref(), Some("y"));
        assert_eq!(value("DATABASE_URL=y\nDATABASE_URL=\n").as_deref(), None, "an empty value is unset");
        assert_eq!(value("DATABASE_URL='postgres://u:pa$word@h/d'\n").as_deref(), Some("postgres://u:pa$word@h/d"));
        assert_eq!(
            value("PW=s3cret\nDATABASE_URL=\"postgres://u:${PW}@h/d\"\n").as_deref(),
            Some("postgres://u:s3cret@h/d")
        );
    }

    #[test]
    fn a_malformed_dotenv_names_its_line_and_never_its_text() {
        let line_of = |text: &str| {
            let err = dotenv(text).unwrap_err();
            let user = err.downcast_ref::<UserError>().expect("a user error");
            assert_eq!(user.code, exit::USER);
            assert!(!user.message.contains("hunter2"), "{}", user.message);
            assert!(user.message.contains(".env: line "), "{}", user.message);
            user.message.rsplit(": line ").next().unwrap().split(' ').next().unwrap().parse::<usize>().unwrap()
        };
        assert_eq!(line_of("A=1\n\nDATABASE_URL=postgres://u:hunter2 @h/d\n"), 3);
        assert_eq!(line_of("A=1\nKEY='a\nb'\nnot a line hunter2\nB=2\n"), 4, "a quoted value over two lines");
        assert_eq!(line_of("A=1\nDATABASE_URL=\"postgres://u:hunter2@h/d\nB=2\n"), 2, "a quote never closed");
    }

    #[test]
    fn a_transaction_pooler_url_is_recognised() {
        let t = |url: &str| Target { url: url.into(), source: String::new(), redactor: Redactor::default() };
        assert!(t("postgres://u:p@aws-0-eu.pooler.supabase.com:6543/postgres").pooler_warning().is_some());
        assert!(t("postgres://u@h:5432/db?pgbouncer=true").pooler_warning().is_some());
        assert!(t("postgres://u@[::1]:6543/db").pooler_warning().is_some());
        assert!(t("postgres://u@h:5432/db").pooler_warning().is_none());
        assert!(t("postgres://u@h:16543/db?note=pgbouncer=true").pooler_warning().is_none());
    }
}
