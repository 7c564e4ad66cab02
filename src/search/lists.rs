//! Postings grouped by term, in shared blocks: term `t`'s postings are one
//! range of one block. A build from scratch has one block; a rebuild in
//! `pactum serve` ([`super::regroup`]) shares the last build's blocks for the
//! terms whose postings stayed, and puts only the others in a new block, so
//! it copies no posting it did not change. Blocks are made one again when
//! less than half of what they hold is still in use.

use super::fulltext::Posting;
use std::sync::Arc;

/// Blocks beyond this many are made one again too.
const MAX_BLOCKS: usize = 32;

#[derive(Clone, Debug, Default)]
pub struct Lists {
    blocks: Vec<Arc<Vec<Posting>>>,
    /// Per term: block, start, length.
    at: Vec<(u32, u32, u32)>,
}

impl Lists {
    /// One block: term `t`'s postings are `postings[starts[t]..starts[t + 1]]`.
    pub fn new(postings: Vec<Posting>, starts: &[usize]) -> Lists {
        let at = starts.windows(2).map(|w| (0, w[0] as u32, (w[1] - w[0]) as u32)).collect();
        Lists { blocks: vec![Arc::new(postings)], at }
    }

    /// How many terms.
    pub fn len(&self) -> usize {
        self.at.len()
    }

    pub fn is_empty(&self) -> bool {
        self.at.is_empty()
    }

    /// The postings of term `t`.
    pub fn get(&self, t: usize) -> &[Posting] {
        let (b, start, len) = self.at[t];
        &self.blocks[b as usize][start as usize..(start + len) as usize]
    }

    /// Lists made term by term, each taken from `from` (by its term there) or new.
    pub fn builder(from: &Lists) -> Builder<'_> {
        Builder { from, fresh: Vec::new(), at: Vec::with_capacity(from.at.len()) }
    }
}

/// Lists in the making ([`Lists::builder`]).
pub struct Builder<'a> {
    from: &'a Lists,
    fresh: Vec<Posting>,
    at: Vec<(u32, u32, u32)>,
}

impl Builder<'_> {
    /// The next term's postings are those of term `t` of the lists built from.
    pub fn keep(&mut self, t: usize) {
        self.at.push(self.from.at[t]);
    }

    /// The next term's postings are new: `fill` appends them.
    pub fn fresh(&mut self, fill: impl FnOnce(&mut Vec<Posting>)) {
        let start = self.fresh.len();
        fill(&mut self.fresh);
        let block = self.from.blocks.len() as u32;
        self.at.push((block, start as u32, (self.fresh.len() - start) as u32));
    }

    pub fn finish(self) -> Lists {
        let mut blocks = self.from.blocks.clone();
        blocks.push(Arc::new(self.fresh));
        let lists = Lists { blocks, at: self.at };
        let live: usize = lists.at.iter().map(|a| a.2 as usize).sum();
        let held: usize = lists.blocks.iter().map(|b| b.len()).sum();
        if held > 2 * live || lists.blocks.len() > MAX_BLOCKS { lists.compacted(live) } else { lists }
    }
}

impl Lists {
    /// The same lists in one block.
    fn compacted(&self, live: usize) -> Lists {
        let mut postings = Vec::with_capacity(live);
        let mut starts = Vec::with_capacity(self.at.len() + 1);
        for t in 0..self.at.len() {
            starts.push(postings.len());
            postings.extend_from_slice(self.get(t));
        }
        starts.push(postings.len());
        Lists::new(postings, &starts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(doc: u32) -> Posting {
        Posting { doc, sec: 0, imp: 1 }
    }

    fn all(l: &Lists) -> Vec<Vec<u32>> {
        (0..l.len()).map(|t| l.get(t).iter().map(|x| x.doc).collect()).collect()
    }

    #[test]
    fn kept_lists_are_shared_and_fresh_ones_added() {
        let first = Lists::new(vec![p(0), p(1), p(2), p(3)], &[0, 2, 2, 4]);
        assert_eq!(all(&first), [vec![0, 1], vec![], vec![2, 3]]);
        let mut b = Lists::builder(&first);
        b.keep(0);
        b.fresh(|out| out.push(p(7)));
        b.keep(2);
        let second = b.finish();
        assert_eq!(all(&second), [vec![0, 1], vec![7], vec![2, 3]]);
        // Nothing was copied: the first block is shared.
        assert_eq!(second.blocks.len(), 2);
        assert!(Arc::ptr_eq(&first.blocks[0], &second.blocks[0]));
    }

    #[test]
    fn blocks_mostly_unused_are_made_one() {
        let first = Lists::new((0..10).map(p).collect(), &[0, 8, 10]);
        let mut b = Lists::builder(&first);
        b.fresh(|out| out.push(p(20)));
        b.keep(1);
        let second = b.finish();
        // 3 postings in use of 11 held: compacted.
        assert_eq!(all(&second), [vec![20], vec![8, 9]]);
        assert_eq!(second.blocks.len(), 1);
        assert_eq!(second.blocks[0].len(), 3);
    }
}
