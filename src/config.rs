//! The optional site config, `pactum.yaml` at the site root.
//!
//! A site builds without it; every key has a default.

use crate::content::Kind;
use crate::diag::{Diagnostic, Pos, did_you_mean};
use crate::markdown::RawHtml;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;
use std::path::Path;

/// File name of the config, looked up at the site root.
pub const CONFIG_FILE: &str = "pactum.yaml";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// UI language: `da` (default) or `en`.
    pub language: String,
    /// Absolute URL the site is published at, with a trailing `/`; empty if unknown.
    pub base_url: String,
    /// URL of the accessibility statement (tilgængelighedserklæring).
    pub accessibility_url: String,
    /// Content folder (first path component) → kind.
    pub kinds: BTreeMap<String, Kind>,
    pub minify: bool,
    /// Whether the search index is built (and the search box shown).
    pub search: bool,
    /// Whether raw HTML in documents is rendered (sanitised) or shown as text.
    pub raw_html: RawHtml,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Sundhedsaftaler".into(),
            description: String::new(),
            language: "da".into(),
            base_url: String::new(),
            accessibility_url: String::new(),
            kinds: Kind::ALL.iter().map(|k| (k.folder().to_string(), *k)).collect(),
            minify: true,
            search: true,
            raw_html: RawHtml::default(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Option<String>,
    description: Option<String>,
    language: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
    accessibility_url: Option<String>,
    kinds: Option<BTreeMap<String, Spanned<String>>>,
    minify: Option<bool>,
    search: Option<bool>,
    raw_html: Option<RawHtmlKeys>,
}

/// `raw_html:` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHtmlKeys {
    allow: Option<bool>,
    tags: Option<Vec<Spanned<String>>>,
}

impl Config {
    /// Read `pactum.yaml` under `root` if there is one.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, Path::new(CONFIG_FILE)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(vec![Diagnostic::error("io", Path::new(CONFIG_FILE), format!("cannot read: {e}"))]),
        }
    }

    pub fn parse(text: &str, file: &Path) -> Result<Config, Vec<Diagnostic>> {
        let options = crate::content::frontmatter::yaml_options();
        let raw: Raw = match serde_saphyr::from_str_with_options::<Option<Raw>>(text, options) {
            Ok(Some(raw)) => raw,
            Ok(None) => return Ok(Config::default()),
            Err(e) => {
                let first = e.to_string().lines().next().unwrap_or("").to_string();
                let msg = first.trim_start_matches("error: ");
                let msg = msg.strip_prefix("line ").and_then(|r| r.split_once(": ")).map_or(msg, |(_, m)| m);
                let pos =
                    e.location().map_or(Pos::START, |l| Pos { line: l.line() as usize, col: l.column() as usize });
                return Err(vec![
                    Diagnostic::error("config", file, format!("invalid config: {msg}")).at(text, pos, 1).help(
                        "keys: title, description, language, base_url, accessibility_url, kinds, minify, search, raw_html",
                    ),
                ]);
            }
        };
        let mut diags = Vec::new();
        let mut config = Config::default();
        let at = |s: &Spanned<String>| Pos { line: s.referenced.line() as usize, col: s.referenced.column() as usize };
        if let Some(t) = raw.title {
            config.title = t;
        }
        config.description = raw.description.unwrap_or_default();
        config.accessibility_url = raw.accessibility_url.unwrap_or_default();
        config.minify = raw.minify.unwrap_or(true);
        config.search = raw.search.unwrap_or(true);
        if let Some(lang) = raw.language {
            if crate::i18n::ui_strings(&lang.value).is_some() {
                config.language = lang.value.clone();
            } else {
                diags.push(
                    Diagnostic::error("config", file, format!("unknown language `{}`", lang.value))
                        .at(text, at(&lang), lang.value.chars().count())
                        .help(format!("expected one of: {}", crate::i18n::LANGUAGES.join(", "))),
                );
            }
        }
        if let Some(url) = raw.base_url {
            match normalise_base_url(&url.value) {
                Some(u) => config.base_url = u,
                None => diags.push(
                    Diagnostic::error("config", file, format!("`base_url: {}` is not an http(s) URL", url.value))
                        .at(text, at(&url), url.value.chars().count())
                        .help("write the full address, e.g. https://example.org/aftaler/"),
                ),
            }
        }
        if let Some(kinds) = raw.kinds {
            config.kinds.clear();
            for (folder, kind) in kinds {
                match Kind::parse(kind.value.trim()) {
                    Some(k) => {
                        config.kinds.insert(folder, k);
                    }
                    None => {
                        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                        let hint = did_you_mean(&kind.value, names.iter().copied())
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                        diags.push(
                            Diagnostic::error("config", file, format!("unknown kind `{}`", kind.value))
                                .at(text, at(&kind), kind.value.chars().count())
                                .help(format!("{hint}expected one of: {}", names.join(", "))),
                        );
                    }
                }
            }
        }
        if let Some(raw) = raw.raw_html {
            config.raw_html.allow = raw.allow.unwrap_or(false);
            for tag in raw.tags.unwrap_or_default() {
                let name = tag.value.trim().to_ascii_lowercase();
                match RawHtml::refuse_tag(&name) {
                    None => config.raw_html.tags.push(name),
                    Some(why) => {
                        let addable = RawHtml::addable_tags();
                        let hint = did_you_mean(&name, addable.iter().copied())
                            .map(|s| format!("did you mean `{s}`? "))
                            .unwrap_or_default();
                        diags.push(
                            Diagnostic::error("config", file, format!("raw_html.tags: {why}"))
                                .at(text, at(&tag), tag.value.chars().count())
                                .help(format!(
                                    "{hint}always allowed: {}; may be added: {}",
                                    RawHtml::BASE_TAGS.join(", "),
                                    addable.join(", ")
                                )),
                        );
                    }
                }
            }
        }
        if diags.is_empty() { Ok(config) } else { Err(diags) }
    }
}

/// `https://x.org/a` → `https://x.org/a/`; `None` if it is not http(s).
pub fn normalise_base_url(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    if rest.is_empty() || rest.starts_with('/') || rest.contains(char::is_whitespace) {
        return None;
    }
    Some(if url.ends_with('/') { url.to_string() } else { format!("{url}/") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_a_file() {
        let c = Config::parse("", Path::new("pactum.yaml")).unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.kinds.get("aftaler"), Some(&Kind::Agreement));
    }

    #[test]
    fn reads_keys_and_rejects_bad_values() {
        let c = Config::parse(
            "title: T\nlanguage: en\nbase_url: https://x.org/a\nkinds:\n  docs: guidance\n",
            Path::new("p"),
        )
        .unwrap();
        assert_eq!((c.title.as_str(), c.language.as_str(), c.base_url.as_str()), ("T", "en", "https://x.org/a/"));
        assert_eq!(c.kinds.len(), 1);
        let e = Config::parse("language: fr\nbase_url: x.org\n", Path::new("p")).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].location(), "p:1:11");
        let e = Config::parse("titel: x\n", Path::new("p")).unwrap_err();
        assert!(e[0].message.contains("unknown field `titel`"), "{}", e[0]);
    }

    #[test]
    fn raw_html_is_off_unless_allowed_and_only_safe_tags_can_be_added() {
        assert_eq!(Config::default().raw_html, RawHtml { allow: false, tags: vec![] });
        let c = Config::parse("raw_html:\n  tags: [Center]\n", Path::new("p")).unwrap();
        assert_eq!(c.raw_html, RawHtml { allow: false, tags: vec!["center".into()] });
        let c = Config::parse("raw_html:\n  allow: true\n  tags: [details, ruby, rt]\n", Path::new("p")).unwrap();
        assert!(c.raw_html.allow);
        assert_eq!(c.raw_html.tags, ["details", "ruby", "rt"]);
        let e =
            Config::parse("raw_html:\n  allow: true\n  tags: [script, iframe, blink]\n", Path::new("p")).unwrap_err();
        let got: Vec<_> = e.iter().map(|d| (d.location(), d.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    "p:3:10".to_string(),
                    "raw_html.tags: `script` can never be allowed: raw HTML may not run scripts, load styles or embed content"
                ),
                (
                    "p:3:18".to_string(),
                    "raw_html.tags: `iframe` can never be allowed: raw HTML may not run scripts, load styles or embed content"
                ),
                ("p:3:26".to_string(), "raw_html.tags: `blink` cannot be allowed in raw HTML"),
            ]
        );
        assert!(e[0].help.as_deref().unwrap().contains("may be added: acronym"), "{:?}", e[0].help);
        let e = Config::parse("raw_html:\n  allowed: true\n", Path::new("p")).unwrap_err();
        assert!(e[0].message.contains("unknown field `allowed`"), "{}", e[0]);
        let e = Config::parse("raw_html: true\n", Path::new("p")).unwrap_err();
        assert_eq!(e[0].code, "config");
    }
}
