//! The link graph: who links to whom, from which section, and to which
//! heading. Built after every body is rendered; read by the page views and
//! by the checks.

use super::assemble::Site;
use crate::markdown::Rendered;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Links into one document from one other document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backlink {
    pub from: usize,
    /// Heading ids of the source sections that hold the links (empty id: before any heading).
    pub sections: BTreeSet<String>,
}

/// Incoming links of every document.
#[derive(Debug, Default)]
pub struct Graph {
    /// Per target document, the documents linking to it (by source order).
    pub backlinks: Vec<Vec<Backlink>>,
    /// Per target document, heading id → documents linking to that heading.
    pub heading_links: Vec<BTreeMap<String, BTreeSet<usize>>>,
}

impl Graph {
    pub fn build(site: &Site, rendered: &[Arc<Rendered>]) -> Graph {
        let n = site.docs.len();
        let mut back: Vec<BTreeMap<usize, BTreeSet<String>>> = vec![BTreeMap::new(); n];
        let mut heading_links = vec![BTreeMap::<String, BTreeSet<usize>>::new(); n];
        for (from, r) in rendered.iter().enumerate() {
            for link in r.links.iter().filter(|l| l.doc != from) {
                back[link.doc].entry(from).or_default().insert(link.from_section.clone().unwrap_or_default());
                if let Some(a) = &link.anchor {
                    heading_links[link.doc].entry(a.clone()).or_default().insert(from);
                }
            }
        }
        let backlinks = back
            .into_iter()
            .map(|m| m.into_iter().map(|(from, sections)| Backlink { from, sections }).collect())
            .collect();
        Graph { backlinks, heading_links }
    }

    /// Whether anything points at document `i`: a body link or a relation.
    pub fn is_reached(&self, site: &Site, i: usize) -> bool {
        let r = &site.relations;
        !self.backlinks[i].is_empty()
            || r.parent[i].is_some()
            || !r.children[i].is_empty()
            || !r.members[i].is_empty()
            || r.programme[i].is_some()
            || !r.superseded_by[i].is_empty()
            || r.supersedes[i].is_some()
            || r.related.iter().any(|rel| rel.contains(&i))
    }
}
