//! Checks on a scheme specification: against the Schedule 1 Part 2
//! template, and against the agreement it belongs to.

use std::collections::{BTreeMap, HashSet};

use rust_decimal::{Decimal, RoundingStrategy};

use super::placeholders::is_placeholder;
use super::relocate_to_key;
use crate::diag::{Code, Diagnostic, Mode};
use crate::load::SourceFile;
use crate::model::scheme::{Arrangement, FundType, RiskBasis, Section};
use crate::model::template::SchemeTemplate;
use crate::model::{Agreement, Date, Money, Percent, Scheme};

/// Everything a scheme check needs to know about its surroundings.
pub struct Context<'a> {
    pub agreement: &'a Agreement,
    pub template: &'a SchemeTemplate,
    /// The file name without `.yaml`, which must equal the scheme's id.
    pub file_stem: &'a str,
    pub mode: Mode,
}

pub fn scheme(src: &SourceFile, s: &Scheme, cx: &Context<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    identity(src, s, cx, &mut out);
    headings(src, s, cx, &mut out);
    parties(src, s, cx, &mut out);
    arrangements(src, s, &mut out);
    funds(src, s, cx, &mut out);
    risk(src, s, cx, &mut out);
    officers(src, s, cx, &mut out);
    dates(src, s, cx, &mut out);
    out
}

fn identity(src: &SourceFile, s: &Scheme, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    out.extend(super::file_id(src, "scheme", &s.id, cx.file_stem));
}

/// Every heading of the template has content, or a reason it does not apply.
fn headings(src: &SourceFile, s: &Scheme, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (n, h) in cx.template.headings.iter().enumerate() {
        let number = n + 1;
        let path = format!("sections.{}", h.key);
        match s.sections.get(&h.key) {
            Some(Section::Text(t)) if t.trim().is_empty() => out.push(
                src.at_value(
                    Code::SchemeHeadingMissing,
                    &path,
                    format!("heading {number} “{}” is empty", h.title),
                )
                .graded(cx.mode),
            ),
            Some(Section::NotApplicable(na)) if na.not_applicable.trim().is_empty() => out.push(
                src.at_value(
                    Code::SchemeHeadingMissing,
                    &format!("{path}.not_applicable"),
                    format!(
                        "heading {number} “{}” is marked not applicable without a reason",
                        h.title
                    ),
                )
                .hint("say why the heading does not apply to this scheme")
                .graded(cx.mode),
            ),
            Some(_) => {}
            None => {
                let fields = h.fields();
                let mut unknown = fields.iter().filter(|f| field_present(s, f).is_none());
                if let Some(f) = unknown.next() {
                    out.push(Diagnostic::error(
                        Code::SchemeTemplate,
                        &src.path,
                        format!(
                            "the template's heading `{}` requires unknown field `{f}`",
                            h.key
                        ),
                    ));
                    continue;
                }
                if fields.iter().any(|f| field_present(s, f) == Some(true)) {
                    continue;
                }
                let what = if fields.is_empty() {
                    format!("add `{path}` with the text for this heading")
                } else {
                    format!(
                        "fill in `{}`, or add `{path}: {{not_applicable: reason}}`",
                        fields.join("` or `")
                    )
                };
                let anchor = if s.sections.is_empty() {
                    ""
                } else {
                    "sections"
                };
                let mut d = src
                    .at_key(
                        Code::SchemeHeadingMissing,
                        anchor,
                        format!("heading {number} “{}” is not completed", h.title),
                    )
                    .hint(what)
                    .graded(cx.mode);
                d.yaml_path = Some(path);
                out.push(d);
            }
        }
    }
    for key in s.sections.keys() {
        if cx.template.heading(key).is_none() {
            let keys: Vec<&str> = cx
                .template
                .headings
                .iter()
                .map(|h| h.key.as_str())
                .collect();
            out.push(
                src.at_key(
                    Code::SchemeUnknownHeading,
                    &format!("sections.{key}"),
                    format!("`{key}` is not a heading of the Schedule 1 Part 2 template"),
                )
                .hint(format!("headings are: {}", keys.join(", "))),
            );
        }
    }
}

/// Whether a structured field named by the template is filled in; `None`
/// for a name the scheme model does not have.
fn field_present(s: &Scheme, field: &str) -> Option<bool> {
    Some(match field {
        "arrangements" => !s.arrangements.is_empty(),
        "funds" => !s.funds.is_empty(),
        "lead_officers" => !s.lead_officers.is_empty(),
        "risk_share" => s.risk_share.is_some(),
        "split_rules" => !s.split_rules.is_empty(),
        "duration" => s.notice_months.is_some(),
        "non_financial_resources" => !s.non_financial_resources.is_empty(),
        "provider" => s.provider.is_some(),
        _ => return None,
    })
}

fn parties(src: &SourceFile, s: &Scheme, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = cx.agreement;
    let ids: Vec<&str> = a.parties.iter().map(|p| p.id.as_str()).collect();
    for (path, id, role) in s.party_refs() {
        if a.party(id).is_none() {
            let d = src
                .at_value(
                    Code::UnknownParty,
                    &path,
                    format!("{role} `{id}` is not a party to the agreement"),
                )
                .hint(format!("parties to the agreement are: {}", ids.join(", ")));
            // Ids used as map keys are pointed at the key.
            out.push(if path.ends_with(&format!(".{id}")) {
                relocate_to_key(src, d)
            } else {
                d
            });
        }
    }
    let participants: Vec<_> = s
        .participants()
        .into_iter()
        .filter_map(|id| a.party(id))
        .collect();
    if !participants.is_empty() {
        let la = participants.iter().any(|p| p.kind.is_local_authority());
        let nhs = participants.iter().any(|p| p.kind.is_nhs_body());
        if !(la && nhs) {
            let missing = if la { "NHS body" } else { "local authority" };
            out.push(src.at_key(
                Code::PartnershipComposition,
                "funds",
                format!("a section 75 scheme needs at least one NHS body and one local authority taking part; this one has no {missing}"),
            ));
        }
    }
}

fn arrangements(src: &SourceFile, s: &Scheme, out: &mut Vec<Diagnostic>) {
    let has = |a: Arrangement| s.arrangements.contains(&a);
    let lead = has(Arrangement::LeadCommissioning);
    match (lead, &s.lead_commissioner) {
        (true, None) => out.push(src.at_value(
            Code::ArrangementMismatch,
            "arrangements",
            "the scheme uses lead commissioning but names no `lead_commissioner`",
        )),
        (false, Some(_)) => out.push(src.at_value(
            Code::ArrangementMismatch,
            "lead_commissioner",
            "a lead commissioner is named but `arrangements` does not include lead-commissioning",
        )),
        _ => {}
    }
    for (kind, arrangement) in [
        (FundType::Pooled, Arrangement::PooledFund),
        (FundType::NonPooled, Arrangement::NonPooledFund),
    ] {
        let funds = s.funds.iter().any(|f| f.kind == kind);
        if funds && !has(arrangement) {
            out.push(src.at_value(
                Code::ArrangementMismatch,
                "arrangements",
                format!(
                    "the scheme has {} but `arrangements` does not say so",
                    arrangement.describe()
                ),
            ));
        }
        if has(arrangement) && !funds && !s.funds.is_empty() {
            out.push(src.at_value(
                Code::ArrangementMismatch,
                "arrangements",
                format!(
                    "`arrangements` includes {} but no fund of that type is given",
                    arrangement.describe()
                ),
            ));
        }
    }
}

fn funds(src: &SourceFile, s: &Scheme, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let a = cx.agreement;
    let term_end = a.term.last_day();
    for (f, fund) in s.funds.iter().enumerate() {
        let fpath = format!("funds[{f}]");
        if fund.kind == FundType::Pooled {
            match (&fund.host, &fund.manager) {
                (None, _) => out.push(
                    src.at_value(
                        Code::ManagerNotOfHost,
                        &fpath,
                        format!("pooled fund “{}” has no `host` partner", fund.name),
                    )
                    .hint("name the host partner's party id in `host`"),
                ),
                (Some(_), None) => out.push(
                    src.at_value(
                        Code::ManagerNotOfHost,
                        &fpath,
                        format!("pooled fund “{}” has no `manager`", fund.name),
                    )
                    .hint("name the pooled fund manager, an officer of the host partner"),
                ),
                (Some(host), Some(m)) if &m.partner != host => out.push(src.at_value(
                    Code::ManagerNotOfHost,
                    &format!("{fpath}.manager.partner"),
                    format!(
                        "the manager of “{}” works for `{}`, but the host partner is `{host}`",
                        fund.name, m.partner
                    ),
                )),
                _ => {}
            }
        }
        if fund.contributions.is_empty() {
            out.push(
                src.at_key(
                    Code::SchemeHeadingMissing,
                    &format!("{fpath}.name"),
                    format!(
                        "fund “{}” gives no contributions for any financial year",
                        fund.name
                    ),
                )
                .hint("add `contributions` with a `financial_year` and `amounts`")
                .graded(cx.mode),
            );
        }
        let mut years = HashSet::new();
        for (y, yc) in fund.contributions.iter().enumerate() {
            let ypath = format!("{fpath}.contributions[{y}]");
            let fy = yc.financial_year;
            if !years.insert(fy) {
                out.push(src.at_value(
                    Code::DuplicateYear,
                    &format!("{ypath}.financial_year"),
                    format!("financial year {fy} is given twice for “{}”", fund.name),
                ));
            }
            if !a.term.overlaps(fy) {
                out.push(src.at_value(
                    Code::SchemeDates,
                    &format!("{ypath}.financial_year"),
                    format!(
                        "financial year {fy} is outside the agreement's term ({} to {})",
                        a.term.commencement.long(),
                        term_end.long()
                    ),
                ));
            }
            out.extend(super::negative_amounts(
                src,
                &format!("{ypath}.amounts"),
                &yc.amounts,
            ));
            let total: Money = yc.amounts.values().copied().sum();
            if let Some(stated) = yc.stated_total.filter(|s| *s != total) {
                out.push(super::total_mismatch(
                    src,
                    &format!("{ypath}.stated_total"),
                    &format!("the {fy} total for “{}”", fund.name),
                    stated,
                    total,
                ));
            }
        }
        let whole: Money = fund
            .contributions
            .iter()
            .flat_map(|y| y.amounts.values().copied())
            .sum();
        if !fund.contributions.is_empty()
            && whole.is_zero()
            && fund.tariff.is_empty()
            && fund
                .payment_basis
                .as_deref()
                .is_none_or(|b| b.trim().is_empty())
        {
            out.push(
                src.at_value(
                    Code::ZeroFundNoBasis,
                    &fpath,
                    format!(
                        "“{}” holds no money, and has no tariff or other payment basis",
                        fund.name
                    ),
                )
                .graded(cx.mode),
            );
        }
    }
}

fn sum(shares: &BTreeMap<String, Percent>) -> Decimal {
    shares.values().map(|p| p.0).sum()
}

fn risk(src: &SourceFile, s: &Scheme, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let hundred = Decimal::from(100);
    if let Some(r) = &s.risk_share {
        let total = sum(&r.shares);
        if !r.shares.is_empty() && total != hundred {
            out.push(src.at_key(
                Code::SharesNot100,
                "risk_share.shares",
                format!(
                    "risk-share percentages add up to {}%, not 100% (off by {} percentage points)",
                    total.normalize(),
                    (total - hundred).abs().normalize()
                ),
            ));
        }
        if matches!(
            r.basis,
            RiskBasis::FixedPercentages | RiskBasis::InProportionToContributions
        ) {
            share_against_amounts(src, s, cx, r.precision, &r.shares, out);
        }
    }
    for (i, rule) in s.split_rules.iter().enumerate() {
        let total = sum(&rule.shares);
        if total != hundred {
            out.push(src.at_key(
                Code::SharesNot100,
                &format!("split_rules[{i}].shares"),
                format!(
                    "the split for “{}” adds up to {}%, not 100%",
                    rule.purpose,
                    total.normalize()
                ),
            ));
        }
    }
}

/// Compares each stated percentage with the share the contributions give,
/// rounded to the precision the percentages are stated to.
fn share_against_amounts(
    src: &SourceFile,
    s: &Scheme,
    cx: &Context<'_>,
    precision: u32,
    shares: &BTreeMap<String, Percent>,
    out: &mut Vec<Diagnostic>,
) {
    // Contributions per financial year across the scheme's pooled funds.
    let mut by_year: BTreeMap<String, BTreeMap<&str, Money>> = BTreeMap::new();
    for fund in s.funds.iter().filter(|f| f.kind == FundType::Pooled) {
        for yc in &fund.contributions {
            let year = by_year.entry(yc.financial_year.to_string()).or_default();
            for (id, m) in &yc.amounts {
                let e = year.entry(id.as_str()).or_insert(Money::ZERO);
                *e = *e + *m;
            }
        }
    }
    let Some((year, amounts)) = by_year.iter().next() else {
        return;
    };
    let total: Money = amounts.values().copied().sum();
    if total.is_zero() {
        return;
    }
    for (id, stated) in shares {
        let amount = amounts.get(id.as_str()).copied().unwrap_or(Money::ZERO);
        let exact = amount.amount() * Decimal::from(100) / total.amount();
        let shown = exact.round_dp_with_strategy(precision, RoundingStrategy::MidpointAwayFromZero);
        if shown
            != stated
                .0
                .round_dp_with_strategy(precision, RoundingStrategy::MidpointAwayFromZero)
            || stated.0.scale() > precision
        {
            let name = cx
                .agreement
                .party(id)
                .map(|p| p.short_name.as_str())
                .unwrap_or(id);
            let d = src.at_value(
                Code::ShareDisagrees,
                &format!("risk_share.shares.{id}"),
                format!(
                    "{name}'s share is stated as {}% but its {year} contribution of {} is {}% of {} (a difference of {} percentage points)",
                    stated.0.normalize(),
                    amount.display(),
                    shown,
                    total.display(),
                    (shown - stated.0).abs().normalize()
                ),
            );
            out.push(d.graded(cx.mode));
        }
    }
}

fn officers(src: &SourceFile, s: &Scheme, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let with_officer: HashSet<&str> = s.lead_officers.iter().map(|o| o.partner.as_str()).collect();
    for id in s.participants() {
        if cx.agreement.party(id).is_some() && !with_officer.contains(id) {
            let anchor = if s.lead_officers.is_empty() {
                ""
            } else {
                "lead_officers"
            };
            let name = cx
                .agreement
                .party(id)
                .map(|p| p.short_name.as_str())
                .unwrap_or(id);
            let mut d = src
                .at_key(
                    Code::LeadOfficerMissing,
                    anchor,
                    format!("{name} takes part in the scheme but has no lead officer"),
                )
                .graded(cx.mode);
            d.yaml_path = Some("lead_officers".into());
            out.push(d);
        }
    }
    for (i, o) in s.lead_officers.iter().enumerate() {
        if !is_placeholder(&o.email) && !valid_email(&o.email) {
            out.push(src.at_value(
                Code::EmailInvalid,
                &format!("lead_officers[{i}].email"),
                format!("`{}` is not a valid email address", o.email),
            ));
        }
    }
}

/// A plain check of an email address's shape: one `@`, something before
/// it, a dotted domain after it, and no spaces.
pub fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !e.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain
            .split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

fn dates(src: &SourceFile, s: &Scheme, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let t = &cx.agreement.term;
    let term_end = t.last_day();
    let start = s.commencement.unwrap_or(t.commencement);
    let end = s.end.unwrap_or(term_end);
    let within = |d: Date| t.commencement <= d && d <= term_end;
    for (key, verb, date) in [("commencement", "starts", start), ("end", "ends", end)] {
        if !within(date) {
            out.push(src.at_value(
                Code::SchemeDates,
                key,
                format!(
                    "the scheme {verb} on {}, outside the agreement's term ({} to {})",
                    date.long(),
                    t.commencement.long(),
                    term_end.long()
                ),
            ));
        }
    }
    if end <= start {
        out.push(src.at_value(
            Code::SchemeDates,
            "end",
            format!(
                "the scheme ends ({}) on or before it starts ({})",
                end.long(),
                start.long()
            ),
        ));
    }
    if let Some(months) = s.notice_months {
        // Notice served on the first day must be able to expire by the end.
        let expires = start
            .0
            .checked_add_months(chrono::Months::new(months))
            .and_then(|d| d.pred_opt())
            .map(Date);
        if expires.is_none_or(|x| x > end) {
            out.push(
                src.at_value(
                    Code::SchemeDates,
                    "notice_months",
                    format!("{months} months' notice given when the scheme starts ({}) would run past its end ({})", start.long(), end.long()),
                )
                .graded(cx.mode),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn email_shapes() {
        assert!(valid_email("Helen.Moran@leics.gov.uk"));
        assert!(!valid_email("helen.moran"));
        assert!(!valid_email("a@b"));
        assert!(!valid_email("a b@c.uk"));
        assert!(!valid_email("a@@c.uk"));
    }
}
