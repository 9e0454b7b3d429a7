//! An interrupt between the creation of an export's temporary and its writer's first
//! open: [`remove_temporaries`] (what the command line's Ctrl-C handler calls) removes
//! the temporaries, and every writer then fails without creating anything at their
//! paths. It closes the process-wide registry for good, so this binary holds only
//! this test.

use std::path::Path;

use betagouv_export::api_v3::ApiV3Files;
use betagouv_export::{Dataset, Error, ExportOptions, csv, json, tables};
use betagouv_output::{FolderNames, Output, live_temporaries, remove_temporaries};
use betagouv_portfolio::builtin;

fn any(_: &Path, _: bool) -> bool {
    true
}

/// The file temporary (the SQLite export's) and the folder temporary (the api-json,
/// json and csv exports') are removed just before the writers run, as when Ctrl-C
/// comes right after their creation: no writer brings a path back.
#[test]
fn writers_never_recreate_a_removed_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let p = builtin::portfolio_2016();
    let at = builtin::as_of_2016();
    let dataset = Dataset::new(&p);
    let (tables, _) = tables::build(&dataset, at);
    let options = ExportOptions::new(at, "builtin:2016");
    let folder = Output::folder(
        dir.path().join("folder"),
        FolderNames {
            what: "a test",
            accepts: any,
        },
    );
    let mut failures = Vec::new();
    let r = Output::file(dir.path().join("export.db")).write_file(|tmp| {
        let file_tmp = tmp.path().to_path_buf();
        folder.write_folder(|folder_tmp| {
            assert_eq!(live_temporaries().len(), 2);
            // The Ctrl-C handler.
            assert_eq!(remove_temporaries(), 2);
            assert!(!file_tmp.exists() && !folder_tmp.exists());
            #[cfg(feature = "sqlite")]
            failures.push((
                "sqlite",
                betagouv_export::sqlite::write(&tables, &options, &file_tmp, &mut |_| {}).is_err(),
            ));
            failures.push((
                "api-json v3",
                ApiV3Files::build(&p, at)
                    .write(folder_tmp, &mut |_| {})
                    .is_err(),
            ));
            failures.push(("json", json::write(&dataset, &options, folder_tmp).is_err()));
            failures.push((
                "csv",
                csv::write(&tables, &options, folder_tmp, &mut |_| {}).is_err(),
            ));
            Ok::<(), Error>(())
        })
    });
    // The writers' own errors were collected: the outputs then fail (syncing a
    // removed folder, or refusing to rename once interrupted).
    assert!(matches!(r, Err(Error::Output(_))), "{r:?}");
    let wrote: Vec<&str> = failures
        .iter()
        .filter(|(_, failed)| !failed)
        .map(|(what, _)| *what)
        .collect();
    assert!(
        wrote.is_empty(),
        "wrote into a removed temporary: {wrote:?}"
    );
    assert_eq!(failures.len(), if cfg!(feature = "sqlite") { 4 } else { 3 });
    assert!(
        betagouv_tests::entries(dir.path()).is_empty(),
        "{:?}",
        betagouv_tests::entries(dir.path())
    );
    assert!(live_temporaries().is_empty());
}
