//! Golden outputs of the built-in 2016 dataset: what a user sees, reviewed as snapshots.

use betagouv_export::api::ApiFiles;
use betagouv_export::{Dataset, ExportOptions, csv, tables};
use betagouv_portfolio::builtin;

fn options() -> ExportOptions {
    ExportOptions::new(builtin::as_of_2016(), "builtin:2016")
}

#[test]
fn datapackage_of_the_builtin_dataset() {
    let p = builtin::portfolio_2016();
    let (t, _) = tables::build(&Dataset::new(&p), builtin::as_of_2016());
    insta::assert_json_snapshot!(csv::datapackage(&t, &options()));
}

#[test]
fn startup_and_phase_csv_of_the_builtin_dataset() {
    let p = builtin::portfolio_2016();
    let (t, _) = tables::build(&Dataset::new(&p), builtin::as_of_2016());
    let find = |n: &str| t.iter().find(|x| x.name == n).unwrap();
    insta::assert_snapshot!(csv::to_string(find("startup")).unwrap());
    insta::assert_snapshot!(csv::to_string(find("startup_phase")).unwrap());
}

#[test]
fn api_startups_json_of_the_builtin_dataset() {
    let files = ApiFiles::build(&builtin::portfolio_2016());
    let mut v = serde_json::to_value(&files.startups).unwrap();
    // Three resources are enough to review the shape.
    v["data"].as_array_mut().unwrap().truncate(3);
    insta::assert_json_snapshot!(v);
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_schema() {
    let p = builtin::portfolio_2016();
    let (t, _) = tables::build(&Dataset::new(&p), builtin::as_of_2016());
    insta::assert_snapshot!(betagouv_export::sqlite::schema_sql(&t));
}
