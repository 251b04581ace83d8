//! Policies: the typed model, its JSON Schema and validation.
pub mod model;
pub mod schema;
pub mod validate;
