//! A site: assembling documents, resolving links, rendering pages and
//! writing the output.

pub mod assemble;
pub mod bodies;
pub mod build;
pub mod checks;
pub mod graph;
pub mod history_pages;
pub mod layout_deps;
pub mod links;
pub mod memo;
pub mod output;
pub mod page_cache;
pub mod render;
pub mod trace;
pub mod unchanged;
pub mod versions;

pub use build::{BuildOptions, Built, build};
