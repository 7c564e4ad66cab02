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

use super::analysis::Analysis;
use super::encode;
use super::lists::Lists;
use super::regroup::{Grouped, Memory};
use super::{Doc, Labels};
use crate::memo::{Key, Parts};
use bytes::Bytes;
use rayon::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    /// Sorted terms; the postings of `terms[i]` are `lists.get(i)`.
    pub terms: Vec<String>,
    pub lists: Lists,
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
    /// Build the index and its files (paths relative to `soeg/`) from the
    /// analysis of `docs`, all but the fragment files (they are in the analysis).
    pub fn build(docs: &[Doc<'_>], labels: &Labels, analysis: &Analysis) -> (FullText, Vec<(String, Bytes)>) {
        let (full, files, _) = FullText::build_from(docs, labels, analysis, None);
        (full, files)
    }

    /// [`FullText::build`], taking what did not change from the last build
    /// when there is `memory` (and then also returning what the next build may take).
    pub fn build_from(
        docs: &[Doc<'_>],
        labels: &Labels,
        analysis: &Analysis,
        memory: Option<&Memory<'_>>,
    ) -> (FullText, Vec<(String, Bytes)>, Option<Leftover>) {
        let dict = |get: &dyn Fn(&Doc<'_>) -> Vec<String>| -> Vec<String> {
            let set: BTreeSet<String> = docs.iter().flat_map(get).filter(|s| !s.is_empty()).collect();
            set.into_iter().collect()
        };
        let regions = dict(&|d| vec![d.region.to_string()]);
        let owners = dict(&|d| vec![d.owner.to_string()]);
        let tags = dict(&|d| d.tags.iter().map(|t| t.to_string()).collect());
        let find = |list: &[String], s: &str| list.binary_search_by(|x| x.as_str().cmp(s)).ok();
        let fdocs: Vec<FacetDoc> = docs
            .iter()
            .map(|d| FacetDoc {
                kind: d.kind_code(),
                status: d.status_code(),
                hidden: d.hidden(),
                region: find(&regions, d.region),
                owner: find(&owners, d.owner),
                tags: {
                    let mut t: Vec<usize> = d.tags.iter().filter_map(|t| find(&tags, t)).collect();
                    t.sort_unstable();
                    t.dedup();
                    t
                },
                nsec: d.sections.len(),
            })
            .collect();

        // 1. Postings grouped by term (with memory: again only for terms a
        //    changed document has or had), and the doc chunks, side by side.
        let fragment_files = &analysis.fragments;
        let (grouped, (chunk_files, chunk_keys)) = rayon::join(
            || {
                memory.and_then(|m| m.regroup(analysis)).unwrap_or_else(|| {
                    let (postings, starts) = group_postings(analysis);
                    Grouped { lists: Lists::new(postings, &starts), dirty: None, sized: Vec::new() }
                })
            },
            || chunk_files(docs, fragment_files, memory),
        );
        let Grouped { lists, dirty, sized: clean_sizes } = grouped;
        let is_dirty = |t: usize| dirty.as_ref().is_none_or(|d| d[t]);
        let terms = analysis.terms.clone();

        // 2. Shards: cut the terms by first character, then by prefix while too big.
        let sized: Vec<(&str, usize)> = (0..terms.len())
            .into_par_iter()
            .map(|i| {
                let len = if is_dirty(i) { encoded_len(lists.get(i)) } else { clean_sizes[i] };
                (terms[i].as_str(), len)
            })
            .collect();
        let mut groups: Vec<(String, Vec<Item<'_>>)> = Vec::new();
        let mut root: Vec<Item<'_>> = Vec::new();
        let mut i = 0;
        while i < terms.len() {
            let c = first_char(&terms[i]);
            let mut j = i;
            while j < terms.len() && first_char(&terms[j]) == c {
                j += 1;
            }
            let items: Vec<Item<'_>> = (i..j).map(|k| (sized[k].0, sized[k].1, k)).collect();
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
        let shard_files: Vec<(String, Key, (String, Bytes))> = groups
            .par_iter()
            .map(|(key, items)| {
                let content = memory.map(|_| items_key(items)).unwrap_or_default();
                let unchanged = items.iter().all(|it| !is_dirty(it.2));
                if let Some(file) = memory.filter(|_| unchanged).and_then(|m| m.shard(key, &content)) {
                    return (key.clone(), content, file.clone());
                }
                let (name, bytes) =
                    encode::hashed_file_with("t", size(items) + 16, |out| shard_payload(out, items, |k| lists.get(k)));
                (key.clone(), content, (name, bytes.into()))
            })
            .collect();
        drop(groups);
        let sizes: Vec<usize> = sized.iter().map(|s| s.1).collect();
        drop(sized);

        let nsec: u64 = fdocs.iter().map(|d| d.nsec as u64).sum();
        let mut shards: Vec<(String, String)> =
            shard_files.iter().map(|(k, _, (f, _))| (k.clone(), f.clone())).collect();
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
            lists,
            shards,
            chunks: chunk_files.iter().map(|f| f.0.clone()).collect(),
            fragments: fragment_files.iter().map(|f| f.0.clone()).collect(),
        };
        let manifest = encode::data_file("manifest.js", &full.manifest(labels));
        let mut files = vec![("manifest.js".to_string(), Bytes::from(manifest))];
        files.extend(shard_files.iter().map(|(_, _, f)| f.clone()));
        files.extend(chunk_files.iter().cloned());
        let leftover = memory.map(|_| Leftover {
            sizes,
            shards: shard_files.into_iter().map(|(k, content, f)| (k, (content, f))).collect(),
            chunks: chunk_keys.into_iter().zip(chunk_files).collect(),
        });
        (full, files, leftover)
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
        Some(self.lists.get(i))
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

fn first_char(t: &str) -> char {
    t.chars().next().unwrap_or('\0')
}

/// The postings of every term in document order (a counting sort), and
/// where each term's start: the postings of term `t` are
/// `postings[starts[t]..starts[t + 1]]`.
fn group_postings(analysis: &Analysis) -> (Vec<Posting>, Vec<usize>) {
    let nterms = analysis.terms.len();
    let counts = analysis
        .docs
        .par_iter()
        .fold(
            || vec![0usize; nterms],
            |mut c, d| {
                for p in &d.full {
                    c[analysis.term(p.0) as usize] += 1;
                }
                c
            },
        )
        .reduce_with(|mut a, b| {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
            a
        })
        .unwrap_or_else(|| vec![0; nterms]);
    let mut starts = Vec::with_capacity(nterms + 1);
    starts.push(0);
    for c in counts {
        starts.push(starts[starts.len() - 1] + c);
    }
    let total = starts[nterms];
    // Filled in parallel: the first touch of fresh memory costs more than the filling.
    let mut postings: Vec<Posting> = (0..total).into_par_iter().map(|_| Posting { doc: 0, sec: 0, imp: 0 }).collect();
    // Each thread fills the postings of one range of terms, reading all documents.
    let parts = rayon::current_num_threads().clamp(1, 8);
    let mut bounds: Vec<usize> = (0..=parts).map(|k| starts.partition_point(|s| *s < total * k / parts)).collect();
    bounds[0] = 0;
    bounds[parts] = nterms;
    for k in 1..parts {
        bounds[k] = bounds[k].clamp(bounds[k - 1], nterms);
    }
    let mut slices: Vec<(usize, usize, &mut [Posting])> = Vec::with_capacity(parts);
    let mut rest: &mut [Posting] = &mut postings;
    for k in 0..parts {
        let (lo, hi) = (bounds[k], bounds[k + 1]);
        let (head, tail) = rest.split_at_mut(starts[hi] - starts[lo]);
        slices.push((lo, hi, head));
        rest = tail;
    }
    slices.into_par_iter().for_each(|(lo, hi, out)| {
        let base = starts[lo];
        let mut fill: Vec<usize> = starts[lo..hi].iter().map(|s| s - base).collect();
        for (doc, d) in analysis.docs.iter().enumerate() {
            for &(t, sec, imp) in &d.full {
                let t = analysis.term(t) as usize;
                if t >= lo && t < hi {
                    let at = &mut fill[t - lo];
                    out[*at] = Posting { doc: doc as u32, sec, imp };
                    *at += 1;
                }
            }
        }
    });
    (postings, starts)
}

/// The doc chunk files: [`CHUNK`] documents each (with memory, the last
/// build's file when the chunk shows the same), and each one's content hash
/// (only with memory).
fn chunk_files(
    docs: &[Doc<'_>],
    fragments: &[super::analysis::File],
    memory: Option<&Memory<'_>>,
) -> (Vec<(String, Bytes)>, Vec<Key>) {
    docs.par_chunks(CHUNK)
        .enumerate()
        .map(|(ci, chunk)| {
            let content = memory.map(|m| chunk_key(chunk, &m.keys[ci * CHUNK..], &fragments[ci * CHUNK..]));
            if let Some(file) = memory.zip(content).and_then(|(m, k)| m.chunk(&k)) {
                return (file.clone(), content.unwrap_or_default());
            }
            let size: usize = chunk.iter().map(|d| 256 + d.summary.len() + d.sections.len() * 64).sum();
            let (name, bytes) = encode::hashed_file_with("d", size, |out| {
                out.push('[');
                for (k, d) in chunk.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    chunk_entry(out, d, &fragments[ci * CHUNK + k].0);
                }
                out.push(']');
            });
            ((name, bytes.into()), content.unwrap_or_default())
        })
        .unzip()
}

/// Everything [`chunk_entry`] writes of `chunk`, hashed: the analysis key of
/// each document (id, title, summary, sections) and the rest of its entry.
fn chunk_key(chunk: &[Doc<'_>], keys: &[Key], fragments: &[super::analysis::File]) -> Key {
    let mut h = Parts::new();
    for ((d, key), fragment) in chunk.iter().zip(keys).zip(fragments) {
        h.add(key).add(d.url.as_bytes()).add(d.version.as_bytes()).add(fragment.0.as_bytes());
        h.add(&[d.kind_code() as u8, d.status_code().map_or(u8::MAX, |s| s as u8)]);
    }
    h.key()
}

/// The terms of a shard and the sizes of their postings, hashed.
fn items_key(items: &[Item<'_>]) -> Key {
    let mut h = Parts::new();
    for (term, len, _) in items {
        h.add(term.as_bytes()).add(&(*len as u64).to_le_bytes());
    }
    h.key()
}

/// What a build with memory leaves for the next, besides the index itself.
pub struct Leftover {
    /// The encoded length of each term's postings.
    pub sizes: Vec<usize>,
    pub shards: HashMap<String, (Key, (String, Bytes))>,
    pub chunks: HashMap<Key, (String, Bytes)>,
}

/// A document's entry in its chunk: `{"f":fragment,"h":[[anchor,title,level]…],
/// "i":id,"k":kind,"s":summary,"st":status,"t":title,"u":url,"v":version}`
/// (keys sorted, as serde_json writes them).
fn chunk_entry(out: &mut String, d: &Doc<'_>, fragment: &str) {
    use std::fmt::Write as _;
    out.push_str("{\"f\":");
    encode::push_string(out, fragment);
    out.push_str(",\"h\":[");
    for (i, s) in d.sections.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        encode::push_string(out, s.anchor.unwrap_or(""));
        out.push(',');
        encode::push_string(out, s.title);
        let _ = write!(out, ",{}]", s.level);
    }
    out.push_str("],\"i\":");
    encode::push_string(out, d.id);
    let _ = write!(out, ",\"k\":{},\"s\":", d.kind_code());
    encode::push_string(out, d.summary);
    let _ = write!(out, ",\"st\":{},\"t\":", d.status_code().map_or(-1, |x| x as i64));
    encode::push_string(out, d.title);
    out.push_str(",\"u\":");
    encode::push_string(out, d.url);
    out.push_str(",\"v\":");
    encode::push_string(out, d.version);
    out.push('}');
}

/// A term in a shard: the term, the length of its encoded postings, its index.
type Item<'a> = (&'a str, usize, usize);

/// How long [`push_postings`] of `p` is.
fn encoded_len(p: &[Posting]) -> usize {
    let mut n = 0;
    let mut prev = 0;
    for x in p {
        n += encode::num_len(u64::from(x.doc - prev))
            + encode::num_len(u64::from(x.sec))
            + encode::num_len(u64::from(x.imp));
        prev = x.doc;
    }
    n
}

/// `doc delta, section, impact` for each posting.
fn push_postings(s: &mut String, p: &[Posting]) {
    let mut prev = 0;
    for x in p {
        encode::push_num(s, u64::from(x.doc - prev));
        encode::push_num(s, u64::from(x.sec));
        encode::push_num(s, u64::from(x.imp));
        prev = x.doc;
    }
}

/// `{"t":[terms],"p":[postings]}`, written directly (postings are plain ASCII).
fn shard_payload<'p>(out: &mut String, items: &[Item<'_>], postings: impl Fn(usize) -> &'p [Posting]) {
    out.push_str("{\"t\":[");
    for (i, (t, _, _)) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        encode::push_string(out, t);
    }
    out.push_str("],\"p\":[");
    for (i, (_, _, k)) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        push_postings(out, postings(*k));
        out.push('"');
    }
    out.push_str("]}");
}

fn size(items: &[Item<'_>]) -> usize {
    items.iter().map(|(t, p, _)| t.len() + p + 6).sum()
}

/// Cut `items` (terms starting with `key`) into shards.
fn split<'a>(key: String, items: Vec<Item<'a>>, out: &mut Vec<(String, Vec<Item<'a>>)>) {
    if size(&items) <= SHARD_MAX {
        out.push((key, items));
        return;
    }
    let at = key.chars().count();
    let mut residual = Vec::new();
    let mut children: BTreeMap<char, Vec<Item<'a>>> = BTreeMap::new();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Kind, Status};
    use crate::search::Sec;
    use crate::search::analysis::DocTerms;
    use std::sync::Arc;

    #[test]
    fn chunk_entries_are_written_as_serde_json_writes_them() {
        let d = Doc {
            id: "sa-1",
            title: "Aftale om \"tolk\" – æøå",
            url: "aftaler/sa-1/index.html",
            summary: "Linje 1\r\nlinje 2\t😀",
            kind: Some(Kind::Agreement),
            status: Some(Status::Superseded),
            version: "2.0",
            sections: vec![
                Sec { level: 1, ..Default::default() },
                Sec { anchor: Some("svartid"), title: "Svartid", level: 2, text: "" },
            ],
            ..Default::default()
        };
        let heads: Vec<_> = d.sections.iter().map(|s| json!([s.anchor.unwrap_or(""), s.title, s.level])).collect();
        let want = json!({
            "t": d.title, "u": d.url, "v": d.version, "i": d.id, "s": d.summary,
            "k": d.kind_code(), "st": d.status_code().map_or(-1, |x| x as i64),
            "f": "f/0123456789.js", "h": heads,
        });
        let mut got = String::new();
        chunk_entry(&mut got, &d, "f/0123456789.js");
        assert_eq!(got, encode::json(&want));
        let none = Doc { status: None, ..d };
        got.clear();
        chunk_entry(&mut got, &none, "f/0123456789.js");
        assert!(got.contains("\"st\":-1,"), "{got}");
    }

    #[test]
    fn postings_are_grouped_by_term_in_document_order() {
        let doc = |full: Vec<(u32, u16, u8)>| Arc::new(DocTerms { full, quick: Vec::new(), title_terms: 0 });
        let analysis = Analysis {
            terms: ["a", "b", "c", "d"].map(String::from).to_vec(),
            docs: vec![
                doc(vec![(2, 0, 5), (0, 0, 1), (2, 1, 7)]),
                doc(vec![]),
                doc(vec![(3, 0, 2), (2, 0, 3), (0, 4, 9)]),
            ],
            rank: Vec::new(),
            fragments: Vec::new(),
        };
        let (postings, starts) = group_postings(&analysis);
        let p = |doc, sec, imp| Posting { doc, sec, imp };
        assert_eq!(starts, [0, 2, 2, 5, 6]);
        assert_eq!(postings, [p(0, 0, 1), p(2, 4, 9), p(0, 0, 5), p(0, 1, 7), p(2, 0, 3), p(2, 0, 2)]);
        let sizes: Vec<usize> = (0..4).map(|t| encoded_len(&postings[starts[t]..starts[t + 1]])).collect();
        for t in 0..4 {
            let mut s = String::new();
            push_postings(&mut s, &postings[starts[t]..starts[t + 1]]);
            assert_eq!(s.len(), sizes[t]);
        }
    }
}
