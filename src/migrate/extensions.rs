//! What to install when a migration needs an extension the server lacks.
//!
//! PostgreSQL says so with SQLSTATE 0A000 `extension "x" is not available` (newer servers) or 58P01
//! `could not open extension control file ".../x.control"` (older ones). The error is read, not the
//! statement: a `CREATE EXTENSION` inside a `DO` block, or one pulled in by `CASCADE`, fails the same
//! way. The package names are Debian's (`apt-cache search postgresql-<major>`), the names Ubuntu and
//! the PostgreSQL project's own apt repository use too; Debian 12 lacks a few that Debian 13 has
//! (pgvector, http, h3, …), which that repository fills in.

use std::fmt::Write as _;

/// Where an extension comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    /// PostgreSQL's contrib modules: in Debian's server package itself (`postgresql-<major>`).
    Contrib,
    /// A Debian package; `{major}` stands for the server's major version.
    Package(&'static str),
    /// Built by Supabase for its images, packaged nowhere else.
    Supabase,
    /// Not packaged by Debian; Supabase's images ship it, its own project publishes it.
    Elsewhere,
}

const CONTRIB: &[&str] = &[
    "adminpack",
    "amcheck",
    "autoinc",
    "bloom",
    "btree_gin",
    "btree_gist",
    "citext",
    "cube",
    "dblink",
    "dict_int",
    "dict_xsyn",
    "earthdistance",
    "file_fdw",
    "fuzzystrmatch",
    "hstore",
    "insert_username",
    "intagg",
    "intarray",
    "isn",
    "lo",
    "ltree",
    "moddatetime",
    "old_snapshot",
    "pageinspect",
    "pg_buffercache",
    "pg_freespacemap",
    "pg_logicalinspect",
    "pg_prewarm",
    "pg_stat_statements",
    "pg_surgery",
    "pg_trgm",
    "pg_visibility",
    "pg_walinspect",
    "pgcrypto",
    "pgrowlocks",
    "pgstattuple",
    "postgres_fdw",
    "refint",
    "seg",
    "sslinfo",
    "tablefunc",
    "tcn",
    "tsm_system_rows",
    "tsm_system_time",
    "unaccent",
    "uuid-ossp",
    "xml2",
];

/// Extension name → Debian package (checked with `apt-cache show` on Debian 12 and 13).
const PACKAGES: &[(&str, &str)] = &[
    ("address_standardizer", "postgresql-{major}-postgis-3"),
    ("address_standardizer_data_us", "postgresql-{major}-postgis-3"),
    ("age", "postgresql-{major}-age"),
    ("bool_plperl", "postgresql-plperl-{major}"),
    ("credcheck", "postgresql-{major}-credcheck"),
    ("debversion", "postgresql-{major}-debversion"),
    ("first_last_agg", "postgresql-{major}-first-last-agg"),
    ("h3", "postgresql-{major}-h3"),
    ("h3_postgis", "postgresql-{major}-h3"),
    ("hll", "postgresql-{major}-hll"),
    ("hstore_plperl", "postgresql-plperl-{major}"),
    ("hstore_plpython3u", "postgresql-plpython3-{major}"),
    ("http", "postgresql-{major}-http"),
    ("hypopg", "postgresql-{major}-hypopg"),
    ("ip4r", "postgresql-{major}-ip4r"),
    ("jsonb_plperl", "postgresql-plperl-{major}"),
    ("jsonb_plpython3u", "postgresql-plpython3-{major}"),
    ("jsquery", "postgresql-{major}-jsquery"),
    ("ltree_plpython3u", "postgresql-plpython3-{major}"),
    ("mysql_fdw", "postgresql-{major}-mysql-fdw"),
    ("ogr_fdw", "postgresql-{major}-ogr-fdw"),
    ("orafce", "postgresql-{major}-orafce"),
    ("periods", "postgresql-{major}-periods"),
    ("pg_cron", "postgresql-{major}-cron"),
    ("pg_hint_plan", "postgresql-{major}-pg-hint-plan"),
    ("pg_partman", "postgresql-{major}-partman"),
    ("pg_qualstats", "postgresql-{major}-pg-qualstats"),
    ("pg_repack", "postgresql-{major}-repack"),
    ("pg_sphere", "postgresql-{major}-pgsphere"),
    ("pg_squeeze", "postgresql-{major}-squeeze"),
    ("pg_stat_kcache", "postgresql-{major}-pg-stat-kcache"),
    ("pg_wait_sampling", "postgresql-{major}-pg-wait-sampling"),
    ("pgaudit", "postgresql-{major}-pgaudit"),
    ("pglogical", "postgresql-{major}-pglogical"),
    ("pgq", "postgresql-{major}-pgq3"),
    ("pgrouting", "postgresql-{major}-pgrouting"),
    ("pgtap", "postgresql-{major}-pgtap"),
    ("pgtt", "postgresql-{major}-pgtt"),
    ("pldbgapi", "postgresql-{major}-pldebugger"),
    ("pllua", "postgresql-{major}-pllua"),
    ("plperl", "postgresql-plperl-{major}"),
    ("plperlu", "postgresql-plperl-{major}"),
    ("plpgsql_check", "postgresql-{major}-plpgsql-check"),
    ("plproxy", "postgresql-{major}-plproxy"),
    ("plpython3u", "postgresql-plpython3-{major}"),
    ("plr", "postgresql-{major}-plr"),
    ("plsh", "postgresql-{major}-plsh"),
    ("pltcl", "postgresql-pltcl-{major}"),
    ("pltclu", "postgresql-pltcl-{major}"),
    ("pointcloud", "postgresql-{major}-pointcloud"),
    ("pointcloud_postgis", "postgresql-{major}-pointcloud"),
    ("postgis", "postgresql-{major}-postgis-3"),
    ("postgis_raster", "postgresql-{major}-postgis-3"),
    ("postgis_sfcgal", "postgresql-{major}-postgis-3"),
    ("postgis_tiger_geocoder", "postgresql-{major}-postgis-3"),
    ("postgis_topology", "postgresql-{major}-postgis-3"),
    ("prefix", "postgresql-{major}-prefix"),
    ("q3c", "postgresql-{major}-q3c"),
    ("roaringbitmap", "postgresql-{major}-roaringbitmap"),
    ("rum", "postgresql-{major}-rum"),
    ("semver", "postgresql-{major}-semver"),
    ("tdigest", "postgresql-{major}-tdigest"),
    ("timescaledb", "postgresql-{major}-timescaledb"),
    ("unit", "postgresql-{major}-unit"),
    ("vector", "postgresql-{major}-pgvector"),
];

/// Supabase's own extensions: its images have them, no distribution does.
const SUPABASE: &[&str] = &["index_advisor", "pg_graphql", "pg_jsonschema", "pg_net", "supabase_vault", "wrappers"];

/// On Supabase's images, and published by their own projects, but in no Debian release.
const ELSEWHERE: &[&str] =
    &["pg_hashids", "pg_plan_filter", "pg_stat_monitor", "pg_tle", "pgjwt", "pgmq", "pgroonga", "pgsodium", "plv8"];

fn source(name: &str) -> Option<Source> {
    if CONTRIB.contains(&name) {
        return Some(Source::Contrib);
    }
    if let Some((_, package)) = PACKAGES.iter().find(|(n, _)| *n == name) {
        return Some(Source::Package(package));
    }
    if SUPABASE.contains(&name) {
        return Some(Source::Supabase);
    }
    ELSEWHERE.contains(&name).then_some(Source::Elsewhere)
}

/// The extension a failed statement needed and the server lacks, read from PostgreSQL's error. The
/// control file's path comes first: it is never translated, whatever `lc_messages` says.
pub fn missing(sqlstate: &str, message: &str, detail: Option<&str>) -> Option<String> {
    if !matches!(sqlstate, "0A000" | "58P01") {
        return None;
    }
    for text in [Some(message), detail].into_iter().flatten() {
        if let Some(end) = text.find(".control") {
            let start = text[..end].rfind(['/', '\\', '"']).map_or(0, |i| i + 1);
            let name = &text[start..end];
            if !name.is_empty() {
                return Some(name.to_string());
            }
        }
    }
    let name = message.strip_prefix("extension \"")?.strip_suffix("\" is not available")?;
    (sqlstate == "0A000" && !name.is_empty()).then(|| name.to_string())
}

/// `server_version_num` → the major version as package names spell it: `15`, or `9.6`.
fn major(server_version_num: u32) -> String {
    if server_version_num >= 100_000 {
        (server_version_num / 10_000).to_string()
    } else {
        format!("{}.{}", server_version_num / 10_000, server_version_num / 100 % 100)
    }
}

/// What to do about a missing extension, on a server of `server_version_num`.
pub fn hint(name: &str, server_version_num: u32) -> String {
    let major = major(server_version_num);
    let mut out = String::new();
    match source(name) {
        Some(Source::Contrib) => {
            let _ = write!(
                out,
                "extension \"{name}\" is one of PostgreSQL's contrib modules, missing on this server: on Debian and Ubuntu the server package postgresql-{major} ships it; elsewhere install postgresql{}-contrib (RHEL) or postgresql-contrib",
                major.replace('.', "")
            );
        }
        Some(Source::Package(package)) => {
            let _ = write!(
                out,
                "the server lacks extension \"{name}\": install the package {} on it (Debian and Ubuntu: from the distribution, or the PostgreSQL project's apt repository where the distribution lacks it)",
                package.replace("{major}", &major)
            );
        }
        Some(Source::Supabase) => {
            let _ = write!(
                out,
                "extension \"{name}\" exists only on Supabase's images: guard it (`{}`) or run this migration only on Supabase",
                guard(name)
            );
        }
        Some(Source::Elsewhere) => {
            let _ = write!(
                out,
                "extension \"{name}\" is in no Debian package: build it from its project (most are on PGXN), or, as Supabase's images ship it, guard it (`{}`) to run this migration only where it is installed",
                guard(name)
            );
        }
        None => {
            let _ = write!(
                out,
                "the server lacks extension \"{name}\": find its package with `apt-cache search postgresql-{major}` (Debian and Ubuntu) or on PGXN, and install it on the server"
            );
        }
    }
    out
}

/// A `DO` block that creates the extension only where the server has it.
fn guard(name: &str) -> String {
    let ident = if name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        name.to_string()
    } else {
        format!("\"{name}\"")
    };
    format!(
        "do $$ begin if exists (select from pg_available_extensions where name = '{name}') then create extension {ident}; end if; end $$"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PG15: u32 = 150_020;

    #[test]
    fn the_name_comes_from_either_form_of_the_error() {
        assert_eq!(
            missing(
                "58P01",
                "could not open extension control file \"/usr/share/postgresql/15/extension/vector.control\": No such file or directory",
                None
            ),
            Some("vector".to_string())
        );
        assert_eq!(
            missing(
                "0A000",
                "extension \"pg_net\" is not available",
                Some(
                    "Could not open extension control file \"/usr/share/postgresql/17/extension/pg_net.control\": No such file or directory."
                )
            ),
            Some("pg_net".to_string())
        );
        // PostgreSQL 18 may leave the detail out.
        assert_eq!(missing("0A000", "extension \"uuid-ossp\" is not available", None), Some("uuid-ossp".to_string()));
        // A translated message still carries the path.
        assert_eq!(
            missing("58P01", "n'a pas pu ouvrir le fichier « /usr/share/postgresql/15/extension/http.control »", None),
            Some("http".to_string())
        );
        assert_eq!(missing("0A000", "cannot use subquery in check constraint", None), None);
        assert_eq!(missing("42P01", "extension \"vector\" is not available", None), None);
    }

    #[test]
    fn packaged_extensions_name_the_package_for_the_servers_major_version() {
        for (name, package) in [
            ("vector", "postgresql-15-pgvector"),
            ("postgis", "postgresql-15-postgis-3"),
            ("pgtap", "postgresql-15-pgtap"),
            ("pg_cron", "postgresql-15-cron"),
            ("pg_partman", "postgresql-15-partman"),
            ("plpython3u", "postgresql-plpython3-15"),
        ] {
            assert!(hint(name, PG15).contains(&format!("install the package {package} on it")), "{name}");
        }
        assert!(hint("http", 170_002).contains("postgresql-17-http"));
        assert!(hint("postgis", 90_624).contains("postgresql-9.6-postgis-3"));
    }

    #[test]
    fn contrib_modules_are_in_the_server_package() {
        let h = hint("uuid-ossp", PG15);
        assert!(h.contains("contrib modules") && h.contains("postgresql-15 ships it"), "{h}");
        assert!(h.contains("postgresql15-contrib"), "{h}");
    }

    #[test]
    fn supabase_extensions_get_a_guard_and_unknown_ones_a_search() {
        let h = hint("pg_net", PG15);
        assert!(h.contains("exists only on Supabase's images"), "{h}");
        assert!(
            h.contains("do $$ begin if exists (select from pg_available_extensions where name = 'pg_net') then create extension pg_net; end if; end $$"),
            "{h}"
        );
        assert!(hint("pgsodium", PG15).contains("in no Debian package"));
        let h = hint("my_ext", PG15);
        assert!(h.contains("apt-cache search postgresql-15") && h.contains("PGXN"), "{h}");
    }

    #[test]
    fn every_table_entry_is_listed_once() {
        let mut names: Vec<&str> = CONTRIB.iter().chain(SUPABASE).chain(ELSEWHERE).copied().collect();
        names.extend(PACKAGES.iter().map(|(n, _)| *n));
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count);
    }
}
