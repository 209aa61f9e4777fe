//! Names that would break the workspace are refused before anything is written, and a name is
//! always shown so that the terminal prints it instead of obeying it.

mod common;

use common::{Sandbox, stderr, tree};

/// A fresh default workspace at `acme/`.
fn workspace() -> Sandbox {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    sb
}

/// Runs `dfworx -C acme add <args>` and checks the refusal: exit 1, an error saying `why`, a hint,
/// and not one byte of the workspace changed. Returns what dfworx printed.
fn refused(sb: &Sandbox, args: &[&str], why: &str) -> String {
    let before = tree(&sb.path("acme"));
    let mut all = vec!["-C", "acme", "add"];
    all.extend_from_slice(args);
    let out = sb.dfworx(&all);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {said}");
    assert!(said.contains("error: invalid ") && said.contains(why), "{args:?}: expected {why:?} in:\n{said}");
    assert!(said.contains("\nhint: "), "{args:?} gives no hint:\n{said}");
    assert_eq!(tree(&sb.path("acme")), before, "{args:?} changed the workspace");
    said
}

#[test]
fn a_service_whose_url_variable_the_workspace_already_uses_is_refused() {
    let sb = workspace();
    let said = refused(&sb, &["service", "database"], "`DATABASE_URL` already means something else");
    assert!(said.contains("hint: choose another name, e.g. \"database-service\""), "{said}");
    refused(&sb, &["service", "test-database"], "`TEST_DATABASE_URL`");
    refused(&sb, &["service", "coolify"], "`COOLIFY_URL`");
    let said = refused(&sb, &["service", "service-api"], "falls under `SERVICE_*`");
    assert!(said.contains("does not start with \"service-\""), "{said}");
}

#[test]
fn a_service_or_python_package_named_after_a_dependency_is_refused() {
    let sb = workspace();
    let said = refused(&sb, &["service", "fastapi"], "Python distribution `fastapi` is taken by a dependency");
    assert!(said.contains("hint: choose another name, e.g. \"fastapi-service\""), "{said}");
    refused(&sb, &["package", "pydantic", "--lang", "python"], "Python distribution `pydantic`");
    refused(&sb, &["service", "jwt"], "Python module `jwt` is taken by a dependency of the workspace (`pyjwt`");
    refused(&sb, &["service", "pytest"], "`pytest`");
}

#[test]
fn every_windows_device_name_is_refused() {
    let sb = workspace();
    for name in ["com1", "lpt9", "com0", "nul"] {
        refused(&sb, &["app", name], "is a device name on Windows");
    }
}

#[test]
fn a_name_holding_terminal_escapes_or_a_bidi_override_is_printed_escaped() {
    let sb = workspace();
    let said = refused(&sb, &["app", "evil\u{1b}[31m"], "the character '\\u{1b}' at position 4 is not allowed");
    assert!(said.contains("\"evil\\u{1b}[31m\""), "the name is not shown escaped:\n{said}");
    assert!(!said.contains('\u{1b}'), "a raw ESC reached the terminal: {said:?}");

    let said = refused(&sb, &["service", "abc\u{202e}cba"], "the character '\\u{202e}' at byte 3 is not ASCII");
    assert!(said.contains("\"abc\\u{202e}cba\""), "the name is not shown escaped:\n{said}");
    assert!(!said.contains('\u{202e}'), "a raw RIGHT-TO-LEFT OVERRIDE reached the terminal: {said:?}");
}
