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
use crate::library::{self, Contents, Library};
use crate::load::{self, SourceFile};
use crate::model::template::SchemeTemplate;
use crate::model::{Agreement, Date, Scheme};
use crate::terms::{self, Glossary};
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
    /// Rebuild every document even if its inputs have not changed.
    pub force: bool,
    /// Documents typeset at once.
    pub jobs: usize,
}

impl Options {
    /// Options for `paths` with everything else at its default.
    pub fn new(paths: Vec<PathBuf>, templates: PathBuf, out: PathBuf) -> Options {
        Options {
            paths,
            templates,
            out,
            emit_typst: false,
            check_only: false,
            mode: Mode::Draft,
            force: false,
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
        }
    }
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

impl Built {
    /// The document's words as a reader follows them: every page in order,
    /// with line breaks and runs of spaces read as one space, so a phrase
    /// can be found wherever typst happened to break its lines.
    pub fn reading_text(&self) -> String {
        let mut out = String::new();
        for word in self.page_text.iter().flat_map(|p| p.split_whitespace()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }

    /// The document's lines of text, page after page, as typst set them.
    pub fn lines(&self) -> impl Iterator<Item = &str> {
        self.page_text.iter().flat_map(|p| p.lines())
    }
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
    /// Notes for the reader: clauses that differ from the standard library.
    pub notes: Vec<String>,
    /// PDFs skipped because nothing they are built from has changed.
    pub up_to_date: Vec<PathBuf>,
    /// Documents whose typesetting or writing failed.
    pub failed: usize,
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
pub fn load_agreement(
    path: &Path,
    template: Option<&SchemeTemplate>,
    mode: Mode,
    diags: &mut Vec<Diagnostic>,
) -> Option<Loaded> {
    let (source, agreement, errors, warnings) =
        load_file::<Agreement>(path, diags, |src, a, parse_failed| {
            let mut found = check::agreement(src, a);
            if parse_failed {
                // Stand-ins from error recovery would give false alarms.
                found.retain(|d| !matches!(d.code, Code::TotalMismatch | Code::TermInvalid));
            }
            found.extend(check::text(src, mode));
            found
        })?;
    // Schemes are independent of each other: load and check them on every
    // core, then put them (and their diagnostics) back in file order.
    let files = scheme_files(path);
    let load_one = |file: &PathBuf| {
        let mut found = Vec::new();
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let loaded = load_file::<Scheme>(file, &mut found, |src, s, _| {
            let mut found = check::text(src, mode);
            if let (Some(a), Some(t)) = (&agreement, template) {
                let cx = SchemeContext {
                    agreement: a,
                    template: t,
                    file_stem: &stem,
                    mode,
                };
                found.extend(check::scheme(src, s, &cx));
            }
            found
        });
        (
            loaded.map(|(source, scheme, errors, warnings)| LoadedScheme {
                source,
                scheme,
                errors,
                warnings,
            }),
            found,
        )
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len().max(1));
    let chunk = files.len().div_ceil(threads).max(1);
    let results: Vec<(Option<LoadedScheme>, Vec<Diagnostic>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(load_one).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a scheme-loading thread panicked"))
            .collect()
    });
    let mut schemes = Vec::new();
    for (loaded, found) in results {
        diags.extend(found);
        schemes.extend(loaded);
    }
    Some(Loaded {
        source,
        agreement,
        errors,
        warnings,
        schemes,
        id: agreement_id(path),
    })
}

/// `schemes/*.yaml` beside an agreement file, in file-name order (which
/// gives their order in Schedule 1 Part 3: 3A, 3B ...).
pub fn scheme_files(agreement: &Path) -> Vec<PathBuf> {
    load::yaml_files_beside(agreement, "schemes")
}

fn agreement_id(path: &Path) -> String {
    path.parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "agreement".into())
}

/// What every document of a run shares: the templates as data.
pub struct Shared {
    pub template: SchemeTemplate,
    pub library: Library,
    pub glossary: Glossary,
}

/// Loads the Part 2 template, the clause library and the glossary.
pub fn load_shared(templates: &Path, diags: &mut Vec<Diagnostic>) -> Option<Shared> {
    let template = load_template(templates, diags);
    let library =
        load_file::<Library>(&templates.join("clauses/library.yaml"), diags, |_, _, _| {
            Vec::new()
        })
        .and_then(|(_, l, errors, _)| l.filter(|_| !errors));
    let glossary =
        load_file::<Glossary>(&templates.join("terms.yaml"), diags, |_, _, _| Vec::new())
            .and_then(|(_, g, errors, _)| g.filter(|_| !errors));
    Some(Shared {
        template: template?,
        library: library?,
        glossary: glossary?,
    })
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
    let shared = load_shared(&opts.templates, &mut report.diagnostics);
    let env = render::environment(&opts.templates);
    let mut pending: Vec<(Doc, Duration)> = Vec::new();
    for file in files {
        let started = Instant::now();
        let Some(loaded) = load_agreement(
            &file,
            shared.as_ref().map(|s| &s.template),
            opts.mode,
            &mut report.diagnostics,
        ) else {
            continue;
        };
        report.checked += 1 + loaded.schemes.len();
        let (Some(a), Some(sh)) = (&loaded.agreement, &shared) else {
            continue;
        };
        if loaded.errors {
            continue;
        }
        let out_dir = opts.out.join(&loaded.id);
        let ok_schemes: Vec<(usize, &LoadedScheme, &Scheme)> = loaded
            .schemes
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.scheme.as_ref().filter(|_| !l.errors).map(|s| (i, l, s)))
            .collect();

        // The agreement: clauses, render, lint. It includes every scheme,
        // so it waits for all of them.
        let mut agreement_doc = None;
        if ok_schemes.len() == loaded.schemes.len() {
            let schemes: Vec<&Scheme> = ok_schemes.iter().map(|(_, _, s)| *s).collect();
            let mut found = Vec::new();
            let prepared = prepare_agreement(&env, opts, sh, &loaded, a, &schemes, &mut found);
            let errors = found.iter().any(Diagnostic::is_error);
            let warnings = found.iter().any(|d| d.severity == Severity::Warning);
            report.diagnostics.extend(found);
            if let Some((source, contents)) = prepared {
                report.notes.extend(
                    contents
                        .differences()
                        .into_iter()
                        .map(|d| format!("{}: {d}", loaded.source.path.display())),
                );
                if !errors {
                    let draft = opts.mode == Mode::Draft
                        && (warnings
                            || loaded.warnings
                            || loaded.schemes.iter().any(|s| s.warnings));
                    agreement_doc = Some((source, draft));
                }
            }
        }
        // Reports filed under the agreement see every scheme that parsed,
        // so a scheme with a check error is not mistaken for a missing one.
        let scheme_refs: Vec<&Scheme> = loaded
            .schemes
            .iter()
            .filter_map(|l| l.scheme.as_ref())
            .collect();
        // A report is built from the agreement and its schemes: with an
        // error in any of them, reports are checked but not built.
        let inputs_ok = ok_schemes.len() == loaded.schemes.len() && agreement_doc.is_some();
        let reports: Vec<crate::reports::LoadedReport> = crate::reports::report_files(&file)
            .iter()
            .filter_map(|f| {
                crate::reports::load(
                    f,
                    &env,
                    a,
                    &loaded.id,
                    &scheme_refs,
                    opts.mode,
                    &mut report.diagnostics,
                )
            })
            .collect();
        report.checked += reports.len();
        if opts.check_only {
            continue;
        }
        let load_check = started.elapsed();
        let hash = input_hash(
            std::iter::once(loaded.source.text.as_str())
                .chain(loaded.schemes.iter().map(|s| s.source.text.as_str())),
        );
        for r in reports.iter().filter(|r| !r.errors && inputs_ok) {
            let draft = opts.mode == Mode::Draft && r.warnings;
            let (template, cx, id, meeting) = match &r.doc {
                Some(crate::reports::Doc::Report(rep)) => (
                    "report.typ.j2",
                    crate::reports::report_context(a, rep, &r.texts),
                    rep.id.clone(),
                    rep.meeting.date,
                ),
                Some(crate::reports::Doc::Quarterly(q, lines)) => (
                    "quarterly.typ.j2",
                    crate::reports::quarterly_context(a, &scheme_refs, q, lines),
                    q.id.clone(),
                    q.meeting.date,
                ),
                None => continue,
            };
            // A report is dated by its meeting (unless SOURCE_DATE_EPOCH says otherwise).
            let date = epoch_date().unwrap_or(meeting);
            let doc = Doc {
                source: Source::Template(template, cx),
                dir: out_dir.join("reports"),
                stem: id.clone(),
                date,
                ident: format!("s75/{}/reports/{id}", loaded.id),
                draft,
                footer: draft_footer(
                    a,
                    &input_hash([loaded.source.text.as_str(), r.source.text.as_str()]),
                ),
            };
            pending.push((doc, load_check));
        }

        // Standalone scheme specifications.
        for (i, l, s) in &ok_schemes {
            let draft = opts.mode == Mode::Draft && l.warnings;
            let doc = Doc {
                source: Source::Template(
                    "scheme.typ.j2",
                    view::scheme_context(a, &sh.template, s, *i),
                ),
                dir: out_dir.join("schemes"),
                stem: s.id.clone(),
                date: document_date(a),
                ident: format!("s75/{}/schemes/{}", loaded.id, s.id),
                draft,
                footer: draft_footer(
                    a,
                    &input_hash([loaded.source.text.as_str(), l.source.text.as_str()]),
                ),
            };
            pending.push((doc, load_check));
        }
        if let Some((source, draft)) = agreement_doc {
            let doc = Doc {
                source: Source::Rendered(source),
                dir: out_dir.clone(),
                stem: "agreement".into(),
                date: document_date(a),
                ident: format!("s75/{}/agreement", loaded.id),
                draft,
                footer: draft_footer(a, &hash),
            };
            pending.push((doc, load_check));
        }
    }
    build_all(&env, opts, pending, &mut report);
    crate::diag::sort(&mut report.diagnostics);
    report
}

/// Renders every document, skips those whose inputs have not changed since
/// the last build (unless forced), and typesets the rest in parallel.
fn build_all(
    env: &minijinja::Environment<'static>,
    opts: &Options,
    pending: Vec<(Doc, Duration)>,
    report: &mut Report,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    let mut manifest = crate::manifest::Manifest::load(&opts.out);
    let static_files = crate::manifest::static_template_digest(&opts.templates);
    let mut to_build = Vec::new();
    for (doc, load_check) in pending {
        let t0 = Instant::now();
        let source = match &doc.source {
            Source::Template(name, cx) => match render(env, &opts.templates, name, cx.clone()) {
                Ok(s) => s,
                Err(d) => {
                    report.diagnostics.push(d);
                    continue;
                }
            },
            Source::Rendered(s) => s.clone(),
        };
        let render_time = t0.elapsed();
        let pdf = doc.dir.join(format!("{}.pdf", doc.stem));
        let key = crate::manifest::key(&[
            env!("CARGO_PKG_VERSION"),
            &source,
            &static_files,
            &doc.ident,
            &doc.draft.to_string(),
            &doc.footer,
            &format!("{:?}{}", opts.mode, doc.date),
        ]);
        if !opts.force
            && pdf.exists()
            && manifest.get(&opts.out, &pdf) == Some(key.as_str())
            && !opts.emit_typst
        {
            report.up_to_date.push(pdf);
            continue;
        }
        to_build.push((doc, source, key, load_check, render_time));
    }

    let total = to_build.len();
    let bar = crate::progress::Progress::new(total as u64);
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let jobs = opts.jobs.max(1).min(total.max(1));
    let slots: Vec<Mutex<Option<(Doc, String, String, Duration, Duration)>>> =
        to_build.into_iter().map(|t| Mutex::new(Some(t))).collect();
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(slot) = slots.get(i) else { break };
                let Some((doc, source, key, load_check, render_time)) = slot
                    .lock()
                    .expect("no job panics while holding its slot")
                    .take()
                else {
                    continue;
                };
                let name = doc.dir.join(format!("{}.pdf", doc.stem));
                bar.start(&name);
                let result = doc.build(opts, source).map(|mut b| {
                    b.timings.load_check = load_check;
                    b.timings.render = render_time;
                    (b, key)
                });
                bar.finish_one();
                results.lock().expect("results lock").push(result);
            });
        }
    });
    bar.done();
    let mut results = results.into_inner().expect("results lock");
    results.sort_by_key(|r| r.as_ref().map(|(b, _)| b.pdf.clone()).ok());
    for r in results {
        match r {
            Ok((b, key)) => {
                manifest.set(&opts.out, &b.pdf, key);
                report.built.push(b);
            }
            Err(d) => {
                report.failed += 1;
                report.diagnostics.extend(d);
            }
        }
    }
    if total > 0 {
        if let Err(e) = manifest.save(&opts.out) {
            report.diagnostics.push(
                Diagnostic::error(
                    Code::Output,
                    &opts.out,
                    format!("cannot write the build manifest: {e}"),
                )
                .hint("the PDFs were written; the next build will rebuild them all"),
            );
        }
    }
}

/// Renders the agreement's typst source and runs the checks that need it:
/// negotiated changes, cross-references, defined terms, execution details.
fn prepare_agreement(
    env: &minijinja::Environment<'static>,
    opts: &Options,
    sh: &Shared,
    loaded: &Loaded,
    a: &Agreement,
    schemes: &[&Scheme],
    found: &mut Vec<Diagnostic>,
) -> Option<(String, Contents)> {
    let src = &loaded.source;
    let (contents, change_diags) = library::contents(&sh.library, a, schemes, src);
    let change_errors = change_diags.iter().any(Diagnostic::is_error);
    found.extend(change_diags);
    if change_errors {
        return None;
    }
    // Pass 1 with every definition, to see which terms the text uses;
    // pass 2 with only those, in alphabetical order.
    let base = view::agreement_context(a, &sh.template, schemes, &contents, !opts.check_only);
    let all = definitions(env, sh, a, &base, &opts.templates, found)?;
    let first = render(env, &opts.templates, "agreement.typ.j2", base.with(&all))
        .map_err(|d| found.push(d))
        .ok()?;
    let body: String = terms::body_lines(&first, &["clauses/definitions.typ.j2"], false)
        .into_iter()
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n");
    let mut glossary_terms: Vec<&str> = sh.glossary.terms.iter().map(|t| t.term.as_str()).collect();
    glossary_terms.extend(a.definitions.iter().map(|d| d.term.as_str()));
    let in_use = terms::used_terms(glossary_terms, &body);
    let superseded = a.supersedes.as_ref().map(|s| s.name.as_str());
    let used: Vec<view::DefinitionView> = all
        .iter()
        .filter(|d| in_use.contains(d.term.as_str()) || Some(d.term.as_str()) == superseded)
        .cloned()
        .collect();
    // Only the definitions clause changes, so render it alone and put it in
    // place of the first pass's.
    let clause = render(
        env,
        &opts.templates,
        "clauses/definitions.typ.j2",
        base.with(&used),
    )
    .map_err(|d| found.push(d))
    .ok()?;
    let source = splice_definitions(&first, &clause)?;

    found.extend(check_labels(&source, &opts.templates));
    found.extend(terms::check_definitions(
        src,
        &sh.glossary,
        &a.definitions,
        &in_use,
        opts.mode,
    ));
    let mut defined: Vec<String> = sh.glossary.terms.iter().map(|t| t.term.clone()).collect();
    defined.extend(a.definitions.iter().map(|d| d.term.clone()));
    if let Some(s) = &a.supersedes {
        defined.push(s.name.clone());
    }
    // Names given in the YAML (parties, bodies, funds, posts, schemes) are
    // not terms. The agreement's own prose (recitals, negotiated text,
    // definitions) is linted, so it does not count as a name.
    let prose = ["recitals", "changes", "definitions"];
    let names_in_yaml: Vec<&str> = src
        .index()
        .scalars()
        .into_iter()
        .filter(|(path, _, _)| !prose.iter().any(|p| path.starts_with(p)))
        .map(|(_, _, text)| text)
        .collect();
    let known: Vec<String> = names_in_yaml
        .into_iter()
        .map(str::to_string)
        .chain(schemes.iter().flat_map(|s| {
            std::iter::once(s.title.clone()).chain(s.funds.iter().map(|f| f.name.clone()))
        }))
        .collect();
    let template_text = sh.template.headings.iter().flat_map(|h| {
        std::iter::once(h.title.as_str()).chain(h.guidance.iter().map(String::as_str))
    });
    let known = terms::Phrases::of(
        known
            .iter()
            .map(String::as_str)
            .chain(sh.glossary.names.iter().map(String::as_str))
            .chain(
                sh.library
                    .clauses
                    .iter()
                    .chain(&sh.library.schedules)
                    .map(|c| c.title.as_str()),
            )
            .chain(template_text),
    );
    // Scheme specifications define their own terms in their text, so their
    // bodies are not linted here.
    let lint_lines = terms::body_lines(
        &source,
        &["clauses/definitions.typ.j2", "scheme/body.typ.j2"],
        true,
    );
    for u in terms::undefined_phrases(&lint_lines, &defined, &known) {
        let (file, line) = match render::trace_line(&source, u.line) {
            Some((t, l)) => (opts.templates.join(t), l),
            None => (src.path.clone(), 0),
        };
        found.push(
            Diagnostic::error(
                Code::UndefinedTerm,
                &file,
                format!(
                    "“{}” looks like a defined term but is not defined",
                    u.phrase
                ),
            )
            .at(line, 0)
            .graded(opts.mode),
        );
    }
    for (i, p) in a.parties.iter().enumerate() {
        if p.signatories.is_empty() {
            found.push(
                src.at_key(
                    Code::ExecutionDetails,
                    &format!("parties[{i}].name"),
                    format!(
                        "{} has no `signatories`, so its execution block has no named posts",
                        p.name
                    ),
                )
                .graded(opts.mode),
            );
        }
    }
    Some((source, contents))
}

/// Replaces the definitions clause (between its template markers) in a
/// rendered agreement.
fn splice_definitions(source: &str, clause: &str) -> Option<String> {
    let begin = format!("{}clauses/definitions.typ.j2*/", render::BEGIN_MARK);
    let end = format!("{}clauses/definitions.typ.j2*/", render::END_MARK);
    let start = source.find(&begin)?;
    let stop = source[start..].find(&end)? + start + end.len();
    Some(format!("{}{}{}", &source[..start], clause, &source[stop..]))
}

/// Every definition the agreement could need (the glossary, its own
/// definitions, the superseded agreement), rendered once and sorted; the
/// caller keeps those the text uses.
fn definitions(
    env: &minijinja::Environment<'static>,
    sh: &Shared,
    a: &Agreement,
    cx: &view::AgreementCx,
    templates: &Path,
    found: &mut Vec<Diagnostic>,
) -> Option<Vec<view::DefinitionView>> {
    let cx = cx.with(&[]);
    let mut out = Vec::new();
    for t in &sh.glossary.terms {
        let meaning = env.render_str(&t.meaning, cx.clone()).map_err(|e| {
            let mut d = template_error(templates, e);
            d.file = templates.join("terms.yaml");
            d.message = format!("the meaning of “{}”: {}", t.term, d.message);
            found.push(d)
        });
        out.push(view::DefinitionView {
            term: t.term.clone(),
            meaning: meaning.ok()?,
        });
    }
    out.extend(a.definitions.iter().map(|d| view::DefinitionView {
        term: d.term.clone(),
        meaning: crate::escape::markup(&d.meaning),
    }));
    if let Some(s) = &a.supersedes {
        out.push(view::DefinitionView {
            term: s.name.clone(),
            meaning: crate::escape::markup(&format!(
                "the agreement between the Partners that governed {} from {} to {}.",
                if a.better_care_fund {
                    "the Better Care Fund"
                } else {
                    "the same arrangements"
                },
                s.start.long(),
                s.end.long()
            )),
        });
    }
    out.sort_by_key(|d| d.term.to_lowercase());
    Some(out)
}

/// Every `@label` and `#ref(<label>)` in the source must have its `<label>`;
/// found here, before typst runs, and reported at the template line.
fn check_labels(source: &str, templates: &Path) -> Vec<Diagnostic> {
    use std::sync::OnceLock;
    static REF: OnceLock<regex::Regex> = OnceLock::new();
    static DEF: OnceLock<regex::Regex> = OnceLock::new();
    let re_ref = REF.get_or_init(|| {
        regex::Regex::new(
            r"(?:^|[^\\\w])@((?:cl|sch|table|scheme)-[a-z0-9\-]*[a-z0-9])|#ref\(<([a-z0-9.\-]+)>\)",
        )
        .unwrap()
    });
    let re_def =
        DEF.get_or_init(|| regex::Regex::new(r"<((?:cl|sch|table|scheme)-[a-z0-9.\-]+)>").unwrap());
    let defined: std::collections::HashSet<&str> = re_def
        .captures_iter(source)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        for c in re_ref.captures_iter(line) {
            let label = c.get(1).or(c.get(2)).unwrap().as_str();
            if !defined.contains(label) {
                let (file, l) = render::trace_line(source, i + 1)
                    .map(|(t, l)| (templates.join(t), l))
                    .unwrap_or((templates.to_path_buf(), 0));
                out.push(
                    Diagnostic::error(Code::BrokenReference, &file, format!("reference to `{label}`, which this agreement does not have"))
                        .at(l, 0)
                        .hint("the clause or schedule may be left out for this agreement; refer to it only when it is present"),
                );
            }
        }
    }
    out
}

/// A short hash of the input files a document is built from.
fn input_hash<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
    let mut parts = vec![env!("CARGO_PKG_VERSION")];
    parts.extend(texts);
    crate::manifest::key(&parts)[..8].to_string()
}

fn draft_footer(a: &Agreement, hash: &str) -> String {
    let version = a
        .version
        .as_deref()
        .map(|v| format!(" version {v}"))
        .unwrap_or_default();
    format!(
        "DRAFT{version} · {} · inputs {hash}",
        document_date(a).long()
    )
}

/// The date stamped on the PDF: SOURCE_DATE_EPOCH when set (the
/// reproducible-builds convention), else the agreement's document date,
/// else its commencement date. Never the clock.
pub fn document_date(a: &Agreement) -> Date {
    epoch_date().unwrap_or(a.document_date.unwrap_or(a.term.commencement))
}

/// The day SOURCE_DATE_EPOCH names, when it is set to a number of seconds.
fn epoch_date() -> Option<Date> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|d| Date(d.date_naive()))
}

/// Renders a top-level template with a context.
pub fn render(
    env: &minijinja::Environment<'static>,
    templates: &Path,
    name: &str,
    cx: Value,
) -> Result<String, Diagnostic> {
    let tpl = env
        .get_template(name)
        .map_err(|e| template_error(templates, e))?;
    tpl.render(cx).map_err(|e| template_error(templates, e))
}

fn template_error(templates: &Path, e: minijinja::Error) -> Diagnostic {
    let file = e
        .name()
        .map(|n| templates.join(n))
        .unwrap_or_else(|| templates.to_path_buf());
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    let line = e.line().unwrap_or(0);
    Diagnostic::error(Code::Template, &file, msg).at(line, 0)
}

enum Source<'a> {
    Template(&'a str, Value),
    Rendered(String),
}

/// One document to render, typeset and write.
struct Doc<'a> {
    source: Source<'a>,
    dir: PathBuf,
    stem: String,
    date: Date,
    ident: String,
    /// Draft with warnings: watermark and draft footer.
    draft: bool,
    footer: String,
}

impl Doc<'_> {
    /// Typesets rendered source and writes the PDF.
    fn build(self, opts: &Options, source: String) -> Result<Built, Vec<Diagnostic>> {
        let io_err = |p: &Path, e: std::io::Error| {
            vec![Diagnostic::error(
                Code::Output,
                p,
                format!("cannot write: {e}"),
            )]
        };
        std::fs::create_dir_all(&self.dir).map_err(|e| io_err(&self.dir, e))?;
        if opts.emit_typst {
            let p = self.dir.join(format!("{}.typ", self.stem));
            write_atomic(&p, source.as_bytes()).map_err(|e| io_err(&p, e))?;
        }
        let out = typeset::typeset(typeset::Job {
            name: &format!("/{}.typ", self.stem),
            source,
            templates: &opts.templates,
            date: (
                self.date.year(),
                self.date.0.month() as u8,
                self.date.0.day() as u8,
            ),
            ident: self.ident,
            inputs: vec![
                ("draft".into(), self.draft.to_string()),
                (
                    "draft-footer".into(),
                    if self.draft {
                        self.footer
                    } else {
                        String::new()
                    },
                ),
            ],
            archival: opts.mode == Mode::Final,
        })?;
        let pdf = self.dir.join(format!("{}.pdf", self.stem));
        write_atomic(&pdf, &out.pdf).map_err(|e| io_err(&pdf, e))?;
        Ok(Built {
            pdf,
            pages: out.pages,
            page_text: out.page_text,
            timings: Timings {
                load_check: Duration::ZERO,
                render: Duration::ZERO,
                layout: out.layout_time,
                export: out.export_time,
            },
            watermarked: self.draft,
        })
    }
}

/// Writes a file so that readers only ever see the old or the new
/// contents: a temporary file in the same folder, flushed, then renamed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".s75-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    // Temporary files are private; the document is for everyone who can
    // read the folder.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
