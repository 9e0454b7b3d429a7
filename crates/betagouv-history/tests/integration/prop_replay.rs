//! The incremental replay equals a full read at every commit of generated histories
//! (files added, changed and deleted across the layouts of every era).

use std::path::Path;
use std::process::Command;

use betagouv_content::read::ReadOptions;
use betagouv_history::{Replay, Repository};
use betagouv_portfolio::{ActiveRule, Dashboard, DashboardOptions, Snapshot, SnapshotOptions};
use proptest::prelude::*;

/// Paths across the eras' layouts, plus places that are not collections.
pub(crate) const PATHS: [&str; 20] = [
    "_startups/a.md",
    "_startup/a.md",
    "_startup/b.md",
    "_author/m1.md",
    "_authors/m1.md",
    "_incubator/dinum.md",
    "content/_startups/a.md",
    "content/_startups/b",
    "content/_startups/a",
    "content/_authors/m1.md",
    "content/_authors/m2.md",
    "content/_incubators/dinum.md",
    "content/_organisations/dinum.md",
    "content/_startups/sub/c.md",
    "content/_startups/c.md",
    "content/_startups/d.md",
    "content/_startups/e.md",
    "content/_startups/zz.md",
    "content/README.md",
    "img/a.md",
];

/// File contents: valid and broken records of every kind, with references (the last
/// two: 2026 start-ups with contacts naming members that come and go, and phases after
/// some as-of dates, which the site's rule counts whatever the date).
pub(crate) const CONTENTS: [&str; 14] = [
    "---\ntitle: A\nmission: M\nincubator: dinum\nsponsors:\n  - /organisations/dinum\nphases:\n  - name: construction\n    start: 2016-01-01\n---\nBody\n",
    "---\ntitle: B\nmission: M\nincubator: gone\nphases:\n  - name: opere\n    start: 2015-01-01\n---\n",
    "---\ntitle: C\nmission: M\nstatus: success\nstart: 2016-02-01\nowner: DINUM\n---\n",
    "---\ntitle: D\nstatus: acceleration\n---\n",
    "---\ntitle: [broken\n---\n",
    "no front matter at all\n",
    "---\nfullname: M One\nrole: Dev\nmissions:\n  - start: 2016-01-01\n    end: 2030-01-01\n    status: independent\n    startups: [a, missing]\n---\n",
    "---\nfullname: M Two\nrole: Dev\nstart: 2016-01-01\nend: 2016-01-01\nstartups: [b]\n---\n",
    "---\ntitle: DINUM\ncontact: x@example.org\n---\n",
    "---\nname: DINUM\n---\n",
    "---\ntitle: E\nmission: M\nvocabulary: '2020'\nphases:\n  - name: alumni\n    start: 2017-01-01\n---\n",
    "---\ntitle: ''\nmission: M\nphases:\n  - name: construction\n    start: 2016-02\n  - name: construction\n    start: 2016-13-01\n---\n",
    "---\ntitle: F\nmission: M\nincubator: dinum\ncontact_dinum: m1\ncontact_incubator: m2\nphases:\n  - name: construction\n    start: 2016-01-01\n  - name: abandon\n    start: 2017-06-01\n---\n",
    "---\ntitle: G\nmission: M\ncontact_incubator: nobody\nphases:\n  - name: opere\n    start: 2016-03-01\n  - name: transfere\n    start: 2018-01-01\n---\n",
];

#[derive(Debug, Clone)]
pub(crate) enum Op {
    Put(usize, usize),
    Delete(usize),
}

pub(crate) fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..PATHS.len(), 0..CONTENTS.len()).prop_map(|(p, c)| Op::Put(p, c)),
        1 => (0..PATHS.len()).prop_map(Op::Delete),
    ]
}

/// A repository at `dir` with one commit per op group (one day apart), built by one
/// `git fast-import`.
pub(crate) fn build(dir: &Path, commits: &[Vec<Op>]) {
    let ok = Command::new("git")
        .args(["-c", "init.defaultBranch=main", "init", "-q", "--bare"])
        .arg(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let mut stream = String::new();
    for (i, ops) in commits.iter().enumerate() {
        let t = 1_450_000_000 + 86_400 * i;
        stream.push_str(&format!(
            "commit refs/heads/main\ncommitter T <t@example.org> {t} +0100\ndata 2\nc\n"
        ));
        for op in ops {
            match op {
                Op::Put(p, c) => {
                    let body = CONTENTS[*c];
                    stream.push_str(&format!(
                        "M 100644 inline {}\ndata {}\n{body}\n",
                        PATHS[*p],
                        body.len()
                    ));
                }
                Op::Delete(p) => stream.push_str(&format!("D {}\n", PATHS[*p])),
            }
        }
        stream.push('\n');
    }
    betagouv_tests::fast_import(dir, &stream);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn the_replay_equals_a_full_read_at_every_commit(
        commits in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..10),
        days in prop::collection::vec(0u64..2_000, 1..4),
        lookahead in 0usize..5,
    ) {
        if !betagouv_tests::require_tool("git", &[]) {
            return Ok(());
        }
        let dir = tempfile::tempdir().unwrap();
        build(dir.path(), &commits);
        let repo = Repository::open(dir.path()).unwrap();
        let head = repo.resolve("main").unwrap();
        let mut chain = repo.first_parent_chain(&head.id).unwrap().commits;
        chain.reverse();
        prop_assert_eq!(chain.len(), commits.len());
        let options = ReadOptions::default();
        let mut replay = Replay::new(&repo, &options);
        let o = SnapshotOptions::default();
        for (i, commit) in chain.iter().enumerate() {
            // Decoding ahead (any lookahead, none with 0) changes nothing but speed.
            if lookahead > 0 && i % lookahead == 0 {
                replay.prefetch(&chain[i..(i + lookahead).min(chain.len())]);
            }
            replay.advance(commit).unwrap();
            let full = repo.read_commit(&commit.id, &options).unwrap();
            let at = commit.committed_date();
            let mut expected = Snapshot::compute(&full.portfolio, at, &o);
            expected.add_problems(&full.diagnostics);
            prop_assert_eq!(replay.snapshot(at, &o), expected, "at {}", commit.id);
            let dash = DashboardOptions::default();
            prop_assert_eq!(replay.dashboard(at, &dash), Dashboard::compute(&full.portfolio, at, &dash), "dashboard at {}", commit.id);
            // Other as-of dates, moving back and forth (the dated counts are kept up
            // to date as the date moves forward, rebuilt when it moves back), and
            // another phase rule.
            let start: chrono::NaiveDate = "2015-06-01".parse().unwrap();
            for (i, d) in days.iter().enumerate() {
                let at = start + chrono::Days::new(*d);
                let o = if i % 2 == 0 { o } else { o.with_phase_rule(betagouv_portfolio::PhaseRule::LastListed) };
                let mut expected = Snapshot::compute(&full.portfolio, at, &o);
                expected.add_problems(&full.diagnostics);
                prop_assert_eq!(replay.snapshot(at, &o), expected, "at {} as of {}", commit.id, at);
                let dash = if i % 2 == 0 { DashboardOptions::default() } else { DashboardOptions::default().with_active_rule(ActiveRule::Stage) };
                prop_assert_eq!(replay.dashboard(at, &dash), Dashboard::compute(&full.portfolio, at, &dash), "dashboard at {} as of {}", commit.id, at);
            }
            prop_assert_eq!(replay.summary(), full.summary());
            prop_assert_eq!(replay.import(), full);
        }
    }
}
