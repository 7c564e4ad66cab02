//! `pactum serve` reuses pages between builds (`site::memo`). After any
//! sequence of edits, a build that reuses pages must equal a clean build byte
//! for byte, with the same problems reported.

use crate::common::{SiteTest, repo};
use pactum::site::memo::BuildMemo;
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Markdown files under content/, sorted.
fn documents(site: &SiteTest) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

/// One edit an editor might make; `pick` chooses the file, `n` makes text unique.
/// Returns the paths it wrote, created or removed, as a watcher reports them.
fn edit(site: &SiteTest, op: u8, pick: usize, n: usize) -> Vec<PathBuf> {
    let docs = documents(site);
    let file = &docs[pick % docs.len()];
    let mut changed = vec![file.clone()];
    let text = std::fs::read_to_string(file).unwrap_or_default();
    match op {
        0 => std::fs::write(file, format!("{text}\nEt nyt afsnit nummer {n} om udskrivning.\n")).unwrap(),
        1 => {
            let new = match text.lines().find(|l| l.starts_with("title:")) {
                Some(line) => text.replacen(line, &format!("title: \"Ny titel {n}\""), 1),
                None => text,
            };
            std::fs::write(file, new).unwrap();
        }
        2 => {
            let new = if text.contains("\ntags: [") {
                text.replacen("\ntags: [", &format!("\ntags: [emne{n}, "), 1)
            } else {
                text.replacen("---\n", &format!("---\ntags: [emne{n}]\n"), 1)
            };
            std::fs::write(file, new).unwrap();
        }
        // Few names, so that a link to a document that does not exist yet (10) may come to resolve.
        3 => {
            let rel = format!("content/vejledninger/ny-{}.md", n % 3);
            changed = vec![site.root().join(&rel)];
            site.write(
            &rel,
            &format!("---\ntitle: \"Ny vejledning {n}\"\nversion: \"1\"\ntags: [hjerte]\n---\n\n## Indhold\n\nSe [[hoved]].\n"),
        );
        }
        4 if docs.len() > 3 => std::fs::remove_file(file).unwrap(),
        5 => {
            let to = file.with_file_name(format!("omdoebt-{n}.md"));
            std::fs::rename(file, &to).unwrap();
            changed.push(to);
        }
        6 => std::fs::write(file, "---\ntitle: [ikke afsluttet\n---\n").unwrap(),
        7 => std::fs::write(file, text.replacen("status: in-force", "status: superseded", 1)).unwrap(),
        8 => {
            let base = std::fs::read_to_string(repo().join("layouts/base.html")).unwrap();
            site.write("layouts/base.html", &base.replace("</footer>", &format!("<p>Redigeret {n}</p></footer>")));
        }
        10 => std::fs::write(file, format!("{text}\nSe også [[ny-{}]].\n", n % 3)).unwrap(),
        // A layout only some pages are made of: one template, or the macros several import.
        11 => {
            let own = std::fs::read_to_string(repo().join("layouts/checklist.html")).unwrap();
            let own = own.replace("{% block doc_tools %}", &format!("{{% block doc_tools %}}<p>Tjekliste {n}</p>"));
            site.write("layouts/checklist.html", &own);
        }
        13 => {
            let row = std::fs::read_to_string(repo().join("layouts/row.html")).unwrap();
            site.write(
                "layouts/row.html",
                &row.replace("<td>{{ d.version }}</td>", &format!("<td data-n=\"{n}\">{{{{ d.version }}}}</td>")),
            );
        }
        12 => {
            let macros = std::fs::read_to_string(repo().join("layouts/macros.html")).unwrap();
            site.write(
                "layouts/macros.html",
                &macros.replace("<caption class=", &format!("<caption data-n=\"{n}\" class=")),
            );
        }
        _ => {
            // A template that reads the whole relation graph depends on every title and link.
            let graph = "{% set g = relation_graph() %}<p>{{ g.nodes | length }} dokumenter, {{ g.edges | length }} forbindelser</p>";
            let base = std::fs::read_to_string(repo().join("layouts/base.html")).unwrap();
            site.write("layouts/base.html", &base.replace("</footer>", &format!("{graph}</footer>")));
        }
    }
    let layout = match op {
        4 if docs.len() <= 3 => Some("base"),
        8 | 9 | 14.. => Some("base"),
        11 => Some("checklist"),
        12 => Some("macros"),
        13 => Some("row"),
        _ => None,
    };
    if let Some(name) = layout {
        changed = vec![site.root().join(format!("layouts/{name}.html"))];
    }
    changed
}

fn report(built: &pactum::site::Built) -> Vec<String> {
    built.diags.iter().map(ToString::to_string).collect()
}

/// The pages of a build: every HTML file (the search index's files are scripts).
fn pages(built: &pactum::site::Built) -> usize {
    built.output.keys().filter(|k| k.ends_with(".html")).count()
}

/// The minimal fixture and its first build with `memo` (which must succeed).
fn minimal_built(memo: &Arc<BuildMemo>) -> (SiteTest, pactum::site::Built) {
    let site = SiteTest::fixture("minimal");
    let first = site.build_with(|o| o.memo = Some(Arc::clone(memo)));
    memo.finish_build(true);
    assert!(!first.has_errors(), "{:?}", report(&first));
    (site, first)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn builds_that_reuse_pages_equal_clean_builds(edits in prop::collection::vec((0u8..15, 0usize..64), 1..7)) {
        let site = SiteTest::fixture("minimal");
        let memo = Arc::new(BuildMemo::default());
        // Builds are told which paths changed, as `serve`'s watcher tells them.
        let with_memo = |site: &SiteTest, changed: Option<Vec<PathBuf>>| site.build_with(|o| {
            o.memo = Some(Arc::clone(&memo));
            o.changed = changed;
        });
        let first = with_memo(&site, None);
        memo.finish_build(true);
        prop_assert!(!first.has_errors());
        for (n, (op, pick)) in edits.into_iter().enumerate() {
            let changed = edit(&site, op, pick, n);
            let reused = with_memo(&site, Some(changed));
            let hits = memo.finish_build(!reused.has_errors());
            let clean = site.build();
            prop_assert_eq!(report(&reused), report(&clean), "problems differ after edit {} ({})", n, op);
            let differing: Vec<&String> = clean.output.keys()
                .filter(|k| reused.output.get(*k) != clean.output.get(*k)).collect();
            prop_assert!(differing.is_empty(), "after edit {} ({}), {} pages differ: {:?}", n, op, differing.len(), differing);
            prop_assert_eq!(reused.output.len(), clean.output.len());
            // A body edit leaves most pages as they were.
            if op == 0 && !clean.has_errors() {
                // Debug builds also make traced pages again and find them by key; release builds do not.
                prop_assert!(hits.pages + hits.traces > 0, "no page was reused after a body edit");
                prop_assert!(hits.traces > 0, "no page was taken from its trace after a body edit");
                prop_assert!(hits.search > 0, "search analysed every document again after a body edit");
                prop_assert!(hits.bodies > 0, "no body was reused after a body edit");
                prop_assert!(hits.files > 0, "no file was reused after a body edit");
            }
        }
    }
}

#[test]
fn a_template_that_reads_the_relation_graph_is_rendered_again_when_the_graph_changes() {
    let site = SiteTest::fixture("minimal");
    edit(&site, 9, 0, 0); // base.html shows the number of documents in the graph
    let memo = Arc::new(BuildMemo::default());
    let with_memo = |site: &SiteTest| site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    with_memo(&site);
    memo.finish_build(true);
    // One more link: the graph has one more edge, while the guidance page's own context is as it was.
    let om = site.root().join("content/sider/om.md");
    std::fs::write(&om, std::fs::read_to_string(&om).unwrap() + "\nSe også [[program]].\n").unwrap();
    let reused = with_memo(&site);
    let clean = site.build();
    assert!(!clean.has_errors(), "{:?}", report(&clean));
    let page = |b: &pactum::site::Built| String::from_utf8(b.output["vejledninger/video/index.html"].to_vec()).unwrap();
    assert_eq!(page(&reused), page(&clean));
    assert_eq!(reused.output, clean.output);
}

#[test]
fn a_rebuild_without_changes_reuses_every_page() {
    let site = SiteTest::example();
    let memo = Arc::new(BuildMemo::default());
    let first = site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    memo.finish_build(true);
    let again = site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    let reused = memo.finish_build(true);
    assert_eq!(again.output, first.output);
    assert_eq!(reused.traces, pages(&first), "pages made again although nothing they read changed");
    assert!(reused.bodies >= first.documents, "bodies rendered again although nothing changed: {reused:?}");
}

#[test]
fn a_title_change_reaches_the_bodies_that_show_the_title_and_only_those() {
    let memo = Arc::new(BuildMemo::default());
    let with_memo = |site: &SiteTest| site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    let (site, first) = minimal_built(&memo);
    // bilag.md shows hoved's title through `[[hoved]]`.
    let hoved = site.root().join("content/aftaler/hoved.md");
    let text = std::fs::read_to_string(&hoved).unwrap();
    let line = text.lines().find(|l| l.starts_with("title:")).unwrap().to_string();
    std::fs::write(&hoved, text.replacen(&line, "title: \"Hovedaftalen om samarbejde\"", 1)).unwrap();
    let reused = with_memo(&site);
    let hits = memo.finish_build(true);
    let clean = site.build();
    assert!(!clean.has_errors(), "{:?}", report(&clean));
    assert_eq!(reused.output, clean.output);
    let bilag = String::from_utf8(clean.output["aftaler/bilag/index.html"].to_vec()).unwrap();
    assert!(bilag.contains("Hovedaftalen om samarbejde"), "the link text is the new title");
    // Bodies that do not link to hoved are not rendered again.
    assert!(hits.bodies > 0 && hits.bodies < first.documents, "{hits:?}");
}

#[test]
fn adding_a_document_renders_again_only_what_it_changes() {
    let memo = Arc::new(BuildMemo::default());
    let with_memo = |site: &SiteTest| site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    let (site, first) = minimal_built(&memo);
    // A link to a document that does not exist yet: the build fails...
    let video = site.root().join("content/vejledninger/video.md");
    let text = std::fs::read_to_string(&video).unwrap();
    std::fs::write(&video, format!("{text}\nSe også [[ny-vejledning]].\n")).unwrap();
    let broken = with_memo(&site);
    memo.finish_build(false);
    assert!(broken.has_errors(), "the link names no document yet");
    // ...until the document is added: the body with that link is rendered
    // again, every other body is reused, and so are pages the new document
    // does not show on (its neighbours' document pages are numbered anew).
    site.write(
        "content/aftaler/ny-vejledning.md",
        "---\ntitle: \"Ny aftale om video\"\nversion: \"1.0\"\nstatus: in-force\n---\n\nSe [[hoved]].\n",
    );
    let added = with_memo(&site);
    let hits = memo.finish_build(true);
    let clean = site.build();
    assert!(!clean.has_errors(), "{:?}", report(&clean));
    assert_eq!(added.output, clean.output);
    assert_eq!(added.diags, clean.diags);
    let page = String::from_utf8(clean.output["vejledninger/video/index.html"].to_vec()).unwrap();
    assert!(page.contains("Ny aftale om video"), "the link shows the new document's title");
    assert_eq!(hits.bodies, first.documents - 1, "every body but video's is reused: {hits:?}");
    assert!(hits.traces > 0, "pages that do not show the new document are reused: {hits:?}");
    // Deleting it again: the same bodies are reused, the output equals a clean build.
    std::fs::remove_file(site.root().join("content/aftaler/ny-vejledning.md")).unwrap();
    std::fs::write(&video, &text).unwrap();
    let deleted = with_memo(&site);
    let hits = memo.finish_build(true);
    assert_eq!(deleted.output, site.build().output);
    assert!(hits.bodies >= first.documents - 1 && hits.traces > 0, "{hits:?}");
}

#[test]
fn a_layout_edit_renders_again_only_the_pages_made_with_that_layout() {
    let memo = Arc::new(BuildMemo::default());
    let with_memo = |site: &SiteTest| site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    let (site, _) = minimal_built(&memo);
    // The site's own checklist layout: the default one with a line more.
    let default = std::fs::read_to_string(repo().join("layouts/checklist.html")).unwrap();
    let own = default.replace("{% block doc_tools %}", "{% block doc_tools %}\n<p class=\"own\">Egen tjekliste</p>");
    site.write("layouts/checklist.html", &own);
    let edited = with_memo(&site);
    let hits = memo.finish_build(true);
    let clean = site.build();
    assert!(!clean.has_errors(), "{:?}", report(&clean));
    assert_eq!(edited.output, clean.output);
    let tjek = String::from_utf8(clean.output["tjeklister/tjek/index.html"].to_vec()).unwrap();
    assert!(tjek.contains("Egen tjekliste"), "the checklist page uses the site's layout");
    // One checklist: every other page is taken from its trace.
    assert_eq!(hits.traces, pages(&clean) - 1, "{hits:?}");
    // An edit to the base layout reaches every page.
    let base = std::fs::read_to_string(repo().join("layouts/base.html")).unwrap();
    site.write("layouts/base.html", &base.replace("<main", "<!-- egen -->\n<main"));
    let based = with_memo(&site);
    let hits = memo.finish_build(true);
    assert_eq!(based.output, site.build().output);
    assert_eq!(hits.traces, 0, "{hits:?}");
    // The row of the document tables: the pages with a table, and only those.
    let row = std::fs::read_to_string(repo().join("layouts/row.html")).unwrap();
    site.write("layouts/row.html", &row.replace("<td>{{ d.owner }}</td>", "<td>{{ d.owner }} (egen)</td>"));
    let rowed = with_memo(&site);
    let hits = memo.finish_build(true);
    let clean = site.build();
    assert_eq!(rowed.output, clean.output);
    let tables: Vec<&String> = clean
        .output
        .iter()
        .filter(|(k, v)| k.ends_with(".html") && String::from_utf8_lossy(v).contains("(egen)"))
        .map(|(k, _)| k)
        .collect();
    assert!(
        tables.iter().any(|k| *k == "aftaler/index.html") && tables.iter().any(|k| k.starts_with("emner/")),
        "{tables:?}"
    );
    assert_eq!(hits.traces, pages(&clean) - tables.len(), "{hits:?}");
}

#[test]
fn a_page_found_by_its_key_still_depends_on_the_row_layout() {
    let memo = Arc::new(BuildMemo::default());
    let with_memo = |site: &SiteTest| site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    let (site, _) = minimal_built(&memo);
    // A title change makes the front page again, which finds itself by its key
    // (its table does not show that document) without making its rows...
    edit(&site, 1, 36, 0);
    with_memo(&site);
    memo.finish_build(true);
    // ...and its trace must still name row.html: an edit to it reaches the front page.
    edit(&site, 13, 0, 1);
    let edited = with_memo(&site);
    memo.finish_build(true);
    let clean = site.build();
    assert!(String::from_utf8_lossy(&clean.output["index.html"]).contains("data-n=1"));
    assert_eq!(edited.output["index.html"], clean.output["index.html"]);
}

#[test]
fn a_configuration_change_reaches_every_document() {
    let memo = Arc::new(BuildMemo::default());
    let with_memo = |site: &SiteTest| site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    let site = SiteTest::fixture("minimal");
    // Files read well after they were written are taken as they were while their times hold.
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(!with_memo(&site).has_errors());
    memo.finish_build(true);
    // The guidance folder now holds checklists: every document in it changes kind.
    site.write("pactum.yaml", "kinds:\n  vejledninger: checklist\n");
    let reused = with_memo(&site);
    memo.finish_build(!reused.has_errors());
    let clean = site.build();
    assert_eq!(report(&reused), report(&clean));
    assert_eq!(reused.output, clean.output);
}

#[test]
fn a_body_edit_takes_the_assembled_site_as_it_was_and_a_title_change_does_not() {
    let memo = Arc::new(BuildMemo::default());
    let with_memo = |site: &SiteTest| site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    let (site, _) = minimal_built(&memo);
    let changed = edit(&site, 0, 1, 1);
    let reused = site.build_with(|o| {
        o.memo = Some(Arc::clone(&memo));
        o.changed = Some(changed);
    });
    assert_eq!(memo.finish_build(true).site, 1);
    let clean = site.build();
    assert_eq!(reused.output, clean.output);
    edit(&site, 1, 1, 2);
    let retitled = with_memo(&site);
    assert_eq!(memo.finish_build(true).site, 0);
    assert_eq!(retitled.output, site.build().output);
}
