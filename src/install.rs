//! `--install`: run the workspace's package managers, one spinner per step, output kept in a log that
//! is shown when a step fails. A failed install never undoes the workspace.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::error::UserError;
use crate::printer::{Printer, Verbosity};

pub struct Step {
    pub label: &'static str,
    pub program: &'static str,
    pub args: &'static [&'static str],
}

pub const STEPS: &[Step] = &[
    Step { label: "pnpm install", program: "pnpm", args: &["install"] },
    Step { label: "uv sync", program: "uv", args: &["sync"] },
    // The typed API client is generated from what the auth service serves, which needs both installs.
    Step { label: "api-client generate", program: "pnpm", args: &["--filter", "./packages/api-client", "generate"] },
    // Each NestJS service's own typed client, from the document it serves (no-op without one).
    Step { label: "service clients", program: "pnpm", args: &["--recursive", "--if-present", "run", "client"] },
];

pub fn run(dir: &Path, printer: &Printer) -> anyhow::Result<()> {
    for step in STEPS {
        let log = log_path(step);
        let spinner = spinner(printer, step.label);
        let status = std::fs::File::create(&log).and_then(|file| {
            let err = file.try_clone()?;
            Command::new(step.program)
                .args(step.args)
                .current_dir(dir)
                .env("UV_PYTHON_DOWNLOADS", std::env::var("UV_PYTHON_DOWNLOADS").unwrap_or_else(|_| "manual".into()))
                .stdin(Stdio::null())
                .stdout(file)
                .stderr(err)
                .status()
        });
        if let Some(spinner) = spinner {
            spinner.finish_and_clear();
        }
        let retry = format!("cd {} && {} {}", dir.display(), step.program, step.args.join(" "));
        match status {
            Ok(status) if status.success() => printer.status("Installed", step.label),
            Ok(status) => {
                let output = std::fs::read_to_string(&log).unwrap_or_default();
                let tail: Vec<&str> = output.lines().rev().take(30).collect();
                for line in tail.into_iter().rev() {
                    printer.raw(line);
                }
                return Err(UserError::new(format!(
                    "`{}` failed ({status}); the workspace was created, only the install failed",
                    step.label
                ))
                .hint(format!(
                    "full log: {}; fix the cause, retry with `{retry}`, then commit pnpm-lock.yaml and uv.lock",
                    log.display()
                ))
                .into());
            }
            Err(err) => {
                return Err(UserError::new(format!("cannot run `{}`: {err}", step.label))
                    .hint(format!("install {} (see `dfworx doctor`), then run `{retry}`", step.program))
                    .into());
            }
        }
    }
    Ok(())
}

fn log_path(step: &Step) -> PathBuf {
    std::env::temp_dir().join(format!("dfworx-{}-{}.log", step.program, std::process::id()))
}

fn spinner(printer: &Printer, label: &str) -> Option<indicatif::ProgressBar> {
    if printer.verbosity == Verbosity::Quiet || !printer.is_terminal() {
        printer.status("Running", label);
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message(format!("Running {label}…"));
    bar.enable_steady_tick(Duration::from_millis(100));
    Some(bar)
}
