//! Values remembered between builds of one process, under the blake3 hash
//! of everything they were made from. Used by `pactum serve` (see
//! `site::memo` for what is kept); a leaf module, so that every layer can use it.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

pub type Key = [u8; 32];

/// A key made of length-prefixed parts, so that no two lists of parts hash alike.
/// Small parts are gathered before they reach the hasher: most keys are made
/// of many short strings, and each call into the hasher has a cost of its own.
pub struct Parts {
    hasher: blake3::Hasher,
    buf: [u8; PARTS_BUF],
    len: usize,
}

const PARTS_BUF: usize = 1024;

impl Default for Parts {
    fn default() -> Self {
        Parts::new()
    }
}

impl Parts {
    pub fn new() -> Parts {
        Parts { hasher: blake3::Hasher::new(), buf: [0; PARTS_BUF], len: 0 }
    }

    pub fn add(&mut self, bytes: &[u8]) -> &mut Parts {
        let prefix = (bytes.len() as u64).to_le_bytes();
        let need = prefix.len() + bytes.len();
        if self.len + need > PARTS_BUF {
            self.hasher.update(&self.buf[..self.len]);
            self.len = 0;
        }
        if need > PARTS_BUF {
            self.hasher.update(&prefix);
            self.hasher.update(bytes);
        } else {
            self.buf[self.len..self.len + prefix.len()].copy_from_slice(&prefix);
            self.buf[self.len + prefix.len()..self.len + need].copy_from_slice(bytes);
            self.len += need;
        }
        self
    }

    pub fn key(&self) -> Key {
        *self.hash().as_bytes()
    }

    pub fn hash(&self) -> blake3::Hash {
        if self.len == 0 {
            return self.hasher.finalize();
        }
        let mut h = self.hasher.clone();
        h.update(&self.buf[..self.len]);
        h.finalize()
    }
}

/// Keys are blake3 hashes, already uniform: their first eight bytes are the
/// table hash.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << (8 * i);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A value, and whether this build used it.
struct Entry<V> {
    value: V,
    used: bool,
}

type Shard<V> = Mutex<HashMap<Key, Entry<V>, BuildHasherDefault<KeyHasher>>>;

/// Locks a memo is split over, by a byte of the key the table hash does not
/// use: the build's threads look up and store values at the same time.
const SHARDS: usize = 16;

/// Values by the hash of what they were made from; values no build asked
/// for are forgotten at the end of the next successful build.
pub struct Memo<V> {
    shards: [Shard<V>; SHARDS],
    hits: AtomicUsize,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo { shards: std::array::from_fn(|_| Mutex::default()), hits: AtomicUsize::new(0) }
    }
}

impl<V> Memo<V> {
    fn shard(&self, key: &Key) -> &Shard<V> {
        &self.shards[usize::from(key[31]) % SHARDS]
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().map_or(0, |v| v.len())).sum()
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
        // Cloned under the lock (values are cheap to clone), checked outside it.
        let value = self.shard(key).lock().ok()?.get(key).map(|e| e.value.clone()).filter(usable)?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        if let Some(e) = self.shard(key).lock().ok()?.get_mut(key) {
            e.used = true;
        }
        Some(value)
    }

    pub fn put(&self, key: Key, value: V) {
        let replaced =
            self.shard(&key).lock().ok().and_then(|mut values| values.insert(key, Entry { value, used: true }));
        // Dropped after the lock is released.
        drop(replaced);
    }

    /// Forget what this build did not use (after a failed build nothing is
    /// forgotten: the fix usually brings it back). Returns the reuse count.
    pub fn finish_build(&self, succeeded: bool) -> usize {
        for shard in &self.shards {
            if let Ok(mut values) = shard.lock() {
                if succeeded {
                    values.retain(|_, e| e.used);
                }
                values.values_mut().for_each(|e| e.used = false);
            }
        }
        self.hits.swap(0, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::Parts;

    #[test]
    fn parts_hash_the_length_prefixed_stream_whatever_their_sizes() {
        let sizes = [0usize, 1, 7, 500, 1016, 1017, 3000, 2, 1024];
        let parts: Vec<Vec<u8>> = sizes.iter().enumerate().map(|(i, n)| vec![i as u8 + 1; *n]).collect();
        let mut want = blake3::Hasher::new();
        let mut p = Parts::new();
        for part in &parts {
            want.update(&(part.len() as u64).to_le_bytes());
            want.update(part);
            p.add(part);
            assert_eq!(p.key(), *want.finalize().as_bytes(), "after a part of {} bytes", part.len());
        }
        // Parts that differ only in where one ends and the next starts hash apart.
        assert_ne!(Parts::new().add(b"ab").add(b"c").key(), Parts::new().add(b"a").add(b"bc").key());
    }
}
