//! The template environment: minijinja templates under `templates/` emit
//! typst source.
//!
//! Escaping is the environment's job, not the template author's: every
//! template auto-escapes for typst markup through the formatter below, so a
//! value from YAML reaches typst only as literal text. Filters that build
//! typst syntax on purpose (`typst_str`, `label`) return values already
//! marked safe, after validating or escaping their input themselves.

use std::path::{Path, PathBuf};

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::escape;
use crate::model::money::format_pounds;
use crate::model::{Date, FinancialYear};

/// Markers wrapped around each template's output so that a typst error in
/// the generated source can be traced back to a template file and line.
/// They are typst block comments with no line breaks of their own, so
/// whitespace control in a template cannot turn them into anything else.
pub const BEGIN_MARK: &str = "/*@s75-begin ";
pub const END_MARK: &str = "/*@s75-end ";
const MARK_CLOSE: &str = "*/";

/// Builds the environment over the templates folder.
pub fn environment(templates: &Path) -> Environment<'static> {
    let mut env = Environment::new();
    let root = templates.to_path_buf();
    env.set_loader(move |name| load_template(&root, name));
    env.set_auto_escape_callback(|_| AutoEscape::Custom("typst"));
    env.set_formatter(|out, state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        let text = value.to_string();
        let escaped = match state.auto_escape() {
            AutoEscape::None => text,
            _ if value.is_safe() => text,
            _ => escape::markup(&text),
        };
        out.write_str(&escaped).map_err(Error::from)
    });
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("money", money);
    env.add_filter("money_or_nil", |v: Value| {
        money(v.clone()).map(|m| {
            if decimal(&v.to_string())
                .map(|d| d.is_zero())
                .unwrap_or(false)
            {
                "Nil".to_string()
            } else {
                m
            }
        })
    });
    env.add_filter("long_date", long_date);
    // "the Council is" → "The Council is" at the start of a sentence.
    env.add_filter("sentence", |s: String| crate::finance::capitalise(&s));
    env.add_filter("fy", fy);
    env.add_filter("fy_start", |s: String| {
        fy_parse(&s).map(|f| f.start().long())
    });
    env.add_filter("fy_end", |s: String| fy_parse(&s).map(|f| f.end().long()));
    // Multi-paragraph text: each paragraph escaped, paragraphs kept apart.
    env.add_filter("paras", |s: String| {
        let paras: Vec<String> = s
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(escape::markup)
            .collect();
        Value::from_safe_string(paras.join("\n\n"))
    });
    env.add_filter("typst_str", |s: String| {
        Value::from_safe_string(escape::string_literal(&s))
    });
    env.add_filter("label", label);
    // A number for typst code (e.g. a chart's data): checked to be an exact
    // decimal, then written as is.
    env.add_filter("num", |v: Value| {
        decimal(&v.to_string()).map(|d| Value::from_safe_string(d.normalize().to_string()))
    });
    env.add_filter("ordinal_letter", |i: usize| {
        // 0 -> A, 1 -> B ... for recitals.
        char::from_u32('A' as u32 + (i as u32 % 26))
            .map(String::from)
            .unwrap_or_default()
    });
    env
}

fn load_template(root: &Path, name: &str) -> Result<Option<String>, Error> {
    let path = template_path(root, name).map_err(|m| Error::new(ErrorKind::InvalidOperation, m))?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("cannot read template {name}: {e}"),
            ))
        }
    };
    // Typst templates get line markers; the static typst files do not go
    // through minijinja at all.
    Ok(Some(format!(
        "{BEGIN_MARK}{name}{MARK_CLOSE}{text}{END_MARK}{name}{MARK_CLOSE}"
    )))
}

/// Resolves a template name inside the templates folder, refusing names
/// that climb out of it and symlinks that point outside it.
pub fn template_path(root: &Path, name: &str) -> Result<PathBuf, String> {
    let rel = Path::new(name);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(format!(
            "template name `{name}` must be a plain path inside templates/"
        ));
    }
    let path = root.join(rel);
    if let (Ok(real), Ok(real_root)) = (path.canonicalize(), root.canonicalize()) {
        if !real.starts_with(&real_root) {
            return Err(format!(
                "template `{name}` is a link to a file outside templates/; refusing to read it"
            ));
        }
    }
    Ok(path)
}

fn decimal(s: &str) -> Result<Decimal, Error> {
    Decimal::from_str(s).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`{s}` is not an exact amount"),
        )
    })
}

/// `{{ amount|money }}` → £60,267,168. Takes the exact decimal string the
/// model serialises money as.
fn money(v: Value) -> Result<String, Error> {
    let s = v.to_string();
    Ok(format_pounds(decimal(&s)?))
}

/// `{{ date|long_date }}` → 1 April 2019.
fn long_date(s: String) -> Result<String, Error> {
    Date::parse(&s)
        .map(Date::long)
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("`{s}` is not a date")))
}

fn fy_parse(s: &str) -> Result<FinancialYear, Error> {
    FinancialYear::parse(s).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("`{s}` is not a financial year"),
        )
    })
}

/// `{{ year|fy }}` → 2019/20
fn fy(s: String) -> Result<String, Error> {
    fy_parse(&s).map(|f| f.to_string())
}

/// `<{{ id|label }}>`: ids are checked to be label-safe, never escaped into
/// something else.
fn label(s: String) -> Result<Value, Error> {
    if escape::is_label_safe(&s) {
        Ok(Value::from_safe_string(s))
    } else {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{s}` cannot be used as a label"),
        ))
    }
}

/// Maps a line of generated typst source back to the template that emitted
/// it: (template name, approximate line in that template). Loops and
/// conditionals make the line approximate; the template is exact.
pub fn trace_line(generated: &str, target: usize) -> Option<(String, usize)> {
    // Open templates: (name, generated line of its first line, generated
    // lines that nested includes added beyond the one line of the include).
    let mut stack: Vec<(String, usize, usize)> = Vec::new();
    for (i, line) in generated.lines().enumerate() {
        let n = i + 1;
        let mut rest = line;
        // The line belongs to whichever template is open when its first
        // non-marker text starts.
        let mut owner = None;
        while let Some(at) = rest.find("/*@s75-") {
            if owner.is_none() && !rest[..at].trim().is_empty() {
                owner = Some(stack.last().cloned());
            }
            let marker = &rest[at..];
            let Some(close) = marker.find(MARK_CLOSE) else {
                break;
            };
            if let Some(name) = marker[..close].strip_prefix(BEGIN_MARK) {
                stack.push((name.to_string(), n, 0));
            } else if let Some((_, start, _)) = stack.pop() {
                if let Some(parent) = stack.last_mut() {
                    parent.2 += (n - start).saturating_sub(1);
                }
            }
            rest = &marker[close + MARK_CLOSE.len()..];
        }
        if n == target {
            let (name, start, nested) = owner.unwrap_or_else(|| stack.last().cloned())?;
            return Some((name, (n + 1 - start).saturating_sub(nested).max(1)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(src: &'static str) -> Environment<'static> {
        let mut env = environment(Path::new("/nonexistent"));
        env.add_template("t", src).unwrap();
        env
    }

    #[test]
    fn values_are_escaped_without_a_filter() {
        let env = env_with("Party: {{ name }}");
        let out = env
            .get_template("t")
            .unwrap()
            .render(minijinja::context! { name => "#read(\"/etc/passwd\")" })
            .unwrap();
        assert_eq!(out, "Party: \\#read\\(\\\"\\/etc\\/passwd\\\"\\)");
    }

    #[test]
    fn paragraphs_are_escaped_and_kept_apart() {
        let env = env_with("{{ t|paras }}");
        let out = env
            .get_template("t")
            .unwrap()
            .render(minijinja::context! { t => "= one\n#two\n\n\n- three" })
            .unwrap();
        assert_eq!(out, "\\= one \\#two\n\n\\- three");
    }

    #[test]
    fn undefined_values_are_errors() {
        let env = env_with("{{ nope }}");
        assert!(env
            .get_template("t")
            .unwrap()
            .render(minijinja::context! {})
            .is_err());
    }

    #[test]
    fn filters_format_money_dates_and_years() {
        let env = env_with("{{ m|money }} {{ d|long_date }} {{ y|fy }} {{ y|fy_end }}");
        let out = env
            .get_template("t")
            .unwrap()
            .render(minijinja::context! { m => "60267168", d => "2019-04-01", y => "2019/20" })
            .unwrap();
        // Filter output is plain text, so it is escaped like any other value.
        assert_eq!(
            out,
            escape::markup("£60,267,168 1 April 2019 2019/20 31 March 2020")
        );
    }

    #[test]
    fn label_filter_refuses_unsafe_ids() {
        let env = env_with("<{{ id|label }}>");
        let t = env.get_template("t").unwrap();
        assert_eq!(
            t.render(minijinja::context! { id => "cl-term" }).unwrap(),
            "<cl-term>"
        );
        assert!(t.render(minijinja::context! { id => "x> #read(" }).is_err());
    }

    #[test]
    fn template_names_cannot_climb_out() {
        assert!(template_path(Path::new("/t"), "../etc/passwd").is_err());
        assert!(template_path(Path::new("/t"), "/etc/passwd").is_err());
        assert!(template_path(Path::new("/t"), "clauses/term.typ.j2").is_ok());
    }

    #[test]
    fn traces_generated_lines_to_templates() {
        // main: "a", include inc ("b", "c"), "d".
        let gen =
            "/*@s75-begin main*/a\n/*@s75-begin inc*/b\nc\n/*@s75-end inc*/d\n/*@s75-end main*/";
        assert_eq!(trace_line(gen, 1), Some(("main".into(), 1)));
        assert_eq!(trace_line(gen, 2), Some(("inc".into(), 1)));
        assert_eq!(trace_line(gen, 3), Some(("inc".into(), 2)));
        assert_eq!(trace_line(gen, 4), Some(("main".into(), 3)));
    }
}
