//! What a tab shows when its screen could not be opened (the reason is on
//! the status line): how to try again, instead of an empty screen.

use crate::tui::keymap::Tab;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// The notice, in one sentence.
pub fn text(tab: Tab) -> String {
    format!(
        "{}: this tab could not be opened (the message below says why). Press {} to try again.",
        tab.title(),
        tab.key_label()
    )
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
