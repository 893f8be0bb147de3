//! `s75 new scheme`: a skeleton scheme specification with every heading of
//! the Part 2 template, its guidance as comments, and placeholders marked.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::model::template::SchemeTemplate;

/// Example YAML for the structured fields a heading can require.
fn field_example(field: &str) -> &'static str {
    match field {
        "arrangements" => "arrangements: []   # any of: lead-commissioning, integrated-commissioning, joint-commissioning, pooled-fund, non-pooled-fund\n# lead_commissioner: council   # the lead commissioner's party id, with lead-commissioning\n",
        "funds" => "funds: []\n#  - name: \"[INSERT] name of the fund\"\n#    type: pooled          # pooled | non-pooled\n#    host: council         # party id of the host partner\n#    manager: {name: \"[INSERT]\", title: \"[INSERT]\", partner: council}\n#    contributions:\n#      - financial_year: \"2019/20\"\n#        amounts: {council: \"£0\", wlccg: \"£0\"}\n#    payment_basis: \"[INSERT]\"   # needed when the fund holds no money, e.g. cost per case\n#    tariff: []                  # - {item: Fit, price: \"£81.31\", unit: per fit}\n",
        "lead_officers" => "lead_officers: []\n#  - {partner: council, name: \"[INSERT]\", title: \"[INSERT]\", email: \"[INSERT]\", telephone: \"[INSERT]\"}\n",
        "risk_share" => "# risk_share:\n#   basis: fixed-percentages   # or in-proportion-to-contributions\n#   precision: 2\n#   shares: {council: \"50%\", wlccg: \"50%\"}\n",
        "split_rules" => "# split_rules:\n#   - purpose: \"[INSERT]\"\n#     shares: {council: \"50%\", wlccg: \"50%\"}\n",
        "duration" => "notice_months:   # months' notice to end the scheme\n",
        "non_financial_resources" => "non_financial_resources: []\n#  - {partner: council, description: \"[INSERT]\"}\n",
        "provider" => "# provider: {partner: council, in_house: true, description: \"[INSERT]\"}\n",
        _ => "",
    }
}

/// The skeleton's text.
pub fn skeleton(t: &SchemeTemplate, agreement_title: &str, id: &str) -> String {
    let mut y = String::new();
    // Editors with the YAML language server complete and check the file.
    let _ = writeln!(
        y,
        "# yaml-language-server: $schema=../../../schemas/scheme.schema.json"
    );
    let _ = writeln!(
        y,
        "# Scheme specification `{id}` for the {agreement_title}."
    );
    let _ = writeln!(
        y,
        "# Complete every heading of the Schedule 1 Part 2 template and replace each [INSERT]."
    );
    let _ = writeln!(
        y,
        "# `s75 check` lists what is still to do; `s75 check --final` fails until it is done."
    );
    let _ = writeln!(y, "kind: scheme");
    let _ = writeln!(y, "id: {id}");
    let _ = writeln!(y, "title: \"[INSERT] title of the scheme\"");
    let _ = writeln!(
        y,
        "# commencement: YYYY-MM-DD   # defaults to the agreement's commencement date"
    );
    let _ = writeln!(
        y,
        "# end: YYYY-MM-DD            # defaults to the end of the agreement's term"
    );
    let mut written = std::collections::HashSet::new();
    let mut sections = String::new();
    for (n, h) in t.headings.iter().enumerate() {
        let fields = h.fields();
        let mut comment = format!("\n# {}. {}\n", n + 1, h.title);
        for g in &h.guidance {
            let _ = writeln!(comment, "#    - {g}");
        }
        if fields.is_empty() {
            sections.push_str(
                &comment
                    .replace("\n# ", "\n  # ")
                    .replace("\n#    ", "\n  #    "),
            );
            let _ = writeln!(sections, "  {}: \"[INSERT]\"", h.key);
        } else {
            y.push_str(&comment);
            let _ = writeln!(
                y,
                "# (or, if it does not apply: sections.{}: {{not_applicable: \"reason\"}})",
                h.key
            );
            for f in fields {
                if written.insert(f) {
                    y.push_str(field_example(f));
                }
            }
        }
    }
    y.push_str("\nsections:");
    y.push_str(&sections);
    y
}

/// Writes the skeleton for `id` into `agreement_dir/schemes/`, refusing to
/// overwrite an existing file.
pub fn write(agreement_dir: &Path, text: &str, id: &str) -> std::io::Result<PathBuf> {
    let dir = agreement_dir.join("schemes");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{id}.yaml"));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    f.write_all(text.as_bytes())?;
    Ok(path)
}
