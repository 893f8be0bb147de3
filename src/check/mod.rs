//! Checks that the types alone cannot express.

mod agreement;
mod glyphs;
mod placeholders;
mod scheme;

pub use agreement::agreement;
pub use glyphs::glyphs;
pub use placeholders::placeholders;
pub use scheme::{scheme, Context as SchemeContext};

use crate::diag::Diagnostic;
use crate::load::SourceFile;

/// Points a diagnostic about a map key at the key rather than its value.
fn relocate_to_key(src: &SourceFile, mut d: Diagnostic) -> Diagnostic {
    if let Some(p) = d.yaml_path.as_deref().and_then(|p| src.index().key(p)) {
        d.line = p.line;
        d.column = p.column;
    }
    d
}
