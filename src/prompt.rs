//! Questions on a terminal, each answer validated as it is typed.

use dialoguer::{Confirm, Input, MultiSelect, Select};

use crate::interrupt::while_prompting;
use crate::names::{self, NameRole};

/// Whether we may ask: stdin and stderr are terminals and the user did not say `--yes`.
pub fn allowed(yes: bool) -> bool {
    use std::io::IsTerminal as _;
    !yes && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

pub fn name(role: NameRole, question: &str, default: &str) -> anyhow::Result<String> {
    let mut input = Input::<String>::new().with_prompt(question);
    if names::validate(role, default).is_ok() {
        input = input.default(default.to_string());
    }
    let input = input.validate_with(|value: &String| names::validate(role, value.trim()).map_err(|e| render(&e)));
    let answer = while_prompting(|| input.interact_text()).map_err(failed)?;
    Ok(answer.trim().to_string())
}

/// A comma-separated list of names; empty is allowed when `allow_empty`.
pub fn names(role: NameRole, question: &str, default: &str, allow_empty: bool) -> anyhow::Result<Vec<String>> {
    let input = Input::<String>::new()
        .with_prompt(format!("{question} (comma-separated)"))
        .default(default.to_string())
        .allow_empty(allow_empty)
        .validate_with(|value: &String| -> Result<(), String> {
            for name in split(value) {
                names::validate(role, &name).map_err(|e| render(&e))?;
            }
            Ok(())
        });
    let answer = while_prompting(|| input.interact_text()).map_err(failed)?;
    Ok(split(&answer))
}

/// One of `items` (arrow keys, enter); the index of the chosen one.
pub fn select(question: &str, items: &[String], default: usize) -> anyhow::Result<usize> {
    let select = Select::new().with_prompt(question).items(items).default(default);
    while_prompting(|| select.interact()).map_err(failed)
}

/// Any of `items` (space toggles, enter confirms), none chosen at first; the chosen indices.
pub fn select_many(question: &str, items: &[String]) -> anyhow::Result<Vec<usize>> {
    let select = MultiSelect::new().with_prompt(format!("{question} (space to choose, enter to go on)")).items(items);
    while_prompting(|| select.interact()).map_err(failed)
}

pub fn confirm(question: &str, default: bool) -> anyhow::Result<bool> {
    let confirm = Confirm::new().with_prompt(question).default(default);
    while_prompting(|| confirm.interact()).map_err(failed)
}

/// Ctrl-C at a prompt is the user leaving (exit 130, nothing written yet); any other failure to read
/// the terminal is the environment's, not a bug.
fn failed(err: dialoguer::Error) -> anyhow::Error {
    let dialoguer::Error::IO(io) = err;
    if io.kind() == std::io::ErrorKind::Interrupted {
        return crate::interrupt::interrupted().into();
    }
    crate::error::io_error(io, "read your answer from the terminal")
}

fn split(list: &str) -> Vec<String> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn render(err: &crate::error::UserError) -> String {
    match &err.hint {
        Some(hint) => format!("{} ({hint})", err.message),
        None => err.message.clone(),
    }
}
