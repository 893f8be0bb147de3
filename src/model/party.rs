//! Parties to an agreement and the kinds of body that may enter one.

use serde::{Deserialize, Serialize};

/// The kind of public body a party is. Section 75 arrangements are made
/// between local authorities and NHS bodies; nothing here assumes a CCG,
/// since agreements made after July 2022 name Integrated Care Boards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PartyType {
    CountyCouncil,
    DistrictCouncil,
    UnitaryCouncil,
    MetropolitanBoroughCouncil,
    LondonBoroughCouncil,
    IntegratedCareBoard,
    ClinicalCommissioningGroup,
    NhsTrust,
    NhsFoundationTrust,
}

/// How a party signs: a council seals, an NHS body executes as a deed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Execution {
    CommonSeal,
    Deed,
}

impl PartyType {
    pub fn is_local_authority(self) -> bool {
        matches!(
            self,
            PartyType::CountyCouncil
                | PartyType::DistrictCouncil
                | PartyType::UnitaryCouncil
                | PartyType::MetropolitanBoroughCouncil
                | PartyType::LondonBoroughCouncil
        )
    }

    pub fn is_nhs_body(self) -> bool {
        !self.is_local_authority()
    }

    pub fn execution(self) -> Execution {
        if self.is_local_authority() {
            Execution::CommonSeal
        } else {
            Execution::Deed
        }
    }

    /// Words a reader would use: "county council", "Integrated Care Board".
    pub fn describe(self) -> &'static str {
        match self {
            PartyType::CountyCouncil => "county council",
            PartyType::DistrictCouncil => "district council",
            PartyType::UnitaryCouncil => "unitary council",
            PartyType::MetropolitanBoroughCouncil => "metropolitan borough council",
            PartyType::LondonBoroughCouncil => "London borough council",
            PartyType::IntegratedCareBoard => "Integrated Care Board",
            PartyType::ClinicalCommissioningGroup => "clinical commissioning group",
            PartyType::NhsTrust => "NHS trust",
            PartyType::NhsFoundationTrust => "NHS foundation trust",
        }
    }
}

/// A named officer, e.g. an authorised officer or a pooled fund manager.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Officer {
    #[serde(default)]
    pub name: Option<String>,
    pub title: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub telephone: Option<String>,
}

/// Where notices to a party are sent.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeDetails {
    /// The post holder notices are addressed to, e.g. "The Chief Executive".
    pub addressee: String,
    /// Defaults to the party's own address.
    #[serde(default)]
    pub address: Vec<String>,
    #[serde(default)]
    pub telephone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Short identifier used to refer to this party elsewhere in the YAML.
    pub id: String,
    /// Full legal name, e.g. "NHS West Leicestershire Clinical Commissioning Group".
    pub name: String,
    /// The name used in the text, e.g. "the Council" or "WLCCG".
    pub short_name: String,
    #[serde(rename = "type")]
    pub kind: PartyType,
    pub address: Vec<String>,
    pub authorised_officer: Officer,
    pub notices: NoticeDetails,
    /// The posts that sign for the party at execution, e.g. "Director of
    /// Law and Governance". Needed for a final document.
    #[serde(default)]
    pub signatories: Vec<String>,
}
