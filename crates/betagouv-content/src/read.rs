//! Reading files and folders into a portfolio, with an import report.

use std::collections::BTreeSet;
use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use betagouv_portfolio::{
    Diagnostic, ImportSummary, Incubator, IncubatorId, Member, MemberId, Organisation,
    OrganisationId, Portfolio, ProblemCounts, RecordKind, Severity, Startup, StartupId, Value,
    Vocabulary,
};

use crate::error::{Error, Result};
use crate::layout::{Layout, detect_layout};
use crate::record::{self, Ctx};
use crate::rules;
use crate::split::{Decoded, Envelope, EnvelopeError, decode, split};
use crate::yaml::{self, YamlError};

pub use crate::position::{Position, Positions};
pub use crate::yaml::YamlLimits;
pub use betagouv_output::Progress;

/// Default largest file read: 16 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

/// A progress callback: called after each file read, with the files done, the files
/// in all and the name of the file just read as its [`Progress::label`].
pub type ProgressFn = Arc<dyn Fn(Progress<'_>) + Send + Sync>;

/// Knobs of a read: `ReadOptions::default()` and the `with_*` setters.
///
/// Serialised without its progress callback (read back as none).
///
/// ```
/// use betagouv_content::ReadOptions;
/// use betagouv_portfolio::Vocabulary;
/// let options = ReadOptions::default()
///     .with_vocabulary(Vocabulary::V2026)
///     .with_threads(1)
///     .with_max_file_size(1 << 20)
///     .with_progress(|p| assert!(p.done <= p.total));
/// assert_eq!(options.threads, 1);
/// ```
#[derive(Clone, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ReadOptions {
    /// The phase vocabulary to use, instead of the one recorded in the files or detected.
    pub vocabulary: Option<Vocabulary>,
    /// Files larger than this many bytes are not read (reported). Default 16 MiB.
    pub max_file_size: u64,
    /// YAML limits (nesting depth, node budget against alias bombs).
    pub yaml_limits: YamlLimits,
    /// Worker threads (default 2; 1 reads on the calling thread).
    pub threads: usize,
    /// Whether to keep where every key and value of each file is written
    /// ([`SourceInfo::positions`], default `true`), which `content check` needs to
    /// locate its problems. A read for figures only may turn it off: on the 2025
    /// snapshot (4,068 files) it costs about 5 MB of memory (22.6 -> 27.6 MB peak)
    /// and a few per cent of the read's CPU time.
    pub positions: bool,
    /// Progress callback, if any.
    #[serde(skip)]
    pub progress: Option<ProgressFn>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self {
            vocabulary: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            yaml_limits: YamlLimits::default(),
            threads: 2,
            positions: true,
            progress: None,
        }
    }
}

impl ReadOptions {
    /// With `vocabulary` as the phase vocabulary, instead of the one recorded in the
    /// files or detected.
    #[must_use]
    pub fn with_vocabulary(mut self, vocabulary: impl Into<Option<Vocabulary>>) -> Self {
        self.vocabulary = vocabulary.into();
        self
    }

    /// With files over `max_file_size` bytes not read (reported).
    #[must_use]
    pub fn with_max_file_size(mut self, max_file_size: u64) -> Self {
        self.max_file_size = max_file_size;
        self
    }

    /// With the YAML loader's limits.
    #[must_use]
    pub fn with_yaml_limits(mut self, yaml_limits: YamlLimits) -> Self {
        self.yaml_limits = yaml_limits;
        self
    }

    /// With `threads` worker threads (1 reads on the calling thread).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// With the positions of every key and value kept or not
    /// ([`ReadOptions::positions`]).
    #[must_use]
    pub fn with_positions(mut self, positions: bool) -> Self {
        self.positions = positions;
        self
    }

    /// With `progress` called after each file read (from the worker threads).
    #[must_use]
    pub fn with_progress(
        mut self,
        progress: impl Fn(Progress<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }
}

impl fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadOptions")
            .field("vocabulary", &self.vocabulary)
            .field("max_file_size", &self.max_file_size)
            .field("yaml_limits", &self.yaml_limits)
            .field("threads", &self.threads)
            .field("positions", &self.positions)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl PartialEq for ReadOptions {
    /// Equal knobs; progress callbacks are equal when both are absent or both are
    /// the same callback.
    fn eq(&self, other: &Self) -> bool {
        let same_progress = match (&self.progress, &other.progress) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        self.vocabulary == other.vocabulary
            && self.max_file_size == other.max_file_size
            && self.yaml_limits == other.yaml_limits
            && self.threads == other.threads
            && self.positions == other.positions
            && same_progress
    }
}

/// One record of any kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
// A start-up is the largest record by far (over 570 bytes): the value of one file read,
// moved once into its portfolio list; boxing it would cost an allocation per start-up
// and change the variant's type for every caller.
#[allow(clippy::large_enum_variant)]
pub enum AnyRecord {
    /// A start-up.
    Startup(Startup),
    /// A member.
    Member(Member),
    /// An incubator.
    Incubator(Incubator),
    /// An organisation.
    Organisation(Organisation),
}

/// A fact about a file's form that the reader noticed (see [`SourceInfo::flags`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SourceFlag {
    /// The file name ends in `.md` (files without it are read, with a `not-markdown`
    /// warning).
    Markdown,
    /// A UTF-8 byte-order mark was removed (`bom`).
    Bom,
    /// CRLF line endings were read as LF (`crlf`).
    Crlf,
    /// Some date field was a quoted string (`'2019-01-10'`).
    QuotedDates,
}

/// What the reader learnt about one file beyond its record.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SourceInfo {
    /// Top-level keys in file order (duplicates once).
    pub keys: Vec<String>,
    /// Where every key and value of the front matter is written (top-level keys,
    /// list items, mapping entries, to any depth): see [`SourceInfo::locate`].
    pub positions: Positions,
    /// Facts about the file's form: its name ends in `.md`, a BOM was removed, CRLF
    /// endings were read as LF, some date was quoted ([`SourceInfo::has`]).
    pub flags: BTreeSet<SourceFlag>,
    /// Where the first date written as a quoted text is (with
    /// [`SourceFlag::QuotedDates`]).
    pub quoted_date: Option<Position>,
    /// The `vocabulary` key, when the file has one (our extension).
    pub vocabulary: Option<Vocabulary>,
    /// The line of the file where the YAML starts (1-based).
    pub yaml_line: usize,
    /// Key order of the mapping items of the lists read as items, per list key
    /// (`phases`, `events`, `missions`), one key list per item in file order
    /// (duplicates once). Items that are not mappings are not listed, so the lists
    /// line up with the record's phases, events or missions.
    pub item_keys: Vec<(String, Vec<Vec<String>>)>,
    /// Top-level keys a modelled field read as absent or empty (`''`, `null`, an empty
    /// value, `[]`), with their value: the record cannot tell them from missing keys,
    /// so [`write_import`](crate::write::write_import) writes them back from here.
    pub empty_keys: Vec<(String, Value)>,
}

/// One file read: its record (or none, when it could not be read) and its problems.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRead {
    /// The record, when the file could be read.
    pub record: Option<AnyRecord>,
    /// What the reader learnt about the file.
    pub source: SourceInfo,
    /// Problems, located.
    pub diagnostics: Vec<Diagnostic>,
}

/// What became of one file in a folder read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileReport {
    /// The file.
    pub path: PathBuf,
    /// The collection it is in.
    pub kind: RecordKind,
    /// The index of its record in the portfolio's list of that kind; `None` when the file
    /// is an error of the import report (see the diagnostics for that path).
    pub index: Option<usize>,
    /// What the reader learnt about the file.
    pub source: SourceInfo,
}

/// Where the folder's phase vocabulary came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum VocabularySource {
    /// Given by the caller.
    Option,
    /// The `vocabulary` key of the start-up files.
    Recorded,
    /// Detected from the phase names ([`Vocabulary::detect`]).
    Detected,
}

/// A folder read: the portfolio, every file's fate, and every problem.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Import {
    /// The folder's layout.
    pub layout: Layout,
    /// The records.
    pub portfolio: Portfolio,
    /// Where the vocabulary came from.
    pub vocabulary_source: VocabularySource,
    /// Every file of every collection, in read order (collection, then file name).
    pub files: Vec<FileReport>,
    /// Every problem found while reading, in file order.
    pub diagnostics: Vec<Diagnostic>,
    /// Entries of the collection folders that were not read because of an error (a
    /// symbolic link out of the folder or broken, an entry that cannot be inspected):
    /// each has an error among `diagnostics`, and counts as a dropped file.
    pub skipped: Vec<PathBuf>,
}

impl SourceInfo {
    /// Whether the reader noticed `flag` about the file.
    #[must_use]
    pub fn has(&self, flag: SourceFlag) -> bool {
        self.flags.contains(&flag)
    }

    /// The info of a file named `path` before anything is read from it: its
    /// [`SourceFlag::Markdown`] flag.
    fn named(path: &Path) -> Self {
        let mut info = Self::default();
        if path.extension().is_some_and(|e| e == "md") {
            info.flags.insert(SourceFlag::Markdown);
        }
        info
    }

    /// The file line of top-level key `key`, when present.
    #[must_use]
    pub fn line_of(&self, key: &str) -> Option<usize> {
        self.key_position(key).map(|p| p.line)
    }

    /// Where top-level key `key` is written, when present.
    #[must_use]
    pub fn key_position(&self, key: &str) -> Option<Position> {
        self.positions.key(key)
    }

    /// Where the value at `path` is written: `path` is a top-level key, then list
    /// indexes and mapping keys (`contact`, `phases[1].end`,
    /// `missions[0].startups[2]`, as [`Diagnostic::path`](betagouv_portfolio::Diagnostic::path)
    /// writes them). An index of `phases`, `events`, `missions` or `contracts`
    /// counts the list's mapping items (the record's items). An empty or null value
    /// is located at its key; a path that goes below what the file has, at the
    /// deepest value written on the way (a phase without `start`: the phase).
    /// `None` when the top-level key is missing (a problem of the whole file) or the
    /// path cannot be read.
    ///
    /// ```
    /// use betagouv_content::read::{ReadOptions, read_bytes};
    /// use betagouv_content::read::Position;
    /// use betagouv_portfolio::RecordKind;
    /// let text = "---\ntitle: A\nphases:\n  - name: construction\n    start: 2020-01-01\n  - name: acceleration\n---\n";
    /// let f = read_bytes(RecordKind::Startup, std::path::Path::new("a.md"), text.as_bytes(), &ReadOptions::default());
    /// let at = |path: &str| f.source.locate(path).map(|p: Position| (p.line, p.column));
    /// assert_eq!(at("phases[0].start"), Some((5, 12)));
    /// assert_eq!(at("phases[1].start"), Some((6, 5)), "the phase without start");
    /// assert_eq!(at("title"), Some((2, 8)));
    /// assert_eq!(at("contact"), None, "a missing key: the file alone");
    /// ```
    #[must_use]
    pub fn locate(&self, path: &str) -> Option<Position> {
        self.positions.locate(path)
    }
}

impl Import {
    /// The keys each start-up file wrote empty (`''`, `null`, `[]`), by start-up id
    /// (from [`SourceInfo::empty_keys`]; start-ups without any are left out): what a
    /// writer of the site's formats needs to write them back (API v3).
    #[must_use]
    pub fn startup_empty_keys(&self) -> std::collections::BTreeMap<String, Vec<(String, Value)>> {
        self.files
            .iter()
            .filter(|f| f.kind == RecordKind::Startup && !f.source.empty_keys.is_empty())
            .filter_map(|f| {
                let s = self.portfolio.startups.get(f.index?)?;
                Some((s.id.as_str().to_owned(), f.source.empty_keys.clone()))
            })
            .collect()
    }

    /// Files that gave no record.
    pub fn failed_files(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| f.index.is_none())
    }

    /// Every file or entry that gave no record: the files that failed, then the
    /// skipped entries. Each has an error among the diagnostics.
    pub fn dropped_files(&self) -> impl Iterator<Item = &Path> {
        self.failed_files()
            .map(|f| f.path.as_path())
            .chain(self.skipped.iter().map(PathBuf::as_path))
    }

    /// The import's counts: files met, records read, files dropped, errors, warnings.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// # let startups = dir.path().join("content/_startups");
    /// # std::fs::create_dir_all(&startups)?;
    /// std::fs::write(startups.join("a.md"), "---\ntitle: A\n---\n")?;
    /// std::fs::write(startups.join("b.md"), "---\ntitle: [B\n---\n")?;
    /// let import = betagouv_content::read_folder(dir.path(), &Default::default())?;
    /// let s = import.summary();
    /// assert_eq!((s.files, s.records, s.dropped_files), (2, 1, 1));
    /// assert!(s.has_dropped() && s.errors >= 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn summary(&self) -> ImportSummary {
        let p = &self.portfolio;
        let counts = ProblemCounts::count(&self.diagnostics);
        let dropped = self.dropped_files().count();
        ImportSummary {
            files: self.files.len() + self.skipped.len(),
            records: p.startups.len()
                + p.members.len()
                + p.incubators.len()
                + p.organisations.len(),
            dropped_files: dropped,
            errors: counts.errors,
            warnings: counts.warnings,
        }
    }

    /// The diagnostics of the dropped files (why each gave no record).
    pub fn dropped_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        let dropped: std::collections::HashSet<&Path> = self.dropped_files().collect();
        self.diagnostics.iter().filter(move |d| {
            d.severity == Severity::Error
                && d.location
                    .as_ref()
                    .is_some_and(|l| dropped.contains(l.file.as_path()))
        })
    }

    /// The file report of record `index` of `kind`.
    #[must_use]
    pub fn file_of(&self, kind: RecordKind, index: usize) -> Option<&FileReport> {
        self.files
            .iter()
            .find(|f| f.kind == kind && f.index == Some(index))
    }
}

fn diag(
    sev: Severity,
    rule: &str,
    path: &Path,
    line: usize,
    col: usize,
    msg: String,
) -> Diagnostic {
    Diagnostic::new(sev, rule, msg).at(path, line, col)
}

/// The record id of a file: its name without `.md`.
#[must_use]
pub fn file_id<P: AsRef<Path> + ?Sized>(path: &P) -> Option<&str> {
    let name = path.as_ref().file_name()?.to_str()?;
    Some(name.strip_suffix(".md").unwrap_or(name))
}

/// Reads one file's bytes as a record of `kind`. Never panics; every problem is a
/// diagnostic located in `path` (which is only used for ids and messages).
#[must_use]
pub fn read_bytes(
    kind: RecordKind,
    path: impl AsRef<Path>,
    bytes: &[u8],
    options: &ReadOptions,
) -> FileRead {
    let path = path.as_ref();
    let mut r = read_bytes_inner(kind, path, bytes, options);
    if let Some(id) = file_id(path) {
        for d in &mut r.diagnostics {
            if d.record.is_none() {
                d.record = Some((kind, id.to_owned()));
            }
        }
    }
    r
}

fn read_bytes_inner(
    kind: RecordKind,
    path: &Path,
    bytes: &[u8],
    options: &ReadOptions,
) -> FileRead {
    let mut out = FileRead {
        record: None,
        source: SourceInfo::named(path),
        diagnostics: Vec::new(),
    };
    let Some(id) = file_id(path) else {
        out.diagnostics.push(diag(
            Severity::Error,
            rules::INVALID_ID,
            path,
            0,
            0,
            "the file name is not UTF-8, so it cannot be a record id; rename the file".into(),
        ));
        return out;
    };
    if !out.source.has(SourceFlag::Markdown) {
        out.diagnostics.push(diag(
            Severity::Warning,
            rules::NOT_MARKDOWN,
            path,
            0,
            0,
            "the file name does not end in `.md`: the site reads it but the repository's checks skip it; rename it".into(),
        ));
    }
    let Some(decoded) = decode_text(path, bytes, &mut out) else {
        return out;
    };
    let Some(env) = front_matter(path, &decoded.text, &mut out) else {
        return out;
    };
    let offset = env.yaml_line - 1;
    let Some(parsed) = parse_yaml(path, env.yaml, offset, options, &mut out) else {
        return out;
    };
    let record = build_record(kind, path, id, offset, &parsed.entries, &mut out);
    out.record = record.map(|r| with_body(r, env.body));
    out
}

/// Step 1 of a file: its bytes as text (`invalid-utf8` when they are not), with a
/// BOM removed (`bom`) and CRLF endings read as LF (`crlf`).
fn decode_text<'b>(path: &Path, bytes: &'b [u8], out: &mut FileRead) -> Option<Decoded<'b>> {
    let d = &mut out.diagnostics;
    let decoded = match decode(bytes) {
        Ok(x) => x,
        Err(e) => {
            d.push(diag(
                Severity::Error,
                rules::INVALID_UTF8,
                path,
                e.line,
                e.column,
                "the file is not UTF-8 text; re-save it as UTF-8 (or remove it if it is not a record)".into(),
            ));
            return None;
        }
    };
    if decoded.bom {
        out.source.flags.insert(SourceFlag::Bom);
        d.push(diag(
            Severity::Warning,
            rules::BOM,
            path,
            1,
            1,
            "the file starts with a byte-order mark; remove it".into(),
        ));
    }
    if let Some(line) = decoded.crlf_line {
        out.source.flags.insert(SourceFlag::Crlf);
        d.push(diag(
            Severity::Warning,
            rules::CRLF,
            path,
            line,
            0,
            "the file has Windows (CRLF) line endings, read as LF; convert it to LF".into(),
        ));
    }
    Some(decoded)
}

/// Step 2: the text cut into its front matter and body (`missing-front-matter`,
/// `unterminated-front-matter`, `blank-before-front-matter`).
fn front_matter<'t>(path: &Path, text: &'t str, out: &mut FileRead) -> Option<Envelope<'t>> {
    let d = &mut out.diagnostics;
    let env = match split(text) {
        Ok(e) => e,
        Err(e) => {
            let (rule, line, msg) = match e {
                EnvelopeError::Missing { line } => (
                    rules::MISSING_FRONT_MATTER,
                    line,
                    "the file does not start with a `---` line, so it has no front matter; add one, or move the file out of the collection",
                ),
                EnvelopeError::Unterminated { line } => (
                    rules::UNTERMINATED_FRONT_MATTER,
                    line,
                    "the front matter opened here is never closed; add a `---` line after the YAML",
                ),
            };
            d.push(diag(Severity::Error, rule, path, line, 1, msg.to_owned()));
            return None;
        }
    };
    out.source.yaml_line = env.yaml_line;
    if env.blank_lines_before > 0 {
        d.push(diag(
            Severity::Warning,
            rules::BLANK_BEFORE_FRONT_MATTER,
            path,
            1,
            1,
            format!(
                "{} blank line(s) before the opening `---`: the site then sees no front matter; remove them",
                env.blank_lines_before
            ),
        ));
    }
    Some(env)
}

/// Step 3: the front matter as a located tree (`yaml-syntax`, `yaml-limit`,
/// `front-matter-not-mapping`; then `tab-in-yaml`, `duplicate-key`, `complex-key`),
/// and the top-level keys with their file lines. `offset` turns YAML lines into file
/// lines.
fn parse_yaml<'y>(
    path: &Path,
    yaml: &'y str,
    offset: usize,
    options: &ReadOptions,
    out: &mut FileRead,
) -> Option<yaml::Parsed<'y>> {
    let d = &mut out.diagnostics;
    let parsed = match yaml::parse(yaml, options.yaml_limits) {
        Ok(p) => p,
        Err(e) => {
            let (rule, line, col, msg) = match e {
                YamlError::Syntax { message, line, col } => (
                    rules::YAML_SYNTAX,
                    line,
                    col,
                    format!("invalid YAML: {message}; fix the front matter"),
                ),
                YamlError::Limit { message, line, col } => (
                    rules::YAML_LIMIT,
                    line,
                    col,
                    format!("the front matter goes over a safety limit: {message}"),
                ),
                YamlError::NotMapping { found, line, col } => (
                    rules::FRONT_MATTER_NOT_MAPPING,
                    line,
                    col,
                    format!("the front matter is a {found}, not a mapping of keys"),
                ),
            };
            d.push(diag(Severity::Error, rule, path, line + offset, col, msg));
            return None;
        }
    };
    if let Some(line) = parsed.tab_line {
        d.push(diag(
            Severity::Warning,
            rules::TAB_IN_YAML,
            path,
            line + offset,
            0,
            "a tab after a key or value had to be read as a space; replace tabs by spaces".into(),
        ));
    }
    for dup in &parsed.duplicates {
        d.push(diag(
            Severity::Warning,
            rules::DUPLICATE_KEY,
            path,
            dup.line + offset,
            dup.col,
            format!(
                "key `{}` is written twice (first on line {}); the last value is kept: remove one",
                dup.key,
                dup.first_line + offset
            ),
        )
        .on_field(dup.key.to_string()));
    }
    for (line, col) in &parsed.complex_keys {
        d.push(diag(
            Severity::Warning,
            rules::COMPLEX_KEY,
            path,
            line + offset,
            *col,
            "a mapping key is not a text; kept as its written form".into(),
        ));
    }
    out.source.keys = parsed
        .entries
        .iter()
        .map(|e| e.key.as_ref().to_owned())
        .collect();
    if options.positions {
        out.source.positions = Positions::of(&parsed.entries, offset);
    }
    Some(parsed)
}

/// Step 4: the record of `kind` from the top-level entries (`invalid-id` when the
/// file name cannot be an id of that kind), with what the reader learnt in `out`.
fn build_record(
    kind: RecordKind,
    path: &Path,
    id: &str,
    offset: usize,
    entries: &[yaml::Entry<'_>],
    out: &mut FileRead,
) -> Option<AnyRecord> {
    let mut ctx = Ctx {
        file: path,
        offset,
        kind,
        id,
        diags: std::mem::take(&mut out.diagnostics),
        quoted_dates: None,
        empty_keys: Vec::new(),
        key: String::new(),
    };
    let record = match kind {
        RecordKind::Startup => StartupId::new(id.to_owned()).map(|id| {
            let r = record::startup(&mut ctx, id, entries);
            out.source.vocabulary = r.vocabulary;
            out.source.item_keys = r.item_keys;
            AnyRecord::Startup(r.record)
        }),
        RecordKind::Member => MemberId::new(id.to_owned()).map(|id| {
            let r = record::member(&mut ctx, id, entries);
            out.source.vocabulary = r.vocabulary;
            out.source.item_keys = r.item_keys;
            AnyRecord::Member(r.record)
        }),
        RecordKind::Incubator => IncubatorId::new(id.to_owned())
            .map(|id| AnyRecord::Incubator(record::incubator(&mut ctx, id, entries))),
        RecordKind::Organisation => OrganisationId::new(id.to_owned())
            .map(|id| AnyRecord::Organisation(record::organisation(&mut ctx, id, entries))),
        // A kind this reader has no collection of (never passed in): no record.
        _ => {
            out.diagnostics = ctx.diags;
            return None;
        }
    };
    let record = match record {
        Ok(r) => Some(r),
        Err(e) => {
            ctx.diags.push(diag(
                Severity::Error,
                rules::INVALID_ID,
                path,
                0,
                0,
                format!("the file name cannot be a record id ({e}); rename the file"),
            ));
            None
        }
    };
    if let Some((line, column)) = ctx.quoted_dates {
        out.source.flags.insert(SourceFlag::QuotedDates);
        out.source.quoted_date = Some(Position {
            line: line + offset,
            column,
        });
    }
    out.source.empty_keys = ctx.empty_keys;
    out.diagnostics = ctx.diags;
    record
}

/// The record with its Markdown body.
fn with_body(mut record: AnyRecord, body: &str) -> AnyRecord {
    let body = body.to_owned();
    match &mut record {
        AnyRecord::Startup(x) => x.body = body,
        AnyRecord::Member(x) => x.body = body,
        AnyRecord::Incubator(x) => x.body = body,
        AnyRecord::Organisation(x) => x.body = body,
    }
    record
}

impl FileRead {
    /// A file that gave no record because it cannot be read: one `unreadable-file`
    /// error located at `path` with `reason` (what failed and what to do).
    #[must_use]
    pub fn unreadable(path: &Path, reason: String) -> Self {
        Self::error(path, rules::UNREADABLE_FILE, reason)
    }

    /// A file of `size` bytes, over the `limit` of [`ReadOptions::max_file_size`]: not
    /// read, one `file-too-large` error located at `path`.
    #[must_use]
    pub fn too_large(path: &Path, size: u64, limit: u64) -> Self {
        Self::error(
            path,
            rules::FILE_TOO_LARGE,
            format!(
                "the file has {size} bytes, over the {limit} byte limit; it is not read (raise the limit if it is a real record)"
            ),
        )
    }

    /// A file that gave no record because of `rule`: one error located at `path`
    /// with `msg` (what failed and what to do), for readers of other sources than a
    /// folder (a git object that is missing).
    #[must_use]
    pub fn error(path: &Path, rule: &str, msg: String) -> Self {
        Self {
            record: None,
            source: SourceInfo::named(path),
            diagnostics: vec![diag(Severity::Error, rule, path, 0, 0, msg)],
        }
    }
}

/// Reads one file from disk (size limit first, then [`read_bytes`]).
#[must_use]
pub fn read_file(kind: RecordKind, path: impl AsRef<Path>, options: &ReadOptions) -> FileRead {
    let path = path.as_ref();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return FileRead::unreadable(
                path,
                format!("the file cannot be read ({e}); check its permissions"),
            );
        }
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let limit = options.max_file_size;
    if len > limit {
        return FileRead::too_large(path, len, limit);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    if let Err(e) = file.take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        return FileRead::unreadable(
            path,
            format!("the file cannot be read ({e}); check its permissions"),
        );
    }
    if bytes.len() as u64 > limit {
        return FileRead::too_large(path, bytes.len() as u64, limit);
    }
    read_bytes(kind, path, &bytes, options)
}

/// Lists the files of one collection folder, sorted by name; symlinks pointing
/// outside the folder, sub-folders and special files are reported, not followed.
fn list_collection(
    dir: &Path,
    diags: &mut Vec<Diagnostic>,
    skipped: &mut Vec<PathBuf>,
) -> Result<Vec<PathBuf>> {
    let canon = dir.canonicalize().map_err(|e| Error::io(dir, e))?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let ft = match entry.file_type() {
            Ok(t) => t,
            Err(e) => {
                diags.push(diag(
                    Severity::Error,
                    rules::UNREADABLE_FILE,
                    &path,
                    0,
                    0,
                    format!("cannot inspect the entry ({e})"),
                ));
                skipped.push(path);
                continue;
            }
        };
        if ft.is_file() {
            files.push(path);
        } else if ft.is_symlink() {
            match path.canonicalize() {
                Ok(t) if t.starts_with(&canon) && t.is_file() => files.push(path),
                Ok(t) => {
                    diags.push(diag(
                        Severity::Error,
                        rules::SYMLINK_OUTSIDE,
                        &path,
                        0,
                        0,
                        format!("symbolic link to {}, outside the collection folder or not a file: not followed; replace it by the file", t.display()),
                    ));
                    skipped.push(path);
                }
                Err(e) => {
                    diags.push(diag(
                        Severity::Error,
                        rules::SYMLINK_OUTSIDE,
                        &path,
                        0,
                        0,
                        format!("broken symbolic link ({e}): not followed; remove it"),
                    ));
                    skipped.push(path);
                }
            }
        } else if ft.is_dir() {
            diags.push(diag(
                Severity::Warning,
                rules::SUBFOLDER_IGNORED,
                &path,
                0,
                0,
                "a folder inside a collection is not read; move its files up or remove it".into(),
            ));
        } else {
            diags.push(diag(
                Severity::Warning,
                rules::NOT_REGULAR_FILE,
                &path,
                0,
                0,
                "not a regular file; not read".into(),
            ));
        }
    }
    // Same order as sorting the paths: every path is `dir` joined with one name, so
    // comparing the whole paths' bytes compares the names, without parsing components.
    files.sort_unstable_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    Ok(files)
}

/// Runs `f` on every job with up to `threads` threads, keeping the jobs' order;
/// `progress` gets each job's `label`.
pub(crate) fn parallel_map<J: Sync, R: Send>(
    jobs: &[J],
    threads: usize,
    progress: Option<&ProgressFn>,
    label: impl Fn(&J) -> &str + Sync,
    f: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    let total = jobs.len();
    let threads = threads.clamp(1, total.max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else { break };
            out.push((i, f(job)));
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(p) = progress {
                p(Progress {
                    done: n,
                    total,
                    label: label(job),
                });
            }
        }
        out
    };
    let mut all: Vec<(usize, R)> = if threads == 1 {
        work()
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
            // A worker only panics if `f` does; `f` never panics on any input.
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    };
    all.sort_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

/// Reads a content folder of any era into a portfolio, reporting every file and problem.
///
/// # Errors
///
/// [`Error::UnknownLayout`] when `root` holds no collection, [`Error::Io`] when a
/// collection folder cannot be listed. Problems of single files never fail the read.
pub fn read_folder(root: impl AsRef<Path>, options: &ReadOptions) -> Result<Import> {
    let root = root.as_ref();
    let layout = detect_layout(root)?;
    let mut diagnostics = Vec::new();
    let mut jobs = Vec::new();
    let mut skipped = Vec::new();
    for c in &layout.collections {
        for f in list_collection(&c.dir, &mut diagnostics, &mut skipped)? {
            jobs.push((c.kind, f));
        }
    }
    let results = parallel_map(
        &jobs,
        options.threads,
        options.progress.as_ref(),
        |(_, path)| path.file_name().and_then(|n| n.to_str()).unwrap_or(""),
        |(kind, path)| read_file(*kind, path, options),
    );
    let reads = jobs
        .into_iter()
        .zip(results)
        .map(|((kind, path), read)| (kind, path, read));
    Ok(Import::assemble(
        root,
        layout,
        reads,
        diagnostics,
        skipped,
        options,
    ))
}

impl Import {
    /// The import of files read one by one (by [`read_bytes`] or [`read_file`]), in
    /// read order, as [`read_folder`] makes it: the records in that order, each file's
    /// report, `diagnostics` (problems found while listing the folders) followed by
    /// each file's, `skipped` entries, and the folder's vocabulary decided over the
    /// start-up files (an option, else the `vocabulary` keys, else detected; a
    /// `vocabulary-conflict` warning located at `root` when the keys disagree). A
    /// reader of another source than a folder (a git tree) builds the same import
    /// with it.
    ///
    /// ```
    /// use betagouv_content::layout::{Layout, LayoutKind};
    /// use betagouv_content::read::{Import, ReadOptions, read_bytes};
    /// use betagouv_portfolio::RecordKind;
    /// let options = ReadOptions::default();
    /// let path = "content/_startups/a.md";
    /// let read = read_bytes(RecordKind::Startup, path, b"---\ntitle: A\n---\n", &options);
    /// let layout = Layout { kind: LayoutKind::Content, collections: Vec::new() };
    /// let import = Import::assemble(
    ///     "repo".as_ref(),
    ///     layout,
    ///     [(RecordKind::Startup, path.into(), read)],
    ///     Vec::new(),
    ///     Vec::new(),
    ///     &options,
    /// );
    /// assert_eq!(import.portfolio.startups[0].name, "A");
    /// assert_eq!(import.files[0].index, Some(0));
    /// ```
    #[must_use]
    pub fn assemble(
        root: &Path,
        layout: Layout,
        reads: impl IntoIterator<Item = (RecordKind, PathBuf, FileRead)>,
        mut diagnostics: Vec<Diagnostic>,
        skipped: Vec<PathBuf>,
        options: &ReadOptions,
    ) -> Self {
        let mut portfolio = Portfolio::new(Vocabulary::V2026);
        let mut files = Vec::new();
        let mut recorded: Vec<Vocabulary> = Vec::new();
        for (kind, path, r) in reads {
            diagnostics.extend(r.diagnostics);
            let index = match r.record {
                None => None,
                Some(AnyRecord::Startup(s)) => {
                    if let Some(v) = r.source.vocabulary {
                        recorded.push(v);
                    }
                    portfolio.startups.push(s);
                    Some(portfolio.startups.len() - 1)
                }
                Some(AnyRecord::Member(m)) => {
                    portfolio.members.push(m);
                    Some(portfolio.members.len() - 1)
                }
                Some(AnyRecord::Incubator(i)) => {
                    portfolio.incubators.push(i);
                    Some(portfolio.incubators.len() - 1)
                }
                Some(AnyRecord::Organisation(o)) => {
                    portfolio.organisations.push(o);
                    Some(portfolio.organisations.len() - 1)
                }
            };
            files.push(FileReport {
                path,
                kind,
                index,
                source: r.source,
            });
        }
        let (vocabulary, vocabulary_source) = if let Some(v) = options.vocabulary {
            (v, VocabularySource::Option)
        } else if let Some(first) = recorded.first().copied() {
            let mut counts = std::collections::BTreeMap::new();
            for v in &recorded {
                *counts.entry(*v).or_insert(0usize) += 1;
            }
            let best = counts
                .iter()
                .max_by_key(|(_, n)| **n)
                .map_or(first, |(v, _)| *v);
            if counts.len() > 1 || recorded.len() < portfolio.startups.len() {
                diagnostics.push(Diagnostic::new(
                    Severity::Warning,
                    rules::VOCABULARY_CONFLICT,
                    format!(
                        "start-up files record different `vocabulary` values or some record none; using {best} (the most common)"
                    ),
                ).at(root, 0, 0));
            }
            (best, VocabularySource::Recorded)
        } else {
            (portfolio.detect_vocabulary(), VocabularySource::Detected)
        };
        portfolio.vocabulary = vocabulary;
        Self {
            layout,
            portfolio,
            vocabulary_source,
            files,
            diagnostics,
            skipped,
        }
    }
}
