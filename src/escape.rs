//! Escaping text for typst.
//!
//! Every value from YAML passes through [`markup`] on its way into the
//! generated source (the template environment's formatter calls it), so
//! nothing a user writes can become typst syntax.

/// Escapes text for typst markup. Every ASCII punctuation character gets a
/// backslash, which typst reads as "this character, literally"; whitespace
/// runs become one space so a value cannot start a new paragraph, heading
/// or list item.
pub fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    let mut last_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
            continue;
        }
        last_space = false;
        // An apostrophe has no meaning in typst markup except as a smart
        // quote, so it is left for typst to set as ’.
        if c.is_ascii_punctuation() && c != '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A typst string literal holding `s` exactly.
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `s` can be used inside a typst label: lower-case letters,
/// digits, hyphens and dots.
pub fn is_label_safe(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// Whether `s` is a plain id (a scheme, report or clause id): label-safe
/// and without dots, which typst labels use to separate parts.
pub fn is_plain_id(s: &str) -> bool {
    is_label_safe(s) && !s.contains('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_every_special_character() {
        assert_eq!(
            markup("#read(\"/etc/passwd\")"),
            "\\#read\\(\\\"\\/etc\\/passwd\\\"\\)"
        );
        assert_eq!(markup("a\n\n= b"), "a \\= b");
        assert_eq!(
            markup("$x$ *b* _i_ @r <l> [c] \\ `r`"),
            "\\$x\\$ \\*b\\* \\_i\\_ \\@r \\<l\\> \\[c\\] \\\\ \\`r\\`"
        );
    }

    #[test]
    fn string_literal_escapes_quotes() {
        assert_eq!(string_literal("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }
}
