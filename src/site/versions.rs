//! Old versions: their rendered bodies, and the "Nyt og ændret" feed.

use super::assemble::Site;
use super::links::{LinkContext, version_url};
use super::render::escape_html;
use crate::content::frontmatter;
use crate::content::model::FrontMatter;
use crate::date::Date;
use crate::history::{DocHistory, Version};
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
    // Borrowed, and only the newest 100 sorted: a site has one entry per
    // version with a change note (tens of thousands at 10,000 documents).
    let epoch = Date { year: 1970, month: 1, day: 1 };
    let mut entries: Vec<(Date, &str, &str, usize, &Version)> = Vec::new();
    for (i, h) in history.iter().enumerate() {
        let d = &site.docs[i];
        for v in h.versions.iter().filter(|v| !v.change_note.is_empty()) {
            entries.push((v.date.unwrap_or(epoch), &d.id, &v.version, i, v));
        }
    }
    let newest_first = |a: &(Date, &str, &str, usize, &Version), b: &(Date, &str, &str, usize, &Version)| {
        b.0.cmp(&a.0).then(a.1.cmp(b.1)).then(b.2.cmp(a.2))
    };
    const SHOWN: usize = 100;
    if entries.len() > SHOWN {
        entries.select_nth_unstable_by(SHOWN - 1, newest_first);
        entries.truncate(SHOWN);
    }
    entries.sort_by(newest_first);
    let updated = entries.first().map_or(epoch, |e| e.0).iso();
    let feed_id = if base.is_empty() { "urn:pactum:feed".to_string() } else { format!("{base}feed.xml") };
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{} – {}</title>\n<id>{}</id>\n<updated>{updated}T00:00:00Z</updated>\n<link rel=\"alternate\" href=\"{}index.html\"/>\n",
        escape_html(&site.config.language),
        escape_html(&site.config.title),
        escape_html(title),
        escape_html(&feed_id),
        escape_html(base)
    );
    for (date, id, version, i, v) in entries {
        let d = &site.docs[i];
        let url = if v.current || v.text.is_none() { d.url.clone() } else { version_url(&d.url, version) };
        s.push_str(&format!(
            "<entry>\n<title>{} – version {}</title>\n<id>urn:pactum:{}:{}</id>\n<updated>{date}T00:00:00Z</updated>\n<link href=\"{}{}\"/>\n<summary>{}</summary>\n</entry>\n",
            escape_html(&d.fm.title),
            escape_html(version),
            escape_html(id),
            escape_html(version),
            escape_html(base),
            escape_html(&url),
            escape_html(&v.change_note)
        ));
    }
    s.push_str("</feed>\n");
    s
}
