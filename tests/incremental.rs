//! Incremental builds: unchanged documents are skipped, a change rebuilds
//! only what depends on it, and a broken manifest is never an error.

mod common;

use common::{example_scheme, example_yaml, stderr, Project};

fn project() -> Project {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &example_scheme("hart"));
    p.write_scheme("menorrhagia", &example_scheme("menorrhagia"));
    p
}

fn summary(out: &std::process::Output) -> String {
    stderr(out)
        .lines()
        .find(|l| l.starts_with("built "))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn unchanged_documents_are_up_to_date_and_changes_rebuild_only_their_dependants() {
    let p = project();
    let first = p.s75(&["build"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        summary(&first).starts_with("built 3, up to date 0, failed 0"),
        "{}",
        summary(&first)
    );
    let hart = std::fs::read(p.root().join("out/bcf/schemes/hart.pdf")).unwrap();

    let second = p.s75(&["build"]);
    assert!(
        summary(&second).starts_with("built 0, up to date 3, failed 0"),
        "{}",
        summary(&second)
    );

    // Menorrhagia changes: its specification and the agreement that
    // includes it are rebuilt; HART is not.
    p.write_scheme(
        "menorrhagia",
        &example_scheme("menorrhagia").replace("notice_months: 12", "notice_months: 11"),
    );
    let third = p.s75(&["build"]);
    let err = stderr(&third);
    assert!(
        summary(&third).starts_with("built 2, up to date 1, failed 0"),
        "{}",
        summary(&third)
    );
    assert!(
        err.contains("wrote out/bcf/schemes/menorrhagia.pdf")
            && err.contains("wrote out/bcf/agreement.pdf"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(p.root().join("out/bcf/schemes/hart.pdf")).unwrap(),
        hart
    );

    let forced = p.s75(&["build", "--force", "--jobs", "1"]);
    assert!(
        summary(&forced).starts_with("built 3, up to date 0"),
        "{}",
        summary(&forced)
    );
}

#[test]
fn a_corrupt_or_missing_manifest_rebuilds_everything_without_error() {
    let p = project();
    assert_eq!(p.s75(&["build"]).status.code(), Some(0));
    std::fs::write(p.root().join("out/.s75-manifest.json"), "{ not json").unwrap();
    let out = p.s75(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        summary(&out).starts_with("built 3, up to date 0"),
        "{}",
        summary(&out)
    );
    std::fs::remove_file(p.root().join("out/.s75-manifest.json")).unwrap();
    let out = p.s75(&["build"]);
    assert!(
        summary(&out).starts_with("built 3, up to date 0"),
        "{}",
        summary(&out)
    );
}
