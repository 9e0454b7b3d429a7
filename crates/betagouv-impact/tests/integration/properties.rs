//! Property tests: intervals, merges, counts.

use betagouv_impact::{
    Arms, CohortCounts, CohortStats, Counts, ProportionCiMethod, SurvivalTable, compare,
    proportion_ci,
};
use proptest::prelude::*;

fn counts() -> impl Strategy<Value = (u64, u64)> {
    (1u64..5_000).prop_flat_map(|n| (0..=n, Just(n)))
}

const METHODS: [ProportionCiMethod; 6] = [
    ProportionCiMethod::Wilson,
    ProportionCiMethod::ClopperPearson,
    ProportionCiMethod::AgrestiCoull,
    ProportionCiMethod::Jeffreys,
    ProportionCiMethod::JeffreysBoundary,
    ProportionCiMethod::Wald,
];

proptest! {
    #[test]
    fn intervals_contain_estimate_and_lie_in_unit((x, n) in counts(), alpha in 0.001f64..0.5) {
        let c = Counts::new("c", x, n).expect("valid");
        let p = c.proportion();
        for m in METHODS {
            let ci = proportion_ci(c, alpha, m).expect("ci");
            prop_assert!(ci.lower >= 0.0 && ci.upper <= 1.0, "{m:?} {ci:?}");
            // Jeffreys without the boundary rule excludes 0 at x = 0 (and 1 at x = n).
            let boundary = m == ProportionCiMethod::Jeffreys && (x == 0 || x == n);
            if !boundary {
                prop_assert!(ci.lower <= p + 1e-12 && p <= ci.upper + 1e-12, "{m:?} {ci:?} {p}");
            }
        }
    }

    #[test]
    fn compare_is_finite_json((xt, nt) in counts(), (xc, nc) in counts(), alpha in 0.001f64..0.5) {
        let arms = Arms { treated: Counts::new("t", xt, nt).expect("valid"), control: Counts::new("c", xc, nc).expect("valid") };
        let c = compare(arms, alpha)
            .expect("compare");
        // serde_json refuses NaN and infinities: serialising checks finiteness.
        let text = serde_json::to_string(&c).expect("serialises");
        prop_assert!(!text.contains("null") || xt == 0 || xc == 0 || xt == nt || xc == nc);
        let p = c.tests.fisher_exact.map(|f| f.p_value);
        prop_assert!(p.is_some_and(|p| (0.0..=1.0).contains(&p)));
        let d = c.difference;
        prop_assert!(d.ci.newcombe.contains(d.estimate));
        prop_assert!(d.ci.wald.contains(d.estimate));
    }

    #[test]
    fn cohort_merge_is_exact(rows in prop::collection::vec((0u8..4, any::<bool>()), 0..200), cut in 0usize..200) {
        let cut = cut.min(rows.len());
        let name = |g: u8| format!("g{g}");
        let all: CohortStats = rows.iter().map(|&(g, y)| (name(g), y)).collect();
        let a: CohortStats = rows[..cut].iter().map(|&(g, y)| (name(g), y)).collect();
        let b: CohortStats = rows[cut..].iter().map(|&(g, y)| (name(g), y)).collect();
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        prop_assert_eq!(&ab, &all);
        prop_assert_eq!(&ba, &all);
        // Associativity with a third part (an empty one and a copy).
        let mut left = a.clone();
        left.merge(&b);
        left.merge(&all);
        let mut bc = b.clone();
        bc.merge(&all);
        let mut right = a.clone();
        right.merge(&bc);
        prop_assert_eq!(left, right);
        // Counts sum to the rows.
        let total: u64 = all.iter().map(|(_, c)| c.n).sum();
        prop_assert_eq!(total, rows.len() as u64);
        #[cfg(feature = "csv")]
        {
            let mut csv = String::from("id,group,y\n");
            for (i, &(g, y)) in rows.iter().enumerate() {
                csv.push_str(&format!("{i},{},{}\n", name(g), u8::from(y)));
            }
            // The CSV path gives the same statistics (a CSV without rows is refused).
            match betagouv_impact::aggregate_cohort_csv(csv.as_bytes(), "group", "y") {
                Ok(stats) => prop_assert_eq!(stats, all),
                Err(e) => prop_assert!(rows.is_empty() && matches!(e, betagouv_impact::Error::NoDataRows)),
            }
        }
    }

    #[test]
    fn survival_merge_is_exact(rows in prop::collection::vec((0u8..20, any::<bool>()), 0..100), cut in 0usize..100) {
        let cut = cut.min(rows.len());
        let rec = |r: &[(u8, bool)]| SurvivalTable::from_records(r.iter().map(|&(t, e)| (f64::from(t), e))).expect("valid");
        let mut a = rec(&rows[..cut]);
        a.merge(&rec(&rows[cut..]));
        prop_assert_eq!(a.clone(), rec(&rows));
        prop_assert_eq!(a.n(), rows.len() as u64);
    }
}

#[test]
fn cohort_counts_merge() {
    let mut a = CohortCounts { n: 3, successes: 1 };
    a.merge(CohortCounts { n: 2, successes: 2 });
    assert_eq!(a, CohortCounts { n: 5, successes: 3 });
}
