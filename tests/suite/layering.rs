//! The module layers: imports only point down, and no two modules import each other.
//!
//! Every top-level module of `src/` belongs to one layer. A file may name (`crate::…`) a module
//! of a lower layer, or one of its own layer as long as the modules of that layer form no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom first.
const LAYERS: &[&[&str]] = &[
    // Foundations: the model, text formats, diagnostics and the embedded data.
    &["syntax", "diagnostic", "model", "embedded"],
    // The pure stages: the agent registry, validation, resolution, rendering and the scanner.
    &["agents", "validate", "resolve", "render", "scan", "import"],
    // The pipeline and its edges: compile, reconcile, check, scaffold, explain; load and write
    // (the only code that touches the disk); report (the only code that prints).
    &[
        "compile",
        "reconcile",
        "check",
        "scaffold",
        "explain",
        "load",
        "write",
        "report",
    ],
    // The command line: flags as parsed, then one file per subcommand.
    &["cli", "commands"],
];

/// The layer of a top-level module, if it has one.
fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level modules a source file names through `crate::`, comments left out.
fn imports(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + "crate::".len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Every breach of the layering among `files` (top-level module, source text).
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut edges: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (module, source) in files {
        let Some(from) = layer(module) else {
            problems.push(format!("`{module}` belongs to no layer"));
            continue;
        };
        for target in imports(source) {
            if &target == module {
                continue;
            }
            match layer(&target) {
                None => problems.push(format!("`{module}` names `{target}`, which has no layer")),
                Some(to) if to > from => {
                    problems.push(format!("`{module}` imports `{target}` from a higher layer"));
                }
                Some(_) => {
                    edges.entry(module).or_default().insert(target);
                }
            }
        }
    }
    for cycle in cycles(&edges) {
        problems.push(format!("modules import each other: {}", cycle.join(" → ")));
    }
    problems
}

/// The cycles of a module graph, each as the path that closes it.
fn cycles(edges: &BTreeMap<&str, BTreeSet<String>>) -> Vec<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<&str, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            found.push(cycle);
            return;
        }
        if !done.insert(node.to_owned()) {
            return;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            visit(next, edges, path, done, found);
        }
        path.pop();
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        visit(node, edges, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

/// Every `.rs` file under `src/` but the crate roots, with its top-level module.
fn source_files() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut dirs = vec![src.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let relative = path.strip_prefix(&src).unwrap();
            let first = relative.components().next().unwrap().as_os_str();
            let module = first.to_string_lossy().trim_end_matches(".rs").to_owned();
            if path.extension().is_some_and(|e| e == "rs") && module != "main" && module != "lib" {
                files.push((module, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn imports_only_point_down_and_modules_never_import_each_other() {
    let files = source_files();
    assert!(files.len() > 20, "found only {} source files", files.len());
    let problems = violations(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_top_level_module_has_a_layer() {
    let modules: BTreeSet<String> = source_files().into_iter().map(|(m, _)| m).collect();
    for module in modules {
        assert!(layer(&module).is_some(), "`{module}` belongs to no layer");
    }
}

fn file(module: &str, source: &str) -> (String, String) {
    (module.to_owned(), source.to_owned())
}

#[test]
fn an_upward_import_is_a_violation() {
    let files = [
        file(
            "model",
            "use crate::syntax::yaml;\nuse crate::report::Reporter;\n",
        ),
        file("report", "use crate::model::manifest::Manifest;\n"),
    ];
    assert_eq!(
        violations(&files),
        ["`model` imports `report` from a higher layer"]
    );
}

#[test]
fn a_cycle_within_a_layer_is_a_violation() {
    let files = [
        file("compile", "use crate::reconcile::Entry;\n"),
        file("reconcile", "fn f() { crate::check::x(); }\n"),
        file("check", "use crate::compile::Plan;\n"),
    ];
    assert_eq!(
        violations(&files),
        ["modules import each other: check → compile → reconcile → check"]
    );
}

#[test]
fn comments_and_longer_names_are_not_imports() {
    let names = imports("/// See [`crate::report`].\nlet x = foocrate::y; // crate::write\n");
    assert!(names.is_empty(), "{names:?}");
}
