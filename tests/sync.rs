//! `dfworx sync`: the workspace kept equal to its manifest and templates, without losing an edit.

mod common;

use std::path::PathBuf;

use common::{Sandbox, stderr, stdout, tree};

/// A fresh default workspace at `acme/`.
fn workspace() -> Sandbox {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb
}

fn sync(sb: &Sandbox, args: &[&str]) -> std::process::Output {
    let mut all = vec!["-C", "acme", "sync"];
    all.extend_from_slice(args);
    sb.dfworx(&all)
}

/// Exports the embedded templates to `acme/my-templates/` (template directories live inside the
/// workspace); returns that directory.
fn export(sb: &Sandbox) -> PathBuf {
    let out = sb.dfworx(&["templates", "export", "acme/my-templates"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb.path("acme/my-templates")
}

/// The exported template file behind a workspace path, whether it is rendered (`.tera`) or copied.
fn template_file(dir: &std::path::Path, name: &str) -> PathBuf {
    let plain = dir.join("workspace").join(name);
    if plain.exists() { plain } else { dir.join("workspace").join(format!("{name}.tera")) }
}

fn replace_in(path: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_fresh_workspace_is_in_sync_and_sync_changes_nothing() {
    let sb = workspace();
    let out = sync(&sb, &["--check"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let before = tree(&sb.path("acme"));
    let out = sync(&sb, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(tree(&sb.path("acme")), before, "sync right after new must be a no-op");
    let out = sync(&sb, &[]);
    assert!(out.status.success());
    assert_eq!(tree(&sb.path("acme")), before, "sync twice must be a no-op");
}

#[test]
fn an_edited_seeded_file_is_never_drift_and_survives_sync() {
    let sb = workspace();
    let page = sb.path("acme/apps/web/app/page.tsx");
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("// my change\n");
    std::fs::write(&page, &text).unwrap();
    assert_eq!(sync(&sb, &["--check"]).status.code(), Some(0));
    assert!(sync(&sb, &[]).status.success());
    assert_eq!(std::fs::read_to_string(&page).unwrap(), text);
}

#[test]
fn a_new_template_release_updates_merges_and_flags_conflicts_without_losing_edits() {
    let sb = workspace();
    let templates = export(&sb);

    // The new "release": three managed files change.
    let editorconfig = template_file(&templates, "dot-editorconfig");
    let gitignore = template_file(&templates, "dot-gitignore");
    let nvmrc = template_file(&templates, "dot-nvmrc");
    let mut text = std::fs::read_to_string(&editorconfig).unwrap();
    text.push_str("\n[*.sql]\nindent_size = 4\n");
    std::fs::write(&editorconfig, text).unwrap();
    let text = std::fs::read_to_string(&gitignore).unwrap();
    std::fs::write(&gitignore, format!("# from the new templates\n{text}")).unwrap();
    // .nvmrc renders options.node; this release pins a version of its own instead.
    std::fs::write(&nvmrc, "26\n").unwrap();

    // The user's edits: the end of .gitignore (merges cleanly), the same line of .nvmrc (conflicts).
    let ws = sb.path("acme");
    let mut text = std::fs::read_to_string(ws.join(".gitignore")).unwrap();
    text.push_str("my-local-stuff/\n");
    std::fs::write(ws.join(".gitignore"), text).unwrap();
    replace_in(&ws.join(".nvmrc"), "24", "22");
    let before = tree(&ws);

    let out = sync(&sb, &["--check", "--templates", "acme/my-templates"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let plan = stdout(&out);
    for expected in
        ["update     managed     .editorconfig", "merge      managed     .gitignore", "conflict   managed     .nvmrc"]
    {
        assert!(plan.contains(expected), "plan lacks {expected:?}:\n{plan}");
    }
    assert_eq!(tree(&ws), before, "--check must write nothing");

    let out = sync(&sb, &["--templates", "acme/my-templates"]);
    assert_eq!(out.status.code(), Some(1), "a conflict must fail sync: {}", stderr(&out));
    assert!(stderr(&out).contains(".nvmrc"), "{}", stderr(&out));

    assert!(sb.read("acme/.editorconfig").contains("[*.sql]"), "untouched managed file not updated");
    let gitignore = sb.read("acme/.gitignore");
    assert!(gitignore.starts_with("# from the new templates\n"), "template change lost:\n{gitignore}");
    assert!(gitignore.contains("my-local-stuff/"), "user edit lost:\n{gitignore}");
    let nvmrc = sb.read("acme/.nvmrc");
    assert!(nvmrc.contains("<<<<<<<") && nvmrc.contains("22") && nvmrc.contains("26"), "{nvmrc}");

    // Nothing else changed.
    let after = tree(&ws);
    for (path, bytes) in &before {
        if ![".editorconfig", ".gitignore", ".nvmrc", ".dfworx/state.json"].contains(&path.as_str()) {
            assert_eq!(after.get(path), Some(bytes), "{path} changed");
        }
    }
    // The conflict stays reported until the markers are gone.
    assert_eq!(sync(&sb, &["--check", "--templates", "acme/my-templates"]).status.code(), Some(1));
    std::fs::write(ws.join(".nvmrc"), "26\n").unwrap();
    // Resolving is recorded in the state, like a lockfile: sync once, then the check passes.
    let out = sync(&sb, &["--check", "--templates", "acme/my-templates"]);
    assert!(stderr(&out).contains("only .dfworx/state.json"), "{}", stderr(&out));
    assert!(sync(&sb, &["--templates", "acme/my-templates"]).status.success());
    let out = sync(&sb, &["--check", "--templates", "acme/my-templates"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_deleted_managed_file_is_reported_and_only_restored_on_request() {
    let sb = workspace();
    std::fs::remove_file(sb.path("acme/.editorconfig")).unwrap();
    let out = sync(&sb, &["--check"]);
    assert!(stdout(&out).contains("deleted    managed     .editorconfig"), "{}", stdout(&out));
    assert!(sync(&sb, &[]).status.success());
    assert!(!sb.path("acme/.editorconfig").exists(), "resurrected without --restore");
    assert!(sync(&sb, &["--restore"]).status.success());
    assert!(sb.path("acme/.editorconfig").exists());
}

#[test]
fn an_app_added_by_hand_to_the_manifest_is_rendered_by_sync() {
    let sb = workspace();
    let manifest = sb.path("acme/dfworx.yaml");
    replace_in(&manifest, "services:", "  - name: admin\n    port: 3001\nservices:");
    let out = sync(&sb, &["--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("create     seeded      apps/admin/app/page.tsx"), "{}", stdout(&out));
    assert!(stdout(&out).contains("_app_admin_schema.sql"), "{}", stdout(&out));
    let out = sync(&sb, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sb.read("acme/infrastructure/docker/compose.yaml").contains("admin:"));
    assert!(sb.path("acme/apps/admin/package.json").exists());
    let out = sync(&sb, &["--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_broken_manifest_is_a_clear_error_with_its_line_and_nothing_is_written() {
    let cases = [
        ("name: acme\napps: [\n", "line"),
        ("dfworx: 0.1.0\nname: acme\nappz: []\n", "appz"),
        ("dfworx: 0.1.0\nname: acme\napps:\n  - name: Bad_Name\n    port: 3000\n", "Bad_Name"),
    ];
    for (text, expected) in cases {
        let sb = workspace();
        std::fs::write(sb.path("acme/dfworx.yaml"), text).unwrap();
        let before = tree(&sb.path("acme"));
        let out = sync(&sb, &[]);
        assert_eq!(out.status.code(), Some(1), "{text:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expected), "{text:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("dfworx.yaml"), "{}", stderr(&out));
        assert_eq!(tree(&sb.path("acme")), before);
    }
}

#[test]
fn json_lists_path_owner_and_action_and_diff_shows_the_change() {
    let sb = workspace();
    std::fs::write(sb.path("acme/.editorconfig"), "root = true\n").unwrap();
    // A user edit to a managed file with no template change is kept, not drift.
    let out = sync(&sb, &["--check", "--json"]);
    let plan: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let entry = plan.as_array().unwrap().iter().find(|e| e["path"] == ".editorconfig").unwrap();
    assert_eq!(entry["action"], "kept-edit");
    assert_eq!(entry["owner"], "managed");

    let sb = workspace();
    let templates = export(&sb);
    let editorconfig = template_file(&templates, "dot-editorconfig");
    let mut text = std::fs::read_to_string(&editorconfig).unwrap();
    text.push_str("\n[Makefile]\nindent_style = tab\n");
    std::fs::write(&editorconfig, text).unwrap();
    let out = sync(&sb, &["--check", "--diff", "--templates", "acme/my-templates"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("+[Makefile]"), "{}", stdout(&out));
}
