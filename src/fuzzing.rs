//! The bodies of the fuzz targets, in one place: `fuzz/fuzz_targets/*.rs`
//! (cargo-fuzz, nightly) call these, and so does the stable regression test
//! in `tests/robust.rs`, which replays `fuzz/corpus-seed/` and every crash
//! kept in `fuzz/regressions/`.
//!
//! Each function takes arbitrary bytes, runs them through the code the build
//! uses and panics only when an invariant is broken (a panic inside the code
//! under test is a finding too).

use crate::config::Config;
use crate::content::load::{parse_document, url_for};
use crate::diag::Diagnostic;
use crate::markdown::{self, Rendered};
use crate::site::assemble::assemble;
use crate::site::links::{LinkContext, check_anchors, relative, version_url};
use crate::site::output::is_plain_relative;
use crate::slug::slugify;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

/// Where the fuzzed document pretends to live, under `content/`.
const REL: &str = "aftaler/fuzz dokument.md";

/// Target `front_matter_markdown`: `data` is the whole file of one document.
/// It is decoded, split, its front matter checked ([`parse_document`], as
/// the loader does), and — if that succeeds — the document is assembled into
/// a one-document site and its body rendered with the real link resolver.
pub fn front_matter_markdown(data: &[u8]) {
    let rel = Path::new(REL);
    let source = Path::new("content").join(rel);
    let config = Config::default();
    let doc = match parse_document(data, rel, source.clone(), &config) {
        Ok(doc) => doc,
        Err(diags) => {
            assert!(diags.iter().any(Diagnostic::is_error), "a refused document must say why");
            check_diags(&diags, &source, None);
            return;
        }
    };
    assert_eq!(doc.url, url_for(rel));
    assert!(doc.body_start <= doc.text.len() && doc.text.is_char_boundary(doc.body_start));
    let (site, diags) = assemble(config, vec![std::sync::Arc::new(doc)], &[]);
    check_diags(&diags, &source, None);
    let rendered = render(&site, 0);
    let text = &site.docs[0].text;
    check_diags(&rendered.diags, &source, Some(text));
    check_html(&rendered.html);
    for link in &rendered.links {
        assert_eq!(link.doc, 0, "a one-document site can only link to itself");
    }
    let anchors = check_anchors(&site, &[std::sync::Arc::new(rendered)]);
    check_diags(&anchors, &source, Some(text));
}

/// Target `slug_url`: `data` (lossily UTF-8) as a title, a file name and a
/// link destination. Slugs are idempotent, stable under Unicode
/// normalisation and URL-safe; output paths are plain relative paths;
/// relative URLs lead back to their target; no link that reaches the HTML
/// has a scheme a browser would run.
pub fn slug_url(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();

    let slug = slugify(s);
    assert_eq!(slugify(&slug), slug, "slugify is not idempotent for {s:?}");
    assert_eq!(slugify(&s.nfd().collect::<String>()), slug, "NFD changes the slug of {s:?}");
    assert_eq!(slugify(&s.nfc().collect::<String>()), slug, "NFC changes the slug of {s:?}");
    assert!(is_slug(&slug), "slug {slug:?} of {s:?} is not URL-safe");

    // The string as a path under content/: every output path is plain and ends in a file name.
    let rel = PathBuf::from(format!("{s}.md"));
    let url = url_for(&rel);
    assert!(url.ends_with("index.html") && is_plain_relative(&url), "url_for({rel:?}) = {url:?}");
    assert!(url.split('/').rev().skip(1).all(is_slug), "url_for({rel:?}) = {url:?} has a component that is no slug");
    let other = url_for(Path::new("tjeklister/øvrige/Tjekliste 1.md"));
    for (from, to) in [(&url, &other), (&other, &url), (&url, &url)] {
        let link = relative(from, to);
        assert_eq!(join(from, &link), *to, "relative({from:?}, {to:?}) = {link:?}");
        assert!(!link.starts_with('/') && browser_scheme(&link).is_none());
    }
    // Old versions get pages of their own; the version is free text from front matter or git.
    let v = version_url(&url, s);
    assert!(is_plain_relative(&v), "version_url({url:?}, {s:?}) = {v:?}");

    // As a link destination: the filter and the HTML that reaches a reader agree with a browser.
    if markdown::is_safe_url(s) {
        let scheme = browser_scheme(s);
        assert!(
            matches!(scheme.as_deref(), None | Some("http" | "https" | "mailto" | "tel")),
            "{s:?} passes is_safe_url but a browser sees the scheme {scheme:?}"
        );
    }
    let dest = s.replace(['\n', '\r', '<', '>'], " ");
    let body = format!(
        "---\ntitle: Link\n---\n[a](<{dest}>) ![b](<{dest}>) [[{s}]] [c][r] <{s}>\n\n## {s}\n\n[r]: <{dest}>\n"
    );
    let rel = Path::new("sider/link.md");
    let source = Path::new("content").join(rel);
    if let Ok(doc) = parse_document(body.as_bytes(), rel, source.clone(), &Config::default()) {
        let (site, _) = assemble(Config::default(), vec![std::sync::Arc::new(doc)], &[]);
        let rendered = render(&site, 0);
        check_diags(&rendered.diags, &source, Some(&site.docs[0].text));
        check_html(&rendered.html);
    }
}

fn render(site: &crate::site::assemble::Site, i: usize) -> Rendered {
    let links =
        LinkContext { site, drafts: &[], drafts_ids: &[], history: &[], history_complete: true, table_word: "Tabel" };
    let d = &site.docs[i];
    let src = d.markdown_source(links.table_word);
    markdown::render(&src, &links.at(i, None))
}

fn is_slug(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Every diagnostic names the file, renders, and points inside the text.
fn check_diags(diags: &[Diagnostic], source: &Path, text: Option<&str>) {
    for d in diags {
        assert_eq!(d.file, source, "diagnostic names another file: {d}");
        assert!(!d.message.is_empty(), "empty message: {d:?}");
        assert!(d.to_string().contains(&d.location()), "{d}");
        if let Some(p) = d.pos {
            assert!(p.line >= 1 && p.col >= 1, "position {p:?} in {d}");
            if let Some(t) = text {
                assert!(p.line <= t.lines().count().max(1) + 1, "{d} is past the end of the file");
            }
        }
    }
}

/// Tags markdown rendering may produce; raw HTML must arrive as text.
const TAGS: &[&str] = &[
    "a",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "input",
    "label",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Only known tags, and no `href`/`src` with a scheme a browser would run.
/// Text is escaped, so every `<` starts a tag, and a tag ends at the next `>`
/// (attribute values escape or percent-encode `<`, `>` and `"`).
fn check_html(html: &str) {
    for (i, _) in html.match_indices('<') {
        let tag = &html[i + 1..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let rest = tag.strip_prefix('/').unwrap_or(tag);
        let name: String =
            rest.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
        assert!(TAGS.contains(&name.as_str()), "unexpected tag <{name}> in\n{html}");
        for attr in [" href=\"", " src=\""] {
            for (j, _) in tag.match_indices(attr) {
                let value = tag[j + attr.len()..].split('"').next().unwrap_or("");
                let value = value.replace("&#x27;", "'").replace("&quot;", "\"").replace("&amp;", "&");
                let scheme = browser_scheme(&value);
                assert!(
                    matches!(scheme.as_deref(), None | Some("http" | "https" | "mailto" | "tel")),
                    "{attr}{value}\" has the scheme {scheme:?} in\n{html}"
                );
            }
        }
    }
}

/// The scheme a browser sees in `url` (WHATWG URL parsing: leading and
/// trailing C0 controls and spaces are dropped, tabs and newlines removed
/// anywhere; a scheme is an ASCII letter, then letters, digits, `+-.`, then `:`).
fn browser_scheme(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let end = cleaned.find(':')?;
    let scheme = &cleaned[..end];
    let mut chars = scheme.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| scheme.to_ascii_lowercase())
}

/// Where `link`, written on the page `from`, leads (both `/`-separated, root-relative).
fn join(from: &str, link: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for c in link.split('/') {
        match c {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            c => parts.push(c),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_schemes() {
        assert_eq!(browser_scheme(" \u{1}java\tscript:x").as_deref(), Some("javascript"));
        assert_eq!(browser_scheme("JAVA\nSCRIPT:x").as_deref(), Some("javascript"));
        assert_eq!(browser_scheme("a/b:c"), None);
        assert_eq!(browser_scheme("../x/index.html"), None);
        assert_eq!(browser_scheme("%6Aavascript:x"), None);
    }

    #[test]
    fn targets_accept_plain_input() {
        front_matter_markdown(
            "---\ntitle: Aftale\nversion: \"1.0\"\n---\n# Formål\n\nSe [[fuzz-dokument]].\n".as_bytes(),
        );
        front_matter_markdown(b"\xFF\xFE");
        slug_url("Udskrivelse & opfølgning".as_bytes());
        slug_url(b"javascript:alert(1)");
    }
}
