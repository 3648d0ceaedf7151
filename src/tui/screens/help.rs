//! The help overlay, generated from the key tables in force.

use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use crate::tui::widgets::popup::{centered, frame_box};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// Draws each titled table as `keys  what they do`.
pub fn render(
    title: &str,
    sections: &[(&str, &[Binding])],
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut lines = Vec::new();
    for (name, table) in sections.iter().filter(|(_, t)| !t.is_empty()) {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(Span::styled(name.to_string(), theme.header())));
        for b in table.iter() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<22}", b.keys_label()), theme.key()),
                Span::raw(b.does),
            ]));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "Esc, F1 or ? closes this help.",
        theme.muted(),
    )));
    let height = lines.len() as u16 + 2;
    let inner = frame_box(title, centered(area, 60, height), theme, buf);
    Paragraph::new(lines).render(inner, buf);
}
