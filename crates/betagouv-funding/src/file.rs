//! The human-editable budget file (TOML), read with located errors.
//!
//! The format is documented in `docs/budget.md` with a full example and a
//! schema. Amounts are written as strings with at most two decimals
//! (`"1234.50"`) or as integers (`1200`); a TOML float is refused, since it would
//! go through binary floating point. Dates are TOML dates (`2016-04-30`) or
//! ISO strings. Unknown keys are errors (they are usually typos).
//!
//! ```
//! use betagouv_funding::file::parse_budget;
//! let text = r#"
//! currency = "EUR"
//! [[resources]]
//! id = "own-2016"
//! date = 2016-12-31
//! source = "incubator"
//! amount = "932115.00"
//! "#;
//! let budget = parse_budget(text, "budget.toml".as_ref())?;
//! assert_eq!(budget.resources[0].amount.to_string(), "932115.00 EUR");
//!
//! let err = parse_budget("[[resources]]\nid = \"x\"\namount = 1.5\n", "b.toml".as_ref())
//!     .err().ok_or("expected an error")?;
//! assert!(err.to_string().starts_with("b.toml:3:10: "), "{err}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use betagouv_portfolio::Location;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;

use crate::error::{Error, Result};
use crate::model::{
    Agreement, AgreementKind, Budget, BudgetLine, Category, Claim, ClaimUnit, Credits, Delivery,
    FiscalYear, FrameworkContract, Organization, OrganizationKind, Payment, PoLine, PurchaseOrder,
    RecordType, Resource, Role, SourceKind, Title, Tranche,
};
use crate::money::{Currency, Money, vat_rate_on};

/// An exact decimal written as a string or an integer (never a float).
#[derive(Debug, Clone, Copy)]
struct Dec(Decimal);

struct DecVisitor;

impl<'de> Visitor<'de> for DecVisitor {
    type Value = Dec;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal written as a string such as \"1234.50\", or an integer")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Dec, E> {
        let t = v.trim();
        let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return Err(E::custom(format!(
                "invalid decimal {v:?} (use digits and a `.`)"
            )));
        }
        Decimal::from_str_exact(t)
            .map(Dec)
            .map_err(|_| E::custom(format!("invalid decimal {v:?}")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(DecVisitor)
    }
}

/// An amount in euros: a [`Dec`] with at most two decimals, within range.
#[derive(Debug, Clone, Copy)]
struct Amt(Money);

impl<'de> Deserialize<'de> for Amt {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let Dec(x) = Dec::deserialize(d)?;
        Money::new(x, Currency::Eur)
            .map(Amt)
            .map_err(de::Error::custom)
    }
}

/// A quantity with at most two decimals (days).
#[derive(Debug, Clone, Copy)]
struct Days(Decimal);

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let Dec(x) = Dec::deserialize(d)?;
        if x.normalize().scale() > 2 {
            return Err(de::Error::custom(format!("{x} has more than 2 decimals")));
        }
        if x.is_sign_negative() && !x.is_zero() {
            return Err(de::Error::custom(format!("{x} days is negative")));
        }
        Ok(Days(x))
    }
}

/// A date: a TOML local date or an ISO `YYYY-MM-DD` string.
#[derive(Debug, Clone, Copy)]
struct Date(NaiveDate);

struct DateVisitor;

fn parse_date<E: de::Error>(s: &str) -> std::result::Result<Date, E> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Date)
        .map_err(|_| E::custom(format!("invalid date {s:?} (expected YYYY-MM-DD)")))
}

impl<'de> Visitor<'de> for DateVisitor {
    type Value = Date;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date YYYY-MM-DD")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Date, E> {
        parse_date(v)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Date, A::Error> {
        // toml hands its date-times over as a one-entry map holding the text.
        let Some((_, value)) = map.next_entry::<String, String>()? else {
            return Err(de::Error::custom("empty date"));
        };
        parse_date(&value)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(DateVisitor)
    }
}

fn zero() -> Amt {
    Amt(Money::zero(Currency::Eur))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    currency: Option<Spanned<String>>,
    incubator: Option<String>,
    #[serde(default)]
    organizations: Vec<Spanned<RawOrg>>,
    #[serde(default)]
    lines: Vec<Spanned<RawLine>>,
    #[serde(default)]
    credits: Vec<Spanned<RawCredits>>,
    #[serde(default)]
    resources: Vec<Spanned<RawResource>>,
    #[serde(default)]
    agreements: Vec<Spanned<RawAgreement>>,
    #[serde(default)]
    contracts: Vec<Spanned<RawContract>>,
    #[serde(default)]
    orders: Vec<Spanned<RawOrder>>,
    #[serde(default)]
    deliveries: Vec<Spanned<RawDelivery>>,
    #[serde(default)]
    payments: Vec<Spanned<RawPayment>>,
    #[serde(default)]
    claims: Vec<Spanned<RawClaim>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrg {
    id: String,
    name: String,
    #[serde(default)]
    kind: OrganizationKind,
    #[serde(default)]
    role: Role,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    id: String,
    programme: String,
    action: Option<String>,
    sub_action: Option<String>,
    #[serde(default)]
    title: Title,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredits {
    line: String,
    year: i32,
    ae_initial: Amt,
    cp_initial: Amt,
    #[serde(default = "zero")]
    ae_carried_over_in: Amt,
    #[serde(default = "zero")]
    cp_carried_over_in: Amt,
    #[serde(default = "zero")]
    transfers_in: Amt,
    #[serde(default = "zero")]
    transfers_out: Amt,
    #[serde(default = "zero")]
    pooled_funds: Amt,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResource {
    id: String,
    date: Date,
    source: SourceKind,
    partner: Option<String>,
    line: Option<String>,
    amount: Amt,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranche {
    due_on: Date,
    amount: Amt,
    received_on: Option<Date>,
    received_amount: Option<Amt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAgreement {
    id: String,
    partner: String,
    #[serde(default)]
    kind: AgreementKind,
    #[serde(default)]
    startups: Vec<String>,
    amount: Amt,
    signed_on: Date,
    engagement_deadline: Option<Date>,
    #[serde(default)]
    tranches: Vec<RawTranche>,
    #[serde(default)]
    overfunding_allowed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContract {
    id: String,
    holder: String,
    start: Date,
    end: Option<Date>,
    ceiling: Option<Amt>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoLine {
    profile: String,
    days: Days,
    daily_rate_net: Amt,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrder {
    id: String,
    contract: String,
    supplier: Option<String>,
    startup: Option<String>,
    line: Option<String>,
    agreement: Option<String>,
    issued_on: Date,
    #[serde(default)]
    lines: Vec<RawPoLine>,
    vat_rate: Option<Dec>,
    #[serde(default)]
    category: Category,
    closed_on: Option<Date>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDelivery {
    id: String,
    order: String,
    period_start: Date,
    period_end: Date,
    amount_net: Amt,
    #[serde(default)]
    partial: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayment {
    id: String,
    deliveries: Vec<String>,
    paid_on: Date,
    amount_gross: Amt,
    #[serde(default)]
    advance: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    key: String,
    year: i32,
    value: Dec,
    unit: ClaimUnit,
    source: String,
}

/// Converts byte offsets into 1-based line and column (in characters).
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { text, starts }
    }
    fn locate(&self, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

/// Parses a budget file held in `text`; `path` is used in locations.
///
/// # Errors
/// [`Error::Parse`] with line and column for invalid TOML, unknown keys,
/// missing fields, amounts with more than two decimals, floats, bad dates,
/// unsupported currencies, and orders without a VAT rate on a date where the
/// standard rate is unknown. Rule breaches between records (references,
/// ceilings) are not errors here: see [`crate::check::check`].
pub fn parse_budget(text: &str, path: &Path) -> Result<Budget> {
    let lines = Lines::new(text);
    let located = |span: Option<Range<usize>>, message: String| {
        let (line, column) = span.map_or((1, 1), |s| lines.locate(s.start));
        Error::Parse {
            path: path.to_owned(),
            line,
            column,
            message,
        }
    };
    let raw: RawFile =
        toml::from_str(text).map_err(|e| located(e.span(), e.message().to_owned()))?;
    let mut b = Budget::new();
    if let Some(c) = &raw.currency {
        b.currency = c
            .get_ref()
            .parse()
            .map_err(|e: Error| located(Some(c.span()), e.to_string()))?;
    }
    b.incubator = raw.incubator;
    let origin = |b: &mut Budget, rt: RecordType, id: String, span: Range<usize>| {
        let (line, column) = lines.locate(span.start);
        b.origins.entry((rt, id)).or_insert(Location {
            file: path.to_owned(),
            line,
            column,
        });
    };
    for s in raw.organizations {
        let span = s.span();
        let r = s.into_inner();
        origin(&mut b, RecordType::Organization, r.id.clone(), span);
        b.organizations.push(Organization {
            id: r.id,
            name: r.name,
            kind: r.kind,
            role: r.role,
        });
    }
    for s in raw.lines {
        let span = s.span();
        let r = s.into_inner();
        origin(&mut b, RecordType::Line, r.id.clone(), span);
        b.lines.push(BudgetLine {
            id: r.id,
            programme: r.programme,
            action: r.action,
            sub_action: r.sub_action,
            title: r.title,
        });
    }
    for s in raw.credits {
        let span = s.span();
        let r = s.into_inner();
        origin(
            &mut b,
            RecordType::Credits,
            format!("{}/{}", r.line, r.year),
            span,
        );
        b.credits.push(Credits {
            line: r.line,
            year: FiscalYear(r.year),
            ae_initial: r.ae_initial.0,
            cp_initial: r.cp_initial.0,
            ae_carried_over_in: r.ae_carried_over_in.0,
            cp_carried_over_in: r.cp_carried_over_in.0,
            transfers_in: r.transfers_in.0,
            transfers_out: r.transfers_out.0,
            pooled_funds: r.pooled_funds.0,
        });
    }
    for s in raw.resources {
        let span = s.span();
        let r = s.into_inner();
        origin(&mut b, RecordType::Resource, r.id.clone(), span);
        b.resources.push(Resource {
            id: r.id,
            date: r.date.0,
            source: r.source,
            partner: r.partner,
            line: r.line,
            amount: r.amount.0,
            note: r.note,
        });
    }
    for s in raw.agreements {
        let span = s.span();
        let r = s.into_inner();
        origin(&mut b, RecordType::Agreement, r.id.clone(), span);
        b.agreements.push(Agreement {
            id: r.id,
            partner: r.partner,
            kind: r.kind,
            startups: r.startups,
            amount: r.amount.0,
            signed_on: r.signed_on.0,
            engagement_deadline: r.engagement_deadline.map(|d| d.0),
            tranches: r
                .tranches
                .into_iter()
                .map(|t| Tranche {
                    due_on: t.due_on.0,
                    amount: t.amount.0,
                    received_on: t.received_on.map(|d| d.0),
                    received_amount: t.received_amount.map(|a| a.0),
                })
                .collect(),
            overfunding_allowed: r.overfunding_allowed,
        });
    }
    for s in raw.contracts {
        let span = s.span();
        let r = s.into_inner();
        origin(&mut b, RecordType::Contract, r.id.clone(), span);
        b.contracts.push(FrameworkContract {
            id: r.id,
            holder: r.holder,
            start: r.start.0,
            end: r.end.map(|d| d.0),
            ceiling: r.ceiling.map(|a| a.0),
        });
    }
    for s in raw.orders {
        let span = s.span();
        let r = s.into_inner();
        let vat_rate = match r.vat_rate {
            Some(Dec(x)) => x,
            None => vat_rate_on(r.issued_on.0).ok_or_else(|| {
                located(
                    Some(span.clone()),
                    format!(
                        "order {}: no standard VAT rate known on {}; write vat_rate",
                        r.id, r.issued_on.0
                    ),
                )
            })?,
        };
        let supplier = match r.supplier {
            Some(s) => s,
            None => contract_holder(&b, &r.contract).ok_or_else(|| {
                located(
                    Some(span.clone()),
                    format!(
                        "order {}: no supplier and no contract `{}` to take its holder from",
                        r.id, r.contract
                    ),
                )
            })?,
        };
        origin(&mut b, RecordType::Order, r.id.clone(), span);
        b.orders.push(PurchaseOrder {
            id: r.id,
            contract: r.contract,
            supplier,
            startup: r.startup,
            line: r.line,
            agreement: r.agreement,
            issued_on: r.issued_on.0,
            lines: r
                .lines
                .into_iter()
                .map(|l| PoLine {
                    profile: l.profile,
                    days: l.days.0,
                    daily_rate_net: l.daily_rate_net.0,
                })
                .collect(),
            vat_rate,
            category: r.category,
            closed_on: r.closed_on.map(|d| d.0),
        });
    }
    for s in raw.deliveries {
        let span = s.span();
        let r = s.into_inner();
        origin(&mut b, RecordType::Delivery, r.id.clone(), span);
        b.deliveries.push(Delivery {
            id: r.id,
            order: r.order,
            period_start: r.period_start.0,
            period_end: r.period_end.0,
            amount_net: r.amount_net.0,
            partial: r.partial,
        });
    }
    for s in raw.payments {
        let span = s.span();
        let r = s.into_inner();
        origin(&mut b, RecordType::Payment, r.id.clone(), span);
        b.payments.push(Payment {
            id: r.id,
            deliveries: r.deliveries,
            paid_on: r.paid_on.0,
            amount_gross: r.amount_gross.0,
            advance: r.advance,
        });
    }
    for s in raw.claims {
        let span = s.span();
        let r = s.into_inner();
        origin(
            &mut b,
            RecordType::Claim,
            format!("{}/{}", r.key, r.year),
            span,
        );
        b.claims.push(Claim {
            key: r.key,
            year: FiscalYear(r.year),
            value: r.value.0,
            unit: r.unit,
            source: r.source,
        });
    }
    Ok(b)
}

/// The holder of contract `id` among the contracts already converted.
fn contract_holder(b: &Budget, id: &str) -> Option<String> {
    b.contracts
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.holder.clone())
}

/// Reads and parses the budget file at `path`.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, else as [`parse_budget`].
pub fn read_budget(path: &Path) -> Result<Budget> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
        path: path.to_owned(),
        source: Arc::new(e),
    })?;
    parse_budget(&text, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn err(text: &str) -> String {
        match parse_budget(text, Path::new("f.toml")) {
            Ok(_) => String::from("ok"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn located_errors() {
        let e = err(
            "[[resources]]\nid = \"r\"\ndate = 2016-01-01\nsource = \"incubator\"\namount = \"1.234\"\n",
        );
        assert!(e.starts_with("f.toml:5:10: "), "{e}");
        assert!(e.contains("more than 2 decimals"), "{e}");
        let e = err("[[resources]]\nid = \"r\"\ndate = 2016-13-01\n");
        assert!(e.starts_with("f.toml:3:"), "{e}");
        let e = err("[[lines]]\nid = \"l\"\nprogramme = \"129\"\ntitel = \"staff\"\n");
        assert!(e.starts_with("f.toml:4:1: "), "{e}");
        let e = err("currency = \"USD\"\n");
        assert!(e.starts_with("f.toml:1:12: unsupported currency"), "{e}");
        assert_eq!(err(""), "ok");
    }

    #[test]
    fn order_defaults() {
        let text = r#"
[[contracts]]
id = "ac-1"
holder = "holder-x"
start = "2015-01-01"

[[orders]]
id = "BC-1"
contract = "ac-1"
issued_on = 2016-02-01
lines = [{ profile = "dev", days = "20.5", daily_rate_net = 500 }]
"#;
        let b = parse_budget(text, Path::new("f.toml")).unwrap();
        let o = &b.orders[0];
        assert_eq!(o.supplier, "holder-x");
        assert_eq!(o.vat_rate.to_string(), "0.20");
        let t = o.totals(b.currency).unwrap();
        assert_eq!(t.gross.to_string(), "12300.00 EUR");
        assert_eq!(
            b.origins
                .get(&(RecordType::Order, "BC-1".into()))
                .map(|l| l.line),
            Some(7)
        );
    }
}
