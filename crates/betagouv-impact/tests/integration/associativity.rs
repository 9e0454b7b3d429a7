//! Associativity of the sufficient statistics on files: a CSV split into random
//! chunks (each with the header), each chunk counted on its own and the counts
//! merged, gives exactly the whole file's statistics; so do the chunks' counts
//! written as one counts file (a group repeated is summed). The Parquet and SQL
//! versions live beside their readers.

use std::collections::BTreeMap;

use betagouv_impact::{
    CohortStats, SurvivalTable, aggregate_cohort_csv, read_cohort_counts_csv,
    read_survival_counts_csv, read_survival_csv,
};
use proptest::prelude::*;

/// A person: cohort index, outcome / event, duration in half days.
type Person = (u8, bool, u16);

fn people() -> impl Strategy<Value = Vec<Person>> {
    prop::collection::vec((0u8..4, any::<bool>(), 0u16..120), 1..300)
}

const HEADER: &str = "id,cohort,returned,days\n";

/// The cohort names: one needs quoting, one is not ASCII.
fn cohort(i: u8) -> &'static str {
    ["encouraged", "control", "\"contrôle, bis\"", "é"][usize::from(i) % 4]
}

fn csv(rows: &[Person], first_id: usize) -> String {
    let mut out = String::from(HEADER);
    for (k, &(g, y, d)) in rows.iter().enumerate() {
        // Half days: 0, 0.5, 1, ...
        let days = f64::from(d) / 2.0;
        out.push_str(&format!(
            "{},{},{},{days}\n",
            first_id + k,
            cohort(g),
            u8::from(y)
        ));
    }
    out
}

/// The rows cut at `cuts` (positions, any order, repeats and ends ignored):
/// non-empty chunks, in file order, with their first row's index.
fn chunks<'a>(rows: &'a [Person], cuts: &[usize]) -> Vec<(usize, &'a [Person])> {
    let mut at: Vec<usize> = cuts
        .iter()
        .map(|c| c % rows.len())
        .filter(|&c| c > 0)
        .collect();
    at.sort_unstable();
    at.dedup();
    at.push(rows.len());
    let mut out = Vec::new();
    let mut start = 0;
    for end in at {
        out.push((start, &rows[start..end]));
        start = end;
    }
    out
}

fn merge_tables(
    into: &mut BTreeMap<String, SurvivalTable>,
    other: &BTreeMap<String, SurvivalTable>,
) {
    for (g, t) in other {
        into.entry(g.clone()).or_default().merge(t);
    }
}

proptest! {
    #[test]
    fn cohort_chunks_merge_to_the_whole_file(rows in people(), cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let whole = aggregate_cohort_csv(csv(&rows, 0).as_bytes(), "cohort", "returned").expect("valid");
        let parts: Vec<CohortStats> = chunks(&rows, &cuts)
            .into_iter()
            .map(|(first, c)| aggregate_cohort_csv(csv(c, first).as_bytes(), "cohort", "returned").expect("valid"))
            .collect();
        // Merged in file order and in reverse order.
        let mut forward = CohortStats::default();
        parts.iter().for_each(|p| forward.merge(p));
        let mut backward = CohortStats::default();
        parts.iter().rev().for_each(|p| backward.merge(p));
        prop_assert_eq!(&forward, &whole);
        prop_assert_eq!(&backward, &whole);
        // The chunks' counts as one counts file: repeated groups are summed.
        let mut counts = String::from("group,n,successes\n");
        for p in &parts {
            for (g, c) in p.iter() {
                counts.push_str(&format!("\"{}\",{},{}\n", g.replace('"', "\"\""), c.n, c.successes));
            }
        }
        prop_assert_eq!(read_cohort_counts_csv(counts.as_bytes()).expect("valid"), whole);
    }

    #[test]
    fn survival_chunks_merge_to_the_whole_file(rows in people(), cuts in prop::collection::vec(any::<usize>(), 0..8)) {
        let read = |text: &str| read_survival_csv(text.as_bytes(), "cohort", "days", "returned").expect("valid");
        let whole = read(&csv(&rows, 0));
        let parts: Vec<_> = chunks(&rows, &cuts).into_iter().map(|(first, c)| read(&csv(c, first))).collect();
        let mut forward = BTreeMap::new();
        parts.iter().for_each(|p| merge_tables(&mut forward, p));
        let mut backward = BTreeMap::new();
        parts.iter().rev().for_each(|p| merge_tables(&mut backward, p));
        prop_assert_eq!(&forward, &whole);
        prop_assert_eq!(&backward, &whole);
        let mut counts = String::from("group,time,events,censored\n");
        for p in &parts {
            for (g, t) in p {
                for r in t.rows() {
                    counts.push_str(&format!("\"{}\",{},{},{}\n", g.replace('"', "\"\""), r.time, r.events, r.censored));
                }
            }
        }
        prop_assert_eq!(read_survival_counts_csv(counts.as_bytes()).expect("valid"), whole);
    }

    #[test]
    fn survival_merge_is_associative_and_commutative(
        a in prop::collection::vec((0u16..40, any::<bool>()), 0..60),
        b in prop::collection::vec((0u16..40, any::<bool>()), 0..60),
        c in prop::collection::vec((0u16..40, any::<bool>()), 0..60),
    ) {
        let table = |r: &[(u16, bool)]| {
            SurvivalTable::from_records(r.iter().map(|&(t, e)| (f64::from(t) / 4.0, e))).expect("valid")
        };
        let (ta, tb, tc) = (table(&a), table(&b), table(&c));
        let mut left = ta.clone();
        left.merge(&tb);
        let mut ba = tb.clone();
        ba.merge(&ta);
        prop_assert_eq!(&left, &ba);
        left.merge(&tc);
        let mut bc = tb.clone();
        bc.merge(&tc);
        let mut right = ta.clone();
        right.merge(&bc);
        prop_assert_eq!(&left, &right);
        let all: Vec<_> = a.iter().chain(&b).chain(&c).copied().collect();
        prop_assert_eq!(left, table(&all));
    }
}
