//! The identifiers every unit derives from its name, as the templates see them.

use serde::Serialize;

use crate::manifest::{Lang, Manifest};
use crate::names::{self, UnitKind};

#[derive(Clone, Debug, Serialize)]
pub struct Unit {
    pub kind: UnitKind,
    pub name: String,
    pub snake: String,
    pub title: String,
    pub env_prefix: String,
    /// `@scope/name` for apps and TypeScript packages.
    pub npm_name: Option<String>,
    /// `app_<snake>` for apps.
    pub schema: Option<String>,
    pub port: Option<u16>,
    /// Path from the workspace root.
    pub dir: String,
    pub lang: Option<Lang>,
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
            env_prefix: names::env_prefix(name),
            name: name.to_string(),
            snake,
            port,
            dir,
            lang,
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
                .map(|u| Unit::new(manifest, UnitKind::App, &u.name, Some(u.port), None))
                .collect(),
            services: manifest
                .services
                .iter()
                .map(|u| Unit::new(manifest, UnitKind::Service, &u.name, Some(u.port), None))
                .collect(),
            packages: manifest
                .packages
                .iter()
                .map(|p| Unit::new(manifest, UnitKind::Package, &p.name, None, Some(p.lang)))
                .collect(),
        }
    }
}
