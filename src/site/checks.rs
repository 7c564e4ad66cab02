//! Editorial checks that do not stop a build (warnings): placeholder text
//! left from the PDFs, page references, links and relations to superseded
//! documents, pages nothing reaches, and review dates.

use super::assemble::Site;
use super::graph::Graph;
use crate::content::{Document, Kind, Status};
use crate::diag::{Diagnostic, Pos};
use crate::markdown::Rendered;
use regex::Regex;
use std::sync::Arc;
use std::sync::LazyLock;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bxx\.xx\.\d{2,4}|\bxx (?:måneder|maaneder|år|dage|uger)|\(?link indsættes|\?\?")
        .expect("valid regex")
});
static PAGE_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:se|jf\.?|jvf\.?)\s+(?:s\.|side)\s*\d+").expect("valid regex"));

fn retired(d: &Document) -> bool {
    matches!(d.fm.status, Some(Status::Superseded | Status::Withdrawn))
}

/// The successor(s) of a retired document, for messages.
fn successor(site: &Site, t: usize) -> String {
    let next: Vec<String> = site.relations.superseded_by[t]
        .iter()
        .map(|&s| format!("{} ({})", site.docs[s].fm.title, site.docs[s].id))
        .collect();
    let status = site.docs[t].fm.status.map_or("", Status::name);
    if next.is_empty() {
        format!("{} is {status}", site.docs[t].id)
    } else {
        format!("{} is {status}; it is replaced by {}", site.docs[t].id, next.join(", "))
    }
}

/// Every warning for the site.
pub fn check(site: &Site, rendered: &[Arc<Rendered>], graph: &Graph) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (i, d) in site.docs.iter().enumerate() {
        if retired(d) {
            continue;
        }
        for link in &rendered[i].links {
            let t = link.doc;
            if t == i || !retired(&site.docs[t]) || site.relations.supersedes[i] == Some(t) {
                continue;
            }
            diags.push(
                Diagnostic::warning(
                    "link-superseded",
                    &d.source,
                    format!("links to a document that is not in force: {}", successor(site, t)),
                )
                .at(&d.text, link.pos, 1)
                .help("link to the document in force instead"),
            );
        }
        let rel = &site.relations;
        let mut relations: Vec<(&str, usize)> = Vec::new();
        relations.extend(rel.parent[i].map(|t| ("parent", t)));
        relations.extend(rel.programme[i].map(|t| ("programme", t)));
        relations.extend(rel.related[i].iter().map(|&t| ("related", t)));
        for (key, t) in relations.into_iter().filter(|(_, t)| retired(&site.docs[*t])) {
            let r = match key {
                "parent" => d.fm.parent.as_ref(),
                "programme" => d.fm.programme.as_ref(),
                _ => d.fm.related.iter().find(|r| r.id == site.docs[t].id),
            };
            let mut w = Diagnostic::warning(
                "relation-superseded",
                &d.source,
                format!("`{key}` points to a document that is not in force: {}", successor(site, t)),
            )
            .help("point the relation at the document in force");
            if let Some(r) = r {
                w = w.at(&d.text, r.pos, r.id.chars().count());
            }
            diags.push(w);
        }
        if d.kind == Kind::Page && d.url != "index.html" && !graph.is_reached(site, i) {
            diags.push(
                Diagnostic::warning("orphan", &d.source, "nothing links to this page, and no listing shows it")
                    .help("link to it from another document or the front page (content/index.md)"),
            );
        }
    }
    diags
}

/// Placeholder text and PDF page references, outside code blocks. Checked
/// with the body as it is rendered (and so remembered with it by `serve`).
pub fn placeholders(d: &Document, diags: &mut Vec<Diagnostic>) {
    let mut in_code = false;
    for (n, line) in d.body().lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let pos = |m: &regex::Match<'_>| Pos { line: d.body_pos.line + n, col: line[..m.start()].chars().count() + 1 };
        for m in PLACEHOLDER.find_iter(line) {
            diags.push(
                Diagnostic::warning(
                    "placeholder",
                    &d.source,
                    format!("placeholder text `{}` left in the document", m.as_str()),
                )
                .at(&d.text, pos(&m), m.as_str().chars().count())
                .help("fill in the real value before the document is published"),
            );
        }
        for m in PAGE_REF.find_iter(line) {
            diags.push(
                Diagnostic::warning(
                    "page-reference",
                    &d.source,
                    format!("the page reference `{}` means nothing on the web", m.as_str()),
                )
                .at(&d.text, pos(&m), m.as_str().chars().count())
                .help("link to the section instead: [tekst](fil.md#overskrift) or [[id#overskrift]]"),
            );
        }
    }
}

/// `review_by` passed, or within 60 days of `today`.
pub fn reviews(site: &Site, today: crate::date::Date) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for d in site.docs.iter().filter(|d| !retired(d)) {
        let Some(due) = d.fm.review_by else { continue };
        let days = due.days() - today.days();
        let (code, msg) = match days {
            ..0 => ("review-overdue", format!("the review date {due} has passed ({} days ago)", -days)),
            0..=60 => ("review-due", format!("the review date {due} is in {days} days")),
            _ => continue,
        };
        let mut w = Diagnostic::warning(code, &d.source, msg).help("review the document, then set a new `review_by`");
        if let Some((n, line)) = d.text.lines().enumerate().find(|(_, l)| l.starts_with("review_by:")) {
            let col = line.find(|c: char| c.is_ascii_digit()).map_or(1, |b| b + 1);
            w = w.at(&d.text, Pos { line: n + 1, col }, 10);
        }
        diags.push(w);
    }
    diags
}
