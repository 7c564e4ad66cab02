//! Hostile input never panics: random front matter, markdown and names
//! through the real pipeline (a property-test stand-in for fuzzing).

use pactum::content::frontmatter;
use pactum::diag::Pos;
use pactum::markdown::{self, Form, Resolve, Target};
use pactum::slug::slugify;
use proptest::prelude::*;
use std::path::Path;
use unicode_normalization::UnicodeNormalization;

struct Links;
impl Resolve for Links {
    fn resolve(&self, dest: &str, _: Form, _: Pos) -> Target {
        if dest.len().is_multiple_of(2) {
            Target::Keep
        } else {
            Target::Internal { url: "x/index.html".into(), doc: 0, anchor: None, title: "T".into(), warning: None }
        }
    }
}

fn pipeline(text: &str) {
    let file = Path::new("content/a.md");
    if let Ok(split) = frontmatter::split(text, file) {
        let _ = frontmatter::parse(text, &split, file);
        let src = markdown::Source {
            file,
            text,
            body_start: split.body_start,
            body_pos: split.body_pos,
            table_word: "Tabel",
        };
        let r = markdown::render(&src, &Links);
        for d in r.diags {
            let _ = d.to_string();
        }
    }
    let _ = pactum::content::load::decode(text.as_bytes(), file);
}

/// Pieces that make markdown and YAML parsers work hard.
fn hostile() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "---\n",
        "title: ",
        "tags: [",
        "]",
        "{",
        "}",
        "&a ",
        "*a",
        "\t",
        "\r\n",
        "\n",
        "# ",
        "## ",
        "> ",
        "- [ ] ",
        "|",
        "|---|",
        "[",
        "](",
        ")",
        "[[",
        "]]",
        "@",
        "#",
        "`",
        "```",
        "<script>",
        "javascript:",
        "&#x6a;",
        "ø",
        "å",
        "\u{0}",
        "\u{feff}",
        "x",
        "2023-02-30",
        "version: ",
        "\"",
        "'",
        "!",
        "*",
        "_",
        "[^1]",
        "[^1]: ",
        "\\",
        "  ",
        "1. ",
    ]);
    prop::collection::vec(atoms, 0..80).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn hostile_documents_never_panic(body in hostile()) {
        pipeline(&body);
        pipeline(&format!("---\ntitle: T\n---\n{body}"));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        pipeline(&text);
        pipeline(&format!("---\n{text}\n---\n{text}"));
    }

    #[test]
    fn slugs_are_idempotent_nfc_stable_and_url_safe(s in "\\PC{0,40}") {
        let slug = slugify(&s);
        prop_assert_eq!(slugify(&slug), slug.clone());
        prop_assert_eq!(slugify(&s.nfd().collect::<String>()), slug.clone());
        prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
        prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
    }
}

#[test]
fn pathological_markdown_renders_quickly() {
    let cases = [
        "[".repeat(50_000),
        "> ".repeat(5_000) + "x",
        "*a ".repeat(20_000),
        "- ".repeat(10_000) + "x",
        "`".repeat(30_000),
        "<a ".repeat(20_000),
        "[x](".repeat(10_000),
        "|a".repeat(20_000) + "\n|-|\n",
    ];
    for body in cases {
        let start = std::time::Instant::now();
        pipeline(&format!("---\ntitle: T\n---\n{body}"));
        assert!(start.elapsed() < std::time::Duration::from_secs(5), "too slow: {}", &body[..20]);
    }
}
