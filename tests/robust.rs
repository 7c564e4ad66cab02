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

// ---- Fuzz findings stay fixed; hostile files, names and output folders ----

use crate::common::{SiteTest, TODAY_EPOCH, repo, snapshot_dir};
use std::path::PathBuf;

/// The committed seeds and every input the fuzzers ever crashed on, each
/// replayed through the very body of its fuzz target (`pactum::fuzzing`).
#[test]
fn fuzz_seeds_and_regressions_still_pass() {
    let front_matter_markdown: fn(&[u8]) = pactum::fuzzing::front_matter_markdown;
    let targets = [("front_matter_markdown", front_matter_markdown), ("slug_url", pactum::fuzzing::slug_url)];
    let mut failed = Vec::new();
    for (target, run) in targets {
        let mut seeds = 0;
        for folder in ["corpus-seed", "regressions"] {
            let dir = repo().join("fuzz").join(folder).join(target);
            let mut files: Vec<PathBuf> =
                std::fs::read_dir(&dir).map(|rd| rd.map(|e| e.unwrap().path()).collect()).unwrap_or_default();
            files.retain(|p| p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.'));
            files.sort();
            if folder == "corpus-seed" {
                seeds = files.len();
            }
            for file in files {
                let bytes = std::fs::read(&file).unwrap();
                let start = std::time::Instant::now();
                if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                    failed.push(format!("{}: panicked", file.display()));
                } else if start.elapsed() > std::time::Duration::from_secs(10) {
                    failed.push(format!("{}: took {:?}", file.display(), start.elapsed()));
                }
            }
        }
        assert!(seeds >= 5, "fuzz/corpus-seed/{target} has only {seeds} seeds");
    }
    assert!(failed.is_empty(), "fuzz inputs that fail again:\n{}", failed.join("\n"));
}

/// Build `site` and return the diagnostics about `file` (relative to the root).
fn diags_for(site: &SiteTest, file: &str) -> (Vec<pactum::diag::Diagnostic>, std::time::Duration) {
    let start = std::time::Instant::now();
    let built = site.build();
    let took = start.elapsed();
    assert!(built.output.is_empty() || !built.has_errors());
    (built.diags.into_iter().filter(|d| d.file == Path::new(file)).collect(), took)
}

#[test]
fn yes_no_on_off_are_text_and_true_false_in_text_is_an_error() {
    // YAML 1.2: `yes`, `no`, `on` and `off` are words. Only `draft` is a yes/no key,
    // and there `yes`/`no` are read as true/false.
    let site = SiteTest::fixture("minimal");
    site.write(
        "content/sider/ord.md",
        "---\ntitle: no\nowner: yes\nregion: off\nperiod: on\ntags: [yes, NO, Off]\ndraft: no\n---\n\nTekst.\n",
    );
    site.write("content/sider/kladde.md", "---\ntitle: Kladde\ndraft: yes\n---\n\nHemmelig kladde.\n");
    let built = site.build();
    assert!(!built.has_errors(), "{:?}", built.diags);
    let page = String::from_utf8_lossy(&built.output["sider/ord/index.html"]).into_owned();
    assert!(page.contains(">no</h1>"), "the title `no` is not the heading");
    for path in ["organisationer/yes/index.html", "organisationer/off/index.html", "emner/no/index.html"] {
        assert!(built.output.contains_key(path), "{path} is missing");
    }
    assert!(!built.output.contains_key("sider/kladde/index.html"), "`draft: yes` was published");

    // An unquoted true/false where text belongs is a mistake, reported where it is.
    site.write("content/sider/ord.md", "---\ntitle: Ord\nowner: true\nregion: \"false\"\n---\n\nTekst.\n");
    let (diags, _) = diags_for(&site, "content/sider/ord.md");
    let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
    assert_eq!(diags.len(), 1, "{shown:#?}");
    assert_eq!((diags[0].code, diags[0].location()), ("fm-type", "content/sider/ord.md:3:8".to_string()));
    assert!(diags[0].help.as_deref().unwrap().contains("owner: \"true\""), "{}", shown[0]);
}

#[test]
fn alias_bombs_deep_nesting_and_huge_front_matter_fail_fast_and_clearly() {
    let mut bomb =
        String::from("---\ntitle: A\nversion: \"1\"\ntags: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..=9 {
        bomb.push_str(&format!(
            "sectors: &a{i} [{}]\n",
            vec![if i == 1 { "*a".to_string() } else { format!("*a{}", i - 1) }; 10].join(", ")
        ));
    }
    bomb.push_str("---\n");
    let flood = format!("---\ntitle: &t A\nversion: \"1\"\ntags: [{}]\n---\n", vec!["*t"; 5_000].join(", "));
    let cases = [
        ("bomb", bomb, "content/aftaler/x.md:5:"),
        ("alias flood", flood, "fm-limit"),
        ("flow nesting", format!("---\ntitle: A\ntags: {}\n---\n", "[".repeat(10_000)), "nested too deeply"),
        (
            "map nesting",
            format!("---\ntitle: A\napprovals: {}\n---\n", "[{body: ".repeat(5_000)),
            "content/aftaler/x.md:3:",
        ),
        ("block nesting", format!("---\ntitle: A\ntags:\n{}x\n---\n", "- ".repeat(10_000)), "content/aftaler/x.md:4:"),
        ("huge summary", format!("---\ntitle: A\nsummary: {}\n---\n", "ø".repeat(1_000_000)), "at most 1024 KiB"),
        ("many values", format!("---\ntitle: A\ntags:\n{}---\n", "- x\n".repeat(150_000)), "too many values"),
        ("many keys", format!("---\ntitle: A\n{}---\n", "history: []\n".repeat(50_000)), "given twice"),
    ];
    for (name, text, expected) in cases {
        let site = SiteTest::fixture("minimal");
        site.write("content/aftaler/x.md", &text);
        let (diags, took) = diags_for(&site, "content/aftaler/x.md");
        let shown: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert!(took < std::time::Duration::from_secs(20), "{name}: the build took {took:?}");
        assert!(!diags.is_empty() && diags.iter().all(|d| d.is_error()), "{name}: {shown:#?}");
        let d = &diags[0];
        assert!(d.pos.is_some() && d.help.is_some(), "{name}: no position or help in\n{d}");
        assert!(shown[0].contains(expected) || d.code == expected, "{name}: expected {expected:?} in\n{d}");
        assert!(shown[0].len() < 2_000, "{name}: the message repeats the input:\n{}", &shown[0][..2_000]);
    }
}

#[test]
fn editor_temp_and_backup_files_are_ignored() {
    let site = SiteTest::fixture("minimal");
    let clean = site.build();
    assert!(!clean.has_errors(), "{:?}", clean.diags);
    let junk = "\u{0}\u{1}garbage, not markdown: ---\ntitle: [\n";
    for name in [
        ".hoved.md.swp",
        ".hoved.md.swx",
        "hoved.md~",
        "#hoved.md#",
        ".#hoved.md",
        ".~lock.hoved.md#",
        "hoved.md.bak",
        "hoved.md.tmp",
        "hoved.md.orig",
        "4913",
        ".DS_Store",
    ] {
        site.write(&format!("content/aftaler/{name}"), junk);
    }
    // A whole hidden folder (an editor's or a tool's) is skipped too.
    site.write("content/.obsidian/skabelon.md", junk);
    let built = site.build();
    let shown: Vec<String> = built.diags.iter().map(ToString::to_string).collect();
    assert_eq!(built.diags, clean.diags, "{shown:#?}");
    assert_eq!(built.output, clean.output, "temp files changed the output");
}

#[test]
fn danish_letters_and_spaces_in_file_names_make_clean_urls() {
    let site = SiteTest::fixture("minimal");
    site.write(
        "content/aftaler/Ærø Å-løb aftale.md",
        "---\ntitle: Ærø\nversion: \"1.0\"\n---\n\n## Formål\n\nSe [hovedaftalen](hoved.md) og [mig](<Ærø Å-løb aftale.md#formaal>).\n",
    );
    site.write(
        "content/sider/Om os og ældre.md",
        "---\ntitle: Om os\n---\n\n[Ærø](../aftaler/%C3%86r%C3%B8%20%C3%85-l%C3%B8b%20aftale.md) og [[aeroe-aa-loeb-aftale]].\n",
    );
    let built = site.build();
    assert!(!built.has_errors(), "{:#?}", built.diags.iter().map(ToString::to_string).collect::<Vec<_>>());
    let page = String::from_utf8_lossy(&built.output["sider/om-os-og-aeldre/index.html"]).into_owned();
    assert!(built.output.contains_key("aftaler/aeroe-aa-loeb-aftale/index.html"));
    assert_eq!(page.matches("../../aftaler/aeroe-aa-loeb-aftale/index.html").count(), 2, "{page}");
    assert!(crate::common::broken_links(&built.output).is_empty());
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_are_reported_by_their_lossy_name() {
    use std::os::unix::ffi::OsStrExt as _;
    let site = SiteTest::fixture("minimal");
    let dir = site.root().join("content/aftaler");
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"K\xF8ge.md")), "---\ntitle: K\n---\n").unwrap();
    let sub = dir.join(std::ffi::OsStr::from_bytes(b"H\xE6fte"));
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("a.md"), "---\ntitle: A\n---\n").unwrap();
    std::fs::write(dir.join(std::ffi::OsStr::from_bytes(b"billede-\xF8.png")), "png").unwrap();

    let built = site.build();
    let shown: Vec<String> =
        built.diags.iter().filter(|d| d.code == "path-encoding").map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{:#?}", built.diags);
    assert!(shown.iter().any(|d| d.contains("content/aftaler/K\u{FFFD}ge.md")), "{shown:#?}");
    assert!(shown.iter().any(|d| d.contains("content/aftaler/H\u{FFFD}fte/a.md")), "{shown:#?}");
    assert!(shown.iter().all(|d| d.contains("help:")), "{shown:#?}");

    // The real binary: an error naming the file, exit code 1, nothing written, no panic.
    let out = site.cmd().arg("build").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("K\u{FFFD}ge.md") && !stderr.contains("panicked"), "{stderr}");
    assert!(!site.root().join("public").exists());
}

/// Whether this process can write into a folder it made read-only (root can).
#[cfg(unix)]
fn writes_ignore_permissions(dir: &Path) -> bool {
    let probe = dir.join(".pactum-probe");
    let ok = std::fs::write(&probe, "x").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

#[cfg(unix)]
struct Restore(PathBuf);

#[cfg(unix)]
impl Drop for Restore {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_output_folder_is_a_clear_error_and_the_previous_build_stays() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = SiteTest::fixture("minimal");
    site.cmd().arg("build").assert().success();
    let public = site.root().join("public");
    // A new document: pages in sub-folders and at the top change.
    site.write("content/sider/ny.md", "---\ntitle: Ny side\n---\n\nNy tekst.\n");
    let before = snapshot_dir(&public);
    std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o555)).unwrap();
    let _restore = Restore(public.clone());
    let root = writes_ignore_permissions(&public);
    let out = site.cmd().arg("build").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    if root {
        eprintln!("running as root: a read-only folder does not stop writes; checking the build succeeds instead");
        assert!(out.status.success(), "{stderr}");
        assert!(public.join("sider/ny/index.html").exists());
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error: cannot write public/"), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert_eq!(snapshot_dir(&public), before, "the previous output changed");
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_part_way_leaves_the_previous_output_whole() {
    let site = SiteTest::fixture("minimal");
    site.cmd().arg("build").assert().success();
    let public = site.root().join("public");
    let before = snapshot_dir(&public);
    let largest = before.values().map(Vec::len).max().unwrap();
    // Small pages change (listings, tags, search) and one page is far too large.
    let big = "Lang tekst om udskrivelse og opfølgning. ".repeat(largest / 20 + 10_000);
    site.write("content/sider/stor.md", &format!("---\ntitle: Stor\ntags: [ny]\n---\n\n{big}\n"));
    // A file-size limit (in 512-byte blocks) above every previous file but below the new page;
    // SIGXFSZ is ignored, so writes past it fail with EFBIG and the process goes on.
    let blocks = largest / 512 + 8;
    assert!(blocks * 512 < big.len(), "the new page must exceed the limit");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" build"))
        .arg(env!("CARGO_BIN_EXE_pactum"))
        .current_dir(site.root())
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("error: cannot write public/sider/stor/index.html: File too large"), "{stderr}");
    let after = snapshot_dir(&public);
    let temps: Vec<_> = after.keys().filter(|p| p.to_string_lossy().contains("pactum-tmp")).collect();
    assert!(temps.is_empty(), "half-written temp files left behind: {temps:?}");
    assert_eq!(after, before, "the previous output changed");
    // And without the limit the same build goes through.
    site.cmd().arg("build").assert().success();
    assert!(public.join("sider/stor/index.html").exists());
}
