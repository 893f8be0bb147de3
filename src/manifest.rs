//! The build manifest, `out/.s75-manifest.json`: for each PDF, a hash of
//! everything it was built from (the rendered source, which holds the data
//! and the templates' output; the static typst files; the tool version; the
//! options). A document whose hash is unchanged is up to date. A missing or
//! unreadable manifest just means everything is rebuilt.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

const FILE: &str = ".s75-manifest.json";

#[derive(Debug, Default)]
pub struct Manifest {
    entries: BTreeMap<String, String>,
}

fn rel(out: &Path, pdf: &Path) -> String {
    pdf.strip_prefix(out)
        .unwrap_or(pdf)
        .to_string_lossy()
        .replace('\\', "/")
}

impl Manifest {
    pub fn load(out: &Path) -> Manifest {
        let entries = std::fs::read_to_string(out.join(FILE))
            .ok()
            .and_then(|t| serde_json::from_str::<BTreeMap<String, String>>(&t).ok())
            .unwrap_or_default();
        Manifest { entries }
    }

    pub fn get(&self, out: &Path, pdf: &Path) -> Option<&str> {
        self.entries.get(&rel(out, pdf)).map(String::as_str)
    }

    pub fn set(&mut self, out: &Path, pdf: &Path, key: String) {
        self.entries.insert(rel(out, pdf), key);
    }

    /// Written atomically, re-reading the file first so that a concurrent
    /// build's entries are kept.
    pub fn save(&self, out: &Path) -> std::io::Result<()> {
        let mut merged = Manifest::load(out).entries;
        merged.extend(self.entries.clone());
        std::fs::create_dir_all(out)?;
        let text = serde_json::to_string_pretty(&merged).map_err(std::io::Error::other)?;
        crate::build::write_atomic(&out.join(FILE), text.as_bytes())
    }
}

/// A hex SHA-256 of the parts, each length-prefixed so they cannot run
/// into each other.
pub fn key(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest of the typst files typst itself reads from templates/ (the
/// house style), which the rendered source does not contain.
pub fn static_template_digest(templates: &Path) -> String {
    let mut parts: Vec<String> = walkdir::WalkDir::new(templates)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "typ"))
        .map(|e| {
            format!(
                "{}\n{}",
                e.path().display(),
                std::fs::read_to_string(e.path()).unwrap_or_default()
            )
        })
        .collect();
    parts.sort();
    key(&parts.iter().map(String::as_str).collect::<Vec<_>>())
}
