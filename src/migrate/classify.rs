//! Which statements cannot run inside a transaction block, and which manage transactions themselves.
//! PostgreSQL refuses the first kind inside `BEGIN … COMMIT` (and inside a multi-statement query
//! string), so a file holding one runs statement by statement instead; a file holding the second kind
//! runs as written (see `blocks`).

use super::split::leading_words;

/// The header comment that asks for statement-by-statement execution explicitly.
pub const NO_TRANSACTION_HEADER: &str = "-- dfworx:no-transaction";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Ordinary,
    /// Must run outside a transaction block; the text names the statement kind.
    NoTransaction(&'static str),
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, …: the file manages its own transaction (see [`control`]).
    TransactionControl,
}

/// A statement that opens or ends a transaction block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// `BEGIN`, `START TRANSACTION`.
    Begin,
    /// `COMMIT`, `END`; `chain`: `AND CHAIN` opens the next block at once.
    Commit { chain: bool },
    /// `ROLLBACK`, `ABORT`.
    Rollback { chain: bool },
}

/// Whether a statement opens or ends a transaction block. `ROLLBACK TO SAVEPOINT` does neither, and
/// `COMMIT PREPARED` / `ROLLBACK PREPARED` act on another transaction (they cannot run inside one).
pub fn control(text: &str) -> Option<Control> {
    control_of(&leading_words(text, 8))
}

fn control_of(w: &[String]) -> Option<Control> {
    let word = |i: usize| w.get(i).map_or("", String::as_str);
    // `AND CHAIN`, not `AND NO CHAIN`.
    let chain = w.windows(2).any(|p| p[0] == "and" && p[1] == "chain");
    // An optional WORK or TRANSACTION after the verb.
    let after = if matches!(word(1), "work" | "transaction") { word(2) } else { word(1) };
    match word(0) {
        "begin" => Some(Control::Begin),
        "start" if word(1) == "transaction" => Some(Control::Begin),
        "commit" | "end" if after != "prepared" => Some(Control::Commit { chain }),
        "rollback" | "abort" if !matches!(after, "prepared" | "to") => Some(Control::Rollback { chain }),
        _ => None,
    }
}

/// `server_version_num` in libpq's form (150004 for 15.4); `ALTER TYPE … ADD VALUE` needed its own
/// transaction before PostgreSQL 12.
pub fn classify(text: &str, server_version_num: u32) -> Kind {
    let w = leading_words(text, 16);
    let word = |i: usize| w.get(i).map_or("", String::as_str);
    let has = |s: &str| w.iter().any(|x| x == s);
    let has_pair = |a: &str, b: &str| w.windows(2).any(|p| p[0] == a && p[1] == b);
    match word(0) {
        "create" => {
            let i = if word(1) == "unique" { 2 } else { 1 };
            if word(i) == "index" && word(i + 1) == "concurrently" {
                return Kind::NoTransaction("CREATE INDEX CONCURRENTLY");
            }
            match word(1) {
                "database" => Kind::NoTransaction("CREATE DATABASE"),
                "tablespace" => Kind::NoTransaction("CREATE TABLESPACE"),
                "subscription" => Kind::NoTransaction("CREATE SUBSCRIPTION"),
                _ => Kind::Ordinary,
            }
        }
        "drop" => match (word(1), word(2)) {
            ("index", "concurrently") => Kind::NoTransaction("DROP INDEX CONCURRENTLY"),
            ("database", _) => Kind::NoTransaction("DROP DATABASE"),
            ("tablespace", _) => Kind::NoTransaction("DROP TABLESPACE"),
            ("subscription", _) => Kind::NoTransaction("DROP SUBSCRIPTION"),
            _ => Kind::Ordinary,
        },
        "reindex" => {
            // REINDEX [ ( option, … ) ] { INDEX | TABLE | SCHEMA | DATABASE | SYSTEM } [ CONCURRENTLY ] name
            let mut i = 1;
            if word(1) == "(" {
                while i < w.len() && word(i) != ")" {
                    i += 1;
                }
                i += 1;
            }
            if matches!(word(i), "schema" | "database" | "system") {
                Kind::NoTransaction("REINDEX SCHEMA/DATABASE/SYSTEM")
            } else if word(i + 1) == "concurrently" {
                Kind::NoTransaction("REINDEX CONCURRENTLY")
            } else {
                Kind::Ordinary
            }
        }
        "vacuum" => Kind::NoTransaction("VACUUM"),
        "cluster" if w.len() == 1 => Kind::NoTransaction("CLUSTER (all tables)"),
        "alter" => match word(1) {
            "system" => Kind::NoTransaction("ALTER SYSTEM"),
            "database" if has_pair("set", "tablespace") => Kind::NoTransaction("ALTER DATABASE … SET TABLESPACE"),
            "table" if has_pair("detach", "partition") && has("concurrently") => {
                Kind::NoTransaction("ALTER TABLE … DETACH PARTITION … CONCURRENTLY")
            }
            "type" if has_pair("add", "value") && server_version_num < 120_000 => {
                Kind::NoTransaction("ALTER TYPE … ADD VALUE (before PostgreSQL 12)")
            }
            _ => Kind::Ordinary,
        },
        "commit" | "rollback" if word(1) == "prepared" => Kind::NoTransaction("COMMIT/ROLLBACK PREPARED"),
        _ if control_of(&w).is_some() => Kind::TransactionControl,
        _ => Kind::Ordinary,
    }
}

/// The line of `-- dfworx:no-transaction` if the file has it among its leading comment lines.
pub fn no_transaction_header_line(text: &str) -> Option<usize> {
    for (n, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !line.starts_with("--") {
            return None;
        }
        let body = line.trim_start_matches('-').trim();
        if body.eq_ignore_ascii_case("dfworx:no-transaction") {
            return Some(n + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG15: u32 = 150_000;

    #[test]
    fn concurrent_index_builds_and_maintenance_need_no_transaction() {
        for sql in [
            "create index concurrently i on t (a)",
            "-- why\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)",
            "drop index concurrently if exists i",
            "reindex index concurrently i",
            "REINDEX (VERBOSE) TABLE CONCURRENTLY t",
            "reindex database acme",
            "vacuum analyze t",
            "alter table p detach partition p1 concurrently",
            "create database x",
            "alter system set work_mem = '8MB'",
        ] {
            assert!(matches!(classify(sql, PG15), Kind::NoTransaction(_)), "{sql}");
        }
    }

    #[test]
    fn ordinary_statements_stay_transactional() {
        for sql in [
            "create index i on t (a)",
            "create table concurrently (a int)",
            "reindex index i",
            "alter type mood add value 'meh'",
            "cluster t using i",
            "create function f() returns int language sql begin atomic select 1; end",
            "select 'vacuum'",
        ] {
            assert_eq!(classify(sql, PG15), Kind::Ordinary, "{sql}");
        }
        assert!(matches!(classify("alter type public.mood add value 'meh'", 110_000), Kind::NoTransaction(_)));
    }

    #[test]
    fn transaction_control_is_recognised() {
        for sql in [
            "BEGIN",
            "begin transaction isolation level serializable",
            "commit",
            "END",
            "rollback",
            "start transaction",
        ] {
            assert_eq!(classify(sql, PG15), Kind::TransactionControl, "{sql}");
        }
        assert!(matches!(classify("commit prepared 'x'", PG15), Kind::NoTransaction(_)));
    }

    #[test]
    fn control_tells_blocks_opened_committed_and_rolled_back() {
        assert_eq!(control("-- go\nBEGIN ISOLATION LEVEL SERIALIZABLE"), Some(Control::Begin));
        assert_eq!(control("start transaction read only"), Some(Control::Begin));
        assert_eq!(control("END"), Some(Control::Commit { chain: false }));
        assert_eq!(control("commit work and chain"), Some(Control::Commit { chain: true }));
        assert_eq!(control("commit and no chain"), Some(Control::Commit { chain: false }));
        assert_eq!(control("abort"), Some(Control::Rollback { chain: false }));
        // A savepoint rollback stays inside the block; a prepared transaction is another one.
        for sql in ["rollback to savepoint s", "ROLLBACK WORK TO s", "commit prepared 'x'", "start here", "savepoint s"]
        {
            assert_eq!(control(sql), None, "{sql}");
        }
        assert_eq!(classify("rollback to savepoint s", PG15), Kind::Ordinary);
        assert_eq!(no_transaction_header_line("-- adds an index\n-- dfworx:no-transaction\n"), Some(2));
    }

    #[test]
    fn the_header_must_come_before_any_statement() {
        let has = |text: &str| no_transaction_header_line(text).is_some();
        assert!(has("-- dfworx:no-transaction\ncreate index concurrently i on t (a);"));
        assert!(has("\u{feff}-- adds an index\n\n--  DFWORX:no-transaction\nselect 1;"));
        assert!(!has("select 1;\n-- dfworx:no-transaction\n"));
    }
}
