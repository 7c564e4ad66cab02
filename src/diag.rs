//! Diagnostics: every problem the build finds, with file, line:column, the
//! offending source line and what was expected.
//!
//! Problems are collected, never thrown: loading and rendering go on after
//! an error so that one run reports every error of every file.

use serde::Serialize;
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// How bad a problem is. Errors stop the build from writing anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    /// The position of byte `offset` in `text`, where `text` starts at `base`.
    pub fn at(text: &str, offset: usize, base: Pos) -> Pos {
        let offset = offset.min(text.len());
        let before = &text[..floor_char_boundary(text, offset)];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let lines = before.matches('\n').count();
        let chars = before[line_start..].chars().count();
        if lines == 0 {
            Pos { line: base.line, col: base.col + chars }
        } else {
            Pos { line: base.line + lines, col: 1 + chars }
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable code, e.g. `fm-unknown-key`.
    pub code: &'static str,
    /// Path as the user should see it (relative to the site root).
    pub file: PathBuf,
    pub pos: Option<Pos>,
    pub message: String,
    /// What was expected, or how to fix it.
    pub help: Option<String>,
    /// The source line at `pos`, for the caret display.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters the caret underlines.
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: file.to_path_buf(),
            pos: None,
            message: message.into(),
            help: None,
            source_line: None,
            width: 1,
        }
    }

    pub fn warning(code: &'static str, file: &Path, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Self::error(code, file, message) }
    }

    /// Point at `pos` in `source` (the whole file text), underlining `width` characters.
    pub fn at(mut self, source: &str, pos: Pos, width: usize) -> Self {
        self.source_line = source.lines().nth(pos.line.saturating_sub(1)).map(str::to_owned);
        self.pos = Some(pos);
        self.width = width.max(1);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col` (or just the path when the position is unknown).
    pub fn location(&self) -> String {
        match self.pos {
            Some(p) => format!("{}:{}:{}", self.file.display(), p.line, p.col),
            None => self.file.display().to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// Render as
    /// ```text
    /// error[fm-unknown-key]: unknown key `tittle`
    ///   --> content/a.md:2:1
    ///    |
    ///  2 | tittle: Foo
    ///    | ^^^^^^
    ///    = help: did you mean `title`?
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{level}[{}]: {}", self.code, self.message)?;
        let mut out = String::new();
        let (gutter, shown) = match (self.pos, &self.source_line) {
            (Some(p), Some(line)) => {
                let n = p.line.to_string();
                (n.len(), Some((n, p, line)))
            }
            _ => (1, None),
        };
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {}", self.location());
        if let Some((n, p, line)) = shown {
            let (line, col) = window(&line.replace('\t', " "), p.col);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{n} | {line}");
            let lead = " ".repeat(col.saturating_sub(1));
            let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(self.width.min(WINDOW)));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} = help: {help}");
        }
        f.write_str(out.trim_end_matches('\n'))
    }
}

/// Longest stretch of a source line shown under a diagnostic.
const WINDOW: usize = 100;

/// Cut a long line to about [`WINDOW`] characters around `col`; returns the
/// shown text and the column of the caret within it.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= WINDOW {
        return (line.to_string(), col);
    }
    let start = col.saturating_sub(WINDOW / 2).min(chars.len().saturating_sub(WINDOW));
    let end = (start + WINDOW).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut caret = col - start;
    if start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

/// The closest candidate to `word`, if one is close enough to suggest.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        // On a tie the first in sorted order, so that the answer does not
        // depend on the candidates' order (they often come from a HashMap).
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// Sort diagnostics by file and position so output is deterministic.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (&a.file, a.pos, a.code, &a.message).cmp(&(&b.file, b.pos, b.code, &b.message)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_with_caret_under_the_column() {
        let src = "---\ntittle: Foo\n---\n";
        let d = Diagnostic::error("fm-unknown-key", Path::new("content/a.md"), "unknown key `tittle`")
            .at(src, Pos { line: 2, col: 1 }, 6)
            .help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "error[fm-unknown-key]: unknown key `tittle`\n --> content/a.md:2:1\n  |\n2 | tittle: Foo\n  | ^^^^^^\n  = help: did you mean `title`?"
        );
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "første\nlinje æøå x";
        let off = text.find('x').unwrap();
        assert_eq!(Pos::at(text, off, Pos { line: 5, col: 1 }), Pos { line: 6, col: 11 });
        assert_eq!(Pos::at(text, 3, Pos { line: 5, col: 3 }), Pos { line: 5, col: 5 });
    }

    #[test]
    fn long_lines_are_cut_around_the_caret() {
        let line = format!("{}X{}", "a".repeat(300), "b".repeat(300));
        let (shown, col) = window(&line, 301);
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(col - 1), Some('X'));
        assert_eq!(window("short", 3), ("short".to_string(), 3));
    }

    #[test]
    fn suggests_close_words_only() {
        let keys = ["title", "summary", "status"];
        assert_eq!(did_you_mean("tittle", keys), Some("title"));
        assert_eq!(did_you_mean("xyz", keys), None);
        for order in [["omdoebt-2.md", "omdoebt-0.md"], ["omdoebt-0.md", "omdoebt-2.md"]] {
            assert_eq!(did_you_mean("omdoebt.md", order), Some("omdoebt-0.md"), "ties do not depend on order");
        }
    }
}
