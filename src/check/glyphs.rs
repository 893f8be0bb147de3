//! Characters the embedded fonts cannot show. typst would print a blank
//! box in a draft and refuse the whole PDF/A export in final mode, with
//! one error per occurrence; this finds them first, at the YAML value.

use std::sync::OnceLock;

use crate::diag::{Code, Diagnostic, Mode};
use crate::load::SourceFile;

/// Format characters (direction marks, joiners) have no glyph to show.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFEFF)
}

/// Characters Libertinus Serif certainly has (Latin, Latin-1, Latin
/// Extended-A/B, general punctuation, currency signs), decided without
/// loading any font: most inputs never need the font store.
fn surely_showable(c: char) -> bool {
    matches!(c as u32, 0x20..=0x24F | 0x2010..=0x2027 | 0x2030..=0x205E | 0x20A0..=0x20BF)
}

/// Whether any embedded font has a glyph for `c`.
pub fn showable(c: char) -> bool {
    if surely_showable(c) {
        return true;
    }
    static FONTS: OnceLock<Vec<typst::text::Font>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let store = crate::typeset::fonts();
        (0..).map_while(|i| store.font(i)).collect()
    });
    invisible(c) || fonts.iter().any(|f| f.info().coverage.contains(c as u32))
}

/// One diagnostic per value holding characters no font can show: a
/// warning in draft (typst shows a box), an error in final (PDF/A cannot
/// embed a missing glyph).
pub fn glyphs(src: &SourceFile, mode: Mode) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if src.text.chars().all(|c| surely_showable(c) || invisible(c)) {
        return out;
    }
    for (path, pos, text) in src.index().scalars() {
        let mut missing: Vec<char> = text
            .chars()
            .filter(|c| !c.is_ascii() && !showable(*c))
            .collect();
        missing.dedup();
        if !missing.is_empty() {
            let list: Vec<String> = missing
                .iter()
                .map(|c| format!("`{c}` (U+{:04X})", *c as u32))
                .collect();
            out.push(
                Diagnostic::error(
                    Code::Unshowable,
                    &src.path,
                    format!("no embedded font can show {}", list.join(", ")),
                )
                .path(path)
                .at(pos.line, pos.column)
                .graded(mode),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::showable;

    #[test]
    fn knows_what_the_fonts_cover() {
        for c in ['a', '£', '’', 'é', '–', '\u{200F}', '\u{200D}'] {
            assert!(showable(c), "{c:?}");
        }
        for c in ['🏥', '中'] {
            assert!(!showable(c), "{c:?}");
        }
    }
}
