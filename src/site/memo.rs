//! Pages remembered between builds of one process (`pactum serve`).
//!
//! A page is a pure function of its template set, its template and its
//! context (plus the site-wide relation graph templates may call up and the
//! minify setting, folded into a per-build salt). The memo keeps each page's
//! final bytes under the blake3 hash of all of that, so a rebuild renders
//! and minifies only pages whose context changed; a test compares such
//! rebuilds with clean builds after random edits.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

type Key = [u8; 32];

/// Final page bytes by what they were made from.
#[derive(Default)]
pub struct PageMemo {
    pages: Mutex<HashMap<Key, Arc<[u8]>>>,
    used: Mutex<HashSet<Key>>,
    hits: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for PageMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.pages.lock().map_or(0, |p| p.len());
        write!(f, "PageMemo({n} pages)")
    }
}

impl PageMemo {
    /// The key of a page: the build's salt, the template name and the context.
    pub fn key(salt: &blake3::Hash, template: &str, ctx: &tera::Context) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(salt.as_bytes());
        h.update(template.as_bytes());
        h.update(&[0]);
        // Buffered: serde writes many small pieces, blake3 prefers large ones.
        // Writing into a hasher cannot fail; a context that cannot be
        // serialised could not be rendered either.
        let mut w = std::io::BufWriter::with_capacity(1 << 16, &mut h);
        let _ = serde_json::to_writer(&mut w, &ctx.clone().into_json());
        let _ = std::io::Write::flush(&mut w);
        drop(w);
        *h.finalize().as_bytes()
    }

    pub fn get(&self, key: &Key) -> Option<Vec<u8>> {
        let page = self.pages.lock().ok()?.get(key).map(|p| p.to_vec());
        if page.is_some() {
            self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.used.lock().ok()?.insert(*key);
        }
        page
    }

    pub fn put(&self, key: Key, page: &[u8]) {
        if let (Ok(mut pages), Ok(mut used)) = (self.pages.lock(), self.used.lock()) {
            pages.insert(key, page.into());
            used.insert(key);
        }
    }

    /// After a build: forget pages it did not produce, so memory stays the
    /// size of one site. Returns how many pages came from the memo. After a
    /// failed build nothing is forgotten: its site is not the one served, and
    /// the fix usually brings the old pages back.
    pub fn finish_build(&self, succeeded: bool) -> usize {
        if let (Ok(mut pages), Ok(mut used)) = (self.pages.lock(), self.used.lock()) {
            if succeeded {
                pages.retain(|k, _| used.contains(k));
            }
            used.clear();
        }
        self.hits.swap(0, std::sync::atomic::Ordering::Relaxed)
    }
}
