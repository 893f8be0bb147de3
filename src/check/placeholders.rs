//! Text left unfilled: "[INSERT]", "[ ]", "TBC", "201…/201…", and bracketed
//! alternatives such as "[sixty (60) days]".

use std::sync::OnceLock;

use regex::Regex;

use crate::diag::{Code, Diagnostic, Mode};
use crate::load::SourceFile;

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\[[^\]\n]*\]|\bTB[CAD]\b|\b20\d?(?:…|\.\.|_+|[Xx]{1,2}\b)")
            .expect("placeholder pattern is valid")
    })
}

/// Every placeholder in every string value of the file: warnings in draft,
/// errors in final.
pub fn placeholders(src: &SourceFile, mode: Mode) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Most files have none; only index the file when one might be there.
    if !pattern().is_match(&src.text) {
        return out;
    }
    for (path, pos, text) in src.index().scalars() {
        for m in pattern().find_iter(text) {
            let d = Diagnostic::error(
                Code::Placeholder,
                &src.path,
                format!("placeholder `{}` left in the text", m.as_str()),
            )
            .path(path)
            .at(pos.line, pos.column)
            .graded(mode);
            out.push(d);
        }
    }
    out
}

/// Whether `text` holds a placeholder.
pub fn is_placeholder(text: &str) -> bool {
    pattern().is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_placeholders_of_real_agreements() {
        for p in [
            "[INSERT]",
            "[ ]",
            "TBC",
            "201…/201…",
            "[sixty (60) days]",
            "20XX",
            "201_",
        ] {
            assert!(is_placeholder(&format!("within {p} of notice")), "{p}");
        }
        for ok in [
            "2019/20",
            "TBCs are rare words",
            "section 75(2)",
            "£5,372,500",
            "2020",
        ] {
            assert!(!is_placeholder(ok), "{ok}");
        }
    }
}
