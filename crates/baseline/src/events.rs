//! Reading stored metric events (`events/metric.jsonl`) for training and
//! scoring: a range of lines, parsed on every core a block at a time, handed
//! on in file order.

use crate::error::BaselineError;
use model::event::StoredMetricEvent;
use rayon::prelude::*;
use std::io::BufRead;

/// Bytes read and parsed at a time.
const BLOCK_BYTES: usize = 4 << 20;
/// Lines parsed by one task.
const LINES_PER_TASK: usize = 4096;

/// The stored metric events an action reads: lines `first_line ..
/// end_line` (1-based, end exclusive) of the events file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRange {
    /// The file, relative to the store, for error messages.
    pub file: String,
    /// The first line read.
    pub first_line: u64,
    /// The line after the last one read.
    pub end_line: u64,
}

/// A half-open time window `[from, to)` over stored timestamps
/// (`YYYY-MM-DDTHH:MM:SS.fffZ`, which sort as text in time order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeWindow {
    /// The earliest time included.
    pub from: Option<String>,
    /// The first time excluded.
    pub to: Option<String>,
}

impl TimeWindow {
    /// A window bound as stored timestamps write it, from RFC 3339 with any
    /// offset (`2026-01-12T00:00:00+01:00`) or a bare date (`2026-01-12`,
    /// midnight UTC).
    pub fn bound(text: &str) -> Result<String, String> {
        model::Timestamp::parse_bound(text).map(|t| t.to_string()).map_err(|_| {
            format!("expected an RFC 3339 time (2026-01-12T09:00:00Z) or a date (2026-01-12), found {text:?}")
        })
    }

    /// Whether `timestamp` lies in the window.
    pub fn contains(&self, timestamp: &str) -> bool {
        self.from.as_deref().is_none_or(|from| timestamp >= from) && self.to.as_deref().is_none_or(|to| timestamp < to)
    }
}

/// Reads `range` from `reader` (positioned at line 1) and calls `visit`
/// with each block of parsed events and the line number of its first one,
/// in file order. A line that is not a stored metric event is an error
/// naming its line. The next block is read while one is parsed and
/// visited.
pub fn for_each_block<E>(
    reader: impl BufRead + Send,
    range: &LineRange,
    mut visit: impl FnMut(u64, &[StoredMetricEvent<'_>]) -> Result<(), E> + Send,
) -> Result<(), E>
where
    E: From<BaselineError> + Send,
{
    let mut blocks = model::record::LineBlocks::new(reader, range.first_line, range.end_line, BLOCK_BYTES);
    let read_error = |error| BaselineError::of_lines(&range.file, error);
    let mut current = blocks.next_owned().map_err(read_error)?;
    while let Some(block) = current {
        let (visited, next) = rayon::join(
            || -> Result<(), E> {
                let events = parse_block(&block.lines(), block.first_line, &range.file)?;
                visit(block.first_line, &events)
            },
            || blocks.next_owned(),
        );
        visited?;
        blocks.recycle(block);
        current = next.map_err(read_error)?;
    }
    Ok(())
}

/// A block's lines as events, parsed on every core.
fn parse_block<'a>(
    lines: &[&'a [u8]],
    first_line: u64,
    file: &str,
) -> Result<Vec<StoredMetricEvent<'a>>, BaselineError> {
    let parsed: Vec<Vec<StoredMetricEvent<'a>>> = lines
        .par_chunks(LINES_PER_TASK)
        .enumerate()
        .map(|(task, chunk)| {
            chunk
                .iter()
                .enumerate()
                .map(|(i, line)| {
                    StoredMetricEvent::from_line(line).map_err(|e| BaselineError::BadEvent {
                        file: file.to_owned(),
                        line: first_line + (task * LINES_PER_TASK + i) as u64,
                        reason: e.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<_, _>>()?;
    Ok(parsed.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(i: u64) -> String {
        format!(
            r#"{{"entity":"e","hash":"h","id":"id-{i}","metric":"m","timestamp":"2026-01-05T00:00:00.000Z","value":{i}}}"#
        )
    }

    fn read(text: &str, first_line: u64, end_line: u64) -> Result<Vec<(u64, f64)>, BaselineError> {
        let range = LineRange {
            file: "events/metric.jsonl".into(),
            first_line,
            end_line,
        };
        let mut seen = Vec::new();
        for_each_block(text.as_bytes(), &range, |first, events| {
            seen.extend(events.iter().enumerate().map(|(i, e)| (first + i as u64, e.value)));
            Ok::<_, BaselineError>(())
        })?;
        Ok(seen)
    }

    #[test]
    fn reads_exactly_the_range_with_line_numbers() {
        let text: String = (1..=10_000).map(|i| line(i) + "\n").collect();
        let all = read(&text, 1, 10_001).unwrap();
        assert_eq!(all.len(), 10_000);
        assert!(all.iter().all(|(line, value)| *line as f64 == *value));
        assert_eq!(
            read(&text, 5000, 5003).unwrap(),
            vec![(5000, 5000.0), (5001, 5001.0), (5002, 5002.0)]
        );
        assert_eq!(read(&text, 3, 3).unwrap(), vec![]);
    }

    #[test]
    fn a_bad_or_missing_line_is_named() {
        let text = format!("{}\n{}\nnot json\n", line(1), line(2));
        match read(&text, 1, 4) {
            Err(BaselineError::BadEvent { line, .. }) => assert_eq!(line, 3),
            other => panic!("{other:?}"),
        }
        match read(&text, 1, 6) {
            Err(BaselineError::MissingLines { expected, found, .. }) => assert_eq!((expected, found), (5, 3)),
            other => panic!("{other:?}"),
        }
        let torn = format!("{}\n{}", line(1), line(2));
        assert!(matches!(
            read(&torn, 1, 3),
            Err(BaselineError::MissingLines { found: 1, .. })
        ));
    }

    #[test]
    fn bounds_are_normalized() {
        assert_eq!(TimeWindow::bound("2026-01-12").unwrap(), "2026-01-12T00:00:00.000Z");
        assert_eq!(
            TimeWindow::bound("2026-01-12T09:00:00+01:00").unwrap(),
            "2026-01-12T08:00:00.000Z"
        );
        assert_eq!(
            TimeWindow::bound("2026-01-12T09:00:00.5Z").unwrap(),
            "2026-01-12T09:00:00.500Z"
        );
        assert!(TimeWindow::bound("yesterday").unwrap_err().contains("\"yesterday\""));
    }

    #[test]
    fn windows_are_half_open() {
        let window = TimeWindow {
            from: Some("2026-01-05T00:00:00.000Z".into()),
            to: Some("2026-01-06T00:00:00.000Z".into()),
        };
        assert!(window.contains("2026-01-05T00:00:00.000Z"));
        assert!(window.contains("2026-01-05T23:59:59.999Z"));
        assert!(!window.contains("2026-01-06T00:00:00.000Z"));
        assert!(!window.contains("2026-01-04T23:59:59.999Z"));
        assert!(TimeWindow::default().contains("1970-01-01T00:00:00.000Z"));
    }
}
