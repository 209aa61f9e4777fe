//! Names, and every identifier derived from them, checked before anything is written.
//!
//! A unit name becomes a directory, an npm package (`@acme/web`), a Python distribution and module
//! (`auth_service`), a compose service, an environment prefix and, for apps, a database schema
//! (`app_web`). Each layer is checked so that no later tool rejects what dfworx wrote.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToTitleCase, ToUpperCamelCase};
use serde::Serialize;

use crate::error::UserError;

/// Postgres truncates identifiers longer than this many bytes (`NAMEDATALEN - 1`).
const PG_IDENTIFIER_MAX: usize = 63;
/// Long enough for any sensible name; short enough to keep `app_<name>` and env prefixes readable.
const NAME_MAX: usize = 40;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, Hash, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    App,
    Service,
    Package,
}

impl UnitKind {
    pub fn noun(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Service => "service",
            Self::Package => "package",
        }
    }
}

/// What the user means by a name: the workspace itself or one of its units.
#[derive(Clone, Copy, Debug)]
pub enum NameRole {
    Workspace,
    Unit(UnitKind),
}

impl NameRole {
    fn noun(self) -> &'static str {
        match self {
            Self::Workspace => "workspace",
            Self::Unit(kind) => kind.noun(),
        }
    }
}

/// Python keywords: a module named after one cannot be imported.
const PYTHON_KEYWORDS: &[&str] = &[
    "false", "none", "true", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Standard-library modules a service module would shadow (the ones people actually pick as names).
const PYTHON_STDLIB: &[&str] = &[
    "abc",
    "argparse",
    "array",
    "ast",
    "asyncio",
    "base64",
    "builtins",
    "calendar",
    "code",
    "collections",
    "contextlib",
    "copy",
    "csv",
    "dataclasses",
    "datetime",
    "decimal",
    "email",
    "enum",
    "functools",
    "glob",
    "hashlib",
    "html",
    "http",
    "importlib",
    "inspect",
    "io",
    "json",
    "logging",
    "math",
    "operator",
    "os",
    "pathlib",
    "pickle",
    "platform",
    "queue",
    "random",
    "re",
    "secrets",
    "select",
    "shutil",
    "signal",
    "site",
    "socket",
    "sqlite3",
    "ssl",
    "stat",
    "string",
    "struct",
    "subprocess",
    "sys",
    "tempfile",
    "test",
    "threading",
    "time",
    "token",
    "tokenize",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uuid",
    "warnings",
    "xml",
    "zipfile",
];

/// Device names Windows reserves in every directory (any case, any extension): a unit directory
/// named after one cannot be created or checked out there.
fn is_windows_device(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL") {
        return true;
    }
    let numbered = upper.strip_prefix("COM").or_else(|| upper.strip_prefix("LPT"));
    numbered.is_some_and(|digit| digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit())
}

/// Environment variables the templates define for themselves, in `.env`, `.env.example`, the compose
/// files, Coolify, CI and the Dockerfiles. A unit's own variable (its env prefix plus a suffix of
/// [`DERIVED_ENV_SUFFIXES`]) must not equal one: `dfworx add service database` would otherwise point
/// `DATABASE_URL` at `http://database:8002`. `tests::every_key_the_templates_define_is_listed` reads
/// the templates, so a key added there without being added here fails the build.
pub const FIXED_ENV_KEYS: &[&str] = &[
    "ACCESS_TOKEN_EXPIRE_MINUTES",
    "AI_DEFAULT_PROVIDER",
    "ANTHROPIC_API_KEY",
    "API_DB_PASSWORD",
    "AUTH_TYPE",
    "CHAT_MESSAGES_PER_MINUTE",
    "CLI_ARGS",
    "COMFYUI_CLI_ARGS",
    "COMFYUI_GPU_CLI_ARGS",
    "COMFYUI_GPU_IMAGE",
    "COMFYUI_PORT",
    "COMFYUI_URL",
    "COOLIFY_RESOURCE_UUID",
    "COOLIFY_TOKEN",
    "COOLIFY_URL",
    "CORS_ORIGINS",
    "DATABASE_URL",
    "DB_HOST",
    "DB_PASSWORD",
    "DB_PORT",
    "DB_POSTGRESDB_DATABASE",
    "DB_POSTGRESDB_HOST",
    "DB_POSTGRESDB_PASSWORD",
    "DB_POSTGRESDB_PORT",
    "DB_POSTGRESDB_SCHEMA",
    "DB_POSTGRESDB_USER",
    "DB_TYPE",
    "DB_USER",
    "DEFAULT_POOL_SIZE",
    "DO_NOT_TRACK",
    "ENVIRONMENT",
    "GENERIC_TIMEZONE",
    "HOST",
    "HOSTNAME",
    "IMAGE_TAG",
    "JWT_ALGORITHM",
    "JWT_SECRET",
    "LISTEN_PORT",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "MAX_CLIENT_CONN",
    "MAX_PREPARED_STATEMENTS",
    "MIGRATION_DATABASE_URL",
    "N8N_API_KEY",
    "N8N_DIAGNOSTICS_ENABLED",
    "N8N_EDITOR_BASE_URL",
    "N8N_ENCRYPTION_KEY",
    "N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS",
    "N8N_PORT",
    "N8N_PUBLISH_WEBHOOK",
    "N8N_URL",
    "N8N_WEBHOOK_URL",
    "NEXT_TELEMETRY_DISABLED",
    "NODE_ENV",
    "OPENAI_API_KEY",
    "PATH",
    "PGBOUNCER_PORT",
    "PGHOST",
    "PGPASSWORD",
    "PGPORT",
    "PGUSER",
    "PNPM_HOME",
    "POOL_MODE",
    "PORT",
    "POSTGRES_DB",
    "POSTGRES_PASSWORD",
    "POSTGRES_PORT",
    "POSTGRES_USER",
    "PUBLISH_ADDRESS",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONUNBUFFERED",
    "REDISCLI_AUTH",
    "REDIS_PASSWORD",
    "REDIS_PORT",
    "REDIS_URL",
    "REFRESH_TOKEN_EXPIRE_DAYS",
    "SERVICE_URL_N8N_5678",
    "TEST_DATABASE_URL",
    "TEST_PGBOUNCER_URL",
    "TEST_REDIS_URL",
    "TURBO_TELEMETRY_DISABLED",
    "UV_COMPILE_BYTECODE",
    "UV_LINK_MODE",
    "UV_PROJECT_ENVIRONMENT",
    "UV_PYTHON_DOWNLOADS",
    "WEBHOOK_URL",
];

/// What the templates append to a unit's env prefix to make its own variables: service `billing`
/// becomes `BILLING_URL` for the apps.
pub const DERIVED_ENV_SUFFIXES: &[&str] = &["_URL"];

/// Variable namespaces that another part of the stack reads as its own, so a unit's variable must stay
/// out of them (they are also where the templates' other derived keys live).
const FOREIGN_ENV_PREFIXES: &[(&str, &str)] = &[
    (
        "SERVICE_",
        "Coolify treats SERVICE_* variables of infrastructure/coolify/compose.yaml as its own (the \
         templates derive SERVICE_URL_<NAME>_<PORT> there) and generates values for them",
    ),
    ("NEXT_PUBLIC_", "Next.js inlines NEXT_PUBLIC_* variables into the JavaScript it sends to browsers"),
];

/// Python distributions the templates install (PEP 503 normalised), with the module each is imported
/// as. A uv workspace member of the same distribution name takes that dependency's place, and a
/// module of the same name shadows it on import. The direct dependencies are checked against the
/// templates' `pyproject.toml` files by `tests::every_python_dependency_of_the_templates_is_listed`;
/// the rest are what those pull in, which a same-named module shadows just the same.
const PYTHON_DEPENDENCIES: &[(&str, &str)] = &[
    // Direct: services, python-common, the root's dev group and the build backend.
    ("bcrypt", "bcrypt"),
    ("fastapi", "fastapi"),
    ("httpx2", "httpx2"),
    ("psycopg", "psycopg"),
    ("pydantic", "pydantic"),
    ("pydantic-settings", "pydantic_settings"),
    ("pyjwt", "jwt"),
    ("pytest", "pytest"),
    ("redis", "redis"),
    ("ruff", "ruff"),
    ("uv-build", "uv_build"),
    ("uvicorn", "uvicorn"),
    // Extras: psycopg[binary,pool], pydantic[email], uvicorn[standard].
    ("psycopg-binary", "psycopg_binary"),
    ("psycopg-pool", "psycopg_pool"),
    ("email-validator", "email_validator"),
    ("dnspython", "dns"),
    ("httptools", "httptools"),
    ("python-dotenv", "dotenv"),
    ("pyyaml", "yaml"),
    ("uvloop", "uvloop"),
    ("watchfiles", "watchfiles"),
    ("websockets", "websockets"),
    // What those depend on in turn.
    ("annotated-types", "annotated_types"),
    ("anyio", "anyio"),
    ("click", "click"),
    ("h11", "h11"),
    ("httpx", "httpx"),
    ("idna", "idna"),
    ("iniconfig", "iniconfig"),
    ("packaging", "packaging"),
    ("pluggy", "pluggy"),
    ("pydantic-core", "pydantic_core"),
    ("pygments", "pygments"),
    ("starlette", "starlette"),
    ("typing-extensions", "typing_extensions"),
    ("typing-inspection", "typing_inspection"),
];

/// What uv puts in every virtual environment's `bin/`: a service's console script (`uv run <name>`,
/// see its pyproject.toml) of the same name would replace it.
const VENV_EXECUTABLES: &[&str] = &["python", "python3", "activate"];

/// Names that would collide with what every workspace already holds, or that a tool reserves.
const RESERVED: &[(&str, &str)] = &[
    ("node_modules", "npm reserves it"),
    ("favicon.ico", "npm reserves it"),
    ("apps", "it is a workspace directory"),
    ("services", "it is a workspace directory"),
    ("packages", "it is a workspace directory"),
    ("infrastructure", "it is a workspace directory"),
    ("scripts", "it is a workspace directory"),
    ("supabase", "it is a workspace directory"),
    ("docs", "it is a workspace directory"),
    ("postgres", "it is a compose service of every workspace"),
    ("redis", "it is a compose service of every workspace"),
    ("pgbouncer", "it is the compose service of `with: [pgbouncer]`"),
    ("n8n", "it is the compose service of `with: [n8n]`"),
    ("comfyui", "it is the compose service of `with: [comfyui]`"),
    ("ui", "packages/ui already exists in every workspace"),
    ("types", "packages/types already exists in every workspace"),
    ("api-client", "packages/api-client already exists in every workspace"),
    ("config", "packages/config already exists in every workspace"),
    ("python-common", "packages/python-common already exists in every workspace"),
    ("dfworx", "it is this tool's name"),
];

const SHAPE_HINT: &str = "use lowercase ASCII letters, digits and single hyphens, starting with a letter \
                          and ending with a letter or digit (for example \"my-app\")";

/// Checks a workspace or unit name: the shape first (showing the bad character), then every name
/// dfworx derives from it against what the workspace and its tools already use.
pub fn validate(role: NameRole, name: &str) -> Result<(), UserError> {
    check_shape(role, name)?;
    let invalid = |why: String| refusal(role, name, &why);
    let another = another_name(role, name);

    if let Some((_, why)) = RESERVED.iter().find(|(word, _)| *word == name) {
        return Err(invalid(format!("\"{name}\" is reserved: {why}")).hint("choose another name"));
    }
    if is_windows_device(name) {
        return Err(invalid(format!(
            "\"{name}\" is a device name on Windows, which cannot create a file or directory called that"
        ))
        .hint(another));
    }
    let snake = snake(name);
    if PYTHON_KEYWORDS.contains(&snake.as_str()) {
        return Err(invalid(format!("its Python form `{snake}` is a Python keyword")).hint(another));
    }
    let NameRole::Unit(kind) = role else { return Ok(()) };
    if matches!(kind, UnitKind::App | UnitKind::Service) {
        check_env_keys(role, name)?;
    }
    if matches!(kind, UnitKind::Service | UnitKind::Package) {
        check_python_names(role, kind, name, &snake)?;
    }
    if kind == UnitKind::App {
        let schema = format!("app_{snake}");
        if schema.len() > PG_IDENTIFIER_MAX {
            return Err(invalid(format!(
                "its PostgreSQL schema `{schema}` is {} bytes; PostgreSQL truncates identifiers at {PG_IDENTIFIER_MAX}",
                schema.len()
            ))
            .hint("choose a shorter name"));
        }
    }
    Ok(())
}

/// Lowercase ASCII letters, digits and single inner hyphens, starting with a letter. Every message
/// shows the name through [`shown`]: it is exactly the input that may hold terminal escapes.
fn check_shape(role: NameRole, name: &str) -> Result<(), UserError> {
    let invalid = |why: String| refusal(role, name, &why);
    let try_instead = || format!("{SHAPE_HINT}; try \"{}\"", shown(&suggest(name)));

    if name.is_empty() {
        return Err(invalid("the name is empty".into()).hint(SHAPE_HINT));
    }
    if name.starts_with('/') || name.starts_with('\\') || name.contains("..") || name.contains(['/', '\\']) {
        return Err(invalid("a name is a single path component, not a path".into())
            .hint(format!("pass only the last part, e.g. \"{}\"", shown(&suggest(name)))));
    }
    if let Some((pos, ch)) = name.char_indices().find(|(_, c)| !c.is_ascii()) {
        return Err(invalid(format!(
            "the character '{}' at byte {pos} is not ASCII; npm packages, Python modules and \
             PostgreSQL schemas cannot all hold it",
            shown_char(ch)
        ))
        .hint(SHAPE_HINT));
    }
    if let Some((pos, ch)) = name.char_indices().find(|(_, c)| !matches!(c, 'a'..='z' | '0'..='9' | '-')) {
        let why = match ch {
            'A'..='Z' => {
                format!("the capital letter '{ch}' at position {pos} is not allowed (npm names are lowercase)")
            }
            '_' => format!("the underscore at position {pos} is not allowed (dfworx derives `_` forms itself)"),
            ' ' => format!("the space at position {pos} is not allowed"),
            _ => format!("the character '{}' at position {pos} is not allowed", shown_char(ch)),
        };
        return Err(invalid(why).hint(try_instead()));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(invalid("it must start with a letter".into()).hint(SHAPE_HINT));
    }
    if name.ends_with('-') || name.contains("--") {
        return Err(invalid("hyphens must sit between letters or digits, one at a time".into()).hint(try_instead()));
    }
    if name.len() > NAME_MAX {
        return Err(invalid(format!("it is {} characters long; the limit is {NAME_MAX}", name.len()))
            .hint("choose a shorter name"));
    }
    Ok(())
}

/// `invalid app name "x": why`, with the name escaped.
fn refusal(role: NameRole, name: &str, why: &str) -> UserError {
    UserError::new(format!("invalid {} name \"{}\": {why}", role.noun(), shown(name)))
}

/// The usual way out of a clash: a suffix that keeps the name recognisable.
fn another_name(role: NameRole, name: &str) -> String {
    format!("choose another name, e.g. \"{}-{}\"", shown(name), role.noun())
}

/// The unit's own environment variables must neither replace one the workspace defines nor fall
/// into a namespace another tool reads.
fn check_env_keys(role: NameRole, name: &str) -> Result<(), UserError> {
    let prefix = env_prefix(name);
    for suffix in DERIVED_ENV_SUFFIXES {
        let key = format!("{prefix}{suffix}");
        if FIXED_ENV_KEYS.contains(&key.as_str()) {
            let why = format!(
                "its environment variable `{key}` already means something else in this workspace (.env, \
                 compose, Coolify and CI set it), and one would overwrite the other"
            );
            return Err(refusal(role, name, &why).hint(another_name(role, name)));
        }
        if let Some((namespace, why)) = FOREIGN_ENV_PREFIXES.iter().find(|(p, _)| key.starts_with(p)) {
            let why = format!("its environment variable `{key}` falls under `{namespace}*`: {why}");
            let start = namespace.to_lowercase().replace('_', "-");
            return Err(refusal(role, name, &why).hint(format!("choose a name that does not start with \"{start}\"")));
        }
    }
    Ok(())
}

/// A service or Python package becomes a uv workspace member (its distribution name) and a module
/// (its snake form); neither may take the place of something the workspace imports or runs.
fn check_python_names(role: NameRole, kind: UnitKind, name: &str, snake: &str) -> Result<(), UserError> {
    let refuse = |why: String| Err(refusal(role, name, &why).hint(another_name(role, name)));
    if PYTHON_STDLIB.contains(&snake) {
        return refuse(format!("its Python module `{snake}` would shadow the standard-library module of that name"));
    }
    let distribution = normalise_distribution(name);
    if let Some((dependency, module)) =
        PYTHON_DEPENDENCIES.iter().find(|(dist, module)| *dist == distribution || *module == snake)
    {
        let clash = if *dependency == distribution {
            format!("its Python distribution `{distribution}`")
        } else {
            format!("its Python module `{snake}`")
        };
        let imported =
            if module.replace('_', "-") == *dependency { String::new() } else { format!(", imported as `{module}`") };
        return refuse(format!(
            "{clash} is taken by a dependency of the workspace (`{dependency}`{imported}); uv and Python would \
             pick up the {} instead of the real one",
            kind.noun()
        ));
    }
    if kind == UnitKind::Service && VENV_EXECUTABLES.contains(&name) {
        return refuse(format!(
            "the service's console script `{name}` would replace the `{name}` of the shared .venv/bin"
        ));
    }
    Ok(())
}

/// A Python distribution name as PEP 503 compares it: lowercase, runs of `-`, `_` and `.` as one `-`.
fn normalise_distribution(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for ch in name.chars() {
        if matches!(ch, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(ch.to_ascii_lowercase());
        }
    }
    out
}

/// `text` as it is safe to print on a terminal: control characters and the invisible characters
/// that reorder or hide text (bidi overrides and isolates, zero-width marks, the BOM…) become
/// `\u{…}` escapes. Without this an error message would hand a name's escape sequences to the
/// terminal, or show `abc` for a name that reads backwards ("Trojan Source", CVE-2021-42574).
pub fn shown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        if is_hidden(ch) {
            out.push_str(&shown_char(ch));
        } else {
            out.push(ch);
        }
    }
    out
}

fn shown_char(ch: char) -> String {
    if is_hidden(ch) { format!("\\u{{{:x}}}", u32::from(ch)) } else { ch.to_string() }
}

/// Control characters, and the format characters a terminal draws as nothing or obeys.
fn is_hidden(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch,
            '\u{ad}'                          // soft hyphen
            | '\u{34f}'                       // combining grapheme joiner
            | '\u{61c}'                       // Arabic letter mark
            | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers
            | '\u{180b}'..='\u{180f}'         // Mongolian selectors and vowel separator
            | '\u{200b}'..='\u{200f}'         // zero-width space, (non-)joiner, LRM, RLM
            | '\u{2028}'..='\u{202e}'         // line/paragraph separators, embeddings, overrides
            | '\u{2060}'..='\u{206f}'         // word joiner, invisible operators, isolates
            | '\u{fe00}'..='\u{fe0f}'         // variation selectors
            | '\u{feff}'                      // byte order mark
            | '\u{fff9}'..='\u{fffb}'         // interlinear annotations
            | '\u{e0000}'..='\u{e0fff}' // tags, variation selectors supplement
        )
}

/// `My App_2` → `my-app-2`: a best guess at what the user meant, for hints.
pub fn suggest(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).find(|s| !s.is_empty() && *s != "..").unwrap_or("my-app");
    let ascii: String = last.chars().filter(char::is_ascii).collect();
    let kebab = heck::ToKebabCase::to_kebab_case(ascii.as_str());
    let trimmed = kebab.trim_start_matches(|c: char| !c.is_ascii_lowercase());
    if trimmed.is_empty() { "my-app".to_string() } else { trimmed.to_string() }
}

pub fn snake(name: &str) -> String {
    name.to_snake_case()
}

pub fn title(name: &str) -> String {
    name.to_title_case()
}

pub fn pascal(name: &str) -> String {
    name.to_upper_camel_case()
}

pub fn env_prefix(name: &str) -> String {
    name.to_shouty_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(name: &str) -> Result<(), UserError> {
        validate(NameRole::Unit(UnitKind::App), name)
    }

    #[test]
    fn good_names_pass() {
        for name in ["web", "auth-service", "a1", "my-long-app-2"] {
            assert!(app(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn each_bad_name_says_why() {
        let cases = [
            ("", "empty"),
            ("../x", "single path component"),
            ("/abs", "single path component"),
            ("Web", "capital letter"),
            ("my_app", "underscore"),
            ("my app", "space"),
            ("café", "not ASCII"),
            ("1app", "start with a letter"),
            ("app-", "hyphens"),
            ("a--b", "hyphens"),
            ("node_modules", "underscore"),
            ("postgres", "reserved"),
            ("class", "Python keyword"),
            (&"a".repeat(41), "limit is 40"),
            ("com1", "device name on Windows"),
            ("database", "`DATABASE_URL` already means something else"),
            ("service-api", "falls under `SERVICE_*`"),
            ("evil\u{1b}[31m", "the character '\\u{1b}' at position 4"),
            ("abc\u{202e}cba", "the character '\\u{202e}' at byte 3"),
        ];
        for (name, expected) in cases {
            let err = app(name).expect_err(name);
            assert!(err.message.contains(expected), "{name:?}: {}", err.message);
            assert!(err.hint.is_some(), "{name:?} has no hint");
        }
    }

    fn service(name: &str) -> Result<(), UserError> {
        validate(NameRole::Unit(UnitKind::Service), name)
    }

    fn package(name: &str) -> Result<(), UserError> {
        validate(NameRole::Unit(UnitKind::Package), name)
    }

    #[test]
    fn services_may_not_shadow_the_standard_library() {
        assert!(service("email").is_err());
        assert!(app("email").is_ok());
    }

    #[test]
    fn every_windows_device_name_is_refused_and_its_neighbours_are_not() {
        let numbered = ["com", "lpt"].into_iter().flat_map(|port| (0..=9).map(move |n| format!("{port}{n}")));
        for name in ["con", "prn", "aux", "nul"].into_iter().map(String::from).chain(numbered) {
            for role in [NameRole::Workspace, NameRole::Unit(UnitKind::App), NameRole::Unit(UnitKind::Package)] {
                let err = validate(role, &name).expect_err(&name);
                assert!(err.message.contains("device name on Windows"), "{name}: {}", err.message);
            }
        }
        for name in ["com10", "lpt", "console", "auxiliary", "null", "com1-app"] {
            assert!(app(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn a_unit_variable_never_replaces_a_workspace_variable() {
        for (name, key) in [
            ("database", "DATABASE_URL"),
            ("test-database", "TEST_DATABASE_URL"),
            ("migration-database", "MIGRATION_DATABASE_URL"),
            ("test-redis", "TEST_REDIS_URL"),
            ("coolify", "COOLIFY_URL"),
            ("service-url-api", "SERVICE_URL_API_URL"),
            ("next-public-api", "NEXT_PUBLIC_API_URL"),
        ] {
            for err in [service(name).expect_err(name), app(name).expect_err(name)] {
                assert!(err.message.contains(&format!("`{key}`")), "{name}: {}", err.message);
                assert!(err.hint.as_deref().is_some_and(|h| h.starts_with("choose a")), "{name}: {:?}", err.hint);
            }
        }
        // Packages are never reached over the network: they derive no variable.
        assert!(package("database").is_ok());
        for name in ["billing", "database-service", "redis-cache", "url-service"] {
            assert!(service(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn services_and_packages_may_not_take_the_place_of_a_python_dependency() {
        let cases = [
            ("fastapi", "distribution `fastapi`"),
            ("pydantic", "distribution `pydantic`"),
            ("pydantic-settings", "distribution `pydantic-settings`"),
            ("pyjwt", "distribution `pyjwt`"),
            ("jwt", "module `jwt`"),
            ("pytest", "distribution `pytest`"),
            ("httpx", "distribution `httpx`"),
            ("uvicorn", "distribution `uvicorn`"),
            ("psycopg-pool", "distribution `psycopg-pool`"),
            ("dns", "module `dns`"),
            ("yaml", "module `yaml`"),
            ("ruff", "distribution `ruff`"),
        ];
        for (name, expected) in cases {
            for err in [service(name).expect_err(name), package(name).expect_err(name)] {
                assert!(err.message.contains(expected), "{name}: {}", err.message);
                assert!(err.hint.is_some(), "{name}");
            }
            assert!(app(name).is_ok(), "an app is no Python distribution: {name}");
        }
        assert!(service("python").unwrap_err().message.contains(".venv/bin"));
        assert!(package("python").is_ok());
    }

    #[test]
    fn pep_503_normalisation() {
        assert_eq!(normalise_distribution("Pydantic_Settings"), "pydantic-settings");
        assert_eq!(normalise_distribution("a._-b"), "a-b");
        assert_eq!(normalise_distribution("uv_build"), "uv-build");
    }

    #[test]
    fn shown_escapes_what_a_terminal_would_obey_or_hide() {
        assert_eq!(shown("evil\u{1b}[31m"), "evil\\u{1b}[31m");
        assert_eq!(shown("abc\u{202e}cba"), "abc\\u{202e}cba");
        assert_eq!(shown("a\tb\nc\rd\u{7f}\u{9b}"), "a\\u{9}b\\u{a}c\\u{d}d\\u{7f}\\u{9b}");
        assert_eq!(
            shown("x\u{200b}\u{200e}\u{2066}\u{2069}\u{feff}\u{e0041}"),
            "x\\u{200b}\\u{200e}\\u{2066}\\u{2069}\\u{feff}\\u{e0041}"
        );
        assert_eq!(shown("café web-1 \\path"), "café web-1 \\path");
    }

    #[test]
    fn no_message_or_hint_carries_a_hidden_character_of_the_name() {
        let evil = ["\u{1b}[2J", "web\u{1b}]0;title\u{7}", "abc\u{202e}cba", "a\u{200b}b", "x/\u{1b}[31m", "\u{feff}"];
        for name in evil {
            for role in [NameRole::Workspace, NameRole::Unit(UnitKind::Service)] {
                let err = validate(role, name).expect_err(name);
                let said = format!("{} / {}", err.message, err.hint.unwrap_or_default());
                assert!(!said.chars().any(is_hidden), "{name:?} shown raw in: {said:?}");
            }
        }
    }

    #[test]
    fn derived_forms() {
        assert_eq!(snake("auth-service"), "auth_service");
        assert_eq!(title("auth-service"), "Auth Service");
        assert_eq!(env_prefix("auth-service"), "AUTH_SERVICE");
        assert_eq!(env_prefix("web2-v3"), "WEB2_V3");
        assert_eq!(suggest("My App"), "my-app");
    }

    // --- The lists above against the templates they describe ------------------------------------

    use crate::templates::RENDER_SUFFIX;

    fn embedded() -> crate::templates::TemplateSet {
        crate::templates::TemplateSet::embedded().unwrap()
    }

    fn text(file: &crate::templates::TemplateFile) -> &str {
        std::str::from_utf8(&file.contents).unwrap()
    }

    /// The environment variables a template defines: `KEY=` lines of env files and Dockerfile `ENV`
    /// instructions, `KEY:` / `- KEY=` / `- KEY` entries of compose and CI files. A key may hold
    /// template expressions (`{{ s.env_prefix }}_URL`); plain `{{ s.name }}:` compose keys are no
    /// variables, so a key needs an upper-case letter of its own or a unit's env prefix.
    fn defined_env_keys(template: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for line in template.lines() {
            let line = line.trim_start();
            let line = line.strip_prefix("ENV ").or_else(|| line.strip_prefix("- ")).unwrap_or(line);
            let mut key = String::new();
            let mut rest = line;
            loop {
                if let Some(expr) = rest.strip_prefix("{{") {
                    let Some(end) = expr.find("}}") else { break };
                    key.push_str(&rest[..end + 4]);
                    rest = &expr[end + 2..];
                } else if let Some(ch) = rest.chars().next().filter(|c| matches!(c, 'A'..='Z' | '0'..='9' | '_')) {
                    key.push(ch);
                    rest = &rest[1..];
                } else {
                    break;
                }
            }
            let ends_key = rest.is_empty() || rest.starts_with('=') || rest.starts_with(": ") || rest == ":";
            let literal_upper = key.split("{{").any(|part| {
                let outside = part.rsplit("}}").next().unwrap_or(part);
                outside.chars().any(|c| c.is_ascii_uppercase())
            });
            let starts_well = key.starts_with("{{") || key.starts_with(|c: char| c.is_ascii_uppercase());
            if ends_key && starts_well && (literal_upper || key.contains("env_prefix")) {
                keys.push(key);
            }
        }
        keys
    }

    fn defines_env(path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        name.starts_with("dot-env")
            || name.starts_with("Dockerfile")
            || [".yaml", ".yml", ".yaml.tera", ".yml.tera"].iter().any(|ext| name.ends_with(ext))
    }

    #[test]
    fn defined_env_keys_reads_each_format() {
        let keys = defined_env_keys(
            "A_B=1\n# C=2\n  D_E: x\n  - F=y\n  - SERVICE_URL_{{ s.name | upper }}_{{ s.port }}\n\
             {{ s.env_prefix }}_URL=http\n  {{ s.name }}:\nENV G=1 \\\n    H=2\nFROM node:1 AS base\n  x-y: z\n",
        );
        assert_eq!(
            keys,
            ["A_B", "D_E", "F", "SERVICE_URL_{{ s.name | upper }}_{{ s.port }}", "{{ s.env_prefix }}_URL", "G", "H"]
        );
    }

    #[test]
    fn every_key_the_templates_define_is_listed() {
        let set = embedded();
        let mut used = std::collections::BTreeSet::new();
        for file in set.files.iter().filter(|f| defines_env(&f.path)) {
            for key in defined_env_keys(text(file)) {
                if let Some(suffix) = key.strip_prefix("{{").and_then(|k| k.split_once("env_prefix }}")).map(|(_, s)| s)
                {
                    assert!(
                        DERIVED_ENV_SUFFIXES.contains(&suffix),
                        "{} derives `{key}`: add {suffix:?} to DERIVED_ENV_SUFFIXES in src/names.rs",
                        file.path
                    );
                } else if let Some((literal, _)) = key.split_once("{{") {
                    assert!(
                        FOREIGN_ENV_PREFIXES.iter().any(|(prefix, _)| literal.starts_with(prefix)),
                        "{} derives `{key}` outside every known namespace: teach check_env_keys in src/names.rs about it",
                        file.path
                    );
                } else {
                    assert!(
                        FIXED_ENV_KEYS.contains(&key.as_str()),
                        "{} defines `{key}`: add it to FIXED_ENV_KEYS in src/names.rs",
                        file.path
                    );
                    used.insert(key);
                }
            }
        }
        for key in FIXED_ENV_KEYS {
            assert!(used.contains(*key), "no template defines `{key}` any more: drop it from FIXED_ENV_KEYS");
        }
    }

    /// Every requirement of `[project] dependencies`, `[dependency-groups]`, optional dependencies and
    /// `[build-system] requires`, as (PEP 503 name, extras).
    fn requirements(pyproject: &str) -> Vec<(String, Vec<String>)> {
        let mut found = Vec::new();
        let mut table = "";
        let mut in_list = false;
        for line in pyproject.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.starts_with('[') && !in_list {
                table = line;
                continue;
            }
            if let Some((key, value)) = line.split_once('=').filter(|_| !in_list) {
                let key = key.trim();
                let wanted = matches!((table, key), ("[project]", "dependencies") | ("[build-system]", "requires"))
                    || table == "[dependency-groups]"
                    || table == "[project.optional-dependencies]";
                if !wanted || !value.trim_start().starts_with('[') {
                    continue;
                }
                in_list = true;
            }
            if in_list {
                for quoted in line.split('"').skip(1).step_by(2) {
                    let name: String =
                        quoted.chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c)).collect();
                    let extras = quoted[name.len()..]
                        .strip_prefix('[')
                        .and_then(|e| e.split_once(']'))
                        .map(|(e, _)| e.split(',').map(|x| x.trim().to_string()).collect())
                        .unwrap_or_default();
                    found.push((normalise_distribution(&name), extras));
                }
                if line.ends_with(']') {
                    in_list = false;
                }
            }
        }
        found
    }

    #[test]
    fn every_python_dependency_of_the_templates_is_listed() {
        let set = embedded();
        let pyprojects: Vec<_> = set
            .files
            .iter()
            .filter(|f| f.path.ends_with("pyproject.toml.tera") || f.path.ends_with("pyproject.toml"))
            .collect();
        assert!(
            pyprojects.len() >= 4,
            "{pyprojects:?}",
            pyprojects = pyprojects.iter().map(|f| &f.path).collect::<Vec<_>>()
        );
        let mut seen = 0;
        for file in pyprojects {
            for (name, extras) in requirements(text(file)) {
                seen += 1;
                let workspace_member = RESERVED.iter().any(|(word, _)| *word == name);
                assert!(
                    workspace_member || PYTHON_DEPENDENCIES.iter().any(|(dist, _)| *dist == name),
                    "{} depends on `{name}`: add it (and the module it is imported as) to PYTHON_DEPENDENCIES in src/names.rs",
                    file.path
                );
                for extra in extras {
                    let pulled = format!("{name}-{extra}");
                    let known = PYTHON_DEPENDENCIES.iter().any(|(dist, _)| *dist == pulled);
                    assert!(
                        known || ["email", "standard"].contains(&extra.as_str()),
                        "{} asks for `{name}[{extra}]`: add what that extra installs to PYTHON_DEPENDENCIES",
                        file.path
                    );
                }
            }
        }
        assert!(seen >= 10, "the pyproject reader found only {seen} requirements");
    }

    #[test]
    fn every_module_the_python_templates_import_is_known() {
        let set = embedded();
        let is_python = |path: &str| path.strip_suffix(RENDER_SUFFIX).unwrap_or(path).rsplit('.').next() == Some("py");
        for file in set.files.iter().filter(|f| is_python(&f.path)) {
            for line in text(file).lines() {
                let line = line.trim_start();
                let Some(rest) = line.strip_prefix("import ").or_else(|| line.strip_prefix("from ")) else { continue };
                let module: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if module.is_empty() || module == "python_common" || module == "__future__" {
                    continue; // relative (`from .x`), the unit's own (`{{ unit.snake }}`), or the workspace's
                }
                assert!(
                    PYTHON_STDLIB.contains(&module.as_str()) || PYTHON_DEPENDENCIES.iter().any(|(_, m)| *m == module),
                    "{} imports `{module}`: add it to PYTHON_DEPENDENCIES (or PYTHON_STDLIB) in src/names.rs",
                    file.path
                );
            }
        }
    }

    #[test]
    fn every_package_the_workspace_ships_is_reserved() {
        let set = embedded();
        for file in set.files.iter().filter(|f| f.path.starts_with("workspace/")) {
            if let Some(dir) = file.path.strip_prefix("workspace/packages/").and_then(|p| p.split('/').next()) {
                assert!(RESERVED.iter().any(|(word, _)| *word == dir), "packages/{dir} is not in RESERVED");
            }
        }
    }
}
