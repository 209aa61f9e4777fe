//! `dfworx doctor`: which tools are here, and what a workspace needs.

use std::process::Command;

use crate::printer::Printer;

struct Tool {
    name: &'static str,
    args: &'static [&'static str],
    needed_for: &'static str,
    install: &'static str,
}

const TOOLS: &[Tool] = &[
    Tool {
        name: "node",
        args: &["--version"],
        needed_for: "apps and TS packages (Node 24 LTS)",
        install: "https://nodejs.org or `nvm install 24` (the workspace has .nvmrc)",
    },
    Tool {
        name: "pnpm",
        args: &["--version"],
        needed_for: "installing the JS workspace (pnpm 10)",
        install: "npm install -g pnpm@10",
    },
    Tool {
        name: "uv",
        args: &["--version"],
        needed_for: "Python services and packages",
        install: "pip install uv  (or the installer from astral.sh)",
    },
    Tool {
        name: "python3",
        args: &["--version"],
        needed_for: "Python services (>= 3.11)",
        install: "your system's python3.11 package, or `uv python install 3.11`",
    },
    Tool {
        name: "psql",
        args: &["--version"],
        needed_for: "running supabase/tests (scripts/test-db.sh)",
        install: "your system's postgresql-client package",
    },
    Tool {
        name: "docker",
        args: &["--version"],
        needed_for: "infrastructure/docker compose files (optional locally)",
        install: "https://docs.docker.com/engine/install/",
    },
];

pub fn run(printer: &Printer) -> anyhow::Result<u8> {
    let mut missing = 0;
    for tool in TOOLS {
        if let Some(version) = version_of(tool) {
            printer.data(&format!("ok       {:<8} {version:<28} {}", tool.name, tool.needed_for))?;
        } else {
            missing += 1;
            printer.data(&format!("missing  {:<8} {:<28} {}", tool.name, "-", tool.needed_for))?;
            printer.note(&format!("         install: {}", tool.install));
        }
    }
    if missing == 0 {
        printer.note("Everything a dfworx workspace uses is installed.");
    } else {
        printer.note(&format!("{missing} tool(s) missing; see the install lines above."));
    }
    Ok(crate::error::exit::OK)
}

fn version_of(tool: &Tool) -> Option<String> {
    let output = Command::new(tool.name).args(tool.args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().next()?.trim();
    let version = line.split_whitespace().find(|w| w.trim_start_matches('v').starts_with(|c: char| c.is_ascii_digit()));
    Some(version.unwrap_or(line).trim_end_matches(',').to_string())
}
