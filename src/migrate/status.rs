//! Files on disk against the ledger: every version is applied, pending (or partly applied), drifted
//! (applied, but the file changed since) or missing (applied, but the file is gone). `up`, `--dry-run`
//! and `status` all start from this one classification.

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde::Serialize;

use super::diff::statement_diff;
use super::ledger::{Ledger, Recorded};
use super::source::{Migration, compare_versions, normalize};
use crate::error::{UserError, exit};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Applied,
    Pending,
    /// A no-transaction file that stopped part-way; `dfworx migrate` resumes it.
    Partial,
    Drifted,
    Missing,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Pending => "pending",
            State::Partial => "partial",
            State::Drifted => "drifted",
            State::Missing => "missing",
        }
    }
}

/// One version, borrowing its texts from the files and the ledger it was computed from.
#[derive(Clone, Debug, Serialize)]
pub struct Entry<'a> {
    pub version: &'a str,
    pub name: &'a str,
    /// The file under supabase/migrations, if there is one.
    pub file: Option<&'a str>,
    pub state: State,
    pub applied_at: Option<&'a str>,
    pub duration_ms: Option<i64>,
    /// For a partial file: statements done, of how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<(usize, usize)>,
    /// Pending, yet older than the newest applied version.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub out_of_order: bool,
    /// For a drifted file: what changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Index into the migrations on disk.
    #[serde(skip)]
    pub index: Option<usize>,
}

pub struct Status<'a> {
    pub entries: Vec<Entry<'a>>,
}

pub fn compute<'a>(migrations: &'a [Migration], ledger: &'a Ledger) -> Status<'a> {
    let mut entries = Vec::with_capacity(migrations.len().max(ledger.rows.len()));
    for (index, m) in migrations.iter().enumerate() {
        let own = ledger.dfworx.get(&m.version);
        let mut entry = Entry {
            version: &m.version,
            name: &m.name,
            file: Some(&m.file_name),
            state: State::Pending,
            applied_at: None,
            duration_ms: None,
            progress: None,
            out_of_order: false,
            diff: None,
            index: Some(index),
        };
        if let Some(row) = ledger.rows.get(&m.version) {
            entry.state = State::Applied;
            let applied_by_dfworx = own.filter(|o| o.applied);
            if let Some(own) = applied_by_dfworx {
                entry.applied_at = own.applied_at.as_deref();
                entry.duration_ms = own.duration_ms;
            }
            match &row.statements {
                Recorded::Vouched => {}
                Recorded::Statements(recorded) => {
                    let same = recorded.len() == m.statements().len()
                        && recorded.iter().zip(m.statements()).all(|(a, b)| normalize(a) == normalize(&b.text));
                    if !same {
                        entry.state = State::Drifted;
                        entry.diff = Some(statement_diff(m, recorded));
                    }
                }
                // No statements recorded (`supabase migration repair`, or an empty file): fall back on
                // the checksum dfworx kept, if it applied the file.
                Recorded::Nothing => {
                    if applied_by_dfworx.is_some_and(|o| o.checksum != m.checksum()) {
                        entry.state = State::Drifted;
                        entry.diff = Some(format!(
                            "{}: the file's checksum differs from the one recorded when it was applied (the ledger holds no statements to compare)",
                            m.file_name
                        ));
                    }
                }
            }
        } else if let Some(own) = own.filter(|o| !o.applied) {
            entry.state = State::Partial;
            entry.progress = Some((own.statements_done, own.statements_total));
        }
        entries.push(entry);
    }
    // Every ledger row found a file above (as applied or drifted) unless some version is missing on disk.
    let found = entries.iter().filter(|e| matches!(e.state, State::Applied | State::Drifted)).count();
    if found < ledger.rows.len() {
        let on_disk: std::collections::HashSet<&str> = migrations.iter().map(|m| m.version.as_str()).collect();
        for (version, row) in &ledger.rows {
            if on_disk.contains(version.as_str()) {
                continue;
            }
            let own = ledger.dfworx.get(version);
            entries.push(Entry {
                version,
                name: row.name.as_deref().unwrap_or_default(),
                file: None,
                state: State::Missing,
                applied_at: own.and_then(|o| o.applied_at.as_deref()),
                duration_ms: own.and_then(|o| o.duration_ms),
                progress: None,
                out_of_order: false,
                diff: None,
                index: None,
            });
        }
        entries.sort_by(|a, b| compare_versions(a.version, b.version).then_with(|| a.version.cmp(b.version)));
    }
    let newest_applied = entries
        .iter()
        .filter(|e| matches!(e.state, State::Applied | State::Drifted | State::Missing))
        .map(|e| e.version)
        .max_by(|a, b| compare_versions(a, b));
    if let Some(newest) = newest_applied {
        for e in &mut entries {
            if matches!(e.state, State::Pending | State::Partial)
                && compare_versions(e.version, newest) == Ordering::Less
            {
                e.out_of_order = true;
            }
        }
    }
    Status { entries }
}

impl<'a> Status<'a> {
    pub fn count(&self, state: State) -> usize {
        self.entries.iter().filter(|e| e.state == state).count()
    }

    /// Files still to run, in order (partial ones included).
    pub fn pending(&self) -> Vec<&Entry<'a>> {
        self.entries.iter().filter(|e| matches!(e.state, State::Pending | State::Partial)).collect()
    }

    /// Refuses to run when the history disagrees with the files: drifted or missing versions, and
    /// (unless `include_all`) pending files older than the newest applied one. Diffs go to stdout.
    pub fn check(&self, include_all: bool, printer: &crate::printer::Printer) -> anyhow::Result<()> {
        let drifted: Vec<&Entry> = self.entries.iter().filter(|e| e.state == State::Drifted).collect();
        if !drifted.is_empty() {
            for e in &drifted {
                if let Some(diff) = &e.diff {
                    printer.data(diff)?;
                }
            }
            let names: Vec<&str> = drifted.iter().map(|e| e.file.unwrap_or_default()).collect();
            return Err(UserError {
                message: format!(
                    "{} changed after {} applied: {}",
                    plural(names.len(), "migration", "migrations"),
                    if names.len() == 1 { "it was" } else { "they were" },
                    names.join(", ")
                ),
                hint: Some(
                    "an applied migration is history: restore the file as it was (the diff above shows the change, `-` is what was applied) and put the change in a new migration (`dfworx migrate new <name>`)"
                        .into(),
                ),
                code: exit::MIGRATE_DRIFT,
            }
            .into());
        }
        let missing: Vec<&Entry> = self.entries.iter().filter(|e| e.state == State::Missing).collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|e| if e.name.is_empty() { e.version.to_string() } else { format!("{}_{}", e.version, e.name) })
                .collect();
            return Err(UserError {
                message: format!(
                    "the database has {} that supabase/migrations lacks: {}",
                    plural(names.len(), "applied migration", "applied migrations"),
                    names.join(", ")
                ),
                hint: Some(
                    "restore the file(s) from version control, or check that DATABASE_URL points at the right database"
                        .into(),
                ),
                code: exit::MIGRATE_DRIFT,
            }
            .into());
        }
        let late: Vec<&Entry> = self.entries.iter().filter(|e| e.out_of_order).collect();
        if !late.is_empty() && !include_all {
            let names: Vec<&str> = late.iter().map(|e| e.file.unwrap_or_default()).collect();
            return Err(UserError {
                message: format!(
                    "{} older than the newest applied migration: {}",
                    plural(names.len(), "pending migration is", "pending migrations are"),
                    names.join(", ")
                ),
                hint: Some("run `dfworx migrate --include-all` to apply it anyway, or give it a later version".into()),
                code: exit::MIGRATE_DRIFT,
            }
            .into());
        }
        Ok(())
    }

    /// The human table: version, name, applied at, state.
    pub fn table(&self) -> String {
        let name_width = self.entries.iter().map(|e| e.name.chars().count()).max().unwrap_or(0).clamp(4, 48);
        let version_width = self.entries.iter().map(|e| e.version.len()).max().unwrap_or(0).max(7);
        let mut out = String::new();
        let _ = writeln!(out, "{:<version_width$}  {:<name_width$}  {:<20}  STATE", "VERSION", "NAME", "APPLIED AT");
        for e in &self.entries {
            let name: String = if e.name.chars().count() > name_width {
                e.name.chars().take(name_width - 1).chain(std::iter::once('…')).collect()
            } else {
                e.name.to_string()
            };
            let mut state = e.state.as_str().to_string();
            if let Some((done, total)) = e.progress {
                let _ = write!(state, " ({done}/{total} statements)");
            }
            if e.out_of_order {
                state.push_str(" (older than the newest applied)");
            }
            let applied = e.applied_at.unwrap_or("-");
            let _ = writeln!(out, "{:<version_width$}  {name:<name_width$}  {applied:<20}  {state}", e.version);
        }
        out.trim_end().to_string()
    }

    pub fn summary(&self) -> String {
        let mut parts = vec![format!("{} applied", self.count(State::Applied))];
        for state in [State::Pending, State::Partial, State::Drifted, State::Missing] {
            let n = self.count(state);
            if n > 0 {
                parts.push(format!("{n} {}", state.as_str()));
            }
        }
        parts.join(", ")
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}
