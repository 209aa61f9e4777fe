//! The extra services of `with`, checked on every combination rendered in memory: the compose,
//! Coolify and CI files parse, every container has a health check, every `depends_on` names a
//! service that exists, every volume is declared, and every `${VAR}` the compose files read is
//! documented in `.env.example`. (No Docker engine is needed: `scripts/e2e.sh` and the generated
//! CI's infra job run `check-jsonschema` and `docker compose config` on top.)

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::manifest::Manifest;
use crate::render::{MigrationVersions, Renderer, Secrets};
use crate::stack::Extra;
use crate::templates::TemplateSet;

const BASE: &str = "infrastructure/docker/compose.yaml";
const OVERRIDES: [&str; 3] = [
    "infrastructure/docker/compose.dev.yaml",
    "infrastructure/docker/compose.prod.yaml",
    "infrastructure/docker/compose.gpu.yaml",
];
const COOLIFY: &str = "infrastructure/coolify/compose.yaml";
const CI: &str = ".github/workflows/ci.yml";

fn subsets() -> Vec<Vec<Extra>> {
    let all = Extra::ALL;
    (0..1u32 << all.len())
        .map(|mask| all.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, e)| *e).collect())
        .collect()
}

/// path → text of every file of the workspace `acme` (two apps, two services) with `with`.
fn render(set: &TemplateSet, with: &[Extra]) -> BTreeMap<String, String> {
    let renderer = Renderer::new(set).unwrap();
    let mut manifest =
        Manifest::new("acme", &["web".into(), "admin".into()], &["auth-service".into(), "billing".into()]);
    manifest.with = with.to_vec();
    let mut versions = MigrationVersions::new(BTreeMap::new(), "2026-01-01T00:00:00Z".parse().unwrap());
    renderer
        .render_all(&manifest, &mut versions, &Secrets::fixed())
        .unwrap_or_else(|err| panic!("with {with:?}: {err:#}"))
        .into_iter()
        .map(|f| (f.path, String::from_utf8(f.contents).unwrap()))
        .collect()
}

fn yaml(files: &BTreeMap<String, String>, path: &str, with: &[Extra]) -> Value {
    let text = files.get(path).unwrap_or_else(|| panic!("with {with:?}: no {path}"));
    serde_saphyr::from_str(text).unwrap_or_else(|err| panic!("with {with:?}: {path} is not YAML: {err}\n{text}"))
}

/// The names a compose file interpolates: `${NAME}`, `${NAME:-x}`, `${NAME:?message}`, ... in every
/// key and string of the parsed file (`$$` is a literal dollar).
fn interpolated(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => names_in(s, out),
        Value::Array(items) => items.iter().for_each(|v| interpolated(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                names_in(key, out);
                interpolated(v, out);
            }
        }
        _ => {}
    }
}

fn names_in(text: &str, out: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        if let Some(escaped) = after.strip_prefix('$') {
            rest = escaped;
        } else if let Some(inner) = after.strip_prefix('{') {
            let name: String = inner.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            out.insert(name);
            rest = inner;
        } else {
            rest = after;
        }
    }
}

fn env_example_keys(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(|line| line.split_once('=').map(|(key, _)| key.trim().to_string()))
        .collect()
}

fn services(file: &Value) -> &serde_json::Map<String, Value> {
    file["services"].as_object().expect("a compose file has services")
}

/// `depends_on` as a list or a map: the service names.
fn depends_on(service: &Value) -> Vec<String> {
    match &service["depends_on"] {
        Value::Array(names) => names.iter().filter_map(|n| n.as_str().map(str::to_string)).collect(),
        Value::Object(map) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// Named volumes a service mounts (`name:/path`, not `./dir:/path` or `/abs:/path`).
fn named_volumes(service: &Value) -> Vec<String> {
    service["volumes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .filter_map(|v| v.split_once(':').map(|(source, _)| source))
        .filter(|source| !source.starts_with(['.', '/', '~', '$']))
        .map(str::to_string)
        .collect()
}

/// A complete compose file (the base, or Coolify's): health checks, dependencies, volumes.
fn check_complete(path: &str, file: &Value, with: &[Extra]) {
    let defined = services(file);
    let volumes: BTreeSet<&String> = file["volumes"].as_object().map(|v| v.keys().collect()).unwrap_or_default();
    for (name, service) in defined {
        assert!(service["healthcheck"]["test"].is_array(), "with {with:?}: {path}: service {name} has no health check");
        for target in depends_on(service) {
            assert!(
                defined.contains_key(&target),
                "with {with:?}: {path}: {name} depends on {target}, which is no service"
            );
            assert_eq!(
                service["depends_on"][&target]["condition"], "service_healthy",
                "with {with:?}: {path}: {name} must wait for {target} to be healthy"
            );
        }
        for volume in named_volumes(service) {
            assert!(volumes.contains(&volume), "with {with:?}: {path}: {name} mounts volume {volume}, not declared");
        }
    }
    for extra in Extra::ALL {
        assert_eq!(
            defined.contains_key(extra.label()),
            with.contains(&extra),
            "with {with:?}: {path} and the service {extra} disagree"
        );
    }
}

#[test]
fn every_combination_of_extras_renders_compose_coolify_and_ci_that_hang_together() {
    let set = TemplateSet::embedded().unwrap();
    for with in subsets() {
        let files = render(&set, &with);
        let documented = env_example_keys(&files[".env.example"]);

        let base = yaml(&files, BASE, &with);
        check_complete(BASE, &base, &with);
        let coolify = yaml(&files, COOLIFY, &with);
        check_complete(COOLIFY, &coolify, &with);

        let mut read = BTreeSet::new();
        interpolated(&base, &mut read);
        for path in OVERRIDES.into_iter().filter(|p| files.contains_key(*p)) {
            let file = yaml(&files, path, &with);
            interpolated(&file, &mut read);
            // An override only changes services of the base file.
            for (name, service) in services(&file) {
                assert!(services(&base).contains_key(name), "with {with:?}: {path} overrides {name}, not in {BASE}");
                for target in depends_on(service) {
                    assert!(services(&base).contains_key(&target), "with {with:?}: {path}: {name} depends on {target}");
                }
            }
        }
        assert_eq!(
            files.contains_key("infrastructure/docker/compose.gpu.yaml"),
            with.contains(&Extra::Comfyui),
            "with {with:?}: the GPU override comes with ComfyUI only"
        );
        // Coolify generates its SERVICE_* variables itself; every other one is the user's to set.
        let mut coolify_read = BTreeSet::new();
        interpolated(&coolify, &mut coolify_read);
        read.extend(coolify_read.into_iter().filter(|name| !name.starts_with("SERVICE_")));
        let undocumented: Vec<&String> = read.iter().filter(|name| !documented.contains(*name)).collect();
        assert!(undocumented.is_empty(), "with {with:?}: compose files read {undocumented:?}, not in .env.example");
        if with.contains(&Extra::N8n) {
            assert!(documented.contains("N8N_ENCRYPTION_KEY"));
            assert!(files[".env"].contains(&format!("N8N_ENCRYPTION_KEY={}\n", "2".repeat(64))), "with {with:?}: .env");
        }

        let ci = yaml(&files, CI, &with);
        let jobs = ci["jobs"].as_object().expect("ci.yml has jobs");
        for (job, body) in jobs {
            for (name, container) in body["services"].as_object().into_iter().flatten() {
                let options = container["options"].as_str().unwrap_or_default();
                assert!(options.contains("--health-cmd"), "with {with:?}: CI job {job}: {name} has no health check");
            }
        }
        assert_eq!(
            jobs["python"]["services"].get("pgbouncer").is_some(),
            with.contains(&Extra::Pgbouncer),
            "with {with:?}: the python job tests through PgBouncer exactly when the workspace has it"
        );
    }
}

#[test]
fn interpolations_are_found_with_their_defaults_and_escapes_skipped() {
    let mut found = BTreeSet::new();
    names_in("${A} ${B:-x} ${C:?say ${D}} $$E ${F:---cpu} $G", &mut found);
    assert_eq!(found.into_iter().collect::<Vec<_>>(), ["A", "B", "C", "D", "F"]);
}
