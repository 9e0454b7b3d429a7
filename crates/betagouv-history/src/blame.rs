//! Data-quality blame: for each problem of a revision, the commit where it appeared;
//! for each problem of the range gone by the revision, the commit that fixed it.
//!
//! A problem is every diagnostic `content check` reports of its own (not the rule
//! sets of the eras): the import's (files, folder listings, vocabulary), with
//! `duplicate-key` raised to an error, and [`Portfolio::validate`]'s, located at the
//! record's file.
//!
//! **Identity.** A problem keeps its identity ([`ProblemKey`]) from commit to commit by
//! its rule, its record (kind and id) and its field (the top-level key of the record's
//! file it is about): not by line, which moves when lines are added above it, and not by
//! path, which changed when the collection folders were renamed between eras
//! (`_author/` → `_authors/` → `content/_authors/`: the same id in the renamed folder is
//! the same record). A diagnostic without a field is told apart by its message with
//! digits and quoted values (between backquotes or double quotes) removed, so that a
//! value edited in place keeps the problem; a diagnostic without a record (a folder
//! listing's, the vocabulary conflict) also by the last component of its path. Problems
//! with the same identity are counted (a multiset): the `n`-th of an identity is present
//! at a commit when the commit has at least `n` of them.
//!
//! **First seen.** The first commit of the problem's current unbroken presence within
//! the walked range: a problem fixed then reintroduced starts a new presence. A problem
//! present at the start of the range is first seen there (its parent is outside the
//! range). **Fixed**: a problem present at some commit of the range and absent at its
//! end, with the first commit where it was gone for good and the last one where it was
//! seen.
//!
//! The walk is one [`Replay`]: a record's own problems are computed when its file is
//! (re)read, the cross-record ones (`duplicate-id`, `dangling-incubator`,
//! `dangling-sponsor`, `dangling-startup`, `dangling-contact`) kept up to date from
//! running indexes of ids and references; nothing is validated as a whole per commit.
//!
//! ```no_run
//! use betagouv_history::{Repository, blame};
//! let repo = Repository::open("content-history.git")?;
//! let head = repo.resolve("HEAD")?;
//! let since = repo.resolve("HEAD~100")?;
//! let b = blame::blame(&repo, &head, Some(&since.id), &Default::default())?;
//! for p in &b.problems {
//!     println!("{} since {}", p.diagnostic, p.first_seen.commit.short());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use betagouv_content::read::{AnyRecord, FileRead, Import, ReadOptions, file_id};
use betagouv_content::rules;
use betagouv_portfolio::{Diagnostic, Portfolio, RecordKind, Severity, Vocabulary};
use chrono::{DateTime, FixedOffset};
use gix::bstr::{BStr, BString, ByteSlice};
use serde::Serialize;

use crate::commit::{CommitId, CommitInfo};
use crate::error::{Error, Result};
use crate::replay::Replay;
use crate::repo::Repository;

/// Commits whose trees [`Replay::prefetch`] decodes ahead at once.
const PREFETCH: usize = 64;

/// The identity of a problem across commits (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ProblemKey {
    /// The rule id.
    pub rule: String,
    /// The record (kind, id): the diagnostic's, else the one its file would give.
    pub record: Option<(RecordKind, String)>,
    /// The record's field (top-level key), when the diagnostic names one.
    pub field: Option<String>,
    /// Without a field: the message with digits and quoted values removed (and
    /// without a record, the last component of its path first).
    pub detail: Option<String>,
}

impl ProblemKey {
    /// The identity of `d`; `file` is the record kind and id its file would give, for a
    /// diagnostic that names no record.
    #[must_use]
    pub fn of(d: &Diagnostic, file: Option<(RecordKind, &str)>) -> Self {
        let record = d
            .record
            .clone()
            .or_else(|| file.map(|(k, id)| (k, id.to_owned())));
        let detail = d.field.is_none().then(|| {
            let mut detail = String::new();
            if record.is_none()
                && let Some(l) = &d.location
            {
                detail.push_str(last_component(&l.file));
                detail.push(' ');
            }
            detail.push_str(&normalised(&d.message));
            detail
        });
        Self {
            rule: d.rule.clone(),
            record,
            field: d.field.clone(),
            detail,
        }
    }
}

/// The last component of a located path (`<short>:content/_authors/sub` → `sub`; the
/// root `<short>:` → empty).
fn last_component(path: &Path) -> &str {
    let s = path.to_str().unwrap_or_default();
    let s = s.split_once(':').map_or(s, |(_, rest)| rest);
    s.rsplit('/').next().unwrap_or_default()
}

/// `message` without digits and without the text between backquotes or double quotes.
#[must_use]
pub fn normalised(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None if c == '`' || c == '"' => {
                out.push(c);
                quote = Some(c);
            }
            None if c.is_ascii_digit() => {}
            None => out.push(c),
        }
    }
    out
}

/// A commit of the range, as blame outputs name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Seen {
    /// The commit.
    pub commit: CommitId,
    /// Its committer date.
    pub committed_at: DateTime<FixedOffset>,
}

impl From<&CommitInfo> for Seen {
    fn from(c: &CommitInfo) -> Self {
        Self {
            commit: c.id,
            committed_at: c.committed_at,
        }
    }
}

/// A problem of the revision and the first commit of its current presence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlamedProblem {
    /// The diagnostic at the revision (located at `<short>:<path>` of the revision).
    pub diagnostic: Diagnostic,
    /// Its identity.
    pub key: ProblemKey,
    /// The first commit of its current unbroken presence within the range.
    pub first_seen: Seen,
}

/// A problem present in the range and gone at its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedProblem {
    /// Its identity.
    pub key: ProblemKey,
    /// The last commit where it was present.
    pub last_seen: Seen,
    /// The first commit where it was gone for good (the child of `last_seen`).
    pub fixed_in: Seen,
}

/// A blame's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blame {
    /// The first commit of the walked range.
    pub since: Seen,
    /// The revision (the last commit of the range).
    pub until: Seen,
    /// Commits walked.
    pub commits: usize,
    /// The problems at the revision, in `content check`'s order (file, line, column,
    /// rule).
    pub problems: Vec<BlamedProblem>,
    /// The problems fixed in the range, by fix commit then identity.
    pub fixed: Vec<FixedProblem>,
}

/// Blames the problems of `until` over its first-parent chain, from `since` (a commit
/// of that chain; the root commit, or where a shallow history stops, when `None`).
///
/// # Errors
///
/// [`Error::Revision`] when `since` is not on the first-parent chain of `until`;
/// those of [`Repository::first_parent_chain`] and [`Replay::advance`].
pub fn blame(
    repo: &Repository,
    until: &CommitInfo,
    since: Option<&CommitId>,
    options: &ReadOptions,
) -> Result<Blame> {
    let mut chain = repo.first_parent_chain(&until.id)?.commits;
    if let Some(since) = since {
        let Some(at) = chain.iter().position(|c| c.id == *since) else {
            return Err(Error::Revision {
                rev: since.to_string(),
                reason: format!(
                    "it is not on the first-parent chain of {} (the blame's range)",
                    until.id
                ),
            });
        };
        chain.truncate(at + 1);
    }
    chain.reverse();
    blame_commits(repo, &chain, options)
}

/// Blames the problems of the last of `commits` (oldest first, usually a stretch of a
/// first-parent chain) over them.
///
/// # Errors
///
/// Those of [`Replay::advance`]; [`Error::Revision`] for an empty `commits`.
pub fn blame_commits(
    repo: &Repository,
    commits: &[CommitInfo],
    options: &ReadOptions,
) -> Result<Blame> {
    let (Some(first), Some(last)) = (commits.first(), commits.last()) else {
        return Err(Error::Revision {
            rev: String::new(),
            reason: "the blame's range has no commit".into(),
        });
    };
    let mut replay = Replay::new(repo, options);
    let mut tracker = Tracker::default();
    for (index, commit) in commits.iter().enumerate() {
        if index % PREFETCH == 0 {
            let next = commits.get(index..(index + PREFETCH).min(commits.len()));
            replay.prefetch(next.unwrap_or_default());
        }
        let step = replay.advance(commit)?;
        let vocabulary = replay.vocabulary();
        for path in &step.removed {
            tracker.remove(path.as_bstr());
        }
        for path in &step.added {
            if let Some((kind, read)) = replay.file(path.as_bstr()) {
                tracker.add(path.clone(), kind, read, vocabulary);
            }
        }
        if step.vocabulary_changed {
            tracker.revalidate(replay.files().map(|(p, _, r)| (p, r)), vocabulary);
        }
        if step.relisted || index == 0 {
            tracker.set_listing(replay.folder_diagnostics());
        }
        tracker.set_conflict(replay.has_vocabulary_conflict());
        tracker.end_step(index);
    }
    let seen = |i: usize| commits.get(i).map_or_else(|| Seen::from(last), Seen::from);
    let problems = tracker
        .present(&current_problems(&replay.import()))
        .into_iter()
        .map(|(diagnostic, key, i)| BlamedProblem {
            diagnostic,
            key,
            first_seen: seen(i),
        })
        .collect();
    let fixed = tracker
        .fixed()
        .into_iter()
        .map(|(key, last_seen, fixed_in)| FixedProblem {
            key,
            last_seen: seen(last_seen),
            fixed_in: seen(fixed_in),
        })
        .collect();
    Ok(Blame {
        since: Seen::from(first),
        until: Seen::from(last),
        commits: commits.len(),
        problems,
        fixed,
    })
}

/// Every problem of an import with its identity, as `content check` reports its own
/// (import diagnostics with `duplicate-key` as an error, then [`Portfolio::validate`]'s
/// located in the record's file), sorted by location then rule.
#[must_use]
pub fn current_problems(import: &Import) -> Vec<(Diagnostic, ProblemKey)> {
    let kinds: HashMap<&Path, RecordKind> = import
        .files
        .iter()
        .map(|f| (f.path.as_path(), f.kind))
        .collect();
    let mut out = Vec::new();
    for d in &import.diagnostics {
        let file = d.location.as_ref().and_then(|l| {
            let kind = kinds.get(l.file.as_path())?;
            Some((*kind, file_id(&l.file)?))
        });
        let key = ProblemKey::of(d, file);
        let mut d = d.clone();
        if d.rule == rules::DUPLICATE_KEY {
            d.severity = Severity::Error;
        }
        out.push((d, key));
    }
    for d in betagouv_content::check::located_validation(import) {
        let key = ProblemKey::of(&d, None);
        let d = if d.location.is_some() {
            d
        } else {
            d.at("", 0, 0)
        };
        out.push((d, key));
    }
    out.sort_by(|(a, _), (b, _)| {
        a.location
            .cmp(&b.location)
            .then_with(|| a.rule.cmp(&b.rule))
    });
    out
}

/// A record id: its kind and id.
type RecordRef = (RecordKind, String);

/// What one live file contributes.
#[derive(Debug)]
struct FileProblems {
    /// Its import diagnostics' identities.
    import: Vec<ProblemKey>,
    /// Its record's own problems (a one-record [`Portfolio::validate`]).
    local: Vec<ProblemKey>,
    /// Its record.
    id: Option<RecordRef>,
    /// Its references: target, and the `dangling-*` identity they give when the
    /// target is missing.
    refs: Vec<(RecordRef, ProblemKey)>,
}

/// The presence of one identity: the first commit (index in the range) of each of its
/// present occurrences, and the (last seen, fixed in) commits of those gone.
#[derive(Debug, Default)]
struct Presence {
    since: Vec<usize>,
    gone: BTreeMap<usize, (usize, usize)>,
}

/// The running problems of a walk (see the module documentation).
#[derive(Debug, Default)]
struct Tracker {
    files: HashMap<BString, FileProblems>,
    /// Problems per identity now.
    counts: HashMap<ProblemKey, usize>,
    /// The count at the start of the step of the identities touched in it.
    touched: HashMap<ProblemKey, usize>,
    presence: HashMap<ProblemKey, Presence>,
    /// Records per (kind, id).
    ids: HashMap<RecordRef, usize>,
    /// Records per kind ([`RecordKind::ALL`] order).
    kinds: [usize; 4],
    /// The `dangling-*` identities of the references to each target.
    refs: HashMap<RecordRef, Vec<ProblemKey>>,
    /// Targets whose references are counted as dangling.
    dangling: HashSet<RecordRef>,
    /// Targets (and kinds) whose dangling state may have changed in this step.
    dirty: HashSet<RecordRef>,
    dirty_kinds: [bool; 4],
    /// The folder listings' problems.
    listing: Vec<ProblemKey>,
    conflict: bool,
}

fn kind_index(kind: RecordKind) -> usize {
    RecordKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

/// The vocabulary-conflict identity (its message's only variable is a vocabulary).
fn conflict_key() -> ProblemKey {
    ProblemKey {
        rule: rules::VOCABULARY_CONFLICT.into(),
        record: None,
        field: None,
        detail: Some(format!(
            " {}",
            normalised(
                "start-up files record different `vocabulary` values or some record none; using 2026 (the most common)"
            )
        )),
    }
}

/// A record's own problems under `vocabulary`.
fn local_problems(record: &AnyRecord, vocabulary: Vocabulary) -> Vec<ProblemKey> {
    let mut p = Portfolio::new(vocabulary);
    match record.clone() {
        AnyRecord::Startup(s) => p.startups.push(s),
        AnyRecord::Member(m) => p.members.push(m),
        AnyRecord::Incubator(i) => p.incubators.push(i),
        AnyRecord::Organisation(o) => p.organisations.push(o),
        _ => {}
    }
    p.validate()
        .iter()
        .map(|d| ProblemKey::of(d, None))
        .collect()
}

/// A record's id and references, each with the `dangling-*` identity (rule and field as
/// [`Portfolio::validate`] gives them, in its order).
fn references(record: &AnyRecord) -> (Option<RecordRef>, Vec<(RecordRef, ProblemKey)>) {
    let dangling = |holder: &RecordRef, rule: &str, field: &str| ProblemKey {
        rule: rule.into(),
        record: Some(holder.clone()),
        field: Some(field.into()),
        detail: None,
    };
    let target = |(k, id): (RecordKind, &str)| (k, id.to_owned());
    match record {
        AnyRecord::Startup(s) => {
            let holder = (RecordKind::Startup, s.id.as_str().to_owned());
            let incubators = s.incubator_ids().count();
            // The references end with the contacts, in `contact_members` order.
            let mut contacts = s.contact_members().map(|(key, _)| key);
            let refs = Portfolio::startup_references(s)
                .enumerate()
                .map(|(i, r)| {
                    let key = match r.0 {
                        _ if i < incubators => {
                            dangling(&holder, rules::DANGLING_INCUBATOR, "incubator")
                        }
                        RecordKind::Member => dangling(
                            &holder,
                            rules::DANGLING_CONTACT,
                            contacts.next().unwrap_or_default(),
                        ),
                        _ => dangling(&holder, rules::DANGLING_SPONSOR, "sponsors"),
                    };
                    (target(r), key)
                })
                .collect();
            (Some(holder), refs)
        }
        AnyRecord::Member(m) => {
            let holder = (RecordKind::Member, m.id.as_str().to_owned());
            let missions: usize = m.missions.iter().map(|x| x.startups.len()).sum();
            let listed = missions + m.startups.len();
            let refs = Portfolio::member_references(m)
                .enumerate()
                .map(|(i, r)| {
                    let field = if i < missions {
                        "missions"
                    } else if i < listed {
                        "startups"
                    } else {
                        "previously"
                    };
                    (target(r), dangling(&holder, rules::DANGLING_STARTUP, field))
                })
                .collect();
            (Some(holder), refs)
        }
        AnyRecord::Incubator(i) => (Some((RecordKind::Incubator, i.id.as_str().into())), vec![]),
        AnyRecord::Organisation(o) => (
            Some((RecordKind::Organisation, o.id.as_str().into())),
            vec![],
        ),
        _ => (None, Vec::new()),
    }
}

impl Tracker {
    /// Counts one more (`up`) or one less problem of identity `key`.
    fn bump(&mut self, key: &ProblemKey, up: bool) {
        let n = self.counts.entry(key.clone()).or_default();
        let before = *n;
        *n = if up { *n + 1 } else { n.saturating_sub(1) };
        self.touched.entry(key.clone()).or_insert(before);
    }

    fn bump_all(&mut self, keys: &[ProblemKey], up: bool) {
        for k in keys {
            self.bump(k, up);
        }
    }

    /// Adds live file `path` of collection `kind`.
    fn add(&mut self, path: BString, kind: RecordKind, read: &FileRead, vocabulary: Vocabulary) {
        self.remove(path.as_bstr());
        let own = gix::path::from_bstr(path.as_bstr());
        let fallback = own
            .as_ref()
            .ok()
            .and_then(|p| file_id(p.as_ref()))
            .map(|id| (kind, id));
        let import: Vec<ProblemKey> = read
            .diagnostics
            .iter()
            .map(|d| ProblemKey::of(d, fallback))
            .collect();
        let (local, (id, refs)) = match &read.record {
            Some(r) => (local_problems(r, vocabulary), references(r)),
            None => (Vec::new(), (None, Vec::new())),
        };
        self.bump_all(&import, true);
        self.bump_all(&local, true);
        if let Some(id) = &id {
            self.record_id(id, true);
        }
        for (target, key) in &refs {
            self.reference(target, key, true);
        }
        self.files.insert(
            path,
            FileProblems {
                import,
                local,
                id,
                refs,
            },
        );
    }

    /// Removes live file `path` (nothing when it is not live).
    fn remove(&mut self, path: &BStr) {
        let Some(f) = self.files.remove(path) else {
            return;
        };
        self.bump_all(&f.import, false);
        self.bump_all(&f.local, false);
        if let Some(id) = &f.id {
            self.record_id(id, false);
        }
        for (target, key) in &f.refs {
            self.reference(target, key, false);
        }
    }

    /// The records' own problems computed again under `vocabulary`.
    fn revalidate<'a>(
        &mut self,
        files: impl Iterator<Item = (&'a BStr, &'a FileRead)>,
        vocabulary: Vocabulary,
    ) {
        for (path, read) in files {
            let Some(record) = &read.record else { continue };
            let local = local_problems(record, vocabulary);
            let old = match self.files.get_mut(path) {
                Some(f) => std::mem::replace(&mut f.local, local.clone()),
                None => continue,
            };
            self.bump_all(&old, false);
            self.bump_all(&local, true);
        }
    }

    fn record_id(&mut self, id: &RecordRef, up: bool) {
        let k = kind_index(id.0);
        let n = self.ids.entry(id.clone()).or_default();
        let before = *n;
        *n = if up { *n + 1 } else { n.saturating_sub(1) };
        let after = *n;
        if after == 0 {
            self.ids.remove(id);
        }
        self.kinds[k] = if up {
            self.kinds[k] + 1
        } else {
            self.kinds[k].saturating_sub(1)
        };
        // n records with one id give n - 1 duplicate-id errors.
        if before.max(after) >= 2 {
            let key = ProblemKey::of(&duplicate_id(id), None);
            self.bump(&key, up);
        }
        self.dirty.insert(id.clone());
        self.dirty_kinds[k] = true;
    }

    fn reference(&mut self, target: &RecordRef, key: &ProblemKey, up: bool) {
        let list = self.refs.entry(target.clone()).or_default();
        if up {
            list.push(key.clone());
        } else if let Some(i) = list.iter().position(|k| k == key) {
            list.swap_remove(i);
        }
        if list.is_empty() {
            self.refs.remove(target);
        }
        if self.dangling.contains(target) {
            self.bump(key, up);
        }
        self.dirty.insert(target.clone());
    }

    /// Brings the dangling references of the targets touched in the step up to date.
    fn settle_dangling(&mut self) {
        let mut targets: HashSet<RecordRef> = std::mem::take(&mut self.dirty);
        let kinds = std::mem::take(&mut self.dirty_kinds);
        if kinds.iter().any(|d| *d) {
            let all = self.refs.keys().chain(&self.dangling);
            targets.extend(all.filter(|t| kinds[kind_index(t.0)]).cloned());
        }
        for t in targets {
            let now = self.kinds[kind_index(t.0)] > 0 && !self.ids.contains_key(&t);
            let was = self.dangling.contains(&t);
            if now == was {
                continue;
            }
            if now {
                self.dangling.insert(t.clone());
            } else {
                self.dangling.remove(&t);
            }
            let keys = self.refs.get(&t).cloned().unwrap_or_default();
            self.bump_all(&keys, now);
        }
    }

    /// The folder listings' problems, replacing the previous ones.
    fn set_listing<'a>(&mut self, diagnostics: impl Iterator<Item = &'a Diagnostic>) {
        let keys: Vec<ProblemKey> = diagnostics.map(|d| ProblemKey::of(d, None)).collect();
        let old = std::mem::replace(&mut self.listing, keys.clone());
        self.bump_all(&old, false);
        self.bump_all(&keys, true);
    }

    fn set_conflict(&mut self, conflict: bool) {
        if conflict != self.conflict {
            self.conflict = conflict;
            self.bump(&conflict_key(), conflict);
        }
    }

    /// Closes the step of commit `index`: the presences of the identities whose count
    /// changed.
    fn end_step(&mut self, index: usize) {
        self.settle_dangling();
        for (key, before) in std::mem::take(&mut self.touched) {
            let after = self.counts.get(&key).copied().unwrap_or(0);
            if after == 0 {
                self.counts.remove(&key);
            }
            if after == before {
                continue;
            }
            let p = self.presence.entry(key).or_default();
            for level in before + 1..=after {
                p.since.push(index);
                p.gone.remove(&level);
            }
            for level in after + 1..=before {
                p.since.pop();
                p.gone.insert(level, (index.saturating_sub(1), index));
            }
        }
    }

    /// The problems of the revision with their identity and first commit (the `n`-th of
    /// an identity, in order, gets the `n`-th oldest presence).
    fn present(
        &self,
        problems: &[(Diagnostic, ProblemKey)],
    ) -> Vec<(Diagnostic, ProblemKey, usize)> {
        let mut taken: HashMap<&ProblemKey, usize> = HashMap::new();
        problems
            .iter()
            .map(|(d, key)| {
                let n = taken.entry(key).or_default();
                let since = self
                    .presence
                    .get(key)
                    .and_then(|p| p.since.get(*n).copied())
                    // Not tracked (never expected): present only at the revision.
                    .unwrap_or(usize::MAX);
                *n += 1;
                (d.clone(), key.clone(), since)
            })
            .collect()
    }

    /// The problems gone: identity, last seen and fixed-in indexes.
    fn fixed(&self) -> Vec<(ProblemKey, usize, usize)> {
        let mut out: Vec<_> = self
            .presence
            .iter()
            .flat_map(|(key, p)| p.gone.values().map(move |(l, f)| (key.clone(), *l, *f)))
            .collect();
        out.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

/// The `duplicate-id` diagnostic [`Portfolio::validate`] gives for `id`.
fn duplicate_id((kind, id): &RecordRef) -> Diagnostic {
    Diagnostic::new(
        Severity::Error,
        rules::DUPLICATE_ID,
        format!("two {kind} records have the id `{id}`"),
    )
    .for_record(*kind, id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_content::read::read_bytes;

    /// A tracker fed with files by path, one step per call.
    struct Walk {
        t: Tracker,
        step: usize,
    }

    impl Walk {
        fn new() -> Self {
            Self {
                t: Tracker::default(),
                step: 0,
            }
        }

        /// One commit: files removed, then files (path, text) added.
        fn commit(&mut self, removed: &[&str], added: &[(&str, &str)]) {
            for p in removed {
                self.t.remove(BStr::new(p));
            }
            for (p, text) in added {
                let kind = if p.contains("_author") {
                    RecordKind::Member
                } else {
                    RecordKind::Startup
                };
                let read = read_bytes(kind, p, text.as_bytes(), &ReadOptions::default());
                self.t
                    .add(BString::from(*p), kind, &read, Vocabulary::V2020);
            }
            self.t.end_step(self.step);
            self.step += 1;
        }

        /// The first commits of the present problems of `rule`.
        fn since(&self, rule: &str) -> Vec<usize> {
            let mut v: Vec<usize> = self
                .t
                .presence
                .iter()
                .filter(|(k, _)| k.rule == rule)
                .flat_map(|(_, p)| p.since.clone())
                .collect();
            v.sort_unstable();
            v
        }

        fn fixed(&self, rule: &str) -> Vec<(usize, usize)> {
            let f = self.t.fixed();
            f.iter()
                .filter(|(k, _, _)| k.rule == rule)
                .map(|(_, l, x)| (*l, *x))
                .collect()
        }
    }

    const NO_ROLE: &str = "---\nfullname: Ada\nrole: ''\n---\n";
    const NO_ROLE_MOVED: &str = "---\nfullname: Ada\ndomaine: Dev\nteams: [a]\nrole: ''\n---\n";
    const FINE: &str = "---\nfullname: Ada\nrole: Dev\n---\n";

    #[test]
    fn a_problem_keeps_its_first_commit_across_a_folder_rename_and_a_moved_line() {
        let mut w = Walk::new();
        w.commit(&[], &[("_author/ada.md", FINE)]);
        w.commit(&["_author/ada.md"], &[("_author/ada.md", NO_ROLE)]);
        // The 2017 rename, then the 2020 one, then lines added above the key.
        w.commit(&["_author/ada.md"], &[("_authors/ada.md", NO_ROLE)]);
        w.commit(
            &["_authors/ada.md"],
            &[("content/_authors/ada.md", NO_ROLE)],
        );
        w.commit(
            &["content/_authors/ada.md"],
            &[("content/_authors/ada.md", NO_ROLE_MOVED)],
        );
        assert_eq!(w.since(rules::FIELD_REQUIRED), [1]);
        assert!(w.fixed(rules::FIELD_REQUIRED).is_empty());
    }

    #[test]
    fn a_problem_fixed_then_reintroduced_starts_a_new_presence() {
        let mut w = Walk::new();
        w.commit(&[], &[("_authors/ada.md", NO_ROLE)]);
        w.commit(&["_authors/ada.md"], &[("_authors/ada.md", FINE)]);
        assert_eq!(w.fixed(rules::FIELD_REQUIRED), [(0, 1)]);
        w.commit(&["_authors/ada.md"], &[("_authors/ada.md", NO_ROLE)]);
        assert_eq!(w.since(rules::FIELD_REQUIRED), [2]);
        assert!(w.fixed(rules::FIELD_REQUIRED).is_empty(), "present again");
    }

    #[test]
    fn problems_of_one_identity_are_counted_and_cross_record_ones_follow_the_files() {
        let member = "---\nfullname: M\nrole: Dev\nstartups: [a, a]\n---\n";
        let startup = "---\ntitle: A\nmission: M\nstatus: success\nstart: 2016-01-01\n---\n";
        let other = "---\ntitle: B\nmission: M\nstatus: success\nstart: 2016-01-01\n---\n";
        let mut w = Walk::new();
        // No start-up record yet: references are not checked.
        w.commit(&[], &[("_authors/m.md", member)]);
        assert!(w.since(rules::DANGLING_STARTUP).is_empty());
        // A start-up other than `a`: both references dangle (one identity, twice).
        w.commit(&[], &[("_startups/b.md", other)]);
        assert_eq!(w.since(rules::DANGLING_STARTUP), [1, 1]);
        w.commit(&[], &[("_startups/a.md", startup)]);
        assert_eq!(w.fixed(rules::DANGLING_STARTUP), [(1, 2), (1, 2)]);
        // `a` deleted: dangling again; then `a.md` and `a` give a duplicate id.
        w.commit(&["_startups/a.md"], &[]);
        assert_eq!(w.since(rules::DANGLING_STARTUP), [3, 3]);
        w.commit(
            &[],
            &[("_startups/a.md", startup), ("_startups/a", startup)],
        );
        assert_eq!(w.since(rules::DUPLICATE_ID), [4]);
        assert!(w.since(rules::DANGLING_STARTUP).is_empty());
    }

    #[test]
    fn rebuilt_identities_equal_those_of_the_diagnostics() {
        let mut p = Portfolio::new(Vocabulary::V2020);
        let s =
            betagouv_portfolio::Startup::new(betagouv_portfolio::StartupId::new("a").unwrap(), "A");
        p.startups.push(s.clone());
        p.startups.push(s);
        let d = p.validate();
        let dup = d.iter().find(|d| d.rule == rules::DUPLICATE_ID).unwrap();
        let id = (RecordKind::Startup, "a".to_owned());
        assert_eq!(
            ProblemKey::of(dup, None),
            ProblemKey::of(&duplicate_id(&id), None)
        );
        let conflict = Diagnostic::new(
            Severity::Warning,
            rules::VOCABULARY_CONFLICT,
            "start-up files record different `vocabulary` values or some record none; using 2020 (the most common)",
        )
        .at("0123456789ab:", 0, 0);
        assert_eq!(ProblemKey::of(&conflict, None), conflict_key());
    }

    #[test]
    fn identities_ignore_digits_quoted_values_and_the_folder() {
        assert_eq!(
            normalised("mission 2 names start-up `x`, which has \"y\" no record"),
            "mission  names start-up ``, which has \"\" no record"
        );
        let d = |file: &str| {
            Diagnostic::new(Severity::Warning, rules::SUBFOLDER_IGNORED, "a folder").at(file, 0, 0)
        };
        assert_eq!(
            ProblemKey::of(&d("0123456789ab:_authors/sub"), None),
            ProblemKey::of(&d("ba9876543210:content/_authors/sub"), None)
        );
        assert_ne!(
            ProblemKey::of(&d("0123456789ab:_authors/sub"), None),
            ProblemKey::of(&d("0123456789ab:_authors/other"), None)
        );
    }
}
