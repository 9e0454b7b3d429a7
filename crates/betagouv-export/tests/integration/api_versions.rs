//! Every v2 version of the `api-json` export on real data (the 2025 snapshot and the
//! content at the history's HEAD): every file parses, every field follows the formats
//! of docs/export.md, and the site's own consistency rule for v2.7 holds (every
//! relationship id resolves in `included`, hidden incubators excepted).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use crate::common::{date, export_tmp, options_2025, snapshot_2025};
use betagouv_export::{ApiVersion, ExportFormat, ExportOptions};
use betagouv_portfolio::{Portfolio, Startup};

/// The content of the history's HEAD, unpacked and read once, with its commit date.
fn history_head() -> Option<&'static (tempfile::TempDir, Portfolio, ExportOptions)> {
    static CELL: OnceLock<Option<(tempfile::TempDir, Portfolio, ExportOptions)>> = OnceLock::new();
    CELL.get_or_init(|| {
        let repo = betagouv_tests::history_repo()?;
        let dir = tempfile::tempdir().unwrap();
        betagouv_tests::unpack_commit(repo, "HEAD", dir.path());
        let out = std::process::Command::new("git")
            .arg("--git-dir")
            .arg(repo)
            .args(["log", "-1", "--format=%cs", "HEAD"])
            .output()
            .unwrap();
        let day = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        let at = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap();
        let import = betagouv_content::read::read_folder(
            dir.path(),
            &betagouv_content::read::ReadOptions::default(),
        )
        .unwrap();
        Some((
            dir,
            import.portfolio,
            ExportOptions::new(at, "history HEAD"),
        ))
    })
    .as_ref()
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect()
}

/// Start-ups of the export, first record of an id, by id.
fn by_id(p: &Portfolio) -> BTreeMap<&str, &Startup> {
    let mut m = BTreeMap::new();
    for s in &p.startups {
        m.entry(s.id.as_str()).or_insert(s);
    }
    m
}

fn hidden(p: &Portfolio) -> BTreeSet<&str> {
    p.incubators
        .iter()
        .filter(|i| i.hidden)
        .map(|i| i.id.as_str())
        .collect()
}

/// What one export showed, for the figures.
#[derive(Debug, Default)]
struct Figures {
    startups: usize,
    relationship_ids: usize,
    hidden_refs: usize,
    co_incubated: usize,
    details: usize,
    active_members: usize,
}

fn check_startups(doc: &Value, p: &Portfolio, version: ApiVersion, f: &mut Figures) {
    let startups = by_id(p);
    let hidden = hidden(p);
    assert_eq!(doc["links"]["self"], "https://beta.gouv.fr/startups");
    let data = doc["data"].as_array().unwrap();
    assert_eq!(data.len(), startups.len());
    f.startups = data.len();
    let included: BTreeSet<&str> = doc["included"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["type"], "incubator");
            assert!(
                i["attributes"]
                    .as_object()
                    .unwrap()
                    .values()
                    .all(Value::is_string)
            );
            i["id"].as_str().unwrap()
        })
        .collect();
    for id in &included {
        let bare = id.strip_prefix("/incubateurs/");
        assert_eq!(bare.is_some(), version < ApiVersion::V2_7, "{id}");
        assert!(!hidden.contains(bare.unwrap_or(id)), "hidden {id} included");
    }
    for (r, (id, s)) in data.iter().zip(&startups) {
        assert_eq!(r["id"], *id);
        assert_eq!(r["type"], "startup");
        let a = r["attributes"].as_object().unwrap();
        assert_eq!(a["name"], s.name.as_str());
        assert_eq!(a["pitch"], s.pitch.as_str());
        let encoded = a["content_url_encoded_markdown"].as_str().unwrap();
        assert!(
            encoded
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"%-._~".contains(&b))
        );
        for p in a["phases"].as_array().unwrap() {
            assert!(
                ["name", "start", "end"].iter().all(|k| p[k].is_string()),
                "{p}"
            );
        }
        for e in a["events"].as_array().unwrap() {
            assert!(["name", "date", "comment"].iter().all(|k| e[k].is_string()));
            if version >= ApiVersion::V2_6 {
                assert!(!e["comment"].as_str().unwrap().contains('\n'));
            }
        }
        let _ = strings(&a["sponsors"]);
        assert_eq!(a.contains_key("link"), s.links.site.is_some());
        if version >= ApiVersion::V2_6 {
            assert!(a["stats_url"].is_string());
            assert_eq!(a.contains_key("impact_url"), s.links.site.is_some(), "{id}");
            assert_eq!(strings(&a["thematiques"]), s.themes);
            assert_eq!(strings(&a["technos"]), s.techno);
        } else {
            for later in ["impact_url", "thematiques", "technos"] {
                assert!(!a.contains_key(later));
            }
        }
        let rel = &r["relationships"];
        assert_eq!(rel["incubator"]["data"]["type"], "incubator");
        let main = rel["incubator"]["data"]["id"].as_str().unwrap();
        assert_eq!(main, s.incubator.as_ref().map_or("", |i| i.as_str()));
        let mut referenced = vec![main];
        if version >= ApiVersion::V2_7 {
            let list: Vec<&str> = rel["incubators"]["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["id"].as_str().unwrap())
                .collect();
            let expected: Vec<&str> = s.incubator_ids().map(|i| i.as_str()).collect();
            assert_eq!(list, expected);
            f.co_incubated += usize::from(list.len() > 1);
            referenced.extend(list);
            // The site's CI rule.
            for rid in referenced {
                f.relationship_ids += 1;
                if hidden.contains(rid) {
                    f.hidden_refs += 1;
                } else {
                    assert!(included.contains(rid), "{id}: {rid} not in included");
                }
            }
        } else {
            assert!(rel.get("incubators").is_none());
        }
    }
}

fn check_authors(doc: &Value, p: &Portfolio, version: ApiVersion) {
    let authors = doc.as_array().unwrap();
    let ids: BTreeSet<&str> = p.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(authors.len(), ids.len());
    for a in authors {
        let o = a.as_object().unwrap();
        assert!(ids.contains(o["id"].as_str().unwrap()));
        assert!(o["fullname"].is_string() && o["role"].is_string());
        let v2_6 = version >= ApiVersion::V2_6;
        for k in ["link", "bio"] {
            assert_eq!(o.contains_key(k), v2_6, "{k}");
            assert!(!v2_6 || o[k].is_string());
        }
        for m in o["missions"].as_array().unwrap() {
            for k in ["start", "end", "status", "employer"] {
                assert!(if v2_6 {
                    m[k].is_string()
                } else {
                    m[k].is_string() || m[k].is_null()
                });
            }
            assert!(v2_6 || m.get("startups").is_none());
        }
        assert!(v2_6 || !o.contains_key("competences"));
    }
}

fn check_incubators(doc: &Value, p: &Portfolio) {
    let hidden = hidden(p);
    let allowed = [
        "startups", "title", "owner", "contact", "address", "website", "github",
    ];
    for (id, e) in doc.as_object().unwrap() {
        let o = e.as_object().unwrap();
        assert!(o.keys().all(|k| allowed.contains(&k.as_str())), "{id}");
        assert_eq!(
            o.contains_key("title"),
            !hidden.contains(id.as_str()) && p.incubators.iter().any(|i| i.id.as_str() == id),
            "{id}"
        );
    }
    // Every start-up under each of its incubators.
    for s in by_id(p).values() {
        for i in s.incubator_ids() {
            let listed = doc[i.as_str()]["startups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == s.id.as_str());
            assert!(listed, "{} under {i}", s.id);
        }
    }
}

fn check_details(doc: &Value, p: &Portfolio, f: &mut Figures) {
    let members: BTreeSet<&str> = p.members.iter().map(|m| m.id.as_str()).collect();
    let o = doc.as_object().unwrap();
    f.details = o.len();
    for s in by_id(p).keys() {
        assert_eq!(o[*s]["id"], *s);
    }
    for (id, e) in o {
        for k in ["active_members", "previous_members", "expired_members"] {
            let list = strings(&e[k]);
            assert!(list.iter().all(|m| members.contains(m)), "{id}.{k}");
            if k == "active_members" {
                f.active_members += list.len();
            }
        }
        assert_eq!(e.get("name").is_some(), e.get("id").is_some());
    }
}

fn check_csv(text: &str, startups: &Value, version: ApiVersion, p: &Portfolio) {
    let mut rows = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let width = if version >= ApiVersion::V2_7 { 12 } else { 11 };
    assert_eq!(rows[0].len(), width);
    assert_eq!(&rows[0][0], "id");
    let data = startups["data"].as_array().unwrap();
    assert_eq!(rows.len(), data.len() + 1);
    let startups = by_id(p);
    for (row, r) in rows[1..].iter().zip(data) {
        assert_eq!(row.len(), width);
        let s = startups[&row[0]];
        assert_eq!(r["id"], &row[0]);
        assert_eq!(&row[1], s.name);
        assert_eq!(&row[2], s.pitch);
        let first = s
            .phases
            .first()
            .and_then(|x| x.start.as_ref())
            .map(ToString::to_string);
        assert_eq!(&row[3], first.unwrap_or_default());
        assert_eq!(&row[4], s.phases.last().map_or("", |x| x.name.as_str()));
        assert_eq!(&row[6], s.links.stats_url.as_deref().unwrap_or("null"));
        assert_eq!(&row[7], s.links.site.as_deref().unwrap_or("null"));
        assert_eq!(&row[8], s.links.repository.as_deref().unwrap_or("null"));
        if version >= ApiVersion::V2_7 {
            let ids: Vec<&str> = s.incubator_ids().map(|i| i.as_str()).collect();
            assert_eq!(&row[11], ids.join(","));
        }
    }
}

/// Exports `p` in every v2 version and checks each file; returns the v2.7 figures.
fn check_all(p: &Portfolio, options: &ExportOptions) -> Figures {
    let mut figures = Figures::default();
    for version in [ApiVersion::V2_5, ApiVersion::V2_6, ApiVersion::V2_7] {
        let options = options.clone().with_api_version(version);
        let (_tmp, out, report) = export_tmp(p, ExportFormat::ApiJson, &options);
        let mut expected: Vec<PathBuf> = version.files().iter().map(PathBuf::from).collect();
        expected.push(PathBuf::from("meta.json"));
        assert_eq!(report.files, expected);
        assert_eq!(read(&out.join("meta.json"))["api_version"], version.name());
        let mut f = Figures::default();
        let startups = read(&out.join("startups.json"));
        check_startups(&startups, p, version, &mut f);
        check_authors(&read(&out.join("authors.json")), p, version);
        check_incubators(&read(&out.join("incubators.json")), p);
        let sponsors = read(&out.join("sponsors.json"));
        check_csv(
            &std::fs::read_to_string(out.join("startups.csv")).unwrap(),
            &startups,
            version,
            p,
        );
        if version >= ApiVersion::V2_6 {
            let orgs = read(&out.join("organisations.json"));
            assert_eq!(
                orgs.as_array().unwrap().len(),
                sponsors.as_object().unwrap().len()
            );
            for o in orgs.as_array().unwrap() {
                assert!(o.as_object().unwrap().values().all(Value::is_string));
            }
            check_details(&read(&out.join("startups_details.json")), p, &mut f);
        }
        if version == ApiVersion::V2_7 {
            figures = f;
        }
    }
    figures
}

#[test]
fn every_v2_version_of_the_2025_snapshot_follows_its_format() {
    let Some((_, portfolio)) = snapshot_2025() else {
        return;
    };
    let f = check_all(portfolio, &options_2025());
    eprintln!("2025 snapshot, v2.7: {f:?}");
    assert!(f.startups > 600, "{f:?}");
    assert!(f.active_members > 0);
}

#[test]
fn every_v2_version_of_the_history_head_follows_its_format() {
    let Some((_, portfolio, options)) = history_head() else {
        return;
    };
    let f = check_all(portfolio, options);
    eprintln!("history HEAD, v2.7: {f:?}");
    assert!(f.co_incubated > 0, "HEAD has co-incubated products: {f:?}");
    assert!(
        f.hidden_refs > 0,
        "HEAD has start-ups of hidden incubators: {f:?}"
    );
    assert_eq!(options.at, date(2026, 8, 20));
}
