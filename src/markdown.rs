//! Markdown to HTML with pulldown-cmark, plus what pactum adds on the way:
//! stable unique heading ids, a table of contents, scrollable tables with
//! `<th scope>`, labelled task-list boxes, raw HTML shown as text, unsafe
//! URLs neutralised and links resolved by the caller.
//!
//! This module knows nothing about sites: the caller passes a [`Resolve`]
//! that turns a link destination into a URL, and gets back the links it
//! resolved so it can check anchors and build backlinks afterwards.

use crate::diag::{Diagnostic, Pos};
use crate::slug::slugify;
use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd, html};
use std::collections::HashSet;
use std::path::Path;

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
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    pub links: Vec<InternalLink>,
    /// External http(s) links with where they were written.
    pub external: Vec<(String, Pos)>,
    /// Plain text of the body (for search and summaries).
    pub text: String,
    /// The body cut at its headings: the text before the first heading, then one per heading.
    pub sections: Vec<Section>,
    pub diags: Vec<Diagnostic>,
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

/// Render the body of `src`, resolving links with `resolver`.
pub fn render(src: &Source<'_>, resolver: &dyn Resolve) -> Rendered {
    let mut r = Renderer {
        src,
        resolver,
        out: Rendered::default(),
        ids: HashSet::new(),
        section: None,
        section_start: 0,
        tables: 0,
    };
    let events: Vec<(Event<'_>, std::ops::Range<usize>)> =
        Parser::new_ext(src.body(), options()).into_offset_iter().collect();
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
                let inner: Vec<Event<'_>> = events[i + 1..end].iter().map(|(e, _)| e.clone()).collect();
                rewritten.extend(r.heading(*level, id.as_deref(), inner, range.start));
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
                    r.out.text.push_str(&t);
                    rewritten.push(Event::Text(t.into()));
                    i = end;
                    continue;
                }
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest = r.safe_url(dest_url, range.start);
                rewritten.push(Event::Start(Tag::Image {
                    link_type: *link_type,
                    dest_url: dest.into(),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if !h.trim().is_empty() {
                    r.out.diags.push(
                        Diagnostic::warning("raw-html", src.file, "raw HTML is shown as text, not rendered")
                            .at(
                                src.text,
                                src.pos(range.start),
                                h.trim_end().lines().next().unwrap_or("").chars().count(),
                            )
                            .help("write it in markdown; raw HTML is not allowed in documents"),
                    );
                }
                r.out.text.push_str(h);
                rewritten.push(Event::Text(h.clone()));
            }
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
                r.out.text.push_str(t);
                rewritten.push(ev.clone());
            }
            Event::SoftBreak | Event::HardBreak => {
                r.out.text.push(' ');
                rewritten.push(ev.clone());
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock) => {
                r.out.text.push('\n');
                rewritten.push(ev.clone());
            }
            _ => rewritten.push(ev.clone()),
        }
        i += 1;
    }
    let mut body = String::with_capacity(src.body().len() * 3 / 2);
    html::push_html(&mut body, rewritten.into_iter());
    r.close_section();
    r.out.html = tidy_tables(&body);
    r.out
}

struct Renderer<'a, 'b> {
    src: &'a Source<'b>,
    resolver: &'a dyn Resolve,
    out: Rendered,
    ids: HashSet<String>,
    section: Option<String>,
    /// Where the current section's text starts in `out.text`.
    section_start: usize,
    /// Tables seen so far.
    tables: usize,
}

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

    /// End the current section: its text is what `out.text` gained since it began.
    fn close_section(&mut self) {
        let start = self.section_start;
        let text = self.out.text[start..].trim().to_string();
        self.section_start = self.out.text.len();
        let heading = self.section.as_ref().and_then(|id| self.out.toc.iter().rev().find(|h| &h.id == id));
        if text.is_empty() && heading.is_none() {
            return;
        }
        self.out.sections.push(Section {
            id: self.section.clone(),
            title: heading.map(|h| h.title.clone()).unwrap_or_default(),
            text,
        });
    }

    fn heading(
        &mut self,
        level: HeadingLevel,
        custom_id: Option<&str>,
        inner: Vec<Event<'e>>,
        offset: usize,
    ) -> Vec<Event<'e>> {
        let mut title = String::new();
        for e in &inner {
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
        // Links inside headings still need resolving.
        for e in inner {
            match e {
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    let form = if matches!(link_type, LinkType::WikiLink { .. }) { Form::Id } else { Form::Path };
                    let (dest, _) = self.link(&dest_url, form, offset);
                    evs.push(Event::Start(Tag::Link { link_type, dest_url: dest.into(), title, id }));
                }
                Event::Html(h) | Event::InlineHtml(h) => evs.push(Event::Text(h)),
                other => evs.push(other),
            }
        }
        evs.push(Event::Html(format!("</h{level}>\n").into()));
        evs
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

fn scheme(dest: &str) -> Option<String> {
    let cleaned: String = dest.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    let end = cleaned.find([':', '/', '?', '#'])?;
    (cleaned[end..].starts_with(':')).then(|| cleaned[..end].to_ascii_lowercase())
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
fn tidy_tables(html: &str) -> String {
    if !html.contains("<th") && !html.contains("<td style") {
        return html.to_string();
    }
    let mut s = html.replace("<th>", "<th scope=\"col\">");
    for align in ["left", "center", "right"] {
        s = s
            .replace(
                &format!("<th style=\"text-align: {align}\">"),
                &format!("<th scope=\"col\" class=\"align-{align}\">"),
            )
            .replace(&format!("<td style=\"text-align: {align}\">"), &format!("<td class=\"align-{align}\">"));
    }
    s
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
        let text = format!("---\ntitle: T\n---\n{body}");
        let src = Source {
            file: Path::new("a.md"),
            text: &text,
            body_start: 17,
            body_pos: Pos { line: 4, col: 1 },
            table_word: "Tabel",
        };
        render(&src, &NoLinks)
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
        for good in ["https://a", "mailto:a@b", "../a.md#x", "#top", "a/b:c"] {
            assert!(is_safe_url(good), "{good:?}");
        }
    }
}
