//! A statement-level diff between what the ledger recorded for a file and the file on disk: which
//! statements were added, removed or changed, and inside a changed one, which lines.
//!
//! diffy compares lines of text, so each side becomes a text of one line per statement, each line
//! the number given to that statement's text: equal statements get equal lines, whatever they hold.

use std::collections::HashMap;
use std::fmt::Write as _;

use diffy::{DiffOptions, Line};

use super::source::{Migration, normalize};
use super::split::line_of;

/// `ledger` are the recorded statements; both sides are compared with CRLF and a BOM normalised away.
pub fn statement_diff(m: &Migration, ledger: &[String]) -> String {
    let old: Vec<String> = ledger.iter().map(|s| normalize(s).into_owned()).collect();
    let new: Vec<String> = m.statements().iter().map(|s| normalize(&s.text).into_owned()).collect();
    let mut out = String::new();
    let _ = writeln!(out, "--- {} as applied (supabase_migrations.schema_migrations)", m.file_name);
    let _ = writeln!(out, "+++ {} on disk", m.file_name);
    let line = |j: usize| m.statements().get(j).map_or(0, |s| line_of(&m.text, s.offset));
    for change in changes(&old, &new) {
        match change {
            Change::Removed { old: i, before } => {
                let place =
                    if before < new.len() { format!("was before line {}", line(before)) } else { "was last".into() };
                let _ = writeln!(out, "@@ statement {} removed ({place}) @@", i + 1);
                push_lines(&mut out, '-', &old[i]);
            }
            Change::Added { new: j } => {
                let _ = writeln!(out, "@@ statement {} added (line {}) @@", j + 1, line(j));
                push_lines(&mut out, '+', &new[j]);
            }
            Change::Changed { old: i, new: j } => {
                let _ = writeln!(out, "@@ statement {} changed (line {}) @@", j + 1, line(j));
                push_line_diff(&mut out, &old[i], &new[j]);
            }
        }
    }
    out.trim_end().to_string()
}

/// One difference between the recorded statements and the file's, by index.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    /// Recorded statement `old` is gone; `before` is the file's statement now in its place.
    Removed {
        old: usize,
        before: usize,
    },
    Added {
        new: usize,
    },
    /// Within one run of differences, the first removed statement pairs with the first added one,
    /// and so on.
    Changed {
        old: usize,
        new: usize,
    },
}

fn changes(old: &[String], new: &[String]) -> Vec<Change> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let (old_text, new_text) = (as_lines(old, &mut ids), as_lines(new, &mut ids));
    let mut out = Vec::new();
    // Removed and added statements of the current run of differences, then the position reached.
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    for line in whole(&old_text, &new_text).hunks().iter().flat_map(diffy::Hunk::lines) {
        match line {
            Line::Delete(_) => {
                removed.push(i);
                i += 1;
            }
            Line::Insert(_) => {
                added.push(j);
                j += 1;
            }
            Line::Context(_) => {
                close_run(&mut out, &mut removed, &mut added, j);
                i += 1;
                j += 1;
            }
        }
    }
    close_run(&mut out, &mut removed, &mut added, j);
    out
}

/// One line per statement: the number of its text in `ids`, which gives each new text the next number.
fn as_lines<'a>(statements: &'a [String], ids: &mut HashMap<&'a str, usize>) -> String {
    let mut text = String::new();
    for s in statements {
        let next = ids.len();
        let _ = writeln!(text, "{}", ids.entry(s.as_str()).or_insert(next));
    }
    text
}

fn close_run(out: &mut Vec<Change>, removed: &mut Vec<usize>, added: &mut Vec<usize>, before: usize) {
    let paired = removed.len().min(added.len());
    out.extend(removed.iter().zip(added.iter()).map(|(&old, &new)| Change::Changed { old, new }));
    out.extend(removed[paired..].iter().map(|&old| Change::Removed { old, before }));
    out.extend(added[paired..].iter().map(|&new| Change::Added { new }));
    removed.clear();
    added.clear();
}

/// A patch of one hunk holding every line of both texts (context as wide as the longer text), so
/// that walking its lines visits each line of each side once, in order.
fn whole<'a>(old: &'a str, new: &'a str) -> diffy::Patch<'a, str> {
    DiffOptions::new().set_context_len(old.lines().count().max(new.lines().count())).create_patch(old, new)
}

/// A changed statement, line by line, unchanged lines included.
fn push_line_diff(out: &mut String, old: &str, new: &str) {
    // Both end in a newline, so a last line is not told apart from the same line followed by more.
    let (old, new) = (format!("{old}\n"), format!("{new}\n"));
    for line in whole(&old, &new).hunks().iter().flat_map(diffy::Hunk::lines) {
        let (sign, text) = match line {
            Line::Context(t) => (' ', t),
            Line::Delete(t) => ('-', t),
            Line::Insert(t) => ('+', t),
        };
        let _ = writeln!(out, "{sign}{}", text.trim_end_matches('\n'));
    }
}

fn push_lines(out: &mut String, sign: char, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "{sign}{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_changed_statement_shows_the_changed_lines() {
        let m = Migration::from_text("1_a.sql", "create table a (\n  id int\n);\nselect 1;\n".into()).unwrap();
        let ledger = vec!["create table a (\n  id bigint\n)".to_string(), "select 1".to_string()];
        let diff = statement_diff(&m, &ledger);
        assert!(
            diff.contains("@@ statement 1 changed (line 1) @@\n create table a (\n-  id bigint\n+  id int\n )"),
            "{diff}"
        );
        assert!(!diff.contains("select 1"), "{diff}");
    }

    #[test]
    fn added_and_removed_statements_are_named() {
        let m = Migration::from_text("1_a.sql", "select 1;\nselect 3;\n".into()).unwrap();
        let diff = statement_diff(&m, &["select 1".into(), "select 2".into()]);
        assert!(diff.contains("-select 2") && diff.contains("+select 3"), "{diff}");

        let m = Migration::from_text("1_a.sql", "select 1;\n\nselect 3;\n".into()).unwrap();
        let diff = statement_diff(&m, &["select 1".into(), "select 2".into(), "select 3".into()]);
        assert_eq!(
            diff,
            "--- 1_a.sql as applied (supabase_migrations.schema_migrations)\n+++ 1_a.sql on disk\n\
             @@ statement 2 removed (was before line 3) @@\n-select 2"
        );
        let m = Migration::from_text("1_a.sql", "select 1;\nselect 2;\nselect 3;\n".into()).unwrap();
        let diff = statement_diff(&m, &["select 1".into(), "select 3".into()]);
        assert!(diff.ends_with("@@ statement 2 added (line 2) @@\n+select 2"), "{diff}");
        let m = Migration::from_text("1_a.sql", "select 1;\n".into()).unwrap();
        let diff = statement_diff(&m, &["select 1".into(), "select 2".into()]);
        assert!(diff.ends_with("@@ statement 2 removed (was last) @@\n-select 2"), "{diff}");
    }

    #[test]
    fn statements_are_paired_within_each_run_of_differences() {
        let old = strings(&["a", "b", "c", "d", "e"]);
        let new = strings(&["a", "B", "c", "x", "y", "e", "f"]);
        assert_eq!(
            changes(&old, &new),
            [
                Change::Changed { old: 1, new: 1 },
                Change::Changed { old: 3, new: 3 },
                Change::Added { new: 4 },
                Change::Added { new: 6 },
            ]
        );
        assert_eq!(changes(&old, &old), []);
        assert_eq!(changes(&[], &strings(&["a"])), [Change::Added { new: 0 }]);
        assert_eq!(
            changes(&strings(&["a", "b"]), &[]),
            [Change::Removed { old: 0, before: 0 }, Change::Removed { old: 1, before: 0 }]
        );
        // Statements that are equal but for their place are found as moved, not as all changed.
        assert_eq!(
            changes(&strings(&["a", "b", "c"]), &strings(&["b", "c", "a"])),
            [Change::Removed { old: 0, before: 0 }, Change::Added { new: 2 }]
        );
    }

    #[test]
    fn a_line_added_after_the_last_one_leaves_the_last_one_unchanged() {
        let mut out = String::new();
        push_line_diff(&mut out, "select 1,\n  2", "select 1,\n  2,\n  3");
        assert_eq!(out, " select 1,\n-  2\n+  2,\n+  3\n");
        let mut out = String::new();
        push_line_diff(&mut out, "a\nb", "a\nb\nc");
        assert_eq!(out, " a\n b\n+c\n");
    }
}
