//! The CommonMark 0.31.2 spec examples (tests/fixtures/commonmark/spec.json,
//! from `scripts/update-commonmark-spec`) through pactum's full rendering
//! path: the markdown as the body of a document, rendered as the build does
//! (real link resolver, the site's raw-HTML policy) inside a page and
//! minified as the build does. The result must equal the spec's HTML after a
//! normalisation that removes only differences without meaning. Plus cmark's
//! pathological inputs, each under a time bound.

use html5ever::tokenizer::{TagKind, Token};
use pactum::config::Config;
use pactum::content::load::parse_document;
use pactum::markdown::{self, RawHtml, html_tokens};
use pactum::minify;
use pactum::site::assemble::assemble;
use pactum::site::links::LinkContext;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Example {
    number: usize,
    section: String,
    markdown: String,
    html: String,
}

fn examples() -> Vec<Example> {
    let path = crate::common::repo().join("tests/fixtures/commonmark/spec.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// What one document body becomes in the built site: rendered as the build
/// renders it, put in a page, minified as the build minifies, and cut out of
/// the page again. Also the codes of the warnings.
fn pipeline(markdown: &str, raw: &RawHtml) -> (String, Vec<&'static str>) {
    let text = format!("---\ntitle: Spec\n---\n{markdown}");
    let rel = Path::new("sider/spec.md");
    let config = Config { raw_html: raw.clone(), ..Config::default() };
    let doc = parse_document(text.as_bytes(), rel, Path::new("content").join(rel), &config).unwrap();
    let (site, _) = assemble(config, vec![std::sync::Arc::new(doc)], &[]);
    let links = LinkContext {
        site: &site,
        drafts: &[],
        drafts_ids: &[],
        history: &[],
        history_complete: true,
        table_word: "Tabel",
    };
    let d = &site.docs[0];
    let src = d.markdown_source(links.table_word);
    let r = markdown::render_with(&src, &links.at(0, None), &site.config.raw_html);
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n<title>Spec</title>\n</head>\n\
         <body>\n<main id=\"main\">\n<div class=\"doc-body\">\n{}\n</div>\n</main>\n</body>\n</html>\n",
        r.html
    );
    let min = String::from_utf8(minify::html(page.as_bytes())).unwrap();
    let start = min.find("doc-body").and_then(|i| min[i..].find('>').map(|j| i + j + 1)).unwrap();
    let end = min.rfind("</main>").unwrap();
    let body = min[start..end].trim_end().strip_suffix("</div>").unwrap_or_else(|| panic!("no </div> before </main>"));
    (body.to_string(), r.diags.iter().map(|d| d.code).collect())
}

/// `html` as a browser builds it (HTML5 tree construction: implied
/// `<tbody>`, unclosed elements closed, stray end tags dropped) and writes
/// it back out. ammonia is used only as the parser and serialiser here:
/// every tag, attribute and URL scheme of the input is allowed.
fn as_parsed(html: &str) -> String {
    let toks = html_tokens(html);
    // Elements the parser may add by itself.
    let mut tags: HashSet<String> = ["tbody", "colgroup"].map(String::from).into();
    let mut schemes: HashSet<String> = HashSet::new();
    for t in &toks {
        if let Token::TagToken(tag) = t {
            tags.insert(tag.name.to_string());
            for a in &tag.attrs {
                if let Some((scheme, _)) = a.value.split_once(':') {
                    schemes.insert(scheme.trim().to_ascii_lowercase());
                }
            }
        }
    }
    ammonia::Builder::empty()
        .tags(tags.iter().map(String::as_str).collect())
        .clean_content_tags(HashSet::new())
        .generic_attribute_prefixes(HashSet::from([""]))
        .url_schemes(schemes.iter().map(String::as_str).collect())
        .link_rel(None)
        .strip_comments(true)
        .clean(html)
        .to_string()
}

/// Elements around which whitespace does not show.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// `html` with the differences that do not change what a browser shows or
/// what the markup means taken out, as the spec's own `normalize.py` does:
/// entities and character forms decoded, attributes sorted and requoted,
/// `<br />` as `<br>`, comments and declarations dropped (the minifier drops
/// them), whitespace runs collapsed outside `<pre>` and dropped next to
/// block tags, the newline a parser drops after `<pre>` dropped. `ours`
/// also drops what pactum adds to its own markup: heading ids and the
/// scrollable region around tables.
fn normalise(html: &str, ours: bool) -> String {
    let html = as_parsed(html);
    // Items: tags as written out, text as decoded text.
    enum Item {
        /// The tag written out; whether whitespace next to it is meaningless.
        Tag(String, bool),
        /// Text (escaped); whether it is inside `<pre>`.
        Text(String, bool),
    }
    let mut items: Vec<Item> = Vec::new();
    let mut divs: Vec<bool> = Vec::new();
    let mut pre = 0usize;
    let mut after_pre_start = false;
    for t in html_tokens(&html) {
        match t {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                let start = tag.kind == TagKind::StartTag;
                if ours && name == "div" {
                    if start {
                        let wrapper =
                            tag.attrs.iter().any(|a| &*a.name.local == "class" && &*a.value == "table-scroll");
                        divs.push(wrapper);
                        if wrapper {
                            continue;
                        }
                    } else if divs.pop() == Some(true) {
                        continue;
                    }
                }
                let mut attrs: Vec<(String, String)> = tag
                    .attrs
                    .iter()
                    .filter(|a| !(ours && &*a.name.local == "id" && name.len() == 2 && name.starts_with('h')))
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect();
                attrs.sort();
                let mut s = format!("<{}{name}", if start { "" } else { "/" });
                for (k, v) in attrs {
                    s.push_str(&format!(" {k}=\"{}\"", v.replace('&', "&amp;").replace('"', "&quot;")));
                }
                s.push('>');
                if name == "pre" {
                    if start {
                        pre += 1;
                    } else {
                        pre = pre.saturating_sub(1);
                    }
                }
                after_pre_start = start && name == "pre";
                items.push(Item::Tag(s, BLOCK.contains(&name.as_str()) && pre == 0));
                continue;
            }
            Token::CharacterTokens(s) => {
                let s = if after_pre_start { s.strip_prefix('\n').unwrap_or(&s).to_string() } else { s.to_string() };
                let s = s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
                match items.last_mut() {
                    Some(Item::Text(t, _)) => t.push_str(&s),
                    _ => items.push(Item::Text(s, pre > 0)),
                }
            }
            Token::NullCharacterToken => items.push(Item::Text("\u{fffd}".into(), pre > 0)),
            _ => {}
        }
        after_pre_start = false;
    }
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        match item {
            Item::Tag(s, _) => out.push_str(s),
            Item::Text(t, true) => out.push_str(t),
            Item::Text(t, false) => {
                let mut t = collapse(t);
                if i == 0 || matches!(items[i - 1], Item::Tag(_, true)) {
                    t = t.trim_start().to_string();
                }
                if matches!(items.get(i + 1), None | Some(Item::Tag(_, true))) {
                    t = t.trim_end().to_string();
                }
                out.push_str(&t);
            }
        }
    }
    out
}

/// Runs of ASCII whitespace as one space (a non-breaking space is kept).
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Examples where pactum deliberately differs from CommonMark, by reason,
/// with the diagnostic code that tells the author about it: no difference
/// is silent. Raw HTML examples run with raw HTML allowed (every tag that
/// `raw_html.tags` can add, added); in the default mode it is shown as text.
const EXCEPTIONS: &[(&str, &str, &[usize])] = &[
    (
        "raw HTML: tags outside the allowlist (custom elements, <textarea>) are removed, their text kept",
        "unsafe-html",
        &[150, 163, 171, 201, 491, 524, 536, 613, 614, 615, 617],
    ),
    (
        "raw HTML: attributes outside the allowlist (class, id, custom ones) are removed",
        "unsafe-html",
        &[152, 153, 154, 164, 169, 616],
    ),
    ("raw HTML: <script> and <style> are removed with their content", "unsafe-html", &[170, 172, 173, 176, 178]),
    (
        "raw HTML: an unfinished tag at the end of an HTML block is shown as text, not left to swallow what follows",
        "raw-html",
        &[156, 157, 158],
    ),
    ("links with schemes other than http, https, mailto and tel are removed", "unsafe-url", &[596, 598, 599, 601]),
    ("a link to a .md file is a link to that document (here: missing, an error)", "link-missing", &[484]),
    ("wikilinks: [[…]] is a link by id (here: to no document, an error)", "link-missing", &[548, 559, 590]),
];

/// How many examples may be exceptions at most: keep the list small.
const MAX_EXCEPTIONS: usize = 33;

#[test]
fn commonmark_spec_examples_survive_the_whole_pipeline() {
    let started = Instant::now();
    let examples = examples();
    assert_eq!(examples.len(), 652, "spec 0.31.2 has 652 examples");
    let allowed = RawHtml { allow: true, tags: RawHtml::addable_tags().iter().map(|t| t.to_string()).collect() };
    let excepted: BTreeMap<usize, (&str, &str)> =
        EXCEPTIONS.iter().flat_map(|(why, code, ns)| ns.iter().map(move |n| (*n, (*why, *code)))).collect();
    let (mut passed, mut raw_mode, mut demoted) = (0, 0, 0);
    let mut failures = Vec::new();
    for ex in &examples {
        let (safe, codes) = pipeline(&ex.markdown, &RawHtml::default());
        let (got, codes) = if codes.contains(&"raw-html") {
            raw_mode += 1;
            pipeline(&ex.markdown, &allowed)
        } else {
            (safe, codes)
        };
        // Deliberate: the page title is the page's only <h1>, so body headings start at <h2>.
        let want = ex.html.replace("<h1>", "<h2>").replace("</h1>", "</h2>");
        demoted += usize::from(want != ex.html);
        let (got, want) = (normalise(&got, true), normalise(&want, false));
        let same = got == want;
        match excepted.get(&ex.number) {
            None if same => passed += 1,
            None => failures
                .push(format!("example {} ({}):\n{:?}\nwant {want}\ngot  {got}", ex.number, ex.section, ex.markdown)),
            Some((why, _)) if same => failures.push(format!("example {} passes now; drop it from {why:?}", ex.number)),
            Some((why, code)) => {
                assert!(
                    codes.contains(code),
                    "example {} ({why}) differs without a `{code}` diagnostic: {codes:?}",
                    ex.number
                )
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n\n{}", failures.len(), failures.join("\n\n"));
    let n_exceptions = excepted.len();
    println!(
        "CommonMark 0.31.2: {passed} of {} examples equal the spec ({raw_mode} run with raw HTML allowed, \
         {demoted} with <h1> as <h2>); {n_exceptions} deliberate exceptions:",
        examples.len()
    );
    for (why, code, ns) in EXCEPTIONS {
        println!("  {:>2} {why} [{code}]", ns.len());
    }
    assert_eq!(passed + n_exceptions, examples.len());
    assert!(n_exceptions <= MAX_EXCEPTIONS, "{n_exceptions} exceptions");
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
}

/// cmark's `test/pathological_tests.py` inputs that `robust.rs` does not
/// already cover (U+0000 is refused when a file is read: fixture
/// `invalid/enc-nul`), at a few tens of thousands of characters each. Each goes
/// through the whole pipeline, in both raw HTML modes, within 2 s (debug).
fn pathological() -> Vec<(&'static str, String)> {
    let n = 10_000;
    vec![
        // Nesting only 200 deep here: see `deep_nesting_survives_minification`.
        ("nested strong emph", "*a **a ".repeat(100) + "b" + &" a** a*".repeat(100)),
        ("many emph closers with no openers", "a_ ".repeat(n)),
        ("many emph openers with no closers", "_a ".repeat(n)),
        ("many link closers with no openers", "a]".repeat(n)),
        ("many link openers with no closers", "[a".repeat(n)),
        ("mismatched openers and closers", "*a_ ".repeat(n)),
        ("openers and closers multiple of 3", "a**b".to_string() + &"c* ".repeat(n)),
        ("link openers and emph closers", "[ a_".repeat(n)),
        ("pattern [ (]( repeated", "[ (](".repeat(n)),
        ("pattern ![[]() repeated", "![[]()".repeat(n)),
        ("hard link/emph case", "**x [a*b**c*](d)".repeat(n / 4)),
        ("nested brackets", "[".repeat(n) + "a" + &"]".repeat(n)),
        ("nested block quotes", "> ".repeat(200) + "a"),
        ("deeply nested lists", (0..100).map(|i| "  ".repeat(i) + "* a\n").collect()),
        ("backticks", (1..250).map(|i| "e".to_string() + &"`".repeat(i)).collect()),
        ("unclosed links A", "[a](<b".repeat(n)),
        ("unclosed links B", "[a](b".repeat(n)),
        ("unclosed <!--", "</".to_string() + &"<!--".repeat(n)),
        ("many references", (1..n).map(|i| format!("[{i}]: u\n")).collect::<String>() + &"[0] ".repeat(1_000)),
        ("reference collisions", (0..n / 4).map(|i| format!("[{}]: u\n", "x".repeat(i % 50 + 1))).collect()),
        ("many html openers and closers", "<>".repeat(n)),
        ("many html proc. inst. openers", "a <?".repeat(n)),
        ("many html CDATA openers", "a <![CDATA[".repeat(n / 2)),
        ("many html declaration openers", "a <!A".repeat(n)),
        ("many inline html tags", "<x>a</x> <b title=t>b</b> ".repeat(n / 4)),
        ("many html blocks", "<div>\n\nx\n\n</div>\n\n".repeat(n / 4)),
        ("many backslashes", "\\".repeat(3 * n)),
        ("emph in deep brackets", "[".repeat(n / 2) + "*a*" + &"]".repeat(n / 2)),
    ]
}

#[test]
fn cmark_pathological_inputs_render_quickly() {
    let allowed = RawHtml { allow: true, tags: vec![] };
    for (name, body) in pathological() {
        for raw in [&RawHtml::default(), &allowed] {
            let start = Instant::now();
            let (html, _) = pipeline(&body, raw);
            let took = start.elapsed();
            assert!(
                took < Duration::from_secs(2),
                "{name} ({} chars, raw allowed: {}): {took:?}",
                body.len(),
                raw.allow
            );
            assert!(!html.contains("<script"), "{name}");
        }
    }
}

/// minify-html, the minifier pactum used first, recursed once per nested
/// element: a page with about 1,000 nested elements (10,000-deep emphasis or
/// block quotes, cmark's own sizes) overflowed the stack and aborted the
/// whole build. `pactum::minify` keeps open elements on a heap stack.
#[test]
fn deep_nesting_survives_minification() {
    let allowed = RawHtml { allow: true, tags: vec![] };
    for (body, nested) in [
        ("*a **a ".repeat(5_000) + "b" + &" a** a*".repeat(5_000), "<em>a <strong>a <em>a"),
        ("> ".repeat(10_000) + "a", "<blockquote>\n<blockquote>\n<blockquote>"),
        ("<b>a ".repeat(2_500), "<b>a <b>a <b>a"),
        ("<div>\n\nx\n\n".repeat(2_500), "<div>\n<p>x</p>\n<div>"),
    ] {
        for raw in [&RawHtml::default(), &allowed] {
            let (html, _) = pipeline(&body, raw);
            let expect = if raw.allow || nested.starts_with("<em") || nested.starts_with("<blockquote") {
                nested.replace('\n', "")
            } else {
                // Safe mode shows the raw tags as text.
                nested[..5].replace('<', "&lt;").replace('>', "&gt;")
            };
            assert!(html.contains(&expect), "{:?}… lost its nesting: {}", &body[..20], &html[..html.len().min(300)]);
        }
    }
}
