//! The one engine behind `new`, `sync`, `sync --check` and `add`: render what the manifest and the
//! templates say the workspace should be, compare every file with the disk and with what dfworx
//! generated last time (the state), and produce a plan plus the state to save after applying it.
//!
//! The state records, per file, the bytes dfworx last *rendered* (hash, and for managed files the
//! text): that render is the base of the three-way merge, so a user's edit is told apart from a
//! template change and is never overwritten.

use std::collections::BTreeMap;

use crate::disk::{Disk, Entry};
use crate::manifest::Manifest;
use crate::plan::{Action, FileChange, Plan};
use crate::relpath::RelPath;
use crate::render::{Job, MigrationVersions, Renderer, Secrets, migration_file_name};
use crate::state::{self, FileRecord, State};
use crate::templates::{Ownership, TemplateSet};

/// Where migrations live, relative to the workspace root.
pub const MIGRATIONS_DIR: &str = "supabase/migrations";

#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Bring back generated files the user deleted.
    pub restore: bool,
    /// Delete files of units no longer in the manifest, even seeded ones the user may have edited.
    pub delete_obsolete: bool,
}

pub struct Reconciled {
    pub plan: Plan,
    /// The state to save once the plan is applied.
    pub state: State,
}

/// Compares the workspace on `disk` with its render. `previous` is the saved state (empty for `new`).
/// Every path is read through `disk`: a symlink on the way to any of them is an error before anything
/// is planned.
pub fn reconcile(
    disk: &Disk,
    manifest: &Manifest,
    templates: &TemplateSet,
    previous: &State,
    options: Options,
    now: jiff::Timestamp,
    secrets: &Secrets,
) -> anyhow::Result<Reconciled> {
    let renderer = Renderer::new(templates)?;
    let mut versions = MigrationVersions::new(known_versions(previous, disk)?, now);
    let rendering = renderer.plan(manifest, &mut versions, secrets)?;

    let mut plan = Plan::default();
    let mut files = BTreeMap::new();
    for job in &rendering.jobs {
        let record = previous.files.get(job.path.as_str());
        let render = || renderer.render(&rendering, job);
        let read = || disk.read(&job.path);
        let (change, new_record) = classify(job, record, options, render, read)?;
        if let Some(mut new_record) = new_record {
            new_record.template = renderer.template_of(job).to_string();
            new_record.unit = job.unit_key();
            files.insert(job.path.to_string(), new_record);
        }
        plan.files.push(change);
    }

    // Files generated before that nothing renders now (a unit left the manifest, a template was dropped).
    let still_made: std::collections::HashSet<&str> = rendering.jobs.iter().map(|j| j.path.as_str()).collect();
    for (key, record) in previous.files.iter().filter(|(p, _)| !still_made.contains(p.as_str())) {
        // `State::load` checked every key already.
        let path = RelPath::parse(key, "entry in .dfworx/state.json")?;
        let disk = disk.read(&path)?;
        let unedited = disk.as_deref().is_some_and(|d| state::sha256_hex(d) == record.sha256);
        let action = match (&disk, record.owner) {
            (_, Ownership::AppendOnly) => {
                // Migrations are history: their record stays even when their unit leaves.
                files.insert(key.clone(), record.clone());
                Action::Owned
            }
            // An unedited managed file goes; a unit's stay with the rest of its directory unless
            // `--delete-files`, which removes everything the unit had.
            (Some(_), owner)
                if options.delete_obsolete || (owner == Ownership::Managed && unedited && record.unit.is_none()) =>
            {
                Action::Remove
            }
            // Gone already, or edited or the user's: left in place, no longer tracked.
            _ => Action::Orphaned,
        };
        plan.files.push(FileChange {
            path,
            action,
            contents: Vec::new(),
            before: disk,
            executable: false,
            owner: Some(record.owner),
        });
    }
    plan.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Reconciled {
        plan,
        state: State { dfworx: env!("CARGO_PKG_VERSION").to_string(), tenancy: manifest.tenancy, files },
    })
}

/// The three-way decision for one rendered file. Renders and reads only when the answer needs it:
/// a seeded file that already exists is neither rendered nor read.
fn classify(
    job: &Job,
    record: Option<&FileRecord>,
    options: Options,
    render: impl FnOnce() -> anyhow::Result<Vec<u8>>,
    read: impl Fn() -> anyhow::Result<Option<Vec<u8>>>,
) -> anyhow::Result<(FileChange, Option<FileRecord>)> {
    let change = |action: Action, contents: Vec<u8>, before: Option<Vec<u8>>| FileChange {
        path: job.path.clone(),
        action,
        contents,
        before,
        executable: job.executable,
        owner: Some(job.ownership),
    };
    let fresh_record = |rendered: &[u8], conflict: bool| FileRecord {
        sha256: state::sha256_hex(rendered),
        owner: job.ownership,
        template: String::new(),
        unit: None,
        base: (job.ownership == Ownership::Managed).then(|| String::from_utf8_lossy(rendered).into_owned()),
        conflict,
    };

    let Some(record) = record else {
        // Never generated here before: create it, adopt an identical file, refuse to clobber another.
        let disk = read()?;
        if job.ownership != Ownership::Managed
            && let Some(disk) = &disk
        {
            // A seeded or append-only file is the user's once it exists, so there is nothing to
            // compare: adopt it as it is (a lost state, or the same file made by hand).
            let adopted = FileRecord { sha256: state::sha256_hex(disk), ..fresh_record(&[], false) };
            return Ok((change(Action::Owned, Vec::new(), None), Some(adopted)));
        }
        let rendered = render()?;
        let action = match &disk {
            None => Action::Create,
            Some(d) if *d == rendered => Action::Unchanged,
            Some(_) => Action::Taken,
        };
        let new_record = (action != Action::Taken).then(|| fresh_record(&rendered, false));
        return Ok((change(action, rendered, disk), new_record));
    };

    if job.ownership != Ownership::Managed {
        if options.restore && read()?.is_none() {
            let rendered = render()?;
            let new_record = fresh_record(&rendered, false);
            return Ok((change(Action::Create, rendered, None), Some(new_record)));
        }
        return Ok((change(Action::Owned, Vec::new(), None), Some(record.clone())));
    }

    let Some(disk) = read()? else {
        if options.restore {
            let rendered = render()?;
            let new_record = fresh_record(&rendered, false);
            return Ok((change(Action::Create, rendered, None), Some(new_record)));
        }
        return Ok((change(Action::Deleted, Vec::new(), None), Some(record.clone())));
    };
    let rendered = render()?;
    let disk_hash = state::sha256_hex(&disk);
    let render_hash = state::sha256_hex(&rendered);
    let user_changed = disk_hash != record.sha256;
    let template_changed = render_hash != record.sha256;

    if disk == rendered {
        return Ok((change(Action::Unchanged, rendered.clone(), Some(disk)), Some(fresh_record(&rendered, false))));
    }
    if record.conflict && has_conflict_markers(&disk) {
        // Keep the record (base) as it was until the user resolves the conflict.
        return Ok((change(Action::Unresolved, Vec::new(), Some(disk)), Some(record.clone())));
    }
    if !user_changed {
        return Ok((change(Action::Update, rendered.clone(), Some(disk)), Some(fresh_record(&rendered, false))));
    }
    if !template_changed {
        let kept = FileRecord { conflict: false, ..record.clone() };
        return Ok((change(Action::KeptEdit, Vec::new(), Some(disk)), Some(kept)));
    }
    // Both changed: merge the user's edit and the template change over the last render.
    let (action, merged) = three_way(record.base.as_deref().unwrap_or_default(), &disk, &rendered);
    let conflict = action == Action::Conflict;
    Ok((change(action, merged, Some(disk)), Some(fresh_record(&rendered, conflict))))
}

/// Merges the user's version (`ours`) and the new render (`theirs`) over the last render (`base`):
/// a clean merge, or the file with conflict markers around each clash.
fn three_way(base: &str, ours: &[u8], theirs: &[u8]) -> (Action, Vec<u8>) {
    let (ours, theirs) = (String::from_utf8_lossy(ours), String::from_utf8_lossy(theirs));
    let mut merge = diffy::MergeOptions::new();
    merge.set_conflict_style(diffy::ConflictStyle::Merge);
    match merge.merge(base, &ours, &theirs) {
        Ok(clean) => (Action::Merge, clean.into_bytes()),
        Err(with_markers) => (Action::Conflict, with_markers.into_bytes()),
    }
}

fn has_conflict_markers(bytes: &[u8]) -> bool {
    String::from_utf8_lossy(bytes)
        .lines()
        .any(|l| l.starts_with("<<<<<<< ") || l == "=======" || l.starts_with(">>>>>>> "))
}

/// Migration name → version, for every migration the workspace already has: those the state records,
/// then those on disk (a lost or emptied state must not make dfworx add its migrations again). Where a
/// name appears twice, the oldest version wins.
fn known_versions(state: &State, disk: &Disk) -> anyhow::Result<BTreeMap<String, String>> {
    let mut known = BTreeMap::new();
    let mut note = |file: &str| {
        if let Some((name, version)) = migration_file_name(file) {
            let slot = known.entry(name.to_string()).or_insert_with(|| version.to_string());
            if numeric_lt(version, slot) {
                *slot = version.to_string();
            }
        }
    };
    let prefix = format!("{MIGRATIONS_DIR}/");
    for path in state.files.keys() {
        if let Some(file) = path.strip_prefix(&prefix) {
            note(file);
        }
    }
    let dir = RelPath::parse(MIGRATIONS_DIR, "dfworx")?;
    if disk.entry(&dir)? == Entry::Dir {
        let full = dir.under(disk.root());
        let entries =
            std::fs::read_dir(&full).map_err(|e| crate::error::io_error(e, &format!("read {}", full.display())))?;
        for entry in entries {
            let entry = entry.map_err(|e| crate::error::io_error(e, &format!("read {}", full.display())))?;
            if let Some(file) = entry.file_name().to_str() {
                note(file);
            }
        }
    }
    Ok(known)
}

/// `a < b` for digit strings of any length, as PostgreSQL's ledger orders versions.
fn numeric_lt(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    (a.len(), a) < (b.len(), b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny deterministic generator, so a failing trial can be replayed from its seed.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).expect("below n")
        }
    }

    /// Inserts, replaces and deletes a few random lines; returns the text and the lines it added.
    fn edit(lines: &[String], rng: &mut Rng, who: &str) -> (Vec<String>, Vec<String>) {
        let mut out = lines.to_vec();
        let mut added = Vec::new();
        for n in 0..=rng.below(3) {
            let at = rng.below(out.len() + 1);
            let line = format!("{who} edit {n} {}", rng.next());
            match rng.below(3) {
                0 if at < out.len() => out[at] = line.clone(),
                1 if at < out.len() && out.len() > 1 => {
                    out.remove(at);
                    continue;
                }
                _ => out.insert(at, line.clone()),
            }
            added.push(line);
        }
        // A later edit may have replaced or deleted an earlier one: only what survives was added.
        added.retain(|line| out.contains(line));
        (out, added)
    }

    fn text(lines: &[String]) -> String {
        lines.iter().flat_map(|l| [l.as_str(), "\n"]).collect()
    }

    #[test]
    fn random_user_and_template_edits_never_lose_a_user_line() {
        for seed in 1..=2000u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            let base: Vec<String> = (0..3 + rng.below(20)).map(|i| format!("line {i}")).collect();
            let (ours, user_added) = edit(&base, &mut rng, "user");
            let (theirs, template_added) = edit(&base, &mut rng, "template");
            let (action, merged) = three_way(&text(&base), text(&ours).as_bytes(), text(&theirs).as_bytes());
            let merged = String::from_utf8(merged).unwrap();
            let merged_lines: Vec<&str> = merged.lines().collect();
            for line in &user_added {
                assert!(
                    merged_lines.contains(&line.as_str()),
                    "seed {seed}: user line {line:?} lost ({action:?}):\n{merged}"
                );
            }
            if action == Action::Merge {
                for line in &template_added {
                    assert!(
                        merged_lines.contains(&line.as_str()),
                        "seed {seed}: template line {line:?} lost:\n{merged}"
                    );
                }
                assert!(!has_conflict_markers(merged.as_bytes()), "seed {seed}: clean merge with markers");
            } else {
                assert!(has_conflict_markers(merged.as_bytes()), "seed {seed}: conflict without markers");
            }
        }
    }
}
