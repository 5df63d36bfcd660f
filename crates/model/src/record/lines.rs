//! Reading a record file's lines a block at a time: complete lines only,
//! counted from 1, so that a caller can parse each block on every core and
//! still name the line of any error.

use std::io::BufRead;

/// Lines `first_line .. end_line` (1-based, end exclusive) of a reader
/// positioned at line 1, handed out in blocks of about `block_bytes`.
#[derive(Debug)]
pub struct LineBlocks<R> {
    reader: R,
    next_line: u64,
    first_line: u64,
    end_line: u64,
    block_bytes: usize,
    buffer: Vec<u8>,
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
pub enum LineBlocksError {
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
}

impl<R: BufRead> LineBlocks<R> {
    /// The lines `first_line .. end_line` of `reader`.
    pub fn new(reader: R, first_line: u64, end_line: u64, block_bytes: usize) -> Self {
        LineBlocks {
            reader,
            next_line: 1,
            first_line: first_line.max(1),
            end_line,
            block_bytes,
            buffer: Vec::with_capacity(block_bytes + (64 << 10)),
        }
    }

    /// The next block, or `None` after the last.
    pub fn next_block(&mut self) -> Result<Option<LineBlock<'_>>, LineBlocksError> {
        self.buffer.clear();
        let mut block_first = None;
        while self.buffer.len() < self.block_bytes && self.next_line < self.end_line {
            let before = self.buffer.len();
            let read = self.reader.read_until(b'\n', &mut self.buffer)?;
            if read == 0 || self.buffer.last() != Some(&b'\n') {
                return Err(LineBlocksError::MissingLines {
                    expected: self.end_line - 1,
                    found: self.next_line - 1,
                });
            }
            if self.next_line < self.first_line {
                self.buffer.truncate(before);
            } else {
                block_first.get_or_insert(self.next_line);
            }
            self.next_line += 1;
        }
        let Some(block_first) = block_first else {
            return Ok(None);
        };
        let lines = self.buffer[..self.buffer.len() - 1].split(|b| *b == b'\n').collect();
        Ok(Some(LineBlock {
            first_line: block_first,
            lines,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, first: u64, end: u64, block_bytes: usize) -> Result<Vec<(u64, String)>, LineBlocksError> {
        let mut blocks = LineBlocks::new(text.as_bytes(), first, end, block_bytes);
        let mut seen = Vec::new();
        while let Some(block) = blocks.next_block()? {
            for (i, line) in block.lines.iter().enumerate() {
                seen.push((block.first_line + i as u64, String::from_utf8(line.to_vec()).unwrap()));
            }
        }
        Ok(seen)
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
            Err(LineBlocksError::MissingLines {
                expected: 102,
                found: 100
            })
        ));
        assert!(matches!(
            read("a\nb", 1, 3, 10),
            Err(LineBlocksError::MissingLines { expected: 2, found: 1 })
        ));
    }
}
