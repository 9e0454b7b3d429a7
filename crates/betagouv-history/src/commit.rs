//! Commits: ids, dates, and the two ways of naming one (a revision, or what was known
//! at the end of a date).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A commit id: 40 hexadecimal digits (SHA-1). Serialised as that text.
///
/// ```
/// use betagouv_history::CommitId;
/// let id: CommitId = "83370e47b81eb9bd17a4521e778598f2e7ed0ac7".parse()?;
/// assert_eq!(id.short(), "83370e47b81e");
/// assert!("83370e4".parse::<CommitId>().is_err());
/// # Ok::<(), betagouv_history::commit::ParseCommitIdError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CommitId(pub(crate) gix::ObjectId);

impl CommitId {
    /// The first 12 hexadecimal digits, as in diagnostic locations (`<short>:<path>`).
    #[must_use]
    pub fn short(&self) -> String {
        let mut s = self.to_string();
        s.truncate(12);
        s
    }
}

impl fmt::Display for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for CommitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommitId({})", self.0)
    }
}

/// A text that is not 40 hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a full commit id (40 hexadecimal digits); resolve abbreviations with Repository::resolve"
)]
pub struct ParseCommitIdError(pub String);

impl FromStr for CommitId {
    type Err = ParseCommitIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 40 {
            return Err(ParseCommitIdError(s.to_owned()));
        }
        gix::ObjectId::from_hex(s.as_bytes())
            .map(CommitId)
            .map_err(|_| ParseCommitIdError(s.to_owned()))
    }
}

impl Serialize for CommitId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CommitId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One commit: its id and dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitInfo {
    /// The commit.
    pub id: CommitId,
    /// When it was committed, with the committer's offset: the instant the repository
    /// knew its content (the date known-at compares).
    pub committed_at: DateTime<FixedOffset>,
    /// When it was authored, with the author's offset.
    pub authored_at: DateTime<FixedOffset>,
    /// Its first parent, if any (the chain history walks).
    pub first_parent: Option<CommitId>,
}

impl CommitInfo {
    /// The Europe/Paris date of [`CommitInfo::committed_at`]: the as-of date a
    /// snapshot of the commit gets by default.
    #[must_use]
    pub fn committed_date(&self) -> NaiveDate {
        betagouv_portfolio::paris::date_at(self.committed_at.with_timezone(&Utc))
    }
}

/// Which commit to read: a revision, or the state of knowledge at the end of a date.
///
/// ```
/// use betagouv_history::Revision;
/// let r = Revision::KnownAt { date: "2017-04-20".parse()?, from: None };
/// assert_eq!(r.to_string(), "known at 2017-04-20 from HEAD");
/// assert_eq!(Revision::Rev("main~3".into()).to_string(), "main~3");
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Revision {
    /// A git revision: a full or abbreviated hash, a ref (`main`, `HEAD`, a tag),
    /// `main~3`, and the rest of `git rev-parse`'s single-commit syntax.
    Rev(String),
    /// The newest commit of the first-parent chain from `from` (default `HEAD`)
    /// committed before the end of `date` in Europe/Paris (see
    /// [`Repository::known_at`](crate::Repository::known_at)).
    KnownAt {
        /// The date.
        date: NaiveDate,
        /// Where the walk starts; `None` for `HEAD`.
        from: Option<String>,
    },
}

impl Default for Revision {
    fn default() -> Self {
        Self::Rev("HEAD".into())
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rev(r) => f.write_str(r),
            Self::KnownAt { date, from } => {
                write!(
                    f,
                    "known at {date} from {}",
                    from.as_deref().unwrap_or("HEAD")
                )
            }
        }
    }
}
