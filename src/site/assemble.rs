//! Assemble loaded documents into a [`Site`]: unique ids, no two outputs on
//! one path, relations that point at real documents and never loop.

use crate::config::Config;
use crate::content::model::Ref;
use crate::content::{Document, Kind};
use crate::diag::{Diagnostic, did_you_mean};
use crate::slug::slugify;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// Folder of the tag pages.
pub const TAGS_FOLDER: &str = "emner";
/// Folder of the organisation pages (owners, regions and parties).
pub const ORGS_FOLDER: &str = "organisationer";

/// A tag or an organisation as it appears in URLs and on pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub url: String,
    /// Documents carrying it, in site order.
    pub docs: Vec<usize>,
}

/// Relations in both directions, by document index.
#[derive(Debug, Default)]
pub struct Relations {
    pub parent: Vec<Option<usize>>,
    pub children: Vec<Vec<usize>>,
    pub related: Vec<Vec<usize>>,
    pub supersedes: Vec<Option<usize>>,
    pub superseded_by: Vec<Vec<usize>>,
    pub programme: Vec<Option<usize>>,
    pub members: Vec<Vec<usize>>,
}

/// Every document of a build, with its lookups and relations.
pub struct Site {
    pub config: Config,
    /// Sorted by source path.
    pub docs: Vec<Arc<Document>>,
    pub by_id: FxHashMap<String, usize>,
    /// Path relative to `content/` (NFC, see [`nfc_path`]) → document.
    pub by_rel: FxHashMap<PathBuf, usize>,
    pub relations: Relations,
    /// By tag slug.
    pub tags: BTreeMap<String, Group>,
    /// Owners, regions and parties, by slug.
    pub organisations: BTreeMap<String, Group>,
    /// Aliases (lowercased) → document.
    pub aliases: FxHashMap<String, usize>,
    /// The slug of every tag and organisation name the documents use.
    pub slugs: FxHashMap<String, String>,
}

impl Site {
    /// The document with this id, or else this alias (case-insensitive).
    pub fn lookup(&self, id_or_alias: &str) -> Option<usize> {
        self.by_id.get(id_or_alias).or_else(|| self.aliases.get(&id_or_alias.to_lowercase())).copied()
    }

    /// The slug of a tag or organisation name (made once per name when the site is assembled).
    pub fn slug<'s>(&'s self, name: &str) -> std::borrow::Cow<'s, str> {
        match self.slugs.get(name) {
            Some(s) => s.into(),
            None => slugify(name).into(),
        }
    }

    /// The document whose body is the front page, if `content/index.md` exists.
    pub fn home_doc(&self) -> Option<usize> {
        self.docs.iter().position(|d| d.url == "index.html")
    }

    /// Output paths the generator itself writes (never to be taken by a document).
    pub fn generated_paths(&self) -> Vec<String> {
        let mut paths = vec![
            "404.html".to_string(),
            "sitemap.xml".to_string(),
            format!("{TAGS_FOLDER}/index.html"),
            format!("{ORGS_FOLDER}/index.html"),
        ];
        paths.extend(Kind::ALL.iter().filter(|k| **k != Kind::Page).map(|k| format!("{}/index.html", k.folder())));
        paths.extend(self.tags.values().chain(self.organisations.values()).map(|t| t.url.clone()));
        paths.extend(
            [crate::search::PAGE_URL, crate::search::QUICK_FILE, crate::search::MANIFEST_FILE].map(String::from),
        );
        paths.extend(self.letters().iter().map(|l| crate::search::letter_url(l)));
        paths
    }

    /// The letters of the A–Å list: one page each.
    pub fn letters(&self) -> std::collections::BTreeSet<String> {
        self.docs.iter().map(|d| crate::search::az_letter(&d.fm.title)).collect()
    }
}

/// A path in Unicode NFC: macOS stores `Å` in file names as `A` + ring, while
/// editors type the composed letter, and both must name the same document.
pub fn nfc_path(p: &std::path::Path) -> PathBuf {
    match p.to_str() {
        Some(s) if s.is_ascii() => p.to_path_buf(),
        Some(s) if unicode_normalization::is_nfc_quick(s.chars()) != unicode_normalization::IsNormalized::Yes => {
            PathBuf::from(s.nfc().collect::<String>())
        }
        _ => p.to_path_buf(),
    }
}

/// Build the site, or report every problem with ids, paths and relations.
pub fn assemble(config: Config, mut docs: Vec<Arc<Document>>, drafts: &[Arc<Document>]) -> (Site, Vec<Diagnostic>) {
    docs.sort_by(|a, b| a.source.cmp(&b.source));
    let mut diags = Vec::new();
    let mut by_id: FxHashMap<String, usize> = FxHashMap::with_capacity_and_hasher(docs.len(), Default::default());
    for (i, d) in docs.iter().enumerate() {
        if let Some(&first) = by_id.get(&d.id) {
            let other: &Document = &docs[first];
            diags.push(
                Diagnostic::error(
                    "id-duplicate",
                    &d.source,
                    format!("the id `{}` is already used by {}", d.id, other.source.display()),
                )
                .help("ids must be unique across the site; set `id:` in one of them"),
            );
        } else {
            by_id.insert(d.id.clone(), i);
        }
    }
    let by_rel = docs.iter().enumerate().map(|(i, d)| (nfc_path(&d.rel), i)).collect();
    // Few names, used by many documents: each is slugged once.
    let mut slugs: FxHashMap<String, String> = FxHashMap::default();
    for fm in docs.iter().map(|d| &d.fm) {
        for name in fm.tags.iter().chain(&fm.parties).chain([&fm.owner, &fm.region]) {
            if !slugs.contains_key(name.as_str()) {
                slugs.insert(name.clone(), slugify(name));
            }
        }
    }
    let tags = collect_groups(&docs, TAGS_FOLDER, &slugs, |d| d.fm.tags.iter().collect());
    let organisations = collect_groups(&docs, ORGS_FOLDER, &slugs, |d| {
        [&d.fm.owner, &d.fm.region].into_iter().chain(&d.fm.parties).collect()
    });
    let aliases = collect_aliases(&docs, &by_id, &mut diags);
    let mut site =
        Site { config, docs, by_id, by_rel, relations: Relations::default(), tags, organisations, aliases, slugs };
    check_paths(&site, &mut diags);
    site.relations = relations(&site, drafts, &mut diags);
    (site, diags)
}

/// The site the last build of a `serve` process assembled, with its problems,
/// under the hash of everything assembling reads: the configuration, and
/// the path and front matter of every document and draft. A body edit
/// changes none of these; the next build takes the site as it was (with
/// that build's documents) instead of assembling it again.
#[derive(Default)]
pub struct Remembered {
    kept: std::sync::Mutex<Option<Kept>>,
    /// Builds that took the kept site since [`Remembered::finish_build`] was last called.
    taken: std::sync::atomic::AtomicUsize,
}

struct Kept {
    key: crate::memo::Key,
    /// Away while a build uses it ([`Remembered::keep`] brings it back).
    site: Option<Site>,
    diags: Vec<Diagnostic>,
}

impl Remembered {
    /// [`assemble`], or the site kept under the same key with `docs` in it.
    pub fn assemble(
        &self,
        config: Config,
        mut docs: Vec<Arc<Document>>,
        drafts: &[Arc<Document>],
    ) -> (Site, Vec<Diagnostic>, crate::memo::Key) {
        docs.sort_by(|a, b| a.source.cmp(&b.source));
        let mut h = crate::memo::Parts::new();
        h.add(format!("{config:?}").as_bytes());
        for list in [&docs[..], drafts] {
            for d in list {
                h.add(d.source.as_os_str().as_encoded_bytes()).add(&d.meta_key_or_now());
            }
            h.add(b"");
        }
        let key = h.key();
        let mut kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (site, diags) = match kept.take() {
            Some(Kept { key: k, site: Some(mut site), diags }) if k == key => {
                self.taken.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                site.config = config;
                site.docs = docs;
                (site, diags)
            }
            _ => assemble(config, docs, drafts),
        };
        *kept = Some(Kept { key, site: None, diags: diags.clone() });
        (site, diags, key)
    }

    /// Keep `site`, which [`Remembered::assemble`] gave under `key`, for the next build.
    pub fn keep(&self, key: crate::memo::Key, site: Site) {
        let mut kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(k) = kept.as_mut().filter(|k| k.key == key) {
            k.site = Some(site);
        }
    }

    /// How many builds took the kept site since the last call.
    pub fn finish_build(&self) -> usize {
        self.taken.swap(0, std::sync::atomic::Ordering::Relaxed)
    }
}

/// Aliases must name one document and must not shadow another document's id.
fn collect_aliases(
    docs: &[Arc<Document>],
    by_id: &FxHashMap<String, usize>,
    diags: &mut Vec<Diagnostic>,
) -> FxHashMap<String, usize> {
    let mut aliases: FxHashMap<String, usize> = FxHashMap::default();
    for (i, d) in docs.iter().enumerate() {
        for alias in &d.fm.aliases {
            let key = alias.trim().to_lowercase();
            if key.is_empty() {
                continue;
            }
            let clash = match (by_id.get(alias.trim()), aliases.get(&key)) {
                (Some(&o), _) if o != i => Some(format!("it is the id of {}", docs[o].source.display())),
                (_, Some(&o)) if o != i => Some(format!("{} has the same alias", docs[o].source.display())),
                _ => None,
            };
            match clash {
                Some(why) => diags.push(
                    Diagnostic::error("alias-duplicate", &d.source, format!("the alias `{alias}` is ambiguous: {why}"))
                        .help("an alias must name exactly one document; remove or change it"),
                ),
                None => {
                    aliases.insert(key, i);
                }
            }
        }
    }
    aliases
}

/// Group documents by the names `names` gives for each (tags, or owner,
/// region and parties); names with the same slug are one group, shown with
/// the first spelling met.
fn collect_groups(
    docs: &[Arc<Document>],
    folder: &str,
    slugs: &FxHashMap<String, String>,
    names: impl for<'d> Fn(&'d Document) -> Vec<&'d String>,
) -> BTreeMap<String, Group> {
    // Each name's group, looked up once.
    let mut group_of: FxHashMap<&str, Option<usize>> = FxHashMap::default();
    let mut groups: Vec<(String, Group)> = Vec::new();
    let mut by_slug: FxHashMap<String, usize> = FxHashMap::default();
    for (i, d) in docs.iter().enumerate() {
        for name in names(d) {
            let at = *group_of.entry(name.as_str()).or_insert_with(|| {
                let slug = slugs.get(name.as_str()).cloned().unwrap_or_else(|| slugify(name));
                if slug.is_empty() {
                    return None;
                }
                let at = *by_slug.entry(slug.clone()).or_insert_with(|| {
                    let url = format!("{folder}/{slug}/index.html");
                    groups.push((slug, Group { name: name.trim().to_string(), url, docs: Vec::new() }));
                    groups.len() - 1
                });
                Some(at)
            });
            if let Some(at) = at {
                let docs = &mut groups[at].1.docs;
                if docs.last() != Some(&i) {
                    docs.push(i);
                }
            }
        }
    }
    groups.into_iter().collect()
}

/// Two outputs on one path (also when they differ only in case or Unicode
/// normalisation, which collide on macOS and Windows hosts) are errors.
fn check_paths(site: &Site, diags: &mut Vec<Diagnostic>) {
    let key = |p: &str| if p.is_ascii() { p.to_ascii_lowercase() } else { p.nfc().collect::<String>().to_lowercase() };
    let generated: FxHashMap<String, String> = site.generated_paths().into_iter().map(|p| (key(&p), p)).collect();
    // Each URL's key, and the documents of keys taken more than once.
    let mut first: FxHashMap<String, usize> = FxHashMap::with_capacity_and_hasher(site.docs.len(), Default::default());
    let mut shared: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, d) in site.docs.iter().enumerate() {
        let k = key(&d.url);
        if let Some(g) = generated.get(&k) {
            diags.push(
                Diagnostic::error("path-collision", &d.source, format!("would overwrite the generated page {g}"))
                    .help("rename or move the file"),
            );
        }
        match first.entry(k) {
            std::collections::hash_map::Entry::Occupied(o) => {
                shared.entry(*o.get()).or_insert_with(|| vec![*o.get()]).push(i)
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(i);
            }
        }
    }
    for idx in shared.into_values() {
        let names: Vec<String> = idx.iter().map(|&i| site.docs[i].source.display().to_string()).collect();
        for &i in &idx {
            let d = &site.docs[i];
            diags.push(
                Diagnostic::error(
                    "path-collision",
                    &d.source,
                    format!("{} files would be written to {}: {}", idx.len(), d.url, names.join(", ")),
                )
                .help("file names that differ only in case, accents or punctuation give the same URL; rename one"),
            );
        }
    }
}

fn relations(site: &Site, drafts: &[Arc<Document>], diags: &mut Vec<Diagnostic>) -> Relations {
    let n = site.docs.len();
    let mut rel = Relations {
        parent: vec![None; n],
        children: vec![Vec::new(); n],
        related: vec![Vec::new(); n],
        supersedes: vec![None; n],
        superseded_by: vec![Vec::new(); n],
        programme: vec![None; n],
        members: vec![Vec::new(); n],
    };
    for (i, d) in site.docs.iter().enumerate() {
        let mut find = |key: &str, r: &Ref| resolve(site, drafts, i, key, r, diags);
        rel.parent[i] = d.fm.parent.as_ref().and_then(|r| find("parent", r));
        rel.supersedes[i] = d.fm.supersedes.as_ref().and_then(|r| find("supersedes", r));
        rel.related[i] = d.fm.related.iter().filter_map(|r| find("related", r)).collect();
        rel.programme[i] = d.fm.programme.as_ref().and_then(|r| find("programme", r));
        if let (Some(p), Some(r)) = (rel.programme[i], &d.fm.programme)
            && site.docs[p].kind != Kind::Programme
        {
            diags.push(
                Diagnostic::error(
                    "relation-kind",
                    &d.source,
                    format!("`programme: {}` is of kind `{}`, not a programme", r.id, site.docs[p].kind.name()),
                )
                .at(&d.text, r.pos, r.id.chars().count())
                .help("`programme` names the course programme this document belongs to"),
            );
            rel.programme[i] = None;
        }
    }
    for key in ["parent", "supersedes"] {
        let links = if key == "parent" { &mut rel.parent } else { &mut rel.supersedes };
        break_cycles(site, key, links, diags);
    }
    for i in 0..n {
        if let Some(p) = rel.parent[i] {
            rel.children[p].push(i);
        }
        if let Some(p) = rel.supersedes[i] {
            rel.superseded_by[p].push(i);
        }
        if let Some(p) = rel.programme[i] {
            rel.members[p].push(i);
        }
    }
    rel
}

fn resolve(
    site: &Site,
    drafts: &[Arc<Document>],
    from: usize,
    key: &str,
    r: &Ref,
    diags: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let d = &site.docs[from];
    let err = |code, msg: String, help: String| {
        Diagnostic::error(code, &d.source, msg).at(&d.text, r.pos, r.id.chars().count().max(1)).help(help)
    };
    match site.by_id.get(&r.id) {
        Some(&t) if t == from => {
            diags.push(err(
                "relation-self",
                format!("`{key}: {}` points to the document itself", r.id),
                "name another document".into(),
            ));
            None
        }
        Some(&t) => Some(t),
        None if drafts.iter().any(|x| x.id == r.id) => {
            diags.push(err(
                "relation-draft",
                format!("`{key}: {}` is a draft and is not published", r.id),
                "publish it first, or build with --drafts".into(),
            ));
            None
        }
        None => {
            let help = match did_you_mean(&r.id, site.by_id.keys().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "no document has this id; an id is the file name without .md unless `id:` sets it".into(),
            };
            diags.push(err("relation-missing", format!("`{key}: {}` names no document", r.id), help));
            None
        }
    }
}

/// Report and cut every loop in a single-valued relation.
fn break_cycles(site: &Site, key: &str, links: &mut [Option<usize>], diags: &mut Vec<Diagnostic>) {
    for start in 0..links.len() {
        let mut path = vec![start];
        let mut at = links[start];
        while let Some(next) = at {
            if next == start {
                let names: Vec<&str> = path.iter().map(|&i| site.docs[i].id.as_str()).collect();
                let d = &site.docs[start];
                let r = if key == "parent" { d.fm.parent.as_ref() } else { d.fm.supersedes.as_ref() };
                let mut diag = Diagnostic::error(
                    "relation-cycle",
                    &d.source,
                    format!("`{key}` goes round in a circle: {} → {}", names.join(" → "), d.id),
                )
                .help(format!("a document cannot be its own {key}, directly or through others"));
                if let Some(r) = r {
                    diag = diag.at(&d.text, r.pos, r.id.chars().count());
                }
                diags.push(diag);
                links[start] = None;
                break;
            }
            if path.contains(&next) || path.len() > links.len() {
                break;
            }
            path.push(next);
            at = links[next];
        }
    }
}
