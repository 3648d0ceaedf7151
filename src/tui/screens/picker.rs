//! Choosing a hospital when the data directory holds several.

use crate::tui::keymap::{Action, PICKER};
use crate::tui::theme::Theme;
use crate::tui::widgets::popup::{centered, frame_box};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

pub struct Picker {
    /// (code, name) of each hospital.
    pub hospitals: Vec<(String, String)>,
    pub selected: usize,
}

impl Picker {
    /// Moves the selection for Up/Down.
    pub fn navigate(&mut self, action: Action) {
        let last = self.hospitals.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            _ => {}
        }
    }

    pub fn render(&self, theme: &Theme, area: Rect, buf: &mut Buffer) {
        let height = self.hospitals.len() as u16 + 5;
        let inner = frame_box("Choose a hospital", centered(area, 64, height), theme, buf);
        let lines: Vec<Line> = self
            .hospitals
            .iter()
            .enumerate()
            .map(|(i, (code, name))| {
                let text = format!(" {code:<8} {name}");
                if i == self.selected {
                    Line::from(Span::styled(text, theme.selected()))
                } else {
                    Line::from(text)
                }
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
        let hints = Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        };
        crate::tui::widgets::bars::hint_bar(&[PICKER], theme, hints, buf);
    }
}
