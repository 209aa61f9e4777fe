//! A directory that a command fills from nothing: `dfworx new <dir>` and `dfworx templates export <dir>`.
//!
//! The directory is created (if missing) and locked before anything is written in it, so of two
//! `dfworx new ws` started together one wins and the other refuses. What an earlier, killed run left
//! in it (`.dfworx/` with a lock and an unfinished change) does not make it "not empty": the change is
//! rolled back first. The directory itself is never renamed or replaced, so `new .` and `new "$PWD"`
//! work in the directory the shell stands in.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::disk::Disk;
use crate::error::{UserError, io_error};
use crate::journal::META_DIR;
use crate::lockfile::{Lock, Mode};
use crate::printer::Printer;
use crate::{fault, names, workspace};

/// Entries of `.dfworx/` that only a dfworx run in progress, or killed, leaves behind.
const LEFTOVERS: &[&str] = &["lock", "tx", "tx-prepare", "tx-done"];

/// `dir` made absolute and free of `.` and `..`, without following symlinks.
pub fn absolute(dir: &Path) -> anyhow::Result<PathBuf> {
    if dir.as_os_str().is_empty() {
        return Err(UserError::new("the target directory is empty")
            .hint("pass a directory, e.g. `dfworx new acme`")
            .into());
    }
    let cwd = std::env::current_dir().map_err(|e| io_error(e, "read the current directory"))?;
    let mut out = PathBuf::new();
    for component in cwd.join(dir).components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    Ok(out)
}

/// Whether `dir` is missing or empty but for what a dfworx run leaves in `.dfworx/`. A file is an error.
pub fn is_empty(dir: &Path) -> anyhow::Result<bool> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(true),
        Err(e) if e.kind() == ErrorKind::NotADirectory && fs::metadata(dir).is_ok_and(|m| m.is_file()) => {
            return Err(UserError::new(format!("{} exists and is a file, not a directory", shown(dir)))
                .hint("choose another path")
                .into());
        }
        Err(e) => return Err(io_error(e, &format!("read {}", dir.display()))),
    };
    for entry in entries {
        let entry = entry.map_err(|e| io_error(e, &format!("read {}", dir.display())))?;
        if entry.file_name() != META_DIR || !only_leftovers(&entry.path())? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn only_leftovers(meta: &Path) -> anyhow::Result<bool> {
    if fs::symlink_metadata(meta).is_ok_and(|m| !m.is_dir()) {
        return Ok(false);
    }
    let entries = fs::read_dir(meta).map_err(|e| io_error(e, &format!("read {}", meta.display())))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error(e, &format!("read {}", meta.display())))?;
        if !entry.file_name().to_str().is_some_and(|n| LEFTOVERS.contains(&n)) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Rolls back what a killed earlier run left in `dir` (an unfinished `.dfworx/tx`), so that it counts
/// as empty again; does nothing when there is nothing to repair.
pub fn repair(dir: &Path, printer: &Printer) -> anyhow::Result<()> {
    if !fs::symlink_metadata(dir.join(META_DIR)).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    let disk = Disk::new(dir);
    if crate::journal::pending(&disk)? {
        drop(workspace::lock_and_recover(&disk, Mode::Exclusive, printer)?);
    }
    Ok(())
}

/// The directory, created if needed and locked, with any interrupted earlier run rolled back.
pub struct Claim {
    pub disk: Disk,
    lock: Option<Lock>,
    created_root: bool,
    created_meta: bool,
}

impl Claim {
    /// Claims `dir` for writing. Refuses when it is not empty (unless `force`) or another dfworx holds it.
    pub fn take(dir: &Path, force: bool, printer: &Printer) -> anyhow::Result<Self> {
        let created_root = match fs::symlink_metadata(dir) {
            Ok(_) => false,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                if let Some(parent) = dir.parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| io_error(e, &format!("create directory {}", parent.display())))?;
                }
                fault::point(|| "mkdir <target>".to_string());
                match fs::create_dir(dir) {
                    Ok(()) => true,
                    // Another dfworx made it a moment ago: the lock below decides who goes on.
                    Err(e) if e.kind() == ErrorKind::AlreadyExists => false,
                    Err(e) => return Err(io_error(e, &format!("create directory {}", dir.display()))),
                }
            }
            Err(e) => return Err(io_error(e, &format!("look at {}", dir.display()))),
        };
        let created_meta = fs::symlink_metadata(dir.join(META_DIR)).is_err();
        let disk = Disk::new(dir);
        let mut claim = Self { disk, lock: None, created_root, created_meta };
        match workspace::lock_and_recover(&claim.disk, Mode::Exclusive, printer) {
            Ok(lock) => claim.lock = lock,
            Err(err) => {
                claim.abandon();
                return Err(err);
            }
        }
        if !force && !is_empty(dir)? {
            claim.abandon();
            return Err(not_empty(dir));
        }
        Ok(claim)
    }

    /// Undoes the claim after a failure: the lock goes, and so do `.dfworx/` and the directory itself
    /// if this run created them and they are empty again.
    pub fn abandon(mut self) {
        self.release();
        if self.created_root {
            let _ = fs::remove_dir(self.disk.root());
        }
    }

    /// Releases the lock and removes dfworx's own directory if this claim created it and nothing else
    /// is in it (`templates export` leaves no `.dfworx/` behind).
    pub fn release(&mut self) {
        let meta = self.disk.root().join(META_DIR);
        if self.lock.take().is_some() && self.created_meta {
            let _ = fs::remove_file(meta.join("lock"));
            let _ = fs::remove_dir(&meta);
        }
    }
}

pub fn not_empty(dir: &Path) -> anyhow::Error {
    UserError::new(format!("{} already exists and is not empty", shown(dir)))
        .hint("choose a new or empty directory, or pass --force to add the files to it (nothing is deleted or overwritten)")
        .into()
}

fn shown(dir: &Path) -> String {
    names::shown(&dir.display().to_string())
}
