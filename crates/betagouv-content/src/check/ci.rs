//! A check's problems in the forms CI services read: GitHub Actions workflow commands
//! ([`github_annotations`]) and SARIF 2.1.0 ([`sarif`]), the format of GitHub code
//! scanning and of most static-analysis dashboards.
//!
//! Both name files relative to the checked folder (the repository root), with `/`
//! separators, so that the CI service can attach each problem to the file of the
//! pull request. A file of a git commit (`<short id>:<path>`, see
//! betagouv-history) is named by its repository path. Line and column are given only
//! when known: a file-level problem (a file name, a missing file) names the file
//! alone, and a problem of the whole folder names no file.
//!
//! ```
//! use betagouv_content::check::{CheckOptions, check_folder};
//! use betagouv_content::check::ci::{github_annotations, sarif, SarifTool};
//! let dir = tempfile::tempdir()?;
//! std::fs::create_dir_all(dir.path().join("content/_startups"))?;
//! std::fs::write(dir.path().join("content/_startups/a.md"), "---\ntitle: A\n---\n")?;
//! let report = check_folder(dir.path(), &CheckOptions::default())?;
//! let annotations = github_annotations(&report, dir.path());
//! assert!(annotations.contains("::error file=content/_startups/a.md"));
//! let log = sarif(&report, dir.path(), &SarifTool::new("betagouv", "0.1.0"));
//! assert_eq!(log.version, "2.1.0");
//! assert_eq!(log.runs[0].results.len(), report.diagnostics.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::{Component, Path};

use betagouv_portfolio::{Diagnostic, Severity};
use serde::Serialize;

use super::CheckReport;
use crate::rules;

/// Where a problem is, as a CI service wants it: the file relative to the checked
/// folder, and the line and column when known (never 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiLocation {
    /// The file, relative to the checked folder, `/`-separated; `None` for a problem
    /// of the whole folder.
    pub file: Option<String>,
    /// Line, from 1, when known.
    pub line: Option<usize>,
    /// Column, from 1, when known (only with a line).
    pub column: Option<usize>,
}

/// Where `d` is, relative to `root` (see [`CiLocation`]).
///
/// ```
/// use betagouv_content::check::ci::ci_location;
/// use betagouv_portfolio::{Diagnostic, Severity};
/// let d = Diagnostic::new(Severity::Error, "x", "m").at("repo/content/_startups/a.md", 3, 0);
/// let loc = ci_location(&d, std::path::Path::new("repo"));
/// assert_eq!(loc.file.as_deref(), Some("content/_startups/a.md"));
/// assert_eq!((loc.line, loc.column), (Some(3), None));
/// ```
#[must_use]
pub fn ci_location(d: &Diagnostic, root: &Path) -> CiLocation {
    let Some(l) = &d.location else {
        return CiLocation {
            file: None,
            line: None,
            column: None,
        };
    };
    let line = Some(l.line).filter(|n| *n > 0);
    let column = line.and(Some(l.column).filter(|n| *n > 0));
    let file = relative_path(&l.file, root);
    CiLocation {
        file: (!file.is_empty()).then_some(file),
        line,
        column,
    }
}

/// `file` relative to `root`, `/`-separated: the part after `root` when `file` is
/// under it, the repository path of a commit's file (`<short id>:<path>`), else
/// `file` itself without a leading `./`.
fn relative_path(file: &Path, root: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_owned()),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => None,
        })
        .collect();
    let text = parts.join("/");
    // `<12 hex>:<path>`: a file of a git commit.
    match text.split_once(':') {
        Some((id, path)) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_hexdigit()) => {
            path.to_owned()
        }
        _ => text,
    }
}

/// One GitHub Actions workflow command per problem (`::error file=F,line=L,col=C,title=RULE::message`,
/// `::warning ...` for warnings), each ended by `\n`: the runner turns them into
/// annotations on the files of the pull request. `line` and `col` are written only
/// when known, `file` only when the problem has one. Values are escaped as the runner
/// requires (`%`, CR, LF everywhere; `:` and `,` in properties).
///
/// ```
/// use betagouv_content::check::{CheckReport, RuleSet};
/// use betagouv_content::check::ci::github_annotations;
/// use betagouv_portfolio::{Diagnostic, ProblemCounts, Severity};
/// let diagnostics = vec![
///     Diagnostic::new(Severity::Warning, "crlf", "CRLF, 100%\nendings").at("r/a.md", 0, 0),
/// ];
/// let report = CheckReport {
///     rules: RuleSet::Current,
///     counts: ProblemCounts::count(&diagnostics),
///     diagnostics,
/// };
/// assert_eq!(
///     github_annotations(&report, std::path::Path::new("r")),
///     "::warning file=a.md,title=crlf::CRLF, 100%25%0Aendings\n"
/// );
/// ```
#[must_use]
pub fn github_annotations(report: &CheckReport, root: &Path) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let command = level(d.severity);
        let loc = ci_location(d, root);
        let mut props = Vec::new();
        if let Some(file) = &loc.file {
            props.push(format!("file={}", escape_property(file)));
        }
        if let Some(line) = loc.line {
            props.push(format!("line={line}"));
        }
        if let Some(col) = loc.column {
            props.push(format!("col={col}"));
        }
        props.push(format!("title={}", escape_property(&d.rule)));
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&d.message)
        ));
    }
    out
}

/// The GitHub command and SARIF level of a severity: `error`, else `warning`.
fn level(severity: Severity) -> &'static str {
    if severity == Severity::Error {
        "error"
    } else {
        "warning"
    }
}

/// A workflow command's message: `%`, CR and LF escaped.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as a message, plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The tool named in a SARIF log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SarifTool {
    /// The tool's name (`betagouv`).
    pub name: String,
    /// Its version.
    pub version: String,
    /// Where to learn about it and its rules.
    pub information_uri: String,
}

impl SarifTool {
    /// A tool with a name and version, documented at the project's repository.
    #[must_use]
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            information_uri: "https://github.com/betagouv/betagouv-rs/blob/main/docs/content.md"
                .to_owned(),
        }
    }
}

/// A SARIF 2.1.0 log (the parts this crate writes), serialisable with any serde
/// serialiser (`serde_json` gives the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SarifLog {
    /// The schema.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// `2.1.0`.
    pub version: &'static str,
    /// One run.
    pub runs: Vec<SarifRun>,
}

/// One run of the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRun {
    /// The tool and its rules.
    pub tool: SarifToolComponent,
    /// Whether the run completed.
    pub invocations: Vec<SarifInvocation>,
    /// Columns count Unicode code points (as the YAML reader does).
    pub column_kind: &'static str,
    /// Where relative file names start: the checked folder, as `%SRCROOT%`.
    pub original_uri_base_ids: std::collections::BTreeMap<&'static str, SarifBase>,
    /// The problems.
    pub results: Vec<SarifResult>,
}

/// `tool`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SarifToolComponent {
    /// `driver`.
    pub driver: SarifDriver,
}

/// `tool.driver`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifDriver {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Documentation.
    pub information_uri: String,
    /// The rules the results refer to, by index.
    pub rules: Vec<SarifRule>,
}

/// A rule's description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRule {
    /// The rule id.
    pub id: String,
    /// Its one-line description.
    pub short_description: SarifText,
}

/// `{"text": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SarifText {
    /// The text.
    pub text: String,
}

/// `invocations[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifInvocation {
    /// Always true: problems of the content are results, not a failure of the run.
    pub execution_successful: bool,
}

/// A base URI id's description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SarifBase {
    /// What the base is.
    pub description: SarifText,
}

/// One problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// The rule id.
    pub rule_id: String,
    /// Its index in `tool.driver.rules`.
    pub rule_index: usize,
    /// `error` or `warning`.
    pub level: &'static str,
    /// The message.
    pub message: SarifText,
    /// Where, when the problem is in a file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<SarifLocation>,
}

/// `locations[]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifLocation {
    /// The file and region.
    pub physical_location: SarifPhysical,
}

/// `physicalLocation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifPhysical {
    /// The file.
    pub artifact_location: SarifArtifact,
    /// The line and column, only when the line is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<SarifRegion>,
}

/// `artifactLocation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifArtifact {
    /// The file relative to the checked folder, percent-encoded as a URI reference.
    pub uri: String,
    /// `%SRCROOT%`.
    pub uri_base_id: &'static str,
}

/// `region`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifRegion {
    /// Line, from 1.
    pub start_line: usize,
    /// Column, from 1, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_column: Option<usize>,
}

/// The SARIF 2.1.0 log of `report`: one run of `tool`, one result per problem, with
/// the rules they refer to (those of [`rules::ALL`] that occur, in id order), files
/// relative to `root` under the base `%SRCROOT%`, and a region only when the line is
/// known.
#[must_use]
pub fn sarif(report: &CheckReport, root: &Path, tool: &SarifTool) -> SarifLog {
    let mut used: Vec<&str> = report.diagnostics.iter().map(|d| d.rule.as_str()).collect();
    used.sort_unstable();
    used.dedup();
    let rules: Vec<SarifRule> = used
        .iter()
        .map(|id| SarifRule {
            id: (*id).to_owned(),
            short_description: SarifText {
                text: rules::find(id)
                    .map_or_else(|| (*id).to_owned(), |r| r.description.to_owned()),
            },
        })
        .collect();
    let results = report
        .diagnostics
        .iter()
        .map(|d| sarif_result(d, root, &used))
        .collect();
    SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![SarifRun {
            tool: SarifToolComponent {
                driver: SarifDriver {
                    name: tool.name.clone(),
                    version: tool.version.clone(),
                    information_uri: tool.information_uri.clone(),
                    rules,
                },
            },
            invocations: vec![SarifInvocation {
                execution_successful: true,
            }],
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: std::collections::BTreeMap::from([(
                "%SRCROOT%",
                SarifBase {
                    description: SarifText {
                        text: "The checked folder (the content repository's root).".to_owned(),
                    },
                },
            )]),
            results,
        }],
    }
}

/// The result of `d`; `used` is the sorted list of rule ids of the run.
fn sarif_result(d: &Diagnostic, root: &Path, used: &[&str]) -> SarifResult {
    let loc = ci_location(d, root);
    let locations = loc
        .file
        .map(|file| SarifLocation {
            physical_location: SarifPhysical {
                artifact_location: SarifArtifact {
                    uri: uri_encode(&file),
                    uri_base_id: "%SRCROOT%",
                },
                region: loc.line.map(|start_line| SarifRegion {
                    start_line,
                    start_column: loc.column,
                }),
            },
        })
        .into_iter()
        .collect();
    SarifResult {
        rule_id: d.rule.clone(),
        rule_index: used.binary_search(&d.rule.as_str()).unwrap_or(0),
        level: level(d.severity),
        message: SarifText {
            text: d.message.clone(),
        },
        locations,
    }
}

/// A relative path as a URI reference: every byte but the unreserved ones and `/`
/// percent-encoded (a file name with a space or `#` stays one path).
fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use betagouv_portfolio::ProblemCounts;

    fn report(diagnostics: Vec<Diagnostic>) -> CheckReport {
        CheckReport {
            rules: super::super::RuleSet::Current,
            counts: ProblemCounts::count(&diagnostics),
            diagnostics,
        }
    }

    #[test]
    fn annotations_give_line_and_col_only_when_known() {
        let r = report(vec![
            Diagnostic::new(Severity::Error, "yaml-syntax", "bad: here, there").at(
                "/r/content/_startups/a b.md",
                3,
                7,
            ),
            Diagnostic::new(Severity::Error, "member-file-name", "name").at(
                "/r/content/_authors/X.md",
                0,
                0,
            ),
            Diagnostic::new(Severity::Warning, "crlf", "w").at("/r/x.md", 2, 0),
            Diagnostic::new(Severity::Error, "empty-folder", "nothing"),
        ]);
        let text = github_annotations(&r, Path::new("/r"));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "::error file=content/_startups/a b.md,line=3,col=7,title=yaml-syntax::bad: here, there",
                "::error file=content/_authors/X.md,title=member-file-name::name",
                "::warning file=x.md,line=2,title=crlf::w",
                "::error title=empty-folder::nothing",
            ]
        );
    }

    #[test]
    fn commit_files_are_named_by_their_repository_path() {
        let d = Diagnostic::new(Severity::Error, "x", "m").at(
            "0123456789ab:content/_startups/a.md",
            1,
            1,
        );
        let loc = ci_location(&d, Path::new(""));
        assert_eq!(loc.file.as_deref(), Some("content/_startups/a.md"));
        let d = Diagnostic::new(Severity::Error, "x", "m").at("./content/a.md", 1, 1);
        assert_eq!(
            ci_location(&d, Path::new("other")).file.as_deref(),
            Some("content/a.md")
        );
    }

    #[test]
    fn sarif_regions_only_with_a_line_and_rules_indexed() {
        let r = report(vec![
            Diagnostic::new(Severity::Warning, "yaml-syntax", "a").at("/r/a#1.md", 2, 0),
            Diagnostic::new(Severity::Error, "bom", "b").at("/r/b.md", 0, 0),
            Diagnostic::new(Severity::Error, "bom", "c"),
        ]);
        let log = sarif(&r, Path::new("/r"), &SarifTool::new("betagouv", "1.2.3"));
        let run = &log.runs[0];
        let ids: Vec<&str> = run
            .tool
            .driver
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["bom", "yaml-syntax"]);
        let res = &run.results;
        assert_eq!((res[0].rule_index, res[0].level), (1, "warning"));
        let phys = &res[0].locations[0].physical_location;
        assert_eq!(phys.artifact_location.uri, "a%231.md");
        assert_eq!(
            phys.region,
            Some(SarifRegion {
                start_line: 2,
                start_column: None
            })
        );
        assert_eq!(res[1].rule_index, 0);
        assert!(res[1].locations[0].physical_location.region.is_none());
        assert!(res[2].locations.is_empty());
        assert_eq!(
            run.tool.driver.rules[0].short_description.text,
            rules::find("bom").map(|r| r.description).unwrap()
        );
    }
}
