//! `dfworx templates export <dir>`: the embedded templates, written out to customise.

use std::path::Path;

use crate::error::exit;
use crate::fresh::{self, Claim};
use crate::interrupt::Interrupt;
use crate::journal::{self, Change};
use crate::printer::Printer;
use crate::relpath::RelPath;
use crate::templates::TemplateSet;

pub fn export(dir: &Path, printer: &Printer, interrupt: &Interrupt) -> anyhow::Result<u8> {
    let target = fresh::absolute(dir)?;
    fresh::repair(&target, printer)?;
    if !fresh::is_empty(&target)? {
        return Err(fresh::not_empty(&target));
    }
    let set = TemplateSet::embedded()?;
    let mut changes = Vec::with_capacity(set.files.len());
    for file in &set.files {
        let path = RelPath::parse(&file.path, "embedded template")?;
        changes.push(Change { path, contents: Some(file.contents.to_vec()), executable: false });
    }
    let mut claim = Claim::take(&target, false, printer)?;
    if let Err(err) = journal::apply(&claim.disk, &changes, &crate::cli::command_line(), interrupt) {
        claim.abandon();
        return Err(err);
    }
    claim.release();
    printer.status("Exported", &format!("{} templates to {}", changes.len(), target.display()));
    printer.note(
        "Point a workspace at them with `templates: <dir>` in its dfworx.yaml (or `dfworx sync --templates <dir>`).",
    );
    Ok(exit::OK)
}
