//! Diagnostics: every problem a run finds, with a stable code, a location
//! (file, line, column, YAML path), a message and a hint.

use std::fmt;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::WriteColor};

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal, $hint:literal;)*) => {
        /// Stable diagnostic codes. A number never changes meaning once
        /// released; the README lists them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[doc = $doc])* $name,)*
        }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $code,)* }
            }

            /// The hint shown when the check that raised the problem has no
            /// more specific one.
            pub fn default_hint(self) -> &'static str {
                match self { $(Code::$name => $hint,)* }
            }
        }
    };
}

codes! {
    /// A file could not be read.
    Io = "E001", "check the path exists and is readable";
    /// The YAML is not well formed.
    YamlSyntax = "E100", "check indentation and that every `key: value` pair is on its own line; quote values containing `: ` or `#`";
    /// A key the model does not know (often a typo).
    UnknownField = "E101", "check the spelling against the YAML reference in README.md";
    /// A value of the wrong shape: wrong type, missing field, unknown choice.
    InvalidValue = "E102", "see the YAML reference in README.md for the expected shape";
    /// Money written as a YAML float.
    MoneyFloat = "E103", "write money as quoted text, e.g. \"£16,825,074\" or \"1234.50\"";
    /// Money with malformed thousands separators, e.g. "£4,745,00".
    MoneyGrouping = "E104", "thousands separators come every three digits, e.g. \"£4,745,020\"";
    /// Text that is not an amount of money.
    MoneyInvalid = "E105", "write money as quoted text, e.g. \"£16,825,074\", \"1234.50\" or \"Nil\"";
    DateInvalid = "E106", "write dates as YYYY-MM-DD, e.g. 2019-04-01";
    FinancialYearInvalid = "E107", "write financial years as \"2019/20\" (1 April 2019 to 31 March 2020)";
    PercentInvalid = "E108", "write percentages as quoted text, e.g. \"6.64%\"";
    /// A character none of the embedded fonts can show.
    Unshowable = "E110", "use another character, or spell it out; the embedded fonts are Libertinus Serif, New Computer Modern and DejaVu Sans Mono";
    /// A file too large or too deeply nested to be an agreement.
    InputLimits = "E109", "s75 inputs are at most 10 MB and 64 levels deep; check the file is the one you meant";
    /// A reference to a party id that the agreement does not define.
    UnknownParty = "E200", "use the `id` of one of the agreement's `parties`";
    DuplicateParty = "E201", "give each party a different `id`";
    /// A total written in the YAML disagrees with the arithmetic.
    TotalMismatch = "E202", "correct the stated figure, or the amounts it totals; totals in documents are always computed";
    /// A Section 75 partnership needs an NHS body and a local authority.
    PartnershipComposition = "E203", "section 75 arrangements are between at least one local authority and at least one NHS body";
    /// Dates that contradict each other (end before start, and so on).
    TermInvalid = "E204", "check the dates of the term";
    /// A file under agreements/ whose kind is not known.
    UnknownDocument = "E205", "agreements are agreement.yaml; schemes are schemes/<id>.yaml";
    /// A heading of the Part 2 template with no content and no reason.
    SchemeHeadingMissing = "E400", "add text under `sections.<key>`, or `{not_applicable: reason}`";
    /// A section whose key is not a heading of the Part 2 template.
    SchemeUnknownHeading = "E401", "use the keys in templates/schedule1-part2.yaml";
    /// A pooled fund manager who is not an officer of the host partner.
    ManagerNotOfHost = "E402", "the pooled fund manager must be an officer of the host partner";
    /// Percentages that do not add up to 100.
    SharesNot100 = "E403", "shares must add up to exactly 100%";
    /// Risk-share percentages that disagree with the contributions.
    ShareDisagrees = "E404", "state the percentages the contributions give, or correct the contributions";
    /// A fund with no money in it and no other way of paying.
    ZeroFundNoBasis = "E405", "give the fund a `tariff` or a `payment_basis` (e.g. cost per case)";
    /// A partner in the scheme with no lead officer.
    LeadOfficerMissing = "E406", "add an entry to `lead_officers` for this partner";
    EmailInvalid = "E407", "write a full email address, e.g. name@council.gov.uk";
    /// Scheme dates or notice outside the agreement's term.
    SchemeDates = "E408", "scheme dates and notice must fall within the agreement's term";
    /// Arrangements that contradict the funds or lead commissioner given.
    ArrangementMismatch = "E409", "make `arrangements` match the funds and lead commissioner";
    DuplicateYear = "E410", "give each financial year once per fund";
    /// A scheme whose id differs from its file name.
    SchemeId = "E411", "name the file <id>.yaml after the document's `id`";
    /// The template file itself is broken.
    SchemeTemplate = "E412", "fix templates/schedule1-part2.yaml";
    /// Text left unfilled: [INSERT], [ ], TBC, 201…, bracketed alternatives.
    Placeholder = "E500", "replace the placeholder with the agreed text before signature";
    /// A negotiated change that cannot be applied.
    ClauseChange = "E600", "changes replace, add or remove a clause of templates/clauses/library.yaml by id";
    /// A cross-reference to a clause or schedule the agreement does not have.
    BrokenReference = "E601", "refer to a clause or schedule the agreement has";
    /// A capitalised term used but not defined.
    UndefinedTerm = "E602", "define the term under `definitions`, or write it in lower case if it is not a defined term";
    /// A term defined but never used.
    UnusedTerm = "E603", "remove the definition, or use the term";
    /// A term defined twice.
    DuplicateTerm = "E604", "keep one definition of each term";
    /// Execution details missing for a final document.
    ExecutionDetails = "E605", "give each party its `signatories` (the posts that sign)";
    /// A report that names an agreement that does not exist.
    ReportAgreement = "E700", "name the agreement by its folder under agreements/, or leave `agreement` out";
    /// A figure typed into a report that contradicts the agreement.
    FigureContradicts = "E701", "quote the agreement's figure with an expression such as {{ streams['Disabled Facilities Grant'].total|money }}";
    /// A `{{ ... }}` expression in report text that cannot be evaluated.
    ReportExpression = "E702", "see README.md for the names report text can use";
    /// Actuals for a scheme the agreement does not have.
    UnknownScheme = "E703", "use the id of one of the agreement's schemes";
    /// A quarter outside the agreement's term, or not 1 to 4.
    QuarterOutsideTerm = "E704", "give a financial year within the agreement's term and a quarter from 1 to 4";
    /// An actuals file that cannot be used.
    ActualsFile = "E705", "give a CSV file name in the report's own folder, with the columns scheme,budget,spent_to_date,forecast_outturn";
    /// A template failed to render.
    Template = "E300", "this is a fault in a template under templates/, not in your YAML";
    /// Typst could not lay out the generated source.
    Typeset = "E301", "this is a fault in a template under templates/, not in your YAML";
    /// Writing output failed.
    Output = "E302", "check the output folder is writable";
}

impl Code {
    /// Embeds this code in a serde error message so it survives the trip
    /// through serde_yaml and can be recovered by [`Code::untag`].
    pub fn tag(self, msg: &str) -> String {
        format!("[{}] {}", self.as_str(), msg)
    }

    /// Splits a message made by [`Code::tag`] back into code and message.
    pub fn untag(msg: &str) -> (Option<Code>, &str) {
        if let Some(rest) = msg.strip_prefix('[') {
            if let Some((code, tail)) = rest.split_once("] ") {
                if let Some(c) = Code::ALL.iter().find(|c| c.as_str() == code) {
                    return (Some(*c), tail);
                }
            }
        }
        (None, msg)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based; 0 when the problem is about the file as a whole.
    pub line: usize,
    /// 1-based; 0 when unknown.
    pub column: usize,
    /// e.g. `contributions.streams[0].amounts.council`
    pub yaml_path: Option<String>,
    pub message: String,
    pub hint: String,
}

impl Diagnostic {
    pub fn error(code: Code, file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            yaml_path: None,
            message: message.into(),
            hint: code.default_hint().to_string(),
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn path(mut self, p: impl Into<String>) -> Self {
        self.yaml_path = Some(p.into());
        self
    }

    pub fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = h.into();
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` as editors and CI logs expect.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.display().to_string(),
            (l, 0) => format!("{}:{}", self.file.display(), l),
            (l, c) => format!("{}:{}:{}", self.file.display(), l, c),
        }
    }

    fn sort_key(&self) -> (PathBuf, usize, usize, Code) {
        (self.file.clone(), self.line, self.column, self.code)
    }
}

/// Sorts diagnostics by file, line and column, and drops exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by_key(|a| a.sort_key());
    diags.dedup();
}

/// Writes diagnostics for a person: a headline with code and location, the
/// source line with the value underlined, the YAML path and the hint.
pub fn emit_human(out: &mut dyn WriteColor, diags: &[Diagnostic]) -> std::io::Result<()> {
    let mut files = SimpleFiles::new();
    // Each file is read and added once, however many problems it has.
    let mut ids: std::collections::HashMap<PathBuf, Option<usize>> =
        std::collections::HashMap::new();
    let config = term::Config::default();
    for d in diags {
        let severity = match d.severity {
            Severity::Error => codespan_reporting::diagnostic::Severity::Error,
            Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
        };
        let mut cs = CsDiagnostic::new(severity)
            .with_code(d.code.as_str())
            .with_message(&d.message);
        let mut notes = Vec::new();
        let id = if d.line > 0 {
            *ids.entry(d.file.clone()).or_insert_with(|| {
                // Lines counted as the parser counted them.
                std::fs::read_to_string(&d.file).ok().map(|src| {
                    files.add(
                        d.file.display().to_string(),
                        crate::load::normalize_line_breaks(src),
                    )
                })
            })
        } else {
            None
        };
        // A line too long to show (a minified or hostile file) gets no snippet.
        let id = id.filter(|id| {
            files.get(*id).is_ok_and(|f| {
                f.source()
                    .lines()
                    .nth(d.line.saturating_sub(1))
                    .is_some_and(|l| l.len() <= 400)
            })
        });
        match id {
            Some(id) => {
                let range = files
                    .get(id)
                    .map(|f| span_at(f.source(), d.line, d.column))
                    .unwrap_or(0..0);
                let label = Label::primary(id, range);
                let label = match &d.yaml_path {
                    Some(p) => label.with_message(format!("at {p}")),
                    None => label,
                };
                cs = cs.with_labels(vec![label]);
            }
            None => {
                notes.push(format!("in {}", d.location()));
                if let Some(p) = &d.yaml_path {
                    notes.push(format!("at {p}"));
                }
            }
        }
        notes.push(format!("hint: {}", d.hint));
        cs = cs.with_notes(notes);
        term::emit_to_write_style(out, &config, &files, &cs).map_err(std::io::Error::other)?;
    }
    Ok(())
}

/// The byte range of the token at a 1-based line and column.
fn span_at(src: &str, line: usize, column: usize) -> std::ops::Range<usize> {
    let mut start = 0;
    for (i, l) in src.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col = column.saturating_sub(1);
            let offset: usize = l.chars().take(col).map(char::len_utf8).sum();
            let body = l.trim_end_matches(['\n', '\r']);
            let from = (start + offset).min(start + body.len());
            let rest = &src[from..start + body.len()];
            // Underline at most a short stretch: a hostile one-line file
            // must not make the report itself enormous.
            let len = token_len(rest).min(120);
            let len = (0..=len)
                .rev()
                .find(|l| rest.is_char_boundary(*l))
                .unwrap_or(0);
            return from..from
                + len.max(if rest.is_empty() {
                    0
                } else {
                    rest.chars().next().map_or(0, char::len_utf8)
                });
        }
        start += l.len();
    }
    src.len()..src.len()
}

/// A quoted string runs to its closing quote; anything else to the end of
/// the line, less a trailing comment.
fn token_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    match chars.next() {
        Some((_, q @ ('"' | '\''))) => {
            for (i, c) in chars {
                if c == q {
                    return i + 1;
                }
            }
            rest.len()
        }
        Some(_) => {
            let end = rest.find(" #").unwrap_or(rest.len());
            rest[..end].trim_end().len()
        }
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_round_trips() {
        let t = Code::MoneyGrouping.tag("bad");
        assert_eq!(Code::untag(&t), (Some(Code::MoneyGrouping), "bad"));
        assert_eq!(Code::untag("plain"), (None, "plain"));
    }

    #[test]
    fn codes_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {c}");
        }
    }

    #[test]
    fn span_covers_quoted_value() {
        let src = "a: 1\nb: \"£4,745,00\" # c\n";
        let r = span_at(src, 2, 4);
        assert_eq!(&src[r], "\"£4,745,00\"");
    }
}

/// Draft or final. In draft, problems of completeness (a placeholder, a
/// heading not yet written, figures that disagree) are warnings, so a
/// draft can still be circulated; in final they are errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Draft,
    Final,
}

impl Diagnostic {
    /// A warning in draft, an error in final.
    pub fn graded(mut self, mode: Mode) -> Self {
        self.severity = match mode {
            Mode::Draft => Severity::Warning,
            Mode::Final => Severity::Error,
        };
        self
    }
}

/// How diagnostics are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For people: source snippets, underlines and hints (on stderr).
    #[default]
    Human,
    /// One JSON object per line on stdout: code, severity, file, line,
    /// column, yaml_path, message, hint.
    Json,
    /// GitHub Actions workflow commands on stdout, so problems appear as
    /// annotations on the pull request.
    Github,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One diagnostic as a JSON object.
pub fn to_json(d: &Diagnostic) -> String {
    serde_json::json!({
        "code": d.code.as_str(),
        "severity": d.severity.as_str(),
        "file": d.file.display().to_string(),
        "line": d.line,
        "column": d.column,
        "yaml_path": d.yaml_path,
        "message": d.message,
        "hint": d.hint,
    })
    .to_string()
}

/// One diagnostic as a GitHub Actions workflow command.
pub fn to_github(d: &Diagnostic) -> String {
    // Workflow commands need %, CR and LF escaped in the message, and also
    // `,` and `:` in properties.
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut props = vec![format!("file={}", prop(&d.file.display().to_string()))];
    if d.line > 0 {
        props.push(format!("line={}", d.line));
    }
    if d.column > 0 {
        props.push(format!("col={}", d.column));
    }
    props.push(format!(
        "title={}",
        prop(
            &format!("{} {}", d.code, d.yaml_path.as_deref().unwrap_or(""))
                .trim()
                .to_string()
        )
    ));
    format!(
        "::{} {}::{}",
        d.severity.as_str(),
        props.join(","),
        data(&format!("{} (hint: {})", d.message, d.hint))
    )
}

/// Writes diagnostics in the chosen format.
pub fn emit(format: Format, diags: &[Diagnostic]) {
    use std::io::Write;
    match format {
        Format::Human => {
            let color = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                codespan_reporting::term::termcolor::ColorChoice::Auto
            } else {
                codespan_reporting::term::termcolor::ColorChoice::Never
            };
            let _ = emit_human(
                &mut codespan_reporting::term::termcolor::StandardStream::stderr(color),
                diags,
            );
        }
        Format::Json | Format::Github => {
            let mut out = std::io::stdout().lock();
            for d in diags {
                let line = if format == Format::Json {
                    to_json(d)
                } else {
                    to_github(d)
                };
                let _ = writeln!(out, "{line}");
            }
        }
    }
}
