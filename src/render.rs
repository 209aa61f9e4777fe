//! Rendering: one Tera instance built from the whole template set, every output file in memory.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

use crate::error::UserError;
use crate::manifest::Manifest;
use crate::relpath::RelPath;
use crate::roots::{Each, Root};
use crate::templates::{Ownership, RENDER_SUFFIX, TemplateFile, TemplateSet};
use crate::units::{Unit, Units};

/// One file as the templates say it should be (tests look at whole renders).
#[cfg(test)]
#[derive(Clone, Debug)]
pub struct RenderedFile {
    pub path: String,
    pub contents: Vec<u8>,
    pub template: String,
}

#[derive(Serialize)]
struct WorkspaceVars<'a> {
    name: &'a str,
    scope: String,
    title: String,
    snake: String,
}

/// Values only the gitignored `.env` holds, random per `dfworx new`.
#[derive(Clone, Debug, Serialize)]
pub struct Secrets {
    /// Signs the access tokens (Supabase's `jwt_secret`).
    pub jwt_secret: String,
    /// The password of the services' database role (`API_DB_PASSWORD`).
    pub api_db_password: String,
    /// The key n8n encrypts its stored credentials with (`N8N_ENCRYPTION_KEY`; only `with: [n8n]`).
    pub n8n_encryption_key: String,
}

impl Secrets {
    /// Stand-ins for tests: every render with them gives the same bytes.
    #[cfg(test)]
    pub fn fixed() -> Self {
        Self { jwt_secret: "0".repeat(64), api_db_password: "1".repeat(64), n8n_encryption_key: "2".repeat(64) }
    }

    /// Fresh ones: 32 random bytes as hex each (safe inside URLs).
    pub fn random() -> anyhow::Result<Self> {
        Ok(Self {
            jwt_secret: random_secret()?,
            api_db_password: random_secret()?,
            n8n_encryption_key: random_secret()?,
        })
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Migration {
    pub version: String,
    pub name: String,
    pub file: String,
}

/// Migration versions: those the workspace already has keep theirs; new ones are numbered after them.
///
/// A migration is known by its name (`public_schema`, `app_web_schema`), never by the template it comes
/// from or by the state: a workspace whose state is lost, or whose templates moved, finds its migrations
/// on disk and keeps their versions instead of adding them again under new ones.
pub struct MigrationVersions {
    known: BTreeMap<String, String>,
    next: jiff::Timestamp,
}

const VERSION_FORMAT: &str = "%Y%m%d%H%M%S";

impl MigrationVersions {
    /// `known`: migration name → version, from the workspace state and from `supabase/migrations`.
    pub fn new(known: BTreeMap<String, String>, now: jiff::Timestamp) -> Self {
        let newest = known.values().filter_map(|v| parse_version(v)).max();
        let next = match newest {
            Some(newest) if newest >= now => newest + jiff::SignedDuration::from_secs(1),
            _ => now,
        };
        Self { known, next }
    }

    fn version_for(&mut self, name: &str) -> String {
        if let Some(version) = self.known.get(name) {
            return version.clone();
        }
        let version = self.next.strftime(VERSION_FORMAT).to_string();
        self.next += jiff::SignedDuration::from_secs(1);
        self.known.insert(name.to_string(), version.clone());
        version
    }
}

/// `20260101000000_public_schema.sql` → (`public_schema`, `20260101000000`).
pub fn migration_file_name(file: &str) -> Option<(&str, &str)> {
    let stem = file.strip_suffix(".sql")?;
    let (version, name) = stem.split_once('_')?;
    (!version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty()).then_some((name, version))
}

/// The time new migration versions are taken from: now, or `SOURCE_DATE_EPOCH` (seconds since 1970)
/// when set, the convention for reproducible output.
pub fn now() -> jiff::Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(jiff::Timestamp::now)
}

fn parse_version(version: &str) -> Option<jiff::Timestamp> {
    jiff::tz::TimeZone::UTC.to_timestamp(jiff::civil::DateTime::strptime(VERSION_FORMAT, version).ok()?).ok()
}

pub struct Renderer<'a> {
    set: &'a TemplateSet,
    tera: tera::Tera,
}

/// One file the templates produce, before its contents are rendered. Listing jobs is cheap; rendering
/// happens only for the files a command needs to look at.
#[derive(Clone, Debug)]
pub struct Job {
    pub path: RelPath,
    pub ownership: Ownership,
    pub executable: bool,
    /// Index into the template set's files.
    template: usize,
    unit: Option<Unit>,
}

impl Job {
    pub fn unit_key(&self) -> Option<String> {
        self.unit.as_ref().map(Unit::key)
    }
}

/// Everything the templates see, built once per command.
pub struct Rendering {
    pub jobs: Vec<Job>,
    /// One context for every file; `unit` is set (or removed) before each render instead of cloning
    /// the whole context (every unit of the workspace) once per file.
    context: std::cell::RefCell<tera::Context>,
}

impl<'a> Renderer<'a> {
    /// Parses every `.tera` file once; a syntax error names the template.
    pub fn new(set: &'a TemplateSet) -> anyhow::Result<Self> {
        let mut tera = tera::Tera::new();
        // Nothing we render is HTML; escaping would corrupt JSON, SQL and shell.
        tera.autoescape_on(Vec::<&str>::new());
        let mut sources = Vec::new();
        for file in set.files.iter().filter(|f| f.is_rendered()) {
            let text = std::str::from_utf8(&file.contents)
                .map_err(|_| UserError::new(format!("template {} in {} is not UTF-8", file.path, set.origin)))?;
            sources.push((file.path.as_str(), text));
        }
        tera.add_raw_templates(sources)
            .map_err(|err| UserError::new(format!("a template in {} does not parse:\n{err}", set.origin)))?;
        Ok(Self { set, tera })
    }

    /// Lists every file of the workspace described by `manifest`, sorted by path, and builds the
    /// context they render with. Nothing is rendered yet.
    pub fn plan(
        &self,
        manifest: &Manifest,
        versions: &mut MigrationVersions,
        secrets: &Secrets,
    ) -> anyhow::Result<Rendering> {
        let units = Units::of(manifest);
        let index = |file: &TemplateFile| -> usize {
            self.set.files.iter().position(|f| std::ptr::eq(f, file)).expect("file of this set")
        };
        let mut jobs = Vec::new();
        let mut push = |file: &TemplateFile, path: String, unit: Option<&Unit>| -> Result<(), UserError> {
            // Template paths come from a directory the user may have edited: they must stay inside.
            let path = RelPath::parse(&path, &format!("template {} in {}", file.path, self.set.origin))?;
            jobs.push(Job {
                ownership: self.set.ownership.owner_of(path.as_str()),
                executable: path.as_str().starts_with("scripts/")
                    || Path::new(path.as_str()).extension().is_some_and(|e| e.eq_ignore_ascii_case("sh")),
                template: index(file),
                unit: unit.cloned(),
                path,
            });
            Ok(())
        };

        // Versions first: the docs and config list every migration. Every `migrations` root that
        // applies contributes its NN_<name> files, numbered across roots.
        let mut migrations = Vec::new();
        let mut shared: Vec<(&TemplateFile, &Root)> = Vec::new();
        for root in self.set.roots.iter().filter(|r| r.each == Each::Migrations && r.applies(manifest, None)) {
            shared.extend(self.set.under(root).map(|file| (file, root)));
        }
        shared.sort_by(|a, b| file_name(a.0).cmp(file_name(b.0)));
        for (file, _) in shared {
            let stem = shared_migration_stem(file);
            let version = versions.version_for(&stem);
            push(file, format!("supabase/migrations/{version}_{stem}.sql"), None)?;
            migrations.push(Migration { file: format!("{version}_{stem}.sql"), name: stem, version });
        }
        for app in &units.apps {
            for root in
                self.set.roots.iter().filter(|r| r.each == Each::AppMigrations && r.applies(manifest, Some(app)))
            {
                for file in self.set.under(root) {
                    let stem = file_stem(file);
                    if let Some(test) = stem.strip_suffix("_test") {
                        push(file, format!("supabase/tests/app_{}_{test}.test.sql", app.snake), Some(app))?;
                    } else {
                        let name = format!("app_{}_{stem}", app.snake);
                        let version = versions.version_for(&name);
                        push(file, format!("supabase/migrations/{version}_{name}.sql"), Some(app))?;
                        migrations.push(Migration { file: format!("{version}_{name}.sql"), name, version });
                    }
                }
            }
        }
        migrations.sort_by(|a, b| a.version.cmp(&b.version));

        // Then every other root, in table order: once for the workspace, once per unit of its kind.
        for root in &self.set.roots {
            let each: &[Unit] = match root.each {
                Each::Workspace => {
                    if root.applies(manifest, None) {
                        for file in self.set.under(root) {
                            push(file, file.output_path(&root.dir, None), None)?;
                        }
                    }
                    continue;
                }
                Each::App => &units.apps,
                Each::Service => &units.services,
                Each::Package => &units.packages,
                // Partials reach the workspace only through the templates that include them.
                Each::Migrations | Each::AppMigrations | Each::Include => continue,
            };
            // Overlays (several roots for one unit) only add files: a path made twice is refused below.
            for unit in each.iter().filter(|u| root.applies(manifest, Some(u))) {
                for file in self.set.under(root) {
                    push(file, format!("{}/{}", unit.dir, file.output_path(&root.dir, Some(&unit.snake))), Some(unit))?;
                }
            }
        }
        jobs.sort_by(|a, b| a.path.cmp(&b.path));
        if let Some(pair) = jobs.windows(2).find(|w| w[0].path == w[1].path) {
            anyhow::bail!(
                "two templates render to {}: {} and {}",
                pair[0].path,
                self.set.files[pair[0].template].path,
                self.set.files[pair[1].template].path
            );
        }

        let mut context = tera::Context::new();
        context.insert("dfworx_version", env!("CARGO_PKG_VERSION"));
        context.insert(
            "workspace",
            &WorkspaceVars {
                name: &manifest.name,
                scope: format!("@{}", manifest.name),
                title: crate::names::title(&manifest.name),
                snake: crate::names::snake(&manifest.name),
            },
        );
        context.insert("apps", &units.apps);
        context.insert("services", &units.services);
        context.insert("packages", &units.packages);
        // The workspace's stack choices (see crate::stack): a template condition tests one of them.
        context.insert("tenancy", &manifest.tenancy);
        context.insert("with", &manifest.with);
        // The service that owns sign-up and sign-in (null when the workspace has none): what the apps call.
        context.insert("auth_service", &units.services.iter().find(|s| s.owns_auth));
        context.insert("migrations", &migrations);
        context.insert("options", &crate::units::Toolchain::of(&manifest.options)?);
        context.insert("secrets", secrets);
        Ok(Rendering { jobs, context: std::cell::RefCell::new(context) })
    }

    /// The template a job comes from, relative to the template set.
    pub fn template_of(&self, job: &Job) -> &str {
        &self.set.files[job.template].path
    }

    /// The bytes of one file.
    pub fn render(&self, rendering: &Rendering, job: &Job) -> anyhow::Result<Vec<u8>> {
        let file = &self.set.files[job.template];
        if !file.is_rendered() {
            return Ok(file.contents.to_vec());
        }
        let text = {
            let mut context = rendering.context.borrow_mut();
            match &job.unit {
                Some(unit) => context.insert("unit", unit),
                None => drop(context.remove("unit")),
            }
            self.tera.render(&file.path, &context)
        }
        .map_err(|err| {
            let whom = job.unit.as_ref().map(|u| format!(" for {}", u.key())).unwrap_or_default();
            UserError::new(format!("template {}{whom} failed to render:\n{err}", file.path))
        })
        .with_context(|| format!("while rendering {}", job.path))?;
        Ok(normalise_newlines(text).into_bytes())
    }

    /// Every file, rendered (for tests and for commands that need them all).
    #[cfg(test)]
    pub fn render_all(
        &self,
        manifest: &Manifest,
        versions: &mut MigrationVersions,
        secrets: &Secrets,
    ) -> anyhow::Result<Vec<RenderedFile>> {
        let rendering = self.plan(manifest, versions, secrets)?;
        rendering
            .jobs
            .iter()
            .map(|job| {
                Ok(RenderedFile {
                    contents: self.render(&rendering, job)?,
                    path: job.path.to_string(),
                    template: self.template_of(job).to_string(),
                })
            })
            .collect()
    }
}

fn normalise_newlines(text: String) -> String {
    if text.contains('\r') { text.replace("\r\n", "\n") } else { text }
}

/// `migrations/shared/02_public_schema.sql.tera` → `02_public_schema.sql.tera`.
fn file_name(file: &TemplateFile) -> &str {
    file.path.rsplit('/').next().unwrap_or(&file.path)
}

fn file_stem(file: &TemplateFile) -> &str {
    let name = file.path.rsplit('/').next().unwrap_or(&file.path);
    let name = name.strip_suffix(RENDER_SUFFIX).unwrap_or(name);
    name.strip_suffix(".sql").unwrap_or(name)
}

/// `migrations/shared/02_public_schema.sql.tera` → `public_schema` (the number only orders them).
fn shared_migration_stem(file: &TemplateFile) -> String {
    let stem = file_stem(file);
    stem.split_once('_').filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit())).map_or(stem, |(_, s)| s).to_string()
}

/// A fresh secret: 32 random bytes as hex.
fn random_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("no randomness available: {err}"))?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undefined_variable_is_an_error_naming_it() {
        let mut tera = tera::Tera::new();
        tera.add_raw_template("t.tera", "{{ workspace.nmae }}").unwrap();
        let mut context = tera::Context::new();
        context.insert("workspace", &serde_json::json!({"name": "acme"}));
        let err = tera.render("t.tera", &context).unwrap_err().to_string();
        assert!(err.contains("nmae"), "{err}");
    }

    #[test]
    fn versions_already_recorded_are_kept_and_new_ones_come_after_them() {
        let mut known = BTreeMap::new();
        known.insert("app_web_schema".to_string(), "20300101000000".to_string());
        let mut versions = MigrationVersions::new(known, "2026-01-01T00:00:00Z".parse().unwrap());
        assert_eq!(versions.version_for("app_web_schema"), "20300101000000");
        assert_eq!(versions.version_for("app_admin_schema"), "20300101000001");
    }

    #[test]
    fn migration_file_names_split_into_name_and_version() {
        assert_eq!(
            migration_file_name("20260101000000_app_web_schema.sql"),
            Some(("app_web_schema", "20260101000000"))
        );
        assert_eq!(migration_file_name("x_y.sql"), None);
        assert_eq!(migration_file_name("1_.sql"), None);
        assert_eq!(migration_file_name("1_a.txt"), None);
    }

    /// Two apps, two services (one owning auth), a package of each language, with `tenancy`: every
    /// kind of unit. Tenancies other than org take the blank starter (the projects one needs org).
    fn full_manifest(tenancy: crate::stack::Tenancy) -> Manifest {
        let mut manifest =
            Manifest::new("acme", &["web".into(), "admin".into()], &["auth-service".into(), "billing".into()]);
        // Every extra service, so that the files only they bring are rendered too.
        manifest.with = vec![crate::stack::Extra::Pgbouncer, crate::stack::Extra::N8n, crate::stack::Extra::Comfyui];
        manifest.packages.push(crate::manifest::Package { name: "shared-lib".into(), lang: crate::manifest::Lang::Ts });
        manifest
            .packages
            .push(crate::manifest::Package { name: "py-tools".into(), lang: crate::manifest::Lang::Python });
        manifest.tenancy = tenancy;
        if tenancy != crate::stack::Tenancy::Org {
            for unit in manifest.apps.iter_mut().chain(manifest.services.iter_mut()) {
                unit.starter = Some("blank".into());
            }
        }
        manifest.check().unwrap();
        manifest
    }

    fn render_full(now: &str, tenancy: crate::stack::Tenancy) -> Vec<RenderedFile> {
        render_manifest(now, &full_manifest(tenancy))
    }

    fn render_manifest(now: &str, manifest: &Manifest) -> Vec<RenderedFile> {
        let set = TemplateSet::embedded().unwrap();
        let renderer = Renderer::new(&set).unwrap();
        let mut versions = MigrationVersions::new(BTreeMap::new(), now.parse().unwrap());
        renderer.render_all(manifest, &mut versions, &Secrets::fixed()).unwrap()
    }

    /// `manifest` with a `NestJS` service `name` of `starter` added, rendered.
    fn render_with_nestjs(mut manifest: Manifest, name: &str, starter: &str) -> Vec<RenderedFile> {
        let mut api = crate::manifest::PortedUnit::new(name, 8090);
        api.framework = Some(crate::stack::Framework::Nestjs);
        api.starter = Some(starter.into());
        manifest.services.push(api);
        manifest.check().unwrap();
        render_manifest("2026-01-01T00:00:00Z", &manifest)
    }

    #[test]
    fn every_embedded_template_renders_for_every_kind_of_unit_and_tenancy() {
        use crate::stack::Tenancy;
        let set = TemplateSet::embedded().unwrap();
        let mut files: Vec<RenderedFile> = [Tenancy::Org, Tenancy::Context, Tenancy::Schema, Tenancy::None]
            .into_iter()
            .flat_map(|tenancy| render_full("2026-01-01T00:00:00Z", tenancy))
            .collect();
        // The chat starter on the service that owns auth, with a chat app beside a blank one.
        let mut chat = full_manifest(Tenancy::None);
        chat.services[0].starter = Some("chat".into());
        chat.apps[0].starter = Some("chat".into());
        chat.check().unwrap();
        files.extend(render_manifest("2026-01-01T00:00:00Z", &chat));
        // The booking preset's stack: a NestJS booking service beside the auth service, a booking app.
        files.extend(schema_tenancy_migrations());
        let mut booking = full_manifest(Tenancy::Context);
        booking.apps[0].starter = Some("booking".into());
        files.extend(render_with_nestjs(booking, "bookings-api", "booking"));
        // The tenant-schemas preset's stack: a NestJS content service beside the auth service, with
        // every extra (n8n's publishing, ComfyUI's images).
        files.extend(render_with_nestjs(full_manifest(Tenancy::Schema), "content-api", "content"));
        let used: std::collections::BTreeSet<&str> = files.iter().map(|f| f.template.as_str()).collect();
        for template in set.files.iter().filter(|f| f.path != "ownership.yaml" && f.path != crate::roots::ROOTS_FILE) {
            let part = crate::roots::owner(&set.roots, &template.path).is_some_and(|r| r.each == Each::Include);
            if part {
                let include = format!("include \"{}\"", template.path);
                let includers = set.files.iter().filter(|f| String::from_utf8_lossy(&f.contents).contains(&include));
                assert!(
                    includers.filter(|f| used.contains(f.path.as_str())).count() > 0,
                    "nothing includes {}",
                    template.path
                );
            } else {
                assert!(used.contains(template.path.as_str()), "{} was never rendered", template.path);
            }
        }
        for file in files.iter().filter(|f| f.template.ends_with(RENDER_SUFFIX)) {
            let text = String::from_utf8(file.contents.clone()).unwrap();
            assert!(!text.contains('\r'), "{} has CR line endings", file.path);
        }
    }

    /// ruff's line length (the workspace's pyproject.toml: 100) holds for every Python file whatever
    /// the workspace is called: a name of the longest length dfworx accepts is rendered into lines.
    #[test]
    fn python_lines_stay_within_ruff_line_length_with_the_longest_workspace_name() {
        use crate::stack::Tenancy;
        let set = TemplateSet::embedded().unwrap();
        let renderer = Renderer::new(&set).unwrap();
        let long = "a".repeat(40);
        assert!(crate::names::validate(crate::names::NameRole::Workspace, &long).is_ok());
        for tenancy in [Tenancy::Org, Tenancy::Context, Tenancy::None] {
            let mut manifest = full_manifest(tenancy);
            manifest.name.clone_from(&long);
            let mut versions = MigrationVersions::new(BTreeMap::new(), "2026-01-01T00:00:00Z".parse().unwrap());
            for file in renderer.render_all(&manifest, &mut versions, &Secrets::fixed()).unwrap() {
                if std::path::Path::new(&file.path).extension().is_none_or(|e| e != "py") {
                    continue;
                }
                for (number, line) in String::from_utf8_lossy(&file.contents).lines().enumerate() {
                    // As ruff's E501: a line ending in a pragma comment is exempt.
                    let pragma = line.contains("# type: ignore") || line.contains("# noqa");
                    assert!(pragma || line.chars().count() <= 100, "{}:{} is over 100: {line}", file.path, number + 1);
                }
            }
        }
    }

    #[test]
    fn a_partial_lands_only_where_a_template_includes_it() {
        let file = |path: &str, text: &'static str| TemplateFile {
            path: path.into(),
            contents: std::borrow::Cow::Borrowed(text.as_bytes()),
        };
        let set = TemplateSet::from_files(
            vec![
                file("ownership.yaml", "rules: []\ndefault: managed\n"),
                file("roots.yaml", "roots: [{dir: workspace, for: workspace}, {dir: partials, for: include}]\n"),
                file("workspace/compose.yaml.tera", "services:\n{% include \"partials/db.yaml.tera\" %}"),
                file("partials/db.yaml.tera", "  db: {{ workspace.name }}\n"),
            ],
            "test templates".into(),
        )
        .unwrap();
        let renderer = Renderer::new(&set).unwrap();
        let mut versions = MigrationVersions::new(BTreeMap::new(), "2026-01-01T00:00:00Z".parse().unwrap());
        let files = renderer.render_all(&Manifest::new("acme", &[], &[]), &mut versions, &Secrets::fixed()).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["compose.yaml"]);
        assert_eq!(String::from_utf8_lossy(&files[0].contents), "services:\n  db: acme\n");

        let err = TemplateSet::from_files(
            vec![
                file("ownership.yaml", "rules: []\ndefault: managed\n"),
                file("roots.yaml", "roots: [{dir: partials, for: include}]\n"),
                file("partials/db.yaml", "db:\n"),
            ],
            "test templates".into(),
        )
        .err()
        .expect("a partial that is not .tera is refused");
        assert!(err.to_string().contains("partials/db.yaml"), "{err}");
        assert!(err.to_string().contains("include-only"), "{err}");
    }

    #[test]
    fn every_partial_is_included_by_some_template() {
        let set = TemplateSet::embedded().unwrap();
        let texts: Vec<String> = set
            .files
            .iter()
            .filter(|f| f.is_rendered())
            .map(|f| String::from_utf8_lossy(&f.contents).into_owned())
            .collect();
        for partial in set
            .files
            .iter()
            .filter(|f| crate::roots::owner(&set.roots, &f.path).is_some_and(|r| r.each == crate::roots::Each::Include))
        {
            let include = format!("{{% include \"{}\" %}}", partial.path);
            assert!(texts.iter().any(|t| t.contains(&include)), "no template includes {}", partial.path);
        }
    }

    #[test]
    fn rendering_twice_gives_identical_bytes() {
        let a = render_full("2026-01-01T00:00:00Z", crate::stack::Tenancy::Context);
        let b = render_full("2026-01-01T00:00:00Z", crate::stack::Tenancy::Context);
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.path, y.path);
            assert!(x.contents == y.contents, "{} differs between two renders", x.path);
        }
    }

    /// The migrations of a `tenancy: schema` workspace without its apps' schemas: the shared ones, the
    /// registry and the tenant tables.
    fn schema_tenancy_migrations() -> Vec<RenderedFile> {
        let mut manifest = Manifest::new("acme", &["web".into()], &["auth-service".into()]);
        manifest.tenancy = crate::stack::Tenancy::Schema;
        for unit in manifest.apps.iter_mut().chain(manifest.services.iter_mut()) {
            unit.starter = Some("blank".into());
        }
        render_manifest("2026-01-01T00:00:00Z", &manifest)
            .into_iter()
            .filter(|f| f.path.starts_with("supabase/migrations/") && !f.path.contains("_app_"))
            .collect()
    }

    /// tests/fixtures/tenancy-schema holds what the migrate stories of schema tenancy (tests/tenants.rs)
    /// apply: the shared migrations and the schema tenancy's registry, as `dfworx new` would render
    /// them. `DFWORX_BLESS=1 cargo test schema_tenancy_fixture` writes them again after a template change.
    #[test]
    fn the_schema_tenancy_fixture_is_what_the_templates_render() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tenancy-schema/migrations");
        let files = schema_tenancy_migrations();
        assert!(files.iter().any(|f| f.template.ends_with("tenancy/schema/03_tenants.sql.tera")));
        let bless = std::env::var_os("DFWORX_BLESS").is_some();
        if bless {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
        }
        let mut expected: Vec<String> = Vec::new();
        for f in &files {
            let name = f.path.trim_start_matches("supabase/migrations/");
            expected.push(name.to_string());
            if bless {
                std::fs::write(dir.join(name), &f.contents).unwrap();
            }
            let on_disk = std::fs::read(dir.join(name)).unwrap_or_default();
            assert!(on_disk == f.contents, "{name} is stale: run DFWORX_BLESS=1 cargo test schema_tenancy_fixture");
        }
        let mut found: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "run DFWORX_BLESS=1 cargo test schema_tenancy_fixture");
    }
}
