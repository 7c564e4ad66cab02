//! Front matter: split a file into YAML and body, parse the YAML with
//! serde-saphyr (which knows line and column), then check every field.
//!
//! Problems become [`Diagnostic`]s positioned in the *file*, not in the YAML
//! snippet: the YAML starts on line 2, so its positions are shifted by one.

use super::model::{Approval, FrontMatter, HistoryEntry, Kind, Ref, Status};
use crate::date::{Date, DateError};
use crate::diag::{Diagnostic, Pos, did_you_mean};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::Path;

type S = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    title: Option<S>,
    kind: Option<S>,
    id: Option<S>,
    summary: Option<S>,
    #[serde(default)]
    tags: Vec<S>,
    #[serde(default)]
    aliases: Vec<S>,
    version: Option<S>,
    status: Option<S>,
    effective: Option<S>,
    expires: Option<S>,
    review_by: Option<S>,
    owner: Option<S>,
    #[serde(default)]
    approvals: Vec<RawApproval>,
    change_note: Option<S>,
    #[serde(default)]
    parties: Vec<S>,
    region: Option<S>,
    period: Option<S>,
    #[serde(default)]
    sectors: Vec<S>,
    #[serde(default)]
    audience: Vec<S>,
    parent: Option<S>,
    #[serde(default)]
    related: Vec<S>,
    supersedes: Option<S>,
    programme: Option<S>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    history: Vec<RawHistory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApproval {
    body: S,
    date: Option<S>,
    note: Option<S>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHistory {
    version: S,
    date: Option<S>,
    change_note: Option<S>,
    approved_by: Option<S>,
}

/// Every key a document's front matter may have, for "did you mean".
pub const KEYS: &[&str] = &[
    "title",
    "kind",
    "id",
    "summary",
    "tags",
    "aliases",
    "version",
    "status",
    "effective",
    "expires",
    "review_by",
    "owner",
    "approvals",
    "change_note",
    "parties",
    "region",
    "period",
    "sectors",
    "audience",
    "parent",
    "related",
    "supersedes",
    "programme",
    "draft",
    "history",
];

/// A file split into its front matter and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body_start: usize,
    pub body_pos: Pos,
}

/// Find the `---` fences. The YAML starts on line 2.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        let what = if text.trim().is_empty() { "the file is empty" } else { "the first line is not `---`" };
        return Err(Diagnostic::error("fm-missing", file, format!("no front matter: {what}"))
            .at(text, Pos::START, text[..first_end].chars().count().max(1))
            .help("start the file with a line `---`, then `title: …` and the other keys, then a closing `---`"));
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut offset = yaml_start;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let l = text[offset..end].trim_end();
        if l == "---" || l == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split { yaml: &text[yaml_start..offset], body_start, body_pos: Pos { line: line + 1, col: 1 } });
        }
        offset = end + 1;
        line += 1;
    }
    Err(Diagnostic::error("fm-unclosed", file, "the front matter is never closed")
        .at(text, Pos::START, 3)
        .help("add a line `---` after the last front-matter key, before the text"))
}

/// What the front matter says about the document, beside the typed fields.
pub struct Parsed {
    pub fm: FrontMatter,
    pub kind: Option<Kind>,
    pub id: Option<(String, Pos)>,
}

/// The most front matter a document may have. Real front matter is a few KiB;
/// long text belongs in the body.
pub const MAX_BYTES: usize = 1024 * 1024;

/// Limits for the YAML parser, far above what front matter needs and far
/// below what would cost time or memory: alias bombs ("billion laughs"),
/// deep nesting and huge inputs fail at once with an error. Front matter and
/// `pactum.yaml` both go through them.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 16;
    budget.flow_nesting_limit = 16;
    budget.max_documents = 1;
    budget.max_events = 200_000;
    budget.max_nodes = 100_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_recorded_anchor_events = 10_000;
    budget.max_recorded_anchor_bytes = MAX_BYTES;
    budget.max_total_scalar_bytes = 2 * MAX_BYTES;
    budget.max_merge_keys = 100;
    let mut aliases = serde_saphyr::options::AliasLimits::default();
    aliases.max_total_replayed_events = 10_000;
    aliases.max_replay_stack_depth = 16;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits = aliases;
    options
}

/// Parse and check the YAML of `file`. `text` is the whole file.
pub fn parse(text: &str, split: &Split<'_>, file: &Path) -> Result<Parsed, Vec<Diagnostic>> {
    let yaml_pos = Pos { line: 2, col: 1 };
    if split.yaml.len() > MAX_BYTES {
        return Err(vec![
            Diagnostic::error(
                "fm-limit",
                file,
                format!(
                    "the front matter is too large: {} KiB, at most {} KiB is allowed",
                    split.yaml.len().div_ceil(1024),
                    MAX_BYTES / 1024
                ),
            )
            .at(text, yaml_pos, 1)
            .help("front matter holds short values; put long text in the body, after the closing `---`"),
        ]);
    }
    let raw: Raw = match serde_saphyr::from_str_with_options(split.yaml, yaml_options()) {
        Ok(Some(raw)) => raw,
        Ok(None) => return Err(vec![missing_title(text, file)]),
        Err(e) => return Err(vec![yaml_error(&e, text, file)]),
    };
    let mut c = Checker { text, yaml: split.yaml, file, diags: Vec::new(), shift: yaml_pos.line - 1 };
    let parsed = c.check(raw);
    if c.diags.is_empty() { Ok(parsed) } else { Err(c.diags) }
}

fn missing_title(text: &str, file: &Path) -> Diagnostic {
    Diagnostic::error("fm-missing-key", file, "the front matter has no `title`")
        .at(text, Pos { line: 2, col: 1 }, 1)
        .help("every document needs `title: \"…\"`")
}

/// Turn a serde-saphyr error into a diagnostic with the file's line numbers.
fn yaml_error(e: &serde_saphyr::Error, text: &str, file: &Path) -> Diagnostic {
    let rendered = e.to_string();
    let first = rendered.lines().next().unwrap_or("");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // serde-saphyr prefixes "line N column M: "; we print our own location.
    let message = match first.strip_prefix("line ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, m)| m),
        None => first,
    }
    .to_string();
    let pos = e
        .location()
        .map(|l| Pos { line: l.line() as usize + 1, col: l.column() as usize })
        .unwrap_or(Pos { line: 2, col: 1 });
    let (code, message, help) = explain_yaml(&message);
    // YAML reports a tab where the scalar before it ends; point at the tab itself.
    let pos = if code == "fm-yaml" && message.contains("tab") { first_tab(text).unwrap_or(pos) } else { pos };
    Diagnostic::error(code, file, message).at(text, pos, 1).help(help)
}

/// The first tab in the front matter (line 2 up to the closing fence).
fn first_tab(text: &str) -> Option<Pos> {
    text.lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, l)| l.trim_end() != "---")
        .find_map(|(i, l)| l.find('\t').map(|b| Pos { line: i + 1, col: l[..b].chars().count() + 1 }))
}

fn explain_yaml(message: &str) -> (&'static str, String, String) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or("");
        let allowed = if rest.contains("expected one of body") { "body, date, note" } else { "" };
        let keys: Vec<&str> = if allowed.is_empty() {
            match rest.split_once("expected one of ") {
                Some((_, list)) => list.split(", ").map(str::trim).collect(),
                None => KEYS.to_vec(),
            }
        } else {
            allowed.split(", ").collect()
        };
        let help = match did_you_mean(key, keys.iter().copied()) {
            Some(s) => format!("did you mean `{s}`? Keys allowed here: {}", keys.join(", ")),
            None => format!("keys allowed here: {}", keys.join(", ")),
        };
        return ("fm-unknown-key", format!("unknown key `{key}`"), help);
    }
    if message.starts_with("duplicate mapping key") {
        let key = message.trim_start_matches("duplicate mapping key: ").split(',').next().unwrap_or("");
        return ("fm-duplicate-key", format!("the key `{key}` is given twice"), "give each key once".into());
    }
    if message.starts_with("budget breached") || message.contains("replay limit") || message.contains("recursion limit")
    {
        let nested = message.contains("Depth") || message.contains("recursion limit");
        let aliases = ["Aliases", "Anchors", "RecordedAnchor", "replay limit", "MergeKeys"];
        let (what, help) = if nested {
            (
                "the front matter is nested too deeply",
                "values are text, lists of text (`[a, b]`) or, under `approvals` and `history`, lists of `key: value` entries",
            )
        } else if aliases.iter().any(|a| message.contains(a)) {
            (
                "the front matter repeats anchors and aliases (`&name`, `*name`) too much",
                "write the values out; front matter needs no YAML anchors",
            )
        } else {
            (
                "the front matter has too many values",
                "front matter holds short values; put long text and lists in the body, after the closing `---`",
            )
        };
        return ("fm-limit", format!("{what} ({message})"), help.into());
    }
    if message.starts_with("invalid boolean") {
        return (
            "fm-type",
            "wrong type: expected `true` or `false`".into(),
            "write `draft: true` or `draft: false`".into(),
        );
    }
    if message.contains("tab") {
        return ("fm-yaml", format!("invalid YAML: {message}"), "indent YAML with spaces; tabs are not allowed".into());
    }
    if message.starts_with("expected ") || message.starts_with("invalid type") {
        return (
            "fm-type",
            format!("wrong type: {message}"),
            "lists are written `[a, b]` or as `- a` lines; text as `key: text`".into(),
        );
    }
    ("fm-yaml", format!("invalid YAML: {message}"), "check quotes, colons and indentation".into())
}

struct Checker<'a> {
    text: &'a str,
    /// The YAML alone, which serde-saphyr's byte spans index.
    yaml: &'a str,
    file: &'a Path,
    diags: Vec<Diagnostic>,
    shift: usize,
}

impl Checker<'_> {
    fn pos(&self, s: &S) -> Pos {
        Pos { line: s.referenced.line() as usize + self.shift, col: s.referenced.column() as usize }
    }

    fn error(&mut self, code: &'static str, s: &S, message: String, help: String) {
        let width = s.value.chars().count();
        let d = Diagnostic::error(code, self.file, message).at(self.text, self.pos(s), width).help(help);
        self.diags.push(d);
    }

    /// A text value. An unquoted `true` or `false` is a yes/no value, not
    /// text: almost always a mistake (`owner: false`), so it is an error.
    /// (`yes`, `no`, `on` and `off` are plain words in YAML 1.2 and stay text.)
    fn text(&mut self, key: &str, s: S) -> String {
        self.text_at(key, s, false)
    }

    /// [`Self::text`] for a value that is an item of the list `key` when `item`.
    fn text_at(&mut self, key: &str, s: S, item: bool) -> String {
        let span = s.defined.span();
        let raw = match (span.byte_offset(), span.byte_len()) {
            (Some(at), Some(len)) => usize::try_from(at)
                .ok()
                .zip(usize::try_from(len).ok())
                .and_then(|(at, len)| self.yaml.get(at..at.checked_add(len)?)),
            _ => None,
        };
        if matches!(raw, Some("true" | "True" | "TRUE" | "false" | "False" | "FALSE")) {
            self.error(
                "fm-type",
                &s,
                if item {
                    format!("wrong type: `{}` in `{key}` is a yes/no value, but `{key}` lists text", s.value)
                } else {
                    format!("wrong type: `{key}: {}` is a yes/no value, but `{key}` is text", s.value)
                },
                if item {
                    format!("write the text, or put it in quotes if you mean the word: `\"{}\"`", s.value)
                } else {
                    format!("write the text, or put it in quotes if you mean the word: `{key}: \"{}\"`", s.value)
                },
            );
        }
        s.value
    }

    fn texts(&mut self, key: &str, list: Vec<S>) -> Vec<String> {
        list.into_iter().map(|s| self.text_at(key, s, true)).collect()
    }

    fn opt_text(&mut self, key: &str, s: Option<S>) -> String {
        s.map(|s| self.text(key, s)).unwrap_or_default()
    }

    fn date(&mut self, key: &str, s: Option<&S>) -> Option<Date> {
        let s = s?;
        match Date::parse(s.value.trim()) {
            Ok(d) => Some(d),
            Err(kind) => {
                let why = match kind {
                    DateError::Format => "is not a date",
                    DateError::NoSuchDay => "is not a real calendar day",
                };
                self.error(
                    "fm-date",
                    s,
                    format!("`{key}: {}` {why}", s.value),
                    "write dates as YYYY-MM-DD, e.g. 2019-01-24".into(),
                );
                None
            }
        }
    }

    fn reference(&mut self, s: &S) -> Ref {
        Ref { id: s.value.trim().to_string(), pos: self.pos(s) }
    }

    fn check(&mut self, mut raw: Raw) -> Parsed {
        let title = match &raw.title {
            Some(t) if !t.value.trim().is_empty() => self.text("title", t.clone()).trim().to_string(),
            Some(t) => {
                self.error("fm-missing-key", t, "`title` is empty".into(), "give the document a title".into());
                String::new()
            }
            None => {
                self.diags.push(missing_title(self.text, self.file));
                String::new()
            }
        };
        let kind = raw.kind.as_ref().and_then(|k| {
            let found = Kind::parse(k.value.trim());
            if found.is_none() {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
                let help = enum_help(&k.value, &names);
                self.error("fm-enum", k, format!("unknown kind `{}`", k.value), help);
            }
            found
        });
        let status = raw.status.as_ref().and_then(|s| {
            let found = Status::parse(s.value.trim());
            if found.is_none() {
                let names: Vec<&str> = Status::ALL.iter().map(|k| k.name()).collect();
                let help = enum_help(&s.value, &names);
                self.error("fm-enum", s, format!("unknown status `{}`", s.value), help);
            }
            found
        });
        let effective = self.date("effective", raw.effective.as_ref());
        let expires = self.date("expires", raw.expires.as_ref());
        let review_by = self.date("review_by", raw.review_by.as_ref());
        if let (Some(from), Some(to), Some(s)) = (effective, expires, raw.expires.as_ref())
            && to < from
        {
            self.error(
                "fm-date-order",
                s,
                format!("`expires: {to}` is before `effective: {from}`"),
                "a document cannot expire before it comes into force".into(),
            );
        }
        let approvals = std::mem::take(&mut raw.approvals)
            .into_iter()
            .map(|a| Approval {
                date: self.date("date", a.date.as_ref()),
                body: self.text("body", a.body),
                note: self.opt_text("note", a.note),
            })
            .collect();
        let history = std::mem::take(&mut raw.history)
            .into_iter()
            .map(|h| HistoryEntry {
                date: self.date("date", h.date.as_ref()),
                version: self.text("version", h.version),
                change_note: self.opt_text("change_note", h.change_note),
                approved_by: self.opt_text("approved_by", h.approved_by),
            })
            .collect();
        let id = raw.id.take().map(|s| {
            let pos = self.pos(&s);
            (self.text("id", s).trim().to_string(), pos)
        });
        let fm = FrontMatter {
            title,
            summary: self.opt_text("summary", raw.summary.take()).trim().to_string(),
            tags: self.texts("tags", std::mem::take(&mut raw.tags)),
            aliases: self.texts("aliases", std::mem::take(&mut raw.aliases)),
            version: self.opt_text("version", raw.version.take()).trim().to_string(),
            status,
            effective,
            expires,
            review_by,
            owner: self.opt_text("owner", raw.owner.take()),
            approvals,
            change_note: self.opt_text("change_note", raw.change_note.take()),
            parties: self.texts("parties", std::mem::take(&mut raw.parties)),
            region: self.opt_text("region", raw.region.take()),
            period: self.opt_text("period", raw.period.take()),
            sectors: self.texts("sectors", std::mem::take(&mut raw.sectors)),
            audience: self.texts("audience", std::mem::take(&mut raw.audience)),
            parent: raw.parent.as_ref().map(|s| self.reference(s)),
            related: raw.related.iter().map(|s| self.reference(s)).collect(),
            supersedes: raw.supersedes.as_ref().map(|s| self.reference(s)),
            programme: raw.programme.as_ref().map(|s| self.reference(s)),
            draft: raw.draft,
            history,
        };
        Parsed { fm, kind, id }
    }
}

fn enum_help(value: &str, names: &[&str]) -> String {
    match did_you_mean(value.trim(), names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? Expected one of: {}", names.join(", ")),
        None => format!("expected one of: {}", names.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        let file = Path::new("content/a.md");
        let result = split(text, file).map_err(|d| vec![d]).and_then(|s| parse(text, &s, file));
        match result {
            Ok(_) => vec![],
            Err(ds) => ds.iter().map(|d| format!("{} {} {}", d.code, d.location(), d.message)).collect(),
        }
    }

    #[test]
    fn splits_body_and_counts_lines() {
        let text = "---\ntitle: A\n---\nBody\n";
        let s = split(text, Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(&text[s.body_start..], "Body\n");
        assert_eq!(s.body_pos, Pos { line: 4, col: 1 });
    }

    #[test]
    fn reports_each_problem_at_its_file_position() {
        assert_eq!(errors("---\ntitle: A\ntittle: B\n---\n"), ["fm-unknown-key content/a.md:3:1 unknown key `tittle`"]);
        assert_eq!(
            errors("---\ntitle: A\ntitle: B\n---\n"),
            ["fm-duplicate-key content/a.md:3:1 the key `title` is given twice"]
        );
        assert_eq!(
            errors("no front matter\n"),
            ["fm-missing content/a.md:1:1 no front matter: the first line is not `---`"]
        );
        assert_eq!(errors(""), ["fm-missing content/a.md:1:1 no front matter: the file is empty"]);
        assert_eq!(errors("---\ntitle: A\n"), ["fm-unclosed content/a.md:1:1 the front matter is never closed"]);
        assert_eq!(
            errors("---\ntitle: A\neffective: 2023-02-30\n---\n"),
            ["fm-date content/a.md:3:12 `effective: 2023-02-30` is not a real calendar day"]
        );
        assert_eq!(
            errors("---\ntitle: A\neffective: 2023-02-01\nexpires: 2022-01-01\n---\n"),
            ["fm-date-order content/a.md:4:10 `expires: 2022-01-01` is before `effective: 2023-02-01`"]
        );
        assert_eq!(
            errors("---\ntitle: A\nstatus: inforce\n---\n"),
            ["fm-enum content/a.md:3:9 unknown status `inforce`"]
        );
        assert_eq!(
            errors("---\ntitle: A\ntags: foo\n---\n"),
            ["fm-type content/a.md:3:7 wrong type: expected sequence start"]
        );
        assert_eq!(
            errors("---\nsummary: x\n---\n"),
            ["fm-missing-key content/a.md:2:1 the front matter has no `title`"]
        );
    }

    #[test]
    fn collects_several_errors_of_one_file() {
        let e = errors("---\ntitle: A\nstatus: nope\neffective: 2020-13-01\nexpires: x\n---\n");
        assert_eq!(e.len(), 3, "{e:?}");
    }

    #[test]
    fn accepts_unquoted_versions_and_dates() {
        assert!(errors("---\ntitle: A\nversion: 2.0\neffective: 2016-12-01\n---\n").is_empty());
    }

    #[test]
    fn survives_alias_bombs() {
        let mut y = String::from("---\ntitle: A\ntags: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            y.push_str(&format!("k{i}: &b{i} [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"));
        }
        y.push_str("---\n");
        assert!(!errors(&y).is_empty());
    }
}
