//! Cross-linking: every link form, backlinks, warnings, and a property test
//! that every link in the output resolves.

use crate::common::{SiteTest, broken_links};
use proptest::prelude::*;

fn page(built: &pactum::site::Built, path: &str) -> String {
    String::from_utf8(built.output.get(path).unwrap_or_else(|| panic!("{path} missing")).to_vec()).unwrap()
}

#[test]
fn id_links_resolve_by_id_alias_anchor_and_version() {
    let built = SiteTest::fixture("minimal").build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    let bilag = page(&built, "aftaler/bilag/index.html");
    let section = bilag.split("id=id-links").nth(1).unwrap().split("</p>").next().unwrap();
    assert!(section.contains("<a href=../../aftaler/hoved/index.html>Hovedaftale</a>"), "{section}");
    assert!(section.contains("<a href=../../aftaler/hoved/index.html#formaal>Hovedaftale</a>"));
    assert!(section.contains("<a href=../../aftaler/hoved/index.html>aftalen</a>"));
    assert_eq!(
        section.matches("../../aftaler/hoved/index.html>Hovedaftale</a>").count(),
        3,
        "[[hoved]], [[HA]], [[hoved@2.0]]"
    );
    assert!(section.contains("<a href=../../tjeklister/tjek/index.html>Tjekliste til samtalen</a>"));
    assert_eq!(broken_links(&built.output), Vec::<String>::new());
}

#[test]
fn documents_show_who_links_to_them_and_from_which_section() {
    let built = SiteTest::fixture("minimal").build();
    let hoved = page(&built, "aftaler/hoved/index.html");
    let back = hoved.split("Henvist fra").nth(1).expect("no backlinks section");
    assert!(back.contains("../../aftaler/bilag/index.html>Bilag om ansvar</a>"), "{back}");
    assert!(back.contains("../../aftaler/bilag/index.html#ansvar>Ansvar</a>"), "section of the link missing: {back}");
    assert!(back.contains("<a href=../../index.html>Testsite</a>"), "the front page links here too: {back}");
    // The heading that is linked to lists its incoming links in the table of contents.
    let incoming = hoved.split("class=toc-incoming>").nth(1).expect("no incoming links in the table of contents");
    assert!(
        incoming.starts_with("(henvist fra: <a href=../../aftaler/bilag/index.html>Bilag om ansvar</a>)"),
        "{incoming}"
    );
}

#[test]
fn moving_a_file_keeps_id_links_working() {
    let site = SiteTest::fixture("minimal");
    // Only id links point at the checklist after removing the path link.
    std::fs::rename(site.root().join("content/tjeklister/tjek.md"), site.root().join("content/vejledninger/tjek.md"))
        .unwrap();
    site.write(
        "content/vejledninger/tjek.md",
        &std::fs::read_to_string(site.root().join("content/vejledninger/tjek.md"))
            .unwrap()
            .replace("title:", "kind: checklist\ntitle:"),
    );
    let built = site.build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    let bilag = page(&built, "aftaler/bilag/index.html");
    assert!(bilag.contains("../../vejledninger/tjek/index.html>Tjekliste til samtalen</a>"));
    assert_eq!(broken_links(&built.output), Vec::<String>::new());
}

#[test]
fn editorial_warnings_do_not_fail_the_build() {
    let site = SiteTest::fixture("warnings");
    let built = site.build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    assert!(!built.output.is_empty());
    let text: String = built.diags.iter().map(|d| format!("{d}\n\n")).collect();
    insta::assert_snapshot!("warnings", text);
    let codes: Vec<&str> = built.diags.iter().map(|d| d.code).collect();
    for code in ["placeholder", "page-reference", "link-superseded", "relation-superseded", "orphan"] {
        assert!(codes.contains(&code), "no {code} warning in {codes:?}");
    }
    // A link from the successor to the document it replaces is not a problem.
    assert!(!built.diags.iter().any(|d| d.code == "link-superseded" && d.file.ends_with("ny.md")));
    site.cmd().arg("check").assert().success();
}

#[test]
fn broken_id_links_and_ambiguous_aliases_are_errors() {
    for case in ["link-id-missing", "alias-duplicate"] {
        let built = SiteTest::fixture(&format!("invalid/{case}")).build();
        assert!(built.has_errors(), "{case}");
    }
}

/// A random site: documents in random folders, each linking to random others
/// by path, by id and with anchors to headings that exist.
/// Per document: its folder index and its links as (target, anchor index, written as `[[id]]`).
type ArbSite = Vec<(usize, Vec<(usize, u8, bool)>)>;

fn arb_site() -> impl Strategy<Value = ArbSite> {
    let n = 2..9usize;
    n.prop_flat_map(|n| {
        prop::collection::vec((0..5usize, prop::collection::vec((0..n, 0..3u8, any::<bool>()), 0..6)), n)
    })
}

const FOLDERS: [&str; 5] = ["aftaler", "tjeklister", "vejledninger", "aftaler/bilag", "sider"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_link_in_the_output_resolves(docs in arb_site()) {
        let site = SiteTest { dir: tempfile::tempdir().unwrap() };
        let paths: Vec<String> = docs.iter().enumerate().map(|(i, (f, _))| format!("{}/d{i}.md", FOLDERS[*f])).collect();
        for (i, (folder, links)) in docs.iter().enumerate() {
            let kind = if FOLDERS[*folder] == "aftaler/bilag" { "kind: agreement\n" } else { "" };
            let mut body = String::from("## Første afsnit\n\n");
            for (t, anchor, by_id) in links {
                let anchor = ["", "#foerste-afsnit", "#andet-afsnit"][*anchor as usize];
                if *by_id {
                    body.push_str(&format!("Se [[d{t}{anchor}]].\n\n"));
                } else {
                    let from_dir = std::path::Path::new(&paths[i]).parent().unwrap();
                    let up = "../".repeat(from_dir.components().count());
                    body.push_str(&format!("Se [link]({up}{}{anchor}).\n\n", paths[*t]));
                }
            }
            body.push_str("## Andet afsnit\n\nSlut.\n");
            site.write(&format!("content/{}", paths[i]), &format!("---\ntitle: \"Dokument {i}\"\n{kind}version: \"1\"\n---\n\n{body}"));
        }
        let built = site.build();
        let errors: Vec<String> = built.diags.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
        prop_assert!(errors.is_empty(), "{}", errors.join("\n"));
        prop_assert_eq!(broken_links(&built.output), Vec::<String>::new());
    }
}

#[test]
fn a_file_named_in_decomposed_unicode_is_linked_with_typed_letters() {
    // macOS saves "Århus" as "A" + combining ring; editors type "Å".
    let site = SiteTest::fixture("minimal");
    site.write("content/vejledninger/A\u{30a}rhus.md", "---\ntitle: \"Århus\"\nversion: \"1\"\n---\n\nTekst.\n");
    site.write(
        "content/vejledninger/henvisning.md",
        "---\ntitle: \"Henvisning\"\nversion: \"1\"\n---\n\nSe [Århus](\u{c5}rhus.md).\n",
    );
    let built = site.build();
    let errors: Vec<String> = built.diags.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let page = String::from_utf8(built.output["vejledninger/henvisning/index.html"].to_vec()).unwrap();
    assert!(page.contains("href=../../vejledninger/aarhus/index.html"), "{page}");
}
