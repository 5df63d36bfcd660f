//! The input formats: which kind of event a file holds, and how it is encoded.

use std::fmt;
use std::str::FromStr;

/// The kind of event an input file holds (DESIGN.md, "Input formats").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `timestamp, entity, metric, value`: numeric samples.
    Metric,
    /// Authentication / API requests with optional ground truth.
    Auth,
    /// Web proxy log lines.
    Proxy,
    /// Actions of identities, keyed by UUIDs.
    Behavior,
    /// The identities themselves.
    Identity,
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown input format {found:?}: expected one of metric, auth, proxy, behavior, identity")]
pub struct UnknownFormat {
    /// The name that was given.
    pub found: String,
}

impl Format {
    /// Every format, in a fixed order.
    pub const ALL: [Format; 5] = [
        Format::Metric,
        Format::Auth,
        Format::Proxy,
        Format::Behavior,
        Format::Identity,
    ];

    /// The format's name, as written on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Metric => "metric",
            Format::Auth => "auth",
            Format::Proxy => "proxy",
            Format::Behavior => "behavior",
            Format::Identity => "identity",
        }
    }

    /// Every field (JSONL key, CSV column) of the format, required ones first.
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            Format::Metric => &["timestamp", "entity", "metric", "value", "label"],
            Format::Auth => &[
                "timestamp",
                "user_id",
                "ip_address",
                "endpoint",
                "status_code",
                "location",
                "device_fingerprint",
                "bytes_transferred",
                "is_attack",
                "attack_type",
            ],
            Format::Proxy => &[
                "time",
                "clientip",
                "action",
                "url",
                "user",
                "method",
                "responsecode",
                "requestsize",
                "responsesize",
                "useragent",
                "category",
                "label",
            ],
            Format::Behavior => &[
                "event_id",
                "identity_id",
                "timestamp",
                "event_type",
                "host",
                "privilege",
            ],
            Format::Identity => &["identity_id", "name", "kind", "attributes"],
        }
    }

    /// The fields every event of the format must have.
    pub fn required_fields(self) -> &'static [&'static str] {
        let n_required = match self {
            Format::Metric | Format::Behavior => 4,
            Format::Auth => 5,
            Format::Proxy => 4,
            Format::Identity => 2,
        };
        &self.fields()[..n_required]
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .ok_or_else(|| UnknownFormat { found: name.to_owned() })
    }
}

/// How an input file is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputFormat {
    /// One JSON object per line.
    Jsonl,
    /// RFC 4180 CSV whose header row names the same fields as the JSONL keys.
    Csv,
}

impl InputFormat {
    /// The encoding a file name announces: `.jsonl`, `.ndjson` or `.json` is
    /// [`InputFormat::Jsonl`], `.csv` is [`InputFormat::Csv`] (case-insensitive).
    /// A trailing `.gz` is ignored: decompressing is the caller's job.
    pub fn from_file_name(name: &str) -> Option<Self> {
        let lower = name.to_ascii_lowercase();
        let lower = lower.strip_suffix(".gz").unwrap_or(&lower);
        let (_, extension) = lower.rsplit_once('.')?;
        match extension {
            "jsonl" | "ndjson" | "json" => Some(InputFormat::Jsonl),
            "csv" => Some(InputFormat::Csv),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.to_string().parse::<Format>(), Ok(format));
            assert!(format.required_fields().iter().all(|f| format.fields().contains(f)));
        }
        assert_eq!(
            "Metric".parse::<Format>(),
            Err(UnknownFormat {
                found: "Metric".to_owned()
            })
        );
    }

    #[test]
    fn input_format_from_file_name() {
        let check =
            |name: &str, expect: Option<InputFormat>| assert_eq!(InputFormat::from_file_name(name), expect, "{name}");
        check("a.jsonl", Some(InputFormat::Jsonl));
        check("a.ndjson", Some(InputFormat::Jsonl));
        check("dir.d/a.JSON", Some(InputFormat::Jsonl));
        check("a.csv", Some(InputFormat::Csv));
        check("a.csv.gz", Some(InputFormat::Csv));
        check("a.jsonl.gz", Some(InputFormat::Jsonl));
        check("a.gz", None);
        check("a.txt", None);
        check("csv", None);
    }
}
