//! From a [`Budget`] to a double-entry [`Ledger`] (one balanced transaction per event).
//!
//! A State service holds no cash: what its resources open, and its payments consume,
//! are payment credits (CP). The payments journal books them on CP accounts:
//! `assets:cp:incubator` for the incubator's own programme, and one
//! `assets:cp:delegated:<agreement>` per délégation de gestion, whose orders are
//! charged to the delegating ministry's programme.
//!
//! | event | debit | credit |
//! |---|---|---|
//! | own credits (resource) | `assets:cp:incubator` | `income:own-budget:<line or "credits">` |
//! | partner funds (resource) | `assets:cp:incubator` | `income:partners:<partner or "unspecified">` |
//! | agreement signed (grant, rebilling, credit transfer) | `assets:receivables:<agreement>` | `income:partners:<partner>` |
//! | tranche received (same kinds) | `assets:cp:incubator` | `assets:receivables:<agreement>` (balance asserted) |
//! | tranche received (fonds de concours, attribution de produits) | `assets:cp:incubator` | `income:partners:<partner>` |
//! | délégation de gestion signed | `assets:cp:delegated:<agreement>` | `equity:delegated:<partner>` (not income) |
//! | service fait | `expenses:startups:<startup>:<phase>:<category>` (net) and `…:vat` | `liabilities:suppliers:<supplier>` (gross) |
//! | service fait, order of a délégation de gestion | `expenses:delegated:<agreement>:<startup>:<category>` (net) and `…:vat` | `liabilities:suppliers:<supplier>` (gross) |
//! | payment | `liabilities:suppliers:<supplier>` (balance asserted) | `assets:cp:incubator`, or `assets:cp:delegated:<agreement>` for the share on a délégation de gestion's orders |
//!
//! Ids become segments through [`crate::ledger::account_segment`]; an order
//! with no start-up is booked under `shared` in place of the start-up.
//!
//! ```
//! # #[cfg(feature = "toml")] {
//! use betagouv_funding::{builtin, post};
//! let (ledger, _) = post::to_ledger(&builtin::builtin_2016()?, None);
//! let cp = post::incubator_cp()?;
//! assert_eq!(cp.as_str(), post::INCUBATOR_CP);
//! assert_eq!(ledger.balances(None, None)[&cp].amount().to_string(), "2084035.00");
//! assert_eq!(post::delegated_cp("dg-1")?.as_str(), "assets:cp:delegated:dg-1");
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use betagouv_portfolio::{Diagnostic, Portfolio, Severity, StartupId};

use crate::availability::{delegated_orders, delegation};
use crate::error::Result;
use crate::flows::{Index, PaymentPart, attribution};
use crate::ledger::{Account, Ledger, Posting, Transaction};
use crate::model::{AgreementKind, Budget, PurchaseOrder, SourceKind};
use crate::money::{Currency, MAX_UNITS, Money};

fn account(top: &str, ids: &[&str]) -> Result<Account> {
    Account::from_segments(top, ids)
}

/// The name of [`incubator_cp`]'s account.
pub const INCUBATOR_CP: &str = "assets:cp:incubator";

/// The payment credits (CP) of the incubator's own programme: opened by its
/// resources and the partner money it receives, consumed by the payments of its
/// orders. A State service has no treasury of its own: this account stands for
/// CP, not cash.
///
/// # Errors
/// Never in practice (the name is constant).
pub fn incubator_cp() -> Result<Account> {
    Account::new(INCUBATOR_CP)
}

/// The payment credits (CP) that the délégation de gestion `agreement` lets the
/// incubator use on the delegating ministry's programme:
/// `assets:cp:delegated:<agreement>`, the agreement id made a segment by
/// [`crate::ledger::account_segment`].
///
/// # Errors
/// Never in practice (any id maps to a valid segment).
pub fn delegated_cp(agreement: &str) -> Result<Account> {
    account("assets", &["cp", "delegated", agreement])
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
    let Ok(cp) = incubator_cp() else {
        return (Ledger::new(budget.currency), Vec::new());
    };
    let mut books = Books {
        budget,
        cp,
        delegated: delegated_orders(budget),
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
    /// The incubator's CP account ([`incubator_cp`]).
    cp: Account,
    /// The orders of a délégation de gestion ([`delegated_orders`]).
    delegated: HashSet<&'a str>,
    txs: Vec<Transaction>,
    diags: Vec<Diagnostic>,
}

impl Books<'_> {
    /// The CP account the payments of `o` consume: that of its délégation de
    /// gestion, else the incubator's.
    fn cp_of(&self, o: &PurchaseOrder) -> Result<Account> {
        match delegation(&self.delegated, o) {
            Some(a) => delegated_cp(a),
            None => Ok(self.cp.clone()),
        }
    }

    /// The expense accounts (net, VAT) of the service fait of `o` in `phase`: the
    /// start-up's, or under the délégation de gestion the order is charged to
    /// (without phase: the delegating programme's expense, reported apart).
    fn expense_accounts(&self, o: &PurchaseOrder, phase: &str) -> Result<(Account, Account)> {
        let startup = o
            .startup
            .as_ref()
            .map_or(crate::report::SHARED, StartupId::as_str);
        let category = o.category.key();
        Ok(match delegation(&self.delegated, o) {
            Some(a) => (
                account("expenses", &["delegated", a, startup, category])?,
                account("expenses", &["delegated", a, startup, "vat"])?,
            ),
            None => (
                account("expenses", &["startups", startup, phase, category])?,
                account("expenses", &["startups", startup, phase, "vat"])?,
            ),
        })
    }

    /// A record not booked, and why.
    fn skip(&mut self, what: String, e: &dyn std::fmt::Display) {
        self.diags.push(Diagnostic::new(
            Severity::Error,
            "not-booked",
            format!("{what}: not booked: {e}"),
        ));
    }

    /// Own credits and partner funds: the incubator's CP against income.
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
                .with(Posting::new(self.cp.clone(), r.amount))
                .with(Posting::new(income, r.amount.negated()));
            if let Some(p) = &r.partner {
                t = t.tag("partner", p.clone());
            }
            self.txs.push(t);
        }
    }

    /// Each agreement: a receivable against partner income when signed, then each
    /// tranche received into the incubator's CP; see [`Books::agreement_by_kind`] for
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
                    .with(Posting::new(self.cp.clone(), received))
                    .with(
                        Posting::new(recv.clone(), received.negated())
                            .asserting(Money::zero(budget.currency)),
                    ),
                );
            }
        }
    }

    /// A fonds de concours or an attribution de produits is income when received
    /// (LOLF art. 17: credits open on receipt): each tranche received, the
    /// incubator's CP against partner income, in its own year. A délégation de
    /// gestion is no income: the delegating ministry keeps the credits on its
    /// programme; the amount the incubator may spend for it is booked, when signed,
    /// on its own CP account ([`delegated_cp`]) against `equity:delegated:<partner>`.
    /// Returns whether `a` was booked here.
    fn agreement_by_kind(&mut self, a: &crate::model::Agreement) -> bool {
        let budget = self.budget;
        let source = if a.kind.opens_on_receipt() {
            account("income", &["partners", &a.partner])
        } else if a.kind == AgreementKind::DelegatedManagement {
            account("equity", &["delegated", &a.partner])
        } else {
            return false;
        };
        let (Ok(source), Ok(delegated)) = (source, delegated_cp(&a.id)) else {
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
                .with(Posting::new(delegated, a.amount))
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
                .with(Posting::new(self.cp.clone(), received))
                .with(Posting::new(source.clone(), received.negated())),
            );
        }
        true
    }

    /// Service fait: the expense (net, and VAT) of the start-up's phase at the end
    /// of the period (or of the délégation de gestion the order is charged to)
    /// against the supplier (gross).
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
            let accounts = (
                self.expense_accounts(o, &phase),
                account("liabilities", &["suppliers", &o.supplier]),
            );
            let (Ok((exp, vat)), Ok(sup)) = accounts else {
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
            if let Some(a) = delegation(&self.delegated, o) {
                tx = tx.tag("agreement", a);
            }
            if !t.vat.is_zero() {
                tx = tx.with(Posting::new(vat, t.vat));
            }
            self.txs.push(tx.with(Posting::new(sup, t.gross.negated())));
        }
    }

    /// Payments: each supplier paid (its share of the payment over the deliveries
    /// paid) against the CP those deliveries' orders consume ([`Books::cp_of`]).
    fn payments(&mut self, index: &Index<'_>) {
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
            match self.payment_postings(&parts) {
                Some(postings) => {
                    tx.postings.extend(postings);
                    self.txs.push(tx);
                }
                None => self.skip(format!("payment {}", p.id), &"invalid account or overflow"),
            }
        }
    }

    /// The postings of a payment split in `parts`: each supplier paid (its balance
    /// asserted) against the CP each share consumes ([`Books::cp_of`]); `None` on an
    /// invalid account or an overflow. The shares add up to the payment (largest
    /// remainder), so the transaction balances.
    fn payment_postings(&self, parts: &[PaymentPart<'_>]) -> Option<Vec<Posting>> {
        let currency = self.budget.currency;
        let mut by_supplier: BTreeMap<&str, Vec<Money>> = BTreeMap::new();
        let mut by_cp: BTreeMap<Account, Vec<Money>> = BTreeMap::new();
        for part in parts {
            by_supplier
                .entry(part.order.supplier.as_str())
                .or_default()
                .push(part.amount);
            let cp = self.cp_of(part.order).ok()?;
            by_cp.entry(cp).or_default().push(part.amount);
        }
        let mut out = Vec::with_capacity(by_supplier.len() + by_cp.len());
        for (s, amounts) in by_supplier {
            let a = account("liabilities", &["suppliers", s]).ok()?;
            let m = Money::sum(&amounts, currency).ok()?;
            out.push(Posting::new(a, m).asserting(Money::zero(currency)));
        }
        for (cp, amounts) in by_cp {
            let m = Money::sum(&amounts, currency).ok()?;
            out.push(Posting::new(cp, m.negated()));
        }
        Some(out)
    }

    /// The ledger of the transactions (every account they use declared), with the
    /// diagnostics: the sums bound, then any transaction the ledger refuses.
    fn into_ledger(self) -> (Ledger, Vec<Diagnostic>) {
        let Books {
            budget,
            cp,
            txs,
            diags,
            ..
        } = self;
        build_ledger(budget.currency, txs, Some(cp), diags)
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

/// A budget of 2017 with an own order (`BC-OWN`, 12,000.00 gross, half delivered and
/// paid) and two orders of the délégation de gestion `dg-1` (50,000.00):
/// `BC-DG1` (12,000.00, half delivered and paid, with `BC-OWN`'s share, by one
/// payment) and `BC-DG2` (3,000.00, no start-up, 1,200.00 delivered and paid,
/// closed on 30 June). Unit tests of this module and of the report.
#[cfg(all(test, feature = "toml"))]
pub(crate) const DELEGATED_BUDGET: &str = r#"
currency = "EUR"
incubator = "x"

[[lines]]
id = "p352"
programme = "352"

[[credits]]
line = "p352"
year = 2017
ae_initial = "100000.00"
cp_initial = "100000.00"

[[resources]]
id = "own"
date = 2017-01-02
source = "incubator"
line = "p352"
amount = "100000.00"

[[agreements]]
id = "dg-1"
partner = "min-travail"
kind = "delegated-management"
amount = "50000.00"
signed_on = 2017-01-10

[[contracts]]
id = "ac"
holder = "holder"
start = 2015-01-01

[[orders]]
id = "BC-OWN"
contract = "ac"
startup = "mes-aides"
line = "p352"
issued_on = 2017-02-01
lines = [{ profile = "dev", days = 20, daily_rate_net = "500.00" }]

[[orders]]
id = "BC-DG1"
contract = "ac"
startup = "mes-aides"
agreement = "dg-1"
issued_on = 2017-02-01
lines = [{ profile = "dev", days = 20, daily_rate_net = "500.00" }]

[[orders]]
id = "BC-DG2"
contract = "ac"
agreement = "dg-1"
category = "design"
issued_on = 2017-03-01
closed_on = 2017-06-30
lines = [{ profile = "design", days = 5, daily_rate_net = "500.00" }]

[[deliveries]]
id = "SF-OWN"
order = "BC-OWN"
period_start = 2017-02-01
period_end = 2017-02-28
amount_net = "5000.00"

[[deliveries]]
id = "SF-DG1"
order = "BC-DG1"
period_start = 2017-02-01
period_end = 2017-03-31
amount_net = "5000.00"

[[deliveries]]
id = "SF-DG2"
order = "BC-DG2"
period_start = 2017-03-01
period_end = 2017-03-31
amount_net = "1000.00"

[[payments]]
id = "PAY-1"
deliveries = ["SF-OWN", "SF-DG1"]
paid_on = 2017-04-10
amount_gross = "12000.00"

[[payments]]
id = "PAY-2"
deliveries = ["SF-DG2"]
paid_on = 2017-04-20
amount_gross = "1200.00"
"#;

#[cfg(test)]
#[cfg(feature = "toml")] // they read budget files
mod tests {
    use std::path::Path;

    use super::*;
    use crate::file::parse_budget;
    use crate::model::FiscalYear;
    use crate::report::{YearReportOptions, report};

    /// The balance of `account` in `ledger`, as text (`None` when never used).
    fn balance(ledger: &Ledger, account: &str) -> Option<String> {
        ledger
            .balances(None, None)
            .iter()
            .find(|(a, _)| a.as_str() == account)
            .map(|(_, m)| m.amount().to_string())
    }

    #[test]
    fn resources_open_the_incubators_cp_and_payments_consume_it() {
        let b = crate::builtin::builtin_2016().unwrap();
        let (ledger, problems) = to_ledger(&b, None);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            balance(&ledger, INCUBATOR_CP).as_deref(),
            Some("2084035.00")
        );
        assert!(ledger.accounts().any(|a| a.as_str() == INCUBATOR_CP));
        assert!(ledger.accounts().all(|a| !a.as_str().contains("treasury")));
        assert_eq!(
            delegated_cp("dg 1:a").unwrap().as_str(),
            "assets:cp:delegated:dg-1-a"
        );
    }

    #[test]
    fn a_delegation_is_booked_on_its_own_cp_and_expense_accounts() {
        let b = parse_budget(DELEGATED_BUDGET, Path::new("dg.toml")).unwrap();
        let (ledger, problems) = to_ledger(&b, None);
        assert!(problems.is_empty(), "{problems:?}");
        let get = |a: &str| balance(&ledger, a);
        // Signed: its CP against the delegating partner's equity, no income.
        assert_eq!(
            get("equity:delegated:min-travail").as_deref(),
            Some("-50000.00")
        );
        // 50,000.00 − 6,000.00 (its share of PAY-1) − 1,200.00 (PAY-2).
        assert_eq!(get("assets:cp:delegated:dg-1").as_deref(), Some("42800.00"));
        // 100,000.00 of own credits − 6,000.00 (BC-OWN's share of PAY-1).
        assert_eq!(get(INCUBATOR_CP).as_deref(), Some("94000.00"));
        assert_eq!(
            get("expenses:delegated:dg-1:mes-aides:development").as_deref(),
            Some("5000.00")
        );
        assert_eq!(
            get("expenses:delegated:dg-1:mes-aides:vat").as_deref(),
            Some("1000.00")
        );
        assert_eq!(
            get("expenses:delegated:dg-1:shared:design").as_deref(),
            Some("1000.00")
        );
        assert_eq!(
            get("expenses:delegated:dg-1:shared:vat").as_deref(),
            Some("200.00")
        );
        // The incubator's expenses are its own order's only.
        let own: Vec<String> = ledger
            .balances(None, None)
            .into_iter()
            .filter(|(a, _)| a.as_str().starts_with("expenses:startups:"))
            .map(|(a, m)| format!("{a} {}", m.amount()))
            .collect();
        assert_eq!(
            own,
            [
                "expenses:startups:mes-aides:unphased:development 5000.00",
                "expenses:startups:mes-aides:unphased:vat 1000.00"
            ]
        );
        let sf = ledger
            .transactions()
            .iter()
            .find(|t| t.id == "del:SF-DG2")
            .unwrap();
        assert!(
            sf.tags.iter().any(|(k, v)| k == "agreement" && v == "dg-1"),
            "{sf:?}"
        );
        // One payment of both orders: each share against its own CP, the supplier
        // settled once (balance asserted).
        let pay = ledger
            .transactions()
            .iter()
            .find(|t| t.id == "pay:PAY-1")
            .unwrap();
        let postings: Vec<(&str, String, bool)> = pay
            .postings
            .iter()
            .map(|p| {
                (
                    p.account.as_str(),
                    p.amount.amount().to_string(),
                    p.assertion.is_some(),
                )
            })
            .collect();
        assert_eq!(
            postings,
            [
                ("liabilities:suppliers:holder", "12000.00".to_owned(), true),
                ("assets:cp:delegated:dg-1", "-6000.00".to_owned(), false),
                (INCUBATOR_CP, "-6000.00".to_owned(), false),
            ]
        );
        assert!(ledger.accounts().all(|a| !a.as_str().contains("treasury")));
        let total: i64 = ledger.balances(None, None).values().map(Money::cents).sum();
        assert_eq!(total, 0);
    }

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
