//! The `budget_line` table, and the budget lines of a ledger.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use betagouv_funding::ledger::{Ledger, Transaction};
use betagouv_portfolio::RecordKind;

use super::types::{D, I, N, S};
use super::{Cell, Ctx, RAW, Row, Table, TableSpec, Target, col, references_id};

/// One posting of the budget ledger, for the `budget_line` table: the same postings
/// the hledger journal holds (see [`budget_lines`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetRow {
    /// Stable id of the transaction (funding or spending event).
    pub transaction_id: String,
    /// Position of the posting in its transaction, from 1.
    pub seq: usize,
    /// Date of the transaction.
    pub date: NaiveDate,
    /// Description of the transaction.
    pub description: String,
    /// Account (`income:…`, `expenses:startups:<slug>:…`, `expenses:delegated:<agreement>:…`, `assets:cp:…`, `equity:…`).
    pub account: String,
    /// The start-up the transaction is for (its `startup` tag), when any.
    pub startup_id: Option<String>,
    /// The partner (its `partner` tag), when any.
    pub partner: Option<String>,
    /// Amount in euros, exact (positive = debit).
    pub amount_eur: Decimal,
}

/// The postings of `ledger` as budget lines, in journal order (date, then transaction
/// id, then posting order).
///
/// ```
/// use betagouv_export::tables::budget_lines;
/// use betagouv_funding::{builtin, post};
///
/// let (ledger, _) = post::to_ledger(&builtin::builtin_2016()?, None);
/// let lines = budget_lines(&ledger);
/// let total: rust_decimal::Decimal = lines.iter().map(|l| l.amount_eur).sum();
/// assert!(total.is_zero()); // every transaction balances
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn budget_lines(ledger: &Ledger) -> Vec<BudgetRow> {
    let tag = |t: &Transaction, k: &str| {
        t.tags
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for t in ledger.sorted() {
        for (i, p) in t.postings.iter().enumerate() {
            out.push(BudgetRow {
                transaction_id: t.id.clone(),
                seq: i + 1,
                date: t.date,
                description: t.description.clone(),
                account: p.account.as_str().to_owned(),
                startup_id: tag(t, "startup"),
                partner: tag(t, "partner"),
                amount_eur: p.amount.amount(),
            });
        }
    }
    out
}

/// The `budget_line` table: `lines` sorted by (transaction, seq), the first of a
/// repeated key kept.
pub(super) fn table(lines: &[BudgetRow], ctx: &mut Ctx<'_>) -> Table {
    let mut sorted: Vec<&BudgetRow> = lines.iter().collect();
    sorted.sort_by(|a, b| (&a.transaction_id, a.seq).cmp(&(&b.transaction_id, b.seq)));
    sorted.dedup_by(|b, a| (&a.transaction_id, a.seq) == (&b.transaction_id, b.seq));
    BUDGET_LINE.table(
        sorted
            .into_iter()
            .map(|l| Row::record(l, l.transaction_id.as_str())),
        ctx,
    )
}

/// The start-up a line is for.
fn startup(l: &BudgetRow) -> Option<&str> {
    l.startup_id.as_deref()
}

const BUDGET_LINE: TableSpec<BudgetRow> = TableSpec {
    name: "budget_line",
    title: "Budget lines",
    description: "One row per posting of the budget ledger (the postings of the hledger journal): funding and spending events, balanced per transaction.",
    primary_key: &["transaction_id", "seq"],
    foreign_keys: &[references_id(&["startup_id"], "startup")],
    columns: &[
        col(
            "transaction_id",
            S,
            "stable id of the transaction",
            |r, _| Cell::Text(r.item.transaction_id.clone()),
        ),
        col(
            "seq",
            I,
            "position of the posting in its transaction, from 1",
            |r, _| Cell::Integer(i64::try_from(r.item.seq).unwrap_or(i64::MAX)),
        ),
        col("date", D, "date of the transaction", |r, _| {
            Cell::Date(r.item.date)
        }),
        col(
            "description",
            S,
            "description of the transaction",
            |r, _| Cell::Text(r.item.description.clone()),
        ),
        col(
            "account",
            S,
            "account (income:..., expenses:startups:<slug>:..., expenses:delegated:<agreement>:..., assets:cp:..., equity:...)",
            |r, _| Cell::Text(r.item.account.clone()),
        ),
        col(
            "startup_id",
            S,
            "start-up the transaction is for, when it has a record",
            |r, ctx| {
                ctx.key_cell(
                    Target::Startup,
                    startup(r.item),
                    (RecordKind::Startup, startup(r.item).unwrap_or_default()),
                    "budget line start-up",
                )
            },
        ),
        col("startup_raw", S, RAW, |r, ctx| {
            ctx.raw_cell(Target::Startup, startup(r.item))
        }),
        col("partner", S, "partner organisation, when any", |r, _| {
            Cell::text(r.item.partner.as_deref())
        }),
        col(
            "montant_eur",
            N,
            "amount in euros (positive = debit), decimal point, 2 decimals",
            |r, _| Cell::Number(r.item.amount_eur),
        ),
    ],
};
