//! Each tenancy, end to end on the local PostgreSQL: `dfworx new --tenancy <mode>`, `dfworx migrate`
//! into a fresh database, the workspace's own SQL tests through `scripts/test-db.sh` (as
//! `supabase test db` runs them), and a second `migrate` that finds nothing to do.
//!
//! Needs the PostgreSQL client, a server at 127.0.0.1:5432 (user postgres, trust) and `pg_prove`
//! (`.ci/run` installs them); without `pg_prove` `test-db.sh` checks the TAP output itself.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use common::{Sandbox, TestDb, dfworx_in, stderr, stdout};

/// `dfworx new acme --tenancy <tenancy> <more>`: the workspace's root.
fn workspace(sb: &Sandbox, tenancy: &str, more: &[&str]) -> PathBuf {
    let mut args = vec!["new", "acme", "--yes", "--no-git", "--no-install", "--tenancy", tenancy];
    args.extend_from_slice(more);
    let out = sb.dfworx(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    sb.path("acme")
}

/// Migrates a fresh database, runs the SQL tests, migrates again; returns what the tests printed.
fn migrate_and_test(root: &Path, db: &TestDb) -> String {
    let out = dfworx_in(root, &["migrate", "--database-url", &db.url()]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = StdCommand::new("bash")
        .arg("scripts/test-db.sh")
        .current_dir(root)
        .env("DATABASE_URL", db.url())
        .env_remove("MIGRATION_DATABASE_URL")
        .output()
        .unwrap();
    let said = stdout(&out);
    assert!(out.status.success(), "{said}\n{}", stderr(&out));
    assert!(!said.contains("not ok"), "{said}");

    let again = dfworx_in(root, &["migrate", "--database-url", &db.url()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains("Up to date"), "{}", stderr(&again));
    said
}

fn migrations(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("supabase/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().split_once('_').unwrap().1.to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn an_org_workspace_migrates_and_its_sql_tests_pass() {
    let sb = Sandbox::new();
    let root = workspace(&sb, "org", &[]);
    let db = TestDb::create("tenancy_org");
    let said = migrate_and_test(&root, &db);
    for test in ["shared_rls.test.sql", "service_access.test.sql", "app_web_rls.test.sql"] {
        assert!(said.contains(test), "{test} did not run:\n{said}");
    }
    assert_eq!(db.psql("select to_regclass('public.organizations') is not null"), "t");
}

#[test]
fn a_context_workspace_keeps_tenants_apart_by_the_transaction_s_tenant() {
    let sb = Sandbox::new();
    let root = workspace(&sb, "context", &["--starter", "web=blank", "--starter", "auth-service=blank"]);
    assert!(!root.join("supabase/tests/shared_rls.test.sql").exists());
    assert!(root.join("packages/python-common/src/python_common/tenancy.py").exists());
    let db = TestDb::create("tenancy_context");
    let said = migrate_and_test(&root, &db);
    for test in ["tenant_context.test.sql", "app_web_rls.test.sql"] {
        assert!(said.contains(test), "{test} did not run:\n{said}");
    }
    assert_eq!(db.psql("select to_regclass('public.organizations') is null"), "t");
    assert_eq!(
        db.psql("select relrowsecurity and relforcerowsecurity from pg_class where oid = 'app_web.projects'::regclass"),
        "t"
    );
    // Outside any transaction that names one, there is no tenant, and asking raises nothing.
    assert_eq!(db.psql("select public.current_tenant() is null"), "t");
}

#[test]
fn a_workspace_without_tenancy_still_guards_its_data_with_row_level_security() {
    let sb = Sandbox::new();
    let root = workspace(&sb, "none", &["--starter", "web=blank", "--starter", "auth-service=blank"]);
    assert!(migrations(&root).iter().all(|m| !m.contains("tenant")), "{:?}", migrations(&root));
    let db = TestDb::create("tenancy_none");
    let said = migrate_and_test(&root, &db);
    for test in ["profiles_rls.test.sql", "app_web_rls.test.sql"] {
        assert!(said.contains(test), "{test} did not run:\n{said}");
    }
    assert_eq!(
        db.psql("select count(*) from pg_class where relnamespace = 'public'::regnamespace and relname in ('organizations', 'tenants')"),
        "0"
    );
}

#[test]
fn a_schema_workspace_gives_each_tenant_a_schema_and_each_app_an_empty_one() {
    let sb = Sandbox::new();
    let root = workspace(&sb, "schema", &[]);
    assert!(root.join("packages/python-common/src/python_common/tenancy.py").exists());
    let db = TestDb::create("tenancy_schema");
    let said = migrate_and_test(&root, &db);
    // The registry as users meet it, the per-tenant-role hardening of data-management.md applied
    // word for word (and rolled back), and the app's schema.
    for test in ["tenant_registry.test.sql", "tenant_roles.test.sql", "app_web_schema.test.sql"] {
        assert!(said.contains(test), "{test} did not run:\n{said}");
    }
    let doc = std::fs::read_to_string(root.join("docs/data-management.md")).unwrap();
    assert!(doc.contains("create or replace function public.harden_tenant(tenant uuid)"), "{doc}");
    // The app's schema holds nothing of a tenant's: no table at all to begin with.
    assert_eq!(db.psql("select count(*) from pg_class where relnamespace = 'app_web'::regnamespace"), "0");
    // The tests leave no tenant, no tenant schema and no tenant role behind.
    assert_eq!(db.psql("select count(*) from public.tenants"), "0");
    assert_eq!(db.psql("select count(*) from pg_namespace where nspname like 'tenant\\_%'"), "0");

    // An app added later gets its (empty) schema, its test, and the next migrate applies only it.
    let out = dfworx_in(&root, &["add", "app", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join("supabase/tests/app_admin_schema.test.sql").exists());
    let said = migrate_and_test(&root, &db);
    assert!(said.contains("app_admin_schema.test.sql"), "{said}");
}

#[test]
fn every_tenancy_has_the_same_migration_names_around_its_own() {
    let sb = Sandbox::new();
    let org = migrations(&workspace(&sb, "org", &[]));
    assert_eq!(
        org,
        [
            "app_web_schema.sql",
            "dfworx_compat.sql",
            "public_schema.sql",
            "rls_policies.sql",
            "service_access.sql",
            "supabase_platform.sql"
        ]
    );
    let other = Sandbox::new();
    let context =
        migrations(&workspace(&other, "context", &["--starter", "web=blank", "--starter", "auth-service=blank"]));
    assert_eq!(context, org, "context: the same names, its own contents");
}
