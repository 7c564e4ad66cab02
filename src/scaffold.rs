//! `pactum new` and `pactum init`: files that build at once.

use crate::config::CONFIG_FILE;
use crate::content::Kind;
use crate::slug::slugify;
use std::io;
use std::path::{Path, PathBuf};

/// Why scaffolding refused.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(
        "unknown kind `{0}`; expected one of: agreement, programme, communication-package, checklist, guidance, page"
    )]
    Kind(String),
    #[error("the title gives an empty file name; use letters or digits")]
    EmptyTitle,
    #[error("{0} already exists; choose another title or edit that file")]
    Exists(PathBuf),
    #[error("{0} is not empty; `pactum init` only creates new sites")]
    NotEmpty(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// A kind from its English name or its Danish folder name.
pub fn parse_kind(s: &str) -> Option<Kind> {
    Kind::parse(s).or_else(|| Kind::ALL.into_iter().find(|k| k.folder() == s))
}

/// The front matter + body of a new document.
pub fn document_text(kind: Kind, title: &str) -> String {
    let quoted = title.replace('\\', "\\\\").replace('"', "\\\"");
    let mut s = format!("---\ntitle: \"{quoted}\"\nsummary: \"\"\n");
    if kind.is_versioned() {
        s.push_str(
            "version: \"0.1\"\nstatus: draft\n# effective: 2026-01-01\n# review_by: 2028-01-01\nowner: \"\"\ntags: []\n",
        );
    }
    s.push_str("---\n\n## Formål\n\nSkriv her.\n");
    if kind == Kind::Checklist {
        s.push_str("\n## Tjekliste\n\n- [ ] Første punkt\n- [ ] Andet punkt\n");
    }
    s
}

/// Create `content/<folder>/<slug>.md` under `root`; returns its path.
pub fn new_document(root: &Path, kind: &str, title: &str) -> Result<PathBuf, ScaffoldError> {
    let kind = parse_kind(kind).ok_or_else(|| ScaffoldError::Kind(kind.to_string()))?;
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(ScaffoldError::EmptyTitle);
    }
    let path = root.join("content").join(kind.folder()).join(format!("{slug}.md"));
    create_new(&path, &document_text(kind, title))?;
    Ok(path)
}

fn create_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    let io = |source| ScaffoldError::Io { path: path.to_path_buf(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(mut f) => io::Write::write_all(&mut f, text.as_bytes()).map_err(io),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(ScaffoldError::Exists(path.to_path_buf())),
        Err(e) => Err(io(e)),
    }
}

const INIT_FILES: &[(&str, &str)] = &[
    (
        CONFIG_FILE,
        "# pactum site configuration; every key is optional.\ntitle: \"Sundhedsaftaler\"\nlanguage: da\n# base_url: https://example.org/aftaler/\n# accessibility_url: https://www.was.digst.dk/\n",
    ),
    (
        "content/index.md",
        "---\ntitle: \"Sundhedsaftaler\"\n---\n\nVelkommen. Her finder du de gældende aftaler og tjeklister.\n",
    ),
    (
        "content/aftaler/eksempel-aftale.md",
        "---\ntitle: \"Eksempel på samarbejdsaftale\"\nsummary: \"En aftale at tage udgangspunkt i.\"\nversion: \"1.0\"\nstatus: in-force\neffective: 2026-01-01\nreview_by: 2028-01-01\nowner: \"Sundhedskoordinationsudvalget\"\ntags: [eksempel]\n---\n\n## Formål\n\nAftalen beskriver, hvem der gør hvad. Se også [tjeklisten](../tjeklister/eksempel-tjekliste.md).\n\n## Ansvar\n\n| Opgave | Kommune | Sygehus |\n|---|---|---|\n| Udskrivning | Modtager | Sender besked |\n",
    ),
    (
        "content/tjeklister/eksempel-tjekliste.md",
        "---\ntitle: \"Eksempel på tjekliste\"\nversion: \"1.0\"\nstatus: in-force\nparent: eksempel-aftale\ntags: [eksempel]\n---\n\n## Før udskrivning\n\n- [ ] Epikrise sendt\n- [ ] Medicinliste afstemt\n",
    ),
];

/// Create a new site in `dir` (which must be missing or empty).
pub fn init(dir: &Path) -> Result<(), ScaffoldError> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|source| ScaffoldError::Io { path: dir.to_path_buf(), source })?
            .next()
            .is_some()
    {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    for (rel, text) in INIT_FILES {
        create_new(&dir.join(rel), text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_english_or_danish_name() {
        assert_eq!(parse_kind("agreement"), Some(Kind::Agreement));
        assert_eq!(parse_kind("tjeklister"), Some(Kind::Checklist));
        assert_eq!(parse_kind("x"), None);
    }

    #[test]
    fn new_refuses_to_overwrite() {
        let tmp = tempfile::tempdir().unwrap();
        let p = new_document(tmp.path(), "agreement", "Samarbejdsaftale om IV-behandling").unwrap();
        assert!(p.ends_with("content/aftaler/samarbejdsaftale-om-iv-behandling.md"));
        assert!(matches!(
            new_document(tmp.path(), "agreement", "Samarbejdsaftale om IV-behandling"),
            Err(ScaffoldError::Exists(_))
        ));
        assert!(matches!(new_document(tmp.path(), "nope", "x"), Err(ScaffoldError::Kind(_))));
        assert!(matches!(new_document(tmp.path(), "page", "!!"), Err(ScaffoldError::EmptyTitle)));
    }
}
