//! `options` and ports in `dfworx.yaml`: the user edits them, `dfworx sync` carries them into every
//! generated file that mentions them.

mod common;

use std::collections::BTreeMap;

use common::{Sandbox, stderr, stdout, tree};

/// Each value as the default workspace writes it, and what the user changes it to.
const CHANGES: &[(&str, &str)] = &[("24", "22"), ("3.11", "3.12"), ("py311", "py312"), ("3000", "3100")];

/// Mentions of an old value that do not mean the option, or that sync leaves alone on purpose:
/// (path, a fragment of the line, or "" for the whole file, why).
const NOT_THE_OPTION: &[(&str, &str, &str)] = &[
    ("dfworx.yaml", "", "the manifest itself"),
    (".dfworx/state.json", "", "dfworx's record of the last render"),
    ("docs/quick-reference.md", "apps get ports from 3000 up", "where dfworx starts numbering ports"),
    ("packages/python-common/src/python_common/settings.py", "Comma-separated", "an example value in a comment"),
    ("packages/python-common/tests/test_settings.py", "", "test data"),
];

/// Whether `text` holds `value` as a whole number: `24` in `>=24`, `node:24` or `^24.19.2`, but not
/// in `2024` or `240`.
fn mentions(text: &str, value: &str) -> bool {
    text.match_indices(value).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + value.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// The workspace's text files with a line that mentions `value`, leaving out [`NOT_THE_OPTION`].
fn files_mentioning(files: &BTreeMap<String, Vec<u8>>, value: &str) -> Vec<String> {
    let meant = |path: &str, line: &str| {
        mentions(line, value)
            && !NOT_THE_OPTION.iter().any(|(skip, fragment, _)| *skip == path && line.contains(fragment))
    };
    files
        .iter()
        .filter(|(path, bytes)| std::str::from_utf8(bytes).is_ok_and(|text| text.lines().any(|l| meant(path, l))))
        .map(|(path, _)| path.clone())
        .collect()
}

fn edit(sb: &Sandbox, rel: &str, from: &str, to: &str) {
    let text = sb.read(rel);
    assert!(text.contains(from), "{rel} lacks {from:?}:\n{text}");
    std::fs::write(sb.path(rel), text.replacen(from, to, 1)).unwrap();
}

#[test]
fn new_node_and_python_versions_and_an_app_port_reach_every_file_on_sync() {
    let sb = Sandbox::new();
    let out = sb.dfworx(&["new", "acme", "--yes", "--no-git"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = tree(&sb.path("acme"));
    let mentioned: Vec<(&str, &str, Vec<String>)> =
        CHANGES.iter().map(|(old, new)| (*old, *new, files_mentioning(&before, old))).collect();
    for (old, _, files) in &mentioned {
        assert!(!files.is_empty(), "no generated file mentions {old}: the test no longer looks at anything");
    }

    edit(&sb, "acme/dfworx.yaml", "node: \"24\"", "node: \"22\"");
    edit(&sb, "acme/dfworx.yaml", "python: \"3.11\"", "python: \"3.12\"");
    edit(&sb, "acme/dfworx.yaml", "- name: web\n    port: 3000", "- name: web\n    port: 3100");
    let out = sb.dfworx(&["-C", "acme", "sync"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let after = tree(&sb.path("acme"));
    for (old, new, files) in &mentioned {
        for path in files {
            let text = String::from_utf8_lossy(&after[path.as_str()]);
            assert!(mentions(&text, new), "{path} said {old} and does not say {new} after sync:\n{text}");
        }
        let stale = files_mentioning(&after, old);
        assert!(stale.is_empty(), "still saying {old} after sync: {stale:?}");
    }
    // The places people look first, spelled out.
    assert_eq!(sb.read("acme/.nvmrc"), "22\n");
    assert_eq!(sb.read("acme/.python-version"), "3.12\n");
    assert!(sb.read("acme/package.json").contains("\"node\": \">=22\""));
    assert!(sb.read("acme/pnpm-workspace.yaml").contains("\"@types/node\": ^22\n"));
    assert!(sb.read("acme/pyproject.toml").contains("target-version = \"py312\""));
    assert!(sb.read("acme/packages/python-common/pyproject.toml").contains("requires-python = \">=3.12\""));
    assert!(sb.read("acme/infrastructure/docker/compose.dev.yaml").contains("\"127.0.0.1:3100:3100\""));
    assert!(sb.read("acme/.env.example").contains("CORS_ORIGINS=http://localhost:3100\n"));

    let out = sb.dfworx(&["-C", "acme", "sync", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn a_version_the_files_cannot_hold_is_refused_before_anything_is_written() {
    let sb = Sandbox::new();
    assert!(sb.dfworx(&["new", "acme", "--yes", "--no-git"]).status.success());
    edit(&sb, "acme/dfworx.yaml", "node: \"24\"", "node: \"lts/*\"");
    let before = tree(&sb.path("acme"));
    let out = sb.dfworx(&["-C", "acme", "sync"]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("options.node in dfworx.yaml is \"lts/*\""), "{said}");
    assert!(said.contains("hint: write it as in `node: \"24\""), "{said}");
    assert_eq!(tree(&sb.path("acme")), before, "a refused sync wrote to the workspace");
}
