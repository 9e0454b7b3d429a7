//! `check_folder` on the shared snapshots and on small fixtures of other eras.

use betagouv_content::check::{CheckOptions, RuleSet, check_folder};
use betagouv_portfolio::Severity;

fn check(rel: &str) -> Option<betagouv_content::check::CheckReport> {
    let dir = betagouv_tests::shared_data(rel)?;
    let options = CheckOptions::default().with_skip(["member-file-name"]);
    Some(check_folder(&dir, &options).unwrap())
}

fn errors(r: &betagouv_content::check::CheckReport) -> Vec<String> {
    r.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            format!(
                "{} {}",
                d.rule,
                d.record.as_ref().map_or("", |r| r.1.as_str())
            )
        })
        .collect()
}

#[test]
fn shared_2016_has_no_error() {
    let Some(r) = check("betagouv-content/2016-12-31") else {
        return;
    };
    assert_eq!(r.rules, RuleSet::Build2016);
    assert_eq!(errors(&r), Vec::<String>::new(), "{:#?}", r.diagnostics);
}

#[test]
fn shared_2025_errors_are_the_documented_ones() {
    let Some(r) = check("betagouv-content/2025-12-31") else {
        return;
    };
    assert_eq!(r.rules, RuleSet::Current);
    // The list in the crate README ("Real errors of the shared snapshots").
    let expected: Vec<String> = vec![];
    assert_eq!(errors(&r), expected, "{:#?}", r.diagnostics);
    // Every problem, counted per rule: the two organisation files without `.md`, and
    // the two start-up links whose slashes are HTML entities (`https:&#x2F;&#x2F;...`).
    let mut per_rule = std::collections::BTreeMap::new();
    for d in &r.diagnostics {
        *per_rule.entry((d.severity, d.rule.as_str())).or_insert(0) += 1;
    }
    let per_rule: Vec<_> = per_rule.into_iter().collect();
    assert_eq!(
        per_rule,
        [
            ((Severity::Warning, "not-markdown"), 2),
            ((Severity::Warning, "url-format"), 2),
        ]
    );
    let urls: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.rule == "url-format")
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            (
                l.file.file_name().unwrap().to_string_lossy().into_owned(),
                l.line,
            )
        })
        .collect();
    assert_eq!(
        urls,
        [
            ("anct-pni-36.md".to_owned(), 12),
            ("anct-pni-44.md".to_owned(), 12)
        ]
    );
}

#[test]
fn current_rules_on_a_fixture() {
    let t = tempfile::tempdir().unwrap();
    let s = t.path().join("content/_startups");
    let a = t.path().join("content/_authors");
    std::fs::create_dir_all(&s).unwrap();
    std::fs::create_dir_all(&a).unwrap();
    std::fs::write(
        s.join("a.md"),
        "---\ntitle: A\nmission: x\nincubator: dinum\ncontact: a@b.fr\nphases:\n  - name: construction\n    start: 2024-01-01\n    end: 2024-01-01\n  - name: construction\n    start: 2024-02-01\n---\n",
    )
    .unwrap();
    std::fs::write(
        a.join("Jean.Dupont.md"),
        "---\nfullname: J\nrole: r\nrole: s\ndomaine: Cuisine\nmissions:\n  - start: '2024-01-01'\n    startups: [a, zz]\n---\n",
    )
    .unwrap();
    let r = check_folder(t.path(), &CheckOptions::default()).unwrap();
    let mut rules: Vec<_> = errors(&r);
    rules.sort();
    assert_eq!(
        rules,
        [
            "duplicate-key Jean.Dupont",
            "duplicate-phase-name a",
            "field-required Jean.Dupont",
            "member-file-name Jean.Dupont",
            "mission-end-required Jean.Dupont",
            "phase-end-not-after-start a",
            "quoted-date Jean.Dupont",
            "unknown-domaine Jean.Dupont",
            "unknown-startup Jean.Dupont",
        ]
    );
    let dup = r
        .diagnostics
        .iter()
        .find(|d| d.rule == "duplicate-key")
        .unwrap();
    assert_eq!(
        dup.location.as_ref().map(|l| (l.line, l.column)),
        Some((4, 1))
    );
    assert_eq!(r.counts.errors, 9);
}
