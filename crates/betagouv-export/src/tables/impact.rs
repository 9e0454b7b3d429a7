//! The `impact_metric` table.

use std::collections::BTreeMap;

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use betagouv_impact::{ImpactFile, Kpi};
use betagouv_portfolio::RecordKind;

use crate::error::ImpactValueError;

use super::types::{I, N, S};
use super::{Cell, Ctx, RAW, Row, Table, TableSpec, Target, col, references_id};

/// One impact figure (a KPI of the impact file), for the `impact_metric` table.
/// Built from `betagouv-impact`'s [`Kpi`] with [`ImpactMetric::from_kpi`], or all at
/// once with [`ImpactMetric::from_impact_file`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

impl ImpactMetric {
    /// The row of one KPI of start-up `startup_id`: the metric, the value as an exact
    /// decimal (the shortest text that reads back as the same `f64`), the period and
    /// bound by their impact-file names (`month`, `more-than`), the year and the source.
    ///
    /// ```
    /// use betagouv_export::ImpactMetric;
    /// let file = betagouv_impact::builtin_2016();
    /// let s = &file.startup[0];
    /// let m = ImpactMetric::from_kpi(&s.id, &s.kpi[0])?;
    /// assert_eq!(m.startup_id, s.id);
    /// assert_eq!(m.metric, s.kpi[0].metric);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ImpactValueError`] when the value has no decimal form (not finite, or beyond
    /// about 7.9e28; the impact file refuses such values on reading, but [`Kpi`]'s
    /// fields are public).
    pub fn from_kpi(startup_id: impl Into<String>, kpi: &Kpi) -> Result<Self, ImpactValueError> {
        let startup_id = startup_id.into();
        let value = Decimal::from_str(&kpi.value.to_string())
            .or_else(|_| Decimal::from_scientific(&format!("{:e}", kpi.value)));
        let value = match value {
            Ok(v) => v,
            Err(source) => {
                return Err(ImpactValueError {
                    startup_id,
                    metric: kpi.metric.clone(),
                    value: kpi.value,
                    source,
                });
            }
        };
        Ok(Self {
            startup_id,
            metric: kpi.metric.clone(),
            value,
            period: kpi.period.and_then(|p| serde_name(&p)),
            bound: serde_name(&kpi.bound),
            year: kpi.year,
            source: Some(kpi.source.clone()),
        })
    }

    /// The rows of every KPI of `file`, start-ups and KPIs in file order (the
    /// `impact_metric` table of an export with an impact file).
    ///
    /// ```
    /// use betagouv_export::ImpactMetric;
    /// let metrics = ImpactMetric::from_impact_file(&betagouv_impact::builtin_2016())?;
    /// assert!(!metrics.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first [`ImpactValueError`] met.
    pub fn from_impact_file(file: &ImpactFile) -> Result<Vec<Self>, ImpactValueError> {
        file.startup
            .iter()
            .flat_map(|s| s.kpi.iter().map(|k| Self::from_kpi(&s.id, k)))
            .collect()
    }
}

/// The name a unit enum of the impact file is written with (its serde string).
fn serde_name(value: &impl Serialize) -> Option<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn kpi(value: f64) -> Kpi {
        serde_json::from_value(serde_json::json!({
            "metric": "users", "value": value, "period": "month",
            "bound": "more-than", "year": 2016, "source": "s",
        }))
        .unwrap()
    }

    #[test]
    fn a_kpi_becomes_a_row_with_its_names_and_exact_value() {
        let m = ImpactMetric::from_kpi("a", &kpi(0.1)).unwrap();
        assert_eq!(m.value.to_string(), "0.1");
        assert_eq!(m.period.as_deref(), Some("month"));
        assert_eq!(m.bound.as_deref(), Some("more-than"));
        assert_eq!((m.year, m.source.as_deref()), (Some(2016), Some("s")));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<ImpactMetric>(&json).unwrap(), m);
    }

    #[test]
    fn a_value_without_decimal_form_is_an_error_with_its_cause() {
        use std::error::Error as _;
        let mut k = kpi(1.0);
        for value in [f64::INFINITY, f64::NAN, 1e30] {
            k.value = value;
            let e = ImpactMetric::from_kpi("a", &k).unwrap_err();
            assert!(e.to_string().starts_with("KPI users of a: value"), "{e}");
            assert!(e.source().is_some());
        }
    }
}
