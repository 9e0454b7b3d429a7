//! The relational view of a portfolio: the tables of the CSV, SQLite and XLSX exports.
//!
//! [`build`] turns a [`Dataset`] into [`Table`]s that every tabular format writes
//! the same way: `incubator`, `organisation`, `startup`, `startup_phase`,
//! `startup_event`, `startup_sponsor`, `member`, `mission`, `mission_startup`, plus
//! `budget_line` and `impact_metric` when that data is given. Rows are sorted by
//! primary key, so the same input always gives the same output.
//!
//! **Dangling references.** Real data references records that do not exist (an
//! incubator owner with no organisation file, a mission naming a start-up that has
//! no file). Foreign keys stay declared: the key column holds NULL, the value as read
//! goes to the `*_raw` column next to it, and a [`Diagnostic`] is reported. Dates that
//! are not full `YYYY-MM-DD` dates (`2015-01`) follow the same rule: NULL in the date
//! column, the text in its `*_raw` column.
//!
//! ```
//! use betagouv_export::{Dataset, tables};
//! use betagouv_portfolio::builtin;
//!
//! let portfolio = builtin::portfolio_2016();
//! let (tables, _diagnostics) = tables::build(&Dataset::new(&portfolio), builtin::as_of_2016());
//! let startup = tables.iter().find(|t| t.name == "startup").ok_or("no startup table")?;
//! assert_eq!(startup.rows.len(), 27);
//! assert_eq!(startup.primary_key, ["id"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use betagouv_portfolio::{
    Diagnostic, Member, MemberShape, PhaseField, Portfolio, RecordDate, RecordKind, Severity,
    Sponsor, Startup, Value,
};

use crate::Dataset;

/// The type of a column, as Table Schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// Text.
    String,
    /// A whole number.
    Integer,
    /// An exact decimal number (money: euros with 2 decimals).
    Number,
    /// `true` / `false`.
    Boolean,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
}

impl FieldType {
    /// The Table Schema type name (`string`, `integer`, `number`, `boolean`, `date`).
    #[must_use]
    pub fn table_schema(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Date => "date",
        }
    }
}

/// A column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Column name: lowercase ASCII snake case.
    pub name: &'static str,
    /// Type.
    pub ty: FieldType,
    /// What the column holds.
    pub description: &'static str,
    /// Whether every row has a value (primary key columns).
    pub required: bool,
}

/// A foreign key: `fields` of this table reference `reference` of table `resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// Columns of this table.
    pub fields: &'static [&'static str],
    /// The referenced table.
    pub resource: &'static str,
    /// The referenced columns (its primary key).
    pub reference: &'static [&'static str],
}

/// A cell value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cell {
    /// No value (an empty CSV cell, SQL NULL, an empty spreadsheet cell).
    Null,
    /// Text, kept as read (no trimming).
    Text(String),
    /// A whole number.
    Integer(i64),
    /// An exact decimal.
    Number(Decimal),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
}

impl Cell {
    /// Text cell, or [`Cell::Null`] when `value` is `None`.
    #[must_use]
    pub fn text(value: Option<&str>) -> Self {
        value.map_or(Cell::Null, |s| Cell::Text(s.to_owned()))
    }

    /// Whether the cell is [`Cell::Null`].
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Cell::Null)
    }
}

/// The text form of a cell, as CSV writes it: empty for NULL, `true`/`false`,
/// `YYYY-MM-DD`, decimals with a point and no thousands separator.
impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Null => Ok(()),
            Cell::Text(s) => f.write_str(s),
            Cell::Integer(i) => write!(f, "{i}"),
            Cell::Number(d) => write!(f, "{d}"),
            Cell::Bool(b) => write!(f, "{b}"),
            Cell::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
        }
    }
}

/// A table: its schema and its rows (one [`Cell`] per field, in field order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Name (also the CSV file stem, the SQL table and the sheet name).
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// What a row is.
    pub description: &'static str,
    /// Columns.
    pub fields: Vec<Field>,
    /// Primary key columns.
    pub primary_key: &'static [&'static str],
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Rows, sorted by primary key.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The index of column `name`.
    #[must_use]
    pub fn column(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// One posting of the budget ledger, for the `budget_line` table: the same postings
/// the hledger journal holds (see [`budget_lines`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetLine {
    /// Stable id of the transaction (funding or spending event).
    pub transaction_id: String,
    /// Position of the posting in its transaction, from 1.
    pub seq: usize,
    /// Date of the transaction.
    pub date: NaiveDate,
    /// Description of the transaction.
    pub description: String,
    /// Account (`income:…`, `expenses:startups:<slug>:…`, `assets:…`).
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
pub fn budget_lines(ledger: &betagouv_funding::ledger::Ledger) -> Vec<BudgetLine> {
    let tag = |t: &betagouv_funding::ledger::Transaction, k: &str| {
        t.tags
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    let mut out = Vec::new();
    for t in ledger.sorted() {
        for (i, p) in t.postings.iter().enumerate() {
            out.push(BudgetLine {
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

/// One impact figure (a KPI of the impact file), for the `impact_metric` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImpactMetric {
    /// The start-up id, as given in the impact file.
    pub startup_id: String,
    /// What is counted (`users`, ...).
    pub metric: String,
    /// The value, exact as written.
    pub value: Decimal,
    /// Per which period (`month`, `year`, ...), absent for a stock or cumulative count.
    pub period: Option<String>,
    /// How the figure relates to the true value (`exact`, `lower`, ...).
    pub bound: Option<String>,
    /// Year of the figure.
    pub year: Option<i32>,
    /// Where the figure comes from (URL or text).
    pub source: Option<String>,
}

const fn f(name: &'static str, ty: FieldType, description: &'static str) -> Field {
    Field {
        name,
        ty,
        description,
        required: false,
    }
}

const fn key(name: &'static str, ty: FieldType, description: &'static str) -> Field {
    Field {
        name,
        ty,
        description,
        required: true,
    }
}

use FieldType::{Boolean as B, Date as D, Integer as I, Number as N, String as S};

const RAW: &str =
    "the value as read when it does not resolve (dangling reference); empty otherwise";
const DATE_RAW: &str = "the value as read when it is not a full YYYY-MM-DD date; empty otherwise";
const PIPE: &str = "several values joined with |";

/// Resolves references and collects diagnostics while tables are built.
struct Ctx<'a> {
    startups: HashSet<&'a str>,
    incubators: HashSet<&'a str>,
    organisations: HashSet<&'a str>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    /// A value of `s` that its column cannot hold: reported, never an empty cell
    /// without a word.
    fn unholdable(&mut self, s: &Startup, column: &str, why: &str) {
        self.diagnostics.push(
            Diagnostic::new(
                Severity::Error,
                "number-out-of-range",
                format!("{column}: {why}; the cell is left empty (the JSON export keeps the value as written)"),
            )
            .for_record(RecordKind::Startup, s.id.as_str()),
        );
    }

    /// The integer cell of `fast.<k>`; a diagnostic when the value cannot be held.
    fn fast_cell(&mut self, s: &Startup, k: &str) -> Cell {
        match fast_number(s, k) {
            Ok(v) => v.map_or(Cell::Null, Cell::Integer),
            Err(why) => {
                self.unholdable(s, &format!("fast.{k}"), &why);
                Cell::Null
            }
        }
    }

    /// The text cell of unmodelled key `k`; a `field-type` diagnostic when it is there
    /// but not a text (a list, a mapping...).
    fn extra_text_cell(&mut self, s: &Startup, k: &str) -> Cell {
        match s.extra.get(k) {
            None | Some(Value::Null) => Cell::Null,
            Some(Value::String(t)) => Cell::Text(t.clone()),
            Some(v) => {
                self.wrong_type(s, k, "a text", v);
                Cell::Null
            }
        }
    }

    /// The boolean cell of unmodelled key `k`; a `field-type` diagnostic when it is
    /// there but not a boolean.
    fn extra_bool_cell(&mut self, s: &Startup, k: &str) -> Cell {
        match s.extra.get(k) {
            None | Some(Value::Null) => Cell::Null,
            Some(Value::Bool(b)) => Cell::Bool(*b),
            Some(v) => {
                self.wrong_type(s, k, "a boolean", v);
                Cell::Null
            }
        }
    }

    fn wrong_type(&mut self, s: &Startup, k: &str, expected: &str, v: &Value) {
        self.diagnostics.push(
            Diagnostic::new(
                Severity::Warning,
                "field-type",
                format!(
                    "`{k}` should be {expected}, found a {}; the cell is left empty (the JSON export keeps the value as written)",
                    v.type_name()
                ),
            )
            .for_record(RecordKind::Startup, s.id.as_str()),
        );
    }

    /// `(key, raw)` cells for a reference to `id` among `known`; a diagnostic when dangling.
    fn reference(
        &mut self,
        target: Target,
        id: Option<&str>,
        from: (RecordKind, &str),
        what: &str,
    ) -> (Cell, Cell) {
        let Some(id) = id else {
            return (Cell::Null, Cell::Null);
        };
        let known = match target {
            Target::Startup => &self.startups,
            Target::Incubator => &self.incubators,
            Target::Organisation => &self.organisations,
        };
        if known.contains(id) {
            (Cell::Text(id.to_owned()), Cell::Null)
        } else {
            self.diagnostics.push(
                Diagnostic::new(
                    Severity::Warning,
                    target.rule(),
                    format!(
                        "{what} `{id}` has no {} record; exported as NULL with the value in the *_raw column",
                        target.name()
                    ),
                )
                .for_record(from.0, from.1),
            );
            (Cell::Null, Cell::Text(id.to_owned()))
        }
    }
}

#[derive(Clone, Copy)]
enum Target {
    Startup,
    Incubator,
    Organisation,
}

impl Target {
    fn rule(self) -> &'static str {
        match self {
            Target::Startup => "dangling-startup",
            Target::Incubator => "dangling-incubator",
            Target::Organisation => "dangling-organisation",
        }
    }
    fn name(self) -> &'static str {
        match self {
            Target::Startup => "start-up",
            Target::Incubator => "incubator",
            Target::Organisation => "organisation",
        }
    }
}

fn date_cells(d: Option<&RecordDate>) -> (Cell, Cell) {
    match d {
        Some(RecordDate::Exact(d)) => (Cell::Date(*d), Cell::Null),
        Some(other) => (Cell::Null, Cell::Text(other.to_string())),
        None => (Cell::Null, Cell::Null),
    }
}

fn joined<S: AsRef<str>>(items: &[S]) -> Cell {
    if items.is_empty() {
        Cell::Null
    } else {
        Cell::Text(
            items
                .iter()
                .map(AsRef::as_ref)
                .collect::<Vec<_>>()
                .join("|"),
        )
    }
}

fn seq(i: usize) -> Cell {
    Cell::Integer(i64::try_from(i + 1).unwrap_or(i64::MAX))
}

/// Text value of an unmodelled key (`accessibility_status`, ...).
pub(crate) fn extra_str<'a>(s: &'a Startup, k: &str) -> Option<&'a str> {
    s.extra.get(k).and_then(Value::as_str)
}

/// Boolean value of an unmodelled key (`analyse_risques`, ...).
pub(crate) fn extra_bool(s: &Startup, k: &str) -> Option<bool> {
    match s.extra.get(k) {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// Integer inside the `fast` mapping (`promotion`, `montant`): `Ok(None)` when absent,
/// `Err(why)` when the value is there but a whole-number column cannot hold it.
fn fast_number(s: &Startup, k: &str) -> Result<Option<i64>, String> {
    let Some(Value::Map(m)) = s.extra.get("fast") else {
        return Ok(None);
    };
    match m.iter().find(|(key, _)| key == k).map(|(_, v)| v) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => whole_number(n)
            .map(Some)
            .map_err(|why| format!("`{n}` {why}")),
        Some(v) => Err(format!("a {} is not a number", v.type_name())),
    }
}

/// A number as written to a 64-bit whole number, or why not (the same rule as the
/// content reader's `number-out-of-range`).
fn whole_number(n: &str) -> Result<i64, &'static str> {
    let t = n.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Ok(i);
    }
    match t.parse::<Decimal>() {
        Ok(d) if d.fract().is_zero() => i64::try_from(d).map_err(|_| "is too large"),
        Ok(_) => Err("is not a whole number"),
        Err(_)
            if t.trim_start_matches(['+', '-'])
                .bytes()
                .all(|b| b.is_ascii_digit()) =>
        {
            Err("is too large")
        }
        Err(_) => Err("is not a whole number"),
    }
}

/// Records sorted by id, first of each id kept; later duplicates are reported.
fn unique_sorted<'a, T>(
    items: &'a [T],
    id: impl Fn(&T) -> &str,
    kind: RecordKind,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<&'a T> {
    let mut v: Vec<&T> = items.iter().collect();
    v.sort_by(|a, b| id(a).cmp(id(b)));
    let mut out: Vec<&T> = Vec::with_capacity(v.len());
    for x in v {
        if out.last().is_some_and(|l| id(l) == id(x)) {
            diagnostics.push(
                Diagnostic::new(
                    Severity::Error,
                    "duplicate-id",
                    "a second record has this id; only the first is exported",
                )
                .for_record(kind, id(x)),
            );
        } else {
            out.push(x);
        }
    }
    out
}

/// Builds every table of `dataset`. Columns that depend on a date (`current_phase`,
/// `current_stage`, `active`) are computed at `at`. Never fails: problems of the data
/// come back as diagnostics, sorted by record.
#[must_use]
pub fn build(dataset: &Dataset<'_>, at: NaiveDate) -> (Vec<Table>, Vec<Diagnostic>) {
    let p = dataset.portfolio;
    let mut diagnostics = Vec::new();
    let startups = unique_sorted(
        &p.startups,
        |s| s.id.as_str(),
        RecordKind::Startup,
        &mut diagnostics,
    );
    let members = unique_sorted(
        &p.members,
        |m| m.id.as_str(),
        RecordKind::Member,
        &mut diagnostics,
    );
    let incubators = unique_sorted(
        &p.incubators,
        |i| i.id.as_str(),
        RecordKind::Incubator,
        &mut diagnostics,
    );
    let organisations = unique_sorted(
        &p.organisations,
        |o| o.id.as_str(),
        RecordKind::Organisation,
        &mut diagnostics,
    );
    let mut ctx = Ctx {
        startups: startups.iter().map(|s| s.id.as_str()).collect(),
        incubators: incubators.iter().map(|i| i.id.as_str()).collect(),
        organisations: organisations.iter().map(|o| o.id.as_str()).collect(),
        diagnostics,
    };

    let mut tables = vec![
        incubator_table(&incubators, &mut ctx),
        organisation_table(&organisations),
    ];
    tables.extend(startup_tables(p, &startups, at, &mut ctx));
    tables.extend(member_tables(&members, at, &mut ctx));
    if let Some(lines) = dataset.budget_lines {
        tables.push(budget_table(lines, &mut ctx));
    }
    if let Some(metrics) = dataset.impact_metrics {
        tables.push(impact_table(metrics, &mut ctx));
    }
    let mut diagnostics = ctx.diagnostics;
    diagnostics.sort_by(|a, b| a.record.cmp(&b.record));
    (tables, diagnostics)
}

fn incubator_table(incubators: &[&betagouv_portfolio::Incubator], ctx: &mut Ctx<'_>) -> Table {
    let rows = incubators
        .iter()
        .map(|i| {
            let (owner_id, owner_raw) = match i.owner.as_deref() {
                Some(o) => match i.owner_organisation() {
                    Some(org) => {
                        let (k, _) = ctx.reference(
                            Target::Organisation,
                            Some(org),
                            (RecordKind::Incubator, i.id.as_str()),
                            "owner",
                        );
                        let raw = if k.is_null() {
                            Cell::Text(o.to_owned())
                        } else {
                            Cell::Null
                        };
                        (k, raw)
                    }
                    // Free text owner (before 2022) or empty: kept as read.
                    None => (Cell::Null, Cell::Text(o.to_owned())),
                },
                None => (Cell::Null, Cell::Null),
            };
            vec![
                Cell::Text(i.id.to_string()),
                Cell::Text(i.title.clone()),
                owner_id,
                owner_raw,
                Cell::text(i.contact.as_deref()),
                Cell::text(i.address.as_deref()),
                Cell::text(i.website.as_deref()),
                Cell::text(i.github.as_deref()),
                Cell::text(i.short_description.as_deref()),
                Cell::Bool(i.hidden),
            ]
        })
        .collect();
    Table {
        name: "incubator",
        title: "Incubators",
        description: "One row per incubator record.",
        fields: vec![
            key("id", S, "incubator id (file name without .md)"),
            f("title", S, "name of the incubator"),
            f(
                "owner_id",
                S,
                "owner organisation id, when `owner` is a /organisations/<id> reference to an existing organisation",
            ),
            f(
                "owner_raw",
                S,
                "`owner` as read when it is not a reference to an existing organisation (free text before 2022, dangling reference)",
            ),
            f("contact", S, "contact (e-mail, URL or mailto:)"),
            f("address", S, "postal address"),
            f("website", S, "web site"),
            f("github", S, "source code organisation"),
            f("short_description", S, "short description"),
            f("hidden", B, "the incubator has no page and no API metadata"),
        ],
        primary_key: &["id"],
        foreign_keys: vec![ForeignKey {
            fields: &["owner_id"],
            resource: "organisation",
            reference: &["id"],
        }],
        rows,
    }
}

fn organisation_table(orgs: &[&betagouv_portfolio::Organisation]) -> Table {
    let rows = orgs
        .iter()
        .map(|o| {
            vec![
                Cell::Text(o.id.to_string()),
                Cell::Text(o.name.clone()),
                Cell::text(o.acronym.as_deref()),
                Cell::text(o.kind.as_deref()),
                Cell::text(o.domaine_ministeriel.as_deref()),
            ]
        })
        .collect();
    Table {
        name: "organisation",
        title: "Organisations",
        description: "One row per organisation (sponsoring administration) record.",
        fields: vec![
            key("id", S, "organisation id (file name without .md)"),
            f("name", S, "name"),
            f("acronym", S, "acronym"),
            f(
                "type",
                S,
                "administration-centrale, service-deconcentre, operateur, securite-sociale, collectivite-territoriale, autre",
            ),
            f("domaine_ministeriel", S, "ministerial domain"),
        ],
        primary_key: &["id"],
        foreign_keys: Vec::new(),
        rows,
    }
}

fn startup_tables(
    p: &Portfolio,
    startups: &[&Startup],
    at: NaiveDate,
    ctx: &mut Ctx<'_>,
) -> [Table; 4] {
    let mut rows = Vec::with_capacity(startups.len());
    let mut phases = Vec::new();
    let mut events = Vec::new();
    let mut sponsors = Vec::new();
    for s in startups {
        let sid = s.id.as_str();
        let from = (RecordKind::Startup, sid);
        let (inc, inc_raw) = ctx.reference(
            Target::Incubator,
            s.incubator.as_ref().map(|i| i.as_str()),
            from,
            "incubator",
        );
        let (end, end_raw) = date_cells(s.end.as_ref());
        let current = s.phase_at(at, betagouv_portfolio::PhaseRule::AtDate);
        rows.push(vec![
            Cell::Text(sid.to_owned()),
            Cell::Text(s.name.clone()),
            Cell::Text(s.pitch.clone()),
            inc,
            inc_raw,
            joined(&s.incubators),
            Cell::text(s.contact.as_deref()),
            Cell::text(s.links.site.as_deref()),
            Cell::text(s.links.repository.as_deref()),
            s.links.stats.map_or(Cell::Null, Cell::Bool),
            Cell::text(s.links.stats_url.as_deref()),
            Cell::text(s.links.budget_url.as_deref()),
            Cell::text(s.links.impact_url.as_deref()),
            ctx.extra_text_cell(s, "dashlord_url"),
            ctx.extra_text_cell(s, "accessibility_status"),
            ctx.extra_bool_cell(s, "analyse_risques"),
            ctx.extra_text_cell(s, "analyse_risques_url"),
            ctx.extra_bool_cell(s, "mon_service_securise"),
            ctx.fast_cell(s, "promotion"),
            ctx.fast_cell(s, "montant"),
            Cell::text(s.owner.as_deref()),
            end,
            end_raw,
            joined(&s.themes),
            joined(&s.user_types),
            joined(&s.techno),
            Cell::Text(
                match s.phase_field {
                    PhaseField::Status => "status",
                    PhaseField::Phases => "phases",
                }
                .to_owned(),
            ),
            s.first_start().map_or(Cell::Null, Cell::Date),
            current.map_or(Cell::Null, |ph| Cell::Text(ph.name.clone())),
            Cell::Text(
                s.stage_at(at, p.vocabulary, betagouv_portfolio::PhaseRule::AtDate)
                    .key()
                    .to_owned(),
            ),
        ]);
        for (i, ph) in s.phases.iter().enumerate() {
            let (start, start_raw) = date_cells(ph.start.as_ref());
            let (end, end_raw) = date_cells(ph.end.as_ref());
            phases.push(vec![
                Cell::Text(sid.to_owned()),
                seq(i),
                Cell::Text(ph.name.clone()),
                Cell::Text(p.vocabulary.stage_of(&ph.name).key().to_owned()),
                start,
                start_raw,
                end,
                end_raw,
                Cell::text(ph.comment.as_deref()),
            ]);
        }
        for (i, e) in s.events.iter().enumerate() {
            let (date, date_raw) = date_cells(e.date.as_ref());
            events.push(vec![
                Cell::Text(sid.to_owned()),
                seq(i),
                Cell::Text(e.name.clone()),
                date,
                date_raw,
                Cell::text(e.comment.as_deref()),
            ]);
        }
        for (i, sp) in s.sponsors.iter().enumerate() {
            let row = match sp {
                Sponsor::Organisation { id } => {
                    let (k, raw) =
                        ctx.reference(Target::Organisation, Some(id.as_str()), from, "sponsor");
                    vec![
                        Cell::Text(sid.to_owned()),
                        seq(i),
                        k,
                        raw,
                        Cell::Null,
                        Cell::Null,
                        Cell::Null,
                        Cell::Null,
                    ]
                }
                Sponsor::Inline {
                    name,
                    acronym,
                    kind,
                    domaine_ministeriel,
                } => vec![
                    Cell::Text(sid.to_owned()),
                    seq(i),
                    Cell::Null,
                    Cell::Null,
                    Cell::Text(name.clone()),
                    Cell::text(acronym.as_deref()),
                    Cell::text(kind.as_deref()),
                    Cell::text(domaine_ministeriel.as_deref()),
                ],
            };
            sponsors.push(row);
        }
    }
    let startup_fk = || ForeignKey {
        fields: &["startup_id"],
        resource: "startup",
        reference: &["id"],
    };
    [
        Table {
            name: "startup",
            title: "Start-ups",
            description: "One row per start-up d'État record.",
            fields: vec![
                key(
                    "id",
                    S,
                    "start-up id (file name without .md; may contain dots, capitals or accents)",
                ),
                f("name", S, "product name (`title`)"),
                f("pitch", S, "one-sentence pitch (`mission`)"),
                f(
                    "incubator_id",
                    S,
                    "main incubator (`incubator`), when it has a record",
                ),
                f("incubator_raw", S, RAW),
                f(
                    "incubators",
                    S,
                    "co-incubation list (`incubators`), several ids joined with |",
                ),
                f("contact", S, "contact (`contact`)"),
                f("link", S, "service URL (`link`)"),
                f("repository", S, "source code URL"),
                f(
                    "stats",
                    B,
                    "a public stats page exists at <link>/stats (`stats`)",
                ),
                f("stats_url", S, "public stats page"),
                f("budget_url", S, "public budget page"),
                f("impact_url", S, "impact page"),
                f("dashlord_url", S, "quality dashboard"),
                f(
                    "accessibility_status",
                    S,
                    "non conforme, partiellement conforme, totalement conforme",
                ),
                f("analyse_risques", B, "a risk analysis exists"),
                f("analyse_risques_url", S, "risk analysis URL"),
                f(
                    "mon_service_securise",
                    B,
                    "registered in MonServiceSécurisé",
                ),
                f(
                    "fast_promotion",
                    I,
                    "FAST fund cohort number (`fast.promotion`)",
                ),
                f(
                    "fast_montant_eur",
                    I,
                    "FAST fund grant in whole euros (`fast.montant`)",
                ),
                f(
                    "owner",
                    S,
                    "sponsoring administration as free text (`owner`, 2016-2022 records)",
                ),
                f(
                    "end_date",
                    D,
                    "end of the start-up (`end`, 2018-2020 records)",
                ),
                f("end_raw", S, DATE_RAW),
                f("thematiques", S, PIPE),
                f("usertypes", S, PIPE),
                f("techno", S, PIPE),
                f(
                    "phase_source",
                    S,
                    "where phases come from: status (2016-2020 records) or phases",
                ),
                f("first_start", D, "earliest phase start"),
                f(
                    "current_phase",
                    S,
                    "phase at the export date (latest phase started on or before it)",
                ),
                f(
                    "current_stage",
                    S,
                    "stage of the current phase: incubating, in_handover, taken_over, stopped, not_started, unknown",
                ),
            ],
            primary_key: &["id"],
            foreign_keys: vec![ForeignKey {
                fields: &["incubator_id"],
                resource: "incubator",
                reference: &["id"],
            }],
            rows,
        },
        Table {
            name: "startup_phase",
            title: "Start-up phases",
            description: "One row per phase of a start-up, in file order (seq from 1).",
            fields: vec![
                key("startup_id", S, "start-up id"),
                key("seq", I, "position in the start-up's phase list, from 1"),
                f("name", S, "phase name as written"),
                f(
                    "stage",
                    S,
                    "what the name means in the portfolio's vocabulary",
                ),
                f("start_date", D, "start"),
                f("start_raw", S, DATE_RAW),
                f("end_date", D, "end, when written"),
                f("end_raw", S, DATE_RAW),
                f("comment", S, "free comment"),
            ],
            primary_key: &["startup_id", "seq"],
            foreign_keys: vec![startup_fk()],
            rows: phases,
        },
        Table {
            name: "startup_event",
            title: "Start-up events",
            description: "One row per event of a start-up, in file order (seq from 1).",
            fields: vec![
                key("startup_id", S, "start-up id"),
                key("seq", I, "position in the start-up's event list, from 1"),
                f(
                    "name",
                    S,
                    "event name (product_launch, national_impact, fast, eig, end, ...)",
                ),
                f("date", D, "date"),
                f("date_raw", S, DATE_RAW),
                f("comment", S, "free comment"),
            ],
            primary_key: &["startup_id", "seq"],
            foreign_keys: vec![startup_fk()],
            rows: events,
        },
        Table {
            name: "startup_sponsor",
            title: "Start-up sponsors",
            description: "One row per sponsor of a start-up, in file order (seq from 1): a reference to an organisation, or an inline sponsor (2020-2022 records).",
            fields: vec![
                key("startup_id", S, "start-up id"),
                key("seq", I, "position in the start-up's sponsor list, from 1"),
                f(
                    "organisation_id",
                    S,
                    "sponsoring organisation, when it has a record",
                ),
                f("organisation_raw", S, RAW),
                f("name", S, "inline sponsor: name"),
                f("acronym", S, "inline sponsor: acronym"),
                f("type", S, "inline sponsor: type"),
                f(
                    "domaine_ministeriel",
                    S,
                    "inline sponsor: ministerial domain",
                ),
            ],
            primary_key: &["startup_id", "seq"],
            foreign_keys: vec![
                startup_fk(),
                ForeignKey {
                    fields: &["organisation_id"],
                    resource: "organisation",
                    reference: &["id"],
                },
            ],
            rows: sponsors,
        },
    ]
}

fn member_tables(members: &[&Member], at: NaiveDate, ctx: &mut Ctx<'_>) -> [Table; 3] {
    let mut rows = Vec::with_capacity(members.len());
    let mut missions = Vec::new();
    let mut links = Vec::new();
    for m in members {
        let mid = m.id.as_str();
        let from = (RecordKind::Member, mid);
        let (inc, inc_raw) = ctx.reference(
            Target::Incubator,
            m.incubator.as_ref().map(|i| i.as_str()),
            from,
            "incubator",
        );
        rows.push(vec![
            Cell::Text(mid.to_owned()),
            Cell::Text(m.fullname.clone()),
            Cell::Text(m.role.clone()),
            Cell::text(m.domaine.as_deref()),
            Cell::text(m.member_type.as_deref()),
            inc,
            inc_raw,
            Cell::Text(
                match m.shape {
                    MemberShape::Missions => "missions",
                    MemberShape::Flat => "flat",
                }
                .to_owned(),
            ),
            joined(&m.competences),
            joined(&m.teams),
            joined(&m.badges),
            joined(&m.startups),
            joined(&m.previously),
            Cell::Bool(m.is_active_at(at)),
            Cell::text(m.status_at(at)),
        ]);
        for (i, mi) in m.missions.iter().enumerate() {
            let (start, start_raw) = date_cells(mi.start.as_ref());
            let (end, end_raw) = date_cells(mi.end.as_ref());
            missions.push(vec![
                Cell::Text(mid.to_owned()),
                seq(i),
                start,
                start_raw,
                end,
                end_raw,
                Cell::text(mi.status.as_deref()),
                Cell::text(mi.employer.as_deref()),
            ]);
            for (j, s) in mi.startups.iter().enumerate() {
                let (k, raw) =
                    ctx.reference(Target::Startup, Some(s.as_str()), from, "mission start-up");
                links.push(vec![Cell::Text(mid.to_owned()), seq(i), seq(j), k, raw]);
            }
        }
    }
    [
        Table {
            name: "member",
            title: "Members",
            description: "One row per member (author) record.",
            fields: vec![
                key("id", S, "member id (file name without .md)"),
                f("fullname", S, "display name"),
                f("role", S, "job title as free text"),
                f("domaine", S, "field of work"),
                f(
                    "member_type",
                    S,
                    "memberType: beta, autre, dinum, attributaire",
                ),
                f(
                    "incubator_id",
                    S,
                    "incubator of incubator staff, when it has a record",
                ),
                f("incubator_raw", S, RAW),
                f(
                    "record_shape",
                    S,
                    "missions (a missions list) or flat (2016-2019 start/end/employer, read as one mission)",
                ),
                f("competences", S, PIPE),
                f("teams", S, PIPE),
                f("badges", S, PIPE),
                f(
                    "startups",
                    S,
                    "legacy list of current start-up ids, joined with |",
                ),
                f(
                    "previously",
                    S,
                    "legacy list of past start-up ids, joined with |",
                ),
                f("active", B, "some mission covers the export date"),
                f(
                    "current_status",
                    S,
                    "status (admin, independent, service) of the mission covering the export date",
                ),
            ],
            primary_key: &["id"],
            foreign_keys: vec![ForeignKey {
                fields: &["incubator_id"],
                resource: "incubator",
                reference: &["id"],
            }],
            rows,
        },
        Table {
            name: "mission",
            title: "Missions",
            description: "One row per mission of a member, in file order (seq from 1).",
            fields: vec![
                key("member_id", S, "member id"),
                key("seq", I, "position in the member's mission list, from 1"),
                f("start_date", D, "start"),
                f("start_raw", S, DATE_RAW),
                f("end_date", D, "end"),
                f("end_raw", S, DATE_RAW),
                f(
                    "status",
                    S,
                    "admin, independent, service (or the 2016 employer prefix, e.g. dinsic)",
                ),
                f("employer", S, "employer as written (free text)"),
            ],
            primary_key: &["member_id", "seq"],
            foreign_keys: vec![ForeignKey {
                fields: &["member_id"],
                resource: "member",
                reference: &["id"],
            }],
            rows: missions,
        },
        Table {
            name: "mission_startup",
            title: "Mission start-ups",
            description: "One row per start-up a mission worked on (since 2024), in file order (seq from 1).",
            fields: vec![
                key("member_id", S, "member id"),
                key("mission_seq", I, "the mission's seq"),
                key("seq", I, "position in the mission's start-up list, from 1"),
                f("startup_id", S, "start-up, when it has a record"),
                f("startup_raw", S, RAW),
            ],
            primary_key: &["member_id", "mission_seq", "seq"],
            foreign_keys: vec![
                ForeignKey {
                    fields: &["member_id", "mission_seq"],
                    resource: "mission",
                    reference: &["member_id", "seq"],
                },
                ForeignKey {
                    fields: &["startup_id"],
                    resource: "startup",
                    reference: &["id"],
                },
            ],
            rows: links,
        },
    ]
}

fn budget_table(lines: &[BudgetLine], ctx: &mut Ctx<'_>) -> Table {
    let mut sorted: Vec<&BudgetLine> = lines.iter().collect();
    sorted.sort_by(|a, b| (&a.transaction_id, a.seq).cmp(&(&b.transaction_id, b.seq)));
    sorted.dedup_by(|b, a| (&a.transaction_id, a.seq) == (&b.transaction_id, b.seq));
    let rows = sorted
        .into_iter()
        .map(|l| {
            let (k, raw) = ctx.reference(
                Target::Startup,
                l.startup_id.as_deref(),
                (
                    RecordKind::Startup,
                    l.startup_id.as_deref().unwrap_or_default(),
                ),
                "budget line start-up",
            );
            vec![
                Cell::Text(l.transaction_id.clone()),
                Cell::Integer(i64::try_from(l.seq).unwrap_or(i64::MAX)),
                Cell::Date(l.date),
                Cell::Text(l.description.clone()),
                Cell::Text(l.account.clone()),
                k,
                raw,
                Cell::text(l.partner.as_deref()),
                Cell::Number(l.amount_eur),
            ]
        })
        .collect();
    Table {
        name: "budget_line",
        title: "Budget lines",
        description: "One row per posting of the budget ledger (the postings of the hledger journal): funding and spending events, balanced per transaction.",
        fields: vec![
            key("transaction_id", S, "stable id of the transaction"),
            key(
                "seq",
                I,
                "position of the posting in its transaction, from 1",
            ),
            f("date", D, "date of the transaction"),
            f("description", S, "description of the transaction"),
            f(
                "account",
                S,
                "account (income:..., expenses:startups:<slug>:..., assets:...)",
            ),
            f(
                "startup_id",
                S,
                "start-up the transaction is for, when it has a record",
            ),
            f("startup_raw", S, RAW),
            f("partner", S, "partner organisation, when any"),
            f(
                "montant_eur",
                N,
                "amount in euros (positive = debit), decimal point, 2 decimals",
            ),
        ],
        primary_key: &["transaction_id", "seq"],
        foreign_keys: vec![ForeignKey {
            fields: &["startup_id"],
            resource: "startup",
            reference: &["id"],
        }],
        rows,
    }
}

fn impact_table(metrics: &[ImpactMetric], ctx: &mut Ctx<'_>) -> Table {
    let mut sorted: Vec<(usize, &ImpactMetric)> = metrics.iter().enumerate().collect();
    sorted.sort_by(|(ia, a), (ib, b)| (&a.startup_id, ia).cmp(&(&b.startup_id, ib)));
    let mut counters: BTreeMap<&str, usize> = BTreeMap::new();
    let rows = sorted
        .into_iter()
        .map(|(_, m)| {
            let n = counters.entry(m.startup_id.as_str()).or_default();
            *n += 1;
            let (k, raw) = ctx.reference(
                Target::Startup,
                Some(&m.startup_id),
                (RecordKind::Startup, m.startup_id.as_str()),
                "impact metric start-up",
            );
            vec![
                Cell::Text(m.startup_id.clone()),
                seq(*n - 1),
                k,
                raw,
                Cell::Text(m.metric.clone()),
                Cell::Number(m.value),
                Cell::text(m.period.as_deref()),
                Cell::text(m.bound.as_deref()),
                m.year.map_or(Cell::Null, |y| Cell::Integer(i64::from(y))),
                Cell::text(m.source.as_deref()),
            ]
        })
        .collect();
    Table {
        name: "impact_metric",
        title: "Impact metrics",
        description: "One row per KPI of a start-up in the impact file.",
        fields: vec![
            key("startup_key", S, "start-up id as given in the impact file"),
            key("seq", I, "position among the start-up's figures, from 1"),
            f("startup_id", S, "start-up, when it has a record"),
            f("startup_raw", S, RAW),
            f("metric", S, "what is counted"),
            f("value", N, "the figure, decimal point"),
            f(
                "period",
                S,
                "per which period; empty for a stock or cumulative count",
            ),
            f("bound", S, "how the figure relates to the true value"),
            f("year", I, "year of the figure"),
            f("source", S, "source (URL or text)"),
        ],
        primary_key: &["startup_key", "seq"],
        foreign_keys: vec![ForeignKey {
            fields: &["startup_id"],
            resource: "startup",
            reference: &["id"],
        }],
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::{
        Extra, Incubator, IncubatorId, MemberId, Mission, Organisation, OrganisationId, Phase,
        StartupId, Vocabulary, builtin,
    };

    #[test]
    fn rows_match_fields_and_are_sorted() {
        let p = builtin::portfolio_2016();
        let (tables, _) = build(&Dataset::new(&p), builtin::as_of_2016());
        for t in &tables {
            for r in &t.rows {
                assert_eq!(r.len(), t.fields.len(), "table {}", t.name);
            }
            let pk: Vec<usize> = t.primary_key.iter().map(|k| t.column(k).unwrap()).collect();
            let keys: Vec<String> = t
                .rows
                .iter()
                .map(|r| {
                    pk.iter()
                        .map(|&i| format!("{:>20}", r[i]))
                        .collect::<Vec<_>>()
                        .join("\u{0}")
                })
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(keys.len(), sorted.len(), "unique keys in {}", t.name);
        }
    }

    #[test]
    fn dangling_references_go_to_raw_columns() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        let mut inc = Incubator::new(IncubatorId::new("dinum").unwrap(), "DINUM");
        inc.owner = Some("/organisations/menj".into());
        p.incubators.push(inc);
        p.organisations.push(Organisation::new(
            OrganisationId::new("anct").unwrap(),
            "ANCT",
        ));
        let mut s = Startup::new(StartupId::new("a").unwrap(), "A");
        s.incubator = Some(IncubatorId::new("ghost").unwrap());
        s.phases.push(Phase {
            name: "investigation".into(),
            start: Some(RecordDate::parse("2015-01")),
            end: None,
            comment: None,
            extra: Extra::default(),
        });
        p.startups.push(s);
        let mut m = Member::new(MemberId::new("m").unwrap(), "M");
        let mut mi = Mission::new(None, None, Some("admin"));
        mi.startups = vec![StartupId::new("a").unwrap(), StartupId::new("b").unwrap()];
        m.missions.push(mi);
        p.members.push(m);
        let (tables, diags) = build(
            &Dataset::new(&p),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        );
        let t = |n: &str| tables.iter().find(|t| t.name == n).unwrap();
        let inc = t("incubator");
        assert_eq!(inc.rows[0][2], Cell::Null);
        assert_eq!(inc.rows[0][3], Cell::Text("/organisations/menj".into()));
        let st = t("startup");
        assert_eq!(st.rows[0][3], Cell::Null);
        assert_eq!(st.rows[0][4], Cell::Text("ghost".into()));
        let ph = t("startup_phase");
        assert_eq!(ph.rows[0][4], Cell::Null);
        assert_eq!(ph.rows[0][5], Cell::Text("2015-01".into()));
        let ms = t("mission_startup");
        assert_eq!(ms.rows[0][3], Cell::Text("a".into()));
        assert_eq!(ms.rows[1][3], Cell::Null);
        assert_eq!(ms.rows[1][4], Cell::Text("b".into()));
        let rules: Vec<&str> = diags.iter().map(|d| d.rule.as_str()).collect();
        assert_eq!(rules.len(), 3);
        assert!(rules.contains(&"dangling-organisation"));
        assert!(rules.contains(&"dangling-incubator"));
        assert!(rules.contains(&"dangling-startup"));
    }

    #[test]
    fn duplicates_keep_the_first() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        p.startups
            .push(Startup::new(StartupId::new("a").unwrap(), "first"));
        p.startups
            .push(Startup::new(StartupId::new("a").unwrap(), "second"));
        let (tables, diags) = build(
            &Dataset::new(&p),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        );
        assert_eq!(tables[2].rows.len(), 1);
        assert_eq!(tables[2].rows[0][1], Cell::Text("first".into()));
        assert_eq!(diags[0].rule, "duplicate-id");
    }

    #[test]
    fn cells_print_as_csv_wants() {
        assert_eq!(Cell::Null.to_string(), "");
        assert_eq!(Cell::Bool(true).to_string(), "true");
        assert_eq!(Cell::Number(Decimal::new(123450, 2)).to_string(), "1234.50");
        assert_eq!(
            Cell::Date(NaiveDate::from_ymd_opt(2016, 1, 2).unwrap()).to_string(),
            "2016-01-02"
        );
    }

    #[test]
    fn values_a_column_cannot_hold_are_diagnostics_not_silent_nulls() {
        let mut p = Portfolio::new(Vocabulary::V2026);
        let mut s = Startup::new(StartupId::new("a").unwrap(), "A");
        s.extra.insert(
            "fast",
            Value::Map(vec![
                ("promotion".into(), Value::Number("3".into())),
                (
                    "montant".into(),
                    Value::Number("1000000000000000000000000000000".into()),
                ),
            ]),
        );
        s.extra
            .insert("analyse_risques", Value::String("oui".into()));
        s.extra
            .insert("dashlord_url", Value::Seq(vec![Value::Null]));
        p.startups.push(s);
        let (tables, diags) = build(&Dataset::new(&p), builtin::as_of_2016());
        let t = tables.iter().find(|t| t.name == "startup").unwrap();
        let cell = |name: &str| &t.rows[0][t.column(name).unwrap()];
        assert_eq!(cell("fast_promotion"), &Cell::Integer(3));
        assert!(cell("fast_montant_eur").is_null());
        let rules: Vec<_> = diags
            .iter()
            .map(|d| (d.rule.as_str(), d.severity))
            .collect();
        assert_eq!(
            rules,
            [
                ("field-type", Severity::Warning),
                ("field-type", Severity::Warning),
                ("number-out-of-range", Severity::Error),
            ]
        );
        assert!(
            diags[2].message.contains("fast.montant"),
            "{}",
            diags[2].message
        );
        assert_eq!(whole_number("12.00"), Ok(12));
        assert!(whole_number("9223372036854775808").is_err());
        assert!(whole_number("0.5").is_err());
    }
}
