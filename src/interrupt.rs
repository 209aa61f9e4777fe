//! Ctrl-C, SIGTERM and SIGHUP: each only sets a flag, which long-running steps check, so an
//! interrupted command rolls its change back and exits with 130 instead of dying half-way.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set while a question waits on the terminal. Nothing is written before the answers are in, so a
/// signal then ends the process at once: the read it would otherwise wait for may never return (a
/// Ctrl-C that arrives while the terminal is briefly out of raw mode is a SIGINT, not a key).
static PROMPTING: AtomicBool = AtomicBool::new(false);

use crate::error::{UserError, exit};

#[derive(Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// Installs the process's handler for SIGINT, SIGTERM and SIGHUP. Call once.
    pub fn install() -> Self {
        let flag = Self::default();
        let inner = Arc::clone(&flag.0);
        // If a handler is already installed (tests calling twice), the default behaviour stays.
        let _ = ctrlc::set_handler(move || {
            inner.store(true, Ordering::SeqCst);
            // The read usually fails with EINTR and the prompt reports it; if it is still waiting
            // a moment later, the signal was missed by it (see PROMPTING).
            if PROMPTING.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(150));
                if PROMPTING.load(Ordering::SeqCst) {
                    leave_prompt();
                }
            }
        });
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

/// Runs `ask` (a question on the terminal) so that a signal during it exits with 130 at once.
pub fn while_prompting<T>(ask: impl FnOnce() -> T) -> T {
    PROMPTING.store(true, Ordering::SeqCst);
    let answer = ask();
    PROMPTING.store(false, Ordering::SeqCst);
    answer
}

fn leave_prompt() -> ! {
    let _ = console::Term::stderr().show_cursor();
    eprintln!("\nerror: {}", interrupted().message);
    std::process::exit(i32::from(exit::INTERRUPTED));
}

/// The error for an interrupted command: exit code 130, nothing changed.
pub fn interrupted() -> UserError {
    UserError { message: "interrupted; nothing was changed".into(), hint: None, code: exit::INTERRUPTED }
}
