//! No generated file sets `search_path` or an `app.*` setting for a whole session.
//!
//! The services reach PostgreSQL through pooled connections (and, with a transaction-mode pooler,
//! a connection changes hands after every transaction). A setting made for the session outlives the
//! request that made it: the next request, anybody's, would run in the previous one's tenant or with
//! its search path. Only transaction-local forms are allowed: `SET LOCAL`, `set_config(..., true)`.

/// The lines of `text` that make a session-level setting of `search_path` or `app.*`, or any
/// `SET SESSION`: a statement `SET search_path …` / `SET app.… …` / `SET SESSION …`, or a call
/// `set_config('search_path' | 'app.…', …, false)`. A `SET` that does not start a statement (the
/// `SET search_path = ''` of a function definition, `ALTER … SET`, prose) is not one.
fn session_settings(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut flag = |at: usize| {
        let start = lower[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = lower[at..].find('\n').map_or(lower.len(), |i| at + i);
        found.push(text[start..end].trim().to_string());
    };
    for (at, _) in lower.match_indices("set") {
        let after = &lower[at + 3..];
        if !after.starts_with(char::is_whitespace) || !starts_a_statement(&lower[..at]) {
            continue;
        }
        let target = after.trim_start();
        if target.starts_with("session") || target.starts_with("search_path") || target.starts_with("app.") {
            flag(at);
        }
    }
    for (at, _) in lower.match_indices("set_config(") {
        let args = call_arguments(&lower[at + "set_config(".len()..]);
        let name = args.first().map(|a| a.trim().trim_matches('\'')).unwrap_or_default();
        let local = args.get(2).map(|a| a.trim()).unwrap_or_default();
        if (name == "search_path" || name.starts_with("app.")) && local == "false" {
            flag(at);
        }
    }
    found
}

/// Whether a `SET` after `before` starts a statement: nothing but white space since the start of
/// the text, the end of a statement, the opening quote of a string that holds SQL, or a keyword
/// after which PL/pgSQL starts one.
fn starts_a_statement(before: &str) -> bool {
    if before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
        return false; // inside a word: `offset`, `reset`
    }
    let before = before.trim_end();
    if before.is_empty() || before.ends_with([';', '"', '\'', '`']) {
        return true;
    }
    let word = before.rsplit(|c: char| !c.is_ascii_alphanumeric() && c != '_').next().unwrap_or_default();
    matches!(word, "begin" | "then" | "else" | "loop")
}

/// The top-level, comma-separated arguments of a call whose text starts after `(`.
fn call_arguments(text: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut from) = (0usize, false, 0usize);
    let mut args = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth == 0 => {
                args.push(&text[from..i]);
                return args;
            }
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                args.push(&text[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    args
}

/// The one session-level setting dfworx generates on purpose: the Supabase stand-ins put schema
/// `extensions` on the `search_path` of the migrating session, for the migrations after it in the
/// same run (`dfworx migrate` uses a connection of its own, never a pooled one). The services'
/// connections get it from the database's default instead.
const ALLOWED: &[(&str, &str)] = &[(
    "migrations/shared/04_supabase_platform.sql.tera",
    "perform pg_catalog.set_config('search_path', wanted, false);",
)];

#[test]
fn the_patterns_are_found_where_they_set_the_session_and_only_there() {
    for bad in [
        "SET search_path TO app_web, public;",
        "begin;\nset app.current_tenant = 'x';",
        "conn.execute(\"SET app.current_tenant = %s\", (t,))",
        "SET SESSION ROLE authenticated;",
        "select set_config('app.current_tenant', $1, false);",
        "perform set_config( 'search_path' , 'x', false )",
        "if x then set search_path = public; end if;",
    ] {
        assert_eq!(session_settings(bad).len(), 1, "not found in {bad:?}");
    }
    for fine in [
        "SET LOCAL search_path TO app_web;",
        "set local app.current_tenant = 'x';",
        "select set_config('app.current_tenant', $1, true);",
        "select set_config('request.jwt.claims', $1, false);",
        "create function f() returns int language sql\nset search_path = ''\nas $$ select 1 $$;",
        "alter database acme set search_path to public, extensions;",
        "alter role x set search_path = public;",
        "-- never SET search_path for the session",
        "set local role authenticated;",
        "self.offset = 3",
    ] {
        assert_eq!(session_settings(fine), Vec::<String>::new(), "flagged in {fine:?}");
    }
}

#[test]
fn no_workspace_of_any_accepted_stack_sets_search_path_or_a_tenant_for_the_session() {
    let (mut checked, mut allowed_seen) = (0, std::collections::BTreeSet::new());
    for manifest in crate::stack::oracle::every_combination().into_iter().filter(|m| m.check().is_ok()) {
        for file in crate::stack::oracle::render(&manifest) {
            let Ok(text) = std::str::from_utf8(&file.contents) else { continue };
            for line in session_settings(text) {
                let known = ALLOWED.iter().position(|allowed| *allowed == (file.template.as_str(), line.as_str()));
                allowed_seen.extend(known);
                assert!(
                    known.is_some(),
                    "{} (from {}, tenancy {}) sets it for the session: {line}\nuse SET LOCAL or set_config(..., true) inside the transaction",
                    file.path,
                    file.template,
                    manifest.tenancy
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 0);
    assert_eq!(allowed_seen.len(), ALLOWED.len(), "an exception of ALLOWED no longer occurs: remove it");
}
