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
use rusqlite::{Connection, ToSql};

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

/// Writes `tables` into a new database at `path` (which must not hold a database yet:
/// an empty file is fine).
///
/// # Errors
///
/// [`Error::Sqlite`] when SQLite fails, e.g. a row breaks a key (which
/// [`crate::tables::build`] never produces).
pub fn write(
    tables: &[Table],
    options: &ExportOptions,
    path: impl AsRef<Path>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<()> {
    let mut conn = Connection::open(path.as_ref()).map_err(sqlite_err("open"))?;
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

    #[test]
    fn builtin_dataset_passes_sqlite_checks() {
        let p = builtin::portfolio_2016();
        let (tables, _) = crate::tables::build(&Dataset::new(&p), builtin::as_of_2016());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.db");
        let options = ExportOptions::new(builtin::as_of_2016(), "builtin:2016");
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
