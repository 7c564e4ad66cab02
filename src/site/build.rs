//! One full build, from the site folder to an in-memory [`OutputSet`].
//!
//! Nothing is written here: the caller writes the set only when the build
//! has no errors, so a failed build never leaves a half-written site.

use super::assemble::{Site, assemble};
use super::bodies::{Bodies, render_body};
use super::checks;
use super::graph::Graph;
use super::links::{LinkContext, check_anchors};
use super::memo::{BuildMemo, Key};
use super::output::OutputSet;
use super::render::{Pages, Versions, Views, load_templates, register_graph, sitemap};
use super::trace;
use super::versions;
use crate::assets;
use crate::config::{Config, normalise_base_url};
use crate::content::load::load;
use crate::date::Date;
use crate::diag::{self, Diagnostic};
use crate::external::ExternalLink;
use crate::markdown::{self, Rendered};
use crate::memo::Parts;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tera::Tera;

/// What to build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// Overrides `base_url` of the config.
    pub base_url: Option<String>,
    /// The day statuses and review dates are judged by (default: today, or `SOURCE_DATE_EPOCH`).
    pub today: Option<Date>,
    /// Pages and bodies of earlier builds, reused when nothing they are made from changed (`serve`).
    pub memo: Option<Arc<BuildMemo>>,
    /// The pages of the last `build` into the output folder, reused when their key is the same.
    pub page_cache: Option<Arc<super::page_cache::PageCache>>,
    /// With a memo: the paths a watcher reported since the memo's last build.
    /// Markdown files not among them are taken as they were, without a look
    /// at the disk. None: any file may have changed.
    pub changed: Option<Vec<PathBuf>>,
}

/// The result of a build: the output (empty if there were errors) and every problem.
#[derive(Default)]
pub struct Built {
    pub output: OutputSet,
    pub diags: Vec<Diagnostic>,
    pub documents: usize,
    /// Files read from disk (`serve` does not read files that did not change).
    pub files_read: usize,
    /// Every external link of every document (checked only by `check --external`).
    pub external: Vec<ExternalLink>,
    pub timings: Vec<Lap>,
    /// What reading the version history cost (commits compared, blobs parsed).
    pub history: crate::history::Stats,
}

impl Built {
    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    fn fail(mut self, mut diags: Vec<Diagnostic>) -> Built {
        self.diags.append(&mut diags);
        diag::sort(&mut self.diags);
        self.output.clear();
        self
    }
}

/// One phase of a build, for `pactum build --timings`.
#[derive(Debug, Clone)]
pub struct Lap {
    pub name: &'static str,
    pub took: Duration,
    /// The process's memory when the phase ended (Linux only).
    pub memory: Option<Memory>,
}

/// Resident memory of this process, in bytes, and the CPU time it has used.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub now: u64,
    /// The highest so far.
    pub peak: u64,
    /// User + system time of all threads so far.
    pub cpu: Duration,
}

impl Memory {
    /// `VmRSS` and `VmHWM` from /proc/self/status; None where there is none.
    pub fn now() -> Option<Memory> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let kb = |key: &str| -> Option<u64> {
            let line = status.lines().find(|l| l.starts_with(key))?;
            Some(line[key.len()..].trim().trim_end_matches("kB").trim().parse::<u64>().ok()? * 1024)
        };
        // /proc/self/stat: utime and stime are fields 14 and 15, in clock ticks
        // (100 per second on Linux); field 2 may contain spaces, so count after `)`.
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
        let ticks = fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?;
        Some(Memory { now: kb("VmRSS:")?, peak: kb("VmHWM:")?, cpu: Duration::from_millis(ticks * 10) })
    }
}

/// Build the site under `opts.root` into memory.
pub fn build(opts: &BuildOptions) -> Built {
    let mut built = Built::default();
    let mut clock = Instant::now();
    let mut lap = |built: &mut Built, name: &'static str| {
        built.timings.push(Lap { name, took: clock.elapsed(), memory: Memory::now() });
        clock = Instant::now();
    };
    let root = &opts.root;
    if !root.join("content").is_dir() {
        let d =
            Diagnostic::error("no-content", Path::new("content"), format!("{} has no content/ folder", root.display()))
                .help("run pactum in a site folder, pass --root, or create one with `pactum init`");
        return built.fail(vec![d]);
    }
    let mut config = match Config::load(root) {
        Ok(c) => c,
        Err(d) => return built.fail(d),
    };
    if let Some(url) = &opts.base_url {
        match normalise_base_url(url) {
            Some(u) => config.base_url = u,
            None => {
                let d =
                    Diagnostic::error("base-url", Path::new("--base-url"), format!("`{url}` is not an http(s) URL"))
                        .help("write the full address, e.g. https://example.org/aftaler/");
                return built.fail(vec![d]);
            }
        }
    }
    let loaded = load(root, &config, opts.drafts, opts.memo.as_deref().map(|m| &m.files), opts.changed.as_deref());
    built.diags = loaded.diags;
    built.files_read = loaded.read;
    lap(&mut built, "load");
    let (site, mut diags, site_key) = match opts.memo.as_deref() {
        Some(m) => {
            let (site, diags, key) = m.site.assemble(config, loaded.docs, &loaded.drafts);
            (site, diags, Some(key))
        }
        None => {
            let (site, diags) = assemble(config, loaded.docs, &loaded.drafts);
            (site, diags, None)
        }
    };
    built.diags.append(&mut diags);
    built.documents = site.docs.len();
    let history = crate::history::collect(root, &site.docs);
    built.diags.extend(history.diags.iter().cloned());
    built.history = history.stats;
    lap(&mut built, "history");
    let today = opts.today.unwrap_or_else(Date::today);
    let draft_paths: Vec<PathBuf> = loaded.drafts.iter().map(|d| d.rel.clone()).collect();
    let draft_ids: Vec<String> = loaded.drafts.iter().map(|d| d.id.clone()).collect();
    let links = LinkContext {
        site: &site,
        drafts: &draft_paths,
        drafts_ids: &draft_ids,
        history: &history.docs,
        history_complete: history.complete,
        table_word: if site.config.language == "en" { "Table" } else { "Tabel" },
    };
    let bodies = opts.memo.as_deref().map(|m| Bodies::new(&m.bodies, &site, &loaded.drafts, &history));
    let bodies = bodies.as_ref();
    let mut rendered = render_bodies(&site, &links, bodies);
    for (r, d) in rendered.iter().zip(&site.docs) {
        built.diags.extend(r.diags.iter().cloned());
        built.external.extend(r.external.iter().map(|(url, pos)| ExternalLink {
            url: url.clone(),
            file: d.source.clone(),
            text: d.text.clone(),
            pos: *pos,
        }));
    }
    built.diags.extend(check_anchors(&site, &rendered));
    let graph = Graph::build(&site, &rendered);
    built.diags.extend(checks::check(&site, &rendered, &graph));
    built.diags.extend(checks::reviews(&site, today));
    let old = versions::render_old(&site, &history.docs, &links, bodies);
    lap(&mut built, "markdown");
    let theme = assets::layouts(root).and_then(|l| Ok((l, assets::assets(root)?)));
    let (layouts, asset_files) = match theme {
        Ok(t) => t,
        Err(d) => return built.fail(d),
    };
    let layouts_key = layouts_key(&layouts);
    let tera = match templates(&layouts, &layouts_key, opts.memo.as_deref()) {
        Ok(t) => t,
        Err(d) => return built.fail(d),
    };
    // Only templates that call `relation_graph()` depend on every title and link;
    // the whole-site graph is made only for them.
    let uses_graph = layouts.values().any(|b| super::layout_deps::calls_relation_graph(b));
    let mut with_graph = None;
    let graph_hash = uses_graph.then(|| register_graph(with_graph.insert(Tera::clone(&tera)), &site, &graph));
    let tera = with_graph.as_ref().unwrap_or(&tera);
    let mut output = OutputSet::new();
    let mut asset_urls = BTreeMap::new();
    for (rel, bytes) in asset_files {
        let name = assets::output_name(&rel, &bytes);
        asset_urls.insert(assets::var_name(&rel), name.clone());
        output.insert(name, bytes.into());
    }
    let minify = site.config.minify;
    let memo = opts.memo.as_deref().map(|m| &m.pages);
    let cache = opts.page_cache.as_deref();
    let keyed = memo.is_some() || cache.is_some();
    let salt = keyed.then(|| page_salt(tera, minify));
    let template_keys = keyed.then(|| super::layout_deps::template_keys(tera, &layouts, graph_hash.as_ref()));
    let versions = Versions { history: &history.docs, old: &old, today };
    let rows = opts.memo.as_deref().map(|m| &m.rows);
    let doc_views = opts.memo.as_deref().zip(site_key).map(|(m, key)| (&m.doc_views, key));
    let pages = Pages { minify, memo, rows, cache, salt, templates: template_keys.as_ref(), doc_views };
    let mut views = Views::new(&site, tera, &layouts, &graph, asset_urls, versions, pages);
    if let (Some(m), Some(page_salt)) = (opts.memo.as_deref(), views.page_salt()) {
        let templates = template_keys.as_ref().expect("pages are keyed when there is a salt");
        let inputs = trace::Inputs {
            rendered: &rendered,
            graph: &graph,
            history: &history.docs,
            old: &old,
            page_salt,
            templates,
            today,
        };
        views.traces = Some(trace::Traces { memo: &m.traces, now: trace::Fingerprints::new(&site, &inputs, &m.names) });
    }
    let (pages, mut diags) = views.all_pages(&rendered);
    built.diags.append(&mut diags);
    let feed_title = views.t_get("feed_title");
    drop(views);
    drop(old);
    drop(graph);
    lap(&mut built, "render");
    if built.has_errors() {
        return built.fail(Vec::new());
    }
    // The pages hold the bodies' HTML now; search reads only text and sections.
    for r in &mut rendered {
        // Shared with the serve memo, a body stays as it is.
        if let Some(r) = Arc::get_mut(r) {
            r.html = Arc::from("");
        }
    }
    if site.config.search {
        output.extend(crate::search::files(&site, &rendered, opts.memo.as_deref().map(|m| &m.search)));
        lap(&mut built, "search");
    }
    if !site.config.base_url.is_empty() {
        let mut urls: Vec<&str> = pages.iter().map(|(u, _)| u.as_str()).filter(|u| *u != "404.html").collect();
        urls.sort();
        output.insert("sitemap.xml".into(), sitemap(&site.config.base_url, &urls).into());
    }
    output.insert("feed.xml".into(), versions::feed(&site, &history.docs, &feed_title).into());
    output.extend(pages);
    built.output = output;
    diag::sort(&mut built.diags);
    if let (Some(m), Some(key)) = (opts.memo.as_deref(), site_key) {
        m.site.keep(key, site);
    }
    built
}

/// The hash of the layout files, names and bytes.
fn layouts_key(layouts: &assets::Files) -> Key {
    let mut h = Parts::new();
    for (name, bytes) in layouts {
        h.add(name.as_bytes()).add(bytes);
    }
    h.key()
}

/// The templates, parsed (or, with a memo, as parsed by an earlier build
/// from the same files: those whose hash is `key`).
fn templates(layouts: &assets::Files, key: &Key, memo: Option<&BuildMemo>) -> Result<Arc<Tera>, Vec<Diagnostic>> {
    let Some(memo) = memo else { return load_templates(layouts).map(Arc::new) };
    let mut last = memo.templates.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((k, tera)) = last.as_ref()
        && k == key
    {
        return Ok(Arc::clone(tera));
    }
    let tera = Arc::new(load_templates(layouts)?);
    *last = Some((*key, Arc::clone(&tera)));
    Ok(tera)
}

/// What every page depends on besides its own context and its template's
/// files: the minify setting, and the names of the templates (a document's
/// template is chosen by whether one for its kind exists).
fn page_salt(tera: &Tera, minify: bool) -> blake3::Hash {
    let mut h = Parts::new();
    h.add(&[u8::from(minify)]);
    let mut names: Vec<&str> = tera.get_template_names().collect();
    names.sort_unstable();
    for name in names {
        h.add(name.as_bytes());
    }
    h.hash()
}

fn render_bodies(site: &Site, links: &LinkContext<'_>, memo: Option<&Bodies<'_>>) -> Vec<Arc<Rendered>> {
    (0..site.docs.len())
        .into_par_iter()
        .map(|i| {
            let d = &site.docs[i];
            let src = d.markdown_source(links.table_word);
            render_body(memo, &d.url, &d.rel, &d.content_key, &links.at(i, None), |resolve| {
                let mut r = markdown::render_with(&src, resolve, &site.config.raw_html);
                checks::placeholders(d, &mut r.diags);
                r
            })
        })
        .collect()
}
