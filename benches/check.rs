//! Benchmark: `s75 check` over 1,000 generated scheme specifications.
//!
//! Run with `cargo bench --bench check`. It writes an agreement with 1,000
//! schemes (copies of the bundled HART scheme under new ids) to a temporary
//! folder, then times loading and checking all of them, five times.

// The same allocator as the s75 binary (src/main.rs), so the figures are
// the ones a user gets.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

use s75::build::{run, Options};
use s75::diag::Mode;

fn main() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let example = repo.join("agreements/leicestershire-bcf-2019-20");
    let hart = std::fs::read_to_string(example.join("schemes/hart.yaml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let agreement = dir.path().join("agreements/bench");
    std::fs::create_dir_all(agreement.join("schemes")).unwrap();
    std::fs::copy(
        example.join("agreement.yaml"),
        agreement.join("agreement.yaml"),
    )
    .unwrap();
    let n = 1000;
    for i in 0..n {
        let id = format!("scheme-{i:04}");
        std::fs::write(
            agreement.join(format!("schemes/{id}.yaml")),
            hart.replace("id: hart", &format!("id: {id}")),
        )
        .unwrap();
    }
    let opts = {
        let mut o = Options::new(
            vec![dir.path().join("agreements")],
            repo.join("templates"),
            dir.path().join("out"),
        );
        o.emit_typst = false;
        o.check_only = true;
        o.mode = Mode::Draft;
        o
    };
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let report = run(&opts);
        times.push(t.elapsed().as_secs_f64());
        assert_eq!(report.checked, n + 1);
        assert!(!report.has_errors());
    }
    times.sort_by(f64::total_cmp);
    println!(
        "s75 check over {n} scheme files: median {:.3} s (min {:.3} s, max {:.3} s, 5 runs)",
        times[2], times[0], times[4]
    );
}
