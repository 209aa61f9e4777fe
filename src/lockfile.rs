//! One writer per workspace: `.dfworx/lock`, locked with the operating system's advisory file lock
//! (flock on Unix), so two dfworx processes never change one tree at once — `dfworx add` in two
//! terminals, or two `dfworx new ws` racing for the same directory. The lock dies with its process, so
//! a killed run never leaves a stale lock behind. Read-only commands take it shared.

use std::fs::{File, OpenOptions, TryLockError};

use crate::disk::{Disk, Entry};
use crate::error::{UserError, io_error};
use crate::fault;
use crate::journal::META_DIR;
use crate::relpath::RelPath;

const LOCK_FILE: &str = ".dfworx/lock";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Reading the workspace (`sync --check`, `--dry-run`, `migrate status`): writers wait outside.
    Shared,
    /// Changing it.
    Exclusive,
}

/// Held until dropped.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Takes the workspace lock, or refuses at once when another dfworx holds it. A shared lock on a tree
/// dfworx cannot write (read-only checkout, no `.dfworx/` yet) is simply not taken.
pub fn acquire(disk: &Disk, mode: Mode) -> anyhow::Result<Option<Lock>> {
    let meta = RelPath::parse(META_DIR, "dfworx")?;
    let path = RelPath::parse(LOCK_FILE, "dfworx")?;
    match disk.entry(&meta)? {
        Entry::Dir => {}
        Entry::Missing if mode == Mode::Shared => return Ok(None),
        Entry::Missing => {
            let full = disk.path(&meta)?;
            fault::point(|| format!("mkdir {META_DIR}"));
            if let Err(e) = std::fs::create_dir(&full)
                && e.kind() != std::io::ErrorKind::AlreadyExists
            {
                return Err(io_error(e, &format!("create directory {}", full.display())));
            }
            // Another process may have created it first; check it is a real directory all the same.
            if disk.entry(&meta)? != Entry::Dir {
                return Err(UserError::new(format!("{META_DIR} is not a directory"))
                    .hint("move it out of the way")
                    .into());
            }
        }
        Entry::File => {
            return Err(UserError::new(format!(
                "{META_DIR} is a file, but dfworx keeps its state in a directory there"
            ))
            .hint(format!("move {META_DIR} out of the way"))
            .into());
        }
    }
    if disk.entry(&path)? == Entry::Dir {
        return Err(UserError::new(format!("{LOCK_FILE} is a directory")).hint("delete it").into());
    }
    let full = disk.path(&path)?;
    let opened = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&full);
    let file = match opened {
        Ok(file) => file,
        Err(e) if mode == Mode::Shared => {
            let _ = e;
            return Ok(None);
        }
        Err(e) => return Err(io_error(e, &format!("open {}", full.display()))),
    };
    let locked = match mode {
        Mode::Shared => file.try_lock_shared(),
        Mode::Exclusive => file.try_lock(),
    };
    match locked {
        Ok(()) => {}
        // The file stays empty: writing who holds it would change the tree of a command that then
        // refuses, and those leave the workspace byte for byte as it was.
        Err(TryLockError::WouldBlock) => {
            return Err(UserError::new(format!(
                "another dfworx process is working on {} right now",
                disk.root().display()
            ))
            .hint("wait for it to finish, then run this command again (the lock goes away by itself when that process ends)")
            .into());
        }
        Err(TryLockError::Error(e)) => return Err(io_error(e, &format!("lock {}", full.display()))),
    }
    Ok(Some(Lock { _file: file }))
}
