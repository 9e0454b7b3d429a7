//! Phases, their vocabulary eras, and the stage each name means.
//!
//! Phase names are kept as written. What a name *means* depends on the
//! vocabulary of its era, so every name is classified into a [`Stage`] through
//! a [`Vocabulary`], decided for a whole folder (see [`Vocabulary::detect`]) and
//! overridable by the caller.
//!
//! | vocabulary | incubating | in_handover | taken_over | stopped |
//! |---|---|---|---|---|
//! | [`Vocabulary::V2016`] (`status`, 2016 to 2018-06) | investigation, construction, consolidation | passation | success | retirement, death |
//! | [`Vocabulary::V2018`] (`status`, 2018-06 to 2020-04) | investigation, construction, acceleration, consolidation | | | death |
//! | [`Vocabulary::V2020`] (`status` then `phases`, 2020-04 to 2026-05) | investigation, construction, acceleration | consolidation, transfert, transfer | success | alumni, death |
//! | [`Vocabulary::V2026`] (`phases`, since 2026-05) | investigation, construction, acceleration | consolidation, perennisation | transfere, opere | abandon, abandon-investigation |
//!
//! A name the vocabulary does not define is [`Stage::Unknown`] (kept, flagged).
//! Known limits: in the 2020 list `consolidation` was renamed `transfert` in
//! 2020-06, so a 2020 `consolidation` is read as a hand-over; the 2026
//! migration relabelled names by hand (some 2020-2026 `alumni` became
//! `transfere`), so the same start-up can change stage between two snapshots
//! without any real change; `success` in the 2020 list covers both services
//! taken over by an administration and services kept running by the network.
//!
//! ```
//! use betagouv_portfolio::{Stage, Vocabulary};
//! assert_eq!(Vocabulary::V2016.stage_of("consolidation"), Stage::Incubating);
//! assert_eq!(Vocabulary::V2026.stage_of("consolidation"), Stage::InHandover);
//! assert_eq!(Vocabulary::V2020.stage_of("alumni"), Stage::Stopped);
//! assert_eq!(Vocabulary::V2020.stage_of("Alpha"), Stage::Unknown);
//! ```

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::date::RecordDate;
use crate::value::Extra;

/// The text form of a keyed enum (one with `ALL` and `key()`): [`Display`](std::fmt::Display)
/// writes the key; with `$what`, [`FromStr`] reads it back ([`ParseKeyError`] naming
/// `$what` and listing the keys).
macro_rules! keyed_text_form {
    ($t:ident, $what:literal) => {
        $crate::phase::keyed_text_form!($t);

        impl ::std::str::FromStr for $t {
            type Err = $crate::phase::ParseKeyError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::phase::parse_key($what, &$t::ALL, $t::key, s)
            }
        }
    };
    ($t:ident) => {
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}
pub(crate) use keyed_text_form;

/// Where a phase came from in its record.
///
/// Text form: the record key, `status` or `phases` ([`Display`](std::fmt::Display) and
/// [`FromStr`] round-trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PhaseField {
    /// A `status` scalar (with the record's `start`), 2016 to 2020-07.
    Status,
    /// A `phases` list, since 2020-07.
    Phases,
}

impl PhaseField {
    /// Both fields, oldest first.
    pub const ALL: [PhaseField; 2] = [PhaseField::Status, PhaseField::Phases];

    /// The record key: `status` or `phases`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            PhaseField::Status => "status",
            PhaseField::Phases => "phases",
        }
    }
}

keyed_text_form!(PhaseField, "phase field");

/// One phase of a start-up, as written.
///
/// A phase has no one-string form (a name, two dates, a comment and unknown keys):
/// its parts do, [`Stage`] for what the name means and [`RecordDate`] for its dates;
/// the name is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Phase {
    /// The name as written (`construction`, `transfere`, ...).
    pub name: String,
    /// Start, when given.
    pub start: Option<RecordDate>,
    /// End, when given.
    pub end: Option<RecordDate>,
    /// Free-text comment, when given.
    pub comment: Option<String>,
    /// Keys of the phase item the model does not know, with their value, type and file
    /// order (empty for `status` records and new phases). Writers put them back after
    /// the modelled keys. Missing in older JSON: read as empty.
    #[serde(default)]
    pub extra: Extra,
}

impl Phase {
    /// A phase with a name and an exact start (no end, comment or unknown key).
    ///
    /// ```
    /// use betagouv_portfolio::Phase;
    /// let p = Phase::new("construction", chrono::NaiveDate::from_ymd_opt(2016, 1, 1));
    /// assert_eq!(p.name, "construction");
    /// ```
    #[must_use]
    pub fn new(name: impl Into<String>, start: Option<chrono::NaiveDate>) -> Self {
        Self {
            name: name.into(),
            start: start.map(RecordDate::Exact),
            end: None,
            comment: None,
            extra: Extra::default(),
        }
    }
}

/// What a phase means for the portfolio. The keys are fixed and always present in outputs.
///
/// Text form: the [key](Stage::key) (`incubating`, `in_handover`, ...), the same as the
/// JSON one ([`Display`](std::fmt::Display) and [`FromStr`] round-trip).
///
/// ```
/// use betagouv_portfolio::Stage;
/// assert_eq!("in_handover".parse::<Stage>()?, Stage::InHandover);
/// assert_eq!(Stage::TakenOver.to_string(), "taken_over");
/// assert!("repris".parse::<Stage>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// Being built by the incubator (investigation, construction, acceleration...).
    Incubating,
    /// Being handed over to an administration.
    InHandover,
    /// Taken over ("repris") or run for good.
    TakenOver,
    /// Stopped or abandoned.
    Stopped,
    /// No phase had started at the date.
    NotStarted,
    /// A name the vocabulary does not define.
    Unknown,
}

impl Stage {
    /// All stages, in output order.
    pub const ALL: [Stage; 6] = [
        Stage::Incubating,
        Stage::InHandover,
        Stage::TakenOver,
        Stage::Stopped,
        Stage::NotStarted,
        Stage::Unknown,
    ];

    /// The stable key (`incubating`, `in_handover`, ...).
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Stage::Incubating => "incubating",
            Stage::InHandover => "in_handover",
            Stage::TakenOver => "taken_over",
            Stage::Stopped => "stopped",
            Stage::NotStarted => "not_started",
            Stage::Unknown => "unknown",
        }
    }

    /// Whether a start-up at this stage is *active* (incubating or in hand-over).
    #[must_use]
    pub fn is_active(self) -> bool {
        matches!(self, Stage::Incubating | Stage::InHandover)
    }
}

keyed_text_form!(Stage, "stage");

/// Error of the [`FromStr`] of the keyed enums of this crate ([`Stage`], [`Vocabulary`],
/// [`PhaseRule`], [`ActiveRule`](crate::ActiveRule), [`PhaseField`], [`Severity`](crate::Severity),
/// [`RecordKind`](crate::RecordKind)): the text is none of the keys.
///
/// ```
/// use betagouv_portfolio::{ParseKeyError, Stage};
/// let e: ParseKeyError = "repris".parse::<Stage>().err().ok_or("expected an error")?;
/// assert_eq!((e.what(), e.value()), ("stage", "repris"));
/// assert_eq!(
///     e.to_string(),
///     "unknown stage \"repris\"; expected one of incubating, in_handover, taken_over, stopped, not_started, unknown"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}; expected one of {expected}")]
pub struct ParseKeyError {
    what: &'static str,
    value: String,
    expected: String,
}

impl ParseKeyError {
    /// What was parsed (`stage`, `vocabulary`, `phase rule`, ...).
    #[must_use]
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The text that is none of the keys.
    #[must_use]
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// The value of `all` whose `key` is `s`, else a [`ParseKeyError`] listing the keys.
pub(crate) fn parse_key<T: Copy>(
    what: &'static str,
    all: &[T],
    key: impl Fn(T) -> &'static str,
    s: &str,
) -> Result<T, ParseKeyError> {
    all.iter()
        .copied()
        .find(|v| key(*v) == s)
        .ok_or_else(|| ParseKeyError {
            what,
            value: s.to_owned(),
            expected: all.iter().map(|v| key(*v)).collect::<Vec<_>>().join(", "),
        })
}

/// A phase vocabulary era.
///
/// Text form: the [key](Vocabulary::key) (`2016`, `2018`, `2020`, `2026`), the same as
/// the JSON one ([`Display`](std::fmt::Display) and [`FromStr`] round-trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Vocabulary {
    /// `status` values from 2016 to 2018-06.
    #[serde(rename = "2016")]
    V2016,
    /// `status` values from 2018-06 to 2020-04.
    #[serde(rename = "2018")]
    V2018,
    /// `status` then `phases` names from 2020-04 to 2026-05.
    #[serde(rename = "2020")]
    V2020,
    /// `phases` names since 2026-05-11 (the renaming, [`Vocabulary::since`]).
    #[serde(rename = "2026")]
    V2026,
}

impl Vocabulary {
    /// All vocabularies, oldest first.
    pub const ALL: [Vocabulary; 4] = [
        Vocabulary::V2016,
        Vocabulary::V2018,
        Vocabulary::V2020,
        Vocabulary::V2026,
    ];

    /// The key used in files and outputs: `2016`, `2018`, `2020`, `2026`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Vocabulary::V2016 => "2016",
            Vocabulary::V2018 => "2018",
            Vocabulary::V2020 => "2020",
            Vocabulary::V2026 => "2026",
        }
    }

    /// The day the site's repository started writing this vocabulary's names: the
    /// `status` list of 2016-02-23, the 2018-06-13 list with `acceleration`, the
    /// 2020-04-29 list with `success` and `alumni`, and the 2026-05-11 renaming
    /// (every `phases` name rewritten in one commit; see the mapping in
    /// docs/phases.md). Older names were never rewritten before 2026: a folder of
    /// an earlier date keeps its own.
    ///
    /// ```
    /// use betagouv_portfolio::Vocabulary;
    /// assert_eq!(Vocabulary::V2026.since().to_string(), "2026-05-11");
    /// ```
    #[must_use]
    pub fn since(self) -> chrono::NaiveDate {
        let (y, m, d) = match self {
            Vocabulary::V2016 => (2016, 2, 23),
            Vocabulary::V2018 => (2018, 6, 13),
            Vocabulary::V2020 => (2020, 4, 29),
            Vocabulary::V2026 => (2026, 5, 11),
        };
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    /// The vocabulary the site's repository wrote on `date`: the latest whose
    /// [`since`](Vocabulary::since) is on or before it (the 2016 one before 2016-02-23).
    /// A folder's own names decide its vocabulary ([`Vocabulary::detect`]); this is
    /// the date's expectation, e.g. to check a detection or to label a commit.
    ///
    /// ```
    /// use betagouv_portfolio::Vocabulary;
    /// let d = |s: &str| s.parse::<chrono::NaiveDate>();
    /// assert_eq!(Vocabulary::in_force_on(d("2026-05-10")?), Vocabulary::V2020);
    /// assert_eq!(Vocabulary::in_force_on(d("2026-05-11")?), Vocabulary::V2026);
    /// assert_eq!(Vocabulary::in_force_on(d("2015-12-18")?), Vocabulary::V2016);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    #[must_use]
    pub fn in_force_on(date: chrono::NaiveDate) -> Vocabulary {
        Vocabulary::ALL
            .into_iter()
            .rev()
            .find(|v| v.since() <= date)
            .unwrap_or(Vocabulary::V2016)
    }

    /// The names the site counts as an active product in this vocabulary
    /// ([`ActiveRule::Site`](crate::ActiveRule::Site)). Since 2026-05 the site has its
    /// own list: investigation, construction, acceleration, consolidation (called
    /// `perennisation` until 2026-05-28, both listed) and `opere` (operated within the
    /// network). It had none before; for the older vocabularies the list is the 2026
    /// one read through the 2026 renaming, which is also our stage table's active set:
    /// `transfer` (mostly renamed `consolidation`) is active, `success` (mostly
    /// renamed `transfere`) and `alumni` are not.
    ///
    /// ```
    /// use betagouv_portfolio::Vocabulary;
    /// assert!(Vocabulary::V2026.site_active_names().contains(&"opere"));
    /// assert!(!Vocabulary::V2020.site_active_names().contains(&"success"));
    /// ```
    #[must_use]
    pub fn site_active_names(self) -> &'static [&'static str] {
        match self {
            Vocabulary::V2016 => &[
                "investigation",
                "construction",
                "consolidation",
                "passation",
            ],
            Vocabulary::V2018 => &[
                "investigation",
                "construction",
                "acceleration",
                "consolidation",
            ],
            Vocabulary::V2020 => &[
                "investigation",
                "construction",
                "acceleration",
                "consolidation",
                "transfert",
                "transfer",
            ],
            Vocabulary::V2026 => &[
                "investigation",
                "construction",
                "acceleration",
                "consolidation",
                "perennisation",
                "opere",
            ],
        }
    }

    /// The names this vocabulary defines, with their stage.
    #[must_use]
    pub fn names(self) -> &'static [(&'static str, Stage)] {
        use Stage::{InHandover, Incubating, Stopped, TakenOver};
        match self {
            Vocabulary::V2016 => &[
                ("investigation", Incubating),
                ("construction", Incubating),
                ("consolidation", Incubating),
                ("passation", InHandover),
                ("success", TakenOver),
                ("retirement", Stopped),
                ("death", Stopped),
            ],
            Vocabulary::V2018 => &[
                ("investigation", Incubating),
                ("construction", Incubating),
                ("acceleration", Incubating),
                ("consolidation", Incubating),
                ("death", Stopped),
            ],
            Vocabulary::V2020 => &[
                ("investigation", Incubating),
                ("construction", Incubating),
                ("acceleration", Incubating),
                ("consolidation", InHandover),
                ("transfert", InHandover),
                ("transfer", InHandover),
                ("success", TakenOver),
                ("alumni", Stopped),
                ("death", Stopped),
            ],
            Vocabulary::V2026 => &[
                ("investigation", Incubating),
                ("construction", Incubating),
                ("acceleration", Incubating),
                ("consolidation", InHandover),
                ("perennisation", InHandover),
                ("transfere", TakenOver),
                ("opere", TakenOver),
                ("abandon", Stopped),
                ("abandon-investigation", Stopped),
            ],
        }
    }

    /// The stage `name` means in this vocabulary; [`Stage::Unknown`] when it does not
    /// define it. Names are compared exactly (a capitalised `Consolidation` is unknown).
    #[must_use]
    pub fn stage_of(self, name: &str) -> Stage {
        self.names()
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(Stage::Unknown, |(_, s)| *s)
    }

    /// Decides the vocabulary of a folder from the phase names of its records.
    ///
    /// `records` yields, for each start-up, where its phases came from and their
    /// names. Records using `status`: any `alumni` or `transfert`, or `acceleration`
    /// together with `success`, means the 2020 list; otherwise `acceleration`
    /// means the 2018 list; otherwise the 2016 list. Records using `phases`: any of
    /// `opere`, `transfere`, `abandon`, `abandon-investigation`, `perennisation`,
    /// `consolidation` means the 2026 list; otherwise the 2020 list. When a folder
    /// mixes both fields, the `phases` records decide. An empty folder is 2026.
    ///
    /// ```
    /// use betagouv_portfolio::{PhaseField, Vocabulary};
    /// let v = Vocabulary::detect([(PhaseField::Status, vec!["construction", "passation"])]);
    /// assert_eq!(v, Vocabulary::V2016);
    /// let v = Vocabulary::detect([(PhaseField::Phases, vec!["construction", "alumni"])]);
    /// assert_eq!(v, Vocabulary::V2020);
    /// ```
    pub fn detect<'a, I, N>(records: I) -> Vocabulary
    where
        I: IntoIterator<Item = (PhaseField, N)>,
        N: IntoIterator<Item = &'a str>,
    {
        let mut evidence = VocabularyEvidence::default();
        for (field, names) in records {
            evidence.add(&VocabularyEvidence::of_record(field, names));
        }
        evidence.vocabulary()
    }
}

/// What [`Vocabulary::detect`] looks at, counted over start-ups, so that a caller
/// keeping a portfolio up to date (a replay of a repository's history) can add and
/// remove one start-up's evidence instead of detecting over all of them again.
///
/// ```
/// use betagouv_portfolio::{PhaseField, Vocabulary, VocabularyEvidence};
/// let a = VocabularyEvidence::of_record(PhaseField::Status, ["construction", "acceleration"]);
/// let b = VocabularyEvidence::of_record(PhaseField::Status, ["success"]);
/// let mut all = VocabularyEvidence::default();
/// all.add(&a);
/// assert_eq!(all.vocabulary(), Vocabulary::V2018);
/// all.add(&b);
/// assert_eq!(all.vocabulary(), Vocabulary::V2020);
/// all.remove(&b);
/// assert_eq!(all.vocabulary(), Vocabulary::detect([(PhaseField::Status, ["construction", "acceleration"])]));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VocabularyEvidence {
    /// Start-ups counted for: any `status`, `alumni`/`transfert`, `acceleration`,
    /// `success`, any `phases`, a 2026-only phase name.
    counts: [usize; 6],
}

impl VocabularyEvidence {
    const STATUS: usize = 0;
    const S_2020: usize = 1;
    const S_ACCEL: usize = 2;
    const S_SUCCESS: usize = 3;
    const PHASES: usize = 4;
    const P_2026: usize = 5;

    /// The evidence of one start-up whose phases came from `field` with `names`.
    #[must_use]
    pub fn of_record<'a>(field: PhaseField, names: impl IntoIterator<Item = &'a str>) -> Self {
        let mut seen = [false; 6];
        for name in names {
            match field {
                PhaseField::Status => {
                    seen[Self::STATUS] = true;
                    match name {
                        "alumni" | "transfert" => seen[Self::S_2020] = true,
                        "acceleration" => seen[Self::S_ACCEL] = true,
                        "success" => seen[Self::S_SUCCESS] = true,
                        _ => {}
                    }
                }
                PhaseField::Phases => {
                    seen[Self::PHASES] = true;
                    if matches!(
                        name,
                        "opere"
                            | "transfere"
                            | "abandon"
                            | "abandon-investigation"
                            | "perennisation"
                            | "consolidation"
                    ) {
                        seen[Self::P_2026] = true;
                    }
                }
            }
        }
        Self {
            counts: seen.map(usize::from),
        }
    }

    /// Adds `other`'s start-ups.
    pub fn add(&mut self, other: &Self) {
        for (c, o) in self.counts.iter_mut().zip(other.counts) {
            *c = c.saturating_add(o);
        }
    }

    /// Removes `other`'s start-ups (added before).
    pub fn remove(&mut self, other: &Self) {
        for (c, o) in self.counts.iter_mut().zip(other.counts) {
            *c = c.saturating_sub(o);
        }
    }

    /// The vocabulary the evidence points to (the rules of [`Vocabulary::detect`]).
    #[must_use]
    pub fn vocabulary(&self) -> Vocabulary {
        let any = |i: usize| self.counts.get(i).is_some_and(|c| *c > 0);
        if any(Self::PHASES) {
            if any(Self::P_2026) {
                Vocabulary::V2026
            } else {
                Vocabulary::V2020
            }
        } else if any(Self::STATUS) {
            if any(Self::S_2020) || (any(Self::S_ACCEL) && any(Self::S_SUCCESS)) {
                Vocabulary::V2020
            } else if any(Self::S_ACCEL) {
                Vocabulary::V2018
            } else {
                Vocabulary::V2016
            }
        } else {
            Vocabulary::V2026
        }
    }
}

keyed_text_form!(Vocabulary, "vocabulary");

/// How the current phase of a start-up is chosen.
///
/// Text form: the command line's, `at-date`, `last-listed`, `latest-start`
/// ([`Display`](std::fmt::Display) and [`FromStr`] round-trip; [`FromStr`] also takes the
/// JSON spelling, `at_date`, ...).
///
/// ```
/// use betagouv_portfolio::PhaseRule;
/// assert_eq!("last-listed".parse::<PhaseRule>()?, PhaseRule::LastListed);
/// assert_eq!("latest_start".parse::<PhaseRule>()?, PhaseRule::LatestStart);
/// assert_eq!(PhaseRule::AtDate.to_string(), "at-date");
/// assert!("today".parse::<PhaseRule>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PhaseRule {
    /// The phase with the latest start on or before the date (ties: the later one in the
    /// list; undated phases ignored). For `status` records, the status, counted as started
    /// when its `start` is missing or partial. This is the library's rule.
    #[default]
    AtDate,
    /// The last phase in file order, whatever the dates: the site's rule from 2020-07 to 2026-05.
    LastListed,
    /// The phase with the greatest start, whatever the date (a planned phase counts): the
    /// site's rule since 2026-05.
    LatestStart,
}

impl PhaseRule {
    /// Every rule, the library's first.
    pub const ALL: [PhaseRule; 3] = [
        PhaseRule::AtDate,
        PhaseRule::LastListed,
        PhaseRule::LatestStart,
    ];

    /// The command line's name: `at-date`, `last-listed` or `latest-start`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            PhaseRule::AtDate => "at-date",
            PhaseRule::LastListed => "last-listed",
            PhaseRule::LatestStart => "latest-start",
        }
    }
}

keyed_text_form!(PhaseRule);

impl FromStr for PhaseRule {
    type Err = ParseKeyError;
    fn from_str(s: &str) -> Result<Self, ParseKeyError> {
        parse_key(
            "phase rule",
            &PhaseRule::ALL,
            PhaseRule::key,
            &s.replace('_', "-"),
        )
        .map_err(|mut e| {
            s.clone_into(&mut e.value);
            e
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_the_issue() {
        use Stage::*;
        let cases = [
            (Vocabulary::V2016, "consolidation", Incubating),
            (Vocabulary::V2016, "passation", InHandover),
            (Vocabulary::V2016, "success", TakenOver),
            (Vocabulary::V2016, "retirement", Stopped),
            (Vocabulary::V2016, "acceleration", Unknown),
            (Vocabulary::V2018, "acceleration", Incubating),
            (Vocabulary::V2018, "success", Unknown),
            (Vocabulary::V2020, "transfer", InHandover),
            (Vocabulary::V2020, "success", TakenOver),
            (Vocabulary::V2026, "opere", TakenOver),
            (Vocabulary::V2026, "abandon-investigation", Stopped),
            (Vocabulary::V2026, "alumni", Unknown),
        ];
        for (v, n, s) in cases {
            assert_eq!(v.stage_of(n), s, "{v} {n}");
        }
    }

    #[test]
    fn detection_rules() {
        use PhaseField::{Phases, Status};
        let d = |f, n: &[&'static str]| Vocabulary::detect([(f, n.to_vec())]);
        assert_eq!(d(Status, &["acceleration", "success"]), Vocabulary::V2020);
        assert_eq!(d(Status, &["acceleration"]), Vocabulary::V2018);
        assert_eq!(d(Status, &["transfert"]), Vocabulary::V2020);
        assert_eq!(d(Status, &["success", "death"]), Vocabulary::V2016);
        assert_eq!(d(Phases, &["consolidation"]), Vocabulary::V2026);
        assert_eq!(d(Phases, &["success", "transfer"]), Vocabulary::V2020);
    }

    #[test]
    fn keys_parse_back() {
        for s in Stage::ALL {
            assert_eq!(s.key().parse::<Stage>(), Ok(s));
        }
        for v in Vocabulary::ALL {
            assert_eq!(v.key().parse::<Vocabulary>(), Ok(v));
        }
        assert!("x".parse::<Stage>().is_err());
        let e = "at date".parse::<PhaseRule>().err();
        assert_eq!(
            e.map(|e| e.to_string()).as_deref(),
            Some(
                "unknown phase rule \"at date\"; expected one of at-date, last-listed, latest-start"
            )
        );
    }

    #[test]
    fn json_keeps_its_spelling() {
        let json = serde_json::to_string(&(
            PhaseRule::LatestStart,
            Stage::InHandover,
            Vocabulary::V2026,
            PhaseField::Status,
        ));
        assert_eq!(
            json.unwrap(),
            r#"["latest_start","in_handover","2026","status"]"#
        );
    }

    proptest::proptest! {
        #[test]
        fn text_forms_round_trip(i in 0usize..64) {
            let st = Stage::ALL[i % Stage::ALL.len()];
            proptest::prop_assert_eq!(st.to_string().parse::<Stage>(), Ok(st));
            let v = Vocabulary::ALL[i % Vocabulary::ALL.len()];
            proptest::prop_assert_eq!(v.to_string().parse::<Vocabulary>(), Ok(v));
            let r = PhaseRule::ALL[i % PhaseRule::ALL.len()];
            proptest::prop_assert_eq!(r.to_string().parse::<PhaseRule>(), Ok(r));
            let f = PhaseField::ALL[i % PhaseField::ALL.len()];
            proptest::prop_assert_eq!(f.to_string().parse::<PhaseField>(), Ok(f));
        }

        #[test]
        fn parsing_any_text_never_panics_and_agrees_with_display(s in ".{0,20}") {
            if let Ok(st) = s.parse::<Stage>() {
                proptest::prop_assert_eq!(st.to_string(), s.clone());
            }
            if let Ok(r) = s.parse::<PhaseRule>() {
                proptest::prop_assert_eq!(r.to_string(), s.replace('_', "-"));
            }
            if let Ok(v) = s.parse::<Vocabulary>() {
                proptest::prop_assert_eq!(v.to_string(), s);
            }
        }
    }
}
