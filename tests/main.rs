//! The one integration-test binary (see tests/README.md).

mod build;
mod cli;
mod common;
mod commonmark;
mod errors;
mod history;
mod links;
mod memo;
mod minify;
mod robust;
mod search;
mod serve;
