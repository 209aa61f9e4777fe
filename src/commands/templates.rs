//! `dfworx templates export <dir>`: the embedded templates, written out to customise.

use std::path::Path;

use crate::error::{UserError, exit};
use crate::plan::{Action, FileChange, Plan};
use crate::printer::Printer;
use crate::staging::{self, Interrupt};
use crate::templates::TemplateSet;

pub fn export(dir: &Path, printer: &Printer, interrupt: &Interrupt) -> anyhow::Result<u8> {
    let target = std::env::current_dir()?.join(dir);
    if !staging::is_absent_or_empty_dir(&target)? {
        return Err(UserError::new(format!("{} already exists and is not empty", target.display()))
            .hint("export into a new directory")
            .into());
    }
    let set = TemplateSet::embedded()?;
    let plan = Plan {
        files: set
            .files
            .iter()
            .map(|f| FileChange {
                path: f.path.clone(),
                action: Action::Create,
                contents: f.contents.to_vec(),
                before: None,
                executable: false,
                owner: None,
            })
            .collect(),
    };
    staging::apply(&target, &plan, interrupt)?;
    printer.status("Exported", &format!("{} templates to {}", plan.files.len(), target.display()));
    printer.note(
        "Point a workspace at them with `templates: <dir>` in its dfworx.yaml (or `dfworx sync --templates <dir>`).",
    );
    Ok(exit::OK)
}
