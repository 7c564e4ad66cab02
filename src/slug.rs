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
    for c in text.nfc().flat_map(char::to_lowercase) {
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
}
