//! Opening the workspace a command runs in: `-C <dir>`, else the current directory, walking up to the
//! nearest `dfworx.yaml` (the way cargo finds `Cargo.toml`); then its lock, the repair of whatever an
//! interrupted run left behind, and its manifest.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::disk::Disk;
use crate::error::UserError;
use crate::lockfile::{self, Lock, Mode};
use crate::manifest::{self, Manifest};
use crate::printer::Printer;
use crate::relpath::RelPath;
use crate::{journal, names};

pub struct Workspace {
    pub root: PathBuf,
    pub disk: Disk,
    pub manifest: Manifest,
    /// `dfworx.yaml` as written, for edits that keep the user's formatting.
    pub manifest_text: String,
    _lock: Option<Lock>,
}

impl Workspace {
    /// Finds, locks (shared to read, exclusive to change), repairs and reads the workspace.
    pub fn open(dir: Option<&Path>, mode: Mode, printer: &Printer) -> anyhow::Result<Self> {
        let root = find_root(dir)?;
        let disk = Disk::new(&root);
        let lock = lock_and_recover(&disk, mode, printer)?;
        let path = RelPath::parse(manifest::FILE_NAME, "dfworx")?;
        let manifest_text = disk.read_text(&path)?.ok_or_else(|| {
            UserError::new(format!("{} is not a workspace: it has no {}", root.display(), manifest::FILE_NAME))
                .hint("if an interrupted `dfworx new` was just rolled back, run it again; otherwise restore dfworx.yaml from git")
        })?;
        let manifest = Manifest::parse(&manifest_text, &path.under(&root))?;
        Ok(Self { root, disk, manifest, manifest_text, _lock: lock })
    }
}

/// Takes the lock in `mode`; when an earlier run was interrupted, first takes it exclusively and
/// finishes or rolls back that run's change, so no command ever sees a half-changed tree.
pub fn lock_and_recover(disk: &Disk, mode: Mode, printer: &Printer) -> anyhow::Result<Option<Lock>> {
    let lock = lockfile::acquire(disk, mode)?;
    if !journal::pending(disk)? {
        return Ok(lock);
    }
    let lock = match mode {
        Mode::Exclusive => lock,
        Mode::Shared => {
            drop(lock);
            lockfile::acquire(disk, Mode::Exclusive)?
        }
    };
    journal::recover(disk, printer)?;
    if mode == Mode::Exclusive {
        return Ok(lock);
    }
    drop(lock);
    lockfile::acquire(disk, mode)
}

fn find_root(dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let start = match dir {
        Some(dir) => cwd.join(dir),
        None => cwd,
    };
    // A directory with an unfinished change counts too: the change may be the one that writes its
    // manifest, and opening the workspace is what repairs it.
    start
        .ancestors()
        .find(|d| {
            let manifest = d.join(manifest::FILE_NAME);
            manifest.exists() || manifest.is_symlink() || d.join(journal::IN_FLIGHT).is_dir()
        })
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            UserError::new(format!(
                "{} is not inside a dfworx workspace (no {} here or above)",
                names::shown(&start.display().to_string()),
                manifest::FILE_NAME
            ))
            .hint("run this inside a workspace, pass -C <dir>, or create one with `dfworx new <dir>`")
            .into()
        })
}
