-- dfworx migrate: the tables it keeps its books in. Embedded in the binary (src/migrate/ledger.rs) and
-- run, under the migration lock, only when one of the two tables is missing.
--
-- supabase_migrations.schema_migrations is the Supabase CLI's ledger, created the way the CLI creates it
-- (same name, columns and types), so `supabase migration list` and `supabase db push` read what dfworx
-- writes and the other way round. dfworx never alters it: hosted Supabase adds columns of its own
-- (created_by, idempotency_key, rollback) and dfworx only ever names version, name and statements.
--
-- supabase_migrations.dfworx_migrations holds what the CLI's ledger has no room for: a checksum of the
-- file, when and how long it ran, which dfworx ran it, and the progress of a file that runs statement
-- by statement (no transaction), so a retry resumes after the last statement that completed.

CREATE SCHEMA IF NOT EXISTS supabase_migrations;

CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (
  version text NOT NULL PRIMARY KEY,
  statements text[],
  name text
);

CREATE TABLE IF NOT EXISTS supabase_migrations.dfworx_migrations (
  version text NOT NULL PRIMARY KEY,
  name text NOT NULL,
  -- SHA-256 of the file, a BOM and CRLF line ends normalised away.
  checksum text NOT NULL,
  -- 'applied', or 'partial' while a no-transaction file is part-way through.
  state text NOT NULL CHECK (state IN ('applied', 'partial')),
  statements_done integer NOT NULL,
  statements_total integer NOT NULL,
  -- SHA-256 of the statements already run by a partial file: a retry resumes only if they are unchanged.
  progress_checksum text,
  applied_at timestamptz NOT NULL DEFAULT now(),
  duration_ms bigint,
  dfworx_version text NOT NULL
);
