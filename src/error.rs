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
pub fn report(err: &anyhow::Error, style: &crate::printer::Printer) -> u8 {
    let mut code = exit::UNEXPECTED;
    let mut hint = None;
    for cause in err.chain() {
        if let Some(user) = cause.downcast_ref::<UserError>() {
            code = user.code;
            if hint.is_none() {
                hint.clone_from(&user.hint);
            }
        }
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
