//! docs/ARCHITECTURE.md stays true: its table of direct dependencies between our
//! crates is the one `cargo metadata` gives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The table between the `crate-graph` markers of docs/ARCHITECTURE.md.
fn documented(text: &str) -> Graph {
    let begin = text
        .find("<!-- crate-graph: begin -->")
        .expect("begin marker");
    let end = text.find("<!-- crate-graph: end -->").expect("end marker");
    let mut graph = Graph::new();
    for line in text[begin..end].lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, name, deps, _] = cells.as_slice() else {
            continue;
        };
        if !name.starts_with('`') {
            continue; // header and rule rows
        }
        let deps = deps
            .split(',')
            .map(|d| d.trim().trim_matches('`').to_owned())
            .filter(|d| d.starts_with("betagouv"))
            .collect();
        let previous = graph.insert(name.trim_matches('`').to_owned(), deps);
        assert!(previous.is_none(), "{name} is listed twice");
    }
    graph
}

/// Our crates and their normal (not dev, not build) dependencies on our crates.
fn actual(root: &Path) -> Graph {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{out:?}");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut graph = Graph::new();
    for p in meta["packages"].as_array().expect("packages") {
        let name = p["name"].as_str().expect("name").to_owned();
        let deps = p["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .filter(|d| d["kind"].is_null())
            .filter_map(|d| d["name"].as_str())
            .filter(|d| d.starts_with("betagouv"))
            .map(str::to_owned)
            .collect();
        graph.insert(name, deps);
    }
    graph
}

#[test]
fn documented_crate_graph_is_cargo_s() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).expect("reads");
    let documented = documented(&text);
    assert!(documented.len() >= 8, "{documented:?}");
    assert_eq!(
        documented,
        actual(&root),
        "docs/ARCHITECTURE.md's crate graph differs from cargo metadata"
    );
}

#[test]
fn the_parser_sees_a_difference() {
    let doc = "<!-- crate-graph: begin -->\n| crate | depends on |\n|---|---|\n| `a` | `betagouv-x` |\n| `b` | – |\n<!-- crate-graph: end -->";
    let g = documented(doc);
    assert_eq!(g["a"], BTreeSet::from(["betagouv-x".to_owned()]));
    assert!(g["b"].is_empty());
}

/// The `layer N` lines of docs/ARCHITECTURE.md: crate name to layer.
fn layers(text: &str) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("layer ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let n: u32 = words.next().expect("layer number").parse().expect("number");
        for w in words.filter(|w| w.starts_with("betagouv")) {
            out.insert(w.to_owned(), n);
        }
    }
    out
}

#[test]
fn dependencies_point_to_a_lower_layer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).expect("reads");
    let layers = layers(&text);
    let graph = actual(&root);
    for (name, deps) in graph.iter().filter(|(n, _)| *n != "betagouv-tests") {
        let Some(own) = layers.get(name) else {
            panic!("{name} has no layer in docs/ARCHITECTURE.md");
        };
        for d in deps {
            assert!(
                layers.get(d).is_some_and(|l| l < own),
                "{name} (layer {own}) depends on {d} (layer {:?})",
                layers.get(d)
            );
        }
    }
}
