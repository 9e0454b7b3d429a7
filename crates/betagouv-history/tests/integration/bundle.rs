//! The shared history bundle: reading commits of every era from git objects gives
//! what reading the same tree checked out gives.

use std::path::{Path, PathBuf};

use betagouv_content::read::{Import, ReadOptions, read_folder};
use betagouv_history::{Repository, Revision};
use betagouv_portfolio::{Snapshot, SnapshotOptions};

/// Reference points of the bundle README: (replayed commit, files per folder).
const POINTS: [(&str, &[(&str, usize)]); 7] = [
    (
        "51676b37c15a79dd85b5e02f8a1e2781ab494abb",
        &[("_startups", 4)],
    ),
    (
        "e4c127bd5527fab22ba8f272086e86653ae4007e",
        &[("_startup", 21), ("_author", 7)],
    ),
    (
        "56e715003096ddc0a0cdd105113bf7b32af37527",
        &[("_startup", 27), ("_author", 50)],
    ),
    (
        "02f4af2af73c02a467d6545b9d0ccdc2d9f74711",
        &[("_startup", 33), ("_authors", 76)],
    ),
    (
        "50343f80cf275b8ff52a70bc6e04fe00e3235379",
        &[("_startup", 51), ("_authors", 159), ("_incubator", 4)],
    ),
    (
        "e8a8a0216b506809061264a18afcfb3d5203f6d6",
        &[
            ("content/_startups", 329),
            ("content/_authors", 1380),
            ("content/_incubators", 16),
            ("content/_organisations", 76),
        ],
    ),
    (
        "83370e47b81eb9bd17a4521e778598f2e7ed0ac7",
        &[
            ("content/_startups", 662),
            ("content/_authors", 3484),
            ("content/_incubators", 23),
            ("content/_organisations", 145),
        ],
    ),
];

/// The tree of `commit` unpacked with `git archive` into a new temporary folder.
fn unpack(repo: &Path, commit: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    betagouv_tests::unpack_commit(repo, commit, dir.path());
    dir
}

/// `import` with every path's root (`root`) replaced by `<root>`, so that a git read
/// (`<short>:`) and a folder read (`DIR/`) compare.
fn rooted(mut import: Import, root: &str) -> Import {
    let fix = |p: &mut PathBuf| {
        let s = p.to_string_lossy().into_owned();
        *p = PathBuf::from(s.replacen(root, "<root>", 1));
    };
    for c in &mut import.layout.collections {
        fix(&mut c.dir);
    }
    for f in &mut import.files {
        fix(&mut f.path);
    }
    for p in &mut import.skipped {
        fix(p);
    }
    for d in &mut import.diagnostics {
        if let Some(l) = &mut d.location {
            fix(&mut l.file);
        }
        d.message = d.message.replace(root, "<root>");
    }
    import
}

#[test]
fn commits_of_every_era_read_as_their_checked_out_tree() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let options = ReadOptions::default();
    for (commit, folders) in POINTS {
        let info = repo.resolve(commit).unwrap();
        let git = repo.read_commit(&info.id, &options).unwrap();
        for (folder, n) in folders {
            let prefix = format!("{}:{folder}/", info.id.short());
            let got = git
                .files
                .iter()
                .filter(|f| f.path.to_string_lossy().starts_with(&prefix))
                .count();
            assert_eq!(got, *n, "{commit} {folder}");
        }
        let tree = unpack(path, commit);
        let disk = read_folder(tree.path(), &options).unwrap();
        let disk_root = format!("{}/", tree.path().display());
        let git_root = format!("{}:", info.id.short());
        let (git, disk) = (rooted(git, &git_root), rooted(disk, &disk_root));
        assert_eq!(git.layout, disk.layout, "{commit}");
        assert_eq!(git.portfolio, disk.portfolio, "{commit}");
        assert_eq!(git.files, disk.files, "{commit}");
        assert_eq!(git.diagnostics, disk.diagnostics, "{commit}");
        let at = info.committed_date();
        let o = SnapshotOptions::default();
        assert_eq!(
            Snapshot::compute(&git.portfolio, at, &o),
            Snapshot::compute(&disk.portfolio, at, &o)
        );
    }
}

#[test]
fn the_2016_report_figures_are_those_known_at_2017_04_20() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let known = Revision::KnownAt {
        date: "2017-04-20".parse().unwrap(),
        from: None,
    };
    let info = repo.revision(&known).unwrap();
    let import = repo.read_commit(&info.id, &ReadOptions::default()).unwrap();
    let s = Snapshot::compute(
        &import.portfolio,
        "2016-12-31".parse().unwrap(),
        &SnapshotOptions::default(),
    );
    assert_eq!(
        (
            s.startups.total,
            s.startups.taken_over,
            s.startups.in_handover
        ),
        (33, 8, 3),
        "known at 2017-04-20: {}",
        info.id
    );
}

#[test]
fn the_replay_of_the_first_eras_equals_full_reads_at_sampled_commits() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let head = repo.resolve("HEAD").unwrap();
    let mut chain = repo.first_parent_chain(&head.id).unwrap();
    assert_eq!(chain.commits.len(), 14_615);
    assert_eq!(chain.truncated_at, None);
    chain.commits.reverse();
    // Every era up to the move to `content/` (2018-11-22) and a few weeks after it: the
    // whole history is the benchmark's (a debug build would take minutes).
    let end: chrono::NaiveDate = "2018-12-31".parse().unwrap();
    let sampled: Vec<&str> = POINTS.iter().map(|(c, _)| *c).collect();
    let options = ReadOptions::default();
    let mut replay = betagouv_history::Replay::new(&repo, &options);
    let o = SnapshotOptions::default();
    let mut checked = 0;
    for (i, commit) in chain.commits.iter().enumerate() {
        if commit.committed_date() > end {
            break;
        }
        replay.advance(commit).unwrap();
        // The reference commits, and every 100th.
        if !sampled.contains(&commit.id.to_string().as_str()) && i % 100 != 0 {
            continue;
        }
        let full = repo.read_commit(&commit.id, &options).unwrap();
        let at = commit.committed_date();
        let mut expected = Snapshot::compute(&full.portfolio, at, &o);
        expected.add_problems(&full.diagnostics);
        assert_eq!(replay.snapshot(at, &o), expected, "{}", commit.id);
        assert_eq!(replay.summary(), full.summary(), "{}", commit.id);
        assert_eq!(replay.import(), full, "{}", commit.id);
        checked += 1;
    }
    assert!(checked >= 14, "{checked}");
    // Each blob was read about once: far fewer reads than files over all commits.
    assert!(replay.blobs_read() < 5_000, "{}", replay.blobs_read());
}
