//! One broken fixture site per error class; the rendered diagnostics are
//! compared with snapshots (tests/snapshots/).

use crate::common::{SiteTest, repo};

/// Build `tests/fixtures/invalid/<case>` and render its diagnostics as the user sees them.
fn diagnostics(case: &str) -> String {
    let site = SiteTest::fixture(&format!("invalid/{case}"));
    let built = site.build();
    assert!(built.has_errors(), "{case}: expected an error");
    assert!(built.output.is_empty(), "{case}: a failed build must produce no output");
    built.diags.iter().map(|d| format!("{d}\n")).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_invalid_fixture_has_a_snapshot_of_its_diagnostics() {
    let dir = repo().join("tests/fixtures/invalid");
    let mut cases: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    cases.sort();
    assert!(cases.len() >= 25, "only {} cases", cases.len());
    for case in cases {
        let text = diagnostics(&case);
        // Every error names the file and a line:column, except whole-file problems.
        for d in SiteTest::fixture(&format!("invalid/{case}")).build().diags {
            let whole_file = matches!(
                d.code,
                "id-duplicate" | "alias-duplicate" | "orphan" | "path-collision" | "encoding" | "relation-cycle"
            );
            assert!(d.pos.is_some() || whole_file, "{case}: no position in\n{d}");
            assert!(d.help.is_some(), "{case}: no help in\n{d}");
        }
        insta::assert_snapshot!(case.clone(), text);
    }
}
