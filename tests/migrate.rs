//! `dfworx migrate`, told as a user's session against the real PostgreSQL on 127.0.0.1:5432: a fresh
//! database per test, the real binary, then a look at the ledger. Every run's output is checked for the
//! database password.

// PostgreSQL: a product name in prose, which clippy's `doc_markdown` takes for code.
#![allow(clippy::doc_markdown)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{PG_PASSWORD, Sandbox, TestDb, stderr, stdout};

/// A workspace at the sandbox root with the given migration files.
fn workspace(files: &[(&str, &str)]) -> Sandbox {
    let sb = Sandbox::new();
    std::fs::write(sb.path("dfworx.yaml"), "dfworx: 0.1.0\nname: acme\napps: []\nservices: []\npackages: []\n")
        .unwrap();
    std::fs::create_dir_all(sb.path("supabase/migrations")).unwrap();
    for (name, sql) in files {
        write(&sb, name, sql);
    }
    sb
}

fn write(sb: &Sandbox, name: &str, sql: &str) {
    std::fs::write(sb.path(&format!("supabase/migrations/{name}")), sql).unwrap();
}

/// `dfworx <args>` in `dir`, with no `DATABASE_URL` or `PGPASSWORD` inherited; asserts the password never
/// shows in what it printed.
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = assert_cmd::Command::cargo_bin("dfworx").expect("binary built");
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATION_DATABASE_URL")
        .env_remove("PGPASSWORD");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.timeout(std::time::Duration::from_mins(2)).output().expect("dfworx runs");
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains(PG_PASSWORD), "the password was printed by {args:?}:\n{all}");
    out
}

fn migrate(sb: &Sandbox, db: &TestDb, args: &[&str]) -> Output {
    let url = db.url();
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--database-url", url.as_str()]);
    run_in(sb.dir.path(), &full, &[])
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn ledger_versions(db: &TestDb) -> String {
    db.psql("SELECT string_agg(version, ',' ORDER BY version) FROM supabase_migrations.schema_migrations")
}

const INIT: &str =
    "-- first\ncreate table things (id bigint primary key, name text);\ninsert into things values (1, 'a;b');\n";
const SECOND: &str = "alter table things add column note text;\n";
const THIRD: &str = "create view thing_names as select name from things;\n";

#[test]
fn migrations_apply_once_then_a_second_run_is_a_no_op_and_status_reports_them_applied() {
    let db = TestDb::create("apply");
    let sb = workspace(&[
        ("20240101000000_init.sql", INIT),
        ("20240102000000_second.sql", SECOND),
        ("20240103000000_third.sql", THIRD),
    ]);

    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("Applied 20240101000000_init.sql"), "{}", stderr(&out));
    assert_eq!(ledger_versions(&db), "20240101000000,20240102000000,20240103000000");
    assert_eq!(db.psql("SELECT count(*) FROM supabase_migrations.dfworx_migrations WHERE state = 'applied'"), "3");
    assert_eq!(db.psql("SELECT name FROM thing_names"), "a;b");

    let again = migrate(&sb, &db, &["migrate", "up"]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(stderr(&again).contains("Up to date"), "{}", stderr(&again));
    assert!(!stderr(&again).contains("Applied"), "{}", stderr(&again));

    let status = migrate(&sb, &db, &["migrate", "status"]);
    assert_eq!(code(&status), 0);
    let table = stdout(&status);
    assert!(table.starts_with("VERSION"), "{table}");
    for version in ["20240101000000", "20240102000000", "20240103000000"] {
        let line =
            table.lines().find(|l| l.starts_with(version)).unwrap_or_else(|| panic!("{version} missing:\n{table}"));
        assert!(line.trim_end().ends_with("applied"), "{line}");
    }

    let json = migrate(&sb, &db, &["migrate", "status", "--json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["counts"]["applied"], 3);
    assert_eq!(value["migrations"][0]["state"], "applied");
    assert_eq!(value["migrations"][0]["file"], "20240101000000_init.sql");
}

#[test]
fn the_generated_workspace_migrates_its_second_run_is_a_no_op_and_its_rls_tests_pass() {
    let db = TestDb::create("generated");
    let sb = Sandbox::new();
    let root = generated_workspace(&sb);
    let files = std::fs::read_dir(root.join("supabase/migrations")).unwrap().count();
    assert!(files >= 3, "the generated workspace has {files} migrations");
    let url = db.url();

    let out = run_in(&root, &["migrate", "--database-url", &url], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out).matches("     Applied ").count(), files, "{}", stderr(&out));
    let again = run_in(&root, &["migrate", "--database-url", &url], &[]);
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(stderr(&again).contains("Up to date"), "{}", stderr(&again));
    let status = run_in(&root, &["migrate", "status", "--json", "--exit-code", "--database-url", &url], &[]);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    let value: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    assert_eq!(value["counts"]["applied"], files);

    // The generated SQL tests of row level security, against the migrated database.
    let said = rls_tests_pass(&root, &url);
    assert!(said.contains("supabase/tests/app_web_rls.test.sql"), "{said}");
}

/// `dfworx new acme` in the sandbox; returns the workspace's root.
fn generated_workspace(sb: &Sandbox) -> std::path::PathBuf {
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git", "--no-install"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb.path("acme")
}

/// Runs the workspace's own `scripts/test-db.sh` (the generated RLS tests) and returns what it printed.
fn rls_tests_pass(root: &Path, url: &str) -> String {
    let tests = std::process::Command::new("bash")
        .arg("scripts/test-db.sh")
        .current_dir(root)
        .env("DATABASE_URL", url)
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .output()
        .expect("bash runs");
    assert!(tests.status.success(), "RLS tests failed:\n{}\n{}", stdout(&tests), stderr(&tests));
    // pg_prove's summary, or the script's own when pg_prove is not installed.
    let said = stdout(&tests);
    assert!(said.contains("Result: PASS") || said.contains(" passed, 0 failed"), "{said}");
    stdout(&tests)
}

#[test]
fn adding_an_app_to_a_migrated_workspace_migrates_just_its_schema_and_its_rls_tests_pass() {
    let db = TestDb::create("add_app");
    let sb = Sandbox::new();
    let root = generated_workspace(&sb);
    let url = db.url();
    assert_eq!(code(&run_in(&root, &["migrate", "--database-url", &url], &[])), 0);

    let out = run_in(&root, &["add", "app", "admin"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = run_in(&root, &["migrate", "--database-url", &url], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let said = stderr(&out);
    let applied: Vec<&str> = said.lines().filter(|l| l.trim_start().starts_with("Applied ")).collect();
    assert_eq!(applied.len(), 1, "only the new app's migration runs:\n{said}");
    assert!(applied[0].contains("_app_admin_schema.sql"), "{}", applied[0]);
    assert_eq!(db.psql("SELECT count(*) FROM pg_namespace WHERE nspname = 'app_admin'"), "1");
    assert_eq!(db.psql("SELECT relrowsecurity FROM pg_class WHERE oid = 'app_admin.projects'::regclass"), "t");

    let said = rls_tests_pass(&root, &url);
    assert!(said.contains("supabase/tests/app_admin_rls.test.sql"), "{said}");
}

#[test]
fn pending_migrations_show_in_status_and_its_exit_code_says_so_when_asked() {
    let db = TestDb::create("pending");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    assert_eq!(code(&migrate(&sb, &db, &["migrate"])), 0);
    write(&sb, "20240102000000_second.sql", SECOND);

    let status = migrate(&sb, &db, &["migrate", "status"]);
    assert_eq!(code(&status), 0);
    assert!(
        stdout(&status).lines().any(|l| l.starts_with("20240102000000") && l.trim_end().ends_with("pending")),
        "{}",
        stdout(&status)
    );
    assert_eq!(code(&migrate(&sb, &db, &["migrate", "status", "--exit-code"])), 3);

    let dry = migrate(&sb, &db, &["migrate", "--dry-run"]);
    assert_eq!(code(&dry), 0);
    assert_eq!(stdout(&dry).trim(), "20240102000000_second.sql  in one transaction");
    assert_eq!(ledger_versions(&db), "20240101000000", "--dry-run touched the ledger");
}

#[test]
fn eight_concurrent_runs_on_one_fresh_database_apply_every_migration_exactly_once() {
    let db = TestDb::create("concurrent");
    let mut files: Vec<(String, String)> = (1..=12)
        .map(|i| {
            (
                format!("2024010100{i:04}_step_{i}.sql"),
                format!("create table step_{i} (id int primary key);\nselect pg_sleep(0.02);\n"),
            )
        })
        .collect();
    // An index built concurrently while the other runs wait: they poll the lock instead of blocking in
    // pg_advisory_lock, which would deadlock with it.
    files.push((
        "20240102000000_index.sql".into(),
        "create index concurrently step_1_id on step_1 (id);\ninsert into step_1 values (1);\n".into(),
    ));
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    let sb = workspace(&refs);
    let url = db.url();
    let bin = assert_cmd::cargo::cargo_bin("dfworx");
    let children: Vec<_> = (0..8)
        .map(|_| {
            std::process::Command::new(&bin)
                .args(["migrate", "--lock-timeout", "90s", "--database-url", &url])
                .current_dir(sb.dir.path())
                .env("NO_COLOR", "1")
                .env_remove("DATABASE_URL")
                .env_remove("MIGRATION_DATABASE_URL")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn dfworx")
        })
        .collect();
    let mut applied = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "a concurrent run failed:\n{err}");
        assert!(!format!("{}{err}", stdout(&out)).contains(PG_PASSWORD));
        applied += err.matches("     Applied ").count();
    }
    assert_eq!(applied, 13, "every migration is applied by exactly one run");
    assert_eq!(db.psql("SELECT count(*), count(DISTINCT version) FROM supabase_migrations.schema_migrations"), "13|13");
    assert_eq!(db.psql("SELECT count(*) FROM supabase_migrations.dfworx_migrations WHERE state = 'applied'"), "13");
    assert_eq!(db.psql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'step_1_id'::regclass"), "t");
    assert_eq!(db.psql("SELECT count(*) FROM step_1"), "1");
}

#[test]
fn an_error_in_the_third_statement_applies_nothing_and_names_the_file_line_and_sqlstate() {
    let db = TestDb::create("error");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    assert_eq!(code(&migrate(&sb, &db, &["migrate"])), 0);
    let before = db.psql("SELECT version, name, statements FROM supabase_migrations.schema_migrations");
    write(
        &sb,
        "20240102000000_broken.sql",
        "create table half (id int);\ninsert into half values (1);\n\n-- the third statement\ninsert into missing_table\n  values (1);\ncreate table never (id int);\n",
    );

    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "error: 20240102000000_broken.sql failed at statement 3 (line 5): relation \"missing_table\" does not exist"
        ),
        "{err}"
    );
    assert!(err.contains("SQLSTATE 42P01"), "{err}");
    assert!(err.contains("5 | insert into missing_table"), "{err}");
    assert!(err.contains("hint: nothing of 20240102000000_broken.sql was applied"), "{err}");
    assert!(err.lines().count() <= 12, "{err}");

    assert_eq!(
        db.psql("SELECT to_regclass('half') IS NULL AND to_regclass('never') IS NULL"),
        "t",
        "part of the file was applied"
    );
    assert_eq!(
        db.psql("SELECT version, name, statements FROM supabase_migrations.schema_migrations"),
        before,
        "the ledger changed"
    );
    assert_eq!(
        db.psql("SELECT count(*) FROM supabase_migrations.dfworx_migrations WHERE version = '20240102000000'"),
        "0"
    );

    // A syntax error is found before anything runs; its position still leads to the line.
    write(&sb, "20240102000000_broken.sql", "create table half (id int);\nselect 1;\ncreate tabel oops (id int);\n");
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 7);
    assert!(
        stderr(&out).contains("failed at statement 3 (line 3): syntax error at or near \"tabel\""),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("SQLSTATE 42601"), "{}", stderr(&out));
}

#[test]
fn an_edited_applied_file_is_refused_with_a_diff_but_a_crlf_only_change_is_not_drift() {
    let db = TestDb::create("drift");
    let sb = workspace(&[("20240101000000_init.sql", INIT), ("20240102000000_second.sql", SECOND)]);
    assert_eq!(code(&migrate(&sb, &db, &["migrate"])), 0);

    // Line ends and a BOM are not changes.
    write(&sb, "20240101000000_init.sql", &format!("\u{feff}{}", INIT.replace('\n', "\r\n")));
    let crlf = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&crlf), 0, "{}", stderr(&crlf));
    assert!(stderr(&crlf).contains("Up to date"));

    write(&sb, "20240101000000_init.sql", &INIT.replace("name text", "name varchar(80)"));
    write(&sb, "20240103000000_third.sql", THIRD);
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: 1 migration changed after it was applied: 20240101000000_init.sql"),
        "{}",
        stderr(&out)
    );
    let diff = stdout(&out);
    assert!(diff.contains("@@ statement 1 changed (line 1) @@"), "{diff}");
    assert!(diff.contains("-create table things (id bigint primary key, name text)"), "{diff}");
    assert!(diff.contains("+create table things (id bigint primary key, name varchar(80))"), "{diff}");
    assert_eq!(ledger_versions(&db), "20240101000000,20240102000000", "nothing may run while a file drifted");

    let status = migrate(&sb, &db, &["migrate", "status"]);
    assert_eq!(code(&status), 4);
    assert!(
        stdout(&status).lines().any(|l| l.starts_with("20240101000000") && l.trim_end().ends_with("drifted")),
        "{}",
        stdout(&status)
    );
}

#[test]
fn a_file_applied_by_the_supabase_cli_is_checked_for_drift_too() {
    let db = TestDb::create("supabase_cli");
    // What `supabase db push` leaves behind: its table, its row, no dfworx table.
    db.psql(
        "CREATE SCHEMA supabase_migrations; \
         CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text, created_by text, idempotency_key text UNIQUE, rollback text[]); \
         CREATE TABLE things (id bigint primary key, name text); \
         INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES \
           ('20240101000000', 'init', ARRAY['-- first\ncreate table things (id bigint primary key, name text)', 'insert into things values (1, ''a;b'')'])",
    );
    db.psql("INSERT INTO things VALUES (1, 'a;b')");
    let sb = workspace(&[("20240101000000_init.sql", INIT), ("20240102000000_second.sql", SECOND)]);
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ledger_versions(&db), "20240101000000,20240102000000");
    // The hosted columns were tolerated and left alone.
    assert_eq!(db.psql("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'supabase_migrations' AND table_name = 'schema_migrations'"), "6");

    write(&sb, "20240101000000_init.sql", &INIT.replace("'a;b'", "'c;d'"));
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("-insert into things values (1, 'a;b')\n+insert into things values (1, 'c;d')"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_database_only_the_supabase_cli_migrated_is_read_as_it_is_names_and_all() {
    let db = TestDb::create("cli_only");
    db.psql(
        "CREATE SCHEMA supabase_migrations; \
         CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text); \
         CREATE TABLE things (id bigint primary key, name text); \
         INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES \
           ('20240101000000', 'init', ARRAY['-- first\ncreate table things (id bigint primary key, name text)', 'insert into things values (1, ''a;b'')'])",
    );
    db.psql("INSERT INTO things VALUES (1, 'a;b')");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    // Nothing to do: the run says so, and writes nothing (no dfworx table appears).
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("Up to date"), "{}", stderr(&out));
    assert_eq!(db.psql("SELECT to_regclass('supabase_migrations.dfworx_migrations') IS NULL"), "t");

    // A row the CLI wrote with a name full of what COPY escapes: tab, newline, backslash, non-ASCII.
    db.psql(
        "INSERT INTO supabase_migrations.schema_migrations (version, name) VALUES ('20231231000000', E'tab\\there\\nnew line \\\\ caf\u{e9}')",
    );
    let status = migrate(&sb, &db, &["migrate", "status", "--json"]);
    assert_eq!(code(&status), 4, "{}", stderr(&status));
    let value: serde_json::Value = serde_json::from_str(&stdout(&status)).unwrap();
    let missing = value["migrations"].as_array().unwrap().iter().find(|m| m["state"] == "missing").unwrap();
    assert_eq!(missing["version"], "20231231000000");
    assert_eq!(missing["name"], "tab\there\nnew line \\ caf\u{e9}");
    assert_eq!(value["counts"]["applied"], 1);
}

#[test]
fn create_index_concurrently_beside_ordinary_statements_applies() {
    let db = TestDb::create("concurrently");
    let sb = workspace(&[
        ("20240101000000_init.sql", INIT),
        (
            "20240102000000_index.sql",
            "alter table things add column email text;\ncreate unique index concurrently things_email on things (email);\nupdate things set email = 'a@example.com';\n",
        ),
    ]);
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("Applied 20240102000000_index.sql"), "{}", stderr(&out));
    assert!(stderr(&out).contains("no transaction"), "{}", stderr(&out));
    assert_eq!(db.psql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'things_email'::regclass"), "t");
    assert_eq!(db.psql("SELECT email FROM things"), "a@example.com");
    assert_eq!(
        db.psql("SELECT state, statements_done, statements_total FROM supabase_migrations.dfworx_migrations WHERE version = '20240102000000'"),
        "applied|3|3"
    );
    assert_eq!(db.psql("SELECT array_length(statements, 1) FROM supabase_migrations.schema_migrations WHERE version = '20240102000000'"), "3");
}

#[test]
fn a_failed_no_transaction_file_records_its_progress_and_a_retry_resumes_after_it() {
    let db = TestDb::create("resume");
    let sb = workspace(&[
        ("20240101000000_init.sql", INIT),
        (
            "20240102000000_index.sql",
            "-- dfworx:no-transaction\ncreate table audit (id int);\ninsert into audit values (1);\ninsert into nope values (1);\ninsert into audit values (2);\n",
        ),
    ]);
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("failed at statement 3 (line 4)"), "{}", stderr(&out));
    assert!(stderr(&out).contains("resumes at statement 3"), "{}", stderr(&out));
    assert_eq!(
        db.psql(
            "SELECT state, statements_done FROM supabase_migrations.dfworx_migrations WHERE version = '20240102000000'"
        ),
        "partial|2"
    );
    let status = migrate(&sb, &db, &["migrate", "status"]);
    assert!(stdout(&status).contains("partial (2/4 statements)"), "{}", stdout(&status));

    // Fix the failing statement; the first two must not run again (they would duplicate the row).
    write(
        &sb,
        "20240102000000_index.sql",
        "-- dfworx:no-transaction\ncreate table audit (id int);\ninsert into audit values (1);\ninsert into audit values (3);\ninsert into audit values (2);\n",
    );
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(db.psql("SELECT string_agg(id::text, ',' ORDER BY id) FROM audit"), "1,2,3");
    assert_eq!(ledger_versions(&db), "20240101000000,20240102000000");

    // Changing a statement that already ran is refused instead.
    let db2 = TestDb::create("resume_changed");
    write(
        &sb,
        "20240102000000_index.sql",
        "-- dfworx:no-transaction\ncreate table audit (id int);\ninsert into nope values (1);\n",
    );
    assert_eq!(code(&migrate(&sb, &db2, &["migrate"])), 7);
    write(&sb, "20240102000000_index.sql", "-- dfworx:no-transaction\ncreate table audit (id bigint);\nselect 1;\n");
    let out = migrate(&sb, &db2, &["migrate"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(stderr(&out).contains("was partly applied (1 of 2 statements)"), "{}", stderr(&out));
}

/// Ledger rows must be what the Supabase CLI stores for the same file. The expected arrays are split by
/// hand following the CLI's rules (top-level `;`, quotes, dollar quotes, comments, BEGIN ATOMIC; the `;`
/// and surrounding whitespace dropped; comments stay with the statement after them).
#[test]
fn ledger_rows_hold_the_supabase_cli_split_of_tricky_files_byte_for_byte() {
    let db = TestDb::create("split");
    let tricky = concat!(
        "-- tricky: dollar quotes, comments, BEGIN ATOMIC; semicolons in strings\n",
        "create table notes (id int primary key, body text default 'a;b', \"weird;name\" int);\n",
        "\n",
        "/* a block comment; with /* nesting; */ still comment */\n",
        "insert into notes (id, body) values (1, 'it''s; here');\n",
        "\n",
        "create function add_one(i int) returns int language sql\n",
        "begin atomic\n",
        "  select i + 1;\n",
        "end;\n",
        "\n",
        "create function greet() returns text language plpgsql as $fn$\n",
        "begin\n",
        "  return 'hi;'; -- $$ is not the end\n",
        "end;\n",
        "$fn$;\n",
        "\n",
        "do $$ begin perform 1; end $$;\n",
        "-- trailing comment\n",
    );
    let expected: Vec<&str> = vec![
        "-- tricky: dollar quotes, comments, BEGIN ATOMIC; semicolons in strings\ncreate table notes (id int primary key, body text default 'a;b', \"weird;name\" int)",
        "/* a block comment; with /* nesting; */ still comment */\ninsert into notes (id, body) values (1, 'it''s; here')",
        "create function add_one(i int) returns int language sql\nbegin atomic\n  select i + 1;\nend",
        "create function greet() returns text language plpgsql as $fn$\nbegin\n  return 'hi;'; -- $$ is not the end\nend;\n$fn$",
        "do $$ begin perform 1; end $$",
        "-- trailing comment",
    ];
    let crlf = "create table crlf (id int);\r\nselect ';' as \"a;b\";\r\n";
    let sb = workspace(&[
        ("20240101000000_tricky.sql", tricky),
        ("20240102000000_crlf.sql", crlf),
        ("20240103000000_empty.sql", "-- nothing yet\n"),
    ]);
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let stored = |version: &str| -> serde_json::Value {
        serde_json::from_str(&db.psql(&format!(
            "SELECT to_json(statements) FROM supabase_migrations.schema_migrations WHERE version = '{version}'"
        )))
        .unwrap()
    };
    assert_eq!(stored("20240101000000"), serde_json::json!(expected));
    assert_eq!(stored("20240102000000"), serde_json::json!(["create table crlf (id int)", "select ';' as \"a;b\""]));
    assert_eq!(stored("20240103000000"), serde_json::json!(["-- nothing yet"]));
    assert_eq!(
        db.psql("SELECT name FROM supabase_migrations.schema_migrations WHERE version = '20240101000000'"),
        "tricky"
    );
    assert_eq!(db.psql("SELECT add_one(1), greet()"), "2|hi;");
}

#[test]
fn no_output_ever_contains_the_database_password() {
    let db = TestDb::create("secret");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    // Every run goes through `run_in`, which fails on the password; these cover the error paths.
    let url = db.url();
    let refused = url.replace("127.0.0.1:5432", "127.0.0.1:1");
    let missing_db = url.replace(&db.name, "no_such_database_here");
    let bad = format!("postgresql://postgres:{PG_PASSWORD}@127.0.0.1:notaport/x");
    for (args, expected) in [
        (vec!["migrate", "--database-url", refused.as_str()], 6),
        (vec!["migrate", "--database-url", missing_db.as_str()], 6),
        (vec!["migrate", "--database-url", bad.as_str()], 6),
        (vec!["migrate", "status", "--json", "--database-url", url.as_str()], 0),
        (vec!["migrate", "--verbose", "--database-url", url.as_str()], 0),
    ] {
        let out = run_in(sb.dir.path(), &args, &[]);
        assert_eq!(code(&out), expected, "{args:?}: {}", stderr(&out));
    }
    // The password in the environment and in .env, and in an error about a failed statement.
    write(&sb, "20240102000000_broken.sql", &format!("select '{PG_PASSWORD}'::int;\n"));
    let out = run_in(sb.dir.path(), &["migrate"], &[("DATABASE_URL", &url)]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("***"), "{}", stderr(&out));
    std::fs::write(sb.path(".env"), format!("DATABASE_URL={refused}\n")).unwrap();
    let out = run_in(sb.dir.path(), &["migrate", "status"], &[]);
    assert_eq!(code(&out), 6);
    assert!(stderr(&out).contains("postgresql://postgres:***@127.0.0.1:1/"), "{}", stderr(&out));
}

#[test]
fn the_database_url_comes_from_the_flag_then_the_environment_then_dot_env() {
    let flag_db = TestDb::create("url_flag");
    let env_db = TestDb::create("url_env");
    let file_db = TestDb::create("url_file");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    std::fs::write(sb.path(".env"), format!("# local\nexport DATABASE_URL=\"{}\"\n", file_db.url())).unwrap();
    std::fs::create_dir_all(sb.path("apps/web")).unwrap();

    let out = run_in(&sb.path("apps/web"), &["migrate"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let env_url = env_db.url();
    assert_eq!(code(&run_in(sb.dir.path(), &["migrate"], &[("DATABASE_URL", &env_url)])), 0);
    let flag_url = flag_db.url();
    assert_eq!(
        code(&run_in(sb.dir.path(), &["migrate", "--database-url", &flag_url], &[("DATABASE_URL", &env_url)])),
        0
    );
    for db in [&flag_db, &env_db, &file_db] {
        assert_eq!(ledger_versions(db), "20240101000000", "{}", db.name);
    }

    std::fs::remove_file(sb.path(".env")).unwrap();
    let out = run_in(sb.dir.path(), &["migrate"], &[]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("no database to migrate"), "{}", stderr(&out));
}

#[test]
fn connection_failures_are_one_or_two_clear_lines() {
    let db = TestDb::create("connect");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    // A listener that accepts and never answers: the connect timeout applies.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("postgresql://postgres:{PG_PASSWORD}@127.0.0.1:{}/x", silent.local_addr().unwrap().port());
    let cases = [
        (db.url().replace("127.0.0.1:5432", "127.0.0.1:1"), "connection refused"),
        (db.url().replace(&db.name, "no_such_database_here"), "database \"no_such_database_here\" does not exist"),
        (
            format!("postgresql://postgres:{PG_PASSWORD}@no-such-host.invalid:5432/x"),
            "cannot resolve host no-such-host.invalid",
        ),
        ("mysql://root@127.0.0.1/x".to_string(), "is not a postgresql:// URL"),
        (format!("postgresql://postgres:{PG_PASSWORD}@127.0.0.1:99999/x"), "is not valid"),
        (silent_url, "no answer within 1s"),
    ];
    for (url, expected) in cases {
        let out = run_in(sb.dir.path(), &["migrate", "--connect-timeout", "1s", "--database-url", &url], &[]);
        let err = stderr(&out);
        assert_eq!(code(&out), 6, "{url}: {err}");
        assert!(err.contains(expected), "{url}: {err}");
        assert!(err.starts_with("error: cannot connect to") || err.starts_with("error: the database URL"), "{err}");
        assert!(err.lines().count() <= 2, "{url}: {err}");
    }
    drop(silent);
}

/// Advisory locks held in this test's database (`pg_locks` is cluster-wide; other tests run beside this one).
const ADVISORY_LOCKS_HERE: &str = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
     AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

#[test]
fn a_run_that_cannot_get_the_lock_in_time_names_the_holder() {
    let db = TestDb::create("lock");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    // Hold the lock from another session for a few seconds.
    let holder = std::process::Command::new("psql")
        .args(["-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", &db.name, "-c"])
        .arg("SELECT pg_advisory_lock(7234601210532685682), pg_sleep(4)")
        .env("PGAPPNAME", "lock-holder-test")
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while db.psql(ADVISORY_LOCKS_HERE) == "0" {
        assert!(std::time::Instant::now() < deadline, "the holder never took the lock");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = migrate(&sb, &db, &["migrate", "--lock-timeout", "500ms"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 5, "{err}");
    assert!(err.contains("waiting for the migration lock, held by pid"), "{err}");
    assert!(err.contains("application \"lock-holder-test\"") && err.contains("connected since"), "{err}");
    assert!(err.contains("pg_terminate_backend("), "{err}");
    assert_eq!(db.psql("SELECT to_regclass('supabase_migrations.schema_migrations') IS NULL"), "t");
    let _ = holder.wait_with_output();
    // Once free, the lock is taken and released again.
    assert_eq!(code(&migrate(&sb, &db, &["migrate"])), 0);
    assert_eq!(db.psql(ADVISORY_LOCKS_HERE), "0");
}

#[test]
fn a_missing_applied_file_or_an_out_of_order_pending_file_is_refused() {
    let db = TestDb::create("history");
    let sb = workspace(&[("20240101000000_init.sql", INIT), ("20240103000000_third.sql", THIRD)]);
    assert_eq!(code(&migrate(&sb, &db, &["migrate"])), 0);

    write(&sb, "20240102000000_second.sql", SECOND);
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("older than the newest applied migration: 20240102000000_second.sql"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--include-all"), "{}", stderr(&out));
    let out = migrate(&sb, &db, &["migrate", "--include-all"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ledger_versions(&db), "20240101000000,20240102000000,20240103000000");

    std::fs::remove_file(sb.path("supabase/migrations/20240103000000_third.sql")).unwrap();
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("applied migration that supabase/migrations lacks: 20240103000000_third"),
        "{}",
        stderr(&out)
    );
    let status = migrate(&sb, &db, &["migrate", "status"]);
    assert!(
        stdout(&status).lines().any(|l| l.starts_with("20240103000000") && l.trim_end().ends_with("missing")),
        "{}",
        stdout(&status)
    );
}

#[test]
fn rehearse_reports_what_would_fail_and_changes_nothing() {
    let db = TestDb::create("rehearse");
    let sb = workspace(&[("20240101000000_init.sql", INIT), ("20240102000000_second.sql", SECOND)]);
    let out = migrate(&sb, &db, &["migrate", "--rehearse"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("rehearsal: 2 migrations would apply"), "{}", stderr(&out));
    assert_eq!(
        db.psql(
            "SELECT to_regclass('things') IS NULL AND to_regclass('supabase_migrations.schema_migrations') IS NULL"
        ),
        "t"
    );

    write(&sb, "20240103000000_bad.sql", "alter table things add column note text;\n");
    let out = migrate(&sb, &db, &["migrate", "--rehearse"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("20240103000000_bad.sql would fail at statement 1 (line 1): column \"note\" of relation \"things\" already exists"), "{}", stderr(&out));
    assert!(stderr(&out).contains("rolled back"), "{}", stderr(&out));
    assert_eq!(db.psql("SELECT to_regclass('things') IS NULL"), "t");
}

#[test]
fn files_that_break_the_rules_are_errors_that_name_them() {
    let db = TestDb::create("rules");
    let sb = workspace(&[("20240101000000_init.sql", INIT), ("init_schema.sql", "select 1;")]);
    std::fs::write(sb.path("supabase/migrations/README.md"), "not a migration").unwrap();
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("supabase/migrations/init_schema.sql is not named <version>_<name>.sql"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(sb.path("supabase/migrations/init_schema.sql")).unwrap();

    // A BEGIN never committed would leave the file's transaction open.
    write(&sb, "20240102000000_wrapped.sql", "select 1;\nbegin;\ncreate table w (id int);\n");
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "20240102000000_wrapped.sql line 2: BEGIN is never committed: the file ends inside its transaction block"
        ),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("hint: end the file with COMMIT"), "{}", stderr(&out));
    assert_eq!(db.psql("SELECT to_regclass('things') IS NULL"), "t", "nothing runs when a pending file is refused");
    std::fs::remove_file(sb.path("supabase/migrations/20240102000000_wrapped.sql")).unwrap();

    // Versions order by number, not by text.
    write(&sb, "9_nine.sql", "create table nine (id int primary key);\n");
    write(&sb, "10_ten.sql", "create table ten (id int references nine);\n");
    std::fs::remove_file(sb.path("supabase/migrations/20240101000000_init.sql")).unwrap();
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).find("9_nine.sql").unwrap() < stderr(&out).find("10_ten.sql").unwrap());
}

#[test]
fn migrate_new_creates_a_utc_timestamped_file_never_older_than_the_newest() {
    let sb = workspace(&[]);
    let out = run_in(sb.dir.path(), &["migrate", "new", "add_invoices"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    let file = Path::new(&path).file_name().unwrap().to_string_lossy().into_owned();
    let (version, name) = file.split_once('_').unwrap();
    assert_eq!(name, "add_invoices.sql");
    assert_eq!(version.len(), 14);
    assert!(version.starts_with("20"), "{version}");

    write(&sb, "99990101000000_future.sql", "select 1;\n");
    let out = run_in(sb.dir.path(), &["migrate", "new", "after_future"], &[]);
    assert!(stdout(&out).trim().ends_with("supabase/migrations/99990101000001_after_future.sql"), "{}", stdout(&out));

    let out = run_in(sb.dir.path(), &["migrate", "new", "Add Invoices"], &[]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("add_invoices"), "{}", stderr(&out));
}

#[test]
fn a_timeout_too_long_to_count_or_negative_is_refused_and_a_merely_huge_one_still_works() {
    let db = TestDb::create("timeouts");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    let refused = |args: &[&str], expected: &str| {
        let out = migrate(&sb, &db, args);
        let err = stderr(&out);
        assert_eq!(code(&out), 1, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!err.contains("panicked") && !err.contains("bug"), "{args:?}: {err}");
    };
    refused(
        &["migrate", "--lock-timeout", "99999999999999999999999"],
        "invalid value '99999999999999999999999' for '--lock-timeout <DURATION>': \"99999999999999999999999\" is not a duration",
    );
    refused(&["migrate", "status", "--connect-timeout=-5s"], "\"-5s\" is negative");
    refused(&["migrate", "--lock-timeout", "2 fortnights"], "write it as 30s, 500ms, 2m or 1h");
    assert_eq!(db.psql("SELECT to_regclass('things') IS NULL"), "t", "a refused run touched the database");

    // Over eleven years: longer than tokio's timers count, and still nothing overflows.
    let out = migrate(&sb, &db, &["migrate", "--lock-timeout", "100000h", "--connect-timeout", "100000h"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ledger_versions(&db), "20240101000000");
    let out = migrate(&sb, &db, &["migrate", "status", "--connect-timeout", "1h 30m"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn a_malformed_dot_env_is_an_error_naming_the_file_and_line_never_its_text() {
    let db = TestDb::create("bad_env");
    let sb = workspace(&[("20240101000000_init.sql", INIT)]);
    let env = sb.path(".env");
    std::fs::write(&env, format!("# local\nDATABASE_URL={}\nSECRET=two words {PG_PASSWORD}\n", db.url())).unwrap();
    let out = run_in(sb.dir.path(), &["migrate"], &[]);
    let err = stderr(&out);
    assert_eq!(code(&out), 1, "{err}");
    assert!(
        err.contains(&format!(
            "cannot read MIGRATION_DATABASE_URL or DATABASE_URL from {}: line 3 is malformed",
            env.display()
        )),
        "{err}"
    );
    assert!(err.contains("hint: fix line 3 of .env"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("two words"), "{err}");
    assert_eq!(db.psql("SELECT to_regclass('supabase_migrations.schema_migrations') IS NULL"), "t");

    // Fixed, and assigned twice: the last assignment wins, as when a shell sources the file.
    let nowhere = "postgresql://nobody@127.0.0.1:1/nothing";
    std::fs::write(&env, format!("DATABASE_URL={nowhere}\nSECRET='two words'\nexport DATABASE_URL='{}'\n", db.url()))
        .unwrap();
    let out = run_in(sb.dir.path(), &["migrate"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ledger_versions(&db), "20240101000000");
}

/// Puts a file's ledger back as a run stopped before its last progress write leaves it: dfworx's row
/// says `done` statements ran (`None`: no row at all, the run was stopped in the file's first
/// statement), and the Supabase CLI's row, written once a file completes, is not there.
fn lose_progress_write(db: &TestDb, version: &str, done: Option<usize>) {
    match done {
        // The progress checksum: SHA-256 of the statements done, each followed by a zero byte.
        Some(done) => db.psql(&format!(
            "UPDATE supabase_migrations.dfworx_migrations d SET state = 'partial', statements_done = {done}, \
               progress_checksum = (SELECT encode(sha256(coalesce(string_agg(convert_to(s, 'UTF8') || '\\x00'::bytea, ''::bytea ORDER BY n), ''::bytea)), 'hex') \
                 FROM supabase_migrations.schema_migrations l, unnest(l.statements[1:{done}]) WITH ORDINALITY u(s, n) \
                 WHERE l.version = d.version) \
             WHERE version = '{version}'"
        )),
        None => db.psql(&format!("DELETE FROM supabase_migrations.dfworx_migrations WHERE version = '{version}'")),
    };
    db.psql(&format!("DELETE FROM supabase_migrations.schema_migrations WHERE version = '{version}'"));
}

fn dfworx_row(db: &TestDb, version: &str) -> String {
    db.psql(&format!(
        "SELECT d.state, d.statements_done, d.statements_total, array_length(l.statements, 1) \
         FROM supabase_migrations.dfworx_migrations d JOIN supabase_migrations.schema_migrations l USING (version) \
         WHERE version = '{version}'"
    ))
}

#[test]
fn an_index_built_concurrently_whose_progress_write_was_lost_is_recorded_not_built_again() {
    let db = TestDb::create("lost_index");
    let sb = workspace(&[
        (
            "20240101000000_things.sql",
            "create schema app;\ncreate table app.\"Things\" (id int, email text);\n\
             insert into app.\"Things\" values (1, 'a@example.com');\n\
             -- quoted, and in the schema of its table\n\
             create index concurrently \"Things_Email\" on app.\"Things\" (email);\n",
        ),
        ("20240102000000_by_id.sql", "create unique index concurrently things_id on app.\"Things\" (id);\n"),
    ]);
    assert_eq!(code(&migrate(&sb, &db, &["migrate"])), 0);
    // Killed after the server built each index and before dfworx recorded it (7 of 30 kills did that).
    lose_progress_write(&db, "20240101000000", Some(3));
    lose_progress_write(&db, "20240102000000", None);
    let status = migrate(&sb, &db, &["migrate", "status"]);
    assert!(stdout(&status).contains("partial (3/4 statements)"), "{}", stdout(&status));

    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains(
            "Recorded 20240101000000_things.sql statement 4/4, already done: index app.\"Things_Email\" exists and is valid"
        ),
        "{err}"
    );
    assert!(
        err.contains("Recorded 20240102000000_by_id.sql statement 1/1, already done: index app.things_id exists"),
        "{err}"
    );
    assert_eq!(
        db.psql("SELECT string_agg(indexrelid::regclass::text || ' ' || indisvalid, ', ' ORDER BY 1) FROM pg_index WHERE indrelid = 'app.\"Things\"'::regclass"),
        "app.\"Things_Email\" true, app.things_id true",
        "one valid index each, none built twice"
    );
    assert_eq!(dfworx_row(&db, "20240101000000"), "applied|4|4|4");
    assert_eq!(dfworx_row(&db, "20240102000000"), "applied|1|1|1");
}

#[test]
fn an_index_build_that_failed_half_way_is_dropped_and_built_again_once_the_data_is_fixed() {
    let db = TestDb::create("invalid_index");
    let sb = workspace(&[(
        "20240101000000_people.sql",
        "create table people (id int, email text);\n\
         insert into people values (1, 'a@example.com'), (2, 'a@example.com');\n\
         create unique index concurrently people_email on people (email);\n",
    )]);
    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 7, "{err}");
    assert!(err.contains("failed at statement 3 (line 3)") && err.contains("SQLSTATE 23505"), "{err}");
    assert!(err.contains("the next run drops it and builds it again"), "{err}");
    // PostgreSQL leaves the half-built index behind, invalid.
    assert_eq!(db.psql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'people_email'::regclass"), "f");

    db.psql("UPDATE people SET email = 'b@example.com' WHERE id = 2");
    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(err.contains("Rebuilding index public.people_email (20240101000000_people.sql statement 3): an interrupted build left it invalid"), "{err}");
    assert_eq!(db.psql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'people_email'::regclass"), "t");
    assert_eq!(db.psql("SELECT count(*) FROM pg_index WHERE indrelid = 'people'::regclass"), "1");
    assert_eq!(dfworx_row(&db, "20240101000000"), "applied|3|3|3");
}

#[test]
fn a_dropped_index_or_a_created_database_whose_progress_write_was_lost_is_recorded_not_run_again() {
    let db = TestDb::create("lost_drop");
    // Dropped with the test, whatever happens to it.
    let made = TestDb { name: format!("{}_made", db.name) };
    let sb = workspace(&[
        ("20240101000000_init.sql", &format!("{INIT}create index things_name on things (name);\n")),
        ("20240102000000_drop.sql", "alter table things add column note text;\ndrop index concurrently things_name;\n"),
        ("20240103000000_database.sql", &format!("create database {};\n", made.name)),
    ]);
    assert_eq!(code(&migrate(&sb, &db, &["migrate"])), 0);
    lose_progress_write(&db, "20240102000000", Some(1));
    lose_progress_write(&db, "20240103000000", None);

    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(err.contains("statement 2/2, already done: index things_name no longer exists"), "{err}");
    assert!(err.contains(&format!("statement 1/1, already done: database {} exists", made.name)), "{err}");
    assert_eq!(dfworx_row(&db, "20240102000000"), "applied|2|2|2");
    assert_eq!(dfworx_row(&db, "20240103000000"), "applied|1|1|1");

    // A later statement finds no such shortcut: a mistyped name is still an error.
    write(
        &sb,
        "20240104000000_typo.sql",
        "alter table things add column more text;\ndrop index concurrently thing_name;\n",
    );
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("index \"thing_name\" does not exist"), "{}", stderr(&out));
}

// --- Files that manage their own transaction ----------------------------------------------------------

const WRAPPED: &str =
    "-- wrapped by hand\nbegin;\ncreate table wrapped (id int);\ninsert into wrapped values (1);\ncommit;\n";

#[test]
fn a_file_with_its_own_begin_and_commit_applies_in_that_transaction_together_with_its_ledger_row() {
    let db = TestDb::create("own_txn");
    let sb = workspace(&[("20240101000000_init.sql", INIT), ("20240102000000_wrapped.sql", WRAPPED)]);
    let dry = migrate(&sb, &db, &["migrate", "--dry-run"]);
    assert_eq!(code(&dry), 0, "{}", stderr(&dry));
    assert_eq!(
        stdout(&dry),
        "20240101000000_init.sql  in one transaction\n20240102000000_wrapped.sql  in its own transaction (BEGIN line 2 … COMMIT line 5)\n"
    );

    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("Applied 20240102000000_wrapped.sql ("), "{}", stderr(&out));
    assert!(stderr(&out).contains(" ms, its own transaction)"), "{}", stderr(&out));
    assert_eq!(db.psql("SELECT id FROM wrapped"), "1");
    assert_eq!(ledger_versions(&db), "20240101000000,20240102000000");
    assert_eq!(dfworx_row(&db, "20240102000000"), "applied|4|4|4");
    // The ledger row was written by the file's own transaction: the one that created the table.
    assert_eq!(
        db.psql(
            "SELECT (SELECT xmin FROM supabase_migrations.schema_migrations WHERE version = '20240102000000')::text \
             = (SELECT xmin FROM pg_class WHERE oid = 'wrapped'::regclass)::text"
        ),
        "t"
    );
    let again = migrate(&sb, &db, &["migrate"]);
    assert!(stderr(&again).contains("Up to date"), "{}", stderr(&again));
}

#[test]
fn a_failing_file_with_its_own_transaction_leaves_no_table_and_no_ledger_row() {
    let db = TestDb::create("own_txn_fail");
    let sb = workspace(&[(
        "20240101000000_wrapped.sql",
        "begin;\ncreate table wrapped (id int);\ninsert into missing_table values (1);\ncommit;\n",
    )]);
    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 7, "{err}");
    assert!(
        err.contains("error: 20240101000000_wrapped.sql failed at statement 3 (line 3): relation \"missing_table\" does not exist"),
        "{err}"
    );
    assert!(err.contains("3 | insert into missing_table values (1)"), "{err}");
    assert!(
        err.contains(
            "hint: nothing of 20240101000000_wrapped.sql was applied: it failed before any of its own COMMITs"
        ),
        "{err}"
    );
    assert_eq!(db.psql("SELECT to_regclass('wrapped') IS NULL"), "t");
    assert_eq!(db.psql("SELECT count(*) FROM supabase_migrations.schema_migrations"), "0");
    assert_eq!(db.psql("SELECT count(*) FROM supabase_migrations.dfworx_migrations"), "0");

    // Fixed, it applies; the failed run left no transaction open behind it.
    write(&sb, "20240101000000_wrapped.sql", WRAPPED);
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ledger_versions(&db), "20240101000000");
}

#[test]
fn a_file_whose_second_block_fails_keeps_its_first_block_and_says_what_stayed() {
    let db = TestDb::create("own_txn_two");
    let two = "begin;\ncreate table first_block (id int);\ncommit;\n\nbegin;\ncreate table second_block (id int);\ninsert into second_block values (1 / 0);\ncommit;\n";
    let sb = workspace(&[("20240101000000_two.sql", two)]);
    let dry = migrate(&sb, &db, &["migrate", "--dry-run"]);
    assert_eq!(stdout(&dry), "20240101000000_two.sql  as written: 2 transaction blocks\n");

    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 7, "{err}");
    assert!(err.contains("error: 20240101000000_two.sql failed at statement 6 (line 7): division by zero"), "{err}");
    assert!(
        err.contains("the statements up to line 3 (its COMMIT) were committed by 20240101000000_two.sql itself and stay applied, but the file is not recorded as applied"),
        "{err}"
    );
    assert!(
        err.contains("hint: the next run applies the whole file again: make its statements up to line 3 re-runnable"),
        "{err}"
    );
    assert_eq!(db.psql("SELECT to_regclass('first_block') IS NOT NULL AND to_regclass('second_block') IS NULL"), "t");
    assert_eq!(db.psql("SELECT count(*) FROM supabase_migrations.schema_migrations"), "0");
    assert_eq!(db.psql("SELECT count(*) FROM supabase_migrations.dfworx_migrations"), "0");

    // Made re-runnable and fixed, the whole file runs again and is recorded.
    write(
        &sb,
        "20240101000000_two.sql",
        &two.replace("create table first_block", "create table if not exists first_block").replace("1 / 0", "1"),
    );
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("as written, 2 transaction blocks)"), "{}", stderr(&out));
    assert_eq!(db.psql("SELECT id FROM second_block"), "1");
    assert_eq!(dfworx_row(&db, "20240101000000"), "applied|7|7|7");
}

#[test]
fn rehearse_runs_a_single_block_file_without_its_begin_and_commit_and_skips_one_with_several() {
    let db = TestDb::create("own_txn_rehearse");
    let sb = workspace(&[
        ("20240101000000_wrapped.sql", WRAPPED),
        ("20240102000000_two.sql", "begin;\ncreate table one (id int);\ncommit;\ncreate table two (id int);\n"),
    ]);
    let out = migrate(&sb, &db, &["migrate", "--rehearse"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 0, "{err}");
    assert!(err.contains("Rehearsed 20240101000000_wrapped.sql"), "{err}");
    assert!(
        err.contains("20240102000000_two.sql not rehearsed: its own COMMITs would end the rehearsal's transaction (as written: 2 transaction blocks)"),
        "{err}"
    );
    assert!(err.contains("rehearsal: 1 migration would apply; rolled back"), "{err}");
    assert_eq!(db.psql("SELECT to_regclass('wrapped') IS NULL AND to_regclass('one') IS NULL"), "t");

    // A failure is reported at its own statement and line, though the BEGIN was not sent.
    write(&sb, "20240101000000_wrapped.sql", &WRAPPED.replace("values (1)", "values (1 / 0)"));
    let out = migrate(&sb, &db, &["migrate", "--rehearse"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("20240101000000_wrapped.sql would fail at statement 3 (line 4): division by zero"),
        "{}",
        stderr(&out)
    );
    assert_eq!(db.psql("SELECT to_regclass('wrapped') IS NULL"), "t");
}

#[test]
fn a_file_with_its_own_transaction_and_a_statement_that_cannot_run_in_one_is_refused_naming_both_lines() {
    let db = TestDb::create("own_txn_cic");
    let sb = workspace(&[(
        "20240101000000_mixed.sql",
        "begin;\ncreate table mixed (id int);\ncommit;\n\ncreate index concurrently mixed_id on mixed (id);\n",
    )]);
    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 1, "{err}");
    assert!(
        err.contains("error: 20240101000000_mixed.sql manages its own transaction (BEGIN at line 1) and holds CREATE INDEX CONCURRENTLY at line 5, which cannot run inside a transaction"),
        "{err}"
    );
    assert!(err.contains("hint: split it into two files"), "{err}");
    assert_eq!(db.psql("SELECT to_regclass('mixed') IS NULL"), "t", "nothing ran");

    write(&sb, "20240101000000_mixed.sql", "-- dfworx:no-transaction\nbegin;\ncreate table mixed (id int);\ncommit;\n");
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "manages its own transaction (BEGIN at line 2) and is marked `-- dfworx:no-transaction` at line 1"
        ),
        "{}",
        stderr(&out)
    );
}

// --- Extensions the server lacks ---------------------------------------------------------------------

/// The server's major version, as its packages are named (`15`).
fn server_major(db: &TestDb) -> String {
    let num: u32 = db.psql("SHOW server_version_num").parse().unwrap();
    (num / 10_000).to_string()
}

#[test]
fn a_migration_needing_an_extension_the_server_lacks_fails_naming_the_package_to_install() {
    let db = TestDb::create("extension");
    assert_eq!(
        db.psql("SELECT count(*) FROM pg_available_extensions WHERE name IN ('vector', 'pg_net')"),
        "0",
        "this story needs a server without pgvector and pg_net"
    );
    let sb = workspace(&[(
        "20240101000000_items.sql",
        "create extension if not exists vector;\ncreate table items (id int, embedding vector(3));\n",
    )]);
    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 7, "{err}");
    assert!(err.contains("error: 20240101000000_items.sql failed at statement 1 (line 1): "), "{err}");
    let major = server_major(&db);
    assert!(
        err.contains(&format!(
            "hint: the server lacks extension \"vector\": install the package postgresql-{major}-pgvector on it"
        )),
        "{err}"
    );
    assert!(err.contains("nothing of 20240101000000_items.sql was applied"), "{err}");
    assert_eq!(db.psql("SELECT to_regclass('items') IS NULL"), "t");
    assert_eq!(db.psql("SELECT count(*) FROM supabase_migrations.schema_migrations"), "0");

    // Inside a DO block the error is the same, and so is the hint; Supabase's own extensions get a guard.
    write(&sb, "20240101000000_items.sql", "do $$ begin\n  create extension pg_net;\nend $$;\n");
    let out = migrate(&sb, &db, &["migrate"]);
    let err = stderr(&out);
    assert_eq!(code(&out), 7, "{err}");
    assert!(err.contains("hint: extension \"pg_net\" exists only on Supabase's images: guard it (`do $$ begin if exists (select from pg_available_extensions where name = 'pg_net') then create extension pg_net; end if; end $$`)"), "{err}");
    assert_eq!(db.psql("SELECT count(*) FROM supabase_migrations.schema_migrations"), "0");

    // The guard the hint suggests lets the migration through where the extension is missing.
    write(
        &sb,
        "20240101000000_items.sql",
        "do $$ begin if exists (select from pg_available_extensions where name = 'pg_net') then create extension pg_net; end if; end $$;\n",
    );
    let out = migrate(&sb, &db, &["migrate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(ledger_versions(&db), "20240101000000");
}
