//! pactum turns a folder of markdown agreements with YAML front matter into
//! a cross-linked static site.
//!
//! The pipeline of one build ([`site::build`]), each step a module:
//! 1. [`config`]: read the optional `pactum.yaml`.
//! 2. [`content`]: walk `content/`, decode, split and check front matter → `Document`s.
//! 3. [`site::assemble`]: unique ids, output-path collisions, relations both ways.
//! 4. [`markdown`]: bodies → HTML, headings, links (resolved by [`site::links`]).
//! 5. [`site::render`]: Tera layouts ([`assets`]) → every page, in memory.
//! 6. [`site::output`]: write only changed files, only if there were no errors.
//!
//! Dependencies point one way: `cli` → `site` → `content` → `config` →
//! `markdown` → (`diag`, `slug`, `date`). `config` names the kinds of
//! documents and holds the raw-HTML policy `markdown` applies; `markdown`
//! knows nothing of sites or configuration files.

pub mod assets;
pub mod cli;
pub mod config;
pub mod content;
pub mod date;
pub mod diag;
pub mod external;
pub mod fuzzing;
pub mod history;
pub mod i18n;
pub mod markdown;
pub mod memo;
pub mod minify;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod watch;
