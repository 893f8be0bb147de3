//! Loading, checking and preparing the reports filed under an agreement's
//! `reports/` folder.

use std::path::{Path, PathBuf};

use minijinja::value::Value;
use serde::Serialize;

use crate::diag::{Code, Diagnostic, Mode};
use crate::finance::ContributionTable;
use crate::load::{self, SourceFile};
use crate::model::report::{ActualsLine, Quarterly, Report};
use crate::model::{Agreement, Money, Scheme};
use crate::report as figures;

/// A report file, parsed as whichever kind it declares.
pub enum Doc {
    Report(Report),
    Quarterly(Quarterly, Vec<ActualsLine>),
}

pub struct LoadedReport {
    pub source: SourceFile,
    pub doc: Option<Doc>,
    pub errors: bool,
    pub warnings: bool,
    /// Typst paragraphs for each text field of a committee report, by field path.
    pub texts: std::collections::BTreeMap<String, Vec<String>>,
}

/// `reports/*.yaml` beside an agreement file, in name order.
pub fn report_files(agreement: &Path) -> Vec<PathBuf> {
    load::yaml_files_beside(agreement, "reports")
}

/// Loads and checks one report against its agreement.
pub fn load(
    path: &Path,
    env: &minijinja::Environment<'static>,
    a: &Agreement,
    agreement_id: &str,
    schemes: &[&Scheme],
    mode: Mode,
    diags: &mut Vec<Diagnostic>,
) -> Option<LoadedReport> {
    let source = match SourceFile::read(path) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut found = crate::check::text(&source, mode);
    // One parse of the YAML, under the nesting limit; its `kind` says
    // which model to read it into.
    let tree = load::tree(&source).map_err(|d| found.push(d)).ok();
    let kind = tree
        .as_ref()
        .and_then(|v| v.get("kind").and_then(|k| k.as_str()).map(str::to_string));
    let mut texts = std::collections::BTreeMap::new();
    let doc = match kind.as_deref() {
        Some("quarterly") => {
            let (q, mut d) = tree.map_or((None, vec![]), |t| {
                load::parse_tree::<Quarterly>(&source, t)
            });
            found.append(&mut d);
            q.and_then(|q| {
                let lines = quarterly_lines(&source, &q, a, schemes, &mut found)?;
                Some(Doc::Quarterly(q, lines))
            })
        }
        _ => {
            let (r, mut d) =
                tree.map_or((None, vec![]), |t| load::parse_tree::<Report>(&source, t));
            found.append(&mut d);
            r.map(|r| {
                check_report(
                    &source,
                    &r,
                    a,
                    agreement_id,
                    schemes,
                    env,
                    &mut texts,
                    &mut found,
                );
                Doc::Report(r)
            })
        }
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = match &doc {
        Some(Doc::Report(r)) => Some(r.id.as_str()),
        Some(Doc::Quarterly(q, _)) => Some(q.id.as_str()),
        None => None,
    };
    if let Some(id) = id {
        found.extend(crate::check::file_id(&source, "report", id, &stem));
    }
    let errors = doc.is_none() || found.iter().any(Diagnostic::is_error);
    let warnings = found.iter().any(|d| !d.is_error());
    diags.extend(found);
    Some(LoadedReport {
        source,
        doc,
        errors,
        warnings,
        texts,
    })
}

/// The text fields of a report, with their YAML paths.
fn text_fields(r: &Report) -> Vec<(String, &str)> {
    let mut v: Vec<(String, &str)> = vec![
        ("title".into(), r.title.as_str()),
        ("purpose".into(), r.purpose.as_str()),
        ("policy_framework".into(), r.policy_framework.as_str()),
        ("background".into(), r.background.as_str()),
        (
            "resource_implications".into(),
            r.resource_implications.as_str(),
        ),
        ("circulation".into(), r.circulation.as_str()),
        (
            "equality_and_human_rights".into(),
            r.equality_and_human_rights.as_str(),
        ),
    ];
    if let Some(t) = &r.reasons_for_recommendations {
        v.push(("reasons_for_recommendations".into(), t));
    }
    if let Some(t) = &r.timetable {
        v.push(("timetable".into(), t));
    }
    for (i, rec) in r.recommendations.iter().enumerate() {
        v.push((format!("recommendations[{i}].text"), &rec.text));
        for (j, item) in rec.items.iter().enumerate() {
            v.push((format!("recommendations[{i}].items[{j}]"), item));
        }
    }
    for (i, s) in r.other_sections.iter().enumerate() {
        v.push((format!("other_sections[{i}].text"), &s.text));
    }
    v
}

#[allow(clippy::too_many_arguments)]
fn check_report(
    src: &SourceFile,
    r: &Report,
    a: &Agreement,
    agreement_id: &str,
    schemes: &[&Scheme],
    env: &minijinja::Environment<'static>,
    texts: &mut std::collections::BTreeMap<String, Vec<String>>,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(cited) = &r.agreement {
        if cited != agreement_id {
            out.push(
                src.at_value(Code::ReportAgreement, "agreement", format!("the report cites agreement `{cited}`, but it is filed under `{agreement_id}`"))
                    .hint(format!("file the report under agreements/{cited}/reports/ if that agreement exists, or cite `{agreement_id}`")),
            );
            return;
        }
    }
    let facts = figures::facts(a, schemes);
    let cx = figures::text_context(a);
    for (path, text) in text_fields(r) {
        out.extend(figures::contradictions(src, &path, text, &facts));
        match figures::text_to_typst(env, text, &cx) {
            Ok(t) => {
                texts.insert(path, t);
            }
            Err(e) => out.push(src.at_value(
                Code::ReportExpression,
                &path,
                format!("an expression in this text cannot be evaluated: {e}"),
            )),
        }
    }
}

/// The actuals lines, from the YAML or the CSV file it names, checked
/// against the agreement's term and schemes.
fn quarterly_lines(
    src: &SourceFile,
    q: &Quarterly,
    a: &Agreement,
    schemes: &[&Scheme],
    out: &mut Vec<Diagnostic>,
) -> Option<Vec<ActualsLine>> {
    let term_end = a.term.last_day();
    if !(1..=4).contains(&q.quarter) {
        out.push(src.at_value(
            Code::QuarterOutsideTerm,
            "quarter",
            format!("quarter {} is not 1 to 4", q.quarter),
        ));
    }
    let fy = q.financial_year;
    if !a.term.overlaps(fy) {
        out.push(src.at_value(
            Code::QuarterOutsideTerm,
            "financial_year",
            format!(
                "{fy} is outside the agreement's term ({} to {})",
                a.term.commencement.long(),
                term_end.long()
            ),
        ));
    }
    let mut lines = q.lines.clone();
    let mut origin: Vec<(PathBuf, String)> = (0..lines.len())
        .map(|i| (src.path.clone(), format!("lines[{i}].scheme")))
        .collect();
    if let Some(file) = &q.lines_file {
        let rel = Path::new(file);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
            || rel.components().count() != 1
        {
            out.push(src.at_value(Code::ActualsFile, "lines_file", format!("`{file}` must be a file name in the report's own folder; paths with `..` or folders are refused")));
            return None;
        }
        let path = src.path.parent().unwrap_or(Path::new(".")).join(rel);
        // Read like every other input: size limit, UTF-8, line breaks.
        let text = match SourceFile::read(&path) {
            Ok(f) => f.text,
            Err(e) => {
                out.push(src.at_value(
                    Code::ActualsFile,
                    "lines_file",
                    format!("cannot read `{file}`: {}", e.message),
                ));
                return None;
            }
        };
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                out.push(
                    Diagnostic::error(Code::ActualsFile, &path, format!("header row: {e}"))
                        .at(1, 1),
                );
                return None;
            }
        };
        for rec in reader.records() {
            // The line the row starts on, as an editor numbers it.
            let (row, parsed) = match rec {
                Ok(r) => (
                    r.position().map_or(0, |p| p.line() as usize),
                    r.deserialize::<CsvLine>(Some(&headers))
                        .map_err(|e| e.to_string())
                        .and_then(CsvLine::into_line),
                ),
                Err(e) => (
                    e.position().map_or(0, |p| p.line() as usize),
                    Err(e.to_string()),
                ),
            };
            match parsed {
                Ok(l) => {
                    lines.push(l);
                    origin.push((path.clone(), format!("row {row}")));
                }
                Err(e) => out.push(
                    Diagnostic::error(Code::ActualsFile, &path, format!("row {row}: {e}"))
                        .at(row, 1),
                ),
            }
        }
    }
    for (l, (file, at)) in lines.iter().zip(&origin) {
        if !schemes.iter().any(|s| s.id == l.scheme) {
            let ids: Vec<&str> = schemes.iter().map(|s| s.id.as_str()).collect();
            let d = if *file == src.path {
                src.at_value(
                    Code::UnknownScheme,
                    at,
                    format!(
                        "there are actuals for scheme `{}`, which the agreement does not have",
                        l.scheme
                    ),
                )
            } else {
                let row: usize = at.trim_start_matches("row ").parse().unwrap_or(0);
                Diagnostic::error(Code::UnknownScheme, file, format!("{at}: there are actuals for scheme `{}`, which the agreement does not have", l.scheme)).at(row, 1)
            };
            out.push(d.hint(format!("the agreement's schemes are: {}", ids.join(", "))));
        }
    }
    Some(lines)
}

/// A row of an actuals CSV file.
#[derive(serde::Deserialize)]
struct CsvLine {
    scheme: String,
    budget: String,
    spent_to_date: String,
    forecast_outturn: String,
}

impl CsvLine {
    fn into_line(self) -> Result<ActualsLine, String> {
        let m = |s: &str| Money::parse(s).map_err(|e| e.to_string());
        Ok(ActualsLine {
            scheme: self.scheme,
            budget: m(&self.budget)?,
            spent_to_date: m(&self.spent_to_date)?,
            forecast_outturn: m(&self.forecast_outturn)?,
        })
    }
}

#[derive(Serialize)]
struct SummaryView {
    rows: Vec<figures::SummaryRow>,
    total_thousands: rust_decimal::Decimal,
    total: Money,
    year: String,
}

/// The context for `report.typ.j2`.
pub fn report_context(
    a: &Agreement,
    r: &Report,
    texts: &std::collections::BTreeMap<String, Vec<String>>,
) -> Value {
    let table = ContributionTable::compute(a);
    let (rows, total_thousands, total) = figures::funding_summary(&table);
    // Paragraphs of the body are numbered through the whole report; short
    // texts (title, recommendations) are run together.
    let numbered = |k: &str| {
        texts
            .get(k)
            .map(|ps| {
                Value::from_safe_string(
                    ps.iter()
                        .map(|p| format!("#para[{p}]"))
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                )
            })
            .unwrap_or(Value::from(()))
    };
    let t = |k: &str| {
        texts
            .get(k)
            .map(|ps| Value::from_safe_string(ps.join(" ")))
            .unwrap_or(Value::from(()))
    };
    let recommendations: Vec<Value> = r
        .recommendations
        .iter()
        .enumerate()
        .map(|(i, rec)| {
            let items: Vec<Value> = (0..rec.items.len())
                .map(|j| t(&format!("recommendations[{i}].items[{j}]")))
                .collect();
            minijinja::context! { text => t(&format!("recommendations[{i}].text")), items => items }
        })
        .collect();
    let others: Vec<Value> = r
        .other_sections
        .iter()
        .enumerate()
        .map(|(i, s)| minijinja::context! { heading => s.heading.clone(), text => numbered(&format!("other_sections[{i}].text")) })
        .collect();
    minijinja::context! {
        a => Value::from_serialize(a),
        r => Value::from_serialize(r),
        cabinet => matches!(r.meeting.kind, crate::model::report::MeetingKind::Cabinet),
        title => t("title"),
        purpose => numbered("purpose"),
        reasons => numbered("reasons_for_recommendations"),
        timetable => numbered("timetable"),
        policy_framework => numbered("policy_framework"),
        background => numbered("background"),
        resource_implications => numbered("resource_implications"),
        circulation => numbered("circulation"),
        equality => numbered("equality_and_human_rights"),
        recommendations => recommendations,
        others => others,
        summary => Value::from_serialize(SummaryView { rows, total_thousands, total, year: table.financial_year.clone() }),
    }
}

/// The context for `quarterly.typ.j2`.
pub fn quarterly_context(
    a: &Agreement,
    schemes: &[&Scheme],
    q: &Quarterly,
    lines: &[ActualsLine],
) -> Value {
    let figs = figures::quarter(a, schemes, q, lines);
    let names: std::collections::BTreeMap<String, String> = a
        .parties
        .iter()
        .map(|p| (p.id.clone(), p.short_name.clone()))
        .chain(
            a.groups
                .iter()
                .filter_map(|g| g.id.clone().map(|id| (id, g.name.clone()))),
        )
        .collect();
    let max = figs
        .lines
        .iter()
        .map(|l| l.budget.amount().max(l.forecast_outturn.amount()))
        .max()
        .unwrap_or_default();
    minijinja::context! {
        a => Value::from_serialize(a),
        q => Value::from_serialize(q),
        f => Value::from_serialize(&figs),
        names => names,
        chart_max => max.to_string(),
    }
}
