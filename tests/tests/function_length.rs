//! No function of library code is longer than [`MAX_LINES`] lines (data tables
//! excepted), and docs/ARCHITECTURE.md lists the five longest that remain.
//!
//! Lengths are measured on rustfmt-formatted sources: a function runs from its
//! `fn` line to the first later line that is exactly its indentation plus `}`
//! (or to its `;` for a declaration). Unit-test modules (`#[cfg(test)] mod
//! tests { .. }` and `tests.rs` files) are not library code and are skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly

/// The longest a library function may be, in lines (signature and closing brace included).
const MAX_LINES: usize = 120;

/// Functions that are data, not steps: allowed past [`MAX_LINES`]. (file, function, why)
const DATA_TABLES: &[(&str, &str, &str)] = &[];

/// Crates that are not library code.
const NOT_LIBRARIES: &[&str] = &["betagouv"];

#[derive(Debug, Clone, PartialEq, Eq)]
struct Function {
    lines: usize,
    /// Path relative to `crates/`.
    file: String,
    start: usize,
    name: String,
}

/// The `fn` name declared on `line`, and its indentation, if the line starts a function.
fn fn_start(line: &str) -> Option<(usize, String)> {
    let indent = line.len() - line.trim_start().len();
    let mut rest = line.trim_start();
    if let Some(r) = rest.strip_prefix("pub") {
        rest = r.trim_start();
        if rest.starts_with('(') {
            rest = rest[rest.find(')')? + 1..].trim_start();
        }
    }
    for qualifier in ["const ", "async ", "unsafe ", "extern \"C\" "] {
        if let Some(r) = rest.strip_prefix(qualifier) {
            rest = r.trim_start();
        }
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some((indent, name))
}

/// Every function of one source file, with its length.
fn functions_of(file: &str, text: &str) -> Vec<Function> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with("mod tests {") && i > 0 && lines[i - 1].contains("cfg(test)") {
            let close = format!("{}}}", " ".repeat(indent));
            i += lines[i..]
                .iter()
                .position(|l| *l == close)
                .unwrap_or(lines.len());
            continue;
        }
        if let Some((indent, name)) = fn_start(line) {
            let close = format!("{}}}", " ".repeat(indent));
            let end = if line.trim_end().ends_with('}') && line.contains('{') {
                i
            } else {
                let mut j = i;
                let mut opened = false;
                loop {
                    let l = lines.get(j).copied().unwrap_or("");
                    opened |= l.contains('{');
                    if j >= lines.len()
                        || (!opened && l.trim_end().ends_with(';'))
                        || (j > i && l == close)
                    {
                        break j;
                    }
                    j += 1;
                }
            };
            found.push(Function {
                lines: end.min(lines.len() - 1) - i + 1,
                file: file.to_owned(),
                start: i + 1,
                name,
            });
        }
        i += 1;
    }
    found
}

/// Every library function of the workspace, longest first.
fn library_functions() -> Vec<Function> {
    let mut all = Vec::new();
    // `tests.rs` files are test modules (`#[cfg(test)] mod tests;`).
    for file in betagouv_tests::crate_sources(|name| !NOT_LIBRARIES.contains(&name))
        .into_iter()
        .filter(|f| !f.path.ends_with("/tests.rs"))
    {
        all.extend(functions_of(&file.path, &file.text));
    }
    all.sort_by(|a, b| b.lines.cmp(&a.lines).then_with(|| a.file.cmp(&b.file)));
    all
}

fn is_data_table(f: &Function) -> bool {
    DATA_TABLES
        .iter()
        .any(|(file, name, _)| f.file == *file && f.name == *name)
}

#[test]
fn no_library_function_is_longer_than_the_limit() {
    let too_long: Vec<String> = library_functions()
        .into_iter()
        .filter(|f| f.lines > MAX_LINES && !is_data_table(f))
        .map(|f| {
            format!(
                "crates/{}:{} {} ({} lines)",
                f.file, f.start, f.name, f.lines
            )
        })
        .collect();
    assert!(
        too_long.is_empty(),
        "functions longer than {MAX_LINES} lines: split them into named steps\n{}",
        too_long.join("\n")
    );
}

/// Rows `| lines | `function` | `file` | why |` between the markers of ARCHITECTURE.md.
fn documented_longest(text: &str) -> Vec<(usize, String, String)> {
    let begin = text
        .find("<!-- longest-functions: begin -->")
        .expect("begin marker");
    let end = text
        .find("<!-- longest-functions: end -->")
        .expect("end marker");
    text[begin..end]
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let lines = cells.get(1)?.parse().ok()?;
            let name = cells.get(2)?.trim_matches('`').to_owned();
            let file = cells.get(3)?.trim_matches('`').to_owned();
            Some((lines, name, file))
        })
        .collect()
}

#[test]
fn architecture_lists_the_five_longest_functions() {
    let text =
        std::fs::read_to_string(betagouv_tests::workspace_root().join("docs/ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md");
    let documented = documented_longest(&text);
    let measured: Vec<Function> = library_functions().into_iter().take(5).collect();
    let expected: Vec<String> = measured
        .iter()
        .map(|f| format!("| {} | `{}` | `crates/{}` | … |", f.lines, f.name, f.file))
        .collect();
    let hint = format!("the five longest are now:\n{}", expected.join("\n"));
    assert_eq!(documented.len(), 5, "{hint}");
    // Order-insensitive: functions of equal length may come in either order.
    for f in &measured {
        let file = format!("crates/{}", f.file);
        let row = documented
            .iter()
            .find(|(_, name, doc_file)| *name == f.name && *doc_file == file);
        let Some((lines, ..)) = row else {
            panic!("{} ({file}) is not listed\n{hint}", f.name);
        };
        assert!(
            lines.abs_diff(f.lines) <= 10,
            "{}: documented {lines} lines, measured {}\n{hint}",
            f.name,
            f.lines
        );
    }
}

#[test]
fn the_measure_finds_functions_and_skips_tests() {
    let src = "pub fn short() -> u8 { 1 }\n\nimpl A {\n    pub(crate) fn long(\n        a: u8,\n    ) -> u8 {\n        let x = {\n            a\n        };\n        x\n    }\n}\n\ntrait T {\n    fn declared(&self);\n}\n\n#[cfg(test)]\nmod tests {\n    fn hidden() {}\n}\n";
    let found = functions_of("x.rs", src);
    let summary: Vec<(&str, usize)> = found.iter().map(|f| (f.name.as_str(), f.lines)).collect();
    assert_eq!(summary, [("short", 1), ("long", 8), ("declared", 1)]);
}
