//! An Individual Scheme: one scheme specification under Schedule 1 Part 3,
//! following the Part 2 template.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::money::{Money, Percent};
use super::time::{Date, FinancialYear};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Scheme,
}

/// The four mechanisms section 75 allows, as the template names them.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Arrangement {
    LeadCommissioning,
    IntegratedCommissioning,
    JointCommissioning,
    PooledFund,
    NonPooledFund,
}

impl Arrangement {
    pub fn describe(self) -> &'static str {
        match self {
            Arrangement::LeadCommissioning => "lead commissioning",
            Arrangement::IntegratedCommissioning => "integrated commissioning",
            Arrangement::JointCommissioning => "joint (aligned) commissioning",
            Arrangement::PooledFund => "a pooled fund",
            Arrangement::NonPooledFund => "a non-pooled fund",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    pub kind: Kind,
    /// Lower-case id; the file is `schemes/<id>.yaml`.
    pub id: String,
    pub title: String,
    /// Defaults to the agreement's commencement date.
    #[serde(default)]
    pub commencement: Option<Date>,
    /// Defaults to the end of the agreement's term.
    #[serde(default)]
    pub end: Option<Date>,
    /// Months of notice a Partner must give to end its part in the scheme.
    #[serde(default)]
    pub notice_months: Option<u32>,
    #[serde(default)]
    pub arrangements: Vec<Arrangement>,
    /// Party id of the lead commissioner, when lead commissioning is used.
    #[serde(default)]
    pub lead_commissioner: Option<String>,
    #[serde(default)]
    pub provider: Option<Provider>,
    #[serde(default)]
    pub funds: Vec<Fund>,
    #[serde(default)]
    pub risk_share: Option<RiskShare>,
    /// How costs are split between partners, purpose by purpose.
    #[serde(default)]
    pub split_rules: Vec<SplitRule>,
    #[serde(default)]
    pub lead_officers: Vec<LeadOfficer>,
    #[serde(default)]
    pub non_financial_resources: Vec<Resource>,
    /// Text under each heading of the Part 2 template, by heading key.
    #[serde(default)]
    pub sections: BTreeMap<String, Section>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    #[serde(default)]
    pub partner: Option<String>,
    #[serde(default)]
    pub in_house: bool,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FundType {
    Pooled,
    NonPooled,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fund {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FundType,
    /// Party id of the host partner (pooled funds).
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub manager: Option<FundManager>,
    #[serde(default)]
    pub contributions: Vec<YearContributions>,
    /// How money is paid out when the fund holds none up front, e.g. "cost per case".
    #[serde(default)]
    pub payment_basis: Option<String>,
    #[serde(default)]
    pub tariff: Vec<TariffLine>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundManager {
    #[serde(default)]
    pub name: Option<String>,
    pub title: String,
    /// Party id of the manager's employer; must be the host.
    pub partner: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YearContributions {
    pub financial_year: FinancialYear,
    /// Party id → amount.
    pub amounts: BTreeMap<String, Money>,
    #[serde(default)]
    pub stated_total: Option<Money>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TariffLine {
    pub item: String,
    pub price: Money,
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RiskBasis {
    FixedPercentages,
    InProportionToContributions,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskShare {
    pub basis: RiskBasis,
    /// Decimal places the percentages are stated to.
    #[serde(default = "two")]
    pub precision: u32,
    /// Party id → percentage.
    #[serde(default)]
    pub shares: BTreeMap<String, Percent>,
}

fn two() -> u32 {
    2
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitRule {
    pub purpose: String,
    pub shares: BTreeMap<String, Percent>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadOfficer {
    pub partner: String,
    #[serde(default)]
    pub name: Option<String>,
    pub title: String,
    pub email: String,
    #[serde(default)]
    pub telephone: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub partner: String,
    pub description: String,
}

/// The text under one template heading, or why it does not apply.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Section {
    Text(String),
    NotApplicable(NotApplicable),
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotApplicable {
    pub not_applicable: String,
}

impl Scheme {
    /// Every party id the scheme names, with the YAML path naming it and
    /// the role it is named in.
    pub fn party_refs(&self) -> Vec<(String, &str, &'static str)> {
        let mut out: Vec<(String, &str, &'static str)> = Vec::new();
        if let Some(l) = &self.lead_commissioner {
            out.push(("lead_commissioner".into(), l, "lead commissioner"));
        }
        if let Some(Provider {
            partner: Some(p), ..
        }) = &self.provider
        {
            out.push(("provider.partner".into(), p, "provider"));
        }
        for (f, fund) in self.funds.iter().enumerate() {
            if let Some(h) = &fund.host {
                out.push((format!("funds[{f}].host"), h, "host partner"));
            }
            if let Some(m) = &fund.manager {
                out.push((
                    format!("funds[{f}].manager.partner"),
                    &m.partner,
                    "pooled fund manager's employer",
                ));
            }
            for (y, year) in fund.contributions.iter().enumerate() {
                for id in year.amounts.keys() {
                    out.push((
                        format!("funds[{f}].contributions[{y}].amounts.{id}"),
                        id,
                        "contributor",
                    ));
                }
            }
        }
        if let Some(r) = &self.risk_share {
            for id in r.shares.keys() {
                out.push((format!("risk_share.shares.{id}"), id, "risk-bearer"));
            }
        }
        for (i, rule) in self.split_rules.iter().enumerate() {
            for id in rule.shares.keys() {
                out.push((format!("split_rules[{i}].shares.{id}"), id, "cost-bearer"));
            }
        }
        for (i, o) in self.lead_officers.iter().enumerate() {
            out.push((
                format!("lead_officers[{i}].partner"),
                &o.partner,
                "lead officer's partner",
            ));
        }
        for (i, r) in self.non_financial_resources.iter().enumerate() {
            out.push((
                format!("non_financial_resources[{i}].partner"),
                &r.partner,
                "resource provider",
            ));
        }
        out
    }

    /// The partners taking part: contributors, risk-bearers, lead, host and
    /// provider. Each must have a lead officer.
    pub fn participants(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .party_refs()
            .into_iter()
            .filter(|(_, _, role)| !matches!(*role, "lead officer's partner" | "resource provider"))
            .map(|(_, id, _)| id)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}
