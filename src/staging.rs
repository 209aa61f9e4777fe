//! All or nothing on disk. Files are written into a staging directory beside the target and moved
//! into place by rename; if anything fails (or the user presses Ctrl-C) what this run created is
//! removed and what it replaced is put back.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;

use crate::error::UserError;
use crate::plan::{Action, Plan};

/// Set by the Ctrl-C handler; checked between steps so an interrupt unwinds cleanly.
#[derive(Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// Installs the process's Ctrl-C handler. Call once.
    pub fn install() -> Self {
        let flag = Self::default();
        let inner = Arc::clone(&flag.0);
        // If a handler is already installed (tests calling twice), the default behaviour stays.
        let _ = ctrlc::set_handler(move || inner.store(true, Ordering::SeqCst));
        flag
    }

    fn check(&self) -> anyhow::Result<()> {
        if self.0.load(Ordering::SeqCst) {
            return Err(UserError::new("interrupted; nothing was changed").into());
        }
        Ok(())
    }
}

/// Writes the plan's files under `root`. When `root` does not exist or is an empty directory the
/// whole tree appears with one rename; otherwise each file is moved into place and rolled back on
/// failure.
pub fn apply(root: &Path, plan: &Plan, interrupt: &Interrupt) -> anyhow::Result<()> {
    let parent = root.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let stage = tempfile::Builder::new()
        .prefix(".dfworx-staging-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a staging directory in {}", parent.display()))?;

    let mut made_dirs = HashSet::new();
    for file in plan.writes().filter(|f| f.action != Action::Remove) {
        interrupt.check()?;
        let staged = stage.path().join(&file.path);
        ensure_parent(&staged, &mut made_dirs)?;
        fs::write(&staged, &file.contents).with_context(|| format!("cannot write {}", staged.display()))?;
        if file.executable {
            set_executable(&staged)?;
        }
    }
    interrupt.check()?;

    if is_absent_or_empty_dir(root)? {
        // rename(2) replaces an empty directory atomically.
        fs::rename(stage.path(), root)
            .with_context(|| format!("cannot move the new workspace to {}", root.display()))?;
        let _ = stage.keep();
        return Ok(());
    }
    move_each(root, stage.path(), plan, interrupt)
}

fn move_each(root: &Path, stage: &Path, plan: &Plan, interrupt: &Interrupt) -> anyhow::Result<()> {
    let backups = stage.join(".dfworx-backup");
    let mut undo = Undo::default();
    let result = (|| -> anyhow::Result<()> {
        for file in plan.writes() {
            interrupt.check()?;
            let target = root.join(&file.path);
            undo.make_parents(&target, root)?;
            if target.exists() {
                let backup = backups.join(&file.path);
                fs::create_dir_all(backup.parent().expect("backup has a parent"))?;
                fs::rename(&target, &backup).with_context(|| format!("cannot replace {}", target.display()))?;
                undo.replaced.push((target.clone(), backup));
            }
            if file.action == Action::Remove {
                continue;
            }
            fs::rename(stage.join(&file.path), &target)
                .with_context(|| format!("cannot write {}", target.display()))?;
            undo.created.push(target);
        }
        Ok(())
    })();
    if result.is_err() {
        undo.roll_back();
    } else {
        remove_emptied_dirs(root, plan);
    }
    result
}

/// After removing files, drop the directories they leave empty (never `root` itself).
fn remove_emptied_dirs(root: &Path, plan: &Plan) {
    for file in plan.files.iter().filter(|f| f.action == Action::Remove) {
        let mut dir = root.join(&file.path);
        while dir.pop() && dir != root && dir.starts_with(root) {
            if fs::remove_dir(&dir).is_err() {
                break;
            }
        }
    }
}

/// What `move_each` did, in order, so it can be undone.
#[derive(Default)]
struct Undo {
    created: Vec<PathBuf>,
    replaced: Vec<(PathBuf, PathBuf)>,
    dirs: Vec<PathBuf>,
}

impl Undo {
    fn make_parents(&mut self, target: &Path, root: &Path) -> anyhow::Result<()> {
        let mut missing = Vec::new();
        let mut dir = target.parent();
        while let Some(d) = dir {
            if d.exists() || d == root.parent().unwrap_or(root) {
                break;
            }
            missing.push(d.to_path_buf());
            dir = d.parent();
        }
        for d in missing.into_iter().rev() {
            fs::create_dir(&d).with_context(|| format!("cannot create {}", d.display()))?;
            self.dirs.push(d);
        }
        Ok(())
    }

    fn roll_back(self) {
        for path in self.created.iter().rev() {
            let _ = fs::remove_file(path);
        }
        for (target, backup) in self.replaced.iter().rev() {
            let _ = fs::rename(backup, target);
        }
        for dir in self.dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

fn ensure_parent(path: &Path, made: &mut HashSet<PathBuf>) -> anyhow::Result<()> {
    if let Some(parent) = path.parent()
        && !made.contains(parent)
    {
        fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        made.insert(parent.to_path_buf());
    }
    Ok(())
}

pub fn is_absent_or_empty_dir(path: &Path) -> anyhow::Result<bool> {
    match fs::read_dir(path) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(err) if err.kind() == std::io::ErrorKind::NotADirectory => {
            Err(UserError::new(format!("{} exists and is a file, not a directory", path.display()))
                .hint("choose another path for the workspace")
                .into())
        }
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}

#[cfg(unix)]
fn set_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot chmod {}", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}
