//! Data-quality blame: against full reads of every commit of generated histories, and
//! over the last months of the shared bundle.

use std::collections::HashMap;

use betagouv_content::read::ReadOptions;
use betagouv_history::blame::{self, ProblemKey, current_problems};
use betagouv_history::{CommitInfo, Repository};
use proptest::prelude::*;

use crate::prop_replay::{Op, build, op};

/// The problems of each commit of `chain` by a full read, counted by identity.
fn counts(repo: &Repository, chain: &[CommitInfo]) -> Vec<HashMap<ProblemKey, usize>> {
    chain
        .iter()
        .map(|c| {
            let import = repo.read_commit(&c.id, &ReadOptions::default()).unwrap();
            let mut m = HashMap::new();
            for (_, key) in current_problems(&import) {
                *m.entry(key).or_insert(0) += 1;
            }
            m
        })
        .collect()
}

/// The first commit of the current presence of the `level`-th problem of `key` (from
/// 1), by the full reads: the oldest commit from which every commit has at least
/// `level` of them.
fn expected_since(counts: &[HashMap<ProblemKey, usize>], key: &ProblemKey, level: usize) -> usize {
    let has = |i: usize| counts[i].get(key).copied().unwrap_or(0) >= level;
    let mut i = counts.len() - 1;
    while i > 0 && has(i - 1) {
        i -= 1;
    }
    i
}

fn check_history(commits: &[Vec<Op>]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), commits);
    let repo = Repository::open(dir.path()).unwrap();
    let head = repo.resolve("main").unwrap();
    let mut chain = repo.first_parent_chain(&head.id).unwrap().commits;
    chain.reverse();
    let counts = counts(&repo, &chain);
    let b = blame::blame(&repo, &head, None, &ReadOptions::default()).unwrap();
    prop_assert_eq!(b.commits, chain.len());
    // The problems at the revision: those of a full read, as a multiset of identities.
    let last = counts.last().unwrap();
    let mut got: HashMap<ProblemKey, usize> = HashMap::new();
    for p in &b.problems {
        *got.entry(p.key.clone()).or_insert(0) += 1;
    }
    prop_assert_eq!(&got, last);
    // Each first seen: the start of the presence of its level.
    let index: HashMap<_, _> = chain.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut level: HashMap<&ProblemKey, usize> = HashMap::new();
    let mut seen: Vec<(&ProblemKey, usize)> = b
        .problems
        .iter()
        .map(|p| (&p.key, index[&p.first_seen.commit]))
        .collect();
    seen.sort();
    for (key, since) in seen {
        let n = level.entry(key).or_insert(0);
        *n += 1;
        prop_assert_eq!(since, expected_since(&counts, key, *n), "{:?} #{}", key, n);
    }
    // Fixed: each level reached in the range above the final count, gone after its
    // last commit.
    let mut fixed: HashMap<&ProblemKey, Vec<(usize, usize)>> = HashMap::new();
    for f in &b.fixed {
        let (l, x) = (index[&f.last_seen.commit], index[&f.fixed_in.commit]);
        fixed.entry(&f.key).or_default().push((l, x));
    }
    let mut expected: HashMap<&ProblemKey, Vec<(usize, usize)>> = HashMap::new();
    for key in counts.iter().flat_map(HashMap::keys) {
        if expected.contains_key(key) {
            continue;
        }
        let of = |i: usize| counts[i].get(key).copied().unwrap_or(0);
        let max = (0..counts.len()).map(of).max().unwrap_or(0);
        let mut gone: Vec<(usize, usize)> = (of(counts.len() - 1) + 1..=max)
            .map(|lvl| {
                let l = (0..counts.len()).rev().find(|i| of(*i) >= lvl).unwrap();
                (l, l + 1)
            })
            .collect();
        if !gone.is_empty() {
            gone.sort_unstable();
            expected.insert(key, gone);
        }
    }
    for v in fixed.values_mut() {
        v.sort_unstable();
    }
    prop_assert_eq!(fixed, expected);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn blame_agrees_with_full_reads_of_every_commit(
        commits in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..10)
    ) {
        if !betagouv_tests::require_tool("git", &[]) {
            return Ok(());
        }
        check_history(&commits)?;
    }
}

#[test]
fn a_problem_moved_to_the_renamed_folder_keeps_its_first_commit() {
    if !betagouv_tests::require_tool("git", &[]) {
        return;
    }
    // CONTENTS[3]: a start-up without mission (field-required) and without start
    // (status-without-start); CONTENTS[0] a fine one.
    let commits = vec![
        vec![Op::Put(1, 0)],
        vec![Op::Put(1, 3)],
        vec![Op::Delete(1), Op::Put(6, 3)],
        vec![Op::Put(6, 0)],
    ];
    check_history(&commits).unwrap();
    let dir = tempfile::tempdir().unwrap();
    build(dir.path(), &commits);
    let repo = Repository::open(dir.path()).unwrap();
    let head = repo.resolve("main~1").unwrap();
    let b = blame::blame(&repo, &head, None, &ReadOptions::default()).unwrap();
    let second = repo.resolve("main~2").unwrap();
    let missing = b
        .problems
        .iter()
        .find(|p| p.key.rule == "field-required")
        .unwrap();
    assert_eq!(
        missing.first_seen.commit,
        repo.resolve("main~2").unwrap().id
    );
    assert_eq!(missing.key.field.as_deref(), Some("mission"));
    assert!(missing.diagnostic.location.as_ref().is_some_and(|l| {
        l.file
            .to_string_lossy()
            .ends_with(":content/_startups/a.md")
    }));
    // Since the third commit: present from its start.
    let b = blame::blame(&repo, &head, Some(&head.id), &ReadOptions::default()).unwrap();
    assert!(b.problems.iter().all(|p| p.first_seen.commit == head.id));
    // Fixed at HEAD, with the commit before as last seen.
    let head = repo.resolve("main").unwrap();
    let b = blame::blame(&repo, &head, Some(&second.id), &ReadOptions::default()).unwrap();
    let f = b
        .fixed
        .iter()
        .find(|f| f.key.rule == "field-required")
        .unwrap();
    assert_eq!(
        (f.last_seen.commit, f.fixed_in.commit),
        (repo.resolve("main~1").unwrap().id, head.id)
    );
    // A `since` off the chain is refused.
    let e = blame::blame(&repo, &second, Some(&head.id), &ReadOptions::default()).unwrap_err();
    assert!(
        e.to_string().contains("not on the first-parent chain"),
        "{e}"
    );
}

#[test]
fn the_last_months_of_the_shared_history() {
    let Some(path) = betagouv_tests::history_repo() else {
        return;
    };
    let repo = Repository::open(path).unwrap();
    let head = repo.resolve("HEAD").unwrap();
    let since = repo.known_at("2025-12-01".parse().unwrap(), None).unwrap();
    let b = blame::blame(&repo, &head, Some(&since.id), &ReadOptions::default()).unwrap();
    let full = repo.read_commit(&head.id, &ReadOptions::default()).unwrap();
    let problems = current_problems(&full);
    assert_eq!(b.problems.len(), problems.len());
    assert!(b.commits > 10, "{} commits", b.commits);
    assert_eq!(b.since.commit, since.id);
    assert_eq!(b.until.commit, head.id);
    let range = since.committed_at..=head.committed_at;
    assert!(
        b.problems
            .iter()
            .all(|p| range.contains(&p.first_seen.committed_at))
    );
    assert!(
        b.fixed
            .iter()
            .all(|f| f.last_seen.committed_at < f.fixed_in.committed_at
                || f.last_seen.commit != f.fixed_in.commit)
    );
    // The problems fixed in the range (the bundle's HEAD is clean: a few problems
    // left, some fixed since December 2025).
    assert!(!b.fixed.is_empty());
    for f in &b.fixed {
        assert!(range.contains(&f.fixed_in.committed_at), "{f:?}");
        assert_ne!(f.fixed_in.commit, since.id);
        assert!(
            problems.iter().all(|(_, key)| *key != f.key),
            "{f:?} is still there"
        );
    }
}
