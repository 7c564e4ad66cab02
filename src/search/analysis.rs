//! One pass over the documents that feeds both indexes: every word of every
//! document goes through the pipeline once, and gives the full-text postings
//! (with their BM25 impacts), the quick-find postings (titles, aliases, ids,
//! tags, headings) and the document's fragment file.
//!
//! Documents are spread over the threads as they come (rayon), and each
//! thread keeps one [`Analyzer`], so a thread stems each word it meets once.
//! Term ids are per analyzer; [`analyse`] turns them into one numbering by
//! sorted term afterwards.

use super::Doc;
use super::encode;
use super::fulltext::{
    AVG_LEN, B, IMPACT_MAX, K1, W_ALIAS, W_BODY, W_HEADING, W_ID, W_PARENT, W_SUMMARY, W_TAG, W_TITLE,
};
use super::pipeline::Analyzer;
use super::quick::{ALIAS, HEAD, ID, MAX_LEVEL, TAG, TITLE};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::sync::{Mutex, PoisonError};

/// One document analysed. Terms are indexes into [`Analysis::terms`].
pub struct DocTerms {
    /// Full-text postings `(term, section, impact)`, by section.
    pub full: Vec<(u32, u16, u8)>,
    /// Quick-find postings `(term, field code)`, sorted, distinct.
    pub quick: Vec<(u32, u32)>,
    /// How many terms the title has (repeats included).
    pub title_terms: usize,
}

/// An output file: path under `soeg/`, bytes.
type File = (String, Vec<u8>);

/// Every document analysed.
pub struct Analysis {
    /// Every term of every document, sorted.
    pub terms: Vec<String>,
    /// In document order.
    pub docs: Vec<DocTerms>,
    /// Each document's fragment file: `(path under soeg/, bytes)`.
    pub fragments: Vec<File>,
}

/// Analyse `docs` in parallel.
pub fn analyse(docs: &[Doc<'_>]) -> Analysis {
    // One analyzer per thread; the last slot is for a caller outside the pool.
    let slots: Vec<Mutex<Work>> = (0..=rayon::current_num_threads()).map(|_| Mutex::default()).collect();
    let (local, fragments): (Vec<(usize, DocTerms)>, Vec<File>) = docs
        .par_iter()
        .map(|d| {
            let slot = rayon::current_thread_index().map_or(slots.len() - 1, |i| i.min(slots.len() - 1));
            let terms = doc_terms(&mut slots[slot].lock().unwrap_or_else(PoisonError::into_inner), d);
            ((slot, terms), fragment(d))
        })
        .unzip();
    let analyzers: Vec<Analyzer> =
        slots.into_iter().map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner).an).collect();

    // One numbering across analyzers, in term order.
    let mut global: FxHashMap<&str, u32> = FxHashMap::default();
    let mut names: Vec<&str> = Vec::new();
    let to_global: Vec<Vec<u32>> = analyzers
        .iter()
        .map(|an| {
            (0..an.len() as u32)
                .map(|id| {
                    let t: &str = an.term(id);
                    *global.entry(t).or_insert_with(|| {
                        names.push(t);
                        (names.len() - 1) as u32
                    })
                })
                .collect()
        })
        .collect();
    drop(global);
    let mut order: Vec<u32> = (0..names.len() as u32).collect();
    order.par_sort_unstable_by(|a, b| names[*a as usize].cmp(names[*b as usize]));
    let mut rank = vec![0u32; names.len()];
    for (r, g) in order.iter().enumerate() {
        rank[*g as usize] = r as u32;
    }
    let to_rank: Vec<Vec<u32>> =
        to_global.into_iter().map(|m| m.into_iter().map(|g| rank[g as usize]).collect()).collect();
    let terms: Vec<String> = order.iter().map(|g| names[*g as usize].to_string()).collect();
    let docs = local
        .into_par_iter()
        .map(|(slot, mut d)| {
            let map = &to_rank[slot];
            for p in &mut d.full {
                p.0 = map[p.0 as usize];
            }
            for p in &mut d.quick {
                p.0 = map[p.0 as usize];
            }
            d.quick.sort_unstable();
            d.quick.dedup();
            d
        })
        .collect();
    Analysis { terms, docs, fragments }
}

/// Per-thread state: the analyzer, and a weight per term id for the section at hand.
#[derive(Default)]
struct Work {
    an: Analyzer,
    acc: Vec<f32>,
    touched: Vec<u32>,
    quick: Vec<(u32, u32)>,
}

impl Work {
    /// Add the terms of `text` with weight `w` (and, with a field code, to
    /// quick find); the weight added.
    fn add(&mut self, text: &str, w: f32, code: Option<u32>) -> f32 {
        let Work { an, acc, touched, quick } = self;
        let mut len = 0.0;
        an.each_id(text, |id| {
            let i = id as usize;
            if i >= acc.len() {
                acc.resize(i + 1024, 0.0);
            }
            if acc[i] == 0.0 {
                touched.push(id);
            }
            acc[i] += w;
            len += w;
            if let Some(code) = code {
                quick.push((id, code));
            }
        });
        len
    }
}

/// Full-text postings by section, quick-find postings and title length of
/// one document, with this analyzer's term ids.
fn doc_terms(work: &mut Work, d: &Doc<'_>) -> DocTerms {
    let mut out = Vec::new();
    let mut title_terms = 0;
    let mut parents: Vec<(u8, &str)> = Vec::new();
    work.quick.clear();
    for (si, s) in d.sections.iter().enumerate() {
        let head = (s.anchor.is_some() && s.level <= MAX_LEVEL).then_some(HEAD + si as u32);
        let mut len = work.add(s.text, W_BODY, None) + work.add(s.title, W_HEADING, head);
        while parents.last().is_some_and(|p| p.0 >= s.level) {
            parents.pop();
        }
        if let Some(p) = parents.last() {
            len += work.add(p.1, W_PARENT, None);
        }
        if s.anchor.is_some() {
            parents.push((s.level, s.title));
        }
        if si == 0 {
            let before = work.quick.len();
            len += work.add(d.title, W_TITLE, Some(TITLE));
            title_terms = work.quick.len() - before;
            for a in &d.aliases {
                len += work.add(a, W_ALIAS, Some(ALIAS));
            }
            len += work.add(d.id, W_ID, Some(ID));
            for t in &d.tags {
                len += work.add(t, W_TAG, Some(TAG));
            }
            len += work.add(d.summary, W_SUMMARY, None);
        }
        let norm = K1 * (1.0 - B + B * f64::from(len) / AVG_LEN);
        let sec = si.min(u16::MAX as usize) as u16;
        for id in work.touched.drain(..) {
            let f = f64::from(std::mem::take(&mut work.acc[id as usize]));
            let w = f * (K1 + 1.0) / (f + norm) / (K1 + 1.0);
            let imp = (w * IMPACT_MAX).round().clamp(1.0, IMPACT_MAX) as u8;
            out.push((id, sec, imp));
        }
    }
    DocTerms { full: out, quick: work.quick.clone(), title_terms }
}

/// `[text of section 0, text of section 1, ...]`.
fn fragment(d: &Doc<'_>) -> File {
    // Room for escapes: most non-ASCII letters take 2 bytes and are written in 6.
    let size: usize = d.sections.iter().map(|s| s.text.len() + s.text.len() / 4 + 3).sum();
    encode::hashed_file_with("f", size, |out| encode::push_strings(out, d.sections.iter().map(|s| s.text)))
}
