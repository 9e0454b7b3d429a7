//! Serde both ways: every public result and input type reads back from JSON as it
//! was, on real values (the era fixtures).

use std::path::PathBuf;

use betagouv_content::check::{CheckOptions, CheckReport, RuleSet, check_folder};
use betagouv_content::layout::LayoutKind;
use betagouv_content::read::{
    FileRead, Import, ReadOptions, SourceFlag, VocabularySource, YamlLimits, read_bytes,
    read_folder,
};
use betagouv_content::upgrade::{Upgrade, UpgradeOptions, upgrade};
use betagouv_content::write::{VocabularyKey, WriteOptions};
use betagouv_content::{IfExists, rules};
use betagouv_portfolio::{RecordKind, Vocabulary};
use serde::Serialize;
use serde::de::DeserializeOwned;

fn fixture(era: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/eras")
        .join(era)
}

const ERAS: [&str; 6] = [
    "e1-2017-03",
    "e2-2018",
    "e3-2019",
    "e3-2020",
    "e4-2021",
    "e5-2026",
];

/// `value` to JSON and back gives `value`; returns the JSON.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) -> serde_json::Value {
    let json = serde_json::to_value(value).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(&back, value, "{json:#}");
    json
}

#[test]
fn imports_check_reports_and_upgrades_read_back_as_they_were() {
    for era in ERAS {
        let import: Import = read_folder(fixture(era), &ReadOptions::default()).unwrap();
        assert!(!import.files.is_empty(), "{era}");
        let json = round_trip(&import);
        assert!(json["files"][0]["source"]["flags"].is_array(), "{era}");
        for f in &import.files {
            round_trip(f);
        }
        let report: CheckReport = check_folder(fixture(era), &CheckOptions::default()).unwrap();
        round_trip(&report);
        let out = tempfile::tempdir().unwrap();
        let up: Upgrade = upgrade(
            fixture(era),
            out.path().join("new"),
            &UpgradeOptions::default(),
        )
        .unwrap();
        assert!(!up.written.files.is_empty(), "{era}");
        round_trip(&up);
    }
}

#[test]
fn a_file_read_keeps_its_flags_and_record() {
    let r: FileRead = read_bytes(
        RecordKind::Startup,
        "a.md",
        b"\xEF\xBB\xBF---\r\ntitle: A\r\nphases:\r\n  - name: construction\r\n    start: '2020-01-01'\r\n---\r\nBody\r\n",
        &ReadOptions::default(),
    );
    assert!(r.record.is_some());
    for flag in [
        SourceFlag::Markdown,
        SourceFlag::Bom,
        SourceFlag::Crlf,
        SourceFlag::QuotedDates,
    ] {
        assert!(r.source.has(flag), "{flag:?}");
    }
    let json = round_trip(&r);
    assert_eq!(
        json["source"]["flags"],
        serde_json::json!(["markdown", "bom", "crlf", "quoted_dates"])
    );
    assert!(json["record"]["startup"].is_object(), "{json:#}");
    assert!(r.diagnostics.iter().any(|d| d.rule == rules::BOM));
}

#[test]
fn options_read_back_as_they_were() {
    let read = ReadOptions::default()
        .with_vocabulary(Vocabulary::V2026)
        .with_threads(1)
        .with_max_file_size(1000)
        .with_yaml_limits(YamlLimits::default().with_max_depth(8).with_max_nodes(99));
    let json = round_trip(&read);
    assert_eq!(json["yaml_limits"]["max_depth"], 8);
    // The progress callback is not serialised: it reads back as none.
    let with_progress = read.clone().with_progress(|_| {});
    let back: ReadOptions =
        serde_json::from_value(serde_json::to_value(&with_progress).unwrap()).unwrap();
    assert!(back.progress.is_none());
    assert_eq!(back, read);
    // Missing keys take their defaults.
    let empty: ReadOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, ReadOptions::default());

    round_trip(
        &CheckOptions::default()
            .with_read(read.clone())
            .with_rules(RuleSet::Schema2020)
            .with_skip([rules::MEMBER_FILE_NAME]),
    );
    let json = round_trip(
        &WriteOptions::default()
            .with_vocabulary_key(VocabularyKey::Omit)
            .with_if_exists(IfExists::Replace),
    );
    assert_eq!(
        json,
        serde_json::json!({"vocabulary_key": "omit", "if_exists": "replace"})
    );
    round_trip(
        &UpgradeOptions::default()
            .with_read(read)
            .with_if_exists(IfExists::Replace),
    );
    for v in [
        VocabularySource::Option,
        VocabularySource::Recorded,
        VocabularySource::Detected,
    ] {
        round_trip(&v);
    }
    for k in [
        LayoutKind::Site2016,
        LayoutKind::Site2017,
        LayoutKind::Content,
        LayoutKind::Collection,
        LayoutKind::Empty,
    ] {
        round_trip(&k);
    }
}
