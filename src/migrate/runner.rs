//! Applying migrations: the sequence of `dfworx migrate up`.
//!
//! read the ledger → check it against the files → (nothing to do: stop here, no lock taken) → take the
//! lock → create the ledger tables if missing → read the ledger again (another run may have moved it) →
//! check again → apply each pending file → release the lock (on every path, see `Session::close`).
//!
//! A file normally goes to the server as ONE simple-query message: `BEGIN; <file>; <ledger rows>; COMMIT;`.
//! One round trip and one WAL flush per file, and the ledger rows commit with the file or not at all.
//! A file with a `BEGIN`/`COMMIT` of its own goes as written, the ledger rows inside its last block
//! (see `blocks`); one with a statement that cannot run in a transaction, statement by statement.
//! Counting the `CommandComplete` messages that came back before an error tells which statement failed
//! (PostgreSQL parses the whole message first, so a syntax error anywhere fails before anything ran, and
//! its position then points into the message) and which of a file's own COMMITs completed.

use std::fmt::Write as _;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_core::Stream;
use sqlx::postgres::{PgDatabaseError, PgErrorPosition};
use sqlx::{AssertSqlSafe, Either, Executor as _, PgConnection};

use super::blocks::{self, Blocks};
use super::classify::{self, Kind};
use super::connect::Session;
use super::effect::{self, Found};
use super::ledger::{self, Ledger};
use super::source::Migration;
use super::split::{is_executable, line_of};
use super::status::{self, State, plural};
use super::{extensions, lock, url};
use crate::error::{UserError, exit};
use crate::printer::Printer;

pub struct UpOptions {
    pub dry_run: bool,
    pub rehearse: bool,
    pub include_all: bool,
    pub lock_timeout: Duration,
    /// Connections that migrate tenants at once.
    pub jobs: usize,
}

/// How one pending file will run.
struct FilePlan<'a> {
    m: &'a Migration,
    how: How,
    /// Statements already done by an earlier, interrupted run.
    resume: usize,
}

enum How {
    /// In a transaction of dfworx's, with its ledger rows.
    Transaction,
    /// As written: the file has a `BEGIN`/`COMMIT` of its own.
    AsWritten(Blocks),
    /// Statement by statement, and why.
    Statementwise(String),
}

impl FilePlan<'_> {
    fn describe(&self) -> String {
        match &self.how {
            How::Transaction => "in one transaction".to_string(),
            How::AsWritten(blocks) => blocks.describe(self.m),
            How::Statementwise(why) if self.resume > 0 => {
                format!(
                    "statement by statement ({why}), resuming at statement {} of {}",
                    self.resume + 1,
                    self.m.statements().len()
                )
            }
            How::Statementwise(why) => format!("statement by statement ({why})"),
        }
    }
}

/// `before` is the ledger as [`ledger::read_rows`] found it when the session opened.
pub async fn up(
    session: &mut Session,
    migrations: &[Migration],
    mut before: Ledger,
    opts: &UpOptions,
    printer: &Printer,
) -> anyhow::Result<u8> {
    let started = Instant::now();
    ledger::fetch_unvouched(&mut session.conn, &mut before, migrations).await?;
    let status = status::compute(migrations, &before);
    status.check(opts.include_all, printer)?;
    if status.pending().is_empty() {
        printer.status(
            "Up to date",
            &format!("{} applied", plural(status.count(State::Applied), "migration", "migrations")),
        );
        return Ok(exit::OK);
    }
    let server = session.server_version();
    let plans = plan(migrations, &status, &before, server)?;
    if opts.dry_run {
        for p in &plans {
            printer.data(&format!("{}  {}", p.m.file_name, p.describe()))?;
        }
        printer.note(&format!(
            "Dry run: {} would be applied; nothing was changed.",
            plural(plans.len(), "migration", "migrations")
        ));
        return Ok(exit::OK);
    }

    lock::acquire(&mut session.conn, opts.lock_timeout, printer).await?;
    session.locked = true;
    let mut after = ledger::read(&mut session.conn, migrations, false).await?;
    if !after.tables_exist() && !opts.rehearse {
        sqlx::raw_sql(ledger::BOOKKEEPING_SQL)
            .execute(&mut session.conn)
            .await
            .map_err(|e| bookkeeping_error(&e, "cannot create the ledger tables in schema supabase_migrations"))?;
        after = ledger::read(&mut session.conn, migrations, false).await?;
    }
    let status = status::compute(migrations, &after);
    status.check(opts.include_all, printer)?;
    let plans = plan(migrations, &status, &after, server)?;
    if plans.is_empty() {
        // Another run applied them while this one waited for the lock.
        printer.status(
            "Up to date",
            &format!("{} applied", plural(status.count(State::Applied), "migration", "migrations")),
        );
        return Ok(exit::OK);
    }
    if opts.rehearse {
        return rehearse(&mut session.conn, &plans, &after, server, printer).await;
    }
    for p in &plans {
        let t = Instant::now();
        let how = match &p.how {
            How::Transaction => {
                apply_in_transaction(&mut session.conn, p.m, server).await?;
                String::new()
            }
            How::AsWritten(blocks) => {
                apply_as_written(&mut session.conn, p.m, blocks, server).await?;
                format!(", {}", blocks.short())
            }
            How::Statementwise(_) => {
                apply_statementwise(&mut session.conn, p, server, printer).await?;
                ", no transaction".to_string()
            }
        };
        printer.status("Applied", &format!("{} ({} ms{how})", p.m.file_name, t.elapsed().as_millis()));
    }
    printer.status(
        "Finished",
        &format!(
            "{} in {} ms",
            plural(plans.len(), "migration applied", "migrations applied"),
            started.elapsed().as_millis()
        ),
    );
    Ok(exit::OK)
}

fn plan<'a>(
    migrations: &'a [Migration],
    status: &status::Status,
    ledger: &Ledger,
    server: u32,
) -> anyhow::Result<Vec<FilePlan<'a>>> {
    let mut plans = Vec::new();
    for entry in status.pending() {
        let Some(m) = entry.index.map(|i| &migrations[i]) else { continue };
        let header = classify::no_transaction_header_line(&m.text);
        let mut no_transaction = header.map(|_| "marked -- dfworx:no-transaction".to_string());
        // The first statement that cannot run in a transaction, and its line.
        let mut outside = None;
        for s in m.statements() {
            if let Kind::NoTransaction(what) = classify::classify(&s.text, server) {
                let line = m.statement_line(s);
                no_transaction.get_or_insert_with(|| format!("{what} at line {line}"));
                outside.get_or_insert((what, line));
            }
        }
        if let Some(blocks) = as_written(m, entry.state, header, outside)? {
            plans.push(FilePlan { m, how: How::AsWritten(blocks), resume: 0 });
            continue;
        }
        let mut resume = 0;
        if entry.state == State::Partial
            && let Some(row) = ledger.dfworx.get(&m.version)
        {
            let done = row.statements_done.min(m.statements().len());
            if row.progress_checksum.as_deref() != Some(ledger::progress_checksum(m, done).as_str()) {
                return Err(UserError {
                    message: format!(
                        "{} was partly applied ({done} of {} statements) and those first {done} statements changed since",
                        m.file_name, row.statements_total
                    ),
                    hint: Some(format!(
                        "restore the file as it was; if you undid the partial changes by hand, forget the progress with DELETE FROM supabase_migrations.dfworx_migrations WHERE version = '{}'",
                        m.version
                    )),
                    code: exit::MIGRATE_DRIFT,
                }
                .into());
            }
            resume = done;
            no_transaction.get_or_insert_with(|| "resuming an interrupted run".to_string());
        }
        let how = no_transaction.map_or(How::Transaction, How::Statementwise);
        plans.push(FilePlan { m, how, resume });
    }
    Ok(plans)
}

/// The blocks of a file with a `BEGIN`/`COMMIT` of its own, which runs as written: refused when it also
/// has statements that must run outside a transaction (`outside`: the first, and its line) or the
/// header that asks for that.
fn as_written(
    m: &Migration,
    state: State,
    header: Option<usize>,
    outside: Option<(&str, usize)>,
) -> anyhow::Result<Option<Blocks>> {
    let Some(blocks) = Blocks::of(m) else { return Ok(None) };
    let control = &m.statements()[blocks.first_control];
    let conflict = match (outside, header) {
        (Some((what, line)), _) => Some((
            format!("holds {what} at line {line}, which cannot run inside a transaction"),
            format!("split it into two files: one with the transaction block, one with {what} (dfworx runs that one statement by statement)"),
        )),
        (None, Some(line)) => Some((
            format!("is marked `{}` at line {line}", classify::NO_TRANSACTION_HEADER),
            "remove the header to run the file as written; or split it into two files, one with the transaction block and one with the statements that must run outside a transaction".to_string(),
        )),
        (None, None) => None,
    };
    if let Some((conflict, hint)) = conflict {
        return Err(UserError::new(format!(
            "{} manages its own transaction ({} at line {}) and {conflict}",
            m.file_name,
            blocks::keyword(&control.text),
            m.statement_line(control)
        ))
        .hint(hint)
        .into());
    }
    blocks.check(m)?;
    if state == State::Partial {
        return Err(UserError {
            message: format!(
                "{} was partly applied statement by statement, and now manages its own transaction",
                m.file_name
            ),
            hint: Some(
                "restore the file as it was, let `dfworx migrate` finish it, then put the change in a new migration"
                    .into(),
            ),
            code: exit::MIGRATE_DRIFT,
        }
        .into());
    }
    Ok(Some(blocks))
}

/// What a message holds, to map PostgreSQL's error position and the count of completed commands back
/// to the file.
struct Sent<'a> {
    /// Characters dfworx put in front of the file's text in the message.
    prefix_chars: usize,
    /// The file text whose characters the message holds, and the byte offset in the file where it
    /// starts (a rehearsal blanks some of them out, keeping their count).
    text: &'a str,
    start: usize,
    /// Text dfworx put inside the file's text (ledger rows before its last COMMIT): byte offset in
    /// `text`, length in characters.
    inserted: Option<(usize, usize)>,
    /// What each `CommandComplete` answers, in order: a statement of the file (its index), or a
    /// command of dfworx's own (`None`).
    commands: Vec<Option<usize>>,
}

impl<'a> Sent<'a> {
    /// The whole file (without a BOM), `prefix_chars` after the message's start.
    fn file(m: &'a Migration, prefix_chars: usize) -> Self {
        let text = m.executable_text();
        Sent { prefix_chars, text, start: m.text.len() - text.len(), inserted: None, commands: Vec::new() }
    }

    /// One statement alone, after `prefix_chars` of dfworx's.
    fn statement(text: &'a str, start: usize, prefix_chars: usize, commands: Vec<Option<usize>>) -> Self {
        Sent { prefix_chars, text, start, inserted: None, commands }
    }

    /// The byte offset in the file of PostgreSQL's 1-based character position in the message.
    fn file_offset(&self, position: usize) -> Option<usize> {
        let mut c = position.checked_sub(1 + self.prefix_chars)?;
        if let Some((at, n)) = self.inserted {
            let before = self.text[..at].chars().count();
            if c >= before {
                c = c.checked_sub(n).filter(|&c| c >= before)?;
            }
        }
        self.text.char_indices().nth(c).map(|(b, _)| self.start + b)
    }
}

/// The statements of `m` that reach the server as commands (a comment-only piece does not), in order.
fn executed(m: &Migration) -> impl Iterator<Item = Option<usize>> + '_ {
    (0..m.statements().len()).filter(|&i| is_executable(&m.statements()[i].text)).map(Some)
}

/// The two ledger rows of a file applied whole, each followed by `;` and a line end.
fn ledger_rows(m: &Migration) -> String {
    format!(
        "{};\n{};\n",
        ledger::insert_ledger_row(m),
        ledger::upsert_dfworx_row(m, m.statements().len(), &ledger::Duration::SinceMessage)
    )
}

pub(super) struct BatchError {
    pub(super) completed: usize,
    pub(super) error: sqlx::Error,
}

/// Sends one simple-query message and counts the statements that completed.
pub(super) async fn run_batch(conn: &mut PgConnection, sql: String) -> Result<usize, BatchError> {
    let mut stream = conn.fetch_many(sqlx::raw_sql(AssertSqlSafe(sql)));
    let mut completed = 0;
    loop {
        match std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
            None => return Ok(completed),
            Some(Ok(Either::Left(_))) => completed += 1,
            Some(Ok(Either::Right(_))) => {}
            Some(Err(error)) => return Err(BatchError { completed, error }),
        }
    }
}

pub(super) async fn rollback(conn: &mut PgConnection) {
    let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *conn).await;
}

async fn apply_in_transaction(conn: &mut PgConnection, m: &Migration, server: u32) -> anyhow::Result<()> {
    let sql = format!("BEGIN;\n{}\n;\n{}COMMIT;", m.executable_text(), ledger_rows(m));
    if let Err(e) = run_batch(conn, sql).await {
        rollback(conn).await;
        let mut sent = Sent::file(m, "BEGIN;\n".len());
        sent.commands = std::iter::once(None).chain(executed(m)).collect();
        return Err(failure(m, &sent, &e, Mode::Transaction, server));
    }
    Ok(())
}

/// A file with its own `BEGIN`/`COMMIT`: its text as written, one message, the ledger rows inside
/// its last block (see `blocks`).
async fn apply_as_written(conn: &mut PgConnection, m: &Migration, blocks: &Blocks, server: u32) -> anyhow::Result<()> {
    let rows = ledger_rows(m);
    let mut sent = Sent::file(m, 0);
    let text = sent.text;
    let sql = if let Some(commit) = blocks.ledger_before() {
        // Right after the `;` (and the blank) that ends the statement before the COMMIT.
        let at = m.statements()[commit].offset.saturating_sub(sent.start);
        sent.inserted = Some((at, rows.chars().count()));
        sent.commands =
            executed(m).flat_map(|c| if c == Some(commit) { vec![None, None, c] } else { vec![c] }).collect();
        format!("{}{rows}{}", &text[..at], &text[at..])
    } else {
        sent.commands = executed(m).chain([None, None]).collect();
        format!("{text}\n;\n{rows}")
    };
    if let Err(e) = run_batch(conn, sql).await {
        rollback(conn).await;
        return Err(failure(m, &sent, &e, Mode::AsWritten(blocks), server));
    }
    Ok(())
}

async fn apply_statementwise(
    conn: &mut PgConnection,
    p: &FilePlan<'_>,
    server: u32,
    printer: &Printer,
) -> anyhow::Result<()> {
    let m = p.m;
    let started = Instant::now();
    let total = m.statements().len();
    // An earlier run may have finished the statement this one resumes at, and been stopped before it
    // recorded it: the first one reached here. No earlier run got past it, so an object found in the
    // place of a later statement is not that statement's work, and its error is real (a mistyped
    // DROP INDEX CONCURRENTLY must not pass for done). See `effect`.
    let unsure = (p.resume..total).find(|&i| is_executable(&m.statements()[i].text));
    for i in p.resume..total {
        let s = &m.statements()[i];
        if !is_executable(&s.text) {
            continue;
        }
        let text = s.text.strip_prefix('\u{feff}').unwrap_or(&s.text);
        let start = s.offset + (s.text.len() - text.len());
        let progress = ledger::upsert_dfworx_row(m, i + 1, &ledger::Duration::Millis(started.elapsed().as_millis()));
        let mode = Mode::Statementwise { done: i };
        if let Kind::NoTransaction(_) = classify::classify(text, server) {
            let found = if unsure == Some(i) { effect::look_up(conn, text).await } else { Found::NotDone };
            match found {
                Found::Done(what) => {
                    record_statement(conn, m, i, progress).await?;
                    printer.status(
                        "Recorded",
                        &format!("{} statement {}/{total}, already done: {what}", m.file_name, i + 1),
                    );
                    continue;
                }
                Found::InvalidIndex(index) => drop_invalid_index(conn, m, i, &index, printer).await?,
                Found::NotDone => {}
            }
            // Alone in its message: PostgreSQL refuses these inside a multi-statement string too.
            if let Err(e) = run_batch(conn, text.to_string()).await {
                return Err(failure(m, &Sent::statement(text, start, 0, vec![Some(i)]), &e, mode, server));
            }
            record_statement(conn, m, i, progress).await?;
        } else if let Err(e) = run_batch(conn, format!("BEGIN;\n{text}\n;\n{progress};\nCOMMIT;")).await {
            rollback(conn).await;
            let sent = Sent::statement(text, start, "BEGIN;\n".len(), vec![None, Some(i)]);
            return Err(failure(m, &sent, &e, mode, server));
        }
        printer.detail("Ran", &format!("{} statement {}/{total} (line {})", m.file_name, i + 1, m.statement_line(s)));
    }
    let finish = format!(
        "BEGIN;\n{};\n{};\nCOMMIT;",
        ledger::insert_ledger_row(m),
        ledger::upsert_dfworx_row(m, total, &ledger::Duration::Millis(started.elapsed().as_millis()))
    );
    if let Err(e) = run_batch(conn, finish).await {
        rollback(conn).await;
        return Err(bookkeeping_error(
            &e.error,
            &format!("every statement of {} ran, but recording it as applied failed", m.file_name),
        ));
    }
    Ok(())
}

/// Records that statement `i` of `m`, run outside a transaction, is done (`progress` is its row).
async fn record_statement(conn: &mut PgConnection, m: &Migration, i: usize, progress: String) -> anyhow::Result<()> {
    run_batch(conn, progress).await.map(|_| ()).map_err(|e| {
        bookkeeping_error(&e.error, &format!("{} statement {} ran, but recording it failed", m.file_name, i + 1))
    })
}

/// Drops what a `CREATE INDEX CONCURRENTLY` stopped half-way left behind, so that statement `i` of `m`
/// can build the index again.
async fn drop_invalid_index(
    conn: &mut PgConnection,
    m: &Migration,
    i: usize,
    index: &str,
    printer: &Printer,
) -> anyhow::Result<()> {
    printer.status(
        "Rebuilding",
        &format!("index {index} ({} statement {}): an interrupted build left it invalid", m.file_name, i + 1),
    );
    let Err(e) = run_batch(conn, format!("DROP INDEX CONCURRENTLY {index}")).await else { return Ok(()) };
    let what = format!("cannot drop the invalid index {index} that an interrupted build left");
    let sqlx::Error::Database(db) = &e.error else { return Err(lost_connection(&e.error, &what)) };
    Err(UserError {
        message: format!("{what}: {} (SQLSTATE {})", db.message(), db.code().unwrap_or_default()),
        hint: Some(format!("drop it yourself (DROP INDEX CONCURRENTLY {index}), then run `dfworx migrate` again")),
        code: exit::MIGRATE_FAILED,
    }
    .into())
}

async fn rehearse(
    conn: &mut PgConnection,
    plans: &[FilePlan<'_>],
    ledger: &Ledger,
    server: u32,
    printer: &Printer,
) -> anyhow::Result<u8> {
    run_batch(conn, "BEGIN".to_string())
        .await
        .map_err(|e| bookkeeping_error(&e.error, "cannot start the rehearsal"))?;
    if !ledger.tables_exist()
        && let Err(e) = run_batch(conn, ledger::BOOKKEEPING_SQL.to_string()).await
    {
        rollback(conn).await;
        return Err(bookkeeping_error(&e.error, "cannot create the ledger tables in schema supabase_migrations"));
    }
    let mut rehearsed = 0;
    for p in plans {
        let m = p.m;
        let mut sent = Sent::file(m, 0);
        // A file's own single block runs with its BEGIN and COMMIT blanked out, inside the rehearsal's.
        let text = match &p.how {
            How::Transaction => {
                sent.commands = executed(m).collect();
                m.executable_text().to_string()
            }
            How::AsWritten(blocks) if blocks.single().is_some() => {
                sent.commands = executed(m)
                    .filter(|c| c.is_some_and(|i| classify::control(&m.statements()[i].text).is_none()))
                    .collect();
                blocks::without_control(m)
            }
            How::AsWritten(_) | How::Statementwise(_) => {
                let why = if matches!(p.how, How::AsWritten(_)) {
                    "its own COMMITs would end the rehearsal's transaction"
                } else {
                    "it runs statement by statement"
                };
                printer.warn(&format!("{} not rehearsed: {why} ({})", m.file_name, p.describe()));
                continue;
            }
        };
        sent.commands.extend([None, None]);
        if let Err(e) = run_batch(conn, format!("{text}\n;\n{}", ledger_rows(m))).await {
            rollback(conn).await;
            return Err(failure(m, &sent, &e, Mode::Rehearsal, server));
        }
        rehearsed += 1;
        printer.status("Rehearsed", &m.file_name);
    }
    rollback(conn).await;
    printer.status(
        "Finished",
        &format!(
            "rehearsal: {} would apply; rolled back, nothing was changed",
            plural(rehearsed, "migration", "migrations")
        ),
    );
    Ok(exit::OK)
}

#[derive(Clone, Copy)]
enum Mode<'a> {
    Transaction,
    /// As written, with the file's own transaction blocks.
    AsWritten(&'a Blocks),
    /// Statement by statement; `done` statements of the file are applied and recorded.
    Statementwise {
        done: usize,
    },
    Rehearsal,
}

fn bookkeeping_error(e: &sqlx::Error, what: &str) -> anyhow::Error {
    match e {
        sqlx::Error::Database(db) => UserError {
            message: format!("{what}: {} (SQLSTATE {})", db.message(), db.code().unwrap_or_default()),
            hint: Some(
                "the role in the database URL needs to create and write tables in schema supabase_migrations".into(),
            ),
            code: exit::MIGRATE_FAILED,
        }
        .into(),
        other => lost_connection(other, what),
    }
}

fn lost_connection(e: &sqlx::Error, what: &str) -> anyhow::Error {
    url::connection_error(
        format!("{what}: lost the connection to the database ({e})"),
        "run `dfworx migrate status` to see what was applied, then `dfworx migrate` again",
    )
    .into()
}

/// The report for a statement that failed: file, statement and line, SQLSTATE, message, detail, hint.
fn failure(m: &Migration, sent: &Sent<'_>, e: &BatchError, mode: Mode<'_>, server: u32) -> anyhow::Error {
    // The file's own COMMIT that completed last: what it committed stays.
    let committed = match mode {
        Mode::AsWritten(blocks) => {
            let done = &sent.commands[..e.completed.min(sent.commands.len())];
            done.iter().rev().flatten().find(|&&i| blocks.commits(i)).map(|&i| m.statement_line(&m.statements()[i]))
        }
        _ => None,
    };
    let stays = |line: usize| {
        format!(
            "the statements up to line {line} (its COMMIT) were committed by {} itself and stay applied, but the file is not recorded as applied",
            m.file_name
        )
    };
    let Some(db) = e.error.as_database_error().and_then(|d| d.try_downcast_ref::<PgDatabaseError>()) else {
        let what = match committed {
            Some(line) => format!("while applying {} ({})", m.file_name, stays(line)),
            None => format!("while applying {}", m.file_name),
        };
        return lost_connection(&e.error, &what);
    };
    // Where in the file: PostgreSQL's position when it gave one, else the statement reached.
    let position = match db.position() {
        Some(PgErrorPosition::Original(p)) => sent.file_offset(p),
        _ => None,
    };
    let statement_index = match position {
        Some(at) => m.statements().iter().rposition(|s| s.offset <= at),
        None => sent.commands.get(e.completed).copied().flatten(),
    };
    let verb = if matches!(mode, Mode::Rehearsal) { "would fail" } else { "failed" };
    let head = match statement_index {
        Some(i) => {
            let line = position.map_or_else(|| m.statement_line(&m.statements()[i]), |at| line_of(&m.text, at));
            format!("{} {verb} at statement {} (line {line}): {}", m.file_name, i + 1, db.message())
        }
        None => format!("{} {verb}: {}", m.file_name, db.message()),
    };
    let mut details = vec![format!("SQLSTATE {}", db.code())];
    if let Some(detail) = db.detail() {
        details.push(format!("detail: {detail}"));
    }
    if let Some(hint) = db.hint() {
        details.push(format!("PostgreSQL's hint: {hint}"));
    }
    if let Some(context) = db.r#where() {
        details.push(format!("where: {}", context.lines().next().unwrap_or_default()));
    }
    if let Some(line) = committed {
        details.push(stays(line));
    }
    if let Some(i) = statement_index {
        details.push(String::new());
        details.extend(excerpt(m, &m.statements()[i], position));
    }
    let hint = what_to_do(m, mode, committed, db, statement_index, server);
    anyhow::Error::new(UserError { message: details.join("\n"), hint: Some(hint), code: exit::MIGRATE_FAILED })
        .context(head)
}

/// The hint of [`failure`]: what was applied, and what to do next.
fn what_to_do(
    m: &Migration,
    mode: Mode<'_>,
    committed: Option<usize>,
    db: &PgDatabaseError,
    statement_index: Option<usize>,
    server: u32,
) -> String {
    let mut hint = match mode {
        Mode::Transaction => {
            format!(
                "nothing of {} was applied: it ran in one transaction, rolled back with its ledger row; fix it and run `dfworx migrate` again",
                m.file_name
            )
        }
        Mode::AsWritten(_) => match committed {
            None => format!(
                "nothing of {} was applied: it failed before any of its own COMMITs, and its transaction rolled back; fix it and run `dfworx migrate` again",
                m.file_name
            ),
            Some(line) => format!(
                "the next run applies the whole file again: make its statements up to line {line} re-runnable (`if not exists`, `create or replace`, …) or undo them by hand, fix the failing one, then run `dfworx migrate`"
            ),
        },
        Mode::Statementwise { done } => format!(
            "{} runs statement by statement: {} applied and recorded, and `dfworx migrate` resumes at statement {} once it is fixed (edit only that statement and the ones after it)",
            m.file_name,
            plural(done, "statement is", "statements are"),
            done + 1
        ),
        Mode::Rehearsal => "nothing was changed: the rehearsal ran in one transaction and rolled back".to_string(),
    };
    match db.code() {
        "55P04" => hint.push_str(
            "; a new enum value cannot be used in the transaction that added it: move its use to a later migration",
        ),
        "25001" if matches!(mode, Mode::AsWritten(_)) => {
            hint.push_str("; this statement cannot run inside a transaction: move it into a file of its own");
        }
        "25001" => {
            let _ = write!(
                hint,
                "; this statement cannot run inside a transaction: put `{}` at the top of the file",
                classify::NO_TRANSACTION_HEADER
            );
        }
        code => {
            if let Some(name) = extensions::missing(code, db.message(), db.detail()) {
                hint = format!("{}; {hint}", extensions::hint(&name, server));
            }
        }
    }
    if let (Mode::Statementwise { .. }, Some(i)) = (mode, statement_index)
        && let Kind::NoTransaction(what) = classify::classify(&m.statements()[i].text, 0)
    {
        hint.push_str(match what {
            "CREATE INDEX CONCURRENTLY" => {
                "; if the failed build left an invalid index behind, the next run drops it and builds it again"
            }
            "REINDEX CONCURRENTLY" => {
                "; a failed REINDEX CONCURRENTLY can leave invalid indexes named …_ccnew behind: drop them before running again"
            }
            _ => "",
        });
    }
    hint
}

/// The failing statement's lines with their numbers, a caret under the error position if known.
fn excerpt(m: &Migration, s: &super::split::Statement, position: Option<usize>) -> Vec<String> {
    const MAX_LINES: usize = 12;
    let first = m.statement_line(s);
    let last = line_of(&m.text, s.offset + s.text.len());
    let error_line = position.map(|at| line_of(&m.text, at));
    let width = last.to_string().len();
    let mut out = Vec::new();
    let lines: Vec<&str> = m.text.lines().collect();
    let (from, to) = match error_line {
        Some(l) if l >= first + MAX_LINES => (l + 1 - MAX_LINES / 2, (l + MAX_LINES / 2).min(last)),
        _ => (first, last.min(first + MAX_LINES - 1)),
    };
    for n in from..=to {
        let text = lines.get(n - 1).copied().unwrap_or_default().trim_end_matches('\r');
        out.push(format!("{n:>width$} | {text}"));
        if Some(n) == error_line
            && let Some(at) = position
        {
            let line_start = m.text[..at].rfind('\n').map_or(0, |i| i + 1);
            let column = m.text[line_start..at].chars().count();
            out.push(format!("{:>width$} | {}^", "", " ".repeat(column)));
        }
    }
    if to < last {
        out.push(format!("{:>width$} | …", ""));
    }
    out
}
