//! Quick find: type-ahead over titles, aliases, ids, tags and headings, for
//! "the agreement I know the name or number of". One file (`soeg/quick.js`)
//! with a sorted term list and numeric postings (document numbers, no
//! document store), loaded on the first focus of the search box; the titles,
//! URLs and headings of the suggestions shown come from the full-text index's
//! doc chunks. Every query word matches a term or the start of one.
//!
//! Why not elasticlunr-rs: its Danish pipeline drops digits (`2025`, `§ 140`,
//! `xref15` become unfindable), its JSON keeps the whole term tree and a doc
//! store, and the browser would need elasticlunr.js plus a Danish shim. This
//! index uses the pipeline of [`super::pipeline`], identical in the browser.

use super::analysis::Analysis;
use super::encode;
use super::{Doc, Labels};
use serde_json::json;
use std::collections::BTreeMap;

/// Field codes of a posting; headings are `HEAD + section index` (the
/// headings' titles and anchors are in the full-text doc chunks).
pub const TITLE: u32 = 0;
pub const ALIAS: u32 = 1;
pub const ID: u32 = 2;
pub const TAG: u32 = 3;
pub const HEAD: u32 = 4;

/// Weight of a match in each field (title, alias, id, tag, heading).
pub const WEIGHTS: [f64; 5] = [10.0, 8.0, 6.0, 4.0, 3.0];
/// A word that only starts a term counts this much of a whole one.
pub const PREFIX_FACTOR: f64 = 0.6;
/// A word found in more fields of a document counts this much of the other fields too.
pub const MORE_FIELDS_FACTOR: f64 = 0.2;
/// Superseded and withdrawn documents are found, but after the others.
pub const HIDDEN_FACTOR: f64 = 0.5;
/// Headings down to this level are in the quick index.
pub const MAX_LEVEL: u8 = 3;
/// At most this many headings are shown under one suggestion.
pub const MAX_HEADS: usize = 3;

/// What quick find ranks a document by (what it shows of a document is in
/// the full-text index's doc chunks).
#[derive(Clone, Copy, Debug)]
pub struct QuickDoc {
    pub status: Option<usize>,
    pub hidden: bool,
    /// Number of terms in the title (shorter titles win ties).
    pub title_terms: usize,
}

/// The quick-find index.
pub struct Quick {
    pub docs: Vec<QuickDoc>,
    /// Sorted.
    pub terms: Vec<String>,
    /// Per term: `(document, field code)`, by document.
    pub postings: Vec<Vec<(u32, u32)>>,
}

/// A suggestion: a document and the headings that matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub doc: usize,
    pub score: f64,
    pub heads: Vec<usize>,
}

impl Quick {
    /// The index of `docs` from their analysis.
    pub fn build(docs: &[Doc<'_>], analysis: &Analysis) -> Quick {
        let qdocs: Vec<QuickDoc> =
            docs.iter().zip(&analysis.docs).map(|(d, a)| QuickDoc::new(d, a.title_terms)).collect();
        // Postings grouped by term in document order (a counting sort), then
        // the terms that have any.
        let mut starts = vec![0usize; analysis.terms.len() + 1];
        for d in &analysis.docs {
            for p in &d.quick {
                starts[analysis.term(p.0) as usize + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill = starts.clone();
        let mut flat = vec![(0u32, 0u32); *starts.last().unwrap_or(&0)];
        for (doc, d) in analysis.docs.iter().enumerate() {
            for &(t, code) in &d.quick {
                let at = &mut fill[analysis.term(t) as usize];
                flat[*at] = (doc as u32, code);
                *at += 1;
            }
        }
        let (terms, postings) = (0..analysis.terms.len())
            .filter(|&t| starts[t] < starts[t + 1])
            .map(|t| (analysis.terms[t].clone(), flat[starts[t]..starts[t + 1]].to_vec()))
            .unzip();
        Quick { docs: qdocs, terms, postings }
    }

    /// The payload of `soeg/quick.js`; `chunks` are the doc chunk files of
    /// the full-text index, where the headings are.
    pub fn payload(&self, labels: &Labels, chunks: &[String]) -> String {
        let post: Vec<String> = self
            .postings
            .iter()
            .map(|p| {
                let mut prev = 0;
                let mut s = String::new();
                for &(doc, code) in p {
                    encode::push_num(&mut s, u64::from(doc - prev));
                    encode::push_num(&mut s, u64::from(code));
                    prev = doc;
                }
                s
            })
            .collect();
        encode::json(&labels.manifest(json!({
            "n": self.docs.len(),
            "ds": encode::nums(self.docs.iter().map(|d| d.status.unwrap_or(labels.statuses.len()) as u64)),
            "dl": encode::nums(self.docs.iter().map(|d| d.title_terms as u64)),
            "chunk": super::fulltext::CHUNK,
            "chunks": chunks,
            "terms": self.terms,
            "post": post,
        })))
    }

    /// The range of terms that start with `prefix`.
    fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.terms.partition_point(|t| t.as_str() < prefix);
        let end = start + self.terms[start..].partition_point(|t| t.starts_with(prefix));
        start..end
    }

    /// The best `limit` suggestions for what has been typed: every word must
    /// match, whole (full weight) or as the start of a term.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Suggestion> {
        let words = super::query_terms(query);
        if words.is_empty() {
            return Vec::new();
        }
        // Per document: the best weight of each word in each field, and the matched headings.
        let mut best: BTreeMap<u32, (Vec<[f64; 5]>, Vec<usize>)> = BTreeMap::new();
        for (w, word) in words.iter().enumerate() {
            for ti in self.prefix_range(word) {
                let exact = self.terms[ti] == *word;
                for &(doc, code) in &self.postings[ti] {
                    let field = code.min(HEAD) as usize;
                    let weight = WEIGHTS[field] * if exact { 1.0 } else { PREFIX_FACTOR };
                    let e = best.entry(doc).or_insert_with(|| (vec![[0.0; 5]; words.len()], Vec::new()));
                    if weight > e.0[w][field] {
                        e.0[w][field] = weight;
                    }
                    if code >= HEAD {
                        let h = (code - HEAD) as usize;
                        if !e.1.contains(&h) {
                            e.1.push(h);
                        }
                    }
                }
            }
        }
        let mut out: Vec<Suggestion> = best
            .into_iter()
            .filter(|(_, (w, _))| w.iter().all(|f| f.iter().any(|x| *x > 0.0)))
            .map(|(doc, (w, mut heads))| {
                let d = &self.docs[doc as usize];
                let mut score = 0.0;
                for f in &w {
                    let max = f.iter().copied().fold(0.0, f64::max);
                    let sum: f64 = f.iter().sum();
                    score += max + MORE_FIELDS_FACTOR * (sum - max);
                }
                if d.hidden {
                    score *= HIDDEN_FACTOR;
                }
                heads.sort_unstable();
                heads.truncate(MAX_HEADS);
                Suggestion { doc: doc as usize, score, heads }
            })
            .collect();
        out.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then(self.docs[a.doc].title_terms.cmp(&self.docs[b.doc].title_terms))
                .then(a.doc.cmp(&b.doc))
        });
        out.truncate(limit);
        out
    }
}

impl QuickDoc {
    fn new(d: &Doc<'_>, title_terms: usize) -> QuickDoc {
        QuickDoc { status: d.status_code(), hidden: d.hidden(), title_terms }
    }
}
