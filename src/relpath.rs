//! A path inside the workspace, as dfworx accepts it from anywhere (state, manifest, templates, argv):
//! relative, normalised, `/`-separated, every component an ordinary name. Everything that reaches the
//! disk goes through one, so a `../x` in a committed `.dfworx/state.json` is refused before any action.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::error::UserError;
use crate::names::shown;

/// Longest path dfworx writes; `PATH_MAX` on Linux is 4096 bytes, and Windows tools choke far earlier.
const MAX_LEN: usize = 1024;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelPath(String);

impl RelPath {
    /// Checks `text` as a path inside the workspace. `origin` says where it came from, for the error
    /// ("entry in .dfworx/state.json", "`templates:` in dfworx.yaml").
    pub fn parse(text: &str, origin: &str) -> Result<Self, UserError> {
        let refuse = |why: &str| {
            UserError::new(format!("{origin}: \"{}\" is not a path inside the workspace: {why}", shown(text)))
                .hint("paths dfworx reads or writes are relative to the workspace root, without `..`, `.` or a leading `/`; fix or remove that entry")
        };
        if text.is_empty() {
            return Err(refuse("it is empty"));
        }
        if text.len() > MAX_LEN {
            return Err(refuse(&format!("it is longer than {MAX_LEN} bytes")));
        }
        if text.starts_with('/') || text.starts_with('\\') || Path::new(text).is_absolute() || has_drive(text) {
            return Err(refuse("it is absolute"));
        }
        if text.contains('\\') {
            return Err(refuse("it contains a backslash"));
        }
        if text.chars().any(char::is_control) {
            return Err(refuse("it contains a control character"));
        }
        for part in text.split('/') {
            match part {
                "" => return Err(refuse("it has an empty component (`//` or a trailing `/`)")),
                "." | ".." => return Err(refuse(&format!("it has a `{part}` component"))),
                _ => {}
            }
        }
        Ok(Self(text.to_string()))
    }

    /// A path relative to `root` from an absolute or relative filesystem path (argv). The path must
    /// lie inside `root`; it need not exist.
    pub fn inside(root: &Path, path: &Path, origin: &str) -> Result<Self, UserError> {
        let absolute = if path.is_absolute() { path.to_path_buf() } else { root.join(path) };
        let mut parts: Vec<String> = Vec::new();
        let outside = || {
            UserError::new(format!("{origin}: {} is outside the workspace {}", path.display(), root.display()))
                .hint("give a directory inside the workspace")
        };
        let below = normalise(&absolute).ok_or_else(outside)?;
        let rel = below.strip_prefix(normalise(root).unwrap_or_else(|| root.to_path_buf())).map_err(|_| outside())?;
        for component in rel.components() {
            match component {
                Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
                _ => return Err(outside()),
            }
        }
        if parts.is_empty() {
            return Err(UserError::new(format!("{origin}: {} is the workspace root itself", path.display()))
                .hint("give a directory inside the workspace"));
        }
        Self::parse(&parts.join("/"), origin)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path below `root` on this machine.
    pub fn under(&self, root: &Path) -> PathBuf {
        let mut path = root.to_path_buf();
        path.extend(self.0.split('/'));
        path
    }

    /// Every proper ancestor, shortest first: `a/b/c` → `a`, `a/b`.
    pub fn ancestors(&self) -> impl Iterator<Item = &str> {
        self.0.match_indices('/').map(|(at, _)| &self.0[..at])
    }

    pub fn parent(&self) -> Option<&str> {
        self.0.rsplit_once('/').map(|(parent, _)| parent)
    }
}

impl fmt::Display for RelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `C:x` or `C:\x`: absolute or drive-relative on Windows, and never a name dfworx writes.
fn has_drive(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':'
}

/// Resolves `.` and `..` lexically (no filesystem access, no symlinks followed); `None` if `..` would
/// climb above the filesystem root.
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_relative_paths_pass() {
        for ok in ["a", "apps/web/package.json", ".dfworx/state.json", "supabase/migrations/1_x.sql", "a b/ü"] {
            assert_eq!(RelPath::parse(ok, "test").unwrap().as_str(), ok);
        }
    }

    #[test]
    fn every_way_out_of_the_root_is_refused_with_the_reason() {
        let cases = [
            ("", "empty"),
            ("../important.txt", "`..`"),
            ("apps/web/../../../x", "`..`"),
            ("./a", "`.`"),
            ("/etc/passwd", "absolute"),
            ("C:\\x", "absolute"),
            ("c:x", "absolute"),
            ("a\\..\\b", "backslash"),
            ("a//b", "empty component"),
            ("a/", "empty component"),
            ("a/\u{1b}[31m", "control"),
        ];
        for (bad, why) in cases {
            let err = RelPath::parse(bad, "entry in .dfworx/state.json").expect_err(bad);
            assert!(err.message.contains(why), "{bad:?}: {}", err.message);
            assert!(err.message.starts_with("entry in .dfworx/state.json"), "{}", err.message);
            assert!(!err.message.contains('\u{1b}'), "raw escape echoed: {:?}", err.message);
        }
    }

    #[test]
    fn argv_paths_must_lie_inside_the_root() {
        let root = Path::new("/w/acme");
        assert_eq!(RelPath::inside(root, Path::new("/w/acme/my-templates"), "t").unwrap().as_str(), "my-templates");
        assert_eq!(RelPath::inside(root, Path::new("x/../y"), "t").unwrap().as_str(), "y");
        assert!(RelPath::inside(root, Path::new("/usr"), "t").is_err());
        assert!(RelPath::inside(root, Path::new("../other"), "t").is_err());
        assert!(RelPath::inside(root, Path::new("/w/acme"), "t").is_err());
    }

    #[test]
    fn ancestors_and_parent() {
        let p = RelPath::parse("a/b/c.txt", "t").unwrap();
        assert_eq!(p.ancestors().collect::<Vec<_>>(), ["a", "a/b"]);
        assert_eq!(p.parent(), Some("a/b"));
        assert_eq!(RelPath::parse("c", "t").unwrap().parent(), None);
    }
}
