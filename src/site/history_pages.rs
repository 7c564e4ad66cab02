//! Pages of the version history: the history of a document, each old
//! version's text, and the changes each version made.

use super::links::version_url;
use super::render::Views;
use super::trace::{self, Read};
use crate::content::Status;
use crate::date::Date;
use crate::diag::Diagnostic;
use crate::history::diff::{self, Labels};
use crate::markdown::{Rendered, Section};
use crate::memo::Parts;
use serde_json::{Value, json};
use std::sync::Arc;

/// Folder of a document's history pages, under the document's own folder.
const HISTORY: &str = "historik";

fn doc_dir(url: &str) -> &str {
    url.trim_end_matches("index.html")
}

impl Views<'_> {
    /// The state a reader must see first, computed for today:
    /// Gældende / Kommende / Historisk / Tilbagetrukket / Udkast / I høring.
    pub(super) fn state(&self, status: Option<Status>, effective: Option<Date>, expires: Option<Date>) -> Value {
        let today = self.versions.today;
        let key = match status {
            None => return Value::Null,
            Some(Status::Withdrawn) => "withdrawn",
            Some(Status::Superseded) => "historic",
            Some(Status::Draft) => "draft",
            Some(Status::Consultation) => "consultation",
            Some(Status::Approved | Status::InForce) => {
                if expires.is_some_and(|e| e < today) {
                    "historic"
                } else if effective.is_some_and(|e| e > today) {
                    "upcoming"
                } else {
                    "current"
                }
            }
        };
        json!({ "key": key, "label": self.label(&format!("state_{key}")), "class": state_class(key) })
    }

    /// URL of a document's history page, if it has published versions.
    pub(super) fn history_url(&self, i: usize) -> Option<String> {
        let h = &self.versions.history[i];
        (!h.versions.is_empty()).then(|| format!("{}{HISTORY}/index.html", doc_dir(&self.site.docs[i].url)))
    }

    fn diff_url(&self, i: usize, version: &str) -> String {
        let safe = version_url("", version);
        let v = safe.trim_start_matches("v/").trim_end_matches("/index.html");
        format!("{}{HISTORY}/{v}/index.html", doc_dir(&self.site.docs[i].url))
    }

    /// The sections of version `k` of document `i` (current: the working tree).
    fn sections_of<'r>(&'r self, i: usize, k: usize, current: &'r Rendered) -> Option<&'r [Section]> {
        let v = &self.versions.history[i].versions[k];
        if v.current {
            return Some(&current.sections);
        }
        self.versions.old[i].iter().find(|o| o.version == v.version).map(|o| &o.rendered.sections[..])
    }

    /// Whether version `k` has a predecessor with a text to compare with.
    fn has_diff(&self, i: usize, k: usize, current: &Rendered) -> bool {
        let n = self.versions.history[i].versions.len();
        k + 1 < n && self.sections_of(i, k, current).is_some() && self.sections_of(i, k + 1, current).is_some()
    }

    /// Output paths of every history page, with what renders them.
    pub(super) fn history_jobs(&self, rendered: &[Arc<Rendered>]) -> Vec<HistoryJob> {
        let mut jobs = Vec::new();
        for (i, h) in self.versions.history.iter().enumerate() {
            if h.versions.is_empty() || self.site.docs[i].kind == crate::content::Kind::Page {
                continue;
            }
            jobs.push(HistoryJob::History(i));
            for o in 0..self.versions.old[i].len() {
                jobs.push(HistoryJob::Version(i, o));
            }
            for k in 0..h.versions.len() {
                if self.has_diff(i, k, &rendered[i]) {
                    jobs.push(HistoryJob::Diff(i, k));
                }
            }
        }
        jobs
    }

    /// The output path of a history page.
    pub(super) fn history_url_of(&self, job: &HistoryJob) -> String {
        match *job {
            HistoryJob::History(i) => self.history_url(i).unwrap_or_default(),
            HistoryJob::Version(i, o) => version_url(&self.site.docs[i].url, &self.versions.old[i][o].version),
            HistoryJob::Diff(i, k) => self.diff_url(i, &self.versions.history[i].versions[k].version),
        }
    }

    pub(super) fn history_job(&self, job: &HistoryJob, rendered: &[Arc<Rendered>]) -> Result<bytes::Bytes, Diagnostic> {
        let i = match *job {
            HistoryJob::History(i) | HistoryJob::Version(i, _) | HistoryJob::Diff(i, _) => i,
        };
        // Every history page shows the document, its versions and (to compare with) its current body.
        trace::read(Read::Meta(i));
        trace::read(Read::Around(i));
        trace::read(Read::Body(i));
        let url = self.history_url_of(job);
        match *job {
            HistoryJob::History(i) => self.history_page(i, &rendered[i], &url),
            HistoryJob::Version(i, o) => self.version_page(i, o, &url),
            HistoryJob::Diff(i, k) => self.diff_page(i, k, &rendered[i], &url),
        }
    }

    fn history_page(&self, i: usize, current: &Rendered, url: &str) -> Result<bytes::Bytes, Diagnostic> {
        let d = &self.site.docs[i];
        let versions: Vec<Value> = self.versions.history[i]
            .versions
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let text_url = if v.current {
                    Some(d.url.clone())
                } else if self.versions.old[i].iter().any(|o| o.version == v.version) {
                    Some(version_url(&d.url, &v.version))
                } else {
                    None
                };
                json!({
                    "version": v.version, "date": v.date.map(|x| self.date(x)), "change_note": v.change_note,
                    "approved_by": v.approved_by, "current": v.current, "url": text_url,
                    "diff_url": self.has_diff(i, k, current).then(|| self.diff_url(i, &v.version)),
                })
            })
            .collect();
        let mut ctx = self.base(url, self.doc_crumbs(i, true));
        ctx.insert("doc", &json!({ "id": d.id, "title": d.fm.title, "url": d.url, "kind": d.kind.name(), "kind_label": self.label(&d.kind.label_key()), "version": d.fm.version }));
        ctx.insert("versions", &versions);
        self.render("history.html", ctx, url)
    }

    fn date(&self, d: Date) -> Value {
        json!({ "iso": d.iso(), "text": d.long(&self.lang) })
    }

    fn version_page(&self, i: usize, o: usize, url: &str) -> Result<bytes::Bytes, Diagnostic> {
        let d = &self.site.docs[i];
        let old = &self.versions.old[i][o];
        let mut view = self.doc_view(i, d, &old.rendered, None);
        if let (Some(fm), Some(obj)) = (&old.fm, view.as_object_mut()) {
            let date = |x: Option<Date>| x.map(|x| self.date(x));
            obj.insert("title".into(), json!(fm.title));
            obj.insert("summary".into(), json!(fm.summary));
            obj.insert("effective".into(), json!(date(fm.effective)));
            obj.insert("expires".into(), json!(date(fm.expires)));
            obj.insert("review_by".into(), json!(date(fm.review_by)));
            obj.insert("owner".into(), json!(fm.owner));
            obj.insert("change_note".into(), json!(fm.change_note));
            let approvals: Vec<Value> =
                fm.approvals.iter().map(|a| json!({ "body": a.body, "date": date(a.date), "note": a.note })).collect();
            obj.insert("approvals".into(), json!(approvals));
        }
        if let Some(obj) = view.as_object_mut() {
            obj.insert("version".into(), json!(old.version));
            obj.insert(
                "state".into(),
                json!({ "key": "historic", "label": self.label("state_historic"), "class": state_class("historic") }),
            );
        }
        let mut ctx = self.base(url, self.doc_crumbs(i, true));
        super::render::put(&mut ctx, "doc", view);
        ctx.insert("canonical", &d.url);
        ctx.insert(
            "historic",
            &json!({ "version": old.version, "current_version": d.fm.version, "current_url": d.url }),
        );
        self.render(&self.doc_template(d), ctx, url)
    }

    fn diff_page(&self, i: usize, k: usize, current: &Rendered, url: &str) -> Result<bytes::Bytes, Diagnostic> {
        let d = &self.site.docs[i];
        let versions = &self.versions.history[i].versions;
        let (new_v, old_v) = (&versions[k], &versions[k + 1]);
        let (Some(new), Some(old)) = (self.sections_of(i, k, current), self.sections_of(i, k + 1, current)) else {
            return Err(Diagnostic::error("history", &d.source, "a version's text is missing"));
        };
        let (ins, del) = (self.label("inserted"), self.label("deleted"));
        // The word diff is the dear part of the page: its key holds what the
        // diff is made from, and the diff is made only when the page is rendered.
        let inputs = diff_inputs(old, new, &ins, &del);
        let link =
            |v: &crate::history::Version| if v.current { d.url.clone() } else { version_url(&d.url, &v.version) };
        let mut ctx = self.base(url, self.doc_crumbs(i, true));
        ctx.insert("doc", &json!({ "id": d.id, "title": d.fm.title, "url": d.url, "kind": d.kind.name(), "kind_label": self.label(&d.kind.label_key()) }));
        let mut diff = json!({
            "new_version": new_v.version, "old_version": old_v.version,
            "new_url": link(new_v), "old_url": link(old_v),
            "history_url": self.history_url(i), "change_note": new_v.change_note,
            "sections": inputs,
        });
        ctx.insert("diff", &diff);
        self.render_then(
            "diff.html",
            ctx,
            url,
            &[],
            Box::new(move |ctx: &mut tera::Context| {
                diff["sections"] = json!(diff::sections(old, new, &Labels { inserted: &ins, deleted: &del }));
                super::render::put(ctx, "diff", diff);
            }),
        )
    }
}

/// The hash of what the word diff of two versions is made from: their
/// sections and the labels of insertions and deletions.
fn diff_inputs(old: &[Section], new: &[Section], inserted: &str, deleted: &str) -> String {
    let mut h = Parts::new();
    h.add(inserted.as_bytes()).add(deleted.as_bytes());
    for (side, sections) in [(0u8, old), (1, new)] {
        for s in sections {
            let id = s.id.as_deref().unwrap_or("\0");
            h.add(&[side]).add(id.as_bytes()).add(s.title.as_bytes()).add(s.text.as_bytes());
        }
    }
    h.hash().to_hex().to_string()
}

/// The badge colour of a state: that of the status it looks like.
fn state_class(key: &str) -> &'static str {
    match key {
        "current" => "in-force",
        "upcoming" => "approved",
        "historic" => "superseded",
        "withdrawn" => "withdrawn",
        "consultation" => "consultation",
        _ => "draft",
    }
}

/// A page of the version history.
pub enum HistoryJob {
    History(usize),
    Version(usize, usize),
    Diff(usize, usize),
}
