//! `scripts/install.sh`, which `action.yml` runs: against a fake release in a directory and at a
//! file:// URL, a good checksum installs the binary and a wrong one fails, installing nothing.
#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TARGET: &str = "x86_64-unknown-linux-musl";
const VERSION: &str = "9.8.7";

/// A release directory holding one archive, laid out as the release workflow packs it, whose
/// `rulesmith` prints a marker; returns the directory and the archive's SHA-256.
fn fake_release(root: &Path) -> (PathBuf, String) {
    let name = format!("rulesmith-v{VERSION}-{TARGET}");
    let stage = root.join("stage").join(&name);
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::write(
        stage.join("rulesmith"),
        "#!/bin/sh\necho fake rulesmith \"$@\"\n",
    )
    .unwrap();
    let release = root.join("release");
    std::fs::create_dir_all(&release).unwrap();
    let archive = release.join(format!("{name}.tar.gz"));
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(root.join("stage"))
        .arg(&name)
        .status()
        .unwrap();
    assert!(tar.success());
    let sum = Command::new("sha256sum").arg(&archive).output().unwrap();
    let hash = String::from_utf8(sum.stdout).unwrap()[..64].to_owned();
    std::fs::write(
        release.join(format!("{name}.tar.gz.sha256")),
        format!("{hash}  {name}.tar.gz\n"),
    )
    .unwrap();
    (release, hash)
}

fn install(base_url: &str, dir: &Path, extra: &[&str]) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install.sh");
    Command::new("sh")
        .arg(script)
        .args([
            "--version",
            VERSION,
            "--target",
            TARGET,
            "--base-url",
            base_url,
        ])
        .arg("--dir")
        .arg(dir)
        .args(extra)
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_verified_archive_installs_from_a_directory_and_a_file_url() {
    let temp = tempfile::tempdir().unwrap();
    let (release, hash) = fake_release(temp.path());
    let url = format!("file://{}", release.display());
    for (base, dir, extra) in [
        (release.display().to_string(), temp.path().join("a"), vec![]),
        (url.clone(), temp.path().join("b"), vec![]),
        (url, temp.path().join("c"), vec!["--sha256", hash.as_str()]),
    ] {
        let output = install(&base, &dir, &extra);
        assert!(output.status.success(), "{base}: {}", stderr(&output));
        let ran = Command::new(dir.join("rulesmith"))
            .arg("--version")
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(ran.stdout).unwrap(),
            "fake rulesmith --version\n"
        );
    }
}

#[test]
fn a_wrong_checksum_fails_and_installs_nothing() {
    let temp = tempfile::tempdir().unwrap();
    let (release, hash) = fake_release(temp.path());
    let wrong = format!(
        "{}{}",
        &hash[..63],
        if hash.ends_with('0') { '1' } else { '0' }
    );

    let dir = temp.path().join("pinned");
    let output = install(&release.display().to_string(), &dir, &["--sha256", &wrong]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("checksum mismatch"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.join("rulesmith").exists());

    // A tampered archive no longer matches the published checksum file.
    let name = format!("rulesmith-v{VERSION}-{TARGET}.tar.gz");
    let mut bytes = std::fs::read(release.join(&name)).unwrap();
    bytes.push(0);
    std::fs::write(release.join(&name), bytes).unwrap();
    let dir = temp.path().join("published");
    let output = install(&format!("file://{}", release.display()), &dir, &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("checksum mismatch"),
        "{}",
        stderr(&output)
    );
    assert!(!dir.exists() || !dir.join("rulesmith").exists());
}

/// The `run` script of action.yml's step called `name`.
fn action_step(name: &str) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let action = rulesmith::syntax::yaml::parse(&text).unwrap().to_json();
    let steps = action["runs"]["steps"].as_array().unwrap();
    let step = steps.iter().find(|step| step["name"] == name).unwrap();
    step["run"].as_str().unwrap().to_owned()
}

#[test]
fn the_action_installs_through_the_script_and_passes_one_format() {
    let install = action_step("Install rulesmith");
    assert!(
        install.contains("\"$ACTION_PATH/scripts/install.sh\""),
        "{install}"
    );
    assert!(
        !install.contains("cargo"),
        "the action never builds from source"
    );

    // A stand-in rulesmith prints the arguments the check step gives it.
    let temp = tempfile::tempdir().unwrap();
    let fake = temp.path().join("rulesmith");
    std::fs::write(&fake, "#!/bin/sh\necho \"$@\"\n").unwrap();
    std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        temp.path().display(),
        std::env::var("PATH").unwrap()
    );
    let check = action_step("Check");
    for (args, expected) in [
        ("", "check --format github\n"),
        ("--format sarif", "check --format sarif\n"),
        ("--name-only", "check --format github --name-only\n"),
    ] {
        let output = Command::new("bash")
            .args(["-c", &check])
            .env("PATH", &path)
            .env("RULESMITH_MANIFEST", "")
            .env("RULESMITH_FORMAT", "github")
            .env("RULESMITH_ARGS", args)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            expected,
            "args {args:?}"
        );
    }
}

#[test]
fn the_readme_installs_from_the_cargo_toml_repository() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("\n## Install\n").expect("an Install section");
    let section = &readme[start..start + readme[start + 1..].find("\n## ").unwrap()];
    let repository = env!("CARGO_PKG_REPOSITORY");
    let command = format!(
        "cargo install --locked --git {repository} --tag v{}",
        env!("CARGO_PKG_VERSION")
    );
    assert!(section.contains(&command), "{section}");
    assert!(
        section.contains(&format!("{repository}/releases")),
        "{section}"
    );
    for placeholder in ["OWNER", "TAG", "…", "<"] {
        assert!(
            !section.contains(placeholder),
            "`{placeholder}` in {section}"
        );
    }
    assert!(
        !readme.contains("OWNER/"),
        "a placeholder address is left in the README"
    );
}
