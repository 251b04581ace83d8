//! The files the scanner is given: what a walk of the repository found and read.

use crate::agents::AgentFile;

/// Agent files larger than this are not scanned; they are reported instead.
pub const MAX_SCAN_BYTES: u64 = 1024 * 1024;

/// What the walker read from one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The whole file.
    Bytes(Vec<u8>),
    /// The file is larger than [`MAX_SCAN_BYTES`]; only its size and hash are known.
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// Lowercase hex SHA-256 of its bytes, so a reviewed large file can be trusted.
        sha256: String,
    },
}

/// A file found by the walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// Its catalogue entry, when it is a known agent file.
    pub file: Option<AgentFile>,
    /// What was read.
    pub body: Body,
}
