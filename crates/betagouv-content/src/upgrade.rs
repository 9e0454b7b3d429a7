//! Upgrading an old-layout folder (2016-2020) to the current layout.
//!
//! `status` + `start` become a one-item `phases` list; top-level member
//! `start`/`end`/`employer` become one mission; phase names stay as written and
//! the folder's vocabulary is recorded in the `vocabulary` key, so that reading
//! the upgraded folder gives the same snapshot as the old one at the old
//! folder's date. A `status` record without a full start date cannot be dated in
//! a `phases` list (it would count as not started): such records are reported.

use std::path::Path;

use betagouv_output::{FolderNames, Output};

use betagouv_portfolio::{
    Diagnostic, MemberShape, PhaseField, Portfolio, RecordDate, RecordKind, Severity,
};

use crate::error::Result;
use crate::read::{Import, ReadOptions, read_folder};
use crate::rules;
use crate::write::{WriteOptions, WriteReport, write_portfolio, writes};

/// The portfolio in the current shapes, with a warning (`upgrade-undated`) per
/// start-up whose status had no full start date.
#[must_use]
pub fn upgrade_portfolio(portfolio: &Portfolio) -> (Portfolio, Vec<Diagnostic>) {
    let mut p = portfolio.clone();
    let mut diags = Vec::new();
    for s in &mut p.startups {
        if s.phase_field == PhaseField::Status {
            s.phase_field = PhaseField::Phases;
            for ph in &s.phases {
                if !matches!(ph.start, Some(RecordDate::Exact(_))) {
                    let start = ph
                        .start
                        .as_ref()
                        .map_or("none".to_owned(), ToString::to_string);
                    diags.push(
                        Diagnostic::new(
                            Severity::Warning,
                            rules::UPGRADE_UNDATED,
                            format!(
                                "status `{}` has no full start date ({start}); as a phase it cannot be dated and counts as not started: add its start date",
                                ph.name
                            ),
                        )
                        .for_record(RecordKind::Startup, s.id.as_str()),
                    );
                }
            }
        }
    }
    for m in &mut p.members {
        m.shape = MemberShape::Missions;
    }
    (p, diags)
}

/// An upgrade's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    /// The old folder as read.
    pub import: Import,
    /// What was written.
    pub written: WriteReport,
    /// Records that cannot be dated (`upgrade-undated`).
    pub undated: Vec<Diagnostic>,
}

/// The output of an upgrade of `old` to `new`: a folder that may not be, contain or
/// be inside `old`, replaced with `force` only when it holds nothing but what an
/// upgrade writes ([`crate::write::writes`]).
#[must_use]
pub fn output(old: &Path, new: &Path, force: bool) -> Output {
    Output::folder(
        new,
        FolderNames {
            what: "a content upgrade",
            accepts: writes,
        },
    )
    .force(force)
    .input(old)
}

/// Reads `old`, upgrades it and writes it as the new folder `new` in the current
/// layout (never over an existing `new`).
///
/// # Errors
///
/// As [`upgrade_with`].
pub fn upgrade(old: &Path, new: &Path, options: &ReadOptions) -> Result<Upgrade> {
    upgrade_with(old, new, options, false)
}

/// Reads `old`, upgrades it and writes it as the folder `new` in the current layout,
/// through the output policy ([`output`]): `new` is written in a temporary folder
/// beside it and renamed into place when complete; with `force`, an existing `new`
/// that holds only upgrade output is replaced.
///
/// ```
/// use betagouv_content::upgrade::upgrade_with;
/// use betagouv_content::ReadOptions;
/// let dir = tempfile::tempdir()?;
/// let old = dir.path().join("old");
/// std::fs::create_dir_all(old.join("content/_startups"))?;
/// // Never inside its input.
/// assert!(upgrade_with(&old, &old.join("new"), &ReadOptions::default(), true).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Output`](crate::Error::Output) when the policy refuses `new`; those of
/// [`read_folder`] and [`write_portfolio`].
pub fn upgrade_with(old: &Path, new: &Path, options: &ReadOptions, force: bool) -> Result<Upgrade> {
    // Refuse a bad `new` before reading anything.
    output(old, new, force).check()?;
    let import = read_folder(old, options)?;
    upgrade_import(old, import, new, force)
}

/// [`upgrade_with`] for a folder already read: `import` is [`read_folder`]'s answer
/// for `old` (a caller that reports the import first need not read it twice).
///
/// # Errors
///
/// [`Error::Output`](crate::Error::Output) when the policy refuses `new`; those of
/// [`write_portfolio`].
pub fn upgrade_import(old: &Path, import: Import, new: &Path, force: bool) -> Result<Upgrade> {
    let out = output(old, new, force);
    let (p, undated) = upgrade_portfolio(&import.portfolio);
    let mut written = WriteReport::default();
    out.write_folder(|tmp| {
        let mut w = write_portfolio(&p, tmp, &WriteOptions::default())?;
        // Name the files where they end up, not in the temporary.
        for f in &mut w.files {
            if let Ok(rel) = f.strip_prefix(tmp) {
                *f = new.join(rel);
            }
        }
        written = w;
        Ok::<(), crate::Error>(())
    })?;
    Ok(Upgrade {
        import,
        written,
        undated,
    })
}
