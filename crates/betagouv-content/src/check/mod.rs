//! `content check`: the repository's own validation rules of the folder's era, plus ours.
//!
//! | rule set | when | rules (ids) |
//! |---|---|---|
//! | [`RuleSet::Build2016`] (the 2016 site build) | `_startup/` + `_author/` | `employer-required`, `start-required` (members); `field-required` (`owner`), `unknown-status` (start-ups); `member-file-name` |
//! | [`RuleSet::Schema2017`] (schema files checked in the site's CI) | `_authors/`, or `content/` with `status` records | `field-required` (`fullname`, `role`, `status`, `start`, `contact`), `contact-format`, `employer-status`, `start-required`, `mission-start-required`, `mission-status`; `member-file-name` |
//! | [`RuleSet::Schema2020`] (the same CI, 2020-07 to 2024) | `content/` with `phases`, where more than half of the start-ups have inline `sponsors` mappings or an `owner` (2020-2022 keys) | `field-required` (`incubator`, `contact`), `contact-format`, `phases-required`, `unknown-phase-name`, `phase-start-required` (phases other than `alumni`/`success`), `phase-end-not-after-start`, `unknown-event-name`, `unknown-sponsor` (`/organisations/<id>` texts only), `missions-required`, `mission-start-required`, `mission-end-required`, `quoted-date`, `mission-status`, `mission-end-not-after-start`, `unknown-domaine`; `member-file-name` |
//! | [`RuleSet::Current`] (today's CI checks) | `content/` with `phases` | `field-required` (`incubator`, `contact`, `domaine`, each mission's `status`, phase and event names, `fast.promotion` and `fast.montant`), `missions-required`, `mission-start-required`, `mission-end-required`, `quoted-date`, `mission-end-not-after-start`, `unknown-startup`, `duplicate-reference`, `unknown-domaine`, `duplicate-competence`, `unknown-sponsor`, `incubators-list`, `phases-required` (also a start-up written with `status`), `phase-start-required`, `duplicate-phase-name`, `phase-end-not-after-start`, `event-date-required`, `member-file-name`; `partial-date` and `field-type` (on the keys the CI types) raised to errors; warnings: `mission-status`, `url-format`, `unknown-key`, `legacy-key` |
//!
//! Ours: every import diagnostic (with `duplicate-key` raised to an error, as the
//! repository's CI does) and the portfolio's own validation
//! ([`Portfolio::validate`](betagouv_portfolio::Portfolio::validate)), located in the
//! record's file.
//!
//! References (`unknown-startup`, `unknown-sponsor`, `incubators-list`) resolve
//! against the ids of the `.md` file names, as the repository's CI takes them: a file
//! that failed to read is reported once, not once more by every record naming it.
//!
//! # Where problems are located
//!
//! Every problem inside a file carries its line and column: the offending value
//! (`contact`'s value, a phase's `end`, the id in a `startups` list, the sponsor
//! item), or its key when the value is written empty (`title: ''`). A missing field
//! of a list item is located at the item (a phase without `start`: the phase's
//! first key). A problem of the whole file carries the file alone, never a line 0:
//! a file name (`member-file-name`, `invalid-id`), a missing top-level key
//! (`field-required`, `missions-required`, `phases-required` when the key is not
//! written), two records of one id (`duplicate-id`). The portfolio's validation
//! names the field and path of each problem
//! ([`Diagnostic::path`](betagouv_portfolio::Diagnostic::path), `phases[1].end`);
//! the check turns it into a position in the record's file
//! ([`SourceInfo::locate`](crate::read::SourceInfo::locate)).
//!
//! Each rule set is one file of this module (`build2016.rs`, `schema2017.rs`,
//! `schema2020.rs`, `current.rs`) with its start-up and member rules as named
//! functions and one list of them (its `RULES`); rules that several sets share are in
//! `common.rs`. Adding a rule to an era is a function in its file and a line in its
//! list (plus its id in [`crate::rules`] when the id is new).

mod build2016;
pub mod ci;
mod common;
mod current;
mod schema2017;
mod schema2020;
mod url;

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use betagouv_portfolio::{
    Diagnostic, Member, MemberShape, PhaseField, ProblemCounts, RecordDate, RecordKind, Severity,
    Sponsor, Startup, Vocabulary,
};

pub use common::{DOMAINES, member_file_name_ok};
pub use schema2020::{EVENT_NAMES_2020, PHASE_NAMES_2020};

use crate::error::Result;
use crate::layout::LayoutKind;
use crate::read::{
    Import, Position, Positions, ReadOptions, SourceFlag, SourceInfo, file_id, read_folder,
};
use crate::rules;

/// Which era's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RuleSet {
    /// 2016: the checks of the site build.
    Build2016,
    /// 2017-03 to 2024-05: schema files checked in CI.
    Schema2017,
    /// 2020-07 to 2024: the schema files of the `phases` era and the 2022 CI script:
    /// inline sponsors, undated terminal phases, repeated phase names and
    /// dangling start-up references were all accepted.
    Schema2020,
    /// Since 2024-02: today's CI checks.
    Current,
}

/// Knobs of a check: `CheckOptions::default()` and the `with_*` setters.
///
/// ```
/// use betagouv_content::check::{CheckOptions, RuleSet};
/// use betagouv_content::rules;
/// let options = CheckOptions::default()
///     .with_rules(RuleSet::Current)
///     .with_skip([rules::MEMBER_FILE_NAME]);
/// assert_eq!(options.skip, ["member-file-name"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CheckOptions {
    /// How to read the folder.
    pub read: ReadOptions,
    /// The rule set, instead of the one of the folder's era.
    pub rules: Option<RuleSet>,
    /// Rule ids not to report.
    pub skip: Vec<String>,
}

impl CheckOptions {
    /// With `read` as the way to read the folder.
    #[must_use]
    pub fn with_read(mut self, read: ReadOptions) -> Self {
        self.read = read;
        self
    }

    /// With the rule set `rules` instead of the one of the folder's era.
    #[must_use]
    pub fn with_rules(mut self, rules: impl Into<Option<RuleSet>>) -> Self {
        self.rules = rules.into();
        self
    }

    /// With the rule ids `skip` not reported (replacing any set before).
    #[must_use]
    pub fn with_skip<S: Into<String>>(mut self, skip: impl IntoIterator<Item = S>) -> Self {
        self.skip = skip.into_iter().map(Into::into).collect();
        self
    }
}

/// A check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CheckReport {
    /// The rule set used.
    pub rules: RuleSet,
    /// Every problem, sorted by file, line, column.
    pub diagnostics: Vec<Diagnostic>,
    /// Errors and warnings counted.
    pub counts: ProblemCounts,
}

/// The rule set of an imported folder's era.
///
/// A `content/` folder whose start-ups have `phases` is of the 2020-2024 schema
/// ([`RuleSet::Schema2020`]) when more than half of them still carry a key that was
/// dropped in 2022-03 (the free-text `owner` or an inline sponsor mapping), and of
/// today's ([`RuleSet::Current`]) otherwise: one odd file never flips the whole folder
/// (today's rules report it: `legacy-key`, `unknown-sponsor`). In the 2020-2022
/// history nearly every start-up had an `owner`, and none has since 2022-03.
#[must_use]
pub fn rule_set_of(import: &Import) -> RuleSet {
    match import.layout.kind {
        LayoutKind::Site2016 => RuleSet::Build2016,
        LayoutKind::Site2017 => RuleSet::Schema2017,
        _ => {
            let p = &import.portfolio;
            let with_phases = p
                .startups
                .iter()
                .filter(|s| s.phase_field == PhaseField::Phases);
            let (phases, old_keys) = with_phases.fold((0usize, 0usize), |(n, old), s| {
                (n + 1, old + usize::from(has_2020_keys(s)))
            });
            let missions = p.members.iter().any(|m| m.shape == MemberShape::Missions);
            if phases > 0 && old_keys * 2 > phases {
                RuleSet::Schema2020
            } else if phases > 0
                || (p.startups.is_empty() && missions && p.vocabulary >= Vocabulary::V2020)
            {
                RuleSet::Current
            } else {
                RuleSet::Schema2017
            }
        }
    }
}

/// Whether start-up `s` has a key of the 2020-2022 schema: the free-text `owner` or an
/// inline sponsor mapping (both dropped in 2022-03).
fn has_2020_keys(s: &Startup) -> bool {
    s.owner.is_some()
        || s.sponsors
            .iter()
            .any(|x| matches!(x, Sponsor::Inline { .. }))
}

/// A start-up rule: reports the problems of one start-up through `out`.
type StartupRule = fn(&mut Out<'_>, &Folder<'_>, &Startup);
/// A member rule: reports the problems of one member through `out`.
type MemberRule = fn(&mut Out<'_>, &Folder<'_>, &Member);

/// The rules of one rule set, in the order they run on each record.
struct Rules {
    startup: &'static [StartupRule],
    member: &'static [MemberRule],
}

impl RuleSet {
    /// This set's rules.
    fn rules(self) -> &'static Rules {
        match self {
            RuleSet::Build2016 => &build2016::RULES,
            RuleSet::Schema2017 => &schema2017::RULES,
            RuleSet::Schema2020 => &schema2020::RULES,
            RuleSet::Current => &current::RULES,
        }
    }
}

/// What the rules see of the folder besides the record they check.
struct Folder<'a> {
    import: &'a Import,
    /// The file and what the reader learnt of it, by record.
    files: HashMap<(RecordKind, &'a str), (&'a Path, &'a SourceInfo)>,
    /// The ids of the start-up `.md` files, read or not (the only ones the
    /// repository's CI sees).
    md_startups: HashSet<&'a str>,
    /// The ids of the organisation `.md` files, read or not.
    md_orgs: HashSet<&'a str>,
    /// Every incubator id: the records' and those of the `.md` files that failed.
    incubator_ids: HashSet<&'a str>,
}

impl<'a> Folder<'a> {
    fn new(import: &'a Import) -> Self {
        let p = &import.portfolio;
        let id_of = |kind: RecordKind, i: usize| match kind {
            RecordKind::Startup => p.startups.get(i).map(|s| s.id.as_str()),
            RecordKind::Member => p.members.get(i).map(|m| m.id.as_str()),
            RecordKind::Incubator => p.incubators.get(i).map(|x| x.id.as_str()),
            RecordKind::Organisation => p.organisations.get(i).map(|x| x.id.as_str()),
            // A kind this crate does not read has no record here.
            _ => None,
        };
        let mut files = HashMap::new();
        let mut md_startups = HashSet::new();
        let mut md_orgs = HashSet::new();
        let mut incubator_ids: HashSet<&str> = p.incubators.iter().map(|i| i.id.as_str()).collect();
        for f in &import.files {
            // Ids come from the `.md` file names, as the repository's CI takes them:
            // a file that failed to read still names its record for the references.
            if f.source.has(SourceFlag::Markdown)
                && let Some(id) = file_id(&f.path)
            {
                match f.kind {
                    RecordKind::Startup => md_startups.insert(id),
                    RecordKind::Organisation => md_orgs.insert(id),
                    RecordKind::Incubator => incubator_ids.insert(id),
                    _ => false,
                };
            }
            let Some(id) = f.index.and_then(|i| id_of(f.kind, i)) else {
                continue;
            };
            files.insert((f.kind, id), (f.path.as_path(), &f.source));
        }
        Self {
            import,
            files,
            md_startups,
            md_orgs,
            incubator_ids,
        }
    }

    /// Record `id` of `kind` and its file (an empty path when unknown).
    fn locate(&self, kind: RecordKind, id: &'a str) -> Here<'a> {
        let (file, source) = self.file_of(kind, id);
        Here {
            kind,
            id,
            file,
            source,
        }
    }

    /// The file of record `id` of `kind` (an empty path when unknown).
    fn file_of(&self, kind: RecordKind, id: &str) -> (&'a Path, &'a SourceInfo) {
        static NO_SOURCE: SourceInfo = SourceInfo {
            keys: Vec::new(),
            positions: Positions::new(),
            quoted_date: None,
            flags: BTreeSet::new(),
            vocabulary: None,
            yaml_line: 0,
            item_keys: Vec::new(),
            empty_keys: Vec::new(),
        };
        self.files
            .get(&(kind, id))
            .copied()
            .unwrap_or((Path::new(""), &NO_SOURCE))
    }
}

/// A record being checked: its kind, id, file and what the reader learnt of it.
#[derive(Clone, Copy)]
struct Here<'a> {
    kind: RecordKind,
    id: &'a str,
    file: &'a Path,
    source: &'a SourceInfo,
}

/// Where the rules report: the problems so far, the ids not to report, and the
/// record being checked (every problem is an error of that record).
struct Out<'a> {
    diags: Vec<Diagnostic>,
    skip: &'a [String],
    here: Here<'a>,
}

impl<'a> Out<'a> {
    /// Checks record `here` from now on.
    fn enter(&mut self, here: Here<'a>) {
        self.here = here;
    }

    /// Where the value of the record's top-level key `key` is written (its key when
    /// the value is empty), when the key is present.
    fn line(&self, key: &str) -> Option<Position> {
        self.at(key)
    }

    /// Where the value at `path` of the record is written (see [`locate`]).
    fn at(&self, path: &str) -> Option<Position> {
        locate(self.here.source, self.here.kind, path)
    }

    /// Where field `field` of the record's `n`-th item (from 0) of list `list` is
    /// written, or the item when it has no such field.
    fn item(&self, list: &str, n: usize, field: &str) -> Option<Position> {
        self.at(&format!("{list}[{n}].{field}"))
    }

    /// What the reader learnt of the record's file.
    fn source(&self) -> &'a SourceInfo {
        self.here.source
    }

    /// An error of rule `rule` on the record, at `at` (the whole file when `None`).
    fn error(&mut self, at: Option<Position>, rule: &str, msg: String) {
        self.report(Severity::Error, at, rule, msg);
    }

    /// A warning of rule `rule` on the record, at `at` (the whole file when `None`).
    fn warning(&mut self, at: Option<Position>, rule: &str, msg: String) {
        self.report(Severity::Warning, at, rule, msg);
    }

    /// A problem of rule `rule` on the record, at `at` (the whole file when `None`).
    fn report(&mut self, severity: Severity, at: Option<Position>, rule: &str, msg: String) {
        if self.skip.iter().any(|s| s == rule) {
            return;
        }
        let (line, column) = at.map_or((0, 0), |p| (p.line, p.column));
        self.diags.push(
            Diagnostic::new(severity, rule, msg)
                .for_record(self.here.kind, self.here.id)
                .at(self.here.file, line, column),
        );
    }
}

/// Where the value at `path` of a record of `kind` is written in its file ([`SourceInfo::locate`]),
/// with the record's items that older files write elsewhere: the one phase of a
/// `status` start-up (`phases[0]` is its `status`, `phases[0].start` its `start`),
/// the mission of a flat member (`missions[0].start` is its `start`, `.status` and
/// `.employer` its `employer`) and the missions of a 2017 `contracts` list.
fn locate(source: &SourceInfo, kind: RecordKind, path: &str) -> Option<Position> {
    if let Some(at) = older_item(source, kind, path) {
        return at;
    }
    source.locate(path)
}

/// [`locate`] of the items that older files write elsewhere; `None` when `path` is
/// not one of them.
fn older_item(source: &SourceInfo, kind: RecordKind, path: &str) -> Option<Option<Position>> {
    let has = |key: &str| source.key_position(key).is_some();
    let (list, rest) = path.split_once('[')?;
    let (n, field) = rest.split_once(']')?;
    let field = field.strip_prefix('.').unwrap_or(field);
    match (kind, list) {
        (RecordKind::Startup, "phases") if !has("phases") && has("status") => {
            let key = if field == "start" { "start" } else { "status" };
            Some(source.locate(key).or_else(|| source.locate("status")))
        }
        (RecordKind::Member, "missions") if !has("missions") => {
            let given = |k: &str| has(k) && source.empty_keys.iter().all(|(e, _)| e != k);
            let flat = ["start", "end", "employer"].into_iter().find(|k| given(k));
            let n: usize = n.parse().ok()?;
            match (n, flat) {
                (0, Some(first)) => {
                    let key = match field {
                        "start" | "end" if has(field) => field,
                        "status" | "employer" if has("employer") => "employer",
                        _ => first,
                    };
                    Some(source.locate(key))
                }
                _ if has("contracts") => {
                    let n = n.saturating_sub(usize::from(flat.is_some()));
                    let sub = if field.is_empty() {
                        String::new()
                    } else {
                        format!(".{field}")
                    };
                    Some(source.locate(&format!("contracts[{n}]{sub}")))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The exact date of `d`, when it is one.
fn exact(d: Option<&RecordDate>) -> Option<chrono::NaiveDate> {
    d.and_then(RecordDate::exact)
}

/// Checks an imported folder with `rules` (see the module table).
#[must_use]
pub fn check_import(import: &Import, rules: RuleSet, skip: &[String]) -> Vec<Diagnostic> {
    let folder = Folder::new(import);
    let mut out = Out {
        diags: Vec::new(),
        skip,
        here: folder.locate(RecordKind::Startup, ""),
    };
    ours(&mut out, &folder, rules);
    common::member_file_names(&mut out, import);
    let set = rules.rules();
    let p = &import.portfolio;
    for s in &p.startups {
        out.enter(folder.locate(RecordKind::Startup, s.id.as_str()));
        set.startup
            .iter()
            .for_each(|rule| rule(&mut out, &folder, s));
    }
    for m in &p.members {
        out.enter(folder.locate(RecordKind::Member, m.id.as_str()));
        set.member
            .iter()
            .for_each(|rule| rule(&mut out, &folder, m));
    }
    let mut diags = out.diags;
    diags.retain(|d| !skip.contains(&d.rule));
    diags.sort_by(|a, b| {
        a.location
            .cmp(&b.location)
            .then_with(|| a.rule.cmp(&b.rule))
    });
    one_error_per_fault(diags)
}

/// Drops a `field-type` error when a rule of its own reports an error of the same
/// record at the same place (`phases: construction` is `phases-required` there, with
/// the advice to write a list): one fault, one error. `diags` is sorted by location.
fn one_error_per_fault(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let is_error = |d: &Diagnostic| d.severity == Severity::Error;
    let covered = |d: &Diagnostic| {
        diags.iter().any(|o| {
            o.rule != rules::FIELD_TYPE
                && is_error(o)
                && o.record == d.record
                && o.location == d.location
                && d.location.as_ref().is_some_and(|l| l.line > 0)
        })
    };
    let drop: Vec<bool> = diags
        .iter()
        .map(|d| d.rule == rules::FIELD_TYPE && is_error(d) && covered(d))
        .collect();
    diags
        .into_iter()
        .zip(drop)
        .filter_map(|(d, drop)| (!drop).then_some(d))
        .collect()
}

/// Ours: the import's diagnostics (duplicate keys as errors), then the portfolio's
/// validation, located in the record's file at the diagnostic's path or field (the
/// file alone when the file has no such key). Under [`RuleSet::Current`] what the
/// repository's CI rejects is an error too: a partial date (`2022`, `2022-07`), a
/// sponsor without its `/organisations/` prefix, and a value of the wrong type for a
/// key its schema declares ([`current::is_typed_key`]).
fn ours(out: &mut Out<'_>, folder: &Folder<'_>, rules: RuleSet) {
    let skip = out.skip;
    let current = rules == RuleSet::Current;
    for d in &folder.import.diagnostics {
        if skip.contains(&d.rule) {
            continue;
        }
        let mut d = d.clone();
        let typed = || {
            d.rule == rules::FIELD_TYPE
                && matches!(&d.record, Some((kind, _)) if d.field.as_deref().is_some_and(|f| current::is_typed_key(*kind, f)))
        };
        let raised = d.rule == rules::DUPLICATE_KEY
            || (current && (d.rule == rules::UNKNOWN_SPONSOR || typed()));
        if raised {
            d.severity = Severity::Error;
        }
        out.diags.push(d);
    }
    for mut d in validation_in(folder) {
        if skip.contains(&d.rule) {
            continue;
        }
        if current && d.rule == rules::PARTIAL_DATE {
            d.severity = Severity::Error;
            d.message
                .push_str(" (today's schema wants a full YYYY-MM-DD date)");
        }
        out.diags.push(d);
    }
}

/// The portfolio's validation of an import
/// ([`Portfolio::validate`](betagouv_portfolio::Portfolio::validate)), each problem of
/// a record located in the record's file at its path or field (the file alone when
/// the file has no such key; see the module docs): the validation part of what
/// [`check_import`] reports.
#[must_use]
pub fn located_validation(import: &Import) -> Vec<Diagnostic> {
    validation_in(&Folder::new(import))
}

/// [`located_validation`] of the folder's import.
fn validation_in(folder: &Folder<'_>) -> Vec<Diagnostic> {
    let mut out = folder.import.portfolio.validate();
    for d in &mut out {
        if let Some((kind, id)) = &d.record {
            let (file, source) = folder.file_of(*kind, id);
            let path = d.path.as_deref().or(d.field.as_deref());
            let at = path.and_then(|p| locate(source, *kind, p));
            let (line, column) = at.map_or((0, 0), |p| (p.line, p.column));
            d.location = Some(betagouv_portfolio::Location {
                file: file.to_path_buf(),
                line,
                column,
            });
        }
    }
    out
}

/// Reads and checks a folder.
///
/// # Errors
///
/// [`Error::UnknownRule`](crate::Error::UnknownRule) when `options.skip` names a rule
/// id that is not in [`rules::ALL`]; those of [`read_folder`].
pub fn check_folder(root: impl AsRef<Path>, options: &CheckOptions) -> Result<CheckReport> {
    known_skips(options)?;
    let import = read_folder(root, &options.read)?;
    check_read(&import, options)
}

/// Checks an import already read (a folder read earlier, a commit of a git
/// repository read from its objects): [`check_folder`] without the read, so
/// `options.read` is not used. The rule set is `options.rules`, or the one of the
/// import's era ([`rule_set_of`]).
///
/// ```
/// use betagouv_content::check::{CheckOptions, check_folder, check_read, rule_set_of};
/// use betagouv_content::read::{ReadOptions, read_folder};
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir_all(dir.path().join("content/_startups"))?;
/// std::fs::write(dir.path().join("content/_startups/a.md"), "---\ntitle: A\n---\n")?;
/// let import = read_folder(dir.path(), &ReadOptions::default())?;
/// let report = check_read(&import, &CheckOptions::default())?;
/// assert_eq!(report.rules, rule_set_of(&import));
/// assert_eq!(report, check_folder(dir.path(), &CheckOptions::default())?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::UnknownRule`](crate::Error::UnknownRule) when `options.skip` names a rule
/// id that is not in [`rules::ALL`].
pub fn check_read(import: &Import, options: &CheckOptions) -> Result<CheckReport> {
    known_skips(options)?;
    let rules = options.rules.unwrap_or_else(|| rule_set_of(import));
    let diagnostics = check_import(import, rules, &options.skip);
    let counts = ProblemCounts::count(&diagnostics);
    Ok(CheckReport {
        rules,
        diagnostics,
        counts,
    })
}

/// `Err` naming the first rule id of `options.skip` that is not in [`rules::ALL`].
fn known_skips(options: &CheckOptions) -> Result<()> {
    match options.skip.iter().find(|r| !rules::is_known(r)) {
        Some(rule) => Err(crate::Error::UnknownRule { rule: rule.clone() }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(files: &[(&str, &str)]) -> CheckReport {
        let t = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            let path = t.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        check_folder(t.path(), &CheckOptions::default()).unwrap()
    }

    fn rules(r: &CheckReport) -> Vec<&str> {
        let mut v: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.rule.as_str())
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn a_2021_phases_folder_gets_the_rules_of_its_era() {
        // Inline sponsors and `owner` (2020-10 to 2022-03) in most start-ups: the
        // 2020-2024 schema, not today's checks.
        // An undated terminal phase, a repeated name, an event without date and a
        // dangling `previously` were accepted then; an unknown phase or event name, an
        // undated `construction`, a `dinsic` mission and a quoted date were not.
        let r = check(&[
            (
                "content/_startups/a.md",
                "---\ntitle: A\nmission: m\nincubator: dinum\ncontact: a@b.fr\nphases:\n  - name: construction\n    start: 2020-01-01\n  - name: construction\n    start: 2021-01-01\n  - name: alumni\nevents:\n  - name: committee\nsponsors:\n  - name: Pôle emploi\n---\n",
            ),
            (
                "content/_startups/b.md",
                "---\ntitle: B\nmission: m\nincubator: dinum\ncontact: b@b.fr\nowner: DINSIC\nphases:\n  - name: Construction\n  - name: success\n    start: 2021-01-01\n    end: 2020-01-01\nevents:\n  - name: fast\n    date: 2021-01-01\n---\n",
            ),
            (
                "content/_authors/a.b.md",
                "---\nfullname: A\nrole: r\nmissions:\n  - start: '2020-01-01'\n    end: 2020-06-01\n    status: dinsic\npreviously:\n  - zz\n---\n",
            ),
        ]);
        assert_eq!(r.rules, RuleSet::Schema2020);
        assert_eq!(
            rules(&r),
            [
                "mission-status",
                "phase-end-before-start",
                "phase-end-not-after-start",
                "phase-start-required",
                "quoted-date",
                "unknown-event-name",
                "unknown-phase-name",
            ]
        );
        // Without the 2020-2022 keys the folder gets today's rules.
        let r = check(&[(
            "content/_startups/a.md",
            "---\ntitle: A\nmission: m\nincubator: dinum\ncontact: a@b.fr\nphases:\n  - name: alumni\n---\n",
        )]);
        assert_eq!(r.rules, RuleSet::Current);
        assert_eq!(rules(&r), ["phase-start-required"]);
    }

    /// `(rule, line, column)` of every error, sorted.
    fn located(r: &CheckReport) -> Vec<(&str, usize, usize)> {
        let mut v: Vec<_> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                (d.rule.as_str(), l.line, l.column)
            })
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn errors_are_located_at_the_value_the_item_or_the_file() {
        let r = check(&[
            (
                "content/_startups/a.md",
                "---\ntitle: ''\nmission: m\ncontact: a@b.fr\nphases:\n  - name: construction\n    start: 2020-01-01\n    end: 2019-01-01\n  - name: acceleration\nevents:\n  - name: x\n    date: hier\n---\n",
            ),
            (
                "content/_authors/a.b.md",
                "---\nfullname: A\nrole: r\nmissions:\n  - start: 2020-01-01\n    end: 2020-01-01\n    startups: [a, zz]\n---\n",
            ),
        ]);
        assert_eq!(r.rules, RuleSet::Current);
        assert_eq!(
            located(&r),
            [
                ("field-required", 0, 0), // no `incubator`: the file
                ("field-required", 0, 0), // the member has no `domaine`: the file
                ("field-required", 2, 1), // `title: ''`: its key
                ("field-required", 5, 5), // the mission has no `status`: the mission
                ("invalid-date", 12, 11), // the event's date
                ("mission-end-not-after-start", 6, 10),
                ("phase-end-before-start", 8, 10),
                ("phase-start-required", 9, 5), // the phase without start
                ("unknown-startup", 7, 19),
            ]
        );
    }

    #[test]
    fn older_items_are_located_at_the_keys_that_hold_them() {
        // A 2017 `status` start-up's phase is its `status` and `start`; a flat
        // member's mission is its `start`, `end` and `employer`.
        let r = check(&[
            (
                "content/_startups/a.md",
                "---\ntitle: A\nmission: m\nowner: o\nincubator: i\ncontact: a@b.fr\nstatus: construction\nstart: 2017-13-01\n---\n",
            ),
            (
                "content/_authors/a.b.md",
                "---\nfullname: A\nrole: r\nstart: 2017-01-01\nend: 2016-01-01\nemployer: independent/x\n---\n",
            ),
        ]);
        assert_eq!(r.rules, RuleSet::Schema2017);
        assert_eq!(
            located(&r),
            [("invalid-date", 8, 8), ("mission-end-before-start", 5, 6)]
        );
    }

    #[test]
    fn an_unknown_rule_to_skip_is_refused() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("content/_startups")).unwrap();
        let options = |skip: &str| CheckOptions::default().with_skip([skip]);
        let e = check_folder(t.path(), &options("no-such-rule")).unwrap_err();
        assert!(matches!(&e, crate::Error::UnknownRule { rule } if rule == "no-such-rule"));
        assert!(
            e.to_string().contains("yaml-syntax"),
            "lists the known ids: {e}"
        );
        assert!(check_folder(t.path(), &options("duplicate-key")).is_ok());
    }
}
