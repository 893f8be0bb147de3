//! Laying out generated typst source and exporting PDF, in process.
//!
//! The [`World`] given to typst is closed: it serves the generated main
//! source, and files under the project's `templates/` folder (the house
//! style), and nothing else. No packages, no other files, no network.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::{Code, Diagnostic, Severity};
use crate::render;

/// The embedded fonts (Libertinus Serif, New Computer Modern, DejaVu Sans
/// Mono), loaded once per process and shared by every document.
pub fn fonts() -> &'static FontStore {
    static FONTS: OnceLock<FontStore> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut store = FontStore::new();
        store.extend(typst_kit::fonts::embedded());
        store
    })
}

/// What to typeset.
pub struct Job<'a> {
    /// Virtual file name of the generated source, e.g. `/agreement.typ`.
    pub name: &'a str,
    pub source: String,
    /// The project's templates folder: the only files typst may read.
    pub templates: &'a Path,
    /// The document date, which fixes both `datetime.today()` and the PDF's
    /// metadata, so output never depends on the clock.
    pub date: (i32, u8, u8),
    /// Stable identifier for the PDF's /ID.
    pub ident: String,
    /// Strings available to the source as `sys.inputs`.
    pub inputs: Vec<(String, String)>,
    /// Export as PDF/A-2a + PDF/UA-1.
    pub archival: bool,
}

pub struct Output {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Text of each page, in layout order, one line per text line.
    pub page_text: Vec<String>,
    pub warnings: Vec<Diagnostic>,
    /// Time spent in typst's layout, and in PDF export.
    pub layout_time: std::time::Duration,
    pub export_time: std::time::Duration,
}

struct S75World {
    library: LazyHash<Library>,
    main: Source,
    templates: PathBuf,
    today: Datetime,
}

impl S75World {
    /// The real path of a file under `/templates/`, refusing anything else.
    fn resolve(&self, id: FileId) -> FileResult<PathBuf> {
        let rooted = id.get();
        if !matches!(rooted.root(), VirtualRoot::Project) {
            return Err(FileError::Other(Some(
                "typst packages are not available to s75 documents; use files under templates/"
                    .into(),
            )));
        }
        let vpath = rooted.vpath().get_without_slash();
        let rel = vpath
            .strip_prefix("templates/")
            .ok_or(FileError::AccessDenied)?;
        render::template_path(&self.templates, rel).map_err(|m| FileError::Other(Some(m.into())))
    }
}

impl World for S75World {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        fonts().book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let path = self.resolve(id)?;
        let text = std::fs::read_to_string(&path).map_err(|e| FileError::from_io(e, &path))?;
        Ok(Source::new(id, text))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let path = self.resolve(id)?;
        let data = std::fs::read(&path).map_err(|e| FileError::from_io(e, &path))?;
        Ok(Bytes::new(data))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

fn file_id(name: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(name).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// Lays out and exports one document. Errors come back as diagnostics
/// pointing at the template that emitted the faulty source.
pub fn typeset(job: Job<'_>) -> Result<Output, Vec<Diagnostic>> {
    let (y, m, d) = job.date;
    let today = Datetime::from_ymd(y, m, d).ok_or_else(|| {
        vec![Diagnostic::error(
            Code::Typeset,
            Path::new(job.name),
            format!("invalid document date {y}-{m}-{d}"),
        )]
    })?;
    let mut inputs = Dict::new();
    for (k, v) in &job.inputs {
        inputs.insert(k.as_str().into(), v.as_str().into_value());
    }
    let library = Library::builder().with_inputs(inputs).build();
    let world = S75World {
        library: LazyHash::new(library),
        main: Source::new(
            file_id(job.name).ok_or_else(|| {
                vec![Diagnostic::error(
                    Code::Typeset,
                    Path::new(job.name),
                    "not a valid document name",
                )]
            })?,
            job.source,
        ),
        templates: job.templates.to_path_buf(),
        today,
    };

    let started = std::time::Instant::now();
    let result = typst::compile::<PagedDocument>(&world);
    let layout_time = started.elapsed();
    let warnings: Vec<Diagnostic> = result
        .warnings
        .iter()
        .map(|w| convert(&world, job.templates, w))
        .collect();
    let doc = match result.output {
        Ok(doc) => doc,
        Err(errors) => {
            typst::comemo::evict(10);
            return Err(errors
                .iter()
                .map(|e| convert(&world, job.templates, e))
                .collect());
        }
    };

    let standards = if job.archival {
        PdfStandards::new(&[PdfStandard::A_2a, PdfStandard::Ua_1]).map_err(|e| {
            vec![Diagnostic::error(
                Code::Typeset,
                Path::new(job.name),
                e.message().to_string(),
            )]
        })?
    } else {
        PdfStandards::default()
    };
    let options = PdfOptions {
        ident: Smart::Custom(job.ident),
        creator: Smart::Custom(Some(format!("s75 {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(today)),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    let started = std::time::Instant::now();
    let pdf = typst_pdf::pdf(&doc, &options);
    let export_time = started.elapsed();
    let page_text = doc.pages().iter().map(|p| frame_text(&p.frame)).collect();
    let pages = doc.pages().len();
    drop(doc);
    typst::comemo::evict(10);
    let pdf = pdf.map_err(|errs| {
        errs.iter()
            .map(|e| convert(&world, job.templates, e))
            .collect::<Vec<_>>()
    })?;
    Ok(Output {
        pdf,
        pages,
        page_text,
        warnings,
        layout_time,
        export_time,
    })
}

/// The text of a frame, a line per baseline, with a space wherever two
/// runs on a line are apart.
fn frame_text(frame: &typst::layout::Frame) -> String {
    let mut items = Vec::new();
    collect_text(frame, typst::layout::Point::zero(), &mut items);
    let mut out = String::new();
    let mut last: Option<(f64, f64)> = None; // (baseline, end of last run)
    for (y, x, width, text) in items {
        if let Some((ly, lx)) = last {
            if (y - ly).abs() > 1.0 {
                out.push('\n');
            } else if x - lx > 0.5 && !out.ends_with(' ') && !text.starts_with(' ') {
                out.push(' ');
            }
        }
        out.push_str(&text);
        last = Some((y, x + width));
    }
    out
}

fn collect_text(
    frame: &typst::layout::Frame,
    origin: typst::layout::Point,
    out: &mut Vec<(f64, f64, f64, String)>,
) {
    use typst::layout::FrameItem;
    for (pos, item) in frame.items() {
        let at = origin + *pos;
        match item {
            FrameItem::Group(g) => {
                let shifted = at + typst::layout::Point::new(g.transform.tx, g.transform.ty);
                collect_text(&g.frame, shifted, out);
            }
            FrameItem::Text(t) => out.push((
                at.y.to_pt(),
                at.x.to_pt(),
                t.width().to_pt(),
                t.text.to_string(),
            )),
            _ => {}
        }
    }
}

/// Maps a typst diagnostic to one of ours, located in the template that
/// produced the faulty source.
fn convert(world: &S75World, templates: &Path, d: &SourceDiagnostic) -> Diagnostic {
    let severity = match d.severity {
        TypstSeverity::Error => Severity::Error,
        TypstSeverity::Warning => Severity::Warning,
    };
    let mut file = PathBuf::from(world.main.id().vpath().get_without_slash());
    let mut line = 0;
    let mut extra = String::new();
    if let (Some(id), Some(range)) = (d.span.id(), world.range(d.span)) {
        if let Ok(src) = world.source(id) {
            let l = src
                .lines()
                .byte_to_line(range.start)
                .map(|l| l + 1)
                .unwrap_or(0);
            if id == world.main.id() {
                let text = src
                    .text()
                    .lines()
                    .nth(l.saturating_sub(1))
                    .unwrap_or("")
                    .trim()
                    .to_string();
                if let Some((tpl, tline)) = render::trace_line(src.text(), l) {
                    file = templates.join(tpl);
                    line = tline;
                    extra = format!(" (generated line {l}: `{text}`)");
                }
            } else {
                file = templates.join(
                    id.vpath()
                        .get_without_slash()
                        .trim_start_matches("templates/"),
                );
                line = l;
            }
        }
    }
    let hints: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
    let mut diag = Diagnostic::error(
        Code::Typeset,
        &file,
        format!("typst: {}{}", d.message, extra),
    )
    .at(line, 0);
    diag.severity = severity;
    if !hints.is_empty() {
        diag.hint = hints.join("; ");
    }
    diag
}
