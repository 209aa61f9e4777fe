//! Helpers shared by the story tests: run the real binary in a temp dir, look at the disk.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `dfworx <args>` run in the sandbox, never on a terminal, with a git identity for commits.
    pub fn dfworx(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("dfworx runs")
    }

    /// The command `dfworx` runs, for a test that adds to its environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::cargo_bin("dfworx").expect("binary built");
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .timeout(std::time::Duration::from_mins(1));
        command
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }
}

/// `dfworx <args>` run in the workspace at `root`, with no `DATABASE_URL` of the caller's.
pub fn dfworx_in(root: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("dfworx")
        .expect("binary built")
        .args(args)
        .current_dir(root)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .timeout(std::time::Duration::from_mins(2))
        .output()
        .expect("dfworx runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file below `root` (relative path → bytes), for before/after comparisons.
pub fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    if !root.exists() {
        return files;
    }
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

/// Paths only, one per line, skipping `.git/`.
pub fn listing(root: &Path) -> String {
    tree(root).keys().filter(|p| !p.starts_with(".git/")).cloned().collect::<Vec<_>>().join("\n")
}

// --- PostgreSQL for the `migrate` stories -------------------------------------------------------------

/// The password every migrate test puts in its database URL. The local server trusts every
/// connection, so any password works; each test checks that this one never shows in any output.
pub const PG_PASSWORD: &str = "Pw-Never-Print-7f3a";

/// A fresh database on the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth), dropped again
/// when the value goes out of scope.
pub struct TestDb {
    pub name: String,
}

impl TestDb {
    pub fn create(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let tag: String = tag.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(30).collect();
        let name = format!("dfworx_t{}_{n}_{tag}", std::process::id());
        let db = Self { name };
        Self::admin(&format!("DROP DATABASE IF EXISTS {0}; CREATE DATABASE {0}", db.name));
        db
    }

    /// `postgresql://postgres:<PG_PASSWORD>@127.0.0.1:5432/<name>`
    pub fn url(&self) -> String {
        format!("postgresql://postgres:{PG_PASSWORD}@127.0.0.1:5432/{}", self.name)
    }

    /// Runs SQL in this database with psql; returns its unaligned, tuples-only output.
    pub fn psql(&self, sql: &str) -> String {
        psql(&self.name, sql)
    }

    fn admin(sql: &str) {
        for statement in sql.split("; ") {
            psql("postgres", statement);
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::process::Command::new("psql")
            .args(["-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c"])
            .arg(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))
            .env_remove("PGPASSWORD")
            .output();
    }
}

pub fn psql(database: &str, sql: &str) -> String {
    let out = std::process::Command::new("psql")
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            database,
            "-c",
            sql,
        ])
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .output()
        .expect("psql runs (PostgreSQL client tools are needed for the migrate tests)");
    assert!(out.status.success(), "psql failed on {sql:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}
