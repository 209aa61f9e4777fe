//! The identifiers every unit derives from its name, as the templates see them.

use serde::Serialize;

use crate::error::UserError;
use crate::manifest::{Lang, Manifest, Options};
use crate::names::{self, UnitKind};
use crate::stack::Framework;

#[derive(Clone, Debug, Serialize)]
pub struct Unit {
    pub kind: UnitKind,
    pub name: String,
    pub snake: String,
    pub title: String,
    /// `AdminPanel`: the name in `PascalCase`, for identifiers such as `OpenAPI` operation ids.
    pub pascal: String,
    pub env_prefix: String,
    /// `@scope/name` for apps and TypeScript packages.
    pub npm_name: Option<String>,
    /// `app_<snake>` for apps.
    pub schema: Option<String>,
    pub port: Option<u16>,
    /// Path from the workspace root.
    pub dir: String,
    pub lang: Option<Lang>,
    /// The one service that owns sign-up and sign-in (`users` live in `auth.users`, refresh tokens in
    /// Redis): the first service of dfworx.yaml. Every other service only verifies access tokens.
    pub owns_auth: bool,
    /// Services: `fastapi` or `nestjs` (see `crate::stack`).
    pub framework: Option<Framework>,
    /// Apps and services: the domain slice the unit is seeded with.
    pub starter: Option<String>,
}

impl Unit {
    fn new(manifest: &Manifest, kind: UnitKind, name: &str, port: Option<u16>, lang: Option<Lang>) -> Self {
        let snake = names::snake(name);
        let dir = match kind {
            UnitKind::App => format!("apps/{name}"),
            UnitKind::Service => format!("services/{name}"),
            UnitKind::Package => format!("packages/{name}"),
        };
        let is_npm = matches!(kind, UnitKind::App) || lang == Some(Lang::Ts);
        Self {
            kind,
            npm_name: is_npm.then(|| format!("@{}/{name}", manifest.name)),
            schema: matches!(kind, UnitKind::App).then(|| format!("app_{snake}")),
            title: names::title(name),
            pascal: names::pascal(name),
            env_prefix: names::env_prefix(name),
            name: name.to_string(),
            snake,
            port,
            dir,
            lang,
            owns_auth: false,
            framework: None,
            starter: None,
        }
    }

    /// `app:web`: how the workspace state refers to the unit a file was rendered for.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.noun(), self.name)
    }
}

/// The workspace as templates see it: every unit with its derived names, in manifest order.
#[derive(Clone, Debug, Serialize)]
pub struct Units {
    pub apps: Vec<Unit>,
    pub services: Vec<Unit>,
    pub packages: Vec<Unit>,
}

impl Units {
    pub fn of(manifest: &Manifest) -> Self {
        Self {
            apps: manifest
                .apps
                .iter()
                .map(|u| Unit {
                    starter: Some(u.starter(manifest.tenancy).to_string()),
                    ..Unit::new(manifest, UnitKind::App, &u.name, Some(u.port), None)
                })
                .collect(),
            services: manifest
                .services
                .iter()
                .enumerate()
                .map(|(index, u)| Unit {
                    // Data, not a rule in each template: which service owns auth is decided here, once.
                    owns_auth: index == 0,
                    framework: Some(u.framework()),
                    starter: Some(u.starter(manifest.tenancy).to_string()),
                    ..Unit::new(manifest, UnitKind::Service, &u.name, Some(u.port), None)
                })
                .collect(),
            packages: manifest
                .packages
                .iter()
                .map(|p| Unit::new(manifest, UnitKind::Package, &p.name, None, Some(p.lang)))
                .collect(),
        }
    }
}

/// `options` as the templates see them: the versions written in dfworx.yaml, plus the forms other
/// tools spell differently, so that no template takes a version apart itself.
#[derive(Clone, Debug, Serialize)]
pub struct Toolchain {
    /// Node.js as written in dfworx.yaml (`"24"`): `.nvmrc`, `engines`, the `node:` image tag.
    pub node: String,
    /// Its major version (`24`): even majors are the ones that become LTS releases.
    pub node_major: u64,
    /// Python as written in dfworx.yaml (`"3.11"`): `.python-version`, `requires-python`, the
    /// `python:` image tag.
    pub python: String,
    /// Major and minor without the dot (`"311"`, Python's own `py_version_nodot`), for ruff's `py311`.
    pub python_nodot: String,
}

impl Toolchain {
    /// Refuses versions the generated files could not hold: each lands in places (`engines`,
    /// `requires-python`, image tags, ruff) that want plain dotted numbers.
    pub fn of(options: &Options) -> Result<Self, UserError> {
        let node = version_parts(&options.node).filter(|parts| parts.len() <= 3).ok_or_else(|| {
            bad_version("node", &options.node, "a Node.js version number", "node: \"24\" (or \"24.11.1\")")
        })?;
        let python =
            version_parts(&options.python).filter(|parts| (2..=3).contains(&parts.len())).ok_or_else(|| {
                bad_version("python", &options.python, "a Python major.minor version", "python: \"3.12\"")
            })?;
        Ok(Self {
            node: options.node.clone(),
            node_major: node[0],
            python: options.python.clone(),
            python_nodot: format!("{}{}", python[0], python[1]),
        })
    }
}

/// `"3.11"` → `[3, 11]`; `None` unless it is dot-separated decimal numbers.
fn version_parts(version: &str) -> Option<Vec<u64>> {
    version
        .split('.')
        // Digits only: `parse` alone would take "+1".
        .map(|part| if part.bytes().all(|b| b.is_ascii_digit()) { part.parse().ok() } else { None })
        .collect()
}

fn bad_version(option: &str, value: &str, wanted: &str, example: &str) -> UserError {
    UserError::new(format!(
        "options.{option} in dfworx.yaml is \"{}\", but the generated files need {wanted} there",
        names::shown(value)
    ))
    .hint(format!("write it as in `{example}` under `options:` in dfworx.yaml, then run `dfworx sync`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toolchain(node: &str, python: &str) -> Result<Toolchain, UserError> {
        Toolchain::of(&Options { node: node.into(), python: python.into() })
    }

    #[test]
    fn the_first_service_owns_auth_and_only_it() {
        let manifest = Manifest::new("acme", &["admin-panel".into()], &["billing".into(), "auth-service".into()]);
        let units = Units::of(&manifest);
        let owners: Vec<(&str, bool)> = units.services.iter().map(|s| (s.name.as_str(), s.owns_auth)).collect();
        assert_eq!(owners, [("billing", true), ("auth-service", false)]);
        assert!(!units.apps[0].owns_auth);
        assert_eq!(units.apps[0].pascal, "AdminPanel");
    }

    #[test]
    fn the_default_versions_give_the_forms_the_templates_use() {
        let t = Toolchain::of(&Options::default()).unwrap();
        assert_eq!(
            (t.node.as_str(), t.node_major, t.python.as_str(), t.python_nodot.as_str()),
            ("24", 24, "3.11", "311")
        );
        let t = toolchain("22.12.0", "3.13.1").unwrap();
        assert_eq!((t.node_major, t.python_nodot.as_str()), (22, "313"));
    }

    #[test]
    fn a_version_the_files_cannot_hold_is_refused_with_an_example() {
        for (node, python, option) in [
            ("lts/*", "3.11", "options.node"),
            ("v24", "3.11", "options.node"),
            ("", "3.11", "options.node"),
            ("24", "3", "options.python"),
            ("24", "3.x", "options.python"),
            ("24", "3..1", "options.python"),
            ("24", "3.11.0.1", "options.python"),
        ] {
            let err = toolchain(node, python).expect_err(&format!("{node} {python}"));
            assert!(err.message.starts_with(option), "{}", err.message);
            assert!(err.hint.as_deref().is_some_and(|h| h.contains("dfworx.yaml")), "{:?}", err.hint);
        }
        let err = toolchain("24\u{1b}[2J", "3.11").unwrap_err();
        assert!(!err.message.contains('\u{1b}'), "{}", err.message);
    }
}
