//! Command-line interface.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::build::{self, Options};
use crate::diag::{self, Code, Diagnostic, Mode};

/// Turns Section 75 partnership agreements written as YAML into
/// signature-ready PDFs.
#[derive(Debug, Parser)]
#[command(name = "s75", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check the agreements and their schemes, and write their PDFs.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder [default: out, which must be inside the project].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Also write the generated typst source (.typ) beside each PDF.
        #[arg(long)]
        emit_typst: bool,
        /// Print where the time went for each document.
        #[arg(long)]
        timings: bool,
        /// Rebuild every document, even those whose inputs have not changed.
        #[arg(long)]
        force: bool,
        /// Documents to typeset at once [default: the number of cores].
        #[arg(long, short = 'j', value_name = "N")]
        jobs: Option<usize>,
    },
    /// Only load and check the agreements and their schemes; write nothing.
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Build, then rebuild what changed each time a file under the inputs or
    /// the templates is saved. Runs until interrupted; errors are printed
    /// and watching goes on.
    Watch {
        #[command(flatten)]
        common: Common,
        /// Output folder [default: out, which must be inside the project].
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Write JSON Schemas for agreement, scheme and report YAML, for editors.
    Schema {
        /// Folder to write <kind>.schema.json into.
        #[arg(long, value_name = "DIR", default_value = "schemas")]
        out: PathBuf,
    },
    /// Start a new document from a skeleton.
    New {
        #[command(subcommand)]
        what: New,
    },
}

#[derive(Debug, Subcommand)]
enum New {
    /// Write agreements/<AGREEMENT>/schemes/<ID>.yaml with every heading of
    /// the Schedule 1 Part 2 template to complete.
    Scheme {
        /// The agreement's folder, or its name under agreements/.
        agreement: PathBuf,
        /// The new scheme's id: lower-case letters, digits and hyphens.
        id: String,
        #[arg(long, value_name = "DIR", default_value = "templates")]
        templates: PathBuf,
    },
}

#[derive(Debug, Args)]
struct Common {
    /// Agreement folders or agreement.yaml files [default: agreements]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Templates folder.
    #[arg(long, value_name = "DIR", default_value = "templates")]
    templates: PathBuf,
    /// Final mode: placeholders, unfinished headings and figures that
    /// disagree are errors, not warnings, and nothing carries a DRAFT mark.
    #[arg(long = "final")]
    final_mode: bool,
    /// How to write problems: human (stderr), json or github (stdout).
    #[arg(long, value_enum, default_value_t = diag::Format::Human)]
    format: diag::Format,
}

/// Exit statuses, as documented in the README.
pub const EXIT_OK: u8 = 0;
pub const EXIT_INPUT: u8 = 1;
pub const EXIT_USAGE_IO: u8 = 2;

fn stderr() -> StandardStream {
    StandardStream::stderr(if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    })
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = std::time::Instant::now();
    let (common, out, emit_typst, timings, check_only, force, jobs) = match cli.command {
        Command::Build {
            common,
            out,
            emit_typst,
            timings,
            force,
            jobs,
        } => match default_out(out) {
            Ok(out) => (common, out, emit_typst, timings, false, force, jobs),
            Err(code) => return code,
        },
        Command::Watch { common, out } => match default_out(out) {
            Ok(out) => return watch(common, out),
            Err(code) => return code,
        },
        Command::Check { common } => (
            common,
            PathBuf::from("out"),
            false,
            false,
            true,
            false,
            None,
        ),
        Command::New {
            what:
                New::Scheme {
                    agreement,
                    id,
                    templates,
                },
        } => return new_scheme(agreement, &id, &templates),
        Command::Schema { out } => {
            return match crate::schema::write(&out) {
                Ok(files) => {
                    for f in files {
                        eprintln!("wrote {}", f.display());
                    }
                    ExitCode::from(EXIT_OK)
                }
                Err(e) => {
                    eprintln!("error: cannot write schemas to {}: {e}", out.display());
                    ExitCode::from(EXIT_USAGE_IO)
                }
            };
        }
    };
    let format = common.format;
    let mut opts = options(common, out);
    opts.emit_typst = emit_typst;
    opts.check_only = check_only;
    opts.force = force;
    if let Some(j) = jobs {
        opts.jobs = j.max(1);
    }
    run_once(&opts, format, timings, started)
}

/// The output folder: as given with `--out`, or `out/`, which must then be
/// inside the project (a link from `out` to elsewhere is refused, so a
/// build never writes outside the project unless asked to).
fn default_out(out: Option<PathBuf>) -> Result<PathBuf, ExitCode> {
    if let Some(out) = out {
        return Ok(out);
    }
    let out = PathBuf::from("out");
    if let (Ok(real), Ok(here)) = (
        out.canonicalize(),
        std::env::current_dir().and_then(|d| d.canonicalize()),
    ) {
        if !real.starts_with(&here) {
            let d = Diagnostic::error(
                Code::Output,
                &out,
                format!("out/ leads outside the project, to {}", real.display()),
            )
            .hint("remove the link, or pass --out DIR to write there on purpose");
            diag::emit(diag::Format::Human, &[d]);
            return Err(ExitCode::from(EXIT_USAGE_IO));
        }
    }
    Ok(out)
}

/// Options from the common flags.
fn options(common: Common, out: PathBuf) -> Options {
    let paths = if common.paths.is_empty() {
        vec![PathBuf::from("agreements")]
    } else {
        common.paths
    };
    let mut opts = Options::new(paths, common.templates, out);
    opts.mode = if common.final_mode {
        Mode::Final
    } else {
        Mode::Draft
    };
    opts
}

/// One check or build, reported; returns the exit status.
fn run_once(
    opts: &Options,
    format: diag::Format,
    timings: bool,
    started: std::time::Instant,
) -> ExitCode {
    let check_only = opts.check_only;
    let report = build::run(opts);

    diag::emit(format, &report.diagnostics);
    for n in &report.notes {
        eprintln!("note: {n}");
    }
    for b in &report.built {
        let mark = if b.watermarked { ", marked DRAFT" } else { "" };
        eprintln!(
            "wrote {} ({} page{}{mark})",
            b.pdf.display(),
            b.pages,
            if b.pages == 1 { "" } else { "s" }
        );
        if timings {
            let t = &b.timings;
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
            eprintln!(
                "  load+check {:.1} ms, templates {:.1} ms, typst layout {:.1} ms, PDF export {:.1} ms",
                ms(t.load_check),
                ms(t.render),
                ms(t.layout),
                ms(t.export)
            );
        }
    }
    exit(&report.diagnostics, |errors, warnings| {
        if check_only {
            format!(
                "checked {} document(s): {errors} error(s), {warnings} warning(s)",
                report.checked
            )
        } else {
            format!(
                "built {}, up to date {}, failed {} in {:.2} s: {errors} error(s), {warnings} warning(s)",
                report.built.len(),
                report.up_to_date.len(),
                report.failed,
                started.elapsed().as_secs_f64()
            )
        }
    })
}

/// Builds, then rebuilds on every change until interrupted.
fn watch(common: Common, out: PathBuf) -> ExitCode {
    use notify::{RecursiveMode, Watcher};
    use std::sync::mpsc;
    use std::time::Duration;

    let format = common.format;
    let opts = options(common, out);
    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |e: notify::Result<notify::Event>| {
        if let Ok(e) = e {
            let _ = tx.send(e);
        }
    }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch for changes: {e}");
            return ExitCode::from(EXIT_USAGE_IO);
        }
    };
    for p in opts.paths.iter().chain(std::iter::once(&opts.templates)) {
        if let Err(e) = watcher.watch(p, RecursiveMode::Recursive) {
            eprintln!("error: cannot watch {}: {e}", p.display());
            return ExitCode::from(EXIT_USAGE_IO);
        }
    }
    let out_dir = opts.out.canonicalize().unwrap_or(opts.out.clone());
    loop {
        let _ = run_once(&opts, format, false, std::time::Instant::now());
        eprintln!(
            "watching {} and {} for changes (Ctrl-C to stop)",
            opts.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            opts.templates.display()
        );
        // Wait for a change to an input (not our own output), then let a
        // burst of saves settle before rebuilding.
        loop {
            let Ok(event) = rx.recv() else {
                return ExitCode::from(EXIT_USAGE_IO);
            };
            let ours = event.paths.iter().all(|p| {
                p.starts_with(&out_dir)
                    || p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(".s75-"))
            });
            if !ours && !matches!(event.kind, notify::EventKind::Access(_)) {
                break;
            }
        }
        while rx.recv_timeout(Duration::from_millis(300)).is_ok() {}
    }
}

fn exit(diags: &[Diagnostic], summary: impl FnOnce(usize, usize) -> String) -> ExitCode {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    eprintln!("{}", summary(errors, diags.len() - errors));
    if errors == 0 {
        return ExitCode::from(EXIT_OK);
    }
    let io_only = diags
        .iter()
        .filter(|d| d.is_error())
        .all(|d| matches!(d.code, Code::Io | Code::Output | Code::UnknownDocument));
    ExitCode::from(if io_only { EXIT_USAGE_IO } else { EXIT_INPUT })
}

fn new_scheme(agreement: PathBuf, id: &str, templates: &std::path::Path) -> ExitCode {
    let dir = if agreement.is_dir() {
        agreement.clone()
    } else {
        PathBuf::from("agreements").join(&agreement)
    };
    let mut diags = Vec::new();
    let usage = |d: Diagnostic| {
        let _ = diag::emit_human(&mut stderr(), &[d]);
        ExitCode::from(EXIT_USAGE_IO)
    };
    if !crate::escape::is_plain_id(id) {
        return usage(
            Diagnostic::error(
                Code::SchemeId,
                std::path::Path::new(id),
                format!("`{id}` cannot be a scheme id"),
            )
            .hint("use lower-case letters, digits and hyphens, e.g. `falls-prevention`"),
        );
    }
    let agreement_file = dir.join("agreement.yaml");
    let Some(template) = build::load_template(templates, &mut diags) else {
        let _ = diag::emit_human(&mut stderr(), &diags);
        return ExitCode::from(EXIT_USAGE_IO);
    };
    let Some(loaded) = build::load_agreement(&agreement_file, None, Mode::Draft, &mut diags) else {
        return usage(
            Diagnostic::error(Code::Io, &agreement_file, "no agreement here")
                .hint("give an agreement folder, e.g. agreements/leicestershire-bcf-2019-20"),
        );
    };
    let title = loaded
        .agreement
        .as_ref()
        .map(|a| a.title.clone())
        .unwrap_or_else(|| "agreement".into());
    let text = crate::scaffold::skeleton(&template, &title, id);
    match crate::scaffold::write(&dir, &text, id) {
        Ok(path) => {
            eprintln!(
                "wrote {}: complete each heading, then run `s75 check`",
                path.display()
            );
            ExitCode::from(EXIT_OK)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => usage(
            Diagnostic::error(
                Code::Output,
                &dir.join("schemes").join(format!("{id}.yaml")),
                "a scheme with this id already exists; nothing was written",
            )
            .hint("choose another id, or edit the existing file"),
        ),
        Err(e) => usage(Diagnostic::error(
            Code::Output,
            &dir,
            format!("cannot write the skeleton: {e}"),
        )),
    }
}
