//! The real binary: exit codes, messages, and what it does to the disk.

use crate::common::{SiteTest, snapshot_dir};
use predicates::prelude::*;

#[test]
fn check_reports_file_line_col_and_exits_1() {
    let site = SiteTest::fixture("invalid/fm-unknown-key");
    site.cmd()
        .arg("check")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/aftaler/a.md:4:1"))
        .stderr(predicate::str::contains("did you mean `review_by`?"))
        .stderr(predicate::str::contains("4 | review: 2025-01-01"));
    assert!(!site.root().join("public").exists(), "check must write nothing");
}

#[test]
fn check_can_report_json() {
    let site = SiteTest::fixture("invalid/fm-bad-status");
    let out = site.cmd().args(["check", "--format", "json"]).assert().code(1).get_output().stdout.clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v[0]["code"], "fm-enum");
    assert_eq!(v[0]["file"], "content/aftaler/a.md");
    assert_eq!(v[0]["pos"]["line"], 4);
    assert_eq!(v[0]["severity"], "error");
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = SiteTest::fixture("minimal");
    site.cmd().arg("build").assert().success();
    let before = snapshot_dir(&site.root().join("public"));
    assert!(before.len() > 10);
    site.write(
        "content/aftaler/hoved.md",
        "---\ntitle: \"Hovedaftale\"\nversion: \"2.1\"\neffective: 2019-02-30\n---\nNy tekst\n",
    );
    site.cmd()
        .arg("build")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/aftaler/hoved.md:4:12"))
        .stderr(predicate::str::contains("left as it was"));
    assert!(snapshot_dir(&site.root().join("public")) == before, "public/ changed after a failed build");
}

#[test]
fn a_second_build_writes_nothing_and_stale_pages_are_removed() {
    let site = SiteTest::fixture("minimal");
    site.cmd().arg("build").assert().success();
    site.cmd().arg("build").assert().success().stderr(predicate::str::contains("nothing changed"));
    // An editor's backup file changes the inputs but not the site: built again, nothing written.
    site.write("content/aftaler/hoved.md~", "an editor's backup");
    site.cmd().arg("build").assert().success().stderr(predicate::str::contains("(0 written"));
    std::fs::remove_file(site.root().join("content/sider/om.md")).unwrap();
    site.cmd().arg("build").assert().success().stderr(predicate::str::contains(" removed;"));
    assert!(!site.root().join("public/sider").exists());
}

/// The number in "… N pages read back)" of a build's last line.
fn pages_read_back(stderr: &[u8]) -> usize {
    let text = String::from_utf8_lossy(stderr);
    let before = text.split(" pages read back").next().unwrap_or("");
    before.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no count in {text}"))
}

#[test]
fn a_rebuild_reads_unchanged_pages_back_and_never_a_page_changed_by_hand() {
    let site = SiteTest::fixture("minimal");
    let first = site.cmd().arg("build").assert().success();
    assert_eq!(pages_read_back(&first.get_output().stderr), 0);
    let hoved = site.root().join("content/aftaler/hoved.md");
    let text = std::fs::read_to_string(&hoved).unwrap();
    std::fs::write(&hoved, format!("{text}\nEt nyt afsnit om udskrivning.\n")).unwrap();
    // Someone edits a page in the output by hand, keeping its length.
    let page = site.root().join("public/vejledninger/video/index.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, html.replacen("<h1", "<H1", 1)).unwrap();
    let second = site.cmd().arg("build").assert().success();
    assert!(pages_read_back(&second.get_output().stderr) > 0, "no page was read back");
    // The result is that of a build into a fresh folder.
    site.cmd().args(["build", "--output-dir", "fresh"]).assert().success();
    let snapshot = |dir: &str| {
        let mut files = snapshot_dir(&site.root().join(dir));
        files.retain(|p, _| !p.to_string_lossy().starts_with('.'));
        files
    };
    assert!(snapshot("public") == snapshot("fresh"), "a rebuild that reads pages back differs from a fresh build");
}

#[test]
fn refuses_an_output_folder_that_holds_the_content() {
    let site = SiteTest::fixture("minimal");
    site.cmd()
        .args(["build", "--output-dir", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("contains the content folder"));
    site.cmd().args(["build", "--output-dir", "content/out"]).assert().code(1);
    assert!(!site.root().join("content/out").exists());
}

#[test]
fn init_then_new_then_build_works_anywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let site = SiteTest { dir: tmp };
    site.cmd().args(["init", "mysite"]).assert().success();
    let ignored = std::fs::read_to_string(site.root().join("mysite/.gitignore")).unwrap();
    assert!(ignored.contains("public/") && ignored.contains(".pactum-cache/"), "{ignored}");
    site.cmd()
        .args(["new", "agreement", "Samarbejdsaftale om IV-behandling", "--root", "mysite"])
        .assert()
        .success()
        .stdout(predicate::str::contains("content/aftaler/samarbejdsaftale-om-iv-behandling.md"));
    site.cmd().args(["new", "checklist", "Tjek før udskrivning", "--root", "mysite"]).assert().success();
    site.cmd()
        .args(["build", "--root", "mysite", "--output-dir", "out", "--base-url", "https://example.org/aftaler/"])
        .assert()
        .success();
    let out = site.root().join("out");
    assert!(out.join("aftaler/samarbejdsaftale-om-iv-behandling/index.html").exists());
    assert!(out.join("sitemap.xml").exists());
    site.cmd().args(["init", "mysite"]).assert().code(1).stderr(predicate::str::contains("not empty"));
}

/// A tiny HTTP server: `/ok` answers 200, anything else 404. Counts requests.
fn serve_http() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 2048];
            let n = s.read(&mut buf).unwrap_or(0);
            let req = String::from_utf8_lossy(&buf[..n]);
            let status = if req.split_whitespace().nth(1) == Some("/ok") { "200 OK" } else { "404 Not Found" };
            let _ = write!(s, "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    (addr, hits)
}

#[test]
fn check_external_reports_broken_links_and_caches_good_ones() {
    let (base, hits) = serve_http();
    let site = SiteTest::fixture("minimal");
    site.write(
        "content/sider/om.md",
        &format!("---\ntitle: \"Om\"\n---\n\nSe [godt]({base}/ok) og\n[dårligt]({base}/mangler).\n"),
    );
    site.cmd().arg("check").assert().success();
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0, "a plain check must not touch the network");
    site.cmd()
        .args(["check", "--external"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning[external-broken]"))
        .stderr(predicate::str::contains("content/sider/om.md:6:1"))
        .stderr(predicate::str::contains("/mangler answered HTTP 404"))
        .stderr(predicate::str::contains("/ok answered").not());
    let first = hits.load(std::sync::atomic::Ordering::SeqCst);
    site.cmd().args(["check", "--external"]).assert().success();
    let second = hits.load(std::sync::atomic::Ordering::SeqCst) - first;
    assert!(second < first, "the good link should come from the cache ({first} then {second} requests)");
}

#[test]
fn a_build_with_nothing_changed_writes_nothing_and_repeats_its_report() {
    let site = SiteTest::fixture("warnings");
    let run = |extra: &[&str], epoch: &str| {
        let out = site
            .cmd()
            .env("SOURCE_DATE_EPOCH", epoch)
            .args(["build", "--output-dir", "out"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    let today = crate::common::TODAY_EPOCH;
    let (_, first) = run(&[], today);
    assert!(first.contains("built ") && first.contains("warning(s)"), "{first}");
    let report = |text: &str| {
        text.lines()
            .filter(|l| !l.starts_with("built ") && !l.starts_with("nothing changed"))
            .collect::<Vec<_>>()
            .join("\n")
    };

    // The same inputs: nothing to do, and the same warnings as before.
    let (_, second) = run(&[], today);
    assert!(second.contains("nothing changed since the last build"), "{second}");
    assert_eq!(report(&second), report(&first));

    // Each input counts: an output file removed by hand, another day, an option, a content edit.
    std::fs::remove_file(site.root().join("out/aftaler/index.html")).unwrap();
    assert!(run(&[], today).1.contains("(1 written"), "a missing output file is written again");
    assert!(run(&[], today).1.contains("nothing changed"));
    assert!(run(&[], "1893456000").1.contains("built "), "another day can change status badges");
    assert!(run(&["--drafts"], today).1.contains("built "));
    let bilag = site.root().join("content/aftaler/bilag.md");
    let text = std::fs::read_to_string(&bilag).unwrap();
    std::fs::write(&bilag, text + "\nEt nyt afsnit.\n").unwrap();
    assert!(run(&[], today).1.contains("built "));
    let html = std::fs::read_to_string(site.root().join("out/aftaler/bilag/index.html")).unwrap();
    assert!(html.contains("Et nyt afsnit."));
    // JSON output is a report of its own: built once, then repeated.
    let (json, _) = run(&["--format", "json"], today);
    let (again, err) = run(&["--format", "json"], today);
    assert!(err.contains("nothing changed") && json == again && json.starts_with('['), "{err}");
}
