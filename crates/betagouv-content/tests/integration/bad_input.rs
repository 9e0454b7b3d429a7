//! Bad input: every case gives a located diagnostic, the rest of the folder is read.

use std::path::Path;

use betagouv_content::read::{ReadOptions, SourceFlag, read_bytes, read_folder};
use betagouv_portfolio::{RecordKind, Severity};

const GOOD: &str =
    "---\ntitle: Bon\nmission: Aider\nstatus: construction\nstart: 2016-01-01\n---\nCorps\n";

fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("content/_startups");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("good.md"), GOOD).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    t
}

/// Reads a folder with `good.md` and `bad`, checks `good` is read and `bad` gives `rule`.
#[track_caller]
fn check(bad: &[u8], rule: &str, line: usize) {
    let t = folder(&[("bad.md", bad)]);
    check_dir(t.path(), "bad.md", rule, line, &ReadOptions::default());
}

#[track_caller]
fn check_dir(root: &Path, bad: &str, rule: &str, line: usize, options: &ReadOptions) {
    let import = read_folder(root, options).unwrap();
    assert!(import.portfolio.startup("good").is_some());
    let d = import
        .diagnostics
        .iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("no {rule} in {:#?}", import.diagnostics));
    let loc = d.location.as_ref().unwrap();
    assert!(loc.file.ends_with(bad), "{}", loc.file.display());
    assert_eq!(loc.line, line, "{d}");
    assert_eq!(import.files.len(), 2);
}

#[test]
fn invalid_yaml() {
    check(b"---\ntitle: x\ngithub: @handle\n---\n", "yaml-syntax", 3);
}

#[test]
fn missing_front_matter() {
    check(b"title: x\n", "missing-front-matter", 1);
    check(b"", "missing-front-matter", 1);
}

#[test]
fn unterminated_front_matter() {
    check(b"\n---\ntitle: x\n", "unterminated-front-matter", 2);
}

#[test]
fn invalid_utf8() {
    check(b"---\ntitle: \xff\n---\n", "invalid-utf8", 2);
}

#[test]
fn alias_bomb() {
    let mut y = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9u8 {
        let (p, c) = ((b'a' + i) as char, (b'b' + i) as char);
        y.push_str(&format!(
            "{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        ));
    }
    y.push_str("---\n");
    check(y.as_bytes(), "yaml-limit", 6);
}

#[test]
fn deep_nesting() {
    let y = format!(
        "---\na: {}1{}\n---\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    check(y.as_bytes(), "yaml-limit", 2);
    // Block nesting, 10,000 levels on one line: `a: - - - ... x`.
    let block = format!("---\na:\n  {}x\n---\n", "- ".repeat(10_000));
    let t = folder(&[("bad.md", block.as_bytes())]);
    let import = read_folder(t.path(), &ReadOptions::default()).unwrap();
    assert!(
        import.diagnostics.iter().any(|d| d.rule == "yaml-limit"),
        "{:#?}",
        import.diagnostics
    );
}

#[test]
fn file_over_the_size_limit() {
    let t = folder(&[]);
    let big = t.path().join("content/_startups/big.md");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap(); // 100 MB, sparse
    check_dir(
        t.path(),
        "big.md",
        "file-too-large",
        0,
        &ReadOptions::default(),
    );
    // A small limit applies too.
    let options = ReadOptions::default().with_max_file_size(10);
    let import = read_folder(t.path(), &options).unwrap();
    assert_eq!(
        import
            .diagnostics
            .iter()
            .filter(|d| d.rule == "file-too-large")
            .count(),
        2
    );
}

#[cfg(unix)]
#[test]
fn symlink_outside_is_not_followed() {
    let t = folder(&[]);
    let outside = t.path().join("secret.md");
    std::fs::write(&outside, GOOD).unwrap();
    std::os::unix::fs::symlink(&outside, t.path().join("content/_startups/link.md")).unwrap();
    std::os::unix::fs::symlink(
        t.path().join("content/_startups/good.md"),
        t.path().join("content/_startups/inside.md"),
    )
    .unwrap();
    let import = read_folder(t.path(), &ReadOptions::default()).unwrap();
    assert!(import.portfolio.startup("inside").is_some());
    assert!(import.portfolio.startup("link").is_none());
    assert!(
        import
            .diagnostics
            .iter()
            .any(|d| d.rule == "symlink-outside"
                && d.location.as_ref().unwrap().file.ends_with("link.md"))
    );
}

/// Tests run as root here, where `chmod 000` does not stop reading; a folder in place
/// of a file and a dangling link stand in for what cannot be read.
#[cfg(unix)]
#[test]
fn unreadable_entries() {
    use std::os::unix::fs::PermissionsExt;
    let t = folder(&[("locked.md", GOOD.as_bytes())]);
    let locked = t.path().join("content/_startups/locked.md");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::create_dir(t.path().join("content/_startups/folder.md")).unwrap();
    std::os::unix::fs::symlink(
        "/nonexistent/x.md",
        t.path().join("content/_startups/dangling.md"),
    )
    .unwrap();
    let import = read_folder(t.path(), &ReadOptions::default()).unwrap();
    let is_root = std::fs::read(&locked).is_ok();
    if !is_root {
        assert!(
            import
                .diagnostics
                .iter()
                .any(|d| d.rule == "unreadable-file")
        );
    }
    assert!(
        import
            .diagnostics
            .iter()
            .any(|d| d.rule == "subfolder-ignored")
    );
    assert!(
        import
            .diagnostics
            .iter()
            .any(|d| d.rule == "symlink-outside")
    );
    assert!(import.portfolio.startup("good").is_some());
}

#[test]
fn quirks_are_read_and_flagged() {
    let crlf = b"\xEF\xBB\xBF\n---\r\ntitle: A\r\ntitle: B\r\nmission: x\t\r\nphases:\r\n  - name: alumni\r\n  - name: construction\r\n    start: '2020-01-01'\r\n    end: ''\r\nlink: ''\r\nimpact_url: https://x\r\n---\r\nBody\r\n";
    let r = read_bytes(
        RecordKind::Startup,
        Path::new("a"),
        crlf,
        &ReadOptions::default(),
    );
    let rules: Vec<_> = r.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    for rule in [
        "not-markdown",
        "bom",
        "crlf",
        "blank-before-front-matter",
        "tab-in-yaml",
        "duplicate-key",
    ] {
        assert!(rules.contains(&rule), "{rule} in {rules:?}");
    }
    let dup = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "duplicate-key")
        .unwrap();
    assert_eq!(dup.location.as_ref().unwrap().line, 4);
    let Some(betagouv_content::read::AnyRecord::Startup(s)) = r.record else {
        panic!()
    };
    assert_eq!(s.name, "B");
    assert_eq!(s.pitch, "x");
    assert_eq!(s.links.site, None);
    assert_eq!(s.phases.len(), 2);
    assert_eq!(
        s.phases[1]
            .start
            .as_ref()
            .and_then(|d| d.exact())
            .unwrap()
            .to_string(),
        "2020-01-01"
    );
    assert_eq!(s.phases[1].end, None);
    assert_eq!(s.body, "Body\n");
    assert!(r.source.has(SourceFlag::QuotedDates));
    assert_eq!(
        s.extra.keys().collect::<Vec<_>>(),
        ["impact_url"]
            .iter()
            .copied()
            .filter(|_| false)
            .collect::<Vec<&str>>()
    );
    assert_eq!(s.links.impact_url.as_deref(), Some("https://x"));
    assert!(
        r.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Warning)
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
        for kind in [RecordKind::Startup, RecordKind::Member, RecordKind::Incubator, RecordKind::Organisation] {
            let r = read_bytes(kind, Path::new("x.md"), &bytes, &ReadOptions::default());
            proptest::prop_assert!(r.record.is_some() || r.diagnostics.iter().any(|d| d.severity == Severity::Error));
        }
    }

    #[test]
    fn yamlish_text_never_panics(s in "(---\n)?([a-z]{1,3}:( |\t)?(\\[|\\{|'|\"|&a |\\*a|-|[a-z0-9]{0,4}|\t| )*\n( +- )?)*(---\n)?") {
        let bytes = format!("---\n{s}---\nbody");
        let r = read_bytes(RecordKind::Startup, Path::new("x.md"), bytes.as_bytes(), &ReadOptions::default());
        proptest::prop_assert!(r.record.is_some() || !r.diagnostics.is_empty());
    }
}

/// Class 4 (silent loss): the import counts every file that gave no record, whatever
/// the reason, and each has an error diagnostic of a rule that drops files.
#[test]
fn dropped_files_are_counted_and_explained() {
    let t = folder(&[
        ("yaml.md", b"---\ntitle: [x\n---\n"),
        ("none.md", b"no front matter\n"),
        ("open.md", b"---\ntitle: x\n"),
        ("utf8.md", b"---\ntitle: \xff\n---\n"),
        ("warn.md", b"\xef\xbb\xbf---\ntitle: ok\n---\n"),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink("/nonexistent", t.path().join("content/_startups/link.md")).unwrap();
    let import = read_folder(t.path(), &ReadOptions::default()).unwrap();
    let s = import.summary();
    let links = usize::from(cfg!(unix));
    assert_eq!(
        s.records, 2,
        "good.md and warn.md (a warning drops nothing)"
    );
    assert_eq!(s.dropped_files, 4 + links);
    assert_eq!(s.files, s.records + s.dropped_files);
    assert!(s.warnings >= 1);
    let explained: Vec<&str> = import
        .dropped_diagnostics()
        .map(|d| d.rule.as_str())
        .collect();
    assert_eq!(explained.len(), s.dropped_files, "{explained:?}");
    for rule in explained {
        assert!(
            betagouv_content::rules::find(rule).is_some_and(|r| r.drops_file),
            "{rule} must be listed as a rule that drops files"
        );
    }
}

proptest::proptest! {
    /// Whatever mix of good and broken files, records + dropped = files, and the
    /// dropped count is exactly the number of broken files.
    #[test]
    fn summary_counts_add_up(kinds in proptest::collection::vec(0u8..4, 0..12)) {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("content/_startups");
        std::fs::create_dir_all(&dir).unwrap();
        let mut broken = 0;
        for (i, k) in kinds.iter().enumerate() {
            let text: &[u8] = match k {
                0 => GOOD.as_bytes(),
                1 => b"---\ntitle: x\ncontact: a\ncontact: b\n---\n",
                2 => { broken += 1; b"---\ntitle: [x\n---\n" }
                _ => { broken += 1; b"plain text\n" }
            };
            std::fs::write(dir.join(format!("s{i}.md")), text).unwrap();
        }
        let import = read_folder(t.path(), &ReadOptions::default()).unwrap();
        let s = import.summary();
        proptest::prop_assert_eq!(s.files, kinds.len());
        proptest::prop_assert_eq!(s.dropped_files, broken);
        proptest::prop_assert_eq!(s.records + s.dropped_files, s.files);
        proptest::prop_assert_eq!(s.has_dropped(), broken > 0);
        proptest::prop_assert!(s.errors >= broken);
    }
}

/// Found by the `front_matter` fuzz target: nested complex keys (`?` and TABs) once
/// took 3 GB and 46 s for 434 bytes. The keys' written forms are now bounded.
#[test]
fn nested_complex_keys_are_bounded() {
    let bytes = include_bytes!("../fixtures/fuzz/nested-complex-keys.md");
    for kind in [RecordKind::Startup, RecordKind::Member] {
        let r = read_bytes(kind, Path::new("x.md"), bytes, &ReadOptions::default());
        assert!(r.record.is_some() || !r.diagnostics.is_empty());
        assert!(
            r.diagnostics.iter().any(|d| d.rule == "complex-key"),
            "{:?}",
            r.diagnostics
        );
        let longest = r.diagnostics.iter().map(|d| d.message.len()).max();
        assert!(longest.is_some_and(|n| n < 2_000), "{longest:?}");
    }
}
