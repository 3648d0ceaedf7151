//! CSV files as people meet them: the physical line where each row read
//! starts.
//!
//! Line numbers: the csv crate's `Position::line()` counts `\n` bytes up to
//! where the parser stood when a row began, which in a file with CRLF line
//! endings is still before the `\n` that ends the previous row (one line too
//! early), and before any blank lines it skips. [`LineCounter`] sits under
//! the csv reader, notes every line break it passes on (`\r\n`, `\n` or a
//! lone `\r`) and turns a row's starting byte into the line a text editor
//! shows for it.

use std::collections::VecDeque;
use std::io::{self, Read};

/// A reader that remembers where the line breaks of what it passes on are,
/// so that the start of a CSV row can be named by its physical line.
///
/// Wrap the file in it before the csv reader, and ask [`LineCounter::line_at`]
/// (through `csv::Reader::get_mut`) with the byte position of each row, in
/// file order. It keeps only the breaks not yet asked about: those of the
/// csv reader's buffer.
#[derive(Debug)]
pub struct LineCounter<R> {
    inner: R,
    /// Bytes passed on so far.
    offset: u64,
    /// Line breaks not yet passed by a question: (first byte, byte after).
    breaks: VecDeque<(u64, u64)>,
    /// Breaks wholly before the last position asked about.
    before: u64,
    /// Where the last break ends when it is a `\r` that a `\n` may
    /// complete.
    cr_end: Option<u64>,
}

impl<R: Read> LineCounter<R> {
    /// Counts the lines of `inner`.
    pub fn new(inner: R) -> LineCounter<R> {
        LineCounter {
            inner,
            offset: 0,
            breaks: VecDeque::new(),
            before: 0,
            cr_end: None,
        }
    }
}

impl<R> LineCounter<R> {
    /// The line (1 for the first) of the first character at or after byte
    /// `byte` that is not a line break: where a row that the csv reader
    /// began reading at `byte` starts, since it passes over the rest of the
    /// previous row's line ending and blank lines first. `byte` must not go
    /// back from one call to the next, and must not be beyond what was read.
    pub fn line_at(&mut self, byte: u64) -> u64 {
        while let Some(&(_, end)) = self.breaks.front() {
            if end > byte {
                break;
            }
            self.breaks.pop_front();
            self.before += 1;
        }
        let mut at = byte;
        let mut skipped = 0;
        for &(start, end) in &self.breaks {
            if start > at {
                break;
            }
            skipped += 1;
            at = end;
        }
        1 + self.before + skipped
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        for i in memchr::memchr2_iter(b'\n', b'\r', chunk) {
            let at = self.offset + i as u64;
            match (chunk[i], self.breaks.back_mut()) {
                // The `\n` of a `\r\n`, even across two reads: one break.
                (b'\n', Some((_, end))) if self.cr_end == Some(at) => *end = at + 1,
                _ => self.breaks.push_back((at, at + 1)),
            }
            self.cr_end = (chunk[i] == b'\r').then_some(at + 1);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `n` bytes at a time, so that a
    /// `\r\n` can fall across two reads.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// The first field and starting line of every row after the header.
    fn rows(text: &str, chunk: usize) -> Vec<(String, u64)> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(LineCounter::new(Trickle(text.as_bytes(), chunk)));
        let mut out = Vec::new();
        let mut record = csv::StringRecord::new();
        while csv.read_record(&mut record).unwrap() {
            let byte = record.position().unwrap().byte();
            let line = csv.get_mut().line_at(byte);
            out.push((record[0].to_string(), line));
        }
        out
    }

    fn lines_in_every_chunking(text: &str) -> Vec<(String, u64)> {
        let whole = rows(text, usize::MAX);
        // (The csv crate takes a BOM that alone fills its first read for
        // the end of the file: real reads are far longer.)
        let chunks: &[usize] = if text.starts_with('\u{feff}') {
            &[7]
        } else {
            &[1, 2, 3, 7]
        };
        for &chunk in chunks {
            assert_eq!(rows(text, chunk), whole, "{chunk}-byte reads of {text:?}");
        }
        whole
    }

    fn at(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
        pairs.iter().map(|(s, l)| (s.to_string(), *l)).collect()
    }

    #[test]
    fn rows_are_named_by_the_line_they_start_on() {
        let expected = at(&[("a", 2), ("b", 3), ("c", 6), ("d", 7)]);
        let lf = "h,x\na,1\nb,\"one\ntwo\nthree\"\nc,2\nd,3\n";
        assert_eq!(lines_in_every_chunking(lf), expected);
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(lines_in_every_chunking(&crlf), expected);
        let bom = format!("\u{feff}{crlf}");
        assert_eq!(lines_in_every_chunking(&bom), expected);
        let cr = lf.replace('\n', "\r");
        assert_eq!(lines_in_every_chunking(&cr), expected);
        // Without a line break at the end.
        assert_eq!(
            lines_in_every_chunking("h\r\na\r\nb"),
            at(&[("a", 2), ("b", 3)])
        );
    }

    #[test]
    fn blank_lines_count_but_are_not_rows() {
        let text = "h,x\r\n\r\na,1\r\n\r\n\r\nb,2\nc,\"x\r\n\r\ny\"\r\n\nd,4";
        assert_eq!(
            lines_in_every_chunking(text),
            at(&[("a", 3), ("b", 6), ("c", 7), ("d", 11)])
        );
    }
}
