//! The link graph: who links to whom, from which section, and to which
//! heading. Built after every body is rendered; read by the page views and
//! by the checks.
//!
//! Two sorted lists of links, each cut per target document (offsets, as in a
//! compressed sparse row matrix), whose heading ids are borrowed from the
//! rendered bodies: one allocation per list instead of a map and a string per
//! link (50,000 links at 10,000 documents).

use super::assemble::Site;
use crate::markdown::Rendered;
use rayon::prelude::*;
use std::sync::Arc;

/// A link into a document: from whom, and the heading id of the source
/// section that holds it (empty: before any heading).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Back<'a> {
    to: u32,
    from: u32,
    section: &'a str,
}

/// A link to a heading of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Heading<'a> {
    to: u32,
    anchor: &'a str,
    from: u32,
}

/// Incoming links of every document.
#[derive(Debug, Default)]
pub struct Graph<'a> {
    /// Sorted by target, source, section; no repeats.
    back: Vec<Back<'a>>,
    /// Where each target's links start in `back` (one more than documents).
    back_at: Vec<usize>,
    /// Sorted by target, heading id, source; no repeats.
    heads: Vec<Heading<'a>>,
    heads_at: Vec<usize>,
}

/// The links into one document from one other document.
pub struct Backlink<'g> {
    pub from: usize,
    /// Heading ids of the source sections that hold the links, sorted, without repeats.
    sections: &'g [Back<'g>],
}

impl<'g> Backlink<'g> {
    pub fn sections(&self) -> impl Iterator<Item = &'g str> + use<'g> {
        self.sections.iter().map(|b| b.section)
    }
}

impl<'a> Graph<'a> {
    pub fn build(site: &Site, rendered: &'a [Arc<Rendered>]) -> Graph<'a> {
        let n = site.docs.len();
        let links = || {
            rendered
                .par_iter()
                .enumerate()
                .flat_map_iter(|(from, r)| r.links.iter().filter(move |l| l.doc != from).map(move |l| (from as u32, l)))
        };
        let mut back: Vec<Back<'a>> = links()
            .map(|(from, l)| Back { to: l.doc as u32, from, section: l.from_section.as_deref().unwrap_or("") })
            .collect();
        let mut heads: Vec<Heading<'a>> = links()
            .filter_map(|(from, l)| l.anchor.as_deref().map(|anchor| Heading { to: l.doc as u32, anchor, from }))
            .collect();
        back.par_sort_unstable();
        heads.par_sort_unstable();
        Graph::from_sorted(n, back, heads)
    }

    /// The graph of `n` documents from its two lists, sorted (repeats allowed).
    fn from_sorted(n: usize, mut back: Vec<Back<'a>>, mut heads: Vec<Heading<'a>>) -> Graph<'a> {
        back.dedup();
        heads.dedup();
        let back_at = offsets(n, back.iter().map(|b| b.to));
        let heads_at = offsets(n, heads.iter().map(|h| h.to));
        Graph { back, back_at, heads, heads_at }
    }

    /// The documents linking to document `i`, by source order, each with the
    /// sections its links sit in.
    pub fn backlinks(&self, i: usize) -> impl Iterator<Item = Backlink<'_>> {
        self.back[self.back_at[i]..self.back_at[i + 1]]
            .chunk_by(|a, b| a.from == b.from)
            .map(|sections| Backlink { from: sections[0].from as usize, sections })
    }

    /// The headings of document `i` that links point at, by id, each with the
    /// documents linking to it (by source order).
    pub fn heading_links(&self, i: usize) -> impl Iterator<Item = (&'a str, impl Iterator<Item = usize>)> {
        self.heads[self.heads_at[i]..self.heads_at[i + 1]]
            .chunk_by(|a, b| a.anchor == b.anchor)
            .map(|hs| (hs[0].anchor, hs.iter().map(|h| h.from as usize)))
    }

    /// The documents linking to heading `id` of document `i`, by source order.
    pub fn links_to_heading(&self, i: usize, id: &str) -> impl Iterator<Item = usize> {
        let all = &self.heads[self.heads_at[i]..self.heads_at[i + 1]];
        let start = all.partition_point(|h| h.anchor < id);
        all[start..].iter().take_while(move |h| h.anchor == id).map(|h| h.from as usize)
    }

    /// Whether anything points at document `i`: a body link or a relation.
    pub fn is_reached(&self, site: &Site, i: usize) -> bool {
        let r = &site.relations;
        self.back_at[i] != self.back_at[i + 1]
            || r.parent[i].is_some()
            || !r.children[i].is_empty()
            || !r.members[i].is_empty()
            || r.programme[i].is_some()
            || !r.superseded_by[i].is_empty()
            || r.supersedes[i].is_some()
            || r.related.iter().any(|rel| rel.contains(&i))
    }
}

/// Start offsets of each of `n` targets in a list sorted by target, and its end.
fn offsets(n: usize, targets: impl Iterator<Item = u32>) -> Vec<usize> {
    let mut at = vec![0; n + 1];
    for t in targets {
        at[t as usize + 1] += 1;
    }
    for i in 0..n {
        at[i + 1] += at[i];
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Per document: who links to it, from which sections.
    type Backs = Vec<(usize, usize, Vec<String>)>;
    /// Per document: which of its headings are linked to, by whom.
    type Heads = Vec<(usize, String, Vec<usize>)>;

    fn entries(g: &Graph<'_>, n: usize) -> (Backs, Heads) {
        let mut back = Vec::new();
        let mut heads = Vec::new();
        for i in 0..n {
            for b in g.backlinks(i) {
                back.push((i, b.from, b.sections().map(str::to_string).collect()));
            }
            for (id, from) in g.heading_links(i) {
                let from: Vec<usize> = from.collect();
                assert_eq!(g.links_to_heading(i, id).collect::<Vec<_>>(), from);
                heads.push((i, id.to_string(), from));
            }
        }
        (back, heads)
    }

    #[test]
    fn links_are_grouped_by_target_then_source_and_sections_are_sorted_once() {
        let back = vec![
            Back { to: 2, from: 0, section: "b" },
            Back { to: 0, from: 1, section: "" },
            Back { to: 2, from: 0, section: "a" },
            Back { to: 2, from: 0, section: "b" },
            Back { to: 2, from: 1, section: "" },
        ];
        let heads = vec![
            Heading { to: 2, anchor: "x", from: 1 },
            Heading { to: 2, anchor: "x", from: 0 },
            Heading { to: 0, anchor: "y", from: 1 },
            Heading { to: 2, anchor: "w", from: 1 },
        ];
        let (mut back, mut heads) = (back, heads);
        back.sort_unstable();
        heads.sort_unstable();
        let g = Graph::from_sorted(3, back, heads);
        let (back, heads) = entries(&g, 3);
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(back, vec![(0, 1, s(&[""])), (2, 0, s(&["a", "b"])), (2, 1, s(&[""]))]);
        assert_eq!(
            heads,
            vec![(0, "y".to_string(), vec![1]), (2, "w".to_string(), vec![1]), (2, "x".to_string(), vec![0, 1])]
        );
        assert_eq!(g.links_to_heading(2, "v").count(), 0);
        assert_eq!(g.links_to_heading(1, "x").count(), 0);
        assert_eq!(g.backlinks(1).count(), 0);
    }
}
