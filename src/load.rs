//! Finding input files and parsing them into typed models.
//!
//! serde stops at the first problem in a file. To report every problem of a
//! file in one run, a value that fails (bad money, an unknown key, a bad
//! date) is recorded, replaced in the parsed YAML tree by a neutral stand-in
//! and the typed parse is tried again. Problems serde cannot step over, such
//! as a missing field, end the file's parse.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_yaml::Value;
use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};
use crate::yamlpos::PosIndex;

/// The text of one input file and where its nodes are. The position index
/// is built the first time a diagnostic needs it, so clean files are parsed
/// only once.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    index: std::sync::OnceLock<PosIndex>,
}

/// Every line break as `\n`.
///
/// The YAML parser ends a line at CR, LF or CRLF, and (as YAML 1.1 does) at
/// NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR, so a file saved with old
/// Mac line endings had its problems reported at lines the snippet, which
/// counted only LF, could not show. YAML reads all of them as a line break
/// inside values too, so this changes no value. Found by `cargo fuzz`.
pub fn normalize_line_breaks(text: String) -> String {
    const BREAKS: [char; 4] = ['\r', '\u{85}', '\u{2028}', '\u{2029}'];
    if !text.contains(BREAKS) {
        return text;
    }
    text.replace("\r\n", "\n").replace(BREAKS, "\n")
}

/// The largest input file accepted.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// The deepest nesting accepted. Real inputs use fewer than ten levels;
/// YAML parsers slow down badly on very deep flow nesting.
pub const MAX_DEPTH: usize = 64;

/// The deepest nesting of flow collections (`[`, `{`) and block
/// indentation, found in one linear pass that skips quotes and comments.
fn nesting(text: &str) -> (usize, usize) {
    let (mut depth, mut max, mut line) = (0usize, 0usize, 1usize);
    let mut deepest_line = 1;
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut at_line_start = true;
    let mut indent = 0usize;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            comment = false;
            at_line_start = true;
            indent = 0;
            continue;
        }
        if at_line_start {
            if c == ' ' || c == '-' {
                indent += 1;
                continue;
            }
            at_line_start = false;
            if indent / 2 > max {
                max = indent / 2;
                deepest_line = line;
            }
        }
        if comment {
            continue;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > max {
                    max = depth;
                    deepest_line = line;
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (max, deepest_line)
}

impl SourceFile {
    pub fn read(path: &Path) -> Result<SourceFile, Diagnostic> {
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.len() > MAX_BYTES {
                return Err(Diagnostic::error(
                    Code::InputLimits,
                    path,
                    format!("file is {} bytes; inputs are limited to 10 MB", meta.len()),
                ));
            }
        }
        let bytes = std::fs::read(path)
            .map_err(|e| Diagnostic::error(Code::Io, path, format!("cannot read file: {e}")))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Diagnostic::error(
                Code::Io,
                path,
                format!(
                    "file is not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
            .hint("save the file as UTF-8")
        })?;
        Ok(SourceFile::new(path, text))
    }

    pub fn new(path: &Path, text: String) -> SourceFile {
        SourceFile {
            path: path.to_path_buf(),
            text: normalize_line_breaks(text),
            index: std::sync::OnceLock::new(),
        }
    }

    pub fn index(&self) -> &PosIndex {
        self.index.get_or_init(|| PosIndex::build(&self.text))
    }

    /// A diagnostic pointing at the value found at `yaml_path`.
    pub fn at_value(&self, code: Code, yaml_path: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(code, &self.path, message).path(yaml_path);
        match self.index().value(yaml_path) {
            Some(p) => d.at(p.line, p.column),
            None => d,
        }
    }

    /// A diagnostic pointing at the key of `yaml_path`.
    pub fn at_key(&self, code: Code, yaml_path: &str, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(code, &self.path, message).path(yaml_path);
        match self.index().key(yaml_path) {
            Some(p) => d.at(p.line, p.column),
            None => d,
        }
    }
}

/// Every `agreement.yaml` under the given paths (files are taken as given),
/// in a stable order.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut found = Vec::new();
    for root in paths {
        if !root.exists() {
            return Err(Diagnostic::error(Code::Io, root, "no such file or folder")
                .hint("give a path to an agreement folder or agreement.yaml, or run from the project root"));
        }
        if root.is_file() {
            // A scheme or report stands for the agreement it belongs to.
            let parent = root
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned());
            match (root.file_name().map(|n| n.to_string_lossy().into_owned()), parent.as_deref()) {
                (Some(n), _) if n == "agreement.yaml" => found.push(root.clone()),
                (_, Some("schemes" | "reports")) => {
                    found.push(root.parent().and_then(Path::parent).unwrap_or(Path::new(".")).join("agreement.yaml"))
                }
                _ => {
                    return Err(Diagnostic::error(Code::UnknownDocument, root, "not an agreement, scheme or report file")
                        .hint("give agreements/<id>/agreement.yaml, a file under its schemes/ or reports/, or a folder"))
                }
            }
            continue;
        }
        for entry in WalkDir::new(root).sort_by_file_name().follow_links(false) {
            let entry = entry.map_err(|e| {
                Diagnostic::error(
                    Code::Io,
                    e.path().unwrap_or(root),
                    format!("cannot list folder: {e}"),
                )
            })?;
            if entry.file_type().is_file() && entry.file_name() == "agreement.yaml" {
                found.push(entry.into_path());
            }
        }
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// The `.yaml` files in the folder `sub` beside an agreement file, in
/// file-name order.
pub fn yaml_files_beside(agreement: &Path, sub: &str) -> Vec<PathBuf> {
    let dir = agreement.parent().unwrap_or(Path::new(".")).join(sub);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    files
}

/// Parses `src` into `T`, collecting every problem serde lets us step over.
pub fn parse<T: DeserializeOwned>(src: &SourceFile) -> (Option<T>, Vec<Diagnostic>) {
    match tree(src) {
        Ok(tree) => parse_tree(src, tree),
        Err(d) => (None, vec![d]),
    }
}

/// The YAML tree of `src`, after the nesting limit; a syntax error is one
/// located diagnostic.
pub fn tree(src: &SourceFile) -> Result<Value, Diagnostic> {
    let (depth, line) = nesting(&src.text);
    if depth > MAX_DEPTH {
        return Err(Diagnostic::error(
            Code::InputLimits,
            &src.path,
            format!("nesting {depth} levels deep; inputs are limited to {MAX_DEPTH}"),
        )
        .at(line, 1));
    }
    serde_yaml::from_str(&src.text).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let msg = strip_location(&e.to_string());
        Diagnostic::error(Code::YamlSyntax, &src.path, msg).at(line, col)
    })
}

/// Deserialises a tree from [`tree`] into `T`, collecting every problem
/// serde lets us step over.
pub fn parse_tree<T: DeserializeOwned>(
    src: &SourceFile,
    mut tree: Value,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    const MAX_ROUNDS: usize = 200;
    for _ in 0..MAX_ROUNDS {
        match serde_path_to_error::deserialize::<_, T>(&tree) {
            Ok(doc) => return (Some(doc), diags),
            Err(err) => {
                let path = match err.path().to_string() {
                    p if p == "." => String::new(),
                    p => p,
                };
                let raw = strip_location(&err.inner().to_string());
                let (code, msg) = match Code::untag(&raw) {
                    (Some(c), m) => (c, m.to_string()),
                    (None, m) if m.starts_with("unknown field") => {
                        (Code::UnknownField, m.to_string())
                    }
                    (None, m) => (Code::InvalidValue, m.to_string()),
                };
                let recovery = match code {
                    Code::UnknownField => {
                        // serde_path_to_error's path already ends at the unknown key.
                        let name = backticked(&msg).unwrap_or_default();
                        let parent = path
                            .strip_suffix(&name)
                            .map(|p| p.trim_end_matches('.').to_string())
                            .unwrap_or_else(|| path.clone());
                        let full = crate::yamlpos::join_key(&parent, &name);
                        diags.push(src.at_key(code, &full, msg));
                        remove_key(&mut tree, &parent, &name)
                    }
                    Code::MoneyFloat
                    | Code::MoneyGrouping
                    | Code::MoneyInvalid
                    | Code::PercentInvalid => {
                        diags.push(src.at_value(code, &path, msg));
                        replace(&mut tree, &path, Value::String("0".into()))
                    }
                    Code::DateInvalid => {
                        diags.push(src.at_value(code, &path, msg));
                        replace(&mut tree, &path, Value::String("2000-01-01".into()))
                    }
                    Code::FinancialYearInvalid => {
                        diags.push(src.at_value(code, &path, msg));
                        replace(&mut tree, &path, Value::String("2000/01".into()))
                    }
                    _ => {
                        let d = if msg.starts_with("missing field") {
                            src.at_key(code, &path, msg)
                        } else {
                            src.at_value(code, &path, msg)
                        };
                        diags.push(d);
                        false
                    }
                };
                if !recovery {
                    return (None, diags);
                }
            }
        }
    }
    (None, diags)
}

/// serde_yaml appends " at line L column C"; we report location separately.
fn strip_location(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

fn backticked(msg: &str) -> Option<String> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(msg[start..start + len].to_string())
}

enum Seg {
    Key(String),
    Index(usize),
}

fn segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key.to_string()));
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').unwrap_or(r.len());
            if let Ok(i) = r[..end].parse() {
                out.push(Seg::Index(i));
            }
            rest = r.get(end + 1..).unwrap_or("");
        }
    }
    out
}

fn node_mut<'a>(tree: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut cur = tree;
    for seg in segments(path) {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Mapping(m)) => m.get_mut(Value::String(k))?,
            (Seg::Index(i), Value::Sequence(s)) => s.get_mut(i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn replace(tree: &mut Value, path: &str, with: Value) -> bool {
    match node_mut(tree, path) {
        Some(v) if *v != with => {
            *v = with;
            true
        }
        _ => false,
    }
}

fn remove_key(tree: &mut Value, path: &str, key: &str) -> bool {
    match node_mut(tree, path) {
        Some(Value::Mapping(m)) => m.remove(Value::String(key.to_string())).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_line_breaks as n;

    #[test]
    fn every_yaml_line_break_becomes_lf() {
        assert_eq!(n("a\r\nb\rc\nd".into()), "a\nb\nc\nd");
        assert_eq!(n("a\u{85}b\u{2028}c\u{2029}d".into()), "a\nb\nc\nd");
        // CR then LF is one break, LF then CR two.
        assert_eq!(n("a\r\n\rb\n\rc".into()), "a\n\nb\n\nc");
    }
}
