//! Incremental replay: one walk of a first-parent chain, oldest to newest, keeping the
//! portfolio of the current commit up to date from tree diffs.
//!
//! At each commit only the collection folders whose tree changed are listed again,
//! only the files whose blob changed are read again, and the counts a snapshot needs
//! (every problem of the import and of [`Portfolio::validate`]) are kept up to date
//! file by file: a file's own problems are computed once per blob, the cross-record
//! ones (duplicate ids, references to missing records) from running counts of ids and
//! references. Nothing is re-read or re-validated as a whole per commit, yet every
//! figure equals reading the commit in full ([`Repository::read_commit`]) and
//! computing its snapshot (a property test checks it at every commit of generated
//! histories).
//!
//! ```no_run
//! use betagouv_history::{Replay, Repository};
//! use betagouv_portfolio::SnapshotOptions;
//! let repo = Repository::open("content-history.git")?;
//! let head = repo.resolve("HEAD")?;
//! let mut chain = repo.first_parent_chain(&head.id)?.commits;
//! chain.reverse(); // oldest first
//! let mut replay = Replay::new(&repo, &Default::default());
//! for commit in &chain {
//!     replay.advance(commit)?;
//!     let s = replay.snapshot(commit.committed_date(), &SnapshotOptions::default());
//!     println!("{} {} start-ups", commit.id.short(), s.startups.total);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::rc::Rc;

use betagouv_content::layout::{Collection, Layout, LayoutKind};
use betagouv_content::read::{AnyRecord, FileRead, Import, ReadOptions};
use betagouv_portfolio::dashboard::{Dashboard, DashboardOptions};
use betagouv_portfolio::{
    Diagnostic, ImportSummary, Member, Portfolio, ProblemCounts, RecordKind, Snapshot,
    SnapshotOptions, Startup, Vocabulary, VocabularyEvidence,
};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};

use crate::commit::{CommitId, CommitInfo};
use crate::dated::{self, Dated};
use crate::error::Result;
use crate::repo::Repository;
use crate::tree::{self, Folder, Listing};

/// What one file contributes, computed once per blob (and path: the path gives the
/// record id).
#[derive(Debug)]
pub(crate) struct Cached {
    /// A number no other read of the replay has (the key of its dated counts).
    pub(crate) serial: u64,
    /// The days its dated contribution may change ([`dated::breakpoints`]).
    pub(crate) breakpoints: Vec<chrono::NaiveDate>,
    /// The file read, its diagnostics located at `<short>:<path>` of the commit it was
    /// first read at (re-rooted when an import is built).
    read: FileRead,
    /// The short id its locations start with.
    root: String,
    /// Counts of `read.diagnostics`.
    import_counts: ProblemCounts,
    /// The record's own problems under each vocabulary ([`Vocabulary::ALL`] order):
    /// [`Portfolio::validate`] of a portfolio holding only this record.
    local: [ProblemCounts; 4],
    /// A start-up's vocabulary evidence.
    evidence: VocabularyEvidence,
    /// The record's kind and id, when the file gave a record.
    id: Option<(RecordKind, String)>,
    /// The references `validate` checks (target kind, id).
    refs: Vec<(RecordKind, String)>,
    /// A start-up's keys of the snapshot's distinct counts: incubators, sponsors, owner.
    keys: Vec<(Distinct, String)>,
}

/// The distinct counts of a snapshot (the discriminant indexes `distinct_counts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Distinct {
    Incubator = 0,
    Sponsor = 1,
    Owner = 2,
}

impl Cached {
    fn new(read: FileRead, root: String, serial: u64) -> Self {
        let import_counts = ProblemCounts::count(&read.diagnostics);
        let mut local = [ProblemCounts::default(); 4];
        let mut evidence = VocabularyEvidence::default();
        let (mut id, mut refs, mut keys) = (None, Vec::new(), Vec::new());
        if let Some(record) = &read.record {
            for (slot, v) in local.iter_mut().zip(Vocabulary::ALL) {
                let mut p = Portfolio::new(v);
                push_record(&mut p, record.clone());
                *slot = ProblemCounts::count(&p.validate());
            }
            match record {
                AnyRecord::Startup(s) => {
                    evidence = VocabularyEvidence::of_record(
                        s.phase_field,
                        s.phases.iter().map(|p| p.name.as_str()),
                    );
                    id = Some((RecordKind::Startup, s.id.as_str().to_owned()));
                    refs = owned(Portfolio::startup_references(s));
                    keys = startup_keys(s);
                }
                AnyRecord::Member(m) => {
                    id = Some((RecordKind::Member, m.id.as_str().to_owned()));
                    refs = owned(Portfolio::member_references(m));
                }
                AnyRecord::Incubator(i) => {
                    id = Some((RecordKind::Incubator, i.id.as_str().to_owned()));
                }
                AnyRecord::Organisation(o) => {
                    id = Some((RecordKind::Organisation, o.id.as_str().to_owned()));
                }
                _ => {}
            }
        }
        let mut c = Self {
            serial,
            breakpoints: Vec::new(),
            read,
            root,
            import_counts,
            local,
            evidence,
            id,
            refs,
            keys,
        };
        c.breakpoints = dated::breakpoints(&c);
        c
    }

    pub(crate) fn startup(&self) -> Option<&Startup> {
        match &self.read.record {
            Some(AnyRecord::Startup(s)) => Some(s),
            _ => None,
        }
    }

    pub(crate) fn member(&self) -> Option<&Member> {
        match &self.read.record {
            Some(AnyRecord::Member(m)) => Some(m),
            _ => None,
        }
    }
}

fn startup_keys(s: &Startup) -> Vec<(Distinct, String)> {
    let incubators = s
        .incubator_ids()
        .map(|i| (Distinct::Incubator, i.as_str().to_owned()));
    let sponsors = s
        .sponsors
        .iter()
        .map(|sp| (Distinct::Sponsor, sp.key().to_owned()));
    let owner = s
        .owner
        .iter()
        .filter(|o| !o.trim().is_empty())
        .map(|o| (Distinct::Owner, o.clone()));
    incubators.chain(sponsors).chain(owner).collect()
}

fn owned<'a>(refs: impl Iterator<Item = (RecordKind, &'a str)>) -> Vec<(RecordKind, String)> {
    refs.map(|(k, id)| (k, id.to_owned())).collect()
}

fn push_record(p: &mut Portfolio, record: AnyRecord) {
    match record {
        AnyRecord::Startup(s) => p.startups.push(s),
        AnyRecord::Member(m) => p.members.push(m),
        AnyRecord::Incubator(i) => p.incubators.push(i),
        AnyRecord::Organisation(o) => p.organisations.push(o),
        _ => {}
    }
}

fn kind_index(kind: RecordKind) -> usize {
    RecordKind::ALL.iter().position(|k| *k == kind).unwrap_or(0)
}

fn vocabulary_index(v: Vocabulary) -> usize {
    Vocabulary::ALL.iter().position(|x| *x == v).unwrap_or(0)
}

fn add_counts(total: &mut ProblemCounts, c: &ProblemCounts, sign: bool) {
    if sign {
        total.errors += c.errors;
        total.warnings += c.warnings;
    } else {
        total.errors = total.errors.saturating_sub(c.errors);
        total.warnings = total.warnings.saturating_sub(c.warnings);
    }
}

/// One collection folder as last listed.
#[derive(Debug)]
struct FolderState {
    folder: Folder,
    /// Its listing's diagnostics and skipped entries (located at `root`).
    listing: Listing,
    /// The short id the listing's locations start with.
    root: String,
    /// The read of each file of `listing.files`, in the same order.
    lives: Vec<Rc<Cached>>,
    /// The folder's tree object as decoded, and where each of its entries starts
    /// (one more offset: the end), when its entries are exactly `listing.files`
    /// (files only, in order); empty otherwise. The next tree of the folder is
    /// compared with it byte by byte, so that only the entries between the common
    /// prefix and suffix are parsed.
    raw: Vec<u8>,
    offsets: Vec<usize>,
}

/// Running counts over the live files.
#[derive(Debug, Default)]
struct Totals {
    /// Import diagnostics of the files.
    import: ProblemCounts,
    /// Import diagnostics of the folder listings.
    listing: ProblemCounts,
    /// Sum of the records' own problems, per vocabulary.
    local: [ProblemCounts; 4],
    evidence: VocabularyEvidence,
    /// Start-up records with a recorded `vocabulary`, by vocabulary.
    recorded: BTreeMap<Vocabulary, usize>,
    /// Records per kind.
    records: [usize; 4],
    /// Records per (kind, id).
    ids: HashMap<(RecordKind, String), usize>,
    /// Duplicate-id errors: the sum over ids of (records - 1).
    duplicates: usize,
    /// References per (target kind, id).
    refs: HashMap<(RecordKind, String), usize>,
    /// References whose target has no record, per target kind.
    dangling: [usize; 4],
    /// Files that gave no record.
    failed: usize,
    /// Start-ups per distinct key (incubator, sponsor, owner).
    distinct: HashMap<(Distinct, String), usize>,
    /// Distinct keys per kind (incubator, sponsor, owner).
    distinct_counts: [usize; 3],
}

impl Totals {
    fn apply(&mut self, c: &Cached, sign: bool) {
        add_counts(&mut self.import, &c.import_counts, sign);
        for (t, l) in self.local.iter_mut().zip(&c.local) {
            add_counts(t, l, sign);
        }
        if sign {
            self.evidence.add(&c.evidence);
        } else {
            self.evidence.remove(&c.evidence);
        }
        if let Some(v) = c.read.source.vocabulary
            && c.startup().is_some()
        {
            let n = self.recorded.entry(v).or_default();
            *n = if sign { *n + 1 } else { n.saturating_sub(1) };
            if *n == 0 {
                self.recorded.remove(&v);
            }
        }
        match &c.id {
            Some(key) => self.record_id(key, sign),
            None if sign => self.failed += 1,
            None => self.failed = self.failed.saturating_sub(1),
        }
        for r in &c.refs {
            self.reference(r, sign);
        }
        for k in &c.keys {
            let slot = k.0 as usize;
            let n = self.distinct.entry(k.clone()).or_default();
            if sign {
                *n += 1;
                if *n == 1 {
                    self.distinct_counts[slot] += 1;
                }
            } else {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.distinct.remove(k);
                    self.distinct_counts[slot] = self.distinct_counts[slot].saturating_sub(1);
                }
            }
        }
    }

    fn distinct(&self, kind: Distinct) -> usize {
        self.distinct_counts[kind as usize]
    }

    fn record_id(&mut self, key: &(RecordKind, String), sign: bool) {
        let k = kind_index(key.0);
        let refs = self.refs.get(key).copied().unwrap_or(0);
        let n = self.ids.entry(key.clone()).or_default();
        if sign {
            *n += 1;
            self.records[k] += 1;
            if *n == 1 {
                self.dangling[k] = self.dangling[k].saturating_sub(refs);
            } else {
                self.duplicates += 1;
            }
        } else {
            *n = n.saturating_sub(1);
            self.records[k] = self.records[k].saturating_sub(1);
            if *n == 0 {
                self.ids.remove(key);
                self.dangling[k] += refs;
            } else {
                self.duplicates = self.duplicates.saturating_sub(1);
            }
        }
    }

    fn reference(&mut self, key: &(RecordKind, String), sign: bool) {
        let k = kind_index(key.0);
        let known = self.ids.contains_key(key);
        let n = self.refs.entry(key.clone()).or_default();
        if sign {
            *n += 1;
        } else {
            *n = n.saturating_sub(1);
        }
        if *n == 0 {
            self.refs.remove(key);
        }
        if !known {
            if sign {
                self.dangling[k] += 1;
            } else {
                self.dangling[k] = self.dangling[k].saturating_sub(1);
            }
        }
    }
}

/// What changed at one step of a replay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// Repository paths of the files removed or replaced (their old version).
    pub removed: Vec<BString>,
    /// Repository paths of the files added or replaced (their new version).
    pub added: Vec<BString>,
    /// Whether a collection folder was listed again (its tree changed).
    pub relisted: bool,
    /// Whether the phase vocabulary changed.
    pub vocabulary_changed: bool,
}

impl Step {
    /// Whether nothing the portfolio depends on changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.added.is_empty() && !self.relisted
    }
}

/// The portfolio of a commit, kept up to date commit after commit (see the module
/// documentation).
pub struct Replay<'r> {
    repo: &'r Repository,
    options: ReadOptions,
    commit: Option<CommitInfo>,
    root_tree: Option<ObjectId>,
    layout: LayoutKind,
    folders: Vec<FolderState>,
    totals: Totals,
    vocabulary: Vocabulary,
    blobs_read: usize,
    /// The dated counts of the last snapshot, kept up to date (interior mutability:
    /// a snapshot is a read of the replay).
    dated: RefCell<Dated>,
    /// Collection trees decoded ahead by [`Replay::prefetch`], by id.
    prefetched: HashMap<ObjectId, Vec<u8>>,
    /// Buffers of trees no longer needed, reused for the next decodes (a tree of a
    /// large folder is about 150 kB: growing a new buffer for each costs more than
    /// decoding it).
    spare: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Replay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replay")
            .field("commit", &self.commit.as_ref().map(|c| c.id))
            .field(
                "files",
                &self.folders.iter().map(|f| f.lives.len()).sum::<usize>(),
            )
            .field("blobs_read", &self.blobs_read)
            .finish_non_exhaustive()
    }
}

impl<'r> Replay<'r> {
    /// A replay of `repo` before any commit (an empty portfolio), reading files with
    /// `options` (its `threads` and `progress` are not used).
    #[must_use]
    pub fn new(repo: &'r Repository, options: &ReadOptions) -> Self {
        let mut options = options.clone();
        options.progress = None;
        Self {
            repo,
            vocabulary: options.vocabulary.unwrap_or(Vocabulary::V2026),
            options,
            commit: None,
            root_tree: None,
            layout: LayoutKind::Empty,
            folders: Vec::new(),
            totals: Totals::default(),
            blobs_read: 0,
            dated: RefCell::new(Dated::default()),
            prefetched: HashMap::new(),
            spare: Vec::new(),
        }
    }

    /// The commit the replay stands at, if any.
    #[must_use]
    pub fn commit(&self) -> Option<&CommitInfo> {
        self.commit.as_ref()
    }

    /// How many blobs were read (parsed) so far: the replay's cost, against the files
    /// of all commits that a full read per commit would parse.
    #[must_use]
    pub fn blobs_read(&self) -> usize {
        self.blobs_read
    }

    /// The phase vocabulary of the current portfolio.
    #[must_use]
    pub fn vocabulary(&self) -> Vocabulary {
        self.vocabulary
    }

    /// Tree `id` decoded into a spare buffer; `None` when it cannot be read or is not
    /// a tree (the general listing reports why).
    fn decode_tree(&mut self, id: ObjectId) -> Option<Vec<u8>> {
        use gix::objs::Find as _;
        let mut buf = self.spare.pop().unwrap_or_default();
        let ok = matches!(
            self.repo.git.objects.try_find(&id, &mut buf),
            Ok(Some(d)) if d.kind == gix::objs::Kind::Tree
        );
        if ok {
            Some(buf)
        } else {
            self.spare.push(buf);
            None
        }
    }

    /// Decodes ahead the collection folder trees of `upcoming`, the next commits the
    /// replay will [`advance`](Replay::advance) to (oldest first), so that the
    /// advances find them decoded. A speed-up only, never needed for a result: packs
    /// store older versions of a tree as deltas against newer ones, and decoding the
    /// newest first lets each delta start from the version decoded just before
    /// (gitoxide's delta-base cache), instead of resolving the whole chain again at
    /// every commit. Blocks of about 64 commits work well; trees not used by the
    /// next advances are dropped at the next prefetch. Objects that cannot be read
    /// are left for the advance to report.
    pub fn prefetch(&mut self, upcoming: &[CommitInfo]) {
        let unused: Vec<Vec<u8>> = self.prefetched.drain().map(|(_, v)| v).collect();
        self.spare.extend(unused);
        let mut seen_roots = std::collections::HashSet::new();
        for commit in upcoming.iter().rev() {
            let Ok(root) = tree::root_tree(self.repo, &commit.id) else {
                continue;
            };
            if !seen_roots.insert(root) || Some(root) == self.root_tree {
                continue;
            }
            let Ok((_, folders)) = tree::folders_of(self.repo, &commit.id, root) else {
                continue;
            };
            for f in folders {
                let current = self.folders.iter().any(|s| s.folder.tree == f.tree);
                if current || self.prefetched.contains_key(&f.tree) {
                    continue;
                }
                if let Some(data) = self.decode_tree(f.tree) {
                    self.prefetched.insert(f.tree, data);
                }
            }
        }
    }

    /// Moves to `commit` (usually the next of a first-parent chain, oldest first, but
    /// any commit works: its collection trees are compared with the current ones).
    ///
    /// # Errors
    ///
    /// [`Error::Object`](crate::Error::Object) when the commit or its root tree cannot
    /// be read (the replay stays at the previous commit). Missing or corrupt objects
    /// below the root are diagnostics, as in [`Repository::read_commit`].
    pub fn advance(&mut self, commit: &CommitInfo) -> Result<Step> {
        let root = tree::root_tree(self.repo, &commit.id)?;
        let mut step = Step::default();
        if self.root_tree != Some(root) {
            let (layout, folders) = tree::folders_of(self.repo, &commit.id, root)?;
            self.layout = layout;
            self.update_folders(&commit.id, folders, &mut step);
            self.root_tree = Some(root);
        }
        self.commit = Some(commit.clone());
        let vocabulary = self.decide_vocabulary();
        step.vocabulary_changed = vocabulary != self.vocabulary;
        self.vocabulary = vocabulary;
        Ok(step)
    }

    fn update_folders(&mut self, commit: &CommitId, folders: Vec<Folder>, step: &mut Step) {
        let mut old: Vec<FolderState> = std::mem::take(&mut self.folders);
        let mut next = Vec::with_capacity(folders.len());
        for folder in folders {
            let same = old
                .iter()
                .position(|s| s.folder.path == folder.path && s.folder.kind == folder.kind);
            let previous = same.map(|i| old.swap_remove(i));
            match previous {
                Some(state) if state.folder.tree == folder.tree => next.push(state),
                Some(state) => {
                    step.relisted = true;
                    let state = match self.relist_blobs(commit, &folder, state, step) {
                        Ok(done) => done,
                        Err(state) => self.relist(commit, folder, Some(*state), step),
                    };
                    next.push(state);
                }
                None => {
                    step.relisted = true;
                    next.push(self.relist(commit, folder, None, step));
                }
            }
        }
        for gone in old {
            step.relisted = true;
            self.drop_folder(gone, step);
        }
        self.folders = next;
    }

    /// Removes every file of `folder` from the totals.
    fn drop_folder(&mut self, folder: FolderState, step: &mut Step) {
        let counts = ProblemCounts::count(&folder.listing.diagnostics);
        add_counts(&mut self.totals.listing, &counts, false);
        for ((_, path, _), cached) in folder.listing.files.into_iter().zip(folder.lives) {
            self.account(&cached, false);
            step.removed.push(path);
        }
    }

    /// The common case of [`Replay::relist`]: a folder holding only files (no
    /// sub-folder, link or submodule, so no listing diagnostic) before and after.
    /// The new tree is compared with the previous one byte by byte: the entries of
    /// the common prefix and suffix are unchanged, and only those between them are
    /// parsed and merged by name. `Err(previous)` when the case does not apply (the
    /// caller lists the folder in full).
    fn relist_blobs(
        &mut self,
        commit: &CommitId,
        folder: &Folder,
        previous: FolderState,
        step: &mut Step,
    ) -> std::result::Result<FolderState, Box<FolderState>> {
        if !previous.listing.diagnostics.is_empty()
            || !previous.listing.skipped.is_empty()
            || previous.offsets.len() != previous.listing.files.len() + 1
        {
            return Err(Box::new(previous));
        }
        let new = match self.prefetched.remove(&folder.tree) {
            Some(data) => data,
            None => match self.decode_tree(folder.tree) {
                Some(data) => data,
                None => return Err(Box::new(previous)),
            },
        };
        let old = &previous.raw;
        let Some(span) = changed_span(old, &new, &previous.offsets) else {
            return Err(Box::new(previous));
        };
        let hash = self.repo.git.object_hash();
        let Some(middle) = span.parse(&new, hash, &previous.listing.files, folder) else {
            return Err(Box::new(previous));
        };
        let old_len = old.len();
        let FolderState {
            listing,
            lives,
            offsets,
            root,
            raw: old_raw,
            ..
        } = previous;
        let mut files = listing.files;
        let mut lives = lives;
        let mut offsets = offsets;
        // The old entries of the span, with their reads, replaced by the new ones.
        let removed_files: Vec<_> = files.splice(span.first..span.end, Vec::new()).collect();
        let removed_lives: Vec<_> = lives.splice(span.first..span.end, Vec::new()).collect();
        let old_span = removed_files.into_iter().zip(removed_lives);
        let (new_files, new_lives, new_offsets) =
            self.merge_span(commit, folder, old_span, middle, step);
        files.splice(span.first..span.first, new_files);
        lives.splice(span.first..span.first, new_lives);
        // Offsets: the prefix's as they were, the span's parsed, the suffix's shifted
        // by the change of length.
        let tail: Vec<usize> = offsets
            .get(span.end..)
            .unwrap_or_default()
            .iter()
            .map(|o| (o + new.len()).saturating_sub(old_len))
            .collect();
        offsets.truncate(span.first);
        offsets.extend(new_offsets);
        offsets.extend(tail);
        self.spare.push(old_raw);
        Ok(FolderState {
            folder: folder.clone(),
            listing: Listing {
                files,
                ..Listing::default()
            },
            root,
            lives,
            raw: new,
            offsets,
        })
    }

    /// Merges the old files of a changed span (`old_span`, with their reads) with the
    /// new tree's entries of the span (`middle`: name, blob, offset), by name: a file
    /// with the same name and blob keeps its read, the others are read or removed.
    /// Gives the span's new files, reads and offsets.
    #[allow(clippy::type_complexity)]
    fn merge_span(
        &mut self,
        commit: &CommitId,
        folder: &Folder,
        old_span: impl Iterator<Item = ((RecordKind, BString, ObjectId), Rc<Cached>)>,
        middle: Vec<(Vec<u8>, ObjectId, usize)>,
        step: &mut Step,
    ) -> (
        Vec<(RecordKind, BString, ObjectId)>,
        Vec<Rc<Cached>>,
        Vec<usize>,
    ) {
        let mut old_span = old_span.peekable();
        let mut new_files = Vec::with_capacity(middle.len());
        let mut new_lives = Vec::with_capacity(middle.len());
        let mut new_offsets = Vec::with_capacity(middle.len());
        for (name, oid, offset) in middle {
            while let Some(((_, p, _), _)) = old_span.peek()
                && p.get(folder.path.len() + 1..)
                    .is_some_and(|n| n < name.as_slice())
            {
                if let Some(((_, p, _), cached)) = old_span.next() {
                    self.account(&cached, false);
                    step.removed.push(p);
                }
            }
            let same_name = old_span.peek().is_some_and(|((_, p, _), _)| {
                p.get(folder.path.len() + 1..) == Some(name.as_slice())
            });
            new_offsets.push(offset);
            if same_name && let Some(((k, p, o), cached)) = old_span.next() {
                if o == oid {
                    new_files.push((k, p, o));
                    new_lives.push(cached);
                    continue;
                }
                self.account(&cached, false);
                step.removed.push(p);
            }
            let mut path = BString::from(folder.path);
            path.push(b'/');
            path.extend_from_slice(&name);
            let read = tree::read_blob(
                self.repo,
                commit,
                folder.kind,
                path.as_ref(),
                oid,
                &self.options,
            );
            self.blobs_read += 1;
            let c = Rc::new(Cached::new(read, commit.short(), self.blobs_read as u64));
            self.account(&c, true);
            step.added.push(path.clone());
            new_files.push((folder.kind, path, oid));
            new_lives.push(c);
        }
        for ((_, p, _), cached) in old_span {
            self.account(&cached, false);
            step.removed.push(p);
        }
        (new_files, new_lives, new_offsets)
    }

    /// Lists `folder` again and updates the totals from its `previous` state: files
    /// with the same path and blob keep their read; the others are read (new) or
    /// removed. Both listings are sorted by path: one merge pass.
    fn relist(
        &mut self,
        commit: &CommitId,
        folder: Folder,
        previous: Option<FolderState>,
        step: &mut Step,
    ) -> FolderState {
        let mut listing = Listing::default();
        tree::list_folder(self.repo, commit, &folder, &mut listing);
        add_counts(
            &mut self.totals.listing,
            &ProblemCounts::count(&listing.diagnostics),
            true,
        );
        let (old_files, old_lives) = match previous {
            Some(p) => {
                let counts = ProblemCounts::count(&p.listing.diagnostics);
                add_counts(&mut self.totals.listing, &counts, false);
                (p.listing.files, p.lives)
            }
            None => (Vec::new(), Vec::new()),
        };
        let mut old = old_files.into_iter().zip(old_lives).peekable();
        let mut lives = Vec::with_capacity(listing.files.len());
        for (kind, path, oid) in &listing.files {
            // Files before this path in the old listing are gone.
            while let Some(((_, p, _), _)) = old.peek()
                && p < path
            {
                if let Some(((_, p, _), cached)) = old.next() {
                    self.account(&cached, false);
                    step.removed.push(p);
                }
            }
            let kept = match old.peek() {
                Some(((k, p, o), _)) if p == path => {
                    let same = (k, o) == (kind, oid);
                    let taken = old.next();
                    match taken {
                        Some((_, cached)) if same => Some(cached),
                        Some((_, cached)) => {
                            self.account(&cached, false);
                            step.removed.push(path.clone());
                            None
                        }
                        None => None,
                    }
                }
                _ => None,
            };
            let cached = match kept {
                Some(c) => c,
                None => {
                    let read = tree::read_blob(
                        self.repo,
                        commit,
                        *kind,
                        path.as_ref(),
                        *oid,
                        &self.options,
                    );
                    self.blobs_read += 1;
                    let c = Rc::new(Cached::new(read, commit.short(), self.blobs_read as u64));
                    self.account(&c, true);
                    step.added.push(path.clone());
                    c
                }
            };
            lives.push(cached);
        }
        for ((_, p, _), cached) in old {
            self.account(&cached, false);
            step.removed.push(p);
        }
        let (raw, offsets) = raw_of(self.repo, &folder, &listing);
        FolderState {
            folder,
            listing,
            root: commit.short(),
            lives,
            raw,
            offsets,
        }
    }

    /// Counts (`sign`) or uncounts a live file's read.
    fn account(&mut self, cached: &Rc<Cached>, sign: bool) {
        self.totals.apply(cached, sign);
        let dated = self.dated.get_mut();
        if sign {
            dated.insert(cached);
        } else {
            dated.remove(cached);
        }
    }

    /// The vocabulary [`Import::assemble`] decides: the option, else the most common
    /// recorded one, else detected.
    fn decide_vocabulary(&self) -> Vocabulary {
        if let Some(v) = self.options.vocabulary {
            return v;
        }
        match self.totals.recorded.iter().max_by_key(|(_, n)| **n) {
            Some((v, _)) => *v,
            None => self.totals.evidence.vocabulary(),
        }
    }

    /// Whether the `vocabulary-conflict` warning is given.
    fn vocabulary_conflict(&self) -> bool {
        let recorded: usize = self.totals.recorded.values().sum();
        self.options.vocabulary.is_none()
            && recorded > 0
            && (self.totals.recorded.len() > 1
                || recorded < self.totals.records[kind_index(RecordKind::Startup)])
    }

    /// Every problem of the current commit counted: the import's (files, folder
    /// listings, vocabulary) and [`Portfolio::validate`]'s.
    #[must_use]
    pub fn problem_counts(&self) -> ProblemCounts {
        let t = &self.totals;
        let mut c = t.import;
        add_counts(&mut c, &t.listing, true);
        c.warnings += usize::from(self.vocabulary_conflict());
        add_counts(&mut c, &t.local[vocabulary_index(self.vocabulary)], true);
        c.errors += t.duplicates;
        for k in [
            RecordKind::Incubator,
            RecordKind::Organisation,
            RecordKind::Startup,
            RecordKind::Member,
        ] {
            let i = kind_index(k);
            if t.records[i] > 0 {
                c.warnings += t.dangling[i];
            }
        }
        c
    }

    /// The import's counts at the current commit, as [`Import::summary`] gives them.
    #[must_use]
    pub fn summary(&self) -> ImportSummary {
        let t = &self.totals;
        let mut import = t.import;
        add_counts(&mut import, &t.listing, true);
        import.warnings += usize::from(self.vocabulary_conflict());
        let skipped: usize = self.folders.iter().map(|f| f.listing.skipped.len()).sum();
        let files: usize = self.folders.iter().map(|f| f.lives.len()).sum();
        ImportSummary {
            files: files + skipped,
            records: t.records.iter().sum(),
            dropped_files: t.failed + skipped,
            errors: import.errors,
            warnings: import.warnings,
        }
    }

    /// The snapshot at `at` of the current commit, with every problem counted: equal
    /// to [`Snapshot::compute`] on the commit's import plus
    /// [`Snapshot::add_problems`] of its diagnostics.
    #[must_use]
    pub fn snapshot(&self, at: chrono::NaiveDate, options: &SnapshotOptions) -> Snapshot {
        let lives = || self.folders.iter().flat_map(|f| f.lives.iter());
        let mut s = match self.dated.try_borrow_mut() {
            Ok(mut dated) => {
                let (startups, members) =
                    dated.at(at, options.phase_rule, self.vocabulary, lives());
                let mut s = Snapshot::dated(self.vocabulary, [], [], at, options);
                s.startups = startups;
                s.members = members;
                s
            }
            // Only when called from inside a snapshot (never): count without the cache.
            Err(_) => Snapshot::dated(
                self.vocabulary,
                lives().filter_map(|c| c.startup()),
                lives().filter_map(|c| c.member()),
                at,
                options,
            ),
        };
        s.incubators = self.totals.distinct(Distinct::Incubator);
        s.sponsors = self.totals.distinct(Distinct::Sponsor);
        s.owners = self.totals.distinct(Distinct::Owner);
        s.problems = self.problem_counts();
        s
    }

    /// The dashboard at `at` of the current commit: equal to [`Dashboard::compute`] on
    /// the commit's import (its records, whatever the folder they were read from).
    #[must_use]
    pub fn dashboard(&self, at: chrono::NaiveDate, options: &DashboardOptions) -> Dashboard {
        let lives = || self.folders.iter().flat_map(|f| f.lives.iter());
        Dashboard::of_records(
            self.vocabulary,
            lives().filter_map(|c| c.startup()),
            lives().filter_map(|c| c.member()),
            at,
            options,
        )
    }

    /// The import of the current commit, as [`Repository::read_commit`] gives it
    /// (built from the cached reads; costs a copy of every record).
    #[must_use]
    pub fn import(&self) -> Import {
        let Some(commit) = &self.commit else {
            return Import::assemble(
                &PathBuf::new(),
                Layout {
                    kind: LayoutKind::Empty,
                    collections: Vec::new(),
                },
                Vec::new(),
                Vec::new(),
                Vec::new(),
                &self.options,
            );
        };
        let short = commit.id.short();
        let mut diagnostics = Vec::new();
        let mut skipped = Vec::new();
        for f in &self.folders {
            diagnostics.extend(
                f.listing
                    .diagnostics
                    .iter()
                    .map(|d| rerooted(d, &f.root, &short)),
            );
            skipped.extend(
                f.listing
                    .skipped
                    .iter()
                    .map(|p| reroot_path(p, &f.root, &short)),
            );
        }
        let reads = self.folders.iter().flat_map(|f| {
            f.listing
                .files
                .iter()
                .zip(&f.lives)
                .map(|((kind, path, _), cached)| {
                    let mut read = cached.read.clone();
                    for d in &mut read.diagnostics {
                        *d = rerooted(d, &cached.root, &short);
                    }
                    (*kind, tree::located(&commit.id, path.as_ref()), read)
                })
        });
        let layout = Layout {
            kind: self.layout,
            collections: self
                .folders
                .iter()
                .map(|f| Collection {
                    kind: f.folder.kind,
                    dir: tree::located(&commit.id, f.folder.path.into()),
                })
                .collect(),
        };
        Import::assemble(
            &tree::root_of(&commit.id),
            layout,
            reads.collect::<Vec<_>>(),
            diagnostics,
            skipped,
            &self.options,
        )
    }

    /// The live files: repository path, kind, and read (its record and import
    /// diagnostics, located at the commit it was first read at), in read order.
    pub fn files(&self) -> impl Iterator<Item = (&gix::bstr::BStr, RecordKind, &FileRead)> {
        self.folders.iter().flat_map(|f| {
            f.listing
                .files
                .iter()
                .zip(&f.lives)
                .map(|((kind, path, _), c)| (path.as_bstr(), *kind, &c.read))
        })
    }

    /// The live file at repository path `path`: its kind and read (as in
    /// [`Replay::files`]).
    #[must_use]
    pub fn file(&self, path: &gix::bstr::BStr) -> Option<(RecordKind, &FileRead)> {
        self.folders.iter().find_map(|f| {
            let i = f
                .listing
                .files
                .binary_search_by(|(_, p, _)| p.as_bstr().cmp(path))
                .ok()?;
            let (kind, _, _) = f.listing.files.get(i)?;
            Some((*kind, &f.lives.get(i)?.read))
        })
    }

    /// The diagnostics of the collection folders' listings (sub-folders, links,
    /// unreadable trees), located at the commit each folder was last listed at.
    pub fn folder_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.folders
            .iter()
            .flat_map(|f| f.listing.diagnostics.iter())
    }

    /// Whether the import of the current commit has the `vocabulary-conflict` warning.
    #[must_use]
    pub fn has_vocabulary_conflict(&self) -> bool {
        self.vocabulary_conflict()
    }
}

/// The entries of a folder's new tree that differ from its old one: old entries
/// `first..end` (by index) are replaced by the new tree's bytes `start..stop`.
#[derive(Debug, Clone, Copy)]
struct Span {
    first: usize,
    end: usize,
    start: usize,
    stop: usize,
}

/// The span of entries of `new` not in the byte-wise common prefix or suffix of `old`
/// and `new`, with `offsets` the entry starts of `old` (and its end). `None` when the
/// trees are the same bytes (nothing to do is not this function's case).
fn changed_span(old: &[u8], new: &[u8], offsets: &[usize]) -> Option<Span> {
    let prefix = common_prefix(old, new);
    let room = old.len().min(new.len()) - prefix;
    let suffix = common_suffix(old, new).min(room);
    let entries = offsets.len().checked_sub(1)?;
    // The first old entry not wholly in the prefix, and the first wholly in the suffix.
    let first = offsets
        .get(1..)?
        .partition_point(|end| *end <= prefix)
        .min(entries);
    let suffix_start = old.len() - suffix;
    let end = offsets
        .get(..entries)?
        .partition_point(|start| *start < suffix_start)
        .max(first);
    let start = *offsets.get(first)?;
    let stop = (*offsets.get(end)? + new.len()).checked_sub(old.len())?;
    (start <= stop).then_some(Span {
        first,
        end,
        start,
        stop,
    })
}

/// The length of the longest common prefix of `a` and `b`: compared by blocks
/// (a slice comparison is a `memcmp`), then byte by byte in the first block that
/// differs.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a.get(i..i + BLOCK) == b.get(i..i + BLOCK) {
        i += BLOCK;
    }
    i + a
        .get(i..n)
        .unwrap_or_default()
        .iter()
        .zip(b.get(i..n).unwrap_or_default())
        .take_while(|(x, y)| x == y)
        .count()
}

/// The length of the longest common suffix of `a` and `b` (as [`common_prefix`]).
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let (ea, eb) = (a.len(), b.len());
    let mut i = 0;
    while i + BLOCK <= n && a.get(ea - i - BLOCK..ea - i) == b.get(eb - i - BLOCK..eb - i) {
        i += BLOCK;
    }
    i + a
        .get(..ea - i)
        .unwrap_or_default()
        .iter()
        .rev()
        .zip(b.get(..eb - i).unwrap_or_default().iter().rev())
        .take(n - i)
        .take_while(|(x, y)| x == y)
        .count()
}

impl Span {
    /// The new tree's entries of the span: (name, blob id, offset), checked to be
    /// files in strictly increasing name order between the unchanged neighbours, and
    /// to end exactly where the common suffix starts; `None` otherwise.
    fn parse(
        &self,
        new: &[u8],
        hash: gix::hash::Kind,
        old_files: &[(RecordKind, BString, ObjectId)],
        folder: &Folder,
    ) -> Option<Vec<(Vec<u8>, ObjectId, usize)>> {
        let name_at =
            |i: usize| -> Option<&[u8]> { old_files.get(i)?.1.get(folder.path.len() + 1..) };
        let bytes = new.get(self.start..self.stop)?;
        let mut out: Vec<(Vec<u8>, ObjectId, usize)> = Vec::new();
        let mut offset = self.start;
        let mut rest = bytes;
        while !rest.is_empty() {
            let (e, used) = next_entry(rest, hash)?;
            if !e.mode.is_blob() {
                return None;
            }
            let name = e.filename.as_bytes().to_vec();
            let ordered = match out.last() {
                Some((last, _, _)) => last.as_slice() < name.as_slice(),
                None => {
                    self.first == 0 || name_at(self.first - 1).is_some_and(|p| p < name.as_slice())
                }
            };
            if !ordered {
                return None;
            }
            out.push((name, e.oid.to_owned(), offset));
            offset += used;
            rest = rest.get(used..)?;
        }
        let before_suffix = match (out.last(), name_at(self.end)) {
            (Some((last, _, _)), Some(next)) => last.as_slice() < next,
            _ => true,
        };
        before_suffix.then_some(out)
    }
}

/// The first entry of tree bytes `rest` (`<mode> <name>\0<id>`) and its length.
fn next_entry(
    rest: &[u8],
    hash: gix::hash::Kind,
) -> Option<(gix::objs::tree::EntryRef<'_>, usize)> {
    let nul = rest.iter().position(|b| *b == 0)?;
    let used = nul + 1 + hash.len_in_bytes();
    let entry = gix::objs::TreeRefIter::from_bytes(rest.get(..used)?, hash)
        .next()?
        .ok()?;
    Some((entry, used))
}

/// A folder's tree bytes and entry offsets, when `listing` is exactly its entries
/// (files only, no listing diagnostic); empty otherwise.
fn raw_of(repo: &Repository, folder: &Folder, listing: &Listing) -> (Vec<u8>, Vec<usize>) {
    if !listing.diagnostics.is_empty() || !listing.skipped.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let Ok(tree) = repo.git.find_tree(folder.tree) else {
        return (Vec::new(), Vec::new());
    };
    let data = tree.detach().data;
    let hash = repo.git.object_hash();
    let mut offsets = Vec::with_capacity(listing.files.len() + 1);
    let mut rest: &[u8] = &data;
    let prefix = folder.path.len() + 1;
    for (_, path, oid) in &listing.files {
        offsets.push(data.len() - rest.len());
        match next_entry(rest, hash) {
            Some((e, used))
                if e.mode.is_blob()
                    && path.get(prefix..) == Some(e.filename.as_bytes())
                    && e.oid == oid.as_ref() =>
            {
                rest = rest.get(used..).unwrap_or_default();
            }
            _ => return (Vec::new(), Vec::new()),
        }
    }
    if !rest.is_empty() {
        return (Vec::new(), Vec::new());
    }
    offsets.push(data.len());
    (data, offsets)
}

/// `d` with its location's `<from>:` root replaced by `<to>:`.
fn rerooted(d: &Diagnostic, from: &str, to: &str) -> Diagnostic {
    let mut d = d.clone();
    if from != to
        && let Some(l) = &mut d.location
    {
        l.file = reroot_path(&l.file, from, to);
    }
    d
}

fn reroot_path(p: &std::path::Path, from: &str, to: &str) -> PathBuf {
    let bytes = p.as_os_str().as_encoded_bytes();
    match bytes.strip_prefix(from.as_bytes()) {
        Some(rest) if from != to => {
            let mut s = std::ffi::OsString::from(to);
            s.push(
                gix::path::from_byte_slice(rest)
                    .map(|p| p.as_os_str().to_owned())
                    .unwrap_or_default(),
            );
            PathBuf::from(s)
        }
        _ => p.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive_prefix(a: &[u8], b: &[u8]) -> usize {
        a.iter().zip(b).take_while(|(x, y)| x == y).count()
    }

    fn naive_suffix(a: &[u8], b: &[u8]) -> usize {
        a.iter()
            .rev()
            .zip(b.iter().rev())
            .take_while(|(x, y)| x == y)
            .count()
    }

    proptest! {
        #[test]
        fn block_comparisons_equal_byte_by_byte_ones(
            common in prop::collection::vec(0u8..3, 0..900),
            a in prop::collection::vec(0u8..3, 0..600),
            b in prop::collection::vec(0u8..3, 0..600),
            tail in prop::collection::vec(0u8..3, 0..900),
        ) {
            let x: Vec<u8> = common.iter().chain(&a).chain(&tail).copied().collect();
            let y: Vec<u8> = common.iter().chain(&b).chain(&tail).copied().collect();
            prop_assert_eq!(common_prefix(&x, &y), naive_prefix(&x, &y));
            prop_assert_eq!(common_suffix(&x, &y), naive_suffix(&x, &y));
            prop_assert_eq!(common_prefix(&x, &x), x.len());
            prop_assert_eq!(common_suffix(&x, &x), x.len());
        }
    }
}
