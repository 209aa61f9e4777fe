//! `.dfworx/state.json`: what dfworx generated, so later commands can tell user edits from template
//! changes. Written by dfworx only; commit it with the workspace.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::UserError;
use crate::templates::Ownership;

pub const FILE_PATH: &str = ".dfworx/state.json";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    /// The dfworx version that wrote this state.
    pub dfworx: String,
    /// Every generated file, by path from the workspace root.
    pub files: BTreeMap<String, FileRecord>,
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
    pub fn load(root: &Path) -> anyhow::Result<Option<Self>> {
        let path = root.join(FILE_PATH);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
        };
        serde_json::from_str(&text).map(Some).map_err(|err| {
            UserError::new(format!("{} is damaged: {err}", path.display()))
                .hint("restore it from git (`git checkout -- .dfworx/state.json`)")
                .into()
        })
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("state serialises");
        text.push('\n');
        text
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}
