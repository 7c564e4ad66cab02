//! Walk `content/`, read every markdown file and check its front matter.
//!
//! Files are read in parallel; every problem of every file is collected.

use super::frontmatter;
use super::model::{Document, Kind};
use crate::config::Config;
use crate::diag::{Diagnostic, Pos};
use crate::memo::{Key, Memo, Parts};
use crate::slug::slugify;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};
use walkdir::WalkDir;

/// What loading found: the documents that are fine, and every problem.
pub struct Loaded {
    /// Shared with the memo of `pactum serve`, which hands out the documents
    /// of unchanged files again without copying them.
    pub docs: Vec<Arc<Document>>,
    /// `draft: true` documents left out of this build (links to them are errors).
    pub drafts: Vec<Arc<Document>>,
    pub diags: Vec<Diagnostic>,
    /// How many files were read from disk (with a memo, unchanged files are not).
    pub read: usize,
}

/// One file as loaded: its document, or everything wrong with it.
pub type Parsed = Result<Arc<Document>, Vec<Diagnostic>>;

/// Files loaded by earlier builds of one process (`pactum serve`).
#[derive(Default)]
pub struct Files {
    /// Loaded files by the hash of their path, bytes and the configuration.
    pub parsed: Memo<Parsed>,
    /// Per path, what the file looked like when it was last read, and its key
    /// in `parsed`, so that an unchanged file is not even read again.
    seen: Mutex<FxHashMap<PathBuf, Seen>>,
    /// The markdown files the last load found, so that a build told which
    /// paths changed need not walk `content/` again.
    listing: Mutex<Option<Listing>>,
}

/// What walking `content/` found.
struct Listing {
    /// `content/` with links resolved, as a watcher names its files.
    content: PathBuf,
    /// Paths under `content/`, sorted (which is the walk's order).
    files: Vec<PathBuf>,
    /// The walk's problems (links skipped, folders that cannot be read).
    diags: Vec<Diagnostic>,
}

impl Listing {
    /// The listing after the files at `changed` (absolute paths, as a watcher
    /// reports them) were written, created or removed, and which of its files
    /// those are; None when only a new walk can tell (a folder came or went,
    /// a link appeared, a path cannot be read).
    fn after(mut self, content: &Path, changed: &[PathBuf]) -> Option<(Listing, FxHashSet<PathBuf>)> {
        let mut touched = FxHashSet::default();
        for path in changed {
            let Some(rel) = path.strip_prefix(&self.content).or_else(|_| path.strip_prefix(content)).ok() else {
                continue; // layouts, assets, the configuration
            };
            if rel.as_os_str().is_empty() {
                return None;
            }
            if rel.components().any(|c| is_ignored_name(&c.as_os_str().to_string_lossy())) {
                continue;
            }
            // The walk does not enter linked folders: a file under one takes a walk to tell.
            let real_folder = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
            if !rel
                .ancestors()
                .skip(1)
                .filter(|a| !a.as_os_str().is_empty())
                .all(|a| real_folder(&self.content.join(a)))
            {
                return None;
            }
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_file() => {
                    if rel.extension().is_none_or(|e| e != "md") {
                        continue;
                    }
                    rel.to_str()?;
                    if let Err(at) = self.files.binary_search_by(|f| f.as_path().cmp(rel)) {
                        self.files.insert(at, rel.to_path_buf());
                    }
                    touched.insert(rel.to_path_buf());
                }
                Ok(_) => return None,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    match self.files.binary_search_by(|f| f.as_path().cmp(rel)) {
                        Ok(at) => {
                            self.files.remove(at);
                            touched.insert(rel.to_path_buf());
                        }
                        // Files under it were listed: a folder went away.
                        Err(at) if self.files.get(at).is_some_and(|f| f.starts_with(rel)) => return None,
                        Err(_) => {}
                    }
                }
                Err(_) => return None,
            }
        }
        Some((self, touched))
    }
}

/// A file's size, times and inode when it was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
    /// Inode number and change time, where the platform has them.
    inode: (u64, i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let inode = (0, 0, 0);
        Some(Stamp { len: meta.len(), modified: meta.modified().ok()?, inode })
    }
}

/// A file as last read: its stamp, when it was read, and its key (which
/// holds the hash of the configuration it was parsed under, `salt`).
#[derive(Clone, Copy)]
struct Seen {
    stamp: Stamp,
    read_at: SystemTime,
    salt: blake3::Hash,
    key: Key,
}

/// File times are taken from a clock that may run this far behind: a file
/// changed less than this before it was read could change again without its
/// time changing, so it is read again next time.
const CLOCK_SLACK: Duration = Duration::from_millis(100);

impl Seen {
    /// The key of the file if `stamp` shows it unchanged since it was read
    /// under the configuration whose hash is `salt`.
    fn key_if(&self, stamp: &Stamp, salt: &blake3::Hash) -> Option<Key> {
        let settled = stamp.modified.checked_add(CLOCK_SLACK).is_some_and(|t| t < self.read_at);
        (self.stamp == *stamp && settled && self.salt == *salt).then_some(self.key)
    }
}

/// Whether a file name is an editor's temp or backup file, or hidden.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
}

/// Load every `.md` under `root/content`. `drafts` keeps `draft: true` documents.
///
/// With `memo` (`pactum serve`), a file whose path, bytes and configuration
/// are those of an earlier build is not decoded and parsed again, and one
/// whose size, times and inode are as they were when it was read is not read.
/// With `changed` too (the paths a watcher reported since the memo's last
/// load), `content/` is not walked again and files not among those paths are
/// taken as they were without looking at them.
pub fn load(root: &Path, config: &Config, drafts: bool, memo: Option<&Files>, changed: Option<&[PathBuf]>) -> Loaded {
    let content = root.join("content");
    let last = memo.and_then(|m| m.listing.lock().unwrap_or_else(PoisonError::into_inner).take());
    let relisted = last.zip(changed).and_then(|(l, changed)| l.after(&content, changed));
    let (listing, touched) = match relisted {
        Some((listing, touched)) => (listing, Some(touched)),
        None => (walk(root, &content), None),
    };
    let mut diags = listing.diags.clone();
    let files = &listing.files;
    let salt = memo.map(|_| blake3::hash(format!("{config:?}").as_bytes()));
    let seen = memo.map(|m| std::mem::take(&mut *m.seen.lock().unwrap_or_else(PoisonError::into_inner)));
    let results: Vec<(Parsed, Option<Seen>, bool)> = files
        .par_iter()
        .map(|rel| {
            let last = seen.as_ref().and_then(|s| s.get(rel));
            let unchanged = touched.as_ref().is_some_and(|t| !t.contains(rel));
            load_one(root, &content, rel, config, memo.zip(salt), last, unchanged)
        })
        .collect();
    let (mut docs, mut left_out) = (Vec::new(), Vec::new());
    let mut now_seen = FxHashMap::with_capacity_and_hasher(files.len(), Default::default());
    let mut read = 0;
    for (rel, (r, seen, was_read)) in files.iter().cloned().zip(results) {
        read += usize::from(was_read);
        if let Some(seen) = seen {
            now_seen.insert(rel, seen);
        }
        match r {
            Ok(doc) if doc.fm.draft && !drafts => left_out.push(doc),
            Ok(doc) => docs.push(doc),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if let Some(m) = memo {
        *m.seen.lock().unwrap_or_else(PoisonError::into_inner) = now_seen;
        *m.listing.lock().unwrap_or_else(PoisonError::into_inner) = Some(listing);
    }
    Loaded { docs, drafts: left_out, diags, read }
}

/// Walk `content/`: every markdown file, sorted, and what could not be listed.
fn walk(root: &Path, content: &Path) -> Listing {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let walker = WalkDir::new(content).follow_links(false).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy())) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| display_path(root, p)).unwrap_or_else(|| PathBuf::from("content"));
                diags.push(Diagnostic::error("io", &path, format!("cannot read: {e}")));
                continue;
            }
        };
        let path = entry.path();
        if entry.path_is_symlink() {
            // A link could point outside the site or loop; content must be real files.
            diags.push(
                Diagnostic::warning(
                    "symlink",
                    &display_path(root, path),
                    "symbolic links are not followed; this entry is skipped",
                )
                .help("copy or move the file into content/ instead of linking to it"),
            );
            continue;
        }
        if entry.file_type().is_dir() || path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let rel = path.strip_prefix(content).unwrap_or(path).to_path_buf();
        if rel.to_str().is_none() {
            diags.push(
                Diagnostic::error("path-encoding", &display_path(root, path), "the file name is not valid UTF-8")
                    .help("rename the file using UTF-8 (Danish letters are fine)"),
            );
            continue;
        }
        files.push(rel);
    }
    // Sorted by name in each folder, depth first: the paths' own order.
    debug_assert!(files.is_sorted());
    let content = content.canonicalize().unwrap_or_else(|_| content.to_path_buf());
    Listing { content, files, diags }
}

fn display_path(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root).unwrap_or(p).to_path_buf()
}

/// Load one file (with a memo: unless it is as it was); with a memo, also
/// what it looked like when read; and whether it was read from disk.
fn load_one(
    root: &Path,
    content: &Path,
    rel: &Path,
    config: &Config,
    memo: Option<(&Files, blake3::Hash)>,
    last: Option<&Seen>,
    unchanged: bool,
) -> (Parsed, Option<Seen>, bool) {
    let path = content.join(rel);
    let source = display_path(root, &path);
    let Some((files, salt)) = memo else {
        let parsed = match std::fs::read(&path) {
            Ok(bytes) => parse_document(&bytes, rel, source, config).map(Arc::new),
            Err(e) => Err(vec![Diagnostic::error("io", &source, format!("cannot read: {e}"))]),
        };
        return (parsed, None, true);
    };
    // A file the watcher did not report is as it was when last read.
    if let Some(last) = last.filter(|l| unchanged && l.salt == salt)
        && let Some(parsed) = files.parsed.get(&last.key)
    {
        return (parsed, Some(*last), false);
    }
    let stamp = std::fs::metadata(&path).ok().as_ref().and_then(Stamp::of);
    // A file read under another configuration is parsed again (its kind may come from `kinds:`).
    if let Some(key) = last.zip(stamp).and_then(|(l, s)| l.key_if(&s, &salt))
        && let Some(parsed) = files.parsed.get(&key)
    {
        return (parsed, last.copied(), false);
    }
    let read_at = SystemTime::now();
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return (Err(vec![Diagnostic::error("io", &source, format!("cannot read: {e}"))]), None, true),
    };
    let memo = &files.parsed;
    let (rel_bytes, source_bytes) = (rel.as_os_str().as_encoded_bytes(), source.as_os_str().as_encoded_bytes());
    let key = Parts::new().add(salt.as_bytes()).add(rel_bytes).add(source_bytes).add(&bytes).key();
    let seen = stamp.map(|stamp| Seen { stamp, read_at, salt, key });
    if let Some(parsed) = memo.get(&key) {
        return (parsed, seen, true);
    }
    let parsed = parse_document(&bytes, rel, source, config).map(|mut doc| {
        doc.content_key = key;
        doc.meta_key = doc.meta_key_now();
        Arc::new(doc)
    });
    memo.put(key, parsed.clone());
    (parsed, seen, true)
}

/// One document from its bytes, as the build loads it: decode, split and check
/// the front matter, decide kind, id and URL. `rel` is its path under `content/`,
/// `source` the path shown in messages (e.g. `content/aftaler/a.md`).
pub fn parse_document(bytes: &[u8], rel: &Path, source: PathBuf, config: &Config) -> Result<Document, Vec<Diagnostic>> {
    let text: Arc<str> = decode(bytes, &source).map_err(|d| vec![d])?.into();
    let split = frontmatter::split(&text, &source).map_err(|d| vec![d])?;
    let parsed = frontmatter::parse(&text, &split, &source)?;
    let mut diags = Vec::new();
    let kind = parsed.kind.or_else(|| kind_from_folder(rel, config));
    let kind = match kind {
        Some(k) => k,
        None => {
            let folders: Vec<String> = config.kinds.iter().map(|(f, k)| format!("{f}/ ({})", k.name())).collect();
            diags.push(
                Diagnostic::error("fm-kind", &source, "cannot tell what kind of document this is")
                    .at(&text, Pos { line: 2, col: 1 }, 1)
                    .help(format!(
                        "add `kind: agreement` (or another kind), or move the file into one of: {}",
                        folders.join(", ")
                    )),
            );
            Kind::Page
        }
    };
    if kind.is_versioned() && parsed.fm.version.is_empty() {
        diags.push(
            Diagnostic::error(
                "fm-missing-key",
                &source,
                format!("documents of kind `{}` need a `version`", kind.name()),
            )
            .at(&text, Pos { line: 2, col: 1 }, 1)
            .help("add e.g. `version: \"1.0\"`; only pages may leave it out"),
        );
    }
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let id = match parsed.id {
        Some((id, pos)) => {
            if id.is_empty() || id.contains(char::is_whitespace) || id.contains(['#', '|', '@', '[', ']']) {
                diags.push(
                    Diagnostic::error("fm-id", &source, format!("`id: {id}` is not a usable id"))
                        .at(&text, pos, id.chars().count())
                        .help("an id is one word of letters, digits, `-`, `_` or `.`, e.g. sa-respirator"),
                );
            }
            id
        }
        None => slugify(stem),
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Document {
        url: url_for(rel),
        source,
        rel: rel.to_path_buf(),
        id,
        kind,
        fm: parsed.fm,
        body_start: split.body_start,
        body_pos: split.body_pos,
        text,
        content_key: [0; 32],
        meta_key: [0; 32],
    })
}

/// Decode file bytes as UTF-8: drop a BOM, normalise CRLF; refuse other encodings.
pub fn decode(bytes: &[u8], source: &Path) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Diagnostic::error("encoding", source, "the file is UTF-16").help("save the file as UTF-8"));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or("");
            let pos = Pos::at(good, good.len(), Pos::START);
            return Err(Diagnostic::error("encoding", source, "the file is not valid UTF-8")
                .at(good, pos, 1)
                .help("save the file as UTF-8 (it may be Latin-1 / Windows-1252)"));
        }
    };
    if let Some(i) = text.find('\0') {
        let pos = Pos::at(text, i, Pos::START);
        return Err(Diagnostic::error("encoding", source, "the file contains a NUL byte")
            .at(text, pos, 1)
            .help("remove the NUL byte; markdown files are plain text"));
    }
    Ok(text.replace("\r\n", "\n"))
}

fn kind_from_folder(rel: &Path, config: &Config) -> Option<Kind> {
    let mut comps = rel.components();
    let first = comps.next()?;
    if comps.next().is_none() {
        return Some(Kind::Page); // files directly under content/
    }
    let Component::Normal(folder) = first else { return None };
    let folder = folder.to_str()?;
    config.kinds.get(folder).or_else(|| config.kinds.get(&slugify(folder))).copied()
}

/// Output path of a document: folders and stem slugified, `index` stands for its folder.
/// `aftaler/Sam Bo.md` → `aftaler/sam-bo/index.html`; `index.md` → `index.html`.
pub fn url_for(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| c.as_os_str().to_str())
        .map(slugify)
        .filter(|s| !s.is_empty())
        .collect();
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    if stem != "index" {
        let s = slugify(stem);
        parts.push(if s.is_empty() { "side".into() } else { s });
    }
    parts.push("index.html".into());
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_slugged_and_index_stands_for_the_folder() {
        assert_eq!(url_for(Path::new("aftaler/Sam Bo.md")), "aftaler/sam-bo/index.html");
        assert_eq!(url_for(Path::new("index.md")), "index.html");
        assert_eq!(url_for(Path::new("Vejledninger/Øre/index.md")), "vejledninger/oere/index.html");
    }

    #[test]
    fn decodes_bom_and_crlf_and_refuses_latin1() {
        let p = Path::new("a.md");
        assert_eq!(decode(b"\xEF\xBB\xBF---\r\ntitle: A\r\n", p).unwrap(), "---\ntitle: A\n");
        let e = decode(b"---\ntitle: K\xF8ge\n", p).unwrap_err();
        assert_eq!(e.location(), "a.md:2:9");
        assert!(decode(b"\xFF\xFEx\0", p).unwrap_err().message.contains("UTF-16"));
        assert_eq!(decode(b"ab\0", p).unwrap_err().location(), "a.md:1:3");
    }

    /// The path of agreement `name` in a test site at `root`.
    fn agreement(root: &Path, name: &str) -> PathBuf {
        root.join("content/aftaler").join(name)
    }

    /// Write agreement `name` with `title` (and the folder, the first time).
    fn write_agreement(root: &Path, name: &str, title: &str) {
        std::fs::create_dir_all(root.join("content/aftaler")).unwrap();
        let text = format!("---\ntitle: {title}\nversion: \"1\"\n---\n\nTekst.\n");
        std::fs::write(agreement(root, name), text).unwrap();
    }

    #[test]
    fn with_a_memo_only_files_that_changed_are_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (file, write) =
            (|name: &str| agreement(root, name), |name: &str, title: &str| write_agreement(root, name, title));
        // Files written "long ago": their times cannot be those of a later edit.
        let settle = |name: &str| {
            let past = SystemTime::now() - Duration::from_secs(60);
            std::fs::File::options().write(true).open(file(name)).unwrap().set_modified(past).unwrap();
        };
        for name in ["a.md", "b.md", "c.md"] {
            write(name, "Aaaa");
            settle(name);
        }
        let config = Config::default();
        let memo = Files::default();
        let titles = |l: &Loaded| l.docs.iter().map(|d| d.fm.title.clone()).collect::<Vec<_>>();
        assert_eq!(load(root, &config, false, Some(&memo), None).read, 3);
        let again = load(root, &config, false, Some(&memo), None);
        assert_eq!((again.read, titles(&again)), (0, vec!["Aaaa".to_string(); 3]));
        // Same size and the same modification time: the change time still tells.
        write("a.md", "Bbbb");
        settle("a.md");
        let changed = load(root, &config, false, Some(&memo), None);
        assert_eq!((changed.read, titles(&changed)[0].as_str()), (1, "Bbbb"));
        // A file changed just now is read on every build until its time is safely past.
        write("b.md", "Cccc");
        assert_eq!(load(root, &config, false, Some(&memo), None).read, 1);
        assert_eq!(load(root, &config, false, Some(&memo), None).read, 1);
        // A deleted file is gone, a new one is read.
        std::fs::remove_file(file("c.md")).unwrap();
        write("d.md", "Dddd");
        let last = load(root, &config, false, Some(&memo), None);
        assert_eq!((last.read, last.docs.len()), (2, 3));
        // Without a memo every file is read.
        assert_eq!(load(root, &config, false, None, None).read, 3);
    }

    #[test]
    fn told_which_paths_changed_a_load_looks_at_only_those() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (file, write) =
            (|name: &str| agreement(root, name), |name: &str, title: &str| write_agreement(root, name, title));
        for name in ["a.md", "b.md", "c.md"] {
            write(name, "Aaaa");
        }
        let config = Config::default();
        let memo = Files::default();
        let load_after = |changed: &[PathBuf]| load(root, &config, false, Some(&memo), Some(changed));
        let titles =
            |l: &Loaded| l.docs.iter().map(|d| format!("{}={}", d.rel.display(), d.fm.title)).collect::<Vec<_>>();
        // The first load walks content/ even when told of changes: it has nothing to go on.
        assert_eq!(load_after(&[file("a.md")]).read, 3);
        write("a.md", "Bbbb");
        let one = load_after(&[file("a.md")]);
        assert_eq!((one.read, titles(&one)[0].as_str()), (1, "aftaler/a.md=Bbbb"));
        // A change nobody reported is not seen: the watcher is trusted.
        write("b.md", "Cccc");
        let none = load_after(&[]);
        assert_eq!((none.read, titles(&none)[1].as_str()), (0, "aftaler/b.md=Aaaa"));
        // New and removed files, and paths that are no markdown files.
        write("d.md", "Dddd");
        std::fs::remove_file(file("c.md")).unwrap();
        std::fs::write(file("noter.txt"), "x").unwrap();
        let changed =
            [file("d.md"), file("c.md"), file("noter.txt"), file(".d.md.swp"), root.join("layouts/base.html")];
        let moved = load_after(&changed);
        assert_eq!(moved.read, 1);
        assert_eq!(titles(&moved), ["aftaler/a.md=Bbbb", "aftaler/b.md=Aaaa", "aftaler/d.md=Dddd"]);
        // A new folder takes a walk, which looks at every file again.
        std::fs::create_dir_all(root.join("content/sider")).unwrap();
        std::fs::write(root.join("content/sider/om.md"), "---\ntitle: Om\n---\n\nTekst.\n").unwrap();
        let walked = load_after(&[root.join("content/sider")]);
        assert_eq!(titles(&walked), ["aftaler/a.md=Bbbb", "aftaler/b.md=Cccc", "aftaler/d.md=Dddd", "sider/om.md=Om"]);
        // So does a folder that went away.
        std::fs::remove_dir_all(root.join("content/sider")).unwrap();
        assert_eq!(load_after(&[root.join("content/sider")]).docs.len(), 3);
        // A file in a linked folder is left out, as the walk leaves the link out.
        #[cfg(unix)]
        {
            let elsewhere = dir.path().join("andetsteds");
            std::fs::create_dir_all(&elsewhere).unwrap();
            std::os::unix::fs::symlink(&elsewhere, root.join("content/link")).unwrap();
            let linked = load_after(&[root.join("content/link")]);
            assert!(linked.diags.iter().any(|d| d.code == "symlink"), "{:?}", linked.diags);
            std::fs::write(elsewhere.join("x.md"), "---\ntitle: X\n---\n\nTekst.\n").unwrap();
            let inside = load_after(&[root.join("content/link/x.md")]);
            assert_eq!(inside.docs.len(), 3);
            assert!(inside.diags.iter().any(|d| d.code == "symlink"));
        }
    }

    #[test]
    fn ignores_editor_files() {
        for n in [".x.md.swp", "#a.md#", "a.md~", ".hidden.md"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("sambo.md"));
    }
}
