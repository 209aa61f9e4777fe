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

/// Initialises a repository and commits everything (with the lockfiles, when an install wrote them);
/// whether it committed. A missing git or identity is a warning, not a failure: the workspace is
/// already complete.
pub fn init_and_commit(dir: &Path, printer: &Printer) -> bool {
    let run = |args: &[&str]| Command::new("git").args(args).current_dir(dir).output();
    match run(&["init", "--quiet", "--initial-branch=main"]) {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            printer.warn(&format!("git init failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
            return false;
        }
        Err(_) => {
            printer.warn("git is not installed; skipped `git init`");
            return false;
        }
    }
    let added = run(&["add", "--all"]);
    let committed = run(&["commit", "--quiet", "--no-verify", "-m", "Create workspace with dfworx"]);
    match (added, committed) {
        (Ok(a), Ok(c)) if a.status.success() && c.status.success() => {
            let lockfiles: Vec<&str> =
                ["pnpm-lock.yaml", "uv.lock"].into_iter().filter(|f| dir.join(f).is_file()).collect();
            let with = if lockfiles.is_empty() { String::new() } else { format!(", with {}", lockfiles.join(" and ")) };
            printer.status("Committed", &format!("initial commit on branch main{with}"));
            return true;
        }
        (_, Ok(c)) => printer.warn(&format!(
            "the repository was initialised but the first commit failed ({}); commit by hand",
            String::from_utf8_lossy(&c.stderr).lines().next().unwrap_or("unknown error").trim()
        )),
        _ => printer.warn("the repository was initialised but the first commit failed; commit by hand"),
    }
    false
}
