//! The content model: what a document is once its front matter is checked.

use crate::date::Date;
use crate::diag::Pos;
use std::path::PathBuf;
use std::sync::Arc;

/// What sort of document this is; decides the layout and the listing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Agreement,
    Programme,
    CommunicationPackage,
    Checklist,
    Guidance,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Agreement, Kind::Programme, Kind::CommunicationPackage, Kind::Checklist, Kind::Guidance, Kind::Page];

    /// The front-matter spelling, e.g. `communication-package`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Agreement => "agreement",
            Kind::Programme => "programme",
            Kind::CommunicationPackage => "communication-package",
            Kind::Checklist => "checklist",
            Kind::Guidance => "guidance",
            Kind::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The folder of the kind's listing page and its default content folder.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Agreement => "aftaler",
            Kind::Programme => "forloebsprogrammer",
            Kind::CommunicationPackage => "kommunikationspakker",
            Kind::Checklist => "tjeklister",
            Kind::Guidance => "vejledninger",
            Kind::Page => "sider",
        }
    }

    /// Key of the kind's label in the UI strings (`kind_agreement`).
    pub fn label_key(self) -> String {
        format!("kind_{}", self.name().replace('-', "_"))
    }

    /// Pages are free text; every other kind is a versioned document.
    pub fn is_versioned(self) -> bool {
        self != Kind::Page
    }
}

/// Where a document is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Draft,
    Consultation,
    Approved,
    InForce,
    Superseded,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::Draft, Status::Consultation, Status::Approved, Status::InForce, Status::Superseded, Status::Withdrawn];

    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Consultation => "consultation",
            Status::Approved => "approved",
            Status::InForce => "in-force",
            Status::Superseded => "superseded",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn label_key(self) -> String {
        format!("status_{}", self.name().replace('-', "_"))
    }
}

/// A reference to another document by id, with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ref {
    pub id: String,
    pub pos: Pos,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub body: String,
    pub date: Option<Date>,
    pub note: String,
}

/// An entry of the `history:` list (versions from before git).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub version: String,
    pub date: Option<Date>,
    pub change_note: String,
    pub approved_by: String,
}

/// Checked front matter. Every field is valid; optional ones may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: String,
    pub summary: String,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    pub version: String,
    pub status: Option<Status>,
    pub effective: Option<Date>,
    pub expires: Option<Date>,
    pub review_by: Option<Date>,
    pub owner: String,
    pub approvals: Vec<Approval>,
    pub change_note: String,
    pub parties: Vec<String>,
    pub region: String,
    pub period: String,
    pub sectors: Vec<String>,
    pub audience: Vec<String>,
    pub parent: Option<Ref>,
    pub related: Vec<Ref>,
    pub supersedes: Option<Ref>,
    pub programme: Option<Ref>,
    pub draft: bool,
    pub history: Vec<HistoryEntry>,
}

/// One markdown file, loaded and checked.
#[derive(Clone, Debug)]
pub struct Document {
    /// Path shown to users, relative to the site root (`content/aftaler/sambo.md`).
    pub source: PathBuf,
    /// Path relative to the content folder (`aftaler/sambo.md`).
    pub rel: PathBuf,
    pub id: String,
    pub kind: Kind,
    pub fm: FrontMatter,
    /// The whole file text (BOM removed, CRLF normalised), for diagnostics.
    pub text: Arc<str>,
    /// Byte offset of the body in `text` and its position.
    pub body_start: usize,
    pub body_pos: Pos,
    /// Output path relative to the output folder (`aftaler/sambo/index.html`).
    pub url: String,
    /// With `pactum serve`, the hash of the file's path, bytes and the
    /// configuration, which later steps key their memos by; zero otherwise.
    pub content_key: [u8; 32],
    /// With `pactum serve`, the hash of the path and the front matter
    /// ([`Document::meta_key_now`]), made once when the file is parsed; zero otherwise.
    pub meta_key: [u8; 32],
}

impl Document {
    /// The hash of the path and the front matter: what changes the document's
    /// URL, id, title, kind, status and dates, and not its body.
    pub fn meta_key_now(&self) -> [u8; 32] {
        crate::memo::Parts::new()
            .add(self.rel.as_os_str().as_encoded_bytes())
            .add(self.text[..self.body_start.min(self.text.len())].as_bytes())
            .key()
    }

    /// [`Document::meta_key`] as loading set it, or made now where it did not (no memo).
    pub fn meta_key_or_now(&self) -> [u8; 32] {
        if self.meta_key == [0; 32] { self.meta_key_now() } else { self.meta_key }
    }

    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The body as the markdown renderer takes it (`table_word` labels tables).
    pub fn markdown_source<'a>(&'a self, table_word: &'a str) -> crate::markdown::Source<'a> {
        crate::markdown::Source {
            file: &self.source,
            text: &self.text,
            body_start: self.body_start,
            body_pos: self.body_pos,
            table_word,
        }
    }
}
