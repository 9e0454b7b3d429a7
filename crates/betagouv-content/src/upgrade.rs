//! Upgrading an old-layout folder (2016-2020) to the current layout.
//!
//! `status` + `start` become a one-item `phases` list; top-level member
//! `start`/`end`/`employer` become one mission; phase names stay as written and
//! the folder's vocabulary is recorded in the `vocabulary` key, so that reading
//! the upgraded folder gives the same snapshot as the old one at the old
//! folder's date. A `status` record without a full start date cannot be dated in
//! a `phases` list (it would count as not started): such records are reported.

use std::path::Path;

use betagouv_output::{FolderNames, IfExists, Output};

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

/// Knobs of an upgrade: `UpgradeOptions::default()` and the `with_*` setters.
///
/// ```
/// use betagouv_content::upgrade::UpgradeOptions;
/// use betagouv_content::{IfExists, ReadOptions};
/// let options = UpgradeOptions::default()
///     .with_read(ReadOptions::default().with_threads(1))
///     .with_if_exists(IfExists::Replace);
/// assert_eq!(options.if_exists, IfExists::Replace);
/// ```
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UpgradeOptions {
    /// How to read the old folder.
    pub read: ReadOptions,
    /// What to do when the new folder exists (default: an error;
    /// [`IfExists::Replace`] replaces it when it holds only what an upgrade writes).
    pub if_exists: IfExists,
}

impl UpgradeOptions {
    /// With `read` as the way to read the old folder.
    #[must_use]
    pub fn with_read(mut self, read: ReadOptions) -> Self {
        self.read = read;
        self
    }

    /// With `if_exists` for an existing new folder.
    #[must_use]
    pub fn with_if_exists(mut self, if_exists: IfExists) -> Self {
        self.if_exists = if_exists;
        self
    }
}

/// An upgrade's outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Upgrade {
    /// The old folder as read.
    pub import: Import,
    /// What was written.
    pub written: WriteReport,
    /// Records that cannot be dated (`upgrade-undated`).
    pub undated: Vec<Diagnostic>,
}

/// The output of an upgrade of `old` to `new`: a folder that may not be, contain or
/// be inside `old`, replaced (with [`IfExists::Replace`]) only when it holds nothing
/// but what an upgrade writes ([`crate::write::writes`]).
#[must_use]
pub fn output(old: impl AsRef<Path>, new: impl AsRef<Path>, options: &UpgradeOptions) -> Output {
    Output::folder(
        new.as_ref(),
        FolderNames {
            what: "a content upgrade",
            accepts: writes,
        },
    )
    .if_exists(options.if_exists)
    .input(old.as_ref())
}

/// Reads `old`, upgrades it and writes it as the folder `new` in the current layout,
/// through the output policy ([`output`]): `new` is written in a temporary folder
/// beside it and renamed into place when complete; an existing `new` is an error,
/// or with [`IfExists::Replace`] is replaced when it holds only upgrade output.
///
/// ```
/// use betagouv_content::upgrade::{UpgradeOptions, upgrade};
/// use betagouv_content::IfExists;
/// let dir = tempfile::tempdir()?;
/// let old = dir.path().join("old");
/// std::fs::create_dir_all(old.join("content/_startups"))?;
/// // Never inside its input.
/// let options = UpgradeOptions::default().with_if_exists(IfExists::Replace);
/// assert!(upgrade(&old, old.join("new"), &options).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`Error::Output`](crate::Error::Output) when the policy refuses `new`; those of
/// [`read_folder`] and [`write_portfolio`].
pub fn upgrade(
    old: impl AsRef<Path>,
    new: impl AsRef<Path>,
    options: &UpgradeOptions,
) -> Result<Upgrade> {
    let (old, new) = (old.as_ref(), new.as_ref());
    // Refuse a bad `new` before reading anything.
    output(old, new, options).check()?;
    let import = read_folder(old, &options.read)?;
    upgrade_import(old, import, new, options)
}

/// [`upgrade`] for a folder already read: `import` is [`read_folder`]'s answer
/// for `old` (a caller that reports the import first need not read it twice);
/// `options.read` is not used.
///
/// # Errors
///
/// [`Error::Output`](crate::Error::Output) when the policy refuses `new`; those of
/// [`write_portfolio`].
pub fn upgrade_import(
    old: impl AsRef<Path>,
    import: Import,
    new: impl AsRef<Path>,
    options: &UpgradeOptions,
) -> Result<Upgrade> {
    let new = new.as_ref();
    let out = output(old, new, options);
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
