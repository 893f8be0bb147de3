//! Money edge cases, as property tests: pence, with and without "£" and
//! separators, negatives, very large totals; and where negatives are
//! refused.

mod common;

use proptest::prelude::*;
use rust_decimal::Decimal;
use s75::model::Money;

/// "1234567" → "1,234,567"
fn grouped(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::new();
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

proptest! {
    #[test]
    fn every_written_form_parses_to_the_same_exact_amount(pounds in 0u64..1_000_000_000_000_000, pence in 0u64..100, neg: bool) {
        let exact = Decimal::from(pounds) + Decimal::new(pence as i64, 2);
        let exact = if neg { -exact } else { exact };
        let sign = if neg { "-" } else { "" };
        for text in [
            format!("{sign}£{}.{pence:02}", grouped(pounds)),
            format!("{sign}{pounds}.{pence:02}"),
            format!("{sign}£{pounds}.{pence:02}"),
        ] {
            prop_assert_eq!(Money::parse(&text).unwrap().amount(), exact, "{}", text);
        }
        // Shown and read back, nothing changes.
        let m = Money::new(exact);
        prop_assert_eq!(Money::parse(&m.display()).unwrap(), m);
    }

    #[test]
    fn a_misplaced_separator_is_always_refused(pounds in 1_000u64..1_000_000_000, cut in 1usize..3) {
        let g = grouped(pounds);
        // Drop `cut` digits from the last group: "£4,745,020" → "£4,745,0".
        let bad = format!("£{}", &g[..g.len() - cut]);
        prop_assert!(Money::parse(&bad).is_err(), "{} was accepted", bad);
    }

    #[test]
    fn more_than_two_places_of_pence_are_refused(pounds in 0u64..1_000_000, frac in 100u64..100_000) {
        let text = format!("{pounds}.{frac}");
        prop_assert!(Money::parse(&text).is_err(), "{} was accepted", text);
    }
}

#[test]
fn negative_contributions_are_refused_but_refunds_in_actuals_are_not() {
    let yaml =
        common::example_yaml().replace("council: \"£3,919,459\"", "council: \"-£3,919,459\"");
    let p = common::Project::with_agreement(&yaml);
    let diags = p.run(true, s75::diag::Mode::Draft).diagnostics;
    let d = diags
        .iter()
        .find(|d| d.message.contains("cannot be negative"))
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(d.line, common::line_of(&yaml, "-£3,919,459"));
    assert!(d.is_error());

    let p = common::Project::with_agreement(&common::example_yaml());
    p.write_scheme("hart", &common::clean_hart());
    p.write_report("q.yaml", "kind: quarterly\nid: q\nfinancial_year: 2019/20\nquarter: 1\nmeeting: {body: Board, type: board, date: 2019-07-30}\nrag: {amber: \"1%\", red: \"3%\"}\nlines:\n  - {scheme: hart, budget: \"£5,372,500\", spent_to_date: \"-£1,250.50\", forecast_outturn: \"£5,372,500\"}\n");
    let report = p.run(false, s75::diag::Mode::Draft);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let text = report.built("reports/q.pdf").unwrap().page_text.join(" ");
    assert!(text.contains("-£1,250.50"), "a refund is shown as typed");
}
