//! The complete agreement: the clause library, generated numbering and
//! references, the defined-terms lint, draft and final, PDF/A.

mod common;

use common::{clean_hart, example_scheme, example_yaml, line_of, Project};
use s75::diag::{Code, Mode, Severity};

/// The bundled agreement with both schemes.
fn bundled() -> Project {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &example_scheme("hart"));
    p.write_scheme("menorrhagia", &example_scheme("menorrhagia"));
    p
}

/// An agreement ready for signature: signatories given, no placeholders,
/// and a clean HART scheme only.
fn signable_yaml() -> String {
    example_yaml()
        .replace("    notices:\n      addressee: The Director of Adults and Communities", "    signatories: [Director of Law and Governance]\n    notices:\n      addressee: The Director of Adults and Communities")
        .replace("    notices:\n      addressee: The Chief Executive", "    signatories: [Chief Executive, Chief Finance Officer]\n    notices:\n      addressee: The Chief Executive")
}

fn signable() -> Project {
    let p = Project::with_agreement(&signable_yaml());
    p.write_scheme("hart", &clean_hart());
    p
}

fn library() -> serde_yaml::Value {
    serde_yaml::from_str(
        &std::fs::read_to_string(common::repo().join("templates/clauses/library.yaml")).unwrap(),
    )
    .unwrap()
}

#[test]
fn every_clause_and_schedule_topic_is_in_the_contents() {
    let p = bundled();
    let report = p.run(false, Mode::Draft);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let doc = report.built("bcf/agreement.pdf").unwrap();
    let text = doc.reading_text();
    let lib = library();
    for c in lib["clauses"].as_sequence().unwrap() {
        let title = c["title"].as_str().unwrap();
        let when = c["when"].as_str();
        // The bundled schemes use lead commissioning (menorrhagia) and a
        // pooled fund, but neither integrated commissioning nor non-pooled funds.
        let expected = matches!(when, None | Some("lead-commissioning"));
        assert_eq!(
            text.contains(&title.to_uppercase()),
            expected,
            "clause “{title}” (when {when:?})"
        );
    }
    for (n, s) in lib["schedules"].as_sequence().unwrap().iter().enumerate() {
        let heading = format!(
            "Schedule {} {}",
            n + 1,
            s["title"].as_str().unwrap().to_uppercase()
        );
        assert!(text.contains(&heading), "missing `{heading}`");
    }
}

#[test]
fn clause_and_sub_clause_numbers_are_consecutive() {
    let p = bundled();
    let report = p.run(false, Mode::Draft);
    let doc = report.built("bcf/agreement.pdf").unwrap();
    let body: Vec<&str> = doc
        .lines()
        .skip_while(|l| !l.starts_with("This Agreement is made on"))
        .take_while(|l| l.trim() != "Schedule 1")
        .collect();
    let mut clause = 0;
    let mut sub = 0;
    for line in body {
        let head: String = line
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let parts: Vec<&str> = head.split('.').collect();
        match parts.as_slice() {
            [c, ""]
                if line[head.len()..]
                    .trim()
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
                    && line == line.to_uppercase() =>
            {
                let c: usize = c.parse().unwrap();
                assert_eq!(
                    c,
                    clause + 1,
                    "clause {c} follows clause {clause}: `{line}`"
                );
                clause = c;
                sub = 0;
            }
            [c, s] if !s.is_empty() => {
                let (c, s): (usize, usize) = (c.parse().unwrap(), s.parse().unwrap());
                assert_eq!((c, s), (clause, sub + 1), "`{line}`");
                sub = s;
            }
            _ => {}
        }
    }
    let lib_count = library()["clauses"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter(|c| matches!(c["when"].as_str(), None | Some("lead-commissioning")))
        .count();
    assert_eq!(clause, lib_count, "every clause numbered once");
}

fn with_change(change: &str) -> (Project, String) {
    let yaml = format!("{}\nchanges:\n{change}", signable_yaml());
    let p = Project::with_agreement(&yaml);
    p.write_scheme("hart", &clean_hart());
    (p, yaml)
}

#[test]
fn a_replaced_clause_shows_its_new_text_and_is_listed() {
    let (p, _) = with_change("  - replace: force-majeure\n    text: |\n      A pandemic declared by the World Health Organization is not an excuse under this clause.\n\n      See also {clause:dispute-resolution}.\n    reason: Agreed at the meeting of 3 May 2019\n");
    let report = p.run(false, Mode::Draft);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let doc = report.built("bcf/agreement.pdf").unwrap();
    let text = doc.reading_text();
    assert!(text.contains(
        "A pandemic declared by the World Health Organization is not an excuse under this clause."
    ));
    assert!(text.contains("FORCE MAJEURE Negotiated clause (replaced): differs from the s75 standard clause library."), "the clause is marked as changed");
    assert!(
        text.contains("These clauses differ from the s75 standard clause library"),
        "contents lists the change"
    );
    // The reference became a generated number.
    let dr = doc
        .lines()
        .find(|l| l.ends_with("DISPUTE RESOLUTION"))
        .unwrap();
    let n = dr.split('.').next().unwrap();
    assert!(
        text.contains(&format!("See also clause {n}.")),
        "reference resolved to clause {n}"
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("“Force majeure” (force-majeure): replaced")),
        "{:?}",
        report.notes
    );
}

#[test]
fn a_broken_reference_fails_final_before_typst() {
    let (p, yaml) = with_change("  - add: parking\n    after: notices\n    title: Parking\n    text: |\n      Parking is governed by {clause:car-parks}.\n");
    let report = p.run(false, Mode::Final);
    let d = common::find(&report.diagnostics, Code::BrokenReference);
    assert!(
        d.message
            .contains("refers to clause `car-parks`, which this agreement does not have"),
        "{}",
        d.message
    );
    assert!(d.file.ends_with("agreement.yaml"));
    assert_eq!(d.line, line_of(&yaml, "Parking is governed"));
    assert!(
        report.built("bcf/agreement.pdf").is_none(),
        "no agreement PDF"
    );
}

#[test]
fn an_undefined_term_fails_final() {
    let (p, _) = with_change("  - replace: information-sharing\n    text: |\n      The Partners will share records through the Shared Care Record.\n");
    let report = p.run(false, Mode::Final);
    let d = common::find(&report.diagnostics, Code::UndefinedTerm);
    assert!(
        d.message
            .contains("“Shared Care Record” looks like a defined term but is not defined"),
        "{}",
        d.message
    );
    assert_eq!(d.severity, Severity::Error);
    assert!(
        report.built("bcf/agreement.pdf").is_none(),
        "no agreement PDF"
    );
    // Defining it fixes it.
    let (p, _) = with_change("  - replace: information-sharing\n    text: |\n      The Partners will share records through the Shared Care Record.\ndefinitions:\n  - term: Shared Care Record\n    meaning: the electronic record the Partners share.\n");
    let report = p.run(false, Mode::Final);
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::UndefinedTerm),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn unused_and_duplicate_definitions_are_reported() {
    let yaml = format!("{}\ndefinitions:\n  - term: Winter Plan\n    meaning: the plan for winter.\n  - term: Host Partner\n    meaning: the council.\n", signable_yaml());
    let p = Project::with_agreement(&yaml);
    let diags = p.run(true, Mode::Final).diagnostics;
    let unused = common::find(&diags, Code::UnusedTerm);
    assert!(unused
        .message
        .contains("“Winter Plan” is defined but not used"));
    assert_eq!(unused.line, line_of(&yaml, "term: Winter Plan"));
    let dup = diags
        .iter()
        .find(|d| d.code == Code::DuplicateTerm)
        .unwrap();
    assert!(dup.message.contains("“Host Partner” is defined twice"));
}

#[test]
fn a_leftover_placeholder_fails_final() {
    let yaml = signable_yaml().replace("  force_majeure_days: 60", "  force_majeure_days: 60\n  # agreed at [sixty (60) days]").replace(
        "  - The CCGs are responsible",
        "  - The Partners will review this Agreement within [sixty (60) days].\n  - The CCGs are responsible",
    );
    let p = Project::with_agreement(&yaml);
    p.write_scheme("hart", &clean_hart());
    let out = p.s75(&["build", "--final"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[E500]: placeholder `[sixty (60) days]` left in the text"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "agreement.yaml:{}:",
            line_of(&yaml, "within [sixty")
        )),
        "{err}"
    );
    assert!(!p.pdf_path().exists());
}

#[test]
fn final_mode_needs_execution_details() {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &clean_hart());
    let diags = p.run(true, Mode::Final).diagnostics;
    let missing: Vec<_> = diags
        .iter()
        .filter(|d| d.code == Code::ExecutionDetails)
        .collect();
    assert_eq!(missing.len(), 3, "{diags:#?}");
    assert!(missing[0].message.contains("has no `signatories`"));
}

#[test]
fn lead_commissioning_clause_appears_only_with_lead_commissioning() {
    let p = signable();
    let text = p
        .run(false, Mode::Draft)
        .built("bcf/agreement.pdf")
        .unwrap()
        .reading_text();
    assert!(
        !text.contains("LEAD COMMISSIONING"),
        "HART alone uses no lead commissioning"
    );
    p.write_scheme("menorrhagia", &example_scheme("menorrhagia"));
    let text = p
        .run(false, Mode::Draft)
        .built("bcf/agreement.pdf")
        .unwrap()
        .reading_text();
    assert!(text.contains("LEAD COMMISSIONING"));
}

#[test]
fn a_final_agreement_is_pdf_a_and_ua_with_no_draft_marks() {
    let p = signable();
    let report = p.run(false, Mode::Final);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let doc = report.built("bcf/agreement.pdf").unwrap();
    assert!(!doc.watermarked);
    let text = doc.reading_text();
    assert!(!text.contains("DRAFT"));
    assert!(
        text.contains("Director of Law and Governance"),
        "signatory posts in the execution blocks"
    );
    let pdf = String::from_utf8_lossy(&std::fs::read(p.pdf_path()).unwrap()).into_owned();
    assert!(
        pdf.contains("<pdfaid:part>2</pdfaid:part>")
            && pdf.contains("<pdfaid:conformance>A</pdfaid:conformance>"),
        "PDF/A-2a"
    );
    assert!(pdf.contains("<pdfuaid:part>1</pdfuaid:part>"), "PDF/UA-1");
}

#[test]
fn a_draft_has_a_watermark_and_a_footer_with_version_date_and_hash() {
    let p = bundled();
    let report = p.run(false, Mode::Draft);
    let doc = report.built("bcf/agreement.pdf").unwrap();
    assert!(doc.watermarked);
    let first = &doc.page_text[0];
    assert!(first.contains("DRAFT · 1 April 2019 · inputs "), "{first}");
    let hash: String = first
        .split("inputs ")
        .nth(1)
        .unwrap()
        .chars()
        .take(8)
        .collect();
    assert!(
        hash.chars().all(|c| c.is_ascii_hexdigit()) && hash.len() == 8,
        "{hash}"
    );
    // Changing an input changes the hash.
    p.write_scheme(
        "hart",
        &example_scheme("hart").replace("notice_months: 6", "notice_months: 5"),
    );
    let doc2 = p.run(false, Mode::Draft);
    let first2 = &doc2.built("bcf/agreement.pdf").unwrap().page_text[0];
    assert!(
        !first2.contains(&hash),
        "hash should change with the inputs"
    );
}

#[test]
fn emitted_typst_snapshot() {
    let p = bundled();
    let report = s75::build::run(&{
        let mut o = s75::build::Options::new(
            vec![p.root().join("agreements")],
            common::repo().join("templates"),
            p.root().join("out"),
        );
        o.emit_typst = true;
        o.check_only = false;
        o.mode = Mode::Draft;
        o
    });
    assert!(!report.has_errors());
    let typ = std::fs::read_to_string(p.root().join("out/bcf/agreement.typ")).unwrap();
    insta::assert_snapshot!("bcf_agreement_typ", typ);
}
