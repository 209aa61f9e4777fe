//! The one place that turns a failure into words and an exit code.
//!
//! Commands return `anyhow::Error`. Where a user can act on a failure, somewhere in its chain sits a
//! [`UserError`], which carries the hint and the exit code. Everything else is unexpected (exit 2).

use std::fmt;

/// Exit codes shared by every command. `migrate` adds its own, documented in README.md.
pub mod exit {
    pub const OK: u8 = 0;
    pub const USER: u8 = 1;
    pub const UNEXPECTED: u8 = 2;
    /// `migrate status --exit-code`: migrations are pending.
    pub const MIGRATE_PENDING: u8 = 3;
    /// `migrate`: an applied migration was edited or deleted, or a pending one is older than the newest applied.
    pub const MIGRATE_DRIFT: u8 = 4;
    /// `migrate`: another run held the migration lock for longer than --lock-timeout.
    pub const MIGRATE_LOCK_TIMEOUT: u8 = 5;
    /// `migrate`: cannot reach the database (bad URL, refused, unknown host, wrong password, no such database).
    pub const MIGRATE_CONNECTION: u8 = 6;
    /// `migrate`: a migration failed (rolled back) or the database refused dfworx's bookkeeping.
    pub const MIGRATE_FAILED: u8 = 7;
    /// Interrupted by Ctrl-C, SIGTERM or SIGHUP (128 + SIGINT, what shells expect); nothing was changed.
    pub const INTERRUPTED: u8 = 130;
}

/// An operating-system error while dfworx worked on a path: the user's environment (disk full,
/// read-only, permissions, a name too long), never a bug. `what` reads "write /x/y".
// By value: it is called as `.map_err(|e| io_error(e, …))`, where the error is the caller's to give.
#[allow(clippy::needless_pass_by_value)]
pub fn io_error(err: std::io::Error, what: &str) -> anyhow::Error {
    let hint = io_hint(&err);
    UserError::new(format!("cannot {what}: {err}")).hint(hint).into()
}

/// What to do about an operating-system error, by its kind.
fn io_hint(err: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match err.kind() {
        K::StorageFull | K::QuotaExceeded => "free some disk space, then run the command again".into(),
        K::ReadOnlyFilesystem => "the file system is read-only: work in a writable copy, or remount it read-write".into(),
        K::PermissionDenied => "check the owner and permissions of that path (`ls -ld`), then run the command again".into(),
        K::InvalidFilename => "the path is too long or holds a character this file system refuses: choose a shorter name or another location".into(),
        K::CrossesDevices => "part of the workspace is on another file system (a mount point inside it); dfworx moves files within one file system only".into(),
        K::NotFound => "check that the path exists (a dangling symbolic link counts as missing)".into(),
        K::BrokenPipe => "the program reading dfworx's output stopped early".into(),
        _ => "check the path and the file system, then run the command again".into(),
    }
}

/// A failure the user can fix: what went wrong, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub struct UserError {
    pub message: String,
    pub hint: Option<String>,
    pub code: u8,
}

impl fmt::Display for UserError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None, code: exit::USER }
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// `user_error!("bad {thing}")` builds a [`UserError`]; chain `.hint(…)` to say what to do.
#[macro_export]
macro_rules! user_error {
    ($($msg:tt)+) => { $crate::error::UserError::new(format!($($msg)+)) };
}

/// Prints `error:`, each cause on its own line, then `hint:`; returns the exit code.
///
/// A failure is the user's to fix (exit 1) when a [`UserError`] or an operating-system error sits
/// anywhere in its chain; only what is left is a bug in dfworx (exit 2).
pub fn report(err: &anyhow::Error, style: &crate::printer::Printer) -> u8 {
    let mut code = exit::UNEXPECTED;
    let mut hint = None;
    for cause in err.chain() {
        if let Some(user) = cause.downcast_ref::<UserError>() {
            code = user.code;
            if hint.is_none() {
                hint.clone_from(&user.hint);
            }
        } else if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if code == exit::UNEXPECTED {
                code = exit::USER;
            }
            if hint.is_none() {
                hint = Some(io_hint(io));
            }
        }
    }
    if is_broken_pipe(err) {
        // `dfworx sync --json | head -1`: the reader has what it wanted; say nothing more.
        return exit::USER;
    }
    let mut causes = err.chain();
    let head = causes.next().map(ToString::to_string).unwrap_or_default();
    style.error_line("error", &head);
    for cause in causes {
        for line in cause.to_string().lines() {
            style.raw(&format!("  {line}"));
        }
    }
    if let Some(hint) = hint {
        style.error_line("hint", &hint);
    }
    if code == exit::UNEXPECTED {
        style.raw("This looks like a bug in dfworx; please report it with the command you ran.");
    }
    code
}

/// Whether the failure is stdout closed under us (a pager or `head` that quit).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
