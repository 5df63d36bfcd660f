//! The fast path and the reference path give the same result for every line:
//! lines are generated from pools of good and bad field values, in random
//! key order and spacing, with stray and repeated keys, and parsed both ways.

use crate::fast::{self, FastContext};
use crate::{Format, ParseOptions, parse_jsonl_block, parse_jsonl_line};
use model::record::RecordBuilder;
use proptest::prelude::*;
use std::collections::HashSet;

const IDENTITY: &str = "67e55044-10b1-426f-9247-bb680e5fe0c8";

/// Candidate JSON texts of a field: those the fast path should take, and others.
type Pool = (Vec<&'static str>, Vec<&'static str>);

fn times() -> Pool {
    (
        vec![
            r#""2026-11-21T10:00:00Z""#,
            r#""2026-11-21T10:00:00.123456Z""#,
            r#""2024-02-29T23:59:59.9Z""#,
        ],
        vec![
            r#""2026-11-21T12:00:00+02:00""#,
            r#""2026-11-21T10:00:00""#,
            r#""2023-02-29T00:00:00Z""#,
            r#""2026-11-21T10:00:60Z""#,
            r#""2026-11-21t10:00:00z""#,
            r#""10000-01-01T00:00:00Z""#,
            r#""""#,
            "null",
            "1700000000",
        ],
    )
}

fn texts() -> Pool {
    (
        vec![
            r#""web-1""#,
            r#""caf\u00e9 \"quoted\" \\ tab\t""#,
            r#""émoji 😀 and \ud83d\ude00""#,
            r#""nul \u0000 byte""#,
        ],
        vec![r#""""#, "null", "42", "true", r#"["a"]"#],
    )
}

fn numbers() -> Pool {
    (
        vec!["0.5", "183.0", "-0", "5", "9007199254740991", "2.5e-320"],
        vec![
            "-0.0",
            "1e16",
            "1e21",
            "1e400",
            "18446744073709551616",
            "9007199254740992",
            "-5",
            r#""0.5""#,
            r#""""#,
            "null",
            "true",
        ],
    )
}

fn flags() -> Pool {
    (vec!["true", "false"], vec![r#""true""#, "null", "1"])
}

fn uuids() -> Pool {
    (
        vec![
            r#""67e55044-10b1-426f-9247-bb680e5fe0c8""#,
            r#""67E55044-10B1-426F-9247-BB680E5FE0C8""#,
            r#""67e5504410b1426f9247bb680e5fe0c8""#,
            r#""urn:uuid:67e55044-10b1-426f-9247-bb680e5fe0c8""#,
        ],
        vec![r#""00000000-0000-4000-8000-000000000001""#, r#""user-42""#, "null"],
    )
}

/// Candidate JSON texts for each field of `format`.
fn field_pools(format: Format) -> Vec<(&'static str, Pool)> {
    let codes = || {
        (
            vec!["200", "404", "65535"],
            vec!["65536", "-1", "404.0", r#""404""#, "null"],
        )
    };
    match format {
        Format::Metric => vec![
            ("timestamp", times()),
            ("entity", texts()),
            ("metric", texts()),
            ("value", numbers()),
            ("label", texts()),
        ],
        Format::Auth => vec![
            ("timestamp", times()),
            ("user_id", texts()),
            ("ip_address", texts()),
            ("endpoint", texts()),
            ("status_code", codes()),
            ("location", texts()),
            ("device_fingerprint", texts()),
            ("bytes_transferred", numbers()),
            ("is_attack", flags()),
            ("attack_type", texts()),
        ],
        Format::Proxy => vec![
            ("time", times()),
            ("clientip", texts()),
            (
                "action",
                (
                    vec![r#""ALLOW""#, r#""DENY""#],
                    vec![r#""allow""#, r#""BLOCK""#, "null"],
                ),
            ),
            ("url", texts()),
            ("user", texts()),
            ("method", texts()),
            ("responsecode", codes()),
            ("requestsize", numbers()),
            ("responsesize", numbers()),
            ("useragent", texts()),
            ("category", texts()),
            ("label", texts()),
        ],
        Format::Behavior => vec![
            ("event_id", uuids()),
            ("identity_id", uuids()),
            ("timestamp", times()),
            ("event_type", texts()),
            ("host", texts()),
            ("privilege", texts()),
        ],
        Format::Identity => vec![
            ("identity_id", uuids()),
            ("name", texts()),
            ("kind", texts()),
            (
                "attributes",
                (vec![r#"{"team": "a"}"#], vec![r#"{"b": 1, "a": [1e16]}"#, "null", "3"]),
            ),
        ],
    }
}

/// A line of `format`: each field absent, or one of its candidates (mostly
/// good ones, so that many lines take the fast path), in a shuffled order,
/// with random spacing, sometimes a stray or repeated key.
fn line(format: Format) -> impl Strategy<Value = String> {
    let pools: Vec<(&str, Vec<&str>)> = field_pools(format)
        .into_iter()
        .map(|(name, (good, bad))| (name, good.into_iter().chain(bad).collect()))
        .collect();
    let choices: Vec<_> = field_pools(format)
        .into_iter()
        .map(|(_, (good, bad))| {
            let (n_good, n_all) = (good.len(), good.len() + bad.len());
            proptest::option::weighted(0.9, prop_oneof![12 => 0..n_good, 1 => n_good..n_all])
        })
        .collect();
    (choices, any::<u64>(), 0..6u8, any::<bool>()).prop_map(move |(picked, order_seed, oddity, spaced)| {
        let mut members: Vec<String> = pools
            .iter()
            .zip(&picked)
            .filter_map(|((name, pool), pick)| pick.map(|i| format!("\"{name}\":{}", pool[i])))
            .collect();
        match oddity {
            0 if order_seed % 4 == 0 => members.push(r#""stray":1"#.to_owned()),
            1 if order_seed % 4 == 1 && !members.is_empty() => members.push(members[0].clone()),
            _ => {}
        }
        // A deterministic shuffle from the drawn seed.
        let mut state = order_seed | 1;
        for i in (1..members.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            members.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let separator = if spaced { ", " } else { "," };
        let body = members.join(separator);
        if spaced {
            format!(" {{ {body} }} ")
        } else {
            format!("{{{body}}}")
        }
    })
}

fn format_strategy() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::Metric),
        Just(Format::Auth),
        Just(Format::Proxy),
        Just(Format::Behavior),
        Just(Format::Identity),
    ]
}

fn known_identities() -> HashSet<String> {
    HashSet::from([IDENTITY.to_owned()])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// A line the fast path accepts gets exactly the reference path's record.
    #[test]
    fn fast_path_accepts_only_what_the_reference_gives_the_same(
        (format, text) in format_strategy().prop_flat_map(|f| (Just(f), line(f)))
    ) {
        let known = known_identities();
        let mut out = b"kept".to_vec();
        let fast = fast::parse(format, text.as_bytes(), &FastContext { identities: Some(&known) }, &mut RecordBuilder::new(), &mut out);
        let reference = parse_jsonl_line(format, 1, text.as_bytes(), &ParseOptions::default()).expect("not blank");
        match fast {
            Some(hash) => {
                let event = reference.map_err(|e| TestCaseError::fail(format!("fast accepted, reference refused: {e}: {text}")))?;
                prop_assert_eq!(std::str::from_utf8(&out[4..]).unwrap(), event.sealed.line.as_str(), "{}", text);
                prop_assert_eq!(hash, event.sealed.hash);
                prop_assert!(crate::check_registered_identity(format, Some(&known), 1, &event.record).is_ok());
            }
            None => prop_assert_eq!(&out, b"kept", "a declining fast path leaves the output alone"),
        }
    }

    /// A block gives, line for line, what the line-at-a-time parser gives.
    #[test]
    fn blocks_equal_lines_parsed_one_by_one(
        (format, lines) in format_strategy().prop_flat_map(|f| (Just(f), proptest::collection::vec(
            prop_oneof![4 => line(f), 1 => Just(String::new()), 1 => Just("  \r".to_owned())], 0..12))),
        last_line_ended in any::<bool>(),
    ) {
        let known = known_identities();
        let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        if !last_line_ended {
            // The input's last line need not end in a newline.
            text.pop();
        }
        let options = ParseOptions { assume_utc: true };
        let block = parse_jsonl_block(format, 7, text.as_bytes(), &options, Some(&known));
        let mut expected = crate::ParsedBlock::default();
        for (i, l) in lines.iter().enumerate() {
            let n = 7 + i as u64;
            let Some(result) = parse_jsonl_line(format, n, l.as_bytes(), &options) else { continue };
            let checked = result.and_then(|event| {
                crate::check_registered_identity(format, Some(&known), n, &event.record)?;
                Ok(event)
            });
            match checked {
                Ok(event) => {
                    expected.records.extend_from_slice(event.sealed.line.as_bytes());
                    expected.records.push(b'\n');
                    expected.hashes.push(event.sealed.hash);
                }
                Err(error) => expected.rejected.push(error),
            }
        }
        prop_assert_eq!(block, expected);
    }
}

/// The fast path takes the lines of the usual shape: it is what makes ingest fast.
#[test]
fn fast_path_takes_plain_lines() {
    let known = known_identities();
    let context = FastContext {
        identities: Some(&known),
    };
    let plain = [
        (
            Format::Metric,
            r#"{"timestamp":"2026-01-05T00:00:00Z","entity":"host-001","metric":"cpu_pct","value":14.69,"label":"normal"}"#,
        ),
        (
            Format::Metric,
            r#"{"timestamp": "2026-01-05T00:00:00.250Z", "entity": "h", "metric": "m", "value": 3}"#,
        ),
        (
            Format::Auth,
            r#"{"timestamp":"2026-01-05T08:00:00Z","user_id":"u1","ip_address":"10.0.0.1","endpoint":"/login","status_code":200,"location":"US","device_fingerprint":"d","bytes_transferred":512,"is_attack":false,"attack_type":null}"#,
        ),
        (
            Format::Proxy,
            r#"{"time":"2026-02-14T00:00:01Z","clientip":"10.0.0.2","action":"ALLOW","url":"http://a/","user":"bob","method":"GET","responsecode":200,"requestsize":10,"responsesize":20,"useragent":"ua","category":"news","label":"benign"}"#,
        ),
        (
            Format::Behavior,
            r#"{"event_id":"00000000-0000-4000-8000-000000000001","identity_id":"67e55044-10b1-426f-9247-bb680e5fe0c8","timestamp":"2026-01-05T08:00:00Z","event_type":"login","host":"h1","privilege":"user"}"#,
        ),
    ];
    for (format, line) in plain {
        let mut out = Vec::new();
        assert!(
            fast::parse(format, line.as_bytes(), &context, &mut RecordBuilder::new(), &mut out).is_some(),
            "{line}"
        );
    }
}

#[test]
fn blocks_are_cut_at_line_ends_and_numbered() {
    let text = b"aaaa\nbb\n\ncccccccc\ndd";
    let (blocks, lines) = crate::split_jsonl_blocks(text, 3, 4);
    let got: Vec<(u64, &[u8])> = blocks.iter().map(|b| (b.first_line, &text[b.range.clone()])).collect();
    assert_eq!(
        got,
        vec![
            (3, &b"aaaa\n"[..]),
            (4, &b"bb\n\n"[..]),
            (6, &b"cccccccc\n"[..]),
            (7, &b"dd"[..])
        ]
    );
    assert_eq!(lines, 4);
    assert_eq!(crate::split_jsonl_blocks(b"", 1, 4), (vec![], 0));
}
