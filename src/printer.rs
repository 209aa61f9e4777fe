//! Everything dfworx says goes through a `Printer`: status lines to stderr (right-aligned verbs, colour
//! only on a terminal and without `NO_COLOR`), data to stdout.
//!
//! Writing data returns its error: a closed stdout (`dfworx sync --json | head -1`) ends the command
//! quietly instead of panicking. Messages to stderr are best effort: with stderr closed there is
//! nowhere left to complain.

use std::io::Write as _;

use console::{Style, Term};

/// One line to stderr, ignoring failure (see the module comment).
fn to_stderr(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

#[derive(Clone, Debug)]
// Every output goes through a `Printer`, even where (stdout, raw stderr) it needs none of its fields:
// one place to change how dfworx talks.
pub struct Printer {
    pub verbosity: Verbosity,
    colour: bool,
}

#[allow(clippy::unused_self)] // see the comment on `Printer`
impl Printer {
    pub fn new(verbosity: Verbosity) -> Self {
        // `console` already honours NO_COLOR and CLICOLOR; it decides per stream.
        let colour = console::colors_enabled_stderr() && Term::stderr().is_term();
        Self { verbosity, colour }
    }

    fn paint(&self, style: &Style, text: &str) -> String {
        if self.colour { style.apply_to(text).to_string() } else { text.to_string() }
    }

    /// `    Creating apps/web/package.json`
    pub fn status(&self, verb: &str, rest: &str) {
        if self.verbosity >= Verbosity::Normal {
            let verb = self.paint(&Style::new().green().bold(), &format!("{verb:>12}"));
            to_stderr(format_args!("{verb} {rest}"));
        }
    }

    /// Like `status`, but only with `--verbose`.
    pub fn detail(&self, verb: &str, rest: &str) {
        if self.verbosity >= Verbosity::Verbose {
            let verb = self.paint(&Style::new().cyan(), &format!("{verb:>12}"));
            to_stderr(format_args!("{verb} {rest}"));
        }
    }

    pub fn warn(&self, message: &str) {
        if self.verbosity >= Verbosity::Normal {
            let label = self.paint(&Style::new().yellow().bold(), "warning");
            to_stderr(format_args!("{label}: {message}"));
        }
    }

    /// Free text for people (next steps, tables meant for reading): stderr, hidden by `--quiet`.
    pub fn note(&self, text: &str) {
        if self.verbosity >= Verbosity::Normal {
            to_stderr(format_args!("{text}"));
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint(&Style::new().bold(), text)
    }

    /// Data for programs: always stdout, never coloured, never hidden.
    pub fn data(&self, text: &str) -> std::io::Result<()> {
        self.bytes(format!("{text}\n").as_bytes())
    }

    /// Raw bytes for programs (completion scripts), on stdout.
    pub fn bytes(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes)?;
        out.flush()
    }

    pub(crate) fn error_line(&self, label: &str, text: &str) {
        let style = if label == "error" { Style::new().red().bold() } else { Style::new().cyan().bold() };
        to_stderr(format_args!("{}: {text}", self.paint(&style, label)));
    }

    pub fn raw(&self, text: &str) {
        to_stderr(format_args!("{text}"));
    }

    pub fn is_terminal(&self) -> bool {
        Term::stderr().is_term()
    }
}
