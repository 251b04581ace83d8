//! Targets as data: each agent is a spec plus handlebars templates.
pub mod budget;
pub mod catalog;
pub mod frontmatter;
pub mod guard;
pub mod render;
pub mod shadow;
pub mod spec;
