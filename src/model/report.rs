//! Board and Cabinet reports, and the Partnership Board's quarterly
//! pooled-fund report. Their figures come from the agreement's data.

use serde::{Deserialize, Serialize};

use super::money::{Money, Percent};
use super::time::{Date, FinancialYear};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportKind {
    Report,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeetingKind {
    /// A board or committee (e.g. the Health and Wellbeing Board).
    Board,
    /// Cabinet: reports come in PART A and PART B.
    Cabinet,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    /// e.g. "Health and Wellbeing Board", "Cabinet".
    pub body: String,
    #[serde(rename = "type")]
    pub kind: MeetingKind,
    pub date: Date,
}

/// A committee report in the house style of council reports. Text fields
/// may quote the agreement's figures with `{{ ... }}` expressions; any £
/// figure typed in the text must agree with the agreement.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub kind: ReportKind,
    pub id: String,
    /// The agreement the report cites: its folder name. Defaults to the
    /// folder the report is in.
    #[serde(default)]
    pub agreement: Option<String>,
    pub meeting: Meeting,
    pub title: String,
    /// e.g. "Director of Adults and Communities".
    pub report_of: String,
    pub purpose: String,
    pub recommendations: Vec<Recommendation>,
    #[serde(default)]
    pub reasons_for_recommendations: Option<String>,
    #[serde(default)]
    pub timetable: Option<String>,
    pub policy_framework: String,
    pub background: String,
    pub resource_implications: String,
    /// Show the £000 funding summary derived from Schedule 3 under
    /// resource implications.
    #[serde(default)]
    pub funding_summary: bool,
    /// Circulation under the local issues alert procedure, e.g. "None."
    pub circulation: String,
    pub officers: Vec<Officer>,
    #[serde(default)]
    pub background_papers: Vec<String>,
    pub equality_and_human_rights: String,
    /// Further headed sections after the equality implications (e.g. risk).
    #[serde(default)]
    pub other_sections: Vec<OtherSection>,
    #[serde(default)]
    pub appendices: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    pub text: String,
    #[serde(default)]
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherSection {
    pub heading: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub telephone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum QuarterlyKind {
    Quarterly,
}

/// The pooled fund manager's quarterly report of income and expenditure.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quarterly {
    pub kind: QuarterlyKind,
    pub id: String,
    pub financial_year: FinancialYear,
    /// 1 to 4 (April–June is quarter 1).
    pub quarter: u8,
    pub meeting: Meeting,
    /// RAG status of each scheme from its forecast variance as a share of
    /// its budget.
    pub rag: RagThresholds,
    /// Actuals per scheme, here or in a CSV file beside this one.
    #[serde(default)]
    pub lines: Vec<ActualsLine>,
    /// A CSV file (scheme,budget,spent_to_date,forecast_outturn) in the
    /// same folder.
    #[serde(default)]
    pub lines_file: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RagThresholds {
    /// Overspend forecast at or above this share of budget is amber.
    pub amber: Percent,
    /// Overspend forecast at or above this share of budget is red.
    pub red: Percent,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualsLine {
    /// Scheme id.
    pub scheme: String,
    pub budget: Money,
    pub spent_to_date: Money,
    pub forecast_outturn: Money,
}
