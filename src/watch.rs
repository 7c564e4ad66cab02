//! Watch the site's sources and call back after each burst of changes.
//!
//! notify + notify-debouncer-full group an editor's save dance (temp file +
//! rename, backup files, several writes) into one batch. When the system runs
//! out of inotify watches we fall back to polling, and say so.

use crate::config::CONFIG_FILE;
use crate::content::load::is_ignored_name;
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, FileIdMap, RecommendedCache, new_debouncer, new_debouncer_opt,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long the sources must be quiet before a rebuild starts. An editor's
/// save (temp file + rename, backup dance) takes a few milliseconds; every
/// millisecond here is added to the live-reload latency.
const DEBOUNCE: Duration = Duration::from_millis(25);
/// How often the debouncer looks for a quiet moment.
const TICK: Duration = Duration::from_millis(5);

/// Keeps the watcher alive; dropping it stops watching.
pub enum Watching {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Polling(Debouncer<PollWatcher, FileIdMap>),
}

/// Whether a batch of changed paths can change the site.
pub fn relevant(paths: &[PathBuf]) -> bool {
    paths.iter().any(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        !is_ignored_name(&name) && !p.components().any(|c| c.as_os_str() == ".git")
    })
}

/// What to watch under `root`: content/, layouts/, assets/ (recursively) and the config file.
fn targets(root: &Path) -> Vec<(PathBuf, RecursiveMode)> {
    let mut t: Vec<(PathBuf, RecursiveMode)> = ["content", "layouts", "assets"]
        .iter()
        .map(|d| root.join(d))
        .filter(|p| p.is_dir())
        .map(|p| (p, RecursiveMode::Recursive))
        .collect();
    // The root itself, not recursively: pactum.yaml, and folders created later.
    t.push((root.to_path_buf(), RecursiveMode::NonRecursive));
    t
}

/// Events that may change what a build reads: creating, writing, renaming or
/// removing. Not opening, reading or closing a file: every write already
/// reports a modification, and the build itself opens every file.
fn changes(kind: &EventKind) -> bool {
    !matches!(kind, EventKind::Access(_))
}

/// What a batch of events tells a build.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// These paths (absolute) changed.
    Paths(Vec<PathBuf>),
    /// Events may have been lost (the watcher asked for a rescan, or reported
    /// an error): anything may have changed.
    Unknown,
}

/// What a batch of events under `root_dir` tells a build, if it can change the site.
fn batch(res: DebounceEventResult, root_dir: &Path) -> Option<Change> {
    let Ok(events) = res else { return Some(Change::Unknown) };
    if events.iter().any(|e| e.event.need_rescan()) {
        return Some(Change::Unknown);
    }
    // Reading a file is no change: the build itself opens every file, and
    // counting those opens would rebuild forever.
    let mut paths: Vec<PathBuf> =
        events.into_iter().filter(|e| changes(&e.event.kind)).flat_map(|e| e.event.paths).collect();
    paths.sort();
    paths.dedup();
    // Directly under the root only the config and the source folders matter (not public/, target/).
    paths.retain(|p| {
        p.parent() != Some(root_dir)
            || p.file_name().is_some_and(|n| n == CONFIG_FILE || n == "content" || n == "layouts" || n == "assets")
    });
    relevant(&paths).then_some(Change::Paths(paths))
}

/// Start watching; `on_change` gets what changed, once per relevant batch.
pub fn watch(root: &Path, on_change: impl Fn(Change) + Send + 'static) -> Result<Watching, String> {
    let top = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let root_dir = top.clone();
    let handler = move |res: DebounceEventResult| {
        if let Some(change) = batch(res, &root_dir) {
            on_change(change);
        }
    };
    let (tx, rx) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut native = new_debouncer(DEBOUNCE, Some(TICK), tx.clone()).map_err(|e| e.to_string())?;
    let mut failed = None;
    for (path, mode) in targets(&top) {
        if let Err(e) = native.watch(&path, mode) {
            failed = Some(e);
            break;
        }
    }
    let watching = match failed {
        None => Watching::Native(native),
        Some(e) => {
            eprintln!(
                "note: file-system notifications are unavailable ({e}); watching by polling every second instead"
            );
            let config = notify::Config::default().with_poll_interval(Duration::from_secs(1));
            let mut poll = new_debouncer_opt::<_, PollWatcher, FileIdMap>(DEBOUNCE, None, tx, FileIdMap::new(), config)
                .map_err(|e| e.to_string())?;
            for (path, mode) in targets(&top) {
                poll.watch(&path, mode).map_err(|e| e.to_string())?;
            }
            Watching::Polling(poll)
        }
    };
    std::thread::spawn(move || {
        while let Ok(batch) = rx.recv() {
            handler(batch);
        }
    });
    Ok(watching)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_is_not_a_change() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange, ModifyKind};
        assert!(!changes(&EventKind::Access(AccessKind::Open(AccessMode::Read))));
        assert!(!changes(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(!changes(&EventKind::Access(AccessKind::Read)));
        assert!(!changes(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(changes(&EventKind::Modify(ModifyKind::Data(DataChange::Any))));
        assert!(changes(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn a_batch_names_its_paths_unless_events_were_lost() {
        use notify::event::{CreateKind, Flag};
        use notify_debouncer_full::DebouncedEvent;
        let event = |path: &str| {
            let e = notify::Event::new(EventKind::Create(CreateKind::File)).add_path(PathBuf::from(path));
            DebouncedEvent::new(e, std::time::Instant::now())
        };
        let root = Path::new("/s");
        let paths = batch(Ok(vec![event("/s/content/b.md"), event("/s/content/a.md"), event("/s/public")]), root);
        assert_eq!(
            paths,
            Some(Change::Paths(vec![PathBuf::from("/s/content/a.md"), PathBuf::from("/s/content/b.md")]))
        );
        assert_eq!(batch(Ok(vec![event("/s/content/.a.md.swp")]), root), None);
        let lost =
            DebouncedEvent::new(notify::Event::new(EventKind::Other).set_flag(Flag::Rescan), std::time::Instant::now());
        assert_eq!(batch(Ok(vec![event("/s/content/a.md"), lost]), root), Some(Change::Unknown));
        assert_eq!(batch(Err(vec![notify::Error::generic("queue overflow")]), root), Some(Change::Unknown));
    }

    #[test]
    fn editor_temp_files_alone_do_not_trigger_rebuilds() {
        let p = |s: &str| PathBuf::from(s);
        assert!(!relevant(&[p("/s/content/.sambo.md.swp"), p("/s/content/sambo.md~"), p("/s/content/#x.md#")]));
        assert!(relevant(&[p("/s/content/.sambo.md.swp"), p("/s/content/sambo.md")]));
        assert!(!relevant(&[p("/s/.git/index")]));
    }
}
