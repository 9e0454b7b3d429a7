//! The `impact_metric` table.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use betagouv_portfolio::RecordKind;

use super::types::{I, N, S};
use super::{Cell, Ctx, RAW, Row, Table, TableSpec, Target, col, references_id};

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

/// The `impact_metric` table: `metrics` sorted by start-up, each start-up's figures
/// numbered from 1 in the order given.
pub(super) fn table(metrics: &[ImpactMetric], ctx: &mut Ctx<'_>) -> Table {
    let mut sorted: Vec<(usize, &ImpactMetric)> = metrics.iter().enumerate().collect();
    sorted.sort_by(|(ia, a), (ib, b)| (&a.startup_id, ia).cmp(&(&b.startup_id, ib)));
    let mut counters: BTreeMap<&str, usize> = BTreeMap::new();
    let rows = sorted.into_iter().map(|(_, m)| {
        let n = counters.entry(m.startup_id.as_str()).or_default();
        *n += 1;
        Row::entry(m, m.startup_id.as_str(), *n - 1)
    });
    IMPACT_METRIC.table(rows, ctx)
}

const IMPACT_METRIC: TableSpec<ImpactMetric> = TableSpec {
    name: "impact_metric",
    title: "Impact metrics",
    description: "One row per KPI of a start-up in the impact file.",
    primary_key: &["startup_key", "seq"],
    foreign_keys: &[references_id(&["startup_id"], "startup")],
    columns: &[
        col(
            "startup_key",
            S,
            "start-up id as given in the impact file",
            |r, _| r.id_cell(),
        ),
        col(
            "seq",
            I,
            "position among the start-up's figures, from 1",
            |r, _| r.seq(),
        ),
        col(
            "startup_id",
            S,
            "start-up, when it has a record",
            |r, ctx| {
                ctx.key_cell(
                    Target::Startup,
                    Some(r.id),
                    (RecordKind::Startup, r.id),
                    "impact metric start-up",
                )
            },
        ),
        col("startup_raw", S, RAW, |r, ctx| {
            ctx.raw_cell(Target::Startup, Some(r.id))
        }),
        col("metric", S, "what is counted", |r, _| {
            Cell::Text(r.item.metric.clone())
        }),
        col("value", N, "the figure, decimal point", |r, _| {
            Cell::Number(r.item.value)
        }),
        col(
            "period",
            S,
            "per which period; empty for a stock or cumulative count",
            |r, _| Cell::text(r.item.period.as_deref()),
        ),
        col(
            "bound",
            S,
            "how the figure relates to the true value",
            |r, _| Cell::text(r.item.bound.as_deref()),
        ),
        col("year", I, "year of the figure", |r, _| {
            r.item
                .year
                .map_or(Cell::Null, |y| Cell::Integer(i64::from(y)))
        }),
        col("source", S, "source (URL or text)", |r, _| {
            Cell::text(r.item.source.as_deref())
        }),
    ],
};
