//! The full-text index of a rebuild made from the last one (`pactum serve`):
//! only the postings of terms that a changed document has (or had) are
//! grouped again, and only shards and doc chunks whose content changed are
//! encoded again. The result is the same as a build from scratch; the memo
//! tests (`tests/memo.rs`) compare the two after random edits.
//!
//! A document's postings depend on nothing but the document (impacts are
//! normalised to a fixed length), so a term none of the changed documents
//! has or had keeps its postings, as long as every other document kept its
//! place. When documents are added, removed or move, everything is grouped
//! again.

use super::analysis::Analysis;
use super::fulltext::{FullText, Leftover, Posting};
use crate::memo::Key;
use bytes::Bytes;
use std::collections::HashMap;

/// What one build of the index leaves for the next.
#[derive(Default)]
pub struct Last {
    /// The analysis key of each document, in order.
    keys: Vec<Key>,
    terms: Vec<String>,
    starts: Vec<usize>,
    postings: Vec<Posting>,
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
    pub postings: Vec<Posting>,
    pub starts: Vec<usize>,
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
        // Terms whose postings in the last build had a changed document.
        let mut was_dirty = vec![false; last.terms.len()];
        for (t, dirty) in was_dirty.iter_mut().enumerate() {
            *dirty = last.postings[last.starts[t]..last.starts[t + 1]].iter().any(|p| changed[p.doc as usize]);
        }
        // The changed documents' postings now, by term.
        let mut fresh: HashMap<u32, Vec<Posting>> = HashMap::new();
        for (doc, d) in analysis.docs.iter().enumerate().filter(|(doc, _)| changed[*doc]) {
            for &(t, sec, imp) in &d.full {
                fresh.entry(t).or_default().push(Posting { doc: doc as u32, sec, imp });
            }
        }
        let n = analysis.terms.len();
        let mut postings = Vec::with_capacity(last.postings.len());
        let mut starts = Vec::with_capacity(n + 1);
        let mut dirty = vec![false; n];
        let mut sized = vec![0; n];
        let mut j = 0;
        for (t, term) in analysis.terms.iter().enumerate() {
            starts.push(postings.len());
            while j < last.terms.len() && last.terms[j] < *term {
                j += 1;
            }
            let before = (j < last.terms.len() && last.terms[j] == *term).then_some(j);
            let now = fresh.get(&(t as u32));
            match before {
                Some(j) if !was_dirty[j] && now.is_none() => {
                    postings.extend_from_slice(&last.postings[last.starts[j]..last.starts[j + 1]]);
                    sized[t] = last.sized[j];
                }
                _ => {
                    dirty[t] = true;
                    let kept = before.map_or(&[][..], |j| &last.postings[last.starts[j]..last.starts[j + 1]]);
                    merge(
                        kept.iter().filter(|p| !changed[p.doc as usize]),
                        now.map_or(&[][..], Vec::as_slice),
                        &mut postings,
                    );
                }
            }
        }
        starts.push(postings.len());
        Some(Grouped { postings, starts, dirty: Some(dirty), sized })
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
    /// What this build leaves for the next one: the documents' analysis
    /// keys, the grouped postings taken out of `full` (which keeps only its
    /// files' names and facets), and what the build left over.
    pub fn new(keys: Vec<Key>, full: &mut FullText, left: Leftover) -> Last {
        use std::mem::take;
        Last {
            keys,
            terms: take(&mut full.terms),
            starts: take(&mut full.starts),
            postings: take(&mut full.postings),
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
        let ids = ["a", "b", "c", "d"];
        let labels = Labels::new("da");
        let memory = Remembered::default();
        // The key covers all the analysis reads: here, the id (also the title) and the text.
        let key = |id: &str, t: &str| *blake3::hash(format!("{id}\0{t}").as_bytes()).as_bytes();
        for texts in [before, after] {
            let docs: Vec<Doc<'_>> = ids.iter().zip(texts).map(|(id, t)| doc(id, t)).collect();
            let keys: Vec<Key> = ids.iter().zip(texts).map(|(id, t)| key(id, t)).collect();
            let again = build_with(&docs, &labels, Some((&memory, &keys)));
            assert_eq!(again.files, build(&docs, &labels).files, "after {texts:?}");
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
    fn merging_keeps_document_order_and_each_documents_own_order() {
        let p = |doc, sec| Posting { doc, sec, imp: 1 };
        let a = [p(0, 1), p(0, 0), p(3, 2), p(5, 0)];
        let b = [p(1, 4), p(1, 2), p(4, 0), p(9, 9)];
        let mut out = Vec::new();
        merge(a.iter(), &b, &mut out);
        assert_eq!(out, [p(0, 1), p(0, 0), p(1, 4), p(1, 2), p(3, 2), p(4, 0), p(5, 0), p(9, 9)]);
    }
}
