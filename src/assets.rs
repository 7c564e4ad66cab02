//! Theme files embedded in the binary, and the site's own overrides.
//!
//! Layouts and assets of the default theme are compiled in, so
//! `pactum init` + `pactum build` work anywhere. A site's `layouts/` and
//! `assets/` folders replace embedded files of the same name and add others.

use crate::diag::Diagnostic;
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

static LAYOUTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/layouts");
static ASSETS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets");

/// A set of theme files: relative path → bytes, embedded first, then the site's.
pub type Files = BTreeMap<String, Vec<u8>>;

/// The layouts (`*.html`, `*.xml`): embedded defaults overridden by `root/layouts`.
pub fn layouts(root: &Path) -> Result<Files, Vec<Diagnostic>> {
    let mut files = embedded(&LAYOUTS);
    files.retain(|k, _| k.ends_with(".html") || k.ends_with(".xml"));
    overlay(&mut files, root, "layouts", |k| k.ends_with(".html") || k.ends_with(".xml"))?;
    Ok(files)
}

/// The static assets: embedded defaults overridden by `root/assets`.
pub fn assets(root: &Path) -> Result<Files, Vec<Diagnostic>> {
    let mut files = embedded(&ASSETS);
    overlay(&mut files, root, "assets", |_| true)?;
    Ok(files)
}

fn embedded(dir: &'static Dir<'static>) -> Files {
    let mut files = Files::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for f in d.files() {
            if let Some(p) = f.path().to_str() {
                files.insert(p.replace('\\', "/"), f.contents().to_vec());
            }
        }
        stack.extend(d.dirs());
    }
    files
}

fn overlay(files: &mut Files, root: &Path, folder: &str, keep: impl Fn(&str) -> bool) -> Result<(), Vec<Diagnostic>> {
    let base = root.join(folder);
    if !base.is_dir() {
        return Ok(());
    }
    let mut diags = Vec::new();
    let walker = WalkDir::new(&base).follow_links(false).sort_by_file_name().into_iter();
    for entry in walker
        .filter_entry(|e| e.depth() == 0 || !crate::content::load::is_ignored_name(&e.file_name().to_string_lossy()))
    {
        let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).to_path_buf();
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let Some(rel) = e.path().strip_prefix(&base).ok().and_then(|p| p.to_str()) else {
                    diags.push(Diagnostic::error(
                        "path-encoding",
                        &shown(e.path()),
                        "the file name is not valid UTF-8",
                    ));
                    continue;
                };
                let rel = rel.replace('\\', "/");
                if !keep(&rel) {
                    continue;
                }
                match std::fs::read(e.path()) {
                    Ok(bytes) => {
                        files.insert(rel, bytes);
                    }
                    Err(err) => diags.push(Diagnostic::error("io", &shown(e.path()), format!("cannot read: {err}"))),
                }
            }
            Ok(_) => {}
            Err(err) => {
                let p = err.path().map(shown).unwrap_or_else(|| base.clone());
                diags.push(Diagnostic::error("io", &p, format!("cannot read: {err}")));
            }
        }
    }
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

/// Output name of an asset: CSS and JS carry a content hash so browsers
/// never use a stale copy (`style.css` → `assets/style.1a2b3c4d.css`).
pub fn output_name(rel: &str, bytes: &[u8]) -> String {
    let hashed = rel.ends_with(".css") || rel.ends_with(".js");
    match rel.rsplit_once('.') {
        Some((stem, ext)) if hashed => {
            let hash = blake3::hash(bytes).to_hex();
            format!("assets/{stem}.{}.{ext}", &hash.as_str()[..10])
        }
        _ => format!("assets/{rel}"),
    }
}

/// Template variable name of an asset: `style.css` → `style_css`.
pub fn var_name(rel: &str) -> String {
    rel.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_and_js_names_carry_a_content_hash() {
        let a = output_name("style.css", b"a{}");
        assert!(a.starts_with("assets/style.") && a.ends_with(".css") && a.len() == "assets/style..css".len() + 10);
        assert_ne!(a, output_name("style.css", b"b{}"));
        assert_eq!(output_name("img/logo.svg", b"x"), "assets/img/logo.svg");
        assert_eq!(var_name("img/logo-2.svg"), "img_logo_2_svg");
    }

    #[test]
    fn the_default_theme_is_embedded() {
        let l = layouts(Path::new("/nonexistent")).unwrap();
        for t in ["base.html", "document.html", "listing.html", "404.html"] {
            assert!(l.contains_key(t), "{t}");
        }
        assert!(assets(Path::new("/nonexistent")).unwrap().contains_key("style.css"));
    }
}
