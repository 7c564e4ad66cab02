//! Resolve the links of a document body against the site, and check
//! heading anchors once every body is rendered.

use super::assemble::{Site, nfc_path};
use crate::content::Document;
use crate::diag::{Diagnostic, Pos, did_you_mean};
use crate::history::DocHistory;
use crate::markdown::{Form, Rendered, Resolve, Target};
use rayon::prelude::*;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// `../` repeated once per folder of `url`: the way back to the site root.
pub fn root_of(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

/// The URL of `to` as written on the page at `from` (both root-relative).
pub fn relative(from: &str, to: &str) -> String {
    format!("{}{to}", root_of(from))
}

/// Resolves the links of one document.
pub struct DocLinks<'a> {
    pub site: &'a Site,
    pub from: usize,
    /// Paths (relative to `content/`) and ids of drafts left out of this build.
    pub drafts: &'a [PathBuf],
    pub drafts_ids: &'a [String],
    /// Published versions, for `[[id@version]]`.
    pub history: &'a [DocHistory],
    /// False when git history is cut short (a shallow clone).
    pub history_complete: bool,
    /// The page the body appears on, when it is not the document's own
    /// (an old version's page); links are made relative to it.
    pub page_url: Option<&'a str>,
}

/// What every document's link resolver shares.
pub struct LinkContext<'a> {
    pub site: &'a Site,
    pub drafts: &'a [PathBuf],
    pub drafts_ids: &'a [String],
    pub history: &'a [DocHistory],
    pub history_complete: bool,
    /// The word for "table" in the UI language (labels of table regions).
    pub table_word: &'a str,
}

impl LinkContext<'_> {
    /// The resolver for document `from`, on the page `page_url` (default: its own).
    pub fn at<'b>(&'b self, from: usize, page_url: Option<&'b str>) -> DocLinks<'b> {
        DocLinks {
            site: self.site,
            from,
            drafts: self.drafts,
            drafts_ids: self.drafts_ids,
            history: self.history,
            history_complete: self.history_complete,
            page_url,
        }
    }
}

/// Output path of the page of an old version: `aftaler/sambo/v/2.0/index.html`.
pub fn version_url(doc_url: &str, version: &str) -> String {
    let safe: String = version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' })
        .collect();
    // "", "." and ".." would name no folder or a parent one.
    let safe = if safe.bytes().all(|b| b == b'.') { "-".repeat(safe.len().max(1)) } else { safe };
    format!("{}v/{safe}/index.html", doc_url.trim_end_matches("index.html"))
}

impl Resolve for DocLinks<'_> {
    fn resolve(&self, dest: &str, form: Form, pos: Pos) -> Target {
        match form {
            Form::Id => self.by_id(dest, pos),
            Form::Path => self.by_path(dest, pos),
        }
    }
}

impl DocLinks<'_> {
    fn doc(&self) -> &Document {
        &self.site.docs[self.from]
    }

    fn broken(&self, code: &'static str, pos: Pos, msg: String, help: String) -> Target {
        let d = self.doc();
        Target::Broken(Diagnostic::error(code, &d.source, msg).at(&d.text, pos, 1).help(help))
    }

    /// The link to document `t`, with an optional `#anchor`.
    fn internal(&self, t: usize, anchor: Option<String>) -> Target {
        let url = self.site.docs[t].url.clone();
        self.internal_at(t, &url, anchor)
    }

    /// The link to the page `target_url` of document `t`.
    fn internal_at(&self, t: usize, target_url: &str, anchor: Option<String>) -> Target {
        let here = self.page_url.unwrap_or(&self.doc().url);
        let mut url = if target_url == here { String::new() } else { relative(here, target_url) };
        if let Some(a) = &anchor {
            url.push('#');
            url.push_str(a);
        }
        if url.is_empty() {
            url = "#".into();
        }
        Target::Internal { url, doc: t, anchor, title: self.site.docs[t].fm.title.clone(), warning: None }
    }

    /// `[[id]]`, `[[alias]]`, `[[id#anchor]]`, `[[id@version]]`.
    fn by_id(&self, dest: &str, pos: Pos) -> Target {
        let (reference, anchor) = match dest.split_once('#') {
            Some((r, a)) => (r.trim(), Some(a.trim().to_string())),
            None => (dest.trim(), None),
        };
        let (id, version) = match reference.rsplit_once('@') {
            Some((id, v)) => (id.trim(), Some(v.trim())),
            None => (reference, None),
        };
        let Some(t) = self.site.lookup(id) else {
            if self.drafts_ids.iter().any(|d| d == id) {
                let help = "drafts are not published; remove the link or publish the draft".into();
                return self.broken("link-draft", pos, format!("`[[{dest}]]` points to a draft"), help);
            }
            let names = self.site.by_id.keys().chain(self.site.aliases.keys()).map(String::as_str);
            let help = match did_you_mean(id, names) {
                Some(s) => format!("did you mean `[[{s}]]`?"),
                None => {
                    "no document has this id or alias; an id is the file name without .md unless `id:` sets it".into()
                }
            };
            return self.broken("link-missing", pos, format!("`[[{dest}]]` names no document"), help);
        };
        if let Some(v) = version {
            let target = &self.site.docs[t];
            if v == target.fm.version {
                return self.internal(t, anchor);
            }
            if self.history.get(t).and_then(|h| h.get(v)).is_some_and(|ver| ver.text.is_some()) {
                return self.internal_at(t, &version_url(&target.url, v), anchor);
            }
            let known: Vec<&str> = self
                .history
                .get(t)
                .map(|h| h.versions.iter().map(|v| v.version.as_str()).collect())
                .unwrap_or_default();
            let help = if known.is_empty() {
                format!("the version in force of {id} is {}; link to `[[{id}]]`", target.fm.version)
            } else {
                format!("published versions of {id}: {}", known.join(", "))
            };
            let msg = format!("`[[{dest}]]`: version {v} of {id} is not published");
            if !self.history_complete {
                // A shallow clone lacks old versions: link the version in force and say so.
                let d = self.doc();
                let w = Diagnostic::warning("link-version", &d.source, msg).at(&d.text, pos, 1).help(format!(
                    "the history is incomplete (shallow clone), so the link goes to the version in force; {help}"
                ));
                return match self.internal(t, anchor) {
                    Target::Internal { url, doc, anchor, title, .. } => {
                        Target::Internal { url, doc, anchor, title, warning: Some(Box::new(w)) }
                    }
                    other => other,
                };
            }
            return self.broken("link-version", pos, msg, help);
        }
        self.internal(t, anchor)
    }

    /// `../aftaler/sambo.md#udskrivelse`, `#anchor`, or a URL left alone.
    fn by_path(&self, dest: &str, pos: Pos) -> Target {
        if let Some(anchor) = dest.strip_prefix('#') {
            return self.internal(self.from, Some(anchor.to_string()));
        }
        if dest.contains(':') || dest.starts_with("//") {
            return Target::Keep;
        }
        let (path, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or(path);
        if !path.to_ascii_lowercase().ends_with(".md") {
            return Target::Keep;
        }
        let decoded = percent_decode(path);
        let dir = self.doc().rel.parent().unwrap_or(Path::new(""));
        let target = normalise(&dir.join(&decoded)).map(|p| nfc_path(&p));
        if let Some(&t) = target.as_ref().and_then(|p| self.site.by_rel.get(p)) {
            return self.internal(t, anchor);
        }
        if let Some(p) = &target
            && self.drafts.iter().any(|d| nfc_path(d) == *p)
        {
            let help = "drafts are not published; remove the link or publish the draft".into();
            return self.broken("link-draft", pos, format!("the link `{dest}` points to a draft"), help);
        }
        let shown = target.as_ref().map_or(decoded.clone(), |p| p.display().to_string());
        let candidates: Vec<String> = self.site.by_rel.keys().map(|p| p.display().to_string()).collect();
        let help = match did_you_mean(&shown, candidates.iter().map(String::as_str)) {
            Some(s) => format!(
                "did you mean `{}`? (paths are relative to this file's folder)",
                relative_path(dir, Path::new(s))
            ),
            None => "no document has this path; paths are relative to this file's folder".into(),
        };
        self.broken(
            "link-missing",
            pos,
            format!("the link `{dest}` points to content/{shown}, which does not exist"),
            help,
        )
    }
}

/// Resolve `.` and `..`; `None` if the path climbs out of the content folder.
fn normalise(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

fn relative_path(from_dir: &Path, to: &Path) -> String {
    let from: Vec<_> = from_dir.components().collect();
    let to_c: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to_c).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); from.len() - common];
    parts.extend(to_c[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Every `#anchor` of an internal link must be a heading of its target.
pub fn check_anchors(site: &Site, rendered: &[Arc<Rendered>]) -> Vec<Diagnostic> {
    (0..rendered.len()).into_par_iter().flat_map_iter(|i| anchor_problems(site, rendered, i)).collect()
}

/// The links of document `i` to headings that are not there.
fn anchor_problems(site: &Site, rendered: &[Arc<Rendered>], i: usize) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let doc = &site.docs[i];
    for link in &rendered[i].links {
        let Some(anchor) = &link.anchor else { continue };
        let ids = &rendered[link.doc].toc;
        if anchor.is_empty()
            || ids.iter().any(|h| &h.id == anchor)
            || is_footnote_anchor(&rendered[link.doc].html, anchor)
        {
            continue;
        }
        let target = &site.docs[link.doc];
        let help = match did_you_mean(anchor, ids.iter().map(|h| h.id.as_str())) {
            Some(s) => format!("did you mean `#{s}`?"),
            None if ids.is_empty() => format!("{} has no headings", target.source.display()),
            None => format!(
                "headings of {}: {}",
                target.source.display(),
                ids.iter().map(|h| format!("#{}", h.id)).collect::<Vec<_>>().join(", ")
            ),
        };
        diags.push(
            Diagnostic::error(
                "anchor-missing",
                &doc.source,
                format!("`#{anchor}` is not a heading of {}", target.source.display()),
            )
            .at(&doc.text, link.pos, 1)
            .help(help),
        );
    }
    diags
}

fn is_footnote_anchor(html: &str, anchor: &str) -> bool {
    html.contains(&format!("id=\"{anchor}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_urls_never_climb_or_vanish() {
        let d = "aftaler/sambo/index.html";
        assert_eq!(version_url(d, "2.0"), "aftaler/sambo/v/2.0/index.html");
        assert_eq!(version_url(d, "3 (udkast)/b"), "aftaler/sambo/v/3--udkast--b/index.html");
        assert_eq!(version_url(d, ".."), "aftaler/sambo/v/--/index.html");
        assert_eq!(version_url(d, "."), "aftaler/sambo/v/-/index.html");
        assert_eq!(version_url(d, ""), "aftaler/sambo/v/-/index.html");
    }

    #[test]
    fn relative_urls_climb_to_the_root() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("aftaler/sambo/index.html"), "../../");
        assert_eq!(relative("aftaler/sambo/index.html", "tjeklister/x/index.html"), "../../tjeklister/x/index.html");
    }

    #[test]
    fn normalises_and_refuses_escapes() {
        assert_eq!(normalise(Path::new("aftaler/../tjeklister/./x.md")), Some(PathBuf::from("tjeklister/x.md")));
        assert_eq!(normalise(Path::new("../../etc/passwd.md")), None);
        assert_eq!(relative_path(Path::new("aftaler"), Path::new("tjeklister/x.md")), "../tjeklister/x.md");
        assert_eq!(percent_decode("s%C3%A5.md"), "så.md");
    }
}
