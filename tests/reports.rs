//! Reports built from the agreement's data: figures that cannot drift,
//! £000 columns that reconcile, and the quarterly split to the penny.

mod common;

use common::{clean_hart, example_report, example_yaml, line_of, Project};
use proptest::prelude::*;
use rust_decimal::Decimal;
use s75::diag::{Code, Mode};

const BCF: &str = "leicestershire-bcf-2019-20";

fn with_reports(reports: &[(&str, &str)]) -> Project {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &clean_hart());
    for (name, text) in reports {
        p.write_report(name, text);
    }
    p
}

fn pounds(s: &str) -> Decimal {
    s.trim_start_matches('£').replace(',', "").parse().unwrap()
}

#[test]
fn board_report_quotes_the_agreement_and_its_thousands_reconcile() {
    let p = with_reports(&[(
        "hwb-2020-01-23.yaml",
        &example_report(BCF, "hwb-2020-01-23.yaml"),
    )]);
    let report = p.run(false, Mode::Draft);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let doc = report
        .built("reports/hwb-2020-01-23.pdf")
        .expect("report built");
    let text = doc.reading_text();
    assert!(text.contains("HEALTH AND WELLBEING BOARD – 23 JANUARY 2020"));
    assert!(
        text.contains("The BCF expenditure plan for Leicestershire totals £60,267,168 in 2019/20")
    );
    assert!(text.contains("managed by Helen Moran, Assistant Business Partner (Finance)"));

    // The £000 table: each row's £000 figure is within one of its exact
    // amount, and the rows add up to the shown total.
    let rows: Vec<(Decimal, Decimal)> = doc
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            let exact = cells.last()?.strip_prefix('£')?;
            let k = cells.get(cells.len().checked_sub(2)?)?;
            Some((k.replace(',', "").parse().ok()?, pounds(exact)))
        })
        .collect();
    let (total_row, parts) = rows.split_last().expect("table rows");
    assert_eq!(parts.len(), 5, "{rows:?}");
    assert_eq!(
        parts.iter().map(|(k, _)| *k).sum::<Decimal>(),
        total_row.0,
        "parts add up to the shown total"
    );
    assert_eq!(total_row.1, Decimal::from(60_267_168));
    for (k, exact) in parts {
        assert!(
            (*k * Decimal::from(1000) - exact).abs() < Decimal::from(1000),
            "{k} traces to {exact}"
        );
    }
    // The seed's retyped £3,920k cannot appear: DFG is 3,919 here.
    assert!(
        text.contains("Disabled Facilities Grant 3,919 £3,919,459"),
        "{text}"
    );
}

#[test]
fn paragraphs_are_numbered_through_the_report_and_cabinet_reports_have_parts() {
    let p = Project::with_agreement(
        &std::fs::read_to_string(
            common::repo().join("agreements/leicestershire-ld-2020-24/agreement.yaml"),
        )
        .unwrap(),
    );
    p.write_report(
        "cabinet-2020-03-24.yaml",
        &example_report("leicestershire-ld-2020-24", "cabinet-2020-03-24.yaml"),
    );
    let report = p.run(false, Mode::Draft);
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let doc = report.built("reports/cabinet-2020-03-24.pdf").unwrap();
    let text = doc.reading_text();
    let a = text.find("PART A").expect("PART A");
    let b = text.find("PART B").expect("PART B");
    assert!(a < b);
    assert!(text.contains(
        "£7,459,000 from the County Council and £7,256,000 from the CCGs, £14,715,000 in all"
    ));
    assert!(text.contains("run until 31 March 2024") && text.contains("to 31 March 2026"));
    let numbers: Vec<usize> = doc
        .lines()
        .filter_map(|l| l.split_once(". ").and_then(|(n, _)| n.trim().parse().ok()))
        .collect();
    assert!(numbers.len() > 10, "{numbers:?}");
    assert_eq!(
        numbers,
        (1..=numbers.len()).collect::<Vec<_>>(),
        "numbered through the whole report"
    );
    for letter in ["a)", "b)", "c)", "i)", "ii)", "iii)"] {
        assert!(
            doc.lines().any(|l| l.trim_start().starts_with(letter)),
            "recommendation {letter}"
        );
    }
}

#[test]
fn a_typed_figure_that_contradicts_the_agreement_is_an_error() {
    let yaml = example_report(BCF, "hwb-2020-01-23.yaml").replace(
        "The pooled fund is hosted",
        "The Disabled Facilities Grant is £3,920k and the plan totals £60.2m. The pooled fund is hosted",
    );
    let p = with_reports(&[("hwb-2020-01-23.yaml", &yaml)]);
    let diags = p.run(true, Mode::Draft).diagnostics;
    let found: Vec<_> = diags
        .iter()
        .filter(|d| d.code == Code::FigureContradicts)
        .collect();
    assert_eq!(found.len(), 2, "{diags:#?}");
    let dfg = found
        .iter()
        .find(|d| d.message.starts_with("£3,920k"))
        .unwrap();
    assert!(
        dfg.hint
            .contains("Disabled Facilities Grant: £3,919,459 (£3,919k in the £000 summary)"),
        "{}",
        dfg.hint
    );
    assert_eq!(dfg.line, line_of(&yaml, "£3,920k"));
    assert!(found.iter().any(|d| d.message.starts_with("£60.2m")));
    // Correct figures typed at their precision pass.
    let fine = example_report(BCF, "hwb-2020-01-23.yaml").replace(
        "The pooled fund is hosted",
        "The grant is £3,919k, in all £60.3m. The pooled fund is hosted",
    );
    let p = with_reports(&[("hwb-2020-01-23.yaml", &fine)]);
    assert!(!p
        .run(true, Mode::Draft)
        .diagnostics
        .iter()
        .any(|d| d.code == Code::FigureContradicts));
}

#[test]
fn a_report_citing_an_unknown_agreement_is_an_error() {
    let yaml = example_report(BCF, "hwb-2020-01-23.yaml").replace(
        "kind: report\n",
        "kind: report\nagreement: leicestershire-bcf-2099\n",
    );
    let p = with_reports(&[("hwb-2020-01-23.yaml", &yaml)]);
    let diags = p.run(true, Mode::Draft).diagnostics;
    let d = common::find(&diags, Code::ReportAgreement);
    assert!(d
        .message
        .contains("cites agreement `leicestershire-bcf-2099`"));
    assert_eq!(d.line, line_of(&yaml, "agreement: leicestershire-bcf-2099"));
}

const QUARTERLY: &str = "kind: quarterly\nid: q3\nfinancial_year: 2019/20\nquarter: 3\nmeeting: {body: Integration Finance and Performance Group, type: board, date: 2020-01-30}\nrag: {amber: \"1%\", red: \"3%\"}\nlines:\n  - {scheme: hart, budget: \"£5,372,500\", spent_to_date: \"£4,136,825\", forecast_outturn: \"£5,522,500\"}\n";

#[test]
fn quarterly_report_splits_the_overspend_to_the_penny_under_the_risk_share() {
    // The seed's stated shares, 6.64% / 5.04% / 88.32%.
    let hart = clean_hart()
        .replace("\"6.66%\"", "\"6.64%\"")
        .replace("\"5.02%\"", "\"5.04%\"");
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &hart);
    p.write_report("q3.yaml", QUARTERLY);
    let report = p.run(false, Mode::Draft);
    let text = report
        .built("reports/q3.pdf")
        .expect("built")
        .reading_text();
    assert!(
        text.contains("an overspend of £150,000. The overall status is Amber"),
        "{text}"
    );
    assert!(
        text.contains("the Council £132,480, ELRCCG £7,560 and WLCCG £9,960"),
        "{text}"
    );
    assert!(text.contains("£150,000 (2.8%) Amber"));
}

#[test]
fn quarterly_input_errors_are_located() {
    let outside = QUARTERLY.replace("financial_year: 2019/20", "financial_year: 2021/22");
    let unknown = QUARTERLY.replace("scheme: hart", "scheme: reablement");
    let p = with_reports(&[
        ("q3.yaml", &outside),
        ("q3b.yaml", &unknown.replace("id: q3", "id: q3b")),
    ]);
    let diags = p.run(true, Mode::Draft).diagnostics;
    let d = common::find(&diags, Code::QuarterOutsideTerm);
    assert!(d
        .message
        .contains("2021/22 is outside the agreement's term"));
    assert_eq!(d.line, line_of(&outside, "financial_year"));
    let d = diags
        .iter()
        .find(|d| d.code == Code::UnknownScheme)
        .unwrap();
    assert!(d.message.contains("scheme `reablement`"));
    assert_eq!(d.line, line_of(&unknown, "reablement"));

    // A CSV with an unknown scheme names the CSV file and row; `..` is refused.
    let csv = QUARTERLY.split("lines:").next().unwrap().to_string() + "lines_file: actuals.csv\n";
    let p = with_reports(&[
        ("q3.yaml", &csv),
        (
            "actuals.csv",
            "scheme,budget,spent_to_date,forecast_outturn\nhart,1000,500,900\nfalls,1000,500,900\n",
        ),
    ]);
    let diags = p.run(true, Mode::Draft).diagnostics;
    let d = common::find(&diags, Code::UnknownScheme);
    assert!(d.file.ends_with("actuals.csv") && d.line == 3, "{d:?}");

    // A row is reported at the line it starts on, after a quoted field
    // that spans lines, and whatever the line endings.
    for ending in ["\n", "\r\n", "\r"] {
        let text = "scheme,budget,spent_to_date,forecast_outturn\n\"hart\n\",1000,500,900\nhart,1000,x,900\n";
        let p = with_reports(&[
            ("q3.yaml", &csv),
            ("actuals.csv", &text.replace('\n', ending)),
        ]);
        let diags = p.run(true, Mode::Draft).diagnostics;
        let d = common::find(&diags, Code::ActualsFile);
        assert!(
            d.line == 4 && d.message.starts_with("row 4:"),
            "{ending:?}: {d:?}"
        );
    }
    let escape =
        QUARTERLY.split("lines:").next().unwrap().to_string() + "lines_file: ../../../etc/passwd\n";
    let p = with_reports(&[("q3.yaml", &escape)]);
    let diags = p.run(true, Mode::Draft).diagnostics;
    assert!(
        diags
            .iter()
            .any(|d| d.code == Code::ActualsFile && d.message.contains("paths with `..`")),
        "{diags:#?}"
    );
}

proptest! {
    /// Random amounts and shares: the parts always sum to the whole, and
    /// no share is more than a penny from its exact value.
    #[test]
    fn apportionment_is_exact_to_the_penny(pennies in -10_000_000_000i64..10_000_000_000i64, weights in prop::collection::vec(0u32..10_000, 1..8)) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let amount = Decimal::new(pennies, 2);
        let w: Vec<Decimal> = weights.iter().map(|w| Decimal::from(*w)).collect();
        let parts = s75::apportion::split(amount, &w).unwrap();
        prop_assert_eq!(parts.iter().copied().sum::<Decimal>(), amount);
        let total_w: Decimal = w.iter().copied().sum();
        for (p, wi) in parts.iter().zip(&w) {
            let exact = amount * *wi / total_w;
            prop_assert!((*p - exact).abs() < Decimal::new(1, 2), "{} vs exact {}", p, exact);
        }
    }

    /// £000 rounding: the shown parts add up to the shown total, and each
    /// is within one unit of its exact value.
    #[test]
    fn thousands_add_up(values in prop::collection::vec(0i64..100_000_000_000, 1..12)) {
        let v: Vec<Decimal> = values.iter().map(|p| Decimal::new(*p, 2)).collect();
        let (shown, total) = s75::apportion::round_to_total(&v, Decimal::from(1000));
        prop_assert_eq!(shown.iter().copied().sum::<Decimal>(), total);
        for (s, exact) in shown.iter().zip(&v) {
            prop_assert!((*s - *exact / Decimal::from(1000)).abs() < Decimal::ONE);
        }
    }
}
