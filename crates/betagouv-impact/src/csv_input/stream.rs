//! The `_file` readers over files that are not regular files (a named pipe,
//! a character device), which cannot seek: read once from their start, with
//! the result and the errors of the same bytes in a regular file.

use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

use super::equal::TempCsv;
use super::*;

/// A named pipe in a temporary directory, removed on drop.
struct Fifo {
    dir: PathBuf,
    path: PathBuf,
}

impl Fifo {
    fn new() -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "betagouv-impact-fifo-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("rows.csv");
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {}", path.display());
        Self { dir, path }
    }
}

impl Drop for Fifo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `read` over a named pipe that a thread writes `bytes` to.
fn through_fifo<T>(bytes: &[u8], read: impl FnOnce(&File) -> T) -> T {
    let fifo = Fifo::new();
    let (path, text) = (fifo.path.clone(), bytes.to_vec());
    // Opening either end waits for the other; the writer's error (the reader
    // gone after an error, before the end) is the reader's to report.
    let writer = std::thread::spawn(move || {
        let _ = File::create(&path).and_then(|mut f| f.write_all(&text));
    });
    let file = File::open(&fifo.path).expect("open the pipe");
    assert!(
        !file.metadata().expect("metadata").is_file(),
        "a pipe is not a regular file"
    );
    let got = read(&file);
    // Let the writer end (it may be blocked on a full pipe) before joining.
    drop(file);
    writer.join().expect("writer");
    got
}

/// The text of a reader's result.
type Shown = std::result::Result<String, String>;

fn shown<T: std::fmt::Debug>(r: Result<T>) -> Shown {
    r.map(|v| format!("{v:?}")).map_err(|e| e.to_string())
}

/// A `_file` reader with its options.
type Reader = fn(&File, CsvOptions) -> Shown;

/// Each `_file` reader: cohort, survival, strata.
const READERS: [Reader; 3] = [
    |f, o| shown(aggregate_cohort_csv_file(f, "g", "y", o)),
    |f, o| shown(read_survival_csv_file(f, "g", "d", "y", o)),
    |f, o| shown(aggregate_strata_csv_file(f, "s", "g", "y", o)),
];

/// Each reader of `file` (a regular file, read again by each).
fn readers(file: &File, options: CsvOptions) -> [Shown; 3] {
    READERS.map(|read| read(file, options))
}

/// Each reader of its own pipe, written `bytes`.
fn piped(bytes: &[u8], options: CsvOptions) -> [Shown; 3] {
    READERS.map(|read| through_fifo(bytes, |f| read(f, options)))
}

/// Every reader over a pipe, with 1 and 2 threads and, for a small input,
/// small buffers (many ranges for a regular file), gives what it gives over
/// a regular file.
#[track_caller]
fn check(bytes: &[u8]) -> [Shown; 3] {
    let regular = TempCsv::new(bytes);
    let mut first = None;
    // Tiny buffers are slow on large inputs in a debug build.
    let small = bytes.len() < 1 << 16;
    let tiny: &[(usize, usize)] = if small { &[(2, 8), (1, 5)] } else { &[] };
    for &(threads, chunk) in [(1, 1 << 20), (2, 1 << 20)].iter().chain(tiny) {
        let o = CsvOptions::default()
            .with_threads(threads)
            .with_chunk_bytes(chunk);
        let want = readers(&regular.1, o);
        let got = piped(bytes, o);
        assert_eq!(got, want, "{threads} threads, chunk {chunk}");
        if let Some(first) = &first {
            assert_eq!(&want, first, "{threads} threads, chunk {chunk}");
        }
        first.get_or_insert(want);
    }
    first.unwrap_or_else(|| panic!("no read"))
}

/// `n` rows `s,g,d,y` over two strata and groups.
fn rows(n: u32) -> String {
    let mut text = String::from("s,g,d,y\n");
    for i in 0..n {
        let (s, g) = (
            ["x", "y"][(i % 2) as usize],
            ["a", "b", "c"][(i % 3) as usize],
        );
        text.push_str(&format!("{s},{g},{},{}\n", i % 17, u8::from(i % 5 < 2)));
    }
    text
}

#[test]
fn a_pipe_is_read_once_with_the_regular_files_counts() {
    let got = check(rows(3000).as_bytes());
    assert!(got.iter().all(Shown::is_ok), "{got:?}");
    // Larger than a pipe's buffer (64 KiB on Linux): the writer waits on the
    // reader.
    let got = check(rows(20_000).as_bytes());
    assert!(got.iter().all(Shown::is_ok), "{got:?}");
    // A quote: the csv crate reads from there on (a regular file is read
    // again from its start, a pipe cannot be).
    let mut quoted = rows(500);
    quoted.push_str("\"x\",\"a\",3,1\n");
    quoted.push_str(&rows(500).replace("s,g,d,y\n", ""));
    let got = check(quoted.as_bytes());
    assert!(got.iter().all(Shown::is_ok), "{got:?}");
}

#[test]
fn a_pipe_gives_the_regular_files_errors_and_lines() {
    let mut bad = rows(1000);
    bad.push_str("\nx,a,4,maybe\n");
    let got = check(bad.as_bytes());
    let want = "line 1003, column 4 (\"y\"): expected 0 or 1 (value \"maybe\")";
    assert_eq!(
        got.map(|r| r.err()),
        [(); 3].map(|()| Some(want.to_owned()))
    );
    // After a quoted line, the csv crate's error, at the same line.
    let got = check(b"s,g,d,y\r\n\"x\",a,1,1\r\n\r\nx,a,1\r\n");
    let want = "line 4, column 4: expected 4 fields as in the header, found 3";
    assert_eq!(
        got.map(|r| r.err()),
        [(); 3].map(|()| Some(want.to_owned()))
    );
    let got = check(b"s,g,d,y\n");
    let want = "no data row after the header (line 1)";
    assert_eq!(
        got.map(|r| r.err()),
        [(); 3].map(|()| Some(want.to_owned()))
    );
    let got = check(b"s,g,y\nx,a,1\n");
    assert_eq!(
        got.get(1).cloned(),
        Some(Err("missing column \"d\" in the header".to_owned()))
    );
}

#[test]
fn a_character_device_is_read_as_a_stream() {
    let Ok(null) = File::open("/dev/null") else {
        return;
    };
    let empty = TempCsv::new(b"");
    for threads in [1, 2] {
        let o = CsvOptions::default().with_threads(threads);
        let got = readers(&null, o);
        assert_eq!(got, readers(&empty.1, o), "{threads} threads");
        assert!(got.iter().all(Shown::is_err), "{got:?}");
    }
}
