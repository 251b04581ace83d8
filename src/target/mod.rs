//! Targets as data: each agent is a spec plus handlebars templates.
pub mod catalog;
pub mod render;
pub mod spec;
