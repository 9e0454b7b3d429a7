//! The SQLite export (feature `sqlite`).
//!
//! One database file with the [`Table`]s as `STRICT` tables: text ids as primary
//! keys, composite keys for child tables, foreign keys declared (and enforced while
//! writing), an index on every foreign key column not already covered by the primary
//! key, dates as ISO 8601 `TEXT`, booleans as `INTEGER` 0/1, money as exact decimal
//! `TEXT` (never `REAL`). A `meta(key, value)` table holds `schema_version`,
//! `generator`, `generated_at` (from the options, not the clock), `as_of`, `source`,
//! `source_revision` and `licence`, plus `import_files`, `import_records`,
//! `import_dropped_files`, `import_errors` and `import_warnings` when the data was
//! read from files ([`ExportOptions::import`](crate::ExportOptions::import));
//! `PRAGMA user_version` is the schema version.
//! Rows are inserted in primary-key order and the file is vacuumed at the end.
//!
//! ```
//! use betagouv_export::{sqlite, tables, Dataset, ExportOptions};
//! use betagouv_portfolio::builtin;
//!
//! let p = builtin::portfolio_2016();
//! let (tables, _) = tables::build(&Dataset::new(&p), builtin::as_of_2016());
//! let ddl = sqlite::schema_sql(&tables);
//! assert!(ddl.contains("CREATE TABLE \"startup\""));
//! assert!(ddl.contains(") STRICT;"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::Write as _;
use std::path::Path;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql};

use crate::error::{Error, Result};
use crate::tables::{Cell, FieldType, Table};
use crate::{ExportOptions, Progress};

impl ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Cell::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Cell::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Cell::Integer(i) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*i)),
            Cell::Bool(b) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*b))),
            Cell::Number(_) | Cell::Date(_) => {
                ToSqlOutput::Owned(rusqlite::types::Value::Text(self.to_string()))
            }
        })
    }
}

fn sql_type(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Integer | FieldType::Boolean => "INTEGER",
        FieldType::String | FieldType::Number | FieldType::Date => "TEXT",
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Tables ordered so that every table comes after the tables it references.
#[must_use]
pub fn dependency_order(tables: &[Table]) -> Vec<&Table> {
    let mut done: Vec<&Table> = Vec::with_capacity(tables.len());
    let mut left: Vec<&Table> = tables.iter().collect();
    while !left.is_empty() {
        let before = left.len();
        let mut i = 0;
        while i < left.len() {
            let t = left[i];
            let ready = t.foreign_keys.iter().all(|fk| {
                fk.resource == t.name
                    || done.iter().any(|d| d.name == fk.resource)
                    || !tables.iter().any(|x| x.name == fk.resource)
            });
            if ready {
                done.push(left.remove(i));
            } else {
                i += 1;
            }
        }
        if left.len() == before {
            // A cycle (none in our tables): keep the given order for the rest.
            done.append(&mut left);
        }
    }
    done
}

/// The `CREATE TABLE` and `CREATE INDEX` statements of `tables`, `meta` included.
#[must_use]
pub fn schema_sql(tables: &[Table]) -> String {
    let mut sql = String::new();
    sql.push_str(
        "CREATE TABLE \"meta\" (\"key\" TEXT PRIMARY KEY NOT NULL, \"value\" TEXT NOT NULL) STRICT;\n",
    );
    for t in dependency_order(tables) {
        let _ = writeln!(sql, "CREATE TABLE \"{}\" (", t.name);
        for f in &t.fields {
            let not_null = if f.required { " NOT NULL" } else { "" };
            let check = match f.ty {
                FieldType::Boolean => format!(" CHECK (\"{}\" IN (0, 1))", f.name),
                FieldType::Date => format!(
                    " CHECK (\"{0}\" GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')",
                    f.name
                ),
                _ => String::new(),
            };
            let _ = writeln!(sql, "  \"{}\" {}{not_null}{check},", f.name, sql_type(f.ty));
        }
        let _ = write!(sql, "  PRIMARY KEY ({})", quoted(t.primary_key));
        for fk in &t.foreign_keys {
            let _ = write!(
                sql,
                ",\n  FOREIGN KEY ({}) REFERENCES \"{}\" ({})",
                quoted(fk.fields),
                fk.resource,
                quoted(fk.reference)
            );
        }
        sql.push_str("\n) STRICT;\n");
        for fk in &t.foreign_keys {
            // Already indexed when the key columns start the primary key.
            if t.primary_key.starts_with(fk.fields) {
                continue;
            }
            let _ = writeln!(
                sql,
                "CREATE INDEX \"{}_{}_idx\" ON \"{}\" ({});",
                t.name,
                fk.fields.join("_"),
                t.name,
                quoted(fk.fields)
            );
        }
    }
    sql
}

fn sqlite_err(table: &str) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |source| Error::Sqlite {
        table: table.to_owned(),
        source,
    }
}

/// Opens the existing file at `path` as a database, never creating it: the file is an
/// output's temporary, which an interrupt
/// ([`remove_temporaries`](betagouv_output::remove_temporaries)) may remove at any
/// time; a removed temporary then makes the open fail instead of coming back. A
/// relative path is read as a path, never as a `file:` URI.
fn open_existing(path: &Path) -> Result<Connection> {
    let path = if path.is_relative() {
        Path::new(".").join(path)
    } else {
        path.to_path_buf()
    };
    // No SQLITE_OPEN_CREATE, no SQLITE_OPEN_URI.
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, flags).map_err(sqlite_err("open"))
}

/// Writes `tables` into the empty file at `path`, which must exist (it is never
/// created: write into the temporary of
/// [`Output::write_file`](betagouv_output::Output::write_file), or create the file
/// first). Nothing else is created beside it: the journal is off.
///
/// ```
/// use betagouv_export::{sqlite, tables, Dataset, ExportOptions};
/// use betagouv_portfolio::builtin;
///
/// let p = builtin::portfolio_2016();
/// let (tables, _) = tables::build(&Dataset::new(&p), builtin::as_of_2016());
/// let options = ExportOptions::new(builtin::as_of_2016(), "builtin:2016");
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("startups.db");
/// // A missing file is an error, and is not created.
/// assert!(sqlite::write(&tables, &options, &path, &mut |_| {}).is_err());
/// assert!(!path.exists());
/// std::fs::File::create_new(&path)?;
/// sqlite::write(&tables, &options, &path, &mut |_| {})?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Sqlite`] when SQLite fails, e.g. `path` is missing or a row breaks a key
/// (which [`crate::tables::build`] never produces).
pub fn write(
    tables: &[Table],
    options: &ExportOptions,
    path: impl AsRef<Path>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<()> {
    let mut conn = open_existing(path.as_ref())?;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON; PRAGMA user_version = {};",
        crate::SCHEMA_VERSION
    ))
    .map_err(sqlite_err("pragma"))?;
    let tx = conn.transaction().map_err(sqlite_err("transaction"))?;
    tx.execute_batch(&schema_sql(tables))
        .map_err(sqlite_err("schema"))?;
    {
        let mut stmt = tx
            .prepare("INSERT INTO \"meta\" (\"key\", \"value\") VALUES (?1, ?2)")
            .map_err(sqlite_err("meta"))?;
        for (k, v) in options.meta_rows() {
            stmt.execute((k, v)).map_err(sqlite_err("meta"))?;
        }
    }
    let ordered = dependency_order(tables);
    let total = ordered.len() + 1;
    for (i, t) in ordered.iter().enumerate() {
        let columns = quoted(&t.column_names().collect::<Vec<_>>());
        let params = (1..=t.fields.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut stmt = tx
            .prepare(&format!(
                "INSERT INTO \"{}\" ({columns}) VALUES ({params})",
                t.name
            ))
            .map_err(sqlite_err(t.name))?;
        for row in &t.rows {
            stmt.execute(rusqlite::params_from_iter(row.iter()))
                .map_err(sqlite_err(t.name))?;
        }
        progress(Progress {
            done: i + 1,
            total,
            label: t.name,
        });
    }
    tx.commit().map_err(sqlite_err("commit"))?;
    conn.execute_batch("VACUUM;")
        .map_err(sqlite_err("vacuum"))?;
    conn.close().map_err(|(_, e)| sqlite_err("close")(e))?;
    progress(Progress {
        done: total,
        total,
        label: "vacuum",
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dataset;
    use betagouv_portfolio::builtin;

    /// The built-in 2016 tables, the export options and an empty file `out.db` in a
    /// new temporary folder.
    fn fixture() -> (
        Vec<Table>,
        ExportOptions,
        tempfile::TempDir,
        std::path::PathBuf,
    ) {
        let p = builtin::portfolio_2016();
        let (tables, _) = crate::tables::build(&Dataset::new(&p), builtin::as_of_2016());
        let options = ExportOptions::new(builtin::as_of_2016(), "builtin:2016");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.db");
        std::fs::File::create_new(&path).unwrap();
        (tables, options, dir, path)
    }

    #[test]
    fn builtin_dataset_passes_sqlite_checks() {
        let (tables, options, _dir, path) = fixture();
        write(&tables, &options, &path, &mut |_| {}).unwrap();
        let conn = Connection::open(&path).unwrap();
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
        let mut stmt = conn.prepare("PRAGMA foreign_key_check").unwrap();
        assert!(stmt.query([]).unwrap().next().unwrap().is_none());
        for t in &tables {
            let n: i64 = conn
                .query_row(&format!("SELECT count(*) FROM \"{}\"", t.name), [], |r| {
                    r.get(0)
                })
                .unwrap();
            assert_eq!(usize::try_from(n).unwrap(), t.rows.len(), "{}", t.name);
        }
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, i64::from(crate::SCHEMA_VERSION));
    }

    /// An interrupt removed the temporary before SQLite opened it: the open fails and
    /// nothing comes back at its path.
    #[test]
    fn a_removed_file_is_not_created_again() {
        let (tables, options, dir, path) = fixture();
        std::fs::remove_file(&path).unwrap();
        let err = write(&tables, &options, &path, &mut |_| {}).unwrap_err();
        assert!(
            matches!(&err, Error::Sqlite { table, .. } if table == "open"),
            "{err}"
        );
        assert!(
            betagouv_tests::entries(dir.path()).is_empty(),
            "{:?}",
            betagouv_tests::entries(dir.path())
        );
    }

    /// The database is the only file in its folder while it is written (no
    /// `-journal`, `-wal` or `-shm`) and after.
    #[test]
    fn no_side_file_appears() {
        let (tables, options, dir, path) = fixture();
        let mut calls = 0;
        write(&tables, &options, &path, &mut |_| {
            calls += 1;
            assert_eq!(betagouv_tests::entries(dir.path()), ["out.db"]);
        })
        .unwrap();
        assert_eq!(calls, tables.len() + 1);
        assert_eq!(betagouv_tests::entries(dir.path()), ["out.db"]);
    }

    /// A relative path starting with `file:` is a path, not a URI naming another file.
    #[cfg(unix)]
    #[test]
    fn a_relative_path_is_never_a_uri() {
        let (tables, options, _dir, other) = fixture();
        // As a URI it would name `other`; as a path it is under a missing `file:` folder.
        let uri = format!("file:{}", other.display());
        assert!(Path::new(&uri).is_relative());
        assert!(write(&tables, &options, &uri, &mut |_| {}).is_err());
        assert_eq!(std::fs::metadata(&other).unwrap().len(), 0);
    }

    #[test]
    fn dependencies_come_first() {
        let p = builtin::portfolio_2016();
        let (tables, _) = crate::tables::build(&Dataset::new(&p), builtin::as_of_2016());
        let names: Vec<&str> = dependency_order(&tables).iter().map(|t| t.name).collect();
        let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(pos("organisation") < pos("incubator"));
        assert!(pos("startup") < pos("mission_startup"));
        assert!(pos("mission") < pos("mission_startup"));
    }
}
