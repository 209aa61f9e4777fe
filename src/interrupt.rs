//! Ctrl-C, SIGTERM and SIGHUP: each only sets a flag, which long-running steps check, so an
//! interrupted command rolls its change back and exits with 130 instead of dying half-way.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{UserError, exit};

#[derive(Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// Installs the process's handler for SIGINT, SIGTERM and SIGHUP. Call once.
    pub fn install() -> Self {
        let flag = Self::default();
        let inner = Arc::clone(&flag.0);
        // If a handler is already installed (tests calling twice), the default behaviour stays.
        let _ = ctrlc::set_handler(move || inner.store(true, Ordering::SeqCst));
        flag
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// An error once a signal arrived: the caller unwinds (and rolls back) from there.
    pub fn check(&self) -> anyhow::Result<()> {
        if self.is_set() {
            return Err(interrupted().into());
        }
        Ok(())
    }
}

/// The error for an interrupted command: exit code 130, nothing changed.
pub fn interrupted() -> UserError {
    UserError { message: "interrupted; nothing was changed".into(), hint: None, code: exit::INTERRUPTED }
}
