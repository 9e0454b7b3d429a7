//! Plain rows in which the built-in 2016 dataset is written (see `data_2016.rs`).

/// One start-up of the 2016 snapshot, as its record said it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StartupRow {
    /// File id (file name without `.md`).
    pub(crate) id: &'static str,
    /// `title` as written.
    pub(crate) title: &'static str,
    /// A one-sentence pitch in our own words (French, infinitive, like the original `mission` field style).
    pub(crate) pitch: &'static str,
    /// `status` as written (2016 vocabulary).
    pub(crate) status: &'static str,
    /// `start` as written (`YYYY-MM-DD`, or a partial date such as `2015-01`); `""` when absent.
    pub(crate) start: &'static str,
    /// `owner` as written (free text); `""` when absent.
    pub(crate) owner: &'static str,
    /// `link` as written; `""` when absent or empty.
    pub(crate) link: &'static str,
    /// `repository` as written; `""` when absent or empty.
    pub(crate) repository: &'static str,
}

/// One member of the 2016 snapshot (pseudonymised), with its single M1 mission.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MemberRow {
    /// Pseudonymised file id, e.g. `member-0001`.
    pub(crate) id: &'static str,
    /// Pseudonymised `fullname`, e.g. `Membre 0001`.
    pub(crate) fullname: &'static str,
    /// `role` as written.
    pub(crate) role: &'static str,
    /// `start` as written; `""` when absent.
    pub(crate) start: &'static str,
    /// `end` as written; `""` when absent or null.
    pub(crate) end: &'static str,
    /// `employer` as written, trimmed and without a trailing YAML comment; `""` when absent.
    pub(crate) employer: &'static str,
}
