//! Markdown to HTML with pulldown-cmark, plus what pactum adds on the way:
//! stable unique heading ids, a table of contents, scrollable tables with
//! `<th scope>`, labelled task-list boxes, raw HTML shown as text (or, when a
//! site allows it, sanitised with ammonia: see [`RawHtml`]), unsafe URLs
//! neutralised and links resolved by the caller.
//!
//! This module knows nothing about sites: the caller passes a [`Resolve`]
//! that turns a link destination into a URL, and gets back the links it
//! resolved so it can check anchors and build backlinks afterwards.

use crate::diag::{Diagnostic, Pos};
use crate::slug::slugify;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// A heading of the body, for the table of contents and anchor checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A stretch of body text under one heading (or before the first one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Heading id; `None` for the text before the first heading.
    pub id: Option<String>,
    pub title: String,
    /// Plain text of the section, headings excluded.
    pub text: String,
}

/// What a link destination turned out to be.
pub enum Target {
    /// Leave the destination as written (external or unmanaged).
    Keep,
    /// A document of the site: the URL to write, what to check later, and
    /// the text to show for an `[[id]]` link written without text.
    Internal { url: String, doc: usize, anchor: Option<String>, title: String, warning: Option<Box<Diagnostic>> },
    /// A problem to report; the link is written as `#`.
    Broken(Diagnostic),
}

/// How a link was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `[text](dest)`: a URL or a relative path to a markdown file.
    Path,
    /// `[[id]]`, `[[id#anchor]]`, `[[id|text]]`, `[[id@version]]`.
    Id,
}

/// Resolves link destinations; `pos` is where the link starts in the file.
pub trait Resolve {
    fn resolve(&self, dest: &str, form: Form, pos: Pos) -> Target;
}

/// A link to a document of the site, kept for anchor checks and backlinks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InternalLink {
    pub doc: usize,
    pub anchor: Option<String>,
    pub pos: Pos,
    /// The id of the heading the link sits under, if any.
    pub from_section: Option<String>,
}

/// The rendered body of one document.
#[derive(Clone, Debug, Default)]
pub struct Rendered {
    /// Shared, as are the sections: a body reused under new document
    /// numbers is copied without them.
    pub html: Arc<str>,
    pub toc: Vec<Heading>,
    pub links: Vec<InternalLink>,
    /// External http(s) links with where they were written.
    pub external: Vec<(String, Pos)>,
    /// The body's plain text cut at its headings: the text before the first heading, then one per heading.
    pub sections: Arc<[Section]>,
    pub diags: Vec<Diagnostic>,
    /// The hash of what a page may show of the body (HTML, headings, sections),
    /// set by `pactum serve`, which tells from it whether pages showing it must
    /// be made again; zero otherwise.
    pub fingerprint: [u8; 32],
}

/// Ids the page templates use themselves, never given to headings.
const RESERVED_IDS: &[&str] = &["main", "top", "toc", "indhold", "search", "footnotes"];

/// Where the body sits in its file, for positions in diagnostics.
pub struct Source<'a> {
    pub file: &'a Path,
    /// The whole file text.
    pub text: &'a str,
    pub body_start: usize,
    pub body_pos: Pos,
    /// The word for "table" in the UI language, for table labels.
    pub table_word: &'a str,
}

impl Source<'_> {
    fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    fn pos(&self, offset: usize) -> Pos {
        Pos::at(self.body(), offset, self.body_pos)
    }
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// What raw HTML in a document may do (`raw_html:` in `pactum.yaml`).
///
/// By default (`allow: false`) raw HTML is shown as text with a `raw-html`
/// warning. A trusted site may set `allow: true`: raw HTML is then rendered,
/// after ammonia has removed everything but [`RawHtml::BASE_TAGS`] (plus the
/// site's extra `tags`), their plain attributes, and links other than
/// http(s), mailto and tel. Scripts, styles, event handlers, frames and
/// embedded objects are always removed, each removal with a warning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawHtml {
    /// Render sanitised raw HTML instead of showing it as text.
    pub allow: bool,
    /// Tags allowed on top of [`RawHtml::BASE_TAGS`] (lower case, each one
    /// that [`RawHtml::refuse_tag`] accepts).
    pub tags: Vec<String>,
}

impl RawHtml {
    /// The tags raw HTML may use once it is allowed: what markdown can write
    /// itself, plus harmless text semantics.
    #[rustfmt::skip]
    pub const BASE_TAGS: &'static [&'static str] = &[
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details", "dfn", "div", "dl",
        "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
        "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table",
        "tbody", "td", "th", "thead", "time", "tr", "u", "ul", "var", "wbr",
    ];

    /// Removed together with everything inside them, whatever the config says.
    #[rustfmt::skip]
    const REMOVED_WITH_CONTENT: &'static [&'static str] = &[
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript", "noembed",
        "noframes", "template", "svg", "math", "xmp",
    ];

    /// Attributes allowed on top of ammonia's conservative defaults.
    const EXTRA_ATTRIBUTES: &'static [(&'static str, &'static [&'static str])] = &[
        ("details", &["open"]),
        ("ol", &["reversed"]),
        ("li", &["value"]),
        ("time", &["datetime"]),
        ("data", &["value"]),
    ];

    /// The URL schemes links in raw HTML may use (relative links are kept).
    const URL_SCHEMES: &'static [&'static str] = &["http", "https", "mailto", "tel"];

    /// The tags `tags:` may add: ammonia's own list of safe tags, less the base ones.
    pub fn addable_tags() -> Vec<&'static str> {
        let mut tags: Vec<&str> =
            ammonia::Builder::default().clone_tags().into_iter().filter(|t| !Self::BASE_TAGS.contains(t)).collect();
        tags.sort_unstable();
        tags
    }

    /// Why `tag` may not be added to `tags`, or `None` if it may.
    pub fn refuse_tag(tag: &str) -> Option<String> {
        if Self::BASE_TAGS.contains(&tag) || Self::addable_tags().contains(&tag) {
            None
        } else if Self::REMOVED_WITH_CONTENT.contains(&tag) {
            Some(format!("`{tag}` can never be allowed: raw HTML may not run scripts, load styles or embed content"))
        } else {
            Some(format!("`{tag}` cannot be allowed in raw HTML"))
        }
    }

    /// pactum's own markup and attributes, as the markdown renderer writes them.
    #[rustfmt::skip]
    const OWN_MARKUP: &'static [(&'static str, &'static [&'static str])] = &[
        ("a", &["href", "title"]), ("img", &["src", "alt", "title"]), ("ol", &["start"]), ("code", &["class"]),
        ("div", &["class", "id", "tabindex", "role", "aria-label"]), ("sup", &["class"]), ("span", &["class"]),
        ("h1", &["id"]), ("h2", &["id"]), ("h3", &["id"]), ("h4", &["id"]), ("h5", &["id"]), ("h6", &["id"]),
        ("label", &["class"]), ("input", &["type", "checked", "disabled"]), ("th", &["scope", "class"]),
        ("td", &["class"]), ("li", &["id"]), ("p", &[]), ("blockquote", &[]), ("pre", &[]), ("ul", &[]),
        ("em", &[]), ("strong", &[]), ("del", &[]), ("table", &[]), ("thead", &[]), ("tbody", &[]), ("tr", &[]),
        ("hr", &[]), ("br", &[]),
    ];

    /// The sanitiser's second pass over the whole rendered body, once the
    /// raw HTML in it is clean: it keeps pactum's markup and only re-nests.
    fn balancer(&self) -> ammonia::Builder<'_> {
        let mut b = self.sanitiser();
        for (tag, attrs) in Self::OWN_MARKUP {
            b.add_tags([*tag]).add_tag_attributes(*tag, attrs.iter().copied());
        }
        b
    }

    /// The ammonia configuration for this policy.
    fn sanitiser(&self) -> ammonia::Builder<'_> {
        let mut tags: HashSet<&str> = Self::BASE_TAGS.iter().copied().collect();
        tags.extend(self.tags.iter().map(String::as_str).filter(|t| Self::refuse_tag(t).is_none()));
        let mut b = ammonia::Builder::default();
        b.tags(tags)
            .clean_content_tags(Self::REMOVED_WITH_CONTENT.iter().copied().collect())
            .url_schemes(Self::URL_SCHEMES.iter().copied().collect())
            .link_rel(None)
            .strip_comments(true);
        for (tag, attrs) in Self::EXTRA_ATTRIBUTES {
            b.add_tag_attributes(*tag, attrs.iter().copied());
        }
        b
    }
}

/// Render the body of `src`, resolving links with `resolver`; raw HTML is shown as text.
pub fn render(src: &Source<'_>, resolver: &dyn Resolve) -> Rendered {
    render_with(src, resolver, &RawHtml::default())
}

/// Render the body of `src`, resolving links with `resolver`, raw HTML as `raw` says.
pub fn render_with(src: &Source<'_>, resolver: &dyn Resolve, raw: &RawHtml) -> Rendered {
    let mut r = Renderer {
        src,
        resolver,
        out: Rendered::default(),
        text: String::new(),
        sections: Vec::new(),
        ids: HashSet::new(),
        section: None,
        section_start: 0,
        tables: 0,
        raw,
        // Raw HTML is marked in the rendered body with a key the text cannot
        // contain: it would have to hold its own hash.
        nonce: if raw.allow { blake3::hash(src.body().as_bytes()).to_hex()[..16].to_string() } else { String::new() },
        pieces: Vec::new(),
        html_warnings: 0,
    };
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(src.body(), options()).into_offset_iter().collect();
    let mut rewritten: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut i = 0;
    let mut label_open = false;
    while i < events.len() {
        let (ev, range) = &events[i];
        match ev {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let heading = r.heading(*level, id.as_deref(), &events[i + 1..end], range.start);
                rewritten.extend(heading);
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Table(_)) => {
                rewritten.push(Event::Html(r.table_wrapper().into()));
                rewritten.push(ev.clone());
            }
            Event::End(TagEnd::Table) => {
                rewritten.push(ev.clone());
                rewritten.push(Event::Html(CowStr::Borrowed("</div>")));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let form = if matches!(link_type, LinkType::WikiLink { .. }) { Form::Id } else { Form::Path };
                let (dest, target_title) = r.link(dest_url, form, range.start);
                rewritten.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest.into(),
                    title: title.clone(),
                    id: id.clone(),
                }));
                if let (LinkType::WikiLink { has_pothole: false }, Some(t)) = (link_type, target_title) {
                    // `[[id]]` shows the target's title instead of the bare id.
                    let end = events[i..]
                        .iter()
                        .position(|(e, _)| matches!(e, Event::End(TagEnd::Link)))
                        .map_or(events.len(), |p| i + p);
                    r.text.push_str(&t);
                    rewritten.push(Event::Text(t.into()));
                    i = end;
                    continue;
                }
            }
            Event::Start(image @ Tag::Image { .. }) => rewritten.push(r.safe_image(image, range.start)),
            Event::Html(h) | Event::InlineHtml(h) => r.raw_html(h.clone(), range.start, &mut rewritten),
            Event::TaskListMarker(checked) => {
                let c = if *checked { " checked=\"\"" } else { "" };
                rewritten.push(Event::Html(
                    format!("<label class=\"task\"><input type=\"checkbox\" disabled=\"\"{c}> ").into(),
                ));
                label_open = true;
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item) | Event::Start(Tag::List(_)) if label_open => {
                rewritten.push(Event::Html(CowStr::Borrowed("</label>")));
                label_open = false;
                rewritten.push(ev.clone());
            }
            Event::Text(t) | Event::Code(t) => {
                r.text.push_str(t);
                rewritten.push(ev.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                r.text.push(' ');
                rewritten.push(ev.clone());
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock) => {
                r.text.push('\n');
                rewritten.push(ev.clone());
            }
            _ => rewritten.push(ev.clone()),
        }
        i += 1;
    }
    let mut body = String::with_capacity(src.body().len() * 3 / 2);
    html::push_html(&mut body, rewritten.into_iter());
    let mut balance = false;
    if !r.pieces.is_empty() {
        match r.sanitise(&body) {
            Some(clean) => {
                body = clean;
                balance = true;
            }
            None => {
                // Cannot happen short of a hash collision; fall back to the safe mode.
                let mut safe = render(src, resolver);
                safe.diags.push(
                    Diagnostic::warning("raw-html", src.file, "raw HTML could not be sanitised and is shown as text")
                        .at(src.text, src.body_pos, 1)
                        .help("simplify the raw HTML, or write it in markdown"),
                );
                return safe;
            }
        }
    }
    if r.html_warnings > HTML_WARNINGS {
        r.out.diags.push(
            Diagnostic::warning(
                "raw-html",
                src.file,
                format!("{} more raw HTML warnings in this file are not shown", r.html_warnings - HTML_WARNINGS),
            )
            .at(src.text, src.body_pos, 1)
            .help("fix the ones shown and build again"),
        );
    }
    r.close_section();
    r.out.sections = std::mem::take(&mut r.sections).into();
    let mut html = tidy_tables(body);
    if balance {
        // Close what raw HTML left open (and drop what it closed too early),
        // so that it cannot break out of the page's own elements.
        html = raw.balancer().clean(&html).to_string();
    }
    r.out.html = html.into();
    r.out
}

/// Marks raw HTML (and, in the sanitiser's input, markdown) in a rendered body.
const MARK: char = '\u{E000}';
const MARK_END: char = '\u{E001}';

/// Consecutive raw HTML events, kept for the sanitiser.
struct Piece {
    html: String,
    /// Where each event starts: (offset in `html`, offset in the body).
    parts: Vec<(usize, usize)>,
}

impl Piece {
    /// The body offset of byte `at` of `html`.
    fn body_offset(&self, at: usize) -> usize {
        let (start, body) = self.parts.iter().rev().find(|(s, _)| *s <= at).copied().unwrap_or(self.parts[0]);
        body + (at - start)
    }
}

/// Collects every token of a piece of HTML.
struct Tokens(RefCell<Vec<Token>>);

impl TokenSink for Tokens {
    type Handle = ();
    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if !matches!(token, Token::ParseError(_)) {
            self.0.borrow_mut().push(token);
        }
        TokenSinkResult::Continue
    }
}

/// The tokens of `html` as the HTML tokenizer sees them (outside any raw-text
/// element), parse errors left out.
pub fn html_tokens(html: &str) -> Vec<Token> {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tok = Tokenizer::new(Tokens(RefCell::default()), Default::default());
    let _ = tok.feed(&input);
    tok.end();
    tok.sink.0.take()
}

/// The start tags of `html` outside removed-with-content elements, and its text there.
fn start_tags(html: &str) -> (Vec<html5ever::tokenizer::Tag>, String) {
    let mut tags = Vec::new();
    let mut text = String::new();
    let mut inside: Option<html5ever::LocalName> = None;
    for t in html_tokens(html) {
        match t {
            Token::TagToken(tag) => match &inside {
                Some(name) => {
                    if tag.kind == TagKind::EndTag && tag.name == *name {
                        inside = None;
                    }
                }
                None => {
                    if tag.kind == TagKind::StartTag {
                        if RawHtml::REMOVED_WITH_CONTENT.contains(&&*tag.name) && !tag.self_closing {
                            inside = Some(tag.name.clone());
                        }
                        tags.push(tag);
                    }
                }
            },
            Token::CharacterTokens(s) if inside.is_none() => text.push_str(&s),
            _ => {}
        }
    }
    (tags, text)
}

/// Whether `html` ends outside any tag, comment or declaration, so that text
/// written after it is text.
fn ends_in_text(html: &str) -> bool {
    let toks = html_tokens(&format!("{html}{MARK}"));
    matches!(
        toks.iter().rev().find(|t| !matches!(t, Token::EOFToken)),
        Some(Token::CharacterTokens(s)) if s.ends_with(MARK)
    )
}

struct Renderer<'a, 'b> {
    src: &'a Source<'b>,
    resolver: &'a dyn Resolve,
    out: Rendered,
    /// Plain text of the body so far; cut into `sections`, then dropped.
    text: String,
    sections: Vec<Section>,
    ids: HashSet<String>,
    section: Option<String>,
    /// Where the current section's text starts in `text`.
    section_start: usize,
    /// Tables seen so far.
    tables: usize,
    raw: &'a RawHtml,
    /// Key of the raw HTML marks (empty unless raw HTML is allowed).
    nonce: String,
    /// The raw HTML of the body, in order (only when it is allowed).
    pieces: Vec<Piece>,
    /// Raw HTML warnings so far, shown or not.
    html_warnings: usize,
}

/// At most this many raw HTML warnings per file.
const HTML_WARNINGS: usize = 50;

impl<'e> Renderer<'_, '_> {
    /// The scroll box around a table: a labelled region, unique per page
    /// ("Tabel 2: Ansvarsfordeling"), so screen-reader users can tell them apart.
    fn table_wrapper(&mut self) -> String {
        self.tables += 1;
        let heading = self.section.as_ref().and_then(|id| self.out.toc.iter().rev().find(|h| &h.id == id));
        let mut label = format!("{} {}", self.src.table_word, self.tables);
        if let Some(h) = heading {
            label.push_str(": ");
            label.push_str(&h.title);
        }
        let label = label.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
        format!("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\">")
    }

    /// End the current section: its text is what `text` gained since it began.
    fn close_section(&mut self) {
        let start = self.section_start;
        let text = self.text[start..].trim().to_string();
        self.section_start = self.text.len();
        let heading = self.section.as_ref().and_then(|id| self.out.toc.iter().rev().find(|h| &h.id == id));
        if text.is_empty() && heading.is_none() {
            return;
        }
        self.sections.push(Section {
            id: self.section.clone(),
            title: heading.map(|h| h.title.clone()).unwrap_or_default(),
            text,
        });
    }

    fn heading(
        &mut self,
        level: HeadingLevel,
        custom_id: Option<&str>,
        inner: &[(Event<'e>, Range<usize>)],
        offset: usize,
    ) -> Vec<Event<'e>> {
        let mut title = String::new();
        for (e, _) in inner {
            if let Event::Text(t) | Event::Code(t) = e {
                title.push_str(t);
            }
        }
        let level = (level as u8).max(2);
        let base = slugify(custom_id.unwrap_or(&title));
        let base = if base.is_empty() { "afsnit".to_string() } else { base };
        let mut id = base.clone();
        let mut n = 1;
        while RESERVED_IDS.contains(&id.as_str()) || !self.ids.insert(id.clone()) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.close_section();
        self.out.toc.push(Heading { level, id: id.clone(), title: title.trim().to_string() });
        self.section = Some(id.clone());
        let mut evs = vec![Event::Html(format!("<h{level} id=\"{id}\">").into())];
        // Links inside headings still need resolving, and image URLs checking.
        for (e, range) in inner {
            match e {
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    let form = if matches!(link_type, LinkType::WikiLink { .. }) { Form::Id } else { Form::Path };
                    let (dest, _) = self.link(dest_url, form, offset);
                    evs.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: dest.into(),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
                Event::Start(image @ Tag::Image { .. }) => evs.push(self.safe_image(image, range.start)),
                Event::Html(h) | Event::InlineHtml(h) => {
                    // Raw HTML in a heading is not part of its title; it is still shown.
                    let before = self.text.len();
                    self.raw_html(h.clone(), range.start, &mut evs);
                    self.text.truncate(before);
                }
                other => evs.push(other.clone()),
            }
        }
        evs.push(Event::Html(format!("</h{level}>\n").into()));
        evs
    }

    /// A raw HTML event. Shown as text with a warning, or, when the site
    /// allows raw HTML, marked for [`Renderer::sanitise`]: consecutive events
    /// are joined, so that a tag written over several lines stays whole.
    fn raw_html(&mut self, h: CowStr<'e>, offset: usize, out: &mut Vec<Event<'e>>) {
        if !self.raw.allow {
            if !h.trim().is_empty() && self.html_warning() {
                self.out.diags.push(
                    Diagnostic::warning("raw-html", self.src.file, "raw HTML is shown as text, not rendered")
                        .at(
                            self.src.text,
                            self.src.pos(offset),
                            h.trim_end().lines().next().unwrap_or("").chars().count(),
                        )
                        .help("write it in markdown; raw HTML is not allowed in documents of this site"),
                );
            }
            self.text.push_str(&h);
            out.push(Event::Text(h));
            return;
        }
        self.text.push_str(&start_tags(&h).1);
        let merge = match (out.last(), self.pieces.len().checked_sub(1)) {
            (Some(Event::Html(m)), Some(last)) => **m == *self.marker(last),
            _ => false,
        };
        if merge {
            out.pop();
            let p = self.pieces.last_mut().expect("merging needs a piece");
            p.parts.push((p.html.len(), offset));
            p.html.push_str(&h);
        } else {
            self.pieces.push(Piece { html: h.to_string(), parts: vec![(0, offset)] });
        }
        out.push(Event::Html(self.marker(self.pieces.len() - 1).into()));
    }

    /// The mark of raw piece `i` in the rendered body. It ends in a newline
    /// when the piece does, so the HTML writer lays out what follows alike.
    fn marker(&self, i: usize) -> String {
        let nl = if self.pieces[i].html.ends_with('\n') { "\n" } else { "" };
        format!("{MARK}{}{i}{MARK_END}{nl}", self.nonce)
    }

    /// Sanitise the raw HTML of a rendered `body` as one document, so that
    /// elements may span markdown blocks and inline events (`<abbr
    /// title="…">` … `</abbr>`, `<details>` … `</details>`).
    ///
    /// ammonia sees only the raw HTML, with every stretch of pactum's own
    /// markup replaced by a text placeholder; the placeholders are put back
    /// afterwards, so pactum's markup is never touched and raw HTML never
    /// escapes the sanitiser. What was removed is found by comparing the
    /// start tags and attributes before and after, and warned about.
    /// `None` if a placeholder did not come out as text (never expected).
    fn sanitise(&mut self, body: &str) -> Option<String> {
        let key = format!("{MARK}{}", self.nonce);
        // Cut the body into markdown chunks (by placeholder) and raw pieces.
        let mut chunks: Vec<String> = Vec::new();
        // The raw piece before each chunk, for positions.
        let mut chunk_after: Vec<Option<usize>> = Vec::new();
        let mut skeleton = String::with_capacity(body.len());
        let mut chunk = String::new();
        let mut last_piece = None;
        let mut flush = |chunk: &mut String, skeleton: &mut String, last: Option<usize>| {
            if !chunk.is_empty() {
                skeleton.push_str(&format!("{key}c{}{MARK_END}", chunks.len()));
                chunks.push(std::mem::take(chunk));
                chunk_after.push(last);
            }
        };
        let mut kept = Vec::new();
        let mut rest = body;
        while let Some(at) = rest.find(&key) {
            chunk.push_str(&rest[..at]);
            let (num, after) = rest[at + key.len()..].split_once(MARK_END)?;
            let i: usize = num.parse().ok()?;
            let piece = self.pieces.get(i)?;
            rest = if piece.html.ends_with('\n') { after.strip_prefix('\n').unwrap_or(after) } else { after };
            if ends_in_text(&piece.html) {
                flush(&mut chunk, &mut skeleton, last_piece);
                skeleton.push_str(&piece.html);
                kept.push(i);
                last_piece = Some(i);
            } else {
                // An unfinished tag would swallow what follows it: show it as text.
                html::push_html(&mut chunk, std::iter::once(Event::Text(piece.html.as_str().into())));
                let first_line = piece.html.trim_end().lines().next().unwrap_or("");
                self.out.diags.push(
                    Diagnostic::warning("raw-html", self.src.file, "unfinished raw HTML is shown as text")
                        .at(self.src.text, self.src.pos(piece.parts[0].1), first_line.chars().count())
                        .help("finish the tag, comment or declaration before the blank line that ends the HTML"),
                );
            }
        }
        chunk.push_str(rest);
        flush(&mut chunk, &mut skeleton, last_piece);

        let policy = self.raw.sanitiser();
        let clean = policy.clean(&skeleton).to_string();
        let out_tokens = html_tokens(&clean);
        let mut out_tags: HashMap<String, usize> = HashMap::new();
        let mut out_attrs: HashMap<(String, String), usize> = HashMap::new();
        for t in &out_tokens {
            if let Token::TagToken(tag) = t {
                let marked = tag.name.contains(MARK)
                    || tag.attrs.iter().any(|a| a.name.local.contains(MARK) || a.value.contains(MARK));
                if marked {
                    return None;
                }
                if tag.kind == TagKind::StartTag {
                    *out_tags.entry(tag.name.to_string()).or_default() += 1;
                    for a in &tag.attrs {
                        *out_attrs.entry((tag.name.to_string(), a.name.local.to_string())).or_default() += 1;
                    }
                }
            }
        }

        // Put pactum's markup back in place of the placeholders.
        let mut html = String::with_capacity(clean.len() + body.len());
        let mut seen = vec![false; chunks.len()];
        let mut rest = clean.as_str();
        while let Some(at) = rest.find(&key) {
            html.push_str(&rest[..at]);
            let (num, after) = rest[at + key.len()..].strip_prefix('c')?.split_once(MARK_END)?;
            let k: usize = num.parse().ok()?;
            if std::mem::replace(seen.get_mut(k)?, true) {
                return None;
            }
            html.push_str(&chunks[k]);
            rest = after;
        }
        html.push_str(rest);
        // Name what the sanitiser removed.
        let generic = policy.clone_generic_attributes();
        let per_tag = policy.clone_tag_attributes();
        let allowed = policy.clone_tags();
        let addable = RawHtml::addable_tags();
        for i in kept {
            let lower = self.pieces[i].html.to_ascii_lowercase();
            let mut cursor = 0;
            for tag in start_tags(&self.pieces[i].html).0 {
                let name = tag.name.to_string();
                let at = lower[cursor..].find(&format!("<{name}")).map_or(cursor, |p| cursor + p);
                cursor = (at + 1).min(lower.len());
                match out_tags.get_mut(&name) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => {
                        if !self.html_warning() {
                            continue;
                        }
                        let pos = self.src.pos(self.pieces[i].body_offset(at));
                        let help = if allowed.contains(name.as_str()) {
                            format!("`<{name}>` is allowed, but not where it stands here; check how the HTML nests")
                        } else if addable.contains(&name.as_str()) {
                            format!("add `{name}` to `raw_html.tags` in pactum.yaml to allow it")
                        } else {
                            "raw HTML may not run scripts, load styles, embed content or show forms".to_string()
                        };
                        let what = if RawHtml::REMOVED_WITH_CONTENT.contains(&name.as_str()) {
                            format!("raw HTML `<{name}>` was removed with its content")
                        } else {
                            format!("raw HTML `<{name}>` was removed (its content is kept)")
                        };
                        self.out.diags.push(
                            Diagnostic::warning("unsafe-html", self.src.file, what)
                                .at(self.src.text, pos, name.chars().count() + 1)
                                .help(help),
                        );
                        continue;
                    }
                }
                for a in &tag.attrs {
                    let attr = a.name.local.to_string();
                    if let Some(n) = out_attrs.get_mut(&(name.clone(), attr.clone()))
                        && *n > 0
                    {
                        *n -= 1;
                        continue;
                    }
                    if !self.html_warning() {
                        continue;
                    }
                    let at = lower[at..].find(&attr).map_or(at, |p| at + p);
                    let pos = self.src.pos(self.pieces[i].body_offset(at));
                    let may = generic.contains(attr.as_str())
                        || per_tag.get(name.as_str()).is_some_and(|s| s.contains(attr.as_str()));
                    let d = if may {
                        Diagnostic::warning(
                            "unsafe-url",
                            self.src.file,
                            format!("the link `{}` in `<{name} {attr}>` was removed", a.value.escape_default()),
                        )
                        .help("links may use http:, https:, mailto: or tel:, or be relative")
                    } else {
                        let help = if attr.starts_with("on") {
                            "raw HTML may not run scripts".to_string()
                        } else if attr == "style" {
                            "inline styles are not allowed; the site's stylesheet styles the page".to_string()
                        } else {
                            let mut ok: Vec<&str> = generic.iter().copied().collect();
                            ok.extend(per_tag.get(name.as_str()).into_iter().flatten());
                            ok.sort_unstable();
                            format!("attributes allowed on `<{name}>`: {}", ok.join(", "))
                        };
                        Diagnostic::warning(
                            "unsafe-html",
                            self.src.file,
                            format!("the attribute `{attr}` of raw HTML `<{name}>` was removed"),
                        )
                        .help(help)
                    };
                    self.out.diags.push(d.at(self.src.text, pos, attr.chars().count()));
                }
            }
        }
        // Markdown inside a removed element goes with it; say so when whole
        // blocks went (an element that was never closed).
        let block_end = ["</p>", "</li>", "</h", "</pre>", "</blockquote>", "</table>", "<hr"];
        let lost = (0..chunks.len()).find(|&k| !seen[k] && block_end.iter().any(|b| chunks[k].contains(b)));
        if let Some(k) = lost {
            let at = chunk_after[k].map_or(0, |i| self.pieces[i].parts[0].1);
            self.out.diags.push(
                Diagnostic::warning("unsafe-html", self.src.file, "text after this raw HTML was removed with it")
                    .at(self.src.text, self.src.pos(at), 1)
                    .help("close or remove the element: scripts, styles and embedded content are removed whole"),
            );
        }

        Some(html)
    }

    /// Whether one more raw HTML warning may be shown: a file gets at most
    /// [`HTML_WARNINGS`], then one that counts the rest (each costs a scan
    /// of the file for its position).
    fn html_warning(&mut self) -> bool {
        self.html_warnings += 1;
        self.html_warnings <= HTML_WARNINGS
    }

    /// The URL to write for a link, and the target's title for `[[id]]` links.
    fn link(&mut self, dest: &str, form: Form, offset: usize) -> (String, Option<String>) {
        let pos = self.src.pos(offset);
        if form == Form::Path {
            let safe = self.safe_url(dest, offset);
            if safe != dest {
                return (safe, None);
            }
        }
        match self.resolver.resolve(dest, form, pos) {
            Target::Keep => {
                if has_scheme(dest) {
                    self.out.external.push((dest.to_string(), pos));
                }
                (dest.to_string(), None)
            }
            Target::Internal { url, doc, anchor, title, warning } => {
                self.out.diags.extend(warning.map(|w| *w));
                self.out.links.push(InternalLink { doc, anchor, pos, from_section: self.section.clone() });
                (url, Some(title))
            }
            Target::Broken(d) => {
                self.out.diags.push(d);
                ("#".to_string(), None)
            }
        }
    }

    /// Refuse `javascript:` and other dangerous schemes in every disguise.
    /// An image's start event with its URL checked like a link's (anywhere, also in headings).
    fn safe_image<'x>(&mut self, image: &Tag<'x>, offset: usize) -> Event<'x> {
        let Tag::Image { link_type, dest_url, title, id } = image else { return Event::Start(image.clone()) };
        let dest = self.safe_url(dest_url, offset);
        Event::Start(Tag::Image { link_type: *link_type, dest_url: dest.into(), title: title.clone(), id: id.clone() })
    }

    fn safe_url(&mut self, dest: &str, offset: usize) -> String {
        if is_safe_url(dest) {
            return dest.to_string();
        }
        self.out.diags.push(
            Diagnostic::warning(
                "unsafe-url",
                self.src.file,
                format!("the link `{}` was removed", dest.escape_default()),
            )
            .at(self.src.text, self.src.pos(offset), 1)
            .help("links may use http:, https:, mailto: or tel:, or point to another document"),
        );
        "#".to_string()
    }
}

fn has_scheme(dest: &str) -> bool {
    scheme(dest).is_some() || dest.starts_with("//")
}

/// The scheme of `dest`, seen through control characters and whitespace
/// anywhere in it; `None` for a relative URL (`foo):` has no scheme, as a
/// scheme is a letter followed by letters, digits, `+`, `-` or `.`).
fn scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    let scheme = &cleaned[..end];
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (cleaned[end..].starts_with(':') && valid).then(|| scheme.to_ascii_lowercase())
}

/// Whether a URL is safe to put in `href`/`src`.
pub fn is_safe_url(dest: &str) -> bool {
    match scheme(dest) {
        None => true,
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto" | "tel"),
    }
}

/// Give header cells a scope and replace pulldown-cmark's inline alignment
/// styles (refused by a strict CSP) with classes.
fn tidy_tables(html: String) -> String {
    type Cells = Option<(aho_corasick::AhoCorasick, Vec<String>)>;
    static CELLS: std::sync::LazyLock<Cells> = std::sync::LazyLock::new(|| {
        let mut from = vec!["<th>".to_string()];
        let mut to = vec!["<th scope=\"col\">".to_string()];
        for align in ["left", "center", "right"] {
            from.push(format!("<th style=\"text-align: {align}\">"));
            to.push(format!("<th scope=\"col\" class=\"align-{align}\">"));
            from.push(format!("<td style=\"text-align: {align}\">"));
            to.push(format!("<td class=\"align-{align}\">"));
        }
        // Fixed, valid patterns: the automaton is always built (the table tests check it).
        aho_corasick::AhoCorasick::new(&from).ok().map(|ac| (ac, to))
    });
    match &*CELLS {
        Some((ac, to)) if html.contains("<t") => ac.replace_all(&html, to),
        _ => html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoLinks;
    impl Resolve for NoLinks {
        fn resolve(&self, dest: &str, form: Form, _: Pos) -> Target {
            if dest.ends_with(".md") || form == Form::Id {
                Target::Internal {
                    url: "../x/index.html".into(),
                    doc: 7,
                    anchor: None,
                    title: "Titel X".into(),
                    warning: None,
                }
            } else {
                Target::Keep
            }
        }
    }

    #[test]
    fn id_links_show_the_target_title_unless_text_is_given() {
        let r = md("Se [[sambo]] og [[sambo|aftalen]].\n");
        assert!(
            r.html.contains("<a href=\"../x/index.html\">Titel X</a> og <a href=\"../x/index.html\">aftalen</a>"),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 2);
    }

    fn md(body: &str) -> Rendered {
        md_with(body, &RawHtml::default())
    }

    fn md_with(body: &str, raw: &RawHtml) -> Rendered {
        let text = format!("---\ntitle: T\n---\n{body}");
        let src = Source {
            file: Path::new("a.md"),
            text: &text,
            body_start: 17,
            body_pos: Pos { line: 4, col: 1 },
            table_word: "Tabel",
        };
        render_with(&src, &NoLinks, raw)
    }

    fn allowed() -> RawHtml {
        RawHtml { allow: true, tags: vec![] }
    }

    /// Panics if `html` could run anything: a dangerous element, an event
    /// handler or inline style, or a URL attribute with an unsafe scheme,
    /// as the HTML tokenizer (entities decoded) sees them.
    fn assert_inert(html: &str, input: &str) {
        for t in html_tokens(html) {
            let Token::TagToken(tag) = t else { continue };
            let name = &*tag.name;
            assert!(
                !matches!(
                    name,
                    "script"
                        | "style"
                        | "iframe"
                        | "object"
                        | "embed"
                        | "svg"
                        | "math"
                        | "form"
                        | "base"
                        | "meta"
                        | "link"
                        | "noscript"
                        | "template"
                        | "textarea"
                        | "frame"
                ),
                "<{name}> from {input:?} in\n{html}"
            );
            for a in &tag.attrs {
                let attr = &*a.name.local;
                assert!(!attr.starts_with("on") && attr != "style", "{attr} on <{name}> from {input:?} in\n{html}");
                if matches!(attr, "href" | "src" | "action" | "formaction" | "xlink:href" | "data" | "cite" | "poster")
                {
                    assert!(is_safe_url(&a.value), "{attr}={:?} from {input:?} in\n{html}", &*a.value);
                }
            }
        }
    }

    const ATTACKS: &[&str] = &[
        "<script>alert(1)</script>\n",
        "a <script>alert(1)</script> b\n",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>\n",
        "<img src=x onerror=alert(1)>\n",
        "Tekst <img src=x onerror=alert(1)> mere\n",
        "<img src=\"javascript:alert(1)\">\n",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>\n",
        "<a href=\"&#106;avascript:alert(1)\">x</a>\n",
        "<a href=\"&#x6A;&#x61;vascript&#x3A;alert(1)\">x</a>\n",
        "<a href=\"&#0000106&#0000097vascript:alert(1)\">x</a>\n",
        "<a href=\"java\tscript:alert(1)\">x</a>\n",
        "<a href=\"java&#9;script:alert(1)\">x</a>\n",
        "<a href=\"java&#10;script:alert(1)\">x</a>\n",
        "<a href=\"java&NewLine;script:alert(1)\">x</a>\n",
        "<a href=\" &#1; javascript:alert(1)\">x</a>\n",
        "<a href=\"\u{1}javascript:alert(1)\">x</a>\n",
        "a <a href=\"vbscript:msgbox(1)\">x</a> <a href=\"data:text/html;base64,PHNjcmlwdD4=\">y</a>\n",
        "<a href=x onmouseover=alert(1)>x</a>\n",
        "<div onclick=\"alert(1)\" style=\"color:red\">x</div>\n",
        "<p style=\"background:url(javascript:alert(1))\">x</p>\n",
        "<svg><script>alert(1)</script></svg>\n",
        "<svg onload=alert(1)>\n",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>\n",
        "<iframe src=\"https://evil.example/\"></iframe>\n",
        "<object data=\"x.swf\"></object><embed src=x.swf>\n",
        "<form action=\"javascript:alert(1)\"><button formaction=javascript:alert(1)>x</button></form>\n",
        "<base href=\"javascript:/\"><meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">\n",
        "<link rel=stylesheet href=x.css><style>*{color:red}</style>\n",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">\n",
        "<textarea></textarea><img src=x onerror=alert(1)>\n",
        "a <textarea> b <img src=x onerror=alert(1)> c\n",
        "<div title=\n\n\" onmouseover=\"alert(1)\" x=\">\n",
        "<![CDATA[<img src=x onerror=alert(1)>]]>\n",
        "<!-- <img src=x onerror=alert(1)> -->\n",
        "[x](javascript:alert(1)) [y](&#106;avascript:alert(1)) ![i](vbscript:x) <javascript:alert(1)>\n",
        "# x {#\"><script> .a onclick=x}\n",
        "## <img src=x onerror=alert(1)> {#a}\n",
        "```\"><script>alert(1)</script>\nx\n```\n",
        "``` onclick=alert(1)\nx\n```\n",
        "| <img src=x onerror=alert(1)> |\n|---|\n| <script>x</script> |\n",
        "- [ ] <img src=x onerror=alert(1)>\n",
        "[^1]\n\n[^1]: <script>alert(1)</script>\n",
    ];

    #[test]
    fn attacks_are_inert_whether_raw_html_is_allowed_or_not() {
        for raw in [RawHtml::default(), allowed(), RawHtml { allow: true, tags: vec!["center".into()] }] {
            for attack in ATTACKS {
                let r = md_with(attack, &raw);
                assert_inert(&r.html, attack);
                // Comments and CDATA are invisible; allowed, they are dropped silently.
                let quiet = attack.starts_with("```") || (raw.allow && attack.starts_with("<!"));
                assert!(!r.diags.is_empty() || quiet, "no warning for {attack:?} ({raw:?})");
                for d in &r.diags {
                    assert!(d.pos.is_some() && d.help.is_some(), "{d}");
                }
            }
        }
    }

    #[test]
    fn images_in_headings_get_the_same_url_check_as_anywhere_else() {
        let r = md("## Logo ![x](javascript:alert(1)) og ![y](billede.png)\n");
        assert!(!r.html.contains("javascript"), "{}", r.html);
        assert!(r.html.contains("src=\"billede.png\""), "{}", r.html);
        assert_eq!(r.diags.iter().map(|d| d.code).collect::<Vec<_>>(), ["unsafe-url"]);
    }

    #[test]
    fn heading_attributes_and_fence_languages_cannot_inject_markup() {
        for raw in [RawHtml::default(), allowed()] {
            let attrs = "## y {#a\"b .c\"d onclick=\"alert(1)\" style=color:red}\n\n# x {#\"><script> .a onclick=x}\n";
            let r = md_with(attrs, &raw);
            assert_inert(&r.html, attrs);
            assert!(r.html.starts_with("<h2 id=\"a-b\">y</h2>"), "{}", r.html);
            for h in &r.toc {
                assert!(h.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'), "{:?}", r.toc);
            }
            let fence = "```\"><script>\nx\n```\n";
            let r = md_with(fence, &raw);
            assert_inert(&r.html, fence);
            assert!(r.html.contains("<code class=\"language-&quot;&gt;&lt;script&gt;\">x\n"), "{}", r.html);
        }
    }

    #[test]
    fn allowed_raw_html_is_rendered_across_blocks_and_inline_events() {
        let body = "<details>\n<summary>Mere om <abbr title=\"Region Syddanmark\">RSD</abbr></summary>\n\n\
                    Indhold *her*, tast <kbd>Ctrl</kbd>+<kbd>K</kbd>, H<sub>2</sub>O og x<sup>2</sup>.\n\n\
                    </details>\n\nSe <abbr title=\"Sundhedsaftalen\">*SA*</abbr> og <a href=\"https://sundhed.dk\">link</a>.\n\n\
                    <div\n  title=\"flere linjer\">tekst</div>\n";
        let r = md_with(body, &allowed());
        assert!(r.diags.is_empty(), "{:?}", r.diags);
        for want in [
            "<details>\n<summary>Mere om <abbr title=\"Region Syddanmark\">RSD</abbr></summary>\n<p>Indhold <em>her</em>",
            "tast <kbd>Ctrl</kbd>+<kbd>K</kbd>, H<sub>2</sub>O og x<sup>2</sup>.</p>\n</details>",
            "<p>Se <abbr title=\"Sundhedsaftalen\"><em>SA</em></abbr> og <a href=\"https://sundhed.dk\">link</a>.</p>",
            "<div title=\"flere linjer\">tekst</div>",
        ] {
            assert!(r.html.contains(want), "{want:?} not in\n{}", r.html);
        }
        let text: String = r.sections.iter().map(|s| s.text.as_str()).collect();
        assert!(text.contains("Mere om RSD") && !text.contains('<'), "{text}");
        // The same text in the default mode is shown as text, with warnings.
        let r = md(body);
        assert!(r.html.contains("&lt;details&gt;") && !r.html.contains("<details"));
        assert!(r.diags.iter().all(|d| d.code == "raw-html"));
    }

    #[test]
    fn what_the_sanitiser_removes_is_named_at_its_position() {
        let line = "Tekst <img src=\"a.png\" onerror=\"alert(1)\"> og <script>alert(1)</script> <ruby>x</ruby>";
        let body = format!("{line}\n\n<a href=\"JaVaScRiPt:x\">y</a>\n\nfør <script>\n\nefter\n");
        let r = md_with(&body, &allowed());
        let col = |s: &str| line.find(s).unwrap() + 1;
        let got: Vec<_> = r.diags.iter().map(|d| (d.code, d.location(), d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    "unsafe-html",
                    format!("a.md:4:{}", col("onerror")),
                    "the attribute `onerror` of raw HTML `<img>` was removed"
                ),
                (
                    "unsafe-html",
                    format!("a.md:4:{}", col("<script")),
                    "raw HTML `<script>` was removed with its content"
                ),
                (
                    "unsafe-html",
                    format!("a.md:4:{}", col("<ruby")),
                    "raw HTML `<ruby>` was removed (its content is kept)"
                ),
                ("unsafe-url", "a.md:6:4".to_string(), "the link `JaVaScRiPt:x` in `<a href>` was removed"),
                ("unsafe-html", "a.md:8:5".to_string(), "raw HTML `<script>` was removed with its content"),
                ("unsafe-html", "a.md:8:5".to_string(), "text after this raw HTML was removed with it"),
            ]
        );
        assert!(r.diags[0].help.as_deref().unwrap().contains("may not run scripts"));
        assert_eq!(r.diags[2].help.as_deref(), Some("add `ruby` to `raw_html.tags` in pactum.yaml to allow it"));
        assert!(r.html.contains("<img src=\"a.png\">") && r.html.contains("x") && !r.html.contains("alert"));
        assert!(r.html.contains("<a>y</a>") && r.html.contains("<p>før"), "{}", r.html);
        assert!(!r.html.contains("efter"));
        // An extra tag from the config is kept.
        let r = md_with(line, &RawHtml { allow: true, tags: vec!["ruby".into()] });
        assert!(r.html.contains("<ruby>x</ruby>"), "{}", r.html);
    }

    #[test]
    fn unfinished_raw_html_is_shown_as_text_when_allowed() {
        let r = md_with("<div title=\n\n\" onmouseover=\"alert(1)\">\n", &allowed());
        assert_inert(&r.html, "unfinished");
        assert!(r.html.contains("&lt;div title="), "{}", r.html);
        assert_eq!(r.diags[0].message, "unfinished raw HTML is shown as text");
        assert_eq!(r.diags[0].location(), "a.md:4:1");
    }

    #[test]
    fn headings_get_unique_danish_ids_and_a_toc() {
        let r = md("# Formål\n\n## Udskrivelse\n\n## Udskrivelse\n\n### Main\n");
        assert!(r.html.contains("<h2 id=\"formaal\">Formål</h2>"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"udskrivelse-2\">"));
        assert!(r.html.contains("<h3 id=\"main-2\">"));
        let ids: Vec<_> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["formaal", "udskrivelse", "udskrivelse-2", "main-2"]);
    }

    #[test]
    fn the_body_is_cut_into_sections_of_plain_text() {
        let r = md("Indledning med **fed** tekst.\n\n## Første\n\nEt [link](b.md).\n\n### Under\n\n- punkt\n");
        let got: Vec<(Option<&str>, &str, &str)> =
            r.sections.iter().map(|s| (s.id.as_deref(), s.title.as_str(), s.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (None, "", "Indledning med fed tekst."),
                (Some("foerste"), "Første", "Et link."),
                (Some("under"), "Under", "punkt")
            ]
        );
    }

    #[test]
    fn tables_scroll_and_have_scoped_headers_without_inline_styles() {
        let r = md("| Opgave | Kommune |\n|:--|--:|\n| A | x |\n\n## Ansvar & pligt\n\n| a |\n|---|\n| b |\n");
        assert!(
            r.html.contains("<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"Tabel 1\">"),
            "{}",
            r.html
        );
        assert!(r.html.contains("aria-label=\"Tabel 2: Ansvar &amp; pligt\""), "{}", r.html);
        assert!(r.html.contains("<th scope=\"col\" class=\"align-left\">Opgave</th>"), "{}", r.html);
        assert!(r.html.contains("<td class=\"align-right\">x</td>"));
        assert!(!r.html.contains("style="));
    }

    #[test]
    fn task_items_are_labelled_checkboxes() {
        let r = md("- [ ] Rygestop\n- [x] Motion\n");
        assert!(
            r.html.contains("<label class=\"task\"><input type=\"checkbox\" disabled=\"\"> Rygestop</label>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("checked=\"\"> Motion</label>"));
    }

    #[test]
    fn raw_html_is_text_and_dangerous_urls_are_removed() {
        let r = md("<script>alert(1)</script>\n\n[x](JaVa&#09;ScRiPt:alert(1)) [y](https://sundhed.dk) [z](b.md)\n");
        assert!(!r.html.contains("<script"));
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(r.html.contains("<a href=\"#\">x</a>"));
        assert!(r.html.contains("href=\"https://sundhed.dk\""));
        assert!(r.html.contains("href=\"../x/index.html\""));
        let codes: Vec<_> = r.diags.iter().map(|d| (d.code, d.location())).collect();
        assert_eq!(codes, [("raw-html", "a.md:4:1".to_string()), ("unsafe-url", "a.md:6:1".to_string())]);
        assert_eq!(r.links.len(), 1);
        assert_eq!(r.external[0].0, "https://sundhed.dk");
    }

    #[test]
    fn url_safety_sees_through_disguises() {
        for bad in
            ["javascript:x", "JAVASCRIPT:x", " java\nscript:x", "data:text/html,x", "vbscript:x", "\u{1}javascript:x"]
        {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
        for good in ["https://a", "mailto:a@b", "../a.md#x", "#top", "a/b:c", "foo):", "ø:x"] {
            assert!(is_safe_url(good), "{good:?}");
        }
    }
}
