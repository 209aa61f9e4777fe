//! All or nothing on disk, even when dfworx is killed: a write-ahead journal inside the workspace.
//!
//! 1. **Prepare** in `.dfworx/tx-prepare/`: every new file's bytes under `new/<n>`, and `journal.json`
//!    listing each change (path, SHA-256 before and after) and the directories to create. Nothing in
//!    the tree has changed yet; a crash here leaves only that directory, which the next run deletes.
//! 2. Rename it to `.dfworx/tx/`: from this instant the change is *in flight*.
//! 3. **Apply**: for each change, keep what is at the path as `old/<n>` (a hard link, so the file never
//!    goes missing), then rename `new/<n>` over it; a removal renames the file to `old/<n>`. Every step
//!    is one link or rename inside one file system, so at any instant each path holds its old bytes or
//!    its new bytes (nothing, for a file being created or removed), and the journal says which is which.
//! 4. **Commit**: rename `journal.json` to `committed.json` — the one step that decides.
//! 5. Clean up: move `tx/` to `tx-done/` and delete it.
//!
//! The next dfworx command to open the workspace [`recover`]s: a committed change is cleaned up, an
//! uncommitted one is rolled back (each path gets its old bytes back), so the tree is exactly as before
//! or exactly as after — never in between. The same roll-back runs at once on an error, Ctrl-C,
//! SIGTERM or SIGHUP. Staged secrets (`.env`) live only in the 0700 staging directory, which every one
//! of these paths deletes.
//!
//! No fsync: this protects against the process dying (kill, OOM, Ctrl-C), which the page cache
//! survives; a power cut during a write is git's job.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::disk::{Disk, Entry};
use crate::error::{UserError, io_error};
use crate::fault;
use crate::interrupt::Interrupt;
use crate::printer::Printer;
use crate::relpath::RelPath;
use crate::state::sha256_hex;

/// dfworx's own directory in every workspace.
pub const META_DIR: &str = ".dfworx";
const PREPARING: &str = ".dfworx/tx-prepare";
pub const IN_FLIGHT: &str = ".dfworx/tx";
const DONE: &str = ".dfworx/tx-done";
const JOURNAL: &str = "journal.json";
const COMMITTED: &str = "committed.json";

/// One path's change: new bytes, or `None` to remove the file.
pub struct Change {
    pub path: RelPath,
    pub contents: Option<Vec<u8>>,
    pub executable: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Journal {
    /// The command line that started the change, for the recovery message.
    command: String,
    pid: u32,
    started: String,
    /// Directories this change creates, parents first.
    dirs: Vec<String>,
    ops: Vec<Op>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Op {
    path: String,
    /// SHA-256 of the file before (`None`: no file).
    before: Option<String>,
    /// SHA-256 of the file after (`None`: removed).
    after: Option<String>,
}

/// Applies `changes` to the workspace all or nothing. The caller holds the workspace lock and has run
/// [`recover`].
pub fn apply(disk: &Disk, changes: &[Change], command: &str, interrupt: &Interrupt) -> anyhow::Result<()> {
    let journal = match prepare(disk, changes, command, interrupt) {
        Ok(journal) => journal,
        Err(err) => {
            // Nothing in the tree changed; only the staging directory is left to delete.
            let _ = remove_tree(disk, PREPARING);
            return Err(err);
        }
    };
    if let Err(err) = run(disk, &journal, changes, interrupt) {
        return match roll_back(disk, &journal) {
            Ok(()) => Err(err),
            Err(undo) => Err(err.context(format!(
                "and undoing the partial change failed too ({undo:#}); the next dfworx command in this workspace finishes the roll-back"
            ))),
        };
    }
    commit(disk, &journal)
}

/// Whether an earlier run left anything behind (cheap: three `lstat`s).
pub fn pending(disk: &Disk) -> anyhow::Result<bool> {
    for dir in [PREPARING, IN_FLIGHT, DONE] {
        if entry(disk, dir)? != Entry::Missing {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Finishes or rolls back what an interrupted run left, so the tree is as before it or as after it.
/// The caller holds the workspace lock.
pub fn recover(disk: &Disk, printer: &Printer) -> anyhow::Result<()> {
    remove_tree(disk, DONE)?;
    remove_tree(disk, PREPARING)?;
    if entry(disk, IN_FLIGHT)? == Entry::Missing {
        return Ok(());
    }
    let tx = rel(IN_FLIGHT).under(disk.root());
    if let Some(journal) = read_journal(&tx.join(COMMITTED))? {
        finish(disk, &journal)?;
        printer.status("Recovered", &format!("finished cleaning up after `{}` (pid {})", journal.command, journal.pid));
        return Ok(());
    }
    let Some(journal) = read_journal(&tx.join(JOURNAL))? else {
        return Err(UserError::new(format!(
            "{} holds an interrupted change without its journal",
            tx.display()
        ))
        .hint("dfworx cannot tell what it was: look at the files in its old/ (the previous versions), restore what you need, then delete that directory")
        .into());
    };
    roll_back(disk, &journal)?;
    printer.status(
        "Recovered",
        &format!(
            "rolled back `{}` (pid {}, started {}), which was interrupted: the workspace is as it was before it",
            journal.command, journal.pid, journal.started
        ),
    );
    Ok(())
}

fn prepare(disk: &Disk, changes: &[Change], command: &str, interrupt: &Interrupt) -> anyhow::Result<Journal> {
    match entry(disk, META_DIR)? {
        Entry::Dir => {}
        Entry::Missing => mkdir(disk, META_DIR)?,
        Entry::File => {
            return Err(UserError::new(format!(
                "{META_DIR} is a file, but dfworx keeps its state in a directory there"
            ))
            .hint(format!("move {META_DIR} out of the way"))
            .into());
        }
    }
    remove_tree(disk, PREPARING)?;
    mkdir(disk, PREPARING)?;
    restrict(&rel(PREPARING).under(disk.root()))?;
    mkdir(disk, &format!("{PREPARING}/new"))?;
    mkdir(disk, &format!("{PREPARING}/old"))?;

    let mut dirs: Vec<String> = Vec::new();
    let mut ops = Vec::with_capacity(changes.len());
    for (n, change) in changes.iter().enumerate() {
        interrupt.check()?;
        let before = disk.read(&change.path)?.map(|bytes| sha256_hex(&bytes));
        if let Some(contents) = &change.contents {
            for ancestor in change.path.ancestors() {
                if !dirs.iter().any(|d| d == ancestor) && disk.entry(&rel(ancestor))? == Entry::Missing {
                    dirs.push(ancestor.to_string());
                }
            }
            let staged = format!("{PREPARING}/new/{n}");
            write(disk, &staged, contents, change.executable)?;
        }
        ops.push(Op {
            path: change.path.as_str().to_string(),
            before,
            after: change.contents.as_deref().map(sha256_hex),
        });
    }
    let journal = Journal {
        command: command.to_string(),
        pid: std::process::id(),
        started: jiff::Timestamp::now().strftime("%Y-%m-%d %H:%M:%S UTC").to_string(),
        dirs,
        ops,
    };
    let text = serde_json::to_vec_pretty(&journal).context("cannot serialise the journal")?;
    write(disk, &format!("{PREPARING}/{JOURNAL}"), &text, false)?;
    interrupt.check()?;
    rename(disk, PREPARING, IN_FLIGHT)?;
    Ok(journal)
}

fn run(disk: &Disk, journal: &Journal, changes: &[Change], interrupt: &Interrupt) -> anyhow::Result<()> {
    for dir in &journal.dirs {
        interrupt.check()?;
        mkdir(disk, dir)?;
    }
    for (n, (op, change)) in journal.ops.iter().zip(changes).enumerate() {
        interrupt.check()?;
        let path = change.path.as_str();
        let old = format!("{IN_FLIGHT}/old/{n}");
        match (op.before.is_some(), op.after.is_some()) {
            (true, true) => {
                keep(disk, path, &old)?;
                rename(disk, &format!("{IN_FLIGHT}/new/{n}"), path)?;
            }
            (true, false) => rename(disk, path, &old)?,
            (false, true) => rename(disk, &format!("{IN_FLIGHT}/new/{n}"), path)?,
            (false, false) => {}
        }
    }
    Ok(())
}

fn commit(disk: &Disk, journal: &Journal) -> anyhow::Result<()> {
    rename(disk, &format!("{IN_FLIGHT}/{JOURNAL}"), &format!("{IN_FLIGHT}/{COMMITTED}"))?;
    // The change is made; what follows only tidies up, and the next run finishes it if this one can't.
    let _ = finish(disk, journal);
    disk.forget();
    Ok(())
}

/// After the commit: directories that removed files left empty, then the journal directory.
fn finish(disk: &Disk, journal: &Journal) -> anyhow::Result<()> {
    for op in journal.ops.iter().filter(|op| op.after.is_none()) {
        let mut dir = rel(&op.path).parent().map(str::to_string);
        while let Some(d) = dir {
            if !rmdir_if_empty(disk, &d)? {
                break;
            }
            dir = rel(&d).parent().map(str::to_string);
        }
    }
    rename(disk, IN_FLIGHT, DONE)?;
    remove_tree(disk, DONE)
}

/// Puts every path back as it was before the change. Works from what is on disk, so running it again
/// after a crash half-way through it is safe.
fn roll_back(disk: &Disk, journal: &Journal) -> anyhow::Result<()> {
    let tx = rel(IN_FLIGHT).under(disk.root());
    for (n, op) in journal.ops.iter().enumerate().rev() {
        let path = rel(&op.path);
        let staged_new = tx.join("new").join(n.to_string());
        let saved_old = format!("{IN_FLIGHT}/old/{n}");
        let has_new = exists(&staged_new)?;
        let has_old = exists(&tx.join("old").join(n.to_string()))?;
        let placed = op.after.is_some() && !has_new;
        if placed {
            // The new bytes are at the path: make sure they are still ours before replacing them.
            if let Some(now) = disk.read(&path)? {
                let now = Some(sha256_hex(&now));
                if now == op.before && !has_old {
                    // Already put back by an earlier roll-back that was itself interrupted.
                    continue;
                }
                if now != op.after {
                    return Err(UserError::new(format!(
                        "{path} changed since an interrupted dfworx run wrote it, so dfworx will not roll it back"
                    ))
                    .hint(format!(
                        "the version from before that run is in {}/old/{n}; put the file as you want it, then delete {}",
                        tx.display(),
                        tx.display()
                    ))
                    .into());
                }
                if !has_old {
                    unlink(disk, path.as_str())?;
                }
            }
        }
        if has_old {
            rename(disk, &saved_old, path.as_str())?;
        }
    }
    for dir in journal.dirs.iter().rev() {
        rmdir_if_empty(disk, dir)?;
    }
    rename(disk, IN_FLIGHT, DONE)?;
    remove_tree(disk, DONE)?;
    disk.forget();
    Ok(())
}

fn read_journal(path: &Path) -> anyhow::Result<Option<Journal>> {
    let text = match fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(e, &format!("read {}", path.display()))),
    };
    let journal: Journal = serde_json::from_slice(&text).map_err(|e| {
        UserError::new(format!("{} is damaged: {e}", path.display()))
            .hint("dfworx wrote it during an interrupted run: look at the files beside it, restore what you need, then delete its directory")
    })?;
    // A journal is as untrusted as any committed file: every path in it must stay inside the root.
    for op in &journal.ops {
        RelPath::parse(&op.path, &format!("entry in {}", path.display()))?;
    }
    for dir in &journal.dirs {
        RelPath::parse(dir, &format!("entry in {}", path.display()))?;
    }
    Ok(Some(journal))
}

// --- single steps, each one crash point -------------------------------------------------------------

/// A path dfworx itself composed (constants and checked paths): parsing cannot fail.
fn rel(path: &str) -> RelPath {
    RelPath::parse(path, "dfworx").expect("dfworx's own paths are relative")
}

fn entry(disk: &Disk, path: &str) -> anyhow::Result<Entry> {
    disk.entry(&rel(path))
}

fn exists(path: &Path) -> anyhow::Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error(e, &format!("look at {}", path.display()))),
    }
}

fn mkdir(disk: &Disk, path: &str) -> anyhow::Result<()> {
    let full = disk.path(&rel(path))?;
    fault::point(|| format!("mkdir {path}"));
    match fs::create_dir(&full) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::AlreadyExists && entry(disk, path)? == Entry::Dir => Ok(()),
        Err(e) => Err(io_error(e, &format!("create directory {}", full.display()))),
    }
}

fn rmdir_if_empty(disk: &Disk, path: &str) -> anyhow::Result<bool> {
    let full = disk.path(&rel(path))?;
    fault::point(|| format!("rmdir {path}"));
    match fs::remove_dir(&full) {
        Ok(()) => Ok(true),
        Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::DirectoryNotEmpty) => Ok(false),
        Err(e) => Err(io_error(e, &format!("remove directory {}", full.display()))),
    }
}

fn write(disk: &Disk, path: &str, contents: &[u8], executable: bool) -> anyhow::Result<()> {
    let full = disk.path(&rel(path))?;
    fault::point(|| format!("write {path}"));
    fs::write(&full, contents).map_err(|e| io_error(e, &format!("write {}", full.display())))?;
    if executable {
        set_executable(&full)?;
    }
    Ok(())
}

fn rename(disk: &Disk, from: &str, to: &str) -> anyhow::Result<()> {
    let (from_full, to_full) = (disk.path(&rel(from))?, disk.path(&rel(to))?);
    fault::point(|| format!("rename {from} -> {to}"));
    fs::rename(&from_full, &to_full)
        .map_err(|e| io_error(e, &format!("move {} to {}", from_full.display(), to_full.display())))
}

/// A second name for the file at `path`, so a rename can replace it while its old bytes stay at hand:
/// a hard link, or where the file system has none, a copy (made under a temporary name first, so a
/// half-written copy is never taken for the old bytes).
fn keep(disk: &Disk, path: &str, kept: &str) -> anyhow::Result<()> {
    let (from, to) = (disk.path(&rel(path))?, disk.path(&rel(kept))?);
    fault::point(|| format!("link {path} -> {kept}"));
    if fs::hard_link(&from, &to).is_ok() {
        return Ok(());
    }
    let partial = format!("{kept}.partial");
    let partial_full = disk.path(&rel(&partial))?;
    fault::point(|| format!("copy {path} -> {partial}"));
    fs::copy(&from, &partial_full)
        .map_err(|e| io_error(e, &format!("copy {} to {}", from.display(), partial_full.display())))?;
    rename(disk, &partial, kept)
}

fn unlink(disk: &Disk, path: &str) -> anyhow::Result<()> {
    let full = disk.path(&rel(path))?;
    fault::point(|| format!("unlink {path}"));
    match fs::remove_file(&full) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(e, &format!("delete {}", full.display()))),
    }
}

/// Deletes one of dfworx's own staging directories, file by file (each a crash point).
fn remove_tree(disk: &Disk, path: &str) -> anyhow::Result<()> {
    let full = disk.path(&rel(path))?;
    if !exists(&full)? {
        return Ok(());
    }
    for item in walkdir::WalkDir::new(&full).contents_first(true) {
        let item = item.map_err(|e| {
            let what = format!("read {}", full.display());
            e.into_io_error().map_or_else(|| anyhow::anyhow!("cannot {what}"), |io| io_error(io, &what))
        })?;
        let below = item.path().strip_prefix(disk.root()).unwrap_or(item.path());
        let shown = below.to_string_lossy().replace('\\', "/");
        fault::point(|| format!("remove {shown}"));
        let removed =
            if item.file_type().is_dir() { fs::remove_dir(item.path()) } else { fs::remove_file(item.path()) };
        match removed {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(e, &format!("delete {}", item.path().display()))),
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|e| io_error(e, &format!("make {} executable", path.display())))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Staging holds the new `.env` (the JWT secret): readable by its owner only.
#[cfg(unix)]
fn restrict(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700))
        .map_err(|e| io_error(e, &format!("restrict {}", path.display())))
}

#[cfg(not(unix))]
fn restrict(_: &Path) -> anyhow::Result<()> {
    Ok(())
}
