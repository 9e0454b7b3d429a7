//! Stratum (and cluster) counts from individual rows (issue 18, item 1): the
//! CSV reader of (stratum, group, outcome) rows equals counting by hand, and
//! equals the pre-computed counts path (`--counts`) on the same counts, so
//! `stratified` and `cluster_difference` do not depend on where the counting
//! ran.

use std::collections::BTreeMap;

use betagouv_impact::{
    CohortStats, StratumCountsRow, aggregate_strata_csv, read_stratum_counts_csv, strata_arms,
    stratified, stratum_stats_from_counts,
};
use proptest::prelude::*;

/// (stratum index, arm index, outcome) rows as CSV, with an unread column.
fn csv(rows: &[(u8, u8, bool)]) -> String {
    let mut text = String::from("id,agency,arm,returned\n");
    for (i, (k, g, y)) in rows.iter().enumerate() {
        let arm = if *g == 0 { "control" } else { "treated" };
        text.push_str(&format!("{i},s{k},{arm},{}\n", u8::from(*y)));
    }
    text
}

/// The counts per (stratum, arm), by hand: (n, successes).
fn by_hand(rows: &[(u8, u8, bool)]) -> BTreeMap<(String, String), (u64, u64)> {
    let mut m = BTreeMap::new();
    for (k, g, y) in rows {
        let arm = if *g == 0 { "control" } else { "treated" };
        let e: &mut (u64, u64) = m.entry((format!("s{k}"), arm.to_owned())).or_default();
        e.0 += 1;
        e.1 += u64::from(*y);
    }
    m
}

fn flatten(strata: &BTreeMap<String, CohortStats>) -> BTreeMap<(String, String), (u64, u64)> {
    strata
        .iter()
        .flat_map(|(k, s)| {
            s.iter()
                .map(move |(g, c)| ((k.clone(), g.to_owned()), (c.n, c.successes)))
        })
        .collect()
}

#[test]
fn a_small_file_by_hand() {
    let rows = [
        (0, 1, true),
        (0, 1, false),
        (0, 0, false),
        (1, 0, true),
        (1, 1, true),
    ];
    let strata = aggregate_strata_csv(csv(&rows).as_bytes(), "agency", "arm", "returned").unwrap();
    assert_eq!(strata.len(), 2);
    let s0 = &strata["s0"];
    assert_eq!(s0.get("treated").map(|c| (c.n, c.successes)), Some((2, 1)));
    assert_eq!(s0.get("control").map(|c| (c.n, c.successes)), Some((1, 0)));
    assert_eq!(
        strata["s1"].get("treated").map(|c| (c.n, c.successes)),
        Some((1, 1))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The rows reader equals counting by hand and the counts path, in CSV and
    /// in rows, and gives the same stratified analysis.
    #[test]
    fn rows_equal_hand_counts_and_the_counts_path(
        rows in prop::collection::vec((0u8..6, 0u8..2, any::<bool>()), 1..300),
    ) {
        let text = csv(&rows);
        let strata = aggregate_strata_csv(text.as_bytes(), "agency", "arm", "returned").unwrap();
        let hand = by_hand(&rows);
        prop_assert_eq!(flatten(&strata), hand.clone());
        let counts: Vec<StratumCountsRow> = hand
            .iter()
            .map(|((k, g), (n, x))| StratumCountsRow {
                stratum: k.clone(),
                group: g.clone(),
                n: *n,
                successes: *x,
            })
            .collect();
        let mut counts_csv = String::from("stratum,group,n,successes\n");
        for r in &counts {
            counts_csv.push_str(&format!("{},{},{},{}\n", r.stratum, r.group, r.n, r.successes));
        }
        prop_assert_eq!(&stratum_stats_from_counts(counts).unwrap(), &strata);
        prop_assert_eq!(&read_stratum_counts_csv(counts_csv.as_bytes()).unwrap(), &strata);
        // Same strata, same analysis (when every stratum has both arms).
        if let Ok(arms) = strata_arms(&strata, "treated", "control") {
            let a = stratified(&arms, 0.05).unwrap();
            prop_assert_eq!(a.n, rows.len() as u64);
            prop_assert_eq!(a.strata, strata.len());
        }
    }
}
