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
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    pub terms: Vec<Term>,
    /// Proper names that are not defined terms: statutes, bodies,
    /// standards. Capitalised phrases inside one of these are not flagged.
    #[serde(default)]
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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

/// The lines of generated source outside the given templates' output
/// (e.g. the definitions clause), with their line numbers. With `plain`,
/// each line is reduced to the words a reader sees.
pub fn body_lines(source: &str, skip: &[&str], plain_text: bool) -> Vec<(usize, String)> {
    let begins: Vec<String> = skip
        .iter()
        .map(|t| format!("{}{t}*/", render::BEGIN_MARK))
        .collect();
    let ends: Vec<String> = skip
        .iter()
        .map(|t| format!("{}{t}*/", render::END_MARK))
        .collect();
    let mut depth = 0usize;
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let opened =
            line.contains("/*@s75-begin ") && begins.iter().any(|b| line.contains(b.as_str()));
        if opened {
            depth += 1;
        }
        if depth == 0 {
            out.push((
                i + 1,
                if plain_text {
                    plain(line)
                } else {
                    line.to_string()
                },
            ));
        }
        if line.contains("/*@s75-end ") && ends.iter().any(|e| line.contains(e.as_str())) {
            depth = depth.saturating_sub(1);
        }
    }
    out
}

/// Splits text into words: letters, digits and hyphens (so "2017-19" and
/// "Non-Pooled" are one word each); escapes and everything else separate.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
}

/// The terms a text uses, found in one pass over its words.
pub fn used_terms<'a>(terms: impl IntoIterator<Item = &'a str>, text: &str) -> HashSet<&'a str> {
    let mut by_form: std::collections::HashMap<String, &'a str> = std::collections::HashMap::new();
    let mut longest = 1;
    for t in terms {
        for f in forms(t) {
            longest = longest.max(words(&f).count());
            by_form
                .entry(words(&f).collect::<Vec<_>>().join(" "))
                .or_insert(t);
        }
    }
    let ws: Vec<&str> = words(text).collect();
    let mut found = HashSet::new();
    let mut phrase = String::new();
    for i in 0..ws.len() {
        phrase.clear();
        for (n, w) in ws[i..ws.len().min(i + longest)].iter().enumerate() {
            if n > 0 {
                phrase.push(' ');
            }
            phrase.push_str(w);
            if let Some(t) = by_form.get(phrase.as_str()) {
                found.insert(*t);
            }
        }
    }
    found
}

/// A line of generated typst reduced to the words a reader sees.
fn plain(line: &str) -> String {
    let t = line.trim_start();
    if [
        "#set ",
        "#show",
        "#import",
        "#let ",
        "#scheme-start",
        "#metadata",
    ]
    .iter()
    .any(|p| t.starts_with(p))
        || t.starts_with("//")
    {
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
    "A",
    "All",
    "An",
    "And",
    "Any",
    "As",
    "At",
    "Before",
    "Both",
    "But",
    "By",
    "Each",
    "Either",
    "Every",
    "For",
    "From",
    "If",
    "In",
    "It",
    "Its",
    "Neither",
    "No",
    "Nor",
    "Nothing",
    "On",
    "Once",
    "Only",
    "Or",
    "Subject",
    "Such",
    "That",
    "The",
    "Their",
    "These",
    "This",
    "Those",
    "To",
    "Under",
    "Unless",
    "Until",
    "When",
    "Where",
    "Whether",
    "While",
    "Whose",
    "With",
    "Within",
    "Without",
    "Who",
    "Which",
    "What",
    "How",
    "After",
    "We",
    "They",
    "Part",
    "Schedule",
    "Table",
    "Page",
    "Clause",
    "Paragraph",
    "Dated",
    "Date",
    "Name",
    "Partner",
    "Total",
    "Authorised",
    "Executed",
    "Signed",
];

/// A capitalised phrase found in the text and not accounted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undefined {
    pub phrase: String,
    pub line: usize,
}

/// Words that may sit inside a name between capitalised words
/// ("Department of Health and Social Care").
const CONNECTORS: &[&str] = &["and", "of", "for", "the", "on", "in", "to", "&"];

/// Every run of capitalised words (with connectors) in some text, and
/// every contiguous part of each run, lower-cased: the phrases the text
/// names. Built once, looked up in constant time.
pub struct Phrases(HashSet<String>);

impl Phrases {
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Phrases {
        let mut set = HashSet::new();
        for text in texts {
            let mut run: Vec<String> = Vec::new();
            for raw in text.split(|c: char| c.is_whitespace() || ",.;:()[]{}\"“”/".contains(c))
            {
                let w = raw
                    .strip_suffix("'s")
                    .or_else(|| raw.strip_suffix("’s"))
                    .unwrap_or(raw);
                let cap = w.chars().next().is_some_and(char::is_uppercase);
                let connector = !run.is_empty() && CONNECTORS.contains(&w.to_lowercase().as_str());
                if cap || connector {
                    run.push(w.to_lowercase());
                } else {
                    add_runs(&mut set, &run);
                    run.clear();
                }
            }
            add_runs(&mut set, &run);
        }
        Phrases(set)
    }

    fn contains(&self, piece: &str) -> bool {
        self.0.contains(&piece.to_lowercase())
    }
}

fn add_runs(set: &mut HashSet<String>, run: &[String]) {
    let n = run.len().min(16);
    for i in 0..n {
        for j in i + 1..=n {
            set.insert(run[i..j].join(" "));
        }
    }
}

/// Capitalised phrases of two or more words that are neither defined
/// terms, nor part of a name given in the YAML, nor a known proper name.
pub fn undefined_phrases(
    lines: &[(usize, String)],
    defined: &[String],
    known: &Phrases,
) -> Vec<Undefined> {
    // Defined terms in every form (plural, singular), looked up exactly.
    let defined_forms: HashSet<String> = defined.iter().flat_map(|d| forms(d)).collect();
    let allowed = |piece: &str| defined_forms.contains(piece) || known.contains(piece);
    static WORD: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    let word =
        WORD.get_or_init(|| Regex::new(r"\p{Lu}[\p{L}\p{N}'’\-]*|[^\s]+").expect("valid pattern"));
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
                    out.push(Undefined {
                        phrase,
                        line: *line,
                    });
                }
            }
            run.clear();
        };
        for m in word.find_iter(text) {
            // Possessives: "Host Partner's" is a use of "Host Partner".
            let w = m.as_str();
            let w = w
                .strip_suffix("'s")
                .or_else(|| w.strip_suffix("’s"))
                .unwrap_or(w)
                .trim_end_matches(['’', '\'']);
            let cap = w.chars().next().is_some_and(char::is_uppercase)
                && w.chars()
                    .skip(1)
                    .all(|c| c.is_alphanumeric() || "'’-".contains(c));
            // Anything else, connectors included, ends the run; names with
            // connectors are known piecewise on either side.
            if cap && w.chars().count() > 1 {
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

/// Duplicates within the glossary and the agreement's own definitions, and
/// agreement definitions never used.
pub fn check_definitions(
    src: &SourceFile,
    glossary: &Glossary,
    added: &[crate::model::agreement::Definition],
    in_use: &HashSet<&str>,
    mode: Mode,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for t in &glossary.terms {
        seen.insert(
            t.term.to_lowercase(),
            "the standard glossary (templates/terms.yaml)",
        );
    }
    for (i, d) in added.iter().enumerate() {
        let path = format!("definitions[{i}].term");
        if let Some(where_) = seen.get(&d.term.to_lowercase()) {
            out.push(
                src.at_value(
                    Code::DuplicateTerm,
                    &path,
                    format!("“{}” is defined twice: here and in {where_}", d.term),
                )
                .graded(mode),
            );
        } else {
            seen.insert(d.term.to_lowercase(), "this agreement's definitions");
        }
        if !in_use.contains(d.term.as_str()) {
            out.push(
                src.at_value(
                    Code::UnusedTerm,
                    &path,
                    format!(
                        "“{}” is defined but not used anywhere in the agreement",
                        d.term
                    ),
                )
                .graded(mode),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_match_whole_phrases_and_plurals() {
        let uses = |t: &str, text: &str| used_terms([t], text).contains(t);
        assert!(uses("Partners", "each Partner must"));
        assert!(uses("Host Partner", "the Host Partner's"));
        assert!(!uses("Host Partner", "the Host Partnership"));
        assert!(uses("Losses", "any Loss arising"));
    }

    #[test]
    fn flags_capitalised_phrases_that_are_not_defined() {
        let lines = vec![
            (
                1,
                "The Host Partner reports to the Shared Care Record board.".to_string(),
            ),
            (
                2,
                "The National Health Service Act 2006 applies to Leicestershire County Council."
                    .to_string(),
            ),
        ];
        let known = Phrases::of([
            "name: Leicestershire County Council",
            "National Health Service Act 2006",
        ]);
        let found = undefined_phrases(&lines, &["Host Partner".into()], &known);
        assert_eq!(
            found,
            vec![Undefined {
                phrase: "Shared Care Record".into(),
                line: 1
            }]
        );
    }
}
