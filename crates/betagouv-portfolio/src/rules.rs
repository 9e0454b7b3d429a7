//! Every rule id a diagnostic can carry, declared once with a one-line description:
//! this crate's validation ([`Portfolio::validate`](crate::Portfolio::validate)) and
//! the rules of the crates above it (the content reader, its checks and upgrade, the
//! exports). The list lives here, at the bottom of the crate graph, so that every
//! crate names a rule by its constant and `betagouv_content::rules` (which re-exports
//! it) can list them all.
//!
//! Rule ids are stable kebab-case names.
//!
//! ```
//! use betagouv_portfolio::rules;
//! assert!(rules::is_known(rules::YAML_SYNTAX));
//! assert!(!rules::is_known("no-such-rule"));
//! assert!(rules::ALL.iter().all(|r| !r.description.is_empty()));
//! assert!(rules::ALL.windows(2).all(|w| w[0].id < w[1].id));
//! ```

/// A rule id and what it reports. Serialised as `{"id", "description", "drops_file"}`;
/// not deserialised: the list is static (look a rule up by id with [`find`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Rule {
    /// The stable kebab-case id.
    pub id: &'static str,
    /// What the rule reports, in one line.
    pub description: &'static str,
    /// Whether a file reported by this rule gave no record (the file is dropped).
    pub drops_file: bool,
}

/// Declares rule ids once: one documented `pub const` per id and `ALL`, the list of
/// [`Rule`]s in the order given (keep it sorted by id). Used here and by the crates that
/// have rule lists of their own (the budget checks); not a stable API.
#[doc(hidden)]
#[macro_export]
macro_rules! rule_list {
    ($($name:ident = $id:literal, $drops:literal, $desc:literal;)*) => {
        $(
            #[doc = concat!("`", $id, "`: ", $desc)]
            pub const $name: &str = $id;
        )*
        /// Every rule, sorted by id.
        pub const ALL: &[$crate::rules::Rule] = &[
            $($crate::rules::Rule { id: $id, description: $desc, drops_file: $drops },)*
        ];
    };
}

crate::rule_list! {
    BLANK_BEFORE_FRONT_MATTER = "blank-before-front-matter", false, "blank lines before the opening `---` (the site then sees no front matter)";
    BOM = "bom", false, "the file starts with a byte-order mark";
    COMPLEX_KEY = "complex-key", false, "a mapping key is not a text";
    CONTACT_FORMAT = "contact-format", false, "`contact` is not an e-mail address";
    CRLF = "crlf", false, "Windows (CRLF) line endings";
    DANGLING_CONTACT = "dangling-contact", false, "a start-up's `contact_dinum` or `contact_incubator` names a member with no record";
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
    GIT_OBJECT_UNREADABLE = "git-object-unreadable", true, "a git object of a collection (file or folder) is missing or cannot be decoded (partial clone, damaged repository)";
    GIT_SUBMODULE = "git-submodule", false, "a submodule in a collection folder of a git tree is not read";
    GIT_SYMLINK = "git-symlink", true, "a symbolic link in a collection folder of a git tree is not followed";
    INCUBATORS_LIST = "incubators-list", false, "`incubators` is not a list of at least 2 existing incubators including `incubator`";
    INVALID_DATE = "invalid-date", false, "a date is not a date";
    INVALID_ID = "invalid-id", true, "the file name cannot be a record id";
    INVALID_UTF8 = "invalid-utf8", true, "the file is not UTF-8 text";
    INVALID_VOCABULARY = "invalid-vocabulary", false, "the `vocabulary` key is not 2016, 2018, 2020 or 2026";
    LEGACY_KEY = "legacy-key", false, "a key of an earlier schema (a start-up's `owner`, `status`, `start`, `end`; a member's flat `start`, `end`, `employer`, `contracts`) in a folder of today's schema";
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
    UNKNOWN_KEY = "unknown-key", false, "a top-level key is not one of today's schema for its kind of record";
    UNKNOWN_PHASE = "unknown-phase", false, "a phase name is not in the folder's vocabulary";
    UNKNOWN_PHASE_NAME = "unknown-phase-name", false, "a phase name is not one of the 2020 schema's";
    UNKNOWN_SPONSOR = "unknown-sponsor", false, "a sponsor has no organisation file or is not written `/organisations/<id>`";
    UNKNOWN_STARTUP = "unknown-startup", false, "a member names a start-up that has no file";
    UNKNOWN_STATUS = "unknown-status", false, "a 2016 status is not one of the site's";
    UNREADABLE_FILE = "unreadable-file", true, "the file or entry cannot be read";
    UNTERMINATED_FRONT_MATTER = "unterminated-front-matter", true, "the front matter is never closed";
    UPGRADE_UNDATED = "upgrade-undated", false, "a `status` start-up without a full start date cannot be dated once upgraded";
    URL_FORMAT = "url-format", false, "a URL field (`link`, `repository`, `stats_url`...) is not an http or https URL";
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn find_gives_the_rule_of_an_id() {
        assert_eq!(find(FIELD_REQUIRED).map(|r| r.id), Some("field-required"));
        assert!(find(YAML_SYNTAX).is_some_and(|r| r.drops_file));
        assert!(find("Field-Required").is_none());
    }
}
