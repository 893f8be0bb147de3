//! Progress while documents are typeset: a bar when stderr is a terminal,
//! plain lines otherwise (CI logs).

use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(total: u64) -> Progress {
        let bar = (total > 0 && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            b
        });
        Progress { bar }
    }

    pub fn start(&self, pdf: &Path) {
        match &self.bar {
            Some(b) => b.set_message(pdf.display().to_string()),
            None => {}
        }
    }

    pub fn finish_one(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    pub fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
