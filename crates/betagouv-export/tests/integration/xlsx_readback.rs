//! The workbook read back with calamine matches the CSV files, cell by cell.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::common::{export_tmp, options_2025, snapshot_2025};
use betagouv_export::{ExportFormat, ExportOptions};
use betagouv_portfolio::{Portfolio, builtin};

/// The CSV text a workbook cell stands for, given the column's Table Schema type.
fn as_csv(cell: &Data, ty: &str) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Bool(b) => b.to_string(),
        #[allow(clippy::cast_possible_truncation)]
        Data::Float(f) if ty == "integer" => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|d| d.date().format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        other => format!("{other:?}"),
    }
}

fn same(csv: &str, cell: &str, ty: &str) -> bool {
    if ty == "number" && !csv.is_empty() {
        // Amounts are numbers in the workbook: equal as numbers.
        return csv.parse::<f64>().ok() == cell.parse::<f64>().ok();
    }
    csv == cell
}

fn check(portfolio: &Portfolio, options: &ExportOptions) {
    let (_a, csv_dir, report) = export_tmp(portfolio, ExportFormat::Csv, options);
    let (_b, xlsx, _) = export_tmp(portfolio, ExportFormat::Xlsx, options);
    let package: Value =
        serde_json::from_str(&std::fs::read_to_string(csv_dir.join("datapackage.json")).unwrap())
            .unwrap();
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let mut cells = 0usize;
    for res in package["resources"].as_array().unwrap() {
        let name = res["name"].as_str().unwrap();
        let types: Vec<&str> = res["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["type"].as_str().unwrap())
            .collect();
        let range = book.worksheet_range(name).unwrap();
        let sheet: Vec<&[Data]> = range.rows().collect();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(Path::new(&csv_dir).join(format!("{name}.csv")))
            .unwrap();
        let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
        assert_eq!(sheet.len(), rows.len(), "rows of {name}");
        assert_eq!(rows.len(), report.rows[name] + 1);
        for (r, (xrow, crow)) in sheet.iter().zip(&rows).enumerate() {
            for (c, field) in crow.iter().enumerate() {
                let ty = if r == 0 { "string" } else { types[c] };
                let x = as_csv(xrow.get(c).unwrap_or(&Data::Empty), ty);
                assert!(
                    same(field, &x, ty),
                    "{name} row {r} col {c}: csv {field:?} vs xlsx {x:?}"
                );
                cells += 1;
            }
        }
    }
    assert!(cells > 0);
}

#[test]
fn xlsx_matches_csv_on_the_builtin_dataset() {
    check(
        &builtin::portfolio_2016(),
        &ExportOptions::new(builtin::as_of_2016(), "builtin:2016"),
    );
}

#[test]
fn xlsx_matches_csv_on_the_2025_snapshot() {
    let Some((_, p)) = snapshot_2025() else {
        return;
    };
    check(p, &options_2025());
}
