//! What the templates see: the models, plus every figure computed from
//! them. Templates never add up numbers themselves.

use std::collections::BTreeMap;

use minijinja::value::Value;
use serde::Serialize;

use crate::finance::ContributionTable;
use crate::library::{Contents, Uses};
use crate::model::party::{Execution, Party};
use crate::model::scheme::{Fund, Section};
use crate::model::template::SchemeTemplate;
use crate::model::{Agreement, Money, Scheme};

#[derive(Serialize)]
pub struct PartyView<'a> {
    #[serde(flatten)]
    pub party: &'a Party,
    pub type_words: &'static str,
    pub execution: Execution,
    pub is_local_authority: bool,
}

/// The parties as templates see them: `parties` (a list, in order) and
/// `party` (by id).
fn party_values(a: &Agreement) -> (Value, Value) {
    let parties = parties(a);
    let by_id: BTreeMap<&str, &PartyView> =
        parties.iter().map(|p| (p.party.id.as_str(), p)).collect();
    (
        Value::from_serialize(&parties),
        Value::from_serialize(&by_id),
    )
}

pub fn parties(a: &Agreement) -> Vec<PartyView<'_>> {
    a.parties
        .iter()
        .map(|p| PartyView {
            party: p,
            type_words: p.kind.describe(),
            execution: p.kind.execution(),
            is_local_authority: p.kind.is_local_authority(),
        })
        .collect()
}

/// A heading of the Part 2 template as it applies to one scheme.
#[derive(Serialize)]
pub struct HeadingView<'a> {
    pub key: &'a str,
    pub title: &'a str,
    pub guidance: &'a [String],
    /// Structured fields shown under this heading (`funds`, `lead_officers`...).
    pub fields: Vec<&'a str>,
    pub text: Option<&'a str>,
    pub not_applicable: Option<&'a str>,
}

#[derive(Serialize)]
pub struct FundView<'a> {
    #[serde(flatten)]
    pub fund: &'a Fund,
    pub years: Vec<ContributionTable>,
    pub zero_value: bool,
}

#[derive(Serialize)]
pub struct SchemeView<'a> {
    #[serde(flatten)]
    pub scheme: &'a Scheme,
    /// "A" for the first scheme in Schedule 1 Part 3, "B" for the next...
    pub letter: String,
    pub headings: Vec<HeadingView<'a>>,
    pub funds: Vec<FundView<'a>>,
    pub arrangement_words: Vec<&'static str>,
    pub start: String,
    pub end: String,
}

pub fn headings<'a>(t: &'a SchemeTemplate, s: Option<&'a Scheme>) -> Vec<HeadingView<'a>> {
    t.headings
        .iter()
        .map(|h| {
            let section = s.and_then(|s| s.sections.get(&h.key));
            HeadingView {
                key: &h.key,
                title: &h.title,
                guidance: &h.guidance,
                fields: h.fields(),
                text: match section {
                    Some(Section::Text(t)) => Some(t.as_str()),
                    _ => None,
                },
                not_applicable: match section {
                    Some(Section::NotApplicable(n)) => Some(n.not_applicable.as_str()),
                    _ => None,
                },
            }
        })
        .collect()
}

pub fn scheme<'a>(
    a: &'a Agreement,
    t: &'a SchemeTemplate,
    s: &'a Scheme,
    index: usize,
) -> SchemeView<'a> {
    let partners: Vec<String> = a.parties.iter().map(|p| p.id.clone()).collect();
    let funds = s
        .funds
        .iter()
        .map(|f| {
            let years: Vec<ContributionTable> = f
                .contributions
                .iter()
                .map(|y| {
                    ContributionTable::for_year(&partners, y.financial_year, &f.name, &y.amounts)
                })
                .collect();
            let zero_value = years.iter().all(|y| y.total == Money::ZERO);
            FundView {
                fund: f,
                years,
                zero_value,
            }
        })
        .collect();
    let term_end = a.term.last_day();
    SchemeView {
        scheme: s,
        letter: letter(index),
        headings: headings(t, Some(s)),
        funds,
        arrangement_words: s.arrangements.iter().map(|a| a.describe()).collect(),
        start: s.commencement.unwrap_or(a.term.commencement).to_string(),
        end: s.end.unwrap_or(term_end).to_string(),
    }
}

#[derive(Serialize)]
struct SchemeSummary<'a> {
    id: &'a str,
    title: &'a str,
    letter: String,
    risk_share: &'a Option<crate::model::scheme::RiskShare>,
}

/// A, B, ... Z, AA, AB ...
pub fn letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = String::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.insert(0, (b'A' + r as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// A defined term and its rendered meaning (typst, already escaped).
#[derive(Debug, Clone, Serialize)]
pub struct DefinitionView {
    pub term: String,
    pub meaning: String,
}

/// The values an agreement's templates see, built once; [`AgreementCx::with`]
/// adds the definitions.
pub struct AgreementCx {
    values: Vec<(&'static str, Value)>,
}

impl AgreementCx {
    /// The full context. Built in one `context!` so that values marked
    /// safe (already-escaped typst) stay marked.
    pub fn with(&self, definitions: &[DefinitionView]) -> Value {
        let definitions: Vec<Value> = definitions
            .iter()
            .map(|d| minijinja::context! { term => d.term.clone(), meaning => Value::from_safe_string(d.meaning.clone()) })
            .collect();
        let get = |k: &str| {
            self.values
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        minijinja::context! {
            a => get("a"), parties => get("parties"), party => get("party"), table => get("table"),
            year_made => get("year_made"), host => get("host"), template => get("template"),
            schemes => get("schemes"), uses => get("uses"), clauses => get("clauses"),
            schedules => get("schedules"), removed => get("removed"), definitions => definitions,
            scheme_bodies => get("scheme_bodies"),
        }
    }
}

/// The values an agreement's templates see (add definitions with
/// [`AgreementCx::with`]).
///
/// With `scheme_bodies` false the Part 3 specifications are left out: a
/// check has already checked each scheme on its own, and their text is
/// not linted, so `s75 check` need not render it.
pub fn agreement_context(
    a: &Agreement,
    t: &SchemeTemplate,
    schemes: &[&Scheme],
    contents: &Contents,
    scheme_bodies: bool,
) -> AgreementCx {
    let (parties, party) = party_values(a);
    let table = ContributionTable::compute(a);
    let year_made = a.date_made.unwrap_or(a.term.commencement).year();
    let uses = Uses::of(a, schemes);
    let schemes_value = if scheme_bodies {
        Value::from_serialize(
            schemes
                .iter()
                .enumerate()
                .map(|(i, s)| scheme(a, t, s, i))
                .collect::<Vec<SchemeView>>(),
        )
    } else {
        // Titles and risk shares only: what Schedule 3 and the headings use.
        Value::from_serialize(
            schemes
                .iter()
                .enumerate()
                .map(|(i, s)| SchemeSummary {
                    id: &s.id,
                    title: &s.title,
                    letter: letter(i),
                    risk_share: &s.risk_share,
                })
                .collect::<Vec<_>>(),
        )
    };
    let clauses: Vec<Value> = contents
        .clauses
        .iter()
        .map(|c| {
            minijinja::context! {
                id => c.id.clone(),
                title => c.title.clone(),
                change => c.change,
                typst => c.typst.clone().map(Value::from_safe_string),
            }
        })
        .collect();
    AgreementCx {
        values: vec![
            ("a", Value::from_serialize(a)),
            (
                "host",
                party.get_attr(&a.pooled_fund.host).unwrap_or_default(),
            ),
            ("parties", parties),
            ("party", party),
            ("table", Value::from_serialize(&table)),
            ("year_made", Value::from(year_made)),
            ("template", Value::from_serialize(headings(t, None))),
            ("schemes", schemes_value),
            ("uses", Value::from_serialize(uses)),
            ("clauses", Value::from(clauses)),
            ("schedules", Value::from_serialize(&contents.schedules)),
            ("removed", Value::from_serialize(&contents.removed)),
            ("scheme_bodies", Value::from(scheme_bodies)),
        ],
    }
}

/// The values a standalone scheme specification's templates see.
pub fn scheme_context(a: &Agreement, t: &SchemeTemplate, s: &Scheme, index: usize) -> Value {
    let (parties, party) = party_values(a);
    minijinja::context! {
        a => Value::from_serialize(a),
        parties => parties,
        party => party,
        s => Value::from_serialize(scheme(a, t, s, index)),
    }
}
