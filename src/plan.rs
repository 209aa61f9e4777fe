//! A plan is every file write a command will make, as data: printed by `--dry-run` and `--check`,
//! executed by [`crate::staging`]. Check and write share it, so they can never disagree.

use serde::Serialize;

use crate::journal::Change;
use crate::printer::Printer;
use crate::relpath::RelPath;
use crate::templates::Ownership;

/// What happens to one path, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The file does not exist yet: write it.
    Create,
    /// The template changed and the user did not: overwrite.
    Update,
    /// Both changed and the three-way merge is clean: write the merge.
    Merge,
    /// Both changed and the merge conflicts: write it with conflict markers.
    Conflict,
    /// Conflict markers from an earlier sync are still in the file: nothing written.
    Unresolved,
    /// A file dfworx never generated sits at this path with other content: nothing written.
    Taken,
    /// A managed file nothing renders any more, unedited: delete it.
    Remove,
    /// The file already holds exactly these bytes.
    Unchanged,
    /// The user edited a managed file and the template did not change: keep the edit.
    KeptEdit,
    /// The user deleted a generated file: it stays deleted (`--restore` brings it back).
    Deleted,
    /// No longer generated but edited or user-owned: left in place, no longer tracked.
    Orphaned,
    /// Seeded or append-only and already created: the user's now, never touched.
    Owned,
}

impl Action {
    pub fn label(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update",
            Self::Merge => "merge",
            Self::Conflict => "conflict",
            Self::Unresolved => "unresolved",
            Self::Taken => "taken",
            Self::Remove => "remove",
            Self::Unchanged => "unchanged",
            Self::KeptEdit => "kept-edit",
            Self::Deleted => "deleted",
            Self::Orphaned => "orphaned",
            Self::Owned => "owned",
        }
    }

    /// Whether applying the plan touches this path on disk.
    pub fn writes(self) -> bool {
        matches!(self, Self::Create | Self::Update | Self::Merge | Self::Conflict | Self::Remove)
    }

    pub fn is_conflict(self) -> bool {
        matches!(self, Self::Conflict | Self::Unresolved | Self::Taken)
    }

    /// Worth a line in a plan listing: something happens, or something needs the user's eye.
    pub fn is_notable(self) -> bool {
        !matches!(self, Self::Unchanged | Self::Owned)
    }
}

#[derive(Clone, Debug)]
pub struct FileChange {
    /// Path from the workspace root.
    pub path: RelPath,
    pub action: Action,
    /// The bytes to write (empty for actions that write nothing or remove).
    pub contents: Vec<u8>,
    /// What is on disk now, when the plan read it (for diffs).
    pub before: Option<Vec<u8>>,
    pub executable: bool,
    /// `None` for dfworx's own bookkeeping files (manifest, state).
    pub owner: Option<Ownership>,
}

#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub files: Vec<FileChange>,
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    path: &'a str,
    owner: &'a str,
    action: Action,
    writes: bool,
}

impl Plan {
    pub fn writes(&self) -> impl Iterator<Item = &FileChange> {
        self.files.iter().filter(|f| f.action.writes())
    }

    /// What applying the plan does to the disk, for [`crate::journal::apply`].
    pub fn changes(&self) -> Vec<Change> {
        self.writes()
            .map(|f| Change {
                path: f.path.clone(),
                contents: (f.action != Action::Remove).then(|| f.contents.clone()),
                executable: f.executable,
            })
            .collect()
    }

    pub fn count(&self, action: Action) -> usize {
        self.files.iter().filter(|f| f.action == action).count()
    }

    pub fn has_changes(&self) -> bool {
        self.files.iter().any(|f| f.action.writes())
    }

    pub fn conflicts(&self) -> impl Iterator<Item = &FileChange> {
        self.files.iter().filter(|f| f.action.is_conflict())
    }

    /// One `action owner path` line per file on stdout (all files, or only notable ones), and a
    /// summary on stderr.
    pub fn print(&self, printer: &Printer, all: bool) -> std::io::Result<()> {
        for file in self.files.iter().filter(|f| all || f.action.is_notable()) {
            let owner = file.owner.map_or("dfworx", Ownership::label);
            printer.data(&format!("{:<10} {:<11} {}", file.action.label(), owner, file.path))?;
        }
        printer.note(&self.summary());
        Ok(())
    }

    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for action in [
            Action::Create,
            Action::Update,
            Action::Merge,
            Action::Conflict,
            Action::Unresolved,
            Action::Taken,
            Action::Remove,
            Action::KeptEdit,
            Action::Deleted,
            Action::Orphaned,
            Action::Unchanged,
            Action::Owned,
        ] {
            let n = self.count(action);
            if n > 0 {
                parts.push(format!("{n} {}", action.label()));
            }
        }
        format!("{} files: {}", self.files.len(), parts.join(", "))
    }

    pub fn to_json(&self) -> String {
        let entries: Vec<JsonEntry> = self
            .files
            .iter()
            .map(|f| JsonEntry {
                path: f.path.as_str(),
                owner: f.owner.map_or("dfworx", Ownership::label),
                action: f.action,
                writes: f.action.writes(),
            })
            .collect();
        serde_json::to_string_pretty(&entries).expect("plan serialises")
    }

    /// Unified diffs of every write, old → new.
    pub fn diffs(&self) -> String {
        let mut out = String::new();
        // dfworx's own state is bookkeeping, not something a user reviews line by line.
        for file in self.writes().filter(|f| f.path.as_str() != crate::state::FILE_PATH) {
            let before = file.before.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
            let after = if file.action == Action::Remove {
                std::borrow::Cow::default()
            } else {
                String::from_utf8_lossy(&file.contents)
            };
            let old = if file.before.is_some() { format!("a/{}", file.path) } else { "/dev/null".into() };
            let new = if file.action == Action::Remove { "/dev/null".into() } else { format!("b/{}", file.path) };
            let patch = diffy::DiffOptions::new()
                .set_context_len(3)
                .set_original_filename(old)
                .set_modified_filename(new)
                .create_patch(&before, &after);
            // Same bytes (an empty file created, say): diffy would still print the two file names.
            if !patch.hunks().is_empty() {
                out.push_str(&patch.to_string());
            }
        }
        out
    }
}
