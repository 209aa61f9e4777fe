//! Files that manage their own transaction: a top-level `BEGIN`, `START TRANSACTION`, `COMMIT`, `END`,
//! `ROLLBACK` or `ABORT`.
//!
//! Such a file goes to the server as written, as ONE simple-query message, the way the Supabase CLI
//! sends a file (one pgx batch, one Sync). PostgreSQL's rules for a message of several statements
//! ("Multiple Statements in a Simple Query" in its protocol docs; checked against the server by the
//! story tests) then decide what commits together:
//!
//! - the statements run in an implicit transaction block; a `BEGIN` turns it into a regular block that
//!   holds the statements before it too;
//! - a `COMMIT` or `ROLLBACK` ends the block (even an implicit one, with a warning), and the statements
//!   after it start a new implicit block;
//! - an error skips the rest of the message: the block it happened in rolls back, blocks committed
//!   before it stay.
//!
//! So a file is a sequence of transactions, each ending at a `COMMIT`/`ROLLBACK` or at the end of the
//! file. dfworx's ledger rows go just before the last `COMMIT` when that is the file's last statement,
//! so they commit with the file's last block (the Supabase CLI appends its row after the file: a crash
//! in between leaves the file applied and unrecorded); otherwise at the end, into the implicit block
//! of the statements after the last `COMMIT`. A file that ends inside a block it opened is refused:
//! the message would leave the transaction open.

use super::classify::{Control, control};
use super::source::Migration;
use super::split::{is_executable, leading_words};
use super::status::plural;
use crate::error::UserError;

/// The transactions a file makes when it runs as written.
#[derive(Debug)]
pub struct Blocks {
    /// One per transaction, in order.
    units: Vec<Unit>,
    /// The file's first transaction-control statement (index into its statements).
    pub first_control: usize,
}

/// One transaction of the file: statements up to a `COMMIT`/`ROLLBACK`, or up to the end of the file.
#[derive(Debug, PartialEq, Eq)]
struct Unit {
    /// The statement that opened a regular block in it (`BEGIN`, or a `COMMIT AND CHAIN`), if any.
    begin: Option<usize>,
    /// The statement that ends it, and how; `None`: the end of the file.
    end: Option<(usize, Control)>,
}

impl Blocks {
    /// `None` when the file holds no transaction-control statement (dfworx wraps it in its own).
    pub fn of(m: &Migration) -> Option<Self> {
        let mut units = Vec::new();
        let mut first_control = None;
        let mut begin = None;
        // Whether anything ran since the last end: it makes the trailing transaction.
        let mut open = false;
        for (i, s) in m.statements().iter().enumerate() {
            if !is_executable(&s.text) {
                continue;
            }
            let Some(c) = control(&s.text) else {
                open = true;
                continue;
            };
            first_control.get_or_insert(i);
            match c {
                Control::Begin => {
                    // A second BEGIN in a block only draws a warning from PostgreSQL.
                    begin.get_or_insert(i);
                    open = true;
                }
                Control::Commit { chain } | Control::Rollback { chain } => {
                    units.push(Unit { begin, end: Some((i, c)) });
                    begin = chain.then_some(i);
                    open = chain;
                }
            }
        }
        if open {
            units.push(Unit { begin, end: None });
        }
        Some(Self { units, first_control: first_control? })
    }

    /// The file must not leave a block of its own open at its end.
    pub fn check(&self, m: &Migration) -> Result<(), UserError> {
        let Some(Unit { begin: Some(b), end: None }) = self.units.last() else { return Ok(()) };
        let s = &m.statements()[*b];
        Err(UserError::new(format!(
            "{} line {}: {} is never committed: the file ends inside its transaction block",
            m.file_name,
            m.statement_line(s),
            keyword(&s.text)
        ))
        .hint("end the file with COMMIT (or remove its BEGIN: dfworx runs a file without one in a transaction of its own)"))
    }

    /// The `BEGIN` and the `COMMIT` of a file whose statements all commit together, in one block.
    pub fn single(&self) -> Option<(usize, usize)> {
        match self.units.as_slice() {
            [Unit { begin: Some(b), end: Some((c, Control::Commit { chain: false })) }] => Some((*b, *c)),
            _ => None,
        }
    }

    /// The statement that dfworx's ledger rows go just before: the last `COMMIT` when it is the file's
    /// last statement. `None`: they go at the end.
    pub fn ledger_before(&self) -> Option<usize> {
        match self.units.last()? {
            Unit { end: Some((c, Control::Commit { chain: false })), .. } => Some(*c),
            _ => None,
        }
    }

    /// Whether statement `i` commits a block.
    pub fn commits(&self, i: usize) -> bool {
        self.units.iter().any(|u| matches!(u.end, Some((c, Control::Commit { .. })) if c == i))
    }

    /// For the plan and `--dry-run`.
    pub fn describe(&self, m: &Migration) -> String {
        let at = |i: usize| {
            let s = &m.statements()[i];
            format!("{} line {}", keyword(&s.text), m.statement_line(s))
        };
        match self.single() {
            Some((b, c)) => format!("in its own transaction ({} … {})", at(b), at(c)),
            None => format!("as written: {}", plural(self.units.len(), "transaction block", "transaction blocks")),
        }
    }

    /// For the `Applied` line.
    pub fn short(&self) -> String {
        match self.single() {
            Some(_) => "its own transaction".to_string(),
            None => format!("as written, {}", plural(self.units.len(), "transaction block", "transaction blocks")),
        }
    }
}

/// The statement's verb as written in messages: `BEGIN`, `START TRANSACTION`, `COMMIT`, `END`.
pub fn keyword(text: &str) -> String {
    let words = leading_words(text, 2);
    let n = if words.first().is_some_and(|w| w == "start") { 2 } else { 1 };
    words.iter().take(n).map(|w| w.to_uppercase()).collect::<Vec<_>>().join(" ")
}

/// The file's executable text (no BOM) with its transaction-control statements blanked out: spaces in
/// place of every character but line ends, so the text keeps its length in characters and its lines,
/// and PostgreSQL's error positions still point into the file. For a rehearsal, which runs the file
/// inside a transaction of its own.
pub fn without_control(m: &Migration) -> String {
    let text = m.executable_text();
    let bom = m.text.len() - text.len();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for s in m.statements() {
        if !is_executable(&s.text) || control(&s.text).is_none() {
            continue;
        }
        let from = s.first_word() - bom;
        let to = (s.offset + s.text.len()).saturating_sub(bom);
        out.push_str(&text[copied..from]);
        out.extend(text[from..to].chars().map(|c| if matches!(c, '\n' | '\r') { c } else { ' ' }));
        copied = to;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(sql: &str) -> Migration {
        Migration::from_text("20240101000000_x.sql", sql.to_string()).unwrap()
    }

    #[test]
    fn a_file_without_transaction_control_is_left_to_dfworx() {
        assert!(Blocks::of(&file("create table a (id int);\nrollback to savepoint s;\n")).is_none());
    }

    #[test]
    fn one_begin_commit_block_is_one_transaction_with_the_ledger_rows_before_its_commit() {
        let m = file("-- up\nbegin;\ncreate table a (id int);\ninsert into a values (1);\ncommit;\n-- done\n");
        let b = Blocks::of(&m).unwrap();
        assert_eq!(b.single(), Some((0, 3)));
        assert_eq!(b.ledger_before(), Some(3));
        assert!(b.check(&m).is_ok());
        assert_eq!(b.describe(&m), "in its own transaction (BEGIN line 2 … COMMIT line 5)");
        // Statements before BEGIN join its block.
        let m = file("create table a (id int);\nstart transaction;\nselect 1;\nend;\n");
        assert_eq!(
            Blocks::of(&m).unwrap().describe(&m),
            "in its own transaction (START TRANSACTION line 2 … END line 4)"
        );
    }

    #[test]
    fn statements_after_a_commit_make_another_transaction_that_takes_the_ledger_rows() {
        let m = file("begin;\ncreate table a (id int);\ncommit;\ncreate table b (id int);\n");
        let b = Blocks::of(&m).unwrap();
        assert_eq!(b.single(), None);
        assert_eq!(b.ledger_before(), None);
        assert!(b.commits(2) && !b.commits(0));
        assert_eq!(b.describe(&m), "as written: 2 transaction blocks");
        let m = file("begin;\nselect 1;\ncommit;\nbegin;\nselect 2;\ncommit;\n");
        let b = Blocks::of(&m).unwrap();
        assert_eq!((b.describe(&m), b.ledger_before()), ("as written: 2 transaction blocks".to_string(), Some(5)));
        // A file that rolls back its own work ends with its ROLLBACK; the ledger rows go after it.
        assert_eq!(Blocks::of(&file("begin;\nselect 1;\nrollback;\n")).unwrap().ledger_before(), None);
    }

    #[test]
    fn a_block_left_open_at_the_end_is_refused() {
        let m = file("select 1;\nBEGIN;\ncreate table a (id int);\n");
        let err = Blocks::of(&m).unwrap().check(&m).unwrap_err();
        assert_eq!(
            err.message,
            "20240101000000_x.sql line 2: BEGIN is never committed: the file ends inside its transaction block"
        );
        let m = file("begin;\nselect 1;\ncommit and chain;\n");
        assert!(Blocks::of(&m).unwrap().check(&m).is_err());
    }

    #[test]
    fn blanking_the_control_statements_keeps_characters_and_lines() {
        let m = file("\u{feff}-- café\nBEGIN -- go\n;\ncreate table é (id int);\nCOMMIT;\n");
        let blanked = without_control(&m);
        assert_eq!(blanked, "-- café\n           \n;\ncreate table é (id int);\n      ;\n");
        assert_eq!(blanked.chars().count(), m.executable_text().chars().count());
    }
}
