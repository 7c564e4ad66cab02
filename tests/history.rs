//! Version history from git: repositories made in temp folders with
//! several commits, a typo-only commit, a rename and a shallow clone.

use crate::common::{SiteTest, broken_links};
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str], date: &str) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Redaktør")
        .env("GIT_AUTHOR_EMAIL", "red@example.org")
        .env("GIT_COMMITTER_NAME", "Redaktør")
        .env("GIT_COMMITTER_EMAIL", "red@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn sambo(version: &str, answer: &str, note: &str) -> String {
    format!(
        "---\ntitle: \"SAM:BO\"\nversion: \"{version}\"\nstatus: in-force\nchange_note: \"{note}\"\napprovals:\n  - {{ body: DAK, date: 2019-01-24 }}\n---\n\n## Formål\n\nAftalen gælder for alle borgere.\n\n## Svartid\n\nKorrespondancemeddelelser besvares {answer}.\n\n## Ansvar\n\nKommunen har ansvaret for pleje efter udskrivelse.\n"
    )
}

/// A site whose SAM:BO went 1.0 → (typo fix) → 2.0 → renamed → 3.0 (uncommitted edits on top).
fn repo_site() -> SiteTest {
    let site = SiteTest { dir: tempfile::tempdir().unwrap() };
    let root = site.root();
    git(root, &["init", "-q", "-b", "main"], "2019-01-01T12:00:00Z");
    site.write("content/aftaler/sambo.md", &sambo("1.0", "inden for max 3 hverdage", "Første udgave"));
    site.write(
        "content/aftaler/henvisning.md",
        "---\ntitle: Henvisning\nversion: \"1\"\n---\n\nSe [[sambo@1.0]] og [[sambo@2.0#svartid]].\n",
    );
    git(root, &["add", "."], "2019-02-01T12:00:00Z");
    git(root, &["commit", "-qm", "SAM:BO 1.0"], "2019-02-01T12:00:00Z");
    site.write("content/aftaler/sambo.md", &sambo("1.0", "inden for max 3 hverdage.", "Første udgave"));
    git(root, &["commit", "-qam", "typo"], "2019-03-01T12:00:00Z");
    site.write("content/aftaler/sambo.md", &sambo("2.0", "senest kl. 10 næste hverdag", "Ny svartid"));
    git(root, &["commit", "-qam", "SAM:BO 2.0"], "2021-06-01T12:00:00Z");
    git(root, &["mv", "content/aftaler/sambo.md", "content/aftaler/sam-bo.md"], "2022-01-01T12:00:00Z");
    site.write(
        "content/aftaler/sam-bo.md",
        &sambo("3.0", "senest kl. 10 næste hverdag", "Ansvar præciseret")
            .replace("efter udskrivelse", "og genoptræning efter udskrivelse"),
    );
    site.write(
        "content/aftaler/henvisning.md",
        "---\ntitle: Henvisning\nversion: \"1\"\n---\n\nSe [[sambo@1.0]] og [[sambo@2.0#svartid]].\n"
            .replace("sambo", "sam-bo")
            .as_str(),
    );
    git(root, &["add", "-A"], "2022-01-01T12:00:00Z");
    git(root, &["commit", "-qm", "rename and 3.0"], "2022-01-01T12:00:00Z");
    // An uncommitted edit shows as the current text but is no version.
    site.write(
        "content/aftaler/sam-bo.md",
        &sambo("3.0", "senest kl. 10 næste hverdag (udkast)", "Ansvar præciseret")
            .replace("efter udskrivelse", "og genoptræning efter udskrivelse"),
    );
    site
}

fn page(built: &pactum::site::Built, path: &str) -> String {
    let keys: Vec<&String> = built.output.keys().filter(|k| k.contains("sam-bo")).collect();
    String::from_utf8(built.output.get(path).unwrap_or_else(|| panic!("{path} missing; have {keys:?}")).to_vec())
        .unwrap()
}

#[test]
fn every_version_gets_a_page_and_typo_commits_are_not_versions() {
    let site = repo_site();

    let built = site.build();
    assert!(!built.has_errors(), "{:#?}", built.diags);
    let history = page(&built, "aftaler/sam-bo/historik/index.html");
    for v in ["3.0", "2.0", "1.0"] {
        assert!(history.contains(&format!(">{v}</")), "history lacks {v}: {history}");
    }
    assert_eq!(history.matches("<tr").count(), 4, "header + 3 versions (the typo fix is no version)");
    assert!(history.contains("Ny svartid") && history.contains("1. juni 2021"), "{history}");
    assert!(history.contains("DAK"));
    let v1 = page(&built, "aftaler/sam-bo/v/1.0/index.html");
    assert!(v1.contains("inden for max 3 hverdage."), "text as of the last commit with 1.0 (after the typo fix)");
    assert!(v1.contains("Historisk version 1.0"), "{v1}");
    assert!(v1.contains("<a href=../../../../aftaler/sam-bo/index.html>3.0</a>"), "banner links the version in force");
    assert!(v1.contains("<link rel=canonical href=../../../../aftaler/sam-bo/index.html>"), "canonical");
    let current = page(&built, "aftaler/sam-bo/index.html");
    assert!(current.contains("(udkast)"), "uncommitted edits are the current text");
    assert!(current.contains("historik/index.html"), "the current page links its history");
    assert!(current.contains("Sidst ændret"));
    assert!(!built.output.contains_key("aftaler/sam-bo/v/3.0/index.html"), "the current version has no extra page");
    assert_eq!(broken_links(&built.output), Vec::<String>::new());
}

#[test]
fn diffs_mark_inserted_and_deleted_words_per_section() {
    let built = repo_site().build();
    let diff = page(&built, "aftaler/sam-bo/historik/2.0/index.html");
    assert!(
        diff.contains("<del><span class=visually-hidden>slettet: </span>inden for max 3 hverdage..</del>"),
        "{diff}"
    );
    assert!(
        diff.contains("<ins><span class=visually-hidden>indsat: </span>senest kl. 10 næste hverdag.</ins>"),
        "{diff}"
    );
    assert!(
        diff.contains("<details class=\"diff-section diff-unchanged\">") || diff.contains("diff-unchanged"),
        "unchanged sections are collapsed"
    );
    let diff3 = page(&built, "aftaler/sam-bo/historik/3.0/index.html");
    assert!(
        diff3.contains("pleje <ins><span class=visually-hidden>indsat: </span>og genoptræning </ins>efter"),
        "{diff3}"
    );
}

#[test]
fn version_links_point_at_the_version_pages() {
    let built = repo_site().build();
    let h = page(&built, "aftaler/henvisning/index.html");
    assert!(h.contains("href=../../aftaler/sam-bo/v/1.0/index.html"), "{h}");
    assert!(h.contains("href=../../aftaler/sam-bo/v/2.0/index.html#svartid"), "{h}");
    let feed = page(&built, "feed.xml");
    assert!(feed.contains("SAM:BO – version 2.0") && feed.contains("Ny svartid"), "{feed}");
}

#[test]
fn a_shallow_clone_warns_that_history_is_incomplete() {
    let origin = repo_site();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.root().display());
    git(clone.path(), &["clone", "-q", "--depth", "1", &url, "site"], "2022-01-01T12:00:00Z");
    let site = SiteTest { dir: clone };
    let built = site.build_with(|o| o.root = o.root.join("site"));
    assert!(!built.has_errors(), "{:#?}", built.diags);
    assert!(built.diags.iter().any(|d| d.code == "history-shallow"), "{:#?}", built.diags);
    assert!(
        built.diags.iter().any(|d| d.code == "link-version" && !d.is_error()),
        "old-version links degrade to warnings"
    );
}

#[test]
fn history_from_front_matter_works_without_git() {
    let site = SiteTest::fixture("minimal");
    site.write(
        "content/aftaler/gammel.md",
        "---\ntitle: \"Gammel aftale\"\nversion: \"1.0\"\nstatus: superseded\nhistory:\n  - { version: \"1.0\", date: 2014-05-01, change_note: \"Første udgave\", approved_by: SKU }\n  - { version: \"0.9\", date: 2014-01-10, change_note: \"Høringsudgave\" }\n---\n\n## Tekst\n\nErstattet.\n",
    );
    let built = site.build();
    let h = page(&built, "aftaler/gammel/historik/index.html");
    assert!(h.contains("Høringsudgave") && h.contains("10. januar 2014") && h.contains("SKU"), "{h}");
}

#[test]
fn status_banners_are_computed_for_the_build_day() {
    let site = SiteTest::fixture("minimal");
    let day = |s: &str| pactum::date::Date::parse(s).unwrap();
    let before = site.build_with(|o| o.today = Some(day("2018-06-01")));
    assert!(page(&before, "aftaler/hoved/index.html").contains(">Kommende<"));
    let during = site.build_with(|o| o.today = Some(day("2020-06-01")));
    assert!(page(&during, "aftaler/hoved/index.html").contains(">Gældende<"));
    let after = site.build_with(|o| o.today = Some(day("2024-06-01")));
    assert!(page(&after, "aftaler/hoved/index.html").contains(">Historisk<"));
    assert!(page(&after, "vejledninger/video/index.html").contains(">Tilbagetrukket<"));
    assert!(page(&after, "forloebsprogrammer/program/index.html").contains(">I høring<"));
    let late = site.build_with(|o| o.today = Some(day("2026-12-01")));
    assert!(late.diags.iter().any(|d| d.code == "review-due" && d.file.ends_with("hoved.md")), "{:?}", late.diags);
    let overdue = site.build_with(|o| o.today = Some(day("2027-02-01")));
    assert!(overdue.diags.iter().any(|d| d.code == "review-overdue"));
}

#[test]
fn the_history_cache_makes_a_rebuild_after_one_commit_read_one_commit() {
    let site = repo_site();
    let root = site.root();
    let cache = root.join(pactum::history::cache::FILE);
    let first = site.build();
    assert!(!first.has_errors(), "{:#?}", first.diags);
    assert_eq!(first.history.commits, 4, "a cold build compares every commit");
    assert!(first.history.parsed >= 4, "{:?}", first.history);
    assert!(cache.is_file(), "no cache written");

    // Nothing committed since: nothing read, the same site.
    let again = site.build();
    assert_eq!(again.history, pactum::history::Stats { commits: 0, parsed: 0 });
    assert_eq!(again.output, first.output);

    // One commit that makes version 4.0 of one document: one commit compared, one blob parsed.
    site.write(".gitignore", ".pactum-cache/\n");
    site.write("content/aftaler/sam-bo.md", &sambo("4.0", "senest kl. 9 næste hverdag", "Tidligere svar"));
    git(root, &["add", "-A"], "2023-03-01T12:00:00Z");
    git(root, &["commit", "-qm", "SAM:BO 4.0"], "2023-03-01T12:00:00Z");
    let warm = site.build();
    assert_eq!(warm.history, pactum::history::Stats { commits: 1, parsed: 1 });
    std::fs::remove_file(&cache).unwrap();
    let cold = site.build();
    assert_eq!(cold.history.commits, 5);
    assert_eq!(warm.output, cold.output, "a build from the cache differs from one without it");
    assert!(page(&warm, "aftaler/sam-bo/v/3.0/index.html").contains("Historisk version"));

    // History rewritten under the cache (amend): the cached head is gone, the walk starts over.
    site.write("content/aftaler/sam-bo.md", &sambo("4.1", "senest kl. 9 næste hverdag", "Rettet"));
    git(root, &["commit", "-q", "--amend", "-am", "SAM:BO 4.1"], "2023-03-02T12:00:00Z");
    let rewritten = site.build();
    assert_eq!(rewritten.history.commits, 5);
    std::fs::remove_file(&cache).unwrap();
    assert_eq!(rewritten.output, site.build().output);
    assert!(!rewritten.output.contains_key("aftaler/sam-bo/v/4.0/index.html"), "an amended-away version stays");

    // A damaged cache is ignored, not an error.
    std::fs::write(&cache, "{ not json").unwrap();
    let damaged = site.build();
    assert!(!damaged.has_errors());
    assert_eq!(damaged.output, rewritten.output);
}

/// `pactum serve` reuses pages, bodies and search work between builds; with
/// version history too, every rebuild must equal a clean build.
#[test]
fn rebuilds_that_reuse_work_equal_clean_builds_with_history() {
    use pactum::site::memo::BuildMemo;
    use std::sync::Arc;
    let site = repo_site();
    let root = site.root();
    let memo = Arc::new(BuildMemo::default());
    let with_memo = || site.build_with(|o| o.memo = Some(Arc::clone(&memo)));
    let check = |what: &str| {
        let reused = with_memo();
        let hits = memo.finish_build(!reused.has_errors());
        let clean = site.build();
        assert!(!clean.has_errors(), "{what}: {:?}", clean.diags);
        let differing: Vec<&String> =
            clean.output.keys().filter(|k| reused.output.get(*k) != clean.output.get(*k)).collect();
        assert!(differing.is_empty(), "{what}: {differing:?} differ from a clean build");
        assert_eq!(reused.output.len(), clean.output.len(), "{what}");
        hits
    };
    check("first build");
    // A new version is committed: a new old-version page, diff and history entry.
    git(root, &["commit", "-qam", "SAM:BO 3.0"], "2023-01-01T12:00:00Z");
    check("after committing 3.0");
    site.write(
        "content/aftaler/sam-bo.md",
        &sambo("4.0", "senest kl. 9 næste hverdag", "Tidligere svar")
            .replace("efter udskrivelse", "og genoptræning efter udskrivelse"),
    );
    git(root, &["commit", "-qam", "SAM:BO 4.0"], "2024-01-01T12:00:00Z");
    check("after committing 4.0");
    // The linking document's title changes: SAM:BO's history pages do not show it.
    let h = std::fs::read_to_string(root.join("content/aftaler/henvisning.md")).unwrap();
    site.write("content/aftaler/henvisning.md", &h.replace("title: Henvisning", "title: Henvisninger"));
    let hits = check("after a title change");
    assert!(hits.traces >= 3, "SAM:BO's old versions and diffs were made again: {hits:?}");
}

#[test]
fn the_feed_lists_the_newest_hundred_changes_newest_first() {
    let site = SiteTest::fixture("minimal");
    // 3 documents × 40 versions = 120 changes; the oldest 20 must fall out.
    for doc in ["a", "b", "c"] {
        let entries: String = (1..=40)
            .map(|v| {
                let day = (v % 28) + 1;
                let month = (v / 28) + 1;
                format!(
                    "  - {{ version: \"{v}.0\", date: 2020-{month:02}-{day:02}, change_note: \"Ændring {doc}{v}\" }}\n"
                )
            })
            .collect();
        site.write(
            &format!("content/aftaler/feed-{doc}.md"),
            &format!("---\ntitle: \"Aftale {doc}\"\nversion: \"40.0\"\nhistory:\n{entries}---\n\nTekst.\n"),
        );
    }
    let built = site.build();
    let feed = page(&built, "feed.xml");
    let notes: Vec<&str> =
        feed.split("<summary>").skip(1).map(|e| e.split("</summary>").next().unwrap_or_default()).collect();
    assert_eq!(notes.len(), 100, "{feed}");
    // Newest first; on the same day by document id. Versions 40 to 8 of each
    // document make 99 entries, then the first of version 7.
    let expected: Vec<String> =
        (7..=40).rev().flat_map(|v| ["a", "b", "c"].map(|doc| format!("Ændring {doc}{v}"))).take(100).collect();
    assert_eq!(notes, expected);
}
