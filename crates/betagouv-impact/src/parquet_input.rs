//! Parquet input (feature `parquet`): individual rows of a Parquet file read
//! into the sufficient statistics of [`crate::cohort`] and [`crate::survival`].
//!
//! Only the named columns are read (column projection), row groups are read
//! in parallel (one reader per worker thread, each with its own file handle),
//! and string groups are read as dictionaries: a dictionary-encoded page is
//! never materialised as strings, each row costs one small-integer lookup.
//!
//! Types accepted:
//! - group: a string (`UTF8`/`STRING`, binary holding UTF-8, plain or
//!   dictionary-encoded) or an integer of any width, signed or not (its
//!   group name is its decimal text: `7`, `-3`); an empty string is refused;
//! - outcome and event: boolean, or an integer of any width holding 0 or 1;
//! - duration: an integer or a float (32 or 64 bits, a 32-bit float is
//!   widened exactly), finite and ≥ 0; -0 is 0.
//!
//! A null in one of the columns read is an [`Error::InvalidValue`] naming the
//! row group, the row (1-based, over all row groups) and the column, unless
//! [`ParquetOptions::skip_null`] is set: then the row is skipped and counted
//! in [`ParquetSummary::skipped_null_rows`]. Invalid values (an outcome of 2,
//! a negative duration) are errors whether or not the row has a null.
//! Errors do not name the file: the caller, who gave the path, does.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use arrow_array::types::{
    ArrowPrimitiveType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    Array, ArrayRef, BinaryArray, BooleanArray, DictionaryArray, LargeBinaryArray,
    LargeStringArray, PrimitiveArray, RecordBatch, StringArray,
};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};

use crate::cohort::{CohortCounts, CohortStats};
use crate::error::{Error, Result};
use crate::limits::{PARQUET_BATCH_ROWS, PARQUET_DENSE_TIMES};
use crate::survival::{SurvivalTable, TimeRow};

/// Options of the Parquet readers ([`aggregate_cohort_parquet`],
/// [`read_survival_parquet`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub struct ParquetOptions {
    /// Worker threads reading row groups in parallel; 0 (the default) is
    /// one per available core. Never more than the row groups.
    pub threads: usize,
    /// Skip rows with a null in a column read, and count them, instead of
    /// refusing the file (default `false`).
    pub skip_null: bool,
    /// Rows decoded at once per worker (default [`PARQUET_BATCH_ROWS`]);
    /// memory per worker grows with it. 0 is taken as 1.
    pub batch_rows: usize,
}

impl Default for ParquetOptions {
    fn default() -> Self {
        Self {
            threads: 0,
            skip_null: false,
            batch_rows: PARQUET_BATCH_ROWS,
        }
    }
}

impl ParquetOptions {
    /// These options with `threads` workers (0 = one per core).
    #[must_use]
    pub fn with_threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// These options, skipping rows with a null (`true`) or refusing them.
    #[must_use]
    pub fn with_skip_null(mut self, skip_null: bool) -> Self {
        self.skip_null = skip_null;
        self
    }

    /// These options with another batch size (rows decoded at once).
    #[must_use]
    pub fn with_batch_rows(mut self, batch_rows: usize) -> Self {
        self.batch_rows = batch_rows;
        self
    }
}

/// What a Parquet reader read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub struct ParquetSummary {
    /// Rows counted in the statistics.
    pub rows: u64,
    /// Rows skipped for a null ([`ParquetOptions::skip_null`]).
    pub skipped_null_rows: u64,
    /// Row groups in the file.
    pub row_groups: usize,
    /// Worker threads used.
    pub threads: usize,
}

/// What a column is read for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Group,
    Flag,
    Duration,
}

impl Role {
    fn expected(self) -> &'static str {
        match self {
            Role::Group => "a string or an integer",
            Role::Flag => "a boolean or an integer holding 0 or 1",
            Role::Duration => "an integer or a float",
        }
    }

    /// The Arrow type to read a column of `found` type as, or `None` when
    /// this role cannot use it.
    fn read_as(self, found: &DataType) -> Option<DataType> {
        let integer = found.is_integer();
        match (self, found) {
            (Role::Group, DataType::Utf8 | DataType::Utf8View) => Some(dict(DataType::Utf8)),
            (Role::Group, DataType::Binary | DataType::BinaryView) => Some(dict(DataType::Binary)),
            (Role::Group, DataType::LargeUtf8 | DataType::LargeBinary) => Some(dict(found.clone())),
            (Role::Group, DataType::Dictionary(k, v))
                if **k == DataType::Int32
                    && matches!(
                        **v,
                        DataType::Utf8
                            | DataType::LargeUtf8
                            | DataType::Binary
                            | DataType::LargeBinary
                    ) =>
            {
                Some(found.clone())
            }
            (Role::Group | Role::Duration, _) if integer => Some(found.clone()),
            (Role::Flag, DataType::Boolean) => Some(found.clone()),
            (Role::Flag, _) if integer => Some(found.clone()),
            (Role::Duration, DataType::Float32 | DataType::Float64) => Some(found.clone()),
            _ => None,
        }
    }
}

fn dict(values: DataType) -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(values))
}

fn parquet_error(row_group: Option<usize>, e: impl std::fmt::Display) -> Error {
    Error::Parquet {
        row_group,
        reason: e.to_string(),
    }
}

/// The file's metadata, the columns to read and where each row group starts.
struct Plan {
    meta: ArrowReaderMetadata,
    mask: ProjectionMask,
    /// Index of each requested column in a projected batch.
    batch_index: Vec<usize>,
    /// 0-based index of the first row of each row group in the file.
    starts: Vec<u64>,
}

/// The type of root field `i` as an error message shows it.
fn type_of(meta: &ArrowReaderMetadata, i: usize, arrow: &DataType) -> String {
    let roots = meta.parquet_schema().root_schema().get_fields();
    let Some(t) = roots.get(i) else {
        return format!("{arrow}");
    };
    if !t.is_primitive() {
        return format!("a nested group read as {arrow}");
    }
    let logical = t
        .get_basic_info()
        .logical_type_ref()
        .map_or_else(|| "no logical type".to_owned(), |l| format!("{l:?}"));
    format!("{} ({logical}) read as {arrow}", t.get_physical_type())
}

impl Plan {
    fn open(file: &File, columns: &[(&str, Role)]) -> Result<Self> {
        let options = ArrowReaderOptions::new().with_skip_arrow_metadata(true);
        let meta = ArrowReaderMetadata::load(file, options).map_err(|e| parquet_error(None, e))?;
        let schema = Arc::clone(meta.schema());
        let mut fields: Vec<Field> = schema.fields().iter().map(|f| (**f).clone()).collect();
        let mut roots = Vec::with_capacity(columns.len());
        for &(name, role) in columns {
            let mut found = fields.iter().enumerate().filter(|(_, f)| f.name() == name);
            let Some((i, field)) = found.next() else {
                return Err(Error::MissingColumn {
                    column: name.to_owned(),
                });
            };
            if let Some((j, _)) = found.next() {
                return Err(Error::DuplicateColumn {
                    column: name.to_owned(),
                    first: i + 1,
                    second: j + 1,
                });
            }
            let Some(read_as) = role.read_as(field.data_type()) else {
                return Err(Error::ColumnType {
                    column: name.to_owned(),
                    found: type_of(&meta, i, field.data_type()),
                    expected: role.expected(),
                });
            };
            if roots.contains(&i) {
                continue;
            }
            roots.push(i);
            if let Some(f) = fields.get_mut(i) {
                *f = f.clone().with_data_type(read_as);
            }
        }
        let changed = fields
            .iter()
            .zip(schema.fields().iter())
            .any(|(a, b)| a.data_type() != b.data_type());
        let meta = if changed {
            let supplied = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
            let options = ArrowReaderOptions::new().with_schema(supplied);
            ArrowReaderMetadata::try_new(Arc::clone(meta.metadata()), options)
                .map_err(|e| parquet_error(None, e))?
        } else {
            meta
        };
        let mask = ProjectionMask::roots(meta.parquet_schema(), roots.iter().copied());
        // A projected batch has the projected roots in the file's order.
        let mut sorted = roots.clone();
        sorted.sort_unstable();
        let batch_index = columns
            .iter()
            .map(|&(name, _)| {
                let root = schema
                    .fields()
                    .iter()
                    .position(|f| f.name() == name)
                    .unwrap_or(0);
                sorted.iter().position(|&r| r == root).unwrap_or(0)
            })
            .collect();
        let mut starts = Vec::with_capacity(meta.metadata().num_row_groups());
        let mut at = 0u64;
        for (g, rg) in meta.metadata().row_groups().iter().enumerate() {
            starts.push(at);
            let rows = u64::try_from(rg.num_rows())
                .map_err(|_| parquet_error(Some(g), "negative row count in the metadata"))?;
            at = at.saturating_add(rows);
        }
        Ok(Self {
            meta,
            mask,
            batch_index,
            starts,
        })
    }
}

/// Where a batch is: its row group and the 0-based file row of its first row.
#[derive(Clone, Copy)]
struct At {
    row_group: usize,
    first_row: u64,
}

impl At {
    fn error(self, i: usize, column: &str, value: String, problem: &'static str) -> Error {
        Error::InvalidValue {
            row_group: self.row_group,
            row: self.first_row.saturating_add(i as u64).saturating_add(1),
            column: column.to_owned(),
            value,
            problem,
        }
    }

    fn null(self, i: usize, column: &str) -> Error {
        self.error(i, column, "null".to_owned(), "null")
    }
}

/// A worker's accumulator: fed batches, merged at the end.
trait Sink: Send {
    /// Counts a batch; returns the rows skipped for a null.
    fn batch(&mut self, batch: &RecordBatch, at: At) -> Result<u64>;
}

/// A batch's column `i` (projected batches hold every requested column).
fn column(batch: &RecordBatch, i: usize) -> Result<&ArrayRef> {
    batch
        .columns()
        .get(i)
        .ok_or_else(|| parquet_error(None, "a projected column is missing from a batch"))
}

/// Reads the file's row groups with `threads` workers, each with its own sink.
fn run<S: Sink>(
    path: &Path,
    columns: &[(&str, Role)],
    options: &ParquetOptions,
    make: impl Fn(Vec<usize>) -> S + Sync,
) -> Result<(Vec<S>, ParquetSummary)> {
    let file = File::open(path).map_err(|e| parquet_error(None, format!("cannot open: {e}")))?;
    let plan = Plan::open(&file, columns)?;
    let groups = plan.starts.len();
    let wanted = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
        n => n,
    };
    let threads = wanted.min(groups).max(1);
    let next = AtomicUsize::new(0);
    // The lowest failing row group: its error is the one returned, so the
    // error does not depend on the scheduling.
    let failed: Mutex<Option<(usize, Error)>> = Mutex::new(None);
    let first_failed = AtomicUsize::new(usize::MAX);
    let batch_rows = options.batch_rows.max(1);
    let work = |sink: &mut S| -> (u64, u64) {
        let (mut rows, mut skipped) = (0u64, 0u64);
        loop {
            let g = next.fetch_add(1, Ordering::Relaxed);
            if g >= groups || g > first_failed.load(Ordering::Relaxed) {
                break;
            }
            match read_row_group(path, &plan, g, batch_rows, sink) {
                Ok((r, s)) => {
                    rows = rows.saturating_add(r);
                    skipped = skipped.saturating_add(s);
                }
                Err(e) => {
                    first_failed.fetch_min(g, Ordering::Relaxed);
                    if let Ok(mut f) = failed.lock()
                        && f.as_ref().is_none_or(|(h, _)| g < *h)
                    {
                        *f = Some((g, e));
                    }
                }
            }
        }
        (rows, skipped)
    };
    let results: Vec<(S, (u64, u64))> = if threads == 1 {
        let mut sink = make(plan.batch_index.clone());
        let counts = work(&mut sink);
        vec![(sink, counts)]
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut sink = make(plan.batch_index.clone());
                        let counts = work(&mut sink);
                        (sink, counts)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| parquet_error(None, "a reader thread panicked"))
                })
                .collect::<Result<Vec<_>>>()
        })?
    };
    if let Some((_, e)) = failed.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut summary = ParquetSummary {
        row_groups: groups,
        threads,
        ..ParquetSummary::default()
    };
    let mut sinks = Vec::with_capacity(results.len());
    for (sink, (rows, skipped)) in results {
        summary.rows = summary.rows.saturating_add(rows);
        summary.skipped_null_rows = summary.skipped_null_rows.saturating_add(skipped);
        sinks.push(sink);
    }
    Ok((sinks, summary))
}

/// Reads row group `g` into `sink`; returns (rows counted, rows skipped).
fn read_row_group<S: Sink>(
    path: &Path,
    plan: &Plan,
    g: usize,
    batch_rows: usize,
    sink: &mut S,
) -> Result<(u64, u64)> {
    // Each worker its own handle: the parquet reader seeks before each read.
    let file = File::open(path).map_err(|e| parquet_error(Some(g), format!("cannot open: {e}")))?;
    let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(file, plan.meta.clone())
        .with_projection(plan.mask.clone())
        .with_row_groups(vec![g])
        .with_batch_size(batch_rows)
        .build()
        .map_err(|e| parquet_error(Some(g), e))?;
    let first = plan.starts.get(g).copied().unwrap_or(0);
    let (mut read, mut skipped) = (0u64, 0u64);
    for batch in reader {
        let batch = batch.map_err(|e| parquet_error(Some(g), e))?;
        let at = At {
            row_group: g,
            first_row: first.saturating_add(read),
        };
        skipped = skipped.saturating_add(sink.batch(&batch, at)?);
        read = read.saturating_add(batch.num_rows() as u64);
    }
    let expected = plan
        .meta
        .metadata()
        .row_groups()
        .get(g)
        .map_or(0, |rg| rg.num_rows());
    if i64::try_from(read).ok() != Some(expected) {
        return Err(parquet_error(
            Some(g),
            format!("read {read} rows where the metadata says {expected}"),
        ));
    }
    Ok((read.saturating_sub(skipped), skipped))
}

/// Marks a null slot, flag or time in the per-batch buffers.
const NULL_SLOT: u32 = u32::MAX;
const UNRESOLVED: u32 = u32::MAX - 1;
const NULL_FLAG: u8 = 2;

/// Group names of one worker: slot numbers for its counters.
#[derive(Default)]
struct Groups {
    names: Vec<String>,
    index: HashMap<String, u32>,
    /// The dictionary of the last batch and the slot of each of its values.
    dict: Option<ArrayRef>,
    dict_slots: Vec<u32>,
    /// Integer groups: the slot of each value seen.
    ints: HashMap<i128, u32>,
}

/// The bytes of dictionary value `k`, `None` for a null or out-of-range key.
fn dict_value(values: &dyn Array, k: usize) -> Option<&[u8]> {
    if k >= values.len() || values.is_null(k) {
        return None;
    }
    let any = values.as_any();
    if let Some(a) = any.downcast_ref::<StringArray>() {
        return Some(a.value(k).as_bytes());
    }
    if let Some(a) = any.downcast_ref::<LargeStringArray>() {
        return Some(a.value(k).as_bytes());
    }
    if let Some(a) = any.downcast_ref::<BinaryArray>() {
        return Some(a.value(k));
    }
    any.downcast_ref::<LargeBinaryArray>().map(|a| a.value(k))
}

impl Groups {
    fn slot_of(&mut self, name: &str) -> u32 {
        if let Some(&s) = self.index.get(name) {
            return s;
        }
        let s = u32::try_from(self.names.len()).unwrap_or(NULL_SLOT - 2);
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), s);
        s
    }

    /// Fills `out` with the slot of each row (`NULL_SLOT` for a null).
    fn fill(&mut self, col: &ArrayRef, at: At, name: &str, out: &mut Vec<u32>) -> Result<()> {
        out.clear();
        if let Some(d) = col.as_any().downcast_ref::<DictionaryArray<Int32Type>>() {
            return self.fill_dict(d, at, name, out);
        }
        macro_rules! ints {
            ($($t:ty),*) => {$(
                if let Some(a) = col.as_any().downcast_ref::<PrimitiveArray<$t>>() {
                    for v in a.iter() {
                        let slot = match v {
                            None => NULL_SLOT,
                            Some(v) => {
                                let v = i128::from(v);
                                match self.ints.get(&v) {
                                    Some(&s) => s,
                                    None => {
                                        let s = self.slot_of(&v.to_string());
                                        self.ints.insert(v, s);
                                        s
                                    }
                                }
                            }
                        };
                        out.push(slot);
                    }
                    return Ok(());
                }
            )*};
        }
        ints!(
            Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
            UInt64Type
        );
        Err(at.error(0, name, col.data_type().to_string(), "unexpected type"))
    }

    fn fill_dict(
        &mut self,
        d: &DictionaryArray<Int32Type>,
        at: At,
        name: &str,
        out: &mut Vec<u32>,
    ) -> Result<()> {
        let values = self.use_dict(d);
        let keys = d.keys();
        let nulls = keys.nulls();
        for (i, &k) in keys.values().iter().enumerate() {
            if nulls.is_some_and(|n| n.is_null(i)) {
                out.push(NULL_SLOT);
                continue;
            }
            let ku = usize::try_from(k).unwrap_or(usize::MAX);
            let slot = match self.dict_slots.get(ku) {
                Some(&s) if s != UNRESOLVED => s,
                _ => self.resolve(values.as_ref(), ku, i, at, name)?,
            };
            out.push(slot);
        }
        Ok(())
    }

    /// The values of `d`'s dictionary, whose slots are then the ones kept
    /// (forgotten when the dictionary changes).
    fn use_dict<'d>(&mut self, d: &'d DictionaryArray<Int32Type>) -> &'d ArrayRef {
        let values = d.values();
        if !self.dict.as_ref().is_some_and(|v| Arc::ptr_eq(v, values)) {
            self.dict = Some(Arc::clone(values));
            self.dict_slots.clear();
            self.dict_slots.resize(values.len(), UNRESOLVED);
        }
        values
    }

    /// The slot of value `k` of the dictionary of `d` (switching to that
    /// dictionary if it is new); `None` when the value is no valid group name.
    fn key_slot(
        &mut self,
        d: &DictionaryArray<Int32Type>,
        k: usize,
        at: At,
        name: &str,
    ) -> Option<u32> {
        let values = self.use_dict(d);
        match self.dict_slots.get(k) {
            Some(&s) if s != UNRESOLVED => Some(s),
            _ => self.resolve(values.as_ref(), k, 0, at, name).ok(),
        }
    }

    /// The slot of dictionary value `k`, first used at row `i` of the batch.
    fn resolve(
        &mut self,
        values: &dyn Array,
        k: usize,
        i: usize,
        at: At,
        name: &str,
    ) -> Result<u32> {
        if k < values.len() && values.is_null(k) {
            return Ok(NULL_SLOT);
        }
        let Some(bytes) = dict_value(values, k) else {
            return Err(at.error(i, name, k.to_string(), "dictionary key out of range"));
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            let shown = String::from_utf8_lossy(bytes).into_owned();
            return Err(at.error(i, name, shown, "not valid UTF-8"));
        };
        if text.is_empty() {
            return Err(at.error(i, name, "\"\"".to_owned(), "empty group name"));
        }
        let slot = self.slot_of(text);
        if let Some(s) = self.dict_slots.get_mut(k) {
            *s = slot;
        }
        Ok(slot)
    }
}

/// Fills `out` with 0, 1 or `NULL_FLAG` per row of a 0/1 column.
fn fill_flags(col: &ArrayRef, at: At, name: &str, out: &mut Vec<u8>) -> Result<()> {
    out.clear();
    if let Some(a) = col.as_any().downcast_ref::<BooleanArray>() {
        out.extend(a.iter().map(|v| v.map_or(NULL_FLAG, u8::from)));
        return Ok(());
    }
    fn ints<T: ArrowPrimitiveType>(
        a: &PrimitiveArray<T>,
        at: At,
        name: &str,
        out: &mut Vec<u8>,
    ) -> Result<()>
    where
        T::Native: Into<i128>,
    {
        let bad =
            |i: usize, v: T::Native| at.error(i, name, v.into().to_string(), "expected 0 or 1");
        let Some(nulls) = a.nulls().filter(|n| n.null_count() > 0) else {
            // No null: one loop without a branch per row (any value but 0
            // and 1 becomes 2), then the first bad value, if any, located.
            let start = out.len();
            out.extend(a.values().iter().map(|&v| match v.into() {
                0 => 0,
                1 => 1,
                _ => 2,
            }));
            if let Some(i) = out.get(start..).and_then(|f| f.iter().position(|&f| f > 1))
                && let Some(&v) = a.values().get(i)
            {
                return Err(bad(i, v));
            }
            return Ok(());
        };
        for (i, &v) in a.values().iter().enumerate() {
            if nulls.is_null(i) {
                out.push(NULL_FLAG);
                continue;
            }
            match v.into() {
                0 => out.push(0),
                1 => out.push(1),
                _ => return Err(bad(i, v)),
            }
        }
        Ok(())
    }
    let any = col.as_any();
    macro_rules! try_ints {
        ($($t:ty),*) => {$(
            if let Some(a) = any.downcast_ref::<PrimitiveArray<$t>>() {
                return ints(a, at, name, out);
            }
        )*};
    }
    try_ints!(
        Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type
    );
    Err(at.error(0, name, col.data_type().to_string(), "unexpected type"))
}

/// Fills `out` with each row's duration (NaN for a null: a NaN value is an error).
fn fill_durations(col: &ArrayRef, at: At, name: &str, out: &mut Vec<f64>) -> Result<()> {
    out.clear();
    let any = col.as_any();
    macro_rules! nums {
        ($($t:ty),*) => {$(
            if let Some(a) = any.downcast_ref::<PrimitiveArray<$t>>() {
                let nulls = a.nulls().filter(|n| n.null_count() > 0);
                if nulls.is_none() {
                    // No null: one loop, then the first bad value, if any.
                    out.extend(a.values().iter().map(|&v| to_f64(v) + 0.0));
                    if let Some(i) = out.iter().position(|t| !(t.is_finite() && *t >= 0.0))
                        && let Some(v) = a.values().get(i)
                    {
                        return Err(at.error(i, name, v.to_string(), "expected a finite number >= 0"));
                    }
                    return Ok(());
                }
                for (i, &v) in a.values().iter().enumerate() {
                    if nulls.is_some_and(|n| n.is_null(i)) {
                        out.push(f64::NAN);
                        continue;
                    }
                    let t = to_f64(v);
                    if !(t.is_finite() && t >= 0.0) {
                        return Err(at.error(i, name, v.to_string(), "expected a finite number >= 0"));
                    }
                    // -0 and 0 are one time.
                    out.push(t + 0.0);
                }
                return Ok(());
            }
        )*};
    }
    nums!(
        Float64Type,
        Float32Type,
        Int8Type,
        Int16Type,
        Int32Type,
        Int64Type,
        UInt8Type,
        UInt16Type,
        UInt32Type,
        UInt64Type
    );
    Err(at.error(0, name, col.data_type().to_string(), "unexpected type"))
}

/// A value as the nearest `f64` (as parsing its decimal text would give).
trait ToF64: Copy {
    fn to_f64(self) -> f64;
}

macro_rules! to_f64_lossless {
    ($($t:ty),*) => {$(
        impl ToF64 for $t {
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
        }
    )*};
}
to_f64_lossless!(f64, f32, i8, i16, i32, u8, u16, u32);

impl ToF64 for i64 {
    #[allow(clippy::cast_precision_loss)] // rounds to nearest, as parsing the text does
    fn to_f64(self) -> f64 {
        self as f64
    }
}

impl ToF64 for u64 {
    #[allow(clippy::cast_precision_loss)] // rounds to nearest, as parsing the text does
    fn to_f64(self) -> f64 {
        self as f64
    }
}

fn to_f64<T: ToF64>(v: T) -> f64 {
    v.to_f64()
}

/// Column names of a sink, in the order of its `batch_index`.
struct Names {
    columns: Vec<String>,
    index: Vec<usize>,
    skip_null: bool,
}

impl Names {
    fn name(&self, i: usize) -> &str {
        self.columns.get(i).map_or("", String::as_str)
    }

    fn col<'b>(&self, batch: &'b RecordBatch, i: usize) -> Result<&'b ArrayRef> {
        column(batch, self.index.get(i).copied().unwrap_or(usize::MAX))
    }

    /// The error of a null in row `i`, or `Ok` when nulls are skipped.
    fn on_null(&self, at: At, i: usize, column: usize) -> Result<()> {
        if self.skip_null {
            Ok(())
        } else {
            Err(at.null(i, self.name(column)))
        }
    }
}

struct CohortSink {
    names: Names,
    groups: Groups,
    counts: Vec<CohortCounts>,
    slots: Vec<u32>,
    flags: Vec<u8>,
}

/// The counts `[outcome 0, outcome 1]` per dictionary key of a batch whose
/// group is a dictionary and whose outcome an integer or boolean column,
/// both without a null, every key in range and every outcome 0 or 1: one
/// tight loop, no per-row slot. `None` otherwise (the per-row path then
/// reads the batch, and names the row of any problem).
fn dict_flag_counts(g: &ArrayRef, y: &ArrayRef) -> Option<Vec<[u64; 2]>> {
    let d = g.as_any().downcast_ref::<DictionaryArray<Int32Type>>()?;
    if d.keys().null_count() > 0 || y.null_count() > 0 || d.len() != y.len() {
        return None;
    }
    let keys = d.keys().values();
    let n = d.values().len();
    if let Some(b) = y.as_any().downcast_ref::<BooleanArray>() {
        return lane_counts(keys, b.values().iter().map(u8::from), n);
    }
    let any = y.as_any();
    macro_rules! try_ints {
        ($($t:ty),*) => {$(
            if let Some(a) = any.downcast_ref::<PrimitiveArray<$t>>() {
                // Any value but 0 and 1 becomes 2, which `lane_counts` refuses.
                let flags = a.values().iter().map(|&v| match i128::from(v) {
                    0 => 0u8,
                    1 => 1,
                    _ => 2,
                });
                return lane_counts(keys, flags, n);
            }
        )*};
    }
    try_ints!(
        Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type
    );
    None
}

/// Counts `[flag 0, flag 1]` per key in `[0, n)`, in four interleaved lanes
/// (rows `i`, `i + 4`, ... share one) so that consecutive rows of one key do
/// not wait on each other's increment. `None` for a key out of range or a
/// flag other than 0 or 1.
fn lane_counts(keys: &[i32], flags: impl Iterator<Item = u8>, n: usize) -> Option<Vec<[u64; 2]>> {
    const LANES: usize = 4;
    let mut lanes = vec![[0u64; 2]; LANES * n.max(1)];
    let mut bad = n == 0 && !keys.is_empty();
    for (i, (&k, f)) in keys.iter().zip(flags).enumerate() {
        let k = usize::try_from(k).unwrap_or(usize::MAX);
        bad |= k >= n || f > 1;
        let at = (i % LANES) * n + k.min(n.saturating_sub(1));
        if let Some(c) = lanes.get_mut(at) {
            c[usize::from(f == 1)] += 1;
        }
    }
    if bad {
        return None;
    }
    let mut acc = vec![[0u64; 2]; n];
    for (j, c) in lanes.iter().enumerate() {
        if let Some(a) = acc.get_mut(j % n.max(1)) {
            a[0] += c[0];
            a[1] += c[1];
        }
    }
    Some(acc)
}

impl CohortSink {
    /// Adds the counts per dictionary key of [`dict_flag_counts`] to the
    /// groups' counts; `false` (nothing added) when a key used resolves to no
    /// valid group name (the per-row path then names its row).
    fn add_dict_counts(&mut self, g: &ArrayRef, acc: &[[u64; 2]], at: At) -> bool {
        let Some(d) = g.as_any().downcast_ref::<DictionaryArray<Int32Type>>() else {
            return false;
        };
        let mut slots = Vec::with_capacity(acc.len());
        for (k, c) in acc.iter().enumerate() {
            if c[0] + c[1] == 0 {
                slots.push(NULL_SLOT);
                continue;
            }
            match self.groups.key_slot(d, k, at, self.names.name(0)) {
                Some(s) if s != NULL_SLOT => slots.push(s),
                _ => return false,
            }
        }
        let needed = self.groups.names.len();
        if self.counts.len() < needed {
            self.counts.resize(needed, CohortCounts::default());
        }
        for (&s, c) in slots.iter().zip(acc) {
            if let Some(counts) = self.counts.get_mut(s as usize) {
                counts.n += c[0] + c[1];
                counts.successes += c[1];
            }
        }
        true
    }
}

impl Sink for CohortSink {
    fn batch(&mut self, batch: &RecordBatch, at: At) -> Result<u64> {
        let (g, y) = (self.names.col(batch, 0)?, self.names.col(batch, 1)?);
        if let Some(acc) = dict_flag_counts(g, y)
            && self.add_dict_counts(g, &acc, at)
        {
            return Ok(0);
        }
        self.groups
            .fill(g, at, self.names.name(0), &mut self.slots)?;
        fill_flags(y, at, self.names.name(1), &mut self.flags)?;
        let needed = self.groups.names.len();
        if self.counts.len() < needed {
            self.counts.resize(needed, CohortCounts::default());
        }
        let mut skipped = 0u64;
        for (i, (&s, &f)) in self.slots.iter().zip(&self.flags).enumerate() {
            if s == NULL_SLOT || f == NULL_FLAG {
                self.names
                    .on_null(at, i, if s == NULL_SLOT { 0 } else { 1 })?;
                skipped += 1;
                continue;
            }
            if let Some(c) = self.counts.get_mut(s as usize) {
                c.n += 1;
                c.successes += u64::from(f);
            }
        }
        Ok(skipped)
    }
}

fn names(columns: &[&str], index: Vec<usize>, options: &ParquetOptions) -> Names {
    Names {
        columns: columns.iter().map(|&c| c.to_owned()).collect(),
        index,
        skip_null: options.skip_null,
    }
}

/// Reads the Parquet file at `path` and aggregates the 0/1 column `outcome`
/// per value of the column `group`, reading only these two columns, with
/// its row groups in parallel. Memory does not grow with the rows (see
/// [`crate::limits::PARQUET_BATCH_ROWS`]).
///
/// # Errors
/// [`Error::MissingColumn`] or [`Error::DuplicateColumn`] for a column absent
/// from the schema or named twice; [`Error::ColumnType`] for a column of
/// another type; [`Error::InvalidValue`] (row group, row, column) for a null
/// (unless [`ParquetOptions::skip_null`]), an outcome other than 0 or 1, an
/// empty or non-UTF-8 group; [`Error::Parquet`] when the file cannot be
/// opened or read (corrupt, truncated, unsupported). The errors do not name
/// the file.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use betagouv_impact::{ParquetOptions, aggregate_cohort_parquet};
/// # let dir = std::env::temp_dir().join(format!("doc-pq-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// # let path = dir.join("rows.parquet");
/// # {
/// #     use std::sync::Arc;
/// #     use arrow_array::{ArrayRef, Int8Array, RecordBatch, StringArray};
/// #     let cohort: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "a"]));
/// #     let returned: ArrayRef = Arc::new(Int8Array::from(vec![1, 0, 0]));
/// #     let batch = RecordBatch::try_from_iter([("cohort", cohort), ("returned", returned)])?;
/// #     let mut w = parquet::arrow::ArrowWriter::try_new(std::fs::File::create(&path)?, batch.schema(), None)?;
/// #     w.write(&batch)?;
/// #     w.close()?;
/// # }
/// let (stats, summary) =
///     aggregate_cohort_parquet(&path, "cohort", "returned", &ParquetOptions::default())?;
/// assert_eq!(stats.get("a").map(|c| (c.successes, c.n)), Some((1, 2)));
/// assert_eq!(summary.rows, 3);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(())
/// # }
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub fn aggregate_cohort_parquet(
    path: &Path,
    group: &str,
    outcome: &str,
    options: &ParquetOptions,
) -> Result<(CohortStats, ParquetSummary)> {
    let columns = [(group, Role::Group), (outcome, Role::Flag)];
    let (sinks, summary) = run(path, &columns, options, |index| CohortSink {
        names: names(&[group, outcome], index, options),
        groups: Groups::default(),
        counts: Vec::new(),
        slots: Vec::new(),
        flags: Vec::new(),
    })?;
    let mut stats = CohortStats::default();
    for sink in sinks {
        // A group seen only in skipped rows has no count.
        for (name, c) in sink.groups.names.iter().zip(sink.counts) {
            if c.n > 0 {
                stats.add_counts(name, c);
            }
        }
    }
    Ok((stats, summary))
}

/// Counts per stratum (or cluster) and group: the per-row path of
/// [`CohortSink`] with a second [`Groups`] for the strata.
struct StrataSink {
    names: Names,
    strata: Groups,
    groups: Groups,
    /// Per (stratum slot, group slot) met, its counts: memory grows with the
    /// pairs, not with strata × groups.
    counts: HashMap<(u32, u32), CohortCounts>,
    stratum_slots: Vec<u32>,
    slots: Vec<u32>,
    flags: Vec<u8>,
}

impl StrataSink {
    fn new(names: Names) -> Self {
        Self {
            names,
            strata: Groups::default(),
            groups: Groups::default(),
            counts: HashMap::new(),
            stratum_slots: Vec::new(),
            slots: Vec::new(),
            flags: Vec::new(),
        }
    }
}

impl Sink for StrataSink {
    fn batch(&mut self, batch: &RecordBatch, at: At) -> Result<u64> {
        let s = self.names.col(batch, 0)?;
        let (g, y) = (self.names.col(batch, 1)?, self.names.col(batch, 2)?);
        self.strata
            .fill(s, at, self.names.name(0), &mut self.stratum_slots)?;
        self.groups
            .fill(g, at, self.names.name(1), &mut self.slots)?;
        fill_flags(y, at, self.names.name(2), &mut self.flags)?;
        let mut skipped = 0u64;
        for i in 0..self.flags.len() {
            let k = self.stratum_slots.get(i).copied().unwrap_or(NULL_SLOT);
            let g = self.slots.get(i).copied().unwrap_or(NULL_SLOT);
            let f = self.flags.get(i).copied().unwrap_or(NULL_FLAG);
            let null = [k == NULL_SLOT, g == NULL_SLOT, f == NULL_FLAG];
            if let Some(column) = null.iter().position(|&n| n) {
                self.names.on_null(at, i, column)?;
                skipped += 1;
                continue;
            }
            let c = self.counts.entry((k, g)).or_default();
            c.n += 1;
            c.successes += u64::from(f);
        }
        Ok(skipped)
    }
}

/// Reads the Parquet file at `path` and aggregates the 0/1 column `outcome`
/// per value of the column `stratum` and, within it, of the column `group`
/// (the counts of a blocked randomisation, or of a cluster randomisation with
/// the cluster's column as `stratum`), reading only these three columns, as
/// [`aggregate_cohort_parquet`] reads its two. A stratum may be a string or an
/// integer column, as a group.
///
/// # Errors
/// As [`aggregate_cohort_parquet`], for the stratum column as for the group
/// column.
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub fn aggregate_strata_parquet(
    path: &Path,
    stratum: &str,
    group: &str,
    outcome: &str,
    options: &ParquetOptions,
) -> Result<(BTreeMap<String, CohortStats>, ParquetSummary)> {
    let columns = [
        (stratum, Role::Group),
        (group, Role::Group),
        (outcome, Role::Flag),
    ];
    let (sinks, summary) = run(path, &columns, options, |index| {
        StrataSink::new(names(&[stratum, group, outcome], index, options))
    })?;
    let mut strata: BTreeMap<String, CohortStats> = BTreeMap::new();
    for sink in sinks {
        let name =
            |names: &[String], slot: u32| names.get(slot as usize).cloned().unwrap_or_default();
        for ((k, g), c) in sink.counts {
            let stratum = strata.entry(name(&sink.strata.names, k)).or_default();
            stratum.add_counts(&name(&sink.groups.names, g), c);
        }
    }
    Ok((strata, summary))
}

/// Events and censorings per time of one group: dense for small integer
/// times, hashed otherwise.
#[derive(Default)]
struct Times {
    dense: Vec<[u64; 2]>,
    sparse: HashMap<u64, [u64; 2]>,
}

impl Times {
    fn add(&mut self, t: f64, event: u8) {
        let e = usize::from(event == 0);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // t is integral in range
        let c = if t < PARQUET_DENSE_TIMES as f64 && (t as u64) as f64 == t {
            let k = t as usize;
            if self.dense.len() <= k {
                self.dense.resize(k + 1, [0, 0]);
            }
            self.dense.get_mut(k)
        } else {
            Some(self.sparse.entry(t.to_bits()).or_insert([0, 0]))
        };
        if let Some(c) = c {
            c[e] += 1;
        }
    }

    fn into_table(self) -> SurvivalTable {
        let mut rows: Vec<TimeRow> = Vec::with_capacity(self.sparse.len() + self.dense.len());
        #[allow(clippy::cast_precision_loss)] // k < PARQUET_DENSE_TIMES
        rows.extend(
            self.dense
                .iter()
                .enumerate()
                .filter(|(_, c)| c[0] > 0 || c[1] > 0)
                .map(|(k, c)| TimeRow {
                    time: k as f64,
                    events: c[0],
                    censored: c[1],
                }),
        );
        rows.extend(self.sparse.iter().map(|(&bits, c)| TimeRow {
            time: f64::from_bits(bits),
            events: c[0],
            censored: c[1],
        }));
        rows.sort_unstable_by(|a, b| a.time.total_cmp(&b.time));
        SurvivalTable::from_sorted_rows(rows)
    }
}

struct SurvivalSink {
    names: Names,
    groups: Groups,
    times: Vec<Times>,
    slots: Vec<u32>,
    durations: Vec<f64>,
    flags: Vec<u8>,
    /// Per dictionary key and whole-number duration below
    /// `PARQUET_DENSE_TIMES`, `[events, censored]` (see
    /// [`SurvivalSink::add_per_key`]).
    key_times: Vec<[u64; 2]>,
    /// The other rows of that loop: (key, duration, event).
    key_other: Vec<(usize, f64, u8)>,
}

/// Most dictionary keys counted per key and duration in one loop (at
/// `PARQUET_DENSE_TIMES` counters of 16 bytes each: at most 1 MiB per
/// worker).
const PER_KEY_SURVIVAL_KEYS: usize = 16;

/// Counts rows per dictionary key (of `n`) and duration: `[events,
/// censored]` at `dense[key * PARQUET_DENSE_TIMES + duration]` for a whole
/// duration below `PARQUET_DENSE_TIMES`, the other rows listed in `other`.
/// `false` for a key out of range or an event other than 0 or 1. The
/// durations are finite and >= 0 (`fill_durations`).
fn count_per_key(
    keys: &[i32],
    durations: &[f64],
    flags: &[u8],
    n: usize,
    dense: &mut Vec<[u64; 2]>,
    other: &mut Vec<(usize, f64, u8)>,
) -> bool {
    let times = PARQUET_DENSE_TIMES;
    dense.clear();
    dense.resize(n * times, [0, 0]);
    other.clear();
    let mut bad = n == 0;
    for ((&k, &t), &f) in keys.iter().zip(durations).zip(flags) {
        let k = usize::try_from(k).unwrap_or(usize::MAX);
        bad |= k >= n || f > 1;
        let k = k.min(n.saturating_sub(1));
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = t as u64;
        #[allow(clippy::cast_precision_loss)]
        if whole < times as u64 && whole as f64 == t {
            #[allow(clippy::cast_possible_truncation)] // below 4096
            if let Some(c) = dense.get_mut(k * times + whole as usize) {
                c[usize::from(f == 0)] += 1;
            }
        } else {
            other.push((k, t, f));
        }
    }
    !bad
}

impl SurvivalSink {
    /// A batch whose group is a dictionary of at most
    /// [`PER_KEY_SURVIVAL_KEYS`] values and whose three columns have no
    /// null, counted per dictionary key and duration in one loop, the keys
    /// mapped to groups once. `Ok(false)` (nothing counted) for any other
    /// batch, or a key out of range, an event other than 0 or 1, a key whose
    /// value is no valid group name: the per-row path then reads the batch
    /// and names the row of any problem.
    fn add_per_key(&mut self, g: &ArrayRef, d: &ArrayRef, e: &ArrayRef, at: At) -> Result<bool> {
        let Some(dict) = g.as_any().downcast_ref::<DictionaryArray<Int32Type>>() else {
            return Ok(false);
        };
        let n = dict.values().len();
        if dict.keys().null_count() > 0
            || d.null_count() > 0
            || e.null_count() > 0
            || n == 0
            || n > PER_KEY_SURVIVAL_KEYS
        {
            return Ok(false);
        }
        fill_durations(d, at, self.names.name(1), &mut self.durations)?;
        fill_flags(e, at, self.names.name(2), &mut self.flags)?;
        let keys = dict.keys().values();
        if keys.len() != self.durations.len() || keys.len() != self.flags.len() {
            return Ok(false);
        }
        if !count_per_key(
            keys,
            &self.durations,
            &self.flags,
            n,
            &mut self.key_times,
            &mut self.key_other,
        ) {
            return Ok(false);
        }
        let dense = PARQUET_DENSE_TIMES;
        // Every key used maps to a group before anything is counted.
        let mut slots = vec![NULL_SLOT; n];
        for (k, slot) in slots.iter_mut().enumerate() {
            let counts = self
                .key_times
                .get(k * dense..(k + 1) * dense)
                .unwrap_or_default();
            let used = counts.iter().any(|c| c[0] + c[1] > 0)
                || self.key_other.iter().any(|&(o, _, _)| o == k);
            if !used {
                continue;
            }
            match self.groups.key_slot(dict, k, at, self.names.name(0)) {
                Some(s) if s != NULL_SLOT => *slot = s,
                _ => return Ok(false),
            }
        }
        let needed = self.groups.names.len();
        if self.times.len() < needed {
            self.times.resize_with(needed, Times::default);
        }
        for (k, &slot) in slots.iter().enumerate() {
            let Some(times) = self.times.get_mut(slot as usize) else {
                continue;
            };
            let counts = self
                .key_times
                .get(k * dense..(k + 1) * dense)
                .unwrap_or_default();
            if let Some(last) = counts.iter().rposition(|c| c[0] + c[1] > 0) {
                if times.dense.len() <= last {
                    times.dense.resize(last + 1, [0, 0]);
                }
                for (mine, c) in times.dense.iter_mut().zip(counts) {
                    mine[0] += c[0];
                    mine[1] += c[1];
                }
            }
        }
        for &(k, t, f) in &self.key_other {
            let slot = slots.get(k).copied().unwrap_or(NULL_SLOT);
            if let Some(times) = self.times.get_mut(slot as usize) {
                times.add(t, f);
            }
        }
        Ok(true)
    }
}

impl Sink for SurvivalSink {
    fn batch(&mut self, batch: &RecordBatch, at: At) -> Result<u64> {
        let (g, d, e) = (
            self.names.col(batch, 0)?,
            self.names.col(batch, 1)?,
            self.names.col(batch, 2)?,
        );
        if self.add_per_key(g, d, e, at)? {
            return Ok(0);
        }
        self.groups
            .fill(g, at, self.names.name(0), &mut self.slots)?;
        fill_durations(d, at, self.names.name(1), &mut self.durations)?;
        fill_flags(e, at, self.names.name(2), &mut self.flags)?;
        let needed = self.groups.names.len();
        if self.times.len() < needed {
            self.times.resize_with(needed, Times::default);
        }
        let mut skipped = 0u64;
        let rows = self.slots.iter().zip(&self.durations).zip(&self.flags);
        for (i, ((&s, &t), &f)) in rows.enumerate() {
            if s == NULL_SLOT || t.is_nan() || f == NULL_FLAG {
                let which = if s == NULL_SLOT {
                    0
                } else if t.is_nan() {
                    1
                } else {
                    2
                };
                self.names.on_null(at, i, which)?;
                skipped += 1;
                continue;
            }
            if let Some(times) = self.times.get_mut(s as usize) {
                times.add(t, f);
            }
        }
        Ok(skipped)
    }
}

/// Reads the Parquet file at `path` and aggregates a [`SurvivalTable`] per
/// value of `group`: `duration` a finite number ≥ 0, `event` 1 (returned to
/// work) or 0 (censored). Only these three columns are read, row groups in
/// parallel; memory grows with the distinct (group, duration) pairs, not with
/// the rows.
///
/// # Errors
/// As [`aggregate_cohort_parquet`], and [`Error::InvalidValue`] for a
/// negative, infinite or NaN duration.
#[cfg_attr(docsrs, doc(cfg(feature = "parquet")))]
pub fn read_survival_parquet(
    path: &Path,
    group: &str,
    duration: &str,
    event: &str,
    options: &ParquetOptions,
) -> Result<(BTreeMap<String, SurvivalTable>, ParquetSummary)> {
    let columns = [
        (group, Role::Group),
        (duration, Role::Duration),
        (event, Role::Flag),
    ];
    let (sinks, summary) = run(path, &columns, options, |index| SurvivalSink {
        names: names(&[group, duration, event], index, options),
        groups: Groups::default(),
        times: Vec::new(),
        slots: Vec::new(),
        durations: Vec::new(),
        flags: Vec::new(),
        key_times: Vec::new(),
        key_other: Vec::new(),
    })?;
    let mut out: BTreeMap<String, SurvivalTable> = BTreeMap::new();
    for sink in sinks {
        for (name, times) in sink.groups.names.into_iter().zip(sink.times) {
            let table = times.into_table();
            if table.rows().is_empty() {
                continue;
            }
            match out.get_mut(&name) {
                Some(t) => t.merge(&table),
                None => {
                    out.insert(name, table);
                }
            }
        }
    }
    Ok((out, summary))
}
