//! The impact file: each start-up's evaluations and KPIs, in TOML.
//!
//! The format is documented with examples in `docs/impact.md`. The types
//! are always available (with serde); reading the TOML text needs the
//! `toml` feature.

#[cfg(feature = "toml")]
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::compare::{Arms, Comparison, compare};
use crate::encouragement::EncouragementArm;
use crate::error::{Error, Result};
use crate::kpi::{Period, Rate};
use crate::limits::check_kpi_value;
use crate::proportion::Counts;

/// A whole impact file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImpactFile {
    /// Start-ups, in file order.
    #[serde(default)]
    pub startup: Vec<StartupImpact>,
}

/// The evaluations and KPIs of one start-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartupImpact {
    /// Start-up id (slug), e.g. `labonneboite`; unique in the file (checked
    /// on reading).
    pub id: String,
    /// The service's name, for services the portfolio does not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Cohort evaluations.
    #[serde(default)]
    pub evaluation: Vec<Evaluation>,
    /// Usage KPIs.
    #[serde(default)]
    pub kpi: Vec<Kpi>,
}

/// How the two cohorts were formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum EvaluationDesign {
    /// Randomised assignment to the service.
    Randomized,
    /// Randomised (or as good as random) encouragement to use the service:
    /// the contrast is an intent-to-treat effect.
    Encouragement,
    /// Observational comparison of two cohorts.
    Observational,
}

/// One arm of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawArm")]
pub struct Arm {
    /// Free label (e.g. "encouraged").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The label in French, for French reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_fr: Option<String>,
    /// Cohort size.
    pub n: u64,
    /// People with the outcome.
    pub successes: u64,
    /// People who used the service (encouragement designs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<u64>,
    /// People who used the service and had the outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub successes_among_users: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArm {
    label: Option<String>,
    label_fr: Option<String>,
    n: u64,
    successes: u64,
    users: Option<u64>,
    successes_among_users: Option<u64>,
}

impl TryFrom<RawArm> for Arm {
    type Error = Error;
    fn try_from(r: RawArm) -> Result<Self> {
        let what = r.label.as_deref().unwrap_or("arm");
        Counts::new(what, r.successes, r.n)?;
        match (r.users, r.successes_among_users) {
            (Some(u), Some(s)) => {
                EncouragementArm::new(what, r.n, u, r.successes, s)?;
            }
            (Some(u), None) if u > r.n => {
                return Err(Error::InconsistentCounts {
                    what: what.to_owned(),
                    detail: "users exceed n",
                });
            }
            (None, Some(_)) => {
                return Err(Error::InconsistentCounts {
                    what: what.to_owned(),
                    detail: "successes_among_users needs users",
                });
            }
            _ => {}
        }
        Ok(Arm {
            label: r.label,
            label_fr: r.label_fr,
            n: r.n,
            successes: r.successes,
            users: r.users,
            successes_among_users: r.successes_among_users,
        })
    }
}

impl Arm {
    /// The arm's validated counts.
    ///
    /// # Errors
    /// Never for an arm read from a file (validated on reading).
    pub fn counts(&self) -> Result<Counts> {
        Counts::new(
            self.label.as_deref().unwrap_or("arm"),
            self.successes,
            self.n,
        )
    }
}

/// A comparison of two cohorts on a binary outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Id, unique within the start-up (checked on reading).
    pub id: String,
    /// How the cohorts were formed.
    pub design: EvaluationDesign,
    /// What counts as a success.
    pub outcome: String,
    /// The outcome in French, for French reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome_fr: Option<String>,
    /// Horizon of the outcome, in days (e.g. 150 for "within 5 months").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub horizon_days: Option<u32>,
    /// Where the figures come from.
    pub source: String,
    /// Free remark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Treated or encouraged cohort.
    pub treated: Arm,
    /// Control cohort.
    pub control: Arm,
}

impl Evaluation {
    /// Compares the two arms (see [`compare`]).
    ///
    /// # Errors
    /// [`Error::InvalidAlpha`] unless `0 < alpha < 1`.
    pub fn compare(&self, alpha: f64) -> Result<Comparison> {
        compare(self.arms()?, alpha)
    }

    /// The arms as an encouragement design's ([`crate::encouragement`]), when
    /// both give their users and their users' successes; `None` otherwise.
    ///
    /// # Errors
    /// Never for an evaluation read from a file (validated on reading).
    pub fn encouragement_arms(&self) -> Result<Option<Arms<EncouragementArm>>> {
        let arm = |a: &Arm, what: &str| -> Result<Option<EncouragementArm>> {
            match (a.users, a.successes_among_users) {
                (Some(u), Some(s)) => EncouragementArm::new(what, a.n, u, a.successes, s).map(Some),
                _ => Ok(None),
            }
        };
        Ok(
            match (
                arm(&self.treated, "treated")?,
                arm(&self.control, "control")?,
            ) {
                (Some(treated), Some(control)) => Some(Arms { treated, control }),
                _ => None,
            },
        )
    }

    /// The validated counts of the two arms.
    ///
    /// # Errors
    /// Never for an evaluation read from a file (validated on reading).
    pub fn arms(&self) -> Result<Arms<Counts>> {
        Ok(Arms {
            treated: self.treated.counts()?,
            control: self.control.counts()?,
        })
    }
}

/// How a published figure relates to the true value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Bound {
    /// The figure is the value.
    #[default]
    Exact,
    /// "More than" the figure.
    MoreThan,
    /// "About" the figure.
    About,
}

/// A usage KPI: a count, per period or cumulative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// What is counted (people, not sessions, where possible).
    pub metric: String,
    /// The metric in French, for French reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric_fr: Option<String>,
    /// The count: finite, in [0, 1e15] ([`crate::limits::KPI_VALUE_MAX`]);
    /// anything else (NaN, infinities, negative) is refused on reading with
    /// its line and column.
    #[serde(deserialize_with = "kpi_value")]
    pub value: f64,
    /// Per which period; absent for a stock or cumulative count.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// How the figure relates to the true value.
    #[serde(default)]
    pub bound: Bound,
    /// Year of the figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Where the figure comes from.
    pub source: String,
}

fn kpi_value<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    let v = f64::deserialize(d)?;
    check_kpi_value(v).map_err(serde::de::Error::custom)
}

impl Kpi {
    /// The KPI as a [`Rate`], when it has a period.
    #[must_use]
    pub fn rate(&self) -> Option<Rate> {
        self.period.map(|period| Rate {
            value: self.value,
            period,
        })
    }
}

/// 1-based line and column (in characters) of a byte offset.
#[cfg(feature = "toml")]
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut start = offset;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

impl ImpactFile {
    /// The start-up with this id.
    #[must_use]
    pub fn startup(&self, id: &str) -> Option<&StartupImpact> {
        self.startup.iter().find(|s| s.id == id)
    }
}

#[cfg(feature = "toml")]
#[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
impl ImpactFile {
    /// Parses an impact file whose path is unknown (errors say
    /// `<impact file>:LINE:COLUMN`); [`ImpactFile::parse_at`] names the file.
    ///
    /// # Errors
    /// [`Error::ImpactFile`] with the line and column of the problem: TOML
    /// syntax, unknown keys, wrong types, inconsistent counts, KPI values
    /// that are not finite numbers in [0, 1e15], a start-up id given twice
    /// or an evaluation id given twice in a start-up (located at the second,
    /// the message giving the line and column of the first).
    ///
    /// ```
    /// let text = r#"
    /// [[startup]]
    /// id = "labonneboite"
    /// [[startup.evaluation]]
    /// id = "cohorts"
    /// design = "encouragement"
    /// outcome = "returned to work within 5 months"
    /// source = "2016 report"
    /// treated = { n = 100000, successes = 22100 }
    /// control = { n = 100000, successes = 20000 }
    /// "#;
    /// let file = betagouv_impact::ImpactFile::parse(text)?;
    /// assert_eq!(file.startup[0].evaluation[0].treated.successes, 22_100);
    /// let bad = text.replace("22100", "122100");
    /// let err = betagouv_impact::ImpactFile::parse(&bad).err().map(|e| e.to_string());
    /// assert!(err.is_some_and(|e| e.starts_with("<impact file>:9:")));
    /// let err = betagouv_impact::ImpactFile::parse_at(&bad, "impact.toml").err();
    /// assert!(err.is_some_and(|e| e.to_string().starts_with("impact.toml:9:")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_named(text, None)
    }

    /// Parses the text of the impact file at `path` (the file is not read:
    /// `path` only names it in the errors, `PATH:LINE:COLUMN: ...`).
    ///
    /// # Errors
    /// As [`ImpactFile::parse`].
    pub fn parse_at(text: &str, path: impl AsRef<Path>) -> Result<Self> {
        Self::parse_named(text, Some(path.as_ref()))
    }

    fn parse_named(text: &str, path: Option<&Path>) -> Result<Self> {
        let located = |e: toml::de::Error| {
            let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
            Error::ImpactFile {
                path: path.map(Path::to_path_buf),
                line,
                column,
                message: e.message().trim_end().to_owned(),
            }
        };
        let file: Self = toml::from_str(text).map_err(located)?;
        if file.has_duplicate_ids() {
            // Read again, keeping the positions of the ids, to name both.
            let spans: SpanFile = toml::from_str(text).map_err(located)?;
            if let Some((what, first, second)) = spans.first_duplicate() {
                let (l1, c1) = line_column(text, first);
                let (line, column) = line_column(text, second);
                return Err(Error::ImpactFile {
                    path: path.map(Path::to_path_buf),
                    line,
                    column,
                    message: format!("{what} (first given at line {l1}, column {c1})"),
                });
            }
        }
        Ok(file)
    }

    fn has_duplicate_ids(&self) -> bool {
        let mut startups = std::collections::HashSet::new();
        self.startup.iter().any(|s| {
            let mut evaluations = std::collections::HashSet::new();
            !startups.insert(s.id.as_str())
                || s.evaluation
                    .iter()
                    .any(|e| !evaluations.insert(e.id.as_str()))
        })
    }
}

/// The ids of an impact file with their positions, read only to locate
/// duplicates.
#[cfg(feature = "toml")]
#[derive(Deserialize)]
struct SpanFile {
    #[serde(default)]
    startup: Vec<SpanStartup>,
}

#[cfg(feature = "toml")]
#[derive(Deserialize)]
struct SpanStartup {
    id: toml::Spanned<String>,
    #[serde(default)]
    evaluation: Vec<SpanId>,
}

#[cfg(feature = "toml")]
#[derive(Deserialize)]
struct SpanId {
    id: toml::Spanned<String>,
}

#[cfg(feature = "toml")]
impl SpanFile {
    /// The first id given twice: a description, and the byte offsets of its
    /// first and second occurrences.
    fn first_duplicate(&self) -> Option<(String, usize, usize)> {
        let mut startups: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for s in &self.startup {
            let id = s.id.get_ref().as_str();
            if let Some(&first) = startups.get(id) {
                return Some((
                    format!("duplicate start-up id {id:?}"),
                    first,
                    s.id.span().start,
                ));
            }
            startups.insert(id, s.id.span().start);
            let mut evaluations: std::collections::HashMap<&str, usize> =
                std::collections::HashMap::new();
            for e in &s.evaluation {
                let eid = e.id.get_ref().as_str();
                if let Some(&first) = evaluations.get(eid) {
                    return Some((
                        format!("duplicate evaluation id {eid:?} in start-up {id:?}"),
                        first,
                        e.id.span().start,
                    ));
                }
                evaluations.insert(eid, e.id.span().start);
            }
        }
        None
    }
}

/// The TOML text of the built-in 2016 dataset's impact part.
pub const BUILTIN_2016_TOML: &str = include_str!("../data/builtin-2016.toml");

/// The impact part of the built-in 2016 dataset: La Bonne Boîte's two
/// cohorts and the usage KPIs of the 2016 activity report.
///
/// ```
/// let f = betagouv_impact::builtin_2016();
/// let lbb = f.startup("labonneboite").map(|s| &s.evaluation[0]);
/// assert_eq!(lbb.map(|e| (e.treated.successes, e.control.successes)), Some((22_100, 20_000)));
/// ```
#[cfg(feature = "toml")]
#[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
#[must_use]
pub fn builtin_2016() -> ImpactFile {
    // The embedded text is parsed in this crate's tests, so this never
    // falls back to the empty default.
    ImpactFile::parse(BUILTIN_2016_TOML).unwrap_or_default()
}

#[cfg(all(test, feature = "toml"))]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses() {
        let f = ImpactFile::parse(BUILTIN_2016_TOML).expect("builtin parses");
        let ids: Vec<_> = f.startup.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["labonneboite", "mes-aides", "api-entreprise", "mps", "taxi"]
        );
        let e = &f.startup[0].evaluation[0];
        assert_eq!(e.horizon_days, Some(150));
        assert_eq!((e.treated.n, e.control.n), (100_000, 100_000));
        assert_eq!(f.startup[4].kpi.len(), 3);
        assert_eq!(
            f.startup("api-entreprise")
                .and_then(|s| s.kpi[0].rate())
                .map(|r| r.per(Period::Year)),
            Some(7_200_000.0)
        );
    }

    #[test]
    fn located_errors() {
        let err = |t: &str| {
            ImpactFile::parse_at(t, "impact.toml")
                .err()
                .map(|e| e.to_string())
        };
        let e = err("[[startup]]\nid = \"x\"\nfoo = 1\n").unwrap_or_default();
        assert!(e.starts_with("impact.toml:3:1: unknown field `foo`"), "{e}");
        let e = err("[[startup]]\nid = \"x\"\n[[startup.kpi]]\nmetric = \"m\"\nvalue = \"a\"\nsource = \"s\"\n").unwrap_or_default();
        assert!(e.starts_with("impact.toml:5:9:"), "{e}");
        let kpi = |v: &str| {
            format!(
                "[[startup]]\nid = \"x\"\n[[startup.kpi]]\nmetric = \"m\"\nsource = \"s\"\nvalue = {v}\n"
            )
        };
        for bad in ["nan", "-inf", "inf", "-1", "1e16"] {
            let e = err(&kpi(bad)).unwrap_or_default();
            assert!(
                e.starts_with("impact.toml:6:9: value must be a finite number in [0, 1e15]"),
                "{bad}: {e}"
            );
        }
        assert!(ImpactFile::parse(&kpi("0")).is_ok());
        let dup = "[[startup]]\nid = \"x\"\n[[startup]]\nid = \"y\"\n[[startup]]\nid = \"x\"\n";
        assert_eq!(
            err(dup).as_deref(),
            Some("impact.toml:6:6: duplicate start-up id \"x\" (first given at line 2, column 6)")
        );
        let eval = |id: &str| {
            format!(
                "[[startup.evaluation]]\nid = \"{id}\"\ndesign = \"randomized\"\noutcome = \"o\"\nsource = \"s\"\ntreated = {{ n = 2, successes = 1 }}\ncontrol = {{ n = 2, successes = 1 }}\n"
            )
        };
        let dup = format!("[[startup]]\nid = \"x\"\n{}{}", eval("a"), eval("a"));
        assert_eq!(
            err(&dup).as_deref(),
            Some(
                "impact.toml:11:6: duplicate evaluation id \"a\" in start-up \"x\" (first given at line 4, column 6)"
            )
        );
        // The same evaluation id in two start-ups is fine.
        let two = format!(
            "[[startup]]\nid = \"x\"\n{}[[startup]]\nid = \"y\"\n{}",
            eval("a"),
            eval("a")
        );
        assert!(ImpactFile::parse(&two).is_ok());
        let e = err("[[startup]\n").unwrap_or_default();
        assert!(e.starts_with("impact.toml:1:"), "{e}");
        assert_eq!(line_column("ab\ncdé\nf", 7), (2, 4));
    }
}
