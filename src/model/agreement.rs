//! The agreement: parties, term, pooled fund, governance and contributions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::money::Money;
use super::party::{Officer, Party};
use super::time::{Date, FinancialYear};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Agreement,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub kind: Kind,
    /// Title on the cover, e.g. "Better Care Fund Section 75 Agreement 2019/20".
    pub title: String,
    /// The area the agreement covers, e.g. "Leicestershire".
    pub area: String,
    /// Whether the agreement runs the area's Better Care Fund, which brings
    /// in the Better Care Fund clauses and Schedule 6 (the BCF plan).
    #[serde(default)]
    pub better_care_fund: bool,
    /// Date the agreement is made. Left out, the date line is blank to fill in by hand.
    #[serde(default)]
    pub date_made: Option<Date>,
    /// The date stamped into the PDF's metadata. Defaults to the commencement date.
    #[serde(default)]
    pub document_date: Option<Date>,
    pub parties: Vec<Party>,
    /// Collective names used in the text, e.g. "the CCGs" for the two CCGs.
    #[serde(default)]
    pub groups: Vec<Group>,
    pub term: Term,
    #[serde(default)]
    pub supersedes: Option<Superseded>,
    /// Background recitals (A), (B), ... in the order given.
    #[serde(default)]
    pub recitals: Vec<String>,
    pub pooled_fund: PooledFund,
    pub health_and_wellbeing_board: NamedBody,
    pub partnership_board: PartnershipBoard,
    pub contributions: Contributions,
    /// The negotiable numbers and officers the clauses quote.
    pub provisions: Provisions,
    /// Negotiated departures from the standard clause library.
    #[serde(default)]
    pub changes: Vec<Change>,
    /// Defined terms added for this agreement (plain text).
    #[serde(default)]
    pub definitions: Vec<Definition>,
    /// Version of the draft, shown in the draft footer.
    #[serde(default)]
    pub version: Option<String>,
    /// Who the arrangements cover, who they leave out, and what may be
    /// added later by variation.
    #[serde(default)]
    pub scope: Option<Scope>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// The people the pooled arrangements are for.
    pub client_group: String,
    /// Funding arrangements or people left out.
    #[serde(default)]
    pub excluded: Vec<String>,
    /// What the Partners may add later by a variation.
    #[serde(default)]
    pub options: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    pub term: String,
    /// Completes "“Term” means ...".
    pub meaning: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provisions {
    /// Notice any Partner must give to end the whole agreement.
    pub termination_notice_months: u32,
    /// Days a force majeure event must last before a Partner may end the agreement.
    pub force_majeure_days: u32,
    pub dispute_resolution: DisputeResolution,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeResolution {
    /// Days within which the Authorised Officers meet after a dispute notice.
    pub authorised_officers_meet_within_days: u32,
    /// Days within which the escalation officers meet after that.
    pub escalation_meet_within_days: u32,
    /// Working days within which a mediation starts.
    pub mediation_within_working_days: u32,
    /// The senior officer of each party a dispute is escalated to.
    pub escalation: Vec<EscalationOfficer>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationOfficer {
    /// Party id.
    pub partner: String,
    /// Post, e.g. "Director of Adults and Communities".
    pub officer: String,
}

/// A negotiated change to the standard clause library, by clause id.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Replace the text of this clause.
    #[serde(default)]
    pub replace: Option<String>,
    /// Add a new clause with this id.
    #[serde(default)]
    pub add: Option<String>,
    /// With `add`: the clause id it follows.
    #[serde(default)]
    pub after: Option<String>,
    /// Remove this clause.
    #[serde(default)]
    pub remove: Option<String>,
    /// Heading for an added clause, or a new heading for a replaced one.
    #[serde(default)]
    pub title: Option<String>,
    /// The clause text in s75's safe markup: paragraphs separated by blank
    /// lines become numbered sub-clauses, lines starting "- " list items,
    /// `_words_` emphasis, and `{clause:ID}` / `{schedule:ID}` references.
    #[serde(default)]
    pub text: Option<String>,
    /// Why the Partners agreed the change (shown in the check output).
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Optional id, so that contributions can be given for the group as a
    /// whole (e.g. the CCGs' combined contribution).
    #[serde(default)]
    pub id: Option<String>,
    /// e.g. "the CCGs"
    pub name: String,
    /// Party ids.
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub commencement: Date,
    /// Last day of the initial term.
    pub initial_term_end: Date,
    /// Latest date the term may be extended to, if extension is allowed.
    #[serde(default)]
    pub extendable_to: Option<Date>,
}

impl Term {
    /// The last day the agreement can run: the extension limit if it may
    /// be extended, else the end of the initial term.
    pub fn last_day(&self) -> Date {
        self.extendable_to.unwrap_or(self.initial_term_end)
    }

    /// Whether any day of `fy` falls within the term.
    pub fn overlaps(&self, fy: FinancialYear) -> bool {
        fy.end() >= self.commencement && fy.start() <= self.last_day()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Superseded {
    /// Defined-term name, e.g. "BCF 2017-19 Agreement".
    pub name: String,
    pub start: Date,
    pub end: Date,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PooledFund {
    pub name: String,
    /// Party id of the host partner.
    pub host: String,
    pub manager: Officer,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedBody {
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnershipBoard {
    /// What the board is known as locally, e.g. "Integration Finance and Performance Group".
    pub known_as: String,
    pub members: Vec<BoardMember>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BoardMember {
    /// Post, e.g. "Chief Finance Officer".
    pub role: String,
    /// Party id of the member's employer.
    pub partner: String,
    /// Whether a deputy may attend in the member's place.
    #[serde(default = "yes")]
    pub deputy_allowed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contributions {
    pub financial_year: FinancialYear,
    pub streams: Vec<Stream>,
    /// Totals as written in a source document. They are never used for
    /// output; the check compares them against the arithmetic.
    #[serde(default)]
    pub stated_totals: Option<StatedTotals>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stream {
    pub name: String,
    /// Contribution by party id. A party left out contributes nothing.
    pub amounts: BTreeMap<String, Money>,
    #[serde(default)]
    pub stated_total: Option<Money>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatedTotals {
    #[serde(default)]
    pub by_partner: BTreeMap<String, Money>,
    #[serde(default)]
    pub total: Option<Money>,
}

impl Agreement {
    pub fn party(&self, id: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.id == id)
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id.as_deref() == Some(id))
    }

    /// The name used in the text for a party or group id.
    pub fn short_name(&self, id: &str) -> Option<&str> {
        self.party(id)
            .map(|p| p.short_name.as_str())
            .or_else(|| self.group(id).map(|g| g.name.as_str()))
    }
}
