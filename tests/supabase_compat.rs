//! A Supabase project on a plain PostgreSQL: its migrations, placed after a fresh workspace's own,
//! apply with `dfworx migrate`, and its pgTAP suite passes through the workspace's `test-db.sh`
//! (`tests/fixtures/supabase-project`). The platform stand-ins change nothing where Supabase's
//! objects already exist, and a workspace made before them gets them from `dfworx sync`.
//!
//! Needs pgTAP in the server and `pg_prove` (Debian: postgresql-15-pgtap,
//! libtap-parser-sourcehandler-pgtap-perl); `.ci/run` installs both.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output};

use common::{Sandbox, TestDb, dfworx_in, stderr, stdout};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/supabase-project");

fn workspace(sb: &Sandbox) -> PathBuf {
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git", "--no-install"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb.path("acme")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// `bash scripts/test-db.sh` in the workspace, with `path` as PATH when given.
fn test_db(root: &Path, url: &str, path: Option<&Path>) -> Output {
    let mut cmd = StdCommand::new("bash");
    cmd.arg("scripts/test-db.sh").current_dir(root).env("DATABASE_URL", url);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    cmd.output().unwrap()
}

fn require_pgtap(db: &TestDb) {
    assert_eq!(
        db.psql("select count(*) from pg_catalog.pg_available_extensions where name = 'pgtap'"),
        "1",
        "pgTAP is not installed in the local server: apt-get install postgresql-15-pgtap (.ci/run does)"
    );
    assert!(
        StdCommand::new("pg_prove").arg("--version").output().is_ok(),
        "pg_prove is missing: apt-get install libtap-parser-sourcehandler-pgtap-perl (.ci/run does)"
    );
}

/// A PATH with what `test-db.sh` and psql need, but no `pg_prove`.
fn path_without_pg_prove(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["bash", "psql", "perl", "find", "sort", "grep", "dirname"] {
        let found = StdCommand::new("bash").args(["-c", &format!("command -v {tool}")]).output().unwrap();
        let target = String::from_utf8(found.stdout).unwrap();
        std::os::unix::fs::symlink(target.trim(), bin.join(tool)).unwrap();
    }
    bin
}

#[test]
fn a_supabase_project_applies_after_the_workspace_and_its_pgtap_suite_passes() {
    let db = TestDb::create("supabase_project");
    require_pgtap(&db);
    let sb = Sandbox::new();
    let root = workspace(&sb);
    let own = std::fs::read_dir(root.join("supabase/migrations")).unwrap().count();
    copy_dir(&Path::new(FIXTURE).join("migrations"), &root.join("supabase/migrations"));
    copy_dir(&Path::new(FIXTURE).join("tests"), &root.join("supabase/tests/teamnotes"));

    let out = dfworx_in(&root, &["migrate", "--database-url", &db.url()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    for file in ["teamnotes_accounts", "teamnotes_invitations", "teamnotes_notes_and_files"] {
        assert!(said.lines().any(|l| l.contains("Applied 2030010100") && l.contains(file)), "{said}");
    }
    // The file with its own BEGIN … COMMIT is recorded like every other.
    assert_eq!(db.psql("select count(*) from supabase_migrations.schema_migrations"), (own + 3).to_string());
    assert_eq!(
        db.psql("select name from supabase_migrations.schema_migrations where version = '20300101000000'"),
        "teamnotes_accounts"
    );

    // pg_prove, as `supabase test db` runs it: the project's pgTAP file and the workspace's own
    // RLS tests, which still pass beside the project's tables and functions.
    let out = test_db(&root, &db.url(), None);
    let said = stdout(&out);
    assert!(out.status.success(), "{said}\n{}", stderr(&out));
    assert!(said.contains("supabase/tests/teamnotes/teamnotes.test.sql .. ok"), "{said}");
    assert!(said.contains("supabase/tests/shared_rls.test.sql") && said.contains("Result: PASS"), "{said}");
    assert!(said.contains("Files=4, Tests=49"), "{said}");
    assert_eq!(db.psql("select count(*) from pg_catalog.pg_extension where extname = 'pgtap'"), "0");

    // Without pg_prove the script reads the TAP output itself: every assertion is shown.
    let bin = path_without_pg_prove(sb.dir.path());
    let out = test_db(&root, &db.url(), Some(&bin));
    let said = stdout(&out);
    assert!(out.status.success(), "{said}\n{}", stderr(&out));
    assert!(said.contains("ok 16 - carol cannot write into the team"), "{said}");
    assert!(said.contains("4 passed, 0 failed"), "{said}");
}

#[test]
fn a_failing_pgtap_assertion_fails_the_run_with_and_without_pg_prove() {
    let db = TestDb::create("pgtap_failure");
    require_pgtap(&db);
    let sb = Sandbox::new();
    let root = workspace(&sb);
    assert!(dfworx_in(&root, &["migrate", "--database-url", &db.url()]).status.success());
    std::fs::write(
        root.join("supabase/tests/wrong.test.sql"),
        "begin;\nselect plan(2);\nselect ok(true, 'fine');\nselect is(1 + 1, 3, 'arithmetic');\nselect * from finish();\nrollback;\n",
    )
    .unwrap();

    let out = test_db(&root, &db.url(), None);
    assert!(!out.status.success());
    assert!(stdout(&out).contains("Result: FAIL"), "{}", stdout(&out));

    let bin = path_without_pg_prove(sb.dir.path());
    let out = test_db(&root, &db.url(), Some(&bin));
    assert!(!out.status.success());
    let said = stdout(&out);
    assert!(said.contains("not ok 2 - arithmetic") && said.contains("3 passed, 1 failed"), "{said}");
    assert!(stderr(&out).contains("FAILED: supabase/tests/wrong.test.sql"), "{}", stderr(&out));
}

/// Everything in a database that a migration could create or change, as text (roles are
/// cluster-wide and left out: the server's other test databases create them too).
const CATALOG: &str = "
select string_agg(line, E'\\n' order by line) from (
  select 'schema ' || nspname as line from pg_namespace
  union all select 'relation ' || c.oid::regclass::text || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity
    || ' acl=' || coalesce(c.relacl::text, '') from pg_class as c
    join pg_namespace as n on n.oid = c.relnamespace where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
  union all select 'column ' || attrelid::regclass::text || '.' || attname || ' ' || format_type(atttypid, atttypmod)
    from pg_attribute as a join pg_class as c on c.oid = a.attrelid join pg_namespace as n on n.oid = c.relnamespace
    where n.nspname in ('auth', 'storage', 'extensions', 'public') and attnum > 0 and not attisdropped
  union all select 'function ' || p.oid::regprocedure::text || ' ' || md5(p.prosrc) from pg_proc as p
    join pg_namespace as n on n.oid = p.pronamespace where n.nspname in ('auth', 'storage', 'public')
  union all select 'extension ' || extname || ' in ' || extnamespace::regnamespace::text from pg_extension
  union all select 'publication ' || pubname from pg_publication
  union all select 'setting ' || array_to_string(setconfig, ',') from pg_db_role_setting
    where setdatabase = (select oid from pg_database where datname = current_database())
  union all select 'default acl ' || defaclnamespace::regnamespace::text || ' ' || defaclobjtype::text || ' '
    || defaclacl::text from pg_default_acl
  union all select 'schema acl ' || nspname || ' ' || coalesce(nspacl::text, '') from pg_namespace
) as everything";

/// What a Supabase project has before any migration of its own, reduced to the objects the
/// platform stand-ins would create: the services' bookkeeping tables mark auth and storage as theirs.
const SUPABASE_LIKE: &str = "
create schema auth;
create table auth.schema_migrations (version varchar(255) primary key);
create table auth.users (id uuid primary key, email varchar(255), raw_app_meta_data jsonb,
  raw_user_meta_data jsonb, created_at timestamptz, updated_at timestamptz);
create function auth.uid() returns uuid language sql stable as $$ select null::uuid $$;
create function auth.role() returns text language sql stable as $$ select null::text $$;
create function auth.email() returns text language sql stable as $$ select null::text $$;
create function auth.jwt() returns jsonb language sql stable as $$ select null::jsonb $$;
grant usage on schema auth to anon, authenticated, service_role;
create schema extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension pgcrypto with schema extensions;
create extension \"uuid-ossp\" with schema extensions;
create schema storage;
create table storage.migrations (id integer primary key, name varchar(100));
create table storage.buckets (id text primary key, name text not null);
create table storage.objects (id uuid primary key, bucket_id text, name text);
create publication supabase_realtime;
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema extensions grant execute on functions to anon, authenticated, service_role;
";

#[test]
fn on_a_database_shaped_like_supabase_the_platform_stand_ins_change_nothing() {
    let db = TestDb::create("supabase_like");
    let sb = Sandbox::new();
    let root = workspace(&sb);
    let migrations = root.join("supabase/migrations");
    let compat = migrations.join(migration_named(&migrations, "dfworx_compat"));
    let platform = migrations.join(migration_named(&migrations, "supabase_platform"));
    // Roles exist on Supabase, and are cluster-wide: another database creates them first.
    let scratch = TestDb::create("roles_for_supabase_like");
    psql_file(&scratch, &compat);
    psql_file(&scratch, &platform);
    drop(scratch);

    db.psql(SUPABASE_LIKE);
    db.psql(&format!("alter database {} set search_path to \"$user\", public, extensions", db.name));
    let before = db.psql(CATALOG);
    psql_file(&db, &compat);
    psql_file(&db, &platform);
    let after = db.psql(CATALOG);
    let diff: Vec<_> = after.lines().filter(|l| !before.lines().any(|b| b == *l)).collect();
    let gone: Vec<_> = before.lines().filter(|l| !after.lines().any(|a| a == *l)).collect();
    assert!(diff.is_empty() && gone.is_empty(), "added: {diff:#?}\nremoved: {gone:#?}");
}

/// The file name of the migration called `name` (`<version>_<name>.sql`) in `dir`.
fn migration_named(dir: &Path, name: &str) -> String {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with(&format!("_{name}.sql")))
        .unwrap_or_else(|| panic!("no {name} migration in {}", dir.display()))
}

fn psql_file(db: &TestDb, file: &Path) {
    let out = StdCommand::new("psql")
        .args(["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres", "-d", &db.name, "-f"])
        .arg(file)
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}: {}", file.display(), stderr(&out));
}

#[test]
fn a_workspace_made_before_the_stand_ins_gets_them_from_sync_as_new_migrations() {
    let db = TestDb::create("older_workspace");
    let sb = Sandbox::new();
    let root = workspace(&sb);
    // As an older dfworx left it: no supabase_platform migration, nor service_access (which came
    // later and builds on it), on disk or in the state.
    let migrations = root.join("supabase/migrations");
    let removed = ["supabase_platform", "service_access"].map(|name| migration_named(&migrations, name));
    let state_path = root.join(".dfworx/state.json");
    let mut state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&state_path).unwrap()).unwrap();
    let files = state["files"].as_object_mut().unwrap();
    for file in &removed {
        std::fs::remove_file(migrations.join(file)).unwrap();
        assert!(files.remove(&format!("supabase/migrations/{file}")).is_some());
    }
    std::fs::write(&state_path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
    assert!(dfworx_in(&root, &["migrate", "--database-url", &db.url()]).status.success());

    let check = dfworx_in(&root, &["sync", "--check"]);
    assert!(!check.status.success(), "sync --check must see the missing migrations");
    assert!(stdout(&check).contains("_supabase_platform.sql"), "{}", stdout(&check));
    let out = dfworx_in(&root, &["sync"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut added: Vec<_> = std::fs::read_dir(&migrations)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_supabase_platform.sql") || n.ends_with("_service_access.sql"))
        .collect();
    added.sort();
    assert_eq!(added.len(), 2, "{added:?}");
    assert!(added[0].ends_with("_supabase_platform.sql"), "in the order of the templates: {added:?}");
    // New versions: after every migration the database already has (append-only history).
    let newest_applied = db.psql("select max(version) from supabase_migrations.schema_migrations");
    assert!(added[0].as_str() > newest_applied.as_str(), "{added:?} vs {newest_applied}");

    let out = dfworx_in(&root, &["migrate", "--database-url", &db.url()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out).matches("     Applied ").count(), 2, "{}", stderr(&out));
    assert_eq!(db.psql("select count(*) from storage.buckets"), "0");
    let out = test_db(&root, &db.url(), None);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
}
