//! Slugs for ids, URLs and heading anchors that keep Danish readable.
//!
//! `æ→ae`, `ø→oe`, `å→aa`; other letters lose their accents (after NFKD
//! decomposition); every run of anything else becomes one `-`.

use unicode_normalization::UnicodeNormalization;

/// Turn `text` into a lowercase ASCII slug: `"Udskrivelse & opfølgning"` →
/// `"udskrivelse-opfoelgning"`. Returns an empty string when nothing is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    if text.is_ascii() {
        // Most headings and names: no normalisation or decomposition needed.
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push(b.to_ascii_lowercase() as char);
            } else {
                pending_dash = true;
            }
        }
        return out;
    }
    for c in text.nfc().flat_map(char::to_lowercase) {
        if c.is_ascii() && !c.is_ascii_alphanumeric() {
            pending_dash = true;
            continue;
        }
        let mapped: Option<&str> = match c {
            'æ' => Some("ae"),
            'ø' => Some("oe"),
            'å' => Some("aa"),
            'ß' => Some("ss"),
            _ => None,
        };
        let mut push = |s: &str, out: &mut String| {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push_str(s);
        };
        if let Some(m) = mapped {
            push(m, &mut out);
            continue;
        }
        let mut any = false;
        for d in c.to_string().nfkd() {
            if d.is_ascii_alphanumeric() {
                push(d.to_ascii_lowercase().encode_utf8(&mut [0; 4]), &mut out);
                any = true;
            } else if unicode_normalization::char::is_combining_mark(d) {
                any = true;
            }
        }
        if !any {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn keeps_danish_readable() {
        assert_eq!(slugify("Udskrivelse og opfølgning"), "udskrivelse-og-opfoelgning");
        assert_eq!(slugify("Ærø Å-løb"), "aeroe-aa-loeb");
        assert_eq!(slugify("4.2 Kommunikation (XREF15)"), "4-2-kommunikation-xref15");
        assert_eq!(slugify("Café  --  § 140"), "cafe-140");
    }

    #[test]
    fn trims_and_collapses_separators() {
        assert_eq!(slugify("  --Hello, World!-- "), "hello-world");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn is_idempotent_and_normalisation_stable() {
        for s in ["Sundhedsaftalen 2019–2023", "å", "a\u{30a}", "SAM:BO", "Ørsted ÆØÅ"] {
            let once = slugify(s);
            assert_eq!(slugify(&once), once, "{s}");
        }
        // Decomposed and composed å give the same slug.
        assert_eq!(slugify("a\u{30a}"), slugify("å"));
    }

    /// The rule as first written, one character at a time, without the
    /// fast paths; the fast paths must give the same slugs.
    fn by_the_rule(text: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        let mut out = String::new();
        let mut pending_dash = false;
        for c in text.nfc().flat_map(char::to_lowercase) {
            let mapped = match c {
                'æ' => Some("ae"),
                'ø' => Some("oe"),
                'å' => Some("aa"),
                'ß' => Some("ss"),
                _ => None,
            };
            let pieces: Vec<String> = match mapped {
                Some(m) => vec![m.to_string()],
                None => c
                    .to_string()
                    .nfkd()
                    .filter(|d| d.is_ascii_alphanumeric() || unicode_normalization::char::is_combining_mark(*d))
                    .map(|d| if d.is_ascii_alphanumeric() { d.to_ascii_lowercase().to_string() } else { String::new() })
                    .collect(),
            };
            if pieces.is_empty() {
                pending_dash = true;
                continue;
            }
            for p in pieces.iter().filter(|p| !p.is_empty()) {
                if pending_dash && !out.is_empty() {
                    out.push('-');
                }
                pending_dash = false;
                out.push_str(p);
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn fast_paths_give_the_slugs_of_the_rule(text in "[a-zA-Z0-9 .,:§()\\-–æøåÆØÅéüß\u{30a}\u{301}ﬁ①]{0,24}") {
            proptest::prop_assert_eq!(slugify(&text), by_the_rule(&text));
        }
    }
}
