//! Command-line interface.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};

use crate::build::{self, Options};
use crate::diag::{self, Code};

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
    /// Check the agreements and write their PDFs under the output folder.
    Build {
        #[command(flatten)]
        common: Common,
        /// Output folder.
        #[arg(long, value_name = "DIR", default_value = "out")]
        out: PathBuf,
        /// Also write the generated typst source (.typ) beside each PDF.
        #[arg(long)]
        emit_typst: bool,
        /// Print where the time went for each document.
        #[arg(long)]
        timings: bool,
    },
    /// Only load and check the agreements; write nothing.
    Check {
        #[command(flatten)]
        common: Common,
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
}

/// Exit statuses, as documented in the README.
pub const EXIT_OK: u8 = 0;
pub const EXIT_INPUT: u8 = 1;
pub const EXIT_USAGE_IO: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (common, out, emit_typst, timings, check_only) = match cli.command {
        Command::Build { common, out, emit_typst, timings } => (common, out, emit_typst, timings, false),
        Command::Check { common } => (common, PathBuf::from("out"), false, false, true),
    };
    let paths = if common.paths.is_empty() { vec![PathBuf::from("agreements")] } else { common.paths };
    let opts = Options { paths, templates: common.templates, out, emit_typst, check_only };
    let report = build::run(&opts);

    let color = if std::io::stderr().is_terminal() { ColorChoice::Auto } else { ColorChoice::Never };
    let mut stderr = StandardStream::stderr(color);
    let _ = diag::emit_human(&mut stderr, &report.diagnostics);

    for b in &report.built {
        eprintln!("wrote {} ({} pages)", b.pdf.display(), b.pages);
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
    let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = report.diagnostics.len() - errors;
    if check_only {
        eprintln!("checked {} agreement(s): {} error(s), {} warning(s)", report.checked, errors, warnings);
    } else {
        eprintln!("built {} document(s): {} error(s), {} warning(s)", report.built.len(), errors, warnings);
    }
    if errors == 0 {
        return ExitCode::from(EXIT_OK);
    }
    let io_only = report.diagnostics.iter().filter(|d| d.is_error()).all(|d| matches!(d.code, Code::Io | Code::Output));
    ExitCode::from(if io_only { EXIT_USAGE_IO } else { EXIT_INPUT })
}
