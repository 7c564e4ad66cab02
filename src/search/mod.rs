//! Site search: a Danish pipeline shared with the browser, quick find over
//! titles and headings, and a term-sharded full-text index, all written as
//! static files under `soeg/` next to the search page `soeg/index.html`.
//!
//! - [`pipeline`]: tokens, folding, stop words, Snowball Danish.
//! - [`analysis`]: one parallel pass over every word, feeding both indexes.
//! - [`quick`]: the type-ahead index (`soeg/quick.js`).
//! - [`fulltext`]: the sharded index (`soeg/manifest.js` and content-hashed files).
//! - [`encode`]: how the files are written.
//!
//! The browser side is `assets/search.js` (the search box and the results
//! page) and `assets/search-worker.js` (pipeline, loading and ranking, in a
//! Web Worker or, from `file://`, in the page).

pub mod analysis;
pub mod encode;
pub mod fulltext;
pub mod lists;
pub mod load;
pub mod pipeline;
pub mod quick;
pub mod regroup;

use crate::content::{Kind, Status};
use crate::markdown::Rendered;
use crate::memo::{Key, Parts};
use crate::site::assemble::Site;
use bytes::Bytes;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The folder of the search page and its index files.
pub const FOLDER: &str = "soeg";
/// The search page.
pub const PAGE_URL: &str = "soeg/index.html";
/// Files with fixed names (everything else under `soeg/` is named by its hash).
pub const QUICK_FILE: &str = "soeg/quick.js";
pub const MANIFEST_FILE: &str = "soeg/manifest.js";

/// Statuses hidden from results unless asked for.
pub const HIDDEN: [Status; 2] = [Status::Superseded, Status::Withdrawn];

/// One document as search sees it, borrowed from the built site (the
/// section texts are most of the site's text; they are not copied).
#[derive(Clone, Debug, Default)]
pub struct Doc<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// Root-relative URL of the page.
    pub url: &'a str,
    pub summary: &'a str,
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    pub version: &'a str,
    pub region: &'a str,
    pub owner: &'a str,
    pub tags: Vec<&'a str>,
    pub aliases: Vec<&'a str>,
    /// The intro (no anchor, maybe empty) first, then one per heading.
    pub sections: Vec<Sec<'a>>,
}

/// A heading section of a document.
#[derive(Clone, Debug, Default)]
pub struct Sec<'a> {
    pub anchor: Option<&'a str>,
    pub title: &'a str,
    /// 1 for the intro, 2..=6 for headings.
    pub level: u8,
    pub text: &'a str,
}

impl Doc<'_> {
    pub fn kind_code(&self) -> usize {
        let k = self.kind.unwrap_or(Kind::Page);
        Kind::ALL.iter().position(|x| *x == k).unwrap_or(0)
    }

    pub fn status_code(&self) -> Option<usize> {
        self.status.and_then(|s| Status::ALL.iter().position(|x| *x == s))
    }

    pub fn hidden(&self) -> bool {
        self.status.is_some_and(|s| HIDDEN.contains(&s))
    }
}

/// Labels and UI strings the browser needs, in the site's language.
#[derive(Clone, Debug, Default)]
pub struct Labels {
    pub lang: String,
    /// `(name, label)` in `Kind::ALL` order.
    pub kinds: Vec<(String, String)>,
    /// `(name, label, hidden)` in `Status::ALL` order.
    pub statuses: Vec<(String, String, bool)>,
    /// The `search_*` UI strings, without the prefix.
    pub strings: BTreeMap<String, String>,
}

impl Labels {
    pub fn new(lang: &str) -> Labels {
        let t: BTreeMap<&str, &str> = crate::i18n::ui_strings(lang)
            .or_else(|| crate::i18n::ui_strings("da"))
            .unwrap_or_default()
            .iter()
            .copied()
            .collect();
        let label = |k: String| t.get(k.as_str()).copied().unwrap_or("").to_string();
        Labels {
            lang: lang.to_string(),
            kinds: Kind::ALL.iter().map(|k| (k.name().to_string(), label(k.label_key()))).collect(),
            statuses: Status::ALL
                .iter()
                .map(|s| (s.name().to_string(), label(s.label_key()), HIDDEN.contains(s)))
                .collect(),
            strings: t
                .iter()
                .filter_map(|(k, v)| k.strip_prefix("search_").map(|k| (k.to_string(), v.to_string())))
                .collect(),
        }
    }

    /// A manifest: the fields both index manifests share (format version,
    /// language and labels) plus `fields`.
    pub fn manifest(&self, fields: serde_json::Value) -> serde_json::Value {
        let mut m = serde_json::json!({
            "v": 1,
            "lang": self.lang,
            "strings": self.strings,
            "kinds": self.kinds,
            "statuses": self.statuses,
        });
        if let (Some(m), serde_json::Value::Object(extra)) = (m.as_object_mut(), fields) {
            m.extend(extra);
        }
        m
    }
}

/// The files of both indexes of `docs`: output path (under `soeg/`) → bytes.
/// (`load::from_output` reads them back into memory.)
pub fn build(docs: &[Doc<'_>], labels: &Labels) -> Vec<(String, Bytes)> {
    build_with(docs, labels, None)
}

/// [`build`], taking what did not change from earlier builds in `memory`
/// (analysed documents, grouped postings, files), with the analysis key of
/// each document.
pub fn build_with(
    docs: &[Doc<'_>],
    labels: &Labels,
    memory: Option<(&analysis::Remembered, &[Key])>,
) -> Vec<(String, Bytes)> {
    let analysis = analysis::analyse(docs, memory);
    let mut last = memory.map(|(m, _)| m.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let earlier = last.as_deref().zip(memory).map(|(last, (_, keys))| regroup::Memory { last, keys });
    let (quick, (mut full, files, leftover)) = rayon::join(
        || quick::Quick::build(docs, &analysis),
        || fulltext::FullText::build_from(docs, labels, &analysis, earlier.as_ref()),
    );
    let quick_file = encode::data_file("quick.js", &quick.payload(labels, &full.chunks));
    let mut out = vec![(QUICK_FILE.to_string(), Bytes::from(quick_file))];
    out.extend(files.into_iter().chain(analysis.fragments).map(|(p, b)| (format!("{FOLDER}/{p}"), b)));
    if let (Some(last), Some(left), Some((_, keys))) = (last.as_deref_mut(), leftover, memory) {
        // The next build takes the grouped postings; this index keeps its files only.
        *last = regroup::Last::new(keys.to_vec(), analysis.docs, &mut full, left);
    }
    out
}

/// The documents of a built site, as search sees them.
pub fn docs<'a>(site: &'a Site, rendered: &'a [Arc<Rendered>]) -> Vec<Doc<'a>> {
    site.docs
        .par_iter()
        .zip(rendered)
        .map(|(d, r)| {
            let mut sections: Vec<Sec<'a>> = r
                .sections
                .iter()
                .map(|s| Sec {
                    anchor: s.id.as_deref(),
                    title: &s.title,
                    level: s.id.as_ref().and_then(|id| r.toc.iter().find(|h| &h.id == id)).map_or(1, |h| h.level),
                    text: &s.text,
                })
                .collect();
            if sections.first().is_none_or(|s| s.anchor.is_some()) {
                sections.insert(0, Sec { level: 1, ..Default::default() });
            }
            // A tag is shown as its group spells it.
            let tags =
                d.fm.tags.iter().map(|t| site.tags.get(&*site.slug(t)).map_or(t.trim(), |g| g.name.as_str())).collect();
            Doc {
                id: &d.id,
                title: &d.fm.title,
                url: &d.url,
                summary: &d.fm.summary,
                kind: Some(d.kind),
                status: d.fm.status,
                version: &d.fm.version,
                region: &d.fm.region,
                owner: &d.fm.owner,
                tags,
                aliases: d.fm.aliases.iter().map(String::as_str).collect(),
                sections,
            }
        })
        .collect()
}

/// The search index files of a built site (paths relative to the output folder).
/// With `memory` (`pactum serve`), only documents that changed are analysed again.
pub fn files(site: &Site, rendered: &[Arc<Rendered>], memory: Option<&analysis::Remembered>) -> Vec<(String, Bytes)> {
    let docs = docs(site, rendered);
    let labels = Labels::new(&site.config.language);
    let Some(memory) = memory else { return build(&docs, &labels) };
    let keys: Vec<Key> = docs.par_iter().zip(rendered).map(|(d, r)| doc_key(d, r)).collect();
    build_with(&docs, &labels, Some((memory, &keys)))
}

/// Everything the analysis reads of a document: its sections (through the
/// body's fingerprint, which `pactum serve` sets) and the fields besides.
fn doc_key(d: &Doc<'_>, r: &Rendered) -> Key {
    let mut h = Parts::new();
    h.add(&r.fingerprint);
    for part in [d.id, d.title, d.summary].into_iter().chain(d.aliases.iter().copied()).chain(d.tags.iter().copied()) {
        h.add(part.as_bytes());
    }
    h.add(&[d.aliases.len() as u8, d.tags.len() as u8]);
    h.add(&d.sections.iter().map(|s| s.level).collect::<Vec<u8>>());
    h.key()
}

/// The distinct terms of a query, in order, at most [`fulltext::MAX_TERMS`].
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in pipeline::terms(query) {
        if !out.contains(&t) && out.len() < fulltext::MAX_TERMS {
            out.push(t);
        }
    }
    out
}

/// Sort key for Danish titles: æ, ø, å after z.
pub fn danish_key(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' => '\u{7b}',
            'ø' => '\u{7c}',
            'å' => '\u{7d}',
            c => c,
        })
        .collect()
}

/// The letter a title is listed under in the A–Å list.
pub fn az_letter(title: &str) -> String {
    match title.chars().find(|c| c.is_alphanumeric()) {
        Some(c) if c.is_numeric() => "0–9".to_string(),
        Some(c) => c.to_uppercase().collect(),
        None => "#".to_string(),
    }
}

/// The folder (under [`FOLDER`]) of the A–Å pages, one per letter.
pub const LETTERS: &str = "bogstav";

/// The URL of the A–Å page of `letter` (as [`az_letter`] gives it).
pub fn letter_url(letter: &str) -> String {
    format!("{FOLDER}/{LETTERS}/{}/index.html", letter_slug(letter))
}

/// A letter's part of its page's URL: its slug for Latin letters, digits and
/// æ, ø, å; `andre` for titles without a letter or digit; else its code
/// point, so that no two letters share a page (Ä is not A).
pub fn letter_slug(letter: &str) -> String {
    let plain = letter.chars().all(|c| c.is_ascii_alphanumeric() || "ÆØÅ–".contains(c));
    match letter {
        "#" => "andre".to_string(),
        _ if plain => crate::slug::slugify(letter),
        _ => letter.chars().map(|c| format!("u{:04x}", u32::from(c))).collect(),
    }
}

/// One letter of the A–Å list: the documents whose titles start with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub letter: String,
    /// By title (æ, ø, å after z), then URL.
    pub docs: Vec<usize>,
}

/// The A–Å list of documents given by `(title, url)`: letters in order (æ,
/// ø, å after z, then other letters, and `#` for titles without a letter or
/// digit last), so that the order of the letters depends on which there
/// are, nothing else.
pub fn az(docs: &[(&str, &str)]) -> Vec<Letter> {
    let mut by_letter: BTreeMap<(bool, String, String), Vec<usize>> = BTreeMap::new();
    for (i, (title, _)) in docs.iter().enumerate() {
        let letter = az_letter(title);
        by_letter.entry((letter == "#", danish_key(&letter), letter)).or_default().push(i);
    }
    by_letter
        .into_iter()
        .map(|((_, _, letter), mut docs_of)| {
            docs_of.sort_by_cached_key(|&i| (danish_key(docs[i].0), docs[i].1));
            Letter { letter, docs: docs_of }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_letters_sort_last() {
        let mut v = vec!["Åben", "Ærlig", "Øst", "Zebra", "abe"];
        v.sort_by_key(|s| danish_key(s));
        assert_eq!(v, ["abe", "Zebra", "Ærlig", "Øst", "Åben"]);
        assert_eq!(az_letter("«SAM:BO»"), "S");
        assert_eq!(az_letter("2019-aftalen"), "0–9");
        assert_eq!(az_letter("øst"), "Ø");
    }

    #[test]
    fn the_az_list_has_one_entry_per_letter_in_danish_order() {
        let docs = [
            ("Åbent hus", "a1"),
            ("Ældre", "a2"),
            ("apopleksi", "a3"),
            ("Øre", "a4"),
            ("Zoneterapi", "a5"),
            ("Ärger", "a6"),
            ("2019-aftalen", "a7"),
            ("«»", "a8"),
            ("Akut", "a9"),
        ];
        let az = az(&docs);
        let letters: Vec<&str> = az.iter().map(|l| l.letter.as_str()).collect();
        assert_eq!(letters, ["0–9", "A", "Z", "Æ", "Ø", "Å", "Ä", "#"]);
        assert_eq!(az[1].docs, [8, 2]); // Akut before apopleksi (case is ignored)
        let slugs: Vec<String> = letters.iter().map(|l| letter_slug(l)).collect();
        assert_eq!(slugs, ["0-9", "a", "z", "ae", "oe", "aa", "u00c4", "andre"]);
        assert_eq!(letter_url("Ø"), "soeg/bogstav/oe/index.html");
    }

    #[test]
    fn query_terms_are_distinct() {
        assert_eq!(query_terms("henvisning henvisninger til psykiatrien"), ["henvisning", "psykiatri"]);
    }
}
