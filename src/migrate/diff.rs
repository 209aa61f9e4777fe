//! A statement-level diff between what the ledger recorded for a file and the file on disk: which
//! statements were added, removed or changed, and inside a changed one, which lines.

use std::fmt::Write as _;

use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

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
    for op in similar::capture_diff_slices(Algorithm::Myers, &old, &new) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete { old_index, old_len, new_index } => {
                for (i, text) in old.iter().enumerate().skip(old_index).take(old_len) {
                    let _ =
                        writeln!(out, "@@ statement {} removed (was before line {}) @@", i + 1, line(new_index).max(1));
                    push_lines(&mut out, '-', text);
                }
            }
            DiffOp::Insert { new_index, new_len, .. } => {
                for (j, text) in new.iter().enumerate().skip(new_index).take(new_len) {
                    let _ = writeln!(out, "@@ statement {} added (line {}) @@", j + 1, line(j));
                    push_lines(&mut out, '+', text);
                }
            }
            DiffOp::Replace { old_index, old_len, new_index, new_len } => {
                let pairs = old_len.max(new_len);
                for k in 0..pairs {
                    match (
                        old.get(old_index + k).filter(|_| k < old_len),
                        new.get(new_index + k).filter(|_| k < new_len),
                    ) {
                        (Some(a), Some(b)) => {
                            let _ = writeln!(
                                out,
                                "@@ statement {} changed (line {}) @@",
                                new_index + k + 1,
                                line(new_index + k)
                            );
                            let diff = TextDiff::from_lines(a.as_str(), b.as_str());
                            for change in diff.iter_all_changes() {
                                let sign = match change.tag() {
                                    ChangeTag::Equal => ' ',
                                    ChangeTag::Delete => '-',
                                    ChangeTag::Insert => '+',
                                };
                                let _ = writeln!(out, "{sign}{}", change.value().trim_end_matches('\n'));
                            }
                        }
                        (Some(a), None) => {
                            let _ = writeln!(out, "@@ statement {} removed @@", old_index + k + 1);
                            push_lines(&mut out, '-', a);
                        }
                        (None, Some(b)) => {
                            let _ = writeln!(
                                out,
                                "@@ statement {} added (line {}) @@",
                                new_index + k + 1,
                                line(new_index + k)
                            );
                            push_lines(&mut out, '+', b);
                        }
                        (None, None) => {}
                    }
                }
            }
        }
    }
    out.trim_end().to_string()
}

fn push_lines(out: &mut String, sign: char, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "{sign}{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
