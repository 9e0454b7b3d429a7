//! Single-fault mutants of the shared 2025 snapshot (copied to a temporary folder,
//! never into the repository): one mutant per rule of the current rule set and per
//! portfolio validation rule that can fire there. Each gives exactly one new error,
//! of its rule, at the line and column where the fault was written (computed from
//! the mutated text), or at the file alone for a problem of the whole file; the other
//! files' diagnostics are unchanged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use betagouv_content::check::{CheckOptions, CheckReport, RuleSet, check_folder};
use std::sync::OnceLock;

use betagouv_portfolio::Severity;

/// One fault: in `file`, the first `from` replaced by `to`. The error is expected at
/// the last occurrence of `at` in `to` (`None`: at the file alone).
struct Mutant {
    rule: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    at: Option<&'static str>,
}

const STARTUP: &str = "content/_startups/a-just.md";
const MEMBER: &str = "content/_authors/member-0100.md";
const SKILLED: &str = "content/_authors/member-0001.md";

const PHASES: &str = "phases:\n  - name: investigation\n    start: 2021-02-01\n    end: 2021-05-26\n  - name: construction\n    start: 2021-09-01\n  - name: acceleration\n    start: 2022-11-30\n";

const fn m(
    rule: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    at: Option<&'static str>,
) -> Mutant {
    Mutant {
        rule,
        file,
        from,
        to,
        at,
    }
}

/// The mutants: the current rule set's rules, then the portfolio's validation and
/// the reader's errors.
const MUTANTS: &[Mutant] = &[
    // Current rule set.
    m("field-required", STARTUP, "incubator: justice\n", "", None),
    m(
        "field-required",
        STARTUP,
        "contact: contact@a-just.fr",
        "contact: ''",
        Some("contact"),
    ),
    m(
        "quoted-date",
        STARTUP,
        "    start: 2022-11-30",
        "    start: '2022-11-30'",
        Some("'2022"),
    ),
    m(
        "unknown-sponsor",
        STARTUP,
        "  - /organisations/igj",
        "  - /organisations/zz-none",
        Some("/organisations/zz-none"),
    ),
    m(
        "unknown-sponsor",
        STARTUP,
        "  - /organisations/igj",
        "  - name: Un sponsor",
        Some("name: Un"),
    ),
    m(
        "incubators-list",
        STARTUP,
        "incubator: justice\n",
        "incubator: justice\nincubators: [justice]\n",
        Some("[justice]"),
    ),
    m(
        "phases-required",
        STARTUP,
        PHASES,
        "phases: construction\n",
        Some("construction"),
    ),
    m(
        "phase-start-required",
        STARTUP,
        "  - name: construction\n    start: 2021-09-01\n",
        "  - name: construction\n",
        Some("name: construction"),
    ),
    m(
        "duplicate-phase-name",
        STARTUP,
        "  - name: acceleration",
        "  - name: construction",
        Some("construction"),
    ),
    m(
        "phase-end-not-after-start",
        STARTUP,
        "    start: 2021-09-01\n",
        "    start: 2021-09-01\n    end: 2021-09-01\n",
        Some("2021-09-01"),
    ),
    m(
        "event-date-required",
        STARTUP,
        "  - name: national_impact\n    date: 2025-02-26\n",
        "  - name: national_impact\n",
        Some("name: national_impact"),
    ),
    m("missions-required", MEMBER, "missions:", "missionz:", None),
    m(
        "mission-start-required",
        MEMBER,
        "  - start: 2021-04-19\n    end: 2021-05-14\n",
        "  - end: 2021-05-14\n",
        Some("end: 2021"),
    ),
    m(
        "mission-end-required",
        MEMBER,
        "  - start: 2021-04-19\n    end: 2021-05-14\n",
        "  - start: 2021-04-19\n",
        Some("start: 2021"),
    ),
    m(
        "mission-end-not-after-start",
        MEMBER,
        "    end: 2021-05-14",
        "    end: 2021-04-19",
        Some("2021-04-19"),
    ),
    m(
        "quoted-date",
        MEMBER,
        "  - start: 2021-04-19",
        "  - start: '2021-04-19'",
        Some("'2021"),
    ),
    m(
        "unknown-startup",
        MEMBER,
        "      - signaux-faibles",
        "      - zz-no-such-startup",
        Some("zz-no-such-startup"),
    ),
    m(
        "duplicate-reference",
        MEMBER,
        "      - signaux-faibles\n",
        "      - signaux-faibles\n      - signaux-faibles\n",
        Some("signaux-faibles"),
    ),
    m(
        "unknown-domaine",
        MEMBER,
        "domaine: Autre",
        "domaine: Nope",
        Some("Nope"),
    ),
    m(
        "duplicate-competence",
        SKILLED,
        "  - Communication\n",
        "  - Communication\n  - Communication\n",
        Some("Communication"),
    ),
    // The portfolio's validation.
    m(
        "field-required",
        STARTUP,
        "title: A-JUST",
        "title: ''",
        Some("title"),
    ),
    m(
        "field-format",
        STARTUP,
        "contact: contact@a-just.fr",
        "contact: nobody",
        Some("nobody"),
    ),
    m(
        "invalid-date",
        STARTUP,
        "    end: 2021-05-26",
        "    end: 2021-05-45",
        Some("2021-05-45"),
    ),
    m(
        "phase-end-before-start",
        STARTUP,
        "    end: 2021-05-26",
        "    end: 2020-05-26",
        Some("2020-05-26"),
    ),
    m(
        "invalid-date",
        MEMBER,
        "    end: 2021-05-14",
        "    end: hier",
        Some("hier"),
    ),
    m(
        "mission-end-before-start",
        MEMBER,
        "    end: 2021-05-14",
        "    end: 2021-04-01",
        Some("2021-04-01"),
    ),
    // The reader.
    m(
        "duplicate-key",
        SKILLED,
        "role: ADV\n",
        "role: ADV\nrole: ADV\n",
        Some("role"),
    ),
    m(
        "number-out-of-range",
        STARTUP,
        "  montant: 300000",
        "  montant: 12.5",
        Some("12.5"),
    ),
];

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// `text` with the fault of `mutant`, and where its error is expected.
fn apply(text: &str, mutant: &Mutant) -> (String, Option<(usize, usize)>) {
    let start = text
        .find(mutant.from)
        .unwrap_or_else(|| panic!("{} has no {:?}", mutant.file, mutant.from));
    let mutated = format!(
        "{}{}{}",
        &text[..start],
        mutant.to,
        &text[start + mutant.from.len()..]
    );
    let at = mutant.at.map(|needle| {
        let within = mutant
            .to
            .rfind(needle)
            .unwrap_or_else(|| panic!("{needle:?} is not in {:?}", mutant.to));
        position(&mutated, start + within)
    });
    (mutated, at)
}

/// The diagnostics of `report` by file (relative to `root`): (rule, severity,
/// message) with the position, sorted.
type ByFile = BTreeMap<PathBuf, Vec<(String, Severity, String, usize, usize)>>;

fn by_file(root: &Path, report: &CheckReport) -> ByFile {
    let mut out = ByFile::new();
    for d in &report.diagnostics {
        let (file, line, column) = d.location.as_ref().map_or((PathBuf::new(), 0, 0), |l| {
            let rel = l.file.strip_prefix(root).unwrap_or(&l.file).to_path_buf();
            (rel, l.line, l.column)
        });
        out.entry(file).or_default().push((
            d.rule.clone(),
            d.severity,
            d.message.clone(),
            line,
            column,
        ));
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

/// The errors of `after` that `before` does not have (by rule and message: a fault
/// moves the lines below it).
fn new_errors<'a>(
    before: &[(String, Severity, String, usize, usize)],
    after: &'a [(String, Severity, String, usize, usize)],
) -> Vec<&'a (String, Severity, String, usize, usize)> {
    let mut left: Vec<_> = before.iter().map(|d| (&d.0, d.1, &d.2)).collect();
    let mut out = Vec::new();
    for d in after.iter().filter(|d| d.1 == Severity::Error) {
        match left.iter().position(|b| *b == (&d.0, d.1, &d.2)) {
            Some(i) => {
                left.remove(i);
            }
            None => out.push(d),
        }
    }
    out
}

/// What the mutants gave: per mutant, its new errors and where one was expected.
struct Outcome {
    mutant: &'static Mutant,
    expected: Option<(usize, usize)>,
    errors: Vec<(String, Severity, String, usize, usize)>,
    /// Whether every other file's diagnostics are unchanged.
    others_unchanged: bool,
}

/// The baseline's diagnostics and every mutant's outcome, computed once for the tests
/// of this module.
fn run_mutants() -> Option<&'static (ByFile, Vec<Outcome>)> {
    static RUN: OnceLock<Option<(ByFile, Vec<Outcome>)>> = OnceLock::new();
    RUN.get_or_init(run_all).as_ref()
}

/// Runs every mutant on a copy of the 2025 snapshot (the same baseline for each).
fn run_all() -> Option<(ByFile, Vec<Outcome>)> {
    let shared = betagouv_tests::shared_data("betagouv-content/2025-12-31")?;
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("2025");
    betagouv_tests::copy_tree(&shared, &root);
    let options = CheckOptions::default().with_rules(RuleSet::Current);
    let check = || check_folder(&root, &options).unwrap();
    let baseline = by_file(&root, &check());
    let mut outcomes = Vec::new();
    for mutant in MUTANTS {
        let path = root.join(mutant.file);
        let text = std::fs::read_to_string(&path).unwrap();
        let (mutated, expected) = apply(&text, mutant);
        std::fs::write(&path, mutated).unwrap();
        let after = by_file(&root, &check());
        std::fs::write(&path, &text).unwrap();
        let file = Path::new(mutant.file);
        let none = Vec::new();
        let errors = new_errors(
            baseline.get(file).unwrap_or(&none),
            after.get(file).unwrap_or(&none),
        )
        .into_iter()
        .cloned()
        .collect();
        let others = |b: &ByFile| {
            b.iter()
                .filter(|(f, _)| f.as_path() != file)
                .map(|(f, v)| (f.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        outcomes.push(Outcome {
            mutant,
            expected,
            errors,
            others_unchanged: others(&baseline) == others(&after),
        });
    }
    Some((baseline, outcomes))
}

#[test]
fn each_mutant_gives_one_error_of_its_rule_where_the_fault_is() {
    let Some((_, outcomes)) = run_mutants() else {
        return;
    };
    let mut failures = Vec::new();
    for o in outcomes {
        let m = o.mutant;
        let got: Vec<_> = o
            .errors
            .iter()
            .map(|d| (d.0.as_str(), (d.3, d.4)))
            .collect();
        let want = [(m.rule, o.expected.unwrap_or((0, 0)))];
        if got != want || !o.others_unchanged {
            failures.push(format!(
                "{} in {} ({:?} -> {:?}): got {:?}, want {want:?}; other files unchanged: {}",
                m.rule, m.file, m.from, m.to, o.errors, o.others_unchanged
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_inside_a_file_has_a_line() {
    let Some((baseline, outcomes)) = run_mutants() else {
        return;
    };
    // A mutant whose fault is of the whole file (a missing key) may give an error
    // without a line; every other error, of a mutant or of the snapshot itself, has
    // one, except a file name's (`member-file-name`: the shared members are
    // pseudonymised as `member-0001.md`).
    let file_level = |o: &Outcome| o.expected.is_none();
    let mut without_line: Vec<String> = outcomes
        .iter()
        .filter(|o| !file_level(o))
        .flat_map(|o| o.errors.iter())
        .filter(|d| d.3 == 0)
        .map(|d| format!("{d:?}"))
        .collect();
    for (file, diags) in baseline {
        for d in diags {
            if d.1 == Severity::Error && d.3 == 0 && d.0 != "member-file-name" {
                without_line.push(format!("{}: {d:?}", file.display()));
            }
        }
    }
    assert_eq!(without_line, Vec::<String>::new());
    // Counted over the mutants: every new error has a line but the file-level ones'.
    let errors = || outcomes.iter().flat_map(|o| o.errors.iter());
    let file_level_errors = outcomes
        .iter()
        .filter(|o| file_level(o))
        .map(|o| o.errors.len())
        .sum::<usize>();
    assert_eq!(errors().count(), MUTANTS.len(), "one error per mutant");
    assert_eq!(
        errors().filter(|d| d.3 > 0).count(),
        MUTANTS.len() - file_level_errors
    );
    // The file-level mutants give exactly their error, without a line.
    for o in outcomes.iter().filter(|o| file_level(o)) {
        assert!(
            o.errors.iter().all(|d| (d.3, d.4) == (0, 0)),
            "{:?}",
            o.errors
        );
        assert_eq!(o.errors.len(), 1, "{}: {:?}", o.mutant.rule, o.errors);
    }
}
