//! How generated rows are spelled: JSON Lines or CSV rows, times, numbered names.

use crate::SynthError;
use serde::Serialize;
use std::io::{BufWriter, Write};

/// The encoding of a generated event file. Both carry the same fields under
/// the same names, in the same order (DESIGN.md, "Input formats").
///
/// ```text
/// Jsonl: {"timestamp":"2026-01-05T00:00:00Z","entity":"host-001","metric":"cpu_pct","value":21.437,"label":"normal"}
/// Csv:   timestamp,entity,metric,value,label
///        2026-01-05T00:00:00Z,host-001,cpu_pct,21.437,normal
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// One JSON object per line, each line ended by `\n`.
    Jsonl,
    /// A header row naming the fields, then one record per line (RFC 4180 quoting, `\n` endings).
    Csv,
}

impl OutputFormat {
    /// The format's name, as on the command line and in file extensions: `jsonl` or `csv`.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Jsonl => "jsonl",
            OutputFormat::Csv => "csv",
        }
    }
}

/// Writes serializable rows in one [`OutputFormat`]. Rows of one file must
/// all have the same fields: the CSV header is taken from the first row.
pub(crate) enum RowWriter<'w> {
    Jsonl(BufWriter<&'w mut dyn Write>),
    Csv(Box<csv::Writer<&'w mut dyn Write>>),
}

impl<'w> RowWriter<'w> {
    pub fn new(format: OutputFormat, out: &'w mut dyn Write) -> Self {
        match format {
            // Buffered because callers may hand us an unbuffered file; the
            // csv writer buffers on its own.
            OutputFormat::Jsonl => RowWriter::Jsonl(BufWriter::with_capacity(64 * 1024, out)),
            OutputFormat::Csv => RowWriter::Csv(Box::new(csv::Writer::from_writer(out))),
        }
    }

    pub fn write<T: Serialize>(&mut self, row: &T) -> Result<(), SynthError> {
        match self {
            RowWriter::Jsonl(out) => {
                serde_json::to_writer(&mut *out, row)?;
                out.write_all(b"\n")?;
            }
            RowWriter::Csv(out) => out.serialize(row)?,
        }
        Ok(())
    }

    /// Flushes everything written; a generator is done only when this returns.
    pub fn finish(self) -> Result<(), SynthError> {
        match self {
            RowWriter::Jsonl(mut out) => out.flush()?,
            RowWriter::Csv(mut out) => out.flush()?,
        }
        Ok(())
    }
}

/// RFC 3339 UTC with `Z` and second precision, like `2026-01-05T07:13:42Z`.
/// `unix_seconds` must be within years 0000–9999, which every config check ensures.
pub(crate) fn time_text(unix_seconds: i64) -> String {
    use chrono::{Datelike, Timelike};
    let instant = chrono::DateTime::from_timestamp(unix_seconds, 0).unwrap_or_default();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        instant.year(),
        instant.month(),
        instant.day(),
        instant.hour(),
        instant.minute(),
        instant.second()
    )
}

/// `prefix` followed by `number`, zero-padded to at least `min_width` digits
/// and to the width of `largest`, so that names sort like their numbers:
/// `numbered("host-", 7, 20, 3)` is `host-007`.
pub(crate) fn numbered(prefix: &str, number: u64, largest: u64, min_width: usize) -> String {
    let width = min_width.max(largest.to_string().len());
    format!("{prefix}{number:0width$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_seconds_with_z() {
        let check = |secs: i64, expect: &str| assert_eq!(time_text(secs), expect);
        check(0, "1970-01-01T00:00:00Z");
        check(1_767_571_200, "2026-01-05T00:00:00Z");
        check(1_767_597_222, "2026-01-05T07:13:42Z");
        check(253_402_300_799, "9999-12-31T23:59:59Z");
        check(-62_167_219_200, "0000-01-01T00:00:00Z");
    }

    #[test]
    fn numbered_names_sort_like_numbers() {
        assert_eq!(numbered("host-", 7, 20, 3), "host-007");
        assert_eq!(numbered("host-", 7, 1000, 3), "host-0007");
        assert_eq!(numbered("ip_", 42, 200, 4), "ip_0042");
    }

    #[derive(Serialize)]
    struct Row<'a> {
        name: &'a str,
        value: f64,
        flag: bool,
    }

    #[test]
    fn rows_in_both_formats() {
        let rows = [
            Row {
                name: "a,b",
                value: 1.5,
                flag: true,
            },
            Row {
                name: "c",
                value: 2.0,
                flag: false,
            },
        ];
        let check = |format: OutputFormat, expect: &str| {
            let mut out = Vec::new();
            let mut writer = RowWriter::new(format, &mut out);
            for row in &rows {
                writer.write(row).unwrap();
            }
            writer.finish().unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expect);
        };
        check(
            OutputFormat::Jsonl,
            "{\"name\":\"a,b\",\"value\":1.5,\"flag\":true}\n{\"name\":\"c\",\"value\":2.0,\"flag\":false}\n",
        );
        check(OutputFormat::Csv, "name,value,flag\n\"a,b\",1.5,true\nc,2.0,false\n");
    }
}
