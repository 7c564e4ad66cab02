//! Resolve the links of a document body against the site, and check
//! heading anchors once every body is rendered.

use super::assemble::Site;
use crate::diag::{Diagnostic, Pos, did_you_mean};
use crate::markdown::{Rendered, Resolve, Target};
use std::path::{Component, Path, PathBuf};

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
    /// Sources of draft documents left out of this build.
    pub drafts: &'a [PathBuf],
}

impl Resolve for DocLinks<'_> {
    fn resolve(&self, dest: &str, pos: Pos) -> Target {
        let doc = &self.site.docs[self.from];
        if let Some(anchor) = dest.strip_prefix('#') {
            return Target::Internal { url: dest.to_string(), doc: self.from, anchor: Some(anchor.to_string()) };
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
        let dir = doc.rel.parent().unwrap_or(Path::new(""));
        let target = normalise(&dir.join(&decoded));
        let Some(&t) = target.as_ref().and_then(|p| self.site.by_rel.get(p)) else {
            let err = |msg: String, help: String| {
                Target::Broken(Diagnostic::error("link-missing", &doc.source, msg).at(&doc.text, pos, 1).help(help))
            };
            if let Some(p) = &target
                && self.drafts.iter().any(|d| d.ends_with(p))
            {
                return err(
                    format!("the link `{dest}` points to a draft"),
                    "drafts are not published; remove the link or publish the draft".into(),
                );
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
            return err(format!("the link `{dest}` points to content/{shown}, which does not exist"), help);
        };
        let mut url = if t == self.from { String::new() } else { relative(&doc.url, &self.site.docs[t].url) };
        if let Some(a) = &anchor {
            url.push('#');
            url.push_str(a);
        }
        if url.is_empty() {
            url = "#".into();
        }
        Target::Internal { url, doc: t, anchor }
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
pub fn check_anchors(site: &Site, rendered: &[Rendered]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (i, r) in rendered.iter().enumerate() {
        let doc = &site.docs[i];
        for link in &r.links {
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
