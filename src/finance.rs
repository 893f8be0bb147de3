//! Figures computed from the data. Totals are always recomputed here and
//! never taken from the YAML.

use serde::Serialize;

use crate::model::agreement::Contributions;
use crate::model::{Agreement, Money};

/// Schedule 3's contributions table: a row per funding stream, a column
/// per partner, with row, column and grand totals computed.
#[derive(Debug, Clone, Serialize)]
pub struct ContributionTable {
    pub financial_year: String,
    /// Party ids, in the order the parties are listed in the agreement.
    pub partners: Vec<String>,
    pub rows: Vec<Row>,
    pub partner_totals: Vec<Money>,
    pub total: Money,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub name: String,
    pub amounts: Vec<Money>,
    pub total: Money,
}

impl ContributionTable {
    pub fn compute(a: &Agreement) -> ContributionTable {
        Self::from_parts(a.parties.iter().map(|p| p.id.clone()).collect(), &a.contributions)
    }

    pub fn from_parts(partners: Vec<String>, c: &Contributions) -> ContributionTable {
        let rows: Vec<Row> = c
            .streams
            .iter()
            .map(|s| {
                let amounts: Vec<Money> =
                    partners.iter().map(|p| s.amounts.get(p).copied().unwrap_or(Money::ZERO)).collect();
                Row { name: s.name.clone(), total: amounts.iter().copied().sum(), amounts }
            })
            .collect();
        let partner_totals: Vec<Money> =
            (0..partners.len()).map(|i| rows.iter().map(|r| r.amounts[i]).sum()).collect();
        let total = rows.iter().map(|r| r.total).sum();
        ContributionTable { financial_year: c.financial_year.to_string(), partners, rows, partner_totals, total }
    }

    /// One financial year of one fund's contributions, as a one-row table.
    pub fn for_year(
        partners: &[String],
        year: crate::model::FinancialYear,
        name: &str,
        amounts: &std::collections::BTreeMap<String, Money>,
    ) -> ContributionTable {
        let c = Contributions {
            financial_year: year,
            streams: vec![crate::model::agreement::Stream { name: name.to_string(), amounts: amounts.clone(), stated_total: None }],
            stated_totals: None,
        };
        Self::from_parts(partners.to_vec(), &c)
    }

    pub fn partner_total(&self, id: &str) -> Option<Money> {
        self.partners.iter().position(|p| p == id).map(|i| self.partner_totals[i])
    }
}
