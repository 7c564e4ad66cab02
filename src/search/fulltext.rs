//! Full-text search whose download grows with the query, not with the site.
//!
//! The unit of a hit is a heading section. Every section gets, for each of
//! its terms, an *impact*: a BM25 term weight (k1, b, a fixed average length,
//! so that one document's edit changes nothing else) quantised to 1..=31.
//! Postings `(document, section, impact)` are grouped by term, and terms by
//! stem prefix into shards of at most about [`SHARD_MAX`] bytes: a shard is
//! split by the next character while it is too big, and small children stay
//! in their parent's residual shard. The browser finds a term's shard by the
//! longest listed prefix. Every file but the manifest is named by the hash of
//! its content, so changing one document rewrites only the files it touches.
//!
//! Files under `soeg/`:
//! - `manifest.js`: labels, facet values, per-document facet codes and
//!   section counts, the doc chunk list and the shard table.
//! - `t/<hash>.js`: a shard, `{t: [terms], p: [postings]}`.
//! - `d/<hash>.js`: [`CHUNK`] documents: title, URL, version, summary,
//!   headings and the name of the document's fragment file.
//! - `f/<hash>.js`: one document's section texts, for snippets of the hits shown.
//!
//! The ranking below is also implemented in `assets/search-worker.js`; the
//! integration tests run both on the example and compare.

use super::encode;
use super::pipeline::Analyzer;
use super::{Doc, Labels};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub const K1: f64 = 1.2;
pub const B: f64 = 0.75;
/// The section length BM25 normalises to (fixed, so impacts stay local).
pub const AVG_LEN: f64 = 80.0;
/// Impacts are 1..=IMPACT_MAX.
pub const IMPACT_MAX: f64 = 31.0;
/// Weights of a section's own words and of what describes it.
pub const W_BODY: f32 = 1.0;
pub const W_HEADING: f32 = 3.0;
pub const W_PARENT: f32 = 1.0;
/// Only in a document's first section (its intro, maybe empty).
pub const W_TITLE: f32 = 5.0;
pub const W_ALIAS: f32 = 4.0;
pub const W_ID: f32 = 3.0;
pub const W_TAG: f32 = 3.0;
pub const W_SUMMARY: f32 = 2.0;
/// Documents per doc chunk file.
pub const CHUNK: usize = 8;
/// A shard bigger than this (bytes of terms and postings) is split...
pub const SHARD_MAX: usize = 24_000;
/// ...and its children smaller than this stay in it.
pub const SHARD_MIN: usize = 3_000;
/// At most this many query terms count.
pub const MAX_TERMS: usize = 12;
/// Facets, in the order they are shown.
pub const FACETS: [&str; 5] = ["kind", "status", "region", "owner", "tag"];

/// One section of one document with a term's weight there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    pub sec: u16,
    pub imp: u8,
}

/// What the ranking needs to know of a document.
#[derive(Clone, Debug)]
pub struct FacetDoc {
    pub kind: usize,
    pub status: Option<usize>,
    pub hidden: bool,
    pub region: Option<usize>,
    pub owner: Option<usize>,
    pub tags: Vec<usize>,
    pub nsec: usize,
}

impl FacetDoc {
    /// The document's value codes for facet `f` (index into [`FACETS`]).
    fn values(&self, f: usize) -> Vec<usize> {
        match f {
            0 => vec![self.kind],
            1 => self.status.into_iter().collect(),
            2 => self.region.into_iter().collect(),
            3 => self.owner.into_iter().collect(),
            _ => self.tags.clone(),
        }
    }
}

/// The full-text index in memory (what the files hold).
pub struct FullText {
    pub docs: Vec<FacetDoc>,
    /// Facet values: kinds and statuses by their names, then regions, owners, tags.
    pub values: [Vec<String>; 5],
    pub nsec: u64,
    /// Sorted terms; the postings of `terms[i]` are `postings[starts[i]..starts[i + 1]]`.
    pub terms: Vec<String>,
    pub starts: Vec<usize>,
    pub postings: Vec<Posting>,
    /// Shard table: prefix → file (relative to `soeg/`), sorted by prefix.
    pub shards: Vec<(String, String)>,
    /// Doc chunk files, and each document's fragment file.
    pub chunks: Vec<String>,
    pub fragments: Vec<String>,
}

/// A search as the results page asks for it.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub text: String,
    /// Show superseded and withdrawn documents too.
    pub show_hidden: bool,
    /// `(facet, value)`: values of one facet are alternatives, facets must all hold.
    pub filters: Vec<(String, String)>,
}

impl Query {
    pub fn new(text: &str) -> Query {
        Query { text: text.to_string(), ..Default::default() }
    }
}

/// A document in the results, with its matching sections (best first).
#[derive(Clone, Debug)]
pub struct Hit {
    pub doc: usize,
    pub score: f64,
    pub sections: Vec<(usize, f64)>,
}

#[derive(Clone, Debug, Default)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Superseded and withdrawn documents left out.
    pub hidden: usize,
    /// False when no document had every word (the hits then have some).
    pub all_words: bool,
    /// Per facet: `(value, count)` by count, then value.
    pub facets: Vec<Vec<(String, usize)>>,
}

impl FullText {
    /// Build the index and its files (paths relative to `soeg/`).
    pub fn build(docs: &[Doc], labels: &Labels) -> (FullText, Vec<(String, Vec<u8>)>) {
        let dict = |get: &dyn Fn(&Doc) -> Vec<String>| -> Vec<String> {
            let set: BTreeSet<String> = docs.iter().flat_map(get).filter(|s| !s.is_empty()).collect();
            set.into_iter().collect()
        };
        let regions = dict(&|d| vec![d.region.clone()]);
        let owners = dict(&|d| vec![d.owner.clone()]);
        let tags = dict(&|d| d.tags.clone());
        let find = |list: &[String], s: &str| list.binary_search_by(|x| x.as_str().cmp(s)).ok();
        let fdocs: Vec<FacetDoc> = docs
            .iter()
            .map(|d| FacetDoc {
                kind: d.kind_code(),
                status: d.status_code(),
                hidden: d.hidden(),
                region: find(&regions, &d.region),
                owner: find(&owners, &d.owner),
                tags: {
                    let mut t: Vec<usize> = d.tags.iter().filter_map(|t| find(&tags, t)).collect();
                    t.sort_unstable();
                    t.dedup();
                    t
                },
                nsec: d.sections.len(),
            })
            .collect();

        // 1. The postings of every document, by term id of the analyzer of
        // its run of documents, and each document's fragment file.
        // One run per thread: every run stems the words it meets once.
        let runs = docs.len().div_ceil(rayon::current_num_threads().max(1)).max(1);
        let analysed: Vec<Analysed> = docs.par_chunks(runs).map(analyse).collect();

        // 2. One id per term across runs; terms sorted; postings grouped by
        // term in document order (a counting sort).
        let mut global: FxHashMap<&str, u32> = FxHashMap::default();
        let mut names: Vec<&str> = Vec::new();
        let local_to_global: Vec<Vec<u32>> = analysed
            .iter()
            .map(|a| {
                a.terms
                    .iter()
                    .map(|t| {
                        *global.entry(t.as_ref()).or_insert_with(|| {
                            names.push(t.as_ref());
                            (names.len() - 1) as u32
                        })
                    })
                    .collect()
            })
            .collect();
        let mut order: Vec<u32> = (0..names.len() as u32).collect();
        order.par_sort_unstable_by(|a, b| names[*a as usize].cmp(names[*b as usize]));
        let mut rank = vec![0u32; names.len()];
        for (r, g) in order.iter().enumerate() {
            rank[*g as usize] = r as u32;
        }
        let mut starts = vec![0usize; names.len() + 1];
        for (a, map) in analysed.iter().zip(&local_to_global) {
            for p in a.postings.iter().flatten() {
                starts[rank[map[p.0 as usize] as usize] as usize + 1] += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill = starts.clone();
        let mut postings = vec![Posting { doc: 0, sec: 0, imp: 0 }; *starts.last().unwrap_or(&0)];
        let mut doc = 0u32;
        for (a, map) in analysed.iter().zip(&local_to_global) {
            for per_doc in &a.postings {
                for &(id, sec, imp) in per_doc {
                    let r = rank[map[id as usize] as usize] as usize;
                    postings[fill[r]] = Posting { doc, sec, imp };
                    fill[r] += 1;
                }
                doc += 1;
            }
        }
        let terms: Vec<String> = order.iter().map(|g| names[*g as usize].to_string()).collect();
        drop(global);

        // 3. Shards: encode the postings, cut by first character, then by prefix while too big.
        let encoded: Vec<String> =
            (0..terms.len()).into_par_iter().map(|i| encode_postings(&postings[starts[i]..starts[i + 1]])).collect();
        let mut groups: Vec<(String, Vec<(&str, &str)>)> = Vec::new();
        let mut root: Vec<(&str, &str)> = Vec::new();
        let mut i = 0;
        while i < terms.len() {
            let c = first_char(&terms[i]);
            let mut j = i;
            while j < terms.len() && first_char(&terms[j]) == c {
                j += 1;
            }
            let items: Vec<(&str, &str)> = (i..j).map(|k| (terms[k].as_str(), encoded[k].as_str())).collect();
            if size(&items) < SHARD_MIN {
                root.extend(items);
            } else {
                split(c.to_string(), items, &mut groups);
            }
            i = j;
        }
        if !root.is_empty() {
            groups.push((String::new(), root));
        }
        let shard_files: Vec<(String, (String, Vec<u8>))> = groups
            .par_iter()
            .map(|(key, items)| (key.clone(), encode::hashed_file("t", &shard_payload(items))))
            .collect();
        drop(groups);
        drop(encoded);
        let fragment_files: Vec<(String, Vec<u8>)> = analysed.into_iter().flat_map(|a| a.fragments).collect();

        // 4. Doc chunks.
        let chunk_files: Vec<(String, Vec<u8>)> = docs
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(ci, chunk)| {
                let entries: Vec<_> = chunk
                    .iter()
                    .enumerate()
                    .map(|(k, d)| {
                        let heads: Vec<_> = d
                            .sections
                            .iter()
                            .map(|s| json!([s.anchor.as_deref().unwrap_or(""), s.title, s.level]))
                            .collect();
                        json!({
                            "t": d.title, "u": d.url, "v": d.version, "i": d.id, "s": d.summary,
                            "k": d.kind_code(), "st": d.status_code().map_or(-1, |x| x as i64),
                            "f": fragment_files[ci * CHUNK + k].0, "h": heads,
                        })
                    })
                    .collect();
                encode::hashed_file("d", &encode::json(&entries))
            })
            .collect();

        let nsec: u64 = fdocs.iter().map(|d| d.nsec as u64).sum();
        let mut shards: Vec<(String, String)> = shard_files.iter().map(|(k, (f, _))| (k.clone(), f.clone())).collect();
        shards.sort();
        let full = FullText {
            docs: fdocs,
            values: [
                labels.kinds.iter().map(|k| k.0.clone()).collect(),
                labels.statuses.iter().map(|s| s.0.clone()).collect(),
                regions,
                owners,
                tags,
            ],
            nsec,
            terms,
            starts,
            postings,
            shards,
            chunks: chunk_files.iter().map(|f| f.0.clone()).collect(),
            fragments: fragment_files.iter().map(|f| f.0.clone()).collect(),
        };
        let mut files = vec![("manifest.js".to_string(), encode::data_file("manifest.js", &full.manifest(labels)))];
        files.extend(shard_files.into_iter().map(|(_, f)| f));
        files.extend(chunk_files);
        files.extend(fragment_files);
        (full, files)
    }

    fn manifest(&self, labels: &Labels) -> String {
        let code = |x: Option<usize>, none: usize| x.unwrap_or(none) as u64;
        let d = &self.docs;
        let mut tags = String::new();
        for doc in d {
            encode::push_num(&mut tags, doc.tags.len() as u64);
            for t in &doc.tags {
                encode::push_num(&mut tags, *t as u64);
            }
        }
        encode::json(&labels.manifest(json!({
            "regions": self.values[2],
            "owners": self.values[3],
            "tags": self.values[4],
            "n": d.len(),
            "nsec": self.nsec,
            "dk": encode::nums(d.iter().map(|x| x.kind as u64)),
            "ds": encode::nums(d.iter().map(|x| code(x.status, labels.statuses.len()))),
            "dr": encode::nums(d.iter().map(|x| code(x.region, self.values[2].len()))),
            "do": encode::nums(d.iter().map(|x| code(x.owner, self.values[3].len()))),
            "dt": tags,
            "dn": encode::nums(d.iter().map(|x| x.nsec as u64)),
            "chunk": CHUNK,
            "chunks": self.chunks,
            "shards": self.shards,
        })))
    }

    /// The postings of `term`, if it is in the index.
    pub fn postings_of(&self, term: &str) -> Option<&[Posting]> {
        let i = self.terms.binary_search_by(|t| t.as_str().cmp(term)).ok()?;
        Some(&self.postings[self.starts[i]..self.starts[i + 1]])
    }

    /// The shard file holding `term`: the one with the longest listed prefix.
    pub fn shard_of(&self, term: &str) -> Option<&str> {
        let mut best: Option<&(String, String)> = None;
        for s in &self.shards {
            if term.starts_with(s.0.as_str()) && best.is_none_or(|b| s.0.len() > b.0.len()) {
                best = Some(s);
            }
        }
        best.map(|b| b.1.as_str())
    }

    /// Rank the documents for `q`.
    pub fn search(&self, q: &Query) -> Results {
        let words = super::query_terms(&q.text);
        let n = words.len();
        if n == 0 {
            return Results { all_words: true, facets: vec![Vec::new(); FACETS.len()], ..Default::default() };
        }
        let total = self.nsec as f64;
        // Per section: score and the words found; per document: the words found.
        let mut secs: BTreeMap<(u32, u16), (f64, u32)> = BTreeMap::new();
        let mut doc_mask: BTreeMap<u32, u32> = BTreeMap::new();
        for (w, word) in words.iter().enumerate() {
            let Some(list) = self.postings_of(word) else { continue };
            let df = list.len() as f64;
            let idf = (1.0 + (total - df + 0.5) / (df + 0.5)).ln();
            for p in list {
                let e = secs.entry((p.doc, p.sec)).or_insert((0.0, 0));
                e.0 += idf * f64::from(p.imp);
                e.1 |= 1 << w;
                *doc_mask.entry(p.doc).or_insert(0) |= 1 << w;
            }
        }
        // Documents need every word, or all but one of three or more; if none
        // has that many, any word will do (ranked by how many they have).
        let need = if n <= 2 { n } else { n - 1 };
        let words_of = |doc: &u32| doc_mask[doc].count_ones() as usize;
        let all_words = doc_mask.keys().any(|d| words_of(d) == n);
        let enough = doc_mask.keys().any(|d| words_of(d) >= need);
        let mut hits: BTreeMap<u32, Vec<(usize, f64)>> = BTreeMap::new();
        for ((doc, sec), (score, mask)) in secs {
            if enough && words_of(&doc) < need {
                continue;
            }
            let rank = score * (0.5 + 0.5 * f64::from(mask.count_ones()) / n as f64);
            hits.entry(doc).or_default().push((sec as usize, rank));
        }
        let mut res = Results { all_words, ..Default::default() };
        let mut found: Vec<Hit> = Vec::new();
        for (doc, mut sections) in hits {
            if self.docs[doc as usize].hidden && !q.show_hidden {
                res.hidden += 1;
                continue;
            }
            sections.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            let r = |i: usize| sections.get(i).map_or(0.0, |s| s.1);
            let coverage = f64::from(doc_mask[&doc].count_ones()) / n as f64;
            let score = (r(0) + 0.3 * r(1) + 0.15 * r(2)) * coverage * coverage;
            found.push(Hit { doc: doc as usize, score, sections });
        }
        // Facets: values of one facet are alternatives; counts follow the other facets' choices.
        let chosen: Vec<BTreeSet<usize>> = (0..FACETS.len())
            .map(|f| {
                q.filters
                    .iter()
                    .filter(|(name, _)| name == FACETS[f])
                    .filter_map(|(_, v)| self.values[f].iter().position(|x| x == v))
                    .collect()
            })
            .collect();
        let passes = |d: &FacetDoc, f: usize| chosen[f].is_empty() || d.values(f).iter().any(|v| chosen[f].contains(v));
        let mut counts: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); FACETS.len()];
        for h in &found {
            let d = &self.docs[h.doc];
            for (f, c) in counts.iter_mut().enumerate() {
                if (0..FACETS.len()).all(|g| g == f || passes(d, g)) {
                    for v in d.values(f) {
                        *c.entry(v).or_insert(0) += 1;
                    }
                }
            }
        }
        res.facets = counts
            .into_iter()
            .enumerate()
            .map(|(f, c)| {
                let mut v: Vec<(usize, usize)> = c.into_iter().collect();
                v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                v.into_iter().map(|(value, n)| (self.values[f][value].clone(), n)).collect()
            })
            .collect();
        found.retain(|h| (0..FACETS.len()).all(|f| passes(&self.docs[h.doc], f)));
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        res.hits = found;
        res
    }

    /// The files a browser downloads for a first query (manifest, shards,
    /// doc chunks and fragments of the first `shown` documents).
    pub fn first_query_files(&self, q: &Query, shown: usize) -> Vec<String> {
        let mut files = vec!["manifest.js".to_string()];
        for w in super::query_terms(&q.text) {
            files.extend(self.shard_of(&w).map(str::to_string));
        }
        for h in self.search(q).hits.iter().take(shown) {
            files.push(self.chunks[h.doc / CHUNK].clone());
            files.push(self.fragments[h.doc].clone());
        }
        let mut seen = BTreeSet::new();
        files.retain(|f| seen.insert(f.clone()));
        files
    }
}

/// Per-thread state of the analysis: the analyzer and a weight per term id.
#[derive(Default)]
struct Work {
    an: Analyzer,
    acc: Vec<f32>,
    touched: Vec<u32>,
}

impl Work {
    fn add(&mut self, text: &str, w: f32) -> f32 {
        let Work { an, acc, touched } = self;
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
        });
        len
    }
}

/// A run of documents analysed by one analyzer.
struct Analysed {
    /// Term id → term.
    terms: Vec<Arc<str>>,
    /// Per document: `(term id, section, impact)` by section.
    postings: Vec<Vec<(u32, u16, u8)>>,
    fragments: Vec<(String, Vec<u8>)>,
}

fn analyse(docs: &[Doc]) -> Analysed {
    let mut work = Work::default();
    let postings = docs.iter().map(|d| doc_postings(&mut work, d)).collect();
    let fragments = docs.iter().map(fragment).collect();
    let terms = (0..work.an.len() as u32).map(|id| work.an.term(id).clone()).collect();
    Analysed { terms, postings, fragments }
}

/// One document's postings by section, with this analyzer's term ids.
fn doc_postings(work: &mut Work, d: &Doc) -> Vec<(u32, u16, u8)> {
    let mut out = Vec::new();
    let mut parents: Vec<(u8, &str)> = Vec::new();
    for (si, s) in d.sections.iter().enumerate() {
        let mut len = work.add(&s.text, W_BODY) + work.add(&s.title, W_HEADING);
        while parents.last().is_some_and(|p| p.0 >= s.level) {
            parents.pop();
        }
        if let Some(p) = parents.last() {
            len += work.add(p.1, W_PARENT);
        }
        if s.anchor.is_some() {
            parents.push((s.level, &s.title));
        }
        if si == 0 {
            len += work.add(&d.title, W_TITLE);
            for a in &d.aliases {
                len += work.add(a, W_ALIAS);
            }
            len += work.add(&d.id, W_ID);
            for t in &d.tags {
                len += work.add(t, W_TAG);
            }
            len += work.add(&d.summary, W_SUMMARY);
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
    out
}

fn first_char(t: &str) -> char {
    t.chars().next().unwrap_or('\0')
}

/// `[text of section 0, text of section 1, ...]`.
fn fragment(d: &Doc) -> (String, Vec<u8>) {
    encode::hashed_file("f", &encode::strings(d.sections.iter().map(|s| s.text.as_str())))
}

/// `doc delta, section, impact` for each posting.
fn encode_postings(p: &[Posting]) -> String {
    let mut s = String::with_capacity(p.len() * 3);
    let mut prev = 0;
    for x in p {
        encode::push_num(&mut s, u64::from(x.doc - prev));
        encode::push_num(&mut s, u64::from(x.sec));
        encode::push_num(&mut s, u64::from(x.imp));
        prev = x.doc;
    }
    s
}

/// `{"t":[terms],"p":[postings]}`, written directly (postings are plain ASCII).
fn shard_payload(items: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(size(items) + 16);
    out.push_str("{\"t\":[");
    for (i, (t, _)) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        encode::push_string(&mut out, t);
    }
    out.push_str("],\"p\":[");
    for (i, (_, p)) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(p);
        out.push('"');
    }
    out.push_str("]}");
    out
}

fn size(items: &[(&str, &str)]) -> usize {
    items.iter().map(|(t, p)| t.len() + p.len() + 6).sum()
}

/// Cut `items` (terms starting with `key`) into shards.
fn split<'a>(key: String, items: Vec<(&'a str, &'a str)>, out: &mut Vec<(String, Vec<(&'a str, &'a str)>)>) {
    if size(&items) <= SHARD_MAX {
        out.push((key, items));
        return;
    }
    let at = key.chars().count();
    let mut residual = Vec::new();
    let mut children: BTreeMap<char, Vec<(&str, &str)>> = BTreeMap::new();
    for it in items {
        match it.0.chars().nth(at) {
            Some(c) => children.entry(c).or_default().push(it),
            None => residual.push(it),
        }
    }
    for (c, child) in children {
        if size(&child) < SHARD_MIN {
            residual.extend(child);
        } else {
            split(format!("{key}{c}"), child, out);
        }
    }
    if !residual.is_empty() {
        residual.sort_unstable_by(|a, b| a.0.cmp(b.0));
        out.push((key, residual));
    }
}
