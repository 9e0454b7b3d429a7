//! CSV files and their `datapackage.json` (frictionless Table Schema).
//!
//! One file per [`Table`], following the data.gouv.fr conventions: UTF-8 without
//! BOM, comma separator, quotes only when needed, a header row, CRLF line ends,
//! dates `YYYY-MM-DD`, booleans `true`/`false`, decimals with a point, a missing
//! value as an empty cell. `datapackage.json` lists every file with its inline Table
//! Schema (types, required key columns, `primaryKey`, `foreignKeys`,
//! `missingValues: [""]`), and declares `encoding` and `dialect` so validators do not
//! sniff.
//!
//! ```
//! use betagouv_export::{csv, tables, Dataset, ExportOptions};
//! use betagouv_portfolio::builtin;
//!
//! let p = builtin::portfolio_2016();
//! let (tables, _) = tables::build(&Dataset::new(&p), builtin::as_of_2016());
//! let options = ExportOptions::new(builtin::as_of_2016(), "builtin:2016");
//! let package = csv::datapackage(&tables, &options);
//! assert_eq!(package["resources"][0]["name"], "incubator");
//! let text = csv::to_string(&tables[2])?;
//! assert!(text.starts_with("id,name,pitch,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::tables::{FieldType, Table};
use crate::{ExportOptions, Progress};

/// File name of the data package descriptor.
pub const DATAPACKAGE: &str = "datapackage.json";

/// Licence of the exported data, as a data package `licenses` entry (serde: the
/// same `name`, `title`, `path` keys).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Licence {
    /// SPDX-like identifier (`etalab-2.0`, `CC-BY-NC-SA-4.0`).
    pub name: String,
    /// Title.
    pub title: String,
    /// URL of the text.
    pub path: String,
}

impl Default for Licence {
    /// Licence Ouverte 2.0 (`etalab-2.0`), the French open-data licence.
    fn default() -> Self {
        Self {
            name: "etalab-2.0".into(),
            title: "Licence Ouverte / Open Licence version 2.0".into(),
            path: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/".into(),
        }
    }
}

impl Licence {
    /// CC BY-NC-SA 4.0, the licence of the beta.gouv.fr content repository.
    #[must_use]
    pub fn cc_by_nc_sa_4() -> Self {
        Self {
            name: "CC-BY-NC-SA-4.0".into(),
            title: "Creative Commons Attribution-NonCommercial-ShareAlike 4.0".into(),
            path: "https://creativecommons.org/licenses/by-nc-sa/4.0/".into(),
        }
    }
}

fn writer<W: Write>(w: W) -> ::csv::Writer<W> {
    ::csv::WriterBuilder::new()
        .delimiter(b',')
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(w)
}

fn write_table<W: Write>(t: &Table, w: W) -> std::result::Result<(), ::csv::Error> {
    let mut wtr = writer(w);
    wtr.write_record(t.column_names())?;
    let mut buf: Vec<String> = Vec::with_capacity(t.fields.len());
    for row in &t.rows {
        buf.clear();
        buf.extend(row.iter().map(ToString::to_string));
        wtr.write_record(&buf)?;
    }
    wtr.flush()?;
    Ok(())
}

/// The CSV text of one table.
///
/// # Errors
///
/// [`Error::Csv`] if the CSV writer fails (it does not on in-memory output).
pub fn to_string(table: &Table) -> Result<String> {
    let mut out = Vec::new();
    write_table(table, &mut out).map_err(|source| Error::Csv {
        path: PathBuf::from(format!("{}.csv", table.name)),
        source,
    })?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The Table Schema of one table (frictionless `schema` object).
#[must_use]
pub fn table_schema(t: &Table) -> Value {
    let fields: Vec<Value> = t
        .fields
        .iter()
        .map(|f| {
            let mut v = json!({
                "name": f.name,
                "type": f.ty.table_schema(),
                "description": f.description,
            });
            if f.ty == FieldType::Date {
                v["format"] = json!("%Y-%m-%d");
            }
            if f.required {
                v["constraints"] = json!({"required": true});
            }
            v
        })
        .collect();
    let fks: Vec<Value> = t
        .foreign_keys
        .iter()
        .map(|fk| {
            json!({
                "fields": fk.fields,
                "reference": {"resource": fk.resource, "fields": fk.reference},
            })
        })
        .collect();
    let mut schema = json!({
        "fields": fields,
        "primaryKey": t.primary_key,
        "missingValues": [""],
    });
    if !fks.is_empty() {
        schema["foreignKeys"] = Value::Array(fks);
    }
    schema
}

/// The `datapackage.json` descriptor of `tables` (as written next to their CSV files).
#[must_use]
pub fn datapackage(tables: &[Table], options: &ExportOptions) -> Value {
    let resources: Vec<Value> = tables
        .iter()
        .map(|t| {
            json!({
                "name": t.name,
                "path": format!("{}.csv", t.name),
                "profile": "tabular-data-resource",
                "title": t.title,
                "description": t.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": true},
                "schema": table_schema(t),
            })
        })
        .collect();
    let mut sources = vec![json!({"title": options.source})];
    if let Some(rev) = &options.source_revision {
        sources[0]["version"] = json!(rev);
    }
    let mut package = json!({
        "profile": "tabular-data-package",
        "name": "betagouv-portfolio",
        "title": "Portfolio of a State start-up incubator",
        "description": format!(
            "Start-ups, phases, events, sponsors, incubators, organisations, members and missions as of {}. Dangling references are exported as empty key cells with the value as read in the *_raw column next to them.",
            options.at.format("%Y-%m-%d")
        ),
        "version": format!("{}.0.0", crate::SCHEMA_VERSION),
        "created": options.generated_at_text(),
        "licenses": [{
            "name": options.licence.name,
            "title": options.licence.title,
            "path": options.licence.path,
        }],
        "sources": sources,
        "contributors": [{"title": ExportOptions::generator(), "role": "author"}],
        "resources": resources,
    });
    // A custom property (Data Package allows them): what the import dropped.
    if let Some(import) = options.import_json() {
        package["import"] = import;
    }
    package
}

/// Every table a csv folder may hold (those of [`crate::tables::build`], with budget
/// lines and impact figures).
pub const TABLES: [&str; 11] = [
    "incubator",
    "organisation",
    "startup",
    "startup_phase",
    "startup_event",
    "startup_sponsor",
    "member",
    "mission",
    "mission_startup",
    "budget_line",
    "impact_metric",
];

/// Whether a csv folder holds the entry at `relative`: `datapackage.json` and
/// `<table>.csv` for a table of [`TABLES`], all that [`write()`] puts in its folder;
/// the names a forced export may replace.
#[must_use]
pub fn writes(relative: &Path, is_dir: bool) -> bool {
    if is_dir || relative.components().count() != 1 {
        return false;
    }
    let Some(name) = relative.to_str() else {
        return false;
    };
    name == DATAPACKAGE
        || name
            .strip_suffix(".csv")
            .is_some_and(|t| TABLES.contains(&t))
}

/// Writes one `<table>.csv` per table and `datapackage.json` into the folder `dir`,
/// and returns the file names written.
///
/// # Errors
///
/// I/O and CSV errors.
pub fn write(
    tables: &[Table],
    options: &ExportOptions,
    dir: impl AsRef<Path>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Vec<PathBuf>> {
    let dir = dir.as_ref();
    let mut files = Vec::with_capacity(tables.len() + 1);
    let total = tables.len() + 1;
    for (i, t) in tables.iter().enumerate() {
        let name = PathBuf::from(format!("{}.csv", t.name));
        let path = dir.join(&name);
        let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        write_table(t, std::io::BufWriter::new(file))
            .map_err(|source| Error::Csv { path, source })?;
        files.push(name);
        progress(Progress {
            done: i + 1,
            total,
            label: t.name,
        });
    }
    let path = dir.join(DATAPACKAGE);
    let mut text =
        serde_json::to_string_pretty(&datapackage(tables, options)).map_err(|source| {
            Error::Json {
                path: path.clone(),
                source,
            }
        })?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
    files.push(PathBuf::from(DATAPACKAGE));
    progress(Progress {
        done: total,
        total,
        label: DATAPACKAGE,
    });
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{Cell, Field};

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table {
            name: "t",
            title: "T",
            description: "d",
            fields: vec![
                Field {
                    name: "id",
                    ty: FieldType::String,
                    description: "",
                    required: true,
                },
                Field {
                    name: "n",
                    ty: FieldType::Integer,
                    description: "",
                    required: false,
                },
            ],
            primary_key: &["id"],
            foreign_keys: Vec::new(),
            rows,
        }
    }

    #[track_caller]
    fn check(rows: Vec<Vec<Cell>>, expected: &str) {
        assert_eq!(to_string(&table(rows)).unwrap(), expected);
    }

    #[test]
    fn quoting_and_missing_values() {
        check(vec![], "id,n\r\n");
        check(
            vec![vec![Cell::Text("a".into()), Cell::Null]],
            "id,n\r\na,\r\n",
        );
        check(
            vec![vec![Cell::Text("a,b".into()), Cell::Integer(3)]],
            "id,n\r\n\"a,b\",3\r\n",
        );
        check(
            vec![vec![Cell::Text("say \"hi\"".into()), Cell::Integer(-1)]],
            "id,n\r\n\"say \"\"hi\"\"\",-1\r\n",
        );
        check(
            vec![vec![Cell::Text("two\nlines ".into()), Cell::Null]],
            "id,n\r\n\"two\nlines \",\r\n",
        );
    }

    #[test]
    fn schema_declares_keys() {
        let s = table_schema(&table(vec![]));
        assert_eq!(s["primaryKey"], json!(["id"]));
        assert_eq!(s["fields"][0]["constraints"]["required"], json!(true));
        assert_eq!(s["missingValues"], json!([""]));
    }
}
