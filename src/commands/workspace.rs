//! The workspace: everything a command needs from the repository, loaded once before dispatch.
//!
//! Flags name where to look (`--manifest`, the working directory); the workspace turns them into
//! a repository root, the parsed manifest, the target catalogue, the scan configuration and the
//! trust records, the way ripgrep turns low-level arguments into high-level ones. Commands then
//! ask it to compile, reconcile or check, and never read the manifest themselves.

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::agents::Registry;
use crate::check;
use crate::compile::{self, Budgets, Build, Sources};
use crate::diagnostic::finding::Finding;
use crate::diagnostic::{Diagnostic, InputCode, ScanCode, SourceFile};
use crate::load::{self, tree::Tree};
use crate::model::boundary;
use crate::model::lock::{self, LOCK_PATH};
use crate::model::manifest::{Manifest, ScanSettings};
use crate::reconcile::gitignore::{self, GITIGNORE, Hidden};
use crate::reconcile::{self, Entry, State};
use crate::render::Rendered;
use crate::render::budget;
use crate::render::catalog::Catalog;
use crate::resolve::ShownOverride;
use crate::resolve::languages::{Languages, Provenance};
use crate::scaffold::harness::Harness;
use crate::scan::trust::{TRUST_FILE, TrustFile};
use crate::scan::{self, ScanConfig};
use crate::validate::{self, Parsed};

/// Whether a command needs a manifest or also runs outside a project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Without a manifest the command cannot run: not finding one is an error.
    Project,
    /// The command runs anywhere; a manifest, when found, adds the project's settings.
    Anywhere,
}

/// The manifest as read and parsed.
pub struct ManifestFile {
    /// Its text, named relative to the repository root.
    pub source: SourceFile,
    /// Its typed value and YAML tree.
    pub parsed: Parsed<Manifest>,
}

/// A repository as every command sees it.
pub struct Workspace {
    /// The repository root: the manifest's directory, else the working directory.
    pub root: PathBuf,
    /// The manifest, when the command runs inside a project.
    pub manifest: Option<ManifestFile>,
    /// The built-in targets plus the repository's own under `.rulesmith/targets/`.
    pub catalog: Catalog,
    /// What the catalogue says about agents: the files each reads, its unsafe settings.
    pub agents: Registry,
    /// Severity changes and the minimum severity of scan findings.
    pub scan: ScanConfig,
    /// Files reviewed and trusted, from `.rulesmith/trust.yaml`.
    pub trust: TrustFile,
    /// The digest of the repository's own targets under `.rulesmith/targets/`, an input of
    /// every build.
    pub targets_digest: String,
    /// The languages rules are selected for, decided on first use.
    languages: OnceCell<Languages>,
}

/// A compiled project next to what the working tree holds.
pub struct Reconciled {
    /// What the working tree holds where rulesmith looks.
    pub tree: Tree,
    /// Every path rulesmith owns, with its state.
    pub entries: Vec<Entry>,
    /// Warnings from compiling the policies; the command goes on.
    pub warnings: Vec<Diagnostic>,
    /// The manifest's overrides with their reasons.
    pub overrides: Vec<ShownOverride>,
    /// The overrides of the built-in pack's security policies, one per policy or rule.
    pub guardrails: Vec<ShownOverride>,
    /// Who owns the manifest in the agreement's CODEOWNERS block.
    pub manifest_owner: Option<String>,
    /// The languages the rules were selected for.
    pub languages: Languages,
}

impl Workspace {
    /// Finds the manifest (`manifest` relative to `cwd`, else the nearest `rulesmith.yaml` from
    /// `cwd` upwards) and loads what every command shares.
    pub fn load(manifest: Option<&Path>, cwd: &Path, need: Need) -> Result<Self, Vec<Diagnostic>> {
        let path = match manifest {
            Some(path) => Some(path.to_path_buf()),
            None => match load::find_manifest(cwd) {
                Ok(path) => Some(path),
                Err(problem) if need == Need::Project => return Err(vec![problem]),
                Err(_) => None,
            },
        };
        let Some(path) = path else {
            return Ok(Workspace {
                targets_digest: String::new(),
                agents: Registry::builtin().clone(),
                catalog: Catalog::builtin(),
                scan: ScanConfig::default(),
                trust: read_trust(cwd)?,
                root: cwd.to_path_buf(),
                manifest: None,
                languages: OnceCell::new(),
            });
        };
        let (root, source) = load::read_manifest(cwd, &path).map_err(|d| vec![d])?;
        let parsed = validate::manifest::parse(&source)?;
        let scan = scan_config(&parsed.value.scan, &source, &parsed)?;
        let (catalog, targets_digest) = catalog(&root)?;
        Ok(Workspace {
            targets_digest,
            agents: catalog.registry(),
            catalog,
            scan,
            trust: read_trust(&root)?,
            root,
            manifest: Some(ManifestFile { source, parsed }),
            languages: OnceCell::new(),
        })
    }

    /// The manifest; only commands loaded with [`Need::Project`] may ask.
    /// The manifest; only for commands that load the workspace with [`Need::Project`].
    pub fn manifest(&self) -> &ManifestFile {
        self.manifest
            .as_ref()
            .expect("commands that compile load the workspace with Need::Project")
    }

    /// Reads the repository's policies and checks them, with the built-in pack, against the
    /// manifest.
    pub fn sources(&self) -> Result<Sources, Vec<Diagnostic>> {
        self.parse_sources(&self.read_policies()?)
    }

    /// Reads the repository's policy files, unparsed.
    fn read_policies(&self) -> Result<Vec<SourceFile>, Vec<Diagnostic>> {
        let manifest = self.manifest();
        load::read_policy_dir(
            &self.root,
            &manifest.parsed.value.policies.dir,
            validate::manifest::policy_dir_span(&manifest.source, &manifest.parsed),
        )
    }

    /// Parses policy files read with [`Workspace::read_policies`], with the digest of the
    /// inputs they and the manifest make up.
    fn parse_sources(&self, repo: &[SourceFile]) -> Result<Sources, Vec<Diagnostic>> {
        let manifest = self.manifest();
        let mut sources =
            compile::load_sources(&manifest.source, &manifest.parsed, repo, &self.catalog)?;
        sources.inputs = Some(self.inputs_digest(repo));
        Ok(sources)
    }

    /// The digest of every input a build's outputs depend on; see [`compile::inputs_digest`].
    fn inputs_digest(&self, repo: &[SourceFile]) -> String {
        let languages = self.languages();
        let detected = (languages.provenance != Provenance::Manifest).then(|| {
            let names: Vec<&str> = languages.list.iter().map(|l| l.0.as_str()).collect();
            names.join(",")
        });
        compile::inputs_digest(
            &self.manifest().source,
            &self.targets_digest,
            repo,
            detected.as_deref(),
        )
    }

    /// Compiles the policies into the files a build would write; nothing is written.
    pub fn compile(&self, budgets: Budgets) -> Result<Build, Vec<Diagnostic>> {
        self.compile_sources(self.sources()?, budgets)
    }

    /// Compiles sources already read with [`Workspace::sources`].
    pub fn compile_sources(
        &self,
        sources: Sources,
        budgets: Budgets,
    ) -> Result<Build, Vec<Diagnostic>> {
        let mut manifest = self.manifest().parsed.value.clone();
        manifest.languages = self.languages().selected();
        compile::compile_sources(&manifest, sources, &self.catalog, budgets)
    }

    /// The languages rules are selected for: the manifest's `languages:` list, or else the
    /// languages of the project's files, agent files left out.
    pub fn languages(&self) -> &Languages {
        self.languages.get_or_init(|| {
            let listed = self.manifest().parsed.value.languages.as_deref();
            Languages::choose(listed, || {
                load::walk::project_files(&self.root, |path| self.agents.classify(path).is_some())
            })
        })
    }

    /// The one load path of `build` and `check`: compile the policies, read the tree, compare.
    ///
    /// When the lock records a build of exactly these inputs and every output still has the
    /// bytes that build rendered, the plan is rebuilt from the files and nothing is compiled.
    pub fn reconcile(&self) -> Result<Reconciled, Vec<Diagnostic>> {
        let repo = self.read_policies()?;
        if let Some(project) = self.recorded(&repo)? {
            return Ok(project);
        }
        self.reconcile_sources(self.parse_sources(&repo)?)
    }

    /// What [`Workspace::reconcile`] returns without compiling, when the lock shows that a
    /// compilation would produce the outputs on disk; `None` when it would not, or may not.
    pub fn up_to_date(&self) -> Result<Option<Reconciled>, Vec<Diagnostic>> {
        self.recorded(&self.read_policies()?)
    }

    /// What [`Workspace::reconcile`] returns when it compiles, whatever the lock says.
    pub fn reconcile_compiled(&self) -> Result<Reconciled, Vec<Diagnostic>> {
        self.reconcile_sources(self.sources()?)
    }

    /// [`Workspace::up_to_date`] for policy files already read.
    ///
    /// Overrides are shown by `check` from the compiled rules, so a manifest with overrides
    /// always compiles.
    fn recorded(&self, repo: &[SourceFile]) -> Result<Option<Reconciled>, Vec<Diagnostic>> {
        if !self.manifest().parsed.value.overrides.is_empty() {
            return Ok(None);
        }
        let Some(lock_file) = load::read_repo_file(&self.root, LOCK_PATH).map_err(|d| vec![d])?
        else {
            return Ok(None);
        };
        let Some(lock) = lock::sealed(&lock_file.text, &self.inputs_digest(repo)) else {
            return Ok(None);
        };
        let paths = lock
            .files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|path| boundary::violation(path).is_none())
            .chain([LOCK_PATH]);
        let tree = load::tree::read_tree(&self.root, paths, |path| {
            self.agents.classify(path).is_some()
        })?;
        let Some((plan, warnings)) =
            compile::recorded_plan(&lock_file.text, &lock, |path| tree.text(path), &self.agents)
        else {
            return Ok(None);
        };
        if self.counts_hand_written(&plan.files, &tree) {
            return Ok(None);
        }
        let entries = reconcile::reconcile(&plan.files, &tree)?;
        Ok(Some(Reconciled {
            tree,
            entries,
            warnings,
            overrides: Vec::new(),
            guardrails: Vec::new(),
            manifest_owner: None,
            languages: self.languages().clone(),
        }))
    }

    /// Whether a budget of the targets of `plan` counts a hand-written agent file of `tree`: the
    /// lock seals no such file, so the up-to-date fast path cannot vouch for the sizes.
    fn counts_hand_written(&self, plan: &[Rendered], tree: &Tree) -> bool {
        let planned: BTreeSet<&str> = plan.iter().map(|f| f.path.as_str()).collect();
        let targets: BTreeSet<&str> = plan.iter().map(|f| f.target.as_str()).collect();
        let targets: Vec<&str> = targets.into_iter().collect();
        tree.agent_files.iter().any(|path| {
            !tree.nested.contains(path)
                && !planned.contains(path.as_str())
                && budget::counts_hand_written(&self.catalog, &targets, path)
        })
    }

    /// Compiles sources already read and reads the tree, without the fast path.
    ///
    /// Size budgets are checked on the files as agents read them, hand-written text included.
    pub fn reconcile_sources(&self, sources: Sources) -> Result<Reconciled, Vec<Diagnostic>> {
        let mut build = self.compile_sources(sources, Budgets::Measure)?;
        let tree = self.read_tree(&build)?;
        let measurements = build.measure_read(&tree, &self.catalog);
        build.enforce_budgets(measurements, &self.manifest().parsed.value)?;
        let entries = reconcile::reconcile(&build.plan.files, &tree)?;
        let mut warnings = build.warnings;
        warnings.extend(tree.warnings.iter().cloned());
        Ok(Reconciled {
            tree,
            entries,
            warnings,
            overrides: build.rules.overrides,
            guardrails: build.rules.guardrails,
            manifest_owner: build.rules.manifest_owner,
            languages: self.languages().clone(),
        })
    }

    /// What the working tree holds at the paths `build` plans and wherever an agent file lies.
    pub fn read_tree(&self, build: &Build) -> Result<Tree, Vec<Diagnostic>> {
        load::tree::read_tree(
            &self.root,
            build.plan.files.iter().map(|f| f.path.as_str()),
            |path| self.agents.classify(path).is_some(),
        )
    }

    /// Everything `check` reports: drift, shadow rules, what the scanner finds in the agent
    /// files, and the overrides that soften the built-in pack.
    pub fn check(&self) -> Result<(Reconciled, Vec<Finding>), Vec<Diagnostic>> {
        let project = self.reconcile()?;
        let mut findings = self.drift(&project, |path, content| self.scan_file(path, content));
        findings.extend(check::override_findings(
            &self.manifest().source.name,
            &project.overrides,
            &project.guardrails,
            project.manifest_owner.as_deref(),
        ));
        findings.extend(self.tier_findings()?);
        Ok((project, findings))
    }

    /// The outputs of `project` the root `.gitignore` hides, with the lines that keep them, and
    /// the `.gitignore` text (empty when there is none).
    pub fn hidden_outputs(
        &self,
        project: &Reconciled,
    ) -> Result<(Hidden, String), Vec<Diagnostic>> {
        let Some(source) = load::read_repo_file(&self.root, GITIGNORE).map_err(|d| vec![d])? else {
            return Ok((Hidden::default(), String::new()));
        };
        let written: Vec<&str> = project
            .entries
            .iter()
            .filter(|e| !matches!(e.state, State::Orphaned { .. } | State::Stray))
            .map(|e| e.path.as_str())
            .collect();
        Ok((
            gitignore::hidden(&self.root, &source.text, &written),
            source.text,
        ))
    }

    /// The scaffolded files written for another tier than the manifest's.
    fn tier_findings(&self) -> Result<Vec<Finding>, Vec<Diagnostic>> {
        let harness = Harness::builtin();
        let mut files = Vec::new();
        for file in &harness.spec.files {
            if let Some(source) =
                load::read_repo_file(&self.root, &file.path).map_err(|d| vec![d])?
            {
                files.push((file.path.clone(), source.text));
            }
        }
        Ok(check::tier::tier_findings(
            files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
            self.manifest().parsed.value.tier,
        ))
    }

    /// Drift and shadow-rules findings, plus what `scan` finds in each agent file's content.
    pub fn drift(
        &self,
        project: &Reconciled,
        scan: impl Fn(&str, Result<&str, &str>) -> Vec<Finding>,
    ) -> Vec<Finding> {
        check::findings(
            &project.entries,
            &project.tree,
            &self.manifest().parsed.value.shadow_rules,
            |path| {
                self.agents
                    .classify(path)
                    .is_some_and(|file| file.kind.is_prose())
            },
            scan,
        )
    }

    /// What the scan finds in one agent file, given its text or why it could not be read as
    /// text: nothing for a trusted file, only findings at or above the minimum severity.
    pub fn scan_file(&self, path: &str, content: Result<&str, &str>) -> Vec<Finding> {
        match content {
            Ok(text) => scan::scan_trusted(
                path,
                self.agents.classify(path).as_ref(),
                text,
                &self.scan,
                &self.trust,
            ),
            Err(reason) => {
                let unscanned = scan::unscanned(path, &format!("the file {reason}"), &self.scan);
                (unscanned.severity >= self.scan.min_severity)
                    .then_some(unscanned)
                    .into_iter()
                    .collect()
            }
        }
    }
}

/// The built-in targets plus the repository's own under `.rulesmith/targets/`, and the digest
/// of the repository's target files.
fn catalog(root: &Path) -> Result<(Catalog, String), Vec<Diagnostic>> {
    let files = load::read_target_dir(root)?;
    let digest = compile::digest_of(
        files
            .iter()
            .flat_map(|(path, source)| [path.as_str(), source.text.as_str()]),
    );
    if files.is_empty() {
        return Ok((Catalog::builtin(), digest));
    }
    let prefix = format!("{}/", load::REPO_TARGETS_DIR);
    let repo = Catalog::from_files(
        files
            .iter()
            .map(|(path, source)| (path.as_str(), source.text.as_str())),
        &prefix,
    )?;
    Ok((Catalog::builtin().with(repo)?, digest))
}

/// The trust records under `root`; none when the file does not exist.
fn read_trust(root: &Path) -> Result<TrustFile, Vec<Diagnostic>> {
    match load::read_repo_file(root, TRUST_FILE) {
        Ok(Some(source)) => TrustFile::parse(&source).map_err(|d| vec![d]),
        Ok(None) => Ok(TrustFile::default()),
        Err(problem) => Err(vec![problem]),
    }
}

/// Turns the manifest's `scan:` section into a scan configuration, rejecting changes to codes
/// that do not exist.
fn scan_config(
    settings: &ScanSettings,
    source: &SourceFile,
    parsed: &Parsed<Manifest>,
) -> Result<ScanConfig, Vec<Diagnostic>> {
    let mut config = ScanConfig {
        min_severity: settings.min_severity,
        ..ScanConfig::default()
    };
    let mut problems = Vec::new();
    for (code, change) in &settings.severity {
        let Some(scan_code) = ScanCode::parse(code) else {
            let mut problem = Diagnostic::error(
                InputCode::UnknownScanCode,
                format!("`scan.severity` names `{code}`, which is not a scan finding code"),
            )
            .hint("use a code from `rulesmith scan` output or the README's code table (RS2001–RS2503)");
            let position = parsed
                .node
                .at_pointer("/scan/severity")
                .and_then(|node| node.key_position(code));
            if let Some(position) = position {
                problem = problem.at(source.span(position, code.chars().count()));
            }
            problems.push(problem);
            continue;
        };
        config.severities.insert(scan_code, change.level);
    }
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}
