//! Version history: every published version of every document.
//!
//! From git ([`git`]): each distinct value of a document's `version` across
//! the commits that changed its file is a version; its text is the file as
//! of the last commit with that value, its date that commit's day unless
//! `effective` says otherwise. Without git, or before it, the front-matter
//! `history:` list adds entries (without text). Uncommitted edits are the
//! current text, never a version.

pub mod cache;
pub mod diff;
pub mod git;

use crate::content::frontmatter;
use crate::content::{Document, load::decode};
use crate::date::Date;
use crate::diag::Diagnostic;
use cache::Facts;
use gix::ObjectId;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One published version of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub version: String,
    pub date: Option<Date>,
    pub change_note: String,
    /// Bodies that approved it (from `approvals`, or `approved_by` of `history:`).
    pub approved_by: String,
    /// The whole file as of that version; `None` for `history:` entries.
    pub text: Option<Arc<str>>,
    /// This is the version the current page shows.
    pub current: bool,
}

/// The history of one document, newest version first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocHistory {
    pub versions: Vec<Version>,
    /// Day of the last commit that changed the file.
    pub last_changed: Option<Date>,
}

impl DocHistory {
    /// The version with this number, if published.
    pub fn get(&self, version: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.version == version)
    }
}

/// Histories of all documents, in site order.
pub struct History {
    pub docs: Vec<DocHistory>,
    /// False when the repository is a shallow clone.
    pub complete: bool,
    pub diags: Vec<Diagnostic>,
    pub stats: Stats,
}

/// What the history cost this build.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Commits compared (the rest came from the cache).
    pub commits: usize,
    /// Blobs whose front matter was parsed (the rest came from the cache).
    pub parsed: usize,
}

/// Facts of blobs, from the cache or parsed now; shared between the rename
/// check and the version lists.
struct Blobs {
    facts: Mutex<HashMap<ObjectId, Option<Facts>>>,
    parsed: AtomicUsize,
}

impl Blobs {
    fn facts(&self, repo: &gix::Repository, id: ObjectId) -> Option<Facts> {
        if let Some(f) = self.facts.lock().ok()?.get(&id) {
            return f.clone();
        }
        self.parsed.fetch_add(1, Ordering::Relaxed);
        let parsed = text(repo, id).and_then(|text| {
            let file = Path::new("history");
            let split = frontmatter::split(&text, file).ok()?;
            let p = frontmatter::parse(&text, &split, file).ok()?;
            let approved_by = p.fm.approvals.iter().map(|a| a.body.as_str()).collect::<Vec<_>>().join(", ");
            Some(Facts {
                id: p.id.map(|(id, _)| id),
                title: p.fm.title,
                version: p.fm.version,
                effective: p.fm.effective.map(|d| d.iso()),
                change_note: p.fm.change_note,
                approved_by,
            })
        });
        if let Ok(mut c) = self.facts.lock() {
            c.insert(id, parsed.clone());
        }
        parsed
    }
}

/// The text of a committed file.
fn text(repo: &gix::Repository, id: ObjectId) -> Option<Arc<str>> {
    let bytes = git::blob(repo, id)?;
    decode(&bytes, Path::new("history")).ok().map(Into::into)
}

/// Collect the history of every document under `root`, resuming from and
/// then updating the cache in `root/.pactum-cache/`.
pub fn collect(root: &Path, docs: &[Arc<Document>]) -> History {
    let mut diags = Vec::new();
    let cache = cache::load(root);
    let blobs = Blobs { facts: Mutex::new(cache.blobs), parsed: AtomicUsize::new(0) };
    let same_doc = |repo: &gix::Repository, a: ObjectId, b: ObjectId| match (blobs.facts(repo, a), blobs.facts(repo, b))
    {
        (Some(x), Some(y)) => (x.id.is_some() && x.id == y.id) || x.title == y.title,
        _ => false,
    };
    let log = match git::log(root, cache.resume, &same_doc) {
        Ok(log) => Some(log),
        Err(git::GitError::NoRepo | git::GitError::NoCommits) => None,
        Err(e) => {
            diags.push(
                Diagnostic::warning("history", Path::new(".git"), e.to_string())
                    .help("the site is built without version history"),
            );
            None
        }
    };
    if let Some(log) = &log
        && log.shallow
    {
        diags.push(
            Diagnostic::warning(
                "history-shallow",
                Path::new(".git"),
                "the repository is a shallow clone: version history is incomplete",
            )
            .help("fetch the whole history with `git fetch --unshallow`"),
        );
    }
    let (repo, head, touches, shallow, walked) = match log {
        Some(l) => (Some(l.repo.into_sync()), Some(l.head), l.touches, l.shallow, l.walked),
        None => (None, None, Default::default(), false, 0),
    };
    // Blobs are read and parsed in parallel, each thread with its own handle on the repository.
    let histories = docs
        .par_iter()
        .map_init(
            || repo.as_ref().map(|r| r.to_thread_local()),
            |local, d| {
                let t = local.as_ref().and_then(|r| touches.get(&rel_key(&d.rel)).map(|t| (r, t)));
                doc_history(d, t, &blobs)
            },
        )
        .collect();
    let stats = Stats { commits: walked, parsed: blobs.parsed.load(Ordering::Relaxed) };
    // A shallow walk is incomplete: keeping it would hide history fetched later.
    if let Some(head) = head
        && !shallow
        && (stats.commits > 0 || stats.parsed > 0)
        && let Ok(facts) = blobs.facts.lock()
    {
        cache::save(root, head, &touches, &facts);
    }
    History { docs: histories, complete: !shallow, diags, stats }
}

fn rel_key(rel: &Path) -> String {
    rel.components().filter_map(|c| c.as_os_str().to_str()).collect::<Vec<_>>().join("/")
}

fn doc_history(d: &Document, touches: Option<(&gix::Repository, &Vec<git::Touch>)>, blobs: &Blobs) -> DocHistory {
    let mut h = DocHistory::default();
    if let Some((repo, touches)) = touches {
        h.last_changed = touches.first().map(|t| Date::from_unix(t.time));
        for t in touches {
            let Some(f) = blobs.facts(repo, t.blob) else { continue };
            if f.version.is_empty() || h.get(&f.version).is_some() {
                continue;
            }
            h.versions.push(Version {
                date: f.effective().or(Some(Date::from_unix(t.time))),
                version: f.version,
                change_note: f.change_note,
                approved_by: f.approved_by,
                text: text(repo, t.blob),
                current: false,
            });
        }
    }
    for e in &d.fm.history {
        if h.get(&e.version).is_none() {
            h.versions.push(Version {
                version: e.version.clone(),
                date: e.date,
                change_note: e.change_note.clone(),
                approved_by: e.approved_by.clone(),
                text: None,
                current: false,
            });
        }
    }
    if let Some(v) = h.versions.iter_mut().find(|v| v.version == d.fm.version) {
        v.current = true;
    }
    h
}
