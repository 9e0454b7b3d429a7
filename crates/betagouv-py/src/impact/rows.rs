//! Rows given as columns: each key column (group, stratum, cluster) as codes into
//! a list of names, each numeric column as `float64` values, every column one
//! `bytes` object of little-endian 8-byte values. Counted into the same sufficient
//! statistics as the CSV readers make, with the same checks; a bad value is named
//! with its row (1-based) and column.

use std::collections::{BTreeMap, HashMap};

use betagouv_impact::{CohortCounts, CohortStats, CovariateRows, SurvivalTable};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::Failure;

/// A key column as Python gives it: its name, the names its codes index, the codes.
pub(super) type KeyInput<'py> = (String, Vec<String>, Bound<'py, PyBytes>);
/// A numeric column as Python gives it: its name and its values.
pub(super) type NumberInput<'py> = (String, Bound<'py, PyBytes>);

/// A key column: codes into `names`, negative for a missing value.
pub(super) struct Key<'a> {
    column: &'a str,
    names: &'a [String],
    codes: &'a [u8],
}

/// The columns of rows: key columns, then numeric columns.
pub(super) struct Columns<'a> {
    keys: Vec<Key<'a>>,
    numbers: Vec<(&'a str, &'a [u8])>,
}

impl<'a> Columns<'a> {
    /// The columns Python gave, borrowed.
    pub(super) fn of(keys: &'a [KeyInput<'_>], numbers: &'a [NumberInput<'_>]) -> Self {
        Self {
            keys: keys
                .iter()
                .map(|(column, names, codes)| Key {
                    column,
                    names,
                    codes: codes.as_bytes(),
                })
                .collect(),
            numbers: numbers
                .iter()
                .map(|(name, values)| (name.as_str(), values.as_bytes()))
                .collect(),
        }
    }

    /// The number of rows, once every column is checked to have it, and the
    /// columns' counts checked to be `keys` and `numbers`.
    fn rows(&self, keys: usize, numbers: usize) -> Result<usize, Failure> {
        if self.keys.len() != keys || self.numbers.len() != numbers {
            return Err(Failure::Message(format!(
                "expected {keys} key and {numbers} numeric columns"
            )));
        }
        let n = self.keys.first().map_or(0, |k| k.codes.len());
        let same = self.keys.iter().all(|k| k.codes.len() == n)
            && self.numbers.iter().all(|(_, c)| c.len() == n);
        if !n.is_multiple_of(8) || !same {
            return Err(Failure::Message(
                "the columns must be of 8-byte values, all of the same length".to_owned(),
            ));
        }
        Ok(n / 8)
    }

    /// The code of each row's key `k`, checked: a missing one (a negative code, or
    /// an empty name) is an error.
    fn key(&self, k: usize) -> impl Iterator<Item = Result<usize, Failure>> + '_ {
        let key = self.keys.get(k);
        let codes = key.map_or(&[][..], |k| k.codes);
        words(codes).enumerate().map(move |(i, w)| {
            usize::try_from(i64::from_le_bytes(w))
                .ok()
                .filter(|&c| {
                    key.and_then(|k| k.names.get(c))
                        .is_some_and(|n| !n.is_empty())
                })
                .ok_or_else(|| Failure::Row {
                    row: i + 1,
                    column: key.map_or("", |k| k.column).to_owned(),
                    value: String::new(),
                    problem: "missing value",
                })
        })
    }

    /// The name of code `code` of key `k`.
    fn key_name(&self, k: usize, code: usize) -> &'a str {
        self.keys
            .get(k)
            .and_then(|k| k.names.get(code))
            .map_or("", String::as_str)
    }

    /// The values of the numeric column `k`.
    fn numbers(&self, k: usize) -> impl Iterator<Item = f64> + '_ {
        let bytes = self.numbers.get(k).map_or(&[][..], |(_, c)| c);
        words(bytes).map(f64::from_le_bytes)
    }

    /// The name of the numeric column `k`.
    fn name(&self, k: usize) -> &str {
        self.numbers.get(k).map_or("", |(n, _)| n)
    }

    /// The value of numeric column `k` at `row` (0-based), checked by `check`.
    fn checked(
        &self,
        k: usize,
        row: usize,
        v: f64,
        check: fn(f64) -> Result<f64, &'static str>,
    ) -> Result<f64, Failure> {
        check(v).map_err(|problem| Failure::Row {
            row: row + 1,
            column: self.name(k).to_owned(),
            value: number_text(v),
            problem,
        })
    }
}

/// A column of 8-byte little-endian values.
fn words(bytes: &[u8]) -> impl Iterator<Item = [u8; 8]> + '_ {
    bytes
        .chunks_exact(8)
        .map(|c| <[u8; 8]>::try_from(c).unwrap_or_default())
}

/// A number as an error message shows it (`nan` for a missing value).
fn number_text(v: f64) -> String {
    if v.is_nan() {
        "nan".to_owned()
    } else {
        v.to_string()
    }
}

/// A 0/1 flag (1.0 or 0.0).
fn flag(v: f64) -> Result<f64, &'static str> {
    match v {
        0.0 | 1.0 => Ok(v),
        v if v.is_nan() => Err("missing value"),
        _ => Err("expected 0 or 1"),
    }
}

/// A finite number.
fn finite(v: f64) -> Result<f64, &'static str> {
    match v {
        v if v.is_nan() => Err("missing value"),
        v if v.is_finite() => Ok(v),
        _ => Err("expected a finite number"),
    }
}

/// A duration: a finite number >= 0.
fn duration(v: f64) -> Result<f64, &'static str> {
    match finite(v)? {
        v if v >= 0.0 => Ok(v + 0.0),
        _ => Err("expected a finite number >= 0"),
    }
}

/// The survival tables of columns (group; duration, event).
pub(super) fn survival_tables(c: &Columns<'_>) -> Result<BTreeMap<String, SurvivalTable>, Failure> {
    c.rows(1, 2)?;
    let groups = c.keys.first().map_or(0, |k| k.names.len());
    let mut records: Vec<Vec<(f64, bool)>> = vec![Vec::new(); groups];
    let rows = c.key(0).zip(c.numbers(0)).zip(c.numbers(1));
    for (i, ((g, t), e)) in rows.enumerate() {
        let g = g?;
        let t = c.checked(0, i, t, duration)?;
        let e = c.checked(1, i, e, flag)? == 1.0;
        if let Some(r) = records.get_mut(g) {
            r.push((t, e));
        }
    }
    let mut out: BTreeMap<String, SurvivalTable> = BTreeMap::new();
    for (code, r) in records
        .into_iter()
        .enumerate()
        .filter(|(_, r)| !r.is_empty())
    {
        // Two codes may have one name (1 and "1" are both the group "1").
        let table = SurvivalTable::from_records(r)?;
        match out.get_mut(c.key_name(0, code)) {
            Some(t) => t.merge(&table),
            None => {
                out.insert(c.key_name(0, code).to_owned(), table);
            }
        }
    }
    Ok(out)
}

/// Most cells of the dense table of counts per pair of codes (beyond: a hash map).
const DENSE_CELLS: usize = 1 << 20;

/// Counts per code of the first key and, with two keys, of the second (0 else):
/// in a dense table when the pairs of codes are few, in a hash map otherwise.
fn counts(c: &Columns<'_>, keys: usize) -> Result<HashMap<(usize, usize), CohortCounts>, Failure> {
    c.rows(keys, 1)?;
    let width = if keys == 2 {
        c.keys.get(1).map_or(0, |k| k.names.len())
    } else {
        1
    };
    let cells = c
        .keys
        .first()
        .map_or(0, |k| k.names.len())
        .saturating_mul(width);
    let mut dense = vec![CohortCounts::default(); if cells <= DENSE_CELLS { cells } else { 0 }];
    let mut sparse: HashMap<(usize, usize), CohortCounts> = HashMap::new();
    let second: Box<dyn Iterator<Item = Result<usize, Failure>>> = if keys == 2 {
        Box::new(c.key(1))
    } else {
        Box::new(std::iter::repeat_with(|| Ok(0)))
    };
    for (i, ((k, g), y)) in c.key(0).zip(second).zip(c.numbers(0)).enumerate() {
        let (k, g) = (k?, g?);
        let one = CohortCounts {
            n: 1,
            successes: u64::from(c.checked(0, i, y, flag)? == 1.0),
        };
        match dense.get_mut(k * width + g) {
            Some(cell) => cell.merge(one),
            None => sparse.entry((k, g)).or_default().merge(one),
        }
    }
    let used = dense.into_iter().enumerate().filter(|(_, n)| n.n > 0);
    sparse.extend(used.map(|(i, n)| ((i / width.max(1), i % width.max(1)), n)));
    Ok(sparse)
}

/// The cohort counts of columns (group; outcome).
pub(super) fn cohort_stats(c: &Columns<'_>) -> Result<CohortStats, Failure> {
    let mut stats = CohortStats::default();
    for ((g, _), k) in counts(c, 1)? {
        stats.add_counts(c.key_name(0, g), k);
    }
    Ok(stats)
}

/// The counts per stratum (or cluster) and group of columns (stratum, group; outcome).
pub(super) fn nested_stats(c: &Columns<'_>) -> Result<BTreeMap<String, CohortStats>, Failure> {
    let mut out: BTreeMap<String, CohortStats> = BTreeMap::new();
    for ((s, g), k) in counts(c, 2)? {
        let (s, g) = (c.key_name(0, s), c.key_name(1, g));
        match out.get_mut(s) {
            Some(stats) => stats.add_counts(g, k),
            None => {
                let mut stats = CohortStats::default();
                stats.add_counts(g, k);
                out.insert(s.to_owned(), stats);
            }
        }
    }
    Ok(out)
}

/// The rows of the arms `treated` and `control` of columns (group; outcome,
/// covariates...), other groups left out, as `impact adjust` reads a CSV.
pub(super) fn covariate_rows(
    c: &Columns<'_>,
    arms: (&str, &str),
) -> Result<CovariateRows, Failure> {
    let p = c.numbers.len().saturating_sub(1);
    c.rows(1, p + 1)?;
    let names = (1..=p).map(|k| c.name(k).to_owned()).collect();
    let mut rows = CovariateRows::new(names)?;
    let mut values: Vec<Box<dyn Iterator<Item = f64> + '_>> =
        (0..=p).map(|k| Box::new(c.numbers(k)) as _).collect();
    let mut x = Vec::with_capacity(p);
    for (i, g) in c.key(0).enumerate() {
        let g = c.key_name(0, g?);
        let row: Vec<f64> = values
            .iter_mut()
            .map(|v| v.next().unwrap_or(f64::NAN))
            .collect();
        let treated = match g {
            g if g == arms.0 => true,
            g if g == arms.1 => false,
            _ => continue,
        };
        x.clear();
        for (k, &v) in row.iter().enumerate() {
            x.push(c.checked(k, i, v, finite)?);
        }
        let (y, covariates) = x.split_first().unwrap_or((&f64::NAN, &[]));
        rows.push(*y, treated, covariates)?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of<T: Copy>(values: &[T], f: impl Fn(T) -> [u8; 8]) -> Vec<u8> {
        values.iter().flat_map(|&v| f(v)).collect()
    }

    fn key<'a>(column: &'a str, names: &'a [String], codes: &'a [u8]) -> Key<'a> {
        Key {
            column,
            names,
            codes,
        }
    }

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn columns_count_into_cohorts_and_refuse_bad_values_with_their_row() {
        let names = names(&["a", "b"]);
        let g = bytes_of(&[0i64, 1, 0, 1, 1], i64::to_le_bytes);
        let y = bytes_of(&[1.0f64, 0.0, 0.0, 1.0, 1.0], f64::to_le_bytes);
        let c = Columns {
            keys: vec![key("g", &names, &g)],
            numbers: vec![("y", &y)],
        };
        let stats = cohort_stats(&c).unwrap();
        assert_eq!(stats.get("a"), Some(CohortCounts { n: 2, successes: 1 }));
        assert_eq!(stats.get("b"), Some(CohortCounts { n: 3, successes: 2 }));

        let bad = bytes_of(&[1.0f64, 0.0, 2.0, 1.0, 1.0], f64::to_le_bytes);
        let c = Columns {
            keys: vec![key("g", &names, &g)],
            numbers: vec![("y", &bad)],
        };
        match cohort_stats(&c) {
            Err(Failure::Row {
                row: 3, problem, ..
            }) => assert_eq!(problem, "expected 0 or 1"),
            other => panic!("{other:?}"),
        }
        let missing = bytes_of(&[0i64, -1, 0, 1, 1], i64::to_le_bytes);
        let c = Columns {
            keys: vec![key("g", &names, &missing)],
            numbers: vec![("y", &y)],
        };
        assert!(matches!(cohort_stats(&c), Err(Failure::Row { row: 2, .. })));
    }

    #[test]
    fn columns_make_the_same_survival_tables_as_records() {
        let names = names(&["x", "x", "y"]);
        let g = bytes_of(&[0i64, 2, 1, 0], i64::to_le_bytes);
        let t = bytes_of(&[3.0f64, 1.0, 3.0, 2.5], f64::to_le_bytes);
        let e = bytes_of(&[1.0f64, 0.0, 0.0, 1.0], f64::to_le_bytes);
        let c = Columns {
            keys: vec![key("g", &names, &g)],
            numbers: vec![("t", &t), ("e", &e)],
        };
        let tables = survival_tables(&c).unwrap();
        let x = SurvivalTable::from_records([(3.0, true), (3.0, false), (2.5, true)]).unwrap();
        assert_eq!(tables.get("x"), Some(&x));
        assert_eq!(tables.get("y").map(SurvivalTable::n), Some(1));
        let short = bytes_of(&[1.0f64], f64::to_le_bytes);
        let c = Columns {
            keys: vec![key("g", &names, &g)],
            numbers: vec![("t", &short), ("e", &e)],
        };
        assert!(matches!(survival_tables(&c), Err(Failure::Message(_))));
    }

    #[test]
    fn many_strata_are_counted_in_a_hash_map_with_the_same_counts() {
        // 2,000 strata x 600 groups: more cells than the dense table takes.
        let strata: Vec<String> = (0..2000).map(|i| format!("s{i}")).collect();
        let groups: Vec<String> = (0..600).map(|i| format!("g{i}")).collect();
        assert!(strata.len() * groups.len() > DENSE_CELLS);
        let s = bytes_of(&[1999i64, 0, 1999, 5], i64::to_le_bytes);
        let g = bytes_of(&[599i64, 0, 599, 3], i64::to_le_bytes);
        let y = bytes_of(&[1.0f64, 0.0, 0.0, 1.0], f64::to_le_bytes);
        let c = Columns {
            keys: vec![key("s", &strata, &s), key("g", &groups, &g)],
            numbers: vec![("y", &y)],
        };
        let nested = nested_stats(&c).unwrap();
        assert_eq!(nested.len(), 3);
        assert_eq!(
            nested.get("s1999").and_then(|x| x.get("g599")),
            Some(CohortCounts { n: 2, successes: 1 })
        );
        assert_eq!(
            nested.get("s5").and_then(|x| x.get("g3")),
            Some(CohortCounts { n: 1, successes: 1 })
        );
    }

    #[test]
    fn nested_counts_and_covariate_rows_keep_the_arms() {
        let strata = names(&["s1", "s2"]);
        let groups = names(&["t", "c", "other"]);
        let s = bytes_of(&[0i64, 0, 1, 1, 1], i64::to_le_bytes);
        let g = bytes_of(&[0i64, 1, 0, 1, 2], i64::to_le_bytes);
        let y = bytes_of(&[1.0f64, 0.0, 1.0, 1.0, 0.0], f64::to_le_bytes);
        let c = Columns {
            keys: vec![key("s", &strata, &s), key("g", &groups, &g)],
            numbers: vec![("y", &y)],
        };
        let nested = nested_stats(&c).unwrap();
        assert_eq!(nested.len(), 2);
        assert_eq!(
            nested.get("s2").and_then(|s| s.get("other")),
            Some(CohortCounts { n: 1, successes: 0 })
        );
        let x = bytes_of(&[30.0f64, 40.0, 50.0, 60.0, f64::NAN], f64::to_le_bytes);
        let c = Columns {
            keys: vec![key("g", &groups, &g)],
            numbers: vec![("y", &y), ("age", &x)],
        };
        // The "other" row (with its missing age) is left out, as the CSV reader does.
        let rows = covariate_rows(&c, ("t", "c")).unwrap();
        assert_eq!(rows.len(), 4);
        let groups_no_other = names(&["t", "c"]);
        let g = bytes_of(&[0i64, 1, 0, 1, 0], i64::to_le_bytes);
        let c = Columns {
            keys: vec![key("g", &groups_no_other, &g)],
            numbers: vec![("y", &y), ("age", &x)],
        };
        assert!(matches!(
            covariate_rows(&c, ("t", "c")),
            Err(Failure::Row {
                row: 5,
                problem: "missing value",
                ..
            })
        ));
    }
}
