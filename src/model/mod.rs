//! The typed model: the manifest, policies, target specs, the working agreement and the lock,
//! as serde and schemars types. Nothing here reads the disk or decides anything.
pub mod agent;
pub mod agreement;
pub mod boundary;
pub mod lock;
pub mod manifest;
pub mod policy;
pub mod target;
pub mod trust;
