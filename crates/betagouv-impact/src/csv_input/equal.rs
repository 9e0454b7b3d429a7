//! The fast path, sequential and over files in parallel, against the
//! reference reader (the csv crate from the first line, as before the fast
//! path existed): same counts, or the same error.

use std::io::Write;

use proptest::prelude::*;

use super::*;

/// The reference reader alone over the whole input.
pub(super) fn reference<C: Counter>(
    bytes: &[u8],
    names: &[&str],
    options: CsvOptions,
) -> Result<C> {
    let mut src = CsvSource::new(bytes, options)?;
    let columns = names
        .iter()
        .map(|n| src.column(n))
        .collect::<Result<Vec<_>>>()?;
    let mut counter = C::default();
    src.count_rest(&mut counter, &columns)?;
    Ok(counter)
}

fn shown<T: std::fmt::Debug>(r: Result<T>) -> std::result::Result<T, String> {
    r.map_err(|e| e.to_string())
}

/// A temporary file holding `bytes`, removed on drop.
pub(super) struct TempCsv(std::path::PathBuf, pub(super) std::fs::File);

impl TempCsv {
    pub(super) fn new(bytes: &[u8]) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "betagouv-impact-csv-{}-{}.csv",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let mut f = std::fs::File::create(&path).expect("temp file");
        f.write_all(bytes).expect("write");
        let f = std::fs::File::open(&path).expect("open");
        Self(path, f)
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Every way to read `bytes` (buffers, threads) gives what the reference
/// reader gives.
fn check_all(bytes: &[u8], limit: usize) {
    let base = CsvOptions::default().with_max_record_bytes(limit);
    let cohort = |r: Result<CohortCounter>| shown(r.map(CohortCounter::into_stats));
    let survival = |r: Result<SurvivalCounter>| shown(r.map(SurvivalCounter::into_tables));
    let want_c = cohort(reference(bytes, &["g", "y"], base));
    let want_s = survival(reference(bytes, &["g", "d", "y"], base));
    let strata = |r: Result<StrataCounter>| shown(r.map(StrataCounter::into_strata));
    // The duration column as the stratum: any text, some of it refused.
    let want_k = strata(reference(bytes, &["d", "g", "y"], base));
    for chunk in [1, 5, 16, 64, 1 << 20] {
        let o = base.with_chunk_bytes(chunk);
        let got = shown(aggregate_cohort_csv_with(bytes, "g", "y", o));
        assert_eq!(got, want_c, "cohort, chunk {chunk}");
        let got = shown(read_survival_csv_with(bytes, "g", "d", "y", o));
        assert_eq!(got, want_s, "survival, chunk {chunk}");
        let got = strata(count_read::<StrataCounter, _>(bytes, &["d", "g", "y"], o));
        assert_eq!(got, want_k, "strata, chunk {chunk}");
    }
    let file = TempCsv::new(bytes);
    for (threads, chunk) in [(1, 1 << 20), (2, 8), (3, 16), (5, 4), (2, 1 << 20)] {
        let o = base.with_chunk_bytes(chunk).with_threads(threads);
        let got = shown(aggregate_cohort_csv_file(&file.1, "g", "y", o));
        assert_eq!(got, want_c, "cohort file, {threads} threads, chunk {chunk}");
        let got = shown(read_survival_csv_file(&file.1, "g", "d", "y", o));
        assert_eq!(
            got, want_s,
            "survival file, {threads} threads, chunk {chunk}"
        );
        let got = shown(aggregate_strata_csv_file(&file.1, "d", "g", "y", o));
        assert_eq!(got, want_k, "strata file, {threads} threads, chunk {chunk}");
    }
}

fn group() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => (0u8..3).prop_map(|i| vec![b'a' + i]),
        3 => (0u32..40).prop_map(|i| format!("g{i}").into_bytes()),
        1 => Just(Vec::new()),
        1 => Just(b"\"a\"".to_vec()),
        1 => Just(b"\"x,y\"".to_vec()),
        1 => Just(b"\"m\nn\"".to_vec()),
        1 => Just(b"\"q\"\"r\"".to_vec()),
        1 => Just(vec![0xff, b'z']),
        1 => Just(b" a".to_vec()),
        1 => Just(b"a\rb".to_vec()),
        1 => Just(b"\xef\xbb\xbfa".to_vec()),
    ]
}

fn flag() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        10 => Just("0"), 10 => Just("1"), 1 => Just(" 1"), 1 => Just("1 "),
        1 => Just("2"), 1 => Just(""), 1 => Just("\"1\""), 1 => Just("x"),
    ]
}

fn duration() -> impl Strategy<Value = String> {
    prop_oneof![
        10 => (0u32..200).prop_map(|d| d.to_string()),
        3 => (0u32..200).prop_map(|d| format!("{d}.0")),
        1 => (0u32..5000).prop_map(|d| d.to_string()),
        1 => Just("1.5".to_owned()), 1 => Just("-0".to_owned()), 1 => Just("1e2".to_owned()),
        1 => Just(" 7 ".to_owned()), 1 => Just("7.".to_owned()), 1 => Just("-1".to_owned()),
        1 => Just("abc".to_owned()), 1 => Just(String::new()), 1 => Just("inf".to_owned()),
        1 => Just("12345678901234567".to_owned()), 1 => Just("0007".to_owned()),
    ]
}

fn ending() -> impl Strategy<Value = &'static str> {
    prop_oneof![12 => Just("\n"), 4 => Just("\r\n"), 1 => Just("\r"), 1 => Just("\n\n"),
        1 => Just("\r\n\r\n"), 1 => Just("\n\r\n"), 1 => Just("\r\n\n\n\r\n"),
        1 => Just("\n\r\r\n")]
}

/// A row `id,g,d,y` (or ragged), with its line ending: the group, then the
/// rest from the `,` after it.
fn row() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    (group(), duration(), flag(), ending(), 0u8..30).prop_map(|(g, d, y, end, shape)| {
        let mut r = vec![b','];
        r.extend_from_slice(d.as_bytes());
        match shape {
            0 => {}
            1 => r.extend_from_slice(b",1,extra"),
            _ => {
                r.push(b',');
                r.extend_from_slice(y.as_bytes());
            }
        }
        r.extend_from_slice(end.as_bytes());
        (g, r)
    })
}

fn file() -> impl Strategy<Value = Vec<u8>> {
    (
        prop_oneof![4 => Just(""), 1 => Just("\u{feff}"), 1 => Just("\n\r\n"),
            1 => Just("\u{feff}\r\n")],
        prop_oneof![4 => Just("id,g,d,y"), 1 => Just("\"id\",g,d,y"), 1 => Just("id,g,d,y,g"),
            // The group first: a line may start with a read field.
            2 => Just("g,id,d,y")],
        ending(),
        prop::collection::vec(row(), 0..40),
        any::<bool>(),
    )
        .prop_map(|(lead, header, end, rows, cut)| {
            let mut f = format!("{lead}{header}{end}").into_bytes();
            let group_first = header.starts_with('g');
            for (g, rest) in rows {
                if group_first {
                    f.extend(g);
                    f.extend_from_slice(b",7");
                } else {
                    f.extend_from_slice(b"7,");
                    f.extend(g);
                }
                f.extend(rest);
            }
            if cut {
                // A last line without its line ending.
                while f.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    f.pop();
                }
            }
            f
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_fast_path_reads_as_the_csv_crate(bytes in file(), small in any::<bool>()) {
        check_all(&bytes, if small { 24 } else { DEFAULT_MAX_RECORD_BYTES });
    }

    #[test]
    fn valid_files_read_alike(
        rows in prop::collection::vec((0u32..50, 0u32..300, any::<bool>()), 1..300),
        crlf in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut f = format!("id,g,d,y{end}");
        for (i, (g, d, y)) in rows.iter().enumerate() {
            f.push_str(&format!("{i},c{g},{d},{}{end}", u8::from(*y)));
        }
        check_all(f.as_bytes(), DEFAULT_MAX_RECORD_BYTES);
    }
}

#[test]
fn each_fallback_trigger_gives_the_reference_answer() {
    let cases: &[&[u8]] = &[
        b"id,g,d,y\n1,a,1,1\n2,\"b\",2,0\n3,a,3,1\n",
        b"id,g,d,y\n1,a,1,1\n2,\"b,c\nd\",2,0\n3,a,3,1\n",
        b"id,g,d,y\n1,a,1,1\r2,b,2,0\n3,a,3,1\n",
        b"id,g,d,y\n1,a,1,1\n2,b,2\n3,a,3,1\n",
        b"id,g,d,y\n1,a,1,1\n2,b,2,0,9\n",
        b"id,g,d,y\n1,a,1,1\n2,b,2,x\n",
        b"id,g,d,y\n1,a,1,1\n2,b,-2,1\n",
        b"id,g,d,y\n1,a,1,1\n2,,2,1\n",
        b"id,g,d,y\n1,a,1,1\n2,\xff,2,1\n",
        b"id,g,d,y\n\n\r\n1,a,1,1\n\n2,b,2,0",
        b"\xef\xbb\xbfid,g,d,y\r\n1,a,1,1\r\n",
        b"id,g,d,y\n1,a,1,1\n2,b,2,0\r",
        b"id,g,d,y\n\n\n",
        b"id,g,d,y\n1,a,1\r\r\n",
        b"id,g,d,y\n1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,1,1\n",
        b"id,g,d,y\r\n1,a,1,1\r\n\r\n\n2,b,2,x\r\n",
        b"\n\nid,g,d,y\n1,a,1,1\n\n\n2,\"b\nc\",-2,0\n",
        b"id,g,d,y\n1,a,1,1\n\n\n\n\n\n\n\n\n\n\n\n2,b,2,x\n",
        b"g,id,d,y\n\xef\xbb\xbfb,1,1,\"1\"\n",
        b"g,id,d,y\na,1,1,1\n\xef\xbb\xbfb,1,1,\"1\"\n",
        b"g,id,d,y\r\na,1,1,1\r\n\xef\xbb\xbfb,1,1,\"1\"\r\n",
    ];
    for &case in cases {
        check_all(case, 24);
        check_all(case, DEFAULT_MAX_RECORD_BYTES);
    }
}

#[test]
fn the_fast_path_stops_where_expected() {
    // The fast path counts the lines before the quote; the reference reader
    // the rest.
    let layout = Layout::new(2, &[0, 1]).expect("layout");
    let mut c = CohortCounter::default();
    let mut rows = 0;
    let input: &[u8] = b"a,1\nb,0\n\"c\",1\nd,1\n";
    let end = fast::fast_read(input, &layout, 1 << 20, 1 << 20, &mut c, &mut rows, 2);
    assert!(matches!(end, Ok(FastEnd::Stopped { line: 4, .. })));
    assert_eq!(rows, 2);
    // A line longer than the buffer stops it too; blank lines are skipped.
    let mut rows = 0;
    let input: &[u8] = b"a,1\n\n\nbbbbbbbbbbbbbbbbbbbbbb,1\n";
    let end = fast::fast_read(input, &layout, 1 << 20, 8, &mut c, &mut rows, 1);
    assert!(matches!(end, Ok(FastEnd::Stopped { line: 2, .. })));
    assert_eq!(rows, 1);
    // A wanted column read twice: no fast path.
    assert!(Layout::new(3, &[1, 1]).is_none());
}
