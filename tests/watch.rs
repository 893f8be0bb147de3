//! `s75 watch` rebuilds on save, and keeps watching after an error.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{clean_hart, example_yaml, Project};

/// Waits for a line of stderr containing `needle`, collecting what it saw.
fn wait_for(rx: &mpsc::Receiver<String>, needle: &str, seen: &mut String) -> bool {
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.push_str(&line);
            seen.push('\n');
            if line.contains(needle) {
                return true;
            }
        }
    }
    false
}

#[test]
fn watch_rebuilds_on_save_and_survives_errors() {
    let p = Project::with_agreement(&example_yaml());
    p.write_scheme("hart", &clean_hart());
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("s75"))
        .current_dir(p.root())
        .args(["watch", "--templates"])
        .arg(common::repo().join("templates"))
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = String::new();
    let ok = (|| {
        if !wait_for(&rx, "watching", &mut seen) {
            return false;
        }
        // A broken save: the error is printed and watching goes on.
        p.write_scheme(
            "hart",
            &clean_hart().replace("notice_months: 6", "notice_months: six"),
        );
        if !wait_for(&rx, "E102", &mut seen) || !wait_for(&rx, "watching", &mut seen) {
            return false;
        }
        // The fix is picked up and rebuilt.
        p.write_scheme(
            "hart",
            &clean_hart().replace("notice_months: 6", "notice_months: 5"),
        );
        wait_for(&rx, "wrote", &mut seen) && wait_for(&rx, "watching", &mut seen)
    })();
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok, "watch did not behave; it printed:\n{seen}");
    assert!(
        seen.contains("wrote") && seen.contains("schemes/hart.pdf"),
        "{seen}"
    );
}
