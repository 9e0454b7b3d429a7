//! Upgrading an old-layout folder (2016-2020) to the current layout.
//!
//! `status` + `start` become a one-item `phases` list; top-level member
//! `start`/`end`/`employer` become one mission; phase names stay as written and
//! the folder's vocabulary is recorded in the `vocabulary` key, so that reading
//! the upgraded folder gives the same snapshot as the old one at the old
//! folder's date. A `status` record without a full start date cannot be dated in
//! a `phases` list (it would count as not started): such records are reported.

use std::path::Path;

use betagouv_portfolio::{
    Diagnostic, MemberShape, PhaseField, Portfolio, RecordDate, RecordKind, Severity,
};

use crate::error::Result;
use crate::read::{Import, ReadOptions, read_folder};
use crate::write::{WriteOptions, WriteReport, write_portfolio};

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
                            "upgrade-undated",
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

/// Reads `old`, upgrades it and writes it under `new` in the current layout.
///
/// # Errors
///
/// Those of [`read_folder`] and [`write_portfolio`].
pub fn upgrade(old: &Path, new: &Path, options: &ReadOptions) -> Result<Upgrade> {
    let import = read_folder(old, options)?;
    let (p, undated) = upgrade_portfolio(&import.portfolio);
    let written = write_portfolio(&p, new, &WriteOptions::default())?;
    Ok(Upgrade {
        import,
        written,
        undated,
    })
}
