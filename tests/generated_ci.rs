//! The CI a new workspace gets: it installs from committed lockfiles, says so when one is missing,
//! and gets dfworx the way Rust CLIs are shipped (prebuilt, pinned, `cargo install --locked` fallback).
//! scripts/e2e.sh runs every job of this workflow for real; these tests pin what it promises.

mod common;

use common::{Sandbox, stderr};
use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn workspace() -> (Sandbox, Value) {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let ci: Value = serde_saphyr::from_str(&sb.read("acme/.github/workflows/ci.yml")).expect("ci.yml is YAML");
    (sb, ci)
}

fn steps<'a>(ci: &'a Value, job: &str) -> &'a Vec<Value> {
    ci["jobs"][job]["steps"].as_array().unwrap_or_else(|| panic!("job {job} has no steps"))
}

fn run_of(step: &Value) -> &str {
    step["run"].as_str().unwrap_or_default()
}

/// Runs a step's script the way GitHub's runner does (`bash -eo pipefail`) in `dir`.
fn run_step(script: &str, dir: &std::path::Path) -> std::process::Output {
    std::process::Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn the_node_and_python_jobs_stop_first_thing_naming_the_command_when_a_lockfile_is_missing() {
    let (sb, ci) = workspace();
    for (job, lockfile, command) in [("node", "pnpm-lock.yaml", "pnpm install"), ("python", "uv.lock", "uv sync")] {
        let steps = steps(&ci, job);
        assert!(steps[0]["uses"].as_str().unwrap().starts_with("actions/checkout@"), "{job}: checkout first");
        let check = run_of(&steps[1]);
        assert!(
            check.contains(&format!("test -f {lockfile}")),
            "{job}: the step after checkout is not the check: {check}"
        );

        // Without the lockfile, as a workspace made without --install is pushed: the job fails at once.
        let out = run_step(check, &sb.path("acme"));
        assert_eq!(out.status.code(), Some(1), "{job}");
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(said.trim(), format!("::error::{lockfile} is missing: run {command} and commit it"));

        std::fs::write(sb.path("acme").join(lockfile), "").unwrap();
        assert!(run_step(check, &sb.path("acme")).status.success(), "{job}: the check fails with {lockfile} present");
        for later in &steps[2..] {
            assert!(!run_of(later).contains("test -f"), "{job}: a second lockfile check");
        }
    }
}

#[test]
fn jobs_that_run_dfworx_install_the_pinned_version_prebuilt_then_cargo_install_locked_as_fallback() {
    let (_sb, ci) = workspace();
    let mut jobs_running_dfworx = Vec::new();
    for (job, spec) in ci["jobs"].as_object().unwrap() {
        let steps = spec["steps"].as_array().unwrap();
        for step in steps {
            let run = run_of(step);
            assert!(
                !run.contains("cargo install")
                    || run.contains(&format!("cargo install --locked dfworx --version {VERSION}")),
                "{job}: an unpinned or unlocked cargo install: {run}"
            );
        }
        let Some(first_use) =
            steps.iter().position(|s| run_of(s).lines().any(|l| l.trim_start().starts_with("dfworx ")))
        else {
            continue;
        };
        jobs_running_dfworx.push(job.as_str());
        let install = steps
            .iter()
            .position(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("taiki-e/install-action@")))
            .unwrap_or_else(|| panic!("{job} runs dfworx but has no install-action step"));
        assert_eq!(steps[install]["uses"], "taiki-e/install-action@v2", "{job}: pinned to the major version");
        assert_eq!(steps[install]["with"]["tool"], format!("dfworx@{VERSION}").as_str(), "{job}");
        // If no prebuilt binary can be had, the job goes on to the fallback instead of failing here.
        assert_eq!(steps[install]["continue-on-error"], true, "{job}");
        assert_eq!(
            run_of(&steps[install + 1]),
            format!("command -v dfworx >/dev/null || cargo install --locked dfworx --version {VERSION}"),
            "{job}: the fallback follows the install"
        );
        assert!(install + 1 < first_use, "{job}: dfworx runs before it is installed");
    }
    for job in ["migrations", "sync"] {
        assert!(jobs_running_dfworx.contains(&job), "the {job} job no longer runs dfworx: {jobs_running_dfworx:?}");
    }
}

#[test]
fn the_migrations_job_creates_the_database_its_database_url_names() {
    let (_sb, ci) = workspace();
    let job = &ci["jobs"]["migrations"];
    let url = job["env"]["DATABASE_URL"].as_str().unwrap();
    let create = steps(&ci, "migrations").iter().map(run_of).find(|r| r.starts_with("createdb")).unwrap();
    let out = std::process::Command::new("bash")
        .args(["-c", &format!("echo {}", create.trim_start_matches("createdb "))])
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), url.rsplit('/').next().unwrap());
}
