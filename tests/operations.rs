//! Every command that changes a workspace goes one path (plan → report → apply), so `--dry-run` and
//! `--json` show the same plan the command would carry out, for `new`, `add`, `remove` and `sync`.

mod common;

use common::{Sandbox, stderr, stdout, tree};

fn plan_of(out: &std::process::Output) -> Vec<serde_json::Value> {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(out)))
}

fn action(plan: &[serde_json::Value], path: &str) -> String {
    let entry = plan.iter().find(|e| e["path"] == path).unwrap_or_else(|| panic!("{path} not in the plan"));
    entry["action"].as_str().unwrap().to_string()
}

#[test]
fn dry_run_json_shows_each_commands_plan_and_changes_nothing() {
    let sb = Sandbox::new();
    let plan = plan_of(&sb.dfworx(&["new", "acme", "--yes", "--no-git", "--dry-run", "--json"]));
    assert_eq!(action(&plan, "dfworx.yaml"), "create");
    assert_eq!(action(&plan, "apps/web/package.json"), "create");
    assert!(plan.iter().all(|e| e["writes"] == true), "a new workspace writes every file");
    assert!(!sb.path("acme").exists());

    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git", "--json"]);
    let applied = plan_of(&out);
    assert_eq!(applied.len(), plan.len(), "the plan shown is the plan applied");
    let before = tree(&sb.path("acme"));

    let ws = |args: &[&str]| {
        let mut all = vec!["-C", "acme"];
        all.extend_from_slice(args);
        sb.dfworx(&all)
    };
    let plan = plan_of(&ws(&["add", "app", "admin", "--dry-run", "--json"]));
    assert_eq!(action(&plan, "apps/admin/package.json"), "create");
    assert_eq!(action(&plan, "dfworx.yaml"), "update");
    assert_eq!(action(&plan, "apps/web/package.json"), "unchanged");
    assert_eq!(action(&plan, "apps/web/app/page.tsx"), "owned");
    let plan = plan_of(&ws(&["remove", "service", "auth-service", "--delete-files", "--dry-run", "--json"]));
    assert_eq!(action(&plan, "services/auth-service/Dockerfile"), "remove");
    let plan = plan_of(&ws(&["sync", "--dry-run", "--json"]));
    assert!(plan.iter().all(|e| e["writes"] == false), "a fresh workspace is in sync");
    assert!(tree(&sb.path("acme")) == before, "a dry run wrote to the workspace");

    let plan = plan_of(&ws(&["add", "package", "shared-utils", "--json"]));
    assert_eq!(action(&plan, "packages/shared-utils/package.json"), "create");
    assert!(sb.path("acme/packages/shared-utils/package.json").exists());
}
