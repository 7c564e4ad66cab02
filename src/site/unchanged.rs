//! Skipping a build whose inputs have not changed since the last one.
//!
//! A build is a pure function of the pactum binary, the build options, the
//! day it is judged by, the site's files (`pactum.yaml`, `content/`,
//! `layouts/`, `assets/`) and the git commit its history comes from. The
//! blake3 hash of all of them is the build's fingerprint. After writing an
//! output folder, the CLI records the fingerprint, the length of every file
//! it wrote and what it reported, in `.pactum-cache/`. The next `build` into
//! that folder with the same fingerprint, while every file is still there with
//! its length, has nothing to do: it repeats the report and stops.

use super::BuildOptions;
use crate::date::Date;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Raised whenever what a record means changes.
const FORMAT: u32 = 1;

/// What the last build into one output folder did.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    format: u32,
    /// The output folder (canonical), so records of vanished folders can go.
    out: PathBuf,
    fingerprint: String,
    /// Output path → length in bytes.
    files: BTreeMap<String, u64>,
    pub documents: usize,
    /// The report as printed: to stdout and to stderr.
    pub stdout: String,
    pub stderr: String,
    /// Each rendered page's key and the hash of its bytes, for [`super::page_cache`].
    #[serde(default)]
    pages: super::page_cache::Recorded,
    /// The pactum that made the pages ([`binary`]): another one may make other bytes.
    #[serde(default)]
    binary: String,
}

/// The fingerprint of everything a build with `opts` on `today` reads, or
/// `None` when some input cannot be read (then the build runs and says why).
pub fn fingerprint(opts: &BuildOptions, today: Date) -> Option<String> {
    let root = &opts.root;
    let mut h = blake3::Hasher::new();
    let mut field = |name: &str, value: &[u8]| {
        h.update(name.as_bytes());
        h.update(&(value.len() as u64).to_le_bytes());
        h.update(value);
    };
    field("pactum", binary().as_bytes());
    field("drafts", &[u8::from(opts.drafts)]);
    field("base_url", opts.base_url.as_deref().unwrap_or("\0").as_bytes());
    field("today", today.iso().as_bytes());
    field("head", git_head(root).as_bytes());
    let mut files = vec![root.join(crate::config::CONFIG_FILE)];
    for dir in ["content", "layouts", "assets"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            match entry {
                Ok(e) if !e.file_type().is_dir() => files.push(e.into_path()),
                Ok(_) => {}
                Err(e) if e.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) => {}
                Err(_) => return None,
            }
        }
    }
    let hashes: Option<Vec<(PathBuf, blake3::Hash)>> = files
        .into_par_iter()
        .map(|path| {
            let meta = std::fs::symlink_metadata(&path);
            let hash = match meta {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => blake3::hash(b"missing"),
                Err(_) => return None,
                // The loader skips symlinks with a warning; their target does not matter.
                Ok(m) if m.file_type().is_symlink() => blake3::hash(b"symlink"),
                Ok(_) => blake3::hash(&std::fs::read(&path).ok()?),
            };
            Some((path, hash))
        })
        .collect();
    for (path, hash) in hashes? {
        field("file", path.strip_prefix(root).unwrap_or(&path).as_os_str().as_encoded_bytes());
        field("bytes", hash.as_bytes());
    }
    Some(h.finalize().to_hex().to_string())
}

/// Which pactum made a build: its version and, since development builds
/// share a version number, the size and time of the binary itself.
fn binary() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| p.metadata().ok());
    let stamp = exe.map(|m| format!("{} {:?}", m.len(), m.modified().ok())).unwrap_or_default();
    format!("{} {stamp}", env!("CARGO_PKG_VERSION"))
}

/// The commit history is read from (empty outside git).
fn git_head(root: &Path) -> String {
    let Ok(repo) = gix::discover(root) else { return String::new() };
    let shallow = repo.is_shallow().unwrap_or(false);
    repo.head_id().map(|id| format!("{id} {shallow}")).unwrap_or_default()
}

fn record_path(root: &Path, out: &Path) -> PathBuf {
    let key = blake3::hash(canonical(out).as_os_str().as_encoded_bytes()).to_hex();
    root.join(".pactum-cache").join(format!("build-{}.json", &key[..16]))
}

fn canonical(out: &Path) -> PathBuf {
    out.canonicalize().unwrap_or_else(|_| out.to_path_buf())
}

/// The record of the last build into `out`, if it had this fingerprint and
/// every file it wrote is still there with its length.
pub fn unchanged(root: &Path, out: &Path, fingerprint: &str) -> Option<Record> {
    let bytes = std::fs::read(record_path(root, out)).ok()?;
    let record: Record = serde_json::from_slice(&bytes).ok()?;
    if record.format != FORMAT || record.fingerprint != fingerprint {
        return None;
    }
    let intact = record
        .files
        .par_iter()
        .all(|(file, len)| std::fs::metadata(out.join(file)).is_ok_and(|m| m.is_file() && m.len() == *len));
    intact.then_some(record)
}

/// The pages the last build wrote into `out`, with their keys (whatever its fingerprint).
pub fn last_pages(root: &Path, out: &Path) -> super::page_cache::Recorded {
    let record = std::fs::read(record_path(root, out)).ok().and_then(|b| serde_json::from_slice::<Record>(&b).ok());
    let usable = |r: &Record| r.format == FORMAT && r.out == canonical(out) && r.binary == binary();
    record.filter(usable).map(|r| r.pages).unwrap_or_default()
}

/// What a build wrote into an output folder, to remember.
pub struct Written<'a> {
    pub output: &'a super::output::OutputSet,
    pub documents: usize,
    pub stdout: String,
    pub stderr: String,
    pub pages: super::page_cache::Recorded,
}

/// Remember a build that was written to `out` (failing to is not an error).
pub fn remember(root: &Path, out: &Path, fingerprint: String, written: Written<'_>) {
    let Written { output, documents, stdout, stderr, pages } = written;
    let files = output.iter().map(|(k, v)| (k.clone(), v.len() as u64)).collect();
    let binary = binary();
    let record =
        Record { format: FORMAT, out: canonical(out), fingerprint, files, documents, stdout, stderr, pages, binary };
    let path = record_path(root, out);
    forget_vanished(path.parent().unwrap_or(root));
    let Ok(json) = serde_json::to_vec(&record) else { return };
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let tmp = dir.join(format!(".build.{}.tmp", std::process::id()));
        if !(std::fs::write(&tmp, json).is_ok() && std::fs::rename(&tmp, &path).is_ok()) {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Remove the records of output folders that no longer exist (temporary
/// builds, renamed folders), so `.pactum-cache/` does not grow forever.
fn forget_vanished(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with("build-") && name.ends_with(".json")) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else { continue };
        #[derive(Deserialize)]
        struct Out {
            out: Option<PathBuf>,
        }
        let gone = serde_json::from_slice::<Out>(&bytes).map_or(true, |o| o.out.is_none_or(|o| !o.exists()));
        if gone {
            let _ = std::fs::remove_file(&path);
        }
    }
}
