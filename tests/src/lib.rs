//! Helpers shared by the workspace's cross-crate and real-data tests.
//!
//! Convention: a test that needs the shared real data or an external tool
//! calls [`shared_data`] or [`require_tool`]. Without `BETAGOUV_REQUIRE_EXTERNAL`
//! in the environment, a missing folder or tool makes the test skip with a
//! note on stderr; with it, the test fails.
#![deny(missing_docs)]
#![allow(clippy::print_stderr)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use std::path::{Path, PathBuf};

/// Whether external data and tools are required (`BETAGOUV_REQUIRE_EXTERNAL` set and not empty).
#[must_use]
pub fn external_required() -> bool {
    std::env::var_os("BETAGOUV_REQUIRE_EXTERNAL").is_some_and(|v| !v.is_empty())
}

/// The shared data folder (`BETAGOUV_SHARED_DATA`) joined with `relative`, if it exists.
///
/// Returns `None` (after printing a skip note) when the variable is unset or the
/// folder is missing and external data is not required.
///
/// # Panics
///
/// When `BETAGOUV_REQUIRE_EXTERNAL` is set and the folder is missing: the test fails.
#[must_use]
pub fn shared_data(relative: &str) -> Option<PathBuf> {
    let found = std::env::var_os("BETAGOUV_SHARED_DATA")
        .map(|base| PathBuf::from(base).join(relative))
        .filter(|p| p.exists());
    match found {
        Some(p) => Some(p),
        None if external_required() => panic!(
            "BETAGOUV_REQUIRE_EXTERNAL is set but BETAGOUV_SHARED_DATA/{relative} is missing"
        ),
        None => {
            eprintln!(
                "note: skipped, set BETAGOUV_SHARED_DATA to the absolute path of shared/data to run (needs {relative})"
            );
            None
        }
    }
}

/// Whether the external program `name` answers `name --version` (or `args`).
///
/// Returns `false` (after printing a skip note) when it is missing and external
/// tools are not required.
///
/// # Panics
///
/// When `BETAGOUV_REQUIRE_EXTERNAL` is set and the tool is missing: the test fails.
#[must_use]
pub fn require_tool(name: &str, args: &[&str]) -> bool {
    let ok = std::process::Command::new(name)
        .args(if args.is_empty() {
            &["--version"][..]
        } else {
            args
        })
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if external_required() {
            panic!("BETAGOUV_REQUIRE_EXTERNAL is set but the tool `{name}` is not available");
        }
        eprintln!("note: skipped, the external tool `{name}` is not installed");
    }
    ok
}

/// The shared history bundle (`betagouv-history/content-history.bundle`) cloned into a
/// bare repository of the system's temporary folder (the data is never copied into the
/// project), or `None` when the shared data or `git` is missing (see [`shared_data`]
/// and [`require_tool`]: then the test is skipped, or fails when external data is
/// required). The clone is named after the bundle's size and reused by later runs
/// and by the test processes running beside this one (each clones into a folder of
/// its own and renames it into place; the first rename wins).
///
/// # Panics
///
/// When `git clone` fails on a bundle that is there.
#[must_use]
pub fn history_repo() -> Option<&'static Path> {
    static CLONE: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    CLONE
        .get_or_init(|| {
            let bundle = shared_data("betagouv-history/content-history.bundle")?;
            if !require_tool("git", &[]) {
                return None;
            }
            let size = std::fs::metadata(&bundle).map(|m| m.len()).unwrap_or(0);
            let dir = std::env::temp_dir().join(format!("betagouv-history-{size}.git"));
            if dir.join("HEAD").is_file() {
                return Some(dir);
            }
            let own = std::env::temp_dir().join(format!(
                "betagouv-history-{size}-{}.git",
                std::process::id()
            ));
            let _ = std::fs::remove_dir_all(&own);
            let status = std::process::Command::new("git")
                .args(["-c", "init.defaultBranch=main", "clone", "-q", "--bare"])
                .arg(&bundle)
                .arg(&own)
                .status()
                .map(|s| s.success());
            assert!(
                matches!(status, Ok(true)),
                "git clone --bare {} failed",
                bundle.display()
            );
            if std::fs::rename(&own, &dir).is_err() {
                // Another process renamed its clone first: use that one.
                let _ = std::fs::remove_dir_all(&own);
            }
            Some(dir)
        })
        .as_deref()
}

/// Unpacks the tree of `commit` of the repository `repo` into the folder `into` (`git
/// archive` piped through `tar -x`, by way of a `tree.tar` file in `into`, removed
/// after), as a checkout of the commit would hold it. The caller has checked `git`
/// and `tar` with [`require_tool`] (or has a [`history_repo`]).
///
/// # Panics
///
/// When `git archive` or `tar` fails.
pub fn unpack_commit(repo: &Path, commit: &str, into: &Path) {
    let tar = into.join("tree.tar");
    let ok = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(repo)
        .args(["archive", "--format=tar", "-o"])
        .arg(&tar)
        .arg(commit)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "git archive {commit}");
    let ok = std::process::Command::new("tar")
        .arg("-xf")
        .arg(&tar)
        .arg("-C")
        .arg(into)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "tar -xf {}", tar.display());
    std::fs::remove_file(&tar).unwrap();
}

/// Copies a directory tree (fixtures or a shared snapshot into a temporary folder:
/// real data is never copied into the repository).
///
/// # Panics
///
/// When a file cannot be read or written: the test fails.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The names of the entries of `dir`, sorted (to assert what a writer left in a folder).
///
/// # Panics
///
/// When the folder cannot be read: the test fails.
#[must_use]
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `git fast-import` on the bare repository `dir` with `stream` (the test
/// repositories of the history tests are built this way: one process per history).
///
/// # Panics
///
/// When `git` cannot run or rejects the stream: the test fails.
pub fn fast_import(dir: &Path, stream: &str) {
    use std::io::Write as _;
    let mut child = std::process::Command::new("git")
        .arg("--git-dir")
        .arg(dir)
        .args(["fast-import", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("git fast-import runs");
    child
        .stdin
        .take()
        .expect("its standard input")
        .write_all(stream.as_bytes())
        .expect("the stream is written");
    assert!(
        child.wait().expect("git ends").success(),
        "git fast-import failed"
    );
}

// The workspace README's Rust example is a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct WorkspaceReadmeDoctests;

/// A Rust source file of the workspace: its path relative to `crates/` (with `/`) and
/// its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path under `crates/`, e.g. `betagouv-content/src/read.rs`.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// The root of the workspace.
#[must_use]
pub fn workspace_root() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under each `crates/<name>/src` (names sorted, then paths sorted),
/// for the crates whose name passes `keep`.
///
/// # Panics
///
/// When a folder or file cannot be read: the test fails.
#[must_use]
pub fn crate_sources(keep: impl Fn(&str) -> bool) -> Vec<SourceFile> {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("readable folder")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let crates = workspace_root().join("crates");
    let mut names: Vec<_> = std::fs::read_dir(&crates)
        .expect("crates/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| keep(n) && crates.join(n).join("src").is_dir())
        .collect();
    names.sort();
    let mut files = Vec::new();
    for name in names {
        rust_files(&crates.join(name).join("src"), &mut files);
    }
    files
        .into_iter()
        .map(|p| SourceFile {
            text: std::fs::read_to_string(&p).expect("UTF-8 source"),
            path: p
                .strip_prefix(&crates)
                .expect("under crates/")
                .to_string_lossy()
                .replace('\\', "/"),
        })
        .collect()
}
