//! `rulesmith import`: hand-written agent files and other rules tools' sources turned into
//! policies under the manifest's policy directory.
//!
//! By default the agent files are kept, and the summary says how to let rulesmith generate
//! them. With `--replace` the files whose every rule was imported are removed and a build
//! writes the generated files in their place.

use std::collections::BTreeSet;
use std::path::Path;

use crate::cli::{BuildArgs, ImportArgs};
use crate::commands::{ExitStatus, Need, Workspace, build};
use crate::diagnostic::Diagnostic;
use crate::import::{self, Imported, Status};
use crate::load;
use crate::report::Reporter;
use crate::report::findings::{FindingsView, Format, Verbosity};
use crate::write;

/// Runs `rulesmith import`.
pub(super) fn run(
    workspace: &Workspace,
    args: &ImportArgs,
    cwd: &Path,
    reporter: &mut Reporter,
) -> Result<ExitStatus, Vec<Diagnostic>> {
    let root = &workspace.root;
    let within: Vec<String> = args
        .paths
        .iter()
        .map(|p| load::display_path(root, &cwd.join(p)))
        .collect();
    let (inputs, problems) = load::import_files(root, &within, &workspace.agents);
    if !problems.is_empty() {
        return Err(problems);
    }
    let sources = workspace.sources()?;
    let taken: BTreeSet<String> = sources
        .policies
        .iter()
        .map(|p| p.policy.id.clone())
        .collect();
    let imported = import::import(&inputs, &taken, &workspace.agents, &workspace.scan);
    let dir = &workspace.manifest().parsed.value.policies.dir;
    let files: Vec<(String, String)> = imported
        .policies
        .iter()
        .map(|policy| {
            let source = imported
                .files
                .iter()
                .find(|f| f.policies.contains(&policy.id))
                .map_or("", |f| f.path.as_str());
            (
                format!("{}/{}.yaml", dir.trim_end_matches('/'), policy.id),
                import::policy_file(policy, source),
            )
        })
        .collect();
    if !imported.findings.is_empty() {
        let view = FindingsView {
            command: "import",
            findings: &imported.findings,
            diagnostics: &[],
            files_checked: inputs.len(),
        };
        reporter.findings(Format::Human, &view, Verbosity::Normal);
    }
    let removed: Vec<String> = if args.replace {
        imported
            .files
            .iter()
            .filter(|f| f.replaceable())
            .map(|f| f.path.clone())
            .collect()
    } else {
        Vec::new()
    };
    if args.dry_run {
        for (path, text) in &files {
            reporter.data(&format!("# {path}\n{text}\n"));
        }
    } else if !args.replace {
        write::import(root, &files, &[], || Ok(()))?;
    }
    let listed: Vec<&str> = removed.iter().map(String::as_str).collect();
    let shown: &[&str] = if args.dry_run { &listed } else { &[] };
    reporter.import_summary(&imported, shown, args.dry_run);
    let selected =
        crate::compile::selected_targets(&workspace.manifest().parsed.value, &workspace.catalog);
    let mut missing: Vec<&str> = imported
        .files
        .iter()
        .filter_map(|f| match &f.origin {
            import::Origin::Agent(id) if f.status == Status::Imported => Some(id.as_str()),
            _ => None,
        })
        .filter(|id| !selected.iter().any(|t| t == id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let mut notes = Vec::new();
    if !missing.is_empty() {
        notes.push(format!(
            "note: add {} to `targets:` in rulesmith.yaml so rulesmith generates their files",
            missing.join(", ")
        ));
    }
    let status = if imported.findings.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    };
    // `--replace` builds even when nothing was imported: the settings files the agent files
    // sat beside still become what rulesmith generates.
    if args.dry_run || (imported.policies.is_empty() && !args.replace) {
        notes.iter().for_each(|n| reporter.note(n));
        return Ok(status);
    }
    let withheld = imported.files.iter().any(|f| f.status == Status::Withheld);
    if args.replace && withheld {
        notes.iter().for_each(|n| reporter.note(n));
        reporter.note(
            "nothing was written: --replace needs every file it reads to be clean; remove the content the scanner found (above) and run it again, or import the other files by path",
        );
        return Ok(status);
    }
    if args.replace {
        notes.iter().for_each(|n| reporter.note(n));
        let manifest = root.join(&workspace.manifest().source.name);
        let build_args = BuildArgs {
            dry_run: false,
            force: false,
            check: false,
            quiet: false,
            fix_gitignore: false,
        };
        // The policies, the removals and the build stand or fall together: if the build
        // fails, every file is as it was.
        write::import(root, &files, &removed, || {
            let workspace = Workspace::load(Some(&manifest), cwd, Need::Project)?;
            build::run(&workspace, &build_args, reporter)
        })?;
        for path in &removed {
            reporter.note(&format!("removed {path} (its rules are in the policies)"));
        }
        return Ok(status);
    }
    notes.push(kept_note(&imported));
    notes.iter().for_each(|n| reporter.note(n));
    Ok(status)
}

/// What to do with the agent files that were kept.
fn kept_note(imported: &Imported) -> String {
    let kept = imported.files.iter().filter(|f| f.replaceable()).count();
    format!(
        "next: review the policies, then run `rulesmith import --replace` to let rulesmith generate the {kept} imported agent file(s), or delete them and run `rulesmith build`"
    )
}
