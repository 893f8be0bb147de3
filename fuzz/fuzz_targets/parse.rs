//! Fuzz target: any bytes, read as each kind of s75 YAML (agreement,
//! scheme, Board report, quarterly report), through the parser and the
//! checks that need only the one file. Fast, so it explores the YAML and
//! position layers deeply.
//!
//! Nothing may panic, and every diagnostic must be one a person can act
//! on: a message, and a line that exists in the file.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use s75::diag::{Diagnostic, Mode};
use s75::load::{parse, SourceFile};
use s75::model::report::{Quarterly, Report};
use s75::model::{Agreement, Scheme};

fn located(src: &SourceFile, diags: &[Diagnostic]) {
    let lines = src.text.lines().count() + 1;
    for d in diags {
        assert!(!d.message.is_empty(), "{d:?}");
        assert!(d.line <= lines, "line {} of a {}-line file: {d:?}", d.line, lines);
    }
}

fuzz_target!(|data: &[u8]| {
    // Non-UTF-8 bytes never reach the parser: `SourceFile::read` refuses them
    // with the byte offset (tested in tests/hostile.rs).
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let src = SourceFile::new(Path::new("fuzz.yaml"), text.to_string());
    located(&src, &s75::check::text(&src, Mode::Final));

    let (agreement, diags) = parse::<Agreement>(&src);
    located(&src, &diags);
    if let Some(a) = agreement {
        located(&src, &s75::check::agreement(&src, &a));
    }
    located(&src, &parse::<Scheme>(&src).1);
    located(&src, &parse::<Report>(&src).1);
    located(&src, &parse::<Quarterly>(&src).1);
});
