//! `dfworx new`, told as a user's session: run the binary, look at the disk.

mod common;

use common::{Sandbox, listing, stderr, stdout, tree};

#[test]
fn the_default_workspace_has_the_expected_files() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listing = listing(&sb.path("acme"));
    // Migration file names carry the creation time; keep the snapshot stable.
    let listing = regex_lite_versions(&listing);
    insta::assert_snapshot!("default_workspace_files", listing);
}

/// `20261123140405_x.sql` → `<version>_x.sql`
fn regex_lite_versions(text: &str) -> String {
    text.lines()
        .map(|line| {
            let (dir, name) = line.rsplit_once('/').unwrap_or(("", line));
            match name.split_once('_') {
                Some((digits, rest)) if digits.len() == 14 && digits.chars().all(|c| c.is_ascii_digit()) => {
                    format!("{dir}/<version>_{rest}")
                }
                _ => line.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_manifest_records_the_answers_and_the_state_records_every_file() {
    let sb = Sandbox::new();
    let out =
        sb.dfworx(&["new", "acme", "--yes", "--no-git", "--app", "web", "--app", "admin", "--service", "auth-service"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let manifest = sb.read("acme/dfworx.yaml");
    for expected in [
        "name: acme",
        "- name: web\n    port: 3000",
        "- name: admin\n    port: 3001",
        "- name: auth-service\n    port: 8000",
    ] {
        assert!(manifest.contains(expected), "manifest lacks {expected:?}:\n{manifest}");
    }

    let state: serde_json::Value = serde_json::from_str(&sb.read("acme/.dfworx/state.json")).unwrap();
    let files = state["files"].as_object().unwrap();
    let on_disk = tree(&sb.path("acme"));
    for (path, bytes) in &on_disk {
        if path == "dfworx.yaml" || path == ".dfworx/state.json" || path == ".dfworx/lock" {
            continue;
        }
        let record = files.get(path).unwrap_or_else(|| panic!("{path} is not in the state"));
        let expected = sha256(bytes);
        assert_eq!(record["sha256"], expected, "{path}");
    }
    assert_eq!(files["apps/admin/app/page.tsx"]["owner"], "seeded");
    assert_eq!(files["apps/admin/package.json"]["owner"], "managed");
    assert_eq!(files["infrastructure/docker/compose.yaml"]["owner"], "managed");
    assert!(files.keys().any(|p| p.starts_with("supabase/migrations/") && p.ends_with("_app_admin_schema.sql")));
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn every_unit_reaches_the_files_that_list_units() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&[
        "new",
        "acme",
        "--yes",
        "--no-git",
        "--app",
        "web",
        "--app",
        "admin",
        "--service",
        "auth-service",
        "--service",
        "billing",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let compose = sb.read("acme/infrastructure/docker/compose.yaml");
    for service in ["postgres:", "redis:", "web:", "admin:", "auth-service:", "billing:"] {
        assert!(compose.contains(service), "compose lacks {service}");
    }
    assert!(!compose.contains("\nversion:"), "compose must not carry the obsolete version key");
    assert!(sb.read("acme/apps/admin/package.json").contains("\"name\": \"@acme/admin\""));
    assert!(sb.path("acme/services/billing/src/billing/main.py").exists());
    assert!(sb.read("acme/supabase/config.toml").contains("app_admin"));
    let gitignore = sb.read("acme/.gitignore");
    assert!(gitignore.lines().any(|l| l.trim() == ".env"), ".env must be ignored");
    let env = sb.read("acme/.env");
    let example = sb.read("acme/.env.example");
    let secret = env.lines().find_map(|l| l.strip_prefix("JWT_SECRET=")).expect("JWT_SECRET in .env");
    assert_eq!(secret.len(), 64);
    assert!(!example.contains(secret), "the generated secret must not reach .env.example");
    let password = env.lines().find_map(|l| l.strip_prefix("API_DB_PASSWORD=")).expect("API_DB_PASSWORD in .env");
    assert_eq!(password.len(), 64);
    assert_ne!(password, secret);
    assert!(!example.contains(password), "the generated password must not reach .env.example");
    assert!(env.contains(&format!("DATABASE_URL=postgresql://acme_api:{password}@localhost:5432/acme\n")), "{env}");
    assert!(env.contains("MIGRATION_DATABASE_URL=postgresql://postgres:postgres@localhost:5432/acme\n"), "{env}");
}

#[test]
fn only_the_first_service_owns_auth_the_others_verify_its_tokens() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git", "--service", "auth-service", "--service", "billing"]);
    assert!(out.status.success(), "{}", stderr(&out));

    assert!(sb.path("acme/services/auth-service/src/auth_service/auth/router.py").exists());
    assert!(sb.path("acme/services/auth-service/src/auth_service/projects/router.py").exists());
    assert!(sb.read("acme/services/auth-service/pyproject.toml").contains("\"redis>="));
    assert!(sb.read("acme/services/auth-service/src/auth_service/main.py").contains("auth_router"));

    assert!(!sb.path("acme/services/billing/src/billing/auth").exists(), "billing must not get a users slice");
    assert!(!sb.path("acme/services/billing/src/billing/projects").exists());
    assert!(!sb.read("acme/services/billing/pyproject.toml").contains("redis"));
    assert!(sb.read("acme/services/billing/src/billing/organizations/router.py").contains("getOrganization"));
    assert!(sb.read("acme/services/billing/src/billing/security.py").contains("CurrentClaims"));
    // No service creates tables at startup any more: every table comes from supabase/migrations.
    for service in ["auth-service/src/auth_service", "billing/src/billing"] {
        let db = sb.read(&format!("acme/services/{service}/db.py"));
        assert!(!db.to_lowercase().contains("create table"), "{service}/db.py creates tables");
    }
    let compose = sb.read("acme/infrastructure/docker/compose.yaml");
    assert_eq!(compose.matches("DATABASE_URL: postgresql://acme_api:${API_DB_PASSWORD").count(), 2, "{compose}");
    assert_eq!(compose.matches(" REFRESH_TOKEN_EXPIRE_DAYS: ").count(), 1, "only the auth service: {compose}");
}

#[test]
fn dry_run_lists_the_plan_and_writes_nothing() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = stdout(&out);
    assert!(plan.lines().any(|l| l.starts_with("create") && l.ends_with(" dfworx.yaml")), "{plan}");
    assert!(plan.contains("apps/web/package.json"));
    assert!(stderr(&out).contains("files: "), "no count: {}", stderr(&out));
    assert!(!sb.path("acme").exists(), "dry run created the target");
    assert_eq!(tree(sb.dir.path()).len(), 0, "dry run left files behind");
}

#[test]
fn a_non_empty_target_is_refused_and_left_untouched() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path("acme")).unwrap();
    std::fs::write(sb.path("acme/notes.txt"), "mine").unwrap();
    let before = tree(sb.dir.path());
    let out = sb.dfworx(&["new", "acme", "--yes"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists and is not empty"), "{}", stderr(&out));
    assert!(stderr(&out).contains("hint:"));
    assert_eq!(tree(sb.dir.path()), before);
}

#[test]
fn force_adds_the_workspace_beside_existing_files_but_never_overwrites_one() {
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path("acme")).unwrap();
    std::fs::write(sb.path("acme/notes.txt"), "mine").unwrap();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sb.read("acme/notes.txt"), "mine");
    assert!(sb.path("acme/dfworx.yaml").exists());

    let sb = Sandbox::new();
    std::fs::create_dir(sb.path("acme")).unwrap();
    std::fs::write(sb.path("acme/package.json"), "{}").unwrap();
    let before = tree(sb.dir.path());
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git", "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("package.json"), "{}", stderr(&out));
    assert_eq!(tree(sb.dir.path()), before, "a refused --force must change nothing");
}

#[test]
fn bad_names_are_refused_before_anything_is_written() {
    let cases: &[(&[&str], &str)] = &[
        (&["--name", "Acme"], "capital letter"),
        (&["--name", "../evil"], "single path component"),
        (&["--name", ""], "empty"),
        (&["--name", "café"], "not ASCII"),
        (&["--app", "my_app"], "underscore"),
        (&["--app", "postgres"], "reserved"),
        (&["--app", "class"], "Python keyword"),
        (&["--service", "json"], "standard-library"),
        (&["--app", "web", "--service", "web"], "used by both"),
        (&["--app", &"a".repeat(41)], "limit is 40"),
        (&["--service", "/etc"], "single path component"),
    ];
    for (flags, expected) in cases {
        let sb = Sandbox::new();
        let mut args = vec!["new", "acme", "--yes", "--no-git"];
        args.extend_from_slice(flags);
        let out = sb.dfworx(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {err}");
        assert!(err.contains(expected), "{flags:?}: expected {expected:?} in {err}");
        assert!(err.contains("hint:"), "{flags:?}: no hint in {err}");
        assert_eq!(tree(sb.dir.path()).len(), 0, "{flags:?} wrote something");
    }
}

#[test]
fn without_a_terminal_it_never_prompts_and_takes_the_defaults() {
    let sb = Sandbox::new();
    // stdin is not a terminal here and --yes is absent: it must finish on its own.
    let out = sb.dfworx(&["new", "acme", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = sb.read("acme/dfworx.yaml");
    assert!(manifest.contains("- name: web") && manifest.contains("- name: auth-service"), "{manifest}");
    assert!(stderr(&out).contains("Next steps"));
    assert!(stdout(&out).is_empty(), "status belongs on stderr: {}", stdout(&out));
}

#[test]
fn git_init_makes_a_first_commit() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log =
        std::process::Command::new("git").args(["log", "--oneline"]).current_dir(sb.path("acme")).output().unwrap();
    assert!(String::from_utf8_lossy(&log.stdout).contains("Create workspace with dfworx"));
    let status = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(sb.path("acme"))
        .output()
        .unwrap();
    assert!(status.stdout.is_empty(), "uncommitted files: {}", String::from_utf8_lossy(&status.stdout));
}

#[test]
fn quiet_prints_nothing_and_help_has_examples() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["--quiet", "new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success());
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    for command in [
        vec!["--help"],
        vec!["new", "--help"],
        vec!["doctor", "--help"],
        vec!["completions", "--help"],
        vec!["migrate", "--help"],
        vec!["sync", "--help"],
        vec!["add", "--help"],
    ] {
        let out = sb.dfworx(&command);
        assert!(out.status.success(), "{command:?}");
        assert!(stdout(&out).contains("Example"), "{command:?} help has no example");
    }
    // A usage error is the user's to fix (exit 1); 2 is kept for dfworx's own bugs.
    let out = sb.dfworx(&["new", "other", "--bogus"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("unexpected argument '--bogus'"), "{}", stderr(&out));
    assert!(!sb.path("other").exists());
    let out = sb.dfworx(&["completions", "bash"]);
    assert!(stdout(&out).contains("dfworx"));
    assert!(stdout(&sb.dfworx(&["--version"])).starts_with("dfworx "));
}

#[test]
fn a_failed_install_keeps_the_workspace_and_says_how_to_retry() {
    let sb = Sandbox::new();
    // No pnpm on this PATH: the install step fails, the workspace stays.
    let out = assert_cmd::Command::cargo_bin("dfworx")
        .unwrap()
        .args(["new", "acme", "--yes", "--no-git", "--install"])
        .current_dir(sb.dir.path())
        .env("PATH", sb.dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("pnpm install"), "{err}");
    assert!(err.contains("hint:") && err.contains("cd "), "no retry hint: {err}");
    assert!(sb.path("acme/dfworx.yaml").exists(), "a failed install must not undo the workspace");
}

#[test]
fn doctor_lists_every_tool_a_workspace_uses() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["doctor"]);
    assert!(out.status.success());
    let table = stdout(&out);
    for tool in ["node", "pnpm", "uv", "python3", "psql", "docker"] {
        assert!(table.lines().any(|l| l.split_whitespace().nth(1) == Some(tool)), "{tool} missing from:\n{table}");
    }
}

#[test]
fn without_install_the_next_steps_say_the_lockfiles_and_api_client_are_missing_and_must_be_committed_before_pushing() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-install"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(
        said.contains("The lockfiles (pnpm-lock.yaml, uv.lock) and the API client (packages/api-client)"),
        "{said}"
    );
    assert!(said.contains("commit them before you push"), "{said}");
    assert!(said.contains("pnpm install && uv sync"), "{said}");
    assert!(said.contains("pnpm --filter ./packages/api-client generate"), "{said}");
    assert!(said.contains("git add --all && git commit"), "{said}");
    assert!(!sb.path("acme/packages/api-client/openapi.json").exists(), "generated at install time, not by new");
    assert!(!sb.path("acme/pnpm-lock.yaml").exists() && !sb.path("acme/uv.lock").exists());
}

/// `pnpm` and `uv` stand-ins that write the lockfile (and the API client) the real ones would, for `new --install`.
fn fake_package_managers(sb: &Sandbox) -> std::ffi::OsString {
    use std::os::unix::fs::PermissionsExt as _;
    let bin = sb.path("fake-bin");
    std::fs::create_dir(&bin).unwrap();
    for (program, lockfile) in [("pnpm", "pnpm-lock.yaml"), ("uv", "uv.lock")] {
        let script = bin.join(program);
        // `pnpm --filter ./packages/api-client generate` writes the client from the service's OpenAPI.
        let body = format!(
            "#!/bin/sh\ncase \"$*\" in\n  *generate) echo '{{}}' > packages/api-client/openapi.json ;;\n  \
             *) echo \"lockfileVersion: '9.0' # $*\" > {lockfile} ;;\nesac\n"
        );
        std::fs::write(&script, body).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap()))).unwrap()
}

#[test]
fn install_runs_before_the_first_commit_so_the_lockfiles_are_in_it() {
    let sb = Sandbox::new();
    let out =
        sb.command(&["new", "acme", "--yes", "--install"]).env("PATH", fake_package_managers(&sb)).output().unwrap();
    let said = stderr(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("Committed initial commit on branch main, with pnpm-lock.yaml and uv.lock"), "{said}");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git").args(args).current_dir(sb.path("acme")).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let committed = git(&["ls-files"]);
    for lockfile in ["pnpm-lock.yaml", "uv.lock", "packages/api-client/openapi.json"] {
        assert!(committed.lines().any(|f| f == lockfile), "{lockfile} is not in the first commit");
    }
    assert_eq!(git(&["status", "--porcelain"]), "", "the install left files out of the commit");
    assert_eq!(git(&["rev-list", "--count", "HEAD"]).trim(), "1", "one commit, lockfiles included");
    assert!(!said.contains("not there yet"), "{said}");
}

#[test]
fn the_api_client_is_generated_from_the_service_that_owns_auth_and_ci_checks_it_is_current() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git", "--service", "accounts", "--service", "billing"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let script = sb.read("acme/packages/api-client/scripts/openapi.mjs");
    assert!(script.contains(r#"const SERVICE_MODULES = ["accounts"];"#), "{script}");
    assert!(
        script.contains("`pnpm --filter @acme/api-client generate`")
            || script.contains("\"pnpm --filter @acme/api-client generate\"")
    );
    let ci = sb.read("acme/.github/workflows/ci.yml");
    assert!(ci.contains("run: pnpm --filter ./packages/api-client check"), "{ci}");
    assert!(ci.contains("The API client matches the OpenAPI document of accounts"), "{ci}");
    let types = sb.read("acme/packages/types/src/index.ts");
    assert!(types.contains(r#"import type { components } from "@acme/api-client";"#), "{types}");
}

/// The bytes of every file of the default workspace, as sha256 per path: a change to the engine (how
/// templates are found, chosen and rendered) must leave them alone; only a change to a template may
/// move one, and then this snapshot shows which. `.env` holds random secrets, the state their hashes.
#[test]
fn every_file_of_the_default_workspace_keeps_its_bytes() {
    use sha2::Digest as _;
    use std::fmt::Write as _;
    let sb = Sandbox::new();
    let out =
        sb.command(&["new", "acme", "--yes", "--no-git"]).env("SOURCE_DATE_EPOCH", "1893456000").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut hashes = String::new();
    for (path, bytes) in tree(&sb.path("acme")) {
        if path != ".env" && path != ".dfworx/state.json" {
            let _ = writeln!(hashes, "{}  {path}", hex(&sha2::Sha256::digest(&bytes)));
        }
    }
    insta::assert_snapshot!("default_workspace_hashes", hashes);
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// On a terminal (a pseudo-terminal from util-linux's `script`), `new` asks what the flags did not
/// say: name, apps, services, then the tenancy among those that work and the extra services.
#[test]
fn on_a_terminal_it_asks_for_the_tenancy_and_the_extra_services() {
    let sb = Sandbox::new();
    let bin = assert_cmd::cargo::cargo_bin("dfworx");
    let mut script = std::process::Command::new("script")
        .args(["-qfec", &format!("{} new acme --no-git --no-install", bin.display()), "/dev/null"])
        .current_dir(sb.dir.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux");
    let mut keys = script.stdin.take().unwrap();
    // name (default), apps (default), services (default), tenancy: down once (context), extras:
    // space on the first (pgbouncer), enter. Paced, as typed: each prompt reads what it is sent.
    for typed in ["\r", "\r", "\r", "\x1b[B\r", " \r"] {
        std::thread::sleep(std::time::Duration::from_millis(700));
        std::io::Write::write_all(&mut keys, typed.as_bytes()).unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(700));
    drop(keys);
    let out = script.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(shown.contains("Tenancy (how tenants' rows are kept apart") && shown.contains("Extra services"), "{shown}");
    let manifest = sb.read("acme/dfworx.yaml");
    assert!(manifest.contains("tenancy: context\n") && manifest.contains("with: [pgbouncer]\n"), "{manifest}");
}
