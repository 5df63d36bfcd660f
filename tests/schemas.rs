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

fn schema_validator(file: &str) -> jsonschema::Validator {
    let path = format!("{}/../schema/{file}", env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_lines_valid(validator: &jsonschema::Validator, what: &str, text: &str) -> usize {
    let mut count = 0;
    for (index, line) in text.lines().enumerate() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(
            validator.is_valid(&value),
            "{what}:{}: {:?}",
            index + 1,
            validator.validate(&value).err()
        );
        count += 1;
    }
    count
}

/// Every generated file and every JSON Lines fixture validates against its
/// input schema; once ingested, every stored record validates against its
/// record schema. And the schemas are not vacuous: a line missing a required
/// field, or with a stray one, is refused.
#[test]
fn generated_files_fixtures_and_stored_records_validate() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    assert_eq!(tests::run_cli(&store, &["init"]).code, 0);
    let out = |name: &str| dir.path().join(name).display().to_string();
    let runs: [(&str, &[&str], &str); 4] = [
        ("metric", &["--days", "2"], "metric.jsonl"),
        ("auth", &["--n-days", "3", "--n-users", "20"], "auth.jsonl"),
        ("proxy", &["--scenario", "mix", "--events", "300"], "proxy.jsonl"),
        ("behavior", &["--identities", "12"], "behavior.jsonl"),
    ];
    for (generator, options, file) in runs {
        let mut args = vec!["generate", generator, "--seed", "7", "--out"];
        let path = out(file);
        args.push(&path);
        args.extend_from_slice(options);
        let run = tests::run_cli(&store, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    for (format, file) in [
        ("metric", "metric.jsonl"),
        ("auth", "auth.jsonl"),
        ("proxy", "proxy.jsonl"),
        ("identity", "behavior.identities.jsonl"),
        ("behavior", "behavior.jsonl"),
    ] {
        let text = fs::read_to_string(dir.path().join(file)).unwrap();
        let validator = schema_validator(&model::schema::input_schema_file(format));
        assert!(assert_lines_valid(&validator, file, &text) > 0, "{file} is empty");
        let run = tests::run_cli(&store, &["ingest", format, &out(file)]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let proxy_fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/proxy");
    let proxy_input = schema_validator("proxy-input.v1.schema.json");
    let mut samples = 0;
    for entry in fs::read_dir(proxy_fixtures).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            assert_lines_valid(
                &proxy_input,
                &path.display().to_string(),
                &fs::read_to_string(&path).unwrap(),
            );
            samples += 1;
        }
    }
    assert_eq!(samples, 6, "seed 004's six sample files");

    // Baselines (ready and with insufficient history) and scores (scored
    // and skipped).
    for args in [
        &["baseline", "train", "--min-samples", "2"][..],
        &["baseline", "train", "--min-samples", "3"],
        &["score", "--version", "1"],
        &["score"],
    ] {
        let run = tests::run_cli(&store, args);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let scores = fs::read_to_string(store.join("scores.jsonl")).unwrap();
    assert!(scores.contains("\"status\":\"scored\"") && scores.contains("\"skip_reason\":\"insufficient_history\""));

    for (file, schema) in [
        ("baselines.jsonl", "baseline.v1.schema.json"),
        ("scores.jsonl", "score.v1.schema.json"),
        ("events/metric.jsonl", "metric-event.v1.schema.json"),
        ("events/auth.jsonl", "auth-event.v1.schema.json"),
        ("events/proxy.jsonl", "proxy-event.v1.schema.json"),
        ("events/behavior.jsonl", "behavior-event.v1.schema.json"),
        ("identities.jsonl", "identity.v1.schema.json"),
    ] {
        let text = fs::read_to_string(store.join(file)).unwrap();
        let validator = schema_validator(schema);
        assert!(assert_lines_valid(&validator, file, &text) > 0);
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        for broken in [
            {
                let mut v = first.clone();
                v.as_object_mut().unwrap().remove("hash");
                v
            },
            {
                let mut v = first.clone();
                v["unexpected"] = true.into();
                v
            },
        ] {
            assert!(!validator.is_valid(&broken), "{schema} accepts {broken}");
        }
    }
}
