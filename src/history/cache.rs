//! The history cache, `.pactum-cache/history.json`: the last walk (its head
//! commit and every file's touches) and what each blob said about its
//! version. Blob and commit ids never change meaning, so the cache needs no
//! invalidation beyond its format number; a rewritten history simply no
//! longer contains the cached head, and the walk starts over.

use super::git::{Resume, Touch};
use crate::date::Date;
use gix::ObjectId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub const FILE: &str = ".pactum-cache/history.json";
/// Raised whenever the stored shape or the meaning of a field changes.
const FORMAT: u32 = 1;

/// What a committed file says about its version (its text is read only when needed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub id: Option<String>,
    pub title: String,
    pub version: String,
    pub effective: Option<String>,
    pub change_note: String,
    pub approved_by: String,
}

impl Facts {
    pub fn effective(&self) -> Option<Date> {
        self.effective.as_deref().and_then(|s| Date::parse(s).ok())
    }
}

/// The cache as stored; ids are hex strings.
#[derive(Default, Serialize, Deserialize)]
struct Stored {
    format: u32,
    head: String,
    /// Path in `head` → `[commit, time, blob]`, newest first.
    touches: BTreeMap<String, Vec<(String, i64, String)>>,
    /// Blob → facts (`null`: the blob is no readable document).
    blobs: BTreeMap<String, Option<Facts>>,
}

/// The cache in memory.
#[derive(Default)]
pub struct Cache {
    pub resume: Option<Resume>,
    pub blobs: HashMap<ObjectId, Option<Facts>>,
}

fn id(hex: &str) -> Option<ObjectId> {
    ObjectId::from_hex(hex.as_bytes()).ok()
}

/// Read the cache of the site at `root`; a missing, old or damaged cache is empty.
pub fn load(root: &Path) -> Cache {
    let Ok(bytes) = std::fs::read(root.join(FILE)) else { return Cache::default() };
    let Ok(stored) = serde_json::from_slice::<Stored>(&bytes) else { return Cache::default() };
    if stored.format != FORMAT {
        return Cache::default();
    }
    let blobs = stored.blobs.into_iter().filter_map(|(k, v)| Some((id(&k)?, v))).collect();
    let touches: Option<BTreeMap<String, Vec<Touch>>> = stored
        .touches
        .into_iter()
        .map(|(path, list)| {
            let list: Option<Vec<Touch>> =
                list.iter().map(|(c, time, b)| Some(Touch { commit: id(c)?, time: *time, blob: id(b)? })).collect();
            Some((path, list?))
        })
        .collect();
    let resume = match (id(&stored.head), touches) {
        (Some(head), Some(touches)) => Some(Resume { head, touches }),
        _ => None,
    };
    Cache { resume, blobs }
}

/// Store a walk and the facts of the blobs it touches (others are dropped).
/// The cache is an optimisation: failing to write it is not an error.
pub fn save(
    root: &Path,
    head: ObjectId,
    touches: &BTreeMap<String, Vec<Touch>>,
    blobs: &HashMap<ObjectId, Option<Facts>>,
) {
    let mut stored = Stored { format: FORMAT, head: head.to_string(), ..Stored::default() };
    for (path, list) in touches {
        for t in list {
            if let Some(f) = blobs.get(&t.blob) {
                stored.blobs.insert(t.blob.to_string(), f.clone());
            }
        }
        stored
            .touches
            .insert(path.clone(), list.iter().map(|t| (t.commit.to_string(), t.time, t.blob.to_string())).collect());
    }
    let Ok(json) = serde_json::to_vec(&stored) else { return };
    let path = root.join(FILE);
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp = dir.join(format!(".history.json.{}.tmp", std::process::id()));
    if !(std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, &path).is_ok()) {
        let _ = std::fs::remove_file(&tmp);
    }
}
