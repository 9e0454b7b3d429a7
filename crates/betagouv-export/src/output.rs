//! Writing outputs through the output policy of `betagouv-output`: never over an
//! input, never over unrelated data, never a partial output.
//!
//! Each folder format declares the names it writes beside its writer
//! ([`crate::ApiVersion::writes`], [`crate::json::writes`], [`crate::csv::writes`]); a
//! folder output is replaced with [`IfExists::Replace`](crate::IfExists::Replace) only when it holds nothing else.

use std::path::Path;

use betagouv_output::{FolderNames, Output, TempFile};

use crate::error::{Error, Result};
use crate::{ExportFormat, ExportOptions};

/// The names written by a folder format.
fn names(format: ExportFormat, options: &ExportOptions) -> FolderNames {
    match format {
        ExportFormat::ApiJson => FolderNames {
            what: "an api-json export",
            accepts: options.api_version.writes(),
        },
        ExportFormat::Json => FolderNames {
            what: "a json export",
            accepts: crate::json::writes,
        },
        _ => FolderNames {
            what: "a csv export",
            accepts: crate::csv::writes,
        },
    }
}

/// The output of `format` at `out`, with the options' inputs and overwrite policy.
pub(crate) fn output(format: ExportFormat, out: &Path, options: &ExportOptions) -> Output {
    let o = if format.is_folder() {
        Output::folder(out, names(format, options))
    } else {
        Output::file(out)
    };
    o.if_exists(options.if_exists)
        .inputs(options.inputs.iter().cloned())
}

/// Writes the file `out` through `write`, which receives a temporary file in the
/// same folder; it is renamed to `out` only when `write` succeeds.
#[cfg_attr(not(any(feature = "sqlite", feature = "xlsx")), allow(dead_code))]
pub(crate) fn write_file(
    format: ExportFormat,
    out: &Path,
    options: &ExportOptions,
    write: impl FnOnce(&mut TempFile) -> Result<()>,
) -> Result<()> {
    output(format, out, options).write_file::<Error>(write)
}

/// Writes the folder `out` through `write`, which receives a temporary folder in the
/// same parent; it is renamed to `out` only when `write` succeeds.
pub(crate) fn write_dir(
    format: ExportFormat,
    out: &Path,
    options: &ExportOptions,
    write: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    output(format, out, options).write_folder::<Error>(write)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn options(force: bool) -> ExportOptions {
        let mut o = ExportOptions::new(
            chrono::NaiveDate::from_ymd_opt(2016, 12, 31).unwrap(),
            "test",
        );
        o.if_exists = crate::IfExists::replace_when(force);
        o
    }

    #[test]
    fn refuses_then_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.db");
        let put = |text: &'static str| {
            move |tmp: &mut TempFile| {
                fs::write(tmp.path(), text).map_err(|e| Error::io(tmp.path(), e))
            }
        };
        write_file(ExportFormat::Sqlite, &out, &options(false), put("a")).unwrap();
        let again = write_file(ExportFormat::Sqlite, &out, &options(false), put("b"));
        assert!(matches!(again, Err(Error::OutputExists { .. })));
        write_file(ExportFormat::Sqlite, &out, &options(true), put("b")).unwrap();
        assert_eq!(fs::read_to_string(&out).unwrap(), "b");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d");
        let r = write_dir(ExportFormat::Csv, &out, &options(false), |p| {
            fs::write(p.join("startup.csv"), "a").map_err(|e| Error::io(p, e))?;
            Err(Error::io(p, std::io::Error::other("boom")))
        });
        assert!(r.is_err());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn dir_is_replaced_with_force_only_when_it_holds_the_format_names() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("d");
        let put = |name: &'static str| {
            move |p: &Path| fs::write(p.join(name), name).map_err(|e| Error::io(p, e))
        };
        write_dir(ExportFormat::Csv, &out, &options(false), put("startup.csv")).unwrap();
        assert!(write_dir(ExportFormat::Csv, &out, &options(false), put("member.csv")).is_err());
        write_dir(ExportFormat::Csv, &out, &options(true), put("member.csv")).unwrap();
        assert!(!out.join("startup.csv").exists() && out.join("member.csv").exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        // Not a csv export: refused, untouched.
        fs::write(out.join("thesis.odt"), "keep").unwrap();
        let err = write_dir(ExportFormat::Csv, &out, &options(true), put("x.csv")).unwrap_err();
        assert!(err.to_string().contains("thesis.odt"), "{err}");
        assert!(out.join("thesis.odt").exists() && out.join("member.csv").exists());
        // An api-json folder is not a json export.
        let api = dir.path().join("api");
        write_dir(
            ExportFormat::ApiJson,
            &api,
            &options(false),
            put("startups.json"),
        )
        .unwrap();
        assert!(
            write_dir(
                ExportFormat::Json,
                &api,
                &options(true),
                put("portfolio.json")
            )
            .is_err()
        );
        assert!(api.join("startups.json").exists());
    }

    /// What each folder writer puts in its folder is exactly what its names accept,
    /// with and without budget and impact tables; other formats' names are not.
    #[test]
    fn writers_and_names_agree() {
        let p = betagouv_portfolio::builtin::portfolio_2016();
        let with_all = crate::Dataset {
            portfolio: &p,
            budget_lines: Some(&[]),
            impact_metrics: Some(&[]),
            empty_keys: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let mut seen_tables = 0;
        for format in [ExportFormat::ApiJson, ExportFormat::Json, ExportFormat::Csv] {
            for (n, dataset) in [crate::Dataset::new(&p), with_all].iter().enumerate() {
                let out = dir.path().join(format!("{format}-{n}"));
                let report = crate::export(dataset, format, &out, &options(false)).unwrap();
                let mut names: Vec<_> = fs::read_dir(&out)
                    .unwrap()
                    .map(|e| e.unwrap().file_name())
                    .collect();
                names.sort();
                let mut files: Vec<_> = report
                    .files
                    .iter()
                    .map(|f| f.clone().into_os_string())
                    .collect();
                files.sort();
                assert_eq!(names, files, "{format}");
                for name in &names {
                    let rel = Path::new(name);
                    assert!(
                        (super::names(format, &options(false)).accepts)(rel, false),
                        "{format}: {rel:?}"
                    );
                    assert!(
                        !(super::names(format, &options(false)).accepts)(rel, true),
                        "{format}: {rel:?}"
                    );
                    for other in [ExportFormat::ApiJson, ExportFormat::Json, ExportFormat::Csv] {
                        if other != format {
                            assert!(
                                !(super::names(other, &options(false)).accepts)(rel, false),
                                "{other}: {rel:?}"
                            );
                        }
                    }
                }
                if format == ExportFormat::Csv {
                    seen_tables = seen_tables.max(names.len() - 1);
                }
            }
        }
        assert_eq!(seen_tables, crate::csv::TABLES.len());
    }

    #[test]
    fn inputs_are_never_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let budget = dir.path().join("budget.toml");
        fs::write(&budget, "keep").unwrap();
        let mut o = options(true);
        o.inputs = vec![budget.clone(), dir.path().join("content")];
        let err = write_file(ExportFormat::Sqlite, &budget, &o, |_| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Output(_)), "{err}");
        let err = write_dir(
            ExportFormat::Csv,
            &dir.path().join("content/../content"),
            &o,
            |_| Ok(()),
        )
        .unwrap_err();
        assert!(err.to_string().contains("content"), "{err}");
        assert_eq!(fs::read_to_string(&budget).unwrap(), "keep");
    }
}
