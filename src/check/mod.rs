//! Checks that the types alone cannot express.

mod agreement;
mod glyphs;
mod placeholders;
mod scheme;

pub use agreement::agreement;
pub use glyphs::glyphs;
pub use placeholders::placeholders;
pub use scheme::{scheme, Context as SchemeContext};

use crate::diag::{Code, Diagnostic, Mode};
use crate::load::SourceFile;
use crate::model::money::format_pounds;
use crate::model::Money;

/// Points a diagnostic about a map key at the key rather than its value.
fn relocate_to_key(src: &SourceFile, mut d: Diagnostic) -> Diagnostic {
    if let Some(p) = d.yaml_path.as_deref().and_then(|p| src.index().key(p)) {
        d.line = p.line;
        d.column = p.column;
    }
    d
}

/// A document's `id` names its output file, so it must be a plain id and
/// equal to the file's own name (which also keeps output inside `out/`).
pub fn file_id(src: &SourceFile, what: &str, id: &str, file_stem: &str) -> Option<Diagnostic> {
    if !crate::escape::is_plain_id(id) {
        Some(src.at_value(
            Code::SchemeId,
            "id",
            format!("{what} id `{id}` must be lower-case letters, digits and hyphens"),
        ))
    } else if id != file_stem {
        Some(src.at_value(
            Code::SchemeId,
            "id",
            format!("{what} id `{id}` does not match its file name `{file_stem}.yaml`"),
        ))
    } else {
        None
    }
}

/// The checks every input file gets, whatever its kind: placeholders, and
/// characters no embedded font can show.
pub fn text(src: &SourceFile, mode: Mode) -> Vec<Diagnostic> {
    let mut out = placeholders(src, mode);
    out.extend(glyphs(src, mode));
    out
}

/// Contributions are money paid in, so never negative. (Refunds belong in
/// a quarterly report's actuals, where negatives are allowed.)
fn negative_amounts<'a>(
    src: &SourceFile,
    path: &str,
    amounts: impl IntoIterator<Item = (&'a String, &'a Money)>,
) -> Vec<Diagnostic> {
    amounts
        .into_iter()
        .filter(|(_, m)| m.amount().is_sign_negative() && !m.is_zero())
        .map(|(id, m)| {
            src.at_value(
                Code::MoneyInvalid,
                &format!("{path}.{id}"),
                format!("a contribution cannot be negative ({})", m.display()),
            )
            .hint("record refunds in a quarterly report's actuals")
        })
        .collect()
}

/// A total written in the YAML that disagrees with the arithmetic.
fn total_mismatch(
    src: &SourceFile,
    path: &str,
    what: &str,
    stated: Money,
    computed: Money,
) -> Diagnostic {
    src.at_value(
        Code::TotalMismatch,
        path,
        format!(
            "{what} is stated as {} but the amounts add up to {} (a difference of {})",
            stated.display(),
            computed.display(),
            format_pounds((stated.amount() - computed.amount()).abs())
        ),
    )
}
