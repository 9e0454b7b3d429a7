//! Every rule id `content check` can report, with a one-line description: the
//! import's ([`read`](crate::read)), the checks' ([`check`](crate::check)), the
//! upgrade's and the portfolio's own validation
//! ([`Portfolio::validate`](betagouv_portfolio::Portfolio::validate)).
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

/// A rule id and what it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rule {
    /// The stable kebab-case id.
    pub id: &'static str,
    /// What the rule reports, in one line.
    pub description: &'static str,
    /// Whether a file reported by this rule gave no record (the file is dropped).
    pub drops_file: bool,
}

macro_rules! rules {
    ($($name:ident = $id:literal, $drops:literal, $desc:literal;)*) => {
        $(
            #[doc = concat!("`", $id, "`: ", $desc)]
            pub const $name: &str = $id;
        )*
        /// Every rule, sorted by id.
        pub const ALL: &[Rule] = &[
            $(Rule { id: $id, description: $desc, drops_file: $drops },)*
        ];
    };
}

rules! {
    BLANK_BEFORE_FRONT_MATTER = "blank-before-front-matter", false, "blank lines before the opening `---` (the site then sees no front matter)";
    BOM = "bom", false, "the file starts with a byte-order mark";
    COMPLEX_KEY = "complex-key", false, "a mapping key is not a text";
    CONTACT_FORMAT = "contact-format", false, "`contact` is not an e-mail address";
    CRLF = "crlf", false, "Windows (CRLF) line endings";
    DANGLING_INCUBATOR = "dangling-incubator", false, "a start-up names an incubator with no record";
    DANGLING_SPONSOR = "dangling-sponsor", false, "a start-up names a sponsor organisation with no record";
    DANGLING_STARTUP = "dangling-startup", false, "a member names a start-up with no record";
    DUPLICATE_COMPETENCE = "duplicate-competence", false, "`competences` lists a skill twice";
    DUPLICATE_ID = "duplicate-id", false, "two records of a kind have the same id";
    DUPLICATE_KEY = "duplicate-key", false, "a front-matter key is written twice (the last value is kept)";
    DUPLICATE_PHASE = "duplicate-phase", false, "a start-up lists the same phase twice";
    DUPLICATE_PHASE_NAME = "duplicate-phase-name", false, "a phase name is listed twice (today's CI)";
    DUPLICATE_REFERENCE = "duplicate-reference", false, "a member's list names a start-up twice";
    EMPLOYER_REQUIRED = "employer-required", false, "a 2016 member has no `employer`";
    EMPLOYER_STATUS = "employer-status", false, "a flat `employer` does not start with a known status";
    EVENT_DATE_REQUIRED = "event-date-required", false, "an event has no date";
    EXTRA_KEY_SHADOWED = "extra-key-shadowed", false, "an unknown key has the name of a field the writer writes";
    FIELD_FORMAT = "field-format", false, "a field has an invalid format";
    FIELD_REQUIRED = "field-required", false, "a required key is missing or empty";
    FIELD_TYPE = "field-type", false, "a key's value has the wrong type (a list, mapping or text was expected); kept as written";
    FILE_TOO_LARGE = "file-too-large", true, "the file is over the reader's size limit and is not read";
    FLAT_WRITTEN_AS_MISSIONS = "flat-written-as-missions", false, "a flat member is written back as a `missions` list";
    FRONT_MATTER_NOT_MAPPING = "front-matter-not-mapping", true, "the front matter is not a mapping of keys";
    INCUBATORS_LIST = "incubators-list", false, "`incubators` is not a list of at least 2 existing incubators including `incubator`";
    INVALID_DATE = "invalid-date", false, "a date is not a date";
    INVALID_ID = "invalid-id", true, "the file name cannot be a record id";
    INVALID_UTF8 = "invalid-utf8", true, "the file is not UTF-8 text";
    INVALID_VOCABULARY = "invalid-vocabulary", false, "the `vocabulary` key is not 2016, 2018, 2020 or 2026";
    MEMBER_FILE_NAME = "member-file-name", false, "a member file is not named firstname.lastname.md";
    MISSING_FRONT_MATTER = "missing-front-matter", true, "the file has no front matter";
    MISSION_END_BEFORE_START = "mission-end-before-start", false, "a mission ends before it starts";
    MISSION_END_NOT_AFTER_START = "mission-end-not-after-start", false, "a mission does not end after its start";
    MISSION_END_REQUIRED = "mission-end-required", false, "a mission has no end date";
    MISSION_START_REQUIRED = "mission-start-required", false, "a mission has no start date";
    MISSION_STATUS = "mission-status", false, "a mission status is not service, independent or admin";
    MISSION_WITHOUT_START = "mission-without-start", false, "a mission has no start date (portfolio validation)";
    MISSIONS_REQUIRED = "missions-required", false, "a member has no `missions` list";
    NOT_MARKDOWN = "not-markdown", false, "the file name does not end in `.md`";
    NOT_REGULAR_FILE = "not-regular-file", false, "a collection entry is not a regular file (not read)";
    NUMBER_OUT_OF_RANGE = "number-out-of-range", false, "a number cannot be held by its column (too large, not whole); its cell is left empty";
    PARTIAL_DATE = "partial-date", false, "a date is partial (`2015-01`); kept as written";
    PHASE_END_BEFORE_START = "phase-end-before-start", false, "a phase ends before it starts";
    PHASE_END_EQUALS_START = "phase-end-equals-start", false, "a phase ends on the day it starts";
    PHASE_END_NOT_AFTER_START = "phase-end-not-after-start", false, "a phase does not end after its start (the CI's rule)";
    PHASE_START_REQUIRED = "phase-start-required", false, "a phase has no start date";
    PHASES_REQUIRED = "phases-required", false, "a start-up has no `phases` list";
    QUOTED_DATE = "quoted-date", false, "a date is written as a quoted text";
    START_REQUIRED = "start-required", false, "a flat member has no `start` date";
    STARTUP_NO_PHASE = "startup-no-phase", false, "a start-up has no phase or status";
    STATUS_WITHOUT_START = "status-without-start", false, "a `status` start-up has no `start` date";
    STATUS_WRITTEN_AS_PHASES = "status-written-as-phases", false, "a `status` start-up is written back as a `phases` list";
    SUBFOLDER_IGNORED = "subfolder-ignored", false, "a folder inside a collection is not read";
    SYMLINK_OUTSIDE = "symlink-outside", true, "a symbolic link out of the collection, or broken, is not followed";
    TAB_IN_YAML = "tab-in-yaml", false, "a tab had to be read as a space";
    UNKNOWN_DOMAINE = "unknown-domaine", false, "`domaine` is not one of the eleven known values";
    UNKNOWN_EVENT_NAME = "unknown-event-name", false, "an event name is not one of the 2020 schema's";
    UNKNOWN_PHASE = "unknown-phase", false, "a phase name is not in the folder's vocabulary";
    UNKNOWN_PHASE_NAME = "unknown-phase-name", false, "a phase name is not one of the 2020 schema's";
    UNKNOWN_SPONSOR = "unknown-sponsor", false, "a sponsor has no organisation file or is not written `/organisations/<id>`";
    UNKNOWN_STARTUP = "unknown-startup", false, "a member names a start-up that has no file";
    UNKNOWN_STATUS = "unknown-status", false, "a 2016 status is not one of the site's";
    UNREADABLE_FILE = "unreadable-file", true, "the file or entry cannot be read";
    UNTERMINATED_FRONT_MATTER = "unterminated-front-matter", true, "the front matter is never closed";
    UPGRADE_UNDATED = "upgrade-undated", false, "a `status` start-up without a full start date cannot be dated once upgraded";
    VOCABULARY_CONFLICT = "vocabulary-conflict", false, "start-up files record different `vocabulary` values";
    YAML_LIMIT = "yaml-limit", true, "the front matter goes over a safety limit (depth, aliases)";
    YAML_SYNTAX = "yaml-syntax", true, "the front matter is not valid YAML";
}

/// The rule of id `id`, if any.
#[must_use]
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.id == id)
}

/// Whether `id` is a rule id that `content check` can report.
#[must_use]
pub fn is_known(id: &str) -> bool {
    find(id).is_some()
}

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
            if line.starts_with("//") {
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

    /// Sources that still write rule ids as literals (path prefixes, so that a file
    /// split into a folder stays covered), and why: the portfolio is below this crate
    /// (it cannot use these constants; its ids are checked to be listed here); the
    /// export tables reuse the portfolio's and the reader's ids (they can move to these
    /// constants); the budget checks have their own rule ids, some spelled like these.
    const LITERAL_IDS_ALLOWED: [&str; 3] = [
        "betagouv-portfolio/src/portfolio.rs",
        "betagouv-export/src/tables",
        "betagouv-funding/src/check",
    ];

    #[test]
    fn the_list_is_sorted_unique_and_kebab_case() {
        assert!(ALL.windows(2).all(|w| w[0].id < w[1].id));
        for r in ALL {
            let ok = !r.id.starts_with('-')
                && !r.id.ends_with('-')
                && !r.id.contains("--")
                && r.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            assert!(ok, "{}", r.id);
        }
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
            "betagouv-content/src/check/current.rs",
            "betagouv/src/cmd/content.rs",
        ] {
            assert!(names.iter().any(|n| n == needed), "{needed} not scanned");
        }
        assert!(names.len() > 40, "only {} files scanned", names.len());
        for ((_, src), name) in sources.iter().zip(&names) {
            if name == "betagouv-content/src/rules.rs" {
                continue;
            }
            let allowed = LITERAL_IDS_ALLOWED.iter().any(|p| name.starts_with(p));
            for lit in kebab_literals(src) {
                if is_known(&lit) {
                    assert!(
                        allowed,
                        "{name}: rule id \"{lit}\" written as a literal; use rules::{}",
                        lit.to_uppercase().replace('-', "_")
                    );
                }
            }
        }
    }

    #[test]
    fn every_rule_id_of_the_portfolio_validation_is_listed() {
        // The portfolio (below this crate) writes its ids as literals: each must be here.
        let src = include_str!("../../betagouv-portfolio/src/portfolio.rs");
        let not_rules = ["pole-emploi", "la-bonne-boite"];
        let mut seen = 0;
        for lit in kebab_literals(src) {
            if not_rules.contains(&lit.as_str()) {
                continue;
            }
            assert!(
                is_known(&lit),
                "portfolio.rs: rule id `{lit}` is not in rules::ALL"
            );
            seen += 1;
        }
        assert!(seen > 15, "only {seen} rule ids found: the scan is broken");
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
