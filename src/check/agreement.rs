//! Checks on an agreement that the types alone cannot express: references
//! between parts of the file, the shape of the partnership, dates, and any
//! totals written in the YAML against the arithmetic.

use super::relocate_to_key;

use std::collections::HashSet;

use crate::diag::{Code, Diagnostic};
use crate::finance::ContributionTable;
use crate::load::SourceFile;
use crate::model::{Agreement, Money};

pub fn agreement(src: &SourceFile, a: &Agreement) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut ids = HashSet::new();
    for (i, p) in a.parties.iter().enumerate() {
        if !ids.insert(p.id.as_str()) {
            out.push(src.at_value(
                Code::DuplicateParty,
                &format!("parties[{i}].id"),
                format!("party id `{}` is used twice", p.id),
            ));
        }
        if !crate::escape::is_label_safe(&p.id) {
            out.push(
                src.at_value(
                    Code::InvalidValue,
                    &format!("parties[{i}].id"),
                    format!(
                        "party id `{}` must be lower-case letters, digits and hyphens",
                        p.id
                    ),
                )
                .hint("use a short id such as `council` or `wlccg`"),
            );
        }
    }
    let known = |id: &str| ids.contains(id);
    let unknown = |path: String, id: &str, role: &str| {
        let list: Vec<&str> = a.parties.iter().map(|p| p.id.as_str()).collect();
        src.at_value(
            Code::UnknownParty,
            &path,
            format!("{role} `{id}` is not a party to this agreement"),
        )
        .hint(format!("parties are: {}", list.join(", ")))
    };

    for (g, group) in a.groups.iter().enumerate() {
        for (m, id) in group.members.iter().enumerate() {
            if !known(id) {
                out.push(unknown(
                    format!("groups[{g}].members[{m}]"),
                    id,
                    "group member",
                ));
            }
        }
    }
    if !known(&a.pooled_fund.host) {
        out.push(unknown(
            "pooled_fund.host".into(),
            &a.pooled_fund.host,
            "host partner",
        ));
    }
    for (i, m) in a.partnership_board.members.iter().enumerate() {
        if !known(&m.partner) {
            out.push(unknown(
                format!("partnership_board.members[{i}].partner"),
                &m.partner,
                "board member's partner",
            ));
        }
    }
    let contributor = |id: &str| known(id) || a.group(id).is_some();
    for (s, stream) in a.contributions.streams.iter().enumerate() {
        for id in stream.amounts.keys() {
            if !contributor(id) {
                let d = unknown(
                    format!("contributions.streams[{s}].amounts.{id}"),
                    id,
                    "contributor",
                );
                out.push(relocate_to_key(src, d));
            }
        }
    }
    if let Some(st) = &a.contributions.stated_totals {
        for id in st.by_partner.keys() {
            if !contributor(id) {
                let d = unknown(
                    format!("contributions.stated_totals.by_partner.{id}"),
                    id,
                    "partner",
                );
                out.push(relocate_to_key(src, d));
            }
        }
    }

    for (i, stream) in a.contributions.streams.iter().enumerate() {
        out.extend(super::negative_amounts(
            src,
            &format!("contributions.streams[{i}].amounts"),
            &stream.amounts,
        ));
    }

    let has_la = a.parties.iter().any(|p| p.kind.is_local_authority());
    let has_nhs = a.parties.iter().any(|p| p.kind.is_nhs_body());
    if !(has_la && has_nhs) {
        let missing = if has_la {
            "NHS body"
        } else {
            "local authority"
        };
        out.push(src.at_key(
            Code::PartnershipComposition,
            "parties",
            format!("a section 75 partnership needs at least one NHS body and one local authority; this one has no {missing}"),
        ));
    }

    let t = &a.term;
    if t.initial_term_end <= t.commencement {
        out.push(src.at_value(
            Code::TermInvalid,
            "term.initial_term_end",
            format!(
                "the initial term ends ({}) on or before it starts ({})",
                t.initial_term_end.long(),
                t.commencement.long()
            ),
        ));
    }
    if let Some(ext) = t.extendable_to {
        if ext <= t.initial_term_end {
            out.push(src.at_value(
                Code::TermInvalid,
                "term.extendable_to",
                format!(
                    "the term can only be extended to a date after the initial term ends ({})",
                    t.initial_term_end.long()
                ),
            ));
        }
    }
    if let Some(sup) = &a.supersedes {
        if sup.end >= t.commencement {
            out.push(src.at_value(
                Code::TermInvalid,
                "supersedes.end",
                format!(
                    "the superseded agreement ends ({}) on or after this one commences ({})",
                    sup.end.long(),
                    t.commencement.long()
                ),
            ));
        }
    }
    let fy = a.contributions.financial_year;
    if !t.overlaps(fy) {
        out.push(src.at_value(
            Code::TermInvalid,
            "contributions.financial_year",
            format!(
                "financial year {fy} ({} to {}) is outside the term of the agreement",
                fy.start().long(),
                fy.end().long()
            ),
        ));
    }

    out.extend(stated_totals(src, a));
    out
}

/// Compares any totals written in the YAML with the arithmetic.
fn stated_totals(src: &SourceFile, a: &Agreement) -> Vec<Diagnostic> {
    let table = ContributionTable::compute(a);
    let mut out = Vec::new();
    let mismatch = |path: String, what: String, stated: Money, computed: Money| {
        super::total_mismatch(src, &path, &what, stated, computed)
    };
    for (i, (stream, row)) in a.contributions.streams.iter().zip(&table.rows).enumerate() {
        if let Some(stated) = stream.stated_total {
            if stated != row.total {
                out.push(mismatch(
                    format!("contributions.streams[{i}].stated_total"),
                    format!("the total for `{}`", stream.name),
                    stated,
                    row.total,
                ));
            }
        }
    }
    if let Some(st) = &a.contributions.stated_totals {
        for (id, stated) in &st.by_partner {
            if let Some(computed) = table.partner_total(id) {
                if *stated != computed {
                    out.push(mismatch(
                        format!("contributions.stated_totals.by_partner.{id}"),
                        format!("the total for `{id}`"),
                        *stated,
                        computed,
                    ));
                }
            }
        }
        if let Some(stated) = st.total {
            if stated != table.total {
                out.push(mismatch(
                    "contributions.stated_totals.total".into(),
                    "the total of all contributions".into(),
                    stated,
                    table.total,
                ));
            }
        }
    }
    out
}
