//! The workspace on disk, seen only through [`RelPath`]s and never through a symbolic link.
//!
//! Every component below the root is looked at with `lstat` before dfworx reads, writes, renames or
//! deletes there: a directory where a directory is expected, a regular file (or nothing) at the end.
//! A symlink anywhere (`apps/web -> /elsewhere`, a symlinked `.dfworx` or `supabase/migrations`) is
//! refused with the path named, before the command changes anything. The threat is a committed tree
//! (a pull request can carry symlinks and `.dfworx/state.json`), not another local user racing us.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use crate::error::{UserError, io_error};
use crate::relpath::RelPath;

/// What sits at a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    Missing,
    File,
    Dir,
}

pub struct Disk {
    root: PathBuf,
    /// Directories (relative) already checked to be real directories during this command.
    checked: RefCell<HashSet<String>>,
}

impl Disk {
    pub fn new(root: &Path) -> Self {
        Self { root: root.to_path_buf(), checked: RefCell::default() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The path on this machine, after checking every ancestor below the root is a real directory
    /// (or missing). The leaf itself is not looked at.
    pub fn path(&self, rel: &RelPath) -> anyhow::Result<PathBuf> {
        for ancestor in rel.ancestors() {
            if self.checked.borrow().contains(ancestor) {
                continue;
            }
            match self.lstat(ancestor)? {
                Entry::Dir => {
                    self.checked.borrow_mut().insert(ancestor.to_string());
                }
                Entry::Missing => break,
                Entry::File => {
                    return Err(UserError::new(format!("{ancestor} is a file, but {rel} needs a directory there"))
                        .hint(format!("move {ancestor} out of the way, then run the command again"))
                        .into());
                }
            }
        }
        Ok(rel.under(&self.root))
    }

    /// What is at `rel`: missing, a regular file or a directory; a symlink anywhere is an error.
    pub fn entry(&self, rel: &RelPath) -> anyhow::Result<Entry> {
        let path = self.path(rel)?;
        if rel.ancestors().any(|a| !self.checked.borrow().contains(a)) {
            // An ancestor is missing, so the leaf is too.
            return Ok(Entry::Missing);
        }
        let kind = kind_of(&path, rel.as_str())?;
        if kind == Entry::Dir {
            self.checked.borrow_mut().insert(rel.as_str().to_string());
        }
        Ok(kind)
    }

    /// The bytes of a regular file, or `None` when nothing is there.
    pub fn read(&self, rel: &RelPath) -> anyhow::Result<Option<Vec<u8>>> {
        match self.entry(rel)? {
            Entry::Missing => Ok(None),
            Entry::Dir => Err(UserError::new(format!("{rel} is a directory, but dfworx expects a file there"))
                .hint(format!("move {rel} out of the way, then run the command again"))
                .into()),
            Entry::File => {
                let path = rel.under(&self.root);
                match fs::read(&path) {
                    Ok(bytes) => Ok(Some(bytes)),
                    // Removed between the lstat and the read: as good as missing.
                    Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(io_error(e, &format!("read {}", path.display()))),
                }
            }
        }
    }

    /// Like [`Disk::read`], as UTF-8 text.
    pub fn read_text(&self, rel: &RelPath) -> anyhow::Result<Option<String>> {
        let Some(bytes) = self.read(rel)? else { return Ok(None) };
        String::from_utf8(bytes).map(Some).map_err(|_| {
            UserError::new(format!("{} is not UTF-8 text", rel.under(&self.root).display()))
                .hint("save it as UTF-8")
                .into()
        })
    }

    /// Forgets what was checked (after this command changed directories itself).
    pub fn forget(&self) {
        self.checked.borrow_mut().clear();
    }

    fn lstat(&self, rel: &str) -> anyhow::Result<Entry> {
        let mut path = self.root.clone();
        path.extend(rel.split('/'));
        kind_of(&path, rel)
    }
}

/// `lstat` of one path; a symlink (or anything but a file or a directory) is an error naming it.
fn kind_of(path: &Path, shown: &str) -> anyhow::Result<Entry> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = fs::read_link(path).map(|t| format!(" (to {})", t.display())).unwrap_or_default();
            Err(UserError::new(format!(
                "{shown} is a symbolic link{target}; dfworx never reads or writes through one"
            ))
            .hint(format!(
                "replace {shown} with a real file or directory, or move it out of the workspace; nothing was changed"
            ))
            .into())
        }
        Ok(meta) if meta.is_dir() => Ok(Entry::Dir),
        Ok(meta) if meta.is_file() => Ok(Entry::File),
        Ok(_) => Err(UserError::new(format!("{shown} is neither a file nor a directory (a device, socket or pipe)"))
            .hint(format!("move {shown} out of the workspace"))
            .into()),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => Ok(Entry::Missing),
        Err(e) => Err(io_error(e, &format!("look at {}", path.display()))),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn rel(s: &str) -> RelPath {
        RelPath::parse(s, "test").unwrap()
    }

    #[test]
    fn files_directories_and_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a/b")).unwrap();
        fs::write(dir.path().join("a/b/f"), "x").unwrap();
        let disk = Disk::new(dir.path());
        assert_eq!(disk.entry(&rel("a/b/f")).unwrap(), Entry::File);
        assert_eq!(disk.entry(&rel("a/b")).unwrap(), Entry::Dir);
        assert_eq!(disk.entry(&rel("a/c/d/e")).unwrap(), Entry::Missing);
        assert_eq!(disk.read(&rel("a/b/f")).unwrap().as_deref(), Some(&b"x"[..]));
        assert!(disk.read(&rel("a/b/f/g")).is_err(), "a file where a directory should be");
    }

    #[test]
    fn a_symlink_at_any_depth_is_refused_and_named() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "s").unwrap();
        fs::create_dir_all(dir.path().join("apps")).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("apps/web")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("leaf")).unwrap();
        let disk = Disk::new(dir.path());
        for path in ["apps/web/secret", "apps/web", "leaf"] {
            let err = disk.read(&rel(path)).unwrap_err().to_string();
            assert!(err.contains("symbolic link"), "{path}: {err}");
        }
    }
}
