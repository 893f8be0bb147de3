//! The JSON Schemas in schemas/ are generated from the model types; this
//! test fails when a model changes and `s75 schema` was not re-run.

#[test]
fn committed_schemas_match_the_model() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    for (kind, schema) in s75::schema::all() {
        let expected = format!("{}\n", serde_json::to_string_pretty(&schema).unwrap());
        let path = dir.join(format!("{kind}.schema.json"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} is out of date: run `cargo run -- schema`",
            path.display()
        );
    }
}

#[test]
fn schemas_describe_money_as_text_not_float() {
    let (_, agreement) = s75::schema::all()
        .into_iter()
        .find(|(k, _)| *k == "agreement")
        .unwrap();
    let text = serde_json::to_string(&agreement).unwrap();
    assert!(text.contains("\"Money\""), "money has its own definition");
    assert!(!text.contains("\"number\""), "no field accepts a float");
    assert!(
        text.contains("\"additionalProperties\":false"),
        "unknown keys are refused, as the loader does"
    );
}
