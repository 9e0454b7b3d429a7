//! The human-editable budget file (TOML), read with located errors.
//!
//! The format is documented in `docs/budget.md` with a full example and a
//! schema. Amounts are written as strings with at most two decimals
//! (`"1234.50"`) or as integers (`1200`); a TOML float is refused, since it would
//! go through binary floating point. Dates are TOML dates (`2016-04-30`) or
//! ISO strings, in the years 1900 to 9999 ([`FiscalYear::MIN`] to
//! [`FiscalYear::MAX`]). Unknown keys are errors (they are usually typos). The
//! table of organisations is `organizations`; `organisations` is read as well
//! (one spelling or the other in a file, not both).
//!
//! **Limits** ([`ReadBudgetOptions`]): a file larger than 64 MiB, or with more
//! than 1,000,000 entries (records plus the items of their lists), is refused
//! with an error naming the file (and the line and column of the entry that
//! goes over). Memory stays proportional to the file: the text is cut at its
//! `[[section]]` headers into pieces of about 64 KiB that are parsed one after
//! the other (a TOML parse tree is many times larger than its text), so only
//! the budget itself grows with the file.
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
//! let budget = parse_budget(text, "budget.toml")?;
//! assert_eq!(budget.resources[0].amount.to_string(), "932115.00 EUR");
//!
//! let err = parse_budget("[[resources]]\nid = \"x\"\namount = 1.5\n", "b.toml")
//!     .err().ok_or("expected an error")?;
//! assert!(err.to_string().starts_with("b.toml:3:10: "), "{err}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Read as _;
use std::path::Path;
use std::sync::Arc;

use betagouv_portfolio::{Location, StartupId};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Error, Result};
use crate::model::{
    Agreement, AgreementKind, Budget, BudgetLine, Category, Claim, ClaimUnit, CreditMovement,
    Credits, Delivery, Direction, FiscalYear, FrameworkContract, Invoice, MovementKind,
    Organisation, OrganisationKind, Overfunding, Payment, PaymentKind, PoLine, PurchaseOrder,
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
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| E::custom(format!("invalid date {s:?} (expected YYYY-MM-DD)")))?;
    if !FiscalYear::of(d).is_supported() {
        return Err(E::custom(format!(
            "date {s} is outside the supported years {} to {}",
            FiscalYear::MIN,
            FiscalYear::MAX
        )));
    }
    Ok(Date(d))
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

/// A fiscal year within [`FiscalYear::MIN`]..=[`FiscalYear::MAX`].
#[derive(Debug, Clone, Copy)]
struct Year(FiscalYear);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let y = i64::deserialize(d)?;
        i32::try_from(y)
            .ok()
            .and_then(|y| FiscalYear::new(y).ok())
            .map(Year)
            .ok_or_else(|| {
                de::Error::custom(format!(
                    "year {y} is outside the supported years {} to {}",
                    FiscalYear::MIN,
                    FiscalYear::MAX
                ))
            })
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
    /// `organizations`, the format's key; `organisations` is read as well.
    #[serde(rename = "organizations", alias = "organisations")]
    organisations: Option<Vec<Spanned<RawOrg>>>,
    lines: Option<Vec<Spanned<RawLine>>>,
    credits: Option<Vec<Spanned<RawCredits>>>,
    resources: Option<Vec<Spanned<RawResource>>>,
    agreements: Option<Vec<Spanned<RawAgreement>>>,
    contracts: Option<Vec<Spanned<RawContract>>>,
    orders: Option<Vec<Spanned<RawOrder>>>,
    deliveries: Option<Vec<Spanned<RawDelivery>>>,
    payments: Option<Vec<Spanned<RawPayment>>>,
    claims: Option<Vec<Spanned<RawClaim>>>,
    credit_movements: Option<Vec<Spanned<RawMovement>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrg {
    id: String,
    name: String,
    #[serde(default)]
    kind: OrganisationKind,
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
    year: Year,
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
    startups: Vec<StartupId>,
    amount: Amt,
    signed_on: Date,
    engagement_deadline: Option<Date>,
    #[serde(default)]
    tranches: Vec<RawTranche>,
    #[serde(default)]
    overfunding_allowed: bool,
    line: Option<String>,
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
    startup: Option<StartupId>,
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
    #[serde(default)]
    invoices: Vec<Spanned<RawInvoice>>,
    /// Where each invoice starts (filled by the reader, not read from the file).
    #[serde(skip)]
    invoices_at: Vec<Pos>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInvoice {
    id: String,
    received_on: Date,
    delivery: Option<String>,
    service_on: Option<Date>,
    amount_net: Amt,
    vat: Amt,
    amount_gross: Amt,
}

/// An amount that is not negative (a credit movement's AE or CP).
#[derive(Debug, Clone, Copy)]
struct Unsigned(Money);

impl<'de> Deserialize<'de> for Unsigned {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let Amt(m) = Amt::deserialize(d)?;
        if m.amount().is_sign_negative() && !m.is_zero() {
            return Err(de::Error::custom(format!(
                "{} is negative; write direction = \"out\" for credits taken from the line",
                m.amount()
            )));
        }
        Ok(Unsigned(m))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMovement {
    id: String,
    line: String,
    date: Date,
    kind: MovementKind,
    #[serde(default)]
    direction: Direction,
    ae: Unsigned,
    cp: Unsigned,
    decree: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    key: String,
    year: Year,
    value: Dec,
    unit: ClaimUnit,
    source: String,
}

/// Default largest budget file read: 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Default most entries in one budget file: 1,000,000.
pub const DEFAULT_MAX_ENTRIES: usize = 1_000_000;

/// Limits of the budget reader.
///
/// ```
/// use betagouv_funding::file::{ReadBudgetOptions, parse_budget_with};
/// let options = ReadBudgetOptions::default().with_max_entries(1);
/// let text = "[[lines]]\nid = \"a\"\nprogramme = \"129\"\n\n[[lines]]\nid = \"b\"\nprogramme = \"352\"\n";
/// let err = parse_budget_with(text, "b.toml", &options).err().ok_or("expected an error")?;
/// assert!(err.to_string().starts_with("b.toml:5:1: "), "{err}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReadBudgetOptions {
    /// Largest file (or text), in bytes. Default [`DEFAULT_MAX_FILE_SIZE`] (64 MiB).
    pub max_file_size: u64,
    /// Most entries: records of every table plus the items of their lists
    /// (order lines, tranches, start-ups of an agreement, deliveries of a
    /// payment, invoices of a payment). Default [`DEFAULT_MAX_ENTRIES`] (1,000,000).
    pub max_entries: usize,
}

impl Default for ReadBudgetOptions {
    fn default() -> Self {
        Self {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_entries: DEFAULT_MAX_ENTRIES,
        }
    }
}

impl ReadBudgetOptions {
    /// The same options with `max_file_size` bytes at most.
    #[must_use]
    pub fn with_max_file_size(mut self, max_file_size: u64) -> Self {
        self.max_file_size = max_file_size;
        self
    }

    /// The same options with `max_entries` entries at most.
    #[must_use]
    pub fn with_max_entries(mut self, max_entries: usize) -> Self {
        self.max_entries = max_entries;
        self
    }
}

/// Line and column (1-based, column in characters) of byte offsets, for
/// offsets asked mostly in increasing order (it counts lines from the last
/// offset asked; going back starts again from the beginning).
struct Cursor<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn locate(&mut self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        if offset < self.offset {
            *self = Self::new(self.text);
        }
        let bytes = self.text.as_bytes();
        let from = self.offset;
        for (i, b) in bytes
            .get(from..offset)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = from + i + 1;
            }
        }
        self.offset = offset;
        let column = self
            .text
            .get(self.line_start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        (self.line, column)
    }
}

/// Line and column of a record.
type Pos = (usize, usize);

/// The records read so far, each with where it starts.
#[derive(Default)]
struct Raws {
    currency: Option<(Pos, String)>,
    incubator: Option<String>,
    organisations: Vec<(Pos, RawOrg)>,
    lines: Vec<(Pos, RawLine)>,
    credits: Vec<(Pos, RawCredits)>,
    resources: Vec<(Pos, RawResource)>,
    agreements: Vec<(Pos, RawAgreement)>,
    contracts: Vec<(Pos, RawContract)>,
    orders: Vec<(Pos, RawOrder)>,
    deliveries: Vec<(Pos, RawDelivery)>,
    payments: Vec<(Pos, RawPayment)>,
    claims: Vec<(Pos, RawClaim)>,
    credit_movements: Vec<(Pos, RawMovement)>,
}

/// Top-level tables of the format, in [`RawFile`] order.
const SECTIONS: [&str; 11] = [
    "organizations",
    "lines",
    "credits",
    "resources",
    "agreements",
    "contracts",
    "orders",
    "deliveries",
    "payments",
    "claims",
    "credit_movements",
];

/// Largest run of `[[section]]` elements handed to the TOML parser at once.
const PIECE_BYTES: usize = 64 * 1024;

/// One piece of the file, `text[start..end]`, a TOML document on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    start: usize,
    end: usize,
    /// Index in [`SECTIONS`] of the elements it holds; `None` for the root piece.
    section: Option<usize>,
}

/// Cuts `text` into pieces that are TOML documents on their own: the root
/// piece (the keys before the first header), then runs of `[[section]]`
/// elements of one section, each run about [`PIECE_BYTES`] long at most,
/// every element with its sub-tables (`[[orders.lines]]`).
///
/// Headers are found with the TOML lexer (a string, multi-line string or
/// comment is one token): a `[` first on its line, outside any value. Any
/// layout this does not cut exactly (a quoted or unknown header key, a
/// sub-table of a section other than the one just opened, a `[table]` at the
/// top level) gives `None`, and the caller parses the whole text at once.
fn pieces(text: &str) -> Option<Vec<Piece>> {
    use toml_parser::lexer::TokenKind as K;

    let mut out = Vec::new();
    let mut current = Piece {
        start: 0,
        end: 0,
        section: None,
    };
    let mut tokens = toml_parser::Source::new(text).lex().peekable();
    // Nesting of `[` and `{` inside a value, and whether the line has only white space so far.
    let mut depth = 0usize;
    let mut line_start = true;
    while let Some(t) = tokens.next() {
        match t.kind() {
            K::Eof => break,
            K::Whitespace | K::Comment => {}
            K::Newline => line_start = depth == 0,
            K::LeftSquareBracket if line_start => {
                let header_start = t.span().start();
                let array = tokens.peek().map(toml_parser::lexer::Token::kind)
                    == Some(K::LeftSquareBracket);
                if array {
                    tokens.next();
                }
                // Bare keys separated by dots, white space around them.
                let mut keys: Vec<&str> = Vec::new();
                let mut want_key = true;
                loop {
                    let n = tokens.next()?;
                    match n.kind() {
                        K::Whitespace => {}
                        K::Atom if want_key => {
                            keys.push(text.get(n.span().start()..n.span().end())?);
                            want_key = false;
                        }
                        K::Dot if !want_key => want_key = true,
                        K::RightSquareBracket if !want_key => break,
                        _ => return None,
                    }
                }
                if array && tokens.next()?.kind() != K::RightSquareBracket {
                    return None;
                }
                // The alias `organisations` (and anything unknown) is left to the
                // whole-text parse, which sees both spellings at once.
                let section = SECTIONS.iter().position(|s| Some(s) == keys.first())?;
                if keys.len() == 1 && array {
                    let same = current.section == Some(section);
                    if !same || header_start - current.start >= PIECE_BYTES {
                        current.end = header_start;
                        out.push(current);
                        current = Piece {
                            start: header_start,
                            end: 0,
                            section: Some(section),
                        };
                    }
                } else if keys.len() == 1 || current.section != Some(section) {
                    return None;
                }
                line_start = false;
            }
            K::LeftSquareBracket | K::LeftCurlyBracket => {
                depth += 1;
                line_start = false;
            }
            K::RightSquareBracket | K::RightCurlyBracket => {
                depth = depth.saturating_sub(1);
                line_start = false;
            }
            _ => line_start = false,
        }
    }
    current.end = text.len();
    out.push(current);
    Some(out)
}

/// Reads pieces of one text into [`Raws`], counting entries.
struct Reader<'a> {
    text: &'a str,
    path: &'a Path,
    options: &'a ReadBudgetOptions,
    cursor: Cursor<'a>,
    raws: Raws,
    entries: usize,
    /// Sections given as inline arrays in the root piece.
    in_root: [bool; SECTIONS.len()],
}

impl Reader<'_> {
    fn error_at(&mut self, offset: usize, message: String) -> Error {
        let (line, column) = self.cursor.locate(offset);
        Error::Parse {
            path: self.path.to_owned(),
            line,
            column,
            message,
        }
    }

    /// Counts `n` entries of the record at `pos`.
    fn count(&mut self, pos: Pos, n: usize, what: &str) -> Result<()> {
        self.entries = self.entries.saturating_add(n);
        if self.entries > self.options.max_entries {
            return Err(Error::Limit {
                path: self.path.to_owned(),
                line: pos.0,
                column: pos.1,
                message: format!(
                    "{what} goes over the limit of {} entries (records and list items) of a budget file",
                    self.options.max_entries
                ),
            });
        }
        Ok(())
    }

    fn take<T>(
        &mut self,
        start: usize,
        items: Option<Vec<Spanned<T>>>,
        what: &str,
        list: impl Fn(&T) -> usize,
        into: impl Fn(&mut Raws) -> &mut Vec<(Pos, T)>,
    ) -> Result<()> {
        for s in items.into_iter().flatten() {
            let pos = self.cursor.locate(start + s.span().start);
            let r = s.into_inner();
            self.count(pos, 1 + list(&r), what)?;
            into(&mut self.raws).push((pos, r));
        }
        Ok(())
    }

    fn piece(&mut self, p: Piece) -> Result<()> {
        let text = self.text.get(p.start..p.end).unwrap_or_default();
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let at = p.start + e.span().map_or(0, |s| s.start);
            self.error_at(at, e.message().to_owned())
        })?;
        if let Some(s) = p.section
            && self.in_root.get(s).copied().unwrap_or(false)
        {
            let name = SECTIONS.get(s).copied().unwrap_or_default();
            return Err(self.error_at(
                p.start,
                format!("`{name}` is defined twice: at the top level and as [[{name}]]"),
            ));
        }
        if p.section.is_none() {
            let defined = [
                raw.organisations.is_some(),
                raw.lines.is_some(),
                raw.credits.is_some(),
                raw.resources.is_some(),
                raw.agreements.is_some(),
                raw.contracts.is_some(),
                raw.orders.is_some(),
                raw.deliveries.is_some(),
                raw.payments.is_some(),
                raw.claims.is_some(),
                raw.credit_movements.is_some(),
            ];
            self.in_root = defined;
        }
        if let Some(c) = raw.currency {
            let pos = self.cursor.locate(p.start + c.span().start);
            self.raws.currency = Some((pos, c.into_inner()));
        }
        if raw.incubator.is_some() {
            self.raws.incubator = raw.incubator;
        }
        let s = p.start;
        self.take(
            s,
            raw.organisations,
            "organization",
            |_| 0,
            |r| &mut r.organisations,
        )?;
        self.take(s, raw.lines, "line", |_| 0, |r| &mut r.lines)?;
        self.take(s, raw.credits, "credits", |_| 0, |r| &mut r.credits)?;
        self.take(s, raw.resources, "resource", |_| 0, |r| &mut r.resources)?;
        self.take(
            s,
            raw.agreements,
            "agreement",
            |a| a.tranches.len().saturating_add(a.startups.len()),
            |r| &mut r.agreements,
        )?;
        self.take(s, raw.contracts, "contract", |_| 0, |r| &mut r.contracts)?;
        self.take(s, raw.orders, "order", |o| o.lines.len(), |r| &mut r.orders)?;
        self.take(s, raw.deliveries, "delivery", |_| 0, |r| &mut r.deliveries)?;
        // As `take`, each payment's invoices located after it (in file order).
        for p in raw.payments.into_iter().flatten() {
            let pos = self.cursor.locate(s + p.span().start);
            let mut r = p.into_inner();
            let cursor = &mut self.cursor;
            r.invoices_at = r
                .invoices
                .iter()
                .map(|i| cursor.locate(s + i.span().start))
                .collect();
            let items = r.deliveries.len().saturating_add(r.invoices.len());
            self.count(pos, 1 + items, "payment")?;
            self.raws.payments.push((pos, r));
        }
        self.take(s, raw.claims, "claim", |_| 0, |r| &mut r.claims)?;
        self.take(
            s,
            raw.credit_movements,
            "credit_movement",
            |_| 0,
            |r| &mut r.credit_movements,
        )?;
        Ok(())
    }
}

/// Parses a budget file held in `text`, with the default [`ReadBudgetOptions`];
/// `path` is used in locations.
///
/// # Errors
/// As [`parse_budget_with`].
pub fn parse_budget(text: &str, path: impl AsRef<Path>) -> Result<Budget> {
    parse_budget_with(text, path, &ReadBudgetOptions::default())
}

/// Parses a budget file held in `text` within the limits of `options`;
/// `path` is used in locations.
///
/// # Errors
/// [`Error::TooLarge`] when `text` is larger than `options.max_file_size`;
/// [`Error::Limit`] at the entry that goes over `options.max_entries`;
/// [`Error::Parse`] with line and column for invalid TOML, unknown keys,
/// missing fields, amounts with more than two decimals, floats, bad dates or
/// dates outside the years 1900 to 9999, unsupported currencies, and orders
/// without a VAT rate on a date where the standard rate is unknown. Rule
/// breaches between records (references, ceilings) are not errors here: see
/// [`crate::check::check`].
pub fn parse_budget_with(
    text: &str,
    path: impl AsRef<Path>,
    options: &ReadBudgetOptions,
) -> Result<Budget> {
    parse(text, path.as_ref(), options, true)
}

/// As [`parse_budget_with`], but the whole text is parsed at once, without
/// cutting it at its headers (memory many times the text): the reference
/// that tests and the fuzz target compare [`parse_budget_with`] with.
///
/// # Errors
/// As [`parse_budget_with`].
#[doc(hidden)]
pub fn parse_budget_whole(
    text: &str,
    path: impl AsRef<Path>,
    options: &ReadBudgetOptions,
) -> Result<Budget> {
    parse(text, path.as_ref(), options, false)
}

fn parse(text: &str, path: &Path, options: &ReadBudgetOptions, cut: bool) -> Result<Budget> {
    let size = u64::try_from(text.len()).unwrap_or(u64::MAX);
    if size > options.max_file_size {
        return Err(Error::TooLarge {
            path: path.to_owned(),
            size: Some(size),
            limit: options.max_file_size,
        });
    }
    let mut reader = Reader {
        text,
        path,
        options,
        cursor: Cursor::new(text),
        raws: Raws::default(),
        entries: 0,
        in_root: [false; SECTIONS.len()],
    };
    let whole = Piece {
        start: 0,
        end: text.len(),
        section: None,
    };
    let pieces = if cut { pieces(text) } else { None };
    for p in pieces.unwrap_or_else(|| vec![whole]) {
        reader.piece(p)?;
    }
    build(reader.raws, path)
}

/// Turns the records read into a [`Budget`], noting where each record starts
/// (the first record with an id keeps its place).
fn build(raws: Raws, path: &Path) -> Result<Budget> {
    use RecordType as T;
    let mut b = Budget::new();
    if let Some((pos, c)) = &raws.currency {
        b.currency = c
            .parse()
            .map_err(|e: Error| located(path, *pos, e.to_string()))?;
    }
    b.incubator = raws.incubator;
    let mut at = Origins {
        path,
        origins: std::mem::take(&mut b.origins),
    };
    b.organisations = at.records(
        T::Organisation,
        raws.organisations,
        |r| r.id.clone(),
        RawOrg::record,
    );
    b.lines = at.records(T::Line, raws.lines, |r| r.id.clone(), RawLine::record);
    b.credits = at.records(
        T::Credits,
        raws.credits,
        |r| format!("{}/{}", r.line, r.year.0),
        RawCredits::record,
    );
    b.resources = at.records(
        T::Resource,
        raws.resources,
        |r| r.id.clone(),
        RawResource::record,
    );
    b.agreements = at.records(
        T::Agreement,
        raws.agreements,
        |r| r.id.clone(),
        RawAgreement::record,
    );
    b.contracts = at.records(
        T::Contract,
        raws.contracts,
        |r| r.id.clone(),
        RawContract::record,
    );
    b.orders = orders(raws.orders, &b.contracts, &mut at)?;
    b.deliveries = at.records(
        T::Delivery,
        raws.deliveries,
        |r| r.id.clone(),
        RawDelivery::record,
    );
    for (_, r) in &raws.payments {
        for (i, pos) in r.invoices.iter().zip(&r.invoices_at) {
            at.note(T::Invoice, i.get_ref().id.clone(), *pos);
        }
    }
    b.payments = at.records(
        T::Payment,
        raws.payments,
        |r| r.id.clone(),
        RawPayment::record,
    );
    b.claims = at.records(
        T::Claim,
        raws.claims,
        |r| format!("{}/{}", r.key, r.year.0),
        RawClaim::record,
    );
    b.credit_movements = at.records(
        T::CreditMovement,
        raws.credit_movements,
        |r| r.id.clone(),
        RawMovement::record,
    );
    b.origins = at.origins;
    Ok(b)
}

/// An error of the file at a record's position.
fn located(path: &Path, (line, column): Pos, message: String) -> Error {
    Error::Parse {
        path: path.to_owned(),
        line,
        column,
        message,
    }
}

/// Where each record of the budget starts.
struct Origins<'a> {
    path: &'a Path,
    origins: BTreeMap<(RecordType, String), Location>,
}

impl Origins<'_> {
    /// Notes that the record `id` of type `rt` starts at `pos`, unless an earlier
    /// record with that id did.
    fn note(&mut self, rt: RecordType, id: String, (line, column): Pos) {
        self.origins.entry((rt, id)).or_insert(Location {
            file: self.path.to_owned(),
            line,
            column,
        });
    }

    /// The records of type `rt`, each converted by `record`, the position of each
    /// noted under its `id`.
    fn records<R, T>(
        &mut self,
        rt: RecordType,
        raws: Vec<(Pos, R)>,
        id: impl Fn(&R) -> String,
        record: impl Fn(R) -> T,
    ) -> Vec<T> {
        let mut out = Vec::with_capacity(raws.len());
        for (pos, r) in raws {
            self.note(rt, id(&r), pos);
            out.push(record(r));
        }
        out
    }
}

/// The purchase orders: the VAT rate of the issue date when none is written, the
/// contract's holder when no supplier is.
///
/// # Errors
/// An order without VAT rate on a date where the standard rate is unknown, or
/// without supplier and with no contract to take its holder from.
fn orders(
    raws: Vec<(Pos, RawOrder)>,
    contracts: &[FrameworkContract],
    at: &mut Origins<'_>,
) -> Result<Vec<PurchaseOrder>> {
    // The holder of each contract id (the first contract with that id).
    let mut holders: HashMap<&str, &str> = HashMap::with_capacity(contracts.len());
    for c in contracts {
        holders.entry(c.id.as_str()).or_insert(c.holder.as_str());
    }
    let mut orders = Vec::with_capacity(raws.len());
    let mut origins = Vec::with_capacity(raws.len());
    for (pos, mut r) in raws {
        let vat_rate = match r.vat_rate {
            Some(Dec(x)) => x,
            None => vat_rate_on(r.issued_on.0).ok_or_else(|| {
                located(
                    at.path,
                    pos,
                    format!(
                        "order {}: no standard VAT rate known on {}; write vat_rate",
                        r.id, r.issued_on.0
                    ),
                )
            })?,
        };
        let supplier = match (r.supplier.take(), holders.get(r.contract.as_str())) {
            (Some(s), _) => s,
            (None, Some(h)) => (*h).to_owned(),
            (None, None) => {
                return Err(located(
                    at.path,
                    pos,
                    format!(
                        "order {}: no supplier and no contract `{}` to take its holder from",
                        r.id, r.contract
                    ),
                ));
            }
        };
        origins.push((r.id.clone(), pos));
        orders.push(r.record(supplier, vat_rate));
    }
    for (id, pos) in origins {
        at.note(RecordType::Order, id, pos);
    }
    Ok(orders)
}

impl RawOrg {
    fn record(self) -> Organisation {
        Organisation {
            id: self.id,
            name: self.name,
            kind: self.kind,
            role: self.role,
        }
    }
}

impl RawLine {
    fn record(self) -> BudgetLine {
        BudgetLine {
            id: self.id,
            programme: self.programme,
            action: self.action,
            sub_action: self.sub_action,
            title: self.title,
        }
    }
}

impl RawCredits {
    fn record(self) -> Credits {
        Credits {
            line: self.line,
            year: self.year.0,
            ae_initial: self.ae_initial.0,
            cp_initial: self.cp_initial.0,
            ae_carried_over_in: self.ae_carried_over_in.0,
            cp_carried_over_in: self.cp_carried_over_in.0,
            transfers_in: self.transfers_in.0,
            transfers_out: self.transfers_out.0,
            pooled_funds: self.pooled_funds.0,
        }
    }
}

impl RawResource {
    fn record(self) -> Resource {
        Resource {
            id: self.id,
            date: self.date.0,
            source: self.source,
            partner: self.partner,
            line: self.line,
            amount: self.amount.0,
            note: self.note,
        }
    }
}

impl RawAgreement {
    fn record(self) -> Agreement {
        Agreement {
            id: self.id,
            partner: self.partner,
            kind: self.kind,
            startups: self.startups,
            amount: self.amount.0,
            signed_on: self.signed_on.0,
            engagement_deadline: self.engagement_deadline.map(|d| d.0),
            tranches: self
                .tranches
                .into_iter()
                .map(|t| Tranche {
                    due_on: t.due_on.0,
                    amount: t.amount.0,
                    received_on: t.received_on.map(|d| d.0),
                    received_amount: t.received_amount.map(|a| a.0),
                })
                .collect(),
            overfunding: if self.overfunding_allowed {
                Overfunding::Allowed
            } else {
                Overfunding::Refused
            },
            line: self.line,
        }
    }
}

impl RawContract {
    fn record(self) -> FrameworkContract {
        FrameworkContract {
            id: self.id,
            holder: self.holder,
            start: self.start.0,
            end: self.end.map(|d| d.0),
            ceiling: self.ceiling.map(|a| a.0),
        }
    }
}

impl RawOrder {
    /// The order, with its supplier and VAT rate decided by [`orders`] (`self.supplier`
    /// is not read).
    fn record(self, supplier: String, vat_rate: Decimal) -> PurchaseOrder {
        PurchaseOrder {
            id: self.id,
            contract: self.contract,
            supplier,
            startup: self.startup,
            line: self.line,
            agreement: self.agreement,
            issued_on: self.issued_on.0,
            lines: self
                .lines
                .into_iter()
                .map(|l| PoLine {
                    profile: l.profile,
                    days: l.days.0,
                    daily_rate_net: l.daily_rate_net.0,
                })
                .collect(),
            vat_rate,
            category: self.category,
            closed_on: self.closed_on.map(|d| d.0),
        }
    }
}

impl RawDelivery {
    fn record(self) -> Delivery {
        Delivery {
            id: self.id,
            order: self.order,
            period_start: self.period_start.0,
            period_end: self.period_end.0,
            amount_net: self.amount_net.0,
            partial: self.partial,
        }
    }
}

impl RawPayment {
    fn record(self) -> Payment {
        Payment {
            id: self.id,
            deliveries: self.deliveries,
            paid_on: self.paid_on.0,
            amount_gross: self.amount_gross.0,
            kind: if self.advance {
                PaymentKind::Advance
            } else {
                PaymentKind::Settlement
            },
            invoices: self
                .invoices
                .into_iter()
                .map(|i| i.into_inner().record())
                .collect(),
        }
    }
}

impl RawInvoice {
    fn record(self) -> Invoice {
        Invoice {
            id: self.id,
            received_on: self.received_on.0,
            delivery: self.delivery,
            service_on: self.service_on.map(|d| d.0),
            amount_net: self.amount_net.0,
            vat: self.vat.0,
            amount_gross: self.amount_gross.0,
        }
    }
}

impl RawMovement {
    fn record(self) -> CreditMovement {
        CreditMovement {
            id: self.id,
            line: self.line,
            date: self.date.0,
            kind: self.kind,
            direction: self.direction,
            ae: self.ae.0,
            cp: self.cp.0,
            decree: self.decree,
        }
    }
}

impl RawClaim {
    fn record(self) -> Claim {
        Claim {
            key: self.key,
            year: self.year.0,
            value: self.value.0,
            unit: self.unit,
            source: self.source,
        }
    }
}

/// Reads and parses the budget file at `path` with the default [`ReadBudgetOptions`].
///
/// # Errors
/// As [`read_budget_with`].
pub fn read_budget(path: impl AsRef<Path>) -> Result<Budget> {
    read_budget_with(path, &ReadBudgetOptions::default())
}

/// Reads and parses the budget file at `path` within the limits of `options`.
/// The size is checked before reading (and while reading, for files whose
/// size is not known in advance, such as pipes).
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::TooLarge`] when it is
/// larger than `options.max_file_size`, [`Error::Parse`] at the first byte
/// that is not UTF-8, else as [`parse_budget_with`].
pub fn read_budget_with(path: impl AsRef<Path>, options: &ReadBudgetOptions) -> Result<Budget> {
    let path = path.as_ref();
    let io = |e: std::io::Error| Error::Io {
        path: path.to_owned(),
        source: Arc::new(e),
    };
    let too_large = |size: Option<u64>| Error::TooLarge {
        path: path.to_owned(),
        size,
        limit: options.max_file_size,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if len > options.max_file_size {
        return Err(too_large(Some(len)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(options.max_file_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > options.max_file_size {
        return Err(too_large(None));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = e.as_bytes().get(..valid).unwrap_or_default();
        let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = prefix
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let column = std::str::from_utf8(prefix.get(line_start..).unwrap_or_default())
            .map_or(1, |s| s.chars().count() + 1);
        Error::Parse {
            path: path.to_owned(),
            line,
            column,
            message: "invalid UTF-8: a budget file is UTF-8 text".to_owned(),
        }
    })?;
    parse_budget_with(&text, path, options)
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
    fn organisations_is_an_alias_of_organizations() {
        let text = "[[organizations]]\nid = \"o\"\nname = \"n\"\n";
        let us = parse_budget(text, "f.toml").unwrap();
        let uk = parse_budget(&text.replace("organizations", "organisations"), "f.toml").unwrap();
        assert_eq!(us, uk);
        assert_eq!(uk.organisations.len(), 1);
        let inline = "organisations = [{ id = \"o\", name = \"n\" }]\n";
        assert_eq!(
            parse_budget(inline, "f.toml").unwrap().organisations,
            us.organisations
        );
        let both = format!("{text}{}", text.replace("organizations", "organisations"));
        assert!(parse_budget(&both, "f.toml").is_err());
        assert!(parse_budget_whole(&both, "f.toml", &ReadBudgetOptions::default()).is_err());
    }

    #[test]
    fn read_budget_options_round_trip_through_json() {
        let o = ReadBudgetOptions::default().with_max_entries(3);
        let back: ReadBudgetOptions =
            serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(back, o);
    }

    fn opts(max_entries: usize, max_file_size: u64) -> ReadBudgetOptions {
        ReadBudgetOptions::default()
            .with_max_file_size(max_file_size)
            .with_max_entries(max_entries)
    }

    #[test]
    fn entry_limit_is_a_located_error() {
        let text = crate::synthetic::budget_toml(5, 1);
        let all = parse_budget(&text, Path::new("f.toml")).unwrap();
        let n = all.organisations.len()
            + all.lines.len()
            + all.credits.len()
            + all.resources.len()
            + all.agreements.len()
            + all
                .agreements
                .iter()
                .map(|a| a.tranches.len())
                .sum::<usize>()
            + all.contracts.len()
            + all.orders.len()
            + all.orders.iter().map(|o| o.lines.len()).sum::<usize>()
            + all.deliveries.len()
            + all.payments.len() * 2;
        assert!(parse_budget_with(&text, Path::new("f.toml"), &opts(n, u64::MAX)).is_ok());
        let e = parse_budget_with(&text, Path::new("f.toml"), &opts(n - 1, u64::MAX)).unwrap_err();
        assert!(matches!(e, Error::Limit { .. }), "{e}");
        // The last payment (one record, one delivery) is the entry that goes over.
        let last = text.rfind("[[payments]]").unwrap();
        let line = text[..last].matches('\n').count() + 1;
        assert!(
            e.to_string().starts_with(&format!(
                "f.toml:{line}:1: payment goes over the limit of {} entries",
                n - 1
            )),
            "{e}"
        );
    }

    #[test]
    fn size_limit_before_parsing() {
        let text = "currency = \"EUR\"\n";
        assert!(parse_budget_with(text, Path::new("f.toml"), &opts(10, 17)).is_ok());
        let e = parse_budget_with(text, Path::new("f.toml"), &opts(10, 16)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.toml: the file has 17 bytes, over the limit of 16 bytes for a budget file; it is not read"
        );
        let dir =
            std::env::temp_dir().join(format!("betagouv-funding-size-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("big.toml");
        std::fs::write(&path, text).unwrap();
        let e = read_budget_with(&path, &opts(10, 16)).unwrap_err();
        assert!(
            matches!(
                e,
                Error::TooLarge {
                    size: Some(17),
                    limit: 16,
                    ..
                }
            ),
            "{e}"
        );
        assert!(read_budget_with(&path, &opts(10, 17)).is_ok());
        std::fs::write(&path, b"currency = \"EUR\"\nincubator = \"a\xff\"\n").unwrap();
        let e = read_budget_with(&path, &opts(10, 100))
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("big.toml:2:15: invalid UTF-8: a budget file is UTF-8 text"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn years_outside_the_supported_range_are_refused() {
        let e = err(
            "[[resources]]\nid = \"r\"\ndate = 0001-01-01\nsource = \"incubator\"\namount = 1\n",
        );
        assert!(
            e.starts_with(
                "f.toml:3:8: date 0001-01-01 is outside the supported years 1900 to 9999"
            ),
            "{e}"
        );
        let e =
            err("[[credits]]\nline = \"l\"\nyear = 2147483647\nae_initial = 1\ncp_initial = 1\n");
        assert!(
            e.starts_with("f.toml:3:8: year 2147483647 is outside"),
            "{e}"
        );
        let e = err(
            "[[claims]]\nkey = \"k\"\nyear = 1899\nvalue = 1\nunit = \"count\"\nsource = \"s\"\n",
        );
        assert!(e.contains("year 1899 is outside"), "{e}");
    }

    #[test]
    fn cutting_gives_the_same_budget_as_one_parse() {
        let options = ReadBudgetOptions::default();
        let text = crate::synthetic::budget_toml(400, 3);
        let p = Path::new("s.toml");
        assert!(pieces(&text).is_some_and(|v| v.len() > 5));
        let cut = parse_budget_with(&text, p, &options).unwrap();
        assert_eq!(cut, parse_budget_whole(&text, p, &options).unwrap());
        // Layouts the cutter declines or must keep together.
        for text in [
            "[[orders]]\nid = \"a\"\ncontract = \"c\"\nsupplier = \"s\"\nissued_on = 2016-01-01\n[[orders.lines]]\nprofile = \"p\"\ndays = 1\ndaily_rate_net = 1\n",
            "[[contracts]]\nid = \"c\"\nholder = \"h\"\nstart = 2016-01-01\n[[orders]]\nid = \"a\"\ncontract = \"c\"\nissued_on = 2016-01-01\n[[lines]]\nid = \"l\"\nprogramme = \"1\"\n[[orders.lines]]\nprofile = \"p\"\ndays = 1\ndaily_rate_net = 1\n",
            "lines = [{ id = \"a\", programme = \"1\" }]\n[[lines]]\nid = \"b\"\nprogramme = \"2\"\n",
            "lines = []\n[[organizations]]\nid = \"o\"\nname = \"n\"\n",
            "[[\"lines\"]]\nid = \"b\"\nprogramme = \"2\"\n",
            "x = \"\"\"\n[[lines]]\n\"\"\"\n",
            "a = [\n[[lines]]\n]\n",
            "[lines]\nid = 1\n",
            "[[ lines ]]\nid = \"b\"\nprogramme = \"2\"\n[ [lines]]\n",
            "\u{feff}[[lines]]\nid = \"b\"\nprogramme = \"2\"\n",
        ] {
            let cut = parse_budget_with(text, p, &options);
            let whole = parse_budget_whole(text, p, &options);
            match (&cut, &whole) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{text:?}: cut {cut:?} whole {whole:?}"),
            }
        }
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

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    /// Lines of budget files and near misses, to shuffle into documents.
    const LINES: [&str; 22] = [
        "[[lines]]",
        "[[orders]]",
        "[[orders.lines]]",
        "[orders.x]",
        "[[\"lines\"]]",
        "[lines]",
        "id = \"a\"",
        "id = \"b\"",
        "programme = \"1\"",
        "contract = \"c\"",
        "supplier = \"s\"",
        "issued_on = 2016-01-01",
        "profile = \"p\"",
        "days = 1",
        "daily_rate_net = 1",
        "lines = []",
        "x = \"\"\"",
        "\"\"\"",
        "a = [",
        "]",
        "# [[lines]]",
        "currency = \"EUR\"",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn cutting_never_changes_the_result(picks in proptest::collection::vec(0..LINES.len(), 0..24)) {
            let text: String = picks.iter().map(|i| format!("{}\n", LINES[*i])).collect();
            let options = ReadBudgetOptions::default();
            let p = Path::new("f.toml");
            let cut = parse_budget_with(&text, p, &options);
            let whole = parse_budget_whole(&text, p, &options);
            match (&cut, &whole) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(_), Err(_)) => {}
                _ => prop_assert!(false, "{:?}: cut {:?} whole {:?}", text, cut, whole),
            }
        }
    }
}
