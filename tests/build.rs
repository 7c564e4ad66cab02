//! Whole-site builds: the bundled example and the minimal fixture.

use crate::common::{SiteTest, broken_links};

fn page(built: &pactum::site::Built, path: &str) -> String {
    let bytes = built.output.get(path).unwrap_or_else(|| panic!("{path} was not produced"));
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn the_bundled_example_builds_and_every_internal_link_resolves() {
    let site = SiteTest::example();
    let built = site.build();
    let errors: Vec<String> = built.diags.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n\n"));
    assert!(built.documents >= 18, "only {} documents", built.documents);
    assert_eq!(broken_links(&built.output), Vec::<String>::new());
}

#[test]
fn the_bundled_example_covers_every_kind_and_status() {
    let built = SiteTest::example().build();
    for listing in ["aftaler", "forloebsprogrammer", "kommunikationspakker", "tjeklister", "vejledninger"] {
        let html = page(&built, &format!("{listing}/index.html"));
        assert!(html.matches("<tr").count() >= 2, "{listing} lists no documents");
    }
    let all: String = built.output.values().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
    for status in ["Gældende", "I høring", "Erstattet", "Tilbagetrukket"] {
        assert!(all.contains(status), "no page shows status {status}");
    }
}

#[test]
fn every_page_type_renders_with_relative_urls_only() {
    let built = SiteTest::fixture("minimal").build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    let expected = [
        "index.html",
        "404.html",
        "aftaler/index.html",
        "aftaler/hoved/index.html",
        "forloebsprogrammer/index.html",
        "kommunikationspakker/index.html",
        "tjeklister/index.html",
        "tjeklister/tjek/index.html",
        "vejledninger/index.html",
        "sider/om/index.html",
        "emner/index.html",
        "emner/hjerte/index.html",
        "emner/kommuner/index.html",
        "organisationer/index.html",
        "organisationer/sku/index.html",
    ];
    for p in expected {
        let html = page(&built, p);
        assert!(html.starts_with("<!doctype html>"), "{p}");
        assert_eq!(html.matches("<h1").count(), 1, "{p} must have one h1");
        assert!(
            !html.contains("href=/") && !html.contains("href=\"/") && !html.contains("src=/"),
            "{p} has an absolute URL"
        );
    }
    assert_eq!(broken_links(&built.output), Vec::<String>::new());
    assert!(!built.output.contains_key("sitemap.xml"), "no sitemap without base_url");
    assert!(!built.output.keys().any(|k| k.contains("kladde")), "draft was published");
}

#[test]
fn an_agreement_shows_its_metadata_and_relations_both_ways() {
    let built = SiteTest::fixture("minimal").build();
    let hoved = page(&built, "aftaler/hoved/index.html");
    for needle in [
        "2.0",
        "1. januar 2019",
        "31. december 2023",
        "SKU",
        "DAK",
        "Indstillet",
        "Region",
        "Bilag om ansvar",
        "Gammel aftale",
    ] {
        assert!(hoved.contains(needle), "agreement page lacks {needle}");
    }
    assert!(hoved.contains("../../aftaler/bilag/index.html"), "parent does not list its bilag");
    let bilag = page(&built, "aftaler/bilag/index.html");
    assert!(bilag.contains("../../aftaler/hoved/index.html#formaal"), "link with anchor not rewritten");
    let gammel = page(&built, "aftaler/gammel/index.html");
    assert!(gammel.contains("../../aftaler/hoved/index.html"), "superseded document does not name its successor");
    let program = page(&built, "forloebsprogrammer/program/index.html");
    assert!(program.contains("../../kommunikationspakker/pakke/index.html"));
    assert!(program.contains("../../tjeklister/tjek/index.html"));
    let pakke = page(&built, "kommunikationspakker/pakke/index.html");
    assert!(pakke.contains("../../forloebsprogrammer/program/index.html"));
}

#[test]
fn organisations_group_documents_by_owner_region_and_parties() {
    let site = SiteTest::fixture("minimal");
    site.write(
        "content/vejledninger/region.md",
        "---\ntitle: \"Regional vejledning\"\nversion: \"1\"\nowner: \"kommuner\"\nregion: \"Region Nord\"\n---\nTekst.\n",
    );
    let built = site.build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    let index = page(&built, "organisationer/index.html");
    for (name, url, count) in [
        ("SKU", "sku", "1 dokument"),
        ("Kommuner", "kommuner", "2 dokumenter"),
        ("Region Nord", "region-nord", "1 dokument"),
    ] {
        let link = format!("<a href=../organisationer/{url}/index.html>{name}</a> <span class=count>{count}</span>");
        assert!(index.contains(&link), "organisation index lacks {link}");
    }
    // "Kommuner" (a party) and "kommuner" (an owner) are one organisation.
    let kommuner = page(&built, "organisationer/kommuner/index.html");
    assert!(kommuner.contains("<h1>Organisation: Kommuner</h1>"));
    assert!(
        kommuner.contains("../../aftaler/hoved/index.html")
            && kommuner.contains("../../vejledninger/region/index.html")
    );
    assert!(!kommuner.contains("../../aftaler/bilag/index.html"), "a document without the organisation is listed");
    let hoved = page(&built, "aftaler/hoved/index.html");
    assert!(hoved.contains("<a href=../../organisationer/sku/index.html>SKU</a>"), "owner not linked");
    assert!(hoved.contains("<a href=../../organisationer/region/index.html>Region</a>"), "party not linked");
    assert!(hoved.contains("aria-label=Hovedmenu"));
    assert!(hoved.contains("href=../../organisationer/index.html>Organisationer</a>"), "menu lacks organisations");
    assert_eq!(broken_links(&built.output), Vec::<String>::new());
}

#[test]
fn bodies_render_tables_footnotes_and_checklists() {
    let built = SiteTest::fixture("minimal").build();
    let hoved = page(&built, "aftaler/hoved/index.html");
    assert!(hoved.contains("class=table-scroll") || hoved.contains("class=\"table-scroll\""));
    assert!(hoved.contains("scope=col"), "table headers need scope");
    assert!(!hoved.contains("style="), "inline styles break a strict CSP");
    assert!(hoved.contains("footnote"), "footnote missing");
    let tjek = page(&built, "tjeklister/tjek/index.html");
    assert_eq!(tjek.matches("type=checkbox").count(), 2, "{tjek}");
    assert!(tjek.contains("Skriv dine spørgsmål ned</label>"));
}

#[test]
fn builds_are_deterministic() {
    let site = SiteTest::example();
    let a = site.build();
    let b = site.build();
    assert_eq!(a.output.keys().collect::<Vec<_>>(), b.output.keys().collect::<Vec<_>>());
    assert!(a.output == b.output, "two builds of the same input differ");
}

#[test]
fn base_url_adds_a_sitemap_and_drafts_can_be_included() {
    let site = SiteTest::fixture("minimal");
    let built = site.build_with(|o| {
        o.base_url = Some("https://example.org/aftaler".into());
        o.drafts = true;
    });
    assert!(!built.has_errors(), "{:?}", built.diags);
    let sitemap = page(&built, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/aftaler/aftaler/hoved/</loc>"), "{sitemap}");
    assert!(!sitemap.contains("404"));
    assert!(built.output.contains_key("aftaler/kladde/index.html"));
}

#[test]
fn a_sites_own_layouts_and_assets_override_the_theme() {
    let site = SiteTest::fixture("minimal");
    site.write("layouts/404.html", "<!doctype html><html lang=\"da\"><title>x</title><h1>Egen 404</h1></html>");
    site.write("assets/style.css", "body{color:#123}");
    site.write("assets/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let built = site.build();
    assert!(page(&built, "404.html").contains("Egen 404"));
    let css = built.output.iter().find(|(k, _)| k.starts_with("assets/style.")).unwrap();
    assert_eq!(&css.1[..], b"body{color:#123}");
    assert!(built.output.contains_key("assets/logo.svg"));
}

#[test]
fn configuration_switches_the_ui_to_english() {
    let site = SiteTest::fixture("minimal");
    site.write("pactum.yaml", "title: Agreements\nlanguage: en\n");
    let built = site.build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    let home = page(&built, "index.html");
    assert!(home.contains("lang=en"), "{}", &home[..200]);
    assert!(page(&built, "aftaler/hoved/index.html").contains("1 January 2019"));
}

#[test]
fn templates_can_read_the_relation_graph() {
    let site = SiteTest::fixture("minimal");
    site.write(
        "layouts/404.html",
        "{% set g = relation_graph() %}<p>{{ g.nodes | length }} nodes</p>{% for e in g.edges %}{% if e.type == \"supersedes\" %}<p>{{ e.from }}&gt;{{ e.to }}</p>{% endif %}{% endfor %}",
    );
    let built = site.build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    let html = page(&built, "404.html");
    assert!(html.contains(&format!("{} nodes", built.documents)), "{html}");
    assert!(html.contains("<p>hoved&gt;gammel</p>"), "{html}");
}

#[cfg(unix)]
#[test]
fn symlinks_in_content_are_skipped_with_a_warning() {
    let site = SiteTest::fixture("minimal");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "---\ntitle: Hemmelig\n---\n\nHemmeligt.\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.md"), site.root().join("content/sider/secret.md")).unwrap();
    std::os::unix::fs::symlink(site.root().join("content"), site.root().join("content/sider/loop")).unwrap();
    let built = site.build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    assert_eq!(built.diags.iter().filter(|d| d.code == "symlink").count(), 2, "{:?}", built.diags);
    assert!(!built.output.values().any(|b| String::from_utf8_lossy(b).contains("Hemmeligt")));
}

#[test]
fn a_deeply_nested_document_builds_through_the_binary() {
    // minify-html (pactum's first minifier) recursed per element; 10,000 nested block quotes overflowed its stack.
    let site = SiteTest::fixture("minimal");
    site.write("content/sider/dyb.md", &format!("---\ntitle: \"Dyb\"\n---\n\n{}a\n", "> ".repeat(10_000)));
    site.cmd().args(["build", "--output-dir", "out"]).assert().success();
    let html = std::fs::read_to_string(site.root().join("out/sider/dyb/index.html")).unwrap();
    assert!(html.matches("<blockquote>").count() >= 10_000);
    let other = std::fs::read_to_string(site.root().join("out/sider/om/index.html")).unwrap();
    assert!(!other.contains("\n<main"), "other pages are still minified");
}

#[test]
fn a_site_with_search_off_has_no_index_and_no_search_box() {
    let site = SiteTest::example();
    let on = site.build();
    assert!(!on.has_errors(), "{:?}", on.diags);
    let config = std::fs::read_to_string(site.root().join("pactum.yaml")).unwrap_or_default();
    site.write("pactum.yaml", &format!("{config}\nsearch: false\n"));
    let off = site.build();
    assert!(!off.has_errors(), "{:?}", off.diags);

    let index_files =
        |b: &pactum::site::Built| b.output.keys().filter(|p| p.starts_with("soeg/") && p.ends_with(".js")).count();
    assert!(index_files(&on) > 10, "the example's index has its manifest, quick find, shards and chunks");
    assert_eq!(index_files(&off), 0);
    // Every page drops the search box and the search scripts; the search
    // page keeps the lists by kind and A–Å, and its letter pages are there.
    for (path, bytes) in off.output.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(!html.contains("role=search") && !html.contains("search-input"), "{path} has a search box");
        assert!(!html.contains("assets/search"), "{path} loads a search script or style");
    }
    let search = page(&off, "soeg/index.html");
    assert!(search.contains("search-az") && search.contains("search-kinds"), "{search}");
    assert!(off.output.keys().any(|p| p.starts_with("soeg/bogstav/")));
    let home = page(&on, "index.html");
    assert!(home.contains("search-input") && home.contains("assets/search"), "{home}");
    assert!(off.timings.iter().all(|l| l.name != "search"));
}
