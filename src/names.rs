//! Names, and every identifier derived from them, checked before anything is written.
//!
//! A unit name becomes a directory, an npm package (`@acme/web`), a Python distribution and module
//! (`auth_service`), a compose service, an environment prefix and, for apps, a PostgreSQL schema
//! (`app_web`). Each layer is checked so that no later tool rejects what dfworx wrote.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToTitleCase};
use serde::Serialize;

use crate::error::UserError;

/// PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1).
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
    "unittest",
    "urllib",
    "uuid",
    "warnings",
    "xml",
    "zipfile",
];

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
    ("ui", "packages/ui already exists in every workspace"),
    ("types", "packages/types already exists in every workspace"),
    ("config", "packages/config already exists in every workspace"),
    ("python-common", "packages/python-common already exists in every workspace"),
    ("dfworx", "it is this tool's name"),
    ("con", "Windows cannot create a file or directory with this name"),
    ("prn", "Windows cannot create a file or directory with this name"),
    ("aux", "Windows cannot create a file or directory with this name"),
    ("nul", "Windows cannot create a file or directory with this name"),
];

const SHAPE_HINT: &str = "use lowercase ASCII letters, digits and single hyphens, starting with a letter \
                          and ending with a letter or digit (for example \"my-app\")";

/// Checks a workspace or unit name and returns it unchanged when it is good.
pub fn validate(role: NameRole, name: &str) -> Result<(), UserError> {
    let noun = role.noun();
    let invalid = |why: String| UserError::new(format!("invalid {noun} name \"{name}\": {why}"));

    if name.is_empty() {
        return Err(invalid("the name is empty".into()).hint(SHAPE_HINT));
    }
    if name.starts_with('/') || name.starts_with('\\') || name.contains("..") || name.contains(['/', '\\']) {
        return Err(invalid("a name is a single path component, not a path".into())
            .hint(format!("pass only the last part, e.g. \"{}\"", suggest(name))));
    }
    if let Some((pos, ch)) = name.char_indices().find(|(_, c)| !c.is_ascii()) {
        return Err(invalid(format!(
            "the character '{ch}' at byte {pos} is not ASCII; npm packages, Python modules and \
             PostgreSQL schemas cannot all hold it"
        ))
        .hint(SHAPE_HINT));
    }
    if let Some((pos, ch)) = name.char_indices().find(|(_, c)| !matches!(c, 'a'..='z' | '0'..='9' | '-')) {
        let fix = suggest(name);
        let why = match ch {
            'A'..='Z' => {
                format!("the capital letter '{ch}' at position {pos} is not allowed (npm names are lowercase)")
            }
            '_' => format!("the underscore at position {pos} is not allowed (dfworx derives `_` forms itself)"),
            ' ' => format!("the space at position {pos} is not allowed"),
            _ => format!("the character '{ch}' at position {pos} is not allowed"),
        };
        return Err(invalid(why).hint(format!("{SHAPE_HINT}; try \"{fix}\"")));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(invalid("it must start with a letter".into()).hint(SHAPE_HINT));
    }
    if name.ends_with('-') || name.contains("--") {
        return Err(invalid("hyphens must sit between letters or digits, one at a time".into())
            .hint(format!("{SHAPE_HINT}; try \"{}\"", suggest(name))));
    }
    if name.len() > NAME_MAX {
        return Err(invalid(format!("it is {} characters long; the limit is {NAME_MAX}", name.len()))
            .hint("choose a shorter name"));
    }
    if let Some((_, why)) = RESERVED.iter().find(|(word, _)| *word == name) {
        return Err(invalid(format!("\"{name}\" is reserved: {why}")).hint("choose another name"));
    }
    let snake = snake(name);
    if PYTHON_KEYWORDS.contains(&snake.as_str()) {
        return Err(invalid(format!("its Python form `{snake}` is a Python keyword"))
            .hint("choose another name, e.g. add a suffix: \"{name}-app\""));
    }
    if matches!(role, NameRole::Unit(UnitKind::Service | UnitKind::Package)) && PYTHON_STDLIB.contains(&snake.as_str())
    {
        return Err(invalid(format!(
            "its Python module `{snake}` would shadow the standard-library module of that name"
        ))
        .hint(format!("choose another name, e.g. \"{name}-service\"")));
    }
    if matches!(role, NameRole::Unit(UnitKind::App)) {
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

pub fn env_prefix(name: &str) -> String {
    name.to_shouty_snake_case()
}

/// A user-given text made safe to print: control, bidi and zero-width characters as `\u{…}` escapes.
pub fn shown(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
            {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
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
        ];
        for (name, expected) in cases {
            let err = app(name).expect_err(name);
            assert!(err.message.contains(expected), "{name:?}: {}", err.message);
            assert!(err.hint.is_some(), "{name:?} has no hint");
        }
    }

    #[test]
    fn services_may_not_shadow_the_standard_library() {
        assert!(validate(NameRole::Unit(UnitKind::Service), "email").is_err());
        assert!(app("email").is_ok());
    }

    #[test]
    fn derived_forms() {
        assert_eq!(snake("auth-service"), "auth_service");
        assert_eq!(title("auth-service"), "Auth Service");
        assert_eq!(env_prefix("auth-service"), "AUTH_SERVICE");
        assert_eq!(suggest("My App"), "my-app");
    }
}
