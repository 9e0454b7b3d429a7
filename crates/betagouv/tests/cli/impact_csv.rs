//! `betagouv impact cohort|survival FILE`: the CSV path (fast path, parallel
//! ranges, fallback to the csv crate) gives the same JSON from a file with any
//! `--threads`, from standard input and from a named pipe.

use std::io::Write;

use super::betagouv;

/// A CSV file of `rows` rows `id,cohort,days,returned` in a temporary
/// directory; `quote_at` puts a quoted group on that row.
fn cohort_file(name: &str, rows: u64, quote_at: Option<u64>) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("betagouv-impact-csv-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    let mut text = String::from("id,cohort,days,returned\n");
    for i in 0..rows {
        let g = if i % 3 == 0 { "encouraged" } else { "control" };
        let g = if quote_at == Some(i) {
            format!("\"{g}\"")
        } else {
            g.to_owned()
        };
        let days = (i * 7919) % 200;
        let y = u8::from(i % 5 < 2);
        text.push_str(&format!("{i},{g},{days},{y}\n"));
    }
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write");
    path
}

const COHORT: [&str; 9] = [
    "--group-column",
    "cohort",
    "--outcome-column",
    "returned",
    "--treated",
    "encouraged",
    "--control",
    "control",
    "--json",
];

const SURVIVAL: [&str; 9] = [
    "--group-column",
    "cohort",
    "--duration-column",
    "days",
    "--event-column",
    "returned",
    "--at",
    "30,150",
    "--json",
];

/// Standard output of `impact COMMAND SOURCE ARGS EXTRA`, with `stdin` fed in.
fn output(
    command: &str,
    source: &str,
    args: &[&str],
    extra: &[&str],
    stdin: Option<Vec<u8>>,
) -> Vec<u8> {
    let mut cmd = betagouv();
    cmd.args(["impact", command, source]).args(args).args(extra);
    if let Some(bytes) = stdin {
        cmd.write_stdin(bytes);
    }
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty());
    out.stdout
}

#[test]
fn threads_and_stdin_give_identical_json() {
    for (name, quote) in [("plain.csv", None), ("quoted.csv", Some(20_000))] {
        let path = cohort_file(name, 30_000, quote);
        let p = path.to_str().expect("utf-8 path");
        let bytes = std::fs::read(&path).expect("read");
        for (command, args) in [("cohort", COHORT), ("survival", SURVIVAL)] {
            let one = output(command, p, &args, &["--threads", "1"], None);
            let two = output(command, p, &args, &["--threads", "2"], None);
            let auto = output(command, p, &args, &[], None);
            let stdin = output(command, "-", &args, &[], Some(bytes.clone()));
            assert_eq!(one, two, "{command} {name}");
            assert_eq!(one, auto, "{command} {name}");
            assert_eq!(one, stdin, "{command} {name}");
        }
        let v: serde_json::Value =
            serde_json::from_slice(&output("cohort", p, &COHORT, &["--threads", "2"], None))
                .expect("json");
        assert_eq!(v["treated"]["n"].as_u64(), Some(10_000), "{name}");
    }
}

#[test]
fn errors_name_the_same_line_whatever_the_threads() {
    let path = cohort_file("bad.csv", 20_000, None);
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str("20000,control,12,maybe\n");
    std::fs::write(&path, &text).expect("write");
    let p = path.to_str().expect("utf-8 path");
    for threads in ["1", "2", "3"] {
        let out = betagouv()
            .args(["impact", "cohort", p])
            .args(COHORT)
            .args(["--threads", threads])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2));
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(
            e.contains("line 20002, column 4 (\"returned\"): expected 0 or 1"),
            "{threads}: {e}"
        );
    }
}

#[test]
fn errors_after_blank_lines_and_crlf_name_the_records_line() {
    let dir = std::env::temp_dir().join(format!("betagouv-impact-csv-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // `printf 'g,y\na,1\n\na,x\n'`: the bad value is on line 4.
    for (name, text, line) in [
        ("blank.csv", "g,y\na,1\n\na,x\n", 4),
        ("crlf.csv", "g,y\r\na,1\r\na,x\r\n", 3),
        ("crlf_blank.csv", "g,y\r\na,1\r\n\r\n\r\na,x\r\n", 5),
        ("quoted.csv", "g,y\n\"a\n\nb\",1\n\n\"a\",x\n", 6),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write");
        let p = path.to_str().expect("utf-8 path");
        let args = [
            "--group-column",
            "g",
            "--outcome-column",
            "y",
            "--treated",
            "a",
            "--control",
            "b",
        ];
        let want = format!("line {line}, column 2 (\"y\"): expected 0 or 1 (value \"x\")");
        for (source, threads, stdin) in [(p, "1", None), (p, "2", None), ("-", "1", Some(text))] {
            let mut cmd = betagouv();
            cmd.args(["impact", "cohort", source])
                .args(args)
                .args(["--threads", threads]);
            if let Some(t) = stdin {
                cmd.write_stdin(t);
            }
            let out = cmd.output().expect("runs");
            assert_eq!(out.status.code(), Some(2), "{name}");
            let e = String::from_utf8_lossy(&out.stderr);
            assert!(e.contains(&want), "{name} {source} {threads}: {e}");
        }
    }
}

#[test]
fn skip_null_is_refused_where_there_is_no_null() {
    let path = cohort_file("skip.csv", 10, None);
    let p = path.to_str().expect("utf-8 path");
    let out = betagouv()
        .args(["impact", "cohort", p, "--skip-null"])
        .args(COHORT)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("--skip-null applies to Parquet and --postgres: a CSV file has no nulls"),
        "{e}"
    );
    // Without it, the same file is counted.
    let out = betagouv()
        .args(["impact", "cohort", p])
        .args(COHORT)
        .output()
        .expect("runs");
    assert!(out.status.success());
}

/// Runs `script` with `sh -c`, `$1` the `betagouv` binary and `$2`, `$3`, ...
/// `args`.
#[cfg(unix)]
fn sh(script: &str, args: &[&str]) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("betagouv");
    std::process::Command::new("sh")
        .args(["-c", script, "sh"])
        .arg(bin)
        .args(args)
        .output()
        .expect("sh runs")
}

/// `impact cohort` of a named pipe (`mkfifo` and a background `printf`, as a
/// shell's `<(...)` gives) and of a pipe opened as `/dev/stdin`: read once
/// from the start, the JSON and the errors of the same rows in a file.
#[cfg(unix)]
#[test]
fn a_named_pipe_or_dev_stdin_is_read_as_the_file() {
    let dir = std::env::temp_dir().join(format!("betagouv-impact-csv-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fifo = dir.join("pipe.csv");
    let fifo = fifo.to_str().expect("utf-8 path");
    let cohort = "--group-column g --outcome-column y --treated a --control b";
    // `$2` the printf format, `$3` the threads, `$4` the pipe; the writer is
    // ended should the command exit without opening the pipe.
    let named = format!(
        "rm -f \"$4\" && mkfifo \"$4\" || exit 9
        printf \"$2\" > \"$4\" &
        \"$1\" impact cohort \"$4\" {cohort} --threads \"$3\"; s=$?
        kill $! 2>/dev/null; wait; rm -f \"$4\"; exit $s"
    );
    let stdin =
        format!("printf \"$2\" | \"$1\" impact cohort /dev/stdin {cohort} --threads \"$3\"");
    let rows = "g,y\\na,1\\nb,0\\na,0\\n\\nb,1\\na,1\\n";
    let bad = "g,y\\na,1\\n\\na,x\\n";
    let file = dir.join("piped.csv");
    std::fs::write(&file, "g,y\na,1\nb,0\na,0\n\nb,1\na,1\n").expect("write");
    let f = file.to_str().expect("utf-8 path");
    let want = output(
        "cohort",
        f,
        &cohort.split(' ').collect::<Vec<_>>(),
        &[],
        None,
    );
    for threads in ["1", "2"] {
        for script in [&named, &stdin] {
            let out = sh(script, &[rows, threads, fifo]);
            let e = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{script}: {e}");
            assert_eq!(out.stdout, want, "{script} {threads}");
            let out = sh(script, &[bad, threads, fifo]);
            let e = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{script}: {e}");
            assert!(
                e.contains("line 4, column 2 (\"y\"): expected 0 or 1 (value \"x\")"),
                "{script} {threads}: {e}"
            );
            assert!(!e.contains("line 0") && !e.contains("seek"), "{e}");
        }
    }
}
