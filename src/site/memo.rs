//! Work remembered between builds of one process (`pactum serve`).
//!
//! Three things are kept, each under the blake3 hash of everything it is made
//! from, so a rebuild redoes only what an edit touched:
//!
//! - finished pages: a page is a pure function of its template (the layout
//!   files it is made of and, when one calls it, the site-wide relation
//!   graph: [`super::layout_deps`]) and its context, plus the minify setting
//!   and the names of the templates, folded into a per-build salt;
//! - rendered bodies ([`super::bodies`]): a body is a pure function of its
//!   file's path and text, the page it is on, the configuration and the
//!   answers its links got, which are asked again before it is reused, so a
//!   title change, or a document added or deleted, renders only the bodies
//!   whose links now answer differently;
//! - loaded files: a file's document (or its errors) is a pure function of
//!   its path, its bytes and the configuration;
//! - page traces: a finished page with the pieces of the site it read
//!   ([`super::trace`]), so that it is reused without building its context
//!   when none of them changed.
//!
//! Search keeps its per-document analysis too (`search::analysis::Remembered`).
//!
//! `tests/memo.rs` compares rebuilds that reuse all of this with clean builds
//! after random edits.

use super::bodies::Body;
use super::trace::Trace;
use crate::content::load::Files;
use std::sync::Arc;

pub use crate::memo::{Key, Memo};

/// Template variables that are the same on every page of a build.
pub const SHARED: [&str; 5] = ["site", "t", "assets", "nav", "facets"];
/// Every other variable a page's context may hold.
pub const OWN: [&str; 19] = [
    "root",
    "page_url",
    "breadcrumbs",
    "doc",
    "letter",
    "listing",
    "facet",
    "groups",
    "intro",
    "home_title",
    "recent",
    "recent_rows",
    "rows",
    "kinds",
    "az",
    "canonical",
    "versions",
    "historic",
    "diff",
];

/// Hash the named variables of `ctx`, through a buffer: blake3 prefers
/// large pieces. Writing into a hasher cannot fail.
fn hash_vars(h: &mut blake3::Hasher, names: &[&str], ctx: &tera::Context) {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, h);
    for name in names {
        bytes(&mut w, name.as_bytes());
        match ctx.get(name) {
            Some(value) => hash_value(&mut w, value),
            None => put(&mut w, b"-"),
        }
    }
    let _ = std::io::Write::flush(&mut w);
}

fn put(w: &mut impl std::io::Write, b: &[u8]) {
    let _ = w.write_all(b);
}

/// Length-prefixed bytes.
fn bytes(w: &mut impl std::io::Write, b: &[u8]) {
    put(w, &(b.len() as u64).to_le_bytes());
    put(w, b);
}

/// A template value as bytes no other value gives: a tag per kind, lengths
/// before strings and lists (cheaper than JSON, which escapes every string).
fn hash_value(w: &mut impl std::io::Write, v: &serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Null => put(w, b"n"),
        Value::Bool(b) => put(w, if *b { b"t" } else { b"f" }),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => {
                put(w, b"u");
                put(w, &u.to_le_bytes());
            }
            (None, Some(i)) => {
                put(w, b"i");
                put(w, &i.to_le_bytes());
            }
            _ => {
                put(w, b"d");
                put(w, &n.as_f64().unwrap_or(f64::NAN).to_bits().to_le_bytes());
            }
        },
        Value::String(s) => {
            put(w, b"s");
            bytes(w, s.as_bytes());
        }
        Value::Array(items) => {
            put(w, b"[");
            put(w, &(items.len() as u64).to_le_bytes());
            for item in items {
                hash_value(w, item);
            }
        }
        Value::Object(fields) => {
            put(w, b"{");
            put(w, &(fields.len() as u64).to_le_bytes());
            for (k, item) in fields {
                bytes(w, k.as_bytes());
                hash_value(w, item);
            }
        }
    }
}

/// Rows of document tables by document URL and variant, with their keys ([`BuildMemo::rows`]).
pub type RowMemo = std::sync::Mutex<std::collections::HashMap<(Box<str>, u8), (Key, Arc<str>)>>;

/// Everything a `serve` process keeps between builds.
#[derive(Default)]
pub struct BuildMemo {
    pub pages: Memo<bytes::Bytes>,
    pub bodies: Memo<Arc<Body>>,
    /// Files as loaded (decoded, front matter parsed and checked), by path, bytes and configuration.
    pub files: Files,
    /// Finished pages with what they read ([`super::trace`]), by URL.
    pub traces: Memo<Arc<Trace>>,
    /// The numbers traces name documents by.
    pub names: super::trace::Names,
    /// The last assembled site, kept while no path or front matter changes.
    pub site: super::assemble::Remembered,
    /// What the views made of the documents of that site.
    pub doc_views: super::render::DocViewsMemo,
    /// Documents as search analysed them.
    pub search: crate::search::analysis::Remembered,
    /// The templates last parsed, under the hash of the layout files.
    pub templates: std::sync::Mutex<Option<(Key, Arc<tera::Tera>)>>,
    /// Rows of document tables as `row.html` made them: per document URL and
    /// variant (the page's depth, whether the kind is shown), the last one
    /// made and its key ([`BuildMemo::row_key`]). One entry per row, so it
    /// stays as large as the site while pages taken from their traces leave
    /// their rows untouched.
    pub rows: RowMemo,
}

impl std::fmt::Debug for BuildMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "BuildMemo({} pages, {} bodies, {} files, {} traces)",
            self.pages.len(),
            self.bodies.len(),
            self.files.parsed.len(),
            self.traces.len()
        )
    }
}

/// What a build took from the memo.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reused {
    pub pages: usize,
    pub bodies: usize,
    pub files: usize,
    /// Pages taken from their traces, without building their contexts.
    pub traces: usize,
    /// Documents search did not analyse again.
    pub search: usize,
    /// Builds that took the assembled site as it was.
    pub site: usize,
}

impl BuildMemo {
    /// Call after each build.
    pub fn finish_build(&self, succeeded: bool) -> Reused {
        Reused {
            pages: self.pages.finish_build(succeeded),
            bodies: self.bodies.finish_build(succeeded),
            files: self.files.parsed.finish_build(succeeded),
            traces: self.traces.finish_build(succeeded),
            search: self.search.finish_build(succeeded),
            site: self.site.finish_build(),
        }
    }

    /// The salt of a build's pages (settings, template names) with the context
    /// variables every page shares ([`SHARED`]), from the context that holds them.
    pub fn page_salt(build: &blake3::Hash, ctx: &tera::Context) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(build.as_bytes());
        hash_vars(&mut h, &SHARED, ctx);
        h.finalize()
    }

    /// The key of a page: the salt, the template's name and key (its layout
    /// files, [`super::layout_deps`]) and the page's own context variables ([`OWN`]).
    pub fn page_key(salt: &blake3::Hash, template: &str, template_key: &Key, ctx: &tera::Context) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(salt.as_bytes());
        h.update(template.as_bytes());
        h.update(template_key);
        h.update(&[0]);
        hash_vars(&mut h, &OWN, ctx);
        // A variable in neither list would be left out of the key and its
        // pages would go stale: debug builds (and so the tests) check.
        #[cfg(debug_assertions)]
        {
            let all = ctx.clone().into_json();
            let names: Vec<&String> = all.as_object().map(|o| o.keys().collect()).unwrap_or_default();
            let unknown: Vec<&&String> =
                names.iter().filter(|n| !SHARED.contains(&n.as_str()) && !OWN.contains(&n.as_str())).collect();
            assert!(unknown.is_empty(), "template variables the page memo does not know: {unknown:?}");
        }
        *h.finalize().as_bytes()
    }

    /// The key of a row of a document table: the pages' salt (settings,
    /// shared variables), the row template's key, and its variables.
    pub fn row_key(
        salt: &blake3::Hash,
        template_key: &Key,
        root: &str,
        show_kind: bool,
        row: &serde_json::Value,
    ) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(salt.as_bytes());
        h.update(template_key);
        h.update(root.as_bytes());
        h.update(&[0, u8::from(show_kind)]);
        {
            let mut w = std::io::BufWriter::with_capacity(4096, &mut h);
            hash_value(&mut w, row);
        }
        *h.finalize().as_bytes()
    }

    /// The key of a body: the configuration (`salt`), the page it is shown
    /// on, its file's path, and the hash of its text (`content`).
    pub fn body_key(salt: &blake3::Hash, page_url: &str, rel: &std::path::Path, content: &Key) -> Key {
        let rel = rel.as_os_str().as_encoded_bytes();
        crate::memo::Parts::new().add(salt.as_bytes()).add(page_url.as_bytes()).add(rel).add(content).key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(v: serde_json::Value) -> Key {
        let mut ctx = tera::Context::new();
        ctx.insert("doc", &v);
        BuildMemo::page_key(&blake3::hash(b"salt"), "t.html", &[0; 32], &ctx)
    }

    #[test]
    fn values_that_differ_give_different_page_keys() {
        let values = [
            json!(["ab", "c"]),
            json!(["a", "bc"]),
            json!({ "a": 1 }),
            json!({ "a": "1" }),
            json!({ "a": 1.5 }),
            json!({ "a": -1 }),
            json!({ "a": null }),
            json!({ "a": false }),
            json!({ "a": [] }),
            json!({ "a": {} }),
            json!({ "a": [[]] }),
            json!({ "ab": 1 }),
            json!([{ "a": "b" }, "c"]),
            json!([{ "a": "bc" }]),
        ];
        let keys: std::collections::BTreeSet<Key> = values.iter().cloned().map(key).collect();
        assert_eq!(keys.len(), values.len());
        assert_eq!(key(json!({ "a": [1, "x"] })), key(json!({ "a": [1, "x"] })));
    }
}
