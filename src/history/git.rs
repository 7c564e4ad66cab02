//! Read the history of the content folder from git with gix (pure Rust).
//!
//! One walk along the first-parent chain from HEAD. For each commit only the
//! subtrees whose ids changed are compared, so unchanged folders cost
//! nothing. Paths are followed back through renames: a file that appears in
//! a commit where another disappears with the same blob (or the same id in
//! its front matter) continues that file's history.
//!
//! A walk can resume from an earlier one ([`Resume`]): it then stops at the
//! commit the earlier walk started from and takes that walk's results for
//! everything older, so a rebuild after one commit reads one commit.

use gix::ObjectId;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path};

/// One commit that changed a tracked file: its time and the file's blob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Touch {
    pub commit: ObjectId,
    /// Seconds since the Unix epoch (committer time).
    pub time: i64,
    pub blob: ObjectId,
}

/// The git history of the content folder.
pub struct GitLog {
    pub repo: gix::Repository,
    /// The commit the walk started from.
    pub head: ObjectId,
    /// Path relative to `content/` of every markdown file in HEAD → commits
    /// that changed it (following renames), newest first.
    pub touches: BTreeMap<String, Vec<Touch>>,
    /// The repository is a shallow clone: history stops early.
    pub shallow: bool,
    /// Commits compared in this walk (not taken from a resumed walk).
    pub walked: usize,
}

/// The result of an earlier walk to build on.
pub struct Resume {
    pub head: ObjectId,
    pub touches: BTreeMap<String, Vec<Touch>>,
}

/// Why history could not be read (the build goes on without it).
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("not in a git repository")]
    NoRepo,
    #[error("the repository has no commits yet")]
    NoCommits,
    #[error("cannot read git history: {0}")]
    Read(String),
}

fn read<E: std::fmt::Display>(e: E) -> GitError {
    GitError::Read(e.to_string())
}

/// A change between two trees: path (relative to content/), old and new blob.
type Change = (String, Option<ObjectId>, Option<ObjectId>);

/// Walk the history of `root/content`, following every markdown file of HEAD
/// (paths relative to `content/`, `/`-separated) back in time. `same_doc`
/// decides whether a deleted blob and an added blob are the same document (a
/// rename with edits). With `resume`, commits older than its head are taken
/// from it when its head is on the first-parent chain.
pub fn log(
    root: &Path,
    resume: Option<Resume>,
    same_doc: &dyn Fn(&gix::Repository, ObjectId, ObjectId) -> bool,
) -> Result<GitLog, GitError> {
    let repo = gix::discover(root).map_err(|_| GitError::NoRepo)?;
    let workdir = repo.workdir().ok_or(GitError::NoRepo)?.canonicalize().map_err(read)?;
    let content = root.join("content").canonicalize().map_err(read)?;
    let prefix: Vec<String> = content
        .strip_prefix(&workdir)
        .map_err(|_| GitError::NoRepo)?
        .components()
        .filter_map(|c| if let Component::Normal(s) = c { s.to_str().map(str::to_owned) } else { None })
        .collect();
    let shallow = repo.is_shallow().unwrap_or(false);
    let head = repo.head_commit().map_err(|_| GitError::NoCommits)?;
    let head_id = head.id;
    let stop = resume.as_ref().map(|r| r.head);
    let (commits, resumed) = first_parent_chain(&head, &repo, &prefix, stop)?;
    drop(head);
    let mut files = Vec::new();
    if let Some(c) = commits.first() {
        md_files(&repo, c.2, "", &mut files)?;
    }
    // Path at the commit being compared → path in HEAD.
    let mut tracked: HashMap<String, String> = files.into_iter().map(|p| (p.clone(), p)).collect();
    let mut touches: BTreeMap<String, Vec<Touch>> = BTreeMap::new();
    // When resuming, the last entry is the earlier walk's head: only the parent of the oldest new commit.
    let new = commits.len() - usize::from(resumed);
    for (i, (id, time, tree)) in commits.iter().take(new).enumerate() {
        let parent = commits.get(i + 1).and_then(|c| c.2);
        if *tree == parent && i + 1 < commits.len() {
            continue;
        }
        let mut changes = Vec::new();
        diff_trees(&repo, parent, *tree, "", &mut changes)?;
        for (path, _, new) in &changes {
            if let (Some(doc), Some(blob)) = (tracked.get(path), new) {
                touches.entry(doc.clone()).or_default().push(Touch { commit: *id, time: *time, blob: *blob });
            }
        }
        follow_renames(&repo, &changes, &mut tracked, same_doc);
    }
    if let (true, Some(earlier)) = (resumed, resume) {
        for (then, now) in &tracked {
            if let Some(older) = earlier.touches.get(then) {
                touches.entry(now.clone()).or_default().extend(older.iter().cloned());
            }
        }
    }
    Ok(GitLog { repo, head: head_id, touches, shallow, walked: new })
}

/// A commit of the chain: id, time, content subtree.
type Link = (ObjectId, i64, Option<ObjectId>);

/// Commits from HEAD back along first parents, down to `stop` (included,
/// and then the flag is true) or to the first commit.
fn first_parent_chain(
    head: &gix::Commit<'_>,
    repo: &gix::Repository,
    prefix: &[String],
    stop: Option<ObjectId>,
) -> Result<(Vec<Link>, bool), GitError> {
    let mut commits = Vec::new();
    for info in head.ancestors().first_parent_only().all().map_err(read)? {
        let Ok(info) = info else { break }; // a shallow boundary ends the walk
        let commit = info.object().map_err(read)?;
        let time = commit.time().map_err(read)?.seconds;
        let tree = commit.tree_id().map_err(read)?.detach();
        commits.push((info.id, time, subtree(repo, tree, prefix)?));
        if Some(info.id) == stop {
            return Ok((commits, true));
        }
    }
    Ok((commits, false))
}

/// Every markdown file under `tree`, as `/`-separated paths below `base`.
fn md_files(repo: &gix::Repository, tree: Option<ObjectId>, base: &str, out: &mut Vec<String>) -> Result<(), GitError> {
    for (name, (is_tree, id)) in entries(repo, tree)? {
        let path = if base.is_empty() { name } else { format!("{base}/{name}") };
        if is_tree {
            md_files(repo, Some(id), &path, out)?;
        } else if path.ends_with(".md") {
            out.push(path);
        }
    }
    Ok(())
}

/// Paths added in this commit continue, further back, under a path deleted in it.
fn follow_renames(
    repo: &gix::Repository,
    changes: &[Change],
    tracked: &mut HashMap<String, String>,
    same_doc: &dyn Fn(&gix::Repository, ObjectId, ObjectId) -> bool,
) {
    let deleted: Vec<(&String, ObjectId)> = changes
        .iter()
        .filter_map(|(p, old, new)| match (old, new) {
            (Some(o), None) => Some((p, *o)),
            _ => None,
        })
        .collect();
    for (path, old, new) in changes {
        let (None, Some(added)) = (old, new) else { continue };
        let Some(doc) = tracked.remove(path) else { continue };
        let exact = deleted.iter().find(|(_, b)| b == added);
        let renamed = exact.or_else(|| deleted.iter().find(|(_, b)| same_doc(repo, *b, *added)));
        if let Some((from, _)) = renamed {
            tracked.insert((*from).clone(), doc);
        }
    }
}

/// The id of the subtree at `prefix` under `tree`, if it exists.
fn subtree(repo: &gix::Repository, mut tree: ObjectId, prefix: &[String]) -> Result<Option<ObjectId>, GitError> {
    for name in prefix {
        let t = repo.find_tree(tree).map_err(read)?;
        let decoded = t.decode().map_err(read)?;
        match decoded.entries.iter().find(|e| e.filename == name.as_str() && e.mode.is_tree()) {
            Some(e) => tree = e.oid.to_owned(),
            None => return Ok(None),
        }
    }
    Ok(Some(tree))
}

/// Entries of a tree: name → (is a tree, id).
fn entries(repo: &gix::Repository, tree: Option<ObjectId>) -> Result<BTreeMap<String, (bool, ObjectId)>, GitError> {
    let Some(id) = tree else { return Ok(BTreeMap::new()) };
    let t = repo.find_tree(id).map_err(read)?;
    let decoded = t.decode().map_err(read)?;
    Ok(decoded
        .entries
        .iter()
        .filter(|e| e.mode.is_tree() || e.mode.is_blob())
        .map(|e| (e.filename.to_string(), (e.mode.is_tree(), e.oid.to_owned())))
        .collect())
}

/// Compare two trees, descending only into subtrees whose ids differ.
fn diff_trees(
    repo: &gix::Repository,
    old: Option<ObjectId>,
    new: Option<ObjectId>,
    base: &str,
    out: &mut Vec<Change>,
) -> Result<(), GitError> {
    if old == new {
        return Ok(());
    }
    let (a, b) = (entries(repo, old)?, entries(repo, new)?);
    let names: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for name in names {
        let path = if base.is_empty() { name.clone() } else { format!("{base}/{name}") };
        let (x, y) = (a.get(name), b.get(name));
        if x == y {
            continue;
        }
        let tree_of = |e: Option<&(bool, ObjectId)>| e.filter(|(t, _)| *t).map(|(_, id)| *id);
        let blob_of = |e: Option<&(bool, ObjectId)>| e.filter(|(t, _)| !*t).map(|(_, id)| *id);
        if tree_of(x).is_some() || tree_of(y).is_some() {
            diff_trees(repo, tree_of(x), tree_of(y), &path, out)?;
        }
        let (ob, nb) = (blob_of(x), blob_of(y));
        if ob != nb && path.ends_with(".md") {
            out.push((path, ob, nb));
        }
    }
    Ok(())
}

/// The bytes of a blob.
pub fn blob(repo: &gix::Repository, id: ObjectId) -> Option<Vec<u8>> {
    repo.find_blob(id).ok().map(|b| b.data.clone())
}
