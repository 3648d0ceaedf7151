//! The label as a one-page PDF the width of 80 mm receipt paper, made with
//! `pdf-writer` (small, pure Rust, kept by the Typst project). The text is
//! set in the standard Courier font with WinAnsiEncoding, which every PDF
//! reader has and which holds the accented letters of Western names
//! ("Tomás", "Núñez"); a character outside it prints as `?`.

use crate::domain::label::{Label, Paper};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// Points in a millimetre.
const MM: f32 = 72.0 / 25.4;
const FONT_SIZE: f32 = 7.0;
const LEADING: f32 = 9.0;
const MARGIN: f32 = 4.0 * MM;

/// One line of a label page: its text and the size it is set in; a line
/// larger than the label's text is centred.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLine {
    pub text: String,
    pub size: f32,
}

impl PageLine {
    /// A line in the labels' text size.
    pub fn plain(text: impl Into<String>) -> PageLine {
        PageLine {
            text: text.into(),
            size: FONT_SIZE,
        }
    }

    /// A line set `times` larger than the text, centred.
    pub fn large(text: impl Into<String>, times: f32) -> PageLine {
        PageLine {
            text: text.into(),
            size: FONT_SIZE * times,
        }
    }

    fn leading(&self) -> f32 {
        LEADING * self.size / FONT_SIZE
    }
}

/// The label's PDF bytes: the 48-column layout on an 80 mm wide page as
/// tall as the label.
pub fn pdf(label: &Label) -> Vec<u8> {
    let lines: Vec<PageLine> = label
        .lines(Paper::Wide)
        .into_iter()
        .map(PageLine::plain)
        .collect();
    page(&lines)
}

/// A one-page PDF 80 mm wide and as tall as `lines`, set in Courier.
pub fn page(lines: &[PageLine]) -> Vec<u8> {
    let width = 80.0 * MM;
    let height = 2.0 * MARGIN + lines.iter().map(PageLine::leading).sum::<f32>();
    let (catalog, tree, page_id, font, contents) = (
        Ref::new(1),
        Ref::new(2),
        Ref::new(3),
        Ref::new(4),
        Ref::new(5),
    );
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut page = pdf.page(page_id);
    page.media_box(Rect::new(0.0, 0.0, width, height));
    page.parent(tree);
    page.contents(contents);
    page.resources().fonts().pair(Name(b"F1"), font);
    page.finish();
    pdf.type1_font(font)
        .base_font(Name(b"Courier"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let mut content = Content::new();
    let mut below_top = MARGIN;
    for line in lines {
        below_top += line.leading();
        let y = height - below_top + 2.0;
        let bytes = win_ansi(&line.text);
        // Courier's characters are 0.6 of its size wide.
        let x = if line.size > FONT_SIZE {
            ((width - 0.6 * line.size * bytes.len() as f32) / 2.0).max(MARGIN)
        } else {
            MARGIN
        };
        content
            .begin_text()
            .set_font(Name(b"F1"), line.size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }
    pdf.stream(contents, &content.finish());
    pdf.finish()
}

/// Text in the PDF's WinAnsiEncoding (Windows-1252): Latin-1 letters
/// as they are, the typographic marks of 0x80–0x9F, anything else `?`.
pub fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{A0}'..='\u{FF}' => c as u32 as u8,
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_are_kept_in_win_ansi() {
        assert_eq!(win_ansi("Tomás — ok"), b"Tom\xe1s \x97 ok");
        assert_eq!(win_ansi("Łódź"), b"?\xf3d?");
    }
}
