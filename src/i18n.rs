//! UI strings of the default theme, one table per language.
//!
//! Templates read these as the map `t` (`{{ t.toc }}`); the Rust code reads the
//! kind and status labels (`kind_*`, `kind_*_plural`, `status_*`) and the titles
//! of generated pages (`home`, `tags`, `tag_title_prefix`, `organisations`,
//! `organisation_title_prefix`, `not_found_title`).
//! Both tables have exactly the same keys, in the same order; a test checks
//! that, and that every `t.<key>` used in `layouts/*.html` exists.

/// Languages the UI is translated into.
pub const LANGUAGES: &[&str] = &["da", "en"];

/// The UI strings for `lang`, or `None` if that language has no table.
pub fn ui_strings(lang: &str) -> Option<&'static [(&'static str, &'static str)]> {
    match lang {
        "da" => Some(DA),
        "en" => Some(EN),
        _ => None,
    }
}

const DA: &[(&str, &str)] = &[
    // Document kinds (used by Rust for labels and listing titles).
    ("kind_agreement", "Samarbejdsaftale"),
    ("kind_programme", "Forløbsprogram"),
    ("kind_communication_package", "Kommunikationspakke"),
    ("kind_checklist", "Tjekliste"),
    ("kind_guidance", "Vejledning"),
    ("kind_page", "Side"),
    ("kind_agreement_plural", "Samarbejdsaftaler"),
    ("kind_programme_plural", "Forløbsprogrammer"),
    ("kind_communication_package_plural", "Kommunikationspakker"),
    ("kind_checklist_plural", "Tjeklister"),
    ("kind_guidance_plural", "Vejledninger"),
    ("kind_page_plural", "Sider"),
    // Statuses (used by Rust for `status_label`).
    ("status_draft", "Udkast"),
    ("status_consultation", "I høring"),
    ("status_approved", "Godkendt"),
    ("status_in_force", "Gældende"),
    ("status_superseded", "Erstattet"),
    ("status_withdrawn", "Tilbagetrukket"),
    // Titles of generated pages (used by Rust).
    ("home", "Forside"),
    ("tags", "Emner"),
    ("tag_title_prefix", "Emne:"),
    ("organisations", "Organisationer"),
    ("organisation_title_prefix", "Organisation:"),
    ("not_found_title", "Siden blev ikke fundet"),
    // Page frame.
    ("skip_to_content", "Gå til indhold"),
    ("main_menu", "Hovedmenu"),
    ("footer_menu", "Genveje"),
    ("breadcrumbs", "Brødkrummesti"),
    ("search", "Søg"),
    ("accessibility_statement", "Tilgængelighedserklæring"),
    ("made_with_pactum", "Lavet med pactum"),
    // Document page.
    ("about_document", "Om dokumentet"),
    ("title", "Titel"),
    ("kind", "Dokumenttype"),
    ("version", "Version"),
    ("state_current", "Gældende"),
    ("state_upcoming", "Kommende"),
    ("state_historic", "Historisk"),
    ("state_withdrawn", "Tilbagetrukket"),
    ("state_draft", "Udkast"),
    ("state_consultation", "I høring"),
    ("history", "Versionshistorik"),
    ("history_of", "Versionshistorik for"),
    ("historic_version", "Historisk version"),
    ("current_version_is", "gældende version er"),
    ("last_changed", "Sidst ændret"),
    ("version_date", "Dato"),
    ("approved_by", "Godkendt af"),
    ("version_text", "Tekst"),
    ("version_changes", "Ændringer"),
    ("changes_in_version", "Ændringer i version"),
    ("compared_with", "sammenlignet med version"),
    ("inserted", "indsat: "),
    ("deleted", "slettet: "),
    ("section_unchanged", "Uændret"),
    ("section_added", "Nyt afsnit"),
    ("section_removed", "Afsnit fjernet"),
    ("heading_was", "Tidligere overskrift:"),
    ("intro_section", "Indledning"),
    ("no_history", "Der er ingen tidligere versioner."),
    ("this_version", "denne version"),
    ("feed_title", "Nyt og ændret"),
    ("status", "Status"),
    ("in_force_from", "Gældende fra"),
    ("expires", "Udløber"),
    ("next_review", "Næste revision"),
    ("owner", "Ansvarlig"),
    ("region", "Region"),
    ("period", "Periode"),
    ("parties", "Parter"),
    ("sectors", "Sektorer"),
    ("audience", "Målgruppe"),
    ("aliases", "Også kendt som"),
    ("approvals", "Godkendelser"),
    ("change_note", "Nyt i denne version"),
    ("toc", "Indhold"),
    ("relations", "Sammenhæng med andre dokumenter"),
    ("appendix_to", "Bilag til"),
    ("appendices", "Bilag og underaftaler"),
    ("part_of_programme", "Hører til forløbsprogrammet"),
    ("programme_members", "Kommunikationspakker og tjeklister"),
    ("related", "Relaterede dokumenter"),
    ("referenced_by", "Henvist fra"),
    ("in_section", "i afsnittet"),
    ("supersedes", "Erstatter"),
    ("superseded_by", "Erstattet af"),
    ("notice_superseded", "Dette dokument er erstattet og gælder ikke længere."),
    ("notice_withdrawn", "Dette dokument er trukket tilbage og gælder ikke længere."),
    ("notice_see_current", "Brug i stedet:"),
    ("notice_draft", "Dette er et udkast. Det gælder ikke endnu."),
    ("notice_consultation", "Dokumentet er i høring. Det gælder ikke endnu."),
    ("notice_approved", "Dokumentet er godkendt, men er endnu ikke trådt i kraft."),
    ("printed_from", "Udskrevet fra"),
    // Checklists.
    ("print", "Udskriv"),
    ("reset_checklist", "Fjern alle afkrydsninger"),
    ("reset_confirm", "Vil du fjerne alle afkrydsninger på denne tjekliste?"),
    ("checklist_note", "Dine afkrydsninger gemmes kun i denne browser."),
    // Listings, tags and the front page.
    ("no_documents", "Der er ingen dokumenter her endnu."),
    ("no_tags", "Der er ingen emner endnu."),
    ("all_tags", "Alle emner"),
    ("no_organisations", "Ingen dokumenter har endnu en ansvarlig, region eller parter."),
    ("all_organisations", "Alle organisationer"),
    ("organisations_intro", "Regioner, kommuner, praksis og udvalg, der ejer eller har indgået et dokument."),
    ("document_one", "dokument"),
    ("document_other", "dokumenter"),
    ("browse_by_kind", "Dokumenter efter type"),
    ("recently_in_force", "Senest trådt i kraft"),
    // 404.
    (
        "not_found_text",
        "Siden findes ikke. Den kan være flyttet eller fjernet, eller adressen kan være skrevet forkert.",
    ),
    ("not_found_home", "Gå til forsiden"),
    ("not_found_browse", "Find dokumentet under"),
    // Search (the `search_*` keys are also handed to the search scripts).
    ("search_label", "Søg i aftaler og vejledninger"),
    ("search_button", "Søg"),
    ("search_hint", "Søg på titel, forkortelse, nummer eller ord i teksten, fx »henvisning psykiatri« eller »§ 140«."),
    ("search_nojs", "Søgningen bruger JavaScript, som ikke kører her. Find dokumentet i listerne nedenfor."),
    ("search_az", "Alle dokumenter fra A til Å"),
    ("search_letters", "Dokumenter efter forbogstav"),
    ("az_title", "Dokumenter, der begynder med"),
    ("search_suggestions", "Forslag"),
    ("search_all_results", "Søg i al tekst efter"),
    ("search_loading", "Søger …"),
    ("search_error", "Søgningen kunne ikke indlæses. Brug listerne nedenfor."),
    ("search_count_one", "{n} dokument fundet."),
    ("search_count_other", "{n} dokumenter fundet."),
    ("search_none", "Ingen dokumenter indeholder det, du søgte efter."),
    ("search_some_words", "Ingen dokumenter indeholder alle ordene. Her er dem, der indeholder nogle af dem."),
    ("search_hidden_one", "{n} erstattet eller tilbagetrukket dokument er skjult."),
    ("search_hidden_other", "{n} erstattede eller tilbagetrukne dokumenter er skjult."),
    ("search_show_hidden", "Vis også erstattede og tilbagetrukne dokumenter"),
    ("search_filters", "Afgræns resultaterne"),
    ("search_facet_kind", "Dokumenttype"),
    ("search_facet_status", "Status"),
    ("search_facet_region", "Region"),
    ("search_facet_owner", "Ansvarlig"),
    ("search_facet_tag", "Emne"),
    ("search_clear", "Fjern afgrænsning"),
    ("search_more", "Vis flere resultater"),
    ("search_version", "version"),
    ("search_more_sections", "og {n} afsnit mere"),
];

const EN: &[(&str, &str)] = &[
    ("kind_agreement", "Collaboration agreement"),
    ("kind_programme", "Care pathway programme"),
    ("kind_communication_package", "Communication package"),
    ("kind_checklist", "Checklist"),
    ("kind_guidance", "Guidance"),
    ("kind_page", "Page"),
    ("kind_agreement_plural", "Collaboration agreements"),
    ("kind_programme_plural", "Care pathway programmes"),
    ("kind_communication_package_plural", "Communication packages"),
    ("kind_checklist_plural", "Checklists"),
    ("kind_guidance_plural", "Guidance documents"),
    ("kind_page_plural", "Pages"),
    ("status_draft", "Draft"),
    ("status_consultation", "In consultation"),
    ("status_approved", "Approved"),
    ("status_in_force", "In force"),
    ("status_superseded", "Superseded"),
    ("status_withdrawn", "Withdrawn"),
    ("home", "Home"),
    ("tags", "Topics"),
    ("tag_title_prefix", "Topic:"),
    ("organisations", "Organisations"),
    ("organisation_title_prefix", "Organisation:"),
    ("not_found_title", "Page not found"),
    ("skip_to_content", "Skip to content"),
    ("main_menu", "Main menu"),
    ("footer_menu", "Shortcuts"),
    ("breadcrumbs", "Breadcrumb"),
    ("search", "Search"),
    ("accessibility_statement", "Accessibility statement"),
    ("made_with_pactum", "Made with pactum"),
    ("about_document", "About this document"),
    ("title", "Title"),
    ("kind", "Document type"),
    ("version", "Version"),
    ("state_current", "In force"),
    ("state_upcoming", "Upcoming"),
    ("state_historic", "Historic"),
    ("state_withdrawn", "Withdrawn"),
    ("state_draft", "Draft"),
    ("state_consultation", "In consultation"),
    ("history", "Version history"),
    ("history_of", "Version history of"),
    ("historic_version", "Historic version"),
    ("current_version_is", "the version in force is"),
    ("last_changed", "Last changed"),
    ("version_date", "Date"),
    ("approved_by", "Approved by"),
    ("version_text", "Text"),
    ("version_changes", "Changes"),
    ("changes_in_version", "Changes in version"),
    ("compared_with", "compared with version"),
    ("inserted", "inserted: "),
    ("deleted", "deleted: "),
    ("section_unchanged", "Unchanged"),
    ("section_added", "New section"),
    ("section_removed", "Section removed"),
    ("heading_was", "Previous heading:"),
    ("intro_section", "Introduction"),
    ("no_history", "There are no earlier versions."),
    ("this_version", "this version"),
    ("feed_title", "New and changed"),
    ("status", "Status"),
    ("in_force_from", "In force from"),
    ("expires", "Expires"),
    ("next_review", "Next review"),
    ("owner", "Responsible"),
    ("region", "Region"),
    ("period", "Period"),
    ("parties", "Parties"),
    ("sectors", "Sectors"),
    ("audience", "Audience"),
    ("aliases", "Also known as"),
    ("approvals", "Approvals"),
    ("change_note", "New in this version"),
    ("toc", "Contents"),
    ("relations", "Connections to other documents"),
    ("appendix_to", "Appendix to"),
    ("appendices", "Appendices and sub-agreements"),
    ("part_of_programme", "Part of the programme"),
    ("programme_members", "Communication packages and checklists"),
    ("related", "Related documents"),
    ("referenced_by", "Referenced from"),
    ("in_section", "in section"),
    ("supersedes", "Replaces"),
    ("superseded_by", "Superseded by"),
    ("notice_superseded", "This document has been superseded and is no longer in force."),
    ("notice_withdrawn", "This document has been withdrawn and is no longer in force."),
    ("notice_see_current", "Use instead:"),
    ("notice_draft", "This is a draft. It is not in force yet."),
    ("notice_consultation", "This document is out for consultation. It is not in force yet."),
    ("notice_approved", "This document is approved but not yet in force."),
    ("printed_from", "Printed from"),
    ("print", "Print"),
    ("reset_checklist", "Clear all ticks"),
    ("reset_confirm", "Clear all ticks on this checklist?"),
    ("checklist_note", "Your ticks are saved in this browser only."),
    ("no_documents", "There are no documents here yet."),
    ("no_tags", "There are no topics yet."),
    ("all_tags", "All topics"),
    ("no_organisations", "No document has an owner, region or parties yet."),
    ("all_organisations", "All organisations"),
    ("organisations_intro", "Regions, municipalities, practices and committees that own or are party to a document."),
    ("document_one", "document"),
    ("document_other", "documents"),
    ("browse_by_kind", "Documents by type"),
    ("recently_in_force", "Recently in force"),
    ("not_found_text", "This page does not exist. It may have been moved or removed, or the address may be mistyped."),
    ("not_found_home", "Go to the home page"),
    ("not_found_browse", "Find the document under"),
    ("search_label", "Search agreements and guidance"),
    ("search_button", "Search"),
    (
        "search_hint",
        "Search for a title, abbreviation, number or words in the text, e.g. »henvisning psykiatri« or »§ 140«.",
    ),
    ("search_nojs", "Search needs JavaScript, which is not running here. Find the document in the lists below."),
    ("search_az", "All documents from A to Z"),
    ("search_letters", "Documents by first letter"),
    ("az_title", "Documents beginning with"),
    ("search_suggestions", "Suggestions"),
    ("search_all_results", "Search all text for"),
    ("search_loading", "Searching …"),
    ("search_error", "Search could not be loaded. Use the lists below."),
    ("search_count_one", "{n} document found."),
    ("search_count_other", "{n} documents found."),
    ("search_none", "No document contains what you searched for."),
    ("search_some_words", "No document contains all the words. These contain some of them."),
    ("search_hidden_one", "{n} superseded or withdrawn document is hidden."),
    ("search_hidden_other", "{n} superseded or withdrawn documents are hidden."),
    ("search_show_hidden", "Also show superseded and withdrawn documents"),
    ("search_filters", "Filter the results"),
    ("search_facet_kind", "Document type"),
    ("search_facet_status", "Status"),
    ("search_facet_region", "Region"),
    ("search_facet_owner", "Responsible"),
    ("search_facet_tag", "Topic"),
    ("search_clear", "Clear filters"),
    ("search_more", "Show more results"),
    ("search_version", "version"),
    ("search_more_sections", "and {n} more sections"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: &str) -> Vec<&'static str> {
        ui_strings(lang).unwrap().iter().map(|(k, _)| *k).collect()
    }

    #[test]
    fn every_language_has_a_table() {
        for lang in LANGUAGES {
            assert!(ui_strings(lang).is_some(), "no table for {lang}");
        }
        assert!(ui_strings("xx").is_none());
    }

    #[test]
    fn tables_have_the_same_keys_in_the_same_order() {
        let da = keys("da");
        for lang in LANGUAGES {
            assert_eq!(keys(lang), da, "keys of {lang} differ from da");
        }
    }

    #[test]
    fn keys_are_unique_and_values_are_not_empty() {
        for lang in LANGUAGES {
            let mut seen = BTreeSet::new();
            for (k, v) in ui_strings(lang).unwrap() {
                assert!(seen.insert(*k), "{lang}: duplicate key {k}");
                assert!(!v.trim().is_empty(), "{lang}: empty value for {k}");
            }
        }
    }

    #[test]
    fn keys_used_by_rust_exist() {
        let kinds = ["agreement", "programme", "communication_package", "checklist", "guidance", "page"];
        let statuses = ["draft", "consultation", "approved", "in_force", "superseded", "withdrawn"];
        let mut required: Vec<String> = vec![];
        for k in kinds {
            required.push(format!("kind_{k}"));
            required.push(format!("kind_{k}_plural"));
        }
        required.extend(statuses.iter().map(|s| format!("status_{s}")));
        required.extend(
            ["home", "tags", "tag_title_prefix", "organisations", "organisation_title_prefix", "not_found_title"]
                .map(String::from),
        );
        let da = keys("da");
        for k in &required {
            assert!(da.contains(&k.as_str()), "missing required key {k}");
        }
    }

    /// Every `t.<key>` in the default layouts must be translated.
    #[test]
    fn keys_used_by_layouts_exist() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("layouts");
        let da: BTreeSet<&str> = keys("da").into_iter().collect();
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("html") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for key in used_keys(&text) {
                assert!(da.contains(key.as_str()), "{}: unknown key t.{key}", path.display());
                checked += 1;
            }
        }
        assert!(checked > 0, "no t.<key> found in {}", dir.display());
    }

    /// The `xxx` of every `t.xxx` that is not part of a longer name (`doc.t.x`, `at.x`).
    fn used_keys(text: &str) -> Vec<String> {
        let bytes = text.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut out = vec![];
        for (i, _) in text.match_indices("t.") {
            if i > 0 && (word(bytes[i - 1]) || bytes[i - 1] == b'.') {
                continue;
            }
            let rest = &text[i + 2..];
            let end = rest.bytes().position(|b| !word(b)).unwrap_or(rest.len());
            if end > 0 {
                out.push(rest[..end].to_string());
            }
        }
        out
    }
}
