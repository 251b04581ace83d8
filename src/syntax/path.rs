//! Repository-relative paths as rulesmith writes them: `/`-separated, normalized, inside the
//! repository.

/// Checks that `path` is a plain relative path inside the repository.
pub fn check_relative(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("which is empty");
    }
    if path.starts_with('/') || path.starts_with('\\') || path.chars().nth(1) == Some(':') {
        return Err("which is absolute");
    }
    if path.contains('\\') {
        return Err("which uses `\\` separators");
    }
    if path
        .split('/')
        .any(|part| part == ".." || part == "." || part.is_empty())
    {
        return Err("which leaves the repository or is not normalized");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_confined() {
        assert!(check_relative("CLAUDE.md").is_ok());
        assert!(check_relative(".cursor/rules/a.mdc").is_ok());
        for bad in ["/etc/passwd", "../x", "a/../../x", "C:\\x", "a//b", ""] {
            assert!(check_relative(bad).is_err(), "{bad}");
        }
    }
}
