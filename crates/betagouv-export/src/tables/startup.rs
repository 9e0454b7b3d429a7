//! The `startup`, `startup_phase`, `startup_event` and `startup_sponsor` tables.

use rust_decimal::Decimal;

use betagouv_portfolio::{
    Diagnostic, Event, Phase, PhaseRule, RecordKind, Severity, Sponsor, Startup, Value, rules,
};

use super::types::{B, D, I, S};
use super::{
    Cell, Column, Ctx, DATE_RAW, PIPE, RAW, Row, Table, TableSpec, Target, col, date_cell,
    date_raw, joined, references_id,
};

/// The start-ups (sorted by id) and the entries of their lists, in file order.
pub(super) fn tables(startups: &[&Startup], ctx: &mut Ctx<'_>) -> [Table; 4] {
    let records = || startups.iter().map(|s| (*s, s.id.as_str()));
    [
        STARTUP.table(records().map(|(s, id)| Row::record(s, id)), ctx),
        STARTUP_PHASE.table(
            records().flat_map(|(s, id)| Row::entries(&s.phases, id)),
            ctx,
        ),
        STARTUP_EVENT.table(
            records().flat_map(|(s, id)| Row::entries(&s.events, id)),
            ctx,
        ),
        STARTUP_SPONSOR.table(
            records().flat_map(|(s, id)| Row::entries(&s.sponsors, id)),
            ctx,
        ),
    ]
}

const STARTUP_FK: super::ForeignKey = references_id(&["startup_id"], "startup");

const STARTUP: TableSpec<Startup> = TableSpec {
    name: "startup",
    title: "Start-ups",
    description: "One row per start-up d'État record.",
    primary_key: &["id"],
    foreign_keys: &[references_id(&["incubator_id"], "incubator")],
    columns: STARTUP_COLUMNS,
};

const STARTUP_COLUMNS: &[Column<Startup>] = &[
    col(
        "id",
        S,
        "start-up id (file name without .md; may contain dots, capitals or accents)",
        |r, _| r.id_cell(),
    ),
    col("name", S, "product name (`title`)", |r, _| {
        Cell::Text(r.item.name.clone())
    }),
    col("pitch", S, "one-sentence pitch (`mission`)", |r, _| {
        Cell::Text(r.item.pitch.clone())
    }),
    col(
        "incubator_id",
        S,
        "main incubator (`incubator`), when it has a record",
        |r, ctx| {
            ctx.key_cell(
                Target::Incubator,
                incubator(r.item),
                (RecordKind::Startup, r.id),
                "incubator",
            )
        },
    ),
    col("incubator_raw", S, RAW, |r, ctx| {
        ctx.raw_cell(Target::Incubator, incubator(r.item))
    }),
    col(
        "incubators",
        S,
        "co-incubation list (`incubators`), several ids joined with |",
        |r, _| joined(&r.item.incubators),
    ),
    col("contact", S, "contact (`contact`)", |r, _| {
        Cell::text(r.item.contact.as_deref())
    }),
    col("link", S, "service URL (`link`)", |r, _| {
        Cell::text(r.item.links.site.as_deref())
    }),
    col("repository", S, "source code URL", |r, _| {
        Cell::text(r.item.links.repository.as_deref())
    }),
    col(
        "stats",
        B,
        "a public stats page exists at <link>/stats (`stats`)",
        |r, _| r.item.links.stats.map_or(Cell::Null, Cell::Bool),
    ),
    col("stats_url", S, "public stats page", |r, _| {
        Cell::text(r.item.links.stats_url.as_deref())
    }),
    col("budget_url", S, "public budget page", |r, _| {
        Cell::text(r.item.links.budget_url.as_deref())
    }),
    col("impact_url", S, "impact page", |r, _| {
        Cell::text(r.item.links.impact_url.as_deref())
    }),
    col("dashlord_url", S, "quality dashboard", |r, ctx| {
        extra_text_cell(ctx, r.item, "dashlord_url")
    }),
    col(
        "accessibility_status",
        S,
        "non conforme, partiellement conforme, totalement conforme",
        |r, ctx| extra_text_cell(ctx, r.item, "accessibility_status"),
    ),
    col("analyse_risques", B, "a risk analysis exists", |r, ctx| {
        extra_bool_cell(ctx, r.item, "analyse_risques")
    }),
    col("analyse_risques_url", S, "risk analysis URL", |r, ctx| {
        extra_text_cell(ctx, r.item, "analyse_risques_url")
    }),
    col(
        "mon_service_securise",
        B,
        "registered in MonServiceSécurisé",
        |r, ctx| extra_bool_cell(ctx, r.item, "mon_service_securise"),
    ),
    col(
        "fast_promotion",
        I,
        "FAST fund cohort number (`fast.promotion`)",
        |r, ctx| fast_cell(ctx, r.item, "promotion"),
    ),
    col(
        "fast_montant_eur",
        I,
        "FAST fund grant in whole euros (`fast.montant`)",
        |r, ctx| fast_cell(ctx, r.item, "montant"),
    ),
    col(
        "owner",
        S,
        "sponsoring administration as free text (`owner`, 2016-2022 records)",
        |r, _| Cell::text(r.item.owner.as_deref()),
    ),
    col(
        "end_date",
        D,
        "end of the start-up (`end`, 2018-2020 records)",
        |r, _| date_cell(r.item.end.as_ref()),
    ),
    col("end_raw", S, DATE_RAW, |r, _| date_raw(r.item.end.as_ref())),
    col("thematiques", S, PIPE, |r, _| joined(&r.item.themes)),
    col("usertypes", S, PIPE, |r, _| joined(&r.item.user_types)),
    col("techno", S, PIPE, |r, _| joined(&r.item.techno)),
    col(
        "phase_source",
        S,
        "where phases come from: status (2016-2020 records) or phases",
        |r, _| Cell::Text(r.item.phase_field.to_string()),
    ),
    col("first_start", D, "earliest phase start", |r, _| {
        r.item.first_start().map_or(Cell::Null, Cell::Date)
    }),
    col(
        "current_phase",
        S,
        "phase at the export date (latest phase started on or before it)",
        |r, ctx| {
            r.item
                .phase_at(ctx.at, PhaseRule::AtDate)
                .map_or(Cell::Null, |ph| Cell::Text(ph.name.clone()))
        },
    ),
    col(
        "current_stage",
        S,
        "stage of the current phase: incubating, in_handover, taken_over, stopped, not_started, unknown",
        |r, ctx| {
            Cell::Text(
                r.item
                    .stage_at(ctx.at, ctx.vocabulary, PhaseRule::AtDate)
                    .key()
                    .to_owned(),
            )
        },
    ),
];

const STARTUP_PHASE: TableSpec<Phase> = TableSpec {
    name: "startup_phase",
    title: "Start-up phases",
    description: "One row per phase of a start-up, in file order (seq from 1).",
    primary_key: &["startup_id", "seq"],
    foreign_keys: &[STARTUP_FK],
    columns: &[
        col("startup_id", S, "start-up id", |r, _| r.id_cell()),
        col(
            "seq",
            I,
            "position in the start-up's phase list, from 1",
            |r, _| r.seq(),
        ),
        col("name", S, "phase name as written", |r, _| {
            Cell::Text(r.item.name.clone())
        }),
        col(
            "stage",
            S,
            "what the name means in the portfolio's vocabulary",
            |r, ctx| Cell::Text(ctx.vocabulary.stage_of(&r.item.name).key().to_owned()),
        ),
        col("start_date", D, "start", |r, _| {
            date_cell(r.item.start.as_ref())
        }),
        col("start_raw", S, DATE_RAW, |r, _| {
            date_raw(r.item.start.as_ref())
        }),
        col("end_date", D, "end, when written", |r, _| {
            date_cell(r.item.end.as_ref())
        }),
        col("end_raw", S, DATE_RAW, |r, _| date_raw(r.item.end.as_ref())),
        col("comment", S, "free comment", |r, _| {
            Cell::text(r.item.comment.as_deref())
        }),
    ],
};

const STARTUP_EVENT: TableSpec<Event> = TableSpec {
    name: "startup_event",
    title: "Start-up events",
    description: "One row per event of a start-up, in file order (seq from 1).",
    primary_key: &["startup_id", "seq"],
    foreign_keys: &[STARTUP_FK],
    columns: &[
        col("startup_id", S, "start-up id", |r, _| r.id_cell()),
        col(
            "seq",
            I,
            "position in the start-up's event list, from 1",
            |r, _| r.seq(),
        ),
        col(
            "name",
            S,
            "event name (product_launch, national_impact, fast, eig, end, ...)",
            |r, _| Cell::Text(r.item.name.clone()),
        ),
        col("date", D, "date", |r, _| date_cell(r.item.date.as_ref())),
        col("date_raw", S, DATE_RAW, |r, _| {
            date_raw(r.item.date.as_ref())
        }),
        col("comment", S, "free comment", |r, _| {
            Cell::text(r.item.comment.as_deref())
        }),
    ],
};

const STARTUP_SPONSOR: TableSpec<Sponsor> = TableSpec {
    name: "startup_sponsor",
    title: "Start-up sponsors",
    description: "One row per sponsor of a start-up, in file order (seq from 1): a reference to an organisation, or an inline sponsor (2020-2022 records).",
    primary_key: &["startup_id", "seq"],
    foreign_keys: &[
        STARTUP_FK,
        references_id(&["organisation_id"], "organisation"),
    ],
    columns: &[
        col("startup_id", S, "start-up id", |r, _| r.id_cell()),
        col(
            "seq",
            I,
            "position in the start-up's sponsor list, from 1",
            |r, _| r.seq(),
        ),
        col(
            "organisation_id",
            S,
            "sponsoring organisation, when it has a record",
            |r, ctx| {
                ctx.key_cell(
                    Target::Organisation,
                    organisation(r.item),
                    (RecordKind::Startup, r.id),
                    "sponsor",
                )
            },
        ),
        col("organisation_raw", S, RAW, |r, ctx| {
            ctx.raw_cell(Target::Organisation, organisation(r.item))
        }),
        col("name", S, "inline sponsor: name", |r, _| match r.item {
            Sponsor::Inline { name, .. } => Cell::Text(name.clone()),
            Sponsor::Organisation { .. } => Cell::Null,
        }),
        col("acronym", S, "inline sponsor: acronym", |r, _| {
            match r.item {
                Sponsor::Inline { acronym, .. } => Cell::text(acronym.as_deref()),
                Sponsor::Organisation { .. } => Cell::Null,
            }
        }),
        col("type", S, "inline sponsor: type", |r, _| match r.item {
            Sponsor::Inline { kind, .. } => Cell::text(kind.as_deref()),
            Sponsor::Organisation { .. } => Cell::Null,
        }),
        col(
            "domaine_ministeriel",
            S,
            "inline sponsor: ministerial domain",
            |r, _| match r.item {
                Sponsor::Inline {
                    domaine_ministeriel,
                    ..
                } => Cell::text(domaine_ministeriel.as_deref()),
                Sponsor::Organisation { .. } => Cell::Null,
            },
        ),
    ],
};

/// The main incubator id of `s`.
fn incubator(s: &Startup) -> Option<&str> {
    s.incubator.as_ref().map(|i| i.as_str())
}

/// The organisation a sponsor references.
fn organisation(sponsor: &Sponsor) -> Option<&str> {
    match sponsor {
        Sponsor::Organisation { id } => Some(id.as_str()),
        Sponsor::Inline { .. } => None,
    }
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

/// The integer cell of `fast.<k>`; a diagnostic when the value cannot be held.
fn fast_cell(ctx: &mut Ctx<'_>, s: &Startup, k: &str) -> Cell {
    match fast_number(s, k) {
        Ok(v) => v.map_or(Cell::Null, Cell::Integer),
        Err(why) => {
            // A value its column cannot hold: reported, never an empty cell without a word.
            ctx.report(
                Diagnostic::new(
                    Severity::Error,
                    rules::NUMBER_OUT_OF_RANGE,
                    format!("fast.{k}: {why}; the cell is left empty (the JSON export keeps the value as written)"),
                )
                .for_record(RecordKind::Startup, s.id.as_str()),
            );
            Cell::Null
        }
    }
}

/// The text cell of unmodelled key `k`; a `field-type` diagnostic when it is there
/// but not a text (a list, a mapping...).
fn extra_text_cell(ctx: &mut Ctx<'_>, s: &Startup, k: &str) -> Cell {
    match s.extra.get(k) {
        None | Some(Value::Null) => Cell::Null,
        Some(Value::String(t)) => Cell::Text(t.clone()),
        Some(v) => {
            wrong_type(ctx, s, k, "a text", v);
            Cell::Null
        }
    }
}

/// The boolean cell of unmodelled key `k`; a `field-type` diagnostic when it is
/// there but not a boolean.
fn extra_bool_cell(ctx: &mut Ctx<'_>, s: &Startup, k: &str) -> Cell {
    match s.extra.get(k) {
        None | Some(Value::Null) => Cell::Null,
        Some(Value::Bool(b)) => Cell::Bool(*b),
        Some(v) => {
            wrong_type(ctx, s, k, "a boolean", v);
            Cell::Null
        }
    }
}

fn wrong_type(ctx: &mut Ctx<'_>, s: &Startup, k: &str, expected: &str, v: &Value) {
    ctx.report(
        Diagnostic::new(
            Severity::Warning,
            rules::FIELD_TYPE,
            format!(
                "`{k}` should be {expected}, found a {}; the cell is left empty (the JSON export keeps the value as written)",
                v.type_name()
            ),
        )
        .for_record(RecordKind::Startup, s.id.as_str()),
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dataset;
    use crate::tables::build;
    use betagouv_portfolio::{Portfolio, StartupId, Vocabulary, builtin};

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

    #[test]
    fn a_sponsor_is_a_reference_or_inline_never_both() {
        let reference = Sponsor::Organisation {
            id: betagouv_portfolio::OrganisationId::new("anct").unwrap(),
        };
        let inline_sponsor = Sponsor::Inline {
            name: "Ville".into(),
            acronym: None,
            kind: Some("collectivite-territoriale".into()),
            domaine_ministeriel: Some("Intérieur".into()),
        };
        let mut ctx = super::super::test_ctx();
        ctx.organisations.insert("anct");
        let t = STARTUP_SPONSOR.table(
            [
                Row::entry(&reference, "s", 0),
                Row::entry(&inline_sponsor, "s", 1),
            ],
            &mut ctx,
        );
        let text = |s: &str| Cell::Text(s.into());
        assert_eq!(
            t.rows[0],
            [
                text("s"),
                Cell::Integer(1),
                text("anct"),
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null
            ]
        );
        assert_eq!(
            t.rows[1],
            [
                text("s"),
                Cell::Integer(2),
                Cell::Null,
                Cell::Null,
                text("Ville"),
                Cell::Null,
                text("collectivite-territoriale"),
                text("Intérieur"),
            ]
        );
        assert!(ctx.diagnostics.is_empty());
    }
}
