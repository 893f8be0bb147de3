//! Output safety: a killed build never leaves a truncated PDF at a final
//! path, concurrent builds do not corrupt each other, and out/ stays in
//! the project unless --out says otherwise.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{example_scheme, example_yaml, stderr, Project};

fn project() -> Project {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &example_scheme("hart"));
    p.write_scheme("menorrhagia", &example_scheme("menorrhagia"));
    p
}

/// Every PDF at a final path is complete: it starts with the header and
/// ends with the end-of-file marker.
fn pdfs_complete(out: &Path) -> usize {
    let mut n = 0;
    for e in walkdir::WalkDir::new(out).into_iter().flatten() {
        if e.path().extension().is_some_and(|x| x == "pdf") {
            let bytes = std::fs::read(e.path()).unwrap();
            assert!(
                bytes.starts_with(b"%PDF-"),
                "{} has no header",
                e.path().display()
            );
            let tail = &bytes[bytes.len().saturating_sub(32)..];
            assert!(
                String::from_utf8_lossy(tail).contains("%%EOF"),
                "{} is truncated",
                e.path().display()
            );
            n += 1;
        }
    }
    n
}

fn spawn_build(p: &Project) -> std::process::Child {
    Command::new(assert_cmd::cargo::cargo_bin("s75"))
        .current_dir(p.root())
        .args(["build", "--force", "--templates"])
        .arg(common::repo().join("templates"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_killed_build_leaves_no_truncated_pdf() {
    let p = project();
    // Kill at several points through the build, including mid-write.
    for ms in [50u64, 150, 300, 600, 1000, 1500] {
        let mut child = spawn_build(&p);
        std::thread::sleep(Duration::from_millis(ms));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        pdfs_complete(&p.root().join("out"));
    }
    // And a build after the kills completes normally.
    let out = p.s75(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(pdfs_complete(&p.root().join("out")), 3);
}

#[test]
fn two_builds_at_once_do_not_corrupt_each_other() {
    let p = project();
    let a = spawn_build(&p);
    let b = spawn_build(&p);
    for mut c in [a, b] {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(pdfs_complete(&p.root().join("out")), 3);
    let manifest = std::fs::read_to_string(p.root().join("out/.s75-manifest.json")).unwrap();
    let parsed: serde_json::Value =
        serde_json::from_str(&manifest).expect("manifest is valid JSON");
    assert_eq!(parsed.as_object().unwrap().len(), 3);
}

#[test]
fn out_linked_outside_the_project_is_refused_unless_named() {
    let p = project();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), p.root().join("out")).unwrap();
    let out = p.s75(&["build"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("out/ leads outside the project"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_dir(elsewhere.path()).unwrap().count(),
        0,
        "nothing written outside"
    );
    // Naming the folder is a deliberate choice and is allowed.
    let out = p.s75(&["build", "--out", elsewhere.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(pdfs_complete(elsewhere.path()), 3);
}
