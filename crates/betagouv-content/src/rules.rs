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
    use super::*;

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
