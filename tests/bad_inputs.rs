//! `fixtures/bad/`: one input file per kind of bad (or merely unusual)
//! input, each with the exact outcome `driftledger ingest` must give: the
//! error message naming file:line and field, or the number of events
//! accepted. The files are generated from the table below (inputs over
//! 1 MiB are written at run time instead of committed); regenerate with
//! `UPDATE_FIXTURES=1 cargo test -p tests --test main bad_inputs`.

use std::fs;
use std::path::PathBuf;

/// What ingesting a case must do.
enum Expect {
    /// Accepted, with this many events.
    Events(u64),
    /// Refused with exit 2 and this message after `error: <path>:`.
    Refused(&'static str),
}

const HEADER: &str = "timestamp,entity,metric,value\n";
const GOOD: &str = r#"{"timestamp":"2026-11-21T10:00:00Z","entity":"web-1","metric":"cpu","value":0.5}"#;

fn cases() -> Vec<(&'static str, &'static str, Vec<u8>, Expect)> {
    use Expect::{Events, Refused};
    let jsonl = |lines: &[&str]| lines.iter().map(|l| format!("{l}\n")).collect::<String>().into_bytes();
    let metric =
        |fields: &str| format!(r#"{{"timestamp":"2026-11-21T10:00:00Z","entity":"web-1","metric":"cpu",{fields}}}"#);
    let with_time = |time: &str| format!(r#"{{"timestamp":"{time}","entity":"web-1","metric":"cpu","value":1}}"#);
    let mut ten_mb = String::from(r#"{"timestamp":"2026-11-21T10:00:00Z","entity":""#);
    ten_mb.push_str(&"x".repeat(10 << 20));
    ten_mb.push_str(r#"","metric":"cpu","value":1}"#);
    vec![
        (
            "truncated-json.jsonl",
            "metric",
            jsonl(&[GOOD, &GOOD[..40]]),
            Refused("2: expected a complete JSON object, found invalid JSON: EOF while parsing a string at column 40"),
        ),
        (
            "invalid-utf8.jsonl",
            "metric",
            [GOOD.as_bytes(), b"\n{\"timestamp\":\"\xff\"}\n"].concat(),
            Refused("2: expected UTF-8 text, found invalid UTF-8"),
        ),
        (
            "utf8-bom.jsonl",
            "metric",
            [b"\xef\xbb\xbf".as_slice(), &jsonl(&[GOOD])].concat(),
            Events(1),
        ),
        (
            "crlf.csv",
            "metric",
            format!("{}2026-11-21T10:00:00Z,web-1,cpu,1\r\n", HEADER.replace('\n', "\r\n")).into_bytes(),
            Events(1),
        ),
        (
            "wrong-type.jsonl",
            "metric",
            jsonl(&[&metric(r#""value":"abc""#)]),
            Refused("1: field `value`: expected a finite number within the range of a 64-bit float, found \"abc\""),
        ),
        (
            "nan.csv",
            "metric",
            format!("{HEADER}2026-11-21T10:00:00Z,web-1,cpu,NaN\n").into_bytes(),
            Refused("2: field `value`: expected a finite number within the range of a 64-bit float, found \"NaN\""),
        ),
        (
            "infinity.jsonl",
            "metric",
            jsonl(&[&metric(r#""value":Infinity"#)]),
            Refused("1: expected a complete JSON object, found invalid JSON: expected value at column 77"),
        ),
        (
            "1e400.jsonl",
            "metric",
            jsonl(&[&metric(r#""value":1e400"#)]),
            Refused(
                "1: field `value`: expected a finite number within the range of a 64-bit float, found a number out of range at column 81",
            ),
        ),
        (
            "negative-bytes.jsonl",
            "auth",
            jsonl(&[
                r#"{"timestamp":"2026-11-21T10:00:00Z","user_id":"u1","ip_address":"10.0.0.1","endpoint":"/login","status_code":200,"bytes_transferred":-5}"#,
            ]),
            Refused("1: field `bytes_transferred`: expected an integer from 0 to 9007199254740991, found -5"),
        ),
        (
            "unknown-action.csv",
            "proxy",
            b"time,clientip,action,url\n2026-11-21T10:00:00Z,10.0.0.1,MAYBE,http://a.example/\n".to_vec(),
            Refused("2: field `action`: expected ALLOW or DENY, found \"MAYBE\""),
        ),
        (
            "no-zone.jsonl",
            "metric",
            jsonl(&[&with_time("2026-11-21T10:00:00")]),
            Refused(
                "1: field `timestamp`: expected a time with a zone (Z or ±HH:MM); times without one are read as UTC only with assume-utc, found \"2026-11-21T10:00:00\"",
            ),
        ),
        (
            "offset.jsonl",
            "metric",
            jsonl(&[&with_time("2026-11-21T12:00:00+02:00")]),
            Events(1),
        ),
        (
            "year-10000.jsonl",
            "metric",
            jsonl(&[&with_time("10000-01-01T00:00:00Z")]),
            Refused("1: field `timestamp`: expected a year from 0000 to 9999, found \"10000-01-01T00:00:00Z\""),
        ),
        ("empty.jsonl", "metric", Vec::new(), Events(0)),
        ("header-only.csv", "metric", HEADER.as_bytes().to_vec(), Events(0)),
        (
            "extra-column.csv",
            "metric",
            b"timestamp,entity,metric,value,colour\n2026-11-21T10:00:00Z,web-1,cpu,1,red\n".to_vec(),
            Refused(
                "1: field `colour`: expected only columns of the metric format (timestamp, entity, metric, value, label), found an unknown column",
            ),
        ),
        (
            "extra-field.jsonl",
            "metric",
            jsonl(&[&metric(r#""value":1,"colour":"red""#)]),
            Refused(
                "1: field `colour`: expected only fields of the metric format (timestamp, entity, metric, value, label), found an unknown field",
            ),
        ),
        (
            "missing-field.jsonl",
            "metric",
            jsonl(&[r#"{"timestamp":"2026-11-21T10:00:00Z","entity":"web-1","metric":"cpu"}"#]),
            Refused("1: field `value`: expected a value (the field is required), found nothing"),
        ),
        (
            "duplicate-key.jsonl",
            "metric",
            jsonl(&[&metric(r#""value":1,"value":2"#)]),
            Refused("1: field `value`: expected each key at most once in an object, found a repeated key"),
        ),
        ("ten-mb-line.jsonl", "metric", jsonl(&[&ten_mb]), Events(1)),
        (
            "nul-byte.jsonl",
            "metric",
            jsonl(&[&metric("\"value\":1,\"x\":\"\0\"")]),
            Refused("1: expected text without NUL bytes, found a NUL byte at column 84"),
        ),
        (
            "behavior-bad-uuid.jsonl",
            "behavior",
            jsonl(&[
                r#"{"event_id":"not-a-uuid","identity_id":"6f1c2a52-58e4-4d43-9c0e-0c2d4a1e7b10","timestamp":"2026-11-21T10:00:00Z","event_type":"login"}"#,
            ]),
            Refused(
                "1: field `event_id`: expected a UUID like 67e55044-10b1-426f-9247-bb680e5fe0c8, found \"not-a-uuid\"",
            ),
        ),
        (
            "identity-without-name.jsonl",
            "identity",
            jsonl(&[r#"{"identity_id":"6f1c2a52-58e4-4d43-9c0e-0c2d4a1e7b10"}"#]),
            Refused("1: field `name`: expected a value (the field is required), found nothing"),
        ),
        (
            "blank-lines.jsonl",
            "metric",
            format!("\n{GOOD}\n\n{GOOD}\n\n").into_bytes(),
            Events(2),
        ),
        (
            "not-an-object.jsonl",
            "metric",
            jsonl(&["[1,2,3]"]),
            Refused("1: expected a JSON object, found an array"),
        ),
        (
            "behavior-unknown-identity.jsonl",
            "behavior",
            jsonl(&[
                r#"{"event_id":"0b7e4a3e-1f7c-4c1a-9d55-3c9a7b1e2f00","identity_id":"6f1c2a52-58e4-4d43-9c0e-0c2d4a1e7b10","timestamp":"2026-11-21T10:00:00Z","event_type":"login"}"#,
            ]),
            Refused(
                "1: field `identity_id`: expected an identity registered in identities.jsonl (ingest the identities first), found \"6f1c2a52-58e4-4d43-9c0e-0c2d4a1e7b10\"",
            ),
        ),
        (
            "not-gzip-after-all.jsonl.gz",
            "metric",
            b"\x1f\x8b\x08\x00 this is not deflate data\n".to_vec(),
            Refused(
                " expected gzip-compressed data (the file starts with the gzip magic bytes), but corrupt deflate stream",
            ),
        ),
        (
            "gzip-cut-short.jsonl.gz",
            "metric",
            {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                std::io::Write::write_all(&mut encoder, jsonl(&[GOOD, GOOD]).as_slice()).unwrap();
                let whole = encoder.finish().unwrap();
                whole[..whole.len() - 12].to_vec()
            },
            Refused(
                " expected gzip-compressed data (the file starts with the gzip magic bytes), but incomplete deflate stream",
            ),
        ),
        (
            "wrong-csv-field-count.csv",
            "metric",
            format!("{HEADER}2026-11-21T10:00:00Z,web-1,cpu\n").into_bytes(),
            Refused("2: expected 4 fields, as in the header, found 3 fields"),
        ),
    ]
}

#[test]
fn every_bad_input_gets_its_exact_outcome() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bad");
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    let cases = cases();
    assert!(cases.len() >= 25);
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (index, (name, format, bytes, expect)) in cases.iter().enumerate() {
        // Inputs over 1 MiB (the 10 MB line) are written at run time, not committed.
        let committed = bytes.len() <= 1 << 20;
        let path = if committed {
            dir.join(name)
        } else {
            scratch.path().join(name)
        };
        if update || !committed {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, bytes).unwrap();
        }
        assert!(
            fs::read(&path).ok().as_ref() == Some(bytes),
            "fixtures/bad/{name} is stale: see this file's doc comment"
        );
        let store = scratch.path().join(format!("store-{index}"));
        drop(tests::init_test_store(&store));
        let tests::CliRun { code, stdout, stderr } =
            tests::run_cli(&store, &["--json", "ingest", format, &path.display().to_string()]);
        let outcome = match expect {
            Expect::Events(n) => {
                let report: Option<serde_json::Value> = serde_json::from_str(&stdout).ok();
                (
                    code == 0 && report.as_ref().is_some_and(|r| r[0]["events"] == *n),
                    format!("{n} events"),
                )
            }
            Expect::Refused(message) => {
                let expected = format!("error: {}:{message}", path.display());
                (code == 2 && stderr.trim() == expected, expected)
            }
        };
        if !outcome.0 {
            failures.push(format!(
                "{name}: expected {}\n    got exit {code}, stdout {stdout:.200}, stderr {stderr}",
                outcome.1
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
