//! `git init` and a first commit for a new workspace.

use std::path::Path;
use std::process::Command;

use crate::printer::Printer;

/// Whether `dir` (or its nearest existing ancestor) is inside a git work tree.
pub fn inside_work_tree(dir: &Path) -> bool {
    let probe = dir.ancestors().find(|d| d.is_dir()).unwrap_or(dir);
    Command::new("git")
        .args(["rev-parse", "--is-inside-work-tree"])
        .current_dir(probe)
        .output()
        .is_ok_and(|o| o.status.success() && o.stdout.starts_with(b"true"))
}

/// Initialises a repository and commits everything. A missing git or identity is a warning, not a
/// failure: the workspace is already complete.
pub fn init_and_commit(dir: &Path, printer: &Printer) {
    let run = |args: &[&str]| Command::new("git").args(args).current_dir(dir).output();
    match run(&["init", "--quiet", "--initial-branch=main"]) {
        Ok(out) if out.status.success() => {}
        Ok(out) => return printer.warn(&format!("git init failed: {}", String::from_utf8_lossy(&out.stderr).trim())),
        Err(_) => return printer.warn("git is not installed; skipped `git init`"),
    }
    let added = run(&["add", "--all"]);
    let committed = run(&["commit", "--quiet", "--no-verify", "-m", "Create workspace with dfworx"]);
    match (added, committed) {
        (Ok(a), Ok(c)) if a.status.success() && c.status.success() => {
            printer.status("Committed", "initial commit on branch main");
        }
        (_, Ok(c)) => printer.warn(&format!(
            "the repository was initialised but the first commit failed ({}); commit by hand",
            String::from_utf8_lossy(&c.stderr).lines().next().unwrap_or("unknown error").trim()
        )),
        _ => printer.warn("the repository was initialised but the first commit failed; commit by hand"),
    }
}
