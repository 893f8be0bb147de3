//! Benchmark: a national-scale batch. One agreement per Health and
//! Wellbeing Board area (150 by default, or S75_AREAS), each with ten
//! schemes and two reports, built from scratch and then checked.
//!
//! Run with `cargo bench --bench national`. Prints wall time, pages per
//! second and peak memory (VmHWM) for the build, and the time for `check`.

// The same allocator as the s75 binary (src/main.rs), so the figures are
// the ones a user gets.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

use s75::build::{run, Options};
use s75::diag::Mode;

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let areas: usize = std::env::var("S75_AREAS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let example = repo.join("agreements/leicestershire-bcf-2019-20");
    let read = |f: &str| std::fs::read_to_string(example.join(f)).unwrap();
    let files = [
        "agreement.yaml",
        "schemes/hart.yaml",
        "schemes/menorrhagia.yaml",
        "reports/hwb-2020-01-23.yaml",
        "reports/q3-2019-20.yaml",
        "reports/q3-2019-20.csv",
    ]
    .map(|f| (f, read(f)));
    let dir = tempfile::tempdir().unwrap();
    for a in 0..areas {
        // Each area has its own name throughout (parties, addresses, board),
        // so the batch is not 150 copies of one document.
        let area = format!("Area {a:03}");
        let root = dir.path().join(format!("agreements/area-{a:03}"));
        std::fs::create_dir_all(root.join("schemes")).unwrap();
        std::fs::create_dir_all(root.join("reports")).unwrap();
        for (f, text) in &files {
            std::fs::write(root.join(f), text.replace("Leicestershire", &area)).unwrap();
        }
        // Ten schemes: the two examples and eight more, alternating between
        // them, each with its own id and title.
        for s in 2..10 {
            let (from, id) = if s % 2 == 0 {
                ("hart", "id: hart")
            } else {
                ("menorrhagia", "id: menorrhagia")
            };
            let text = files
                .iter()
                .find(|(f, _)| *f == format!("schemes/{from}.yaml"))
                .unwrap()
                .1
                .replace("Leicestershire", &area)
                .replace(id, &format!("id: scheme-{s}"))
                .replace("\ntitle: ", &format!("\ntitle: Scheme {s}, "));
            std::fs::write(root.join(format!("schemes/scheme-{s}.yaml")), text).unwrap();
        }
    }
    let mut opts = Options::new(
        vec![dir.path().join("agreements")],
        repo.join("templates"),
        dir.path().join("out"),
    );
    opts.mode = Mode::Draft;
    opts.force = true;

    let t = Instant::now();
    let report = run(&opts);
    let build = t.elapsed().as_secs_f64();
    assert!(
        !report.has_errors(),
        "{:?}",
        report.diagnostics.iter().find(|d| d.is_error())
    );
    let pages: usize = report.built.iter().map(|b| b.pages).sum();
    println!(
        "build: {areas} agreements, {} documents, {pages} pages in {build:.1} s ({:.0} pages/s) on {} threads; peak memory {} MiB",
        report.built.len(),
        pages as f64 / build,
        opts.jobs,
        peak_kib() / 1024
    );

    opts.check_only = true;
    let t = Instant::now();
    let report = run(&opts);
    println!(
        "check: {} documents in {:.2} s",
        report.checked,
        t.elapsed().as_secs_f64()
    );
}
