//! From a [`Budget`] to a double-entry [`Ledger`] (one balanced transaction per event).
//!
//! | event | debit | credit |
//! |---|---|---|
//! | own credits (resource) | `assets:treasury` | `income:own-budget:<line or "credits">` |
//! | partner funds (resource) | `assets:treasury` | `income:partners:<partner or "unspecified">` |
//! | agreement signed (grant, rebilling, credit transfer) | `assets:receivables:<agreement>` | `income:partners:<partner>` |
//! | tranche received (same kinds) | `assets:treasury` | `assets:receivables:<agreement>` (balance asserted) |
//! | tranche received (fonds de concours, attribution de produits) | `assets:treasury` | `income:partners:<partner>` |
//! | délégation de gestion signed | `assets:treasury` | `equity:delegated:<partner>` (not income) |
//! | service fait | `expenses:startups:<startup>:<phase>:<category>` (net) and `…:vat` | `liabilities:suppliers:<supplier>` (gross) |
//! | payment | `liabilities:suppliers:<supplier>` (balance asserted) | `assets:treasury` |
//!
//! Ids become segments through [`crate::ledger::account_segment`]; an order
//! with no start-up is booked under `expenses:startups:shared`.

use std::collections::{BTreeMap, HashMap};

use betagouv_portfolio::{Diagnostic, Portfolio, Severity, StartupId};

use crate::error::Result;
use crate::flows::{Index, attribution};
use crate::ledger::{Account, Ledger, Posting, Transaction};
use crate::model::{AgreementKind, Budget, SourceKind};
use crate::money::{Currency, MAX_UNITS, Money};

fn account(top: &str, ids: &[&str]) -> Result<Account> {
    Account::from_segments(top, ids)
}

/// Treasury account.
///
/// # Errors
/// Never in practice (the name is constant).
pub fn treasury() -> Result<Account> {
    Account::new("assets:treasury")
}

/// Builds the money ledger of `budget`. Records that cannot be booked (unknown
/// order, overflow) are skipped with a diagnostic; [`crate::check::check`]
/// reports the rule breaches themselves.
///
/// Balance assertions are set on the supplier account after each payment and
/// on the agreement receivable after each tranche, with the running balance in
/// export order (date, then transaction id).
#[must_use]
pub fn to_ledger(budget: &Budget, portfolio: Option<&Portfolio>) -> (Ledger, Vec<Diagnostic>) {
    let Ok(cash) = treasury() else {
        return (Ledger::new(budget.currency), Vec::new());
    };
    let mut books = Books {
        budget,
        cash,
        txs: Vec::new(),
        diags: Vec::new(),
    };
    let index = Index::new(budget);
    books.resources();
    books.agreements();
    books.deliveries(&index, portfolio);
    books.payments(&index);
    // Export order, then running balances for the asserted postings.
    books
        .txs
        .sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    assert_running_balances(&mut books.txs, budget.currency);
    books.into_ledger()
}

/// The transactions booked so far and the records that could not be.
struct Books<'a> {
    budget: &'a Budget,
    /// The treasury account.
    cash: Account,
    txs: Vec<Transaction>,
    diags: Vec<Diagnostic>,
}

impl Books<'_> {
    /// A record not booked, and why.
    fn skip(&mut self, what: String, e: &dyn std::fmt::Display) {
        self.diags.push(Diagnostic::new(
            Severity::Error,
            "not-booked",
            format!("{what}: not booked: {e}"),
        ));
    }

    /// Own credits and partner funds: treasury against income.
    fn resources(&mut self) {
        for r in &self.budget.resources {
            let income = match r.source {
                SourceKind::Incubator => account(
                    "income",
                    &["own-budget", r.line.as_deref().unwrap_or("credits")],
                ),
                SourceKind::Partners => account(
                    "income",
                    &["partners", r.partner.as_deref().unwrap_or("unspecified")],
                ),
            };
            let income = match income {
                Ok(income) => income,
                Err(e) => {
                    self.skip(format!("resource {}", r.id), &e);
                    continue;
                }
            };
            let desc = match r.source {
                SourceKind::Incubator => format!("Own credits {}", r.id),
                SourceKind::Partners => format!("Partner funds {}", r.id),
            };
            let mut t = Transaction::new(r.date, format!("res:{}", r.id), desc)
                .tag("resource", r.id.clone())
                .with(Posting::new(self.cash.clone(), r.amount))
                .with(Posting::new(income, r.amount.negated()));
            if let Some(p) = &r.partner {
                t = t.tag("partner", p.clone());
            }
            self.txs.push(t);
        }
    }

    /// Each agreement: a receivable against partner income when signed, then each
    /// tranche received into the treasury; see [`Books::agreement_by_kind`] for
    /// the kinds booked otherwise.
    fn agreements(&mut self) {
        let budget = self.budget;
        for a in &budget.agreements {
            if self.agreement_by_kind(a) {
                continue;
            }
            let (Ok(recv), Ok(income)) = (
                account("assets", &["receivables", &a.id]),
                account("income", &["partners", &a.partner]),
            ) else {
                self.skip(format!("agreement {}", a.id), &"invalid account");
                continue;
            };
            let name = budget
                .organisation(&a.partner)
                .map_or(a.partner.as_str(), |o| o.name.as_str());
            self.txs.push(
                Transaction::new(
                    a.signed_on,
                    format!("agr:{}", a.id),
                    format!("Agreement {} signed with {name}", a.id),
                )
                .tag("agreement", a.id.clone())
                .tag("partner", a.partner.clone())
                .with(Posting::new(recv.clone(), a.amount))
                .with(Posting::new(income, a.amount.negated())),
            );
            for (i, on, received) in a.receipts() {
                self.txs.push(
                    Transaction::new(
                        on,
                        format!("agr:{}:t{:03}", a.id, i + 1),
                        format!("Tranche {} of {} received", i + 1, a.id),
                    )
                    .tag("agreement", a.id.clone())
                    .with(Posting::new(self.cash.clone(), received))
                    .with(
                        Posting::new(recv.clone(), received.negated())
                            .asserting(Money::zero(budget.currency)),
                    ),
                );
            }
        }
    }

    /// A fonds de concours or an attribution de produits is income when received
    /// (LOLF art. 17: credits open on receipt): each tranche received, treasury
    /// against partner income, in its own year. A délégation de gestion is no
    /// income: the delegating ministry keeps the credits on its programme; the
    /// amount the incubator may spend for it is booked, when signed, against
    /// `equity:delegated:<partner>`. Returns whether `a` was booked here.
    fn agreement_by_kind(&mut self, a: &crate::model::Agreement) -> bool {
        let budget = self.budget;
        let source = if a.kind.opens_on_receipt() {
            account("income", &["partners", &a.partner])
        } else if a.kind == AgreementKind::DelegatedManagement {
            account("equity", &["delegated", &a.partner])
        } else {
            return false;
        };
        let Ok(source) = source else {
            self.skip(format!("agreement {}", a.id), &"invalid account");
            return true;
        };
        let name = budget
            .organisation(&a.partner)
            .map_or(a.partner.as_str(), |o| o.name.as_str());
        if a.kind == AgreementKind::DelegatedManagement {
            self.txs.push(
                Transaction::new(
                    a.signed_on,
                    format!("agr:{}", a.id),
                    format!("Delegated management {} signed with {name}", a.id),
                )
                .tag("agreement", a.id.clone())
                .tag("partner", a.partner.clone())
                .with(Posting::new(self.cash.clone(), a.amount))
                .with(Posting::new(source, a.amount.negated())),
            );
            return true;
        }
        for (i, on, received) in a.receipts() {
            self.txs.push(
                Transaction::new(
                    on,
                    format!("agr:{}:t{:03}", a.id, i + 1),
                    format!("Tranche {} of {} received from {name}", i + 1, a.id),
                )
                .tag("agreement", a.id.clone())
                .tag("partner", a.partner.clone())
                .with(Posting::new(self.cash.clone(), received))
                .with(Posting::new(source.clone(), received.negated())),
            );
        }
        true
    }

    /// Service fait: the expense (net, and VAT) of the start-up's phase at the end
    /// of the period against the supplier (gross).
    fn deliveries(&mut self, index: &Index<'_>, portfolio: Option<&Portfolio>) {
        for d in &self.budget.deliveries {
            let (t, o) = match index.delivery_totals(d) {
                Ok(Some(x)) => x,
                Ok(None) => {
                    self.skip(
                        format!("delivery {}", d.id),
                        &format!("unknown order {}", d.order),
                    );
                    continue;
                }
                Err(e) => {
                    self.skip(format!("delivery {}", d.id), &e);
                    continue;
                }
            };
            let (phase, _) = attribution(portfolio, o.startup.as_ref(), d.period_end);
            let startup = o
                .startup
                .as_ref()
                .map_or(crate::report::SHARED, StartupId::as_str);
            let accounts = (
                account("expenses", &["startups", startup, &phase, o.category.key()]),
                account("expenses", &["startups", startup, &phase, "vat"]),
                account("liabilities", &["suppliers", &o.supplier]),
            );
            let (Ok(exp), Ok(vat), Ok(sup)) = accounts else {
                self.skip(format!("delivery {}", d.id), &"invalid account");
                continue;
            };
            let mut tx = Transaction::new(
                d.period_end,
                format!("del:{}", d.id),
                format!("Service fait {} {}", o.id, d.id),
            )
            .tag("po", o.id.clone())
            .tag("delivery", d.id.clone())
            .tag("phase", phase.clone())
            .with(Posting::new(exp, t.net));
            if let Some(s) = &o.startup {
                tx = tx.tag("startup", s.as_str());
            }
            if !t.vat.is_zero() {
                tx = tx.with(Posting::new(vat, t.vat));
            }
            self.txs.push(tx.with(Posting::new(sup, t.gross.negated())));
        }
    }

    /// Payments: each supplier paid (its share of the payment over the deliveries
    /// paid) against the treasury.
    fn payments(&mut self, index: &Index<'_>) {
        let currency = self.budget.currency;
        for p in &self.budget.payments {
            let parts = match index.payment_parts(p) {
                Ok(parts) if !parts.is_empty() => parts,
                Ok(_) => {
                    self.skip(format!("payment {}", p.id), &"no known delivery");
                    continue;
                }
                Err(e) => {
                    self.skip(format!("payment {}", p.id), &e);
                    continue;
                }
            };
            let mut by_supplier: BTreeMap<&str, Vec<Money>> = BTreeMap::new();
            for part in &parts {
                by_supplier
                    .entry(part.order.supplier.as_str())
                    .or_default()
                    .push(part.amount);
            }
            let mut tx = Transaction::new(
                p.paid_on,
                format!("pay:{}", p.id),
                format!("Payment {}", p.id),
            )
            .tag("payment", p.id.clone());
            let mut pos: Vec<&str> = parts.iter().map(|x| x.order.id.as_str()).collect();
            pos.dedup();
            for po in pos {
                tx = tx.tag("po", po.to_owned());
            }
            let mut ok = true;
            for (s, amounts) in by_supplier {
                match (
                    account("liabilities", &["suppliers", s]),
                    Money::sum(&amounts, currency),
                ) {
                    (Ok(a), Ok(m)) => {
                        tx = tx.with(Posting::new(a, m).asserting(Money::zero(currency)));
                    }
                    _ => ok = false,
                }
            }
            if ok {
                self.txs
                    .push(tx.with(Posting::new(self.cash.clone(), p.amount_gross.negated())));
            } else {
                self.skip(format!("payment {}", p.id), &"invalid account or overflow");
            }
        }
    }

    /// The ledger of the transactions (every account they use declared), with the
    /// diagnostics: the sums bound, then any transaction the ledger refuses.
    fn into_ledger(self) -> (Ledger, Vec<Diagnostic>) {
        let Books {
            budget,
            cash,
            txs,
            diags,
        } = self;
        build_ledger(budget.currency, txs, Some(cash), diags)
    }
}

/// The ledger of `txs` (every account they use declared, and `also`), with
/// `diags` followed by the sums bound and any transaction the ledger refuses.
pub(crate) fn build_ledger(
    currency: Currency,
    txs: Vec<Transaction>,
    also: Option<Account>,
    mut diags: Vec<Diagnostic>,
) -> (Ledger, Vec<Diagnostic>) {
    if let Some(d) = sum_bound(&txs) {
        diags.push(d);
    }
    let mut ledger = Ledger::new(currency);
    let used: std::collections::HashSet<&Account> = txs
        .iter()
        .flat_map(|t| t.postings.iter().map(|p| &p.account))
        .collect();
    for a in used {
        ledger.declare(a.clone());
    }
    if let Some(a) = also {
        ledger.declare(a);
    }
    for t in txs {
        let id = t.id.clone();
        if let Err(e) = ledger.push(t) {
            diags.push(Diagnostic::new(
                Severity::Error,
                "not-booked",
                format!("transaction {id}: {e}"),
            ));
        }
    }
    (ledger, diags)
}

/// Sets each asserted posting's assertion to the running balance of its account,
/// in the order of `txs`.
fn assert_running_balances(txs: &mut [Transaction], currency: Currency) {
    let mut running: HashMap<Account, i128> = HashMap::new();
    for t in txs {
        for p in &mut t.postings {
            if !running.contains_key(&p.account) {
                running.insert(p.account.clone(), 0);
            }
            let Some(bal) = running.get_mut(&p.account) else {
                continue;
            };
            *bal += i128::from(p.amount.cents());
            if p.assertion.is_some() {
                let cents = i64::try_from(*bal).ok();
                p.assertion = cents.and_then(|c| Money::from_cents(c, currency).ok());
            }
        }
    }
}

/// Rule id of the error [`to_ledger`] gives when the debits of the ledger add up
/// past what a sum of [`Money`] holds (±[`MAX_UNITS`]): every total, balance and
/// report figure would then be wrong.
pub const SUMS_OUT_OF_RANGE: &str = "sums-out-of-range";

/// Every total, balance and report figure is a sum of postings of one side, so it
/// stays within ±[`MAX_UNITS`] when all the debits together do. Past that, a sum
/// would not be exact: an error, so that no figure is shown wrong.
fn sum_bound(txs: &[Transaction]) -> Option<Diagnostic> {
    let debits: i128 = txs
        .iter()
        .flat_map(|t| &t.postings)
        .map(|p| i128::from(p.amount.cents()))
        .filter(|c| *c > 0)
        .sum();
    (debits > i128::from(MAX_UNITS) * 100).then(|| {
        Diagnostic::new(
            Severity::Error,
            SUMS_OUT_OF_RANGE,
            format!(
                "the debits of the ledger add up to {}.{:02}, past the {MAX_UNITS} that a sum of money holds exactly: totals and balances would be wrong",
                debits / 100,
                debits % 100
            ),
        )
    })
}

#[cfg(test)]
#[cfg(feature = "toml")] // they read budget files
mod tests {
    use std::path::Path;

    use super::*;
    use crate::file::parse_budget;
    use crate::model::FiscalYear;
    use crate::report::{YearReportOptions, report};

    fn budget(amounts: &[&str]) -> Budget {
        let mut text = String::from("currency = \"EUR\"\nincubator = \"x\"\n");
        for (i, a) in amounts.iter().enumerate() {
            text.push_str(&format!(
                "\n[[resources]]\nid = \"r{i}\"\ndate = 2016-12-31\nsource = \"incubator\"\namount = \"{a}\"\n"
            ));
        }
        parse_budget(&text, Path::new("b.toml")).unwrap()
    }

    #[test]
    fn sums_past_the_money_range_are_an_error_of_the_report() {
        // Each amount fits; their sum does not: the report must not show it wrong.
        let b = budget(&["900000000000000.00", "900000000000000.00"]);
        let (_, problems) = to_ledger(&b, None);
        assert!(problems.iter().any(|d| d.rule == SUMS_OUT_OF_RANGE
            && d.severity == Severity::Error
            && d.message.contains("1800000000000000.00")));
        let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
        assert_eq!(r.problems.errors, 1);
        // Up to the bound, the sums are exact and nothing is said.
        let b = budget(&["500000000000000.00", "500000000000000.00"]);
        let (_, problems) = to_ledger(&b, None);
        assert!(problems.is_empty(), "{problems:?}");
        let r = report(&b, None, &YearReportOptions::new(FiscalYear(2016)));
        assert_eq!(r.total.cents(), 100_000_000_000_000_000);
        assert_eq!(r.problems.errors, 0);
    }
}
