//! Finding the workspace a command runs in: `-C <dir>`, else the current directory, walking up to the
//! nearest `dfworx.yaml` (the way cargo finds `Cargo.toml`).

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::error::UserError;
use crate::manifest::{self, Manifest};

pub struct Workspace {
    pub root: PathBuf,
    pub manifest: Manifest,
}

impl Workspace {
    pub fn find(dir: Option<&Path>) -> anyhow::Result<Self> {
        let start = match dir {
            Some(dir) => std::env::current_dir().context("cannot read the current directory")?.join(dir),
            None => std::env::current_dir().context("cannot read the current directory")?,
        };
        let root = start
            .ancestors()
            .find(|d| d.join(manifest::FILE_NAME).is_file())
            .ok_or_else(|| {
                UserError::new(format!(
                    "{} is not inside a dfworx workspace (no {} here or above)",
                    start.display(),
                    manifest::FILE_NAME
                ))
                .hint("run this inside a workspace, pass -C <dir>, or create one with `dfworx new <dir>`")
            })?
            .to_path_buf();
        let manifest = Manifest::load(&root)?;
        Ok(Self { root, manifest })
    }
}
