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

/// The label's PDF bytes: the 48-column layout on an 80 mm wide page as
/// tall as the label.
pub fn pdf(label: &Label) -> Vec<u8> {
    let lines = label.lines(Paper::Wide);
    let width = 80.0 * MM;
    let height = 2.0 * MARGIN + LEADING * lines.len() as f32;
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
    for (i, line) in lines.iter().enumerate() {
        let y = height - MARGIN - LEADING * (i as f32 + 1.0) + 2.0;
        let bytes = win_ansi(line);
        content
            .begin_text()
            .set_font(Name(b"F1"), FONT_SIZE)
            .next_line(MARGIN, y)
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
