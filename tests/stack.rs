//! Stack choices in dfworx.yaml (tenancy, with, framework, starter) and the presets that fill them
//! in: what a user sees when a combination cannot be generated, and that the defaults change nothing.

mod common;

use common::{Sandbox, stderr, tree};

fn new(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut all = vec!["new", "acme", "--yes", "--no-git"];
    all.extend_from_slice(args);
    sb.dfworx(&all)
}

#[test]
fn a_preset_shows_its_choices_as_flags_and_a_refused_combination_writes_nothing() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--preset", "tenant-schemas", "--dry-run"]);
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(
            "--tenancy schema --with pgbouncer,n8n,comfyui --app web --service auth-service:fastapi \
             --service api:nestjs --starter web=blank --starter auth-service=blank --starter api=content"
        ),
        "{said}"
    );
    assert!(said.contains("Dry run: nothing was written."), "{said}");
    assert!(!sb.path("acme").exists(), "--dry-run wrote files");

    for (args, rule) in [
        (&["--tenancy", "schema", "--starter", "auth-service=chat"][..], "schema-tenancy-starters"),
        (&["--tenancy", "context", "--starter", "web=projects"], "projects-needs-org"),
        (&["--tenancy", "none", "--starter", "web=blank", "--starter", "auth-service=projects"], "projects-needs-org"),
        (&["--with", "n8n,pgbouncer,n8n"], "duplicate-extra"),
        (&["--service", "api:nestjs"], "auth-service-is-fastapi"),
        (&["--service", "auth-service", "--service", "api:nestjs", "--starter", "api=projects"], "starter-framework"),
        (
            &["--service", "auth-service", "--service", "api:nestjs", "--starter", "api=booking"],
            "booking-needs-context",
        ),
        (&["--service", "auth-service", "--service", "api:nestjs", "--starter", "api=content"], "content-needs-schema"),
        (&["--tenancy", "context", "--starter", "web=booking"], "app-starter-needs-service"),
        (&["--starter", "web=shop"], "unknown-starter"),
    ] {
        let out = new(&sb, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("(rule {rule})")), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("hint: "), "{args:?}: {}", stderr(&out));
        assert!(!sb.path("acme").exists(), "{args:?} wrote files");
    }
}

#[test]
fn the_extra_services_come_with_their_compose_services_env_and_docs() {
    let sb = Sandbox::new();
    let out = new(&sb, &["--with", "pgbouncer,n8n,comfyui"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let compose = sb.read("acme/infrastructure/docker/compose.yaml");
    for service in ["  pgbouncer:\n", "  n8n:\n", "  comfyui:\n"] {
        assert!(compose.contains(service), "{service} missing from compose.yaml");
        assert!(sb.read("acme/infrastructure/coolify/compose.yaml").contains(service), "{service} missing on Coolify");
    }
    assert!(compose.contains("@pgbouncer:6432/"), "the services do not go through PgBouncer");
    assert!(sb.path("acme/infrastructure/docker/compose.gpu.yaml").exists());
    let env = sb.read("acme/.env");
    let key = env.lines().find_map(|l| l.strip_prefix("N8N_ENCRYPTION_KEY=")).expect("N8N_ENCRYPTION_KEY in .env");
    assert_eq!(key.len(), 64, "{key}");
    assert!(sb.read("acme/.env.example").contains("\nN8N_ENCRYPTION_KEY=\n"));
    let readme = sb.read("acme/README.md");
    assert!(readme.contains("| `pgbouncer` |") && readme.contains("| `n8n` |") && readme.contains("| `comfyui` |"));
    assert!(sb.read("acme/dfworx.yaml").contains("with:"), "{}", sb.read("acme/dfworx.yaml"));
}

#[test]
fn the_default_preset_generates_the_default_workspace() {
    let plain = Sandbox::new();
    assert!(new(&plain, &[]).status.success());
    let preset = Sandbox::new();
    let out = new(&preset, &["--preset", "dfworx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let skip =
        |path: &str| matches!(path, ".env" | ".dfworx/state.json" | "dfworx.yaml") || path.contains("migrations/");
    let a: Vec<_> = tree(&plain.path("acme")).into_iter().filter(|(p, _)| !skip(p)).collect();
    let b: Vec<_> = tree(&preset.path("acme")).into_iter().filter(|(p, _)| !skip(p)).collect();
    assert_eq!(a.len(), b.len());
    for ((path_a, bytes_a), (path_b, bytes_b)) in a.iter().zip(&b) {
        assert_eq!(path_a, path_b);
        // Migration versions in docs are times; everything else is the same bytes.
        if !path_a.starts_with("docs/") && !path_a.starts_with("supabase/") {
            assert!(bytes_a == bytes_b, "{path_a} differs");
        }
    }
    // The manifest stores the resolved choices, never the preset's name.
    let manifest = preset.read("acme/dfworx.yaml");
    assert!(
        manifest.contains("  - name: auth-service\n    port: 8000\n    framework: fastapi\n    starter: projects\n"),
        "{manifest}"
    );
    assert!(!manifest.contains("preset"), "{manifest}");
}

#[test]
fn a_choice_edited_into_the_manifest_is_checked_before_anything_is_rendered() {
    let sb = Sandbox::new();
    assert!(new(&sb, &[]).status.success());
    let before = tree(&sb.path("acme"));
    let manifest = sb.read("acme/dfworx.yaml").replace("name: acme\n", "name: acme\nwith: [n8n, n8n]\n");
    std::fs::write(sb.path("acme/dfworx.yaml"), &manifest).unwrap();
    let out = sb.dfworx(&["-C", "acme", "sync"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`with` lists n8n twice") && stderr(&out).contains("(rule duplicate-extra)"),
        "{}",
        stderr(&out)
    );
    let mut after = tree(&sb.path("acme"));
    after.insert("dfworx.yaml".into(), before["dfworx.yaml"].clone());
    assert!(after == before, "sync changed files although it refused");

    let typo = manifest.replace("with: [n8n, n8n]", "tenancy: orgs");
    std::fs::write(sb.path("acme/dfworx.yaml"), typo).unwrap();
    let out = sb.dfworx(&["-C", "acme", "sync", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("orgs"), "{}", stderr(&out));
}

#[test]
fn add_takes_a_framework_and_a_starter_and_checks_them_against_the_rules() {
    let sb = Sandbox::new();
    assert!(new(&sb, &[]).status.success());
    let before = tree(&sb.path("acme"));
    for (args, expected) in [
        (
            &["add", "service", "api", "--framework", "nestjs", "--starter", "booking"][..],
            "(rule booking-needs-context)",
        ),
        (&["add", "service", "api", "--framework", "nestjs", "--starter", "projects"], "(rule starter-framework)"),
        (&["add", "app", "shop", "--starter", "booking"], "(rule booking-needs-context)"),
        (&["add", "app", "shop", "--starter", "chat"], "(rule app-starter-needs-service)"),
        (&["add", "app", "shop", "--framework", "fastapi"], "--framework applies to services only"),
        (&["add", "package", "kit", "--starter", "projects"], "--starter applies to apps and services only"),
    ] {
        let mut all = vec!["-C", "acme"];
        all.extend_from_slice(args);
        let out = sb.dfworx(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{args:?}: {}", stderr(&out));
        assert!(tree(&sb.path("acme")) == before, "{args:?} changed the workspace");
    }
    let out =
        sb.dfworx(&["-C", "acme", "add", "service", "billing", "--framework", "fastapi", "--starter", "projects"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = sb.read("acme/dfworx.yaml");
    assert!(
        manifest.contains("  - name: billing\n    port: 8001\n    framework: fastapi\n    starter: projects\n"),
        "{manifest}"
    );
    assert_eq!(sb.dfworx(&["-C", "acme", "sync", "--check"]).status.code(), Some(0));

    // A NestJS service beside FastAPI ones starts blank whatever the tenancy, and joins the pnpm
    // workspace instead of the uv one.
    let out = sb.dfworx(&["-C", "acme", "add", "service", "api", "--framework", "nestjs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = sb.read("acme/dfworx.yaml");
    assert!(manifest.contains("  - name: api\n    port: 8002\n    framework: nestjs\n"), "{manifest}");
    assert!(sb.read("acme/pnpm-workspace.yaml").contains("  - services/api\n"));
    assert!(sb.read("acme/pyproject.toml").contains("exclude = [\"services/api\"]"));
    assert!(!sb.path("acme/services/api/pyproject.toml").exists());
    assert_eq!(sb.dfworx(&["-C", "acme", "sync", "--check"]).status.code(), Some(0));
}

#[test]
fn tenancy_is_fixed_once_the_workspace_exists() {
    let sb = Sandbox::new();
    let out = new(&sb, &["--tenancy", "none", "--starter", "web=blank", "--starter", "auth-service=blank"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sb.read("acme/dfworx.yaml").contains("tenancy: none\n"));
    assert!(sb.read("acme/.dfworx/state.json").contains("\"tenancy\": \"none\""));
    let before = tree(&sb.path("acme"));
    let edited = sb.read("acme/dfworx.yaml").replace("tenancy: none\n", "tenancy: context\n");
    std::fs::write(sb.path("acme/dfworx.yaml"), &edited).unwrap();
    for args in [&["sync"][..], &["sync", "--check"], &["add", "app", "admin", "--starter", "blank"]] {
        let mut all = vec!["-C", "acme"];
        all.extend_from_slice(args);
        let out = sb.dfworx(&all);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("(rule tenancy-fixed)"), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("put back `tenancy: none`"), "{args:?}: {}", stderr(&out));
    }
    let mut after = tree(&sb.path("acme"));
    after.insert("dfworx.yaml".into(), before["dfworx.yaml"].clone());
    assert!(after == before, "a refused command changed files");
}

#[test]
fn without_organizations_every_unit_starts_blank_and_add_needs_no_starter() {
    let sb = Sandbox::new();
    let out = new(&sb, &["--tenancy", "context"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for args in [&["add", "app", "admin"][..], &["add", "service", "billing"]] {
        let out = sb.dfworx(&[&["-C", "acme"][..], args].concat());
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    // Blank units: sign-up and sign-in, no organizations anywhere in their code.
    let files = tree(&sb.path("acme"));
    assert!(files.keys().all(|path| !path.contains("organizations")), "organizations rendered without them");
    assert!(files.contains_key("services/billing/src/billing/profile/router.py"));
    assert!(files.contains_key("services/auth-service/tests/test_tenant_context.py"));
    let manifest = sb.read("acme/dfworx.yaml");
    assert!(!manifest.contains("starter"), "the default is not written: {manifest}");
}
