//! Work remembered between builds of one process (`pactum serve`).
//!
//! Two things are kept, each under the blake3 hash of everything it is made
//! from, so a rebuild redoes only what an edit touched:
//!
//! - finished pages: a page is a pure function of its template set, its
//!   template and its context (plus the minify setting and, when a template
//!   calls it, the site-wide relation graph, folded into a per-build salt);
//! - rendered bodies: a body is a pure function of its file's path and text
//!   and of what its links can point at, which is every document's path and
//!   front matter, the drafts, the published versions and the configuration.
//!
//! `tests/memo.rs` compares rebuilds that reuse both with clean builds after
//! random edits.

use crate::markdown::Rendered;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub type Key = [u8; 32];

/// Template variables that are the same on every page of a build.
pub const SHARED: [&str; 5] = ["site", "t", "assets", "nav", "facets"];
/// Every other variable a page's context may hold.
pub const OWN: [&str; 16] = [
    "root",
    "page_url",
    "breadcrumbs",
    "doc",
    "listing",
    "facet",
    "groups",
    "intro",
    "home_title",
    "recent",
    "kinds",
    "az",
    "canonical",
    "versions",
    "historic",
    "diff",
];

/// Hash the named variables of `ctx`, through a buffer: serde writes many
/// small pieces, blake3 prefers large ones. Writing into a hasher cannot
/// fail, and a value that cannot be serialised could not be rendered either.
fn hash_vars(h: &mut blake3::Hasher, names: &[&str], ctx: &tera::Context) {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, h);
    for name in names {
        match ctx.get(name) {
            Some(value) => {
                let _ = std::io::Write::write_all(&mut w, name.as_bytes());
                let _ = std::io::Write::write_all(&mut w, b"=");
                let _ = serde_json::to_writer(&mut w, value);
                let _ = std::io::Write::write_all(&mut w, b"\n");
            }
            None => {
                let _ = std::io::Write::write_all(&mut w, b"\n");
            }
        }
    }
    let _ = std::io::Write::flush(&mut w);
}

/// Values by the hash of what they were made from; values no build asked
/// for are forgotten at the end of the next successful build.
pub struct Memo<V> {
    values: Mutex<HashMap<Key, V>>,
    used: Mutex<HashSet<Key>>,
    hits: AtomicUsize,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo { values: Mutex::default(), used: Mutex::default(), hits: AtomicUsize::new(0) }
    }
}

impl<V> Memo<V> {
    fn len(&self) -> usize {
        self.values.lock().map_or(0, |v| v.len())
    }
}

impl<V: Clone> Memo<V> {
    pub fn get(&self, key: &Key) -> Option<V> {
        let value = self.values.lock().ok()?.get(key).cloned();
        if value.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
            self.used.lock().ok()?.insert(*key);
        }
        value
    }

    pub fn put(&self, key: Key, value: V) {
        if let (Ok(mut values), Ok(mut used)) = (self.values.lock(), self.used.lock()) {
            values.insert(key, value);
            used.insert(key);
        }
    }

    /// Forget what this build did not use (after a failed build nothing is
    /// forgotten: the fix usually brings it back). Returns the reuse count.
    fn finish_build(&self, succeeded: bool) -> usize {
        if let (Ok(mut values), Ok(mut used)) = (self.values.lock(), self.used.lock()) {
            if succeeded {
                values.retain(|k, _| used.contains(k));
            }
            used.clear();
        }
        self.hits.swap(0, Ordering::Relaxed)
    }
}

/// Everything a `serve` process keeps between builds.
#[derive(Default)]
pub struct BuildMemo {
    pub pages: Memo<Arc<[u8]>>,
    pub bodies: Memo<Arc<Rendered>>,
}

impl std::fmt::Debug for BuildMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BuildMemo({} pages, {} bodies)", self.pages.len(), self.bodies.len())
    }
}

/// What a build took from the memo.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reused {
    pub pages: usize,
    pub bodies: usize,
}

impl BuildMemo {
    /// Call after each build.
    pub fn finish_build(&self, succeeded: bool) -> Reused {
        Reused { pages: self.pages.finish_build(succeeded), bodies: self.bodies.finish_build(succeeded) }
    }

    /// The salt of a build's pages (templates, settings) with the context
    /// variables every page shares ([`SHARED`]), taken from any one page.
    pub fn page_salt(build: &blake3::Hash, ctx: &tera::Context) -> blake3::Hash {
        let mut h = blake3::Hasher::new();
        h.update(build.as_bytes());
        hash_vars(&mut h, &SHARED, ctx);
        h.finalize()
    }

    /// The key of a page: the salt, the template name and the page's own
    /// context variables ([`OWN`]).
    pub fn page_key(salt: &blake3::Hash, template: &str, ctx: &tera::Context) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(salt.as_bytes());
        h.update(template.as_bytes());
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

    /// The key of a body: the link salt, the page it is shown on, and its file's path and text.
    pub fn body_key(salt: &blake3::Hash, page_url: &str, rel: &std::path::Path, text: &str) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(salt.as_bytes());
        for part in [page_url.as_bytes(), rel.as_os_str().as_encoded_bytes(), text.as_bytes()] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        *h.finalize().as_bytes()
    }
}
