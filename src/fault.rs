//! Crash points for the crash tests: every rename, unlink, mkdir and write that changes a workspace
//! passes through [`point`]. With `DFWORX_TEST_CRASH_AT=<n>` the process dies at the n-th point as if
//! killed by SIGKILL (abort: no unwinding, no cleanup, no destructors) — or, with
//! `DFWORX_TEST_CRASH_SIGNAL=TERM|INT|HUP`, sends itself that signal there and carries on, as if a
//! user or a supervisor had sent it at that instant. With `DFWORX_TEST_CRASH_LOG=<file>` each point's
//! label is appended to that file, so a test learns how many points a command has. None of these
//! variables is set outside dfworx's own tests.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNT: AtomicUsize = AtomicUsize::new(0);

struct Settings {
    crash_at: Option<usize>,
    signal: Option<String>,
    log: Option<std::path::PathBuf>,
}

fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| Settings {
        crash_at: std::env::var("DFWORX_TEST_CRASH_AT").ok().and_then(|v| v.parse().ok()),
        signal: std::env::var("DFWORX_TEST_CRASH_SIGNAL").ok(),
        log: std::env::var_os("DFWORX_TEST_CRASH_LOG").map(Into::into),
    })
}

/// Called just before a change to the disk; `label` names it for the log ("rename apps/web/x").
pub fn point(label: impl FnOnce() -> String) {
    let settings = settings();
    if settings.crash_at.is_none() && settings.log.is_none() {
        return;
    }
    let n = COUNT.fetch_add(1, Ordering::SeqCst) + 1;
    if let Some(log) = &settings.log {
        use std::io::Write as _;
        if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(log) {
            let _ = writeln!(file, "{n} {}", label());
        }
    }
    if settings.crash_at == Some(n) {
        match settings.signal.as_deref() {
            None => std::process::abort(),
            Some(name) => raise(name),
        }
    }
}

#[cfg(unix)]
fn raise(name: &str) {
    use rustix::process::{Signal, getpid, kill_process};
    let signal = match name {
        "INT" => Signal::INT,
        "HUP" => Signal::HUP,
        _ => Signal::TERM,
    };
    let _ = kill_process(getpid(), signal);
    // Delivery is asynchronous: give the handler thread its moment, as a real signal would have.
    std::thread::sleep(std::time::Duration::from_millis(50));
}

#[cfg(not(unix))]
fn raise(_: &str) {
    std::process::abort();
}
