//! The clause library: which clauses and schedules an agreement has, in
//! what order, and the negotiated changes to them.

use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic};
use crate::load::SourceFile;
use crate::markup::{self, RefKind, Reference};
use crate::model::scheme::{Arrangement, FundType};
use crate::model::{Agreement, Scheme};

/// `templates/clauses/library.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Library {
    pub clauses: Vec<Entry>,
    pub schedules: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: String,
    pub title: String,
    /// Include only when the data calls for it.
    #[serde(default)]
    pub when: Option<When>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    LeadCommissioning,
    IntegratedOrJoint,
    NonPooledFunds,
    BetterCareFund,
}

/// What the schemes use, which decides the conditional clauses.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Uses {
    pub lead_commissioning: bool,
    pub integrated_commissioning: bool,
    pub joint_commissioning: bool,
    pub non_pooled_funds: bool,
    pub better_care_fund: bool,
}

impl Uses {
    pub fn of(a: &Agreement, schemes: &[&Scheme]) -> Uses {
        let has = |a: Arrangement| schemes.iter().any(|s| s.arrangements.contains(&a));
        Uses {
            lead_commissioning: has(Arrangement::LeadCommissioning),
            integrated_commissioning: has(Arrangement::IntegratedCommissioning),
            joint_commissioning: has(Arrangement::JointCommissioning),
            non_pooled_funds: has(Arrangement::NonPooledFund)
                || schemes
                    .iter()
                    .any(|s| s.funds.iter().any(|f| f.kind == FundType::NonPooled)),
            better_care_fund: a.better_care_fund,
        }
    }

    fn wants(self, when: Option<When>) -> bool {
        match when {
            None => true,
            Some(When::LeadCommissioning) => self.lead_commissioning,
            Some(When::IntegratedOrJoint) => {
                self.integrated_commissioning || self.joint_commissioning
            }
            Some(When::NonPooledFunds) => self.non_pooled_funds,
            Some(When::BetterCareFund) => self.better_care_fund,
        }
    }
}

/// A clause as it appears in one agreement.
#[derive(Debug, Clone, Serialize)]
pub struct Clause {
    pub id: String,
    pub title: String,
    /// `replaced` or `added` when it differs from the standard library.
    pub change: Option<&'static str>,
    /// Typst for negotiated text; `None` means the library template.
    pub typst: Option<String>,
}

/// The clauses and schedules of one agreement.
#[derive(Debug, Clone, Serialize)]
pub struct Contents {
    pub clauses: Vec<Clause>,
    pub schedules: Vec<Entry>,
    /// Standard clauses the Partners removed: (id, title).
    pub removed: Vec<(String, String)>,
    /// Clauses left out because the data does not call for them.
    pub not_applicable: Vec<String>,
}

impl Contents {
    /// Every label a cross-reference may point at, before sub-clause labels.
    pub fn has(&self, kind: RefKind, id: &str) -> bool {
        match kind {
            RefKind::Clause => self.clauses.iter().any(|c| c.id == id),
            RefKind::Schedule => self.schedules.iter().any(|s| s.id == id),
        }
    }

    /// Lines for the check output naming the clauses that differ.
    pub fn differences(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (n, c) in self.clauses.iter().enumerate() {
            if let Some(change) = c.change {
                out.push(format!(
                    "clause {} “{}” ({}): {change}",
                    n + 1,
                    c.title,
                    c.id
                ));
            }
        }
        for (id, title) in &self.removed {
            out.push(format!("“{title}” ({id}): removed"));
        }
        out
    }
}

/// Applies the library's conditions and the agreement's changes. Problems
/// with the changes come back as diagnostics located in the agreement file.
pub fn contents(
    lib: &Library,
    a: &Agreement,
    schemes: &[&Scheme],
    src: &SourceFile,
) -> (Contents, Vec<Diagnostic>) {
    let uses = Uses::of(a, schemes);
    let mut diags = Vec::new();
    let mut clauses: Vec<Clause> = Vec::new();
    let mut not_applicable = Vec::new();
    for e in &lib.clauses {
        if uses.wants(e.when) {
            clauses.push(Clause {
                id: e.id.clone(),
                title: e.title.clone(),
                change: None,
                typst: None,
            });
        } else {
            not_applicable.push(e.id.clone());
        }
    }
    let mut removed = Vec::new();
    let mut refs: Vec<(usize, Reference)> = Vec::new();
    let bad = |i: usize, field: &str, msg: String| {
        src.at_value(Code::ClauseChange, &format!("changes[{i}].{field}"), msg)
    };
    for (i, ch) in a.changes.iter().enumerate() {
        let ops = [ch.replace.is_some(), ch.add.is_some(), ch.remove.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if ops != 1 {
            diags.push(src.at_value(
                Code::ClauseChange,
                &format!("changes[{i}]"),
                "a change must have exactly one of `replace`, `add` or `remove`",
            ));
            continue;
        }
        let text = ch.text.as_deref().map(markup::to_typst);
        if let Some((_, r)) = &text {
            refs.extend(r.iter().cloned().map(|r| (i, r)));
        }
        if let Some(id) = &ch.replace {
            match clauses.iter_mut().find(|c| &c.id == id) {
                Some(c) => match text {
                    Some((t, _)) => {
                        c.typst = Some(t);
                        c.change = Some("replaced");
                        if let Some(title) = &ch.title {
                            c.title = title.clone();
                        }
                    }
                    None => diags.push(bad(
                        i,
                        "replace",
                        format!("replacing clause `{id}` needs the new `text`"),
                    )),
                },
                None => diags.push(bad(
                    i,
                    "replace",
                    format!(
                        "there is no clause `{id}` to replace{}",
                        hint_na(&not_applicable, id)
                    ),
                )),
            }
        } else if let Some(id) = &ch.remove {
            match clauses.iter().position(|c| &c.id == id) {
                Some(p) => {
                    let c = clauses.remove(p);
                    removed.push((c.id, c.title));
                }
                None => diags.push(bad(
                    i,
                    "remove",
                    format!(
                        "there is no clause `{id}` to remove{}",
                        hint_na(&not_applicable, id)
                    ),
                )),
            }
        } else if let Some(id) = &ch.add {
            if !crate::escape::is_plain_id(id) {
                diags.push(bad(
                    i,
                    "add",
                    format!(
                        "`{id}` cannot be a clause id: use lower-case letters, digits and hyphens"
                    ),
                ));
                continue;
            }
            if clauses.iter().any(|c| &c.id == id) || lib.clauses.iter().any(|c| &c.id == id) {
                diags.push(bad(
                    i,
                    "add",
                    format!("clause `{id}` already exists in the library; use `replace`"),
                ));
                continue;
            }
            let (Some(title), Some((t, _))) = (&ch.title, text) else {
                diags.push(bad(
                    i,
                    "add",
                    format!("adding clause `{id}` needs a `title` and `text`"),
                ));
                continue;
            };
            let at = match &ch.after {
                Some(after) => match clauses.iter().position(|c| &c.id == after) {
                    Some(p) => p + 1,
                    None => {
                        diags.push(bad(
                            i,
                            "after",
                            format!("there is no clause `{after}` to add `{id}` after"),
                        ));
                        continue;
                    }
                },
                None => clauses.len(),
            };
            clauses.insert(
                at,
                Clause {
                    id: id.clone(),
                    title: title.clone(),
                    change: Some("added"),
                    typst: Some(t),
                },
            );
        }
    }
    let schedules = lib
        .schedules
        .iter()
        .filter(|s| uses.wants(s.when))
        .cloned()
        .collect();
    let contents = Contents {
        clauses,
        schedules,
        removed,
        not_applicable,
    };
    // References in negotiated text must resolve, before typst runs.
    for (i, r) in refs {
        if !contents.has(r.kind, &r.id) {
            let what = match r.kind {
                RefKind::Clause => "clause",
                RefKind::Schedule => "schedule",
            };
            diags.push(
                src.at_value(Code::BrokenReference, &format!("changes[{i}].text"), format!("the text refers to {what} `{}`, which this agreement does not have", r.id))
                    .hint(format!("refer to one of the agreement's {what}s by id; `s75 check` lists them in README.md's clause table")),
            );
        }
    }
    (contents, diags)
}

fn hint_na(not_applicable: &[String], id: &str) -> &'static str {
    if not_applicable.iter().any(|n| n == id) {
        " (the clause is left out because no scheme calls for it)"
    } else {
        ""
    }
}
