//! Individual-level data: streaming aggregation into mergeable sufficient
//! statistics per cohort.
//!
//! A binary outcome in a cohort is summarised exactly by `(n, successes)`;
//! a right-censored duration by the counts of events and censorings per
//! distinct time ([`crate::SurvivalTable`]). Both merge by addition, so counts
//! computed elsewhere (a PostgreSQL `GROUP BY`, another machine) combine
//! exactly with local ones. Memory is proportional to the number of groups
//! (and distinct times), never to the number of rows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::proportion::Counts;

/// Sufficient statistics of a binary outcome in one cohort.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CohortCounts {
    /// Rows.
    pub n: u64,
    /// Rows with outcome 1.
    pub successes: u64,
}

impl CohortCounts {
    /// Adds another partial count (saturating, so it never panics).
    pub fn merge(&mut self, other: CohortCounts) {
        self.n = self.n.saturating_add(other.n);
        self.successes = self.successes.saturating_add(other.successes);
    }

    /// Validated [`Counts`].
    ///
    /// # Errors
    /// As [`Counts::new`].
    pub fn to_counts(&self, what: &str) -> Result<Counts> {
        Counts::new(what, self.successes, self.n)
    }
}

/// Cohort counts per group, sorted by group name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CohortStats {
    groups: BTreeMap<String, CohortCounts>,
}

impl CohortStats {
    /// Adds one individual.
    pub fn add(&mut self, group: &str, outcome: bool) {
        let c = CohortCounts {
            n: 1,
            successes: u64::from(outcome),
        };
        self.add_counts(group, c);
    }

    /// Adds partial counts of a group (e.g. one row of a SQL `GROUP BY`).
    pub fn add_counts(&mut self, group: &str, counts: CohortCounts) {
        match self.groups.get_mut(group) {
            Some(g) => g.merge(counts),
            None => {
                self.groups.insert(group.to_owned(), counts);
            }
        }
    }

    /// Merges other statistics into these (associative and commutative).
    pub fn merge(&mut self, other: &CohortStats) {
        for (g, c) in &other.groups {
            self.add_counts(g, *c);
        }
    }

    /// Counts of a group, if any row had it.
    #[must_use]
    pub fn get(&self, group: &str) -> Option<CohortCounts> {
        self.groups.get(group).copied()
    }

    /// Groups and counts, sorted by group.
    pub fn iter(&self) -> impl Iterator<Item = (&str, CohortCounts)> {
        self.groups.iter().map(|(g, c)| (g.as_str(), *c))
    }
}

impl<G: AsRef<str>> FromIterator<(G, bool)> for CohortStats {
    fn from_iter<I: IntoIterator<Item = (G, bool)>>(iter: I) -> Self {
        let mut s = Self::default();
        for (g, y) in iter {
            s.add(g.as_ref(), y);
        }
        s
    }
}
