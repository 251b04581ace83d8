//! `rulesmith completions SHELL`: a script for each shell that completes every subcommand.

use std::process::Command;

use crate::common::Repo;

#[test]
fn each_shell_gets_a_script_that_completes_every_subcommand() {
    let repo = Repo::new();
    for (shell, marker) in [
        ("bash", "complete -F _rulesmith"),
        ("zsh", "#compdef rulesmith"),
        ("fish", "complete -c rulesmith"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = repo.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains(marker), "{shell}: no `{marker}`");
        for subcommand in ["build", "check", "init", "scan", "explain", "completions"] {
            assert!(run.stdout.contains(subcommand), "{shell}: no {subcommand}");
        }
    }
    let run = repo.run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bash"), "{}", run.stderr);
}

#[test]
fn the_bash_script_parses() {
    let repo = Repo::new();
    let script = repo.run(&["completions", "bash"]).stdout;
    let path = repo.path().join("rulesmith.bash");
    std::fs::write(&path, script).unwrap();
    let Ok(status) = Command::new("bash").arg("-n").arg(&path).status() else {
        return; // no bash to parse it with
    };
    assert!(status.success());
}
