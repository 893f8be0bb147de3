//! Defined terms: the glossary the definitions clause is generated from,
//! and the lint for terms used but not defined, defined but not used, or
//! defined twice.

use std::collections::{BTreeMap, HashSet};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic, Mode};
use crate::load::SourceFile;
use crate::render;

/// `templates/terms.yaml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    pub terms: Vec<Term>,
    /// Proper names that are not defined terms: statutes, bodies,
    /// standards. Capitalised phrases inside one of these are not flagged.
    #[serde(default)]
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    /// A template fragment completing "“Term” means ...".
    pub meaning: String,
}

/// The forms of a term: itself, its plural and its singular
/// ("Partners"/"Partner", "Losses"/"Loss").
fn forms(term: &str) -> Vec<String> {
    let mut f = vec![term.to_string(), format!("{term}s"), format!("{term}es")];
    if term.len() > 3 {
        if let Some(s) = term.strip_suffix("es") {
            f.push(s.to_string());
        }
        if let Some(s) = term.strip_suffix('s') {
            f.push(s.to_string());
        }
    }
    f
}

fn alternation(term: &str) -> String {
    let mut forms = forms(term);
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.iter().map(|f| regex::escape(f)).collect::<Vec<_>>().join("|")
}

/// Matches a term and its plural or singular, as a whole phrase.
pub fn term_pattern(term: &str) -> Regex {
    Regex::new(&format!(r"(^|[^\p{{L}}\p{{N}}])(?:{})($|[^\p{{L}}\p{{N}}])", alternation(term))).expect("escaped term is a valid pattern")
}

/// Which of `terms` the text uses.
pub fn used<'a>(terms: impl IntoIterator<Item = &'a str>, text: &str) -> HashSet<&'a str> {
    terms.into_iter().filter(|t| term_pattern(t).is_match(text)).collect()
}

/// The generated source without the definitions clause, and each line's
/// number, for linting and usage.
pub fn body_lines(source: &str) -> Vec<(usize, String)> {
    let begin = format!("{}clauses/definitions.typ.j2*/", render::BEGIN_MARK);
    let end = format!("{}clauses/definitions.typ.j2*/", render::END_MARK);
    let mut inside = false;
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        if line.contains(&begin) {
            inside = true;
        }
        if !inside {
            out.push((i + 1, plain(line)));
        }
        if line.contains(&end) {
            inside = false;
        }
    }
    out
}

/// A line of generated typst reduced to the words a reader sees.
fn plain(line: &str) -> String {
    let t = line.trim_start();
    if ["#set ", "#show", "#import", "#let ", "#scheme-start", "#metadata"].iter().any(|p| t.starts_with(p)) || t.starts_with("//") {
        return String::new();
    }
    static CLEAN: std::sync::OnceLock<Vec<(Regex, &'static str)>> = std::sync::OnceLock::new();
    let rules = CLEAN.get_or_init(|| {
        vec![
            (Regex::new(r"/\*@s75-[^*]*\*/").unwrap(), " "),
            (Regex::new(r"<[a-z0-9.\-]+>").unwrap(), " "),
            (Regex::new(r"@[a-z0-9.\-]+").unwrap(), " "),
            (Regex::new(r"#[a-z][a-z0-9.\-]*").unwrap(), " "),
            (Regex::new(r"\\(.)").unwrap(), "$1"),
            (Regex::new(r"[\[\]()]").unwrap(), " . "),
        ]
    });
    let mut s = line.to_string();
    for (re, with) in rules {
        s = re.replace_all(&s, *with).into_owned();
    }
    s
}

/// Words a sentence may start with that are not part of a term.
const OPENERS: &[&str] = &[
    "A", "All", "An", "And", "Any", "As", "At", "Before", "Both", "But", "By", "Each", "Either", "Every", "For", "From",
    "If", "In", "It", "Its", "Neither", "No", "Nor", "Nothing", "On", "Once", "Only", "Or", "Subject", "Such", "That",
    "The", "Their", "These", "This", "Those", "To", "Under", "Unless", "Until", "When", "Where", "Whether", "While", "Whose",
    "With", "Within", "Without", "Who", "Which", "What", "How", "After", "We", "They", "Part", "Schedule", "Table",
    "Page", "Clause", "Paragraph", "Dated", "Date", "Name", "Partner", "Total", "Authorised", "Executed", "Signed",
];

/// A capitalised phrase found in the text and not accounted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undefined {
    pub phrase: String,
    pub line: usize,
}

/// Capitalised phrases of two or more words that are neither defined
/// terms, nor part of a name given in the YAML, nor a known proper name.
pub fn undefined_phrases(lines: &[(usize, String)], defined: &[String], known_text: &str, names: &[String]) -> Vec<Undefined> {
    // Names from the YAML may be printed in capitals (party names on the
    // parties page), so they are compared without case.
    let known = normalise(known_text).to_lowercase();
    let names: Vec<String> = names.iter().map(|n| normalise(n).to_lowercase()).collect();
    let defined_set: Vec<Regex> = defined.iter().map(|d| Regex::new(&format!("^(?:{})$", alternation(d))).unwrap()).collect();
    let allowed = |piece: &str| {
        defined_set.iter().any(|re| re.is_match(piece))
            || {
                let p = piece.to_lowercase();
                contains_phrase(&known, &p) || names.iter().any(|n| contains_phrase(n, &p))
            }
    };
    let word = Regex::new(r"\p{Lu}[\p{L}\p{N}'’\-]*|[^\s]+").unwrap();
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (line, text) in lines {
        let mut run: Vec<&str> = Vec::new();
        let flush = |run: &mut Vec<&str>, out: &mut Vec<Undefined>, seen: &mut HashSet<String>| {
            // Words that open sentences are not part of a term.
            while run.first().is_some_and(|w| OPENERS.contains(w)) {
                run.remove(0);
            }
            if run.len() >= 2 && !decomposes(run, &allowed) {
                let phrase = run.join(" ");
                if seen.insert(phrase.clone()) {
                    out.push(Undefined { phrase, line: *line });
                }
            }
            run.clear();
        };
        for m in word.find_iter(text) {
            // Possessives: "Host Partner's" is a use of "Host Partner".
            let w = m.as_str();
            let w = w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w).trim_end_matches(['’', '\'']);
            let cap = w.chars().next().is_some_and(char::is_uppercase) && w.chars().skip(1).all(|c| c.is_alphanumeric() || "'’-".contains(c));
            if cap && !w.chars().all(|c| c.is_uppercase() && w.len() <= 1) {
                run.push(w);
            } else {
                flush(&mut run, &mut out, &mut seen);
            }
        }
        flush(&mut run, &mut out, &mut seen);
    }
    out
}

/// Whether the run splits into pieces that are each allowed.
fn decomposes(run: &[&str], allowed: &impl Fn(&str) -> bool) -> bool {
    let n = run.len();
    let mut ok = vec![false; n + 1];
    ok[n] = true;
    for i in (0..n).rev() {
        ok[i] = (i + 1..=n).any(|j| ok[j] && allowed(&run[i..j].join(" ")));
    }
    ok[0]
}

fn normalise(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn contains_phrase(hay: &str, piece: &str) -> bool {
    let mut from = 0;
    while let Some(i) = hay[from..].find(piece) {
        let start = from + i;
        let end = start + piece.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        if before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric()) {
            return true;
        }
        from = start + piece.len().max(1);
        if from >= hay.len() {
            break;
        }
    }
    false
}

/// Duplicates within the glossary and the agreement's own definitions, and
/// agreement definitions never used.
pub fn check_definitions(src: &SourceFile, glossary: &Glossary, added: &[crate::model::agreement::Definition], body: &str, mode: Mode) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for t in &glossary.terms {
        seen.insert(t.term.to_lowercase(), "the standard glossary (templates/terms.yaml)");
    }
    for (i, d) in added.iter().enumerate() {
        let path = format!("definitions[{i}].term");
        if let Some(where_) = seen.get(&d.term.to_lowercase()) {
            out.push(src.at_value(Code::DuplicateTerm, &path, format!("“{}” is defined twice: here and in {where_}", d.term)).graded(mode));
        } else {
            seen.insert(d.term.to_lowercase(), "this agreement's definitions");
        }
        if !term_pattern(&d.term).is_match(body) {
            out.push(src.at_value(Code::UnusedTerm, &path, format!("“{}” is defined but not used anywhere in the agreement", d.term)).graded(mode));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_match_whole_phrases_and_plurals() {
        assert!(term_pattern("Partners").is_match("each Partner must"));
        assert!(term_pattern("Host Partner").is_match("the Host Partner's"));
        assert!(!term_pattern("Host Partner").is_match("the Host Partnership"));
        assert!(term_pattern("Losses").is_match("any Loss arising"));
    }

    #[test]
    fn flags_capitalised_phrases_that_are_not_defined() {
        let lines = vec![
            (1, "The Host Partner reports to the Shared Care Record board.".to_string()),
            (2, "The National Health Service Act 2006 applies to Leicestershire County Council.".to_string()),
        ];
        let found = undefined_phrases(&lines, &["Host Partner".into()], "name: Leicestershire County Council", &["National Health Service Act 2006".into()]);
        assert_eq!(found, vec![Undefined { phrase: "Shared Care Record".into(), line: 1 }]);
    }
}
