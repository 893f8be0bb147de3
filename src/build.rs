//! The pipeline for one run: find agreements, load and check them, render
//! typst through the templates, typeset, and write PDFs atomically.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Datelike;
use minijinja::value::Value;
use serde::Serialize;

use crate::diag::{Code, Diagnostic};
use crate::finance::ContributionTable;
use crate::load::{self, SourceFile};
use crate::model::party::{Execution, Party};
use crate::model::{Agreement, Date};
use crate::{check, render, typeset};

/// What a run should do.
#[derive(Debug, Clone)]
pub struct Options {
    /// Agreement folders or files; defaults to `agreements/`.
    pub paths: Vec<PathBuf>,
    pub templates: PathBuf,
    pub out: PathBuf,
    /// Also write the generated `.typ` beside each PDF.
    pub emit_typst: bool,
    /// Only load and check; write nothing.
    pub check_only: bool,
}

/// A document that was written.
#[derive(Debug, Clone)]
pub struct Built {
    pub pdf: PathBuf,
    pub pages: usize,
    pub page_text: Vec<String>,
    pub timings: Timings,
}

/// Where the time went for one document.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub load_check: Duration,
    pub render: Duration,
    pub layout: Duration,
    pub export: Duration,
}

#[derive(Debug, Default)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub built: Vec<Built>,
    pub checked: usize,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A checked agreement, ready to render.
pub struct Loaded {
    pub source: SourceFile,
    pub agreement: Agreement,
    /// The folder name under `agreements/`, used for output paths.
    pub id: String,
}

/// Loads and checks one agreement file. Returns the model only if the file
/// has no errors.
pub fn load_agreement(path: &Path, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let source = match SourceFile::read(path) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let (doc, mut found) = load::parse::<Agreement>(&source);
    let parse_failed = !found.is_empty();
    if let Some(a) = &doc {
        let mut semantic = check::agreement(&source, a);
        if parse_failed {
            // Stand-in values from error recovery would give false alarms.
            semantic.retain(|d| !matches!(d.code, Code::TotalMismatch | Code::TermInvalid));
        }
        found.extend(semantic);
    }
    let ok = !found.iter().any(Diagnostic::is_error);
    diags.extend(found);
    let agreement = doc.filter(|_| ok)?;
    let id = agreement_id(path);
    Some(Loaded { source, agreement, id })
}

fn agreement_id(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "agreement".into())
}

pub fn run(opts: &Options) -> Report {
    let mut report = Report::default();
    let files = match load::discover(&opts.paths) {
        Ok(f) => f,
        Err(d) => {
            report.diagnostics.push(d);
            return report;
        }
    };
    if !opts.check_only && !opts.templates.is_dir() {
        report.diagnostics.push(
            Diagnostic::error(Code::Io, &opts.templates, "templates folder not found")
                .hint("run s75 from the project root, or pass --templates DIR"),
        );
        return report;
    }
    let env = render::environment(&opts.templates);
    for file in files {
        let started = Instant::now();
        let Some(loaded) = load_agreement(&file, &mut report.diagnostics) else { continue };
        report.checked += 1;
        if opts.check_only {
            continue;
        }
        let load_check = started.elapsed();
        match build_agreement(&env, opts, &loaded) {
            Ok(mut built) => {
                built.timings.load_check = load_check;
                report.built.push(built);
            }
            Err(d) => report.diagnostics.extend(d),
        }
    }
    crate::diag::sort(&mut report.diagnostics);
    report
}

#[derive(Serialize)]
struct PartyView<'a> {
    #[serde(flatten)]
    party: &'a Party,
    type_words: &'static str,
    execution: Execution,
    is_local_authority: bool,
}

/// The values templates see. Figures are computed here, never read from
/// stated totals.
pub fn context(a: &Agreement) -> Value {
    let parties: Vec<PartyView> = a
        .parties
        .iter()
        .map(|p| PartyView {
            party: p,
            type_words: p.kind.describe(),
            execution: p.kind.execution(),
            is_local_authority: p.kind.is_local_authority(),
        })
        .collect();
    let by_id: BTreeMap<&str, &PartyView> = parties.iter().map(|p| (p.party.id.as_str(), p)).collect();
    let table = ContributionTable::compute(a);
    let year_made = a.date_made.unwrap_or(a.term.commencement).year();
    minijinja::context! {
        a => Value::from_serialize(a),
        parties => Value::from_serialize(&parties),
        party => Value::from_serialize(&by_id),
        table => Value::from_serialize(&table),
        year_made => year_made,
        host => Value::from_serialize(by_id.get(a.pooled_fund.host.as_str())),
    }
}

/// The date stamped on the PDF: SOURCE_DATE_EPOCH when set (the
/// reproducible-builds convention), else the agreement's document date,
/// else its commencement date. Never the clock.
pub fn document_date(a: &Agreement) -> Date {
    if let Some(d) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
    {
        return Date(d.date_naive());
    }
    a.document_date.unwrap_or(a.term.commencement)
}

/// Renders the agreement's typst source.
pub fn render_agreement(env: &minijinja::Environment<'static>, templates: &Path, a: &Agreement) -> Result<String, Diagnostic> {
    let tpl = env.get_template("agreement.typ.j2").map_err(|e| template_error(templates, e))?;
    tpl.render(context(a)).map_err(|e| template_error(templates, e))
}

fn template_error(templates: &Path, e: minijinja::Error) -> Diagnostic {
    let file = e.name().map(|n| templates.join(n)).unwrap_or_else(|| templates.to_path_buf());
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    let line = e.line().unwrap_or(0);
    Diagnostic::error(Code::Template, &file, msg).at(line, 0)
}

fn build_agreement(env: &minijinja::Environment<'static>, opts: &Options, l: &Loaded) -> Result<Built, Vec<Diagnostic>> {
    let a = &l.agreement;
    let t0 = Instant::now();
    let source = render_agreement(env, &opts.templates, a).map_err(|d| vec![d])?;
    let render_time = t0.elapsed();
    let dir = opts.out.join(&l.id);
    let io_err = |p: &Path, e: std::io::Error| vec![Diagnostic::error(Code::Output, p, format!("cannot write: {e}"))];
    std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, e))?;
    if opts.emit_typst {
        let p = dir.join("agreement.typ");
        write_atomic(&p, source.as_bytes()).map_err(|e| io_err(&p, e))?;
    }
    let date = document_date(a);
    let out = typeset::typeset(typeset::Job {
        name: "/agreement.typ",
        source,
        templates: &opts.templates,
        date: (date.year(), date.0.month() as u8, date.0.day() as u8),
        ident: format!("s75/{}/agreement", l.id),
        inputs: Vec::new(),
        archival: false,
    })?;
    let pdf = dir.join("agreement.pdf");
    write_atomic(&pdf, &out.pdf).map_err(|e| io_err(&pdf, e))?;
    Ok(Built {
        pdf,
        pages: out.pages,
        page_text: out.page_text,
        timings: Timings { load_check: Duration::ZERO, render: render_time, layout: out.layout_time, export: out.export_time },
    })
}

/// Writes a file so that readers only ever see the old or the new
/// contents: a temporary file in the same folder, flushed, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".s75-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
