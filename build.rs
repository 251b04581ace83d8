//! Embeds `policies/`, `targets/` and `templates/` into the binary as a sorted list of (path, text) pairs.
#![allow(clippy::disallowed_methods)] // benchmarks and the build script work on disk
#![allow(
    clippy::disallowed_macros,
    reason = "cargo reads build-script instructions from stdout"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut code = String::new();
    for dir in ["policies", "targets", "templates"] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files = Vec::new();
        collect(&root.join(dir), &mut files);
        files.sort();
        let name = dir.to_uppercase();
        writeln!(
            code,
            "/// Files embedded from `{dir}/`, relative to it, in sorted order."
        )
        .unwrap();
        writeln!(code, "pub static {name}: &[(&str, &str)] = &[").unwrap();
        for file in files {
            let relative = file.strip_prefix(root.join(dir)).unwrap();
            let relative = relative
                .to_str()
                .expect("asset paths are UTF-8")
                .replace('\\', "/");
            writeln!(
                code,
                "    ({relative:?}, include_str!({:?})),",
                file.display().to_string()
            )
            .unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(&path, files);
        } else if path
            .extension()
            .is_some_and(|ext| ext == "yaml" || ext == "hbs" || ext == "json" || ext == "md")
        {
            files.push(path);
        }
    }
}
