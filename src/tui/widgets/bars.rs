//! The top bar (hospital and tabs) and the bottom bars (status and key hints).

use crate::tui::keymap::{Binding, Tab};
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// `wardline · Hospital   F2 Patients  F3 Appointments …` with the current tab marked.
pub fn top_bar(
    hospital: &str,
    tabs: &[Tab],
    current: Option<Tab>,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let mut spans = vec![
        Span::styled(" wardline ", theme.title()),
        Span::styled(format!("· {hospital} "), theme.title()),
    ];
    for t in tabs {
        spans.push(Span::raw(" "));
        let label = format!("{} {}", t.key_label(), t.title());
        if Some(*t) == current {
            spans.push(Span::styled(format!("[{label}]"), theme.tab_active()));
        } else {
            spans.push(Span::styled(format!(" {label} "), theme.tab()));
        }
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The hint bar: each hinted binding's first key and what it does.
pub fn hint_bar(tables: &[&[Binding]], theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![Span::raw(" ")];
    for b in tables.iter().flat_map(|t| t.iter()).filter(|b| b.hint) {
        let key = b.keys.first().map(|k| k.label()).unwrap_or_default();
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::styled(format!(" {}  ", b.does), theme.muted()));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The status line: the message on the left, who and when on the right.
pub fn status_line(
    message: Option<Span<'_>>,
    right: &str,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let right_width = right.chars().count() as u16 + 1;
    let left = Rect {
        width: area.width.saturating_sub(right_width),
        ..area
    };
    let right_area = Rect {
        x: area.x + left.width,
        width: area.width - left.width,
        ..area
    };
    if let Some(m) = message {
        Paragraph::new(Line::from(vec![Span::raw(" "), m])).render(left, buf);
    }
    Paragraph::new(Span::styled(right.to_string(), theme.muted())).render(right_area, buf);
}
