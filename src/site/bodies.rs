//! Rendered bodies remembered between builds of one process (`pactum serve`).
//!
//! A body is a pure function of its file's text, the page it is shown on,
//! the configuration, and the answers its links got from the resolver. The
//! memo key covers the first three; the answers are recorded while the body
//! is rendered ([`Lookup`]) and asked again before the body is reused. So a
//! document added, deleted or renamed renders again only the bodies whose
//! links now point elsewhere (or show another title), not every body.
//!
//! Asking every link again costs a few microseconds per link, too much for
//! every save on a large site, so a body also keeps the hash of all names
//! links resolve by ([`Bodies::names`]: paths, ids, aliases, drafts,
//! versions). While that hash holds, every link still names the same
//! document, and only what it shows of it (URL, title, version) is compared.
//!
//! Links in a [`Rendered`] name their target by index in this build's
//! document list; a reused body gets its indexes from the targets' paths.

use super::assemble::{Site, nfc_path};
use super::memo::{BuildMemo, Key, Memo};
use crate::content::Document;
use crate::diag::Pos;
use crate::history::History;
use crate::markdown::{Form, Rendered, Resolve, Target};
use crate::memo::Parts;
use rayon::prelude::*;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One link of a body as it was resolved.
pub struct Lookup {
    dest: Box<str>,
    form: Form,
    pos: Pos,
    /// [`answer`] of the target it got.
    answer: Key,
}

/// A rendered body with the answers its links got, and the path of each
/// document its [`Rendered::links`] point at (in the same order).
pub struct Body {
    rendered: Arc<Rendered>,
    lookups: Arc<[Lookup]>,
    targets: Vec<PathBuf>,
    /// The names links resolved by then ([`Bodies::names`]), and what the
    /// body shows of each document it links to ([`Bodies::shown`]).
    names: blake3::Hash,
    shown: Vec<(usize, Key)>,
}

/// Bodies of earlier builds, and what this build's bodies depend on besides their text.
pub struct Bodies<'a> {
    pub memo: &'a Memo<Arc<Body>>,
    pub site: &'a Site,
    /// The configuration (raw HTML settings, language).
    pub salt: blake3::Hash,
    /// Every name a link can resolve by, and so every document's index.
    pub names: blake3::Hash,
    /// What a link can show of each document: its URL, title and version.
    pub shown: Vec<Key>,
}

impl<'a> Bodies<'a> {
    pub fn new(memo: &'a Memo<Arc<Body>>, site: &'a Site, drafts: &[Arc<Document>], history: &History) -> Self {
        let shown = site
            .docs
            .par_iter()
            .map(|d| Parts::new().add(d.url.as_bytes()).add(d.fm.title.as_bytes()).add(d.fm.version.as_bytes()).key())
            .collect();
        let salt = Parts::new().add(format!("{:?}", site.config).as_bytes()).hash();
        Bodies { memo, site, salt, names: names(site, drafts, history), shown }
    }

    /// A body made (or renumbered) in this build, with what it shows.
    fn body(&self, rendered: Arc<Rendered>, lookups: Arc<[Lookup]>) -> Body {
        let docs = || rendered.links.iter().map(|l| l.doc);
        let targets = docs().map(|d| nfc_path(&self.site.docs[d].rel)).collect();
        let mut shown: Vec<(usize, Key)> = docs().map(|d| (d, self.shown[d])).collect();
        shown.sort_unstable();
        shown.dedup();
        Body { rendered, lookups, targets, names: self.names, shown }
    }
}

/// The names links resolve by: every document's path, id and aliases (and so
/// every document's index), the drafts, and the published versions.
fn names(site: &Site, drafts: &[Arc<Document>], history: &History) -> blake3::Hash {
    let mut h = Parts::new();
    for d in site.docs.iter().chain(drafts) {
        h.add(d.rel.as_os_str().as_encoded_bytes()).add(d.id.as_bytes());
        for a in &d.fm.aliases {
            h.add(a.as_bytes());
        }
        h.add(b"\0");
    }
    h.add(&[u8::from(history.complete)]);
    for doc in &history.docs {
        for v in &doc.versions {
            h.add(v.version.as_bytes()).add(&[u8::from(v.text.is_some())]);
        }
        h.add(b"\0");
    }
    h.hash()
}

/// What a link shows of its answer: the URL written, the target document
/// (by path) and what is shown of it, or the problem reported.
fn answer(site: &Site, target: &Target) -> Key {
    let mut h = Parts::new();
    match target {
        Target::Keep => h.add(b"keep"),
        Target::Internal { url, doc, anchor, title, warning } => {
            h.add(b"internal").add(url.as_bytes()).add(site.docs[*doc].rel.as_os_str().as_encoded_bytes());
            h.add(anchor.as_deref().unwrap_or("\0").as_bytes()).add(title.as_bytes());
            h.add(warning.as_ref().map_or(String::new(), |w| format!("{w:?}")).as_bytes())
        }
        Target::Broken(d) => h.add(b"broken").add(format!("{d:?}").as_bytes()),
    };
    h.key()
}

/// A resolver that writes down what it answered.
struct Recording<'a> {
    inner: &'a dyn Resolve,
    site: &'a Site,
    log: RefCell<Vec<Lookup>>,
}

impl Resolve for Recording<'_> {
    fn resolve(&self, dest: &str, form: Form, pos: Pos) -> Target {
        let target = self.inner.resolve(dest, form, pos);
        let answer = answer(self.site, &target);
        self.log.borrow_mut().push(Lookup { dest: dest.into(), form, pos, answer });
        target
    }
}

/// Render one body with `links`, or take it from the memo when its text
/// (`content`, the hash of the text the body is in), its page and the
/// answers of its links are as they were.
pub fn render_body(
    memo: Option<&Bodies<'_>>,
    page_url: &str,
    rel: &Path,
    content: &Key,
    links: &dyn Resolve,
    render: impl FnOnce(&dyn Resolve) -> Rendered,
) -> Arc<Rendered> {
    let Some(memo) = memo else { return Arc::new(render(links)) };
    let key = BuildMemo::body_key(&memo.salt, page_url, rel, content);
    let same_names = |b: &Arc<Body>| b.names == memo.names && b.shown.iter().all(|(d, fp)| memo.shown[*d] == *fp);
    // Names changed (a document added, deleted or renamed): ask the links again.
    let same_answers =
        |b: &Arc<Body>| b.lookups.iter().all(|l| answer(memo.site, &links.resolve(&l.dest, l.form, l.pos)) == l.answer);
    if let Some(b) = memo.memo.get_if(&key, |b| same_names(b) || same_answers(b)) {
        if same_names(&b) {
            return Arc::clone(&b.rendered);
        }
        if let Some(rendered) = renumbered(memo.site, &b) {
            memo.memo.put(key, Arc::new(memo.body(Arc::clone(&rendered), Arc::clone(&b.lookups))));
            return rendered;
        }
    }
    let recording = Recording { inner: links, site: memo.site, log: RefCell::default() };
    let mut r = render(&recording);
    r.fingerprint = super::trace::body_fingerprint(&r);
    let rendered = Arc::new(r);
    memo.memo.put(key, Arc::new(memo.body(Arc::clone(&rendered), recording.log.into_inner().into())));
    rendered
}

/// The remembered body with its links numbered as this build numbers the
/// documents (shared as it is when no number changed).
fn renumbered(site: &Site, body: &Body) -> Option<Arc<Rendered>> {
    let docs: Vec<usize> = body.targets.iter().map(|p| site.by_rel.get(p).copied()).collect::<Option<_>>()?;
    if body.rendered.links.iter().map(|l| l.doc).eq(docs.iter().copied()) {
        return Some(Arc::clone(&body.rendered));
    }
    let mut r = Rendered::clone(&body.rendered);
    for (link, doc) in r.links.iter_mut().zip(docs) {
        link.doc = doc;
    }
    Some(Arc::new(r))
}
