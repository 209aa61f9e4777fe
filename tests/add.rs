//! `dfworx add` and `dfworx remove`: a workspace grows and shrinks, every listing re-rendered.

mod common;

use common::{Sandbox, stderr, stdout, tree};

fn workspace() -> Sandbox {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb
}

fn in_ws(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut all = vec!["-C", "acme"];
    all.extend_from_slice(args);
    sb.dfworx(&all)
}

#[test]
fn add_app_admin_registers_it_everywhere_and_the_workspace_stays_in_sync() {
    let sb = workspace();
    let out = in_ws(&sb, &["add", "app", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    for identifier in ["apps/admin", "@acme/admin", "app_admin", "ADMIN_", "3001"] {
        assert!(said.contains(identifier), "derived identifier {identifier} not printed:\n{said}");
    }
    // CI installs from the lockfiles, which are now behind: the user is told what to run and commit.
    assert!(said.contains("`pnpm install && uv sync` brings pnpm-lock.yaml and uv.lock up to date"), "{said}");
    assert!(sb.path("acme/apps/admin/package.json").exists());
    assert!(sb.read("acme/apps/admin/package.json").contains("\"name\": \"@acme/admin\""));
    assert!(sb.read("acme/dfworx.yaml").contains("- name: admin\n    port: 3001"));
    assert!(sb.read("acme/infrastructure/docker/compose.yaml").contains("admin:"));
    assert!(sb.read("acme/infrastructure/coolify/compose.yaml").contains("admin"));
    assert!(sb.read("acme/.github/workflows/ci.yml").contains("admin"), "CI does not list the new app");
    assert!(sb.read("acme/supabase/config.toml").contains("app_admin"));
    let migrations: Vec<String> = tree(&sb.path("acme/supabase/migrations")).into_keys().collect();
    assert!(migrations.iter().any(|m| m.ends_with("_app_admin_schema.sql")), "{migrations:?}");
    let newest = migrations.iter().max().unwrap();
    assert!(newest.ends_with("_app_admin_schema.sql"), "the new schema must sort after every other migration");
    assert!(sb.path("acme/supabase/tests/app_admin_rls.test.sql").exists());
    assert_eq!(in_ws(&sb, &["sync", "--check"]).status.code(), Some(0));
}

#[test]
fn add_service_and_packages_join_their_workspaces() {
    let sb = workspace();
    for args in [
        &["add", "service", "billing"][..],
        &["add", "package", "shared-utils"],
        &["add", "package", "py-tools", "--lang", "python"],
    ] {
        let out = in_ws(&sb, args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    assert!(sb.path("acme/services/billing/src/billing/main.py").exists());
    assert!(sb.read("acme/dfworx.yaml").contains("- name: billing\n    port: 8001"));
    assert!(sb.read("acme/infrastructure/docker/compose.yaml").contains("billing:"));
    assert!(sb.read("acme/packages/shared-utils/package.json").contains("\"name\": \"@acme/shared-utils\""));
    assert!(sb.read("acme/pyproject.toml").contains("\"packages/py-tools\""));
    assert!(sb.path("acme/packages/py-tools/src/py_tools/__init__.py").exists());
    assert_eq!(in_ws(&sb, &["sync", "--check"]).status.code(), Some(0));
}

#[test]
fn bad_and_colliding_names_change_nothing() {
    let sb = workspace();
    std::fs::create_dir_all(sb.path("acme/apps/legacy")).unwrap();
    let before = tree(&sb.path("acme"));
    let cases: &[(&[&str], &str)] = &[
        (&["add", "app", "web"], "already has app \"web\""),
        (&["add", "service", "web"], "already has app \"web\""),
        (&["add", "app", "Web"], "once normalised"),
        (&["add", "app", "Crm"], "capital letter"),
        (&["add", "app", "auth_service"], "once normalised"),
        (&["add", "app", "postgres"], "reserved"),
        (&["add", "app", "legacy"], "already exists"),
        (&["add", "package", "types"], "reserved"),
        (&["add", "service", "../x"], "single path component"),
        (&["add", "app", "x", "--lang", "python"], "packages only"),
        (&["add", "app", "x", "--port", "8000"], "port 8000"),
    ];
    for (args, expected) in cases {
        let out = in_ws(&sb, args);
        assert_ne!(out.status.code(), Some(0), "{args:?} succeeded");
        assert!(stderr(&out).contains(expected), "{args:?}: expected {expected:?} in {}", stderr(&out));
        assert_eq!(tree(&sb.path("acme")), before, "{args:?} changed the workspace");
    }
}

#[test]
fn dry_run_shows_the_plan_with_diffs_and_writes_nothing() {
    let sb = workspace();
    let before = tree(&sb.path("acme"));
    let out = in_ws(&sb, &["add", "app", "admin", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(plan.contains("create     seeded      apps/admin/app/page.tsx"), "{plan}");
    assert!(plan.contains("+++ b/infrastructure/docker/compose.yaml"), "no diff in:\n{plan}");
    assert_eq!(tree(&sb.path("acme")), before);
}

#[test]
fn remove_keeps_history_and_leaves_the_workspace_in_sync() {
    let sb = workspace();
    assert!(in_ws(&sb, &["add", "app", "admin"]).status.success());
    let migration = tree(&sb.path("acme/supabase/migrations")).into_keys().find(|m| m.contains("app_admin")).unwrap();

    let out = in_ws(&sb, &["remove", "app", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("drop schema if exists app_admin cascade;"), "{}", stdout(&out));
    assert!(!sb.read("acme/dfworx.yaml").contains("admin"));
    assert!(!sb.read("acme/infrastructure/docker/compose.yaml").contains("admin:"));
    assert!(sb.path("acme/apps/admin/package.json").exists(), "files deleted without --delete-files");
    assert!(sb.path(&format!("acme/supabase/migrations/{migration}")).exists(), "a migration was deleted");
    assert_eq!(in_ws(&sb, &["sync", "--check"]).status.code(), Some(0));

    assert!(in_ws(&sb, &["add", "app", "crm"]).status.success());
    assert!(in_ws(&sb, &["remove", "app", "crm", "--delete-files"]).status.success());
    assert!(!sb.path("acme/apps/crm").exists(), "--delete-files kept the app");
    assert_eq!(in_ws(&sb, &["sync", "--check"]).status.code(), Some(0));

    let out = in_ws(&sb, &["remove", "service", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("auth-service"), "{}", stderr(&out));
}

#[test]
fn an_app_calls_the_service_that_owns_auth_and_its_browser_tests_start_that_service() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git", "--service", "accounts", "--service", "billing"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = in_ws(&sb, &["add", "app", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The first service owns sign-in: the app's server code calls it, at the URL compose gives it.
    let api = sb.read("acme/apps/admin/lib/api.ts");
    assert!(api.contains("process.env.ACCOUNTS_URL ?? DEFAULT_API_URL"), "{api}");
    assert!(api.contains("\"http://localhost:8000\""), "{api}");
    assert!(sb.read("acme/infrastructure/docker/compose.yaml").contains("ACCOUNTS_URL: http://accounts:8000"));
    // Its pages use its own projects endpoints; its Playwright tests start that service.
    assert!(sb.read("acme/apps/admin/app/organizations/actions.ts").contains("/apps/admin/projects"));
    let playwright = sb.read("acme/apps/admin/playwright.config.ts");
    assert!(playwright.contains("uv run --package accounts python -m accounts.browser_server"), "{playwright}");
    assert!(sb.path("acme/services/accounts/src/accounts/browser_server.py").exists());
    assert!(!sb.path("acme/services/billing/src/billing/browser_server.py").exists());
    let ci = sb.read("acme/.github/workflows/ci.yml");
    assert!(ci.contains("name: Browser (Playwright against accounts, PostgreSQL and Redis)"), "{ci}");
}

#[test]
fn without_a_service_that_owns_auth_an_added_app_says_what_its_browser_tests_lack() {
    let sb = workspace();
    let out = in_ws(&sb, &["remove", "service", "auth-service"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = in_ws(&sb, &["add", "app", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let playwright = sb.read("acme/apps/admin/playwright.config.ts");
    assert!(playwright.contains("no service owns auth in this workspace"), "{playwright}");
    assert!(!sb.read("acme/.github/workflows/ci.yml").contains("browser:"), "a browser job with nothing to test");
}
