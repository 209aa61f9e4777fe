//! The migration files: `supabase/migrations/<version>_<name>.sql`, version = digits, ordered by
//! numeric value. Anything else ending in `.sql` is an error, never silently skipped.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::path::Path;

use anyhow::Context as _;

use super::split::{self, Statement};
use crate::error::UserError;

/// Where the migrations live, relative to the workspace root (the Supabase CLI's layout).
pub const DIR: &str = "supabase/migrations";

#[derive(Clone, Debug)]
pub struct Migration {
    pub version: String,
    pub name: String,
    pub file_name: String,
    /// The file's text as read (a BOM and CRLF line ends are kept: the ledger stores them verbatim).
    pub text: String,
    /// SHA-256 of the text with a BOM and CRLF line ends normalised away, made when the file is read
    /// (on the thread that reads files while the connection opens, not on the way to the answer).
    checksum: String,
    /// The Supabase CLI's split of `text`, made on first use: a file the ledger vouches for by checksum
    /// is never split (see `ledger::read`).
    statements: std::sync::OnceLock<Vec<Statement>>,
}

impl Migration {
    pub fn from_text(file_name: &str, text: String) -> Option<Self> {
        let (version, name) = parse_file_name(file_name)?;
        Some(Self {
            version: version.to_string(),
            name: name.to_string(),
            file_name: file_name.to_string(),
            checksum: crate::state::sha256_hex(normalize(&text).as_bytes()),
            text,
            statements: std::sync::OnceLock::new(),
        })
    }

    /// The Supabase CLI's split of the file.
    pub fn statements(&self) -> &[Statement] {
        self.statements.get_or_init(|| split::split(&self.text))
    }

    /// The statement texts, as the ledger stores them.
    pub fn statement_texts(&self) -> Vec<&str> {
        self.statements().iter().map(|s| s.text.as_str()).collect()
    }

    /// SHA-256 of the file with a BOM and CRLF line ends normalised away.
    pub fn checksum(&self) -> &str {
        &self.checksum
    }

    /// What PostgreSQL is sent: the file without a BOM (which PostgreSQL would take for part of a word).
    pub fn executable_text(&self) -> &str {
        self.text.strip_prefix('\u{feff}').unwrap_or(&self.text)
    }

    /// Line of a statement's first word (past the comments in front of it).
    pub fn statement_line(&self, s: &Statement) -> usize {
        split::line_of(&self.text, s.first_word())
    }
}

/// Text compared for drift: a leading BOM dropped, CRLF read as LF.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains("\r\n") { Cow::Owned(text.replace("\r\n", "\n")) } else { Cow::Borrowed(text) }
}

/// `<digits>_<anything>.sql` → (version, name), the Supabase CLI's pattern.
pub fn parse_file_name(file_name: &str) -> Option<(&str, &str)> {
    let stem = file_name.strip_suffix(".sql")?;
    let (version, name) = stem.split_once('_')?;
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit())).then_some((version, name))
}

/// Orders version strings by numeric value, however long (leading zeros don't count).
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let a = a.trim_start_matches('0');
    let b = b.trim_start_matches('0');
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Every migration in `<root>/supabase/migrations`, in version order.
pub fn load(root: &Path) -> anyhow::Result<Vec<Migration>> {
    let dir = root.join(DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(UserError::new(format!("{DIR}/ does not exist in {}", root.display()))
                .hint("create a first migration with `dfworx migrate new <name>`")
                .into());
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {}", dir.display()))),
    };
    // (file name, length of its version), sorted by version before reading.
    let mut names: Vec<(String, usize)> = Vec::new();
    for entry in entries {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        // The type comes with the directory listing on most file systems: no stat per file.
        let file_type = entry.file_type().ok();
        if file_type.is_some_and(|t| t.is_symlink()) {
            return Err(UserError::new(format!(
                "{DIR}/{} is a symbolic link; dfworx never reads or writes through one",
                crate::names::shown(&entry.file_name().to_string_lossy())
            ))
            .hint("replace the link with the file it points to")
            .into());
        }
        let is_dir = file_type.map_or_else(|| entry.path().is_dir(), |t| t.is_dir());
        let is_sql = file_name.len() >= 4 && file_name.as_bytes()[file_name.len() - 4..].eq_ignore_ascii_case(b".sql");
        if !is_sql || is_dir {
            continue;
        }
        let Some((version, _)) = parse_file_name(&file_name) else {
            return Err(UserError::new(format!("{DIR}/{file_name} is not named <version>_<name>.sql (version: digits only, e.g. 20240101120000_create_users.sql)"))
                .hint("rename it to match, or move it out of supabase/migrations (dfworx never skips a .sql file there)")
                .into());
        };
        let length = version.len();
        names.push((file_name, length));
    }
    names.sort_unstable_by(|(a, a_len), (b, b_len)| {
        let (a_version, b_version) = (&a[..*a_len], &b[..*b_len]);
        compare_versions(a_version, b_version).then_with(|| a_version.cmp(b_version)).then_with(|| a.cmp(b))
    });
    let names: Vec<String> = names.into_iter().map(|(name, ..)| name).collect();
    let migrations = read_all(&dir, &names)?;
    for pair in migrations.windows(2) {
        if compare_versions(&pair[0].version, &pair[1].version) == Ordering::Equal {
            return Err(UserError::new(format!(
                "{DIR}/{} and {DIR}/{} have the same version",
                pair[0].file_name, pair[1].file_name
            ))
            .hint("give one of them a later version (`dfworx migrate new <name>` picks one)")
            .into());
        }
    }
    Ok(migrations)
}

/// Reads the files one after the other: `load` already runs beside the connection, and a second
/// reader would only take the core the database server needs to start its backend.
fn read_all(dir: &Path, names: &[String]) -> anyhow::Result<Vec<Migration>> {
    let files = Files::open(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    names
        .iter()
        .map(|file_name| {
            let bytes =
                files.read(file_name).with_context(|| format!("cannot read {}", dir.join(file_name).display()))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                UserError::new(format!("{DIR}/{file_name} is not valid UTF-8")).hint("save the file as UTF-8")
            })?;
            Migration::from_text(file_name, text)
                .ok_or_else(|| anyhow::anyhow!("{file_name}: not a migration file name"))
        })
        .collect()
}

/// Reads files of one directory: on Unix each is opened relative to the directory (no path walk) and
/// read with one call when its size is known, instead of `std::fs::read`'s path walk and second read.
struct Files {
    #[cfg(unix)]
    dir: std::os::fd::OwnedFd,
    #[cfg(not(unix))]
    dir: PathBuf,
}

impl Files {
    #[cfg(unix)]
    fn open(dir: &Path) -> std::io::Result<Self> {
        use rustix::fs::{Mode, OFlags};
        let dir = rustix::fs::open(dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())?;
        Ok(Self { dir })
    }

    #[cfg(unix)]
    fn read(&self, file_name: &str) -> std::io::Result<Vec<u8>> {
        use rustix::fs::{Mode, OFlags};
        use std::io::Read as _;
        let fd =
            rustix::fs::openat(&self.dir, file_name, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY, Mode::empty())?;
        let mut file = std::fs::File::from(fd);
        let size = usize::try_from(file.metadata()?.len()).unwrap_or(0);
        // One byte more than the size: a file that grew since is read on to its end below.
        let mut bytes = vec![0; size + 1];
        let mut filled = 0;
        loop {
            let n = file.read(&mut bytes[filled..])?;
            filled += n;
            if n == 0 || filled == size {
                break;
            }
            if filled == bytes.len() {
                bytes.resize(bytes.len() * 2, 0);
            }
        }
        bytes.truncate(filled);
        Ok(bytes)
    }

    #[cfg(not(unix))]
    fn open(dir: &Path) -> std::io::Result<Self> {
        Ok(Self { dir: dir.to_path_buf() })
    }

    #[cfg(not(unix))]
    fn read(&self, file_name: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.dir.join(file_name))
    }
}

/// Checks a name for `migrate new`: lowercase letters, digits and underscores.
pub fn validate_name(name: &str) -> Result<(), UserError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.starts_with('_')
        && !name.ends_with('_');
    if ok {
        return Ok(());
    }
    let suggestion = heck::ToSnakeCase::to_snake_case(name)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let bad = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'));
    let what = match bad {
        _ if name.is_empty() => "is empty".to_string(),
        Some(c) => format!("contains {c:?}"),
        None if name.len() > 100 => "is longer than 100 characters".to_string(),
        None => "starts or ends with an underscore".to_string(),
    };
    let hint = if suggestion.is_empty() || suggestion == name || name.len() > 100 {
        "use lowercase letters, digits and underscores, e.g. `add_users_table`".to_string()
    } else {
        format!("use lowercase letters, digits and underscores, e.g. `{}`", suggestion.trim_matches('_'))
    };
    Err(UserError::new(format!("migration name {name:?} {what}")).hint(hint))
}

/// The file `dfworx migrate new <name>` writes: `supabase/migrations/<UTC timestamp>_<name>.sql` (path
/// from the workspace root) and its text. The version is never older than (nor equal to) the newest
/// existing one, so the new file always sorts last. Nothing is written here: the caller applies it.
pub fn new_file(root: &Path, name: &str, tenant: bool, now: jiff::Timestamp) -> anyhow::Result<(String, String)> {
    validate_name(name)?;
    let dir = root.join(DIR);
    let existing = if dir.exists() { load(root)? } else { Vec::new() };
    let mut version = now.strftime("%Y%m%d%H%M%S").to_string();
    if let Some(newest) = existing.last()
        && compare_versions(&version, &newest.version) != Ordering::Greater
    {
        version = increment(&newest.version);
    }
    if tenant {
        return Ok((format!("{DIR}/{version}_{name}.sql"), tenant_body(&version, name)));
    }
    let body = format!(
        "-- {name}\n--\n-- Runs in one transaction with its ledger row. For CREATE INDEX CONCURRENTLY and other\n-- statements that cannot run in a transaction, dfworx switches to statement-by-statement\n-- execution by itself (or put `{}` on the first line).\n\n",
        super::classify::NO_TRANSACTION_HEADER
    );
    Ok((format!("{DIR}/{version}_{name}.sql"), body))
}

/// A tenant migration in the form of the schema tenancy's contract: applying the file registers the
/// statements; `dfworx migrate` then runs them in every tenant's schema. `name` is validated (lowercase
/// letters, digits, underscores), so it needs no quoting.
fn tenant_body(version: &str, name: &str) -> String {
    format!(
        "-- Tenant migration: runs in every tenant's schema (dfworx migrate brings every tenant up to date).\n\
         --\n\
         -- {name}: one $statement$…$statement$ per statement, separated by commas, with unqualified names\n\
         -- (each tenant's schema comes first on the search_path; shared tables are public.<name>).\n\
         -- Once applied it is history: change a tenant's schema again in a new tenant migration.\n\
         -- Without dfworx: `select public.apply_tenant_migrations(id) from public.tenants;` after applying.\n\
         select public.register_tenant_migration('{version}', '{name}', array[\n\
         \x20 -- $statement$create table if not exists notes (id uuid primary key default gen_random_uuid(), body text not null, created_at timestamptz not null default now())$statement$,\n\
         \x20 -- $statement$create index if not exists notes_created_at_idx on notes (created_at)$statement$\n\
         ]::text[]);\n"
    )
}

/// The version after `version`: a timestamp's next second, else decimal `version + 1` keeping its width.
fn increment(version: &str) -> String {
    // A UTC timestamp (what dfworx and the Supabase CLI write) gets the next second, so that the
    // version stays a valid time (…235959 → the next day's …000000, never …235960).
    let civil = jiff::civil::DateTime::strptime("%Y%m%d%H%M%S", version).ok();
    if let Some(next) =
        civil.filter(|_| version.len() == 14).and_then(|t| t.checked_add(jiff::SignedDuration::from_secs(1)).ok())
    {
        return next.strftime("%Y%m%d%H%M%S").to_string();
    }
    let mut digits: Vec<u8> = version.bytes().collect();
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return String::from_utf8(digits).unwrap_or_default();
        }
    }
    format!("1{}", String::from_utf8(digits).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_follow_the_supabase_pattern() {
        assert_eq!(parse_file_name("20240101000000_create_users.sql"), Some(("20240101000000", "create_users")));
        assert_eq!(parse_file_name("1_x_y.sql"), Some(("1", "x_y")));
        assert_eq!(parse_file_name("v1_init.sql"), None);
        assert_eq!(parse_file_name("20240101.sql"), None);
        assert_eq!(parse_file_name("_init.sql"), None);
    }

    #[test]
    fn versions_compare_by_numeric_value() {
        assert_eq!(compare_versions("9", "10"), Ordering::Less);
        assert_eq!(compare_versions("010", "9"), Ordering::Greater);
        assert_eq!(compare_versions("01", "1"), Ordering::Equal);
        assert_eq!(increment("20240101235959"), "20240102000000");
        assert_eq!(increment("20261203084859"), "20261203084900");
        for odd in ["20240101235960", "20241399000000", "999"] {
            assert_eq!(compare_versions(&increment(odd), odd), Ordering::Greater, "{odd}");
        }
        assert_eq!(increment("99"), "100");
    }

    #[test]
    fn names_are_checked_with_a_suggestion() {
        assert!(validate_name("add_users").is_ok());
        let err = validate_name("Add Users").unwrap_err();
        assert!(err.hint.unwrap().contains("add_users"), "{}", err.message);
        assert!(validate_name("").is_err());
        assert!(validate_name("a-b").is_err());
    }

    #[test]
    fn normalisation_ignores_bom_and_crlf() {
        assert_eq!(normalize("\u{feff}a\r\nb"), "a\nb");
    }
}
