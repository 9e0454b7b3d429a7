//! API v3 of the 2025 snapshot, checked against the snapshot's own files: one
//! `startups/<id>.json` per start-up file, every file valid JSON in our layout, and
//! each field against what the start-up file says (read here as plain text, not
//! through the content reader) or, for the members, against the rule of
//! docs/export.md restated on the member records.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use betagouv_export::api_v3::{ApiV3Files, EmptyKeys, FRONT_MATTER_KEYS, STARTUPS_DIR};
use betagouv_portfolio::{Member, MemberShape, Portfolio, RecordDate};

use crate::common::{SNAPSHOT_2025, date};

/// The 2025 snapshot read with its file reports, and its keys written empty.
fn import_2025() -> Option<(std::path::PathBuf, Portfolio, EmptyKeys)> {
    let dir = betagouv_tests::shared_data(SNAPSHOT_2025)?;
    let (portfolio, empty) = import(&dir);
    Some((dir, portfolio, empty))
}

/// The content folder `dir` read with its file reports, and its keys written empty.
fn import(dir: &Path) -> (Portfolio, EmptyKeys) {
    let import =
        betagouv_content::read::read_folder(dir, &betagouv_content::read::ReadOptions::default())
            .unwrap();
    let empty = import.startup_empty_keys();
    (import.portfolio, empty)
}

/// The front matter and body of a start-up file, cut at the `---` lines.
fn cut(text: &str) -> (&str, &str) {
    let rest = text.strip_prefix("---\n").unwrap();
    let end = rest.find("\n---\n").unwrap();
    (&rest[..=end], &rest[end + 5..])
}

/// Top-level keys of a front matter, with their one-line scalar value when the value
/// is a one-line plain or single-quoted text (`None` for lists, blocks, multi-line
/// texts).
fn top_level(front: &str) -> BTreeMap<String, Option<String>> {
    let lines: Vec<&str> = front.lines().collect();
    let mut out = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if line.starts_with([' ', '-', '#']) || key.contains(' ') {
            continue;
        }
        let value = value.trim();
        let continued = lines.get(i + 1).is_some_and(|n| n.starts_with("  "));
        let scalar =
            if value.is_empty() || continued || value.starts_with(['[', '{', '>', '|', '"']) {
                None
            } else if let Some(q) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
                Some(q.replace("''", "'"))
            } else {
                Some(value.to_owned())
            };
        out.insert(key.to_owned(), scalar);
    }
    out
}

/// The items of the block list `key` of a front matter (`key:` then `  - item` lines).
fn block_list(front: &str, key: &str) -> Vec<String> {
    let head = format!("{key}:\n");
    let Some(at) = front
        .find(&head)
        .filter(|i| *i == 0 || front[..*i].ends_with('\n'))
    else {
        return Vec::new();
    };
    front[at + head.len()..]
        .lines()
        .map_while(|l| l.strip_prefix("  - "))
        .map(str::to_owned)
        .collect()
}

/// The JSON text a one-line scalar has in the file: booleans as booleans, the rest texts.
fn scalar_json(text: &str) -> Value {
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        t => Value::String(t.to_owned()),
    }
}

/// Whether `m` works on `id` at `at` (legacy `startups`, or a mission with no end or
/// an end on or after `at`), and whether it did (legacy `previously`, or any other mission).
fn on(m: &Member, id: &str, at: chrono::NaiveDate) -> (bool, bool) {
    let missions = if m.shape == MemberShape::Flat {
        &[][..]
    } else {
        &m.missions[..]
    };
    let names = |l: &[betagouv_portfolio::StartupId]| l.iter().any(|s| s.as_str() == id);
    let open = |e: &Option<RecordDate>| !matches!(e, Some(RecordDate::Exact(d)) if *d < at);
    let now = names(&m.startups)
        || missions
            .iter()
            .any(|mi| open(&mi.end) && names(&mi.startups));
    let before = names(&m.previously)
        || missions
            .iter()
            .any(|mi| !open(&mi.end) && names(&mi.startups));
    (now, before && !now)
}

/// Builds and writes v3 of the content folder `dir` as of `at`, and checks every file
/// against its start-up file; returns the figures.
fn check_folder(
    dir: &Path,
    portfolio: &Portfolio,
    empty: &EmptyKeys,
    at: chrono::NaiveDate,
) -> Figures {
    let files = ApiV3Files::build_with_empty_keys(portfolio, at, empty);
    let sources: BTreeSet<String> = std::fs::read_dir(dir.join("content/_startups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter_map(|n| n.strip_suffix(".md").map(str::to_owned))
        .collect();
    assert_eq!(files.counts()["startups/"], sources.len());
    let out = tempfile::tempdir().unwrap();
    let written = files.write(out.path(), &mut |_| {}).unwrap();
    assert_eq!(written.len(), sources.len());
    let names: BTreeSet<String> = std::fs::read_dir(out.path().join(STARTUPS_DIR))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = sources.iter().map(|s| format!("{s}.json")).collect();
    assert_eq!(names, expected);

    let mut checked = Figures::default();
    for id in &sources {
        let text =
            std::fs::read_to_string(out.path().join(STARTUPS_DIR).join(format!("{id}.json")))
                .unwrap();
        assert!(
            text.starts_with("{\n  \"name\": ") && text.ends_with("\n}\n"),
            "{id}"
        );
        let v: Value = serde_json::from_str(&text).unwrap();
        let source =
            std::fs::read_to_string(dir.join(format!("content/_startups/{id}.md"))).unwrap();
        check_startup(id, &v, &source, &mut checked);
        check_members(id, &v, portfolio, at, &mut checked);
    }
    assert_eq!(checked.files, sources.len());
    checked
}

#[test]
fn v3_of_the_2025_snapshot_matches_its_files() {
    let Some((dir, portfolio, empty)) = import_2025() else {
        return;
    };
    let checked = check_folder(&dir, &portfolio, &empty, date(2025, 12, 31));
    eprintln!("api v3 2025: {checked:?}");
    assert_eq!(checked.files, 628);
    assert_eq!(checked.co_incubated, 0);
    // Every start-up has a `link` key in 2025, 330 of them written `''`.
    assert_eq!(checked.empty_links, 330);
    assert!(checked.scalars > 3000, "{checked:?}");
    assert!(
        checked.with_active > 100 && checked.with_previous > 300,
        "{checked:?}"
    );
}

#[derive(Debug, Default)]
struct Figures {
    files: usize,
    scalars: usize,
    empty_links: usize,
    with_active: usize,
    with_previous: usize,
    co_incubated: usize,
}

/// The keys of `v` against the start-up file `source`: same copied keys, the same
/// one-line values, the title, the incubator list and the body.
fn check_startup(id: &str, v: &Value, source: &str, checked: &mut Figures) {
    let (front, body) = cut(source);
    let keys = top_level(front);
    let obj = v.as_object().unwrap();
    // The fixed keys, then the copied keys the file has, and nothing else.
    let copied: BTreeSet<&str> = FRONT_MATTER_KEYS
        .iter()
        .copied()
        .filter(|k| keys.contains_key(*k))
        .collect();
    let fixed = [
        "name",
        "incubators",
        "active_members",
        "previous_members",
        "content",
    ];
    let got: BTreeSet<&str> = obj.keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = copied.iter().copied().chain(fixed).collect();
    assert_eq!(got, want, "{id}");
    for (k, scalar) in &keys {
        let Some(s) = scalar else { continue };
        if k == "title" {
            assert_eq!(v["name"], Value::String(s.clone()), "{id}");
        } else if copied.contains(k.as_str()) {
            assert_eq!(v[k], scalar_json(s), "{id}: {k}");
        } else {
            continue;
        }
        checked.scalars += 1;
    }
    if v["link"] == "" {
        checked.empty_links += 1;
    }
    // The `incubators` list of the file when it has one, else its one `incubator`.
    let listed = block_list(front, "incubators");
    let want = if listed.is_empty() {
        vec![v["incubator"].clone()]
    } else {
        checked.co_incubated += 1;
        listed.into_iter().map(Value::String).collect()
    };
    assert_eq!(v["incubators"], Value::Array(want), "{id}");
    assert_eq!(v["content"].as_str(), Some(body), "{id}");
    // Phases: the file's list, each with its name and a `YYYY-MM-DD` start.
    for p in v["phases"].as_array().unwrap() {
        let start = p["start"].as_str().unwrap();
        assert!(RecordDate::parse(start).exact().is_some(), "{id}: {p}");
        assert!(
            front.contains(&format!("name: {}", p["name"].as_str().unwrap())),
            "{id}"
        );
    }
    checked.files += 1;
}

/// The member lists of `v` against the rule restated by [`on`], on every member.
fn check_members(id: &str, v: &Value, p: &Portfolio, at: chrono::NaiveDate, checked: &mut Figures) {
    let list = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    };
    let (active, previous) = (list("active_members"), list("previous_members"));
    let mut want_active = Vec::new();
    let mut want_previous = Vec::new();
    let mut members: Vec<&Member> = p.members.iter().collect();
    members.sort_by_key(|m| format!("{}.md", m.id));
    for m in members {
        match on(m, id, at) {
            (true, _) => want_active.push(m.id.to_string()),
            (false, true) => want_previous.push(m.id.to_string()),
            _ => {}
        }
    }
    assert_eq!(active, want_active, "{id}");
    assert_eq!(previous, want_previous, "{id}");
    checked.with_active += usize::from(!active.is_empty());
    checked.with_previous += usize::from(!previous.is_empty());
}

#[test]
fn the_as_of_date_moves_members_from_active_to_previous() {
    let Some((_, portfolio, _)) = import_2025() else {
        return;
    };
    let count = |y: i32| -> (usize, usize) {
        let f = ApiV3Files::build(&portfolio, date(y, 12, 31));
        let a = f.details.values().map(|s| s.active_members.len()).sum();
        let p = f.details.values().map(|s| s.previous_members.len()).sum();
        (a, p)
    };
    let (a2025, p2025) = count(2025);
    let (a2020, p2020) = count(2020);
    eprintln!(
        "api v3 member links: 2020-12-31 {a2020} active, {p2020} previous; 2025-12-31 {a2025} active, {p2025} previous"
    );
    // The same links, split differently: an earlier date has more ongoing missions.
    assert_eq!(a2025 + p2025, a2020 + p2020);
    assert_eq!((a2020, p2020, a2025, p2025), (3962, 914, 1788, 3088));
    // Writing is deterministic.
    let f = ApiV3Files::build(&portfolio, date(2025, 12, 31));
    let (x, y) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    f.write(x.path(), &mut |_| {}).unwrap();
    f.write(y.path(), &mut |_| {}).unwrap();
    let read = |d: &Path, n: &str| std::fs::read(d.join(STARTUPS_DIR).join(n)).unwrap();
    for name in f.details.keys().take(50).map(|id| format!("{id}.json")) {
        assert_eq!(read(x.path(), &name), read(y.path(), &name));
    }
}

/// The history's HEAD (the site's content of 2026-08-20, 2026 schema): co-incubated
/// start-ups list both incubators, the hidden incubator's start-ups keep theirs.
#[test]
fn v3_of_the_history_head_matches_its_files() {
    let Some(repo) = betagouv_tests::history_repo() else {
        return;
    };
    let tree = tempfile::tempdir().unwrap();
    betagouv_tests::unpack_commit(repo, "HEAD", tree.path());
    let (portfolio, empty) = import(tree.path());
    let checked = check_folder(tree.path(), &portfolio, &empty, date(2026, 8, 20));
    eprintln!("api v3 history HEAD: {checked:?}");
    assert_eq!((checked.files, checked.co_incubated), (662, 2));
    let hidden: Vec<&str> = portfolio
        .incubators
        .iter()
        .filter(|i| i.hidden)
        .map(|i| i.id.as_str())
        .collect();
    let files = ApiV3Files::build(&portfolio, date(2026, 8, 20));
    let under_hidden = files
        .details
        .values()
        .filter(|s| {
            s.incubators
                .iter()
                .any(|i| i.as_str().is_some_and(|i| hidden.contains(&i)))
        })
        .count();
    eprintln!("api v3 history HEAD: {under_hidden} start-ups under hidden incubators {hidden:?}");
    assert_eq!((hidden.len(), under_hidden), (1, 34), "{hidden:?}");
}
