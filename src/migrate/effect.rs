//! Whether a statement that runs outside a transaction already took effect, asked of the catalog.
//!
//! Such a statement commits on its own, and dfworx records it in a message of its own just after: a
//! run stopped between the two (killed, connection lost) leaves the statement done but unrecorded.
//! The next run resumes at it, and running it again fails (`CREATE INDEX CONCURRENTLY`: 42P07 "already
//! exists", seen in 7 of 30 kills). So before running the statement a resumed file starts with, dfworx
//! looks for its work in the catalog: found, it records the statement without running it.
//!
//! Names are read from the statement as written (quoted or not, qualified or not) and handed to
//! PostgreSQL to resolve (`to_regclass`, `parse_ident`), so they mean what they mean to the statement:
//! case folding, quoting and `search_path` included.

use sqlx::{AssertSqlSafe, PgConnection, Row as _};

use super::ledger::literal;
use super::split::skip_blank;

/// What the catalog says of a statement.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// Its work is there: record it, don't run it. Says what was found.
    Done(String),
    /// A `CREATE INDEX CONCURRENTLY` stopped half-way left this invalid index (its qualified name):
    /// drop it, then build it again.
    InvalidIndex(String),
    /// Not done, or nothing to look for: run it (VACUUM, REINDEX, ALTER SYSTEM … can run twice).
    NotDone,
}

/// Asks the catalog about `statement`. A question the server cannot answer (a role that may not read
/// the catalog, say) counts as not done: the statement then runs, as it would have without asking.
pub async fn look_up(conn: &mut PgConnection, statement: &str) -> Found {
    let Some(check) = Check::of(statement) else { return Found::NotDone };
    let Ok(rows) = sqlx::raw_sql(AssertSqlSafe(check.sql())).fetch_all(&mut *conn).await else {
        return Found::NotDone;
    };
    let field = |i: usize| rows.first().and_then(|row| row.try_get::<Option<String>, _>(i).ok().flatten());
    check.verdict(field(0).as_deref(), field(1))
}

/// The catalog question for one kind of statement. Names are kept as written in the statement.
#[derive(Debug, PartialEq, Eq)]
enum Check {
    /// `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name ON [ONLY] table`: the index is named
    /// without a schema and lands in its table's.
    IndexBuilt { index: String, table: String },
    /// `DROP INDEX CONCURRENTLY [IF EXISTS] name`.
    IndexDropped { index: String },
    /// `CREATE` (`created`) or `DROP [IF EXISTS]` of a database, tablespace or subscription.
    Object { catalog: Catalog, name: String, created: bool },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Catalog {
    Database,
    Tablespace,
    Subscription,
}

impl Catalog {
    fn of(word: &str) -> Option<Self> {
        [("database", Self::Database), ("tablespace", Self::Tablespace), ("subscription", Self::Subscription)]
            .into_iter()
            .find_map(|(w, catalog)| word.eq_ignore_ascii_case(w).then_some(catalog))
    }

    fn noun(self) -> &'static str {
        match self {
            Self::Database => "database",
            Self::Tablespace => "tablespace",
            Self::Subscription => "subscription",
        }
    }

    /// Rows of this catalog named `name` (an SQL expression); subscriptions belong to a database.
    fn rows_named(self, name: &str) -> String {
        match self {
            Self::Database => format!("SELECT FROM pg_catalog.pg_database WHERE datname = {name}"),
            Self::Tablespace => format!("SELECT FROM pg_catalog.pg_tablespace WHERE spcname = {name}"),
            Self::Subscription => format!(
                "SELECT FROM pg_catalog.pg_subscription WHERE subname = {name} \
                 AND subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())"
            ),
        }
    }
}

impl Check {
    fn of(statement: &str) -> Option<Self> {
        let mut head = Head::new(statement);
        if head.keyword("create") {
            if head.keyword("unique") || head.peek_keyword("index") {
                head.expect(&["index", "concurrently"])?;
                head.keywords(&["if", "not", "exists"]);
                // Without a name PostgreSQL picks one: nothing to look for.
                if head.peek_keyword("on") {
                    return None;
                }
                let index = head.identifier()?;
                head.expect(&["on"])?;
                head.keyword("only");
                return Some(Self::IndexBuilt { index, table: head.name()? });
            }
            let catalog = Catalog::of(head.word()?)?;
            return Some(Self::Object { catalog, name: head.identifier()?, created: true });
        }
        head.expect(&["drop"])?;
        if head.keyword("index") {
            head.expect(&["concurrently"])?;
            head.keywords(&["if", "exists"]);
            let index = head.name()?;
            // PostgreSQL drops one index at a time concurrently; a list is an error it will report.
            return (!head.peek_punct(',')).then_some(Self::IndexDropped { index });
        }
        let catalog = Catalog::of(head.word()?)?;
        head.keywords(&["if", "exists"]);
        Some(Self::Object { catalog, name: head.identifier()?, created: false })
    }

    /// One row: `verdict`'s two fields.
    fn sql(&self) -> String {
        match self {
            // An index lives in its table's schema, so the table and the bare index name find it.
            Self::IndexBuilt { index, table } => format!(
                "SELECT i.indisvalid::text, format('%I.%I', n.nspname, c.relname) \
                 FROM pg_catalog.pg_index i \
                 JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
                 JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
                 WHERE i.indrelid = pg_catalog.to_regclass({}) AND c.relname = (pg_catalog.parse_ident({}))[1]",
                literal(table),
                literal(index)
            ),
            Self::IndexDropped { index } => {
                format!("SELECT (pg_catalog.to_regclass({}) IS NULL)::text", literal(index))
            }
            Self::Object { catalog, name, .. } => format!(
                "SELECT EXISTS ({})::text",
                catalog.rows_named(&format!("(pg_catalog.parse_ident({}))[1]", literal(name)))
            ),
        }
    }

    fn verdict(&self, first: Option<&str>, second: Option<String>) -> Found {
        match (self, first) {
            (Self::IndexBuilt { .. }, Some("true")) => {
                Found::Done(format!("index {} exists and is valid", second.unwrap_or_default()))
            }
            (Self::IndexBuilt { .. }, Some("false")) => second.map_or(Found::NotDone, Found::InvalidIndex),
            (Self::IndexDropped { index }, Some("true")) => Found::Done(format!("index {index} no longer exists")),
            (Self::Object { catalog, name, created: true }, Some("true")) => {
                Found::Done(format!("{} {name} exists", catalog.noun()))
            }
            (Self::Object { catalog, name, created: false }, Some("false")) => {
                Found::Done(format!("{} {name} no longer exists", catalog.noun()))
            }
            _ => Found::NotDone,
        }
    }
}

/// The first tokens of a statement, past comments: words, quoted identifiers, punctuation.
struct Head<'a> {
    tokens: Vec<Token<'a>>,
    at: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'a> {
    /// An unquoted word, as written.
    Word(&'a str),
    /// A quoted identifier, quotes included (`"a ""b"""`).
    Quoted(&'a str),
    Punct(char),
}

impl<'a> Head<'a> {
    /// Enough tokens for the longest head above: `create unique index concurrently if not exists "s"
    /// on only "a"."b"`.
    const TOKENS: usize = 16;

    fn new(statement: &'a str) -> Self {
        let mut tokens = Vec::new();
        let mut rest = statement;
        while tokens.len() < Self::TOKENS {
            rest = skip_blank(rest);
            let Some(c) = rest.chars().next() else { break };
            let len = if c.is_alphabetic() || c == '_' {
                let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
                tokens.push(Token::Word(&rest[..len]));
                len
            } else if c == '"' {
                // The closing quote is the first one not doubled.
                let Some(len) = closing_quote(rest) else { break };
                tokens.push(Token::Quoted(&rest[..len]));
                len
            } else {
                tokens.push(Token::Punct(c));
                c.len_utf8()
            };
            rest = &rest[len..];
        }
        Self { tokens, at: 0 }
    }

    fn peek(&self) -> Option<Token<'a>> {
        self.tokens.get(self.at).copied()
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn peek_punct(&self, c: char) -> bool {
        self.peek() == Some(Token::Punct(c))
    }

    /// Takes `keyword` if it comes next.
    fn keyword(&mut self, keyword: &str) -> bool {
        let found = self.peek_keyword(keyword);
        self.at += usize::from(found);
        found
    }

    /// Takes all of `keywords` if they come next, in order; otherwise takes nothing.
    fn keywords(&mut self, keywords: &[&str]) -> bool {
        let start = self.at;
        if keywords.iter().all(|k| self.keyword(k)) {
            return true;
        }
        self.at = start;
        false
    }

    /// [`Head::keywords`] as an `Option`, for `?`.
    fn expect(&mut self, keywords: &[&str]) -> Option<()> {
        self.keywords(keywords).then_some(())
    }

    fn word(&mut self) -> Option<&'a str> {
        let Some(Token::Word(w)) = self.peek() else { return None };
        self.at += 1;
        Some(w)
    }

    /// An identifier, quoted or not, as written.
    fn identifier(&mut self) -> Option<String> {
        let Some(Token::Word(text) | Token::Quoted(text)) = self.peek() else { return None };
        self.at += 1;
        Some(text.to_string())
    }

    /// A possibly qualified name, `schema.table` or `"Schema"."Table"`, as written.
    fn name(&mut self) -> Option<String> {
        let mut name = self.identifier()?;
        while self.peek_punct('.') {
            self.at += 1;
            name.push('.');
            name.push_str(&self.identifier()?);
        }
        Some(name)
    }
}

/// The length of a quoted identifier at the start of `text` (which starts with `"`), quotes included.
fn closing_quote(text: &str) -> Option<usize> {
    let mut i = 1;
    loop {
        let at = i + text[i..].find('"')?;
        if text[at + 1..].starts_with('"') {
            i = at + 2;
        } else {
            return Some(at + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn built(index: &str, table: &str) -> Check {
        Check::IndexBuilt { index: index.into(), table: table.into() }
    }

    #[test]
    fn index_builds_are_looked_up_by_index_and_table_as_written() {
        assert_eq!(Check::of("create index concurrently i on t (a)"), Some(built("i", "t")));
        assert_eq!(
            Check::of(
                "-- why\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Things Email\" ON ONLY app.\"Things\" (email)"
            ),
            Some(built("\"Things Email\"", "app.\"Things\""))
        );
        assert_eq!(
            Check::of("create index concurrently \"a\"\"b\" on /* c */ s . t using gin (x)"),
            Some(built("\"a\"\"b\"", "s.t"))
        );
        assert_eq!(Check::of("create index concurrently on t (a)"), None, "PostgreSQL names it");
        assert_eq!(Check::of("create index i on t (a)"), None, "runs in a transaction");
    }

    #[test]
    fn drops_and_cluster_wide_objects_are_looked_up_by_name() {
        assert_eq!(
            Check::of("drop index concurrently if exists app.\"Old\" cascade"),
            Some(Check::IndexDropped { index: "app.\"Old\"".into() })
        );
        assert_eq!(Check::of("drop index concurrently a, b"), None);
        let object = |catalog, name: &str, created| Some(Check::Object { catalog, name: name.into(), created });
        assert_eq!(Check::of("CREATE DATABASE \"Acme\" WITH OWNER x"), object(Catalog::Database, "\"Acme\"", true));
        assert_eq!(Check::of("drop database if exists acme"), object(Catalog::Database, "acme", false));
        assert_eq!(Check::of("create tablespace fast location '/x'"), object(Catalog::Tablespace, "fast", true));
        assert_eq!(Check::of("drop subscription s1"), object(Catalog::Subscription, "s1", false));
    }

    #[test]
    fn statements_that_can_run_twice_need_no_look_up() {
        for sql in ["vacuum analyze t", "reindex index concurrently i", "alter system set work_mem = '8MB'", "cluster"]
        {
            assert_eq!(Check::of(sql), None, "{sql}");
        }
    }

    #[test]
    fn names_reach_the_server_as_literals() {
        let sql = Check::of("create index concurrently \"it's\" on t (a)").unwrap().sql();
        assert!(sql.contains(r#"parse_ident(E'"it''s"')"#), "{sql}");
    }

    #[test]
    fn the_verdict_reads_the_catalogs_answer() {
        let check = built("i", "t");
        assert_eq!(
            check.verdict(Some("true"), Some("app.i".into())),
            Found::Done("index app.i exists and is valid".into())
        );
        assert_eq!(check.verdict(Some("false"), Some("app.i".into())), Found::InvalidIndex("app.i".into()));
        assert_eq!(check.verdict(None, None), Found::NotDone);
        let drop = Check::Object { catalog: Catalog::Database, name: "acme".into(), created: false };
        assert_eq!(drop.verdict(Some("false"), None), Found::Done("database acme no longer exists".into()));
        assert_eq!(drop.verdict(Some("true"), None), Found::NotDone);
    }
}
