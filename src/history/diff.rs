//! Word-level differences between two versions, section by section.
//!
//! Sections are matched by heading id, then by title, then by position when
//! their texts are still alike (a renamed heading). Unchanged sections are
//! reported as such so pages can collapse them.

use crate::markdown::Section;
use similar::{ChangeTag, TextDiff};

/// How a section fared between two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Unchanged,
    Changed,
    Added,
    Removed,
}

/// One section of a diff page.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SectionDiff {
    pub change: Change,
    pub title: String,
    /// The old title when the heading was renamed.
    pub old_title: Option<String>,
    /// Marked-up text: escaped, with `<ins>`/`<del>` around changes.
    pub html: String,
}

/// Words for screen readers, announced before inserted and deleted text.
pub struct Labels<'a> {
    pub inserted: &'a str,
    pub deleted: &'a str,
}

/// Escape text; line breaks (between paragraphs, list items, table cells) stay visible.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>\n"),
            c => out.push(c),
        }
    }
    out
}

/// `<ins>`/`<del>` markup of the word changes from `old` to `new`. A run
/// of changed words separated only by spaces reads as one deletion followed
/// by one insertion, not as alternating single words.
pub fn words(old: &str, new: &str, labels: &Labels<'_>) -> String {
    let diff = TextDiff::from_words(old, new);
    let mut out = String::new();
    let (mut del, mut ins, mut gap) = (String::new(), String::new(), String::new());
    let flush = |out: &mut String, del: &mut String, ins: &mut String, gap: &mut String| {
        if !del.is_empty() {
            out.push_str(&format!(
                "<del><span class=\"visually-hidden\">{}</span>{}</del>",
                escape(labels.deleted),
                escape(del)
            ));
        }
        if !ins.is_empty() {
            out.push_str(&format!(
                "<ins><span class=\"visually-hidden\">{}</span>{}</ins>",
                escape(labels.inserted),
                escape(ins)
            ));
        }
        out.push_str(&escape(gap));
        del.clear();
        ins.clear();
        gap.clear();
    };
    for change in diff.iter_all_changes() {
        let value = change.value();
        let in_change = !del.is_empty() || !ins.is_empty();
        match change.tag() {
            ChangeTag::Equal if in_change && value.trim().is_empty() => gap.push_str(value),
            ChangeTag::Equal => {
                flush(&mut out, &mut del, &mut ins, &mut gap);
                out.push_str(&escape(value));
            }
            tag => {
                for buf in [&mut del, &mut ins] {
                    if !buf.is_empty() {
                        buf.push_str(&gap);
                    }
                }
                gap.clear();
                if tag == ChangeTag::Delete { del.push_str(value) } else { ins.push_str(value) }
            }
        }
    }
    flush(&mut out, &mut del, &mut ins, &mut gap);
    out
}

fn similar_enough(a: &str, b: &str) -> bool {
    TextDiff::from_words(a, b).ratio() >= 0.5
}

/// Compare the sections of two versions.
pub fn sections(old: &[Section], new: &[Section], labels: &Labels<'_>) -> Vec<SectionDiff> {
    let mut used = vec![false; old.len()];
    let mut matches: Vec<Option<usize>> = Vec::with_capacity(new.len());
    for n in new {
        let m = old
            .iter()
            .enumerate()
            .find(|(i, o)| !used[*i] && o.id.is_some() && o.id == n.id)
            .or_else(|| old.iter().enumerate().find(|(i, o)| !used[*i] && o.title == n.title));
        if let Some((i, _)) = m {
            used[i] = true;
        }
        matches.push(m.map(|(i, _)| i));
    }
    // Headings renamed: pair what is left by position when the texts are alike.
    for (j, n) in new.iter().enumerate() {
        if matches[j].is_some() {
            continue;
        }
        if let Some(i) = (0..old.len()).find(|&i| !used[i] && similar_enough(&old[i].text, &n.text)) {
            used[i] = true;
            matches[j] = Some(i);
        }
    }
    let mut out = Vec::new();
    for (j, n) in new.iter().enumerate() {
        out.push(match matches[j] {
            Some(i) => {
                let o = &old[i];
                let renamed = (o.title != n.title).then(|| o.title.clone());
                let change = if o.text == n.text && renamed.is_none() { Change::Unchanged } else { Change::Changed };
                SectionDiff {
                    change,
                    title: n.title.clone(),
                    old_title: renamed,
                    html: words(&o.text, &n.text, labels),
                }
            }
            None => SectionDiff {
                change: Change::Added,
                title: n.title.clone(),
                old_title: None,
                html: words("", &n.text, labels),
            },
        });
    }
    for (i, o) in old.iter().enumerate().filter(|(i, _)| !used[*i]) {
        let _ = i;
        out.push(SectionDiff {
            change: Change::Removed,
            title: o.title.clone(),
            old_title: None,
            html: words(&o.text, "", labels),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Labels<'static> = Labels { inserted: "indsat: ", deleted: "slettet: " };

    fn sec(id: &str, title: &str, text: &str) -> Section {
        Section { id: (!id.is_empty()).then(|| id.to_string()), title: title.into(), text: text.into() }
    }

    #[test]
    fn marks_inserted_and_deleted_words_for_eyes_and_ears() {
        let html = words("svar inden for max 3 hverdage", "svar senest kl. 10 næste hverdag", &L);
        assert!(html.starts_with("svar "), "{html}");
        assert!(
            html.contains("<del><span class=\"visually-hidden\">slettet: </span>inden for max 3 hverdage</del>"),
            "{html}"
        );
        assert!(
            html.contains("<ins><span class=\"visually-hidden\">indsat: </span>senest kl. 10 næste hverdag</ins>"),
            "{html}"
        );
        assert_eq!(words("a <b>", "a <b>", &L), "a &lt;b&gt;");
    }

    #[test]
    fn matches_sections_by_id_title_and_likeness() {
        let old = [
            sec("", "", "Indledning."),
            sec("svartid", "Svartid", "Svar inden for 3 hverdage."),
            sec("ansvar", "Ansvar", "Kommunen har ansvaret for pleje og hjemmehjælp efter udskrivelse."),
            sec("gammelt", "Gammelt", "Helt andet indhold om noget."),
        ];
        let new = [
            sec("", "", "Indledning."),
            sec("svartid", "Svartid", "Svar senest kl. 10 næste hverdag."),
            sec(
                "ansvarsfordeling",
                "Ansvarsfordeling",
                "Kommunen har ansvaret for pleje og hjemmehjælp efter udskrivelse.",
            ),
            sec("nyt", "Nyt", "Et nyt afsnit."),
        ];
        let d = sections(&old, &new, &L);
        let got: Vec<(Change, &str, Option<&str>)> =
            d.iter().map(|s| (s.change, s.title.as_str(), s.old_title.as_deref())).collect();
        assert_eq!(
            got,
            [
                (Change::Unchanged, "", None),
                (Change::Changed, "Svartid", None),
                (Change::Changed, "Ansvarsfordeling", Some("Ansvar")),
                (Change::Added, "Nyt", None),
                (Change::Removed, "Gammelt", None),
            ]
        );
    }
}
