//! The small safe markup for negotiated clause text in YAML.
//!
//! - paragraphs (separated by blank lines) become numbered sub-clauses;
//! - lines starting `- ` become list items (a), (b) ...;
//! - `_words_` is emphasis;
//! - `{clause:ID}` and `{schedule:ID}` are cross-references, resolved by
//!   typst to "clause 23" or "Schedule 3".
//!
//! Everything else is escaped, so negotiated text cannot run typst code.

use crate::escape;

/// A cross-reference found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub kind: RefKind,
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefKind {
    Clause,
    Schedule,
}

impl RefKind {
    pub fn label_prefix(self) -> &'static str {
        match self {
            RefKind::Clause => "cl-",
            RefKind::Schedule => "sch-",
        }
    }
}

/// Converts the markup to typst: one `#sub[...]` per paragraph.
pub fn to_typst(text: &str) -> (String, Vec<Reference>) {
    let mut refs = Vec::new();
    let mut out = Vec::new();
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let mut lines = Vec::new();
        for line in para.lines().map(str::trim) {
            match line.strip_prefix("- ") {
                Some(item) => lines.push(format!("  + {}", inline(item, &mut refs))),
                None => lines.push(inline(line, &mut refs)),
            }
        }
        out.push(format!("#sub[{}]", lines.join("\n")));
    }
    (out.join("\n\n"), refs)
}

/// Escapes a line, keeping `_emphasis_` and `{clause:ID}` references.
fn inline(line: &str, refs: &mut Vec<Reference>) -> String {
    let mut out = String::new();
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('{') {
            if let Some((inner, after)) = r.split_once('}') {
                let parsed = inner
                    .strip_prefix("clause:")
                    .map(|id| (RefKind::Clause, id))
                    .or_else(|| {
                        inner
                            .strip_prefix("schedule:")
                            .map(|id| (RefKind::Schedule, id))
                    });
                if let Some((kind, id)) = parsed.filter(|(_, id)| escape::is_label_safe(id)) {
                    refs.push(Reference {
                        kind,
                        id: id.to_string(),
                    });
                    // A space-free reference; `#ref` needs no following text guard.
                    out.push_str(&format!("#ref(<{}{}>)", kind.label_prefix(), id));
                    rest = after;
                    continue;
                }
            }
        }
        if let Some(r) = rest.strip_prefix('_') {
            if let Some((inner, after)) = r.split_once('_') {
                if !inner.is_empty() && !inner.starts_with(' ') && !inner.ends_with(' ') {
                    out.push_str(&format!("#emph[{}]", escape::markup(inner)));
                    rest = after;
                    continue;
                }
            }
        }
        let next = rest[1..]
            .find(['{', '_'])
            .map(|i| i + 1)
            .unwrap_or(rest.len());
        out.push_str(&escape::markup(&rest[..next]));
        rest = &rest[next..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_lists_emphasis_and_references() {
        let (t, refs) = to_typst("If {clause:force-majeure} applies, _each_ Partner:\n- tells the others;\n- waits.\n\nSee {schedule:finance}.");
        assert_eq!(
            t,
            "#sub[If #ref(<cl-force-majeure>) applies\\, #emph[each] Partner\\:\n  + tells the others\\;\n  + waits\\.]\n\n#sub[See #ref(<sch-finance>)\\.]"
        );
        assert_eq!(refs.len(), 2);
        assert_eq!(
            refs[0],
            Reference {
                kind: RefKind::Clause,
                id: "force-majeure".into()
            }
        );
    }

    #[test]
    fn anything_else_is_escaped() {
        let (t, refs) = to_typst("#read(\"/etc/passwd\") {clause:X> #evil} {{ x }}");
        assert!(refs.is_empty());
        assert!(!t.replace("\\#", "").contains("#read"), "{t}");
        assert!(t.contains("\\#read"), "{t}");
    }
}
