//! A double-entry ledger: declared accounts, transactions that balance to the
//! cent, balances by account and period.
//!
//! ```
//! use betagouv_funding::ledger::{Account, Ledger, Posting, Transaction};
//! use betagouv_funding::money::{Currency, Money};
//! use chrono::NaiveDate;
//!
//! let mut ledger = Ledger::new(Currency::Eur);
//! let cp = Account::new("assets:cp:incubator")?;
//! let own = Account::from_segments("income", &["own-budget", "p129"])?;
//! ledger.declare(cp.clone());
//! ledger.declare(own.clone());
//! let day = NaiveDate::from_ymd_opt(2016, 12, 31).ok_or("date")?;
//! let amount = Money::parse("932115.00", Currency::Eur)?;
//! ledger.push(Transaction::new(day, "res-2016-own", "Own credits 2016")
//!     .with(Posting::new(cp.clone(), amount))
//!     .with(Posting::new(own.clone(), amount.negated())))?;
//! let balances = ledger.balances(None, None);
//! assert_eq!(balances.get(&cp).map(|m| m.cents()), Some(93_211_500));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::money::{Currency, Money};

/// The five top-level account types (English, so tools infer the type).
pub const TOP_LEVELS: [&str; 5] = ["assets", "liabilities", "equity", "income", "expenses"];

/// Maps a record id to one account-name segment.
///
/// The mapping keeps Unicode and case (`e-inspé` stays `e-inspé`), and makes
/// the segment safe for hledger and ledger:
/// - `:` (the segment separator) and `;` (comment start) become `-`;
/// - leading and trailing white space is removed, and every inner run of
///   white space (spaces, tabs, any Unicode space) becomes one `-`, so a name
///   never holds two spaces or a tab (which would end the account name);
/// - control characters are dropped;
/// - an empty result becomes `_`.
///
/// ```
/// use betagouv_funding::ledger::account_segment;
/// assert_eq!(account_segment("e-inspé"), "e-inspé");
/// assert_eq!(account_segment("a:b;c"), "a-b-c");
/// assert_eq!(account_segment(" Pôle  emploi\t"), "Pôle-emploi");
/// assert_eq!(account_segment(""), "_");
/// ```
#[must_use]
pub fn account_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    let mut in_space = false;
    for c in id.trim().chars() {
        if c.is_whitespace() {
            in_space = true;
            continue;
        }
        if c.is_control() {
            continue;
        }
        if in_space {
            out.push('-');
            in_space = false;
        }
        out.push(if c == ':' || c == ';' { '-' } else { c });
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// A full account name such as `expenses:startups:mes-aides:construction:vat`.
///
/// Invariants: starts with one of [`TOP_LEVELS`]; segments separated by `:` are
/// non-empty; no white space at all (so never two spaces or a tab), no `;` and
/// no control character. Build names from ids with [`Account::from_segments`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Account(String);

impl TryFrom<String> for Account {
    type Error = Error;
    fn try_from(name: String) -> Result<Self> {
        Self::new(name)
    }
}

impl From<Account> for String {
    fn from(a: Account) -> String {
        a.0
    }
}

impl std::str::FromStr for Account {
    type Err = Error;
    /// As [`Account::new`].
    fn from_str(name: &str) -> Result<Self> {
        Self::new(name)
    }
}

impl Account {
    /// Checks and wraps a full account name.
    ///
    /// # Errors
    /// [`Error::InvalidAccount`] when a rule is broken.
    pub fn new(name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        let bad = |reason| Error::InvalidAccount {
            name: name.clone(),
            reason,
        };
        let top = name.split(':').next().unwrap_or("");
        if !TOP_LEVELS.contains(&top) {
            return Err(bad(
                "the first segment is not assets, liabilities, equity, income or expenses",
            ));
        }
        if name.split(':').any(str::is_empty) {
            return Err(bad("empty segment"));
        }
        if name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ';')
        {
            return Err(bad("white space, control character or `;`"));
        }
        Ok(Self(name))
    }

    /// `top` followed by the segments made from `ids` with [`account_segment`].
    ///
    /// # Errors
    /// [`Error::InvalidAccount`] when `top` is not a top-level name.
    pub fn from_segments(top: &str, ids: &[&str]) -> Result<Self> {
        let mut name = top.to_owned();
        for id in ids {
            name.push(':');
            name.push_str(&account_segment(id));
        }
        Self::new(name)
    }

    /// The full name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The top-level segment (`assets`, ...).
    #[must_use]
    pub fn top(&self) -> &str {
        self.0.split(':').next().unwrap_or("")
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One line of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Posting {
    /// The account.
    pub account: Account,
    /// The amount (positive = debit).
    pub amount: Money,
    /// Expected balance of the account right after this posting, if asserted.
    pub assertion: Option<Money>,
}

impl Posting {
    /// A posting without assertion.
    #[must_use]
    pub fn new(account: Account, amount: Money) -> Self {
        Self {
            account,
            amount,
            assertion: None,
        }
    }

    /// The same posting with a balance assertion.
    #[must_use]
    pub fn asserting(mut self, balance: Money) -> Self {
        self.assertion = Some(balance);
        self
    }
}

/// A dated, balanced set of postings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// Date.
    pub date: NaiveDate,
    /// Stable id (sort key after the date).
    pub id: String,
    /// Description (one line; `;` is replaced on export).
    pub description: String,
    /// Postings, in order.
    pub postings: Vec<Posting>,
    /// Metadata `(key, value)`; keys are `[a-z0-9_-]+`.
    pub tags: Vec<(String, String)>,
}

impl Transaction {
    /// A transaction with no postings yet.
    #[must_use]
    pub fn new(date: NaiveDate, id: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            date,
            id: id.into(),
            description: description.into(),
            postings: Vec::new(),
            tags: Vec::new(),
        }
    }

    /// Adds a posting.
    #[must_use]
    pub fn with(mut self, posting: Posting) -> Self {
        self.postings.push(posting);
        self
    }

    /// Adds a tag.
    #[must_use]
    pub fn tag(mut self, key: &str, value: impl Into<String>) -> Self {
        self.tags.push((key.to_owned(), value.into()));
        self
    }

    /// Sum of the postings in cents (zero when balanced).
    #[must_use]
    pub fn imbalance_cents(&self) -> i128 {
        self.postings
            .iter()
            .map(|p| i128::from(p.amount.cents()))
            .sum()
    }
}

/// A month of a year, for balances by period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
}

impl YearMonth {
    /// The month of `date`.
    #[must_use]
    pub fn of(date: NaiveDate) -> Self {
        Self {
            year: date.year(),
            month: date.month(),
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Length of the periods of [`Ledger::balances_by`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Granularity {
    /// Calendar months (`2016-01`), as `hledger bal -M`.
    Month,
    /// Calendar quarters (`2016Q1`), as `hledger bal -Q`.
    Quarter,
    /// Calendar years (`2016`), as `hledger bal -Y`.
    Year,
}

/// One period of a [`Granularity`]: its text is the column title of hledger
/// (`2016-01`, `2016Q1`, `2016`), read back by [`FromStr`](std::str::FromStr);
/// serde uses that text.
///
/// ```
/// use betagouv_funding::ledger::{BalancePeriod, Granularity};
/// let q: BalancePeriod = "2016Q2".parse()?;
/// assert_eq!(q.granularity(), Granularity::Quarter);
/// assert_eq!(q.next().to_string(), "2016Q3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BalancePeriod {
    interval: Granularity,
    /// Periods since year 0: `year × 12 + month − 1`, `year × 4 + quarter − 1` or `year`.
    index: i64,
}

impl BalancePeriod {
    /// The period of `interval` holding `date`.
    #[must_use]
    pub fn of(date: NaiveDate, interval: Granularity) -> Self {
        let (y, m) = (i64::from(date.year()), i64::from(date.month0()));
        let index = match interval {
            Granularity::Month => y * 12 + m,
            Granularity::Quarter => y * 4 + m / 3,
            Granularity::Year => y,
        };
        Self { interval, index }
    }

    /// The period after this one.
    #[must_use]
    pub fn next(self) -> Self {
        Self {
            interval: self.interval,
            index: self.index.saturating_add(1),
        }
    }

    /// Its granularity.
    #[must_use]
    pub fn granularity(self) -> Granularity {
        self.interval
    }
}

impl std::str::FromStr for BalancePeriod {
    type Err = Error;

    /// `2016-01` (a month), `2016Q1` (a quarter) or `2016` (a year).
    ///
    /// # Errors
    /// [`Error::InvalidPeriod`] for any other text.
    fn from_str(text: &str) -> Result<Self> {
        let bad = || Error::InvalidPeriod(text.to_owned());
        let year = |t: &str| -> Result<i64> {
            let digits = t.strip_prefix('-').unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            t.parse::<i64>().map_err(|_| bad())
        };
        let within = |n: i64, max: i64| {
            if (1..=max).contains(&n) {
                Ok(n - 1)
            } else {
                Err(bad())
            }
        };
        // A leading `-` is the sign of the year, never a separator.
        let sign = usize::from(text.starts_with('-'));
        let body = text.get(sign..).ok_or_else(bad)?;
        let (interval, index) = if let Some((y, q)) = body.split_once('Q') {
            let y = year(text.get(..sign + y.len()).ok_or_else(bad)?)?;
            let q = within(year(q)?, 4)?;
            (
                Granularity::Quarter,
                y.checked_mul(4).and_then(|v| v.checked_add(q)),
            )
        } else if let Some((y, m)) = body.split_once('-') {
            let y = year(text.get(..sign + y.len()).ok_or_else(bad)?)?;
            let m = within(year(m)?, 12)?;
            (
                Granularity::Month,
                y.checked_mul(12).and_then(|v| v.checked_add(m)),
            )
        } else {
            (Granularity::Year, Some(year(text)?))
        };
        Ok(Self {
            interval,
            index: index.ok_or_else(bad)?,
        })
    }
}

impl TryFrom<String> for BalancePeriod {
    type Error = Error;
    fn try_from(text: String) -> Result<Self> {
        text.parse()
    }
}

impl From<BalancePeriod> for String {
    fn from(p: BalancePeriod) -> String {
        p.to_string()
    }
}

impl fmt::Display for BalancePeriod {
    /// `2016-01`, `2016Q1` or `2016`, the column titles of hledger.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.interval {
            Granularity::Month => write!(
                f,
                "{:04}-{:02}",
                self.index.div_euclid(12),
                self.index.rem_euclid(12) + 1
            ),
            Granularity::Quarter => write!(
                f,
                "{:04}Q{}",
                self.index.div_euclid(4),
                self.index.rem_euclid(4) + 1
            ),
            Granularity::Year => write!(f, "{:04}", self.index),
        }
    }
}

/// Movements of the accounts per period, in exact cents: the table of
/// `hledger bal -M` (`-Q`, `-Y`) on the exported journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodBalances {
    /// The period of the first transaction and of the last (`None` without transactions).
    pub span: Option<(BalancePeriod, BalancePeriod)>,
    /// Accounts with a non-zero movement in at least one period, sorted by
    /// name, with their non-zero movements by period. Sums are `i128` cents:
    /// they cannot overflow.
    pub rows: Vec<(Account, BTreeMap<BalancePeriod, i128>)>,
}

impl PeriodBalances {
    /// Every period from the first to the last, empty ones included (the
    /// columns of hledger's table).
    pub fn periods(&self) -> impl Iterator<Item = BalancePeriod> + '_ {
        let mut next = self.span.map(|(first, _)| first);
        std::iter::from_fn(move || {
            let (_, last) = self.span?;
            let p = next.filter(|p| *p <= last)?;
            next = (p < last).then(|| p.next());
            Some(p)
        })
    }

    /// The table of `hledger bal -M` as a grid: every period from the first to the
    /// last ([`PeriodBalances::periods`]), a row of cents per account (0 where it did
    /// not move) and the total per period.
    #[must_use]
    pub fn grid(&self) -> BalanceGrid {
        let periods: Vec<_> = self.periods().collect();
        let mut totals = vec![0i128; periods.len()];
        let rows = self
            .rows
            .iter()
            .map(|(account, movements)| {
                let cells = periods
                    .iter()
                    .zip(totals.iter_mut())
                    .map(|(p, total)| {
                        let c = movements.get(p).copied().unwrap_or(0);
                        *total += c;
                        c
                    })
                    .collect();
                (account.clone(), cells)
            })
            .collect();
        BalanceGrid {
            periods,
            rows,
            totals,
        }
    }
}

/// [`PeriodBalances`] as a grid ([`PeriodBalances::grid`]): the columns of hledger's
/// table, a row per account, the totals row. Amounts in cents (`i128`: sums cannot
/// overflow); [`cents_text`] writes one as hledger does.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BalanceGrid {
    /// Every period from the first transaction's to the last one's.
    pub periods: Vec<BalancePeriod>,
    /// Each account with a movement, sorted by name, and its movement per period.
    pub rows: Vec<(Account, Vec<i128>)>,
    /// The movements of all accounts per period.
    pub totals: Vec<i128>,
}

/// An amount in cents as `-123.45` (two decimals, no currency), as hledger's CSV and
/// the balances JSON write it.
///
/// ```
/// use betagouv_funding::ledger::cents_text;
/// assert_eq!(cents_text(208_403_500), "2084035.00");
/// assert_eq!(cents_text(-5), "-0.05");
/// ```
#[must_use]
pub fn cents_text(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Accounts and transactions in one currency.
///
/// Invariant: every transaction pushed balances exactly, has at least two
/// postings, uses declared accounts and the ledger's currency. Deserialising
/// checks it again (each transaction is [pushed](Ledger::push)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ledger {
    currency: Currency,
    accounts: BTreeSet<Account>,
    transactions: Vec<Transaction>,
}

/// A ledger as written, before its transactions are checked.
#[derive(Deserialize)]
struct LedgerParts {
    currency: Currency,
    accounts: BTreeSet<Account>,
    transactions: Vec<Transaction>,
}

impl<'de> Deserialize<'de> for Ledger {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let parts = LedgerParts::deserialize(d)?;
        let mut ledger = Ledger::new(parts.currency);
        ledger.accounts = parts.accounts;
        for t in parts.transactions {
            ledger.push(t).map_err(serde::de::Error::custom)?;
        }
        Ok(ledger)
    }
}

impl Ledger {
    /// An empty ledger in `currency`.
    #[must_use]
    pub fn new(currency: Currency) -> Self {
        Self {
            currency,
            accounts: BTreeSet::new(),
            transactions: Vec::new(),
        }
    }

    /// The currency.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Declares an account (idempotent).
    pub fn declare(&mut self, account: Account) {
        self.accounts.insert(account);
    }

    /// Declared accounts, sorted.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.iter()
    }

    /// Transactions in push order.
    #[must_use]
    pub fn transactions(&self) -> &[Transaction] {
        &self.transactions
    }

    /// Transactions sorted by date then id (the export order).
    #[must_use]
    pub fn sorted(&self) -> Vec<&Transaction> {
        let mut v: Vec<&Transaction> = self.transactions.iter().collect();
        v.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        v
    }

    /// Tag keys used, sorted.
    #[must_use]
    pub fn tag_keys(&self) -> BTreeSet<&str> {
        self.transactions
            .iter()
            .flat_map(|t| t.tags.iter().map(|(k, _)| k.as_str()))
            .collect()
    }

    /// Adds a transaction after checking it.
    ///
    /// # Errors
    /// [`Error::TooFewPostings`], [`Error::UndeclaredAccount`],
    /// [`Error::CurrencyMismatch`], [`Error::InvalidTag`], [`Error::Unbalanced`]
    /// (no tolerance: the postings must sum to exactly zero).
    pub fn push(&mut self, tx: Transaction) -> Result<()> {
        if tx.postings.len() < 2 {
            return Err(Error::TooFewPostings { id: tx.id });
        }
        for p in &tx.postings {
            if !self.accounts.contains(&p.account) {
                return Err(Error::UndeclaredAccount {
                    id: tx.id.clone(),
                    account: p.account.to_string(),
                });
            }
            for m in std::iter::once(&p.amount).chain(p.assertion.as_ref()) {
                if m.currency() != self.currency {
                    return Err(Error::CurrencyMismatch {
                        left: self.currency.to_string(),
                        right: m.currency().to_string(),
                    });
                }
            }
        }
        for (k, _) in &tx.tags {
            let ok = !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !ok {
                return Err(Error::InvalidTag(k.clone()));
            }
        }
        let imbalance = tx.imbalance_cents();
        if imbalance != 0 {
            return Err(Error::Unbalanced {
                id: tx.id,
                imbalance: Decimal::from_i128_with_scale(imbalance, 2),
            });
        }
        self.transactions.push(tx);
        Ok(())
    }

    /// Balance of every account touched by a transaction dated in `[from, to)`
    /// (open bounds when `None`), zero balances included.
    ///
    /// Amounts are summed exactly in cents (`i128`, no overflow possible for
    /// fewer than 10^20 postings).
    #[must_use]
    pub fn balances(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> BTreeMap<Account, Money> {
        let mut sums: HashMap<&Account, i128> = HashMap::new();
        for t in &self.transactions {
            if from.is_some_and(|f| t.date < f) || to.is_some_and(|e| t.date >= e) {
                continue;
            }
            for p in &t.postings {
                *sums.entry(&p.account).or_default() += i128::from(p.amount.cents());
            }
        }
        sums.into_iter()
            .map(|(a, c)| (a.clone(), self.money_of(c)))
            .collect()
    }

    /// Balance of every account touched in each month: the movements of the month.
    #[must_use]
    pub fn balances_by_month(&self) -> BTreeMap<(Account, YearMonth), Money> {
        // Intern accounts once, then sum per (account index, month) in a flat map.
        let index: HashMap<&Account, usize> = self
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a, i))
            .collect();
        let names: Vec<&Account> = self.accounts.iter().collect();
        let mut sums: HashMap<(usize, i32), i128> = HashMap::new();
        for t in &self.transactions {
            let m = t.date.year() * 12 + i32::try_from(t.date.month0()).unwrap_or(0);
            for p in &t.postings {
                if let Some(i) = index.get(&p.account) {
                    *sums.entry((*i, m)).or_default() += i128::from(p.amount.cents());
                }
            }
        }
        sums.into_iter()
            .filter_map(|((i, m), c)| {
                let ym = YearMonth {
                    year: m.div_euclid(12),
                    month: u32::try_from(m.rem_euclid(12) + 1).ok()?,
                };
                Some(((names.get(i)?.to_owned().clone(), ym), self.money_of(c)))
            })
            .collect()
    }

    /// Movement of every account in every period of `interval`.
    #[must_use]
    pub fn balances_by(&self, interval: Granularity) -> PeriodBalances {
        let names: Vec<&Account> = self.accounts.iter().collect();
        let index: HashMap<&Account, usize> =
            names.iter().enumerate().map(|(i, a)| (*a, i)).collect();
        let mut sums: HashMap<(usize, BalancePeriod), i128> = HashMap::new();
        let mut span: Option<(BalancePeriod, BalancePeriod)> = None;
        for t in &self.transactions {
            let p = BalancePeriod::of(t.date, interval);
            span = Some(span.map_or((p, p), |(a, b)| (a.min(p), b.max(p))));
            for posting in &t.postings {
                if let Some(i) = index.get(&posting.account) {
                    *sums.entry((*i, p)).or_default() += i128::from(posting.amount.cents());
                }
            }
        }
        let mut cells: Vec<BTreeMap<BalancePeriod, i128>> = vec![BTreeMap::new(); names.len()];
        for ((i, p), c) in sums {
            if c != 0
                && let Some(row) = cells.get_mut(i)
            {
                row.insert(p, c);
            }
        }
        let rows = names
            .into_iter()
            .zip(cells)
            .filter(|(_, row)| !row.is_empty())
            .map(|(a, row)| (a.clone(), row))
            .collect();
        PeriodBalances { span, rows }
    }

    fn money_of(&self, cents: i128) -> Money {
        // Sums beyond the Money range saturate to zero only in impossible cases:
        // each amount is <= 10^15 and a ledger this big does not fit in memory.
        let d = Decimal::try_from_i128_with_scale(cents, 2).unwrap_or_default();
        Money::new(d, self.currency).unwrap_or(Money::zero(self.currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_are_written_with_two_decimals_and_a_sign() {
        assert_eq!(cents_text(0), "0.00");
        assert_eq!(cents_text(-5), "-0.05");
        assert_eq!(cents_text(208_403_500), "2084035.00");
        assert_eq!(cents_text(i128::MIN).chars().next(), Some('-'));
    }

    fn eur(s: &str) -> Money {
        Money::parse(s, Currency::Eur).unwrap()
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2016, m, d).unwrap()
    }

    proptest::proptest! {
        #[test]
        fn balance_periods_round_trip_through_text(
            days in -90_000_000i32..90_000_000,
            g in 0usize..3,
        ) {
            let date = NaiveDate::from_num_days_from_ce_opt(days).unwrap();
            let g = [Granularity::Month, Granularity::Quarter, Granularity::Year][g];
            let p = BalancePeriod::of(date, g);
            let text = p.to_string();
            proptest::prop_assert_eq!(text.parse::<BalancePeriod>().unwrap(), p, "{}", text);
            let json = serde_json::to_string(&p).unwrap();
            proptest::prop_assert_eq!(serde_json::from_str::<BalancePeriod>(&json).unwrap(), p);
        }
    }

    #[test]
    fn balance_period_text() {
        for bad in [
            "", "2016-13", "2016Q5", "2016Q0", "2016-00", "x", "2016-1-1", "-", "Q1",
        ] {
            assert!(bad.parse::<BalancePeriod>().is_err(), "{bad}");
        }
        assert_eq!(
            "2016-02"
                .parse::<BalancePeriod>()
                .unwrap()
                .next()
                .to_string(),
            "2016-03"
        );
        let a: Account = serde_json::from_str("\"assets:treasury\"").unwrap();
        assert_eq!(a.as_str(), "assets:treasury");
        assert!(serde_json::from_str::<Account>("\"asset:x\"").is_err());
    }

    #[test]
    fn account_rules() {
        assert!(Account::new("assets:treasury").is_ok());
        assert!(Account::new("asset:treasury").is_err());
        assert!(Account::new("assets::x").is_err());
        assert!(Account::new("assets:a  b").is_err());
        assert!(Account::new("assets:a\tb").is_err());
        let a = Account::from_segments("expenses", &["startups", "e-inspé", "a:b"]).unwrap();
        assert_eq!(a.as_str(), "expenses:startups:e-inspé:a-b");
    }

    #[test]
    fn unbalanced_and_undeclared_are_refused() {
        let mut l = Ledger::new(Currency::Eur);
        let a = Account::new("assets:treasury").unwrap();
        let b = Account::new("income:partners:x").unwrap();
        l.declare(a.clone());
        let t = Transaction::new(day(1, 1), "t1", "x")
            .with(Posting::new(a.clone(), eur("1.00")))
            .with(Posting::new(b.clone(), eur("-1.00")));
        assert!(matches!(
            l.push(t.clone()),
            Err(Error::UndeclaredAccount { .. })
        ));
        l.declare(b.clone());
        let off = Transaction::new(day(1, 1), "t2", "x")
            .with(Posting::new(a.clone(), eur("1.00")))
            .with(Posting::new(b.clone(), eur("-0.99")));
        assert!(matches!(l.push(off), Err(Error::Unbalanced { .. })));
        assert!(l.push(t).is_ok());
        let t3 = Transaction::new(day(2, 3), "t3", "x")
            .with(Posting::new(a.clone(), eur("2.00")))
            .with(Posting::new(b.clone(), eur("-2.00")));
        assert!(l.push(t3).is_ok());
        let by_month = l.balances_by_month();
        assert_eq!(by_month.len(), 4);
        let feb = YearMonth {
            year: 2016,
            month: 2,
        };
        assert_eq!(by_month.get(&(a.clone(), feb)).map(Money::cents), Some(200));
        let jan_only = l.balances(None, Some(day(2, 1)));
        assert_eq!(jan_only.get(&b).map(Money::cents), Some(-100));

        let t4 = Transaction::new(day(4, 30), "t4", "x")
            .with(Posting::new(a.clone(), eur("-5.00")))
            .with(Posting::new(b.clone(), eur("5.00")));
        let t5 = Transaction::new(day(4, 30), "t5", "back")
            .with(Posting::new(a.clone(), eur("5.00")))
            .with(Posting::new(b.clone(), eur("-5.00")));
        l.push(t4).unwrap();
        l.push(t5).unwrap();
        let m = l.balances_by(Granularity::Month);
        let titles: Vec<String> = m.periods().map(|p| p.to_string()).collect();
        assert_eq!(titles, ["2016-01", "2016-02", "2016-03", "2016-04"]);
        // April nets to zero: no cell; both accounts keep their rows.
        assert_eq!(m.rows.len(), 2);
        let (acc, row) = &m.rows[0];
        assert_eq!(acc, &a);
        let cells: Vec<(String, i128)> = row.iter().map(|(p, c)| (p.to_string(), *c)).collect();
        assert_eq!(
            cells,
            [("2016-01".to_owned(), 100), ("2016-02".to_owned(), 200)]
        );
        let q = l.balances_by(Granularity::Quarter);
        let titles: Vec<String> = q.periods().map(|p| p.to_string()).collect();
        assert_eq!(titles, ["2016Q1", "2016Q2"]);
        assert_eq!(q.rows[1].1.values().copied().collect::<Vec<_>>(), [-300]);
        let y = l.balances_by(Granularity::Year);
        assert_eq!(
            y.periods().map(|p| p.to_string()).collect::<Vec<_>>(),
            ["2016"]
        );
        assert_eq!(
            Ledger::new(Currency::Eur)
                .balances_by(Granularity::Year)
                .periods()
                .count(),
            0
        );
    }
}
