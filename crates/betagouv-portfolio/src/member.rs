//! Members of the community and their missions.
//!
//! ```
//! use betagouv_portfolio::{Member, MemberId, Mission};
//! use chrono::NaiveDate;
//! let d = |s: &str| s.parse::<NaiveDate>();
//! let mut m = Member::new(MemberId::new("ada.lovelace")?, "Ada Lovelace");
//! m.missions.push(Mission::new(Some(d("2016-01-01")?), Some(d("2016-12-31")?), Some("independent")));
//! assert!(m.is_active_at(d("2016-12-31")?));
//! assert!(!m.is_active_at(d("2017-01-01")?));
//! assert_eq!(m.status_at(d("2016-06-01")?), Some("independent"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::RecordDate;
use crate::id::{IncubatorId, MemberId, StartupId};
use crate::phase::keyed_text_form;
use crate::value::Extra;

/// How a member record stored its missions.
///
/// Text form: `missions` or `flat`, the same as the JSON one ([`Display`](std::fmt::Display)
/// and [`FromStr`](std::str::FromStr) round-trip).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MemberShape {
    /// A `missions` list (since 2019-04).
    #[default]
    Missions,
    /// Top-level `start`, `end`, `employer` (2016 to 2019-04), read as one mission.
    Flat,
}

impl MemberShape {
    /// Both shapes, the current one first.
    pub const ALL: [MemberShape; 2] = [MemberShape::Missions, MemberShape::Flat];

    /// The key: `missions` or `flat`.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            MemberShape::Missions => "missions",
            MemberShape::Flat => "flat",
        }
    }
}

keyed_text_form!(MemberShape, "member shape");

/// One mission of a member.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Mission {
    /// Start, when given.
    pub start: Option<RecordDate>,
    /// End, when given.
    pub end: Option<RecordDate>,
    /// Status as written: `admin`, `independent`, `service`, or in 2016 records the employer
    /// prefix before `/` (e.g. `dinsic`).
    pub status: Option<String>,
    /// Employer as written (free text; many spellings of one employer exist).
    pub employer: Option<String>,
    /// Start-ups worked on (since 2024).
    pub startups: Vec<StartupId>,
    /// Keys of the mission item the model does not know, with their value, type and file
    /// order (empty for flat records and new missions). Writers put them back after the
    /// modelled keys. Missing in older JSON: read as empty.
    #[serde(default)]
    pub extra: Extra,
}

impl Mission {
    /// A mission with exact dates and a status (no employer, start-up or unknown key).
    #[must_use]
    pub fn new(start: Option<NaiveDate>, end: Option<NaiveDate>, status: Option<&str>) -> Self {
        Self {
            start: start.map(RecordDate::Exact),
            end: end.map(RecordDate::Exact),
            status: status.map(str::to_owned),
            employer: None,
            startups: Vec::new(),
            extra: Extra::default(),
        }
    }

    /// Whether the mission covers `date`: exact start on or before `date`, and no end or an
    /// end on or after `date`. A mission without an exact start covers no date; an end that
    /// is not an exact date is treated as no end.
    #[must_use]
    pub fn covers(&self, date: NaiveDate) -> bool {
        let started = matches!(self.start, Some(RecordDate::Exact(s)) if s <= date);
        let not_ended = match self.end {
            Some(RecordDate::Exact(e)) => e >= date,
            _ => true,
        };
        started && not_ended
    }
}

/// A member ("author") of the community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The id (file name without `.md`).
    pub id: MemberId,
    /// Display name (`fullname`).
    pub fullname: String,
    /// Job title as free text (`role`).
    pub role: String,
    /// Field of work (`domaine`), since 2021.
    pub domaine: Option<String>,
    /// How the record stored its missions.
    pub shape: MemberShape,
    /// Missions in file order.
    pub missions: Vec<Mission>,
    /// Legacy list of current start-ups (`startups`, 2017-2024).
    pub startups: Vec<StartupId>,
    /// Legacy list of past start-ups (`previously`).
    pub previously: Vec<StartupId>,
    /// Skills (`competences`).
    pub competences: Vec<String>,
    /// `memberType` (`beta`, `autre`, `dinum`, `attributaire`).
    pub member_type: Option<String>,
    /// Teams (`teams`).
    pub teams: Vec<String>,
    /// Incubator of incubator staff (`incubator`).
    pub incubator: Option<IncubatorId>,
    /// Badges (`badges`).
    pub badges: Vec<String>,
    /// Keys the model does not know, in file order.
    pub extra: Extra,
    /// Markdown body.
    pub body: String,
}

impl Member {
    /// A member with a name and no mission.
    #[must_use]
    pub fn new(id: MemberId, fullname: impl Into<String>) -> Self {
        Self {
            id,
            fullname: fullname.into(),
            role: String::new(),
            domaine: None,
            shape: MemberShape::Missions,
            missions: Vec::new(),
            startups: Vec::new(),
            previously: Vec::new(),
            competences: Vec::new(),
            member_type: None,
            teams: Vec::new(),
            incubator: None,
            badges: Vec::new(),
            extra: Extra::default(),
            body: String::new(),
        }
    }

    /// Whether some mission covers `date` (see [`Mission::covers`]).
    #[must_use]
    pub fn is_active_at(&self, date: NaiveDate) -> bool {
        self.missions.iter().any(|m| m.covers(date))
    }

    /// The mission that gives the member's status at `date`: among the missions covering
    /// `date`, the one with the latest start (ties: the later one in the file).
    #[must_use]
    pub fn mission_at(&self, date: NaiveDate) -> Option<&Mission> {
        let mut best: Option<(NaiveDate, &Mission)> = None;
        for m in self.missions.iter().filter(|m| m.covers(date)) {
            if let Some(RecordDate::Exact(s)) = m.start
                && best.is_none_or(|(b, _)| s >= b)
            {
                best = Some((s, m));
            }
        }
        best.map(|(_, m)| m)
    }

    /// The status at `date`, as written, of [`Member::mission_at`]; `None` when the member
    /// is not active or the mission has no status.
    #[must_use]
    pub fn status_at(&self, date: NaiveDate) -> Option<&str> {
        self.mission_at(date).and_then(|m| m.status.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn overlapping_missions_take_the_latest_start_then_file_order() {
        let mut m = Member::new(MemberId::new("a").unwrap(), "A");
        m.missions = vec![
            Mission::new(Some(d(2020, 1, 1)), None, Some("admin")),
            Mission::new(Some(d(2021, 1, 1)), Some(d(2022, 1, 1)), Some("service")),
            Mission::new(
                Some(d(2021, 1, 1)),
                Some(d(2022, 1, 1)),
                Some("independent"),
            ),
        ];
        assert_eq!(m.status_at(d(2021, 6, 1)), Some("independent"));
        assert_eq!(m.status_at(d(2023, 1, 1)), Some("admin"));
        assert_eq!(m.status_at(d(2019, 1, 1)), None);
    }

    #[test]
    fn shapes_round_trip_as_text_and_json() {
        for s in MemberShape::ALL {
            assert_eq!(s.to_string().parse::<MemberShape>(), Ok(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.key());
        }
        assert!("Flat".parse::<MemberShape>().is_err());
    }

    #[test]
    fn members_read_back_their_json() {
        let mut m = Member::new(MemberId::new("ada.lovelace").unwrap(), "Ada Lovelace");
        m.shape = MemberShape::Flat;
        m.missions = vec![Mission::new(Some(d(2016, 1, 1)), None, Some("admin"))];
        m.startups = vec![StartupId::new("mes-aides").unwrap()];
        let back: Member = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn undated_mission_is_never_active() {
        let mut m = Member::new(MemberId::new("a").unwrap(), "A");
        m.missions = vec![Mission::new(None, None, Some("admin"))];
        assert!(!m.is_active_at(d(2020, 1, 1)));
    }
}
