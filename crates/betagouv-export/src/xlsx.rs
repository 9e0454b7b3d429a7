//! The XLSX workbook (feature `xlsx`), for people who live in spreadsheets.
//!
//! One sheet per [`Table`] (same name, same columns and rows as its CSV file), a
//! bold frozen header row with filters, and typed cells: text as text, whole
//! numbers and amounts as numbers (amounts with format `0.00`), booleans as
//! booleans, dates as real dates shown `yyyy-mm-dd`, NULL as an empty cell. A last
//! `meta` sheet holds the same key/value pairs as the SQLite `meta` table.
//!
//! A spreadsheet has no decimal type: amounts become binary floating-point numbers
//! there (exact to the cent for any realistic budget); the CSV and SQLite exports keep
//! the exact decimal text. Excel limits a cell to 32 767 characters: longer text is
//! cut at that length (no field of the portfolio tables comes near it).
//!
//! ```
//! use betagouv_export::{xlsx, tables, Dataset, ExportOptions};
//! use betagouv_portfolio::builtin;
//!
//! let p = builtin::portfolio_2016();
//! let (tables, _) = tables::build(&Dataset::new(&p), builtin::as_of_2016());
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("portfolio.xlsx");
//! let options = ExportOptions::new(builtin::as_of_2016(), "builtin:2016");
//! xlsx::write(&tables, &options, &path, &mut |_| {})?;
//! assert!(path.exists());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use chrono::Datelike;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::{Error, Result};
use crate::tables::{Cell, Table};
use crate::{ExportOptions, Progress};

/// Excel's cell text limit, in characters.
pub const MAX_TEXT: usize = 32_767;

fn xerr(sheet: &str) -> impl Fn(XlsxError) -> Error + '_ {
    move |source| Error::Xlsx {
        sheet: sheet.to_owned(),
        source,
    }
}

fn cut(s: &str) -> &str {
    match s.char_indices().nth(MAX_TEXT) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

struct Formats {
    header: Format,
    date: Format,
    money: Format,
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
) -> std::result::Result<(), XlsxError> {
    match cell {
        Cell::Null => {}
        Cell::Text(s) => {
            ws.write_string(row, col, cut(s))?;
        }
        // Ids and counters: exact as f64 up to 2^53.
        #[allow(clippy::cast_precision_loss)]
        Cell::Integer(i) => {
            ws.write_number(row, col, *i as f64)?;
        }
        Cell::Number(d) => {
            ws.write_number_with_format(row, col, d.to_f64().unwrap_or_default(), &formats.money)?;
        }
        Cell::Bool(b) => {
            ws.write_boolean(row, col, *b)?;
        }
        Cell::Date(d) => {
            let (y, m, day) = (
                u16::try_from(d.year()).unwrap_or_default(),
                u8::try_from(d.month()).unwrap_or_default(),
                u8::try_from(d.day()).unwrap_or_default(),
            );
            match ExcelDateTime::from_ymd(y, m, day) {
                Ok(x) => {
                    ws.write_datetime_with_format(row, col, &x, &formats.date)?;
                }
                // Before 1900 (Excel's epoch): kept as text.
                Err(_) => {
                    ws.write_string(row, col, cell.to_string())?;
                }
            }
        }
    }
    Ok(())
}

fn sheet(wb: &mut Workbook, t: &Table, formats: &Formats) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(t.name)?;
    for (c, name) in t.column_names().enumerate() {
        let col = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
        ws.write_string_with_format(0, col, name, &formats.header)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            write_cell(ws, r, col, cell, formats)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    let last_col = u16::try_from(t.fields.len().saturating_sub(1)).unwrap_or(0);
    let last_row = u32::try_from(t.rows.len()).unwrap_or(0);
    ws.autofilter(0, 0, last_row, last_col)?;
    Ok(())
}

/// Writes `tables` as a workbook at `path`.
///
/// # Errors
///
/// [`Error::Xlsx`] when the workbook cannot be written.
pub fn write(
    tables: &[Table],
    options: &ExportOptions,
    path: impl AsRef<Path>,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<()> {
    let total = tables.len() + 1;
    let mut wb = workbook(tables, options, progress)?;
    wb.save(path.as_ref()).map_err(xerr("save"))?;
    progress(Progress {
        done: total,
        total,
        label: "save",
    });
    Ok(())
}

/// Writes `tables` as a workbook to `writer` (an open file, a buffer).
///
/// # Errors
///
/// [`Error::Xlsx`] when the workbook cannot be written.
pub fn write_to<W: std::io::Write + std::io::Seek + Send>(
    tables: &[Table],
    options: &ExportOptions,
    writer: W,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<()> {
    let total = tables.len() + 1;
    let mut wb = workbook(tables, options, progress)?;
    wb.save_to_writer(writer).map_err(xerr("save"))?;
    progress(Progress {
        done: total,
        total,
        label: "save",
    });
    Ok(())
}

/// The workbook of `tables`, a sheet per table then `meta`.
fn workbook(
    tables: &[Table],
    options: &ExportOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Workbook> {
    let mut wb = Workbook::new();
    let formats = Formats {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        money: Format::new().set_num_format("0.00"),
    };
    let total = tables.len() + 1;
    for (i, t) in tables.iter().enumerate() {
        sheet(&mut wb, t, &formats).map_err(xerr(t.name))?;
        progress(Progress {
            done: i + 1,
            total,
            label: t.name,
        });
    }
    let meta = options.meta_rows();
    let ws = wb.add_worksheet();
    let fill = |ws: &mut Worksheet| -> std::result::Result<(), XlsxError> {
        ws.set_name("meta")?;
        ws.write_string_with_format(0, 0, "key", &formats.header)?;
        ws.write_string_with_format(0, 1, "value", &formats.header)?;
        for (r, (k, v)) in meta.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write_string(r, 0, *k)?;
            ws.write_string(r, 1, v)?;
        }
        Ok(())
    };
    fill(ws).map_err(xerr("meta"))?;
    // Fixed document properties so that the same input gives the same workbook.
    let created = ExcelDateTime::from_ymd(
        u16::try_from(options.generated_at.year()).unwrap_or(2000),
        u8::try_from(options.generated_at.month()).unwrap_or(1),
        u8::try_from(options.generated_at.day()).unwrap_or(1),
    )
    .map_err(xerr("properties"))?;
    let props = rust_xlsxwriter::DocProperties::new()
        .set_title("Portfolio of a State start-up incubator")
        .set_author(ExportOptions::generator())
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    Ok(wb)
}
