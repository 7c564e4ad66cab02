//! `pactum::minify` against minify-html, the minifier it replaced: on every
//! page of the bundled example, both must leave the same document as a
//! browser reads it (tags, attributes, and text with whitespace as it
//! renders), and ours must save about as much.

use crate::common::SiteTest;
use html5ever::tokenizer::{TagKind, Token};
use pactum::markdown::html_tokens;
use std::collections::BTreeMap;

/// Attribute values minify-html leaves out because they are the default.
const DEFAULTS: [(&str, &str); 3] = [("type", "submit"), ("method", "get"), ("type", "text")];

/// The tokens of `html` with attributes sorted, adjacent text merged and
/// whitespace runs in text collapsed to one space.
fn as_read(html: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut text = String::new();
    for t in html_tokens(std::str::from_utf8(html).unwrap()) {
        match t {
            Token::CharacterTokens(s) => text.push_str(&s),
            Token::TagToken(tag) => {
                if !text.is_empty() {
                    out.push(format!(
                        "text {}",
                        text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
                            + if text.ends_with(|c: char| c.is_ascii_whitespace()) && !text.trim().is_empty() {
                                " "
                            } else {
                                ""
                            }
                    ));
                    text.clear();
                }
                // minify-html also drops default values (`type=submit`) and spaces in
                // some values (`width=device-width,initial-scale=1`); pactum keeps both.
                let attrs: BTreeMap<String, String> = tag
                    .attrs
                    .iter()
                    .filter(|a| !DEFAULTS.contains(&(&*a.name.local, &*a.value)))
                    .map(|a| (a.name.local.to_string(), a.value.replace(", ", ",")))
                    .collect();
                let kind = if tag.kind == TagKind::StartTag { "<" } else { "</" };
                out.push(format!("{kind}{} {attrs:?}", tag.name));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn pactum_minifies_the_example_as_minify_html_did() {
    let site = SiteTest::example();
    let config = site.root().join("pactum.yaml");
    let old = std::fs::read_to_string(&config).unwrap_or_default();
    std::fs::write(&config, format!("{old}\nminify: false\n")).unwrap();
    let built = site.build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    let (mut pages, mut raw, mut ours_len, mut theirs_len) = (0, 0, 0, 0);
    for (path, bytes) in built.output.iter().filter(|(p, _)| p.ends_with(".html")) {
        let ours = pactum::minify::html(bytes);
        let theirs = minify_html::minify(bytes, &cfg);
        let (a, b) = (as_read(&ours), as_read(&theirs));
        if let Some(i) = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i)) {
            let from = i.saturating_sub(3);
            panic!(
                "{path}: pactum {:#?}\nminify-html {:#?}",
                &a[from..(i + 3).min(a.len())],
                &b[from..(i + 3).min(b.len())]
            );
        }
        pages += 1;
        raw += bytes.len();
        ours_len += ours.len();
        theirs_len += theirs.len();
    }
    eprintln!("{pages} pages: {raw} bytes unminified, pactum {ours_len}, minify-html {theirs_len}");
    assert!(pages > 50, "{pages} pages");
    assert!(ours_len < raw, "minified {ours_len} bytes, unminified {raw}");
    // minify-html also decodes entities and drops default attributes; within 2 % of it.
    assert!(ours_len * 100 <= theirs_len * 102, "pactum {ours_len} bytes, minify-html {theirs_len}");
}
