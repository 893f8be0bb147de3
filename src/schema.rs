//! JSON Schemas for the YAML inputs, generated from the model types so
//! they cannot drift from what the loader accepts. Editors with the YAML
//! language server use them for completion and inline errors.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use crate::model::money::{Money, Percent};
use crate::model::time::{Date, FinancialYear};

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An exact amount in pounds, written as text: \"£16,825,074\", \"1234.50\" or \"Nil\". Whole numbers are accepted; floats are not.",
            "anyOf": [
                {"type": "string", "pattern": "^\\s*-?\\s*£?(\\d{1,3}(,\\d{3})*|\\d+)(\\.\\d{1,2})?\\s*$|^\\s*[Nn][Ii][Ll]\\s*$"},
                {"type": "integer"}
            ]
        })
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A percentage written as text, such as \"6.64%\".",
            "anyOf": [{"type": "string", "pattern": "^\\s*-?\\d+(\\.\\d+)?\\s*%?\\s*$"}, {"type": "integer"}]
        })
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"description": "A date, YYYY-MM-DD.", "type": "string", "format": "date"})
    }
}

impl JsonSchema for FinancialYear {
    fn schema_name() -> Cow<'static, str> {
        "FinancialYear".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"description": "A financial year, 1 April to 31 March, e.g. \"2019/20\".", "type": "string", "pattern": "^\\d{4}/(\\d{2}|\\d{4})$"})
    }
}

/// The schema files `s75 schema` writes, by kind.
pub fn all() -> Vec<(&'static str, Schema)> {
    vec![
        ("agreement", schemars::schema_for!(crate::model::Agreement)),
        ("scheme", schemars::schema_for!(crate::model::Scheme)),
        (
            "report",
            schemars::schema_for!(crate::model::report::Report),
        ),
        (
            "quarterly",
            schemars::schema_for!(crate::model::report::Quarterly),
        ),
    ]
}

/// Writes `<kind>.schema.json` for each kind into `dir`.
pub fn write(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for (kind, schema) in all() {
        let path = dir.join(format!("{kind}.schema.json"));
        let text = serde_json::to_string_pretty(&schema).map_err(std::io::Error::other)?;
        crate::build::write_atomic(&path, format!("{text}\n").as_bytes())?;
        written.push(path);
    }
    Ok(written)
}
