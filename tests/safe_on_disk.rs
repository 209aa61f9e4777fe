//! Safe on disk, told as a hostile contributor's and an unlucky user's sessions: paths that leave the
//! workspace, symlinks, two dfworx at once, signals, closed pipes and a broken environment. Each story
//! checks that the command says what is wrong, exits 1 (or 130 for a signal) and changes nothing.

mod common;

use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use common::{Sandbox, stderr, stdout, tree};

fn workspace() -> Sandbox {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb
}

/// Runs `args` and asserts: exit 1, an error mentioning `expected`, no bug report, and the sandbox
/// (workspace and everything beside it) byte for byte as it was.
fn refused(sb: &Sandbox, args: &[&str], expected: &str) -> String {
    let before = tree(sb.dir.path());
    let out = sb.dfworx(args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(err.contains(expected), "{args:?}: expected {expected:?} in:\n{err}");
    assert!(err.contains("hint:"), "{args:?}: no hint in:\n{err}");
    assert!(!err.contains("bug") && !err.contains("panicked"), "{args:?}:\n{err}");
    assert!(tree(sb.dir.path()) == before, "{args:?} changed the disk");
    err
}

fn edit_state(sb: &Sandbox, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = sb.path("acme/.dfworx/state.json");
    let mut state: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut state);
    std::fs::write(&path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

// --- paths that leave the workspace ---------------------------------------------------------------

#[test]
fn a_state_entry_pointing_outside_the_workspace_is_refused_and_nothing_is_deleted() {
    let sb = workspace();
    std::fs::write(sb.path("important.txt"), "keep me").unwrap();
    edit_state(&sb, |state| {
        state["files"]["../important.txt"] =
            serde_json::json!({"sha256": sha256(b"keep me"), "owner": "managed", "template": "x"});
    });
    let err = refused(&sb, &["-C", "acme", "sync"], "\"../important.txt\" is not a path inside the workspace");
    assert!(err.contains("state.json"), "{err}");
    refused(&sb, &["-C", "acme", "sync", "--check"], "../important.txt");
    assert_eq!(sb.read("important.txt"), "keep me");
}

#[test]
fn a_unit_path_climbing_out_is_refused_even_with_delete_files() {
    let sb = workspace();
    std::fs::write(sb.path("x"), "outside").unwrap();
    edit_state(&sb, |state| {
        state["files"]["apps/web/../../../x"] =
            serde_json::json!({"sha256": "0".repeat(64), "owner": "seeded", "template": "x", "unit": "app:web"});
    });
    refused(&sb, &["-C", "acme", "remove", "app", "web", "--delete-files"], "apps/web/../../../x");
    for absolute in ["/etc/passwd", "C:\\\\x"] {
        edit_state(&sb, |state| {
            let files = state["files"].as_object_mut().unwrap();
            files.retain(|k, _| !k.contains(".."));
            files.insert(
                absolute.into(),
                serde_json::json!({"sha256": "0".repeat(64), "owner": "managed", "template": "x"}),
            );
        });
        refused(&sb, &["-C", "acme", "sync"], "is not a path inside the workspace");
        edit_state(&sb, |state| {
            state["files"].as_object_mut().unwrap().remove(absolute);
        });
    }
}

#[test]
fn a_templates_directory_outside_the_workspace_is_refused_before_anything_is_read() {
    let sb = workspace();
    let manifest = sb.path("acme/dfworx.yaml");
    let original = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{original}templates: /usr\n")).unwrap();
    refused(&sb, &["-C", "acme", "sync", "--check"], "`templates:` in dfworx.yaml");
    std::fs::write(&manifest, format!("{original}templates: ../elsewhere\n")).unwrap();
    refused(&sb, &["-C", "acme", "sync"], "`..`");
    std::fs::write(&manifest, &original).unwrap();
    refused(&sb, &["-C", "acme", "sync", "--templates", "/usr"], "is outside the workspace");
    // Inside the workspace but not a template directory: refused without walking it.
    std::fs::create_dir_all(sb.path("acme/not-templates")).unwrap();
    refused(&sb, &["-C", "acme", "sync", "--templates", "acme/not-templates"], "has no ownership.yaml");
}

// --- symlinks -------------------------------------------------------------------------------------

#[cfg(unix)]
mod symlinks {
    use std::os::unix::fs::symlink;

    use super::*;

    /// A directory outside the workspace holding a file, to check it survives.
    fn elsewhere(sb: &Sandbox) -> std::path::PathBuf {
        let dir = sb.path("elsewhere");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("precious.txt"), "mine").unwrap();
        dir
    }

    /// Replaces `rel` (a directory in the workspace) by a symlink to a copy of it outside.
    fn swap_for_link(sb: &Sandbox, rel: &str) -> std::path::PathBuf {
        let outside = elsewhere(sb);
        let target = outside.join(rel.replace('/', "_"));
        std::fs::rename(sb.path(&format!("acme/{rel}")), &target).unwrap();
        symlink(&target, sb.path(&format!("acme/{rel}"))).unwrap();
        target
    }

    #[test]
    fn a_unit_directory_that_is_a_symlink_is_never_followed() {
        let sb = workspace();
        let target = swap_for_link(&sb, "apps/web");
        let files_there = tree(&target).len();
        let err =
            refused(&sb, &["-C", "acme", "remove", "app", "web", "--delete-files"], "apps/web is a symbolic link");
        assert!(err.contains("nothing was changed"), "{err}");
        refused(&sb, &["-C", "acme", "sync", "--restore"], "apps/web is a symbolic link");
        refused(&sb, &["-C", "acme", "sync", "--check"], "apps/web is a symbolic link");
        refused(&sb, &["-C", "acme", "add", "app", "admin"], "apps/web is a symbolic link");
        assert_eq!(tree(&target).len(), files_there);
        assert_eq!(sb.read("elsewhere/precious.txt"), "mine");
    }

    #[test]
    fn symlinked_bookkeeping_migrations_and_infrastructure_are_refused() {
        for (dir, args) in [
            (".dfworx", &["-C", "acme", "sync"][..]),
            ("supabase/migrations", &["-C", "acme", "add", "app", "admin"][..]),
            ("supabase/migrations", &["-C", "acme", "migrate", "new", "add_things"][..]),
            ("infrastructure", &["-C", "acme", "sync", "--restore"][..]),
        ] {
            let sb = workspace();
            swap_for_link(&sb, dir);
            refused(&sb, args, &format!("{dir} is a symbolic link"));
        }
    }

    #[test]
    fn a_generated_file_replaced_by_a_symlink_is_refused() {
        let sb = workspace();
        let outside = elsewhere(&sb);
        std::fs::remove_file(sb.path("acme/.editorconfig")).unwrap();
        symlink(outside.join("precious.txt"), sb.path("acme/.editorconfig")).unwrap();
        refused(&sb, &["-C", "acme", "sync", "--restore"], ".editorconfig is a symbolic link");
        assert_eq!(sb.read("elsewhere/precious.txt"), "mine");
    }

    #[test]
    fn a_migration_file_that_is_a_symlink_is_never_read() {
        let sb = workspace();
        let outside = elsewhere(&sb);
        std::fs::write(outside.join("evil.sql"), "drop schema public cascade;").unwrap();
        symlink(outside.join("evil.sql"), sb.path("acme/supabase/migrations/29990101000000_evil.sql")).unwrap();
        let url = "postgresql://postgres@127.0.0.1:5432/postgres";
        refused(&sb, &["-C", "acme", "migrate", "status", "--database-url", url], "is a symbolic link");
    }

    #[test]
    fn new_force_never_writes_through_a_symlinked_directory() {
        let sb = Sandbox::new();
        let outside = elsewhere(&sb);
        std::fs::create_dir_all(sb.path("acme")).unwrap();
        symlink(&outside, sb.path("acme/infrastructure")).unwrap();
        refused(&sb, &["new", "acme", "--yes", "--no-git", "--force"], "infrastructure is a symbolic link");
        assert_eq!(tree(&outside).len(), 1);
    }

    #[test]
    fn a_template_directory_holding_a_symlink_is_refused() {
        let sb = workspace();
        let out = sb.dfworx(&["templates", "export", "acme/my-templates"]);
        assert!(out.status.success(), "{}", stderr(&out));
        let outside = elsewhere(&sb);
        symlink(outside.join("precious.txt"), sb.path("acme/my-templates/workspace/leak.txt")).unwrap();
        refused(&sb, &["-C", "acme", "sync", "--templates", "acme/my-templates"], "is a symbolic link");
    }
}

// --- two dfworx at once ---------------------------------------------------------------------------

#[test]
fn while_one_dfworx_holds_the_workspace_another_refuses_at_once() {
    let sb = workspace();
    let lock = std::fs::File::open(sb.path("acme/.dfworx/lock")).unwrap();
    lock.lock().unwrap();
    let err = refused(&sb, &["-C", "acme", "add", "app", "admin"], "another dfworx process is working on");
    assert!(err.contains("wait for it"), "{err}");
    refused(&sb, &["-C", "acme", "sync", "--check"], "another dfworx process");
    lock.unlock().unwrap();
    assert!(sb.dfworx(&["-C", "acme", "add", "app", "admin"]).status.success());
}

#[test]
fn of_two_new_racing_for_one_directory_one_wins_and_the_other_refuses() {
    let sb = Sandbox::new();
    let bin = assert_cmd::cargo::cargo_bin("dfworx");
    for round in 0..6 {
        let dir = format!("ws{round}");
        let spawn = || {
            StdCommand::new(&bin)
                .args(["new", &dir, "--yes", "--no-git"])
                .current_dir(sb.dir.path())
                .env("NO_COLOR", "1")
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
        let wins = outs.iter().filter(|o| o.status.success()).count();
        assert_eq!(wins, 1, "round {round}: {wins} winners: {:?}", outs.iter().map(stderr).collect::<Vec<_>>());
        let loser = outs.iter().find(|o| !o.status.success()).unwrap();
        assert_eq!(loser.status.code(), Some(1), "{}", stderr(loser));
        let said = stderr(loser);
        assert!(said.contains("another dfworx process") || said.contains("not empty"), "{said}");
        let check = sb.dfworx(&["-C", &dir, "sync", "--check"]);
        assert!(check.status.success(), "round {round}: the winner's workspace is not whole: {}", stderr(&check));
    }
}

// --- signals, pipes and the environment -----------------------------------------------------------

#[test]
fn sigterm_half_way_through_add_rolls_back_and_exits_130() {
    for signal in ["TERM", "HUP", "INT"] {
        let sb = workspace();
        let before = tree(&sb.path("acme"));
        // Point 40 lies among the renames into place (`add app` passes about 130).
        let out = assert_cmd::Command::cargo_bin("dfworx")
            .unwrap()
            .args(["-C", "acme", "add", "app", "admin"])
            .current_dir(sb.dir.path())
            .env("DFWORX_TEST_CRASH_AT", "40")
            .env("DFWORX_TEST_CRASH_SIGNAL", signal)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(130), "SIG{signal}: {}", stderr(&out));
        assert!(stderr(&out).contains("interrupted; nothing was changed"), "{}", stderr(&out));
        assert!(tree(&sb.path("acme")) == before, "SIG{signal} left the workspace changed");
    }
}

#[test]
fn a_reader_that_stops_early_gets_a_quiet_exit_not_a_panic() {
    let sb = workspace();
    let bin = assert_cmd::cargo::cargo_bin("dfworx");
    for args in
        [&["-C", "acme", "sync", "--json"][..], &["-C", "acme", "sync", "--check", "--diff"], &["completions", "bash"]]
    {
        let mut child = StdCommand::new(&bin)
            .args(args)
            .current_dir(sb.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Like `| head -0`: the reader goes away before reading anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked") && !err.contains("bug"), "{args:?}: {err}");
        assert!(matches!(out.status.code(), Some(0 | 1)), "{args:?}: {:?} {err}", out.status);
    }
}

#[test]
fn environment_problems_are_exit_1_with_the_os_error_and_a_hint() {
    let sb = Sandbox::new();
    let long = "a".repeat(300);
    let err = refused(&sb, &["new", &long, "--yes", "--no-git", "--name", "acme"], "File name too long");
    assert!(err.contains("shorter"), "{err}");
    std::fs::write(sb.path("a-file"), "x").unwrap();
    refused(&sb, &["new", "a-file/acme", "--yes", "--no-git", "--name", "acme"], "Not a directory");
    refused(&sb, &["new", "a-file", "--yes", "--no-git", "--name", "acme"], "a-file exists and is a file");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/nonexistent/place", sb.path("dangling")).unwrap();
        refused(&sb, &["new", "dangling", "--yes", "--no-git", "--name", "acme"], "No such file or directory");
    }
}

#[test]
fn a_huge_lock_timeout_is_an_error_not_a_panic() {
    let sb = workspace();
    let out = sb.dfworx(&["-C", "acme", "migrate", "--lock-timeout", "99999999999999999999999"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--lock-timeout") && err.contains("30s"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

// --- new in the directory the shell stands in -----------------------------------------------------

#[cfg(unix)]
#[test]
fn new_dot_and_new_pwd_fill_the_current_directory_without_replacing_it() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    for how in ["dot", "pwd"] {
        let sb = Sandbox::new();
        let dir = sb.path("acme");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
        let inode = std::fs::metadata(&dir).unwrap().ino();
        let target = if how == "dot" { ".".to_string() } else { dir.display().to_string() };
        let out = assert_cmd::Command::cargo_bin("dfworx")
            .unwrap()
            .args(["new", &target, "--yes", "--no-git"])
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "new {target}: {}", stderr(&out));
        let meta = std::fs::metadata(&dir).unwrap();
        assert_eq!(meta.ino(), inode, "new {target} replaced the directory");
        assert_eq!(meta.permissions().mode() & 0o777, 0o750, "new {target} changed its mode");
        assert!(sb.read("acme/dfworx.yaml").contains("name: acme"));
        assert!(!tree(&dir).keys().any(|p| p.starts_with(".dfworx/tx")), "staging left behind");
        assert!(!tree(sb.dir.path()).keys().any(|p| !p.starts_with("acme/")), "files written beside the target");
    }
}

// --- the manifest ---------------------------------------------------------------------------------

#[test]
fn add_and_remove_keep_the_manifests_comments_and_layout() {
    let sb = workspace();
    let manifest = sb.path("acme/dfworx.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let commented = text
        .replace("name: acme\n", "name: acme # the npm scope too\n\n# Front ends\n")
        .replace("services:\n", "# Back ends: keep auth first\nservices:\n");
    std::fs::write(&manifest, &commented).unwrap();
    assert!(sb.dfworx(&["-C", "acme", "add", "app", "admin"]).status.success());
    assert!(sb.dfworx(&["-C", "acme", "add", "package", "shared-utils"]).status.success());
    let after = std::fs::read_to_string(&manifest).unwrap();
    for kept in ["name: acme # the npm scope too\n\n# Front ends\n", "# Back ends: keep auth first\nservices:\n"] {
        assert!(after.contains(kept), "lost {kept:?}:\n{after}");
    }
    assert!(after.contains("  - name: admin\n    port: 3001\n"), "{after}");
    assert!(sb.dfworx(&["-C", "acme", "remove", "app", "admin"]).status.success());
    assert!(sb.dfworx(&["-C", "acme", "remove", "package", "shared-utils"]).status.success());
    assert_eq!(std::fs::read_to_string(&manifest).unwrap(), commented, "add then remove must give the file back");
}

#[test]
fn a_manifest_written_by_a_newer_dfworx_is_refused_with_a_hint_to_upgrade() {
    let sb = workspace();
    let manifest = sb.path("acme/dfworx.yaml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen("dfworx: ", "dfworx: 9", 1)).unwrap();
    let err = refused(&sb, &["-C", "acme", "sync"], "newer than this dfworx");
    assert!(err.contains("upgrade dfworx"), "{err}");
}

#[test]
fn a_lost_or_emptied_state_never_adds_the_migrations_again() {
    for how in ["deleted", "emptied"] {
        let sb = workspace();
        let migrations = || {
            let mut names: Vec<String> = std::fs::read_dir(sb.path("acme/supabase/migrations"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        let before = migrations();
        let state = sb.path("acme/.dfworx/state.json");
        if how == "deleted" {
            std::fs::remove_file(&state).unwrap();
        } else {
            std::fs::write(&state, "").unwrap();
        }
        let out = sb.dfworx(&["-C", "acme", "sync"]);
        assert!(out.status.success(), "{how}: {}", stderr(&out));
        assert_eq!(migrations(), before, "state {how}: migrations added again");
        let out = sb.dfworx(&["-C", "acme", "add", "app", "admin"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(migrations().len(), before.len() + 1, "{:?}", migrations());
        let check = sb.dfworx(&["-C", "acme", "sync", "--check"]);
        assert!(check.status.success(), "{how}: {}{}", stdout(&check), stderr(&check));
    }
}

#[test]
fn a_leftover_of_an_interrupted_run_is_cleaned_by_the_next_command_and_holds_no_secret_after() {
    let sb = Sandbox::new();
    // Killed after staging the whole workspace (the .env with its secret included), before any rename.
    let out = assert_cmd::Command::cargo_bin("dfworx")
        .unwrap()
        .args(["new", "acme", "--yes", "--no-git"])
        .current_dir(sb.dir.path())
        .env("DFWORX_TEST_CRASH_AT", "125")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(Path::new(&sb.path("acme/.dfworx")).exists());
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = tree(&sb.path("acme"));
    assert!(
        !files.keys().any(|p| p.starts_with(".dfworx/tx")),
        "{:?}",
        files.keys().filter(|p| p.contains("tx")).collect::<Vec<_>>()
    );
    let envs = files.keys().filter(|p| p.as_str() == ".env" || p.contains("/.env")).count();
    assert_eq!(envs, 1, "one .env, the workspace's own");
}

/// Ctrl-C at a prompt (on a real terminal, through `script`'s pseudo-terminal): the user leaving, not a bug.
#[cfg(unix)]
#[test]
fn ctrl_c_at_a_prompt_exits_130_and_writes_nothing() {
    use std::io::{Read as _, Write as _};
    assert!(
        StdCommand::new("script").arg("--version").output().is_ok(),
        "`script` (util-linux) is needed for the terminal stories"
    );
    let sb = Sandbox::new();
    let bin = assert_cmd::cargo::cargo_bin("dfworx");
    let mut child = StdCommand::new("script")
        .args(["-qfec", &format!("{} new acme --no-git", bin.display()), "/dev/null"])
        .current_dir(sb.dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 1024];
        let mut told = false;
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if !told && String::from_utf8_lossy(&seen).contains("Workspace name") {
                told = true;
                let _ = tx.send(());
            }
        }
        String::from_utf8_lossy(&seen).into_owned()
    });
    rx.recv_timeout(std::time::Duration::from_secs(30)).expect("the prompt appears");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\x03").unwrap();
    stdin.flush().unwrap();
    // A dfworx that missed the Ctrl-C waits for a key forever: fail instead of hanging the suite.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("dfworx still waits at the prompt 30 s after Ctrl-C");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    drop(stdin);
    let said = reader.join().unwrap();
    assert_eq!(status.code(), Some(130), "{said}");
    assert!(said.contains("interrupted; nothing was changed") && !said.contains("bug"), "{said}");
    assert!(!sb.path("acme").exists(), "Ctrl-C at the first prompt left {:?}", tree(&sb.path("acme")).keys());
}
