//! Which layout files each template is made of: itself, the templates it
//! extends, the macro files it imports and the templates it includes, each
//! with theirs. A page depends on those files only, so an edit to
//! `checklist.html` renders only the checklists again (and an edit to
//! `base.html`, every page).

use crate::assets;
use crate::memo::{Key, Parts};
use std::collections::{BTreeSet, HashMap};
use tera::Tera;

/// The key of each template: the names and bytes of its layout files and,
/// when one of them calls `relation_graph()`, the hash of the graph.
pub fn template_keys(tera: &Tera, layouts: &assets::Files, graph: Option<&blake3::Hash>) -> HashMap<String, Key> {
    tera.get_template_names()
        .map(|name| {
            let files = closure(tera, layouts, name);
            let mut h = Parts::new();
            let mut uses_graph = false;
            for file in &files {
                let bytes = layouts.get(file.as_str()).map_or(&[][..], Vec::as_slice);
                uses_graph |= calls_relation_graph(bytes);
                h.add(file.as_bytes()).add(bytes);
            }
            if let Some(graph) = graph.filter(|_| uses_graph) {
                h.add(graph.as_bytes());
            }
            (name.to_string(), h.key())
        })
        .collect()
}

/// Whether a layout file calls `relation_graph()` (read from its text, so a
/// mention in a comment counts too).
pub fn calls_relation_graph(bytes: &[u8]) -> bool {
    bytes.windows(14).any(|w| w == b"relation_graph")
}

/// The layout files `name` is made of, itself included.
fn closure(tera: &Tera, layouts: &assets::Files, name: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_string()];
    while let Some(t) = todo.pop() {
        if !seen.insert(t.clone()) {
            continue;
        }
        if let Ok(tpl) = tera.get_template(&t) {
            todo.extend(tpl.parents.iter().cloned());
            todo.extend(tpl.imported_macro_files.iter().map(|(file, _)| file.clone()));
        }
        if let Some(bytes) = layouts.get(t.as_str()) {
            todo.extend(included(&String::from_utf8_lossy(bytes)));
        }
    }
    seen
}

/// The names in the `{% include … %}` tags of a template's text (read from
/// the text, so one in a comment counts too: a page then depends on one file
/// more than it needs to, never on one less).
fn included(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("{%") {
        rest = &rest[at + 2..];
        let tag = rest.split("%}").next().unwrap_or(rest);
        let words = tag.trim_start_matches(['-', '+']).trim_start();
        if let Some(args) = words.strip_prefix("include") {
            // Every quoted string: one name, or a list of names to try.
            for (i, part) in args.split(['"', '\'', '`']).enumerate() {
                if i % 2 == 1 {
                    names.push(part.to_string());
                }
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> assets::Files {
        list.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())).collect()
    }

    #[test]
    fn a_template_depends_on_what_it_extends_imports_and_includes() {
        let layouts = files(&[
            ("base.html", "<main>{% block content %}{% endblock content %}</main>{% include \"foot.html\" %}"),
            ("foot.html", "<footer></footer>"),
            ("macros.html", "{% macro m() %}x{% endmacro m %}"),
            ("document.html", "{% extends \"base.html\" %}{% block content %}doc{% endblock content %}"),
            (
                "checklist.html",
                "{% extends \"document.html\" %}{% import \"macros.html\" as m %}{% block content %}{{ m::m() }}{% endblock content %}",
            ),
            ("other.html", "{%- include ['missing.html', 'foot.html'] ignore missing -%}"),
        ]);
        let tera = crate::site::render::load_templates(&layouts).unwrap();
        let names = |t: &str| closure(&tera, &layouts, t).into_iter().collect::<Vec<_>>();
        assert_eq!(
            names("checklist.html"),
            ["base.html", "checklist.html", "document.html", "foot.html", "macros.html"]
        );
        assert_eq!(names("document.html"), ["base.html", "document.html", "foot.html"]);
        assert_eq!(names("other.html"), ["foot.html", "missing.html", "other.html"]);

        // Editing the checklist template changes its key only; editing the base, every key.
        let keys = template_keys(&tera, &layouts, None);
        let mut edited = layouts.clone();
        edited.insert("checklist.html".into(), b"{% extends \"document.html\" %}".to_vec());
        let after = template_keys(&crate::site::render::load_templates(&edited).unwrap(), &edited, None);
        assert_ne!(keys["checklist.html"], after["checklist.html"]);
        assert_eq!(keys["document.html"], after["document.html"]);
        let mut base = layouts.clone();
        base.insert("foot.html".into(), b"<footer>ny</footer>".to_vec());
        let after = template_keys(&tera, &base, None);
        assert!(["base.html", "document.html", "checklist.html"].iter().all(|t| keys[*t] != after[*t]));
        assert_eq!(keys["macros.html"], after["macros.html"]);
    }

    #[test]
    fn only_templates_that_call_relation_graph_depend_on_the_graph() {
        let layouts = files(&[
            ("base.html", "{% block content %}{% endblock content %}"),
            ("map.html", "{% extends \"base.html\" %}{% block content %}{{ relation_graph() }}{% endblock content %}"),
        ]);
        let mut tera = crate::site::render::load_templates(&layouts).unwrap();
        tera.register_function("relation_graph", |_: &HashMap<String, tera::Value>| Ok(tera::Value::Null));
        let (a, b) = (blake3::hash(b"a"), blake3::hash(b"b"));
        let (ka, kb) = (template_keys(&tera, &layouts, Some(&a)), template_keys(&tera, &layouts, Some(&b)));
        assert_ne!(ka["map.html"], kb["map.html"]);
        assert_eq!(ka["base.html"], kb["base.html"]);
    }
}
