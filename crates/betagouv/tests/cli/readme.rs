//! The commands shown in the workspace README exist with the flags it shows: each is
//! run with `--help` appended, which clap answers only after it has accepted every
//! argument before it (an unknown subcommand or flag, or a bad value, fails first).

use super::betagouv;

/// The `betagouv ...` lines of the README's `sh` blocks, without comments or
/// redirections, split into words.
fn readme_commands() -> Vec<Vec<String>> {
    let readme = include_str!("../../../../README.md");
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
fn every_command_of_the_workspace_readme_is_accepted() {
    let commands = readme_commands();
    assert!(
        commands.len() >= 10,
        "only {} commands found",
        commands.len()
    );
    for args in commands {
        betagouv().args(&args).arg("--help").assert().success();
    }
}

#[test]
fn a_wrong_flag_before_help_is_refused() {
    // What makes the test above able to fail.
    betagouv()
        .args(["portfolio", "snapshot", "--no-such-flag", "--help"])
        .assert()
        .code(2);
}
