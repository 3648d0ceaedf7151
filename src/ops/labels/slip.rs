//! A printed slip — a specimen label, a cash receipt — built line by line
//! within a receipt printer's columns: rules, centred headings, one number
//! set large in the PDF (the number the slip is read by), captioned fields
//! and amounts at the right edge; as text for the printer and as a PDF.

use super::pdf::{PageLine, page};
use crate::domain::label::{Paper, wrap};

/// A line of a slip, and whether it is the number set large.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipLine {
    pub text: String,
    pub large: bool,
}

/// A slip being laid out for one paper width.
pub struct Slip {
    width: usize,
    lines: Vec<SlipLine>,
}

impl Slip {
    pub fn new(paper: Paper) -> Slip {
        Slip {
            width: paper.columns(),
            lines: Vec::new(),
        }
    }

    fn plain(&mut self, text: String) {
        self.lines.push(SlipLine { text, large: false });
    }

    fn centre(&self, text: &str) -> String {
        let pad = self.width.saturating_sub(text.chars().count()) / 2;
        format!("{}{text}", " ".repeat(pad))
    }

    /// A rule across the slip.
    pub fn rule(&mut self, c: char) {
        self.plain(c.to_string().repeat(self.width));
    }

    /// `text` centred, wrapped when longer than a line.
    pub fn centred(&mut self, text: &str) {
        for l in wrap(text, self.width, 0) {
            let l = self.centre(&l);
            self.plain(l);
        }
    }

    /// The slip's number, centred on its own line and large in the PDF.
    pub fn large(&mut self, text: &str) {
        let text = self.centre(text);
        self.lines.push(SlipLine { text, large: true });
    }

    /// `Caption: value`, wrapped under itself.
    pub fn field(&mut self, caption: &str, value: &str) {
        for l in wrap(&format!("{caption}: {value}"), self.width, 2) {
            self.plain(l);
        }
    }

    /// `what` on the left and `amount` at the right edge; a description
    /// too long for the line wraps above the amount.
    pub fn priced(&mut self, what: &str, amount: &str) {
        let room = self.width.saturating_sub(amount.chars().count() + 1);
        let mut lines = wrap(what, room.max(1), 2);
        let last = lines.pop().unwrap_or_default();
        let gap = self
            .width
            .saturating_sub(last.chars().count() + amount.chars().count());
        lines.push(format!("{last}{}{amount}", " ".repeat(gap.max(1))));
        for l in lines {
            self.plain(l);
        }
    }

    pub fn lines(self) -> Vec<SlipLine> {
        self.lines
    }
}

/// The slip as text for a receipt printer, ending in a newline.
pub fn text(lines: Vec<SlipLine>) -> String {
    let mut s = lines
        .into_iter()
        .map(|l| l.text)
        .collect::<Vec<_>>()
        .join("\n");
    s.push('\n');
    s
}

/// The slip as a one-page PDF 80 mm wide, its large line `times` the
/// text's size.
pub fn pdf(lines: Vec<SlipLine>, times: f32) -> Vec<u8> {
    let lines: Vec<PageLine> = lines
        .into_iter()
        .map(|l| {
            if l.large {
                PageLine::large(l.text.trim(), times)
            } else {
                PageLine::plain(l.text)
            }
        })
        .collect();
    page(&lines)
}

/// Asserts every line of `lines` fits `paper`, and returns the one large
/// line's text (a slip has exactly one): the check each slip's tests make.
#[cfg(test)]
pub fn assert_fits(lines: &[SlipLine], paper: Paper) -> String {
    for l in lines {
        assert!(
            l.text.chars().count() <= paper.columns(),
            "{:?} is wider than {} columns",
            l.text,
            paper.columns()
        );
    }
    let large: Vec<_> = lines.iter().filter(|l| l.large).collect();
    assert_eq!(large.len(), 1);
    large[0].text.trim().to_string()
}
