//! A property-based fuzz harness (proptest, so it runs on stable Rust and
//! in CI): arbitrary bytes, and mutations of the real examples, go through
//! load and check for every input kind. Nothing may panic; every failure
//! is a located diagnostic. Set PROPTEST_CASES for a longer run.

mod common;

use proptest::prelude::*;
use s75::build::Options;
use s75::diag::Mode;

fn examples() -> Vec<(String, String)> {
    let bcf = common::repo().join("agreements/leicestershire-bcf-2019-20");
    [
        "agreement.yaml",
        "schemes/hart.yaml",
        "schemes/menorrhagia.yaml",
        "reports/hwb-2020-01-23.yaml",
        "reports/q3-2019-20.yaml",
    ]
    .iter()
    .map(|f| (f.to_string(), std::fs::read_to_string(bcf.join(f)).unwrap()))
    .collect()
}

/// Writes one file of a copy of the example project and runs `check`.
fn check_with(file: &str, text: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("agreements/a");
    for (name, body) in examples() {
        let p = root.join(&name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, body).unwrap();
    }
    std::fs::copy(
        common::repo().join("agreements/leicestershire-bcf-2019-20/reports/q3-2019-20.csv"),
        root.join("reports/q3-2019-20.csv"),
    )
    .unwrap();
    std::fs::write(root.join(file), text).unwrap();
    let mut o = Options::new(
        vec![dir.path().join("agreements")],
        common::repo().join("templates"),
        dir.path().join("out"),
    );
    o.check_only = true;
    o.mode = Mode::Final;
    let report = s75::build::run(&o);
    for d in &report.diagnostics {
        assert!(
            !d.message.is_empty() && !d.file.as_os_str().is_empty(),
            "{d:?}"
        );
    }
}

/// A mutation of a text: replace, delete or duplicate a line, or put a
/// character somewhere.
fn mutate(text: &str, op: u8, at: usize, with: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return with.to_string();
    }
    let i = at % lines.len();
    match op % 4 {
        0 => lines[i] = with.to_string(),
        1 => {
            lines.remove(i);
        }
        2 => {
            let l = lines[i].clone();
            lines.insert(i, l);
        }
        _ => {
            let l = &mut lines[i];
            let pos = (at / 7) % (l.len() + 1);
            let pos = (0..=pos)
                .rev()
                .find(|p| l.is_char_boundary(*p))
                .unwrap_or(0);
            l.insert_str(pos, with);
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(which in 0usize..5, bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let (file, _) = &examples()[which];
        check_with(file, &bytes);
    }

    #[test]
    fn mutated_examples_never_panic(which in 0usize..5, ops in prop::collection::vec((any::<u8>(), any::<usize>(), "[ -~]{0,12}|-? ?[0-9.,£%]{0,10}|\\[|\\{|&a|\\*a|: |\"|'|#|\t"), 1..6)) {
        let (file, text) = &examples()[which];
        let mut t = text.clone();
        for (op, at, with) in ops {
            t = mutate(&t, op, at, &with);
        }
        check_with(file, t.as_bytes());
    }
}
