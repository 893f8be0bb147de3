//! Fuzz target: the whole of `s75 check --final` on a copy of the bundled
//! Better Care Fund project in which one file is replaced by the input.
//! The first byte picks the file (the agreement, a scheme, a report or the
//! quarterly CSV, in sorted order); the rest is its new content. This reaches the
//! cross-file checks (schemes against the agreement, report figures
//! against both) that the `parse` target cannot.
//!
//! Nothing may panic, and every diagnostic must name its file, say what is
//! wrong and point at a line that exists.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use s75::build::{run, Options};
use s75::diag::Mode;

struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// The example's files, relative to its folder, sorted.
    files: Vec<PathBuf>,
    originals: Vec<Vec<u8>>,
    options: Options,
}

fn project() -> &'static Project {
    static P: OnceLock<Project> = OnceLock::new();
    P.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let example = repo.join("agreements/leicestershire-bcf-2019-20");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("agreements/bcf");
        let mut files = Vec::new();
        for sub in ["", "schemes", "reports"] {
            for e in std::fs::read_dir(example.join(sub)).unwrap() {
                let path = e.unwrap().path();
                if path.is_file() {
                    files.push(path.strip_prefix(&example).unwrap().to_path_buf());
                }
            }
        }
        files.sort();
        let mut originals = Vec::new();
        for f in &files {
            let bytes = std::fs::read(example.join(f)).unwrap();
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), &bytes).unwrap();
            originals.push(bytes);
        }
        let mut options = Options::new(
            vec![dir.path().join("agreements")],
            repo.join("templates"),
            dir.path().join("out"),
        );
        options.check_only = true;
        options.mode = Mode::Final;
        options.jobs = 1;
        Project { _dir: dir, root, files, originals, options }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let p = project();
    let i = pick as usize % p.files.len();
    let path = p.root.join(&p.files[i]);
    std::fs::write(&path, content).unwrap();
    let report = run(&p.options);
    std::fs::write(&path, &p.originals[i]).unwrap();

    for d in &report.diagnostics {
        assert!(!d.message.is_empty(), "{d:?}");
        assert!(!d.file.as_os_str().is_empty(), "{d:?}");
        if d.file == path {
            let text = String::from_utf8_lossy(content).into_owned();
            let lines = s75::load::normalize_line_breaks(text).lines().count() + 1;
            assert!(d.line <= lines, "line {} of a {lines}-line file: {d:?}", d.line);
        }
    }
});
