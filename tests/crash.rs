//! Killed at any instant, dfworx leaves a tree the next command repairs: `add`, `sync`, `remove` and
//! `new` are each killed at **every** step that changes the disk (every mkdir, write, rename, unlink and
//! rmdir, counted by dfworx's crash hook `DFWORX_TEST_CRASH_AT`, which aborts the process like a
//! SIGKILL). After each kill, `dfworx sync --check` must tell the truth, the tree must be exactly as
//! before the command or exactly as after it, and running the command again must finish the job.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use common::{stderr, stdout, tree};

/// Every run uses one clock, so migration versions (taken from the time) are the same in every copy.
const EPOCH: &str = "1790000000";

fn dfworx(cwd: &Path, args: &[&str], crash: Crash) -> Output {
    let mut command = Command::cargo_bin("dfworx").expect("binary built");
    command.args(args).current_dir(cwd).env("NO_COLOR", "1").env("SOURCE_DATE_EPOCH", EPOCH);
    match crash {
        Crash::Never => {}
        Crash::At(n) => {
            command.env("DFWORX_TEST_CRASH_AT", n.to_string());
        }
        Crash::Log(log) => {
            command.env("DFWORX_TEST_CRASH_LOG", log);
        }
    }
    command.timeout(std::time::Duration::from_mins(1)).output().expect("dfworx runs")
}

#[derive(Clone, Copy)]
enum Crash<'a> {
    Never,
    At(usize),
    Log(&'a Path),
}

/// The workspace's files, without the lock file (it exists whenever any dfworx ran there).
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = tree(dir);
    files.remove(".dfworx/lock");
    files
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Paths that differ between two trees, for a readable failure.
fn difference(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut paths: Vec<String> = a.keys().chain(b.keys()).cloned().collect();
    paths.sort();
    paths.dedup();
    paths.into_iter().filter(|p| a.get(p) != b.get(p)).collect()
}

/// A command to kill, on a workspace prepared by `setup`.
struct Story<'a> {
    name: &'a str,
    args: &'a [&'a str],
    /// Makes the workspace the command runs on, in the given directory.
    setup: &'a dyn Fn(&Path),
    /// Whether `sync --check` passes on the tree before the command (false for `sync` itself).
    before_is_clean: bool,
}

/// Kills the story's command at every crash point and checks what the next commands find.
fn kill_at_every_point(story: &Story<'_>) -> usize {
    let base = tempfile::tempdir().unwrap();
    let original = base.path().join("original");
    std::fs::create_dir(&original).unwrap();
    (story.setup)(&original);
    let before = files(&original);

    // The tree a run that is never killed leaves, and how many crash points that run passes.
    let reference = base.path().join("reference");
    copy_dir(&original, &reference);
    let log = base.path().join("points.log");
    let out = dfworx(&reference, story.args, Crash::Log(&log));
    assert!(out.status.success(), "{}: {}", story.name, stderr(&out));
    let after = files(&reference);
    let points = std::fs::read_to_string(&log).unwrap().lines().count();
    assert!(points > 5, "{}: only {points} crash points", story.name);

    for n in 1..=points {
        let run = base.path().join(format!("run-{n}"));
        copy_dir(&original, &run);
        let killed = dfworx(&run, story.args, Crash::At(n));
        assert!(!killed.status.success(), "{} was not killed at point {n}", story.name);

        // The next command repairs first: the check then describes a tree that is before or after.
        let check = dfworx(&run, &["sync", "--check"], Crash::Never);
        let now = files(&run);
        let state = if now == after {
            "after"
        } else if now == before {
            "before"
        } else {
            panic!(
                "{} killed at point {n}: after `sync --check` the tree is neither as before nor as after; differs from after in {:?}\n{}",
                story.name,
                difference(&now, &after),
                stderr(&check)
            )
        };
        let expected = i32::from(state != "after" && !story.before_is_clean);
        assert_eq!(
            check.status.code(),
            Some(expected),
            "{} killed at point {n} ({state}): sync --check said\n{}{}",
            story.name,
            stdout(&check),
            stderr(&check)
        );
        assert!(!run.join(".dfworx/tx").exists() && !run.join(".dfworx/tx-prepare").exists());

        if state == "before" {
            let again = dfworx(&run, story.args, Crash::Never);
            assert!(again.status.success(), "{} again after point {n}: {}", story.name, stderr(&again));
            assert!(
                files(&run) == after,
                "{} again after point {n}: {:?}",
                story.name,
                difference(&files(&run), &after)
            );
        }
        std::fs::remove_dir_all(&run).unwrap();
    }
    points
}

fn new_workspace(dir: &Path) {
    let out = dfworx(dir, &["new", ".", "--yes", "--no-git", "--name", "acme"], Crash::Never);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn add_killed_at_every_step_is_rolled_back_or_finished() {
    let points = kill_at_every_point(&Story {
        name: "add app admin",
        args: &["add", "app", "admin"],
        setup: &new_workspace,
        before_is_clean: true,
    });
    eprintln!("add app admin: {points} crash points, all consistent");
}

#[test]
fn remove_killed_at_every_step_is_rolled_back_or_finished() {
    let setup = |dir: &Path| {
        new_workspace(dir);
        let out = dfworx(dir, &["add", "app", "admin"], Crash::Never);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let points = kill_at_every_point(&Story {
        name: "remove app admin --delete-files",
        args: &["remove", "app", "admin", "--delete-files"],
        setup: &setup,
        before_is_clean: true,
    });
    eprintln!("remove app admin --delete-files: {points} crash points, all consistent");
}

#[test]
fn sync_killed_at_every_step_is_rolled_back_or_finished() {
    // A template release inside the workspace: one file changed, one managed file no longer rendered,
    // one new, and a user edit to merge with a change.
    let setup = |dir: &Path| {
        new_workspace(dir);
        let out = dfworx(dir, &["templates", "export", "my-templates"], Crash::Never);
        assert!(out.status.success(), "{}", stderr(&out));
        let manifest = dir.join("dfworx.yaml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, format!("{text}templates: my-templates\n")).unwrap();
        let t = dir.join("my-templates/workspace");
        let append = |p: PathBuf, s: &str| {
            let mut text = std::fs::read_to_string(&p).unwrap();
            text.push_str(s);
            std::fs::write(p, text).unwrap();
        };
        append(t.join("dot-editorconfig"), "\n[*.sql]\nindent_size = 4\n");
        append(t.join("dot-gitignore"), "release-2/\n");
        let gitignore = dir.join(".gitignore");
        let text = std::fs::read_to_string(&gitignore).unwrap();
        std::fs::write(&gitignore, format!("my-local-stuff/\n{text}")).unwrap();
        std::fs::remove_file(t.join("scripts/clean.sh")).unwrap();
        std::fs::write(t.join("docs/new-in-release-2.md"), "# New\n").unwrap();
    };
    let points = kill_at_every_point(&Story {
        name: "sync (a template release)",
        args: &["sync"],
        setup: &setup,
        before_is_clean: false,
    });
    eprintln!("sync: {points} crash points, all consistent");
}

#[test]
fn new_killed_at_every_step_leaves_nothing_that_a_second_new_cannot_finish() {
    let base = tempfile::tempdir().unwrap();
    let log = base.path().join("points.log");
    let reference = base.path().join("reference");
    let out = dfworx(base.path(), &["new", "reference", "--yes", "--no-git", "--name", "acme"], Crash::Log(&log));
    assert!(out.status.success(), "{}", stderr(&out));
    // `.env` holds a random secret, and the state its hash: everything else is the same in every run.
    let comparable = |dir: &Path| {
        let mut files = files(dir);
        files.remove(".env");
        files.remove(".dfworx/state.json");
        files
    };
    let after = comparable(&reference);
    let points = std::fs::read_to_string(&log).unwrap().lines().count();

    for n in 1..=points {
        let run = base.path().join(format!("run-{n}"));
        let killed =
            dfworx(base.path(), &["new", &format!("run-{n}"), "--yes", "--no-git", "--name", "acme"], Crash::At(n));
        assert!(!killed.status.success(), "new was not killed at point {n}");
        // Unless the kill came after the commit, no workspace is there yet: the check must not pass.
        let name = format!("run-{n}");
        let check = dfworx(base.path(), &["-C", &name, "sync", "--check"], Crash::Never);
        let now = comparable(&run);
        if check.status.success() {
            assert!(now == after, "killed at point {n}: sync --check passed on {:?}", difference(&now, &after));
        } else {
            assert!(now != after, "killed at point {n}: a complete workspace failed the check: {}", stderr(&check));
        }
        let again =
            dfworx(base.path(), &["new", &format!("run-{n}"), "--yes", "--no-git", "--name", "acme"], Crash::Never);
        if now == after {
            assert!(!again.status.success(), "new over a complete workspace must refuse");
        } else {
            assert!(again.status.success(), "new again after point {n}: {}", stderr(&again));
            assert!(
                comparable(&run) == after,
                "new again after point {n}: {:?}",
                difference(&comparable(&run), &after)
            );
        }
        let check = dfworx(&run, &["sync", "--check"], Crash::Never);
        assert!(check.status.success(), "after point {n}: {}", stderr(&check));
        std::fs::remove_dir_all(&run).unwrap();
    }
    eprintln!("new: {points} crash points, all consistent");
}

#[test]
fn a_recovery_killed_at_any_of_its_own_steps_is_finished_by_the_next_command() {
    let base = tempfile::tempdir().unwrap();
    let original = base.path().join("original");
    std::fs::create_dir(&original).unwrap();
    new_workspace(&original);
    let before = files(&original);
    let add = ["add", "app", "admin"];

    // Where `add` has the most to undo: every file in place, the commit not yet made.
    let log = base.path().join("add.log");
    let probe = base.path().join("probe");
    copy_dir(&original, &probe);
    assert!(dfworx(&probe, &add, Crash::Log(&log)).status.success());
    let labels = std::fs::read_to_string(&log).unwrap();
    let in_flight = labels.lines().position(|l| l.contains("-> .dfworx/tx/committed.json")).unwrap() + 1;

    // How many steps the roll-back of that change takes.
    let counted = base.path().join("counted");
    copy_dir(&original, &counted);
    assert!(!dfworx(&counted, &add, Crash::At(in_flight)).status.success());
    let recovery_log = base.path().join("recovery.log");
    dfworx(&counted, &["sync", "--check"], Crash::Log(&recovery_log));
    let recovery_points = std::fs::read_to_string(&recovery_log).unwrap().lines().count();
    assert!(recovery_points > 3, "{recovery_points}");

    for m in 1..=recovery_points {
        let run = base.path().join(format!("recover-{m}"));
        copy_dir(&original, &run);
        assert!(!dfworx(&run, &add, Crash::At(in_flight)).status.success());
        assert!(!dfworx(&run, &["sync", "--check"], Crash::At(m)).status.success(), "recovery not killed at {m}");
        let check = dfworx(&run, &["sync", "--check"], Crash::Never);
        assert_eq!(check.status.code(), Some(0), "recovery killed at {m}: {}", stderr(&check));
        assert!(files(&run) == before, "recovery killed at {m}: {:?}", difference(&files(&run), &before));
        std::fs::remove_dir_all(&run).unwrap();
    }
    eprintln!("recovery of add: {recovery_points} crash points, all consistent");
}
