//! `pactum check --external`: check external links, bounded, in parallel,
//! with a cache so repeated checks do not hammer other people's servers.
//!
//! Never part of a build: builds must not depend on the network.

use crate::diag::{Diagnostic, Pos};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// An external link and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub file: PathBuf,
    pub text: Arc<str>,
    pub pos: Pos,
}

/// Cache file, relative to the site root.
pub const CACHE_FILE: &str = ".pactum-cache/external-links.tsv";
/// How long a good answer is trusted.
const FRESH: Duration = Duration::from_secs(24 * 3600);
/// At most this many requests at once.
const PARALLEL: usize = 8;

/// What checking one URL gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok(u16),
    Status(u16),
    Failed(String),
}

type Cache = BTreeMap<String, (u64, u16)>;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn read_cache(root: &Path) -> Cache {
    let text = std::fs::read_to_string(root.join(CACHE_FILE)).unwrap_or_default();
    text.lines()
        .filter_map(|l| {
            let mut parts = l.split('\t');
            let url = parts.next()?.to_string();
            let when = parts.next()?.parse().ok()?;
            let status = parts.next()?.parse().ok()?;
            Some((url, (when, status)))
        })
        .collect()
}

fn write_cache(root: &Path, cache: &Cache) {
    let text: String = cache.iter().map(|(u, (w, s))| format!("{u}\t{w}\t{s}\n")).collect();
    let path = root.join(CACHE_FILE);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // The cache is an optimisation; failing to write it is not an error.
    let _ = std::fs::write(path, text);
}

/// Ask the server: HEAD first, GET when HEAD is refused.
fn fetch(agent: &ureq::Agent, url: &str) -> Outcome {
    let status = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| r.map(|r| r.status().as_u16());
    let answer = match status(agent.head(url).call()) {
        Ok(405 | 501) => status(agent.get(url).call()),
        other => other,
    };
    match answer {
        Ok(s) if s < 400 => Outcome::Ok(s),
        Ok(s) => Outcome::Status(s),
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

/// Check every distinct URL of `links`; returns a warning per broken link.
pub fn check(root: &Path, links: &[ExternalLink], timeout: Duration) -> Vec<Diagnostic> {
    let mut cache = read_cache(root);
    let t = now();
    let mut urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
    urls.sort_unstable();
    urls.dedup();
    let todo: Vec<&str> = urls
        .iter()
        .copied()
        .filter(|u| cache.get(*u).is_none_or(|(w, _)| t.saturating_sub(*w) >= FRESH.as_secs()))
        .collect();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("pactum link checker")
        .build()
        .into();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(PARALLEL).build();
    let fetched: Vec<(&str, Outcome)> = match pool {
        Ok(pool) => pool.install(|| todo.par_iter().map(|u| (*u, fetch(&agent, u))).collect()),
        Err(_) => todo.iter().map(|u| (*u, fetch(&agent, u))).collect(),
    };
    let mut outcome: BTreeMap<&str, Outcome> = BTreeMap::new();
    for (u, o) in fetched {
        if let Outcome::Ok(s) = o {
            cache.insert(u.to_string(), (t, s));
        } else {
            cache.remove(u);
        }
        outcome.insert(u, o);
    }
    for u in &urls {
        if let Some((_, s)) = cache.get(*u) {
            outcome.entry(u).or_insert(Outcome::Ok(*s));
        }
    }
    write_cache(root, &cache);
    links
        .iter()
        .filter_map(|l| {
            let why = match outcome.get(l.url.as_str())? {
                Outcome::Ok(_) => return None,
                Outcome::Status(s) => format!("answered HTTP {s}"),
                Outcome::Failed(e) => format!("could not be reached ({e})"),
            };
            Some(
                Diagnostic::warning("external-broken", &l.file, format!("the external link {} {why}", l.url))
                    .at(&l.text, l.pos, 1)
                    .help("fix or remove the link; good answers are cached for a day in .pactum-cache/"),
            )
        })
        .collect()
}
