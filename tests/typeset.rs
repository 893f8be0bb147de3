//! The PDF's metadata, the closed typst World, and typst errors traced
//! back to the template that caused them.

mod common;

use std::path::Path;

use common::{copy_templates, example_yaml, Project};
use s75::build::{self, Options};
use s75::diag::Code;

fn build_with(p: &Project, templates: &Path) -> build::Report {
    build::run(&{
        let mut o = Options::new(
            vec![p.root().join("agreements")],
            templates.to_path_buf(),
            p.root().join("out"),
        );
        o.emit_typst = false;
        o.check_only = false;
        o.mode = s75::diag::Mode::Draft;
        o
    })
}

/// A project whose `templates/` is a copy in which `file` has `line`
/// inserted before its line `at` (1-based).
fn with_template_line(file: &str, at: usize, line: &str) -> (Project, std::path::PathBuf) {
    let p = Project::with_agreement(&example_yaml());
    let t = p.root().join("templates");
    copy_templates(&t);
    let path = t.join(file);
    let src = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = src.lines().collect();
    lines.insert(at - 1, line);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    (p, t)
}

#[test]
fn pdf_carries_title_authors_language_and_tags() {
    let p = Project::with_agreement(&example_yaml());
    let report = build_with(&p, &common::repo().join("templates"));
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    let pdf = std::fs::read(p.pdf_path()).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Better Care Fund Section 75 Agreement 2019/20<"));
    assert!(
        text.contains("NHS West Leicestershire Clinical Commissioning Group"),
        "author metadata"
    );
    assert!(text.contains("/Lang(en-GB)"), "document language");
    assert!(text.contains("/StructTreeRoot"), "tagged PDF");
    // The date is the commencement date from the YAML, not today.
    assert!(
        text.contains("2019-04-01T00:00:00"),
        "metadata date from the agreement"
    );
}

#[test]
fn typst_errors_point_at_the_template_line() {
    // Line 3 of the term clause becomes a call to a function that does not exist.
    let (p, t) = with_template_line("clauses/term.typ.j2", 3, "#no-such-function()");
    let report = build_with(&p, &t);
    let d = common::find(&report.diagnostics, Code::Typeset);
    assert!(d.file.ends_with("clauses/term.typ.j2"), "{d:?}");
    assert!(
        (2..=4).contains(&d.line),
        "reported at line {} of the template",
        d.line
    );
    assert!(d.message.contains("no-such-function"), "{}", d.message);
    assert!(!p.pdf_path().exists(), "no PDF for a failed build");
}

#[test]
fn the_world_refuses_files_outside_templates() {
    let (p, t) = with_template_line("clauses/term.typ.j2", 2, "#read(\"/etc/passwd\")");
    let report = build_with(&p, &t);
    assert!(report.has_errors(), "reading /etc/passwd must fail");
    assert!(report.built.is_empty());
    let all: String = report
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(!all.contains("root:"), "file contents leaked: {all}");
}

#[test]
fn the_world_refuses_typst_packages() {
    let (p, t) = with_template_line(
        "agreement.typ.j2",
        4,
        "#import \"@preview/example:0.1.0\": *",
    );
    let report = build_with(&p, &t);
    let d = common::find(&report.diagnostics, Code::Typeset);
    assert!(
        d.message.contains("packages are not available"),
        "{}",
        d.message
    );
}

#[test]
fn a_template_linked_outside_the_project_is_refused() {
    let p = Project::with_agreement(&example_yaml());
    let t = p.root().join("templates");
    copy_templates(&t);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("term.typ.j2"), "= Term\nsecret\n").unwrap();
    std::fs::remove_file(t.join("clauses/term.typ.j2")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("term.typ.j2"),
        t.join("clauses/term.typ.j2"),
    )
    .unwrap();
    let report = build_with(&p, &t);
    let d = report
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Template)
        .expect("a template error");
    assert!(d.to_string_lossy().contains("outside templates"), "{d:?}");
}

trait Lossy {
    fn to_string_lossy(&self) -> String;
}

impl Lossy for s75::diag::Diagnostic {
    fn to_string_lossy(&self) -> String {
        format!("{} {}", self.message, self.hint)
    }
}
