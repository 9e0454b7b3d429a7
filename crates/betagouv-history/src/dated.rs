//! The date-dependent figures of a snapshot (start-ups by stage and phase, active
//! members by status), kept up to date as records come and go and as the as-of date
//! moves forward.
//!
//! A record's contribution only changes on the days its exact dates are crossed
//! (a phase or mission starts on `d`, or ends on `d` and so no longer counts on
//! `d + 1`): each record is recomputed when the date passes the next of those days,
//! found from a heap (the active counts too: the site's rule on every phase does not
//! depend on the date, its date filter changes on those same days). A date moving
//! backward, another phase rule or vocabulary rebuilds everything (rare: a commit dated
//! before its parent).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::rc::Rc;

use betagouv_portfolio::snapshot::{MemberCounts, NO_STATUS, StartupCounts};
use betagouv_portfolio::{Activity, PhaseRule, RecordDate, Stage, Vocabulary};
use chrono::NaiveDate;

use crate::replay::Cached;

/// What one record counts for at the current date.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Contribution {
    Startup {
        stage: Stage,
        phase: Option<String>,
        activity: Activity,
    },
    Member {
        status: Option<String>,
    },
    Nothing,
}

#[derive(Debug)]
struct Entry {
    cached: Rc<Cached>,
    contribution: Contribution,
    /// The next day the contribution may change (exclusive end of its validity).
    until: Option<NaiveDate>,
}

/// The dated counts of the live records.
#[derive(Debug, Default)]
pub(crate) struct Dated {
    /// The date, rule and vocabulary the counts are for; `None` before the first use.
    key: Option<(NaiveDate, PhaseRule, Vocabulary)>,
    startups: StartupCounts,
    members: MemberCounts,
    entries: HashMap<u64, Entry>,
    heap: BinaryHeap<Reverse<(NaiveDate, u64)>>,
}

/// The days a record's contribution may change: each exact phase or mission date
/// and the day after it, sorted.
pub(crate) fn breakpoints(cached: &Cached) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let mut push = |d: &Option<RecordDate>| {
        if let Some(RecordDate::Exact(x)) = d {
            days.push(*x);
            if let Some(next) = x.succ_opt() {
                days.push(next);
            }
        }
    };
    if let Some(s) = cached.startup() {
        for p in &s.phases {
            push(&p.start);
            push(&p.end);
        }
    } else if let Some(m) = cached.member() {
        for mission in &m.missions {
            push(&mission.start);
            push(&mission.end);
        }
    }
    days.sort_unstable();
    days.dedup();
    days
}

fn add(map: &mut BTreeMap<String, usize>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

fn sub(map: &mut BTreeMap<String, usize>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            map.remove(key);
        }
    }
}

impl Dated {
    /// Whether the counts are for `at` under `rule` and `vocabulary`, or can be moved
    /// forward to it.
    fn usable(&self, at: NaiveDate, rule: PhaseRule, vocabulary: Vocabulary) -> bool {
        matches!(self.key, Some((d, r, v)) if d <= at && r == rule && v == vocabulary)
    }

    /// The counts at `at`: moved forward from the current date, or rebuilt from
    /// `lives` (every live record with its serial).
    pub(crate) fn at<'a>(
        &mut self,
        at: NaiveDate,
        rule: PhaseRule,
        vocabulary: Vocabulary,
        lives: impl Iterator<Item = &'a Rc<Cached>>,
    ) -> (StartupCounts, MemberCounts) {
        if self.usable(at, rule, vocabulary) {
            self.move_to(at, rule, vocabulary);
        } else {
            *self = Self {
                key: Some((at, rule, vocabulary)),
                ..Self::default()
            };
            for c in lives {
                self.insert(c);
            }
        }
        let mut startups = self.startups.clone();
        startups.taken_over = startups.by_stage.taken_over;
        startups.in_handover = startups.by_stage.in_handover;
        (startups, self.members.clone())
    }

    /// Counts a record that became live (when the counts are in use).
    pub(crate) fn insert(&mut self, cached: &Rc<Cached>) {
        let Some((at, rule, vocabulary)) = self.key else {
            return;
        };
        let (contribution, until) = contribution(cached, at, rule, vocabulary);
        self.count(&contribution, true);
        if let Some(u) = until {
            self.heap.push(Reverse((u, cached.serial)));
        }
        self.entries.insert(
            cached.serial,
            Entry {
                cached: Rc::clone(cached),
                contribution,
                until,
            },
        );
    }

    /// Uncounts a record that is no longer live.
    pub(crate) fn remove(&mut self, cached: &Cached) {
        if let Some(e) = self.entries.remove(&cached.serial) {
            self.count(&e.contribution, false);
        }
    }

    fn move_to(&mut self, at: NaiveDate, rule: PhaseRule, vocabulary: Vocabulary) {
        self.key = Some((at, rule, vocabulary));
        while let Some(Reverse((day, serial))) = self.heap.peek().copied() {
            if day > at {
                break;
            }
            self.heap.pop();
            let Some(e) = self.entries.get(&serial) else {
                continue;
            };
            if e.until != Some(day) {
                continue;
            }
            let (contribution, until) = contribution(&e.cached, at, rule, vocabulary);
            let old = e.contribution.clone();
            self.count(&old, false);
            self.count(&contribution, true);
            if let Some(u) = until {
                self.heap.push(Reverse((u, serial)));
            }
            if let Some(e) = self.entries.get_mut(&serial) {
                e.contribution = contribution;
                e.until = until;
            }
        }
    }

    fn count(&mut self, c: &Contribution, sign: bool) {
        match c {
            Contribution::Startup {
                stage,
                phase,
                activity,
            } => {
                self.startups.active.count(activity, sign);
                let by_stage = &mut self.startups.by_stage;
                if sign {
                    self.startups.total += 1;
                    by_stage.add(*stage);
                } else {
                    self.startups.total = self.startups.total.saturating_sub(1);
                    by_stage.remove(*stage);
                }
                if let Some(p) = phase {
                    let map = &mut self.startups.by_phase;
                    if sign { add(map, p) } else { sub(map, p) }
                }
            }
            Contribution::Member { status: Some(s) } => {
                if sign {
                    self.members.active += 1;
                    add(&mut self.members.active_by_status, s);
                } else {
                    self.members.active = self.members.active.saturating_sub(1);
                    sub(&mut self.members.active_by_status, s);
                }
            }
            Contribution::Member { status: None } | Contribution::Nothing => {}
        }
    }
}

/// What `cached` counts for at `at`, and until which day.
fn contribution(
    cached: &Cached,
    at: NaiveDate,
    rule: PhaseRule,
    vocabulary: Vocabulary,
) -> (Contribution, Option<NaiveDate>) {
    let until = cached.breakpoints.iter().find(|d| **d > at).copied();
    let c = if let Some(s) = cached.startup() {
        let phase = s.phase_at(at, rule);
        Contribution::Startup {
            stage: phase.map_or(Stage::NotStarted, |p| vocabulary.stage_of(&p.name)),
            phase: phase.map(|p| p.name.clone()),
            activity: Activity::of(s, vocabulary, at, rule),
        }
    } else if let Some(m) = cached.member() {
        Contribution::Member {
            status: m.mission_at(at).map(|mission| {
                mission
                    .status
                    .clone()
                    .unwrap_or_else(|| NO_STATUS.to_owned())
            }),
        }
    } else {
        Contribution::Nothing
    };
    (c, until)
}
