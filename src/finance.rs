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
    /// Contributor ids (parties, or groups such as "the CCGs"), in the
    /// order the agreement lists them.
    pub partners: Vec<String>,
    /// What each contributor is called in the text, capitalised for a
    /// column heading.
    pub labels: Vec<String>,
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
    /// Schedule 3's table: a column for each party or group that
    /// contributes to any stream.
    pub fn compute(a: &Agreement) -> ContributionTable {
        let named = |id: &str| {
            a.contributions
                .streams
                .iter()
                .any(|s| s.amounts.contains_key(id))
        };
        let ids = a
            .parties
            .iter()
            .map(|p| p.id.clone())
            .chain(a.groups.iter().filter_map(|g| g.id.clone()))
            .filter(|id| named(id))
            .collect();
        let mut t = Self::from_parts(ids, &a.contributions);
        t.labels = t
            .partners
            .iter()
            .map(|id| capitalise(a.short_name(id).unwrap_or(id)))
            .collect();
        t
    }

    pub fn from_parts(partners: Vec<String>, c: &Contributions) -> ContributionTable {
        let rows: Vec<Row> = c
            .streams
            .iter()
            .map(|s| {
                let amounts: Vec<Money> = partners
                    .iter()
                    .map(|p| s.amounts.get(p).copied().unwrap_or(Money::ZERO))
                    .collect();
                Row {
                    name: s.name.clone(),
                    total: amounts.iter().copied().sum(),
                    amounts,
                }
            })
            .collect();
        let partner_totals: Vec<Money> = (0..partners.len())
            .map(|i| rows.iter().map(|r| r.amounts[i]).sum())
            .collect();
        let total = rows.iter().map(|r| r.total).sum();
        ContributionTable {
            financial_year: c.financial_year.to_string(),
            labels: partners.clone(),
            partners,
            rows,
            partner_totals,
            total,
        }
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
            streams: vec![crate::model::agreement::Stream {
                name: name.to_string(),
                amounts: amounts.clone(),
                stated_total: None,
            }],
            stated_totals: None,
        };
        Self::from_parts(partners.to_vec(), &c)
    }

    pub fn partner_total(&self, id: &str) -> Option<Money> {
        self.partners
            .iter()
            .position(|p| p == id)
            .map(|i| self.partner_totals[i])
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
