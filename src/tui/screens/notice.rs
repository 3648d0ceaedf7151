//! The one-line notice of a tab whose screen is not built yet.

use crate::tui::keymap::Tab;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// What the tab will hold, in one line.
pub fn text(tab: Tab) -> &'static str {
    match tab {
        Tab::Appointments => {
            "Appointments: the day view, booking, check-in and the queue — coming in a later release."
        }
        Tab::Beds => {
            "Beds: the bed board, admit, transfer, discharge and cleaning — coming in a later release."
        }
        Tab::Pharmacy => {
            "Pharmacy: stock, receiving and first-expiry-first-out dispensing — coming in a later release."
        }
        Tab::Patients | Tab::Admin => "",
    }
}

pub fn render(tab: Tab, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let r = Rect {
        x: area.x + 2,
        y: area.y + 1,
        width: area.width.saturating_sub(4),
        height: 2,
    };
    Paragraph::new(Span::styled(text(tab), theme.muted()))
        .wrap(Wrap { trim: true })
        .render(r, buf);
}
