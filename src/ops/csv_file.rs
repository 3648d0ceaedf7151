//! CSV files as people meet them: the physical line where each row read
//! starts, and cells written so that a spreadsheet never runs them as
//! formulas.
//!
//! Line numbers: the csv crate's `Position::line()` counts `\n` bytes up to
//! where the parser stood when a row began, which in a file with CRLF line
//! endings is still before the `\n` that ends the previous row (one line too
//! early), and before any blank lines it skips. [`LineCounter`] sits under
//! the csv reader, notes every line break it passes on (`\r\n`, `\n` or a
//! lone `\r`) and turns a row's starting byte into the line a text editor
//! shows for it.
//!
//! Formulas: see [`escape_cell`] and [`unescape_cell`], and [`SafeWriter`],
//! the one writer of every CSV meant to be opened in a spreadsheet.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, Read, Write};

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
    /// Bytes passed on since the last line break.
    since_break: u64,
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
            since_break: 0,
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

/// The longest physical line a CSV file may have: a row of any file
/// wardline reads is well under a kilobyte, and a line without end would
/// otherwise be held in memory whole before anything could say so.
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// Names from a file said back in a message: at most ten, each cut to 40
/// characters, and how many more there were.
pub fn a_few(names: &[String]) -> Vec<String> {
    const SHOWN: usize = 10;
    const LONGEST: usize = 40;
    let mut out: Vec<String> = names
        .iter()
        .take(SHOWN)
        .map(|n| {
            if n.chars().count() > LONGEST {
                format!("{}…", n.chars().take(LONGEST).collect::<String>())
            } else {
                n.clone()
            }
        })
        .collect();
    if names.len() > SHOWN {
        out.push(format!("and {} more", names.len() - SHOWN));
    }
    out
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
        let last_break = memchr::memrchr2(b'\n', b'\r', chunk);
        self.since_break = match last_break {
            Some(i) => (n - i - 1) as u64,
            None => self.since_break + n as u64,
        };
        if self.since_break > MAX_LINE_BYTES {
            let line = self.before + self.breaks.len() as u64 + 1;
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "line {line} is longer than {} KiB: a row of a CSV file is far shorter; check that this is the right file",
                    MAX_LINE_BYTES / 1024
                ),
            ));
        }
        Ok(n)
    }
}

/// The first characters that make a spreadsheet read a cell as a formula
/// (OWASP's CSV-injection list), plus the `'` that [`escape_cell`] itself
/// adds, so that a value starting with `'` comes back exactly too.
const ESCAPED_STARTS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// Whether `cell` is a plain decimal number: an optional `-`, digits, and
/// optionally a `.` and more digits (`-5`, `12.50`). A spreadsheet reads
/// such a cell as that number and nothing else, so it is left as it is.
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

/// A cell as written to a CSV for people (OWASP's CSV-injection advice): a
/// cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return (which a
/// spreadsheet may run as a formula), or with `'`, gets one `'` in front, so
/// that the spreadsheet takes it as text; a plain decimal number (`-5`,
/// `12.50`, see [`is_plain_number`]) is left as it is, so that quantities and
/// amounts stay numbers. Every other cell is unchanged. [`unescape_cell`]
/// undoes it exactly.
pub fn escape_cell(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if ESCAPED_STARTS.contains(&c) && !is_plain_number(cell) => {
            Cow::Owned(format!("'{cell}"))
        }
        _ => Cow::Borrowed(cell),
    }
}

/// A cell as read from a CSV, with the `'` that [`escape_cell`] added taken
/// off: one leading `'` is removed only when the next character is one that
/// [`escape_cell`] escapes (`'+254…` → `+254…`, `''t Hooft` → `'t Hooft`);
/// any other cell, such as `'abc` from another system, is kept as it is.
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(ESCAPED_STARTS) => rest,
        _ => cell,
    }
}

/// The writer of every CSV that people open in a spreadsheet (the patients
/// and appointments exports, the census): each cell goes through
/// [`escape_cell`], so that no cell runs as a formula.
///
/// The rule, precisely: a cell whose first character is `=`, `+`, `-`, `@`,
/// a tab, a carriage return or `'` is written with a `'` in front, unless
/// the whole cell is a plain decimal number (an optional `-`, ASCII digits,
/// optionally `.` and more digits), which a spreadsheet reads as that
/// number and never as a formula: a quantity `-5` or an amount `-12.50`
/// stays numeric, while `+5`, `-5e3`, `-2+3` or a phone `+254 712 345 678`
/// are escaped. The writer does not know the columns: the rule looks at the
/// text only, so a text cell holding just `-5` is left as it is too (and
/// reads back the same).
pub struct SafeWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> SafeWriter<W> {
    /// A writer of comma-separated rows, quoting where needed.
    pub fn new(out: W) -> SafeWriter<W> {
        SafeWriter {
            csv: csv::Writer::from_writer(out),
        }
    }

    /// Writes one row, each cell escaped.
    pub fn write_row<I, T>(&mut self, cells: I) -> io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        for cell in cells {
            self.csv
                .write_field(escape_cell(cell.as_ref()).as_bytes())
                .map_err(io_error)?;
        }
        self.csv.write_record(None::<&[u8]>).map_err(io_error)
    }

    /// Writes what is buffered to the output.
    pub fn flush(&mut self) -> io::Result<()> {
        self.csv.flush()
    }

    /// The output, with everything buffered written to it (to sync a file).
    pub fn into_inner(self) -> io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

/// A csv writing error as the I/O error it is (the csv writer fails only
/// when its output does).
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
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

    #[test]
    fn cells_that_a_spreadsheet_would_run_are_escaped_and_come_back_exactly() {
        for (value, written) in [
            ("=1+1", "'=1+1"),
            ("+254 712 345 678", "'+254 712 345 678"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tindented", "'\tindented"),
            ("\rx", "'\rx"),
            ("'t Hooft", "''t Hooft"),
            ("'=1", "''=1"),
            ("''", "'''"),
            ("'", "''"),
            ("-", "'-"),
            ("+5", "'+5"),
            ("-5e3", "'-5e3"),
            ("-1.", "'-1."),
            ("-.5", "'-.5"),
            ("-0x10", "'-0x10"),
            // Plain numbers stay numbers.
            ("-5", "-5"),
            ("-12.50", "-12.50"),
            ("42", "42"),
            // Nothing to do.
            ("", ""),
            ("Amina", "Amina"),
            ("a=1", "a=1"),
            (" =1", " =1"),
            ("2026-03-09", "2026-03-09"),
        ] {
            assert_eq!(escape_cell(value), written, "{value:?}");
            assert_eq!(unescape_cell(written), value, "{written:?}");
        }
        // A quote another system put in front of ordinary text is kept.
        assert_eq!(unescape_cell("'abc"), "'abc");
        assert_eq!(unescape_cell("'"), "'");
        assert_eq!(unescape_cell("'+254 712"), "+254 712");
    }

    #[test]
    fn the_safe_writer_escapes_every_cell_and_quotes_where_needed() {
        let mut out = Vec::new();
        let mut w = SafeWriter::new(&mut out);
        w.write_row(["name", "quantity"]).unwrap();
        w.write_row(["=HYPERLINK(\"http://x\",\"a\")", "-5"])
            .unwrap();
        w.write_row(["+254 712 345 678", "12.50"]).unwrap();
        w.write_row(["@SUM(A1), x", ""]).unwrap();
        w.flush().unwrap();
        drop(w);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,quantity\n\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\",-5\n\
             '+254 712 345 678,12.50\n\
             \"'@SUM(A1), x\",\n"
        );
    }
}
