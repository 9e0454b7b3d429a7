//! The relational view of a portfolio: the tables of the CSV, SQLite and XLSX exports.
//!
//! [`build`] turns a [`Dataset`] into [`Table`]s that every tabular format writes
//! the same way: `incubator`, `organisation`, `startup`, `startup_phase`,
//! `startup_event`, `startup_sponsor`, `member`, `mission`, `mission_startup`, plus
//! `budget_line` and `impact_metric` when that data is given. Rows are sorted by
//! primary key, so the same input always gives the same output.
//!
//! **One column list.** Each table is declared once, in the file of its family
//! (`org.rs`: incubators and organisations; `startup.rs`; `member.rs`; `budget.rs`;
//! `impact.rs`): its name, title, keys, and one entry per column giving the column's
//! name, type, description and the function that reads its cell from the row's
//! source. [`Table::fields`] is derived from that list (a column is required when it
//! is part of the primary key), and every format writes from it: the Table Schema of
//! `datapackage.json`, the CSV header, the SQLite `CREATE TABLE` and the XLSX header
//! row. Adding a column is one entry in one list.
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

mod budget;
mod impact;
mod member;
mod org;
mod startup;

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use betagouv_portfolio::{Diagnostic, RecordDate, RecordKind, Severity, Vocabulary, rules};

use crate::Dataset;

pub use budget::{BudgetRow, budget_lines};
pub use impact::ImpactMetric;
pub(crate) use startup::{extra_bool, extra_str};

/// The type of a column, as Table Schema names it (serde: the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// A column. Serialised for readers of the schema; not deserialised, since the
/// schema is the crate's own (`'static`) declaration, not an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
/// Serialised only, like [`Field`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKey {
    /// Columns of this table.
    pub fields: &'static [&'static str],
    /// The referenced table.
    pub resource: &'static str,
    /// The referenced columns (its primary key).
    pub reference: &'static [&'static str],
}

/// A cell value. Serde: `"null"`, `{"text": ".."}`, `{"integer": 1}`,
/// `{"number": "1.50"}` (exact decimal as a string), `{"bool": true}`,
/// `{"date": "2016-12-31"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
/// Serialised only, like [`Field`]: its rows are [`Cell`]s, which read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

    /// The column names, in order: the CSV header, the SQLite columns and the XLSX
    /// header row.
    pub fn column_names(&self) -> impl ExactSizeIterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.name)
    }
}

/// What one row is built from: an item of the portfolio (a record, or an entry of one
/// of its lists) and where it sits.
struct Row<'a, T> {
    /// The record or list entry.
    item: &'a T,
    /// Id of the record (for a list entry, of the record that holds the list).
    id: &'a str,
    /// Position of the entry in its list, from 0 (0 for a record).
    index: usize,
    /// For an entry of a nested list (a mission's start-ups), the position of the
    /// outer entry (the mission) in its own list; 0 otherwise.
    outer: usize,
}

impl<'a, T> Row<'a, T> {
    /// A row per record.
    fn record(item: &'a T, id: &'a str) -> Self {
        Self::entry(item, id, 0)
    }

    /// A row per entry of a list of record `id`.
    fn entry(item: &'a T, id: &'a str, index: usize) -> Self {
        Self {
            item,
            id,
            index,
            outer: 0,
        }
    }

    /// The rows of the entries of `list`, held by record `id`.
    fn entries(list: &'a [T], id: &'a str) -> impl Iterator<Item = Self> {
        list.iter()
            .enumerate()
            .map(move |(i, item)| Self::entry(item, id, i))
    }

    /// The record id, as a text cell.
    fn id_cell(&self) -> Cell {
        Cell::Text(self.id.to_owned())
    }

    /// The position in the list, from 1.
    fn seq(&self) -> Cell {
        seq(self.index)
    }
}

/// How a row gets the cell of a column; reports what the column cannot hold to `Ctx`.
type Extract<T> = fn(&Row<'_, T>, &mut Ctx<'_>) -> Cell;

/// One column of a table, described once: its field of the Table Schema (name, type,
/// description) and how a row gets its cell.
struct Column<T> {
    name: &'static str,
    ty: FieldType,
    description: &'static str,
    cell: Extract<T>,
}

/// A column: `name`, `ty`, `description`, and the function that reads its cell.
const fn col<T>(
    name: &'static str,
    ty: FieldType,
    description: &'static str,
    cell: Extract<T>,
) -> Column<T> {
    Column {
        name,
        ty,
        description,
        cell,
    }
}

/// A table declared once: what [`Table`] holds but its rows, with the columns as one
/// list of [`Column`]s over the row source `T`.
struct TableSpec<T: 'static> {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    /// Key columns, in the order of the key; they are the required columns.
    primary_key: &'static [&'static str],
    foreign_keys: &'static [ForeignKey],
    columns: &'static [Column<T>],
}

impl<T> TableSpec<T> {
    /// The Table Schema fields of the columns.
    fn fields(&self) -> Vec<Field> {
        self.columns
            .iter()
            .map(|c| Field {
                name: c.name,
                ty: c.ty,
                description: c.description,
                required: self.primary_key.contains(&c.name),
            })
            .collect()
    }

    /// The table with one row per source, in the order given (which must be the
    /// primary key order); cells are read column by column, left to right.
    fn table<'a>(&self, sources: impl IntoIterator<Item = Row<'a, T>>, ctx: &mut Ctx<'_>) -> Table
    where
        T: 'a,
    {
        let rows = sources
            .into_iter()
            .map(|row| self.columns.iter().map(|c| (c.cell)(&row, ctx)).collect())
            .collect();
        Table {
            name: self.name,
            title: self.title,
            description: self.description,
            fields: self.fields(),
            primary_key: self.primary_key,
            foreign_keys: self.foreign_keys.to_vec(),
            rows,
        }
    }
}

/// Column type shorthands for the column lists.
mod types {
    pub(super) use super::FieldType::{
        Boolean as B, Date as D, Integer as I, Number as N, String as S,
    };
}

/// Description of a `*_raw` column next to a reference.
const RAW: &str =
    "the value as read when it does not resolve (dangling reference); empty otherwise";
/// Description of a `*_raw` column next to a date.
const DATE_RAW: &str = "the value as read when it is not a full YYYY-MM-DD date; empty otherwise";
/// Description of a list column.
const PIPE: &str = "several values joined with |";

/// The foreign key `<fields>` -> `<resource>.id`.
const fn references_id(fields: &'static [&'static str], resource: &'static str) -> ForeignKey {
    ForeignKey {
        fields,
        resource,
        reference: &["id"],
    }
}

/// What the extractors share while tables are built: the export date, the vocabulary,
/// the known ids (to resolve references), and the diagnostics reported so far.
struct Ctx<'a> {
    at: NaiveDate,
    vocabulary: Vocabulary,
    startups: HashSet<&'a str>,
    incubators: HashSet<&'a str>,
    organisations: HashSet<&'a str>,
    diagnostics: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// Whether record `id` of `target` exists.
    fn knows(&self, target: Target, id: &str) -> bool {
        match target {
            Target::Startup => &self.startups,
            Target::Incubator => &self.incubators,
            Target::Organisation => &self.organisations,
        }
        .contains(id)
    }

    /// The key cell of a reference to `id`: the id when the record exists, NULL and a
    /// `dangling-*` diagnostic on record `from` when it does not.
    fn key_cell(
        &mut self,
        target: Target,
        id: Option<&str>,
        from: (RecordKind, &str),
        what: &str,
    ) -> Cell {
        let Some(id) = id else {
            return Cell::Null;
        };
        if self.knows(target, id) {
            return Cell::Text(id.to_owned());
        }
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
        Cell::Null
    }

    /// The `*_raw` cell next to [`Ctx::key_cell`]: the id when it does not resolve.
    fn raw_cell(&self, target: Target, id: Option<&str>) -> Cell {
        match id {
            Some(id) if !self.knows(target, id) => Cell::Text(id.to_owned()),
            _ => Cell::Null,
        }
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}

/// The kind of record a reference points to.
#[derive(Clone, Copy)]
enum Target {
    Startup,
    Incubator,
    Organisation,
}

impl Target {
    fn rule(self) -> &'static str {
        match self {
            Target::Startup => rules::DANGLING_STARTUP,
            Target::Incubator => rules::DANGLING_INCUBATOR,
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

/// The date cell of `d`: the date when it is a full date.
fn date_cell(d: Option<&RecordDate>) -> Cell {
    match d {
        Some(RecordDate::Exact(d)) => Cell::Date(*d),
        _ => Cell::Null,
    }
}

/// The `*_raw` cell next to [`date_cell`]: the value as read when it is not a full date.
fn date_raw(d: Option<&RecordDate>) -> Cell {
    match d {
        Some(RecordDate::Exact(_)) | None => Cell::Null,
        Some(other) => Cell::Text(other.to_string()),
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

/// The cell of position `i` (from 0) as a `seq` from 1.
fn seq(i: usize) -> Cell {
    Cell::Integer(i64::try_from(i + 1).unwrap_or(i64::MAX))
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
                    rules::DUPLICATE_ID,
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
        at,
        vocabulary: p.vocabulary,
        startups: startups.iter().map(|s| s.id.as_str()).collect(),
        incubators: incubators.iter().map(|i| i.id.as_str()).collect(),
        organisations: organisations.iter().map(|o| o.id.as_str()).collect(),
        diagnostics,
    };
    let mut tables = Vec::from(org::tables(&incubators, &organisations, &mut ctx));
    tables.extend(startup::tables(&startups, &mut ctx));
    tables.extend(member::tables(&members, &mut ctx));
    if let Some(lines) = dataset.budget_lines {
        tables.push(budget::table(lines, &mut ctx));
    }
    if let Some(metrics) = dataset.impact_metrics {
        tables.push(impact::table(metrics, &mut ctx));
    }
    // Stable: a record's problems keep the order they were found in, column by column.
    let mut diagnostics = ctx.diagnostics;
    diagnostics.sort_by(|a, b| a.record.cmp(&b.record));
    (tables, diagnostics)
}

/// An empty context (no known records) for the tests of one table.
#[cfg(test)]
fn test_ctx() -> Ctx<'static> {
    Ctx {
        at: NaiveDate::from_ymd_opt(2016, 12, 31).unwrap_or_default(),
        vocabulary: Vocabulary::V2026,
        startups: HashSet::new(),
        incubators: HashSet::new(),
        organisations: HashSet::new(),
        diagnostics: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::{
        Extra, Incubator, IncubatorId, Member, MemberId, Mission, Organisation, OrganisationId,
        Phase, Portfolio, Startup, StartupId, builtin,
    };

    /// The builtin portfolio with its builtin budget and some impact figures, so that
    /// every table is there.
    fn every_table() -> Vec<Table> {
        let p = builtin::portfolio_2016();
        let (ledger, _) = betagouv_funding::post::to_ledger(
            &betagouv_funding::builtin::builtin_2016().unwrap(),
            None,
        );
        let lines = budget_lines(&ledger);
        let metrics = [ImpactMetric {
            startup_id: p.startups[0].id.to_string(),
            metric: "users".into(),
            value: Decimal::new(12, 0),
            period: None,
            bound: None,
            year: Some(2016),
            source: None,
        }];
        let dataset = Dataset {
            portfolio: &p,
            budget_lines: Some(&lines),
            impact_metrics: Some(&metrics),
            empty_keys: None,
        };
        build(&dataset, builtin::as_of_2016()).0
    }

    #[test]
    fn rows_match_fields_and_are_sorted() {
        let tables = every_table();
        assert_eq!(tables.len(), crate::csv::TABLES.len());
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
    fn keys_name_columns_and_only_key_columns_are_required() {
        let tables = every_table();
        let names: Vec<&str> = tables.iter().map(|t| t.name).collect();
        assert_eq!(names, crate::csv::TABLES);
        for t in &tables {
            let required: Vec<&str> = t
                .fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.name)
                .collect();
            assert_eq!(required, t.primary_key, "required columns of {}", t.name);
            let mut seen = HashSet::new();
            assert!(
                t.column_names().all(|n| seen.insert(n)),
                "column names of {} are unique",
                t.name
            );
            for fk in &t.foreign_keys {
                let target = tables.iter().find(|x| x.name == fk.resource).unwrap();
                assert!(
                    fk.fields.iter().all(|f| t.column(f).is_some()),
                    "{}",
                    t.name
                );
                assert_eq!(
                    fk.reference, target.primary_key,
                    "{} -> {}",
                    t.name, fk.resource
                );
            }
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
}
