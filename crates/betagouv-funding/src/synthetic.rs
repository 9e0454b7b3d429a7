//! Deterministic synthetic ledgers, for benchmarks and scale tests.
//!
//! ```
//! let ledger = betagouv_funding::synthetic::ledger(1_000, 42);
//! let postings: usize = ledger.transactions().iter().map(|t| t.postings.len()).sum();
//! assert_eq!(postings, 1_000);
//! ```

use chrono::{Days, NaiveDate};

use crate::ledger::{Account, Ledger, Posting, Transaction};
use crate::money::{Currency, Money};

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A balanced ledger of `postings` postings (rounded down to an even number):
/// service-fait transactions of two postings each over 3 years (2014-2016),
/// 40 start-ups × 4 phases × development expense accounts, 25 suppliers.
/// Same `seed`, same ledger.
#[must_use]
pub fn ledger(postings: usize, seed: u64) -> Ledger {
    let mut rng = Rng(seed);
    let mut l = Ledger::new(Currency::Eur);
    let phases = [
        "investigation",
        "construction",
        "acceleration",
        "consolidation",
    ];
    let mut expenses = Vec::new();
    for s in 0..40 {
        for p in phases {
            if let Ok(a) = Account::from_segments(
                "expenses",
                &["startups", &format!("startup-{s:02}"), p, "development"],
            ) {
                expenses.push(a);
            }
        }
    }
    let suppliers: Vec<Account> = (0..25)
        .filter_map(|i| {
            Account::from_segments("liabilities", &["suppliers", &format!("holder-{i:02}")]).ok()
        })
        .collect();
    for a in expenses.iter().chain(&suppliers) {
        l.declare(a.clone());
    }
    let start = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap_or_default();
    let n = postings / 2;
    for i in 0..n {
        let day = start + Days::new(rng.below(3 * 365));
        let cents = i64::try_from(rng.below(5_000_000)).unwrap_or(0) + 1;
        let (Some(e), Some(s)) = (
            expenses.get(usize::try_from(rng.below(expenses.len() as u64)).unwrap_or(0)),
            suppliers.get(usize::try_from(rng.below(suppliers.len() as u64)).unwrap_or(0)),
        ) else {
            continue;
        };
        let (Ok(m), Ok(neg)) = (
            Money::from_cents(cents, Currency::Eur),
            Money::from_cents(-cents, Currency::Eur),
        ) else {
            continue;
        };
        let t = Transaction::new(day, format!("t{i:08}"), format!("Service fait {i}"))
            .with(Posting::new(e.clone(), m))
            .with(Posting::new(s.clone(), neg));
        // Balanced by construction, accounts declared: push cannot fail.
        let _ = l.push(t);
    }
    l
}
