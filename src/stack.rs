//! Stacks as data: the choices a workspace is made of besides its units' names.
//!
//! - `tenancy` (workspace, fixed at creation): how tenants' rows are kept apart.
//! - `with` (workspace, changeable): extra services beside PostgreSQL and Redis.
//! - `framework` (per service): the service's language and framework.
//! - `starter` (per app and service): the domain slice the unit is seeded with.
//!
//! Each has a default that reproduces the workspace dfworx generated before these existed. Which
//! template directories a choice selects is data too (`templates/roots.yaml`, see `crate::roots`);
//! which combinations work is the table [`RULES`], checked before anything is rendered.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::UserError;
use crate::names::UnitKind;

/// How tenants' rows are kept apart.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Tenancy {
    /// Organizations and memberships in `public`; every tenant table's policies check membership
    /// through `auth.uid()` (Supabase's multi-tenant pattern).
    #[default]
    Org,
    /// A `tenant_id` column checked against the transaction-local `app.current_tenant` setting.
    Context,
    /// One schema per tenant, chosen by a transaction-local `search_path`.
    Schema,
    /// No tenants: one organization's data, still behind row level security for signed-in users.
    None,
}

impl Tenancy {
    pub const ALL: [Self; 4] = [Self::Org, Self::Context, Self::Schema, Self::None];

    pub fn label(self) -> &'static str {
        match self {
            Self::Org => "org",
            Self::Context => "context",
            Self::Schema => "schema",
            Self::None => "none",
        }
    }

    /// One line for a user choosing.
    pub fn summary(self) -> &'static str {
        match self {
            Self::Org => "organizations and memberships; policies check membership (Supabase's pattern)",
            Self::Context => "a tenant_id on each row, checked against the transaction's tenant (app.current_tenant)",
            Self::Schema => "one schema per tenant, chosen by the transaction's search_path",
            Self::None => "no tenants: every signed-in user, still behind row level security",
        }
    }
}

/// An extra service in compose, Coolify and CI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Extra {
    /// Connection pooling in transaction mode: apps and services through it, migrations direct.
    Pgbouncer,
    /// Workflow automation, on its own database.
    N8n,
    /// Image generation workflows.
    Comfyui,
}

impl Extra {
    pub const ALL: [Self; 3] = [Self::Pgbouncer, Self::N8n, Self::Comfyui];

    pub fn label(self) -> &'static str {
        match self {
            Self::Pgbouncer => "pgbouncer",
            Self::N8n => "n8n",
            Self::Comfyui => "comfyui",
        }
    }

    /// One line for a user choosing.
    pub fn summary(self) -> &'static str {
        match self {
            Self::Pgbouncer => "connection pooling in transaction mode in front of PostgreSQL",
            Self::N8n => "workflow automation (n8n), on its own database",
            Self::Comfyui => "image generation workflows (ComfyUI)",
        }
    }
}

/// A service's framework.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Framework {
    #[default]
    Fastapi,
    Nestjs,
}

impl Framework {
    pub const ALL: [Self; 2] = [Self::Fastapi, Self::Nestjs];

    pub fn label(self) -> &'static str {
        match self {
            Self::Fastapi => "fastapi",
            Self::Nestjs => "nestjs",
        }
    }
}

impl fmt::Display for Tenancy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl fmt::Display for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl fmt::Display for Framework {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A domain slice a unit can be seeded with.
#[derive(Debug)]
pub struct Starter {
    pub name: &'static str,
    /// Apps or services.
    pub kind: UnitKind,
    pub summary: &'static str,
    /// Whether this dfworx has its templates (the others are named by presets and coming).
    pub ready: bool,
    /// Services: the frameworks it has templates for (apps: none, every app is Next.js).
    pub frameworks: &'static [Framework],
}

const FASTAPI: &[Framework] = &[Framework::Fastapi];
const NESTJS: &[Framework] = &[Framework::Nestjs];
const ANY_FRAMEWORK: &[Framework] = &Framework::ALL;

/// Every starter dfworx knows. Which tenancy and framework each one works with is in [`RULES`].
pub const STARTERS: &[Starter] = &[
    Starter {
        name: "projects",
        kind: UnitKind::App,
        summary: "sign-up, sign-in, organizations, members and the app's projects",
        ready: true,
        frameworks: &[],
    },
    Starter {
        name: "projects",
        kind: UnitKind::Service,
        summary: "the tenant API: organizations, members and each app's projects (on the service that owns auth)",
        ready: true,
        frameworks: FASTAPI,
    },
    Starter { name: "blank", kind: UnitKind::App, summary: "sign-up and sign-in only", ready: true, frameworks: &[] },
    Starter {
        name: "blank",
        kind: UnitKind::Service,
        summary: "sign-up and sign-in only (a NestJS service: the caller's profile)",
        ready: true,
        frameworks: ANY_FRAMEWORK,
    },
    Starter {
        name: "chat",
        kind: UnitKind::App,
        summary: "conversations with a streaming AI reply",
        ready: true,
        frameworks: &[],
    },
    Starter {
        name: "chat",
        kind: UnitKind::Service,
        summary: "conversations, messages and AI providers with streaming (on the service that owns auth)",
        ready: true,
        frameworks: FASTAPI,
    },
    Starter {
        name: "booking",
        kind: UnitKind::App,
        summary: "artists, bookings and conflicts",
        ready: true,
        frameworks: &[],
    },
    Starter {
        name: "booking",
        kind: UnitKind::Service,
        summary: "bookings without double booking, an event log, live updates (NestJS)",
        ready: true,
        frameworks: NESTJS,
    },
    Starter {
        name: "content",
        kind: UnitKind::Service,
        summary: "per-tenant content in tenant schemas",
        ready: true,
        frameworks: NESTJS,
    },
];

/// The starter a unit gets when none is named: today's organizations and projects.
pub const DEFAULT_STARTER: &str = "projects";

/// The starter a unit of a workspace with `tenancy` gets when `dfworx.yaml` names none: projects
/// where it works (org, `FastAPI`), blank elsewhere, so that `dfworx add app x` and
/// `dfworx add service y --framework nestjs` need no flag in any workspace. Apps pass the default
/// framework.
pub fn default_starter(tenancy: Tenancy, framework: Framework) -> &'static str {
    match (tenancy, framework) {
        (Tenancy::Org, Framework::Fastapi) => DEFAULT_STARTER,
        _ => "blank",
    }
}

pub fn starter(kind: UnitKind, name: &str) -> Option<&'static Starter> {
    STARTERS.iter().find(|s| s.kind == kind && s.name == name)
}

/// CLI sugar for a whole stack: `dfworx new --preset booking` fills in the choices, and the manifest
/// stores them as fields (never the preset's name), so a preset can change without moving a workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Preset {
    /// Organizations with RLS, a `FastAPI` auth service, a web app: the default workspace.
    Dfworx,
    /// Schema per tenant, a `NestJS` `api` (starter content) beside the auth service, `PgBouncer`, n8n
    /// and `ComfyUI` (seed 002).
    TenantSchemas,
    /// A `FastAPI` chat service and a chat web app on the default identity and RLS (seed 003).
    AiChat,
    /// Tenant context, a `NestJS` `api` (starter booking) beside the auth service, a booking web app,
    /// `PgBouncer` (seed 004).
    Booking,
}

/// One unit a preset creates: name, framework (services), starter.
pub struct PresetUnit {
    pub name: &'static str,
    pub framework: Option<Framework>,
    pub starter: &'static str,
}

/// The service that signs users up and in, in presets whose domain lives on a `NestJS` service
/// (rule auth-service-is-fastapi).
const AUTH_SERVICE: PresetUnit =
    PresetUnit { name: "auth-service", framework: Some(Framework::Fastapi), starter: "blank" };

/// What a preset fills in.
pub struct PresetStack {
    pub tenancy: Tenancy,
    pub with: &'static [Extra],
    pub apps: &'static [PresetUnit],
    pub services: &'static [PresetUnit],
}

impl Preset {
    pub fn stack(self) -> PresetStack {
        match self {
            Self::Dfworx => PresetStack {
                tenancy: Tenancy::Org,
                with: &[],
                apps: &[PresetUnit { name: "web", framework: None, starter: "projects" }],
                services: &[PresetUnit {
                    name: "auth-service",
                    framework: Some(Framework::Fastapi),
                    starter: "projects",
                }],
            },
            Self::TenantSchemas => PresetStack {
                tenancy: Tenancy::Schema,
                with: &[Extra::Pgbouncer, Extra::N8n, Extra::Comfyui],
                apps: &[PresetUnit { name: "web", framework: None, starter: "blank" }],
                services: &[
                    AUTH_SERVICE,
                    PresetUnit { name: "api", framework: Some(Framework::Nestjs), starter: "content" },
                ],
            },
            Self::AiChat => PresetStack {
                tenancy: Tenancy::Org,
                with: &[],
                apps: &[PresetUnit { name: "web", framework: None, starter: "chat" }],
                services: &[PresetUnit { name: "api", framework: Some(Framework::Fastapi), starter: "chat" }],
            },
            Self::Booking => PresetStack {
                tenancy: Tenancy::Context,
                with: &[Extra::Pgbouncer],
                apps: &[PresetUnit { name: "web", framework: None, starter: "booking" }],
                services: &[
                    AUTH_SERVICE,
                    PresetUnit { name: "api", framework: Some(Framework::Nestjs), starter: "booking" },
                ],
            },
        }
    }
}

/// A workspace's choices, resolved: what the rules look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choices {
    pub tenancy: Tenancy,
    pub with: Vec<Extra>,
    /// (name, framework, starter) per service, in manifest order.
    pub services: Vec<(String, Framework, String)>,
    /// (name, starter) per app.
    pub apps: Vec<(String, String)>,
}

/// A combination that does not work, with the reason and what to do instead.
pub struct Rule {
    /// Stable: tests and users refer to a rule by it.
    pub id: &'static str,
    /// Whether `choices` break the rule; the text names the unit or value concerned.
    pub broken: fn(&Choices) -> Option<String>,
    pub message: &'static str,
    pub hint: &'static str,
}

/// Every rule, checked in order before anything is rendered; the first broken one is reported.
pub const RULES: &[Rule] = &[
    Rule {
        id: "unknown-starter",
        broken: |c| {
            units(c).find(|(kind, _, s)| starter(*kind, s).is_none()).map(|(kind, n, s)| {
                let known: Vec<String> = STARTERS
                    .iter()
                    .filter(|st| st.kind == kind && st.ready)
                    .map(|st| format!("{} ({})", st.name, st.summary))
                    .collect();
                format!("{} \"{n}\" has starter \"{s}\" (this dfworx has: {})", kind.noun(), known.join("; "))
            })
        },
        message: "there is no such starter for this kind of unit",
        hint: "name one of the starters listed above, or leave `starter:` out for the default (projects with `tenancy: org`, blank otherwise)",
    },
    Rule {
        id: "starter-not-yet",
        broken: |c| {
            units(c)
                .find(|(kind, _, s)| starter(*kind, s).is_some_and(|s| !s.ready))
                .map(|(kind, n, s)| format!("{} \"{n}\" has starter \"{s}\"", kind.noun()))
        },
        message: "that starter has no templates in this dfworx yet",
        hint: "leave `starter:` out for the default (projects with `tenancy: org`, blank otherwise)",
    },
    Rule {
        id: "auth-service-is-fastapi",
        broken: |c| {
            // The first service signs users up and in (auth.users, refresh tokens in Redis): dfworx
            // generates that in FastAPI only. Every other service verifies the tokens it issues.
            c.services
                .first()
                .filter(|(_, f, _)| *f != Framework::Fastapi)
                .map(|(n, f, _)| format!("service \"{n}\", the first of dfworx.yaml, has framework {f}"))
        },
        message: "the first service owns sign-up and sign-in, which dfworx generates in FastAPI",
        hint: "put a FastAPI service first: `dfworx new <dir> --service auth-service --service api:nestjs`",
    },
    Rule {
        id: "projects-needs-org",
        broken: |c| starter_outside(c, "projects", Tenancy::Org),
        message: "the projects starter (organizations, members, projects) is built on `tenancy: org`",
        hint: "leave the starter out (with this tenancy it is blank: sign-up and sign-in only), or use `tenancy: org`",
    },
    Rule {
        id: "booking-needs-context",
        broken: |c| starter_outside(c, "booking", Tenancy::Context),
        message: "the booking starter keeps tenants apart with a tenant_id checked against the transaction's tenant",
        hint: "use `--tenancy context` (or `--preset booking`), or leave the starter out",
    },
    Rule {
        id: "content-needs-schema",
        broken: |c| starter_outside(c, "content", Tenancy::Schema),
        message: "the content starter keeps each tenant's content in the tenant's own schema",
        hint: "use `--tenancy schema` (or `--preset tenant-schemas`), or leave the starter out",
    },
    Rule {
        id: "schema-tenancy-starters",
        broken: |c| {
            // With a schema per tenant, a tenant's rows live in its schema; chat keeps its
            // conversations in each app's shared schema, which would put every tenant's in one place.
            if c.tenancy != Tenancy::Schema {
                return None;
            }
            units(c)
                .find(|(.., s)| !["blank", "content"].contains(&s.as_str()))
                .map(|(kind, n, s)| format!("{} \"{n}\" has starter {s} and tenancy is schema", kind.noun()))
        },
        message: "with `tenancy: schema` a tenant's rows live in its own schema, and only the blank and content starters keep them there",
        hint: "leave the starter out (blank), or give a NestJS service `--starter <service>=content`",
    },
    Rule {
        id: "starter-framework",
        broken: |c| {
            c.services.iter().find_map(|(n, f, s)| {
                let st = starter(UnitKind::Service, s)?;
                let names: Vec<&str> = st.frameworks.iter().map(|f| f.label()).collect();
                (!st.frameworks.contains(f)).then(|| {
                    format!("service \"{n}\" has framework {f} and starter {s} (which is {})", names.join(", "))
                })
            })
        },
        message: "that starter has no templates for the service's framework",
        hint: "leave `starter:` out (a NestJS service starts blank), or pick the framework the starter is written in",
    },
    Rule {
        id: "app-starter-needs-service",
        broken: |c| {
            // An app's slice calls the service that serves it: booking's, any service with starter
            // booking; the others', the service that owns auth (the first). Blank needs none. (A
            // workspace without services has apps that serve nothing yet: no rule of this one.)
            let (first, first_starter) = c.services.first().map(|(name, _, starter)| (name, starter))?;
            c.apps.iter().find_map(|(name, s)| match s.as_str() {
                "blank" => None,
                "booking" => (!c.services.iter().any(|(.., st)| st == "booking"))
                    .then(|| format!("app \"{name}\" has starter booking, but no service has starter booking")),
                _ => (s != first_starter).then(|| {
                    format!("app \"{name}\" has starter {s}, but the service that serves it, \"{first}\", has starter {first_starter}")
                }),
            })
        },
        message: "an app's starter calls the endpoints of the same starter on a service: the first service's (projects, chat), a NestJS service's (booking)",
        hint: "give the serving service the app's starter (`--starter <service>=<starter>`), or the app `--starter <app>=blank`",
    },
    Rule {
        id: "chat-needs-auth-service",
        broken: |c| {
            // Chat's conversations belong to the users the service signs up; a service that only
            // verifies tokens has no chat slice.
            c.services.iter().skip(1).find(|(_, _, s)| s == "chat").map(|(name, ..)| {
                format!("service \"{name}\" has starter chat but is not the first service of dfworx.yaml")
            })
        },
        message: "the chat starter is built into the service that owns auth (the first service)",
        hint: "give the first service `--starter <service>=chat`, and this one another starter (blank)",
    },
    Rule {
        id: "duplicate-extra",
        broken: |c| {
            c.with
                .iter()
                .enumerate()
                .find(|(i, e)| c.with[..*i].contains(e))
                .map(|(_, e)| format!("`with` lists {e} twice"))
        },
        message: "each extra service can be listed once",
        hint: "remove the repeated entry from `with:` in dfworx.yaml",
    },
];

/// Every unit of `c` with its kind, name and starter: apps first, then services.
fn units(c: &Choices) -> impl Iterator<Item = (UnitKind, &String, &String)> {
    let apps = c.apps.iter().map(|(n, s)| (UnitKind::App, n, s));
    apps.chain(c.services.iter().map(|(n, _, s)| (UnitKind::Service, n, s)))
}

/// The first unit with starter `name` in a workspace whose tenancy is not `tenancy`, described.
fn starter_outside(c: &Choices, name: &str, tenancy: Tenancy) -> Option<String> {
    if c.tenancy == tenancy {
        return None;
    }
    units(c)
        .find(|(.., s)| s.as_str() == name)
        .map(|(kind, n, _)| format!("{} \"{n}\" has starter {name} and tenancy is {}", kind.noun(), c.tenancy))
}

/// The first rule `choices` break, as an error naming the rule.
pub fn check(choices: &Choices) -> Result<(), UserError> {
    for rule in RULES {
        if let Some(what) = (rule.broken)(choices) {
            return Err(UserError::new(format!("{what}: {} (rule {})", rule.message, rule.id)).hint(rule.hint));
        }
    }
    Ok(())
}

/// The id of the first rule `choices` break, for tests.
#[cfg(test)]
pub fn broken_rule(choices: &Choices) -> Option<&'static str> {
    RULES.iter().find(|rule| (rule.broken)(choices).is_some()).map(|rule| rule.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_choices() -> Choices {
        Choices {
            tenancy: Tenancy::Org,
            with: vec![],
            services: vec![("auth-service".into(), Framework::Fastapi, DEFAULT_STARTER.into())],
            apps: vec![("web".into(), DEFAULT_STARTER.into())],
        }
    }

    #[test]
    fn the_default_workspace_breaks_no_rule() {
        assert_eq!(broken_rule(&default_choices()), None);
    }

    #[test]
    fn chat_lives_on_the_service_that_owns_auth_only() {
        let mut choices = default_choices();
        choices.apps[0].1 = "blank".into();
        choices.services[0].2 = "chat".into();
        choices.services.push(("billing".into(), Framework::Fastapi, "blank".into()));
        assert_eq!(broken_rule(&choices), None);
        choices.services.swap(0, 1);
        assert_eq!(broken_rule(&choices), Some("chat-needs-auth-service"));
    }

    #[test]
    fn rule_ids_are_unique() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(RULES[..i].iter().all(|other| other.id != rule.id), "{} twice", rule.id);
        }
    }
}

/// An oracle for [`RULES`], written without them: it says, for every combination of choices, which
/// combinations this dfworx can generate, and checks that the rules refuse exactly the others and
/// that every combination they accept renders in memory (no template error, no path made twice).
#[cfg(test)]
pub mod oracle {
    use super::*;
    use crate::manifest::Manifest;

    /// What this dfworx has templates for, stated directly, for a workspace with an app, a `FastAPI`
    /// service that owns auth and a second service of `framework`.
    fn buildable(tenancy: Tenancy, with: &[Extra], framework: Framework, starters: [Option<&str>; 3]) -> bool {
        // A unit without a starter gets projects with org tenancy on FastAPI (and apps), blank else.
        let default =
            |f: Framework| if tenancy == Tenancy::Org && f == Framework::Fastapi { "projects" } else { "blank" };
        let app = starters[0].unwrap_or(default(Framework::Fastapi));
        let auth = starters[1].unwrap_or(default(Framework::Fastapi));
        let second = starters[2].unwrap_or(default(framework));
        // Projects needs org; booking needs context; content needs schema; chat works with any
        // tenancy but schema (its tables name no tenant), on the service that owns auth only;
        // booking and content are NestJS's, and a NestJS service has blank besides.
        let tenancy_has = |s: &str| match tenancy {
            Tenancy::Org => ["projects", "blank", "chat"].contains(&s),
            Tenancy::Context => ["blank", "chat", "booking"].contains(&s),
            Tenancy::None => ["blank", "chat"].contains(&s),
            Tenancy::Schema => ["blank", "content"].contains(&s),
        };
        let units_ok = tenancy_has(app)
            && tenancy_has(auth)
            && tenancy_has(second)
            && ["projects", "blank", "chat"].contains(&auth)
            && match framework {
                Framework::Fastapi => ["projects", "blank"].contains(&second),
                Framework::Nestjs => ["blank", "booking", "content"].contains(&second),
            };
        // Any set of the extra services (each has its templates), but a set: none listed twice.
        let once = with.iter().enumerate().all(|(i, e)| !with[..i].contains(e));
        // The app calls its starter's endpoints: booking's on a booking service, the others' on the
        // service that owns auth; blank calls none.
        let served = match app {
            "blank" => true,
            "booking" => second == "booking",
            _ => app == auth,
        };
        once && units_ok && served
    }

    /// Every JSON and YAML file a combination renders parses (tsconfig files are JSON with comments).
    fn parses(path: &str, bytes: &[u8]) {
        let text = std::str::from_utf8(bytes).unwrap_or_else(|_| panic!("{path} is not UTF-8"));
        let name = path.rsplit('/').next().unwrap_or(path);
        let extension = std::path::Path::new(name).extension().and_then(|e| e.to_str()).unwrap_or_default();
        if extension == "json" && !name.starts_with("tsconfig") {
            serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        } else if extension == "yaml" || extension == "yml" {
            serde_saphyr::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }

    /// Every combination of choices, each as the manifest of a workspace with an app `web`, a
    /// `FastAPI` service `auth-service` and a service `api` of either framework (starters: none named,
    /// every known one, and one that does not exist); extras: none, all three, `PgBouncer` alone (the
    /// one templates test most), and one listed twice.
    pub fn every_combination() -> Vec<Manifest> {
        let starters =
            [None, Some("projects"), Some("blank"), Some("chat"), Some("booking"), Some("content"), Some("nope")];
        let lists =
            [vec![], Extra::ALL.to_vec(), vec![Extra::Pgbouncer], vec![Extra::N8n, Extra::Pgbouncer, Extra::N8n]];
        let mut all = Vec::new();
        for tenancy in Tenancy::ALL {
            for with in &lists {
                for framework in Framework::ALL {
                    for app in starters {
                        for auth in starters {
                            for second in starters {
                                let mut manifest =
                                    Manifest::new("acme", &["web".into()], &["auth-service".into(), "api".into()]);
                                manifest.tenancy = tenancy;
                                manifest.with.clone_from(with);
                                manifest.apps[0].starter = app.map(String::from);
                                manifest.services[0].starter = auth.map(String::from);
                                manifest.services[1].framework = Some(framework);
                                manifest.services[1].starter = second.map(String::from);
                                all.push(manifest);
                            }
                        }
                    }
                }
            }
        }
        all
    }

    /// Every file of `manifest`'s workspace, rendered in memory.
    pub fn render(manifest: &Manifest) -> Vec<crate::render::RenderedFile> {
        let set = crate::templates::TemplateSet::embedded().unwrap();
        let renderer = crate::render::Renderer::new(&set).unwrap();
        let secrets = crate::render::Secrets::fixed();
        let mut versions = crate::render::MigrationVersions::new(
            std::collections::BTreeMap::new(),
            "2026-01-01T00:00:00Z".parse().unwrap(),
        );
        renderer.render_all(manifest, &mut versions, &secrets).unwrap()
    }

    #[test]
    fn the_rules_refuse_exactly_what_cannot_be_generated_and_the_rest_renders() {
        let (mut accepted, mut refused) = (0, 0);
        for manifest in every_combination() {
            let (tenancy, with) = (manifest.tenancy, &manifest.with);
            let framework = manifest.services[1].framework();
            let starters = [
                manifest.apps[0].starter.as_deref(),
                manifest.services[0].starter.as_deref(),
                manifest.services[1].starter.as_deref(),
            ];
            let verdict = manifest.check();
            let expected = buildable(tenancy, with, framework, starters);
            assert_eq!(verdict.is_ok(), expected, "{tenancy} {with:?} {framework} {starters:?}: {verdict:?}");
            if expected {
                for file in render(&manifest) {
                    parses(&file.path, &file.contents);
                }
                accepted += 1;
            } else {
                let err = verdict.unwrap_err();
                assert!(err.message.contains("(rule "), "no rule id in: {}", err.message);
                refused += 1;
            }
        }
        assert_eq!(accepted + refused, 4 * 4 * 2 * 7 * 7 * 7);
        // Per list of extras: org 45, context 38, none 28, schema 20.
        assert_eq!(accepted, 3 * 131, "{accepted} accepted");
    }

    #[test]
    fn a_nestjs_service_never_owns_auth() {
        let mut manifest = Manifest::new("acme", &["web".into()], &["api".into()]);
        manifest.services[0].framework = Some(Framework::Nestjs);
        let err = manifest.check().unwrap_err();
        assert!(err.message.contains("(rule auth-service-is-fastapi)"), "{}", err.message);
    }
}
