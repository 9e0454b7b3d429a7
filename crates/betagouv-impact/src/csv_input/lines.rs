//! The line of every CSV reader's error, against the line of the bad
//! record's first byte counted independently (1 + the `\n` before it), over
//! texts with blank lines, `\r\n` and lone `\r` endings, a byte-order mark and
//! quoted fields holding newlines.

use proptest::prelude::*;

use super::equal::{TempCsv, reference};
use super::*;
use crate::{
    read_cluster_counts_csv, read_cohort_counts_csv, read_covariate_rows_csv,
    read_stratum_counts_csv, read_survival_counts_csv,
};

/// The line and column of an error, if it has them.
type Located = Option<(u64, Option<usize>)>;

/// What the readers of a text said: per reader, its name and its error.
type Found = Vec<(String, Located)>;

/// The readers of the texts of one [`Spec`].
type Reader = fn(&[u8]) -> Found;

/// What a reader reads: its header, the good values of each column, the bad
/// values of one column, and whether an extra column (holding quoted
/// newlines) is allowed.
struct Spec {
    header: &'static [&'static str],
    good: &'static [&'static [&'static str]],
    /// A column (0-based) and values it refuses.
    bad: (usize, &'static [&'static str]),
    extra: bool,
    read: Reader,
}

/// The line and column of an error (`None` for an error without a line).
fn located(e: &Error) -> Located {
    match e {
        Error::InvalidCell {
            line,
            column_number,
            ..
        } => Some((*line, Some(*column_number))),
        Error::Csv { line, column, .. } => Some((*line, *column)),
        Error::RecordTooLarge { line, .. } => Some((*line, None)),
        _ => None,
    }
}

fn one<T>(name: &str, r: Result<T>) -> (String, Located) {
    (name.to_owned(), r.err().as_ref().and_then(located))
}

/// The reference reader alone, the fast path over several buffers, and the
/// file readers with several threads (ranges that start after blank lines).
fn fast_readers<C: Counter>(
    bytes: &[u8],
    names: &[&str],
    count: impl Fn(&[u8], CsvOptions) -> Result<()>,
    file: impl Fn(&std::fs::File, CsvOptions) -> Result<()>,
) -> Found {
    let base = CsvOptions::default();
    let mut out = vec![one("reference", reference::<C>(bytes, names, base))];
    for chunk in [1, 5, 16, 1 << 20] {
        let o = base.with_chunk_bytes(chunk);
        out.push(one(&format!("chunk {chunk}"), count(bytes, o)));
    }
    let f = TempCsv::new(bytes);
    for (threads, chunk) in [(1, 1 << 20), (2, 8), (3, 16), (4, 4)] {
        let o = base.with_chunk_bytes(chunk).with_threads(threads);
        out.push(one(
            &format!("file, {threads} threads, chunk {chunk}"),
            file(&f.1, o),
        ));
    }
    out
}

fn read_cohort(b: &[u8]) -> Found {
    fast_readers::<CohortCounter>(
        b,
        &["g", "y"],
        |b, o| aggregate_cohort_csv_with(b, "g", "y", o).map(drop),
        |f, o| aggregate_cohort_csv_file(f, "g", "y", o).map(drop),
    )
}

fn read_survival(b: &[u8]) -> Found {
    fast_readers::<SurvivalCounter>(
        b,
        &["g", "d", "y"],
        |b, o| read_survival_csv_with(b, "g", "d", "y", o).map(drop),
        |f, o| read_survival_csv_file(f, "g", "d", "y", o).map(drop),
    )
}

fn read_strata(b: &[u8]) -> Found {
    let mut out = fast_readers::<StrataCounter>(
        b,
        &["s", "g", "y"],
        |b, o| count_read::<StrataCounter, _>(b, &["s", "g", "y"], o).map(drop),
        |f, o| aggregate_strata_csv_file(f, "s", "g", "y", o).map(drop),
    );
    out.push(one("strata", aggregate_strata_csv(b, "s", "g", "y")));
    out
}

fn read_lin(b: &[u8]) -> Found {
    let columns = crate::lin::tests::TEST_COLUMNS;
    vec![one("covariate rows", read_covariate_rows_csv(b, columns))]
}

const GROUPS: &[&str] = &["a", "b", "\"a\"", "\"a\nb\"", "\"c\r\nd\n\n\"", "\"x,\ny\""];
const ARMS: &[&str] = &["t", "c", "\"t\"", "\"c\""];
const FLAGS: &[&str] = &["0", "1", "\"1\"", " 0"];

const SPECS: &[Spec] = &[
    Spec {
        header: &["g", "y"],
        good: &[GROUPS, FLAGS],
        bad: (1, &["x", "2", "", "\"x\ny\""]),
        extra: true,
        read: read_cohort,
    },
    Spec {
        header: &["g", "y"],
        good: &[GROUPS, FLAGS],
        bad: (0, &[""]),
        extra: true,
        read: read_cohort,
    },
    Spec {
        header: &["g", "d", "y"],
        good: &[GROUPS, &["0", "3", "2.5", "\"7\""], FLAGS],
        bad: (1, &["-1", "abc", "inf"]),
        extra: true,
        read: read_survival,
    },
    Spec {
        header: &["s", "g", "y"],
        good: &[GROUPS, GROUPS, FLAGS],
        bad: (2, &["2", "\"\""]),
        extra: true,
        read: read_strata,
    },
    Spec {
        header: &["group", "n", "successes"],
        good: &[GROUPS, &["5", "\"9\""], &["2", "0"]],
        bad: (1, &["x", "-1"]),
        extra: false,
        read: |b| vec![one("cohort counts", read_cohort_counts_csv(b))],
    },
    Spec {
        header: &["stratum", "group", "n", "successes"],
        good: &[GROUPS, GROUPS, &["5"], &["2", "\"1\""]],
        bad: (3, &["x", "1.5"]),
        extra: false,
        read: |b| vec![one("stratum counts", read_stratum_counts_csv(b))],
    },
    Spec {
        header: &["cluster", "group", "n", "successes"],
        good: &[GROUPS, GROUPS, &["5"], &["2"]],
        bad: (0, &[""]),
        extra: false,
        read: |b| vec![one("cluster counts", read_cluster_counts_csv(b))],
    },
    Spec {
        header: &["group", "time", "events", "censored"],
        good: &[GROUPS, &["3", "0.5"], &["1"], &["0", "2"]],
        bad: (1, &["-3", "nan", "\"a\nb\""]),
        extra: false,
        read: |b| vec![one("survival counts", read_survival_counts_csv(b))],
    },
    Spec {
        header: &["g", "y", "x"],
        good: &[ARMS, &["0.5", "1", "\"2\""], &["3", "-1"]],
        bad: (2, &["x", "nan", ""]),
        extra: true,
        read: read_lin,
    },
];

/// The blank lines before a row, or a row's ending.
const ENDINGS: &[&str] = &["\n", "\r\n", "\r"];
const BLANKS: &[&str] = &["", "", "", "\n", "\r\n", "\n\n", "\r\n\r\n", "\n\r\n", "\r"];

/// How to build one text: the choices of every row.
#[derive(Debug, Clone)]
struct Plan {
    bom: bool,
    /// Blank lines before the header.
    lead: usize,
    /// Per row: blank lines before it, its ending, and a choice per column.
    rows: Vec<(usize, usize, [usize; 6])>,
    /// The bad row, which of the bad values, and whether it is ragged
    /// instead (one field missing).
    bad: (usize, usize, bool),
    /// The last line has no ending.
    cut: bool,
    spec: usize,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        any::<bool>(),
        0..BLANKS.len(),
        prop::collection::vec(
            (
                0..BLANKS.len(),
                prop_oneof![4 => Just(0usize), 3 => Just(1), 1 => Just(2)],
                any::<[usize; 6]>(),
            ),
            1..12,
        ),
        (any::<prop::sample::Index>(), any::<usize>(), 0u8..8),
        any::<bool>(),
        0..SPECS.len(),
    )
        .prop_map(|(bom, lead, rows, (at, value, ragged), cut, spec)| Plan {
            bom,
            lead,
            bad: (at.index(rows.len()), value, ragged == 0),
            rows,
            cut,
            spec,
        })
}

/// The text of a plan, and the line of its bad record's first byte, counted
/// from its byte offset.
fn text(plan: &Plan) -> (Vec<u8>, u64, Option<usize>) {
    let spec = SPECS.get(plan.spec).expect("spec");
    let pick = |values: &[&'static str], i: usize| values[i % values.len()];
    let mut t = Vec::new();
    if plan.bom {
        t.extend_from_slice(BOM);
    }
    t.extend_from_slice(pick(BLANKS, plan.lead).as_bytes());
    let mut header = spec.header.join(",");
    if spec.extra {
        header.push_str(",note");
    }
    t.extend_from_slice(header.as_bytes());
    t.extend_from_slice(b"\n");
    let (bad_row, bad_value, ragged) = plan.bad;
    let (bad_column, bad_values) = spec.bad;
    let mut expected = (0, None);
    for (i, (blank, ending, choices)) in plan.rows.iter().enumerate() {
        t.extend_from_slice(pick(BLANKS, *blank).as_bytes());
        let mut fields: Vec<&str> = spec
            .good
            .iter()
            .zip(choices)
            .map(|(values, c)| pick(values, *c))
            .collect();
        if spec.extra {
            fields.push(pick(&["", "n", "\"n\n\nm\"", "\"\r\n\""], choices[5]));
        }
        if i == bad_row {
            let line = 1 + memchr::memchr_iter(b'\n', &t).count() as u64;
            if ragged {
                fields.pop();
                expected = (line, Some(fields.len() + 1));
            } else {
                fields[bad_column] = pick(bad_values, bad_value);
                expected = (line, Some(bad_column + 1));
            }
        }
        t.extend_from_slice(fields.join(",").as_bytes());
        // A lone `\r` ends no line of a text editor: the bad record's line is
        // counted from its byte offset all the same.
        let last = i + 1 == plan.rows.len();
        if !(last && plan.cut) {
            t.extend_from_slice(pick(ENDINGS, *ending).as_bytes());
        }
    }
    (t, expected.0, expected.1)
}

/// Every reader of `plan`'s text names the bad record's line and column.
fn check(plan: &Plan) {
    let (bytes, line, column) = text(plan);
    let spec = SPECS.get(plan.spec).expect("spec");
    for (reader, got) in (spec.read)(&bytes) {
        assert_eq!(
            got,
            Some((line, column)),
            "{reader} over {:?}",
            String::from_utf8_lossy(&bytes)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn errors_name_the_line_of_the_bad_records_first_byte(plan in plan()) {
        check(&plan);
    }
}

#[test]
fn every_spec_and_ending_names_the_right_line() {
    for spec in 0..SPECS.len() {
        for blank in 0..BLANKS.len() {
            for ending in 0..ENDINGS.len() {
                for ragged in [false, true] {
                    let rows = (0..4).map(|i| (blank, ending, [i; 6])).collect();
                    check(&Plan {
                        bom: blank % 2 == 0,
                        lead: blank,
                        rows,
                        bad: (2, blank, ragged),
                        cut: ending == 1,
                        spec,
                    });
                }
            }
        }
    }
}
