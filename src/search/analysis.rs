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
use crate::memo::{Key, Memo};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, Mutex, PoisonError};

/// One document analysed. Terms are indexes into [`Analysis::terms`].
#[derive(Clone)]
pub struct DocTerms {
    /// Full-text postings `(term, section, impact)`, by section.
    pub full: Vec<(u32, u16, u8)>,
    /// Quick-find postings `(term, field code)`, sorted, distinct.
    pub quick: Vec<(u32, u32)>,
    /// How many terms the title has (repeats included).
    pub title_terms: usize,
}

impl DocTerms {
    /// Replace every term id `t` by `map[t]`.
    fn renumber(&mut self, map: &[u32]) {
        for p in &mut self.full {
            p.0 = map[p.0 as usize];
        }
        for p in &mut self.quick {
            p.0 = map[p.0 as usize];
        }
        self.quick.sort_unstable();
        self.quick.dedup();
    }
}

/// An output file: path under `soeg/`, bytes.
pub type File = (String, bytes::Bytes);

/// Every document analysed.
pub struct Analysis {
    /// Every term of every document, sorted.
    pub terms: Vec<String>,
    /// In document order. Their term ids are indexes into `terms` through
    /// [`Analysis::term`].
    pub docs: Vec<Arc<DocTerms>>,
    /// The index into `terms` of each term id of `docs`; empty when the ids
    /// are those indexes. A rebuild in `pactum serve` keeps the ids of the
    /// table it remembers, so the documents it did not analyse again are
    /// not renumbered.
    pub rank: Vec<u32>,
    /// Each document's fragment file: `(path under soeg/, bytes)`.
    pub fragments: Vec<File>,
}

impl Analysis {
    /// The index into [`Analysis::terms`] of the term id `t` of a document.
    #[inline]
    pub fn term(&self, t: u32) -> u32 {
        if self.rank.is_empty() { t } else { self.rank[t as usize] }
    }
}

/// Documents analysed by earlier builds of one process (`pactum serve`), so
/// that a rebuild analyses only the documents that changed. Their term ids
/// are those of one table that only grows while the process runs.
#[derive(Default)]
pub struct Remembered {
    table: Mutex<Table>,
    docs: Memo<(Arc<DocTerms>, File)>,
    /// The full-text index of the last build, for [`super::regroup`].
    pub last: Mutex<super::regroup::Last>,
}

impl Remembered {
    /// Forget documents this build did not use (see [`Memo::finish_build`]); how many were reused.
    pub fn finish_build(&self, succeeded: bool) -> usize {
        self.docs.finish_build(succeeded)
    }
}

/// Terms by id, and ids by term; and which are in use, kept up to date
/// from build to build.
#[derive(Default)]
struct Table {
    ids: FxHashMap<Arc<str>, u32>,
    terms: Vec<Arc<str>>,
    /// Postings (full text and quick find) of the last build's documents
    /// (`regroup::Last`), by term id.
    uses: Vec<u32>,
    /// The ids in use, in term order, and the place of each there (or `u32::MAX`).
    order: Vec<u32>,
    rank: Vec<u32>,
}

impl Table {
    fn id(&mut self, t: &Arc<str>) -> u32 {
        if let Some(id) = self.ids.get(t) {
            return *id;
        }
        self.terms.push(Arc::clone(t));
        self.ids.insert(Arc::clone(t), (self.terms.len() - 1) as u32);
        (self.terms.len() - 1) as u32
    }
}

/// A document as the parallel pass left it.
enum Pass {
    /// Remembered, with ids of the remembered table.
    Known((Arc<DocTerms>, File)),
    /// Analysed now by the analyzer of slot `.0`, with its ids; `.3` is the key to remember it by.
    New(usize, DocTerms, File, Option<Key>),
}

/// Analyse `docs` in parallel. With `memory` (and a key per document: the
/// hash of everything [`doc_terms`] and [`fragment`] read of it), documents
/// analysed by an earlier build under the same key are not analysed again.
pub fn analyse(docs: &[Doc<'_>], memory: Option<(&Remembered, &[Key])>) -> Analysis {
    // One analyzer per thread; the last slot is for a caller outside the pool.
    let slots: Vec<Mutex<Work>> = (0..=rayon::current_num_threads()).map(|_| Mutex::default()).collect();
    let passed: Vec<Pass> = docs
        .par_iter()
        .enumerate()
        .map(|(i, d)| {
            let key = memory.map(|(m, keys)| (m, keys[i]));
            if let Some(known) = key.and_then(|(m, k)| m.docs.get(&k)) {
                return Pass::Known(known);
            }
            let slot = rayon::current_thread_index().map_or(slots.len() - 1, |i| i.min(slots.len() - 1));
            let terms = doc_terms(&mut slots[slot].lock().unwrap_or_else(PoisonError::into_inner), d);
            Pass::New(slot, terms, fragment(d), key.map(|(_, k)| k))
        })
        .collect();
    let analyzers: Vec<Analyzer> =
        slots.into_iter().map(|m| m.into_inner().unwrap_or_else(PoisonError::into_inner).an).collect();
    match memory {
        None => number_fresh(passed, &analyzers),
        Some((m, keys)) => number_remembered(passed, &analyzers, m, keys),
    }
}

/// One numbering by sorted term for documents analysed now, without a
/// table: every term an analyzer met is in a document it analysed.
fn number_fresh(passed: Vec<Pass>, analyzers: &[Analyzer]) -> Analysis {
    let mut all: Vec<(&str, u32, u32)> = analyzers
        .iter()
        .enumerate()
        .flat_map(|(slot, an)| (0..an.len() as u32).map(move |id| (&**an.term(id), slot as u32, id)))
        .collect();
    all.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut maps: Vec<Vec<u32>> = analyzers.iter().map(|an| vec![0; an.len()]).collect();
    let mut terms: Vec<String> = Vec::new();
    for (term, slot, id) in all {
        if terms.last().is_none_or(|t| t != term) {
            terms.push(term.to_string());
        }
        maps[slot as usize][id as usize] = (terms.len() - 1) as u32;
    }
    let (docs, fragments) = passed
        .into_par_iter()
        .map(|p| match p {
            Pass::New(slot, mut terms, file, _) => {
                terms.renumber(&maps[slot]);
                (Arc::new(terms), file)
            }
            Pass::Known(k) => k,
        })
        .unzip();
    Analysis { terms, docs, rank: Vec::new(), fragments }
}

/// The numbering of a rebuild in `pactum serve`: documents keep the ids of
/// the remembered table, which takes the new terms, and `rank` sorts them.
/// The terms in use and their order are updated from the documents that
/// changed, not counted and sorted again.
fn number_remembered(passed: Vec<Pass>, analyzers: &[Analyzer], m: &Remembered, keys: &[Key]) -> Analysis {
    let mut table = m.table.lock().unwrap_or_else(PoisonError::into_inner);
    let to_table: Vec<Vec<u32>> =
        analyzers.iter().map(|an| (0..an.len() as u32).map(|id| table.id(an.term(id))).collect()).collect();
    let (docs, fragments): (Vec<Arc<DocTerms>>, Vec<File>) = passed
        .into_par_iter()
        .map(|p| match p {
            Pass::New(slot, mut terms, file, key) => {
                terms.renumber(&to_table[slot]);
                let known = (Arc::new(terms), file);
                if let Some(key) = key {
                    m.docs.put(key, known.clone());
                }
                known
            }
            Pass::Known(k) => k,
        })
        .unzip();
    // The last build's documents are those `regroup::Last` keeps.
    table.count(m.last.lock().unwrap_or_else(PoisonError::into_inner).analysed(), (keys, &docs));
    let terms: Vec<String> = table.order.iter().map(|t| table.terms[*t as usize].to_string()).collect();
    let rank = table.rank.clone();
    drop(table);
    Analysis { terms, docs, rank, fragments }
}

/// Every term id of the postings of `d`, repeats included.
fn term_ids(d: &DocTerms) -> impl Iterator<Item = u32> + '_ {
    d.full.iter().map(|p| p.0).chain(d.quick.iter().map(|p| p.0))
}

impl Table {
    /// Count the postings of the documents `now` instead of those `before`
    /// (each as keys and analyses), and bring `order` and `rank` up to date:
    /// only documents that came or went are counted, and only terms that
    /// came into use or went out of it move.
    fn count(&mut self, before: (&[Key], &[Arc<DocTerms>]), now: (&[Key], &[Arc<DocTerms>])) {
        self.uses.resize(self.terms.len(), 0);
        self.rank.resize(self.terms.len(), u32::MAX);
        let had: FxHashSet<Key> = before.0.iter().copied().collect();
        let has: FxHashSet<Key> = now.0.iter().copied().collect();
        let mut moved: Vec<u32> = Vec::new();
        for (key, d) in before.0.iter().zip(before.1) {
            if !has.contains(key) {
                for t in term_ids(d) {
                    self.uses[t as usize] -= 1;
                    if self.uses[t as usize] == 0 {
                        moved.push(t);
                    }
                }
            }
        }
        for (key, d) in now.0.iter().zip(now.1) {
            if !had.contains(key) {
                for t in term_ids(d) {
                    if self.uses[t as usize] == 0 {
                        moved.push(t);
                    }
                    self.uses[t as usize] += 1;
                }
            }
        }
        if moved.is_empty() {
            return;
        }
        // Terms that went out of use leave the order; those that came into
        // use (and were not in it) are sorted and merged in.
        let Table { terms, uses, order, rank, .. } = self;
        let mut new: Vec<u32> =
            moved.into_iter().filter(|t| uses[*t as usize] > 0 && rank[*t as usize] == u32::MAX).collect();
        new.sort_unstable_by(|a, b| terms[*a as usize].cmp(&terms[*b as usize]));
        new.dedup();
        order.retain(|t| uses[*t as usize] > 0);
        let mut merged = Vec::with_capacity(order.len() + new.len());
        let mut new = new.into_iter().peekable();
        for &t in order.iter() {
            while let Some(&n) = new.peek().filter(|n| terms[**n as usize] < terms[t as usize]) {
                merged.push(n);
                new.next();
            }
            merged.push(t);
        }
        merged.extend(new);
        *order = merged;
        rank.fill(u32::MAX);
        for (r, t) in order.iter().enumerate() {
            rank[*t as usize] = r as u32;
        }
    }
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
    let (path, bytes) =
        encode::hashed_file_with("f", size, |out| encode::push_strings(out, d.sections.iter().map(|s| s.text)));
    (path, bytes.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memo::Parts;

    fn doc(terms: &[u32]) -> Arc<DocTerms> {
        Arc::new(DocTerms { full: terms.iter().map(|t| (*t, 0, 1)).collect(), quick: Vec::new(), title_terms: 0 })
    }

    fn key(n: u8) -> Key {
        Parts::new().add(&[n]).key()
    }

    #[test]
    fn the_terms_in_use_follow_the_documents_that_came_and_went() {
        let mut table = Table::default();
        for t in ["kol", "apopleksi", "demens", "borger", "epikrise", "zone"] {
            table.id(&Arc::from(t));
        }
        // The order of the terms in use is the sorted order, after any sequence of builds.
        let check = |table: &Table, docs: &[&[u32]]| {
            let mut want: Vec<u32> = docs.iter().flat_map(|d| d.iter().copied()).collect();
            want.sort_by(|a, b| table.terms[*a as usize].cmp(&table.terms[*b as usize]));
            want.dedup();
            assert_eq!(table.order, want);
            for (r, t) in want.iter().enumerate() {
                assert_eq!(table.rank[*t as usize], r as u32);
            }
            let unused = (0..table.terms.len() as u32).filter(|t| !want.contains(t));
            assert!(unused.into_iter().all(|t| table.rank[t as usize] == u32::MAX));
        };
        let builds: [&[(u8, &[u32])]; 5] = [
            &[(1, &[0, 1]), (2, &[1, 2, 2])],
            &[(1, &[0, 1]), (2, &[1, 2, 2])],         // nothing changed
            &[(1, &[0, 1]), (3, &[2, 3]), (4, &[5])], // 2 changed, one added
            &[(3, &[2, 3]), (4, &[5]), (5, &[0, 4])], // 1 gone, 0 back by another
            &[(6, &[6])],                             // a term the table met after the first build
        ];
        let (mut keys, mut docs): (Vec<Key>, Vec<Arc<DocTerms>>) = (Vec::new(), Vec::new());
        for build in builds {
            if build.iter().any(|(_, d)| d.contains(&6)) {
                table.id(&Arc::from("aaa"));
            }
            let now_keys: Vec<Key> = build.iter().map(|(k, _)| key(*k)).collect();
            let now_docs: Vec<Arc<DocTerms>> = build.iter().map(|(_, d)| doc(d)).collect();
            table.count((&keys, &docs), (&now_keys, &now_docs));
            check(&table, &build.iter().map(|(_, d)| *d).collect::<Vec<_>>());
            (keys, docs) = (now_keys, now_docs);
        }
    }
}
