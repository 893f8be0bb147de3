//! End to end: the bundled agreement becomes a PDF a legal officer can
//! read, and bad input is refused with a located message.

mod common;

use common::{example_yaml, stderr, Project};
use s75::build::{self, Options};

fn build_in(p: &Project) -> build::Report {
    build::run(&{
        let mut o = Options::new(
            vec![p.root().join("agreements")],
            common::repo().join("templates"),
            p.root().join("out"),
        );
        o.emit_typst = true;
        o.check_only = false;
        o.mode = s75::diag::Mode::Draft;
        o
    })
}

#[test]
fn example_builds_into_a_readable_agreement() {
    let p = Project::with_agreement(&example_yaml());
    let report = build_in(&p);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    assert_eq!(report.built.len(), 1);
    let doc = &report.built[0];
    let text = doc.reading_text();

    // Cover and contents.
    assert!(
        doc.page_text[0].contains("Better Care Fund Section 75 Agreement 2019/20"),
        "{}",
        doc.page_text[0]
    );
    assert!(doc.page_text[0].contains("LEICESTERSHIRE COUNTY COUNCIL"));
    assert!(doc.page_text[1].contains("Contents"));
    assert!(doc.page_text[1].contains("Definitions and interpretation"));

    // The parties as the text names them, and the blank date line.
    assert!(text.contains("NHS WEST LEICESTERSHIRE CLINICAL COMMISSIONING GROUP"));
    assert!(text.contains("(“ELRCCG”)"));
    assert!(text.contains("are together called “the CCGs”"));
    assert!(text.contains("This Agreement is made on the"));
    assert!(text.contains("day of"));

    // Figures come out of arithmetic: the column totals and grand total of
    // Schedule 3 appear though no total is typed in any template.
    for figure in [
        "£39,177,206",
        "£21,089,962",
        "£60,267,168",
        "£16,825,074",
        "£22,352,132",
        "£3,919,459",
    ] {
        assert!(text.contains(figure), "missing {figure}");
    }

    // Execution blocks chosen by party type.
    assert!(text.contains("common seal of LEICESTERSHIRE COUNTY COUNCIL"));
    assert_eq!(text.matches("Executed as a deed by").count(), 2);

    // Cross-references resolved by typst to generated numbers.
    assert!(
        text.contains("Table 1 of Schedule 3"),
        "reference to the finance schedule"
    );
    // Every page after the cover carries "Page n of N", and N is the
    // document's real page count.
    let last = doc.page_text.last().unwrap();
    assert!(
        last.contains(&format!("Page {} of {}", doc.pages, doc.pages)),
        "{last}"
    );
    assert!(
        doc.pages > 5,
        "an agreement with schedules is more than five pages"
    );

    // The PDF itself, and the emitted typst beside it.
    let pdf = std::fs::read(p.pdf_path()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(p.root().join("out/bcf/agreement.typ").exists());
}

#[test]
fn two_builds_are_byte_identical() {
    let p = Project::with_agreement(&example_yaml());
    assert!(!build_in(&p).has_errors());
    let first = std::fs::read(p.pdf_path()).unwrap();
    std::fs::remove_file(p.pdf_path()).unwrap();
    assert!(!build_in(&p).has_errors());
    let second = std::fs::read(p.pdf_path()).unwrap();
    assert!(first == second, "PDFs differ between builds");
}

#[test]
fn yaml_values_print_literally_and_never_run_as_typst() {
    let hostile = r#"#read("/etc/passwd") $x$ *b* _i_ @ref <lbl> [c] \ `raw` // /* {{ x }}"#;
    let yaml = example_yaml().replace(
        "name: Leicestershire County Council",
        &format!("name: '{}'", hostile.replace('\'', "''")),
    );
    let p = Project::with_agreement(&yaml);
    let report = build_in(&p);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let text = report.built[0].reading_text();
    assert!(text.contains(hostile), "hostile name not printed literally");
    assert!(
        !text.contains("root:"),
        "file contents leaked into the document"
    );
}

/// Builds a good PDF, breaks the YAML, builds again: exit 1, a located
/// message, and the earlier PDF untouched.
fn refused(broken: &str, expect_code: &str, expect_in_message: &str) {
    let p = Project::with_agreement(&example_yaml());
    let ok = p.s75(&["build"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let before = std::fs::read(p.pdf_path()).unwrap();

    p.write_agreement(broken);
    let out = p.s75(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(expect_code),
        "expected {expect_code} in:\n{err}"
    );
    assert!(
        err.contains(expect_in_message),
        "expected `{expect_in_message}` in:\n{err}"
    );
    let located = regex_lite_location(&err);
    assert!(located, "no file:line:column in:\n{err}");
    assert_eq!(
        std::fs::read(p.pdf_path()).unwrap(),
        before,
        "earlier PDF was changed"
    );
    assert!(!err.contains("panicked"));
}

/// Finds `agreement.yaml:LINE:COL` in the output.
fn regex_lite_location(s: &str) -> bool {
    s.split("agreement.yaml:").skip(1).any(|rest| {
        let mut parts = rest.splitn(3, ':');
        let line = parts.next().unwrap_or("");
        let col: String = parts
            .next()
            .unwrap_or("")
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        line.parse::<usize>().is_ok() && !col.is_empty()
    })
}

#[test]
fn yaml_syntax_error_is_refused() {
    let broken = example_yaml().replace("area: Leicestershire", "area: [Leicestershire");
    refused(&broken, "E100", "agreement.yaml");
}

#[test]
fn unknown_key_is_refused() {
    // The misspelt key is unknown and the real one is then missing.
    let broken =
        example_yaml().replace("    short_name: the Council", "    short_nmae: the Council");
    refused(&broken, "E101", "unknown field `short_nmae`");
}

#[test]
fn float_money_is_refused() {
    let broken = example_yaml().replace("council: \"£3,919,459\"", "council: 3919459.5");
    refused(&broken, "E103", "YAML float");
}

#[test]
fn unknown_party_is_refused() {
    let broken = example_yaml().replace("  host: council", "  host: county");
    refused(&broken, "E200", "host partner `county` is not a party");
}

#[test]
fn malformed_grouping_is_refused() {
    let broken = example_yaml().replace("\"£3,919,459\"", "\"£3,919,45\"");
    refused(&broken, "E104", "£3,919,45");
}

#[test]
fn every_problem_in_a_file_is_reported_together() {
    let broken = example_yaml()
        .replace("\"£3,919,459\"", "\"£3,919,45\"")
        .replace("council: \"£2,414,247\"", "council: 2414247.0")
        .replace("  host: council", "  host: county")
        .replace(
            "    telephone: 01509 567700\n    notices:",
            "    telephone: 01509 567700\n    colour: blue\n    notices:",
        );
    let p = Project::with_agreement(&broken);
    let out = p.s75(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for code in ["E104", "E103", "E101"] {
        assert!(err.contains(code), "missing {code} in:\n{err}");
    }
    assert!(
        err.contains("3 error(s)") || err.contains("4 error(s)"),
        "{err}"
    );
}

#[test]
fn stated_total_that_disagrees_is_reported_with_the_difference() {
    let broken = example_yaml().replace("total: \"£60,267,168\"", "total: \"£60,267,186\"");
    let p = Project::with_agreement(&broken);
    let out = p.s75(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("E202"), "{err}");
    assert!(
        err.contains("£60,267,186")
            && err.contains("£60,267,168")
            && err.contains("difference of £18"),
        "{err}"
    );
}

#[test]
fn missing_path_is_a_usage_error() {
    let p = Project::with_agreement(&example_yaml());
    let out = p.s75(&["check", "no-such-folder"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
