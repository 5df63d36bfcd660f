//! Test-owned reading of generated files: JSON objects with their key order, CSV records, and the check that both carry the same rows.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// A JSON object as written: its members in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedObject(pub Vec<(String, Value)>);

impl OrderedObject {
    pub fn keys(&self) -> Vec<&str> {
        self.0.iter().map(|(key, _)| key.as_str()).collect()
    }

    pub fn get(&self, key: &str) -> &Value {
        self.0
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value)
            .unwrap_or_else(|| panic!("no member {key:?} in {:?}", self.keys()))
    }

    pub fn str(&self, key: &str) -> &str {
        self.get(key)
            .as_str()
            .unwrap_or_else(|| panic!("member {key:?} is not a string"))
    }

    pub fn u64(&self, key: &str) -> u64 {
        self.get(key)
            .as_u64()
            .unwrap_or_else(|| panic!("member {key:?} is not an unsigned integer"))
    }

    pub fn f64(&self, key: &str) -> f64 {
        self.get(key)
            .as_f64()
            .unwrap_or_else(|| panic!("member {key:?} is not a number"))
    }
}

impl<'de> Deserialize<'de> for OrderedObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedObject, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, Value>()? {
                    members.push(member);
                }
                Ok(OrderedObject(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// Every line of a JSON Lines file, each ended by `\n`, as an object.
pub fn jsonl(bytes: &[u8]) -> Vec<OrderedObject> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(text.is_empty() || text.ends_with('\n'), "the last line has no newline");
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// The header and records of a CSV file.
pub fn csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = ::csv::Reader::from_reader(bytes);
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let records = reader
        .records()
        .map(|record| record.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, records)
}

/// How a JSON value reads as a CSV cell.
pub fn cell_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The JSONL and CSV files hold the same rows: the CSV header is each JSON
/// line's keys, in order, and each cell is the JSON value's text.
pub fn assert_same_rows(jsonl_bytes: &[u8], csv_bytes: &[u8], fields: &[&str]) {
    let objects = jsonl(jsonl_bytes);
    let (header, records) = csv(csv_bytes);
    assert_eq!(header, fields);
    assert_eq!(objects.len(), records.len());
    assert!(!objects.is_empty());
    for (object, record) in objects.iter().zip(&records) {
        assert_eq!(object.keys(), fields);
        let cells: Vec<String> = object.0.iter().map(|(_, value)| cell_text(value)).collect();
        assert_eq!(&cells, record);
    }
}
