//! Values remembered between builds of one process, under the blake3 hash
//! of everything they were made from. Used by `pactum serve` (see
//! `site::memo` for what is kept); a leaf module, so that every layer can use it.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub type Key = [u8; 32];

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
    pub fn len(&self) -> usize {
        self.values.lock().map_or(0, |v| v.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<V: Clone> Memo<V> {
    pub fn get(&self, key: &Key) -> Option<V> {
        self.get_if(key, |_| true)
    }

    /// The value under `key` if `usable` says it still is; only then is it counted as reused.
    pub fn get_if(&self, key: &Key, usable: impl FnOnce(&V) -> bool) -> Option<V> {
        let value = self.values.lock().ok()?.get(key).cloned().filter(usable);
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
    pub fn finish_build(&self, succeeded: bool) -> usize {
        if let (Ok(mut values), Ok(mut used)) = (self.values.lock(), self.used.lock()) {
            if succeeded {
                values.retain(|k, _| used.contains(k));
            }
            used.clear();
        }
        self.hits.swap(0, Ordering::Relaxed)
    }
}
