//! The template set: embedded in the binary, or read from a directory the user exported and edited.
//!
//! Layout and naming rules are documented in `docs/templates.md`.

use std::borrow::Cow;

use anyhow::Context as _;
use globset::{Glob, GlobSet, GlobSetBuilder};
use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};

use crate::disk::{Disk, Entry};
use crate::error::UserError;
use crate::relpath::RelPath;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/templates");

const OWNERSHIP_FILE: &str = "ownership.yaml";
use crate::roots::ROOTS_FILE;
pub const RENDER_SUFFIX: &str = ".tera";

/// The layout of a template set exported before `roots.yaml` existed (tenancy org only, every
/// migration in `migrations/shared/` and `migrations/app/`).
const LEGACY_ROOTS: &str = "roots:
  - { dir: workspace, for: workspace }
  - { dir: app, for: app }
  - { dir: service, for: service }
  - { dir: service-auth, for: service, when: { owns_auth: true } }
  - { dir: service-resource, for: service, when: { owns_auth: false } }
  - { dir: package-ts, for: package, when: { lang: ts } }
  - { dir: package-python, for: package, when: { lang: python } }
  - { dir: migrations/shared, for: migrations }
  - { dir: migrations/app, for: app-migrations }
";
/// Far more than any template set needs (the embedded one has about 130 files, 300 KiB).
const MAX_FILES: usize = 5_000;
const MAX_BYTES: u64 = 64 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Ownership {
    Managed,
    Seeded,
    AppendOnly,
}

impl Ownership {
    pub fn label(self) -> &'static str {
        match self {
            Self::Managed => "managed",
            Self::Seeded => "seeded",
            Self::AppendOnly => "append-only",
        }
    }
}

/// One file of the template set. `path` is relative to the set's root, with `/` separators.
pub struct TemplateFile {
    pub path: String,
    pub contents: Cow<'static, [u8]>,
}

impl TemplateFile {
    pub fn is_rendered(&self) -> bool {
        self.path.ends_with(RENDER_SUFFIX)
    }

    /// The path below its root, as it lands: `.tera` dropped, `dot-x` → `.x`, unit module dirs named.
    pub fn output_path(&self, root_dir: &str, unit_snake: Option<&str>) -> String {
        let below = &self.path[root_dir.len()..];
        let below = below.strip_suffix(RENDER_SUFFIX).unwrap_or(below);
        below
            .split('/')
            .map(|part| {
                if part == "__unit_snake__" {
                    Cow::Owned(unit_snake.unwrap_or(part).to_string())
                } else if let Some(rest) = part.strip_prefix("dot-") {
                    Cow::Owned(format!(".{rest}"))
                } else {
                    Cow::Borrowed(part)
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnershipFile {
    rules: Vec<OwnershipRule>,
    default: Ownership,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnershipRule {
    path: String,
    owner: Ownership,
}

pub struct OwnershipRules {
    globs: GlobSet,
    owners: Vec<Ownership>,
    default: Ownership,
}

impl OwnershipRules {
    fn parse(text: &str, origin: &str) -> anyhow::Result<Self> {
        let file: OwnershipFile = serde_saphyr::from_str(text)
            .map_err(|err| UserError::new(format!("{origin} is not a valid ownership file:\n{err}")))?;
        let mut builder = GlobSetBuilder::new();
        for rule in &file.rules {
            builder.add(Glob::new(&rule.path).with_context(|| format!("bad path pattern in {origin}"))?);
        }
        Ok(Self {
            globs: builder.build()?,
            owners: file.rules.iter().map(|r| r.owner).collect(),
            default: file.default,
        })
    }

    pub fn owner_of(&self, path: &str) -> Ownership {
        self.globs.matches(path).first().map_or(self.default, |&index| self.owners[index])
    }
}

pub struct TemplateSet {
    pub files: Vec<TemplateFile>,
    pub ownership: OwnershipRules,
    /// `roots.yaml`: which directories render, for what, when.
    pub roots: Vec<crate::roots::Root>,
    /// For each root (same order as `roots`), the indices of its files in `files`, computed once:
    /// rendering asks for a root's files once per unit.
    by_root: Vec<Vec<usize>>,
    /// Where the set came from, for error messages: "embedded templates" or a directory.
    pub origin: String,
}

impl TemplateSet {
    pub fn embedded() -> anyhow::Result<Self> {
        let mut files = Vec::new();
        collect_embedded(&EMBEDDED, &mut files);
        Self::from_files(files, "embedded templates".into())
    }

    /// A directory inside the workspace laid out like `templates/` (for example made by
    /// `dfworx templates export`). It must hold `ownership.yaml` at its top, nothing in it may be a
    /// symlink, and it is read only up to [`MAX_FILES`] files and [`MAX_BYTES`] bytes — `templates: /usr`
    /// or a typo pointing at a huge tree is refused, not read into memory.
    pub fn from_dir(disk: &Disk, dir: &RelPath) -> anyhow::Result<Self> {
        let full = dir.under(disk.root());
        if disk.entry(dir)? != Entry::Dir {
            return Err(UserError::new(format!("template directory {} does not exist", full.display()))
                .hint("create it with `dfworx templates export <dir>`, or fix the `templates:` option in dfworx.yaml")
                .into());
        }
        let ownership = RelPath::parse(&format!("{dir}/{OWNERSHIP_FILE}"), "dfworx")?;
        if disk.entry(&ownership)? != Entry::File {
            return Err(UserError::new(format!(
                "{} is not a template directory: it has no {OWNERSHIP_FILE}",
                full.display()
            ))
            .hint("point `templates:` (or --templates) at a directory made by `dfworx templates export <dir>`")
            .into());
        }
        let mut files = Vec::new();
        let mut bytes = 0u64;
        for entry in walkdir::WalkDir::new(&full).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot read templates in {}", full.display()))?;
            let relative = entry.path().strip_prefix(&full).expect("walkdir yields paths below its root");
            let path = relative.to_string_lossy().replace('\\', "/");
            if entry.path_is_symlink() {
                return Err(UserError::new(format!(
                    "{dir}/{path} is a symbolic link; templates are read only from real files"
                ))
                .hint("replace the link with the file it points to")
                .into());
            }
            if !entry.file_type().is_file() {
                continue;
            }
            bytes += entry.metadata().map_or(0, |m| m.len());
            if files.len() >= MAX_FILES || bytes > MAX_BYTES {
                return Err(UserError::new(format!(
                    "{} holds more than {MAX_FILES} files or {} MiB: that is not a template directory",
                    full.display(),
                    MAX_BYTES >> 20
                ))
                .hint("point `templates:` (or --templates) at a directory made by `dfworx templates export <dir>`")
                .into());
            }
            let contents = std::fs::read(entry.path())
                .map_err(|e| crate::error::io_error(e, &format!("read {}", entry.path().display())))?;
            files.push(TemplateFile { path, contents: Cow::Owned(contents) });
        }
        Self::from_files(files, full.display().to_string())
    }

    pub(crate) fn from_files(mut files: Vec<TemplateFile>, origin: String) -> anyhow::Result<Self> {
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let ownership_text = files
            .iter()
            .find(|f| f.path == OWNERSHIP_FILE)
            .map(|f| String::from_utf8_lossy(&f.contents).into_owned())
            .ok_or_else(|| UserError::new(format!("{origin} has no {OWNERSHIP_FILE}")))?;
        let ownership = OwnershipRules::parse(&ownership_text, &format!("{origin}/{OWNERSHIP_FILE}"))?;
        // A set exported before the table existed has none: it is laid out as the table said then.
        let (roots_text, roots_origin) = if let Some(f) = files.iter().find(|f| f.path == ROOTS_FILE) {
            (String::from_utf8_lossy(&f.contents).into_owned(), format!("{origin}/{ROOTS_FILE}"))
        } else {
            (LEGACY_ROOTS.to_string(), format!("the {ROOTS_FILE} of a set without one"))
        };
        let roots = crate::roots::parse(&roots_text, &roots_origin)?;
        if let Some(stray) = files.iter().find(|f| {
            f.path != OWNERSHIP_FILE && f.path != ROOTS_FILE && crate::roots::owner(&roots, &f.path).is_none()
        }) {
            return Err(UserError::new(format!(
                "template {} in {origin} is in no directory of {ROOTS_FILE}, so nothing would render it",
                stray.path
            ))
            .hint(format!("move it into a template directory, or add its directory to {ROOTS_FILE}"))
            .into());
        }
        // Only `.tera` files are templates Tera knows: anything else in an include-only directory
        // could be neither included nor rendered.
        if let Some(inert) = files.iter().find(|f| {
            !f.is_rendered()
                && crate::roots::owner(&roots, &f.path).is_some_and(|r| r.each == crate::roots::Each::Include)
        }) {
            return Err(UserError::new(format!(
                "template {} in {origin} is in an include-only directory but does not end in {RENDER_SUFFIX}, \
                 so no template can include it",
                inert.path
            ))
            .hint(format!("rename it to {}{RENDER_SUFFIX}, or move it to a directory that is rendered", inert.path))
            .into());
        }
        let mut by_root = vec![Vec::new(); roots.len()];
        for (index, file) in files.iter().enumerate() {
            if let Some(root) = crate::roots::owner(&roots, &file.path) {
                let at = roots.iter().position(|r| std::ptr::eq(r, root)).expect("a root of this table");
                by_root[at].push(index);
            }
        }
        Ok(Self { files, ownership, roots, by_root, origin })
    }

    /// The files of one root (not those of a deeper root inside it), in path order.
    pub fn under<'s>(&'s self, root: &'s crate::roots::Root) -> impl Iterator<Item = &'s TemplateFile> {
        let at = self.roots.iter().position(|r| r.dir == root.dir);
        at.map(|at| self.by_root[at].as_slice()).unwrap_or_default().iter().map(|&index| &self.files[index])
    }
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut Vec<TemplateFile>) {
    for file in dir.files() {
        out.push(TemplateFile {
            path: file.path().to_string_lossy().replace('\\', "/"),
            contents: Cow::Borrowed(file.contents()),
        });
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> TemplateFile {
        TemplateFile { path: path.into(), contents: Cow::Borrowed(b"") }
    }

    #[test]
    fn output_paths_drop_the_suffix_and_map_dotfiles() {
        assert_eq!(file("workspace/dot-gitignore").output_path("workspace/", None), ".gitignore");
        assert_eq!(
            file("workspace/dot-github/workflows/ci.yml.tera").output_path("workspace/", None),
            ".github/workflows/ci.yml"
        );
        assert_eq!(
            file("service/src/__unit_snake__/main.py").output_path("service/", Some("auth_service")),
            "src/auth_service/main.py"
        );
    }

    #[test]
    fn the_embedded_ownership_rules_parse_and_match() {
        let set = TemplateSet::embedded().unwrap();
        assert_eq!(set.ownership.owner_of("supabase/migrations/1_x.sql"), Ownership::AppendOnly);
        assert_eq!(set.ownership.owner_of("apps/web/app/page.tsx"), Ownership::Seeded);
        assert_eq!(set.ownership.owner_of("infrastructure/docker/compose.yaml"), Ownership::Managed);
    }

    #[test]
    fn a_set_exported_before_the_root_table_keeps_its_layout() {
        let mut files: Vec<TemplateFile> = [
            "workspace/README.md",
            "migrations/shared/02_public_schema.sql.tera",
            "migrations/app/schema.sql.tera",
            "service-auth/src/auth.py",
        ]
        .into_iter()
        .map(file)
        .collect();
        files.push(TemplateFile {
            path: OWNERSHIP_FILE.into(),
            contents: Cow::Borrowed(b"rules: []\ndefault: managed\n"),
        });
        let set = TemplateSet::from_files(files, "old".into()).unwrap();
        let owner = |path: &str| crate::roots::owner(&set.roots, path).unwrap().dir.clone();
        assert_eq!(owner("migrations/app/schema.sql.tera"), "migrations/app/");
        assert_eq!(owner("migrations/shared/02_public_schema.sql.tera"), "migrations/shared/");
    }
}
