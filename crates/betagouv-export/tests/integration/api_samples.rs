//! The `api-json` export of the 2025 snapshot, checked field by field against real
//! files of the beta.gouv.fr API v2.5 (`shared/data/api-samples/v2.5`).
//!
//! For every sample record, the same record of our export must have the same nesting
//! and JSON types for every field present on both sides. A field present on one side
//! only (in these files `null` counts as absent) is allowed only where the content
//! changed between our snapshot (2025-12-31) and the samples' commit (2026-08-20),
//! and the test proves it from the snapshot's file: a field only in the sample must
//! be absent or empty (`''`, which the reader treats as absent) in our source file,
//! a field only in our export must be set there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{export_tmp, options_2025, snapshot_2025};
use betagouv_export::{ApiVersion, ExportFormat};

/// Incubator renamed between the two dates (`menj.md` became `MEN.md`, same
/// incubator): the sample's `MEN` is compared with our `menj`.
const RENAMED: &[(&str, &str)] = &[("MEN", "menj")];

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[derive(Debug, Default)]
struct Outcome {
    type_mismatches: Vec<String>,
    /// (source file, front-matter key, path, true when only in the sample)
    one_sided: Vec<(PathBuf, String, String, bool)>,
    equal_leaves: usize,
    leaves: usize,
}

/// Front-matter key of an API field.
fn source_key(field: &str) -> &str {
    match field {
        "name" => "title",
        "pitch" => "mission",
        "type" => "type",
        other => other,
    }
}

fn walk(sample: &Value, ours: &Value, path: &str, file: &Path, out: &mut Outcome) {
    match (sample, ours) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                let (x, y) = (
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                );
                let p = format!("{path}.{k}");
                match (x.is_null(), y.is_null()) {
                    (true, true) => {}
                    (false, true) => {
                        out.one_sided
                            .push((file.to_path_buf(), source_key(k).to_owned(), p, true))
                    }
                    (true, false) => {
                        out.one_sided
                            .push((file.to_path_buf(), source_key(k).to_owned(), p, false))
                    }
                    (false, false) => walk(x, y, &p, file, out),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            let by_id = |v: &Vec<Value>| -> Option<BTreeMap<String, Value>> {
                v.iter()
                    .map(|e| {
                        e.get("id")
                            .and_then(Value::as_str)
                            .map(|id| (id.to_owned(), e.clone()))
                    })
                    .collect()
            };
            match (by_id(a), by_id(b)) {
                (Some(ma), Some(mb)) if !a.is_empty() => {
                    for (id, x) in &ma {
                        if let Some(y) = mb.get(id) {
                            // Start-ups listed in incubators.json: their fields come from their file.
                            let f = startup_file(file, id);
                            walk(x, y, &format!("{path}[{id}]"), &f, out);
                        }
                    }
                }
                _ => {
                    for (i, (x, y)) in a.iter().zip(b).enumerate() {
                        walk(x, y, &format!("{path}[{i}]"), file, out);
                    }
                    // Element types must agree even past the common length.
                    let kinds = |v: &Vec<Value>| {
                        v.iter()
                            .map(kind)
                            .collect::<std::collections::BTreeSet<_>>()
                    };
                    let (ka, kb) = (kinds(a), kinds(b));
                    if !ka.is_empty() && !kb.is_empty() && ka != kb {
                        out.type_mismatches
                            .push(format!("{path}: element types {ka:?} vs {kb:?}"));
                    }
                }
            }
        }
        _ => {
            out.leaves += 1;
            if sample == ours {
                out.equal_leaves += 1;
            }
            if kind(sample) != kind(ours) {
                out.type_mismatches.push(format!(
                    "{path}: {} {sample} vs {} {ours}",
                    kind(sample),
                    kind(ours)
                ));
            }
        }
    }
}

fn startup_file(file: &Path, id: &str) -> PathBuf {
    let content = file.parent().and_then(Path::parent).unwrap_or(file);
    content.join("_startups").join(format!("{id}.md"))
}

/// Whether the top-level front-matter `key` of `file` has a non-empty value.
fn is_set(file: &Path, key: &str) -> bool {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut lines = text.lines();
    let _ = lines.next();
    let front: Vec<&str> = lines.take_while(|l| *l != "---").collect();
    for (i, l) in front.iter().enumerate() {
        if let Some(rest) = l.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            let v = rest.split(" #").next().unwrap_or("").trim();
            if !matches!(v, "" | "''" | "\"\"" | "null" | "~") {
                return v != "false";
            }
            // A block value on the next lines (list or mapping) counts as set.
            return front
                .get(i + 1)
                .is_some_and(|n| n.starts_with(' ') || n.starts_with('-'));
        }
    }
    false
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn api_json_matches_the_v2_5_samples_field_by_field() {
    let Some((content_dir, portfolio)) = snapshot_2025() else {
        return;
    };
    let Some(samples) = betagouv_tests::shared_data("api-samples/v2.5") else {
        return;
    };
    let (_tmp, out, _) = export_tmp(
        portfolio,
        ExportFormat::ApiJson,
        &options_2025().with_api_version(ApiVersion::V2_5),
    );
    let content = content_dir.join("content");
    let renamed = |id: &str| {
        RENAMED
            .iter()
            .find(|(a, _)| *a == id)
            .map_or(id.to_owned(), |(_, b)| (*b).to_owned())
    };
    let mut outcome = Outcome::default();
    let mut compared = BTreeMap::<&str, usize>::new();

    // startups.json: data by id, included by id.
    let sample = read(&samples.join("startups.json"));
    let ours = read(&out.join("startups.json"));
    walk(
        &sample["links"],
        &ours["links"],
        "startups.links",
        &content,
        &mut outcome,
    );
    for s in sample["data"].as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let o = ours["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id);
        let o = o.unwrap_or_else(|| panic!("start-up {id} of the sample is not in our export"));
        walk(
            s,
            o,
            &format!("startups[{id}]"),
            &content.join("_startups").join(format!("{id}.md")),
            &mut outcome,
        );
        *compared.entry("startups.json data").or_default() += 1;
    }
    for i in sample["included"].as_array().unwrap() {
        let id = i["id"].as_str().unwrap();
        let bare = renamed(id.trim_start_matches("/incubateurs/"));
        let o = ours["included"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == format!("/incubateurs/{bare}"));
        let o = o.unwrap_or_else(|| panic!("included {id} is not in our export"));
        let file = content.join("_incubators").join(format!("{bare}.md"));
        // The included id is the one value that differs by the rename.
        let mut s = i.clone();
        s["id"] = o["id"].clone();
        walk(&s, o, &format!("included[{id}]"), &file, &mut outcome);
        *compared.entry("startups.json included").or_default() += 1;
    }

    // incubators.json and sponsors.json: objects keyed by id.
    for (name, folder) in [
        ("incubators.json", "_incubators"),
        ("sponsors.json", "_organisations"),
    ] {
        let sample = read(&samples.join(name));
        let ours = read(&out.join(name));
        for (id, s) in sample.as_object().unwrap() {
            let bare = renamed(id);
            let o = ours
                .get(&bare)
                .unwrap_or_else(|| panic!("{name}: {id} is not in our export"));
            let file = content.join(folder).join(format!("{bare}.md"));
            let file = if file.exists() {
                file
            } else {
                content.join(folder).join(&bare)
            };
            walk(s, o, &format!("{name}[{id}]"), &file, &mut outcome);
            *compared.entry(name).or_default() += 1;
        }
    }

    assert!(
        outcome.type_mismatches.is_empty(),
        "type mismatches: {:#?}",
        outcome.type_mismatches
    );
    let unexplained: Vec<_> = outcome
        .one_sided
        .iter()
        .filter(|(file, key, _, only_sample)| is_set(file, key) == *only_sample)
        .collect();
    assert!(
        unexplained.is_empty(),
        "one-sided fields not explained by the content: {unexplained:#?}"
    );
    eprintln!(
        "api-json vs v2.5 samples: {compared:?}; {} leaves compared, {} equal; one-sided fields (content changed): {:?}",
        outcome.leaves,
        outcome.equal_leaves,
        outcome
            .one_sided
            .iter()
            .map(|(_, _, p, s)| format!("{p} ({})", if *s { "sample only" } else { "ours only" }))
            .collect::<Vec<_>>()
    );
    assert_eq!(compared.get("startups.json data"), Some(&6));
    assert!(outcome.leaves > 100);
}

#[test]
fn api_json_reproduces_the_v2_5_quirks() {
    let Some((_, portfolio)) = snapshot_2025() else {
        return;
    };
    let (_tmp, out, _) = export_tmp(
        portfolio,
        ExportFormat::ApiJson,
        &options_2025().with_api_version(ApiVersion::V2_5),
    );
    let ours = read(&out.join("startups.json"));
    fn no_null(v: &Value) -> bool {
        match v {
            Value::Null => false,
            Value::Array(a) => a.iter().all(no_null),
            Value::Object(m) => m.values().all(no_null),
            _ => true,
        }
    }
    assert!(no_null(&ours), "startups.json never holds null");
    let allowed = [
        "name",
        "pitch",
        "stats_url",
        "budget_url",
        "link",
        "repository",
        "contact",
        "content_url_encoded_markdown",
        "events",
        "phases",
        "sponsors",
        "analyse_risques",
        "analyse_risques_url",
        "dashlord_url",
        "accessibility_status",
    ];
    let mut open_phases = 0;
    for s in ours["data"].as_array().unwrap() {
        let attrs = s["attributes"].as_object().unwrap();
        assert!(
            attrs.keys().all(|k| allowed.contains(&k.as_str())),
            "{attrs:?}"
        );
        assert!(
            attrs["phases"].as_array().is_some_and(|p| !p.is_empty()),
            "{}",
            s["id"]
        );
        for p in attrs["phases"].as_array().unwrap() {
            assert!(p["end"].is_string());
            open_phases += usize::from(p["end"] == "");
        }
        if let Some(a) = attrs.get("analyse_risques") {
            assert_eq!(a, "true");
        }
        let rel = s["relationships"]["incubator"]["data"]["id"]
            .as_str()
            .unwrap();
        assert!(!rel.starts_with("/incubateurs/"));
    }
    assert!(open_phases > 0);
    for i in ours["included"].as_array().unwrap() {
        assert!(i["id"].as_str().unwrap().starts_with("/incubateurs/"));
    }
    let incubators = read(&out.join("incubators.json"));
    for (_, entry) in incubators.as_object().unwrap() {
        for s in entry
            .get("startups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for p in s["phases"].as_array().unwrap() {
                assert!(
                    p.get("end").is_none_or(|e| e.is_string() && e != ""),
                    "whole phases leave an open end out"
                );
            }
        }
    }
    let authors = read(&out.join("authors.json"));
    assert_eq!(
        authors.as_array().map(Vec::len),
        Some(portfolio.members.len())
    );
}
