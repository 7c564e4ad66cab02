//! Old versions: their rendered bodies, and the "Nyt og ændret" feed.

use super::assemble::Site;
use super::links::{LinkContext, version_url};
use super::render::escape_html;
use crate::content::frontmatter;
use crate::content::model::FrontMatter;
use crate::history::DocHistory;
use crate::markdown::{self, Rendered};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// The rendered body of one old version.
pub struct OldBody {
    pub version: String,
    /// Its front matter, when it still parses by today's rules.
    pub fm: Option<FrontMatter>,
    pub rendered: Arc<Rendered>,
    /// The hash of its text when there is a memo (`pactum serve`); zero otherwise.
    pub text_hash: [u8; 32],
}

/// Render every old version that has a text (the current one is the working tree).
/// Problems in old texts are not reported: history is what it was.
pub fn render_old(
    site: &Site,
    history: &[DocHistory],
    links: &LinkContext<'_>,
    memo: Option<&super::bodies::Bodies<'_>>,
) -> Vec<Vec<OldBody>> {
    (0..site.docs.len())
        .into_par_iter()
        .map(|i| {
            let doc = &site.docs[i];
            history[i]
                .versions
                .iter()
                .filter(|v| !v.current)
                .filter_map(|v| {
                    let text = v.text.as_ref()?;
                    let file = Path::new(&doc.source);
                    let split = frontmatter::split(text, file).ok()?;
                    let fm = frontmatter::parse(text, &split, file).ok().map(|p| p.fm);
                    let url = version_url(&doc.url, &v.version);
                    let src = markdown::Source {
                        file,
                        text,
                        body_start: split.body_start,
                        body_pos: split.body_pos,
                        table_word: links.table_word,
                    };
                    let text_hash = if memo.is_some() { *blake3::hash(text.as_bytes()).as_bytes() } else { [0; 32] };
                    let rendered =
                        super::bodies::render_body(memo, &url, &doc.rel, &text_hash, &links.at(i, Some(&url)), |r| {
                            markdown::render_with(&src, r, &site.config.raw_html)
                        });
                    Some(OldBody { version: v.version.clone(), fm, rendered, text_hash })
                })
                .collect()
        })
        .collect()
}

/// Atom feed of new versions with a change note, newest first.
pub fn feed(site: &Site, history: &[DocHistory], title: &str) -> String {
    let base = &site.config.base_url;
    let mut entries = Vec::new();
    for (i, h) in history.iter().enumerate() {
        let d = &site.docs[i];
        for v in h.versions.iter().filter(|v| !v.change_note.is_empty()) {
            let url = if v.current || v.text.is_none() { d.url.clone() } else { version_url(&d.url, &v.version) };
            let date = v.date.map_or_else(|| "1970-01-01".to_string(), |x| x.iso());
            entries.push((date, d.id.clone(), v.version.clone(), d.fm.title.clone(), url, v.change_note.clone()));
        }
    }
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(b.2.cmp(&a.2)));
    entries.truncate(100);
    let updated = entries.first().map_or("1970-01-01".to_string(), |e| e.0.clone());
    let feed_id = if base.is_empty() { "urn:pactum:feed".to_string() } else { format!("{base}feed.xml") };
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{} – {}</title>\n<id>{}</id>\n<updated>{updated}T00:00:00Z</updated>\n<link rel=\"alternate\" href=\"{}index.html\"/>\n",
        escape_html(&site.config.language),
        escape_html(&site.config.title),
        escape_html(title),
        escape_html(&feed_id),
        escape_html(base)
    );
    for (date, id, version, doc_title, url, note) in entries {
        s.push_str(&format!(
            "<entry>\n<title>{} – version {}</title>\n<id>urn:pactum:{}:{}</id>\n<updated>{date}T00:00:00Z</updated>\n<link href=\"{}{}\"/>\n<summary>{}</summary>\n</entry>\n",
            escape_html(&doc_title),
            escape_html(&version),
            escape_html(&id),
            escape_html(&version),
            escape_html(base),
            escape_html(&url),
            escape_html(&note)
        ));
    }
    s.push_str("</feed>\n");
    s
}
