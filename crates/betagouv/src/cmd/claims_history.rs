//! `report --git REPO`: the records of the report read from a repository's commit, and
//! the published figures followed over its history.
//!
//! The report crate reads no repository (it stays light): this module walks the
//! first-parent chain of the commit read, oldest first, with
//! [`betagouv_history::Replay`], takes each followed claim's figure at the report's
//! date at every commit ([`betagouv_report::history::snapshot_figure`], the claims
//! check's rule), and hands the report plain data
//! ([`betagouv_report::history::ClaimsHistory`]): the figure as known at the
//! publication date, its change points and the intervals of knowledge over which it
//! equalled the published value.

use betagouv_content::read::ReadOptions;
use betagouv_history::{CommitInfo, Replay, Repository};
use betagouv_portfolio::SnapshotOptions;
use betagouv_portfolio::builtin::PublishedClaim;
use betagouv_report::Lang;
use betagouv_report::history::{self, ClaimHistory, ClaimsHistory, KnownCommit, KnownPoint};
use chrono::NaiveDate;

use super::BoxError;

/// The published claims followed over the first-parent chain of `head`, at `as_of`,
/// against what was known at the end of `published_at` (Europe/Paris).
///
/// # Errors
///
/// A commit of the chain that cannot be read.
pub(crate) fn compute(
    repo: &Repository,
    head: &CommitInfo,
    published: &[PublishedClaim],
    published_at: NaiveDate,
    as_of: NaiveDate,
    lang: Lang,
) -> Result<ClaimsHistory, BoxError> {
    let publication = match repo.known_at(published_at, Some(&head.id.to_string())) {
        Ok(info) => Some(info.id.to_string()),
        Err(betagouv_history::Error::NothingKnownAt { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let mut chain = repo.first_parent_chain(&head.id)?.commits;
    chain.reverse();
    let followed: Vec<&PublishedClaim> = published
        .iter()
        .filter(|c| history::FOLLOWED.contains(&c.key))
        .collect();
    let points = walk(repo, &chain, &followed, as_of)?;
    let claims = followed
        .iter()
        .zip(&points)
        .map(|(c, points)| {
            let label = match lang {
                Lang::Fr => c.label_fr,
                Lang::En => c.label_en,
            };
            ClaimHistory::from_points(c.key, label, c.value, points, publication.as_deref())
        })
        .collect();
    Ok(ClaimsHistory {
        repository: repo.path().display().to_string(),
        published_at,
        as_of,
        publication_commit: publication,
        commits: chain.len(),
        last: chain.last().map(|c| KnownCommit {
            known_at: c.committed_at,
            commit: c.id.to_string(),
        }),
        claims,
    })
}

/// Commits whose trees [`Replay::prefetch`] decodes ahead at once.
const PREFETCH: usize = 64;

/// Every followed claim's figure at `as_of` at every commit of `chain` (oldest first),
/// one incremental replay; a progress bar on a terminal.
fn walk(
    repo: &Repository,
    chain: &[CommitInfo],
    followed: &[&PublishedClaim],
    as_of: NaiveDate,
) -> Result<Vec<Vec<KnownPoint>>, BoxError> {
    let mut points: Vec<Vec<KnownPoint>> = vec![Vec::with_capacity(chain.len()); followed.len()];
    let mut replay = Replay::new(repo, &ReadOptions::default());
    let options = SnapshotOptions::default();
    let bar = super::progress::Bar::new("history");
    for (i, commit) in chain.iter().enumerate() {
        if i % PREFETCH == 0 {
            replay.prefetch(
                chain
                    .get(i..(i + PREFETCH).min(chain.len()))
                    .unwrap_or_default(),
            );
        }
        replay.advance(commit)?;
        let snapshot = replay.snapshot(as_of, &options);
        for (c, series) in followed.iter().zip(points.iter_mut()) {
            if let Some(value) = history::snapshot_figure(c.key, &snapshot) {
                series.push(KnownPoint {
                    known_at: commit.committed_at,
                    commit: commit.id.to_string(),
                    value,
                });
            }
        }
        if i % 64 == 0 {
            bar.update(i + 1, chain.len(), "commits");
        }
    }
    bar.finish();
    Ok(points)
}
