//! Rule ids are declared once (`betagouv_portfolio::rules` and `betagouv_funding::rules`):
//! no other source file of the workspace writes one as a literal, and every `validator`
//! error code of the portfolio is a declared id. These scans read the whole workspace,
//! so they live here rather than in a published crate.

use betagouv_portfolio::rules::is_known;
use betagouv_tests::crate_sources;

/// Kebab-case string literals of Rust source text, outside comments and outside
/// its test modules (everything from the first `#[cfg(test)]` on).
fn kebab_literals(src: &str) -> Vec<String> {
    let code = src.split("#[cfg(test)]").next().unwrap_or(src);
    let mut out = Vec::new();
    for line in code.lines() {
        let line = line.trim_start();
        // `validator`'s derive takes an error code as a literal: those lines are
        // checked by `every_validator_code_is_a_rule_id`.
        if line.starts_with("//") || line.starts_with("#[validate(") {
            continue;
        }
        for piece in line.split('"').skip(1).step_by(2) {
            let kebab = piece.contains('-')
                && !piece.starts_with('-')
                && !piece.ends_with('-')
                && piece
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if kebab {
                out.push(piece.to_owned());
            }
        }
    }
    out
}

#[test]
fn the_scan_finds_literals_outside_comments_and_tests() {
    let src =
        "// \"bom\"\nfn f() { x(\"duplicate-key\", \"a\"); }\n#[cfg(test)]\nmod tests { \"crlf\" }";
    assert_eq!(kebab_literals(src), ["duplicate-key"]);
}

#[test]
fn no_rule_id_is_written_as_a_literal_in_the_workspace_sources() {
    // Rule ids are constants: a literal elsewhere is an id declared twice (and, when
    // new, missing from `ALL`).
    let sources = crate_sources(|_| true);
    for needed in [
        "betagouv-portfolio/src/portfolio.rs",
        "betagouv-content/src/check/current.rs",
        "betagouv/src/cmd/content.rs",
    ] {
        assert!(
            sources.iter().any(|f| f.path == needed),
            "{needed} not scanned"
        );
    }
    assert!(sources.len() > 40, "only {} files scanned", sources.len());
    for file in &sources {
        // The two files that declare rule lists.
        if file.path == "betagouv-portfolio/src/rules.rs"
            || file.path == "betagouv-funding/src/rules.rs"
        {
            continue;
        }
        for lit in kebab_literals(&file.text) {
            assert!(
                !is_known(&lit),
                "{}: rule id \"{lit}\" written as a literal; use rules::{}",
                file.path,
                lit.to_uppercase().replace('-', "_")
            );
        }
    }
}

#[test]
fn every_validator_code_is_a_rule_id() {
    // The portfolio's `validator` field rules (its `validate` feature) name their rule
    // in `#[validate(.., code = "..")]`, which must be a literal: each must be a listed id.
    let sources = crate_sources(|name| name == "betagouv-portfolio");
    let file = sources
        .iter()
        .find(|f| f.path == "betagouv-portfolio/src/validate.rs")
        .expect("validate.rs");
    let mut seen = 0;
    for line in file
        .text
        .lines()
        .filter(|l| l.trim_start().starts_with("#[validate("))
    {
        let code = line
            .split("code = \"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a code in each #[validate(..)]");
        assert!(is_known(code), "validate.rs: `{code}` is not in rules::ALL");
        seen += 1;
    }
    assert!(
        seen >= 15,
        "only {seen} validator codes found: the scan is broken"
    );
}
