//! The catalogue of targets: the embedded ones, parsed and checked.

use std::collections::BTreeMap;

use crate::agreement::AGREEMENT_TARGET;
use crate::diagnostic::{Code, Diagnostic, SourceFile};
use crate::embedded;
use crate::policy::schema::SchemaKind;
use crate::policy::validate::parse_document;
use crate::target::spec::TargetSpec;

/// The directory of templates shared by every target, registered as partials.
pub const SHARED_DIR: &str = "_shared";

/// A target: its spec and its templates by file name.
#[derive(Clone, Debug)]
pub struct Target {
    /// The parsed spec.
    pub spec: TargetSpec,
    /// Templates keyed by their path inside the target's directory.
    pub templates: BTreeMap<String, SourceFile>,
}

/// Every known target plus the shared partials.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    /// Targets by id.
    pub targets: BTreeMap<String, Target>,
    /// Shared partials by name (file stem).
    pub partials: BTreeMap<String, SourceFile>,
}

impl Catalog {
    /// Builds the catalogue from `(path, text)` pairs laid out as `targets/`.
    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
        display_prefix: &str,
    ) -> Result<Catalog, Vec<Diagnostic>> {
        let mut specs = Vec::new();
        let mut templates: BTreeMap<String, BTreeMap<String, SourceFile>> = BTreeMap::new();
        let mut partials = BTreeMap::new();
        for (path, text) in files {
            let Some((dir, file)) = path.split_once('/') else {
                continue;
            };
            let source = SourceFile::new(format!("{display_prefix}{path}"), text);
            if dir == SHARED_DIR {
                if let Some(stem) = file
                    .strip_suffix(".hbs")
                    .map(|f| f.split('.').next().unwrap_or(f))
                {
                    partials.insert(stem.to_owned(), source);
                }
            } else if file == "target.yaml" {
                specs.push((dir.to_owned(), source));
            } else if file.ends_with(".hbs") {
                templates
                    .entry(dir.to_owned())
                    .or_default()
                    .insert(file.to_owned(), source);
            }
        }
        let mut problems = Vec::new();
        let mut targets = BTreeMap::new();
        for (dir, source) in specs {
            match parse_document::<TargetSpec>(&source, SchemaKind::Target) {
                Ok(parsed) => {
                    let spec = parsed.value;
                    if spec.id != dir {
                        problems.push(
                            Diagnostic::error(
                                Code::TargetSpecError,
                                format!(
                                    "target id `{}` does not match its directory `{dir}`",
                                    spec.id
                                ),
                            )
                            .at(source.whole())
                            .hint(format!("set `id: {dir}` or rename the directory")),
                        );
                        continue;
                    }
                    let own = templates.remove(&dir).unwrap_or_default();
                    for output in &spec.outputs {
                        if !own.contains_key(&output.template) {
                            problems.push(
                                Diagnostic::error(
                                    Code::TargetSpecError,
                                    format!(
                                        "target `{dir}` names template `{}`, which does not exist",
                                        output.template
                                    ),
                                )
                                .at(source.whole())
                                .hint(format!(
                                    "add {display_prefix}{dir}/{} or fix the `template` entry",
                                    output.template
                                )),
                            );
                        }
                    }
                    targets.insert(
                        dir,
                        Target {
                            spec,
                            templates: own,
                        },
                    );
                }
                Err(errors) => problems.extend(errors),
            }
        }
        if problems.is_empty() {
            Ok(Catalog { targets, partials })
        } else {
            Err(problems)
        }
    }

    /// The targets embedded in the binary.
    pub fn builtin() -> Catalog {
        Catalog::from_files(embedded::TARGETS.iter().copied(), "targets/")
            .expect("embedded targets are checked by the test suite")
    }

    /// Ids of every target, sorted.
    pub fn ids(&self) -> Vec<String> {
        self.targets.keys().cloned().collect()
    }

    /// Ids of the targets a manifest's `targets` list may name: every target but the working
    /// agreement, which the manifest's `agreement` section selects.
    pub fn agent_ids(&self) -> Vec<String> {
        self.targets
            .keys()
            .filter(|id| *id != AGREEMENT_TARGET)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_catalogue_loads() {
        let catalog = Catalog::from_files(embedded::TARGETS.iter().copied(), "targets/").unwrap();
        for id in ["agents", "claude", "cursorrules"] {
            assert!(catalog.targets.contains_key(id), "missing {id}");
        }
    }

    #[test]
    fn a_spec_naming_a_missing_template_is_an_error() {
        let spec = "id: x\nname: X\noutputs:\n  - path: X.md\n    template: missing.hbs\n    comment: html\n";
        let errors = Catalog::from_files([("x/target.yaml", spec)], "targets/").unwrap_err();
        assert_eq!(errors[0].code, Code::TargetSpecError);
        assert!(errors[0].message.contains("missing.hbs"));
    }
}
