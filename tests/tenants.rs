//! Schema-per-tenant (`tenancy: schema`), told as a user's session on the local PostgreSQL: a workspace
//! holding the shared migrations and the schema tenancy's registry (tests/fixtures/tenancy-schema, what
//! the templates render; a unit test of src/render.rs keeps it current), tenants made with the
//! workspace's own SQL functions, tenant migrations written with `dfworx migrate new --tenant` and
//! applied by `dfworx migrate`; then a look at the catalogs.

// PostgreSQL: a product name in prose, which clippy's `doc_markdown` takes for code.
#![allow(clippy::doc_markdown)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{PG_PASSWORD, Sandbox, TestDb, stderr, stdout};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tenancy-schema/migrations");

/// A workspace with the schema tenancy's migrations, migrated into a fresh database.
fn migrated(tag: &str) -> (Sandbox, TestDb) {
    let sb = Sandbox::new();
    std::fs::write(sb.path("dfworx.yaml"), "dfworx: 0.1.0\nname: acme\napps: []\nservices: []\npackages: []\n")
        .unwrap();
    let dir = sb.path("supabase/migrations");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(FIXTURE).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    let db = TestDb::create(tag);
    let out = migrate(&sb, &db, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    (sb, db)
}

fn dfworx(dir: &Path, args: &[&str]) -> Output {
    let out = assert_cmd::Command::cargo_bin("dfworx")
        .expect("binary built")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATION_DATABASE_URL")
        .timeout(std::time::Duration::from_mins(2))
        .output()
        .expect("dfworx runs");
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains(PG_PASSWORD), "the password was printed by {args:?}:\n{all}");
    out
}

fn migrate(sb: &Sandbox, db: &TestDb, args: &[&str]) -> Output {
    let url = db.url();
    let mut full = vec!["migrate"];
    full.extend_from_slice(args);
    full.extend(["--database-url", url.as_str()]);
    dfworx(sb.dir.path(), &full)
}

/// `dfworx migrate new --tenant <name>`, its example statements replaced by `statements`.
fn tenant_migration(sb: &Sandbox, name: &str, statements: &[&str]) -> String {
    let out = dfworx(sb.dir.path(), &["migrate", "new", "--tenant", name]);
    assert!(out.status.success(), "{}", stderr(&out));
    let path = stdout(&out).trim().to_string();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("-- Tenant migration: runs in every tenant's schema"), "{text}");
    assert!(text.contains(&format!("', '{name}', array[")), "{text}");
    let quoted: Vec<String> = statements.iter().map(|s| format!("  $statement${s}$statement$")).collect();
    let head = text.split("array[").next().unwrap();
    std::fs::write(&path, format!("{head}array[\n{}\n]::text[]);\n", quoted.join(",\n"))).unwrap();
    path
}

/// `create_tenant(name, slug)`: the new tenant's schema.
fn create_tenant(db: &TestDb, slug: &str) -> String {
    db.psql(&format!("select schema_name from public.create_tenant('{slug}', '{slug}')"))
}

/// Every column, default, index, constraint, trigger and privilege of `schema`'s relations, one per line,
/// sorted, with the schema's name replaced: what two tenants' schemas must agree on.
fn catalog(db: &TestDb, schema: &str) -> String {
    let query = include_str!("fixtures/tenant-catalog.sql").replace(":'schema'", &format!("'{schema}'"));
    let text = db.psql(&query);
    text.replace(schema, "<tenant>")
}

/// The bookkeeping rows of the tests' own tenant migration (every tenant also has the workspace's
/// first one, tenant_content, from create_tenant()).
const ADD_NOTES: &str = "version in (select version from public.tenant_migrations where name = 'add_notes')";

const NOTES: &[&str] = &[
    "create table notes (id bigint generated always as identity primary key, author uuid references public.profiles (id), body text not null check (char_length(body) <= 10000), created_at timestamptz not null default now(), updated_at timestamptz not null default now())",
    "create index notes_created_at_idx on notes (created_at)",
    "create trigger notes_set_updated_at before update on notes for each row execute function public.set_updated_at()",
    "create table note_tags (note_id bigint not null references notes (id) on delete cascade, tag text not null, primary key (note_id, tag))",
];

#[test]
fn a_tenant_created_before_a_tenant_migration_and_one_created_after_have_identical_schemas() {
    let (sb, db) = migrated("tenant_same_schema");
    let before = create_tenant(&db, "early");
    tenant_migration(&sb, "add_notes", NOTES);

    let out = migrate(&sb, &db, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Migrated 1 tenant"), "{}", stderr(&out));

    // After: create_tenant() applies the registered migrations itself, in SQL.
    let after = create_tenant(&db, "late");
    let early = catalog(&db, &before);
    assert!(early.contains("index CREATE INDEX notes_created_at_idx ON <tenant>.notes"), "{early}");
    assert!(early.contains("trigger CREATE TRIGGER notes_set_updated_at"), "{early}");
    assert!(
        early.contains("constraint note_tags_note_id_fkey FOREIGN KEY (note_id) REFERENCES <tenant>.notes(id)"),
        "{early}"
    );
    assert_eq!(early, catalog(&db, &after));
    assert_eq!(
        db.psql(&format!("select count(*) from public.tenant_schema_migrations where {ADD_NOTES} group by version")),
        "2",
        "both tenants are recorded as having the migration"
    );

    // A signed-in member works in their tenant's tables through the default privileges.
    let id = db.psql(&format!("select id from public.tenants where schema_name = '{after}'"));
    let user = "11111111-1111-1111-1111-111111111111";
    db.psql(&format!("insert into auth.users (id) values ('{user}')"));
    db.psql(&format!(
        "insert into public.tenant_members (tenant_id, user_id, role) values ('{id}', '{user}', 'member')"
    ));
    let seen = db.psql(&format!(
        "begin;
         select set_config('request.jwt.claims', '{{\"sub\": \"{user}\", \"role\": \"authenticated\"}}', true);
         set local role authenticated;
         select set_config('search_path', '\"{after}\", public, extensions', true);
         insert into notes (author, body) values ('{user}', 'hello');
         select (select count(*) from notes) || ' ' || (select string_agg(slug, ',') from public.tenants);
         commit;"
    ));
    assert!(seen.ends_with("1 late"), "a member sees their tenant only: {seen}");
}

#[test]
fn dropping_a_tenant_removes_its_schema_and_its_bookkeeping() {
    let (sb, db) = migrated("tenant_drop");
    tenant_migration(&sb, "add_notes", NOTES);
    assert!(migrate(&sb, &db, &[]).status.success());
    let kept = create_tenant(&db, "kept");
    let gone = create_tenant(&db, "gone");
    let id = db.psql(&format!("select id from public.tenants where schema_name = '{gone}'"));

    db.psql(&format!("select public.drop_tenant('{id}')"));

    assert_eq!(db.psql(&format!("select count(*) from pg_namespace where nspname = '{gone}'")), "0");
    assert_eq!(db.psql(&format!("select count(*) from public.tenant_schema_migrations where tenant_id = '{id}'")), "0");
    assert_eq!(db.psql(&format!("select count(*) from public.tenants where id = '{id}'")), "0");
    assert_eq!(db.psql("select count(*) from pg_default_acl d left join pg_namespace n on n.oid = d.defaclnamespace where d.defaclnamespace <> 0 and n.oid is null"), "0");
    assert_eq!(db.psql(&format!("select to_regclass('{kept}.notes') is not null")), "t");
}

#[test]
fn a_failing_tenant_is_reported_with_its_statement_the_others_are_done_and_a_rerun_finishes_it() {
    let (sb, db) = migrated("tenant_failing");
    let schemas: Vec<String> = (1..=5).map(|i| create_tenant(&db, &format!("t{i}"))).collect();
    let broken = &schemas[2];
    let broken_id = db.psql(&format!("select id from public.tenants where schema_name = '{broken}'"));
    // Someone made a table of that name by hand in one tenant.
    db.psql(&format!("create table {broken}.notes (id int)"));
    tenant_migration(&sb, "add_notes", NOTES);

    let out = migrate(&sb, &db, &["--jobs", "2"]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(7), "{said}");
    assert!(said.contains("tenant migrations failed for 1 tenant (4 brought up to date)"), "{said}");
    assert!(said.contains(&format!("tenant {broken_id} (schema {broken})")), "{said}");
    assert!(said.contains("_add_notes, statement 1: relation \"notes\" already exists (SQLSTATE 42P07)"), "{said}");
    assert!(said.contains("| create table notes (id bigint generated always"), "{said}");
    assert!(said.contains("run `dfworx migrate` again"), "{said}");
    // The failed tenant rolled back whole; the others have everything.
    assert_eq!(db.psql(&format!("select to_regclass('{broken}.note_tags') is null")), "t");
    assert_eq!(db.psql(&format!("select count(*) from public.tenant_schema_migrations where {ADD_NOTES}")), "4");

    let status = migrate(&sb, &db, &["status", "--exit-code"]);
    assert_eq!(status.status.code(), Some(3), "{}", stderr(&status));
    assert!(
        stdout(&status).contains(&format!("Tenants: 1 of 5 behind: {broken} (1 migration)")),
        "{}",
        stdout(&status)
    );

    let dry = migrate(&sb, &db, &["--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stdout(&dry).contains(&format!("{broken_id}  {broken}  ")), "{}", stdout(&dry));
    assert_eq!(db.psql(&format!("select count(*) from public.tenant_schema_migrations where {ADD_NOTES}")), "4");

    db.psql(&format!("drop table {broken}.notes"));
    let rerun = migrate(&sb, &db, &[]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    assert!(stderr(&rerun).contains("Migrated 1 tenant in"), "{}", stderr(&rerun));
    assert_eq!(catalog(&db, broken), catalog(&db, &schemas[0]));

    let again = migrate(&sb, &db, &[]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(stderr(&again).contains("Up to date every tenant has every tenant migration"), "{}", stderr(&again));
    let status = migrate(&sb, &db, &["status", "--exit-code"]);
    assert!(status.status.success(), "{}", stderr(&status));
    assert!(stdout(&status).contains("Tenants: 5 tenants up to date"), "{}", stdout(&status));
}

#[test]
fn status_names_the_first_tenants_behind_and_a_tenant_migration_cannot_be_rewritten() {
    let (sb, db) = migrated("tenant_status");
    for i in 1..=7 {
        create_tenant(&db, &format!("s{i}"));
    }
    // Registered by the Supabase CLI (`supabase db push`), not yet applied to any tenant.
    db.psql("select public.register_tenant_migration('20990101000000', 'add_tags', array['create table tags (tag text primary key)'])");
    let out = migrate(&sb, &db, &["status", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["tenants"]["total"], 7);
    assert_eq!(json["tenants"]["behind"], 7);
    assert_eq!(json["tenants"]["first_behind"].as_array().unwrap().len(), 5);
    let out = migrate(&sb, &db, &["status"]);
    assert!(stdout(&out).contains("Tenants: 7 of 7 behind: tenant_"), "{}", stdout(&out));
    assert!(stdout(&out).contains(", and 2 more"), "{}", stdout(&out));

    // The same version again with other statements is refused: tenants have the old ones.
    let out = std::process::Command::new("psql")
        .args(["-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", &db.name, "-c"])
        .arg(
            "select public.register_tenant_migration('20990101000000', 'add_tags', array['create table tags (t int)'])",
        )
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("already registered with other statements"));
    db.psql("select public.register_tenant_migration('20990101000000', 'add_tags', array['create table tags (tag text primary key)'])");

    // The SQL fallback of the Supabase CLI's users does the same as dfworx.
    assert_eq!(db.psql("select sum(public.apply_tenant_migrations(id)) from public.tenants"), "7");
    assert!(migrate(&sb, &db, &["status", "--exit-code"]).status.success());
}

#[test]
fn a_tenant_migration_that_cannot_run_in_a_tenant_s_transaction_is_refused_before_any_tenant_runs_it() {
    let (sb, db) = migrated("tenant_concurrently");
    create_tenant(&db, "only");
    tenant_migration(&sb, "add_notes", &[NOTES[0], "create index concurrently notes_body_idx on notes (body)"]);

    let out = migrate(&sb, &db, &[]);
    let said = stderr(&out);
    assert_eq!(out.status.code(), Some(7), "{said}");
    assert!(
        said.contains("_add_notes statement 2: CREATE INDEX CONCURRENTLY cannot run inside a transaction"),
        "{said}"
    );
    assert!(said.contains("hint: a registered tenant migration is history"), "{said}");
    assert_eq!(db.psql(&format!("select count(*) from public.tenant_schema_migrations where {ADD_NOTES}")), "0");
}
