//! Write a finished build to the output folder: only files whose bytes
//! changed (each through a temp file + rename), stale files removed, and
//! nothing outside the output folder ever touched.
//!
//! The folder keeps a manifest of what pactum wrote; only files listed there
//! are ever removed, so a wrong `--output-dir` cannot delete a user's files.

use bytes::Bytes;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

/// Output path (relative, `/`-separated) → bytes. Ordered, so output is deterministic.
pub type OutputSet = BTreeMap<String, Bytes>;

/// Name of the manifest file in the output folder.
pub const MANIFEST: &str = ".pactum-manifest";

/// What a write did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Why the output folder was refused or could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("the output folder {0} is or contains the content folder; choose another --output-dir")]
    ContainsContent(PathBuf),
    #[error("the output folder {0} is inside the content folder; choose another --output-dir")]
    InsideContent(PathBuf),
    #[error(
        "the output folder {0} is not empty and was not made by pactum (no {MANIFEST}); empty it or choose another --output-dir"
    )]
    Foreign(PathBuf),
    #[error("the output path {0} is not a plain relative path")]
    BadPath(String),
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io { path: path.to_path_buf(), source }
}

/// Refuse an output folder that is, contains or lies inside `content`.
pub fn check_location(out: &Path, content: &Path) -> Result<(), OutputError> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        // Canonicalise the longest existing prefix so symlinks and `..` are seen through.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.file_name().map(|s| s.to_os_string()), existing.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut full = existing.canonicalize().unwrap_or(existing);
        for name in rest.into_iter().rev() {
            full.push(name);
        }
        full
    };
    let (out_abs, content_abs) = (abs(out), abs(content));
    if content_abs.starts_with(&out_abs) {
        return Err(OutputError::ContainsContent(out.to_path_buf()));
    }
    if out_abs.starts_with(&content_abs) {
        return Err(OutputError::InsideContent(out.to_path_buf()));
    }
    Ok(())
}

/// Whether `rel` is a plain relative output path: `/`-separated names, no `.`, `..`, `\\` or NUL.
pub fn is_plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.contains('\\')
        && !rel.contains('\0')
        && rel.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

fn checked(rel: &str) -> Result<&str, OutputError> {
    if is_plain_relative(rel) { Ok(rel) } else { Err(OutputError::BadPath(rel.to_string())) }
}

/// Write `set` into `out`, touching only what changed.
pub fn write(out: &Path, set: &OutputSet) -> Result<WriteStats, OutputError> {
    if !out.exists()
        && let Some(name) = out.file_name()
    {
        return write_new(out, name, set);
    }
    let manifest_path = out.join(MANIFEST);
    let previous: BTreeSet<String> = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => text.lines().filter(|l| checked(l).is_ok()).map(str::to_owned).collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if out.exists() && std::fs::read_dir(out).map_err(io_err(out))?.next().is_some() {
                return Err(OutputError::Foreign(out.to_path_buf()));
            }
            BTreeSet::new()
        }
        Err(e) => return Err(OutputError::Io { path: manifest_path, source: e }),
    };
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let mut stats = WriteStats::default();
    let paths = set.iter().map(|(rel, bytes)| Ok((out.join(checked(rel)?), &bytes[..])));
    let paths: Vec<(PathBuf, &[u8])> = paths.collect::<Result<_, OutputError>>()?;
    // Files are compared, staged and renamed on all cores; the order of
    // `set` still decides which error is reported.
    let changed: Vec<(PathBuf, &[u8])> =
        paths.into_par_iter().filter(|(path, bytes)| !same_file(path, bytes)).collect();
    stats.unchanged = set.len() - changed.len();
    // Stage every changed file as a temp file beside its target first. If one
    // cannot be written (permission, disk full, file too large), the staged
    // files are removed and the previous output is left exactly as it was.
    let results: Vec<Result<(PathBuf, PathBuf), OutputError>> =
        changed.into_par_iter().map(|(path, bytes)| stage(out, &path, bytes).map(|tmp| (tmp, path))).collect();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(results.len());
    let mut failed = None;
    for r in results {
        match r {
            Ok(s) => staged.push(s),
            Err(e) => failed = failed.or(Some(e)),
        }
    }
    if let Some(e) = failed {
        discard(out, &staged);
        return Err(e);
    }
    // List the new files in the manifest before they appear, so that even an
    // interrupted write leaves nothing a later build would not clean up.
    let manifest: String = set.keys().map(|k| format!("{k}\n")).collect();
    if set.keys().any(|k| !previous.contains(k)) {
        let mut both: BTreeSet<&str> = previous.iter().map(String::as_str).collect();
        both.extend(set.keys().map(String::as_str));
        let union: String = both.iter().map(|k| format!("{k}\n")).collect();
        if let Err(e) = write_atomic(out, &manifest_path, union.as_bytes()) {
            discard(out, &staged);
            return Err(e);
        }
    }
    let renamed: Vec<Result<(), OutputError>> = staged
        .par_iter()
        .map(|(tmp, path)| std::fs::rename(tmp, path).map_err(|e| OutputError::Io { path: path.clone(), source: e }))
        .collect();
    // Those renamed are in place; the temp files of the others go.
    let left: Vec<(PathBuf, PathBuf)> =
        staged.iter().zip(&renamed).filter(|(_, r)| r.is_err()).map(|(s, _)| s.clone()).collect();
    if let Some(e) = renamed.into_iter().find_map(Result::err) {
        discard(out, &left);
        return Err(e);
    }
    stats.written = staged.len();
    for rel in previous.iter().filter(|r| !set.contains_key(*r)) {
        let path = out.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => stats.removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(OutputError::Io { path, source: e }),
        }
        remove_empty_parents(out, &path);
    }
    if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(manifest.as_str()) {
        write_atomic(out, &manifest_path, manifest.as_bytes())?;
    }
    Ok(stats)
}

/// The first write into `out` (which does not exist): the whole site is
/// written into a staging folder beside it, which then becomes `out` in one
/// rename. A failed write removes the staging folder, leaving no `out`.
fn write_new(out: &Path, name: &std::ffi::OsStr, set: &OutputSet) -> Result<WriteStats, OutputError> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_err(out))?;
    let staging = parent.join(format!(".{}.pactum-staging", name.to_string_lossy()));
    // Left by a write that was interrupted: the name is pactum's own.
    let _ = std::fs::remove_dir_all(&staging);
    let files: Vec<(&str, &[u8])> =
        set.iter().map(|(rel, bytes)| Ok((checked(rel)?, &bytes[..]))).collect::<Result<_, OutputError>>()?;
    let written = (|| {
        let folders: BTreeSet<&str> =
            files.iter().filter_map(|(rel, _)| rel.rsplit_once('/').map(|(d, _)| d)).collect();
        std::fs::create_dir(&staging).map_err(io_err(out))?;
        for folder in folders {
            std::fs::create_dir_all(staging.join(folder)).map_err(io_err(&out.join(folder)))?;
        }
        // Every file is written (on all cores); the order of `set` decides which error is reported.
        let results: Vec<Result<(), OutputError>> = files
            .par_iter()
            .map(|(rel, bytes)| std::fs::write(staging.join(rel), bytes).map_err(io_err(&out.join(rel))))
            .collect();
        results.into_iter().collect::<Result<(), _>>()?;
        let manifest: String = set.keys().map(|k| format!("{k}\n")).collect();
        std::fs::write(staging.join(MANIFEST), manifest).map_err(io_err(&out.join(MANIFEST)))?;
        std::fs::rename(&staging, out).map_err(io_err(out))
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    written.map(|()| WriteStats { written: set.len(), ..WriteStats::default() })
}

/// Whether the file at `path` holds `bytes` already (its length is checked first).
fn same_file(path: &Path, bytes: &[u8]) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
}

/// The temp file `path` is staged in: `.name.pactum-tmp` beside it.
fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.pactum-tmp"))
}

/// Write `bytes` to the temp file of `path` (made with its folders) in the output
/// folder `out`; errors name `path`. A temp file that could not be written
/// completely is removed, with the folders made for it.
fn stage(out: &Path, path: &Path, bytes: &[u8]) -> Result<PathBuf, OutputError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err(path))?;
    let tmp = temp_path(path);
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        remove_empty_parents(out, &tmp);
        return Err(OutputError::Io { path: path.to_path_buf(), source: e });
    }
    Ok(tmp)
}

/// Remove staged temp files and the folders made only for them.
fn discard(out: &Path, staged: &[(PathBuf, PathBuf)]) {
    for (tmp, _) in staged {
        let _ = std::fs::remove_file(tmp);
        remove_empty_parents(out, tmp);
    }
}

fn write_atomic(out: &Path, path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let tmp = stage(out, path, bytes)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        OutputError::Io { path: path.to_path_buf(), source: e }
    })
}

fn remove_empty_parents(out: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == out || !d.starts_with(out) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[(&str, &str)]) -> OutputSet {
        items.iter().map(|(k, v)| (k.to_string(), v.as_bytes().to_vec().into())).collect()
    }

    #[test]
    fn writes_only_changes_and_removes_stale_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = write(&out, &set(&[("index.html", "a"), ("x/index.html", "b")])).unwrap();
        assert_eq!(s, WriteStats { written: 2, unchanged: 0, removed: 0 });
        let s = write(&out, &set(&[("index.html", "a2")])).unwrap();
        assert_eq!(s, WriteStats { written: 1, unchanged: 0, removed: 1 });
        assert!(!out.join("x").exists(), "empty folder left behind");
        let s = write(&out, &set(&[("index.html", "a2")])).unwrap();
        assert_eq!(s, WriteStats { written: 0, unchanged: 1, removed: 0 });
    }

    #[test]
    fn refuses_foreign_folders_and_content_overlap() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("precious.txt"), "x").unwrap();
        assert!(matches!(write(tmp.path(), &set(&[("a", "b")])), Err(OutputError::Foreign(_))));
        assert!(tmp.path().join("precious.txt").exists());
        let content = tmp.path().join("content");
        std::fs::create_dir(&content).unwrap();
        assert!(check_location(tmp.path(), &content).is_err());
        assert!(check_location(&content.join("out"), &content).is_err());
        assert!(check_location(&tmp.path().join("public"), &content).is_ok());
    }

    #[test]
    fn a_failed_write_leaves_the_previous_output_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write(&out, &set(&[("a.html", "1"), ("b", "1")])).unwrap();
        // `b/c.html` cannot be made while `b` is a file: the write fails part-way.
        let err = write(&out, &set(&[("a.html", "2"), ("b/c.html", "3"), ("z.html", "4")])).unwrap_err();
        assert!(err.to_string().contains("b/c.html"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("a.html")).unwrap(), "1");
        let mut names: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, [MANIFEST, "a.html", "b"], "a temp file was left behind");
        assert_eq!(std::fs::read_to_string(out.join(MANIFEST)).unwrap(), "a.html\nb\n");
    }

    #[test]
    fn a_first_write_makes_the_folder_whole_or_not_at_all() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("site").join("public");
        let s = write(&out, &set(&[("index.html", "a"), ("x/y/index.html", "b")])).unwrap();
        assert_eq!(s, WriteStats { written: 2, unchanged: 0, removed: 0 });
        assert_eq!(std::fs::read_to_string(out.join("x/y/index.html")).unwrap(), "b");
        assert_eq!(std::fs::read_to_string(out.join(MANIFEST)).unwrap(), "index.html\nx/y/index.html\n");
        let names = |dir: &Path| {
            let mut n: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name()).collect();
            n.sort();
            n
        };
        assert_eq!(names(&tmp.path().join("site")), ["public"], "the staging folder was left behind");
        // `b/c.html` cannot be made while `b` is a file: nothing is left, and the error names the file.
        let other = tmp.path().join("site").join("other");
        let err = write(&other, &set(&[("a.html", "1"), ("b", "2"), ("b/c.html", "3")])).unwrap_err();
        assert!(err.to_string().contains("other/b"), "{err}");
        assert_eq!(names(&tmp.path().join("site")), ["public"], "a half-written folder was left behind");
        // The next write into the same folder compares and stages file by file.
        let s = write(&out, &set(&[("index.html", "a"), ("x/y/index.html", "c")])).unwrap();
        assert_eq!(s, WriteStats { written: 1, unchanged: 1, removed: 0 });
    }

    #[test]
    fn refuses_paths_that_escape() {
        let tmp = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "a\\b"] {
            assert!(matches!(write(&tmp.path().join("o"), &set(&[(bad, "x")])), Err(OutputError::BadPath(_))), "{bad}");
        }
    }
}
