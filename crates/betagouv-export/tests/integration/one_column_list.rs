//! Every tabular format writes a table's columns from the one column list of the table:
//! the Table Schema fields of `datapackage.json`, the CSV header, the SQLite columns and
//! the XLSX header row are the same names in the same order, with the same types and
//! the same required columns.

use std::path::Path;

use serde_json::Value;

use betagouv_export::tables::{self, Table};
use betagouv_export::{
    Dataset, ExportFormat, ExportOptions, ImpactMetric, csv as export_csv, export,
};
use betagouv_portfolio::builtin;

/// What one format says of a table's columns: (name, Table Schema type, required).
type Columns = Vec<(String, String, bool)>;

/// Every table: the built-in portfolio with the built-in budget and two impact figures.
fn with_every_table(run: impl FnOnce(&Dataset<'_>, &ExportOptions)) {
    let portfolio = builtin::portfolio_2016();
    let (ledger, _) = betagouv_funding::post::to_ledger(
        &betagouv_funding::builtin::builtin_2016().unwrap(),
        None,
    );
    let lines = tables::budget_lines(&ledger);
    let metrics: Vec<ImpactMetric> = ["users", "visits"]
        .into_iter()
        .map(|metric| ImpactMetric {
            startup_id: portfolio.startups[0].id.to_string(),
            metric: metric.into(),
            value: rust_decimal::Decimal::new(125, 1),
            period: Some("month".into()),
            bound: None,
            year: Some(2016),
            source: None,
        })
        .collect();
    let dataset = Dataset::new(&portfolio)
        .with_budget_lines(&lines)
        .with_impact_metrics(&metrics);
    run(
        &dataset,
        &ExportOptions::new(builtin::as_of_2016(), "builtin:2016"),
    );
}

/// The columns of `t` as its fields declare them.
fn declared(t: &Table) -> Columns {
    t.fields
        .iter()
        .map(|f| {
            (
                f.name.to_owned(),
                f.ty.table_schema().to_owned(),
                f.required,
            )
        })
        .collect()
}

/// The columns of each resource of a written `datapackage.json`.
fn schema_columns(dir: &Path) -> Vec<(String, Columns)> {
    let text = std::fs::read_to_string(dir.join(export_csv::DATAPACKAGE)).unwrap();
    let package: Value = serde_json::from_str(&text).unwrap();
    let as_str = |v: &Value| v.as_str().unwrap().to_owned();
    package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| {
            let columns = res["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    let required = f["constraints"]["required"].as_bool().unwrap_or(false);
                    (as_str(&f["name"]), as_str(&f["type"]), required)
                })
                .collect();
            (as_str(&res["name"]), columns)
        })
        .collect()
}

/// The header row of a written `<table>.csv`.
fn csv_header(dir: &Path, table: &str) -> Vec<String> {
    let mut rdr = csv::Reader::from_path(dir.join(format!("{table}.csv"))).unwrap();
    rdr.headers().unwrap().iter().map(str::to_owned).collect()
}

fn names(columns: &Columns) -> Vec<String> {
    columns.iter().map(|(n, _, _)| n.clone()).collect()
}

#[test]
fn schema_csv_sqlite_and_xlsx_write_the_same_columns() {
    with_every_table(|dataset, options| {
        let (tables, _) = tables::build(dataset, options.at);
        let names_of_tables: Vec<&str> = tables.iter().map(|t| t.name).collect();
        assert_eq!(names_of_tables, export_csv::TABLES, "every table is built");
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("csv");
        export(dataset, ExportFormat::Csv, &dir, options).unwrap();
        let schemas = schema_columns(&dir);
        assert_eq!(
            schemas.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            names_of_tables,
            "datapackage resources"
        );
        #[cfg(feature = "sqlite")]
        let db = {
            let decimals: Vec<(&str, &str)> = tables
                .iter()
                .flat_map(|t| t.fields.iter().map(move |f| (t.name, f)))
                .filter(|(_, f)| f.ty == betagouv_export::tables::FieldType::Number)
                .map(|(t, f)| (t, f.name))
                .collect();
            assert!(!decimals.is_empty(), "some column is an amount");
            sqlite::columns(dataset, options, tmp.path(), &decimals)
        };
        #[cfg(feature = "xlsx")]
        let sheets = xlsx::headers(dataset, options, tmp.path());
        for (t, (_, schema)) in tables.iter().zip(&schemas) {
            let expected = declared(t);
            assert!(!expected.is_empty(), "{} has columns", t.name);
            assert_eq!(schema, &expected, "Table Schema fields of {}", t.name);
            assert_eq!(
                csv_header(&dir, t.name),
                names(&expected),
                "CSV header of {}",
                t.name
            );
            #[cfg(feature = "sqlite")]
            assert_eq!(db[t.name], expected, "SQLite columns of {}", t.name);
            #[cfg(feature = "xlsx")]
            assert_eq!(
                sheets[t.name],
                names(&expected),
                "XLSX header of {}",
                t.name
            );
        }
    });
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use std::collections::BTreeMap;
    use std::path::Path;

    use betagouv_export::{Dataset, ExportFormat, ExportOptions, export};

    use super::Columns;

    /// The Table Schema type of a SQLite column: booleans are `INTEGER` with a 0/1
    /// check, dates `TEXT` with a `YYYY-MM-DD` check, amounts `TEXT` (`decimal`
    /// declares which columns are amounts: SQLite cannot tell them from text).
    fn table_schema_type(declared: &str, checked: bool, decimal: bool) -> String {
        match (declared, checked) {
            ("INTEGER", true) => "boolean",
            ("INTEGER", false) => "integer",
            ("TEXT", true) => "date",
            ("TEXT", false) if decimal => "number",
            ("TEXT", false) => "string",
            (other, _) => other,
        }
        .to_owned()
    }

    /// Per table, the columns of the written database: (name, type, NOT NULL).
    pub(super) fn columns(
        dataset: &Dataset<'_>,
        options: &ExportOptions,
        dir: &Path,
        decimals: &[(&str, &str)],
    ) -> BTreeMap<String, Columns> {
        let path = dir.join("out.db");
        export(dataset, ExportFormat::Sqlite, &path, options).unwrap();
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mut out = BTreeMap::new();
        for table in betagouv_export::csv::TABLES {
            let sql: String = conn
                .query_row(
                    "SELECT sql FROM sqlite_schema WHERE name = ?1",
                    [table],
                    |r| r.get(0),
                )
                .unwrap();
            let mut stmt = conn
                .prepare("SELECT name, type, \"notnull\" FROM pragma_table_info(?1) ORDER BY cid")
                .unwrap();
            let columns: Columns = stmt
                .query_map([table], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                    ))
                })
                .unwrap()
                .map(Result::unwrap)
                .map(|(name, declared, not_null)| {
                    let checked = sql.contains(&format!("CHECK (\"{name}\""));
                    let decimal = decimals.contains(&(table, name.as_str()));
                    let ty = table_schema_type(&declared, checked, decimal);
                    (name, ty, not_null)
                })
                .collect();
            out.insert(table.to_owned(), columns);
        }
        out
    }
}

#[cfg(feature = "xlsx")]
mod xlsx {
    use std::collections::BTreeMap;
    use std::path::Path;

    use calamine::{Reader, Xlsx, open_workbook};

    use betagouv_export::{Dataset, ExportFormat, ExportOptions, export};

    /// Per sheet, its header row.
    pub(super) fn headers(
        dataset: &Dataset<'_>,
        options: &ExportOptions,
        dir: &Path,
    ) -> BTreeMap<String, Vec<String>> {
        let path = dir.join("out.xlsx");
        export(dataset, ExportFormat::Xlsx, &path, options).unwrap();
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let mut out = BTreeMap::new();
        for table in betagouv_export::csv::TABLES {
            let range = book.worksheet_range(table).unwrap();
            let header = range
                .rows()
                .next()
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect();
            out.insert(table.to_owned(), header);
        }
        out
    }
}
