//! `.dfworx/state.json`: what dfworx generated, so later commands can tell user edits from template
//! changes. Written by dfworx only; commit it with the workspace.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::disk::Disk;
use crate::error::UserError;
use crate::relpath::RelPath;
use crate::templates::Ownership;

pub const FILE_PATH: &str = ".dfworx/state.json";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The dfworx version that wrote this state.
    pub dfworx: String,
    /// The tenancy the workspace was created with: fixed, since its migrations are history. Written
    /// only when it is not the default, so a state from before the field existed reads as `org`.
    #[serde(default, skip_serializing_if = "is_default_tenancy")]
    pub tenancy: crate::stack::Tenancy,
    /// Every generated file, by path from the workspace root.
    pub files: BTreeMap<String, FileRecord>,
}

#[expect(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_default_tenancy(tenancy: &crate::stack::Tenancy) -> bool {
    *tenancy == crate::stack::Tenancy::default()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRecord {
    /// SHA-256 of the bytes dfworx wrote.
    pub sha256: String,
    pub owner: Ownership,
    pub template: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The text dfworx last rendered, kept for managed files so that a later sync can merge a user's
    /// edits with a template change (the base of the three-way merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Set when sync wrote conflict markers into the file; cleared once they are gone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
}

impl State {
    /// The saved state; `None` when there is none (or the file is empty). Every path in it is checked
    /// to lie inside the workspace: the file is committed, so a pull request can carry `../x`.
    pub fn load(disk: &Disk) -> anyhow::Result<Option<Self>> {
        let path = RelPath::parse(FILE_PATH, "dfworx")?;
        let shown = path.under(disk.root());
        let Some(text) = disk.read_text(&path)? else { return Ok(None) };
        if text.trim().is_empty() {
            return Ok(None);
        }
        let state: Self = serde_json::from_str(&text).map_err(|err| {
            UserError::new(format!("{} is damaged: {err}", shown.display()))
                .hint("restore it from git (`git checkout -- .dfworx/state.json`)")
        })?;
        for key in state.files.keys() {
            RelPath::parse(key, &format!("entry in {}", shown.display())).map_err(|e| {
                let hint = "restore it from git (`git checkout -- .dfworx/state.json`) or delete that entry; nothing was changed";
                UserError::new(e.message).hint(hint)
            })?;
        }
        Ok(Some(state))
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("state serialises");
        text.push('\n');
        text
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
