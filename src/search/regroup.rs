//! The full-text index of a rebuild made from the last one (`pactum serve`):
//! only the postings of terms whose postings in a changed document differ
//! from the last build's are grouped again, and only shards and doc chunks
//! whose content changed are encoded again. The result is the same as a
//! build from scratch; the memo tests (`tests/memo.rs`) compare the two after
//! random edits.
//!
//! A document's postings depend on nothing but the document (impacts are
//! normalised to a fixed section length), so a term keeps its postings when
//! every changed document has the same postings for it as before (an edit
//! to one section leaves the terms of the others as they were), as long as
//! every other document kept its place. When documents are added, removed or
//! move, everything is grouped again.

use super::analysis::{Analysis, DocTerms};
use super::fulltext::{FullText, Leftover, Posting};
use super::lists::Lists;
use crate::memo::Key;
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What one build of the index leaves for the next.
#[derive(Default)]
pub struct Last {
    /// The analysis key of each document, in order.
    keys: Vec<Key>,
    /// The analysis of each document, with the remembered table's term ids.
    docs: Vec<Arc<DocTerms>>,
    terms: Vec<String>,
    lists: Lists,
    /// Encoded length of each term's postings.
    sized: Vec<usize>,
    /// Shard files by prefix, with the hash of the terms and sizes they hold.
    shards: HashMap<String, (Key, (String, Bytes))>,
    /// Doc chunk files by the hash of what they show.
    chunks: HashMap<Key, (String, Bytes)>,
}

/// The postings of a build, grouped by term, and which terms' postings may
/// differ from the last build's.
pub struct Grouped {
    pub lists: Lists,
    /// Per term: its postings are new, or it is new. `None`: all are.
    pub dirty: Option<Vec<bool>>,
    /// The encoded length of each clean term's postings, as the last build had it (0 for dirty ones).
    pub sized: Vec<usize>,
}

/// Everything of the last build a rebuild may take, with this build's keys.
pub struct Memory<'a> {
    pub last: &'a Last,
    pub keys: &'a [Key],
}

impl Memory<'_> {
    /// The documents whose analysis changed since the last build, if every
    /// document kept its place (else nothing can be taken from it).
    fn changed(&self) -> Option<Vec<bool>> {
        (self.keys.len() == self.last.keys.len() && !self.last.terms.is_empty())
            .then(|| self.keys.iter().zip(&self.last.keys).map(|(a, b)| a != b).collect())
    }

    /// Group the postings of `analysis` by term, taking clean terms' postings from the last build.
    pub fn regroup(&self, analysis: &Analysis) -> Option<Grouped> {
        let changed = self.changed()?;
        let last = self.last;
        // The changed documents' postings in the last build and now, by term
        // id (ids of the remembered table, the same in both builds).
        let by_id = |docs: &[Arc<DocTerms>]| {
            let mut m: HashMap<u32, Vec<Posting>> = HashMap::new();
            for (doc, d) in docs.iter().enumerate().filter(|(doc, _)| changed[*doc]) {
                for &(t, sec, imp) in &d.full {
                    m.entry(t).or_default().push(Posting { doc: doc as u32, sec, imp });
                }
            }
            m
        };
        let (then, now) = (by_id(&last.docs), by_id(&analysis.docs));
        // Terms (by index in `analysis.terms`) whose postings in changed
        // documents differ from the last build's, and those postings now.
        let mut dirty: HashSet<u32> = then
            .iter()
            .filter(|(t, list)| now.get(t) != Some(list))
            .map(|(t, _)| analysis.term(*t))
            .filter(|t| *t != u32::MAX)
            .collect();
        let mut fresh: HashMap<u32, Vec<Posting>> = HashMap::with_capacity(now.len());
        for (t, list) in now {
            let term = analysis.term(t);
            if then.get(&t) != Some(&list) {
                dirty.insert(term);
            }
            fresh.insert(term, list);
        }
        // Per term: its place in the last build, and whether its postings are as they were.
        let mut plan: Vec<(Option<usize>, bool)> = Vec::with_capacity(analysis.terms.len());
        let mut j = 0;
        for (t, term) in analysis.terms.iter().enumerate() {
            while j < last.terms.len() && last.terms[j] < *term {
                j += 1;
            }
            let before = (j < last.terms.len() && last.terms[j] == *term).then_some(j);
            plan.push((before, before.is_some() && !dirty.contains(&(t as u32))));
        }
        // Each term's postings: the last build's, or those of unchanged documents merged with the fresh ones.
        // Each term's postings: the last build's (shared, not copied), or
        // those of unchanged documents merged with the fresh ones.
        let mut lists = Lists::builder(&last.lists);
        for (t, &(before, clean)) in plan.iter().enumerate() {
            match before {
                Some(j) if clean => lists.keep(j),
                _ => lists.fresh(|out| {
                    let kept = before.map_or(&[][..], |j| last.lists.get(j));
                    let now = fresh.get(&(t as u32)).map_or(&[][..], Vec::as_slice);
                    merge(kept.iter().filter(|p| !changed[p.doc as usize]), now, out);
                }),
            }
        }
        let dirty = plan.iter().map(|&(_, clean)| !clean).collect();
        let sized =
            plan.iter().map(|&(before, clean)| if clean { before.map_or(0, |j| last.sized[j]) } else { 0 }).collect();
        Some(Grouped { lists: lists.finish(), dirty: Some(dirty), sized })
    }

    /// The last build's shard file for `prefix`, if it held exactly `items` (by hash) and none is dirty.
    pub fn shard(&self, prefix: &str, items: &Key) -> Option<&(String, Bytes)> {
        self.last.shards.get(prefix).filter(|(k, _)| k == items).map(|(_, f)| f)
    }

    /// The last build's doc chunk file with this content hash.
    pub fn chunk(&self, key: &Key) -> Option<&(String, Bytes)> {
        self.last.chunks.get(key)
    }
}

/// Postings of two disjoint sets of documents, each in document order, merged
/// in document order (a document's own postings stay in their order).
fn merge<'p>(mut a: impl Iterator<Item = &'p Posting>, b: &[Posting], out: &mut Vec<Posting>) {
    let mut next = a.next();
    let mut i = 0;
    while let Some(p) = next {
        while i < b.len() && b[i].doc < p.doc {
            out.push(b[i]);
            i += 1;
        }
        out.push(*p);
        next = a.next();
    }
    out.extend_from_slice(&b[i..]);
}

impl Last {
    /// The analysis key and the analysis of each document of the last build.
    pub fn analysed(&self) -> (&[Key], &[Arc<DocTerms>]) {
        (&self.keys, &self.docs)
    }

    /// What this build leaves for the next one: the documents' analysis
    /// keys and analyses, the grouped postings taken out of `full` (which keeps only its
    /// files' names and facets), and what the build left over.
    pub fn new(keys: Vec<Key>, docs: Vec<Arc<DocTerms>>, full: &mut FullText, left: Leftover) -> Last {
        use std::mem::take;
        Last {
            keys,
            docs,
            terms: take(&mut full.terms),
            lists: take(&mut full.lists),
            sized: left.sizes,
            shards: left.shards,
            chunks: left.chunks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analysis::Remembered;
    use crate::search::{Doc, Labels, Sec, build, build_with};

    fn doc<'a>(id: &'a str, text: &'a str) -> Doc<'a> {
        Doc {
            id,
            title: id,
            url: id,
            sections: vec![Sec { level: 1, text, ..Default::default() }],
            ..Default::default()
        }
    }

    /// A rebuild from memory after `texts` change, against a build from scratch.
    fn rebuilt_equals_fresh(before: &[&str], after: &[&str]) {
        let names: Vec<String> = (0..before.len().max(after.len())).map(|i| format!("d{i}")).collect();
        let ids: Vec<&str> = names.iter().map(String::as_str).collect();
        let labels = Labels::new("da");
        let memory = Remembered::default();
        // The key covers all the analysis reads: here, the id (also the title) and the text.
        let key = |id: &str, t: &str| *blake3::hash(format!("{id}\0{t}").as_bytes()).as_bytes();
        for texts in [before, after] {
            let docs: Vec<Doc<'_>> = ids.iter().zip(texts).map(|(id, t)| doc(id, t)).collect();
            let keys: Vec<Key> = ids.iter().zip(texts).map(|(id, t)| key(id, t)).collect();
            let again = build_with(&docs, &labels, Some((&memory, &keys)));
            assert_eq!(again, build(&docs, &labels), "after {texts:?}");
        }
    }

    #[test]
    fn a_rebuild_from_the_last_index_equals_a_fresh_one() {
        let before = ["hjerte lunge nyre", "hjerte nyre", "lever", "hjerte"];
        // An impact changes while the encoded size stays: the term is dirty all the same.
        rebuilt_equals_fresh(&before, &["hjerte lunge nyre", "hjerte hjerte nyre", "lever", "hjerte"]);
        // A term goes, a new one comes, two documents change.
        rebuilt_equals_fresh(&before, &["hjerte nyre", "hjerte nyre", "lever milt", "hjerte"]);
        // A document is added: nothing is taken from the last build.
        rebuilt_equals_fresh(&before[..3], &before);
    }

    #[test]
    fn a_rebuild_of_many_documents_equals_a_fresh_one() {
        // Enough terms and postings that the regrouping is split over several parts.
        let words = ["hjerte", "lunge", "nyre", "lever", "milt", "kol", "demens", "sambo", "epikrise", "svartid"];
        let text = |i: usize, salt: usize| -> String {
            (0..40)
                .map(|k| format!("{}{}", words[(i * 7 + k * 3 + salt) % words.len()], (i + k * salt) % 50))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let before: Vec<String> = (0..300).map(|i| text(i, 1)).collect();
        let mut after = before.clone();
        for i in [0, 17, 150, 299] {
            after[i] = text(i, 2);
        }
        let (b, a): (Vec<&str>, Vec<&str>) =
            (before.iter().map(String::as_str).collect(), after.iter().map(String::as_str).collect());
        rebuilt_equals_fresh(&b, &a);
    }

    #[test]
    fn only_terms_whose_postings_changed_are_dirty() {
        let labels = Labels::new("da");
        let memory = Remembered::default();
        let two = |id: &'static str, first: &'static str, second: &'static str| Doc {
            id,
            title: id,
            url: id,
            sections: vec![
                Sec { level: 1, text: first, ..Default::default() },
                Sec { anchor: Some("b"), title: "", level: 2, text: second },
            ],
            ..Default::default()
        };
        let key = |d: &Doc<'_>| {
            *blake3::hash(d.sections.iter().map(|s| s.text).collect::<Vec<_>>().join("\0").as_bytes()).as_bytes()
        };
        let before = [two("d0", "hjerte lunge", "nyre"), two("d1", "hjerte", "lever")];
        let keys: Vec<Key> = before.iter().map(key).collect();
        build_with(&before, &labels, Some((&memory, &keys)));
        // Only the second section of d0 changes: its terms are dirty, those of the first are not.
        let after = [two("d0", "hjerte lunge", "nyre milt"), two("d1", "hjerte", "lever")];
        let keys: Vec<Key> = after.iter().map(key).collect();
        let analysis = crate::search::analysis::analyse(&after, Some((&memory, &keys)));
        let last = memory.last.lock().unwrap();
        let grouped = Memory { last: &last, keys: &keys }.regroup(&analysis).expect("every document kept its place");
        let dirty: Vec<&str> = analysis
            .terms
            .iter()
            .zip(grouped.dirty.expect("a regrouping says which terms are dirty"))
            .filter(|(_, d)| *d)
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(dirty, ["milt", "nyr"]);
    }

    #[test]
    fn merging_keeps_document_order_and_each_documents_own_order() {
        let p = |doc, sec| Posting { doc, sec, imp: 1 };
        let a = [p(0, 1), p(0, 0), p(3, 2), p(5, 0)];
        let b = [p(1, 4), p(1, 2), p(4, 0), p(9, 9)];
        let mut out = Vec::new();
        merge(a.iter(), &b, &mut out);
        assert_eq!(out, [p(0, 1), p(0, 0), p(1, 4), p(1, 2), p(3, 2), p(4, 0), p(5, 0), p(9, 9)]);
    }
}
