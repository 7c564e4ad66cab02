//! Pages of the last `pactum build` into the same output folder, reused when
//! their key is the same.
//!
//! A page's key is the hash of its template context, its template's layout
//! files and the build's salt (settings, shared variables): the key the `serve`
//! memo uses ([`super::memo::BuildMemo::page_key`]). The record of the last
//! build into a folder (`super::unchanged`) keeps each page's key and the
//! hash of its bytes; a page whose key is the same is read back from the
//! output folder instead of rendered and minified, if the file still has
//! those bytes. So a rebuild after one commit renders the pages that changed
//! (old versions and diffs of other documents stay as they were), while the
//! contexts of all pages are still built and hashed.

use crate::memo::Key;
use bytes::Bytes;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A page's key and the hash of its bytes, as recorded (hex).
pub type Recorded = BTreeMap<String, (String, String)>;

/// The pages of the last build into one folder, and those of this build.
#[derive(Debug, Default)]
pub struct PageCache {
    out: PathBuf,
    last: Recorded,
    now: Mutex<Vec<(String, Key, Key)>>,
    reused: AtomicUsize,
}

impl PageCache {
    /// The pages of the last build into `out` (none: every page is rendered, and recorded).
    pub fn new(out: PathBuf, last: Recorded) -> PageCache {
        PageCache { out, last, ..PageCache::default() }
    }

    /// The page at `url` as the last build wrote it, if it had `key` and the file still has its bytes.
    pub fn get(&self, url: &str, key: &Key) -> Option<Bytes> {
        let (k, hash) = self.last.get(url)?;
        if *k != hex(key) {
            return None;
        }
        let bytes = std::fs::read(self.out.join(url)).ok()?;
        (hex(blake3::hash(&bytes).as_bytes()) == *hash).then(|| {
            self.reused.fetch_add(1, Ordering::Relaxed);
            Bytes::from(bytes)
        })
    }

    /// Note the page this build made (or reused) at `url`.
    pub fn note(&self, url: &str, key: Key, page: &[u8]) {
        let hash = *blake3::hash(page).as_bytes();
        if let Ok(mut now) = self.now.lock() {
            now.push((url.to_string(), key, hash));
        }
    }

    /// The pages of this build, to record.
    pub fn recorded(&self) -> Recorded {
        let now = self.now.lock().map(|n| n.clone()).unwrap_or_default();
        now.into_iter().map(|(url, key, hash)| (url, (hex(&key), hex(&hash)))).collect()
    }

    /// How many pages were read back instead of rendered.
    pub fn reused(&self) -> usize {
        self.reused.load(Ordering::Relaxed)
    }
}

fn hex(key: &Key) -> String {
    blake3::Hash::from_bytes(*key).to_hex().to_string()
}
