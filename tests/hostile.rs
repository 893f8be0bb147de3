//! Hostile and broken input: refused quickly with a clear, located error,
//! never a panic; and text full of typst and minijinja syntax printed
//! literally.

mod common;

use common::{clean_hart, example_yaml, stderr, Project};
use s75::diag::Mode;

fn check_file(text: &[u8]) -> (Option<i32>, String) {
    let p = Project::with_agreement("");
    std::fs::write(p.yaml_path(), text).unwrap();
    let out = p.s75(&["check"]);
    (out.status.code(), stderr(&out))
}

#[test]
fn an_alias_bomb_is_refused() {
    let mut y = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 1..12u8 {
        let (n, p) = ((b'a' + i) as char, (b'a' + i - 1) as char);
        y.push_str(&format!(
            "{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        ));
    }
    let (code, err) = check_file(y.as_bytes());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("E100") && err.contains("repetition limit exceeded"),
        "{err}"
    );
}

#[test]
fn very_deep_nesting_is_refused_with_its_line() {
    let y = format!(
        "kind: agreement\nx: {}{}\n",
        "[".repeat(50_000),
        "]".repeat(50_000)
    );
    let (code, err) = check_file(y.as_bytes());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("E109") && err.contains("nesting 50000 levels deep"),
        "{err}"
    );
    assert!(err.contains("agreement.yaml:2:1"), "{err}");
    assert!(err.len() < 5_000, "the report stays short");
}

#[test]
fn a_file_over_ten_megabytes_is_refused() {
    let big = format!("kind: agreement\n# {}\n", "x".repeat(11 * 1024 * 1024));
    let (code, err) = check_file(big.as_bytes());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("E109") && err.contains("limited to 10 MB"),
        "{err}"
    );
}

#[test]
fn non_utf8_input_names_the_byte_offset() {
    let (code, err) = check_file(b"kind: agreement\ntitle: \"caf\xe9\"\n");
    assert_ne!(code, Some(0));
    assert!(
        err.contains("not UTF-8") && err.contains("offset 27"),
        "{err}"
    );
}

/// Every string value of the example replaced by text full of typst and
/// minijinja syntax: the build succeeds and the PDF shows the characters.
#[test]
fn metacharacters_in_every_string_field_print_literally() {
    let hostile = r##"#read("/etc/passwd") $x$ *b* _i_ @cl-term <lbl> [c] \ `r` // /* {{ x }} {% if %} #import "@preview/x:0.1.0""##;
    let quoted = format!("'{}'", hostile.replace('\'', "''"));
    // Names, titles and officer posts: the values a reader sees printed.
    let mut yaml = example_yaml();
    for key in [
        "name: ",
        "title: ",
        "area: ",
        "addressee: ",
        "known_as: ",
        "role: ",
    ] {
        yaml = yaml
            .lines()
            .map(|l| {
                let t = l.trim_start();
                if t.starts_with(key) && !t.starts_with("name: BCF") {
                    format!("{}{key}{quoted}", &l[..l.len() - t.len()])
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    let p = Project::with_agreement(&yaml);
    p.write_scheme(
        "hart",
        &clean_hart().replace(
            "title: Homecare Assessment and Reablement Team (HART) services",
            &format!("title: {quoted}"),
        ),
    );
    let report = p.run(false, Mode::Draft);
    assert!(
        !report.has_errors(),
        "{:#?}",
        report
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .collect::<Vec<_>>()
    );
    let doc = report.built("bcf/agreement.pdf").expect("agreement built");
    let text = doc.reading_text();
    assert!(
        text.contains(hostile),
        "the hostile text is printed as typed"
    );
    assert!(
        !text.contains("root:x:0"),
        "nothing was read from /etc/passwd"
    );
}

/// Characters outside the embedded fonts: a located warning in draft (the
/// PDF is still built), one clear error in final instead of typst's
/// failed PDF/A export.
#[test]
fn characters_no_font_can_show_are_reported_at_their_value() {
    let yaml = example_yaml().replace(
        "area: Leicestershire",
        "area: \"Leicestershire 🏥 \u{200F}שלום\u{200E} z\u{200D}w\"",
    );
    let p = Project::with_agreement(&yaml);
    let draft = p.run(false, Mode::Draft);
    assert!(
        draft.built("bcf/agreement.pdf").is_some(),
        "a draft is still built"
    );
    let d = draft
        .diagnostics
        .iter()
        .find(|d| d.code == s75::diag::Code::Unshowable)
        .expect("a warning");
    assert!(
        d.message.contains("`🏥` (U+1F3E5)") && !d.message.contains("U+200F"),
        "{}",
        d.message
    );
    assert_eq!(d.line, common::line_of(&yaml, "area: "));
    let fin = p.run(false, Mode::Final);
    assert!(fin
        .diagnostics
        .iter()
        .any(|d| d.code == s75::diag::Code::Unshowable && d.is_error()));
    assert!(
        !fin.diagnostics
            .iter()
            .any(|d| d.code == s75::diag::Code::Typeset),
        "no typst error flood"
    );
}

/// A report's id names its PDF: one that climbs out of out/ is refused.
#[test]
fn a_report_id_cannot_climb_out_of_the_output_folder() {
    let p = Project::with_agreement(&example_yaml());
    let report = common::example_report("leicestershire-bcf-2019-20", "hwb-2020-01-23.yaml")
        .replace("id: hwb-2020-01-23", "id: \"../../../escape\"");
    p.write_report("hwb.yaml", &report);
    let out = p.s75(&["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("E411") && err.contains("report id `../../../escape`"),
        "{err}"
    );
    assert!(
        !p.root().join("escape.pdf").exists()
            && !p.root().parent().unwrap().join("escape.pdf").exists()
    );
}

/// Found by `cargo fuzz`: YAML ends a line at a lone CR too, so a file
/// saved with old Mac line endings had its errors reported at lines that
/// the snippet, which counted only LF, could not show.
#[test]
fn errors_in_files_with_cr_or_crlf_line_endings_point_at_the_right_line() {
    let yaml = example_yaml().replace("council: \"£3,919,459\"", "council: 3919459.5");
    let line = common::line_of(&yaml, "council: 3919459.5");
    for (ending, name) in [("\r", "CR"), ("\r\n", "CRLF")] {
        let (code, err) = check_file(yaml.replace('\n', ending).as_bytes());
        assert_eq!(code, Some(1), "{name}: {err}");
        assert!(err.contains("E103"), "{name}: {err}");
        assert!(
            err.contains(&format!("agreement.yaml:{line}:")),
            "{name}: reported at line {line}: {err}"
        );
        assert!(
            err.contains(&format!("{line} │")) && err.contains("council: 3919459.5"),
            "{name}: the snippet shows the line: {err}"
        );
    }
}
