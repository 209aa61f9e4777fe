//! The root table (`templates/roots.yaml`): which template directories are rendered, for which
//! units, and under which stack choices. The engine knows the kinds of roots (where their files
//! land); the table says which directories there are and when each one applies.

use serde::Deserialize;

use crate::error::UserError;
use crate::manifest::{Lang, Manifest};
use crate::units::Unit;

pub const ROOTS_FILE: &str = "roots.yaml";

/// What a root is rendered for, and so where its files land.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Each {
    Workspace,
    App,
    Service,
    Package,
    Migrations,
    AppMigrations,
    /// Never rendered on its own: parts that other templates `{% include %}` by path.
    Include,
}

impl Each {
    fn is_per_unit(self) -> bool {
        matches!(self, Self::App | Self::Service | Self::Package | Self::AppMigrations)
    }
}

/// One row of the table.
#[derive(Clone, Debug)]
pub struct Root {
    /// With a trailing `/`: `service-auth/`.
    pub dir: String,
    pub each: Each,
    pub when: Option<Condition>,
    /// The row's own condition and those of every row whose directory holds this one, outermost
    /// first: `service-auth/starters/projects/` applies to a service that owns auth (its parent's
    /// `when`) and has starter projects (its own). Each is one choice; together they must all hold.
    pub conditions: Vec<Condition>,
}

/// One choice and the values that select the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub field: Field,
    pub values: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Tenancy,
    With,
    Framework,
    Starter,
    Lang,
    OwnsAuth,
    /// The starter of the service that owns auth (the first service): the workspace's, so a row
    /// rendered for every app can follow the slice that serves the apps (chat's tables in each
    /// app's schema, whatever the app's own starter).
    AuthStarter,
}

impl Field {
    const ALL: [(&'static str, Self); 7] = [
        ("tenancy", Self::Tenancy),
        ("with", Self::With),
        ("framework", Self::Framework),
        ("starter", Self::Starter),
        ("lang", Self::Lang),
        ("owns_auth", Self::OwnsAuth),
        ("auth_starter", Self::AuthStarter),
    ];

    fn is_unit_field(self) -> bool {
        matches!(self, Self::Framework | Self::Starter | Self::Lang | Self::OwnsAuth)
    }
}

impl Condition {
    /// Whether the choice has one of the values: for `with`, whether the list holds one of them.
    pub fn holds(&self, manifest: &Manifest, unit: Option<&Unit>) -> bool {
        let any = |value: &str| self.values.iter().any(|v| v == value);
        match self.field {
            Field::Tenancy => any(manifest.tenancy.label()),
            Field::With => manifest.with.iter().any(|extra| any(extra.label())),
            Field::Framework => unit.and_then(|u| u.framework).is_some_and(|f| any(f.label())),
            Field::Starter => unit.and_then(|u| u.starter.as_deref()).is_some_and(any),
            Field::Lang => unit.is_some_and(|u| any(u.lang.unwrap_or(Lang::Ts).label())),
            Field::OwnsAuth => unit.is_some_and(|u| any(if u.owns_auth { "true" } else { "false" })),
            Field::AuthStarter => manifest.services.first().is_some_and(|s| any(s.starter(manifest.tenancy))),
        }
    }
}

impl Root {
    pub fn applies(&self, manifest: &Manifest, unit: Option<&Unit>) -> bool {
        self.conditions.iter().all(|c| c.holds(manifest, unit))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RootsFile {
    roots: Vec<RawRoot>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoot {
    dir: String,
    #[serde(rename = "for")]
    each: Each,
    #[serde(default)]
    when: Option<std::collections::BTreeMap<String, OneOrMany>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Bool(bool),
    One(String),
    Many(Vec<String>),
}

/// Parses the table; `origin` names the file in errors.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Root>, UserError> {
    let file: RootsFile = serde_saphyr::from_str(text)
        .map_err(|err| UserError::new(format!("{origin} is not a valid root table:\n{err}")))?;
    let mut roots: Vec<Root> = Vec::new();
    for raw in file.roots {
        let dir = format!("{}/", raw.dir.trim_end_matches('/'));
        if dir == "/" || dir.starts_with('/') || dir.split('/').any(|part| part == "..") {
            return Err(UserError::new(format!("{origin}: `dir: {}` is not a directory of the set", raw.dir)));
        }
        let when = raw.when.map(|map| condition(map, raw.each, &dir, origin)).transpose()?;
        if raw.each == Each::Include && when.is_some() {
            return Err(UserError::new(format!(
                "{origin}: {dir} is rendered only where it is included, so it has no `when`"
            ))
            .hint("put the condition around the `{% include %}` in the template that includes it"));
        }
        if roots.iter().any(|r| r.dir == dir) {
            return Err(UserError::new(format!("{origin}: the directory {dir} is listed twice"))
                .hint("one row per directory: a directory is rendered for one kind of unit"));
        }
        roots.push(Root { dir, each: raw.each, when, conditions: Vec::new() });
    }
    nest(&mut roots, origin)?;
    Ok(roots)
}

/// Gives every row the conditions of the rows whose directories hold it (outermost first), then
/// its own; refuses a row rendered once inside a row that tests a unit's choice.
fn nest(roots: &mut [Root], origin: &str) -> Result<(), UserError> {
    let mut by_depth: Vec<usize> = (0..roots.len()).collect();
    by_depth.sort_by_key(|&i| roots[i].dir.len());
    for &i in &by_depth {
        let mut conditions: Vec<Condition> = by_depth
            .iter()
            .map(|&j| &roots[j])
            .filter(|outer| outer.dir.len() < roots[i].dir.len() && roots[i].dir.starts_with(&outer.dir))
            .filter_map(|outer| outer.when.clone())
            .collect();
        conditions.extend(roots[i].when.clone());
        if let Some(unit_field) = conditions.iter().find(|c| c.field.is_unit_field())
            && !roots[i].each.is_per_unit()
        {
            return Err(UserError::new(format!(
                "{origin}: {} is rendered once, inside a directory that tests the unit's {:?}",
                roots[i].dir, unit_field.field
            ))
            .hint("move the directory out, or render it per unit"));
        }
        roots[i].conditions = conditions;
    }
    Ok(())
}

fn condition(
    map: std::collections::BTreeMap<String, OneOrMany>,
    each: Each,
    dir: &str,
    origin: &str,
) -> Result<Condition, UserError> {
    let mut entries = map.into_iter();
    let (Some((key, value)), None) = (entries.next(), entries.next()) else {
        return Err(UserError::new(format!("{origin}: {dir} has a `when` that is not exactly one choice"))
            .hint("a root's `when` tests one choice: `when: { tenancy: org }`"));
    };
    let field = Field::ALL.iter().find(|(name, _)| *name == key).map(|(_, f)| *f).ok_or_else(|| {
        let known: Vec<&str> = Field::ALL.iter().map(|(name, _)| *name).collect();
        UserError::new(format!("{origin}: {dir} tests `{key}`, which is not a choice"))
            .hint(format!("test one of: {}", known.join(", ")))
    })?;
    if field.is_unit_field() && !each.is_per_unit() {
        return Err(UserError::new(format!("{origin}: {dir} tests the unit's `{key}`, but is rendered once")));
    }
    let values = match value {
        OneOrMany::Bool(b) => vec![b.to_string()],
        OneOrMany::One(v) => vec![v],
        OneOrMany::Many(vs) => vs,
    };
    Ok(Condition { field, values })
}

/// The root a template file belongs to: the one with the longest directory that holds it.
pub fn owner<'a>(roots: &'a [Root], path: &str) -> Option<&'a Root> {
    roots.iter().filter(|r| path.starts_with(&r.dir)).max_by_key(|r| r.dir.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_parses_and_every_template_belongs_to_a_root() {
        let set = crate::templates::TemplateSet::embedded().unwrap();
        for file in &set.files {
            if file.path == ROOTS_FILE || file.path == "ownership.yaml" {
                continue;
            }
            assert!(owner(&set.roots, &file.path).is_some(), "{} belongs to no root of roots.yaml", file.path);
        }
    }

    #[test]
    fn a_condition_tests_exactly_one_known_choice() {
        let bad = [
            ("roots: [{dir: a, for: app, when: {tenancy: org, framework: fastapi}}]", "not exactly one choice"),
            ("roots: [{dir: a, for: app, when: {colour: red}}]", "not a choice"),
            ("roots: [{dir: a, for: workspace, when: {framework: nestjs}}]", "rendered once"),
            ("roots: [{dir: a, for: app}, {dir: a/, for: service}]", "listed twice"),
            ("roots: [{dir: ../x, for: app}]", "not a directory of the set"),
            ("roots: [{dir: p, for: include, when: {tenancy: org}}]", "has no `when`"),
        ];
        for (text, expected) in bad {
            let err = parse(text, "roots.yaml").unwrap_err();
            assert!(err.message.contains(expected), "{text}: {}", err.message);
        }
        let roots = parse("roots: [{dir: a, for: service, when: {framework: [fastapi, nestjs]}}]", "r").unwrap();
        assert_eq!(roots[0].when.as_ref().unwrap().values, ["fastapi", "nestjs"]);
    }

    #[test]
    fn auth_starter_follows_the_first_service_whatever_the_unit() {
        let roots = parse("roots: [{dir: a, for: app-migrations, when: {auth_starter: chat}}]", "r").unwrap();
        let mut manifest = Manifest::new("acme", &["web".into()], &["api".into(), "billing".into()]);
        assert!(!roots[0].applies(&manifest, None), "the first service's default starter is projects");
        manifest.services[1].starter = Some("chat".into());
        assert!(!roots[0].applies(&manifest, None), "only the first service decides");
        manifest.services[0].starter = Some("chat".into());
        assert!(roots[0].applies(&manifest, None));
        assert!(!roots[0].applies(&Manifest::new("acme", &["web".into()], &[]), None), "no service, no starter");
        // A workspace-wide choice: a row rendered once may test it.
        assert!(parse("roots: [{dir: a, for: workspace, when: {auth_starter: chat}}]", "r").is_ok());
    }

    #[test]
    fn a_file_belongs_to_the_deepest_root_that_holds_it() {
        let roots = parse("roots: [{dir: service, for: service}, {dir: service/nestjs, for: service}]", "r").unwrap();
        assert_eq!(owner(&roots, "service/nestjs/src/main.ts").unwrap().dir, "service/nestjs/");
        assert_eq!(owner(&roots, "service/Dockerfile").unwrap().dir, "service/");
        assert!(owner(&roots, "services/x").is_none());
    }

    #[test]
    fn a_nested_row_applies_only_where_every_enclosing_row_does() {
        let text = "roots: [{dir: auth/starters/projects, for: service, when: {starter: projects}},
                            {dir: auth, for: service, when: {owns_auth: true}}, {dir: authx, for: service}]";
        let roots = parse(text, "r").unwrap();
        let nested = roots.iter().find(|r| r.dir == "auth/starters/projects/").unwrap();
        let fields: Vec<Field> = nested.conditions.iter().map(|c| c.field).collect();
        assert_eq!(fields, [Field::OwnsAuth, Field::Starter]);
        // `authx/` is beside `auth/`, not inside it.
        assert!(roots.iter().find(|r| r.dir == "authx/").unwrap().conditions.is_empty());
        let err =
            parse("roots: [{dir: a, for: app, when: {starter: x}}, {dir: a/b, for: workspace}]", "r").unwrap_err();
        assert!(err.message.contains("rendered once, inside"), "{}", err.message);
    }
}
