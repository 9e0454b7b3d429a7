//! The commands shown in the READMEs (the binary's own, published with it, and the
//! workspace's) exist with the flags they show: each is run with `--help` appended,
//! which clap answers only after it has accepted every argument before it (an unknown
//! subcommand or flag, or a bad value, fails first).

use super::betagouv;

/// The `betagouv ...` lines of a README's `sh` blocks, without the program name,
/// comments or redirections, split into words (the READMEs quote nothing).
fn readme_commands(readme: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
        } else if in_sh && line.starts_with("betagouv ") {
            out.push(
                line.split_whitespace()
                    .skip(1)
                    .take_while(|w| !w.starts_with('#') && !w.starts_with('>'))
                    .map(str::to_owned)
                    .collect(),
            );
        }
    }
    out
}

#[test]
fn every_command_of_the_readmes_is_accepted() {
    for (name, readme, at_least) in [
        (
            "crates/betagouv/README.md",
            include_str!("../../README.md"),
            5,
        ),
        ("README.md", include_str!("../../../../README.md"), 10),
    ] {
        let commands = readme_commands(readme);
        assert!(
            commands.len() >= at_least,
            "{name}: only {} commands found",
            commands.len()
        );
        for args in commands {
            betagouv().args(&args).arg("--help").assert().success();
        }
    }
}

#[test]
fn the_readme_scan_drops_comments_and_redirections() {
    let readme = "```sh\nbetagouv completions bash > f # c\ncargo run\n```\nbetagouv x\n";
    assert_eq!(readme_commands(readme), [["completions", "bash"]]);
}

#[test]
fn a_wrong_flag_before_help_is_refused() {
    // What makes the test above able to fail.
    betagouv()
        .args(["portfolio", "snapshot", "--no-such-flag", "--help"])
        .assert()
        .code(2);
}
