//! Content: markdown files with YAML front matter, loaded and checked.

pub mod frontmatter;
pub mod load;
pub mod model;

pub use model::{Document, Kind, Status};
