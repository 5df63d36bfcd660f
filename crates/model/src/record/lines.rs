//! Reading a record file's lines: a block at a time ([`LineBlocks`]),
//! complete lines only, counted from 1, so that a caller can parse each
//! block on every core and still name the line of any error; or record by
//! record, each with its `hash` taken out ([`for_each_record`]).

use std::io::{BufRead, Read};

/// Lines `first_line .. end_line` (1-based, end exclusive) of a reader
/// positioned at line 1, handed out in blocks of about `block_bytes`.
#[derive(Debug)]
pub struct LineBlocks<R> {
    reader: R,
    next_line: u64,
    first_line: u64,
    end_line: u64,
    block_bytes: usize,
    /// The block: bytes read straight from the reader, its lines starting
    /// at `start`. Its bytes past the block's are left from earlier reads:
    /// they are set once, not cleared for every block.
    buffer: Vec<u8>,
    start: usize,
    /// Where each line of the block ends (at its newline).
    ends: Vec<usize>,
    /// What was read after the block's last line: the start of the next.
    carry: Vec<u8>,
    /// The buffers of an owned block handed back, for the next one.
    spare: Option<(Vec<u8>, Vec<usize>)>,
}

/// Consecutive lines of a file, owning their bytes, so that the next
/// block can be read while this one is parsed.
#[derive(Debug)]
pub struct OwnedLineBlock {
    /// The number of the first.
    pub first_line: u64,
    bytes: Vec<u8>,
    start: usize,
    ends: Vec<usize>,
}

impl OwnedLineBlock {
    /// The lines, without their newlines.
    pub fn lines(&self) -> Vec<&[u8]> {
        lines_of(&self.bytes, self.start, &self.ends)
    }
}

fn lines_of<'a>(bytes: &'a [u8], mut start: usize, ends: &[usize]) -> Vec<&'a [u8]> {
    ends.iter()
        .map(|end| {
            let line = &bytes[start..*end];
            start = end + 1;
            line
        })
        .collect()
}

/// Consecutive lines of a file.
#[derive(Debug)]
pub struct LineBlock<'a> {
    /// The number of the first.
    pub first_line: u64,
    /// The lines, without their newlines.
    pub lines: Vec<&'a [u8]>,
}

/// Why the lines could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadLinesError {
    /// The reader failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The reader ended (or ended in a line without its newline) before
    /// the last line asked for.
    #[error("expected {expected} complete lines, found {found}")]
    MissingLines {
        /// The last line asked for.
        expected: u64,
        /// Complete lines found.
        found: u64,
    },
    /// A line is not a record of the type asked for.
    #[error("line {line}: {reason}")]
    BadRecord {
        /// The 1-based line.
        line: u64,
        /// What the parser said.
        reason: String,
    },
}

/// Reads the records on lines `first_line .. end_line` (1-based, end
/// exclusive) of `reader` (positioned at line 1) and hands those `wanted`
/// accepts (by their bytes) to `visit`, with their line number, as `T`
/// (read without `hash`) and their `hash`.
pub fn for_each_record<T, E>(
    reader: impl BufRead,
    first_line: u64,
    end_line: u64,
    mut wanted: impl FnMut(&[u8]) -> bool,
    mut visit: impl FnMut(u64, T, String) -> Result<(), E>,
) -> Result<(), E>
where
    T: serde::de::DeserializeOwned,
    E: From<ReadLinesError>,
{
    let mut read = 0u64;
    for (index, line) in reader.split(b'\n').enumerate() {
        let number = index as u64 + 1;
        if number >= end_line {
            break;
        }
        read = number;
        if number < first_line {
            continue;
        }
        let line = line.map_err(ReadLinesError::Io)?;
        if !wanted(&line) {
            continue;
        }
        let bad = |reason: String| ReadLinesError::BadRecord { line: number, reason };
        let mut value: serde_json::Value = serde_json::from_slice(&line).map_err(|e| bad(e.to_string()))?;
        let hash = match value.as_object_mut().and_then(|members| members.remove("hash")) {
            Some(serde_json::Value::String(hash)) => hash,
            _ => return Err(bad("no `hash` string".into()).into()),
        };
        visit(
            number,
            serde_json::from_value(value).map_err(|e| bad(e.to_string()))?,
            hash,
        )?;
    }
    if read + 1 < end_line {
        return Err(ReadLinesError::MissingLines {
            expected: end_line - 1,
            found: read,
        }
        .into());
    }
    Ok(())
}

impl<R: Read> LineBlocks<R> {
    /// The lines `first_line .. end_line` of `reader`.
    pub fn new(reader: R, first_line: u64, end_line: u64, block_bytes: usize) -> Self {
        LineBlocks {
            reader,
            next_line: 1,
            first_line: first_line.max(1),
            end_line,
            block_bytes,
            buffer: Vec::new(),
            start: 0,
            ends: Vec::new(),
            carry: Vec::new(),
            spare: None,
        }
    }

    /// The next block, owning its bytes, or `None` after the last. Handing
    /// it back with [`LineBlocks::recycle`] lets a later block reuse its
    /// buffers.
    pub fn next_owned(&mut self) -> Result<Option<OwnedLineBlock>, ReadLinesError> {
        let Some(first_line) = self.fill()? else {
            return Ok(None);
        };
        let (bytes, ends) = self.spare.take().unwrap_or_default();
        Ok(Some(OwnedLineBlock {
            first_line,
            bytes: std::mem::replace(&mut self.buffer, bytes),
            start: self.start,
            ends: std::mem::replace(&mut self.ends, ends),
        }))
    }

    /// Keeps a block's buffers for a later one.
    pub fn recycle(&mut self, block: OwnedLineBlock) {
        self.spare = Some((block.bytes, block.ends));
    }

    /// The next block, or `None` after the last.
    pub fn next_block(&mut self) -> Result<Option<LineBlock<'_>>, ReadLinesError> {
        Ok(self.fill()?.map(|first_line| LineBlock {
            first_line,
            lines: lines_of(&self.buffer, self.start, &self.ends),
        }))
    }

    /// Reads the next block into the buffer; returns its first line's
    /// number, or `None` after the last.
    ///
    /// The reader's bytes go straight into the block, which is searched for
    /// newlines with `memchr`: about `block_bytes` are read (more if no
    /// line ends in them), the block ends at the last complete line, and
    /// only the line cut short is copied, to start the next block. Lines
    /// before the range are dropped as they are read; nothing after the
    /// range's last line is read beyond the read that holds it.
    fn fill(&mut self) -> Result<Option<u64>, ReadLinesError> {
        self.ends.clear();
        self.start = 0;
        if self.next_line >= self.end_line {
            return Ok(None);
        }
        let mut filled = self.carry.len();
        if self.buffer.len() < filled {
            self.buffer.resize(filled, 0);
        }
        self.buffer[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut block_first = None;
        // Bytes searched for newlines so far, and where the line after the
        // last newline found starts.
        let mut searched = 0;
        let mut line_start = 0;
        loop {
            for newline in memchr::memchr_iter(b'\n', &self.buffer[searched..filled]) {
                let end = searched + newline;
                if self.next_line >= self.first_line {
                    if block_first.is_none() {
                        block_first = Some(self.next_line);
                        self.start = line_start;
                    }
                    self.ends.push(end);
                }
                line_start = end + 1;
                self.next_line += 1;
                if self.next_line >= self.end_line {
                    return Ok(block_first);
                }
            }
            searched = filled;
            if block_first.is_none() {
                // Only lines before the range so far: keep none of them.
                self.buffer.copy_within(line_start..filled, 0);
                filled -= line_start;
                searched = filled;
                line_start = 0;
            } else if filled - self.start >= self.block_bytes {
                self.carry.extend_from_slice(&self.buffer[line_start..filled]);
                return Ok(block_first);
            }
            // One read of the rest of the block, which a buffered reader
            // passes straight to the file when it is larger than its buffer.
            let wanted = self.block_bytes.saturating_sub(filled - self.start).max(1);
            if self.buffer.len() < filled + wanted {
                self.buffer.resize(filled + wanted, 0);
            }
            let read = loop {
                match self.reader.read(&mut self.buffer[filled..filled + wanted]) {
                    Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                    read => break read?,
                }
            };
            if read == 0 {
                return Err(ReadLinesError::MissingLines {
                    expected: self.end_line - 1,
                    found: self.next_line - 1,
                });
            }
            filled += read;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, first: u64, end: u64, block_bytes: usize) -> Result<Vec<(u64, String)>, ReadLinesError> {
        let mut blocks = LineBlocks::new(text.as_bytes(), first, end, block_bytes);
        let mut seen = Vec::new();
        while let Some(block) = blocks.next_block()? {
            for (i, line) in block.lines.iter().enumerate() {
                seen.push((block.first_line + i as u64, String::from_utf8(line.to_vec()).unwrap()));
            }
        }
        Ok(seen)
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Numbered {
        n: u64,
    }

    fn records(text: &str, first: u64, end: u64) -> Result<Vec<(u64, u64, String)>, ReadLinesError> {
        let mut seen = Vec::new();
        for_each_record(
            text.as_bytes(),
            first,
            end,
            |line| !line.contains(&b'7'),
            |number, r: Numbered, hash| {
                seen.push((number, r.n, hash));
                Ok::<_, ReadLinesError>(())
            },
        )?;
        Ok(seen)
    }

    #[test]
    fn records_of_a_span_with_their_hash_taken_out() {
        let text: String = (1..=9).map(|n| format!("{{\"hash\":\"h{n}\",\"n\":{n}}}\n")).collect();
        let seen = records(&text, 5, 9).unwrap();
        assert_eq!(
            seen,
            vec![(5, 5, "h5".into()), (6, 6, "h6".into()), (8, 8, "h8".into())]
        );
        assert_eq!(records(&text, 1, 1).unwrap(), vec![]);
        assert!(matches!(
            records(&text, 8, 12),
            Err(ReadLinesError::MissingLines { expected: 11, found: 9 })
        ));
        assert!(matches!(
            records("{\"hash\":\"h\",\"n\":1}\n{\"hash\":\"h\",\"n\":\"two\"}\n", 1, 3),
            Err(ReadLinesError::BadRecord { line: 2, .. })
        ));
        assert!(matches!(
            records("{\"n\":1}\n", 1, 2),
            Err(ReadLinesError::BadRecord { line: 1, .. })
        ));
    }

    /// A reader that gives at most `most` bytes a read, as pipes and
    /// some file systems do.
    struct Trickle<'a> {
        bytes: &'a [u8],
        most: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, into: &mut [u8]) -> std::io::Result<usize> {
            let count = into.len().min(self.most).min(self.bytes.len());
            into[..count].copy_from_slice(&self.bytes[..count]);
            self.bytes = &self.bytes[count..];
            Ok(count)
        }
    }

    proptest::proptest! {
        /// Whatever the lines, range, block size and reader buffer (lines
        /// cut across reads, short reads), the blocks hold exactly the
        /// lines asked for, borrowed or owned (and owned ones' buffers
        /// reused).
        #[test]
        fn blocks_hold_the_lines_asked_for(
            lines in proptest::collection::vec("[a-z ]{0,12}", 0..40),
            first in 0..45u64,
            count in 0..45u64,
            block_bytes in 1..64usize,
            capacity in 1..32usize,
            unterminated in proptest::option::of("[a-z]{1,5}"),
            owned in proptest::bool::ANY,
            buffered in proptest::bool::ANY,
        ) {
            let mut text: String = lines.iter().map(|l| format!("{l}\n")).collect();
            text.push_str(unterminated.as_deref().unwrap_or(""));
            let end = first + count;
            let reader: Box<dyn Read> = if buffered {
                Box::new(std::io::BufReader::with_capacity(capacity, text.as_bytes()))
            } else {
                Box::new(Trickle { bytes: text.as_bytes(), most: capacity })
            };
            let mut blocks = LineBlocks::new(reader, first, end, block_bytes);
            let mut seen = Vec::new();
            let mut take = |first_line: u64, lines: &[&[u8]]| {
                for (i, line) in lines.iter().enumerate() {
                    seen.push((first_line + i as u64, String::from_utf8(line.to_vec()).unwrap()));
                }
                !lines.is_empty()
            };
            let outcome = loop {
                let next = if owned {
                    blocks.next_owned().map(|block| {
                        block.map(|block| {
                            let taken = take(block.first_line, &block.lines());
                            blocks.recycle(block);
                            taken
                        })
                    })
                } else {
                    blocks.next_block().map(|block| block.map(|block| take(block.first_line, &block.lines)))
                };
                match next {
                    Ok(Some(nonempty)) => proptest::prop_assert!(nonempty),
                    Ok(None) => break Ok(()),
                    Err(error) => break Err(error),
                }
            };
            let wanted: Vec<(u64, String)> = lines
                .iter()
                .enumerate()
                .map(|(i, l)| (i as u64 + 1, l.clone()))
                .filter(|(n, _)| *n >= first.max(1) && *n < end)
                .collect();
            if end > lines.len() as u64 + 1 {
                let is_missing = matches!(
                    outcome,
                    Err(ReadLinesError::MissingLines { expected, found })
                        if expected == end - 1 && found == lines.len() as u64
                );
                proptest::prop_assert!(is_missing, "{:?}", outcome);
            } else {
                proptest::prop_assert!(outcome.is_ok(), "{:?}", outcome);
                proptest::prop_assert_eq!(seen, wanted);
            }
        }
    }

    #[test]
    fn ranges_blocks_and_missing_lines() {
        let text: String = (1..=100).map(|i| format!("line {i}\n")).collect();
        for block_bytes in [1, 7, 64, 1 << 20] {
            let seen = read(&text, 3, 98, block_bytes).unwrap();
            assert_eq!(seen.len(), 95);
            assert!(seen.iter().all(|(n, line)| *line == format!("line {n}")));
        }
        assert!(read(&text, 5, 5, 10).unwrap().is_empty());
        assert!(matches!(
            read(&text, 1, 103, 10),
            Err(ReadLinesError::MissingLines {
                expected: 102,
                found: 100
            })
        ));
        assert!(matches!(
            read("a\nb", 1, 3, 10),
            Err(ReadLinesError::MissingLines { expected: 2, found: 1 })
        ));
    }
}
