//! Every rule id `content check` can report, with a one-line description: the
//! import's ([`read`](crate::read)), the checks' ([`check`](crate::check)), the
//! upgrade's and the portfolio's own validation
//! ([`Portfolio::validate`](betagouv_portfolio::Portfolio::validate)).
//!
//! The list is declared once, in [`betagouv_portfolio::rules`] (the bottom of the crate
//! graph, so that the portfolio's validation uses the same constants), and re-exported
//! here with the rule table of the docs ([`markdown_table`]).
//!
//! Rule ids are stable kebab-case names; `content check --skip RULE` accepts exactly
//! these ([`is_known`]).
//!
//! ```
//! use betagouv_content::rules;
//! assert!(rules::is_known(rules::YAML_SYNTAX));
//! assert!(!rules::is_known("no-such-rule"));
//! assert!(rules::ALL.iter().all(|r| !r.description.is_empty()));
//! ```

pub use betagouv_portfolio::rules::*;

/// The rule table of docs/content.md: one Markdown row per rule of [`ALL`] (id,
/// whether it drops the file, description), under a header row, each line ended by
/// `\n`. A `|` in a description is escaped.
///
/// ```
/// let table = betagouv_content::rules::markdown_table();
/// assert!(table.starts_with("| rule | drops the file | description |\n"));
/// assert!(table.contains("\n| `yaml-syntax` | yes | the front matter is not valid YAML |\n"));
/// assert_eq!(table.lines().count(), betagouv_content::rules::ALL.len() + 2);
/// ```
#[must_use]
pub fn markdown_table() -> String {
    let mut out = String::from("| rule | drops the file | description |\n|---|---|---|\n");
    for r in ALL {
        let drops = if r.drops_file { "yes" } else { "no" };
        let description = r.description.replace('|', "\\|");
        out.push_str(&format!("| `{}` | {drops} | {description} |\n", r.id));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

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

    /// Every `.rs` file under `dir`, sorted.
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The library and binary sources of every crate of the workspace (`crates/*/src`).
    fn workspace_sources() -> Vec<(PathBuf, String)> {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut dirs: Vec<_> = std::fs::read_dir(&crates)
            .unwrap()
            .map(|e| e.unwrap().path().join("src"))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        let mut files = Vec::new();
        for dir in dirs {
            rust_files(&dir, &mut files);
        }
        files
            .into_iter()
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                let rel = p.strip_prefix(&crates).unwrap().to_path_buf();
                (rel, text)
            })
            .collect()
    }

    #[test]
    fn the_scan_finds_literals_outside_comments_and_tests() {
        let src = "// \"bom\"\nfn f() { x(\"duplicate-key\", \"a\"); }\n#[cfg(test)]\nmod tests { \"crlf\" }";
        assert_eq!(kebab_literals(src), ["duplicate-key"]);
    }

    #[test]
    fn no_rule_id_is_written_as_a_literal_in_the_workspace_sources() {
        // Rule ids are the constants of this module: a literal elsewhere is an id
        // declared twice (and, when new, missing from `ALL`).
        let sources = workspace_sources();
        let names: Vec<String> = sources
            .iter()
            .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
            .collect();
        for needed in [
            "betagouv-portfolio/src/portfolio.rs",
            "betagouv-content/src/check/current.rs",
            "betagouv/src/cmd/content.rs",
        ] {
            assert!(names.iter().any(|n| n == needed), "{needed} not scanned");
        }
        assert!(names.len() > 40, "only {} files scanned", names.len());
        for ((_, src), name) in sources.iter().zip(&names) {
            // The two files that declare rule lists.
            if name == "betagouv-portfolio/src/rules.rs" || name == "betagouv-funding/src/rules.rs"
            {
                continue;
            }
            for lit in kebab_literals(src) {
                assert!(
                    !is_known(&lit),
                    "{name}: rule id \"{lit}\" written as a literal; use rules::{}",
                    lit.to_uppercase().replace('-', "_")
                );
            }
        }
    }

    #[test]
    fn every_validator_code_is_a_rule_id() {
        // The portfolio's `validator` field rules (its `validate` feature) name their
        // rule in `#[validate(.., code = "..")]`, which must be a literal: each must be
        // a listed id.
        let src = include_str!("../../betagouv-portfolio/src/validate.rs");
        let mut seen = 0;
        for line in src
            .lines()
            .filter(|l| l.trim_start().starts_with("#[validate("))
        {
            let code = line
                .split("code = \"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap();
            assert!(is_known(code), "validate.rs: `{code}` is not in rules::ALL");
            seen += 1;
        }
        assert!(
            seen >= 15,
            "only {seen} validator codes found: the scan is broken"
        );
    }

    #[test]
    fn the_markdown_table_has_one_row_per_rule() {
        let table = markdown_table();
        let rows: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(rows.len(), ALL.len());
        for (row, r) in rows.iter().zip(ALL) {
            assert!(row.starts_with(&format!("| `{}` | ", r.id)), "{row}");
            assert_eq!(row.matches(" | ").count(), 2, "{row}");
        }
    }
}
