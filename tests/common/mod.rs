//! `SiteTest`: a site copied into a temp folder, built and inspected.

use pactum::site::{BuildOptions, Built, build};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The day tests are built on, and the same day as a Unix time.
pub const TODAY: &str = "2026-01-15";
pub const TODAY_EPOCH: &str = "1768435200";

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    pub fn fixture(name: &str) -> SiteTest {
        let t = SiteTest { dir: tempfile::tempdir().unwrap() };
        copy_dir(&repo().join("tests/fixtures").join(name), t.root());
        t
    }

    /// A copy of the bundled example site (content/ and the optional config).
    pub fn example() -> SiteTest {
        let t = SiteTest { dir: tempfile::tempdir().unwrap() };
        copy_dir(&repo().join("content"), &t.root().join("content"));
        if repo().join("pactum.yaml").exists() {
            std::fs::copy(repo().join("pactum.yaml"), t.root().join("pactum.yaml")).unwrap();
        }
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    pub fn build(&self) -> Built {
        self.build_with(|_| {})
    }

    pub fn build_with(&self, f: impl FnOnce(&mut BuildOptions)) -> Built {
        // A fixed day, so review-date warnings and status badges do not drift with the calendar.
        let today = pactum::date::Date::parse(TODAY).ok();
        let mut o = BuildOptions { root: self.root().to_path_buf(), today, ..Default::default() };
        f(&mut o);
        build(&o)
    }

    /// The real binary, run in the site folder.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::cargo_bin("pactum").unwrap();
        c.current_dir(self.root());
        c.env("SOURCE_DATE_EPOCH", TODAY_EPOCH);
        c
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes.
pub fn snapshot_dir(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect()
}

/// Values of `attr=` attributes in HTML, quoted or not (minified HTML drops quotes).
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split([' ', '>']).next().unwrap_or(""),
        };
        out.push(value.replace("&amp;", "&"));
    }
    out
}

/// Every `href`/`src` that points inside the site must name an existing
/// file, and its `#fragment` an existing id in that file. Returns the problems.
pub fn broken_links(out: &pactum::site::output::OutputSet) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, bytes) in out.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        let base = Path::new(path).parent().unwrap_or(Path::new(""));
        for link in attr_values(&html, "href").into_iter().chain(attr_values(&html, "src")) {
            if link.starts_with("http://") || link.starts_with("https://") || link.starts_with("mailto:") {
                continue;
            }
            if link.starts_with('/') {
                problems.push(format!("{path}: absolute URL {link}"));
                continue;
            }
            let (file, frag) = link.split_once('#').unwrap_or((&link, ""));
            let target = if file.is_empty() { path.clone() } else { normalise(&base.join(file)) };
            let Some(target_bytes) = out.get(&target) else {
                problems.push(format!("{path}: {link} → missing {target}"));
                continue;
            };
            if !frag.is_empty() {
                let t = String::from_utf8_lossy(target_bytes);
                if !attr_values(&t, "id").iter().any(|id| id == frag) {
                    problems.push(format!("{path}: {link} → no id {frag} in {target}"));
                }
            }
        }
    }
    problems
}

fn normalise(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c.as_os_str().to_str().unwrap() {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s.to_string()),
        }
    }
    parts.join("/")
}
