//! Reading what drift reads besides events (registered identities, stored
//! records), and where stored behaviour events are (`events/behavior.jsonl`;
//! the tally reads them a block at a time).

use crate::error::DriftError;
use rayon::prelude::*;
use std::io::BufRead;

/// The behaviour events file, relative to the store.
pub const BEHAVIOR_EVENTS_FILE: &str = "events/behavior.jsonl";

/// Bytes of stored lines read at a time, events or identities: a block
/// is parsed on every core (events while the next block is read).
pub const EVENT_BLOCK_BYTES: usize = 2 << 20;

/// What the drift needs of a stored identity: its id (and, as of every
/// stored record, a `hash`).
#[derive(Debug, PartialEq, serde::Deserialize)]
struct RegisteredIdentity<'a> {
    #[serde(borrow)]
    identity_id: std::borrow::Cow<'a, str>,
    #[serde(borrow, rename = "hash")]
    _hash: std::borrow::Cow<'a, str>,
}

impl<'a> RegisteredIdentity<'a> {
    /// Reads a stored identity: scanned in one pass when it is a flat
    /// object (as every stored identity without attributes is), otherwise
    /// read by `serde_json`, whose result and errors are the reference; a
    /// test holds the two equal.
    fn from_line(line: &'a [u8]) -> Result<RegisteredIdentity<'a>, serde_json::Error> {
        use model::flat::{Token, scan_object};
        const FIELDS: [&str; 4] = ["hash", "identity_id", "kind", "name"];
        let mut values: [Option<Token<'a>>; 4] = Default::default();
        // `kind` and `name`, like any member but these two, are not read.
        if scan_object(line, &FIELDS, &mut values).is_some()
            && let [Some(Token::Text(hash)), Some(Token::Text(identity_id)), _, _] = values
        {
            return Ok(RegisteredIdentity {
                identity_id,
                _hash: hash,
            });
        }
        serde_json::from_slice(line)
    }
}

/// The ids of the identities on lines `1 ..= lines` of `identities.jsonl`,
/// in order, each once (read on every core).
pub fn read_identity_ids(
    reader: impl BufRead,
    file: &str,
    lines: u64,
) -> Result<std::collections::BTreeSet<String>, DriftError> {
    let mut blocks = model::record::LineBlocks::new(reader, 1, lines + 1, EVENT_BLOCK_BYTES);
    let mut ids = Vec::with_capacity(lines as usize);
    while let Some(block) = blocks
        .next_block()
        .map_err(|error| DriftError::of_lines(file, "identity", error))?
    {
        let parsed: Vec<String> = block
            .lines
            .par_iter()
            .enumerate()
            .map(|(index, line)| {
                RegisteredIdentity::from_line(line)
                    .map(|identity| identity.identity_id.into_owned())
                    .map_err(|e| DriftError::BadRecord {
                        file: file.to_owned(),
                        line: block.first_line + index as u64,
                        what: "identity",
                        reason: e.to_string(),
                    })
            })
            .collect::<Result<_, _>>()?;
        ids.extend(parsed);
    }
    ids.par_sort_unstable();
    ids.dedup();
    Ok(ids.into_iter().collect())
}

/// Reads the records on lines `1 ..= lines` of `file` (JSON objects with a
/// `hash`), each as `T` (read without its `hash`) with its `hash`.
pub fn read_records<T: serde::de::DeserializeOwned>(
    reader: impl BufRead,
    file: &str,
    what: &'static str,
    lines: u64,
) -> Result<Vec<(T, String)>, DriftError> {
    let mut out = Vec::with_capacity(lines as usize);
    model::record::for_each_record(
        reader,
        1,
        lines + 1,
        |_| true,
        |_, record, hash| {
            out.push((record, hash));
            Ok::<_, model::record::ReadLinesError>(())
        },
    )
    .map_err(|error| DriftError::of_lines(file, what, error))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn member() -> impl Strategy<Value = (String, serde_json::Value)> {
        let key = prop_oneof![
            Just("hash".to_owned()),
            Just("identity_id".to_owned()),
            Just("kind".to_owned()),
            Just("name".to_owned()),
            Just("attributes".to_owned()),
        ];
        let value = prop_oneof![
            3 => any::<String>().prop_map(serde_json::Value::from),
            1 => Just(serde_json::Value::Null),
            1 => any::<i32>().prop_map(serde_json::Value::from),
            1 => Just(serde_json::json!({"team": "ops"})),
        ];
        (key, value)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Whatever the line, an identity reads as `serde_json` reads it:
        /// the same id, or an error.
        #[test]
        fn identities_read_as_serde_json_reads(
            members in proptest::collection::vec(member(), 0..6),
            flip in proptest::option::of((any::<prop::sample::Index>(), any::<u8>())),
        ) {
            let body: Vec<String> = members
                .iter()
                .map(|(key, value)| format!("{}:{value}", serde_json::Value::from(key.as_str())))
                .collect();
            let mut line = format!("{{{}}}", body.join(",")).into_bytes();
            if let Some((at, byte)) = flip {
                let at = at.index(line.len());
                line[at] = byte;
            }
            let reference = serde_json::from_slice::<RegisteredIdentity<'_>>(&line);
            match RegisteredIdentity::from_line(&line) {
                Ok(identity) => prop_assert_eq!(Some(identity), reference.ok()),
                Err(_) => prop_assert!(reference.is_err()),
            }
        }
    }

    #[test]
    fn stored_identities_are_read_with_or_without_attributes() {
        let plain = br#"{"hash":"ab","identity_id":"00000000-0000-4000-8000-000000000001","name":"a"}"#;
        let nested = br#"{"attributes":{"team":"ops"},"hash":"ab","identity_id":"i-2","kind":"user","name":"b"}"#;
        assert_eq!(
            RegisteredIdentity::from_line(plain).unwrap().identity_id,
            "00000000-0000-4000-8000-000000000001"
        );
        assert_eq!(RegisteredIdentity::from_line(nested).unwrap().identity_id, "i-2");
        assert!(RegisteredIdentity::from_line(br#"{"identity_id":"i"}"#).is_err());
    }
}
