//! Shared helpers: a throwaway project holding a copy of the bundled
//! example, built with the real templates.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn example_yaml() -> String {
    std::fs::read_to_string(repo().join("agreements/leicestershire-bcf-2019-20/agreement.yaml"))
        .unwrap()
}

pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A project with one agreement, `agreements/bcf/agreement.yaml`.
    pub fn with_agreement(yaml: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let p = Project { dir };
        p.write_agreement(yaml);
        p
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn yaml_path(&self) -> PathBuf {
        self.root().join("agreements/bcf/agreement.yaml")
    }

    pub fn pdf_path(&self) -> PathBuf {
        self.root().join("out/bcf/agreement.pdf")
    }

    pub fn write_agreement(&self, yaml: &str) {
        let p = self.yaml_path();
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, yaml).unwrap();
    }

    /// Runs the `s75` binary in the project with the repository's templates.
    pub fn s75(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("s75")
            .unwrap()
            .current_dir(self.root())
            .args(args)
            .arg("--templates")
            .arg(repo().join("templates"))
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap()
    }
}

pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copies the repository's templates into `dst`, to change one in a test.
pub fn copy_templates(dst: &Path) {
    for entry in walkdir::WalkDir::new(repo().join("templates")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(repo().join("templates")).unwrap();
        let to = dst.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
}

pub fn example_scheme(id: &str) -> String {
    std::fs::read_to_string(repo().join(format!(
        "agreements/leicestershire-bcf-2019-20/schemes/{id}.yaml"
    )))
    .unwrap()
}

/// HART with the seed's disagreements put right: the percentages the
/// amounts give, and the missing titles filled in.
pub fn clean_hart() -> String {
    example_scheme("hart")
        .replace("\"6.64%\"", "\"6.66%\"")
        .replace("\"5.04%\"", "\"5.02%\"")
        .replace("title: \"[INSERT]\"", "title: Head of Service")
}

impl Project {
    pub fn write_scheme(&self, id: &str, yaml: &str) {
        let p = self
            .root()
            .join(format!("agreements/bcf/schemes/{id}.yaml"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, yaml).unwrap();
    }

    /// Runs check or build in-process; builds are forced so each run
    /// typesets every document.
    pub fn run(&self, check_only: bool, mode: s75::diag::Mode) -> s75::build::Report {
        let mut o = s75::build::Options::new(
            vec![self.root().join("agreements")],
            repo().join("templates"),
            self.root().join("out"),
        );
        o.check_only = check_only;
        o.mode = mode;
        o.force = true;
        s75::build::run(&o)
    }
}

/// The 1-based line of the first line containing `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("`{needle}` not in fixture"))
}

impl Project {
    /// Runs `s75 new ...` (which takes `--templates` after the ids).
    pub fn s75_new(&self, args: &[&str]) -> std::process::Output {
        self.s75(args)
    }
}

pub fn example_report(agreement: &str, file: &str) -> String {
    std::fs::read_to_string(repo().join(format!("agreements/{agreement}/reports/{file}"))).unwrap()
}

impl Project {
    pub fn write_report(&self, file: &str, text: &str) {
        let p = self.root().join(format!("agreements/bcf/reports/{file}"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// The first diagnostic with `code`; fails the test, listing them all, if
/// there is none.
pub fn find(diags: &[s75::diag::Diagnostic], code: s75::diag::Code) -> &s75::diag::Diagnostic {
    diags
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {diags:#?}"))
}
