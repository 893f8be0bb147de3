//! Reports built from the agreement's own data: the facts report text may
//! quote, the check that typed figures agree with them, the £000 funding
//! summary, and the quarterly pooled-fund figures.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::OnceLock;

use minijinja::value::Value;
use regex::Regex;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::apportion;
use crate::diag::{Code, Diagnostic};
use crate::escape;
use crate::finance::ContributionTable;
use crate::load::SourceFile;
use crate::model::money::format_pounds;
use crate::model::report::{ActualsLine, Quarterly};
use crate::model::scheme::RiskBasis;
use crate::model::{Agreement, Money, Scheme};

/// A figure of the agreement that report text may quote.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub what: String,
    pub amount: Money,
    /// The figure as the £000 summary shows it, when it is in it.
    pub thousands: Option<Decimal>,
}

/// One row of the £000 funding summary.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRow {
    pub name: String,
    /// Whole £000, rounded so the rows add up to the shown total.
    pub thousands: Decimal,
    pub exact: Money,
}

/// Schedule 3's streams in £000 by the largest-remainder rule, with the
/// exact amount beside each.
pub fn funding_summary(table: &ContributionTable) -> (Vec<SummaryRow>, Decimal, Money) {
    let exact: Vec<Decimal> = table.rows.iter().map(|r| r.total.amount()).collect();
    let (shown, total) = apportion::round_to_total(&exact, Decimal::from(1000));
    let rows = table
        .rows
        .iter()
        .zip(shown)
        .map(|(r, k)| SummaryRow {
            name: r.name.clone(),
            thousands: k,
            exact: r.total,
        })
        .collect();
    (rows, total, table.total)
}

/// Every figure of the agreement (and its schemes) a report may quote.
pub fn facts(a: &Agreement, schemes: &[&Scheme]) -> Vec<Fact> {
    let table = ContributionTable::compute(a);
    let (summary, total_k, _) = funding_summary(&table);
    let mut out = Vec::new();
    for (row, s) in table.rows.iter().zip(&summary) {
        out.push(Fact {
            what: row.name.clone(),
            amount: row.total,
            thousands: Some(s.thousands),
        });
        for (id, m) in table.partners.iter().zip(&row.amounts) {
            out.push(Fact {
                what: format!("{} from {}", row.name, a.short_name(id).unwrap_or(id)),
                amount: *m,
                thousands: None,
            });
        }
    }
    for (id, m) in table.partners.iter().zip(&table.partner_totals) {
        out.push(Fact {
            what: format!("the total from {}", a.short_name(id).unwrap_or(id)),
            amount: *m,
            thousands: None,
        });
    }
    out.push(Fact {
        what: "the total of all contributions".into(),
        amount: table.total,
        thousands: Some(total_k),
    });
    for s in schemes {
        for f in &s.funds {
            for y in &f.contributions {
                let total: Money = y.amounts.values().copied().sum();
                out.push(Fact {
                    what: format!("{} {}", f.name, y.financial_year),
                    amount: total,
                    thousands: None,
                });
                for (id, m) in &y.amounts {
                    out.push(Fact {
                        what: format!("{} from {}", f.name, a.short_name(id).unwrap_or(id)),
                        amount: *m,
                        thousands: None,
                    });
                }
            }
        }
    }
    out
}

/// The names report text can use in `{{ ... }}` expressions.
pub fn text_context(a: &Agreement) -> Value {
    let table = ContributionTable::compute(a);
    let (summary, total_k, _) = funding_summary(&table);
    let mut streams = BTreeMap::new();
    for (row, s) in table.rows.iter().zip(&summary) {
        let by: BTreeMap<String, Money> = table
            .partners
            .iter()
            .cloned()
            .zip(row.amounts.iter().copied())
            .collect();
        streams.insert(
            row.name.clone(),
            minijinja::context! { total => row.total, thousands => s.thousands, by => by },
        );
    }
    let mut partners = BTreeMap::new();
    for (id, m) in table.partners.iter().zip(&table.partner_totals) {
        partners.insert(id.clone(), minijinja::context! { name => a.party(id).map(|p| p.name.clone()).or_else(|| a.short_name(id).map(str::to_string)), short_name => a.short_name(id), total => m });
    }
    minijinja::context! {
        title => a.title.clone(),
        area => a.area.clone(),
        year => a.contributions.financial_year,
        total => table.total,
        total_thousands => total_k,
        streams => streams,
        partners => partners,
        term => Value::from_serialize(&a.term),
        host => a.party(&a.pooled_fund.host).map(|p| minijinja::context! { name => p.name.clone(), short_name => p.short_name.clone() }),
        manager => Value::from_serialize(&a.pooled_fund.manager),
        pooled_fund => a.pooled_fund.name.clone(),
        health_and_wellbeing_board => a.health_and_wellbeing_board.name.clone(),
        partnership_board => a.partnership_board.known_as.clone(),
    }
}

/// Splits text into literal parts and `{{ ... }}` expressions.
fn segments(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let Some(j) = rest[i..].find("}}") else { break };
        if i > 0 {
            out.push((false, &rest[..i]));
        }
        out.push((true, &rest[i..i + j + 2]));
        rest = &rest[i + j + 2..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// Report text to typst: paragraphs kept apart, literal text escaped, and
/// `{{ ... }}` expressions evaluated against the agreement's facts (their
/// values escaped by the environment). Statements (`{% %}`) are not
/// allowed: they are printed literally.
pub fn text_to_typst(
    env: &minijinja::Environment<'static>,
    text: &str,
    cx: &Value,
) -> Result<Vec<String>, String> {
    let mut paras = Vec::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let mut src = String::new();
        for (expr, part) in segments(para) {
            if expr {
                src.push_str(part);
            } else {
                src.push_str(&escape::markup(part).replace('{', "{{ '{' }}"));
            }
        }
        let rendered = env.render_str(&src, cx.clone()).map_err(|e| {
            let mut m = e.to_string();
            if let Some(d) = e.detail() {
                m = format!("{m}: {d}");
            }
            m
        })?;
        paras.push(rendered);
    }
    Ok(paras)
}

/// A money figure typed into text: "£3,920k", "£14.7m", "£60,267,168".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typed {
    pub text: String,
    pub value: Decimal,
    /// The figure is stated to the nearest `precision` pounds.
    pub precision: Decimal,
    /// Byte offset in the field's text.
    pub offset: usize,
}

fn figure_pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k|m|bn|million|billion)?\b").unwrap()
    })
}

/// The money figures typed in the literal parts of a text.
pub fn typed_figures(text: &str) -> Vec<Typed> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (expr, part) in segments(text) {
        if !expr {
            for c in figure_pattern().captures_iter(part) {
                let whole = c.get(0).unwrap();
                let int = c[1].replace(',', "");
                let frac = c.get(2).map(|m| m.as_str()).unwrap_or("");
                let Ok(n) = Decimal::from_str(&format!("{int}{frac}")) else {
                    continue;
                };
                let unit = match c.get(3).map(|m| m.as_str()) {
                    Some("k") => Decimal::from(1000),
                    Some("m") | Some("million") => Decimal::from(1_000_000),
                    Some("bn") | Some("billion") => Decimal::from(1_000_000_000),
                    _ => Decimal::ONE,
                };
                let places = frac.len().saturating_sub(1) as u32;
                let precision = unit / Decimal::from(10u64.pow(places));
                out.push(Typed {
                    text: whole.as_str().trim().to_string(),
                    value: n * unit,
                    precision,
                    offset: offset + whole.start(),
                });
            }
        }
        offset += part.len();
    }
    out
}

/// Whether a typed figure states a fact at its own precision.
fn agrees(t: &Typed, f: &Fact) -> bool {
    let exact = f.amount.amount();
    if t.precision <= Decimal::ONE {
        return (exact - t.value).abs() < t.precision.max(Decimal::new(1, 2));
    }
    let rounded = (exact / t.precision)
        .round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        * t.precision;
    rounded == t.value
        || (t.precision == Decimal::from(1000)
            && f.thousands.map(|k| k * Decimal::from(1000)) == Some(t.value))
}

/// Every typed figure in `text` that matches no figure of the agreement.
pub fn contradictions(src: &SourceFile, path: &str, text: &str, facts: &[Fact]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for t in typed_figures(text) {
        if facts.iter().any(|f| agrees(&t, f)) {
            continue;
        }
        // The nearest fact, to say what the figure probably should be.
        let nearest = facts
            .iter()
            .min_by_key(|f| (f.amount.amount() - t.value).abs());
        let hint = match nearest {
            Some(f) => {
                let shown = match f.thousands {
                    Some(k) => format!(
                        " (£{}k in the £000 summary)",
                        format_pounds(k).trim_start_matches('£')
                    ),
                    None => String::new(),
                };
                format!("the nearest figure in the agreement is {}: {}{shown}; quote it with an expression instead of typing it", f.what, f.amount.display())
            }
            None => "quote the agreement's figures with expressions".into(),
        };
        let mut d = src
            .at_value(
                Code::FigureContradicts,
                path,
                format!(
                    "{} does not match any figure in the agreement at the precision it is written",
                    t.text
                ),
            )
            .hint(hint);
        // Block text starts on the line after its key; count lines in.
        d.line += text[..t.offset].matches('\n').count();
        out.push(d);
    }
    out
}

/// One scheme's line of the quarterly report, with computed figures.
#[derive(Debug, Clone, Serialize)]
pub struct QuarterLine {
    pub scheme: String,
    pub title: String,
    pub budget: Money,
    pub spent_to_date: Money,
    pub forecast_outturn: Money,
    /// Forecast outturn less budget: positive is an overspend.
    pub variance: Money,
    /// Variance as a percentage of budget, to one decimal place.
    pub variance_pct: Decimal,
    pub rag: &'static str,
    /// "overspend", "underspend" or "none".
    pub direction: &'static str,
    /// The size of the variance, without its sign.
    pub variance_abs: Money,
    /// Each partner's share of the variance, to the penny.
    pub shares: Vec<(String, Money)>,
    /// How the variance was split.
    pub basis: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuarterFigures {
    pub lines: Vec<QuarterLine>,
    pub budget: Money,
    pub spent_to_date: Money,
    pub forecast_outturn: Money,
    pub variance: Money,
    pub rag: &'static str,
    pub direction: &'static str,
    pub variance_abs: Money,
    /// Each partner's share of the total variance.
    pub shares: Vec<(String, Money)>,
}

fn direction(v: Decimal) -> &'static str {
    if v > Decimal::ZERO {
        "overspend"
    } else if v < Decimal::ZERO {
        "underspend"
    } else {
        "none"
    }
}

fn rag(variance: Decimal, budget: Decimal, q: &Quarterly) -> (&'static str, Decimal) {
    if budget.is_zero() {
        return (
            if variance > Decimal::ZERO {
                "Red"
            } else {
                "Green"
            },
            Decimal::ZERO,
        );
    }
    let pct = variance * Decimal::from(100) / budget;
    let status = if pct >= q.rag.red.0 {
        "Red"
    } else if pct >= q.rag.amber.0 {
        "Amber"
    } else {
        "Green"
    };
    (status, pct.round_dp(1))
}

/// Variances, RAG status and the split of each variance between the
/// partners under the scheme's risk share (or in proportion to
/// contributions).
pub fn quarter(
    a: &Agreement,
    schemes: &[&Scheme],
    q: &Quarterly,
    lines: &[ActualsLine],
) -> QuarterFigures {
    let mut out_lines = Vec::new();
    let mut partner_totals: BTreeMap<String, Money> = BTreeMap::new();
    for l in lines {
        let Some(s) = schemes.iter().find(|s| s.id == l.scheme) else {
            continue;
        };
        let variance = l.forecast_outturn.amount() - l.budget.amount();
        let (status, pct) = rag(variance, l.budget.amount(), q);
        let (ids, weights, basis): (Vec<String>, Vec<Decimal>, String) = match &s.risk_share {
            Some(r) if r.basis == RiskBasis::FixedPercentages && !r.shares.is_empty() => (
                r.shares.keys().cloned().collect(),
                r.shares.values().map(|p| p.0).collect(),
                format!(
                    "fixed shares: {}",
                    r.shares
                        .iter()
                        .map(|(id, p)| format!(
                            "{} {}%",
                            a.short_name(id).unwrap_or(id),
                            p.0.normalize()
                        ))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            _ => {
                let mut by: BTreeMap<String, Decimal> = BTreeMap::new();
                for f in &s.funds {
                    for y in f
                        .contributions
                        .iter()
                        .filter(|y| y.financial_year == q.financial_year)
                    {
                        for (id, m) in &y.amounts {
                            *by.entry(id.clone()).or_default() += m.amount();
                        }
                    }
                }
                (
                    by.keys().cloned().collect(),
                    by.values().copied().collect(),
                    "in proportion to contributions".into(),
                )
            }
        };
        let shares: Vec<(String, Money)> = match apportion::split(variance, &weights) {
            Some(parts) => ids
                .iter()
                .cloned()
                .zip(parts.into_iter().map(Money::new))
                .collect(),
            None => Vec::new(),
        };
        for (id, m) in &shares {
            let e = partner_totals.entry(id.clone()).or_insert(Money::ZERO);
            *e = *e + *m;
        }
        out_lines.push(QuarterLine {
            scheme: s.id.clone(),
            title: s.title.clone(),
            budget: l.budget,
            spent_to_date: l.spent_to_date,
            forecast_outturn: l.forecast_outturn,
            variance: Money::new(variance),
            variance_pct: pct,
            rag: status,
            direction: direction(variance),
            variance_abs: Money::new(variance.abs()),
            shares,
            basis: if weights.iter().copied().sum::<Decimal>().is_zero() {
                "not shared: the scheme holds no contributions".into()
            } else {
                basis
            },
        });
    }
    let sum = |f: fn(&QuarterLine) -> Money| out_lines.iter().map(f).sum::<Money>();
    let budget = sum(|l| l.budget);
    let variance = sum(|l| l.variance);
    let (status, _) = rag(variance.amount(), budget.amount(), q);
    QuarterFigures {
        budget,
        spent_to_date: sum(|l| l.spent_to_date),
        forecast_outturn: sum(|l| l.forecast_outturn),
        variance,
        rag: status,
        direction: direction(variance.amount()),
        variance_abs: Money::new(variance.amount().abs()),
        shares: partner_totals.into_iter().collect(),
        lines: out_lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_typed_figures_and_their_precision() {
        let t = typed_figures(
            "DFG is £3,920k and iBCF £3,403k; total £60,267,168 or £14.7m. {{ total|money }}",
        );
        let got: Vec<(String, Decimal, Decimal)> = t
            .iter()
            .map(|t| (t.text.clone(), t.value, t.precision))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "£3,920k".into(),
                    Decimal::from(3_920_000),
                    Decimal::from(1000)
                ),
                (
                    "£3,403k".into(),
                    Decimal::from(3_403_000),
                    Decimal::from(1000)
                ),
                (
                    "£60,267,168".into(),
                    Decimal::from(60_267_168),
                    Decimal::ONE
                ),
                (
                    "£14.7m".into(),
                    Decimal::from(14_700_000),
                    Decimal::from(100_000)
                ),
            ]
        );
    }

    #[test]
    fn a_rounded_figure_agrees_only_at_its_precision() {
        let dfg = Fact {
            what: "DFG".into(),
            amount: Money::new(Decimal::from(3_919_459)),
            thousands: Some(Decimal::from(3919)),
        };
        let t = |s: &str| typed_figures(s).remove(0);
        assert!(agrees(&t("£3,919k"), &dfg));
        assert!(!agrees(&t("£3,920k"), &dfg));
        assert!(agrees(&t("£3.9m"), &dfg));
        assert!(agrees(&t("£3,919,459"), &dfg));
        assert!(!agrees(&t("£3,919,458"), &dfg));
    }
}
