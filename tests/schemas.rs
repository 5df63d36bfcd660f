//! Ledger lines validate against the frozen schema, checked with an
//! independent JSON Schema implementation rather than our own types.

use std::fs;

fn validator() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/ledger-entry.v1.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn every_ledger_line_validates_and_bad_lines_do_not() {
    let dir = tempfile::tempdir().unwrap();
    drop(tests::build_campaign_store(dir.path(), 150));
    let validator = validator();
    let text = fs::read_to_string(dir.path().join("ledger.jsonl")).unwrap();
    for (index, line) in text.lines().enumerate() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            validator.is_valid(&value),
            "line {}: {:?}",
            index + 1,
            validator.validate(&value).err()
        );
    }
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let mutations: [(&str, serde_json::Value); 6] = [
        ("hash", "AB".repeat(32).into()),
        ("sig", "00".repeat(64).into()),
        ("time", "2026-11-21 10:00:00Z".into()),
        ("v", 2.into()),
        ("action", "lower_case".into()),
        ("extra", true.into()),
    ];
    for (field, value) in mutations {
        let mut bad = first.clone();
        bad[field] = value;
        assert!(!validator.is_valid(&bad), "{field} should be rejected");
    }
}
