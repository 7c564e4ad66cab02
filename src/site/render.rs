//! Render every output page with Tera, from views of the site that carry
//! only what a template may show (never whole documents).

use super::assemble::{Group, ORGS_FOLDER, Site, TAGS_FOLDER};
use super::graph::Graph;
use super::history_pages::HistoryJob;
use super::links::root_of;
use super::memo::{BuildMemo, Key, Memo};
use super::page_cache::PageCache;
use super::trace::{self, Read, Traces};
use super::versions::OldBody;
use crate::assets;
use crate::content::{Document, Kind};
use crate::date::Date;
use crate::diag::{Diagnostic, Pos};
use crate::history::DocHistory;
use crate::markdown::Rendered;
use bytes::Bytes;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tera::{Context, Tera};

/// Load templates from the layout files; syntax errors name file and line.
pub fn load_templates(files: &assets::Files) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let list: Vec<(String, String)> =
        files.iter().map(|(name, bytes)| (name.clone(), String::from_utf8_lossy(bytes).into_owned())).collect();
    tera.add_raw_templates(list).map_err(|e| vec![template_error(&e, None, files)])?;
    Ok(tera)
}

/// A Tera error as a diagnostic: the template file, line:col when Tera
/// knows it (parse errors), and the whole cause chain.
fn template_error(e: &tera::Error, page: Option<&str>, files: &assets::Files) -> Diagnostic {
    use std::error::Error as _;
    let mut chain = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(c) = cause {
        chain.push(c.to_string());
        cause = c.source();
    }
    let full = chain.join("\n");
    let name = full.split('\'').nth(1).filter(|n| files.contains_key(*n)).map(str::to_owned);
    // Tera's parse errors carry "--> line:col" and a "= expected …" line.
    let pos = full.split("--> ").nth(1).and_then(|rest| {
        let (l, c) = rest.split_whitespace().next()?.split_once(':')?;
        Some(Pos { line: l.parse().ok()?, col: c.parse().ok()? })
    });
    let expected = full.lines().find_map(|l| l.trim().strip_prefix("= ")).map(str::to_owned);
    let summary: Vec<&str> = full
        .lines()
        .map(str::trim)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("-->")
                && !l.starts_with('|')
                && !l.starts_with('=')
                && !l.chars().next().is_some_and(|c| c.is_ascii_digit())
        })
        .collect();
    let what = page.map(|p| format!(" while rendering {p}")).unwrap_or_default();
    let file = name.as_ref().map_or_else(|| "layouts".to_string(), |n| format!("layouts/{n}"));
    let mut d =
        Diagnostic::error("template", Path::new(&file), format!("template error{what}: {}", summary.join(": ")));
    if let (Some(pos), Some(text)) = (pos, name.as_ref().and_then(|n| files.get(n))) {
        d = d.at(&String::from_utf8_lossy(text), pos, 1);
    }
    d.help(expected.unwrap_or_else(|| "fix the template (Tera syntax: https://keats.github.io/tera/docs/)".into()))
}

/// The site-wide relation graph, for templates: `relation_graph()` returns
/// `{nodes: [{id, title, url, kind, status}], edges: [{from, to, type}]}` with
/// edge types `parent`, `related`, `supersedes`, `programme` and `link`.
/// Returns the hash of the graph, which every page may depend on.
pub fn register_graph(tera: &mut Tera, site: &Site, graph: &Graph) -> blake3::Hash {
    let nodes: Vec<Value> = site
        .docs
        .iter()
        .map(|d| json!({ "id": d.id, "title": d.fm.title, "url": d.url, "kind": d.kind.name(), "status": d.fm.status.map(|s| s.name()) }))
        .collect();
    let r = &site.relations;
    let mut edges = Vec::new();
    let id = |i: usize| site.docs[i].id.as_str();
    for i in 0..site.docs.len() {
        let mut push = |to: usize, kind: &str| edges.push(json!({ "from": id(i), "to": id(to), "type": kind }));
        r.parent[i].into_iter().for_each(|t| push(t, "parent"));
        r.related[i].iter().for_each(|&t| push(t, "related"));
        r.supersedes[i].into_iter().for_each(|t| push(t, "supersedes"));
        r.programme[i].into_iter().for_each(|t| push(t, "programme"));
    }
    for to in 0..site.docs.len() {
        for b in graph.backlinks(to) {
            edges.push(json!({ "from": id(b.from), "to": id(to), "type": "link" }));
        }
    }
    let value = Arc::new(json!({ "nodes": nodes, "edges": edges }));
    let hash = blake3::hash(value.to_string().as_bytes());
    tera.register_function("relation_graph", move |_: &std::collections::HashMap<String, Value>| Ok((*value).clone()));
    hash
}

/// Set the template variable `name` to `value`, moved in: `Context::insert`
/// would copy it.
pub(super) fn put(ctx: &mut Context, name: &str, value: Value) {
    let mut vars = serde_json::Map::new();
    vars.insert(name.to_string(), value);
    if let Ok(vars) = Context::from_value(Value::Object(vars)) {
        ctx.extend(vars);
    }
}

/// Escape text for HTML (and XML) text and quoted attributes. Unlike Tera's
/// default it leaves `/` alone, so URLs stay readable in the output.
pub(super) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut plain = 0;
    // The five characters are ASCII, so the text between them is whole characters.
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out
}

#[derive(Serialize, Clone)]
struct DateView {
    iso: String,
    text: String,
}

#[derive(Serialize, Clone)]
struct LinkView {
    id: String,
    title: String,
    url: String,
    kind_label: String,
}

#[derive(Serialize)]
struct RowView {
    title: String,
    url: String,
    kind_label: String,
    version: String,
    status: String,
    status_label: String,
    effective: Option<DateView>,
    review_by: Option<DateView>,
    owner: String,
}

#[derive(Serialize)]
struct NavItem {
    kind: &'static str,
    label: String,
    url: String,
    count: usize,
}

/// The template of one row of a document table.
pub const ROW_TEMPLATE: &str = "row.html";
/// Rows are kept per document for pages up to this many folders down, with and without the kind.
const ROW_DEPTHS: usize = 4;
const ROW_VARIANTS: usize = 2 * ROW_DEPTHS;

/// The variant of a row on a page with this `root`, if rows of its depth are kept.
fn row_variant(root: &str, show_kind: bool) -> Option<usize> {
    let depth = root.len() / 3;
    (root == "../".repeat(depth) && depth < ROW_DEPTHS).then_some(usize::from(show_kind) * ROW_DEPTHS + depth)
}

/// Each row's place when rows are sorted by lower-case title, then URL.
fn row_rank(rows: &[RowView]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.par_sort_by_cached_key(|&i| (rows[i].title.to_lowercase(), rows[i].url.as_str()));
    let mut rank = vec![0; rows.len()];
    for (place, i) in order.into_iter().enumerate() {
        rank[i] = place;
    }
    rank
}

/// What the views make of the documents' paths and front matter and the
/// settings alone: the same for as long as the assembled site is, so `serve`
/// keeps it under the site's key ([`super::assemble::Remembered`]).
pub struct DocViews {
    links: Vec<LinkView>,
    /// Each document's row in listings.
    rows: Vec<RowView>,
    /// Each document's place in the A–Z order of rows (title, then URL).
    row_rank: Vec<usize>,
    /// `{kind, label, url, count}` of each kind that has documents (home and search pages).
    kinds: Vec<Value>,
    /// The same without the counts, on every page: adding a document to a
    /// kind changes no page but those that show counts.
    nav: Vec<Value>,
}

impl DocViews {
    fn new(site: &Site, t: &BTreeMap<&'static str, &'static str>, lang: &str) -> DocViews {
        let label = |key: String| t.get(key.as_str()).copied().unwrap_or("").to_string();
        let (links, rows): (Vec<LinkView>, Vec<RowView>) = site
            .docs
            .par_iter()
            .map(|d| {
                let kind_label = label(d.kind.label_key());
                let link = LinkView {
                    id: d.id.clone(),
                    title: d.fm.title.clone(),
                    url: d.url.clone(),
                    kind_label: kind_label.clone(),
                };
                let row = RowView {
                    title: d.fm.title.clone(),
                    url: d.url.clone(),
                    kind_label,
                    version: d.fm.version.clone(),
                    status: d.fm.status.map(|s| s.name().to_string()).unwrap_or_default(),
                    status_label: d.fm.status.map(|s| label(s.label_key())).unwrap_or_default(),
                    effective: d.fm.effective.map(|x| date_view(x, lang)),
                    review_by: d.fm.review_by.map(|x| date_view(x, lang)),
                    owner: d.fm.owner.clone(),
                };
                (link, row)
            })
            .unzip();
        let kinds: Vec<Value> = listed_kinds()
            .filter_map(|k| {
                let count = site.docs.iter().filter(|d| d.kind == k).count();
                (count > 0).then(|| {
                    json!(NavItem {
                        kind: k.name(),
                        label: label(format!("{}_plural", k.label_key())),
                        url: listing_url(k),
                        count
                    })
                })
            })
            .collect();
        let nav = kinds
            .iter()
            .map(|k| {
                let mut k = k.clone();
                k.as_object_mut().map(|o| o.remove("count"));
                k
            })
            .collect();
        let row_rank = row_rank(&rows);
        DocViews { links, rows, row_rank, kinds, nav }
    }
}

/// The last build's [`DocViews`] and the key of the site they were made from.
pub type DocViewsMemo = std::sync::Mutex<Option<(Key, Arc<DocViews>)>>;

/// Everything shared by all pages, built once.
pub struct Views<'a> {
    pub(super) site: &'a Site,
    tera: &'a Tera,
    layouts: &'a assets::Files,
    graph: &'a Graph<'a>,
    pub(super) lang: String,
    t: BTreeMap<&'static str, &'static str>,
    assets: BTreeMap<String, String>,
    /// What every document's path and front matter make: links, rows, kinds.
    docs: Arc<DocViews>,
    /// Each document's row as a template value, once a page needs it.
    row_values: Vec<OnceLock<Value>>,
    /// Each document's table row as `row.html` makes it, per variant ([`row_variant`]).
    row_html: Vec<[OnceLock<Arc<str>>; ROW_VARIANTS]>,
    /// The A–Å list, made when a page first needs it.
    az: OnceLock<Vec<crate::search::Letter>>,
    /// The variables every page shares ([`memo::SHARED`](super::memo::SHARED)), added to a
    /// page's own only when it is rendered.
    shared: Context,
    /// Per worker thread, a context that holds the shared variables: a page's
    /// own are moved in for its render and taken out after, so the shared ones
    /// are not copied for every page.
    with_shared: Vec<std::sync::Mutex<Option<Context>>>,
    pub(super) versions: Versions<'a>,
    pages: Pages<'a>,
    /// Pages of the last build with what they read (`pactum serve`).
    pub traces: Option<Traces<'a>>,
}

/// How finished pages are made: minified or not, and taken from earlier
/// builds when there is a memo (`serve`) or a page cache (`build`).
pub struct Pages<'a> {
    pub minify: bool,
    pub memo: Option<&'a Memo<Bytes>>,
    /// Rows of document tables made by earlier builds (`pactum serve`).
    pub rows: Option<&'a super::memo::RowMemo>,
    pub cache: Option<&'a PageCache>,
    /// What every page depends on besides its context and template
    /// (settings, the template names), when pages are keyed; the shared
    /// variables are added by [`Views::new`].
    pub salt: Option<blake3::Hash>,
    /// The key of each template ([`super::layout_deps::template_keys`]), when pages are keyed.
    pub templates: Option<&'a std::collections::HashMap<String, Key>>,
    /// The views of the documents made by an earlier build, and the key of this build's site (`serve`).
    pub doc_views: Option<(&'a DocViewsMemo, Key)>,
}

/// Version history for the pages: published versions, rendered old bodies,
/// and the day statuses are judged by.
pub struct Versions<'a> {
    pub history: &'a [DocHistory],
    pub old: &'a [Vec<OldBody>],
    pub today: Date,
}

impl<'a> Views<'a> {
    pub fn new(
        site: &'a Site,
        tera: &'a Tera,
        layouts: &'a assets::Files,
        graph: &'a Graph<'a>,
        asset_urls: BTreeMap<String, String>,
        versions: Versions<'a>,
        pages: Pages<'a>,
    ) -> Self {
        let lang = site.config.language.clone();
        let t: BTreeMap<_, _> = crate::i18n::ui_strings(&lang).unwrap_or_default().iter().copied().collect();
        let docs = match pages.doc_views {
            Some((memo, key)) => {
                let mut last = memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                match last.as_ref().filter(|(k, _)| *k == key) {
                    Some((_, views)) => Arc::clone(views),
                    None => Arc::clone(&last.insert((key, Arc::new(DocViews::new(site, &t, &lang)))).1),
                }
            }
            None => Arc::new(DocViews::new(site, &t, &lang)),
        };
        let mut views = Views {
            site,
            tera,
            layouts,
            graph,
            versions,
            pages,
            lang,
            t,
            assets: asset_urls,
            az: OnceLock::new(),
            row_values: site.docs.iter().map(|_| OnceLock::new()).collect(),
            row_html: site.docs.iter().map(|_| Default::default()).collect(),
            docs,
            shared: Context::new(),
            with_shared: (0..=rayon::current_num_threads()).map(|_| std::sync::Mutex::default()).collect(),
            traces: None,
        };
        views.shared = views.shared_context();
        // The variables all pages share are hashed once, into the salt.
        views.pages.salt = views.pages.salt.map(|salt| BuildMemo::page_salt(&salt, &views.shared));
        views
    }

    /// What every page of this build depends on besides its own context,
    /// when pages are remembered: settings, template names and shared variables
    /// (each page's template adds its own layout files).
    pub fn page_salt(&self) -> Option<blake3::Hash> {
        self.pages.salt
    }

    fn shared_context(&self) -> Context {
        let c = &self.site.config;
        let mut ctx = Context::new();
        ctx.insert(
            "site",
            &json!({
                "title": c.title, "description": c.description, "lang": c.language,
                "base_url": c.base_url, "accessibility_url": c.accessibility_url, "search": c.search,
            }),
        );
        ctx.insert("t", &self.t);
        ctx.insert("assets", &self.assets);
        ctx.insert("nav", &self.docs.nav);
        ctx.insert("facets", &Facet::ALL.map(|f| self.facet_view(f)));
        ctx
    }

    pub(super) fn label(&self, key: &str) -> String {
        self.t.get(key).copied().unwrap_or("").to_string()
    }

    /// A UI string of the site language.
    pub fn t_get(&self, key: &str) -> String {
        self.label(key)
    }

    /// The variables every page has that depend on the page (the shared
    /// ones are added by [`Views::render`]).
    pub(super) fn base(&self, url: &str, breadcrumbs: Vec<Value>) -> Context {
        let mut ctx = Context::new();
        ctx.insert("root", &root_of(url));
        ctx.insert("page_url", url);
        ctx.insert("breadcrumbs", &breadcrumbs);
        ctx
    }

    pub(super) fn crumb(&self, title: &str, url: &str) -> Value {
        json!({ "title": title, "url": url })
    }

    pub(super) fn home_crumb(&self) -> Value {
        self.crumb(&self.label("home"), "index.html")
    }

    /// A finished page: rendered, minified when the site wants it, or taken from the memo.
    pub(super) fn render(&self, template: &str, ctx: Context, url: &str) -> Result<Bytes, Diagnostic> {
        self.render_then(template, ctx, url, &[], Box::new(|_| {}))
    }

    /// [`Views::render`] of a context that `complete` finishes: the page's key
    /// is taken before, so the context must already hold everything
    /// `complete` adds is made from (a hash of it will do).
    /// `uses` names the templates besides `template` that `complete` renders with.
    pub(super) fn render_then(
        &self,
        template: &str,
        mut ctx: Context,
        url: &str,
        uses: &[&str],
        complete: Box<dyn FnOnce(&mut Context) + '_>,
    ) -> Result<Bytes, Diagnostic> {
        // Recorded here, not where `complete` uses them: a page found by its key never calls it.
        for t in std::iter::once(&template).chain(uses) {
            trace::read(Read::Template(t.to_string()));
        }
        let template_key = |t: &std::collections::HashMap<String, Key>| {
            let key = t.get(template).copied().unwrap_or_default();
            if uses.is_empty() {
                return key;
            }
            let mut h = crate::memo::Parts::new();
            h.add(&key);
            for u in uses {
                h.add(&t.get(*u).copied().unwrap_or_default());
            }
            h.key()
        };
        let key = (self.pages.salt.zip(self.pages.templates))
            .map(|(salt, t)| BuildMemo::page_key(&salt, template, &template_key(t), &ctx));
        let memo = self.pages.memo.zip(key);
        if let Some(page) = memo.and_then(|(memo, k)| memo.get(&k)) {
            return Ok(page);
        }
        let cache = self.pages.cache.zip(key);
        if let Some((cache, k)) = cache
            && let Some(page) = cache.get(url, &k)
        {
            cache.note(url, k, &page);
            return Ok(page);
        }
        complete(&mut ctx);
        let html = self.with_shared(ctx, |ctx| self.tera.render(template, ctx));
        let html = html.map_err(|e| template_error(&e, Some(url), self.layouts))?;
        let page: Bytes =
            if self.pages.minify { crate::minify::html(html.as_bytes()) } else { html.into_bytes() }.into();
        if let Some((memo, k)) = memo {
            memo.put(k, page.clone());
        }
        if let Some((cache, k)) = cache {
            cache.note(url, k, &page);
        }
        Ok(page)
    }

    /// Call `f` with the page's own variables (`ctx`) and the shared ones.
    fn with_shared<T>(&self, ctx: Context, f: impl FnOnce(&Context) -> T) -> T {
        let slot =
            rayon::current_thread_index().map_or(self.with_shared.len() - 1, |i| i.min(self.with_shared.len() - 1));
        let mut slot = self.with_shared[slot].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let full = slot.get_or_insert_with(|| self.shared.clone());
        let own = ctx.into_json();
        let names: Vec<String> = own.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        full.extend(Context::from_value(own).unwrap_or_default());
        let out = f(full);
        for name in &names {
            // A page's variable that shadows a shared one is taken out, and the shared one put back.
            full.remove(name);
            if let Some(v) = self.shared.get(name) {
                full.insert(name.as_str(), v);
            }
        }
        out
    }

    /// The page at `url`: from its trace when nothing it read has changed,
    /// else made by `make` (and traced, when pages are remembered).
    fn traced(&self, url: &str, make: impl Fn() -> Result<Bytes, Diagnostic>) -> Result<Bytes, Diagnostic> {
        let Some(traces) = &self.traces else { return make() };
        let key = traces.now.key(url);
        if let Some(t) = traces.memo.get_if(&key, |t| traces.now.holds(t)) {
            // A read that is not recorded would leave the page stale: the tests catch it here.
            #[cfg(debug_assertions)]
            if let Ok(page) = make() {
                assert!(
                    page == t.page,
                    "{url} taken from its trace differs from the page made again: a read is not recorded"
                );
            }
            return Ok(t.page.clone());
        }
        let (page, reads) = trace::recording(make);
        let page = page?;
        traces.memo.put(key, Arc::new(traces.now.trace(reads, page.clone())));
        Ok(page)
    }

    /// A document page.
    pub fn document(&self, i: usize, all: &[Arc<Rendered>]) -> Result<Bytes, Diagnostic> {
        trace::read(Read::Body(i));
        let d = &self.site.docs[i];
        let mut ctx = self.base(&d.url, self.doc_crumbs(i, false));
        put(&mut ctx, "doc", self.doc_view(i, d, &all[i], Some(all)));
        self.render(&self.doc_template(d), ctx, &d.url)
    }

    /// Front page, kind listing, the parents, and (for pages under a
    /// document, such as its history) the document itself.
    pub(super) fn doc_crumbs(&self, i: usize, with_doc: bool) -> Vec<Value> {
        let d = &self.site.docs[i];
        let rel = &self.site.relations;
        trace::read(Read::Meta(i));
        trace::read(Read::Around(i));
        let mut crumbs = vec![self.home_crumb()];
        if d.kind != Kind::Page {
            crumbs.push(self.crumb(&self.label(&format!("{}_plural", d.kind.label_key())), &listing_url(d.kind)));
        }
        let mut ancestors = Vec::new();
        let mut at = rel.parent[i];
        while let Some(p) = at {
            if ancestors.contains(&p) || ancestors.len() > 8 {
                break;
            }
            trace::read(Read::Meta(p));
            trace::read(Read::Around(p));
            ancestors.push(p);
            at = rel.parent[p];
        }
        if with_doc {
            ancestors.insert(0, i);
        }
        for &p in ancestors.iter().rev() {
            crumbs.push(self.crumb(&self.site.docs[p].fm.title, &self.site.docs[p].url));
        }
        crumbs
    }

    /// The kind's own template if the theme has one, else `document.html`.
    pub(super) fn doc_template(&self, d: &Document) -> String {
        let template = format!("{}.html", d.kind.name());
        if self.tera.get_template_names().any(|n| n == template) { template } else { "document.html".into() }
    }

    /// "Henvist fra": documents linking here, with the sections the links sit in.
    fn backlinks(&self, i: usize, all: &[Arc<Rendered>]) -> Vec<Value> {
        self.graph
            .backlinks(i)
            .map(|b| {
                let source = self.link(b.from);
                trace::read(Read::Body(b.from));
                let sections: Vec<Value> = b
                    .sections()
                    .filter_map(|id| all[b.from].toc.iter().find(|h| h.id == id))
                    .map(|h| json!({ "id": h.id, "title": h.title, "url": format!("{}#{}", source.url, h.id) }))
                    .collect();
                json!({ "id": source.id, "title": source.title, "url": source.url, "kind_label": source.kind_label, "sections": sections })
            })
            .collect()
    }

    /// The template view of document `i` with body `r`; backlinks are read
    /// from `all` bodies (none for an old version's page).
    pub(super) fn doc_view(&self, i: usize, d: &Document, r: &Rendered, all: Option<&[Arc<Rendered>]>) -> Value {
        trace::read(Read::Meta(i));
        trace::read(Read::Around(i));
        let rel = &self.site.relations;
        let link = |j: &usize| self.link(*j);
        let links = |v: &[usize]| v.iter().map(link).collect::<Vec<_>>();
        let fm = &d.fm;
        let tags: Vec<Value> = fm
            .tags
            .iter()
            .filter_map(|t| {
                let slug = self.site.slug(t);
                trace::read(Read::Name(Facet::Tags, slug.to_string()));
                self.site.tags.get(&*slug)
            })
            .map(|t| json!({ "name": t.name, "url": t.url }))
            .collect();
        let toc: Vec<Value> = r
            .toc
            .iter()
            .map(|h| {
                let incoming: Vec<&LinkView> = self.graph.links_to_heading(i, &h.id).map(|j| self.link(j)).collect();
                json!({ "level": h.level, "id": h.id, "title": h.title, "incoming": incoming })
            })
            .collect();
        let backlinks = all.map_or_else(Vec::new, |all| self.backlinks(i, all));
        let mut view = json!({
            "id": d.id, "title": fm.title, "summary": fm.summary, "url": d.url,
            "kind": d.kind.name(), "kind_label": self.label(&d.kind.label_key()),
            "version": fm.version,
            "status": fm.status.map(|s| s.name()).unwrap_or_default(),
            "status_label": fm.status.map(|s| self.label(&s.label_key())).unwrap_or_default(),
            "effective": fm.effective.map(|x| date_view(x, &self.lang)),
            "expires": fm.expires.map(|x| date_view(x, &self.lang)),
            "review_by": fm.review_by.map(|x| date_view(x, &self.lang)),
            "owner": fm.owner, "region": fm.region, "period": fm.period, "change_note": fm.change_note,
            "owner_org": (!fm.owner.is_empty()).then(|| self.organisation(&fm.owner)),
            "region_org": (!fm.region.is_empty()).then(|| self.organisation(&fm.region)),
            "parties": fm.parties.iter().map(|p| self.organisation(p)).collect::<Vec<_>>(), "sectors": fm.sectors, "audience": fm.audience, "aliases": fm.aliases,
            "approvals": fm.approvals.iter().map(|a| json!({
                "body": a.body, "date": a.date.map(|x| date_view(x, &self.lang)), "note": a.note,
            })).collect::<Vec<_>>(),
            "content": &*r.html,
            "state": self.state(d.fm.status, d.fm.effective, d.fm.expires),
            "last_changed": self.versions.history[i].last_changed.map(|x| date_view(x, &self.lang)),
            "history_url": self.history_url(i),
            "parent": rel.parent[i].as_ref().map(link),
            "children": links(&rel.children[i]),
            "programme": rel.programme[i].as_ref().map(link),
            "programme_members": links(&rel.members[i]),
            "related": links(&rel.related[i]),
            "supersedes": rel.supersedes[i].as_ref().map(link),
            "superseded_by": links(&rel.superseded_by[i]),
        });
        // Moved in: `json!` would copy them.
        view["tags"] = Value::Array(tags);
        view["toc"] = Value::Array(toc);
        view["backlinks"] = Value::Array(backlinks);
        view
    }

    /// What a page shows of a link to document `j`.
    fn link(&self, j: usize) -> &LinkView {
        trace::read(Read::Meta(j));
        &self.docs.links[j]
    }

    /// The listing row of document `j`.
    fn row(&self, j: usize) -> &Value {
        trace::read(Read::Meta(j));
        self.row_values[j].get_or_init(|| json!(self.docs.rows[j]))
    }

    /// The rows of the document table of `docs` (in this order) on a page
    /// whose `root` is given, as `row.html` makes them. Each row is made
    /// once per build and variant, and in `pactum serve` taken from the last
    /// build while its variables are the same.
    fn rows_html(&self, docs: &[usize], root: &str, show_kind: bool) -> Result<String, Diagnostic> {
        let variant = row_variant(root, show_kind);
        let mut out = String::new();
        for &i in docs {
            let row = self.row(i);
            let slot = variant.map(|v| &self.row_html[i][v]);
            let html = match slot.and_then(OnceLock::get) {
                Some(html) => html.clone(),
                None => {
                    let html = self.row_of(i, row, root, show_kind, variant)?;
                    slot.map(|s| s.set(html.clone()));
                    html
                }
            };
            out.push_str(&html);
        }
        Ok(out)
    }

    /// Row `row` of document `i` (of `variant`, [`row_variant`]) made by
    /// `row.html`, or as the last build made it.
    fn row_of(
        &self,
        i: usize,
        row: &Value,
        root: &str,
        show_kind: bool,
        variant: Option<usize>,
    ) -> Result<Arc<str>, Diagnostic> {
        let remembered = self.pages.rows.zip(self.pages.salt).zip(self.pages.templates).map(|((rows, salt), t)| {
            let template = t.get(ROW_TEMPLATE).copied().unwrap_or_default();
            let key = BuildMemo::row_key(&salt, &template, root, show_kind, row);
            let name = (Box::<str>::from(self.site.docs[i].url.as_str()), variant.map_or(u8::MAX, |v| v as u8));
            (rows, key, name)
        });
        if let Some((rows, key, name)) = &remembered
            && let Some((k, html)) = rows.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(name)
            && k == key
        {
            return Ok(html.clone());
        }
        let mut ctx = Context::new();
        ctx.insert("d", row);
        ctx.insert("root", root);
        ctx.insert("show_kind", &show_kind);
        let html = self.with_shared(ctx, |ctx| self.tera.render(ROW_TEMPLATE, ctx));
        let html: Arc<str> = html.map_err(|e| template_error(&e, None, self.layouts))?.into();
        if let Some((rows, key, name)) = remembered {
            rows.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(name, (key, html.clone()));
        }
        Ok(html)
    }

    /// The `listing` variable: a title, the kind (empty for mixed kinds) and
    /// the rows of `docs` in A–Z order (moved in: `json!` would copy them).
    fn listing_value(&self, title: String, kind: &str, docs: &mut [usize]) -> Value {
        docs.sort_by_key(|&i| self.docs.row_rank[i]);
        let mut listing = json!({ "title": title, "intro": "", "kind": kind });
        listing["docs"] = Value::Array(docs.iter().map(|&i| self.row(i).clone()).collect());
        listing
    }

    /// Render a page with a document table of `docs`: its rows are made
    /// (or taken) after the page's key, into the variable `rows_var`.
    fn render_table(
        &self,
        template: &str,
        ctx: Context,
        url: &str,
        (rows_var, docs, show_kind): (&'static str, Vec<usize>, bool),
    ) -> Result<Bytes, Diagnostic> {
        let root = root_of(url);
        let rows = std::cell::RefCell::new(None);
        let page = self.render_then(
            template,
            ctx,
            url,
            &[ROW_TEMPLATE],
            Box::new(|ctx: &mut Context| match self.rows_html(&docs, &root, show_kind) {
                Ok(html) => ctx.insert(rows_var, &html),
                Err(e) => *rows.borrow_mut() = Some(e),
            }),
        );
        match rows.into_inner() {
            Some(e) => Err(e),
            None => page,
        }
    }

    /// The listing page of one kind.
    pub fn listing(&self, kind: Kind) -> Result<Bytes, Diagnostic> {
        let url = listing_url(kind);
        trace::read(Read::Kind(kind));
        let mut docs: Vec<usize> = (0..self.site.docs.len()).filter(|&i| self.site.docs[i].kind == kind).collect();
        let mut ctx = self.base(&url, vec![self.home_crumb()]);
        put(
            &mut ctx,
            "listing",
            self.listing_value(self.label(&format!("{}_plural", kind.label_key())), kind.name(), &mut docs),
        );
        self.render_table("listing.html", ctx, &url, ("rows", docs, false))
    }

    /// The index of a facet: every tag, or every organisation.
    pub fn group_index(&self, facet: Facet) -> Result<Bytes, Diagnostic> {
        let url = facet.index_url();
        trace::read(Read::Groups);
        let mut ctx = self.base(&url, vec![self.home_crumb()]);
        let groups: Vec<Value> = facet
            .groups(self.site)
            .values()
            .map(|t| json!({ "name": t.name, "url": t.url, "count": t.docs.len() }))
            .collect();
        ctx.insert("facet", &self.facet_view(facet));
        ctx.insert("groups", &groups);
        self.render("groups.html", ctx, &url)
    }

    /// The page of one tag or organisation.
    pub fn group(&self, facet: Facet, slug: &str) -> Result<Bytes, Diagnostic> {
        trace::read(Read::Groups);
        trace::read(Read::Group(facet, slug.to_string()));
        let group = &facet.groups(self.site)[slug];
        let crumbs = vec![self.home_crumb(), self.crumb(&self.label(facet.name()), &facet.index_url())];
        let mut ctx = self.base(&group.url, crumbs);
        ctx.insert("facet", &self.facet_view(facet));
        let title = format!("{} {}", self.label(facet.title_prefix_key()), group.name);
        let mut docs = group.docs.clone();
        put(&mut ctx, "listing", self.listing_value(title, "", &mut docs));
        self.render_table("group.html", ctx, &group.url, ("rows", docs, true))
    }

    fn facet_view(&self, facet: Facet) -> Value {
        let name = facet.name();
        json!({
            "name": name, "title": self.label(name), "url": facet.index_url(),
            "intro": self.label(&format!("{name}_intro")),
            "all": self.label(&format!("all_{name}")), "empty": self.label(&format!("no_{name}")),
        })
    }

    /// The URL of the organisation page for `name`, if it has one.
    fn organisation(&self, name: &str) -> Value {
        let slug = self.site.slug(name);
        trace::read(Read::Name(Facet::Organisations, slug.to_string()));
        let url = self.site.organisations.get(&*slug).map(|g| g.url.clone());
        json!({ "name": name, "url": url })
    }

    /// The front page, with the body of `content/index.md` as its intro.
    pub fn home(&self, intro: &str) -> Result<Bytes, Diagnostic> {
        let url = "index.html";
        trace::read(Read::All);
        for i in 0..self.site.docs.len() {
            trace::read(Read::Meta(i));
        }
        let mut ctx = self.base(url, vec![]);
        let title = self.site.home_doc().map_or(self.site.config.title.clone(), |i| self.site.docs[i].fm.title.clone());
        let mut recent: Vec<usize> = (0..self.site.docs.len())
            .filter(|&i| self.site.docs[i].kind != Kind::Page && self.site.docs[i].fm.effective.is_some())
            .collect();
        recent.sort_by(|&a, &b| {
            let (x, y) = (&self.site.docs[a], &self.site.docs[b]);
            y.fm.effective.cmp(&x.fm.effective).then(x.source.cmp(&y.source))
        });
        recent.truncate(10);
        ctx.insert("intro", intro);
        ctx.insert("home_title", &title);
        ctx.insert("recent", &recent.iter().map(|&i| self.row(i)).collect::<Vec<_>>());
        ctx.insert("kinds", &self.docs.kinds);
        self.render_table("home.html", ctx, url, ("recent_rows", recent, true))
    }

    pub fn not_found(&self) -> Result<Bytes, Diagnostic> {
        let mut ctx = self.base("404.html", vec![self.home_crumb()]);
        // A host shows 404.html at any depth: with a known base URL, links are absolute.
        if !self.site.config.base_url.is_empty() {
            ctx.insert("root", &self.site.config.base_url);
        }
        self.render("404.html", ctx, "404.html")
    }

    /// The search page: results come from JavaScript; without it, the A–Å list.
    pub fn search_page(&self) -> Result<Bytes, Diagnostic> {
        let url = crate::search::PAGE_URL;
        let mut ctx = self.base(url, vec![self.home_crumb()]);
        // The kinds' counts, and the letters.
        for k in listed_kinds() {
            trace::read(Read::Kind(k));
        }
        put(&mut ctx, "az", self.az_nav(None));
        ctx.insert("kinds", &self.docs.kinds);
        self.render("search.html", ctx, url)
    }

    /// The A–Å list, made once.
    fn az(&self) -> &[crate::search::Letter] {
        self.az.get_or_init(|| {
            let docs: Vec<(&str, &str)> =
                self.site.docs.iter().map(|d| (d.fm.title.as_str(), d.url.as_str())).collect();
            crate::search::az(&docs)
        })
    }

    /// The letters of the A–Å list: `[{letter, url, current}]`.
    fn az_nav(&self, current: Option<&str>) -> Value {
        trace::read(Read::Letters);
        Value::Array(
            self.az()
                .iter()
                .map(|l| {
                    json!({
                        "letter": l.letter,
                        "url": crate::search::letter_url(&l.letter),
                        "current": current == Some(l.letter.as_str()),
                    })
                })
                .collect(),
        )
    }

    /// The A–Å page of one letter.
    pub fn letter_page(&self, letter: &str) -> Result<Bytes, Diagnostic> {
        let url = crate::search::letter_url(letter);
        trace::read(Read::Letter(letter.to_string()));
        let search = self.crumb(&self.label("search"), crate::search::PAGE_URL);
        let mut ctx = self.base(&url, vec![self.home_crumb(), search]);
        let docs = self.az().iter().find(|l| l.letter == letter).map_or(&[][..], |l| &l.docs[..]);
        let mut value = json!({ "letter": letter });
        value["docs"] = Value::Array(docs.iter().map(|&i| self.row(i).clone()).collect());
        put(&mut ctx, "letter", value);
        put(&mut ctx, "az", self.az_nav(Some(letter)));
        self.render("letter.html", ctx, &url)
    }

    /// Render all pages in parallel: output path → finished page.
    pub fn all_pages(&self, rendered: &[Arc<Rendered>]) -> (Vec<(String, Bytes)>, Vec<Diagnostic>) {
        let home = self.site.home_doc();
        let mut jobs: Vec<Job> = (0..self.site.docs.len()).filter(|i| Some(*i) != home).map(Job::Doc).collect();
        jobs.push(Job::Home);
        jobs.push(Job::NotFound);
        jobs.extend(Facet::ALL.map(Job::GroupIndex));
        jobs.push(Job::Search);
        jobs.extend(self.site.letters().into_iter().map(Job::Letter));
        jobs.extend(listed_kinds().filter(|k| self.site.docs.iter().any(|d| d.kind == *k)).map(Job::Listing));
        for facet in Facet::ALL {
            jobs.extend(facet.groups(self.site).keys().map(|s| Job::Group(facet, s.clone())));
        }
        jobs.extend(self.history_jobs(rendered).into_iter().map(Job::History));
        let results: Vec<Result<(String, Bytes), Diagnostic>> = jobs
            .par_iter()
            .map(|job| {
                let url = match job {
                    Job::Doc(i) => self.site.docs[*i].url.clone(),
                    Job::Home => "index.html".into(),
                    Job::NotFound => "404.html".into(),
                    Job::GroupIndex(f) => f.index_url(),
                    Job::Search => crate::search::PAGE_URL.into(),
                    Job::Letter(l) => crate::search::letter_url(l),
                    Job::Listing(k) => listing_url(*k),
                    Job::Group(f, s) => f.groups(self.site)[s].url.clone(),
                    Job::History(h) => self.history_url_of(h),
                };
                let page = self.traced(&url, || match job {
                    Job::Doc(i) => self.document(*i, rendered),
                    Job::Home => {
                        home.inspect(|&i| trace::read(Read::Body(i)));
                        self.home(home.map_or("", |i| &*rendered[i].html))
                    }
                    Job::NotFound => self.not_found(),
                    Job::GroupIndex(f) => self.group_index(*f),
                    Job::Search => self.search_page(),
                    Job::Letter(l) => self.letter_page(l),
                    Job::Listing(k) => self.listing(*k),
                    Job::Group(f, s) => self.group(*f, s),
                    Job::History(h) => self.history_job(h, rendered),
                })?;
                Ok((url, page))
            })
            .collect();
        let mut pages = Vec::new();
        let mut diags = Vec::new();
        for r in results {
            match r {
                Ok(p) => pages.push(p),
                Err(d) => {
                    if !diags.iter().any(|x: &Diagnostic| x.message == d.message) {
                        diags.push(d);
                    }
                }
            }
        }
        (pages, diags)
    }
}

enum Job {
    Doc(usize),
    Home,
    NotFound,
    GroupIndex(Facet),
    Search,
    /// The A–Å page of one letter.
    Letter(String),
    Listing(Kind),
    Group(Facet, String),
    History(HistoryJob),
}

/// The ways of grouping documents besides kind: by tag and by organisation
/// (owner, region and parties). Each has an index page and a page per group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    Tags,
    Organisations,
}

impl Facet {
    pub const ALL: [Facet; 2] = [Facet::Tags, Facet::Organisations];

    /// Its name in templates, and the key of its UI label.
    fn name(self) -> &'static str {
        match self {
            Facet::Tags => "tags",
            Facet::Organisations => "organisations",
        }
    }

    fn title_prefix_key(self) -> &'static str {
        match self {
            Facet::Tags => "tag_title_prefix",
            Facet::Organisations => "organisation_title_prefix",
        }
    }

    pub(super) fn groups(self, site: &Site) -> &BTreeMap<String, Group> {
        match self {
            Facet::Tags => &site.tags,
            Facet::Organisations => &site.organisations,
        }
    }

    pub fn index_url(self) -> String {
        match self {
            Facet::Tags => format!("{TAGS_FOLDER}/index.html"),
            Facet::Organisations => format!("{ORGS_FOLDER}/index.html"),
        }
    }
}

/// Kinds that have a listing page (every kind but `page`).
fn listed_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.into_iter().filter(|k| *k != Kind::Page)
}

pub fn listing_url(kind: Kind) -> String {
    format!("{}/index.html", kind.folder())
}

fn date_view(d: Date, lang: &str) -> DateView {
    DateView { iso: d.iso(), text: d.long(lang) }
}

/// `sitemap.xml` for a site with a known base URL.
pub fn sitemap(base_url: &str, urls: &[&str]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        let u = u.strip_suffix("index.html").unwrap_or(u);
        s.push_str(&format!("  <url><loc>{}</loc></url>\n", escape_html(&format!("{base_url}{u}"))));
    }
    s.push_str("</urlset>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("Sårbare gravide / KOL"), "Sårbare gravide / KOL");
        assert_eq!(
            escape_html("<img src=x onerror='a(\"ø\")'>&æ"),
            "&lt;img src=x onerror=&#39;a(&quot;ø&quot;)&#39;&gt;&amp;æ"
        );
    }
}
