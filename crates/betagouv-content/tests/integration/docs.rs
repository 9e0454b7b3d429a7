//! docs/content.md keeps the rule table of `rules::ALL`, between markers.

use std::path::PathBuf;

const BEGIN: &str = "<!-- rules: begin (generated from rules::ALL; BETAGOUV_BLESS=1 cargo test -p betagouv-content --test integration docs rewrites it) -->\n";
const END: &str = "<!-- rules: end -->";

/// The doc with its rule section replaced by `table`; `None` when a marker is missing.
fn with_table(doc: &str, table: &str) -> Option<String> {
    let begin = doc.find(BEGIN)? + BEGIN.len();
    let end = begin + doc[begin..].find(END)?;
    Some(format!("{}{table}{}", &doc[..begin], &doc[end..]))
}

#[test]
fn the_rule_table_of_docs_content_md_is_rules_all() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/content.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let table = betagouv_content::rules::markdown_table();
    let Some(expected) = with_table(&doc, &table) else {
        panic!(
            "{}: the markers `{}` and `{END}` are missing",
            path.display(),
            BEGIN.trim_end()
        );
    };
    if expected == doc {
        return;
    }
    if std::env::var_os("BETAGOUV_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    panic!(
        "{}: the rule table differs from rules::ALL; regenerate it with\n  \
         BETAGOUV_BLESS=1 cargo test -p betagouv-content --test integration docs",
        path.display()
    );
}

#[test]
fn a_changed_table_is_found() {
    let doc = format!("a\n{BEGIN}| old |\n{END}\nb\n");
    assert_eq!(
        with_table(&doc, "| new |\n").unwrap(),
        format!("a\n{BEGIN}| new |\n{END}\nb\n")
    );
    assert_eq!(with_table("no markers", "x"), None);
}
