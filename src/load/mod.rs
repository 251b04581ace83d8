//! The load stage: the only place that reads the disk.
pub mod yaml;
