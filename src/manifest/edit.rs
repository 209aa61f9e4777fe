//! Editing `dfworx.yaml` in place: `add`, `remove` and the version bump change only the lines they
//! must, so the user's comments, blank lines, key order and quoting survive.
//!
//! Each edit is a splice of lines, and its result is parsed back and compared with the manifest the
//! edit meant to produce: an edit that would say anything else (a layout this editor does not know) is
//! never written. Re-serialising the whole file is a fallback only for a manifest without comments,
//! where nothing of the user's can be lost.

use std::fmt::Write as _;

use crate::error::UserError;

use super::Manifest;

/// A YAML scalar for `value`: plain when YAML reads it back as that same string, double-quoted
/// (JSON escapes are valid YAML) otherwise — `templates: "a: b"`, `name: "null"`.
pub fn scalar(value: &str) -> String {
    const WORDS: &[&str] = &["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"];
    let plain = !value.is_empty()
        && value.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '.' || c == '/')
        && !WORDS.contains(&value.to_ascii_lowercase().as_str());
    // A version such as 0.1.0 has two dots, so YAML cannot read it as a number.
    let version = semver::Version::parse(value).is_ok();
    if plain || version { value.to_string() } else { serde_json::to_string(value).expect("a string serialises") }
}

/// The text of `text` with `manifest`'s content, changed only where needed; `changed` describes the
/// edit for the error when it cannot be done in place.
pub fn rewrite(text: &str, target: &Manifest, edits: &[Edit<'_>], changed: &str) -> Result<String, UserError> {
    let mut out = text.to_string();
    let mut in_place = true;
    for edit in edits {
        let Some(next) = apply(&out, edit) else {
            in_place = false;
            break;
        };
        out = next;
    }
    if in_place && Manifest::parse(&out, std::path::Path::new(super::FILE_NAME)).is_ok_and(|m| m == *target) {
        return Ok(out);
    }
    if !has_comments(text) {
        return Ok(target.to_yaml());
    }
    Err(UserError::new(format!(
        "cannot {changed} in dfworx.yaml without disturbing its comments (its layout is unusual)"
    ))
    .hint("make the change in dfworx.yaml by hand, then run `dfworx sync`"))
}

/// One change to the manifest's text.
pub enum Edit<'a> {
    /// Append an item (its `key: value` fields, in order) to the top-level list `list`.
    Append { list: &'a str, fields: Vec<(&'a str, String)> },
    /// Remove the item of the top-level list `list` whose `name` is `name`.
    Remove { list: &'a str, name: &'a str },
    /// Set the top-level scalar `key`.
    Set { key: &'a str, value: String },
}

fn apply(text: &str, edit: &Edit<'_>) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    match edit {
        Edit::Append { list, fields } => append(&lines, list, fields),
        Edit::Remove { list, name } => remove(&lines, list, name),
        Edit::Set { key, value } => set(&lines, key, value),
    }
}

fn has_comments(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with('#') || l.contains(" #"))
}

/// Index of the line `key:` at column 0, and what follows the colon on it.
fn find_key<'a>(lines: &[&'a str], key: &str) -> Option<(usize, &'a str)> {
    lines.iter().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        (rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r'])).then_some((i, rest))
    })
}

/// The lines after a top-level key that belong to its value: up to the next line at column 0 that
/// is neither a comment nor a zero-indented sequence item. Trailing blank and comment lines are
/// left out (they sit above the next key).
fn value_lines(lines: &[&str], key_line: usize) -> std::ops::Range<usize> {
    let start = key_line + 1;
    let mut end = start;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let first = line.chars().next();
        let continues = match first {
            None | Some(' ' | '\t' | '\n' | '\r' | '#') => true,
            Some('-') => !line.starts_with("---"),
            Some(_) => false,
        };
        if !continues {
            break;
        }
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            end = i + 1;
        }
    }
    start..end
}

/// The value after `key:` on its own line, without a trailing comment.
fn inline_value(rest: &str) -> (&str, &str) {
    let rest = rest.trim_end_matches(['\n', '\r']);
    match rest.find(" #") {
        Some(at) => (rest[..at].trim(), &rest[at..]),
        None if rest.trim_start().starts_with('#') => ("", rest),
        None => (rest.trim(), ""),
    }
}

fn newline_of(lines: &[&str]) -> &'static str {
    if lines.first().is_some_and(|l| l.ends_with("\r\n")) { "\r\n" } else { "\n" }
}

fn item_text(indent: &str, fields: &[(&str, String)], nl: &str) -> String {
    let mut out = String::new();
    for (i, (key, value)) in fields.iter().enumerate() {
        let lead = if i == 0 { format!("{indent}- ") } else { format!("{indent}  ") };
        let _ = write!(out, "{lead}{key}: {value}{nl}");
    }
    out
}

fn append(lines: &[&str], list: &str, fields: &[(&str, String)]) -> Option<String> {
    let nl = newline_of(lines);
    let Some((key_line, rest)) = find_key(lines, list) else {
        // No such list yet: add it at the end.
        let mut out: String = lines.concat();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(nl);
        }
        let _ = write!(out, "{list}:{nl}");
        out.push_str(&item_text("  ", fields, nl));
        return Some(out);
    };
    let (value, comment) = inline_value(rest);
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    match value {
        "[]" => {
            out[key_line] = format!("{list}:{comment}{nl}");
            out.insert(key_line + 1, item_text("  ", fields, nl));
        }
        "" => {
            let range = value_lines(lines, key_line);
            let first_item = lines[range.clone()].iter().find(|l| l.trim_start().starts_with("- "))?;
            let indent = &first_item[..first_item.len() - first_item.trim_start().len()];
            let mut insert_at = range.end;
            if range.is_empty() {
                insert_at = key_line + 1;
            }
            let needs_newline = !out[insert_at - 1].ends_with('\n');
            if needs_newline {
                out[insert_at - 1].push_str(nl);
            }
            out.insert(insert_at, item_text(indent, fields, nl));
        }
        _ => return None,
    }
    Some(out.concat())
}

fn remove(lines: &[&str], list: &str, name: &str) -> Option<String> {
    let nl = newline_of(lines);
    let (key_line, rest) = find_key(lines, list)?;
    let (value, comment) = inline_value(rest);
    if !value.is_empty() {
        return None;
    }
    let range = value_lines(lines, key_line);
    let first_item = lines[range.clone()].iter().find(|l| l.trim_start().starts_with("- "))?;
    let indent = first_item.len() - first_item.trim_start().len();
    let starts: Vec<usize> = range
        .clone()
        .filter(|&i| {
            let line = lines[i];
            line.len() > indent && line[..indent].trim().is_empty() && line[indent..].starts_with("- ")
        })
        .collect();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(range.end);
        let item: String = lines[start..end].iter().map(|l| l.get(indent..).unwrap_or("")).collect();
        let parsed: Result<Vec<Named>, _> = serde_saphyr::from_str(&item);
        if parsed.ok().and_then(|v| v.into_iter().next()).is_some_and(|n| n.name == name) {
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
            out.drain(start..end);
            if starts.len() == 1 {
                out[key_line] = format!("{list}: []{comment}{nl}");
            }
            return Some(out.concat());
        }
    }
    None
}

#[derive(serde::Deserialize)]
struct Named {
    name: String,
}

fn set(lines: &[&str], key: &str, value: &str) -> Option<String> {
    let nl = newline_of(lines);
    let (key_line, rest) = find_key(lines, key)?;
    let (old, comment) = inline_value(rest);
    if old.is_empty() {
        return None;
    }
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    let spacing = if comment.is_empty() { String::new() } else { " ".into() };
    out[key_line] = format!("{key}: {value}{spacing}{}{nl}", comment.trim_start());
    Some(out.concat())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{Package, PortedUnit};

    const COMMENTED: &str = "# my workspace\ndfworx: 0.1.0  # written by dfworx\nname: acme\n\napps:\n  # the shop\n  - name: web\n    port: 3000 # public\n\n# back end\nservices:\n- name: auth-service\n  port: 8000\npackages: [] # none yet\noptions:\n  node: \"24\"\n  python: \"3.11\"\n";

    fn parse(text: &str) -> Manifest {
        Manifest::parse(text, std::path::Path::new("dfworx.yaml")).unwrap()
    }

    #[test]
    fn adding_and_removing_units_keeps_every_comment() {
        let mut target = parse(COMMENTED);
        target.apps.push(PortedUnit::new("admin", 3001));
        target.services.push(PortedUnit::new("billing", 8001));
        target.packages.push(Package { name: "null".into(), lang: crate::manifest::Lang::Python });
        let edits = [
            Edit::Append { list: "apps", fields: vec![("name", scalar("admin")), ("port", "3001".into())] },
            Edit::Append { list: "services", fields: vec![("name", scalar("billing")), ("port", "8001".into())] },
            Edit::Append { list: "packages", fields: vec![("name", scalar("null")), ("lang", "python".into())] },
        ];
        let out = rewrite(COMMENTED, &target, &edits, "add").unwrap();
        for line in COMMENTED.lines().filter(|l| l.contains('#')) {
            let kept = line.replace("packages: [] # none yet", "packages: # none yet");
            assert!(out.contains(&kept), "lost {line:?}:\n{out}");
        }
        assert!(out.contains("  - name: admin\n    port: 3001\n\n# back end"), "{out}");
        assert!(out.contains("- name: billing\n  port: 8001\npackages:"), "{out}");
        assert!(out.contains("name: \"null\""), "{out}");

        let mut back = target.clone();
        back.apps.retain(|a| a.name != "web");
        let out = rewrite(&out, &back, &[Edit::Remove { list: "apps", name: "web" }], "remove").unwrap();
        assert!(!out.contains("name: web") && out.contains("# the shop") && out.contains("name: admin"), "{out}");
    }

    #[test]
    fn the_version_bump_keeps_the_comment_beside_it() {
        let older = COMMENTED.replace("dfworx: 0.1.0", "dfworx: 0.0.9");
        let target = parse(COMMENTED);
        let out = rewrite(&older, &target, &[Edit::Set { key: "dfworx", value: "0.1.0".into() }], "bump").unwrap();
        assert!(out.contains("dfworx: 0.1.0 # written by dfworx\n"), "{out}");
    }

    #[test]
    fn an_edit_it_cannot_make_in_place_is_refused_rather_than_dropping_comments() {
        let text = "# c\ndfworx: 0.1.0\nname: acme\napps: [{name: web, port: 3000}]\n";
        let mut target = parse(text);
        target.apps.push(PortedUnit::new("admin", 3001));
        let edits = [Edit::Append { list: "apps", fields: vec![("name", "admin".into()), ("port", "3001".into())] }];
        let err = rewrite(text, &target, &edits, "add app admin").unwrap_err();
        assert!(err.message.contains("add app admin"), "{}", err.message);
        // Without comments nothing can be lost: the whole file is written afresh.
        let plain = text.replace("# c\n", "");
        assert_eq!(parse(&rewrite(&plain, &target, &edits, "add").unwrap()), target);
    }

    #[test]
    fn scalars_are_quoted_when_yaml_would_read_them_otherwise() {
        assert_eq!(scalar("web"), "web");
        assert_eq!(scalar("my-templates/v2"), "my-templates/v2");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("24"), "\"24\"");
        assert_eq!(scalar("0.1.0"), "0.1.0");
        assert_eq!(scalar("#x"), "\"#x\"");
        assert_eq!(scalar(""), "\"\"");
    }
}
