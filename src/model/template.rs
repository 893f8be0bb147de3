//! The Schedule 1 Part 2 template, read at run time from
//! `templates/schedule1-part2.yaml` so a council can change its template
//! without recompiling.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemeTemplate {
    pub headings: Vec<Heading>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Heading {
    pub key: String,
    pub title: String,
    #[serde(default)]
    pub guidance: Vec<String>,
    /// `text`, or `field:NAME` (alternatives joined with `|`): the
    /// structured field(s) of the scheme that complete this heading.
    pub requires: String,
}

impl Heading {
    /// The structured fields that can complete this heading; empty when
    /// it needs text.
    pub fn fields(&self) -> Vec<&str> {
        match self.requires.strip_prefix("field:") {
            Some(list) => list.split('|').map(str::trim).collect(),
            None => Vec::new(),
        }
    }
}

impl SchemeTemplate {
    pub fn heading(&self, key: &str) -> Option<&Heading> {
        self.headings.iter().find(|h| h.key == key)
    }
}
