//! The help overlay, generated from the key tables in force.

use crate::tui::keymap::Binding;
use crate::tui::theme::Theme;
use crate::tui::widgets::popup::{centered, frame_box};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// Draws each titled table as `keys  what they do`: in one column when it
/// fits the height, else the first table beside the others (the end of a
/// first table taller than the screen heads the second column).
pub fn render(
    title: &str,
    sections: &[(&str, &[Binding])],
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let one = lines(sections, theme);
    if one.len() as u16 + 2 <= area.height {
        let inner = frame_box(title, centered(area, 60, one.len() as u16 + 2), theme, buf);
        Paragraph::new(one).render(inner, buf);
        return;
    }
    let (first, rest) = sections.split_at(1.min(sections.len()));
    let (mut left, mut right) = (lines(first, theme), lines(rest, theme));
    // A first table taller than the screen goes on at the top of the
    // second column rather than being cut off.
    let room = usize::from(area.height.saturating_sub(2));
    if left.len() > room {
        let mut spill = left.split_off(room);
        spill.push(Line::from(""));
        spill.append(&mut right);
        right = spill;
    }
    let height = left.len().max(right.len()) as u16 + 2;
    let inner = frame_box(title, centered(area, 78, height), theme, buf);
    let [l, r] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(inner);
    Paragraph::new(left).render(l, buf);
    Paragraph::new(right).render(r, buf);
}

fn lines<'a>(sections: &[(&str, &'a [Binding])], theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for (name, table) in sections.iter().filter(|(_, t)| !t.is_empty()) {
        if !lines.is_empty() {
            lines.push(Line::from(""));
        }
        lines.push(Line::from(Span::styled(name.to_string(), theme.header())));
        for b in table.iter() {
            lines.push(Line::from(vec![
                Span::styled(format!(" {:<14}", b.keys_label()), theme.key()),
                Span::raw(b.does),
            ]));
        }
    }
    lines
}
