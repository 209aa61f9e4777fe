//! `dfworx.yaml`: what a workspace is made of. Every later command starts from it.

pub mod edit;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use std::fmt::Write as _;

use crate::error::UserError;
use crate::names::{self, NameRole, UnitKind};
use crate::relpath::RelPath;
use crate::stack::{Choices, Extra, Framework, Tenancy};

pub const FILE_NAME: &str = "dfworx.yaml";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The dfworx version that last rendered this workspace.
    pub dfworx: String,
    pub name: String,
    /// How tenants' rows are kept apart; fixed when the workspace is created (see `crate::stack`).
    #[serde(default)]
    pub tenancy: Tenancy,
    /// Extra services beside PostgreSQL and Redis.
    #[serde(default, rename = "with")]
    pub with: Vec<Extra>,
    #[serde(default)]
    pub apps: Vec<PortedUnit>,
    #[serde(default)]
    pub services: Vec<PortedUnit>,
    #[serde(default)]
    pub packages: Vec<Package>,
    #[serde(default)]
    pub options: Options,
    /// A directory of templates to render instead of the embedded ones, relative to the workspace
    /// root (see `dfworx templates export`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortedUnit {
    pub name: String,
    /// Host port in development and in compose; recorded so adding a unit never moves another one.
    pub port: u16,
    /// Services only: fastapi (the default) or nestjs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framework: Option<Framework>,
    /// The domain slice the unit is seeded with (`crate::stack::STARTERS`); the default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starter: Option<String>,
}

impl PortedUnit {
    pub fn new(name: &str, port: u16) -> Self {
        Self { name: name.to_string(), port, framework: None, starter: None }
    }

    pub fn framework(&self) -> Framework {
        self.framework.unwrap_or_default()
    }

    /// The unit's starter: the one `dfworx.yaml` names, else the default of the workspace's tenancy.
    pub fn starter(&self, tenancy: crate::stack::Tenancy) -> &str {
        self.starter.as_deref().unwrap_or_else(|| crate::stack::default_starter(tenancy, self.framework()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ts,
    Python,
}

impl Lang {
    pub fn label(self) -> &'static str {
        match self {
            Self::Ts => "ts",
            Self::Python => "python",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    pub name: String,
    #[serde(default)]
    pub lang: Lang,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Options {
    /// Node.js major used in `.nvmrc`, `engines` and CI.
    pub node: String,
    /// Lowest Python the services support.
    pub python: String,
}

impl Default for Options {
    fn default() -> Self {
        Self { node: "24".into(), python: "3.11".into() }
    }
}

pub const FIRST_APP_PORT: u16 = 3000;
pub const FIRST_SERVICE_PORT: u16 = 8000;

impl Manifest {
    pub fn new(name: &str, apps: &[String], services: &[String]) -> Self {
        let ported = |names: &[String], first: u16| {
            names.iter().zip(first..).map(|(name, port)| PortedUnit::new(name, port)).collect::<Vec<_>>()
        };
        Self {
            dfworx: env!("CARGO_PKG_VERSION").to_string(),
            name: name.to_string(),
            tenancy: Tenancy::default(),
            with: Vec::new(),
            apps: ported(apps, FIRST_APP_PORT),
            services: ported(services, FIRST_SERVICE_PORT),
            packages: Vec::new(),
            options: Options::default(),
            templates: None,
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, UserError> {
        let manifest: Self = serde_saphyr::from_str(text).map_err(|err| {
            UserError::new(format!("{} is not a valid dfworx manifest:\n{err}", path.display()))
                .hint("fix the line shown above; `dfworx new --dry-run` shows a valid manifest")
        })?;
        manifest.check().map_err(|err| {
            let hint = err.hint.clone().unwrap_or_default();
            UserError::new(format!("{}: {}", path.display(), err.message)).hint(hint)
        })?;
        Ok(manifest)
    }

    /// The `templates:` directory as a path inside the workspace.
    pub fn templates_dir(&self) -> Result<Option<RelPath>, UserError> {
        let Some(dir) = &self.templates else { return Ok(None) };
        let text = dir.to_string_lossy().replace('\\', "/");
        let text = text.trim_end_matches('/');
        RelPath::parse(text, "`templates:` in dfworx.yaml").map(Some)
    }

    /// The manifest's `dfworx:` version; refuses one newer than this dfworx, which may not know
    /// what it means.
    pub fn version(&self) -> Result<semver::Version, UserError> {
        let this = semver::Version::parse(env!("CARGO_PKG_VERSION")).expect("our own version is semver");
        let version = semver::Version::parse(self.dfworx.trim()).map_err(|e| {
            UserError::new(format!("`dfworx: {}` is not a version ({e})", names::shown(&self.dfworx)))
                .hint(format!("write the dfworx version that created the workspace, e.g. `dfworx: {this}`"))
        })?;
        if version > this {
            return Err(UserError::new(format!(
                "this workspace was last changed by dfworx {version}, newer than this dfworx {this}"
            ))
            .hint(format!(
                "upgrade dfworx to {version} or later (e.g. `cargo install --locked dfworx`), so it understands everything in the workspace"
            )));
        }
        Ok(version)
    }

    /// Names valid, unique across every kind (they share compose and directory namespaces), ports free,
    /// the version one this dfworx understands, paths inside the workspace.
    pub fn check(&self) -> Result<(), UserError> {
        self.version()?;
        self.templates_dir()?;
        crate::units::Toolchain::of(&self.options)?;
        names::validate(NameRole::Workspace, &self.name)?;
        let mut seen: BTreeMap<&str, UnitKind> = BTreeMap::new();
        let mut ports: BTreeMap<u16, &str> = BTreeMap::new();
        for (kind, name, port) in self.entries() {
            names::validate(NameRole::Unit(kind), name)?;
            if let Some(other) = seen.insert(name, kind) {
                return Err(UserError::new(format!(
                    "the name \"{name}\" is used by both {} and {} \"{name}\"",
                    kind.noun(),
                    other.noun()
                ))
                .hint("names share one namespace (directories, compose services); rename one of them"));
            }
            if let Some(port) = port
                && let Some(other) = ports.insert(port, name)
            {
                return Err(UserError::new(format!("port {port} is given to both \"{other}\" and \"{name}\""))
                    .hint("give each app and service its own port in dfworx.yaml"));
            }
        }
        if let Some(app) = self.apps.iter().find(|a| a.framework.is_some()) {
            return Err(UserError::new(format!("app \"{}\" has a `framework:`, which only services have", app.name))
                .hint("remove the `framework:` line from the app in dfworx.yaml"));
        }
        crate::stack::check(&self.choices())
    }

    /// What the stack rules look at: every choice resolved to its value.
    pub fn choices(&self) -> Choices {
        Choices {
            tenancy: self.tenancy,
            with: self.with.clone(),
            services: self
                .services
                .iter()
                .map(|s| (s.name.clone(), s.framework(), s.starter(self.tenancy).to_string()))
                .collect(),
            apps: self.apps.iter().map(|a| (a.name.clone(), a.starter(self.tenancy).to_string())).collect(),
        }
    }

    /// Every unit with its kind and port, in manifest order.
    pub fn entries(&self) -> impl Iterator<Item = (UnitKind, &str, Option<u16>)> {
        let apps = self.apps.iter().map(|u| (UnitKind::App, u.name.as_str(), Some(u.port)));
        let services = self.services.iter().map(|u| (UnitKind::Service, u.name.as_str(), Some(u.port)));
        let packages = self.packages.iter().map(|p| (UnitKind::Package, p.name.as_str(), None));
        apps.chain(services).chain(packages)
    }

    /// The manifest as the user reads it: fixed key order, a header that says what it is for.
    pub fn to_yaml(&self) -> String {
        let mut out = String::from(
            "# dfworx workspace manifest: what this workspace is made of.\n\
             # `dfworx add` and `dfworx remove` edit it; you may too, then run `dfworx sync`.\n",
        );
        let _ = write!(out, "dfworx: {}\nname: {}\n", edit::scalar(&self.dfworx), edit::scalar(&self.name));
        // Written only when chosen: a workspace made before they existed keeps its manifest as it was.
        if self.tenancy != Tenancy::default() {
            let _ = writeln!(out, "tenancy: {}", self.tenancy);
        }
        if !self.with.is_empty() {
            let extras: Vec<&str> = self.with.iter().map(|e| e.label()).collect();
            let _ = writeln!(out, "with: [{}]", extras.join(", "));
        }
        let ported = |out: &mut String, key: &str, units: &[PortedUnit]| {
            if units.is_empty() {
                let _ = writeln!(out, "{key}: []");
            } else {
                let _ = writeln!(out, "{key}:");
                for unit in units {
                    let _ = write!(out, "  - name: {}\n    port: {}\n", edit::scalar(&unit.name), unit.port);
                    if let Some(framework) = unit.framework {
                        let _ = writeln!(out, "    framework: {framework}");
                    }
                    if let Some(starter) = &unit.starter {
                        let _ = writeln!(out, "    starter: {}", edit::scalar(starter));
                    }
                }
            }
        };
        ported(&mut out, "apps", &self.apps);
        ported(&mut out, "services", &self.services);
        if self.packages.is_empty() {
            out.push_str("packages: []\n");
        } else {
            out.push_str("packages:\n");
            for package in &self.packages {
                let lang = package.lang.label();
                let _ = write!(out, "  - name: {}\n    lang: {lang}\n", edit::scalar(&package.name));
            }
        }
        // Versions are always quoted: `python: 3.10` would be read as the number 3.1.
        let _ = write!(
            out,
            "options:\n  node: {}\n  python: {}\n",
            serde_json::to_string(&self.options.node).expect("a string serialises"),
            serde_json::to_string(&self.options.python).expect("a string serialises")
        );
        if let Some(templates) = &self.templates {
            let _ = writeln!(out, "templates: {}", edit::scalar(&templates.to_string_lossy()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_manifest_reads_back_the_same() {
        let manifest = Manifest::new("acme", &["web".into(), "admin".into()], &["auth-service".into()]);
        let back = Manifest::parse(&manifest.to_yaml(), Path::new("dfworx.yaml")).unwrap();
        assert_eq!(back, manifest);
    }

    #[test]
    fn a_typo_in_a_key_is_reported_with_its_line() {
        let text = "dfworx: 0.1.0\nname: acme\napss: []\n";
        let err = Manifest::parse(text, Path::new("dfworx.yaml")).unwrap_err().to_string();
        assert!(err.contains("apss"), "{err}");
        assert!(err.contains('3'), "no line number in: {err}");
    }

    #[test]
    fn a_manifest_from_a_newer_dfworx_is_refused_with_a_hint() {
        let text = "dfworx: 99.0.0\nname: acme\n";
        let err = Manifest::parse(text, Path::new("dfworx.yaml")).unwrap_err();
        assert!(err.message.contains("newer than this dfworx"), "{}", err.message);
        assert!(err.hint.unwrap().contains("upgrade"));
        let err = Manifest::parse("dfworx: soon\nname: acme\n", Path::new("dfworx.yaml")).unwrap_err();
        assert!(err.message.contains("not a version"), "{}", err.message);
    }

    #[test]
    fn a_templates_path_outside_the_workspace_is_refused() {
        for bad in ["/usr", "../elsewhere", "a/../../b"] {
            let text = format!("dfworx: 0.1.0\nname: acme\ntemplates: {bad}\n");
            let err = Manifest::parse(&text, Path::new("dfworx.yaml")).unwrap_err();
            assert!(err.message.contains("not a path inside the workspace"), "{bad}: {}", err.message);
        }
        let mut manifest = Manifest::new("acme", &[], &[]);
        manifest.templates = Some("my: templates".into());
        let back = Manifest::parse(&manifest.to_yaml(), Path::new("dfworx.yaml")).unwrap();
        assert_eq!(back.templates, manifest.templates, "{}", manifest.to_yaml());
    }

    #[test]
    fn the_same_name_twice_is_refused() {
        let manifest = Manifest::new("acme", &["web".into()], &["web".into()]);
        assert!(manifest.check().unwrap_err().message.contains("used by both"));
    }

    #[test]
    fn the_example_manifest_in_the_repository_is_valid() {
        let text = include_str!("../../examples/acme.dfworx.yaml");
        let manifest = Manifest::parse(text, Path::new("examples/acme.dfworx.yaml")).unwrap();
        assert_eq!(manifest.apps.len(), 2);
        assert_eq!(manifest.services[1].port, 8001);
    }
}
