//! The complete model as JSON, with its JSON Schema.
//!
//! `portfolio.json` is `{"meta": ..., "portfolio": ..., "budget_lines"?: ...,
//! "impact_metrics"?: ...}`: the [`Portfolio`] exactly as serde writes it (values as
//! read, no trimming, no `/incubateurs/` prefix, ISO dates, dates that are not full
//! dates tagged `partial`/`invalid`), records sorted by id, and **no `null`**: an
//! absent optional field is left out. Reading it back with serde gives the same
//! portfolio (sorted by id). Money (budget amounts) is written as a decimal string.
//!
//! `portfolio.schema.json` is a JSON Schema (draft 2020-12) written from the model's
//! types in [`schema`]: every object closed (`additionalProperties: false`), every
//! non-optional field required, tagged enums as `oneOf`. Tests check it against
//! fully-populated values of every type (so a field added to the model and not to
//! the schema fails), and validate real exports with python `jsonschema`.
//!
//! ```
//! use betagouv_export::{json, Dataset, ExportOptions};
//! use betagouv_portfolio::{builtin, Portfolio};
//!
//! let p = builtin::portfolio_2016();
//! let options = ExportOptions::new(builtin::as_of_2016(), "builtin:2016");
//! let doc = json::document(&Dataset::new(&p), &options);
//! assert_eq!(doc["meta"]["schema"], json::SCHEMA_FILE);
//! let back: Portfolio = serde_json::from_value(doc["portfolio"].clone())?;
//! assert_eq!(back.startups.len(), 27);
//! assert!(json::schema()["$defs"]["startup"].is_object());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use betagouv_portfolio::Portfolio;

use crate::error::{Error, Result};
use crate::tables::{BudgetRow, ImpactMetric};
use crate::{Dataset, ExportOptions};

/// File name of the data.
pub const DATA_FILE: &str = "portfolio.json";
/// File name of the schema.
pub const SCHEMA_FILE: &str = "portfolio.schema.json";
/// `$id` of the schema.
pub const SCHEMA_ID: &str =
    "https://github.com/betagouv-rs/betagouv-rs/schemas/portfolio.schema.json";

/// The portfolio with every list sorted by id (first of a duplicated id first).
#[must_use]
pub fn sorted_portfolio(p: &Portfolio) -> Portfolio {
    let mut p = p.clone();
    p.startups.sort_by(|a, b| a.id.cmp(&b.id));
    p.members.sort_by(|a, b| a.id.cmp(&b.id));
    p.incubators.sort_by(|a, b| a.id.cmp(&b.id));
    p.organisations.sort_by(|a, b| a.id.cmp(&b.id));
    p
}

/// Removes every object member whose value is `null`, recursively.
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, x| !x.is_null());
            m.values_mut().for_each(strip_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

/// A property of a JSON object written from a `T`: its name, its JSON Schema, whether
/// it is required (always there), and its value. One list per type gives both the
/// objects of `portfolio.json` and their `$defs` entry.
struct Property<T> {
    name: &'static str,
    schema: fn() -> Value,
    required: bool,
    value: fn(&T) -> Value,
}

const fn prop<T>(
    name: &'static str,
    schema: fn() -> Value,
    required: bool,
    value: fn(&T) -> Value,
) -> Property<T> {
    Property {
        name,
        schema,
        required,
        value,
    }
}

/// The object of `item` (an absent optional value is `null` here; [`document`] leaves
/// it out).
fn object_of<T>(properties: &[Property<T>], item: &T) -> Value {
    Value::Object(
        properties
            .iter()
            .map(|p| (p.name.to_owned(), (p.value)(item)))
            .collect(),
    )
}

/// The closed object schema of `properties`.
fn schema_of<T>(properties: &[Property<T>]) -> Value {
    s::object(
        properties
            .iter()
            .map(|p| (p.name, (p.schema)(), p.required))
            .collect(),
    )
}

/// The properties of a `budget_lines` entry.
const BUDGET_LINE: &[Property<BudgetRow>] = &[
    prop("transaction_id", s::string, true, |l| {
        json!(l.transaction_id)
    }),
    prop("seq", s::int, true, |l| json!(l.seq)),
    prop("date", s::date, true, |l| {
        json!(l.date.format("%Y-%m-%d").to_string())
    }),
    prop("description", s::string, true, |l| json!(l.description)),
    prop("account", s::string, true, |l| json!(l.account)),
    prop("startup_id", s::string, false, |l| json!(l.startup_id)),
    prop("partner", s::string, false, |l| json!(l.partner)),
    prop("amount_eur", s::decimal, true, |l| {
        json!(l.amount_eur.to_string())
    }),
];

/// The properties of an `impact_metrics` entry.
const IMPACT_METRIC: &[Property<ImpactMetric>] = &[
    prop("startup_id", s::string, true, |m| json!(m.startup_id)),
    prop("metric", s::string, true, |m| json!(m.metric)),
    prop("value", s::decimal, true, |m| json!(m.value.to_string())),
    prop("period", s::string, false, |m| json!(m.period)),
    prop("bound", s::string, false, |m| json!(m.bound)),
    prop("year", s::int, false, |m| json!(m.year)),
    prop("source", s::string, false, |m| json!(m.source)),
];

pub(crate) fn budget_json(l: &BudgetRow) -> Value {
    object_of(BUDGET_LINE, l)
}

pub(crate) fn impact_json(m: &ImpactMetric) -> Value {
    object_of(IMPACT_METRIC, m)
}

/// The `meta` object.
#[must_use]
pub fn meta(options: &ExportOptions) -> Value {
    let mut meta = json!({
        "schema": SCHEMA_FILE,
        "schema_version": crate::SCHEMA_VERSION,
        "generator": ExportOptions::generator(),
        "generated_at": options.generated_at_text(),
        "as_of": options.at.format("%Y-%m-%d").to_string(),
        "source": options.source,
        "source_revision": options.source_revision,
        "licence": options.licence.name,
        "notes": "Complete model: values exactly as read (no trimming), ids without prefixes, ISO 8601 dates, dates that are not full dates tagged partial or invalid, records sorted by id, absent optional fields left out (never null), money as decimal strings.",
    });
    if let Some(import) = options.import_json() {
        meta["import"] = import;
    }
    meta
}

/// The whole `portfolio.json` document.
#[must_use]
pub fn document(dataset: &Dataset<'_>, options: &ExportOptions) -> Value {
    let portfolio = sorted_portfolio(dataset.portfolio);
    let mut doc = Map::new();
    doc.insert("meta".into(), meta(options));
    doc.insert(
        "portfolio".into(),
        serde_json::to_value(&portfolio).unwrap_or(Value::Null),
    );
    if let Some(lines) = dataset.budget_lines {
        doc.insert(
            "budget_lines".into(),
            lines.iter().map(budget_json).collect(),
        );
    }
    if let Some(metrics) = dataset.impact_metrics {
        doc.insert(
            "impact_metrics".into(),
            metrics.iter().map(impact_json).collect(),
        );
    }
    let mut doc = Value::Object(doc);
    strip_nulls(&mut doc);
    doc
}

/// Records per list of the document.
#[must_use]
pub fn counts(dataset: &Dataset<'_>) -> BTreeMap<String, usize> {
    let p = dataset.portfolio;
    let mut m = BTreeMap::from([
        ("startups".to_owned(), p.startups.len()),
        ("members".to_owned(), p.members.len()),
        ("incubators".to_owned(), p.incubators.len()),
        ("organisations".to_owned(), p.organisations.len()),
    ]);
    if let Some(l) = dataset.budget_lines {
        m.insert("budget_lines".into(), l.len());
    }
    if let Some(l) = dataset.impact_metrics {
        m.insert("impact_metrics".into(), l.len());
    }
    m
}

/// Whether a json folder holds the entry at `relative` ([`DATA_FILE`] and
/// [`SCHEMA_FILE`], all that [`write()`] puts in its folder): the names a forced
/// export may replace.
#[must_use]
pub fn writes(relative: &Path, is_dir: bool) -> bool {
    !is_dir && (relative == Path::new(DATA_FILE) || relative == Path::new(SCHEMA_FILE))
}

/// Writes `portfolio.json` and `portfolio.schema.json` into `dir`.
///
/// # Errors
///
/// I/O and JSON errors.
pub fn write(
    dataset: &Dataset<'_>,
    options: &ExportOptions,
    dir: impl AsRef<Path>,
) -> Result<Vec<PathBuf>> {
    let dir = dir.as_ref();
    for (name, value) in [
        (DATA_FILE, document(dataset, options)),
        (SCHEMA_FILE, schema()),
    ] {
        let path = dir.join(name);
        let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut w = std::io::BufWriter::new(file);
        serde_json::to_writer_pretty(&mut w, &value).map_err(|source| Error::Json {
            path: path.clone(),
            source,
        })?;
        std::io::Write::write_all(&mut w, b"\n")
            .and_then(|()| std::io::Write::flush(&mut w))
            .map_err(|e| Error::io(&path, e))?;
    }
    Ok(vec![PathBuf::from(DATA_FILE), PathBuf::from(SCHEMA_FILE)])
}

/// Schema building blocks.
mod s {
    use serde_json::{Map, Value, json};

    pub(super) fn string() -> Value {
        json!({"type": "string"})
    }
    pub(super) fn id() -> Value {
        json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[^/\\\\]+$"})
    }
    pub(super) fn date() -> Value {
        json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
    }
    pub(super) fn boolean() -> Value {
        json!({"type": "boolean"})
    }
    pub(super) fn int() -> Value {
        json!({"type": "integer"})
    }
    pub(super) fn decimal() -> Value {
        json!({"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"})
    }
    pub(super) fn array(items: Value) -> Value {
        json!({"type": "array", "items": items})
    }
    pub(super) fn r(name: &str) -> Value {
        json!({"$ref": format!("#/$defs/{name}")})
    }
    pub(super) fn one_of(items: Vec<Value>) -> Value {
        json!({"oneOf": items})
    }
    pub(super) fn enumeration(values: &[&str]) -> Value {
        json!({"type": "string", "enum": values})
    }
    pub(super) fn constant(value: &str) -> Value {
        json!({"const": value})
    }
    /// A closed object: `(name, schema, required)` per property.
    pub(super) fn object(props: Vec<(&str, Value, bool)>) -> Value {
        let mut p = Map::new();
        let mut required = Vec::new();
        for (name, schema, req) in props {
            if req {
                required.push(Value::String(name.to_owned()));
            }
            p.insert(name.to_owned(), schema);
        }
        json!({"type": "object", "properties": p, "required": required, "additionalProperties": false})
    }
}

/// The JSON Schema (draft 2020-12) of `portfolio.json`, written from the model's types:
/// one `$defs` entry per type, required = not `Option`.
#[must_use]
pub fn schema() -> Value {
    use s::{array, object, r};
    let defs: Map<String, Value> = [
        value_defs(),
        startup_defs(),
        member_defs(),
        organisation_defs(),
        vec![
            ("budget_line", schema_of(BUDGET_LINE)),
            ("impact_metric", schema_of(IMPACT_METRIC)),
        ],
        meta_defs(),
    ]
    .into_iter()
    .flatten()
    .map(|(name, def)| (name.to_owned(), def))
    .collect();
    let mut root = object(vec![
        ("meta", r("meta"), true),
        ("portfolio", r("portfolio"), true),
        ("budget_lines", array(r("budget_line")), false),
        ("impact_metrics", array(r("impact_metric")), false),
    ]);
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["$id"] = json!(SCHEMA_ID);
    root["title"] = json!("Portfolio of a State start-up incubator (betagouv-export json)");
    root["$defs"] = Value::Object(defs);
    root
}

/// `$defs` of the values every record may hold: dates as read (`record_date`) and
/// unmodelled keys (`value`, `pair`, `extra`).
fn value_defs() -> Vec<(&'static str, Value)> {
    use s::{array, boolean, constant, date, object, one_of, r, string};
    let tagged_date = |kind: &str, value: Value| {
        object(vec![("kind", constant(kind), true), ("value", value, true)])
    };
    let tagged_value = |ty: &str, value: Option<Value>| match value {
        Some(v) => object(vec![("type", constant(ty), true), ("value", v, true)]),
        None => object(vec![("type", constant(ty), true)]),
    };
    let pair = json!({
        "type": "array",
        "prefixItems": [string(), r("value")],
        "minItems": 2,
        "maxItems": 2,
    });
    vec![
        (
            "record_date",
            one_of(vec![
                tagged_date("exact", date()),
                tagged_date("partial", string()),
                tagged_date("invalid", string()),
            ]),
        ),
        (
            "value",
            one_of(vec![
                tagged_value("null", None),
                tagged_value("bool", Some(boolean())),
                tagged_value("number", Some(string())),
                tagged_value("string", Some(string())),
                tagged_value("date", Some(date())),
                tagged_value("seq", Some(array(r("value")))),
                tagged_value("map", Some(array(r("pair")))),
            ]),
        ),
        ("pair", pair),
        ("extra", array(r("pair"))),
    ]
}

/// `$defs` of a start-up and of what it holds (phases, events, sponsors, links).
fn startup_defs() -> Vec<(&'static str, Value)> {
    use s::{array, boolean, constant, enumeration, id, object, one_of, r, string};
    vec![
        (
            "phase",
            object(vec![
                ("name", string(), true),
                ("start", r("record_date"), false),
                ("end", r("record_date"), false),
                ("comment", string(), false),
                ("extra", r("extra"), true),
            ]),
        ),
        (
            "event",
            object(vec![
                ("name", string(), true),
                ("date", r("record_date"), false),
                ("comment", string(), false),
                ("extra", r("extra"), true),
            ]),
        ),
        (
            "sponsor",
            one_of(vec![
                object(vec![
                    ("source", constant("organisation"), true),
                    ("id", id(), true),
                ]),
                object(vec![
                    ("source", constant("inline"), true),
                    ("name", string(), true),
                    ("acronym", string(), false),
                    ("kind", string(), false),
                    ("domaine_ministeriel", string(), false),
                ]),
            ]),
        ),
        (
            "links",
            object(vec![
                ("site", string(), false),
                ("repository", string(), false),
                ("stats", boolean(), false),
                ("stats_url", string(), false),
                ("budget_url", string(), false),
                ("impact_url", string(), false),
            ]),
        ),
        (
            "startup",
            object(vec![
                ("id", id(), true),
                ("name", string(), true),
                ("pitch", string(), true),
                ("incubator", id(), false),
                ("incubators", array(id()), true),
                ("sponsors", array(r("sponsor")), true),
                ("phase_field", enumeration(&["status", "phases"]), true),
                ("phases", array(r("phase")), true),
                ("end", r("record_date"), false),
                ("links", r("links"), true),
                ("contact", string(), false),
                ("themes", array(string()), true),
                ("user_types", array(string()), true),
                ("techno", array(string()), true),
                ("events", array(r("event")), true),
                ("owner", string(), false),
                ("extra", r("extra"), true),
                ("body", string(), true),
            ]),
        ),
    ]
}

/// `$defs` of a member and of its missions.
fn member_defs() -> Vec<(&'static str, Value)> {
    use s::{array, enumeration, id, object, r, string};
    vec![
        (
            "mission",
            object(vec![
                ("start", r("record_date"), false),
                ("end", r("record_date"), false),
                ("status", string(), false),
                ("employer", string(), false),
                ("startups", array(id()), true),
                ("extra", r("extra"), true),
            ]),
        ),
        (
            "member",
            object(vec![
                ("id", id(), true),
                ("fullname", string(), true),
                ("role", string(), true),
                ("domaine", string(), false),
                ("shape", enumeration(&["missions", "flat"]), true),
                ("missions", array(r("mission")), true),
                ("startups", array(id()), true),
                ("previously", array(id()), true),
                ("competences", array(string()), true),
                ("member_type", string(), false),
                ("teams", array(string()), true),
                ("incubator", id(), false),
                ("badges", array(string()), true),
                ("extra", r("extra"), true),
                ("body", string(), true),
            ]),
        ),
    ]
}

/// `$defs` of an incubator, an organisation, and the portfolio that lists every record.
fn organisation_defs() -> Vec<(&'static str, Value)> {
    use s::{array, boolean, enumeration, id, object, r, string};
    vec![
        (
            "incubator",
            object(vec![
                ("id", id(), true),
                ("title", string(), true),
                ("owner", string(), false),
                ("contact", string(), false),
                ("address", string(), false),
                ("website", string(), false),
                ("github", string(), false),
                ("short_description", string(), false),
                ("highlighted_startups", array(id()), true),
                ("hidden", boolean(), true),
                ("extra", r("extra"), true),
                ("body", string(), true),
            ]),
        ),
        (
            "organisation",
            object(vec![
                ("id", id(), true),
                ("name", string(), true),
                ("acronym", string(), false),
                ("kind", string(), false),
                ("domaine_ministeriel", string(), false),
                ("extra", r("extra"), true),
                ("body", string(), true),
            ]),
        ),
        (
            "portfolio",
            object(vec![
                (
                    "vocabulary",
                    enumeration(&["2016", "2018", "2020", "2026"]),
                    true,
                ),
                ("startups", array(r("startup")), true),
                ("members", array(r("member")), true),
                ("incubators", array(r("incubator")), true),
                ("organisations", array(r("organisation")), true),
            ]),
        ),
    ]
}

/// `$defs` of the `meta` object and of its import summary.
fn meta_defs() -> Vec<(&'static str, Value)> {
    use s::{date, int, object, r, string};
    vec![
        (
            "meta",
            object(vec![
                ("schema", string(), true),
                ("schema_version", int(), true),
                ("generator", string(), true),
                (
                    "generated_at",
                    json!({"type": "string", "format": "date-time"}),
                    true,
                ),
                ("as_of", date(), true),
                ("source", string(), true),
                ("source_revision", string(), false),
                ("licence", string(), true),
                ("notes", string(), true),
                ("import", r("import"), false),
            ]),
        ),
        (
            "import",
            object(vec![
                ("files", int(), true),
                ("records", int(), true),
                ("dropped_files", int(), true),
                ("errors", int(), true),
                ("warnings", int(), true),
            ]),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::{
        Event, Incubator, IncubatorId, Member, MemberId, Mission, Organisation, OrganisationId,
        Phase, RecordDate, Sponsor, Startup, StartupId, Value as V, Vocabulary,
    };
    use chrono::NaiveDate;

    /// Every field set: a key the schema lacks, or a required key the value lacks, shows.
    fn full() -> Portfolio {
        let d = NaiveDate::from_ymd_opt(2020, 1, 2).unwrap();
        let mut p = Portfolio::new(Vocabulary::V2020);
        let mut s = Startup::new(StartupId::new("s").unwrap(), "S");
        s.incubator = Some(IncubatorId::new("i").unwrap());
        s.incubators = vec![IncubatorId::new("i").unwrap()];
        s.sponsors = vec![
            Sponsor::Organisation {
                id: OrganisationId::new("o").unwrap(),
            },
            Sponsor::Inline {
                name: "n".into(),
                acronym: Some("a".into()),
                kind: Some("k".into()),
                domaine_ministeriel: Some("d".into()),
            },
        ];
        s.phases = vec![Phase {
            name: "construction".into(),
            start: Some(RecordDate::Exact(d)),
            end: Some(RecordDate::parse("2015-01")),
            comment: Some("c".into()),
            extra: [("k".to_owned(), V::String("v".into()))]
                .into_iter()
                .collect(),
        }];
        s.end = Some(RecordDate::parse("hier"));
        s.links.site = Some("l".into());
        s.links.repository = Some("r".into());
        s.links.stats = Some(true);
        s.links.stats_url = Some("u".into());
        s.links.budget_url = Some("b".into());
        s.links.impact_url = Some("i".into());
        s.contact = Some("c".into());
        s.themes = vec!["t".into()];
        s.user_types = vec!["u".into()];
        s.techno = vec!["t".into()];
        s.events = vec![Event {
            name: "e".into(),
            date: Some(RecordDate::Exact(d)),
            comment: Some("c".into()),
            extra: [("k".to_owned(), V::Date(d))].into_iter().collect(),
        }];
        s.owner = Some("o".into());
        s.extra.insert("n", V::Null);
        s.extra.insert("b", V::Bool(true));
        s.extra.insert("x", V::Number("1".into()));
        s.extra.insert("d", V::Date(d));
        s.extra.insert("l", V::Seq(vec![V::String("a".into())]));
        s.extra
            .insert("m", V::Map(vec![("k".into(), V::Seq(vec![]))]));
        s.body = "b".into();
        p.startups.push(s);
        let mut m = Member::new(MemberId::new("m").unwrap(), "M");
        m.domaine = Some("d".into());
        let mut mi = Mission::new(Some(d), Some(d), Some("admin"));
        mi.employer = Some("e".into());
        mi.startups = vec![StartupId::new("s").unwrap()];
        mi.extra
            .insert("k", V::Map(vec![("n".into(), V::Number("1".into()))]));
        m.missions = vec![mi];
        m.startups = vec![StartupId::new("s").unwrap()];
        m.previously = vec![StartupId::new("s").unwrap()];
        m.competences = vec!["c".into()];
        m.member_type = Some("beta".into());
        m.teams = vec!["t".into()];
        m.incubator = Some(IncubatorId::new("i").unwrap());
        m.badges = vec!["segur".into()];
        p.members.push(m);
        let mut i = Incubator::new(IncubatorId::new("i").unwrap(), "I");
        i.owner = Some("o".into());
        i.contact = Some("c".into());
        i.address = Some("a".into());
        i.website = Some("w".into());
        i.github = Some("g".into());
        i.short_description = Some("s".into());
        i.highlighted_startups = vec![StartupId::new("s").unwrap()];
        p.incubators.push(i);
        let mut o = Organisation::new(OrganisationId::new("o").unwrap(), "O");
        o.acronym = Some("a".into());
        o.kind = Some("k".into());
        o.domaine_ministeriel = Some("d".into());
        p.organisations.push(o);
        p
    }

    /// Checks that every object of `value` has exactly the properties its schema
    /// declares (when fully populated) and all required ones; follows `$ref`s.
    fn check_keys(value: &Value, schema: &Value, root: &Value, path: &str) {
        let resolve = |s: &Value| -> Value {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => root["$defs"][r.trim_start_matches("#/$defs/")].clone(),
                None => s.clone(),
            }
        };
        let schema = resolve(schema);
        if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
            let tag_key = ["source", "kind", "type"]
                .into_iter()
                .find(|k| value.get(*k).is_some())
                .unwrap_or("type");
            let chosen = options
                .iter()
                .find(|o| o["properties"][tag_key]["const"] == value[tag_key])
                .unwrap_or_else(|| panic!("no oneOf branch for {path}: {value}"));
            return check_keys(value, chosen, root, path);
        }
        match value {
            Value::Object(m) => {
                let props = schema["properties"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{path}: not an object schema"));
                let mut declared: Vec<&String> = props.keys().collect();
                let mut present: Vec<&String> = m.keys().collect();
                declared.sort();
                present.sort();
                assert_eq!(present, declared, "properties of {path}");
                for (k, v) in m {
                    check_keys(v, &props[k], root, &format!("{path}.{k}"));
                }
            }
            Value::Array(a) => {
                if let Some(items) = schema.get("items") {
                    for (i, v) in a.iter().enumerate() {
                        check_keys(v, items, root, &format!("{path}[{i}]"));
                    }
                } else if let Some(prefix) = schema.get("prefixItems").and_then(Value::as_array) {
                    for (v, s) in a.iter().zip(prefix) {
                        check_keys(v, s, root, path);
                    }
                }
            }
            _ => {}
        }
    }

    #[test]
    fn schema_matches_a_fully_populated_model() {
        let p = full();
        let budget = [BudgetRow {
            transaction_id: "t1".into(),
            seq: 1,
            date: NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(),
            description: "d".into(),
            account: "income:partners".into(),
            startup_id: Some("s".into()),
            partner: Some("p".into()),
            amount_eur: rust_decimal::Decimal::new(115192000, 2),
        }];
        let impact = [ImpactMetric {
            startup_id: "s".into(),
            metric: "users".into(),
            value: rust_decimal::Decimal::new(12, 0),
            period: Some("month".into()),
            bound: Some("exact".into()),
            year: Some(2016),
            source: Some("s".into()),
        }];
        let mut options = ExportOptions::new(NaiveDate::from_ymd_opt(2020, 1, 2).unwrap(), "test");
        options.source_revision = Some("abc".into());
        options.import = Some(betagouv_portfolio::ImportSummary {
            files: 3,
            records: 2,
            dropped_files: 1,
            errors: 1,
            warnings: 0,
        });
        let dataset = Dataset {
            portfolio: &p,
            budget_lines: Some(&budget),
            impact_metrics: Some(&impact),
            empty_keys: None,
        };
        let doc = document(&dataset, &options);
        let schema = schema();
        check_keys(&doc, &schema, &schema, "$");
        assert_eq!(doc["budget_lines"][0]["amount_eur"], "1151920.00");
        assert_eq!(doc["meta"]["import"]["dropped_files"], 1);
    }

    #[test]
    fn no_nulls_and_round_trip() {
        let p = full();
        let options = ExportOptions::new(NaiveDate::from_ymd_opt(2020, 1, 2).unwrap(), "test");
        let mut empty = p.clone();
        empty.startups[0] = Startup::new(StartupId::new("s").unwrap(), "S");
        for portfolio in [&p, &empty] {
            let doc = document(&Dataset::new(portfolio), &options);
            fn has_null(v: &Value) -> bool {
                match v {
                    Value::Null => true,
                    Value::Array(a) => a.iter().any(has_null),
                    Value::Object(m) => m.values().any(has_null),
                    _ => false,
                }
            }
            assert!(!has_null(&doc));
            let back: Portfolio = serde_json::from_value(doc["portfolio"].clone()).unwrap();
            assert_eq!(&back, portfolio);
        }
    }
}
