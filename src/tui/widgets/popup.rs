//! Centred popups: a yes/no question, and the frame the help overlay uses.

use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

/// A rectangle of at most `width`×`height`, centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Draws a bordered, cleared box and returns its inner area.
pub fn frame_box(title: &str, area: Rect, theme: &Theme, buf: &mut Buffer) -> Rect {
    Clear.render(area, buf);
    let block = Block::bordered().title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    inner
}

/// A question that names what it is about, answered with y or n.
pub fn confirm(question: &str, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let width = 64.min(area.width);
    let text_width = usize::from(width.saturating_sub(2)).max(1);
    let lines = question.chars().count().div_ceil(text_width) as u16 + 1;
    let r = centered(area, width, lines + 4);
    let inner = frame_box("Please confirm", r, theme, buf);
    let text = vec![
        Line::from(question.to_string()),
        Line::from(""),
        Line::from(vec![
            Span::styled("y", theme.key()),
            Span::raw(" yes    "),
            Span::styled("n", theme.key()),
            Span::raw(" no"),
        ]),
    ];
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(inner, buf);
}

/// A question answered with a line of text (the reason for a deletion).
pub struct Prompt {
    pub question: String,
    pub answer: crate::tui::widgets::field::Field,
}

impl Prompt {
    pub fn new(question: impl Into<String>, label: &'static str) -> Prompt {
        Prompt {
            question: question.into(),
            answer: crate::tui::widgets::field::Field::new(label),
        }
    }

    pub fn render(&self, frame: &mut ratatui::Frame, area: Rect, theme: &Theme) {
        let r = centered(area, 70, 8);
        let inner = frame_box("Please answer", r, theme, frame.buffer_mut());
        let text = Rect { height: 3, ..inner };
        frame.render_widget(
            Paragraph::new(self.question.clone()).wrap(Wrap { trim: true }),
            text,
        );
        let field = Rect {
            y: inner.y + 4,
            height: 1,
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
        };
        self.answer.render(frame, field, 8, true, theme);
    }
}
