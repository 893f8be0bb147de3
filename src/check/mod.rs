//! Checks that the types alone cannot express.

mod agreement;
mod glyphs;
mod placeholders;
mod scheme;

pub use agreement::agreement;
pub use glyphs::glyphs;
pub use placeholders::placeholders;
pub use scheme::{scheme, Context as SchemeContext};

use crate::diag::{Code, Diagnostic};
use crate::load::SourceFile;

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
    if !crate::escape::is_label_safe(id) || id.contains('.') {
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
