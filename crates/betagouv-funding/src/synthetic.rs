//! Deterministic synthetic ledgers and budget files, for benchmarks and scale tests.
//!
//! **Unstable** (feature `unstable`): no semver promise; what it generates and
//! its functions may change in any release.
//!
//! ```
//! let ledger = betagouv_funding::synthetic::ledger(1_000, 42);
//! let postings: usize = ledger.transactions().iter().map(|t| t.postings.len()).sum();
//! assert_eq!(postings, 1_000);
//!
//! # #[cfg(feature = "toml")] {
//! let text = betagouv_funding::synthetic::budget_toml(10, 42);
//! let budget = betagouv_funding::file::parse_budget(&text, "synthetic.toml")?;
//! assert_eq!(budget.orders.len(), 10);
//! assert_eq!(budget.deliveries.len(), 20);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{Datelike, Days, NaiveDate};

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

/// Partner organisations of [`budget_toml`].
const PARTNERS: usize = 20;
/// Framework contracts (and holders) of [`budget_toml`].
const CONTRACTS: usize = 5;
/// Categories written by [`budget_toml`].
const CATEGORIES: [&str; 7] = [
    "development",
    "deployment",
    "design",
    "coaching",
    "hosting",
    "software",
    "travel",
];

/// `round(cents × 20 %)`, half away from zero, for non-negative cents.
fn vat_cents(net: i64) -> i64 {
    (net * 20 + 50) / 100
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Daily rate of the second line of every order (cents).
const RATE2: i64 = 33_320;

/// The budget lines of [`budget_toml`].
const LINES: [&str; 2] = ["p129", "p352"];

/// A deterministic budget file (TOML, the format of the `file` module) with
/// `orders` purchase orders issued from 2014 to 2016, each with two lines,
/// two deliveries (service fait) and one payment per delivery, on the
/// start-ups of the built-in 2016 portfolio; plus own credits and resources
/// per year, 20 partners with one agreement each per year (two tranches) and
/// 5 framework contracts. About 800 bytes per order: 64,000 orders make a
/// 50 MB file. The budget passes [`crate::check::check`] with the built-in
/// portfolio. Same arguments, same text.
#[must_use]
pub fn budget_toml(orders: usize, seed: u64) -> String {
    let mut rng = Rng(seed);
    let startups: Vec<String> = betagouv_portfolio::builtin::portfolio_2016()
        .startups
        .iter()
        .map(|s| s.id.as_str().to_owned())
        .collect();
    let mut out = String::with_capacity(orders.saturating_mul(820).saturating_add(10_000));
    write_header(&mut out);
    let mut body = Body {
        engaged: BTreeMap::new(),
        funded: BTreeMap::new(),
        orders: String::with_capacity(orders.saturating_mul(300)),
        rest: String::with_capacity(orders.saturating_mul(520)),
    };
    for i in 0..orders {
        let order = Order::draw(&mut rng, i, &startups);
        body.write(&order, &mut rng);
    }
    write_credits_and_agreements(&mut out, &body);
    out.push_str(&body.orders);
    out.push_str(&body.rest);
    out
}

/// The comment, currency and incubator, organisations, budget lines and framework
/// contracts.
fn write_header(out: &mut String) {
    out.push_str("# Synthetic budget (betagouv_funding::synthetic::budget_toml)\n");
    out.push_str("currency = \"EUR\"\nincubator = \"synthetic\"\n\n");
    out.push_str("[[organizations]]\nid = \"own\"\nname = \"Own funder\"\nkind = \"central-administration\"\nrole = \"own\"\n\n");
    for p in 0..PARTNERS {
        let _ = write!(
            out,
            "[[organizations]]\nid = \"partner-{p:02}\"\nname = \"Partner {p:02}\"\nkind = \"state-operator\"\n\n"
        );
    }
    for l in LINES {
        let _ = write!(
            out,
            "[[lines]]\nid = \"{l}\"\nprogramme = \"{}\"\ntitle = \"operating\"\n\n",
            &l[1..]
        );
    }
    for c in 0..CONTRACTS {
        let _ = write!(
            out,
            "[[contracts]]\nid = \"ac-{c}\"\nholder = \"holder-{c}\"\nstart = 2013-01-01\n\n"
        );
    }
}

/// One purchase order, as drawn.
struct Order<'a> {
    i: usize,
    issued: NaiveDate,
    line: &'static str,
    startup: &'a str,
    contract: u64,
    category: &'static str,
    /// The partner whose agreement funds it, if any.
    agreement: Option<usize>,
    /// Days and daily rate (cents) of the first line.
    days1: i64,
    rate1: i64,
    /// Days of the second line, in quarter days.
    quarter_days: i64,
}

impl<'a> Order<'a> {
    fn draw(rng: &mut Rng, i: usize, startups: &'a [String]) -> Self {
        let start = NaiveDate::from_ymd_opt(2014, 1, 1).unwrap_or_default();
        let issued = start + Days::new(rng.below(2 * 365 + 240));
        let line = if rng.below(2) == 0 { "p129" } else { "p352" };
        let startup = startups
            .get(usize::try_from(rng.below(startups.len() as u64)).unwrap_or(0))
            .map_or("shared", String::as_str);
        let contract = rng.below(CONTRACTS as u64);
        let category = CATEGORIES
            .get(usize::try_from(rng.below(CATEGORIES.len() as u64)).unwrap_or(0))
            .copied()
            .unwrap_or("development");
        let partner = usize::try_from(rng.below(3 * PARTNERS as u64)).unwrap_or(0);
        Order {
            i,
            issued,
            line,
            startup,
            contract,
            category,
            agreement: (partner < PARTNERS).then_some(partner),
            days1: i64::try_from(rng.below(36)).unwrap_or(0) + 5,
            rate1: (i64::try_from(rng.below(41)).unwrap_or(0) + 40) * 1_000,
            quarter_days: i64::try_from(rng.below(8)).unwrap_or(0) + 1,
        }
    }

    /// The net amount (cents). Line nets are multiples of 10 cents, so both halves
    /// of the net are multiples of 5 cents and their VAT is exact: the payments add
    /// up to the order's gross to the cent.
    fn net(&self) -> i64 {
        self.days1 * self.rate1 + self.quarter_days * RATE2 / 4
    }
}

/// The orders, deliveries and payments written so far, and what they engage.
struct Body {
    /// Gross engaged per (line, year), to size the credits.
    engaged: BTreeMap<(&'static str, i32), i64>,
    /// Gross engaged per (agreement's partner, year), to size the agreements.
    funded: BTreeMap<(usize, i32), i64>,
    /// The `[[orders]]`.
    orders: String,
    /// The `[[deliveries]]` and `[[payments]]`.
    rest: String,
}

impl Body {
    /// Writes `o`, its two deliveries and their payments (payment dates drawn
    /// from `rng`).
    fn write(&mut self, o: &Order<'_>, rng: &mut Rng) {
        let (i, year) = (o.i, o.issued.year());
        let net = o.net();
        let gross = net + vat_cents(net);
        *self.engaged.entry((o.line, year)).or_default() += gross;
        if let Some(a) = o.agreement {
            *self.funded.entry((a, year)).or_default() += gross;
        }
        let _ = write!(
            self.orders,
            "[[orders]]\nid = \"BC-{i:07}\"\ncontract = \"ac-{}\"\nstartup = \"{}\"\nline = \"{}\"\n",
            o.contract, o.startup, o.line
        );
        if let Some(a) = o.agreement {
            let _ = writeln!(self.orders, "agreement = \"conv-{a:02}-{year}\"");
        }
        let _ = write!(
            self.orders,
            "issued_on = {}\ncategory = \"{}\"\nlines = [\n  {{ profile = \"developer\", days = \"{}\", daily_rate_net = \"{}\" }},\n  {{ profile = \"coach\", days = \"{}.{:02}\", daily_rate_net = \"{}\" }},\n]\n\n",
            o.issued,
            o.category,
            o.days1,
            money(o.rate1),
            o.quarter_days / 4,
            o.quarter_days % 4 * 25,
            money(RATE2),
        );
        let first = net / 2;
        let mut period_start = o.issued;
        for (k, part) in [(1, first), (2, net - first)] {
            let period_end = period_start + Days::new(29);
            let paid_on = period_end + Days::new(10 + rng.below(30));
            let _ = write!(
                self.rest,
                "[[deliveries]]\nid = \"SF-{i:07}-{k}\"\norder = \"BC-{i:07}\"\nperiod_start = {period_start}\nperiod_end = {period_end}\namount_net = \"{}\"\npartial = {}\n\n",
                money(part),
                k == 1,
            );
            let _ = write!(
                self.rest,
                "[[payments]]\nid = \"PAY-{i:07}-{k}\"\ndeliveries = [\"SF-{i:07}-{k}\"]\npaid_on = {paid_on}\namount_gross = \"{}\"\n\n",
                money(part + vat_cents(part)),
            );
            period_start = period_end + Days::new(1);
        }
    }
}

/// Per year: credits of each line above what the orders engage, own credits, and one
/// agreement per partner above what it funds.
fn write_credits_and_agreements(out: &mut String, body: &Body) {
    for y in [2014, 2015, 2016] {
        for l in LINES {
            let need = body.engaged.get(&(l, y)).copied().unwrap_or(0);
            let ae = need + need / 10 + 100_000_000;
            let _ = write!(
                out,
                "[[credits]]\nline = \"{l}\"\nyear = {y}\nae_initial = \"{}\"\ncp_initial = \"{}\"\n\n",
                money(ae),
                money(ae),
            );
        }
        let _ = write!(
            out,
            "[[resources]]\nid = \"own-{y}\"\ndate = {y}-01-04\nsource = \"incubator\"\nline = \"p129\"\namount = \"{}\"\n\n",
            money(1_000_000_000)
        );
        for p in 0..PARTNERS {
            let amount = body.funded.get(&(p, y)).copied().unwrap_or(0) + 10_000_000;
            // A fonds de concours opens credits on receipt: the first tranche,
            // received on 1 January, covers every order it funds in the year.
            let first = amount - 5_000_000;
            let _ = write!(
                out,
                "[[agreements]]\nid = \"conv-{p:02}-{y}\"\npartner = \"partner-{p:02}\"\nkind = \"pooled-fund\"\namount = \"{}\"\nsigned_on = {y}-01-02\nengagement_deadline = {y}-12-31\ntranches = [\n  {{ due_on = {y}-01-01, amount = \"{}\", received_on = {y}-01-01 }},\n  {{ due_on = {y}-09-01, amount = \"{}\" }},\n]\n\n",
                money(amount),
                money(first),
                money(amount - first),
            );
        }
    }
}

#[cfg(test)]
#[cfg(feature = "toml")] // they read budget files
mod tests {
    use super::*;

    #[test]
    fn synthetic_budget_parses_and_checks_clean() {
        let text = budget_toml(300, 7);
        assert_eq!(text, budget_toml(300, 7));
        let b = crate::file::parse_budget(&text, "s.toml").unwrap();
        assert_eq!(b.orders.len(), 300);
        assert_eq!(b.deliveries.len(), 600);
        assert_eq!(b.payments.len(), 600);
        let portfolio = betagouv_portfolio::builtin::portfolio_2016();
        let diags = crate::check::check(&b, Some(&portfolio));
        assert!(diags.is_empty(), "{:?}", diags.first());
        let (_, problems) = crate::post::to_ledger(&b, Some(&portfolio));
        assert!(problems.is_empty(), "{:?}", problems.first());
        let per_order = text.len() / 300;
        assert!(
            (600..1000).contains(&per_order),
            "{per_order} bytes per order"
        );
    }
}
