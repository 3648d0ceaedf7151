//! The top bar (hospital and tabs) and the bottom bars (status and key hints).

use crate::tui::keymap::{Binding, Tab};
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// ` wardline  F2 Patients  F3 Appointments …    Hospital name`: the tabs
/// first (they must always fit in 80 columns), the hospital on the right in
/// whatever room is left. When a role's tabs do not fit, they close up to
/// one space, then the name `wardline` gives way, then the tabs other than
/// the current one show their key alone.
pub fn top_bar(
    hospital: &str,
    tabs: &[Tab],
    current: Option<Tab>,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let width = area.width as usize;
    let wide = |t: &Tab| format!(" {} {} ", t.key_label(), t.title());
    let tight = |t: &Tab| format!(" {} {}", t.key_label(), t.title());
    let keys_only = |t: &Tab| {
        if Some(*t) == current {
            tight(t)
        } else {
            format!(" {}", t.key_label())
        }
    };
    // Each layout: whether ` wardline ` shows, the room it keeps beside
    // the tabs (for the hospital's name), and each tab's label.
    type Label<'a> = &'a dyn Fn(&Tab) -> String;
    let layouts: [(bool, usize, Label); 4] = [
        (true, 12, &wide),
        (true, 10, &tight),
        (false, 0, &tight),
        (false, 0, &keys_only),
    ];
    let fits = |(_, room, label): &&(bool, usize, Label)| {
        room + tabs.iter().map(|t| label(t).chars().count()).sum::<usize>() <= width
    };
    let (brand, _, label) = layouts
        .iter()
        .find(fits)
        .unwrap_or(&layouts[layouts.len() - 1]);
    let mut spans = Vec::new();
    if *brand {
        spans.push(Span::styled(" wardline ", theme.title()));
    }
    for t in tabs {
        let style = if Some(*t) == current {
            theme.tab_active()
        } else {
            theme.tab()
        };
        spans.push(Span::styled(label(t), style));
    }
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let room = (area.width as usize).saturating_sub(used + 2);
    // A name cut to a letter or two says nothing: it is left out instead.
    let name: String = if hospital.chars().count() <= room {
        hospital.to_string()
    } else if room < 8 {
        String::new()
    } else {
        let mut n: String = hospital.chars().take(room.saturating_sub(1)).collect();
        if room > 1 {
            n.push('…');
        }
        n
    };
    Paragraph::new(Line::from(spans)).render(area, buf);
    let w = name.chars().count() as u16 + 1;
    let right = Rect {
        x: area.x + area.width.saturating_sub(w),
        width: w.min(area.width),
        ..area
    };
    Paragraph::new(Span::styled(name, theme.title())).render(right, buf);
}

/// The hint bar: each hinted binding's first key and what it does, as many
/// as fit; help (which lists them all) is always kept.
pub fn hint_bar(tables: &[&[Binding]], theme: &Theme, area: Rect, buf: &mut Buffer) {
    let items: Vec<(String, &str, bool)> = tables
        .iter()
        .flat_map(|t| t.iter())
        .filter(|b| b.hint)
        .map(|b| {
            let key = b.keys.first().map(|k| k.label()).unwrap_or_default();
            (
                key,
                b.does,
                b.action == crate::tui::keymap::Action::ShowHelp,
            )
        })
        .collect();
    let width = |(k, d, _): &(String, &str, bool)| k.chars().count() + d.chars().count() + 3;
    let reserved: usize = items.iter().filter(|i| i.2).map(width).sum();
    let mut room = (area.width as usize).saturating_sub(1 + reserved);
    let mut spans = vec![Span::raw(" ")];
    for item in &items {
        if !item.2 {
            if width(item) > room {
                continue;
            }
            room -= width(item);
        }
        spans.push(Span::styled(item.0.clone(), theme.key()));
        spans.push(Span::styled(format!(" {}  ", item.1), theme.muted()));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

/// The status line: the message on the left, who and when on the right; a
/// message too long to share the line takes all of it.
/// The most lines a status message takes: more than that is not a
/// status but a page.
pub const STATUS_LINES: u16 = 4;

/// How many lines the status line needs in `width` columns: one when the
/// message fits beside `right`, else as many as the message wraps to (up
/// to [`STATUS_LINES`]), so that a refusal is never cut mid-sentence.
pub fn status_height(message: Option<&str>, right: &str, width: u16) -> u16 {
    let Some(m) = message else {
        return 1;
    };
    let used = m.chars().count() as u16 + 1;
    if used + (right.chars().count() as u16) < width {
        return 1;
    }
    let lines = crate::tui::widgets::form::wrap(m, usize::from(width.saturating_sub(2)).max(1));
    (lines.len() as u16).clamp(1, STATUS_LINES)
}

pub fn status_line(
    message: Option<Span<'_>>,
    right: &str,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let right_width = right.chars().count() as u16 + 1;
    let message_width = message
        .as_ref()
        .map_or(0, |m| m.content.chars().count() as u16 + 1);
    let share = message_width + right_width <= area.width;
    let left = if share {
        Rect {
            width: area.width.saturating_sub(right_width),
            ..area
        }
    } else {
        area
    };
    if let Some(m) = message {
        let style = m.style;
        let lines: Vec<Line> = if share {
            vec![Line::from(vec![Span::raw(" "), m])]
        } else {
            crate::tui::widgets::form::wrap(
                &m.content,
                usize::from(left.width.saturating_sub(2)).max(1),
            )
            .into_iter()
            .map(|l| Line::from(vec![Span::raw(" "), Span::styled(l, style)]))
            .collect()
        };
        Paragraph::new(lines).render(left, buf);
    }
    if share {
        let right_area = Rect {
            x: area.x + left.width,
            width: area.width - left.width,
            ..area
        };
        Paragraph::new(Span::styled(right.to_string(), theme.muted())).render(right_area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(tabs: &[Tab], current: Tab, width: u16) -> String {
        let area = Rect::new(0, 0, width, 1);
        let mut buf = Buffer::empty(area);
        top_bar(
            "Lakeside Clinic",
            tabs,
            Some(current),
            &Theme::plain(),
            area,
            &mut buf,
        );
        (0..width)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect()
    }

    #[test]
    fn every_tab_key_shows_whole_in_80_columns() {
        use Tab::*;
        let nurse = [
            Patients,
            Appointments,
            Beds,
            Pharmacy,
            Visits,
            Round,
            Billing,
        ];
        let line = bar(&nurse, Beds, 80);
        assert!(!line.contains("wardline"), "{line}");
        for words in ["F2 Patients", "F3 Appointments", "F8 Round", "F10 Billing"] {
            assert!(line.contains(words), "{words:?} in {line:?}");
        }
        let admin = [Patients, Appointments, Beds, Pharmacy, Admin, Billing];
        let line = bar(&admin, Admin, 80);
        assert!(line.starts_with(" wardline  F2 Patients"), "{line}");
        let all: Vec<Tab> = Tab::all().collect();
        let line = bar(&all, Lab, 80);
        assert!(line.contains(" F9 Lab") && line.contains(" F10 "), "{line}");
        assert!(!line.contains("Appointments"), "{line}");
        let line = bar(&all, Lab, 160);
        assert!(
            line.contains("F3 Appointments") && line.contains("F10 Billing"),
            "{line}"
        );
    }
}
