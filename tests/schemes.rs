//! Scheme specifications: each check fires with its code, message and
//! location; the examples build; the scaffold round-trips.

mod common;

use common::{clean_hart, example_scheme, example_yaml, line_of, stderr, Project};
use s75::diag::{Code, Diagnostic, Mode, Severity};

fn project_with(hart: &str) -> Project {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", hart);
    p
}

fn check(yaml: &str, mode: Mode) -> Vec<Diagnostic> {
    project_with(yaml).run(true, mode).diagnostics
}

/// Asserts exactly one diagnostic with `code`, whose message contains
/// `msg`, at the line of the fixture containing `at`.
fn fires(yaml: &str, code: Code, msg: &str, at: &str) -> Diagnostic {
    let diags = check(yaml, Mode::Final);
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "expected one {code}, got {diags:#?}");
    let d = found[0].clone();
    assert!(
        d.message.contains(msg),
        "message `{}` lacks `{msg}`",
        d.message
    );
    assert_eq!(d.line, line_of(yaml, at), "{code} at wrong line: {d:?}");
    assert!(d.column > 0, "{d:?}");
    assert!(d.file.ends_with("schemes/hart.yaml"), "{d:?}");
    d
}

#[test]
fn the_clean_scheme_has_nothing_to_report() {
    let diags: Vec<Diagnostic> = check(&clean_hart(), Mode::Final)
        .into_iter()
        .filter(|d| d.file.ends_with("hart.yaml"))
        .collect();
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn bundled_examples_show_the_seeds_own_disagreements_as_draft_warnings() {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &example_scheme("hart"));
    p.write_scheme("menorrhagia", &example_scheme("menorrhagia"));
    let diags = p.run(true, Mode::Draft).diagnostics;
    assert!(
        diags.iter().all(|d| d.severity == Severity::Warning),
        "{diags:#?}"
    );
    let shares: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == Code::ShareDisagrees)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(shares.len(), 2, "{shares:?}");
    assert!(shares.iter().any(|m| m.contains("6.64%")
        && m.contains("6.66%")
        && m.contains("0.02 percentage points")));
    assert!(shares
        .iter()
        .any(|m| m.contains("5.04%") && m.contains("5.02%")));
    assert!(diags
        .iter()
        .any(|d| d.code == Code::Placeholder && d.file.ends_with("menorrhagia.yaml")));
}

#[test]
fn missing_heading() {
    let yaml = clean_hart();
    let start = yaml.find("  vat: |").unwrap();
    let end = yaml[start..].find("\n  governance:").unwrap() + start;
    let broken = format!("{}{}", &yaml[..start], &yaml[end + 1..]);
    fires(
        &broken,
        Code::SchemeHeadingMissing,
        "heading 9 “VAT” is not completed",
        "sections:",
    );
}

#[test]
fn not_applicable_needs_a_reason() {
    let broken = clean_hart().replace(
        "  vat: |\n",
        "  vat:\n    not_applicable: \"\"\n  old_vat: |\n",
    );
    fires(
        &broken,
        Code::SchemeHeadingMissing,
        "marked not applicable without a reason",
        "not_applicable: \"\"",
    );
    fires(
        &broken,
        Code::SchemeUnknownHeading,
        "`old_vat` is not a heading",
        "old_vat:",
    );
}

#[test]
fn arrangements_come_from_the_four_mechanisms() {
    let broken = clean_hart().replace(
        "arrangements: [pooled-fund]",
        "arrangements: [pooled-fund, shared-services]",
    );
    fires(
        &broken,
        Code::InvalidValue,
        "unknown variant `shared-services`",
        "arrangements:",
    );
}

#[test]
fn arrangements_must_match_the_funds() {
    let broken = clean_hart().replace(
        "arrangements: [pooled-fund]",
        "arrangements: [lead-commissioning, pooled-fund]",
    );
    fires(
        &broken,
        Code::ArrangementMismatch,
        "names no `lead_commissioner`",
        "arrangements:",
    );
}

#[test]
fn every_partner_named_is_a_party() {
    let broken = clean_hart().replace("    wlccg: \"6.66%\"", "    wlcg: \"6.66%\"");
    fires(
        &broken,
        Code::UnknownParty,
        "risk-bearer `wlcg` is not a party",
        "wlcg: \"6.66%\"",
    );
}

#[test]
fn a_partnership_needs_an_nhs_body_and_a_council() {
    let yaml = clean_hart();
    let broken = yaml
        .replace("          wlccg: \"£358,002\"\n", "")
        .replace("          elrccg: \"£269,478\"\n", "")
        .replace("        stated_total: \"£5,372,500\"\n", "")
        .replace("    wlccg: \"6.66%\"\n", "")
        .replace("    elrccg: \"5.02%\"\n", "")
        .replace("council: \"88.32%\"", "council: \"100%\"");
    fires(
        &broken,
        Code::PartnershipComposition,
        "no NHS body",
        "funds:",
    );
}

#[test]
fn pooled_fund_manager_works_for_the_host() {
    let broken = clean_hart().replacen(
        "      partner: council\n    contributions:",
        "      partner: wlccg\n    contributions:",
        1,
    );
    fires(
        &broken,
        Code::ManagerNotOfHost,
        "works for `wlccg`, but the host partner is `council`",
        "partner: wlccg",
    );
}

#[test]
fn totals_are_recomputed() {
    let broken = clean_hart().replace(
        "stated_total: \"£5,372,500\"",
        "stated_total: \"£5,372,050\"",
    );
    fires(
        &broken,
        Code::TotalMismatch,
        "stated as £5,372,050 but the amounts add up to £5,372,500 (a difference of £450)",
        "stated_total",
    );
}

#[test]
fn contribution_years_fall_within_the_term() {
    let broken = clean_hart().replace("financial_year: \"2019/20\"", "financial_year: \"2021/22\"");
    fires(
        &broken,
        Code::SchemeDates,
        "financial year 2021/22 is outside the agreement's term",
        "financial_year",
    );
}

#[test]
fn risk_shares_sum_to_one_hundred() {
    let broken = clean_hart().replace("council: \"88.32%\"", "council: \"88.22%\"");
    fires(
        &broken,
        Code::SharesNot100,
        "add up to 99.9%, not 100% (off by 0.1 percentage points)",
        "shares:",
    );
}

#[test]
fn risk_shares_agree_with_amounts_and_report_the_size() {
    let broken = clean_hart()
        .replace("\"6.66%\"", "\"6.61%\"")
        .replace("\"88.32%\"", "\"88.37%\"");
    let diags = check(&broken, Mode::Final);
    let d: Vec<_> = diags
        .iter()
        .filter(|d| d.code == Code::ShareDisagrees)
        .collect();
    assert_eq!(d.len(), 2, "{diags:#?}");
    assert!(d.iter().any(|d| d.message.contains("stated as 6.61%")
        && d.message.contains("is 6.66% of £5,372,500")
        && d.message.contains("0.05 percentage points")));
    assert_eq!(
        d[0].line.min(d[1].line),
        line_of(&broken, "6.61%").min(line_of(&broken, "88.37%"))
    );
}

#[test]
fn zero_value_fund_needs_a_payment_basis() {
    let menorrhagia = example_scheme("menorrhagia");
    let start = menorrhagia.find("    payment_basis:").unwrap();
    let end = menorrhagia.find("\n# The seed says").unwrap();
    let broken = format!("{}{}", &menorrhagia[..start], &menorrhagia[end + 1..]);
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("menorrhagia", &broken);
    let diags = p.run(true, Mode::Final).diagnostics;
    let d = common::find(&diags, Code::ZeroFundNoBasis);
    assert!(
        d.message
            .contains("holds no money, and has no tariff or other payment basis"),
        "{}",
        d.message
    );
    assert_eq!(
        d.line,
        line_of(&broken, "  - name: Menorrhagia Pooled Fund")
    );
}

#[test]
fn every_partner_has_a_lead_officer() {
    let yaml = clean_hart();
    let start = yaml.find("  - partner: wlccg\n    name: Arlene").unwrap();
    let end = yaml[start..].find("\nnon_financial_resources").unwrap() + start;
    let broken = format!("{}{}", &yaml[..start], &yaml[end + 1..]);
    fires(
        &broken,
        Code::LeadOfficerMissing,
        "WLCCG takes part in the scheme but has no lead officer",
        "lead_officers:",
    );
}

#[test]
fn lead_officer_emails_are_valid() {
    let broken = clean_hart().replace(
        "email: Claire.Jones@leics.gov.uk",
        "email: Claire.Jones.leics.gov.uk",
    );
    fires(
        &broken,
        Code::EmailInvalid,
        "`Claire.Jones.leics.gov.uk` is not a valid email address",
        "Claire.Jones.leics",
    );
}

#[test]
fn notice_fits_within_the_term() {
    let broken = clean_hart().replace("notice_months: 6", "notice_months: 13");
    fires(&broken, Code::SchemeDates, "13 months' notice given when the scheme starts (1 April 2019) would run past its end (31 March 2020)", "notice_months");
    let broken = clean_hart().replace("end: 2020-03-31", "end: 2020-06-30");
    fires(
        &broken,
        Code::SchemeDates,
        "the scheme ends on 30 June 2020, outside the agreement's term",
        "end: 2020-06-30",
    );
}

#[test]
fn placeholders_are_warnings_in_draft_and_errors_in_final() {
    for text in ["[INSERT]", "[ ]", "TBC", "201…/201…", "[sixty (60) days]"] {
        let broken = clean_hart().replace("name: Simon Pizzey", &format!("name: \"{text}\""));
        let d = fires(&broken, Code::Placeholder, "left in the text", "name: \"");
        assert_eq!(d.severity, Severity::Error);
        let draft = check(&broken, Mode::Draft);
        assert!(
            draft.iter().all(|d| d.severity == Severity::Warning),
            "{draft:#?}"
        );
    }
}

#[test]
fn scheme_id_matches_its_file() {
    let broken = clean_hart().replace("id: hart", "id: reablement");
    fires(
        &broken,
        Code::SchemeId,
        "does not match its file name `hart.yaml`",
        "id: reablement",
    );
}

#[test]
fn schemes_build_standalone_and_inside_the_agreement() {
    let p = project_with(&clean_hart());
    p.write_scheme("menorrhagia", &example_scheme("menorrhagia"));
    let report = p.run(false, Mode::Draft);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);

    let hart = report.built("schemes/hart.pdf").expect("hart.pdf");
    let text = hart.reading_text();
    // Headings numbered 1 to 20 by the document, in the template's order.
    let template: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(common::repo().join("templates/schedule1-part2.yaml")).unwrap(),
    )
    .unwrap();
    let titles: Vec<&str> = template["headings"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 20);
    let mut at = 0;
    for (i, t) in titles.iter().enumerate() {
        let heading = format!("{}. {}", i + 1, t);
        let pos = text[at..]
            .find(&heading)
            .unwrap_or_else(|| panic!("`{heading}` missing or out of order"));
        at += pos;
    }
    for figure in ["£358,002", "£269,478", "£4,745,020", "£5,372,500", "88.32%"] {
        assert!(
            text.contains(figure),
            "{figure} missing from the HART specification"
        );
    }
    assert!(
        !hart.watermarked && !text.contains("DRAFT"),
        "a clean scheme carries no DRAFT mark"
    );

    let men = report
        .built("schemes/menorrhagia.pdf")
        .expect("menorrhagia.pdf");
    let mtext = men.reading_text();
    assert!(
        men.watermarked && mtext.contains("DRAFT"),
        "a scheme with warnings is marked DRAFT in draft mode"
    );
    assert!(
        mtext.contains("£81.31") && mtext.contains("£207.93"),
        "tariff table"
    );

    let agreement = report.built("bcf/agreement.pdf").expect("agreement.pdf");
    let atext = agreement.reading_text();
    assert!(atext.contains("Part 2: Template scheme specification"));
    assert!(atext.contains("Part 3A: Homecare Assessment and Reablement Team (HART) services"));
    assert!(atext.contains("Part 3B: Menorrhagia services"));
    assert!(atext.find("Part 3A").unwrap() < atext.find("Part 3B").unwrap());
}

#[test]
fn no_pdf_for_a_scheme_with_errors_and_earlier_pdfs_stay() {
    let p = project_with(&clean_hart());
    assert!(!p.run(false, Mode::Draft).has_errors());
    let pdf = p.root().join("out/bcf/schemes/hart.pdf");
    let before = std::fs::read(&pdf).unwrap();
    p.write_scheme(
        "hart",
        &clean_hart().replace("email: Claire.Jones@leics.gov.uk", "email: nobody"),
    );
    let report = p.run(false, Mode::Draft);
    assert!(report.has_errors());
    assert!(
        report.built.is_empty(),
        "neither the scheme nor the agreement that includes it is built"
    );
    assert_eq!(std::fs::read(&pdf).unwrap(), before);
}

#[test]
fn final_mode_refuses_the_bundled_drafts() {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &example_scheme("hart"));
    let out = p.s75(&["build", "--final"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error[E404]"), "{err}");
    assert!(!p.pdf_path().exists());
}

#[test]
fn scaffold_lists_everything_to_complete_and_never_overwrites() {
    let p = Project::with_agreement(&example_yaml());
    let out = p.s75_new(&["new", "scheme", "agreements/bcf", "falls-prevention"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let path = p
        .root()
        .join("agreements/bcf/schemes/falls-prevention.yaml");
    let skeleton = std::fs::read_to_string(&path).unwrap();
    assert!(skeleton.contains("# 1. Overview of the Individual Scheme"));
    assert!(skeleton.contains("# 20. Other provisions"));

    // The untouched skeleton parses, and every one of the twenty headings
    // is listed as still to do (as a placeholder or a missing field).
    let diags = p.run(true, Mode::Draft).diagnostics;
    let ours: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.file.ends_with("falls-prevention.yaml"))
        .collect();
    assert!(
        ours.iter().all(|d| d.severity == Severity::Warning),
        "{ours:#?}"
    );
    assert!(!ours.iter().any(|d| matches!(
        d.code,
        Code::YamlSyntax | Code::InvalidValue | Code::UnknownField
    )));
    let template: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(common::repo().join("templates/schedule1-part2.yaml")).unwrap(),
    )
    .unwrap();
    for h in template["headings"].as_sequence().unwrap() {
        let key = h["key"].as_str().unwrap();
        let listed = ours
            .iter()
            .any(|d| d.yaml_path.as_deref() == Some(&format!("sections.{key}")))
            || h["requires"].as_str().unwrap().starts_with("field:")
                && ours.iter().any(|d| {
                    d.code == Code::SchemeHeadingMissing
                        && d.message.contains(h["title"].as_str().unwrap())
                });
        assert!(listed, "heading `{key}` not listed as still to complete");
    }
    let final_check = p.s75(&["check", "--final"]);
    assert_eq!(final_check.status.code(), Some(1));

    // A second `new` with the same id refuses and leaves the file alone.
    std::fs::write(&path, "kind: scheme # edited\n").unwrap();
    let again = p.s75_new(&["new", "scheme", "agreements/bcf", "falls-prevention"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "kind: scheme # edited\n"
    );
}
