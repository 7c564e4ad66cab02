//! Page traces for `pactum serve`: what each page read while its template
//! context was built, so that the next build can tell whether the page is
//! still right without building the context again.
//!
//! The views record a [`Read`] wherever they take something from the site
//! ([`read`]); reads go to a per-thread list that is on only while one page
//! is being made ([`recording`]). A trace stores each read under a name that
//! survives a rebuild (a document by its URL, not its index) with the
//! fingerprint the piece had in that build. A page is taken from its trace
//! when every piece it read has the same fingerprint in this build and the
//! salt (settings, shared variables, configuration, the day) is the same.
//!
//! Debug builds, and so the tests, make a traced page again anyway and check
//! that the bytes are equal: a read that is not recorded fails a test
//! (`tests/memo.rs`) instead of serving a stale page.

use super::assemble::Site;
use super::graph::Graph;
use super::render::Facet;
use super::versions::OldBody;
use crate::content::Kind;
use crate::history::DocHistory;
use crate::markdown::Rendered;
use crate::memo::{Key, Memo, Parts};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

/// A piece of the site a page read; `D` names a document (its index while
/// recording, its URL in a stored trace).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read<D> {
    /// A document's path and front matter, and so its URL, id, title, kind, status and dates.
    Meta(D),
    /// A document's rendered body: its HTML, headings and section text.
    Body(D),
    /// What the rest of the site says about a document: its relations as
    /// resolved, the links into it, and its published versions with their texts.
    Around(D),
    /// Which documents are of a kind, in site order.
    Kind(Kind),
    /// Which documents are in one tag or organisation group (by slug).
    Group(Facet, String),
    /// Which documents there are, in site order.
    All,
    /// Every tag and organisation group: name, URL and size.
    Groups,
    /// The name and URL of one tag or organisation group (by slug), or that there is none.
    Name(Facet, String),
    /// The layout files a template is made of ([`super::layout_deps`]).
    Template(String),
    /// Which letters the A–Å list has ([`crate::search::az`]).
    Letters,
    /// Which documents are listed under one letter of the A–Å list.
    Letter(String),
}

impl<D> Read<D> {
    /// The same read with its document named by `name`.
    fn map_doc<E>(&self, name: impl FnOnce(&D) -> E) -> Read<E> {
        match self {
            Read::Meta(d) => Read::Meta(name(d)),
            Read::Body(d) => Read::Body(name(d)),
            Read::Around(d) => Read::Around(name(d)),
            Read::Kind(k) => Read::Kind(*k),
            Read::Group(f, s) => Read::Group(*f, s.clone()),
            Read::All => Read::All,
            Read::Groups => Read::Groups,
            Read::Name(f, s) => Read::Name(*f, s.clone()),
            Read::Template(t) => Read::Template(t.clone()),
            Read::Letters => Read::Letters,
            Read::Letter(l) => Read::Letter(l.clone()),
        }
    }
}

thread_local! {
    static READS: RefCell<Option<Vec<Read<usize>>>> = const { RefCell::new(None) };
}

/// Note that the page being made read `r` (nothing happens when no page is recorded).
pub fn read(r: Read<usize>) {
    READS.with(|reads| {
        if let Some(reads) = reads.borrow_mut().as_mut() {
            reads.push(r);
        }
    });
}

/// Run `make`, returning what it read.
pub fn recording<T>(make: impl FnOnce() -> T) -> (T, Vec<Read<usize>>) {
    let outer = READS.with(|reads| reads.replace(Some(Vec::new())));
    let value = make();
    let mut reads = READS.with(|reads| reads.replace(outer)).unwrap_or_default();
    reads.sort_unstable();
    reads.dedup();
    (value, reads)
}

/// A finished page with what it read (its documents by [`Names`] number)
/// and the fingerprints they had.
pub struct Trace {
    reads: Vec<(Read<u32>, Key)>,
    pub page: bytes::Bytes,
}

/// A number for each document URL a `serve` process has seen, kept between
/// builds: traces name documents by it, and checking a trace looks the
/// number up in a list instead of a URL in a map.
#[derive(Default)]
pub struct Names(std::sync::Mutex<FxHashMap<Box<str>, u32>>);

impl Names {
    /// The number of each URL, given one if it has none.
    fn numbers<'u>(&self, urls: impl Iterator<Item = &'u str>) -> Vec<u32> {
        let mut names = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        urls.map(|url| match names.get(url) {
            Some(&n) => n,
            None => {
                let n = names.len() as u32;
                names.insert(url.into(), n);
                n
            }
        })
        .collect()
    }
}

/// The fingerprint of every piece of one build, made only when there is a memo.
pub struct Fingerprints<'a> {
    site: &'a Site,
    /// Each document's URL by its [`Names`] number, and for each number the
    /// document that has that URL now (`u32::MAX`: none).
    names: Vec<u32>,
    doc_named: Vec<u32>,
    meta: Vec<Key>,
    body: Vec<Key>,
    around: Vec<Key>,
    groups: Key,
    /// Per facet (tags, organisations), per group slug: the fingerprint of
    /// its name and URL, and (made when first asked) of its members.
    named: [FxHashMap<&'a str, (Key, OnceLock<Key>)>; 2],
    /// Members of each kind (in `Kind::ALL` order) and of the site, made when first asked.
    kinds: [OnceLock<Key>; Kind::ALL.len()],
    all: OnceLock<Key>,
    /// The A–Å list's letters, and the members of each, made when first asked.
    az: OnceLock<(Key, FxHashMap<String, Key>)>,
    templates: &'a std::collections::HashMap<String, Key>,
    /// Salt of every trace key: settings, shared variables, configuration, the day.
    salt: blake3::Hash,
}

/// The fingerprint of a rendered body: everything a page may show of it.
pub fn body_fingerprint(r: &Rendered) -> Key {
    let mut h = Parts::new();
    h.add(r.html.as_bytes());
    for t in &r.toc {
        h.add(&[t.level]).add(t.id.as_bytes()).add(t.title.as_bytes());
    }
    for s in r.sections.iter() {
        h.add(s.id.as_deref().unwrap_or("\0").as_bytes()).add(s.title.as_bytes()).add(s.text.as_bytes());
    }
    h.key()
}

/// What the views read besides the site, for [`Fingerprints::new`].
pub struct Inputs<'a> {
    pub rendered: &'a [Arc<Rendered>],
    pub graph: &'a Graph<'a>,
    pub history: &'a [DocHistory],
    pub old: &'a [Vec<OldBody>],
    /// Minify setting, template names and shared variables.
    pub page_salt: blake3::Hash,
    /// The key of each template ([`super::layout_deps::template_keys`]).
    pub templates: &'a std::collections::HashMap<String, Key>,
    pub today: crate::date::Date,
}

impl<'a> Fingerprints<'a> {
    pub fn new(site: &'a Site, inputs: &Inputs<'a>, known: &Names) -> Fingerprints<'a> {
        use rayon::prelude::*;
        let docs = &site.docs;
        let names = known.numbers(docs.iter().map(|d| d.url.as_str()));
        let mut doc_named = vec![u32::MAX; names.iter().max().map_or(0, |&n| n as usize + 1)];
        for (i, &n) in names.iter().enumerate() {
            doc_named[n as usize] = i as u32;
        }
        let meta = docs.par_iter().map(|d| d.meta_key_or_now()).collect();
        let body = inputs.rendered.iter().map(|r| r.fingerprint).collect();
        let around = (0..docs.len()).into_par_iter().map(|i| around(site, inputs, &names, i)).collect();
        let mut h = Parts::new();
        for facet in Facet::ALL {
            for (slug, g) in facet.groups(site) {
                h.add(slug.as_bytes()).add(g.name.as_bytes()).add(g.url.as_bytes()).add(&g.docs.len().to_le_bytes());
            }
            h.add(b"\0");
        }
        let groups = h.key();
        let mut salt = blake3::Hasher::new();
        salt.update(inputs.page_salt.as_bytes());
        salt.update(format!("{:?} {:?}", site.config, inputs.today).as_bytes());
        let named = Facet::ALL.map(|facet| {
            (facet.groups(site).iter())
                .map(|(slug, g)| {
                    (slug.as_str(), (Parts::new().add(g.name.as_bytes()).add(g.url.as_bytes()).key(), OnceLock::new()))
                })
                .collect()
        });
        Fingerprints {
            site,
            names,
            doc_named,
            meta,
            body,
            around,
            groups,
            named,
            kinds: Default::default(),
            all: OnceLock::new(),
            az: OnceLock::new(),
            templates: inputs.templates,
            salt: salt.finalize(),
        }
    }

    /// The key of a page's trace.
    pub fn key(&self, url: &str) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(self.salt.as_bytes());
        h.update(url.as_bytes());
        *h.finalize().as_bytes()
    }

    /// The fingerprint of `r` in this build, its document (if any) at `doc`.
    fn now<D>(&self, r: &Read<D>, doc: impl Fn(&D) -> Option<usize>) -> Option<Key> {
        let docs = &self.site.docs;
        let urls = |list: &mut dyn Iterator<Item = usize>| {
            let mut h = Parts::new();
            for i in list {
                h.add(&self.names[i].to_le_bytes());
            }
            h.key()
        };
        let group = |facet: &Facet, slug: &str| {
            self.named[usize::from(*facet == Facet::Organisations)].get(slug).zip(facet.groups(self.site).get(slug))
        };
        Some(match r {
            Read::Meta(d) => self.meta[doc(d)?],
            Read::Body(d) => self.body[doc(d)?],
            Read::Around(d) => self.around[doc(d)?],
            Read::Kind(k) => {
                let at = Kind::ALL.iter().position(|x| x == k).unwrap_or(0);
                *self.kinds[at].get_or_init(|| urls(&mut (0..docs.len()).filter(|&i| docs[i].kind == *k)))
            }
            Read::Group(facet, slug) => match group(facet, slug) {
                Some(((_, members), g)) => *members.get_or_init(|| urls(&mut g.docs.iter().copied())),
                None => [0; 32],
            },
            Read::All => *self.all.get_or_init(|| urls(&mut (0..docs.len()))),
            Read::Groups => self.groups,
            Read::Name(facet, slug) => group(facet, slug).map_or([0; 32], |((name, _), _)| *name),
            Read::Template(name) => self.templates.get(name).copied().unwrap_or([0; 32]),
            Read::Letters => self.az().0,
            Read::Letter(l) => self.az().1.get(l).copied().unwrap_or([0; 32]),
        })
    }

    /// The fingerprints of the A–Å list's letters and of each letter's
    /// members (in site order: their order on the page follows their titles,
    /// which the page reads too).
    fn az(&self) -> &(Key, FxHashMap<String, Key>) {
        self.az.get_or_init(|| {
            let mut members: std::collections::BTreeMap<String, Parts> = std::collections::BTreeMap::new();
            for (d, n) in self.site.docs.iter().zip(&self.names) {
                members.entry(crate::search::az_letter(&d.fm.title)).or_default().add(&n.to_le_bytes());
            }
            let mut letters = Parts::new();
            for l in members.keys() {
                letters.add(l.as_bytes());
            }
            (letters.key(), members.into_iter().map(|(l, h)| (l, h.key())).collect())
        })
    }

    /// What `make` read, by name, with the fingerprints of this build.
    pub fn trace(&self, reads: Vec<Read<usize>>, page: bytes::Bytes) -> Trace {
        let reads = reads
            .into_iter()
            .filter_map(|r| Some((r.map_doc(|i| self.names[*i]), self.now(&r, |i| Some(*i))?)))
            .collect();
        Trace { reads, page }
    }

    /// Whether every piece `trace` read is as it was.
    pub fn holds(&self, trace: &Trace) -> bool {
        let doc = |n: &u32| self.doc_named.get(*n as usize).filter(|&&i| i != u32::MAX).map(|&i| i as usize);
        trace.reads.iter().all(|(r, key)| self.now(r, doc) == Some(*key))
    }
}

/// Traces of the last build, with this build's fingerprints.
pub struct Traces<'a> {
    pub memo: &'a Memo<Arc<Trace>>,
    pub now: Fingerprints<'a>,
}

/// A day, or none, as bytes.
fn day(d: Option<crate::date::Date>) -> [u8; 5] {
    let (y, m, d, some) = d.map_or((0, 0, 0, 0), |d| (d.year, d.month, d.day, 1));
    let [y0, y1] = y.to_le_bytes();
    [y0, y1, m, d, some]
}

/// The fingerprint of what the site says about document `i`.
/// Documents go in by their [`Names`] number, which stands for their URL.
fn around(site: &Site, inputs: &Inputs<'_>, names: &[u32], i: usize) -> Key {
    let r = &site.relations;
    let mut h = Parts::new();
    let list = |h: &mut Parts, docs_of: &mut dyn Iterator<Item = usize>| {
        for j in docs_of {
            h.add(&names[j].to_le_bytes());
        }
        h.add(b"\0");
    };
    list(&mut h, &mut r.parent[i].into_iter());
    list(&mut h, &mut r.children[i].iter().copied());
    list(&mut h, &mut r.related[i].iter().copied());
    list(&mut h, &mut r.supersedes[i].into_iter());
    list(&mut h, &mut r.superseded_by[i].iter().copied());
    list(&mut h, &mut r.programme[i].into_iter());
    list(&mut h, &mut r.members[i].iter().copied());
    for b in inputs.graph.backlinks(i) {
        h.add(&names[b.from].to_le_bytes());
        for s in b.sections() {
            h.add(s.as_bytes());
        }
        h.add(b"\0");
    }
    h.add(b"\0");
    for (id, mut from) in inputs.graph.heading_links(i) {
        h.add(id.as_bytes());
        list(&mut h, &mut from);
    }
    h.add(b"\0");
    let history = &inputs.history[i];
    h.add(&day(history.last_changed));
    for v in &history.versions {
        h.add(v.version.as_bytes())
            .add(&day(v.date))
            .add(v.change_note.as_bytes())
            .add(v.approved_by.as_bytes())
            .add(&[u8::from(v.current), u8::from(v.text.is_some())]);
    }
    h.add(b"\0");
    for o in &inputs.old[i] {
        h.add(o.version.as_bytes()).add(&o.text_hash).add(&o.rendered.fingerprint);
    }
    h.key()
}
