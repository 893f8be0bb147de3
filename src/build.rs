//! The pipeline for one run: find agreements and their schemes, load and
//! check them, render typst through the templates, typeset, and write PDFs
//! atomically.

use std::error::Error as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::Datelike;
use minijinja::value::Value;

use crate::check::{self, SchemeContext};
use crate::diag::{Code, Diagnostic, Mode, Severity};
use crate::load::{self, SourceFile};
use crate::model::template::SchemeTemplate;
use crate::model::{Agreement, Date, Scheme};
use crate::{render, typeset, view};

/// The Part 2 template's file, under the templates folder.
pub const SCHEME_TEMPLATE: &str = "schedule1-part2.yaml";

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
    pub mode: Mode,
}

/// A document that was written.
#[derive(Debug, Clone)]
pub struct Built {
    pub pdf: PathBuf,
    pub pages: usize,
    pub page_text: Vec<String>,
    pub timings: Timings,
    /// Whether it carries the DRAFT watermark.
    pub watermarked: bool,
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
    /// Documents loaded and checked.
    pub checked: usize,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn built(&self, ending: &str) -> Option<&Built> {
        self.built.iter().find(|b| b.pdf.ends_with(ending))
    }
}

/// One loaded scheme file.
pub struct LoadedScheme {
    pub source: SourceFile,
    pub scheme: Option<Scheme>,
    pub errors: bool,
    pub warnings: bool,
}

/// An agreement and its schemes, loaded and checked.
pub struct Loaded {
    pub source: SourceFile,
    pub agreement: Option<Agreement>,
    /// Whether the agreement file itself has errors / warnings.
    pub errors: bool,
    pub warnings: bool,
    pub schemes: Vec<LoadedScheme>,
    /// The folder name under `agreements/`, used for output paths.
    pub id: String,
}

/// Parses a file, then runs `checks` on the model if it parsed.
fn load_file<T: serde::de::DeserializeOwned>(
    path: &Path,
    diags: &mut Vec<Diagnostic>,
    checks: impl FnOnce(&SourceFile, &T, bool) -> Vec<Diagnostic>,
) -> Option<(SourceFile, Option<T>, bool, bool)> {
    let source = match SourceFile::read(path) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let (doc, mut found) = load::parse::<T>(&source);
    let parse_failed = !found.is_empty();
    if let Some(d) = &doc {
        found.extend(checks(&source, d, parse_failed));
    }
    let errors = found.iter().any(Diagnostic::is_error) || doc.is_none();
    let warnings = found.iter().any(|d| d.severity == Severity::Warning);
    diags.extend(found);
    Some((source, doc, errors, warnings))
}

/// Loads the Part 2 template from the templates folder.
pub fn load_template(templates: &Path, diags: &mut Vec<Diagnostic>) -> Option<SchemeTemplate> {
    let path = templates.join(SCHEME_TEMPLATE);
    let (_, t, errors, _) = load_file::<SchemeTemplate>(&path, diags, |_, _, _| Vec::new())?;
    t.filter(|_| !errors)
}

/// Loads and checks an agreement file and every scheme beside it.
pub fn load_agreement(path: &Path, template: Option<&SchemeTemplate>, mode: Mode, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let (source, agreement, errors, warnings) = load_file::<Agreement>(path, diags, |src, a, parse_failed| {
        let mut found = check::agreement(src, a);
        if parse_failed {
            // Stand-ins from error recovery would give false alarms.
            found.retain(|d| !matches!(d.code, Code::TotalMismatch | Code::TermInvalid));
        }
        found.extend(check::placeholders(src, mode));
        found
    })?;
    let mut schemes = Vec::new();
    for file in scheme_files(path) {
        let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let loaded = load_file::<Scheme>(&file, diags, |src, s, _| {
            let mut found = check::placeholders(src, mode);
            if let (Some(a), Some(t)) = (&agreement, template) {
                let cx = SchemeContext { agreement: a, template: t, file_stem: &stem, mode };
                found.extend(check::scheme(src, s, &cx));
            }
            found
        });
        if let Some((source, scheme, errors, warnings)) = loaded {
            schemes.push(LoadedScheme { source, scheme, errors, warnings });
        }
    }
    Some(Loaded { source, agreement, errors, warnings, schemes, id: agreement_id(path) })
}

/// `schemes/*.yaml` beside an agreement file, in file-name order (which
/// gives their order in Schedule 1 Part 3: 3A, 3B ...).
pub fn scheme_files(agreement: &Path) -> Vec<PathBuf> {
    let dir = agreement.parent().unwrap_or(Path::new(".")).join("schemes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    files
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
    if !opts.templates.is_dir() {
        report.diagnostics.push(
            Diagnostic::error(Code::Io, &opts.templates, "templates folder not found")
                .hint("run s75 from the project root, or pass --templates DIR"),
        );
        return report;
    }
    let template = load_template(&opts.templates, &mut report.diagnostics);
    let env = render::environment(&opts.templates);
    for file in files {
        let started = Instant::now();
        let Some(loaded) = load_agreement(&file, template.as_ref(), opts.mode, &mut report.diagnostics) else { continue };
        report.checked += 1 + loaded.schemes.len();
        let (Some(a), Some(t)) = (&loaded.agreement, &template) else { continue };
        if opts.check_only || loaded.errors {
            continue;
        }
        let load_check = started.elapsed();
        let out_dir = opts.out.join(&loaded.id);
        let ok_schemes: Vec<(usize, &LoadedScheme, &Scheme)> = loaded
            .schemes
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.scheme.as_ref().filter(|_| !l.errors).map(|s| (i, l, s)))
            .collect();

        // Standalone scheme specifications.
        for (i, l, s) in &ok_schemes {
            let draft = opts.mode == Mode::Draft && l.warnings;
            let cx = view::scheme_context(a, t, s, *i, draft);
            let doc = Doc {
                template: "scheme.typ.j2",
                context: cx,
                dir: out_dir.join("schemes"),
                stem: &s.id,
                date: document_date(a),
                ident: format!("s75/{}/schemes/{}", loaded.id, s.id),
                watermarked: draft,
            };
            match doc.build(&env, opts) {
                Ok(mut b) => {
                    b.timings.load_check = load_check;
                    report.built.push(b);
                }
                Err(d) => report.diagnostics.extend(d),
            }
        }

        // The agreement includes every scheme, so it waits for all of them.
        if ok_schemes.len() == loaded.schemes.len() {
            let draft = opts.mode == Mode::Draft && (loaded.warnings || loaded.schemes.iter().any(|s| s.warnings));
            let schemes: Vec<&Scheme> = ok_schemes.iter().map(|(_, _, s)| *s).collect();
            let doc = Doc {
                template: "agreement.typ.j2",
                context: view::agreement_context(a, t, &schemes, draft),
                dir: out_dir.clone(),
                stem: "agreement",
                date: document_date(a),
                ident: format!("s75/{}/agreement", loaded.id),
                watermarked: draft,
            };
            match doc.build(&env, opts) {
                Ok(mut b) => {
                    b.timings.load_check = load_check;
                    report.built.push(b);
                }
                Err(d) => report.diagnostics.extend(d),
            }
        }
    }
    crate::diag::sort(&mut report.diagnostics);
    report
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

/// Renders a top-level template with a context.
pub fn render(env: &minijinja::Environment<'static>, templates: &Path, name: &str, cx: Value) -> Result<String, Diagnostic> {
    let tpl = env.get_template(name).map_err(|e| template_error(templates, e))?;
    tpl.render(cx).map_err(|e| template_error(templates, e))
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

/// One document to render, typeset and write.
struct Doc<'a> {
    template: &'a str,
    context: Value,
    dir: PathBuf,
    stem: &'a str,
    date: Date,
    ident: String,
    watermarked: bool,
}

impl Doc<'_> {
    fn build(self, env: &minijinja::Environment<'static>, opts: &Options) -> Result<Built, Vec<Diagnostic>> {
        let t0 = Instant::now();
        let source = render(env, &opts.templates, self.template, self.context).map_err(|d| vec![d])?;
        let render_time = t0.elapsed();
        let io_err = |p: &Path, e: std::io::Error| vec![Diagnostic::error(Code::Output, p, format!("cannot write: {e}"))];
        std::fs::create_dir_all(&self.dir).map_err(|e| io_err(&self.dir, e))?;
        if opts.emit_typst {
            let p = self.dir.join(format!("{}.typ", self.stem));
            write_atomic(&p, source.as_bytes()).map_err(|e| io_err(&p, e))?;
        }
        let out = typeset::typeset(typeset::Job {
            name: &format!("/{}.typ", self.stem),
            source,
            templates: &opts.templates,
            date: (self.date.year(), self.date.0.month() as u8, self.date.0.day() as u8),
            ident: self.ident,
            inputs: Vec::new(),
            archival: false,
        })?;
        let pdf = self.dir.join(format!("{}.pdf", self.stem));
        write_atomic(&pdf, &out.pdf).map_err(|e| io_err(&pdf, e))?;
        Ok(Built {
            pdf,
            pages: out.pages,
            page_text: out.page_text,
            timings: Timings { load_check: Duration::ZERO, render: render_time, layout: out.layout_time, export: out.export_time },
            watermarked: self.watermarked,
        })
    }
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
