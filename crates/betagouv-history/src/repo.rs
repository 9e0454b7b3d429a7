//! Opening a repository, naming commits, walking the first-parent chain.

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

use crate::commit::{CommitId, CommitInfo, Revision};
use crate::error::{Error, Result, causes};

/// Bytes of delta bases gitoxide keeps decoded: a collection folder's tree is stored
/// as a delta against another version of it, so a walk reading the folder's tree at
/// every commit decodes each base once instead of once per delta.
const PACK_CACHE: usize = 96 * 1024 * 1024;

/// A git repository, bare or not, read through its objects (loose or packed): no
/// checkout, no `git` process, no network.
///
/// ```no_run
/// use betagouv_history::{Repository, Revision};
/// let repo = Repository::open("beta.gouv.fr")?;
/// let commit = repo.revision(&Revision::KnownAt { date: "2017-04-20".parse()?, from: None })?;
/// let import = repo.read_commit(&commit.id, &Default::default())?;
/// println!("{} start-ups known at 2017-04-20", import.portfolio.startups.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Repository {
    pub(crate) git: gix::Repository,
    path: PathBuf,
    /// The commits where a shallow clone's history stops (read once at opening).
    shallow: Vec<gix::ObjectId>,
}

impl std::fmt::Debug for Repository {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repository")
            .field("path", &self.path)
            .finish()
    }
}

/// The first-parent chain of a commit, newest first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Chain {
    /// The commits, newest first.
    pub commits: Vec<CommitInfo>,
    /// Set when the walk stopped before a root commit: the repository is a shallow
    /// clone (or misses a commit), and history before this commit, the oldest of
    /// `commits`, is not known here.
    pub truncated_at: Option<CommitId>,
}

impl Repository {
    /// Opens the repository at `path` (its work tree, its `.git` folder, or a bare
    /// repository).
    ///
    /// # Errors
    ///
    /// [`Error::Open`] when `path` is not a repository that can be opened.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let mut git = gix::open(path).map_err(|e| Error::Open {
            path: path.to_owned(),
            source: e.into(),
        })?;
        // No object cache: a walk reads each tree and blob once (a changed folder has
        // a new tree), so caching whole objects only costs copies.
        git.object_cache_size(0);
        git.objects.set_pack_cache(|| {
            Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
                PACK_CACHE,
            ))
        });
        let shallow = match git.shallow_commits() {
            Ok(Some(list)) => list.iter().copied().collect(),
            _ => Vec::new(),
        };
        Ok(Self {
            git,
            path: path.to_owned(),
            shallow,
        })
    }

    /// The path it was opened at.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the repository is a shallow clone (its history stops before the root).
    #[must_use]
    pub fn is_shallow(&self) -> bool {
        self.git.is_shallow().unwrap_or(false)
    }

    /// The commit `rev` names (`git rev-parse` syntax: full or abbreviated hash, ref,
    /// `main~3`, `HEAD^2`...; a tag is followed to its commit).
    ///
    /// # Errors
    ///
    /// [`Error::Revision`] when `rev` names nothing, several objects, or an object that
    /// is not a commit.
    pub fn resolve(&self, rev: &str) -> Result<CommitInfo> {
        let bad = |reason: String| Error::Revision {
            rev: rev.to_owned(),
            reason,
        };
        let id = self
            .git
            .rev_parse_single(rev)
            .map_err(|e| bad(causes(&e)))?;
        let object = id.object().map_err(|e| bad(causes(&e)))?;
        let commit = object
            .peel_to_commit()
            .map_err(|e| bad(format!("not a commit ({})", causes(&e))))?;
        self.info_of(commit.id)
    }

    /// The commit of `revision`.
    ///
    /// # Errors
    ///
    /// As [`Repository::resolve`] and [`Repository::known_at`].
    pub fn revision(&self, revision: &Revision) -> Result<CommitInfo> {
        match revision {
            Revision::Rev(rev) => self.resolve(rev),
            Revision::KnownAt { date, from } => self.known_at(*date, from.as_deref()),
        }
    }

    /// What the repository knew at the end of `date` (Europe/Paris): walking the
    /// first-parent chain back from `from` (default `HEAD`), the first commit whose
    /// committer time is before midnight ending `date` in Paris.
    ///
    /// - Only first parents are followed: the commits a merge brought in are known
    ///   from the merge's own committer time, the moment they reached the branch.
    /// - Committer times need not increase along the chain (clocks are wrong,
    ///   rebases keep old dates): the walk stops at the first commit at or before the
    ///   end of `date`, so an older commit dated later does not count, and a commit
    ///   dated before the cutoff is taken even when a parent is dated after it.
    ///
    /// - A shallow clone knows only the commits it has: a date before its oldest
    ///   commit gives [`Error::NothingKnownAt`] with `shallow` set, whose message says
    ///   where the history stops ("the repository is a shallow clone; its history
    ///   stops at `<commit>` of `<date>`") and how to fetch the rest; a date within
    ///   the commits it has is known as in the full repository.
    ///
    /// # Errors
    ///
    /// - [`Error::NothingKnownAt`] when every commit of the chain is later than the
    ///   end of `date`: the date is before the root commit (`shallow` false), or before
    ///   where a shallow clone's history stops (`shallow` true).
    /// - [`Error::Object`] when a commit of the chain is missing or cannot be decoded
    ///   (a damaged repository), naming it and its child.
    /// - The errors of [`Repository::resolve`] for `from`.
    pub fn known_at(&self, date: NaiveDate, from: Option<&str>) -> Result<CommitInfo> {
        let from_rev = from.unwrap_or("HEAD");
        let start = self.resolve(from_rev)?;
        let Some(end) = betagouv_portfolio::paris::end_of_day(date) else {
            return Ok(start);
        };
        let mut oldest: Option<CommitInfo> = None;
        for info in self.walk(start.id) {
            let info = info?;
            if info.committed_at.with_timezone(&Utc) < end {
                return Ok(info);
            }
            oldest = Some(info);
        }
        Err(Error::NothingKnownAt {
            date,
            from: from_rev.to_owned(),
            shallow: oldest
                .as_ref()
                .is_some_and(|o| o.first_parent.is_some() && self.is_shallow_boundary(&o.id)),
            oldest: oldest.map(|o| format!("{} of {}", o.id.short(), o.committed_at)),
        })
    }

    /// The first-parent chain from `from`, newest first, to the root commit or to
    /// where the repository's history stops.
    ///
    /// - A shallow clone: the chain ends at the oldest commit the clone has (its
    ///   parents are listed in `.git/shallow`), and [`Chain::truncated_at`] is that
    ///   commit.
    /// - A parent that is missing or cannot be decoded (a damaged repository) ends
    ///   the chain the same way: `truncated_at` is its child, the oldest commit read.
    /// - A complete history ends at a root commit: `truncated_at` is `None`.
    ///
    /// # Errors
    ///
    /// [`Error::Object`] naming `from` when `from` itself cannot be read.
    pub fn first_parent_chain(&self, from: &CommitId) -> Result<Chain> {
        let mut commits: Vec<CommitInfo> = Vec::new();
        for info in self.walk(*from) {
            match info {
                Ok(info) => commits.push(info),
                Err(e) if commits.is_empty() => return Err(e),
                Err(_) => break,
            }
        }
        // The walk ends at a root commit, or before a parent it cannot read.
        let truncated_at = commits
            .last()
            .filter(|c| c.first_parent.is_some())
            .map(|c| c.id);
        Ok(Chain {
            commits,
            truncated_at,
        })
    }

    /// The first-parent chain from `from`, newest first, read lazily, to the root
    /// commit or to where a shallow clone's history stops. A parent that cannot be
    /// read is an [`Error::Object`] naming it and its child, and ends the walk.
    fn walk(&self, from: CommitId) -> impl Iterator<Item = Result<CommitInfo>> + '_ {
        let mut next = Some((from, None::<CommitId>));
        std::iter::from_fn(move || {
            let (id, child) = next.take()?;
            let info = self.info_of(id.0).map_err(|e| match (e, child) {
                (Error::Object { commit, source, .. }, Some(child)) => Error::Object {
                    commit,
                    what: format!("the first parent of commit {child}"),
                    source,
                },
                (e, _) => e,
            });
            if let Ok(i) = &info
                && !self.is_shallow_boundary(&i.id)
            {
                next = i.first_parent.map(|p| (p, Some(i.id)));
            }
            Some(info)
        })
    }

    fn is_shallow_boundary(&self, id: &CommitId) -> bool {
        self.shallow.contains(&id.0)
    }

    /// The info of commit `id`.
    pub(crate) fn info_of(&self, id: gix::ObjectId) -> Result<CommitInfo> {
        let commit = self
            .git
            .find_commit(id)
            .map_err(|e| Error::object(id, "the commit", e))?;
        let decoded = commit
            .decode()
            .map_err(|e| Error::object(id, "the commit", e))?;
        let committer = decoded
            .committer()
            .map_err(|e| Error::object(id, "the committer", e))?;
        let author = decoded
            .author()
            .map_err(|e| Error::object(id, "the author", e))?;
        let committed_at = time_of(committer.time().ok()).ok_or_else(|| {
            Error::object(id, "the committer date", "not a valid date".to_owned())
        })?;
        let authored_at = time_of(author.time().ok()).unwrap_or(committed_at);
        let first_parent = decoded.parents().next().map(CommitId);
        Ok(CommitInfo {
            id: CommitId(id),
            committed_at,
            authored_at,
            first_parent,
        })
    }
}

/// A git time as a date-time with its offset.
fn time_of(t: Option<gix::date::Time>) -> Option<DateTime<FixedOffset>> {
    let t = t?;
    let offset = FixedOffset::east_opt(t.offset).or_else(|| FixedOffset::east_opt(0))?;
    offset.timestamp_opt(t.seconds, 0).single()
}
