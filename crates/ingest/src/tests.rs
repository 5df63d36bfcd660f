//! End-to-end cases of [`crate::parse_lines`]: one short input each, with the
//! exact record or error expected.

use crate::{Format, InputFormat, LineError, ParseOptions, parse_lines};
use serde_json::{Value, json};

const UTC: ParseOptions = ParseOptions { assume_utc: false };

fn parse(
    format: Format,
    input: InputFormat,
    bytes: &[u8],
    options: &ParseOptions,
) -> Vec<Result<(u64, Value), LineError>> {
    parse_lines(format, input, bytes, options)
        .map(|result| result.map(|event| (event.line, event.record)))
        .collect()
}

fn err(line: u64, field: Option<&str>, expected: &str, found: &str) -> Result<(u64, Value), LineError> {
    Err(LineError {
        line,
        field: field.map(str::to_owned),
        expected: expected.to_owned(),
        found: found.to_owned(),
    })
}

/// Checks a JSONL input against the expected results, ignoring `id`.
fn check(format: Format, input: &str, expect: Vec<Result<(u64, Value), LineError>>) {
    check_bytes(format, InputFormat::Jsonl, input.as_bytes(), &UTC, expect);
}

fn check_bytes(
    format: Format,
    input: InputFormat,
    bytes: &[u8],
    options: &ParseOptions,
    expect: Vec<Result<(u64, Value), LineError>>,
) {
    let actual: Vec<_> = parse(format, input, bytes, options)
        .into_iter()
        .map(|result| {
            result.map(|(line, mut record)| {
                if let Some(members) = record.as_object_mut() {
                    members.remove("id");
                }
                (line, record)
            })
        })
        .collect();
    assert_eq!(actual, expect, "input: {:?}", String::from_utf8_lossy(bytes));
}

fn metric_line(value: &str) -> String {
    format!(r#"{{"timestamp":"2026-11-21T10:00:00Z","entity":"web-1","metric":"cpu","value":{value}}}"#)
}

fn metric(value: f64) -> Value {
    json!({"timestamp": "2026-11-21T10:00:00.000Z", "entity": "web-1", "metric": "cpu", "value": value})
}

const RANGE: &str = "a finite number within the range of a 64-bit float";
const COMPLETE: &str = "a complete JSON object";
const REQUIRED: &str = "a value (the field is required)";

#[test]
fn jsonl_metric_lines() {
    check(Format::Metric, &metric_line("0.5"), vec![Ok((1, metric(0.5)))]);
    // CRLF endings, and the line numbers of later lines.
    let crlf = format!("{}\r\n{}\r\n", metric_line("1"), metric_line("2"));
    check(Format::Metric, &crlf, vec![Ok((1, metric(1.0))), Ok((2, metric(2.0)))]);
    // A BOM at the start of the first line is stripped.
    check(
        Format::Metric,
        &format!("\u{feff}{}", metric_line("1")),
        vec![Ok((1, metric(1.0)))],
    );
    // A BOM anywhere else is content, hence invalid JSON.
    check(
        Format::Metric,
        &format!("{}\n\u{feff}{}", metric_line("1"), metric_line("2")),
        vec![
            Ok((1, metric(1.0))),
            err(2, None, COMPLETE, "invalid JSON: expected value at column 1"),
        ],
    );
    // Blank lines are skipped anywhere but still counted.
    let blanks = format!("\n{}\n \t\n\r\n{}\n\n\n", metric_line("1"), metric_line("2"));
    check(
        Format::Metric,
        &blanks,
        vec![Ok((2, metric(1.0))), Ok((5, metric(2.0)))],
    );
    check(Format::Metric, "", vec![]);
}

#[test]
fn jsonl_refusals() {
    check(
        Format::Metric,
        r#"{"timestamp":"2026-11-21T10:00:00Z","entity":"web-1""#,
        vec![err(
            1,
            None,
            COMPLETE,
            "invalid JSON: EOF while parsing an object at column 52",
        )],
    );
    check(
        Format::Metric,
        &metric_line(r#""abc""#),
        vec![err(1, Some("value"), RANGE, "\"abc\"")],
    );
    check(
        Format::Metric,
        &metric_line("NaN"),
        vec![err(1, None, COMPLETE, "invalid JSON: expected value at column 77")],
    );
    check(
        Format::Metric,
        &metric_line("Infinity"),
        vec![err(1, None, COMPLETE, "invalid JSON: expected value at column 77")],
    );
    check(
        Format::Metric,
        &metric_line("1e400"),
        vec![err(1, Some("value"), RANGE, "a number out of range at column 81")],
    );
    check(
        Format::Metric,
        r#"{"timestamp":"2026-11-21T10:00:00Z","entity":"web-1","metric":"cpu"}"#,
        vec![err(1, Some("value"), REQUIRED, "nothing")],
    );
    check(
        Format::Metric,
        r#"{"timestamp":"2026-11-21T10:00:00Z","entity":"web-1","metric":"cpu","value":1,"value":2}"#,
        vec![err(
            1,
            Some("value"),
            "each key at most once in an object",
            "a repeated key",
        )],
    );
    check(
        Format::Metric,
        r#"{"timestamp":"2026-11-21T10:00:00Z","entity":"web-1","metric":"cpu","value":1,"host":"a"}"#,
        vec![err(
            1,
            Some("host"),
            "only fields of the metric format (timestamp, entity, metric, value, label)",
            "an unknown field",
        )],
    );
    check(
        Format::Metric,
        "[1, 2]",
        vec![err(1, None, "a JSON object", "an array")],
    );
    // Integers beyond 2^53 - 1 have no exact canonical form.
    check(
        Format::Metric,
        &metric_line("1e16"),
        vec![err(
            1,
            Some("value"),
            "a value with an exact canonical JSON form",
            "number 1e+16 at /value would be written as an integer beyond 2^53-1, which other JSON implementations refuse or round; store it as a decimal string",
        )],
    );
}

#[test]
fn jsonl_bytes_refused() {
    let utc = ParseOptions::default();
    let mut invalid = metric_line("1").into_bytes();
    invalid[40] = 0xff;
    let input = [metric_line("1").as_bytes(), b"\n", &invalid, b"\n"].concat();
    check_bytes(
        Format::Metric,
        InputFormat::Jsonl,
        &input,
        &utc,
        vec![Ok((1, metric(1.0))), err(2, None, "UTF-8 text", "invalid UTF-8")],
    );
    let nul = metric_line("1").replace("web-1", "web\0");
    check(
        Format::Metric,
        &nul,
        vec![err(1, None, "text without NUL bytes", "a NUL byte at column 50")],
    );
}

#[test]
fn timestamps_in_lines() {
    let line = |ts: &str| format!(r#"{{"timestamp":"{ts}","entity":"e","metric":"m","value":1}}"#);
    let at = |ts: &str| json!({"timestamp": ts, "entity": "e", "metric": "m", "value": 1.0});
    let no_zone = "a time with a zone (Z or ±HH:MM); times without one are read as UTC only with assume-utc";
    check(
        Format::Metric,
        &line("2026-11-21T10:00:00"),
        vec![err(1, Some("timestamp"), no_zone, "\"2026-11-21T10:00:00\"")],
    );
    check_bytes(
        Format::Metric,
        InputFormat::Jsonl,
        line("2026-11-21T10:00:00").as_bytes(),
        &ParseOptions { assume_utc: true },
        vec![Ok((1, at("2026-11-21T10:00:00.000Z")))],
    );
    check(
        Format::Metric,
        &line("2026-11-21T23:30:00-05:00"),
        vec![Ok((1, at("2026-11-22T04:30:00.000Z")))],
    );
    check(
        Format::Metric,
        &line("10000-01-01T00:00:00Z"),
        vec![err(
            1,
            Some("timestamp"),
            "a year from 0000 to 9999",
            "\"10000-01-01T00:00:00Z\"",
        )],
    );
}

#[test]
fn auth_and_proxy() {
    let auth = r#"{"timestamp":"2026-11-21T10:00:00Z","user_id":"u1","ip_address":"10.0.0.1","endpoint":"/login","status_code":401,"bytes_transferred":512,"is_attack":true,"attack_type":"brute_force","location":null}"#;
    check(
        Format::Auth,
        auth,
        vec![Ok((
            1,
            json!({"timestamp": "2026-11-21T10:00:00.000Z", "user_id": "u1", "ip_address": "10.0.0.1",
                   "endpoint": "/login", "status_code": 401, "bytes_transferred": 512, "is_attack": true,
                   "attack_type": "brute_force"}),
        ))],
    );
    check(
        Format::Auth,
        &auth.replace("512", "-512"),
        vec![err(
            1,
            Some("bytes_transferred"),
            "an integer from 0 to 9007199254740991",
            "-512",
        )],
    );
    let proxy = r#"{"time":"2026-11-21T10:00:00Z","clientip":"10.0.0.2","action":"DENY","url":"http://a.example/","responsecode":403}"#;
    check(
        Format::Proxy,
        proxy,
        vec![Ok((
            1,
            json!({"time": "2026-11-21T10:00:00.000Z", "clientip": "10.0.0.2", "action": "DENY",
                   "url": "http://a.example/", "responsecode": 403}),
        ))],
    );
    check(
        Format::Proxy,
        &proxy.replace("DENY", "deny"),
        vec![err(1, Some("action"), "ALLOW or DENY", "\"deny\"")],
    );
    check(
        Format::Proxy,
        &proxy.replace("DENY", "BLOCK"),
        vec![err(1, Some("action"), "ALLOW or DENY", "\"BLOCK\"")],
    );
}

const ID_A: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";
const ID_B: &str = "a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7d8";
const UUID: &str = "a UUID like 67e55044-10b1-426f-9247-bb680e5fe0c8";

#[test]
fn behavior_and_identity() {
    let behavior = format!(
        r#"{{"event_id":"{}","identity_id":"{ID_B}","timestamp":"2026-11-21T10:00:00Z","event_type":"login","host":"h1"}}"#,
        ID_A.to_uppercase()
    );
    let parsed = parse(Format::Behavior, InputFormat::Jsonl, behavior.as_bytes(), &UTC);
    assert_eq!(
        parsed,
        vec![Ok((
            1,
            json!({"event_id": ID_A, "identity_id": ID_B, "timestamp": "2026-11-21T10:00:00.000Z",
                   "event_type": "login", "host": "h1"})
        ))]
    );
    check(
        Format::Behavior,
        &behavior.replace(ID_B, "alice"),
        vec![err(1, Some("identity_id"), UUID, "\"alice\"")],
    );
    check(
        Format::Behavior,
        &behavior.replace(&ID_A.to_uppercase(), "42"),
        vec![err(1, Some("event_id"), UUID, "\"42\"")],
    );
    let identity = format!(r#"{{"identity_id":"{ID_A}","name":"alice","attributes":{{"team":"ops","level":3}}}}"#);
    let parsed = parse(Format::Identity, InputFormat::Jsonl, identity.as_bytes(), &UTC);
    assert_eq!(
        parsed,
        vec![Ok((
            1,
            json!({"identity_id": ID_A, "name": "alice", "attributes": {"team": "ops", "level": 3}})
        ))]
    );
    check(
        Format::Identity,
        &format!(r#"{{"identity_id":"{ID_A}","kind":"user"}}"#),
        vec![err(1, Some("name"), REQUIRED, "nothing")],
    );
    check(
        Format::Identity,
        &format!(r#"{{"identity_id":"{ID_A}","name":""}}"#),
        vec![err(1, Some("name"), REQUIRED, "an empty string")],
    );
    check(
        Format::Identity,
        &identity.replace(r#""level":3"#, r#""team":"dev""#),
        vec![err(
            1,
            Some("attributes.team"),
            "each key at most once in an object",
            "a repeated key",
        )],
    );
}

fn check_csv(format: Format, input: &str, expect: Vec<Result<(u64, Value), LineError>>) {
    check_bytes(format, InputFormat::Csv, input.as_bytes(), &UTC, expect);
}

#[test]
fn csv_rows() {
    let header = "timestamp,entity,metric,value";
    let row = |value: &str| format!("2026-11-21T10:00:00Z,web-1,cpu,{value}");
    check_csv(
        Format::Metric,
        &format!("{header}\n{}\n", row("0.5")),
        vec![Ok((2, metric(0.5)))],
    );
    check_csv(
        Format::Metric,
        &format!("\u{feff}{header}\r\n{}\r\n\r\n{}", row("1"), row("2")),
        vec![Ok((2, metric(1.0))), Ok((4, metric(2.0)))],
    );
    // A quoted cell spanning lines: the record's line is where it starts.
    check_csv(
        Format::Metric,
        &format!("{header}\n\n2026-11-21T10:00:00Z,\"web\r\n1\",cpu,1\n\n{}\n", row("2")),
        vec![
            Ok((
                3,
                json!({"timestamp": "2026-11-21T10:00:00.000Z", "entity": "web\r\n1", "metric": "cpu", "value": 1.0}),
            )),
            Ok((6, metric(2.0))),
        ],
    );
    // Column order is free; quoted cells may span lines.
    check_csv(
        Format::Metric,
        "value,metric,entity,timestamp\n1,cpu,\"web-1\",2026-11-21T10:00:00Z\n",
        vec![Ok((2, metric(1.0)))],
    );
    check_csv(
        Format::Metric,
        &format!(
            "{header}\n{}\n{}\n{}\n{}\n{}\n",
            row("NaN"),
            row("inf"),
            row("1e400"),
            row("abc"),
            row("")
        ),
        vec![
            err(2, Some("value"), RANGE, "\"NaN\""),
            err(3, Some("value"), RANGE, "\"inf\""),
            err(4, Some("value"), RANGE, "\"1e400\""),
            err(5, Some("value"), RANGE, "\"abc\""),
            err(6, Some("value"), REQUIRED, "an empty string"),
        ],
    );
    check_csv(
        Format::Metric,
        &format!("{header}\n{},extra\nweb-1\n", row("1")),
        vec![
            err(2, None, "4 fields, as in the header", "5 fields"),
            err(3, None, "4 fields, as in the header", "1 fields"),
        ],
    );
    check_csv(
        Format::Metric,
        &format!("{header},host\n{},h\n", row("1")),
        vec![err(
            1,
            Some("host"),
            "only columns of the metric format (timestamp, entity, metric, value, label)",
            "an unknown column",
        )],
    );
    check_csv(
        Format::Metric,
        &format!("{header},value\n"),
        vec![err(1, Some("value"), "each column once", "a repeated column")],
    );
    check_csv(
        Format::Metric,
        "timestamp,entity,metric\n",
        vec![err(
            1,
            Some("value"),
            "a column for this required field",
            "no such column",
        )],
    );
    let bytes = [
        format!("{header}\n2026-11-21T10:00:00Z,web").as_bytes(),
        b"\xff\0,cpu,1\n",
    ]
    .concat();
    check_bytes(
        Format::Metric,
        InputFormat::Csv,
        &bytes,
        &UTC,
        vec![err(
            2,
            Some("entity"),
            "text without NUL bytes",
            "a NUL byte at byte 5 of the cell",
        )],
    );
    let bytes = [
        format!("{header}\n2026-11-21T10:00:00Z,web").as_bytes(),
        b"\xff,cpu,1\n",
    ]
    .concat();
    check_bytes(
        Format::Metric,
        InputFormat::Csv,
        &bytes,
        &UTC,
        vec![err(2, Some("entity"), "UTF-8 text", "invalid UTF-8")],
    );
}

#[test]
fn csv_optional_cells() {
    let input = "time,clientip,action,url,user,requestsize,category\n\
                 2026-11-21T10:00:00Z,10.0.0.2,ALLOW,http://a.example/,,100,\n\
                 2026-11-21T10:00:01Z,10.0.0.2,ALLOW,http://a.example/,bob,-1,news\n";
    check_csv(
        Format::Proxy,
        input,
        vec![
            Ok((
                2,
                json!({"time": "2026-11-21T10:00:00.000Z", "clientip": "10.0.0.2", "action": "ALLOW",
                       "url": "http://a.example/", "requestsize": 100}),
            )),
            err(
                3,
                Some("requestsize"),
                "an integer from 0 to 9007199254740991",
                "\"-1\"",
            ),
        ],
    );
    let identity =
        format!("identity_id,name,attributes\n{ID_A},alice,\"{{\"\"team\"\":\"\"ops\"\"}}\"\n{ID_B},bob,[1]\n");
    check_csv(
        Format::Identity,
        &identity,
        vec![
            Ok((
                2,
                json!({"identity_id": ID_A, "name": "alice", "attributes": {"team": "ops"}}),
            )),
            err(3, Some("attributes"), "a JSON object", "an array"),
        ],
    );
}

fn canonical_lines(format: Format, input: InputFormat, text: &str) -> Vec<String> {
    parse_lines(format, input, text.as_bytes(), &UTC)
        .map(|result| model::canonical::to_canonical_string(&result.unwrap().record).unwrap())
        .collect()
}

#[test]
fn jsonl_and_csv_give_identical_records_every_time() {
    let cases = [
        (
            Format::Metric,
            "{\"timestamp\":\"2026-11-21T12:00:00+02:00\",\"entity\":\"web-1\",\"metric\":\"cpu\",\"value\":0.25}\n\
             {\"timestamp\":\"2026-11-21T10:00:01.5Z\",\"entity\":\"web-2\",\"metric\":\"mem\",\"value\":-3e2}\n",
            "timestamp,entity,metric,value\n\
             2026-11-21T12:00:00+02:00,web-1,cpu,0.25\n\
             2026-11-21T10:00:01.5Z,web-2,mem,-3e2\n",
        ),
        (
            Format::Auth,
            "{\"timestamp\":\"2026-11-21T10:00:00Z\",\"user_id\":\"u1\",\"ip_address\":\"10.0.0.1\",\"endpoint\":\"/login\",\"status_code\":200,\"location\":\"Paris, FR\",\"is_attack\":false,\"bytes_transferred\":0}\n",
            "timestamp,user_id,ip_address,endpoint,status_code,location,device_fingerprint,bytes_transferred,is_attack,attack_type\n\
             2026-11-21T10:00:00Z,u1,10.0.0.1,/login,200,\"Paris, FR\",,0,false,\n",
        ),
        (
            Format::Proxy,
            "{\"time\":\"2026-11-21T10:00:00Z\",\"clientip\":\"10.0.0.2\",\"action\":\"ALLOW\",\"url\":\"http://a.example/?q=1,2\",\"user\":\"bob\",\"responsesize\":4096}\n",
            "time,clientip,action,url,user,responsesize\n2026-11-21T10:00:00Z,10.0.0.2,ALLOW,\"http://a.example/?q=1,2\",bob,4096\n",
        ),
        (
            Format::Behavior,
            "{\"event_id\":\"67E55044-10B1-426F-9247-BB680E5FE0C8\",\"identity_id\":\"a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7d8\",\"timestamp\":\"2026-11-21T10:00:00Z\",\"event_type\":\"sudo\",\"privilege\":\"root\"}\n",
            "event_id,identity_id,timestamp,event_type,host,privilege\n\
             67e55044-10b1-426f-9247-bb680e5fe0c8,a1a2a3a4-b1b2-c1c2-d1d2-d3d4d5d6d7d8,2026-11-21T10:00:00Z,sudo,,root\n",
        ),
        (
            Format::Identity,
            "{\"identity_id\":\"67e55044-10b1-426f-9247-bb680e5fe0c8\",\"name\":\"alice\",\"kind\":\"user\",\"attributes\":{\"b\":[1,2],\"a\":\"x\"}}\n",
            "identity_id,name,kind,attributes\n67e55044-10b1-426f-9247-bb680e5fe0c8,alice,user,\"{\"\"a\"\":\"\"x\"\",\"\"b\"\":[1,2]}\"\n",
        ),
    ];
    for (format, jsonl, csv) in cases {
        let from_jsonl = canonical_lines(format, InputFormat::Jsonl, jsonl);
        assert!(!from_jsonl.is_empty());
        assert_eq!(from_jsonl, canonical_lines(format, InputFormat::Csv, csv), "{format}");
        assert_eq!(
            from_jsonl,
            canonical_lines(format, InputFormat::Jsonl, jsonl),
            "{format}"
        );
    }
}

#[test]
fn ids_are_content_addressed() {
    let line = metric_line("0.5");
    let records = canonical_lines(Format::Metric, InputFormat::Jsonl, &format!("{line}\n{line}\n"));
    let first: Value = serde_json::from_str(&records[0]).unwrap();
    let mut without_id = first.clone();
    without_id.as_object_mut().unwrap().remove("id");
    let bytes = model::canonical::to_canonical_string(&without_id).unwrap();
    let expected = model::id::artifact_id("metric-event", bytes.as_bytes()).to_string();
    assert_eq!(first["id"], expected.as_str());
    assert_eq!(records[0], records[1]);
    let other = canonical_lines(Format::Metric, InputFormat::Jsonl, &metric_line("0.6"));
    assert_ne!(serde_json::from_str::<Value>(&other[0]).unwrap()["id"], first["id"]);
    // The record decodes as the model type (no unknown or missing members).
    let event: model::event::MetricEvent = serde_json::from_str(&records[0]).unwrap();
    assert_eq!(event.id, expected);
}

/// An endless input: parsing must be lazy for `take` to return.
struct Endless {
    line: Vec<u8>,
    at: usize,
}

impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.line.len() - self.at);
        buf[..n].copy_from_slice(&self.line[self.at..self.at + n]);
        self.at = (self.at + n) % self.line.len();
        Ok(n)
    }
}

#[test]
fn parsing_streams() {
    let jsonl = Endless {
        line: format!("{}\n", metric_line("1")).into_bytes(),
        at: 0,
    };
    let lines: Vec<u64> = parse_lines(Format::Metric, InputFormat::Jsonl, std::io::BufReader::new(jsonl), &UTC)
        .take(3)
        .map(|r| r.unwrap().line)
        .collect();
    assert_eq!(lines, [1, 2, 3]);
    let csv = Endless {
        line: b"entity,metric,timestamp,value\r\n".to_vec(),
        at: 0,
    };
    let mut rows = parse_lines(Format::Metric, InputFormat::Csv, std::io::BufReader::new(csv), &UTC);
    // The header is a row of the CSV; every following row has a bad time.
    assert_eq!(rows.next().unwrap().unwrap_err().line, 2);
    assert_eq!(rows.next().unwrap().unwrap_err().line, 3);
}
