//! Hostile inputs: paths out of the repository, documents of the wrong shape, files too large or
//! not UTF-8. Each is an error (exit 2) that writes nothing and quotes nothing from outside.

use crate::common::{POLICY, Repo, manifest};

/// Runs `args` and asserts the error contract: exit 2 and no file written or changed.
fn fails_untouched(repo: &Repo, args: &[&str]) -> String {
    let before = repo.tree();
    let run = repo.run(args);
    assert_eq!(run.code, 2, "{}", run.render());
    assert_eq!(
        repo.tree(),
        before,
        "an error must leave the tree untouched"
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    run.render()
}

/// A manifest whose policies are in `dir`.
fn manifest_with_dir(dir: &str) -> String {
    format!("{}policies:\n  dir: {dir}\n", manifest())
}

/// A directory outside the repository holding a valid policy.
fn outside_policies() -> tempfile::TempDir {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("outside.yaml"), POLICY).unwrap();
    outside
}

#[test]
fn policy_dir_outside_repo_is_refused() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest_with_dir("../outside"));
    insta::assert_snapshot!(fails_untouched(&repo, &["build"]));
}

#[test]
fn absolute_policy_dir_is_refused_at_its_position() {
    let outside = outside_policies();
    let repo = Repo::new();
    let dir = outside.path().display().to_string();
    repo.write("rulesmith.yaml", &manifest_with_dir(&dir));
    let out = fails_untouched(&repo, &["build"]);
    assert!(out.contains("error[RS0006]"), "{out}");
    assert!(out.contains("is an absolute path"), "{out}");
    assert!(out.contains(" --> rulesmith.yaml:9:8"), "{out}");
}

#[cfg(unix)]
#[test]
fn policy_dir_symlinked_out_of_repo_is_refused() {
    let outside = outside_policies();
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest_with_dir("shared"));
    std::os::unix::fs::symlink(outside.path(), repo.path().join("shared")).unwrap();
    insta::assert_snapshot!(fails_untouched(&repo, &["build"]));
}

#[cfg(unix)]
#[test]
fn default_policy_dir_through_a_symlinked_parent_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(outside.path().join("policies")).unwrap();
    std::fs::write(outside.path().join("policies/p.yaml"), POLICY).unwrap();
    let repo = Repo::new();
    repo.write("rulesmith.yaml", &manifest());
    std::os::unix::fs::symlink(outside.path(), repo.path().join(".rulesmith")).unwrap();
    let out = fails_untouched(&repo, &["check"]);
    assert!(out.contains("error[RS0006]"), "{out}");
    assert!(out.contains("`.rulesmith/policies`"), "{out}");
}

#[cfg(unix)]
#[test]
fn custom_targets_dir_outside_repo_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::create_dir(outside.path().join("mine")).unwrap();
    std::fs::write(outside.path().join("mine/target.yaml"), "id: mine\n").unwrap();
    let repo = Repo::with_policy();
    std::os::unix::fs::symlink(outside.path(), repo.path().join(".rulesmith/targets")).unwrap();
    for args in [&["build"][..], &["targets"]] {
        let out = fails_untouched(&repo, args);
        assert!(out.contains("error[RS0006]"), "{out}");
        assert!(out.contains("`.rulesmith/targets`"), "{out}");
    }
}

#[cfg(unix)]
#[test]
fn symlinked_manifest_outside_repo_prints_no_excerpt() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("ci.env"),
        "CI_SECRET_TOKEN=s3cr3t-value\nproject: [unclosed\n",
    )
    .unwrap();
    let repo = Repo::new();
    std::os::unix::fs::symlink(
        outside.path().join("ci.env"),
        repo.path().join("rulesmith.yaml"),
    )
    .unwrap();
    for args in [
        &["build"][..],
        &["check"],
        &["scan"],
        &["explain", "secrets"],
    ] {
        let out = fails_untouched(&repo, args);
        assert!(out.contains("error[RS0006]"), "{args:?}: {out}");
        assert!(!out.contains("s3cr3t"), "{args:?}: {out}");
        assert!(!out.contains("CI_SECRET_TOKEN"), "{args:?}: {out}");
        assert!(!out.contains("unclosed"), "{args:?}: {out}");
    }
    insta::assert_snapshot!(fails_untouched(&repo, &["build"]));
}

#[cfg(unix)]
#[test]
fn symlinked_manifest_inside_repo_is_read() {
    let repo = Repo::with_policy();
    std::fs::rename(
        repo.path().join("rulesmith.yaml"),
        repo.path().join("config.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("config.yaml", repo.path().join("rulesmith.yaml")).unwrap();
    let run = repo.run(&["build"]);
    assert_eq!(run.code, 0, "{}", run.render());
}

#[cfg(unix)]
#[test]
fn symlinked_trust_file_outside_repo_prints_no_excerpt() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("t"), "CI_SECRET_TOKEN=s3cr3t\n").unwrap();
    let repo = Repo::with_policy();
    std::os::unix::fs::symlink(
        outside.path().join("t"),
        repo.path().join(".rulesmith/trust.yaml"),
    )
    .unwrap();
    let out = fails_untouched(&repo, &["scan"]);
    assert!(out.contains("error[RS0006]"), "{out}");
    assert!(!out.contains("s3cr3t"), "{out}");
}

#[test]
fn a_manifest_that_is_not_a_mapping_names_the_keys_it_needs() {
    let repo = Repo::new();
    repo.write("rulesmith.yaml", "- claude\n- agents\n");
    let list = fails_untouched(&repo, &["build"]);
    repo.write("rulesmith.yaml", "hello\n");
    let scalar = fails_untouched(&repo, &["build"]);
    insta::assert_snapshot!(format!("{list}\n{scalar}"));
}

#[cfg(unix)]
#[test]
fn manifest_that_is_not_a_regular_file_is_named_as_given() {
    let repo = Repo::new();
    let out = fails_untouched(&repo, &["build", "--manifest", "/dev/null"]);
    assert!(
        out.contains("error[RS0005]: `/dev/null` is not a regular file"),
        "{out}"
    );
    std::fs::create_dir(repo.path().join("dir")).unwrap();
    let out = fails_untouched(&repo, &["check", "--manifest", "dir"]);
    assert!(
        out.contains("error[RS0005]: `dir` is not a regular file"),
        "{out}"
    );
}

#[test]
fn huge_manifest_is_refused_with_its_size() {
    let repo = Repo::new();
    repo.write(
        "rulesmith.yaml",
        &format!("{}# {}\n", manifest(), "x".repeat(2 * 1024 * 1024)),
    );
    let out = fails_untouched(&repo, &["build"]);
    assert!(out.contains("error[RS0004]"), "{out}");
    assert!(out.contains("the limit is 1048576"), "{out}");
}

#[test]
fn non_utf8_manifest_points_at_the_bad_byte() {
    let repo = Repo::new();
    repo.write_bytes("rulesmith.yaml", b"project: caf\xe9\ntier: prototype\n");
    let out = fails_untouched(&repo, &["build"]);
    assert!(out.contains("error[RS0003]"), "{out}");
    assert!(out.contains(" --> rulesmith.yaml:1:13"), "{out}");
}

#[test]
fn huge_custom_target_template_is_refused() {
    let repo = Repo::with_policy();
    repo.write(
        ".rulesmith/targets/mine/big.hbs",
        &"x".repeat(2 * 1024 * 1024),
    );
    let out = fails_untouched(&repo, &["build"]);
    assert!(out.contains("error[RS0004]"), "{out}");
}
